"""Clock skew and throttling codes (`x-sdkgen-errors`: `clock-skew-codes`,
`throttling-codes`), for every package, sync and async:

- a request refused for its signed time is signed again once, with the offset of the
  response's `Date`, and every later request of that client is signed with it; a second
  refusal, or one without a usable `Date`, raises the typed error;
- a throttling code is retried like a 429, a submit too, whatever the HTTP status (Tencent
  MPS answers 200).

The fault server here checks what each request was signed with: the time in the signed
header of the package's signer, against a clock of its own that runs ahead of this one.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import email.utils
import importlib
import inspect
import logging
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from generator.errors import SpecError
from generator.ir_build import build
from generator.load import load_openapi
from tests.reliability.server import Answer, FaultServer, Received
from tests.reliability.support import (
    FAULT_MESSAGE,
    JOB,
    MODES,
    OPS,
    REQUEST_ID,
    Mode,
    Op,
    Outcome,
    Package,
    call,
    package,
    package_names,
)

T = TypeVar("T")
AHEAD = 900.0  # the server's clock: 15 minutes ahead of this machine's
WINDOW = 60.0  # the server accepts a signed time within a minute of its clock
# The status each vendor answers its clock-skew code with (the runtime does not depend on
# it: "whatever the status"); see the comments at clock-skew-codes in each spec.
SKEW_STATUS = {
    "tts_alibaba_ice": 400,
    "tts_huawei_metastudio": 401,
    "tts_tencent_ci": 403,
    "tts_tencent_mps": 200,
}
# The error such a refusal raises when no skew is proven: the class of its status, or of
# authentication-codes (Tencent's AuthFailure covers AuthFailure.SignatureExpire).
PLAIN_ERROR = {
    "tts_alibaba_ice": "BadRequestError",
    "tts_huawei_metastudio": "AuthenticationError",
    "tts_tencent_ci": "PermissionDeniedError",
    "tts_tencent_mps": "AuthenticationError",
}
NAMES = package_names()
COMBINATIONS = [(name, mode) for name in NAMES for mode in MODES]


def at_once(scenarios: list[Callable[[], T]]) -> list[T]:
    for name in NAMES:
        package(name)  # imported first, in this thread
    with ThreadPoolExecutor(len(scenarios)) as pool:
        return list(pool.map(lambda scenario: scenario(), scenarios))


# What a request was signed with, read as the vendor's server reads it.


def _iso_time(value: str, layout: str) -> float:
    moment = datetime.datetime.strptime(value, layout)
    return moment.replace(tzinfo=datetime.UTC).timestamp()


def _cos_time(request: Received) -> float:
    # q-sign-time is start;end, the start set back by the signer's lead (its `skew`
    # argument, left at its default by the client) so that a slow clock is let through.
    found = re.search(r"q-sign-time=(\d+);(\d+)", request.headers["authorization"])
    assert found is not None, request.headers["authorization"]
    signer = importlib.import_module("tts_tencent_ci._runtime.cos_sha1").CosSha1Signer
    lead = inspect.signature(signer).parameters["skew"].default
    return int(found.group(1)) + float(lead)


READERS: dict[str, Callable[[Received], float]] = {
    "sdk_hmac_sha256": lambda r: _iso_time(r.headers["x-sdk-date"], "%Y%m%dT%H%M%SZ"),
    "acs3_hmac_sha256": lambda r: _iso_time(
        r.headers["x-acs-date"], "%Y-%m-%dT%H:%M:%SZ"
    ),
    "tc3_hmac_sha256": lambda r: float(r.headers["x-tc-timestamp"]),
    "cos_sha1": _cos_time,
}


def signed_time(pkg: Package, request: Received) -> float:
    signer = pkg.api.auth[0].signer
    assert signer is not None, f"{pkg.name} signs with no clock"
    return READERS[signer.module](request)


def http_date(moment: float) -> str:
    return email.utils.formatdate(moment, usegmt=True)


def skew_code(pkg: Package) -> str:
    codes = pkg.api.errors.clock_skew_codes
    assert codes, f"{pkg.name}'s spec declares no clock-skew-codes"
    return codes[0]


def throttling_code(pkg: Package) -> str:
    codes = pkg.api.errors.throttling_codes
    assert codes, f"{pkg.name}'s spec declares no throttling-codes"
    return codes[0]


def refusal(pkg: Package, date: str | None) -> Answer:
    """The vendor's clock-skew answer, with the server's `Date` (if any)."""
    return pkg.error(
        SKEW_STATUS.get(pkg.name, 401),
        headers={"Date": date} if date is not None else {},
        code=skew_code(pkg),
    )


def ahead_server(pkg: Package, op: Op) -> FaultServer:
    """A server whose clock runs AHEAD of this machine's: it accepts only requests signed
    within WINDOW of it, and refuses the others with the skew code and its `Date`."""

    def script(request: Received) -> Answer:
        now = time.time() + AHEAD
        if abs(signed_time(pkg, request) - now) <= WINDOW:
            return pkg.answer(op, headers={"Date": http_date(now)})
        return refusal(pkg, http_date(now))

    return FaultServer(script)


def twice(pkg: Package, mode: Mode, op: Op, server: FaultServer) -> Any:
    """Two calls on one client: (first result, requests after it, second result)."""
    run = pkg.operation(op)
    if mode == "sync":

        def action(api: Any) -> tuple[Any, int, Any]:
            first = run(api)
            seen = len(server.received)
            return first, seen, run(api)

        return action

    async def async_action(api: Any) -> tuple[Any, int, Any]:
        first = await run(api)
        seen = len(server.received)
        return first, seen, await run(api)

    return async_action


def usable(pkg: Package, op: str, result: Any) -> bool:
    """Whether `result` is the usable answer's: the job id of a submit, the final state
    of a read."""
    lifecycle = pkg.api.lifecycle
    assert lifecycle is not None
    expected = JOB if op == "submit" else lifecycle.succeeded[0]
    return f'"{expected}"' in result.model_dump_json(by_alias=True)


# The clock skew.


def skewed(name: str, mode: Mode, op: Op) -> tuple[str, Outcome, list[Received]]:
    pkg = package(name)
    with ahead_server(pkg, op) as server:
        outcome = call(pkg, mode, server.url, twice(pkg, mode, op, server))
    return f"{name} {mode} {op}", outcome, server.received


def test_a_skewed_clock_costs_one_resend_and_is_remembered_by_the_client() -> None:
    results = at_once(
        [
            lambda n=name, m=mode, o=op: skewed(n, m, o)  # type: ignore[misc]
            for name, mode in COMBINATIONS
            for op in OPS
        ]
    )
    for label, outcome, received in results:
        assert outcome.error is None, (label, outcome.error)
        first, seen, second = outcome.result
        name, _, op = label.split()
        pkg = package(name)
        assert usable(pkg, op, first) and usable(pkg, op, second), label
        # The refused request and its re-signed copy; then the second call, signed with
        # the offset on its first try.
        assert seen == 2 and len(received) == 3, (label, seen, len(received))
        times = [signed_time(pkg, request) for request in received]
        assert abs(times[0] - received_clock(received[0])) <= 5, (label, times)
        for moment, request in zip(times[1:], received[1:], strict=True):
            assert abs(moment - received_clock(request) - AHEAD) <= 5, (label, times)
        # The same request went again (a submit too: the service refused it unread).
        assert received[1].body == received[0].body, label
        assert received[1].path == received[0].path, label


# Many calls in flight when the first refusal comes back.

CONCURRENT: dict[Mode, int] = {
    "async": 20,
    "sync": 8,
}  # async calls at once; threads on one sync client
CALL_ID = re.compile(r"job-skew-\d\d")
LATENCY = 0.3  # seconds before each answer: every call is sent before the first returns


def call_of(request: Received) -> str:
    """Which call sent `request`: the job id it reads (in the path or the body)."""
    found = CALL_ID.search(request.path + request.body.decode())
    assert found is not None, request
    return found.group()


def crowded(
    name: str, mode: Mode, op: Op = "read"
) -> tuple[str, Outcome, list[Received]]:
    """CONCURRENT[mode] calls at once (reads: each of a job of its own) on one fresh
    client, against a server whose clock runs AHEAD and which answers after LATENCY:
    each call's first request is signed with this machine's clock, and most are refused
    after the first refusal has set the client's offset."""
    pkg = package(name)

    def script(request: Received) -> Answer:
        now = time.time() + AHEAD
        if abs(signed_time(pkg, request) - now) <= WINDOW:
            job = call_of(request) if op == "read" else JOB
            return pkg.answer(op, job, header_delay=LATENCY)
        return dataclasses.replace(refusal(pkg, http_date(now)), header_delay=LATENCY)

    reads = [
        pkg.operation(op, f"job-skew-{number:02d}")
        for number in range(CONCURRENT[mode])
    ]
    run: Callable[[Any], Any]
    if mode == "sync":
        start = threading.Barrier(len(reads))

        def action(api: Any) -> list[Any]:
            def one(read: Callable[[Any], Any]) -> Any:
                start.wait()
                try:
                    return read(api)
                except pkg.errors.APIError as error:
                    return error

            with ThreadPoolExecutor(len(reads)) as threads:
                return list(threads.map(one, reads))

        run = action
    else:

        async def async_action(api: Any) -> list[Any]:
            return await asyncio.gather(
                *(read(api) for read in reads), return_exceptions=True
            )

        run = async_action
    with FaultServer(script) as server:
        outcome = call(pkg, mode, server.url, run)
    return f"{name} {mode} {op}", outcome, server.received


