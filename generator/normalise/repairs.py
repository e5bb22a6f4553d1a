"""What published documents get wrong in ways that do not stop generation, read as their
authors meant, each with a warning at its place."""

from __future__ import annotations

import re
from typing import Any

from ..errors import pointer, warn
from .walk import Where

_TYPES = frozenset(
    {"string", "number", "integer", "boolean", "array", "object", "null"}
)
_PARAMETER = frozenset(
    {
        "name",
        "in",
        "description",
        "required",
        "deprecated",
        "allowEmptyValue",
        "style",
        "explode",
        "allowReserved",
        "schema",
        "example",
        "examples",
        "content",
        "$ref",
    }
)
_HEADER = _PARAMETER - {"name", "in", "allowEmptyValue", "allowReserved"}
# The styles OpenAPI defines for each place a parameter goes ("Style Values"), the
# default first; a Header Object's is a header's.
STYLES: dict[str, tuple[str, ...]] = {
    "path": ("simple", "label", "matrix"),
    "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
    "header": ("simple",),
    "cookie": ("form",),
}
# Keywords of a schema that authors put on the parameter beside it.
_SCHEMA_WORDS = frozenset(
    {
        "type",
        "format",
        "items",
        "enum",
        "default",
        "allOf",
        "anyOf",
        "oneOf",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "nullable",
    }
)
COMPONENT_NAME = re.compile(r"^[a-zA-Z0-9._-]+\Z")


def schema(node: dict[str, Any], where: Where, file: str) -> dict[str, Any]:
    out = node
    kind = node.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "type" in node and not all(isinstance(k, str) and k in _TYPES for k in kinds):
        known = [k for k in kinds if isinstance(k, str) and k in _TYPES]
        out = dict(out)
        if known and isinstance(kind, list):
            out["type"] = known
        else:
            del out["type"]
        warn(
            file,
            pointer(*where, "type"),
            f"unknown type {kind!r}: "
            + (f"read as {known!r}" if "type" in out else "ignored (any value)"),
        )
    if node.get("enum") == []:
        # NestJS writes `enum: []` for an enum it was given no values for: read as the
        # author meant (no list), not as a schema no value can match.
        out = {k: v for k, v in out.items() if k != "enum"}
        warn(file, pointer(*where, "enum"), "an empty enum allows no value: ignored")
    required = node.get("required")
    if isinstance(required, list) and len(set(map(repr, required))) != len(required):
        unique = list(dict.fromkeys(required))
        out = {**out, "required": unique}
        warn(
            file, pointer(*where, "required"), "names repeated in `required`: once each"
        )
    return out


def parameter(node: dict[str, Any], where: Where, file: str, header: bool) -> Any:
    """A parameter (or header) without fields its object cannot have: schema keywords
    written beside `schema` go into it (when it does not say otherwise); others are
    dropped."""
    allowed = _HEADER if header else _PARAMETER
    place = "header" if header else node.get("in")
    styles = STYLES.get(place) if isinstance(place, str) else None
    if styles and "style" in node and node["style"] not in styles:
        warn(
            file,
            pointer(*where, "style"),
            f"style {node['style']!r} is not one OpenAPI defines for a {place} "
            f"parameter ({', '.join(styles)}): read as {styles[0]}",
        )
        node = {k: v for k, v in node.items() if k != "style"}
    extra = [k for k in node if k not in allowed and not str(k).startswith("x-")]
    if not extra:
        return node
    out = {k: v for k, v in node.items() if k not in extra}
    inner = dict(out["schema"]) if isinstance(out.get("schema"), dict) else None
    for key in extra:
        at = pointer(*where, key)
        if key in _SCHEMA_WORDS and inner is not None and key not in inner:
            inner[key] = node[key]
            warn(file, at, f"`{key}` belongs in the schema: read as schema/{key}")
        else:
            warn(file, at, f"`{key}` is not a field of this object: ignored")
    if inner is not None:
        out["schema"] = inner
    return out
