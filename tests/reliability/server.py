"""A misbehaving HTTP/1.1 server on 127.0.0.1, for the reliability tests.

It answers each request from a script (`Answer`s served in order, the last one repeating,
or a function of the request) and can misbehave the ways real servers and gateways do:
late headers, a body trickled byte by byte, a body shorter than its Content-Length, a
connection reset before or after the headers, gzip. It keeps connections alive (HTTP/1.1)
so that a client's pool is exercised as in production, records what it received, and
counts the connections open, so a test can tell that none was left behind.

It runs an asyncio loop in a thread of its own: thousands of requests a second, and slow
answers do not hold up the others.
"""

from __future__ import annotations

import asyncio
import gzip
import http
import json
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, Literal

Reset = Literal["before-headers", "after-headers"]
_PIECE = 256 * 1024


@dataclass(frozen=True)
class Answer:
    """What the server does with one request."""

    status: int = 200
    body: Any = b""  # bytes as they are, str as UTF-8, anything else as JSON
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str | None = "application/json"
    header_delay: float = 0.0  # seconds before the status line
    trickle: float = 0.0  # seconds between body bytes (the headers come at once)
    truncate: int | None = None  # send this many body bytes, then close the connection
    stall_after: int | None = None  # send this many body bytes, then nothing for 60 s
    # A TCP reset: before the status line, or after the headers.
    reset: Reset | None = None
    gzip: bool = False  # Content-Encoding: gzip

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic()


Script = Sequence[Answer] | Callable[[Received], Answer]


class FaultServer:
    """Serves a script on 127.0.0.1 (never any other address), on a port of its own."""

    def __init__(self, script: Script) -> None:
        self._script = script if callable(script) else list(script)
        self._position = 0
        self.received: list[Received] = []
        self.open_connections = 0
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.Server | None = None
        self._port = 0

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FaultServer:
        self._thread.start()
        if not self._ready.wait(5):
            raise RuntimeError("the fault server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def wait_until_idle(self, timeout: float = 2.0) -> bool:
        """True once no connection is open (the client closed all it opened)."""
        end = time.monotonic() + timeout
        while self.open_connections and time.monotonic() < end:
            time.sleep(0.005)
        return self.open_connections == 0

    # The loop's thread from here on.

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=4096)
        )
        self._port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._server.close()
            for writer in list(self._writers):
                writer.transport.abort()
            pending = asyncio.all_tasks(self._loop)
            for task in pending:
                task.cancel()
            self._loop.run_until_complete(
                asyncio.gather(*pending, return_exceptions=True)
            )
            self._loop.close()

    def _next(self, request: Received) -> Answer:
        if callable(self._script):
            return self._script(request)
        answer = self._script[min(self._position, len(self._script) - 1)]
        self._position += 1
        return answer

    async def _handle(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.open_connections += 1
        self._writers.add(writer)
        try:
            while await self._exchange(reader, writer):
                pass
        except (
            ConnectionError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
        ):
            pass  # the client went away
        except asyncio.CancelledError:
            pass  # the server is shutting down
        finally:
            self._writers.discard(writer)
            self.open_connections -= 1
            writer.close()

    async def _exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Answer one request; False when the connection is done with."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return False  # closed between requests
        request_line, *lines = head.decode("latin-1").split("\r\n")
        method, target, _ = request_line.split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length") or 0)
        body = await reader.readexactly(length) if length else b""
        request = Received(method, target, headers, body, time.monotonic())
        self.received.append(request)
        answer = self._next(request)
        keep = await self._answer(reader, writer, answer, method)
        return keep and headers.get("connection", "").lower() != "close"

    async def _answer(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        answer: Answer,
        method: str,
    ) -> bool:
        if answer.header_delay:
            await _pause(reader, answer.header_delay)
        if answer.reset == "before-headers":
            _reset(writer)
            return False
        payload = answer.payload()
        headers: dict[str, str] = {}
        if answer.content_type is not None:
            headers["Content-Type"] = answer.content_type
        if answer.gzip:
            payload = gzip.compress(payload)
            headers["Content-Encoding"] = "gzip"
        headers.update(answer.headers)
        headers.setdefault("Content-Length", str(len(payload)))
        try:
            reason = http.HTTPStatus(answer.status).phrase
        except ValueError:
            reason = "Unknown"
        head = f"HTTP/1.1 {answer.status} {reason}\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in headers.items()
        )
        writer.write(head.encode("latin-1") + b"\r\n")
        if answer.reset == "after-headers":
            await writer.drain()
            await asyncio.sleep(0.02)  # let the client read the headers first
            _reset(writer)
            return False
        if method == "HEAD":
            payload = b""
        if answer.truncate is not None:
            payload = payload[: answer.truncate]
        if answer.stall_after is not None:
            payload = payload[: answer.stall_after]
        if answer.trickle:
            await writer.drain()
            for index in range(len(payload)):
                await asyncio.sleep(answer.trickle)
                writer.write(payload[index : index + 1])
                await writer.drain()
        else:
            # In pieces, each drained: a large body is not copied into the transport's
            # buffer, so a test measuring memory sees the client's, not the server's.
            view = memoryview(payload)
            for start in range(0, max(len(view), 1), _PIECE):
                writer.write(view[start : start + _PIECE])
                await writer.drain()
        if answer.stall_after is not None:
            await _pause(reader, 60)
            return False
        return answer.truncate is None  # a short body ends its connection


async def _pause(reader: asyncio.StreamReader, seconds: float) -> None:
    """Wait, unless the client hangs up meanwhile (then end the connection at once, as a
    real server would notice at its next write)."""
    try:
        data = await asyncio.wait_for(reader.read(1), seconds)
    except TimeoutError:
        return
    raise ConnectionResetError("the client closed the connection" if not data else "")


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST (SO_LINGER 0), as a crashing server or a proxy does."""
    sock = writer.get_extra_info("socket")
    with suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


@contextmanager
def fault_server(*answers: Answer) -> Iterator[FaultServer]:
    with FaultServer(list(answers) or [Answer()]) as server:
        yield server


@contextmanager
def scripted(script: Callable[[Received], Answer]) -> Iterator[FaultServer]:
    with FaultServer(script) as server:
        yield server
