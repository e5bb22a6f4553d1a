"""The fake refuses every request the spec forbids, and only those: each field of a valid
submit body is broken in every way its schema allows (left out when required, a value of
another type, past a bound, outside an enum, too long), the request is sent signed, and the
fake's answer must agree with the package's own request model: refused with the vendor's
validation error, and no job made, exactly when the model refuses the body."""

from __future__ import annotations

import copy
import functools
import importlib
import json
import typing
from collections.abc import Callable, Iterator
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest

from tests.fake.test_fakes import PROFILES, Profile

# The JSON-bodied submits (the others carry their arguments in a query or in XML).
JSON_BODIES = [name for name in sorted(PROFILES) if PROFILES[name].good_body]
JSON_BODIES.remove("tts_tencent_ci")


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    for key in ("anyOf", "oneOf"):
        options = [o for o in schema.get(key, ()) if o.get("type") != "null"]
        if len(options) == 1:
            return _resolve(options[0], defs)
    return schema


def _broken(schema: dict[str, Any], defs: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Values a field of `schema` must not take, each with why."""
    schema = _resolve(schema, defs)
    kind = schema.get("type")
    yield "another type", [] if kind != "array" else "text"
    if kind in ("integer", "number"):
        yield "text for a number", "5"
        if "minimum" in schema:
            yield "below the minimum", schema["minimum"] - 1
        if "maximum" in schema:
            yield "above the maximum", schema["maximum"] + 1
    if kind == "boolean":
        yield "a number for a boolean", 1
    if kind == "string":
        yield "a number for text", 5
        if "maxLength" in schema:
            yield "too long", "x" * (schema["maxLength"] + 1)
        if schema.get("minLength", 0) > 0:
            yield "empty", ""
    if "enum" in schema:
        yield "outside the enum", "NOT-IN-THE-ENUM"
    if kind == "object" or "properties" in schema:
        yield "an unknown member", {"surely_unknown": 1}


def _mutations(profile: Profile, body_model: Any) -> Iterator[tuple[str, bytes]]:
    good = json.loads(profile.good_body)
    schema = body_model.model_json_schema(by_alias=True)
    defs = schema.get("$defs", {})
    yield "an unknown field", json.dumps({**good, "SurelyUnknown": 1}).encode()
    for name, field in schema["properties"].items():
        if name in schema.get("required", ()):
            dropped = {k: v for k, v in good.items() if k != name}
            yield f"{name} left out", json.dumps(dropped).encode()
        for why, value in _broken(field, defs):
            body = copy.deepcopy(good)
            body[name] = value
            yield f"{name}: {why}", json.dumps(body).encode()
        resolved = _resolve(field, defs)
        if resolved.get("type") == "object" or "properties" in resolved:
            # An object may travel as its JSON text (MPS's ExtParam): the text broken.
            inner = good.get(name, {})
            for why, text in _document_cases(inner, resolved, defs):
                yield (
                    f"{name} as text: {why}",
                    json.dumps({**good, name: text}).encode(),
                )


def _send(fake: Any, profile: Profile, body: bytes) -> httpx.Response:
    operation, method, path, headers, _ = profile.bad_request
    request = httpx.Request(method, fake.base_url + path, headers=headers, content=body)
    with fake.http_client() as http:
        response: httpx.Response = http.send(fake.sign(request, operation))
    return response


@pytest.mark.parametrize("package", JSON_BODIES)
def test_the_fake_refuses_what_the_model_refuses(package: str) -> None:
    profile = PROFILES[package]
    testing = importlib.import_module(f"{package}.testing")
    submit = next(op for op in testing.FakeService.operations if op.role == "submit")
    refused = accepted = 0
    for why, body in _mutations(profile, submit.body):
        fake = testing.FakeService()
        response = _send(fake, profile, body)
        try:
            submit.body.model_validate_json(body)
        except ValueError:
            assert profile.code_of(response) == fake.validation_code, why
            assert response.status_code == (200 if fake.errors.in_envelope else 400)
            assert not fake.jobs, why
            refused += 1
        else:
            assert response.status_code == 200, (why, response.text)
            assert len(fake.jobs) == 1, why
            accepted += 1
    # (A breakage the model lets pass, e.g. an int where a float is declared, must be
    # accepted: none of these specs has one.)
    assert refused >= 10


# -- RPC: every argument in the query, JSON documents inside strings among them ----------


def _byte_limit(annotation: Any) -> int | None:
    """The `MaxBytes[n]` somewhere in a field's annotation (inside an Optional too)."""
    for part in typing.get_args(annotation):
        limit = getattr(part, "limit", None)
        if isinstance(limit, int):
            return limit
        inner = _byte_limit(part)
        if inner is not None:
            return inner
    return None


def _text_cases(
    schema: dict[str, Any], defs: dict[str, Any], limit: int | None
) -> Iterator[tuple[str, str, Any]]:
    """Texts a query value of `schema` may carry, broken or not: (why, the text, the
    value it stands for, as the client would have held it)."""
    kinds = {schema.get("type")} | {
        _resolve(o, defs).get("type") for o in schema.get("anyOf", ())
    }
    if "integer" in kinds or "number" in kinds:
        yield "text for a number", "five", "five"
        if "integer" in kinds:
            yield "a fraction for an integer", "1.5", "1.5"
        if "minimum" in schema:
            low = schema["minimum"] - 1
            yield "below the minimum", str(low), low
        if "maximum" in schema:
            high = schema["maximum"] + 1
            yield "above the maximum", str(high), high
    if "boolean" in kinds:
        yield "a word for a boolean", "yes", "yes"
        yield "a number for a boolean", "1", "1"
        yield "a boolean", "false", False
    if "string" in kinds:
        if "maxLength" in schema:
            long = "x" * (schema["maxLength"] + 1)
            yield "too long", long, long
        if schema.get("minLength", 0) > 0:
            yield "empty", "", ""
        if limit is not None:
            # Within the limit in characters, past it in bytes.
            wide = "é" * (limit // 2 + 1)
            yield "too many bytes", wide, wide
    if "enum" in schema:
        yield "outside the enum", "NOT-IN-THE-ENUM", "NOT-IN-THE-ENUM"


def _document_cases(
    good: dict[str, Any], schema: dict[str, Any], defs: dict[str, Any]
) -> Iterator[tuple[str, str]]:
    """A JSON document inside a string, broken: (why, the text)."""
    yield "not JSON", "{not json"
    yield "a list for an object", "[]"
    yield "JSON null", "null"
    yield "an unknown member", json.dumps({**good, "SurelyUnknown": 1})
    for name, field in schema.get("properties", {}).items():
        if name in schema.get("required", ()):
            dropped = {k: v for k, v in good.items() if k != name}
            yield f"{name} left out", json.dumps(dropped)
        for why, value in _broken(field, defs):
            yield f"{name}: {why}", json.dumps({**good, name: value})
        resolved = _resolve(field, defs)
        if resolved.get("type") == "integer":
            yield f"{name}: a number in a string", json.dumps({**good, name: "5"})
            yield f"{name}: a fraction", json.dumps({**good, name: 5.5})
            yield f"{name}: a boolean", json.dumps({**good, name: True})
        if resolved.get("type") == "object" or "properties" in resolved:
            # A nested object: each of its members broken in place, the rest valid.
            inner = good.get(name, {})
            for why, text in _document_cases(inner, resolved, defs):
                if why != "not JSON":
                    document = {**good, name: json.loads(text)}
                    yield f"{name}: {why}", json.dumps(document)


def _rpc_cases(
    parameters: Any, arguments: dict[str, str], good: dict[str, str]
) -> Iterator[tuple[str, dict[str, str], dict[str, Any]]]:
    """The submit's query, broken in every way its model's schema allows: (why, the
    query as sent, the values the model is asked to take)."""
    schema = parameters.model_json_schema(by_alias=False)
    defs = schema.get("$defs", {})
    wire = {name: arguments[name] for name in schema["properties"]}
    values = {name: good[wire[name]] for name in wire if wire[name] in good}

    def case(
        why: str, name: str, text: str | None, value: Any = None
    ) -> tuple[str, dict[str, str], dict[str, Any]]:
        query = {k: v for k, v in good.items() if k != wire[name]}
        held = {k: v for k, v in values.items() if k != name}
        if text is not None:
            query[wire[name]] = text
            held[name] = value
        return why, query, held

    for name, field in schema["properties"].items():
        resolved = _resolve(field, defs)
        if name in schema.get("required", ()):
            yield case(f"{name} left out", name, None)
        if resolved.get("type") == "object" or "properties" in resolved:
            inner = json.loads(good.get(wire[name], "{}"))
            for why, text in _document_cases(inner, resolved, defs):
                # The model takes the document's text, as it reads it from the wire.
                yield case(f"{name}: {why}", name, text, text)
            continue
        limit = _byte_limit(parameters.model_fields[name].annotation)
        for why, text, value in _text_cases(resolved, defs, limit):
            yield case(f"{name}: {why}", name, text, value)


def test_the_rpc_fake_refuses_what_the_model_refuses() -> None:
    profile = PROFILES["tts_alibaba_ice"]
    testing = importlib.import_module(f"{profile.package}.testing")
    submit = next(op for op in testing.FakeService.operations if op.role == "submit")
    arguments = {a.name: a.wire for a in submit.arguments}
    assert profile.good_path is not None
    good = dict(httpx.URL(profile.good_path).params.items())
    _, method, _, headers, _ = profile.bad_request
    refused = accepted = 0
    for why, query, values in _rpc_cases(submit.parameters, arguments, good):
        fake = testing.FakeService()
        request = httpx.Request(
            method, fake.base_url + "/", params=query, headers=headers
        )
        with fake.http_client() as http:
            response = http.send(fake.sign(request, "submit"))
        try:
            submit.parameters.model_validate(values)
        except ValueError:
            assert response.status_code == 400, (why, response.text)
            assert profile.code_of(response) == fake.validation_code, why
            assert not fake.jobs, why
            refused += 1
        else:
            assert response.status_code == 200, (why, response.text)
            assert len(fake.jobs) == 1, why
            accepted += 1
    assert refused >= 30 and accepted >= 2, (refused, accepted)


@pytest.mark.parametrize("package", ["tts_alibaba_ice", "tts_tencent_mps"])
@pytest.mark.parametrize("constant", ["action", "version"])
def test_a_wrong_action_or_version_is_refused(package: str, constant: str) -> None:
    profile = PROFILES[package]
    testing = importlib.import_module(f"{package}.testing")
    fake = testing.FakeService()
    operation, method, path, headers, _ = profile.bad_request
    changed = {
        name: ("NoSuchThing" if name.lower().endswith(constant) else value)
        for name, value in headers.items()
    }
    assert changed != headers
    request = httpx.Request(
        method,
        fake.base_url + (profile.good_path or path),
        headers=changed,
        content=profile.good_body,
    )
    with fake.http_client() as http:
        response = http.send(fake.sign(request, operation))
    assert response.status_code == (200 if fake.errors.in_envelope else 400)
    assert profile.code_of(response) == fake.validation_code
    assert "NoSuchThing" in response.text
    assert not fake.jobs
    assert [call.operation for call in fake.calls] == [""]


# -- XML bodies ------------------------------------------------------------------------


def _leaf_texts(schema: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Texts an element of `schema` must not (or may) hold: (why, the text)."""
    options = [schema, *schema.get("anyOf", ())]
    kinds = {o.get("type") for o in options}
    enums = [v for o in options for v in o.get("enum", ())]
    if "integer" in kinds or "number" in kinds:
        yield "text for a number", "five"
        if "integer" in kinds:
            yield "a fraction for an integer", "1.5"
    if "boolean" in kinds:
        yield "a word for a boolean", "maybe"
    for o in options:
        if "maximum" in o:
            yield "above the maximum", str(o["maximum"] + 1)
        if "minimum" in o:
            yield "below the minimum", str(o["minimum"] - 1)
        if "maxLength" in o:
            yield "too long", "x" * (o["maxLength"] + 1)
        if o.get("minLength", 0) > 0:
            yield "empty", ""
    if enums:
        yield "outside the enum", "NOT-IN-THE-ENUM"
    if any("const" in o for o in options):
        yield "not the constant", "Other"


def _object(schema: dict[str, Any]) -> dict[str, Any] | None:
    options: list[dict[str, Any]] = [schema, *schema.get("anyOf", ())]
    return next((o for o in options if o.get("type") == "object"), None)


def _valid_text(schema: dict[str, Any]) -> str:
    for option in [schema, *schema.get("anyOf", ())]:
        if "const" in option:
            return str(option["const"])
        if option.get("enum"):
            return str(option["enum"][0])
        if option.get("type") in ("integer", "number"):
            return str(option.get("minimum", 0))
    return "x"


def _minimal(tag: str, schema: dict[str, Any]) -> ElementTree.Element:
    """An element of `schema` with its required children only, each valid."""
    element = ElementTree.Element(tag)
    for name in schema.get("required", ()):
        child = schema["properties"][name]
        inner = _object(child)
        element.append(
            _minimal(name, inner) if inner is not None else ElementTree.Element(name)
        )
        if inner is None:
            element[-1].text = _valid_text(child)
    return element


Change = Callable[[ElementTree.Element], object]
Locate = Callable[[ElementTree.Element], ElementTree.Element]


def _xml_cases(
    root: ElementTree.Element, schema: dict[str, Any], where: str = ""
) -> Iterator[tuple[str, Change]]:
    """Each way to break the element `root` of `schema`: (why, a change of a copy of
    the document's element at the same place)."""
    yield f"{where}an unknown element", functools.partial(_add, tag="SurelyUnknown")
    for name, field in schema.get("properties", {}).items():
        at = f"{where}{name}"
        present = root.find(name)
        inner = _object(field)
        locate: Locate
        if present is None:
            # An optional element: given valid first, then broken inside.
            if inner is not None:
                present = _minimal(name, inner)
            else:
                present = ElementTree.Element(name)
                present.text = _valid_text(field)
            locate = functools.partial(_appended, made=present)
            yield f"{at} given", locate
        else:
            locate = functools.partial(_child, name=name)
            if name in schema.get("required", ()):
                yield f"{at} left out", functools.partial(_remove, name=name)
        changes: list[tuple[str, Change]] = []
        if inner is not None:
            changes.append(
                ("text for elements", functools.partial(_set_text, text="x"))
            )
            changes += [
                (why.removeprefix(f"{at}/"), change)
                for why, change in _xml_cases(present, inner, f"{at}/")
            ]
        else:
            changes.append(("elements for text", functools.partial(_add, tag="Inner")))
            changes += [
                (why, functools.partial(_set_text, text=text))
                for why, text in _leaf_texts(field)
            ]
        for why, change in changes:
            yield f"{at}: {why}", functools.partial(_at, locate=locate, change=change)


def _at(element: ElementTree.Element, locate: Locate, change: Change) -> None:
    change(locate(element))


def _add(element: ElementTree.Element, tag: str) -> None:
    ElementTree.SubElement(element, tag)


def _remove(element: ElementTree.Element, name: str) -> None:
    element.remove(_child(element, name))


def _appended(
    element: ElementTree.Element, made: ElementTree.Element
) -> ElementTree.Element:
    element.append(copy.deepcopy(made))
    return element[-1]


def _child(element: ElementTree.Element, name: str) -> ElementTree.Element:
    found = element.find(name)
    assert found is not None
    return found


def _set_text(element: ElementTree.Element, text: str) -> None:
    for child in list(element):
        element.remove(child)
    element.text = text


def test_the_xml_fake_refuses_what_the_model_refuses() -> None:
    from tts_tencent_ci._runtime.fake import _xml_schema

    profile = PROFILES["tts_tencent_ci"]
    testing = importlib.import_module(f"{profile.package}.testing")
    submit = next(op for op in testing.FakeService.operations if op.role == "submit")
    good = ElementTree.fromstring(profile.good_body)
    cases = list(_xml_cases(good, _xml_schema(submit.body, 0)))
    cases.append(("not XML", lambda e: None))
    refused = accepted = 0
    for why, change in cases:
        document = copy.deepcopy(good)
        change(document)
        body = (
            ElementTree.tostring(document)
            if why != "not XML"
            else profile.good_body[:-5]
        )
        fake = testing.FakeService()
        response = _send(fake, profile, body)
        try:
            submit.body.from_xml(body)
        except (ValueError, SyntaxError):
            assert response.status_code == 400, (why, response.text)
            assert profile.code_of(response) == fake.validation_code, why
            assert not fake.jobs, why
            refused += 1
        else:
            assert response.status_code == 200, (why, response.text)
            assert len(fake.jobs) == 1, why
            accepted += 1
    assert refused >= 20 and accepted >= 5, (refused, accepted)
