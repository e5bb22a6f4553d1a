"""Published specs need no `x-sdkgen-*` extension (issue 26, items 3 and 4): error bodies of
the common shapes, no `servers`, no operationId, duplicate operationIds, an invalid
`default`, operations the generator cannot express (skipped with a warning, an error under
`--strict`), and the count of operations per API at the end of a run."""

from __future__ import annotations

import copy
import importlib
import inspect
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import naming, pipeline
from generator.errors import Diagnostic, SpecError, collect
from generator.ir_build.context import Context
from generator.ir_build.operations import operation_names
from generator.runtime.response import ErrorShape, common_parts
from tests.support.generate import importable

REPO = Path(__file__).resolve().parents[2]

Doc = dict[str, Any]

VOICE: Doc = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
}


def _json(schema: Doc) -> Doc:
    return {"content": {"application/json": {"schema": schema}}}


def _ok(schema: Doc) -> Doc:
    return {"200": {"description": "OK", **_json(schema)}}


def _spec() -> Doc:
    """A published spec as vendors write them: no servers, no operationIds, no
    extensions (a bearer token, which every client of this generator needs today)."""
    voices: Doc = {"type": "object", "properties": {"voices": {"type": "array"}}}
    voices["properties"]["voices"]["items"] = {"$ref": "#/components/schemas/Voice"}
    voice_id = {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Voices", "version": "1.0.0"},
        "paths": {
            "/v1/voices": {
                "get": {"responses": _ok(voices)},
                "post": {
                    "requestBody": {"required": True, **_json(VOICE)},
                    "responses": _ok({"$ref": "#/components/schemas/Voice"}),
                },
            },
            "/v1/voices/{id}": {
                "get": {
                    "parameters": [voice_id],
                    "responses": _ok({"$ref": "#/components/schemas/Voice"}),
                },
                "delete": {
                    "parameters": [voice_id],
                    "responses": {"204": {"description": "Deleted"}},
                },
            },
        },
        "components": {
            "schemas": {"Voice": VOICE},
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"token": []}],
    }


def _write(root: Path, key: str, spec: Doc) -> Path:
    folder = root / "specs" / key
    folder.mkdir(parents=True)
    (folder / "openapi.json").write_text(json.dumps(spec), encoding="utf-8")
    return root / "specs"


def _generate(
    root: Path, key: str, spec: Doc, *, strict: bool = False
) -> pipeline.Report:
    return pipeline.generate(key, _write(root, key, spec), root / "out", strict=strict)


@pytest.fixture
def imported(tmp_path: Path) -> Iterator[Any]:
    """Generate a spec into `tmp_path` and import its package: `imported(spec)`."""

    def load(spec: Doc, key: str = "voices") -> Any:
        report = _generate(tmp_path, key, spec)
        assert report.written > 0
        return importlib.import_module(naming.package_name(key))

    with importable(tmp_path / "out"):
        yield load


def _mock(answer: httpx.Response, seen: list[httpx.Request]) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer

    return httpx.Client(transport=httpx.MockTransport(handler))


# --- item 3: names from method and path --------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "name"),
    [
        ("get", "/v1/voices/{id}", "get_voice"),
        ("post", "/v1/voices", "create_voice"),
        ("get", "/v1/voices", "list_voices"),
        ("delete", "/v1/voices/{voice_id}", "delete_voice"),
        ("get", "/v2/transcript/{transcript_id}/sentences", "list_sentences"),
        ("put", "/v1/voices/{id}", "put_voices"),
        ("post", "/audio/speech", "post_audio_speech"),
        ("post", "/v1/voices/{id}/edit", "post_voices_edit"),
        ("get", "/v1/usage", "get_usage"),
        ("get", "/v1/entries", "list_entries"),
        ("delete", "/v1/entries/{id}", "delete_entry"),
        # A query string in a path key names nothing.
        ("get", "/responses?beta=true", "list_responses"),
    ],
)
def test_an_operation_without_an_operation_id_is_named_from_method_and_path(
    method: str, path: str, name: str
) -> None:
    assert naming.operation_name(method, path) == name


