"""Every schema composition is typed: `allOf` merged (or inherited), `oneOf`/`anyOf` as
unions of models picked by their discriminator or in order, inline branches as named
models, `{}` as `Any`, recursive schemas, and received unions that keep what they do
not know."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
import re
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
        raw = client.with_raw_response.list_voices()
    # The plain list, read through the root model (which checks it).
    assert type(voices) is list and type(raw.parsed) is list
    assert [type(v) for v in voices] == [models.Voice, models.Voice]
    assert inspect.signature(type(client).list_voices).return_annotation == (
        "list[Voice]"
    )
    readme = (package / "README.md").read_text(encoding="utf-8")
    assert (
        "`GET /voices` returns `list[Voice]`, read and checked through "
        "`ListVoicesResponse`." in readme
    )
    # Received: an enum value added since is kept.
    assert (voices[0].id, voices[0].gender) == ("v1", "other")
    with _client(package, {"id": "v1"}) as client:
        with pytest.raises(Exception, match="does not match ListVoicesResponse"):
            client.list_voices()


def test_a_top_level_map_is_a_typed_dict(package: Path, models: Any) -> None:
    with _client(package, {"en": [{"id": "v1"}], "de": []}) as client:
        voices = client.voices_by_language()
    assert type(voices) is dict
    assert voices["en"][0].id == "v1" and voices["de"] == []


def test_a_top_level_union_is_picked_by_its_discriminator(
    package: Path, models: Any
) -> None:
    with _client(package, {"kind": "cat", "lives": 7}) as client:
        pet = client.latest_pet()
    assert type(pet) is models.ReceivedCat and pet.lives == 7
    with _client(package, {"kind": "axolotl"}) as client:
        assert client.latest_pet() == {"kind": "axolotl"}


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


# Request bodies that are no object of properties: one `body` argument, checked by a
# root model (unions tried in order; a oneOf takes exactly one branch), sent as JSON.
BODIES = """
openapi: 3.1.0
info: {title: Whole bodies, version: 1.0.0}
servers: [{url: https://bodies.example.test}]
paths:
  /read:
    post:
      operationId: Read
      requestBody:
        required: true
        description: A URL to fetch, or the text itself.
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ReadRequest'}
      responses: {'204': {description: done}}
  /either:
    post:
      operationId: Either
      requestBody:
        content:
          application/json:
            schema:
              anyOf:
                - {$ref: '#/components/schemas/Short'}
                - {$ref: '#/components/schemas/Long'}
      responses: {'204': {description: done}}
  /exactly-one:
    post:
      operationId: ExactlyOne
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf:
                - {$ref: '#/components/schemas/Short', description: The short form.}
                - {$ref: '#/components/schemas/Long'}
      responses: {'204': {description: done}}
  /inline/{body}:
    put:
      operationId: Inline
      parameters:
        - {name: body, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf:
                - {type: object, required: [url], properties: {url: {type: string}}}
                - type: object
                  required: [text]
                  properties: {text: {type: string, maxLength: 5}}
      responses: {'204': {description: done}}
  /many:
    post:
      operationId: Many
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: array
              minItems: 1
              items: {$ref: '#/components/schemas/Short'}
      responses: {'204': {description: done}}
  /order:
    post:
      operationId: Order
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Holder'}
      responses:
        '200':
          description: The order as stored.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Holder'}
components:
  schemas:
    ReadRequest:
      oneOf:
        - {$ref: '#/components/schemas/Url'}
        - {$ref: '#/components/schemas/Text'}
    Url: {type: object, required: [url], properties: {url: {type: string}}}
    Text: {type: object, required: [text], properties: {text: {type: string}}}
    Short: {type: object, properties: {name: {type: string}}}
    Long: {type: object, properties: {name: {type: string}, note: {type: string}}}
    Holder:
      type: object
      properties:
        one:
          anyOf:
            - {$ref: '#/components/schemas/Short'}
            - {$ref: '#/components/schemas/Long'}
        listed:
          type: array
          items:
            anyOf:
              - {$ref: '#/components/schemas/Short'}
              - {$ref: '#/components/schemas/Long'}
        mapped:
          type: object
          additionalProperties:
            anyOf:
              - {$ref: '#/components/schemas/Short'}
              - {$ref: '#/components/schemas/Long'}
"""

# The same, every union's branches in the other order.
SWAPPED = (
    BODIES.replace(
        """                - {$ref: '#/components/schemas/Short'}
                - {$ref: '#/components/schemas/Long'}""",
        """                - {$ref: '#/components/schemas/Long'}
                - {$ref: '#/components/schemas/Short'}""",
    )
    .replace(
        """            - {$ref: '#/components/schemas/Short'}
            - {$ref: '#/components/schemas/Long'}""",
        """            - {$ref: '#/components/schemas/Long'}
            - {$ref: '#/components/schemas/Short'}""",
    )
    .replace(
        """              - {$ref: '#/components/schemas/Short'}
              - {$ref: '#/components/schemas/Long'}""",
        """              - {$ref: '#/components/schemas/Long'}
              - {$ref: '#/components/schemas/Short'}""",
    )
)


@pytest.fixture(scope="module")
def bodies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    for path in generated_package(tmp_path_factory, "whole-bodies", BODIES):
        yield importlib.import_module(path.name)


@pytest.fixture(scope="module")
def swapped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    # Every union was swapped: Short never comes before Long.
    assert (
        re.search(r"Short'\}\n *- \{\$ref: '#/components/schemas/Long'", SWAPPED)
        is None
    )
    assert re.search(r"Short'\}\n *- \{\$ref: '#/components/schemas/Long'", BODIES)
    for path in generated_package(tmp_path_factory, "swapped-bodies", SWAPPED):
        yield importlib.import_module(path.name)


def _recording(module: Any, seen: list[httpx.Request], answer: Any = None) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if answer is None:
            return httpx.Response(204)
        return httpx.Response(200, json=answer)

    return module.Client(
        http_client=httpx.Client(transport=httpx.MockTransport(handler))
    )


def test_a_union_body_is_one_typed_argument_sent_as_json(bodies: Any) -> None:
    parameter = inspect.signature(bodies.Client.read).parameters["body"]
    assert parameter.annotation == "Url | Text"
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    seen: list[httpx.Request] = []
    with _recording(bodies, seen) as client:
        assert client.read(body={"text": "Hello"}) is None
        client.read(body=bodies.models.Url(url="https://a.test/x"))
    assert [r.content for r in seen] == [
        b'{"text":"Hello"}',
        b'{"url":"https://a.test/x"}',
    ]
    assert seen[0].headers["content-type"] == "application/json"


def test_a_body_no_branch_takes_is_refused_naming_the_argument(bodies: Any) -> None:
    seen: list[httpx.Request] = []
    with _recording(bodies, seen) as client:
        for bad in ({"url": 1}, {"url": "u", "extra": 1}, "text", None):
            with pytest.raises(pydantic.ValidationError, match="for body\n") as caught:
                client.read(body=bad)
            assert all(e["loc"][0] == "body" for e in caught.value.errors())
    assert seen == []


def test_inline_branches_of_a_body_are_named_models_with_their_checks(
    bodies: Any,
) -> None:
    models = bodies.models
    assert models.InlineRequestOption2.model_fields.keys() == {"text"}
    seen: list[httpx.Request] = []
    with _recording(bodies, seen) as client:
        # A path parameter named `body` gives way to the body.
        client.inline("p", body={"text": "short"})
        with pytest.raises(pydantic.ValidationError, match="body"):
            client.inline("p", body={"text": "far too long"})
    [request] = seen
    assert request.url.path == "/inline/p" and request.content == b'{"text":"short"}'


def test_an_optional_body_may_be_left_out(bodies: Any) -> None:
    seen: list[httpx.Request] = []
    with _recording(bodies, seen) as client:
        client.either()
        client.either(body={"name": "a"})
    assert [r.content for r in seen] == [b"", b'{"name":"a"}']


def test_an_array_body_is_a_typed_list_with_its_checks(bodies: Any) -> None:
    seen: list[httpx.Request] = []
    with _recording(bodies, seen) as client:
        client.many(body=[{"name": "a"}, bodies.models.Short(name="b")])
        with pytest.raises(pydantic.ValidationError, match="body"):
            client.many(body=[])
        with pytest.raises(pydantic.ValidationError, match="body"):
            client.many(body=({"name": "a"},))  # strict: a list, not a tuple
    assert [r.content for r in seen] == [b'[{"name":"a"},{"name":"b"}]']


def test_a_one_of_body_takes_exactly_one_branch(bodies: Any) -> None:
    seen: list[httpx.Request] = []
    with _recording(bodies, seen) as client:
        # Both branches take {"name": ...}: oneOf refuses it, anyOf takes the first.
        with pytest.raises(pydantic.ValidationError, match="matches Short, Long"):
            client.exactly_one(body={"name": "a"})
        client.exactly_one(body={"name": "a", "note": "n"})  # only Long takes it
        # A model the caller built is the branch it chose.
        client.exactly_one(body=bodies.models.Short(name="a"))
        client.either(body={"name": "a"})
    assert [r.content for r in seen] == [
        b'{"name":"a","note":"n"}',
        b'{"name":"a"}',
        b'{"name":"a"}',
    ]


def test_the_first_branch_that_validates_wins_at_every_depth(
    bodies: Any, swapped: Any
) -> None:
    document = {"name": "a"}  # both Short and Long take it
    sent = {"one": document, "listed": [document], "mapped": {"k": document}}
    for module, first in ((bodies, "Short"), (swapped, "Long")):
        chosen = getattr(module.models, first)
        holder = module.models.Holder.model_validate(sent)
        assert type(holder.one) is chosen
        assert type(holder.listed[0]) is chosen
        assert type(holder.mapped["k"]) is chosen
        root = module.models.EitherRequest.model_validate(document)
        assert type(root.root) is chosen


def test_the_async_client_sends_a_whole_body_too(bodies: Any) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    async def send() -> None:
        transport = httpx.MockTransport(handler)
        async with bodies.AsyncClient(
            http_client=httpx.AsyncClient(transport=transport)
        ) as client:
            await client.read(body={"url": "u"})
            with pytest.raises(pydantic.ValidationError, match="for body\n"):
                await client.read(body={"url": "u", "text": "t"})

    asyncio.run(send())
    assert [r.content for r in seen] == [b'{"url":"u"}']
