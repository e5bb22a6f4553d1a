"""`wait_for_job`, for every package (issue 18, "polling"): the interval between polls grows
to `max_poll_interval` and never past it; a job that never ends raises JobTimeoutError at
the wait's `timeout`, with the last state seen; a wait cancelled from outside (during a
poll or between two) leaves no task, no open connection and no queued turn behind; and a
wait can start from a job id another process saved.

What the deadlines do inside a slow poll is in test_deadlines.py, a cancel inside a
hanging poll included; the retries of a poll are in test_retry_rules.py.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import unquote

import httpx
import pytest

from generator import pipeline
from generator.errors import SpecError
from tests.reliability.server import Answer, FaultServer, Received, scripted
from tests.reliability.support import (
    JOB,
    MODES,
    ROOT,
    Mode,
    Package,
    assert_nothing_busy,
    call,
    package,
    package_names,
    pool,
)

T = TypeVar("T")


def at_once(scenarios: list[Callable[[], T]]) -> list[T]:
    """Run each scenario in a thread of its own; their results, in order."""
    for name in package_names():
        package(name)  # imported first, in this thread
    with ThreadPoolExecutor(len(scenarios)) as threads:
        return list(threads.map(lambda scenario: scenario(), scenarios))


# --- backoff, and a job that never ends ------------------------------------------------------

FIRST, CAP, WAIT = 0.02, 0.1, 2.0
# Room above the cap for a loaded machine (8 waits at once, each with its server); an
# uncapped backoff (x1.5 a poll) would wait 0.34 s and then 0.51 s within WAIT.
SLACK = 0.3


def never_ending(name: str, mode: Mode) -> tuple[str, Mode, Any, float, list[float]]:
    pkg = package(name)
    running = Answer(200, pkg.running(), content_type=pkg.content_type)
    with FaultServer([running]) as server:
        outcome = call(
            pkg,
            mode,
            server.url,
            lambda api: api.wait_for_job(
                JOB, timeout=WAIT, poll_interval=FIRST, max_poll_interval=CAP
            ),
        )
        assert server.wait_until_idle()
    times = [request.at for request in server.received]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    return name, mode, outcome.error, outcome.elapsed, gaps


def test_backoff_is_capped_and_a_job_that_never_ends_times_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Against a job that stays running: the sleeps the wait chose (recorded) grow by
    half from `poll_interval` to exactly `max_poll_interval`; the gaps between the polls
    the server received stay near the cap; JobTimeoutError at `timeout`, with the state
    seen last."""
    chosen: dict[int, list[float]] = {}
    for name in package_names():
        poller = package(name).runtime("polling").JobPoller

        def spy(self: Any, state: str | None, _next: Any = poller.next_delay) -> float:
            delay: float = _next(self, state)
            chosen.setdefault(id(self), []).append(delay)
            return delay

        monkeypatch.setattr(poller, "next_delay", spy)
    results = at_once(
        [
            lambda n=name, m=mode: never_ending(n, m)  # type: ignore[misc]
            for name in package_names()
            for mode in MODES
        ]
    )
    growing = [FIRST * 1.5**step for step in range(4)]  # 0.02 ... 0.0675, then the cap
    assert len(chosen) == len(results)
    for delays in chosen.values():
        # The last sleep is cut to the time left.
        assert delays[:4] == pytest.approx(growing)
        assert delays[4:-1] == pytest.approx([CAP] * (len(delays) - 5))
        assert 0 < delays[-1] <= CAP
    for name, mode, error, elapsed, gaps in results:
        pkg = package(name)
        lifecycle = pkg.api.lifecycle
        assert lifecycle is not None
        label = f"{name} {mode}"
        assert isinstance(error, pkg.errors.JobTimeoutError), (label, error)
        assert error.job_id == JOB
        assert error.state == lifecycle.running[0]  # the last state seen
        assert error.timeout == WAIT
        assert f"still in state {lifecycle.running[0]} after waiting 2 s" in str(error)
        assert WAIT <= elapsed <= WAIT + 0.5, (label, elapsed)
        assert max(gaps) <= CAP + SLACK, (label, gaps)
        assert min(gaps[-3:-1]) >= CAP * 0.95, (label, gaps)
        assert all(gap >= FIRST * 0.95 for gap in gaps), (label, gaps)


# --- cancelled from outside -------------------------------------------------------------------

Where = Literal["during-a-poll", "between-polls"]


