"""Alibaba Cloud API reference pages, in either of the two forms pages are saved in.

Paragraph tables (one cell per line)::

    Parameter / Type / Required / Description / Example
    InputConfig / string / Yes / The text content. A maximum of 2,000 characters ... / Test text

Pipe tables (cells closed by `|`, a row opened by `|`)::

    | InputConfig |
    string |
    Yes |
    The text to synthesize. The maximum length is 10,000 characters. |
    测试文本 |

"Request parameters" are the action's parameters (the spec says where they travel);
"Response elements" the success response, whose first, nameless `object` row is the body
itself. A description lists a JSON document's fields as `• name: text` bullets, and a
JSON example in the row shows its fields too. A JSON block after the tables is the
response of the operation the text before it names ("the GetSmartHandleJob operation"),
or of the page's own action.
"""

from __future__ import annotations

import json
import re

from ..model import Page, PageExample, PageField, PageTable, Place
from ..prose import describe
from ..source import Source, is_block_start, require_heading
from .common import NAME, examples_in, normalize_type, yes_no

_HEADINGS = {
    "Request parameters",
    "Response elements",
    "Examples",
    "Error codes",
    "Release notes",
}
_ACTION = re.compile(r"^\|?\s*[a-z]+:(?P<name>[A-Z][A-Za-z0-9]+)\s*\|?$")
_REFERENCE = re.compile(
    r"\bthe (?P<name>[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+) (?:API|operation)\b"
)
_REQUEST = ("Parameter", "Type", "Required", "Description", "Example")
_RESPONSE = ("Element", "Type", "Description", "Example")

Cell = tuple[int, str]  # (line index, text)


class AlibabaLayout:
    name = "alibaba"

    def parse(self, source: Source) -> Page:
        require_heading(source, "Error codes", "the last section of an Alibaba page")
        request = source.find("Request parameters")
        response = source.find("Response elements")
        if request is None or response is None:
            where = "Request parameters" if request is None else "Response elements"
            raise source.error(None, f"no {where!r} section")
        tables = (
            _table(source, request, "request", _REQUEST),
            _table(source, response, "response", _RESPONSE),
        )
        action = _action(source)
        references = _references(source, action[0] if action else None)
        return Page(
            display=source.display,
            layout=self.name,
            tables=tables,
            examples=tuple(_examples(source, response)),
            action=action,
            references=references,
        )


def _action(source: Source) -> tuple[str, int] | None:
    for index, line in enumerate(source.lines):
        match = _ACTION.match(line.strip())
        if match:
            return match["name"], index + 1
    return None


def _references(source: Source, own: str | None) -> tuple[tuple[str, int], ...]:
    found: dict[str, int] = {}
    for index, line in enumerate(source.lines):
        for match in _REFERENCE.finditer(line):
            if match["name"] != own:
                found.setdefault(match["name"], index + 1)
    return tuple(found.items())


def _region_end(source: Source, start: int) -> int:
    index = start + 1
    while index < len(source.lines):
        line = source.lines[index]
        if line.strip() in _HEADINGS or is_block_start(line):
            return index
        index += 1
    return index


def _table(
    source: Source, heading: int, place: Place, columns: tuple[str, ...]
) -> PageTable:
    end = _region_end(source, heading)
    first = next((i for i in range(heading + 1, end) if source.lines[i].strip()), None)
    if first is None:
        raise source.error(heading, f"{source.lines[heading].strip()!r} has no table")
    if source.lines[first].strip() == "|":
        rows = _pipe_rows(source, first, end, columns)
    else:
        rows = _paragraph_rows(source, first, end, columns)
    required = "Required" in columns
    fields = tuple(_field(row, required) for row in rows)
    return PageTable(place=place, line=heading + 1, fields=fields)


def _field(row: list[list[Cell]], required: bool) -> PageField:
    (name_cell,), (type_cell,) = row[0][:1], row[1][:1]
    rest = [cell for cells in row[(3 if required else 2) :] for cell in cells]
    type_ = normalize_type(type_cell[1])
    facts, children = describe(rest, type_, sub_fields=True)
    listed = {child.name for child in children}
    for index, text in rest:
        for key in _json_keys(text):
            if key not in listed:
                listed.add(key)
                children += (PageField(key, index + 1, described=False),)
    return PageField(
        name=name_cell[1],
        line=name_cell[0] + 1,
        type=type_,
        required=yes_no(row[2][0][1]) if required else None,
        facts=facts,
        children=children,
    )


