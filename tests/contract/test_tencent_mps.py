"""Contract tests: the generated Tencent MPS client against recorded vendor interactions.

Each `@pytest.mark.vcr` test plays the cassette named after it (see conftest.py): a request
that differs from the recording in method, URL, JSON body or a recorded header (the action
and version headers among them) is not played and fails the test.

The cassettes were written from the vendor's documented shapes: `describe_page_example` is
the example of the saved DescribeTextToSpeechAsyncTask page (sent with the action the page's
table names, not the `DescribeTTSTask` of its example header); the submit follows the
vendor notes; the API errors use the documented `{"Response": {"Error": ...}}` envelope with
HTTP 200 and common error codes; the business error codes (20001, 10010) are stand-ins, as
the vendor documents none.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypedDict

import httpx
import pytest
from tts_tencent_mps import (
    AsyncClient,
    Client,
    DescribeTextToSpeechAsyncTaskResult,
    ExtParam,
    SynExt,
    TextToSpeechAsyncResult,
)
from tts_tencent_mps._runtime.tc3_hmac_sha256 import (
    canonical_request,
    derive_signing_key,
    string_to_sign,
)
from tts_tencent_mps.errors import (
    APIStatusError,
    AuthenticationError,
    JobFailedError,
)

from tests.contract.recording import (
    CONTRACT,
    RECORDING,
    REDACTED,
    RecordedResponse,
    api_of,
    load_cassette,
    scrub_text,
    secret_headers,
)

API = "tencent-mps"
CASSETTES = CONTRACT / API
HOST = "mps.tencentcloudapi.com"

# The keys of the vendor's signing example; the SecretKey must never reach a cassette.
SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"

# The page's example task and voice; the text is the vendor's own example ("hello").
TASK_ID = "1300057393-DubbingAsync-fc3f52cf-f5f2-453c-882c-8847e5b2fe2f"
VOICE = "s1_+DSBRZuGbfKlwsN1lV5OsriSYvOB3aSqqCsHH0LJ5BWHsmfmn13my4ki/QL+g+7RaRUWLhwPcEI6gtCTkA=="
TEXT = "你好"
AUDIO_URL = (
    "https://laurie-tmp-1300828900.cos.ap-nanjing.myqcloud.com/async_dubbing/"
    "fc3f52cf-f5f2-453c-882c-8847e5b2fe2f.wav"
)

CASSETTE_NAMES = {
    "text_to_speech_async",
    "text_to_speech_async_auth_failure",
    "describe_page_example",
    "describe_processing",
    "describe_fail",
    "describe_business_error",
    "describe_error_200",
    "wait_for_job",
}

# Fixed scenarios (a task in a given state, the vendor's example task, a bad signature) or
# another test's cassette: under `make record` they would send real, possibly billable,
# requests and overwrite a cassette with something else.
playback_only = pytest.mark.skipif(
    RECORDING,
    reason="plays a fixed scenario or another test's cassette; not re-recordable",
)

Recorded = Callable[[], list[RecordedResponse]]


class ClientOptions(TypedDict, total=False):
    secret_id: str
    secret_key: str


@pytest.fixture
def client_options() -> ClientOptions:
    """Arguments for `Client` / `AsyncClient`: none when recording (the account's keys
    come from TENCENTCLOUD_SECRET_ID / _KEY / _SESSION_TOKEN), else the example keys."""
    if RECORDING:
        return {}
    return {"secret_id": SECRET_ID, "secret_key": SECRET_KEY}


@pytest.fixture
def client(client_options: ClientOptions) -> Iterator[Client]:
    with Client(**client_options) as api:
        yield api


def only(recorded: Recorded) -> RecordedResponse:
    (response,) = recorded()
    return response


def assert_matches_recording(
    result: TextToSpeechAsyncResult | DescribeTextToSpeechAsyncTaskResult,
    recorded: Mapping[str, Any],
) -> None:
    """The typed result holds exactly the recorded envelope's fields (the method returns
    what `Response` holds), each with the recorded value; ExtInfo (a JSON document in a
    string) as the document it holds, None when the string is empty."""
    expected = dict(recorded["Response"])
    if "ExtInfo" in expected:
        text = expected["ExtInfo"]
        expected["ExtInfo"] = json.loads(text) if text else None
    typed = result.model_dump(by_alias=True, exclude_unset=True)
    # Recorded bodies are scrubbed, the live response of a recording run is not.
    assert {
        key: scrub_text(value) if isinstance(value, str) else value
        for key, value in typed.items()
    } == expected


def test_what_is_redacted_comes_from_the_spec() -> None:
    # The signature and the session token of temporary credentials.
    assert secret_headers(api_of(API)) == ["Authorization", "X-TC-Token"]


# --- submit ---------------------------------------------------------------------------------


def submit(api: Client) -> TextToSpeechAsyncResult:
    return api.text_to_speech_async(
        text=TEXT,
        voice_id=VOICE,
        text_lang="zh",
        ext_param=ExtParam(syn_ext=SynExt(sample_rate=16000)),
    )


@pytest.mark.vcr
def test_text_to_speech_async(
    client_options: ClientOptions, recorded: Recorded, vcr: Any
) -> None:
    sent: list[httpx.Request] = []
    with (
        httpx.Client(event_hooks={"request": [sent.append]}) as http,
        Client(**client_options, http_client=http) as api,
    ):
        job = submit(api)

    response = only(recorded)
    assert response.status == 200
    assert_matches_recording(job, response.json())
    (request,) = sent
    # The action and version travel in headers; the body is the JSON of the arguments,
    # ExtParam a JSON document inside a string, the Chinese text as UTF-8.
    assert (request.method, request.url.path) == ("POST", "/")
    assert request.headers["X-TC-Action"] == "TextToSpeechAsync"
    assert request.headers["X-TC-Version"] == "2019-06-12"
    assert "X-TC-Region" not in request.headers
    assert "X-TC-Token" not in request.headers
    assert TEXT.encode() in request.content
    assert json.loads(request.content) == {
        "Text": TEXT,
        "VoiceId": VOICE,
        "TextLang": "zh",
        "ExtParam": '{"synExt":{"sampleRate":16000}}',
    }
    # The signature covers exactly the bytes sent, for the service mps.
    match = re.fullmatch(
        r"TC3-HMAC-SHA256 Credential=(\S+)/(\d{4}-\d\d-\d\d)/mps/tc3_request, "
        r"SignedHeaders=content-type;host, Signature=([0-9a-f]{64})",
        request.headers["Authorization"],
    )
    assert match is not None, request.headers["Authorization"]
    secret_id, date, signature = match.groups()
    timestamp = int(request.headers["X-TC-Timestamp"])
    canonical = canonical_request(
        "POST",
        str(request.url),
        {"Content-Type": request.headers["Content-Type"], "Host": request.url.host},
        request.content,
    )
    key = os.environ["TENCENTCLOUD_SECRET_KEY"] if RECORDING else SECRET_KEY
    expected = hmac.new(
        derive_signing_key(key, date, "mps"),
        string_to_sign(canonical, timestamp, "mps").encode(),
        hashlib.sha256,
    ).hexdigest()
    assert signature == expected
    assert all(key not in value for value in request.headers.values())
    if not RECORDING:
        assert secret_id == SECRET_ID
        assert job.task_id == TASK_ID
        assert (job.error_code, job.msg) == (0, "success")
        assert vcr.play_count == 1


@playback_only  # a bad signature on demand would need a bad key; the shape is documented
@pytest.mark.vcr
def test_text_to_speech_async_auth_failure(
    client: Client, recorded: Recorded, vcr: Any
) -> None:
    with pytest.raises(AuthenticationError) as caught:
        submit(client)

    error, response = caught.value, only(recorded)
    data = response.json()["Response"]
    # HTTP 200, but an authentication failure: its own class, so a bad key is told apart
    # from a bad argument; never retried (one request).
    assert error.status_code == response.status == 200
    assert error.code == data["Error"]["Code"] == "AuthFailure.SignatureFailure"
    assert error.message == data["Error"]["Message"]
    assert error.request_id == data["RequestId"]
    assert error.body == response.body
    assert vcr.play_count == 1


# --- describe -------------------------------------------------------------------------------


def describe(
    client: Client, recorded: Recorded
) -> tuple[DescribeTextToSpeechAsyncTaskResult, dict[str, Any]]:
    result = client.describe_text_to_speech_async_task(task_id=TASK_ID)
    response = only(recorded)
    assert response.status == 200
    data: dict[str, Any] = response.json()
    assert_matches_recording(result, data)
    return result, data


@playback_only
@pytest.mark.vcr
def test_describe_page_example(client: Client, recorded: Recorded, vcr: Any) -> None:
    # The cassette holds the action the page's table names: a request with the page
    # example's `DescribeTTSTask` would not be played.
    (interaction,) = load_cassette(CASSETTES / "describe_page_example.yaml")[
        "interactions"
    ]
    assert interaction["request"]["headers"]["X-TC-Action"] == [
        "DescribeTextToSpeechAsyncTask"
    ]

    result, _ = describe(client, recorded)

    task = result
    assert (task.status, task.error_code, task.msg) == ("success", 0, "success")
    assert task.audio_url == AUDIO_URL
    assert task.voice_id == VOICE
    assert task.ext_info is not None and task.ext_info.duration == 1.00325
    assert task.request_id == "c63e8ebb-af80-4987-b65e-eda61ac74455"
    assert vcr.play_count == 1


@playback_only
@pytest.mark.vcr
def test_describe_processing(client: Client, recorded: Recorded) -> None:
    result, _ = describe(client, recorded)
    task = result
    assert (task.status, task.error_code) == ("processing", 0)
    # Nothing yet: an empty ExtInfo holds no document.
    assert task.ext_info is None
    assert task.audio_url == ""


@playback_only
@pytest.mark.vcr
def test_describe_fail(client: Client, recorded: Recorded) -> None:
    # A business failure is an answer, not an API error: the model shows it.
    result, data = describe(client, recorded)
    task = result
    assert task.status == "fail"
    assert task.error_code == data["Response"]["ErrorCode"] == 20001
    assert task.msg == data["Response"]["Msg"]


@playback_only
@pytest.mark.vcr
def test_describe_business_error(client: Client, recorded: Recorded) -> None:
    result, data = describe(client, recorded)
    task = result
    assert task.status == "processing"
    assert task.error_code == data["Response"]["ErrorCode"] == 10010
    assert task.msg == "voice is not available"


@playback_only
@pytest.mark.vcr
def test_describe_error_200(client: Client, recorded: Recorded, vcr: Any) -> None:
    with pytest.raises(APIStatusError) as caught:
        client.describe_text_to_speech_async_task(task_id=TASK_ID)

    error, response = caught.value, only(recorded)
    data = response.json()["Response"]
    assert type(error) is APIStatusError  # an API error, not an authentication failure
    assert error.status_code == response.status == 200
    assert error.code == data["Error"]["Code"] == "InvalidParameterValue"
    assert error.message == data["Error"]["Message"]
    assert error.request_id == data["RequestId"]
    assert error.body == response.body
    assert str(error) == (
        f"HTTP 200 InvalidParameterValue: {data['Error']['Message']} "
        f"(request id {data['RequestId']})"
    )
    assert vcr.play_count == 1


# --- wait_for_job ---------------------------------------------------------------------------


@playback_only
@pytest.mark.vcr
def test_wait_for_job(client: Client, recorded: Recorded, vcr: Any) -> None:
    done = client.wait_for_job(TASK_ID, poll_interval=0.001)

    responses = recorded()
    assert [r.json()["Response"]["Status"] for r in responses] == [
        "processing",
        "processing",
        "success",
    ]
    assert vcr.play_count == 3
    assert vcr.all_played
    assert_matches_recording(done, responses[-1].json())
    assert done.audio_url == AUDIO_URL
    assert done.ext_info is not None
    assert done.ext_info.duration == 1.00325


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("describe_fail")
def test_wait_for_job_raises_job_failed_on_fail(
    client: Client, recorded: Recorded, vcr: Any
) -> None:
    with pytest.raises(JobFailedError) as caught:
        client.wait_for_job(TASK_ID, poll_interval=0.001)

    error, data = caught.value, only(recorded).json()
    assert (error.job_id, error.state) == (TASK_ID, "fail")
    assert error.code == str(data["Response"]["ErrorCode"]) == "20001"
    assert error.message == data["Response"]["Msg"]
    assert isinstance(error.result, DescribeTextToSpeechAsyncTaskResult)
    assert_matches_recording(error.result, data)
    assert vcr.play_count == 1


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("describe_business_error")
def test_wait_for_job_raises_job_failed_on_an_error_code_while_processing(
    client: Client, recorded: Recorded, vcr: Any
) -> None:
    # ErrorCode other than 0 is a business failure whatever the status: no more polls.
    with pytest.raises(JobFailedError) as caught:
        client.wait_for_job(TASK_ID, poll_interval=0.001)

    error = caught.value
    assert (error.state, error.code, error.message) == (
        "processing",
        "10010",
        "voice is not available",
    )
    assert not isinstance(error, APIStatusError)
    assert str(error) == (
        f"job {TASK_ID} ended in state processing: 10010 voice is not available"
    )
    assert_matches_recording(error.result, only(recorded).json())
    assert vcr.play_count == 1


# --- AsyncClient ----------------------------------------------------------------------------


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("text_to_speech_async")
def test_text_to_speech_async_async(
    client_options: ClientOptions, recorded: Recorded, vcr: Any
) -> None:
    async def create() -> TextToSpeechAsyncResult:
        async with AsyncClient(**client_options) as api:
            return await api.text_to_speech_async(
                text=TEXT,
                voice_id=VOICE,
                text_lang="zh",
                ext_param=ExtParam(syn_ext=SynExt(sample_rate=16000)),
            )

    job = asyncio.run(create())

    assert_matches_recording(job, only(recorded).json())
    assert job.task_id == TASK_ID
    assert vcr.play_count == 1


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("wait_for_job")
def test_wait_for_job_async(
    client_options: ClientOptions, recorded: Recorded, vcr: Any
) -> None:
    async def wait() -> DescribeTextToSpeechAsyncTaskResult:
        async with AsyncClient(**client_options) as api:
            return await api.wait_for_job(TASK_ID, poll_interval=0.001)

    done = asyncio.run(wait())

    assert_matches_recording(done, recorded()[-1].json())
    assert done.status == "success"
    assert vcr.play_count == 3
    assert vcr.all_played


# --- the cassettes themselves ---------------------------------------------------------------


def test_cassettes_hold_no_secret() -> None:
    paths = sorted(CASSETTES.glob("*.yaml"))
    assert {path.stem for path in paths} == CASSETTE_NAMES
    secrets = [SECRET_KEY] + [
        value
        for name in ("TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SESSION_TOKEN")
        if (value := os.environ.get(name))
    ]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for secret in secrets:
            assert secret not in text, path.name
        for interaction in load_cassette(path)["interactions"]:
            request = interaction["request"]
            for name, values in request["headers"].items():
                if name.lower() in {"authorization", "x-tc-token"}:
                    assert values == [REDACTED], (path.name, name)
            # Every recorded call is one action, sent as the spec says.
            assert (request["method"], request["uri"]) == ("POST", f"https://{HOST}/")
            assert request["headers"]["X-TC-Version"] == ["2019-06-12"]
            body = interaction["response"]["body"]["string"]
            assert scrub_text(body) == body, path.name
