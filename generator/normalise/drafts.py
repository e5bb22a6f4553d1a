"""Keywords of JSON Schema drafts older than 2020-12 that published 3.1 documents still use.

`$recursiveRef: "#"` inside a component whose root says `$recursiveAnchor: true` names that
component (draft 2019-09): it becomes a `$ref` to it. Only the dynamic part of its meaning
(a schema extending the component and being referred to instead) is lost, hence the
warning. A `$recursiveRef` with no anchor to go to is dropped, with a warning.
"""

from __future__ import annotations

from typing import Any

from ..errors import pointer, warn
from .walk import Where

_KEYWORDS = ("$recursiveAnchor", "$recursiveRef")


def anchored(document: dict[str, Any]) -> frozenset[str]:
    """The components whose root has `$recursiveAnchor: true`."""
    components = document.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    if not isinstance(schemas, dict):
        return frozenset()
    return frozenset(
        name
        for name, schema in schemas.items()
        if isinstance(schema, dict) and schema.get("$recursiveAnchor") is True
    )


def upgrade_schema(
    schema: dict[str, Any], where: Where, file: str, anchors: frozenset[str]
) -> dict[str, Any]:
    if not any(key in schema for key in _KEYWORDS):
        return schema
    out = {key: value for key, value in schema.items() if key not in _KEYWORDS}
    if "$recursiveRef" not in schema:
        return out
    ref = schema["$recursiveRef"]
    at = pointer(*where, "$recursiveRef")
    owner = where[2] if where[:2] == ("components", "schemas") else None
    if ref == "#" and owner in anchors and "$ref" not in schema:
        target = pointer("components", "schemas", owner)
        warn(file, at, f"draft 2019-09 `$recursiveRef` read as `$ref: '#{target}'`")
        out["$ref"] = "#" + target
    else:
        warn(file, at, "draft 2019-09 `$recursiveRef` with no anchor to go to: ignored")
    return out
