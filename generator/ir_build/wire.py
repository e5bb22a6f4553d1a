"""How values look on the wire, where the spec says more than their type: JSON inside
strings, limits counted in bytes, and models sent in more than one shape.

A property that is `type: string` with `contentMediaType: application/json` and a
`contentSchema` is typed by its content schema (callers pass and receive objects) and
travels as compact JSON text: the runtime's `JsonString[T]`. `x-sdkgen-max-bytes: n` limits
the UTF-8 bytes of what is sent (`MaxBytes[n]`; for a JSON string, of its JSON text).
The models step writes both from `x-python-type`, importing them from the package's
`_runtime.wire`.

`x-sdkgen-wire-shapes` on an object schema lists the other shapes a vendor sends it in:
each maps a property to its name in that shape, optionally with a divisor (`{name:
begin_time, divide-by: 1000}` for milliseconds read into seconds).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..python_types import JSON, is_json_string
from .context import Context

WIRE_MODULE = "_runtime.wire"
# Extensions the schema rewrite keeps, for this module and the models step to read.
KEPT_EXTENSIONS = ("x-sdkgen-max-bytes", "x-sdkgen-wire-shapes")


def check(ctx: Context, schema: Any, where: tuple[Any, ...]) -> None:
    """Refuse a half-declared JSON string or a byte limit that is no positive integer."""
    if not isinstance(schema, dict):
        return
    media = schema.get("contentMediaType")
    if media is not None and media != JSON:
        raise ctx.error(
            where + ("contentMediaType",), "only application/json content is supported"
        )
    if (media is None) != ("contentSchema" not in schema):
        raise ctx.error(
            where,
            "JSON inside a string needs both contentMediaType: application/json "
            "and a contentSchema",
        )
    if media is not None and schema.get("type") != "string":
        raise ctx.error(where + ("type",), "JSON inside a string needs type: string")
    limit = schema.get("x-sdkgen-max-bytes")
    if limit is not None and (
        not isinstance(limit, int) or isinstance(limit, bool) or limit < 1
    ):
        raise ctx.error(where + ("x-sdkgen-max-bytes",), "expected a positive integer")


def wire_schema(
    schema: Mapping[str, Any], strict: bool, annotation: str
) -> Mapping[str, Any]:
    """The property as its model field types it. `annotation` is the
    property's Python type (its content's, for a JSON string). Byte limits are checked
    only in what a client sends (`strict`): what it receives is taken as it comes."""
    limit = schema.get("x-sdkgen-max-bytes") if strict else None
    if not is_json_string(schema) and limit is None:
        return {k: v for k, v in schema.items() if k not in KEPT_EXTENSIONS}
    python = annotation.removesuffix(" | None")
    if is_json_string(schema):
        python = f"{WIRE_MODULE}.JsonString[{python}]"
    if limit is not None:
        python = f"Annotated[{python}, {WIRE_MODULE}.MaxBytes[{limit}]]"
    kept = {"description", "default", "title"}
    if not is_json_string(schema):
        # The text's own constraints still apply beside the byte limit.
        kept |= {"minLength", "maxLength", "pattern"}
    out = {k: v for k, v in schema.items() if k in kept}
    return {"type": "string", **out, "x-python-type": python}


def uses_wire(schemas: list[Mapping[str, Any]]) -> bool:
    """Whether generated models need `_runtime/wire.py`."""
    return any(
        isinstance(p, dict) and WIRE_MODULE in str(p.get("x-python-type", ""))
        for schema in schemas
        for p in schema.get("properties", {}).values()
    ) or any("x-sdkgen-wire-shapes" in schema for schema in schemas)


def wire_shapes(
    ctx: Context, schema: Mapping[str, Any], where: tuple[Any, ...]
) -> tuple[Mapping[str, tuple[str, float]], ...]:
    """The other shapes of a model, checked against its properties."""
    spec = schema.get("x-sdkgen-wire-shapes")
    if spec is None:
        return ()
    where = where + ("x-sdkgen-wire-shapes",)
    if not isinstance(spec, list) or not spec:
        raise ctx.error(where, "expected a list of shapes")
    properties = schema.get("properties", {})
    shapes = []
    for index, shape in enumerate(spec):
        if not isinstance(shape, dict) or not shape:
            raise ctx.error(where + (index,), "expected a map of property to name")
        read: dict[str, tuple[str, float]] = {}
        for prop, name in shape.items():
            at = where + (index, prop)
            if prop not in properties:
                raise ctx.error(at, f"{prop!r} is not a property of this schema")
            divisor: Any = 1
            if isinstance(name, dict):
                unknown = set(name) - {"name", "divide-by"}
                if unknown or "name" not in name:
                    raise ctx.error(at, "expected {name: ..., divide-by: ...}")
                name, divisor = name["name"], name.get("divide-by", 1)
            if not isinstance(name, str) or not name:
                raise ctx.error(at, "expected the property's name in this shape")
            if (
                isinstance(divisor, bool)
                or not isinstance(divisor, int | float)
                or divisor <= 0
            ):
                raise ctx.error(at + ("divide-by",), "expected a positive number")
            read[prop] = (name, divisor)
        shapes.append(read)
    return tuple(shapes)
