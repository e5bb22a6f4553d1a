"""Command line: `python -m generator generate [API …] [--check] [--force]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import pipeline
from .errors import SpecError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="regenerate generated/ from specs/")
    gen.add_argument(
        "apis", nargs="*", metavar="API", help="API folders under specs/ (default: all)"
    )
    gen.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if generated/ is stale",
    )
    gen.add_argument(
        "--force",
        action="store_true",
        help="render even when the hashes say nothing changed",
    )
    gen.add_argument(
        "--specs", type=Path, default=pipeline.REPO / "specs", help=argparse.SUPPRESS
    )
    gen.add_argument(
        "--out", type=Path, default=pipeline.REPO / "generated", help=argparse.SUPPRESS
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    known = pipeline.discover(args.specs)
    apis = args.apis or known
    unknown = sorted(set(apis) - set(known))
    if unknown:
        print(
            f"error: unknown API {', '.join(unknown)}; known: {', '.join(known)}",
            file=sys.stderr,
        )
        return 2
    stale = []
    try:
        if args.check:
            for api, differences in pipeline.check_all(apis, args.specs, args.out):
                stale += differences
                print(f"{api}: {'stale' if differences else 'up to date'}")
        else:
            for report in pipeline.generate_all(
                apis, args.specs, args.out, force=args.force
            ):
                print(report.line())
        # Only a run over every API knows which packages no spec makes any more.
        for package in [] if args.apis else pipeline.orphans(args.specs, args.out):
            if args.check:
                stale.append(f"{package}: its spec is gone")
            else:
                count = pipeline.remove_package(package)
                print(f"{package.name}: spec gone, {count} files removed")
    except SpecError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if stale:
        for line in stale:
            print(f"  {line}", file=sys.stderr)
        print(
            "generated/ is stale: run `make generate` and commit the result",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
