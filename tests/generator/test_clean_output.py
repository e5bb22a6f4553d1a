"""Generated code stays clean on any input (issue 26, item 7): a property without a type
is `Any`, imported wherever it is used; names are kept where Python and pydantic allow
them, and pydantic's own are aliased the same way in models and arguments; `readOnly`
properties are never sent and `writeOnly` ones never read; and `generated/` is stable
under black as well as ruff."""

from __future__ import annotations

import importlib
import inspect
import json
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mypy import api as mypy

from generator import pipeline
from generator.format import format_python
from tests.generator.test_other_shapes import ruff_check
from tests.support.generate import generated_package

ROOT = Path(__file__).resolve().parents[2]

SPEC = """
openapi: 3.1.0
info: {title: Clean output, version: 1.0.0}
servers: [{url: 'https://api.example.test'}]
security: [{apiKey: []}]
x-sdkgen-errors: {code: /error/code, message: /error/message}
paths:
  /jobs:
    post:
      operationId: CreateJob
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Job'}
      responses:
        '200':
          description: The job.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Job'}
    get:
      operationId: ListJobs
      parameters:
        - {name: type, in: query, schema: {type: string}}
        - {name: model_id, in: query, schema: {type: string}}
        - {name: settings, in: query, schema: {type: string}}
        - {name: json, in: query, schema: {type: string}}
        - {name: anything, in: query, schema: {}}
      responses:
        '200':
          description: The last job.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Job'}
components:
  securitySchemes:
    apiKey: {type: apiKey, in: header, name: X-Api-Key}
  schemas:
    Job:
      type: object
      required: [text, id, password]
      properties:
        text: {type: string}
        id: {type: string, readOnly: true, description: Set by the service.}
        password: {type: string, writeOnly: true}
        metadata: {}
        note: {description: A property without any type.}
        model_id: {type: string}
        settings: {type: object}
        type: {type: string}
        json: {type: string}
        model_config: {type: string}
        modelDump: {type: string}
"""


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield from generated_package(tmp_path_factory, "example-clean", SPEC)


@pytest.fixture(scope="module")
def module(package: Path) -> Any:
    # pydantic warns, as the class is made, of a field that shadows one of its own
    # attributes or sits in its protected namespaces: none may.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return importlib.import_module("tts_example_clean")


def _sent(module: Any, call: Any, reply: Any) -> httpx.Request:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=reply)

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        call(module.Client(api_key="k", http_client=http))
    (request,) = sent
    return request


# --- item 1: untyped properties are Any, and every module imports what it uses ------------


def test_untyped_properties_type_check_strictly_and_lint_clean(package: Path) -> None:
    out, err, status = mypy.run(
        ["--strict", "--python-version", "3.10", "--config-file", ""]
        + ["--no-incremental", str(package)]
    )
    assert status == 0, out + err
    ruff_check(package)


def test_an_untyped_property_takes_any_json_value(module: Any) -> None:
    client_source = inspect.getsource(
        importlib.import_module("tts_example_clean.client")
    )
    assert "from typing import Any, " in client_source
    request = _sent(
        module,
        lambda c: c.create_job(
            text="t", password="p", metadata={"a": [1, None]}, note=3.5
        ),
        {"metadata": ["x"], "note": None},
    )
    assert json.loads(request.content) == {
        "text": "t",
        "password": "p",
        "metadata": {"a": [1, None]},
        "note": 3.5,
    }


# --- item 2: names kept where allowed; pydantic's aliased once, everywhere ----------------


def test_names_python_allows_are_kept_in_arguments_and_models(module: Any) -> None:
    create = inspect.signature(module.Client.create_job).parameters
    listing = inspect.signature(module.Client.list_jobs).parameters
    for name in ("type", "model_id", "settings"):
        assert name in create
        assert name in listing
        assert name in module.Job.model_fields
        assert name in module.ReceivedJob.model_fields
        assert module.Job.model_fields[name].alias is None
    # pydantic's own names: the same trailing underscore, the wire name as alias.
    for name, wire in (("json_", "json"), ("model_config_", "model_config")):
        assert name in create
        assert module.Job.model_fields[name].alias == wire
        assert module.ReceivedJob.model_fields[name].alias == wire
    assert "json_" in listing
    assert module.Job.model_fields["model_dump_"].alias == "modelDump"


def test_kept_and_aliased_names_reach_the_wire_by_their_wire_names(module: Any) -> None:
    request = _sent(
        module,
        lambda c: c.list_jobs(
            type="a", model_id="m", settings="s", json_="j", anything=2
        ),
        {"type": "t", "model_id": "m2", "json": "j2", "settings": {"k": 1}},
    )
    assert dict(request.url.params) == {
        "type": "a",
        "model_id": "m",
        "settings": "s",
        "json": "j",
        "anything": "2",
    }
    request = _sent(
        module,
        lambda c: c.create_job(
            text="t",
            password="p",
            type="voice",
            model_id="m",
            settings={"speed": 1},
            json_="j",
            model_config_="c",
            model_dump_="d",
        ),
        {},
    )
    assert json.loads(request.content) == {
        "text": "t",
        "password": "p",
        "type": "voice",
        "model_id": "m",
        "settings": {"speed": 1},
        "json": "j",
        "model_config": "c",
        "modelDump": "d",
    }
    received = module.ReceivedJob.model_validate(
        {"type": "t", "model_id": "m", "json": "j", "model_config": "c"}
    )
    assert (received.type, received.model_id, received.json_) == ("t", "m", "j")
    assert received.model_config_ == "c"


