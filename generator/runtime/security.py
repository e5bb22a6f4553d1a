"""Security as OpenAPI declares it: API keys in a header, a query or a cookie, HTTP basic
and bearer, OAuth2 client credentials, and which of them each operation needs.

Every scheme here is an `Auth` (request.py): it adds headers to a request. A key in the
query adds a query parameter instead (`query`). `Security` holds the schemes a client was
given and picks, per operation, the requirement the spec names for it.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import threading
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, urlencode

import httpx

from .errors import APIConnectionError, APITimeoutError, AuthenticationError
from .request import Auth, Stream

if TYPE_CHECKING:
    import asyncio

_SECRETS: set[str] = set()
"""Secrets that may travel in a URL (query keys): masked in what httpx logs."""
_MASKED = "***"


class _MaskSecrets(logging.Filter):
    """httpx logs every request's URL at INFO: a key sent in the query is masked there."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _SECRETS:
            message = record.getMessage()
            masked = message
            for secret in _SECRETS:
                masked = masked.replace(secret, _MASKED)
                masked = masked.replace(quote(secret, safe=""), _MASKED)
            if masked != message:
                record.msg, record.args = masked, ()
        return True


_FILTER = _MaskSecrets()


def _printable(what: str, value: str) -> str:
    if not value:
        raise ValueError(f"{what} must not be empty")
    if not (value.isascii() and value.isprintable()):
        raise ValueError(f"{what} must be printable ASCII")
    return value


class ApiKey:
    """An API key in a query parameter or a cookie (one in a header is a `TokenAuth`)."""

    def __init__(
        self, *, name: str, location: Literal["query", "cookie"], key: str
    ) -> None:
        self._name = name
        self._location = location
        self._key = _printable("the key", key)
        if location == "cookie" and any(c in key for c in ';," \\'):
            # RFC 6265 cookie-octets: anything else would end or split the cookie.
            raise ValueError('the key cannot be sent in a cookie (; , " \\ or space)')
        if location == "query":
            _SECRETS.add(key)
            logging.getLogger("httpx").addFilter(_FILTER)

    def sign(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | Stream,
        *,
        now: float | None = None,
    ) -> dict[str, str]:
        if self._location == "cookie":
            return {"Cookie": f"{self._name}={self._key}"}
        return {}

    def query(self) -> dict[str, str]:
        return {self._name: self._key} if self._location == "query" else {}

    def __repr__(self) -> str:
        return f"ApiKey(name={self._name!r}, location={self._location!r}, key=***)"


class HttpBasic:
    """`Authorization: Basic base64(username:password)` (RFC 7617, UTF-8)."""

    def __init__(self, *, username: str, password: str) -> None:
        if ":" in username:
            raise ValueError("username must not contain ':' (RFC 7617)")
        for what, value in (("username", username), ("password", password)):
            if not value.isprintable():
                raise ValueError(f"{what} must be printable")
        pair = f"{username}:{password}".encode()
        self._value = "Basic " + base64.b64encode(pair).decode("ascii")

    def sign(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | Stream,
        *,
        now: float | None = None,
    ) -> dict[str, str]:
        return {"Authorization": self._value}

    def __repr__(self) -> str:
        return "HttpBasic(username=***, password=***)"


# Whatever httpx (a transport, an event hook) raises: none reaches a caller unwrapped.
_HTTPX_ERRORS = (
    httpx.HTTPError,
    httpx.InvalidURL,
    httpx.CookieConflict,
    httpx.StreamError,
)

_TOKEN_ANSWER_LIMIT = 65_536
"""The most of a token endpoint's answer that is read (and kept in an error)."""


