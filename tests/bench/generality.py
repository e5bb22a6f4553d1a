"""Generality: every published document of tests/corpus/, unedited, through this generator and
through openapi-python-client, side by side (issue 26's table).

    python -m tests.bench.generality [--runs N] [--mypy-timeout SECONDS] [FOLDER ...]

Per document and per tool: whether it generates, the operations it generates (ours: the
count its summary line states; openapi-python-client: the endpoint modules it writes under
`api/`, one per operation), the warnings it reports, the median wall time of `--runs` whole
processes into an empty folder, and `mypy --strict` over the package it wrote, at the
oldest Python its own pyproject.toml states (once, cold cache, no project configuration,
stopped after `--mypy-timeout`).
Writes docs/bench/data/generality.json and docs/bench/generality.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.bench.common import (
    BIN,
    DOCS,
    REPO,
    Run,
    load,
    machine,
    run_process,
    save,
    say,
    summary,
    venv_env,
)

CORPUS = REPO / "tests" / "corpus"
OURS = "tts-sdkgen"
PEER = "openapi-python-client"

# openapi-python-client prints each warning as a free-form header and detail, so counting
# its output is guesswork; this wrapper runs its own CLI unchanged and also prints the list
# its `handle_errors` receives, as one marked JSON line.
_PEER_WRAPPER = """
import json
from openapi_python_client import cli

shown = cli.handle_errors

def counted(errors, fail_on_warning=False):
    listed = [
        {"level": str(e.level.value), "header": str(e.header).strip(), "detail": str(e.detail or "")}
        for e in errors
    ]
    print("BENCH-ERRORS " + json.dumps(listed), flush=True)
    shown(errors, fail_on_warning)

cli.handle_errors = counted
cli.app(prog_name="openapi-python-client")
"""

_RAISED = re.compile(r"^\w*(?:Error|Exception): .*$", re.MULTILINE)
_SUMMARY = re.compile(r"(\d+) operations?, (\d+) skipped, (\d+) warnings?")
_MYPY_FOUND = re.compile(r"Found (\d+) errors? in (\d+) files? \(checked (\d+) source")
_MYPY_CLEAN = re.compile(r"Success: no issues found in (\d+) source")
# `requires-python = ">=3.10"` (PEP 621, ours) or `python = "^3.11"` (poetry, opc's default).
_PYTHON = re.compile(
    r'^(?:requires-python|python)\s*=\s*"[>=^~ ]*(3\.\d+)', re.MULTILINE
)


@dataclass(frozen=True)
class Document:
    folder: str
    file: str
    version: str  # "OpenAPI 3.1.0", "Swagger 2.0"
    format: str
    operations: int

    @property
    def path(self) -> Path:
        return CORPUS / self.folder / self.file


def _read(document: Document) -> dict[str, Any]:
    text = document.path.read_text("utf-8")
    loaded: dict[str, Any] = (
        json.loads(text) if document.format == "json" else yaml.safe_load(text)
    )
    return loaded


def documents() -> list[Document]:
    manifest = yaml.safe_load((CORPUS / "manifest.yaml").read_text("utf-8"))
    found = []
    for entry in manifest["documents"]:
        version = (
            f"OpenAPI {entry['openapi']}"
            if "openapi" in entry
            else f"Swagger {entry['swagger']}"
        )
        found.append(
            Document(
                entry["folder"],
                entry["file"],
                version,
                entry["format"],
                int(entry["operations"]),
            )
        )
    return found


_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _is_json(media_type: str) -> bool:
    essence = media_type.split(";")[0].strip().lower()
    return essence == "application/json" or essence.endswith("+json")


def non_json_operations(document: dict[str, Any]) -> set[str]:
    """ "METHOD /path" of each operation with a request or response body of a media type
    other than JSON (audio, octet-stream, multipart, form, text, server-sent events).
    Swagger 2.0: a `formData` parameter, a `type: file` answer, or a non-JSON
    `consumes`/`produces` where the operation has a body or an answer with a schema."""
    swagger = "swagger" in document
    found = set()
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        shared = [p for p in item.get("parameters") or [] if isinstance(p, dict)]
        for method in _METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            responses = [
                r
                for r in (operation.get("responses") or {}).values()
                if isinstance(r, dict)
            ]
            if swagger:
                parameters = shared + [
                    p for p in operation.get("parameters") or [] if isinstance(p, dict)
                ]
                consumes = operation.get("consumes", document.get("consumes")) or []
                produces = operation.get("produces", document.get("produces")) or []
                body = any(p.get("in") in ("body", "formData") for p in parameters)
                answered = [
                    r["schema"] for r in responses if isinstance(r.get("schema"), dict)
                ]
                other = (
                    any(p.get("in") == "formData" for p in parameters)
                    or (body and any(not _is_json(t) for t in consumes))
                    or any(s.get("type") == "file" for s in answered)
                    or (bool(answered) and any(not _is_json(t) for t in produces))
                )
            else:
                request = operation.get("requestBody")
                contents = [
                    request.get("content") if isinstance(request, dict) else None
                ]
                contents += [r.get("content") for r in responses]
                other = any(
                    not _is_json(media_type)
                    for content in contents
                    if isinstance(content, dict)
                    for media_type in content
                )
            if other:
                found.add(f"{method.upper()} {path}")
    return found


_OURS_SKIPPED = re.compile(r"operation ([A-Z]+ \S+) skipped$", re.MULTILINE)
_PEER_PARSING = re.compile(r"^WARNING parsing ([A-Z]+ \S+) within ")


def ours_skipped(output: str) -> set[str]:
    """The operations the generator's warnings say it skipped ("operation GET /x skipped")."""
    return set(_OURS_SKIPPED.findall(output))


