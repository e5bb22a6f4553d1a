"""No httpx exception reaches a user unwrapped: every public method of every package in
`generated/`, sync and async, with its transport raising each kind of httpx error (when
the request is sent, and while the body is read), raises only the package's own errors
(`APIError` subclasses). A bad argument would be a `pydantic.ValidationError`; the
arguments here are valid, and each call is checked to have reached the transport.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pydantic
import pytest

from tests.reliability.support import package, package_names

# Every public method of every package, counted over Client and AsyncClient: a package, or
# an operation, added or lost changes it (update it with the new total).
METHODS = 36

BASE = "https://vendor.example"
_REQUEST = httpx.Request("POST", BASE + "/")


def _status_error() -> httpx.HTTPStatusError:
    return httpx.HTTPStatusError(
        "500", request=_REQUEST, response=httpx.Response(500, request=_REQUEST)
    )


def _error_kinds() -> dict[str, Callable[[], Exception]]:
    """One factory per exception class httpx exports."""
    special: dict[type[Exception], Callable[[], Exception]] = {
        httpx.HTTPStatusError: _status_error,
        httpx.StreamConsumed: httpx.StreamConsumed,
        httpx.StreamClosed: httpx.StreamClosed,
        httpx.ResponseNotRead: httpx.ResponseNotRead,
        httpx.RequestNotRead: httpx.RequestNotRead,
    }
    kinds: dict[str, Callable[[], Exception]] = {}
    for name in httpx.__all__:
        cls = getattr(httpx, name)
        if not (isinstance(cls, type) and issubclass(cls, Exception)):
            continue
        if cls in special:
            kinds[name] = special[cls]
        elif issubclass(cls, httpx.StreamError):
            kinds[name] = lambda cls=cls: cls("stream")  # type: ignore[misc]
        else:
            kinds[name] = lambda cls=cls: cls(f"{cls.__name__} from the transport")  # type: ignore[misc]
    return kinds


KINDS = _error_kinds()


def test_every_kind_httpx_raises_is_tried() -> None:
    assert {
        "InvalidURL",
        "LocalProtocolError",
        "RemoteProtocolError",
        "DecodingError",
        "ReadError",
        "WriteError",
        "PoolTimeout",
        "UnsupportedProtocol",
        "TooManyRedirects",
        "HTTPStatusError",
        "StreamConsumed",
        "CookieConflict",
    } <= KINDS.keys()
    for make in KINDS.values():
        assert isinstance(make(), Exception)


class _FailingStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that breaks after its first bytes."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __iter__(self) -> Iterator[bytes]:
        yield b"{"
        raise self.error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"{"
        raise self.error


class _Transport:
    """Raises `error` when the request is sent, or from the body of a 200."""

    def __init__(self, error: Exception, where: str) -> None:
        self.error, self.where, self.calls = error, where, 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.where == "send":
            raise self.error
        return httpx.Response(
            200,
            headers={"Content-Type": "application/json"},
            stream=_FailingStream(self.error),
        )


def _public_methods(cls: type) -> list[str]:
    return sorted(
        name
        for name, _ in inspect.getmembers(cls, callable)
        if not name.startswith("_") and name != "close"
    )


def _arguments(name: str, method_name: str, method: Any) -> dict[str, Any]:
    """Valid arguments: the README's for the lifecycle's submit; a job id for the rest
    (every other required argument of these APIs is one)."""
    pkg = package(name)
    if method_name == pkg.submit_name:
        return pkg.submit_arguments()
    return {
        p.name: "job-0123456789abcdef"
        for p in inspect.signature(method).parameters.values()
        if p.default is inspect.Parameter.empty and p.name != "self"
    }


def _calls() -> list[tuple[str, str, str]]:
    return [
        (name, mode, method)
        for name in package_names()
        for mode in ("sync", "async")
        for method in _public_methods(
            getattr(
                importlib.import_module(name),
                "Client" if mode == "sync" else "AsyncClient",
            )
        )
    ]


def test_every_public_method_is_held_to_it() -> None:
    calls = _calls()
    assert len(calls) == METHODS, sorted(calls)
    assert {name for name, _, _ in calls} == set(package_names())


def _outcome(
    name: str, mode: str, method_name: str, transport: _Transport
) -> BaseException | None:
    pkg = package(name)
    module = importlib.import_module(name)

    def run_sync() -> None:
        with (
            httpx.Client(transport=httpx.MockTransport(transport)) as http,
            module.Client(
                **pkg.options(), base_url=BASE, http_client=http, max_retries=0
            ) as api,
        ):
            method = getattr(api, method_name)
            result = method(**_arguments(name, method_name, method))
            if inspect.isgenerator(result):
                next(result)

    async def run_async() -> None:
        async with (
            httpx.AsyncClient(transport=httpx.MockTransport(transport)) as http,
            module.AsyncClient(
                **pkg.options(), base_url=BASE, http_client=http, max_retries=0
            ) as api,
        ):
            method = getattr(api, method_name)
            result = method(**_arguments(name, method_name, method))
            if inspect.isasyncgen(result):
                await result.__anext__()
            else:
                await result

    try:
        if mode == "sync":
            run_sync()
        else:
            asyncio.run(run_async())
    except BaseException as error:  # what escapes is what is checked
        return error
    return None


@pytest.mark.parametrize("where", ["send", "body"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_only_the_packages_own_errors_escape(kind: str, where: str) -> None:
    leaks = []
    for name, mode, method in _calls():
        api_error = importlib.import_module(f"{name}.errors").APIError
        transport = _Transport(KINDS[kind](), where)
        error = _outcome(name, mode, method, transport)
        assert transport.calls >= 1, f"{name} {mode} {method} sent nothing"
        if isinstance(error, pydantic.ValidationError):
            leaks.append(f"{name} {mode} {method}: refused its arguments: {error}")
        elif not isinstance(error, api_error):
            leaks.append(
                f"{name} {mode} {method}: {type(error).__module__}.{type(error).__name__}: {error}"
            )
    assert leaks == []
