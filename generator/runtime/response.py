"""Reading a response: where an API puts its error parts, JSON pointers and XML documents,
and a body read up to a limit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

# ElementTree (XML bodies) is imported where it is used: a JSON client needs none of it,
# and it adds to the import time.
if TYPE_CHECKING:
    from xml.etree import ElementTree

from .errors import (
    BODY_LIMIT,
    APIStatusError,
    AuthenticationError,
    RateLimitError,
    status_error_class,
)


@dataclass(frozen=True)
class ErrorShape:
    """Where an API puts the parts of its error bodies (JSON pointers) and its request id.
    Without pointers (a spec that does not say), the common shapes are read: see
    `common_parts`."""

    code: str | None = None
    message: str | None = None
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

    def parts(
        self, find: Callable[[str], Any] | None, data: Any, success: bool
    ) -> tuple[str | None, str | None]:
        """The vendor's code and message in a body (`find` resolves a pointer in it;
        `data`: the body as JSON). A success is an error only when its body has a code
        where the spec says error codes are; the common shapes read error statuses only
        (`{"code": 0, "message": "ok"}` is many an API's good answer)."""
        if self.code is None or self.message is None:
            return (None, None) if success else common_parts(data)
        code = optional_text(find(self.code)) if find is not None else None
        if success and code is None:
            return None, None
        return code, optional_text(find(self.message)) if find is not None else None

    def request_id_of(
        self, headers: httpx.Headers, find: Callable[[str], Any] | None, data: Any
    ) -> str | None:
        """The request id: where the spec says (a body pointer, then a header), or, for a
        spec that does not say, a common body field or header."""
        if self.request_id is not None or self.request_id_header is not None:
            found = None
            if self.request_id and find is not None:
                found = optional_text(find(self.request_id))
            if found is None and self.request_id_header:
                found = optional_text(headers.get(self.request_id_header))
            return found
        if self.code is not None:
            return None
        for place in (data, data.get("error") if isinstance(data, dict) else None):
            if isinstance(place, dict):
                for key in _REQUEST_ID_FIELDS:
                    found = optional_text(_scalar(place.get(key)))
                    if found is not None:
                        return found
        for header in REQUEST_ID_HEADERS:
            value: str | None = headers.get(header)
            if value:
                return value
        return None


# Where vendors put a request id, in the order looked at: fields of the body or of its
# `error` object (the vendor's own words), then headers (their case does not matter;
# `cf-ray`, a CDN's, last).
REQUEST_ID_HEADERS = (
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-ms-request-id",
    "apim-request-id",
    "x-correlation-id",
    "dg-request-id",
    "x-trace-id",
    "cf-ray",
)
_REQUEST_ID_FIELDS = ("request_id", "requestId", "request-id")
_CODE_FIELDS = ("code", "error_code", "errorCode", "err_code", "type", "status")
_MESSAGE_FIELDS = ("message", "msg", "err_msg", "error_description", "detail", "title")
# Some bodies say too much to keep as a message.
_MESSAGE_LIMIT = 1000


def common_parts(data: Any) -> tuple[str | None, str | None]:
    """The code and message of an error body in one of the shapes vendors use most:
    `{"error": {"code", "message"}}`, `{"code", "message"}`, `{"detail": "text"}` or
    FastAPI's `{"detail": [{"loc", "msg"}]}`, `{"error": "text"}`, `{"message"}` (also a
    list of texts, as NestJS sends), `{"errors": [...]}` (texts or objects); None for
    what is not there."""
    if not isinstance(data, dict):
        return None, None
    inner = data.get("error")
    if isinstance(inner, dict):
        code, message = _fields(inner)
        if message is not None or code is not None:
            return code, message
    errors = data.get("errors")
    if isinstance(errors, list) and errors:
        codes = [_fields(e)[0] for e in errors if isinstance(e, dict)]
        text = _joined(errors)
        if text is not None:
            return next((c for c in codes if c), None), text
    code, message = _fields(data)
    if message is None and isinstance(inner, str) and inner:
        message = inner
    elif isinstance(inner, str) and inner and code is None:
        code = inner  # `{"error": "Bad Request", "message": "..."}` (NestJS)
    return code, message


def _fields(node: dict[str, Any]) -> tuple[str | None, str | None]:
    code = next(
        (
            text
            for key in _CODE_FIELDS
            if (text := optional_text(_scalar(node.get(key)))) is not None
        ),
        None,
    )
    message = None
    for key in _MESSAGE_FIELDS:
        value = node.get(key)
        if isinstance(value, dict):
            # ElevenLabs: `{"detail": {"status": "...", "message": "..."}}`.
            inner_code, message = _fields(value)
            code = code or inner_code
        else:
            message = _joined(value)
        if message is not None:
            break
    return code, message


def _joined(value: Any) -> str | None:
    """A message from text, or from a list of texts or of objects with one (FastAPI's
    `{"loc": ["body", "text"], "msg": "..."}` reads `body.text: ...`)."""
    if isinstance(value, str):
        return value[:_MESSAGE_LIMIT] or None
    if not isinstance(value, list):
        return None
    texts = []
    for item in value:
        if isinstance(item, dict):
            text = _fields(item)[1]
            where = item.get("loc")
            if text is not None and isinstance(where, list) and where:
                text = ".".join(map(str, where)) + ": " + text
        else:
            text = _joined(item)
        if text is not None:
            texts.append(text)
    return "; ".join(texts)[:_MESSAGE_LIMIT] or None


def _scalar(value: Any) -> Any:
    """Text or a number as a code may be (not `True`, not an object)."""
    return (
        value if isinstance(value, str | int) and not isinstance(value, bool) else None
    )


def _covered(code: str | None, prefixes: tuple[str, ...]) -> bool:
    """Whether `code` is one of `prefixes`, or a code under one (`AuthFailure.X`)."""
    return code is not None and any(
        code == prefix or code.startswith(prefix + ".") for prefix in prefixes
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


def xml_pointer(root: ElementTree.Element, pointer: str) -> Any:
    """`json_pointer(xml_document(root), pointer)`, reading only the elements on the
    path: an error pointer needs a field or two, not the whole answer as dicts."""
    tokens = [raw.replace("~1", "/").replace("~0", "~") for raw in pointer.split("/")]
    if len(tokens) == 1:
        return xml_document(root)
    if tokens[1] != _local_name(root.tag):
        return None
    node: ElementTree.Element | list[ElementTree.Element] = root
    for token in tokens[2:]:
        if isinstance(node, list):
            if not (token.isdigit() and int(token) < len(node)):
                return None
            node = node[int(token)]
            continue
        # An element without children reads as its text, which has no places in it.
        matches = [child for child in node if _local_name(child.tag) == token]
        if not matches:
            return None
        node = matches[0] if len(matches) == 1 else matches
    if isinstance(node, list):
        return [_xml_value(element) for element in node]
    return _xml_value(node)


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


MAX_RESPONSE_BYTES = 64 * 1024 * 1024
"""A success body larger than this is refused (APIResponseValidationError), and not read
beyond it: the memory a response takes is bounded, a gzip bomb's included."""


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


def _body_for(response: httpx.Response, reader: Any = None) -> _Body:
    """An empty body for `response`; `reader` (a `Reader`), a call's own cap."""
    body = _Body()
    if not response.is_success:
        # Only so much of an error body is kept, so only so much is read: a 50 MB error
        # page costs neither the memory nor the time.
        body.limit = BODY_LIMIT
    elif reader is not None and reader.max_bytes is not None:
        body.limit = reader.max_bytes
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
