"""`generator.naming`: every Python name the generator emits, and how names reach generated code."""

from __future__ import annotations

import builtins
import importlib
import json
import keyword
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from generator import naming, pipeline, spec_files
from generator.errors import SpecError
from generator.ir import Api
from generator.ir_build import build
from generator.load import load_openapi

REPO = Path(__file__).resolve().parents[2]
HUAWEI_SPEC = REPO / "specs" / "huawei-metastudio" / "openapi.yaml"
# The pydantic BaseModel attributes a field must not shadow.
PYDANTIC_ATTRIBUTES = (
    "json",
    "dict",
    "copy",
    "schema",
    "validate",
    "construct",
    "parse_obj",
)


# --- snake_case, PascalCase -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CreateAsyncTtsJob", "create_async_tts_job"),
        ("ShowAsyncTtsJob", "show_async_tts_job"),
        ("createAsyncTtsJob", "create_async_tts_job"),
        ("X-App-UserId", "x_app_user_id"),
        ("X-Request-Id", "x_request_id"),
        ("HTTPRequestId", "http_request_id"),
        ("job-id", "job_id"),
        ("already_snake", "already_snake"),
        ("callback config", "callback_config"),
        ("audio2Text", "audio2_text"),
    ],
)
def test_snake_case(name: str, expected: str) -> None:
    assert naming.snake_case(name) == expected


def test_words_split_every_convention_alike() -> None:
    expected = ["app", "user", "id"]
    for spelling in (
        "AppUserId",
        "appUserId",
        "app_user_id",
        "app-user-id",
        "App User Id",
    ):
        assert naming.words(spelling) == expected, spelling


def test_operation_ids_become_method_names() -> None:
    assert naming.method_name("CreateAsyncTtsJob") == "create_async_tts_job"
    assert naming.method_name("ShowAsyncTtsJob") == "show_async_tts_job"


def test_headers_become_argument_names() -> None:
    assert naming.argument_name("X-App-UserId") == "x_app_user_id"
    assert naming.argument_name("project_id") == "project_id"


def test_class_names_keep_existing_capitals() -> None:
    assert naming.class_name("TtsCallBackConfig") == "TtsCallBackConfig"
    assert naming.class_name("tts_callback-event") == "TtsCallbackEvent"
    assert naming.pascal_case("create async tts job") == "CreateAsyncTtsJob"


# --- escaping -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word", ["from", "class", "import", "return", "lambda", "async", "global"]
)
def test_keywords_get_a_trailing_underscore(word: str) -> None:
    assert keyword.iskeyword(word)
    assert naming.field_name(word) == word + "_"
    assert naming.argument_name(word) == word + "_"
    assert naming.method_name(word) == word + "_"


def test_from_is_escaped_everywhere() -> None:
    assert naming.field_name("from") == "from_"
    assert naming.argument_name("from") == "from_"
    assert naming.method_name("from") == "from_"


def test_class_name_of_a_keyword_is_escaped() -> None:
    # pascal_case("none") is "None", a keyword.
    assert naming.class_name("none") == "None_"


@pytest.mark.parametrize("word", ["list", "dict", "str", "int", "float", "bool"])
def test_builtins_used_in_annotations_are_escaped_as_fields(word: str) -> None:
    # dcg writes annotations like `list[str]` inside the class body: a field named `list`
    # would shadow the builtin for every annotation after it.
    assert hasattr(builtins, word)
    assert naming.field_name(word) == word + "_"


@pytest.mark.parametrize("word", PYDANTIC_ATTRIBUTES)
def test_pydantic_attributes_are_escaped_as_fields(word: str) -> None:
    assert hasattr(BaseModel, word)
    assert naming.field_name(word) == word + "_"


@pytest.mark.parametrize(
    "wire", ["model_config", "modelConfig", "model_fields", "model_dump"]
)
def test_pydantics_model_namespace_is_escaped(wire: str) -> None:
    name = naming.field_name(wire)
    assert name == naming.snake_case(wire) + "_"
    assert not hasattr(BaseModel, name)


def test_names_a_method_body_uses_are_escaped_as_arguments_and_fields() -> None:
    # Body fields are method arguments too, so they avoid the method's own names.
    for wire in (
        "self",
        "json_body",
        "text_params",
        "drop_none",
        "path_segment",
    ):
        assert naming.argument_name(wire) == wire + "_"
        assert naming.field_name(wire) == wire + "_"
    assert naming.method_name("self") == "self_"


