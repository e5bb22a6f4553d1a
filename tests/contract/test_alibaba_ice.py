"""Contract tests: the generated Alibaba ICE client against recorded vendor interactions.

Each `@pytest.mark.vcr` test plays the cassette named after it (see conftest.py). Every ICE
action is `POST https://ice.{region}.aliyuncs.com/`, so what tells requests apart is the
`x-acs-action` header and the query: the matchers hold the client to the recorded method,
URL, headers (`x-acs-date` and `x-acs-signature-nonce` vary, `x-acs-content-sha256` must be
the sha256 of the body sent, secrets only need to be there) and to the recorded query once
percent-decoded, with the JSON documents it carries (`EditingConfig`, `OutputConfig`,
`UserData`) compared as parsed JSON. The response check compares the typed result with the
recorded body, field by field, plus the vendor pages' own example values.

The cassettes were written from the pages in `specs/alibaba-ice/docs/` (`.v1` older, `.v2`
newer) and the documented response shapes; error codes and failure reasons are shapes, not
vendor examples. Under `make record` only `test_get_404` is re-recorded (it bills nothing):
the others need a given job state or the vendor's example job and bucket.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from tts_alibaba_ice import (
    AiSegment,
    AsyncClient,
    Client,
    EditingConfig,
    GetSmartHandleJobResponse,
    OutputConfig,
    ReportedEditingConfig,
    SmartJob,
)
from tts_alibaba_ice._runtime.acs3_hmac_sha256 import (
    canonical_request,
    string_to_sign,
)
from tts_alibaba_ice.errors import (
    APIStatusError,
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
    RecordedResponse,
    api_of,
    decoded_query,
    json_query_parameters,
    load_cassette,
    query_matcher,
    recorded_headers,
    scrub_response,
    scrub_text,
    secret_headers,
)

API = "alibaba-ice"
CASSETTES = CONTRACT / API

HOST = "ice.cn-shanghai.aliyuncs.com"
# The AccessKey of the vendor's signing example and a stand-in STS token: never recorded.
AK, SK = "YourAccessKeyId", "YourAccessKeySecret"
TOKEN = "test-sts-security-token"

# The page's example ("SubmitAudioProduceJob", request and response).
VOICE_EXAMPLE = EditingConfig(voice="Siqi", format="MP3", volume=50)
OUTPUT_EXAMPLE = OutputConfig(bucket="my_bucket", object="target_audio")
TEXT = "Test text"
JOB_ID = "****20b48fb04483915d4f2cd8ac****"
MEDIA_ID = "****2bcbfcfa30fccb36f72dca22****"
# The pages' example of GetSmartHandleJob for a Finished job.
EXAMPLE_JOB_ID = "******042d5e4db6866f6289d1******"
FAILED_JOB_ID = "****7c1d9e0f2a3b4c5d6e7f8a9b****"
UNKNOWN_JOB_ID = "0123456789abcdef0123456789abcdef"

CASSETTE_NAMES = {
    "submit",
    "submit_400",
    "get_finished_v1",
    "get_finished_v2",
    "get_404",
    "wait_for_job",
    "wait_for_job_failed",
    "list_smart_jobs",
    "delete_smart_job",
}

Recorded = Callable[[], list[RecordedResponse]]

# Scenarios that cannot be re-recorded on demand (a given job state, the vendor's example
# job, a bucket of the page's) or that replay another test's cassette.
playback_only = pytest.mark.skipif(
    RECORDING,
    reason="plays a fixed scenario or another test's cassette; not re-recordable",
)


@pytest.fixture
def sent() -> list[httpx.Request]:
    """Every request the `client` fixture sends, as httpx sent it (signed)."""
    return []


@pytest.fixture
def client(sent: list[httpx.Request]) -> Iterator[Client]:
    """The vendor example's keys; the environment's credentials when recording."""
    with httpx.Client(event_hooks={"request": [sent.append]}) as http:
        if RECORDING:
            api = Client(http_client=http)
        else:
            api = Client(access_key_id=AK, access_key_secret=SK, http_client=http)
        with api:
            yield api


def only(recorded: Recorded) -> RecordedResponse:
    (response,) = recorded()
    return response


def segment(item: Mapping[str, Any]) -> dict[str, Any]:
    """One AiResult entry as a segment in seconds, read from its documented shapes."""
    if "content" in item:  # `.v2`: seconds
        return {"text": item["content"], "start": item["from"], "end": item["to"]}
    if "begin_time" in item:  # `.v1`: milliseconds
        return {
            "text": item["text"],
            "start": item["begin_time"] / 1000,
            "end": item["end_time"] / 1000,
        }
    return dict(item)


def documents(value: Any, key: str | None = None) -> Any:
    """JSON with the documents ICE carries in strings parsed (AiResult into segments)."""
    if isinstance(value, dict):
        return {name: documents(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [documents(item) for item in value]
    if isinstance(value, str) and key == "EditingConfig":
        return json.loads(value)
    if isinstance(value, str) and key == "AiResult":
        return [segment(item) for item in json.loads(value)]
    return value


def assert_matches_recording(result: BaseModel, recorded: Mapping[str, Any]) -> None:
    """The typed result holds exactly the recorded fields, each with the recorded value
    (nested objects and the documents inside strings included)."""
    dumped = result.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert documents(dumped) == documents(dict(recorded))


def assert_signed(
    request: httpx.Request, secret: str, *, token: str | None = None
) -> None:
    """The request carries an ACS3-HMAC-SHA256 signature of exactly what was sent."""
    match = re.fullmatch(
        r"ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),"
        r"Signature=([0-9a-f]{64})",
        request.headers["Authorization"],
    )
    assert match is not None, request.headers["Authorization"]
    _access, signed_headers, signature = match.groups()
    expected_headers = [
        "host",
        "x-acs-action",
        "x-acs-content-sha256",
        "x-acs-date",
        *(["x-acs-security-token"] if token is not None else []),
        "x-acs-signature-nonce",
        "x-acs-version",
    ]
    assert signed_headers.split(";") == expected_headers
    canonical = canonical_request(
        request.method,
        str(request.url),
        {name: request.headers[name] for name in signed_headers.split(";")},
        request.content,
    )
    assert signature == (
        hmac.new(
            secret.encode(), string_to_sign(canonical).encode(), hashlib.sha256
        ).hexdigest()
    )
    assert request.headers["x-acs-content-sha256"] == hashlib.sha256(b"").hexdigest()
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", request.headers["x-acs-date"]
    )
    assert all(secret not in value for value in request.headers.values())
    if token is not None:
        assert request.headers["x-acs-security-token"] == token


def assert_rpc(request: httpx.Request, action: str) -> None:
    assert (request.method, request.url.host, request.url.path) == ("POST", HOST, "/")
    assert request.headers["x-acs-action"] == action
    assert request.headers["x-acs-version"] == "2020-11-09"
    assert request.content == b""


# --- what the matchers and the redaction come from -------------------------------------------


def test_what_is_redacted_comes_from_the_spec() -> None:
    # The signer's signature header and the STS token it adds.
    assert secret_headers(api_of(API)) == ["Authorization", "x-acs-security-token"]


def test_queries_are_compared_decoded_for_this_api_only() -> None:
    api = api_of(API)
    assert json_query_parameters(api) == {"EditingConfig", "OutputConfig", "UserData"}
    assert query_matcher(api) == "decoded_query[alibaba-ice]"
    # An API without documents in its query keeps vcrpy's own matcher.
    assert query_matcher(api_of("huawei-metastudio")) == "query"


# --- SubmitAudioProduceJob ------------------------------------------------------------------


@playback_only
@pytest.mark.vcr
def test_submit(
    client: Client, recorded: Recorded, sent: list[httpx.Request], vcr: Any
) -> None:
    job = client.submit_audio_produce_job(
        editing_config=VOICE_EXAMPLE, output_config=OUTPUT_EXAMPLE, input_config=TEXT
    )

    response = only(recorded)
    data = response.json()
    assert response.status == 200
    assert_matches_recording(job, data)
    assert job.request_id == data["RequestId"] == "******11-DB8D-4A9A-875B-275798******"
    assert job.job_id == data["JobId"] == JOB_ID
    assert job.state == data["State"] == "Created"
    assert job.media_id == data["MediaId"] == MEDIA_ID
    assert job.model_extra == {}
    assert vcr.play_count == 1

    (request,) = sent
    assert_rpc(request, "SubmitAudioProduceJob")
    assert_signed(request, SK)
    # The client sends compact JSON; the recording holds the page's spaced example, which
    # the decoded matcher takes as the same document.
    assert request.url.params["EditingConfig"] == (
        '{"voice":"Siqi","format":"MP3","volume":50}'
    )
    assert request.url.params["OutputConfig"] == (
        '{"bucket":"my_bucket","object":"target_audio"}'
    )
    assert request.url.params["InputConfig"] == TEXT
    recorded_uri = load_cassette(CASSETTES / "submit.yaml")["interactions"][0][
        "request"
    ]["uri"]
    assert httpx.URL(recorded_uri).params["OutputConfig"] == (
        '{ "bucket": "my_bucket", "object": "target_audio" }'
    )


@playback_only
@pytest.mark.vcr
def test_submit_400(client: Client, recorded: Recorded) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.submit_audio_produce_job(
            editing_config=EditingConfig(voice="NoSuchVoice", format="MP3"),
            output_config=OUTPUT_EXAMPLE,
            input_config=TEXT,
        )

    error, response = caught.value, only(recorded)
    data = response.json()
    assert set(data) == {"RequestId", "HostId", "Code", "Message", "Recommend"}
    assert error.status_code == response.status == 400
    assert error.code == data["Code"] == "InvalidParameter"
    assert error.message == data["Message"]
    assert error.request_id == data["RequestId"] == response.header("x-acs-request-id")
    assert error.body == response.body
    assert str(error) == (
        f"HTTP 400 InvalidParameter: {data['Message']} (request id {data['RequestId']})"
    )


# --- GetSmartHandleJob ----------------------------------------------------------------------

# The pages' sentence timings, in seconds: `.v1` gives milliseconds, `.v2` seconds.
TIMINGS = [
    (0.0, 0.846),
    (0.846, 3.386),
    (3.386, 4.402),
    (4.402, 6.265),
    (6.265, 10.33),
]


def assert_example_job(result: GetSmartHandleJobResponse) -> None:
    """The fields both pages' example of a Finished job share."""
    assert result.job_id == EXAMPLE_JOB_ID
    assert result.state == "Finished"
    info = result.smart_job_info
    assert info is not None
    assert info.title == "default_title_2022-01-21T06:15:07Z"
    assert info.job_type == "TextToSpeech"
    assert info.create_time == datetime(2022, 1, 21, 6, 15, 7, tzinfo=UTC)
    assert info.modified_time == info.create_time
    assert isinstance(info.editing_config, ReportedEditingConfig)
    assert info.editing_config.model_dump(exclude_unset=True) == {
        "format": "MP3",
        "pitch_rate": 0,
        "sample_rate": 16000,
        "speech_rate": 0,
        "voice": "Siqi",
        "volume": 50,
    }
    assert info.output_config is not None
    assert (info.output_config.bucket, info.output_config.object) == (
        "your-bucket",
        "your-audio",
    )
    assert result.job_result is not None
    assert result.job_result.media_id == "******bf47c94e82b3b2014361******"


