"""One sync `Client` shared by 8 threads, for every package (one per signer family, and
Huawei's token): no call fails, and no thread gets another's answer.

The server answers each read with the job id the read asked for (found in its path, query
or body), and each submit with a job id of its own making, counted: every thread must get
the ids it asked for, and the submits' ids must be exactly those the server gave out, once
each.
"""

from __future__ import annotations

import itertools
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote

import pytest

from tests.reliability.server import Answer, Received, scripted
from tests.reliability.support import Package, package, package_names

THREADS = 8
READS = 12  # per thread
SUBMITS = 3  # per thread
ASKED = re.compile(r"job-t\d+-r\d+")


def echo(pkg: Package) -> tuple[Any, list[str]]:
    """The server's script, and the job ids it gave to submits (in order)."""
    given: list[str] = []
    counter = itertools.count()
    lock = threading.Lock()

    def answer(request: Received) -> Answer:
        text = unquote(request.path) + " " + request.body.decode(errors="replace")
        asked = ASKED.search(text)
        if asked is not None:
            return pkg.answer("read", job_id=asked.group())
        with lock:
            job_id = f"job-submitted-{next(counter)}"
            given.append(job_id)
        return pkg.answer("submit", job_id=job_id)

    return answer, given


@pytest.mark.parametrize("name", package_names())
def test_a_sync_client_shared_by_8_threads(name: str) -> None:
    pkg = package(name)
    submit = pkg.operation("submit")
    script, given = echo(pkg)
    barrier = threading.Barrier(THREADS)

    def worker(api: Any, thread: int) -> tuple[list[tuple[str, Any]], list[Any]]:
        barrier.wait()  # all at once
        reads, submitted = [], []
        for index in range(READS):
            asked = f"job-t{thread}-r{index}"
            reads.append((asked, pkg.job_id(pkg.operation("read", asked)(api))))
            if index % (READS // SUBMITS) == 0:
                submitted.append(pkg.job_id(submit(api)))
        return reads, submitted

    with scripted(script) as server:
        with pkg.client("sync", server.url) as api:
            with ThreadPoolExecutor(THREADS) as threads:
                results = list(threads.map(lambda t: worker(api, t), range(THREADS)))
        assert server.wait_until_idle()

    for reads, _ in results:
        assert [got for _, got in reads] == [asked for asked, _ in reads]
    submitted = [job for _, jobs in results for job in jobs]
    assert len(submitted) == THREADS * SUBMITS
    assert sorted(submitted) == sorted(given)  # each answer went to one caller
    assert len(set(submitted)) == len(submitted)
    assert len(server.received) == THREADS * (READS + SUBMITS)  # none sent twice
