"""The generated Huawei client refuses bad input before sending anything; construction and callbacks."""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pydantic
import pytest
from tts_huawei_metastudio import (
    AsyncClient,
    Client,
    CreateAsyncTtsJobRequestBody,
    ShowAsyncTtsJobResponse,
    TtsCallBackConfig,
    TtsCallbackEvent,
    parse_callback,
)

AK, SK = "QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
PROJECT = "3f0924078d1b471c884a5383d4dec9fa"
VOICE = "c84054e7f29543048d585f61248c64c9"
JOB = "26f06524-4f75-4b3a-a853-b649a21aaf66"
ENVIRONMENT = (
    "HUAWEICLOUD_SDK_AK",
    "HUAWEICLOUD_SDK_SK",
    "HUAWEICLOUD_SDK_SECURITY_TOKEN",
    "HUAWEICLOUD_SDK_PROJECT_ID",
)


@dataclass
class Recorder:
    """An httpx MockTransport handler that records every request and answers like the vendor."""

    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.method == "POST":
            return httpx.Response(200, json={"job_id": JOB})
        return httpx.Response(
            200, json={"state": "SUCCEED", "code": "0", "message": "ok"}
        )

    def http(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))

    def async_http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self))


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def api(recorder: Recorder) -> Iterator[Client]:
    with (
        recorder.http() as http,
        Client(ak=AK, sk=SK, project_id=PROJECT, http_client=http) as client,
    ):
        yield client


def error_fields(error: pydantic.ValidationError) -> set[str]:
    return {".".join(str(part) for part in e["loc"]) for e in error.errors()}


# --- bad arguments: refused before any request -----------------------------------------------


def test_speed_out_of_range(api: Client, recorder: Recorder) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        api.create_async_tts_job(text="Hello", voice_asset_id=VOICE, speed=300)
    assert error_fields(caught.value) == {"speed"}
    assert "speed" in str(caught.value)
    assert recorder.requests == []


def test_validation_errors_are_value_errors(api: Client, recorder: Recorder) -> None:
    # The docstrings promise `ValueError` (a pydantic.ValidationError names the argument).
    with pytest.raises(ValueError, match="speed"):
        api.create_async_tts_job(text="Hello", voice_asset_id=VOICE, speed=49)
    assert recorder.requests == []


def test_missing_text(api: Client, recorder: Recorder) -> None:
    with pytest.raises(TypeError, match="'text'"):
        api.create_async_tts_job(voice_asset_id=VOICE)  # type: ignore[call-arg]
    assert recorder.requests == []


def test_unknown_audio_format(api: Client, recorder: Recorder) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        api.create_async_tts_job(text="Hello", voice_asset_id=VOICE, audio_format="OGG")  # type: ignore[arg-type]
    assert error_fields(caught.value) == {"audio_format"}
    assert "'WAV'" in str(caught.value) and "'MP3'" in str(caught.value)
    assert recorder.requests == []


def test_unknown_keyword(api: Client, recorder: Recorder) -> None:
    with pytest.raises(TypeError, match="'sped'"):
        api.create_async_tts_job(text="Hello", voice_asset_id=VOICE, sped=120)  # type: ignore[call-arg]
    assert recorder.requests == []


def test_channels_zero(api: Client, recorder: Recorder) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        api.create_async_tts_job(text="Hello", voice_asset_id=VOICE, channels=0)
    assert error_fields(caught.value) == {"channels"}
    assert recorder.requests == []


def test_empty_callback_url(api: Client, recorder: Recorder) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        api.create_async_tts_job(
            text="Hello",
            voice_asset_id=VOICE,
            callback_config=TtsCallBackConfig(callback_url=""),
        )
    assert error_fields(caught.value) == {"callback_url"}
    assert recorder.requests == []


def test_empty_callback_url_as_a_mapping(api: Client, recorder: Recorder) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        api.create_async_tts_job(
            text="Hello",
            voice_asset_id=VOICE,
            callback_config={"callback_url": ""},  # type: ignore[arg-type]
        )
    assert error_fields(caught.value) == {"callback_config.callback_url"}
    assert recorder.requests == []


