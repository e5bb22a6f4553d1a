"""A page's tables against the spec's fields: one `Finding` per difference.

Kinds: `added` (on the page, not in the spec), `removed` (in the spec, not on the page),
`type`, `required`, `enum`, `range`, `default`, `max-length`, `min-length`, `max-bytes`,
`value` (a fixed value, such as an RPC action), `response` (a status the spec lacks).

What is compared:
- a field's type and whether it is mandatory, when the page has the column;
- its enum values, range, default, maximum length and byte limit whenever the page or
  the spec states one (a page that states none against a spec that has one is a
  difference too); a minimum length only when the page states one (specs add
  `minLength: 1` to say "not empty", which pages do not write);
- the sub-fields of an object or a JSON document, when the page lists any.
Headers from security schemes and RPC conventions count when the page lists them, and
are never missing when it does not.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .model import Facts, Finding, PageField, PageTable, Range
from .spec_view import (
    Resolver,
    SpecField,
    SpecOperation,
    response_fields,
    success_status,
)


def compare_tables(
    tables: Sequence[PageTable], operation: SpecOperation, resolver: Resolver
) -> list[Finding]:
    groups: dict[tuple[str, str | None, tuple[str, ...]], list[PageTable]] = {}
    for table in tables:
        status = table.status
        if table.place == "response":
            status = status or success_status(operation) or "2xx"
        groups.setdefault((table.place, status, table.root), []).append(table)
    findings: list[Finding] = []
    for (place, status, root), group in groups.items():
        label = f"response {status}" if place == "response" else place
        page_fields = [field for table in group for field in table.fields]
        spec_fields = _spec_fields(operation, place, status, root, resolver)
        if spec_fields is None:
            findings.append(
                Finding(
                    operation.id, label, "", "response", status, None, group[0].line
                )
            )
            continue
        findings += _fields(
            operation.id, label, page_fields, spec_fields, "", group[0].line
        )
    return findings


def _spec_fields(
    operation: SpecOperation,
    place: str,
    status: str | None,
    root: tuple[str, ...],
    resolver: Resolver,
) -> tuple[SpecField, ...] | None:
    if place == "response":
        return response_fields(operation, status or "", root, resolver)
    if place == "body":
        return operation.body or ()
    if place == "request":
        return operation.parameters["query"] + (operation.body or ())
    return operation.parameters[place]


def _fields(
    operation: str,
    place: str,
    page_fields: Sequence[PageField],
    spec_fields: Sequence[SpecField],
    prefix: str,
    line: int,
) -> Iterator[Finding]:
    fold = place == "header"

    def key(name: str) -> str:
        return name.lower() if fold else name

    spec = {key(field.name): field for field in spec_fields}
    seen: set[str] = set()
    for page_field in page_fields:
        name = prefix + page_field.name
        match = spec.get(key(page_field.name))
        seen.add(key(page_field.name))
        if match is None:
            yield Finding(
                operation,
                place,
                name,
                "added",
                page_field.type or "listed",
                None,
                page_field.line,
            )
            continue
        if page_field.described:
            yield from _attributes(operation, place, name, page_field, match)
        if page_field.children:
            yield from _fields(
                operation,
                place,
                page_field.children,
                match.children,
                name + ".",
                page_field.line,
            )
    for spec_field in spec_fields:
        if key(spec_field.name) not in seen and not spec_field.implicit:
            yield Finding(
                operation,
                place,
                prefix + spec_field.name,
                "removed",
                None,
                spec_field.type or "declared",
                line,
            )


def _attributes(
    operation: str, place: str, name: str, page: PageField, spec: SpecField
) -> Iterator[Finding]:
    def finding(kind: str, page_value: str | None, spec_value: str | None) -> Finding:
        return Finding(operation, place, name, kind, page_value, spec_value, page.line)

    if page.type and spec.type and not same_type(page.type, spec.type):
        yield finding("type", page.type, spec.type)
    if page.required is not None and page.required != spec.required:
        yield finding("required", _yes(page.required), _yes(spec.required))
    facts: Facts = page.facts
    if (facts.enum or spec.enum) and set(facts.enum) != set(spec.enum):
        yield finding("enum", _list(facts.enum), _list(spec.enum))
    if not _same(facts.ranges, spec.range):
        yield finding(
            "range", _join(tuple(str(r) for r in facts.ranges)), _str(spec.range)
        )
    if not _same(facts.defaults, spec.default):
        yield finding("default", _join(facts.defaults), spec.default)
    if not _same(facts.max_length, spec.max_length):
        yield finding("max-length", _join(facts.max_length), spec.max_length)
    if facts.min_length and not _same(facts.min_length, spec.min_length):
        yield finding("min-length", _join(facts.min_length), spec.min_length)
    if not _same(facts.max_bytes, spec.max_bytes):
        yield finding("max-bytes", _join(facts.max_bytes), spec.max_bytes)
    if facts.values and not _same(facts.values, spec.value):
        yield finding("value", _join(facts.values), spec.value)


def same_type(page: str, spec: str) -> bool:
    if page == spec:
        return True
    # "array" says less than "array of string", and contradicts nothing.
    return (
        "array" in (page, spec)
        and page.startswith("array")
        and spec.startswith("array")
    )


def _same(page: tuple[object, ...], spec: object) -> bool:
    if not page:
        return spec is None
    return len(page) == 1 and page[0] == spec


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _list(values: tuple[str, ...]) -> str | None:
    return ", ".join(values) if values else None


def _join(values: tuple[str, ...]) -> str | None:
    """Several values are a page that contradicts itself: all are shown, in page order."""
    return " / ".join(values) if values else None


def _str(value: Range | None) -> str | None:
    return None if value is None else str(value)
