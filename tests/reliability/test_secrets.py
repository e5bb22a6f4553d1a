"""Secrets stay secret (issue 18), for every package and each of its ways to authenticate
(the four signers, and Huawei's IAM token), sync and async: the secret key, the session
token and the signature a request carried appear in no repr of a client or credentials, no
log record (httpx, httpcore and the package's loggers at DEBUG), no error (its text, its
attributes, the errors chained to it and the httpx request they keep) and no recording.

The signatures are those the server received: whatever a signer computes, the test looks
for the very values that went over the wire.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from generator.ir import AuthScheme
from generator.pipeline import build_api
from tests.reliability.server import Answer, FaultServer
from tests.reliability.support import (
    MODES,
    SPECS,
    Mode,
    Package,
    fast_retries,
    package,
    package_names,
)

CONTRACT = Path(__file__).parents[1] / "contract"
# The signature part of an Authorization value: `Signature=<hex>` (SDK-HMAC-SHA256, ACS3,
# TC3) or `q-signature=<hex>` (COS).
SIGNATURE = re.compile(r"(?:q-)?signature=([0-9a-f]{16,})", re.IGNORECASE)
LOGGERS = ("httpx", "httpcore")
TIMEOUT = 0.25


def schemes() -> list[tuple[str, int]]:
    return [
        (name, index)
        for name in package_names()
        for index in range(len(package(name).api.auth))
    ]


def credentials(pkg: Package, scheme: AuthScheme) -> dict[str, str]:
    """Every credential of `scheme`, optional ones (a session token) included; the secret
    ones random, so that no other text could hold them by chance."""
    values = {
        cred.name: (
            f"secret-{cred.name}-{secrets.token_hex(12)}"
            if cred.secret
            else f"id-{cred.name}"
        )
        for cred in scheme.credentials
    }
    for param in pkg.api.client_parameters:
        if not param.has_default:
            values[param.name] = f"dummy-{param.name}"
    return values


def wire_secrets(scheme: AuthScheme, received: list[Any]) -> tuple[set[str], set[str]]:
    """The secret header values the server received, and the signatures in them."""
    values: set[str] = set()
    signatures: set[str] = set()
    names = {name.lower() for name in scheme.secret_headers}
    for request in received:
        for name, value in request.headers.items():
            if name in names:
                values.add(value)
                signatures.update(SIGNATURE.findall(value))
    return values, signatures


def chained(error: BaseException) -> Iterator[BaseException]:
    """`error` and every error chained to it (causes and contexts)."""
    seen: set[int] = set()
    stack = [error]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        stack.extend(e for e in (current.__cause__, current.__context__) if e)


def error_texts(error: BaseException) -> tuple[list[str], int]:
    """What an error shows: text and attributes of it and of the errors chained to it,
    with the httpx requests they carry (headers raw, not only their masking repr); and
    how many such requests there were."""
    texts: list[str] = []
    requests = 0
    for current in chained(error):
        texts += [str(current), repr(current), repr(vars(current))]
        if isinstance(current, httpx.RequestError):
            request = current.request
            requests += 1
            texts += [
                repr(request),
                str(request.url),
                repr(request.headers),
                repr(request.headers.raw),
                repr(request.content),
            ]
    return texts, requests


def log_texts(records: list[logging.LogRecord]) -> list[str]:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    texts = []
    for record in records:
        texts += [
            record.getMessage(),
            str(record.msg),
            repr(record.args),
            formatter.format(record),
        ]
    return texts


def script(pkg: Package) -> list[Answer]:
    """A submit, a read, then reads that fail: 503 (retried), a reset connection
    (retried), headers that come after the deadline."""
    unavailable = pkg.error(503)
    reset = Answer(reset="before-headers")
    return [
        pkg.answer("submit"),
        pkg.answer("read"),
        *[unavailable] * 3,
        *[reset] * 3,
        pkg.answer("read", header_delay=5),
    ]


def run(pkg: Package, mode: Mode, url: str, options: dict[str, str]) -> dict[str, Any]:
    """The calls of `script`, on one client: its texts and the errors raised."""
    submit, read = pkg.operation("submit"), pkg.operation("read")
    api_error = pkg.errors.APIError
    outcome: dict[str, Any] = {"errors": []}

    def describe(api: Any) -> None:
        core = api._core
        outcome["texts"] = [repr(api), str(api), repr(core), repr(core.auth)]
        outcome["texts"] += [str(core.auth), repr(api._transport)]

    if mode == "sync":
        with pkg.client("sync", url, timeout=TIMEOUT, **options) as api:
            fast_retries(api, pkg)
            describe(api)
            outcome["results"] = [submit(api), read(api)]
            for _ in range(3):
                try:
                    read(api)
                except api_error as error:
                    outcome["errors"].append(error)
        return outcome

    async def scenario() -> None:
        async with pkg.client("async", url, timeout=TIMEOUT, **options) as api:
            fast_retries(api, pkg)
            describe(api)
            outcome["results"] = [await submit(api), await read(api)]
            for _ in range(3):
                try:
                    await read(api)
                except api_error as error:
                    outcome["errors"].append(error)

    asyncio.run(scenario())
    return outcome


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("name", "scheme_index"), schemes(), ids=[f"{n}-{i}" for n, i in schemes()]
)
def test_no_secret_in_reprs_logs_or_errors(
    name: str, scheme_index: int, mode: Mode, caplog: pytest.LogCaptureFixture
) -> None:
    pkg = package(name)
    scheme = pkg.api.auth[scheme_index]
    options = credentials(pkg, scheme)
    caplog.set_level(logging.DEBUG)
    for logger in (*LOGGERS, pkg.name):
        caplog.set_level(logging.DEBUG, logger=logger)
    with FaultServer(script(pkg)) as server:
        outcome = run(pkg, mode, server.url, options)

    # What there is to hide: the secret credentials, and what the server received.
    hidden = {options[c.name] for c in scheme.credentials if c.secret}
    values, signatures = wire_secrets(scheme, server.received)
    assert len(server.received) == 9
    # Signatures (a signer's), or the token sent as it is.
    assert signatures if scheme.signer else values <= hidden
    hidden |= values | signatures

    # The calls were made, logged and failed as scripted: the checks below saw them.
    assert all(result is not None for result in outcome["results"])
    errors = outcome["errors"]
    assert [type(e).__name__ for e in errors] == [
        "InternalServerError",
        "APIConnectionError",
        "APITimeoutError",
    ]
    loggers = {record.name.split(".")[0] for record in caplog.records}
    assert {"httpx", "httpcore", pkg.name} <= loggers, loggers
    assert any("retrying" in r.getMessage() for r in caplog.records)

    texts = list(outcome["texts"]) + log_texts(caplog.records)
    carried = 0
    for error in errors:
        error_text, requests = error_texts(error)
        texts += error_text
        carried += requests
    assert carried >= 1  # the reset's httpx error, with its request, was looked at
    for text in texts:
        for secret in hidden:
            assert secret not in text, (secret, text[:300])


# --- recordings -----------------------------------------------------------------------------

# What a real credential looks like: Tencent SecretIds, Alibaba AccessKey IDs, Alibaba STS
# tokens; and signatures that are not REDACTED.
LEAKS = {
    "a signature": re.compile(r"(?:q-)?signature=(?!REDACTED)[0-9a-f]{16,}", re.I),
    "a Tencent SecretId": re.compile(r"AKID[0-9A-Za-z]{32}"),
    "an Alibaba AccessKey ID": re.compile(r"LTAI[0-9A-Za-z]{12,}"),
    "an Alibaba STS token": re.compile(r"CAIS[0-9A-Za-z+/=]{40,}"),
}


@cache
def spec_secret_headers(api_name: str) -> frozenset[str]:
    """Every header the API's security schemes put a secret in (lower case)."""
    api = build_api(api_name, SPECS)
    return frozenset(
        name.lower() for scheme in api.auth for name in scheme.secret_headers
    )


