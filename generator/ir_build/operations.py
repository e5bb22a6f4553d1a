"""Paths -> operations: bodies, responses, parameters and callbacks of each method."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from .. import naming
from ..errors import Unsupported, pointer, warn
from ..ir import (
    ClientParameter,
    Field,
    FileArgument,
    Location,
    Model,
    Operation,
    Parameter,
)
from ..normalise.repairs import STYLES
from ..python_types import JSON, annotation
from . import wire
from .context import Context, clean
from .extensions import ext
from .paging import paging
from .rpc import Rpc, rpc_operation
from .schemas import ROOT, Models, check_enums, constraint_notes, rename_refs
from .xsd import XmlRoot, model_name, xml_root

_HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# A header value is printable ASCII: anything else (CR/LF, Chinese text) cannot be sent
# as is, and would otherwise fail inside httpx, or worse, split the header.
HEADER_TEXT = "^[ -~]*$"
# A header's name is a token (RFC 9110, 5.1): httpx could not send any other.
# (`\Z`, not `$`: `$` also matches before a last line break.)
HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")


def iter_operations(
    document: Mapping[str, Any],
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document.get("paths", {}).items():
        for method in _HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


@dataclass(frozen=True)
class Named:
    """What an operation is called: its id (the operationId, or its method name when it
    has none) and its Python method name."""

    operation_id: str
    method_name: str


def operation_names(
    ctx: Context, operations: Sequence[tuple[str, str, Mapping[str, Any]]]
) -> dict[tuple[str, str], Named]:
    """Every operation's name, by (path, method), unique and independent of the order
    the document lists them in.

    An operationId gives the name (`CreateJob` -> `create_job`). An operation without one
    (or whose operationId meets another's once snake_cased) is named from its method and
    path (`get /v1/voices/{id}` -> `get_voice`); names that still meet are spelt from
    every word of the path (`get_v1_voices_by_id`), then numbered in path order.
    """
    explicit: dict[tuple[str, str], str] = {}
    ids: dict[tuple[str, str], str] = {}
    for path, method, op in operations:
        op_id = op.get("operationId")
        if isinstance(op_id, str) and op_id:
            ids[(path, method)] = op_id
            explicit[(path, method)] = naming.method_name(op_id)
    for key in sorted(_met(explicit)):
        warn(
            ctx.file,
            pointer("paths", *key, "operationId"),
            f"operationId {ids[key]!r} makes the method {explicit[key]!r}, as another "
            "operation's does: named from its method and path instead",
        )
        del explicit[key], ids[key]
    derived = {
        (path, method): naming.operation_name(method, path)
        for path, method, _ in operations
        if (path, method) not in explicit
    }
    for key in _met({**explicit, **derived}) & set(derived):
        derived[key] = naming.full_operation_name(key[1], key[0])
    clash = _met({**explicit, **derived}) & set(derived)
    taken = set(explicit.values()) | {n for k, n in derived.items() if k not in clash}
    for key in sorted(clash):
        base, n = derived[key], 2
        name = base
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        derived[key] = name
        taken.add(name)
    names = {**explicit, **derived}
    return {
        key: Named(operation_id=ids.get(key, names[key]), method_name=names[key])
        for key in ((path, method) for path, method, _ in operations)
    }


def _met(names: Mapping[tuple[str, str], str]) -> set[tuple[str, str]]:
    """The keys whose name another key has too."""
    seen: dict[str, int] = {}
    for name in names.values():
        seen[name] = seen.get(name, 0) + 1
    return {key for key, name in names.items() if seen[name] > 1}


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
    body_format: str = "json"
    name: Named = Named("", "")
    upload: RequestBody | None = None
    # What a success body is read as (`Operation.returns`).
    returns: str = "model"
    # Server-sent events beside the JSON model, and the model of their data, if any.
    streams_events: bool = False
    events: str | None = None
    # The request body's `required` (a whole body's argument may be left out without).
    body_required: bool = True
    # The method this one is an alternative body of (`body_alternatives`), if any.
    alternative_of: str = ""


_MEDIA = {"application/xml": "xml", "application/json": "json"}


_MULTIPART = "multipart/form-data"
_FORM = "application/x-www-form-urlencoded"


def _request_kind(media_type: str) -> str | None:
    """How a request body of `media_type` is sent: json, xml, multipart, form, binary
    (the bytes of a file), or None (a type the generator cannot send)."""
    essence = media_type.split(";", 1)[0].strip().lower()
    if essence == "application/xml":
        return "xml"
    if _is_json_media(essence):
        return "json"
    if essence == _MULTIPART:
        return "multipart"
    if essence == _FORM:
        return "form"
    if essence == "application/octet-stream" or essence.split("/", 1)[0] in (
        "audio",
        "video",
        "image",
    ):
        return "binary"
    return None


@dataclass(frozen=True)
class RequestBody:
    """A request body sent otherwise than as one JSON or XML document: its kind (as
    `Operation.upload`), the media types the caller chooses between, its file fields
    (wire name, a list of files, required, description, default content type) and, for
    a binary body, its media type."""

    kind: str | None
    media_types: tuple[str, ...]
    files: tuple[FileField, ...] = ()
    raw_media_type: str = ""
    required: bool = True


def _is_file(ctx: Context, schema: Any) -> bool:
    """A property that holds a file's bytes: `format: binary` (Swagger's `type: file`
    becomes one), or a `contentMediaType` other than JSON; nullable or not (`type:
    [string, null]`, or an `anyOf`/`oneOf` of a file and null, as FastAPI writes an
    optional upload)."""
    schema = _not_null(ctx, schema)
    if not isinstance(schema, Mapping) or schema.get("type") not in ("string", None):
        return False
    media = schema.get("contentMediaType")
    return schema.get("format") == "binary" or (
        isinstance(media, str) and not _is_json_media(media)
    )


def _not_null(ctx: Context, schema: Any) -> Any:
    """`schema` (dereferenced) without its `null`: the one other branch of an `anyOf`
    or `oneOf` with null, or its type without null (`[string, null]` is `string`)."""
    for _ in range(8):  # a reference to a nullable wrapper of a reference ...
        schema, _ = ctx.deref(schema, ())
        if not isinstance(schema, Mapping):
            return schema
        types = schema.get("type")
        if isinstance(types, list) and "null" in types:
            rest = [t for t in types if t != "null"]
            return {**schema, "type": rest[0] if len(rest) == 1 else rest}
        branches = schema.get("anyOf") or schema.get("oneOf")
        if not isinstance(branches, list) or "type" in schema:
            return schema
        others = [
            b
            for b in branches
            if not (isinstance(b, Mapping) and b.get("type") == "null")
        ]
        if len(others) != 1 or len(others) == len(branches):
            return schema
        schema = others[0]
    return schema


@dataclass(frozen=True)
class FileField:
    """A multipart property that holds a file, a list of files, or either (`many` and
    `single`: `anyOf: [binary, array of binary]`), and maybe something else too: the
    schema of the union's other branches (`rest`), sent as an ordinary field."""

    wire_name: str
    many: bool
    required: bool
    description: str
    content_type: str | None
    single: bool = False
    rest: Mapping[str, Any] | None = None


