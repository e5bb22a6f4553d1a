"""An OpenAPI operation seen as a page sees it: fields with a type, a range, a default.

Reads the document as `generator.load.load_openapi` returns it: parameters (`in: path`,
`query`, `header`), JSON request bodies, JSON responses, nested objects, arrays, and JSON
inside strings (`contentMediaType: application/json` + `contentSchema`, whose fields are
the field's children), and XML bodies through the spec's XSD (`xsd_view.py`). Headers that security schemes and `x-sdkgen-rpc` add are
"implicit": matched when a page lists them, never missed when it does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .model import Range
from .spec_field import SpecField, text
from .xsd_view import XmlBody, Xsd

__all__ = ["SpecField", "SpecOperation", "operations", "text"]

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
JSON = "application/json"


@dataclass(frozen=True)
class SpecOperation:
    id: str
    method: str
    path: str
    pointer: str
    wire_method: str  # what is sent: for RPC actions, x-sdkgen-rpc's method and path
    wire_path: str
    parameters: Mapping[str, tuple[SpecField, ...]]  # "path" | "query" | "header"
    body: tuple[SpecField, ...] | None
    body_schema: Mapping[str, Any] | None
    responses: Mapping[str, Mapping[str, Any]]  # status -> JSON schema
    rpc_headers: Mapping[str, str] = field(default_factory=dict)  # header -> value
    xsd: Xsd | None = None
    xml_body: XmlBody | None = None
    xml_responses: Mapping[str, XmlBody] = field(default_factory=dict)


class Resolver:
    """`$ref`s and `allOf`s of one document, resolved into plain schemas."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document

    def ref(self, ref: str) -> Mapping[str, Any]:
        node: Any = self.document
        for part in ref.lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node if isinstance(node, Mapping) else {}

    def schema(self, schema: Any, seen: frozenset[str] = frozenset()) -> dict[str, Any]:
        if not isinstance(schema, Mapping):
            return {}
        out: dict[str, Any] = {}
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref not in seen:
            out.update(self.schema(self.ref(ref), seen | {ref}))
        for part in schema.get("allOf", []):
            merged = self.schema(part, seen)
            properties = {**out.get("properties", {}), **merged.get("properties", {})}
            required = list(out.get("required", [])) + list(merged.get("required", []))
            out.update(merged)
            if properties:
                out["properties"] = properties
            if required:
                out["required"] = required
        out.update({k: v for k, v in schema.items() if k not in ("$ref", "allOf")})
        return out


def type_name(schema: Mapping[str, Any], resolver: Resolver) -> str | None:
    declared = schema.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), None)
    if declared == "array":
        items = resolver.schema(schema.get("items"))
        inner = type_name(items, resolver)
        return f"array of {inner}" if inner else "array"
    if declared is None and "properties" in schema:
        return "object"
    return declared if isinstance(declared, str) else None


def content_schema(schema: Mapping[str, Any]) -> Any:
    """The schema of the JSON document a string holds, or None."""
    if schema.get("contentMediaType") == JSON:
        return schema.get("contentSchema")
    return None


def build_field(
    name: str,
    schema: Any,
    required: bool,
    resolver: Resolver,
    depth: int = 0,
) -> SpecField:
    resolved = resolver.schema(schema)
    low, high = resolved.get("minimum"), resolved.get("maximum")
    low_open, high_open = False, False
    if "exclusiveMinimum" in resolved:
        low, low_open = resolved["exclusiveMinimum"], True
    if "exclusiveMaximum" in resolved:
        high, high_open = resolved["exclusiveMaximum"], True
    range_ = None
    if low is not None or high is not None:
        range_ = Range(
            None if low is None else text(low),
            None if high is None else text(high),
            low_open,
            high_open,
        )
    default = resolved.get("default")

    def length(key: str) -> str | None:
        return None if key not in resolved else text(resolved[key])

    return SpecField(
        name=name,
        type=type_name(resolved, resolver),
        required=required,
        enum=tuple(text(v) for v in resolved.get("enum", ())),
        range=range_,
        default=None if default is None else text(default),
        min_length=length("minLength"),
        max_length=length("maxLength"),
        max_bytes=length("x-sdkgen-max-bytes"),
        value=None if "const" not in resolved else text(resolved["const"]),
        children=() if depth > 12 else children(resolved, resolver, depth + 1),
    )


def children(
    schema: Mapping[str, Any], resolver: Resolver, depth: int = 0
) -> tuple[SpecField, ...]:
    """The fields of an object, of an array's items, or of a JSON string's document."""
    content = content_schema(schema)
    if content is not None:
        schema = resolver.schema(content)
    if type_name(schema, resolver) == "array" or str(
        type_name(schema, resolver)
    ).startswith("array of"):
        schema = resolver.schema(schema.get("items"))
    required = set(schema.get("required", ()))
    return tuple(
        build_field(name, sub, name in required, resolver, depth)
        for name, sub in schema.get("properties", {}).items()
    )


