"""Deadlines: the wait a call is part of, per-phase timeouts cut to the time left, the
async deadline of each attempt and the watchdog that ends sync attempts at theirs."""

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
from types import FrameType
from typing import Any

# anyio (Python 3.10's deadlines) is imported where it is used: a client on 3.11 needs
# none of it, and it adds to the import time.

DEFAULT_TIMEOUT = 60.0


class Clock:
    """Where the runtime reads the time and waits: this machine's clock. A fake service
    (`<package>.testing`) gives its clients a virtual one, whose sleeps take no time; `real`
    tells the watchdog, which shuts sockets down in real time, to stay out of its way.
    """

    real = True
    # The functions themselves: a call through the seam costs one attribute lookup.
    monotonic = staticmethod(time.monotonic)
    sleep = staticmethod(time.sleep)
    # Last: from here on, `time` in this class body is this attribute.
    time = staticmethod(time.time)

    async def asleep(self, seconds: float) -> None:
        # Imported here: only async calls need asyncio (a running loop has it already).
        import asyncio

        await asyncio.sleep(seconds)


REAL_CLOCK = Clock()


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
    cancel scope (anyio comes with httpx), for Python 3.10, which has no asyncio.timeout.
    """

    def __init__(self, deadline: float, clock: Clock = REAL_CLOCK) -> None:
        import anyio

        self._scope: Any = (
            anyio.fail_after(deadline - clock.monotonic())
            if deadline != math.inf
            else nullcontext()
        )

    async def __aenter__(self) -> object:
        return self._scope.__enter__()

    async def __aexit__(self, *exc: Any) -> bool | None:
        result: bool | None = self._scope.__exit__(*exc)
        return result


if sys.version_info >= (3, 11):

    def _within(
        deadline: float, clock: Clock = REAL_CLOCK
    ) -> AbstractAsyncContextManager[object]:
        """Raise TimeoutError in the current task at `deadline` (`clock.monotonic()`)."""
        if deadline == math.inf:
            return nullcontext()
        # Imported here, not by the package (only async calls need it); with a loop
        # running it is imported already, and this is a lookup.
        import asyncio

        loop = asyncio.get_running_loop()
        return asyncio.timeout_at(loop.time() + (deadline - clock.monotonic()))

else:  # pragma: no cover (Python 3.10)
    _within = _AnyioDeadline


class _Guard:
    """The watch over one sync attempt, from the moment its request is sent: the socket
    it runs on, once known, is shut down at `deadline`.

    It is also the attempt's httpcore `trace` callback, which is how the socket becomes
    known before the response's headers (httpx hands out the connection's stream only
    with them): the stream of a new connection is in the `connect_tcp` event, and that
    of a pooled one is taken at `send_request_headers` from the HTTP/1.1 connection that
    reports it (httpcore's trace events carry no stream then).
    """

    __slots__ = ("done", "fired", "sock", "watchdog")

    def __init__(self, watchdog: _Watchdog) -> None:
        self.watchdog = watchdog
        self.sock: socket.socket | None = None
        self.fired = False  # the deadline passed while the attempt was watched
        self.done = False  # disarmed: the attempt is over

    def __call__(self, event: str, info: Mapping[str, Any]) -> None:
        if event == "http11.send_request_headers.started":
            sock = _connection_socket(sys._getframe(1))
            if sock is not None:  # else the new connection's, if any, is kept
                self.watchdog.watch(self, sock)
        elif event == "connection.connect_tcp.complete":
            self.watchdog.watch(self, _socket_of(info.get("return_value")))
        elif event == "http2.send_request_headers.started":
            # An HTTP/2 connection carries other calls' streams: it is not shut down
            # while this call waits for its headers.
            self.watchdog.watch(self, None)


def _socket_of(stream: object) -> socket.socket | None:
    get_extra_info = getattr(stream, "get_extra_info", None)
    sock = get_extra_info("socket") if get_extra_info is not None else None
    return sock if isinstance(sock, socket.socket) else None


def _connection_socket(frame: FrameType | None) -> socket.socket | None:
    """The socket of the HTTP/1.1 connection whose method is on the stack above the trace
    callback (`frame`, a few frames up: httpcore's Trace, then the connection's
    handle_request); None if none is found (an httpcore laid out otherwise)."""
    for _ in range(4):
        if frame is None:
            return None
        # The name first: reading a frame's locals builds a dict of them.
        if frame.f_code.co_name == "handle_request":
            stream = getattr(frame.f_locals.get("self"), "_network_stream", None)
            return _socket_of(stream)
        frame = frame.f_back
    return None


class _Watchdog:
    """Ends sync attempts at their call's deadline. httpx's timeouts apply to each read
    from the socket, so headers or a body trickled a byte at a time would run on; at the
    deadline one thread, shared by every sync client of the process, shuts the attempt's
    socket down, which ends the blocked read at once (the connection is then discarded,
    not pooled). Each attempt is armed as it is sent; the thread starts on first use and
    wakes only for the soonest deadline, so an attempt that ends in time costs a heap
    push and two short holds of a lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, _Guard]] = []
        self._order = itertools.count()
        self._disarmed = 0
        self._pid = -1

    def arm(self, deadline: float) -> _Guard:
        guard = _Guard(self)
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

    def watch(self, guard: _Guard, sock: socket.socket | None) -> None:
        """From now on, `guard`'s attempt runs on `sock` (None: on no socket of its own)."""
        with self._lock:
            if guard.done:
                return
            guard.sock = sock
            if guard.fired and sock is not None:
                # The deadline passed before the socket was known: end the attempt now.
                _shut(sock)

    def forked(self) -> None:
        """In a forked child: no thread, and a lock no other thread may hold."""
        self._lock = threading.Condition(threading.Lock())
        self._heap = []
        self._disarmed = 0
        self._pid = -1

    def disarm(self, guard: _Guard) -> None:
        """The attempt is over (before its connection goes back to the pool): its socket is
        never shut down after this returns."""
        if guard.done:
            return  # only the attempt's own thread disarms it: no race here
        with self._lock:
            guard.sock = None
            guard.done = True
            self._disarmed += 1
            if self._disarmed > 256 and self._disarmed * 2 > len(self._heap):
                self._heap = [entry for entry in self._heap if not entry[2].done]
                heapq.heapify(self._heap)
                self._disarmed = 0

    def _run(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                while self._heap and (self._heap[0][0] <= now or self._heap[0][2].done):
                    guard = heapq.heappop(self._heap)[2]
                    if guard.done:
                        self._disarmed = max(self._disarmed - 1, 0)
                        continue
                    guard.fired = True
                    if guard.sock is not None:
                        _shut(guard.sock)
                self._lock.wait(self._heap[0][0] - now if self._heap else None)


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, under any TLS layer: it wakes a read blocked in
    # another thread, which close() does not.
    with suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


_WATCHDOG = _Watchdog()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_WATCHDOG.forked)
