"""The spec against an official SDK's model classes: small fake SDKs, one per reader,
written in the style of the vendor's generated models and imported from `tmp_path`."""

from __future__ import annotations

import importlib
import json
import sys
import textwrap
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.__main__ import main
from generator.docs.check import check
from generator.docs.model import Result
from generator.docs.sdk.huawei import HuaweiReader

from .support import Key, key

API = "acme-speech"
SPEC = """
openapi: 3.1.0
info: {title: Acme speech, version: 1.0.0}
servers: [{url: 'https://{region}.acme.example.com', variables: {region: {default: eu}}}]
security: [{token: []}]
paths:
  /{project}/jobs:
    post:
      operationId: CreateJob
      parameters:
        - name: project
          in: path
          required: true
          schema: {type: string}
          x-sdkgen-client-parameter: {}
        - {name: X-Request-Tag, in: header, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [text]
              properties:
                text: {type: string}
                speed: {type: integer}
                format: {type: string, enum: [WAV, MP3]}
                callback:
                  type: object
                  properties: {url: {type: string}}
                legacy: {type: string}
      responses:
        '200':
          description: The job.
          content:
            application/json:
              schema:
                type: object
                properties:
                  Response:
                    type: object
                    properties:
                      job_id: {type: string}
                      state: {type: string, enum: [RUNNING, DONE, FAILED]}
components:
  securitySchemes:
    token: {type: apiKey, in: header, name: X-Auth-Token}
"""

_names = count()


@pytest.fixture
def sdk_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on sys.path for fake SDK modules; they are forgotten afterwards."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    before = set(sys.modules)
    yield folder
    for name in set(sys.modules) - before:
        del sys.modules[name]


def write_sdk(
    folder: Path, source: str, distribution: str | None = None, version: str = "1.0"
) -> str:
    """A module holding `source`; with `distribution`, installed metadata for it."""
    name = f"fake_sdk_{next(_names)}"
    (folder / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    if distribution is not None:
        info = folder / f"{distribution.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n",
            encoding="utf-8",
        )
    importlib.invalidate_caches()
    return name


def write_api(tmp_path: Path, sdk: dict[str, Any], spec: str = SPEC) -> Path:
    folder = tmp_path / "specs" / API
    (folder / "docs").mkdir(parents=True)
    (folder / "openapi.yaml").write_text(spec, encoding="utf-8")
    mapping = {"layout": "huawei", "pages": {}, "sdk": sdk}
    (folder / "docs" / "pages.yaml").write_text(yaml.safe_dump(mapping), "utf-8")
    return tmp_path / "specs"


def sdk_keys(result: Result) -> list[Key]:
    return sorted((key(d) for d in result.differences if d.source == "sdk"), key=repr)


HUAWEI = """
class CreateJobRequestBody:
    openapi_types = {
        "text": "str",
        "speed": "float",
        "format": "str",
        "callback": "Callback",
        "voice": "str",
    }
    attribute_map = {
        "text": "text",
        "speed": "speed",
        "format": "format",
        "callback": "callback",
        "voice": "voice",
    }

    def __init__(self, text=None, speed=None, format=None, callback=None, voice=None):
        self._text = None
        self.text = text
        self.speed = speed
        if format is not None:
            self.format = format
        if callback is not None:
            self.callback = callback
        if voice is not None:
            self.voice = voice


class Callback:
    openapi_types = {"url": "str", "secret": "str"}
    attribute_map = {"url": "url", "secret": "secret"}

    def __init__(self, url=None, secret=None):
        if url is not None:
            self.url = url
        if secret is not None:
            self.secret = secret


class CreateJobRequest:
    openapi_types = {"x_request_tag": "str", "body": "CreateJobRequestBody"}
    attribute_map = {"x_request_tag": "x-request-tag", "body": "body"}

    def __init__(self, x_request_tag=None, body=None):
        if x_request_tag is not None:
            self.x_request_tag = x_request_tag
        if body is not None:
            self.body = body


class CreateJobResponse:
    openapi_types = {"job_id": "str", "state": "str"}
    attribute_map = {"job_id": "job_id", "state": "state"}

    def __init__(self, job_id=None, state=None):
        if job_id is not None:
            self.job_id = job_id
        if state is not None:
            self.state = state
"""

# The Huawei fake against SPEC, with the response model at the body's root.
HUAWEI_SPEC = SPEC.replace(
    """                properties:
                  Response:
                    type: object
                    properties:
                      job_id: {type: string}
                      state: {type: string, enum: [RUNNING, DONE, FAILED]}""",
    """                properties:
                  job_id: {type: string}
                  state: {type: string, enum: [RUNNING, DONE, FAILED]}""",
)
OP = "CreateJob"


