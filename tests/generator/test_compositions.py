"""Every schema composition is typed: `allOf` merged (or inherited), `oneOf`/`anyOf` as
unions of models picked by their discriminator or in order, inline branches as named
models, `{}` as `Any`, recursive schemas, and received unions that keep what they do
not know."""

from __future__ import annotations

import importlib
import logging
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pydantic
import pytest

from tests.support.generate import generated_package

SPEC = """
openapi: 3.1.0
info: {title: Compositions, version: 1.0.0}
servers: [{url: https://compose.example.test}]
paths:
  /pets:
    post:
      operationId: AddPet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Order'}
      responses:
        '200':
          description: The pet as stored.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Answer'}
  /voices:
    get:
      operationId: ListVoices
      responses:
        '200':
          description: Every voice.
          content:
            application/json:
              schema:
                type: array
                items: {$ref: '#/components/schemas/Voice'}
  /voices/by-language:
    get:
      operationId: VoicesByLanguage
      responses:
        '200':
          description: Voices by language.
          content:
            application/json:
              schema:
                type: object
                additionalProperties:
                  type: array
                  items: {$ref: '#/components/schemas/Voice'}
  /pets/latest:
    get:
      operationId: LatestPet
      responses:
        '200':
          description: A pet of any kind.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
  /voices/default:
    get:
      operationId: DefaultVoice
      responses:
        '200':
          description: The voice used when none is named.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/DefaultVoice'}
components:
  schemas:
    DefaultVoice:
      type: object
      x-label: A vendor's own word.
      allOf:
        - $ref: '#/components/schemas/Voice'
    Voice:
      type: object
      required: [id]
      properties:
        id: {type: string}
        gender: {type: string, enum: [female, male]}
    Animal:
      type: object
      required: [kind]
      properties:
        kind: {type: string}
        name: {type: string}
    Dog:
      allOf:
        - $ref: '#/components/schemas/Animal'
        - type: object
          required: [bark]
          properties:
            bark: {type: boolean}
    Cat:
      type: object
      required: [kind]
      properties:
        kind: {type: string, const: cat}
        lives: {type: integer}
    Merged:
      description: Two parts, one model.
      allOf:
        - type: object
          required: [a]
          properties:
            a: {type: integer}
        - type: object
          properties:
            b: {type: string}
    Bird:
      type: object
      properties:
        kind: {type: string}
        wings: {type: integer}
    Pet:
      oneOf:
        - $ref: '#/components/schemas/Dog'
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Bird'
      discriminator:
        propertyName: kind
        mapping:
          doggo: '#/components/schemas/Dog'
    Shape:
      anyOf:
        - type: object
          properties:
            radius: {type: integer}
        - type: object
          properties:
            side: {type: integer}
    Node:
      type: object
      properties:
        value: {type: integer}
        children:
          type: array
          items: {$ref: '#/components/schemas/Node'}
        next:
          anyOf:
            - $ref: '#/components/schemas/Node'
            - type: 'null'
    Leaf:
      type: object
      properties:
        value: {type: integer}
    Branch:
      type: object
      properties:
        children:
          type: array
          items: {$ref: '#/components/schemas/Tree'}
    Tree:
      anyOf:
        - $ref: '#/components/schemas/Leaf'
        - $ref: '#/components/schemas/Branch'
    Order:
      type: object
      required: [pet]
      properties:
        tree: {$ref: '#/components/schemas/Tree'}
        pet: {$ref: '#/components/schemas/Pet'}
        shape: {$ref: '#/components/schemas/Shape'}
        merged: {$ref: '#/components/schemas/Merged'}
    Answer:
      type: object
      properties:
        pet: {$ref: '#/components/schemas/Pet'}
        shape: {$ref: '#/components/schemas/Shape'}
        node: {$ref: '#/components/schemas/Node'}
        anything: {}
        untyped: {description: No type at all.}
        event:
          oneOf:
            - {type: object, properties: {type: {const: started}, at: {type: integer}}}
            - {type: object, properties: {type: {const: ended}, code: {type: integer}}}
          discriminator: {propertyName: type}
        events:
          type: array
          items:
            anyOf:
              - {type: object, properties: {started: {type: integer}}}
              - {type: object, properties: {ended: {type: integer}}}
        notes:
          type: array
          items:
            anyOf:
              - {type: object, properties: {text: {type: string}}}
              - anyOf:
                  - {type: object, properties: {html: {type: string}}}
                  - {type: object, properties: {markdown: {type: string}}}
"""


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield from generated_package(tmp_path_factory, "compose-pets", SPEC)


