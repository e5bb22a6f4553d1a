"""HTTP transport shared by every generated client.

`Core` holds everything both clients share: URL building, signing, the retry decision and
response parsing. `SyncTransport` and `AsyncTransport` only add the I/O and the sleeping.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, overload
from urllib.parse import quote
from xml.etree import ElementTree

import httpx
from pydantic import BaseModel, ValidationError

from .errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    JobTimeoutError,
    status_error_class,
)

logger = logging.getLogger(__name__.rsplit(".", 2)[0])

ModelT = TypeVar("ModelT", bound=BaseModel)

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2


class Auth(Protocol):
    """Adds credentials to a request: returns the headers to set, given what will be sent."""

    def sign(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes
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
        self, method: str, url: str, headers: Mapping[str, str], body: bytes
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

    def error_class(self, status_code: int, code: str | None) -> type[APIStatusError]:
        """The error to raise for a response with this status and vendor code."""
        if code is not None and any(
            code == prefix or code.startswith(prefix + ".")
            for prefix in self.authentication_codes
        ):
            return AuthenticationError
        return status_error_class(status_code)


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


def xml_document(body: bytes) -> dict[str, Any]:
    """An XML body as nested dicts, for the error pointers (`/Error/Code`): an element is
    its text, or a dict of its children; a repeated child is a list. Raises ValueError for
    a body that is not XML. Entities are not expanded (expat refuses to, past a bound)."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise ValueError(f"not XML: {error}") from None
    return {_local_name(root.tag): _xml_value(root)}


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
    """Exponential backoff with jitter; `Retry-After` wins when it is reasonable."""

    max_retries: int = DEFAULT_MAX_RETRIES
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def delay(self, attempt: int, response: httpx.Response | None) -> float:
        retry_after = _retry_after(response) if response is not None else None
        if retry_after is not None and 0 <= retry_after <= self.max_retry_after:
            return retry_after
        backoff = min(self.initial_delay * 2.0**attempt, self.max_delay)
        # Jitter spreads out clients that failed together, so they do not retry together.
        return backoff * (1 - 0.25 * random.random())


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment.timestamp() - time.time()