def test_wrong_type(api: Client, recorder: Recorder) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        api.create_async_tts_job(text=["not", "a", "string"], voice_asset_id=VOICE)  # type: ignore[arg-type]
    assert error_fields(caught.value) == {"text"}
    assert recorder.requests == []


def test_empty_job_id(api: Client, recorder: Recorder) -> None:
    with pytest.raises(ValueError, match="job_id"):
        api.show_async_tts_job("")
    assert recorder.requests == []


def test_async_client_refuses_too(recorder: Recorder) -> None:
    async def scenario() -> None:
        async with recorder.async_http() as http:
            client = AsyncClient(ak=AK, sk=SK, project_id=PROJECT, http_client=http)
            with pytest.raises(pydantic.ValidationError) as caught:
                await client.create_async_tts_job(
                    text="Hello", voice_asset_id=VOICE, speed=300
                )
            assert error_fields(caught.value) == {"speed"}
            with pytest.raises(ValueError, match="job_id"):
                await client.show_async_tts_job("")

    asyncio.run(scenario())
    assert recorder.requests == []


# --- models: strict requests, tolerant responses ---------------------------------------------


def test_request_model_forbids_unknown_fields() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        CreateAsyncTtsJobRequestBody(text="Hello", voice_asset_id=VOICE, sped=120)  # type: ignore[call-arg]
    assert error_fields(caught.value) == {"sped"}
    assert caught.value.errors()[0]["type"] == "extra_forbidden"
    with pytest.raises(pydantic.ValidationError):
        TtsCallBackConfig.model_validate({"callback_url": "https://x", "secret": "s"})


def test_response_model_keeps_unknown_fields() -> None:
    response = ShowAsyncTtsJobResponse.model_validate(
        {"state": "SUCCEED", "audio_file_url": "https://obs/a.mp3", "new_field": 1}
    )
    assert response.state == "SUCCEED"
    assert response.audio_file_url == "https://obs/a.mp3"
    assert response.model_extra == {"new_field": 1}
    assert response.model_dump()["new_field"] == 1


# --- what a valid call sends -----------------------------------------------------------------


def test_only_the_given_fields_are_sent(api: Client, recorder: Recorder) -> None:
    job = api.create_async_tts_job(
        text="Hello", voice_asset_id=VOICE, speed=120, audio_format="MP3"
    )
    assert job.job_id == JOB
    (request,) = recorder.requests
    assert request.method == "POST"
    assert request.url.path == f"/v1/{PROJECT}/ttsc/async-jobs"
    assert request.headers["content-type"] == "application/json"
    assert "x-app-userid" not in request.headers
    assert json.loads(request.content) == {
        "text": "Hello",
        "voice_asset_id": VOICE,
        "speed": 120,
        "audio_format": "MP3",
    }


def test_explicit_values_equal_to_defaults_are_sent(
    api: Client, recorder: Recorder
) -> None:
    api.create_async_tts_job(
        text="Hello",
        voice_asset_id=VOICE,
        priority=5,
        need_timestamp=False,
        callback_config=TtsCallBackConfig(callback_url="https://example.com/cb"),
        x_app_user_id="user-1",
    )
    (request,) = recorder.requests
    assert json.loads(request.content) == {
        "text": "Hello",
        "voice_asset_id": VOICE,
        "priority": 5,
        "need_timestamp": False,
        "callback_config": {"callback_url": "https://example.com/cb"},
    }
    assert request.headers["x-app-userid"] == "user-1"


def test_show_sends_the_encoded_job_id(api: Client, recorder: Recorder) -> None:
    result = api.show_async_tts_job("a/b c")
    assert result.state == "SUCCEED"
    (request,) = recorder.requests
    assert request.method == "GET"
    assert request.url.raw_path == f"/v1/{PROJECT}/ttsc/async-jobs/a%2Fb%20c".encode()
    assert request.content == b""


# --- client construction ---------------------------------------------------------------------


