"""One whole-process measurement of one way of calling one vendor (`clients.py` runs it).

    python -m tests.bench.calls API VARIANT URL [--calls N] [--warmup N] [--profile FILE]

VARIANT is `ours`, `ours-async`, `official`, `httpx` or `httpx-async`. It makes the submit
and then the query `--warmup` times unmeasured, then `--calls` times each in turn, one at
a time, and prints one JSON line: for each call, the wall seconds and the CPU seconds of
this whole process (every thread) spent on the measured calls. The server is another
process, so its CPU is not counted here. `--profile FILE` runs the measured calls
under cProfile instead and dumps the stats to FILE; `--sample FILE` runs them under the
sampling profiler (`sampler.py`; `ours` and `httpx` only) and writes its JSON to FILE.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import importlib
import json
import time
from pathlib import Path
from typing import Any

from tests.bench import vendors
from tests.bench.sampler import Sampler

VARIANTS = ("ours", "ours-async", "official", "httpx", "httpx-async")


def _sync(calls: vendors.Calls, count: int, warmup: int) -> dict[str, Any]:
    for _ in range(warmup):
        calls.submit()
        calls.query()
    result = {}
    for name, call in (("submit", calls.submit), ("query", calls.query)):
        gc.collect()
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(count):
            call()
        result[name] = {
            "wall": time.perf_counter() - wall,
            "cpu": time.process_time() - cpu,
            "calls": count,
        }
    calls.close()
    return result


async def _async(calls: vendors.AsyncCalls, count: int, warmup: int) -> dict[str, Any]:
    for _ in range(warmup):
        await calls.submit()
        await calls.query()
    result = {}
    for name, call in (("submit", calls.submit), ("query", calls.query)):
        gc.collect()
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(count):
            await call()
        result[name] = {
            "wall": time.perf_counter() - wall,
            "cpu": time.process_time() - cpu,
            "calls": count,
        }
    await calls.close()
    return result


def measure(
    api: str, variant: str, url: str, count: int, warmup: int
) -> dict[str, Any]:
    if variant == "ours":
        return _sync(vendors.ours(api, url), count, warmup)
    if variant == "official":
        return _sync(vendors.official(api, url), count, warmup)
    if variant == "httpx":
        return _sync(vendors.bare(api, url), count, warmup)
    if variant == "ours-async":

        async def run_ours() -> dict[str, Any]:
            return await _async(vendors.ours_async(api, url), count, warmup)

        return asyncio.run(run_ours())
    if variant == "httpx-async":

        async def run_bare() -> dict[str, Any]:
            return await _async(vendors.bare_async(api, url), count, warmup)

        return asyncio.run(run_bare())
    raise SystemExit(f"unknown variant {variant!r}; one of {', '.join(VARIANTS)}")


def profile(api: str, variant: str, url: str, count: int, path: str) -> None:
    """cProfile, on the process's CPU clock, of `count` submits and `count` queries in
    turn after a warm-up (sync variants only)."""
    build = {"ours": vendors.ours, "official": vendors.official, "httpx": vendors.bare}
    calls = build[variant](api, url)
    for _ in range(50):
        calls.submit()
        calls.query()
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(count):
        calls.submit()
        calls.query()
    profiler.disable()
    profiler.dump_stats(path)
    calls.close()


def sample(api: str, variant: str, url: str, count: int, path: str) -> None:
    """The sampling profiler over `count` submits and `count` queries in turn, after a
    warm-up; the result (CPU seconds by library) goes to `path` as JSON. For `ours`, our
    code is the generated package and the benchmark's calls; for `httpx`, the latter."""
    build = {"ours": vendors.ours, "httpx": vendors.bare}
    calls = build[variant](api, url)
    package = Path(importlib.import_module(vendors.PACKAGES[api]).__file__ or "").parent
    here = str(Path(vendors.__file__).resolve())

    def ours(filename: str) -> str | None:
        if variant == "ours" and filename.startswith(str(package)):
            return f"{package.name}/{Path(filename).relative_to(package).as_posix()}"
        if filename == here:
            return "the benchmark's call (its arguments)"
        return None

    for _ in range(50):
        calls.submit()
        calls.query()
    sampler = Sampler(ours, interval=0.0002)
    gc.collect()
    sampler.start()
    for _ in range(count):
        calls.submit()
        calls.query()
    sampler.stop()
    calls.close()
    Path(path).write_text(json.dumps(sampler.result() | {"calls": 2 * count}), "utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("api", choices=sorted(vendors.PACKAGES))
    parser.add_argument("variant", choices=VARIANTS)
    parser.add_argument("url")
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--profile", metavar="FILE")
    parser.add_argument("--sample", metavar="FILE")
    args = parser.parse_args(argv)
    if args.sample:
        sample(args.api, args.variant, args.url, args.calls, args.sample)
        return
    if args.profile:
        profile(args.api, args.variant, args.url, args.calls, args.profile)
        return
    print(
        json.dumps(measure(args.api, args.variant, args.url, args.calls, args.warmup)),
        flush=True,
    )


if __name__ == "__main__":
    main()
