"""The RPC convention and the wire forms (JSON inside strings, byte limits, other shapes), in
the IR and in the models they generate. Each case starts from the Alibaba ICE spec, the first
API that uses them, and changes one thing."""

from __future__ import annotations

import copy
import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from generator.errors import SpecError
from generator.ir import Api
from generator.ir_build import build
from generator.models import render_models
from tests.support.generate import generated_package

REPO = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load(
    (REPO / "specs" / "alibaba-ice" / "openapi.yaml").read_text(encoding="utf-8")
)
SUBMIT = ("paths", "/SubmitAudioProduceJob", "post")


def build_spec(change: Callable[[dict[str, Any]], object] | None = None) -> Api:
    document = copy.deepcopy(SPEC)
    if change is not None:
        change(document)
    return build(document, "alibaba-ice", "spec.yaml", "")


def at(document: dict[str, Any], *path: Any) -> Any:
    node: Any = document
    for part in path:
        node = node[part]
    return node


def parameter(document: dict[str, Any], name: str) -> dict[str, Any]:
    params = at(document, *SUBMIT, "parameters")
    found: dict[str, Any] = next(p for p in params if p["name"] == name)
    return found


def refused(change: Callable[[dict[str, Any]], object]) -> SpecError:
    with pytest.raises(SpecError) as caught:
        build_spec(change)
    return caught.value


# --- RPC ----------------------------------------------------------------------------------


def test_every_action_goes_to_the_rpc_path_with_its_action_and_version() -> None:
    api = build_spec()
    by_id = {op.operation_id: op for op in api.operations}
    assert {op.path for op in api.operations} == {"/"}
    assert {op.http_method for op in api.operations} == {"POST"}
    submit = by_id["SubmitAudioProduceJob"]
    assert submit.action == "SubmitAudioProduceJob"
    assert submit.constants == (
        ("header", "x-acs-action", "SubmitAudioProduceJob"),
        ("header", "x-acs-version", "2020-11-09"),
    )


def test_the_pseudo_paths_method_still_decides_retries() -> None:
    by_id = {op.operation_id: op for op in build_spec().operations}
    # get and delete are safe to repeat; the lifecycle's submit never is.
    assert by_id["GetSmartHandleJob"].idempotent
    assert by_id["ListSmartJobs"].idempotent
    assert by_id["DeleteSmartJob"].idempotent
    assert not by_id["SubmitAudioProduceJob"].idempotent


def test_action_and_version_may_travel_in_the_query() -> None:
    def in_query(document: dict[str, Any]) -> None:
        rpc = document["x-sdkgen-rpc"]
        del rpc["action-header"], rpc["version-header"]
        rpc.update({"action-query": "Action", "version-query": "Version"})
        rpc["version"] = "2021-01-01"

    (op, *_) = build_spec(in_query).operations
    assert op.constants[-2:] == (
        ("query", "Action", op.action),
        ("query", "Version", "2021-01-01"),
    )


@pytest.mark.parametrize(
    ("change", "pointer", "message"),
    [
        (
            lambda d: d["x-sdkgen-rpc"].pop("action-header"),
            "/x-sdkgen-rpc",
            "name exactly one of action-header or action-query",
        ),
        (
            lambda d: d["x-sdkgen-rpc"].update({"verison": "1"}),
            "/x-sdkgen-rpc/verison",
            "unknown key",
        ),
        (
            lambda d: d["paths"].update(
                {"/a/b": {"get": {**d["paths"]["/DeleteSmartJob"]["delete"]}}}
            ),
            "/paths/~1a~1b",
            "an RPC pseudo-path is / and the action's name",
        ),
        (
            lambda d: parameter(d, "Title").update(
                {"name": "x-acs-action", "in": "header"}
            ),
            "/paths/~1SubmitAudioProduceJob/post",
            "'x-acs-action' is set by x-sdkgen-rpc, not a parameter",
        ),
    ],
)
def test_a_bad_rpc_convention_is_refused_at_its_place(
    change: Callable[[dict[str, Any]], object], pointer: str, message: str
) -> None:
    error = refused(change)
    assert error.pointer == pointer
    assert message in error.message


