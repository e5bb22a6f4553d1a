"""Bodies that are not JSON: audio and other bytes, text, and streams of either.

A binary or text method returns the whole body (`BinaryResponse`, or `str` decoded by
the response's charset), read under the call's deadline and body cap, both of which
the caller may raise per call (`timeout=`, `max_bytes=`) for long audio. Its streaming
form (`client.with_streaming_response.<method>(...)`) hands over the open response once
its headers have arrived: the body is read as the caller iterates, never held whole,
and closing it (or leaving the `with` block early) closes the connection.

A response that may be JSON or audio is read by its actual Content-Type, never assumed.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import TracebackType
from typing import IO, Any, TypeVar, overload

import httpx
from pydantic import BaseModel

from .errors import APIConnectionError, APIResponseValidationError, APITimeoutError
from .response import MAX_RESPONSE_BYTES
from .transport import _HTTPX_ERRORS, Core, Reader

ModelT = TypeVar("ModelT", bound=BaseModel)
_T = TypeVar("_T")

OCTET_STREAM = "application/octet-stream"
"""The content type of a binary body whose response names none."""


class BinaryResponse:
    """The bytes of a binary answer (audio, a file) and the type the server gave them."""

    __slots__ = ("content", "content_type")

    def __init__(self, content: bytes, content_type: str) -> None:
        self.content = content
        self.content_type = content_type

    def write_to(self, file: str | os.PathLike[str] | IO[bytes]) -> int:
        """Write the bytes to a path or a binary file object; returns how many."""
        return _write(file, iter((self.content,)))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, BinaryResponse)
            and self.content == other.content
            and self.content_type == other.content_type
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        # The bytes themselves would flood a log: their size says enough.
        return (
            f"BinaryResponse(content_type={self.content_type!r}, "
            f"{len(self.content)} bytes)"
        )


def _essence(response: httpx.Response) -> str:
    content_type: str = response.headers.get("content-type", "")
    return content_type.split(";", 1)[0].strip().lower()


def _structured(essence: str) -> bool:
    """A JSON or XML body: an error's, or the model a response may also be."""
    return (
        essence in ("application/json", "application/xml", "text/xml")
        or essence.endswith("+json")
        or essence.endswith("+xml")
    )


def _decode(response: httpx.Response, body: bytes) -> str:
    """Text by the response's charset; UTF-8 when it names none (WebVTT is UTF-8 by
    definition, and so are the transcripts of every vendor seen) or one Python does
    not know. A byte that is not of the charset is kept as U+FFFD: tolerant in."""
    charset: str = response.charset_encoding or "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _positive(name: str, value: float | None, integer: bool = False) -> None:
    """A per-call limit: None (the client's), or a number above 0 (`timeout` may be
    `math.inf`); anything else is refused before anything is sent."""
    if value is None:
        return
    kinds: tuple[type, ...] = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        expected = "an int" if integer else "a number of seconds"
        raise TypeError(f"{name} must be {expected}, not {type(value).__name__}")
    if not value > 0:  # NaN too
        raise ValueError(f"{name} must be above 0, not {value!r}")


class _Whole(Reader[Any]):
    """The whole body: bytes, or text; or `model` when the Content-Type is JSON/XML."""

    __slots__ = ("model", "text")

    def __init__(
        self,
        text: bool,
        model: type[BaseModel] | None,
        timeout: float | None,
        max_bytes: int | None,
    ) -> None:
        _positive("timeout", timeout)
        _positive("max_bytes", max_bytes, integer=True)
        super().__init__(timeout, max_bytes)
        self.text = text
        self.model = model

    def read(self, core: Core, response: httpx.Response, body: bytes, cut: bool) -> Any:
        essence = _essence(response)
        if not response.is_success or _structured(essence):
            # An error (a 2xx with an error code too), or the model this answer may be.
            parsed = core.parse(response, self.model, body, cut)
            if parsed is not None:
                return parsed
        if cut:
            limit = self.max_bytes or MAX_RESPONSE_BYTES
            raise APIResponseValidationError(
                f"HTTP {response.status_code}: the response body is larger than "
                f"{limit:,} bytes; not read further (pass max_bytes= for more, or "
                "stream it: with_streaming_response)",
                status_code=response.status_code,
                request_id=core.errors.request_id_of(response.headers, None, None),
                body=body,
            )
        if self.text:
            return _decode(response, body)
        return BinaryResponse(
            body, response.headers.get("content-type") or OCTET_STREAM
        )


@overload
def binary(
    model: None = None, *, timeout: float | None = None, max_bytes: int | None = None
) -> Reader[BinaryResponse]: ...


@overload
def binary(
    model: type[ModelT], *, timeout: float | None = None, max_bytes: int | None = None
) -> Reader[ModelT | BinaryResponse]: ...