def _file_branches(
    ctx: Context, prop: Mapping[str, Any]
) -> tuple[Any, bool, bool, list[Any]] | None:
    """A property's file: (the file's schema, takes a list, takes one, the schemas of
    the other branches), or None where no branch is a file. A file alone, or a list of
    files, is its only branch; a union (`anyOf: [binary, <a reference>]`) has others."""
    many = prop.get("type") == "array"
    if _is_file(ctx, prop.get("items") if many else prop):
        return (prop.get("items") if many else prop), many, not many, []
    branches = prop.get("anyOf") or prop.get("oneOf")
    if not isinstance(branches, list) or "type" in prop:
        return None
    found: Any = None
    one = list_of = False
    rest: list[Any] = []
    for branch in branches:
        plain = _not_null(ctx, branch)
        if isinstance(plain, Mapping) and plain.get("type") == "null":
            continue
        if not isinstance(plain, Mapping):
            rest.append(branch)
        elif _is_file(ctx, plain):
            found, one = found or plain, True
        elif plain.get("type") == "array" and _is_file(ctx, plain.get("items")):
            found, list_of = found or plain.get("items"), True
        else:
            rest.append(branch)
    if found is None:
        return None
    return found, list_of, one, rest


def _file_fields(
    ctx: Context, schema: Mapping[str, Any], media: Mapping[str, Any]
) -> tuple[FileField, ...]:
    required = set(schema.get("required", ()))
    spelt_types = media.get("encoding")
    encoding: Mapping[str, Any] = (
        spelt_types if isinstance(spelt_types, Mapping) else {}
    )
    files = []
    for wire_name, prop in (schema.get("properties") or {}).items():
        described, _ = ctx.deref(prop, ())
        prop = _not_null(ctx, prop)
        if not isinstance(prop, Mapping) or not isinstance(described, Mapping):
            continue
        found = _file_branches(ctx, prop)
        if found is None:
            continue
        file, many, single, others = found
        # `encoding` may list several types (`image/png, image/jpeg`) or a wildcard:
        # only a single, whole one is a default worth sending.
        spelt = encoding.get(wire_name)
        content_type = spelt.get("contentType") if isinstance(spelt, Mapping) else None
        if content_type is None:
            # Else the file's own `contentMediaType` (`{type: string,
            # contentMediaType: audio/wav}`).
            own = _not_null(ctx, file)
            content_type = (
                own.get("contentMediaType") if isinstance(own, Mapping) else None
            )
        if not (
            isinstance(content_type, str)
            and "," not in content_type
            and "*" not in content_type
        ):
            content_type = None
        description = clean(
            described.get("description") or prop.get("description") or ""
        )
        rest: Mapping[str, Any] | None = None
        if others:
            # The other branches stay a field of the body's model, which checks them
            # and sends them as a text or JSON part; never required there, as a file
            # may be given instead.
            rest = others[0] if len(others) == 1 else {"anyOf": others}
            if description and "$ref" not in rest:
                rest = {**rest, "description": description}
        files.append(
            FileField(
                str(wire_name),
                many,
                wire_name in required,
                description,
                content_type,
                single and many,
                rest,
            )
        )
    return tuple(files)


