"""A validated OpenAPI document -> the IR.

The one place that reads `x-sdkgen-*` extensions and the one caller of `naming`. Every
problem is reported as a `SpecError` naming the JSON pointer of the offending node.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from . import naming
from .errors import SpecError, pointer, pointer_parts
from .ir import (
    Api,
    AuthScheme,
    Callback,
    ClientParameter,
    Credential,
    ErrorShape,
    Field,
    FieldPath,
    JobLifecycle,
    Location,
    Model,
    Operation,
    Parameter,
    Server,
    Signer,
)

# Signers available in generator/runtime/: scheme name -> (module, class).
SIGNERS: Mapping[str, tuple[str, str]] = {
    "sdk-hmac-sha256": ("sdk_hmac_sha256", "SdkHmacSha256Signer"),
}

# Every x-sdkgen-* extension this builder reads; any other is a typo to report, not ignore.
EXTENSIONS = frozenset(
    {
        "x-sdkgen-client-parameter",
        "x-sdkgen-credentials",
        "x-sdkgen-distribution",
        "x-sdkgen-errors",
        "x-sdkgen-job",
        "x-sdkgen-signer",
        "x-sdkgen-signer-client-parameters",
    }
)

_HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_COMPONENT_SCHEMA = "#/components/schemas/"


class _Context:
    """The document being read and how to name its places in errors."""

    def __init__(self, document: Mapping[str, Any], file: str) -> None:
        self.document = document
        self.file = file

    def error(self, where: tuple[Any, ...], message: str) -> SpecError:
        return SpecError(self.file, pointer(*where), message)

    def deref(self, node: Any, where: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...]]:
        """Follow `$ref`s (already proven to resolve) to the node and its location."""
        while isinstance(node, dict) and "$ref" in node:
            parts = pointer_parts(node["$ref"][1:])
            target: Any = self.document
            for part in parts:
                target = target[part]
            node, where = target, parts
        return node, where


class _Models:
    """Collects every model, hoisting inline objects, and rewrites refs to class names."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.by_component: dict[str, str] = {}
        self.schemas: dict[str, dict[str, Any]] = {}
        self.where: dict[str, tuple[Any, ...]] = {}
        self.refs: dict[str, set[str]] = {}

    def component(self, key: str) -> str:
        if key not in self.by_component:
            where = ("components", "schemas", key)
            schema = self.ctx.document["components"]["schemas"][key]
            self.by_component[key] = self._add(naming.class_name(key), schema, where)
        return self.by_component[key]

    def named(self, schema: Any, name: str, where: tuple[Any, ...]) -> str:
        """The model for a body/response schema: a component's, or a new one for an inline object."""
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        if isinstance(ref, str) and ref.startswith(_COMPONENT_SCHEMA):
            return self.component(ref.removeprefix(_COMPONENT_SCHEMA))
        return self._add(naming.class_name(name), schema, where)

    def _add(self, name: str, schema: Any, where: tuple[Any, ...]) -> str:
        if not _is_object(schema):
            raise self.ctx.error(
                where, "a model must be an object schema with properties"
            )
        if name in self.schemas:
            if self.where[name] == where:
                return name
            raise self.ctx.error(
                where,
                f"model name {name!r} is already used by {pointer(*self.where[name])}",
            )
        self.schemas[name] = {}  # reserve the name before recursing (self-references)
        self.where[name] = where
        self.refs[name] = set()
        self.schemas[name] = self._rewrite(schema, where, name)
        return name

    def _rewrite(self, node: Any, where: tuple[Any, ...], owner: str) -> Any:
        if isinstance(node, list):
            return [self._rewrite(v, where + (i,), owner) for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            if not ref.startswith(_COMPONENT_SCHEMA):
                raise self.ctx.error(
                    where + ("$ref",), "schemas may only refer to components/schemas"
                )
            target = self.component(ref.removeprefix(_COMPONENT_SCHEMA))
            self.refs[owner].add(target)
            return {"$ref": _COMPONENT_SCHEMA + target}
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key.startswith("x-") or key in ("example", "examples", "$comment"):
                continue
            if key == "properties" and isinstance(value, dict):
                out[key] = {
                    prop: self._property(sub, where + (key, prop), owner, prop)
                    for prop, sub in value.items()
                }
            elif key in ("items", "additionalProperties") and _is_object(value):
                suffix = "Item" if key == "items" else "Value"
                target = self._add(owner + suffix, value, where + (key,))
                self.refs[owner].add(target)
                out[key] = {"$ref": _COMPONENT_SCHEMA + target}
            else:
                out[key] = self._rewrite(value, where + (key,), owner)
        return out

    def _property(
        self, schema: Any, where: tuple[Any, ...], owner: str, prop: str
    ) -> Any:
        if _is_object(schema) and "$ref" not in schema:
            target = self._add(owner + naming.pascal_case(prop), schema, where)
            self.refs[owner].add(target)
            hoisted: dict[str, Any] = {"$ref": _COMPONENT_SCHEMA + target}
            if "description" in schema:
                hoisted["description"] = schema["description"]
            return hoisted
        return self._rewrite(schema, where, owner)

    def reachable(self, roots: set[str]) -> set[str]:
        seen: set[str] = set()
        stack = list(roots)
        while stack:
            name = stack.pop()
            if name not in seen:
                seen.add(name)
                stack.extend(self.refs[name])
        return seen


def _is_object(schema: Any) -> bool:
    """An inline object with properties: becomes a model of its own."""
    return isinstance(schema, dict) and "$ref" not in schema and "properties" in schema


def annotation(schema: Mapping[str, Any]) -> str:
    """The Python type of a (rewritten) schema, as datamodel-code-generator spells it."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return ref.removeprefix(_COMPONENT_SCHEMA)
    types = schema.get("type")
    nullable = isinstance(types, list) and "null" in types
    if isinstance(types, list):
        rest = [t for t in types if t != "null"]
        types = rest[0] if len(rest) == 1 else None
    if "enum" in schema:
        values = [v for v in schema["enum"] if v is not None]
        # json.dumps spells strings as black would (double quotes), numbers as Python does.
        text = "Literal[" + ", ".join(json.dumps(v) for v in values) + "]"
    elif types in _SCALARS:
        text = _SCALARS[str(types)]
    elif types == "array":
        items = schema.get("items")
        text = f"list[{annotation(items)}]" if isinstance(items, dict) else "list[Any]"
    elif types == "object":
        extra = schema.get("additionalProperties")
        text = (
            f"dict[str, {annotation(extra)}]"
            if isinstance(extra, dict)
            else "dict[str, Any]"
        )
    else:
        text = "Any"
    return f"{text} | None" if nullable and text != "Any" else text


def _fields(
    ctx: _Context,
    name: str,
    schema: Mapping[str, Any],
    where: tuple[Any, ...],
    descriptions: Mapping[str, str],
) -> tuple[Field, ...]:
    required = set(schema.get("required", ()))
    fields = []
    seen: dict[str, str] = {}
    for wire, prop in schema.get("properties", {}).items():
        python = naming.field_name(wire)
        if python in seen:
            raise ctx.error(
                where + ("properties", wire),
                f"properties {seen[python]!r} and {wire!r} of {name} both map to {python!r}",
            )
        seen[python] = wire
        fields.append(
            Field(
                name=python,
                wire_name=wire,
                annotation=annotation(prop),
                required=wire in required,
                # A reference without its own description borrows its model's.
                description=_clean(
                    prop.get("description")
                    or descriptions.get(
                        str(prop.get("$ref", "")).removeprefix(_COMPONENT_SCHEMA), ""
                    )
                ),
                default=prop.get("default"),
                has_default="default" in prop,
                notes=_notes(prop),
            )
        )
    return tuple(fields)


def _notes(schema: Mapping[str, Any]) -> str:
    notes = []
    if "enum" in schema:
        notes.append("One of " + ", ".join(str(v) for v in schema["enum"]) + ".")
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        notes.append(f"{low} to {high}.")
    elif low is not None:
        notes.append(f"At least {low}.")
    elif high is not None:
        notes.append(f"At most {high}.")
    short, long = schema.get("minLength"), schema.get("maxLength")
    if long is not None:
        notes.append(f"{short or 0} to {long} characters.")
    elif short:
        notes.append(f"At least {short} character{'s' if short > 1 else ''}.")
    if "default" in schema:
        default = schema["default"]
        shown = str(default).lower() if isinstance(default, bool) else default
        notes.append(f"Server default: {shown}.")
    return " ".join(notes)


def _clean(text: Any) -> str:
    return str(text).strip()


def _ext(node: Mapping[str, Any], name: str, default: Any = None) -> Any:
    return node.get(f"x-sdkgen-{name}", default)


def _operations(
    document: Mapping[str, Any],
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document.get("paths", {}).items():
        for method in _HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


@dataclass(frozen=True)
class _Read:
    """An operation as first read: its models are known by name, not yet built."""

    path: str
    method: str
    spec: Mapping[str, Any]
    where: tuple[Any, ...]
    body: str | None
    response: str
    example: Mapping[str, Any] | None
    callbacks: tuple[tuple[str, str, str], ...]  # (callback name, model, summary)


def _json_schema(
    ctx: _Context, node: Any, where: tuple[Any, ...], what: str
) -> tuple[Any, Any, tuple[Any, ...]]:
    """The application/json media object of a request body or response, and where it is."""
    node, where = ctx.deref(node, where)
    media = (node or {}).get("content", {}).get("application/json")
    if media is None or "schema" not in media:
        raise ctx.error(where, f"{what} needs an application/json schema")
    return media, media["schema"], where + ("content", "application/json", "schema")


def _read_operation(
    ctx: _Context, models: _Models, path: str, method: str, op: Mapping[str, Any]
) -> _Read:
    where: tuple[Any, ...] = ("paths", path, method)
    op_id = op.get("operationId")
    if not op_id:
        raise ctx.error(where, "every operation needs an operationId")
    body = example = None
    if "requestBody" in op:
        media, schema, swhere = _json_schema(
            ctx, op["requestBody"], where + ("requestBody",), "a request body"
        )
        body = models.named(schema, op_id + "Request", swhere)
        example = media.get("example")
    schema, swhere = _success_response(ctx, op, where)
    response = models.named(schema, op_id + "Response", swhere)
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
                _, schema, swhere = _json_schema(
                    ctx, item[cb_method].get("requestBody"), cwhere, "a callback"
                )
                model = models.named(
                    schema, naming.pascal_case(name) + "Callback", swhere
                )
                callbacks.append(
                    (name, model, _clean(item[cb_method].get("summary", "")))
                )
    return _Read(path, method, op, where, body, response, example, tuple(callbacks))


def _build_models(
    ctx: _Context, models: _Models, reads: list[_Read]
) -> dict[str, Model]:
    for name in sorted(ctx.document.get("components", {}).get("schemas", {})):
        models.component(name)
    # Strictness is a property of how a model is used, known only once all are collected.
    in_requests = models.reachable({r.body for r in reads if r.body})
    in_responses = models.reachable(
        {r.response for r in reads}
        | {model for r in reads for _, model, _ in r.callbacks}
    )
    descriptions = {
        n: _clean(s.get("description", "")) for n, s in models.schemas.items()
    }
    built = {}
    for name, schema in sorted(models.schemas.items()):
        strict = name in in_requests and name not in in_responses
        built[name] = Model(
            name=name,
            description=descriptions[name],
            fields=_fields(ctx, name, schema, models.where[name], descriptions),
            schema={**schema, "additionalProperties": not strict},
            strict=strict,
        )
    return built


def _operation(
    ctx: _Context,
    read: _Read,
    built: Mapping[str, Model],
    client_params: dict[str, ClientParameter],
    renamed: Mapping[str, str],
) -> Operation:
    body = built[read.body] if read.body else None
    # Required arguments first, each group in the spec's order.
    body_fields = (
        tuple(sorted(body.fields, key=lambda f: not f.required)) if body else ()
    )
    op_id = read.spec["operationId"]
    method_name = naming.method_name(op_id)
    parameters = _parameters(
        ctx,
        read.spec,
        read.where,
        client_params,
        {f.name for f in body_fields},
        renamed,
    )
    parameters_model = _parameters_model(
        naming.class_name(op_id + "Parameters"), method_name, parameters
    )
    if parameters_model and parameters_model.name in built:
        raise ctx.error(
            read.where,
            f"{parameters_model.name}, the model of its arguments, is also a schema name",
        )
    return Operation(
        operation_id=op_id,
        method_name=method_name,
        http_method=read.method.upper(),
        path=read.path,
        summary=_clean(read.spec.get("summary", "")),
        description=_clean(read.spec.get("description", "")),
        parameters=parameters,
        body=body,
        body_fields=body_fields,
        response=built[read.response],
        parameters_model=parameters_model,
        idempotent=read.method.upper() in _IDEMPOTENT,
        example=read.example,
    )


def _parameters_model(
    name: str, method_name: str, parameters: tuple[Parameter, ...]
) -> Model | None:
    """A model of the method's own non-body arguments, so their constraints are checked
    before anything is sent. Keyed by argument name: wire names may repeat across places."""
    own = [p for p in parameters if not p.client_level]
    if not own:
        return None
    properties = {
        p.name: {**p.schema, "description": p.description}
        if p.description
        else p.schema
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


def _rename_refs(node: Any, renamed: Mapping[str, str]) -> Any:
    """`node` with references to component schemas naming their models instead."""
    if isinstance(node, list):
        return [_rename_refs(v, renamed) for v in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_COMPONENT_SCHEMA):
        return {
            "$ref": _COMPONENT_SCHEMA + renamed[ref.removeprefix(_COMPONENT_SCHEMA)]
        }
    return {
        k: _rename_refs(v, renamed) for k, v in node.items() if not k.startswith("x-")
    }


def build(
    document: Mapping[str, Any],
    api_key: str,
    spec_path: str,
    sha256: str,
    source: str | None = None,
) -> Api:
    """The IR of one API. `spec_path` names the spec in generated headers (the same on every
    machine); `source` names the file that was read, in errors (default: `spec_path`)."""
    ctx = _Context(document, source or spec_path)
    _check_extensions(ctx, document, ())
    models = _Models(ctx)
    reads = [
        _read_operation(ctx, models, path, method, op)
        for path, method, op in _operations(document)
    ]
    built = _build_models(ctx, models, reads)
    client_params: dict[str, ClientParameter] = {}
    operations = tuple(
        _operation(ctx, read, built, client_params, models.by_component)
        for read in reads
    )
    if len({o.method_name for o in operations}) != len(operations):
        raise ctx.error(("paths",), "two operationIds map to the same method name")
    callbacks = [cb for read in reads for cb in read.callbacks]
    info = document.get("info", {})
    return Api(
        key=api_key,
        spec_path=spec_path,
        spec_sha256=sha256,
        package=naming.package_name(api_key),
        distribution=_ext(info, "distribution", naming.distribution_name(api_key)),
        title=_clean(info.get("title", api_key)),
        summary=_clean(info.get("summary", "")),
        description=_clean(info.get("description", "")),
        version=str(info.get("version", "0")),
        server=_server(ctx),
        client_parameters=tuple(client_params.values()),
        auth=_auth(ctx, set(client_params)),
        errors=_errors(ctx),
        operations=operations,
        models=tuple(
            sorted(
                [
                    *built.values(),
                    *(o.parameters_model for o in operations if o.parameters_model),
                ],
                key=lambda m: m.name,
            )
        ),
        lifecycle=_lifecycle(ctx, operations, built),
        callbacks=tuple(
            Callback(
                function_name=(
                    "parse_callback"
                    if len(callbacks) == 1
                    else f"parse_{naming.snake_case(name)}_callback"
                ),
                model=built[model],
                description=summary,
            )
            for name, model, summary in callbacks
        ),
    )


def _check_extensions(ctx: _Context, node: Any, where: tuple[Any, ...]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if (
                isinstance(key, str)
                and key.startswith("x-sdkgen-")
                and key not in EXTENSIONS
            ):
                known = ", ".join(sorted(EXTENSIONS))
                raise ctx.error(where + (key,), f"unknown extension; known: {known}")
            _check_extensions(ctx, value, where + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_extensions(ctx, value, where + (index,))


def _success_response(
    ctx: _Context, op: Mapping[str, Any], where: tuple[Any, ...]
) -> tuple[Any, tuple[Any, ...]]:
    """The schema of the first 2xx response, and where it is."""
    for status, response in sorted(op.get("responses", {}).items()):
        if str(status).startswith("2"):
            _, schema, swhere = _json_schema(
                ctx, response, where + ("responses", status), "the success response"
            )
            return schema, swhere
    raise ctx.error(where + ("responses",), "no 2xx response")


def _parameters(
    ctx: _Context,
    op: Mapping[str, Any],
    where: tuple[Any, ...],
    client_params: dict[str, ClientParameter],
    taken: set[str],
    renamed: Mapping[str, str],
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
        client = _ext(param, "client-parameter")
        schema = _rename_refs(param.get("schema", {}), renamed)
        if client is not None:
            name = naming.argument_name(param["name"])
            client_params.setdefault(
                name,
                ClientParameter(
                    name=name,
                    env=client.get("env"),
                    description=_clean(param.get("description", "")),
                ),
            )
        result.append(
            Parameter(
                name=name,
                wire_name=param["name"],
                location=_location(location),
                annotation=annotation(schema),
                required=bool(param.get("required", False)),
                description=_clean(param.get("description", "")),
                schema=schema,
                client_level=client is not None,
                env=client.get("env") if client else None,
            )
        )
    # Path arguments first so they can be positional, as a caller reads them in the URL.
    return tuple(sorted(result, key=lambda p: (p.location != "path", not p.required)))


def _location(value: str) -> Location:
    if value == "path":
        return "path"
    if value == "query":
        return "query"
    return "header"


def _server(ctx: _Context) -> Server:
    servers = ctx.document.get("servers") or []
    if not servers:
        raise ctx.error(("servers",), "a server URL is needed")
    server = servers[0]
    region = server.get("variables", {}).get("region")
    others = set(server.get("variables", {})) - {"region"}
    if others:
        raise ctx.error(
            ("servers", 0, "variables"),
            f"only a 'region' variable is supported, not {sorted(others)}",
        )
    return Server(
        url=server["url"],
        region_default=str(region["default"]) if region else "",
        regions=tuple(region.get("enum", ())) if region else (),
    )


def _auth(ctx: _Context, client_params: set[str]) -> tuple[AuthScheme, ...]:
    schemes = ctx.document.get("components", {}).get("securitySchemes", {})
    order = [
        key for requirement in ctx.document.get("security", []) for key in requirement
    ]
    if not order:
        raise ctx.error(("security",), "at least one security requirement is needed")
    result = []
    seen: set[str] = set(client_params)
    for key in order:
        where = ("components", "securitySchemes", key)
        scheme = schemes.get(key)
        if scheme is None:
            raise ctx.error(("security",), f"unknown security scheme {key!r}")
        creds = []
        for cname, spec in (_ext(scheme, "credentials") or {}).items():
            if not cname.isidentifier() or cname in seen:
                raise ctx.error(
                    where + ("x-sdkgen-credentials", cname),
                    "credential names must be unique identifiers",
                )
            seen.add(cname)
            creds.append(
                Credential(
                    name=cname,
                    env=spec.get("env"),
                    secret=bool(spec.get("secret", False)),
                    optional=bool(spec.get("optional", False)),
                    description=_clean(spec.get("description", "")),
                )
            )
        if not creds:
            raise ctx.error(
                where,
                "x-sdkgen-credentials names the client arguments this scheme takes",
            )
        signer_name = _ext(scheme, "signer")
        signer = None
        header = None
        if signer_name is not None:
            if signer_name not in SIGNERS:
                raise ctx.error(
                    where + ("x-sdkgen-signer",),
                    f"unknown signer {signer_name!r}; known: {sorted(SIGNERS)}",
                )
            extra = tuple(_ext(scheme, "signer-client-parameters", ()))
            for p in extra:
                if p not in client_params:
                    raise ctx.error(
                        where + ("x-sdkgen-signer-client-parameters",),
                        f"{p!r} is not a client parameter",
                    )
            module, cls = SIGNERS[signer_name]
            signer = Signer(
                scheme=signer_name,
                module=module,
                class_name=cls,
                client_parameters=extra,
            )
        elif (
            scheme.get("type") == "apiKey"
            and scheme.get("in") == "header"
            and len(creds) == 1
        ):
            header = scheme["name"]
        else:
            raise ctx.error(
                where,
                "expected x-sdkgen-signer, or an apiKey header with one credential",
            )
        result.append(
            AuthScheme(
                key=key,
                description=_clean(scheme.get("description", "")),
                credentials=tuple(creds),
                header=header,
                signer=signer,
            )
        )
    return tuple(result)


def _errors(ctx: _Context) -> ErrorShape:
    spec = _ext(ctx.document, "errors")
    if not isinstance(spec, dict) or "code" not in spec or "message" not in spec:
        raise ctx.error(
            ("x-sdkgen-errors",),
            "needs JSON pointers 'code' and 'message' into error bodies",
        )
    return ErrorShape(
        code=spec["code"],
        message=spec["message"],
        request_id=spec.get("request-id"),
        request_id_header=spec.get("request-id-header"),
    )


def _response_field(
    ctx: _Context,
    op: Operation,
    ptr: Any,
    where: tuple[Any, ...],
    models: Mapping[str, Model],
) -> FieldPath:
    """The field a JSON pointer names in `op`'s response, through nested models."""
    if not isinstance(ptr, str) or not ptr.startswith("/") or ptr == "/":
        raise ctx.error(
            where, "expected a JSON pointer into the response, like /job_id"
        )
    model: Model | None = op.response
    fields: list[Field] = []
    for wire in pointer_parts(ptr):
        if model is None:
            raise ctx.error(where, f"{fields[-1].wire_name!r} is not an object")
        field = next((f for f in model.fields if f.wire_name == wire), None)
        if field is None:
            raise ctx.error(where, f"{model.name} has no field {wire!r}")
        fields.append(field)
        ref = model.schema.get("properties", {}).get(wire, {}).get("$ref", "")
        model = models.get(ref.removeprefix(_COMPONENT_SCHEMA)) if ref else None
    return FieldPath(tuple(fields))


def _lifecycle(
    ctx: _Context, ops: tuple[Operation, ...], models: Mapping[str, Model]
) -> JobLifecycle | None:
    spec = _ext(ctx.document, "job")
    if spec is None:
        return None
    where: tuple[Any, ...] = ("x-sdkgen-job",)
    by_id = {o.operation_id: o for o in ops}
    for key in ("submit", "query"):
        if spec.get(key) not in by_id:
            raise ctx.error(where + (key,), f"no operation {spec.get(key)!r}")
    submit, query = by_id[spec["submit"]], by_id[spec["query"]]
    param = next(
        (
            p
            for p in query.method_parameters
            if p.wire_name == spec.get("query-parameter")
        ),
        None,
    )
    if param is None:
        raise ctx.error(
            where + ("query-parameter",),
            f"{query.operation_id} has no parameter {spec.get('query-parameter')!r}",
        )
    state = _response_field(ctx, query, spec.get("state"), where + ("state",), models)
    states = {
        key: tuple(str(s) for s in spec.get(key, ()))
        for key in ("running", "succeeded", "failed")
    }
    if not states["succeeded"] or not states["failed"]:
        raise ctx.error(where, "'succeeded' and 'failed' states are needed")

    def optional(key: str) -> FieldPath | None:
        return (
            _response_field(ctx, query, spec[key], where + (key,), models)
            if key in spec
            else None
        )

    return JobLifecycle(
        submit=submit,
        query=query,
        job_id_field=_response_field(
            ctx, submit, spec.get("job-id"), where + ("job-id",), models
        ),
        query_parameter=param,
        state_field=state,
        running=states["running"],
        succeeded=states["succeeded"],
        failed=states["failed"],
        failure_code_field=optional("failure-code"),
        failure_message_field=optional("failure-message"),
        result_field=optional("result"),
        poll_interval=float(spec.get("poll-interval", 3)),
        max_poll_interval=float(spec.get("max-poll-interval", 30)),
    )