@pytest.fixture(scope="module")
def models(package: Path) -> Any:
    return importlib.import_module(f"{package.name}.models")


def test_all_of_merges_into_one_model(models: Any) -> None:
    merged = models.Merged.model_validate({"a": 1, "b": "x"})
    assert (merged.a, merged.b) == (1, "x")
    assert set(models.Merged.model_fields) == {"a", "b"}
    # The first branch's `required` holds in the sent model.
    with pytest.raises(pydantic.ValidationError, match="a\n  Field required"):
        models.Merged(b="x")


def test_all_of_inherits_from_its_first_named_branch(models: Any) -> None:
    assert issubclass(models.Dog, models.Animal)
    assert issubclass(models.ReceivedDog, models.ReceivedAnimal)
    dog = models.Dog(kind="doggo", name="Rex", bark=True)
    assert (dog.kind, dog.name, dog.bark) == ("doggo", "Rex", True)
    with pytest.raises(pydantic.ValidationError, match="bark"):
        models.Dog(kind="doggo")


def test_a_discriminator_picks_the_branch_by_its_mapping(models: Any) -> None:
    order = models.Order.model_validate({"pet": {"kind": "doggo", "bark": True}})
    assert type(order.pet) is models.Dog
    # A branch's const is its value; the mapping's own value names Dog.
    order = models.Order.model_validate({"pet": {"kind": "cat", "lives": 9}})
    assert type(order.pet) is models.Cat
    # Without a mapping entry, the component's name is its value (OpenAPI's implicit
    # one); a component the mapping names goes by the mapping's value only.
    order = models.Order.model_validate({"pet": {"kind": "Bird", "wings": 2}})
    assert type(order.pet) is models.Bird
    with pytest.raises(pydantic.ValidationError, match="union_tag_not_found"):
        models.Order.model_validate({"pet": {"kind": "Dog", "bark": False}})
    # A model built by the caller is its own branch.
    assert type(models.Order(pet=models.Cat(kind="cat")).pet) is models.Cat


def test_a_sent_union_refuses_a_value_its_discriminator_does_not_know(
    models: Any,
) -> None:
    with pytest.raises(pydantic.ValidationError, match="pet"):
        models.Order.model_validate({"pet": {"kind": "fish"}})


