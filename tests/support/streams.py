"""A raw-socket HTTP/1.1 server on 127.0.0.1 for large bodies, that holds none of them.

It reads a request body in 64 KiB pieces as they arrive, keeping only its length, its
sha256 and its first and last few KiB (so that a test in the same process, which traces
every Python allocation, measures the client's memory and not the server's). It answers
in order from a script: `Audio` trickles `size` bytes in `chunk` pieces, `pause` seconds
apart, and notes a client that hangs up before the end; `Answer` is a small whole answer.
Each request's connection is closed after its answer."""

from __future__ import annotations

import hashlib
import io
import socket
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field

EDGE = 4096
PIECE = 64 * 1024


@dataclass(frozen=True)
class Audio:
    size: int
    chunk: int = PIECE
    pause: float = 0.0
    content_type: str = "audio/mpeg"


# The audio's byte at offset i is (i // 7) % 251: a pattern that shows a lost, doubled
# or moved chunk, and repeats every PERIOD bytes.
PERIOD = 7 * 251


def audio_bytes(start: int, length: int) -> bytes:
    """`Audio`'s bytes from `start`, as the server sends them."""
    return bytes((offset // 7) % 251 for offset in range(start, start + length))


def audio_sha256(size: int) -> str:
    """The sha256 of `size` bytes of `Audio`, computed a block at a time."""
    block = audio_bytes(0, PERIOD) * 64
    digest = hashlib.sha256()
    for start in range(0, size, len(block)):
        digest.update(block[: size - start])
    return digest.hexdigest()


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"


@dataclass
class Request:
    """What the server kept of one request."""

    method: str
    target: str
    headers: dict[str, str]
    length: int = 0
    sha256: str = ""
    head: bytes = b""
    tail: bytes = b""
    # The body's bytes, as they arrived: how many each read returned (a body sent
    # whole arrives in large reads; a streamed one in the pieces it was sent in).
    reads: int = 0


@dataclass
class StreamServer:
    script: list[Audio | Answer]
    requests: list[Request] = field(default_factory=list)
    sent: int = 0

    def __post_init__(self) -> None:
        self.hung_up = threading.Event()
        self.finished = threading.Event()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> StreamServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        with suppress(OSError):
            # Wakes the thread blocked in accept() (closing alone does not, on Linux).
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(5)

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        # Small buffers: a client that stops reading is noticed within a few chunks.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
        with conn:
            reader = conn.makefile("rb")
            line = reader.readline(65536)
            if not line:
                return
            method, target, _ = line.decode("latin-1").split(" ", 2)
            headers: dict[str, str] = {}
            while (header := reader.readline(65536)) not in (b"\r\n", b"\n", b""):
                name, _, value = header.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            request = Request(method, target, headers)
            self._read_body(reader, request)
            with self._lock:
                self.requests.append(request)
                step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
            try:
                if isinstance(step, Audio):
                    self._trickle(conn, step)
                else:
                    head = (
                        f"HTTP/1.1 {step.status} X\r\nContent-Type: {step.content_type}"
                        f"\r\nContent-Length: {len(step.body)}\r\nConnection: close"
                        "\r\n\r\n"
                    )
                    conn.sendall(head.encode() + step.body)
            except (BrokenPipeError, ConnectionResetError):
                self.hung_up.set()

    def _read_body(self, reader: io.BufferedReader, request: Request) -> None:
        read = reader.read1
        left = int(request.headers.get("content-length") or 0)
        digest = hashlib.sha256()
        head = bytearray()
        tail = b""
        while left > 0:
            piece: bytes = read(min(left, PIECE))
            if not piece:
                break
            request.reads += 1
            left -= len(piece)
            request.length += len(piece)
            digest.update(piece)
            if len(head) < EDGE:
                head += piece[: EDGE - len(head)]
            tail = (tail + piece)[-EDGE:]
        request.sha256 = digest.hexdigest()
        request.head = bytes(head)
        request.tail = tail

    def _trickle(self, conn: socket.socket, audio: Audio) -> None:
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: {audio.content_type}\r\n"
            f"Content-Length: {audio.size}\r\nConnection: close\r\n\r\n"
        )
        conn.sendall(head.encode())
        block = audio_bytes(0, audio.chunk + PERIOD)
        for start in range(0, audio.size, audio.chunk):
            offset = start % PERIOD
            piece = block[offset : offset + min(audio.chunk, audio.size - start)]
            conn.sendall(piece)
            self.sent += len(piece)
            if audio.pause:
                time.sleep(audio.pause)
        self.finished.set()
