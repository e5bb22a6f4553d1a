"""Responses that are not JSON (issue 27, items 1, 3 and 4a): audio and other bytes,
text by its charset, streams that stop early, and a JSON-or-audio answer read by its
Content-Type. `tests/support/specs/example-audio.yaml` is generated and driven against
loopback servers."""

from __future__ import annotations

import asyncio
import importlib
import io
import json
import socket
import threading
import time
import tracemalloc
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pydantic
import pytest
from mypy import api as mypy

from tests.support.generate import generated_package
from tests.support.server import Reply, serve

SPEC = Path(__file__).parent.parent / "support" / "specs" / "example-audio.yaml"
KEY = "sk-audio-0123456789"
AUDIO = bytes(range(256)) * 64  # 16 KiB that no text decoding would keep intact


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield from generated_package(
        tmp_path_factory, "example-audio", SPEC.read_text(encoding="utf-8")
    )


@pytest.fixture(scope="module")
def module(package: Path) -> Any:
    return importlib.import_module("tts_example_audio")


def client(module: Any, url: str, **options: Any) -> Any:
    return module.Client(api_key=KEY, base_url=url, **options)


def aclient(module: Any, url: str, **options: Any) -> Any:
    return module.AsyncClient(api_key=KEY, base_url=url, **options)


def test_it_type_checks_clean(package: Path) -> None:
    out, err, status = mypy.run(
        ["--strict", "--python-version", "3.10", "--config-file", ""]
        + ["--no-incremental", str(package)]
    )
    assert status == 0, out + err


def test_every_operation_is_generated(module: Any) -> None:
    methods = {"create_speech", "speak", "download_file", "get_transcript"}
    assert methods <= set(dir(module.Client))
    assert methods <= set(dir(module.AsyncClient))


# --- bytes ----------------------------------------------------------------------------------


def test_audio_is_returned_as_bytes_with_its_content_type(module: Any) -> None:
    audio = Reply(body=AUDIO, headers={"Content-Type": "audio/mpeg"})
    with serve(audio) as server, client(module, server.url) as api:
        answer = api.create_speech(text="Hello", voice="anna")
    assert answer.content == AUDIO
    assert answer.content_type == "audio/mpeg"
    assert "16384 bytes" in repr(answer) and "\\x00" not in repr(answer)
    sent = server.received[0]
    assert (sent.method, sent.path) == ("POST", "/speech")
    assert json.loads(sent.body) == {"text": "Hello", "voice": "anna"}
    assert sent.headers["xi-api-key"] == KEY


def test_a_bad_argument_is_refused_before_anything_is_sent(module: Any) -> None:
    with serve(Reply(body=AUDIO)) as server, client(module, server.url) as api:
        with pytest.raises(pydantic.ValidationError, match="text"):
            api.create_speech(text="x" * 101)
        with pytest.raises(ValueError, match="max_bytes"):
            api.create_speech(text="Hi", max_bytes=0)
        with pytest.raises(TypeError, match="max_bytes"):
            api.create_speech(text="Hi", max_bytes=True)
        with pytest.raises(TypeError, match="timeout"):
            api.create_speech(text="Hi", timeout="10")
        with pytest.raises(ValueError, match="timeout"):
            api.with_streaming_response.create_speech(text="Hi", timeout=-1)
    assert server.received == []


def test_an_error_status_is_a_typed_error_not_audio(module: Any) -> None:
    error = {"error": {"code": "voice_not_found", "message": "no such voice"}}
    reply = Reply(status=404, body=error, headers={"x-request-id": "req-9"})
    with serve(reply) as server, client(module, server.url) as api:
        with pytest.raises(module.errors.NotFoundError) as caught:
            api.create_speech(text="Hello")
    assert caught.value.code == "voice_not_found"
    assert caught.value.message == "no such voice"
    assert caught.value.request_id == "req-9"
    assert json.loads(caught.value.body) == error


def test_octet_stream_without_a_content_type_is_bytes(module: Any) -> None:
    reply = Reply(body=AUDIO, headers={"Content-Type": ""})
    with serve(reply) as server, client(module, server.url) as api:
        answer = api.download_file("f/1")
    assert answer.content == AUDIO
    assert answer.content_type == "application/octet-stream"
    assert server.received[0].path == "/files/f%2F1"


def test_the_raw_response_keeps_headers_of_a_binary_answer(module: Any) -> None:
    reply = Reply(body=AUDIO, headers={"Content-Type": "audio/mpeg", "X-Chars": "5"})
    with serve(reply) as server, client(module, server.url) as api:
        raw = api.with_raw_response.create_speech(text="Hello")
    assert raw.headers["x-chars"] == "5"
    assert raw.parsed.content == AUDIO