def _names(operations: list[tuple[str, str, Doc]]) -> dict[tuple[str, str], str]:
    ctx = Context({}, "spec.yaml")
    named = operation_names(ctx, operations)
    return {key: value.method_name for key, value in named.items()}


def test_names_are_unique_and_do_not_depend_on_the_order_of_the_document() -> None:
    operations: list[tuple[str, str, Doc]] = [
        ("/v1/voices/{id}", "get", {}),
        ("/v2/voices/{voice_id}", "get", {}),  # get_voice too: both spelt in full
        ("/v1/voices", "get", {}),
        ("/a-b", "get", {}),
        ("/a_b", "get", {}),  # get_a_b in full too: numbered in path order
        ("/v1/models", "get", {"operationId": "list_voices_old"}),
        (
            "/v1/models/{id}",
            "get",
            {"operationId": "getVoice"},
        ),  # the explicit one wins
    ]
    names = _names(operations)
    assert names == {
        ("/v1/voices/{id}", "get"): "get_v1_voices_by_id",
        ("/v2/voices/{voice_id}", "get"): "get_v2_voices_by_voice_id",
        ("/v1/voices", "get"): "list_voices",
        ("/a-b", "get"): "get_a_b",
        ("/a_b", "get"): "get_a_b_2",
        ("/v1/models", "get"): "list_voices_old",
        ("/v1/models/{id}", "get"): "get_voice",
    }
    assert _names(list(reversed(operations))) == names


_SEGMENT = st.sampled_from(
    ["v1", "v2", "voices", "voice", "jobs", "a-b", "a_b", "{id}", "{voice_id}", "edit"]
)
_OPERATION = st.tuples(
    st.lists(_SEGMENT, max_size=4).map(lambda parts: "/" + "/".join(parts)),
    st.sampled_from(["get", "put", "post", "delete", "patch"]),
    st.sampled_from([{}, {}, {"operationId": "getVoice"}, {"operationId": "listJobs"}]),
)


@settings(max_examples=200, deadline=None)
@given(
    operations=st.lists(_OPERATION, max_size=12, unique_by=lambda o: o[:2]),
    order=st.randoms(use_true_random=False),
)
def test_names_are_unique_whatever_the_operations_and_their_order(
    operations: list[tuple[str, str, Doc]], order: Any
) -> None:
    with collect():
        names = _names(operations)
        shuffled = list(operations)
        order.shuffle(shuffled)
        assert _names(shuffled) == names
    assert len(set(names.values())) == len(names)
    assert all(name.isidentifier() for name in names.values())


def test_duplicate_operation_ids_are_made_unique_with_a_warning_at_each(
    tmp_path: Path,
) -> None:
    spec = _spec()
    for item in spec["paths"].values():
        for operation in item.values():
            operation["operationId"] = "voices"
    spec["paths"]["/v1/voices"]["get"]["operationId"] = "ListAll"
    with collect() as warnings:
        api = pipeline.build_api("voices", _write(tmp_path, "voices", spec))
    assert {o.method_name for o in api.operations} == {
        "list_all",
        "create_voice",
        "get_voice",
        "delete_voice",
    }
    assert sorted(w.pointer for w in warnings) == [
        "/paths/~1v1~1voices/post/operationId",
        "/paths/~1v1~1voices~1{id}/delete/operationId",
        "/paths/~1v1~1voices~1{id}/get/operationId",
    ]
    assert all("'voices' is used by 3 operations" in w.message for w in warnings)


