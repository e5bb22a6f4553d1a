"""Tolerant in, for every JSON package in generated/: what a vendor documents, recorded
and then changed the ways vendors change answers, still parses, and `wait_for_job` still
ends on the lifecycle's states.

The documented answers are the specs' response `example`s and the 2xx JSON bodies of the
contract cassettes (tests/contract/<api>/). Each is mutated (fields dropped, added, nulled,
given another type, a new enum value, an odd date, a number as text, an object for a
scalar; inside JSON strings too) and
- parsed by its operation's response model: it must parse, whatever was changed, except
  the submit's job id, which is left alone here (without it an answer is unusable: see
  test_alibaba_ice.py's `test_a_submit_answer_without_a_usable_job_id_is_refused`);
- for the lifecycle's query, answered to a real `wait_for_job` (an httpx.MockTransport as
  its http_client): first the mutation, then the documented final answer. The wait must
  return the final answer or raise JobFailedError, nothing else.

A fixed seed and a few examples per package in `make test`; `pytest -m slow` runs many.
Each run prints, per package, how many mutations it tried and how many broke a call.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import naming
from generator.ir import Api, Operation
from generator.pipeline import build_api

ROOT = Path(__file__).resolve().parents[2]
SPECS, GENERATED, CASSETTES = (
    ROOT / "specs",
    ROOT / "generated",
    ROOT / "tests" / "contract",
)


def json_packages() -> list[str]:
    """The spec folders whose packages in generated/ receive JSON models."""
    keys = []
    for spec in sorted(SPECS.glob("*/openapi.yaml")):
        models = GENERATED / naming.package_name(spec.parent.name) / "models.py"
        source = models.read_text() if models.is_file() else ""
        if "(Received):" in source or "(WireShapes):" in source:
            keys.append(spec.parent.name)
    return keys


PACKAGES = json_packages()


def test_there_are_json_packages_to_mutate() -> None:
    assert len(PACKAGES) >= 3, PACKAGES


# --- the documented answers ------------------------------------------------------------------


@dataclass
class Package:
    key: str
    api: Api
    module: Any
    # (operation, documented body), from the spec's examples and the cassettes.
    answers: list[tuple[Operation, dict[str, Any]]]
    tried: int = 0
    broken: list[str] = field(default_factory=list)


def _spec_examples(key: str, api: Api) -> Iterator[tuple[Operation, dict[str, Any]]]:
    document = yaml.safe_load((SPECS / key / "openapi.yaml").read_text())
    by_id = {op.operation_id: op for op in api.operations}
    for item in document.get("paths", {}).values():
        for spec in item.values():
            if not isinstance(spec, dict) or spec.get("operationId") not in by_id:
                continue
            for status, response in spec.get("responses", {}).items():
                media = response.get("content", {}).get("application/json", {})
                if not str(status).startswith("2"):
                    continue
                examples = [media["example"]] if "example" in media else []
                examples += [e.get("value") for e in media.get("examples", {}).values()]
                for example in examples:
                    if isinstance(example, dict):
                        yield by_id[spec["operationId"]], example


def _recorded(key: str, api: Api) -> Iterator[tuple[Operation, dict[str, Any]]]:
    for cassette in sorted((CASSETTES / key).glob("*.yaml")):
        for interaction in yaml.safe_load(cassette.read_text())["interactions"]:
            request, response = interaction["request"], interaction["response"]
            if not 200 <= response["status"]["code"] < 300:
                continue
            try:
                body = json.loads(response["body"]["string"])
            except ValueError:
                continue
            op = _operation(api, request)
            if op is not None and isinstance(body, dict):
                yield op, body


def _operation(api: Api, request: dict[str, Any]) -> Operation | None:
    """The operation a recorded request called: its RPC action, or its method and path."""
    values = {v for vs in request["headers"].values() for v in vs}
    url = httpx.URL(request["uri"])
    values |= {v for _, v in url.params.multi_items()}
    for op in api.operations:
        if op.action is not None:
            if op.action in values:
                return op
            continue
        pattern = re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(op.path)) + "$"
        if op.http_method == request["method"] and re.search(pattern, url.path):
            return op
    return None


def package(key: str) -> Package:
    api = build_api(key, SPECS)
    module = importlib.import_module(api.package)
    answers = [
        (op, body)
        for op, body in [*_spec_examples(key, api), *_recorded(key, api)]
        if not _is_error(api, body)
    ]
    return Package(key, api, module, answers)


def _is_error(api: Api, body: dict[str, Any]) -> bool:
    """A 200 that carries an error (Huawei's, Tencent's): raised, not parsed."""
    node: Any = body
    if api.errors.code is None:  # no x-sdkgen-errors: only an error status is an error
        return False
    for step in _pointer(api.errors.code):
        node = node.get(step) if isinstance(node, dict) else None
    return node not in (None, "")


# --- mutations --------------------------------------------------------------------------------

Path_ = tuple[Any, ...]
ODD_TIMES = ["2022/01/21 06:15:07", "", "yesterday", "21-01-2022", "2022-01-21T06:15"]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.sampled_from(ODD_TIMES),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["a", "id", "value", "新"]), inner, max_size=3),
    ),
    max_leaves=6,
)
# Keys a vendor might add; none is an error pointer's (a body with a `Code` is an error).
NEW_KEYS = st.sampled_from(["NewField", "extra", "Details", "x_2", "名字"])


def _places(node: Any, at: Path_ = ()) -> Iterator[Path_]:
    """Every place in a document, JSON strings' documents included (a `str` step)."""
    yield at
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _places(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _places(value, (*at, index))
    elif isinstance(node, str) and node[:1] in "[{":
        try:
            inner = json.loads(node)
        except ValueError:
            return
        yield from _places(inner, (*at, json))


def _change(node: Any, at: Path_, change: Callable[[Any, Any], Any]) -> Any:
    """`node` with `change(parent, key)` applied where `at` leads (the new parent)."""
    if not at:
        return change(None, None)
    step, rest = at[0], at[1:]
    if step is json:
        return json.dumps(_change(json.loads(node), rest, change))
    if not rest:
        return change(node, step)
    copied = copy.copy(node)
    copied[step] = _change(node[step], rest, change)
    return copied


@st.composite
def mutated(draw: Any, body: dict[str, Any], keep: Path_ | None) -> dict[str, Any]:
    """`body` with one to four changes, none on the way to `keep` (the job id)."""
    for _ in range(draw(st.integers(1, 4))):
        places = [
            p
            for p in _places(body)
            if p and p[-1] is not json and (keep is None or p != keep[: len(p)])
        ]
        if not places:
            break
        at = draw(st.sampled_from(places))
        kind = draw(
            st.sampled_from(
                ["drop", "null", "type", "add", "enum", "time", "text", "wrap"]
            )
        )

        def change(parent: Any, key: Any, kind: str = kind) -> Any:
            value = parent[key]
            out = copy.copy(parent)
            if kind == "drop" and isinstance(out, dict):
                del out[key]
            elif kind == "null":
                out[key] = None
            elif kind == "type":
                out[key] = draw(VALUES)
            elif kind == "add" and isinstance(value, dict):
                out[key] = {**value, draw(NEW_KEYS): draw(VALUES)}
            elif kind == "enum" and isinstance(value, str):
                out[key] = draw(st.sampled_from(["ARCHIVED", "Paused", "新状态", ""]))
            elif kind == "time":
                out[key] = draw(st.sampled_from(ODD_TIMES))
            elif kind == "text" and isinstance(value, int | float):
                out[key] = str(value)
            elif kind == "wrap":
                out[key] = {"value": value}
            else:
                out[key] = draw(VALUES)
            return out

        body = _change(body, at, change)
    return body


# --- running them -------------------------------------------------------------------------------


def _pointer(text: str) -> Path_:
    return tuple(
        int(p) if p.isdigit() else p.replace("~1", "/").replace("~0", "~")
        for p in text.split("/")[1:]
    )


def _job_id_path(pkg: Package) -> Path_ | None:
    lifecycle = pkg.api.lifecycle
    if lifecycle is None:
        return None
    # The job id pointer starts inside an RPC answer's envelope; the answer holds it.
    envelope = lifecycle.submit.envelope
    path: list[Any] = [f.wire_name for f in envelope.fields] if envelope else []
    for position, item in enumerate(lifecycle.job_id_field.fields):
        path.append(item.wire_name)
        index = lifecycle.job_id_field.index(position)
        if index is not None:
            path.append(index)
    return tuple(path)


def _credentials(api: Api) -> dict[str, str]:
    scheme = api.auth[0]
    out = {c.name: f"test-{c.name}" for c in scheme.credentials if not c.optional}
    if scheme.signer is not None:
        out |= {name: f"test-{name}" for name in scheme.signer.client_parameters}
    out |= {
        p.name: f"test-{p.name}"
        for p in api.client_parameters
        if not p.has_default and p.env is not None
    }
    return out


def _is_final(pkg: Package, body: dict[str, Any]) -> bool:
    lifecycle = pkg.api.lifecycle
    assert lifecycle is not None
    state: Any = body
    envelope = lifecycle.query.envelope
    steps = (envelope.fields if envelope else ()) + lifecycle.state_field.fields
    for step in _pointer("/" + "/".join(f.wire_name for f in steps)):
        state = state.get(step) if isinstance(state, dict) else None
    return state in lifecycle.succeeded


def _wait(pkg: Package, first: dict[str, Any], final: dict[str, Any]) -> None:
    """A wait answered `first`, then `final`: it ends on a lifecycle state, or breaks."""
    errors = importlib.import_module(f"{pkg.api.package}._runtime.errors")
    answers = iter([first])

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=next(answers, final))

    with httpx.Client(transport=httpx.MockTransport(answer)) as http:
        client = pkg.module.Client(
            **_credentials(pkg.api), base_url="https://vendor.test", http_client=http
        )
        # A failed state, or a failure code, is the lifecycle's own ending.
        with contextlib.suppress(errors.JobFailedError):
            client.wait_for_job("job-1", timeout=5, poll_interval=0.001)