def peer_operations(errors: list[dict[str, str]]) -> tuple[set[str], set[str]]:
    """(skipped, partial) operations in opc's warnings: "WARNING parsing GET /x within
    tag. Endpoint will not be generated." or without that sentence (see `peer_partial`)."""
    skipped, partial = set(), set()
    for error in errors:
        match = _PEER_PARSING.match(error["header"])
        if match:
            if "will not be generated" in error["header"]:
                skipped.add(match[1])
            else:
                partial.add(match[1])
    return skipped, partial - skipped


def ours_counts(output: str) -> tuple[int, int, int] | None:
    """(generated, skipped, warnings) from the generator's one-line summary of the API."""
    match = _SUMMARY.search(output)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def peer_errors(output: str) -> list[dict[str, str]] | None:
    """openapi-python-client's warnings and errors, as the wrapper printed them."""
    for line in output.splitlines():
        if line.startswith("BENCH-ERRORS "):
            listed: list[dict[str, str]] = json.loads(
                line.removeprefix("BENCH-ERRORS ")
            )
            return listed
    return None


def peer_partial(errors: list[dict[str, str]]) -> int:
    """Operations opc generates with part of them left out: it warns "WARNING parsing GET
    /x within tag." (without "Endpoint will not be generated.") for a response it omits or
    one of several request body types it drops, once per tag of the operation."""
    return len(
        {
            error["header"]
            for error in errors
            if error["header"].startswith("WARNING parsing ")
            and "will not be generated" not in error["header"]
        }
    )


def peer_failure(output: str, errors: list[dict[str, str]] | None) -> str:
    """Why openapi-python-client wrote no client: its first error (header and the start of
    its detail), or the exception it ended with when it never reached its error list."""
    for error in errors or []:
        if error["level"].lower() == "error":
            detail = [
                line.strip() for line in error["detail"].splitlines() if line.strip()
            ]
            header = error["header"].splitlines()[0].rstrip(": ")
            return f"{header}: {' '.join(detail[:2])}"[:240] if detail else header
    raised = _RAISED.findall(output)
    return f"crashed: {raised[-1].strip()}"[:240] if raised else "exit status non-zero"


def mypy_errors(output: str) -> tuple[int, int] | None:
    """(errors, source files checked) from mypy's last line; None if it did not finish."""
    if match := _MYPY_FOUND.search(output):
        return int(match[1]), int(match[3])
    if match := _MYPY_CLEAN.search(output):
        return 0, int(match[1])
    return None


def endpoint_modules(out: Path) -> int:
    """openapi-python-client writes one module per operation under `<package>/api/<tag>/`."""
    return sum(
        1 for module in out.glob("*/api/**/*.py") if module.name != "__init__.py"
    )


def package_of(out: Path) -> Path | None:
    packages = sorted(p.parent for p in out.glob("*/__init__.py"))
    return packages[0] if len(packages) == 1 else None