def timings(
    segments: list[AiSegment] | None,
) -> list[tuple[float | None, float | None]]:
    assert segments is not None
    for item in segments:
        assert isinstance(item, AiSegment)
        assert type(item.start) is float and type(item.end) is float
    return [(item.start, item.end) for item in segments]


@playback_only
@pytest.mark.vcr
def test_get_finished_v1(
    client: Client, recorded: Recorded, sent: list[httpx.Request]
) -> None:
    result = client.get_smart_handle_job(job_id=EXAMPLE_JOB_ID)

    data = only(recorded).json()
    assert_matches_recording(result, data)
    assert_example_job(result)
    assert result.job_result is not None
    segments = result.job_result.ai_result
    assert timings(segments) == TIMINGS
    assert segments is not None
    assert [item.text for item in segments] == [
        "Speaking of Guo Degang,",
        "he is extremely popular now.",
        "Tickets are often expensive",
        "but sell out instantly.",
        "He also participates in various crosstalk variety shows to comment on new "
        "performers.",
    ]
    assert segments[0].model_extra == {}  # begin_time / end_time were read, not kept
    (request,) = sent
    assert_rpc(request, "GetSmartHandleJob")
    assert request.url.params["JobId"] == EXAMPLE_JOB_ID


@playback_only
@pytest.mark.vcr
def test_get_finished_v2(client: Client, recorded: Recorded) -> None:
    result = client.get_smart_handle_job(job_id=EXAMPLE_JOB_ID)

    data = only(recorded).json()
    assert_matches_recording(result, data)
    assert_example_job(result)
    assert result.job_result is not None
    segments = result.job_result.ai_result
    assert timings(segments) == TIMINGS
    assert segments is not None
    assert [item.text for item in segments] == [
        "Talking about",
        "he is now incredibly popular",
        "Although ticket prices are high",
        "his shows often sell out instantly",
        "In addition, he frequently appears on various comedy programs, where he "
        "judges performances by new comedians",
    ]
    assert segments[0].model_extra == {}


