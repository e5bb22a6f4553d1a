"""The generated Alibaba ICE client against real HTTP on loopback: the query it puts on the
wire, its ACS3-HMAC-SHA256 signature checked as a server would, input refused before
sending, responses it cannot use, retries, credentials and regions."""

from __future__ import annotations

import asyncio
import enum
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pydantic
import pytest
from tts_alibaba_ice import (
    DEFAULT_REGION,
    REGIONS,
    AsyncClient,
    Client,
    EditingConfig,
    OutputConfig,
    UserData,
)
from tts_alibaba_ice._runtime import received
from tts_alibaba_ice._runtime.acs3_hmac_sha256 import canonical_request
from tts_alibaba_ice.errors import (
    APIResponseValidationError,
    InternalServerError,
    PermissionDeniedError,
)
from tts_alibaba_ice.testing import FakeService

from tests.support.server import Received, Reply, ScriptedServer, serve

AK, SK = "YourAccessKeyId", "YourAccessKeySecret"
TOKEN = "CAIS-test-sts-security-token"
JOB = "****20b48fb04483915d4f2cd8ac****"
SUBMITTED = {
    "RequestId": "******11-DB8D-4A9A-875B-275798******",
    "JobId": JOB,
    "State": "Created",
    "MediaId": "****2bcbfcfa30fccb36f72dca22****",
}
FINISHED = {"RequestId": "r-200", "JobId": JOB, "State": "Finished"}
ENVIRONMENT = (
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
)

# Text with every character RFC 3986 and form encoding disagree on, and some that are not
# ASCII: `~` is unreserved (kept), `! ' ( ) *` are not (escaped), a space is %20, `+` is %2B.
TITLE = "Hi ~!'()* +你好"
TEXT = "a b+c ~!'()* 测试文本"
OBJECT = "dir/a b+c~!'()*测试"
# What the server must receive for them, byte for byte (written out, not computed).
RAW_QUERY = (
    "EditingConfig=%7B%22voice%22%3A%22Siqi%22%7D"
    "&OutputConfig=%7B%22bucket%22%3A%22my_bucket%22%2C%22object%22%3A"
    "%22dir%2Fa%20b%2Bc~%21%27%28%29%2A%E6%B5%8B%E8%AF%95%22%7D"
    "&InputConfig=a%20b%2Bc%20~%21%27%28%29%2A%20%E6%B5%8B%E8%AF%95%E6%96%87%E6%9C%AC"
    "&Title=Hi%20~%21%27%28%29%2A%20%2B%E4%BD%A0%E5%A5%BD"
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with serve(Reply(200, SUBMITTED)) as running:
        yield running


def client(server: ScriptedServer, **options: Any) -> Client:
    return Client(
        access_key_id=AK, access_key_secret=SK, base_url=server.url, **options
    )


def submit(api: Client, **arguments: Any) -> None:
    api.submit_audio_produce_job(
        **{
            "editing_config": EditingConfig(voice="Siqi"),
            "output_config": OutputConfig(bucket="my_bucket", object="target_audio"),
            "input_config": "Test text",
            **arguments,
        }
    )


# --- what a server verifies ----------------------------------------------------------------


def server_signature(received: Received, secret: str) -> tuple[str, str]:
    """(SignedHeaders, Signature) as the gateway recomputes them from the raw request:
    Alibaba's ACS3-HMAC-SHA256, written out here rather than taken from the client."""
    match = re.fullmatch(
        r"ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),"
        r"Signature=([0-9a-f]{64})",
        received.headers["authorization"],
    )
    assert match is not None, received.headers["authorization"]
    signed = match.group(2)
    path, _, query = received.path.partition("?")
    pairs = sorted(item.partition("=")[::2] for item in query.split("&") if item)
    canonical = "\n".join(
        [
            received.method,
            path,
            "&".join(f"{key}={value}" for key, value in pairs),
            "".join(
                f"{name}:{received.headers[name].strip()}\n"
                for name in signed.split(";")
            ),
            signed,
            hashlib.sha256(received.body).hexdigest(),
        ]
    )
    to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    expected = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    # The client's canonical form of what arrived is the same text.
    assert canonical == canonical_request(
        received.method,
        "http://" + received.headers["host"] + received.path,
        {name: received.headers[name] for name in signed.split(";")},
        received.body,
    )
    return signed, expected


def assert_verifies(
    received: Received, *, key_id: str = AK, secret: str = SK, token: str | None = None
) -> None:
    signed, expected = server_signature(received, secret)
    authorization = received.headers["authorization"]
    assert authorization == (
        f"ACS3-HMAC-SHA256 Credential={key_id},SignedHeaders={signed},"
        f"Signature={expected}"
    )
    names = [
        "host",
        "x-acs-action",
        "x-acs-content-sha256",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-version",
    ]
    if token is not None:
        names.append("x-acs-security-token")
        assert received.headers["x-acs-security-token"] == token
    else:
        assert "x-acs-security-token" not in received.headers
    assert signed.split(";") == sorted(names)
    assert received.headers["x-acs-content-sha256"] == hashlib.sha256(b"").hexdigest()
    assert re.fullmatch(r"[0-9a-f]{32}", received.headers["x-acs-signature-nonce"])
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", received.headers["x-acs-date"]
    )
    assert all(secret not in value for value in received.headers.values())


