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

import asyncio
import email.utils
import heapq
import itertools
import json
import logging
import math
import os
import random
import socket
import sys
import threading
import time
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager, nullcontext, suppress
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, overload
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

# ElementTree (XML bodies) and anyio (Python 3.10's deadlines) are imported where they
# are used: a JSON client on 3.11 needs neither, and both add to the import time.
if TYPE_CHECKING:
    from xml.etree import ElementTree

from .errors import (
    BODY_LIMIT,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ClockSkewError,
    JobTimeoutError,
    RateLimitError,
    RedirectError,
    status_error_class,
)

logger = logging.getLogger(__name__.rsplit(".", 2)[0])

ModelT = TypeVar("ModelT", bound=BaseModel)

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2


class Auth(Protocol):
    """Adds credentials to a request: returns the headers to set, given what will be sent.
    `now` is the Unix time to sign with: the transport's clock, corrected by the offset a
    clock-skew answer measured."""

    def sign(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes,
        *,
        now: float,
    ) -> dict[str, str]: ...


class TokenAuth:
    """Sends a token in one header: an API key as it is, or `Bearer <token>`."""

    def __init__(self, *, header: str, token: str, prefix: str = "") -> None:
        if not token:
            raise ValueError("token must not be empty")
        if not (token.isascii() and token.isprintable()):
            raise ValueError("the token must be printable ASCII")
        self._header = header
        self._value = prefix + token

    def sign(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes,
        *,
        now: float | None = None,
    ) -> dict[str, str]:
        return {self._header: self._value}

    def __repr__(self) -> str:
        return f"TokenAuth(header={self._header!r}, token=***)"


@dataclass(frozen=True)
class ErrorShape:
    """Where an API puts the parts of its error bodies (JSON pointers) and its request id."""

    code: str
    message: str
    request_id: str | None = None
    request_id_header: str | None = None
    # Codes that mean bad or expired credentials whatever the HTTP status (some vendors
    # answer 200): each covers itself and the codes under it, `AuthFailure` covering
    # `AuthFailure.SignatureFailure`.
    authentication_codes: tuple[str, ...] = ()
    # Codes (each with the codes under it, as above) that refuse a request for its signed
    # time, whatever the status: it is re-signed once with the server's clock (`Date`).
    clock_skew_codes: tuple[str, ...] = ()
    # Codes that refuse a request unprocessed for its rate, whatever the status (Tencent
    # answers 200): retried as a 429 is, a submit too.
    throttling_codes: tuple[str, ...] = ()

    def error_class(self, status_code: int, code: str | None) -> type[APIStatusError]:
        """The error to raise for a response with this status and vendor code."""
        # A clock-skew code keeps the class of its status (Huawei's also means a wrong
        # key): only a skew the `Date` proves raises ClockSkewError (Core.on_api_error).
        if _covered(code, self.authentication_codes):
            return AuthenticationError
        if _covered(code, self.throttling_codes):
            return RateLimitError
        return status_error_class(status_code)


def _covered(code: str | None, prefixes: tuple[str, ...]) -> bool:
    """Whether `code` is one of `prefixes`, or a code under one (`AuthFailure.X`)."""
    return code is not None and any(
        code == prefix or code.startswith(prefix + ".") for prefix in prefixes
    )


@dataclass(frozen=True)
class Call:
    """One request, fully described before anything is sent."""

    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    # Safe to send twice: the server cannot have acted on a failed first attempt in a way
    # that matters (reads). Submits are not: a duplicate job is billed twice.
    idempotent: bool = False
    content_type: str = "application/json"


def path_segment(name: str, value: object) -> str:
    """Encode one path parameter, refusing values that would change the path's shape."""
    text = value if isinstance(value, str) else str(value)
    if not text:
        raise ValueError(f"{name} must not be empty")
    return quote(text, safe="")


