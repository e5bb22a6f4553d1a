"""Building a request: the auth protocol, the call's description and the helpers the
generated methods use to encode their arguments."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError, PydanticSerializationError


class Auth(Protocol):
    """Adds credentials to a request: returns the headers to set, given what will be sent.
    `now` is the Unix time to sign with: the transport's clock, corrected by the offset a
    clock-skew answer measured."""

    def sign(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | Stream,
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
        body: bytes | Stream,
        *,
        now: float | None = None,
    ) -> dict[str, str]:
        return {self._header: self._value}

    def __repr__(self) -> str:
        return f"TokenAuth(header={self._header!r}, token=***)"


class Stream:
    """A request body read from files as it is sent, never whole into memory (an upload:
    `upload.py` makes them). It cannot be assumed to replay, so the transport sends it
    again only when the request provably never left (the connection could not be
    opened): never after it may have been sent, whatever the operation. A signer that
    hashes the body reads it once more before it is sent (`read_ahead`)."""

    # Its size in bytes when known (sent as Content-Length; otherwise chunked).
    length: int | None = None

    def chunks(self) -> Iterator[bytes]:
        raise NotImplementedError

    def read_ahead(self) -> Iterator[bytes]:
        """The body's bytes, read before it is sent, for a signer that hashes them: in
        chunks, never whole, and from the start again when it is sent. A body that
        cannot be read twice (a file object that cannot seek) is refused here, before
        anything of it is read: a ValueError naming its argument."""
        raise NotImplementedError

    def achunks(self) -> AsyncIterator[bytes]:
        raise NotImplementedError


@dataclass(frozen=True)
class Call:
    """One request, fully described before anything is sent."""

    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | Stream | None = None
    # The Cookie header's `name=value` pairs, percent-encoded (`cookie_pairs`). Cookies
    # often carry a session: kept out of the call's repr.
    cookies: tuple[str, ...] = field(default=(), repr=False)
    # Safe to send twice: the server cannot have acted on a failed first attempt in a way
    # that matters (reads). Submits are not: a duplicate job is billed twice.
    idempotent: bool = False
    content_type: str = "application/json"
    # What a refusal names: the operation, and the argument each query parameter is.
    operation: str = ""
    arguments: Mapping[str, str] = field(default_factory=dict)
    # What the client itself needs of a success (a submit's job id): where the spec
    # points to it, and how to read it from the parsed answer. An answer without it is
    # unusable (APIResponseValidationError), however tolerant the model.
    needs: tuple[str, Callable[[Any], object]] | None = None


MAX_URL_LENGTH = 65_536
"""The longest URL the client can send: httpx refuses a longer one (`InvalidURL: URL too
long`, its `_urlparse.MAX_URL_LENGTH`); h11 and httpcore set no limit on what they write."""


def checked_url(url: str, call: Call) -> str:
    """`url`, if the client can send it; otherwise a ValidationError, before anything is
    sent, naming the operation and the query argument that takes most of the URL. In a
    query, text is percent-encoded UTF-8: each byte of non-ASCII text takes 3 characters
    (9 for a Chinese character)."""
    if len(url) <= MAX_URL_LENGTH:
        return url
    parts = [
        (
            (
                len(value)
                if type(value) is Encoded
                else len(_quote(key)) + 1 + len(_quote(value))
            ),
            call.arguments.get(key, key),
            value,
        )
        for key, value in call.query.items()
    ]
    size, culprit, value = max(parts, key=lambda part: part[0], default=(0, None, url))
    share = (
        f"; {culprit} takes {size:,} of them, percent-encoded UTF-8 (each byte of "
        "non-ASCII text is 3 characters: 9 for a Chinese character)"
        if culprit is not None
        else ""
    )
    raise ValidationError.from_exception_data(
        call.operation or f"{call.method} {call.path}",
        [
            {
                "type": PydanticCustomError(
                    "url_too_long",
                    "the request's URL would be {length} characters, more than the "
                    "{limit} the client can send{share}",
                    {
                        "length": f"{len(url):,}",
                        "limit": f"{MAX_URL_LENGTH:,}",
                        "share": share,
                    },
                ),
                "loc": (culprit,) if culprit is not None else (),
                "input": value,
            }
        ],
    )


def path_segment(name: str, value: object) -> str:
    """Encode one path parameter (style `simple`, a single value), refusing values that
    would change the path's shape: an empty one, and `.` or `..`, which URL parsers
    (httpx's too) resolve away, are sent percent-encoded instead."""
    text = _text(value)
    if not text:
        raise ValueError(f"{name} must not be empty")
    if text in _DOT_SEGMENTS:
        return _DOT_SEGMENTS[text]
    return quote(text, safe="")


_DOT_SEGMENTS = {".": "%2E", "..": "%2E%2E"}


def query_string(query: Mapping[str, str]) -> str:
    """`?k=v&...` encoded as RFC 3986 says (what signers sign): a space is `%20`, never
    `+`; only letters, digits and `-_.~` stay as they are; text is UTF-8.

    httpx's own encoding writes `+` for a space and leaves `!'()*` alone, which servers that
    re-encode what they receive (Alibaba's) then verify against another signature.
    """
    if not query:
        return ""
    return "?" + "&".join(
        value if type(value) is Encoded else f"{_quote(key)}={_quote(value)}"
        for key, value in query.items()
    )


# Text that quote() would give back unchanged (names, ids, numbers): checked in one match
# instead of encoding, scanning and decoding it again.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")
_UNRESERVED_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
)


