"""OpenAPI 3.0 and "3.1 with 3.0 habits" are read as the 3.1 document that says the same
thing; published-spec slips with a workaround are warnings at their exact place; `--strict`
makes every warning an error; `openapi.json` is an API's spec as well as `openapi.yaml`."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import pipeline, spec_files
from generator.errors import Diagnostic, SpecError, collect
from generator.load import load_openapi
from generator.normalise import to_openapi31

REPO = Path(__file__).resolve().parents[2]
Doc = dict[str, Any]


def _doc(version: str, schemas: Doc, **extra: Any) -> Doc:
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": extra.pop("paths", {}),
        "components": {"schemas": schemas},
        **extra,
    }


def _write(tmp_path: Path, document: Doc, name: str = "openapi.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _load(tmp_path: Path, document: Doc) -> tuple[Doc, list[Diagnostic]]:
    with collect() as warnings:
        loaded = load_openapi(_write(tmp_path, document), "spec")
    return loaded, warnings


# --- 3.0 -> 3.1 -------------------------------------------------------------------

SCHEMAS_30: Doc = {
    "Voice": {"type": "object", "properties": {"id": {"type": "string"}}},
    "Speed": {
        "type": "number",
        "minimum": 0.5,
        "exclusiveMinimum": True,
        "maximum": 2,
        "exclusiveMaximum": False,
        "nullable": True,
        "example": 1.5,
    },
    "Codec": {"type": "string", "enum": ["mp3", "wav"], "nullable": True},
    "MaybeVoice": {
        "allOf": [{"$ref": "#/components/schemas/Voice"}],
        "nullable": True,
        "description": "the voice, if any",
        "default": None,
    },
    "NotNull": {"type": "integer", "nullable": False},
}
SCHEMAS_31: Doc = {
    "Voice": {"type": "object", "properties": {"id": {"type": "string"}}},
    "Speed": {
        "type": ["number", "null"],
        "exclusiveMinimum": 0.5,
        "maximum": 2,
        "examples": [1.5],
    },
    "Codec": {"type": ["string", "null"], "enum": ["mp3", "wav", None]},
    "MaybeVoice": {
        "anyOf": [
            {"allOf": [{"$ref": "#/components/schemas/Voice"}]},
            {"type": "null"},
        ],
        "description": "the voice, if any",
        "default": None,
    },
    "NotNull": {"type": "integer"},
}


def test_a_30_document_is_the_equivalent_31_one(tmp_path: Path) -> None:
    loaded, warnings = _load(tmp_path, _doc("3.0.3", copy.deepcopy(SCHEMAS_30)))
    assert loaded == _doc("3.1.0", SCHEMAS_31)
    assert warnings == []  # 3.0 written as 3.0 is nothing to warn about


def test_normalising_leaves_its_input_alone() -> None:
    document = _doc("3.0.3", copy.deepcopy(SCHEMAS_30))
    to_openapi31(document, "spec")
    assert document == _doc("3.0.3", SCHEMAS_30)


def test_a_31_document_is_left_as_it_is(tmp_path: Path) -> None:
    document = _doc("3.1.0", copy.deepcopy(SCHEMAS_31))
    assert to_openapi31(document, "spec") is document


def test_a_31_document_with_30_habits_means_what_its_author_meant(
    tmp_path: Path,
) -> None:
    schemas = {
        "Name": {"type": "string", "nullable": True},
        "Page": {"type": "integer", "minimum": 1, "exclusiveMinimum": True},
        "Low": {"type": "integer", "maximum": 9, "exclusiveMaximum": False},
        "Odd": {"type": "number", "exclusiveMinimum": True},
    }
    loaded, warnings = _load(tmp_path, _doc("3.1.0", schemas))
    assert loaded["components"]["schemas"] == {
        "Name": {"type": ["string", "null"]},
        "Page": {"type": "integer", "exclusiveMinimum": 1},
        "Low": {"type": "integer", "maximum": 9},
        "Odd": {"type": "number"},
    }
    assert [(w.file, w.pointer, w.level) for w in warnings] == [
        ("spec", "/components/schemas/Name/nullable", "warning"),
        ("spec", "/components/schemas/Page/exclusiveMinimum", "warning"),
        ("spec", "/components/schemas/Low/exclusiveMaximum", "warning"),
        ("spec", "/components/schemas/Odd/exclusiveMinimum", "warning"),
    ]
    assert "without `minimum` bounds nothing" in warnings[3].message


# The property: random 3.0 schema fragments, each built beside the 3.1 fragment that says
# the same thing (by construction, not by the code under test).
_REFS = ["#/components/schemas/A", "#/components/schemas/B"]


@st.composite
def _typed(draw: st.DrawFn) -> tuple[Doc, Doc]:
    kind = draw(st.sampled_from(["string", "integer", "number", "boolean", "array"]))
    old: Doc = {"type": kind}
    new: Doc = {"type": kind}
    nullable = draw(st.sampled_from([None, True, False]))
    if kind == "string" and draw(st.booleans()):
        values = draw(
            st.lists(st.sampled_from(["no", "yes", "a"]), min_size=1, unique=True)
        )
        old["enum"] = list(values)
        new["enum"] = list(values) + ([None] if nullable else [])
    if kind in ("integer", "number"):
        for flag, bound in (
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ):
            if not draw(st.booleans()):
                continue
            value = draw(st.integers(-5, 5))
            old[bound] = value
            exclusive = draw(st.sampled_from([None, True, False]))
            if exclusive is not None:
                old[flag] = exclusive
            new[flag if exclusive else bound] = value
    if kind == "array":
        item_old, item_new = draw(_fragment(depth=1))
        old["items"], new["items"] = item_old, item_new
    if draw(st.booleans()):
        example = draw(st.sampled_from([1, "x", None]))
        old["example"], new["examples"] = example, [example]
    if nullable is not None:
        old["nullable"] = nullable
    if nullable:
        new["type"] = [kind, "null"]
    return old, new


@st.composite
def _composed(draw: st.DrawFn) -> tuple[Doc, Doc]:
    shape = draw(st.sampled_from(["ref", "allOf", "oneOf"]))
    inner: Doc = (
        {"$ref": draw(st.sampled_from(_REFS))}
        if shape == "ref"
        else {shape: [{"$ref": ref} for ref in _REFS]}
    )
    notes: Doc = {}
    if draw(st.booleans()):
        notes["description"] = "d"
    old = {**inner, **notes}
    new = dict(old)
    if draw(st.booleans()):
        old["nullable"] = True
        new = {"anyOf": [inner, {"type": "null"}], **notes}
    return old, new


@st.composite
def _object(draw: st.DrawFn, depth: int) -> tuple[Doc, Doc]:
    names = draw(
        st.lists(st.sampled_from(["nullable", "type", "a", "example"]), unique=True)
    )
    old: Doc = {"type": "object", "properties": {}}
    new: Doc = {"type": "object", "properties": {}}
    for name in names:  # property names that are keywords are still names
        old["properties"][name], new["properties"][name] = draw(_fragment(depth + 1))
    if draw(st.booleans()):
        old["nullable"] = True
        new["type"] = ["object", "null"]
    return old, new


def _fragment(depth: int = 0) -> st.SearchStrategy[tuple[Doc, Doc]]:
    options = [_typed(), _composed()]
    if depth < 2:
        options.append(_object(depth))
    return st.one_of(*options)


@settings(derandomize=True, max_examples=60, database=None, deadline=None)
@given(_fragment(), _fragment())
def test_random_30_fragments_normalise_to_the_equivalent_31(
    schema: tuple[Doc, Doc], parameter: tuple[Doc, Doc]
) -> None:
    base = {"A": {"type": "object"}, "B": {"type": "string"}}

    def paths(s: Doc) -> Doc:
        return {
            "/x": {
                "get": {
                    "parameters": [{"name": "q", "in": "query", "schema": s}],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        }

    old = _doc("3.0.1", {**base, "X": schema[0]}, paths=paths(parameter[0]))
    new = _doc("3.1.0", {**base, "X": schema[1]}, paths=paths(parameter[1]))
    with collect() as warnings:
        assert to_openapi31(old, "spec") == new
    assert [w for w in warnings if "bounds nothing" not in w.message] == []


# --- warnings instead of refusals ---------------------------------------------------


def test_a_draft_recursive_ref_is_a_ref_to_its_anchor(tmp_path: Path) -> None:
    schemas = {
        "Filter": {
            "$recursiveAnchor": True,
            "type": "object",
            "properties": {
                "filters": {"type": "array", "items": {"$recursiveRef": "#"}}
            },
        }
    }
    loaded, warnings = _load(tmp_path, _doc("3.1.0", schemas))
    assert loaded["components"]["schemas"]["Filter"] == {
        "type": "object",
        "properties": {
            "filters": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Filter"},
            }
        },
    }
    (warning,) = warnings
    assert (
        warning.pointer
        == "/components/schemas/Filter/properties/filters/items/$recursiveRef"
    )


def _operation(**extra: Any) -> Doc:
    return {"responses": {"200": {"description": "ok"}}, **extra}


def test_external_refs_in_extensions_and_examples_are_ignored(tmp_path: Path) -> None:
    body = {
        "content": {
            "application/json": {
                "schema": {"type": "object"},
                "examples": {
                    "one": {"$ref": "./examples/one.json"},
                    "two": {"value": {}},
                },
            }
        }
    }
    paths = {
        "/v": {
            "post": _operation(
                operationId="make",
                requestBody=body,
                **{"x-ms-examples": {"Make": {"$ref": "./examples/make.json"}}},
            )
        }
    }
    loaded, warnings = _load(tmp_path, _doc("3.1.0", {}, paths=paths))
    examples = loaded["paths"]["/v"]["post"]["requestBody"]["content"][
        "application/json"
    ]
    assert examples["examples"] == {"two": {"value": {}}}
    assert [w.pointer for w in warnings] == [
        "/paths/~1v/post/requestBody/content/application~1json/examples/one/$ref",
        "/paths/~1v/post/x-ms-examples/Make/$ref",
    ]


def test_an_external_ref_in_a_schema_is_still_an_error(tmp_path: Path) -> None:
    schemas = {"A": {"$ref": "other.yaml#/A"}}
    with pytest.raises(SpecError) as error:
        _load(tmp_path, _doc("3.1.0", schemas))
    assert error.value.pointer == "/components/schemas/A/$ref"


def test_duplicate_operation_ids_are_dropped_with_a_warning(tmp_path: Path) -> None:
    paths = {
        "/a": {"get": _operation(operationId="list")},
        "/b": {
            "get": _operation(operationId="list"),
            "post": _operation(operationId="make"),
        },
    }
    loaded, warnings = _load(tmp_path, _doc("3.1.0", {}, paths=paths))
    assert "operationId" not in loaded["paths"]["/a"]["get"]
    assert "operationId" not in loaded["paths"]["/b"]["get"]
    assert loaded["paths"]["/b"]["post"]["operationId"] == "make"
    assert [w.pointer for w in warnings] == [
        "/paths/~1a/get/operationId",
        "/paths/~1b/get/operationId",
    ]


def test_published_parameter_slips_are_repaired(tmp_path: Path) -> None:
    query = {"name": "q", "in": "query", "schema": {"type": "string"}}
    paths = {
        "/v/{id}": {
            "get": _operation(
                operationId="get",
                parameters=[
                    query,
                    dict(query),
                    {
                        "name": "o",
                        "in": "query",
                        "schema": {},
                        "allOf": [{"$ref": "#/components/schemas/A"}],
                    },
                ],
            )
        }
    }
    loaded, warnings = _load(
        tmp_path, _doc("3.1.0", {"A": {"type": "object"}}, paths=paths)
    )
    parameters = loaded["paths"]["/v/{id}"]["get"]["parameters"]
    assert parameters == [
        query,
        {
            "name": "o",
            "in": "query",
            "schema": {"allOf": [{"$ref": "#/components/schemas/A"}]},
        },
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
    ]
    assert [w.pointer for w in warnings] == [
        "/paths/~1v~1{id}/get/parameters/2/allOf",
        "/paths/~1v~1{id}/get/parameters/1",
        "/paths/~1v~1{id}/get/parameters",
    ]


def test_schema_slips_are_repaired(tmp_path: Path) -> None:
    schemas = {
        "A": {
            "type": "object",
            "required": ["a", "a"],
            "properties": {"a": {"type": "number,"}},
        },
        "B": {"type": "string", "default": 3},
    }
    loaded, warnings = _load(tmp_path, _doc("3.1.0", schemas))
    assert loaded["components"]["schemas"] == {
        "A": {"type": "object", "required": ["a"], "properties": {"a": {}}},
        "B": {"type": "string"},
    }
    assert sorted(w.pointer for w in warnings) == [
        "/components/schemas/A/properties/a/type",
        "/components/schemas/A/required",
        "/components/schemas/B/default",
    ]


def test_a_dangling_ref_is_still_an_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as error:
        _load(tmp_path, _doc("3.1.0", {"A": {"$ref": "#/components/schemas/Nope"}}))
    assert error.value.pointer == "/components/schemas/A/$ref"


def test_an_unknown_version_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as error:
        _load(tmp_path, _doc("4.0.0", {}))
    assert error.value.pointer == "/openapi"


def test_strict_collect_raises_at_the_first_warning(tmp_path: Path) -> None:
    path = _write(tmp_path, _doc("3.1.0", {"N": {"type": "string", "nullable": True}}))
    with collect(strict=True), pytest.raises(SpecError) as error:
        load_openapi(path, "spec")
    assert str(error.value).startswith(
        "spec: /components/schemas/N/nullable: `nullable`"
    )


# --- finding the spec, and the command line -------------------------------------------


def test_openapi_json_is_an_api_s_spec(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "c").mkdir()
    _write(tmp_path / "a", _doc("3.1.0", {}), "openapi.json")
    _write(tmp_path / "b", _doc("3.1.0", {}), "openapi.yaml")
    _write(tmp_path / "b", _doc("3.1.0", {}), "openapi.json")
    assert pipeline.discover(tmp_path) == ["a", "b"]
    assert spec_files.spec_file(tmp_path / "a").name == "openapi.json"
    assert spec_files.spec_file(tmp_path / "b").name == "openapi.yaml"  # YAML first


def _cli(specs: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            "--specs",
            str(specs),
            "--out",
            str(out),
            *extra,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_warnings_are_listed_at_the_end_and_strict_makes_them_errors(
    tmp_path: Path,
) -> None:
    # A real spec of this repository, as JSON, with one 3.0 habit.
    import yaml

    text = (REPO / "specs" / "huawei-metastudio" / "openapi.yaml").read_text("utf-8")
    document = yaml.safe_load(text)
    schema = document["components"]["schemas"]["TtsCallBackConfig"]
    schema["nullable"] = True
    specs, out = tmp_path / "specs", tmp_path / "out"
    (specs / "huawei").mkdir(parents=True)
    _write(specs / "huawei", document, "openapi.json")
    spec = "specs/huawei/openapi.json"
    where = "/components/schemas/TtsCallBackConfig/nullable"

    done = _cli(specs, out)
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.startswith("huawei: ")
        and "; 2 operations, 0 skipped, 1 warning (" in done.stdout
    )
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"warning: {tmp_path}/{spec}: {where}: `nullable`") or (
        line.startswith("warning: ") and f"{spec}: {where}: `nullable`" in line
    )
    assert (out / "tts_huawei" / "client.py").is_file()

    check = _cli(specs, out, "--check")
    assert check.returncode == 0, check.stderr
    assert check.stdout == "huawei: up to date; 2 operations, 0 skipped, 1 warning\n"
    assert len(check.stderr.splitlines()) == 1

    check = _cli(specs, out, "--check", "--strict")
    assert check.returncode == 2
    assert check.stderr.startswith("error: ") and f"{where}: `nullable`" in check.stderr

    strict = _cli(specs, tmp_path / "out2", "--strict")
    assert strict.returncode == 2
    (line,) = strict.stderr.splitlines()
    assert line.startswith("error: ") and f"{spec}: {where}: `nullable`" in line
    assert not (tmp_path / "out2").exists()


def test_refs_are_checked_under_names_that_are_keywords_elsewhere(
    tmp_path: Path,
) -> None:
    # `default` and `example` are data beside a schema, but names in a `properties` map.
    schemas = {
        "A": {
            "type": "object",
            "default": {"$ref": "not a reference, a value"},
            "properties": {"default": {"$ref": "#/components/schemas/Nope"}},
        }
    }
    with pytest.raises(SpecError) as error:
        _load(tmp_path, _doc("3.1.0", schemas))
    assert error.value.pointer == "/components/schemas/A/properties/default/$ref"


def test_a_warning_always_has_an_exact_place() -> None:
    from generator.errors import warn

    with collect() as warnings:
        warn("spec", "/info", "x")
        warn("spec", "/info", "x")  # the same warning twice is listed once
        for where in ("", "/"):
            with pytest.raises(ValueError):
                warn("spec", where, "somewhere in the document")
    assert [w.line() for w in warnings] == ["warning: spec: /info: x"]
