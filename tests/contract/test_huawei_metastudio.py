"""Contract tests: the generated MetaStudio client against recorded vendor interactions.

Each `@pytest.mark.vcr` test plays the cassette named after it (see conftest.py). The request
check is the cassette's matcher: a request that differs from the recording in method, URL,
JSON body or a recorded header is not played and fails the test. The response check compares
the typed result with the recorded body, field by field, plus the vendor's own example values.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypedDict

import httpx
import pytest
from pydantic import BaseModel
from tts_huawei_metastudio import AsyncClient, Client, ShowAsyncTtsJobResponse
from tts_huawei_metastudio._runtime.sdk_hmac_sha256 import (
    canonical_request,
    string_to_sign,
)
from tts_huawei_metastudio.errors import (
    APIStatusError,
    BadRequestError,
    JobFailedError,
)
from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.request import Request

from tests.contract.recording import (
    CONTRACT,
    RECORDING,
    REDACTED,
    RecordedResponse,
    api_of,
    json_body,
    load_cassette,
    recorded_headers,
    scrub_bytes,
    scrub_response,
    scrub_text,
    secret_headers,
)

API = "huawei-metastudio"
CASSETTES = CONTRACT / API

# The vendor page's example project; the token is a stand-in that must never be recorded.
PROJECT_ID = "3f0924078d1b471c884a5383d4dec9fa"
BASE_URL = "https://metastudio.cn-north-4.myhuaweicloud.com"
TEST_TOKEN = "test-token"


def scrub_request(request: Any) -> Any:
    """Before recording: write the account's project id as the example's."""
    real = os.environ.get("HUAWEICLOUD_SDK_PROJECT_ID")
    if real and real != PROJECT_ID:
        request.uri = request.uri.replace(real, PROJECT_ID)
        for name in list(request.headers):
            if request.headers[name] == real:
                request.headers[name] = PROJECT_ID
    return request


class ClientOptions(TypedDict, total=False):
    token: str
    project_id: str
    base_url: str


@pytest.fixture
def client_options() -> ClientOptions:
    """Arguments for `Client` / `AsyncClient`: the real account's token when recording."""
    if RECORDING:
        return {
            "token": os.environ["TTS_SDKGEN_RECORD_TOKEN"],
            "project_id": os.environ["HUAWEICLOUD_SDK_PROJECT_ID"],
        }
    return {"token": TEST_TOKEN, "project_id": PROJECT_ID, "base_url": BASE_URL}


@pytest.fixture
def client(client_options: ClientOptions) -> Iterator[Client]:
    with Client(**client_options) as api:
        yield api


def test_what_is_redacted_comes_from_the_spec() -> None:
    # The signer's signature and session token, and the token scheme's header.
    assert secret_headers(api_of(API)) == [
        "Authorization",
        "X-Auth-Token",
        "X-Security-Token",
    ]


Recorded = Callable[[], list[RecordedResponse]]

# The vendor page's example ("Creating an Asynchronous TTS Task").
TEXT = "Hello, everyone. I'm Sarah."
VOICE = "c84054e7f29543048d585f61248c64c9"
JOB_ID = "26f06524-4f75-4b3a-a853-b649a21aaf66"
# The AK/SK of the vendor's signing example; the SK must never reach a cassette.
AK, SK = "QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"

CASSETTE_NAMES = {
    "create_200",
    "create_400",
    "create_aksk",
    "show_waiting",
    "show_processing",
    "show_succeed",
    "show_failed",
    "show_200_error_body",
    "wait_for_job",
}

# Scenarios that cannot be re-recorded on demand (a given job state, the vendor's example job,
# a gateway fault) or that replay another test's cassette: under `make record` they would
# send real, possibly billable, requests and overwrite a cassette with something else.
playback_only = pytest.mark.skipif(
    RECORDING,
    reason="plays a fixed scenario or another test's cassette; not re-recordable",
)


