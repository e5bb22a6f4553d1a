"""The generator is not shaped after its first API: an RPC-style spec with no signer, no job
lifecycle, no callback and no region generates a package that type-checks and works."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mypy import api as mypy

from generator.ir_build import build
from generator.load import load_openapi
from tests.support.generate import generated_package

SPEC = """
openapi: 3.1.0
info:
  title: Example RPC speech API
  # Not a package version: the extension gives the one pip installs.
  version: v2-beta
  x-sdkgen-package-version: 2.0.0b3
servers:
  - url: https://speech.example.test
security:
  - apiKey: []
x-sdkgen-errors:
  code: /Response/Error/Code
  message: /Response/Error/Message
  request-id: /Response/RequestId
paths:
  /:
    get:
      operationId: DescribeTasks
      summary: List tasks.
      parameters:
        - name: Limit
          in: query
          required: true
          schema: {type: integer, minimum: 1, maximum: 100}
        - name: WithDetails
          in: query
          schema: {type: boolean}
        - name: class
          in: query
          description: A keyword as a wire name.
          schema: {type: string, enum: [a, b]}
      responses:
        '200':
          description: Tasks.
          content:
            application/json:
              schema:
                type: object
                properties:
                  Response:
                    type: object
                    properties:
                      RequestId: {type: string}
                      TaskSet:
                        type: array
                        items:
                          type: object
                          properties:
                            TaskId: {type: string}
                            from: {type: number}
    post:
      operationId: SubmitBatch
      summary: Submit several texts.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [Items]
              properties:
                Items:
                  type: array
                  maxItems: 2
                  items: {$ref: '#/components/schemas/Item'}
                Note: {type: [string, 'null']}
      responses:
        '200':
          description: Accepted.
          content:
            application/json:
              schema:
                type: object
                properties:
                  Response:
                    type: object
                    properties:
                      RequestId: {type: string}
components:
  schemas:
    Item:
      type: object
      required: [Text]
      properties:
        Text: {type: string, maxLength: 5}
  securitySchemes:
    apiKey:
      type: apiKey
      in: header
      name: X-Api-Key
      x-sdkgen-credentials:
        api_key: {env: EXAMPLE_API_KEY, secret: true}
"""


# Job fields inside a wrapper object, numeric error codes: the shape of Tencent's APIs.
JOBS_SPEC = """
openapi: 3.1.0
info: {title: Example wrapped jobs API, version: 1.0.0}
servers:
  - url: https://jobs.{region}.example.test
    variables:
      region: {default: east}
security:
  - apiKey: []
x-sdkgen-errors: {code: /Response/Error/Code, message: /Response/Error/Message}
x-sdkgen-job:
  submit: SubmitTask
  query: DescribeTask
  job-id: /Response/TaskId
  query-parameter: TaskId
  state: /Response/Status
  running: [processing]
  succeeded: [success]
  failed: [fail]
  failure-code: /Response/ErrorCode
  failure-message: /Response/Msg
  result: /Response/AudioUrl
  poll-interval: 0.01
paths:
  /submit:
    post:
      operationId: SubmitTask
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [Text]
              properties: {Text: {type: string}}
      responses:
        '200':
          description: Submitted.
          content:
            application/json:
              schema:
                type: object
                required: [Response]
                properties:
                  Response:
                    type: object
                    required: [TaskId]
                    properties: {TaskId: {type: string}}
  /describe:
    get:
      operationId: DescribeTask
      parameters:
        - {name: TaskId, in: query, required: true, schema: {type: string}}
      responses:
        '200':
          description: The task.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/DescribeTaskResponse'}
components:
  schemas:
    DescribeTaskResponse:
      type: object
      properties:
        Response: {$ref: '#/components/schemas/TaskResult'}
    TaskResult:
      type: object
      properties:
        Status: {type: string, enum: [success, fail, processing]}
        ErrorCode: {type: integer}
        Msg: {type: string}
        AudioUrl: {type: string}
  securitySchemes:
    apiKey:
      type: apiKey
      in: header
      name: X-Api-Key
      x-sdkgen-credentials:
        api_key: {env: EXAMPLE_API_KEY, secret: true}