def query_string(query: Mapping[str, str]) -> str:
    """`?k=v&...` encoded as RFC 3986 says (what signers sign): a space is `%20`, never
    `+`; only letters, digits and `-_.~` stay as they are; text is UTF-8.

    httpx's own encoding writes `+` for a space and leaves `!'()*` alone, which servers that
    re-encode what they receive (Alibaba's) then verify against another signature.
    """
    if not query:
        return ""
    return "?" + "&".join(
        f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in query.items()
    )


def json_body(model: BaseModel) -> bytes:
    """Serialise a request model as the vendor expects it: wire names, only what was given."""
    return model.model_dump_json(by_alias=True, exclude_unset=True).encode()


def drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    """Arguments left at None are not sent, so the server applies its own defaults."""
    return {key: value for key, value in values.items() if value is not None}


def text_params(values: Mapping[str, object]) -> dict[str, str]:
    """Query or header values as the wire carries them; None means not sent."""
    return {
        key: ("true" if value else "false") if isinstance(value, bool) else str(value)
        for key, value in values.items()
        if value is not None
    }


def _check_header(name: str, value: str) -> None:
    # Method arguments were checked by their model; this also covers client arguments.
    if not value.isascii() or not value.isprintable():
        raise ValueError(
            f"the {name} header must be printable ASCII (no line breaks or non-ASCII text)"
        )


def json_pointer(document: Any, pointer: str) -> Any:
    """Resolve an RFC 6901 pointer, or return None where the document has no such place."""
    node = document
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def xml_document(body: bytes | ElementTree.Element) -> dict[str, Any]:
    """An XML body (or its parsed tree) as nested dicts, for the error pointers
    (`/Error/Code`): an element is its text, or a dict of its children; a repeated child
    is a list. Raises ValueError for a body that is not XML. Entities are not expanded
    (expat refuses to, past a bound)."""
    from xml.etree import ElementTree

    root = body if isinstance(body, ElementTree.Element) else xml_tree(body)
    return {_local_name(root.tag): _xml_value(root)}


def xml_tree(body: bytes) -> ElementTree.Element:
    """Parse an XML body; ValueError if it is not XML."""
    from xml.etree import ElementTree

    try:
        return ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise ValueError(f"not XML: {error}") from None


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_value(element: ElementTree.Element) -> Any:
    children = list(element)
    if not children:
        return element.text or ""
    value: dict[str, Any] = {}
    for child in children:
        name, item = _local_name(child.tag), _xml_value(child)
        if name not in value:
            value[name] = item
        elif isinstance(value[name], list):
            value[name].append(item)
        else:
            value[name] = [value[name], item]
    return value


def optional_text(value: Any) -> str | None:
    """A vendor code or message as text (some vendors use numbers); empty means absent."""
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter; a `Retry-After` of at most `max_retry_after`
    seconds is waited for as it says, a longer one ends the retries."""

    max_retries: int = DEFAULT_MAX_RETRIES
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def delay(self, attempt: int, headers: httpx.Headers | None) -> float | None:
        """Seconds before retry number `attempt + 1`, or None when the server asked for
        a longer wait than the cap."""
        retry_after = _retry_after(headers) if headers is not None else None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_retry_after else None
        backoff = min(self.initial_delay * 2.0**attempt, self.max_delay)
        # Jitter spreads out clients that failed together, so they do not retry together.
        return backoff * (1 - 0.25 * random.random())


def _retry_after(headers: httpx.Headers) -> float | None:
    """`Retry-After` in seconds (delay-seconds, or an HTTP date: a past one is now);
    None when absent or unreadable."""
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if 0 <= seconds < math.inf else None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    return max(moment.timestamp() - time.time(), 0.0)


def _server_time(headers: httpx.Headers) -> float | None:
    """The server's clock as its `Date` header (an RFC 7231 HTTP date) tells, in Unix
    seconds; None when absent or unreadable."""
    value = headers.get("date")
    if value is None:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    return moment.timestamp()


# How far the response's `Date` must be from the time a request was signed with before a
# clock-skew code is put down to the clocks: `Date` has whole seconds and comes after the
# network's delay, and every vendor's window is minutes wide. Nearer, the code has another
# cause (Huawei's one code for every IAM failure), and re-signing would not help.
_SKEW_EVIDENCE = 10.0


# Failures where the request provably never reached the server: safe to retry, even for
# a submit. A pool timeout is not among them: it is no failure of the vendor's, and is
# never retried (the client queues its calls so that it does not happen).
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout)
# Failures that may be passing: a read retries them, a submit does not (it may have
# arrived). Errors in what we send (LocalProtocolError, UnsupportedProtocol) are not.
_TRANSIENT = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
    httpx.ProxyError,
)
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
"""A success body larger than this is refused (APIResponseValidationError), and not read
beyond it: the memory a response takes is bounded, a gzip bomb's included."""
DEFAULT_CONCURRENCY = 20
"""Calls a client runs at once when its http_client's pool cannot be read (the number of
connections httpx keeps alive by default)."""

