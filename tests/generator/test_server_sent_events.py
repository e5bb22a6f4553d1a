"""Server-sent events (issue 27, item 1: streaming speech yields each event typed).
`tests/support/specs/example-events.yaml` is generated and driven against loopback
servers that send their events slowly; the decoder is held to the WHATWG format."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pydantic
import pytest
from mypy import api as mypy

from tests.generator.test_other_shapes import ruff_check
from tests.support.generate import generated_package
from tests.support.server import Reply, serve

SPEC = Path(__file__).parent.parent / "support" / "specs" / "example-events.yaml"
KEY = "sk-events-0123456789"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield from generated_package(
        tmp_path_factory, "example-events", SPEC.read_text(encoding="utf-8")
    )


@pytest.fixture(scope="module")
def module(package: Path) -> Any:
    return importlib.import_module("tts_example_events")


def client(module: Any, url: str, **options: Any) -> Any:
    return module.Client(api_key=KEY, base_url=url, **options)


def aclient(module: Any, url: str, **options: Any) -> Any:
    return module.AsyncClient(api_key=KEY, base_url=url, **options)


def test_it_type_checks_and_lints_clean(package: Path) -> None:
    out, err, status = mypy.run(
        ["--strict", "--python-version", "3.10", "--config-file", ""]
        + ["--no-incremental", str(package)]
    )
    assert status == 0, out + err
    ruff_check(package)


def test_the_types_a_caller_sees(package: Path) -> None:
    # The events are typed for the caller: a typo in a field is caught by mypy. Beside
    # the package, so mypy finds it.
    use = package.parent / "use_events.py"
    use.write_text(
        "from tts_example_events import Client\n"
        "api = Client(api_key='k')\n"
        "with api.with_streaming_response.stream_speech(text='Hi') as response:\n"
        "    for chunk in response.iter_events():\n"
        "        reveal_type(chunk)\n"
        "        chunk.audio.upper() if chunk.audio else None\n"
        "with api.with_streaming_response.tail_logs() as logs:\n"
        "    for line in logs.iter_events():\n"
        "        reveal_type(line)\n"
        "reveal_type(api.stream_speech(text='Hi'))\n",
        encoding="utf-8",
    )
    out, err, status = mypy.run(
        ["--strict", "--python-version", "3.10", "--config-file", ""]
        + ["--no-incremental", str(use)]
    )
    assert status == 0, out + err
    out = out.replace("builtins.", "")  # mypy's spelling changed across versions
    assert 'Revealed type is "tts_example_events.models.SpeechChunk"' in out
    assert 'Revealed type is "str"' in out
    assert 'Revealed type is "list[tts_example_events.models.SpeechChunk]"' in out


# --- the decoder ----------------------------------------------------------------------------


def _decode(module: Any, *chunks: bytes) -> list[tuple[str, str, str, int | None]]:
    runtime = importlib.import_module("tts_example_events._runtime.events")
    decoder = runtime.EventDecoder()
    events = []
    for i, chunk in enumerate(chunks):
        events += decoder.feed(chunk, i == len(chunks) - 1)
    return [(e.event, e.data, e.id, e.retry) for e in events]


def test_data_lines_are_joined_and_comments_ignored(module: Any) -> None:
    stream = (
        b": a comment, and a keep-alive\n"
        b"data: first line\n"
        b"data:second line\n"
        b"data\n"
        b"\n"
        b"event: speech.done\n"
        b"id: 7\n"
        b"retry: 1500\n"
        b"data:  two spaces keep one\n"
        b"\n"
    )
    assert _decode(module, stream) == [
        ("message", "first line\nsecond line\n", "", None),
        ("speech.done", " two spaces keep one", "7", 1500),
    ]


def test_line_ends_of_every_kind_split_anywhere(module: Any) -> None:
    stream = "\ufeffdata: a\r\ndata: é\rid: 1\r\n\r\ndata: b\n\n".encode()
    whole = _decode(module, stream)
    assert whole == [("message", "a\né", "1", None), ("message", "b", "1", None)]
    # Every split, inside a "\r\n" and inside the two bytes of "é" too.
    for cut in range(1, len(stream)):
        assert _decode(module, stream[:cut], stream[cut:]) == whole, cut


def test_no_data_no_event_and_an_unfinished_one_is_dropped(module: Any) -> None:
    stream = b"event: ping\n\nid: 3\n\nretry: soon\ndata: x\n\ndata: cut off"
    # The id of a data-less block still counts: it is the last event id seen.
    assert _decode(module, stream) == [("message", "x", "3", None)]


def test_an_event_that_never_ends_is_refused_past_the_limit(module: Any) -> None:
    runtime = importlib.import_module("tts_example_events._runtime.events")
    assert runtime.EventDecoder().max_bytes == 64 * 2**20
    decoder = runtime.EventDecoder(max_bytes=100)
    assert decoder.feed(b"data: " + b"x" * 90 + b"\n\n") == [
        runtime.ServerSentEvent("x" * 90)
    ]
    with pytest.raises(runtime.EventTooLarge):
        decoder.feed(b"data: " + b"x" * 200)  # no line break: one line too long
    decoder = runtime.EventDecoder(max_bytes=100)
    with pytest.raises(runtime.EventTooLarge):
        for _ in range(20):  # many data lines, no blank line
            decoder.feed(b"data: " + b"x" * 10 + b"\n")


# --- the client -----------------------------------------------------------------------------


def _event(data: Any, event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    text = data if isinstance(data, str) else json.dumps(data)
    return (
        head + "".join(f"data: {line}\n" for line in text.split("\n")) + "\n"
    ).encode()


CHUNKS: list[dict[str, Any]] = [
    {"type": "speech.audio.delta", "audio": "UklGRg==", "index": 0},
    {"type": "speech.audio.delta", "audio": "AAAA", "index": 1, "new": True},
    {"type": "speech.audio.done"},
]


class SlowEvents:
    """A loopback server that sends `pieces` one by one, `pause` seconds apart, then
    (with `forever`) keep-alive comments until the client hangs up, which it notes."""

    def __init__(
        self,
        pieces: list[bytes],
        pause: float = 0.0,
        forever: bool = False,
        status: int = 200,
    ) -> None:
        self.hung_up = threading.Event()
        self.sent: list[float] = []
        self.bodies: list[bytes] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                owner.bodies.append(self.rfile.read(length))
                self.send_response(status)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.flush()
                try:
                    for piece in pieces:
                        time.sleep(pause)
                        self.wfile.write(piece)
                        self.wfile.flush()
                        owner.sent.append(time.monotonic())
                    # Bounded: 10 s of keep-alives at most.
                    for _ in range(2000 if forever else 0):
                        time.sleep(0.005)
                        self.wfile.write(b": keep-alive " + b"." * 4096 + b"\n")
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    owner.hung_up.set()
                self.close_connection = True

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> SlowEvents:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def test_each_event_is_typed_as_it_arrives(module: Any) -> None:
    pieces = [_event(chunk, "speech") for chunk in CHUNKS] + [b"data: [DONE]\n\n"]
    with SlowEvents(pieces, pause=0.2) as server, client(module, server.url) as api:
        seen: list[tuple[Any, float]] = []
        with api.with_streaming_response.stream_speech(text="Hello") as response:
            assert response.status_code == 200
            assert response.content_type == "text/event-stream"
            for chunk in response.iter_events():
                seen.append((chunk, time.monotonic()))
    assert json.loads(server.bodies[0]) == {"text": "Hello"}
    assert [type(c).__name__ for c, _ in seen] == ["SpeechChunk"] * 3
    first, second, done = (c for c, _ in seen)
    assert (first.type, first.audio, first.index) == (
        "speech.audio.delta",
        "UklGRg==",
        0,
    )
    assert second.model_extra == {"new": True}  # tolerant in: a field added since
    assert done.type == "speech.audio.done" and done.audio is None
    # The first event was read before the server sent the last one, 0.4 s later.
    assert seen[0][1] < server.sent[2]


def test_done_ends_the_stream_and_early_stop_closes_the_connection(
    module: Any,
) -> None:
    # After [DONE] the server goes on: nothing more is read, and leaving closes.
    pieces = [_event(CHUNKS[0]), b"data: [DONE]\n\n", _event(CHUNKS[2])]
    with SlowEvents(pieces, forever=True) as server, client(module, server.url) as api:
        with api.with_streaming_response.stream_speech(text="Hi") as response:
            assert [c.index for c in response.iter_events()] == [0]
        assert server.hung_up.wait(5), "the connection stayed open"
    with SlowEvents([_event(CHUNKS[0])], forever=True) as server:
        with client(module, server.url) as api:
            with api.with_streaming_response.stream_speech(text="Hi") as response:
                assert next(response.iter_events()).index == 0
            assert server.hung_up.wait(5), "the connection stayed open"


def test_raw_events_keep_their_type_and_id(module: Any) -> None:
    pieces = [b'id: 1\nevent: speech\ndata: {"type": "speech.audio.done"}\n\n']
    with SlowEvents(pieces) as server, client(module, server.url) as api:
        with api.with_streaming_response.stream_speech(text="Hi") as response:
            (event,) = list(response.iter_sse())
    assert isinstance(event, module.ServerSentEvent)
    assert (event.event, event.id, json.loads(event.data)) == (
        "speech",
        "1",
        {"type": "speech.audio.done"},
    )


def test_without_a_schema_each_event_is_its_text(module: Any) -> None:
    pieces = [_event("line one\nline two"), b": note\n", _event("{not json}")]
    with SlowEvents(pieces, pause=0.05) as server, client(module, server.url) as api:
        with api.with_streaming_response.tail_logs() as response:
            lines = list(response.iter_events())
        whole = api.tail_logs()
    assert lines == whole == ["line one\nline two", "{not json}"]


def test_the_method_reads_every_event_whole(module: Any) -> None:
    pieces = [_event(c) for c in CHUNKS] + [b"data: [DONE]\n\n", _event(CHUNKS[0])]
    with SlowEvents(pieces, pause=0.02) as server, client(module, server.url) as api:
        chunks = api.stream_speech(text="Hi")
        with pytest.raises(module.errors.APIResponseValidationError):
            api.stream_speech(text="Hi", max_bytes=50)
    assert [c.type for c in chunks] == [c["type"] for c in CHUNKS]


def test_data_that_is_not_the_schema_is_a_typed_error(module: Any) -> None:
    pieces = [_event(CHUNKS[0]), _event("{truncated")]
    with SlowEvents(pieces) as server, client(module, server.url) as api:
        with api.with_streaming_response.stream_speech(text="Hi") as response:
            events = response.iter_events()
            assert next(events).index == 0
            with pytest.raises(module.errors.APIResponseValidationError) as caught:
                next(events)
    assert caught.value.status_code == 200
    assert caught.value.body == b"{truncated"


def test_an_error_status_is_raised_typed_before_any_event(module: Any) -> None:
    error = {"error": {"code": "quota", "message": "out of characters"}}
    reply = Reply(status=429, body=error, headers={"x-request-id": "req-3"})
    with serve(reply) as server, client(module, server.url, max_retries=0) as api:
        with pytest.raises(module.errors.RateLimitError) as caught:
            with api.with_streaming_response.stream_speech(text="Hi"):
                pass
        with pytest.raises(module.errors.RateLimitError):
            api.stream_speech(text="Hi")
    assert (caught.value.code, caught.value.request_id) == ("quota", "req-3")


def test_a_bad_argument_is_refused_before_anything_is_sent(module: Any) -> None:
    with serve(Reply()) as server, client(module, server.url) as api:
        with pytest.raises(pydantic.ValidationError, match="text"):
            api.with_streaming_response.stream_speech(text="x" * 101)
        with pytest.raises(ValueError, match="timeout"):
            api.with_streaming_response.stream_speech(text="Hi", timeout=0)
    assert server.received == []


def test_async_events_typed_and_early_stop(module: Any) -> None:
    async def run() -> None:
        pieces = [_event(c) for c in CHUNKS] + [b"data: [DONE]\n\n"]
        with SlowEvents(pieces, pause=0.05) as server:
            async with aclient(module, server.url) as api:
                stream = api.with_streaming_response.stream_speech(text="Hi")
                async with stream as response:
                    chunks = [c async for c in response.aiter_events()]
                assert [c.type for c in chunks] == [c["type"] for c in CHUNKS]
                assert [c.index for c in await api.stream_speech(text="Hi")] == [
                    0,
                    1,
                    None,
                ]
        with SlowEvents([_event(CHUNKS[1])], forever=True) as server:
            async with aclient(module, server.url) as api:
                stream = api.with_streaming_response.stream_speech(text="Hi")
                async with stream as response:
                    async for chunk in response.aiter_events():
                        assert chunk.index == 1
                        break
                assert await asyncio.to_thread(server.hung_up.wait, 5)

    asyncio.run(run())


def test_events_beside_json_when_the_body_asks_for_a_stream(module: Any) -> None:
    pieces = [_event({"delta": "Hel"}), _event({"delta": "lo"}), b"data: [DONE]\n\n"]
    with SlowEvents(pieces) as server, client(module, server.url) as api:
        stream = api.with_streaming_response.create_reply(prompt="Hi", stream=True)
        with stream as response:
            deltas = list(response.iter_events())
    assert [type(d).__name__ for d in deltas] == ["ReplyDelta", "ReplyDelta"]
    assert "".join(d.delta for d in deltas) == "Hello"
    assert json.loads(server.bodies[0]) == {"prompt": "Hi", "stream": True}
    # Without the stream, the method's own answer is the JSON model, as before.
    whole = Reply(body={"text": "Hello"}, headers={"x-request-id": "req-5"})
    with serve(whole) as scripted, client(module, scripted.url) as api:
        assert api.create_reply(prompt="Hi").text == "Hello"
        # Asked for events, answered with JSON: said, not a silent empty stream.
        with pytest.raises(module.errors.APIResponseValidationError) as caught:
            with api.with_streaming_response.create_reply(prompt="Hi"):
                pass
    assert "application/json" in str(caught.value)
    assert caught.value.request_id == "req-5"


ONLY_BESIDE_JSON = """
openapi: 3.1.0
info: {title: Chat only, version: 1.0.0}
paths:
  /chat:
    post:
      operationId: Chat
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {stream: {type: boolean}}}
      responses:
        '200':
          description: A reply, or its events.
          content:
            application/json:
              schema: {type: object, properties: {text: {type: string}}}
            text/event-stream: {}
