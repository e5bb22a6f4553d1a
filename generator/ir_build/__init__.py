"""A validated OpenAPI document -> the IR.

One module per concern: `schemas` (models), `operations`, `auth`, `service` (servers and
errors), `lifecycle`; `extensions` is the one reader of `x-sdkgen-*`, and only these modules
call `naming`. Every problem is a `SpecError` naming the JSON pointer of the offending node.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import naming
from ..ir import Api, Callback, ClientParameter
from .auth import SIGNERS, auth_schemes
from .context import Context, clean
from .extensions import EXTENSIONS, check_extensions, ext
from .lifecycle import lifecycle
from .operations import iter_operations, operation, read_operation
from .schemas import Models, annotation, build_models
from .service import error_shape, read_server

__all__ = ["EXTENSIONS", "SIGNERS", "annotation", "build"]


def build(
    document: Mapping[str, Any],
    api_key: str,
    spec_path: str,
    sha256: str,
    source: str | None = None,
) -> Api:
    """The IR of one API. `spec_path` names the spec in generated headers (the same on every
    machine); `source` names the file that was read, in errors (default: `spec_path`)."""
    ctx = Context(document, source or spec_path)
    check_extensions(ctx, document, ())
    models = Models(ctx)
    reads = [
        read_operation(ctx, models, path, method, op)
        for path, method, op in iter_operations(document)
    ]
    built = build_models(
        ctx,
        models,
        requests={r.body for r in reads if r.body},
        responses={r.response for r in reads}
        | {model for r in reads for _, model, _ in r.callbacks},
    )
    client_params: dict[str, ClientParameter] = {}
    operations = tuple(
        operation(ctx, read, built, client_params, models.by_component)
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
        distribution=ext(info, "distribution", naming.distribution_name(api_key)),
        title=clean(info.get("title", api_key)),
        summary=clean(info.get("summary", "")),
        description=clean(info.get("description", "")),
        version=str(info.get("version", "0")),
        server=read_server(ctx),
        client_parameters=tuple(client_params.values()),
        auth=auth_schemes(ctx, set(client_params)),
        errors=error_shape(ctx),
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
        lifecycle=lifecycle(ctx, operations, built),
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
