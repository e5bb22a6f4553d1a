"""Each layout's parser on the vendors' own pages (copies in tests/docs/pages/)."""

from __future__ import annotations

import pytest

from generator.docs.layouts import LAYOUTS
from generator.docs.model import Page, PageError, PageField, PageTable, Range
from generator.docs.source import source_from_bytes

from .support import ALIBABA_V1, ALIBABA_V2, CI, HUAWEI, MPS, edit, page_text


def parse(layout: str, name: str, text: str | None = None) -> Page:
    data = (page_text(name) if text is None else text).encode()
    return LAYOUTS[layout].parse(source_from_bytes(data, name))


def table(page: Page, place: str, status: str | None = None) -> PageTable:
    (found,) = [t for t in page.tables if t.place == place and t.status == status]
    return found


def fields(table: PageTable) -> dict[str, PageField]:
    return {field.name: field for field in table.fields}


def test_every_layout_is_registered() -> None:
    assert set(LAYOUTS) == {"huawei", "alibaba", "tencent-api3", "tencent-ci"}


def test_huawei_cells_labels_and_sub_tables() -> None:
    page = parse("huawei", HUAWEI)
    assert page.endpoint == ("POST", "/v1/{project_id}/ttsc/async-jobs", 25)
    assert [(t.place, t.status) for t in page.tables] == [
        ("path", None),
        ("header", None),
        ("body", None),
        ("response", "200"),
        ("response", "400"),
        ("response", "500"),
    ]
    body = fields(table(page, "body"))
    assert list(body)[:3] == ["text", "tts_text", "voice_asset_id"]
    assert (body["text"].type, body["text"].required) == ("string", True)
    assert body["srt_len"].type == "integer"  # Long
    speed = body["speed"].facts
    assert (speed.ranges, speed.defaults) == ((Range("50", "200"),), ("100",))
    assert body["audio_format"].facts.enum == ("WAV", "MP3")
    assert body["need_timestamp"].facts.defaults == ("false",)
    # The description's "The default value is 5" and the table's "10": both kept.
    assert body["priority"].facts.defaults == ("5", "10")
    # "TtsCallBackConfig object" is the page's Table 4.
    (callback_url,) = body["callback_config"].children
    assert (callback_url.name, callback_url.required) == ("callback_url", True)
    assert list(fields(table(page, "response", "400"))) == [
        "error_code",
        "error_msg",
        "request_id",
    ]
    assert fields(table(page, "response", "200"))["job_id"].required is None
    request, response = page.examples
    assert (request.direction, request.target) == (
        "request",
        "POST https://{endpoint}/v1/3f0924078d1b471c884a5383d4dec9fa/ttsc/async-jobs",
    )
    assert (response.status, response.value) == (
        "200",
        {"job_id": "26f06524-4f75-4b3a-a853-b649a21aaf66"},
    )


@pytest.mark.parametrize("name", [ALIBABA_V1, ALIBABA_V2])
def test_alibaba_pipe_and_paragraph_tables_read_alike(name: str) -> None:
    page = parse("alibaba", name)
    assert page.action is not None and page.action[0] == "SubmitAudioProduceJob"
    request = fields(table(page, "request"))
    assert list(request) == [
        "EditingConfig",
        "OutputConfig",
        "InputConfig",
        "Title",
        "Description",
        "UserData",
        "Overwrite",
    ]
    assert (request["Overwrite"].type, request["Overwrite"].required) == (
        "boolean",
        False,
    )
    assert request["Title"].facts.max_bytes == ("128",)
    assert request["Description"].facts.max_bytes == ("1024",)
    assert request["UserData"].facts.max_bytes == ("512",)
    # OutputConfig's and UserData's fields are shown by their examples only.
    assert [c.name for c in request["OutputConfig"].children] == ["bucket", "object"]
    assert [c.name for c in request["UserData"].children] == ["NotifyAddress"]
    assert not any(c.described for c in request["UserData"].children)
    assert list(fields(table(page, "response"))) == [
        "RequestId",
        "JobId",
        "State",
        "MediaId",
    ]
    get, submit = page.examples
    assert (get.direction, submit.operation) == ("response", None)
    assert isinstance(get.value, dict) and "JobResult" in get.value


def test_alibaba_v1_and_v2_differ_where_the_pages_do() -> None:
    v1, v2 = parse("alibaba", ALIBABA_V1), parse("alibaba", ALIBABA_V2)
    one, two = fields(table(v1, "request")), fields(table(v2, "request"))
    assert one["InputConfig"].facts.max_length == ("10000",)
    assert two["InputConfig"].facts.max_length == ("2000",)
    assert [c.name for c in one["EditingConfig"].children] == [
        "voice",
        "format",
        "volume",
    ]
    editing = {c.name: c for c in two["EditingConfig"].children}
    assert list(editing) == [
        "voice",
        "customizedVoice",
        "format",
        "volume",
        "speech_rate",
        "pitch_rate",
    ]
    assert editing["format"].facts.enum == ("PCM", "WAV", "MP3")
    assert editing["volume"].facts.defaults == ("50",)
    assert editing["speech_rate"].facts.ranges == (Range("-500", "500"),)
    assert fields(table(v1, "response"))["State"].facts.enum == ()
    assert fields(table(v2, "response"))["State"].facts.enum == (
        "Created",
        "Executing",
        "Finished",
        "Failed",
    )
    assert [name for name, _ in v1.references] == ["GetSmartJobResult"]
    assert [name for name, _ in v2.references] == ["GetSmartHandleJob"]
    assert v1.examples[0].operation == "GetSmartJobResult"
    assert v2.examples[0].operation == "GetSmartHandleJob"


