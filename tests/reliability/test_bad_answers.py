"""Every package against answers that are well-formed but not what the client needs, from
the loopback server (issue 25), sync and async:

- a submit answer without its job id (nothing at the lifecycle's `job-id` pointer, the
  way there without it, the rest of the answer without it, the id empty or null) is
  `APIResponseValidationError` with the status, the gateway's request id and the raw body,
  and nothing is resent; the same answer to the query parses (tolerant), and a wait keeps
  polling on it until the job's state comes;
- a received field that does not parse as declared (an object for text or a number, a
  date in a format of the vendor's own) fails nothing: the field reads None, the value is
  kept as it came in `model_extra` under its wire name, with one WARNING naming the model
  and field (not the value), however often the job is polled;
- a result list whose entries travel in a shape of the vendor's own (Alibaba's `AiResult`
  sentences) with a name missing from an entry (issue 25, item 7): the job still ends,
  its other results read, and what the entry has is kept.

Everything is found from the specs (`support.Package`), not written per vendor.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest

from generator.ir import FieldPath, Model
from tests.reliability.server import Answer, FaultServer
from tests.reliability.support import (
    JOB,
    MODES,
    REQUEST_ID,
    Mode,
    Package,
    ReceivedField,
    call,
    package,
    package_names,
    reset_warnings,
)

# --- a submit answer without its job id --------------------------------------------------------

NoJob = Callable[[Package], bytes | None]


def _up_to_the_job_id(p: Package) -> bytes | None:
    """Every element on the way to the job id, but not it (`{"Response": {}}`,
    `<JobsDetail></JobsDetail>`); None where the id is at the top."""
    parent = p.job_id_pointer.rsplit("/", 1)[0]
    if not parent:
        return None
    return p.wrap(p.document({parent: {}}))


def _all_but_the_job_id(p: Package) -> bytes | None:
    """The submit's answer with every other text field it declares, and no job id."""
    fields = [f for f in p.received_fields("submit") if f.kind == "str"]
    if not fields:
        return None
    # The vendor's request id, where its errors carry one, is the gateway's.
    values = {
        f.pointer: REQUEST_ID if f.pointer == p.api.errors.request_id else "x"
        for f in fields
    }
    return p.wrap(p.document(values))


NO_JOB: dict[str, NoJob] = {
    "nothing": lambda p: p.wrap(p.document({})),
    "up-to-the-job-id": _up_to_the_job_id,
    "all-but-the-job-id": _all_but_the_job_id,
    "empty-job-id": lambda p: p.wrap(p.document({p.job_id_pointer: ""})),
    # XML has no null: an empty element is "empty-job-id" already.
    "null-job-id": lambda p: None if p.xml else p.document({p.job_id_pointer: None}),
}

# Bugs known in the submit's check, by (case, package), each marked strict xfail: none
# today (an empty job id was returned as a success by the JSON packages until it was
# fixed in the runtime's check).
KNOWN: dict[tuple[str, str], str] = {}


def no_job_cases(known: bool) -> list[Any]:
    """Per package, each shape of a submit answer without its job id (those that exist
    for its format, once each); `known`: marked with the bugs known in the submit's
    check."""
    cases = []
    for name in package_names():
        seen: set[bytes] = set()
        for label, make in NO_JOB.items():
            body = make(package(name))
            if body is None or body in seen:
                continue  # the shape does not exist here, or is another label's
            seen.add(body)
            marks = []
            if known and (label, name) in KNOWN:
                marks.append(pytest.mark.xfail(reason=KNOWN[label, name], strict=True))
            cases.append(
                pytest.param(name, label, body, id=f"{name}-{label}", marks=marks)
            )
    return cases


NO_JOB_CASES = no_job_cases(known=False)


def test_every_package_has_answers_without_a_job_id() -> None:
    names = {case.values[0] for case in NO_JOB_CASES}
    assert names == set(package_names())
    assert len(NO_JOB_CASES) >= 2 * len(names)


def answer(p: Package, body: bytes) -> Answer:
    return Answer(200, body, content_type=p.content_type, headers=p.headers())


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("name", "label", "body"), no_job_cases(known=True))
def test_a_submit_answer_without_its_job_id_is_refused(
    name: str, label: str, body: bytes, mode: Mode
) -> None:
    pkg = package(name)
    with FaultServer([answer(pkg, body)]) as server:
        outcome = call(pkg, mode, server.url, "submit")
        assert server.wait_until_idle()
    error = outcome.error
    assert isinstance(error, pkg.errors.APIResponseValidationError), repr(
        outcome.result if error is None else error
    )
    assert error.status_code == 200
    assert error.request_id == REQUEST_ID
    assert error.body == body
    assert len(server.received) == 1, "a submit is not resent"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("name", "label", "body"), NO_JOB_CASES)
