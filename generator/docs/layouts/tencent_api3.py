"""Tencent Cloud API 3.0 reference pages (MPS and the other API 3.0 services).

A saved page runs each table row's first cells together, with no separator::

    2. Input Parameters
    Parameter NameRequiredTypeDescription
    ActionYesStringCommon Params. The value used for this API: DescribeTextToSpeechAsyncTask.
    TaskIdYesString
    Task ID.

so a row is told apart by its type name (a primitive, or `Array of X`); a row whose
type is none of them cannot be split, and the page is refused at that line. The
description runs on until the next row. "Common Params." rows are the API 3.0 common
parameters, sent as `X-TC-<Name>` headers. Output parameters live inside the `Response`
envelope. "Input Example" and "Output Example" hold the examples.
"""

from __future__ import annotations

import re

from ..model import Page, PageExample, PageField, PageTable, Place
from ..prose import describe
from ..source import Source, is_block_start, require_heading
from .common import examples_in, normalize_type, yes_no

_TYPE = (
    r"(?:Array of [A-Z][A-Za-z0-9]*|String|Integer|Int64|UInt64|Float|Boolean"
    r"|Timestamp ISO8601|Timestamp|Object)"
)
_INPUT_ROW = re.compile(
    rf"^(?P<name>[A-Za-z][A-Za-z0-9_.]*?)(?P<req>Yes|No)(?P<type>{_TYPE})(?P<desc>(?![a-z]).*)$"
)
_OUTPUT_ROW = re.compile(
    rf"^(?P<name>[A-Za-z][A-Za-z0-9_.]*?)(?P<type>{_TYPE})(?P<desc>(?![a-z]).*)$"
)
_HEADING = re.compile(r"^\d+\.\s+(?P<title>.+)$")
_TITLE = re.compile(r"^(?:[A-Z][a-z0-9]+){2,}$")
# A row whose type is a structure: a name and a type run together, with no space.
_UNSPLIT = re.compile(r"^(?:[A-Z][a-z0-9]*){3,}(?:(?:Yes|No)[A-Z]\S*)?$")
_INPUT_HEADER = "Parameter NameRequiredTypeDescription"
_OUTPUT_HEADER = "Parameter NameTypeDescription"
_COMMON = "Common Params."


class TencentApi3Layout:
    name = "tencent-api3"

    def parse(self, source: Source) -> Page:
        require_heading(source, "6. Error Code", "the last section of an API 3.0 page")
        tables: list[PageTable] = []
        examples: list[PageExample] = []
        action: tuple[str, int] | None = None
        direction: str | None = None
        index = 0
        while index < len(source.lines):
            text = source.lines[index].strip()
            if action is None and _TITLE.match(text):
                action = (text, index + 1)
            if text == _INPUT_HEADER:
                found, after = _rows(source, index + 1, _INPUT_ROW)
                tables += _input_tables(found, index + 1)
                index = after
                continue
            if text == _OUTPUT_HEADER:
                found, after = _rows(source, index + 1, _OUTPUT_ROW)
                tables.append(
                    PageTable("response", index + 1, tuple(found), root=("Response",))
                )
                index = after
                continue
            if text in ("Input Example", "Output Example"):
                direction = "request" if text == "Input Example" else "response"
            elif direction and is_block_start(source.lines[index]):
                found_examples, index = examples_in(
                    source,
                    index,
                    index + 1,
                    "request" if direction == "request" else "response",
                )
                examples += found_examples
                direction = None
                continue
            index += 1
        if not tables:
            raise source.error(None, "no parameter table found")
        return Page(
            display=source.display,
            layout=self.name,
            tables=tuple(tables),
            examples=tuple(examples),
            action=action,
        )


def _input_tables(fields: list[PageField], line: int) -> list[PageTable]:
    places: dict[Place, list[PageField]] = {"header": [], "request": []}
    for field in fields:
        places["header" if field.name.startswith("X-TC-") else "request"].append(field)
    return [
        PageTable(place, line, tuple(found)) for place, found in places.items() if found
    ]


def _rows(
    source: Source, start: int, row: re.Pattern[str]
) -> tuple[list[PageField], int]:
    found: list[tuple[int, re.Match[str], list[tuple[int, str]]]] = []
    index = start
    while index < len(source.lines):
        text = source.lines[index].strip()
        if _HEADING.match(text) or text in (_INPUT_HEADER, _OUTPUT_HEADER):
            break
        match = row.match(text)
        if match:
            first = [(index, match["desc"].strip())] if match["desc"].strip() else []
            found.append((index, match, first))
        elif text:
            if not found or _UNSPLIT.match(text):
                raise source.error(index, "cannot split this row into name and type")
            found[-1][2].append((index, text))
        index += 1
    if not found:
        raise source.error(start - 1, "a table with no rows")
    return [_field(index, match, text) for index, match, text in found], index


def _field(index: int, match: re.Match[str], text: list[tuple[int, str]]) -> PageField:
    type_ = normalize_type(match["type"])
    facts, _ = describe(text, type_)
    name = match["name"]
    if text and text[0][1].startswith(_COMMON):
        name = f"X-TC-{name}"
    required = yes_no(match["req"]) if "req" in match.groupdict() else None
    return PageField(
        name=name, line=index + 1, type=type_, required=required, facts=facts
    )
