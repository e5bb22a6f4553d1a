"""JSON pointers of the spec's extensions -> the response fields they name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import pointer_parts
from ..ir import Field, FieldPath, Model, Operation
from .context import Context


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
    if op.response is None:
        raise ctx.error(where, f"{op.operation_id} returns no body")
    model: Model | None = op.response
    fields: list[Field] = []
    indexes: list[int | None] = []
    parts = list(pointer_parts(ptr))
    while parts:
        wire = parts.pop(0)
        if model is None:
            raise ctx.error(where, f"{fields[-1].wire_name!r} is not an object")
        field = next((f for f in model.fields if f.wire_name == wire), None)
        if field is None:
            envelope = op.envelope.fields if op.envelope else ()
            if not fields and envelope and envelope[0].wire_name == wire:
                inside = "/".join(f.wire_name for f in envelope)
                raise ctx.error(
                    where,
                    f"{model.name} has no field {wire!r}: pointers start inside the "
                    f"envelope /{inside} (x-sdkgen-rpc), at what the method returns",
                )
            raise ctx.error(where, f"{model.name} has no field {wire!r}")
        fields.append(field)
        # The field's type names its model: a reference's, or a JSON string's content.
        annotation = field.annotation.removesuffix(" | None")
        index = None
        if annotation.startswith("list[") and parts and parts[0].isdigit():
            index = int(parts.pop(0))
            annotation = annotation.removeprefix("list[").removesuffix("]")
        indexes.append(index)
        model = models.get(annotation)
    if not parts and fields and indexes[-1] is not None:
        raise ctx.error(where, "a pointer ends at a field, not at a list's item")
    return FieldPath(tuple(fields), tuple(indexes))
