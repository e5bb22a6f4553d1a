"""Request bodies beyond JSON (issue 27, item 2 and 4b), from a minimal spec, against a
loopback server that takes every multipart part apart and checks its headers and bytes:
multipart/form-data with files, a raw audio body, a form, a choice of media types,
streaming from files, and no resending of a streamed upload."""

from __future__ import annotations

import asyncio
import email
import email.policy
import importlib
import io
import json
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from pydantic import ValidationError

from tests.support.generate import generated_package
from tests.support.server import Reply, serve

SPEC = """\
openapi: 3.1.0
info: {title: Uploads, version: "1"}
servers: [{url: "https://api.example.com"}]
paths:
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
                file: {type: string, format: binary, description: The audio.}
                model: {type: string, maxLength: 20}
                temperature: {type: number, minimum: 0, maximum: 1}
                tags: {type: array, items: {type: string}}
                extras: {type: array, items: {type: string, contentMediaType: audio/wav}}
                meta: {type: object, properties: {a: {type: integer}}}
            encoding:
              extras: {contentType: audio/wav}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {text: {type: string}}}
  /voices/{voice_id}/samples:
    put:
      operationId: UploadSample
      parameters:
        - {name: voice_id, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          audio/wav:
            schema: {type: string, format: binary}
      responses:
        "204": {description: done}
  /tokens:
    post:
      operationId: CreateToken
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [grant_type]
              properties:
                grant_type: {type: string, enum: [client_credentials]}
                scope: {type: array, items: {type: string}}
                note: {type: string}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {token: {type: string}}}
  /speakers:
    post:
      operationId: CreateSpeaker
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Speaker"}
          multipart/form-data:
            schema: {$ref: "#/components/schemas/Speaker"}
          application/x-www-form-urlencoded:
            schema: {$ref: "#/components/schemas/Speaker"}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Speaker"}
components:
  schemas:
    Speaker:
      type: object
      required: [name]
      properties:
        name: {type: string, minLength: 1}
        age: {type: integer}
"""

TEXT = {"text": "hello"}


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    for _ in generated_package(tmp_path_factory, "uploads", SPEC):
        yield importlib.import_module("tts_uploads")


def errors(pkg: Any) -> Any:
    return importlib.import_module(pkg.__name__ + ".errors")


def parts(content_type: str, body: bytes) -> list[Message]:
    """Every part of a multipart body, as the stdlib's MIME parser reads it."""
    message = email.message_from_bytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body,
        policy=email.policy.HTTP,
    )
    assert message.is_multipart(), body[:200]
    return list(message.iter_parts())


def described(part: Message) -> tuple[str | None, str | None, str, bytes]:
    """(name, filename, content type, bytes) of a part."""
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return (
        part.get_param("name", header="content-disposition"),  # type: ignore[return-value]
        part.get_filename(),
        part.get_content_type(),
        payload,
    )


class CountingFile(io.RawIOBase):
    """A seekable binary file of `size` bytes that refuses to be read whole: read()
    without a size, or of more than 1 MiB at once, fails the test."""

    def __init__(self, size: int, name: str = "big.mp3") -> None:
        self.size, self.position, self.reads, self.name = size, 0, 0, name

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}
        self.position = base[whence] + offset
        return self.position

    def read(self, size: int | None = -1) -> bytes:
        assert size is not None and 0 < size <= 2**20, f"read({size}) reads it whole"
        self.reads += 1
        n = max(min(size, self.size - self.position), 0)
        start = self.position
        self.position += n
        return (
            bytes((start + i) % 251 for i in range(n)) if n < 4096 else _block(start, n)
        )


