"""Parameters as OpenAPI serialises them, from a spec alone: each `style` and `explode` a
query, header, path or cookie parameter may have, numbers as the caller wrote them, and the
argument names. A minimal spec is generated here and its client driven against a loopback
server; what the server receives is compared byte for byte."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml
from mypy import api as mypy

from generator import pipeline
from generator.errors import SpecError
from tests.support.generate import generated_package
from tests.support.server import Reply, ScriptedServer, serve

HEAD = """
openapi: 3.1.0
info: {title: Parameter styles, version: 1.0.0}
servers: [{url: 'https://api.example.com/v1'}]
security: [{key: []}]
x-sdkgen-errors: {code: /code, message: /message}
"""
SPEC = (
    HEAD
    + """
paths:
  /voices/{id}:
    get:
      operationId: getVoice
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: voice_ids, in: query, schema: {type: array, items: {type: string}}}
        - name: csv
          in: query
          explode: false
          schema: {type: array, items: {type: string}}
        - name: spaced
          in: query
          style: spaceDelimited
          explode: false
          schema: {type: array, items: {type: integer}}
        - name: piped
          in: query
          style: pipeDelimited
          schema: {type: array, items: {type: string}}
        - name: color
          in: query
          style: deepObject
          explode: true
          schema: {$ref: '#/components/schemas/Color'}
        - {name: filter, in: query, schema: {$ref: '#/components/schemas/Color'}}
        - {name: speed, in: query, schema: {type: number, minimum: 0}}
        - {name: speeds, in: query, schema: {type: array, items: {type: number}}}
        - {name: loud, in: query, schema: {type: boolean}}
        - {name: X-Tags, in: header, schema: {type: array, items: {type: string}}}
        - name: X-Color
          in: header
          explode: true
          schema: {$ref: '#/components/schemas/Color'}
        - name: where
          in: query
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Color'}
        - name: note
          in: query
          content:
            text/plain: {}
        - {name: session, in: cookie, required: true, schema: {type: string}}
        - {name: prefs, in: cookie, schema: {type: array, items: {type: string}}}
      responses:
        '200':
          description: The voice.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Voice'}
  /rooms/{coords}/{tag}/{point}:
    get:
      operationId: getRoom
      parameters:
        - name: coords
          in: path
          required: true
          style: matrix
          explode: true
          schema: {type: array, items: {type: integer}}
        - {name: tag, in: path, required: true, style: label, schema: {type: string}}
        - name: point
          in: path
          required: true
          schema: {type: array, items: {type: number}}
      responses:
        '204': {description: Nothing.}
