"""Alibaba Cloud SDKs (Tea / Darabonba models, `alibabacloud_*`): a model's
`__init__` takes each attribute with a type annotation (`str`, `List[main_models.X]`,
`Dict[str, Any]`), `to_map` writes it under its name on the wire
(`result['JobId'] = self.job_id`), and the comment above `self.x = x` describes it.

Optionality: a request field is required when its comment says "This parameter is
required." (or, in older Tea models, `validate` calls `validate_required` on it);
responses never say, so theirs are not compared. Enum values: the comment's list after
a line "Valid values:" (`- Finished: The job is complete.`).

A response class holds the HTTP headers, the status and, in `body`, the body's model:
the body's model is what is compared.
"""

from __future__ import annotations

import ast
import inspect
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
    "bytes": "string",
    "BinaryIO": "string",
}
_REQUIRED = "This parameter is required."
_ASSIGN = re.compile(r"\s*self\.(\w+)\s*=\s*(\w+)\s*$")
_ITEM = re.compile(r"-\s+(.+?)(?::\s.*|:)?$")


class AlibabaReader:
    name = "alibaba"
    response_root: tuple[str, ...] = ()

    def request(self, module: ModuleType, name: str) -> tuple[SdkField, ...] | None:
        cls = model_class(module, name)
        return None if cls is None else _fields(module, cls, frozenset(), request=True)

    def response(self, module: ModuleType, name: str) -> tuple[SdkField, ...] | None:
        cls = model_class(module, name)
        if cls is None:
            return None
        annotations = _annotations(cls)
        if "body" not in annotations:
            raise SdkError(f"{name}: no body attribute")
        _, body = _type(module, annotations["body"])
        if body is None:
            raise SdkError(f"{name}: its body is not a model")
        return _fields(module, body, frozenset(), request=False)


def _annotations(cls: type) -> dict[str, str]:
    parameters = inspect.signature(cls.__init__).parameters  # type: ignore[misc]
    return {
        name: str(parameter.annotation)
        for name, parameter in parameters.items()
        if name != "self"
    }


def _fields(
    module: ModuleType, cls: type, path: frozenset[type], *, request: bool
) -> tuple[SdkField, ...]:
    wire = _wire_names(cls)
    comments = _comments(cls)
    validated = _validated(cls)
    fields = []
    for attribute, annotation in _annotations(cls).items():
        type_, model = _type(module, annotation)
        comment = comments.get(attribute, [])
        children = None
        if model is not None and model not in path:
            children = _fields(module, model, path | {cls}, request=request)
        fields.append(
            SdkField(
                name=wire.get(attribute, attribute),
                type=type_,
                required=(
                    _REQUIRED in " ".join(comment) or attribute in validated
                    if request
                    else None
                ),
                enum=_enum(comment),
                children=children,
            )
        )
    return tuple(fields)


def _type(module: ModuleType, annotation: str) -> tuple[str | None, type | None]:
    text = annotation.replace("main_models.", "").replace("typing.", "").strip()
    if text in _PRIMITIVES:
        return _PRIMITIVES[text], None
    if text in ("Any", "object"):
        return None, None
    if text.startswith(("Dict[", "dict[")):
        return "object", None
    if text.startswith(("List[", "list[")) and text.endswith("]"):
        inner, model = _type(module, text[5:-1])
        return (f"array of {inner}" if inner else "array"), model
    model = model_class(module, text)
    if model is None:
        raise SdkError(f"unknown type {annotation!r} in {module.__name__}")
    return "object", model


def _wire_names(cls: type) -> dict[str, str]:
    """attribute → wire name, from `to_map`: `if self.x is not None: result['X'] = …`."""
    tree = method_tree(cls, "to_map")
    if tree is None:
        raise SdkError(f"{cls.__name__}: no to_map")
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
            continue
        attribute = self_attribute(node.test.left)
        if attribute is None or attribute in names:
            continue
        for inner in (n for statement in node.body for n in ast.walk(statement)):
            if (
                isinstance(inner, ast.Subscript)
                and isinstance(inner.value, ast.Name)
                and inner.value.id == "result"
                and isinstance(inner.slice, ast.Constant)
                and isinstance(inner.slice.value, str)
            ):
                names[attribute] = inner.slice.value
                break
    return names


def _comments(cls: type) -> dict[str, list[str]]:
    """attribute → the comment lines just above `self.x = x` in `__init__`."""
    function: Any = cls.__dict__.get("__init__")
    if function is None:
        return {}
    lines, _ = inspect.getsourcelines(function)
    found: dict[str, list[str]] = {}
    block: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#"):
            block.append(stripped[1:].strip())
            continue
        match = _ASSIGN.match(line)
        if match and match.group(1) == match.group(2):
            found[match.group(1)] = block
        block = []
    return found


def _validated(cls: type) -> set[str]:
    tree = method_tree(cls, "validate")
    if tree is None:
        return set()
    return {
        attribute
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "validate_required"
        and node.args
        and (attribute := self_attribute(node.args[0])) is not None
    }


def _enum(comment: list[str]) -> tuple[str, ...] | None:
    """The values listed after a line "Valid values:"; None when there is no list."""
    values: list[str] = []
    listing = False
    for line in comment:
        if line.endswith("Valid values:"):
            listing = True
            continue
        if not listing or not line:
            continue
        item = _ITEM.fullmatch(line)
        if item is None:
            if values:
                break
            listing = False  # "Valid values:" followed by prose: not a list
            continue
        values.append(item.group(1).strip("`* "))
    return tuple(values) if values else None
