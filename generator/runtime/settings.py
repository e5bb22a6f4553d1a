"""Client settings: credentials and parameters from arguments or the environment, endpoints."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def env(name: str) -> str | None:
    """An environment variable, with empty counting as unset."""
    return os.environ.get(name) or None


def require(name: str, value: T | None, hint: str) -> T:
    """`value`, or a ValueError saying how to provide it."""
    if value is None or value == "":
        raise ValueError(f"{name} is required: {hint}")
    return value


def base_url(
    template: str,
    variables: Sequence[tuple[str, str, str | None, str | None, Sequence[str]]],
    base_url: str | None,
) -> str:
    """The endpoint: `base_url` when given, else the server URL with each `{variable}`
    filled: (variable, argument, value, default, choices)."""
    if base_url is None and (not template or template.startswith("/")):
        # No server, or one relative to where the spec was published: only the caller
        # knows the host.
        named = f"only the relative URL {template!r}" if template else "no server"
        raise ValueError(
            f"base_url is required: the API's spec names {named} "
            "(pass base_url='https://...')"
        )
    if base_url is not None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(
                f"base_url must start with http:// or https://, not {base_url!r}"
            )
        return base_url
    url = template
    for variable, name, value, default, choices in variables:
        # An empty default (a region the spec leaves to the caller) is no default.
        chosen = value if value is not None else (default or None)
        if chosen is None:
            raise ValueError(f"{name} is required (or pass base_url=)")
        if choices and chosen not in choices:
            raise ValueError(
                f"unknown {name} {chosen!r}; known: {', '.join(choices)} "
                "(pass base_url= for any other endpoint)"
            )
        if not chosen or not set(chosen) <= _HOST_TEXT:
            # It becomes part of a host name: nothing may change the URL's shape.
            raise ValueError(f"{name} {chosen!r} is not a valid part of a host name")
        url = url.replace("{" + variable + "}", chosen)
    return url


_HOST_TEXT = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_"
)