def declared_python(package: Path) -> str:
    """The oldest Python the package's own pyproject.toml promises (mypy checks it against
    that version: opc's packages state 3.11 and use `enum.StrEnum`, ours state 3.10)."""
    for project in (package / "pyproject.toml", package.parent / "pyproject.toml"):
        if project.is_file() and (match := _PYTHON.search(project.read_text("utf-8"))):
            return match[1]
    return "3.10"


def _specs(document: Document, work: Path) -> Path:
    """specs/<folder>/openapi.{yaml,json}: the stored file itself, linked, not copied."""
    specs = work / "specs"
    (specs / document.folder).mkdir(parents=True, exist_ok=True)
    name = "openapi.json" if document.format == "json" else "openapi.yaml"
    link = specs / document.folder / name
    if not link.exists():
        link.symlink_to(document.path)
    return specs


def _ours(document: Document, work: Path, out: Path) -> list[str | Path]:
    return [
        BIN / "python",
        "-m",
        "generator",
        "generate",
        document.folder,
        "--specs",
        _specs(document, work),
        "--out",
        out,
        "--force",
    ]


# Where openapi-python-client is installed: this virtualenv (the `bench` extra) unless
# `--peer-bin` names another's bin folder.
_PEER_BIN = [BIN]


def _peer(document: Document, work: Path, out: Path) -> list[str | Path]:
    return [
        _PEER_BIN[0] / "python",
        "-c",
        _PEER_WRAPPER,
        "generate",
        "--path",
        document.path,
        "--output-path",
        out,
        "--overwrite",
    ]


def _mypy(package: Path, work: Path, timeout: float) -> dict[str, Any]:
    empty = work / "mypy.ini"
    empty.write_text("[mypy]\n", "utf-8")
    python = declared_python(package)
    log = work / f"mypy-{package.name}.log"
    cache = work / f"mypy-cache-{package.name}"
    run = run_process(
        [
            BIN / "mypy",
            "--strict",
            "--python-version",
            python,
            "--config-file",
            empty,
            "--cache-dir",
            cache,
            package.name,
        ],
        cwd=package.parent,
        env=venv_env(),
        timeout=timeout,
        log=log,
    )
    output = log.read_text(errors="replace")
    counted = mypy_errors(output)
    shutil.rmtree(cache, ignore_errors=True)
    return {
        "python": python,
        "seconds": run.wall,
        "timed_out": run.timed_out,
        "errors": counted[0] if counted else None,
        "files": counted[1] if counted else None,
        "first_errors": [line for line in output.splitlines() if ": error:" in line][
            :5
        ],
    }


Command = Callable[[Document, Path, Path], list[str | Path]]


def _tool(
    name: str,
    command: Command,
    document: Document,
    work: Path,
    runs: int,
    mypy_timeout: float,
) -> dict[str, Any]:
    measured: list[Run] = []
    out = work / "out" / name
    log = work / f"{name}-{document.folder}.log"
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        # A wide terminal: rich would otherwise wrap the exception line of a crash.
        env = venv_env(COLUMNS="400")
        if name == PEER:  # its own ruff first on PATH, for its post-hooks
            env["PATH"] = f"{_PEER_BIN[0]}{os.pathsep}{env['PATH']}"
        measured.append(run_process(command(document, work, out), env=env, log=log))
    output = log.read_text(errors="replace")
    result: dict[str, Any] = {**summary(measured), "generates": measured[-1].ok}
    other = non_json_operations(_read(document))
    if name == OURS:
        counts = ours_counts(output)
        result["generated"] = counts[0] if counts and measured[-1].ok else 0
        result["warnings"] = counts[2] if counts else None
        result["non_json"] = len(other - ours_skipped(output)) if measured[-1].ok else 0
        result["non_json_partial"] = 0
    else:
        errors = peer_errors(output) or []
        skipped, partial = peer_operations(errors)
        generated = other - skipped
        result["non_json"] = len(generated - partial) if measured[-1].ok else 0
        result["non_json_partial"] = len(generated & partial) if measured[-1].ok else 0
        result["generated"] = endpoint_modules(out) if measured[-1].ok else 0
        result["warnings"] = len(errors)
        result["partial"] = peer_partial(errors) if measured[-1].ok else 0
        result["messages"] = [e["header"].splitlines()[0] for e in errors][:40]
        if not measured[-1].ok:
            result["failure"] = peer_failure(output, peer_errors(output))
    if not measured[-1].ok:
        result["tail"] = output.strip().splitlines()[-6:]
    package = package_of(out) if measured[-1].ok else None
    result["mypy"] = _mypy(package, work, mypy_timeout) if package else None
    say(
        f"  {document.folder:<38} {name:<22} "
        + (
            f"{result['generated']:>3}/{document.operations:<3} generated, "
            f"{result['warnings']} warnings, {result['wall']:.2f} s, mypy "
            + _mypy_cell(result["mypy"])
            if result["generates"]
            else "fails"
        )
    )
    shutil.rmtree(out, ignore_errors=True)
    return result


