"""The validation policy on the Huawei package: strict in what it sends, tolerant in what it
receives. Wrong types are refused before anything is sent; new or missing job states never
break a wait."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pydantic
import pytest
from tts_huawei_metastudio import (
    AsyncClient,
    Client,
    CreateAsyncTtsJobRequestBody,
    ShowAsyncTtsJobResponse,
    TtsCallBackConfig,
)
from tts_huawei_metastudio._runtime import received
from tts_huawei_metastudio.errors import JobTimeoutError
from tts_huawei_metastudio.testing import FakeService

from tests.client.test_validation import (
    AK,
    PROJECT,
    SK,
    VOICE,
    Recorder,
    error_fields,
)
from tests.support.server import Reply, ScriptedServer, serve

JOB = "26f06524-4f75-4b3a-a853-b649a21aaf66"
TOKEN = "MIIZ-secret-iam-token"


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def api(recorder: Recorder) -> Any:
    with (
        recorder.http() as http,
        Client(ak=AK, sk=SK, project_id=PROJECT, http_client=http) as client,
    ):
        yield client


# --- strict requests -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("channels", True),  # lax mode sent 1
        ("need_timestamp", "yes"),  # lax mode sent true
        ("speed", "120"),  # lax mode sent 120
        ("text", b"bytes"),  # lax mode sent "bytes"
        ("speed", 120.0),  # a float is not an int, even a whole one
        ("silence_flag", 1),
        ("callback_config", {"callback_url": 5}),
    ],
)
def test_a_wrong_type_is_refused_before_sending(
    api: Client, recorder: Recorder, argument: str, value: object
) -> None:
    arguments: dict[str, Any] = {"text": "Hello", "voice_asset_id": VOICE}
    arguments[argument] = value
    with pytest.raises(pydantic.ValidationError) as caught:
        api.create_async_tts_job(**arguments)
    assert {f.split(".")[0] for f in error_fields(caught.value)} == {argument}
    assert recorder.requests == []


def test_what_the_annotations_promise_is_accepted(
    api: Client, recorder: Recorder
) -> None:
    api.create_async_tts_job(
        text="Hello",
        voice_asset_id=VOICE,
        callback_config={"callback_url": "https://cb"},  # type: ignore[arg-type]
    )
    api.create_async_tts_job(
        text="Hello",
        voice_asset_id=VOICE,
        callback_config=TtsCallBackConfig(callback_url="https://cb"),
    )
    bodies = [request.content for request in recorder.requests]
    assert bodies[0] == bodies[1]
    assert b'"callback_config":{"callback_url":"https://cb"}' in bodies[0]


def test_request_models_are_strict_when_built_directly() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        CreateAsyncTtsJobRequestBody(text="Hello", voice_asset_id=VOICE, speed="120")  # type: ignore[arg-type]
    assert error_fields(caught.value) == {"speed"}


@pytest.mark.parametrize("value", ["用户", "a\r\nX-Injected: 1", "tab\there", "é"])
def test_a_header_value_that_is_not_printable_ascii_is_refused(
    api: Client, recorder: Recorder, value: str
) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        api.create_async_tts_job(text="t", voice_asset_id=VOICE, x_app_user_id=value)
    assert error_fields(caught.value) == {"x_app_user_id"}
    with pytest.raises(pydantic.ValidationError) as caught:
        api.show_async_tts_job(JOB, x_app_user_id=value)
    assert error_fields(caught.value) == {"x_app_user_id"}
    assert recorder.requests == []


def test_show_sends_the_user_id_header(api: Client, recorder: Recorder) -> None:
    api.show_async_tts_job(JOB, x_app_user_id="user-1")
    (request,) = recorder.requests
    assert request.headers["X-App-UserId"] == "user-1"
    # It is signed, like every header the client sends.
    assert "x-app-userid" in request.headers["Authorization"]


# --- tolerant responses ----------------------------------------------------------------------


def test_a_response_keeps_a_state_the_spec_does_not_list() -> None:
    response = ShowAsyncTtsJobResponse.model_validate({"state": "QUEUED"})
    assert response.state == "QUEUED"
    assert ShowAsyncTtsJobResponse.model_validate({}).state is None
    # Responses stay lax: a number where the spec says string is kept as text.
    assert ShowAsyncTtsJobResponse.model_validate({"code": 0}).code == "0"


def _client(server: ScriptedServer) -> Client:
    return Client(token=TOKEN, project_id=PROJECT, base_url=server.url)


def test_wait_goes_on_through_an_unknown_and_a_missing_state(
    caplog: pytest.LogCaptureFixture,
) -> None:
    replies = [
        Reply(200, {"state": "QUEUED"}),
        Reply(200, {"state": "QUEUED"}),
        Reply(200, {"code": "0"}),
        Reply(200, {"state": "SUCCEED", "audio_file_url": "https://obs/a.mp3"}),
    ]
    with (
        caplog.at_level(logging.WARNING, logger="tts_huawei_metastudio"),
        serve(*replies) as server,
        _client(server) as api,
    ):
        done = api.wait_for_job(
            JOB, timeout=10, poll_interval=0.01, x_app_user_id="user-1"
        )
    assert (done.state, done.audio_file_url) == ("SUCCEED", "https://obs/a.mp3")
    assert len(server.received) == 4
    # Every poll carries the arguments wait_for_job passes on.
    assert {r.headers["x-app-userid"] for r in server.received} == {"user-1"}
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    # Logged once per unseen value, not once per poll.
    assert warnings == [
        f"job {JOB} reports state 'QUEUED', which the API does not document; still waiting",
        f"job {JOB} reports no state, which the API does not document; still waiting",
    ]


def test_a_job_stuck_in_an_unknown_state_times_out_naming_it() -> None:
    # On the fake's virtual clock: ten minutes of polling take no real time.
    fake = FakeService()
    job = fake.add_job(state="ARCHIVING")
    with fake.client() as api, pytest.raises(JobTimeoutError) as caught:
        api.wait_for_job(job.id, timeout=600, poll_interval=3)
    assert caught.value.state == "ARCHIVING"
    assert (
        str(caught.value)
        == f"job {job.id} still in state ARCHIVING after waiting 600 s"
    )
    assert 600 <= fake.clock.elapsed < 620
    assert len(fake.calls) > 30  # every 3 s, growing to 15 s


def test_a_job_with_no_state_times_out_saying_so() -> None:
    async def scenario(server: ScriptedServer) -> None:
        async with AsyncClient(
            token=TOKEN, project_id=PROJECT, base_url=server.url
        ) as api:
            with pytest.raises(JobTimeoutError) as caught:
                await api.wait_for_job(JOB, timeout=0.2, poll_interval=0.05)
        assert caught.value.state is None
        assert str(caught.value) == f"job {JOB} reported no state after waiting 0.2 s"

    with serve(Reply(200, {"message": "busy"})) as server:
        asyncio.run(scenario(server))


def test_a_field_of_the_wrong_kind_costs_nothing_but_itself(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Before the tolerant-in rule this raised APIResponseValidationError on every poll.
    received._REPORTED.clear()  # logged once per process: forget earlier tests
    replies = [
        Reply(200, {"state": "WAITING", "audio_info_file_url": 5, "message": ["busy"]}),
        Reply(
            200,
            {
                "state": "SUCCEED",
                "audio_file_url": "https://obs/a.mp3",
                "audio_info_file_url": {"url": "https://obs/a.json", "expires": 3600},
                "message": ["done"],
            },
        ),
    ]
    with (
        caplog.at_level(logging.WARNING, logger="tts_huawei_metastudio"),
        serve(*replies) as server,
        _client(server) as api,
    ):
        done = api.wait_for_job(JOB, timeout=10, poll_interval=0.01)
    assert (done.state, done.audio_file_url) == ("SUCCEED", "https://obs/a.mp3")
    assert done.audio_info_file_url is None
    assert done.model_extra == {
        "audio_info_file_url": {"url": "https://obs/a.json", "expires": 3600},
        "message": ["done"],
    }
    kept = [
        r.getMessage() for r in caplog.records if "does not parse" in r.getMessage()
    ]
    # Once per model and field: `message` failed on both polls.
    assert [m.split(":")[0] for m in kept] == [
        "ShowAsyncTtsJobResponse.message",  # the first poll
        "ShowAsyncTtsJobResponse.audio_info_file_url",  # the second
    ]