@pytest.mark.vcr
def test_get_404(client: Client, recorded: Recorded) -> None:
    with pytest.raises(APIStatusError) as caught:
        client.get_smart_handle_job(job_id=UNKNOWN_JOB_ID)

    error, response = caught.value, only(recorded)
    data = response.json()
    assert error.status_code == response.status
    assert error.code == data["Code"]
    assert error.message == data["Message"]
    assert error.request_id == data["RequestId"]
    assert error.body == response.body
    if not RECORDING:
        assert type(error) is NotFoundError
        assert set(data) == {"RequestId", "HostId", "Code", "Message", "Recommend"}
        assert (error.status_code, error.code) == (404, "InvalidParameter.JobNotFound")
        assert error.request_id == "******8E-5D4C-4B3A-8291-0F1E2D******"


# --- wait_for_job ---------------------------------------------------------------------------


@playback_only
@pytest.mark.vcr
def test_wait_for_job(
    client: Client, recorded: Recorded, sent: list[httpx.Request], vcr: Any
) -> None:
    result = client.wait_for_job(JOB_ID, poll_interval=0.001)

    responses = recorded()
    assert [response.json()["State"] for response in responses] == [
        "Created",
        "Executing",
        "Finished",
    ]
    assert vcr.play_count == 3
    assert vcr.all_played
    assert_matches_recording(result, responses[-1].json())
    assert result.state == "Finished"
    assert result.job_result is not None
    assert result.job_result.media_id == MEDIA_ID
    assert result.job_result.media_url == (
        "http://my_bucket.oss-cn-shanghai.aliyuncs.com/target_audio.mp3"
    )
    assert result.job_result.ai_result == [AiSegment(text=TEXT, start=0.0, end=0.93)]
    assert len(sent) == 3
    for request in sent:
        assert_rpc(request, "GetSmartHandleJob")
        assert request.url.params["JobId"] == JOB_ID
    # A fresh nonce for every poll.
    assert len({request.headers["x-acs-signature-nonce"] for request in sent}) == 3