def assert_submit_wire(received: Received) -> None:
    assert received.method == "POST"
    # The request target exactly as it arrived (http.server keeps it as latin-1 text).
    assert received.path.encode("latin-1") == b"/?" + RAW_QUERY.encode()
    assert received.body == b""
    assert received.headers["x-acs-action"] == "SubmitAudioProduceJob"
    assert received.headers["x-acs-version"] == "2020-11-09"
    assert "content-type" not in received.headers
    # Decoded, it is the text given: UTF-8, and nothing turned into a space or lost.
    query = dict(item.split("=") for item in RAW_QUERY.split("&"))
    assert unquote(query["Title"]) == TITLE
    assert unquote(query["InputConfig"]) == TEXT
    assert json.loads(unquote(query["OutputConfig"])) == {
        "bucket": "my_bucket",
        "object": OBJECT,
    }


# --- the query and its signature ------------------------------------------------------------


def test_query_is_rfc3986_encoded_and_the_signature_verifies(
    server: ScriptedServer,
) -> None:
    with client(server) as api:
        submit(
            api,
            output_config=OutputConfig(bucket="my_bucket", object=OBJECT),
            input_config=TEXT,
            title=TITLE,
        )

    (received,) = server.received
    assert_submit_wire(received)
    assert_verifies(received)


def test_security_token_is_sent_and_signed(server: ScriptedServer) -> None:
    with client(server, security_token=TOKEN) as api:
        submit(
            api,
            output_config=OutputConfig(bucket="my_bucket", object=OBJECT),
            input_config=TEXT,
            title=TITLE,
        )

    (received,) = server.received
    assert_submit_wire(received)
    assert_verifies(received, token=TOKEN)
    # Signed: a token changed on the way no longer verifies.
    forged = Received(
        received.method,
        received.path,
        {**received.headers, "x-acs-security-token": TOKEN + "x"},
        received.body,
        received.at,
    )
    _signed, expected = server_signature(forged, SK)
    assert not received.headers["authorization"].endswith(expected)


def test_async_client_sends_the_same_query(server: ScriptedServer) -> None:
    async def run() -> None:
        async with AsyncClient(
            access_key_id=AK, access_key_secret=SK, base_url=server.url
        ) as api:
            await api.submit_audio_produce_job(
                editing_config=EditingConfig(voice="Siqi"),
                output_config=OutputConfig(bucket="my_bucket", object=OBJECT),
                input_config=TEXT,
                title=TITLE,
            )

    asyncio.run(run())

    (received,) = server.received
    assert_submit_wire(received)
    assert_verifies(received)


def test_documents_are_sent_as_compact_json_of_what_was_set(
    server: ScriptedServer,
) -> None:
    with client(server) as api:
        api.submit_audio_produce_job(
            editing_config={"voice": "Siqi", "format": "MP3", "volume": 50},  # type: ignore[arg-type]
            output_config={"bucket": "my_bucket", "object": "target_audio"},  # type: ignore[arg-type]
            input_config="Test text",
            user_data=UserData(notify_address="ice-callback-demo"),
            overwrite=True,
        )

    (received,) = server.received
    query = dict(item.split("=") for item in received.path.partition("?")[2].split("&"))
    assert {name: unquote(value) for name, value in query.items()} == {
        "EditingConfig": '{"voice":"Siqi","format":"MP3","volume":50}',
        "OutputConfig": '{"bucket":"my_bucket","object":"target_audio"}',
        "InputConfig": "Test text",
        "UserData": '{"NotifyAddress":"ice-callback-demo"}',
        "Overwrite": "true",
    }


