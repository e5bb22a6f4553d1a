"""Huawei Cloud SDKs (`huaweicloudsdk*`): each model class has `openapi_types`
(attribute → type: `str`, `int`, `list[TtsJobFile]`, `dict(str, str)`, a model class
name) and `attribute_map` (attribute → name on the wire).

Optionality: the generated `__init__` assigns a required attribute unconditionally
(`self.text = text`) and an optional one under `if text is not None:`. A response class
(an `SdkResponse`) reads every field that way, so its fields are optional. Enum values
appear only in descriptions, in no fixed form: not read.

A request class holds the parameters (path, query, header) and, in `body`, the body's
model; both are request fields here, as the spec's parameters and body are.
"""

from __future__ import annotations

import ast
import re
from types import ModuleType
from typing import Any

from .model import (
    SdkError,
    SdkField,
    method_tree,
    model_class,
    self_attribute,
)

_PRIMITIVES = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "object": "object",
    "datetime": "string",
    "date": "string",
    "file": "string",
}
_LIST = re.compile(r"list\[(.+)\]")


class HuaweiReader:
    name = "huawei"
    response_root: tuple[str, ...] = ()

    def request(self, module: ModuleType, name: str) -> tuple[SdkField, ...] | None:
        cls = model_class(module, name)
        if cls is None:
            return None
        fields: list[SdkField] = []
        for field in _fields(module, cls, frozenset()):
            if field.name == "body" and field.children is not None:
                fields += field.children
            else:
                fields.append(field)
        return tuple(fields)

    def response(self, module: ModuleType, name: str) -> tuple[SdkField, ...] | None:
        cls = model_class(module, name)
        return None if cls is None else _fields(module, cls, frozenset())


def _fields(
    module: ModuleType, cls: type, path: frozenset[type]
) -> tuple[SdkField, ...]:
    types: Any = getattr(cls, "openapi_types", None)
    names: Any = getattr(cls, "attribute_map", None)
    if not isinstance(types, dict) or not isinstance(names, dict):
        raise SdkError(f"{cls.__name__}: no openapi_types and attribute_map")
    required = _always_assigned(cls)
    fields = []
    for attribute, declared in types.items():
        type_, model = _type(module, str(declared))
        children = None
        if model is not None and model not in path:
            children = _fields(module, model, path | {cls})
        fields.append(
            SdkField(
                name=str(names.get(attribute, attribute)),
                type=type_,
                required=attribute in required,
                children=children,
            )
        )
    return tuple(fields)


def _type(module: ModuleType, declared: str) -> tuple[str | None, type | None]:
    """The spec's spelling of a declared type, and the model class it names, if any."""
    declared = declared.strip()
    if declared in _PRIMITIVES:
        return _PRIMITIVES[declared], None
    if declared.startswith("dict("):
        return "object", None
    items = _LIST.fullmatch(declared)
    if items:
        inner, model = _type(module, items.group(1))
        return (f"array of {inner}" if inner else "array"), model
    model = model_class(module, declared)
    if model is None:
        raise SdkError(f"unknown type {declared!r} in {module.__name__}")
    return "object", model


def _always_assigned(cls: type) -> set[str]:
    """Attributes the `__init__` sets whatever it is given: the required ones."""
    tree = method_tree(cls, "__init__")
    if tree is None:
        return set()
    found = set()
    for statement in tree.body:  # only the top level: not under an `if … is not None`
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            attribute = self_attribute(statement.targets[0])
            value = statement.value
            if (
                attribute is not None
                and isinstance(value, ast.Name)
                and value.id == attribute
            ):
                found.add(attribute)
    return found
