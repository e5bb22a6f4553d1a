"""A 50 MB audio download: the CPU it costs a generated package beside httpx's own
`iter_bytes` (issue 27: ours no more than httpx + 10 %).

    python -m tests.bench.download [--runs N] [--megabytes MB]

A loopback server in a process of its own (its CPU is not this process's) answers every
POST with `--megabytes` of `audio/mpeg`, chunked, as fast as the socket takes it, on a
connection of its own (`Connection: close`: a connection kept for a whole run made one
way's figures steadily lower or higher, by up to a quarter, run to run). This
process downloads it `--runs` times in each of these ways, interleaved (run 1 of each,
then run 2, the order rotating), and takes the median of `time.process_time()` (this
process's CPU, every thread of it) and of the wall time:

- httpx: `client.stream("POST", ...)` and `iter_bytes()`, the chunks discarded;
- httpx to a file: the same, each chunk written to a file;
- ours: `tests/support/specs/example-audio.yaml` generated, `with_streaming_response
  .create_speech(...)` and `iter_bytes()`, the chunks discarded;
- ours, `write_to` a file: the same with `response.write_to(path)`;
- ours, whole: `create_speech(..., max_bytes=...)`, the bytes in memory at once.

Writes docs/bench/data/download.json; `report.py` puts it in docs/bench/results.md.
"""

from __future__ import annotations

import argparse
import importlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.bench.common import REPO, machine, median, save, say

SPEC = REPO / "tests" / "support" / "specs" / "example-audio.yaml"
KEY = "example-audio"
CHUNK = 64 * 1024
TARGET = 1.10  # ours ≤ httpx + 10 %


# --- the server (its own process) -------------------------------------------------------


def _read_request(connection: socket.socket, pending: bytes) -> bytes | None:
    """Read one request (headers, then its Content-Length of body); what follows it is
    returned, None when the client has gone."""
    while b"\r\n\r\n" not in pending:
        data = connection.recv(65536)
        if not data:
            return None
        pending += data
    head, _, rest = pending.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        data = connection.recv(65536)
        if not data:
            return None
        rest += data
    return rest[length:]


def serve(size: int) -> None:
    """Answer one request per connection with `size` bytes of audio, chunked, then close
    it; print the port first."""
    chunk = bytes(range(256)) * (CHUNK // 256)
    frame = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    whole, tail = divmod(size, len(chunk))
    last = (b"%x\r\n" % tail + chunk[:tail] + b"\r\n") if tail else b""
    # A connection per download: how fast one connection's reads come depends on where
    # its server thread runs, so keeping one per client would favour one way for a whole
    # run; a handshake on loopback costs both ways alike, and little.
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: audio/mpeg\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )

    def answer(connection: socket.socket) -> None:
        with connection:
            if _read_request(connection, b"") is None:
                return
            try:
                connection.sendall(head)
                for _ in range(whole):
                    connection.sendall(frame)
                connection.sendall(last + b"0\r\n\r\n")
            except OSError:
                return

    listener = socket.create_server(("127.0.0.1", 0))
    print(listener.getsockname()[1], flush=True)
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=answer, args=(connection,), daemon=True).start()


# --- the clients ------------------------------------------------------------------------


def _package(work: Path) -> Any:
    """The generated package of the example audio spec, imported from `work`."""
    from generator import pipeline

    (work / "specs" / KEY).mkdir(parents=True)
    (work / "specs" / KEY / "openapi.yaml").write_text(SPEC.read_text("utf-8"), "utf-8")
    pipeline.generate(KEY, work / "specs", work / "out")
    sys.path.insert(0, str(work / "out"))
    return importlib.import_module("tts_example_audio")


