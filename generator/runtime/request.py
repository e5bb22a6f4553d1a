"""Building a request: the auth protocol, the call's description and the helpers the
generated methods use to encode their arguments."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote

from pydantic import BaseModel


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
    # What the client itself needs of a success (a submit's job id): where the spec
    # points to it, and how to read it from the parsed answer. An answer without it is
    # unusable (APIResponseValidationError), however tolerant the model.
    needs: tuple[str, Callable[[Any], object]] | None = None


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
        f"{_quote(key)}={_quote(value)}" for key, value in query.items()
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


def _check_headers(headers: Mapping[str, str]) -> None:
    # Method arguments were checked by their model; this also covers client arguments.
    for name, value in headers.items():
        if not value.isascii() or not value.isprintable():
            raise ValueError(
                f"the {name} header must be printable ASCII "
                "(no line breaks or non-ASCII text)"
            )