@pytest.mark.parametrize("where", ["during-a-poll", "between-polls"])
@pytest.mark.parametrize("name", package_names())
def test_a_wait_cancelled_from_outside_leaves_nothing_behind(
    name: str, where: Where
) -> None:
    """`asyncio.wait_for(wait_for_job(...), 0.3)`: the wait is cancelled inside a poll
    that hangs, or in the 30 s sleep after a poll. Afterwards no task is left, no
    connection is open in the pool or on the server while the client is still open
    (the hanging one is closed, not kept), and the client's one turn (a pool of one
    connection) is free: the next call goes through at once."""
    pkg = package(name)
    running = Answer(200, pkg.running(), content_type=pkg.content_type)
    hanging = Answer(200, pkg.running(), content_type=pkg.content_type, header_delay=30)
    # The last answer is the read's after the cancel.
    done = pkg.answer("read")
    script = [running, hanging, done] if where == "during-a-poll" else [running, done]
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    interval = 0.01 if where == "during-a-poll" else 30.0

    async def scenario(server: FaultServer) -> tuple[float, Any]:
        async with (
            httpx.AsyncClient(limits=limits) as http,
            pkg.client("async", server.url, http_client=http) as api,
        ):
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(
                    api.wait_for_job(JOB, timeout=60, poll_interval=interval), 0.3
                )
            assert asyncio.all_tasks() == {asyncio.current_task()}
            assert_nothing_busy(api)
            connections = pool(api).connections
            if where == "during-a-poll":
                assert all(c.is_closed() for c in connections), connections
                for _ in range(100):  # the server sees it closed, soon
                    if server.open_connections == 0:
                        break
                    await asyncio.sleep(0.01)
                assert server.open_connections == 0
            else:
                assert len(connections) == 1 and connections[0].is_idle()
            start = time.monotonic()
            result = await pkg.operation("read")(api)
            return time.monotonic() - start, result

    with FaultServer(script) as server:
        elapsed, result = asyncio.run(scenario(server))
        assert server.wait_until_idle()
    lifecycle = pkg.api.lifecycle
    assert lifecycle is not None
    assert pkg.job_state(result) == lifecycle.succeeded[0]
    assert elapsed < 1.0
    assert len(server.received) == (3 if where == "during-a-poll" else 2)


# --- a job id saved by another process -----------------------------------------------------

# What the other process runs: a client of the package, the README's submit, the job id
# printed. It is told what it needs (building the API from its spec takes seconds).
SUBMITTER = textwrap.dedent(
    """
    import importlib, json, sys
    from tests.reliability.support import readme_submit

    for job in json.loads(sys.argv[1]):
        module = importlib.import_module(job["package"])
        arguments = readme_submit(job["package"], job["submit"])
        with module.Client(base_url=job["url"], **job["options"]) as api:
            node = getattr(api, job["submit"])(**arguments)
        for name, index in job["path"]:
            node = getattr(node, name)
            node = node if index is None else node[index]
        print(node, flush=True)
    """
)


def submit_job(pkg: Package, url: str) -> dict[str, Any]:
    lifecycle = pkg.api.lifecycle
    assert lifecycle is not None
    path = lifecycle.job_id_field
    return {
        "package": pkg.name,
        "url": url,
        "options": pkg.options(),
        "submit": pkg.submit_name,
        "path": [
            [field.name, path.index(position)]
            for position, field in enumerate(path.fields)
        ],
    }


def lifecycle_server(pkg: Package, job_id: str) -> Callable[[Received], Answer]:
    """A read of `job_id` is running twice, then succeeded; anything else is a submit,
    answered with `job_id`."""
    polls = 0

    def answer(request: Received) -> Answer:
        nonlocal polls
        text = unquote(request.path) + " " + request.body.decode(errors="replace")
        if job_id in text:
            polls += 1
            lifecycle = pkg.api.lifecycle
            assert lifecycle is not None
            state = lifecycle.running[0] if polls <= 2 else lifecycle.succeeded[0]
            return Answer(200, pkg.state(state, job_id), content_type=pkg.content_type)
        return pkg.answer("submit", job_id=job_id)

    return answer


def servers(names: list[str], stack: ExitStack) -> Iterator[tuple[str, FaultServer]]:
    for name in names:
        job_id = f"job-saved-by-another-process-{name}"
        yield (
            job_id,
            stack.enter_context(scripted(lifecycle_server(package(name), job_id))),
        )


