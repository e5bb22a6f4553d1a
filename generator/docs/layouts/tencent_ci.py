"""Tencent Cloud Infinite (and COS) pages: XML nodes, one cell per line.

    Node Name (Keyword) / Parent Node / Description / Type / Required or Not
    InputType / Request.Operation.TtsConfig / Input type, Url/Text / String / Yes

The Parent Node column places each node, so the tables build one tree per body, rooted at
its XML root element (`Request`, `Response`). Response tables have no Required column.
Facts are also written the CI way: "JSON or XML, default XML", "Url/Text", "level limit:
0, 1, 2", and one `Value: meaning` line per state. XML blocks are the examples; a
`<Request>` is a request, a `<Response>` a response.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..model import Direction, Facts, Page, PageExample, PageField, PageTable
from ..prose import describe, value
from ..source import Source, is_block_start, require_heading
from .common import NAME, examples_in, normalize_type, yes_no

_HEADER = ("Node Name (Keyword)", "Parent Node", "Description", "Type")
_PARENT = re.compile(r"^(?:None\.?|[A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)*)$")
_ENDPOINT = re.compile(
    r"^(?P<method>GET|POST|PUT|DELETE)\s+(?P<path>/\S*)\s+HTTP/1\.1$"
)
_OR = re.compile(r",\s*(?P<a>[A-Za-z0-9]+) or (?P<b>[A-Za-z0-9]+)\s*(?:,|$)")
_SLASH = re.compile(r",\s*(?P<list>[A-Za-z0-9]+(?:/[A-Za-z0-9]+)+)\s*(?:[,.]|$)")
_LIMIT = re.compile(r"\blimit:\s*(?P<list>\d+(?:,\s*\d+)+)")
_TAG = re.compile(r"\bTag:\s*(?P<v>[A-Za-z0-9]+)$")
_STATE_LINE = re.compile(r"^(?P<v>[A-Z][A-Za-z0-9]*):\s+\S")

Node = tuple[tuple[str, ...], PageField]  # (path of its parent, the node)


class TencentCiLayout:
    name = "tencent-ci"

    def parse(self, source: Source) -> Page:
        require_heading(source, "Error Code", "a section of every CI page")
        nodes: list[Node] = []
        examples: list[PageExample] = []
        endpoint: tuple[str, str, int] | None = None
        index = 0
        while index < len(source.lines):
            text = source.lines[index].strip()
            if endpoint is None and (match := _ENDPOINT.match(text)):
                endpoint = (match["method"], match["path"], index + 1)
            if tuple(source.lines[index : index + 4]) == _HEADER:
                found, index = _table(source, index)
                nodes += [(parent, field) for parent, field in found]
                continue
            if is_block_start(source.lines[index]):
                direction: Direction = "request" if text == "<Request>" else "response"
                found_examples, index = examples_in(source, index, index + 1, direction)
                examples += found_examples
                continue
            index += 1
        return Page(
            display=source.display,
            layout=self.name,
            tables=_trees(source, nodes),
            examples=tuple(examples),
            endpoint=endpoint,
        )


def _table(source: Source, start: int) -> tuple[list[Node], int]:
    lines = source.lines
    required = lines[start + 4].strip() == "Required or Not"
    index = start + (5 if required else 4)
    found: list[Node] = []
    while index + 1 < len(lines):
        name, parent = lines[index].strip(), lines[index + 1].strip()
        if not NAME.match(name) or not _PARENT.match(parent):
            break
        type_index = index + 2
        while type_index < len(lines) and normalize_type(lines[type_index]) is None:
            cell = lines[type_index].strip()
            if not cell or cell == _HEADER[0]:
                break
            type_index += 1
        if type_index >= len(lines) or normalize_type(lines[type_index]) is None:
            raise source.error(index, f"node {name!r} has no Type cell: truncated?")
        type_ = normalize_type(lines[type_index])
        end = type_index + 1
        mandatory: bool | None = None
        if required:
            mandatory = yes_no(lines[end]) if end < len(lines) else None
            if mandatory is None:
                raise source.error(end, f"node {name!r} has no Required cell")
            end += 1
        description = [
            (i, lines[i].strip())
            for i in range(index + 2, type_index)
            if lines[i].strip()
        ]
        facts, _ = describe(description, type_)
        facts = facts.merge(_ci_facts([text for _, text in description]))
        path = () if parent.startswith("None") else tuple(parent.split("."))
        found.append((path, PageField(name, index + 1, type_, mandatory, facts=facts)))
        index = end
    if not found:
        raise source.error(start, "a table with no rows")
    return found, index


def _ci_facts(texts: list[str]) -> Facts:
    enum: list[str] = []
    values: list[str] = []
    for text in texts:
        for match in _OR.finditer(text):
            enum += [match["a"], match["b"]]
        for match in _SLASH.finditer(text):
            enum += match["list"].split("/")
        for match in _LIMIT.finditer(text):
            enum += [item.strip() for item in match["list"].split(",")]
        for match in _TAG.finditer(text):
            values.append(match["v"])
    states = [m["v"] for m in map(_STATE_LINE.match, texts[1:]) if m]
    if len(states) >= 2:
        enum += states
    return Facts(
        enum=tuple(dict.fromkeys(value(v) for v in enum)),
        values=tuple(dict.fromkeys(values)),
    )


def _trees(source: Source, nodes: list[Node]) -> tuple[PageTable, ...]:
    by_path: dict[tuple[str, ...], PageField] = {}
    order: list[tuple[str, ...]] = []
    for parent, field in nodes:
        path = parent + (field.name,)
        if path not in by_path:
            order.append(path)
        by_path[path] = field

    def build(path: tuple[str, ...]) -> PageField:
        kids = [p for p in order if p[:-1] == path]
        return replace(by_path[path], children=tuple(build(p) for p in kids))

    for path in order:
        if len(path) > 1 and path[:-1] not in by_path:
            field = by_path[path]
            raise source.error(
                field.line - 1, f"node {field.name!r}: no table for its parent"
            )
    roots = [p for p in order if len(p) == 1]
    if not roots:
        raise source.error(None, "no node table found")
    return tuple(
        PageTable(
            place="body" if root == ("Request",) else "response",
            line=by_path[root].line,
            fields=(build(root),),
        )
        for root in roots
    )
