"""`x-sdkgen-job` -> the job lifecycle that `wait_for_job` is generated from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import pointer_parts
from ..ir import Field, FieldPath, JobLifecycle, Model, Operation
from .context import COMPONENT_SCHEMA, Context
from .extensions import ext


def response_field(
    ctx: Context,
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
        model = models.get(ref.removeprefix(COMPONENT_SCHEMA)) if ref else None
    return FieldPath(tuple(fields))


def lifecycle(
    ctx: Context, ops: tuple[Operation, ...], models: Mapping[str, Model]
) -> JobLifecycle | None:
    spec = ext(ctx.document, "job")
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
    state = response_field(ctx, query, spec.get("state"), where + ("state",), models)
    states = {
        key: tuple(str(s) for s in spec.get(key, ()))
        for key in ("running", "succeeded", "failed")
    }
    if not states["succeeded"] or not states["failed"]:
        raise ctx.error(where, "'succeeded' and 'failed' states are needed")

    def optional(key: str) -> FieldPath | None:
        return (
            response_field(ctx, query, spec[key], where + (key,), models)
            if key in spec
            else None
        )

    taken = {"job_id", "timeout", "poll_interval", "max_poll_interval"}
    for p in query.method_parameters:
        if p.name != param.name and p.name in taken:
            raise ctx.error(
                where + ("query",),
                f"{query.operation_id}'s argument {p.name!r} would clash with "
                "wait_for_job's own argument of that name",
            )
    return JobLifecycle(
        submit=submit,
        query=query,
        job_id_field=response_field(
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