def test_no_credentials() -> None:
    with pytest.raises(ValueError, match="HUAWEICLOUD_SDK_AK") as caught:
        Client(project_id=PROJECT)
    assert "token=" in str(caught.value)


def test_missing_project_id() -> None:
    with pytest.raises(ValueError, match="HUAWEICLOUD_SDK_PROJECT_ID"):
        Client(ak=AK, sk=SK)


def test_half_a_key_pair_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^sk is required"):
        Client(ak=AK, project_id=PROJECT)


def test_unknown_region_names_the_known_ones() -> None:
    with pytest.raises(ValueError) as caught:
        Client(ak=AK, sk=SK, project_id=PROJECT, region="mars-1")
    message = str(caught.value)
    assert "mars-1" in message
    for region in ("cn-north-4", "cn-east-3", "ap-southeast-3"):
        assert region in message


def test_credentials_and_project_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, recorder: Recorder
) -> None:
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", "ENVAKENVAKENVAK")
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "env-secret")
    monkeypatch.setenv("HUAWEICLOUD_SDK_PROJECT_ID", "envproject0001")
    with recorder.http() as http, Client(http_client=http) as client:
        client.show_async_tts_job(JOB)
    (request,) = recorder.requests
    assert request.headers["authorization"].startswith(
        "SDK-HMAC-SHA256 Access=ENVAKENVAKENVAK,"
    )
    assert request.url.path == f"/v1/envproject0001/ttsc/async-jobs/{JOB}"
    assert request.url.host == "metastudio.cn-north-4.myhuaweicloud.com"
    assert request.headers["x-project-id"] == "envproject0001"
    assert "x-security-token" not in request.headers
    assert "env-secret" not in str(request.headers)


def test_security_token_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, recorder: Recorder
) -> None:
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", "ENVAKENVAKENVAK")
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "env-secret")
    monkeypatch.setenv("HUAWEICLOUD_SDK_SECURITY_TOKEN", "env-security-token")
    with (
        recorder.http() as http,
        Client(project_id=PROJECT, http_client=http) as client,
    ):
        client.show_async_tts_job(JOB)
    (request,) = recorder.requests
    assert request.headers["x-security-token"] == "env-security-token"
    assert "x-security-token" in request.headers["authorization"].lower()


def test_arguments_win_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, recorder: Recorder
) -> None:
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", "ENVAKENVAKENVAK")
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "env-secret")
    monkeypatch.setenv("HUAWEICLOUD_SDK_PROJECT_ID", "envproject0001")
    with (
        recorder.http() as http,
        Client(ak=AK, sk=SK, project_id=PROJECT, http_client=http) as client,
    ):
        client.show_async_tts_job(JOB)
    (request,) = recorder.requests
    assert request.headers["authorization"].startswith(f"SDK-HMAC-SHA256 Access={AK},")
    assert request.url.path == f"/v1/{PROJECT}/ttsc/async-jobs/{JOB}"


def test_token_is_sent_in_its_header(recorder: Recorder) -> None:
    with (
        recorder.http() as http,
        Client(token="iam-token", project_id=PROJECT, http_client=http) as client,
    ):
        client.show_async_tts_job(JOB)
    (request,) = recorder.requests
    assert request.headers["x-auth-token"] == "iam-token"
    assert "authorization" not in request.headers


def test_base_url(recorder: Recorder) -> None:
    with (
        recorder.http() as http,
        Client(
            token="t",
            project_id=PROJECT,
            base_url="https://proxy.example.com:8443/metastudio/",
            http_client=http,
        ) as client,
    ):
        assert client.base_url == "https://proxy.example.com:8443/metastudio"
        client.show_async_tts_job(JOB)
    (request,) = recorder.requests
    assert (request.url.scheme, request.url.host, request.url.port) == (
        "https",
        "proxy.example.com",
        8443,
    )
    assert request.url.path == f"/metastudio/v1/{PROJECT}/ttsc/async-jobs/{JOB}"


