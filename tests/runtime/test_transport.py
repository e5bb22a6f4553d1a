"""The runtime's retry policy, retry decisions, deadlines and limits, without a network
(tests/reliability/ drives them over real HTTP, for every package)."""

from __future__ import annotations

import asyncio
import email.utils
import math
import sys
import time
from urllib.parse import quote

import httpx
import pytest
from pydantic import BaseModel

from generator.runtime import deadline, transport
from generator.runtime.errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    JobTimeoutError,
    RedirectError,
)
from generator.runtime.polling import JobPoller
from generator.runtime.request import Call, TokenAuth, query_string, text_params
from generator.runtime.response import (
    MAX_RESPONSE_BYTES,
    ErrorShape,
    _Body,
    _body_for,
    json_pointer,
    xml_document,
    xml_pointer,
    xml_tree,
)
from generator.runtime.retry import RetryPolicy
from generator.runtime.transport import Core

GET = Call(method="GET", path="/jobs/1", idempotent=True)
POST = Call(method="POST", path="/jobs", body=b"{}", idempotent=False)
REQUEST = httpx.Request("GET", "https://example.test/jobs/1")


def core(
    *,
    retry_submits: bool = False,
    max_retries: int = 2,
    timeout: float | httpx.Timeout = 1.0,
) -> Core:
    return Core(
        base_url="https://example.test",
        auth=TokenAuth(header="X-Auth-Token", token="secret"),
        errors=ErrorShape(code="/error_code", message="/error_msg"),
        timeout=timeout,
        max_retries=max_retries,
        retry_submits=retry_submits,
        user_agent="test",
    )


def response(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers, request=REQUEST)


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    policy = RetryPolicy()
    for attempt, full in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)]:
        delays = [policy.delay(attempt, None) or 0.0 for _ in range(200)]
        assert all(0.75 * full <= d <= full for d in delays), attempt
        assert len(set(delays)) > 1  # jittered, not constant


def test_retry_after_in_seconds_and_as_an_http_date() -> None:
    policy = RetryPolicy()
    assert policy.delay(0, response(503, **{"Retry-After": "3"}).headers) == 3.0
    moment = email.utils.formatdate(time.time() + 5, usegmt=True)
    delay = policy.delay(0, response(503, **{"Retry-After": moment}).headers)
    assert delay is not None and 3.5 <= delay <= 5.0
    past = "Wed, 21 Oct 2015 07:28:00 GMT"  # a moment gone: retry now
    assert policy.delay(0, response(503, **{"Retry-After": past}).headers) == 0.0


def test_a_retry_after_beyond_the_cap_ends_the_retries() -> None:
    policy = RetryPolicy()
    assert policy.delay(0, response(429, **{"Retry-After": "60"}).headers) == 60.0
    for value in ("61", "3600"):
        assert policy.delay(0, response(429, **{"Retry-After": value}).headers) is None
    assert core().on_response(GET, 0, response(429, **{"Retry-After": "3600"})) is None


def test_an_unreadable_retry_after_falls_back_to_backoff() -> None:
    policy = RetryPolicy()
    for value in ("-1", "soon", "nan", "inf", "Mon, 99 Foo 2020 00:00:00", ""):
        delay = policy.delay(0, response(503, **{"Retry-After": value}).headers)
        assert delay is not None and delay <= 0.5, value


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
        (GET, httpx.ReadError("reset"), True),
        (POST, httpx.ConnectError("refused"), True),  # never reached the server
        (POST, httpx.ConnectTimeout("slow"), True),
        (POST, httpx.ReadTimeout("slow"), False),  # the job may exist
        (POST, httpx.WriteTimeout("slow"), False),  # part of it was sent
        (POST, httpx.RemoteProtocolError("eof"), False),
        (POST, httpx.ReadError("reset"), False),
        # A wait for a pooled connection is no failure of the vendor's: never retried.
        (GET, httpx.PoolTimeout("busy"), False),
        (POST, httpx.PoolTimeout("busy"), False),
        # What we sent was wrong: sending it again would not help.
        (GET, httpx.LocalProtocolError("bad header"), False),
        (GET, httpx.UnsupportedProtocol("ftp"), False),
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


