"""The one reader of the `x-sdkgen-*` extensions: which exist, and how to read one.

A name that is not listed here is a typo to report at its JSON pointer, not to ignore.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .context import Context

EXTENSIONS = frozenset(
    {
        "x-sdkgen-client-parameter",
        "x-sdkgen-credentials",
        "x-sdkgen-distribution",
        "x-sdkgen-errors",
        "x-sdkgen-flatten",
        "x-sdkgen-idempotent",
        "x-sdkgen-job",
        "x-sdkgen-max-bytes",
        "x-sdkgen-package-version",
        "x-sdkgen-paging",
        "x-sdkgen-rpc",
        "x-sdkgen-signer",
        "x-sdkgen-signer-client-parameters",
        "x-sdkgen-signer-options",
        "x-sdkgen-wire-shapes",
        "x-sdkgen-xml",
        "x-sdkgen-xsd",
    }
)


# The keys of `x-sdkgen-job`; any other is a typo, reported at its pointer.
JOB_KEYS = frozenset(
    {
        "failed",
        "failure-code",
        "failure-message",
        "job-id",
        "max-poll-interval",
        "not-found",
        "ok-codes",
        "poll-interval",
        "query",
        "query-parameter",
        "result",
        "running",
        "state",
        "submit",
        "succeeded",
    }
)


def ext(node: Mapping[str, Any], name: str, default: Any = None) -> Any:
    return node.get(f"x-sdkgen-{name}", default)


def check_extensions(ctx: Context, node: Any, where: tuple[Any, ...]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if (
                isinstance(key, str)
                and key.startswith("x-sdkgen-")
                and key not in EXTENSIONS
            ):
                known = ", ".join(sorted(EXTENSIONS))
                raise ctx.error(where + (key,), f"unknown extension; known: {known}")
            check_extensions(ctx, value, where + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            check_extensions(ctx, value, where + (index,))