def test_calls_in_flight_when_the_skew_is_found_are_each_resent_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Each refusal is judged by the offset its request was signed with, not by the one
    # another call has stored since; the call is then signed again, once.
    assert len(NAMES) == 4, NAMES
    caplog.set_level(logging.WARNING)
    for name, mode in ((name, mode) for name in NAMES for mode in CONCURRENT):
        caplog.clear()
        label, outcome, received = crowded(name, mode)
        # The client's offset is set once, by the first refusal back; the others find
        # it set, and say nothing.
        warnings = [r for r in caplog.records if r.name == name]
        assert len(warnings) == 1, (label, [r.getMessage() for r in warnings])
        pkg = package(name)
        assert outcome.error is None, (label, outcome.error)
        failed = [r for r in outcome.result if isinstance(r, BaseException)]
        assert not failed, (label, f"{len(failed)} of {len(outcome.result)}", failed)
        assert all(usable(pkg, "read", result) for result in outcome.result), label
        per_call: dict[str, list[Received]] = {}
        for request in received:
            per_call.setdefault(call_of(request), []).append(request)
        assert len(per_call) == CONCURRENT[mode], (label, sorted(per_call))
        counts = sorted(len(requests) for requests in per_call.values())
        assert counts[-1] <= 2, (label, counts)
        # Refusals after the first found the offset already corrected (all of them,
        # unless this machine was too slow to send every call within LATENCY).
        assert counts.count(2) >= 2, (label, counts)
        for requests in per_call.values():
            # Refused for this machine's clock; signed with the server's, accepted.
            *refused, accepted = (
                signed_time(pkg, r) - received_clock(r) for r in requests
            )
            assert all(abs(moment) <= 5 for moment in refused), (label, refused)
            assert abs(accepted - AHEAD) <= 5, (label, accepted)