def operations(
    document: Mapping[str, Any], folder: Path | None = None, display: str = ""
) -> dict[str, SpecOperation]:
    """Every operation of the document; `folder` holds the XSD it may name."""
    resolver = Resolver(document)
    rpc = document.get("x-sdkgen-rpc")
    xsd_name = document.get("x-sdkgen-xsd")
    xsd = None
    if isinstance(xsd_name, str) and folder is not None:
        xsd = Xsd(folder / xsd_name, str(Path(display).parent / xsd_name))
    found: dict[str, SpecOperation] = {}
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, Mapping) or "operationId" not in operation:
                continue
            op_id = str(operation["operationId"])
            found[op_id] = _operation(
                document, resolver, rpc, xsd, path, method, item, operation
            )
    return found


def _operation(
    document: Mapping[str, Any],
    resolver: Resolver,
    rpc: Any,
    xsd: Xsd | None,
    path: str,
    method: str,
    item: Mapping[str, Any],
    operation: Mapping[str, Any],
) -> SpecOperation:
    parameters: dict[str, list[SpecField]] = {"path": [], "query": [], "header": []}
    for raw in list(item.get("parameters", [])) + list(operation.get("parameters", [])):
        parameter = resolver.schema(raw)
        where = parameter.get("in")
        if where in parameters:
            built = build_field(
                str(parameter["name"]),
                parameter.get("schema", {}),
                bool(parameter.get("required", False)),
                resolver,
            )
            if "x-sdkgen-client-parameter" in parameter:
                built = replace(built, client=True)
            parameters[where].append(built)
    rpc_headers: dict[str, str] = {}
    wire_method, wire_path = method.upper(), path
    if isinstance(rpc, Mapping):
        wire_method = str(rpc.get("method", "POST")).upper()
        wire_path = str(rpc.get("path", "/"))
        version = str(rpc.get("version", document.get("info", {}).get("version", "")))
        for key, value in (
            ("action-header", path.lstrip("/")),
            ("version-header", version),
        ):
            if key in rpc:
                rpc_headers[str(rpc[key])] = value
        for header, value in rpc_headers.items():
            parameters["header"].append(
                SpecField(header, "string", True, value=value, implicit=True)
            )
    parameters["header"] += _security_headers(document, operation)
    pointer = "/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method
    body_schema = _json_schema(resolver, operation.get("requestBody"))
    body = None
    if body_schema is not None:
        body = children(resolver.schema(body_schema), resolver)
    xml_body = None
    reference = _xml_reference(resolver, operation.get("requestBody"))
    if xsd is not None and reference is not None:
        xml_body = xsd.body(reference, pointer + "/requestBody")
        body = (xsd.field(xml_body),)
    responses: dict[str, Mapping[str, Any]] = {}
    xml_responses: dict[str, XmlBody] = {}
    for status, response in operation.get("responses", {}).items():
        schema = _json_schema(resolver, response)
        if schema is not None:
            responses[str(status)] = resolver.schema(schema)
        reference = _xml_reference(resolver, response)
        if xsd is not None and reference is not None:
            where = f"{pointer}/responses/{status}"
            xml_responses[str(status)] = xsd.body(reference, where)
    return SpecOperation(
        id=str(operation["operationId"]),
        method=method.upper(),
        path=path,
        pointer=pointer,
        wire_method=wire_method,
        wire_path=wire_path,
        parameters={k: tuple(v) for k, v in parameters.items()},
        body=body,
        body_schema=None if body_schema is None else resolver.schema(body_schema),
        responses=responses,
        rpc_headers=rpc_headers,
        xsd=xsd,
        xml_body=xml_body,
        xml_responses=xml_responses,
    )


def _xml_reference(resolver: Resolver, holder: Any) -> Any:
    media = resolver.schema(holder).get("content", {}).get("application/xml")
    if not isinstance(media, Mapping):
        return None
    return resolver.schema(media.get("schema")).get("x-sdkgen-xml")


def _json_schema(resolver: Resolver, holder: Any) -> Any:
    resolved = resolver.schema(holder)
    media = resolved.get("content", {}).get(JSON)
    return None if not isinstance(media, Mapping) else media.get("schema")


def _security_headers(
    document: Mapping[str, Any], operation: Mapping[str, Any]
) -> list[SpecField]:
    requirements = operation.get("security", document.get("security", []))
    schemes = document.get("components", {}).get("securitySchemes", {})
    headers = []
    for requirement in requirements:
        for name in requirement:
            scheme = schemes.get(name, {})
            if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                headers.append(
                    SpecField(
                        str(scheme["name"]),
                        "string",
                        required=len(requirements) == 1,
                        implicit=True,
                    )
                )
    return headers


def success_status(operation: SpecOperation) -> str | None:
    """The first 2xx response with a JSON body: what a page's "response" means."""
    for status in sorted({*operation.responses, *operation.xml_responses}):
        if status.startswith("2"):
            return status
    return None


def response_fields(
    operation: SpecOperation, status: str, root: tuple[str, ...], resolver: Resolver
) -> tuple[SpecField, ...] | None:
    xml = operation.xml_responses.get(status)
    if xml is not None and operation.xsd is not None:
        tree: tuple[SpecField, ...] = (operation.xsd.field(xml),)
        for name in root:
            match = [f for f in tree if f.name == name]
            if not match:
                return None
            tree = match[0].children
        return tree
    schema: Mapping[str, Any] | None = operation.responses.get(status)
    for name in root:
        if schema is None:
            return None
        schema = resolver.schema(schema.get("properties", {}).get(name))
    return None if schema is None else children(schema, resolver)
