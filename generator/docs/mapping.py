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

The official SDK, compared when it is installed (generator/docs/sdk/):

    sdk:
      reader: alibaba                  # how its models describe themselves
      distribution: alibabacloud-ice20201109   # its pip name
      version: 6.20.2                  # the version the accepted list was made with
      module: alibabacloud_ice20201109.models  # where the model classes are
      classes:                         # optional: when not <operationId>Request/Response
        GetSmartHandleJob: {request: GetSmartHandleJobRequest, response: …}
      accepted:                        # as a page's, with the SDK's value as `sdk`;
        - operation: GetSmartHandleJob # `operation` is required here
          field: State
          kind: enum
          sdk: …
          spec: …
          reason: …
    # or, for an SDK with no model classes to compare:
    sdk: {distribution: cos-python-sdk-v5, skip: why}

A mistake in the file is an error (exit 2) naming the file and the place in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import pointer
from .model import Finding, PageError
from .spec_view import text

FILE = "pages.yaml"
_TOP = {"layout", "pages", "sdk"}
_SDK = {"reader", "distribution", "version", "module", "classes", "accepted", "skip"}
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
class SdkConfig:
    distribution: str
    skip: str | None = None  # why this SDK is not compared
    reader: str = ""
    version: str = ""
    module: str = ""
    # operationId -> (request class, response class), where not the default names
    classes: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    accepted: tuple[Accepted, ...] = ()

    def class_names(self, operation: str) -> tuple[str, str]:
        return self.classes.get(
            operation, (f"{operation}Request", f"{operation}Response")
        )


@dataclass(frozen=True)
class DocsMapping:
    display: str
    layout: str
    pages: tuple[PageEntry, ...]
    sdk: SdkConfig | None = None

    def entry(self, file: str) -> PageEntry | None:
        return next((page for page in self.pages if page.file == file), None)


def read_mapping(
    path: Path,
    display: str,
    layouts: set[str],
    readers: frozenset[str] | set[str] = frozenset(),
) -> DocsMapping:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PageError(display, None, f"cannot read: {error.strerror}") from None
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise PageError(display, line, f"YAML syntax error: {error.problem}") from None
    except yaml.YAMLError as error:
        raise PageError(display, None, f"YAML error: {error}") from None
    return _Reader(display, layouts, readers).read(document)


Where = tuple[object, ...]


class _Reader:
    def __init__(
        self, display: str, layouts: set[str], readers: frozenset[str] | set[str]
    ) -> None:
        self.display = display
        self.layouts = layouts
        self.readers = readers

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
        sdk = None if "sdk" not in top else self.sdk(top["sdk"], ("sdk",))
        return DocsMapping(self.display, default, tuple(entries), sdk)

    def sdk(self, node: Any, where: Where) -> SdkConfig:
        config = self.mapping(node, where, _SDK)
        distribution = self.string(
            config.get("distribution"), where + ("distribution",)
        )
        if "skip" in config:
            return SdkConfig(
                distribution, skip=self.string(config["skip"], where + ("skip",))
            )
        reader = self.string(config.get("reader"), where + ("reader",))
        if reader not in self.readers:
            known = ", ".join(sorted(self.readers))
            raise self.fail(
                where + ("reader",), f"unknown reader {reader!r} (known: {known})"
            )
        classes: dict[str, tuple[str, str]] = {}
        at = where + ("classes",)
        for operation, names in self.mapping(
            config.get("classes", {}), at, None
        ).items():
            pair = self.mapping(names, at + (operation,), {"request", "response"})
            default = (f"{operation}Request", f"{operation}Response")
            classes[str(operation)] = (
                self.string(
                    pair.get("request", default[0]), at + (operation, "request")
                ),
                self.string(
                    pair.get("response", default[1]), at + (operation, "response")
                ),
            )
        accepted = config.get("accepted", [])
        if not isinstance(accepted, list):
            raise self.fail(where + ("accepted",), "expected a list")
        return SdkConfig(
            distribution=distribution,
            reader=reader,
            # Optional: YAML reads 6.20 as a number, so any scalar is taken as text.
            version=""
            if "version" not in config
            else self.string(text(config["version"]), where + ("version",)),
            module=self.string(config.get("module"), where + ("module",)),
            classes=classes,
            accepted=tuple(
                self.accepted(item, where + ("accepted", i), None, value="sdk")
                for i, item in enumerate(accepted)
            ),
        )

    def accepted(
        self, item: Any, where: Where, operation: str | None, value: str = "page"
    ) -> Accepted:
        node = self.mapping(item, where, _ACCEPTED - {"page"} | {value})
        required = ("operation",) if operation is None else ()
        for key in (*required, "field", "kind", value, "spec", "reason"):
            if key not in node:
                raise self.fail(
                    where, f"missing {key!r} ({value} and spec may be null)"
                )
        field = node["field"]
        if not isinstance(field, str):
            raise self.fail(where + ("field",), "expected a string ('' for the page)")

        def optional(key: str, default: str | None) -> str | None:
            return self.string(node[key], where + (key,)) if key in node else default

        return Accepted(
            operation=optional("operation", operation) or "",
            place=optional("place", None),
            field=field,
            kind=self.string(node["kind"], where + ("kind",)),
            page=None if node[value] is None else text(node[value]),
            spec=None if node["spec"] is None else text(node["spec"]),
            reason=" ".join(self.string(node["reason"], where + ("reason",)).split()),
            where=pointer(*where),
        )
