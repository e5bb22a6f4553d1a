"""The order of the steps: mapping → spec → each page (parse, compare) → accepted →
the official SDK, when `pages.yaml` names one and it is installed (compare → accepted).

An API is checked when `specs/<api>/docs/pages.yaml` exists. An API that has saved pages
but no mapping is an error: its pages would otherwise pass unchecked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import SpecError
from ..load import load_openapi
from ..spec_files import spec_file
from .compare import compare_tables
from .examples import check_example
from .layouts import LAYOUTS
from .mapping import FILE, Accepted, DocsMapping, PageEntry, read_mapping
from .model import Difference, Finding, Page, PageError, Result, Source
from .sdk import READERS
from .sdk.run import run_sdk
from .source import read_source
from .spec_view import Resolver, SpecOperation, operations


@dataclass(frozen=True)
class PageRequest:
    """`--page FILE --operation ID`: one page, not necessarily saved in the repository."""

    path: Path
    operation: str | None


def check(
    specs: Path, apis: list[str], page: PageRequest | None = None, *, sdk: bool = True
) -> Result:
    """`sdk=False` compares the pages only; so does checking one page (`page`)."""
    result = Result(apis=list(apis))
    for api in apis:
        _check_api(specs, api, page, result, sdk=sdk and page is None)
    return result


def _display(specs: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(specs.resolve().parent).as_posix()
    except ValueError:
        return str(path)


def _check_api(
    specs: Path, api: str, request: PageRequest | None, result: Result, *, sdk: bool
) -> None:
    folder = specs / api
    docs = folder / "docs"
    mapping_path = docs / FILE
    if not mapping_path.is_file():
        saved = sorted(p.name for p in docs.glob("*.txt")) if docs.is_dir() else []
        if saved or request is not None:
            pages = f"saved pages ({', '.join(saved)})" if saved else "no saved pages"
            result.skipped[api] = f"{FILE} is missing"
            result.errors.append(
                PageError(
                    _display(specs, mapping_path),
                    None,
                    f"{api} has {pages} but no {FILE} naming their layout and the "
                    "operations they document",
                )
            )
        else:
            result.skipped[api] = "no saved pages"
        return
    try:
        mapping = read_mapping(
            mapping_path, _display(specs, mapping_path), set(LAYOUTS), set(READERS)
        )
        spec_display = _display(specs, spec_file(folder))
        document = load_openapi(spec_file(folder), spec_display)
    except PageError as error:
        result.errors.append(error)
        return
    except SpecError as error:
        result.errors.append(
            PageError(error.file, None, f"{error.pointer or '/'}: {error.message}")
        )
        return
    try:
        spec_operations = operations(document, folder, spec_display)
    except PageError as error:
        result.errors.append(error)
        return
    resolver = Resolver(document)
    entries = list(mapping.pages)
    if request is not None:
        found = _requested(request, mapping, result)
        if found is None:
            return
        entries = [found]
    for entry in entries:
        path = Path(entry.file) if request is not None else docs / entry.file
        display = _display(specs, path)
        result.pages.setdefault(api, []).append(display)
        unknown = [
            name
            for name in (entry.operation, *entry.also)
            if name not in spec_operations
        ]
        if unknown:
            result.errors.append(
                PageError(
                    mapping.display,
                    None,
                    f"/pages/{entry.file}: no operation {unknown[0]!r} in {spec_display}",
                )
            )
            continue
        try:
            page = LAYOUTS[entry.layout].parse(read_source(path, display))
        except PageError as error:
            result.errors.append(error)
            continue
        findings = check_page(page, entry, spec_operations, resolver)
        result.differences += _accept(api, display, findings, entry.accepted)
    if sdk and mapping.sdk is not None:
        try:
            run = run_sdk(mapping.sdk, spec_operations, resolver)
        except PageError as error:
            result.errors.append(error)
            return
        result.sdks[api] = run.status
        if run.status.compared:
            result.differences += _accept(
                api, run.display, run.findings, mapping.sdk.accepted, "sdk"
            )


def _requested(
    request: PageRequest, mapping: DocsMapping, result: Result
) -> PageEntry | None:
    """The entry for `--page FILE`: its saved page's, when it has the same name."""
    known = mapping.entry(request.path.name)
    operation = request.operation or (known.operation if known else None)
    if operation is None:
        result.errors.append(
            PageError(
                str(request.path),
                None,
                f"not in {mapping.display}: say which operation it documents "
                "(--operation ID)",
            )
        )
        return None
    return PageEntry(
        file=str(request.path),
        operation=operation,
        layout=known.layout if known else mapping.layout,
        also=known.also if known else (),
        accepted=known.accepted if known else (),
    )