"""


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield from generated_package(tmp_path_factory, "example-rpc", SPEC)


@pytest.fixture(scope="module")
def jobs_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield from generated_package(tmp_path_factory, "example-jobs", JOBS_SPEC)


def test_it_works_against_a_server(package: Path) -> None:
    module: Any = importlib.import_module("tts_example_rpc")
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        body = {
            "Response": {"RequestId": "r1", "TaskSet": [{"TaskId": "t1", "from": 1.5}]}
        }
        return httpx.Response(200, json=body)

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        client = module.Client(api_key="k", http_client=http)
        result = client.describe_tasks(limit=10, with_details=True, class_="a")
    (request,) = sent
    assert (
        str(request.url)
        == "https://speech.example.test/?Limit=10&WithDetails=true&class=a"
    )
    assert request.headers["X-Api-Key"] == "k"
    task = result.response.task_set[0]
    assert (task.task_id, task.from_) == ("t1", 1.5)
    assert not hasattr(module.Client, "wait_for_job")
    assert not hasattr(module, "parse_callback")


def test_errors_inside_a_200_use_the_nested_pointers(package: Path) -> None:
    module: Any = importlib.import_module("tts_example_rpc")
    body = {
        "Response": {
            "Error": {"Code": "AuthFailure", "Message": "bad key"},
            "RequestId": "r9",
        }
    }
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    with httpx.Client(transport=transport) as http:
        client = module.Client(api_key="k", http_client=http)
        with pytest.raises(module.errors.APIStatusError) as caught:
            client.describe_tasks(limit=1)
    assert (caught.value.status_code, caught.value.code, caught.value.request_id) == (
        200,
        "AuthFailure",
        "r9",
    )
    with pytest.raises(ValueError, match="limit"):
        client.describe_tasks(limit=0)


def ruff_check(package: Path) -> None:
    """Lint `package` with its own pyproject.toml (the rules its users' CI would run)."""
    config = package / "pyproject.toml"
    assert "[tool.ruff.lint]" in config.read_text()
    ruff = subprocess.run(
        [
            Path(sys.executable).with_name("ruff"),
            "check",
            "--no-cache",
            "--config",
            config,
            package,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr


def test_the_package_version_overrides_info_version(package: Path) -> None:
    module: Any = importlib.import_module("tts_example_rpc")
    spec = package.parent.parent / "specs" / "example-rpc" / "openapi.yaml"
    api = build(load_openapi(spec, str(spec)), "example-rpc", str(spec), "")
    assert (api.version, api.package_version) == ("v2-beta", "2.0.0b3")
    assert module.__version__ == "2.0.0b3"
    pyproject = (package / "pyproject.toml").read_text()
    assert '\nversion = "2.0.0b3"\n' in pyproject
    assert "v2-beta" not in pyproject
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"Response": {"RequestId": "r1"}})

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        module.Client(api_key="k", http_client=http).describe_tasks(limit=1)
    assert sent[0].headers["User-Agent"].startswith("tts-example-rpc/2.0.0b3 httpx/")


def test_it_lints_clean(package: Path) -> None:
    ruff_check(package)


def test_it_type_checks_and_its_readme_has_no_holes(package: Path) -> None:
    out, err, status = mypy.run(
        [
            "--strict",
            "--python-version",
            "3.10",
            "--config-file",
            "",
            "--no-incremental",
            str(package),
        ]
    )
    assert status == 0, out + err
    readme = (package / "README.md").read_text()
    assert "api_key=" in readme and "EXAMPLE_API_KEY" in readme
    assert "wait_for_job" not in readme and "region=" not in readme
    assert json.dumps("tts_example_rpc")[1:-1] in readme


def test_a_body_of_model_lists_is_typed_checked_and_sent_by_wire_name(
    package: Path,
) -> None:
    module: Any = importlib.import_module("tts_example_rpc")
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"Response": {"RequestId": "r2"}})

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        client = module.Client(api_key="k", http_client=http)
        result = client.submit_batch(items=[module.Item(text="hi")], note=None)
        assert result.response.request_id == "r2"
        with pytest.raises(ValueError, match="text"):
            client.submit_batch(items=[module.Item(text="too long")])
        with pytest.raises(ValueError, match="items"):
            client.submit_batch(items=[module.Item(text="a")] * 3)
    (request,) = sent
    assert (request.method, json.loads(request.content)) == (
        "POST",
        {"Items": [{"Text": "hi"}]},
    )


def _jobs_client(
    module: Any, *states: dict[str, Any]
) -> tuple[Any, list[httpx.Request]]:
    sent: list[httpx.Request] = []
    replies = list(states)

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.url.path == "/submit":
            return httpx.Response(200, json={"Response": {"TaskId": "t-1"}})
        return httpx.Response(200, json={"Response": replies.pop(0)})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    return module.Client(api_key="k", http_client=http), sent


def test_a_lifecycle_inside_wrapper_objects_is_followed(jobs_package: Path) -> None:
    module: Any = importlib.import_module("tts_example_jobs")
    client, sent = _jobs_client(
        module, {"Status": "processing"}, {"Status": "success", "AudioUrl": "https://a"}
    )
    job = client.submit_task(text="hi")
    done = client.wait_for_job(job.response.task_id)
    assert done.response.audio_url == "https://a"
    assert [str(r.url) for r in sent] == [
        "https://jobs.east.example.test/submit",
        "https://jobs.east.example.test/describe?TaskId=t-1",
        "https://jobs.east.example.test/describe?TaskId=t-1",
    ]
    readme = (jobs_package / "README.md").read_text()
    assert "client.wait_for_job(job.response.task_id, timeout=600)" in readme
    assert "print(done.response.audio_url if done.response is not None else None)" in (
        readme
    )


def test_a_failed_wrapped_job_carries_its_numeric_code_as_text(
    jobs_package: Path,
) -> None:
    module: Any = importlib.import_module("tts_example_jobs")
    client, _ = _jobs_client(
        module, {"Status": "fail", "ErrorCode": 1001, "Msg": "no voice"}
    )
    with pytest.raises(module.errors.JobFailedError) as caught:
        client.wait_for_job("t-1")
    assert (caught.value.state, caught.value.code, caught.value.message) == (
        "fail",
        "1001",
        "no voice",
    )


def test_the_wrapped_jobs_package_type_checks(jobs_package: Path) -> None:
    out, err, status = mypy.run(
        [
            "--strict",
            "--python-version",
            "3.10",
            "--config-file",
            "",
            "--no-incremental",
            str(jobs_package),
        ]
    )
    assert status == 0, out + err
    ruff_check(jobs_package)