@playback_only
@pytest.mark.vcr
def test_wait_for_job_failed(client: Client, recorded: Recorded, vcr: Any) -> None:
    with pytest.raises(JobFailedError) as caught:
        client.wait_for_job(FAILED_JOB_ID, poll_interval=0.001)

    error, data = caught.value, recorded()[-1].json()
    assert (error.job_id, error.state) == (FAILED_JOB_ID, "Failed")
    assert error.code == data["ErrorCode"] == "InvalidParameter.OutputConfig"
    assert error.message == data["ErrorMessage"]
    assert str(error) == (
        f"job {FAILED_JOB_ID} ended in state Failed: "
        f"InvalidParameter.OutputConfig {data['ErrorMessage']}"
    )
    assert isinstance(error.result, GetSmartHandleJobResponse)
    assert_matches_recording(error.result, data)
    assert vcr.play_count == 2
    assert vcr.all_played


# --- ListSmartJobs --------------------------------------------------------------------------


def assert_pages(jobs: list[SmartJob], responses: list[RecordedResponse]) -> None:
    first, second = (response.json() for response in responses)
    assert set(first) == {
        "RequestId",
        "SmartJobList",
        "NextToken",
        "MaxResults",
        "TotalCount",
    }
    assert "NextToken" not in second
    listed = first["SmartJobList"] + second["SmartJobList"]
    assert len(jobs) == len(listed) == first["TotalCount"] == 3
    for job, data in zip(jobs, listed, strict=True):
        assert isinstance(job, SmartJob)
        assert_matches_recording(job, data)
    assert [job.job_id for job in jobs] == [
        JOB_ID,
        FAILED_JOB_ID,
        EXAMPLE_JOB_ID,
    ]
    assert [job.job_state for job in jobs] == ["Finished", "Failed", "Finished"]
    assert jobs[0].create_time == datetime(2025, 11, 24, 15, 0, tzinfo=UTC)
    assert isinstance(jobs[0].editing_config, ReportedEditingConfig)
    assert jobs[0].editing_config.voice == "Siqi"
    assert jobs[0].user_data == '{"NotifyAddress":"ice-callback-demo"}'


