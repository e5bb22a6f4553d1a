"""The model classes the generator writes from JSON schemas, for any API: each JSON Schema
construct a spec may use, generated, imported, and held to what it says both ways (a
request model refuses what the schema refuses; a response model takes what a vendor
sends)."""

from __future__ import annotations

import builtins
import importlib
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml

from generator import python_types
from generator.ir_build import build
from generator.models import declarations
from generator.pipeline import build_api
from tests.support.generate import generated_package

SPEC = """
openapi: 3.1.0
info: {title: Shapes example, version: 1.0.0}
servers: [{url: 'https://shapes.example.test'}]
security: [{key: []}]
x-sdkgen-errors: {code: /code, message: /message}
paths:
  /things:
    post:
      operationId: MakeThing
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
    Inner:
      type: object
      description: A nested model.
      properties:
        x: {type: integer, minimum: 1}
    JsonString:
      type: object
      description: A schema named like a runtime class.
      properties:
        y: {type: string}
    Thing:
      type: object
      required: [name]
      properties:
        name: {type: string, minLength: 2, maxLength: 5, pattern: '^[a-z]+$'}
        codes: {type: array, minItems: 1, maxItems: 2, items: {type: string, minLength: 3}}
        scores: {type: object, additionalProperties: {type: integer, maximum: 9}}
        either: {anyOf: [{type: string, maxLength: 3}, {type: integer, minimum: 0}]}
        maybe: {type: [integer, 'null'], exclusiveMinimum: 0}
        level: {type: integer, enum: [0, 1]}
        rate: {type: integer, enum: [8000, 16000], default: 16000}
        kind: {const: fixed}
        inner: {$ref: '#/components/schemas/Inner'}
        wrapped: {allOf: [{$ref: '#/components/schemas/Inner'}]}
        preset: {anyOf: [{$ref: '#/components/schemas/Inner'}, {type: 'null'}], default: {x: 2}}
        fallback: {$ref: '#/components/schemas/Inner', default: {x: 4}}
        described: {$ref: '#/components/schemas/Inner', description: Its own words.}
        step: {type: number, multipleOf: 0.5}
        site: {type: string, format: uri}
        day: {type: string, format: date}
        named: {$ref: '#/components/schemas/JsonString'}
        model_name: {type: string}
        Any: {type: string, enum: [Any, Literal]}
    Made:
      type: object
      required: [kind]
      properties:
        kind: {type: string, enum: [a, b]}
        level: {type: integer, enum: [0, 1]}
        codes: {type: array, items: {type: string, minLength: 3}}
        count: {type: integer, maximum: 5}
        inner: {$ref: '#/components/schemas/Inner'}
"""


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    for _ in generated_package(tmp_path_factory, "shapes-example", SPEC):
        yield importlib.import_module("tts_shapes_example.models")


def thing(models: Any, **fields: object) -> Any:
    return models.Thing.model_validate({"name": "ab", **fields})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "a"),  # too short
        ("name", "abcdef"),  # too long
        ("name", "AB"),  # pattern
        ("codes", []),  # minItems
        ("codes", ["abc", "abd", "abe"]),  # maxItems
        ("codes", ["ab"]),  # an item's minLength
        ("scores", {"a": 10}),  # a value's maximum
        ("either", "abcd"),  # the text branch's maxLength
        ("either", -1),  # the integer branch's minimum
        ("maybe", 0),  # exclusiveMinimum
        ("level", 2),
        ("level", True),  # pydantic's Literal takes True for 1, even when strict
        ("level", 1.0),
        ("rate", 16000.0),
        ("kind", "other"),  # const
        ("inner", {"x": 0}),
        ("wrapped", {"x": 0}),
        ("step", 0.25),  # multipleOf
        ("day", "2026-13-01"),
        ("Any", "other"),
    ],
)
def test_a_request_model_refuses_what_its_schema_refuses(
    models: Any, field: str, value: object
) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        thing(models, **{field: value})
    # (A union reports each branch's error: the field is all that is named.)
    assert {error["loc"][0] for error in caught.value.errors()} == {field}


def test_a_request_model_takes_what_its_schema_allows(models: Any) -> None:
    made = thing(
        models,
        codes=["abc"],
        scores={"a": 9},
        either="abc",
        maybe=None,
        level=0,
        rate=8000,
        kind="fixed",
        wrapped={"x": 3},
        step=1.5,
        site="not checked as a URL",
        named={"y": "z"},
        model_name="m",
        Any="Literal",
    )
    assert made.model_dump(by_alias=True, exclude_unset=True) == {
        "name": "ab",
        "codes": ["abc"],
        "scores": {"a": 9},
        "either": "abc",
        "maybe": None,
        "level": 0,
        "rate": 8000,
        "kind": "fixed",
        "wrapped": {"x": 3},
        "step": 1.5,
        "site": "not checked as a URL",
        "named": {"y": "z"},
        "model_name": "m",
        "Any": "Literal",
    }
    assert thing(models, either=7).either == 7