# --- item 3: readOnly is not sent, writeOnly is not received ------------------------------


def test_read_only_properties_are_no_arguments_and_not_in_request_models(
    module: Any,
) -> None:
    assert "id" not in inspect.signature(module.Client.create_job).parameters
    assert "id" not in inspect.signature(module.AsyncClient.create_job).parameters
    assert "id" not in module.Job.model_fields
    # Required and read-only: the server's to set, so no caller must pass it.
    module.Job(text="t", password="p")


def test_read_only_properties_are_read_from_responses(module: Any) -> None:
    request_reply: dict[str, Any] = {"id": "job-1", "text": "t"}
    result: list[Any] = []
    _sent(
        module,
        lambda c: result.append(c.create_job(text="t", password="p")),
        request_reply,
    )
    assert result[0].id == "job-1"


def test_write_only_properties_are_not_in_response_models(module: Any) -> None:
    assert "password" in module.Job.model_fields
    assert "password" not in module.ReceivedJob.model_fields
    received = module.ReceivedJob.model_validate({"text": "t", "password": "leaked"})
    # A vendor that echoes it anyway: kept as an unknown key, never a typed field.
    assert not hasattr(type(received), "password")
    assert received.model_extra == {"password": "leaked"}


# --- item 4: generated/ is stable under black too ------------------------------------------


def test_generated_packages_are_stable_under_black(package: Path) -> None:
    # The packages of this repository, and one from a spec with names and untyped
    # properties of every kind.
    done = subprocess.run(
        [sys.executable, "-m", "black", "--check", "--target-version", "py310"]
        + ["--line-length", "88", str(ROOT / "generated"), str(package)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_long_docstrings_end_where_black_ends_them() -> None:
    # ruff leaves the closing quotes at the end of a line of 89 characters; black would
    # move them, so the generator does.
    last = "    " + "x" * 82
    source = f'class A:\n    """First.\n{last}"""\n\n    a: int\n'
    assert format_python({"m.py": source})["m.py"] == (
        f'class A:\n    """First.\n{last}\n    """\n\n    a: int\n'
    )
    short = f'class A:\n    """First.\n{last[:-3]}"""\n'
    assert format_python({"m.py": short})["m.py"] == short


# --- the same names in XML models (an XSD's elements) ---------------------------------------


@pytest.fixture(scope="module")
def xml_models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The Tencent CI package, its jobs' QueueId and QueueType renamed to a name in
    pydantic's protected namespaces and to one it reserves, and Tag to `Type`."""
    root = tmp_path_factory.mktemp("xml-names")
    shutil.copytree(ROOT / "specs" / "tencent-ci", root / "specs" / "tencent-ci")
    xsd = root / "specs" / "tencent-ci" / "tts.xsd"
    text = xsd.read_text(encoding="utf-8")
    for old, new in (
        ("QueueId", "ModelDumpMode"),
        ("QueueType", "Json"),
        ("Tag", "Type"),
    ):
        element = f'name="{old}" type="xs:string" minOccurs="0"/>'
        assert text.count(element) == 1
        text = text.replace(element, element.replace(old, new))
    xsd.write_text(text, encoding="utf-8")
    pipeline.generate("tencent-ci", root / "specs", root / "out")
    # The real package may be imported already (by an earlier test): set it aside, so
    # this import finds the renamed one, and put it back after.
    real = {m: sys.modules.pop(m) for m in list(sys.modules) if _is_ci(m)}
    sys.path.insert(0, str(root / "out"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            yield importlib.import_module("tts_tencent_ci.models")
    finally:
        sys.path.remove(str(root / "out"))
        for name in [m for m in sys.modules if _is_ci(m)]:
            del sys.modules[name]
        sys.modules.update(real)


def _is_ci(module: str) -> bool:
    return module == "tts_tencent_ci" or module.startswith("tts_tencent_ci.")


def test_xml_models_keep_and_alias_names_as_json_models_do(xml_models: Any) -> None:
    fields = xml_models.JobsDetail.model_fields
    assert {"model_dump_mode", "json_", "type"} <= set(fields)
    job = xml_models.JobsResponse.from_xml(
        "<Response><JobsDetail><JobId>j</JobId><ModelDumpMode>m</ModelDumpMode>"
        "<Json>j2</Json><Type>Tts</Type></JobsDetail></Response>"
    ).jobs_detail[0]
    assert (job.model_dump_mode, job.json_, job.type) == ("m", "j2", "Tts")