# --- JSON inside strings, byte limits --------------------------------------------------------


def test_json_strings_are_typed_by_their_content_and_limits_are_in_bytes() -> None:
    submit = next(
        op for op in build_spec().operations if op.action == "SubmitAudioProduceJob"
    )
    by_name = {p.name: p for p in submit.parameters}
    # The signature shows the document's type; the parameters model sends it as text.
    assert by_name["editing_config"].annotation == "EditingConfig"
    assert submit.parameters_model is not None
    properties = submit.parameters_model.schema["properties"]
    assert properties["editing_config"]["x-python-type"] == (
        "_runtime.wire.JsonString[EditingConfig]"
    )
    assert properties["title"]["x-python-type"] == (
        "Annotated[str, _runtime.wire.MaxBytes[128]]"
    )
    assert properties["user_data"]["x-python-type"] == (
        "Annotated[_runtime.wire.JsonString[UserData], _runtime.wire.MaxBytes[512]]"
    )


def test_models_only_parameters_refer_to_are_strict() -> None:
    models = {m.name: m for m in build_spec().models}
    # Reached only from query parameters: sent, so unknown keys are refused.
    assert models["EditingConfig"].strict
    assert models["OutputConfig"].strict
    assert not models["ReportedEditingConfig"].strict


def test_received_json_strings_and_shapes_reach_the_models_source() -> None:
    api = build_spec()
    source = render_models(api)
    assert "from ._runtime.wire import JsonString, MaxBytes, WireShapes" in source
    assert "class AiSegment(WireShapes):" in source
    assert (
        "AiSegment.__wire_shapes__ = ({'text': ('content', 1), 'start': ('from', 1), "
        "'end': ('to', 1)}, {'text': ('text', 1), 'start': ('begin_time', 1000), "
        "'end': ('end_time', 1000)},)"
    ) in source
    # Limits are for what is sent: a received model takes a long title as it comes.
    received = next(m for m in api.models if m.name == "SmartJobInfo")
    assert "MaxBytes" not in str(received.schema)
    assert api.runtime_modules == ("wire",)


def test_an_api_without_wire_forms_gets_no_wire_module() -> None:
    def plain(document: dict[str, Any]) -> None:
        for name in ("EditingConfig", "OutputConfig", "UserData"):
            schema = parameter(document, name)["schema"]
            del schema["contentMediaType"], schema["contentSchema"]
        for name in ("Title", "Description", "UserData"):
            parameter(document, name)["schema"].pop("x-sdkgen-max-bytes", None)
        schemas = document["components"]["schemas"]
        del schemas["AiSegment"]["x-sdkgen-wire-shapes"]
        for owner, prop in (
            ("SmartJobInfo", "EditingConfig"),
            ("SmartJob", "EditingConfig"),
            ("JobResult", "AiResult"),
        ):
            schemas[owner]["properties"][prop] = {"type": "string"}

    assert build_spec(plain).runtime_modules == ()


