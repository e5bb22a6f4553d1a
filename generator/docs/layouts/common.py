"""What the layouts share: type names, yes/no cells, parameter names, examples in a section."""

from __future__ import annotations

import re

from ..model import Direction, PageExample
from ..source import Source, block, http_preamble, is_block_start

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_TYPES = {
    "string": "string",
    "str": "string",
    "integer": "integer",
    "int": "integer",
    "int32": "integer",
    "int64": "integer",
    "long": "integer",
    "uint64": "integer",
    "number": "number",
    "float": "number",
    "double": "number",
    "boolean": "boolean",
    "bool": "boolean",
    "object": "object",
    "map": "object",
    "container": "object",
    "array": "array",
    "list": "array",
    "timestamp": "string",
    "timestamp iso8601": "string",
    "date": "string",
}
_ARRAY_OF = re.compile(r"^array of (?P<item>.+?)$", re.IGNORECASE)
_TRAILING_ARRAY = re.compile(r"^(?P<item>\w+) array$", re.IGNORECASE)
_OBJECT_NAMED = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*) objects?$")


def normalize_type(text: str) -> str | None:
    """A page's type name as the report writes it; None if it is not a type name."""
    low = text.strip().lower()
    if low in _TYPES:
        return _TYPES[low]
    if _OBJECT_NAMED.match(text.strip()):
        return "object"
    array = _ARRAY_OF.match(low) or _TRAILING_ARRAY.match(low)
    if array:
        item = array["item"]
        for suffix in (" objects", " object", "s"):
            if item.endswith(suffix) and item[: -len(suffix)] in _TYPES:
                item = item[: -len(suffix)]
                break
        inner = _TYPES.get(
            item, "object" if item.endswith(("object", "objects")) else None
        )
        return f"array of {inner}" if inner else None
    return None


def referenced_table(text: str) -> str | None:
    """The named table a type refers to: `TtsCallBackConfig object` → `TtsCallBackConfig`."""
    stripped = text.strip()
    match = _OBJECT_NAMED.match(stripped)
    if match and match["name"].lower() not in _TYPES:
        return match["name"]
    array = re.match(r"^Array of (?P<name>[A-Za-z_][A-Za-z0-9_]*) objects?$", stripped)
    return array["name"] if array else None


def yes_no(text: str) -> bool | None:
    return {"yes": True, "no": False}.get(text.strip().lower())


def examples_in(
    source: Source,
    start: int,
    end: int,
    direction: Direction,
    status: str | None = None,
    operation: str | None = None,
) -> tuple[list[PageExample], int]:
    """The example blocks between `lines[start:end]`, and where the last one ended."""
    found: list[PageExample] = []
    index = start
    while index < end:
        if not is_block_start(source.lines[index]):
            index += 1
            continue
        media, value, after = block(source, index)
        target, headers = http_preamble(source, index)
        found.append(
            PageExample(
                line=index + 1,
                direction=direction,
                media="xml" if media == "xml" else "json",
                value=value,
                status=status,
                operation=operation,
                target=target,
                headers=headers,
            )
        )
        index = after
    return found, index
