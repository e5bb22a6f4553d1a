"""Paths -> operations: bodies, responses, parameters and callbacks of each method."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from .. import naming
from ..ir import ClientParameter, Field, Location, Model, Operation, Parameter
from . import wire
from .context import Context, clean
from .extensions import ext
from .paging import paging
from .rpc import Rpc, rpc_operation
from .schemas import Models, annotation, constraint_notes, rename_refs

_HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# A header value is printable ASCII: anything else (CR/LF, Chinese text) cannot be sent
# as is, and would otherwise fail inside httpx, or worse, split the header.
HEADER_TEXT = "^[ -~]*$"


def iter_operations(
    document: Mapping[str, Any],
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document.get("paths", {}).items():
        for method in _HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


@dataclass(frozen=True)
class Read:
    """An operation as first read: its models are known by name, not yet built."""

    path: str
    method: str
    spec: Mapping[str, Any]
    where: tuple[Any, ...]
    body: str | None
    response: str | None
    example: Mapping[str, Any] | None
    callbacks: tuple[tuple[str, str, str], ...]  # (callback name, model, summary)
    # Models its parameters refer to (JSON inside a query string, say): sent, so strict.
    parameter_models: frozenset[str] = frozenset()


def json_schema(
    ctx: Context, node: Any, where: tuple[Any, ...], what: str
) -> tuple[Any, Any, tuple[Any, ...]]:
    """The application/json media object of a request body or response, and where it is."""
    node, where = ctx.deref(node, where)
    media = (node or {}).get("content", {}).get("application/json")
    if media is None or "schema" not in media:
        raise ctx.error(where, f"{what} needs an application/json schema")
    return media, media["schema"], where + ("content", "application/json", "schema")


def read_operation(
    ctx: Context, models: Models, path: str, method: str, op: Mapping[str, Any]
) -> Read:
    where: tuple[Any, ...] = ("paths", path, method)
    op_id = op.get("operationId")
    if not op_id:
        raise ctx.error(where, "every operation needs an operationId")
    body = example = None
    if "requestBody" in op:
        media, schema, swhere = json_schema(
            ctx, op["requestBody"], where + ("requestBody",), "a request body"
        )
        body = models.named(schema, op_id + "Request", swhere)
        example = media.get("example")
    success = success_response(ctx, op, where)
    response = (
        models.named(success[0], op_id + "Response", success[1]) if success else None
    )
    callbacks = []
    for name, callback in op.get("callbacks", {}).items():
        for expression, item in callback.items():
            for cb_method in (m for m in _HTTP_METHODS if m in item):
                cwhere = where + (
                    "callbacks",
                    name,
                    expression,
                    cb_method,
                    "requestBody",
                )
                _, schema, swhere = json_schema(
                    ctx, item[cb_method].get("requestBody"), cwhere, "a callback"
                )
                model = models.named(
                    schema, naming.pascal_case(name) + "Callback", swhere
                )
                callbacks.append(
                    (name, model, clean(item[cb_method].get("summary", "")))
                )
    parameter_models = frozenset(
        name
        for i, param in enumerate(op.get("parameters", ()))
        for name in models.referenced(
            ctx.deref(param, where + ("parameters", i))[0].get("schema", {})
        )
    )
    return Read(
        path,
        method,
        op,
        where,
        body,
        response,
        example,
        tuple(callbacks),
        parameter_models,
    )


def operation(
    ctx: Context,
    read: Read,
    built: Mapping[str, Model],
    client_params: dict[str, ClientParameter],
    models: Models,
    submits: frozenset[str],
    rpc: Rpc | None = None,
) -> Operation:
    body = built[read.body] if read.body else None
    # Required arguments first, each group in the spec's order.
    body_fields = (
        tuple(sorted(body.fields, key=lambda f: not f.required)) if body else ()
    )
    op_id = read.spec["operationId"]
    method_name = naming.method_name(op_id)
    parameters = read_parameters(
        ctx,
        read.spec,
        read.where,
        client_params,
        {f.name for f in body_fields},
        models,
    )
    parameters_model = build_parameters_model(
        naming.class_name(op_id + "Parameters"), method_name, parameters
    )
    if parameters_model and parameters_model.name in built:
        raise ctx.error(
            read.where,
            f"{parameters_model.name}, the model of its arguments, is also a schema name",
        )
    idempotent = ext(read.spec, "idempotent")
    if idempotent is None:
        # A submit creates a billable job: sending it twice may create two, whatever the
        # method says.
        idempotent = read.method.upper() in _IDEMPOTENT and op_id not in submits
    elif not isinstance(idempotent, bool):
        raise ctx.error(read.where + ("x-sdkgen-idempotent",), "expected true or false")
    built_op = Operation(
        operation_id=op_id,
        method_name=method_name,
        http_method=read.method.upper(),
        path=read.path,
        summary=clean(read.spec.get("summary", "")),
        description=clean(read.spec.get("description", "")),
        parameters=parameters,
        body=body,
        body_fields=body_fields,
        response=built[read.response] if read.response else None,
        parameters_model=parameters_model,
        idempotent=idempotent,
        example=_example(ctx, read, body, parameters),
    )
    if rpc is not None:
        built_op = rpc_operation(ctx, rpc, built_op, read.where)
    spec = ext(read.spec, "paging")
    if spec is None:
        return built_op
    where = read.where + ("x-sdkgen-paging",)
    return replace(built_op, paging=paging(ctx, built_op, spec, where, built))


def _example(
    ctx: Context, read: Read, body: Model | None, parameters: tuple[Parameter, ...]
) -> dict[str, Any] | None:
    """A call's example arguments, by argument name: the request body's example, and the
    `example` of each parameter that has one (RPC APIs carry everything in parameters)."""
    example: dict[str, Any] = {}
    if body is not None and isinstance(read.example, Mapping):
        by_wire = {f.wire_name: f.name for f in body.fields}
        example.update(
            (by_wire[key], value)
            for key, value in read.example.items()
            if key in by_wire
        )
    for i, raw in enumerate(read.spec.get("parameters", ())):
        spec, _ = ctx.deref(raw, read.where + ("parameters", i))
        if "example" in spec:
            param = next(p for p in parameters if p.wire_name == spec["name"])
            if not param.client_level:
                example[param.name] = spec["example"]
    return example or None


def build_parameters_model(
    name: str, method_name: str, parameters: tuple[Parameter, ...]
) -> Model | None:
    """A model of the method's own non-body arguments, so their constraints are checked
    before anything is sent. Keyed by argument name: wire names may repeat across places."""
    own = [p for p in parameters if not p.client_level]
    if not own:
        return None
    # No defaults: an argument the caller did not give is not sent, so the server applies
    # its own default (documented in the argument's notes instead).
    properties = {
        p.name: wire.wire_schema(
            {
                **{k: v for k, v in p.schema.items() if k != "default"},
                **({"description": p.description} if p.description else {}),
            },
            True,
            p.annotation,
        )
        for p in own
    }
    return Model(
        name=name,
        description=f"The arguments of `{method_name}` besides its body.",
        fields=tuple(
            Field(
                name=p.name,
                wire_name=p.name,
                annotation=p.annotation,
                required=p.required,
                description=p.description,
            )
            for p in own
        ),
        schema={
            "type": "object",
            "description": f"The arguments of `{method_name}` besides its body.",
            "properties": properties,
            "required": [p.name for p in own if p.required],
            "additionalProperties": False,
        },
        strict=True,
        role="parameters",
    )


def success_response(
    ctx: Context, op: Mapping[str, Any], where: tuple[Any, ...]
) -> tuple[Any, tuple[Any, ...]] | None:
    """The schema of the first 2xx response and where it is; None when it has no body."""
    for status, response in sorted(op.get("responses", {}).items()):
        if str(status).startswith("2"):
            rwhere = where + ("responses", status)
            node, _ = ctx.deref(response, rwhere)
            if not (node or {}).get("content"):
                return None
            _, schema, swhere = json_schema(
                ctx, response, rwhere, "the success response (or no content at all)"
            )
            return schema, swhere
    raise ctx.error(where + ("responses",), "no 2xx response")


def read_parameters(
    ctx: Context,
    op: Mapping[str, Any],
    where: tuple[Any, ...],
    client_params: dict[str, ClientParameter],
    taken: set[str],
    models: Models,
) -> tuple[Parameter, ...]:
    result = []
    raw = [
        ctx.deref(p, where + ("parameters", i))
        for i, p in enumerate(op.get("parameters", ()))
    ]
    method_names = naming.dedupe(
        (naming.argument_name(p["name"]) for p, _ in raw), taken=taken | {"self"}
    )
    for (param, pwhere), name in zip(raw, method_names, strict=True):
        location = param["in"]
        if location == "cookie":
            raise ctx.error(pwhere + ("in",), "cookie parameters are not supported")
        client = ext(param, "client-parameter")
        wire.check(ctx, param.get("schema"), pwhere + ("schema",))
        schema = rename_refs(param.get("schema", {}), models)
        if location == "header" and schema.get("type") == "string":
            schema.setdefault("pattern", HEADER_TEXT)
        if client is not None:
            name = naming.argument_name(param["name"])
            # A default, or the one value an enum allows (an API version), need not be
            # passed.
            enum = schema.get("enum")
            constant = isinstance(enum, list) and len(enum) == 1
            client_params.setdefault(
                name,
                ClientParameter(
                    name=name,
                    env=client.get("env"),
                    description=clean(param.get("description", "")),
                    annotation=annotation(schema),
                    schema=schema,
                    default=enum[0] if constant else schema.get("default"),
                    has_default=constant or "default" in schema,
                ),
            )
        result.append(
            Parameter(
                name=name,
                wire_name=param["name"],
                location=param_location(location),
                annotation=annotation(schema),
                required=bool(param.get("required", False)),
                description=clean(param.get("description", "")),
                notes=constraint_notes(schema),
                schema=schema,
                client_level=client is not None,
                env=client.get("env") if client else None,
            )
        )
    # Path arguments first so they can be positional, as a caller reads them in the URL.
    return tuple(sorted(result, key=lambda p: (p.location != "path", not p.required)))


def param_location(value: str) -> Location:
    if value == "path":
        return "path"
    if value == "query":
        return "query"
    return "header"


def build_client_model(params: list[ClientParameter]) -> Model | None:
    """A model of the client's own arguments (a project id, an API version), checked once
    when the client is created. Their defaults apply when neither argument nor
    environment gives a value."""
    if not params:
        return None
    description = "The arguments `Client` and `AsyncClient` take besides credentials."
    return Model(
        name=naming.CLIENT_PARAMETERS,
        description=description,
        fields=tuple(
            Field(
                name=p.name,
                wire_name=p.name,
                annotation=p.annotation,
                required=not p.has_default,
                description=p.description,
                default=p.default,
                has_default=p.has_default,
            )
            for p in params
        ),
        schema={
            "type": "object",
            "description": description,
            "properties": {
                p.name: {
                    **(p.schema or {}),
                    **({"default": p.default} if p.has_default else {}),
                    **({"description": p.description} if p.description else {}),
                }
                for p in params
            },
            "required": [p.name for p in params if not p.has_default],
            "additionalProperties": False,
        },
        strict=True,
        role="parameters",
    )
