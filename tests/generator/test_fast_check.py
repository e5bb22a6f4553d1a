"""The fast validity check agrees with openapi-spec-validator: it says yes to the real
specs, and no to each spec the slow path refuses (a "yes" there would let a bad spec in)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import fast_check, load
from generator.errors import SpecError, collect

REPO = Path(__file__).resolve().parents[2]
APIS = sorted(p.parent.name for p in (REPO / "specs").glob("*/openapi.yaml"))
CREATE = ("/v1/{project_id}/ttsc/async-jobs", "post")
BODY = "CreateAsyncTtsJobRequestBody"

Document = dict[str, Any]


def _spec(api: str) -> Document:
    text = (REPO / "specs" / api / "openapi.yaml").read_text(encoding="utf-8")
    document: Document = yaml.safe_load(text)
    return document


def _operation(doc: Document) -> Document:
    path, method = CREATE
    operation: Document = doc["paths"][path][method]
    return operation


def _body(doc: Document) -> Document:
    body: Document = doc["components"]["schemas"][BODY]
    return body


def _no_description(doc: Document) -> None:
    del _operation(doc)["responses"]["200"]["description"]


def _type_objekt(doc: Document) -> None:
    doc["components"]["schemas"]["TtsCallBackConfig"]["type"] = "objekt"


def _duplicate_operation_id(doc: Document) -> None:
    path, _ = CREATE
    query = doc["paths"][path + "/{job_id}"]["get"]
    query["operationId"] = _operation(doc)["operationId"]


def _path_parameter_not_in_url(doc: Document) -> None:
    path, _ = CREATE
    doc["paths"]["/v1/ttsc/async-jobs"] = doc["paths"].pop(path)


def _default_of_wrong_type(doc: Document) -> None:
    _body(doc)["properties"]["speed"]["default"] = "fast"


def _default_out_of_range(doc: Document) -> None:
    _body(doc)["properties"]["speed"]["default"] = 100_000


def _pattern_not_a_regex(doc: Document) -> None:
    _body(doc)["properties"]["text"]["pattern"] = "(unclosed"


def _duplicate_tag(doc: Document) -> None:
    doc["tags"] = [{"name": "tts"}, {"name": "tts"}]


BREAKAGES: dict[str, Callable[[Document], None]] = {
    f.__name__.lstrip("_"): f
    for f in (
        _no_description,
        _type_objekt,
        _duplicate_operation_id,
        _path_parameter_not_in_url,
        _default_of_wrong_type,
        _default_out_of_range,
        _pattern_not_a_regex,
        _duplicate_tag,
    )
}


@pytest.mark.parametrize("api", APIS)
def test_the_real_specs_pass_both_ways(api: str) -> None:
    document = _spec(api)
    assert fast_check.is_valid(document)
    load._explain(document, api)  # the slow path agrees: no SpecError


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_a_spec_the_slow_path_refuses_is_never_fast_valid(name: str) -> None:
    document = copy.deepcopy(_spec("huawei-metastudio"))
    BREAKAGES[name](document)
    with pytest.raises(SpecError):
        load._explain(document, "spec")
    assert not fast_check.is_valid(document)


# A default its schema refuses is dropped with a warning, not refused (issue 26).
DEFAULTS = {"default_of_wrong_type", "default_out_of_range"}


@pytest.mark.parametrize("name", sorted(set(BREAKAGES) - DEFAULTS))
def test_a_refused_spec_gets_the_slow_paths_error(name: str) -> None:
    document = copy.deepcopy(_spec("huawei-metastudio"))
    BREAKAGES[name](document)
    with pytest.raises(SpecError) as slow:
        load._explain(document, "spec")
    with pytest.raises(SpecError) as checked:
        load._check_openapi(document, "spec")
    assert str(checked.value) == str(slow.value)


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_a_default_its_schema_refuses_is_dropped_with_a_warning(name: str) -> None:
    document = copy.deepcopy(_spec("huawei-metastudio"))
    BREAKAGES[name](document)
    bad = _body(document)["properties"]["speed"]["default"]
    with collect() as warnings:
        load._check_openapi(document, "spec")
    assert "default" not in _body(document)["properties"]["speed"]
    where = f"/components/schemas/{BODY}/properties/speed/default"
    assert [(w.file, w.pointer) for w in warnings] == [("spec", where)]
    assert repr(bad) in warnings[0].message
    BREAKAGES[name](document)
    with collect(strict=True), pytest.raises(SpecError) as error:
        load._check_openapi(document, "spec")
    assert error.value.pointer == where
