"""Request bodies beyond JSON: multipart/form-data, application/x-www-form-urlencoded
and the raw bytes of a file, streamed from files as they are sent."""

from __future__ import annotations

import io
import json
import mimetypes
import os
import secrets
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import IO, TypeAlias

from pydantic import BaseModel

from .request import Stream, _quote, _text, dump_arguments, json_body

FileContent: TypeAlias = bytes | IO[bytes] | os.PathLike[str]
"""A file's content: its bytes, a binary file object (read from where it stands), or
the path of a file (opened as it is sent). A `str` is refused: a path, or text?"""
FileInput: TypeAlias = (
    FileContent | tuple[str, FileContent] | tuple[str, FileContent, str]
)
"""A file to upload, or `(filename, content)`, or `(filename, content, content_type)`.
Without a tuple, the filename is the path's or the file object's name (the field's name
for bytes), and the content type is guessed from the filename's extension, then the
spec's, then `application/octet-stream`."""

CHUNK = 64 * 1024
MULTIPART = "multipart/form-data"
FORM = "application/x-www-form-urlencoded"


class _File:
    """One file's content, read in chunks as it is sent."""

    def __init__(self, argument: str, content: object) -> None:
        self.argument = argument
        self.path: Path | None = None
        self.data: bytes | None = None
        self.file: IO[bytes] | None = None
        self.start: int | None = None
        self.length: int | None = None
        self._read = False
        if isinstance(content, bytes | bytearray | memoryview):
            self.data = bytes(content)
            self.length = len(self.data)
        elif isinstance(content, os.PathLike):
            self.path = Path(content)
            if not self.path.is_file():
                raise ValueError(f"{argument}: {str(self.path)!r} is no file")
            self.length = self.path.stat().st_size
        elif hasattr(content, "read") and not isinstance(content, io.TextIOBase):
            self.file = content  # type: ignore[assignment]
            self._measure()
        else:
            raise TypeError(
                f"{argument} takes bytes, a pathlib.Path or a binary file object, "
                f"not {type(content).__name__}"
            )

    def _measure(self) -> None:
        file = self.file
        assert file is not None
        try:
            if not file.seekable():
                return
            self.start = file.tell()
            end = file.seek(0, io.SEEK_END)
            file.seek(self.start)
        except (AttributeError, OSError, ValueError):
            self.start = None
            return
        self.length = end - self.start

    def rereadable(self) -> bool:
        """Whether its bytes can be read twice: hashed, then sent."""
        return self.file is None or self.start is not None

    def name(self) -> str | None:
        if self.path is not None:
            return self.path.name
        name = getattr(self.file, "name", None)
        return os.path.basename(name) if isinstance(name, str) and name else None

    def chunks(self) -> Iterator[bytes]:
        if self.data is not None:
            yield self.data
            return
        if self.path is not None:
            with self.path.open("rb") as file:
                yield from _read(file)
            return
        assert self.file is not None
        if self._read:
            # Read once already (hashed for a signer, or sent on a connection that
            # could not be opened): from its start again, where the file can seek.
            if self.start is None:
                raise ValueError("the file object was read already and cannot seek")
            self.file.seek(self.start)
        self._read = True
        yield from _read(self.file)


def _read(file: IO[bytes]) -> Iterator[bytes]:
    while True:
        chunk = file.read(CHUNK)
        if not chunk:
            return
        yield chunk


class Upload(Stream):
    """A body of literal bytes and files, in order."""

    def __init__(self, pieces: Sequence[bytes | _File]) -> None:
        self.pieces = list(pieces)
        sizes = [len(p) if isinstance(p, bytes) else p.length for p in self.pieces]
        self.length = None if None in sizes else sum(s or 0 for s in sizes)

    def chunks(self) -> Iterator[bytes]:
        for piece in self.pieces:
            if isinstance(piece, bytes):
                yield piece
            else:
                yield from piece.chunks()

    def read_ahead(self) -> Iterator[bytes]:
        # Not a generator: a file that cannot be read twice is refused now, before
        # anything of it is read, not when the hash is half done.
        for piece in self.pieces:
            if isinstance(piece, _File) and not piece.rereadable():
                raise ValueError(
                    f"{piece.argument}: the request is signed with a hash of its body, "
                    "so the file is read twice (hashed, then sent), and this file object "
                    "cannot seek back; pass a pathlib.Path, a seekable file or the bytes"
                )
        return self.chunks()

    async def achunks(self) -> AsyncIterator[bytes]:
        # Files on a local disk: each read is short, and is done in the event loop.
        for chunk in self.chunks():
            yield chunk


def _file(
    argument: str, value: object, default_name: str, default_type: str | None
) -> tuple[_File, str, str]:
    """The file of an argument, its filename and its content type."""
    filename: str | None = None
    content_type: str | None = None
    if isinstance(value, tuple):
        if len(value) not in (2, 3) or not all(isinstance(v, str) for v in value[::2]):
            raise TypeError(
                f"{argument} takes (filename, content) or "
                "(filename, content, content_type)"
            )
        filename = value[0]
        content_type = value[2] if len(value) == 3 else None
        value = value[1]
    file = _File(argument, value)
    filename = filename or file.name() or default_name
    return file, filename, content_type or _guess(filename, default_type)