# --- bad input is refused before anything is sent ------------------------------------------


@pytest.fixture
def fake() -> FakeService:
    return FakeService()


def refused(fake: FakeService, **arguments: Any) -> pydantic.ValidationError:
    """The error of a submit with `arguments`, refused before anything reached the fake
    (which would have refused it too: it checks what it receives against the spec)."""
    with fake.client() as api:
        with pytest.raises(pydantic.ValidationError) as caught:
            submit(api, **arguments)
    assert fake.calls == []
    assert isinstance(caught.value, ValueError)
    return caught.value


def notify(size: int) -> UserData:
    """UserData whose compact JSON is `size` bytes."""
    overhead = len('{"NotifyAddress":""}')
    return UserData(
        notify_address="https://example.com/" + "a" * (size - overhead - 20)
    )


def test_user_data_over_512_bytes_is_refused(fake: FakeService) -> None:
    error = refused(fake, user_data=notify(600))

    (detail,) = error.errors()
    assert detail["loc"] == ("user_data",)
    assert "at most 512 bytes" in detail["msg"] and "this is 600" in detail["msg"]
    assert "user_data" in str(error)
    with fake.client() as api:
        submit(api, user_data=notify(512))
    # Sent, and accepted by the fake, which checks it against the spec too.
    assert [call.status for call in fake.calls] == [200]


def test_editing_config_volume_over_100_is_refused(fake: FakeService) -> None:
    error = refused(fake, editing_config={"voice": "Siqi", "volume": 101})

    (detail,) = error.errors()
    assert detail["loc"] == ("editing_config", "volume")
    assert detail["type"] == "less_than_equal"
    assert "editing_config.volume" in str(error)


def test_unknown_editing_config_key_is_refused(fake: FakeService) -> None:
    error = refused(fake, editing_config={"voice": "Siqi", "volumne": 50})

    (detail,) = error.errors()
    assert detail["loc"] == ("editing_config", "volumne")
    assert detail["type"] == "extra_forbidden"


def test_title_is_limited_in_utf8_bytes_not_characters(server: ScriptedServer) -> None:
    assert len(("标" * 43).encode()) == 129
    error = refused(FakeService(), title="标" * 43)

    (detail,) = error.errors()
    assert detail["loc"] == ("title",)
    assert "at most 128 bytes" in detail["msg"] and "this is 129" in detail["msg"]
    with client(server) as api:
        submit(api, title="标" * 42)  # 126 bytes
    (received,) = server.received
    assert received.path.endswith("&Title=" + "%E6%A0%87" * 42)


@pytest.mark.parametrize(
    ("argument", "text", "query"),
    [
        (
            "editing_config",
            '{ "voice": "Siqi" }',
            "EditingConfig=%7B%22voice%22%3A%22Siqi%22%7D",
        ),
        (
            "output_config",
            '{"bucket":"my_bucket", "object":"target_audio"}',
            "OutputConfig=%7B%22bucket%22%3A%22my_bucket%22%2C%22object%22%3A%22target_audio%22%7D",
        ),
        (
            "user_data",
            '{"NotifyAddress":"ice-callback-demo"}',
            "UserData=%7B%22NotifyAddress%22%3A%22ice-callback-demo%22%7D",
        ),
    ],
)
def test_a_json_string_is_taken_as_the_document_it_holds(
    server: ScriptedServer, argument: str, text: str, query: str
) -> None:
    # As the official SDK takes it; the document is checked, then sent compact.
    with client(server) as api:
        submit(api, **{argument: text})
    (received,) = server.received
    assert query in received.path.partition("?")[2].split("&")


