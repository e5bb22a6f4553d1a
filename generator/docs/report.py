"""The two reports: text for a terminal or a CI log, JSON for scripts.

The JSON report (`--format json`), keys sorted, lists in a fixed order::

    {
      "format": 1,
      "exit_code": 0 | 1 | 2,
      "summary": {"apis": 3, "not_checked": 0, "pages": 4, "sdks": 2, "drift": 0,
                  "accepted": 12, "stale": 0, "errors": 0},
      "apis": [
        {"api": "alibaba-ice", "spec": "specs/alibaba-ice/openapi.yaml",
         "pages": ["specs/alibaba-ice/docs/….v1.txt", …], "skipped": null,
         "sdk": {"distribution": "alibabacloud-ice20201109", "version": "6.20.2",
                 "compared": true, "note": "…: 4 operations compared"} | null,
         "operations": [
           {"operation": "SubmitAudioProduceJob",
            "differences": [
              {"status": "drift" | "accepted" | "stale", "source": "page" | "sdk",
               "page": "specs/…/….txt", "line": 36, "place": "request",
               "field": "InputConfig", "kind": "max-length", "page_value": "10000",
               "spec_value": "2000", "reason": null}]}]}],
      "errors": [{"page": "specs/…/….txt", "line": 12, "message": "…"}]
    }

`place` is where the page says it: `path`, `query`, `header`, `body`, `request` (a
table of parameters that does not say where they travel), `response <status>`,
`example request`, `example response <status>`, or `page` (the page itself). `kind` is
one of `added`, `removed`, `type`, `required`, `enum`, `range`, `default`, `max-length`,
`min-length`, `max-bytes`, `value`, `response` (compare.py); `operation`, `endpoint`
(check.py); `example-*` (examples.py, xsd_view.py).

`page_value` / `spec_value` are null where a side has nothing (a field added or
removed, an enum the page does not list). A difference with the official SDK has
`source: "sdk"`: its `page` is the SDK and its version (`huaweicloudsdkmetastudio
3.1.219`), its `page_value` the SDK's value, and it has no line. `sdks` counts the SDKs
compared; `sdk` says, for each API, whether its SDK was compared, or why not. Operations are sorted by name; differences by
page, line, place, field and kind; APIs by name, so the same pages and specs give the
same bytes whatever the order of the command's arguments.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import PurePosixPath

from .model import Difference, Result

_FORMAT = 1


def _order(difference: Difference) -> tuple[str, str, int, str, str, str, str]:
    return (
        difference.source,
        difference.page,
        difference.line or 0,
        difference.place,
        difference.field,
        difference.kind,
        difference.status,
    )


def _by_operation(result: Result, api: str) -> dict[str, list[Difference]]:
    grouped: dict[str, list[Difference]] = {}
    for difference in result.differences:
        if difference.api == api:
            grouped.setdefault(difference.operation, []).append(difference)
    return {name: sorted(grouped[name], key=_order) for name in sorted(grouped)}


def _summary(result: Result) -> dict[str, int]:
    def count(status: str) -> int:
        return sum(d.status == status for d in result.differences)

    return {
        "apis": len(result.apis) - len(result.skipped),
        "not_checked": len(result.skipped),
        "pages": sum(len(p) for p in result.pages.values()),
        "sdks": sum(status.compared for status in result.sdks.values()),
        "drift": count("drift"),
        "accepted": count("accepted"),
        "stale": count("stale"),
        "errors": len(result.errors),
    }


def json_report(result: Result) -> str:
    apis = []
    for api in sorted(result.apis):
        apis.append(
            {
                "api": api,
                "spec": f"specs/{api}/openapi.yaml",
                "pages": result.pages.get(api, []),
                "skipped": result.skipped.get(api),
                "sdk": None if api not in result.sdks else result.sdks[api].as_json(),
                "operations": [
                    {
                        "operation": name,
                        "differences": [_difference(d) for d in differences],
                    }
                    for name, differences in _by_operation(result, api).items()
                ],
            }
        )
    document = {
        "format": _FORMAT,
        "exit_code": result.exit_code,
        "summary": _summary(result),
        "apis": apis,
        "errors": [
            {"page": e.page, "line": e.line, "message": e.message}
            for e in result.errors
        ],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)


def _difference(difference: Difference) -> dict[str, object]:
    out = difference.as_json()
    del out["api"], out["operation"]
    return out


def _shown(value: str | None) -> str:
    return "(none)" if value is None else value


def line(difference: Difference) -> str:
    """One difference, as the text report writes it."""
    where = " ".join(p for p in (difference.place, difference.field) if p)
    page = PurePosixPath(difference.page).name
    at = f"{page}:{difference.line}" if difference.line else page
    return (
        f"{difference.status:<8}  {where}: {difference.kind}: "
        f"{difference.source} {_shown(difference.page_value)}, "
        f"spec {_shown(difference.spec_value)}"
        f"  [{at}]"
    )


def text_report(result: Result) -> str:
    return "\n".join(_text_lines(result)) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _text_lines(result: Result) -> Iterator[str]:
    for api in sorted(result.apis):
        if api in result.skipped:
            yield f"{api}: not checked ({result.skipped[api]})"
            continue
        mine = [d for d in result.differences if d.api == api]
        drift = sum(d.status == "drift" for d in mine)
        stale = sum(d.status == "stale" for d in mine)
        accepted = len(mine) - drift - stale
        state = f"{drift} drift" if drift else "no drift"
        if stale:
            state += f", {stale} stale"
        pages = _count(len(result.pages.get(api, [])), "page")
        yield f"{api}: {pages}, {state}, {accepted} accepted"
        if api in result.sdks:
            yield f"  sdk: {result.sdks[api].note}"
        for operation, differences in _by_operation(result, api).items():
            yield f"  {operation}"
            for difference in differences:
                yield f"    {line(difference)}"
                if difference.reason:
                    yield f"              {difference.reason}"
    summary = _summary(result)
    not_checked = summary["not_checked"]
    yield (
        f"docs check: {summary['drift']} drift, {summary['stale']} stale, "
        f"{summary['accepted']} accepted, {_count(summary['errors'], 'error')}, "
        f"in {_count(summary['pages'], 'page')}"
        + (f" and {_count(summary['sdks'], 'SDK')}" if summary["sdks"] else "")
        + f" of {_count(summary['apis'], 'API')}"
        + (f" ({not_checked} not checked)" if not_checked else "")
        + f": exit {result.exit_code}"
    )
