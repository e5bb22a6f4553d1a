"""HTTP transport shared by every generated client.

`Core` holds everything both clients share: URL building, signing, deadlines, the retry
decision and response parsing. `SyncTransport` and `AsyncTransport` add the I/O, the
sleeping and the queueing.

Every call has one deadline (the client's `timeout`, or the end of the `wait_for_job` it
is part of, whichever comes first). It covers connecting, sending, the whole body and the
waits between retries; httpx's per-phase timeouts apply inside it, each cut to the time
left. No redirect is ever followed, whatever the http_client.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import math
import threading
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import httpx
from pydantic import BaseModel

# ElementTree (XML bodies) is imported where it is used (response.py): a JSON client
# needs none of it, and it adds to the import time.
if TYPE_CHECKING:
    from xml.etree import ElementTree

from .deadline import (
    _BUDGET,
    _WATCHDOG,
    REAL_CLOCK,
    Clock,
    _Guard,
    _PhaseTimeouts,
    _socket_of,
    _within,
)
from .errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    ClockSkewError,
    RedirectError,
)
from .request import (
    Auth,
    Call,
    Stream,
    TokenAuth,
    _check_headers,
    checked_url,
    query_string,
)
from .response import (
    MAX_RESPONSE_BYTES,
    ErrorShape,
    _Body,
    _body_for,
    _covered,
    _incomplete,
    json_pointer,
    xml_pointer,
    xml_tree,
)
from .retry import _NOT_SENT, _SKEW_EVIDENCE, _TRANSIENT, RetryPolicy, _server_time
from .security import (
    ApiKey,
    HttpBasic,
    OAuth2ClientCredentials,
    Requirement,
    Security,
)

logger = logging.getLogger(__name__.rsplit(".", 2)[0])

ModelT = TypeVar("ModelT", bound=BaseModel)
_T = TypeVar("_T")


class RawResponse(Generic[_T]):
    """A method's answer with its HTTP response's status and headers (a job's
    `Operation-Location`, a rate limit's `X-RateLimit-Remaining`): what
    `client.with_raw_response.<method>(...)` returns. Its request's credentials are not
    kept."""

    __slots__ = ("headers", "parsed", "status_code")

    def __init__(self, status_code: int, headers: httpx.Headers, parsed: _T) -> None:
        self.status_code = status_code
        self.headers = headers
        self.parsed = parsed

    def __repr__(self) -> str:
        return f"RawResponse(status_code={self.status_code}, parsed={self.parsed!r})"


class Reader(Generic[_T]):
    """How a call reads a success body that is not (only) a model: the bytes of audio,
    text, or the open response of a stream (`binary.py`). It may set the call's own
    deadline and body cap."""

    __slots__ = ("max_bytes", "timeout")

    def __init__(self, timeout: float | None, max_bytes: int | None) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes

    def opened(self, response: httpx.Response, core: Core) -> _T | None:
        """The answer before the body is read (a stream: the response, kept open), or
        None to read the body first."""
        return None

    def read(
        self, core: Core, response: httpx.Response, body: bytes, cut: bool
    ) -> _T:  # pragma: no cover - every reader has its own
        raise NotImplementedError


def _open(response: httpx.Response) -> None:
    """Let a kept-open response's body take as long as it needs: only httpx's per-read
    timeouts apply to it, no longer the deadline of the call that opened it."""
    timeouts = response.request.extensions.get("timeout")
    if isinstance(timeouts, _PhaseTimeouts):
        timeouts.deadline = math.inf


# The responses a `with_raw_response` call has read, in its own context (a thread's, a
# task's): calls running at once on one client each keep their own.
_RAW: ContextVar[list[httpx.Response] | None] = ContextVar("_RAW", default=None)


def _answered(response: httpx.Response, parsed: _T) -> _T:
    """`parsed`, the answer read from `response`, which a raw call keeps."""
    kept = _RAW.get()
    if kept is not None:
        kept.append(response)
    return parsed


def _raw(kept: list[httpx.Response], parsed: _T) -> RawResponse[_T]:
    # The last response read: the one the answer came from (retries come before it).
    response = kept[-1]
    return RawResponse(response.status_code, response.headers, parsed)


def raw_response(call: Callable[[], _T]) -> RawResponse[_T]:
    """What `call` (one method of a client) returns, with its response's status and
    headers."""
    kept: list[httpx.Response] = []
    token = _RAW.set(kept)
    try:
        parsed = call()
    finally:
        _RAW.reset(token)
    return _raw(kept, parsed)


async def async_raw_response(call: Callable[[], Awaitable[_T]]) -> RawResponse[_T]:
    """`raw_response` for a coroutine method (awaited in this task: same context)."""
    kept: list[httpx.Response] = []
    token = _RAW.set(kept)
    try:
        parsed = await call()
    finally:
        _RAW.reset(token)
    return _raw(kept, parsed)


# The request extension holding the clock offset a request was signed with (httpx hands
# its own `response.request` back; transports ignore extensions they do not know).
_SIGNED_OFFSET = "tts_sdkgen.clock_offset"

# Every exception httpx raises (a transport's too, or an event hook's), so that none
# reaches a user unwrapped: what is retried among them is the retry policy's choice
# (retry.py), the rest become APIConnectionError (or the error of what they mean).
_HTTPX_ERRORS = (
    httpx.HTTPError,
    httpx.InvalidURL,
    httpx.CookieConflict,
    httpx.StreamError,
)

DEFAULT_CONCURRENCY = 20
"""Calls a client runs at once when its http_client's pool cannot be read (the number of
connections httpx keeps alive by default)."""


def auth_tokens(auth: Auth) -> tuple[OAuth2ClientCredentials, ...]:
    return auth.tokens if isinstance(auth, Requirement) else ()


def _timeless(auth: Auth) -> bool:
    """Sends the same credentials whatever the time: signing again changes nothing."""
    if isinstance(auth, Requirement):
        return all(_timeless(scheme) for scheme in auth.schemes)
    return isinstance(auth, TokenAuth | ApiKey | HttpBasic | OAuth2ClientCredentials)


def _concurrency(client: httpx.Client | httpx.AsyncClient) -> int:
    """How many calls run at once: as many as the client's pool keeps connections alive
    (httpx's default: 20, of at most 100 open), so that each call reuses a connection
    rather than opening (and negotiating TLS for) one that is closed after it. httpx keeps
    no public record of its limits."""
    pool = getattr(getattr(client, "_transport", None), "_pool", None)
    for limit in ("_max_keepalive_connections", "_max_connections"):
        size = getattr(pool, limit, None)
        if isinstance(size, int) and size > 0:
            return size
    return DEFAULT_CONCURRENCY


_XML_READERS: dict[type[BaseModel], Callable[[Any], Any] | None] = {}


def _xml_reader(model: type[BaseModel]) -> Callable[[Any], Any] | None:
    """The model's `from_xml_tree`, None for a JSON model: looked up once per model, as a
    missing attribute of a model class costs a Python-level miss in pydantic's metaclass.
    """
    try:
        return _XML_READERS[model]
    except KeyError:
        reader = _XML_READERS[model] = getattr(model, "from_xml_tree", None)
        return reader


class Core:
    """Everything about a call that is the same whether the I/O is sync or async."""

    def __init__(
        self,
        *,
        base_url: str,
        auth: Auth | Security,
        errors: ErrorShape,
        timeout: float | httpx.Timeout,
        max_retries: int,
        retry_submits: bool,
        user_agent: str,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.errors = errors
        if isinstance(timeout, httpx.Timeout):
            # Per-phase timeouts of each attempt; the call's deadline is the longest.
            phases = [
                value
                for value in (
                    timeout.connect,
                    timeout.read,
                    timeout.write,
                    timeout.pool,
                )
                if value is not None
            ]
            self.timeout = timeout
            self.total: float | None = max(phases) if phases else None
        else:
            if isinstance(timeout, bool) or not 0 < timeout < math.inf:
                raise ValueError(
                    f"timeout must be a number of seconds > 0, not {timeout!r}"
                )
            self.timeout = httpx.Timeout(timeout)
            self.total = float(timeout)
        self._phases = self.timeout.as_dict()
        self.retry = RetryPolicy(max_retries=max_retries)
        self.retry_submits = retry_submits
        self.user_agent = user_agent
        # Seconds the server's clock is ahead of this machine's, as the last clock-skew
        # answer's `Date` told; every request is signed at clock.time() + clock_offset.
        # One attribute, read once per request and written whole under the lock: calls
        # running at once may all read it, and refusals of several may come back at once.
        self.clock_offset = 0.0
        self._offset_lock = threading.Lock()
        # Real time, unless a fake service's client swapped in its virtual clock.
        self.clock: Clock = REAL_CLOCK

    def __repr__(self) -> str:
        return f"Core(base_url={self.base_url!r}, auth={self.auth!r})"

    def deadline(self, outer: float | None, total: float | None = None) -> float:
        """When a call starting now must be over (`clock.monotonic()`): the client's timeout
        (or the call's own `total`) from now, or the end of the wait it is part of, if
        that comes first."""
        if total is None:
            total = self.total
        deadline = self.clock.monotonic() + total if total is not None else math.inf
        return outer if outer is not None and outer < deadline else deadline

    def build(
        self,
        client: httpx.Client | httpx.AsyncClient,
        call: Call,
        deadline: float = math.inf,
    ) -> httpx.Request:
        """Build and sign the request; called per attempt so each carries a fresh signature date."""
        auth = self.auth_for(call)
        if isinstance(auth, Requirement) and auth.query():
            # A key in the query: added here only, so no error or log of ours holds it.
            call = dataclasses.replace(call, query={**call.query, **auth.query()})
        url = httpx.URL(self._url(call))
        content: Any = call.body or b""
        body = content
        if isinstance(content, Stream):
            # Read as it is sent, in the client's own kind of I/O; a signer that hashes
            # it reads it once before (Stream.read_ahead).
            is_async = isinstance(client, httpx.AsyncClient)
            content = content.achunks() if is_async else content.chunks()
        headers = self._headers(call)
        _check_headers(headers)
        offset = self.clock_offset
        now = self.clock.time() + offset
        headers.update(auth.sign(call.method, str(url), headers, body, now=now))
        headers["User-Agent"] = self.user_agent
        timeouts = (
            self._phases
            if deadline == math.inf
            else _PhaseTimeouts(self._phases, deadline)
        )
        return client.build_request(
            call.method,
            url,
            headers=headers,
            content=content,
            extensions={"timeout": timeouts, _SIGNED_OFFSET: offset},
        )

    def auth_for(self, call: Call) -> Auth:
        """What signs `call`: the requirement its operation's `security` names."""
        if isinstance(self.auth, Security):
            return self.auth.pick(call.operation)
        return self.auth

    def tokens(self, call: Call) -> tuple[OAuth2ClientCredentials, ...]:
        """The OAuth2 tokens `call` needs, fetched before it is built."""
        return auth_tokens(self.auth_for(call))

    def unsigned(self, call: Call) -> httpx.Request:
        """The request of `call` as it is before signing: no credential in it."""
        headers = self._headers(call)
        headers["User-Agent"] = self.user_agent
        return httpx.Request(
            call.method,
            self._url(call),
            headers=headers,
            content=call.body if isinstance(call.body, bytes) else b"",
        )

    def _url(self, call: Call) -> str:
        return checked_url(self.base_url + call.path + query_string(call.query), call)

    @staticmethod
    def _headers(call: Call) -> dict[str, str]:
        """The call's own headers, a fresh dict: signing adds to it."""
        headers = dict(call.headers)
        if call.cookies:
            headers["Cookie"] = "; ".join(call.cookies)
        if call.body is not None:
            headers["Content-Type"] = call.content_type
            if isinstance(call.body, Stream) and call.body.length is not None:
                headers["Content-Length"] = str(call.body.length)
        return headers

    def _retry_delay(
        self,
        call: Call,
        attempt: int,
        deadline: float,
        response: httpx.Response | None,
        error: Exception | None,
        throttled: bool = False,
    ) -> float | None:
        """Seconds to wait before the next attempt, or None when this one is final.
        `throttled`: the response carries one of the API's throttling codes."""
        if attempt >= self.retry.max_retries:
            return None
        may_repeat = call.idempotent or self.retry_submits
        if isinstance(call.body, Stream) and not isinstance(error, _NOT_SENT):
            # Its file may be half read, and the server may have acted on it.
            return None
        if error is not None:
            retry = isinstance(error, _NOT_SENT) or (
                may_repeat
                and isinstance(error, _TRANSIENT)
                and not isinstance(error, httpx.PoolTimeout)
            )
        elif response is not None:
            # A 429 is refused before any work is done, so even a submit may be repeated.
            status = response.status_code
            retry = (
                status == 429
                or throttled
                or (may_repeat and (status >= 500 or status == 408))
            )
        else:
            retry = False
        if not retry:
            return None
        delay = self.retry.delay(attempt, response.headers if response else None)
        if delay is None or self.clock.monotonic() + delay >= deadline:
            return None  # the server asks for longer than the call has left
        reason = (
            f"HTTP {response.status_code}{' throttled' if throttled else ''}"
            if response is not None
            else type(error).__name__
        )
        logger.info(
            "retrying %s %s in %.2f s (retry %d): %s",
            call.method,
            call.path,
            delay,
            attempt + 1,
            reason,
        )
        return delay

    def on_error(
        self,
        call: Call,
        attempt: int,
        error: Exception,
        deadline: float = math.inf,
        response: httpx.Response | None = None,
        body: _Body | None = None,
    ) -> float:
        """Seconds to wait before retrying after `error` (raised by httpx, or a TimeoutError
        at the deadline), with the response if its headers had arrived; raises the typed
        error when this attempt is the last."""
        expired = isinstance(error, TimeoutError) or self.clock.monotonic() >= deadline
        if not expired:
            delay = self._retry_delay(call, attempt, deadline, None, error)
            if delay is not None:
                return delay
        if isinstance(error, httpx.RequestError | httpx.HTTPStatusError):
            # The httpx error becomes the typed error's __cause__, and it keeps the request
            # it failed: the signed one, with the signature and any session token in its
            # headers (httpx's repr masks Authorization only). It keeps the unsigned one.
            error.request = self.unsigned(call)
        if isinstance(error, httpx.HTTPStatusError):
            error.response.request = error.request
        where = f"{call.method} {self.base_url}{call.path}"
        kept = body.value() if body is not None else b""
        status = response.status_code if response is not None else None
        request_id = self._request_id(response, None) if response is not None else None
        if isinstance(error, httpx.DecodingError) and response is not None:
            raise APIResponseValidationError(
                f"HTTP {response.status_code}: the body could not be decoded "
                f"(Content-Encoding {response.headers.get('content-encoding')!r}): {error}",
                status_code=response.status_code,
                request_id=request_id,
                body=kept,
            ) from error
        if expired or isinstance(error, httpx.TimeoutException):
            if isinstance(error, httpx.PoolTimeout):
                reason = "no connection of the http_client's pool came free"
            elif expired and self.total is not None:
                reason = f"its deadline passed ({type(error).__name__})"
            else:
                reason = type(error).__name__
            raise APITimeoutError(
                f"{where} timed out: {reason}",
                status_code=status,
                request_id=request_id,
                body=kept,
            ) from error
        raise APIConnectionError(
            f"{where} failed: {type(error).__name__}: {error}",
            status_code=status,
            request_id=request_id,
            body=kept,
        ) from error

    def on_response(
        self,
        call: Call,
        attempt: int,
        response: httpx.Response,
        deadline: float = math.inf,
    ) -> float | None:
        """Seconds to wait before retrying after `response`, or None to parse it."""
        logger.debug("%s %s -> %d", call.method, call.path, response.status_code)
        return self._retry_delay(call, attempt, deadline, response, None)

    def on_api_error(
        self,
        call: Call,
        attempt: int,
        error: APIStatusError,
        response: httpx.Response,
        deadline: float,
        resigned: bool,
    ) -> float | None:
        """After `response` was parsed into `error`: None to sign the request again and
        send it at once, not counted as a retry (a clock skew, once per call: the service
        refused it before acting, so even a submit may go again); seconds to wait before a
        retry (a throttling code); otherwise raises `error`, or ClockSkewError when the
        clocks are still apart after the re-signing."""
        if isinstance(call.body, Stream):
            # An upload is sent once: its file may not read again, nor should it be.
            raise error
        shape = self.errors
        auth = self.auth_for(call)
        if error.status_code == 401 and auth_tokens(auth) and not resigned:
            # An OAuth2 token refused before its time (revoked, or the server's clock):
            # a new one, and the call once more (the service did not act on it).
            sent = response.request.headers.get("Authorization")
            for token in auth_tokens(auth):
                token.expire(sent)
            return None
        # A token carries no time: signed again, the request would be the same.
        if _covered(error.code, shape.clock_skew_codes) and not _timeless(auth):
            server = _server_time(response.headers)
            offset = server - self.clock.time() if server is not None else None
            # Measured against the offset this request was signed with, not the client's:
            # another call's refusal may have corrected that since this one was sent.
            signed = response.request.extensions.get(_SIGNED_OFFSET, self.clock_offset)
            if offset is not None and abs(offset - signed) > _SKEW_EVIDENCE:
                if resigned or self.clock.monotonic() >= deadline:
                    why = (
                        "after signing once more with the offset of the first refusal"
                        if resigned
                        else "and the call has no time left to sign again"
                    )
                    raise ClockSkewError(
                        offset=offset,
                        status_code=error.status_code,
                        code=error.code,
                        message=f"{error.message} (the server's clock is {offset:+.0f} s "
                        f"from this machine's, {why})",
                        request_id=error.request_id,
                        body=error.body,
                    ) from error
                self._correct_offset(call, error, offset)
                return None
        elif _covered(error.code, shape.throttling_codes):
            delay = self._retry_delay(
                call, attempt, deadline, response, None, throttled=True
            )
            if delay is not None:
                return delay
        raise error

    def _correct_offset(self, call: Call, error: APIStatusError, offset: float) -> None:
        """Sign every request from now on at `offset` from this machine's clock, unless
        another call's refusal has already set the client's offset to about it (the
        calls in flight when the first refusal came back: each is signed again with the
        offset that one set, and only the first says so)."""
        with self._offset_lock:
            if abs(offset - self.clock_offset) <= _SKEW_EVIDENCE:
                return
            self.clock_offset = offset
        logger.warning(
            "%s %s: the server's clock is %+.0f s from this machine's (%s); "
            "signing with that offset from now on",
            call.method,
            call.path,
            offset,
            error.code,
        )

    def expired(self, call: Call) -> APITimeoutError:
        """The error of a call whose deadline passed before it could be sent."""
        return APITimeoutError(
            f"{call.method} {self.base_url}{call.path} timed out before it was sent: "
            "the wait it is part of is over"
        )

    def link(self, url: str, operation: str = "") -> Call:
        """The call that reads a next-page link: only on this client's own endpoint, so
        credentials never go to a host the caller did not choose. It sends what the
        list `operation` does (its own security)."""
        base = httpx.URL(self.base_url + "/")
        target = base.join(url)
        if (target.scheme, target.host, target.port) != (
            base.scheme,
            base.host,
            base.port,
        ):
            raise APIResponseValidationError(
                f"refusing to follow a next-page link off {base.host}: {target.host}",
                status_code=200,
                request_id=None,
                body=url.encode(),
            )
        prefix = base.path.rstrip("/")
        path = target.path
        # `path` is decoded: an escaped dot segment (`/v2/%2e%2e/admin`) survives the join
        # undissolved and would climb out of the base path once sent, so none is followed.
        if not path.startswith(prefix + "/") or any(
            segment in (".", "..") for segment in path.split("/")
        ):
            raise APIResponseValidationError(
                f"the next-page link {url!r} leaves the API's path {prefix!r}",
                status_code=200,
                request_id=None,
                body=url.encode(),
            )
        return Call(
            method="GET",
            path=path[len(prefix) :],
            query=dict(target.params),
            idempotent=True,
            operation=operation,
        )

    def _request_id(
        self,
        response: httpx.Response,
        find: Callable[[str], Any] | None,
        data: Any = None,
    ) -> str | None:
        return self.errors.request_id_of(response.headers, find, data)

    @overload
    def parse(
        self,
        response: httpx.Response,
        model: type[ModelT],
        body: bytes | None = None,
        cut: bool = False,
        needs: tuple[str, Callable[[Any], object]] | None = None,
    ) -> ModelT: ...

    @overload
    def parse(
        self,
        response: httpx.Response,
        model: None,
        body: bytes | None = None,
        cut: bool = False,
        needs: tuple[str, Callable[[Any], object]] | None = None,
    ) -> None: ...

    def parse(
        self,
        response: httpx.Response,
        model: type[ModelT] | None,
        body: bytes | None = None,
        cut: bool = False,
        needs: tuple[str, Callable[[Any], object]] | None = None,
    ) -> ModelT | None:
        """Turn a response (and its body, read: `response.content` if not given) into
        `model`, or raise the typed error it stands for; with no model, a success carries
        no body worth reading. `cut`: the body was larger than a client reads. `needs`:
        what the client needs of the answer (`Call.needs`)."""
        if body is None:
            body = response.content
        status = response.status_code
        if cut and response.is_success:
            raise APIResponseValidationError(
                f"HTTP {status}: the response body is larger than "
                f"{MAX_RESPONSE_BYTES // 2**20} MiB; not read further",
                status_code=status,
                request_id=self._request_id(response, None),
                body=body,
            )
        xml = body.lstrip().startswith(b"<")
        # Parsed once: the tree serves the error pointers and the model alike.
        tree: ElementTree.Element | None = None
        data: Any = None
        try:
            if xml:
                tree = xml_tree(body)
            else:
                data = json.loads(body) if body.strip() else None
        except ValueError:
            decoded = False
        else:
            decoded = True
        find: Callable[[str], Any] | None
        if tree is not None:
            find = functools.partial(xml_pointer, tree)
        elif data is not None:
            find = functools.partial(json_pointer, data)
        else:
            find = None
        request_id = self._request_id(response, find, data)
        code, message = self.errors.parts(find, data, response.is_success)
        if not response.is_success or code is not None:
            if message is None:
                message = response.reason_phrase or "error"
                if not decoded and body:
                    message += f": {body[:200].decode(errors='replace')}"
            if 300 <= status < 400:
                location = response.headers.get("location")
                raise RedirectError(
                    location=location,
                    status_code=status,
                    code=code,
                    message=f"{message}: refusing to follow a redirect to {location!r} "
                    f"(credentials are only sent to {self.base_url})",
                    request_id=request_id,
                    body=body,
                )
            raise self.errors.error_class(status, code)(
                status_code=status,
                code=code,
                message=message,
                request_id=request_id,
                body=body,
            )
        if model is None:
            return None
        from_xml_tree = _xml_reader(model)
        if not decoded or (from_xml_tree is None) == xml:
            expected = "XML" if from_xml_tree is not None else "JSON"
            raise APIResponseValidationError(
                f"HTTP {status}: response body is not {expected}",
                status_code=status,
                request_id=request_id,
                body=body,
            )
        parsed: ModelT
        try:
            if from_xml_tree is not None:
                parsed = from_xml_tree(tree)
            else:
                parsed = model.model_validate(data)
        # A ValidationError, or (an XML model's) another root element: a proxy's page,
        # say, that happens to be well-formed.
        except ValueError as error:
            raise APIResponseValidationError(
                f"HTTP {status}: response does not match {model.__name__}: {error}",
                status_code=status,
                request_id=request_id,
                body=body,
            ) from error
        # An empty id is no id either: nothing can be followed with it (a business error
        # beside it stays readable in the error's body).
        if needs is not None and needs[1](parsed) in (None, ""):
            raise APIResponseValidationError(
                f"HTTP {status}: the response has no {needs[0]}, which the client needs",
                status_code=status,
                request_id=request_id,
                body=body,
            )
        return parsed


class SyncTransport:
    """Blocking I/O for `Core`.

    Calls wait their turn in the client (a semaphore the size of the http_client's pool
    of kept-alive connections), not in httpx's pool, whose queue slows down with many
    waiters; a call's deadline starts when its turn comes.
    """

    def __init__(self, core: Core, client: httpx.Client | None) -> None:
        self.core = core
        self._owns_client = client is None
        self.client = client if client is not None else httpx.Client()
        self._turns = threading.Semaphore(_concurrency(self.client))

    @overload
    def send(self, call: Call, model: type[ModelT]) -> ModelT: ...

    @overload
    def send(self, call: Call, model: None) -> None: ...

    @overload
    def send(self, call: Call, model: Reader[_T]) -> _T: ...

    def send(self, call: Call, model: type[ModelT] | Reader[_T] | None) -> Any:
        outer = _BUDGET.get()
        if outer is None:
            self._turns.acquire()
        elif not self._turns.acquire(
            timeout=max(outer - self.core.clock.monotonic(), 0.0)
        ):
            raise self.core.expired(call)
        try:
            return self._send(call, model)
        finally:
            self._turns.release()

    def _send(self, call: Call, model: type[ModelT] | Reader[_T] | None) -> Any:
        core = self.core
        reader = model if isinstance(model, Reader) else None
        deadline = core.deadline(_BUDGET.get(), reader.timeout if reader else None)
        if core.clock.monotonic() >= deadline:
            raise core.expired(call)
        attempt = 0
        resigned = False  # a clock-skew answer was signed again (once per call)
        while True:
            response = None
            body = _Body()
            failure: Exception | None = None
            for token in core.tokens(call):
                token.fetch(self.client, deadline)
            # Watched from the moment it is sent: httpx's timeouts apply to each read, so
            # headers or a body trickled a byte at a time would run past the deadline.
            # (Not under a virtual clock: its deadlines are not this machine's time.)
            guard = (
                _WATCHDOG.arm(deadline)
                if deadline != math.inf and core.clock.real
                else None
            )
            try:
                try:
                    request = core.build(self.client, call, deadline)
                    if guard is not None:
                        request.extensions["trace"] = guard
                    response = self.client.send(
                        request, stream=True, follow_redirects=False
                    )
                    opened = None
                    try:
                        if reader is not None and response.is_success:
                            opened = reader.opened(response, core)
                        if opened is None:
                            body = _body_for(response, reader)
                            self._read(response, body, deadline, guard, core.clock)
                    finally:
                        if guard is not None:
                            # Before the connection goes back to the pool.
                            _WATCHDOG.disarm(guard)
                        if opened is None:
                            response.close()
                    if opened is not None:
                        _open(response)
                        return opened
                finally:
                    if guard is not None:
                        _WATCHDOG.disarm(guard)  # also when no response came
            except _HTTPX_ERRORS as error:
                failure = error
            if failure is not None:
                if guard is not None and guard.fired:
                    # The watchdog shut the socket down: whatever httpcore made of that
                    # (a closed connection, a read error), the deadline ended the call.
                    # The error it raised is let go (it holds the signed request).
                    failure = httpx.ReadTimeout(
                        "the call's deadline passed: its connection was shut down"
                    )
                delay = core.on_error(call, attempt, failure, deadline, response, body)
            else:
                assert response is not None
                next_delay = core.on_response(call, attempt, response, deadline)
                if next_delay is None:
                    try:
                        return _answered(
                            response,
                            (
                                reader.read(core, response, body.value(), body.cut)
                                if reader is not None
                                else core.parse(
                                    response,
                                    model,  # type: ignore[arg-type]
                                    body.value(),
                                    body.cut,
                                    call.needs,
                                )
                            ),
                        )
                    except APIStatusError as error:
                        next_delay = core.on_api_error(
                            call, attempt, error, response, deadline, resigned
                        )
                    if next_delay is None:
                        resigned = True
                        continue
                delay = next_delay
            core.clock.sleep(delay)
            attempt += 1

    @staticmethod
    def _read(
        response: httpx.Response,
        body: _Body,
        deadline: float,
        guard: _Guard | None,
        clock: Clock,
    ) -> None:
        if guard is not None and guard.sock is None and _incomplete(response):
            # No socket seen as it was sent (a transport that is not httpcore's, or
            # HTTP/2, shut down for a late body as before): the response's, for its body.
            _WATCHDOG.watch(
                guard, _socket_of(response.extensions.get("network_stream"))
            )
        for chunk in response.iter_bytes():
            if not body.add(chunk):
                return
            # Per chunk too, for a transport without a socket (the watchdog needs one).
            if clock.monotonic() >= deadline:
                raise httpx.ReadTimeout("the deadline passed during the body")
        if guard is not None and guard.fired:
            raise httpx.ReadTimeout("the deadline passed during the body")

    def close(self) -> None:
        if self._owns_client:
            self.client.close()


class AsyncTransport:
    """Non-blocking I/O for `Core`: the whole of each attempt runs under its deadline.

    Calls wait their turn in the client (a semaphore the size of the http_client's pool
    of kept-alive connections), not in httpx's pool, whose queue slows down with many
    waiters; a call's deadline starts when its turn comes.
    """

    def __init__(self, core: Core, client: httpx.AsyncClient | None) -> None:
        self.core = core
        self._owns_client = client is None
        self.client = client if client is not None else httpx.AsyncClient()
        # asyncio is imported by the first async client, not by the package: a sync
        # client's import need not pay for it.
        import asyncio

        self._turns = asyncio.Semaphore(_concurrency(self.client))

    @overload
    async def send(self, call: Call, model: type[ModelT]) -> ModelT: ...

    @overload
    async def send(self, call: Call, model: None) -> None: ...

    @overload
    async def send(self, call: Call, model: Reader[_T]) -> _T: ...

    async def send(self, call: Call, model: type[ModelT] | Reader[_T] | None) -> Any:
        outer = _BUDGET.get()
        if outer is None:
            await self._turns.acquire()
        else:
            try:
                async with _within(outer, self.core.clock):
                    await self._turns.acquire()
            except TimeoutError:
                raise self.core.expired(call) from None
        try:
            return await self._send(call, model)
        finally:
            self._turns.release()

    async def _send(self, call: Call, model: type[ModelT] | Reader[_T] | None) -> Any:
        core = self.core
        reader = model if isinstance(model, Reader) else None
        deadline = core.deadline(_BUDGET.get(), reader.timeout if reader else None)
        if core.clock.monotonic() >= deadline:
            raise core.expired(call)
        attempt = 0
        resigned = False  # a clock-skew answer was signed again (once per call)
        while True:
            response = None
            body = _Body()
            failure: Exception | None = None
            for token in core.tokens(call):
                try:
                    async with _within(deadline, core.clock):
                        await token.afetch(self.client, deadline)
                except TimeoutError:
                    raise APITimeoutError(
                        f"{call.method} {core.base_url}{call.path}: the deadline passed "
                        "while fetching its OAuth2 token"
                    ) from None
            opened = None
            try:
                async with _within(deadline, core.clock):
                    response = await self.client.send(
                        core.build(self.client, call, deadline),
                        stream=True,
                        follow_redirects=False,
                    )
                    if reader is not None and response.is_success:
                        opened = reader.opened(response, core)
                    if opened is None:
                        body = _body_for(response, reader)
                        async for chunk in response.aiter_bytes():
                            if not body.add(chunk):
                                break
            except (*_HTTPX_ERRORS, TimeoutError) as error:
                failure = error
                opened = None
            finally:
                if response is not None and opened is None:
                    await response.aclose()
            if opened is not None:
                assert response is not None
                _open(response)
                return opened
            if failure is not None:
                delay = core.on_error(call, attempt, failure, deadline, response, body)
            else:
                assert response is not None
                next_delay = core.on_response(call, attempt, response, deadline)
                if next_delay is None:
                    try:
                        return _answered(
                            response,
                            (
                                reader.read(core, response, body.value(), body.cut)
                                if reader is not None
                                else core.parse(
                                    response,
                                    model,  # type: ignore[arg-type]
                                    body.value(),
                                    body.cut,
                                    call.needs,
                                )
                            ),
                        )
                    except APIStatusError as error:
                        next_delay = core.on_api_error(
                            call, attempt, error, response, deadline, resigned
                        )
                    if next_delay is None:
                        resigned = True
                        continue
                delay = next_delay
            await core.clock.asleep(delay)
            attempt += 1

    async def close(self) -> None:
        if self._owns_client:
            await self.client.aclose()