def _mypy_cell(mypy: dict[str, Any] | None) -> str:
    if mypy is None:
        return "-"
    if mypy["timed_out"]:
        return f"stopped after {mypy['seconds']:.0f} s"
    if mypy["errors"] is None:
        return "did not run"
    if mypy["errors"] == 0:
        return f"clean ({mypy['seconds']:.0f} s)"
    return f"{mypy['errors']} errors ({mypy['seconds']:.0f} s)"


def _cells(result: dict[str, Any], present: int, other: int | None) -> list[str]:
    if not result["generates"]:
        return ["fails", "-", "-", "-", "-"]
    partial = f" ({result['partial']} partial)" if result.get("partial") else ""
    return [
        f"{result['generated']} / {present}{partial}",
        _non_json_cell(result, other),
        str(result["warnings"]),
        f"{result['wall']:.2f} s",
        _mypy_cell(result["mypy"]),
    ]


def _non_json_cell(result: dict[str, Any], other: int | None) -> str:
    """Operations with a non-JSON body generated / present ("-": not measured then)."""
    if other is None or "non_json" not in result:
        return "-"
    partial = result.get("non_json_partial")
    return f"{result['non_json']} / {other}" + (
        f" ({partial} partial)" if partial else ""
    )


def _total(shown: int, present: int, generated: int | None = None) -> str:
    """`shown` with the share of `present` generated (`shown` itself by default)."""
    part = shown if generated is None else generated
    return f"{shown} ({part / present:.0%})" if present else str(shown)


def table(data: dict[str, Any]) -> str:
    """The markdown table of docs/bench/generality.md (and of the README)."""
    lines = [
        "| spec | version | operations | ours: generated | ours: non-JSON bodies "
        "| ours: warnings | ours: time | ours: mypy --strict | opc: generated "
        "| opc: non-JSON bodies | opc: warnings | opc: time | opc: mypy --strict |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: "
        "| ---: | --- |",
    ]
    totals = {OURS: 0, PEER: 0}
    other_totals = {OURS: 0, PEER: 0}
    present = other_present = 0
    for folder, row in data["documents"].items():
        present += row["operations"]
        other = row.get("non_json_operations")
        other_present += other or 0
        cells = [f"`{folder}`", row["version"], str(row["operations"])]
        for name in (OURS, PEER):
            cells += _cells(row[name], row["operations"], other)
            totals[name] += row[name]["generated"]
            other_totals[name] += row[name].get("non_json", 0)
        lines.append("| " + " | ".join(cells) + " |")
    lines.append(
        f"| **all** | | {present} | {_total(totals[OURS], present)} "
        f"| {other_totals[OURS]} / {_total(other_present, other_present, other_totals[OURS])} | | | "
        f"| {_total(totals[PEER], present)} "
        f"| {other_totals[PEER]} / {_total(other_present, other_present, other_totals[PEER])} | | | |"
    )
    return "\n".join(lines)


def failures(data: dict[str, Any]) -> str:
    lines = [
        f"- opc on `{folder}`: {row[PEER].get('failure', '?')}"
        for folder, row in data["documents"].items()
        if not row[PEER]["generates"]
    ]
    return ("Where opc fails:\n\n" + "\n".join(lines) + "\n") if lines else ""