def test_defaults_are_the_schemas_and_a_models_default_is_a_model(models: Any) -> None:
    made = thing(models)
    assert made.rate == 16000
    assert isinstance(made.preset, models.Inner) and made.preset.x == 2
    assert made.level is None and made.inner is None
    # A default beside a `$ref` is the model's default too.
    assert isinstance(made.fallback, models.Inner) and made.fallback.x == 4


def test_a_reference_keeps_its_own_description() -> None:
    api = build(yaml.safe_load(SPEC), "shapes-example", "spec.yaml", "")
    thing = next(m for m in api.models if m.name == "Thing")
    assert thing.field("described").description == "Its own words."
    assert thing.field("inner").description == "A nested model."  # borrowed


def test_a_class_named_like_a_runtime_name_is_renamed_not_shadowing(
    models: Any,
) -> None:
    assert models.JsonStringModel.model_validate({"y": "z"}).y == "z"
    assert "JsonString" not in vars(models)


def test_a_response_model_takes_values_and_fields_the_spec_does_not_list(
    models: Any,
) -> None:
    made = models.Made.model_validate(
        {"kind": "c", "level": 7, "codes": ["x"], "count": 50, "new": 1}
    )
    assert (made.kind, made.level, made.codes, made.count) == ("c", 7, ["x"], 50)
    assert made.model_extra == {"new": 1}
    # A model sent and received is received as its twin: its checks are for sending
    # (`Thing(inner={"x": 0})` is refused above), what arrives is taken as it comes.
    inner = models.Made.model_validate({"kind": "a", "inner": {"x": 0}}).inner
    assert isinstance(inner, models.ReceivedInner) and inner.x == 0


def test_no_model_is_built_on_import(models: Any) -> None:
    # defer_build: importing a package builds no validator; the first use builds one.
    fresh = importlib.reload(models)
    assert not fresh.Made.__pydantic_complete__
    fresh.Made.model_validate({"kind": "a"})
    assert fresh.Made.__pydantic_complete__


REAL = Path(__file__).resolve().parents[2] / "specs"


@pytest.mark.parametrize(
    "key", sorted(p.parent.name for p in REAL.glob("*/openapi.yaml"))
)
def test_every_field_declares_the_type_its_signature_shows(key: str) -> None:
    # Signatures and README show `Field.annotation`; the class declares that type with its
    # checks attached (wire forms aside: a JSON string is declared as `JsonString[T]`).
    api = build_api(key, REAL)
    compared = 0
    for model in api.models:
        if model.xml_tag is not None:
            continue
        for field, declared in zip(model.fields, declarations(model), strict=True):
            prop = model.schema["properties"][field.wire_name]
            if "x-python-type" in prop:
                continue
            compared += 1
            assert _plain(declared.annotation) == _plain(
                python_types.union([field.annotation, "None"])
                if declared.default == " = None"
                else field.annotation
            ), f"{model.name}.{field.name}"
    assert compared >= 3


def _plain(annotation: str) -> str:
    """`annotation` without its `Annotated[...]` wrappers: the type alone."""
    namespace: dict[str, Any] = {
        name: getattr(typing, name) for name in ("Annotated", "Any", "Literal")
    }
    namespace.update(
        {
            "Field": pydantic.Field,
            "BeforeValidator": pydantic.BeforeValidator,
            "_exact_integer": lambda value: value,
        }
    )
    # Model names and dates stand for themselves: resolve every other name to a stand-in.
    value = eval(annotation, _Names(namespace))
    return _spell(value)


class _Names(dict[str, Any]):
    def __missing__(self, name: str) -> Any:
        if name.startswith("__"):
            raise KeyError(name)  # pytest looks up `__tracebackhide__` in frames
        if hasattr(builtins, name):
            return getattr(builtins, name)
        return type(name, (), {})


def _spell(value: Any) -> str:
    origin = typing.get_origin(value)
    if origin is typing.Annotated:
        return _spell(typing.get_args(value)[0])
    if origin is typing.Literal:
        return repr(value)
    if origin is not None:
        args = ", ".join(_spell(a) for a in typing.get_args(value))
        name = getattr(origin, "__name__", str(origin))
        return f"{name}[{args}]"
    if value is type(None):
        return "None"
    return getattr(value, "__name__", repr(value))