def _block(start: int, n: int) -> bytes:
    pattern = bytes(range(251)) * (n // 251 + 2)
    offset = start % 251
    return pattern[offset : offset + n]


def test_a_multipart_body_carries_each_field_and_file_with_its_headers(
    pkg: Any, tmp_path: Path
) -> None:
    audio = tmp_path / "speech.mp3"
    audio.write_bytes(b"ID3\x00\xff" * 1000)
    with serve(Reply(200, TEXT)) as server:
        client = pkg.Client(base_url=server.url)
        answer = client.create_transcription(
            file=audio,
            model="whisper-1",
            temperature=0.5,
            tags=["a", "b"],
            meta={"a": 1},
            extras=[
                b"RIFF1",
                io.BytesIO(b"RIFF2"),
                ("take 3.flac", b"fLaC", "audio/flac"),
            ],
        )
    assert answer.text == "hello"
    [request] = server.received
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    assert int(request.headers["content-length"]) == len(request.body)
    assert [described(p) for p in parts(content_type, request.body)] == [
        ("model", None, "text/plain", b"whisper-1"),
        ("temperature", None, "text/plain", b"0.5"),
        # A list repeats the part; an object is a JSON part.
        ("tags", None, "text/plain", b"a"),
        ("tags", None, "text/plain", b"b"),
        ("meta", None, "application/json", b'{"a": 1}'),
        # The path's name and type; the spec's encoding type for bytes (named after
        # the field); an explicit (filename, content, content type) wins.
        ("file", "speech.mp3", "audio/mpeg", b"ID3\x00\xff" * 1000),
        ("extras", "extras", "audio/wav", b"RIFF1"),
        ("extras", "extras", "audio/wav", b"RIFF2"),
        ("extras", "take 3.flac", "audio/flac", b"fLaC"),
    ]


def test_bad_fields_and_files_are_refused_by_name_before_sending(
    pkg: Any, tmp_path: Path
) -> None:
    with serve(Reply(200, TEXT)) as server:
        client = pkg.Client(base_url=server.url)
        with pytest.raises(ValidationError, match="model"):
            client.create_transcription(file=b"x", model="m" * 21)
        with pytest.raises(ValidationError, match="temperature"):
            client.create_transcription(file=b"x", model="m", temperature=2)
        with pytest.raises(TypeError, match=r"file takes bytes, a pathlib\.Path"):
            client.create_transcription(file="speech.mp3", model="m")
        with pytest.raises(TypeError, match="file is required"):
            client.create_transcription(file=None, model="m")
        with pytest.raises(ValueError, match=r"extras: .*is no file"):
            client.create_transcription(
                file=b"x", model="m", extras=[tmp_path / "missing.wav"]
            )
        with pytest.raises(TypeError, match="body takes bytes"):
            client.upload_sample("v1", body=io.StringIO("text, not bytes"))
    assert server.received == []


def test_a_raw_audio_body_is_the_file_streamed_with_its_media_type(
    pkg: Any, tmp_path: Path
) -> None:
    audio = tmp_path / "sample.wav"
    audio.write_bytes(bytes(range(256)) * 400)
    with serve(Reply(204)) as server:
        client = pkg.Client(base_url=server.url)
        assert client.upload_sample("v1", body=audio) is None
        assert client.upload_sample("v1", body=b"RIFF") is None
    first, second = server.received
    assert (first.method, first.path) == ("PUT", "/voices/v1/samples")
    assert first.headers["content-type"] == "audio/wav"
    assert first.headers["content-length"] == str(256 * 400)
    assert first.body == bytes(range(256)) * 400
    assert second.body == b"RIFF"


def test_a_form_body_is_url_encoded_with_repeated_names(pkg: Any) -> None:
    with serve(Reply(200, {"token": "t"})) as server:
        client = pkg.Client(base_url=server.url)
        answer = client.create_token(
            grant_type="client_credentials", scope=["read", "write"], note="a b&c=é"
        )
        with pytest.raises(ValidationError, match="grant_type"):
            client.create_token(grant_type="password")
    assert answer.token == "t"
    [request] = server.received
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.body == (
        b"grant_type=client_credentials&scope=read&scope=write&note=a%20b%26c%3D%C3%A9"
    )
    assert parse_qs(request.body.decode()) == {
        "grant_type": ["client_credentials"],
        "scope": ["read", "write"],
        "note": ["a b&c=é"],
    }


def test_a_body_of_several_media_types_is_json_unless_the_caller_chooses(
    pkg: Any,
) -> None:
    speaker = {"name": "Ann", "age": 30}
    with serve(Reply(200, speaker)) as server:
        client = pkg.Client(base_url=server.url)
        client.create_speaker(name="Ann", age=30)
        client.create_speaker(name="Ann", age=30, content_type="multipart/form-data")
        client.create_speaker(
            name="Ann", age=30, content_type="application/x-www-form-urlencoded"
        )
        with pytest.raises(ValidationError, match="name"):
            client.create_speaker(name="", content_type="multipart/form-data")
    as_json, as_multipart, as_form = server.received
    assert as_json.headers["content-type"] == "application/json"
    assert json.loads(as_json.body) == speaker
    assert [
        described(p)
        for p in parts(as_multipart.headers["content-type"], as_multipart.body)
    ] == [("name", None, "text/plain", b"Ann"), ("age", None, "text/plain", b"30")]
    assert as_form.headers["content-type"] == "application/x-www-form-urlencoded"
    assert as_form.body == b"name=Ann&age=30"


SIZE = 8 * 2**20


def test_a_large_file_is_streamed_in_chunks_never_read_whole(pkg: Any) -> None:
    big = CountingFile(SIZE)
    with serve(Reply(200, TEXT)) as server:
        client = pkg.Client(base_url=server.url, timeout=60)
        client.create_transcription(file=big, model="m")
        sample = CountingFile(SIZE)
        client.upload_sample("v1", body=sample)
    multipart, raw = server.received
    assert big.reads >= SIZE // 2**20  # chunk by chunk, none over 1 MiB
    [(name, filename, kind, data)] = [
        described(p) for p in parts(multipart.headers["content-type"], multipart.body)
    ][1:]
    assert (name, filename, kind, len(data)) == ("file", "big.mp3", "audio/mpeg", SIZE)
    assert data == _block(0, SIZE)
    assert raw.headers["content-length"] == str(SIZE)
    assert raw.body == _block(0, SIZE)


def test_a_streamed_upload_is_not_resent_after_a_5xx(pkg: Any, tmp_path: Path) -> None:
    audio = tmp_path / "sample.wav"
    audio.write_bytes(b"RIFF" * 100)
    failing = (Reply(503, {"message": "busy"}), Reply(204))
    with serve(*failing) as server:
        # A PUT is idempotent: its bytes body is retried, as any read's.
        client = pkg.Client(base_url=server.url, max_retries=2)
        client.upload_sample("v1", body=b"RIFF")
        assert len(server.received) == 2
    with serve(*failing) as server:
        client = pkg.Client(base_url=server.url, max_retries=2)
        with pytest.raises(errors(pkg).InternalServerError) as caught:
            client.upload_sample("v1", body=audio)
        assert caught.value.status_code == 503
        assert len(server.received) == 1
    with serve(Reply(503, {"message": "busy"}), Reply(200, TEXT)) as server:
        client = pkg.Client(base_url=server.url, max_retries=2, retry_submits=True)
        with pytest.raises(errors(pkg).InternalServerError):
            client.create_transcription(file=io.BytesIO(b"x"), model="m")
        assert len(server.received) == 1


def test_the_async_client_streams_uploads_and_does_not_resend_them(
    pkg: Any, tmp_path: Path
) -> None:
    audio = tmp_path / "speech.mp3"
    audio.write_bytes(b"ID3" * 5000)

    async def scenario(url: str) -> str:
        async with pkg.AsyncClient(base_url=url, max_retries=2) as client:
            answer = await client.create_transcription(
                file=audio, model="m", tags=["x"]
            )
            with pytest.raises(errors(pkg).InternalServerError):
                await client.upload_sample("v1", body=CountingFile(SIZE))
            return str(answer.text)

    with serve(Reply(200, TEXT), Reply(503, {"message": "busy"}), Reply(204)) as server:
        assert asyncio.run(scenario(server.url)) == "hello"
    first, failed = server.received
    assert [described(p) for p in parts(first.headers["content-type"], first.body)] == [
        ("model", None, "text/plain", b"m"),
        ("tags", None, "text/plain", b"x"),
        ("file", "speech.mp3", "audio/mpeg", b"ID3" * 5000),
    ]
    assert failed.body == _block(0, SIZE)


SWAGGER = """\
swagger: "2.0"
info: {title: Legacy, version: "1"}
host: api.example.com
paths:
  /jobs:
    post:
      operationId: createJob
      consumes: [multipart/form-data]
      parameters:
        - {name: config, in: formData, type: string, required: true}
        - {name: data_file, in: formData, type: file, required: true}
      responses:
        "201": {description: made, schema: {type: object, properties: {id: {type: string}}}}
"""


def test_a_swagger_2_file_parameter_is_a_file_argument(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    audio = tmp_path / "job.mp3"
    audio.write_bytes(b"ID3" * 10)
    for _ in generated_package(tmp_path_factory, "legacy", SWAGGER):
        module = importlib.import_module("tts_legacy")
        with serve(Reply(201, {"id": "j"})) as server:
            client = module.Client(base_url=server.url)
            assert client.create_job(config="{}", data_file=audio).id == "j"
        [request] = server.received
        assert [
            described(p) for p in parts(request.headers["content-type"], request.body)
        ] == [
            ("config", None, "text/plain", b"{}"),
            ("data_file", "job.mp3", "audio/mpeg", b"ID3" * 10),
        ]


def test_the_package_readme_lists_file_body_and_content_type_arguments(
    pkg: Any,
) -> None:
    readme = (Path(pkg.__file__).parent / "README.md").read_text(encoding="utf-8")
    assert "| `file` | `FileInput` | yes | a file: bytes, a `pathlib.Path`" in readme
    assert "| `extras` | `list[FileInput]` | no |" in readme
    assert "| `body` | `FileInput` | yes | the audio/wav body" in readme
    assert '| `content_type` | `Literal["application/json", ' in readme


# A file field written as FastAPI writes an optional upload (an anyOf of a file and
# null), as a 3.1 nullable type, as a list that may be null, and as a reference to a
# component that is a file, inside a referenced body schema: each is a file argument.
NULLABLE = """\
openapi: 3.1.0
info: {title: Nullable files, version: "1"}
servers: [{url: "https://api.example.com"}]
paths:
  /speech-to-text:
    post:
      operationId: SpeechToText
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema: {$ref: "#/components/schemas/Body_Speech_to_Text"}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {text: {type: string}}}
components:
  schemas:
    Wav: {type: string, contentMediaType: audio/wav}
    Body_Speech_to_Text:
      type: object
      required: [model_id]
      properties:
        model_id: {type: string}
        file:
          description: The file to transcribe.
          anyOf: [{type: string, format: binary}, {type: "null"}]
        cue_file: {type: [string, "null"], format: binary}
        takes:
          anyOf:
            - {type: array, items: {type: string, format: binary}}
            - {type: "null"}
        sample: {$ref: "#/components/schemas/Wav"}
        cloud_storage_url: {anyOf: [{type: string}, {type: "null"}]}
"""


def test_nullable_and_referenced_file_fields_are_file_arguments(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    audio = tmp_path / "call.mp3"
    audio.write_bytes(b"ID3" * 100)
    for _ in generated_package(tmp_path_factory, "nullable-files", NULLABLE):
        module = importlib.import_module("tts_nullable_files")
        models = importlib.import_module("tts_nullable_files.models")
        # The model checks the other fields only; text stays text.
        assert set(models.SpeechToTextRequestFields.model_fields) == {
            "model_id",
            "cloud_storage_url",
        }
        with serve(Reply(200, TEXT)) as server:
            client = module.Client(base_url=server.url)
            answer = client.speech_to_text(
                model_id="scribe_v1",
                file=audio,
                cue_file=("cues.srt", b"1\n", "text/plain"),
                takes=[b"a", io.BytesIO(b"b")],
                sample=b"RIFF",
            )
            assert answer.text == "hello"
            # A str is no file (a path, or text?): refused by name, nothing sent.
            with pytest.raises(TypeError, match="file"):
                client.speech_to_text(model_id="scribe_v1", file="call.mp3")
        [request] = server.received
        assert [
            described(p) for p in parts(request.headers["content-type"], request.body)
        ] == [
            ("model_id", None, "text/plain", b"scribe_v1"),
            ("file", "call.mp3", "audio/mpeg", b"ID3" * 100),
            ("cue_file", "cues.srt", "text/plain", b"1\n"),
            ("takes", "takes", "application/octet-stream", b"a"),
            ("takes", "takes", "application/octet-stream", b"b"),
            # Its own contentMediaType when nothing else tells the part's type.
            ("sample", "sample", "audio/wav", b"RIFF"),
        ]