def assert_matches_recording(result: BaseModel, recorded: Mapping[str, Any]) -> None:
    """The typed result holds exactly the recorded fields, each with the recorded value.

    Recorded bodies are scrubbed, the live response of a recording run is not: compare the
    scrubbed value (a no-op on played-back values).
    """
    assert set(result.model_dump(exclude_unset=True)) == set(recorded)
    for name, value in recorded.items():
        actual = getattr(result, name)
        assert (scrub_text(actual) if isinstance(actual, str) else actual) == value, (
            name
        )


def only(recorded: Recorded) -> RecordedResponse:
    (response,) = recorded()
    return response


# --- create ---------------------------------------------------------------------------------


@pytest.mark.vcr
def test_create_200(client: Client, recorded: Recorded, vcr: Any) -> None:
    job = client.create_async_tts_job(text=TEXT, voice_asset_id=VOICE)

    response = only(recorded)
    assert response.status == 200
    assert_matches_recording(job, response.json())
    if not RECORDING:
        assert job.job_id == JOB_ID
        assert vcr.play_count == 1


@pytest.mark.vcr
def test_create_400(client: Client, recorded: Recorded) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.create_async_tts_job(
            text=TEXT, voice_asset_id="00000000000000000000000000000000", speed=100
        )

    error, response = caught.value, only(recorded)
    data = response.json()
    assert error.status_code == response.status == 400
    assert error.code == data["error_code"]
    assert error.message == data["error_msg"]
    assert error.request_id == data["request_id"]
    assert scrub_bytes(error.body) == response.body
    if not RECORDING:
        assert error.code == "MSS.000000003"
        assert error.request_id == response.header("X-Request-Id")
        assert str(error) == (
            f"HTTP 400 MSS.000000003: {data['error_msg']} (request id {data['request_id']})"
        )


@playback_only  # signed with the vendor's example keys, which the real service refuses
@pytest.mark.vcr
def test_create_aksk(recorded: Recorded) -> None:
    sent: list[httpx.Request] = []
    with httpx.Client(event_hooks={"request": [sent.append]}) as http:
        if RECORDING:  # the environment's AK/SK and project
            api = Client(http_client=http)
        else:
            api = Client(
                ak=AK, sk=SK, project_id=PROJECT_ID, base_url=BASE_URL, http_client=http
            )
        with api:
            job = api.create_async_tts_job(text=TEXT, voice_asset_id=VOICE)

    assert_matches_recording(job, only(recorded).json())
    (request,) = sent
    authorization = request.headers["Authorization"]
    match = re.fullmatch(
        r"SDK-HMAC-SHA256 Access=(\S+), SignedHeaders=(\S+), Signature=([0-9a-f]{64})",
        authorization,
    )
    assert match is not None, authorization
    access, signed_headers, signature = match.groups()
    assert signed_headers == "content-type;host;x-project-id;x-sdk-date"
    assert re.fullmatch(r"\d{8}T\d{6}Z", request.headers["X-Sdk-Date"])
    sk = os.environ["HUAWEICLOUD_SDK_SK"] if RECORDING else SK
    # The signature covers exactly what was sent: these headers and this body.
    canonical = canonical_request(
        request.method,
        str(request.url),
        {name: request.headers[name] for name in signed_headers.split(";")},
        request.content,
    )
    expected = hmac.new(
        sk.encode(),
        string_to_sign(canonical, request.headers["X-Sdk-Date"]).encode(),
        hashlib.sha256,
    ).hexdigest()
    assert signature == expected
    assert all(sk not in value for value in request.headers.values())
    if not RECORDING:
        assert access == AK
        assert request.headers["X-Project-Id"] == PROJECT_ID
        assert job.job_id == JOB_ID