def test_a_received_union_keeps_an_unknown_value_as_it_came(
    models: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        answer = models.Answer.model_validate(
            {"pet": {"kind": "fish", "fins": 2}, "shape": {"side": 1}}
        )
    assert answer.pet == {"kind": "fish", "fins": 2}
    assert not caplog.records  # not a failure: a branch the client does not know yet
    answer = models.Answer.model_validate({"pet": {"kind": "cat", "lives": 3}})
    assert type(answer.pet) is models.ReceivedCat and answer.pet.lives == 3


def test_inline_branches_are_named_models_tried_in_order(models: Any) -> None:
    assert typing.get_args(models.Shape) == (models.ShapeOption1, models.ShapeOption2)
    order = models.Order.model_validate({"pet": {"kind": "cat"}, "shape": {"side": 2}})
    assert type(order.shape) is models.ShapeOption2  # the first refuses `side` (strict)
    # Received models take any object: the branch that reads the most fields wins,
    # and the spec's order breaks ties.
    answer = models.Answer.model_validate({"shape": {"side": 2}})
    assert type(answer.shape) is models.ReceivedShapeOption2
    answer = models.Answer.model_validate({"shape": {"corners": 3}})
    assert type(answer.shape) is models.ReceivedShapeOption1
    assert answer.shape.model_extra == {"corners": 3}


def test_branches_inside_items_are_named_after_their_property(models: Any) -> None:
    answer = models.Answer.model_validate(
        {"events": [{"started": 1}], "notes": [{"text": "a"}]}
    )
    assert type(answer.events[0]) is models.AnswerEventsItemOption1
    assert type(answer.notes[0]) is models.AnswerNotesItemOption1
    # A union inside a branch names its branches after that branch's position.
    assert models.AnswerNotesItemOption2Option2.model_fields.keys() == {"markdown"}


def test_schemas_without_a_type_are_any(models: Any) -> None:
    hints = typing.get_type_hints(models.Answer)
    assert hints["anything"] == Any
    assert hints["untyped"] == Any
    answer = models.Answer.model_validate({"anything": [1, {"a": None}], "untyped": 2})
    assert (answer.anything, answer.untyped) == ([1, {"a": None}], 2)


def test_recursive_schemas_hold_themselves(models: Any) -> None:
    node = models.Node.model_validate(
        {"value": 1, "children": [{"value": 2}], "next": {"value": 3, "next": None}}
    )
    assert type(node.children[0]) is models.Node and node.children[0].value == 2
    assert type(node.next) is models.Node and node.next.value == 3


def _client(package: Path, body: Any) -> Any:
    module = importlib.import_module(package.name)
    answer = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    return module.Client(http_client=httpx.Client(transport=answer))


def test_a_top_level_array_is_a_typed_list(package: Path, models: Any) -> None:
    with _client(package, [{"id": "v1", "gender": "other"}, {"id": "v2"}]) as client:
        voices = client.list_voices()
    assert isinstance(voices, models.ListVoicesResponse)
    assert [type(v) for v in voices.root] == [models.Voice, models.Voice]
    # Received: an enum value added since is kept.
    assert (voices.root[0].id, voices.root[0].gender) == ("v1", "other")
    with _client(package, {"id": "v1"}) as client:
        with pytest.raises(Exception, match="does not match ListVoicesResponse"):
            client.list_voices()


def test_a_top_level_map_is_a_typed_dict(package: Path, models: Any) -> None:
    with _client(package, {"en": [{"id": "v1"}], "de": []}) as client:
        voices = client.voices_by_language()
    assert voices.root["en"][0].id == "v1" and voices.root["de"] == []


def test_a_top_level_union_is_picked_by_its_discriminator(
    package: Path, models: Any
) -> None:
    with _client(package, {"kind": "cat", "lives": 7}) as client:
        pet = client.latest_pet()
    assert type(pet.root) is models.ReceivedCat and pet.root.lives == 7
    with _client(package, {"kind": "axolotl"}) as client:
        assert client.latest_pet().root == {"kind": "axolotl"}


def test_a_union_that_holds_itself_is_a_root_model(models: Any) -> None:
    order = models.Order.model_validate(
        {"pet": {"kind": "cat"}, "tree": {"children": [{"value": 1}, {"children": []}]}}
    )
    assert type(order.tree) is models.Tree
    assert type(order.tree.root) is models.Branch
    first, second = order.tree.root.children
    assert type(first.root) is models.Leaf and first.root.value == 1
    assert type(second.root) is models.Branch and second.root.children == []


def test_an_all_of_of_one_reference_is_that_model(package: Path, models: Any) -> None:
    with _client(package, {"id": "v9"}) as client:
        voice = client.default_voice()
    assert type(voice) is models.Voice and voice.id == "v9"


def test_inline_branches_are_told_apart_by_their_const(models: Any) -> None:
    answer = models.Answer.model_validate({"event": {"type": "ended", "code": 1}})
    assert type(answer.event) is models.AnswerEventOption2
    assert answer.event.code == 1
    answer = models.Answer.model_validate({"event": {"type": "paused"}})
    assert answer.event == {"type": "paused"}
