"""Command line: `python -m generator generate [API …] [--check] [--force] [--strict]`, and
`python -m generator docs check [API …] [--page FILE --operation ID] [--format text|json]
[--no-sdk]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import pipeline
from .errors import Diagnostic, SpecError


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
        "--strict",
        action="store_true",
        help="every warning is an error (exit 2): for specs kept clean",
    )
    gen.add_argument(
        "--specs", type=Path, default=pipeline.REPO / "specs", help=argparse.SUPPRESS
    )
    gen.add_argument(
        "--out", type=Path, default=pipeline.REPO / "generated", help=argparse.SUPPRESS
    )
    docs = commands.add_parser("docs", help="compare the specs with saved vendor pages")
    docs_commands = docs.add_subparsers(dest="docs_command", required=True)
    check = docs_commands.add_parser(
        "check",
        help="report how the saved pages differ from the specs",
        description="Exit 0: no unexplained difference; 1: drift; 2: a page or a "
        "mapping cannot be read.",
    )
    check.add_argument(
        "apis",
        nargs="*",
        metavar="API",
        help="API folders under specs/ (default: all)",
    )
    check.add_argument(
        "--page",
        type=Path,
        metavar="FILE",
        help="check this page (a newly saved version, say) instead of the saved ones",
    )
    check.add_argument(
        "--operation",
        metavar="ID",
        help="the operationId FILE documents (default: the saved page of that name's)",
    )
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument(
        "--no-sdk",
        action="store_true",
        help="compare the pages only, not the official SDKs (installed or not)",
    )
    check.add_argument(
        "--specs", type=Path, default=pipeline.REPO / "specs", help=argparse.SUPPRESS
    )
    return parser


def _docs_check(args: argparse.Namespace) -> int:
    from .docs.check import PageRequest, check
    from .docs.report import json_report, text_report

    known = pipeline.discover(args.specs)
    apis = args.apis or known
    unknown = sorted(set(apis) - set(known))
    if unknown:
        print(
            f"error: unknown API {', '.join(unknown)}; known: {', '.join(known)}",
            file=sys.stderr,
        )
        return 2
    request = None
    if args.page is not None:
        if not args.apis:
            parts = args.page.resolve().parts
            inferred = [p for p in known if p in parts]
            if len(inferred) != 1:
                print("error: --page needs the API it belongs to", file=sys.stderr)
                return 2
            apis = inferred
        if len(apis) != 1:
            print("error: --page checks a page of one API", file=sys.stderr)
            return 2
        request = PageRequest(args.page, args.operation)
    elif args.operation is not None:
        print("error: --operation goes with --page", file=sys.stderr)
        return 2
    result = check(args.specs, apis, request, sdk=not args.no_sdk)
    if args.format == "json":
        print(json_report(result))
    else:
        print(text_report(result), end="")
        for error in result.errors:
            print(f"error: {error}", file=sys.stderr)
    return result.exit_code


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "docs":
        return _docs_check(args)
    known = pipeline.discover(args.specs)
    apis = args.apis or known
    unknown = sorted(set(apis) - set(known))
    if unknown:
        print(
            f"error: unknown API {', '.join(unknown)}; known: {', '.join(known)}",
            file=sys.stderr,
        )
        return 2
    stale: list[str] = []
    warnings: list[Diagnostic] = []
    try:
        if args.check:
            for api, checked in pipeline.check_all(
                apis, args.specs, args.out, strict=args.strict
            ):
                stale += checked.differences
                warnings += checked.warnings
                print(checked.line(api))
        else:
            for report in pipeline.generate_all(
                apis, args.specs, args.out, force=args.force, strict=args.strict
            ):
                warnings += report.warnings
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
    finally:
        # Once, at the end, where they are read (an error, if any, came just before).
        for warning in warnings:
            print(warning.line(), file=sys.stderr)
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
