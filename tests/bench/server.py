"""A loopback HTTP/1.1 server that answers each vendor's calls with its documented response.

Run as its own process (`python -m tests.bench.server`), so that its CPU is not the
client's: it listens on 127.0.0.1 only, one port per vendor, prints `{"vendor": port, ...}`
as one JSON line once it listens, and serves keep-alive connections until its standard
input closes, it is sent SIGTERM, or `--lifetime` seconds have passed.

The responses are those of the contract cassettes (`tests/contract/<api>/*.yaml`), written
from the vendors' documented examples: status, body and headers (Content-Length recomputed).
A request is matched to its response by a byte string in its head (the method, an action
name); the first route whose needle is found wins, and the last route has none.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import yaml

CONTRACT = Path(__file__).resolve().parents[1] / "contract"


@dataclass(frozen=True)
class Route:
    needle: bytes  # found in the request line and headers, b"" for any
    cassette: str  # tests/contract/<api>/<cassette>


# The submit and the query of each vendor, as the contract tests play them.
ROUTES: dict[str, Sequence[Route]] = {
    "huawei-metastudio": (
        Route(b"GET ", "show_succeed.yaml"),
        Route(b"", "create_200.yaml"),
    ),
    "alibaba-ice": (
        Route(b"GetSmartHandleJob", "get_finished_v2.yaml"),
        Route(b"", "submit.yaml"),
    ),
    "tencent-mps": (
        Route(b"DescribeTextToSpeechAsyncTask", "describe_page_example.yaml"),
        Route(b"", "text_to_speech_async.yaml"),
    ),
    "tencent-ci": (
        Route(b"GET ", "describe.yaml"),
        Route(b"", "submit_tts_tpl.yaml"),
    ),
}

SKIPPED_HEADERS = {"content-length", "connection", "transfer-encoding", "date"}


def recorded_response(
    api: str, cassette: str
) -> tuple[int, list[tuple[str, str]], bytes]:
    """The first response of a cassette: status, headers and body."""
    data: Any = yaml.safe_load((CONTRACT / api / cassette).read_text("utf-8"))
    response = data["interactions"][0]["response"]
    body = response["body"]["string"]
    payload = body.encode() if isinstance(body, str) else bytes(body)
    headers = [
        (str(name), str(value))
        for name, values in response["headers"].items()
        if name.lower() not in SKIPPED_HEADERS
        for value in values
    ]
    return int(response["status"]["code"]), headers, payload


def response_bytes(api: str, cassette: str) -> bytes:
    status, headers, body = recorded_response(api, cassette)
    lines = [f"HTTP/1.1 {status} OK"]
    lines += [f"{name}: {value}" for name, value in headers]
    lines += [
        "Date: Mon, 24 Nov 2025 15:00:00 GMT",
        f"Content-Length: {len(body)}",
        "Connection: keep-alive",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Http(asyncio.Protocol):
    """Just enough HTTP/1.1: Content-Length or chunked bodies, keep-alive, pipelining."""

    def __init__(self, routes: Sequence[tuple[bytes, bytes]]) -> None:
        self.routes = routes
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end])
            lower = head.lower()
            size = end + 4
            if b"\r\ntransfer-encoding: chunked" in lower:
                last = self.buffer.find(b"\r\n0\r\n\r\n", end)
                if last < 0:
                    return
                size = last + 7
            else:
                marker = lower.find(b"\r\ncontent-length:")
                if marker >= 0:
                    stop = lower.find(b"\r\n", marker + 2)
                    stop = len(lower) if stop < 0 else stop
                    size += int(lower[marker + 17 : stop].strip() or 0)
            if len(self.buffer) < size:
                return
            del self.buffer[:size]
            for needle, response in self.routes:
                if needle in head:
                    self.transport.write(response)
                    break
            if b"\r\nconnection: close" in lower:
                self.transport.close()
                return


async def serve(apis: Sequence[str], lifetime: float) -> None:
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    servers = {}
    for api in apis:
        routes = [
            (route.needle, response_bytes(api, route.cassette)) for route in ROUTES[api]
        ]
        servers[api] = await loop.create_server(partial(Http, routes), "127.0.0.1", 0)
    ports = {api: server.sockets[0].getsockname()[1] for api, server in servers.items()}
    print(json.dumps(ports), flush=True)

    def done(*_: object) -> None:
        if not stop.done():
            stop.set_result(None)

    loop.add_signal_handler(signal.SIGTERM, done)
    # A pipe: its end ends the server. Not a terminal or a file (SIGTERM or the lifetime
    # ends it then).
    with contextlib.suppress(OSError, ValueError):
        loop.add_reader(
            sys.stdin.fileno(), lambda: done() if not sys.stdin.read(1) else None
        )
    loop.call_later(lifetime, done)
    await stop
    for server in servers.values():
        server.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("apis", nargs="*", default=list(ROUTES))
    parser.add_argument("--lifetime", type=float, default=1800.0)
    args = parser.parse_args(argv)
    asyncio.run(serve(args.apis, args.lifetime))


if __name__ == "__main__":
    main()