def _files_in_json(
    ctx: Context, content: Mapping[str, Any], kinds: Mapping[str, str | None]
) -> bool:
    """Whether a JSON body lists the very schema of a multipart form beside it, files
    included (OpenAI's `/skills`): a JSON document cannot carry those files."""
    documents = [
        content[mt].get("schema")
        for mt, kind in kinds.items()
        if kind == "json" and isinstance(content[mt], Mapping)
    ]
    for mt, kind in kinds.items():
        media = content[mt]
        if kind != "multipart" or not isinstance(media, Mapping):
            continue
        if media.get("schema") not in documents:
            continue
        schema, _ = ctx.deref(media.get("schema", {}), ())
        if isinstance(schema, Mapping) and _file_fields(ctx, schema, media):
            return True
    return False


def request_body(
    ctx: Context, bodies: Bodies, node: Any, where: tuple[Any, ...], hint: str
) -> tuple[str, str | None, Any, RequestBody | None]:
    """A request body's format ("json" or "xml", as `body_schema`), model, example, and
    how it is sent when that is not one JSON or XML document. A body of several media
    types is sent as JSON (or XML) by default; multipart and form types whose schema is
    the same are the caller's other choices. Without JSON or XML (or with a JSON schema
    that lists files, which only its multipart form can carry): multipart, then form,
    then a binary type, whichever comes first."""
    node, where = ctx.deref(node, where)
    content = (node or {}).get("content", {})
    kinds = {str(mt): _request_kind(str(mt)) for mt in content}
    if _files_in_json(ctx, content, kinds):
        # JSON cannot carry the files its own schema lists (`format: binary`): the
        # multipart form of that schema is the body, as if JSON were not offered.
        kinds = {mt: kind for mt, kind in kinds.items() if kind not in ("json", "xml")}
    if any(kind in ("json", "xml") for kind in kinds.values()):
        body_format, media, schema, swhere = body_schema(
            ctx, node, where, "a request body"
        )
        default = next(
            mt
            for mt, kind in kinds.items()
            if kind == body_format and "schema" in content[mt]
        )
        others = tuple(
            mt
            for mt, kind in kinds.items()
            # An XML model has no form of its own in these: XML stays the only one.
            if kind in ("multipart", "form")
            and body_format == "json"
            and content[mt].get("schema") == schema
            and not _file_fields(ctx, ctx.deref(schema, swhere)[0], content[mt])
        )
        # A JSON body of any other schema (a union, a list, a map) is one `body`
        # argument: a root model checks it (`Operation.whole_body`).
        model = bodies.model(body_format, schema, hint, swhere, body_format == "json")
        if ROOT in bodies.models.schemas.get(model, {}):
            others = ()  # no fields to send as parts or pairs
        upload = RequestBody(None, (default, *others)) if others else None
        return body_format, model, media.get("example"), upload
    chosen = next(
        (
            (mt, kind)
            for wanted in ("multipart", "form", "binary")
            for mt, kind in kinds.items()
            if kind == wanted
        ),
        None,
    )
    if chosen is None:
        listed = ", ".join(kinds) or "no media type"
        raise Unsupported(
            ctx.file,
            pointer(*where),
            "a request body needs a JSON, XML, multipart/form-data, "
            "application/x-www-form-urlencoded, application/octet-stream or audio "
            f"schema (has {listed})",
        )
    media_type, kind = chosen
    media = content[media_type] or {}
    if kind == "binary":
        return (
            "json",
            None,
            None,
            RequestBody(
                "binary",
                (),
                raw_media_type=media_type,
                required=bool(node.get("required", False)),
            ),
        )
    swhere = where + ("content", media_type, "schema")
    schema, _ = ctx.deref(media.get("schema", {}), swhere)
    if not isinstance(schema, Mapping) or not isinstance(
        schema.get("properties"), Mapping
    ):
        raise Unsupported(
            ctx.file, pointer(*swhere), f"a {media_type} body needs an object schema"
        )
    files = _file_fields(ctx, schema, media) if kind == "multipart" else ()
    same = tuple(
        mt
        for mt, other in kinds.items()
        if mt != media_type
        and other in ("multipart", "form")
        and (content[mt] or {}).get("schema") == media.get("schema")
        and not files
    )
    named: str | None = None
    if files:
        wires = {f.wire_name for f in files if f.rest is None}
        # A file that may be something else keeps the something else as a field.
        kept = {f.wire_name: f.rest for f in files if f.rest is not None}
        rest = {
            k: kept.get(k, v) for k, v in schema["properties"].items() if k not in wires
        }
        wires |= set(kept)
        if rest:
            inline = {
                **schema,
                "properties": rest,
                "required": [r for r in schema.get("required", ()) if r not in wires],
            }
            # Its fields but the files: a model of its own, named apart from the
            # component it may come from (`CreateTranscriptionRequest`).
            referenced = "$ref" in (media.get("schema") or {})
            named = bodies.model(
                "json", inline, hint + ("Fields" if referenced else ""), swhere
            )
    else:
        named = bodies.model("json", media.get("schema"), hint, swhere)
    return (
        "json",
        named,
        media.get("example"),
        RequestBody(kind, (media_type, *same) if same else (), files),
    )


