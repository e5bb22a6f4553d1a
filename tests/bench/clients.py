"""Clients: per-call cost of each generated package (sync and async), its vendor's official
SDK and bare httpx, against one loopback server; import times; installed sizes.

The generated packages are installed (pip, offline, no dependencies, byte-compiled) into a
temporary folder, and imported from there, as a user would. The server (`server.py`) is a
process of its own; each measurement (`calls.py`) is a whole process of its own, and the
runs are interleaved: run 1 of every variant of every vendor, then run 2, …, with the
variants' order rotating. Each figure is the median of `--runs` such processes.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement

from tests.bench import vendors
from tests.bench.calls import VARIANTS
from tests.bench.common import (
    BIN,
    GENERATED,
    REPO,
    median,
    run_process,
    save,
    say,
    venv_env,
)

APIS = tuple(vendors.PACKAGES)
# Shared by the generated packages and left out of their size, as the issue asks.
RUNTIME_DEPS = {"httpx", "pydantic", "pydantic-core", "pydantic-xml"}


def install(site: Path) -> dict[str, str]:
    """pip-install each generated package into `site` (offline, without dependencies)."""
    sources = site.parent / "sources"
    for package in vendors.PACKAGES.values():
        copy = sources / package
        shutil.copytree(
            GENERATED / package, copy, ignore=shutil.ignore_patterns("__pycache__")
        )
        subprocess.run(
            [
                BIN / "python",
                "-m",
                "pip",
                "install",
                "--no-deps",
                "--no-build-isolation",
                "--no-index",
                "--no-cache-dir",
                "--disable-pip-version-check",
                "--quiet",
                "--compile",
                "--target",
                site,
                copy,
            ],
            check=True,
            cwd=site.parent,
            env=venv_env(PIP_NO_INPUT="1"),
        )
    return {api: str(site / package) for api, package in vendors.PACKAGES.items()}


@contextmanager
def server() -> Iterator[dict[str, str]]:
    """The loopback server, as {api: base URL}; it ends when its stdin closes."""
    process = subprocess.Popen(
        [BIN / "python", "-m", "tests.bench.server", *APIS],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        ports = json.loads(process.stdout.readline())
        yield {api: f"http://127.0.0.1:{port}" for api, port in ports.items()}
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def client_env(site: Path) -> dict[str, str]:
    return venv_env(PYTHONPATH=f"{site}{os.pathsep}{REPO}")


def per_call(
    urls: dict[str, str], site: Path, runs: int, calls: int, warmup: int
) -> dict[str, Any]:
    raw: dict[str, dict[str, list[dict[str, Any]]]] = {
        api: {variant: [] for variant in VARIANTS} for api in APIS
    }
    failures: dict[str, str] = {}
    for index in range(runs):
        for api in APIS:
            shift = index % len(VARIANTS)
            for variant in VARIANTS[shift:] + VARIANTS[:shift]:
                if f"{api} {variant}" in failures:
                    continue
                done = subprocess.run(
                    [
                        BIN / "python",
                        "-m",
                        "tests.bench.calls",
                        api,
                        variant,
                        urls[api],
                        "--calls",
                        str(calls),
                        "--warmup",
                        str(warmup),
                    ],
                    cwd=REPO,
                    env=client_env(site),
                    capture_output=True,
                    text=True,
                    timeout=600,
                )
                if done.returncode:
                    failures[f"{api} {variant}"] = done.stderr.strip().splitlines()[-1]
                    say(f"  {api} {variant}: failed: {failures[f'{api} {variant}']}")
                    continue
                raw[api][variant].append(json.loads(done.stdout.splitlines()[-1]))
        say(f"  per-call run {index + 1} of {runs} done")
    result: dict[str, Any] = {"failures": failures}
    for api in APIS:
        result[api] = {}
        for variant in VARIANTS:
            measured = raw[api][variant]
            result[api][variant] = {
                call: {
                    "calls_per_s": median(
                        [m[call]["calls"] / m[call]["wall"] for m in measured]
                    ),
                    "cpu_us": median(
                        [m[call]["cpu"] / m[call]["calls"] * 1e6 for m in measured]
                    ),
                    "wall_us": median(
                        [m[call]["wall"] / m[call]["calls"] * 1e6 for m in measured]
                    ),
                    "runs": len(measured),
                    "samples": [
                        [
                            m[call]["calls"] / m[call]["wall"],
                            m[call]["cpu"] / m[call]["calls"] * 1e6,
                        ]
                        for m in measured
                    ],
                }
                for call in ("submit", "query")
            }
    return result


def _closure(names: Iterable[str]) -> set[str]:
    """These distributions and everything they require (markers evaluated, no extras)."""

    seen: set[str] = set()
    todo = list(names)
    while todo:
        current = metadata.distribution(todo.pop()).metadata["Name"].lower()
        if current in seen:
            continue
        seen.add(current)
        for line in metadata.requires(current) or []:
            requirement = Requirement(line)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            try:
                metadata.distribution(requirement.name)
            except metadata.PackageNotFoundError:
                continue
            todo.append(requirement.name)
    return seen


def _link_distribution(dist: metadata.Distribution, folder: Path) -> None:
    """Links to a distribution's top-level folders and files in `folder` (and to the byte
    code of its top-level modules, in `folder/__pycache__`)."""
    for file in dist.files or []:
        top = file.parts[0]
        if top == ".." or file.name.endswith(".pth"):
            continue
        relative = Path(*file.parts[:2]) if top == "__pycache__" else Path(top)
        source = Path(str(dist.locate_file(relative)))
        link = folder / relative
        if source.exists() and not link.exists():
            link.parent.mkdir(exist_ok=True)
            link.symlink_to(source)


def environment(folder: Path, dists: Iterable[str], site: Path | None = None) -> Path:
    """A folder of links to exactly these distributions (and the dependencies they
    require), and to the generated packages in `site`: what a fresh virtualenv with
    only them would hold. Imported with `python -S`, nothing else is on the path (this
    virtualenv also holds the peers and their dependencies, and httpx imports its
    optional CLI, rich and click, where they are installed)."""
    folder.mkdir(parents=True)
    names = set(dists)
    if site is not None:
        for dist in metadata.distributions(path=[str(site)]):
            _link_distribution(dist, folder)
            names |= {Requirement(line).name for line in dist.requires or []}
    for name in _closure(names):
        _link_distribution(metadata.distribution(name), folder)
    return folder


def _import_ms(statement: str, path: Path) -> float:
    env = venv_env(PYTHONPATH=str(path))
    run = run_process([BIN / "python", "-S", "-c", statement], env=env)
    if not run.ok:
        raise RuntimeError(f"{statement!r} failed with PYTHONPATH={path}")
    return run.wall * 1000


def imports(site: Path, runs: int) -> dict[str, Any]:
    """Whole-process `python -S -c "import …"` wall time, median of `runs`, interleaved,
    each in an environment of its own distributions only."""
    work = site.parent / "environments"
    cases: dict[str, tuple[str, Path]] = {"python -S -c pass": ("pass", work / "empty")}
    (work / "empty").mkdir(parents=True)
    for api, package in vendors.PACKAGES.items():
        ours_site = work / f"{package}-site"
        ours_site.mkdir(parents=True)
        for item in site.iterdir():
            if item.name.startswith(package) or item.name.startswith(
                package.replace("_", "-")
            ):
                (ours_site / item.name).symlink_to(item)
        cases[f"{api} ours"] = (
            f"import {package}",
            environment(work / f"{api}-ours", [], ours_site),
        )
        dist, statement = vendors.OFFICIAL[api]
        cases[f"{api} official"] = (
            statement,
            environment(work / f"{api}-official", [dist]),
        )
    for statement, path in cases.values():  # warm the page cache
        _import_ms(statement, path)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, (statement, path) in cases.items():
            times[name].append(_import_ms(statement, path))
    result: dict[str, Any] = {
        name: {"ms": median(values), "samples": values}
        for name, values in times.items()
    }
    result["importtime"] = {
        api: _importtime(package, cases[f"{api} ours"][1])
        for api, package in vendors.PACKAGES.items()
    }
    return result


def _importtime(package: str, path: Path) -> dict[str, float]:
    """`-X importtime`: the self time of every module `import package` loads, in ms,
    grouped by top-level package (the biggest eight, and all)."""
    done = subprocess.run(
        [BIN / "python", "-S", "-X", "importtime", "-c", f"import {package}"],
        env=venv_env(PYTHONPATH=str(path)),
        capture_output=True,
        text=True,
        check=True,
    )
    groups: dict[str, float] = {}
    pattern = re.compile(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)")
    for line in done.stderr.splitlines():
        match = pattern.match(line)
        if match:
            top = match.group(2).split(".")[0]
            groups[top] = groups.get(top, 0.0) + int(match.group(1))
    total = sum(groups.values())
    biggest = dict(sorted(groups.items(), key=lambda item: -item[1])[:8])
    biggest["(all)"] = total
    return {name: round(us / 1000, 1) for name, us in biggest.items()}


def _tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _dist_size(name: str) -> int:
    dist = metadata.distribution(name)
    total = 0
    for file in dist.files or []:
        path = Path(str(dist.locate_file(file)))
        if path.is_file():
            total += path.stat().st_size
    return total


def sizes(site: Path) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for api, package in vendors.PACKAGES.items():
        dist, _ = vendors.OFFICIAL[api]
        closure = _closure([dist]) - RUNTIME_DEPS
        result[api] = {
            "ours": _tree_size(site / package),
            "ours_files": sum(1 for p in (site / package).rglob("*.py")),
            "official": _dist_size(dist),
            "official_with_deps": sum(_dist_size(name) for name in closure),
            "official_deps": sorted(closure - {dist}),
        }
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--import-runs", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tts-bench-clients-") as folder:
        site = Path(folder) / "site"
        site.mkdir()
        say("clients: installing the generated packages")
        install(site)
        data: dict[str, Any] = {
            "runs": args.runs,
            "calls": args.calls,
            "warmup": args.warmup,
            "import_runs": args.import_runs,
            "versions": {
                dist: metadata.version(dist) for dist, _ in vendors.OFFICIAL.values()
            }
            | {
                "httpx": metadata.version("httpx"),
                "pydantic": metadata.version("pydantic"),
            },
        }
        data["httpcore"] = metadata.version("httpcore")
        data["sniffio"] = importlib.util.find_spec("sniffio") is not None
        say("clients: per-call cost against the loopback server")
        with server() as urls:
            data["per_call"] = per_call(urls, site, args.runs, args.calls, args.warmup)
        say("clients: import times")
        data["imports"] = imports(site, args.import_runs)
        data["sizes"] = sizes(site)
    say(f"  wrote {save('clients', data)}")


if __name__ == "__main__":
    main()
