"""What an SDK's model classes say about an operation, and the interface of a reader."""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass
from types import ModuleType
from typing import Protocol


class SdkError(Exception):
    """An SDK class its reader cannot make sense of (exit code 2, like a bad page)."""


@dataclass(frozen=True)
class SdkField:
    """One field of a model class, by its name on the wire.

    `None` is "the SDK does not say": Tencent's models never state whether a field is
    required, and only some SDKs list enum values. Only what the SDK says is compared.
    """

    name: str
    type: str | None  # as the spec's are written: string, integer, array of object, …
    required: bool | None = None
    enum: tuple[str, ...] | None = None
    children: tuple[SdkField, ...] | None = None  # a model's fields; None: not a model


@dataclass(frozen=True)
class SdkOperation:
    request: tuple[SdkField, ...]  # every request field, wherever it travels
    response: tuple[SdkField, ...]  # the success body (under `response_root`)


class Reader(Protocol):
    name: str
    # Where the response model sits in the body: Tencent's is under "Response".
    response_root: tuple[str, ...]

    def request(self, module: ModuleType, name: str) -> tuple[SdkField, ...] | None:
        """The fields of request class `name`; None when the module has no such class."""
        ...

    def response(self, module: ModuleType, name: str) -> tuple[SdkField, ...] | None:
        """The fields of the success body of response class `name`, or None."""
        ...


def model_class(module: ModuleType, name: str) -> type | None:
    found = getattr(module, name, None)
    return found if isinstance(found, type) else None


def method_tree(cls: type, method: str) -> ast.FunctionDef | None:
    """The syntax tree of `cls.<method>` as written in the SDK's source, or None."""
    function = cls.__dict__.get(method)
    if function is None:
        return None
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError) as error:
        raise SdkError(
            f"{cls.__name__}.{method}: no source to read ({error})"
        ) from None
    node = ast.parse(source).body[0]
    return node if isinstance(node, ast.FunctionDef) else None


def self_attribute(node: ast.AST) -> str | None:
    """`x` for `self.x`."""
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    ):
        return node.attr
    return None
