"""`x-sdkgen-paging` on a list operation -> how its pages chain, for an item iterator.

Three kinds: a `next-link` (a URL to the next page), a `next-token` passed back in a
`token-parameter`, or a `page-parameter` counted up (with an optional `total`). `items`
points at the list each page holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import naming
from ..ir import FieldPath, Model, Operation, Paging
from .context import Context
from .pointers import response_field

_KEYS = frozenset(
    {"items", "next-link", "next-token", "token-parameter", "page-parameter", "total"}
)


def paging(
    ctx: Context,
    op: Operation,
    spec: Any,
    where: tuple[Any, ...],
    models: Mapping[str, Model],
) -> Paging:
    if not isinstance(spec, dict) or set(spec) - _KEYS or "items" not in spec:
        raise ctx.error(
            where, f"expected 'items' and a way to the next page; keys: {sorted(_KEYS)}"
        )
    kinds = [k for k in ("next-link", "next-token", "page-parameter") if k in spec]
    if len(kinds) != 1:
        raise ctx.error(
            where, "name exactly one of next-link, next-token or page-parameter"
        )
    (kind,) = kinds
    items = response_field(ctx, op, spec["items"], where + ("items",), models)
    item = _element(items)
    if item is None:
        raise ctx.error(where + ("items",), f"{items.name} is not an array")

    def field(key: str) -> FieldPath | None:
        if key not in spec:
            return None
        return response_field(ctx, op, spec[key], where + (key,), models)

    argument = None
    first_page = 1
    if kind == "next-token":
        if "token-parameter" not in spec:
            raise ctx.error(where, "next-token needs the token-parameter it is sent in")
        argument = _argument(ctx, op, spec["token-parameter"], where)
    elif kind == "page-parameter":
        argument = _argument(ctx, op, spec["page-parameter"], where)
        schema = _argument_schema(op, argument)
        if schema.get("type") != "integer":
            raise ctx.error(where + ("page-parameter",), "a page number is an integer")
        first_page = schema.get("default", schema.get("minimum", 1))
        # The first page number is written into the iterator as code: only an int may go.
        if not isinstance(first_page, int) or isinstance(first_page, bool):
            raise ctx.error(
                where + ("page-parameter",),
                f"the page parameter's default or minimum must be an integer, "
                f"not {first_page!r}",
            )
    elif "token-parameter" in spec:
        raise ctx.error(where + ("token-parameter",), "only next-token takes one")
    return Paging(
        kind="next-token"
        if kind == "next-token"
        else "next-link"
        if kind == "next-link"
        else "page-number",
        iterator_name=naming.iterator_name(op.method_name),
        items=items,
        item_annotation=item,
        next=field(kind) if kind != "page-parameter" else None,
        total=field("total"),
        argument=argument,
        first_page=first_page,
    )


def _element(items: FieldPath) -> str | None:
    """`X` of a `list[X]` (or `list[X] | None`) annotation."""
    text = items.fields[-1].annotation.removesuffix(" | None")
    if text.startswith("list[") and text.endswith("]"):
        return text[5:-1]
    return None


def _argument(ctx: Context, op: Operation, wire: Any, where: tuple[Any, ...]) -> str:
    """The method argument a wire name stands for: a parameter or a body field."""
    for p in op.method_parameters:
        if p.wire_name == wire and p.location != "path":
            return p.name
    for f in op.body_fields:
        if f.wire_name == wire:
            return f.name
    raise ctx.error(where, f"{op.operation_id} has no argument {wire!r}")


def _argument_schema(op: Operation, name: str) -> Mapping[str, Any]:
    for p in op.method_parameters:
        if p.name == name:
            return p.schema
    assert op.body is not None
    field = next(f for f in op.body_fields if f.name == name)
    schema: Mapping[str, Any] = op.body.schema.get("properties", {}).get(
        field.wire_name, {}
    )
    return schema