def leaks(api_name: str, document: dict[str, Any], text: str) -> list[str]:
    """What a cassette of `api_name` shows that it should not: a header of the spec's
    security schemes (or one named like a credential) not REDACTED, or text that looks
    like a credential or a signature."""
    secret_headers = spec_secret_headers(api_name)
    found = [what for what, pattern in LEAKS.items() if pattern.search(text)]
    for number, interaction in enumerate(document.get("interactions") or []):
        for name, values in interaction["request"]["headers"].items():
            lowered = name.lower()
            if (
                lowered in secret_headers
                or lowered == "authorization"
                or "token" in lowered
            ) and values != ["REDACTED"]:
                found.append(f"header {name} of request {number}")
    return found


def cassettes() -> list[Path]:
    return sorted(CONTRACT.glob("*/*.yaml"))


@pytest.mark.parametrize(
    "path", cassettes(), ids=lambda path: f"{path.parent.name}/{path.name}"
)
def test_no_cassette_holds_a_credential_or_a_signature(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert leaks(path.parent.name, yaml.safe_load(text), text) == []


def test_every_api_has_cassettes_and_the_scan_finds_leaks() -> None:
    """The scan covers each API's cassettes, and finds what it looks for."""
    assert {path.parent.name for path in cassettes()} == {
        path.name for path in SPECS.iterdir() if (path / "openapi.yaml").is_file()
    }
    signed = (
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/"
        "mps/tc3_request, SignedHeaders=content-type;host, Signature="
        "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"
    )
    document = {
        "interactions": [
            {"request": {"headers": {"Authorization": [signed]}}},
            {"request": {"headers": {"X-TC-Token": ["t0ken"], "Host": ["h"]}}},
        ]
    }
    text = yaml.safe_dump(document)
    assert leaks("tencent-mps", document, text) == [
        "a signature",
        "a Tencent SecretId",
        "header Authorization of request 0",
        "header X-TC-Token of request 1",
    ]
    clean = {"interactions": [{"request": {"headers": {"X-TC-Token": ["REDACTED"]}}}]}
    assert leaks("tencent-mps", clean, "Signature=REDACTED") == []
