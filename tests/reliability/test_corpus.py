"""Every package against a misbehaving server: the corpus of issue 18, as tests.

Each case runs for every generated package, sync and async, for the lifecycle's submit and
for its query (a read), against a real HTTP server on 127.0.0.1 that keeps misbehaving
(its answer repeats). Each checks the documented behaviour:

- retried or not (the number of requests the server received): a read is retried on
  connection failures, timeouts, 408, 429 and 5xx; a submit only when the request provably
  did not reach the service (429 here; a refused connection in test_retry_rules.py);
- the typed error, carrying the status, the request id and the raw body (at most 64 KiB),
  or the parsed result where the response is usable after all;
- bounded time;
- nothing left behind: no connection busy in the client's pool, no task running
  (`support.call`), every connection closed once the client is (the server's count), and
  nothing sent anywhere else (a second server, the redirect's target, receives nothing).

Delays are small (tens of milliseconds, timeouts of 0.4 s at most) and the backoff between
retries is cut to milliseconds, to keep the corpus fast; the large body is 5 MB rather than
50 MB for the same reason. test_big_body.py sends 50 MB bodies from the same server.

Issue 25's cases are here and beside it, for every package, sync and async:
- a 200 that is not the API's document (a proxy's HTML page, no body, the usable answer
  as a top-level JSON array or string, under another XML root or none):
  `APIResponseValidationError` with the status, the gateway's request id and the raw body
  (`CASES` below);
- a wait whose poll times out, or whose answers carry no state, or name the job as not
  existing (the "wait" section below);
- a submit answer without its job id, a received field that does not parse, a result
  entry without its end time: test_bad_answers.py;
- text the wire cannot carry (a lone surrogate; for XML, NUL, C0 controls, U+FFFE) and
  waits that cannot be timed, refused with nothing sent: test_unsendable.py;
- deadlines overrun while headers or a gzip body trickle in: test_deadlines.py; clock
  skew under concurrency: test_clock_skew.py.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest

from tests.reliability.server import Answer, FaultServer, fault_server
from tests.reliability.support import (
    EXPECTED_PACKAGES,
    JOB,
    MODES,
    OPS,
    REQUEST_ID,
    Mode,
    Op,
    Package,
    call,
    package,
    package_names,
    tree,
    xml_text,
)

RETRIES = 2  # the default max_retries
BODY_LIMIT = 64 * 1024
LARGE = 5 * 1024 * 1024
HTML = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>"
PAST = "Wed, 21 Oct 2015 07:28:00 GMT"

# Where a case's error finds its request id: in the vendor's error body (and header), in
# the response header only where the API has one, or nowhere (no response at all).
RequestId = Literal["vendor", "header", "none"]
Retried = Literal["never", "reads", "always"]


@dataclass(frozen=True)
class Case:
    name: str
    # What the server answers every time, given the package, the call and the URL of a
    # second server (a redirect's target).
    answer: Callable[[Package, Op, str], Answer]
    retried: Retried
    error: str | None  # the class in the package's errors, None for a parsed result
    status: int | None = None
    request_id: RequestId = "none"
    # The error's body: the answer's body as sent (decoded), or a function of it.
    body: Callable[[bytes], bytes] | None = None
    options: dict[str, Any] = field(default_factory=dict)
    max_seconds: float = 2.0


def sent(package: Package, answer: Answer) -> bytes:
    return answer.payload()


def same(body: bytes) -> bytes:
    return body


def nothing(body: bytes) -> bytes:
    return b""


def padded(package: Package, op: Op, size: int) -> bytes:
    """A usable answer of about `size` bytes: an unknown field holding filler."""
    body = package.ok(op)
    if package.xml:
        cut = body.rindex(b"</")
        return body[:cut] + b"<Padding>" + b"x" * size + b"</Padding>" + body[cut:]
    document = json.loads(body)
    document["Padding"] = "x" * size
    return json.dumps(document).encode()


def vendor_error(status: int, **changes: Any) -> Callable[[Package, Op, str], Answer]:
    return lambda p, op, other: p.error(status, **changes)


# A 200 whose body is a well-formed document, but not the API's: what the usable answer
# holds, in another shape. Labelled as the API's own media type, so that only the shape
# tells it apart.
Shape = Callable[[Package, Op], bytes]
SHAPES: dict[str, Shape] = {
    "top-level-array": lambda p, op: json.dumps([tree(p.values(op))]).encode(),
    "top-level-string": lambda p, op: json.dumps(p.ok(op).decode()).encode(),
    "another-root-element": (
        lambda p, op: f"<Other>{xml_text(tree(p.values(op)))}</Other>".encode()
    ),
    # The XML API's document without its root (`<JobsDetail>` on top); for a JSON API,
    # its answer as XML.
    "root-element-missing": lambda p, op: xml_text(tree(p.values(op))).encode(),
}


def another_document(shape: Shape) -> Callable[[Package, Op, str], Answer]:
    return lambda p, op, other: Answer(
        200, shape(p, op), content_type=p.content_type, headers=p.headers()
    )


CASES = [
    *(
        Case(
            f"http-{status}",
            vendor_error(status),
            "reads",
            "InternalServerError",
            status,
            "vendor",
            same,
        )
        for status in (500, 502, 503, 504)
    ),
    Case(
        "429-retry-after-seconds",
        vendor_error(429, headers={"Retry-After": "0"}),
        "always",
        "RateLimitError",
        429,
        "vendor",
        same,
    ),
    Case(
        "429-retry-after-http-date",
        vendor_error(429, headers={"Retry-After": PAST}),
        "always",
        "RateLimitError",
        429,
        "vendor",
        same,
    ),
    Case(
        "429-no-retry-after",
        vendor_error(429),
        "always",
        "RateLimitError",
        429,
        "vendor",
        same,
    ),
    Case(
        "429-retry-after-beyond-the-cap",
        vendor_error(429, headers={"Retry-After": "3600"}),
        "never",
        "RateLimitError",
        429,
        "vendor",
        same,
    ),
    Case("http-408", vendor_error(408), "reads", "APIStatusError", 408, "vendor", same),
    Case(
        "error-body-with-200",
        vendor_error(200),
        "never",
        "APIStatusError",
        200,
        "vendor",
        same,
    ),
    Case(
        "reset-before-headers",
        lambda p, op, other: Answer(reset="before-headers"),
        "reads",
        "APIConnectionError",
        None,
        "none",
        nothing,
    ),
    Case(
        "reset-after-headers",
        lambda p, op, other: p.answer(op, reset="after-headers", headers=p.headers()),
        "reads",
        "APIConnectionError",
        200,
        "header",
        nothing,
    ),
    Case(
        # The deadline (a plain `timeout`) leaves no room for another attempt.
        "slow-headers",
        lambda p, op, other: p.answer(op, header_delay=1.0),
        "never",
        "APITimeoutError",
        None,
        "none",
        nothing,
        {"timeout": 0.4},
        max_seconds=1.5,
    ),
    Case(
        # Per-phase timeouts shorter than the deadline: a read's timeout is retried.
        "slow-headers-read-timeout",
        lambda p, op, other: p.answer(op, header_delay=1.0),
        "reads",
        "APITimeoutError",
        None,
        "none",
        nothing,
        {"timeout": httpx.Timeout(3.0, read=0.05)},
        max_seconds=0.8,
    ),
    Case(
        "trickled-body",
        lambda p, op, other: p.answer(op, trickle=0.02, headers=p.headers()),
        "never",
        "APITimeoutError",
        200,
        "header",
        None,  # a part of the body: checked below
        {"timeout": 0.4},
        max_seconds=1.5,
    ),
    Case(
        "truncated-body",
        lambda p, op, other: p.answer(op, truncate=10, headers=p.headers()),
        "reads",
        "APIConnectionError",
        200,
        "header",
        lambda body: body[:10],
    ),
    Case(
        "html-error-page",
        lambda p, op, other: Answer(
            502, HTML, content_type="text/html", headers=p.headers()
        ),
        "reads",
        "InternalServerError",
        502,
        "header",
        same,
    ),
    Case(
        "html-page-with-200",
        lambda p, op, other: Answer(
            200, HTML, content_type="text/html", headers=p.headers()
        ),
        "never",
        "APIResponseValidationError",
        200,
        "header",
        same,
    ),
    Case(
        "empty-body-with-200",
        lambda p, op, other: Answer(200, b"", headers=p.headers()),
        "never",
        "APIResponseValidationError",
        200,
        "header",
        same,
    ),
    *(
        Case(
            f"{name}-with-200",
            another_document(shape),
            "never",
            "APIResponseValidationError",
            200,
            "header",
            same,
        )
        for name, shape in SHAPES.items()
    ),
    Case(
        "empty-body-with-500",
        lambda p, op, other: Answer(500, b"", headers=p.headers()),
        "reads",
        "InternalServerError",
        500,
        "header",
        same,
    ),
    Case(
        # What arrives is read for what it is, whatever its label.
        "wrong-content-type",
        lambda p, op, other: p.answer(op, content_type="text/plain"),
        "never",
        None,
    ),
    Case(
        "invalid-json",
        lambda p, op, other: Answer(200, b'{"state": "SUCC', headers=p.headers()),
        "never",
        "APIResponseValidationError",
        200,
        "header",
        same,
    ),
    Case(
        "invalid-xml",
        lambda p, op, other: Answer(
            200,
            b"<Response><JobsDetail><State>Success</JobsDetail>",
            content_type="application/xml",
            headers=p.headers(),
        ),
        "never",
        "APIResponseValidationError",
        200,
        "header",
        same,
    ),
    Case("gzip-body", lambda p, op, other: p.answer(op, gzip=True), "never", None),
    Case(
        "gzip-error-body",
        vendor_error(503, gzip=True),
        "reads",
        "InternalServerError",
        503,
        "vendor",
        same,
    ),
    Case(
        "gzip-corrupt",
        lambda p, op, other: Answer(
            200,
            b"this is not gzip",
            headers={"Content-Encoding": "gzip", **p.headers()},
        ),
        "never",
        "APIResponseValidationError",
        200,
        "header",
        nothing,
    ),
    Case(
        "redirect-to-another-port",
        lambda p, op, other: Answer(
            307, b"", headers={"Location": other + "/elsewhere", **p.headers()}
        ),
        "never",
        "RedirectError",
        307,
        "header",
        same,
    ),
    Case(
        "large-body",
        lambda p, op, other: Answer(
            200, padded(p, op, LARGE), content_type=p.content_type
        ),
        "never",
        None,
        max_seconds=5.0,
    ),
    Case(
        "large-error-body",
        lambda p, op, other: Answer(
            500,
            b"<html>" + b"x" * LARGE + b"</html>",
            content_type="text/html",
            headers=p.headers(),
        ),
        "reads",
        "InternalServerError",
        500,
        "header",
        lambda body: body[:BODY_LIMIT],
        max_seconds=3.0,
    ),
]


def expected_attempts(case: Case, op: Op) -> int:
    if case.retried == "always" or (case.retried == "reads" and op == "read"):
        return 1 + RETRIES
    return 1


def expected_request_id(case: Case, package: Package) -> str | None:
    # Every package names the header its gateway sends the request id in (checked
    # below), so an answer without the vendor's body still names the request.
    if case.request_id in ("vendor", "header"):
        return REQUEST_ID
    return None


# The header each vendor's gateway sends the request id in, as each spec records it.
REQUEST_ID_HEADERS = {
    "tts_alibaba_ice": "x-acs-request-id",
    "tts_huawei_metastudio": "X-Request-Id",
    "tts_tencent_ci": "x-ci-request-id",
    "tts_tencent_mps": "X-TC-RequestId",
}


def test_the_corpus_runs_on_the_four_generated_packages(tmp_path: Path) -> None:
    """The loops over `generated/` find the four packages; an empty folder is an error,
    not a corpus that passes by running nothing."""
    assert set(package_names()) == EXPECTED_PACKAGES
    assert len(EXPECTED_PACKAGES) == 4
    with pytest.raises(AssertionError, match="lacks the generated packages"):
        package_names(tmp_path)


def test_each_package_reads_its_gateways_request_id_header() -> None:
    assert {
        name: package(name).request_id_header for name in package_names()
    } == REQUEST_ID_HEADERS


def runtime_error(package: Package, name: str) -> type[BaseException]:
    error: type[BaseException] = getattr(package.runtime("errors"), name)
    return error


TIME_SLACK = 3.0


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", package_names())
def test_misbehaving_server(name: str, mode: Mode, op: Op, case: Case) -> None:
    pkg = package(name)
    with fault_server() as elsewhere:
        answer = case.answer(pkg, op, elsewhere.url)
        with FaultServer([answer]) as server:
            outcome = call(pkg, mode, server.url, op, **case.options)
            assert server.wait_until_idle(), "the client left a connection open"
        assert not elsewhere.received, "a request went to another server"

    assert len(server.received) == expected_attempts(case, op), "retried or not"
    # Bounded, with room for a shared, loaded machine: a hang would take far longer.
    assert outcome.elapsed < case.max_seconds * TIME_SLACK
    if case.error is None:
        assert outcome.error is None, outcome.error
        assert outcome.result is not None
        return
    error = outcome.error
    assert isinstance(error, runtime_error(pkg, case.error)), repr(error)
    if case.error in ("APIConnectionError", "APIStatusError"):
        # Not a more specific class than the case names.
        assert type(error) is runtime_error(pkg, case.error), repr(error)
    assert getattr(error, "status_code", None) == case.status
    assert getattr(error, "request_id", None) == expected_request_id(case, pkg)
    body: bytes = error.body  # type: ignore[attr-defined]
    assert len(body) <= BODY_LIMIT
    if case.body is not None:
        assert body == case.body(sent(pkg, answer))
    else:  # a trickled body: what had arrived when the deadline passed
        assert body and sent(pkg, answer).startswith(body)
    if case.name == "redirect-to-another-port":
        assert error.location == elsewhere.url + "/elsewhere"  # type: ignore[attr-defined]
        assert elsewhere.url + "/elsewhere" in str(error)


@pytest.mark.parametrize(
    "case",
    [case for case in CASES if case.retried != "never" and case.error is not None],
    ids=lambda case: case.name,
)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", package_names())
def test_a_read_that_is_retried_recovers(name: str, mode: Mode, case: Case) -> None:
    """The same faults once, then a good answer: a read gets the good answer."""
    pkg = package(name)
    with fault_server() as elsewhere:
        answer = case.answer(pkg, "read", elsewhere.url)
        with FaultServer([answer, pkg.answer("read")]) as server:
            outcome = call(pkg, mode, server.url, "read", **case.options)
            assert server.wait_until_idle()
    assert outcome.error is None, repr(outcome.error)
    assert len(server.received) == 2
    lifecycle = pkg.api.lifecycle
    assert lifecycle is not None
    assert outcome.result is not None


# --- the wait: what `wait_for_job` makes of a poll's faults ------------------------------------
#
# The same server, answering the lifecycle's query: each case is a script of answers (the
# last one repeats), the wait's arguments and the client's, and what the wait must end in.


@dataclass(frozen=True)
class WaitCase:
    name: str
    script: Callable[[Package], list[Answer]]
    wait: dict[str, Any]
    # "succeeded", or the class in the package's errors the wait raises.
    outcome: str
    state: Literal["running", "none"] = "running"  # the error's last state seen
    polls: int | None = None  # requests the server receives, where that is fixed
    options: dict[str, Any] = field(default_factory=dict)
    max_seconds: float = 2.0


def running(p: Package, **changes: Any) -> Answer:
    return Answer(200, p.running(), content_type=p.content_type, **changes)


def no_state(p: Package) -> Answer:
    return Answer(200, p.no_state(), content_type=p.content_type)


def no_state_answers(p: Package) -> list[Answer]:
    return [no_state(p), no_state(p), p.answer("read")]


def only_no_state(p: Package) -> list[Answer]:
    return [no_state(p)]


WAIT_CASES = [
    WaitCase(
        # The poll's own deadline (the client's `timeout`) ends it long before the wait's.
        "poll-times-out",
        lambda p: [running(p), running(p, header_delay=1.0)],
        {"timeout": 30, "poll_interval": 0.01},
        "JobTimeoutError",
        polls=2,
        options={"timeout": 0.3, "max_retries": 0},
        max_seconds=1.0,
    ),
    WaitCase(
        "poll-cut-short-by-the-wait",
        lambda p: [running(p), running(p, header_delay=1.0)],
        {"timeout": 0.4, "poll_interval": 0.01},
        "JobTimeoutError",
        polls=2,
    ),
    WaitCase(
        # A state-less answer is a job still running (the tolerant wait), then it ends.
        "answers-without-a-state",
        no_state_answers,
        {"timeout": 10, "poll_interval": 0.01},
        "succeeded",
        polls=3,
    ),
    WaitCase(
        "no-state-until-the-timeout",
        only_no_state,
        {"timeout": 0.3, "poll_interval": 0.01},
        "JobTimeoutError",
        state="none",
    ),
]


@pytest.mark.parametrize("case", WAIT_CASES, ids=[case.name for case in WAIT_CASES])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", package_names())
def test_a_wait_against_a_misbehaving_server(
    name: str,
    mode: Mode,
    case: WaitCase,
    caplog: pytest.LogCaptureFixture,
) -> None:
    pkg = package(name)
    lifecycle = pkg.api.lifecycle
    assert lifecycle is not None
    caplog.set_level(logging.WARNING, logger=pkg.name)
    with FaultServer(case.script(pkg)) as server:
        outcome = call(
            pkg,
            mode,
            server.url,
            lambda api: api.wait_for_job(JOB, **case.wait),
            **case.options,
        )
        assert server.wait_until_idle(), "the client left a connection open"
    if case.polls is not None:
        assert len(server.received) == case.polls
    assert outcome.elapsed < case.max_seconds * TIME_SLACK
    no_state_warnings = [
        r for r in caplog.records if "reports no state" in r.getMessage()
    ]
    if case.outcome == "succeeded":
        assert outcome.error is None, repr(outcome.error)
        assert pkg.job_state(outcome.result) == lifecycle.succeeded[0]
        assert len(no_state_warnings) == 1  # once, however often
        return
    error = outcome.error
    assert isinstance(error, runtime_error(pkg, case.outcome)), repr(error)
    expected = lifecycle.running[0] if case.state == "running" else None
    assert error.state == expected  # type: ignore[attr-defined]
    assert error.job_id == JOB  # type: ignore[attr-defined]
    if case.name == "poll-times-out":
        # Not the wait's timeout: the poll's, kept as the cause.
        assert isinstance(error.__cause__, pkg.errors.APITimeoutError)
        assert "when a poll timed out" in str(error)
        assert error.timeout == 30  # type: ignore[attr-defined]
    if case.name == "poll-cut-short-by-the-wait":
        assert isinstance(error.__cause__, pkg.errors.APITimeoutError)
        assert str(error).endswith("after waiting 0.4 s")
    if case.state == "none":
        assert "reported no state" in str(error)
        assert len(no_state_warnings) == 1


def packages_with_not_found() -> list[str]:
    return [name for name in package_names() if package(name).not_found() is not None]


def test_the_apis_that_name_missing_jobs_declare_it() -> None:
    """Tencent CI's describe lists unknown ids under NonExistJobIds; the other three
    APIs answer an unknown id with an error status, which ends a wait already."""
    assert packages_with_not_found() == ["tts_tencent_ci"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", packages_with_not_found())
def test_a_wait_for_a_job_the_service_does_not_know_ends_at_once(
    name: str, mode: Mode
) -> None:
    """The answer lists the job as not existing: JobNotFoundError (a JobFailedError)
    after that one poll, not a wait of 600 s (the default timeout)."""
    pkg = package(name)
    body = pkg.not_found()
    assert body is not None
    with FaultServer([Answer(200, body, content_type=pkg.content_type)]) as server:
        outcome = call(
            pkg, mode, server.url, lambda api: api.wait_for_job(JOB, poll_interval=0.01)
        )
        assert server.wait_until_idle()
    error = outcome.error
    assert isinstance(error, pkg.errors.JobNotFoundError), repr(error)
    assert isinstance(error, pkg.errors.JobFailedError)
    assert error.job_id == JOB and error.state is None
    assert f"job {JOB} does not exist" in str(error)
    assert JOB in pkg.missing_ids(error.result)
    assert len(server.received) == 1
    assert outcome.elapsed < 2.0


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", packages_with_not_found())
def test_another_missing_job_does_not_end_the_wait(name: str, mode: Mode) -> None:
    """Only the waited-for id counts: another id in the list is no reason to stop."""
    pkg = package(name)
    other = pkg.not_found("job-someone-else")
    assert other is not None
    script = [Answer(200, other, content_type=pkg.content_type), pkg.answer("read")]
    with FaultServer(script) as server:
        outcome = call(
            pkg,
            mode,
            server.url,
            lambda api: api.wait_for_job(JOB, timeout=10, poll_interval=0.01),
        )
    assert outcome.error is None, repr(outcome.error)
    assert len(server.received) == 2
