"""Generation, as whole processes: this repository's APIs (cold and as a no-op), and the
synthetic spec at 10, 100 and 1,000 operations against the peers, in the same run.

Runs are interleaved (run 1 of every tool, then run 2, …, the order rotating), so a noisy
spell of the shared machine falls on all the tools alike; each figure is the median. Each
run writes into an empty folder. At 1,000 operations every tool gets `--large-runs` runs
(5 by default, like the smaller sizes) and is stopped after `--cap` seconds: a stopped run is
reported as "> cap".
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench import synth
from tests.bench.common import (
    BIN,
    REPO,
    Run,
    java,
    run_process,
    save,
    say,
    summary,
    venv_env,
)

SIZES = (10, 100, 1000)


@dataclass(frozen=True)
class Tool:
    name: str
    what: str  # what it produces
    command: Callable[
        [Path, Path], list[str | Path]
    ]  # (spec folder, out folder) -> argv
    env: tuple[tuple[str, str], ...] = ()  # added to the environment


def _ours(root: Path, out: Path) -> list[str | Path]:
    return [
        BIN / "python",
        "-m",
        "generator",
        "generate",
        synth.KEY,
        "--specs",
        root / "specs",
        "--out",
        out,
        "--force",
    ]


def _spec(root: Path) -> Path:
    return root / "specs" / synth.KEY / "openapi.yaml"


TOOLS = (
    Tool("tts-sdkgen", "package: models, sync + async client, README", _ours),
    Tool(
        "openapi-python-client",
        "package: models, sync + async client (ruff post-hooks)",
        lambda root, out: [
            BIN / "openapi-python-client",
            "generate",
            "--path",
            _spec(root),
            "--output-path",
            out,
            "--overwrite",
        ],
    ),
    Tool(
        "datamodel-codegen",
        "models only (one module)",
        lambda root, out: [
            BIN / "datamodel-codegen",
            "--input",
            _spec(root),
            "--input-file-type",
            "openapi",
            "--output-model-type",
            "pydantic_v2.BaseModel",
            "--output",
            out / "models.py",
        ],
    ),
    Tool(
        "OpenAPI Generator (python)",
        "package: models, sync client, docs, tests",
        lambda root, out: [
            BIN / "openapi-generator-cli",
            "generate",
            "-i",
            _spec(root),
            "-g",
            "python",
            "-o",
            out,
        ],
        # swagger-parser refuses YAML over 3 Mi code points (1,000 operations are 3.6 MB)
        # unless this system property raises the limit; nothing else changes.
        env=(("JAVA_OPTS", "-DmaxYamlCodePoints=100000000"),),
    ),
)


def _files(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []
    return len(files), sum(p.stat().st_size for p in files)


def _timed(
    tool: Tool, root: Path, out: Path, timeout: float | None, log: Path
) -> tuple[Run, int, int]:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    env = venv_env(**dict(tool.env))
    run = run_process(tool.command(root, out), env=env, timeout=timeout, log=log)
    count, size = _files(out)
    return run, count, size


def repository(runs: int, work: Path) -> dict[str, Any]:
    """`python -m generator generate --out <tmp>` for every API: cold (an empty folder,
    `--force`) and then as a no-op (the same folder again), `runs` times each."""
    cold: list[Run] = []
    noop: list[Run] = []
    out = work / "generated"
    base: list[str | Path] = [BIN / "python", "-m", "generator", "generate"]
    for index in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        cold_log, noop_log = work / f"cold-{index}.log", work / f"noop-{index}.log"
        cold.append(
            run_process([*base, "--out", out, "--force"], env=venv_env(), log=cold_log)
        )
        noop.append(run_process([*base, "--out", out], env=venv_env(), log=noop_log))
        say(
            f"  all APIs, run {index + 1}: cold {cold[-1].wall:.2f} s, "
            f"no-op {noop[-1].wall:.3f} s"
        )
    cold_lines = cold_log.read_text().strip().splitlines()
    noop_lines = noop_log.read_text().strip().splitlines()
    return {
        "apis": len([line for line in cold_lines if "written" in line]),
        "cold": summary(cold),
        "noop": summary(noop),
        "cold_lines": cold_lines,
        "noop_lines": noop_lines,
    }


def scaling(
    sizes: Sequence[int],
    runs: int,
    large_runs: int,
    cap: float,
    work: Path,
    tools: Sequence[Tool],
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for size in sizes:
        root = work / f"spec-{size}"
        synth.write(size, root)
        count = large_runs if size >= 1000 else runs
        timeout = cap if size >= 1000 else None
        measured: dict[str, list[Run]] = {tool.name: [] for tool in tools}
        outputs: dict[str, tuple[int, int]] = {}
        errors: dict[str, list[str]] = {}
        for index in range(count):
            order = list(tools[index % len(tools) :]) + list(
                tools[: index % len(tools)]
            )
            for tool in order:
                out = work / f"out-{size}" / tool.name.split()[0]
                log = work / f"{tool.name.split()[0]}-{size}-{index}.log"
                run, files, size_bytes = _timed(tool, root, out, timeout, log)
                measured[tool.name].append(run)
                outputs[tool.name] = (files, size_bytes)
                state = (
                    "capped"
                    if run.timed_out
                    else ("ok" if run.ok else f"exit {run.returncode}")
                )
                say(
                    f"  {size:>5} operations, {tool.name:<27} run {index + 1}: "
                    f"{run.wall:7.2f} s, {run.peak_rss / 2**20:6.0f} MiB peak ({state})"
                )
                if not run.ok and not run.timed_out:
                    tail = log.read_text(errors="replace").strip().splitlines()[-8:]
                    errors[tool.name] = tail
                    say("\n".join(f"    | {line}" for line in tail))
        results[str(size)] = {
            name: {
                **summary(runs_),
                "files": outputs[name][0],
                "bytes": outputs[name][1],
                "cap": timeout,
                "error": errors.get(name),
            }
            for name, runs_ in measured.items()
        }
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--large-runs", type=int, default=5)
    parser.add_argument("--cap", type=float, default=120.0)
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--skip-repository", action="store_true")
    args = parser.parse_args(argv)
    jvm = java()
    tools = [t for t in TOOLS if jvm or not t.name.startswith("OpenAPI Generator")]
    notes = []
    if not jvm:
        notes.append(
            "OpenAPI Generator skipped: no working JVM (`java -version` failed)."
        )
        say(f"  {notes[-1]}")
    with tempfile.TemporaryDirectory(prefix="tts-bench-") as folder:
        work = Path(folder)
        data: dict[str, Any] = {"notes": notes, "java": jvm}
        if not args.skip_repository:
            say("generation: every API of the repository")
            data["repository"] = repository(args.runs, work)
        say("generation: the synthetic spec")
        data["scaling"] = scaling(
            args.sizes, args.runs, args.large_runs, args.cap, work, tools
        )
        data["tools"] = {tool.name: tool.what for tool in tools}
        data["tool_env"] = {tool.name: dict(tool.env) for tool in tools if tool.env}
        data["runs"] = args.runs
        data["large_runs"] = args.large_runs
        data["cap"] = args.cap
        data["cwd"] = str(REPO)
    say(f"  wrote {save('generation', data)}")


if __name__ == "__main__":
    main()
