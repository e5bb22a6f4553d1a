"""Facts a description states in words: defaults, ranges, enum values, length limits.

Every layout writes some facts as prose ("Default value: 50. Valid values: 0 to 100."),
so this is shared. The patterns are deliberately narrow: a fact read wrongly would be
reported as drift, so a sentence that does not clearly state one is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from .model import Facts, PageField, Range
from .source import BULLET

_NUM = r"-?\d[\d,]*(?:\.\d+)?"
_VALUE = r"(?P<v>[^\s,;]+)"
_DEFAULTS = (
    re.compile(rf"\bdefault value(?:\s+is)?\s*:?\s+{_VALUE}", re.IGNORECASE),
    re.compile(rf"\bdefaults? to\s+{_VALUE}", re.IGNORECASE),
    re.compile(rf"\bdefault is\s+{_VALUE}", re.IGNORECASE),
    # ", default XML": only a value that is not an ordinary lowercase word.
    re.compile(r"(?:^|[,;]\s*)default\s+(?P<v>[A-Z0-9][^\s,;]*)"),
)
_RANGES = (
    re.compile(
        rf"\b(?:valid values|value range|range)\s*(?:is|are)?\s*:?\s*(?:from\s+)?"
        rf"(?P<lo>{_NUM})\s*(?:to|~|\u2013|\u2014)\s*(?P<hi>{_NUM})",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\branges? from\s+(?P<lo>{_NUM})\s+to\s+(?P<hi>{_NUM})", re.IGNORECASE
    ),
)
_RANGE_CELL = re.compile(rf"^(?P<lo>{_NUM})\s*(?:~|\u2013|\u2014|to)\s*(?P<hi>{_NUM})$")
_ENUM = re.compile(
    r"\b(?:valid values|enumeration values)\s*(?:are|is)?\s*:\s*(?P<list>[^.]+)",
    re.IGNORECASE,
)
_ENUM_MARKER = re.compile(
    r"\b(?:valid values|enumeration values)\s*(?:are|is)?\s*:$", re.IGNORECASE
)
_LIST_SPLIT = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
_TOKEN = re.compile(r"^[\w.+-]+$")
_MAX_LENGTH = re.compile(
    r"(?:maximum(?:\s+length)?(?:\s+(?:is|of))?|up to|no more than|at most"
    r"|not (?:more than|exceed(?:ing)?)|(?:does|must) not exceed)"
    r"\s*(?P<n>\d[\d,]*)\s*(?P<unit>utf-?8 characters|characters|chars|bytes)?(?!\w)",
    re.IGNORECASE,
)
_MAX_LENGTH_ZH = re.compile(r"不超过\s*(?P<n>\d+)\s*(?P<unit>字节|个?字符)?")
_MIN_LENGTH = re.compile(r"\bat least\s+(?P<n>\d[\d,]*)\s+characters", re.IGNORECASE)
_API_VALUE = re.compile(
    r"\bthe value used for this API:\s*(?P<v>\S+?)\.?$", re.IGNORECASE
)
_SUB_FIELD = re.compile(r"^(?P<name>[a-z][A-Za-z0-9_]*):\s*(?P<text>.+)$")
# Huawei writes some facts as a label paragraph followed by the value paragraph.
LABELS = ("Value range:", "Default value:", "Minimum:", "Maximum:")
_STRINGS = (None, "string")


def number(text: str) -> str:
    """A number as text, normalized (`10,000` → `10000`, `1.50` → `1.5`); else unchanged."""
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return text
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def value(text: str) -> str:
    """A stated value, without the punctuation around it; numbers normalized."""
    text = text.strip().strip("`'\"").rstrip(".")
    if text.lower() in ("true", "false"):
        return text.lower()
    if re.fullmatch(_NUM, text):
        return number(text)
    return text


def range_cell(text: str) -> Range | None:
    """A range written on its own, as in Huawei's "Value range:" cell (`50~200`)."""
    match = _RANGE_CELL.match(text.strip())
    if match is None:
        return None
    return Range(number(match["lo"]), number(match["hi"]))


