"""A fast yes/no on "is this a valid OpenAPI 3.1 document?", for the common case of a
valid spec.

openapi-spec-validator, in pure Python, takes seconds on a large spec (`load.py` keeps it
for the error message: file and JSON pointer). Here the same checks run with jsonschema-rs,
against the same meta-schemas (read from the installed validators' package data), and
its semantic checks are redone over the plain document. Anything this module is unsure of
answers "no", which only sends the document to the slow path: it must never say "yes" to
a document the slow path refuses.
"""

from __future__ import annotations

import json
import string
from base64 import b64decode
from collections.abc import Iterator
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .errors import pointer, pointer_parts

_OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Where a schema holds schemas that openapi-spec-validator walks into.
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SUBSCHEMAS = ("not", "items")
_SPEC = "urn:tts-sdkgen:spec"


class _Unsure(Exception):
    """Something this fast pass does not decide: the slow path will."""


def _json(package: str, resource: str) -> Any:
    # Found, not imported: importing openapi-spec-validator costs more than validating.
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(package)
    folder = Path(next(iter(spec.submodule_search_locations)))
    return json.loads((folder / resource).read_text(encoding="utf-8"))


@cache
def _document_validator() -> Any:
    import jsonschema_rs

    schema = _json("openapi_spec_validator", "resources/schemas/v3.1/schema.json")
    return jsonschema_rs.validator_for(schema)


@cache
def _dialect_registry() -> Any:
    import jsonschema_rs

    vocabulary = _json("openapi_schema_validator", "schemas/oas3.1/vocabularies/base")
    return jsonschema_rs.Registry([(vocabulary["$id"], vocabulary)])


def _is_byte(value: str) -> bool:
    try:
        b64decode(value)
    except ValueError:
        return False
    return True


# The OpenAPI formats openapi-schema-validator checks on strings; the numeric ones are
# checked in `_defaults_in_range`.
_FORMATS = {"byte": _is_byte, "binary": _is_byte}


@cache
def _schema_validator() -> Any:
    import jsonschema_rs

    dialect = _json("openapi_schema_validator", "schemas/oas3.1/metaschema.json")
    # Formats checked as openapi-spec-validator does (a `pattern` must be a regex, …).
    return jsonschema_rs.validator_for(
        dialect, registry=_dialect_registry(), validate_formats=True
    )


def warm_up() -> None:
    """Compile the meta-schemas (once, before workers fork)."""
    try:
        _document_validator()
        _schema_validator()
    except ImportError:  # pragma: no cover - the slow path still works
        pass


