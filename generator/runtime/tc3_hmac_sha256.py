"""Tencent Cloud API 3.0 request signing ("TC3-HMAC-SHA256").

Standard library only, so generated SDKs can vendor this file without
pulling in extra dependencies.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import time
from collections.abc import Iterable, Mapping
from typing import Protocol
from urllib.parse import SplitResult, urlsplit

__all__ = [
    "Readable",
    "Tc3HmacSha256Signer",
    "canonical_request",
    "credential_scope",
    "derive_signing_key",
    "payload_sha256",
    "service_from_host",
    "string_to_sign",
    "utc_date",
]

_ALGORITHM = "TC3-HMAC-SHA256"
_TERMINATOR = "tc3_request"
_DEFAULT_PORTS = {"http": 80, "https": 443}


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


def canonical_request(
    method: str, url: str, headers: Mapping[str, str], body: bytes | Readable
) -> str:
    """Build the canonical request text.

    `headers` must be exactly the headers to sign, Host included. `body` is
    hashed as given: it must be the bytes that are sent.
    """
    return _canonical(
        method,
        urlsplit(url),
        sorted(_normalised_headers(headers).items()),
        payload_sha256(body),
    )


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
            parts.path or "/",
            # Signed exactly as sent: the gateway does not re-sort or re-encode.
            # The published rule fixes it to "" for POST (whose parameters
            # travel in the body), and so does the official SDK.
            "" if method.upper() == "POST" else parts.query,
            header_block,
            ";".join(name for name, _ in normalised),
            body_sha256,
        ]
    )


def utc_date(timestamp: int) -> str:
    """The UTC calendar date (YYYY-MM-DD) of a Unix timestamp."""
    # time.gmtime, not a datetime: the same date at a third of the cost.
    return time.strftime("%Y-%m-%d", time.gmtime(timestamp))


def credential_scope(date: str, service: str) -> str:
    """The `<date>/<service>/tc3_request` scope of the Credential."""
    return f"{date}/{service}/{_TERMINATOR}"


def string_to_sign(canonical: str, timestamp: int, service: str) -> str:
    """Build the string that is HMAC'd with the signing key."""
    return _string_to_sign(
        canonical, timestamp, credential_scope(utc_date(timestamp), service)
    )


def _string_to_sign(canonical: str, timestamp: int, scope: str) -> str:
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{_ALGORITHM}\n{timestamp}\n{scope}\n{digest}"


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def derive_signing_key(secret_key: str, date: str, service: str) -> bytes:
    """kSigning = HMAC(HMAC(HMAC("TC3" + SecretKey, date), service), "tc3_request")."""
    k_date = _hmac(("TC3" + secret_key).encode("utf-8"), date)
    k_service = _hmac(k_date, service)
    return _hmac(k_service, _TERMINATOR)


def service_from_host(host: str) -> str:
    """The service name from an endpoint host: its first DNS label.

    `mps.tencentcloudapi.com` and `mps.intl.tencentcloudapi.com` give `mps`.
    A host with no service label (an IP address, `localhost`) is refused.
    """
    name = host.strip().lower()
    if name.startswith("["):
        name = name[1:].partition("]")[0]
    elif name.count(":") == 1:
        name = name.partition(":")[0]
    try:
        ipaddress.ip_address(name)
    except ValueError:
        is_ip = False
    else:
        is_ip = True
    label = name.partition(".")[0]
    if is_ip or "." not in name or not label:
        raise ValueError(
            f"cannot derive the service name from host {host!r}; "
            "pass service= (e.g. service='mps') to the signer"
        )
    return label


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
        raise ValueError("url has no host; pass an absolute URL")
    if ":" in host:
        # urlsplit strips IPv6 brackets, but the Host header needs them back.
        host = f"[{host}]"
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(scheme.lower()):
        host = f"{host}:{port}"
    return host


def _timestamp(given: str | None, now: float | None) -> int:
    if given is not None:
        # Only the plain decimal form, so the value signed in the string to
        # sign is character for character the one sent.
        if not (given.isascii() and given.isdigit()) or given != str(int(given)):
            raise ValueError("X-TC-Timestamp header must be integer seconds")
        return int(given)
    return int(time.time() if now is None else now)


def _check_credential(name: str, value: str) -> None:
    # Messages name the argument only: the value may be a secret.
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string")
    if any(ch in value for ch in "\r\n\0"):
        # These values end up in header lines; a line break would let them
        # inject extra headers.
        raise ValueError(f"{name} must not contain CR, LF or NUL characters")


