"""RPC-style APIs: every action is sent to one path with one method, named by a header or
a query parameter, beside the API's version.

OpenAPI cannot hold several operations on one path, so an RPC spec writes one pseudo-path
per action (`/SubmitAudioProduceJob`) and says once, in `x-sdkgen-rpc`, how actions really
travel. The pseudo-path's method still says what the action does (`get` for a read, `post`
for a submit, `delete`): retries follow it as they do for REST. Parameters travel where
their spec says (`in: query`, a JSON body, headers), as for any other API.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..ir import Location, Operation
from .context import Context
from .extensions import ext

_KEYS = frozenset(
    {
        "path",
        "method",
        "version",
        "action-header",
        "action-query",
        "version-header",
        "version-query",
    }
)
_WHERE = ("x-sdkgen-rpc",)


@dataclass(frozen=True)
class Rpc:
    path: str
    method: str
    version: str
    action: tuple[Location, str]
    version_in: tuple[Location, str]


def read_rpc(ctx: Context) -> Rpc | None:
    spec = ext(ctx.document, "rpc")
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise ctx.error(_WHERE, "expected a map")
    unknown = sorted(set(spec) - _KEYS)
    if unknown:
        raise ctx.error(_WHERE + (unknown[0],), f"unknown key; known: {sorted(_KEYS)}")
    path = str(spec.get("path", "/"))
    if not path.startswith("/") or "{" in path:
        raise ctx.error(_WHERE + ("path",), "expected a path without parameters")
    version = spec.get("version", ctx.document.get("info", {}).get("version"))
    if not isinstance(version, str) or not version:
        raise ctx.error(_WHERE + ("version",), "the API version is a non-empty string")
    return Rpc(
        path=path,
        method=str(spec.get("method", "POST")).upper(),
        version=version,
        action=_place(ctx, spec, "action"),
        version_in=_place(ctx, spec, "version"),
    )


def _place(ctx: Context, spec: dict[str, Any], what: str) -> tuple[Location, str]:
    header, query = spec.get(f"{what}-header"), spec.get(f"{what}-query")
    if (header is None) == (query is None):
        raise ctx.error(_WHERE, f"name exactly one of {what}-header or {what}-query")
    return ("header", str(header)) if header is not None else ("query", str(query))


def rpc_operation(
    ctx: Context, rpc: Rpc, op: Operation, where: tuple[Any, ...]
) -> Operation:
    """`op` as it is sent: to the RPC path, with its action and version fixed."""
    action = op.path.removeprefix("/")
    if not action or "/" in action or "{" in action:
        raise ctx.error(where[:2], "an RPC pseudo-path is / and the action's name")
    taken = {(p.location, p.wire_name.lower()) for p in op.parameters}
    constants = ((rpc.action[0], rpc.action[1], action),) + (
        (rpc.version_in[0], rpc.version_in[1], rpc.version),
    )
    for location, name, _ in constants:
        if (location, name.lower()) in taken:
            raise ctx.error(where, f"{name!r} is set by x-sdkgen-rpc, not a parameter")
    return replace(
        op,
        path=rpc.path,
        http_method=rpc.method,
        action=action,
        constants=op.constants + constants,
    )