def test_submits_in_flight_when_the_skew_is_found_all_go_through() -> None:
    # The submits cannot be told apart at the server: all succeed, with one accepted
    # request each, and no more requests refused than there are calls.
    for name, mode in ((name, mode) for name in NAMES for mode in CONCURRENT):
        label, outcome, received = crowded(name, mode, "submit")
        pkg = package(name)
        assert outcome.error is None, (label, outcome.error)
        failed = [r for r in outcome.result if isinstance(r, BaseException)]
        assert not failed, (label, f"{len(failed)} of {len(outcome.result)}", failed)
        assert all(usable(pkg, "submit", result) for result in outcome.result), label
        lead = [signed_time(pkg, r) - received_clock(r) for r in received]
        accepted = sum(abs(moment - AHEAD) <= 5 for moment in lead)
        refused = sum(abs(moment) <= 5 for moment in lead)
        assert accepted == CONCURRENT[mode], (label, lead)
        assert 2 <= refused <= CONCURRENT[mode] == len(received) - refused, (
            label,
            lead,
        )


def received_clock(request: Received) -> float:
    """This machine's clock when the server got `request` (Received.at is monotonic)."""
    return time.time() - (time.monotonic() - request.at)


def refused_again(name: str, mode: Mode, second: str) -> tuple[str, Outcome, int]:
    """The server refuses every request for its time; the second answer's `Date` is
    `second`: "same" (as far ahead as the first said) or "further" (15 more minutes)."""
    pkg = package(name)
    answers: list[Answer] = []

    def script(request: Received) -> Answer:
        ahead = AHEAD if not answers or second == "same" else 2 * AHEAD
        answer = refusal(pkg, http_date(time.time() + ahead))
        answers.append(answer)
        return answer

    with FaultServer(script) as server:
        outcome = call(pkg, mode, server.url, "submit")
    return f"{name} {mode}", outcome, len(server.received)