def test_a_wait_from_a_job_id_saved_by_another_process() -> None:
    """Another process submits and prints the job ids (one interpreter for every
    package); this one waits for each with fresh clients, from the id alone: sync (two
    polls running, the third succeeded), then async (succeeded at once)."""
    names = package_names()
    with ExitStack() as stack:
        started = list(servers(names, stack))
        jobs = [
            submit_job(package(name), server.url)
            for name, (_, server) in zip(names, started, strict=True)
        ]
        path = os.pathsep.join([str(ROOT), str(ROOT / "generated")])
        submitted = subprocess.run(
            [sys.executable, "-c", SUBMITTER, json.dumps(jobs)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": path},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert submitted.returncode == 0, submitted.stderr
        saved = submitted.stdout.split()
        assert saved == [job_id for job_id, _ in started]
        for name, job_id, (_, server) in zip(names, saved, started, strict=True):
            pkg = package(name)
            lifecycle = pkg.api.lifecycle
            assert lifecycle is not None
            modes: tuple[Mode, ...] = ("sync", "async")
            for mode in modes:
                outcome = call(
                    pkg,
                    mode,
                    server.url,
                    lambda api, j=job_id: api.wait_for_job(  # type: ignore[misc]
                        j, timeout=10, poll_interval=0.01
                    ),
                )
                assert outcome.error is None, (name, mode, outcome.error)
                assert pkg.job_state(outcome.result) == lifecycle.succeeded[0]
                assert pkg.job_id(outcome.result) == job_id, (name, mode)
            # The submit (the other process's), then the polls of the saved id.
            assert len(server.received) == 1 + 3 + 1, name


# --- arguments checked before the first poll ---------------------------------------------------

BAD_WAITS: list[tuple[str, Any, type[Exception]]] = [
    ("timeout", "5", TypeError),
    ("timeout", True, TypeError),
    ("timeout", None, TypeError),
    ("timeout", 0, ValueError),
    ("timeout", -1.5, ValueError),
    ("timeout", float("nan"), ValueError),
    ("poll_interval", "1", TypeError),
    ("poll_interval", False, TypeError),
    ("poll_interval", 0, ValueError),
    ("poll_interval", float("inf"), ValueError),
    ("max_poll_interval", "30", TypeError),
    ("max_poll_interval", -1, ValueError),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", package_names())
def test_wait_arguments_are_checked_before_anything_is_sent(
    name: str, mode: Mode
) -> None:
    """`wait_for_job(timeout="5")` and the like: a TypeError (no number) or ValueError (a
    number that is not above 0, or an endless interval) naming the argument, and no poll
    sent. `timeout=float("inf")` is a wait without end, and allowed."""
    pkg = package(name)
    with FaultServer([pkg.answer("read")]) as server:
        raised = []
        for argument, value, error in BAD_WAITS:
            wait = {argument: value}

            def run(api: Any, wait: dict[str, Any] = wait) -> Any:
                return api.wait_for_job(JOB, **wait)

            with pytest.raises(error) as caught:
                if mode == "sync":
                    with pkg.client("sync", server.url) as api:
                        run(api)
                else:

                    async def scenario(run: Any = run) -> None:
                        async with pkg.client("async", server.url) as api:
                            await run(api)

                    asyncio.run(scenario())
            raised.append((argument, str(caught.value)))
        assert not server.received, "a poll was sent"
        # A wait without end is still a wait: it polls, and ends on the final state.
        outcome = call(
            pkg,
            mode,
            server.url,
            lambda api: api.wait_for_job(JOB, timeout=float("inf"), poll_interval=0.01),
        )
    for argument, message in raised:
        assert message.startswith(argument + " must be"), message
    assert outcome.error is None, outcome.error
    assert len(server.received) == 1


# --- `not-found` in x-sdkgen-job, as the generator reads it ------------------------------------


@pytest.mark.parametrize(
    ("replacement", "message"),
    [
        ("not-found: /NonExistJobIds", None),
        ("not-found: /NextToken", "expected a list of job ids, not str"),
        ("not-fund: /NonExistJobIds", "unknown key; known: failed, failure-code"),
        ("not-found: /Nowhere", "has no field 'Nowhere'"),
    ],
)
def test_the_not_found_key_names_a_list_of_ids(
    tmp_path: Path, replacement: str, message: str | None
) -> None:
    """CI's spec with its `not-found` pointer as given, and a misspelt key: the list is
    read; a pointer to text, to nothing, or an unknown key stops generation at its
    place."""
    shutil.copytree(ROOT / "specs" / "tencent-ci", tmp_path / "tencent-ci")
    spec = tmp_path / "tencent-ci" / "openapi.yaml"
    text = spec.read_text(encoding="utf-8")
    assert text.count("not-found: /NonExistJobIds") == 1
    spec.write_text(text.replace("not-found: /NonExistJobIds", replacement))
    if message is None:
        lifecycle = pipeline.build_api("tencent-ci", tmp_path).lifecycle
        assert lifecycle is not None and lifecycle.not_found_field is not None
        assert lifecycle.not_found_field.name == "non_exist_job_ids"
        return
    with pytest.raises(SpecError) as caught:
        pipeline.build_api("tencent-ci", tmp_path)
    assert message in str(caught.value)
    assert "/x-sdkgen-job/" in str(caught.value)
