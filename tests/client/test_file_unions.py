"""Multipart fields whose `anyOf`/`oneOf` mixes a file with something else (issue 27,
item 2), as OpenAI writes them: one file or a list of files (`/images/edits`), a file or
a reference object or a URL (`/videos`), a required file or reference, and a body listed
as both JSON and multipart with one schema (`/skills`: JSON cannot carry its files, so the
method sends multipart). Each branch is typed in the signature and sent
as its own kind of part, checked on a loopback server."""

from __future__ import annotations

import asyncio
import email
import email.policy
import importlib
import inspect
import io
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from tests.support.generate import generated_package
from tests.support.server import Reply, serve

SPEC = """\
openapi: 3.1.0
info: {title: File unions, version: "1"}
servers: [{url: "https://api.example.com"}]
paths:
  /images/edits:
    post:
      operationId: EditImage
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [images]
              properties:
                images: {type: array, items: {$ref: "#/components/schemas/ImageRef"}}
          multipart/form-data:
            schema:
              type: object
              required: [image, prompt]
              properties:
                image:
                  description: The image(s) to edit.
                  anyOf:
                    - {type: string, format: binary}
                    - {type: array, maxItems: 4, items: {type: string, format: binary}}
                prompt: {type: string}
            encoding:
              image: {contentType: image/png}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
  /videos:
    post:
      operationId: CreateVideo
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [prompt]
              properties:
                prompt: {type: string}
                input_reference:
                  oneOf:
                    - {type: string, format: binary}
                    - {$ref: "#/components/schemas/ImageRef"}
                    - {type: string, format: uri, maxLength: 100}
                frames:
                  anyOf:
                    - {type: array, items: {type: string, format: binary}}
                    - {type: array, items: {type: string}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
  /videos/edits:
    post:
      operationId: EditVideo
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [video]
              properties:
                video:
                  oneOf:
                    - {type: string, format: binary}
                    - {$ref: "#/components/schemas/VideoRef"}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
  /skills:
    post:
      operationId: CreateSkill
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/SkillBody"}
          multipart/form-data:
            schema: {$ref: "#/components/schemas/SkillBody"}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
components:
  schemas:
    ImageRef:
      type: object
      properties:
        image_url: {type: string}
        file_id: {type: string}
    VideoRef:
      type: object
      required: [id]
      properties:
        id: {type: string}
    SkillBody:
      type: object
      required: [files]
      properties:
        files:
          oneOf:
            - {type: array, items: {type: string, format: binary}}
            - {type: string, format: binary}
"""

OK = Reply(200, {})


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    for _ in generated_package(tmp_path_factory, "file_unions", SPEC):
        yield importlib.import_module("tts_file_unions")


def parts(content_type: str, body: bytes) -> list[tuple[Any, ...]]:
    """(name, filename, content type, bytes) of each part of a multipart body."""
    message = email.message_from_bytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body,
        policy=email.policy.HTTP,
    )
    assert message.is_multipart(), body[:200]
    found = []
    for part in message.iter_parts():
        assert isinstance(part, Message)
        payload = part.get_payload(decode=True)
        found.append(
            (
                part.get_param("name", header="content-disposition"),
                part.get_filename(),
                part.get_content_type(),
                payload,
            )
        )
    return found


def sent(server: Any) -> list[list[tuple[Any, ...]]]:
    return [parts(r.headers["content-type"], r.body) for r in server.received]


def annotation(method: Any, name: str) -> str:
    return str(inspect.signature(method).parameters[name].annotation)


def test_each_union_argument_is_typed_with_its_file_and_its_other_branches(
    pkg: Any,
) -> None:
    client = pkg.Client
    assert annotation(client.edit_image_multipart, "image") == (
        "FileInput | list[FileInput]"
    )
    assert annotation(client.create_video, "input_reference") == (
        "FileInput | ImageRef | str | None"
    )
    assert annotation(client.edit_video, "video") == "FileInput | VideoRef"
    assert annotation(client.create_skill, "files") == ("FileInput | list[FileInput]")
    assert annotation(client.create_video, "frames") == (
        "list[FileInput] | list[str] | None"
    )
    assert annotation(pkg.AsyncClient.create_video, "input_reference") == (
        "FileInput | ImageRef | str | None"
    )
    # The JSON method of the same operation takes no file.
    assert "FileInput" not in annotation(client.edit_image, "images")
    assert not hasattr(client, "create_skill_multipart")


