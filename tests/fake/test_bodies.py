"""Bodies beyond JSON through the fake, for APIs added from their spec alone: bytes
(whole and streamed to a file), text, server-sent events made from the event schema,
and uploads (multipart with files, a form, a raw file), sync and async. The specs are
the ones the client's own tests for these bodies use."""

from __future__ import annotations

import asyncio
import importlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.client.test_uploads import SPEC as UPLOADS
from tests.support.generate import generated_package

SPECS = Path(__file__).parent.parent / "support" / "specs"


def _testing(factory: pytest.TempPathFactory, key: str, spec: str) -> Iterator[Any]:
    for _ in generated_package(factory, key, spec):
        yield importlib.import_module(f"tts_{key.replace('-', '_')}.testing")


@pytest.fixture(scope="module")
def audio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    spec = (SPECS / "example-audio.yaml").read_text(encoding="utf-8")
    yield from _testing(tmp_path_factory, "example-audio", spec)


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    spec = (SPECS / "example-events.yaml").read_text(encoding="utf-8")
    yield from _testing(tmp_path_factory, "example-events", spec)


@pytest.fixture(scope="module")
def uploads(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from _testing(tmp_path_factory, "uploads", UPLOADS)


# The payload a binary answer without a documented example carries.
PAYLOAD = bytes(range(256))


# -- answers ------------------------------------------------------------------------------


def test_a_download_is_bytes(audio: Any) -> None:
    fake = audio.FakeService()
    with fake.client() as client:
        speech = client.create_speech(text="Hello", voice="anna")
        stored = client.download_file(file_id="f-1")
    assert speech.content == stored.content == PAYLOAD
    # Each of the media type the spec documents for it.
    assert speech.content_type == "audio/mpeg"
    assert stored.content_type == "application/octet-stream"
    (call, _) = fake.calls
    assert (call.method_name, call.body.text, call.status) == (
        "create_speech",
        "Hello",
        200,
    )


def test_a_download_is_checked_like_any_request(audio: Any) -> None:
    fake = audio.FakeService()
    with fake.client(api_key="another-key") as client:
        errors = importlib.import_module("tts_example_audio.errors")
        with pytest.raises(errors.AuthenticationError):
            client.create_speech(text="Hello")
    request = httpx.Request("POST", fake.base_url + "/speech", json={"text": "x" * 101})
    with fake.http_client() as http:
        refused = http.send(fake.sign(request, "create_speech"))
    assert refused.status_code == 400
    assert refused.json()["code"] == fake.validation_code


def test_a_streamed_download_writes_to_a_file(audio: Any, tmp_path: Path) -> None:
    fake = audio.FakeService()
    with fake.client() as client:
        with client.with_streaming_response.create_speech(text="Hi") as response:
            written = response.write_to(tmp_path / "speech.mp3")
    assert written == len(PAYLOAD)
    assert (tmp_path / "speech.mp3").read_bytes() == PAYLOAD


def test_an_async_streamed_download(audio: Any) -> None:
    async def run() -> bytes:
        fake = audio.FakeService()
        async with fake.async_client() as client:
            out = io.BytesIO()
            stream = client.with_streaming_response.create_speech(text="Hi")
            async with stream as response:
                assert await response.write_to(out) == len(PAYLOAD)
            whole = await client.download_file(file_id="f-1")
            assert whole.content == PAYLOAD
        return out.getvalue()

    assert asyncio.run(run()) == PAYLOAD


def test_a_text_answer_is_text(audio: Any) -> None:
    fake = audio.FakeService()
    with fake.client() as client:
        transcript = client.get_transcript(transcript_id="t-1", format="vtt")
    assert transcript == "get_transcript\n"
    # Its arguments were checked: a format outside the enum is refused.
    request = httpx.Request("GET", fake.base_url + "/transcripts/t-1?format=doc")
    with fake.http_client() as http:
        refused = http.send(fake.sign(request, "get_transcript"))
    assert refused.status_code == 400, refused.text


def test_events_are_made_from_the_event_schema(events: Any) -> None:
    fake = events.FakeService()
    with fake.client() as client:
        chunks = client.stream_speech(text="Hello")
        with client.with_streaming_response.stream_speech(text="Hi") as response:
            assert response.content_type == "text/event-stream"
            raw = list(response.iter_sse())
    assert [type(c).__name__ for c in chunks] == ["SpeechChunk"] * 3
    assert [c.index for c in chunks] == [0, 1, 2]
    # The schema's enum: its first value, then its last in the last event.
    assert [c.type for c in chunks] == [
        "speech.audio.delta",
        "speech.audio.delta",
        "speech.audio.done",
    ]
    assert [e.id for e in raw] == ["1", "2", "3"]


def test_events_without_a_schema_are_text(events: Any) -> None:
    fake = events.FakeService()
    with fake.client() as client:
        assert client.tail_logs() == ["tail_logs 1", "tail_logs 2", "tail_logs 3"]


def test_a_json_answer_streams_when_the_body_asks(events: Any) -> None:
    fake = events.FakeService()
    with fake.client() as client:
        stream = client.with_streaming_response.create_reply(prompt="Hi", stream=True)
        with stream as response:
            deltas = list(response.iter_events())
        whole = client.create_reply(prompt="Hi")
    assert [type(d).__name__ for d in deltas] == ["ReplyDelta"] * 3
    assert type(whole).__name__ == "Reply"


def test_async_events(events: Any) -> None:
    async def run() -> list[Any]:
        fake = events.FakeService()
        async with fake.async_client() as client:
            stream = client.with_streaming_response.stream_speech(text="Hi")
            async with stream as response:
                return [chunk async for chunk in response.aiter_events()]

    assert [c.index for c in asyncio.run(run())] == [0, 1, 2]


# -- uploads ------------------------------------------------------------------------------


def test_a_multipart_upload_is_parsed_and_its_files_recorded(uploads: Any) -> None:
    fake = uploads.FakeService()
    with fake.client() as client:
        answer = client.create_transcription(
            model="whisper",
            temperature=0.5,
            tags=["a", "b"],
            meta={"a": 1},
            file=("hello.wav", b"RIFF" + bytes(60), "audio/wav"),
            extras=[b"one", b"two!"],
        )
    assert type(answer).__name__ == "CreateTranscriptionResponse"
    (call,) = fake.calls
    assert call.status == 200
    assert call.body.model_dump() == {
        "model": "whisper",
        "temperature": 0.5,
        "tags": ["a", "b"],
        "meta": {"a": 1},
    }
    assert [(f.name, f.filename, f.content_type, f.size) for f in call.files] == [
        ("file", "hello.wav", "audio/wav", 64),
        ("extras", "extras", "audio/wav", 3),
        ("extras", "extras", "audio/wav", 4),
    ]
    # What a file held is not kept.
    assert "RIFF" not in repr(fake.calls)


def test_an_async_upload(uploads: Any) -> None:
    async def run() -> Any:
        fake = uploads.FakeService()
        async with fake.async_client() as client:
            await client.create_transcription(model="m", file=b"audio")
            await client.upload_sample(voice_id="v-1", body=b"RIFF....")
        return fake

    fake = asyncio.run(run())
    assert [c.status for c in fake.calls] == [200, 204]
    assert [(f.name, f.size) for c in fake.calls for f in c.files] == [
        ("file", 5),
        ("body", 8),
    ]
    assert fake.calls[1].parameters.voice_id == "v-1"
    assert fake.calls[1].files[0].content_type == "audio/wav"


def test_a_form_and_a_choice_of_bodies(uploads: Any) -> None:
    fake = uploads.FakeService()
    with fake.client() as client:
        client.create_token(grant_type="client_credentials", scope=["read", "write"])
        for content_type in (
            "application/json",
            "multipart/form-data",
            "application/x-www-form-urlencoded",
        ):
            client.create_speaker(name="Ann", age=7, content_type=content_type)
    token, *speakers = fake.calls
    assert token.body.scope == ["read", "write"]
    assert [(s.body.name, s.body.age) for s in speakers] == [("Ann", 7)] * 3
    assert {s.headers["content-type"].split(";")[0] for s in speakers} == {
        "application/json",
        "multipart/form-data",
        "application/x-www-form-urlencoded",
    }


def _multipart(*parts: tuple[str, str | None, bytes]) -> tuple[str, bytes]:
    body = b""
    for name, filename, data in parts:
        named = f'; filename="{filename}"' if filename else ""
        body += (
            b'--b0\r\nContent-Disposition: form-data; name="'
            + name.encode()
            + b'"'
            + named.encode()
            + b"\r\n\r\n"
            + data
            + b"\r\n"
        )
    return "multipart/form-data; boundary=b0", body + b"--b0--\r\n"


@pytest.mark.parametrize(
    ("why", "parts"),
    [
        ("a field past its bound", [("model", None, b"x" * 21), ("file", "a", b"1")]),
        (
            "a number that is not",
            [("model", None, b"m"), ("temperature", None, b"hot"), ("file", "a", b"1")],
        ),
        (
            "above the maximum",
            [("model", None, b"m"), ("temperature", None, b"1.5"), ("file", "a", b"1")],
        ),
        ("a required field left out", [("file", "a", b"1")]),
        ("the required file left out", [("model", None, b"m")]),
        (
            "an unknown field",
            [("model", None, b"m"), ("colour", None, b"red"), ("file", "a", b"1")],
        ),
        (
            "an object that is not JSON",
            [("model", None, b"m"), ("meta", None, b"{a"), ("file", "a", b"1")],
        ),
    ],
)
def test_a_bad_upload_is_refused(
    uploads: Any, why: str, parts: list[tuple[str, str | None, bytes]]
) -> None:
    fake = uploads.FakeService()
    content_type, body = _multipart(*parts)
    request = httpx.Request(
        "POST",
        fake.base_url + "/transcriptions",
        headers={"Content-Type": content_type},
        content=body,
    )
    with fake.http_client() as http:
        response = http.send(request)
    assert response.status_code == 400, (why, response.text)
    assert fake.validation_code in response.text


def test_the_same_upload_done_right_is_accepted(uploads: Any) -> None:
    # (So that the refusals above are for what each one broke.)
    fake = uploads.FakeService()
    content_type, body = _multipart(
        ("model", None, b"m"), ("temperature", None, b"1"), ("file", "a", b"1")
    )
    request = httpx.Request(
        "POST",
        fake.base_url + "/transcriptions",
        headers={"Content-Type": content_type},
        content=body,
    )
    with fake.http_client() as http:
        assert http.send(request).status_code == 200
    assert fake.calls[0].body.temperature == 1.0


def test_a_raw_upload_needs_its_body(uploads: Any) -> None:
    fake = uploads.FakeService()
    request = httpx.Request(
        "PUT",
        fake.base_url + "/voices/v-1/samples",
        headers={"Content-Type": "audio/wav"},
    )
    with fake.http_client() as http:
        assert http.send(request).status_code == 400
    assert fake.calls[0].files == ()