def body_schema(
    ctx: Context, node: Any, where: tuple[Any, ...], what: str
) -> tuple[str, Any, Any, tuple[Any, ...]]:
    """The format ("xml" or "json"), media object and schema of a request body or response,
    and where the schema is. XML wins where both are given: its models read JSON too."""
    node, where = ctx.deref(node, where)
    content = (node or {}).get("content", {})
    for media_type, kind in _MEDIA.items():
        media = content.get(media_type)
        if media is not None and "schema" in media:
            return (
                kind,
                media,
                media["schema"],
                where + ("content", media_type, "schema"),
            )
    listed = ", ".join(map(str, content)) or "no media type"
    raise Unsupported(
        ctx.file,
        pointer(*where),
        f"{what} needs an application/json or application/xml schema (has {listed})",
    )


class Bodies:
    """Names the model of each body: a JSON schema's, or an XSD type's for XML."""

    def __init__(self, ctx: Context, models: Models) -> None:
        self.ctx = ctx
        self.models = models
        self.xml_roots: dict[str, XmlRoot] = {}

    def model(
        self,
        kind: str,
        schema: Any,
        hint: str,
        where: tuple[Any, ...],
        any_json: bool = False,
    ) -> str:
        if kind == "json":
            return self.models.named(schema, hint, where, any_json)
        root = xml_root(
            self.ctx, self.ctx.xsd, (schema or {}).get("x-sdkgen-xml"), where
        )
        name = model_name(root.type_name)
        if self.xml_roots.setdefault(name, root) != root:
            raise self.ctx.error(
                where, f"{root.type_name} is already the root of another element"
            )
        return name


