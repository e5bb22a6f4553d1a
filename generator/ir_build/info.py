"""`info` -> what the package is called and which version pip installs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .context import Context
from .extensions import ext

# PEP 440, the public version scheme (canonical forms and the usual spellings).
_PEP440 = re.compile(
    r"^([1-9][0-9]*!)?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*"
    r"((a|b|rc)(0|[1-9][0-9]*))?(\.post(0|[1-9][0-9]*))?(\.dev(0|[1-9][0-9]*))?$"
)
# An API version that is a date, as RPC APIs carry it: 2020-11-09.
_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
# PEP 508's project name: ASCII letters and digits, with `.`, `_` or `-` inside.
_PROJECT_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")


def distribution(ctx: Context, info: Mapping[str, Any], default: str) -> str:
    """`x-sdkgen-distribution`, else `default`: the name pip installs, which the user
    agent and pyproject.toml carry. Anything that is not a PEP 508 name is refused."""
    name = ext(info, "distribution")
    if name is None:
        return default
    if not (isinstance(name, str) and _PROJECT_NAME.fullmatch(name)):
        raise ctx.error(
            ("info", "x-sdkgen-distribution"),
            f"{name!r} is not a project name (PEP 508: ASCII letters, digits and . _ - "
            "inside, like tts-vendor-api)",
        )
    return name


def package_version(ctx: Context, info: Mapping[str, Any]) -> str:
    """`x-sdkgen-package-version`, else `info.version`; a date becomes `2020.11.9`.

    Anything that is not a PEP 440 version is refused here: the wheel would not install.
    """
    explicit = ext(info, "package-version")
    where: tuple[Any, ...] = (
        ("info", "x-sdkgen-package-version")
        if explicit is not None
        else ("info", "version")
    )
    text = str(explicit if explicit is not None else info.get("version", "0"))
    date = _DATE.match(text)
    if explicit is None and date:
        text = ".".join(str(int(part)) for part in date.groups())
    if not _PEP440.match(text):
        raise ctx.error(
            where,
            f"{text!r} is not a package version (PEP 440, like 1.2.0); "
            "set info.x-sdkgen-package-version",
        )
    return text
