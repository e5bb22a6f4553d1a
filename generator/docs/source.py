"""A saved page as numbered lines, and the blocks every layout finds in it the same way.

A page that cannot be read is a `PageError` naming the page and the line: never a
traceback, never a silent pass.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from .model import PageError

BULLET = "•"
_HTTP_REQUEST = re.compile(r"^(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)\s+(\S+)")
_HTTP_HEADER = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.*)$")
_XML_START = re.compile(r"^<([A-Z][A-Za-z0-9]*)>$")


@dataclass(frozen=True)
class Source:
    display: str
    lines: tuple[str, ...]  # right-stripped, without line ends; lines[0] is line 1

    def error(self, index: int | None, message: str) -> PageError:
        """An error at `lines[index]` (0-based)."""
        return PageError(self.display, None if index is None else index + 1, message)

    def find(self, text: str, start: int = 0) -> int | None:
        """The index of the first line from `start` that is `text` (stripped)."""
        for index in range(start, len(self.lines)):
            if self.lines[index].strip() == text:
                return index
        return None


def read_source(path: Path, display: str) -> Source:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PageError(display, None, f"cannot read: {error.strerror}") from None
    return source_from_bytes(data, display)


def source_from_bytes(data: bytes, display: str) -> Source:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\0")
    if nul >= 0:
        line = data[:nul].count(b"\n") + 1
        raise PageError(display, line, "not a text page (NUL byte)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PageError(
            display, line, f"not UTF-8 text (byte {error.start}: {error.reason})"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = tuple(line.rstrip() for line in text.split("\n"))
    if not any(lines):
        raise PageError(display, 1, "the page is empty")
    return Source(display, lines)


def require_heading(source: Source, heading: str, what: str) -> int:
    """The index of `heading`: a page without it was cut short (or is not this layout)."""
    index = source.find(heading)
    if index is None:
        last = max(i for i, line in enumerate(source.lines) if line.strip())
        raise source.error(
            last,
            f"the page ends here without its {heading!r} section ({what}): "
            "truncated, or not a page of this layout",
        )
    return index


def is_block_start(line: str) -> bool:
    """An example block starts with a line holding only `{` or `[`, or an XML start tag."""
    stripped = line.strip()
    return stripped in ("{", "[") or _XML_START.match(stripped) is not None


def json_block(source: Source, start: int) -> tuple[object, int]:
    """The JSON value whose first line is `lines[start]`, and the index after its last line."""
    text = "\n".join(source.lines[start:])
    try:
        value, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as error:
        raise source.error(
            start + error.lineno - 1,
            f"JSON example (from line {start + 1}) does not parse: {error.msg}",
        ) from None
    return value, start + text[:end].count("\n") + 1


def xml_block(source: Source, start: int) -> tuple[str, int]:
    """The XML document whose start tag is `lines[start]`, and the index after it."""
    match = _XML_START.match(source.lines[start].strip())
    if match is None:
        raise source.error(start, "expected an XML start tag")
    close = f"</{match.group(1)}>"
    end = source.find(close, start + 1)
    again = source.find(source.lines[start].strip(), start + 1)
    if end is None or (again is not None and again < end):
        raise source.error(
            start, f"XML example <{match.group(1)}> is never closed (no {close})"
        )
    text = "\n".join(source.lines[start : end + 1])
    try:
        ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        line, column = error.position
        what = str(error).split(":")[0]
        raise source.error(
            start + line - 1,
            f"XML example does not parse: {what} (column {column + 1})",
        ) from None
    return text, end + 1


def block(source: Source, start: int) -> tuple[str, object, int]:
    """`("json" | "xml", value, index after it)` for the block starting at `start`."""
    if source.lines[start].strip().startswith("<"):
        text, end = xml_block(source, start)
        return "xml", text, end
    value, end = json_block(source, start)
    return "json", value, end


def http_preamble(
    source: Source, start: int
) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """The request line ("POST /path") and headers of an HTTP message whose body starts
    at `start`, reading back over the header lines; (None, ()) when there is none."""
    index = start - 1
    while index >= 0 and not source.lines[index].strip():
        index -= 1
    headers: list[tuple[str, str]] = []
    while index >= 0:
        line = source.lines[index].strip()
        request = _HTTP_REQUEST.match(line)
        if request:
            target = f"{request.group(1)} {request.group(2)}"
            return target, tuple(reversed(headers))
        header = _HTTP_HEADER.match(line)
        if header is None and not (line.startswith("<") and line.endswith(">")):
            return None, ()
        if header:
            headers.append((header.group(1), header.group(2).strip()))
        index -= 1
    return None, ()
