"""A raw-socket HTTP/1.1 server on 127.0.0.1 that trickles one part of its answer a byte
at a time: the status line, the headers, or the body (plain, or gzip with
`Content-Encoding: gzip`, so that bytes arrive long before any decoded byte).

`server.py`'s FaultServer writes its heads whole; this one exists for the part it cannot
misbehave in: a head that takes longer than the call's deadline. It serves every request
the same way, a thread per connection, and keeps connections alive (`prompt` answers of
each connection can come at once, so that a later call trickles on a pooled connection).
It counts connections accepted and still open, so a test can tell that the client reused
one, and closed each one (a socket left behind by the client keeps its connection open).
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from contextlib import suppress
from typing import Literal

Part = Literal["status", "headers", "gzip", "body"]
PARTS: tuple[Part, ...] = ("status", "headers", "gzip", "body")


class TrickleServer:
    """Answers every request with `status 200` and `body`, trickling `part` at one byte
    every `interval` seconds (the rest is sent at once), but for the first `prompt`
    requests of each connection, answered at once."""

    def __init__(
        self,
        part: Part,
        body: bytes,
        *,
        content_type: str = "application/json",
        interval: float = 0.2,
        prompt: int = 0,
    ) -> None:
        self.part = part
        self.interval = interval
        self.prompt = prompt
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._clients: set[socket.socket] = set()
        self.open_connections = 0
        self.connections = 0
        self.requests = 0
        payload = gzip.compress(body) if part == "gzip" else body
        self._status = b"HTTP/1.1 200 OK\r\n"
        self._headers = _head(content_type, payload, compressed=part == "gzip")
        self._body = payload
        self._plain = self._status + _head(content_type, body, compressed=False) + body
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> TrickleServer:
        self._acceptor.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        # Wakes the accept() blocked in the acceptor thread.
        with suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._acceptor.join(5)
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            with suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(5)

    def wait_until_idle(self, timeout: float = 2.0) -> bool:
        """True once the client closed every connection it opened."""
        end = time.monotonic() + timeout
        while self.open_connections and time.monotonic() < end:
            time.sleep(0.005)
        return self.open_connections == 0

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # the listener was closed
            with self._lock:
                self.connections += 1
                self.open_connections += 1
                self._clients.add(client)
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, client: socket.socket) -> None:
        answered = 0
        try:
            # Until the client hangs up (or the server stops: its sockets are shut down).
            while self._read_request(client):
                if answered < self.prompt:
                    client.sendall(self._plain)
                else:
                    self._answer(client)
                answered += 1
        except OSError:
            pass  # the client went away
        finally:
            with self._lock:
                self._clients.discard(client)
                self.open_connections -= 1
            client.close()

    def _read_request(self, client: socket.socket) -> bool:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = client.recv(65536)
            if not chunk:
                return False
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(rest) < length:
            chunk = client.recv(65536)
            if not chunk:
                return False
            rest += chunk
        with self._lock:
            self.requests += 1
        return True

    def _answer(self, client: socket.socket) -> None:
        trickled = {
            "status": self._status,
            "headers": self._headers,
            "gzip": self._body,
            "body": self._body,
        }[self.part]
        before, after = {
            "status": (b"", self._headers + self._body),
            "headers": (self._status, self._body),
            "gzip": (self._status + self._headers, b""),
            "body": (self._status + self._headers, b""),
        }[self.part]
        client.sendall(before)
        for index in range(len(trickled)):
            if self._stop.wait(self.interval):
                return
            client.sendall(trickled[index : index + 1])
        client.sendall(after)


def _head(content_type: str, payload: bytes, *, compressed: bool) -> bytes:
    headers = [
        f"Content-Type: {content_type}",
        f"Content-Length: {len(payload)}",
        # Padding, so that the headers alone take several seconds to trickle.
        "X-Padding: " + "p" * 24,
    ]
    if compressed:
        headers.append("Content-Encoding: gzip")
    return ("\r\n".join(headers) + "\r\n\r\n").encode("latin-1")