def assert_plain_error(label: str, pkg: Package, error: Any) -> None:
    """The error the refusal stands for, with no skew proven: not ClockSkewError."""
    assert type(error).__name__ == PLAIN_ERROR.get(pkg.name, "AuthenticationError"), (
        label,
        error,
    )
    assert type(error) is getattr(pkg.errors, type(error).__name__), label
    assert_vendor_error(label, pkg, error)


def assert_vendor_error(label: str, pkg: Package, error: Any) -> None:
    """The error carries what the vendor said: status, code, message, request id."""
    assert error.status_code == SKEW_STATUS.get(pkg.name, 401), (label, error)
    assert error.code == skew_code(pkg), (label, error)
    assert error.message.startswith(FAULT_MESSAGE), (label, error.message)
    assert error.request_id == REQUEST_ID, (label, error.request_id)


def test_a_second_refusal_with_the_clocks_in_step_raises_the_vendors_error() -> None:
    # After the re-signing the server's Date and the signed time agree: the refusal has
    # another cause, and is raised as the vendor said it.
    results = at_once(
        [
            lambda n=name, m=mode: refused_again(n, m, "same")  # type: ignore[misc]
            for name, mode in COMBINATIONS
        ]
    )
    for label, outcome, requests in results:
        pkg = package(label.split()[0])
        assert requests == 2, (label, requests)
        assert_plain_error(label, pkg, outcome.error)


def test_clocks_still_apart_after_the_resend_raise_clock_skew_error() -> None:
    results = at_once(
        [
            lambda n=name, m=mode: refused_again(n, m, "further")  # type: ignore[misc]
            for name, mode in COMBINATIONS
        ]
    )
    for label, outcome, requests in results:
        pkg = package(label.split()[0])
        assert requests == 2, (label, requests)
        error = outcome.error
        assert isinstance(error, pkg.errors.ClockSkewError), (label, error)
        assert isinstance(error, pkg.errors.AuthenticationError), label
        assert_vendor_error(label, pkg, error)
        assert abs(error.offset - 2 * AHEAD) <= 5, (label, error.offset)
        shown = re.search(r"server's clock is \+(\d+) s", str(error))
        assert shown is not None and abs(int(shown.group(1)) - 2 * AHEAD) <= 5, label


def refused_once(name: str, mode: Mode, date: str | None) -> tuple[str, Outcome, int]:
    pkg = package(name)
    with FaultServer([refusal(pkg, date), pkg.answer("submit")]) as server:
        outcome = call(pkg, mode, server.url, "submit")
    return f"{name} {mode}", outcome, len(server.received)