@pytest.mark.parametrize(
    ("argument", "text", "where"),
    [
        (
            "editing_config",
            '{"voice": "Siqi", "volume": 101}',
            ("editing_config", "volume"),
        ),
        ("editing_config", "voice=Siqi", ("editing_config",)),
        ("output_config", "null", ("output_config",)),
        ("editing_config", '{"voice": "Siqi", "volume": NaN}', ("editing_config",)),
    ],
)
def test_a_json_string_is_checked_like_the_document(
    fake: FakeService, argument: str, text: str, where: tuple[str, ...]
) -> None:
    error = refused(fake, **{argument: text})

    (detail,) = error.errors()
    assert detail["loc"] == where
    assert argument in str(error)


# --- responses read tolerantly ------------------------------------------------------------

MEDIA_URL = "https://my_bucket.oss-cn-shanghai.aliyuncs.com/target_audio.mp3"


def finished(**job_result: Any) -> dict[str, Any]:
    return {
        **FINISHED,
        "JobResult": {"MediaId": "m-1", "MediaUrl": MEDIA_URL, **job_result},
    }


@pytest.mark.parametrize(
    ("ai_result", "starts", "ends"),
    [
        # A `.v1` sentence without its end time: its text and start still read.
        ('[{"text":"a","begin_time":0}]', [0.0], [None]),
        # A `.v2` sentence without `to`, beside a whole one.
        (
            '[{"content":"a","from":0},{"content":"b","from":1,"to":2}]',
            [0.0, 1.0],
            [None, 2.0],
        ),
        # Names no page shows: nothing reads, and nothing is lost.
        ('[{"sentence":"a","startMs":0}]', [None], [None]),
    ],
)
def test_a_third_shape_of_ai_result_never_loses_the_finished_job(
    ai_result: str, starts: list[float | None], ends: list[float | None]
) -> None:
    body = finished(AiResult=ai_result)
    with serve(Reply(200, body)) as server, client(server) as api:
        done = api.wait_for_job(JOB, timeout=5, poll_interval=0.01)
    assert done.state == "Finished"
    assert done.job_result is not None
    assert done.job_result.media_url == MEDIA_URL
    segments = done.job_result.ai_result or []
    assert [s.start for s in segments] == starts
    assert [s.end for s in segments] == ends
    # What no declared name took is kept, as it came.
    assert segments[0].model_extra == (
        {"sentence": "a", "startMs": 0} if starts == [None] else {}
    )


@pytest.mark.parametrize(
    ("body", "model", "field", "wire", "raw"),
    [
        (
            finished(AiResult="[{bad"),
            "JobResult",
            "ai_result",
            "AiResult",
            "[{bad",
        ),
        (
            finished(AiResult='[{"text":"a","begin_time":"soon"}]'),
            "AiSegment",
            "start",
            "start",
            "soon",
        ),
        (
            {**FINISHED, "SmartJobInfo": {"EditingConfig": "{bad"}},
            "SmartJobInfo",
            "editing_config",
            "EditingConfig",
            "{bad",
        ),
        (
            {**FINISHED, "SmartJobInfo": {"CreateTime": "2022/01/21 06:15:07"}},
            "SmartJobInfo",
            "create_time",
            "CreateTime",
            "2022/01/21 06:15:07",
        ),
        (
            {**FINISHED, "SmartJobInfo": {"CreateTime": ""}},
            "SmartJobInfo",
            "create_time",
            "CreateTime",
            "",
        ),
        (
            {**FINISHED, "JobResult": "pending"},
            "GetSmartHandleJobResponse",
            "job_result",
            "JobResult",
            "pending",
        ),
    ],
)
def test_a_field_that_does_not_parse_is_kept_raw_and_logged_once(
    caplog: pytest.LogCaptureFixture,
    body: dict[str, Any],
    model: str,
    field: str,
    wire: str,
    raw: str,
) -> None:
    received._REPORTED.clear()  # logged once per process: forget earlier cases
    with (
        caplog.at_level(logging.WARNING, logger="tts_alibaba_ice"),
        serve(Reply(200, body), Reply(200, body)) as server,
        client(server) as api,
    ):
        first = api.get_smart_handle_job(job_id=JOB)
        api.get_smart_handle_job(job_id=JOB)  # the same again: not logged again

    assert (first.state, first.job_id) == ("Finished", JOB)
    result = first.job_result
    holder: Any = {
        "GetSmartHandleJobResponse": first,
        "JobResult": result,
        "SmartJobInfo": first.smart_job_info,
        "AiSegment": result.ai_result[0] if result and result.ai_result else None,
    }[model]
    assert getattr(holder, field) is None
    assert holder.model_extra[wire] == raw
    logged = [
        r.getMessage() for r in caplog.records if f"{model}.{field}:" in r.getMessage()
    ]
    assert len(logged) == 1, caplog.text
    assert repr(wire) in logged[0]
    if raw:  # the value itself is never logged
        assert raw not in logged[0]