def test_the_same_answer_to_the_query_parses_and_a_wait_keeps_polling(
    name: str, label: str, body: bytes, mode: Mode
) -> None:
    pkg = package(name)
    lifecycle = pkg.api.lifecycle
    assert lifecycle is not None
    with FaultServer([answer(pkg, body)]) as server:
        read = call(pkg, mode, server.url, "read")
    assert read.error is None, repr(read.error)
    assert read.result is not None
    script = [answer(pkg, body), answer(pkg, body), pkg.answer("read")]
    with FaultServer(script) as server:
        waited = call(
            pkg,
            mode,
            server.url,
            lambda api: api.wait_for_job(JOB, timeout=10, poll_interval=0.01),
        )
        assert server.wait_until_idle()
    assert waited.error is None, repr(waited.error)
    assert pkg.job_state(waited.result) == lifecycle.succeeded[0]
    assert len(server.received) == 3


# --- received fields that do not parse ---------------------------------------------------------

# What each kind of field is given instead. An object reads the same in JSON and in XML
# (elements where text is declared), so the raw value kept is the same in both.
AN_OBJECT = {"Nested": "v-9f3"}
WRONG: dict[str, tuple[str, Any]] = {
    "str": ("an object for text", AN_OBJECT),
    "int": ("an object for a number", AN_OBJECT),
    "float": ("an object for a number", AN_OBJECT),
    "datetime": ("a date in the vendor's own format", "2022/01/21 06:15:07"),
}


def unparsable_cases() -> list[Any]:
    """Per package, the first field (nearest the top) of each kind its query answer has."""
    cases = []
    for name in package_names():
        kinds: dict[str, ReceivedField] = {}
        for item in package(name).received_fields():
            if item.kind in WRONG:
                kinds.setdefault(item.kind, item)
        for kind, item in kinds.items():
            cases.append(pytest.param(name, item, id=f"{name}-{kind}-{item.wire_name}"))
    return cases


UNPARSABLE = unparsable_cases()


def test_every_package_has_fields_to_break() -> None:
    kinds = {(case.values[0], case.values[1].kind) for case in UNPARSABLE}
    assert {name for name, _ in kinds} == set(package_names())
    # The corpus holds a number and a date too, not only text.
    assert {"int", "datetime"} <= {kind for _, kind in kinds}


def warnings_about(
    caplog: pytest.LogCaptureFixture, pkg: Package, model: str, field: str
) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name == pkg.name
        and record.levelno == logging.WARNING
        and record.getMessage().startswith(f"{model}.{field}: ")
        and "does not parse as declared" in record.getMessage()
    ]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("name", "item"), UNPARSABLE)