@pytest.mark.parametrize(
    "date",
    [None, "not a date", "Mon, 28 Jun 2022 15:23:12"],  # the last: no zone
    ids=["absent", "unreadable", "zoneless"],
)
def test_without_a_usable_date_a_refusal_is_not_resent(date: str | None) -> None:
    results = at_once(
        [
            lambda n=name, m=mode: refused_once(n, m, date)  # type: ignore[misc]
            for name, mode in COMBINATIONS
        ]
    )
    for label, outcome, requests in results:
        pkg = package(label.split()[0])
        assert requests == 1, (label, requests)
        assert_plain_error(label, pkg, outcome.error)


def test_a_skew_code_with_the_clocks_in_step_is_not_resent() -> None:
    # Huawei's gateway answers a wrong key with the same code as a skewed clock: with a
    # Date that agrees with ours, re-signing could not help.
    results = at_once(
        [
            lambda n=name, m=mode: refused_once(  # type: ignore[misc]
                n, m, http_date(time.time())
            )
            for name, mode in COMBINATIONS
        ]
    )
    for label, outcome, requests in results:
        pkg = package(label.split()[0])
        assert requests == 1, (label, requests)
        assert_plain_error(label, pkg, outcome.error)


TOKEN_SCHEMES = [
    (name, scheme.key)
    for name in NAMES
    for scheme in package(name).api.auth
    if scheme.header is not None
]


@pytest.mark.parametrize(("name", "scheme_key"), TOKEN_SCHEMES)
@pytest.mark.parametrize("mode", MODES)
def test_a_token_client_does_not_resend(name: str, scheme_key: str, mode: Mode) -> None:
    # A token holds no time, so a copy of the request would be refused the same way
    # (Huawei's X-Auth-Token: the gateway's APIG.0301 with an old recorded Date).
    pkg = package(name)
    scheme = next(s for s in pkg.api.auth if s.key == scheme_key)
    signing = {
        c.name for s in pkg.api.auth if s.key != scheme_key for c in s.credentials
    }
    options = {k: v for k, v in pkg.options().items() if k not in signing}
    options.update({c.name: f"dummy-{c.name}" for c in scheme.credentials})
    answers = [refusal(pkg, http_date(time.time() + AHEAD)), pkg.answer("read")]
    with FaultServer(answers) as server:
        error = token_read(pkg, mode, server.url, options)
    assert len(server.received) == 1
    assert scheme.header is not None
    assert scheme.header.lower() in server.received[0].headers
    assert_plain_error(name, pkg, error)


def token_read(pkg: Package, mode: Mode, url: str, options: dict[str, Any]) -> Any:
    """The read, on a client given only `options` (the error it raises, or None)."""
    read = pkg.operation("read")
    if mode == "sync":
        with pkg.module.Client(base_url=url, **options) as api:
            try:
                read(api)
            except pkg.errors.APIError as error:
                return error
        return None

    async def scenario() -> Any:
        async with pkg.module.AsyncClient(base_url=url, **options) as api:
            try:
                await read(api)
            except pkg.errors.APIError as error:
                return error
        return None

    return asyncio.run(scenario())


# Throttling codes.


def throttled(
    name: str, mode: Mode, op: Op, times: int, max_retries: int = 2
) -> tuple[str, Outcome, int]:
    """`times` answers of HTTP 200 with the throttling code, then the usable one."""
    pkg = package(name)
    fault = pkg.error(200, code=throttling_code(pkg))
    with FaultServer([fault] * times + [pkg.answer(op)]) as server:
        outcome = call(pkg, mode, server.url, op, max_retries=max_retries)
    return f"{name} {mode} {op}", outcome, len(server.received)


def test_a_throttling_code_on_http_200_is_retried_like_a_429() -> None:
    results = at_once(
        [
            lambda n=name, m=mode, o=op: throttled(n, m, o, 2)  # type: ignore[misc]
            for name, mode in COMBINATIONS
            for op in OPS
        ]
    )
    for label, outcome, requests in results:
        name, _, op = label.split()
        assert outcome.error is None, (label, outcome.error)
        assert usable(package(name), op, outcome.result), label
        assert requests == 3, (label, requests)