@pytest.mark.parametrize(
    ("change", "pointer", "message"),
    [
        (
            lambda d: parameter(d, "EditingConfig")["schema"].pop("contentSchema"),
            "/paths/~1SubmitAudioProduceJob/post/parameters/0/schema",
            "needs both contentMediaType: application/json and a contentSchema",
        ),
        (
            lambda d: parameter(d, "EditingConfig")["schema"].update(
                {"contentMediaType": "application/xml"}
            ),
            "/paths/~1SubmitAudioProduceJob/post/parameters/0/schema/contentMediaType",
            "only application/json content is supported",
        ),
        (
            lambda d: parameter(d, "Title")["schema"].update({"x-sdkgen-max-bytes": 0}),
            "/paths/~1SubmitAudioProduceJob/post/parameters/3/schema/x-sdkgen-max-bytes",
            "expected a positive integer",
        ),
        (
            lambda d: d["components"]["schemas"]["JobResult"]["properties"][
                "AiResult"
            ].update({"type": "object"}),
            "/components/schemas/JobResult/properties/AiResult/type",
            "JSON inside a string needs type: string",
        ),
        (
            lambda d: d["components"]["schemas"]["AiSegment"]["x-sdkgen-wire-shapes"][
                0
            ].update({"speaker": "who"}),
            "/components/schemas/AiSegment/x-sdkgen-wire-shapes/0/speaker",
            "'speaker' is not a property of this schema",
        ),
        (
            lambda d: d["components"]["schemas"]["AiSegment"]["x-sdkgen-wire-shapes"][
                1
            ]["start"].update({"divide-by": -1}),
            "/components/schemas/AiSegment/x-sdkgen-wire-shapes/1/start/divide-by",
            "expected a positive number",
        ),
    ],
)
def test_a_bad_wire_form_is_refused_at_its_place(
    change: Callable[[dict[str, Any]], object], pointer: str, message: str
) -> None:
    error = refused(change)
    assert error.pointer == pointer
    assert message in error.message


def test_received_models_check_no_ranges_or_lengths() -> None:
    models = {m.name: m for m in build_spec().models}
    sent = models["EditingConfig"].schema["properties"]["volume"]
    received = models["ReportedEditingConfig"].schema["properties"]["volume"]
    assert (sent["minimum"], sent["maximum"]) == (0, 100)
    assert "minimum" not in received and "maximum" not in received


# --- envelopes: what every answer is wrapped in --------------------------------------------

ENVELOPED = """
openapi: 3.1.0
info: {title: Enveloped demo, version: '2024-01-01'}
servers: [{url: 'https://demo.example'}]
security: [{key: []}]
x-sdkgen-rpc:
  {path: /, method: POST, action-header: X-Action, version-header: X-Version,
   envelope: /Body/Result}
x-sdkgen-errors:
  {code: /Body/Error/Code, message: /Body/Error/Message, request-id: /Body/RequestId}
x-sdkgen-job:
  {submit: Submit, query: Get, job-id: /Id, query-parameter: Id, state: /State,
   running: [run], succeeded: [done], failed: [bad], failure-code: /Code,
   ok-codes: [0], poll-interval: 0.001}
paths:
  /Submit:
    post:
      operationId: Submit
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [Text]
              properties: {Text: {type: string}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/SubmitAnswer'}}}}
  /Get:
    get:
      operationId: Get
      parameters: [{name: Id, in: query, required: true, schema: {type: string}}]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/GetAnswer'}}}}
  /List:
    get:
      operationId: List
      parameters: [{name: Token, in: query, schema: {type: string}}]
      x-sdkgen-paging: {items: /Jobs, next-token: /Next, token-parameter: Token}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/ListAnswer'}}}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
  schemas:
    SubmitAnswer:
      type: object
      required: [Body]
      properties:
        Body:
          type: object
          required: [Result]
          properties:
            RequestId: {type: string}
            Result: {$ref: '#/components/schemas/Job'}
    GetAnswer:
      type: object
      required: [Body]
      properties:
        Body:
          type: object
          required: [Result]
          properties: {Result: {$ref: '#/components/schemas/Job'}}
    ListAnswer:
      type: object
      required: [Body]
      properties:
        Body:
          type: object
          required: [Result]
          properties: {Result: {$ref: '#/components/schemas/Page'}}
    Job:
      type: object
      required: [Id]
      properties:
        Id: {type: string}
        State: {type: string}
        Code: {type: integer}
    Page:
      type: object
      properties:
        Jobs: {type: array, items: {$ref: '#/components/schemas/Job'}}
        Next: {type: string}
"""


@pytest.fixture(scope="module")
def enveloped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    for _ in generated_package(tmp_path_factory, "demo-enveloped", ENVELOPED):
        yield importlib.import_module("tts_demo_enveloped")