def _is_content(value: object) -> bool:
    return isinstance(value, bytes | bytearray | memoryview | os.PathLike) or (
        hasattr(value, "read") and not isinstance(value, io.TextIOBase)
    )


def _is_file_input(value: object) -> bool:
    # Any tuple: no other branch of a JSON schema is one, and a malformed
    # `(filename, content)` is then refused as a file, saying what a file takes.
    return isinstance(value, tuple) or _is_content(value)


def split_file(
    argument: str, value: object, required: bool, many: bool
) -> tuple[object, object]:
    """An argument that is a file (or a list of files, where `many`) or something else
    (a reference, a URL), split: `(the file, None)` or `(None, the something else)`,
    which the body's model then checks. A `str` is the something else, never a path."""
    if value is None:
        if required:
            raise TypeError(f"{argument} is required")
        return None, None
    if _is_file_input(value):
        return value, None
    if (
        many
        and isinstance(value, list)
        and value
        and all(_is_file_input(item) for item in value)
    ):
        return value, None
    return None, value


def _guess(filename: str, default_type: str | None) -> str:
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    return guessed or default_type or "application/octet-stream"


def file_body(argument: str, value: object, media_type: str) -> bytes | Upload:
    """The raw body of one file (application/octet-stream, audio/wav): bytes as they
    are (sent again on a retry, as any body in memory), a file streamed (never)."""
    if isinstance(value, tuple):
        raise TypeError(f"{argument} takes bytes, a pathlib.Path or a binary file")
    file = _File(argument, value)
    return file.data if file.data is not None else Upload([file])


def _disposition(text: str) -> str:
    # As browsers write a field's name and filename (WHATWG HTML, "multipart/form-data
    # encoding algorithm"): a quote and line breaks escaped, the rest UTF-8 as it is.
    return text.replace("\r", "%0D").replace("\n", "%0A").replace('"', "%22")


def _part_value(value: object) -> tuple[bytes, str | None]:
    """A field's part: text for a scalar, JSON (with its content type) for an object."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).encode(), "application/json"
    if value is None:
        return b"null", "application/json"
    return _text(value).encode(), None


def multipart_body(
    model: BaseModel | None,
    files: Sequence[tuple[str, str, object, str | None, bool]],
) -> tuple[Upload, str]:
    """A multipart/form-data body and its Content-Type: each field of `model` a part
    (a list repeats the part), then each file given, `(argument, wire name, value,
    default content type, required)` (a list repeats it too)."""
    boundary = "sdkgen-" + secrets.token_hex(16)
    dash = f"--{boundary}\r\n".encode()
    pieces: list[bytes | _File] = []
    fields = dump_arguments(model) if model is not None else {}
    for wire_name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            data, content_type = _part_value(item)
            head = (
                f'Content-Disposition: form-data; name="{_disposition(wire_name)}"\r\n'
            )
            if content_type:
                head += f"Content-Type: {content_type}\r\n"
            pieces += [dash, (head + "\r\n").encode(), data, b"\r\n"]
    for argument, wire_name, value, default_type, required in files:
        if value is None:
            if required:
                raise TypeError(f"{argument} is required")
            continue
        many = value if isinstance(value, list) else [value]
        for item in many:
            file, filename, content_type = _file(
                argument, item, wire_name, default_type
            )
            head = (
                f'Content-Disposition: form-data; name="{_disposition(wire_name)}"; '
                f'filename="{_disposition(filename)}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            )
            if not content_type.isascii() or "\n" in content_type:
                raise ValueError(f"{argument}: the content type must be one ASCII line")
            pieces += [dash, head.encode(), file, b"\r\n"]
    pieces.append(f"--{boundary}--\r\n".encode())
    return Upload(pieces), f"{MULTIPART}; boundary={boundary}"


def form_body(model: BaseModel | None) -> bytes:
    """An application/x-www-form-urlencoded body: `name=value` pairs, percent-encoded
    UTF-8 (a space is `%20`); a list repeats its name, an object is sent as JSON text."""
    fields = dump_arguments(model) if model is not None else {}
    pairs = []
    for wire_name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            text = (
                json.dumps(item, ensure_ascii=False, separators=(",", ":"))
                if isinstance(item, dict | list) or item is None
                else _text(item)
            )
            pairs.append(f"{_quote(wire_name)}={_quote(text)}")
    return "&".join(pairs).encode()


def encode_body(
    model: BaseModel | None,
    media_type: str,
    files: Sequence[tuple[str, str, object, str | None, bool]] = (),
) -> tuple[bytes | Stream, str]:
    """The body of `model` (and `files`) as `media_type` asks, and its Content-Type."""
    essence = media_type.split(";", 1)[0].strip().lower()
    if essence == MULTIPART:
        return multipart_body(model, files)
    if essence == FORM:
        return form_body(model), media_type
    if model is None:
        raise ValueError(f"a {media_type} body needs its fields")
    return json_body(model), media_type
