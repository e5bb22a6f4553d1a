"""The validation policy, for any API: strict in what a client sends, tolerant in what it
receives. A small spec with an enum, a boolean, an integer, a number and a string on both
sides, generated and imported."""

from __future__ import annotations

import importlib
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
    # Still typed: a value of the wrong kind altogether is refused.
    with pytest.raises(pydantic.ValidationError):
        module.Made.model_validate({"kind": "a", "count": "many"})
    with pytest.raises(pydantic.ValidationError):
        module.Made.model_validate({"kind": {"nested": 1}})


def test_the_annotations_say_so(module: Any, package_source: str) -> None:
    assert 'kind: Literal["a", "b"] | str' in package_source
    assert "level: Literal[1, 2] | int | None = None" in package_source
    assert 'tags: list[Literal["x", "y"] | str] | None = None' in package_source
    # The request side stays closed.
    assert 'kind: Literal["a", "b"] | None = None' in package_source


@pytest.fixture
def package_source(module: Any) -> str:
    return Path(module.__file__).with_name("models.py").read_text(encoding="utf-8")
