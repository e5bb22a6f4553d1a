"""A validated OpenAPI document -> the IR.

One module per concern: `schemas` (models), `operations`, `auth`, `service` (servers and
errors), `lifecycle`; `extensions` is the one reader of `x-sdkgen-*`, and only these modules
call `naming`. Every problem is a `SpecError` naming the JSON pointer of the offending node.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .. import naming
from ..errors import SpecError, skip
from ..ir import Alias, Api, Callback, ClientParameter, Model, Server
from ..python_types import COMPONENT_SCHEMA, annotation
from . import wire
from .auth import SIGNERS, read_security
from .context import Context, clean
from .extensions import EXTENSIONS, check_extensions, ext
from .info import distribution, package_version
from .lifecycle import lifecycle
from .operations import (
    Bodies,
    Read,
    body_alternatives,
    build_client_model,
    iter_operations,
    operation,
    operation_names,
    read_operation,
)
from .rpc import Rpc, read_rpc
from .schemas import Models, build_models
from .service import error_shape, read_servers
from .xsd import xml_models

__all__ = ["EXTENSIONS", "SIGNERS", "annotation", "build"]


def build(
    document: Mapping[str, Any],
    api_key: str,
    spec_path: str,
    sha256: str,
    source: str | None = None,
    xsd: Any = None,
) -> Api:
    """The IR of one API. `spec_path` names the spec in generated headers (the same on every
    machine); `source` names the file that was read, in errors (default: `spec_path`)."""
    ctx = Context(document, source or spec_path, xsd)
    check_extensions(ctx, document, ())
    models = Models(ctx)
    _components(ctx, models)
    bodies = Bodies(ctx, models)
    found = list(iter_operations(document))
    names = operation_names(ctx, found)
    skipped: list[str] = []
    reads = []
    method_names = {named.method_name for named in names.values()}
    for path, method, op in found:
        where = ("paths", path, method)
        named = names[(path, method)]
        alternatives = body_alternatives(ctx, op, where, named, method_names)
        for variant, variant_name in ((op, named), *alternatives):
            kept = _kept(models)
            try:
                read = read_operation(ctx, bodies, path, method, variant, variant_name)
            except SpecError as error:
                if variant is op:
                    _skip(error, method, path, skipped)
                else:
                    _leave_out(error, variant_name.method_name)
                _forget(models, kept)
                continue
            if variant is not op:
                read = dataclasses.replace(read, alternative_of=named.method_name)
            reads.append(read)
    requests = {r.body for r in reads if r.body}
    requests |= {name for r in reads for name in r.parameter_models}
    responses = {r.response for r in reads if r.response}
    responses |= {r.events for r in reads if r.events}
    responses |= {model for r in reads for _, model, _ in r.callbacks}
    xml = set(bodies.xml_roots)
    rpc = read_rpc(ctx)
    built = build_models(
        ctx,
        models,
        requests - xml,
        responses - xml,
        _needed(document, reads, rpc, models),
    )
    if models.twins:
        # A model sent and received is received as its twin (schemas.build_models).
        reads = [_received_as_twins(read, models.twins) for read in reads]
    if bodies.xml_roots:
        built.update(xml_models(ctx, xsd, bodies.xml_roots, requests, responses))
    client_params: dict[str, ClientParameter] = {}
    job = ext(document, "job")
    submits = frozenset([str(job.get("submit"))] if isinstance(job, dict) else [])
    built_ops = []
    built_reads = []  # the reads of built_ops, in step with them
    for read in reads:
        try:
            built_ops.append(
                operation(ctx, read, built, client_params, models, submits, rpc)
            )
            built_reads.append(read)
        except SpecError as error:
            if read.alternative_of:
                _leave_out(error, read.name.method_name)
            else:
                _skip(error, read.method, read.path, skipped)
    operations = tuple(built_ops)
    methods = [o.method_name for o in operations]
    methods += [o.paging.iterator_name for o in operations if o.paging]
    twice = sorted({m for m in methods if methods.count(m) > 1})
    if twice:
        raise ctx.error(
            ("paths",),
            f"two operationIds (or a list's iterator) map to the same method name "
            f"{twice[0]!r}",
        )
    info = document.get("info", {})
    taken = set(client_params)
    servers = read_servers(ctx, taken)
    security = read_security(
        ctx,
        [((r.path, r.method), o) for r, o in zip(built_reads, operations, strict=True)],
        set(client_params),
        taken,
    )
    operations = security.stripped
    client_model = build_client_model(list(client_params.values()))
    taken_names = set(built) | {a for a in models.alias_names.values()}
    for name in models.alias_names.values():
        if name in built:
            raise ctx.error(("components", "schemas"), f"{name!r} names two schemas")
    if client_model and client_model.name in taken_names:
        raise ctx.error(("components", "schemas"), f"{client_model.name!r} is reserved")
    all_models = sorted(
        [
            *built.values(),
            *(o.parameters_model for o in operations if o.parameters_model),
            *([client_model] if client_model else []),
        ],
        key=lambda m: m.name,
    )
    return Api(
        key=api_key,
        spec_path=spec_path,
        spec_sha256=sha256,
        package=naming.package_name(api_key),
        distribution=distribution(ctx, info, naming.distribution_name(api_key)),
        title=clean(info.get("title", api_key)),
        summary=clean(info.get("summary", "")),
        description=clean(info.get("description", "")),
        version=str(info.get("version", "0")),
        package_version=package_version(ctx, info),
        server=servers[0] if servers else Server(url=""),
        servers=servers,
        client_parameters=tuple(client_params.values()),
        auth=security.schemes,
        security=security.default,
        operation_security=security.operations,
        errors=error_shape(ctx),
        operations=operations,
        models=tuple(all_models),
        runtime_modules=tuple(
            module
            for module, used in (
                (
                    "wire",
                    wire.uses_wire([m.schema for m in all_models])
                    or any(m.wire_shapes for m in all_models),
                ),
                ("xml", bool(bodies.xml_roots)),
                ("upload", any(op.upload or op.media_types for op in operations)),
                # events.py builds on binary.py's streams.
                (
                    "binary",
                    any(
                        op.returns != "model" or op.streams_events for op in operations
                    ),
                ),
                (
                    "events",
                    any(
                        op.returns == "events" or op.streams_events for op in operations
                    ),
                ),
            )
            if used
        ),
        lifecycle=lifecycle(ctx, operations, built),
        aliases=tuple(
            Alias(
                name=models.alias_names[key],
                annotation=annotation(schema),
                description=clean(schema.get("description", "")),
            )
            for key, schema in sorted(models.aliases.items())
        ),
        callbacks=_callbacks(ctx, reads, built),
        skipped_operations=tuple(skipped),
    )


def _components(ctx: Context, models: Models) -> None:
    """Every component schema as a model (or alias), first: one the generator cannot
    express (or one that names such a one) is left out with a warning, and so is each
    operation that uses it, when it is read."""
    schemas = ctx.document.get("components", {}).get("schemas", {})
    for name in sorted(schemas):
        kept = _kept(models)
        try:
            if models.is_alias(name):
                models.alias(name)
            else:
                models.component(name)
        except SpecError as error:
            if "/x-sdkgen-" in error.pointer:
                raise
            skip(error, f"schema {name}")
            _forget(models, kept)
            models.broken.add(name)


def _skip(error: SpecError, method: str, path: str, skipped: list[str]) -> None:
    """Leave an operation out for what the generator cannot express (or a published spec
    gets wrong) inside it, with a warning at the place; never for a misused `x-sdkgen-*`
    extension, which is this repository's own spec's error."""
    if "/x-sdkgen-" in error.pointer:
        raise error
    skip(error, f"operation {method.upper()} {path}")
    skipped.append(f"{method.upper()} {path}")


_Sizes = tuple[int, int, int, int, int, int]


def _leave_out(error: SpecError, method: str) -> None:
    """Leave out an operation's alternative body (`body_alternatives`) with a warning:
    its own method stays, so the operation is not counted as skipped."""
    if "/x-sdkgen-" in error.pointer:
        raise error
    skip(error, f"the method {method}()", "left out")


def _kept(models: Models) -> _Sizes:
    """How far `models` has come: its maps only grow, in order (`_forget`)."""
    return (
        len(models.schemas),
        len(models.where),
        len(models.refs),
        len(models.by_component),
        len(models.aliases),
        len(models.alias_names),
    )


def _forget(models: Models, kept: _Sizes) -> None:
    """Drop what reading a skipped operation (or component) added to `models` (its
    half-built models): none is generated for what is not. Dicts keep their insertion
    order, so what was added is what comes after the sizes `_kept` noted."""
    maps: tuple[dict[str, Any], ...] = (
        models.schemas,
        models.where,
        models.refs,
        models.by_component,
        models.aliases,
        models.alias_names,
    )
    for mapping, size in zip(maps, kept, strict=True):
        for key in list(mapping)[size:]:
            del mapping[key]
    models._resolving.clear()


def _needed(
    document: Mapping[str, Any],
    reads: list[Read],
    rpc: Rpc | None,
    models: Models,
) -> list[tuple[str, str]]:
    """What a client cannot do without, as (model, JSON pointer): the job id in the
    lifecycle submit's answer (inside its envelope, if the RPC convention has one). An
    answer that wraps the same model as the submit's keeps its envelope too: that model
    cannot be made up empty where the envelope is missing."""
    parts = rpc.envelope if rpc else ()
    envelope = "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)
    job = ext(document, "job")
    if not isinstance(job, dict) or not isinstance(job.get("job-id"), str):
        return []
    submit = next((r for r in reads if r.name.operation_id == job.get("submit")), None)
    if submit is None or submit.response is None:
        return []
    needed = [(submit.response, envelope + job["job-id"])]
    inner = _inside(models, submit.response, parts)
    for read in reads:
        if read.response and parts and _inside(models, read.response, parts) == inner:
            needed.append((read.response, envelope))
    return needed


def _inside(models: Models, root: str, parts: tuple[str, ...]) -> str | None:
    """The model an envelope's `parts` lead to from model `root`, if any."""
    name: str | None = root
    for part in parts:
        prop = models.schemas.get(name or "", {}).get("properties", {}).get(part)
        if not isinstance(prop, dict):
            return None
        name = str(prop.get("$ref", "")).removeprefix(COMPONENT_SCHEMA) or None
    return name


def _received_as_twins(read: Read, twins: Mapping[str, str]) -> Read:
    return dataclasses.replace(
        read,
        response=twins.get(read.response, read.response) if read.response else None,
        events=twins.get(read.events, read.events) if read.events else None,
        callbacks=tuple(
            (name, twins.get(model, model), summary)
            for name, model, summary in read.callbacks
        ),
    )


def _callbacks(
    ctx: Context, reads: list[Read], built: Mapping[str, Model]
) -> tuple[Callback, ...]:
    """One parse function per callback; two named alike once snake_cased are refused
    (the package would define the second over the first)."""
    named = [
        (read.where + ("callbacks", name), name, model, summary)
        for read in reads
        for name, model, summary in read.callbacks
    ]
    result: dict[str, Callback] = {}
    for where, name, model, summary in named:
        function = (
            "parse_callback"
            if len(named) == 1
            else f"parse_{naming.snake_case(name)}_callback"
        )
        if function in result:
            raise ctx.error(
                where, f"two callbacks map to the same function name {function!r}"
            )
        result[function] = Callback(
            function_name=function, model=built[model], description=summary
        )
    return tuple(result.values())
