"""The generated Tencent MPS client: bad input refused before sending, and real HTTP on
loopback (a server that recomputes the TC3 signature from the raw request, retries, errors
with HTTP 200, business failures, the optional region, credentials from the environment)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest
from tts_tencent_mps import (
    AsyncClient,
    Client,
    DescribeTextToSpeechAsyncTaskResult,
    ExtParam,
    SynExt,
    TextToSpeechAsyncResult,
)
from tts_tencent_mps.errors import (
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    InternalServerError,
    JobFailedError,
)
from tts_tencent_mps.testing import FakeService

from generator.errors import SpecError
from generator.ir_build import build
from generator.load import load_openapi
from tests.support.server import Received, Reply, ScriptedServer, serve

SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
SESSION_TOKEN = "temporary-session-token-value"
TASK = "1300057393-DubbingAsync-fc3f52cf-f5f2-453c-882c-8847e5b2fe2f"
VOICE = "s1_+DSBRZuGbfKlwsN1lV5OsriSYvOB3aSqqCsHH0LJ5BWHsmfmn13my4ki/QL+g+7RaRUWLhwPcEI6gtCTkA=="
ENVIRONMENT = (
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "TENCENTCLOUD_SESSION_TOKEN",
)
SUBMITTED = {
    "Response": {
        "ErrorCode": 0,
        "Msg": "success",
        "TaskId": TASK,
        "RequestId": "r-submit",
    }
}


def task(status: str, error_code: int = 0, msg: str = "success", **more: Any) -> Any:
    return {
        "Response": {
            "ErrorCode": error_code,
            "Msg": msg,
            "Status": status,
            "AudioUrl": "",
            "VoiceId": VOICE,
            "ExtInfo": "",
            "RequestId": f"r-{status}",
            **more,
        }
    }


SUCCESS = task("success", AudioUrl="https://cos/a.wav", ExtInfo='{"duration":1.00325}')


def api_error(code: str, message: str, status: int = 200) -> Reply:
    return Reply(
        status,
        {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": "r-e"}},
    )


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


def client(server: ScriptedServer, **options: Any) -> Client:
    return Client(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, base_url=server.url, **options
    )


# --- the vendor's algorithm, on the server side --------------------------------------------

_AUTHORIZATION = re.compile(
    r"TC3-HMAC-SHA256 Credential=(?P<id>[^/]+)/(?P<date>\d{4}-\d\d-\d\d)/(?P<service>[^/]+)"
    r"/tc3_request, SignedHeaders=(?P<signed>[^,]+), Signature=(?P<signature>[0-9a-f]{64})"
)


def verify_tc3(received: Received, secret_key: str = SECRET_KEY) -> dict[str, str]:
    """Recompute the signature of `received` as the vendor's gateway does, from the raw
    request: its headers as they arrived and the body bytes as they arrived. Returns the
    parts of its Authorization header."""
    match = _AUTHORIZATION.fullmatch(received.headers["authorization"])
    assert match is not None, received.headers["authorization"]
    parts = match.groupdict()
    timestamp = int(received.headers["x-tc-timestamp"])
    date = time.strftime("%Y-%m-%d", time.gmtime(timestamp))
    assert parts["date"] == date
    signed = parts["signed"].split(";")
    assert signed == sorted(signed) and {"content-type", "host"} <= set(signed)
    canonical = "\n".join(
        [
            received.method,
            received.path.partition("?")[0],
            received.path.partition("?")[2],
            "".join(f"{name}:{received.headers[name].strip()}\n" for name in signed),
            parts["signed"],
            hashlib.sha256(received.body).hexdigest(),
        ]
    )
    to_sign = "\n".join(
        [
            "TC3-HMAC-SHA256",
            str(timestamp),
            f"{date}/{parts['service']}/tc3_request",
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    key = ("TC3" + secret_key).encode()
    for part in (date, parts["service"], "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, parts["signature"]), (
        "signature does not verify"
    )
    return parts


def test_chinese_text_is_signed_over_the_bytes_that_arrive() -> None:
    text = "你好世界。今天天气很好"
    with serve(Reply(200, SUBMITTED)) as server, client(server) as api:
        job = api.text_to_speech_async(
            text=text,
            voice_id=VOICE,
            ext_param=ExtParam(syn_ext=SynExt(sample_rate=22050, pitch=-3)),
        )
    assert job.task_id == TASK
    (received,) = server.received
    # UTF-8 as it is, not \\u escapes, and compact: exactly what was hashed.
    assert text.encode() in received.body
    assert b"\\u" not in received.body
    assert json.loads(received.body) == {
        "Text": text,
        "VoiceId": VOICE,
        "ExtParam": '{"synExt":{"sampleRate":22050,"pitch":-3}}',
    }
    parts = verify_tc3(received)
    # The service is the spec's (mps), not a label of the host it was sent to.
    assert (parts["id"], parts["service"]) == (SECRET_ID, "mps")
    assert received.headers["x-tc-action"] == "TextToSpeechAsync"
    assert received.headers["x-tc-version"] == "2019-06-12"
    assert received.headers["content-type"] == "application/json"
    assert "x-tc-region" not in received.headers
    assert "x-tc-token" not in received.headers


def test_the_same_text_escaped_would_not_verify() -> None:
    with serve(Reply(200, SUBMITTED)) as server, client(server) as api:
        api.text_to_speech_async(text="你好", voice_id=VOICE)
    (received,) = server.received
    escaped = json.dumps(json.loads(received.body)).encode()
    assert escaped != received.body
    tampered = Received(
        received.method, received.path, received.headers, escaped, received.at
    )
    with pytest.raises(AssertionError, match="does not verify"):
        verify_tc3(tampered)


def test_session_token_and_region_are_sent_when_given() -> None:
    with (
        serve(Reply(200, SUBMITTED), Reply(200, SUCCESS)) as server,
        client(server, session_token=SESSION_TOKEN, region="ap-guangzhou") as api,
    ):
        api.text_to_speech_async(text="Hello", voice_id=VOICE)
        api.describe_text_to_speech_async_task(task_id=TASK)
    for received in server.received:
        verify_tc3(received)
        assert received.headers["x-tc-token"] == SESSION_TOKEN
        assert received.headers["x-tc-region"] == "ap-guangzhou"
    assert [r.headers["x-tc-action"] for r in server.received] == [
        "TextToSpeechAsync",
        "DescribeTextToSpeechAsyncTask",
    ]


def test_async_client_signs_the_same_way() -> None:
    async def run(server: ScriptedServer) -> DescribeTextToSpeechAsyncTaskResult:
        async with AsyncClient(
            secret_id=SECRET_ID, secret_key=SECRET_KEY, base_url=server.url
        ) as api:
            job = await api.text_to_speech_async(text="你好", voice_id=VOICE)
            return await api.wait_for_job(job.task_id, poll_interval=0.001)

    replies = [
        Reply(200, SUBMITTED),
        Reply(200, task("processing")),
        Reply(200, SUCCESS),
    ]
    with serve(*replies) as server:
        done = asyncio.run(run(server))
    assert done.audio_url == "https://cos/a.wav"
    assert len(server.received) == 3
    for received in server.received:
        verify_tc3(received)


# --- retries --------------------------------------------------------------------------------


def test_a_submit_that_may_have_arrived_is_never_resent() -> None:
    fake = FakeService()
    fake.fail_next("submit", status=500, code="InternalError", times=3)
    with fake.client() as api, pytest.raises(InternalServerError) as caught:
        api.text_to_speech_async(text="你好", voice_id=VOICE)
    assert len(fake.calls) == 1
    assert (caught.value.status_code, caught.value.code) == (500, "InternalError")


def test_a_describe_is_retried_after_500() -> None:
    fake = FakeService(polls=1)
    job = fake.add_job()
    fake.fail_next("query", status=500, code="InternalError")
    with fake.client() as api:
        result = api.describe_text_to_speech_async_task(task_id=job.id)
    assert result.status == "success"
    # Each attempt is signed afresh: the fake checked both signatures.
    assert [call.status for call in fake.calls] == [500, 200]


# --- errors with HTTP 200, and business failures --------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "AuthFailure",
        "AuthFailure.SignatureFailure",
        "AuthFailure.SecretIdNotFound",
        "AuthFailure.TokenFailure",
    ],
)
def test_an_authentication_failure_is_its_own_class(code: str) -> None:
    fake = FakeService()
    fake.fail_next("submit", code=code, message="bad key")
    with fake.client() as api, pytest.raises(AuthenticationError) as caught:
        api.text_to_speech_async(text="你好", voice_id=VOICE)
    error = caught.value
    assert (error.status_code, error.code, error.message) == (200, code, "bad key")
    assert error.request_id is not None
    assert len(fake.calls) == 1


def test_a_wrong_key_is_an_authentication_failure() -> None:
    fake = FakeService()
    with fake.client(secret_key="not-the-key") as api:
        with pytest.raises(AuthenticationError) as caught:
            api.text_to_speech_async(text="你好", voice_id=VOICE)
    assert caught.value.status_code == 200
    assert not fake.jobs


@pytest.mark.parametrize(
    "code", ["InvalidParameterValue", "AuthFailureX", "ResourceNotFound.AuthFailure"]
)
def test_other_api_errors_are_plain_status_errors(code: str) -> None:
    fake = FakeService()
    job = fake.add_job()
    fake.fail_next("query", code=code, message="no")
    with fake.client() as api, pytest.raises(APIStatusError) as caught:
        api.describe_text_to_speech_async_task(task_id=job.id)
    assert type(caught.value) is APIStatusError
    assert (caught.value.status_code, caught.value.code) == (200, code)
    # An error with HTTP 200 is an answer: not retried.
    assert len(fake.calls) == 1


def test_a_business_failure_in_the_submit_answer_is_shown_not_raised() -> None:
    answer = {
        "Response": {
            "ErrorCode": 10010,
            "Msg": "voice off",
            "TaskId": "1300057393-DubbingAsync-1",
            "RequestId": "r",
        }
    }
    fake = FakeService()
    fake.fail_next("submit", status=200, body=json.dumps(answer))
    with fake.client() as api:
        job = api.text_to_speech_async(text="你好", voice_id=VOICE)
    assert (job.error_code, job.msg) == (10010, "voice off")
    assert [c.status for c in fake.calls] == [200]


def test_a_submit_answer_with_an_empty_task_id_is_unusable() -> None:
    # Nothing can be followed with an empty id, business failure or not: the error keeps
    # the body, with the vendor's code and message in it.
    answer = {
        "Response": {
            "ErrorCode": 10010,
            "Msg": "voice off",
            "TaskId": "",
            "RequestId": "r",
        }
    }
    fake = FakeService()
    fake.fail_next("submit", status=200, body=json.dumps(answer))
    with fake.client() as api, pytest.raises(APIResponseValidationError) as caught:
        api.text_to_speech_async(text="你好", voice_id=VOICE)
    assert b'"ErrorCode": 10010' in caught.value.body
    assert caught.value.status_code == 200
    assert len(fake.calls) == 1


def test_a_submit_answer_without_a_task_id_keeps_its_body() -> None:
    sent = b'{"Response":{"ErrorCode":0,"Msg":"success","RequestId":"r-9"}}'
    fake = FakeService()
    fake.fail_next("submit", status=200, body=sent)
    with fake.client() as api, pytest.raises(APIResponseValidationError) as caught:
        api.text_to_speech_async(text="你好", voice_id=VOICE)
    assert (caught.value.request_id, caught.value.body) == ("r-9", sent)
    assert len(fake.calls) == 1


def test_wait_polls_through_processing_with_empty_ext_info() -> None:
    replies = [Reply(200, task("processing")), Reply(200, task("processing"))]
    with serve(*replies, Reply(200, SUCCESS)) as server, client(server) as api:
        done = api.wait_for_job(TASK, poll_interval=0.001)
    assert len(server.received) == 3
    assert done.ext_info is not None
    assert (done.audio_url, done.ext_info.duration) == (
        "https://cos/a.wav",
        1.00325,
    )
    assert [json.loads(r.body) for r in server.received] == [{"TaskId": TASK}] * 3


@pytest.mark.parametrize(
    ("reply", "state", "code", "text"),
    [
        (
            task("fail", 20001, "synthesis failed"),
            "fail",
            "20001",
            "ended in state fail",
        ),
        # ErrorCode other than 0 is a failure whatever the status says.
        (
            task("processing", 10010, "voice off"),
            "processing",
            "10010",
            "ended in state processing",
        ),
        (task("", 10001, "task not found"), None, "10001", "failed"),
    ],
)
def test_wait_raises_job_failed_on_a_business_failure(
    reply: Any, state: str | None, code: str, text: str
) -> None:
    with serve(Reply(200, reply)) as server, client(server) as api:
        with pytest.raises(JobFailedError) as caught:
            api.wait_for_job(TASK, poll_interval=0.001)
    error = caught.value
    assert (error.job_id, error.state, error.code) == (TASK, state, code)
    assert error.message == reply["Response"]["Msg"]
    assert str(error) == f"job {TASK} {text}: {code} {error.message}"
    assert isinstance(error.result, DescribeTextToSpeechAsyncTaskResult)
    assert error.result.error_code == int(code)
    assert len(server.received) == 1


def test_methods_return_what_the_envelope_holds_request_id_included() -> None:
    with (
        serve(Reply(200, SUBMITTED), Reply(200, SUCCESS)) as server,
        client(server) as api,
    ):
        job = api.text_to_speech_async(text="你好", voice_id=VOICE)
        task = api.describe_text_to_speech_async_task(task_id=job.task_id)
    # As every Tencent Cloud SDK returns them: the object inside `Response`.
    assert isinstance(job, TextToSpeechAsyncResult)
    assert (job.task_id, job.request_id, job.error_code) == (TASK, "r-submit", 0)
    assert isinstance(task, DescribeTextToSpeechAsyncTaskResult)
    assert (task.status, task.request_id) == ("success", "r-success")
    assert not hasattr(job, "response")


def test_an_answer_without_its_envelope_keeps_its_body() -> None:
    sent = b'{"TaskId":"t-1","RequestId":"r-1"}'
    fake = FakeService()
    fake.fail_next("submit", status=200, body=sent)
    with fake.client() as api, pytest.raises(APIResponseValidationError) as caught:
        api.text_to_speech_async(text="你好", voice_id=VOICE)
    assert (caught.value.status_code, caught.value.body) == (200, sent)
    assert "Response" in str(caught.value)


def test_error_code_100_while_processing_is_no_failure() -> None:
    # The official SDK: ErrorCode is "0 on success, 100 while processing".
    replies = [
        Reply(200, task("processing", 100, "processing")),
        Reply(200, task("processing", 100, "processing")),
        Reply(200, SUCCESS),
    ]
    with serve(*replies) as server, client(server) as api:
        done = api.wait_for_job(TASK, poll_interval=0.001)
    assert (done.status, done.audio_url) == ("success", "https://cos/a.wav")
    assert len(server.received) == 3


def test_a_fail_with_error_code_zero_still_fails() -> None:
    with serve(Reply(200, task("fail"))) as server, client(server) as api:
        with pytest.raises(JobFailedError) as caught:
            api.wait_for_job(TASK, poll_interval=0.001)
    assert (caught.value.state, caught.value.code) == ("fail", "0")


# --- bad input: refused before anything is sent ---------------------------------------------


@pytest.fixture
def silent() -> Iterator[tuple[FakeService, Client]]:
    fake = FakeService()
    with fake.client() as api:
        yield fake, api


def locations(error: pydantic.ValidationError) -> set[str]:
    return {".".join(str(part) for part in e["loc"]) for e in error.errors()}


def test_pitch_13_is_refused(silent: tuple[FakeService, Client]) -> None:
    fake, api = silent
    with pytest.raises(pydantic.ValidationError) as caught:
        SynExt(pitch=13)
    assert locations(caught.value) == {"pitch"}
    with pytest.raises(pydantic.ValidationError) as caught:
        api.text_to_speech_async(
            text="你好",
            voice_id=VOICE,
            ext_param={"synExt": {"pitch": 13}},  # type: ignore[arg-type]
        )
    assert locations(caught.value) == {"ext_param.synExt.pitch"}
    assert "less than or equal to 12" in str(caught.value)
    assert fake.calls == []


def test_sample_rate_12000_is_refused(silent: tuple[FakeService, Client]) -> None:
    fake, api = silent
    with pytest.raises(pydantic.ValidationError) as caught:
        SynExt(sample_rate=12000)  # type: ignore[arg-type]
    assert locations(caught.value) == {"sample_rate"}
    with pytest.raises(pydantic.ValidationError) as caught:
        api.text_to_speech_async(
            text="你好",
            voice_id=VOICE,
            ext_param={"synExt": {"sampleRate": 12000}},  # type: ignore[arg-type]
        )
    assert locations(caught.value) == {"ext_param.synExt.sampleRate"}
    assert "16000" in str(caught.value) and "44100" in str(caught.value)
    assert fake.calls == []


def test_missing_voice_id_is_refused(silent: tuple[FakeService, Client]) -> None:
    fake, api = silent
    with pytest.raises(TypeError, match="'voice_id'"):
        api.text_to_speech_async(text="你好")  # type: ignore[call-arg]
    with pytest.raises(pydantic.ValidationError) as caught:
        api.text_to_speech_async(text="你好", voice_id="")
    assert locations(caught.value) == {"voice_id"}
    assert fake.calls == []


def test_the_range_ends_and_defaults_are_accepted_and_defaults_not_sent() -> None:
    replies = [Reply(200, SUBMITTED)] * 3
    with serve(*replies) as server, client(server) as api:
        for synthesis in (
            SynExt(pitch=-12, sample_rate=8000),
            SynExt(pitch=12),
            SynExt(),
        ):
            api.text_to_speech_async(
                text="你好", voice_id=VOICE, ext_param=ExtParam(syn_ext=synthesis)
            )
    assert [json.loads(json.loads(r.body)["ExtParam"]) for r in server.received] == [
        {"synExt": {"pitch": -12, "sampleRate": 8000}},
        {"synExt": {"pitch": 12}},
        {"synExt": {}},
    ]


def test_ext_param_may_be_a_plain_mapping() -> None:
    with serve(Reply(200, SUBMITTED)) as server, client(server) as api:
        api.text_to_speech_async(
            text="你好",
            voice_id=VOICE,
            ext_param={"synExt": {"duration": 5.2}, "transExt": {"transInfo": {}}},  # type: ignore[arg-type]
        )
    (received,) = server.received
    assert json.loads(json.loads(received.body)["ExtParam"]) == {
        "synExt": {"duration": 5.2},
        "transExt": {"transInfo": {}},
    }


def test_ext_param_may_be_its_json_text_and_is_checked_then_sent_compact() -> None:
    # The official SDK takes ExtParam as a JSON string; so does this client.
    with serve(Reply(200, SUBMITTED)) as server, client(server) as api:
        api.text_to_speech_async(
            text="你好",
            voice_id=VOICE,
            ext_param='{ "synExt": { "sampleRate": 8000, "pitch": -2 } }',
        )
    (received,) = server.received
    assert json.loads(received.body)["ExtParam"] == (
        '{"synExt":{"sampleRate":8000,"pitch":-2}}'
    )


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"synExt": {"pitch": 13}}', "ext_param.synExt.pitch"),
        ('{"synExt": {"sampleRate": 12000}}', "ext_param.synExt.sampleRate"),
        ('{"synExt": {"speed": 2}}', "ext_param.synExt.speed"),
        ("sampleRate=8000", "ext_param"),
        ("", "ext_param"),
        ("null", "ext_param"),
        ("[1, 2]", "ext_param"),
    ],
)
def test_ext_param_text_is_checked_like_the_document(
    silent: tuple[FakeService, Client], text: str, where: str
) -> None:
    fake, api = silent
    with pytest.raises(pydantic.ValidationError) as caught:
        api.text_to_speech_async(text="你好", voice_id=VOICE, ext_param=text)
    assert locations(caught.value) == {where}
    assert fake.calls == []


def test_the_readme_shows_submit_wait_audio_url_and_duration() -> None:
    readme = (
        SPEC.parents[2] / "generated" / "tts_tencent_mps" / "README.md"
    ).read_text(encoding="utf-8")
    usage = readme.split("```python\n", 1)[1].split("```", 1)[0]
    lines = [line.strip() for line in usage.splitlines()]
    submit = lines.index("job = client.text_to_speech_async(")
    # Methods return what the envelope holds, as the vendor's own SDKs do.
    wait = lines.index("done = client.wait_for_job(job.task_id, timeout=600)")
    url = lines.index("print(done.audio_url)")
    duration = lines.index(
        "print(done.ext_info.duration if done.ext_info is not None else None)"
    )
    assert submit < wait < url < duration
    # The official SDK: an omitted TextLang is detected, not taken for Chinese.
    assert "the default is Chinese" not in readme
    assert "without it, the service detects the" in readme


def test_a_bad_region_is_refused_when_the_client_is_created() -> None:
    for region in ("ap guangzhou", "广州", ""):
        with pytest.raises(pydantic.ValidationError) as caught:
            Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region=region)
        assert locations(caught.value) == {"region"}


# --- construction ---------------------------------------------------------------------------


def test_credentials_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("TENCENTCLOUD_SESSION_TOKEN", SESSION_TOKEN)
    with serve(Reply(200, SUCCESS)) as server, Client(base_url=server.url) as api:
        api.describe_text_to_speech_async_task(task_id=TASK)
        shown = repr(api)
    (received,) = server.received
    verify_tc3(received)
    assert received.headers["x-tc-token"] == SESSION_TOKEN
    assert SECRET_KEY not in shown and SESSION_TOKEN not in shown
    assert SECRET_ID not in shown


def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDfromtheenvironment")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", "not-this-key")
    with serve(Reply(200, SUCCESS)) as server, client(server) as api:
        api.describe_text_to_speech_async_task(task_id=TASK)
    (received,) = server.received
    assert verify_tc3(received)["id"] == SECRET_ID
    assert "x-tc-token" not in received.headers


def test_missing_credentials_name_the_arguments_and_the_environment() -> None:
    with pytest.raises(ValueError, match="TENCENTCLOUD_SECRET_ID") as caught:
        Client()
    assert "secret_id=" in str(caught.value)
    with pytest.raises(ValueError, match="secret_key"):
        Client(secret_id=SECRET_ID)


def test_endpoints() -> None:
    with Client(secret_id=SECRET_ID, secret_key=SECRET_KEY) as api:
        assert api.base_url == "https://mps.tencentcloudapi.com"
    with Client(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        endpoint="mps.intl.tencentcloudapi.com",
    ) as api:
        assert api.base_url == "https://mps.intl.tencentcloudapi.com"
    with pytest.raises(ValueError, match=re.escape("mps.intl.tencentcloudapi.com")):
        Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, endpoint="mps.example.com")


# --- what the spec relies on is checked when generating -------------------------------------

SPEC = Path(__file__).resolve().parents[2] / "specs" / "tencent-mps" / "openapi.yaml"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "x-sdkgen-signer-options: {service: mps}",
            "x-sdkgen-signer-options: {servise: mps}",
            "/components/securitySchemes/tc3/x-sdkgen-signer-options/servise: "
            "the signer takes no option 'servise'; it takes ['service']",
        ),
        (
            "x-sdkgen-signer-options: {service: mps}",
            "x-sdkgen-signer-options: {service: [mps]}",
            "/components/securitySchemes/tc3/x-sdkgen-signer-options: expected a map",
        ),
        (
            "authentication-codes: [AuthFailure]",
            "authentication-codes: AuthFailure",
            "/x-sdkgen-errors/authentication-codes: expected a list of vendor error codes",
        ),
        (
            "  failure-code: /ErrorCode\n",
            "",
            "/x-sdkgen-job/ok-codes: ok-codes need a failure-code",
        ),
        # Lifecycle pointers start inside the envelope: the old absolute form is
        # refused with the reason.
        (
            "job-id: /TaskId",
            "job-id: /Response/TaskId",
            "/x-sdkgen-job/job-id: TextToSpeechAsyncResult has no field 'Response': "
            "pointers start inside the envelope /Response (x-sdkgen-rpc), at what the "
            "method returns",
        ),
        (
            "envelope: /Response",
            "envelope: Response",
            "/x-sdkgen-rpc/envelope: expected a JSON pointer to an object, like /Response",
        ),
        (
            "envelope: /Response",
            "envelope: /Result",
            "/paths/~1TextToSpeechAsync/post/responses: TextToSpeechAsyncResponse has "
            "no object field 'Result', the envelope x-sdkgen-rpc names",
        ),
        (
            "envelope: /Response",
            "envelope: /Response/RequestId",
            "/paths/~1TextToSpeechAsync/post/responses: TextToSpeechAsyncResult has "
            "no object field 'RequestId', the envelope x-sdkgen-rpc names",
        ),
        (
            "query-parameter: TaskId",
            "query-parameter: TaskID",
            "/x-sdkgen-job/query-parameter: DescribeTextToSpeechAsyncTask has no "
            "parameter or body field 'TaskID'",
        ),
        (
            "      required: [TaskId]\n      properties:\n        TaskId:\n"
            "          type: string\n          minLength: 1\n",
            "      required: [TaskId, Extra]\n      properties:\n        Extra:\n"
            "          type: string\n        TaskId:\n          type: string\n"
            "          minLength: 1\n",
            "/x-sdkgen-job/query: wait_for_job passes on no body field, and "
            "DescribeTextToSpeechAsyncTask requires 'Extra'",
        ),
    ],
)
def test_a_misspelt_extension_is_refused_at_its_place(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    text = SPEC.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    spec = tmp_path / "openapi.yaml"
    spec.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        build(load_openapi(spec, "mps.yaml"), "tencent-mps", "mps.yaml", "")
    assert str(caught.value).startswith(f"mps.yaml: {expected}"), str(caught.value)
