"""`make bench`: every stage in turn, then the report.

    python -m tests.bench [--quick] [--only STAGE ...] [--cap SECONDS] [--peer-bin DIR]

Stages: generation (`generation.py`), generality (`generality.py`: the corpus beside
openapi-python-client, written to docs/bench/generality.md), download (`download.py`: a
50 MB audio download's CPU beside httpx's), corpus-time (`corpus_time.py`: the corpus
generated now and before issue 27), clients (`clients.py`), profiles (`profiles.py`),
report (`report.py`, from the JSON the others left in docs/bench/data/). `--only download
corpus-time report` runs issue 27's two sections alone (about two minutes). `--quick` is a smoke run of a minute or two (fewer runs, no 1,000
operations, three small corpus documents); its figures are not the committed ones.
"""

from __future__ import annotations

import argparse
import os
import time

from tests.bench import (
    clients,
    corpus_time,
    download,
    generality,
    generation,
    profiles,
    report,
)
from tests.bench.common import load, machine, save, say

STAGES = (
    "generation",
    "generality",
    "download",
    "corpus-time",
    "clients",
    "profiles",
    "report",
)
# The stages the machine line of results.md and the README describes (the others keep
# their own, with their figures).
_DESCRIBED = {"generation", "clients", "profiles"}

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
    parser.add_argument(
        "--peer-bin",
        help="the bin folder of a virtualenv holding openapi-python-client (generality)",
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if set(args.only) & _DESCRIBED:
        save("machine", machine())
    if "generation" in args.only:
        generation.main(
            ["--runs", "1", "--sizes", "10", "100"]
            if args.quick
            else ["--cap", str(args.cap)]
        )
    if "generality" in args.only:
        peer = ["--peer-bin", args.peer_bin] if args.peer_bin else []
        generality.main(peer + (["--runs", "1", *QUICK_CORPUS] if args.quick else []))
    if "download" in args.only:
        download.main(["--runs", "3"] if args.quick else [])
    if "corpus-time" in args.only:
        corpus_time.main(["--runs", "2"] if args.quick else [])
    if "clients" in args.only:
        clients.main(
            ["--runs", "1", "--calls", "100", "--import-runs", "1"]
            if args.quick
            else []
        )
    if "profiles" in args.only:
        profiles.main(["--operations", "10", "--calls", "50"] if args.quick else [])
    described = load("machine")
    if described and set(args.only) & _DESCRIBED:
        described["load_end"] = os.getloadavg()[0]
        described["seconds"] = time.perf_counter() - start
        save("machine", described)
    if "report" in args.only:
        report.main()
    say(f"make bench: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