# The deadline of the wait a call is part of (time.monotonic()), if any: `wait_for_job`
# sets it, so that each of its polls, and their retries, end with the wait.
_BUDGET: ContextVar[float | None] = ContextVar("budget", default=None)


_PHASES = frozenset(("connect", "read", "write", "pool"))


class _PhaseTimeouts(dict[str, Any]):
    """The per-phase timeouts of one attempt (connect, write, read, pool), as httpcore
    reads them from the request at the start of each phase: each is cut to the time left
    before the call's deadline."""

    __slots__ = ("deadline",)

    def __init__(self, phases: Mapping[str, float | None], deadline: float) -> None:
        super().__init__(phases)
        self.deadline = deadline

    def get(self, key: str, default: Any = None) -> Any:
        value = dict.get(self, key, default)
        if key not in _PHASES:
            return value
        left = self.deadline - time.monotonic()
        if value is None or value > left:
            # Never 0: a socket with timeout 0 would not wait at all, but fail oddly.
            return left if left > 1e-6 else 1e-6
        return value


class _Body:
    """A response body as it is read: at most `limit` bytes of it are kept (and read)."""

    __slots__ = ("chunks", "cut", "limit", "size")

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.size = 0
        self.limit = MAX_RESPONSE_BYTES
        self.cut = False

    def add(self, chunk: bytes) -> bool:
        """Keep `chunk`; False once the limit is reached (read no further)."""
        self.size += len(chunk)
        if self.size > self.limit:
            self.chunks.append(chunk[: len(chunk) - (self.size - self.limit)])
            self.cut = True
            return False
        self.chunks.append(chunk)
        return True

    def value(self) -> bytes:
        if self.cut:
            # A body past the limit is refused, and its error keeps BODY_LIMIT bytes: the
            # rest is let go at once (and not joined), not held by the error's traceback.
            self.chunks = [_prefix(self.chunks, BODY_LIMIT)]
        elif len(self.chunks) != 1:
            self.chunks = [b"".join(self.chunks)]
        return self.chunks[0]


def _prefix(chunks: list[bytes], size: int) -> bytes:
    kept: list[bytes] = []
    for chunk in chunks:
        if size <= 0:
            break
        kept.append(chunk[:size])
        size -= len(kept[-1])
    return b"".join(kept)


def _body_for(response: httpx.Response) -> _Body:
    body = _Body()
    if not response.is_success:
        # Only so much of an error body is kept, so only so much is read: a 50 MB error
        # page costs neither the memory nor the time.
        body.limit = BODY_LIMIT
    return body


def _incomplete(response: httpx.Response) -> bool:
    """Whether more of the body is still to come from the network (no Content-Length, or
    fewer bytes received than it says)."""
    length = response.headers.get("content-length")
    return not (
        length is not None
        and length.isdigit()
        and response.num_bytes_downloaded >= int(length)
    )


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


