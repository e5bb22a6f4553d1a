"""The validation policy, for any API: strict in what a client sends, tolerant in what it
receives. A small spec with an enum, a boolean, an integer, a number and a string on both
sides, generated and imported."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pydantic
import pytest

from tests.support.generate import generated_package

SPEC = """
openapi: 3.1.0
info: {title: Policy example, version: 1.0.0}
servers: [{url: 'https://policy.example.test'}]
security: [{key: []}]
x-sdkgen-errors: {code: /code, message: /message}
paths:
  /things:
    post:
      operationId: MakeThing
      parameters:
        - name: X-Trace
          in: header
          schema: {type: string}
        - name: limit
          in: query
          schema: {type: integer}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
      responses:
        '200':
          description: Made.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Made'}
components:
  securitySchemes:
    key:
      type: apiKey
      in: header
      name: X-Key
      x-sdkgen-credentials: {key: {secret: true}}
  schemas:
    Thing:
      type: object
      required: [name]
      properties:
        name: {type: string}
        kind: {type: string, enum: [a, b]}
        loud: {type: boolean}
        count: {type: integer}
        ratio: {type: number}
        tags: {type: array, items: {type: string, enum: [x, y]}}
        options: {$ref: '#/components/schemas/Settings'}
    Settings:
      type: object
      description: Sent with a thing and reported back with it.
      required: [mode]
      properties:
        mode: {type: string, enum: [fast, slow], default: fast}
        depth: {type: integer, minimum: 1, maximum: 5, default: 3}
    Inner:
      type: object
      properties:
        when: {type: string, format: date-time}
        size: {type: integer}
    Made:
      type: object
      required: [kind]
      properties:
        kind: {type: string, enum: [a, b]}
        level: {type: integer, enum: [1, 2]}
        loud: {type: boolean}
        count: {type: integer}
        label: {type: string}
        tags: {type: array, items: {type: string, enum: [x, y]}}
        sizes: {type: array, items: {type: integer}}
        scale: {type: number, default: 1.5}
        inner: {$ref: '#/components/schemas/Inner'}
        options: {$ref: '#/components/schemas/Settings'}