def test_region(recorder: Recorder) -> None:
    with (
        recorder.http() as http,
        Client(
            token="t", project_id=PROJECT, region="cn-east-3", http_client=http
        ) as client,
    ):
        client.show_async_tts_job(JOB)
    (request,) = recorder.requests
    assert (
        str(request.url)
        == f"https://metastudio.cn-east-3.myhuaweicloud.com/v1/{PROJECT}/ttsc/async-jobs/{JOB}"
    )


def test_base_url_needs_a_scheme() -> None:
    with pytest.raises(ValueError, match="base_url"):
        Client(token="t", project_id=PROJECT, base_url="proxy.example.com")


# --- callbacks -------------------------------------------------------------------------------


def test_parse_callback_gives_typed_values() -> None:
    event = parse_callback(
        b'{"status":"FINISHED","job_id":"j","audio_duration":"12.5","extra":1}'
    )
    assert isinstance(event, TtsCallbackEvent)
    assert event.status == "FINISHED"
    assert event.job_id == "j"
    assert isinstance(event.audio_duration, float) and event.audio_duration == 12.5
    assert event.audio_file_download_url is None
    assert event.model_extra == {"extra": 1}


def test_parse_callback_keeps_a_status_the_spec_does_not_list() -> None:
    event = parse_callback(b'{"status":"ARCHIVED","job_id":"j"}')
    assert (event.status, event.job_id) == ("ARCHIVED", "j")


def test_parse_callback_accepts_text() -> None:
    event = parse_callback('{"status":"ERROR","job_id":"j2"}')
    assert (event.status, event.job_id, event.audio_duration) == ("ERROR", "j2", None)


@pytest.mark.parametrize(
    ("body", "field_name", "raw"),
    [
        (b'{"status":["FINISHED"],"job_id":"j"}', "status", ["FINISHED"]),
        (b'{"status":"FINISHED","job_id":{"id":"j"}}', "job_id", {"id": "j"}),
        (
            b'{"status":"FINISHED","job_id":"j","audio_duration":"long"}',
            "audio_duration",
            "long",
        ),
    ],
)
def test_parse_callback_keeps_what_does_not_parse(
    body: bytes, field_name: str, raw: object
) -> None:
    # A callback is received: tolerant in, like a response (README, validation policy).
    event = parse_callback(body)
    assert getattr(event, field_name) is None
    assert event.model_extra == {field_name: raw}
    assert parse_callback(b'{"status":"FINISHED"}').job_id is None


def test_parse_callback_refuses_non_json() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        parse_callback(b"status=FINISHED")
    assert caught.value.errors()[0]["type"] == "json_invalid"


# --- every package: errors name the Python arguments; text UTF-8 cannot encode -------------

LONE = "a\ud800"


def _refused_by(
    package: str, options: dict[str, str], call: Callable[[Any], Any]
) -> pydantic.ValidationError:
    """The ValidationError `call` raises on a client of `package`, which sent nothing."""
    sent: list[httpx.Request] = []
    module = importlib.import_module(package)
    with (
        httpx.Client(transport=httpx.MockTransport(sent.append)) as http,  # type: ignore[arg-type]
        module.Client(**options, http_client=http, max_retries=0) as client,
    ):
        with pytest.raises(pydantic.ValidationError) as caught:
            call(client)
    assert sent == []
    return caught.value


HUAWEI = ("tts_huawei_metastudio", {"ak": AK, "sk": SK, "project_id": PROJECT})
MPS = ("tts_tencent_mps", {"secret_id": "AKIDx", "secret_key": "k"})
ICE = ("tts_alibaba_ice", {"access_key_id": "id", "access_key_secret": "k"})
ICE_SUBMIT = {
    "editing_config": {"voice": "Siqi"},
    "output_config": {"bucket": "b", "object": "o"},
    "input_config": "text",
}