class _Escapes(dict[int, str]):
    """What quote(safe="") turns each character into, for str.translate: one pass in C
    over text with many escapes (JSON in a query). ASCII is held; other characters are
    worked out each time, so odd text cannot grow the table."""

    def __missing__(self, ordinal: int) -> str:
        # Strict UTF-8, as quote(): a lone surrogate raises UnicodeEncodeError.
        return "".join(f"%{byte:02X}" for byte in chr(ordinal).encode("utf-8"))


_ESCAPES = _Escapes(
    (code, char if char in _UNRESERVED_CHARS else f"%{code:02X}")
    for code, char in ((code, chr(code)) for code in range(128))
)


def _quote(text: str) -> str:
    # As quote(text, safe=""): RFC 3986's unreserved characters stay, the rest of the
    # UTF-8 bytes become upper-case escapes.
    return text if _UNRESERVED.fullmatch(text) else text.translate(_ESCAPES)


def json_body(model: BaseModel) -> bytes:
    """Serialise a request model as the vendor expects it: wire names, only what was given.

    Text that UTF-8 cannot encode (a lone surrogate) is refused as a ValidationError
    naming the argument (pydantic's own error would name none)."""
    try:
        return model.model_dump_json(by_alias=True, exclude_unset=True).encode()
    except PydanticSerializationError:
        refuse_unencodable(model)
        raise


def dump_arguments(model: BaseModel) -> dict[str, Any]:
    """The checked arguments as the wire carries them (JSON inside strings as text,
    dates in ISO 8601), by argument name; a text UTF-8 cannot encode inside a JSON
    document (`JsonString` refuses it) is refused naming where it is."""
    try:
        return model.model_dump(mode="json", by_alias=True, exclude_unset=True)
    except PydanticSerializationError:
        refuse_unencodable(model)
        raise


ModelT = TypeVar("ModelT", bound=BaseModel)


def utf8_text(model: ModelT) -> ModelT:
    """`model`, once its text arguments are known to be encodable as UTF-8 (query strings
    and paths are sent in it); otherwise a ValidationError naming the argument. Strict
    validation takes a lone surrogate (`"a\\ud800"`) as text: it can be held in Python,
    never sent. Documents inside the arguments are checked as they are dumped
    (`dump_arguments`): only a failure pays for walking them."""
    for value in model.__dict__.values():
        if isinstance(value, str) and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                refuse_unencodable(model)
    return model


def whole_body(argument: str, model: type[ModelT], value: object) -> ModelT:
    """A body passed whole as one argument (a union of models, a list), checked by its
    root model; an error names the argument (`body.Cat.lives`), not the root model."""
    try:
        return model.model_validate(value, strict=True)
    except ValidationError as error:
        details: list[Any] = []
        for found in error.errors(include_url=False):
            detail = {
                "type": found["type"],
                "loc": (argument, *found["loc"]),
                "input": found["input"],
            }
            if "ctx" in found:
                detail["ctx"] = found["ctx"]
            details.append(detail)
        try:
            renamed = ValidationError.from_exception_data(argument, details)
        except (KeyError, TypeError, ValueError):
            raise error from None  # a kind of error that cannot be re-made: as it is
        raise renamed from None