def test_bytes_write_to_a_path_and_a_file(module: Any, tmp_path: Path) -> None:
    answer = module.BinaryResponse(AUDIO, "audio/mpeg")
    assert answer.write_to(tmp_path / "a.mp3") == len(AUDIO)
    assert (tmp_path / "a.mp3").read_bytes() == AUDIO
    out = io.BytesIO()
    answer.write_to(out)
    assert out.getvalue() == AUDIO


# --- the body cap and the deadline, raised per call -----------------------------------------


def test_the_cap_refuses_a_larger_body_and_max_bytes_raises_it(module: Any) -> None:
    reply = Reply(body=AUDIO, headers={"Content-Type": "audio/mpeg"})
    with serve(reply) as server, client(module, server.url) as api:
        with pytest.raises(module.errors.APIResponseValidationError) as caught:
            api.create_speech(text="Hello", max_bytes=1000)
        assert "1,000 bytes" in str(caught.value)
        assert caught.value.status_code == 200
        assert api.create_speech(text="Hi", max_bytes=len(AUDIO)).content == AUDIO


def test_the_default_cap_is_64_mib(module: Any) -> None:
    runtime = importlib.import_module("tts_example_audio._runtime.binary")
    reader = runtime.binary()
    assert reader.max_bytes is None  # the transport's 64 MiB then applies
    assert runtime.MAX_RESPONSE_BYTES == 64 * 2**20


class SlowAudio:
    """A loopback server that sends `size` bytes of audio in `chunk` pieces, `pause`
    seconds apart, and notes when the client hung up before the end."""

    def __init__(self, size: int, chunk: int, pause: float, first: float = 0) -> None:
        self.hung_up = threading.Event()
        self.sent = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(200)
                self.send_header("Content-Type", "audio/mpeg")
                self.send_header("Content-Length", str(size))
                self.send_header("Connection", "close")
                self.end_headers()
                piece = b"\xff" * chunk
                self.wfile.flush()
                time.sleep(first)
                try:
                    for start in range(0, size, chunk):
                        self.wfile.write(piece[: size - start])
                        self.wfile.flush()
                        owner.sent += min(chunk, size - start)
                        if pause:
                            time.sleep(pause)
                except (BrokenPipeError, ConnectionResetError):
                    owner.hung_up.set()
                self.close_connection = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        # Small socket buffers: the server notices a hang-up within a few chunks.
        self._httpd.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> SlowAudio:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def test_the_deadline_covers_the_body_and_timeout_raises_it(module: Any) -> None:
    # 20 chunks 0.05 s apart: about 1 s of audio, longer than the client's 0.4 s.
    with SlowAudio(20 * 1024, 1024, 0.05) as server:
        with client(module, server.url, timeout=0.4, max_retries=0) as api:
            started = time.monotonic()
            with pytest.raises(module.errors.APITimeoutError):
                api.create_speech(text="Hello")
            assert time.monotonic() - started < 0.9
            answer = api.create_speech(text="Hello", timeout=10)
    assert len(answer.content) == 20 * 1024


def test_async_deadline_and_timeout_per_call(module: Any) -> None:
    async def run() -> None:
        with SlowAudio(20 * 1024, 1024, 0.05) as server:
            async with aclient(module, server.url, timeout=0.4, max_retries=0) as api:
                with pytest.raises(module.errors.APITimeoutError):
                    await api.create_speech(text="Hello")
                answer = await api.create_speech(text="Hello", timeout=10)
                assert len(answer.content) == 20 * 1024
                with pytest.raises(module.errors.APIResponseValidationError):
                    await api.create_speech(text="Hello", timeout=10, max_bytes=100)

    asyncio.run(run())


# --- streaming ------------------------------------------------------------------------------


def test_a_stream_stopped_after_the_first_chunk_closes_its_connection(
    module: Any,
) -> None:
    size = 50 * 2**20
    with SlowAudio(size, 64 * 1024, 0.002) as server:
        with client(module, server.url) as api:
            with api.with_streaming_response.create_speech(text="Hello") as response:
                assert response.status_code == 200
                assert response.content_type == "audio/mpeg"
                first = next(response.iter_bytes())
            assert first
        assert server.hung_up.wait(5), "the connection stayed open"
    assert server.sent < size


def test_a_stream_outlives_the_call_deadline_and_writes_to_a_path(
    module: Any, tmp_path: Path
) -> None:
    # The headers come at once, the body from 0.8 s on: read from 0.6 s, after the
    # call's 0.5 s deadline, whose time left would be no time at all.
    with SlowAudio(40 * 1024, 2048, 0.01, first=0.8) as server:
        with client(module, server.url, timeout=0.5) as api:
            with api.with_streaming_response.create_speech(text="Hi") as response:
                time.sleep(0.6)
                written = response.write_to(tmp_path / "speech.mp3")
    assert written == 40 * 1024
    assert (tmp_path / "speech.mp3").read_bytes() == b"\xff" * (40 * 1024)


