"""A sampling profiler on the process's CPU clock (SIGPROF), standard library only.

cProfile charges every Python function call, so it inflates code made of many small Python
calls (httpx, black) against code that runs in C or Rust (pydantic-core): its shares are
skewed. This sampler interrupts the process every `interval` seconds of CPU (in practice every
kernel tick, 4 ms here, whatever shorter interval is asked) and looks at the stack once, so
its shares follow CPU time. A sample is charged to the library that our
innermost frame on the stack called (the generator, a generated package, the benchmark's
calls into it), or to that frame's own module when it is at the top; time spent in C is
seen by the Python frame that called it. `steps` also charges each sample to the outermost
frame on the stack whose code name is one of the steps (the pipeline's).
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import FrameType
from typing import Any

# The top-level package of a file under site-packages (or a standard-library module) to
# the label a report shows.
LIBRARIES = {
    "black": "black",
    "blib2to3": "black",
    "isort": "isort",
    "openapi_spec_validator": "openapi-spec-validator",
    "openapi_schema_validator": "openapi-spec-validator",
    "jsonschema": "openapi-spec-validator",
    "jsonschema_path": "openapi-spec-validator",
    "jsonschema_specifications": "openapi-spec-validator",
    "referencing": "openapi-spec-validator",
    "pathable": "openapi-spec-validator",
    "rpds": "openapi-spec-validator",
    "datamodel_code_generator": "datamodel-code-generator",
    "jinja2": "jinja2",
    "markupsafe": "jinja2",
    "yaml": "PyYAML",
    "xmlschema": "xmlschema",
    "elementpath": "xmlschema",
    "httpx": "httpx",
    "httpcore": "httpx",
    "h11": "httpx",
    "anyio": "httpx",
    "pydantic": "pydantic",
    "pydantic_core": "pydantic",
    "pydantic_xml": "pydantic",
    "lxml": "pydantic",
    "json": "json",
    "hmac": "hmac/hashlib",
    "hashlib": "hmac/hashlib",
    "asyncio": "asyncio",
    "selectors": "asyncio",
    "socket": "socket",
    "ssl": "socket",
    "urllib": "urllib",
    "importlib": "import system",
    "<frozen importlib._bootstrap>": "import system",
    "<frozen importlib._bootstrap_external>": "import system",
}


def library(filename: str) -> str:
    """The label of the library a file belongs to."""
    if filename in LIBRARIES:
        return LIBRARIES[filename]
    path = Path(filename)
    parts = path.parts
    if "site-packages" in parts and parts.index("site-packages") + 1 < len(parts):
        top = parts[parts.index("site-packages") + 1].removesuffix(".py")
        return LIBRARIES.get(top, top)
    for name in (path.parent.name, path.stem):
        if name in LIBRARIES:
            return LIBRARIES[name]
    if "/lib/python3" in filename:
        return f"standard library: {path.parent.name if path.stem == '__init__' else path.stem}"
    return filename


class Sampler:
    def __init__(
        self,
        ours: Callable[[str], str | None],
        steps: Mapping[tuple[str, str], str] | None = None,
        interval: float = 0.0005,
        compiled: Mapping[str, str] | None = None,
    ) -> None:
        """`ours(filename)` names our own module (its label) or returns None;
        `steps` maps (the end of a file name, a code name) to the step it stands for.
        `compiled` names the compiled library (no Python frames: black is built with
        mypyc) that one of our modules calls and nothing else, to charge with all that
        module's samples: those in C, and those in the Python code (the standard library,
        dataclass methods) that the library calls."""
        self.ours = ours
        self.steps = dict(steps or {})
        self.interval = interval
        self.compiled = dict(compiled or {})
        self.libraries: dict[str, int] = {}
        self.by_step: dict[str, int] = {}
        self.samples = 0
        self.cpu = 0.0
        self._start = 0.0
        self._cache: dict[str, str | None] = {}
        self._step_names = {name for _, name in self.steps}

    def _ours(self, filename: str) -> str | None:
        if filename not in self._cache:
            self._cache[filename] = self.ours(filename)
        return self._cache[filename]

    def _sample(self, _signum: int, frame: FrameType | None) -> None:
        chain: list[FrameType] = []
        while frame is not None:
            chain.append(frame)
            frame = frame.f_back
        self.samples += 1
        label = "outside our code"
        for index, current in enumerate(chain):
            mine = self._ours(current.f_code.co_filename)
            if mine is None:
                continue
            if mine in self.compiled:  # all it does is call that library
                label = self.compiled[mine]
            elif index == 0:
                label = f"ours: {mine}"
            else:
                called = chain[index - 1].f_code
                label = library(called.co_filename)
                if label.startswith("<"):  # exec'd code: a dataclass method, a template
                    label = f"{label} {called.co_name} (called from {mine})"
                elif label.startswith(("standard library", "import system")):
                    label = f"{label} (from {mine})"
            break
        self.libraries[label] = self.libraries.get(label, 0) + 1
        if self.steps:
            step = "other"
            for current in reversed(chain):
                code = current.f_code
                if code.co_name in self._step_names:
                    found = next(
                        (
                            label
                            for (suffix, name), label in self.steps.items()
                            if name == code.co_name
                            and code.co_filename.endswith(suffix)
                        ),
                        None,
                    )
                    if found is not None:
                        step = found
                        break
            self.by_step[step] = self.by_step.get(step, 0) + 1

    def start(self) -> None:
        signal.signal(signal.SIGPROF, self._sample)
        self._start = time.process_time()
        signal.setitimer(signal.ITIMER_PROF, self.interval, self.interval)

    def stop(self) -> None:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, signal.SIG_DFL)
        self.cpu += time.process_time() - self._start

    def result(self) -> dict[str, Any]:
        """CPU seconds per label, the measured CPU shared out by the samples."""

        def share(counts: Mapping[str, int]) -> dict[str, float]:
            total = sum(counts.values()) or 1
            ordered = sorted(counts.items(), key=lambda item: -item[1])
            return {name: self.cpu * count / total for name, count in ordered}

        return {
            "cpu": self.cpu,
            "samples": self.samples,
            "interval": self.interval,
            "libraries": share(self.libraries),
            "steps": share(self.by_step),
        }