@playback_only
@pytest.mark.vcr
def test_list_smart_jobs(
    client: Client, recorded: Recorded, sent: list[httpx.Request], vcr: Any
) -> None:
    jobs = list(client.iter_list_smart_jobs(job_type="TextToSpeech", max_results=2))

    responses = recorded()
    assert_pages(jobs, responses)
    assert vcr.play_count == 2
    assert vcr.all_played
    first, second = sent  # and no third page was asked for
    for request in sent:
        assert_rpc(request, "ListSmartJobs")
    assert dict(first.url.params) == {"JobType": "TextToSpeech", "MaxResults": "2"}
    assert dict(second.url.params) == {
        "JobType": "TextToSpeech",
        "MaxResults": "2",
        "NextToken": responses[0].json()["NextToken"],
    }


# --- DeleteSmartJob -------------------------------------------------------------------------


@playback_only
@pytest.mark.vcr
def test_delete_smart_job(recorded: Recorded, vcr: Any) -> None:
    # With STS credentials: the cassette records x-acs-security-token as REDACTED, and the
    # matcher wants it sent.
    sent: list[httpx.Request] = []
    with httpx.Client(event_hooks={"request": [sent.append]}) as http:
        with Client(
            access_key_id=AK,
            access_key_secret=SK,
            security_token=TOKEN,
            http_client=http,
        ) as api:
            result = api.delete_smart_job(job_id=JOB_ID)

    data = only(recorded).json()
    assert_matches_recording(result, data)
    assert result.request_id == data["RequestId"]
    assert vcr.play_count == 1
    (request,) = sent
    assert_rpc(request, "DeleteSmartJob")
    assert request.url.params["JobId"] == JOB_ID
    assert_signed(request, SK, token=TOKEN)


# --- the matchers bite ----------------------------------------------------------------------


def no_match(
    caught: pytest.ExceptionInfo[CannotOverwriteExistingCassetteException],
) -> Any:
    assert caught.value.reason == "no_match"
    (_request, _succeeded, failed), *_ = caught.value.similar_requests
    return failed


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("submit")
def test_a_different_document_value_is_not_played(client: Client, vcr: Any) -> None:
    with pytest.raises(CannotOverwriteExistingCassetteException) as caught:
        client.submit_audio_produce_job(
            editing_config=EditingConfig(voice="Siqi", format="MP3", volume=60),
            output_config=OUTPUT_EXAMPLE,
            input_config=TEXT,
        )

    failed = no_match(caught)
    assert [name for name, _message in failed] == ["decoded_query"]
    assert '"volume":60' in failed[0][1] and '"volume":50' in failed[0][1]
    assert vcr.play_count == 0


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("get_finished_v1")
def test_another_action_is_not_played(client: Client, vcr: Any) -> None:
    # The same method, URL and query: only the action header differs.
    with pytest.raises(CannotOverwriteExistingCassetteException) as caught:
        client.delete_smart_job(job_id=EXAMPLE_JOB_ID)

    failed = no_match(caught)
    assert [name for name, _message in failed] == ["recorded_headers"]
    message = failed[0][1]
    assert "x-acs-action is 'DeleteSmartJob', recorded 'GetSmartHandleJob'" in message
    assert vcr.play_count == 0


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("delete_smart_job")
def test_a_missing_security_token_is_not_played(client: Client, vcr: Any) -> None:
    with pytest.raises(CannotOverwriteExistingCassetteException) as caught:
        client.delete_smart_job(job_id=JOB_ID)

    failed = no_match(caught)
    assert [name for name, _message in failed] == ["recorded_headers"]
    assert "x-acs-security-token is not sent" in failed[0][1]
    assert vcr.play_count == 0


