"""What every stage shares: paths, whole-process runs with their CPU and peak memory, medians,
the machine's description, and the stages' results as JSON under `docs/bench/data/`."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DOCS = REPO / "docs" / "bench"
DATA = DOCS / "data"
GENERATED = REPO / "generated"


@dataclass(frozen=True)
class Run:
    """One whole process: wall time, CPU (user + system, with the children it waited for)
    and the peak resident set of the largest process of its tree."""

    wall: float
    cpu: float
    peak_rss: int
    returncode: int
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


def run_process(
    argv: Sequence[str | Path],
    *,
    cwd: Path = REPO,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    log: Path | None = None,
) -> Run:
    """Run `argv` to its end (or kill its process group after `timeout` seconds)."""
    with open(log if log is not None else os.devnull, "wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(
            [str(arg) for arg in argv],
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, to end it and its children
        )
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer is not None:
            timer.start()
        try:
            # wait4: the rusage of the child and of every descendant it waited for.
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            if timer is not None:
                timer.cancel()
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_rss=usage.ru_maxrss * 1024,  # KiB on Linux
        returncode=process.returncode,
        timed_out=expired.is_set(),
    )


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def summary(runs: Sequence[Run]) -> dict[str, Any]:
    """Medians of the runs that succeeded, with every run kept."""
    good = [run for run in runs if run.ok]
    return {
        "runs": [asdict(run) for run in runs],
        "ok": len(good),
        "wall": median([run.wall for run in good]),
        "wall_min": min((run.wall for run in good), default=float("nan")),
        "wall_max": max((run.wall for run in good), default=float("nan")),
        "cpu": median([run.cpu for run in good]),
        # Of every run, a stopped one included (its peak until it was stopped).
        "peak_rss": max((run.peak_rss for run in runs), default=0),
        "timed_out": any(run.timed_out for run in runs),
    }


def venv_env(**extra: str) -> dict[str, str]:
    """The environment with this virtualenv's bin first (openapi-python-client runs
    `ruff` from PATH), no user site, and unbuffered output."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONNOUSERSITE"] = "1"
    env.pop("PYTHONPATH", None)
    env.update(extra)
    return env


def _first_line(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if done.returncode == 0 and text else ""


def java() -> str:
    """`java -version`'s first line, or '' where no working JVM is found."""
    path = shutil.which("java")
    return _first_line([path, "-version"]) if path else ""


def machine() -> dict[str, Any]:
    cpu_model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
    memory = ""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    commit = _first_line(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = _first_line(["git", "-C", str(REPO), "status", "--porcelain", "generator"])
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": cpu_model,
        "memory": memory,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "java": java(),
        "commit": commit + ("+local changes to generator/" if dirty else ""),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_start": os.getloadavg()[0],
    }


def save(name: str, data: Mapping[str, Any]) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"{name}.json"
    path.write_text(json.dumps(data, indent=1) + "\n", "utf-8")
    return path


def load(name: str) -> dict[str, Any] | None:
    path = DATA / f"{name}.json"
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def say(message: str) -> None:
    print(message, flush=True)
