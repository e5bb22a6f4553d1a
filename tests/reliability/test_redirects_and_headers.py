"""What a request may carry, and where, for every package:

- redirects are refused whatever the `http_client` (one that follows redirects included):
  a typed error names the `Location`, and nothing, credentials least of all, is sent
  there;
- a header value holding CR or LF is refused before anything is sent, as a ValueError
  naming the argument: every credential, every client argument, every header argument of
  the lifecycle's operations.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.reliability.server import Answer, FaultServer, fault_server
from tests.reliability.support import (
    MODES,
    OPS,
    Mode,
    Op,
    Package,
    package,
    package_names,
)

BROKEN = "ok\r\nX-Injected: 1"


@pytest.mark.parametrize("status", [302, 307, 308])
@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", package_names())
def test_redirects_are_refused_even_by_a_client_that_follows_them(
    name: str, mode: Mode, op: Op, status: int
) -> None:
    pkg = package(name)
    run = pkg.operation(op)
    with fault_server(pkg.answer(op)) as elsewhere:
        target = elsewhere.url + "/v1/jobs"
        redirect = Answer(status, b"moved", headers={"Location": target})
        with FaultServer([redirect]) as server:
            if mode == "sync":
                with (
                    httpx.Client(follow_redirects=True) as http,
                    pkg.client("sync", server.url, http_client=http) as api,
                ):
                    error = _raised(pkg, lambda: run(api))
            else:

                async def scenario() -> Any:
                    async with (
                        httpx.AsyncClient(follow_redirects=True) as http,
                        pkg.client("async", server.url, http_client=http) as api,
                    ):
                        try:
                            await run(api)
                        except pkg.errors.APIError as caught:
                            return caught
                    raise AssertionError("no error raised")

                error = asyncio.run(scenario())
        assert not elsewhere.received, "the redirect was followed"
    assert len(server.received) == 1
    assert isinstance(error, pkg.errors.APIStatusError)
    assert type(error).__name__ == "RedirectError"
    assert error.status_code == status
    assert error.location == target
    assert target in str(error)
    assert error.body == b"moved"


def _raised(pkg: Package, action: Any) -> Any:
    try:
        action()
    except pkg.errors.APIError as caught:
        return caught
    raise AssertionError("no error raised")


def _client_arguments(pkg: Package) -> list[tuple[str, dict[str, Any]]]:
    """(argument, client options with that argument broken): every credential of every
    auth scheme, and every client argument with the first scheme (a signer's, which
    signs them into headers; with a token, Huawei's project id only travels in the path,
    percent-encoded)."""
    required = {
        p.name: f"dummy-{p.name}"
        for p in pkg.api.client_parameters
        if not p.has_default
    }
    cases = []
    for index, scheme in enumerate(pkg.api.auth):
        base = {
            **required,
            **{
                cred.name: f"dummy-{cred.name}"
                for cred in scheme.credentials
                if not cred.optional
            },
        }
        for cred in scheme.credentials:
            cases.append((cred.name, {**base, cred.name: BROKEN}))
        if index == 0:
            for param in pkg.api.client_parameters:
                cases.append((param.name, {**base, param.name: BROKEN}))
    return cases


@pytest.mark.parametrize("name", package_names())
def test_client_arguments_with_line_breaks_are_refused(name: str) -> None:
    pkg = package(name)
    cases = _client_arguments(pkg)
    assert cases
    with FaultServer([pkg.answer("read")]) as server:
        for argument, options in cases:
            for cls in (pkg.module.Client, pkg.module.AsyncClient):
                with pytest.raises(ValueError, match=argument):
                    api = cls(base_url=server.url, **options)
                    # Refused when the client is made, or at the latest before sending.
                    result = pkg.operation("read")(api)
                    if asyncio.iscoroutine(result):
                        asyncio.run(result)
    assert not server.received


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", package_names())
def test_header_arguments_with_line_breaks_are_refused(name: str, mode: Mode) -> None:
    pkg = package(name)
    lifecycle = pkg.api.lifecycle
    assert lifecycle is not None
    operations = [
        (op, parameter.name)
        for op, operation in (("submit", lifecycle.submit), ("read", lifecycle.query))
        for parameter in operation.method_parameters
        if parameter.location == "header"
    ]
    if not operations:
        pytest.skip(f"{name}: its lifecycle's operations take no header argument")
    with FaultServer([pkg.answer("read")]) as server:
        for op, argument in operations:
            method = pkg.submit_name if op == "submit" else pkg.read_name
            arguments: dict[str, Any] = (
                pkg.submit_arguments()
                if op == "submit"
                else {lifecycle.query_parameter.name: "job-1"}
            )
            api = pkg.client(mode, server.url)
            with pytest.raises(ValueError, match=argument):
                result = getattr(api, method)(**arguments, **{argument: BROKEN})
                if asyncio.iscoroutine(result):
                    asyncio.run(result)
    assert not server.received