def test_tencent_api3_rows_run_together() -> None:
    page = parse("tencent-api3", MPS)
    assert page.action == ("DescribeTextToSpeechAsyncTask", 4)
    headers = fields(table(page, "header"))
    assert list(headers) == ["X-TC-Action", "X-TC-Version", "X-TC-Region"]
    assert headers["X-TC-Action"].facts.values == ("DescribeTextToSpeechAsyncTask",)
    assert headers["X-TC-Version"].facts.values == ("2019-06-12",)
    assert headers["X-TC-Region"].required is False
    (task_id,) = table(page, "request").fields
    assert (task_id.name, task_id.type, task_id.required) == ("TaskId", "string", True)
    response = table(page, "response")
    assert response.root == ("Response",)
    output = fields(response)
    assert list(output) == [
        "ErrorCode",
        "Msg",
        "Status",
        "AudioUrl",
        "VoiceId",
        "ExtInfo",
        "RequestId",
    ]
    assert output["ErrorCode"].type == "integer"
    assert output["Status"].facts.enum == ("success", "fail", "processing")
    request, response_example = page.examples
    assert ("X-TC-Action", "DescribeTTSTask") in request.headers
    assert request.target == "POST /"
    assert isinstance(response_example.value, dict)


def test_tencent_ci_nodes_build_one_tree_per_body() -> None:
    page = parse("tencent-ci", CI)
    assert page.endpoint == ("POST", "/jobs", 37)
    body, response = page.tables
    assert (body.place, response.place) == ("body", "response")
    (request,) = body.fields
    assert request.name == "Request"
    top = fields(PageTable("body", 0, request.children))
    assert list(top) == [
        "Tag",
        "Operation",
        "CallBackFormat",
        "CallBackType",
        "CallBack",
        "CallBackMqConfig",
    ]
    assert top["Tag"].facts.values == ("Tts",)
    assert top["CallBackFormat"].facts.enum == ("JSON", "XML")
    assert top["CallBackFormat"].facts.defaults == ("XML",)
    assert top["CallBackType"].facts.enum == ("Url", "TDMQ")
    operation = {c.name: c for c in top["Operation"].children}
    assert operation["UserData"].facts.max_length == ("1024",)
    assert operation["JobLevel"].facts.enum == ("0", "1", "2")
    assert operation["JobLevel"].facts.defaults == ("0",)
    config = {c.name: c for c in operation["TtsConfig"].children}
    assert config["InputType"].facts.enum == ("Url", "Text")
    assert config["Input"].required is True
    assert [c.name for c in operation["TtsTpl"].children] == [
        "Mode",
        "Codec",
        "VoiceType",
        "Volume",
        "Speed",
        "Emotion",
    ]
    (jobs,) = response.fields[0].children
    assert jobs.type == "array of object"
    state = {c.name: c for c in jobs.children}["State"]
    assert state.facts.enum == (
        "Submitted",
        "Running",
        "Success",
        "Failed",
        "Pause",
        "Cancel",
    )
    assert [e.direction for e in page.examples] == ["request", "response"] * 3
    assert all(e.media == "xml" for e in page.examples)
    assert page.examples[2].target == "POST /jobs"


def test_tencent_ci_an_xml_example_never_closed() -> None:
    text = page_text(CI)
    first = text.index("</Request>")
    broken = text[:first] + text[first + len("</Request>") :]
    line = text[: text.index("<Request>")].count("\n") + 1
    with pytest.raises(
        PageError, match=rf":{line}: XML example <Request> is never closed"
    ):
        parse("tencent-ci", CI, broken)


def test_tencent_ci_a_node_without_its_type() -> None:
    text = edit(page_text(CI), "Bucket Region\nString\nYes\n", "Bucket Region\n\n")
    with pytest.raises(PageError, match="node 'Region' has no Type cell"):
        parse("tencent-ci", CI, text)


@pytest.mark.parametrize(
    ("layout", "name"),
    [
        ("huawei", HUAWEI),
        ("alibaba", ALIBABA_V2),
        ("tencent-api3", MPS),
        ("tencent-ci", CI),
    ],
)
def test_a_page_of_another_layout_is_refused(layout: str, name: str) -> None:
    other = {HUAWEI: MPS, ALIBABA_V2: HUAWEI, MPS: CI, CI: ALIBABA_V1}[name]
    with pytest.raises(PageError):
        parse(layout, other)