def read_operation(
    ctx: Context,
    bodies: Bodies,
    path: str,
    method: str,
    op: Mapping[str, Any],
    named: Named,
) -> Read:
    models = bodies.models
    where: tuple[Any, ...] = ("paths", path, method)
    # Model names start from the operationId, or the method name: `GetVoiceResponse`.
    op_id = naming.pascal_case(named.operation_id)
    body = example = None
    body_format = "json"
    upload = None
    body_required = True
    if "requestBody" in op:
        spelt, _ = ctx.deref(op["requestBody"], where + ("requestBody",))
        body_required = isinstance(spelt, Mapping) and spelt.get("required") is True
        body_format, body, example, upload = request_body(
            ctx, bodies, op["requestBody"], where + ("requestBody",), op_id + "Request"
        )
    success = success_response(ctx, op, where)
    response = (
        # A response may be any JSON (a list, a union, a map): a root model.
        bodies.model(
            success.kind, success.schema, op_id + "Response", success.where, True
        )
        if success and success.kind
        else None
    )
    streams_events, events = (
        _events_beside(ctx, bodies, op, where, op_id)
        if success and success.returns != "events"
        else (False, None)
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
                kind, _, schema, swhere = body_schema(
                    ctx, item[cb_method].get("requestBody"), cwhere, "a callback"
                )
                model = bodies.model(
                    kind, schema, naming.pascal_case(name) + "Callback", swhere
                )
                callbacks.append(
                    (name, model, clean(item[cb_method].get("summary", "")))
                )
    parameter_models = frozenset(
        name
        for i, param in enumerate(op.get("parameters", ()))
        for name in models.referenced(
            parameter_schema(ctx.deref(param, where + ("parameters", i))[0])
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
        body_format,
        named,
        upload,
        success.returns if success else "model",
        streams_events,
        events,
        body_required,
    )


def _events_beside(
    ctx: Context,
    bodies: Bodies,
    op: Mapping[str, Any],
    where: tuple[Any, ...],
    hint: str,
) -> tuple[bool, str | None]:
    """Server-sent events listed beside a JSON answer (OpenAI's chat, with the body's
    `stream: true`) or beside bytes or text (OpenAI's speech, `stream_format: sse`),
    and the model of their data (`<Operation>Event`) when they have a schema."""
    for status, response in sorted(op.get("responses", {}).items()):
        if not str(status).startswith("2"):
            continue
        rwhere = where + ("responses", status)
        node, _ = ctx.deref(response, rwhere)
        for media_type, media in ((node or {}).get("content") or {}).items():
            if media_kind(ctx, str(media_type), media) != "stream":
                continue
            if not isinstance(media, Mapping) or "schema" not in media:
                return True, None
            swhere = rwhere + ("content", media_type, "schema")
            return True, bodies.model(
                "json", media["schema"], hint + "Event", swhere, True
            )
        return False, None
    return False, None


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
    # A JSON body that is no object of properties (a union, a list, a map) is one
    # `body` argument, checked by its root model when sent.
    whole = _whole_body(ctx, read, body) if body and ROOT in body.schema else None
    flattened = _flattened(ctx, read, None if whole else body, built)
    lifted = {f.name for _, fields in flattened for f in fields}
    arguments: list[Field] = []
    for f in (whole,) if whole else body.fields if body else ():
        group = next((fields for c, fields in flattened if c.name == f.name), None)
        arguments += group if group is not None else [f]
    # Required arguments first, each group in the spec's order; a fixed value is none.
    body_fields = tuple(
        sorted(
            (f for f in arguments if f.fixed is None),
            key=lambda f: not f.required,
        )
    )
    names = [f.name for f in body_fields]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1} & lifted)
        raise ctx.error(
            read.where + ("x-sdkgen-flatten",),
            f"flattening makes two arguments named {twice[0]!r}",
        )
    op_id = read.name.operation_id
    method_name = read.name.method_name
    upload = read.upload
    files: tuple[FileArgument, ...] = ()
    # A file that may also be something else (a reference, a URL) is one argument: the
    # body field that carries the something else is no argument of its own.
    others = {
        f.wire_name: body.field(f.wire_name)
        for f in (upload.files if upload is not None else ())
        if f.rest is not None and body is not None and not whole
    }
    body_fields = tuple(f for f in body_fields if f.wire_name not in others)
    taken = {f.name for f in body_fields}
    if upload is not None:
        names = naming.dedupe(
            (naming.argument_name(f.wire_name) for f in upload.files),
            taken=taken | {"self"},
        )
        files = tuple(
            FileArgument(
                name,
                f.wire_name,
                f.required,
                f.description,
                f.many,
                f.content_type,
                single=f.single,
                other=others[f.wire_name].annotation if f.wire_name in others else "",
                field=others[f.wire_name].name if f.wire_name in others else "",
            )
            for name, f in zip(names, upload.files, strict=True)
        )
        taken |= set(names)
        # The argument a raw body and the choice of media type are passed as.
        taken |= {"body"} if upload.kind == "binary" else set()
        taken |= {"content_type"} if upload.media_types else set()
    parameters = read_parameters(
        ctx,
        read.spec,
        read.where,
        client_params,
        taken,
        models,
    )
    # A required query or header parameter with one allowed value (`tag=Tts`, `cancel`)
    # is sent on every call, and is no argument.
    constants = tuple(
        (p.location, p.wire_name, str(p.schema["enum"][0]))
        for p in parameters
        if _is_constant(p)
    )
    parameters = tuple(p for p in parameters if not _is_constant(p))
    parameters_model = build_parameters_model(
        naming.class_name(naming.pascal_case(op_id) + "Parameters"),
        method_name,
        parameters,
    )
    if parameters_model and parameters_model.name in built:
        raise ctx.error(
            read.where,
            f"{parameters_model.name}, the model of its arguments, is also a schema name",
        )
    if read.returns != "model":
        # The per-call limits a binary or text method adds to its arguments.
        met = _PER_CALL & ({f.name for f in body_fields} | {p.name for p in parameters})
        if met:
            raise Unsupported(
                ctx.file,
                pointer(*read.where),
                f"an argument named {sorted(met)[0]!r} meets the per-call limit of the "
                "same name that a binary or text response adds",
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
        constants=constants,
        body=body,
        body_fields=body_fields,
        response=built[read.response] if read.response else None,
        parameters_model=parameters_model,
        idempotent=idempotent,
        example=_example(ctx, read, None if whole else body, parameters, flattened),
        answer_example=_answer_example(ctx, read.spec, read.where),
        answer_status=_answer_status(read.spec),
        answer_media_type=_answer_media_type(ctx, read.spec, read.where, read.returns),
        body_format="xml" if read.body_format == "xml" else "json",
        flattened=tuple((c.name, tuple(f.name for f in fs)) for c, fs in flattened),
        upload=_upload_kind(upload.kind) if upload else None,
        media_types=upload.media_types if upload else (),
        files=files,
        raw_media_type=upload.raw_media_type if upload else "",
        raw_required=upload.required if upload else True,
        returns=_returns(read.returns),
        # The streaming form adds `timeout`: an argument of that name keeps the method
        # and leaves the events out.
        streams_events=read.streams_events
        and "timeout"
        not in {f.name for f in body_fields} | {p.name for p in parameters},
        events=built[read.events] if read.events else None,
        alternative_of=read.alternative_of,
        whole_body=whole is not None,
    )
    if rpc is not None:
        built_op = rpc_operation(ctx, rpc, built_op, read.where, built)
    spec = ext(read.spec, "paging")
    if spec is None:
        return built_op
    where = read.where + ("x-sdkgen-paging",)
    return replace(built_op, paging=paging(ctx, built_op, spec, where, built))


def _whole_body(ctx: Context, read: Read, body: Model) -> Field:
    """The `body` argument of a whole body: typed as what its root model holds."""
    schema = body.schema[ROOT]
    spelt, _ = ctx.deref(read.spec.get("requestBody"), read.where + ("requestBody",))
    said = (spelt or {}).get("description") or schema.get("description")
    return Field(
        name="body",
        wire_name="",
        annotation=annotation(schema),
        required=read.body_required,
        description=clean(said or "") or "The request body.",
        notes=constraint_notes(schema),
    )


def _returns(kind: str) -> Literal["model", "binary", "text", "events"]:
    if kind == "binary":
        return "binary"
    if kind == "text":
        return "text"
    if kind == "events":
        return "events"
    return "model"


