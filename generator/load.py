"""Read a spec file, bring it to OpenAPI 3.1, and prove it valid before anything uses it.

Published documents come in three versions and two syntaxes, and with mistakes that do not
stop generation: those are warnings (`errors.warn`), each at its exact place. Only what
truly prevents generation is an error.
"""

from __future__ import annotations

import json
import os
import string
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from . import yaml_events
from .errors import SpecError, pointer, pointer_parts, warn

if TYPE_CHECKING:
    from .xsd_read import Schema


def load_openapi(path: Path, display: str) -> dict[str, Any]:
    """Read `path` (YAML or JSON; OpenAPI 3.1, 3.0 or Swagger 2.0), normalise it to
    OpenAPI 3.1 and prove the result valid; `display` is how errors and warnings name
    the file. Warnings go to the innermost `errors.collect()`."""
    from .normalise import to_openapi31

    document = read_document(path, display)
    if not isinstance(document, dict):
        raise SpecError(display, "", "not an OpenAPI document (expected a mapping)")
    document = to_openapi31(document, display)
    _check_refs(document, display)
    _unique_operation_ids(document, display)
    _path_parameters(document, display)
    _check_openapi(document, display)
    return document


def read_document(path: Path, display: str) -> Any:
    """The file's value: JSON by the JSON rules when its name says so, else YAML by the
    YAML 1.2 core schema (`yaml_events`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SpecError(display, "", f"cannot read: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise SpecError(display, "", f"not UTF-8 text: {error.reason}") from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            where = f"line {error.lineno}, column {error.colno}"
            raise SpecError(display, where, f"JSON syntax error: {error.msg}") from None
    try:
        document = yaml_events.load(text)
        if document is None:  # not plain enough for the fast path (or not valid)
            document = yaml_events.load_full(text)
    except yaml.MarkedYAMLError as error:
        mark, context = error.problem_mark, error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        message = f"YAML syntax error: {error.problem}"
        if error.context and context:
            message += f" ({error.context} at line {context.line + 1}, column {context.column + 1})"
        raise SpecError(display, where, message) from None
    except yaml.YAMLError as error:
        raise SpecError(display, "", f"YAML error: {error}") from None
    return document


def load_xsd(path: Path, display: str) -> Schema:
    """Read an XSD (1.1) beside a spec, in the subset the generator supports; errors name
    the file and the line."""
    from .xsd_read import read_xsd

    if not path.is_file():
        raise SpecError(display, "", "cannot read: no such file")
    return read_xsd(path, display)


# Keywords whose values are data (a `$ref` key in them is just a key) ...
_DATA = frozenset({"example", "default", "enum", "const"})
# ... unless they are names: the keys of these maps are (a property called `default`).
_NAMES = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
        "schemas",
        "parameters",
        "responses",
        "requestBodies",
        "headers",
        "securitySchemes",
        "links",
        "callbacks",
        "pathItems",
        "paths",
        "webhooks",
        "content",
        "encoding",
        "variables",
        "mapping",
        "scopes",
    }
)


def _walk_refs(
    node: Any, path: tuple[Any, ...]
) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield path + ("$ref",), ref
        names = bool(path) and path[-1] in _NAMES
        for key, value in node.items():
            if not names and (
                key in _DATA or (key == "examples" and isinstance(value, list))
            ):
                continue
            if not names and key == "examples" and isinstance(value, dict):
                # Example Objects: each may be a reference; their `value` is data.
                for name, example in value.items():
                    if isinstance(example, dict) and isinstance(
                        example.get("$ref"), str
                    ):
                        yield path + (key, name, "$ref"), example["$ref"]
                continue
            yield from _walk_refs(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk_refs(value, path + (index,))


def _resolves(document: Any, ref: str) -> bool:
    node = document
    for token in pointer_parts(ref[1:]):
        if isinstance(node, dict) and token in node:
            node = node[token]
        else:
            return False
    return True


def _check_refs(document: dict[str, Any], display: str) -> None:
    # The validator crashes on dangling references instead of reporting them, and only
    # local references are followed: check both here, with the reference's own location.
    # Inside an extension, or naming an example, a reference the generator does not read
    # is only a warning; an example that cannot be read is dropped.
    for path, ref in list(_walk_refs(document, ())):
        local = ref.startswith("#")
        if local and _resolves(document, ref):
            continue
        what = "a reference to another file" if not local else "a dangling reference"
        if any(isinstance(part, str) and part.startswith("x-") for part in path):
            warn(display, pointer(*path), f"{what} ({ref!r}) in an extension: ignored")
        elif len(path) >= 3 and path[-3] == "examples":
            del _at(document, path[:-3])["examples"][path[-2]]
            warn(display, pointer(*path), f"{what} ({ref!r}) names an example: dropped")
        elif not local:
            raise SpecError(
                display, pointer(*path), f"only local references are supported: {ref!r}"
            )
        else:
            raise SpecError(display, pointer(*path), f"dangling reference {ref!r}")


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    node = document
    for part in path:
        node = node[int(part) if isinstance(node, list) else part]
    return node


_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _unique_operation_ids(document: dict[str, Any], display: str) -> None:
    """An operationId used by several operations names none of them: each is dropped,
    so every one of them is named from its method and path instead."""
    places: dict[Any, list[dict[str, Any]]] = {}
    wheres: dict[int, str] = {}
    paths = document.get("paths")
    for url, item in paths.items() if isinstance(paths, dict) else ():
        for method in _METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict) and "operationId" in operation:
                places.setdefault(operation["operationId"], []).append(operation)
                wheres[id(operation)] = pointer("paths", url, method, "operationId")
    for name, operations in places.items():
        if len(operations) < 2:
            continue
        for operation in operations:
            del operation["operationId"]
            warn(
                display,
                wheres[id(operation)],
                f"operationId {name!r} is used by {len(operations)} operations: "
                "dropped, the name comes from the method and path",
            )


def _deref(document: Any, node: Any) -> Any:
    seen = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        if node["$ref"] in seen:
            return {}
        seen.add(node["$ref"])
        node = _at(document, pointer_parts(node["$ref"][1:]))
    return node


def _unique_parameters(
    document: dict[str, Any],
    display: str,
    operation: dict[str, Any],
    where: tuple[str, str],
) -> list[Any]:
    """The operation's parameters, each (name, in) once: a repeat is dropped."""
    kept, seen, out = [], set(), []
    for index, raw in enumerate(operation.get("parameters") or ()):
        parameter = _deref(document, raw)
        key = (
            (parameter.get("name"), parameter.get("in"))
            if isinstance(parameter, dict)
            else None
        )
        if key is not None and key in seen:
            warn(
                display,
                pointer("paths", *where, "parameters", index),
                f"{key[1]} parameter {key[0]!r} is declared twice: the first is kept",
            )
            continue
        seen.add(key)
        kept.append(raw)
        out.append(parameter)
    if len(kept) != len(operation.get("parameters") or ()):
        operation["parameters"] = kept
    return out


