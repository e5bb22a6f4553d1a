"""`client.with_raw_response.<method>(...)` (issue 26, item 8): the method's answer with
its response's status and headers, sync and async, for any API."""

from __future__ import annotations

import asyncio
import importlib
import inspect
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.generate import generated_package

SPEC = """
openapi: 3.1.0
info: {title: Raw responses, version: 1.0.0}
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
            schema:
              type: object
              required: [text]
              properties: {text: {type: string}}
      responses:
        '202':
          description: Accepted; Operation-Location says where to poll.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Job'}
  /jobs/{id}:
    get:
      operationId: GetJob
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: The job.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Job'}
    delete:
      operationId: DeleteJob
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '204': {description: Deleted.}
components:
  securitySchemes:
    apiKey: {type: apiKey, in: header, name: X-Api-Key}
  schemas:
    Job:
      type: object
      properties:
        id: {type: string}
        status: {type: string}
"""


@pytest.fixture(scope="module")
def module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    for _ in generated_package(tmp_path_factory, "example-raw", SPEC):
        yield importlib.import_module("tts_example_raw")


def _handler(request: httpx.Request) -> httpx.Response:
    if request.method == "POST":
        return httpx.Response(
            202,
            json={"id": "j1", "status": "queued"},
            headers={"Operation-Location": "https://api.example.test/jobs/j1"},
        )
    if request.method == "DELETE":
        return httpx.Response(204)
    job = request.url.path.rsplit("/", 1)[-1]
    if job == "missing":
        return httpx.Response(
            404,
            json={"error": {"code": "NotFound", "message": "no such job"}},
            headers={"X-RateLimit-Remaining": "7"},
        )
    return httpx.Response(
        200,
        json={"id": job, "status": "done"},
        headers={"X-RateLimit-Remaining": job},
    )


def test_a_raw_call_returns_status_headers_and_the_parsed_answer(module: Any) -> None:
    with httpx.Client(transport=httpx.MockTransport(_handler)) as http:
        client = module.Client(api_key="secret-key", http_client=http)
        raw = client.with_raw_response.create_job(text="Hello")
        assert raw.status_code == 202
        assert raw.headers["operation-location"] == "https://api.example.test/jobs/j1"
        assert isinstance(raw.parsed, module.Job)
        assert (raw.parsed.id, raw.parsed.status) == ("j1", "queued")
        deleted = client.with_raw_response.delete_job("j1")
        assert (deleted.status_code, deleted.parsed) == (204, None)
        # The plain methods are unchanged.
        assert client.get_job("j2").status == "done"
    assert "secret-key" not in repr(raw)


def test_a_raw_call_raises_errors_as_the_method_does(module: Any) -> None:
    with httpx.Client(transport=httpx.MockTransport(_handler)) as http:
        client = module.Client(api_key="k", http_client=http)
        with pytest.raises(module.errors.NotFoundError) as caught:
            client.with_raw_response.get_job("missing")
    assert (caught.value.status_code, caught.value.code) == (404, "NotFound")


def test_a_retried_call_shows_the_response_its_answer_came_from(module: Any) -> None:
    answers = iter(
        [
            httpx.Response(
                503, headers={"Retry-After": "0", "X-RateLimit-Remaining": "0"}
            ),
            httpx.Response(
                200, json={"id": "j3"}, headers={"X-RateLimit-Remaining": "9"}
            ),
        ]
    )
    with httpx.Client(transport=httpx.MockTransport(lambda _: next(answers))) as http:
        raw = module.Client(api_key="k", http_client=http).with_raw_response.get_job(
            "j3"
        )
    assert (raw.status_code, raw.headers["x-ratelimit-remaining"]) == (200, "9")
    assert raw.parsed.id == "j3"


def test_async_raw_calls_at_once_each_see_their_own_response(module: Any) -> None:
    async def main() -> list[Any]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(_handler)) as http:
            client = module.AsyncClient(api_key="k", http_client=http)
            return await asyncio.gather(
                *(client.with_raw_response.get_job(f"{n}") for n in range(20))
            )

    for n, raw in enumerate(asyncio.run(main())):
        assert (raw.status_code, raw.headers["x-ratelimit-remaining"]) == (200, f"{n}")
        assert raw.parsed.id == f"{n}"


def test_raw_methods_take_the_methods_arguments(module: Any) -> None:
    for client in (module.Client, module.AsyncClient):
        raw = client.with_raw_response.fget.__annotations__["return"]
        raw_class = getattr(importlib.import_module("tts_example_raw.client"), raw)
        for name in ("create_job", "get_job", "delete_job"):
            method = inspect.signature(getattr(client, name))
            wrapped = inspect.signature(getattr(raw_class, name))
            assert wrapped.parameters == method.parameters
            assert (
                wrapped.return_annotation == f"RawResponse[{method.return_annotation}]"
            )