# Failures where the request provably never reached the server: always safe to retry.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


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
        self.timeout = (
            timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        )
        self.retry = RetryPolicy(max_retries=max_retries)
        self.retry_submits = retry_submits
        self.user_agent = user_agent

    def __repr__(self) -> str:
        return f"Core(base_url={self.base_url!r}, auth={self.auth!r})"

    def build(
        self, client: httpx.Client | httpx.AsyncClient, call: Call
    ) -> httpx.Request:
        """Build and sign the request; called per attempt so each carries a fresh signature date."""
        url = httpx.URL(self.base_url + call.path + query_string(call.query))
        body = call.body or b""
        headers = dict(call.headers)
        if call.body is not None:
            headers["Content-Type"] = call.content_type
        for name, value in headers.items():
            _check_header(name, value)
        headers.update(self.auth.sign(call.method, str(url), headers, body))
        headers["User-Agent"] = self.user_agent
        return client.build_request(
            call.method, url, headers=headers, content=body, timeout=self.timeout
        )

    def _retry_delay(
        self,
        call: Call,
        attempt: int,
        response: httpx.Response | None,
        error: Exception | None,
    ) -> float | None:
        """Seconds to wait before the next attempt, or None when this one is final."""
        if attempt >= self.retry.max_retries:
            return None
        may_repeat = call.idempotent or self.retry_submits
        if error is not None:
            retry = isinstance(error, _NOT_SENT) or (
                may_repeat and isinstance(error, httpx.TransportError)
            )
        elif response is not None:
            # A 429 is refused before any work is done, so even a submit may be repeated.
            retry = response.status_code == 429 or (
                may_repeat
                and (response.status_code >= 500 or response.status_code == 408)
            )
        else:
            retry = False
        if not retry:
            return None
        delay = self.retry.delay(attempt, response)
        reason = (
            f"HTTP {response.status_code}"
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

    def on_error(self, call: Call, attempt: int, error: httpx.TransportError) -> float:
        """Seconds to wait before retrying after `error`; raises the typed error when final."""
        delay = self._retry_delay(call, attempt, None, error)
        if delay is not None:
            return delay
        where = f"{call.method} {self.base_url}{call.path}"
        if isinstance(error, httpx.TimeoutException):
            raise APITimeoutError(
                f"{where} timed out ({type(error).__name__})"
            ) from error
        raise APIConnectionError(
            f"{where} failed: {type(error).__name__}: {error}"
        ) from error

    def on_response(
        self, call: Call, attempt: int, response: httpx.Response
    ) -> float | None:
        """Seconds to wait before retrying after `response`, or None to parse it."""
        logger.debug("%s %s -> %d", call.method, call.path, response.status_code)
        return self._retry_delay(call, attempt, response, None)

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

    @overload
    def parse(self, response: httpx.Response, model: type[ModelT]) -> ModelT: ...

    @overload
    def parse(self, response: httpx.Response, model: None) -> None: ...

    def parse(
        self, response: httpx.Response, model: type[ModelT] | None
    ) -> ModelT | None:
        """Turn a response into `model`, or raise the typed error it stands for; with no
        model, a success carries no body worth reading."""
        body = response.content
        xml = body.lstrip().startswith(b"<")
        try:
            data: Any = (
                (xml_document(body) if xml else json.loads(body))
                if body.strip()
                else None
            )
        except ValueError:
            data = None
            decoded = False
        else:
            decoded = True
        request_id = optional_text(
            json_pointer(data, self.errors.request_id)
            if self.errors.request_id
            else None
        )
        if request_id is None and self.errors.request_id_header:
            request_id = response.headers.get(self.errors.request_id_header)
        code = optional_text(json_pointer(data, self.errors.code))
        if not response.is_success or code is not None:
            message = optional_text(json_pointer(data, self.errors.message))
            if message is None:
                message = response.reason_phrase or "error"
                if not decoded and body:
                    message += f": {body[:200].decode(errors='replace')}"
            raise self.errors.error_class(response.status_code, code)(
                status_code=response.status_code,
                code=code,
                message=message,
                request_id=request_id,
                body=body,
            )
        if model is None:
            return None
        from_xml = getattr(model, "from_xml", None)
        if not decoded or (from_xml is None) == xml:
            expected = "XML" if from_xml is not None else "JSON"
            raise APIResponseValidationError(
                f"HTTP {response.status_code}: response body is not {expected}",
                status_code=response.status_code,
                request_id=request_id,
                body=body,
            )
        try:
            if from_xml is not None:
                parsed: ModelT = from_xml(body)
                return parsed
            return model.model_validate(data)
        except ValidationError as error:
            raise APIResponseValidationError(
                f"HTTP {response.status_code}: response does not match {model.__name__}: {error}",
                status_code=response.status_code,
                request_id=request_id,
                body=body,
            ) from error


class SyncTransport:
    """Blocking I/O for `Core`."""

    def __init__(self, core: Core, client: httpx.Client | None) -> None:
        self.core = core
        self._owns_client = client is None
        self.client = client if client is not None else httpx.Client()

    @overload
    def send(self, call: Call, model: type[ModelT]) -> ModelT: ...

    @overload
    def send(self, call: Call, model: None) -> None: ...

    def send(self, call: Call, model: type[ModelT] | None) -> ModelT | None:
        attempt = 0
        while True:
            try:
                response = self.client.send(self.core.build(self.client, call))
            except httpx.TransportError as error:
                delay = self.core.on_error(call, attempt, error)
            else:
                next_delay = self.core.on_response(call, attempt, response)
                if next_delay is None:
                    return self.core.parse(response, model)
                delay = next_delay
            time.sleep(delay)
            attempt += 1

    def close(self) -> None:
        if self._owns_client:
            self.client.close()


class AsyncTransport:
    """Non-blocking I/O for `Core`."""

    def __init__(self, core: Core, client: httpx.AsyncClient | None) -> None:
        self.core = core
        self._owns_client = client is None
        self.client = client if client is not None else httpx.AsyncClient()

    @overload
    async def send(self, call: Call, model: type[ModelT]) -> ModelT: ...

    @overload
    async def send(self, call: Call, model: None) -> None: ...

    async def send(self, call: Call, model: type[ModelT] | None) -> ModelT | None:
        attempt = 0
        while True:
            try:
                response = await self.client.send(self.core.build(self.client, call))
            except httpx.TransportError as error:
                delay = self.core.on_error(call, attempt, error)
            else:
                next_delay = self.core.on_response(call, attempt, response)
                if next_delay is None:
                    return self.core.parse(response, model)
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

    def next_delay(self, state: str | None) -> float:
        """Seconds to sleep before the next poll; raises JobTimeoutError when time is up."""
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