def huawei(module: str, **extra: Any) -> dict[str, Any]:
    return {
        "reader": "huawei",
        "distribution": "fake-huawei-sdk",
        "version": "1.0",
        "module": module,
        **extra,
    }


def test_huawei_models_every_kind_of_difference(tmp_path: Path, sdk_path: Path) -> None:
    module = write_sdk(sdk_path, HUAWEI, "fake-huawei-sdk")
    result = check(write_api(tmp_path, huawei(module), HUAWEI_SPEC), [API])
    assert result.errors == []
    assert sdk_keys(result) == sorted(
        [
            # in the SDK only, and in the spec only
            Key(OP, "request", "voice", "added", "string", None),
            Key(OP, "body", "legacy", "removed", None, "string"),
            # in a model of a model
            Key(OP, "body", "callback.secret", "added", "string", None),
            # the type, and optionality (speed is assigned unconditionally: required)
            Key(OP, "body", "speed", "type", "number", "integer"),
            Key(OP, "body", "speed", "required", "yes", "no"),
        ],
        key=repr,
    )
    # Not differences: x-request-tag is the spec's X-Request-Tag (headers compare
    # without case); project is a client parameter and X-Auth-Token a security
    # header, which SDKs take in their configuration; Huawei models list no enums.
    assert result.exit_code == 1
    status = result.sdks[API]
    assert (status.compared, status.version) == (True, "1.0")
    assert status.note == "fake-huawei-sdk 1.0: 1 operation compared"
    assert {d.page for d in result.differences} == {"fake-huawei-sdk 1.0"}


