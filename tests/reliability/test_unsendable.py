"""Every package against arguments the wire cannot carry, with a server on 127.0.0.1
that must receive nothing (issue 25), sync and async:

- text UTF-8 cannot encode (a lone surrogate, "a\\ud800") in each free-text argument of the
  README's submit (a model's text fields too) and in the job id the query takes: a
  `pydantic.ValidationError` naming the argument (and the field, inside a model);
- for an API whose bodies are XML, the characters XML 1.0 cannot carry (NUL, other C0
  controls, U+FFFE) in the same arguments: the same;
- `wait_for_job` with a timeout or poll interval that is no number of seconds above 0
  (`timeout="5"`, `poll_interval=0`, `poll_interval=True`): a TypeError or ValueError
  naming the argument, before any poll.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pydantic
import pytest

from tests.reliability.server import FaultServer
from tests.reliability.support import (
    JOB,
    MODES,
    Mode,
    Package,
    package,
    package_names,
)

SURROGATE = "a\ud800"
# Not in XML 1.0's Char production: a NUL, C0 controls other than tab, newline and
# carriage return, and the noncharacter U+FFFE.
NOT_XML = ("a\x00b", "a\x0bb", "a\x1fb", "a\ufffeb")


def refused(pkg: Package, mode: Mode, run: Callable[[Any], Any]) -> BaseException:
    """What `run` (a call on a fresh client) raised, with the check that the server
    received nothing."""
    error: BaseException
    with FaultServer([pkg.answer("read")]) as server:
        if mode == "sync":
            with pkg.client("sync", server.url) as api:
                with pytest.raises(Exception) as caught:
                    run(api)
            error = caught.value
        else:

            async def scenario() -> BaseException:
                async with pkg.client("async", server.url) as api:
                    with pytest.raises(Exception) as caught:
                        await run(api)
                    return caught.value

            error = asyncio.run(scenario())
    assert not server.received, "a request was sent"
    return error


def unsendable_cases() -> list[Any]:
    cases = []
    for name in package_names():
        pkg = package(name)
        values = (SURROGATE, *NOT_XML) if pkg.xml else (SURROGATE,)
        for path in pkg.text_arguments():
            for value in values:
                case_id = f"{name}-{'.'.join(path)}-{value.encode('unicode_escape')!r}"
                cases.append(pytest.param(name, path, value, id=case_id))
    return cases


UNSENDABLE = unsendable_cases()


def test_every_package_has_text_to_refuse() -> None:
    assert {case.values[0] for case in UNSENDABLE} == set(package_names())
    # The text to speak is among them: `text` (Huawei, MPS), `input_config` (ICE),
    # `tts_config.input` (CI).
    paths = {(case.values[0], case.values[1]) for case in UNSENDABLE}
    assert {
        ("tts_alibaba_ice", ("input_config",)),
        ("tts_huawei_metastudio", ("text",)),
        ("tts_tencent_ci", ("tts_config", "input")),
        ("tts_tencent_mps", ("text",)),
    } <= paths


def assert_names(error: BaseException, path: tuple[str, ...]) -> None:
    assert isinstance(error, pydantic.ValidationError), repr(error)
    assert isinstance(error, ValueError)
    (detail,) = error.errors()
    location = tuple(str(part) for part in detail["loc"])
    # Tencent CI's flattened `Operation` body field comes before its arguments
    # (`operation.tts_config.input`), as tests/client/test_tencent_ci.py records.
    assert location[-len(path) :] == path, location
    assert ".".join(path) in str(error)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("name", "path", "value"), UNSENDABLE)
def test_text_the_wire_cannot_carry_is_refused_naming_the_argument(
    name: str, path: tuple[str, ...], value: str, mode: Mode
) -> None:
    pkg = package(name)
    arguments = pkg.submit_with(path, value)
    error = refused(pkg, mode, lambda api: getattr(api, pkg.submit_name)(**arguments))
    assert_names(error, path)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", package_names())
def test_a_job_id_the_wire_cannot_carry_is_refused_naming_the_argument(
    name: str, mode: Mode
) -> None:
    pkg = package(name)
    lifecycle = pkg.api.lifecycle
    assert lifecycle is not None
    error = refused(pkg, mode, pkg.operation("read", job_id=SURROGATE))
    assert_names(error, (lifecycle.query_parameter.name,))


# The arguments of issue 25's report, and a boolean (an int to Python) for an interval.
BAD_WAITS: list[tuple[str, Any, type[Exception]]] = [
    ("timeout", "5", TypeError),
    ("poll_interval", 0, ValueError),
    ("poll_interval", True, TypeError),
]


@pytest.mark.parametrize(
    ("argument", "value", "kind"),
    BAD_WAITS,
    ids=[f"{argument}={value!r}" for argument, value, _ in BAD_WAITS],
)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", package_names())
def test_a_wait_that_cannot_be_timed_is_refused_before_any_poll(
    name: str, mode: Mode, argument: str, value: Any, kind: type[Exception]
) -> None:
    pkg = package(name)
    error = refused(pkg, mode, lambda api: api.wait_for_job(JOB, **{argument: value}))
    assert type(error) is kind, repr(error)
    assert argument in str(error)
