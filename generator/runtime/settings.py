"""Client settings: credentials and parameters from arguments or the environment, endpoints."""

from __future__ import annotations

import os
from collections.abc import Sequence


def env(name: str) -> str | None:
    """An environment variable, with empty counting as unset."""
    return os.environ.get(name) or None


def require(name: str, value: str | None, hint: str) -> str:
    """`value`, or a ValueError saying how to provide it."""
    if not value:
        raise ValueError(f"{name} is required: {hint}")
    return value


def base_url(
    template: str,
    regions: Sequence[str],
    default_region: str,
    region: str | None,
    base_url: str | None,
) -> str:
    """The endpoint: `base_url` when given, else the vendor's URL for `region`."""
    if base_url is not None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(
                f"base_url must start with http:// or https://, not {base_url!r}"
            )
        return base_url
    if "{region}" not in template:
        if region is not None:
            raise ValueError(
                f"this API has no regions; pass base_url= instead of region={region!r}"
            )
        return template
    chosen = region or default_region
    if regions and chosen not in regions:
        raise ValueError(
            f"unknown region {chosen!r}; known regions: {', '.join(regions)} "
            "(pass base_url= for any other endpoint)"
        )
    return template.replace("{region}", chosen)
