"""A published document, whatever version it is written in, as the OpenAPI 3.1 document
that says the same thing: the only shape the rest of the generator reads."""

from __future__ import annotations

from typing import Any

from ..errors import SpecError
from . import drafts, names, oas30, repairs, swagger2
from .walk import SchemaMap, Where


def to_openapi31(document: dict[str, Any], file: str) -> dict[str, Any]:
    """`document` (Swagger 2.0, OpenAPI 3.0.x or 3.1.x) as OpenAPI 3.1; warnings name
    what was read differently from how it is written. Never changes `document`."""
    if "swagger" in document:
        if str(document["swagger"]) != "2.0":
            raise SpecError(file, "/swagger", "expected Swagger 2.0 (or OpenAPI 3.x)")
        document, habits = swagger2.convert(document, file), False
    else:
        version = str(document.get("openapi", ""))
        if not version.startswith(("3.0", "3.1")):
            raise SpecError(
                file,
                "/openapi",
                "expected an OpenAPI 3.1 or 3.0 (or Swagger 2.0) document",
            )
        habits = version.startswith("3.1")
    anchors = drafts.anchored(document)

    def schema(node: dict[str, Any], where: Where) -> Any:
        node = oas30.upgrade_schema(node, where, file, habits)
        node = drafts.upgrade_schema(node, where, file, anchors)
        return repairs.schema(node, where, file)

    def parameter(node: dict[str, Any], where: Where, header: bool) -> Any:
        return repairs.parameter(node, where, file, header)

    out = SchemaMap(schema, parameter).document(names.component_names(document, file))
    if not habits:
        out = {**out, "openapi": "3.1.0"}
    return out