def refuse_unencodable(model: BaseModel) -> None:
    """Raise a ValidationError naming the first text in `model` (by argument and
    attribute names) that UTF-8 cannot encode; return if there is none."""
    found = _unencodable(model, ())
    if found is None:
        return
    where, text = found
    bad = next(char for char in text if 0xD800 <= ord(char) <= 0xDFFF)
    raise ValidationError.from_exception_data(
        type(model).__name__,
        [
            {
                "type": PydanticCustomError(
                    "string_unicode",
                    "text that UTF-8 cannot encode cannot be sent: {character} is a "
                    "lone surrogate",
                    {"character": ascii(bad)},
                ),
                "loc": where,
                "input": text,
            }
        ],
    )


def _unencodable(value: Any, where: tuple[str | int, ...]) -> Any:
    """(where, text) of the first text in `value` that UTF-8 cannot encode, or None."""
    if isinstance(value, str):
        if value.isascii():
            return None
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return where, value
        return None
    if isinstance(value, BaseModel):
        items: Any = value.__dict__.items()
    elif isinstance(value, Mapping):
        items = value.items()
        for key in value:
            if isinstance(key, str) and _unencodable(key, ()) is not None:
                return (*where, key), key
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _unencodable(item, (*where, key))
        if found is not None:
            return found
    return None


def drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    """Arguments left at None are not sent, so the server applies its own defaults."""
    return {key: value for key, value in values.items() if value is not None}


def text_params(values: Mapping[str, object]) -> dict[str, str]:
    """Query or header values as the wire carries them; None means not sent. Text (an
    `Encoded` query part too) goes as it is; anything but a scalar is a TypeError, never
    its Python repr (the generated code styles lists and objects first)."""
    return {
        # The common types first, inline: this runs for every call.
        key: (
            value
            if type(value) is str
            else (str(value) if type(value) is int else _text(value))
        )
        for key, value in values.items()
        if value is not None
    }


def _check_headers(headers: Mapping[str, str]) -> None:
    # Method arguments were checked by their model; this also covers client arguments.
    for name, value in headers.items():
        if not value.isascii() or not value.isprintable():
            raise ValueError(
                f"the {name} header must be printable ASCII "
                "(no line breaks or non-ASCII text)"
            )


# --- Parameters as OpenAPI serialises them (`style`, `explode`) ----------------------------
#
# Scalars go through `text_params` (the fast path: one `name=value` pair, or one header
# value). A list or an object follows its parameter's style: the table of the OpenAPI
# specification (3.1.1, "Style Examples"), whose styles come from RFC 6570 (`form`,
# `simple`, `label`, `matrix`) or are OpenAPI's own (`spaceDelimited`, `pipeDelimited`,
# `deepObject`). In a URL every value is percent-encoded as RFC 3986 says (as `_quote`),
# and a delimiter is not: a comma inside a value stays `%2C`, so the server can tell it
# from the comma between values. `|`, `[`, `]` and space are delimiters RFC 3986 does
# not allow as they are: sent as `%7C`, `%5B`, `%5D`, `%20`, as the table shows them.
# An empty list or object (and one whose values are all None) is not sent: RFC 6570
# counts it undefined.


class Encoded(str):
    """A query parameter already written as its part of the query string, percent-encoded,
    names and delimiters included (`ids=a&ids=b`, `color%5BR%5D=100`): `query_string`
    sends it as it is."""

    __slots__ = ()


def _text(value: object) -> str:
    """A scalar as the wire carries it: booleans as `true`/`false`, a number as Python
    writes it (`10` for an int, `10.5` for a float: never `10.0` for a 10 given)."""
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return str(value)
    raise TypeError(
        f"a {type(value).__name__} has no text form here: a list or an object "
        "parameter is sent by its style"
    )


def _item(value: object) -> str:
    """An item of a list or a value of an object: a scalar's text, or (nested, which
    OpenAPI leaves undefined) its compact JSON."""
    if isinstance(value, list | tuple | Mapping):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _text(value)


