"""The generated Tencent CI client against real HTTP on loopback: its COS signature checked
as the server would check it (recomputed from the raw request that arrived), bad input
refused before anything is sent, tolerant XML responses and states, callbacks in XML and
JSON, hosts, errors and retries.

Every request body any test here sends is validated against `specs/tencent-ci/tts.xsd`
(XSD 1.1, with xmlschema) by the autouse fixture `sent`. The vendor's own COS worked example
is reproduced in tests/runtime/test_cos_sha1.py; the server side here is written from the
algorithm's description, not from the package's signer.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote
from xml.etree import ElementTree

import httpx
import pydantic
import pytest
import xmlschema
from tts_tencent_ci import (
    AsyncClient,
    CallBackMqConfig,
    Client,
    JobEvent,
    JobsResponse,
    Output,
    ReportedOutput,
    ReportedTtsConfig,
    TtsConfig,
    TtsTpl,
    parse_callback,
)
from tts_tencent_ci.errors import (
    APIResponseValidationError,
    APIStatusError,
    BadRequestError,
    InternalServerError,
    JobFailedError,
    JobTimeoutError,
    NotFoundError,
)
from tts_tencent_ci.testing import FakeService

from tests.support.server import Received, Reply, ScriptedServer, serve

SPECS = Path(__file__).parents[2] / "specs"
SCHEMA = xmlschema.XMLSchema11(str(SPECS / "tencent-ci" / "tts.xsd"))

SECRET_ID = "AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q"
SECRET_KEY = "BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz"
SESSION_TOKEN = "temporary-cos-session-token"
ENVIRONMENT = (
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "TENCENTCLOUD_SESSION_TOKEN",
)
JOB = "j8d121820f5e411ec926ef19d53ba9c6f"
XML_HEADERS = {"Content-Type": "application/xml", "x-ci-request-id": "r-header"}
CONFIG = TtsConfig(input_type="Text", input="Moonlight before my bed")
OUTPUT = Output(region="ap-chongqing", bucket="test-123456789", object="demo.mp3")
TTS_TPL = TtsTpl(codec="mp3", mode="Sync", speed=100, voice_type="ruxue", volume=0)


def job_xml(
    state: str, job_id: str = JOB, code: str = "Success", message: str = ""
) -> str:
    return (
        f"<JobsDetail><Code>{code}</Code><Message>{message}</Message>"
        f"<JobId>{job_id}</JobId><State>{state}</State><Tag>Tts</Tag>"
        "<Operation><Output><Region>ap-chongqing</Region><Bucket>test-123456789</Bucket>"
        f"<Object>output/{job_id}.mp3</Object></Output><JobLevel>0</JobLevel></Operation>"
        "</JobsDetail>"
    )


def jobs(*details: str, extra: str = "") -> Reply:
    return Reply(
        200, f"<Response>{''.join(details)}{extra}</Response>".encode(), XML_HEADERS
    )


def xml_error(status: int, code: str, message: str, request_id: str | None) -> Reply:
    rid = f"<RequestId>{request_id}</RequestId>" if request_id else ""
    body = (
        "<?xml version='1.0' encoding='utf-8' ?>\n<Error>"
        f"<Code>{code}</Code><Message>{message}</Message>"
        f"<Resource>/jobs</Resource>{rid}<TraceId>trace</TraceId></Error>"
    )
    return Reply(status, body.encode(), XML_HEADERS)


SUBMITTED = jobs(job_xml("Submitted"))
SUCCESS = jobs(job_xml("Success"))


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[httpx.Request]]:
    """Every request any httpx client sends in the test; afterwards, each body must be
    valid against the XSD."""
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
        if request.content:
            errors = [
                f"{error.path}: {error.reason}"
                for error in SCHEMA.iter_errors(request.content.decode())
            ]
            assert errors == [], request.content


def client(server: ScriptedServer, **options: Any) -> Client:
    return Client(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, base_url=server.url, **options
    )


# --- the vendor's algorithm, on the server side --------------------------------------------

AUTHORIZATION_FIELDS = [
    "q-sign-algorithm",
    "q-ak",
    "q-sign-time",
    "q-key-time",
    "q-header-list",
    "q-url-param-list",
    "q-signature",
]


def encode(text: str) -> str:
    """URL-encoding as COS signs: UTF-8, only A-Z a-z 0-9 and `-_.~` left as they are."""
    return quote(text, safe="")


def authorization(received: Received) -> dict[str, str]:
    parts = [
        part.split("=", 1) for part in received.headers["authorization"].split("&")
    ]
    fields = dict((name, value) for name, value in parts)
    assert list(fields) == AUTHORIZATION_FIELDS, received.headers["authorization"]
    return fields


def http_string(received: Received, *, decode_path: bool = True) -> str:
    """HttpString = lower(method)\\n<path>\\n<params>\\n<headers>\\n from the raw request:
    the path percent-decoded (unicode), the query's keys lowercased, keys and values
    encoded, sorted by key; the headers the Authorization names, likewise."""
    fields = authorization(received)
    raw_path, _, raw_query = received.path.partition("?")
    path = unquote(raw_path, errors="strict") if decode_path else raw_path
    params = []
    for item in raw_query.split("&") if raw_query else []:
        key, _, value = item.partition("=")
        params.append(
            (encode(unquote(key, errors="strict").lower()), encode(unquote(value)))
        )
    params.sort()
    assert fields["q-url-param-list"] == ";".join(key for key, _ in params)
    names = fields["q-header-list"].split(";") if fields["q-header-list"] else []
    assert names == sorted(names) and all(name == name.lower() for name in names)
    headers = [(encode(name), encode(received.headers[name].strip())) for name in names]
    return "\n".join(
        [
            received.method.lower(),
            path,
            "&".join(f"{key}={value}" for key, value in params),
            "&".join(f"{key}={value}" for key, value in headers),
            "",
        ]
    )


def verify_cos(
    received: Received, *, secret_key: str = SECRET_KEY, decode_path: bool = True
) -> dict[str, str]:
    """Check the q-sign-algorithm=sha1 signature of `received` as the server does.
    Returns the Authorization's fields and the HttpString."""
    fields = authorization(received)
    assert fields["q-sign-algorithm"] == "sha1"
    assert fields["q-sign-time"] == fields["q-key-time"]
    key_time = fields["q-key-time"]
    names = fields["q-header-list"].split(";")
    # The server wants the host signed, and every x-cos-* header that was sent.
    assert "host" in names
    assert {name for name in received.headers if name.startswith("x-cos-")} <= set(
        names
    )
    text = http_string(received, decode_path=decode_path)
    to_sign = f"sha1\n{key_time}\n{hashlib.sha1(text.encode()).hexdigest()}\n"
    key = hmac.new(secret_key.encode(), key_time.encode(), hashlib.sha1).hexdigest()
    expected = hmac.new(key.encode(), to_sign.encode(), hashlib.sha1).hexdigest()
    assert hmac.compare_digest(expected, fields["q-signature"]), (
        "signature does not verify"
    )
    return {**fields, "http_string": text}