def _upload_kind(kind: str | None) -> Literal["multipart", "form", "binary"] | None:
    if kind == "multipart":
        return "multipart"
    if kind == "form":
        return "form"
    if kind == "binary":
        return "binary"
    return None


def _is_constant(param: Parameter) -> bool:
    enum = param.schema.get("enum")
    return (
        param.required
        and not param.client_level
        and param.location in ("query", "header")
        and isinstance(enum, list)
        and len(enum) == 1
    )


def _flattened(
    ctx: Context, read: Read, body: Model | None, built: Mapping[str, Model]
) -> tuple[tuple[Field, tuple[Field, ...]], ...]:
    """`x-sdkgen-flatten: [Operation]`: the body fields whose own fields are the method's
    arguments instead (a container the caller need not build), with those fields."""
    spec = ext(read.spec, "flatten")
    if spec is None:
        return ()
    where = read.where + ("x-sdkgen-flatten",)
    if body is None or not isinstance(spec, list):
        raise ctx.error(where, "expected a list of the request body's object fields")
    result = []
    for index, wire_name in enumerate(spec):
        field = next((f for f in body.fields if f.wire_name == wire_name), None)
        inner = built.get(field.annotation.removesuffix(" | None")) if field else None
        if field is None or inner is None:
            raise ctx.error(
                where + (index,), f"{wire_name!r} is no object field of {body.name}"
            )
        result.append((field, tuple(f for f in inner.fields if f.fixed is None)))
    return tuple(result)


