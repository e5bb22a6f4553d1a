"""Deadlines, for every package, sync and async: `timeout=` bounds a whole call (a status
line, headers or a body, plain or gzip, trickled a byte at a time included),
`wait_for_job(timeout=)` bounds each of its polls, a call's wait for a pooled connection
is not counted against it and is never retried, and a cancelled wait leaves nothing
behind.

The slow scenarios of a test run at the same time, each against a server of its own, so
that a test takes the time of one of them.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal, TypeVar

import httpx
import pytest

from tests.reliability.server import Answer, FaultServer, Received, scripted
from tests.reliability.support import (
    JOB,
    MODES,
    OPS,
    Mode,
    Op,
    assert_nothing_busy,
    call,
    package,
    package_names,
)
from tests.reliability.trickle import PARTS, Part, TrickleServer

T = TypeVar("T")
COMBINATIONS = [
    (name, mode, op) for name in package_names() for mode in MODES for op in OPS
]


def at_once(scenarios: list[Callable[[], T]]) -> list[T]:
    """Run each scenario in a thread of its own; their results, in order."""
    for name in package_names():
        package(name)  # imported first, in this thread
    with ThreadPoolExecutor(len(scenarios)) as pool:
        return list(pool.map(lambda scenario: scenario(), scenarios))


def test_every_package_is_driven() -> None:
    """The tests below loop over the packages in generated/: over none, they would pass."""
    assert len(package_names()) == 4, package_names()


# Trickled answers (tests/reliability/trickle.py): a byte every 0.2 s, so the shortest
# part, the status line, takes 3.4 s, and calls of `timeout=1` must end well before.
INTERVAL = 0.2
TIMEOUT = 1.0
SLACK = 0.5  # a call ends within its timeout and this


def _threads() -> set[threading.Thread]:
    # Each package's watchdog thread starts on its first use and stays, by design.
    return {t for t in threading.enumerate() if t.name != "tts-sdkgen-deadlines"}


def _open_files() -> int | None:
    fds = "/proc/self/fd"
    return len(os.listdir(fds)) if os.path.isdir(fds) else None


def trickled(
    name: str, mode: Mode, op: Op | Literal["wait"], part: Part, prompt: int = 0
) -> tuple[str, float, Any, int]:
    """One call (or `wait_for_job`) against a server that trickles `part`: a label, the
    time it took, its error, and the connections it opened (after checking that the
    client closed every one)."""
    pkg = package(name)
    body = pkg.running() if op == "wait" else pkg.ok(op)
    label = f"{name} {mode} {op} {part}"
    with TrickleServer(
        part, body, content_type=pkg.content_type, interval=INTERVAL, prompt=prompt
    ) as server:
        if op == "wait":
            action: Any = lambda api: api.wait_for_job(  # noqa: E731
                JOB, timeout=TIMEOUT, poll_interval=0.05
            )
        else:
            action = pkg.operation(op)
        if prompt:
            # A first call, answered at once, leaves its connection in the pool.
            once = action
            if mode == "sync":

                def action(api: Any) -> Any:
                    once(api)
                    return once(api)

            else:

                async def action(api: Any) -> Any:
                    await once(api)
                    return await once(api)

        outcome = call(pkg, mode, server.url, action, timeout=TIMEOUT)
        assert server.wait_until_idle(), f"{label}: a connection was left open"
    # With `prompt`, the first call's milliseconds included: the bounds hold all the same.
    return label, outcome.elapsed, outcome.error, server.connections


def check_trickled(label: str, elapsed: float, error: Any) -> None:
    name, _, op, part = label.split()
    errors = package(name).errors
    if op == "wait":
        assert isinstance(error, errors.JobTimeoutError), (label, error)
        assert error.state is None  # no poll was answered
        error = error.__cause__
    assert isinstance(error, errors.APITimeoutError), (label, error)
    # The headers had arrived, or not.
    assert error.status_code == (200 if part in ("gzip", "body") else None), label
    assert TIMEOUT - 0.05 <= elapsed <= TIMEOUT + SLACK, (label, elapsed)


def test_a_trickled_answer_ends_at_the_deadline() -> None:
    """Every part trickled (status line, headers, gzip body, plain body), sync and async,
    submit and query: each call ends within its timeout + 0.5 s with APITimeoutError.
    Every combination for one package, each part once (in turn sync and async, submit and
    query) for the others. On the sync client, before its watchdog was armed from the
    moment a request is sent, with `timeout=2` and a byte every 0.25 s: a trickled status
    line ended after 4.3 s, trickled headers after 22.8 s, a gzip body after 3.0 s. No
    thread or socket is left behind (the server saw every connection closed)."""
    names = package_names()
    cases: list[tuple[str, Any, Any, Part]] = [
        (names[0], mode, op, part) for mode in MODES for op in OPS for part in PARTS
    ]
    for index, name in enumerate(names[1:]):
        for turn, part in enumerate(PARTS):
            mode = MODES[(index + turn) % 2]
            cases.append((name, mode, OPS[(index + turn // 2) % 2], part))
    for name in names:
        package(name)  # imported first, in this thread
    threads, files = _threads(), _open_files()
    results = at_once(
        [
            lambda case=case: trickled(*case)  # type: ignore[misc]
            for case in cases
        ]
    )
    for label, elapsed, error, _ in results:
        check_trickled(label, elapsed, error)
    assert _threads() == threads
    assert _open_files() == files


def test_wait_for_job_ends_with_its_timeout_when_a_poll_trickles() -> None:
    """`wait_for_job(timeout=1)` whose first poll trickles: JobTimeoutError within 1.5 s,
    for every package, sync and async (the trickled part in turn). On the sync client it
    took 4.3 s (status line) and 22.9 s (headers) with `timeout=3`."""
    cases = [
        (name, mode, PARTS[(index * 2 + turn) % len(PARTS)])
        for index, name in enumerate(package_names())
        for turn, mode in enumerate(MODES)
    ]
    results = at_once(
        [
            lambda case=case: trickled(case[0], case[1], "wait", case[2])  # type: ignore[misc]
            for case in cases
        ]
    )
    for label, elapsed, error, _ in results:
        check_trickled(label, elapsed, error)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("part", ["status", "headers"])
def test_a_pooled_connection_that_trickles_ends_at_the_deadline(
    part: Part, mode: Mode
) -> None:
    """The second call of a client, on the connection the first one left in the pool,
    gets its head trickled: it ends at its deadline too (httpcore tells of no socket when
    it reuses a connection; the watchdog finds it at the connection itself)."""
    label, elapsed, error, connections = trickled(
        package_names()[0], mode, "read", part, prompt=1
    )
    assert connections == 1, "the second call did not reuse the first one's connection"
    check_trickled(label, elapsed, error)


def test_a_trickled_body_ends_at_the_deadline() -> None:
    """One byte every 0.45 s, `timeout=2`: the timeout error comes after about 2 s (it
    took 6.8-8.6 s when httpx's per-read timeout was the only bound)."""

    def scenario(name: str, mode: Mode, op: Op) -> tuple[str, float, Any]:
        pkg = package(name)
        with FaultServer([pkg.answer(op, trickle=0.45)]) as server:
            outcome = call(pkg, mode, server.url, op, timeout=2)
            assert server.wait_until_idle()
        return f"{name} {mode} {op}", outcome.elapsed, outcome.error

    results = at_once(
        [
            lambda n=name, m=mode, o=op: scenario(n, m, o)  # type: ignore[misc]
            for name, mode, op in COMBINATIONS
        ]
    )
    for label, elapsed, error in results:
        pkg = package(label.split()[0])
        assert isinstance(error, pkg.errors.APITimeoutError), (label, error)
        assert error.status_code == 200  # the headers had arrived
        assert 1.95 <= elapsed <= 2.6, (label, elapsed)


def test_a_body_that_stops_midway_ends_at_the_deadline() -> None:
    """A few bytes of the body, 0.2 s apart, then silence, with `timeout=1`: the call
    ends after 1 s. (httpx's read timeout, set when the body starts, would end it 0.6 s
    later: a sync read blocked in the socket is ended by shutting the socket down.)"""

    def scenario(name: str, mode: Mode, op: Op) -> tuple[str, float, Any]:
        pkg = package(name)
        with FaultServer([pkg.answer(op, trickle=0.2, stall_after=3)]) as server:
            outcome = call(pkg, mode, server.url, op, timeout=1)
            assert server.wait_until_idle()
        return f"{name} {mode} {op}", outcome.elapsed, outcome.error

    results = at_once(
        [
            lambda n=name, m=mode, o=op: scenario(n, m, o)  # type: ignore[misc]
            for name, mode, op in COMBINATIONS
        ]
    )
    for label, elapsed, error in results:
        pkg = package(label.split()[0])
        assert isinstance(error, pkg.errors.APITimeoutError), (label, error)
        assert error.body == pkg.ok(label.split()[2])[:3]  # type: ignore[arg-type]
        assert 0.95 <= elapsed <= 1.3, (label, elapsed)


def test_wait_for_job_ends_with_its_timeout_even_inside_a_slow_poll() -> None:
    """`wait_for_job(timeout=1)` against a server that stops answering after the first
    poll: JobTimeoutError after about 1 s, naming the last state seen (it took 7.35 s)."""

    def scenario(name: str, mode: Mode) -> tuple[str, float, Any, int]:
        pkg = package(name)
        first = True

        def answer(request: Received) -> Answer:
            nonlocal first
            if first:
                first = False
                return Answer(200, pkg.running(), content_type=pkg.content_type)
            return Answer(
                200, pkg.running(), content_type=pkg.content_type, header_delay=30
            )

        with scripted(answer) as server:
            outcome = call(
                pkg,
                mode,
                server.url,
                lambda api: api.wait_for_job(JOB, timeout=1.0, poll_interval=0.05),
            )
            assert server.wait_until_idle()
        return name, outcome.elapsed, outcome.error, len(server.received)

    results = at_once(
        [
            lambda n=name, m=mode: scenario(n, m)  # type: ignore[misc]
            for name in package_names()
            for mode in MODES
        ]
    )
    for name, elapsed, error, polls in results:
        pkg = package(name)
        lifecycle = pkg.api.lifecycle
        assert lifecycle is not None
        assert isinstance(error, pkg.errors.JobTimeoutError), (name, error)
        assert error.state == lifecycle.running[0]
        assert isinstance(error.__cause__, pkg.errors.APITimeoutError)
        assert 0.95 <= elapsed <= 1.5, (name, elapsed)
        assert polls == 2  # the slow poll was not retried past the wait's end


def test_a_wait_whose_first_poll_hangs_reports_no_state() -> None:
    def scenario(name: str, mode: Mode) -> tuple[str, float, Any]:
        pkg = package(name)
        hanging = Answer(200, pkg.running(), header_delay=30)
        with FaultServer([hanging]) as server:
            outcome = call(
                pkg,
                mode,
                server.url,
                lambda api: api.wait_for_job(JOB, timeout=0.5, poll_interval=0.05),
            )
        return name, outcome.elapsed, outcome.error

    for name, elapsed, error in at_once(
        [
            lambda n=name, m=mode: scenario(n, m)  # type: ignore[misc]
            for name in package_names()
            for mode in MODES
        ]
    ):
        assert isinstance(error, package(name).errors.JobTimeoutError), error
        assert error.state is None
        assert "reported no state after waiting 0.5 s" in str(error)
        assert 0.45 <= elapsed <= 1.0, (name, elapsed)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", package_names())
def test_waiting_for_a_pooled_connection_is_no_failure(name: str, mode: Mode) -> None:
    """20 calls through a pool of 2 connections, each answer taking 0.1 s, with
    `timeout=0.5`: the last call's turn comes after 0.9 s, yet every call succeeds and
    none is retried. The wait for a connection is not counted against a call's deadline
    (it starts when the call's turn comes), and it is never taken for a vendor failure."""
    pkg = package(name)
    calls = 20
    limits = httpx.Limits(max_connections=2, max_keepalive_connections=2)
    read = pkg.operation("read")
    with FaultServer([pkg.answer("read", header_delay=0.1)]) as server:
        if mode == "sync":
            with (
                httpx.Client(limits=limits) as http,
                pkg.client("sync", server.url, timeout=0.5, http_client=http) as api,
            ):
                barrier = threading.Barrier(calls)

                def one(_: int) -> Any:
                    barrier.wait()
                    return read(api)

                with ThreadPoolExecutor(calls) as threads:
                    results = list(threads.map(one, range(calls)))
        else:

            async def scenario() -> list[Any]:
                async with (
                    httpx.AsyncClient(limits=limits) as http,
                    pkg.client(
                        "async", server.url, timeout=0.5, http_client=http
                    ) as api,
                ):
                    return await asyncio.gather(*(read(api) for _ in range(calls)))

            results = asyncio.run(scenario())
    assert len(results) == calls and all(result is not None for result in results)
    assert len(server.received) == calls


@pytest.mark.parametrize("name", package_names())
def test_cancelling_a_wait_leaves_no_task_or_connection(name: str) -> None:
    pkg = package(name)

    async def scenario(server: FaultServer) -> None:
        async with pkg.client("async", server.url) as api:
            waiting = asyncio.ensure_future(
                api.wait_for_job(JOB, timeout=60, poll_interval=0.01)
            )
            await asyncio.sleep(0.3)  # a few polls answered, then one that hangs
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            assert_nothing_busy(api)
            assert asyncio.all_tasks() == {asyncio.current_task()}

    running = Answer(200, pkg.running(), content_type=pkg.content_type)
    hanging = Answer(200, pkg.running(), header_delay=30)
    with FaultServer([running, running, running, hanging]) as server:
        asyncio.run(scenario(server))
        assert server.wait_until_idle()
    assert len(server.received) == 4