class _AnyioDeadline(AbstractAsyncContextManager[object]):
    """Raise TimeoutError in the current task at `deadline` (time.monotonic()): anyio's
    cancel scope (anyio comes with httpx), for Python 3.10, which has no asyncio.timeout."""

    def __init__(self, deadline: float) -> None:
        import anyio

        self._scope: Any = (
            anyio.fail_after(deadline - time.monotonic())
            if deadline != math.inf
            else nullcontext()
        )

    async def __aenter__(self) -> object:
        return self._scope.__enter__()

    async def __aexit__(self, *exc: Any) -> bool | None:
        result: bool | None = self._scope.__exit__(*exc)
        return result


if sys.version_info >= (3, 11):

    def _within(deadline: float) -> AbstractAsyncContextManager[object]:
        """Raise TimeoutError in the current task at `deadline` (time.monotonic())."""
        if deadline == math.inf:
            return nullcontext()
        loop = asyncio.get_running_loop()
        return asyncio.timeout_at(loop.time() + (deadline - time.monotonic()))

else:  # pragma: no cover (Python 3.10)
    _within = _AnyioDeadline


class Core:
    """Everything about a call that is the same whether the I/O is sync or async."""

    def __init__(
        self,
        *,
        base_url: str,
        auth: Auth,
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
        # answer's `Date` told; every request is signed at time.time() + clock_offset.
        # One attribute, written whole: calls running at once may all read it.
        self.clock_offset = 0.0

    def __repr__(self) -> str:
        return f"Core(base_url={self.base_url!r}, auth={self.auth!r})"

    def deadline(self, outer: float | None) -> float:
        """When a call starting now must be over (time.monotonic()): the client's timeout
        from now, or the end of the wait it is part of, if that comes first."""
        deadline = time.monotonic() + self.total if self.total is not None else math.inf
        return outer if outer is not None and outer < deadline else deadline

    def build(
        self,
        client: httpx.Client | httpx.AsyncClient,
        call: Call,
        deadline: float = math.inf,
    ) -> httpx.Request:
        """Build and sign the request; called per attempt so each carries a fresh signature date."""
        url = httpx.URL(self.base_url + call.path + query_string(call.query))
        body = call.body or b""
        headers = dict(call.headers)
        if call.body is not None:
            headers["Content-Type"] = call.content_type
        for name, value in headers.items():
            _check_header(name, value)
        now = time.time() + self.clock_offset
        headers.update(self.auth.sign(call.method, str(url), headers, body, now=now))
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
            content=body,
            extensions={"timeout": timeouts},
        )

    def unsigned(self, call: Call) -> httpx.Request:
        """The request of `call` as it is before signing: no credential in it."""
        headers = dict(call.headers)
        if call.body is not None:
            headers["Content-Type"] = call.content_type
        headers["User-Agent"] = self.user_agent
        return httpx.Request(
            call.method,
            self.base_url + call.path + query_string(call.query),
            headers=headers,
            content=call.body or b"",
        )

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
        if delay is None or time.monotonic() + delay >= deadline:
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
        expired = isinstance(error, TimeoutError) or time.monotonic() >= deadline
        if not expired:
            delay = self._retry_delay(call, attempt, deadline, None, error)
            if delay is not None:
                return delay
        if isinstance(error, httpx.RequestError):
            # The httpx error becomes the typed error's __cause__, and it keeps the request
            # it failed: the signed one, with the signature and any session token in its
            # headers (httpx's repr masks Authorization only). It keeps the unsigned one.
            error.request = self.unsigned(call)
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
        shape = self.errors
        # A token carries no time: signed again, the request would be the same.
        if _covered(error.code, shape.clock_skew_codes) and not isinstance(
            self.auth, TokenAuth
        ):
            server = _server_time(response.headers)
            local = time.time()
            # Measured against what was signed: the offset in use, if any, included.
            if server is not None and abs(server - local - self.clock_offset) > (
                _SKEW_EVIDENCE
            ):
                offset = server - local
                if resigned or time.monotonic() >= deadline:
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
                logger.warning(
                    "%s %s: the server's clock is %+.0f s from this machine's (%s); "
                    "signing with that offset from now on",
                    call.method,
                    call.path,
                    offset,
                    error.code,
                )
                self.clock_offset = offset
                return None
        elif _covered(error.code, shape.throttling_codes):
            delay = self._retry_delay(
                call, attempt, deadline, response, None, throttled=True
            )
            if delay is not None:
                return delay
        raise error

    def expired(self, call: Call) -> APITimeoutError:
        """The error of a call whose deadline passed before it could be sent."""
        return APITimeoutError(
            f"{call.method} {self.base_url}{call.path} timed out before it was sent: "
            "the wait it is part of is over"
        )

    def link(self, url: str) -> Call:
        """The call that reads a next-page link: only on this client's own endpoint, so
        credentials never go to a host the caller did not choose."""
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
        if not path.startswith(prefix + "/"):
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
        )

    def _request_id(self, response: httpx.Response, data: Any) -> str | None:
        request_id = optional_text(
            json_pointer(data, self.errors.request_id)
            if self.errors.request_id and data is not None
            else None
        )
        if request_id is None and self.errors.request_id_header:
            request_id = response.headers.get(self.errors.request_id_header)
        return request_id

    @overload
    def parse(
        self,
        response: httpx.Response,
        model: type[ModelT],
        body: bytes | None = None,
        cut: bool = False,
    ) -> ModelT: ...

    @overload
    def parse(
        self,
        response: httpx.Response,
        model: None,
        body: bytes | None = None,
        cut: bool = False,
    ) -> None: ...

    def parse(
        self,
        response: httpx.Response,
        model: type[ModelT] | None,
        body: bytes | None = None,
        cut: bool = False,
    ) -> ModelT | None:
        """Turn a response (and its body, read: `response.content` if not given) into
        `model`, or raise the typed error it stands for; with no model, a success carries
        no body worth reading. `cut`: the body was larger than a client reads."""
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
        try:
            if xml:
                tree = xml_tree(body)
                data: Any = xml_document(tree)
            else:
                data = json.loads(body) if body.strip() else None
        except ValueError:
            data = None
            decoded = False
        else:
            decoded = True
        request_id = self._request_id(response, data)
        code = optional_text(json_pointer(data, self.errors.code))
        if not response.is_success or code is not None:
            message = optional_text(json_pointer(data, self.errors.message))
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
        from_xml_tree = getattr(model, "from_xml_tree", None)
        if not decoded or (from_xml_tree is None) == xml:
            expected = "XML" if from_xml_tree is not None else "JSON"
            raise APIResponseValidationError(
                f"HTTP {status}: response body is not {expected}",
                status_code=status,
                request_id=request_id,
                body=body,
            )
        try:
            if from_xml_tree is not None:
                parsed: ModelT = from_xml_tree(tree)
                return parsed
            return model.model_validate(data)
        except ValidationError as error:
            raise APIResponseValidationError(
                f"HTTP {status}: response does not match {model.__name__}: {error}",
                status_code=status,
                request_id=request_id,
                body=body,
            ) from error