def test_a_submit_the_spec_marks_idempotent_is_retried_as_a_read() -> None:
    post = Call(method="POST", path="/jobs", body=b"{}", idempotent=True)
    assert core().on_response(post, 0, response(503)) is not None
    assert core().on_error(post, 0, httpx.ReadTimeout("slow")) > 0


def test_no_retry_is_begun_that_would_end_after_the_deadline() -> None:
    soon = time.monotonic() + 0.5
    limited = response(503, **{"Retry-After": "1"})
    assert core().on_response(GET, 0, limited, soon) is None
    assert core().on_response(GET, 0, limited, soon + 1) == 1.0
    with pytest.raises(APIConnectionError):
        core().on_error(GET, 0, httpx.ReadError("reset"), time.monotonic() + 0.001)


def test_an_error_at_the_deadline_is_the_timeout_error() -> None:
    past = time.monotonic() - 0.1
    with pytest.raises(APITimeoutError, match="deadline passed"):
        core().on_error(GET, 0, httpx.ReadError("shut down"), past)
    with pytest.raises(APITimeoutError, match="deadline passed"):
        core().on_error(GET, 0, TimeoutError(), time.monotonic() + 10)
    with pytest.raises(APITimeoutError, match="pool"):
        core().on_error(GET, 0, httpx.PoolTimeout("busy"))


def test_an_error_after_the_headers_keeps_status_request_id_and_what_arrived() -> None:
    shape = ErrorShape(
        code="/error_code", message="/error_msg", request_id_header="X-Request-Id"
    )
    client = Core(
        base_url="https://example.test",
        auth=TokenAuth(header="X-Auth-Token", token="secret"),
        errors=shape,
        timeout=1.0,
        max_retries=0,
        retry_submits=False,
        user_agent="test",
    )
    body = _Body()
    body.add(b'{"job_')
    with pytest.raises(APIConnectionError) as caught:
        client.on_error(
            POST,
            0,
            httpx.RemoteProtocolError("incomplete"),
            math.inf,
            response(200, **{"X-Request-Id": "r-1"}),
            body,
        )
    error = caught.value
    assert (error.status_code, error.request_id, error.body) == (200, "r-1", b'{"job_')


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


XML_ANSWER = (
    b'<Response xmlns="urn:x"><Error><Code>InvalidDigest</Code><Message/></Error>'
    b"<Item>1</Item><Item><A>2</A></Item><Once><B>3</B></Once><Text>t</Text></Response>"
)


@pytest.mark.parametrize(
    "pointer",
    [
        "",
        "/Response",
        "/Other",
        "/Response/Error/Code",
        "/Response/Error/Message",
        "/Response/Error",
        "/Response/Error/Missing",
        "/Response/Item",
        "/Response/Item/0",
        "/Response/Item/1/A",
        "/Response/Item/2",
        "/Response/Item/x",
        "/Response/Once/B",
        "/Response/Once/0",
        "/Response/Text/x",
        "/Response/Text",
    ],
)
def test_xml_pointer_reads_what_the_whole_document_would(pointer: str) -> None:
    # The error pointers walk the tree instead of building the document as dicts; the
    # answer must be the same wherever the pointer leads (or does not).
    tree = xml_tree(XML_ANSWER)
    assert xml_pointer(tree, pointer) == json_pointer(xml_document(tree), pointer)


def test_xml_pointer_values() -> None:
    tree = xml_tree(XML_ANSWER)
    assert xml_pointer(tree, "/Response/Error/Code") == "InvalidDigest"
    assert xml_pointer(tree, "/Response/Item") == ["1", {"A": "2"}]
    assert xml_pointer(tree, "/Response/Error/Message") == ""
    assert xml_pointer(tree, "/Response/Nothing") is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc-_.~XYZ09",
        '{"Voice":"Siqi","Volume":50}',
        "a b+c*d!e'f(g)h/i?j#k&l=m%n",
        "é中文😀\x00\x7f\x80\uffff",
        "".join(chr(code) for code in range(128)),
    ],
)
def test_query_string_quotes_as_quote_does(text: str) -> None:
    # The translate table must give quote(safe="")'s bytes exactly: they are signed.
    expected = (
        f"?{quote(text, safe='')}={quote(text, safe='')}&k={quote(text, safe='')}"
    )
    assert query_string({text: text, "k": text}) == expected