def test_a_received_field_that_does_not_parse_fails_nothing(
    name: str,
    item: ReceivedField,
    mode: Mode,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pkg = package(name)
    lifecycle = pkg.api.lifecycle
    assert lifecycle is not None
    reset_warnings(pkg, monkeypatch)
    caplog.set_level(logging.WARNING, logger=pkg.name)
    _, raw = WRONG[item.kind]
    extra = {item.pointer: raw}
    succeeded = pkg.state(lifecycle.succeeded[0], extra=extra)
    running = pkg.state(lifecycle.running[0], extra=extra)

    def body(document: bytes) -> Answer:
        return Answer(200, document, content_type=pkg.content_type)

    with FaultServer([body(succeeded)]) as server:
        read = call(pkg, mode, server.url, "read")
    assert read.error is None, repr(read.error)
    assert pkg.job_state(read.result) == lifecycle.succeeded[0]
    assert pkg.job_id(read.result) == JOB
    holder = item.holder(read.result)
    assert getattr(holder, item.name) is None
    assert holder.model_extra[item.wire_name] == raw
    (warning,) = warnings_about(caplog, pkg, type(holder).__qualname__, item.name)
    # The value stays out of the log (it may be a signed URL).
    for secret in ("v-9f3", "Nested", "2022/01/21"):
        assert secret not in warning.getMessage()

    # Polled again and again: still one warning.
    script = [body(running), body(running), body(succeeded)]
    with FaultServer(script) as server:
        waited = call(
            pkg,
            mode,
            server.url,
            lambda api: api.wait_for_job(JOB, timeout=10, poll_interval=0.01),
        )
    assert waited.error is None, repr(waited.error)
    assert pkg.job_state(waited.result) == lifecycle.succeeded[0]
    assert item.holder(waited.result).model_extra[item.wire_name] == raw
    assert len(warnings_about(caplog, pkg, type(holder).__qualname__, item.name)) == 1


# --- a result entry with a name missing (issue 25, item 7) ------------------------------------

Shape = dict[str, tuple[str, float]]  # field -> (its name on the wire, divisor)


def shaped_results(name: str) -> list[tuple[FieldPath, Model, Shape]]:
    """The lifecycle's results that are JSON lists (inside a string) of a model with wire
    shapes of the vendor's own: (the result, the entries' model, each shape)."""
    pkg = package(name)
    lifecycle = pkg.api.lifecycle
    assert lifecycle is not None
    models = {model.name: model for model in pkg.api.models}
    found = []
    for path in lifecycle.results:
        *way, last = path.fields
        holder = lifecycle.query.response
        assert holder is not None
        for step in way:
            holder = models[step.annotation.removeprefix("list[").rstrip("]")]
        properties = holder.schema.get("properties", {})
        python_type = properties.get(last.wire_name, {}).get("x-python-type", "")
        if "JsonString[list[" not in python_type:
            continue
        entry = models[python_type.split("list[")[1].split("]")[0]]
        found += [(path, entry, dict(shape)) for shape in entry.wire_shapes]
    return found


SHAPED_RESULTS = [
    (name, path, entry, shape)
    for name in package_names()
    for path, entry, shape in shaped_results(name)
]
SHAPED = [
    pytest.param(
        *case, id=f"{case[0]}-{'-'.join(wire for wire, _ in case[3].values())}"
    )
    for case in SHAPED_RESULTS
]


def test_alibabas_ai_result_is_among_the_shaped_results() -> None:
    found = {(name, package(name).pointer(path)) for name, path, _, _ in SHAPED_RESULTS}
    assert found == {("tts_alibaba_ice", "/JobResult/AiResult")}
    shapes = {tuple(wire for wire, _ in shape.values()) for *_, shape in SHAPED_RESULTS}
    assert ("text", "begin_time", "end_time") in shapes


def is_text(model: Model, name: str) -> bool:
    return next(f for f in model.fields if f.name == name).annotation == "str"


def entry_in(entry: Model, shape: Shape, text: str, number: float) -> dict[str, Any]:
    """An entry in `shape`: `text` for text fields, `number` (in the field's own unit,
    sent in the wire's) for numbers."""
    return {
        wire: text if is_text(entry, field) else number * divisor
        for field, (wire, divisor) in shape.items()
    }


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("name", "path", "entry", "shape"), SHAPED)
def test_a_result_entry_without_its_last_name_keeps_the_finished_job(
    name: str, path: FieldPath, entry: Model, shape: Shape, mode: Mode
) -> None:
    """A sentence without its end (`end_time`), before a whole one: the wait ends on the
    finished job, the other results (the media URL) read, and so does what the partial
    sentence has."""
    pkg = package(name)
    lifecycle = pkg.api.lifecycle
    assert lifecycle is not None
    fields = list(shape)
    missing = fields[-1]
    partial = entry_in(entry, shape, "a", 1)
    del partial[shape[missing][0]]
    whole = entry_in(entry, shape, "b", 2)
    others = [other for other in lifecycle.results if other != path]
    extra = {pkg.pointer(other): "https://example.com/a.mp3" for other in others}
    extra[pkg.pointer(path)] = json.dumps([partial, whole])
    finished = pkg.state(lifecycle.succeeded[0], extra=extra)
    script = [
        Answer(200, pkg.running(), content_type=pkg.content_type),
        Answer(200, finished, content_type=pkg.content_type),
    ]
    with FaultServer(script) as server:
        waited = call(
            pkg,
            mode,
            server.url,
            lambda api: api.wait_for_job(JOB, timeout=10, poll_interval=0.01),
        )
    assert waited.error is None, repr(waited.error)
    assert len(server.received) == 2
    result = waited.result
    assert pkg.job_state(result) == lifecycle.succeeded[0]
    assert others, "a finished job's media URL is among the results"
    for other in others:
        assert pkg.pick(result, other) == "https://example.com/a.mp3"
    first, second = pkg.pick(result, path)
    for field in fields:
        kind_text = is_text(entry, field)
        if field == missing:
            assert getattr(first, field) is None
        else:
            assert getattr(first, field) == ("a" if kind_text else 1)
        assert getattr(second, field) == ("b" if kind_text else 2)