def test_an_accepted_sdk_difference_and_a_stale_one(
    tmp_path: Path, sdk_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = write_sdk(sdk_path, HUAWEI, "fake-huawei-sdk")
    accepted = [
        {
            "operation": OP,
            "field": "speed",
            "kind": "type",
            "sdk": "number",
            "spec": "integer",
            "reason": "Speeds are whole percentages.",
        },
        {
            "operation": OP,
            "place": "body",
            "field": "pitch",
            "kind": "removed",
            "sdk": None,
            "spec": "integer",
            "reason": "Gone from the spec since.",
        },
    ]
    specs = write_api(tmp_path, huawei(module, accepted=accepted), HUAWEI_SPEC)
    result = check(specs, [API])
    by_field = {(d.field, d.kind): d for d in result.differences}
    assert by_field["speed", "type"].status == "accepted"
    assert by_field["speed", "type"].reason == "Speeds are whole percentages."
    assert by_field["speed", "required"].status == "drift"  # an entry covers one kind
    stale = by_field["pitch", "removed"]
    assert stale.status == "stale" and stale.source == "sdk"
    assert stale.reason == (
        "accepted in pages.yaml (/sdk/accepted/1) but not in the SDK any more: remove it"
    )
    assert main(["docs", "check", API, "--specs", str(specs)]) == 1
    out = capsys.readouterr().out
    assert "  sdk: fake-huawei-sdk 1.0: 1 operation compared\n" in out
    assert (
        "    accepted  body speed: type: sdk number, spec integer  [fake-huawei-sdk 1.0]"
        in out
    )
    assert "in 0 pages and 1 SDK of 1 API: exit 1" in out


TENCENT = '''
class AbstractModel:
    pass


class Callback(AbstractModel):
    def __init__(self):
        r"""
        :param _url: <p>where to</p>
        :type url: str
        """
        self._url = None

    def _deserialize(self, params):
        self._url = params.get("url")


class CreateJobRequest(AbstractModel):
    def __init__(self):
        r"""
        :param _text: <p>the text</p>
        :type text: str
        :param _speed: <p>speed</p>
        :type speed: int
        :param _format: <p>format</p><p>枚举值<FW></p><ul><li>MP3<FW> mpeg</li><li>WAV<FW> wave</li></ul>
        :type format: str
        :param _callback: <p>callback</p>
        :type callback: :class:`fake.models.Callback`
        :param _legacy: <p>old</p>
        :type legacy: list of str
        """
        self._text = None

    def _deserialize(self, params):
        self._text = params.get("text")
        self._speed = params.get("speed")
        self._format = params.get("format")
        if params.get("callback") is not None:
            self._callback = Callback()
            self._callback._deserialize(params.get("callback"))
        self._legacy = params.get("legacy")
        self._extra = params.get("X-Request-Tag")


class CreateJobResponse(AbstractModel):
    def __init__(self):
        r"""
        :param _job_id: <p>id</p>
        :type job_id: str
        :param _state: <p>state</p><p>枚举值<FW></p><ul><li>RUNNING<FW> running</li><li>DONE<FW> done</li><li>CANCELLED<FW> cancelled</li></ul>
        :type state: str
        :param _RequestId: the request
        :type RequestId: str
        """
        self._job_id = None

    def _deserialize(self, params):
        self._job_id = params.get("job_id")
        self._state = params.get("state")
        self._RequestId = params.get("RequestId")
'''.replace("<FW>", "\uff1a")  # the full-width colon Tencent writes


def test_tencent_models_give_enums_and_no_optionality(
    tmp_path: Path, sdk_path: Path
) -> None:
    module = write_sdk(sdk_path, TENCENT)
    config = {"reader": "tencent", "distribution": "fake-tencent", "module": module}
    result = check(write_api(tmp_path, config), [API])
    assert result.errors == []
    response = "response 200"
    assert sdk_keys(result) == sorted(
        [
            Key(OP, "body", "legacy", "type", "array of string", "string"),
            # the enum that differs (format's is the spec's, in another order)
            Key(
                OP,
                response,
                "state",
                "enum",
                "RUNNING, DONE, CANCELLED",
                "RUNNING, DONE, FAILED",
            ),
            Key(OP, response, "RequestId", "added", "string", None),
        ],
        key=repr,
    )
    # Tencent models never say what is required: text (required in the spec) is no
    # difference. A field only `_deserialize` reads has no type, and matches by name.
    assert "(version unknown)" in result.sdks[API].note


ALIBABA = """
from __future__ import annotations

from typing import Dict, List


class DaraModel:
    def to_map(self):
        return None


class CreateJobRequest(DaraModel):
    def __init__(
        self,
        text: str = None,
        speed: int = None,
        format: str = None,
        legacy: str = None,
    ):
        # The text.
        #
        # This parameter is required.
        self.text = text
        # The speed.
        #
        # This parameter is required.
        self.speed = speed
        # The format.
        #
        # Valid values:
        #
        # - WAV: wave.
        #
        # - OGG: ogg.
        self.format = format
        # Default value: 1. Valid values: 1 to 100.
        self.legacy = legacy

    def validate(self):
        pass

    def to_map(self):
        result = dict()
        if self.text is not None:
            result['text'] = self.text
        if self.speed is not None:
            result['speed'] = self.speed
        if self.format is not None:
            result['format'] = self.format
        if self.legacy is not None:
            result['legacy'] = self.legacy
        return result


class CreateJobResponseBody(DaraModel):
    def __init__(self, job_id: str = None, tags: List[str] = None):
        # The job ID.
        self.job_id = job_id
        self.tags = tags

    def to_map(self):
        result = dict()
        if self.job_id is not None:
            result['JobId'] = self.job_id
        result['Tags'] = []
        if self.tags is not None:
            for k in self.tags:
                result['Tags'].append(k)
        return result


class CreateJobResponse(DaraModel):
    def __init__(
        self,
        headers: Dict[str, str] = None,
        status_code: int = None,
        body: CreateJobResponseBody = None,
    ):
        self.headers = headers
        self.status_code = status_code
        self.body = body

    def to_map(self):
        return {}
"""

ALIBABA_SPEC = HUAWEI_SPEC.replace("job_id: {type: string}", "JobId: {type: string}")


def test_alibaba_models_give_wire_names_optionality_and_enums(
    tmp_path: Path, sdk_path: Path
) -> None:
    module = write_sdk(sdk_path, ALIBABA)
    config = {"reader": "alibaba", "distribution": "fake-alibaba", "module": module}
    result = check(write_api(tmp_path, config, ALIBABA_SPEC), [API])
    assert result.errors == []
    response = "response 200"
    assert sdk_keys(result) == sorted(
        [
            Key(OP, "body", "speed", "required", "yes", "no"),
            Key(OP, "body", "format", "enum", "WAV, OGG", "WAV, MP3"),
            Key(OP, "body", "callback", "removed", None, "object"),
            Key(OP, "header", "X-Request-Tag", "removed", None, "string"),
            Key(OP, response, "Tags", "added", "array of string", None),
            Key(OP, response, "state", "removed", None, "string"),
        ],
        key=repr,
    )
    # "Valid values: 1 to 100." is a range, not a list: legacy states no enum. A
    # response field's optionality is never stated (JobId: no difference).


def test_a_missing_model_class_is_a_difference(tmp_path: Path, sdk_path: Path) -> None:
    renamed = HUAWEI.replace("class CreateJobResponse:", "class JobAnswer:")
    module = write_sdk(sdk_path, renamed)
    result = check(write_api(tmp_path, huawei(module), HUAWEI_SPEC), [API])
    assert sdk_keys(result) == [
        Key(OP, "sdk", "CreateJobResponse", "operation", None, "declared")
    ]
    # Named in pages.yaml, the class is found, and compared as the default one is.
    config = huawei(module, classes={OP: {"response": "JobAnswer"}})
    found = check(write_api(tmp_path / "named", config, HUAWEI_SPEC), [API])
    default = huawei(write_sdk(sdk_path, HUAWEI))
    expected = check(write_api(tmp_path / "default", default, HUAWEI_SPEC), [API])
    assert sdk_keys(found) == sdk_keys(expected) != []


def test_an_sdk_that_is_not_installed_is_skipped_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale_if_compared = {
        "operation": OP,
        "field": "speed",
        "kind": "type",
        "sdk": "number",
        "spec": "integer",
        "reason": "…",
    }
    config = huawei("fake_sdk_not_installed_anywhere", accepted=[stale_if_compared])
    specs = write_api(tmp_path, config, HUAWEI_SPEC)
    assert main(["docs", "check", API, "--specs", str(specs)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"{API}: 0 pages, no drift, 0 accepted",
        "  sdk: fake-huawei-sdk is not installed: SDK comparison skipped "
        "(pip install fake-huawei-sdk==1.0)",
        "docs check: 0 drift, 0 stale, 0 accepted, 0 errors, in 0 pages of 1 API: "
        "exit 0",
    ]
    assert main(["docs", "check", API, "--specs", str(specs), "--format", "json"]) == 0
    (api,) = json.loads(capsys.readouterr().out)["apis"]
    assert api["sdk"]["compared"] is False and api["sdk"]["version"] is None


def test_an_sdk_without_models_says_why_it_is_not_compared(tmp_path: Path) -> None:
    config = {"distribution": "cos-python-sdk-v5", "skip": "no model classes"}
    result = check(write_api(tmp_path, config), [API])
    assert result.sdks[API].note == "cos-python-sdk-v5: not compared: no model classes"
    assert result.differences == [] and result.exit_code == 0


def test_no_sdk_and_a_single_page_compare_no_sdk(
    tmp_path: Path, sdk_path: Path
) -> None:
    module = write_sdk(sdk_path, HUAWEI, "fake-huawei-sdk")
    specs = write_api(tmp_path, huawei(module), HUAWEI_SPEC)
    assert check(specs, [API]).exit_code == 1
    result = check(specs, [API], sdk=False)
    assert result.differences == [] and result.sdks == {}


def test_another_version_than_pages_yaml_names_is_said(
    tmp_path: Path, sdk_path: Path
) -> None:
    module = write_sdk(sdk_path, HUAWEI, "fake-huawei-sdk", version="2.0")
    result = check(write_api(tmp_path, huawei(module), HUAWEI_SPEC), [API])
    assert result.sdks[API].note == (
        "fake-huawei-sdk 2.0: 1 operation compared (pages.yaml was checked with 1.0)"
    )


def test_an_sdk_class_its_reader_cannot_read_is_an_error(
    tmp_path: Path, sdk_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = write_sdk(sdk_path, "class CreateJobRequest:\n    pass\n")
    specs = write_api(tmp_path, huawei(module), HUAWEI_SPEC)
    assert main(["docs", "check", API, "--specs", str(specs)]) == 2
    assert (
        "error: fake-huawei-sdk (version unknown): CreateJobRequest: no openapi_types"
        in capsys.readouterr().err
    )


def test_an_unknown_reader_is_an_error(tmp_path: Path) -> None:
    config = {"reader": "acme", "distribution": "acme-sdk", "module": "acme"}
    result = check(write_api(tmp_path, config), [API])
    (error,) = result.errors
    assert error.message == (
        "/sdk/reader: unknown reader 'acme' (known: alibaba, huawei, tencent)"
    )
    assert result.exit_code == 2


def test_the_real_mappings_name_an_sdk_for_every_api() -> None:
    # Every API says which SDK it is compared with, or why none is.
    specs = Path(__file__).resolve().parents[2] / "specs"
    for pages in sorted(specs.glob("*/docs/pages.yaml")):
        mapping = yaml.safe_load(pages.read_text("utf-8"))
        assert "sdk" in mapping, pages


def test_a_model_that_holds_itself_is_read_to_a_finite_depth(sdk_path: Path) -> None:
    module = write_sdk(
        sdk_path,
        """
        class Node:
            openapi_types = {"name": "str", "parent": "Node", "children": "list[Node]"}
            attribute_map = {"name": "name", "parent": "parent", "children": "children"}

            def __init__(self, name=None, parent=None, children=None):
                self.name = name
        """,
    )
    fields = HuaweiReader().response(importlib.import_module(module), "Node")
    assert fields is not None
    name, parent, children = fields
    assert (name.type, name.required, parent.type) == ("string", True, "object")
    assert children.type == "array of object"
    # One level down, Node is not read again: its own Node fields are plain objects.
    assert parent.children is not None
    assert [(f.name, f.children) for f in parent.children[1:]] == [
        ("parent", None),
        ("children", None),
    ]