def _json_keys(text: str) -> list[str]:
    """The keys of the first JSON object in a cell (`{"voice":"Siqi",…}`), if any."""
    start = text.find("{")
    if start < 0:
        return []
    try:
        value, _ = json.JSONDecoder().raw_decode(text[start:])
    except json.JSONDecodeError:
        return []
    return [str(key) for key in value] if isinstance(value, dict) else []


def _pipe_rows(
    source: Source, start: int, end: int, columns: tuple[str, ...]
) -> list[list[list[Cell]]]:
    text = "\n".join(source.lines[start:end])
    parts = text.split("|")
    tokens: list[tuple[int, str]] = []  # (offset of the token, text) between two pipes
    offset = len(parts[0]) + 1
    for part in parts[1:-1]:
        tokens.append((offset, part))
        offset += len(part) + 1

    def cell(token: tuple[int, str]) -> list[Cell]:
        at, part = token
        line = start + text.count("\n", 0, at)
        out = []
        for number, piece in enumerate(part.split("\n")):
            if piece.strip():
                out.append((line + number, piece.strip()))
        return out

    def line_of(token: tuple[int, str]) -> int:
        found = cell(token)
        return found[0][0] if found else start + text.count("\n", 0, token[0])

    width = len(columns)
    header = [" ".join(t for _, t in cell(token)) for token in tokens[:width]]
    if tuple(header) != columns:
        raise source.error(start, f"expected the columns {' | '.join(columns)}")
    rows: list[list[list[Cell]]] = []
    index = width
    row_line = start
    while index < len(tokens):
        if tokens[index][1].strip() or "\n" not in tokens[index][1]:
            raise source.error(
                row_line,
                f"this table row does not have the {width} cells of its header",
            )
        index += 1
        row_line = line_of(tokens[index]) if index < len(tokens) else end - 1
        cells = tokens[index : index + width]
        if len(cells) < width:
            raise source.error(
                line_of(tokens[index]) if cells else end - 1,
                f"a table row with {len(cells)} of its {width} cells: truncated?",
            )
        index += width
        row = [cell(token) for token in cells]
        if _is_root(row):
            continue
        if not row[0] or not NAME.match(row[0][0][1]) or not row[1]:
            raise source.error(line_of(cells[0]), "cannot read this table row")
        rows.append(row)
    return rows


def _is_root(row: list[list[Cell]]) -> bool:
    # The body itself: "| object | The response body. |" with no name.
    return (
        bool(row[0])
        and row[0][0][1] == "object"
        and (not row[1] or normalize_type(row[1][0][1]) is None)
    )


def _paragraph_rows(
    source: Source, start: int, end: int, columns: tuple[str, ...]
) -> list[list[list[Cell]]]:
    cells = [
        (i, source.lines[i].strip())
        for i in range(start, end)
        if source.lines[i].strip()
    ]
    width = len(columns)
    if tuple(text for _, text in cells[:width]) != columns:
        raise source.error(start, f"expected the columns {' / '.join(columns)}")
    body = cells[width:]
    required = "Required" in columns
    fixed = 3 if required else 2

    def starts_row(i: int) -> bool:
        return (
            i + fixed <= len(body)
            and NAME.match(body[i][1]) is not None
            and normalize_type(body[i + 1][1]) is not None
            and (not required or yes_no(body[i + 2][1]) is not None)
        )

    starts = [i for i in range(len(body)) if starts_row(i)]
    if not starts:
        raise source.error(start, "a table with no rows")
    before = body[: starts[0]]
    if before and not (before[0][1] == "object" and len(before) <= 3):
        raise source.error(before[0][0], "cannot read this table row")
    rows = []
    for number, begin in enumerate(starts):
        stop = starts[number + 1] if number + 1 < len(starts) else len(body)
        row = [[cell] for cell in body[begin : begin + fixed]]
        row.append(body[begin + fixed : stop])
        rows.append(row)
    return rows


def _examples(source: Source, after: int) -> list[PageExample]:
    found: list[PageExample] = []
    operation: str | None = None
    index = after
    while index < len(source.lines):
        line = source.lines[index]
        if line.strip() in _HEADINGS:
            operation = None
        elif match := _REFERENCE.search(line):
            operation = match["name"]
        if is_block_start(line):
            examples, index = examples_in(
                source, index, index + 1, "response", operation=operation
            )
            found += examples
            operation = None
            continue
        index += 1
    return found