"""


def test_an_api_whose_only_events_are_beside_json(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # No binary or event-only method: the stream runtime is still copied.
    for package in generated_package(tmp_path_factory, "chat-only", ONLY_BESIDE_JSON):
        out, err, status = mypy.run(
            ["--strict", "--python-version", "3.10", "--config-file", ""]
            + ["--no-incremental", str(package)]
        )
        assert status == 0, out + err
        ruff_check(package)
        chat = importlib.import_module("tts_chat_only")
        with SlowEvents([_event("a"), _event("b")]) as server:
            with chat.Client(base_url=server.url) as api:
                stream = api.with_streaming_response.chat(stream=True)
                with stream as response:
                    assert list(response.iter_events()) == ["a", "b"]


CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def test_openai_chat_completions_stream_typed_chunks(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    spec = (CORPUS / "openai-api" / "openapi.yaml").read_text(encoding="utf-8")
    chunk = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": {"content": "Hel"}, "finish_reason": None}],
    }
    second = {**chunk, "choices": [{"index": 0, "delta": {"content": "lo"}}]}
    pieces = [_event(chunk), _event(second), b"data: [DONE]\n\n"]
    for _ in generated_package(tmp_path_factory, "openai-api", spec):
        openai = importlib.import_module("tts_openai_api")
        user = openai.ChatCompletionRequestUserMessage(role="user", content="Hi")
        with SlowEvents(pieces, pause=0.05) as server:
            with openai.Client(api_key_auth=KEY, base_url=server.url) as api:
                stream = api.with_streaming_response.create_chat_completion(
                    messages=[user], model="gpt-4o-mini", stream=True
                )
                with stream as response:
                    chunks = list(response.iter_events())
        sent = json.loads(server.bodies[0])
        assert (sent["stream"], sent["messages"]) == (
            True,
            [{"role": "user", "content": "Hi"}],
        )
        assert [type(c).__name__ for c in chunks] == [
            "CreateChatCompletionStreamResponse"
        ] * 2
        text = "".join(c.choices[0].delta.content for c in chunks)
        assert (text, chunks[0].model) == ("Hello", "gpt-4o-mini")


# --- what the generator reads ----------------------------------------------------------------


def _operations(tmp_path: Path, content: dict[str, Any]) -> Any:
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1.0.0"},
        "paths": {
            "/a": {
                "post": {
                    "operationId": "A",
                    "responses": {"200": {"description": "", "content": content}},
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
        ({"text/event-stream": {}}, "events", None),
        (
            {"text/event-stream": {"schema": {"type": "object", "properties": {}}}},
            "events",
            "AResponse",
        ),
    ],
)
def test_what_an_event_stream_is_read_as(
    tmp_path: Path, content: dict[str, Any], returns: str, model: str | None
) -> None:
    api = _operations(tmp_path, content)
    assert api.skipped_operations == ()
    (operation,) = api.operations
    assert operation.returns == returns
    assert (operation.response.name if operation.response else None) == model
    assert not operation.streams_events


@pytest.mark.parametrize(
    ("events", "model"),
    [
        ({"schema": {"type": "object", "properties": {"d": {}}}}, "AEvent"),
        ({}, None),
    ],
)
def test_events_beside_json_are_the_streaming_form(
    tmp_path: Path, events: dict[str, Any], model: str | None
) -> None:
    json_schema = {"schema": {"type": "object", "properties": {"a": {}}}}
    content = {"application/json": json_schema, "text/event-stream": events}
    (operation,) = _operations(tmp_path, content).operations
    assert (operation.returns, operation.response.name) == ("model", "AResponse")
    assert operation.streams_events
    assert (operation.events.name if operation.events else None) == model


@pytest.mark.parametrize(
    ("content", "returns", "events"),
    [
        ({"audio/mpeg": {}, "text/event-stream": {}}, "binary", None),
        (
            {
                "application/octet-stream": {"schema": {"format": "binary"}},
                "text/event-stream": {
                    "schema": {"type": "object", "properties": {"audio": {}}}
                },
            },
            "binary",
            "AEvent",
        ),
        ({"text/plain": {}, "text/event-stream": {}}, "text", None),
    ],
)
def test_events_beside_bytes_or_text_are_read_by_the_content_type(
    tmp_path: Path, content: dict[str, Any], returns: str, events: str | None
) -> None:
    (operation,) = _operations(tmp_path, content).operations
    assert (operation.returns, operation.response) == (returns, None)
    assert operation.streams_events
    assert (operation.events.name if operation.events else None) == events


# OpenAI's speech: audio, or (`stream_format: sse`) events carrying the audio in base64.
AUDIO_OR_EVENTS = """
openapi: 3.1.0
info: {title: Speech, version: 1.0.0}
paths:
  /audio/speech:
    post:
      operationId: CreateSpeech
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [input]
              properties:
                input: {type: string}
                stream_format: {type: string, enum: [sse, audio]}
      responses:
        '200':
          description: Audio, or audio events.
          content:
            application/octet-stream:
              schema: {type: string, format: binary}
            text/event-stream:
              schema: {$ref: '#/components/schemas/SpeechEvent'}