# --- the matcher bites ----------------------------------------------------------------------


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("create_200")
def test_a_different_body_is_not_played(client: Client, vcr: Any) -> None:
    with pytest.raises(CannotOverwriteExistingCassetteException) as caught:
        client.create_async_tts_job(
            text="Hello, everyone. I'm Tom.", voice_asset_id=VOICE
        )

    assert caught.value.reason == "no_match"
    (_request, _succeeded, failed), *_ = caught.value.similar_requests
    assert [name for name, _message in failed] == ["json_body"]
    assert vcr.play_count == 0


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("create_200")
def test_a_missing_recorded_header_is_not_played(vcr: Any) -> None:
    # Same method, URL and body, but signed with AK/SK: no X-Auth-Token is sent.
    with Client(ak=AK, sk=SK, project_id=PROJECT_ID, base_url=BASE_URL) as api:
        with pytest.raises(CannotOverwriteExistingCassetteException) as caught:
            api.create_async_tts_job(text=TEXT, voice_asset_id=VOICE)

    (_request, _succeeded, failed), *_ = caught.value.similar_requests
    assert [name for name, _message in failed] == ["recorded_headers"]
    assert "X-Auth-Token is not sent" in failed[0][1]
    assert vcr.play_count == 0


# --- show -----------------------------------------------------------------------------------


def show(
    client: Client, recorded: Recorded
) -> tuple[ShowAsyncTtsJobResponse, dict[str, Any]]:
    result = client.show_async_tts_job(JOB_ID)
    response = only(recorded)
    assert response.status == 200
    data: dict[str, Any] = response.json()
    assert_matches_recording(result, data)
    return result, data


@playback_only
@pytest.mark.vcr
def test_show_waiting(client: Client, recorded: Recorded) -> None:
    result, _ = show(client, recorded)
    assert result.state == "WAITING"
    assert result.audio_file_url is None


@playback_only
@pytest.mark.vcr
def test_show_processing(client: Client, recorded: Recorded) -> None:
    result, _ = show(client, recorded)
    assert result.state == "PROCESSING"
    assert result.audio_file_url is None


@playback_only
@pytest.mark.vcr
def test_show_succeed(client: Client, recorded: Recorded) -> None:
    result, _ = show(client, recorded)
    assert (result.state, result.code) == ("SUCCEED", "0")
    urls = [
        result.audio_file_url,
        result.audio_info_file_url,
        result.audio_srt_file_url,
        result.audio_action_file_url,
    ]
    for url in urls:
        assert url is not None
        assert url.startswith(
            "https://metastudio-tts.obs.cn-north-4.myhuaweicloud.com/"
        )
        assert f"/{JOB_ID}/" in url
        assert "?AccessKeyId=REDACTED&Expires=1764000000&Signature=REDACTED" in url


@playback_only
@pytest.mark.vcr
def test_show_failed(client: Client, recorded: Recorded) -> None:
    result, data = show(client, recorded)
    assert result.state == "FAILED"
    assert result.code == data["code"] == "MSS.000000001"
    assert result.message == data["message"]
    assert result.audio_file_url is None


@playback_only
@pytest.mark.vcr
def test_show_200_error_body(client: Client, recorded: Recorded) -> None:
    with pytest.raises(APIStatusError) as caught:
        client.show_async_tts_job(JOB_ID)

    error, response = caught.value, only(recorded)
    data = response.json()
    assert type(error) is APIStatusError
    assert error.status_code == response.status == 200
    assert error.code == data["error_code"] == "APIG.0301"
    assert error.message == data["error_msg"]
    assert error.request_id == data["request_id"]
    assert error.body == response.body


# --- wait_for_job ---------------------------------------------------------------------------


@playback_only
@pytest.mark.vcr
def test_wait_for_job(client: Client, recorded: Recorded, vcr: Any) -> None:
    result = client.wait_for_job(JOB_ID, poll_interval=0.001)

    responses = recorded()
    assert [response.json()["state"] for response in responses] == [
        "WAITING",
        "PROCESSING",
        "SUCCEED",
    ]
    assert vcr.play_count == 3
    assert vcr.all_played
    assert_matches_recording(result, responses[-1].json())
    assert result.state == "SUCCEED"


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("show_failed")
def test_wait_for_job_raises_job_failed(
    client: Client, recorded: Recorded, vcr: Any
) -> None:
    with pytest.raises(JobFailedError) as caught:
        client.wait_for_job(JOB_ID, poll_interval=0.001)

    error, data = caught.value, only(recorded).json()
    assert (error.job_id, error.state) == (JOB_ID, "FAILED")
    assert error.code == data["code"] == "MSS.000000001"
    assert error.message == data["message"]
    assert isinstance(error.result, ShowAsyncTtsJobResponse)
    assert_matches_recording(error.result, data)
    assert vcr.play_count == 1


