"""RPC-style APIs: every action is sent to one path with one method, named by a header or
a query parameter, beside the API's version.

OpenAPI cannot hold several operations on one path, so an RPC spec writes one pseudo-path
per action (`/SubmitAudioProduceJob`) and says once, in `x-sdkgen-rpc`, how actions really
travel. The pseudo-path's method still says what the action does (`get` for a read, `post`
for a submit, `delete`): retries follow it as they do for REST. Parameters travel where
their spec says (`in: query`, a JSON body, headers), as for any other API.

`envelope: /Response` names the object every answer is wrapped in (Tencent Cloud API 3.0):
methods return the model inside it, as the vendors' own SDKs do. Error pointers
(`x-sdkgen-errors`) still read the whole body; the lifecycle's and paging's pointers start
inside the envelope (`job-id: /TaskId`), at what the methods return.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..errors import pointer_parts
from ..ir import Field, FieldPath, Location, Model, Operation
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
        "envelope",
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
    # The JSON pointer of the object every answer is wrapped in, split into its names.
    envelope: tuple[str, ...] = ()


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
    envelope = spec.get("envelope")
    if envelope is not None and (
        not isinstance(envelope, str) or not envelope.startswith("/") or envelope == "/"
    ):
        raise ctx.error(
            _WHERE + ("envelope",),
            "expected a JSON pointer to an object, like /Response",
        )
    return Rpc(
        path=path,
        method=str(spec.get("method", "POST")).upper(),
        version=version,
        action=_place(ctx, spec, "action"),
        version_in=_place(ctx, spec, "version"),
        envelope=tuple(pointer_parts(envelope)) if envelope else (),
    )


def _place(ctx: Context, spec: dict[str, Any], what: str) -> tuple[Location, str]:
    header, query = spec.get(f"{what}-header"), spec.get(f"{what}-query")
    if (header is None) == (query is None):
        raise ctx.error(_WHERE, f"name exactly one of {what}-header or {what}-query")
    return ("header", str(header)) if header is not None else ("query", str(query))


def rpc_operation(
    ctx: Context,
    rpc: Rpc,
    op: Operation,
    where: tuple[Any, ...],
    models: Mapping[str, Model],
) -> Operation:
    """`op` as it is sent: to the RPC path, with its action and version fixed, and
    returning what its answers' envelope holds."""
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
    op = replace(
        op,
        path=rpc.path,
        http_method=rpc.method,
        action=action,
        constants=op.constants + constants,
    )
    if not rpc.envelope or op.response is None:
        return op
    inner, path = _unwrap(ctx, rpc.envelope, op.response, where, models)
    return replace(op, response=inner, envelope_model=op.response, envelope=path)


def _unwrap(
    ctx: Context,
    names: tuple[str, ...],
    outer: Model,
    where: tuple[Any, ...],
    models: Mapping[str, Model],
) -> tuple[Model, FieldPath]:
    """The model the envelope holds in `outer`, and the way to it. Each step is an
    object field; an answer without it reads as an empty model (received models are
    tolerant), except on the way to a submit's job id, which stays required."""
    model, fields = outer, list[Field]()
    for name in names:
        field = next((f for f in model.fields if f.wire_name == name), None)
        inner = models.get(field.annotation) if field is not None else None
        if field is None or inner is None:
            raise ctx.error(
                where + ("responses",),
                f"{model.name} has no object field {name!r}, the envelope "
                "x-sdkgen-rpc names",
            )
        fields.append(field)
        model = inner
    return model, FieldPath(tuple(fields))