def test_throttling_past_max_retries_raises_rate_limit_error() -> None:
    results = at_once(
        [
            lambda n=name, m=mode, o=op: throttled(n, m, o, 5, 1)  # type: ignore[misc]
            for name, mode in COMBINATIONS
            for op in OPS
        ]
    )
    for label, outcome, requests in results:
        pkg = package(label.split()[0])
        assert requests == 2, (label, requests)
        error = outcome.error
        assert isinstance(error, pkg.errors.RateLimitError), (label, error)
        assert error.status_code == 200, label
        assert error.code == throttling_code(pkg), label
        assert error.request_id == REQUEST_ID, label


def test_throttling_codes_cover_the_codes_under_them() -> None:
    # Tencent's RequestLimitExceeded.UinLimitExceeded is throttling too; a code that only
    # starts with the same letters is not.
    pkg = package("tts_tencent_mps")
    assert throttling_code(pkg) == "RequestLimitExceeded"
    counts = {}
    for code in ("RequestLimitExceeded.UinLimitExceeded", "RequestLimitExceededX"):
        fault = pkg.error(200, code=code)
        with FaultServer([fault, pkg.answer("read")]) as server:
            outcome = call(pkg, "sync", server.url, "read")
        counts[code] = (len(server.received), type(outcome.error).__name__)
    assert counts == {
        "RequestLimitExceeded.UinLimitExceeded": (2, "NoneType"),
        "RequestLimitExceededX": (1, "APIStatusError"),
    }


# The spec's declarations.

SPEC = Path(__file__).resolve().parents[2] / "specs" / "tencent-mps" / "openapi.yaml"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "clock-skew-codes: [AuthFailure.SignatureExpire]",
            "clock-skew-codes: AuthFailure.SignatureExpire",
            "/x-sdkgen-errors/clock-skew-codes: expected a list of vendor error codes",
        ),
        (
            "throttling-codes: [RequestLimitExceeded]",
            "throttling-codes: [RequestLimitExceeded, '']",
            "/x-sdkgen-errors/throttling-codes: expected a list of vendor error codes",
        ),
        (
            # Shown in `code` spans of the package README: a backquote would end one.
            "clock-skew-codes: [AuthFailure.SignatureExpire]",
            "clock-skew-codes: ['AuthFailure`SignatureExpire']",
            "/x-sdkgen-errors/clock-skew-codes: expected a list of vendor error codes",
        ),
        (
            "throttling-codes: [RequestLimitExceeded]",
            "throttling-code: [RequestLimitExceeded]",
            "/x-sdkgen-errors/throttling-code: unknown key; known: "
            "authentication-codes, clock-skew-codes, code, message",
        ),
    ],
)
def test_a_malformed_code_list_is_refused_at_its_place(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    text = SPEC.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    spec = tmp_path / "openapi.yaml"
    spec.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        build(load_openapi(spec, "mps.yaml"), "tencent-mps", "mps.yaml", "")
    assert str(caught.value).startswith(f"mps.yaml: {expected}"), str(caught.value)


def test_every_spec_names_its_codes() -> None:
    # Where each comes from is said next to it in the spec.
    declared = {
        name: (
            package(name).api.errors.clock_skew_codes,
            package(name).api.errors.throttling_codes,
        )
        for name in NAMES
    }
    assert declared == {
        "tts_alibaba_ice": (("InvalidTimeStamp.Expired",), ("Throttling",)),
        "tts_huawei_metastudio": (
            ("APIG.0301", "APIGW.0301"),
            ("APIG.0308", "APIGW.0308"),
        ),
        "tts_tencent_ci": (("RequestTimeTooSkewed",), ("SlowDown",)),
        "tts_tencent_mps": (
            ("AuthFailure.SignatureExpire",),
            ("RequestLimitExceeded",),
        ),
    }
