"""XML bodies: the Tencent CI page against an XSD (a snapshot in tests/docs/fixtures/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from generator.docs.check import check
from generator.docs.model import Result

from .support import CI, Key, drift, edit, page_text

pytest.importorskip("xmlschema")

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "tencent-ci"
SUBMIT = "SubmitTtsJob"


def _run(tmp: Path, text: str) -> Result:
    folder = tmp / "specs" / "tencent-ci"
    shutil.copytree(FIXTURE, folder)
    (folder / "docs").mkdir()
    (folder / "docs" / CI).write_text(text, encoding="utf-8")
    mapping = {"layout": "tencent-ci", "pages": {CI: {"operation": SUBMIT}}}
    (folder / "docs" / "pages.yaml").write_text(yaml.safe_dump(mapping), "utf-8")
    return check(tmp / "specs", ["tencent-ci"])


def test_the_ci_page_against_its_xsd(tmp_path: Path) -> None:
    result = _run(tmp_path, page_text(CI))
    assert result.errors == []
    found = drift(result)
    # The tree of nodes is the XSD's: no node is missing from it, none is unknown.
    assert not [k for k in found if k.kind in ("added", "required")]
    input_ = "Request.Operation.TtsConfig.Input"
    assert Key(SUBMIT, "body", input_, "max-length", "300 / 10000", "300") in found
    assert (
        Key(SUBMIT, "response 200", "Response.NextToken", "removed", None, "string")
        in found
    )
    # The XML examples are validated against the XSD types of their elements.
    (order,) = {
        k for k in found if k.place == "example request" and k.kind == "example-xsd"
    }
    assert order.field == "/Request/Operation/TtsConfig"
    assert order.spec == "SubmitTtsJobRequest"
    assert "'InputType' expected" in (order.page or "")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "Input type, Url/Text\n",
            "Input type, Url/Text/File\n",
            Key(
                SUBMIT,
                "body",
                "Request.Operation.TtsConfig.InputType",
                "enum",
                "Url, Text, File",
                "Url, Text",
            ),
        ),
        (
            "Result Filename\nString\nYes\n",
            "Result Filename\nString\nYes\nSuffix\nRequest.Operation.Output\n"
            "File name suffix\nString\nNo\n",
            Key(
                SUBMIT,
                "body",
                "Request.Operation.Output.Suffix",
                "added",
                "string",
                None,
            ),
        ),
        (
            "Bucket for result storage\nString\nYes",
            "Bucket for result storage\nString\nNo",
            Key(
                SUBMIT,
                "body",
                "Request.Operation.Output.Bucket",
                "required",
                "no",
                "yes",
            ),
        ),
    ],
)
def test_a_hand_edited_ci_page_reports_its_change_once(
    tmp_path: Path, old: str, new: str, expected: Key
) -> None:
    before = set(drift(_run(tmp_path / "before", page_text(CI))))
    after = drift(_run(tmp_path / "after", edit(page_text(CI), old, new)))
    assert [k for k in after if k not in before] == [expected]
    assert before <= set(after)
