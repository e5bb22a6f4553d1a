"""Generation of one API under the sampling profiler, in this process (`profiles.py` runs
it): `python -m tests.bench.sampled SPECS OUT RESULT.json`. The generator's imports are
sampled too, as in a whole `python -m generator generate` process."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.bench import synth
from tests.bench.common import REPO
from tests.bench.sampler import Sampler

GENERATOR = str(REPO / "generator") + "/"

STEPS = {
    (
        "generator/load.py",
        "load_openapi",
    ): "load and validate (YAML, jsonschema-rs)",
    ("generator/ir_build/__init__.py", "build"): "IR",
    ("generator/render.py", "render_package"): "templates (jinja2)",
    ("generator/models.py", "render_models"): "models",
    ("generator/format.py", "format_python"): "format (ruff)",
    ("generator/write.py", "write_tree"): "write",
    ("<frozen importlib._bootstrap>", "_find_and_load"): "imports",
}


def _ours(filename: str) -> str | None:
    if filename.startswith(GENERATOR):
        return filename.removeprefix(str(REPO) + "/")
    return None


def main(argv: list[str]) -> None:
    specs, out, result = (Path(arg) for arg in argv)
    sampler = Sampler(_ours, STEPS, compiled={"generator/format.py": "ruff"})
    sampler.start()
    from generator import pipeline

    report = pipeline.generate(synth.KEY, specs, out, force=True)
    sampler.stop()
    data = sampler.result() | {"written": report.written}
    result.write_text(json.dumps(data, indent=1), "utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
