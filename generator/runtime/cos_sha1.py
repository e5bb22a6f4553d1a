"""Tencent Cloud COS / Cloud Infinite request signing (q-sign-algorithm=sha1).

Standard library only, so generated SDKs can vendor this file without
pulling in extra dependencies.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import time
from collections.abc import Mapping
from urllib.parse import SplitResult, quote, unquote, urlsplit

__all__ = [
    "CosSha1Signer",
    "header_list",
    "http_string",
    "make_key_time",
    "sign_key",
    "signature",
    "string_to_sign",
    "url_param_list",
]

_ALGORITHM = "sha1"
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Header that carries the temporary-credential token. It is an x-cos-* header,
# and the official SDK (cos-python-sdk-v5, qcloud_cos/cos_auth.py) signs every
# x-cos-* header it finds on the request; the token is put on the request
# before its signing hook runs, so the official client signs it. We sign it too:
# it binds the token to this signature, so nobody on the way can swap it.
_TOKEN_HEADER = "x-cos-security-token"


# Text quote() gives back unchanged (names, ids, numbers): one match instead of
# encoding, scanning and decoding it again.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def _encode(text: str) -> str:
    if _UNRESERVED.fullmatch(text):
        return text
    # safe="" so "/" is escaped too; quote() already leaves exactly
    # A-Za-z0-9 and "-_.~" alone, escapes a space as "%20" (never "+"), and
    # encodes non-ASCII text as UTF-8.
    return quote(text, safe="")


def _encode_name(name: str) -> str:
    # Lowercase after encoding, as the official SDKs do (quote(k).lower()):
    # for the plain ASCII names used in practice this is the same as lowercasing
    # first, and it leaves the bytes of non-ASCII names alone.
    return _encode(name).lower()


def _strict_unquote(text: str, what: str) -> str:
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError:
        # A lossy decode would sign U+FFFD where the server sees other bytes.
        raise ValueError(f"{what} is not valid percent-encoded UTF-8") from None


def _pairs(items: list[tuple[str, str]], what: str) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for name, value in items:
        key = _encode_name(name)
        if key in seen:
            # Two spellings of one name would give the server and us
            # different ideas of its value; refuse rather than guess.
            raise ValueError(
                f"{what} {key!r} given more than once (names are case-insensitive)"
            )
        seen[key] = _encode(value)
    # Sorting the encoded forms keeps the order independent of how the caller
    # spelled or ordered them.
    return sorted(seen.items())


def _query_pairs(query: str) -> list[tuple[str, str]]:
    """The signed pairs of a URL's query (the text after "?")."""
    items: list[tuple[str, str]] = []
    for item in query.split("&"):
        if not item:
            continue
        key, _, value = item.partition("=")
        # unquote, not unquote_plus: a literal "+" in the query is a plus sign
        # (signed as "%2B"), not a space. Decoding first means a pre-encoded
        # value ("a%2Fb") and a raw one ("a/b") sign the same.
        items.append(
            (
                _strict_unquote(key, "query parameter name"),
                _strict_unquote(value, "query parameter value"),
            )
        )
    return _pairs(items, "query parameter")


def _header_pairs(headers: Mapping[str, str]) -> list[tuple[str, str]]:
    # Servers drop the whitespace around a header value before checking it.
    items = [(name.strip(), value.strip()) for name, value in headers.items()]
    return _pairs(items, "header")