def _mask_id(secret_id: str) -> str:
    # Short ids are masked completely, since 4 visible characters of a very
    # short id would reveal most of it.
    return secret_id[:4] + "****" if len(secret_id) > 8 else "****"


class Tc3HmacSha256Signer:
    """Signs requests with a Tencent Cloud SecretId/SecretKey (TC3-HMAC-SHA256)."""

    def __init__(
        self,
        *,
        secret_id: str,
        secret_key: str,
        session_token: str | None = None,
        service: str | None = None,
    ) -> None:
        _check_credential("secret_id", secret_id)
        _check_credential("secret_key", secret_key)
        if session_token is not None:
            _check_credential("session_token", session_token)
        if service is not None:
            _check_credential("service", service)
            if "/" in service or service != service.strip():
                # It is a field of the "/"-separated credential scope.
                raise ValueError("service must not contain '/' or surrounding spaces")
        self._secret_id = secret_id
        self._secret_key = secret_key
        self._session_token = session_token
        self._service = service
        # The last (host, service) and (date, service, signing key): a client signs
        # for one host, and its key changes once a day, so each is worked out once.
        self._host_service: tuple[str, str] | None = None
        self._signing_key: tuple[str, str, bytes] | None = None

    def __repr__(self) -> str:
        fields = [f"secret_id={_mask_id(self._secret_id)!r}", "secret_key=***"]
        if self._session_token is not None:
            fields.append("session_token=***")
        if self._service is not None:
            fields.append(f"service={self._service!r}")
        return f"{type(self).__name__}({', '.join(fields)})"

    def sign(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | Readable,
        *,
        now: float | None = None,
    ) -> dict[str, str]:
        """Return the headers to add to the request.

        These are X-TC-Timestamp, X-TC-Token (if a session token is set) and
        Authorization.

        `headers` are the request's own headers; Content-Type must be among
        them. Content-Type and Host are signed, Host taken from the URL unless
        `headers` hold one. If `headers` already contain X-TC-Timestamp, that
        value is used instead of `now` (Unix seconds, default: the clock).
        `body` is the bytes sent, or a streamed body, hashed as it is read ahead.
        """
        given = _normalised_headers(headers)
        content_type = given.get("content-type")
        if content_type is None:
            raise ValueError("a Content-Type header is required: it is signed")
        parts = urlsplit(url)
        host = given.get("host") or _host_from_url(parts)
        service = self._service
        if service is None:
            known = self._host_service
            if known is not None and known[0] == host:
                service = known[1]
            else:
                service = service_from_host(host)
                self._host_service = (host, service)

        timestamp = _timestamp(given.get("x-tc-timestamp"), now)
        added = {"X-TC-Timestamp": str(timestamp)}
        if self._session_token is not None:
            existing = given.get("x-tc-token")
            if existing is not None and existing != self._session_token:
                # The request would carry two different tokens and the gateway
                # would check only one of them; fail loudly instead.
                raise ValueError(
                    "X-TC-Token header conflicts with the configured session_token"
                )
            added["X-TC-Token"] = self._session_token

        # What the official SDK signs (tencentcloud-sdk-python, sync and async
        # clients alike) and the vendor's worked example: the gateway checks
        # whichever list SignedHeaders names, as long as it holds these two.
        to_sign = {"content-type": content_type, "host": host}
        canonical = _canonical(
            method,
            parts,
            [("content-type", content_type), ("host", host.strip())],
            # Always the body's hash, a streamed one too. The official SDKs can send
            # `X-TC-Content-SHA256: UNSIGNED-PAYLOAD` instead (a client profile option),
            # but the vendor's signature page documents no such marker, nor does any
            # API page we generate from: the hash is what every API checks.
            payload_sha256(body),
        )
        date = utc_date(timestamp)
        scope = credential_scope(date, service)
        signature = hmac.new(
            self._key(date, service),
            _string_to_sign(canonical, timestamp, scope).encode("utf-8"),
            hashlib.sha256,
        ).hexdigest()
        added["Authorization"] = (
            f"{_ALGORITHM} Credential={self._secret_id}/{scope}, "
            f"SignedHeaders={';'.join(sorted(to_sign))}, Signature={signature}"
        )
        return added

    def _key(self, date: str, service: str) -> bytes:
        known = self._signing_key
        if known is not None and known[0] == date and known[1] == service:
            return known[2]
        key = derive_signing_key(self._secret_key, date, service)
        self._signing_key = (date, service, key)
        return key