def binary(
    model: type[BaseModel] | None = None,
    *,
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> Reader[Any]:
    """Read a success body as bytes (or as `model`, when its Content-Type is JSON)."""
    return _Whole(False, model, timeout, max_bytes)


@overload
def text(
    model: None = None, *, timeout: float | None = None, max_bytes: int | None = None
) -> Reader[str]: ...


@overload
def text(
    model: type[ModelT], *, timeout: float | None = None, max_bytes: int | None = None
) -> Reader[ModelT | str]: ...


def text(
    model: type[BaseModel] | None = None,
    *,
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> Reader[Any]:
    """Read a success body as text by its charset (or as `model`, when JSON)."""
    return _Whole(True, model, timeout, max_bytes)


def _write(file: str | os.PathLike[str] | IO[bytes], chunks: Iterator[bytes]) -> int:
    written = 0
    if isinstance(file, str | os.PathLike):
        with open(file, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
                written += len(chunk)
        return written
    for chunk in chunks:
        file.write(chunk)
        written += len(chunk)
    return written


class _Streamed:
    """What both stream classes share: the response's status, headers and type."""

    def __init__(self, response: httpx.Response, where: str) -> None:
        self._response = response
        self._where = where

    @property
    def status_code(self) -> int:
        return self._response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self._response.headers

    @property
    def content_type(self) -> str:
        return self._response.headers.get("content-type") or OCTET_STREAM

    def _failed(self, error: Exception) -> APIConnectionError:
        # The httpx error holds the signed request: it is not chained.
        kind = APITimeoutError if isinstance(error, httpx.TimeoutException) else None
        return (kind or APIConnectionError)(
            f"{self._where}: the body broke off after "
            f"{self._response.num_bytes_downloaded:,} bytes: "
            f"{type(error).__name__}: {error}",
            status_code=self._response.status_code,
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code}, "
            f"content_type={self.content_type!r})"
        )


class StreamedResponse(_Streamed):
    """A success whose body is read as it arrives. Close it (or leave its `with` block)
    to end the call: a body not read to its end closes its connection."""

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body's bytes, decompressed, as they arrive."""
        try:
            yield from self._response.iter_bytes(chunk_size)
        except _HTTPX_ERRORS as error:
            raise self._failed(error) from None

    def write_to(self, file: str | os.PathLike[str] | IO[bytes]) -> int:
        """Write the body to a path or a binary file object chunk by chunk, never
        holding it whole; returns how many bytes."""
        return _write(file, self.iter_bytes())

    def read(self) -> bytes:
        return b"".join(self.iter_bytes())

    def close(self) -> None:
        self._response.close()

    def __enter__(self) -> StreamedResponse:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncStreamedResponse(_Streamed):
    """`StreamedResponse` for `AsyncClient`."""

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body's bytes, decompressed, as they arrive."""
        try:
            async for chunk in self._response.aiter_bytes(chunk_size):
                yield chunk
        except _HTTPX_ERRORS as error:
            raise self._failed(error) from None

    async def write_to(self, file: str | os.PathLike[str] | IO[bytes]) -> int:
        """Write the body to a path or a binary file object chunk by chunk, never
        holding it whole; returns how many bytes."""
        written = 0
        out = open(file, "wb") if isinstance(file, str | os.PathLike) else file  # noqa: SIM115
        try:
            async for chunk in self.aiter_bytes():
                out.write(chunk)
                written += len(chunk)
        finally:
            if out is not file:
                out.close()
        return written

    async def read(self) -> bytes:
        return b"".join([chunk async for chunk in self.aiter_bytes()])

    async def close(self) -> None:
        await self._response.aclose()

    async def __aenter__(self) -> AsyncStreamedResponse:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


class _Stream(Reader[_T]):
    """Keep a success's response open and hand it over before its body is read."""

    __slots__ = ("kind",)

    def __init__(self, kind: type[_Streamed], timeout: float | None) -> None:
        _positive("timeout", timeout)
        super().__init__(timeout, None)
        self.kind = kind

    def opened(self, response: httpx.Response, core: Core) -> _T | None:
        request = response.request
        where = f"{request.method} {core.base_url}{request.url.path}"
        opened: Any = self.kind(response, where)
        result: _T = opened
        return result

    def read(self, core: Core, response: httpx.Response, body: bytes, cut: bool) -> _T:
        # Only an error's body is read before it is handed over: raised here.
        core.parse(response, None, body, cut)
        raise AssertionError("a success is opened, never read")  # pragma: no cover


def stream(timeout: float | None = None) -> Reader[StreamedResponse]:
    """Open a success and hand over its response, to read as it arrives. `timeout`: the
    deadline until its headers have arrived (the body takes as long as it needs)."""
    return _Stream(StreamedResponse, timeout)


def astream(timeout: float | None = None) -> Reader[AsyncStreamedResponse]:
    """`stream` for `AsyncClient`."""
    return _Stream(AsyncStreamedResponse, timeout)


class StreamRequest:
    """`with client.with_streaming_response.<method>(...) as response:` sends the call
    as the block begins (its arguments were checked already) and closes it as it ends.
    """

    __slots__ = ("_opened", "_send")

    def __init__(self, send: Callable[[], StreamedResponse]) -> None:
        self._send = send
        self._opened: StreamedResponse | None = None

    def __enter__(self) -> StreamedResponse:
        self._opened = self._send()
        return self._opened

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._opened is not None:
            self._opened.close()


class AsyncStreamRequest:
    """`async with client.with_streaming_response.<method>(...) as response:`."""

    __slots__ = ("_opened", "_send")

    def __init__(self, send: Callable[[], Awaitable[AsyncStreamedResponse]]) -> None:
        self._send = send
        self._opened: AsyncStreamedResponse | None = None

    async def __aenter__(self) -> AsyncStreamedResponse:
        self._opened = await self._send()
        return self._opened

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._opened is not None:
            await self._opened.close()
