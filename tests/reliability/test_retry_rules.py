"""The retry rules (README, "Retries"), for every package, sync and async, for the
lifecycle's submit and its query:

- reads are retried on connection errors, timeouts, 408, 429 and 5xx, with jittered
  backoff, honouring `Retry-After` in seconds and as an HTTP date, up to a cap;
- a submit is retried only when it provably did not reach the service (a refused
  connection, a 429), unless the client is told `retry_submits=True`;
- retries, the call's deadline and `wait_for_job` share one budget: no retry is begun that
  would end after the deadline.

What each fault of the corpus does is in test_corpus.py; here are the waits and budgets.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

from tests.reliability.server import Answer, FaultServer
from tests.reliability.support import (
    MODES,
    OPS,
    Mode,
    Op,
    call,
    closed_port,
    package,
    package_names,
)

T = TypeVar("T")
COMBINATIONS = [
    (name, mode, op) for name in package_names() for mode in MODES for op in OPS
]


def at_once(scenarios: list[Callable[[], T]]) -> list[T]:
    for name in package_names():
        package(name)  # imported first, in this thread
    with ThreadPoolExecutor(len(scenarios)) as pool:
        return list(pool.map(lambda scenario: scenario(), scenarios))


def refused(op: Op) -> int:
    """The status a server refuses work with, that a call of `op` may retry: 429 for a
    submit (refused unprocessed), 503 for a read."""
    return 429 if op == "submit" else 503


def gaps(name: str, mode: Mode, op: Op, retry_after: str) -> tuple[str, Any, float]:
    pkg = package(name)
    fault = pkg.error(refused(op), headers={"Retry-After": retry_after})
    with FaultServer([fault, pkg.answer(op)]) as server:
        outcome = call(pkg, mode, server.url, op)
    first, second = server.received
    return f"{name} {mode} {op}", outcome.error, second.at - first.at


def test_retry_after_in_seconds_is_waited_for() -> None:
    results = at_once(
        [
            lambda n=name, m=mode, o=op: gaps(n, m, o, "1")  # type: ignore[misc]
            for name, mode, op in COMBINATIONS
        ]
    )
    for label, error, gap in results:
        assert error is None, (label, error)
        assert 0.95 <= gap <= 1.5, (label, gap)  # the test's own backoff is 10 ms


def test_retry_after_as_an_http_date_is_waited_for() -> None:
    # An HTTP date has whole seconds: 2 s from now is between 1 and 2 s away.
    moment = email.utils.formatdate(time.time() + 2, usegmt=True)
    results = at_once(
        [
            lambda n=name, m=mode, o=op: gaps(n, m, o, moment)  # type: ignore[misc]
            for name, mode, op in COMBINATIONS
        ]
    )
    for label, error, gap in results:
        assert error is None, (label, error)
        assert 0.9 <= gap <= 2.5, (label, gap)


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", package_names())
def test_a_refused_connection_is_retried_even_for_a_submit(
    name: str, mode: Mode, op: Op, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing listens: the request cannot have reached the service, so a submit too is
    retried, up to max_retries, then APIConnectionError (not a timeout)."""
    pkg = package(name)
    caplog.set_level(logging.INFO, logger=pkg.name)
    with closed_port() as url:
        outcome = call(pkg, mode, url, op)
    error = outcome.error
    assert isinstance(error, pkg.errors.APIConnectionError), error
    assert not isinstance(error, pkg.errors.APITimeoutError)
    assert (error.status_code, error.request_id, error.body) == (None, None, b"")
    retries = [r for r in caplog.records if r.getMessage().startswith("retrying")]
    assert len(retries) == 2
    assert all("ConnectError" in r.getMessage() for r in retries)


@pytest.mark.parametrize("retry_submits", [False, True])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", package_names())
def test_submits_are_retried_on_5xx_only_when_the_client_says_so(
    name: str, mode: Mode, retry_submits: bool
) -> None:
    """A 503 to a submit: without `retry_submits` the error, after one request (the job
    may exist); with it, the same job submitted again, and its answer."""
    pkg = package(name)
    with FaultServer([pkg.error(503), pkg.answer("submit")]) as server:
        outcome = call(pkg, mode, server.url, "submit", retry_submits=retry_submits)
    if not retry_submits:
        assert isinstance(outcome.error, pkg.errors.InternalServerError), outcome.error
        assert outcome.error.status_code == 503
        assert len(server.received) == 1
        return
    assert outcome.error is None, outcome.error
    assert len(server.received) == 2
    first, second = server.received
    assert first.body == second.body  # the same job, submitted again


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", package_names())
def test_no_retry_is_begun_that_would_end_after_the_deadline(
    name: str, mode: Mode, op: Op
) -> None:
    """The server asks for 5 s; the call has 1 s: the error at once, not after 5 s."""
    pkg = package(name)
    fault = pkg.error(refused(op), headers={"Retry-After": "5"})
    with FaultServer([fault, pkg.answer(op)]) as server:
        outcome = call(pkg, mode, server.url, op, timeout=1)
    assert isinstance(outcome.error, pkg.errors.APIStatusError), outcome.error
    assert outcome.error.status_code == refused(op)
    assert len(server.received) == 1
    assert outcome.elapsed < 0.5


def test_backoff_and_retries_share_the_deadline() -> None:
    """A read that keeps failing, with backoff of 0.3 s doubling (jittered down by up to a
    quarter) and room for 5 retries, but `timeout=1.5`: the attempts at about 0, 0.3 and
    0.9 s are made, the next (1.575 s at the earliest) would pass the deadline, so the
    error comes before 1.5 s, after 3 attempts. (The deadline leaves the third attempt
    0.6 s of slack: with 0.1 s, a loaded machine made only two.)"""

    def scenario(name: str, mode: Mode) -> tuple[str, Any, float, int]:
        pkg = package(name)
        policy = pkg.runtime("retry").RetryPolicy

        def slow_backoff(api: Any) -> None:
            api._core.retry = policy(max_retries=5, initial_delay=0.3, max_delay=8)

        with FaultServer([pkg.error(503)]) as server:
            outcome = call(
                pkg,
                mode,
                server.url,
                "read",
                fast=False,
                prepare=slow_backoff,
                timeout=1.5,
                max_retries=5,
            )
        return name, outcome.error, outcome.elapsed, len(server.received)

    results = at_once(
        [
            lambda n=name, m=mode: scenario(n, m)  # type: ignore[misc]
            for name in package_names()
            for mode in MODES
        ]
    )
    for name, error, elapsed, attempts in results:
        assert isinstance(error, package(name).errors.InternalServerError), error
        assert attempts == 3, name
        assert 0.6 <= elapsed < 1.5, (name, elapsed)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", package_names())
def test_polls_are_retried_as_reads_within_the_wait(name: str, mode: Mode) -> None:
    """A poll that meets a 503 is retried, and the wait goes on to the final state."""
    pkg = package(name)
    running = Answer(200, pkg.running(), content_type=pkg.content_type)
    replies = [running, pkg.error(503), pkg.answer("read")]
    with FaultServer(replies) as server:
        outcome = call(
            pkg,
            mode,
            server.url,
            lambda api: api.wait_for_job("job-1", timeout=5, poll_interval=0.01),
        )
    assert outcome.error is None, outcome.error
    assert len(server.received) == 3