def _example(
    ctx: Context,
    read: Read,
    body: Model | None,
    parameters: tuple[Parameter, ...],
    flattened: tuple[tuple[Field, tuple[Field, ...]], ...] = (),
) -> dict[str, Any] | None:
    """A call's example arguments, by argument name: the request body's example (with a
    flattened container's fields lifted out), and the `example` of each parameter that
    has one (RPC APIs carry everything in parameters)."""
    example: dict[str, Any] = {}
    if body is not None and isinstance(read.example, Mapping):
        by_wire = {f.wire_name: f.name for f in body.fields if f.fixed is None}
        lifted = {c.wire_name: fields for c, fields in flattened}
        for key, value in read.example.items():
            if key in lifted and isinstance(value, Mapping):
                inner = {f.wire_name: f.name for f in lifted[key]}
                example.update((inner[k], v) for k, v in value.items() if k in inner)
            elif key in by_wire:
                example[by_wire[key]] = value
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
        p.name: keep_integers(
            wire.wire_schema(
                {
                    **{k: v for k, v in p.schema.items() if k != "default"},
                    **({"description": p.description} if p.description else {}),
                },
                True,
                p.annotation,
            )
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


def parameter_schema(param: Mapping[str, Any]) -> Any:
    """A parameter's schema. One given by `content` instead (its one media type) is read
    as OpenAPI says it is sent: a JSON media type as JSON inside a string (a document
    the caller passes, sent as compact JSON text), any other as text."""
    if "schema" in param or not isinstance(param.get("content"), Mapping):
        return param.get("schema", {})
    for media_type, media in param["content"].items():
        inner = media.get("schema", {}) if isinstance(media, Mapping) else {}
        if _is_json_media(str(media_type)):
            return {"type": "string", "contentMediaType": JSON, "contentSchema": inner}
        return {"type": "string"}
    return {}


def _is_json_media(media_type: str) -> bool:
    essence = media_type.split(";", 1)[0].strip().lower()
    return essence == JSON or essence.endswith("+json")


def keep_integers(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """`schema`, where a number (or the items of a list of them) is checked as
    `int | float`: an argument of 10 stays 10, and is sent as `10`, never `10.0` (a
    `float` field would turn it into one). Its checks still apply to either."""
    types = schema.get("type")
    if types == "number" or (
        isinstance(types, list) and sorted(types) == ["null", "number"]
    ):
        if "enum" in schema or "const" in schema or "x-python-type" in schema:
            return schema
        nullable = " | None" if isinstance(types, list) else ""
        return {**schema, "x-python-type": "int | float" + nullable}
    items = schema.get("items")
    if types == "array" and isinstance(items, Mapping):
        kept = keep_integers(items)
        if kept is not items:
            return {**schema, "items": kept}
    return schema


def parameter_style(
    ctx: Context,
    param: Mapping[str, Any],
    location: str,
    schema: Mapping[str, Any],
    where: tuple[Any, ...],
) -> tuple[str, bool]:
    """A parameter's `style` and `explode`, defaults applied (form explodes; the other
    styles do not). What OpenAPI leaves undefined is read as its nearest meaning, with
    a warning: an exploded space- or pipe-delimited list repeats its name (form), as
    does a deepObject list; deepObject always explodes (the only way it is written). A
    style of another place was already read as that place's default on loading
    (`normalise.repairs`)."""
    style = param.get("style", STYLES[location][0])
    explode = param.get("explode", style == "form")
    if not isinstance(explode, bool):
        raise ctx.error(where + ("explode",), "expected true or false")
    if style in ("spaceDelimited", "pipeDelimited") and explode:
        warn(
            ctx.file,
            pointer(*where, "explode"),
            f"{style} is defined only with explode: false: sent as form, "
            "one name=value pair per item",
        )
        style = "form"
    if style == "deepObject":
        explode = True
        if schema.get("type") == "array":
            warn(
                ctx.file,
                pointer(*where, "style"),
                "deepObject is defined for objects only: this list is sent as form, "
                "one name=value pair per item",
            )
            style = "form"
    return style, explode


_PER_CALL = frozenset({"timeout", "max_bytes"})


@dataclass(frozen=True)
class Success:
    """The first 2xx response: the format ("json", "xml"), schema and place of its model,
    if it has one (kind None: none), and what its body is read as (`Operation.returns`).
    """

    kind: str | None
    schema: Any
    where: tuple[Any, ...]
    returns: str


def media_kind(ctx: Context, media_type: str, media: Any) -> str:
    """What a response body of this media type is: "json" or "xml" (a model), "text"
    (`text/plain`, `text/vtt`, `text/srt`: a str), "stream" (server-sent events, not
    read here), or "binary" (audio, `application/octet-stream`, anything else: bytes).
    A JSON media type whose schema is bytes (`format: binary`, or a `contentMediaType`
    that is not JSON) is binary too."""
    essence = media_type.split(";", 1)[0].strip().lower()
    if _is_json_media(essence):
        schema, _ = ctx.deref((media or {}).get("schema"), ())
        if isinstance(schema, Mapping) and (
            schema.get("format") == "binary"
            or (
                "contentMediaType" in schema
                and not _is_json_media(str(schema["contentMediaType"]))
            )
        ):
            return "binary"
        return "json"
    if essence == "application/xml" or essence.endswith("+xml"):
        return "xml"
    if essence == "text/event-stream":
        return "stream"
    if essence.startswith("text/"):
        return "text"
    return "binary"


def _answer_status(op: Mapping[str, Any]) -> int:
    """The status of the first 2xx response the spec documents (`2XX`: 200)."""
    for status in sorted(str(s) for s in op.get("responses", {})):
        if status.startswith("2"):
            return int(status) if status.isdigit() else 200
    return 200


def _success_content(
    ctx: Context, op: Mapping[str, Any], where: tuple[Any, ...]
) -> Mapping[str, Any]:
    """The `content` of the first 2xx response, by media type (empty without one)."""
    for status, response in sorted(op.get("responses", {}).items()):
        if str(status).startswith("2"):
            node, _ = ctx.deref(response, where + ("responses", status))
            content = (node or {}).get("content")
            return content if isinstance(content, Mapping) else {}
    return {}


def _answer_media_type(
    ctx: Context, op: Mapping[str, Any], where: tuple[Any, ...], returns: str
) -> str:
    """The first whole media type of the first 2xx response that is read as `returns`
    ("binary" or "text"); empty for any other answer, or where only a wildcard is given."""
    if returns not in ("binary", "text"):
        return ""
    for media_type, media in _success_content(ctx, op, where).items():
        essence = str(media_type).split(";", 1)[0].strip()
        if "*" not in essence and media_kind(ctx, essence, media) == returns:
            return essence
    return ""


def _answer_example(ctx: Context, op: Mapping[str, Any], where: tuple[Any, ...]) -> Any:
    """The documented example of the first 2xx response's body (its `example`, or the
    value of the first of its `examples`); None when it documents none."""
    for media in _success_content(ctx, op, where).values():
        if not isinstance(media, Mapping):
            continue
        if "example" in media:
            return media["example"]
        examples = media.get("examples")
        if isinstance(examples, Mapping):
            for example in examples.values():
                if isinstance(example, Mapping) and "value" in example:
                    return example["value"]
    return None


def success_response(
    ctx: Context, op: Mapping[str, Any], where: tuple[Any, ...]
) -> Success | None:
    """The first 2xx response; None when it has no body."""
    for status, response in sorted(op.get("responses", {}).items()):
        if str(status).startswith("2"):
            rwhere = where + ("responses", status)
            node, _ = ctx.deref(response, rwhere)
            content = (node or {}).get("content")
            if not content:
                return None
            kinds = {media_kind(ctx, str(t), m) for t, m in content.items()}
            returns = (
                "binary" if "binary" in kinds else "text" if "text" in kinds else None
            )
            if returns is None and kinds == {"stream"}:
                # Server-sent events: the media type's schema, if any, is each event's
                # data (JSON).
                ((media_type, media),) = content.items()
                if isinstance(media, Mapping) and "schema" in media:
                    swhere = rwhere + ("content", media_type, "schema")
                    return Success("json", media["schema"], swhere, "events")
                return Success(None, None, rwhere, "events")
            structured = any(
                kind in ("json", "xml") and "schema" in (content[t] or {})
                for t in content
                if (kind := media_kind(ctx, str(t), content[t]))
            )
            if returns is None or structured:
                # A response that may be JSON (or XML) or audio: read by the model when
                # its Content-Type says so.
                kind, _, schema, swhere = body_schema(
                    ctx, response, rwhere, "the success response (or no content at all)"
                )
                return Success(kind, schema, swhere, returns or "model")
            return Success(None, None, rwhere, returns)
    raise Unsupported(ctx.file, pointer(*where, "responses"), "no 2xx response")


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
        if location == "header" and not HEADER_NAME.match(param["name"]):
            raise ctx.error(
                pwhere + ("name",),
                f"{param['name']!r} is no HTTP header name (RFC 9110: letters, digits "
                "and !#$%&'*+-.^_`|~ only)",
            )
        client = ext(param, "client-parameter")
        if client is not None:
            check_client_parameter(ctx, client, pwhere + ("x-sdkgen-client-parameter",))
        raw_schema = parameter_schema(param)
        wire.check(ctx, raw_schema, pwhere + ("schema",))
        check_enums(ctx, raw_schema, pwhere + ("schema",))
        schema = rename_refs(raw_schema, models)
        if location == "header":
            schema = _header_text(schema)
        style, explode = parameter_style(ctx, param, location, schema, pwhere)
        if client is not None:
            # `name:` gives the client's argument a name of its own (`region` for a
            # vendor's X-TC-Region header).
            name = naming.client_argument_name(str(client.get("name") or param["name"]))
            # A default, or the one value an enum allows (an API version), need not be
            # passed; nor need a parameter that is not required (None: not sent).
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
                    has_default=constant
                    or "default" in schema
                    or not param.get("required", False),
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
                style=style,
                explode=explode,
            )
        )
    # Path arguments first so they can be positional, as a caller reads them in the URL.
    return tuple(sorted(result, key=lambda p: (p.location != "path", not p.required)))


