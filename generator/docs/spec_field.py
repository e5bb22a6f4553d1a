"""A field as the spec states it: the one shape JSON schemas and XSD elements both become."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import Range
from .prose import number


@dataclass(frozen=True)
class SpecField:
    name: str
    type: str | None
    required: bool = False
    enum: tuple[str, ...] = ()
    range: Range | None = None
    default: str | None = None
    min_length: str | None = None
    max_length: str | None = None
    max_bytes: str | None = None
    value: str | None = None
    children: tuple[SpecField, ...] = ()
    implicit: bool = False
    # An `x-sdkgen-client-parameter`: given once to the client, as official SDKs take
    # a project or a region in their configuration rather than in each request model.
    client: bool = False


def text(value: Any) -> str:
    """A schema value as the report writes it (the same way page values are written)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return number(repr(value))
    return str(value)