components:
  schemas:
    SpeechEvent:
      type: object
      required: [type]
      properties:
        type: {type: string, enum: [speech.audio.delta, speech.audio.done]}
        audio: {type: string}
"""

DELTAS = [
    _event({"type": "speech.audio.delta", "audio": "SUQz"}),
    _event({"type": "speech.audio.done"}),
]


def test_audio_or_events_by_the_answer_s_content_type(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    for package in generated_package(
        tmp_path_factory, "audio-or-events", AUDIO_OR_EVENTS
    ):
        out, err, status = mypy.run(
            ["--strict", "--python-version", "3.10", "--config-file", ""]
            + ["--no-incremental", str(package)]
        )
        assert status == 0, out + err
        ruff_check(package)
        speech = importlib.import_module("tts_audio_or_events")
        assert (
            inspect.signature(speech.Client.create_speech).return_annotation
            == "BinaryResponse | list[SpeechEvent]"
        )
        audio = Reply(200, b"ID3" * 100, headers={"Content-Type": "audio/mpeg"})
        # Audio: the bytes, whole or streamed.
        with serve(audio) as audio_server:
            with speech.Client(base_url=audio_server.url) as api:
                answer = api.create_speech(input="Hi")
                with api.with_streaming_response.create_speech(input="Hi") as stream:
                    assert stream.content_type == "audio/mpeg"
                    assert b"".join(stream.iter_bytes()) == b"ID3" * 100
        assert answer.content == b"ID3" * 100
        assert answer.content_type == "audio/mpeg"
        # Events: each typed, whole or as they arrive.
        with SlowEvents(DELTAS) as server:
            with speech.Client(base_url=server.url) as api:
                events = api.create_speech(input="Hi", stream_format="sse")
        assert [(type(e).__name__, e.type) for e in events] == [
            ("SpeechEvent", "speech.audio.delta"),
            ("SpeechEvent", "speech.audio.done"),
        ]
        with SlowEvents(DELTAS, pause=0.02) as server:
            with speech.Client(base_url=server.url) as api:
                request = api.with_streaming_response.create_speech(
                    input="Hi", stream_format="sse"
                )
                with request as stream:
                    assert [e.audio for e in stream.iter_events()] == ["SUQz", None]

        async def streamed(module: Any, url: str) -> list[Any]:
            async with module.AsyncClient(base_url=url) as api:
                request = api.with_streaming_response.create_speech(
                    input="Hi", stream_format="sse"
                )
                async with request as stream:
                    return [e.type async for e in stream.aiter_events()]

        with SlowEvents(DELTAS) as server:
            assert asyncio.run(streamed(speech, server.url)) == [
                "speech.audio.delta",
                "speech.audio.done",
            ]


def test_openai_create_speech_answers_audio_or_events(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    spec = (CORPUS / "openai-api" / "openapi.yaml").read_text(encoding="utf-8")
    delta = {"type": "speech.audio.delta", "audio": "SUQz"}
    done = {
        "type": "speech.audio.done",
        "usage": {"input_tokens": 2, "output_tokens": 9, "total_tokens": 11},
    }
    for _ in generated_package(tmp_path_factory, "openai-api", spec):
        openai = importlib.import_module("tts_openai_api")
        arguments = {"model": "gpt-4o-mini-tts", "input": "Hi", "voice": "alloy"}
        with SlowEvents([_event(delta), _event(done)]) as server:
            with openai.Client(api_key_auth=KEY, base_url=server.url) as api:
                events = api.create_speech(**arguments, stream_format="sse")
        assert json.loads(server.bodies[0])["stream_format"] == "sse"
        # Its events are a union: each is read through the root model
        # (CreateSpeechEvent) and handed over as its own branch.
        assert [type(e).__name__ for e in events] == [
            "SpeechAudioDeltaEvent",
            "SpeechAudioDoneEvent",
        ]
        assert events[0].audio == "SUQz" and events[1].usage.total_tokens == 11
        assert inspect.signature(openai.Client.create_speech).return_annotation == (
            "BinaryResponse | list[SpeechAudioDeltaEvent | SpeechAudioDoneEvent | "
            "dict[str, Any]]"
        )
        with SlowEvents([_event(delta), _event(done)]) as server:
            with openai.Client(api_key_auth=KEY, base_url=server.url) as api:
                request = api.with_streaming_response.create_speech(
                    **arguments, stream_format="sse"
                )
                with request as stream:
                    kinds = [type(e).__name__ for e in stream.iter_events()]
        assert kinds == ["SpeechAudioDeltaEvent", "SpeechAudioDoneEvent"]
        audio = Reply(200, b"ID3" * 10, headers={"Content-Type": "audio/mpeg"})
        with serve(audio) as audio_server:
            with openai.Client(api_key_auth=KEY, base_url=audio_server.url) as api:
                answer = api.create_speech(**arguments)
        assert (answer.content, answer.content_type) == (b"ID3" * 10, "audio/mpeg")