def received_of(request: httpx.Request) -> Received:
    """An httpx request (a mock transport's) as the loopback server would record it."""
    return Received(
        request.method,
        request.url.raw_path.decode("ascii"),
        {name.lower(): value for name, value in request.headers.items()},
        request.content,
        time.monotonic(),
    )


def assert_sent_encoded(received: Received) -> None:
    # Percent-encoded ASCII on the wire: no raw UTF-8, no space, no `+` left for a server
    # to read as a space.
    assert received.path.isascii(), received.path
    assert " " not in received.path and "+" not in received.path


# --- signing traps --------------------------------------------------------------------------


def test_a_job_id_is_sent_encoded_and_signed_decoded() -> None:
    job_id = "任务 a+b~c"
    with serve(jobs(job_xml("Running", job_id))) as server, client(server) as api:
        result = api.describe_tts_jobs(job_id)
    assert result.jobs_detail[0].job_id == job_id
    (received,) = server.received
    assert_sent_encoded(received)
    # `~` is unreserved and stays; the space is %20 and `+` is %2B.
    assert received.path == "/jobs/%E4%BB%BB%E5%8A%A1%20a%2Bb~c"
    signed = verify_cos(received)
    assert signed["http_string"].split("\n")[1] == "/jobs/任务 a+b~c"
    assert signed["q-url-param-list"] == ""
    assert signed["q-header-list"] == "host"
    # The path as sent (encoded) is not what was signed; nor would another key verify.
    with pytest.raises(AssertionError, match="does not verify"):
        verify_cos(received, decode_path=False)
    with pytest.raises(AssertionError, match="does not verify"):
        verify_cos(received, secret_key="another-secret-key")


def test_several_job_ids_are_one_path_segment() -> None:
    ids = f"{JOB},j00000000000000000000000000000000"
    reply = jobs(
        job_xml("Success"),
        extra="<NonExistJobIds>j00000000000000000000000000000000</NonExistJobIds>",
    )
    with serve(reply) as server, client(server) as api:
        result = api.describe_tts_jobs(ids)
    (received,) = server.received
    assert received.path == f"/jobs/{JOB}%2Cj00000000000000000000000000000000"
    assert verify_cos(received)["http_string"].split("\n")[1] == f"/jobs/{ids}"
    assert result.non_exist_job_ids == ["j00000000000000000000000000000000"]


def test_query_values_are_encoded_and_query_keys_lowercased() -> None:
    with serve(jobs()) as server, client(server) as api:
        api.list_tts_jobs(
            queue_id="队列 x+y~z",
            states="Success,Failed",
            order_by_time="Asc",
            next_token="a/b=",
            start_creation_time="2025-11-24T15:00:00+0800",
        )
    (received,) = server.received
    assert_sent_encoded(received)
    path, _, query = received.path.partition("?")
    assert path == "/jobs"
    assert sorted(query.split("&")) == [
        "nextToken=a%2Fb%3D",
        "orderByTime=Asc",
        "queueId=%E9%98%9F%E5%88%97%20x%2By~z",
        "startCreationTime=2025-11-24T15%3A00%3A00%2B0800",
        "states=Success%2CFailed",
        "tag=Tts",
    ]
    signed = verify_cos(received)
    # Keys lowercased (queueId is queueid) and sorted; values encoded, `/` as %2F.
    assert signed["q-url-param-list"] == (
        "nexttoken;orderbytime;queueid;startcreationtime;states;tag"
    )
    assert signed["http_string"].split("\n")[2] == (
        "nexttoken=a%2Fb%3D&orderbytime=Asc&queueid=%E9%98%9F%E5%88%97%20x%2By~z"
        "&startcreationtime=2025-11-24T15%3A00%3A00%2B0800&states=Success%2CFailed"
        "&tag=Tts"
    )


def test_every_page_of_a_listing_is_signed_with_its_token() -> None:
    first = jobs(job_xml("Success"), extra="<NextToken>tok/1+=</NextToken>")
    last = jobs(job_xml("Failed", "j2"))
    with serve(first, last) as server, client(server) as api:
        listed = list(api.iter_list_tts_jobs(size=1))
    assert [job.job_id for job in listed] == [JOB, "j2"]
    one, two = server.received
    assert verify_cos(one)["q-url-param-list"] == "size;tag"
    signed = verify_cos(two)
    assert signed["q-url-param-list"] == "nexttoken;size;tag"
    assert "nexttoken=tok%2F1%2B%3D&" in signed["http_string"]