def test_query_string_refuses_a_lone_surrogate_as_quote_does() -> None:
    with pytest.raises(UnicodeEncodeError):
        quote("a\ud800", safe="")
    with pytest.raises(UnicodeEncodeError):
        query_string({"k": "a\ud800"})


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


def test_timeout_is_the_deadline_of_a_whole_call() -> None:
    plain = core(timeout=2.0)
    assert plain.total == 2.0
    assert plain.timeout == httpx.Timeout(2.0)  # each phase, inside the deadline
    # An httpx.Timeout sets the phases of each attempt; its longest value, the deadline.
    phased = core(timeout=httpx.Timeout(30.0, read=5.0))
    assert (phased.total, phased.timeout.read) == (30.0, 5.0)
    assert core(timeout=httpx.Timeout(None)).total is None
    for wrong in (0, -1.0, math.inf, math.nan, True):
        with pytest.raises(ValueError, match="timeout"):
            core(timeout=wrong)


def test_a_deadline_is_the_timeout_or_the_wait_s_end_if_sooner() -> None:
    client = core(timeout=10.0)
    now = time.monotonic()
    assert now + 9.9 < client.deadline(None) <= time.monotonic() + 10
    assert client.deadline(now + 1) == now + 1
    assert now + 9.9 < client.deadline(now + 100) <= time.monotonic() + 10
    assert core(timeout=httpx.Timeout(None)).deadline(None) == math.inf


def test_phase_timeouts_are_cut_to_the_time_left() -> None:
    client = core(timeout=httpx.Timeout(30.0, read=0.2))
    with httpx.Client() as http:
        request = client.build(http, GET, time.monotonic() + 0.5)
        unbounded = client.build(http, GET)
        expired = client.build(http, GET, time.monotonic() - 1)
    phases = request.extensions["timeout"]
    assert 0.4 < phases.get("connect") <= 0.5  # 30 s, cut to what is left
    assert phases.get("read") == 0.2  # shorter than what is left: kept
    assert unbounded.extensions["timeout"]["connect"] == 30.0
    # Never 0 (a socket with timeout 0 does not wait at all, and fails oddly).
    assert expired.extensions["timeout"].get("read") == 1e-6


def test_a_redirect_is_refused_with_its_location() -> None:
    class Job(BaseModel):
        job_id: str

    moved = httpx.Response(
        307,
        headers={"Location": "https://elsewhere.test/jobs"},
        content=b"",
        request=REQUEST,
    )
    with pytest.raises(RedirectError) as caught:
        core().parse(moved, Job)
    error = caught.value
    assert isinstance(error, APIStatusError)
    assert (error.status_code, error.location) == (307, "https://elsewhere.test/jobs")
    assert "https://elsewhere.test/jobs" in str(error)
    assert "https://example.test" in str(error)
    assert core().on_response(GET, 0, moved) is None  # not retried


def test_errors_keep_at_most_64_kib_of_the_body() -> None:
    big = b"x" * 100_000
    status = APIStatusError(
        status_code=500, code=None, message="m", request_id=None, body=big
    )
    invalid = APIResponseValidationError(
        "m", status_code=200, request_id=None, body=big
    )
    broken = APIConnectionError("m", status_code=200, body=big)
    for error in (status, invalid, broken):
        assert error.body == big[: 64 * 1024]


def test_an_error_body_is_read_no_further_than_it_is_kept() -> None:
    body = _body_for(response(500))
    assert body.limit == 64 * 1024
    assert body.add(b"x" * 60_000)
    assert not body.add(b"y" * 10_000)  # read no further
    assert body.cut and len(body.value()) == 64 * 1024
    assert _body_for(response(200)).limit == MAX_RESPONSE_BYTES


def test_a_success_body_beyond_the_limit_is_refused() -> None:
    class Job(BaseModel):
        job_id: str

    with pytest.raises(APIResponseValidationError, match="larger than 64 MiB"):
        core().parse(response(200), Job, b'{"job_id": "j"', cut=True)


