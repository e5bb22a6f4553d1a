"""Huawei Cloud APIG AK/SK request signing ("SDK-HMAC-SHA256").

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
import time
from collections.abc import Iterable, Mapping
from typing import Protocol
from urllib.parse import SplitResult, quote, unquote, urlsplit

__all__ = [
    "Readable",
    "SdkHmacSha256Signer",
    "canonical_request",
    "payload_sha256",
    "string_to_sign",
]

_ALGORITHM = "SDK-HMAC-SHA256"
_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Sent by the caller instead of the body's hash, the gateway checks the signature
# without the body (Huawei's API signing guide, FAQ "Must the Request Body Be
# Signed?"): the canonical request then ends with this marker, as the header says.
_CONTENT_SHA256_HEADER = "x-sdk-content-sha256"
_UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"


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


# Text that quote(safe="") gives back unchanged (RFC 3986's unreserved characters), and
# a path made of such segments: checked in one match instead of being encoded.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")
_UNRESERVED_PATH = re.compile(r"[A-Za-z0-9_.~/-]*")


def _encode(text: str) -> str:
    # safe="" so "/" and "=" inside a segment or parameter get escaped; quote()
    # already leaves exactly the RFC 3986 unreserved set (incl. "~") alone.
    return text if _UNRESERVED.fullmatch(text) else quote(text, safe="")


def _canonical_uri(path: str) -> str:
    # Decode first so a caller who pre-encoded a segment ("a%20b") and one who
    # did not ("a b") produce the same canonical form instead of "%2520". The
    # whole path is decoded before it is split, as the vendor's signers do
    # (huaweicloudsdkcore, the APIG samples): an escaped "%2F" inside a segment
    # is signed as a separator, "a%2Fb" as "a/b".
    if _UNRESERVED_PATH.fullmatch(path):
        uri = path  # nothing to decode, and every segment encodes as itself
    else:
        uri = "/".join(_encode(segment) for segment in unquote(path).split("/"))
    if not uri.startswith("/"):
        uri = "/" + uri
    # The gateway's canonical form always carries a trailing slash, even for
    # paths that are sent without one.
    if not uri.endswith("/"):
        uri += "/"
    return uri


def _canonical_query(query: str) -> str:
    pairs: list[tuple[str, str]] = []
    for item in query.split("&"):
        if not item:
            continue
        key, _, value = item.partition("=")
        if "%" not in item:
            pairs.append((key, value))  # nothing to decode
            continue
        # unquote, not unquote_plus: RFC 3986 gives "+" no special meaning, so
        # a literal "+" is signed as "%2B" rather than silently becoming a space.
        pairs.append((unquote(key), unquote(value)))
    # Sorted decoded, by name then value, and encoded after, as the vendor's
    # signers do: the encoded order differs for some names ("z" < "é", but
    # "%C3%A9" < "z"). Decoding first also keeps the order independent of how
    # the caller happened to escape the URL.
    pairs.sort()
    return "&".join(f"{_encode(key)}={_encode(value)}" for key, value in pairs)


def _normalised_headers(headers: Mapping[str, str]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for name, value in headers.items():
        lower = name.strip().lower()
        if "_" in lower:
            # Left unsigned, as the vendor's SDK leaves it: proxies on the way
            # commonly drop such headers, and a signed header that never arrives
            # fails the check.
            continue
        if lower in seen:
            # Two spellings of one header would give the server and us
            # different ideas of its value; refuse rather than guess.
            raise ValueError(
                f"header {lower!r} given more than once (names are case-insensitive)"
            )
        seen[lower] = value.strip()
    return sorted(seen.items())


def _signed_header_names(normalised: list[tuple[str, str]]) -> str:
    return ";".join(name for name, _ in normalised)


def canonical_request(
    method: str, url: str, headers: Mapping[str, str], body: bytes | Readable
) -> str:
    """Build the canonical request text.

    `headers` must be exactly the headers to sign, Host included; one whose
    name holds "_" is left out, as the vendor's SDK leaves it out.
    """
    normalised = _normalised_headers(headers)
    return _canonical(method, urlsplit(url), normalised, _body_hash(normalised, body))


def _body_hash(normalised: Iterable[tuple[str, str]], body: bytes | Readable) -> str:
    """What the canonical request ends with: the body's hex SHA-256, or the unsigned
    payload marker when the request carries it (then the body is not read)."""
    for name, value in normalised:
        if name == _CONTENT_SHA256_HEADER and value == _UNSIGNED_PAYLOAD:
            return _UNSIGNED_PAYLOAD
    return payload_sha256(body)


def _canonical(
    method: str,
    parts: SplitResult,
    normalised: list[tuple[str, str]],
    body_sha256: str,
) -> str:
    header_block = "".join(f"{name}:{value}\n" for name, value in normalised)
    return "\n".join(
        [
            method.upper(),
            _canonical_uri(parts.path),
            _canonical_query(parts.query),
            header_block,
            _signed_header_names(normalised),
            body_sha256,
        ]
    )


def string_to_sign(canonical: str, sdk_date: str) -> str:
    """Build the string that is HMAC'd with the SK."""
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{_ALGORITHM}\n{sdk_date}\n{digest}"


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