@pytest.mark.parametrize(
    "wire",
    ["type", "model_id", "modelId", "model_name", "settings", "match", "case", "bytes"],
)
def test_names_python_and_pydantic_allow_are_kept(wire: str) -> None:
    # No annotation uses `type` or `bytes`, a soft keyword is a name outside its own
    # statement, and pydantic protects only its own attributes and `model_dump*` /
    # `model_validate*`; the constructor's `settings` is not a method's.
    name = naming.snake_case(wire)
    assert naming.field_name(wire) == name
    assert naming.argument_name(wire) == name
    assert not hasattr(BaseModel, name)


def test_the_constructors_own_names_are_escaped_as_client_arguments() -> None:
    # Credentials, server variables and client parameters are the constructor's
    # arguments, and it reads the environment through the `settings` module.
    assert naming.client_argument_name("settings") == "settings_"
    assert naming.client_argument_name("json") == "json_"
    assert naming.client_argument_name("type") == "type"
    assert naming.client_argument_name("projectId") == "project_id"


def test_ordinary_names_are_left_alone() -> None:
    for wire in (
        "text",
        "voice_asset_id",
        "speed",
        "callback_url",
        "job_id",
        "listing",
        "jsonb",
    ):
        assert naming.field_name(wire) == wire
        assert naming.argument_name(wire) == wire


def test_names_starting_with_a_digit_become_identifiers() -> None:
    assert naming.field_name("123abc") == "n123_abc"
    assert naming.argument_name("2fa") == "n2_fa"
    assert naming.field_name("2fa").isidentifier()


def test_empty_names_become_identifiers() -> None:
    assert naming.field_name("") == "value"
    assert naming.argument_name("--") == "value"


def test_soft_keywords_are_named_alike_on_every_supported_python() -> None:
    # `keyword.softkwlist` grows with the interpreter ('type' joined in 3.12). Generated bytes
    # must not depend on which Python runs the generator ("same inputs, same bytes, on any
    # machine"): every soft keyword of any supported Python must be treated the same way.
    soft = ("case", "match", "type")
    escaped = {word: naming.argument_name(word).endswith("_") for word in soft}
    assert len(set(escaped.values())) == 1, escaped


# --- dedupe ---------------------------------------------------------------------------------


def test_dedupe_suffixes_later_duplicates_in_order() -> None:
    assert naming.dedupe(["a", "a", "b", "a"]) == ["a", "a_2", "b", "a_3"]


def test_dedupe_skips_suffixes_already_taken() -> None:
    assert naming.dedupe(["a", "a_2", "a"]) == ["a", "a_2", "a_3"]


def test_dedupe_respects_taken_names() -> None:
    assert naming.dedupe(["text", "x"], taken=["text", "self"]) == ["text_2", "x"]
    assert naming.dedupe(["self"], taken={"self"}) == ["self_2"]


def test_dedupe_leaves_unique_names_alone() -> None:
    names = ["create_async_tts_job", "show_async_tts_job"]
    assert naming.dedupe(names) == names
    assert naming.dedupe([]) == []


# --- packages -------------------------------------------------------------------------------


def test_package_and_distribution_names() -> None:
    assert naming.package_name("huawei-metastudio") == "tts_huawei_metastudio"
    assert naming.distribution_name("huawei-metastudio") == "tts-huawei-metastudio"
    assert naming.package_name("acme-cloud_tts") == "tts_acme_cloud_tts"
    assert naming.distribution_name("acme-cloud_tts") == "tts-acme-cloud-tts"
    assert naming.package_name("AcmeCloud-TTS").isidentifier()


def test_every_spec_folder_gives_an_importable_package_name() -> None:
    for key in pipeline.discover(REPO / "specs"):
        package = naming.package_name(key)
        assert package.isidentifier() and not keyword.iskeyword(package)
        assert package.startswith("tts_")
        assert (REPO / "generated" / package).is_dir()


# --- names in generated code (end to end) ---------------------------------------------------
#
# A name that is a valid identifier can still break the generated package when it collides
# with a name the generated code itself uses. Each case generates a variant of the Huawei spec
# into a temporary folder: the generator must either refuse it with a SpecError or produce a
# package that works.