def from_text(text: str, type_: str | None) -> Facts:
    """The facts one paragraph states, for a field of `type_`."""
    defaults = tuple(value(m["v"]) for p in _DEFAULTS for m in p.finditer(text))
    ranges = tuple(
        Range(number(m["lo"]), number(m["hi"]))
        for p in _RANGES
        for m in p.finditer(text)
    )
    enum: tuple[str, ...] = ()
    for match in _ENUM.finditer(text):
        items = [item.strip() for item in _LIST_SPLIT.split(match["list"].strip())]
        if len(items) > 1 and all(_TOKEN.match(item) for item in items):
            enum += tuple(value(item) for item in items)
    max_length: list[str] = []
    max_bytes: list[str] = []
    min_length: tuple[str, ...] = ()
    if type_ in _STRINGS:
        for match in _MAX_LENGTH.finditer(text):
            unit = (match["unit"] or "").lower()
            before = text[max(0, match.start() - 30) : match.start()].lower()
            if not unit and "length" not in before:
                continue
            (max_bytes if unit == "bytes" else max_length).append(number(match["n"]))
        for match in _MAX_LENGTH_ZH.finditer(text):
            unit = match["unit"] or ""
            if (
                not unit
                and "长度" not in text[max(0, match.start() - 6) : match.start()]
            ):
                continue
            (max_bytes if unit == "字节" else max_length).append(number(match["n"]))
        min_length = tuple(number(m["n"]) for m in _MIN_LENGTH.finditer(text))
    values = tuple(value(m["v"]) for m in _API_VALUE.finditer(text))
    return Facts(
        defaults=_distinct(defaults),
        enum=_distinct(enum),
        ranges=tuple(dict.fromkeys(ranges)),
        max_length=_distinct(tuple(max_length)),
        min_length=_distinct(min_length),
        max_bytes=_distinct(tuple(max_bytes)),
        values=_distinct(values),
    )


def describe(
    paragraphs: Sequence[tuple[int, str]],
    type_: str | None,
    *,
    labels: bool = False,
    sub_fields: bool = False,
) -> tuple[Facts, tuple[PageField, ...]]:
    """The facts of a description given as (index, paragraph) pairs, and the sub-fields it
    lists as `• name: text` bullets (when `sub_fields`). `labels`: read Huawei's label
    paragraphs ("Default value:" then the value)."""
    facts = Facts()
    children: list[PageField] = []
    enum_next = False
    index = 0
    while index < len(paragraphs):
        text = paragraphs[index][1]
        if labels and text in LABELS and index + 1 < len(paragraphs):
            facts = facts.merge(_label(text, paragraphs[index + 1][1], type_))
            index += 2
            continue
        if text.startswith(BULLET):
            end = index
            while end < len(paragraphs) and paragraphs[end][1].startswith(BULLET):
                end += 1
            run = [(i, t[len(BULLET) :].strip()) for i, t in paragraphs[index:end]]
            facts, found = _bullets(run, type_, facts, enum_next, sub_fields)
            children += found
            enum_next = False
            index = end
            continue
        enum_next = _ENUM_MARKER.search(text) is not None
        facts = facts.merge(from_text(text, type_))
        index += 1
    return _combine_ranges(facts), tuple(children)


def _combine_ranges(facts: Facts) -> Facts:
    # "Minimum: 1" and "Maximum: 64" are two labels of one range.
    lows = [r for r in facts.ranges if r.high is None]
    highs = [r for r in facts.ranges if r.low is None]
    if len(lows) != 1 or len(highs) != 1:
        return facts
    whole = [r for r in facts.ranges if r not in (lows[0], highs[0])]
    combined = Range(lows[0].low, highs[0].high)
    return replace(facts, ranges=(*whole, combined))


def _bullets(
    run: list[tuple[int, str]],
    type_: str | None,
    facts: Facts,
    enum_next: bool,
    sub_fields: bool,
) -> tuple[Facts, list[PageField]]:
    texts = [text for _, text in run]
    if enum_next:
        items = tuple(value(text.split(":")[0].split()[0]) for text in texts if text)
        return facts.merge(Facts(enum=items)), []
    if all(_TOKEN.match(text) for text in texts):
        return facts.merge(Facts(enum=tuple(value(text) for text in texts))), []
    matches = [_SUB_FIELD.match(text) for text in texts]
    if sub_fields and all(matches):
        children = [
            PageField(m["name"], line, facts=from_text(m["text"], None))
            for (line, _), m in zip(run, matches, strict=True)
            if m
        ]
        return facts, children
    for text in texts:
        facts = facts.merge(from_text(text, type_))
    return facts, []


def _label(label: str, text: str, type_: str | None) -> Facts:
    if label == "Default value:":
        return Facts(defaults=(value(text),))
    if label == "Value range:":
        found = range_cell(text)
        return Facts(ranges=(found,)) if found else from_text(text, type_)
    stated = value(text)
    if type_ == "string":
        if label == "Minimum:":
            return Facts(min_length=(stated,))
        return Facts(max_length=(stated,))
    if label == "Minimum:":
        return Facts(ranges=(Range(low=stated),))
    return Facts(ranges=(Range(high=stated),))


def _distinct(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
