"""Servers as a published spec declares them: every entry is offered (the first is the
default), a variable may hold a scheme and a host (`{endpoint}/texttospeech`), and a spec
without servers asks for `base_url=`."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator import pipeline
from tests.support.generate import generated_package

SPEC = """
openapi: 3.1.0
info: {title: Servers, version: '1'}
servers:
  - url: https://{region}.api.example.test/v1
    description: Public cloud.
    variables:
      region: {default: eu, enum: [eu, us]}
  - url: '{endpoint}/texttospeech'
    description: Your own resource.
    variables:
      endpoint: {default: 'https://westus.tts.example.test'}
  - url: https://gov.example.test/v1
security: [{key: []}]
x-sdkgen-errors: {code: /code, message: /message}
paths:
  /voices:
    get:
      operationId: ListVoices
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {type: object, properties: {n: {type: integer}}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
"""

NONE = SPEC.replace(SPEC[SPEC.index("servers:") : SPEC.index("security:")], "")


@pytest.fixture(scope="module")
def module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    for _ in generated_package(tmp_path_factory, "servers-x", SPEC):
        yield importlib.import_module("tts_servers_x")


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    for _ in generated_package(tmp_path_factory, "servers-none", NONE):
        yield importlib.import_module("tts_servers_none")


def urls(module: Any, **options: Any) -> list[str]:
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"n": 1})

    with module.Client(
        key="k",
        http_client=httpx.Client(transport=httpx.MockTransport(handle)),
        **options,
    ) as client:
        client.list_voices()
        assert client.base_url + "/voices" == seen[0]
    return seen


def test_every_server_is_offered_the_first_by_default(module: Any) -> None:
    assert module.SERVERS == (
        "https://{region}.api.example.test/v1",
        "{endpoint}/texttospeech",
        "https://gov.example.test/v1",
    )
    assert urls(module) == ["https://eu.api.example.test/v1/voices"]
    assert urls(module, region="us") == ["https://us.api.example.test/v1/voices"]
    assert urls(module, server=module.SERVERS[2]) == [
        "https://gov.example.test/v1/voices"
    ]


def test_a_variable_holding_a_scheme_and_host(module: Any) -> None:
    second = module.SERVERS[1]
    assert urls(module, server=second) == [
        "https://westus.tts.example.test/texttospeech/voices"
    ]
    assert urls(module, server=second, endpoint="http://127.0.0.1:8123/") == [
        "http://127.0.0.1:8123/texttospeech/voices"
    ]


@pytest.mark.parametrize(
    "endpoint",
    [
        "westus.tts.example.test",  # no scheme
        "ftp://host",
        "https://host/path",  # would move the path
        "https://user@evil.test",
        "https://host?x=1",
        "https://host:99999",
        "https://ho st",
    ],
)
def test_a_bad_endpoint_is_refused_by_name(module: Any, endpoint: str) -> None:
    with pytest.raises(ValueError, match="endpoint"):
        module.Client(key="k", server=module.SERVERS[1], endpoint=endpoint)


def test_an_unknown_server_is_refused(module: Any) -> None:
    with pytest.raises(ValueError, match=r"unknown server .https://x\.test.; known: "):
        module.Client(key="k", server="https://x.test")


def test_no_server_needs_base_url(bare: Any) -> None:
    assert bare.SERVERS == ()
    # The signature says so (`base_url: str`), and so does the runtime for an untyped
    # caller passing None.
    with pytest.raises(TypeError, match="required keyword-only argument: 'base_url'"):
        bare.Client(key="k")
    with pytest.raises(
        ValueError, match="base_url is required: the spec names no server"
    ):
        bare.Client(key="k", base_url=None)
    assert urls(bare, base_url="http://127.0.0.1:9") == ["http://127.0.0.1:9/voices"]


def test_a_repeated_server_is_offered_once_with_a_warning(tmp_path: Path) -> None:
    spec = SPEC.replace(
        "  - url: https://gov.example.test/v1\n",
        "  - url: https://gov.example.test/v1\n  - url: https://gov.example.test/v1\n",
    )
    (tmp_path / "specs" / "twice").mkdir(parents=True)
    (tmp_path / "specs" / "twice" / "openapi.yaml").write_text(spec, encoding="utf-8")
    report = pipeline.generate("twice", tmp_path / "specs", tmp_path / "out")
    assert [(w.pointer, w.message) for w in report.warnings] == [
        ("/servers/3", "a second server 'https://gov.example.test/v1': ignored")
    ]
    client = (tmp_path / "out" / "tts_twice" / "client.py").read_text(encoding="utf-8")
    assert (
        client.count("'https://gov.example.test/v1'")
        + client.count('"https://gov.example.test/v1"')
        == 2
    )  # SERVERS and the variables' table