def test_a_method_without_operation_id_works(imported: Any) -> None:
    module = imported(_spec())
    seen: list[httpx.Request] = []
    answer = httpx.Response(200, json={"id": "v1", "name": "Ada"})
    client = module.Client(
        token="t", base_url="https://api.test", http_client=_mock(answer, seen)
    )
    voice = client.get_voice("v1")
    assert voice.name == "Ada"
    assert str(seen[0].url) == "https://api.test/v1/voices/v1"
    assert [
        m for m in ("list_voices", "create_voice", "delete_voice") if hasattr(client, m)
    ]


# --- item 2: no servers ------------------------------------------------------------------


def test_without_servers_base_url_is_required_at_construction(imported: Any) -> None:
    module = imported(_spec())
    parameter = inspect.signature(module.Client).parameters["base_url"]
    assert parameter.default is inspect.Parameter.empty
    with pytest.raises(TypeError, match="base_url"):
        module.Client(token="t")
    with pytest.raises(ValueError, match=r"base_url is required: .* names no server"):
        module.Client(token="t", base_url=None)
    assert module.Client(token="t", base_url="https://api.test/").base_url.startswith(
        "https://api.test"
    )


def test_the_readme_of_a_package_without_servers_passes_base_url(
    imported: Any,
) -> None:
    module = imported(_spec())
    readme = (Path(module.__file__).parent / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in readme.split("```python\n")[1:]]
    assert len(blocks) == 2
    for block in blocks:
        compile(block, "README.md", "exec")
        assert 'base_url="https://…"' in block
    assert "The spec names no server: `base_url=` is required" in readme


def test_a_relative_server_needs_base_url_too(imported: Any) -> None:
    spec = {**_spec(), "servers": [{"url": "/v2"}]}
    module = imported(spec)
    with pytest.raises(ValueError, match="the server '/v2' names no host"):
        module.Client(token="t", base_url=None)


# --- item 1: error bodies without x-sdkgen-errors ----------------------------------------


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"error": {"code": "bad_voice", "message": "No such voice"}}, "bad_voice", "No such voice"),
        ({"error": {"type": "invalid_request_error", "message": "m"}}, "invalid_request_error", "m"),
        ({"code": 40001, "message": "Text too long"}, "40001", "Text too long"),
        ({"detail": "Not authenticated"}, None, "Not authenticated"),
        (
            {"detail": [{"loc": ["body", "text"], "msg": "field required", "type": "missing"}]},
            None,
            "body.text: field required",
        ),
        ({"detail": {"status": "voice_not_found", "message": "gone"}}, "voice_not_found", "gone"),
        ({"error": "Transcript not found"}, None, "Transcript not found"),
        ({"message": "Unauthorized"}, None, "Unauthorized"),
        ({"message": ["text must be a string"], "error": "Bad Request", "statusCode": 400}, "Bad Request", "text must be a string"),
        ({"errors": [{"code": "E1", "message": "a"}, "b"]}, "E1", "a; b"),
        ({"err_code": "INVALID_AUTH", "err_msg": "Invalid credentials."}, "INVALID_AUTH", "Invalid credentials."),
        ({"something": "else"}, None, None),
        (["not", "an", "object"], None, None),
    ],
)  # fmt: skip
def test_the_common_error_shapes_are_read(
    body: Any, code: str | None, message: str | None
) -> None:
    assert common_parts(body) == (code, message)


def test_a_spec_without_error_shape_raises_typed_errors_with_everything(
    imported: Any,
) -> None:
    module = imported(_spec())
    seen: list[httpx.Request] = []
    body = {"error": {"code": "voice_not_found", "message": "No voice v9"}}
    answer = httpx.Response(404, json=body, headers={"x-request-id": "req-42"})
    client = module.Client(
        token="t", base_url="https://api.test", http_client=_mock(answer, seen)
    )
    with pytest.raises(module.errors.NotFoundError) as caught:
        client.get_voice("v9")
    error = caught.value
    assert (error.status_code, error.code, error.request_id) == (
        404,
        "voice_not_found",
        "req-42",
    )
    assert "No voice v9" in str(error) and json.loads(error.body) == body


