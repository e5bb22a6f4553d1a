"""The fake refuses every request the spec forbids, and only those: each field of a valid
submit body is broken in every way its schema allows (left out when required, a value of
another type, past a bound, outside an enum, too long), the request is sent signed, and the
fake's answer must agree with the package's own request model: refused with the vendor's
validation error, and no job made, exactly when the model refuses the body."""

from __future__ import annotations

import copy
import importlib
import json
from collections.abc import Iterator
from typing import Any

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