def _format_sdk_date(now: datetime.datetime | float | None) -> str:
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


def _check_credential(name: str, value: str) -> None:
    # Messages name the argument only: the value may be a secret.
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string")
    if any(ch in value for ch in "\r\n\0"):
        # These values end up in header lines; a line break would let them
        # inject extra headers.
        raise ValueError(f"{name} must not contain CR, LF or NUL characters")


def _mask_ak(ak: str) -> str:
    # Short keys are masked completely, since 4 visible characters of a
    # very short key would reveal most of it.
    return ak[:4] + "****" if len(ak) > 8 else "****"


class SdkHmacSha256Signer:
    """Signs requests with Huawei Cloud AK/SK (SDK-HMAC-SHA256)."""

    def __init__(
        self,
        *,
        ak: str,
        sk: str,
        security_token: str | None = None,
        project_id: str | None = None,
    ) -> None:
        _check_credential("ak", ak)
        _check_credential("sk", sk)
        if security_token is not None:
            _check_credential("security_token", security_token)
        if project_id is not None:
            _check_credential("project_id", project_id)
        self._ak = ak
        self._sk = sk
        self._security_token = security_token
        self._project_id = project_id

    def __repr__(self) -> str:
        fields = [f"ak={_mask_ak(self._ak)!r}", "sk=***"]
        if self._security_token is not None:
            fields.append("security_token=***")
        if self._project_id is not None:
            fields.append(f"project_id={self._project_id!r}")
        return f"{type(self).__name__}({', '.join(fields)})"

    def sign(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | Readable,
        *,
        now: datetime.datetime | float | None = None,
    ) -> dict[str, str]:
        """Return the headers to add to the request.

        These are X-Sdk-Date, X-Project-Id (if set), X-Security-Token (if
        set) and Authorization.

        `headers` are the request's own headers that must be signed (e.g.
        Content-Type, X-App-UserId); Host is added from the URL if absent.
        If `headers` already contains X-Sdk-Date, that value is used instead
        of `now` (this is how the vendor example is reproduced).
        `now` is an aware datetime or a Unix time (default: the clock).
        `body` is the bytes sent, or a streamed body, hashed as it is read
        ahead; neither is read when `headers` hold `X-Sdk-Content-Sha256:
        UNSIGNED-PAYLOAD`, which the vendor documents for skipping the body.
        """
        to_sign = dict(_normalised_headers(headers))
        # Authorization carries the signature, so it cannot be part of it; a
        # stale one from a retried request is simply replaced.
        to_sign.pop("authorization", None)
        parts = urlsplit(url)
        if "host" not in to_sign:
            to_sign["host"] = _host_from_url(parts)

        sdk_date = to_sign.get("x-sdk-date")
        if sdk_date is None:
            sdk_date = _format_sdk_date(now)
            to_sign["x-sdk-date"] = sdk_date
        added = {"X-Sdk-Date": sdk_date}

        if self._project_id is not None:
            self._add_own_header(
                to_sign, "X-Project-Id", self._project_id, "project_id"
            )
            added["X-Project-Id"] = self._project_id
        if self._security_token is not None:
            self._add_own_header(
                to_sign, "X-Security-Token", self._security_token, "security_token"
            )
            added["X-Security-Token"] = self._security_token

        # Sorted once, for the canonical request and SignedHeaders alike (the names
        # are lower-case and unique already; the values added here are not stripped).
        normalised = sorted((name, value.strip()) for name, value in to_sign.items())
        # The body's hash by default, a streamed body's too: the unsigned marker
        # weakens the signature (the body could be swapped on the way), so it is
        # used only where the caller sends it.
        canonical = _canonical(method, parts, normalised, _body_hash(normalised, body))
        signature = hmac.new(
            self._sk.encode("utf-8"),
            string_to_sign(canonical, sdk_date).encode("utf-8"),
            hashlib.sha256,
        ).hexdigest()
        signed_headers = _signed_header_names(normalised)
        added["Authorization"] = (
            f"{_ALGORITHM} Access={self._ak}, SignedHeaders={signed_headers}, Signature={signature}"
        )
        return added

    @staticmethod
    def _add_own_header(
        to_sign: dict[str, str], name: str, value: str, argument: str
    ) -> None:
        existing = to_sign.get(name.lower())
        if existing is not None and existing != value:
            # The request would carry two different values and the gateway
            # would check only one of them; fail loudly instead.
            raise ValueError(f"{name} header conflicts with the configured {argument}")
        to_sign[name.lower()] = value
