"""Deadlines: the wait a call is part of, per-phase timeouts cut to the time left, the
async deadline of each attempt and the watchdog that ends sync reads at theirs."""

from __future__ import annotations

import heapq
import itertools
import math
import os
import socket
import sys
import threading
import time
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager, nullcontext, suppress
from contextvars import ContextVar
from typing import Any

import httpx

# anyio (Python 3.10's deadlines) is imported where it is used: a client on 3.11 needs
# none of it, and it adds to the import time.

DEFAULT_TIMEOUT = 60.0


# The deadline of the wait a call is part of (time.monotonic()), if any: `wait_for_job`
# sets it, so that each of its polls, and their retries, end with the wait.
_BUDGET: ContextVar[float | None] = ContextVar("budget", default=None)


_PHASES = frozenset(("connect", "read", "write", "pool"))


class _PhaseTimeouts(dict[str, Any]):
    """The per-phase timeouts of one attempt (connect, write, read, pool), as httpcore
    reads them from the request at the start of each phase: each is cut to the time left
    before the call's deadline."""

    __slots__ = ("deadline",)

    def __init__(self, phases: Mapping[str, float | None], deadline: float) -> None:
        super().__init__(phases)
        self.deadline = deadline

    def get(self, key: str, default: Any = None) -> Any:
        value = dict.get(self, key, default)
        if key not in _PHASES:
            return value
        left = self.deadline - time.monotonic()
        if value is None or value > left:
            # Never 0: a socket with timeout 0 would not wait at all, but fail oddly.
            return left if left > 1e-6 else 1e-6
        return value


class _AnyioDeadline(AbstractAsyncContextManager[object]):
    """Raise TimeoutError in the current task at `deadline` (time.monotonic()): anyio's
    cancel scope (anyio comes with httpx), for Python 3.10, which has no asyncio.timeout."""

    def __init__(self, deadline: float) -> None:
        import anyio

        self._scope: Any = (
            anyio.fail_after(deadline - time.monotonic())
            if deadline != math.inf
            else nullcontext()
        )

    async def __aenter__(self) -> object:
        return self._scope.__enter__()

    async def __aexit__(self, *exc: Any) -> bool | None:
        result: bool | None = self._scope.__exit__(*exc)
        return result


if sys.version_info >= (3, 11):

    def _within(deadline: float) -> AbstractAsyncContextManager[object]:
        """Raise TimeoutError in the current task at `deadline` (time.monotonic())."""
        if deadline == math.inf:
            return nullcontext()
        # Imported here, not by the package (only async calls need it); with a loop
        # running it is imported already, and this is a lookup.
        import asyncio

        loop = asyncio.get_running_loop()
        return asyncio.timeout_at(loop.time() + (deadline - time.monotonic()))

else:  # pragma: no cover (Python 3.10)
    _within = _AnyioDeadline


class _Guard:
    __slots__ = ("fired", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock: socket.socket | None = sock
        self.fired = False


class _Watchdog:
    """Ends sync reads at their call's deadline. httpx's read timeout applies to each read
    from the socket, so a body trickled a byte at a time would run on; at the deadline one
    thread, shared by every sync client of the process, shuts the socket down, which ends
    the blocked read at once (the connection is then discarded, not pooled).

    Only a body that does not arrive with its headers is watched, so most calls never
    touch it; the thread starts on first use.
    """

    def __init__(self) -> None:
        self._lock = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, _Guard]] = []
        self._order = itertools.count()
        self._disarmed = 0
        self._pid = -1

    def arm(self, deadline: float, response: httpx.Response) -> _Guard | None:
        stream = response.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(sock, socket.socket):
            return None  # not a socket httpcore opened (a test transport): per-chunk checks
        guard = _Guard(sock)
        with self._lock:
            if self._pid != os.getpid():  # first use (or first in a forked child)
                self._pid = os.getpid()
                threading.Thread(
                    target=self._run, name="tts-sdkgen-deadlines", daemon=True
                ).start()
            if not self._heap or deadline < self._heap[0][0]:
                self._lock.notify()
            heapq.heappush(self._heap, (deadline, next(self._order), guard))
        return guard

    def forked(self) -> None:
        """In a forked child: no thread, and a lock no other thread may hold."""
        self._lock = threading.Condition(threading.Lock())
        self._heap = []
        self._disarmed = 0
        self._pid = -1

    def disarm(self, guard: _Guard) -> None:
        with self._lock:
            guard.sock = None
            self._disarmed += 1
            if self._disarmed > 256 and self._disarmed * 2 > len(self._heap):
                self._heap = [
                    entry for entry in self._heap if entry[2].sock is not None
                ]
                heapq.heapify(self._heap)
                self._disarmed = 0

    def _run(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                while self._heap and (
                    self._heap[0][0] <= now or self._heap[0][2].sock is None
                ):
                    guard = heapq.heappop(self._heap)[2]
                    if guard.sock is None:
                        self._disarmed = max(self._disarmed - 1, 0)
                        continue
                    guard.fired = True
                    # The plain socket's shutdown, under any TLS layer: it wakes a read
                    # blocked in another thread, which close() does not.
                    with suppress(OSError):
                        socket.socket.shutdown(guard.sock, socket.SHUT_RDWR)
                    guard.sock = None
                self._lock.wait(self._heap[0][0] - now if self._heap else None)


_WATCHDOG = _Watchdog()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_WATCHDOG.forked)
