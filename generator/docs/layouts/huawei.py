"""Huawei Cloud API reference pages: one table cell per line.

    Table 3 Request body parameters
    Parameter / Mandatory / Type / Description      (each on its own line)
    speed / No / Integer / Speaking speed. / Value range: / 50~200 / Default value: / 100

"Value range", "Default value", "Minimum" and "Maximum" are label paragraphs inside the
description, followed by their value. A type `X object` refers to the page's table named X.
Response tables have no Mandatory column, and follow a "Status code: NNN" line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..model import Direction, Page, PageExample, PageField, PageTable, Place
from ..prose import describe
from ..source import Source, is_block_start, require_heading
from .common import NAME, examples_in, normalize_type, referenced_table, yes_no

_TABLE = re.compile(r"^Table \d+\s+(?P<title>.+)$")
_STATUS = re.compile(r"^Status code:\s*(?P<code>\d{3})$")
_ENDPOINT = re.compile(r"^(?P<method>GET|POST|PUT|DELETE|PATCH|HEAD)\s+(?P<path>/\S*)$")
_SECTIONS = {
    "Request Parameters": "request",
    "Response Parameters": "response",
    "Example Requests": "example request",
    "Example Responses": "example response",
    "Status Codes": "end",
    "Error Codes": "end",
}
_PLACES: dict[str, Place] = {
    "path parameters": "path",
    "query parameters": "query",
    "request header parameters": "header",
    "request body parameters": "body",
    "response body parameters": "response",
}


@dataclass
class _Table:
    title: str
    section: str
    status: str | None
    line: int
    fields: list[tuple[PageField, str | None]]  # with the table each refers to


class HuaweiLayout:
    name = "huawei"

    def parse(self, source: Source) -> Page:
        require_heading(source, "Error Codes", "the last section of a Huawei page")
        tables: list[_Table] = []
        examples: list[PageExample] = []
        endpoint: tuple[str, str, int] | None = None
        section, status = "", None
        lines = source.lines
        index = 0
        while index < len(lines):
            text = lines[index].strip()
            if text in _SECTIONS:
                section, status = _SECTIONS[text], None
            elif text == "URI":
                endpoint = _endpoint(source, index + 1) or endpoint
            elif match := _STATUS.match(text):
                status = match["code"]
            elif match := _TABLE.match(text):
                table, index = _table(source, index, match["title"], section, status)
                tables.append(table)
                continue
            elif section.startswith("example") and is_block_start(lines[index]):
                direction: Direction = (
                    "request" if section == "example request" else "response"
                )
                found, index = examples_in(
                    source, index, index + 1, direction, status=status
                )
                examples += found
                continue
            index += 1
        return Page(
            display=source.display,
            layout=self.name,
            tables=_resolve(source, tables),
            examples=tuple(examples),
            endpoint=endpoint,
        )


def _endpoint(source: Source, start: int) -> tuple[str, str, int] | None:
    for index in range(start, min(start + 4, len(source.lines))):
        match = _ENDPOINT.match(source.lines[index].strip())
        if match:
            return match["method"], match["path"], index + 1
    return None


def _ends_table(text: str) -> bool:
    return (
        text in _SECTIONS
        or _TABLE.match(text) is not None
        or _STATUS.match(text) is not None
    )


def _table(
    source: Source, start: int, title: str, section: str, status: str | None
) -> tuple[_Table, int]:
    index = start + 1
    cells: list[tuple[int, str]] = []
    while index < len(source.lines) and not _ends_table(source.lines[index].strip()):
        if source.lines[index].strip():
            cells.append((index, source.lines[index].strip()))
        index += 1
    header = [text for _, text in cells[:4]]
    if header[:1] != ["Parameter"] or "Type" not in header:
        raise source.error(start, f"table {title!r} has no Parameter/Type header")
    mandatory = "Mandatory" in header
    width = 4 if mandatory else 3
    body = cells[width:]
    starts = [i for i in range(len(body)) if _row_starts(body, i, mandatory)]
    if body and (not starts or starts[0] != 0):
        first = body[0][0]
        raise source.error(first, f"table {title!r}: cannot read this row")
    fields: list[tuple[PageField, str | None]] = []
    for number, begin in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(body)
        row = body[begin:end]
        name_index, name = row[0]
        type_cell = row[2 if mandatory else 1][1]
        description = row[3 if mandatory else 2 :]
        type_ = normalize_type(type_cell)
        facts, _ = describe(description, type_, labels=True)
        field = PageField(
            name=name,
            line=name_index + 1,
            type=type_,
            required=yes_no(row[1][1]) if mandatory else None,
            facts=facts,
        )
        fields.append((field, referenced_table(type_cell)))
    return _Table(title, section, status, start + 1, fields), index


def _row_starts(body: list[tuple[int, str]], i: int, mandatory: bool) -> bool:
    if not NAME.match(body[i][1]):
        return False
    if mandatory:
        return (
            i + 2 < len(body)
            and yes_no(body[i + 1][1]) is not None
            and normalize_type(body[i + 2][1]) is not None
        )
    return i + 1 < len(body) and normalize_type(body[i + 1][1]) is not None


def _resolve(source: Source, tables: list[_Table]) -> tuple[PageTable, ...]:
    named: dict[tuple[str, str], _Table] = {}
    for table in tables:
        if table.title.lower() not in _PLACES:
            named.setdefault((table.section, table.title), table)
            named.setdefault(("", table.title), table)

    def children(table: _Table, seen: frozenset[str]) -> tuple[PageField, ...]:
        out = []
        for field, ref in table.fields:
            sub = named.get((table.section, ref or "")) or named.get(("", ref or ""))
            if sub is not None and sub.title not in seen:
                field = replace(field, children=children(sub, seen | {sub.title}))
            out.append(field)
        return tuple(out)

    resolved = []
    for table in tables:
        place = _PLACES.get(table.title.lower())
        if place is None:
            continue
        if place == "response" and table.section != "response":
            raise source.error(table.line - 1, "a response table outside the responses")
        resolved.append(
            PageTable(
                place=place,
                line=table.line,
                fields=children(table, frozenset()),
                status=table.status if place == "response" else None,
            )
        )
    if not resolved:
        raise source.error(None, "no parameter table found")
    return tuple(resolved)