def test_received_editing_config_invents_no_defaults() -> None:
    body = {**FINISHED, "SmartJobInfo": {"EditingConfig": '{"voice":"Siqi"}'}}
    with serve(Reply(200, body)) as server, client(server) as api:
        job = api.get_smart_handle_job(job_id=JOB)
    assert job.smart_job_info is not None
    config = job.smart_job_info.editing_config
    assert config is not None and config.voice == "Siqi"
    # The request's defaults (volume 50, rates 0) are not what the service reported.
    assert (config.volume, config.speech_rate, config.pitch_rate) == (None, None, None)
    # Sending still fills nothing in either: only what was set travels.
    assert EditingConfig(voice="Siqi").model_dump(exclude_unset=True) == {
        "voice": "Siqi"
    }


@pytest.mark.parametrize(
    "body",
    [
        {"RequestId": "r-bad", "State": "Created"},
        {"RequestId": "r-bad", "JobId": {"id": JOB}, "State": "Created"},
        {"RequestId": "r-bad", "JobId": None},
    ],
)
def test_a_submit_answer_without_a_usable_job_id_is_refused(
    body: dict[str, Any],
) -> None:
    raw = json.dumps(body).encode()
    fake = FakeService()
    fake.fail_next("submit", status=200, body=raw)
    with fake.client() as api, pytest.raises(APIResponseValidationError) as caught:
        submit(api)
    assert [c.status for c in fake.calls] == [200]
    error = caught.value
    assert "JobId" in str(error) and "SubmitAudioProduceJobResponse" in str(error)
    assert (error.status_code, error.request_id, error.body) == (200, "r-bad", raw)


def test_user_data_takes_custom_keys_within_512_bytes(server: ScriptedServer) -> None:
    with client(server) as api:
        submit(api, user_data={"orderId": "42", "NotifyAddress": "ice-callback-demo"})
        submit(api, user_data=UserData(notify_address="q", orderId="42"))  # type: ignore[call-arg]
    sent = [
        json.loads(unquote(r.path.split("UserData=")[1].split("&")[0]))
        for r in server.received
    ]
    assert sent == [
        {"orderId": "42", "NotifyAddress": "ice-callback-demo"},
        {"NotifyAddress": "q", "orderId": "42"},
    ]
    # The declared key keeps its type; the document its byte limit.
    fresh = FakeService()
    error = refused(fresh, user_data={"NotifyAddress": 5, "orderId": "42"})
    assert [d["loc"] for d in error.errors()] == [("user_data", "NotifyAddress")]
    error = refused(fresh, user_data={"orderId": "4" * 600})
    assert "at most 512 bytes" in error.errors()[0]["msg"]


# --- retries --------------------------------------------------------------------------------


def test_a_submit_answered_500_is_not_retried() -> None:
    fake = FakeService()
    fake.fail_next("submit", status=500, code="InternalError", retry_after=0, times=2)
    with fake.client() as api, pytest.raises(InternalServerError) as caught:
        submit(api)

    assert len(fake.calls) == 1
    assert not fake.jobs
    error = caught.value
    assert (error.status_code, error.code) == (500, "InternalError")
    assert error.request_id is not None


def test_a_query_answered_503_is_retried() -> None:
    fake = FakeService()
    job = fake.complete(fake.add_job().id)
    fake.fail_next("query", status=503, code="ServiceUnavailable", retry_after=0)
    with fake.client() as api:
        result = api.get_smart_handle_job(job_id=job.id)

    assert (result.state, result.job_id) == ("Finished", job.id)
    first, second = fake.calls
    assert (first.status, second.status) == (503, 200)
    assert first.parameters == second.parameters
    assert second.headers["x-acs-action"] == "GetSmartHandleJob"
    # Each attempt is signed afresh (and the fake verified both signatures).
    assert (
        first.headers["x-acs-signature-nonce"]
        != second.headers["x-acs-signature-nonce"]
    )