def markdown(data: dict[str, Any]) -> str:
    described = data["machine"]
    return f"""# Generality: the published specs of tests/corpus/, beside openapi-python-client

Written by `python -m tests.bench.generality` (a stage of `make bench`); the raw figures
are in [data/generality.json](data/generality.json). Each document is given to both tools
as stored: unedited, no configuration, no `--strict`.

{table(data)}

- **generated**: operations with a method. Ours: the count in the generator's summary
  line (the others are skipped, each with a warning). openapi-python-client ("opc",
  {data["peer_version"]}): the endpoint modules it writes, one per operation; "fails":
  it exits non-zero, saying it created no client (why: below the list); "partial": of
  those, the operations opc generates with a response or one of several request body
  types left out (it warns; the method then returns no typed answer for that status).
- **non-JSON bodies**: of the operations with a request or response body of a media
  type other than JSON (audio, octet-stream, multipart, form-urlencoded, text, server-sent
  events; Swagger 2.0: `formData`, `type: file`, non-JSON `consumes`/`produces`), those
  generated: ours, not among the operations its warnings say it skipped; opc, not among
  those it says it will not generate, "partial" where it warns it left part out.
- **warnings**: ours, the `warning:` lines (each names the file and a JSON pointer);
  opc, the warnings and errors it lists at the end of its run.
- **time**: median wall time of {data["runs"]} whole processes writing into an empty
  folder (ours includes ruff formatting; opc includes its ruff post-hooks).
- **mypy --strict**: `{data["mypy_version"]}`, `--strict` over the written package, at
  the oldest Python its own pyproject.toml states (ours 3.10, opc 3.11), once, cold
  cache, no project configuration, stopped after {data["mypy_timeout"]:.0f} s.

{failures(data)}
Machine: {described["nproc"]} cores ({described["cpu_model"]}), shared with
other work (1-minute load {described["load_start"]:.1f} at the start); Python
{data["python"]}; commit `{described["commit"]}`; {data["date"]}.
"""


README = REPO / "README.md"
START, END = "<!-- generality: start -->", "<!-- generality: end -->"


def readme(data: dict[str, Any]) -> None:
    """The README's copy of the table ("Bring a published spec"), between its markers."""
    text = README.read_text("utf-8")
    head, start, rest = text.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise SystemExit(f"{README}: the markers {START} and {END} are missing")
    stamp = f"Measured {data['date']}, {data['peer_version']}, {data['mypy_version']}."
    README.write_text(f"{head}{start}\n{stamp}\n\n{table(data)}\n{end}{tail}", "utf-8")


def _version(argv: list[str | Path]) -> str:
    log = Path(tempfile.mkstemp(prefix="tts-bench-version-")[1])
    try:
        run_process(argv, env=venv_env(), log=log)
        text = log.read_text(errors="replace").strip()
    finally:
        log.unlink()
    return text.splitlines()[0] if text else "?"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mypy-timeout", type=float, default=900.0)
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="measure nothing: rewrite the markdown and the README from the saved JSON",
    )
    parser.add_argument(
        "--peer-bin",
        type=Path,
        default=BIN,
        help="the bin folder of the virtualenv holding openapi-python-client "
        "(default: this one's, where the bench extra installs it)",
    )
    parser.add_argument("folders", nargs="*", help="corpus folders (default: all)")
    args = parser.parse_args(argv)
    _PEER_BIN[0] = args.peer_bin
    if args.report_only:
        saved = load("generality")
        if saved is None:
            raise SystemExit(
                "no docs/bench/data/generality.json: run without --report-only"
            )
        _write(saved, whole=len(saved["documents"]) == len(documents()))
        return

    chosen = [d for d in documents() if not args.folders or d.folder in args.folders]
    data: dict[str, Any] = {
        "runs": args.runs,
        "mypy_timeout": args.mypy_timeout,
        "peer_version": _version(
            [args.peer_bin / "openapi-python-client", "--version"]
        ),
        "mypy_version": _version([BIN / "mypy", "--version"]),
        "python": sys.version.split()[0],
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "documents": {},
    }
    say("generality: the corpus, ours and openapi-python-client")
    with tempfile.TemporaryDirectory(prefix="tts-bench-generality-") as folder:
        work = Path(folder)
        for document in chosen:
            data["documents"][document.folder] = {
                "version": document.version,
                "format": document.format,
                "operations": document.operations,
                "non_json_operations": len(non_json_operations(_read(document))),
                OURS: _tool(OURS, _ours, document, work, args.runs, args.mypy_timeout),
                PEER: _tool(PEER, _peer, document, work, args.runs, args.mypy_timeout),
            }
            # Saved after each document: a long mypy run stopped midway loses only its row.
            save("generality", data)
    _write(data, whole=not args.folders)


def _write(data: dict[str, Any], *, whole: bool) -> None:
    (DOCS / "generality.md").write_text(markdown(data), "utf-8")
    written = [DOCS / "generality.md"]
    # Only a run over the whole corpus replaces the README's table.
    if whole:
        readme(data)
        written.append(README)
    say(f"  wrote {', '.join(str(path) for path in written)}")


if __name__ == "__main__":
    main()