components:
  schemas:
    Color:
      type: object
      properties:
        R: {type: integer}
        G: {type: integer}
    Voice:
      type: object
      properties:
        id: {type: string}
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
"""
)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield from generated_package(tmp_path_factory, "param-styles", SPEC)


@pytest.fixture(scope="module")
def module(package: Path) -> Any:
    return importlib.import_module("tts_param_styles")


def client(module: Any, server: ScriptedServer) -> Any:
    return module.Client(key="k", base_url=server.url + "/v1")


def test_the_package_type_checks(package: Path) -> None:
    out, err, status = mypy.run(
        ["--strict", "--python-version", "3.10", "--config-file", ""]
        + ["--no-incremental", str(package)]
    )
    assert status == 0, out + err


def test_an_array_goes_out_as_repeated_names_not_a_python_repr(module: Any) -> None:
    with serve(Reply(body={"id": "v"})) as server:
        client(module, server).get_voice("v1", voice_ids=["a", "b c"], session="s")
    assert server.received[0].path == "/v1/voices/v1?voice_ids=a&voice_ids=b%20c"


def test_every_query_style_is_sent_as_the_openapi_table_writes_it(module: Any) -> None:
    with serve(Reply(body={"id": "v"})) as server:
        client(module, server).get_voice(
            "v1",
            csv=["a", "b,c"],
            spaced=[1, 2],
            piped=["x", "y"],
            color=module.Color(R=100, G=200),
            filter=module.Color(R=1),
            speed=10,
            speeds=[1, 2.5],
            loud=True,
            session="s",
        )
    query = server.received[0].path.split("?", 1)[1]
    assert query.split("&") == [
        "csv=a,b%2Cc",
        "spaced=1%202",
        "piped=x%7Cy",
        "color%5BR%5D=100",
        "color%5BG%5D=200",
        "R=1",  # form, exploded: the object's own names
        "speed=10",
        "speeds=1",
        "speeds=2.5",
        "loud=true",
    ]


def test_a_parameter_given_by_content_is_sent_as_its_media_type(module: Any) -> None:
    with serve(Reply(body={"id": "v"})) as server:
        api = client(module, server)
        api.get_voice("v1", where=module.Color(R=1, G=2), note="a b", session="s")
        api.get_voice("v1", where='{"R": 3}', session="s")  # its JSON text, checked
    assert [r.path.split("?")[1] for r in server.received] == [
        "where=%7B%22R%22%3A1%2C%22G%22%3A2%7D&note=a%20b",
        "where=%7B%22R%22%3A3%7D",
    ]
    with pytest.raises(pydantic.ValidationError, match="where"):
        api.get_voice("v1", where='{"R": "x"}', session="s")


def test_a_number_is_sent_as_the_caller_wrote_it(module: Any) -> None:
    with serve(Reply(body={"id": "v"})) as server:
        api = client(module, server)
        api.get_voice("v1", speed=10, session="s")
        api.get_voice("v1", speed=10.5, session="s")
    assert [r.path.split("?")[1] for r in server.received] == ["speed=10", "speed=10.5"]
    # Still checked: a bool is no number, and the minimum holds for an int too.
    for bad in (True, -1, "10"):
        with pytest.raises(pydantic.ValidationError, match="speed"):
            api.get_voice("v1", speed=bad, session="s")


def test_headers_are_simple_and_cookies_form(module: Any) -> None:
    with serve(Reply(body={"id": "v"})) as server:
        client(module, server).get_voice(
            "v1",
            x_tags=["a", "b"],
            x_color=module.Color(R=1, G=2),
            session="s 1;",
            prefs=["dark", "big"],
        )
    headers = server.received[0].headers
    assert headers["x-tags"] == "a,b"
    assert headers["x-color"] == "R=1,G=2"
    assert headers["cookie"] == "session=s%201%3B; prefs=dark; prefs=big"


def test_a_cookie_argument_is_required_checked_and_never_logged(
    module: Any, caplog: pytest.LogCaptureFixture
) -> None:
    parameters = inspect.signature(module.Client.get_voice).parameters
    assert parameters["session"].default is inspect.Parameter.empty
    with pytest.raises(pydantic.ValidationError, match="session"):
        module.Client(key="k").get_voice("v1", session=3)
    with caplog.at_level(logging.DEBUG), serve(Reply(status=500, body={})) as server:
        api = module.Client(key="k", base_url=server.url + "/v1", max_retries=1)
        errors = importlib.import_module("tts_param_styles.errors")
        with pytest.raises(errors.APIStatusError) as error:
            api.get_voice("v1", session="s3cret-session")
    assert len(server.received) == 2  # a retried read: logged
    assert "s3cret-session" not in caplog.text
    assert "s3cret-session" not in str(error.value) + repr(error.value)


def test_path_styles_and_a_parameter_named_id(module: Any) -> None:
    # `id` shadows a builtin only inside the method: kept, as the URL names it.
    assert list(inspect.signature(module.Client.get_voice).parameters)[:2] == [
        "self",
        "id",
    ]
    with serve(Reply(status=204), Reply(body={"id": "v"})) as server:
        assert client(module, server).get_room([1, 2], "x.y", [1, 0.5]) is None
        client(module, server).get_voice("..", session="s")
    assert server.received[0].path == "/v1/rooms/;coords=1;coords=2/.x.y/1,0.5"
    # `..` would take the call to /v1/ once a URL parser resolved it.
    assert server.received[1].path == "/v1/voices/%2E%2E"


def test_the_async_client_sends_the_same(module: Any) -> None:
    async def call(server: ScriptedServer) -> None:
        async with module.AsyncClient(key="k", base_url=server.url + "/v1") as api:
            await api.get_voice("v1", voice_ids=["a"], spaced=[3], session="s")

    with serve(Reply(body={"id": "v"})) as server:
        asyncio.run(call(server))
    assert server.received[0].path == "/v1/voices/v1?voice_ids=a&spaced=3"
    assert server.received[0].headers["cookie"] == "session=s"


# --- what OpenAPI leaves undefined: read as its nearest meaning, with a warning ---------

ODD = (
    HEAD
    + """
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - {name: X-Ids, in: header, style: form, schema: {type: array, items: {type: string}}}
        - name: spaced
          in: query
          style: spaceDelimited
          explode: true
          schema: {type: array, items: {type: string}}
        - {name: deep, in: query, style: deepObject, schema: {type: array, items: {type: string}}}
        - {name: plain, in: query, style: deepObject, schema: {type: object}}
      responses:
        '204': {description: Nothing.}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
"""
)


def _odd_spec(tmp_path: Path) -> Path:
    (tmp_path / "specs" / "odd").mkdir(parents=True)
    (tmp_path / "specs" / "odd" / "openapi.yaml").write_text(ODD, encoding="utf-8")
    return tmp_path / "specs"


def test_undefined_styles_warn_at_their_place_and_are_sent_as_their_nearest_meaning(
    tmp_path: Path,
) -> None:
    yaml.safe_load(ODD)  # the spec itself is well-formed
    report = pipeline.generate("odd", _odd_spec(tmp_path), tmp_path / "out")
    where = "/paths/~1things/get/parameters"
    assert [(w.pointer, w.message.split(":")[0]) for w in report.warnings] == [
        (
            f"{where}/0/style",
            "style 'form' is not one OpenAPI defines for a header parameter (simple)",
        ),
        (f"{where}/1/explode", "spaceDelimited is defined only with explode"),
        (f"{where}/2/style", "deepObject is defined for objects only"),
    ]
    source = (tmp_path / "out" / "tts_odd" / "client.py").read_text(encoding="utf-8")
    client = "".join(source.split())  # as the formatter may wrap it
    assert 'styled_header(_sent.get("x_ids"),False)' in client
    assert 'styled_query("spaced",_sent.get("spaced"),"form",True)' in client
    assert 'styled_query("deep",_sent.get("deep"),"form",True)' in client
    # deepObject without `explode: true` is still written the only way it can be.
    assert 'styled_query("plain",_sent.get("plain"),"deepObject",True)' in client


def test_strict_generation_refuses_an_undefined_style(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as error:
        pipeline.generate("odd", _odd_spec(tmp_path), tmp_path / "out", strict=True)
    assert error.value.pointer == "/paths/~1things/get/parameters/0/style"
