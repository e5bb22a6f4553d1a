"""Runs the steps for each API, in order: load -> IR -> models/templates -> format (ruff) -> write.

The only module that knows the order. Heavy imports (YAML, validators, templates) happen
only once an API actually needs rendering, so a no-op run costs almost nothing.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from . import naming
from .errors import Diagnostic, collect
from .fingerprint import has_header, stamp, with_header
from .spec_files import SPEC_FILE, SPEC_FILES, spec_file

if TYPE_CHECKING:
    from .ir import Api

REPO = Path(__file__).resolve().parent.parent
T = TypeVar("T")


@dataclass(frozen=True)
class Report:
    api: str
    written: int
    unchanged: int
    removed: int
    seconds: float
    skipped: bool = False
    warnings: tuple[Diagnostic, ...] = ()
    # Operations generated, and left out (what the generator cannot express yet).
    operations: int = 0
    operations_skipped: int = 0

    def line(self) -> str:
        if self.skipped:
            return f"{self.api}: up to date ({self.seconds:.3f} s)"
        return (
            f"{self.api}: {self.written} written, {self.unchanged} unchanged, "
            f"{self.removed} removed; {counts(self.operations, self.operations_skipped, len(self.warnings))} "
            f"({self.seconds:.3f} s)"
        )


def counts(operations: int, skipped: int, warnings: int) -> str:
    """The summary of an API's run: `12 operations, 2 skipped, 3 warnings`."""
    return (
        f"{operations} operation{'s' if operations != 1 else ''}, {skipped} skipped, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )


def discover(specs: Path) -> list[str]:
    """Every API: a folder of `specs/` holding an `openapi.yaml` (or .yml, or .json)."""
    return sorted(
        {p.parent.name for name in SPEC_FILES for p in specs.glob(f"*/{name}")}
    )


def spec_digest(folder: Path) -> str:
    """The sha256 of an API's spec: its OpenAPI file, and the XSDs beside it, if any."""
    digest = hashlib.sha256(spec_file(folder).read_bytes())
    for xsd in sorted(folder.glob("*.xsd")):
        digest.update(b"\0" + xsd.name.encode() + b"\0" + xsd.read_bytes())
    return digest.hexdigest()


def spec_display(key: str, name: str = SPEC_FILE) -> str:
    """How headers name a spec: the same on every machine, whatever the working directory."""
    return f"specs/{key}/{name}"


def _error_display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def build_api(key: str, specs: Path) -> Api:
    """Load an API's spec (and the XSD it names, if any) and build its IR."""
    from .ir_build import build
    from .load import load_openapi, load_xsd

    path = spec_file(specs / key)
    source = _error_display(path)
    document = load_openapi(path, source)
    xsd = None
    xsd_name = document.get("x-sdkgen-xsd")
    if isinstance(xsd_name, str):
        xsd_path = specs / key / xsd_name
        xsd = load_xsd(xsd_path, _error_display(xsd_path))
    return build(
        document,
        key,
        spec_display(key, path.name),
        spec_digest(specs / key),
        source,
        xsd,
    )


def render_api(key: str, specs: Path) -> dict[str, bytes]:
    """Every file of the API's package, by path relative to the package folder."""
    return _render(key, specs)[1]


def _render(key: str, specs: Path) -> tuple[Api, dict[str, bytes]]:
    from .format import format_python
    from .models import render_models
    from .render import render_package, runtime_files

    api = build_api(key, specs)
    digest = api.spec_sha256
    sources = render_package(api)
    sources["models.py"] = render_models(api)
    sources.update(runtime_files(api))
    inputs = stamp(digest, sum(1 for rel in sources if has_header(rel)))
    # The runtime is copied as it is (already formatted, and the same in every package).
    sources.update(
        format_python(
            {
                rel: source
                for rel, source in sources.items()
                if rel.endswith(".py") and not rel.startswith("_runtime/")
            }
        )
    )
    return api, {
        rel: with_header(rel, source, api.spec_path, inputs).encode()
        for rel, source in sorted(sources.items())
    }


def _is_current(key: str, specs: Path, out: Path) -> bool:
    """Whether every generated file's header names this spec's and this generator's hashes,
    and none is missing: a cheap test that lets a no-op run skip rendering."""
    from .write import generated_headers

    digest = spec_digest(specs / key)
    package = out / naming.package_name(key)
    headers = generated_headers(package)
    # py.typed is the one file with no room for a header.
    if not headers or not (package / "py.typed").is_file():
        return False
    count = len(headers)
    expected = stamp(digest, count).encode()
    return all(expected in head for head in headers.values())


def generate(
    key: str, specs: Path, out: Path, *, force: bool = False, strict: bool = False
) -> Report:
    """Render and write one API; `strict`: its first warning is a SpecError instead."""
    from .write import write_tree

    start = time.perf_counter()
    if not force and _is_current(key, specs, out):
        return Report(key, 0, 0, 0, time.perf_counter() - start, skipped=True)
    with collect(strict=strict) as warnings:
        api, files = _render(key, specs)
    outcome = write_tree(out / naming.package_name(key), files)
    return Report(
        key,
        len(outcome.written),
        len(outcome.unchanged),
        len(outcome.removed),
        time.perf_counter() - start,
        warnings=tuple(warnings),
        # An alternative body's method is its operation's, counted once.
        operations=sum(not o.alternative_of for o in api.operations),
        operations_skipped=len(api.skipped_operations),
    )


@dataclass(frozen=True)
class Checked:
    """What `check` finds for one API."""

    differences: list[str]
    warnings: tuple[Diagnostic, ...]
    operations: int
    operations_skipped: int

    def line(self, api: str) -> str:
        state = "stale" if self.differences else "up to date"
        summary = counts(self.operations, self.operations_skipped, len(self.warnings))
        return f"{api}: {state}; {summary}"


def check(key: str, specs: Path, out: Path, *, strict: bool = False) -> Checked:
    """What `generate` would change (always renders: a hand edit must not hide behind a
    hash), and the spec's warnings."""
    from .write import diff_tree

    with collect(strict=strict) as warnings:
        api, files = _render(key, specs)
    return Checked(
        diff_tree(out / naming.package_name(key), files),
        tuple(warnings),
        sum(not o.alternative_of for o in api.operations),
        len(api.skipped_operations),
    )


def generate_all(
    keys: list[str],
    specs: Path,
    out: Path,
    *,
    force: bool = False,
    strict: bool = False,
) -> list[Report]:
    """`generate` for each key, in order; the APIs that need rendering render in parallel."""
    reports: dict[str, Report] = {}
    for key in keys:
        start = time.perf_counter()
        if not force and _is_current(key, specs, out):
            reports[key] = Report(
                key, 0, 0, 0, time.perf_counter() - start, skipped=True
            )
    todo = _heaviest_first([key for key in keys if key not in reports], specs)
    rendered = _map(
        partial(generate, specs=specs, out=out, force=True, strict=strict), todo
    )
    reports.update(zip(todo, rendered, strict=True))
    return [reports[key] for key in keys]


def _heaviest_first(keys: list[str], specs: Path) -> list[str]:
    """`keys` in the order that ends a parallel run soonest: the longest first. An API
    with an XSD has a second file to read (and is the slowest to render, measured), then
    size."""

    def cost(key: str) -> tuple[int, int]:
        folder = specs / key
        return (len(list(folder.glob("*.xsd"))), spec_file(folder).stat().st_size)

    return sorted(keys, key=cost, reverse=True)


def check_all(
    keys: list[str], specs: Path, out: Path, *, strict: bool = False
) -> Iterator[tuple[str, Checked]]:
    """`check` for each key, in order, in parallel."""
    todo = _heaviest_first(keys, specs)
    found = dict(
        zip(
            todo,
            _map(partial(check, specs=specs, out=out, strict=strict), todo),
            strict=True,
        )
    )
    return ((key, found[key]) for key in keys)


def _map(function: Callable[[str], T], keys: list[str]) -> list[T]:
    """`function` over `keys`, in worker processes when there are several and cores for them.

    The heavy imports happen once, here, and forked workers inherit them: rendering, not
    importing, is what is shared out.
    """
    workers = min(len(keys), os.cpu_count() or 1)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(key) for key in keys]
    _preload()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(function, keys))


def _preload() -> None:
    """What every worker would otherwise do once for itself: the imports, and the first
    call of each library, which builds its own tables (the compiled templates, the
    meta-schemas)."""
    from . import fast_check, format, ir_build, load, models, render, xsd_read  # noqa: F401

    fast_check.warm_up()
    env = render._environment()
    for name in env.list_templates(extensions=["jinja"]):
        env.get_template(name)


def orphans(specs: Path, out: Path) -> list[Path]:
    """Generated packages whose spec is gone."""
    from .write import generated_headers

    expected = {naming.package_name(key) for key in discover(specs)}
    if not out.is_dir():
        return []
    return [
        package
        for package in sorted(out.iterdir())
        if package.is_dir()
        and package.name not in expected
        and "__init__.py" in generated_headers(package)
    ]


def remove_package(package: Path) -> int:
    """Delete a generated package: our files, py.typed, then folders left empty."""
    from .write import write_tree

    removed = len(write_tree(package, {}).removed)
    (package / "py.typed").unlink(missing_ok=True)
    for folder in sorted(package.rglob("*"), reverse=True) + [package]:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return removed + 1
