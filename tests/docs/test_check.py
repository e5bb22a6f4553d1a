"""The docs check against the real specs and pages, and against pages edited by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.__main__ import main
from generator.docs.check import check

from .support import (
    ALIBABA_V1,
    ALIBABA_V2,
    HUAWEI,
    MPS,
    SPECS,
    Key,
    build,
    drift,
    edit,
    key,
    mapped_apis,
    page_text,
    run,
)


def test_every_api_with_a_spec_written_from_pages_has_a_mapping() -> None:
    assert {"huawei-metastudio", "alibaba-ice", "tencent-mps"} <= set(mapped_apis())


@pytest.mark.parametrize("api", mapped_apis())
def test_each_spec_shows_no_drift_against_its_pages(
    api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["docs", "check", api]) == 0
    out = capsys.readouterr().out
    assert f"{api}: " in out and "no drift" in out
    result = check(SPECS, [api])
    assert result.errors == []
    assert [d for d in result.differences if d.status != "accepted"] == []
    # What the spec resolved on purpose is shown, with its reason, not hidden.
    assert all(d.reason for d in result.differences)


def test_the_deliberate_differences_are_reported_as_accepted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["docs", "check", "huawei-metastudio", "alibaba-ice"]) == 0
    out = capsys.readouterr().out
    assert "accepted  body priority: default: page 5 / 10, spec 5" in out
    assert "accepted  request InputConfig: max-length: page 2000, spec 10000" in out
    assert (
        "accepted  page: operation: page GetSmartJobResult, spec GetSmartHandleJob"
        in out
    )


def _written_from_v2(document: dict[str, Any]) -> None:
    """The spec as the `.v2` page alone would have it: its InputConfig limit, and only
    its AiResult shape ({content, from, to})."""
    parameters = document["paths"]["/SubmitAudioProduceJob"]["post"]["parameters"]
    (input_config,) = [p for p in parameters if p["name"] == "InputConfig"]
    input_config["schema"]["maxLength"] = 2000
    segment = document["components"]["schemas"]["AiSegment"]
    segment["x-sdkgen-wire-shapes"] = segment["x-sdkgen-wire-shapes"][:1]


def test_the_v1_page_against_a_spec_written_from_v2(tmp_path: Path) -> None:
    specs = build(tmp_path, ALIBABA_V1, accepted=False, spec=_written_from_v2)
    result = run(specs, ALIBABA_V1)
    assert result.errors == []
    submit, get = "SubmitAudioProduceJob", "GetSmartHandleJob"
    assert drift(result) == sorted(
        [
            # the InputConfig length
            Key(submit, "request", "InputConfig", "max-length", "10000", "2000"),
            # the EditingConfig sub-fields (.v1 shows only its example's three)
            Key(
                submit,
                "request",
                "EditingConfig.customizedVoice",
                "removed",
                None,
                "string",
            ),
            Key(
                submit,
                "request",
                "EditingConfig.pitch_rate",
                "removed",
                None,
                "integer",
            ),
            Key(
                submit,
                "request",
                "EditingConfig.sample_rate",
                "removed",
                None,
                "integer",
            ),
            Key(
                submit,
                "request",
                "EditingConfig.speech_rate",
                "removed",
                None,
                "integer",
            ),
            # the State values
            Key(
                submit,
                "response 200",
                "State",
                "enum",
                None,
                "Created, Executing, Finished, Failed",
            ),
            # the AiResult shape
            Key(
                get,
                "example response 200",
                "/JobResult/AiResult/*",
                "example-shape",
                "{text, begin_time, end_time}",
                "{text, start, end} or {content, from, to}",
            ),
            # the query API's name
            Key(get, "page", "", "operation", "GetSmartJobResult", get),
        ],
        key=repr,
    )


def test_the_v2_page_against_a_spec_written_from_v2_shows_no_drift(
    tmp_path: Path,
) -> None:
    specs = build(tmp_path, ALIBABA_V2, accepted=False, spec=_written_from_v2)
    assert drift(run(specs, ALIBABA_V2)) == [
        Key(
            "SubmitAudioProduceJob",
            "request",
            "EditingConfig.sample_rate",
            "removed",
            None,
            "integer",
        )
    ]


def test_the_v1_page_against_the_real_spec_without_its_accepted_list(
    tmp_path: Path,
) -> None:
    # The spec took the .v1 limit and reads both AiResult shapes: what remains is what
    # the .v1 page lost or got wrong.
    result = run(build(tmp_path, ALIBABA_V1, accepted=False), ALIBABA_V1)
    assert {(k.field, k.kind) for k in drift(result)} == {
        ("EditingConfig.customizedVoice", "removed"),
        ("EditingConfig.pitch_rate", "removed"),
        ("EditingConfig.sample_rate", "removed"),
        ("EditingConfig.speech_rate", "removed"),
        ("State", "enum"),
        ("", "operation"),
    }


# One hand edit per case: (page, old text, new text, the one difference it must cause).
HUAWEI_EDITS = {
    "added": (
        "voice_asset_id\n\nYes",
        "emotion\n\nNo\n\nString\n\nEmotion of the voice.\n\nvoice_asset_id\n\nYes",
        Key("CreateAsyncTtsJob", "body", "emotion", "added", "string", None),
    ),
    "removed": (
        "tts_text\n\nNo\n\nString\n\nText to be sent for TTS\n\n",
        "",
        Key("CreateAsyncTtsJob", "body", "tts_text", "removed", None, "string"),
    ),
    "range": (
        "Pitch.\n\nValue range:\n\n50~200",
        "Pitch.\n\nValue range:\n\n50~300",
        Key("CreateAsyncTtsJob", "body", "pitch", "range", "50..300", "50..200"),
    ),
    "default": (
        "Default value:\n\n140",
        "Default value:\n\n150",
        Key("CreateAsyncTtsJob", "body", "volume", "default", "150", "140"),
    ),
    "enum": (
        "  • MP3\n",
        "  • MP3\n\n  • PCM\n",
        Key(
            "CreateAsyncTtsJob",
            "body",
            "audio_format",
            "enum",
            "WAV, MP3, PCM",
            "WAV, MP3",
        ),
    ),
    "required": (
        "\ntext\n\nYes\n",
        "\ntext\n\nNo\n",
        Key("CreateAsyncTtsJob", "body", "text", "required", "no", "yes"),
    ),
    "type": (
        "silence_time_ms\n\nNo\n\nInteger",
        "silence_time_ms\n\nNo\n\nString",
        Key(
            "CreateAsyncTtsJob", "body", "silence_time_ms", "type", "string", "integer"
        ),
    ),
}
SUBMIT = "SubmitAudioProduceJob"
ALIBABA_EDITS = {
    "added": (
        "Overwrite\n\nboolean",
        "Speed\n\ninteger\n\nNo\n\nThe speech speed.\n\n100\n\nOverwrite\n\nboolean",
        Key(SUBMIT, "request", "Speed", "added", "integer", None),
    ),
    "removed": (
        "Overwrite\n\nboolean\n\nNo\n\nSpecifies whether to overwrite the existing Object "
        "Storage Service (OSS) object.\n\ntrue\n\n",
        "",
        Key(SUBMIT, "request", "Overwrite", "removed", None, "boolean"),
    ),
    "range": (
        "Default value: 50. Valid values: 0 to 100.",
        "Default value: 50. Valid values: 0 to 200.",
        Key(SUBMIT, "request", "EditingConfig.volume", "range", "0..200", "0..100"),
    ),
    "default": (
        "Default value: 50. Valid values: 0 to 100.",
        "Default value: 60. Valid values: 0 to 100.",
        Key(SUBMIT, "request", "EditingConfig.volume", "default", "60", "50"),
    ),
    "enum": (
        "Valid values: PCM, WAV, and MP3.",
        "Valid values: PCM, WAV, MP3, and OGG.",
        Key(
            SUBMIT,
            "request",
            "EditingConfig.format",
            "enum",
            "PCM, WAV, MP3, OGG",
            "PCM, WAV, MP3",
        ),
    ),
    "type": (
        "Overwrite\n\nboolean",
        "Overwrite\n\nstring",
        Key(SUBMIT, "request", "Overwrite", "type", "string", "boolean"),
    ),
}
DESCRIBE = "DescribeTextToSpeechAsyncTask"
MPS_EDITS = {
    "added": (
        "TaskIdYesString\n",
        "TaskIdYesString\n\nTask ID.\n\nTextLangNoString\n",
        Key(DESCRIBE, "request", "TextLang", "added", "string", None),
    ),
    "removed": (
        "VoiceIdString\n\nUsed voice ID.\n\n",
        "",
        Key(DESCRIBE, "response 200", "VoiceId", "removed", None, "string"),
    ),
    "enum": (
        "  • processing: Processing.",
        "  • processing: Processing.\n  • queued: Queued.",
        Key(
            DESCRIBE,
            "response 200",
            "Status",
            "enum",
            "success, fail, processing, queued",
            "success, fail, processing",
        ),
    ),
    "type": (
        "ErrorCodeInteger",
        "ErrorCodeString",
        Key(DESCRIBE, "response 200", "ErrorCode", "type", "string", "integer"),
    ),
}
CASES = [
    pytest.param(page, old, new, expected, id=f"{page.split('-')[0]}-{change}")
    for page, edits in (
        (HUAWEI, HUAWEI_EDITS),
        (ALIBABA_V2, ALIBABA_EDITS),
        (MPS, MPS_EDITS),
    )
    for change, (old, new, expected) in edits.items()
]


@pytest.mark.parametrize(("page", "old", "new", "expected"), CASES)
def test_a_hand_edited_page_reports_its_change_once_and_nothing_else(
    tmp_path: Path, page: str, old: str, new: str, expected: Key
) -> None:
    text = edit(page_text(page), old, new)
    result = run(build(tmp_path, page, text=text), page)
    assert result.errors == []
    assert drift(result) == [expected]
    assert result.exit_code == 1


def test_an_edited_example_is_checked_against_the_schema(tmp_path: Path) -> None:
    text = edit(
        page_text(HUAWEI),
        '"job_id" : "26f06524-4f75-4b3a-a853-b649a21aaf66"',
        '"job_id" : 26',
    )
    result = run(build(tmp_path, HUAWEI, text=text), HUAWEI)
    assert drift(result) == [
        Key(
            "CreateAsyncTtsJob",
            "example response 200",
            "/job_id",
            "example-type",
            "integer",
            "string",
        )
    ]


def test_a_page_that_fixes_an_accepted_slip_leaves_a_stale_entry(
    tmp_path: Path,
) -> None:
    text = edit(page_text(HUAWEI), "Default value:\n\n10\n", "Default value:\n\n5\n")
    result = run(build(tmp_path, HUAWEI, text=text), HUAWEI)
    (stale,) = [d for d in result.differences if d.status == "stale"]
    assert (stale.field, stale.kind, stale.page_value) == (
        "priority",
        "default",
        "5 / 10",
    )
    assert "remove it" in (stale.reason or "")
    assert result.exit_code == 1


def test_an_accepted_difference_matches_its_values_only(tmp_path: Path) -> None:
    # The vendor changes the table's default again: the old excuse no longer covers it.
    text = edit(page_text(HUAWEI), "Default value:\n\n10\n", "Default value:\n\n7\n")
    result = run(build(tmp_path, HUAWEI, text=text), HUAWEI)
    assert drift(result) == [
        # the stale entry (accepted differences say no place), then the new drift
        Key("CreateAsyncTtsJob", "", "priority", "default", "5 / 10", "5"),
        Key("CreateAsyncTtsJob", "body", "priority", "default", "5 / 7", "5"),
    ]


def test_a_new_version_of_a_page_is_checked_with_page_and_operation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = tmp_path / "submit-audio-produce-job.new.txt"
    new.write_text(page_text(ALIBABA_V1), encoding="utf-8")
    code = main(
        ["docs", "check", "alibaba-ice", "--page", str(new), "--operation", SUBMIT]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "drift     response 200 State: enum: page (none), spec Created" in out
    assert f"[{new.name}:81]" in out
    # The saved page, by its path: its accepted differences apply.
    saved = SPECS / "alibaba-ice" / "docs" / ALIBABA_V1
    assert main(["docs", "check", "--page", str(saved)]) == 0


def test_operation_without_page_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["docs", "check", "--operation", SUBMIT]) == 2
    assert "--operation goes with --page" in capsys.readouterr().err


def test_the_text_report_groups_by_api_and_operation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = build(tmp_path, ALIBABA_V1, accepted=False)
    assert main(["docs", "check", "--specs", str(specs)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "alibaba-ice: 1 page, 6 drift, 0 accepted"
    assert lines[1] == "  GetSmartHandleJob"
    assert lines[2] == (
        "    drift     page: operation: page GetSmartJobResult, spec GetSmartHandleJob"
        f"  [{ALIBABA_V1}:3]"
    )
    assert lines[3] == "  SubmitAudioProduceJob"
    assert len(lines) == 1 + 2 + 5 + 1 + 1
    assert lines[-1] == (
        "docs check: 6 drift, 0 stale, 0 accepted, 0 errors, in 1 page of 1 API: exit 1"
    )


def test_the_json_report_is_stable_and_documented(
    capsys: pytest.CaptureFixture[str],
) -> None:
    apis = ["alibaba-ice", "huawei-metastudio", "tencent-mps"]
    # The pages only: whether the SDKs are installed changes nothing here.
    assert main(["docs", "check", *apis, "--format", "json", "--no-sdk"]) == 0
    first = capsys.readouterr().out
    assert main(["docs", "check", *reversed(apis), "--format", "json", "--no-sdk"]) == 0
    second = capsys.readouterr().out
    report = json.loads(first)
    assert set(report) == {"format", "exit_code", "summary", "apis", "errors"}
    assert report["format"] == 1 and report["exit_code"] == 0
    assert report["summary"]["drift"] == 0 and report["summary"]["accepted"] == 15
    assert (
        first == json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )
    # The same run, the APIs named in another order: the same bytes.
    assert second == first
    assert [a["api"] for a in report["apis"]] == apis
    alibaba = next(a for a in report["apis"] if a["api"] == "alibaba-ice")
    assert [o["operation"] for o in alibaba["operations"]] == [
        "GetSmartHandleJob",
        SUBMIT,
    ]
    difference = alibaba["operations"][0]["differences"][0]
    assert set(difference) == {
        "field",
        "kind",
        "line",
        "page",
        "page_value",
        "place",
        "reason",
        "source",
        "spec_value",
        "status",
    }
    assert difference["page"] == f"specs/alibaba-ice/docs/{ALIBABA_V1}"
    assert difference["source"] == "page"
    assert alibaba["sdk"] is None  # --no-sdk: not even looked for
    assert report["summary"]["sdks"] == 0


def test_keys_ignore_lines() -> None:
    result = check(SPECS, ["huawei-metastudio"], sdk=False)
    assert {key(d).field for d in result.differences} == {
        "priority",
        "X-Sdk-Date",
        "X-Project-Id",
        # Length bounds the page leaves out, taken from the official SDK (pages.yaml).
        "text",
        "tts_text",
        "voice_asset_id",
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # HTTP header names are case-insensitive: a page that writes them otherwise
        # than the spec documents the same header.
        ("x-auth-token", []),
        ("X-AUTH-TOKEN", []),
        ("x-app-userid", []),
        # A name that differs by more than its case is another header.
        (
            "X-Auth-Tokens",
            [
                Key(
                    "CreateAsyncTtsJob",
                    "header",
                    "X-Auth-Tokens",
                    "added",
                    "string",
                    None,
                )
            ],
        ),
    ],
)
def test_header_names_compare_without_case(
    tmp_path: Path, name: str, expected: list[Key]
) -> None:
    original = "X-App-UserId" if name.lower() == "x-app-userid" else "X-Auth-Token"
    text = edit(page_text(HUAWEI), f"\n{original}\n", f"\n{name}\n")
    result = run(build(tmp_path, HUAWEI, text=text), HUAWEI)
    assert result.errors == []
    assert drift(result) == expected