class _Guard:
    __slots__ = ("fired", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock: socket.socket | None = sock
        self.fired = False


class _Watchdog:
    """Ends sync reads at their call's deadline. httpx's read timeout applies to each read
    from the socket, so a body trickled a byte at a time would run on; at the deadline one
    thread, shared by every sync client of the process, shuts the socket down, which ends
    the blocked read at once (the connection is then discarded, not pooled).

    Only a body that does not arrive with its headers is watched, so most calls never
    touch it; the thread starts on first use.
    """

    def __init__(self) -> None:
        self._lock = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, _Guard]] = []
        self._order = itertools.count()
        self._disarmed = 0
        self._pid = -1

    def arm(self, deadline: float, response: httpx.Response) -> _Guard | None:
        stream = response.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(sock, socket.socket):
            return None  # not a socket httpcore opened (a test transport): per-chunk checks
        guard = _Guard(sock)
        with self._lock:
            if self._pid != os.getpid():  # first use (or first in a forked child)
                self._pid = os.getpid()
                threading.Thread(
                    target=self._run, name="tts-sdkgen-deadlines", daemon=True
                ).start()
            if not self._heap or deadline < self._heap[0][0]:
                self._lock.notify()
            heapq.heappush(self._heap, (deadline, next(self._order), guard))
        return guard

    def forked(self) -> None:
        """In a forked child: no thread, and a lock no other thread may hold."""
        self._lock = threading.Condition(threading.Lock())
        self._heap = []
        self._disarmed = 0
        self._pid = -1

    def disarm(self, guard: _Guard) -> None:
        with self._lock:
            guard.sock = None
            self._disarmed += 1
            if self._disarmed > 256 and self._disarmed * 2 > len(self._heap):
                self._heap = [
                    entry for entry in self._heap if entry[2].sock is not None
                ]
                heapq.heapify(self._heap)
                self._disarmed = 0

    def _run(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                while self._heap and (
                    self._heap[0][0] <= now or self._heap[0][2].sock is None
                ):
                    guard = heapq.heappop(self._heap)[2]
                    if guard.sock is None:
                        self._disarmed = max(self._disarmed - 1, 0)
                        continue
                    guard.fired = True
                    # The plain socket's shutdown, under any TLS layer: it wakes a read
                    # blocked in another thread, which close() does not.
                    with suppress(OSError):
                        socket.socket.shutdown(guard.sock, socket.SHUT_RDWR)
                    guard.sock = None
                self._lock.wait(self._heap[0][0] - now if self._heap else None)


_WATCHDOG = _Watchdog()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_WATCHDOG.forked)


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

    def send(self, call: Call, model: type[ModelT] | None) -> ModelT | None:
        outer = _BUDGET.get()
        if outer is None:
            self._turns.acquire()
        elif not self._turns.acquire(timeout=max(outer - time.monotonic(), 0.0)):
            raise self.core.expired(call)
        try:
            return self._send(call, model)
        finally:
            self._turns.release()

    def _send(self, call: Call, model: type[ModelT] | None) -> ModelT | None:
        core = self.core
        deadline = core.deadline(_BUDGET.get())
        if time.monotonic() >= deadline:
            raise core.expired(call)
        attempt = 0
        resigned = False  # a clock-skew answer was signed again (once per call)
        while True:
            response = None
            body = _Body()
            try:
                response = self.client.send(
                    core.build(self.client, call, deadline),
                    stream=True,
                    follow_redirects=False,
                )
                try:
                    body = _body_for(response)
                    self._read(response, body, deadline)
                finally:
                    response.close()
            except (httpx.TransportError, httpx.DecodingError) as error:
                delay = core.on_error(call, attempt, error, deadline, response, body)
            else:
                next_delay = core.on_response(call, attempt, response, deadline)
                if next_delay is None:
                    try:
                        return core.parse(response, model, body.value(), body.cut)
                    except APIStatusError as error:
                        next_delay = core.on_api_error(
                            call, attempt, error, response, deadline, resigned
                        )
                    if next_delay is None:
                        resigned = True
                        continue
                delay = next_delay
            time.sleep(delay)
            attempt += 1

    @staticmethod
    def _read(response: httpx.Response, body: _Body, deadline: float) -> None:
        guard = None
        try:
            for chunk in response.iter_bytes():
                if not body.add(chunk):
                    return
                if deadline == math.inf or guard is not None:
                    continue
                if time.monotonic() >= deadline:
                    raise httpx.ReadTimeout("the deadline passed during the body")
                if _incomplete(response):
                    guard = _WATCHDOG.arm(deadline, response)
        finally:
            if guard is not None:
                _WATCHDOG.disarm(guard)
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
        self._turns = asyncio.Semaphore(_concurrency(self.client))

    @overload
    async def send(self, call: Call, model: type[ModelT]) -> ModelT: ...

    @overload
    async def send(self, call: Call, model: None) -> None: ...

    async def send(self, call: Call, model: type[ModelT] | None) -> ModelT | None:
        outer = _BUDGET.get()
        if outer is None:
            await self._turns.acquire()
        else:
            try:
                async with _within(outer):
                    await self._turns.acquire()
            except TimeoutError:
                raise self.core.expired(call) from None
        try:
            return await self._send(call, model)
        finally:
            self._turns.release()

    async def _send(self, call: Call, model: type[ModelT] | None) -> ModelT | None:
        core = self.core
        deadline = core.deadline(_BUDGET.get())
        if time.monotonic() >= deadline:
            raise core.expired(call)
        attempt = 0
        resigned = False  # a clock-skew answer was signed again (once per call)
        while True:
            response = None
            body = _Body()
            failure: Exception | None = None
            try:
                async with _within(deadline):
                    response = await self.client.send(
                        core.build(self.client, call, deadline),
                        stream=True,
                        follow_redirects=False,
                    )
                    body = _body_for(response)
                    async for chunk in response.aiter_bytes():
                        if not body.add(chunk):
                            break
            except (httpx.TransportError, httpx.DecodingError, TimeoutError) as error:
                failure = error
            finally:
                if response is not None:
                    await response.aclose()
            if failure is not None:
                delay = core.on_error(call, attempt, failure, deadline, response, body)
            else:
                assert response is not None
                next_delay = core.on_response(call, attempt, response, deadline)
                if next_delay is None:
                    try:
                        return core.parse(response, model, body.value(), body.cut)
                    except APIStatusError as error:
                        next_delay = core.on_api_error(
                            call, attempt, error, response, deadline, resigned
                        )
                    if next_delay is None:
                        resigned = True
                        continue
                delay = next_delay
            await asyncio.sleep(delay)
            attempt += 1

    async def close(self) -> None:
        if self._owns_client:
            await self.client.aclose()