def test_sign_time_starts_before_now_and_ends_after_it() -> None:
    with serve(SUCCESS) as server, client(server) as api:
        before = time.time()
        api.describe_tts_jobs(JOB)
        after = time.time()
    (received,) = server.received
    start, end = map(int, verify_cos(received)["q-sign-time"].split(";"))
    # About a minute before now, for clocks a little ahead of the server's.
    assert before - 60 - 2 <= start <= after - 60 + 1
    assert start < before - 30
    assert end > after
    assert end - start <= 3600


def test_a_submit_signs_its_content_type_and_sends_the_xml() -> None:
    with serve(SUBMITTED) as server, client(server) as api:
        job = api.submit_tts_job(tts_tpl=TTS_TPL, tts_config=CONFIG, output=OUTPUT)
    assert job.jobs_detail[0].state == "Submitted"
    (received,) = server.received
    signed = verify_cos(received)
    assert signed["q-header-list"] == "content-type;host"
    assert signed["http_string"].startswith(
        "post\n/jobs\n\ncontent-type=application%2Fxml"
    )
    assert received.headers["content-type"] == "application/xml"
    assert received.body.startswith(b"<Request><Tag>Tts</Tag><Operation><TtsTpl>")
    assert "x-cos-security-token" not in received.headers


def test_a_cancel_signs_its_blank_parameter() -> None:
    with serve(Reply(200, b"", XML_HEADERS)) as server, client(server) as api:
        api.cancel_tts_job(JOB)
    (received,) = server.received
    assert (received.method, received.path, received.body) == (
        "PUT",
        f"/jobs/{JOB}?cancel=",
        b"",
    )
    signed = verify_cos(received)
    assert signed["q-url-param-list"] == "cancel"
    assert signed["http_string"].split("\n")[2] == "cancel="


def test_a_session_token_is_sent_and_signed() -> None:
    replies = [SUBMITTED, SUCCESS, Reply(200, b"", XML_HEADERS)]
    with (
        serve(*replies) as server,
        client(server, session_token=SESSION_TOKEN) as api,
    ):
        api.submit_tts_job(template_id="t1", tts_config=CONFIG, output=OUTPUT)
        api.describe_tts_jobs(JOB)
        api.cancel_tts_job(JOB)
    for received in server.received:
        assert received.headers["x-cos-security-token"] == SESSION_TOKEN
        signed = verify_cos(received)
        assert "x-cos-security-token" in signed["q-header-list"].split(";")
        assert f"x-cos-security-token={SESSION_TOKEN}" in signed["http_string"]
        assert SECRET_KEY not in str(received.headers)
    # Signed: another token on the way would not verify.
    swapped = server.received[1]
    headers = {**swapped.headers, "x-cos-security-token": "another-token"}
    tampered = Received(swapped.method, swapped.path, headers, swapped.body, swapped.at)
    with pytest.raises(AssertionError, match="does not verify"):
        verify_cos(tampered)


def test_credentials_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDenv")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", "env-secret-key")
    monkeypatch.setenv("TENCENTCLOUD_SESSION_TOKEN", "env-token")
    with serve(SUCCESS) as server, Client(base_url=server.url) as api:
        api.describe_tts_jobs(JOB)
    (received,) = server.received
    assert verify_cos(received, secret_key="env-secret-key")["q-ak"] == "AKIDenv"
    assert received.headers["x-cos-security-token"] == "env-token"


def test_no_credentials_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no credentials"):
        Client(base_url="http://127.0.0.1:9")
    with pytest.raises(ValueError, match="secret_key is required"):
        Client(secret_id=SECRET_ID, base_url="http://127.0.0.1:9")


def test_credentials_stay_out_of_the_repr() -> None:
    api = Client(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        session_token=SESSION_TOKEN,
        bucket="examplebucket-1250000000",
        region="ap-guangzhou",
    )
    assert SECRET_KEY not in repr(api) and SESSION_TOKEN not in repr(api)
    assert SECRET_ID not in repr(api)
    api.close()


def test_the_async_client_signs_the_same_way() -> None:
    async def run(server: ScriptedServer) -> JobsResponse:
        async with AsyncClient(
            secret_id=SECRET_ID,
            secret_key=SECRET_KEY,
            session_token=SESSION_TOKEN,
            base_url=server.url,
        ) as api:
            job = await api.submit_tts_job(
                tts_tpl=TTS_TPL, tts_config=CONFIG, output=OUTPUT
            )
            await api.describe_tts_jobs("任务 a+b~c")
            job_id = job.jobs_detail[0].job_id
            assert job_id is not None
            return await api.wait_for_job(job_id, poll_interval=0.001)

    replies = [SUBMITTED, SUCCESS, jobs(job_xml("Running")), SUCCESS]
    with serve(*replies) as server:
        done = asyncio.run(run(server))
    assert done.jobs_detail[0].state == "Success"
    assert len(server.received) == 4
    for received in server.received:
        verify_cos(received)
        assert received.headers["x-cos-security-token"] == SESSION_TOKEN
    assert server.received[1].path == "/jobs/%E4%BB%BB%E5%8A%A1%20a%2Bb~c"


# --- bad input: refused before anything is sent ---------------------------------------------


@pytest.fixture
def silent() -> Iterator[tuple[FakeService, Client]]:
    fake = FakeService()
    with fake.client() as api:
        yield fake, api


def locations(error: pydantic.ValidationError) -> list[tuple[str, ...]]:
    return [tuple(str(part) for part in e["loc"]) for e in error.errors()]


def submit_with(api: Client, **arguments: Any) -> None:
    options: dict[str, Any] = {"tts_config": CONFIG, "output": OUTPUT, **arguments}
    api.submit_tts_job(**options)