def _members(value: object) -> list[str] | None:
    """A list's items, or an object's names and values in turn (`R, 100, G, 200`), as
    text; None for a scalar. None items and values are left out (RFC 6570: undefined).
    """
    if isinstance(value, Mapping):
        return [
            text
            for key, item in value.items()
            if item is not None
            for text in (str(key), _item(item))
        ]
    if isinstance(value, list | tuple):
        return [_item(item) for item in value if item is not None]
    return None


def _pairs(members: list[str]) -> list[tuple[str, str]]:
    """An object's members (`_members`) as (name, value) pairs."""
    return list(zip(members[::2], members[1::2], strict=True))


def styled_query(name: str, value: object, style: str, explode: bool) -> str | None:
    """One query parameter in `style`: an `Encoded` part of the query string for a list
    or an object, its text for a scalar (sent as `name=value`); None: not sent."""
    if value is None:
        return None
    members = _members(value)
    if members is None:
        return _text(value)
    if not members:
        return None
    key = _quote(name)
    quoted = [_quote(text) for text in members]
    is_object = isinstance(value, Mapping)
    if style == "deepObject" and is_object:
        return Encoded("&".join(f"{key}%5B{k}%5D={v}" for k, v in _pairs(quoted)))
    if style in _DELIMITERS:
        return Encoded(f"{key}={_DELIMITERS[style].join(quoted)}")
    if not explode:
        return Encoded(f"{key}={','.join(quoted)}")
    if is_object:
        return Encoded("&".join(f"{k}={v}" for k, v in _pairs(quoted)))
    return Encoded("&".join(f"{key}={v}" for v in quoted))


_DELIMITERS = {"spaceDelimited": "%20", "pipeDelimited": "%7C"}


def styled_header(value: object, explode: bool) -> str | None:
    """A header parameter (style `simple`): a list's items joined by commas, an object's
    names and values too (`R,100,G,200`; `R=100,G=200` exploded). Header values are
    not percent-encoded (OpenAPI's Appendix D); None: not sent."""
    if value is None:
        return None
    members = _members(value)
    if members is None:
        return _text(value)
    if not members:
        return None
    if explode and isinstance(value, Mapping):
        return ",".join(f"{k}={v}" for k, v in _pairs(members))
    return ",".join(members)


def styled_path(name: str, value: object, style: str, explode: bool) -> str:
    """A path parameter in `simple`, `label` (`.blue`) or `matrix` (`;color=blue`) style,
    percent-encoded; an empty value in `simple` style is refused (see `path_segment`).
    """
    members = _members(value)
    if members is None:
        if style == "simple":
            return path_segment(name, value)
        members = [_text(value)]
        if style == "matrix":
            return ";" + _matrix(_quote(name), _quote(members[0]))
        return "." + _quote(members[0])
    quoted = [_quote(text) for text in members]
    is_object = isinstance(value, Mapping)
    pairs = [f"{k}={v}" for k, v in _pairs(quoted)] if is_object else []
    if style == "matrix":
        key = _quote(name)
        if not quoted:
            return f";{key}"
        if not explode:
            return f";{key}={','.join(quoted)}"
        if is_object:
            return "".join(f";{_matrix(k, v)}" for k, v in _pairs(quoted))
        return "".join(f";{_matrix(key, v)}" for v in quoted)
    if style == "label":
        joiner = "." if explode else ","
        return "." + joiner.join(pairs if explode and is_object else quoted)
    if not quoted:
        raise ValueError(f"{name} must not be empty")
    return ",".join(pairs if explode and is_object else quoted)


def _matrix(name: str, text: str) -> str:
    # RFC 6570's `;` operator writes an empty value as the bare name.
    return f"{name}={text}" if text else name


def cookie_pairs(name: str, value: object, explode: bool) -> tuple[str, ...]:
    """A cookie parameter (style `form`) as `name=value` pairs, percent-encoded (RFC
    6570); the Cookie header joins them with `; ` (OpenAPI's Appendix D: never `&`).
    An exploded list repeats its name; an exploded object is a pair per property."""
    if value is None:
        return ()
    members = _members(value)
    key = _quote(name)
    if members is None:
        return (f"{key}={_quote(_text(value))}",)
    quoted = [_quote(text) for text in members]
    if not quoted:
        return ()
    if not explode:
        return (f"{key}={','.join(quoted)}",)
    if isinstance(value, Mapping):
        return tuple(f"{k}={v}" for k, v in _pairs(quoted))
    return tuple(f"{key}={v}" for v in quoted)