# --- credentials ----------------------------------------------------------------------------


def test_credentials_come_from_the_environment(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_id, secret = "LTAI5tEnvironmentKey", "environment-secret-0123456789"
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", key_id)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret)
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)

    with Client(base_url=server.url) as api:
        text = repr(api)
        submit(api)

    (received,) = server.received
    assert_verifies(received, key_id=key_id, secret=secret, token=TOKEN)
    assert secret not in text and TOKEN not in text
    assert key_id not in text  # masked too
    assert "LTAI****" in text


def test_no_credentials_is_refused(server: ScriptedServer) -> None:
    with pytest.raises(ValueError, match="no credentials"):
        Client(base_url=server.url)
    with pytest.raises(ValueError, match="access_key_secret is required"):
        Client(access_key_id=AK, base_url=server.url)


def test_secrets_never_appear_in_reprs_or_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", AK)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SK)
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
    denied = Reply(
        403,
        {
            "RequestId": "r-403",
            "HostId": "ice.cn-shanghai.aliyuncs.com",
            "Code": "Forbidden.RAM",
            "Message": "User not authorized to operate on the specified resource.",
            "Recommend": "https://api.aliyun.com/troubleshoot?q=Forbidden.RAM",
        },
    )
    with serve(denied) as server, Client(base_url=server.url) as api:
        with pytest.raises(PermissionDeniedError) as caught:
            submit(api)
        client_text = repr(api)

    error = caught.value
    assert (error.status_code, error.code, error.request_id) == (
        403,
        "Forbidden.RAM",
        "r-403",
    )
    for text in (
        client_text,
        str(error),
        repr(error),
        error.message,
        error.body.decode(),
    ):
        assert SK not in text
        assert TOKEN not in text


# --- regions --------------------------------------------------------------------------------


def test_region_chooses_the_endpoint() -> None:
    assert REGIONS == (
        "ap-southeast-1",
        "cn-beijing",
        "cn-hangzhou",
        "cn-shanghai",
        "cn-shenzhen",
        "us-west-1",
    )
    assert DEFAULT_REGION == "cn-shanghai"
    with Client(access_key_id=AK, access_key_secret=SK, region="cn-beijing") as api:
        assert api.base_url == "https://ice.cn-beijing.aliyuncs.com"
    with Client(access_key_id=AK, access_key_secret=SK) as api:
        assert api.base_url == "https://ice.cn-shanghai.aliyuncs.com"


@pytest.mark.parametrize("region", ["cn-nowhere", "cn-beijing.evil.example", ""])
def test_an_unknown_region_is_refused(region: str) -> None:
    with pytest.raises(ValueError, match="region"):
        Client(access_key_id=AK, access_key_secret=SK, region=region)


# --- arguments sent as they were checked -------------------------------------------------


class _Kind(str, enum.Enum):  # noqa: UP042 (not StrEnum: its str() is not its value)
    FINISHED = "Finished"


class _Text(str):
    def __str__(self) -> str:
        return "not what was given"


def test_str_subclass_and_enum_arguments_are_sent_as_their_checked_value(
    server: ScriptedServer,
) -> None:
    # Plain arguments are read from the checked model, not from what was passed: an enum
    # member or a str subclass goes on the wire as the text it holds, as in the dump.
    with client(server) as api:
        submit(api, input_config=_Text("Test text"), title=_Kind.FINISHED)
        api.list_smart_jobs(
            job_state=_Kind.FINISHED,  # type: ignore[arg-type]
            job_type=_Text("TextToSpeech"),
        )

    first, second = server.received
    query = dict(item.split("=", 1) for item in first.path.partition("?")[2].split("&"))
    assert (query["InputConfig"], query["Title"]) == ("Test%20text", "Finished")
    assert "JobState=Finished" in second.path.split("?")[1].split("&")
    assert "JobType=TextToSpeech" in second.path.split("?")[1].split("&")
    assert_verifies(first)
