"""The generated Huawei client: retries, polling and bounds against the package's own fake
(`tts_huawei_metastudio.testing`, on its virtual clock); what needs a real socket or the
exact bytes (timeouts, an unreachable host, a token on every retry, a signature recomputed
from the bytes, the request id header) against real HTTP on loopback."""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from pydantic import ValidationError
from tts_huawei_metastudio import AsyncClient, Client
from tts_huawei_metastudio.errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    InternalServerError,
    JobFailedError,
    JobTimeoutError,
    RateLimitError,
)
from tts_huawei_metastudio.models import ShowAsyncTtsJobParameters
from tts_huawei_metastudio.testing import FakeService

from generator.runtime.sdk_hmac_sha256 import canonical_request, string_to_sign
from tests.reliability.support import EXPECTED_PACKAGES, package
from tests.support.generate import generated_package
from tests.support.server import Reply, ScriptedServer, serve

PROJECT = "3f0924078d1b471c884a5383d4dec9fa"
JOB = "26f06524-4f75-4b3a-a853-b649a21aaf66"
JOB_PATH = f"/v1/{PROJECT}/ttsc/async-jobs/{JOB}"
AK, SK = "QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
TOKEN = "MIIZ-secret-iam-token"
SUCCEED = {
    "state": "SUCCEED",
    "code": "0",
    "message": "ok",
    "audio_file_url": "https://obs/a.mp3",
}
BUSY = {"error_code": "MSS.000000002", "error_msg": "busy", "request_id": "r-503"}
UNAVAILABLE = Reply(503, BUSY)


def client(server: ScriptedServer, **options: object) -> Client:
    return Client(token=TOKEN, project_id=PROJECT, base_url=server.url, **options)  # type: ignore[arg-type]


def async_client(server: ScriptedServer, **options: object) -> AsyncClient:
    return AsyncClient(token=TOKEN, project_id=PROJECT, base_url=server.url, **options)  # type: ignore[arg-type]


def faked(polls: int = 2, **options: Any) -> tuple[FakeService, Client]:
    """The package's fake (tts_huawei_metastudio.testing) and a client of it, signing
    with AK/SK: the fake checks each request's signature and body against the spec."""
    fake = FakeService(polls=polls)
    api: Client = fake.client(**options)
    return fake, api


def test_get_is_retried_after_503_and_then_parsed() -> None:
    with serve(UNAVAILABLE, Reply(200, SUCCEED)) as server, client(server) as api:
        result = api.show_async_tts_job(JOB)
    assert result.state == "SUCCEED"
    assert result.audio_file_url == "https://obs/a.mp3"
    assert [(r.method, r.path) for r in server.received] == [("GET", JOB_PATH)] * 2
    assert all(r.headers["x-auth-token"] == TOKEN for r in server.received)


def test_retry_after_is_honoured() -> None:
    fake, api = faked()
    job = fake.add_job()
    fake.fail_next("query", status=429, code="APIG.0308", retry_after=1)
    with api:
        api.show_async_tts_job(job.id)
    assert [c.status for c in fake.calls] == [429, 200]
    # Without Retry-After the first backoff is at most 0.5 s (of the fake's clock).
    assert fake.clock.elapsed >= 0.95


def test_retries_stop_at_max_retries_with_the_typed_error() -> None:
    fake, api = faked(max_retries=1)
    fake.fail_next("query", status=503, body=json.dumps(BUSY), times=2)
    with api, pytest.raises(InternalServerError) as caught:
        api.show_async_tts_job(JOB)
    assert len(fake.calls) == 2
    error = caught.value
    assert (error.status_code, error.code, error.message, error.request_id) == (
        503,
        "MSS.000000002",
        "busy",
        "r-503",
    )
    assert json.loads(error.body)["error_msg"] == "busy"


def test_submit_is_not_retried_after_it_reached_the_server() -> None:
    fake, api = faked()
    fake.fail_next("submit", status=503, code="MSS.000000002")
    with api, pytest.raises(InternalServerError):
        api.create_async_tts_job(text="Hello", voice_asset_id="v")
    assert len(fake.calls) == 1
    assert not fake.jobs


def test_submit_is_retried_when_the_user_opts_in() -> None:
    with serve(UNAVAILABLE, Reply(200, {"job_id": JOB})) as server:
        with client(server, retry_submits=True) as api:
            job = api.create_async_tts_job(text="Hello", voice_asset_id="v")
    assert job.job_id == JOB
    assert len(server.received) == 2
    assert server.received[0].body == server.received[1].body


