"""OpenAPI 3.0 schemas as OpenAPI 3.1 (JSON Schema 2020-12) says the same thing.

3.0 writes `nullable: true`, boolean `exclusiveMinimum`/`exclusiveMaximum` beside
`minimum`/`maximum`, and `example`; 3.1 writes a `"null"` type (or a `{type: "null"}`
alternative), numeric exclusive bounds, and `examples`. The same keywords in a "3.1"
document are 3.0 habits: they are read as their author meant them, with a warning at the
keyword.
"""

from __future__ import annotations

from typing import Any

from ..errors import pointer, warn
from .walk import SchemaMap, Where

# Keywords about the whole value, kept outside when a nullable schema becomes
# `anyOf: [schema, {type: "null"}]`.
_ANNOTATIONS = (
    "title",
    "description",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "example",
    "examples",
    "externalDocs",
)
_COMPOSED = ("$ref", "allOf", "anyOf", "oneOf", "not", "const")
_BOUNDS = (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum"))


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` (without `nullable`) that also accepts null, in 3.1 words."""
    kind = schema.get("type")
    if not schema or (isinstance(kind, list) and "null" in kind):
        return schema
    if not any(key in schema for key in _COMPOSED) and kind is not None:
        out = dict(schema)
        out["type"] = (list(kind) if isinstance(kind, list) else [kind]) + ["null"]
        if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
            out["enum"] = [*schema["enum"], None]
        return out
    if kind is None and isinstance(schema.get("enum"), list) and len(schema) == 1:
        return schema if None in schema["enum"] else {"enum": [*schema["enum"], None]}
    outer = {key: schema[key] for key in schema if _is_annotation(key)}
    inner = {key: value for key, value in schema.items() if not _is_annotation(key)}
    if not inner:  # no constraint: null is already allowed
        return schema
    return {"anyOf": [inner, {"type": "null"}], **outer}


def _is_annotation(key: str) -> bool:
    return key in _ANNOTATIONS or key.startswith("x-")


def upgrade_schema(
    schema: dict[str, Any], where: Where, file: str, habits: bool
) -> dict[str, Any]:
    """One 3.0 schema node as 3.1 (its subschemas are the caller's). `habits`: the
    document says it is 3.1, so each 3.0 keyword is also a warning."""
    if not (
        "nullable" in schema
        or isinstance(schema.get("exclusiveMinimum"), bool)
        or isinstance(schema.get("exclusiveMaximum"), bool)
        or ("example" in schema and not habits)
    ):
        return schema
    out = dict(schema)
    for flag, bound in _BOUNDS:
        value = out.get(flag)
        if not isinstance(value, bool):
            continue
        del out[flag]
        if value and bound in out:
            out[flag] = out.pop(bound)
            if habits:
                warn(
                    file,
                    pointer(*where, flag),
                    f"a boolean `{flag}` is OpenAPI 3.0: read as `{flag}: <{bound}>`",
                )
        elif value:
            warn(
                file,
                pointer(*where, flag),
                f"`{flag}: true` without `{bound}` bounds nothing: ignored",
            )
        elif habits:
            warn(
                file,
                pointer(*where, flag),
                f"`{flag}: false` is OpenAPI 3.0 (and its default): ignored",
            )
    if not habits and "example" in out:
        example = out.pop("example")
        out.setdefault("examples", [example])
    if "nullable" in out:
        allows_null = out.pop("nullable")
        if habits:
            warn(
                file,
                pointer(*where, "nullable"),
                "`nullable` is OpenAPI 3.0, not 3.1: read as a type that also allows null",
            )
        if allows_null is True:
            out = nullable(out)
    return out


def upgrade(document: dict[str, Any], file: str, *, habits: bool) -> dict[str, Any]:
    """Every schema of `document` as 3.1 (the version key is the caller's)."""
    mapped = SchemaMap(lambda node, where: upgrade_schema(node, where, file, habits))
    return mapped.document(document)
