"""The document being read, and how its places are named in errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import SpecError, pointer, pointer_parts

if TYPE_CHECKING:
    from ..xsd_read import Schema


class Context:
    """The document being read and how to name its places in errors."""

    def __init__(
        self, document: Mapping[str, Any], file: str, xsd: Schema | None = None
    ) -> None:
        self.document = document
        self.file = file
        # The XSD beside the spec (as `generator.xsd_read` reads it), for XML bodies.
        self.xsd = xsd

    def error(self, where: tuple[Any, ...], message: str) -> SpecError:
        return SpecError(self.file, pointer(*where), message)

    def deref(self, node: Any, where: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...]]:
        """Follow `$ref`s (already proven to resolve) to the node and its location."""
        while isinstance(node, dict) and "$ref" in node:
            parts = pointer_parts(node["$ref"][1:])
            target: Any = self.document
            for part in parts:
                target = target[part]
            node, where = target, parts
        return node, where


def clean(text: Any) -> str:
    return str(text).strip()
