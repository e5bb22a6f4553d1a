"""The IR built from the real Huawei spec, and `annotation()`."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from generator.errors import SpecError, collect
from generator.ir import Api, Operation
from generator.ir_build import annotation, build
from generator.load import load_openapi

REPO = Path(__file__).resolve().parents[2]
KEY = "huawei-metastudio"
SPEC = REPO / "specs" / KEY / "openapi.yaml"
DISPLAY = f"specs/{KEY}/openapi.yaml"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return load_openapi(SPEC, DISPLAY)


@pytest.fixture(scope="module")
def api(document: dict[str, Any]) -> Api:
    return build(document, KEY, DISPLAY, hashlib.sha256(SPEC.read_bytes()).hexdigest())


def operation(api: Api, operation_id: str) -> Operation:
    (op,) = [o for o in api.operations if o.operation_id == operation_id]
    return op


# --- the API as a whole ----------------------------------------------------------------------


def test_api_identity(api: Api) -> None:
    assert api.key == KEY
    assert api.spec_path == DISPLAY
    assert api.spec_sha256 == hashlib.sha256(SPEC.read_bytes()).hexdigest()
    assert api.package == "tts_huawei_metastudio"
    assert api.distribution == "tts-huawei-metastudio"
    assert api.title == "Huawei Cloud MetaStudio asynchronous TTS"
    assert api.version == "1.0.0"


def test_server_and_regions(api: Api) -> None:
    assert api.server.url == "https://metastudio.{region}.myhuaweicloud.com"
    assert api.server.region_default == "cn-north-4"
    assert api.server.regions == ("cn-north-4", "cn-east-3", "ap-southeast-3")


def test_error_shape(api: Api) -> None:
    assert (api.errors.code, api.errors.message) == ("/error_code", "/error_msg")
    assert api.errors.request_id == "/request_id"
    assert api.errors.request_id_header == "X-Request-Id"


def test_auth_schemes_in_spec_order(api: Api) -> None:
    ak_sk, token = api.auth
    assert ak_sk.key == "akSk"
    assert [c.name for c in ak_sk.credentials] == ["ak", "sk", "security_token"]
    assert [c.env for c in ak_sk.credentials] == [
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "HUAWEICLOUD_SDK_SECURITY_TOKEN",
    ]
    assert [c.secret for c in ak_sk.credentials] == [False, True, True]
    assert [c.optional for c in ak_sk.credentials] == [False, False, True]
    assert ak_sk.header is None
    assert ak_sk.signer is not None
    assert ak_sk.signer.scheme == "sdk-hmac-sha256"
    assert (ak_sk.signer.module, ak_sk.signer.class_name) == (
        "sdk_hmac_sha256",
        "SdkHmacSha256Signer",
    )
    assert ak_sk.signer.client_parameters == ("project_id",)
    assert token.key == "token"
    assert token.header == "X-Auth-Token"
    assert token.signer is None
    assert [(c.name, c.env, c.secret) for c in token.credentials] == [
        ("token", None, True)
    ]
    assert api.signers == (ak_sk.signer,)


# --- operations ------------------------------------------------------------------------------


def test_operations_and_method_names(api: Api) -> None:
    assert [
        (o.operation_id, o.method_name, o.http_method, o.path) for o in api.operations
    ] == [
        (
            "CreateAsyncTtsJob",
            "create_async_tts_job",
            "POST",
            "/v1/{project_id}/ttsc/async-jobs",
        ),
        (
            "ShowAsyncTtsJob",
            "show_async_tts_job",
            "GET",
            "/v1/{project_id}/ttsc/async-jobs/{job_id}",
        ),
    ]


def test_only_reads_are_idempotent(api: Api) -> None:
    assert operation(api, "CreateAsyncTtsJob").idempotent is False
    assert operation(api, "ShowAsyncTtsJob").idempotent is True


def test_bodies_and_responses(api: Api) -> None:
    create, show = (
        operation(api, "CreateAsyncTtsJob"),
        operation(api, "ShowAsyncTtsJob"),
    )
    assert (
        create.body is not None and create.body.name == "CreateAsyncTtsJobRequestBody"
    )
    assert create.response is not None
    assert create.response.name == "CreateAsyncTtsJobResponse"
    assert create.example == {
        "text": "Hello, everyone. I'm Sarah.",
        "voice_asset_id": "c84054e7f29543048d585f61248c64c9",
    }
    assert show.body is None and show.body_fields == ()
    assert show.response is not None
    assert show.response.name == "ShowAsyncTtsJobResponse"


def test_body_fields_are_required_first_then_in_spec_order(
    api: Api, document: dict[str, Any]
) -> None:
    create = operation(api, "CreateAsyncTtsJob")
    schema = document["components"]["schemas"]["CreateAsyncTtsJobRequestBody"]
    spec_order = list(schema["properties"])
    required = [p for p in spec_order if p in schema["required"]]
    optional = [p for p in spec_order if p not in schema["required"]]
    assert required == ["text", "voice_asset_id"]
    assert [f.wire_name for f in create.body_fields] == required + optional
    assert [f.name for f in create.body_fields][:4] == [
        "text",
        "voice_asset_id",
        "tts_text",
        "speed",
    ]
    assert [f.required for f in create.body_fields] == [True] * 2 + [False] * len(
        optional
    )
    # The model itself keeps the spec's order (tts_text comes before voice_asset_id there).
    assert create.body is not None
    assert [f.wire_name for f in create.body.fields] == spec_order


def test_project_id_is_a_client_level_parameter(api: Api) -> None:
    (project,) = api.client_parameters
    assert (project.name, project.env) == ("project_id", "HUAWEICLOUD_SDK_PROJECT_ID")
    for op in api.operations:
        (param,) = [p for p in op.parameters if p.wire_name == "project_id"]
        assert param.client_level is True
        assert param.env == "HUAWEICLOUD_SDK_PROJECT_ID"
        assert param.location == "path" and param.required is True
        assert "project_id" not in [p.name for p in op.method_parameters]


def test_method_parameters(api: Api) -> None:
    create, show = (
        operation(api, "CreateAsyncTtsJob"),
        operation(api, "ShowAsyncTtsJob"),
    )
    (user,) = create.method_parameters
    assert (user.name, user.wire_name, user.location) == (
        "x_app_user_id",
        "X-App-UserId",
        "header",
    )
    assert (user.required, user.annotation, user.client_level) == (False, "str", False)
    assert create.path_arguments == ()
    (job,) = show.path_arguments
    assert (job.name, job.wire_name, job.location, job.required) == (
        "job_id",
        "job_id",
        "path",
        True,
    )
    # The official SDK sends the user id header on queries too.
    (show_user,) = [p for p in show.method_parameters if p.location == "header"]
    assert show_user.wire_name == "X-App-UserId"
    assert show.method_parameters == (job, show_user)
    # Every header argument is printable ASCII, unless the spec says more.
    assert show_user.schema["pattern"] == "^[ -~]*$"


# --- models ----------------------------------------------------------------------------------


def test_every_component_schema_is_a_model(api: Api, document: dict[str, Any]) -> None:
    schemas = [m.name for m in api.models if m.role == "schema"]
    assert schemas == sorted(document["components"]["schemas"])
    # Besides them, one model per operation checks its non-body, non-client arguments.
    # And one the client's own arguments (project_id).
    assert [(m.name, m.strict) for m in api.models if m.role == "parameters"] == [
        ("ClientParameters", True),
        ("CreateAsyncTtsJobParameters", True),
        ("ShowAsyncTtsJobParameters", True),
    ]
    (show,) = [o for o in api.operations if o.operation_id == "ShowAsyncTtsJob"]
    assert show.parameters_model is not None
    assert [f.name for f in show.parameters_model.fields] == ["job_id", "x_app_user_id"]
    assert show.parameters_model.schema["properties"]["job_id"]["minLength"] == 1


@pytest.mark.parametrize(
    ("model", "strict"),
    [
        ("CreateAsyncTtsJobRequestBody", True),
        ("TtsCallBackConfig", True),
        ("CreateAsyncTtsJobResponse", False),
        ("ShowAsyncTtsJobResponse", False),
        ("TtsCallbackEvent", False),
        ("ErrorResponse", False),
    ],
)
def test_request_models_are_strict_and_others_tolerant(
    api: Api, model: str, strict: bool
) -> None:
    (found,) = [m for m in api.models if m.name == model]
    assert found.strict is strict
    assert found.schema["additionalProperties"] is (not strict)


def test_priority_default_is_5(api: Api, document: dict[str, Any]) -> None:
    body = operation(api, "CreateAsyncTtsJob").body
    assert body is not None
    priority = body.field("priority")
    assert (priority.default, priority.has_default, priority.required) == (
        5,
        True,
        False,
    )
    assert priority.annotation == "int"
    assert priority.notes == "0 to 10. Server default: 5."
    # `$comment` explains the choice in the spec; it must not leak into the model schema.
    assert (
        "$comment"
        in document["components"]["schemas"]["CreateAsyncTtsJobRequestBody"][
            "properties"
        ]["priority"]
    )
    assert "$comment" not in body.schema["properties"]["priority"]


def test_fields_without_default(api: Api) -> None:
    body = operation(api, "CreateAsyncTtsJob").body
    assert body is not None
    gen_srt = body.field("gen_srt")
    assert (gen_srt.default, gen_srt.has_default) == (None, False)
    need_timestamp = body.field("need_timestamp")
    assert (need_timestamp.default, need_timestamp.has_default) == (False, True)
    assert body.field("speed").notes == "50 to 200. Server default: 100."
    assert body.field("audio_format").notes == "One of WAV, MP3. Server default: WAV."


def test_field_annotations(api: Api) -> None:
    body = operation(api, "CreateAsyncTtsJob").body
    assert body is not None
    assert body.field("audio_format").annotation == 'Literal["WAV", "MP3"]'
    assert body.field("callback_config").annotation == "TtsCallBackConfig"
    assert body.field("need_timestamp").annotation == "bool"
    assert body.field("srt_len").annotation == "int"
    show = operation(api, "ShowAsyncTtsJob").response
    assert show is not None
    # Received enums are open, and a field the vendor's SDK treats as optional is optional.
    assert (
        show.field("state").annotation
        == 'Literal["WAITING", "PROCESSING", "SUCCEED", "FAILED"] | str'
    )
    assert not show.field("state").required
    (event,) = [m for m in api.models if m.name == "TtsCallbackEvent"]
    assert event.field("audio_duration").annotation == "float"


def test_a_reference_without_description_borrows_the_models(api: Api) -> None:
    body = operation(api, "CreateAsyncTtsJob").body
    assert body is not None
    assert body.field("callback_config").description == "Callback settings."


# --- lifecycle and callbacks -----------------------------------------------------------------


def test_job_lifecycle(api: Api) -> None:
    lifecycle = api.lifecycle
    assert lifecycle is not None
    assert lifecycle.submit is operation(api, "CreateAsyncTtsJob")
    assert lifecycle.query is operation(api, "ShowAsyncTtsJob")
    assert lifecycle.job_id_field.name == "job_id"
    assert lifecycle.query_parameter.name == "job_id"
    assert lifecycle.state_field.name == "state"
    assert lifecycle.running == ("WAITING", "PROCESSING")
    assert lifecycle.succeeded == ("SUCCEED",)
    assert lifecycle.failed == ("FAILED",)
    assert (
        lifecycle.failure_code_field is not None
        and lifecycle.failure_code_field.name == "code"
    )
    assert lifecycle.failure_message_field is not None
    assert lifecycle.failure_message_field.name == "message"
    assert (
        lifecycle.result_field is not None
        and lifecycle.result_field.name == "audio_file_url"
    )
    assert (lifecycle.poll_interval, lifecycle.max_poll_interval) == (3.0, 15.0)


def test_lifecycle_states_cover_the_state_enum(
    api: Api, document: dict[str, Any]
) -> None:
    lifecycle = api.lifecycle
    assert lifecycle is not None
    enum = document["components"]["schemas"]["ShowAsyncTtsJobResponse"]["properties"][
        "state"
    ]["enum"]
    assert sorted(lifecycle.running + lifecycle.succeeded + lifecycle.failed) == sorted(
        enum
    )


def test_callback(api: Api) -> None:
    (callback,) = api.callbacks
    assert callback.function_name == "parse_callback"
    assert callback.model.name == "TtsCallbackEvent"
    assert callback.model.strict is False
    assert "callback_config.callback_url" in callback.description


# --- annotation() ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "string"}, "str"),
        ({"type": "integer"}, "int"),
        ({"type": "number"}, "float"),
        ({"type": "boolean"}, "bool"),
        ({"type": "string", "enum": ["WAV", "MP3"]}, 'Literal["WAV", "MP3"]'),
        ({"type": "integer", "enum": [1, 2]}, "Literal[1, 2]"),
        ({"type": "array", "items": {"type": "string"}}, "list[str]"),
        (
            {"type": "array", "items": {"$ref": "#/components/schemas/Voice"}},
            "list[Voice]",
        ),
        ({"type": "array"}, "list[Any]"),
        (
            {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
            "list[list[int]]",
        ),
        ({"$ref": "#/components/schemas/TtsCallBackConfig"}, "TtsCallBackConfig"),
        (
            {"type": "object", "additionalProperties": {"type": "integer"}},
            "dict[str, int]",
        ),
        ({"type": "object"}, "dict[str, Any]"),
        ({"type": ["string", "null"]}, "str | None"),
        (
            {"type": ["array", "null"], "items": {"type": "number"}},
            "list[float] | None",
        ),
        (
            {"type": ["string", "null"], "enum": ["a", "b", None]},
            'Literal["a", "b"] | None',
        ),
        ({"type": ["string", "integer"]}, "Any"),
        ({}, "Any"),
    ],
)
def test_annotation(schema: Mapping[str, Any], expected: str) -> None:
    assert annotation(schema) == expected


# --- errors while building -------------------------------------------------------------------


def test_two_properties_mapping_to_one_python_name_are_refused(
    document: dict[str, Any],
) -> None:
    broken = copy.deepcopy(document)
    properties = broken["components"]["schemas"]["TtsCallBackConfig"]["properties"]
    properties["fooBar"] = {"type": "string"}
    properties["foo_bar"] = {"type": "string"}
    with pytest.raises(SpecError) as caught:
        build(broken, KEY, DISPLAY, "0")
    error = caught.value
    assert error.file == DISPLAY
    assert error.pointer == "/components/schemas/TtsCallBackConfig/properties/foo_bar"
    assert "'fooBar'" in error.message and "'foo_bar'" in error.message
    assert "'foo_bar'" in error.message.split("map to")[-1]


def test_two_operation_ids_mapping_to_one_method_are_named_from_their_paths(
    document: dict[str, Any],
) -> None:
    # Refused before issue 26: now both are named from method and path, each with a
    # warning at its operationId (an error under --strict).
    broken = copy.deepcopy(document)
    del broken["x-sdkgen-job"]
    item = broken["paths"]["/v1/{project_id}/ttsc/async-jobs/{job_id}"]
    item["delete"] = copy.deepcopy(item["get"])
    item["delete"]["operationId"] = "showAsyncTtsJob"
    with collect() as warnings:
        api = build(broken, KEY, DISPLAY, "0")
    methods = {o.http_method: o.method_name for o in api.operations}
    assert methods["GET"] == "get_async_job" and methods["DELETE"] == "delete_async_job"
    where = "/paths/~1v1~1{project_id}~1ttsc~1async-jobs~1{job_id}"
    assert [w.pointer for w in warnings] == [
        f"{where}/delete/operationId",
        f"{where}/get/operationId",
    ]
    with collect(strict=True), pytest.raises(SpecError) as caught:
        build(broken, KEY, DISPLAY, "0")
    assert caught.value.pointer == f"{where}/delete/operationId"


def test_build_does_not_modify_the_document(document: dict[str, Any]) -> None:
    before = copy.deepcopy(document)
    build(document, KEY, DISPLAY, "0")
    assert document == before


def test_a_misspelt_extension_is_reported_where_it_stands() -> None:
    document = load_openapi(SPEC, DISPLAY)
    document["x-sdkgen-jobs"] = document.pop("x-sdkgen-job")
    with pytest.raises(SpecError) as caught:
        build(document, KEY, DISPLAY, "0")
    assert caught.value.pointer == "/x-sdkgen-jobs"
    assert "unknown extension" in caught.value.message
    assert "x-sdkgen-job" in caught.value.message
