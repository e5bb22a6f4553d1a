"""Where the time goes, in generation (the synthetic spec at 100 operations, one process)
and in the generated clients' calls (each vendor's submit and query, on the process's CPU
clock, against the loopback server): the sampling profiler (`sampler.py`), whose shares
follow CPU time, and cProfile, for the functions (`docs/bench/data/profiles.txt`).

cProfile's time is attributed two ways. By step: the inclusive time of the pipeline's steps
(`generator/pipeline.py`: load and validate, IR, templates, models, format, write). By
library: the inclusive time of each call that our own code (the generator, or a generated
package and the benchmark's calls into it) makes into another library, grouped by that
library; what is left is our own code. A library that a library calls (markupsafe
inside jinja2) counts for the one our code called.
"""

from __future__ import annotations

import argparse
import json
import pstats
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.bench import synth, vendors
from tests.bench.clients import client_env, install, server
from tests.bench.common import BIN, DATA, REPO, run_process, save, say, venv_env

# pstats' key of a function: (file, line, name).
Func = tuple[str, int, str]

LIBRARIES = {
    "black": "black (formatting)",
    "blib2to3": "black (formatting)",
    "isort": "isort",
    "jsonschema_rs": "jsonschema-rs",
    "openapi_spec_validator": "openapi-spec-validator",
    "jsonschema": "openapi-spec-validator",
    "jsonschema_path": "openapi-spec-validator",
    "openapi_schema_validator": "openapi-spec-validator",
    "referencing": "openapi-spec-validator",
    "pathable": "openapi-spec-validator",
    "datamodel_code_generator": "datamodel-code-generator",
    "jinja2": "jinja2 (templates)",
    "yaml": "PyYAML",
    "xmlschema": "xmlschema",
    "httpx": "httpx (send, receive)",
    "httpcore": "httpx (send, receive)",
    "h11": "httpx (send, receive)",
    "pydantic": "pydantic (validate, dump, parse)",
    "pydantic_core": "pydantic (validate, dump, parse)",
    "pydantic_xml": "pydantic (validate, dump, parse)",
    "json": "json",
    "hmac": "hashlib/hmac (signing)",
    "hashlib": "hashlib/hmac (signing)",
    "_hashlib": "hashlib/hmac (signing)",
    "_hmac": "hashlib/hmac (signing)",
}

STEPS = (
    (
        "load and validate (YAML, jsonschema-rs)",
        "generator/load.py",
        "load_openapi",
    ),
    ("IR", "generator/ir_build/__init__.py", "build"),
    ("templates (jinja2)", "generator/render.py", "render_package"),
    ("models", "generator/models.py", "render_models"),
    ("format (ruff)", "generator/format.py", "format_python"),
    ("write", "generator/write.py", "write_tree"),
)


def _library(func: Func) -> str | None:
    """The library a function belongs to, by its file (built-ins by their module)."""
    filename, _, name = func
    if filename == "~":  # a built-in: "<method 'x' of 'module.Type' objects>"
        for key, label in LIBRARIES.items():
            if f"'{key}." in name or f" {key}." in name or name.startswith(f"<{key}"):
                return label
        if "_hashlib" in name or "hmac" in name or "sha" in name:
            return "hashlib/hmac (signing)"
        return None
    parts = Path(filename).parts
    if "site-packages" in parts:
        top = parts[parts.index("site-packages") + 1]
        return LIBRARIES.get(top, top.split(".")[0])
    stem = Path(filename).stem
    if "python3" in filename and (
        stem in LIBRARIES or Path(filename).parent.name in LIBRARIES
    ):
        return LIBRARIES.get(stem) or LIBRARIES.get(Path(filename).parent.name)
    return None


def attribute(
    stats: dict[Func, Any], ours: Callable[[Func], bool], total: float
) -> dict[str, float]:
    """Seconds per library entered from our own code, and what is left (ours)."""
    spent: dict[str, float] = {}
    for func, (_, _, _, _, callers) in stats.items():
        if ours(func):
            continue
        library = _library(func)
        if library is None:
            continue
        for caller, edge in callers.items():
            if ours(caller):
                spent[library] = spent.get(library, 0.0) + edge[3]
    spent = dict(sorted(spent.items(), key=lambda item: -item[1]))
    spent["our own code, and the standard library it calls"] = total - sum(
        spent.values()
    )
    return spent


def _cumulative(stats: dict[Func, Any], file: str, name: str) -> float:
    return sum(
        float(value[3])
        for func, value in stats.items()
        if func[0].endswith(file) and func[2] == name
    )


def _name(func: Func) -> str:
    filename, line, name = func
    if filename == "~":
        return name
    return f"{filename.replace(str(REPO) + '/', '')}:{line}({name})"


def _top(stats: pstats.Stats, key: str, count: int = 15) -> list[str]:
    raw: dict[Func, Any] = stats.stats  # type: ignore[attr-defined]
    index = 2 if key == "tottime" else 3
    rows = sorted(raw.items(), key=lambda item: -item[1][index])[:count]
    return [
        f"{value[2]:8.3f} {value[3]:8.3f} {value[1]:>9} {_name(func)[:110]}"
        for func, value in rows
    ]


