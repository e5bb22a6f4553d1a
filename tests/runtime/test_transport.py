"""The runtime's retry policy and retry decisions, without a network."""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest

from generator.runtime.errors import APIConnectionError, APITimeoutError
from generator.runtime.transport import (
    Call,
    Core,
    ErrorShape,
    JobPoller,
    RetryPolicy,
    TokenAuth,
    json_pointer,
    text_params,
)

GET = Call(method="GET", path="/jobs/1", idempotent=True)
POST = Call(method="POST", path="/jobs", body=b"{}", idempotent=False)
REQUEST = httpx.Request("GET", "https://example.test/jobs/1")


def core(*, retry_submits: bool = False, max_retries: int = 2) -> Core:
    return Core(
        base_url="https://example.test",
        auth=TokenAuth(header="X-Auth-Token", token="secret"),
        errors=ErrorShape(code="/error_code", message="/error_msg"),
        timeout=1.0,
        max_retries=max_retries,
        retry_submits=retry_submits,
        user_agent="test",
    )


def response(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers, request=REQUEST)


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    policy = RetryPolicy()
    for attempt, full in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)]:
        delays = [policy.delay(attempt, None) for _ in range(200)]
        assert all(0.75 * full <= d <= full for d in delays), attempt
        assert len(set(delays)) > 1  # jittered, not constant


def test_retry_after_in_seconds_and_as_an_http_date() -> None:
    policy = RetryPolicy()
    assert policy.delay(0, response(503, **{"Retry-After": "3"})) == 3.0
    moment = email.utils.formatdate(time.time() + 5, usegmt=True)
    assert 3.5 <= policy.delay(0, response(503, **{"Retry-After": moment})) <= 5.0


def test_an_unreasonable_retry_after_falls_back_to_backoff() -> None:
    policy = RetryPolicy()
    for value in ("3600", "-1", "soon"):
        assert policy.delay(0, response(503, **{"Retry-After": value})) <= 0.5


@pytest.mark.parametrize(
    ("call", "status", "retry_submits", "retried"),
    [
        (GET, 503, False, True),
        (GET, 500, False, True),
        (GET, 408, False, True),
        (GET, 429, False, True),
        (GET, 400, False, False),
        (GET, 404, False, False),
        (GET, 200, False, False),
        (POST, 503, False, False),
        (POST, 429, False, True),
        (POST, 503, True, True),
        (POST, 400, True, False),
    ],
)
def test_which_responses_are_retried(
    call: Call, status: int, retry_submits: bool, retried: bool
) -> None:
    delay = core(retry_submits=retry_submits).on_response(call, 0, response(status))
    assert (delay is not None) == retried


@pytest.mark.parametrize(
    ("call", "error", "retried"),
    [
        (GET, httpx.ConnectError("refused"), True),
        (GET, httpx.ReadTimeout("slow"), True),
        (GET, httpx.RemoteProtocolError("eof"), True),
        (POST, httpx.ConnectError("refused"), True),  # never reached the server
        (POST, httpx.ConnectTimeout("slow"), True),
        (POST, httpx.PoolTimeout("busy"), True),
        (POST, httpx.ReadTimeout("slow"), False),  # the job may exist
        (POST, httpx.RemoteProtocolError("eof"), False),
    ],
)
def test_which_transport_errors_are_retried(
    call: Call, error: httpx.TransportError, retried: bool
) -> None:
    if retried:
        assert core().on_error(call, 0, error) > 0
    else:
        with pytest.raises(APIConnectionError):
            core().on_error(call, 0, error)


def test_the_last_attempt_raises_the_typed_error() -> None:
    client = core(max_retries=1)
    assert client.on_error(GET, 0, httpx.ReadTimeout("slow")) > 0
    with pytest.raises(APITimeoutError) as caught:
        client.on_error(GET, 1, httpx.ReadTimeout("slow"))
    assert "GET https://example.test/jobs/1 timed out" in str(caught.value)
    assert client.on_response(GET, 1, response(503)) is None


def test_signing_happens_per_request_and_keeps_caller_headers() -> None:
    with httpx.Client() as http:
        request = core().build(
            http,
            Call(
                method="POST", path="/jobs", headers={"X-App-UserId": "u"}, body=b"{}"
            ),
        )
    assert request.url == "https://example.test/jobs"
    assert request.headers["X-Auth-Token"] == "secret"
    assert request.headers["X-App-UserId"] == "u"
    assert request.headers["Content-Type"] == "application/json"
    assert request.content == b"{}"
    assert "secret" not in repr(core())


def test_json_pointer_and_text_params() -> None:
    document = {"Response": {"Error": {"Code": "X"}, "a/b": [1, {"~k": 2}]}}
    assert json_pointer(document, "/Response/Error/Code") == "X"
    assert json_pointer(document, "/Response/a~1b/1/~0k") == 2
    assert json_pointer(document, "/Response/missing/x") is None
    assert json_pointer([1], "/5") is None
    assert text_params({"a": True, "b": 3, "c": None, "d": "x"}) == {
        "a": "true",
        "b": "3",
        "d": "x",
    }


def test_job_poller_grows_to_the_cap_and_stops_at_the_deadline() -> None:
    poller = JobPoller(job_id="j", timeout=100, interval=1.0, max_interval=2.0)
    assert [poller.next_delay("RUNNING") for _ in range(4)] == [1.0, 1.5, 2.0, 2.0]
    steady = JobPoller(job_id="j", timeout=100, interval=5.0, max_interval=2.0)
    assert [steady.next_delay("RUNNING") for _ in range(2)] == [5.0, 5.0]
    with pytest.raises(ValueError):
        JobPoller(job_id="j", timeout=1, interval=0, max_interval=1)
