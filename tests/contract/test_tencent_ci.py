"""Contract tests: the generated Tencent CI client against recorded vendor interactions.

Each `@pytest.mark.vcr` test plays the cassette named after it (see conftest.py). Bodies are
XML: the matcher `xml_body` holds the request the client sends to the recorded one as
canonical XML (C14N 2.0 with text stripped, so the page's line breaks between elements do not
count, but element names, order and text do); the query is compared decoded (`?cancel=` has a
blank value, which vcrpy's own `query` drops), and every recorded header must be sent
(`Authorization` and `x-cos-security-token` are REDACTED, so only their presence counts).
Responses must parse into the typed models with exactly the recorded values.

Every request body any test here sends is validated against `specs/tencent-ci/tts.xsd`
(XSD 1.1, with xmlschema) by the autouse fixture `sent`.

`submit_template_id` and `submit_tts_tpl` are the vendor page's two practical cases
(`specs/tencent-ci/docs/tencent-ci-submit-tts-job.txt`), with three slips of the page left
out of every assertion:
- its requests say `Content-Length: 166` and its responses `Content-Length: 230`, neither the
  length of the body shown; the cassettes carry the lengths of their bodies;
- the response to Request 2 echoes `Moonlight before my bed, like frost on the ground`, not
  the text Request 2 sent, and both responses name the object `output/tts.mp3` where the
  requests asked for `demo.mp3`; the cassettes keep the page's responses as they are, and
  nothing here asserts that a response echoes its request;
- both requests list `<Input>` before `<InputType>`, while the XSD's `TtsConfig` is a
  sequence of InputType then Input (the order the client sends); the cassettes hold the
  page's requests with those two elements in the XSD's order, and
  `test_cassettes_hold_the_pages_requests` checks that this is their only difference.
The other cassettes were written from the documented shapes (the vendor notes' describe,
list, cancel and Error documents); job ids beyond the page's, error codes and messages, media
details and tokens are stand-ins, not vendor examples. None can be re-recorded on demand (a
bucket bound to CI, jobs in given states): under `make record` they are skipped.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable, Iterator
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
import xmlschema
from tts_tencent_ci import (
    AsyncClient,
    Client,
    JobsDetail,
    JobsResponse,
    Output,
    ReportedOutput,
    TtsConfig,
    TtsTpl,
)
from tts_tencent_ci._runtime.xml import XmlModel
from tts_tencent_ci.errors import (
    BadRequestError,
    JobFailedError,
    NotFoundError,
)
from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.request import Request

from tests.contract.recording import (
    CONTRACT,
    RECORDING,
    REDACTED,
    SPECS,
    RecordedResponse,
    api_of,
    body_matcher,
    canonical_xml,
    decoded_query,
    flag_query_parameters,
    load_cassette,
    query_matcher,
    scrub_text,
    secret_headers,
    vcr_config,
    xml_bodies,
    xml_body,
)

API = "tencent-ci"
CASSETTES = CONTRACT / API
XSD = SPECS / API / "tts.xsd"
PAGE = SPECS / API / "docs" / "tencent-ci-submit-tts-job.txt"

# The keys of the vendor's COS signing example and a stand-in session token: never recorded.
SECRET_ID = "AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q"
SECRET_KEY = "BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz"
SESSION_TOKEN = "test-cos-session-token"
# The page's practical cases: its Host, and its example job.
BUCKET, REGION = "test-1234567890", "ap-chongqing"
HOST = f"{BUCKET}.ci.{REGION}.myqcloud.com"
JOB_ID = "j8d121820f5e411ec926ef19d53ba9c6f"
QUEUE_ID = "p2242ab62c7c94486915508540933a2c6"
PAGE_REQUEST_ID = "NTk0MjdmODlfMjQ4OGY3XzYzYzhf****"
TEXT = "Moonlight before my bed, could it be frost instead?"
# Stand-ins: an id that names no job, and the jobs of the list's second page.
MISSING_JOB_ID = "j00000000000000000000000000000000"
FAILED_JOB_ID = "j9e2d5f6a7b8c11ed9a3b525400c1f2e3"
RUNNING_JOB_ID = "ja1b2c3d4e5f611ed8c7d525400a9b8c7"

CASSETTE_NAMES = {
    "submit_template_id",
    "submit_tts_tpl",
    "submit_400",
    "describe",
    "list_tts_jobs",
    "cancel",
    "cancel_404",
    "wait_for_job",
    "wait_for_job_failed",
    "wait_for_job_cancel",
}

Recorded = Callable[[], list[RecordedResponse]]

# Fixed scenarios (the page's example job, jobs in given states, a bucket of the page's) or
# another test's cassette: under `make record` they would send real, possibly billable,
# requests and overwrite a cassette with something else.
playback_only = pytest.mark.skipif(
    RECORDING,
    reason="plays a fixed scenario or another test's cassette; not re-recordable",
)

SCHEMA = xmlschema.XMLSchema11(str(XSD))


def xsd_errors(body: bytes) -> list[str]:
    """Why `body` is not a valid document of the XSD (nothing when it is)."""
    return [
        f"{error.path}: {error.reason}"
        for error in SCHEMA.iter_errors(body.decode("utf-8"))
    ]


@pytest.fixture(autouse=True)
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[httpx.Request]]:
    """Every request any httpx client sends in the test (sync or async, whoever made the
    client), as it was sent; afterwards, each body must be valid against the XSD."""
    requests: list[httpx.Request] = []
    sync_send, async_send = httpx.Client.send, httpx.AsyncClient.send

    def send(self: httpx.Client, request: httpx.Request, **options: Any) -> Any:
        requests.append(request)
        return sync_send(self, request, **options)

    async def send_async(
        self: httpx.AsyncClient, request: httpx.Request, **options: Any
    ) -> Any:
        requests.append(request)
        return await async_send(self, request, **options)

    monkeypatch.setattr(httpx.Client, "send", send)
    monkeypatch.setattr(httpx.AsyncClient, "send", send_async)
    yield requests
    for request in requests:
        if request.method == "POST":
            assert request.headers["Content-Type"] == "application/xml"
            assert request.content, "a submit without a body"
        if request.content:
            assert xsd_errors(request.content) == [], request.content


@pytest.fixture
def client() -> Iterator[Client]:
    with Client(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, bucket=BUCKET, region=REGION
    ) as api:
        yield api


def only(recorded: Recorded) -> RecordedResponse:
    (response,) = recorded()
    return response


# Elements the XSD leaves unmodelled (`xs:any`): kept out of the comparison below.
UNMODELLED = frozenset({"MediaInfo"})


def tree(element: ElementTree.Element) -> Any:
    """An element as comparable values: its stripped text, or its children by name (each
    name's elements in document order). Empty elements (`<Message/>`) count as absent."""
    children = [
        child
        for child in element
        if child.tag not in UNMODELLED and (len(child) or (child.text or "").strip())
    ]
    if not len(element):
        return (element.text or "").strip()
    grouped: dict[str, list[Any]] = {}
    for child in children:
        grouped.setdefault(child.tag, []).append(tree(child))
    return grouped


def assert_matches_recording(result: XmlModel, body: bytes) -> None:
    """The typed result holds exactly the recorded elements, each with the recorded value
    (repeated elements as lists, in order; the XSD's element order does not count)."""
    typed = result.to_xml(skip_empty=True, exclude_none=True)
    assert isinstance(typed, bytes)
    assert tree(ElementTree.fromstring(typed)) == tree(ElementTree.fromstring(body))
    # Recorded bodies are scrubbed: a signed URL in one would read REDACTED.
    assert scrub_text(body.decode()) == body.decode()


def assert_content_length(response: RecordedResponse) -> None:
    # The length of the body, not the page's Content-Length (see the module docstring).
    assert response.header("Content-Length") == str(len(response.body))


# --- what the matchers and the redaction come from -------------------------------------------


def test_what_is_redacted_comes_from_the_spec() -> None:
    # The signature and the session token of temporary credentials.
    assert secret_headers(api_of(API)) == ["Authorization", "x-cos-security-token"]
    assert vcr_config(api_of(API))["filter_headers"] == [
        ("Authorization", REDACTED),
        ("x-cos-security-token", REDACTED),
    ]


def test_bodies_are_compared_as_xml_and_queries_decoded_for_this_api() -> None:
    api = api_of(API)
    assert xml_bodies(api)
    assert body_matcher(api) == "xml_body"
    assert flag_query_parameters(api) == {"cancel"}
    assert query_matcher(api) == "decoded_query[tencent-ci]"
    match_on = vcr_config(api)["match_on"]
    assert "xml_body" in match_on and "json_body" not in match_on
    # Why: vcrpy's `query` takes `?cancel=` for no query at all; the decoded one does not.
    cancel = Request("PUT", f"https://{HOST}/jobs/{JOB_ID}?cancel=", b"", {})
    plain = Request("PUT", f"https://{HOST}/jobs/{JOB_ID}", b"", {})
    with pytest.raises(AssertionError, match=r"only in this request \[cancel=\]"):
        decoded_query(cancel, plain)
    # JSON APIs keep their matchers.
    huawei = api_of("huawei-metastudio")
    assert (body_matcher(huawei), query_matcher(huawei)) == ("json_body", "query")
    assert flag_query_parameters(huawei) == frozenset()


# --- SubmitTtsJob: the page's practical cases ------------------------------------------------

OUTPUT = Output(region="ap-chongqing", bucket="test-123456789", object="demo.mp3")
CONFIG = TtsConfig(input_type="Text", input=TEXT)


def assert_submitted(job: JobsResponse) -> JobsDetail:
    """The page's answer to both requests: one job, Submitted, not started."""
    assert isinstance(job.jobs_detail, list)
    (detail,) = job.jobs_detail
    assert isinstance(detail, JobsDetail)
    assert detail.job_id == JOB_ID
    assert detail.state == "Submitted"
    assert (detail.code, detail.message) == ("Success", None)  # `<Message/>`
    assert detail.tag == "Tts"
    assert detail.creation_time == "2022-06-27T15:23:10+0800"
    assert (detail.start_time, detail.end_time) == ("-", "-")
    assert (detail.queue_id, detail.queue_type) == (QUEUE_ID, "Speeching")
    operation = detail.operation
    assert operation is not None
    assert operation.output == ReportedOutput(
        region="ap-chongqing", bucket="test-123456789", object="output/tts.mp3"
    )
    assert operation.user_data == "This is my data."
    assert operation.job_level == 0
    assert operation.media_info is None and operation.media_result is None
    assert (job.non_exist_job_ids, job.next_token) == ([], None)
    return detail


@playback_only
@pytest.mark.vcr
def test_submit_template_id(
    client: Client, recorded: Recorded, sent: list[httpx.Request], vcr: Any
) -> None:
    # Request 1 of the page: a TTS template by its id.
    job = client.submit_tts_job(
        template_id="t1460606b9752148c4ab182f55163ba7cd",
        tts_config=CONFIG,
        output=OUTPUT,
        user_data="This is my data.",
        job_level=0,
        call_back="http://callback.demo.com",
        call_back_format="JSON",
    )

    response = only(recorded)
    assert response.status == 200
    assert_content_length(response)
    assert_matches_recording(job, response.body)
    detail = assert_submitted(job)
    assert detail.operation is not None
    assert detail.operation.template_id == "t1460606b9752148c4ab182f55163ba7cd"
    assert detail.operation.template_name == "tts_demo"
    assert detail.operation.tts_tpl is None
    assert response.header("x-ci-request-id") == PAGE_REQUEST_ID
    assert vcr.play_count == 1

    (request,) = sent
    assert (request.method, request.url.host, request.url.path) == (
        "POST",
        HOST,
        "/jobs",
    )
    assert request.url.query == b""
    # The client's own bytes: compact, UTF-8, the fields given in the XSD's order.
    assert request.content == (
        b"<Request><Tag>Tts</Tag><Operation>"
        b"<TemplateId>t1460606b9752148c4ab182f55163ba7cd</TemplateId>"
        b"<TtsConfig><Input>Moonlight before my bed, could it be frost instead?</Input>"
        b"<InputType>Text</InputType></TtsConfig>"
        b"<Output><Region>ap-chongqing</Region><Bucket>test-123456789</Bucket>"
        b"<Object>demo.mp3</Object></Output>"
        b"<UserData>This is my data.</UserData><JobLevel>0</JobLevel></Operation>"
        b"<CallBack>http://callback.demo.com</CallBack>"
        b"<CallBackFormat>JSON</CallBackFormat></Request>"
    )
    assert request.headers["Content-Length"] == str(len(request.content))
    assert request.headers["Authorization"].startswith(
        f"q-sign-algorithm=sha1&q-ak={SECRET_ID}&q-sign-time="
    )
    assert SECRET_KEY not in str(request.headers)


@playback_only
@pytest.mark.vcr
def test_submit_tts_tpl(
    client: Client, recorded: Recorded, sent: list[httpx.Request], vcr: Any
) -> None:
    # Request 2 of the page: the TTS parameters themselves.
    tts_tpl = TtsTpl(codec="mp3", mode="Sync", speed=100, voice_type="ruxue", volume=0)
    job = client.submit_tts_job(
        tts_tpl=tts_tpl,
        tts_config=CONFIG,
        output=OUTPUT,
        user_data="This is my data.",
        job_level=0,
        call_back="http://callback.demo.com",
        call_back_format="JSON",
    )

    response = only(recorded)
    assert response.status == 200
    assert_content_length(response)
    assert_matches_recording(job, response.body)
    detail = assert_submitted(job)
    operation = detail.operation
    assert operation is not None
    assert operation.template_id is None
    # The job reports the parameters it was given (as the received twin of TtsTpl).
    assert operation.tts_tpl is not None
    assert operation.tts_tpl.model_dump() == tts_tpl.model_dump()
    assert operation.tts_config is not None
    assert operation.tts_config.input_type == "Text"
    assert vcr.play_count == 1
    (request,) = sent
    # Speed and Volume are numbers to the caller, text on the wire.
    assert b"<Speed>100</Speed>" in request.content
    assert b"<Volume>0</Volume>" in request.content
    assert b"<TemplateId>" not in request.content


@playback_only
@pytest.mark.vcr
def test_submit_400(client: Client, recorded: Recorded, vcr: Any) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.submit_tts_job(
            tts_tpl=TtsTpl(voice_type="nosuchvoice"), tts_config=CONFIG, output=OUTPUT
        )

    error, response = caught.value, only(recorded)
    document = ElementTree.fromstring(response.body)
    assert document.tag == "Error"
    assert error.status_code == response.status == 400
    assert error.code == document.findtext("Code") == "InvalidArgument"
    assert error.message == document.findtext("Message")
    assert error.request_id == document.findtext("RequestId")
    assert error.request_id == response.header("x-ci-request-id")
    assert error.body == response.body
    assert str(error) == (
        f"HTTP 400 InvalidArgument: {error.message} (request id {error.request_id})"
    )
    assert vcr.play_count == 1  # a submit answered 400 is not sent again


# --- DescribeTtsJobs ------------------------------------------------------------------------


@playback_only
@pytest.mark.vcr
def test_describe(
    client: Client, recorded: Recorded, sent: list[httpx.Request], vcr: Any
) -> None:
    result = client.describe_tts_jobs(f"{JOB_ID},{MISSING_JOB_ID}")

    response = only(recorded)
    assert_content_length(response)
    assert_matches_recording(result, response.body)
    (detail,) = result.jobs_detail
    assert (detail.job_id, detail.state) == (JOB_ID, "Success")
    assert (detail.start_time, detail.end_time) == (
        "2022-06-27T15:23:11+0800",
        "2022-06-27T15:23:13+0800",
    )
    operation = detail.operation
    assert operation is not None
    # MediaInfo's elements are not modelled (`xs:any`): it is there, and read without error.
    assert operation.media_info is not None
    assert operation.media_result is not None
    output_file = operation.media_result.output_file
    assert output_file is not None
    assert (output_file.bucket, output_file.region) == ("test-123456789", REGION)
    assert output_file.object_name == ["output/tts.mp3"]
    assert result.non_exist_job_ids == [MISSING_JOB_ID]
    assert result.next_token is None
    assert vcr.play_count == 1
    (request,) = sent
    assert (request.method, request.content) == ("GET", b"")
    # Several ids in one path segment: the comma is sent encoded, and signed decoded.
    assert request.url.raw_path == f"/jobs/{JOB_ID}%2C{MISSING_JOB_ID}".encode()


# --- ListTtsJobs ----------------------------------------------------------------------------


def assert_pages(jobs: list[JobsDetail], responses: list[RecordedResponse]) -> None:
    first, second = (ElementTree.fromstring(r.body) for r in responses)
    assert first.findtext("NextToken")
    assert second.find("NextToken") is None
    listed = first.findall("JobsDetail") + second.findall("JobsDetail")
    assert len(jobs) == len(listed) == 3
    for job, element in zip(jobs, listed, strict=True):
        assert isinstance(job, JobsDetail)
        typed = job.to_xml(skip_empty=True, exclude_none=True)
        assert isinstance(typed, bytes)
        assert tree(ElementTree.fromstring(typed)) == tree(element)
    assert [(job.job_id, job.state) for job in jobs] == [
        (JOB_ID, "Success"),
        (FAILED_JOB_ID, "Failed"),
        (RUNNING_JOB_ID, "Running"),
    ]
    assert (jobs[1].code, jobs[1].message) == ("InternalError", "synthesis failed")
    assert jobs[2].operation is not None and jobs[2].operation.tts_tpl is not None
    assert jobs[2].operation.tts_tpl.mode == "Asyc"  # the vendor's spelling


@playback_only
@pytest.mark.vcr
def test_list_tts_jobs(
    client: Client, recorded: Recorded, sent: list[httpx.Request], vcr: Any
) -> None:
    jobs = list(client.iter_list_tts_jobs(size=2, states="Success,Failed,Running"))

    responses = recorded()
    assert_pages(jobs, responses)
    assert vcr.play_count == 2
    assert vcr.all_played
    first, second = sent  # and no third page was asked for
    assert dict(first.url.params) == {
        "tag": "Tts",
        "size": "2",
        "states": "Success,Failed,Running",
    }
    token = ElementTree.fromstring(responses[0].body).findtext("NextToken")
    assert dict(second.url.params) == {**dict(first.url.params), "nextToken": token}
    # The token's "=" padding is sent encoded, as COS signs it.
    assert b"nextToken=ZXlKMGFXMWxJam94TmpVMk16RTNNemt3ZlE9PQ%3D%3D" in (
        second.url.raw_path
    )


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("list_tts_jobs")
def test_list_tts_jobs_page_by_page(client: Client, recorded: Recorded) -> None:
    page = client.list_tts_jobs(size=2, states="Success,Failed,Running")
    assert isinstance(page.jobs_detail, list) and len(page.jobs_detail) == 2
    assert page.next_token is not None
    last = client.list_tts_jobs(
        size=2, states="Success,Failed,Running", next_token=page.next_token
    )
    assert [job.job_id for job in last.jobs_detail] == [RUNNING_JOB_ID]
    assert last.next_token is None
    for result, response in zip([page, last], recorded(), strict=True):
        assert_matches_recording(result, response.body)


# --- CancelTtsJob ---------------------------------------------------------------------------


@playback_only
@pytest.mark.vcr
def test_cancel(recorded: Recorded, sent: list[httpx.Request], vcr: Any) -> None:
    # With temporary credentials: the cassette holds x-cos-security-token as REDACTED, and
    # the matcher wants it sent.
    with Client(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        session_token=SESSION_TOKEN,
        bucket=BUCKET,
        region=REGION,
    ) as api:
        api.cancel_tts_job(RUNNING_JOB_ID)  # returns None: the answer has no body

    response = only(recorded)
    assert (response.status, response.body) == (200, b"")
    assert vcr.play_count == 1
    (request,) = sent
    assert request.method == "PUT"
    assert request.url.raw_path == f"/jobs/{RUNNING_JOB_ID}?cancel=".encode()
    assert request.content == b""
    assert "Content-Type" not in request.headers
    assert request.headers["x-cos-security-token"] == SESSION_TOKEN
    authorization = request.headers["Authorization"]
    assert "&q-header-list=host;x-cos-security-token&" in authorization
    assert "&q-url-param-list=cancel&" in authorization


@playback_only
@pytest.mark.vcr
def test_cancel_404(client: Client, recorded: Recorded, vcr: Any) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.cancel_tts_job(MISSING_JOB_ID)

    error, response = caught.value, only(recorded)
    document = ElementTree.fromstring(response.body)
    assert error.status_code == response.status == 404
    assert error.code == document.findtext("Code") == "NoSuchJob"
    assert error.message == document.findtext("Message")
    assert error.request_id == document.findtext("RequestId")
    assert error.request_id == response.header("x-ci-request-id")
    assert error.body == response.body
    assert vcr.play_count == 1  # a 404 is an answer: not retried


# --- wait_for_job ---------------------------------------------------------------------------


def states(responses: list[RecordedResponse]) -> list[str | None]:
    return [
        ElementTree.fromstring(response.body).findtext("JobsDetail/State")
        for response in responses
    ]


@playback_only
@pytest.mark.vcr
def test_wait_for_job(
    client: Client, recorded: Recorded, sent: list[httpx.Request], vcr: Any
) -> None:
    done = client.wait_for_job(JOB_ID, poll_interval=0.001)

    responses = recorded()
    assert states(responses) == ["Submitted", "Running", "Success"]
    assert vcr.play_count == 3
    assert vcr.all_played
    assert_matches_recording(done, responses[-1].body)
    (detail,) = done.jobs_detail
    assert (detail.job_id, detail.state) == (JOB_ID, "Success")
    assert detail.operation is not None and detail.operation.media_result is not None
    assert detail.operation.media_result.output_file is not None
    assert detail.operation.media_result.output_file.object_name == [
        f"output/{JOB_ID}.mp3"
    ]
    assert [request.url.raw_path for request in sent] == [
        f"/jobs/{JOB_ID}".encode()
    ] * 3


@playback_only
@pytest.mark.vcr
def test_wait_for_job_failed(client: Client, recorded: Recorded, vcr: Any) -> None:
    with pytest.raises(JobFailedError) as caught:
        client.wait_for_job(JOB_ID, poll_interval=0.001)

    responses = recorded()
    assert states(responses) == ["Running", "Failed"]
    error = caught.value
    last = ElementTree.fromstring(responses[-1].body)
    assert (error.job_id, error.state) == (JOB_ID, "Failed")
    assert error.code == last.findtext("JobsDetail/Code") == "InternalError"
    assert error.message == last.findtext("JobsDetail/Message") == "synthesis failed"
    assert str(error) == (
        f"job {JOB_ID} ended in state Failed: InternalError synthesis failed"
    )
    assert isinstance(error.result, JobsResponse)
    assert_matches_recording(error.result, responses[-1].body)
    assert vcr.play_count == 2
    assert vcr.all_played


@playback_only
@pytest.mark.vcr
def test_wait_for_job_cancel(client: Client, recorded: Recorded, vcr: Any) -> None:
    with pytest.raises(JobFailedError) as caught:
        client.wait_for_job(JOB_ID, poll_interval=0.001)

    responses = recorded()
    assert states(responses) == ["Submitted", "Cancel"]
    error = caught.value
    last = ElementTree.fromstring(responses[-1].body)
    assert (error.job_id, error.state) == (JOB_ID, "Cancel")
    assert error.code == last.findtext("JobsDetail/Code")
    assert error.message == last.findtext("JobsDetail/Message")
    assert (error.code, error.message) == ("Cancel", "the job was cancelled")
    assert isinstance(error.result, JobsResponse)
    assert_matches_recording(error.result, responses[-1].body)
    assert vcr.play_count == 2


# --- AsyncClient ----------------------------------------------------------------------------


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("wait_for_job")
def test_wait_for_job_async(recorded: Recorded, vcr: Any) -> None:
    async def wait() -> JobsResponse:
        async with AsyncClient(
            secret_id=SECRET_ID, secret_key=SECRET_KEY, bucket=BUCKET, region=REGION
        ) as api:
            return await api.wait_for_job(JOB_ID, poll_interval=0.001)

    done = asyncio.run(wait())

    assert_matches_recording(done, recorded()[-1].body)
    assert done.jobs_detail[0].state == "Success"
    assert vcr.play_count == 3
    assert vcr.all_played


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("submit_tts_tpl")
def test_submit_tts_tpl_async(recorded: Recorded, vcr: Any) -> None:
    # A plain dict does as well as the model (the signature says TtsTpl).
    tts_tpl: Any = {
        "codec": "mp3",
        "mode": "Sync",
        "speed": 100,
        "voice_type": "ruxue",
        "volume": 0,
    }

    async def submit() -> JobsResponse:
        async with AsyncClient(
            secret_id=SECRET_ID, secret_key=SECRET_KEY, bucket=BUCKET, region=REGION
        ) as api:
            return await api.submit_tts_job(
                tts_tpl=tts_tpl,
                tts_config=CONFIG,
                output=OUTPUT,
                user_data="This is my data.",
                job_level=0,
                call_back="http://callback.demo.com",
                call_back_format="JSON",
            )

    job = asyncio.run(submit())

    assert_matches_recording(job, only(recorded).body)
    assert_submitted(job)
    assert vcr.play_count == 1


# --- the matchers bite ----------------------------------------------------------------------


def no_match(
    caught: pytest.ExceptionInfo[CannotOverwriteExistingCassetteException],
) -> Any:
    assert caught.value.reason == "no_match"
    (_request, _succeeded, failed), *_ = caught.value.similar_requests
    return failed


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("submit_template_id")
def test_a_different_text_is_not_played(client: Client, vcr: Any) -> None:
    with pytest.raises(CannotOverwriteExistingCassetteException) as caught:
        client.submit_tts_job(
            template_id="t1460606b9752148c4ab182f55163ba7cd",
            tts_config=TtsConfig(input_type="Text", input="Moonlight before my bed."),
            output=OUTPUT,
            user_data="This is my data.",
            job_level=0,
            call_back="http://callback.demo.com",
            call_back_format="JSON",
        )

    failed = no_match(caught)
    assert [name for name, _message in failed] == ["xml_body"]
    assert "XML bodies differ" in failed[0][1]
    assert vcr.play_count == 0


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("submit_template_id")
def test_a_missing_optional_element_is_not_played(client: Client, vcr: Any) -> None:
    with pytest.raises(CannotOverwriteExistingCassetteException) as caught:
        client.submit_tts_job(
            template_id="t1460606b9752148c4ab182f55163ba7cd",
            tts_config=CONFIG,
            output=OUTPUT,
            user_data="This is my data.",
            call_back="http://callback.demo.com",
            call_back_format="JSON",
        )  # no job_level: the recording has <JobLevel>0</JobLevel>

    assert [name for name, _message in no_match(caught)] == ["xml_body"]
    assert vcr.play_count == 0


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("cancel")
def test_a_missing_session_token_is_not_played(client: Client, vcr: Any) -> None:
    with pytest.raises(CannotOverwriteExistingCassetteException) as caught:
        client.cancel_tts_job(RUNNING_JOB_ID)

    failed = no_match(caught)
    assert [name for name, _message in failed] == ["recorded_headers"]
    assert "x-cos-security-token is not sent" in failed[0][1]
    assert vcr.play_count == 0


def body(data: bytes | str | None) -> Any:
    return Request("POST", f"https://{HOST}/jobs", data, {})


def test_xml_body_compares_canonical_xml() -> None:
    recorded = "<Request>\n<Tag>Tts</Tag>\n<Operation>\n<JobLevel>0</JobLevel>\n</Operation>\n</Request>"
    same = [
        b"<Request><Tag>Tts</Tag><Operation><JobLevel>0</JobLevel></Operation></Request>",
        b"<?xml version='1.0' encoding='utf-8'?>\n<Request>\n  <Tag>Tts</Tag>\n"
        b"  <Operation>\n    <JobLevel>0</JobLevel>\n  </Operation>\n</Request>\n",
        b"<Request><Tag> Tts </Tag><Operation><JobLevel>0</JobLevel></Operation></Request>",
    ]
    for sent in same:
        xml_body(body(sent), body(recorded))
    xml_body(body('<a y="1" x="2"><b/></a>'), body("<a x='2' y='1'><b></b></a>"))
    xml_body(body("<a>任务</a>".encode()), body("<a>&#20219;&#21153;</a>"))
    xml_body(body(b""), body(None))  # no body either side (GET, PUT ?cancel)
    different = [
        b"<Request><Tag>Tts</Tag><Operation><JobLevel>1</JobLevel></Operation></Request>",
        b"<Request><Operation><JobLevel>0</JobLevel></Operation><Tag>Tts</Tag></Request>",
        b"<Request><Tag>Tts</Tag><Operation><JobLevel>0</JobLevel><UserData/></Operation>"
        b"</Request>",
        b"<Request><Tag>Tts</Tag><Operation/></Request>",
        b"<Request><Tag>T ts</Tag><Operation><JobLevel>0</JobLevel></Operation></Request>",
        b"",
    ]
    for sent in different:
        with pytest.raises(AssertionError, match="differ"):
            xml_body(body(sent), body(recorded))
    with pytest.raises(AssertionError, match="XML bodies differ"):
        xml_body(body('<a x="1"/>'), body('<a x="2"/>'))
    # Not XML: byte for byte, as json_body compares what is not JSON.
    xml_body(body(b"not xml"), body("not xml"))
    with pytest.raises(AssertionError, match="bodies differ"):
        xml_body(body(b"<a>"), body("<a>"[:-1]))
    assert canonical_xml(b"<a><b>") is None
    assert canonical_xml(b"{}") is None


# --- the cassettes themselves ---------------------------------------------------------------


def page_requests() -> list[bytes]:
    """The request bodies of the page's two practical cases, as the page prints them."""
    text = PAGE.read_text(encoding="utf-8")
    bodies = []
    for case in ("Request 1: Use a TTS Template ID", "Request 2: Use TTS Parameters"):
        after = text[text.index(case) :]
        match = re.search(r"<Request>.*?</Request>", after, re.DOTALL)
        assert match is not None, case
        bodies.append(match.group().encode())
    return bodies


def tts_config_sorted(data: bytes) -> str | None:
    """Canonical XML with the children of each TtsConfig in name order."""
    root = ElementTree.fromstring(data)
    for config in root.iter("TtsConfig"):
        config[:] = sorted(config, key=lambda child: child.tag)
    return canonical_xml(ElementTree.tostring(root))


def recorded_request(name: str, index: int = 0) -> dict[str, Any]:
    request: dict[str, Any] = load_cassette(CASSETTES / f"{name}.yaml")["interactions"][
        index
    ]["request"]
    return request


def test_cassettes_hold_the_pages_requests() -> None:
    for name, page in zip(
        ["submit_template_id", "submit_tts_tpl"], page_requests(), strict=True
    ):
        cassette = recorded_request(name)["body"].encode()
        # The XSD orders each sequence as the page's own documents do (Input before
        # InputType), so the cassette holds the page's request as it stands.
        assert re.search(rb"<Input>[^<]*</Input>\s*<InputType>", page)
        assert canonical_xml(cassette) == canonical_xml(page)


def test_recorded_request_bodies_are_valid_against_the_xsd() -> None:
    bodies = 0
    for path in sorted(CASSETTES.glob("*.yaml")):
        for interaction in load_cassette(path)["interactions"]:
            request = interaction["request"]
            if request["body"]:
                assert request["method"] == "POST", path.name
                assert xsd_errors(request["body"].encode()) == [], path.name
                bodies += 1
    assert bodies == 3  # the two page cases and submit_400


VALID = (
    "<Request><Tag>Tts</Tag><Operation>{tpl}<TtsConfig><Input>x</Input>"
    "<InputType>{kind}</InputType></TtsConfig><Output><Region>r</Region><Bucket>b</Bucket>"
    "<Object>o</Object></Output></Operation></Request>"
)


@pytest.mark.parametrize(
    ("tpl", "kind"),
    [
        ("<TtsTpl><Speed>300</Speed></TtsTpl>", "Text"),
        ("<TtsTpl><Volume>11</Volume></TtsTpl>", "Text"),
        ("<TtsTpl><Speed>fast</Speed></TtsTpl>", "Text"),
        ("<TtsTpl><Pitch>1</Pitch></TtsTpl>", "Text"),
        ("<TemplateId>t1</TemplateId>", "File"),
        ("", "Text"),  # neither TemplateId nor TtsTpl: the XSD 1.1 assertion
    ],
)
def test_the_xsd_check_refuses_what_the_client_must_not_send(
    tpl: str, kind: str
) -> None:
    assert xsd_errors(VALID.format(tpl=tpl, kind=kind).encode())
    assert (
        xsd_errors(VALID.format(tpl="<TemplateId>t1</TemplateId>", kind="Url").encode())
        == []
    )


def test_cassettes_hold_no_secret() -> None:
    paths = sorted(CASSETTES.glob("*.yaml"))
    assert {path.stem for path in paths} == CASSETTE_NAMES
    secrets = [SECRET_KEY, SESSION_TOKEN] + [
        value
        for name in ("TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SESSION_TOKEN")
        if (value := os.environ.get(name))
    ]
    tokens = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for secret in secrets:
            assert secret not in text, path.name
        assert "q-signature" not in text, path.name
        for interaction in load_cassette(path)["interactions"]:
            headers = interaction["request"]["headers"]
            assert headers["Authorization"] == [REDACTED], path.name
            assert headers["Host"] == [HOST], path.name
            for name, values in headers.items():
                if name.lower() == "x-cos-security-token":
                    assert values == [REDACTED], (path.name, name)
                    tokens += 1
            response_body = interaction["response"]["body"]["string"]
            assert scrub_text(response_body) == response_body, (
                f"{path.name}: unredacted signed-URL credentials"
            )
    assert tokens == 1  # cancel.yaml, sent with temporary credentials