def _ways(
    url: str, module: Any, size: int, out: Path, chunks: dict[str, list[int]]
) -> dict[str, Callable[[], int]]:
    """Each way of downloading, returning the bytes it got; clients made once, reused,
    so a run measures the body and a loopback handshake, not a client's setup. The two
    that discard also count the chunks they got into `chunks`: on a loaded machine a
    reader that waits gets smaller reads, more of them, and spends more CPU per byte."""
    plain = httpx.Client()
    ours = module.Client(api_key="sk-bench", base_url=url)
    request = {"text": "Hello", "voice": "anna"}

    def httpx_discard() -> int:
        got = count = 0
        with plain.stream("POST", f"{url}/speech", json=request) as response:
            for chunk in response.iter_bytes():
                got += len(chunk)
                count += 1
        chunks["httpx iter_bytes"].append(count)
        return got

    def httpx_file() -> int:
        got = 0
        with (
            plain.stream("POST", f"{url}/speech", json=request) as response,
            open(out, "wb") as file,
        ):
            for chunk in response.iter_bytes():
                file.write(chunk)
                got += len(chunk)
        return got

    def ours_discard() -> int:
        got = count = 0
        with ours.with_streaming_response.create_speech(**request) as response:
            for chunk in response.iter_bytes():
                got += len(chunk)
                count += 1
        chunks["ours iter_bytes"].append(count)
        return got

    def ours_file() -> int:
        with ours.with_streaming_response.create_speech(**request) as response:
            written: int = response.write_to(out)
        return written

    def ours_whole() -> int:
        answer = ours.create_speech(**request, max_bytes=size + 1)
        return len(answer.content)

    return {
        "httpx iter_bytes": httpx_discard,
        "httpx iter_bytes to a file": httpx_file,
        "ours iter_bytes": ours_discard,
        "ours write_to a file": ours_file,
        "ours whole (bytes in memory)": ours_whole,
    }


def measure(runs: int, size: int) -> dict[str, Any]:
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.download", "--serve", str(size)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{int(server.stdout.readline())}"
        with tempfile.TemporaryDirectory(prefix="tts-bench-download-") as folder:
            work = Path(folder)
            chunks: dict[str, list[int]] = {
                "httpx iter_bytes": [],
                "ours iter_bytes": [],
            }
            ways = _ways(url, _package(work), size, work / "speech.mp3", chunks)
            names = list(ways)
            cpu: dict[str, list[float]] = {name: [] for name in names}
            wall: dict[str, list[float]] = {name: [] for name in names}
            for name in names:  # once each, unmeasured: imports, connections
                assert ways[name]() == size, name
            for run in range(runs):
                shift = run % len(names)
                for name in names[shift:] + names[:shift]:
                    start_cpu, start = time.process_time(), time.perf_counter()
                    got = ways[name]()
                    cpu[name].append(time.process_time() - start_cpu)
                    wall[name].append(time.perf_counter() - start)
                    assert got == size, (name, got)
    finally:
        server.kill()
        server.wait()
    return {
        "ways": {
            name: {
                "cpu": median(cpu[name]),
                "wall": median(wall[name]),
                "cpu_runs": cpu[name],
                "wall_runs": wall[name],
                # The unmeasured first run's count left out.
                **({"chunks": median(chunks[name][1:])} if chunks.get(name) else {}),
            }
            for name in names
        },
    }


def ratios(data: dict[str, Any]) -> dict[str, float]:
    """Ours ÷ httpx, CPU: streamed (iter_bytes ÷ iter_bytes) and to a file (write_to ÷
    iter_bytes writing to a file)."""
    ways = data["ways"]
    return {
        "iter_bytes": ways["ours iter_bytes"]["cpu"] / ways["httpx iter_bytes"]["cpu"],
        "write_to": ways["ours write_to a file"]["cpu"]
        / ways["httpx iter_bytes to a file"]["cpu"],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=41)
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return
    size = args.megabytes * 1_000_000
    say(f"download: {args.megabytes} MB of audio, {args.runs} runs each, interleaved")
    described = machine()
    data = {
        "megabytes": args.megabytes,
        "runs": args.runs,
        "chunk": CHUNK,
        "machine": described,
        **measure(args.runs, size),
    }
    described["load_end"] = os.getloadavg()[0]
    for name, found in data["ways"].items():
        say(
            f"  {name:<30} CPU {found['cpu'] * 1000:7.1f} ms, wall "
            f"{found['wall'] * 1000:7.1f} ms"
            + (f", {found['chunks']:.0f} chunks" if "chunks" in found else "")
        )
    for name, ratio in ratios(data).items():
        say(f"  ours ÷ httpx ({name}): CPU {ratio:.3f}")
    save("download", data)


if __name__ == "__main__":
    main()