# --- AsyncClient ----------------------------------------------------------------------------


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("wait_for_job")
def test_wait_for_job_async(recorded: Recorded, vcr: Any) -> None:
    async def wait() -> GetSmartHandleJobResponse:
        async with AsyncClient(access_key_id=AK, access_key_secret=SK) as api:
            return await api.wait_for_job(JOB_ID, poll_interval=0.001)

    result = asyncio.run(wait())

    assert_matches_recording(result, recorded()[-1].json())
    assert result.state == "Finished"
    assert vcr.play_count == 3
    assert vcr.all_played


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("list_smart_jobs")
def test_list_smart_jobs_async(recorded: Recorded, vcr: Any) -> None:
    async def every_job() -> list[SmartJob]:
        async with AsyncClient(access_key_id=AK, access_key_secret=SK) as api:
            return [
                job
                async for job in api.iter_list_smart_jobs(
                    job_type="TextToSpeech", max_results=2
                )
            ]

    jobs = asyncio.run(every_job())

    assert_pages(jobs, recorded())
    assert vcr.play_count == 2
    assert vcr.all_played


# --- the cassettes themselves ---------------------------------------------------------------


def test_cassettes_hold_no_secret() -> None:
    paths = sorted(CASSETTES.glob("*.yaml"))
    assert {path.stem for path in paths} == CASSETTE_NAMES
    secrets = [SK, TOKEN] + [
        value
        for name in ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN")
        if (value := os.environ.get(name))
    ]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for secret in secrets:
            assert secret not in text, path.name
        for interaction in load_cassette(path)["interactions"]:
            headers = interaction["request"]["headers"]
            assert headers["Authorization"] == [REDACTED], path.name
            for name, values in headers.items():
                if name.lower() == "x-acs-security-token":
                    assert values == [REDACTED], (path.name, name)
            body = interaction["response"]["body"]["string"]
            assert scrub_text(body) == body, (
                f"{path.name}: unredacted signed-URL credentials"
            )


# --- the scrubber: OSS signed URLs ----------------------------------------------------------


def test_scrubber_redacts_oss_signed_urls() -> None:
    v1 = (
        "http://my_bucket.oss-cn-shanghai.aliyuncs.com/target_audio.mp3?Expires=1764000000"
        "&OSSAccessKeyId=STS.NUgYrLnoC37mZZCNnAbez2&Signature=abc%2Bdef%3D"
        "&security-token=CAIS9QF1q6Ft5B2yfSjIr5"
    )
    v4 = (
        "https://b.oss-cn-shanghai.aliyuncs.com/a.mp3?x-oss-signature-version=OSS4-HMAC-SHA256"
        "&x-oss-credential=LTAI5t%2F20251124%2Fcn-shanghai%2Foss%2Faliyun_v4_request"
        "&x-oss-date=20251124T150000Z&x-oss-expires=3600&x-oss-signature=0a1b2c"
        "&x-oss-security-token=CAIS9QF1"
    )
    body = json.dumps({"JobResult": {"MediaUrl": v1}, "Other": v4})
    scrubbed = scrub_response(
        {"status": {"code": 200}, "headers": {}, "body": {"string": body}}
    )
    assert json.loads(scrubbed["body"]["string"]) == {
        "JobResult": {
            "MediaUrl": "http://my_bucket.oss-cn-shanghai.aliyuncs.com/target_audio.mp3"
            "?Expires=1764000000&OSSAccessKeyId=REDACTED&Signature=REDACTED"
            "&security-token=REDACTED"
        },
        "Other": "https://b.oss-cn-shanghai.aliyuncs.com/a.mp3"
        "?x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=REDACTED"
        "&x-oss-date=20251124T150000Z&x-oss-expires=3600&x-oss-signature=REDACTED"
        "&x-oss-security-token=REDACTED",
    }
    untouched = "https://h/o?x-oss-signature-version=OSS4-HMAC-SHA256&token=1"
    assert scrub_text(untouched) == untouched


# --- the matchers ---------------------------------------------------------------------------

DOCUMENTS = frozenset({"EditingConfig", "OutputConfig"})


def rpc(query: str, **headers: str) -> Any:
    return Request("POST", f"https://{HOST}/?{query}", b"", headers)


def test_decoded_query_compares_decoded_items_in_any_order() -> None:
    same = [
        ("InputConfig=Test%20text&JobId=1", "JobId=1&InputConfig=Test%20text"),
        ("Title=a~b%2A", "Title=a%7Eb*"),  # escaped or not, the same text
        ("Title=%E6%B5%8B%E8%AF%95", "Title=测试"),
        ("Title=%e6%b5%8b", "Title=%E6%B5%8B"),
        ("A=1&A=2", "A=2&A=1"),
        ("Empty=", "Empty="),
        ("Flag", "Flag"),
        ("", ""),
    ]
    for sent, recorded in same:
        decoded_query(rpc(sent), rpc(recorded), json_parameters=DOCUMENTS)