# --- AsyncClient ----------------------------------------------------------------------------


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("create_200")
def test_create_200_async(
    client_options: ClientOptions, recorded: Recorded, vcr: Any
) -> None:
    async def create() -> BaseModel:
        async with AsyncClient(**client_options) as api:
            return await api.create_async_tts_job(text=TEXT, voice_asset_id=VOICE)

    job = asyncio.run(create())

    assert_matches_recording(job, only(recorded).json())
    assert job.model_dump() == {"job_id": JOB_ID}
    assert vcr.play_count == 1


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("show_succeed")
def test_show_succeed_async(
    client_options: ClientOptions, recorded: Recorded, vcr: Any
) -> None:
    async def query() -> ShowAsyncTtsJobResponse:
        async with AsyncClient(**client_options) as api:
            return await api.show_async_tts_job(JOB_ID)

    result = asyncio.run(query())

    assert_matches_recording(result, only(recorded).json())
    assert (result.state, result.code) == ("SUCCEED", "0")
    assert vcr.play_count == 1


@playback_only
@pytest.mark.vcr
@pytest.mark.default_cassette("wait_for_job")
def test_wait_for_job_async(
    client_options: ClientOptions, recorded: Recorded, vcr: Any
) -> None:
    async def wait() -> ShowAsyncTtsJobResponse:
        async with AsyncClient(**client_options) as api:
            return await api.wait_for_job(JOB_ID, poll_interval=0.001)

    result = asyncio.run(wait())

    assert_matches_recording(result, recorded()[-1].json())
    assert vcr.play_count == 3
    assert vcr.all_played


# --- the cassettes themselves ---------------------------------------------------------------


def test_cassettes_hold_no_secret() -> None:
    paths = sorted(CASSETTES.glob("*.yaml"))
    assert {path.stem for path in paths} >= CASSETTE_NAMES
    secrets = [TEST_TOKEN, SK] + [
        value
        for name in ("HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN")
        if (value := os.environ.get(name))
    ]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for secret in secrets:
            assert secret not in text, path.name
        for interaction in load_cassette(path)["interactions"]:
            for name, values in interaction["request"]["headers"].items():
                if name.lower() in {
                    "authorization",
                    "x-auth-token",
                    "x-security-token",
                }:
                    assert values == [REDACTED], (path.name, name)
            body = interaction["response"]["body"]["string"]
            assert scrub_text(body) == body, (
                f"{path.name}: unredacted signed-URL credentials"
            )


# --- the scrubber ---------------------------------------------------------------------------


def response_with(
    body: str | bytes, content_length: str | None = None
) -> dict[str, Any]:
    headers: dict[str, list[str]] = {"Content-Type": ["application/json"]}
    if content_length is not None:
        headers["Content-Length"] = [content_length]
    return {
        "status": {"code": 200, "message": "OK"},
        "headers": headers,
        "body": {"string": body},
    }


def test_scrubber_redacts_obs_signed_urls_in_json() -> None:
    url = (
        "https://b.obs.cn-north-4.myhuaweicloud.com/a.mp3?AccessKeyId=HPUAXXXXXXXX"
        "&Expires=1764000000&x-obs-security-token=gQpjbi1ub3J0aC00&Signature=abc%2Bdef%3D"
    )
    response = response_with(f'{{"audio_file_url": "{url}", "state": "SUCCEED"}}')

    scrubbed = scrub_response(response)

    assert scrubbed["body"]["string"] == (
        '{"audio_file_url": "https://b.obs.cn-north-4.myhuaweicloud.com/a.mp3?AccessKeyId=REDACTED'
        '&Expires=1764000000&x-obs-security-token=REDACTED&Signature=REDACTED", "state": "SUCCEED"}'
    )
    assert url in response["body"]["string"]  # the input is left alone
    assert scrub_response(scrubbed) == scrubbed