def is_valid(document: dict[str, Any]) -> bool:
    """True only if openapi-spec-validator would find nothing wrong with `document`
    (whose references are all local and resolve: `load._check_refs`)."""
    try:
        import jsonschema_rs  # noqa: F401
    except (
        ImportError
    ):  # pragma: no cover - a pinned dependency; the slow path still works
        return False
    if "jsonSchemaDialect" in document or not _document_validator().is_valid(document):
        return False
    try:
        return _Walk(document).valid()
    # A shape the walk did not expect is for the slow path to name.
    except (_Unsure, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return False


class _Walk:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.meta_checked: set[int] = set()
        self.visited: set[int] = set()
        # (pointer to a schema, its default), validated together at the end.
        self.defaults: list[tuple[str, Any]] = []

    def resolve(self, node: Any, where: str) -> tuple[Any, str]:
        seen = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#"):
                raise _Unsure(ref)
            seen.add(ref)
            where = ref[1:]
            node = self.document
            for token in pointer_parts(where):
                node = node[int(token) if isinstance(node, list) else token]
        return node, where

    def valid(self) -> bool:
        doc = self.document
        tags = doc.get("tags", [])
        names = [tag["name"] for tag in tags]
        if len(names) != len(set(names)):
            return False
        operation_ids: set[Any] = set()
        for url, item in doc.get("paths", {}).items():
            item, where = self.resolve(item, pointer("paths", url))
            shared = list(
                self.parameters(item.get("parameters"), where + "/parameters")
            )
            for method in _OPERATIONS:
                if method not in item:
                    continue
                operation, at = self.resolve(item[method], f"{where}/{method}")
                if "operationId" in operation:
                    if operation["operationId"] in operation_ids:
                        return False
                    operation_ids.add(operation["operationId"])
                if "requestBody" in operation:
                    # Its schemas' defaults are checked as a response's are.
                    body, bat = self.resolve(
                        operation["requestBody"], f"{at}/requestBody"
                    )
                    self.content(body.get("content"), bat + "/content")
                for code, response in operation.get("responses", {}).items():
                    response, rat = self.resolve(response, f"{at}/responses/{code}")
                    self.content(response.get("content"), rat + "/content")
                own = list(
                    self.parameters(operation.get("parameters"), at + "/parameters")
                )
                declared = {p["name"] for p in shared + own if p.get("in") == "path"}
                in_url = {
                    field for _, field, _, _ in string.Formatter().parse(url) if field
                }
                if declared != in_url:
                    return False
        for name, schema in doc.get("components", {}).get("schemas", {}).items():
            self.schema(schema, pointer("components", "schemas", name))
        return self.defaults_valid()

    def parameters(self, parameters: Any, where: str) -> Iterator[dict[str, Any]]:
        if parameters is None:
            return
        seen = set()
        for index, parameter in enumerate(parameters):
            parameter, at = self.resolve(parameter, f"{where}/{index}")
            key = (parameter.get("name"), parameter.get("in"))
            if key in seen:
                raise _Unsure("duplicate parameter")
            seen.add(key)
            if "schema" in parameter:
                self.schema(parameter["schema"], at + "/schema")
            self.content(parameter.get("content"), at + "/content")
            yield parameter

    def content(self, content: Any, where: str) -> None:
        for media, entry in (content or {}).items():
            entry, at = self.resolve(entry, where + pointer(media))
            if "schema" in entry:
                self.schema(entry["schema"], at + "/schema")

    def schema(self, schema: Any, where: str) -> None:
        schema, where = self.resolve(schema, where)
        if isinstance(schema, bool):
            return
        if not isinstance(schema, dict) or "$schema" in schema:
            raise _Unsure(where)
        if id(schema) not in self.meta_checked:
            self.meta_checked.add(id(schema))
            if not _schema_validator().is_valid(schema):
                raise _Unsure(where)
        if id(schema) in self.visited:
            return
        self.visited.add(id(schema))
        for key in _SUBSCHEMA_LISTS:
            for index, sub in enumerate(schema.get(key, [])):
                self.schema(sub, f"{where}/{key}/{index}")
        for key in _SUBSCHEMAS:
            if key in schema:
                self.schema(schema[key], f"{where}/{key}")
        for name, sub in schema.get("properties", {}).items():
            self.schema(sub, where + pointer("properties", name))
        if "allOf" in schema:
            defined = set(schema.get("properties", {}))
            for sub in schema["allOf"]:
                defined |= self.properties(sub, set())
            # Stricter than the slow path (which checks roots only): unsure, not wrong.
            if set(schema.get("required", [])) - defined:
                raise _Unsure(where)
        if "default" in schema:
            self.defaults.append((where, schema["default"]))
            _defaults_in_range(schema)

    def properties(self, schema: Any, seen: set[int]) -> set[str]:
        schema, _ = self.resolve(schema, "")
        if not isinstance(schema, dict) or id(schema) in seen:
            return set()
        seen.add(id(schema))
        found = set(schema.get("properties", {}))
        for key in _SUBSCHEMA_LISTS:
            for sub in schema.get(key, []):
                found |= self.properties(sub, seen)
        for key in _SUBSCHEMAS:
            if key in schema:
                found |= self.properties(schema[key], seen)
        return found

    def defaults_valid(self) -> bool:
        """Every default against its schema, in one validation: the spec is a resource
        of the registry, and each default is an item checked against `$ref` to its schema."""
        if not self.defaults:
            return True
        import jsonschema_rs

        registry = jsonschema_rs.Registry([(_SPEC, self.document)])
        validator = jsonschema_rs.validator_for(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "array",
                "prefixItems": [
                    {"$ref": f"{_SPEC}#{quote(where)}"} for where, _ in self.defaults
                ],
            },
            registry=registry,
            validate_formats=True,
            formats=_FORMATS,
        )
        return bool(validator.is_valid([value for _, value in self.defaults]))


def _defaults_in_range(schema: dict[str, Any]) -> None:
    # openapi-schema-validator's int32 and int64 formats: jsonschema-rs knows neither.
    value, bits = (
        schema["default"],
        {"int32": 31, "int64": 63}.get(str(schema.get("format"))),
    )
    if (
        bits is not None
        and isinstance(value, int)
        and not isinstance(value, bool)
        and not -(2**bits) <= value < 2**bits
    ):
        raise _Unsure("default out of range")


def invalid_defaults(document: dict[str, Any]) -> list[str]:
    """The pointers of the schemas whose `default` their own schema refuses (`document`'s
    references all local and resolving)."""
    import jsonschema_rs

    from .normalise.walk import SchemaMap

    found: list[tuple[str, Any]] = []

    def record(schema: dict[str, Any], where: tuple[Any, ...]) -> dict[str, Any]:
        if "default" in schema:
            found.append((pointer(*where), schema["default"]))
        return schema

    SchemaMap(record).document(document)
    if not found:
        return []
    validator = jsonschema_rs.validator_for(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "array",
            "prefixItems": [{"$ref": f"{_SPEC}#{quote(where)}"} for where, _ in found],
        },
        registry=jsonschema_rs.Registry([(_SPEC, document)]),
        validate_formats=True,
        formats=_FORMATS,
    )
    bad = set()
    for error in validator.iter_errors([value for _, value in found]):
        path = list(error.instance_path)
        if path and isinstance(path[0], int):
            bad.add(path[0])
    return [found[index][0] for index in sorted(bad)]