def test_decoded_query_is_stricter_than_vcrpy_where_it_differs() -> None:
    different = [
        ("Title=a%20b", "Title=a+b"),  # "+" is a space to form decoding only
        ("Title=a%2Bb", "Title=a+b"),
        ("Title=%FF", "Title=%FE"),  # vcrpy reads both as U+FFFD
        ("Title=", ""),  # vcrpy drops blank values
        ("Title=", "Title"),
        ("A=1&A=1", "A=1"),
        ("InputConfig=Test%20text", "InputConfig=Test%20Text"),
        ("JobId=1", "JobId=1&Extra=2"),
    ]
    for sent, recorded in different:
        with pytest.raises(AssertionError, match="queries differ"):
            decoded_query(rpc(sent), rpc(recorded), json_parameters=DOCUMENTS)


def test_decoded_query_compares_documents_as_json() -> None:
    recorded = rpc(
        "EditingConfig=%7B%22voice%22%3A%22Siqi%22%2C%20%22volume%22%3A50%7D"
        "&OutputConfig=%7B%20%22bucket%22%3A%20%22b%22%2C%20%22object%22%3A%20%22o%22%20%7D"
    )
    sent = rpc(
        "OutputConfig=%7B%22object%22%3A%22o%22%2C%22bucket%22%3A%22b%22%7D"
        "&EditingConfig=%7B%22volume%22%3A50%2C%22voice%22%3A%22Siqi%22%7D"
    )
    decoded_query(sent, recorded, json_parameters=DOCUMENTS)
    for editing in [
        '{"voice":"Siqi","volume":51}',
        '{"voice":"Siqi","volume":50.0}',  # JSON keeps 50 and 50.0 apart
        '{"voice":"Siqi","volume":"50"}',
        '{"voice":"Siqi","volume":50,"format":"MP3"}',
        '{"voice":"Siqi"',  # not JSON: compared as text
    ]:
        changed = rpc(
            "OutputConfig=%7B%22object%22%3A%22o%22%2C%22bucket%22%3A%22b%22%7D"
            "&EditingConfig=" + httpx.QueryParams({"e": editing}).get("e", "")
        )
        with pytest.raises(AssertionError, match="EditingConfig"):
            decoded_query(changed, recorded, json_parameters=DOCUMENTS)
    # Only the parameters the spec names are documents: other text keeps its spacing.
    with pytest.raises(AssertionError):
        decoded_query(
            rpc("InputConfig=%5B1%2C2%5D"),
            rpc("InputConfig=%5B1%2C%202%5D"),
            json_parameters=DOCUMENTS,
        )


def test_recorded_headers_of_an_acs3_request() -> None:
    empty = hashlib.sha256(b"").hexdigest()
    recorded = rpc(
        "",
        **{
            "x-acs-action": "GetSmartHandleJob",
            "x-acs-date": "2025-11-24T15:00:00Z",
            "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
            "x-acs-content-sha256": empty,
            "Authorization": REDACTED,
        },
    )
    sent = {
        "x-acs-action": "GetSmartHandleJob",
        "x-acs-date": "2026-01-02T03:04:05Z",
        "x-acs-signature-nonce": "0" * 32,
        "x-acs-content-sha256": empty,
        "authorization": "ACS3-HMAC-SHA256 Credential=x,SignedHeaders=host,Signature=0",
    }
    recorded_headers(rpc("", **sent), recorded)  # date and nonce vary
    with pytest.raises(AssertionError, match="x-acs-content-sha256 is 'wrong'"):
        recorded_headers(rpc("", **{**sent, "x-acs-content-sha256": "wrong"}), recorded)
    # Derived from the request's own body: the recorded value does not count.
    body = Request("POST", f"https://{HOST}/", b"{}", sent)
    with pytest.raises(AssertionError, match="this request implies"):
        recorded_headers(body, recorded)
    with pytest.raises(AssertionError, match="x-acs-action is 'DeleteSmartJob'"):
        recorded_headers(
            rpc("", **{**sent, "x-acs-action": "DeleteSmartJob"}), recorded
        )
    missing = {name: value for name, value in sent.items() if name != "x-acs-date"}
    with pytest.raises(AssertionError, match="x-acs-date is not sent"):
        recorded_headers(rpc("", **missing), recorded)
