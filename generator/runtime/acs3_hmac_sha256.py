"""Alibaba Cloud V3 request signing ("ACS3-HMAC-SHA256").

Used for the RPC-style OpenAPI services (e.g. Intelligent Media Services,
"ICE"), where the operation travels in the x-acs-action and x-acs-version
headers and its parameters in the query string or body.

Standard library only, so generated SDKs can vendor this file without
pulling in extra dependencies.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import math
import re
import secrets
import time
from collections.abc import Iterable, Mapping
from typing import Protocol
from urllib.parse import SplitResult, quote, unquote_to_bytes, urlsplit

__all__ = [
    "Acs3HmacSha256Signer",
    "Readable",
    "canonical_request",
    "payload_sha256",
    "string_to_sign",
]

_ALGORITHM = "ACS3-HMAC-SHA256"
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SIGNED_PREFIX = "x-acs-"
_DATE_HEADER = "x-acs-date"
_NONCE_HEADER = "x-acs-signature-nonce"
_CONTENT_SHA256_HEADER = "x-acs-content-sha256"
_TOKEN_HEADER = "x-acs-security-token"


class Readable(Protocol):
    """A body read from files as it is sent (the SDK's upload), that can be read once
    before: `read_ahead` yields its bytes in chunks, and refuses (ValueError naming the
    argument) a body that could not be read again for the send."""

    def read_ahead(self) -> Iterable[bytes]: ...


def payload_sha256(body: bytes | Readable) -> str:
    """The hex SHA-256 of the body: of bytes at once, of a streamed body chunk by chunk
    (its file read once ahead of the send, in bounded memory)."""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return hashlib.sha256(body).hexdigest()
    digest = hashlib.sha256()
    for chunk in body.read_ahead():
        digest.update(chunk)
    return digest.hexdigest()


# Text already in the canonical form: unreserved characters, and upper-case escapes of
# bytes that are not unreserved. What the transport sends is; re-encoding it would give
# it back unchanged, at several times the cost.
_CANONICAL_CHAR = (
    r"[A-Za-z0-9_.~-]|%(?!2[DE]|3[0-9]|[46][1-9A-F]|[57][0-9A]|5F|7E)[0-9A-F]{2}"
)
_CANONICAL = re.compile(rf"(?:{_CANONICAL_CHAR})*")


def _encode(text: str) -> str:
    if _CANONICAL.fullmatch(text):
        return text
    # Decode to bytes first so a caller who pre-encoded a value ("a%20b") and
    # one who did not ("a b") produce the same canonical form instead of
    # "%2520". Working on bytes keeps a percent-escape that is not valid UTF-8
    # (e.g. "%FF") exactly as sent, where unquote() would turn it into U+FFFD.
    # quote(safe="") leaves exactly the RFC 3986 unreserved set alone
    # (A-Z a-z 0-9 - _ . ~), so space is "%20", "*" is "%2A" and "/" is "%2F".
    return quote(unquote_to_bytes(text), safe="")


# A path, and a query, all of whose segments (names, values) are canonical already: one
# match instead of one per segment.
# (Built from the single character, never a repeat of a repeat: a near miss must not
# backtrack for long.)
_CANONICAL_PATH = re.compile(rf"(?:/|{_CANONICAL_CHAR})*")
_CANONICAL_PAIR = rf"(?:{_CANONICAL_CHAR})*(?:=(?:{_CANONICAL_CHAR})*)?"
_CANONICAL_QUERY = re.compile(rf"{_CANONICAL_PAIR}(?:&{_CANONICAL_PAIR})*")


def _canonical_uri(path: str) -> str:
    # Encoded per segment, so "/" separators survive but an escaped "%2F"
    # inside a segment stays escaped. No trailing slash is added.
    if _CANONICAL_PATH.fullmatch(path):
        uri = path  # every segment would encode as itself
    else:
        uri = "/".join(_encode(segment) for segment in path.split("/"))
    if not uri.startswith("/"):
        uri = "/" + uri
    return uri


def _decoded(text: str) -> bytes:
    # Without an escape, canonical text is ASCII and decodes to its own bytes.
    return unquote_to_bytes(text) if "%" in text else text.encode("ascii")


def _canonical_query(query: str) -> str:
    # (decoded name, the value as given, the signed "name=value")
    pairs: list[tuple[bytes, str, str]] = []
    # What the transport sends is canonical as a whole: checked once, not per name and value.
    canonical = _CANONICAL_QUERY.fullmatch(query) is not None
    for item in query.split("&"):
        if not item:
            continue
        key, _, value = item.partition("=")
        if canonical or (_CANONICAL.fullmatch(key) and _CANONICAL.fullmatch(value)):
            # What the transport sends: re-encoding would give the same text back.
            pairs.append((_decoded(key), value, f"{key}={value}"))
            continue
        # Percent-decoding only, never unquote_plus: RFC 3986 gives "+" no
        # special meaning, so a literal "+" is signed as "%2B"; a space must
        # arrive as "%20".
        raw_key = unquote_to_bytes(key)
        signed = f"{quote(raw_key, safe='')}={quote(unquote_to_bytes(value), safe='')}"
        pairs.append((raw_key, value, signed))
    # Sorted decoded (name, then value for repeated names) and encoded after,
    # as the vendor's rule and SDK do: the encoded order differs for some names
    # ("z" < "é", but "%C3%A9" < "z"). UTF-8 bytes sort as the characters do.
    # Values only order a repeated name, so they are decoded only then.
    if len({key for key, _, _ in pairs}) == len(pairs):
        pairs.sort(key=_name)
    else:
        pairs.sort(key=_name_and_value)
    # A parameter without a value is signed as "key=".
    return "&".join(signed for _, _, signed in pairs)


def _name(pair: tuple[bytes, str, str]) -> bytes:
    return pair[0]


def _name_and_value(pair: tuple[bytes, str, str]) -> tuple[bytes, bytes]:
    return pair[0], unquote_to_bytes(pair[1])


def _is_signed(name: str) -> bool:
    return name in ("host", "content-type") or name.startswith(_SIGNED_PREFIX)


def _normalised_headers(headers: Mapping[str, str]) -> dict[str, str]:
    seen: dict[str, str] = {}
    for name, value in headers.items():
        lower = name.strip().lower()
        if lower in seen:
            # Two spellings of one header would give the server and us
            # different ideas of its value; refuse rather than guess.
            raise ValueError(
                f"header {lower!r} given more than once (names are case-insensitive)"
            )
        seen[lower] = value.strip()
    return seen


def _signed_headers(headers: Mapping[str, str]) -> list[tuple[str, str]]:
    normalised = _normalised_headers(headers)
    if "host" not in normalised:
        raise ValueError("headers must include Host")
    # Authorization carries the signature, so _is_signed never selects it.
    return sorted(
        (name, value) for name, value in normalised.items() if _is_signed(name)
    )


def _signed_header_names(signed: list[tuple[str, str]]) -> str:
    return ";".join([name for name, _ in signed])


def canonical_request(
    method: str, url: str, headers: Mapping[str, str], body: bytes | Readable
) -> str:
    """Build the canonical request text.

    `headers` must include Host. Of them, Host, Content-Type and every
    x-acs-* header are signed; any other header (User-Agent, Accept,
    Authorization, ...) is left out of the signature.
    """
    return _canonical(
        method,
        urlsplit(url),
        _signed_headers(headers),
        payload_sha256(body),
    )


def _canonical(
    method: str, parts: SplitResult, signed: list[tuple[str, str]], body_sha256: str
) -> str:
    header_block = "".join([f"{name}:{value}\n" for name, value in signed])
    return "\n".join(
        [
            method.upper(),
            _canonical_uri(parts.path),
            _canonical_query(parts.query),
            header_block,
            _signed_header_names(signed),
            body_sha256,
        ]
    )


def string_to_sign(canonical: str) -> str:
    """Build the string that is HMAC'd with the AccessKey secret."""
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{_ALGORITHM}\n{digest}"


def _host_from_url(url: str | SplitResult) -> str:
    parts = urlsplit(url) if isinstance(url, str) else url
    return _host(parts.scheme, parts.netloc)


@functools.lru_cache(maxsize=64)
def _host(scheme: str, netloc: str) -> str:
    # A client calls one endpoint: its Host is worked out once, not per request
    # (SplitResult's hostname and port parse the netloc again each time).
    parts = SplitResult(scheme, netloc, "", "", "")
    host = parts.hostname
    if not host:
        raise ValueError("url has no host; pass a Host header or an absolute URL")
    if ":" in host:
        # urlsplit strips IPv6 brackets, but the Host header needs them back.
        host = f"[{host}]"
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(scheme.lower()):
        host = f"{host}:{port}"
    return host


def _format_date(now: datetime.datetime | float | None) -> str:
    if now is None:
        # The clock, without building a datetime (a third of the cost).
        return time.strftime(_DATE_FORMAT, time.gmtime())
    if isinstance(now, (int, float)):
        # A Unix time: what the transport signs with (its clock, plus any skew offset).
        if not math.isfinite(now):
            raise ValueError("now must be a finite Unix time")
        return time.strftime(_DATE_FORMAT, time.gmtime(now))
    if now.tzinfo is None or now.utcoffset() is None:
        # A naive value would be read as local time and produce a date the
        # gateway rejects as skewed, which is hard to debug; make it explicit.
        raise ValueError("now must be timezone-aware")
    return now.astimezone(datetime.timezone.utc).strftime(_DATE_FORMAT)


def _check_header_value(name: str, value: str) -> None:
    # Messages name the argument only: the value may be a secret.
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string")
    if any(ch in value for ch in "\r\n\0"):
        # These values end up in header lines; a line break would let them
        # inject extra headers.
        raise ValueError(f"{name} must not contain CR, LF or NUL characters")


def _mask_key_id(key_id: str) -> str:
    # Short keys are masked completely, since 4 visible characters of a
    # very short key would reveal most of it.
    return key_id[:4] + "****" if len(key_id) > 8 else "****"


class Acs3HmacSha256Signer:
    """Signs requests with an Alibaba Cloud AccessKey (ACS3-HMAC-SHA256)."""

    def __init__(
        self,
        *,
        access_key_id: str,
        access_key_secret: str,
        security_token: str | None = None,
    ) -> None:
        _check_header_value("access_key_id", access_key_id)
        _check_header_value("access_key_secret", access_key_secret)
        if any(ch in access_key_id for ch in ", "):
            # The key id is written into the Authorization header, where a
            # comma or space would change how the server splits it.
            raise ValueError("access_key_id must not contain commas or spaces")
        if security_token is not None:
            _check_header_value("security_token", security_token)
        self._access_key_id = access_key_id
        self._access_key_secret = access_key_secret
        self._security_token = security_token

    def __repr__(self) -> str:
        fields = [
            f"access_key_id={_mask_key_id(self._access_key_id)!r}",
            "access_key_secret=***",
        ]
        if self._security_token is not None:
            fields.append("security_token=***")
        return f"{type(self).__name__}({', '.join(fields)})"

    def sign(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | Readable,
        *,
        now: datetime.datetime | float | None = None,
        nonce: str | None = None,
    ) -> dict[str, str]:
        """Return the headers to add to the request.

        These are x-acs-date, x-acs-signature-nonce, x-acs-content-sha256,
        x-acs-security-token (if a token is configured) and Authorization.

        `headers` are the request's own headers (x-acs-action, x-acs-version,
        Content-Type, ...); Host is taken from the URL unless given. If
        `headers` already hold x-acs-date or x-acs-signature-nonce, those
        values win over `now` / `nonce` (this is how the vendor example is
        reproduced) and are returned under the caller's spelling of the
        name, so updating a plain dict with the result cannot duplicate them.
        `now` is an aware datetime or a Unix time (default: the clock).
        """
        spelling = {name.strip().lower(): name for name in headers}
        to_sign = _normalised_headers(headers)
        # A stale Authorization from a retried request is simply replaced.
        to_sign.pop("authorization", None)
        parts = urlsplit(url)
        if "host" not in to_sign:
            to_sign["host"] = _host_from_url(parts)

        added: dict[str, str] = {}

        def add(name: str, value: str) -> None:
            to_sign[name] = value
            added[spelling.get(name, name)] = value

        add(_DATE_HEADER, to_sign.get(_DATE_HEADER) or _format_date(now))

        given_nonce = to_sign.get(_NONCE_HEADER) or nonce
        if given_nonce is not None:
            _check_header_value("nonce", given_nonce)
        # 16 random bytes, as the 32 hex digits in the vendor's examples.
        add(_NONCE_HEADER, given_nonce or secrets.token_hex(16))

        # Always the body's hash, a streamed one's too: the vendor's signature page
        # (V3) defines x-acs-content-sha256 as the hex SHA-256 of the body, and
        # documents no unsigned-payload marker for these APIs (OSS's is its own).
        content_sha256 = payload_sha256(body)
        self._check_no_conflict(
            to_sign, _CONTENT_SHA256_HEADER, content_sha256, "body's sha256"
        )
        add(_CONTENT_SHA256_HEADER, content_sha256)

        if self._security_token is not None:
            self._check_no_conflict(
                to_sign, _TOKEN_HEADER, self._security_token, "security_token"
            )
            add(_TOKEN_HEADER, self._security_token)

        # The headers and the body's hash are worked out once, for the canonical
        # request and for SignedHeaders alike.
        # to_sign is normalised already (its names lower-case and unique).
        signed = sorted(
            [
                (name, value.strip())
                for name, value in to_sign.items()
                # _is_signed, inline: this runs for every header of every request.
                if name in ("host", "content-type") or name.startswith(_SIGNED_PREFIX)
            ]
        )
        canonical = _canonical(method, parts, signed, content_sha256)
        signature = hmac.new(
            self._access_key_secret.encode("utf-8"),
            string_to_sign(canonical).encode("utf-8"),
            hashlib.sha256,
        ).hexdigest()
        signed_headers = _signed_header_names(signed)
        added[spelling.get("authorization", "Authorization")] = (
            f"{_ALGORITHM} Credential={self._access_key_id},"
            f"SignedHeaders={signed_headers},Signature={signature}"
        )
        return added

    @staticmethod
    def _check_no_conflict(
        to_sign: Mapping[str, str], name: str, value: str, what: str
    ) -> None:
        existing = to_sign.get(name)
        if existing is not None and existing != value:
            # The request would carry two different values and the gateway
            # would check only one of them; fail loudly instead. The message
            # names the header only, since the value may be a token.
            raise ValueError(f"{name} header conflicts with the {what}")
