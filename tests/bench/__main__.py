"""`make bench`: every stage in turn, then the report.

    python -m tests.bench [--quick] [--only STAGE ...] [--cap SECONDS]

Stages: generation (`generation.py`), generality (`generality.py`: the corpus beside
openapi-python-client, written to docs/bench/generality.md), clients (`clients.py`),
profiles (`profiles.py`), report (`report.py`, from the JSON the others left in
docs/bench/data/). `--quick` is a smoke run of a minute or two (fewer runs, no 1,000
operations, three small corpus documents); its figures are not the committed ones.
"""

from __future__ import annotations

import argparse
import os
import time

from tests.bench import clients, generality, generation, profiles, report
from tests.bench.common import load, machine, save, say

STAGES = ("generation", "generality", "clients", "profiles", "report")

# `--quick`: the small documents only (mypy over the large ones alone takes minutes).
QUICK_CORPUS = ("assemblyai-api", "speechall-api", "speechmatics-batch")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", choices=STAGES, default=list(STAGES))
    parser.add_argument(
        "--cap",
        type=float,
        default=120.0,
        help="seconds after which a run at 1,000 operations is stopped (default 120)",
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if set(args.only) - {"report"}:
        save("machine", machine())
    if "generation" in args.only:
        generation.main(
            ["--runs", "1", "--sizes", "10", "100"]
            if args.quick
            else ["--cap", str(args.cap)]
        )
    if "generality" in args.only:
        generality.main(["--runs", "1", *QUICK_CORPUS] if args.quick else [])
    if "clients" in args.only:
        clients.main(
            ["--runs", "1", "--calls", "100", "--import-runs", "1"]
            if args.quick
            else []
        )
    if "profiles" in args.only:
        profiles.main(["--operations", "10", "--calls", "50"] if args.quick else [])
    described = load("machine")
    if described and set(args.only) - {"report"}:
        described["load_end"] = os.getloadavg()[0]
        described["seconds"] = time.perf_counter() - start
        save("machine", described)
    if "report" in args.only:
        report.main()
    say(f"make bench: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