def test_a_streamed_download_holds_no_more_than_a_few_chunks(
    module: Any, tmp_path: Path
) -> None:
    size = 24 * 2**20
    with SlowAudio(size, 64 * 1024, 0) as server:
        with client(module, server.url) as api:
            tracemalloc.start()
            try:
                with api.with_streaming_response.create_speech(text="Hi") as response:
                    response.write_to(tmp_path / "long.mp3")
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    assert (tmp_path / "long.mp3").stat().st_size == size
    assert peak < 4 * 2**20, f"peak {peak:,} bytes"


def test_a_stream_answered_with_an_error_raises_it(module: Any) -> None:
    error = {"error": {"code": "quota", "message": "out of characters"}}
    with serve(Reply(status=402, body=error)) as server:
        with client(module, server.url) as api:
            with pytest.raises(module.errors.APIStatusError) as caught:
                with api.with_streaming_response.create_speech(text="Hi"):
                    pass
    assert caught.value.status_code == 402
    assert caught.value.code == "quota"


def test_async_stream_stops_early_and_writes_to_a_file(module: Any) -> None:
    async def run() -> None:
        with SlowAudio(50 * 2**20, 64 * 1024, 0.002) as server:
            async with aclient(module, server.url) as api:
                stream = api.with_streaming_response.create_speech(text="Hello")
                async with stream as response:
                    async for chunk in response.aiter_bytes():
                        assert chunk
                        break
                assert await asyncio.to_thread(server.hung_up.wait, 5)
        with SlowAudio(8192, 1024, 0) as server:
            async with aclient(module, server.url) as api:
                out = io.BytesIO()
                stream = api.with_streaming_response.create_speech(text="Hi")
                async with stream as response:
                    assert await response.write_to(out) == 8192
                assert out.getvalue() == b"\xff" * 8192

    asyncio.run(run())


# --- text -----------------------------------------------------------------------------------


def test_text_is_decoded_by_its_charset(module: Any) -> None:
    transcript = "Grüße, señor"
    replies = (
        Reply(
            body=transcript.encode("latin-1"),
            headers={"Content-Type": "text/plain; charset=ISO-8859-1"},
        ),
        Reply(
            body="WEBVTT\n\n00:00.000 --> 00:01.000\nGrüße\n".encode(),
            headers={"Content-Type": "text/vtt"},
        ),
    )
    with serve(*replies) as server, client(module, server.url) as api:
        assert api.get_transcript("t1", format="txt") == transcript
        captions = api.get_transcript("t1", format="vtt")
    assert captions.startswith("WEBVTT") and "Grüße" in captions
    assert server.received[0].path == "/transcripts/t1?format=txt"


def test_async_text(module: Any) -> None:
    reply = Reply(
        body="1\n00:00:00,000 --> 00:00:01,000\n你好\n".encode("gb18030"),
        headers={"Content-Type": "text/srt; charset=gb18030"},
    )

    async def run() -> str:
        with serve(reply) as server:
            async with aclient(module, server.url) as api:
                answer: str = await api.get_transcript("t1", format="srt")
                return answer

    assert "你好" in asyncio.run(run())


# --- JSON or audio, by the response's Content-Type ------------------------------------------


def test_a_json_or_audio_answer_is_read_by_its_content_type(module: Any) -> None:
    replies = (
        Reply(
            body={"job_id": "j-1", "status": "queued"},
            headers={"Content-Type": "application/json; charset=utf-8"},
        ),
        Reply(body=AUDIO, headers={"Content-Type": "audio/wav"}),
        # Audio bytes that happen to be valid JSON are still audio: never assumed.
        Reply(body=b'{"job_id": "x"}', headers={"Content-Type": "audio/wav"}),
    )
    with serve(*replies) as server, client(module, server.url) as api:
        job = api.speak(text="A long text")
        audio = api.speak(text="Short")
        lookalike = api.speak(text="Short")
    assert isinstance(job, module.SpeechJob) and job.job_id == "j-1"
    assert isinstance(audio, module.BinaryResponse) and audio.content == AUDIO
    assert audio.content_type == "audio/wav"
    assert isinstance(lookalike, module.BinaryResponse)
    assert lookalike.content == b'{"job_id": "x"}'


def test_async_json_or_audio(module: Any) -> None:
    replies = (
        Reply(body={"job_id": "j-2"}),
        Reply(body=AUDIO, headers={"Content-Type": "audio/wav"}),
    )

    async def run() -> list[Any]:
        with serve(*replies) as server:
            async with aclient(module, server.url) as api:
                return [await api.speak(text="a"), await api.speak(text="b")]

    job, audio = asyncio.run(run())
    assert isinstance(job, module.SpeechJob) and job.job_id == "j-2"
    assert isinstance(audio, module.BinaryResponse) and audio.content == AUDIO


