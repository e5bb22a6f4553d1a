"""50 MB of audio down and 50 MB of file up, through a generated client, in bounded
memory (issue 27, "Tests").

- A loopback server trickles a 50 MB audio body in 64 KiB chunks: the streaming form
  writes it to a file with Python's peak allocations (tracemalloc, the whole process:
  the server here keeps no body) under 16 MiB, byte for byte; a caller that stops after
  the first chunk ends the connection, and the server sees it hang up long before the end.
- A 50 MB file is uploaded as a multipart part and as an `application/octet-stream`
  body, streamed from its path under the same 16 MiB; the server receives it whole (its
  sha256). Answered with a 5xx, it is not sent again, even where a body in memory
  would be (a PUT; a POST with `retry_submits=True`): the server counts one request.

Peaks measured (2-core machine, shared): 0.6-0.7 MiB for a download (sync or async),
0.6 MiB for a multipart upload, 0.3 MiB for an octet-stream one."""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import json
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.support.generate import generated_package
from tests.support.streams import (
    PERIOD,
    Answer,
    Audio,
    StreamServer,
    audio_bytes,
    audio_sha256,
)

SPEC = """\
openapi: 3.1.0
info: {title: Big streams, version: 1.0.0}
servers:
  - url: https://big.example.com
paths:
  /speech:
    post:
      operationId: CreateSpeech
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [text]
              properties:
                text: {type: string}
      responses:
        "200":
          description: The audio.
          content:
            audio/mpeg:
              schema: {type: string, format: binary}
  /transcriptions:
    post:
      operationId: CreateTranscription
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file, model]
              properties:
                model: {type: string}
                file: {type: string, format: binary}
      responses:
        "200":
          description: The transcript.
          content:
            application/json:
              schema:
                type: object
                properties:
                  text: {type: string}
  /samples/{sample_id}:
    put:
      operationId: UploadSample
      parameters:
        - {name: sample_id, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/octet-stream:
            schema: {type: string, format: binary}
      responses:
        "200":
          description: Stored.
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: string}
"""

MB = 1_000_000
MiB = 2**20
LIMIT = 16 * MiB
# Each case takes about 1.5 s at 50 MB on a busy 2-core machine: all run in `make test`.
SIZES = [50 * MB]
TEXT = json.dumps({"text": "hello"}).encode()
T = TypeVar("T")


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    for _ in generated_package(tmp_path_factory, "big-streams", SPEC):
        yield importlib.import_module("tts_big_streams")


@pytest.fixture(scope="module")
def audio_file(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], Path]:
    """A file of `size` bytes of the audio pattern, written once per size."""
    folder = tmp_path_factory.mktemp("big")
    made: dict[int, Path] = {}

    def make(size: int) -> Path:
        if size not in made:
            path = folder / f"take-{size}.wav"
            block = audio_bytes(0, PERIOD) * 64
            with path.open("wb") as out:
                for start in range(0, size, len(block)):
                    out.write(block[: size - start])
            made[size] = path
        return made[size]

    return make


def peak_of(action: Callable[[], T]) -> tuple[T, int]:
    """What `action` returns, and the peak of Python's allocations while it ran."""
    tracemalloc.start()
    try:
        result = action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(MiB):
            digest.update(chunk)
    return digest.hexdigest()


# --- down -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_a_trickled_audio_download_streams_to_a_file_in_bounded_memory(
    pkg: Any, tmp_path: Path, size: int
) -> None:
    target = tmp_path / "speech.mp3"
    with StreamServer([Audio(size, pause=0.0005)]) as server:
        client = pkg.Client(base_url=server.url, max_retries=0)

        def download() -> int:
            with client.with_streaming_response.create_speech(text="a book") as answer:
                assert answer.content_type == "audio/mpeg"
                written: int = answer.write_to(target)
            return written

        written, peak = peak_of(download)
        client.close()
    print(f"download {size / MB:.0f} MB: peak {peak / MiB:.2f} MiB")
    assert written == size == target.stat().st_size
    assert sha256_of(target) == audio_sha256(size)
    assert peak < LIMIT, f"peak {peak:,} bytes"
    (request,) = server.requests
    assert json.loads(request.head) == {"text": "a book"}