def _generation_cprofile(work: Path) -> dict[str, Any]:
    out = work / "profile.out"
    run = run_process(
        [
            BIN / "python",
            "-m",
            "cProfile",
            "-o",
            out,
            "-m",
            "generator",
            "generate",
            synth.KEY,
            "--specs",
            work / "specs",
            "--out",
            work / "generated-cprofile",
            "--force",
        ],
        env=venv_env(),
        log=work / "profile.log",
    )
    if not run.ok:
        raise RuntimeError((work / "profile.log").read_text())
    stats = pstats.Stats(str(out))
    raw: dict[Func, Any] = stats.stats  # type: ignore[attr-defined]
    total: float = stats.total_tt  # type: ignore[attr-defined]
    generator = str(REPO / "generator")

    def ours(func: Func) -> bool:
        return func[0].startswith(generator)

    return {
        "total": total,
        "steps": {label: _cumulative(raw, file, name) for label, file, name in STEPS},
        "libraries": attribute(raw, ours, total),
        "top_tottime": _top(stats, "tottime"),
        "top_cumtime": _top(stats, "cumtime"),
    }


def generation(operations: int, work: Path) -> dict[str, Any]:
    """cProfile, and the sampling profiler, of generating `operations` operations."""
    synth.write(operations, work)
    result = work / "sampled.json"
    run = run_process(
        [
            BIN / "python",
            "-m",
            "tests.bench.sampled",
            work / "specs",
            work / "generated-sampled",
            result,
        ],
        env=venv_env(PYTHONPATH=str(REPO)),
        log=work / "sampled.log",
    )
    if not run.ok:
        raise RuntimeError((work / "sampled.log").read_text())
    sampled: dict[str, Any] = json.loads(result.read_text())
    return {
        "operations": operations,
        "wall_unprofiled": run.wall,
        "sampled": sampled,
        "cprofile": _generation_cprofile(work),
    }


def client_calls(calls: int, work: Path) -> dict[str, Any]:
    site = work / "site"
    site.mkdir()
    install(site)
    result: dict[str, Any] = {}
    with server() as urls:
        for api in vendors.PACKAGES:
            found: dict[str, Any] = {}
            prefix: list[str | Path] = [BIN / "python", "-m", "tests.bench.calls", api]
            for variant in ("ours", "httpx"):
                sampled_path = work / f"{api}-{variant}.json"
                log = work / f"{api}-{variant}-sampled.log"
                run = run_process(
                    [*prefix, variant, urls[api], "--calls", str(calls)]
                    + ["--sample", sampled_path],
                    env=client_env(site),
                    log=log,
                )
                if not run.ok:
                    raise RuntimeError(log.read_text())
                sampled = json.loads(sampled_path.read_text())
                per_call = 1e6 / sampled["calls"]
                found[variant] = {
                    "calls": sampled["calls"],
                    "samples": sampled["samples"],
                    "cpu_us_per_call": sampled["cpu"] * per_call,
                    "libraries_us_per_call": {
                        name: seconds * per_call
                        for name, seconds in sampled["libraries"].items()
                    },
                }
            out = work / f"{api}.prof"
            log = work / f"{api}.log"
            run = run_process(
                [*prefix, "ours", urls[api], "--calls", str(max(1, calls // 4))]
                + ["--profile", out],
                env=client_env(site),
                log=log,
            )
            if not run.ok:
                raise RuntimeError(log.read_text())
            stats = pstats.Stats(str(out))
            result[api] = found["ours"] | {
                "httpx": found["httpx"],
                "top_tottime": _top(stats, "tottime", 15),
            }
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--operations", type=int, default=100)
    parser.add_argument("--calls", type=int, default=1500)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tts-bench-profile-") as folder:
        work = Path(folder)
        say(f"profiles: generation of {args.operations} operations under cProfile")
        data: dict[str, Any] = {"generation": generation(args.operations, work / "gen")}
        say("profiles: the generated clients' calls under cProfile")
        (work / "calls").mkdir()
        data["calls"] = client_calls(args.calls, work / "calls")
    save("profiles", data)
    text = [f"# cProfile top functions (written by `make bench`, see {DATA.name}/)\n"]
    text += ["## generation, by own time", "tottime  cumtime     calls function"]
    text += data["generation"]["cprofile"]["top_tottime"]
    text += [
        "",
        "## generation, by inclusive time",
        "tottime  cumtime     calls function",
    ]
    text += data["generation"]["cprofile"]["top_cumtime"]
    for api, found in data["calls"].items():
        text += [
            "",
            f"## {api}: submit + query, by own CPU time",
            "tottime  cumtime     calls function",
        ]
        text += found["top_tottime"]
    (DATA / "profiles.txt").write_text("\n".join(text) + "\n", "utf-8")
    say(f"  wrote {DATA / 'profiles.json'} and profiles.txt")


if __name__ == "__main__":
    main()