class OAuth2ClientCredentials:
    """OAuth2's client credentials grant (RFC 6749 section 4.4): a token from `token_url`,
    asked for with the client's id and secret in HTTP basic (section 2.3.1, which every
    server must accept), kept until shortly before it expires and sent as a bearer token.
    A 401 drops it, and the call is sent once more with a new one.

    Sync and async clients share nothing: each has its own lock, so one token request is
    made at a time and the others wait for its token."""

    # A token is renewed when less than this is left of it (or half its life, if shorter).
    MARGIN = 60.0

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        scopes: Sequence[str] = (),
    ) -> None:
        if not token_url.startswith(("https://", "http://")):
            raise ValueError(f"token_url must be an http(s) URL, not {token_url!r}")
        self._token_url = token_url
        pair = f"{quote(_printable('client_id', client_id), safe='')}:" + quote(
            _printable("client_secret", client_secret), safe=""
        )
        self._basic = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        self._form = {"grant_type": "client_credentials"}
        if scopes:
            self._form["scope"] = " ".join(scopes)
        self._token: str | None = None
        self._renew_at = math.inf
        self._lock = threading.Lock()
        self._async_lock: asyncio.Lock | None = None

    def __repr__(self) -> str:
        return f"OAuth2ClientCredentials(token_url={self._token_url!r}, client_id=***)"

    def sign(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | Stream,
        *,
        now: float | None = None,
    ) -> dict[str, str]:
        if self._token is None:
            # The transport fetches one before signing; a caller of sign() alone did not.
            raise RuntimeError("no OAuth2 token yet: fetch() or afetch() first")
        return {"Authorization": "Bearer " + self._token}

    def _fresh(self) -> bool:
        return self._token is not None and time.monotonic() < self._renew_at

    def expire(self, sent: str | None) -> None:
        """Forget the token the server refused (`sent`: the Authorization it carried),
        unless another call has already replaced it."""
        with self._lock:
            if self._token is not None and sent == "Bearer " + self._token:
                self._token = None

    def _request(
        self, client: httpx.Client | httpx.AsyncClient, deadline: float
    ) -> httpx.Request:
        left = deadline - time.monotonic()
        if left <= 0:
            raise APITimeoutError(f"POST {self._token_url}: the deadline passed")
        return client.build_request(
            "POST",
            self._token_url,
            content=urlencode(self._form).encode("ascii"),
            headers={
                "Authorization": self._basic,
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            timeout=left if left != math.inf else httpx.USE_CLIENT_DEFAULT,
        )

    def _keep(self, response: httpx.Response, body: bytes, started: float) -> None:
        """Read the token answer (RFC 6749 sections 5.1 and 5.2)."""
        try:
            document: Any = json.loads(body)
        except ValueError:
            document = None
        if not isinstance(document, dict):
            document = {}
        token = document.get("access_token")
        request_id = response.headers.get("x-request-id")
        if response.status_code != 200 or not isinstance(token, str) or not token:
            code = document.get("error")
            described = document.get("error_description")
            raise AuthenticationError(
                status_code=response.status_code,
                code=code if isinstance(code, str) else None,
                message=(
                    f"the OAuth2 token endpoint {self._token_url} refused the client "
                    f"credentials: {described if isinstance(described, str) else code}"
                    if response.status_code != 200
                    else f"the OAuth2 token endpoint {self._token_url} sent no access_token"
                ),
                request_id=request_id,
                body=body,
            )
        lifetime = document.get("expires_in")
        if isinstance(lifetime, str) and lifetime.isdigit():
            lifetime = int(lifetime)
        if isinstance(lifetime, int | float) and not isinstance(lifetime, bool):
            margin = min(self.MARGIN, lifetime / 2)
            self._renew_at = started + lifetime - margin
        else:
            self._renew_at = math.inf  # until a 401 says otherwise
        self._token = _printable("the access token", token)

    def _failed(self, error: Exception) -> APIConnectionError:
        # Not chained: the httpx error holds the token request, the secret in it.
        kind = (
            APITimeoutError
            if isinstance(error, httpx.TimeoutException)
            else APIConnectionError
        )
        return kind(
            f"POST {self._token_url}: {type(error).__name__}: the OAuth2 token could not be fetched"
        )

    def fetch(self, client: httpx.Client, deadline: float = math.inf) -> None:
        """A token, unless the one kept is still fresh."""
        if self._fresh():
            return
        with self._lock:
            if self._fresh():
                return
            started = time.monotonic()
            body = bytearray()
            try:
                response = client.send(
                    self._request(client, deadline), stream=True, follow_redirects=False
                )
                try:
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > _TOKEN_ANSWER_LIMIT:
                            break  # a token answer is small: the rest is not read
                finally:
                    response.close()
            except _HTTPX_ERRORS as error:
                raise self._failed(error) from None
            self._keep(response, bytes(body[:_TOKEN_ANSWER_LIMIT]), started)

    async def afetch(
        self, client: httpx.AsyncClient, deadline: float = math.inf
    ) -> None:
        if self._fresh():
            return
        if self._async_lock is None:
            # Imported here: a sync client needs none of asyncio (import time).
            import asyncio

            self._async_lock = asyncio.Lock()
        async with self._async_lock:
            if self._fresh():
                return
            started = time.monotonic()
            body = bytearray()
            try:
                response = await client.send(
                    self._request(client, deadline), stream=True, follow_redirects=False
                )
                try:
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > _TOKEN_ANSWER_LIMIT:
                            break  # a token answer is small: the rest is not read
                finally:
                    await response.aclose()
            except _HTTPX_ERRORS as error:
                raise self._failed(error) from None
            self._keep(response, bytes(body[:_TOKEN_ANSWER_LIMIT]), started)


class Requirement:
    """All the schemes of one security requirement, sent together (none: no credentials)."""

    def __init__(self, schemes: Sequence[Auth]) -> None:
        self.schemes = tuple(schemes)

    def sign(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | Stream,
        *,
        now: float,
    ) -> dict[str, str]:
        added: dict[str, str] = {}
        for scheme in self.schemes:
            for name, value in scheme.sign(method, url, headers, body, now=now).items():
                if name.lower() == "cookie" and name in added:
                    added[name] += "; " + value  # several keys in cookies
                else:
                    added[name] = value
        return added

    def query(self) -> dict[str, str]:
        added: dict[str, str] = {}
        for scheme in self.schemes:
            if isinstance(scheme, ApiKey):
                added.update(scheme.query())
        return added

    @property
    def tokens(self) -> tuple[OAuth2ClientCredentials, ...]:
        return tuple(s for s in self.schemes if isinstance(s, OAuth2ClientCredentials))

    def __repr__(self) -> str:
        return f"Requirement({list(self.schemes)!r})"


class Security:
    """The schemes a client was given (`None`: not given), and per operation the
    requirements the spec lets it meet, any one of them (OpenAPI's `security`: a list of
    alternatives, each a set of schemes; an empty one means none is needed)."""

    def __init__(
        self,
        schemes: Mapping[str, Auth | None],
        default: Sequence[Sequence[str]],
        operations: Mapping[str, Sequence[Sequence[str]]],
        *,
        preferred: Sequence[str] = (),
        hints: Mapping[str, str] | None = None,
    ) -> None:
        self._schemes = dict(schemes)
        self._default = tuple(tuple(r) for r in default)
        self._operations = {
            k: tuple(tuple(r) for r in v) for k, v in operations.items()
        }
        # Schemes given as arguments: they win over those read from the environment.
        self._preferred = tuple(preferred)
        self._picked: dict[str, Requirement] = {}
        # How to give each scheme's credentials (`pass api_key=`), for the refusal.
        self._hints = dict(hints or {})

    def requirements(self, operation: str) -> tuple[tuple[str, ...], ...]:
        return self._operations.get(operation, self._default)

    def pick(self, operation: str) -> Requirement:
        """What `operation` sends; a ValueError, before anything is sent, when the client
        was given the credentials of none of its requirements."""
        picked = self._picked.get(operation)
        if picked is not None:
            return picked
        alternatives = self.requirements(operation)
        met = [r for r in alternatives if all(self._schemes.get(k) for k in r)]
        if not alternatives:
            picked = Requirement(())
        elif not met:
            missing = dict.fromkeys(
                k for r in alternatives for k in r if not self._schemes.get(k)
            )
            hints = "; or ".join(self._hints.get(k, k) for k in missing)
            raise ValueError(
                f"{operation} needs credentials this client was not given: {hints}"
            )
        else:
            # Arguments win over the environment; then the operation's order decides.
            # Anonymous (an empty requirement) only when nothing else is met.
            best = min(
                met,
                key=lambda r: (
                    not r,
                    not all(k in self._preferred for k in r),
                    alternatives.index(r),
                ),
            )
            picked = Requirement(
                [s for k in best if (s := self._schemes[k]) is not None]
            )
        self._picked[operation] = picked
        return picked

    def __repr__(self) -> str:
        given = {k: v for k, v in self._schemes.items() if v is not None}
        return f"Security({given!r})"