def _wrapped(result: Any, **body: Any) -> httpx.Response:
    return httpx.Response(200, json={"Body": {"Result": result, **body}})


def test_an_envelope_of_any_depth_is_unwrapped_for_every_method(enveloped: Any) -> None:
    demo = enveloped

    pages = {"": ("a", "b", "t2"), "t2": ("c", None, None)}
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        action = request.headers["X-Action"]
        if action == "Submit":
            return _wrapped({"Id": "j1"}, RequestId="r1")
        if action == "Get":
            state = "run" if len(sent) < 3 else "done"
            return _wrapped({"Id": request.url.params["Id"], "State": state, "Code": 0})
        first, second, following = pages[request.url.params.get("Token", "")]
        jobs = [{"Id": i} for i in (first, second) if i]
        return _wrapped({"Jobs": jobs, **({"Next": following} if following else {})})

    with (
        httpx.Client(transport=httpx.MockTransport(answer)) as http,
        demo.Client(key="k", http_client=http) as api,
    ):
        job = api.submit(text="hello")
        assert type(job).__name__ == "Job" and job.id == "j1"
        done = api.wait_for_job(job.id)
        assert (done.id, done.state) == ("j1", "done")
        assert [j.id for j in api.iter_list()] == ["a", "b", "c"]
    assert [r.headers["X-Action"] for r in sent] == ["Submit"] + ["Get"] * 2 + [
        "List"
    ] * 2


def test_errors_are_still_read_from_the_whole_body(enveloped: Any) -> None:
    demo = enveloped
    errors = importlib.import_module("tts_demo_enveloped.errors")
    APIResponseValidationError, APIStatusError = (
        errors.APIResponseValidationError,
        errors.APIStatusError,
    )

    refusal = {"Body": {"Error": {"Code": "Bad", "Message": "no"}, "RequestId": "r9"}}
    answers = iter([httpx.Response(200, json=refusal), httpx.Response(200, json={})])
    with (
        httpx.Client(transport=httpx.MockTransport(lambda _: next(answers))) as http,
        demo.Client(key="k", http_client=http) as api,
    ):
        with pytest.raises(APIStatusError) as caught:
            api.get(id="j1")
        assert (caught.value.code, caught.value.request_id) == ("Bad", "r9")
        with pytest.raises(APIResponseValidationError) as unwrapped:
            api.get(id="j1")
        assert unwrapped.value.body == b"{}"


def test_lifecycle_pointers_start_inside_the_envelope() -> None:
    document = yaml.safe_load(ENVELOPED)
    api = build(document, "demo-enveloped", "spec.yaml", "")
    assert api.lifecycle is not None
    assert [f.wire_name for f in api.lifecycle.state_field.fields] == ["State"]
    get = next(op for op in api.operations if op.operation_id == "Get")
    assert get.envelope is not None and get.envelope_model is not None
    assert [f.wire_name for f in get.envelope.fields] == ["Body", "Result"]
    assert (get.envelope_model.name, get.response and get.response.name) == (
        "GetAnswer",
        "Job",
    )


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    spec = ENVELOPED.replace(
        "x-sdkgen-paging: {items: /Jobs, next-token: /Next, token-parameter: Token}",
        "x-sdkgen-paging: {items: /Jobs, next-link: /Next}",
    )
    assert spec != ENVELOPED
    for _ in generated_package(tmp_path_factory, "demo-linked", spec):
        yield importlib.import_module("tts_demo_linked")


def test_next_page_links_are_unwrapped_too(linked: Any) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/page2":
            return _wrapped({"Jobs": [{"Id": "c"}]})
        return _wrapped({"Jobs": [{"Id": "a"}, {"Id": "b"}], "Next": "/page2"})

    with (
        httpx.Client(transport=httpx.MockTransport(answer)) as http,
        linked.Client(key="k", http_client=http) as api,
    ):
        assert [j.id for j in api.iter_list()] == ["a", "b", "c"]