def run(key: str, examples: int) -> None:
    pkg = package(key)
    assert pkg.answers, f"{key}: no documented answers found"
    lifecycle = pkg.api.lifecycle
    job_id = _job_id_path(pkg)
    finals = [
        body
        for op, body in pkg.answers
        if lifecycle is not None and op is lifecycle.query and _is_final(pkg, body)
    ]

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def check(data: Any) -> None:
        op, body = data.draw(st.sampled_from(pkg.answers))
        is_submit = lifecycle is not None and op is lifecycle.submit
        changed = data.draw(mutated(body, job_id if is_submit else None))
        pkg.tried += 1
        assert op.response is not None
        model = getattr(pkg.module, (op.envelope_model or op.response).name)
        try:
            model.model_validate(changed)
            if lifecycle is not None and op is lifecycle.query and finals:
                _wait(pkg, changed, data.draw(st.sampled_from(finals)))
        except Exception as error:  # every kind counts: none may escape
            pkg.broken.append(
                f"{op.operation_id}: {type(error).__name__}: {error}\n"
                f"  {json.dumps(changed, ensure_ascii=False)[:500]}"
            )

    logging.disable(logging.WARNING)  # one per model and field: noise here
    try:
        check()
    finally:
        logging.disable(logging.NOTSET)
    print(f"\n{key}: {pkg.tried} mutations tried, {len(pkg.broken)} broke a call")
    assert pkg.broken == [], "\n".join(pkg.broken[:5])