# --- the speech operations of published specs ------------------------------------------------

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def elevenlabs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    spec = (CORPUS / "elevenlabs-api" / "openapi.json").read_text(encoding="utf-8")
    for _ in generated_package(tmp_path_factory, "elevenlabs-api", spec):
        yield importlib.import_module("tts_elevenlabs_api")


def test_elevenlabs_text_to_speech_returns_and_streams_audio(
    elevenlabs: Any, tmp_path: Path
) -> None:
    audio = Reply(body=AUDIO, headers={"Content-Type": "audio/mpeg"})
    with serve(audio) as server:
        api = elevenlabs.Client(xi_api_key=KEY, base_url=server.url)
        speech = api.text_to_speech_v1_text_to_speech_voice_id_post(
            "JBFqnCBsd6RMkjVDRZzb", text="Hello", model_id="eleven_multilingual_v2"
        )
        streaming = api.with_streaming_response
        with streaming.text_to_speech_streaming_v1_text_to_speech_voice_id_stream_post(
            "JBFqnCBsd6RMkjVDRZzb", text="Hello"
        ) as response:
            response.write_to(tmp_path / "hello.mp3")
        api.close()
    assert isinstance(speech, elevenlabs.BinaryResponse)
    assert (speech.content, speech.content_type) == (AUDIO, "audio/mpeg")
    assert (tmp_path / "hello.mp3").read_bytes() == AUDIO
    first, second = server.received
    assert first.path == "/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb"
    assert json.loads(first.body) == {
        "text": "Hello",
        "model_id": "eleven_multilingual_v2",
    }
    assert second.path == "/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb/stream"
    assert first.headers["xi-api-key"] == KEY


def test_a_body_that_breaks_off_is_a_connection_error(module: Any) -> None:
    class Short(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", "audio/mpeg")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"\xff" * 1000)  # and hangs up

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Short)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        with client(module, url, max_retries=0) as api:
            with api.with_streaming_response.create_speech(text="Hi") as response:
                with pytest.raises(module.errors.APIConnectionError) as caught:
                    response.read()
            assert caught.value.status_code == 200
            assert caught.value.__cause__ is None  # httpx's error holds the request
            assert KEY not in repr(caught.value.__context__)
            with pytest.raises(module.errors.APIConnectionError):
                api.create_speech(text="Hi")
    finally:
        httpd.shutdown()
        httpd.server_close()


# --- what the generator reads ----------------------------------------------------------------


def _operations(tmp_path: Path, responses: dict[str, Any], **extra: Any) -> Any:
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1.0.0"},
        "paths": {
            "/a": {
                "post": {
                    "operationId": "A",
                    **extra,
                    "responses": {"200": {"description": "", "content": responses}},
                }
            }
        },
    }
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    from generator.errors import collect
    from generator.ir_build import build
    from generator.load import load_openapi

    with collect():
        return build(load_openapi(path, str(path)), "t", str(path), "")


@pytest.mark.parametrize(
    ("content", "returns", "model"),
    [
        ({"audio/mpeg": {}}, "binary", False),
        (
            {"audio/*": {"schema": {"type": "string", "format": "binary"}}},
            "binary",
            False,
        ),
        ({"application/octet-stream": {}}, "binary", False),
        (
            {"application/json": {"schema": {"type": "string", "format": "binary"}}},
            "binary",
            False,
        ),
        ({"text/plain; charset=utf-8": {"schema": {"type": "string"}}}, "text", False),
        ({"text/vtt": {}, "text/srt": {}}, "text", False),
        ({"audio/wav": {}, "text/plain": {}}, "binary", False),
        (
            {
                "application/json": {
                    "schema": {"type": "object", "properties": {"a": {}}}
                },
                "audio/mpeg": {},
            },
            "binary",
            True,
        ),
        (
            {
                "application/json": {
                    "schema": {"type": "object", "properties": {"a": {}}}
                }
            },
            "model",
            True,
        ),
    ],
)
def test_what_a_response_is_read_as(
    tmp_path: Path, content: dict[str, Any], returns: str, model: bool
) -> None:
    (operation,) = _operations(tmp_path, content).operations
    assert operation.returns == returns
    assert (operation.response is not None) == model


def test_a_clashing_argument_is_still_skipped(tmp_path: Path) -> None:
    # Server-sent events are read now: tests/generator/test_server_sent_events.py.
    clash = {"name": "timeout", "in": "query", "schema": {"type": "integer"}}
    api = _operations(tmp_path, {"audio/mpeg": {}}, parameters=[clash])
    assert api.skipped_operations == ("POST /a",)
