"""Server-sent events (`text/event-stream`): streaming speech, chat deltas, progress.

The stream is read as the WHATWG HTML standard says (section 9.2, "Server-sent events"):
UTF-8, lines ended by CRLF, LF or CR; `data:` lines joined by "\\n"; `event:`, `id:` and
`retry:`; a line starting with `:` is a comment; a blank line ends an event, and an
event without data is none. An event whose data is `[DONE]` (OpenAI's sentinel) ends
the stream. Each event's data is read as the spec's schema for it (a received model:
tolerant), or kept as its text when the spec gives none.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import TracebackType
from typing import Any, Generic, TypeVar, overload

import httpx
import pydantic
from pydantic import BaseModel, RootModel

from .binary import (
    AsyncStreamedResponse,
    StreamedResponse,
    _essence,
    _positive,
    _Streamed,
    _structured,
    _Whole,
)
from .errors import APIResponseValidationError
from .response import MAX_RESPONSE_BYTES
from .transport import _HTTPX_ERRORS, Core, Reader

ModelT = TypeVar("ModelT", bound=BaseModel)
EventT = TypeVar("EventT")
_R = TypeVar("_R")

_T = TypeVar("_T")

EVENT_STREAM = "text/event-stream"

DONE = "[DONE]"
"""The data of the event that ends a stream (OpenAI's), never handed over."""


class ServerSentEvent:
    """One event as it came: its type (`message` when it names none), data, the last
    event id seen, and the reconnection time it asked for (milliseconds), if any."""

    __slots__ = ("data", "event", "id", "retry")

    def __init__(
        self, data: str, event: str = "message", id: str = "", retry: int | None = None
    ) -> None:
        self.data = data
        self.event = event
        self.id = id
        self.retry = retry

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ServerSentEvent) and (
            (self.data, self.event, self.id, self.retry)
            == (other.data, other.event, other.id, other.retry)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"ServerSentEvent(event={self.event!r}, data={self.data!r}, "
            f"id={self.id!r}, retry={self.retry!r})"
        )


class EventTooLarge(ValueError):
    """One event (or one line) grew past the decoder's limit without ending."""