def test_submit_is_retried_on_429_which_the_server_refused_unprocessed() -> None:
    fake, api = faked()
    fake.fail_next("submit", status=429, code="APIG.0308", retry_after=0)
    with api:
        job = api.create_async_tts_job(text="Hello", voice_asset_id="v")
    assert list(fake.jobs) == [job.job_id]
    assert len(fake.calls) == 2


def test_429_after_the_last_retry_raises_rate_limit_error() -> None:
    fake, api = faked(max_retries=2)
    fake.fail_next("query", status=429, code="APIG.0308", retry_after=0, times=3)
    with api, pytest.raises(RateLimitError) as caught:
        api.show_async_tts_job(JOB)
    assert caught.value.code == "APIG.0308"
    assert len(fake.calls) == 3


def test_400_is_not_retried_and_carries_the_vendor_fields() -> None:
    fake, api = faked()
    bad = {
        "error_code": "MSS.000000003",
        "error_msg": "invalid voice",
        "request_id": "r-400",
    }
    fake.fail_next("submit", status=400, body=json.dumps(bad))
    with api, pytest.raises(BadRequestError) as caught:
        api.create_async_tts_job(text="Hello", voice_asset_id="nope")
    assert len(fake.calls) == 1
    assert (
        str(caught.value) == "HTTP 400 MSS.000000003: invalid voice (request id r-400)"
    )


def test_request_id_falls_back_to_the_response_header() -> None:
    gateway = Reply(
        401,
        {"error_code": "APIG.0301", "error_msg": "auth failed"},
        {"X-Request-Id": "hdr-1"},
    )
    with serve(gateway) as server, client(server) as api:
        with pytest.raises(APIStatusError) as caught:
            api.show_async_tts_job(JOB)
    assert (caught.value.status_code, caught.value.request_id) == (401, "hdr-1")


def test_slow_server_raises_the_timeout_error() -> None:
    with serve(Reply(200, SUCCEED, delay=2.0)) as server:
        with (
            client(server, timeout=httpx.Timeout(5, read=0.2), max_retries=1) as api,
            pytest.raises(APITimeoutError),
        ):
            api.show_async_tts_job(JOB)
    # A read timeout on a GET is retried once, then reported.
    assert len(server.received) == 2


def test_unreachable_server_raises_the_connection_error() -> None:
    with serve(Reply()) as server:
        url = server.url
    api = Client(token=TOKEN, project_id=PROJECT, base_url=url, max_retries=0)
    with pytest.raises(APIConnectionError) as caught:
        api.show_async_tts_job(JOB)
    assert not isinstance(caught.value, APITimeoutError)
    assert TOKEN not in str(caught.value)


def test_a_200_that_is_not_json_keeps_the_body() -> None:
    fake, api = faked()
    fake.fail_next("query", status=200, body=b"<html>gateway</html>")
    with api, pytest.raises(APIResponseValidationError) as caught:
        api.show_async_tts_job(JOB)
    assert caught.value.body == b"<html>gateway</html>"


def test_a_submit_answer_without_a_job_id_keeps_status_request_id_and_body() -> None:
    # A 200 that is no error (no error_code) but cannot be used: there is no job to follow.
    sent = b'{"request_id":"r-9"}'
    fake, api = faked()
    fake.fail_next("submit", status=200, body=sent)
    with api, pytest.raises(APIResponseValidationError) as caught:
        api.create_async_tts_job(text="Hello", voice_asset_id="v")
    assert len(fake.calls) == 1
    error = caught.value
    assert (error.status_code, error.request_id, error.body) == (200, "r-9", sent)
    assert "job_id" in str(error)


def test_wait_for_job_polls_until_succeed() -> None:
    fake, api = faked(polls=3)
    job = fake.add_job()
    job.result[("audio_file_url",)] = "https://obs/a.mp3"
    with api:
        done = api.wait_for_job(job.id, timeout=10, poll_interval=0.01)
    assert done.state == "SUCCEED"
    assert done.audio_file_url == "https://obs/a.mp3"
    assert [(c.method_name, c.parameters) for c in fake.calls] == [
        ("show_async_tts_job", ShowAsyncTtsJobParameters(job_id=job.id))
    ] * 3