@pytest.mark.parametrize("key", PACKAGES)
def test_mutated_answers_parse_and_waits_end_on_the_lifecycle(key: str) -> None:
    run(key, examples=60)


@pytest.mark.slow
@pytest.mark.parametrize("key", PACKAGES)
def test_many_mutated_answers_parse_and_waits_end(key: str) -> None:
    run(key, examples=2000)


# --- the cases named in the policy, one by one ---------------------------------------------------


@pytest.mark.parametrize("key", PACKAGES)
def test_an_answer_without_a_state_keeps_the_wait_polling(key: str) -> None:
    pkg = package(key)
    lifecycle = pkg.api.lifecycle
    assert lifecycle is not None
    finals = [
        body
        for op, body in pkg.answers
        if op is lifecycle.query and _is_final(pkg, body)
    ]
    assert finals, f"{key}: no documented final answer"
    stateless = json.loads(json.dumps(finals[0]))
    place: Any = stateless
    envelope = lifecycle.query.envelope
    fields = (envelope.fields if envelope else ()) + lifecycle.state_field.fields
    for item in fields[:-1]:
        place = place[item.wire_name]
    del place[fields[-1].wire_name]
    _wait(pkg, stateless, finals[0])  # returns: the second answer is final


def test_mps_ext_info_that_is_not_json_keeps_the_task(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pkg = package("tencent-mps")
    lifecycle = pkg.api.lifecycle
    assert lifecycle is not None
    final = next(
        b for op, b in pkg.answers if op is lifecycle.query and _is_final(pkg, b)
    )
    body = json.loads(json.dumps(final))
    body["Response"]["ExtInfo"] = "duration=1.00325"
    importlib.import_module("tts_tencent_mps._runtime.received")._REPORTED.clear()
    with (
        caplog.at_level(logging.WARNING, logger="tts_tencent_mps"),
        httpx.Client(
            transport=httpx.MockTransport(lambda _: httpx.Response(200, json=body))
        ) as http,
    ):
        client = pkg.module.Client(
            **_credentials(pkg.api), base_url="https://vendor.test", http_client=http
        )
        done = client.wait_for_job("job-1", timeout=5, poll_interval=0.001)
    task = done
    assert task.status == "success" and task.audio_url == final["Response"]["AudioUrl"]
    assert task.ext_info is None
    assert task.model_extra["ExtInfo"] == "duration=1.00325"
    (warning,) = [r.getMessage() for r in caplog.records]
    assert ".ext_info: the received 'ExtInfo' does not parse" in warning
    assert "duration=" not in warning


def test_a_null_where_text_is_declared_reads_none() -> None:
    # Declared as OpenAPI 3.0 writes a non-nullable string (`type: string`): a vendor
    # sending null for it, as Huawei's callback may for a job id it has not yet got.
    from tts_huawei_metastudio import TtsCallbackEvent, parse_callback

    event = parse_callback(b'{"status":"WAITING","job_id":null}')
    assert isinstance(event, TtsCallbackEvent)
    assert (event.status, event.job_id, event.model_extra) == ("WAITING", None, {})


def test_a_new_enum_value_and_a_number_for_text_are_kept() -> None:
    from tts_alibaba_ice import GetSmartHandleJobResponse, ReportedEditingConfig

    job = GetSmartHandleJobResponse.model_validate(
        {"State": "Archived", "JobId": 42, "SmartJobInfo": {"Title": 7}}
    )
    assert (job.state, job.job_id) == ("Archived", "42")
    assert job.smart_job_info is not None and job.smart_job_info.title == "7"
    config = ReportedEditingConfig.model_validate({"format": "OGG", "volume": 120})
    assert (config.format, config.volume) == ("OGG", 120)