@pytest.mark.parametrize(
    ("arguments", "field", "message"),
    [
        (
            {"tts_tpl": {"speed": 300}},
            ("tts_tpl", "speed"),
            "less than or equal to 200",
        ),
        (
            {"tts_tpl": {"speed": 49}},
            ("tts_tpl", "speed"),
            "greater than or equal to 50",
        ),
        (
            {"tts_tpl": {"volume": 11}},
            ("tts_tpl", "volume"),
            "less than or equal to 10",
        ),
        ({"tts_tpl": {"volume": -11}}, ("tts_tpl", "volume"), "greater than or equal"),
        # Numbers, not text, although the wire carries them as text.
        ({"tts_tpl": {"speed": "300"}}, ("tts_tpl", "speed"), "valid integer"),
        ({"tts_tpl": {"speed": "150"}}, ("tts_tpl", "speed"), "valid integer"),
        ({"tts_tpl": {"volume": "0"}}, ("tts_tpl", "volume"), "valid integer"),
        ({"tts_tpl": {"speed": True}}, ("tts_tpl", "speed"), "valid integer"),
        ({"tts_tpl": {"mode": "Async"}}, ("tts_tpl", "mode"), "'Asyc' or 'Sync'"),
        ({"tts_tpl": {"codec": "ogg"}}, ("tts_tpl", "codec"), "'wav', 'mp3' or 'pcm'"),
        (
            {"tts_tpl": {"speeed": 100}},
            ("tts_tpl", "speeed"),
            "Extra inputs are not permitted",
        ),
        (
            {"tts_tpl": {"Speed": 100}},
            ("tts_tpl", "Speed"),
            "Extra inputs are not permitted",
        ),
        (
            {"template_id": "t1", "tts_config": {"input_type": "File", "input": "x"}},
            ("tts_config", "input_type"),
            "'Url' or 'Text'",
        ),
        (
            {
                "template_id": "t1",
                "tts_config": {"input_type": "Text", "input": "x" * 301},
            },
            # TtsConfig's own check (the cap depends on input_type), naming the field.
            ("tts_config",),
            "input: at most 300 characters when input_type is Text, not 301",
        ),
        (
            {"template_id": "t1", "tts_config": {"input_type": "Text", "input": ""}},
            ("tts_config", "input"),
            "at least 1 character",
        ),
        ({"template_id": "t1", "job_level": 3}, ("job_level",), "0, 1 or 2"),
        # pydantic's Literal takes True for 1 and 1.0 for 1 even when strict: not here.
        ({"template_id": "t1", "job_level": True}, ("job_level",), "not bool"),
        ({"template_id": "t1", "job_level": 1.0}, ("job_level",), "not float"),
        ({"template_id": "t1", "user_data": "数据"}, ("user_data",), "match pattern"),
        (
            {"template_id": "t1", "call_back_format": "YAML"},
            ("call_back_format",),
            "'JSON' or 'XML'",
        ),
        (
            {
                "template_id": "t1",
                "call_back_mq_config": {
                    "mq_region": "sh",
                    "mq_mode": "queue",
                    "mq_name": "q",
                },
            },
            ("call_back_mq_config", "mq_mode"),
            "'Queue' or 'Topic'",
        ),
    ],
)
def test_bad_arguments_are_refused_naming_them(
    silent: tuple[FakeService, Client],
    arguments: dict[str, Any],
    field: tuple[str, ...],
    message: str,
) -> None:
    fake, api = silent
    with pytest.raises(pydantic.ValidationError) as caught:
        submit_with(api, **arguments)
    (location,) = locations(caught.value)
    # The flattened Operation container shows in the location; the argument follows it.
    assert location[-len(field) :] == field, location
    assert message in str(caught.value)
    assert fake.calls == []


def test_neither_template_id_nor_tts_tpl_is_refused(
    silent: tuple[FakeService, Client],
) -> None:
    fake, api = silent
    with pytest.raises(pydantic.ValidationError) as caught:
        api.submit_tts_job(tts_config=CONFIG, output=OUTPUT)
    assert "give at least one of template_id, tts_tpl" in str(caught.value)
    assert fake.calls == []


@pytest.mark.parametrize(
    ("build", "field", "message"),
    [
        (lambda: TtsTpl(speed=300), "speed", "less than or equal to 200"),
        # Built by the caller, it is as strict as an argument: text is not a number.
        (lambda: TtsTpl(speed="300"), "speed", "valid integer"),  # type: ignore[arg-type]
        (lambda: TtsTpl(speed="150"), "speed", "valid integer"),  # type: ignore[arg-type]
        (lambda: TtsTpl(volume=11), "volume", "less than or equal to 10"),
        (lambda: TtsTpl(speeed=100), "speeed", "Extra inputs are not permitted"),  # type: ignore[call-arg]
        (
            lambda: TtsConfig(input_type="File", input="x"),  # type: ignore[arg-type]
            "input_type",
            "'Url' or 'Text'",
        ),
        (
            lambda: Output(region="ap-chongqing", bucket="", object="a"),
            "bucket",
            "at least 1",
        ),
    ],
)
def test_bad_models_are_refused_when_built(
    build: Any, field: str | None, message: str
) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        build()
    if field is not None:
        assert locations(caught.value) == [(field,)]
    assert message in str(caught.value)


