"""`x-sdkgen-job` -> the job lifecycle that `wait_for_job` is generated from."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from typing import Any

from ..ir import Field, FieldPath, JobLifecycle, Model, Operation, Parameter
from .context import Context
from .extensions import JOB_KEYS, ext
from .pointers import response_field


def lifecycle(
    ctx: Context, ops: tuple[Operation, ...], models: Mapping[str, Model]
) -> JobLifecycle | None:
    spec = ext(ctx.document, "job")
    if spec is None:
        return None
    where: tuple[Any, ...] = ("x-sdkgen-job",)
    if not isinstance(spec, Mapping):
        raise ctx.error(where, "expected a mapping of the job's keys")
    for key in spec:
        # A `$comment` says where a value comes from, for readers of the spec.
        if key not in JOB_KEYS and key != "$comment":
            known = ", ".join(sorted(JOB_KEYS))
            raise ctx.error(where + (key,), f"unknown key; known: {known}")
    by_id = {o.operation_id: o for o in ops}
    for key in ("submit", "query"):
        if spec.get(key) not in by_id:
            raise ctx.error(where + (key,), f"no operation {spec.get(key)!r}")
    submit, query = by_id[spec["submit"]], by_id[spec["query"]]
    for key, op in (("submit", submit), ("query", query)):
        if op.response is None:
            raise ctx.error(where + (key,), f"{op.operation_id} returns no body")
    # A parameter of the query, or a field of its JSON body (an RPC action's).
    arguments: list[Parameter | Field] = [*query.method_parameters, *query.body_fields]
    param = next(
        (p for p in arguments if p.wire_name == spec.get("query-parameter")), None
    )
    if param is None:
        raise ctx.error(
            where + ("query-parameter",),
            f"{query.operation_id} has no parameter or body field "
            f"{spec.get('query-parameter')!r}",
        )
    others = [f.wire_name for f in query.body_fields if f.required and f is not param]
    if others:
        raise ctx.error(
            where + ("query",),
            f"wait_for_job passes on no body field, and {query.operation_id} requires "
            f"{others[0]!r}",
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

    # One pointer, or a list of them (say, an audio URL and its sentence timings).
    result = spec.get("result", [])
    pointers = list(enumerate(result)) if isinstance(result, list) else [(None, result)]
    results = tuple(
        response_field(
            ctx, query, ptr, where + ("result",) + (() if i is None else (i,)), models
        )
        for i, ptr in pointers
    )
    failure_code = optional("failure-code")
    ok_codes = spec.get("ok-codes", [])
    if not isinstance(ok_codes, list) or not all(
        isinstance(c, str | int) and not isinstance(c, bool) for c in ok_codes
    ):
        raise ctx.error(where + ("ok-codes",), "expected a list of codes")
    if ok_codes and failure_code is None:
        raise ctx.error(where + ("ok-codes",), "ok-codes need a failure-code")
    not_found = optional("not-found")
    if not_found is not None and not (
        not_found.fields[-1].annotation.removesuffix(" | None") == "list[str]"
        and not_found.index(len(not_found.fields) - 1) is None
    ):
        raise ctx.error(
            where + ("not-found",),
            f"expected a list of job ids, not {not_found.fields[-1].annotation}",
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
        failure_code_field=failure_code,
        failure_message_field=optional("failure-message"),
        results=results,
        poll_interval=_seconds(ctx, spec, "poll-interval", 3, where),
        max_poll_interval=_seconds(ctx, spec, "max-poll-interval", 30, where),
        ok_codes=tuple(str(c) for c in ok_codes),
        not_found_field=not_found,
    )


def _seconds(
    ctx: Context,
    spec: Mapping[str, Any],
    key: str,
    default: float,
    where: tuple[Any, ...],
) -> float:
    """A number of seconds, which the generated signature writes as its default: a
    positive, finite number (text, a boolean or `.nan` would be no Python there)."""
    value = spec.get(key, default)
    seconds = math.nan
    if isinstance(value, int | float) and not isinstance(value, bool):
        with contextlib.suppress(OverflowError):  # an int no float holds
            seconds = float(value)
    if not (math.isfinite(seconds) and seconds > 0):
        raise ctx.error(where + (key,), f"{value!r} is no positive number of seconds")
    return seconds