def _spec_with(old: str, new: str) -> str:
    text = HUAWEI_SPEC.read_text(encoding="utf-8")
    assert text.count(old) == 1, (
        f"the Huawei spec changed: {old!r} is not there exactly once"
    )
    return text.replace(old, new)


Generated = tuple[ModuleType, Api] | SpecError
GenerateVariant = Callable[[str, str], Generated]


@pytest.fixture
def generate_variant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[GenerateVariant]:
    """Generate a spec text as API `key` and import its package (or return the SpecError)."""
    imported: list[str] = []

    def run(key: str, text: str) -> Generated:
        specs = tmp_path / "specs"
        (specs / key).mkdir(parents=True)
        path = specs / key / spec_files.SPEC_FILE
        path.write_text(text, encoding="utf-8")
        out = tmp_path / "out"
        try:
            pipeline.generate(key, specs, out, force=True)
        except SpecError as error:
            return error
        package = naming.package_name(key)
        monkeypatch.syspath_prepend(str(out))
        imported.append(package)
        module = importlib.import_module(package)
        api = build(load_openapi(path, str(path)), key, pipeline.spec_display(key), "0")
        return module, api

    yield run
    for name in list(sys.modules):
        if any(name == p or name.startswith(p + ".") for p in imported):
            del sys.modules[name]


def test_a_schema_named_like_a_pydantic_import_gets_its_own_class(
    generate_variant: GenerateVariant,
) -> None:
    # models.py imports `Field` from pydantic; a schema named `Field` must not be confused
    # with it (dcg renames the class on its own, but client.py and __init__.py use the IR's
    # name and then export pydantic's `Field` function as the model).
    text = HUAWEI_SPEC.read_text(encoding="utf-8")
    assert text.count("TtsCallBackConfig") >= 2
    result = generate_variant(
        "field-schema", text.replace("TtsCallBackConfig", "Field")
    )
    assert not isinstance(result, SpecError), result
    module, api = result
    for model in (m for m in api.models if m.role == "schema"):
        exported = getattr(module, model.name)
        assert isinstance(exported, type) and issubclass(exported, BaseModel), (
            model.name
        )
        assert exported is getattr(module.models, model.name)
    assert naming.class_name("Field") == "FieldModel"
    assert not hasattr(module, "Field")  # pydantic's Field is not exported as a model
    config = module.FieldModel(callback_url="https://example.com/cb")
    assert isinstance(config, BaseModel)


def _send_create(module: Any, **arguments: str) -> httpx.Request:
    """The request a generated client sends for create_async_tts_job(text, voice, …)."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"job_id": "j"})

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        client = module.Client(token="t", project_id="p", http_client=http)
        client.create_async_tts_job(text="t", voice_asset_id="v", **arguments)
    (request,) = sent
    return request


def test_a_body_property_named_self_gives_a_valid_method(
    generate_variant: GenerateVariant,
) -> None:
    # Body properties become keyword arguments of a method whose first argument is `self`.
    result = generate_variant(
        "self-field",
        _spec_with(
            "        tts_text:\n          type: string\n",
            "        self:\n          type: string\n        tts_text:\n          type: string\n",
        ),
    )
    assert not isinstance(result, SpecError), result
    module, api = result
    (argument,) = [
        f.name for f in api.operations[0].body_fields if f.wire_name == "self"
    ]
    assert argument == "self_"
    request = _send_create(module, **{argument: "me"})
    assert json.loads(request.content) == {
        "text": "t",
        "voice_asset_id": "v",
        "self": "me",
    }


def test_a_query_parameter_named_like_a_helper_is_sent_as_given(
    generate_variant: GenerateVariant,
) -> None:
    # The method body calls helpers such as `json_body`; an argument of that name must
    # neither shadow them nor lose the caller's value on the way to the wire.
    result = generate_variant(
        "helper-param",
        _spec_with(
            "      name: X-App-UserId\n      in: header\n",
            "      name: json_body\n      in: query\n",
        ),
    )
    assert not isinstance(result, SpecError), result
    module, api = result
    (argument,) = [
        p.name for p in api.operations[0].parameters if p.wire_name == "json_body"
    ]
    assert argument == "json_body_"
    request = _send_create(module, **{argument: "plain"})
    assert request.url.params["json_body"] == "plain"
    assert json.loads(request.content) == {"text": "t", "voice_asset_id": "v"}