def _path_parameters(document: dict[str, Any], display: str) -> None:
    """Every `{name}` of a path template declared as a path parameter of each of its
    operations: one the spec forgot is a required string, with a warning."""
    paths = document.get("paths")
    for url, item in paths.items() if isinstance(paths, dict) else ():
        item = _deref(document, item)
        if not isinstance(item, dict) or not isinstance(url, str):
            continue
        in_url = [field for _, field, _, _ in string.Formatter().parse(url) if field]
        shared = [_deref(document, p) for p in item.get("parameters") or ()]
        for method in _METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict) or "$ref" in operation:
                continue
            own = _unique_parameters(document, display, operation, (url, method))
            declared = {
                p.get("name")
                for p in shared + own
                if isinstance(p, dict) and p.get("in") == "path"
            }
            missing = [name for name in in_url if name not in declared]
            if not missing:
                continue
            parameters = operation.setdefault("parameters", [])
            for name in missing:
                warn(
                    display,
                    pointer("paths", url, method, "parameters"),
                    f"path parameter {name!r} of the URL is not declared: "
                    "read as a required string",
                )
                parameters.append(
                    {
                        "name": name,
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                )


def _check_openapi(document: dict[str, Any], display: str) -> None:
    from .fast_check import invalid_defaults, is_valid

    if is_valid(document):
        return
    # A default its own schema refuses is a published spec's most common slip: the
    # generator does without it (no default is sent, the vendor's applies).
    dropped = False
    for where in invalid_defaults(document):
        schema = _at(document, pointer_parts(where))
        warn(
            display,
            where + "/default",
            f"default {schema.pop('default')!r} does not match its own schema: dropped",
        )
        dropped = True
    if dropped and is_valid(document):
        return
    _explain(document, display)


def _explain(document: dict[str, Any], display: str) -> None:
    """The slow path, for a spec the fast one doubts: the first error, with its place."""
    # openapi-spec-validator picks jsonschema-rs when it is installed, and its messages
    # are not the ones this path promises: keep the Python backend.
    os.environ["OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND"] = "jsonschema"
    from jsonschema.validators import Draft202012Validator
    from openapi_spec_validator.validation import OpenAPIV31SpecValidator

    # Schema errors from the OpenAPI validator lose their place in the document, so check
    # each named schema first, where the location is known.
    schemas = document.get("components", {}).get("schemas", {})
    if isinstance(schemas, dict):
        meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
        for name, schema in schemas.items():
            for error in meta.iter_errors(schema):
                where = pointer("components", "schemas", name, *error.absolute_path)
                raise SpecError(display, where, error.message)
    for error in OpenAPIV31SpecValidator(document).iter_errors():
        raise SpecError(display, pointer(*error.absolute_path), error.message)