def check_page(
    page: Page,
    entry: PageEntry,
    spec_operations: dict[str, SpecOperation],
    resolver: Resolver,
) -> list[Finding]:
    operation = spec_operations[entry.operation]
    findings: list[Finding] = []
    if page.action and page.action[0] != operation.id:
        name, line = page.action
        findings.append(
            Finding(operation.id, "page", "", "operation", name, operation.id, line)
        )
    if page.endpoint:
        method, path, line = page.endpoint
        if (method, path) not in (
            (operation.method, operation.path),
            (operation.wire_method, operation.wire_path),
        ):
            findings.append(
                Finding(
                    operation.id,
                    "page",
                    "",
                    "endpoint",
                    f"{method} {path}",
                    f"{operation.method} {operation.path}",
                    line,
                )
            )
    names = {name for name, _ in page.references}
    unknown = [name for name, _ in page.references if name not in spec_operations]
    unnamed = [name for name in entry.also if name not in names]
    # A page that names one operation wrongly, where it shows one it declares: the same.
    renamed = {unknown[0]: unnamed[0]} if len(unknown) == 1 == len(unnamed) else {}
    for name, line in page.references:
        if name in unknown:
            target = renamed.get(name)
            findings.append(
                Finding(
                    target or operation.id, "page", "", "operation", name, target, line
                )
            )
    findings += compare_tables(page.tables, operation, resolver)
    for example in page.examples:
        name = example.operation or operation.id
        target_id = renamed.get(name, name)
        if target_id not in spec_operations:
            continue  # reported above: the page names an operation the spec lacks
        findings += check_example(example, spec_operations[target_id], resolver)
    return findings


def _accept(
    api: str,
    page: str,
    findings: list[Finding],
    accepted: tuple[Accepted, ...],
    source: Source = "page",
) -> list[Difference]:
    # An accepted difference covers every finding like it (lines do not count): the
    # same slip in three examples is one entry.
    used: set[int] = set()
    out = []
    for finding in findings:
        match = next(
            (i for i, entry in enumerate(accepted) if entry.matches(finding)), None
        )
        if match is not None:
            used.add(match)
        out.append(
            Difference(
                api=api,
                operation=finding.operation,
                page=page,
                place=finding.place,
                field=finding.field,
                kind=finding.kind,
                page_value=finding.page_value,
                spec_value=finding.spec_value,
                line=finding.line,
                status="drift" if match is None else "accepted",
                reason=None if match is None else accepted[match].reason,
                source=source,
            )
        )
    # A field the page (or SDK) added or removed is one change: an accepted difference in
    # a detail of that field is not reported stale as well.
    moved = {
        (finding.operation, finding.field)
        for finding in findings
        if finding.kind in ("added", "removed")
    }
    for index, entry in enumerate(accepted):
        if index not in used and (entry.operation, entry.field) not in moved:
            out.append(
                Difference(
                    api=api,
                    operation=entry.operation,
                    page=page,
                    place=entry.place or "",
                    field=entry.field,
                    kind=entry.kind,
                    page_value=entry.page,
                    spec_value=entry.spec,
                    status="stale",
                    reason=f"accepted in pages.yaml ({entry.where}) but not "
                    f"{'on the page' if source == 'page' else 'in the SDK'} any more: "
                    "remove it",
                    source=source,
                )
            )
    return out