def test_scrubber_redacts_s3_style_parameters_case_insensitively() -> None:
    text = (
        "https://h/o?x-amz-credential=AKIA%2F20251124%2Fcn%2Fs3&X-Amz-Date=20251124T150000Z"
        "&X-AMZ-SIGNATURE=0a1b&X-Amz-Security-Token=FQoG&securitytoken=t0k&accesskeyid=AK"
    )
    assert scrub_text(text) == (
        "https://h/o?x-amz-credential=REDACTED&X-Amz-Date=20251124T150000Z"
        "&X-AMZ-SIGNATURE=REDACTED&X-Amz-Security-Token=REDACTED&securitytoken=REDACTED"
        "&accesskeyid=REDACTED"
    )


def test_scrubber_handles_escaped_separators_and_leaves_other_parameters() -> None:
    escaped = r'{"u": "https://h/o?Expires=1\u0026Signature=s1g\u0026AccessKeyId=AK"}'
    assert scrub_text(escaped) == (
        r'{"u": "https://h/o?Expires=1\u0026Signature=REDACTED\u0026AccessKeyId=REDACTED"}'
    )
    assert scrub_text("<a href='https://h/o?a=1&amp;Signature=s'>") == (
        "<a href='https://h/o?a=1&amp;Signature=REDACTED'>"
    )
    untouched = "https://h/o?MySignature=1&Signatures=2&AccessKeyIdX=3 Signature=4"
    assert scrub_text(untouched) == untouched


def test_scrubber_keeps_bytes_bodies_and_content_length_in_step() -> None:
    body = b'{"url": "https://h/o?Signature=0123456789abcdef"}'
    response = response_with(body, str(len(body)))

    scrubbed = scrub_response(response)

    assert scrubbed["body"]["string"] == b'{"url": "https://h/o?Signature=REDACTED"}'
    assert scrubbed["headers"]["Content-Length"] == [
        str(len(scrubbed["body"]["string"]))
    ]
    assert response["headers"]["Content-Length"] == [str(len(body))]
    plain = response_with('{"job_id": "1"}', "15")
    assert scrub_response(plain) == plain
    assert scrub_response(response_with(None)) == response_with(None)  # type: ignore[arg-type]


# --- the matchers ---------------------------------------------------------------------------


def request(body: bytes | str | None = b"", **headers: str) -> Any:
    return Request("POST", BASE_URL + "/v1/p/ttsc/async-jobs", body, headers)


def test_json_body_compares_parsed_json() -> None:
    json_body(request(b'{"b":1,"a":[true,"x"]}'), request('{"a": [true, "x"], "b": 1}'))
    json_body(request(b""), request(None))
    json_body(request(b"not json"), request("not json"))
    for sent, recorded in [
        (b'{"a":1}', '{"a":true}'),  # equal in Python, not in JSON
        (b'{"a":1}', '{"a":1.0}'),
        (b'{"a":1}', '{"a":1,"b":2}'),
        (b'{"a":1}', ""),
        (b"not json", "not JSON"),
    ]:
        with pytest.raises(AssertionError):
            json_body(request(sent), request(recorded))


def test_recorded_headers_must_be_sent() -> None:
    sent = request(
        **{
            "content-type": "application/json",
            "x-auth-token": REDACTED,
            "user-agent": "something/2",
            "host": "elsewhere",
            "x-extra": "not recorded",
        }
    )
    recorded_headers(
        sent,
        request(
            **{
                "Content-Type": "application/json",
                "X-Auth-Token": REDACTED,
                "User-Agent": "tts-huawei-metastudio/1.0.0",
                "Host": "metastudio.cn-north-4.myhuaweicloud.com",
            }
        ),
    )
    with pytest.raises(
        AssertionError, match="Content-Type is 'application/json', recorded"
    ):
        recorded_headers(sent, request(**{"Content-Type": "text/plain"}))
    with pytest.raises(AssertionError, match="X-Sdk-Date is not sent"):
        recorded_headers(sent, request(**{"X-Sdk-Date": "20251124T150000Z"}))
    with pytest.raises(AssertionError, match="Authorization is not sent"):
        recorded_headers(sent, request(**{"Authorization": REDACTED}))
