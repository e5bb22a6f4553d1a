"""Helpers for the docs-check tests: a specs folder of one API, built in a temporary place
from the repository's spec and mapping and the saved pages in `tests/docs/pages/`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.docs.check import check
from generator.docs.model import Difference, Result

REPO = Path(__file__).resolve().parents[2]
SPECS = REPO / "specs"
PAGES = Path(__file__).resolve().parent / "pages"
HUAWEI = "huawei-metastudio-create-async-tts-job.txt"
ALIBABA_V1 = "alibaba-ice-submit-audio-produce-job.v1.txt"
ALIBABA_V2 = "alibaba-ice-submit-audio-produce-job.v2.txt"
MPS = "tencent-mps-describe-tts-async-task.txt"
CI = "tencent-ci-submit-tts-job.txt"
API_OF = {
    HUAWEI: "huawei-metastudio",
    ALIBABA_V1: "alibaba-ice",
    ALIBABA_V2: "alibaba-ice",
    MPS: "tencent-mps",
}


def page_text(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def mapped_apis() -> list[str]:
    return sorted(p.parent.parent.name for p in SPECS.glob("*/docs/pages.yaml"))


@dataclass(frozen=True)
class Key:
    """A difference without where it was found on the page."""

    operation: str
    place: str
    field: str
    kind: str
    page: str | None
    spec: str | None


def key(difference: Difference) -> Key:
    return Key(
        difference.operation,
        difference.place,
        difference.field,
        difference.kind,
        difference.page_value,
        difference.spec_value,
    )


def drift(result: Result) -> list[Key]:
    return sorted(
        (key(d) for d in result.differences if d.status != "accepted"),
        key=repr,
    )


def build(
    tmp: Path,
    page: str,
    *,
    text: str | None = None,
    accepted: bool = True,
    spec: Callable[[dict[str, object]], None] | None = None,
) -> Path:
    """`tmp/specs/<api>/` holding the API's spec (edited by `spec`, if given), its mapping
    reduced to `page` (without its accepted differences unless `accepted`, and without
    its SDK, so that an installed SDK changes nothing), and the page (or `text` in its
    place). Returns the specs folder."""
    api = API_OF[page]
    folder = tmp / "specs" / api
    (folder / "docs").mkdir(parents=True)
    source = (SPECS / api / "openapi.yaml").read_text(encoding="utf-8")
    if spec is not None:
        document = yaml.safe_load(source)
        spec(document)
        source = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    (folder / "openapi.yaml").write_text(source, encoding="utf-8")
    mapping = yaml.safe_load((SPECS / api / "docs" / "pages.yaml").read_text("utf-8"))
    entry = mapping["pages"][page]
    if not accepted:
        entry.pop("accepted", None)
    mapping["pages"] = {page: entry}
    mapping.pop("sdk", None)
    (folder / "docs" / "pages.yaml").write_text(yaml.safe_dump(mapping), "utf-8")
    (folder / "docs" / page).write_text(
        page_text(page) if text is None else text, encoding="utf-8"
    )
    return tmp / "specs"


def run(specs: Path, page: str) -> Result:
    return check(specs, [API_OF[page]])


def edit(text: str, old: str, new: str) -> str:
    """`text` with `old`, which must occur exactly once, replaced by `new`."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)