class JobPoller:
    """The waiting side of `wait_for_job`: growing intervals, bounded by a deadline.

    Only the lifecycle's final states end a wait; any other state, one the API does not
    document or none at all, counts as still running and is logged once at WARNING.

    Each poll runs inside it (`with poller: ...`): the poll, its retries and its queueing
    end with the wait, and a poll cut short by the wait's end raises JobTimeoutError.
    """

    def __init__(
        self,
        *,
        job_id: str,
        timeout: float,
        interval: float,
        max_interval: float,
        states: tuple[str, ...] = (),
    ) -> None:
        if timeout < 0 or interval <= 0:
            raise ValueError("need timeout >= 0 and poll_interval > 0")
        self.job_id = job_id
        self.timeout = timeout
        self._deadline = time.monotonic() + timeout
        self._interval = interval
        # A caller who asks for a longer first interval than the cap gets a steady one.
        self._max_interval = max(max_interval, interval)
        self._states = frozenset(states)
        self._reported: set[str | None] = set()
        self._state: str | None = None
        self._token: Token[float | None] | None = None

    def __enter__(self) -> JobPoller:
        outer = _BUDGET.get()
        self._token = _BUDGET.set(
            outer if outer is not None and outer < self._deadline else self._deadline
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._token is not None:
            _BUDGET.reset(self._token)
            self._token = None
        if isinstance(exc, APITimeoutError) and time.monotonic() >= self._deadline:
            raise JobTimeoutError(
                job_id=self.job_id, state=self._state, timeout=self.timeout
            ) from exc

    def next_delay(self, state: str | None) -> float:
        """Seconds to sleep before the next poll; raises JobTimeoutError when time is up."""
        self._state = state
        if state not in self._states and state not in self._reported:
            self._reported.add(state)
            logger.warning(
                "job %s reports %s, which the API does not document; still waiting",
                self.job_id,
                f"state {state!r}" if state is not None else "no state",
            )
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise JobTimeoutError(job_id=self.job_id, state=state, timeout=self.timeout)
        delay = min(self._interval, remaining)
        self._interval = min(self._interval * 1.5, self._max_interval)
        return delay