# Characters XML 1.0 has no place for, escaped or not: the vendor's parser would refuse
# the whole document.
NOT_XML = ["\x00", "\x0b", "\x1f", "\ufffe", "\uffff", "\ud800", "\udfff"]
TEXT_ARGUMENTS = [
    ({"tts_config": {"input_type": "Text", "input": "a{}b"}}, ("tts_config", "input")),
    ({"tts_tpl": {"voice_type": "{}"}}, ("tts_tpl", "voice_type")),
    ({"tts_tpl": {"emotion": "x{}"}}, ("tts_tpl", "emotion")),
    ({"template_id": "t{}"}, ("template_id",)),
    ({"call_back": "https://x/{}"}, ("call_back",)),
    (
        {"output": {"region": "r", "bucket": "b", "object": "{}.mp3"}},
        ("output", "object"),
    ),
    (
        {
            "call_back_mq_config": {
                "mq_region": "sh",
                "mq_mode": "Queue",
                "mq_name": "{}",
            }
        },
        ("call_back_mq_config", "mq_name"),
    ),
]


@pytest.mark.parametrize("character", NOT_XML, ids=ascii)
@pytest.mark.parametrize(("template", "field"), TEXT_ARGUMENTS)
def test_text_xml_cannot_carry_is_refused_naming_the_argument(
    silent: tuple[FakeService, Client],
    character: str,
    template: dict[str, Any],
    field: tuple[str, ...],
) -> None:
    fake, api = silent
    arguments = _fill(template, character)
    if "template_id" not in arguments and "tts_tpl" not in arguments:
        arguments["template_id"] = "t1"
    with pytest.raises(pydantic.ValidationError) as caught:
        submit_with(api, **arguments)
    (location,) = locations(caught.value)
    assert location[-len(field) :] == field, location
    # pydantic refuses a lone surrogate itself where a length is checked (its check
    # needs UTF-8); every other case is the XML check's.
    (error,) = caught.value.errors()
    if error["type"] != "string_unicode":
        assert "is not a character XML 1.0 can carry" in error["msg"]
    assert fake.calls == []


def _fill(template: Any, character: str) -> Any:
    if isinstance(template, dict):
        return {key: _fill(value, character) for key, value in template.items()}
    return template.replace("{}", character)


@pytest.mark.parametrize("character", NOT_XML, ids=ascii)
def test_models_refuse_text_xml_cannot_carry_when_built(character: str) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        TtsConfig(input_type="Text", input=f"a{character}")
    assert locations(caught.value) == [("input",)]
    with pytest.raises(pydantic.ValidationError) as caught:
        TtsTpl(voice_type=character)
    assert locations(caught.value) == [("voice_type",)]


def test_text_xml_carries_is_sent_as_it_is() -> None:
    # Tab, line breaks, CJK, a character beyond the BMP, the last before the surrogates
    # and the first after them: all XML 1.0 characters.
    text = "a\tb\nc月光😀\ud7ff\ue000\ufffd"
    with serve(SUBMITTED) as server, client(server) as api:
        api.submit_tts_job(
            template_id="t1",
            tts_config=TtsConfig(input_type="Text", input=text),
            output=OUTPUT,
        )
    (received,) = server.received
    sent = ElementTree.fromstring(received.body)
    assert sent.findtext("Operation/TtsConfig/Input") == text


def test_a_url_input_is_not_held_to_the_text_cap() -> None:
    # The page caps text at 300 characters; a COS URL may be longer (a long object key).
    url = "https://b-1250000000.cos.ap-chongqing.myqcloud.com/" + "k" * 400 + ".txt"
    with serve(SUBMITTED) as server, client(server) as api:
        api.submit_tts_job(
            template_id="t1",
            tts_config=TtsConfig(input_type="Url", input=url),
            output=OUTPUT,
        )
    (received,) = server.received  # and valid against the XSD's assertion (`sent`)
    assert f"<Input>{url}</Input><InputType>Url</InputType>".encode() in received.body
    TtsConfig(input_type="Text", input="x" * 300)
    with pytest.raises(pydantic.ValidationError, match="at most 300 characters"):
        TtsConfig(input_type="Text", input="x" * 301)


def test_a_tdmq_callback_is_sent_as_the_reference_lists_it() -> None:
    with serve(SUBMITTED) as server, client(server) as api:
        api.submit_tts_job(
            template_id="t1",
            tts_config=CONFIG,
            output=OUTPUT,
            call_back_type="TDMQ",
            call_back_mq_config=CallBackMqConfig(
                mq_region="sh", mq_mode="Topic", mq_name="tts-done"
            ),
        )
    (received,) = server.received
    assert received.body.endswith(
        b"<CallBackType>TDMQ</CallBackType><CallBackMqConfig><MqRegion>sh</MqRegion>"
        b"<MqMode>Topic</MqMode><MqName>tts-done</MqName></CallBackMqConfig></Request>"
    )


def test_both_template_id_and_tts_tpl_may_be_given() -> None:
    with serve(SUBMITTED) as server, client(server) as api:
        api.submit_tts_job(
            template_id="t1", tts_tpl=TTS_TPL, tts_config=CONFIG, output=OUTPUT
        )
    (received,) = server.received
    assert b"<TemplateId>t1</TemplateId><TtsTpl>" in received.body


# --- tolerant responses ---------------------------------------------------------------------