def _join_pairs(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{key}={value}" for key, value in pairs)


def _join_names(pairs: list[tuple[str, str]]) -> str:
    return ";".join(key for key, _ in pairs)


def http_string(method: str, url: str, headers: Mapping[str, str]) -> str:
    """Build the HttpString.

    `url` is the URL as sent (path and query percent-encoded); the path is
    signed decoded. `headers` must be exactly the headers to sign, Host
    included.
    """
    parts = urlsplit(url)
    return _http_string(
        method, parts.path, _query_pairs(parts.query), _header_pairs(headers)
    )


def _http_string(
    method: str,
    url_path: str,
    query: list[tuple[str, str]],
    headers: list[tuple[str, str]],
) -> str:
    path = _strict_unquote(url_path, "url path") or "/"
    return f"{method.lower()}\n{path}\n{_join_pairs(query)}\n{_join_pairs(headers)}\n"


def header_list(headers: Mapping[str, str]) -> str:
    """Return q-header-list: the encoded, lowercased, sorted header names."""
    return _join_names(_header_pairs(headers))


def url_param_list(url: str) -> str:
    """Return q-url-param-list: the encoded, lowercased, sorted query keys."""
    return _join_names(_query_pairs(urlsplit(url).query))


def make_key_time(now: float, *, skew: float, expires: float) -> str:
    """Return KeyTime, "start;end" in whole Unix seconds.

    The start is `skew` seconds before `now` so that a request from a client
    whose clock runs slightly ahead of the server's is not "not yet valid".
    """
    return f"{int(now - skew)};{int(now + expires)}"


def sign_key(secret_key: str, key_time: str) -> str:
    """Return SignKey: hex HMAC-SHA1 of KeyTime under the SecretKey."""
    return hmac.new(
        secret_key.encode("utf-8"), key_time.encode("utf-8"), hashlib.sha1
    ).hexdigest()


def string_to_sign(http_text: str, key_time: str) -> str:
    """Build the StringToSign from an HttpString and KeyTime."""
    digest = hashlib.sha1(http_text.encode("utf-8")).hexdigest()
    return f"{_ALGORITHM}\n{key_time}\n{digest}\n"


def signature(key: str, to_sign: str) -> str:
    """Return the signature: hex HMAC-SHA1 of StringToSign under SignKey."""
    return hmac.new(
        key.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha1
    ).hexdigest()


def _host_from_url(parts: SplitResult) -> str:
    # Raises for a URL without a host even when a Host header is given.
    host = parts.hostname
    if not host:
        raise ValueError("url has no host; pass an absolute URL")
    if ":" in host:
        # urlsplit strips IPv6 brackets, but the Host header needs them back.
        host = f"[{host}]"
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    return host


def _check_credential(name: str, value: str) -> None:
    # Messages name the argument only: the value may be a secret.
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        # The id and token end up in header lines; a line break would let
        # them inject extra headers.
        raise ValueError(f"{name} must not contain CR, LF or other control characters")


def _check_seconds(name: str, value: float, *, allow_zero: bool) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ValueError(f"{name} must be a number of seconds")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be finite and {bound}")


def _mask_id(secret_id: str) -> str:
    # Short ids are masked completely, since 4 visible characters of a
    # very short id would reveal most of it.
    return secret_id[:4] + "****" if len(secret_id) > 8 else "****"


class CosSha1Signer:
    """Signs COS / Cloud Infinite requests (q-sign-algorithm=sha1)."""

    def __init__(
        self,
        *,
        secret_id: str,
        secret_key: str,
        session_token: str | None = None,
        expires: float = 600.0,
        skew: float = 60.0,
    ) -> None:
        _check_credential("secret_id", secret_id)
        _check_credential("secret_key", secret_key)
        if session_token is not None:
            _check_credential("session_token", session_token)
        _check_seconds("expires", expires, allow_zero=False)
        _check_seconds("skew", skew, allow_zero=True)
        self._secret_id = secret_id
        self._secret_key = secret_key
        self._session_token = session_token
        self._expires = expires
        self._skew = skew

    def __repr__(self) -> str:
        fields = [f"secret_id={_mask_id(self._secret_id)!r}", "secret_key=***"]
        if self._session_token is not None:
            fields.append("session_token=***")
        fields.append(f"expires={self._expires!r}")
        fields.append(f"skew={self._skew!r}")
        return f"{type(self).__name__}({', '.join(fields)})"

    def sign(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: object,
        *,
        now: float | None = None,
    ) -> dict[str, str]:
        """Return the headers to add to the request.

        These are x-cos-security-token (if a session token is configured)
        and Authorization.

        `url` is the absolute URL as sent. `headers` are the request's own
        headers; all of them are signed (Authorization excepted), plus Host
        taken from the URL if absent, so they must reach the server unchanged.
        `body` is not part of a COS signature (bytes, or a streamed upload,
        which is never read here); it is accepted so every signer has the same
        call shape. `now` is a Unix time (default: time.time()).
        """
        del body
        if now is None:
            now = time.time()
        elif not math.isfinite(now):
            raise ValueError("now must be a finite Unix time")

        parts = urlsplit(url)  # once, for the Host, the path and the query alike
        to_sign: dict[str, str] = {}
        for name, value in headers.items():
            lower = name.strip().lower()
            # Authorization carries the signature, so it cannot be part of it;
            # a stale one from a retried request is simply replaced.
            if lower == "authorization":
                continue
            if lower in to_sign:
                raise ValueError(
                    f"header {lower!r} given more than once (names are case-insensitive)"
                )
            to_sign[lower] = value
        to_sign.setdefault("host", _host_from_url(parts))

        added: dict[str, str] = {}
        if self._session_token is not None:
            existing = to_sign.get(_TOKEN_HEADER)
            if existing is not None and existing.strip() != self._session_token:
                # The request would carry two different tokens and the server
                # would check only one of them; fail loudly instead.
                raise ValueError(
                    f"{_TOKEN_HEADER} header conflicts with the configured session_token"
                )
            # Signed, see _TOKEN_HEADER.
            to_sign[_TOKEN_HEADER] = self._session_token
            added[_TOKEN_HEADER] = self._session_token

        key_time = make_key_time(now, skew=self._skew, expires=self._expires)
        # Worked out once, for the HttpString and for the lists of names alike.
        query, signed = _query_pairs(parts.query), _header_pairs(to_sign)
        text = _http_string(method, parts.path, query, signed)
        sig = signature(
            sign_key(self._secret_key, key_time), string_to_sign(text, key_time)
        )
        added["Authorization"] = (
            f"q-sign-algorithm={_ALGORITHM}&q-ak={self._secret_id}"
            f"&q-sign-time={key_time}&q-key-time={key_time}"
            f"&q-header-list={_join_names(signed)}"
            f"&q-url-param-list={_join_names(query)}"
            f"&q-signature={sig}"
        )
        return added