@pytest.mark.parametrize("size", SIZES)
def test_an_async_trickled_download_streams_in_bounded_memory(
    pkg: Any, size: int
) -> None:
    async def download() -> tuple[int, str]:
        digest = hashlib.sha256()
        count = 0
        async with pkg.AsyncClient(base_url=server.url, max_retries=0) as client:
            stream = client.with_streaming_response.create_speech(text="a book")
            async with stream as answer:
                async for chunk in answer.aiter_bytes():
                    digest.update(chunk)
                    count += len(chunk)
        return count, digest.hexdigest()

    with StreamServer([Audio(size, pause=0.0005)]) as server:
        (count, digest), peak = peak_of(lambda: asyncio.run(download()))
    print(f"async download {size / MB:.0f} MB: peak {peak / MiB:.2f} MiB")
    assert (count, digest) == (size, audio_sha256(size))
    assert peak < LIMIT, f"peak {peak:,} bytes"


@pytest.mark.parametrize("size", SIZES)
def test_stopping_after_the_first_chunk_closes_the_connection(
    pkg: Any, size: int
) -> None:
    with StreamServer([Audio(size, pause=0.002)]) as server:
        client = pkg.Client(base_url=server.url, max_retries=0)

        def first_chunk() -> bytes:
            with client.with_streaming_response.create_speech(text="a book") as answer:
                for chunk in answer.iter_bytes():
                    return bytes(chunk)
            raise AssertionError("no chunk")

        first, peak = peak_of(first_chunk)
        assert server.hung_up.wait(10), "the server never saw the client hang up"
        client.close()
    assert first and first == audio_bytes(0, len(first))
    # It hung up within a few chunks (socket buffers), not at the end of the audio.
    assert server.sent < min(size // 2, 4 * MB), server.sent
    assert not server.finished.is_set()
    assert peak < LIMIT, f"peak {peak:,} bytes"


# --- up -------------------------------------------------------------------------------


def _multipart_file(request: Any, size: int, name: str) -> None:
    """The server received one multipart body whose `file` part is the file, whole."""
    content_type = request.headers["content-type"]
    boundary = content_type.split("boundary=", 1)[1]
    opening = f'name="file"; filename="{name}"\r\nContent-Type: audio/x-wav\r\n\r\n'
    start = request.head.index(opening.encode()) + len(opening)
    closing = f"\r\n--{boundary}--\r\n".encode()
    assert request.tail.endswith(closing)
    assert request.length == start + size + len(closing)
    # The whole body's hash is the head, then the file, then the closing line.
    digest = hashlib.sha256(request.head[:start])
    block = audio_bytes(0, PERIOD) * 64
    for offset in range(0, size, len(block)):
        digest.update(block[: size - offset])
    digest.update(closing)
    assert request.sha256 == digest.hexdigest()
    assert b'name="model"\r\n\r\nwhisper\r\n' in request.head[:start]


@pytest.mark.parametrize("size", SIZES)
def test_a_multipart_upload_streams_from_its_path_in_bounded_memory(
    pkg: Any, audio_file: Callable[[int], Path], size: int
) -> None:
    path = audio_file(size)
    with StreamServer([Answer(200, TEXT)]) as server:
        client = pkg.Client(base_url=server.url, max_retries=0)
        answer, peak = peak_of(
            lambda: client.create_transcription(file=path, model="whisper")
        )
        client.close()
    print(f"multipart upload {size / MB:.0f} MB: peak {peak / MiB:.2f} MiB")
    assert answer.text == "hello"
    (request,) = server.requests
    assert request.headers["content-length"] == str(request.length)
    _multipart_file(request, size, path.name)
    assert peak < LIMIT, f"peak {peak:,} bytes"


@pytest.mark.parametrize("size", SIZES)
def test_an_octet_stream_upload_streams_from_a_file_in_bounded_memory(
    pkg: Any, audio_file: Callable[[int], Path], size: int
) -> None:
    path = audio_file(size)
    with StreamServer([Answer(200, b'{"id": "s-1"}')]) as server:
        client = pkg.Client(base_url=server.url, max_retries=0)
        with path.open("rb") as file:
            answer, peak = peak_of(lambda: client.upload_sample("s-1", body=file))
        client.close()
    print(f"octet-stream upload {size / MB:.0f} MB: peak {peak / MiB:.2f} MiB")
    assert answer.id == "s-1"
    (request,) = server.requests
    assert (request.method, request.target) == ("PUT", "/samples/s-1")
    assert request.headers["content-type"] == "application/octet-stream"
    assert request.headers["content-length"] == str(size)
    assert (request.length, request.sha256) == (size, audio_sha256(size))
    assert peak < LIMIT, f"peak {peak:,} bytes"


BUSY = Answer(503, b'{"error": {"code": "busy", "message": "try later"}}')


@pytest.mark.parametrize("size", SIZES)
def test_a_streamed_upload_answered_with_a_5xx_is_not_sent_again(
    pkg: Any, audio_file: Callable[[int], Path], size: int
) -> None:
    path = audio_file(size)
    # A PUT is retried after a 5xx when its body is in memory, so the second answer
    # would be reached if the file were sent again.
    with StreamServer([BUSY, Answer(200, b'{"id": "s-1"}')]) as server:
        client = pkg.Client(base_url=server.url, max_retries=2)

        def upload() -> Any:
            with pytest.raises(pkg.errors.InternalServerError) as caught:
                client.upload_sample("s-1", body=path)
            return caught.value

        error, peak = peak_of(upload)
        client.close()
    assert (error.status_code, error.code) == (503, "busy")
    (request,) = server.requests
    assert (request.length, request.sha256) == (size, audio_sha256(size))
    assert peak < LIMIT, f"peak {peak:,} bytes"
    # So does a submit the caller allows to be retried: its file is not.
    with StreamServer([BUSY, Answer(200, TEXT)]) as server:
        client = pkg.Client(base_url=server.url, max_retries=2, retry_submits=True)
        with pytest.raises(pkg.errors.InternalServerError):
            client.create_transcription(file=path, model="whisper")
        client.close()
    (request,) = server.requests
    _multipart_file(request, size, path.name)


def test_a_body_in_memory_is_sent_again_after_a_5xx(pkg: Any) -> None:
    # The other side of the test above: the same call with bytes is retried.
    with StreamServer([BUSY, Answer(200, b'{"id": "s-1"}')]) as server:
        client = pkg.Client(base_url=server.url, max_retries=2)
        assert client.upload_sample("s-1", body=b"RIFF" * 10).id == "s-1"
        client.close()
    assert len(server.requests) == 2


@pytest.mark.parametrize("size", SIZES)
def test_an_async_upload_streams_and_is_not_sent_again(
    pkg: Any, audio_file: Callable[[int], Path], size: int
) -> None:
    path = audio_file(size)

    async def upload() -> Any:
        async with pkg.AsyncClient(base_url=server.url, max_retries=2) as client:
            with pytest.raises(pkg.errors.InternalServerError) as caught:
                await client.upload_sample("s-1", body=path)
            return caught.value

    with StreamServer([BUSY, Answer(200, b'{"id": "s-1"}')]) as server:
        error, peak = peak_of(lambda: asyncio.run(upload()))
    print(f"async upload {size / MB:.0f} MB: peak {peak / MiB:.2f} MiB")
    assert error.status_code == 503
    (request,) = server.requests
    assert (request.length, request.sha256) == (size, audio_sha256(size))
    assert peak < LIMIT, f"peak {peak:,} bytes"