def test_unknown_elements_still_parse() -> None:
    body = (
        "<Response><RequestInfo><Id>1</Id></RequestInfo>"
        "<JobsDetail><Code>Success</Code><Message/><JobId>j1</JobId><State>Success</State>"
        "<Priority>high</Priority><Tag>Tts</Tag>"
        "<Operation><TtsTpl><Codec>mp3</Codec><Pitch>3</Pitch><Speed>120</Speed></TtsTpl>"
        "<TtsConfig><InputType>Text</InputType><Input>hi</Input><Lang>zh</Lang></TtsConfig>"
        "<Output><Region>r</Region><Bucket>b</Bucket><Object>o.mp3</Object>"
        "<StorageClass>STANDARD</StorageClass></Output>"
        "<MediaInfo><Format><Duration>1.5</Duration></Format></MediaInfo>"
        "<MediaResult><OutputFile><Bucket>b</Bucket><ObjectName>o.mp3</ObjectName>"
        "<Md5>abc</Md5></OutputFile></MediaResult>"
        "<Subtitles><Url>https://x</Url></Subtitles><JobLevel>1</JobLevel></Operation>"
        "</JobsDetail><Total>1</Total></Response>"
    )
    with serve(Reply(200, body.encode(), XML_HEADERS)) as server, client(server) as api:
        result = api.describe_tts_jobs("j1")
    (detail,) = result.jobs_detail
    assert (detail.job_id, detail.state, detail.code, detail.tag) == (
        "j1",
        "Success",
        "Success",
        "Tts",
    )
    operation = detail.operation
    assert operation is not None
    assert operation.tts_tpl is not None
    assert (operation.tts_tpl.codec, operation.tts_tpl.speed) == ("mp3", 120)
    # Received, a job's operation reads as the tolerant twins of the models sent, and
    # what the XSD does not name is kept as received, under its wire name.
    assert operation.tts_config == ReportedTtsConfig.model_validate(
        {"input_type": "Text", "input": "hi", "Lang": "zh"}
    )
    assert operation.output == ReportedOutput.model_validate(
        {"region": "r", "bucket": "b", "object": "o.mp3", "StorageClass": "STANDARD"}
    )
    assert operation.tts_tpl.model_extra == {"Pitch": "3"}
    assert operation.media_result is not None
    assert operation.media_result.output_file is not None
    assert operation.media_result.output_file.object_name == ["o.mp3"]
    assert operation.media_result.output_file.model_extra == {"Md5": "abc"}
    assert operation.model_extra == {"Subtitles": {"Url": "https://x"}}
    assert operation.job_level == 1
    assert detail.model_extra == {"Priority": "high"}
    assert result.model_extra == {"RequestInfo": {"Id": "1"}, "Total": "1"}


def test_an_unknown_state_or_value_is_kept() -> None:
    body = (
        "<Response><JobsDetail><JobId>j1</JobId><State>Queued</State>"
        "<Operation><JobLevel>7</JobLevel></Operation></JobsDetail></Response>"
    )
    with serve(Reply(200, body.encode(), XML_HEADERS)) as server, client(server) as api:
        result = api.describe_tts_jobs("j1")
    (detail,) = result.jobs_detail
    assert detail.state == "Queued"  # open enum
    assert detail.operation is not None
    assert detail.operation.job_level == 7  # JobLevel is open too, in what is received


def test_wait_for_job_keeps_waiting_on_an_unknown_state(
    caplog: pytest.LogCaptureFixture,
) -> None:
    replies = [
        jobs(job_xml("Queued")),
        jobs(job_xml("Queued")),
        jobs(job_xml("Pause")),
        jobs(job_xml("Running")),
        SUCCESS,
    ]
    with caplog.at_level(logging.WARNING):
        with serve(*replies) as server, client(server) as api:
            done = api.wait_for_job(JOB, poll_interval=0.001)
    assert done.jobs_detail[0].state == "Success"
    assert len(server.received) == 5
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    # Logged once, for the state the spec does not name (Pause is documented).
    assert len(warnings) == 1
    assert "'Queued'" in warnings[0] and JOB in warnings[0]


def test_wait_for_job_times_out_naming_the_last_state() -> None:
    # A state the spec does not list: the fake keeps the job in it.
    fake = FakeService()
    job = fake.add_job("Queued")
    with fake.client() as api, pytest.raises(JobTimeoutError) as caught:
        api.wait_for_job(job.id, timeout=0.05, poll_interval=0.01)
    assert (caught.value.job_id, caught.value.state) == (job.id, "Queued")
    assert len(fake.calls) >= 2


@pytest.mark.parametrize(
    ("state", "code", "message"),
    [
        ("Failed", "InternalError", "synthesis failed"),
        ("Cancel", "Cancel", "cancelled"),
    ],
)
def test_wait_for_job_raises_on_failed_and_cancel(
    state: str, code: str, message: str
) -> None:
    fake = FakeService()
    job = fake.fail(fake.add_job().id, code, message)
    job.state = state  # (Cancel is a failed state of the spec's too)
    with fake.client() as api, pytest.raises(JobFailedError) as caught:
        api.wait_for_job(job.id, poll_interval=0.001)
    error = caught.value
    assert (error.job_id, error.state, error.code, error.message) == (
        job.id,
        state,
        code,
        message,
    )
    assert isinstance(error.result, JobsResponse)
    assert len(fake.calls) == 1


def test_jobs_detail_is_a_list_even_with_one_job() -> None:
    reply = jobs(job_xml("Success"), extra="<NonExistJobIds>jx</NonExistJobIds>")
    with serve(reply) as server, client(server) as api:
        result = api.describe_tts_jobs(JOB)
    assert isinstance(result.jobs_detail, list) and len(result.jobs_detail) == 1
    assert result.non_exist_job_ids == ["jx"]
    with serve(jobs()) as server, client(server) as api:
        empty = api.describe_tts_jobs(JOB)
    assert (empty.jobs_detail, empty.non_exist_job_ids) == ([], [])


# --- callbacks ------------------------------------------------------------------------------