def test_wait_for_job_raises_job_failed_with_the_vendor_code() -> None:
    fake, api = faked()
    job = fake.add_job()
    fake.fail(job.id, "MSS.000000001", "voice offline")
    with api, pytest.raises(JobFailedError) as caught:
        api.wait_for_job(job.id, poll_interval=0.01)
    error = caught.value
    assert (error.job_id, error.state, error.code, error.message) == (
        job.id,
        "FAILED",
        "MSS.000000001",
        "voice offline",
    )
    assert (
        str(error) == f"job {job.id} ended in state FAILED: MSS.000000001 voice offline"
    )


def test_wait_for_job_gives_up_at_its_timeout() -> None:
    fake, api = faked(polls=10**6)
    job = fake.add_job()
    with api, pytest.raises(JobTimeoutError) as caught:
        api.wait_for_job(job.id, timeout=0.2, poll_interval=0.05)
    assert caught.value.state == "PROCESSING"
    assert 2 <= len(fake.calls) <= 10
    # The fake's clock, not the test's: no real time passed.
    assert 0.19 <= fake.clock.elapsed < 1


def test_async_client_retries_and_waits() -> None:
    fake = FakeService()

    async def scenario() -> tuple[str, str | None]:
        async with fake.async_client() as api:
            job = await api.create_async_tts_job(
                text="Hello", voice_asset_id="v", speed=120
            )
            fake.fail_next("query", status=503, body=json.dumps(BUSY))
            done = await api.wait_for_job(job.job_id, poll_interval=0.01)
            return job.job_id, done.state

    job_id, state = asyncio.run(scenario())
    assert (list(fake.jobs), state) == ([job_id], "SUCCEED")
    assert [(c.method_name, c.status) for c in fake.calls] == [
        ("create_async_tts_job", 200),
        ("show_async_tts_job", 503),
        ("show_async_tts_job", 200),
        ("show_async_tts_job", 200),
    ]
    assert fake.calls[0].body is not None
    assert fake.calls[0].body.model_dump(mode="json", exclude_unset=True) == {
        "text": "Hello",
        "voice_asset_id": "v",
        "speed": 120,
    }


def test_async_submit_is_not_retried() -> None:
    fake = FakeService()
    fake.fail_next("submit", status=503, code="MSS.000000002")

    async def scenario() -> None:
        async with fake.async_client() as api:
            await api.create_async_tts_job(text="Hello", voice_asset_id="v")

    with pytest.raises(InternalServerError):
        asyncio.run(scenario())
    assert len(fake.calls) == 1
    assert not fake.jobs


def test_ak_sk_requests_carry_a_signature_the_server_can_verify() -> None:
    with serve(Reply(200, {"job_id": JOB})) as server:
        with Client(
            ak=AK,
            sk=SK,
            security_token="sts-token",
            project_id=PROJECT,
            base_url=server.url,
        ) as api:
            api.create_async_tts_job(
                text="Hello", voice_asset_id="v", x_app_user_id="user-7"
            )
    (request,) = server.received
    authorization = request.headers["authorization"]
    assert authorization.startswith(f"SDK-HMAC-SHA256 Access={AK}, SignedHeaders=")
    signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    assert signed == [
        "content-type",
        "host",
        "x-app-userid",
        "x-project-id",
        "x-sdk-date",
        "x-security-token",
    ]
    assert request.headers["x-project-id"] == PROJECT
    assert request.headers["x-security-token"] == "sts-token"
    # Recompute the signature from what arrived, as the gateway does.
    url = server.url + request.path
    canonical = canonical_request(
        request.method,
        url,
        {name: request.headers[name] for name in signed},
        request.body,
    )
    import hashlib
    import hmac

    expected = hmac.new(
        SK.encode(),
        string_to_sign(canonical, request.headers["x-sdk-date"]).encode(),
        hashlib.sha256,
    ).hexdigest()
    assert authorization.endswith(f"Signature={expected}")
    assert urlsplit(url).path == f"/v1/{PROJECT}/ttsc/async-jobs"


def test_credentials_appear_in_no_repr_error_or_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with serve(UNAVAILABLE) as server:
        signed = Client(
            ak=AK,
            sk=SK,
            security_token="sts-secret",
            project_id=PROJECT,
            base_url=server.url,
            max_retries=1,
        )
        with (
            client(server, max_retries=1) as api,
            pytest.raises(InternalServerError) as caught,
        ):
            api.show_async_tts_job(JOB)
        with pytest.raises(InternalServerError) as caught_signed:
            signed.show_async_tts_job(JOB)
    seen = " ".join(
        [
            repr(api),
            repr(signed),
            str(caught.value),
            repr(caught.value),
            str(caught_signed.value),
            caplog.text,
        ]
    )
    assert "retrying GET" in caplog.text  # the log did record the calls
    for secret in (TOKEN, SK, "sts-secret", AK):
        assert secret not in seen


