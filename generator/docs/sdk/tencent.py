"""Tencent Cloud API 3.0 SDKs (`tencentcloud-sdk-python-*`): each model is an
`AbstractModel` whose `__init__` docstring types every field (`:type Text: str`,
`list of str`, `` :class:`tencentcloud.mps.v20190612.models.X` ``) and whose
`_deserialize` reads it by its name on the wire (`params.get("Text")`).

Optionality: the models never say (the API reference does), so it is not compared.
Enum values: a description's list after "枚举值" (`<li>success\uff1a 成功</li>`, the value
before a full-width colon).

A response model is the content of the body's "Response" object.
"""

from __future__ import annotations

import ast
import html
import re
from types import ModuleType

from .model import SdkError, SdkField, method_tree, model_class

_PRIMITIVES = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
}
_TYPE = re.compile(r"^\s*:type (\w+):\s*(.+?)\s*$", re.MULTILINE)
_PARAM = re.compile(r"^\s*:param _?(\w+):(.*)$", re.MULTILINE)
_CLASS = re.compile(r":class:`(?:[\w.]+\.)?(\w+)`")
_ITEMS = re.compile(r"<li>(.*?)</li>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


class TencentReader:
    name = "tencent"
    response_root: tuple[str, ...] = ("Response",)

    def request(self, module: ModuleType, name: str) -> tuple[SdkField, ...] | None:
        cls = model_class(module, name)
        return None if cls is None else _fields(module, cls, frozenset())

    def response(self, module: ModuleType, name: str) -> tuple[SdkField, ...] | None:
        return self.request(module, name)


def _fields(
    module: ModuleType, cls: type, path: frozenset[type]
) -> tuple[SdkField, ...]:
    doc = getattr(cls.__dict__.get("__init__"), "__doc__", None) or ""
    wire = _wire_names(cls)
    descriptions = {name: text for name, text in _PARAM.findall(doc)}
    fields = []
    for name, declared in _TYPE.findall(doc):
        type_, model = _type(module, declared)
        children = None
        if model is not None and model not in path:
            children = _fields(module, model, path | {cls})
        fields.append(
            SdkField(
                name=name,
                type=type_,
                enum=_enum(descriptions.get(name, "")),
                children=children,
            )
        )
    typed = {field.name for field in fields}
    # A field `_deserialize` reads but the docstring does not type is still a field.
    fields += [SdkField(name=name, type=None) for name in wire if name not in typed]
    return tuple(fields)


def _type(module: ModuleType, declared: str) -> tuple[str | None, type | None]:
    declared = declared.strip()
    if declared.startswith("list of "):
        # `list of int non-negative`: the first word is the type.
        inner, model = _type(module, declared[len("list of ") :].split()[0])
        return (f"array of {inner}" if inner else "array"), model
    if declared in _PRIMITIVES:
        return _PRIMITIVES[declared], None
    match = _CLASS.fullmatch(declared)
    name = match.group(1) if match else declared
    model = model_class(module, name)
    if model is None:
        raise SdkError(f"unknown type {declared!r} in {module.__name__}")
    return "object", model


def _wire_names(cls: type) -> list[str]:
    """The names `_deserialize` reads: `params.get("Name")`."""
    tree = method_tree(cls, "_deserialize")
    if tree is None:
        raise SdkError(f"{cls.__name__}: no _deserialize")
    names: list[str] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "params"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and node.args[0].value not in names
        ):
            names.append(node.args[0].value)
    return names


def _enum(description: str) -> tuple[str, ...] | None:
    at = description.find("枚举值")
    if at < 0:
        return None
    listing = description[at:]
    end = listing.find("</ul>")
    values = []
    for item in _ITEMS.findall(listing if end < 0 else listing[:end]):
        text = html.unescape(_TAG.sub("", item))
        value = re.split("\uff1a|:\\s", text + " ", maxsplit=1)[0].strip()
        if value:
            values.append(value)
    return tuple(values) if values else None