CALLBACK_XML = (
    "<Response><EventName>TaskFinish</EventName><JobsDetail><Code>Success</Code>"
    "<Message/><JobId>j8d121820f5e411ec926ef19d53ba9c6f</JobId><State>Success</State>"
    "<CreationTime>2022-06-27T15:23:10+0800</CreationTime>"
    "<EndTime>2022-06-27T15:23:13+0800</EndTime><QueueId>p2242ab62c7c94486915508540933a2c6</QueueId>"
    "<Tag>Tts</Tag><Operation><TemplateId>t1460606b9752148c4ab182f55163ba7cd</TemplateId>"
    "<TtsConfig><InputType>Text</InputType><Input>Moonlight before my bed</Input></TtsConfig>"
    "<Output><Region>ap-chongqing</Region><Bucket>test-123456789</Bucket>"
    "<Object>output/tts.mp3</Object></Output>"
    "<MediaResult><OutputFile><Bucket>test-123456789</Bucket><ObjectName>output/tts.mp3"
    "</ObjectName><Region>ap-chongqing</Region></OutputFile></MediaResult>"
    "<UserData>This is my data.</UserData><JobLevel>0</JobLevel></Operation>"
    "</JobsDetail></Response>"
)
CALLBACK_JOB = {
    "Code": "Success",
    "Message": "",
    "JobId": "j8d121820f5e411ec926ef19d53ba9c6f",
    "State": "Success",
    "CreationTime": "2022-06-27T15:23:10+0800",
    "EndTime": "2022-06-27T15:23:13+0800",
    "QueueId": "p2242ab62c7c94486915508540933a2c6",
    "Tag": "Tts",
    "Operation": {
        "TemplateId": "t1460606b9752148c4ab182f55163ba7cd",
        "TtsConfig": {"InputType": "Text", "Input": "Moonlight before my bed"},
        "Output": {
            "Region": "ap-chongqing",
            "Bucket": "test-123456789",
            "Object": "output/tts.mp3",
        },
        "MediaResult": {
            "OutputFile": {
                "Bucket": "test-123456789",
                "ObjectName": ["output/tts.mp3"],
                "Region": "ap-chongqing",
            }
        },
        "UserData": "This is my data.",
        "JobLevel": "0",
    },
}


def assert_callback(event: JobEvent) -> None:
    assert isinstance(event, JobEvent)
    assert event.event_name == "TaskFinish"
    assert isinstance(event.jobs_detail, list)
    (detail,) = event.jobs_detail
    assert (detail.job_id, detail.state) == (CALLBACK_JOB["JobId"], "Success")
    assert detail.operation is not None
    assert detail.operation.media_result is not None
    assert detail.operation.media_result.output_file is not None
    assert detail.operation.media_result.output_file.object_name == ["output/tts.mp3"]
    assert detail.operation.job_level == 0
    assert detail.operation.user_data == "This is my data."


def test_parse_callback_reads_xml_and_json_alike() -> None:
    from_xml = parse_callback(CALLBACK_XML.encode())
    assert_callback(from_xml)
    assert parse_callback(CALLBACK_XML, "application/xml") == from_xml
    assert parse_callback(CALLBACK_XML.encode(), "text/xml; charset=utf-8") == from_xml
    forms = [
        {"EventName": "TaskFinish", "JobsDetail": [CALLBACK_JOB]},
        # One job as an object, not a list; JobLevel as a number.
        {
            "EventName": "TaskFinish",
            "JobsDetail": {
                **CALLBACK_JOB,
                "Operation": {**CALLBACK_JOB["Operation"], "JobLevel": 0},  # type: ignore[dict-item]
            },
        },
        # Wrapped in the root element's name, as the XML is.
        {"Response": {"EventName": "TaskFinish", "JobsDetail": [CALLBACK_JOB]}},
    ]
    for form in forms:
        for content_type in ("application/json", "application/json; charset=utf-8"):
            from_json = parse_callback(json.dumps(form).encode(), content_type)
            assert from_json == from_xml, (form, content_type)
        assert parse_callback(json.dumps(form), "application/json") == from_xml


def test_parse_callback_refuses_what_it_cannot_read() -> None:
    with pytest.raises(ValueError, match="not JSON"):
        parse_callback(b"{not json", "application/json")
    with pytest.raises(ValueError, match="not an object"):
        parse_callback(b"[1, 2]", "application/json")
    with pytest.raises(ValueError, match="not XML"):
        parse_callback(b"<Response><JobsDetail></Response>")
    with pytest.raises(ValueError, match="root element"):
        parse_callback(b"<Error><Code>x</Code></Error>")


def test_a_callback_without_a_job_id_still_parses() -> None:
    # Received models require nothing: the job id of a callback is the caller's to check.
    event = parse_callback(
        b"<Response><JobsDetail><State>x</State></JobsDetail></Response>"
    )
    (detail,) = event.jobs_detail
    assert (detail.job_id, detail.state) == (None, "x")


# --- hosts ----------------------------------------------------------------------------------


def test_the_host_is_built_from_bucket_and_region() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=SUCCESS.payload(), headers=XML_HEADERS)

    with (
        httpx.Client(transport=httpx.MockTransport(answer)) as http,
        Client(
            secret_id=SECRET_ID,
            secret_key=SECRET_KEY,
            bucket="examplebucket-1250000000",
            region="ap-guangzhou",
            http_client=http,
        ) as api,
    ):
        assert api.base_url == (
            "https://examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com"
        )
        api.describe_tts_jobs(JOB)
    (request,) = seen
    assert str(request.url) == (
        f"https://examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com/jobs/{JOB}"
    )
    received = received_of(request)
    assert received.headers["host"] == (
        "examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com"
    )
    # The host the request goes to is the host signed.
    signed = verify_cos(received)
    assert (
        "host=examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com"
        in signed["http_string"]
    )


def test_base_url_overrides_the_host() -> None:
    with serve(SUCCESS) as server:
        with client(
            server, bucket="examplebucket-1250000000", region="ap-guangzhou"
        ) as api:
            assert api.base_url == server.url
            api.describe_tts_jobs(JOB)
        with client(server) as api:  # no bucket or region needed then
            api.describe_tts_jobs(JOB)
    for received in server.received:
        assert received.headers["host"] == server.url.removeprefix("http://")
        verify_cos(received)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"region": "ap-guangzhou"}, "bucket is required"),
        ({}, "bucket is required"),
        # Says which argument, though not yet that it is required (see the report).
        ({"bucket": "examplebucket-1250000000"}, "region"),
        ({"bucket": "examplebucket-1250000000", "region": ""}, "region"),
        ({"bucket": "evil.example/x", "region": "ap-guangzhou"}, "bucket"),
        ({"bucket": "b-1", "region": "ap-guangzhou@evil"}, "region"),
    ],
)
def test_bucket_and_region_are_required(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, **options)