def _header_text(schema: dict[str, Any]) -> dict[str, Any]:
    """A header's text, and a header list's text items, checked as printable ASCII."""
    if schema.get("type") == "string":
        schema.setdefault("pattern", HEADER_TEXT)
    items = schema.get("items")
    if (
        schema.get("type") == "array"
        and isinstance(items, dict)
        and items.get("type") == "string"
        and "pattern" not in items
    ):
        schema["items"] = {**items, "pattern": HEADER_TEXT}
    return schema


def check_client_parameter(ctx: Context, spec: Any, where: tuple[Any, ...]) -> None:
    if not isinstance(spec, dict):
        raise ctx.error(where, "expected a mapping (env:, name:), or {}")
    env = spec.get("env")
    if env is not None and not (isinstance(env, str) and ENV_NAME.match(env)):
        raise ctx.error(
            where + ("env",),
            f"{env!r} is no environment variable name (letters, digits and _)",
        )
    name = spec.get("name")
    if name is not None and not isinstance(name, str):
        raise ctx.error(where + ("name",), "expected the argument's name")


def param_location(value: str) -> Location:
    if value == "path":
        return "path"
    if value == "query":
        return "query"
    if value == "cookie":
        return "cookie"
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
                    # An optional one (no default, not required) is None when not given.
                    **(
                        {"default": p.default}
                        if p.has_default and p.default is not None
                        else {}
                    ),
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


def body_alternatives(
    ctx: Context,
    op: Mapping[str, Any],
    where: tuple[Any, ...],
    named: Named,
    taken: set[str],
) -> list[tuple[Mapping[str, Any], Named]]:
    """The methods an operation gets besides its own for a request body it may also send
    otherwise than as its JSON (or XML): a multipart or form media type with a schema of
    its own, or with files, which JSON cannot carry (OpenAI's `/images/edits`: image URLs
    as JSON, image files as multipart). Each is the operation with that one media type,
    named `<method>_multipart` or `<method>_form`; the JSON method stays the default.
    A media type with the JSON's schema and no files is no method of its own: the
    caller picks it with `content_type=` (`request_body`). A name that is taken (`taken`,
    updated) leaves the alternative out rather than clash."""
    if "requestBody" not in op:
        return []
    node, _ = ctx.deref(op["requestBody"], where + ("requestBody",))
    content = (node or {}).get("content") if isinstance(node, Mapping) else None
    if not isinstance(content, Mapping):
        return []
    kinds = {str(mt): _request_kind(str(mt)) for mt in content}
    if _files_in_json(ctx, content, kinds):
        return []  # the multipart form is the operation's own body (`request_body`)
    document = next(
        (
            content[mt]
            for mt, kind in kinds.items()
            if kind in ("json", "xml") and isinstance(content[mt], Mapping)
        ),
        None,
    )
    if document is None:
        return []
    found: list[tuple[Mapping[str, Any], Named]] = []
    for media_type, kind in kinds.items():
        media = content[media_type]
        if kind not in ("multipart", "form") or not isinstance(media, Mapping):
            continue
        schema, _ = ctx.deref(media.get("schema", {}), ())
        files = (
            _file_fields(ctx, schema, media)
            if kind == "multipart" and isinstance(schema, Mapping)
            else ()
        )
        if media.get("schema") == document.get("schema") and not files:
            continue
        method = f"{named.method_name}_{kind}"
        if method in taken:
            continue
        taken.add(method)
        alone = {**node, "content": {media_type: media}}
        found.append(
            (
                {**op, "requestBody": alone},
                Named(f"{named.operation_id}_{kind}", method),
            )
        )
    return found