def test_one_file_or_a_list_of_files_goes_as_file_parts(
    pkg: Any, tmp_path: Path
) -> None:
    picture = tmp_path / "cat.jpg"
    picture.write_bytes(b"\xff\xd8jpeg")
    with serve(OK) as server:
        client = pkg.Client(base_url=server.url)
        client.edit_image_multipart(image=b"\x89PNG1", prompt="hat")
        client.edit_image_multipart(
            image=[picture, io.BytesIO(b"\x89PNG2"), ("b.webp", b"RIFF", "image/webp")],
            prompt="hats",
        )
        client.create_skill(files=("skill.zip", b"PK\x03\x04"))
        client.create_skill(files=[b"a", b"b"])
    assert sent(server) == [
        [
            ("prompt", None, "text/plain", b"hat"),
            # Bytes: named after the field, of the spec's encoding type.
            ("image", "image", "image/png", b"\x89PNG1"),
        ],
        [
            ("prompt", None, "text/plain", b"hats"),
            ("image", "cat.jpg", "image/jpeg", b"\xff\xd8jpeg"),
            ("image", "image", "image/png", b"\x89PNG2"),
            ("image", "b.webp", "image/webp", b"RIFF"),
        ],
        [("files", "skill.zip", "application/zip", b"PK\x03\x04")],
        [
            ("files", "files", "application/octet-stream", b"a"),
            ("files", "files", "application/octet-stream", b"b"),
        ],
    ]


def test_a_reference_goes_as_a_json_part_and_a_url_as_a_text_part(pkg: Any) -> None:
    with serve(OK) as server:
        client = pkg.Client(base_url=server.url)
        client.create_video(prompt="a", input_reference=("ref.png", b"\x89PNG"))
        client.create_video(prompt="b", input_reference=pkg.ImageRef(file_id="file-1"))
        client.create_video(prompt="c", input_reference={"image_url": "https://x/y"})
        # A str is the string branch (a URL), not a path to a file.
        client.create_video(prompt="d", input_reference="https://x/z.png")
        client.create_video(prompt="e")
        # A list of files, or a list of the other branch's items.
        client.create_video(prompt="f", frames=[b"f1", ("f2.png", b"f2")])
        client.create_video(prompt="g", frames=["id1", "id2"])
        client.edit_video(video=pkg.VideoRef(id="video_1"))
        client.edit_video(video=b"\x00\x00\x00\x18ftypmp42")
    assert sent(server) == [
        [
            ("prompt", None, "text/plain", b"a"),
            ("input_reference", "ref.png", "image/png", b"\x89PNG"),
        ],
        [
            ("prompt", None, "text/plain", b"b"),
            ("input_reference", None, "application/json", b'{"file_id": "file-1"}'),
        ],
        [
            ("prompt", None, "text/plain", b"c"),
            (
                "input_reference",
                None,
                "application/json",
                b'{"image_url": "https://x/y"}',
            ),
        ],
        [
            ("prompt", None, "text/plain", b"d"),
            ("input_reference", None, "text/plain", b"https://x/z.png"),
        ],
        [("prompt", None, "text/plain", b"e")],
        [
            ("prompt", None, "text/plain", b"f"),
            ("frames", "frames", "application/octet-stream", b"f1"),
            ("frames", "f2.png", "image/png", b"f2"),
        ],
        [
            ("prompt", None, "text/plain", b"g"),
            ("frames", None, "text/plain", b"id1"),
            ("frames", None, "text/plain", b"id2"),
        ],
        [("video", None, "application/json", b'{"id": "video_1"}')],
        [
            (
                "video",
                "video",
                "application/octet-stream",
                b"\x00\x00\x00\x18ftypmp42",
            )
        ],
    ]


def test_the_async_client_splits_a_union_argument_too(pkg: Any) -> None:
    async def scenario(url: str) -> None:
        async with pkg.AsyncClient(base_url=url) as client:
            await client.create_video(prompt="a", input_reference=b"\x89PNG")
            await client.create_video(prompt="b", input_reference="https://x/z.png")

    with serve(OK) as server:
        asyncio.run(scenario(server.url))
    assert sent(server) == [
        [
            ("prompt", None, "text/plain", b"a"),
            (
                "input_reference",
                "input_reference",
                "application/octet-stream",
                b"\x89PNG",
            ),
        ],
        [
            ("prompt", None, "text/plain", b"b"),
            ("input_reference", None, "text/plain", b"https://x/z.png"),
        ],
    ]


def test_a_value_of_no_branch_is_refused_by_name_before_sending(pkg: Any) -> None:
    with serve(OK) as server:
        client = pkg.Client(base_url=server.url)
        with pytest.raises(ValidationError, match="input_reference"):
            client.create_video(prompt="a", input_reference=42)
        with pytest.raises(ValidationError, match="input_reference"):
            client.create_video(prompt="a", input_reference="https://" + "x" * 100)
        # Neither all files nor all strings.
        with pytest.raises(ValidationError, match="frames"):
            client.create_video(prompt="a", frames=[b"f1", "id2"])
        with pytest.raises(ValidationError, match="video"):
            client.edit_video(video={"name": "no id"})
        with pytest.raises(TypeError, match="video is required"):
            client.edit_video(video=None)
        with pytest.raises(TypeError, match=r"video takes \(filename, content\)"):
            client.edit_video(video=("only a name",))
        with pytest.raises(TypeError, match=r"image takes bytes, a pathlib\.Path"):
            client.edit_image_multipart(image=[b"a", "b.png"], prompt="p")
        with pytest.raises(TypeError, match=r"files takes bytes, a pathlib\.Path"):
            client.create_skill(files="skill.zip")
    assert server.received == []
