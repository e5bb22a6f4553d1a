"""An operation whose request body may be JSON or a multipart form of its own schema
(issue 27, item 4: "a request with several media types lets the caller choose, and
JSON is the default"): the JSON method stays, and `<method>_multipart` sends the form,
with its files. Before, the form was dropped without a word and the file could not be
sent."""

from __future__ import annotations

import email
import email.policy
import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline
from generator.errors import SpecError
from tests.support.generate import generated_package
from tests.support.server import Reply, serve

SPEC = """\
openapi: 3.1.0
info: {title: Alternatives, version: "1"}
servers: [{url: "https://api.example.com"}]
paths:
  /uploads:
    post:
      operationId: CreateUpload
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [audio_url]
              properties: {audio_url: {type: string, maxLength: 100}}
          multipart/form-data:
            schema:
              type: object
              required: [audio]
              properties:
                audio: {type: string, format: binary}
                language: {type: string, enum: [en, fr]}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
  /speakers:
    post:
      operationId: CreateSpeaker
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Speaker"}
          multipart/form-data:
            schema: {$ref: "#/components/schemas/Speaker"}
      responses:
        "204": {description: done}
components:
  schemas:
    Speaker:
      type: object
      properties: {name: {type: string}}
"""


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    for _ in generated_package(tmp_path_factory, "alternatives", SPEC):
        yield importlib.import_module("tts_alternatives")


def test_the_json_method_stays_the_default(pkg: Any) -> None:
    with serve(Reply(200, {"id": "u1"})) as server:
        result = pkg.Client(base_url=server.url).create_upload(audio_url="https://a/b")
    (received,) = server.received
    assert received.headers["content-type"] == "application/json"
    assert json.loads(received.body) == {"audio_url": "https://a/b"}
    assert result.id == "u1"


def test_the_multipart_method_sends_the_file_and_its_fields(
    pkg: Any, tmp_path: Path
) -> None:
    audio = tmp_path / "take.wav"
    audio.write_bytes(b"RIFF....WAVE")
    with serve(Reply(200, {"id": "u2"})) as server:
        client = pkg.Client(base_url=server.url)
        result = client.create_upload_multipart(audio=audio, language="fr")
    (received,) = server.received
    message = email.message_from_bytes(
        f"Content-Type: {received.headers['content-type']}\r\n\r\n".encode()
        + received.body,
        policy=email.policy.HTTP,
    )
    sent = {
        part.get_param("name", header="content-disposition"): (
            part.get_filename(),
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    }
    assert sent == {"audio": ("take.wav", b"RIFF....WAVE"), "language": (None, b"fr")}
    assert (received.method, received.path) == ("POST", "/uploads")
    assert result.id == "u2"


def test_the_multipart_method_is_strict_before_sending(pkg: Any) -> None:
    with serve(Reply(200, {})) as server:
        client = pkg.Client(base_url=server.url)
        with pytest.raises(Exception, match="language"):
            client.create_upload_multipart(audio=b"x", language="de")
    assert server.received == []


def test_a_form_of_the_same_schema_is_a_content_type_not_a_method(pkg: Any) -> None:
    assert not hasattr(pkg.Client, "create_speaker_multipart")
    with serve(Reply(204)) as server:
        pkg.Client(base_url=server.url).create_speaker(
            name="Ann", content_type="multipart/form-data"
        )
    (received,) = server.received
    assert received.headers["content-type"].startswith("multipart/form-data")


def test_an_alternative_counts_once_and_is_named_apart(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    (specs / "alternatives").mkdir(parents=True)
    (specs / "alternatives" / "openapi.yaml").write_text(SPEC, encoding="utf-8")
    api = pipeline.build_api("alternatives", specs)
    methods = {o.method_name: o.alternative_of for o in api.operations}
    assert methods == {
        "create_upload": "",
        "create_upload_multipart": "create_upload",
        "create_speaker": "",
    }
    report = pipeline.generate("alternatives", specs, tmp_path / "out")
    assert (report.operations, report.operations_skipped) == (2, 0)


def test_an_alternative_the_generator_cannot_express_is_left_out_not_skipped(
    tmp_path: Path,
) -> None:
    # A multipart form that is no object: its method is left out with a warning at its
    # place, and the JSON method (and the operation's count) stays.
    form = SPEC.index(
        "          multipart/form-data:\n            schema:\n              type: object"
    )
    end = SPEC.index("      responses:", form)
    spec = (
        SPEC[:form]
        + "          multipart/form-data:\n            schema: {type: string}\n"
        + SPEC[end:]
    )
    specs = tmp_path / "specs"
    (specs / "alternatives").mkdir(parents=True)
    (specs / "alternatives" / "openapi.yaml").write_text(spec, encoding="utf-8")
    report = pipeline.generate("alternatives", specs, tmp_path / "out")
    assert (report.operations, report.operations_skipped) == (2, 0)
    (warning,) = report.warnings
    assert warning.pointer == (
        "/paths/~1uploads/post/requestBody/content/multipart~1form-data/schema"
    )
    assert warning.message.endswith("the method create_upload_multipart() left out")
    with pytest.raises(SpecError, match="multipart/form-data body needs an object"):
        pipeline.generate("alternatives", specs, tmp_path / "strict", strict=True)


FILES_IN_JSON = """\
openapi: 3.1.0
info: {title: Skills, version: "1"}
servers: [{url: "https://api.example.com"}]
paths:
  /skills:
    post:
      operationId: CreateSkill
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewSkill"}
          multipart/form-data:
            schema: {$ref: "#/components/schemas/NewSkill"}
      responses:
        "204": {description: done}
components:
  schemas:
    NewSkill:
      type: object
      required: [files]
      properties:
        files: {type: array, items: {type: string, format: binary}}
        name: {type: string}
"""


def test_one_schema_with_files_listed_as_json_and_multipart_is_sent_as_multipart(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # JSON cannot carry the files its schema lists: the method itself sends the form,
    # and there is no second method (OpenAI's /skills, /containers/{id}/files).
    for _ in generated_package(tmp_path_factory, "skills", FILES_IN_JSON):
        skills = importlib.import_module("tts_skills")
        assert not hasattr(skills.Client, "create_skill_multipart")
        with serve(Reply(204)) as server:
            skills.Client(base_url=server.url).create_skill(
                files=[b"PK1", ("b.zip", b"PK2")], name="s"
            )
    (received,) = server.received
    message = email.message_from_bytes(
        f"Content-Type: {received.headers['content-type']}\r\n\r\n".encode()
        + received.body,
        policy=email.policy.HTTP,
    )
    assert [
        (
            part.get_param("name", header="content-disposition"),
            part.get_filename(),
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    ] == [("name", None, b"s"), ("files", "files", b"PK1"), ("files", "b.zip", b"PK2")]