"""


@pytest.fixture(scope="module")
def module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    for _ in generated_package(tmp_path_factory, "policy-example", SPEC):
        yield importlib.import_module("tts_policy_example")


@pytest.fixture
def sent() -> list[httpx.Request]:
    return []


@pytest.fixture
def client(module: Any, sent: list[httpx.Request]) -> Iterator[Any]:
    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"kind": "a"})

    with httpx.Client(transport=httpx.MockTransport(answer)) as http:
        yield module.Client(key="k", http_client=http)


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("kind", "c"),
        ("kind", b"a"),
        ("loud", 1),
        ("loud", "true"),
        ("count", True),
        ("count", "3"),
        ("count", 3.0),
        ("ratio", "0.5"),
        ("ratio", False),
        ("name", 5),
        ("name", b"bytes"),
        ("tags", ["z"]),
        ("tags", "x"),
        ("limit", "10"),
        ("x_trace", "\u00e9t\u00e9"),
        ("x_trace", "a\nb"),
    ],
)
def test_a_client_refuses_what_lax_mode_would_coerce(
    client: Any, sent: list[httpx.Request], argument: str, value: object
) -> None:
    arguments: dict[str, object] = {"name": "n", argument: value}
    with pytest.raises(pydantic.ValidationError) as caught:
        client.make_thing(**arguments)
    assert {str(e["loc"][0]) for e in caught.value.errors()} == {argument}
    assert sent == []


def test_a_client_accepts_what_its_annotations_promise(
    client: Any, sent: list[httpx.Request]
) -> None:
    # An int where a float is declared is not a coercion a caller would be surprised by.
    client.make_thing(
        name="n",
        kind="b",
        loud=False,
        count=0,
        ratio=1,
        tags=["x"],
        limit=5,
        x_trace="t-1",
    )
    (request,) = sent
    assert request.content == (
        b'{"name":"n","kind":"b","loud":false,"count":0,"ratio":1.0,"tags":["x"]}'
    )
    assert (request.url.params["limit"], request.headers["X-Trace"]) == ("5", "t-1")


def test_a_request_model_is_strict_when_built_directly(module: Any) -> None:
    with pytest.raises(pydantic.ValidationError):
        module.Thing(name="n", count="3")
    assert module.Thing(name="n", ratio=2).ratio == 2.0


def test_a_received_model_keeps_what_the_spec_does_not_list(module: Any) -> None:
    made = module.Made.model_validate(
        {"kind": "c", "level": 3, "tags": ["x", "new"], "label": 7, "extra": {"a": 1}}
    )
    assert (made.kind, made.level, made.tags, made.label) == ("c", 3, ["x", "new"], "7")
    assert made.model_extra == {"extra": {"a": 1}}


@pytest.fixture
def fresh_log(caplog: pytest.LogCaptureFixture, module: Any) -> Iterator[None]:
    """Warnings captured, and none taken for given by an earlier test (each pair of
    model and field is logged once per process)."""
    importlib.import_module("tts_policy_example._runtime.received")._REPORTED.clear()
    with caplog.at_level(logging.WARNING, logger="tts_policy_example"):
        yield


def logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("count", "many"),  # text where a number is declared
        ("count", {"n": 1}),  # an object for a scalar
        ("loud", "perhaps"),
        ("label", ["a"]),  # a list for a string
        ("sizes", [1, "two", 3]),  # one bad item: the list is kept whole
        ("tags", "x"),
        ("inner", "soon"),  # a scalar for a model
        ("kind", {"k": 1}),
    ],
)
def test_a_received_field_that_does_not_parse_is_kept_raw_with_one_warning(
    module: Any,
    fresh_log: None,
    caplog: pytest.LogCaptureFixture,
    field: str,
    value: object,
) -> None:
    body = {"kind": "a", "label": "kept", field: value}
    for _ in range(3):
        made = module.Made.model_validate(body)
    assert getattr(made, field) is None
    assert made.model_extra == {field: value}
    assert made.label == ("kept" if field != "label" else None)
    (message,) = logged(caplog)
    assert message.startswith(f"Made.{field}: the received {field!r} does not parse")
    assert repr(value) not in message  # never the value: it may be anything


def test_a_nested_model_keeps_its_own_fields(
    module: Any, fresh_log: None, caplog: pytest.LogCaptureFixture
) -> None:
    made = module.Made.model_validate(
        {"kind": "a", "inner": {"when": "2022/01/21 06:15:07", "size": 2}}
    )
    assert made.inner.size == 2 and made.inner.when is None
    assert made.inner.model_extra == {"when": "2022/01/21 06:15:07"}
    assert made.model_extra == {}
    assert [m.split(":")[0] for m in logged(caplog)] == ["Inner.when"]
    # Every way a vendor writes a time: naive, aware, empty, or in its own format.
    for when, kept in [
        ("2022-01-21T06:15:07", False),
        ("2022-01-21T06:15:07Z", False),
        ("", True),
        ("21/01/2022", True),
    ]:
        inner = module.Made.model_validate({"inner": {"when": when}}).inner
        assert (inner.when is None) == kept and ("when" in inner.model_extra) == kept


def test_received_fields_are_optional_and_have_no_defaults(module: Any) -> None:
    # `kind` is required by the spec and `scale` has a default: neither is invented.
    made = module.Made.model_validate({})
    assert (made.kind, made.scale, made.options) == (None, None, None)
    assert module.Made.model_validate({"kind": None, "label": None}).label is None


def test_a_schema_sent_and_received_keeps_its_request_side_to_itself(
    module: Any, package_source: str
) -> None:
    # Sent: strict, with its checks, requirements and defaults.
    assert module.Settings(mode="slow").depth == 3
    for wrong in ({"mode": "slow", "depth": 9}, {"mode": "turbo"}, {}):
        with pytest.raises(pydantic.ValidationError):
            module.Settings(**wrong)
    # Received: its twin, which invents nothing and checks no range or enum.
    made = module.Made.model_validate({"options": {"depth": 9, "mode": "turbo"}})
    assert isinstance(made.options, module.ReceivedSettings)
    assert (made.options.mode, made.options.depth) == ("turbo", 9)
    assert module.Made.model_validate({"options": {}}).options.depth is None
    assert "class ReceivedSettings(Received):" in package_source
    assert "options: ReceivedSettings | None = None" in package_source
    assert "options: Settings | None = None" in package_source


def test_only_an_unusable_top_level_value_fails(module: Any) -> None:
    # Not an object at all: nothing to keep a field of.
    with pytest.raises(pydantic.ValidationError):
        module.Made.model_validate(["kind", "a"])


def test_the_annotations_say_so(module: Any, package_source: str) -> None:
    assert 'kind: Literal["a", "b"] | str | None = None' in package_source
    assert "level: Literal[1, 2] | int | None = None" in package_source
    assert 'tags: list[Literal["x", "y"] | str] | None = None' in package_source
    assert "class Made(Received):" in package_source
    # The request side stays closed.
    assert 'kind: Literal["a", "b"] | None = None' in package_source


@pytest.fixture
def package_source(module: Any) -> str:
    return Path(module.__file__).with_name("models.py").read_text(encoding="utf-8")


def test_only_the_way_to_the_submits_job_id_stays_required() -> None:
    # Tencent's job id may be nested (/Response/TaskId): every step on its way stays
    # required in the submit's answer; nothing else received is (the query's envelope
    # neither: an answer without it is a job with no state yet).
    from generator.pipeline import build_api

    api = build_api("tencent-mps", Path(__file__).resolve().parents[2] / "specs")
    required = {
        (model.name, f.wire_name)
        for model in api.models
        if not model.strict
        for f in model.fields
        if f.required
    }
    lifecycle = api.lifecycle
    assert lifecycle is not None
    by_name = {m.name: m for m in api.models}
    submit = lifecycle.submit
    # The job id pointer starts inside the envelope (`x-sdkgen-rpc: envelope`); the way
    # to it starts at the whole answer.
    steps = (submit.envelope.fields if submit.envelope else ()) + (
        lifecycle.job_id_field.fields
    )
    expected, model = set(), submit.envelope_model or submit.response
    for step in steps:
        assert model is not None
        expected.add((model.name, step.wire_name))
        model = by_name.get(step.annotation)
    assert required == expected
    assert ("TextToSpeechAsyncResponse", "Response") in expected