# --- errors ---------------------------------------------------------------------------------


def test_an_xml_error_becomes_the_typed_status_error() -> None:
    reply = xml_error(404, "NoSuchJob", "job does not exist", "r-body")
    with serve(reply) as server, client(server) as api:
        with pytest.raises(NotFoundError) as caught:
            api.describe_tts_jobs(JOB)
    error = caught.value
    assert (error.status_code, error.code, error.message) == (
        404,
        "NoSuchJob",
        "job does not exist",
    )
    assert error.request_id == "r-body"  # the body's, before the header's
    assert error.body == reply.payload()
    assert len(server.received) == 1


def test_the_request_id_header_stands_in_for_the_body() -> None:
    reply = xml_error(400, "InvalidArgument", "bad voice", None)
    with serve(reply) as server, client(server) as api:
        with pytest.raises(BadRequestError) as caught:
            api.submit_tts_job(template_id="t1", tts_config=CONFIG, output=OUTPUT)
    error = caught.value
    assert (error.status_code, error.code, error.request_id) == (
        400,
        "InvalidArgument",
        "r-header",
    )
    assert str(error) == "HTTP 400 InvalidArgument: bad voice (request id r-header)"
    assert len(server.received) == 1


def test_an_error_body_with_http_200_is_an_error() -> None:
    reply = xml_error(200, "InternalError", "try later", "r-200")
    with serve(reply) as server, client(server) as api:
        with pytest.raises(APIStatusError) as caught:
            api.describe_tts_jobs(JOB)
    assert type(caught.value) is APIStatusError
    assert (caught.value.status_code, caught.value.code, caught.value.request_id) == (
        200,
        "InternalError",
        "r-200",
    )
    assert len(server.received) == 1  # an answer: not retried


NOT_THE_DOCUMENT = [
    # A proxy's page, well-formed (another root element) or not XML at all.
    b"<html><head><title>502</title></head><body>Bad Gateway</body></html>",
    b"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>oops</html>",
    b"<?xml version='1.0'?><Result><JobId>j1</JobId></Result>",
    b"",
    b"   ",
]


@pytest.mark.parametrize("body", NOT_THE_DOCUMENT)
@pytest.mark.parametrize("call", ["submit", "describe"])
def test_a_200_that_is_not_the_document_is_a_typed_error(
    body: bytes, call: str
) -> None:
    reply = Reply(200, body, {"Content-Type": "text/html", "x-ci-request-id": "r-200"})
    with serve(reply) as server, client(server) as api:
        with pytest.raises(APIResponseValidationError) as caught:
            if call == "submit":
                submit_with(api, template_id="t1")
            else:
                api.describe_tts_jobs(JOB)
    error = caught.value
    assert (error.status_code, error.request_id, error.body) == (200, "r-200", body)
    assert len(server.received) == 1


@pytest.mark.parametrize(
    "body",
    [
        b"<Response></Response>",
        b"<Response/>",
        b"<Response><NextToken>x</NextToken></Response>",
        # A job, but no id for wait_for_job to poll.
        b"<Response><JobsDetail><State>Submitted</State></JobsDetail></Response>",
        b"<Response><JobsDetail><JobId></JobId></JobsDetail></Response>",
        b"<Response><JobsDetail><JobId><Id>j1</Id></JobId></JobsDetail></Response>",
    ],
)
def test_a_submit_answer_without_a_job_id_is_unusable(body: bytes) -> None:
    with serve(Reply(200, body, XML_HEADERS)) as server, client(server) as api:
        with pytest.raises(APIResponseValidationError) as caught:
            submit_with(api, template_id="t1")
    error = caught.value
    assert (error.status_code, error.request_id, error.body) == (200, "r-header", body)
    assert "/JobsDetail/0/JobId" in str(error)
    assert len(server.received) == 1  # an answer: never sent again


def test_a_describe_answer_without_jobs_is_an_answer() -> None:
    # Only the submit's job id is needed; a describe of unknown ids lists none.
    body = b"<Response><NonExistJobIds>j1</NonExistJobIds></Response>"
    with serve(Reply(200, body, XML_HEADERS)) as server, client(server) as api:
        result = api.describe_tts_jobs("j1")
    assert (result.jobs_detail, result.non_exist_job_ids) == ([], ["j1"])


# --- retries --------------------------------------------------------------------------------


def test_a_submit_answered_500_is_not_sent_again() -> None:
    fake = FakeService()
    fake.fail_next("submit", status=500, code="InternalError", times=2)
    with fake.client() as api, pytest.raises(InternalServerError) as caught:
        api.submit_tts_job(template_id="t1", tts_config=CONFIG, output=OUTPUT)
    assert len(fake.calls) == 1
    assert not fake.jobs
    assert (caught.value.status_code, caught.value.code) == (500, "InternalError")


def test_a_describe_answered_503_is_retried() -> None:
    fake = FakeService()
    job = fake.complete(fake.add_job().id)
    fake.fail_next("query", status=503, code="ServiceUnavailable", retry_after=0)
    with fake.client() as api:
        result = api.describe_tts_jobs(job.id)
    assert result.jobs_detail[0].state == "Success"
    # Each attempt signed afresh, and valid: the fake verified both.
    assert [call.status for call in fake.calls] == [503, 200]
