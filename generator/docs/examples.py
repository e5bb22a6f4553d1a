"""A page's JSON examples against the spec's schemas, and its HTTP messages against the
operation's method, path and RPC headers.

Stricter than JSON Schema where documentation needs it: a field the spec does not
declare is a difference (unless `additionalProperties` allows it), a string holding JSON
(`contentSchema`) is parsed and checked, and `x-sdkgen-wire-shapes` are the other shapes
an object may have. Array indices are written `*`, so a slip repeated in every item of
a list is one difference. Kinds: `example-type`, `example-enum`, `example-added`,
`example-missing`, `example-shape`, `example-range`, `example-length`, `example-bytes`,
`example-json`, `example-value`, `example-endpoint`, `example-response`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from .model import Finding, PageExample
from .spec_view import Resolver, SpecOperation, content_schema, success_status, text

Problem = tuple[str, str, str | None, str | None]  # pointer, kind, page, spec


def check_example(
    example: PageExample, operation: SpecOperation, resolver: Resolver
) -> list[Finding]:
    findings: list[Finding] = []
    if example.direction == "request":
        place = "example request"
        findings += _message(example, operation, place)
        schema = operation.body_schema
    else:
        status = example.status or success_status(operation) or "2xx"
        place = f"example response {status}"
        schema = operation.responses.get(status)
        if schema is None and status not in operation.xml_responses:
            findings.append(
                Finding(
                    operation.id,
                    place,
                    "",
                    "example-response",
                    status,
                    None,
                    example.line,
                )
            )
    if example.media == "xml":
        findings += _xml(example, operation, place)
    elif schema is not None:
        problems = dict.fromkeys(validate(example.value, schema, resolver, ""))
        for pointer, kind, page, spec in problems:
            findings.append(
                Finding(
                    operation.id, place, pointer or "/", kind, page, spec, example.line
                )
            )
    return findings


def _xml(example: PageExample, operation: SpecOperation, place: str) -> list[Finding]:
    if example.direction == "request":
        body = operation.xml_body
    else:
        status = example.status or success_status(operation) or ""
        body = operation.xml_responses.get(status)
    if body is None or operation.xsd is None or not isinstance(example.value, str):
        return [
            Finding(operation.id, place, "", "example-media", "xml", None, example.line)
        ]
    return [
        Finding(operation.id, place, pointer, kind, page, spec, example.line)
        for pointer, kind, page, spec in operation.xsd.validate(body, example.value)
    ]


def _message(
    example: PageExample, operation: SpecOperation, place: str
) -> Iterator[Finding]:
    wanted = {
        name.lower(): (name, value) for name, value in operation.rpc_headers.items()
    }
    for name, value in example.headers:
        if name.lower() in wanted and value != wanted[name.lower()][1]:
            yield Finding(
                operation.id,
                place,
                name,
                "example-value",
                value,
                wanted[name.lower()][1],
                example.line,
            )
    if example.target:
        method, _, url = example.target.partition(" ")
        path = urlsplit(url).path if "://" in url else url.split("?")[0]
        if method != operation.wire_method or not _matches(path, operation.wire_path):
            yield Finding(
                operation.id,
                place,
                "",
                "example-endpoint",
                f"{method} {path}",
                f"{operation.wire_method} {operation.wire_path}",
                example.line,
            )


def _matches(path: str, template: str) -> bool:
    pattern = re.sub(r"\\\{[^/]*?\\\}", "[^/]+", re.escape(template))
    return re.fullmatch(pattern, path) is not None


def escape(name: str) -> str:
    """A name as one JSON-pointer token."""
    return name.replace("~", "~0").replace("/", "~1")


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _fits(value: object, declared: Any) -> bool:
    types = declared if isinstance(declared, list) else [declared]
    actual = _json_type(value)
    return actual in types or (actual == "integer" and "number" in types)


def validate(
    value: object, schema: Mapping[str, Any], resolver: Resolver, pointer: str
) -> Iterator[Problem]:
    schema = resolver.schema(schema)
    declared = schema.get("type")
    if declared is None and "properties" in schema:
        declared = "object"
    if declared is not None and not _fits(value, declared):
        shown = declared if isinstance(declared, str) else " or ".join(declared)
        yield pointer, "example-type", _json_type(value), shown
        return
    if "enum" in schema and value not in schema["enum"]:
        yield (
            pointer,
            "example-enum",
            text(value),
            ", ".join(text(v) for v in schema["enum"]),
        )
    if isinstance(value, str):
        yield from _string(value, schema, resolver, pointer)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield from _number(value, schema, pointer)
    elif isinstance(value, list):
        for item in value:
            yield from validate(item, schema.get("items", {}), resolver, pointer + "/*")
    elif isinstance(value, dict):
        yield from _object(value, schema, resolver, pointer)


def _string(
    value: str, schema: Mapping[str, Any], resolver: Resolver, pointer: str
) -> Iterator[Problem]:
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        yield (
            pointer,
            "example-length",
            str(len(value)),
            f"at most {schema['maxLength']}",
        )
    if "minLength" in schema and len(value) < schema["minLength"]:
        yield (
            pointer,
            "example-length",
            str(len(value)),
            f"at least {schema['minLength']}",
        )
    limit = schema.get("x-sdkgen-max-bytes")
    if isinstance(limit, int) and len(value.encode()) > limit:
        yield pointer, "example-bytes", str(len(value.encode())), f"at most {limit}"
    content = content_schema(schema)
    if content is not None:
        try:
            document = json.loads(value)
        except json.JSONDecodeError:
            yield pointer, "example-json", "not JSON", "a JSON document"
            return
        yield from validate(document, resolver.schema(content), resolver, pointer)


def _number(value: float, schema: Mapping[str, Any], pointer: str) -> Iterator[Problem]:
    low, high = schema.get("minimum"), schema.get("maximum")
    if (low is not None and value < low) or (high is not None and value > high):
        shown = (
            f"{'' if low is None else text(low)}..{'' if high is None else text(high)}"
        )
        yield pointer, "example-range", text(value), shown
    low, high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if (low is not None and value <= low) or (high is not None and value >= high):
        shown = f"({'' if low is None else text(low)}..{'' if high is None else text(high)})"
        yield pointer, "example-range", text(value), shown


def _shapes(schema: Mapping[str, Any]) -> list[dict[str, tuple[str, str]]]:
    """Each shape an object may arrive in: wire name -> (property, description)."""
    properties = list(schema.get("properties", {}))
    shapes = [{name: (name, name) for name in properties}]
    for shape in schema.get("x-sdkgen-wire-shapes", []):
        mapped: dict[str, tuple[str, str]] = {}
        for prop, wire in shape.items():
            name = wire["name"] if isinstance(wire, Mapping) else wire
            mapped[str(name)] = (str(prop), str(name))
        shapes.append(mapped)
    return shapes


def _object(
    value: dict[str, object],
    schema: Mapping[str, Any],
    resolver: Resolver,
    pointer: str,
) -> Iterator[Problem]:
    properties: Mapping[str, Any] = schema.get("properties", {})
    required = list(schema.get("required", []))
    additional = schema.get("additionalProperties")
    if "x-sdkgen-wire-shapes" in schema:
        shapes = _shapes(schema)
        for shape in shapes:
            by_prop = {prop: name for name, (prop, _) in shape.items()}
            if set(value) <= set(shape) and all(
                by_prop.get(prop, prop) in value for prop in required
            ):
                for name, item in value.items():
                    prop = shape[name][0]
                    yield from validate(
                        item,
                        properties.get(prop, {}),
                        resolver,
                        f"{pointer}/{escape(name)}",
                    )
                return
        alternatives = " or ".join("{" + ", ".join(shape) + "}" for shape in shapes)
        yield pointer, "example-shape", "{" + ", ".join(value) + "}", alternatives
        return
    for name, item in value.items():
        where = f"{pointer}/{escape(name)}"
        if name in properties:
            yield from validate(item, properties[name], resolver, where)
        elif isinstance(additional, Mapping):
            yield from validate(item, additional, resolver, where)
        elif additional is not True:
            yield where, "example-added", _json_type(item), None
    for name in required:
        if name not in value:
            yield f"{pointer}/{escape(name)}", "example-missing", None, "required"