@pytest.mark.parametrize(
    ("headers", "body", "request_id"),
    [
        ({"x-amzn-requestid": "amzn-1"}, b"<html>Bad gateway</html>", "amzn-1"),
        ({"request-id": "r-2"}, b"", "r-2"),
        ({"x-request-id": "header"}, b'{"request_id": "body-3"}', "body-3"),
        ({}, b'{"error": {"message": "m", "requestId": "inner-4"}}', "inner-4"),
        ({}, b"oops", None),
    ],
)
def test_the_request_id_comes_from_common_fields_and_headers(
    headers: dict[str, str], body: bytes, request_id: str | None
) -> None:
    data = json.loads(body) if body.startswith(b"{") else None
    found = ErrorShape().request_id_of(httpx.Headers(headers), None, data)
    assert found == request_id


def test_a_success_with_a_code_is_no_error_without_x_sdkgen_errors() -> None:
    # `{"code": 0, "message": "ok"}` is many an API's good answer.
    assert ErrorShape().parts(None, {"code": 0, "message": "ok"}, True) == (None, None)
    declared = ErrorShape(code="/code", message="/message")
    find = {"/code": "E1", "/message": "bad"}.get
    assert declared.parts(find, None, True) == ("E1", "bad")


# --- item 4: what the generator cannot express is skipped --------------------------------


def _unexpressible() -> tuple[Doc, list[str]]:
    spec = _spec()
    paths = spec["paths"]
    # multipart/form-data, form and binary bodies are sent (tests/client/test_uploads.py),
    # audio and text answers and server-sent events read (test_binary_responses.py,
    # test_server_sent_events.py); a CSV or YAML document sent, or JSON received without
    # a schema, are not yet.
    csv = {"text/csv": {"schema": {"type": "string"}}}
    paths["/v1/voices"]["post"]["requestBody"] = {"content": csv}
    paths["/v1/voices/{id}/audio"] = {
        "get": {
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                }
            ],
            "responses": {
                "200": {"description": "Audio", "content": {"application/json": {}}}
            },
        }
    }
    yaml_body = {"application/yaml": {"schema": {"type": "string"}}}
    paths["/v1/session"] = {
        "post": {"requestBody": {"content": yaml_body}, "responses": _ok(VOICE)}
    }
    where = [
        "/paths/~1v1~1voices/post/requestBody",
        "/paths/~1v1~1voices~1{id}~1audio/get/responses/200",
        "/paths/~1v1~1session/post/requestBody",
    ]
    return spec, where


def test_an_operation_it_cannot_express_is_skipped_with_a_warning(
    tmp_path: Path,
) -> None:
    spec, where = _unexpressible()
    report = _generate(tmp_path, "voices", spec)
    assert (report.operations, report.operations_skipped) == (3, 3)
    warnings = {w.pointer: w.message for w in report.warnings}
    assert sorted(warnings) == sorted(where)
    assert "text/csv" in warnings[where[0]]
    assert "has application/json" in warnings[where[1]]
    assert "application/yaml" in warnings[where[2]]
    assert all(
        m.endswith(f"operation {op} skipped")
        for m, op in zip(
            (warnings[w] for w in where),
            ("POST /v1/voices", "GET /v1/voices/{id}/audio", "POST /v1/session"),
            strict=True,
        )
    )
    client = (tmp_path / "out" / "tts_voices" / "client.py").read_text()
    assert "def get_voice(" in client and "def create_voice(" not in client
    # Nothing of a skipped operation is generated: its request body is no model.
    models = (tmp_path / "out" / "tts_voices" / "models.py").read_text()
    assert "CreateVoiceRequest" not in models


