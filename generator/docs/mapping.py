"""`specs/<api>/docs/pages.yaml`: which operations each saved page documents, and the
differences the spec keeps on purpose, each with its reason.

    layout: alibaba                    # the page layout (generator/docs/layouts/)
    pages:
      alibaba-ice-submit-audio-produce-job.v2.txt:
        operation: SubmitAudioProduceJob   # what its tables document
        also: [GetSmartHandleJob]          # other operations it shows examples of
        layout: alibaba                    # optional: this page's own layout
        accepted:                          # differences that are not drift
          - field: InputConfig             # as the report writes them
            kind: max-length
            page: '2000'                   # the page's value and the spec's, exactly:
            spec: '10000'                  # a page that changes again is drift again
            reason: The pages disagree ...
            operation: SubmitAudioProduceJob   # optional: the page's operation
            place: request                     # optional: any place

An accepted difference covers every finding with its operation, place, field, kind and
values, wherever on the page it is; one that covers nothing is reported as "stale".
A mistake in the file is an error (exit 2) naming the file and the place in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import pointer
from .model import Finding, PageError
from .spec_view import text

FILE = "pages.yaml"
_TOP = {"layout", "pages"}
_PAGE = {"operation", "also", "layout", "accepted"}
_ACCEPTED = {"operation", "place", "field", "kind", "page", "spec", "reason"}


@dataclass(frozen=True)
class Accepted:
    operation: str
    place: str | None
    field: str
    kind: str
    page: str | None
    spec: str | None
    reason: str
    where: str  # a JSON pointer into pages.yaml

    def matches(self, finding: Finding) -> bool:
        return (
            finding.operation == self.operation
            and (self.place is None or finding.place == self.place)
            and finding.field == self.field
            and finding.kind == self.kind
            and finding.page_value == self.page
            and finding.spec_value == self.spec
        )


@dataclass(frozen=True)
class PageEntry:
    file: str
    operation: str
    layout: str
    also: tuple[str, ...] = ()
    accepted: tuple[Accepted, ...] = ()


@dataclass(frozen=True)
class DocsMapping:
    display: str
    layout: str
    pages: tuple[PageEntry, ...]

    def entry(self, file: str) -> PageEntry | None:
        return next((page for page in self.pages if page.file == file), None)


def read_mapping(path: Path, display: str, layouts: set[str]) -> DocsMapping:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PageError(display, None, f"cannot read: {error.strerror}") from None
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise PageError(display, line, f"YAML syntax error: {error.problem}") from None
    except yaml.YAMLError as error:
        raise PageError(display, None, f"YAML error: {error}") from None
    return _Reader(display, layouts).read(document)


Where = tuple[object, ...]


class _Reader:
    def __init__(self, display: str, layouts: set[str]) -> None:
        self.display = display
        self.layouts = layouts

    def fail(self, where: Where, message: str) -> PageError:
        return PageError(self.display, None, f"{pointer(*where) or '/'}: {message}")

    def mapping(
        self, node: Any, where: Where, keys: set[str] | None
    ) -> Mapping[str, Any]:
        if not isinstance(node, Mapping):
            raise self.fail(where, "expected a mapping")
        unknown = sorted(set(map(str, node)) - keys) if keys is not None else []
        if unknown:
            known = ", ".join(sorted(keys or ()))
            raise self.fail(where, f"unknown key {unknown[0]!r} (known: {known})")
        return node

    def string(self, node: Any, where: Where) -> str:
        if not isinstance(node, str) or not node.strip():
            raise self.fail(where, "expected a non-empty string")
        return node

    def layout(self, node: Any, where: Where) -> str:
        name = self.string(node, where)
        if name not in self.layouts:
            known = ", ".join(sorted(self.layouts))
            raise self.fail(where, f"unknown layout {name!r} (known: {known})")
        return name

    def strings(self, node: Any, where: Where) -> tuple[str, ...]:
        if not isinstance(node, list):
            raise self.fail(where, "expected a list of operationIds")
        return tuple(self.string(item, where + (i,)) for i, item in enumerate(node))

    def read(self, document: Any) -> DocsMapping:
        top = self.mapping(document, (), _TOP)
        default = self.layout(top.get("layout"), ("layout",))
        entries = []
        for file, raw in self.mapping(top.get("pages"), ("pages",), None).items():
            at: Where = ("pages", file)
            page = self.mapping(raw, at, _PAGE)
            operation = self.string(page.get("operation"), at + ("operation",))
            accepted = page.get("accepted", [])
            if not isinstance(accepted, list):
                raise self.fail(at + ("accepted",), "expected a list")
            entries.append(
                PageEntry(
                    file=str(file),
                    operation=operation,
                    layout=self.layout(page.get("layout", default), at + ("layout",)),
                    also=self.strings(page.get("also", []), at + ("also",)),
                    accepted=tuple(
                        self.accepted(item, at + ("accepted", i), operation)
                        for i, item in enumerate(accepted)
                    ),
                )
            )
        return DocsMapping(self.display, default, tuple(entries))

    def accepted(self, item: Any, where: Where, operation: str) -> Accepted:
        node = self.mapping(item, where, _ACCEPTED)
        for key in ("field", "kind", "page", "spec", "reason"):
            if key not in node:
                raise self.fail(where, f"missing {key!r} (page and spec may be null)")
        field = node["field"]
        if not isinstance(field, str):
            raise self.fail(where + ("field",), "expected a string ('' for the page)")

        def optional(key: str, default: str | None) -> str | None:
            return self.string(node[key], where + (key,)) if key in node else default

        return Accepted(
            operation=optional("operation", operation) or operation,
            place=optional("place", None),
            field=field,
            kind=self.string(node["kind"], where + ("kind",)),
            page=None if node["page"] is None else text(node["page"]),
            spec=None if node["spec"] is None else text(node["spec"]),
            reason=" ".join(self.string(node["reason"], where + ("reason",)).split()),
            where=pointer(*where),
        )
