"""Read a spec file and prove it is a valid OpenAPI 3.1 document before anything uses it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from . import yaml_events
from .errors import SpecError, pointer, pointer_parts

if TYPE_CHECKING:
    from .xsd_read import Schema


def load_openapi(path: Path, display: str) -> dict[str, Any]:
    """Parse and validate `path`; `display` is how errors name the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SpecError(display, "", f"cannot read: {error.strerror}") from None
    try:
        # libyaml's loader when PyYAML was built with it: several times faster.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        document = yaml_events.load(text, loader)
        if document is None:  # not plain enough for the fast path (or not valid)
            document = yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as error:
        mark, context = error.problem_mark, error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        message = f"YAML syntax error: {error.problem}"
        if error.context and context:
            message += f" ({error.context} at line {context.line + 1}, column {context.column + 1})"
        raise SpecError(display, where, message) from None
    except yaml.YAMLError as error:
        raise SpecError(display, "", f"YAML error: {error}") from None
    if not isinstance(document, dict):
        raise SpecError(display, "", "not an OpenAPI document (expected a mapping)")
    _check_refs(document, display)
    _check_openapi(document, display)
    return document


def load_xsd(path: Path, display: str) -> Schema:
    """Read an XSD (1.1) beside a spec, in the subset the generator supports; errors name
    the file and the line."""
    from .xsd_read import read_xsd

    if not path.is_file():
        raise SpecError(display, "", "cannot read: no such file")
    return read_xsd(path, display)


def _walk_refs(
    node: Any, path: tuple[Any, ...]
) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield path + ("$ref",), ref
        for key, value in node.items():
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
    # local references are supported: check both here, with the reference's own location.
    for path, ref in _walk_refs(document, ()):
        if not ref.startswith("#"):
            raise SpecError(
                display, pointer(*path), f"only local references are supported: {ref!r}"
            )
        if not _resolves(document, ref):
            raise SpecError(display, pointer(*path), f"dangling reference {ref!r}")


def _check_openapi(document: dict[str, Any], display: str) -> None:
    from .fast_check import is_valid

    if not str(document.get("openapi", "")).startswith("3.1"):
        raise SpecError(display, "/openapi", "expected an OpenAPI 3.1 document")
    if is_valid(document):
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
