"""Client settings: credentials and parameters from arguments or the environment, endpoints."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

T = TypeVar("T")


def env(name: str) -> str | None:
    """An environment variable, with empty counting as unset."""
    return os.environ.get(name) or None


def require(name: str, value: T | None, hint: str) -> T:
    """`value`, or a ValueError saying how to provide it."""
    if value is None or value == "":
        raise ValueError(f"{name} is required: {hint}")
    return value


# A server variable: (its name in the URL, the client argument, default, choices, and
# whether the URL starts with it: then its value is a scheme and a host).
Variable = tuple[str, str, str | None, Sequence[str], bool]


def endpoint(
    servers: Mapping[str, Sequence[Variable]],
    server: str | None,
    values: Mapping[str, str | None],
    base_url: str | None,
) -> str:
    """The endpoint: `base_url` when given, else the chosen server's URL (the first one
    by default) with each `{variable}` filled from `values`, by argument."""
    if base_url is not None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(
                f"base_url must start with http:// or https://, not {base_url!r}"
            )
        return base_url
    if not servers:
        raise ValueError(
            "base_url is required: the spec names no server (pass base_url='https://…')"
        )
    if server is None:
        server = next(iter(servers))
    elif server not in servers:
        raise ValueError(
            f"unknown server {server!r}; known: {', '.join(servers)} "
            "(pass base_url= for any other endpoint)"
        )
    url = server
    for variable, name, default, choices, origin in servers[server]:
        value = values.get(name)
        # An empty default (a region the spec leaves to the caller) is no default.
        chosen = value if value is not None else (default or None)
        if chosen is None:
            raise ValueError(f"{name} is required (or pass base_url=)")
        if choices and chosen not in choices:
            raise ValueError(
                f"unknown {name} {chosen!r}; known: {', '.join(choices)} "
                "(pass base_url= for any other endpoint)"
            )
        if origin:
            chosen = _origin(name, chosen)
        elif not chosen or not set(chosen) <= _HOST_TEXT:
            # It becomes part of a host name: nothing may change the URL's shape.
            raise ValueError(f"{name} {chosen!r} is not a valid part of a host name")
        url = url.replace("{" + variable + "}", chosen)
    if not url.startswith(("http://", "https://")):
        # A relative server (a Swagger 2.0 spec without `host`): the host is the caller's.
        raise ValueError(
            f"base_url is required: the server {server!r} names no host "
            "(pass base_url='https://…')"
        )
    return url


def resolve(endpoint: str, url: str) -> str:
    """`url` (a spec's relative `tokenUrl`) resolved against the client's endpoint, as
    RFC 3986 says: `/oauth/token` on its host, `token` under its path."""
    return urljoin(endpoint.rstrip("/") + "/", url)


def _origin(name: str, value: str) -> str:
    """A variable the URL starts with: `https://host[:port]`, nothing else (no path,
    query, user or fragment that would change what the rest of the URL means)."""
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or not set(parts.hostname) <= _HOST_TEXT
        or (port is not None and not 0 < port < 65536)
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
        or value != value.strip()
    ):
        raise ValueError(
            f"{name} {value!r} is not an endpoint: expected https://host (or with :port)"
        )
    return value.rstrip("/")


_HOST_TEXT = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_"
)