class EventDecoder:
    """Turns the stream's bytes, fed as they arrive, into events. A stream may run for
    hours, but one event is held whole: past `max_bytes` of text without its end (a
    server that never sends a line break), `EventTooLarge` is raised."""

    def __init__(self, max_bytes: int = MAX_RESPONSE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._held = 0
        # UTF-8 whatever the Content-Type says (the standard); a bad byte is U+FFFD.
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self._started = False
        self._data: list[str] = []
        self._event = ""
        self._last_id = ""
        self._retry: int | None = None

    def feed(self, chunk: bytes, final: bool = False) -> list[ServerSentEvent]:
        text = self._decoder.decode(chunk, final)
        if not self._started and text:
            self._started = True
            text = text.removeprefix("\ufeff")
        buffer = self._pending + text
        events: list[ServerSentEvent] = []
        start = 0
        size = len(buffer)
        while True:
            lf = buffer.find("\n", start)
            cr = buffer.find("\r", start, lf if lf >= 0 else size)
            end = cr if cr >= 0 else lf
            if end < 0:
                break
            if end == cr and cr + 1 == size and not final:
                # The "\r" of a "\r\n" split across chunks: wait for the next one.
                break
            step = 2 if end == cr and buffer.startswith("\n", cr + 1) else 1
            event = self._line(buffer[start:end])
            if event is not None:
                events.append(event)
            start = end + step
        self._pending = buffer[start:]
        if self._held + len(self._pending) > self.max_bytes:
            raise EventTooLarge(f"an event larger than {self.max_bytes:,} characters")
        # An event the stream ends inside, without its blank line, is dropped (WHATWG).
        return events

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        field, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if field == "data":
            self._data.append(value)
            self._held += len(value) + 1
        elif field == "event":
            self._event = value
        elif field == "id" and "\0" not in value:
            self._last_id = value
        elif field == "retry" and value.isascii() and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        data, event, retry = self._data, self._event, self._retry
        self._data, self._event, self._retry, self._held = [], "", None, 0
        if not data:
            return None
        return ServerSentEvent(
            "\n".join(data), event or "message", self._last_id, retry
        )


def _parse(
    model: type[BaseModel] | None,
    event: ServerSentEvent,
    status_code: int,
    request_id: str | None,
) -> Any:
    if model is None:
        return event.data
    try:
        parsed = model.model_validate(json.loads(event.data))
    except (ValueError, pydantic.ValidationError) as error:
        raise APIResponseValidationError(
            f"event {event.event!r}: its data is not the JSON the spec describes: "
            f"{error}",
            status_code=status_code,
            request_id=request_id,
            body=event.data.encode("utf-8"),
        ) from None
    # Data that is a list or a union is read through its root model, handed over plain.
    return parsed.root if isinstance(parsed, RootModel) else parsed


class _EventStream(_Streamed, Generic[EventT]):
    def __init__(
        self,
        response: httpx.Response,
        where: str,
        model: type[BaseModel] | None,
        request_id: str | None,
    ) -> None:
        super().__init__(response, where)
        self._model = model
        self._request_id = request_id
        self._decoder = EventDecoder()
        self._done = False

    def _events(self, chunk: bytes, final: bool) -> list[ServerSentEvent]:
        if self._done:
            return []
        try:
            events = self._decoder.feed(chunk, final)
        except EventTooLarge as error:
            raise APIResponseValidationError(
                f"{self._where}: {error}: not read further",
                status_code=self._response.status_code,
                request_id=self._request_id,
                body=chunk,
            ) from None
        for i, event in enumerate(events):
            if event.data == DONE:
                self._done = True
                return events[:i]
        return events

    def _typed(self, event: ServerSentEvent) -> EventT:
        parsed: EventT = _parse(
            self._model, event, self._response.status_code, self._request_id
        )
        return parsed


class EventStreamResponse(_EventStream[EventT]):
    """A success answered with server-sent events, read as they arrive. Leaving its
    `with` block, whether the events were read to their end or not, closes the
    connection."""

    def iter_sse(self) -> Iterator[ServerSentEvent]:
        """Each event as it came (type, data, id), until the stream or `[DONE]` ends."""
        try:
            for chunk in self._response.iter_bytes():
                yield from self._events(chunk, False)
                if self._done:
                    return
            yield from self._events(b"", True)
        except _HTTPX_ERRORS as error:
            raise self._failed(error) from None

    def iter_events(self) -> Iterator[EventT]:
        """Each event's data, read as the spec's schema says (or its text)."""
        for event in self.iter_sse():
            yield self._typed(event)

    def close(self) -> None:
        self._response.close()

    def __enter__(self) -> EventStreamResponse[EventT]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncEventStreamResponse(_EventStream[EventT]):
    """`EventStreamResponse` for `AsyncClient`."""

    async def aiter_sse(self) -> AsyncIterator[ServerSentEvent]:
        """Each event as it came (type, data, id), until the stream or `[DONE]` ends."""
        try:
            async for chunk in self._response.aiter_bytes():
                for event in self._events(chunk, False):
                    yield event
                if self._done:
                    return
            for event in self._events(b"", True):
                yield event
        except _HTTPX_ERRORS as error:
            raise self._failed(error) from None

    async def aiter_events(self) -> AsyncIterator[EventT]:
        """Each event's data, read as the spec's schema says (or its text)."""
        async for event in self.aiter_sse():
            yield self._typed(event)

    async def close(self) -> None:
        await self._response.aclose()

    async def __aenter__(self) -> AsyncEventStreamResponse[EventT]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


class _OpenEvents(Reader[Any]):
    """Keep a success's response open and hand it over as an event stream."""

    __slots__ = ("is_async", "model")

    def __init__(
        self, model: type[BaseModel] | None, timeout: float | None, is_async: bool
    ) -> None:
        _positive("timeout", timeout)
        super().__init__(timeout, None)
        self.model = model
        self.is_async = is_async

    def opened(self, response: httpx.Response, core: Core) -> Any:
        request = response.request
        where = f"{request.method} {core.base_url}{request.url.path}"
        request_id = core.errors.request_id_of(response.headers, None, None)
        if _structured(_essence(response)):
            # An API that answers with JSON unless the request asks for a stream (a
            # body's `stream: true`): no events would come, and silence would hide it.
            raise APIResponseValidationError(
                f"{where}: answered with {_essence(response)}, not server-sent events "
                "(does the request ask for a stream?)",
                status_code=response.status_code,
                request_id=request_id,
                body=b"",
            )
        kind = AsyncEventStreamResponse if self.is_async else EventStreamResponse
        return kind(response, where, self.model, request_id)

    def read(self, core: Core, response: httpx.Response, body: bytes, cut: bool) -> Any:
        # Only an error's body is read before it is handed over: raised here.
        core.parse(response, None, body, cut)
        raise AssertionError("a success is opened, never read")  # pragma: no cover


@overload
def stream_events(
    model: None = None, *, timeout: float | None = None
) -> Reader[EventStreamResponse[str]]: ...


@overload
def stream_events(  # type: ignore[overload-overlap]
    model: type[RootModel[_R]], *, timeout: float | None = None
) -> Reader[EventStreamResponse[_R]]: ...


@overload
def stream_events(
    model: type[ModelT], *, timeout: float | None = None
) -> Reader[EventStreamResponse[ModelT]]: ...


def stream_events(
    model: type[BaseModel] | None = None, *, timeout: float | None = None
) -> Reader[Any]:
    """Open a success and hand it over as events. `timeout`: the deadline until its
    headers have arrived (the events then take as long as they need)."""
    return _OpenEvents(model, timeout, False)


@overload
def astream_events(
    model: None = None, *, timeout: float | None = None
) -> Reader[AsyncEventStreamResponse[str]]: ...


@overload
def astream_events(  # type: ignore[overload-overlap]
    model: type[RootModel[_R]], *, timeout: float | None = None
) -> Reader[AsyncEventStreamResponse[_R]]: ...


@overload
def astream_events(
    model: type[ModelT], *, timeout: float | None = None
) -> Reader[AsyncEventStreamResponse[ModelT]]: ...


def astream_events(
    model: type[BaseModel] | None = None, *, timeout: float | None = None
) -> Reader[Any]:
    """`stream_events` for `AsyncClient`."""
    return _OpenEvents(model, timeout, True)


class _WholeEvents(_Whole):
    """Every event of a stream read whole, under the call's deadline and body cap."""

    def read(self, core: Core, response: httpx.Response, body: bytes, cut: bool) -> Any:
        if not response.is_success:
            core.parse(response, None, body, cut)
        elif cut:
            super().read(core, response, body, cut)
        request_id = core.errors.request_id_of(response.headers, None, None)
        decoder = EventDecoder()
        events: list[Any] = []
        for event in decoder.feed(body, True):
            if event.data == DONE:
                break
            events.append(_parse(self.model, event, response.status_code, request_id))
        return events


class _OrEvents(Reader[Any]):
    """A reader of bytes or text (`binary`, `text`, `stream`), unless the answer is a
    success in server-sent events (OpenAI's speech with `stream_format="sse"`): then
    its events, typed as `model` says, read whole (`opens` False) or handed over as they
    arrive. The response's own Content-Type decides, never the request."""

    __slots__ = ("events", "inner", "opens")

    def __init__(
        self,
        model: type[BaseModel] | None,
        inner: Reader[Any],
        opens: bool,
        is_async: bool = False,
    ) -> None:
        super().__init__(inner.timeout, inner.max_bytes)
        self.inner = inner
        self.opens = opens
        self.events: Reader[Any] = (
            _OpenEvents(model, None, is_async)
            if opens
            else _WholeEvents(False, model, None, inner.max_bytes)
        )

    def _answered_with_events(self, response: httpx.Response) -> bool:
        return response.is_success and _essence(response) == EVENT_STREAM

    def opened(self, response: httpx.Response, core: Core) -> Any:
        if self.opens and self._answered_with_events(response):
            return self.events.opened(response, core)
        return self.inner.opened(response, core)

    def read(self, core: Core, response: httpx.Response, body: bytes, cut: bool) -> Any:
        if self._answered_with_events(response):
            return self.events.read(core, response, body, cut)
        return self.inner.read(core, response, body, cut)


@overload
def or_events(
    model: type[RootModel[_R]], reader: Reader[_T]
) -> Reader[_T | list[_R]]: ...


@overload
def or_events(model: None, reader: Reader[_T]) -> Reader[_T | list[str]]: ...


@overload
def or_events(model: type[ModelT], reader: Reader[_T]) -> Reader[_T | list[ModelT]]: ...


def or_events(model: type[BaseModel] | None, reader: Reader[Any]) -> Reader[Any]:
    """`reader` (`binary(...)` or `text(...)`), or the list of the events' data when the
    answer is server-sent events."""
    return _OrEvents(model, reader, False)


@overload
def or_event_stream(
    model: type[RootModel[_R]], reader: Reader[_T]
) -> Reader[_T | EventStreamResponse[_R]]: ...


@overload
def or_event_stream(
    model: None, reader: Reader[_T]
) -> Reader[_T | EventStreamResponse[str]]: ...


@overload
def or_event_stream(
    model: type[ModelT], reader: Reader[_T]
) -> Reader[_T | EventStreamResponse[ModelT]]: ...


def or_event_stream(model: type[BaseModel] | None, reader: Reader[Any]) -> Reader[Any]:
    """`reader` (`stream(...)`), or an `EventStreamResponse` when the answer is
    server-sent events."""
    return _OrEvents(model, reader, True)


@overload
def or_async_event_stream(
    model: type[RootModel[_R]], reader: Reader[_T]
) -> Reader[_T | AsyncEventStreamResponse[_R]]: ...


@overload
def or_async_event_stream(
    model: None, reader: Reader[_T]
) -> Reader[_T | AsyncEventStreamResponse[str]]: ...


@overload
def or_async_event_stream(
    model: type[ModelT], reader: Reader[_T]
) -> Reader[_T | AsyncEventStreamResponse[ModelT]]: ...


def or_async_event_stream(
    model: type[BaseModel] | None, reader: Reader[Any]
) -> Reader[Any]:
    """`or_event_stream` for `AsyncClient` (`reader`: `astream(...)`)."""
    return _OrEvents(model, reader, True, is_async=True)


@overload
def read_events(
    model: None = None, *, timeout: float | None = None, max_bytes: int | None = None
) -> Reader[list[str]]: ...


@overload
def read_events(  # type: ignore[overload-overlap]
    model: type[RootModel[_R]],
    *,
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> Reader[list[_R]]: ...


@overload
def read_events(
    model: type[ModelT], *, timeout: float | None = None, max_bytes: int | None = None
) -> Reader[list[ModelT]]: ...


def read_events(
    model: type[BaseModel] | None = None,
    *,
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> Reader[Any]:
    """Read a whole event stream: the list of its events' data, typed."""
    return _WholeEvents(False, model, timeout, max_bytes)


class EventStreamRequest(Generic[EventT]):
    """`with client.with_streaming_response.<method>(...) as response:` for events: sent
    as the block begins (its arguments were checked already), closed as it ends."""

    __slots__ = ("_opened", "_send")

    def __init__(self, send: Callable[[], EventStreamResponse[EventT]]) -> None:
        self._send = send
        self._opened: EventStreamResponse[EventT] | None = None

    def __enter__(self) -> EventStreamResponse[EventT]:
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


class AsyncEventStreamRequest(Generic[EventT]):
    """`async with client.with_streaming_response.<method>(...) as response:`."""

    __slots__ = ("_opened", "_send")

    def __init__(
        self, send: Callable[[], Awaitable[AsyncEventStreamResponse[EventT]]]
    ) -> None:
        self._send = send
        self._opened: AsyncEventStreamResponse[EventT] | None = None

    async def __aenter__(self) -> AsyncEventStreamResponse[EventT]:
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


class StreamOrEventsRequest(Generic[EventT]):
    """`with client.with_streaming_response.<method>(...) as response:` for an answer
    that may be bytes or server-sent events: `response` is a `StreamedResponse`
    (`iter_bytes`) or an `EventStreamResponse` (`iter_events`), as the response's
    Content-Type says. Sent as the block begins, closed as it ends."""

    __slots__ = ("_opened", "_send")

    def __init__(
        self, send: Callable[[], StreamedResponse | EventStreamResponse[EventT]]
    ) -> None:
        self._send = send
        self._opened: StreamedResponse | EventStreamResponse[EventT] | None = None

    def __enter__(self) -> StreamedResponse | EventStreamResponse[EventT]:
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


class AsyncStreamOrEventsRequest(Generic[EventT]):
    """`async with client.with_streaming_response.<method>(...) as response:`, bytes or
    events (`AsyncStreamedResponse` or `AsyncEventStreamResponse`)."""

    __slots__ = ("_opened", "_send")

    def __init__(
        self,
        send: Callable[
            [], Awaitable[AsyncStreamedResponse | AsyncEventStreamResponse[EventT]]
        ],
    ) -> None:
        self._send = send
        self._opened: (
            AsyncStreamedResponse | AsyncEventStreamResponse[EventT] | None
        ) = None

    async def __aenter__(
        self,
    ) -> AsyncStreamedResponse | AsyncEventStreamResponse[EventT]:
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