def test_strict_makes_a_skip_an_error_and_writes_nothing(tmp_path: Path) -> None:
    spec, where = _unexpressible()
    with pytest.raises(SpecError) as caught:
        _generate(tmp_path, "voices", spec, strict=True)
    assert caught.value.pointer == where[0]
    assert not (tmp_path / "out").exists()


def test_a_misused_extension_is_still_an_error(tmp_path: Path) -> None:
    spec = _spec()
    spec["paths"]["/v1/voices"]["get"]["x-sdkgen-paging"] = {"items": 7}
    with pytest.raises(SpecError) as caught:
        _generate(tmp_path, "voices", spec)
    assert "/x-sdkgen-paging" in caught.value.pointer


def test_an_invalid_default_is_dropped_with_a_warning(tmp_path: Path) -> None:
    spec = _spec()
    schema = copy.deepcopy(VOICE)
    schema["properties"]["name"]["default"] = 5
    spec["paths"]["/v1/voices"]["post"]["requestBody"] = {
        "required": True,
        **_json(schema),
    }
    report = _generate(tmp_path, "voices", spec)
    (warning,) = report.warnings
    assert warning.pointer == (
        "/paths/~1v1~1voices/post/requestBody/content/application~1json/schema"
        "/properties/name/default"
    )
    assert "dropped" in warning.message
    assert report.operations_skipped == 0


# --- item 5: the count per API -----------------------------------------------------------


def test_the_run_ends_with_a_count_per_api(tmp_path: Path) -> None:
    spec, _ = _unexpressible()
    specs = _write(tmp_path, "voices", spec)
    done = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--specs", str(specs)]
        + ["--out", str(tmp_path / "out")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    assert line.startswith("voices: ")
    assert "; 3 operations, 3 skipped, 3 warnings (" in line
    assert len(done.stderr.splitlines()) == 3


def test_report_line_counts() -> None:
    warning = Diagnostic("f", "/a", "m")
    report = pipeline.Report("x", 1, 2, 0, 0.5, warnings=(warning,), operations=1)
    assert report.line() == (
        "x: 1 written, 2 unchanged, 0 removed; 1 operation, 0 skipped, 1 warning (0.500 s)"
    )


def test_a_component_it_cannot_express_is_skipped_with_what_uses_it(
    tmp_path: Path,
) -> None:
    spec = _spec()
    odd: Doc = {"type": "object", "properties": {"rate": {"enum": [0.5, 1.5]}}}
    spec["components"]["schemas"]["Odd"] = odd
    spec["components"]["schemas"]["UsesOdd"] = {
        "type": "object",
        "properties": {"odd": {"$ref": "#/components/schemas/Odd"}},
    }
    spec["paths"]["/v1/odd"] = {
        "get": {"responses": _ok({"$ref": "#/components/schemas/UsesOdd"})}
    }
    report = _generate(tmp_path, "voices", spec)
    assert (report.operations, report.operations_skipped) == (4, 1)
    where = "/components/schemas/Odd/properties/rate/enum/0"
    assert [(w.pointer, w.message.rsplit(": ", 1)[-1]) for w in report.warnings] == [
        (where, "schema Odd skipped"),
        (where, "schema UsesOdd skipped"),
        (where, "operation GET /v1/odd skipped"),
    ]
    models = (tmp_path / "out" / "tts_voices" / "models.py").read_text()
    assert "class Voice(" in models and "Odd" not in models


def test_an_empty_enum_is_ignored_with_a_warning(tmp_path: Path) -> None:
    # NestJS output (Vapi) writes `enum: []` where it had no values to list.
    spec = _spec()
    spec["components"]["schemas"]["Voice"] = copy.deepcopy(VOICE)
    spec["components"]["schemas"]["Voice"]["properties"]["name"]["enum"] = []
    report = _generate(tmp_path, "voices", spec)
    (warning,) = report.warnings
    assert warning.pointer == "/components/schemas/Voice/properties/name/enum"
    assert "empty enum" in warning.message
    assert report.operations_skipped == 0
