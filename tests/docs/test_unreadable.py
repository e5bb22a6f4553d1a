"""A page or a mapping that cannot be read: exit 2, naming the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.__main__ import main

from .support import ALIBABA_V1, API_OF, HUAWEI, MPS, build, edit, page_text


def _check(specs: Path, page: str, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["docs", "check", "--specs", str(specs), API_OF[page]])
    err = capsys.readouterr().err
    assert code == 2, err
    return err


def test_a_page_that_is_not_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = build(tmp_path, HUAWEI)
    path = specs / API_OF[HUAWEI] / "docs" / HUAWEI
    data = path.read_bytes().replace(b"Priority (0", b"Priority \xff(0")
    path.write_bytes(data)
    line = data[: data.index(b"\xff")].count(b"\n") + 1
    err = _check(specs, HUAWEI, capsys)
    assert f"specs/huawei-metastudio/docs/{HUAWEI}:{line}: not UTF-8 text" in err


def test_a_page_cut_short(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = page_text(HUAWEI)
    cut = text[: text.index("speed\n\nNo") + len("speed\n\nNo")]
    err = _check(build(tmp_path, HUAWEI, text=cut), HUAWEI, capsys)
    line = cut.count("\n") + 1
    assert (
        f"{HUAWEI}:{line}: the page ends here without its 'Error Codes' section" in err
    )


def test_a_json_example_cut_short(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = edit(
        page_text(HUAWEI),
        '"voice_asset_id" : "c84054e7f29543048d585f61248c64c9"\n}',
        '"voice_asset_id" : "c84054e7f29543048d585f61248c64c9"\n',
    )
    err = _check(build(tmp_path, HUAWEI, text=text), HUAWEI, capsys)
    start = text.split("\n").index("{") + 1
    assert f"JSON example (from line {start}) does not parse" in err
    assert f"{HUAWEI}:" in err


def test_a_pipe_table_row_missing_a_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = edit(
        page_text(ALIBABA_V1), "| Title |\nstring |\nNo |\n", "| Title |\nstring |\n"
    )
    err = _check(build(tmp_path, ALIBABA_V1, text=text), ALIBABA_V1, capsys)
    line = text.split("\n").index("| Title |") + 1
    assert f"{ALIBABA_V1}:{line}: this table row does not have the 5 cells" in err


def test_a_row_that_cannot_be_split(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = edit(page_text(MPS), "TaskIdYesString\n", "TaskIdYesTaskInfoStructure\n")
    err = _check(build(tmp_path, MPS, text=text), MPS, capsys)
    assert f"{MPS}:28: cannot split this row into name and type" in err


def test_an_empty_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _check(build(tmp_path, MPS, text="\n\n"), MPS, capsys)
    assert f"{MPS}:1: the page is empty" in err


def test_a_mapped_page_that_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = build(tmp_path, MPS)
    (specs / API_OF[MPS] / "docs" / MPS).unlink()
    err = _check(specs, MPS, capsys)
    assert f"specs/tencent-mps/docs/{MPS}: cannot read" in err


def test_a_mapping_with_an_unknown_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = build(tmp_path, MPS)
    mapping = specs / API_OF[MPS] / "docs" / "pages.yaml"
    mapping.write_text(mapping.read_text() + "extra: 1\n")
    err = _check(specs, MPS, capsys)
    assert "specs/tencent-mps/docs/pages.yaml: /: unknown key 'extra'" in err


def test_a_mapping_naming_an_operation_the_spec_lacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = build(tmp_path, MPS)
    mapping = specs / API_OF[MPS] / "docs" / "pages.yaml"
    mapping.write_text(
        mapping.read_text().replace("DescribeTextToSpeechAsyncTask", "Nope")
    )
    err = _check(specs, MPS, capsys)
    assert "no operation 'Nope' in specs/tencent-mps/openapi.yaml" in err


def test_saved_pages_without_a_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = build(tmp_path, MPS)
    (specs / API_OF[MPS] / "docs" / "pages.yaml").unlink()
    err = _check(specs, MPS, capsys)
    assert "tencent-mps has saved pages" in err and "no pages.yaml" in err


def test_an_api_with_no_pages_is_not_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = build(tmp_path, MPS)
    for path in (specs / API_OF[MPS] / "docs").iterdir():
        path.unlink()
    assert main(["docs", "check", "--specs", str(specs)]) == 0
    assert "tencent-mps: not checked (no saved pages)" in capsys.readouterr().out


def test_an_unknown_api(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "check", "nope"]) == 2
    assert "unknown API nope" in capsys.readouterr().err