@pytest.mark.parametrize(
    ("package", "call", "where"),
    [
        # A required argument left at None is named, not its wire name ("Text").
        (MPS, lambda c: c.text_to_speech_async(text=None, voice_id="v"), ("text",)),
        (
            MPS,
            lambda c: c.describe_text_to_speech_async_task(task_id=None),
            ("task_id",),
        ),
        (
            HUAWEI,
            lambda c: c.create_async_tts_job(text=None, voice_asset_id=VOICE),
            ("text",),
        ),
        # Text with a lone surrogate: no UTF-8 can carry it, in a body, a query or a path.
        (
            HUAWEI,
            lambda c: c.create_async_tts_job(text=LONE, voice_asset_id=VOICE),
            ("text",),
        ),
        (HUAWEI, lambda c: c.show_async_tts_job(LONE), ("job_id",)),
        (
            MPS,
            lambda c: c.text_to_speech_async(
                text="t", voice_id="v", ext_param={"transExt": {"k": [LONE]}}
            ),
            ("ext_param", "trans_ext", "k", 0),
        ),
        (
            MPS,
            lambda c: c.text_to_speech_async(
                text="t", voice_id="v", ext_param={"transExt": {LONE: 1}}
            ),
            # (pydantic's errors() shows such a key in another form: not compared)
            ("ext_param", "trans_ext", ...),
        ),
        (
            ICE,
            lambda c: c.submit_audio_produce_job(
                **{**ICE_SUBMIT, "input_config": LONE}
            ),
            ("input_config",),
        ),
        (
            ICE,
            lambda c: c.submit_audio_produce_job(
                **{**ICE_SUBMIT, "editing_config": {"voice": LONE}}
            ),
            ("editing_config", "voice"),
        ),
    ],
)
def test_errors_name_the_argument_and_nothing_is_sent(
    package: tuple[str, dict[str, str]],
    call: Callable[[Any], Any],
    where: tuple[Any, ...],
) -> None:
    error = _refused_by(*package, call)
    (detail,) = error.errors()
    assert len(detail["loc"]) == len(where)
    assert all(w is ... or w == at for w, at in zip(where, detail["loc"], strict=True))
    assert isinstance(error, ValueError)


# --- URLs longer than the client can send: refused before sending ----------------------------


def test_a_long_chinese_input_config_is_refused_by_name_before_sending() -> None:
    # 7,300 Chinese characters are 65,700 characters of query: over httpx's 65,536,
    # though under the vendor's 10,000 characters.
    text = "语" * 7_300
    error = _refused_by(
        *ICE,
        lambda c: c.submit_audio_produce_job(**{**ICE_SUBMIT, "input_config": text}),
    )
    (detail,) = error.errors()
    assert detail["loc"] == ("input_config",)
    assert detail["type"] == "url_too_long"
    assert error.title == "SubmitAudioProduceJob"
    assert "65,536" in detail["msg"] and "input_config takes 65,7" in detail["msg"]


def test_the_longest_url_the_client_can_send_is_sent() -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"RequestId": "r", "JobId": "j"})

    module = importlib.import_module(ICE[0])
    base = "https://ice.example"
    with (
        httpx.Client(transport=httpx.MockTransport(answer)) as http,
        module.Client(**ICE[1], base_url=base, http_client=http) as client,
    ):
        probe = client.submit_audio_produce_job(**{**ICE_SUBMIT, "input_config": "x"})
        assert probe.job_id == "j"
        # A Chinese character takes 9 URL characters, an ASCII letter 1: the longest
        # text that fits, to the character.
        room = 65_536 - (len(str(sent[-1].url)) - 1)
        longest = "语" * (room // 9) + "x" * (room % 9)
        client.submit_audio_produce_job(**{**ICE_SUBMIT, "input_config": longest})
        assert len(str(sent[-1].url)) == 65_536
        with pytest.raises(pydantic.ValidationError) as caught:
            client.submit_audio_produce_job(
                **{**ICE_SUBMIT, "input_config": longest + "x"}
            )
    assert len(sent) == 2
    assert caught.value.errors()[0]["loc"] == ("input_config",)


def test_a_path_too_long_for_a_url_names_the_operation() -> None:
    error = _refused_by(*HUAWEI, lambda c: c.show_async_tts_job("j" * 70_000))
    (detail,) = error.errors()
    assert (error.title, detail["type"]) == ("ShowAsyncTtsJob", "url_too_long")
    assert "more than the 65,536 the client can send" in detail["msg"]