def test_calls_run_at_once_as_many_as_the_pool_keeps_alive() -> None:
    with httpx.Client() as default:
        assert transport._concurrency(default) == 20  # httpx keeps 20 alive, of 100
    limits = httpx.Limits(max_connections=5, max_keepalive_connections=None)
    with httpx.Client(limits=limits) as small:
        assert transport._concurrency(small) == 5
    mock = httpx.MockTransport(lambda request: httpx.Response(200))
    with httpx.Client(transport=mock) as unknown:
        assert transport._concurrency(unknown) == transport.DEFAULT_CONCURRENCY


def test_a_poll_runs_within_the_wait_and_ends_with_it() -> None:
    poller = JobPoller(job_id="j", timeout=0.05, interval=0.01, max_interval=0.01)
    assert deadline._BUDGET.get() is None
    with poller:
        inside = deadline._BUDGET.get()
    assert inside is not None and inside <= time.monotonic() + 0.05
    assert deadline._BUDGET.get() is None
    poller.next_delay("RUNNING")
    # A poll cut short by the wait's end is the wait's timeout, with the last state.
    time.sleep(0.06)
    with pytest.raises(JobTimeoutError) as caught, poller:
        raise APITimeoutError("cut short")
    assert caught.value.state == "RUNNING"
    assert isinstance(caught.value.__cause__, APITimeoutError)
    # Before the wait's end, a poll's own timeout ends the wait too, keeping the last
    # state: the caller asked about the job, not about one poll.
    early = JobPoller(job_id="j", timeout=10, interval=1, max_interval=1)
    early.next_delay("RUNNING")
    with pytest.raises(JobTimeoutError) as caught, early:
        raise APITimeoutError("one slow poll")
    assert caught.value.state == "RUNNING"
    assert isinstance(caught.value.__cause__, APITimeoutError)


def test_a_wait_inside_a_wait_keeps_the_sooner_end() -> None:
    outer = JobPoller(job_id="a", timeout=0.5, interval=1, max_interval=1)
    inner = JobPoller(job_id="b", timeout=100, interval=1, max_interval=1)
    with outer:
        first = deadline._BUDGET.get()
        with inner:
            assert deadline._BUDGET.get() == first
    assert deadline._BUDGET.get() is None


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX sockets")
def test_the_watchdog_shuts_a_socket_down_at_its_deadline() -> None:
    import socket
    import threading

    left, right = socket.socketpair()
    watchdog = deadline._Watchdog()
    guard = watchdog.arm(time.monotonic() + 0.1)
    watchdog.watch(guard, left)
    start = time.monotonic()
    assert left.recv(10) == b""  # the blocked read ends: the socket was shut down
    assert 0.05 < time.monotonic() - start < 1.0
    assert guard.fired
    # A socket known only after the deadline is shut down as it becomes known.
    early, _early_peer = socket.socketpair()
    gone = watchdog.arm(time.monotonic())
    time.sleep(0.05)
    assert gone.fired
    watchdog.watch(gone, early)
    assert early.recv(10) == b""
    # A disarmed guard never fires.
    other, _peer = socket.socketpair()
    late = watchdog.arm(time.monotonic() + 0.05)
    watchdog.watch(late, other)
    watchdog.disarm(late)
    time.sleep(0.1)
    assert not late.fired
    other.setblocking(False)
    with pytest.raises(BlockingIOError):
        other.recv(1)  # still open: nothing to read, no end of stream
    assert threading.active_count() >= 1
    for sock in (left, right, early, _early_peer, other, _peer):
        sock.close()


def test_the_python_3_10_deadline_ends_a_task_at_its_deadline() -> None:
    async def scenario() -> None:
        start = time.monotonic()
        with pytest.raises(TimeoutError):
            async with deadline._AnyioDeadline(start + 0.05):
                await asyncio.sleep(5)
        assert time.monotonic() - start < 1
        async with deadline._AnyioDeadline(math.inf):
            await asyncio.sleep(0)

    asyncio.run(scenario())
