"""What a vendor page says, and what a difference is. Imports nothing of ours."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# Where a page's table puts its fields. "request" is a table of request parameters that
# does not say how they travel (query string or body: the spec says).
Place = Literal["path", "query", "header", "body", "request", "response"]
Direction = Literal["request", "response"]
Status = Literal["drift", "accepted", "stale"]
# What the spec was compared with: a saved page, or the official SDK's model classes.
Source = Literal["page", "sdk"]


class PageError(Exception):
    """A page that cannot be read: `page:line: what is wrong` (exit code 2)."""

    def __init__(self, page: str, line: int | None, message: str) -> None:
        where = f"{page}:{line}" if line else page
        super().__init__(f"{where}: {message}")
        self.page = page
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Range:
    """A numeric range as text (numbers are normalized: `10,000` is `10000`)."""

    low: str | None = None
    high: str | None = None
    low_open: bool = False
    high_open: bool = False

    def __str__(self) -> str:
        low = f"{'(' if self.low_open else ''}{self.low or ''}"
        high = f"{self.high or ''}{')' if self.high_open else ''}"
        return f"{low}..{high}"


@dataclass(frozen=True)
class Facts:
    """What a description states. A tuple holds every distinct value, in page order:
    more than one is a page that contradicts itself."""

    defaults: tuple[str, ...] = ()
    enum: tuple[str, ...] = ()
    ranges: tuple[Range, ...] = ()
    max_length: tuple[str, ...] = ()
    min_length: tuple[str, ...] = ()
    max_bytes: tuple[str, ...] = ()
    values: tuple[str, ...] = ()

    def merge(self, other: Facts) -> Facts:
        def join(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
            return a + tuple(v for v in b if v not in a)

        return Facts(
            defaults=join(self.defaults, other.defaults),
            enum=join(self.enum, other.enum),
            ranges=self.ranges + tuple(r for r in other.ranges if r not in self.ranges),
            max_length=join(self.max_length, other.max_length),
            min_length=join(self.min_length, other.min_length),
            max_bytes=join(self.max_bytes, other.max_bytes),
            values=join(self.values, other.values),
        )


@dataclass(frozen=True)
class PageField:
    """One row of a parameter table (or one sub-field a row lists)."""

    name: str
    line: int
    type: str | None = (
        None  # normalized: string, integer, number, boolean, object, array of …
    )
    required: bool | None = None  # None: the table has no such column
    facts: Facts = Facts()
    children: tuple[PageField, ...] = ()
    # False: the page only shows the field (in an example), so only its presence counts.
    described: bool = True


@dataclass(frozen=True)
class PageTable:
    place: Place
    line: int
    fields: tuple[PageField, ...]
    status: str | None = None  # a response's status code; None: the success response
    root: tuple[
        str, ...
    ] = ()  # where in the body the fields are (Tencent: ("Response",))


@dataclass(frozen=True)
class PageExample:
    line: int
    direction: Direction
    media: Literal["json", "xml"]
    value: object  # the parsed JSON value, or the XML text
    status: str | None = None
    operation: str | None = (
        None  # an operation the page names for it; None: the page's own
    )
    target: str | None = None  # "POST /path" of an HTTP message around it
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Page:
    display: str
    layout: str
    tables: tuple[PageTable, ...]
    examples: tuple[PageExample, ...] = ()
    action: tuple[str, int] | None = (
        None  # the operation name the page is about, and its line
    )
    endpoint: tuple[str, str, int] | None = None  # method, path template, line
    references: tuple[
        tuple[str, int], ...
    ] = ()  # other operations it names, with lines


@dataclass(frozen=True)
class Finding:
    """A difference found on one page, before it is matched with the accepted ones."""

    operation: str
    place: str  # "body", "response 200", "example response", "page", …
    field: str  # dotted name, a JSON pointer in an example, "" for the page itself
    kind: str
    page_value: str | None
    spec_value: str | None
    line: int | None = None


@dataclass(frozen=True)
class Difference:
    api: str
    operation: str
    page: str
    place: str
    field: str
    kind: str
    page_value: str | None
    spec_value: str | None
    line: int | None = None
    status: Status = "drift"
    reason: str | None = None
    # "sdk": `page` names the SDK and its version, `page_value` is the SDK's value.
    source: Source = "page"

    def as_json(self) -> dict[str, object]:
        return {
            "api": self.api,
            "operation": self.operation,
            "source": self.source,
            "page": self.page,
            "line": self.line,
            "place": self.place,
            "field": self.field,
            "kind": self.kind,
            "page_value": self.page_value,
            "spec_value": self.spec_value,
            "status": self.status,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class SdkStatus:
    """Whether an API's official SDK was compared, and the one line that says so."""

    distribution: str
    version: str | None  # the installed version; None when not installed
    compared: bool
    note: str

    def as_json(self) -> dict[str, object]:
        return {
            "distribution": self.distribution,
            "version": self.version,
            "compared": self.compared,
            "note": self.note,
        }


@dataclass
class Result:
    """Everything one run found."""

    apis: list[str] = field(default_factory=list)
    pages: dict[str, list[str]] = field(default_factory=dict)  # api -> pages checked
    differences: list[Difference] = field(default_factory=list)
    errors: list[PageError] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # api -> why not checked
    sdks: dict[str, SdkStatus] = field(default_factory=dict)  # api -> its SDK

    @property
    def exit_code(self) -> int:
        if self.errors:
            return 2
        if any(d.status != "accepted" for d in self.differences):
            return 1
        return 0