# --- Huawei's documented bounds, checked before sending ---------------------------------------


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("text", ""),
        ("text", "x" * 131_073),
        ("text", "x" * 1_000_000),
        ("tts_text", ""),
        ("tts_text", "x" * 131_073),
        ("voice_asset_id", ""),
        ("voice_asset_id", "v" * 257),
    ],
    ids=lambda value: value if len(str(value)) < 20 else f"{len(value)} chars",
)
def test_texts_and_voice_ids_out_of_the_documented_bounds_are_refused(
    argument: str, value: str
) -> None:
    """No length is given on the page; the spec takes the SDK's (see its $comments):
    text and tts_text 1 to 131,072 characters, voice_asset_id 1 to 256."""
    arguments = {"text": "Hello", "voice_asset_id": "v", argument: value}
    fake, api = faked()
    with api, pytest.raises(ValidationError) as caught:
        api.create_async_tts_job(**arguments)  # type: ignore[arg-type]
    assert [error["loc"] for error in caught.value.errors()] == [(argument,)]
    assert not fake.calls


def test_texts_at_the_documented_bounds_are_sent() -> None:
    longest = "x" * 131_072
    fake, api = faked()
    with api:
        api.create_async_tts_job(text=longest, tts_text="y", voice_asset_id="v" * 256)
    # The fake read the body as the spec's model: what arrived, not what was meant.
    (call,) = fake.calls
    assert call.status == 200 and call.body is not None
    sent = call.body.model_dump(mode="json")
    assert (len(sent["text"]), sent["tts_text"], len(sent["voice_asset_id"])) == (
        131_072,
        "y",
        256,
    )


# --- next-page links stay under the API's base path --------------------------------------------

ESCAPING_LINKS = [
    "/admin/x",  # the same host, outside the base path
    "/v2x/voices",
    "/v2/../admin/x",
    "/v2/%2e%2e/admin/x",  # an escaped dot segment, which the join leaves in place
    "/v2/%2E%2E/admin/x",
    "/v2/voices/%2e%2e%2f%2e%2e%2fadmin",
]


@pytest.mark.parametrize("name", sorted(EXPECTED_PACKAGES))
def test_every_package_refuses_a_link_out_of_its_base_path(name: str) -> None:
    """The rule lives in the shared runtime (`Core.link`): each package refuses the
    links, naming them, and builds the call of one under its base path."""
    pkg = package(name)
    with pkg.module.Client(base_url="http://127.0.0.1:9/v2", **pkg.options()) as api:
        for link in ESCAPING_LINKS:
            with pytest.raises(pkg.errors.APIResponseValidationError) as caught:
                api._core.link(link)
            assert caught.value.body == link.encode()
        call = api._core.link("/v2/voices?cursor=2")
    assert (call.path, call.query) == ("/voices", {"cursor": "2"})


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A package with next-link paging (tests/support/specs/example-batch.yaml)."""
    spec = Path(__file__).parents[1] / "support" / "specs" / "example-batch.yaml"
    for _ in generated_package(
        tmp_path_factory, "example-batch", spec.read_text(encoding="utf-8")
    ):
        yield importlib.import_module("tts_example_batch")


@pytest.mark.parametrize("link", ESCAPING_LINKS)
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_next_page_link_out_of_the_base_path_is_not_followed(
    paged: Any, mode: str, link: str
) -> None:
    """Base `.../v2`: the first page's items come, then the link is refused and nothing
    more is sent (only the first page's request reaches the server)."""
    page = {"data": [{"name": "a"}], "links": {"next": link}}
    with serve(Reply(200, page)) as server:
        base = server.url + "/v2"
        if mode == "sync":
            with paged.Client(api_key="k", base_url=base) as api:
                voices = api.iter_list_voices()
                assert next(voices).name == "a"
                with pytest.raises(paged.errors.APIResponseValidationError):
                    next(voices)
        else:

            async def scenario() -> None:
                async with paged.AsyncClient(api_key="k", base_url=base) as api:
                    voices = api.iter_list_voices()
                    assert (await anext(voices)).name == "a"
                    with pytest.raises(paged.errors.APIResponseValidationError):
                        await anext(voices)

            asyncio.run(scenario())
    assert [r.path for r in server.received] == ["/v2/voices"]
