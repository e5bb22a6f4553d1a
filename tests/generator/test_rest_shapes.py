"""A REST API from a spec alone: the common shapes every vendor needs, with no change to
generator/. `tests/support/specs/example-batch.yaml` uses each of them; here it is generated,
type-checked, linted and driven against a loopback server."""

from __future__ import annotations

import asyncio
import datetime
import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pydantic
import pytest
import vcr
from mypy import api as mypy

from tests.contract.recording import REDACTED, secret_headers, vcr_config
from tests.support.generate import generated_package
from tests.support.server import Reply, ScriptedServer, serve

SPEC = Path(__file__).parent.parent / "support" / "specs" / "example-batch.yaml"
KEY = "sk-test-0123456789abcdef"
TOKEN = "bearer-secret-token"
BATCH = {"id": "b-1", "status": "queued", "created_at": "2024-05-01T12:00:00"}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield from generated_package(
        tmp_path_factory, "example-batch", SPEC.read_text(encoding="utf-8")
    )


@pytest.fixture(scope="module")
def module(package: Path) -> Any:
    return importlib.import_module("tts_example_batch")


def client(module: Any, server: ScriptedServer, **options: Any) -> Any:
    return module.Client(api_key=KEY, base_url=server.url + "/v2", **options)


def query(received: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(received.path).query)


# --- the package itself ----------------------------------------------------------------------


def test_it_type_checks_and_lints_clean(package: Path) -> None:
    out, err, status = mypy.run(
        ["--strict", "--python-version", "3.10", "--config-file", ""]
        + ["--no-incremental", str(package)]
    )
    assert status == 0, out + err
    ruff = subprocess.run(
        [Path(sys.executable).with_name("ruff"), "check", "--no-cache", str(package)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr


def test_a_date_like_api_version_gives_a_valid_package_version(
    package: Path, module: Any
) -> None:
    assert module.__version__ == "2024.4.1"
    assert 'version = "2024.4.1"' in (package / "pyproject.toml").read_text()


def test_scalar_components_are_inlined_and_exported_as_aliases(module: Any) -> None:
    assert module.Status.__args__ == ("queued", "running", "done", "failed")
    assert module.BatchId is str
    with pytest.raises(pydantic.ValidationError):
        # BatchId's pattern holds where it is used.
        module.Client(api_key=KEY, base_url="http://127.0.0.1:9").get_batch("x-1")


# --- client arguments: server variables, defaults and constants, auth ------------------------


def test_server_variables_are_client_arguments(module: Any) -> None:
    url = module.Client(api_key=KEY, tenant="acme", region="us").base_url
    assert url == "https://acme.speech.us.example.test/v2"
    assert module.Client(api_key=KEY, tenant="acme").base_url == (
        "https://acme.speech.eu.example.test/v2"
    )
    with pytest.raises(ValueError, match="tenant is required"):
        module.Client(api_key=KEY)
    with pytest.raises(ValueError, match="unknown region 'asia'; known: eu, us"):
        module.Client(api_key=KEY, tenant="acme", region="asia")
    with pytest.raises(ValueError, match="not a valid part of a host name"):
        module.Client(api_key=KEY, tenant="evil.test/x?")
    # base_url still overrides the whole URL, variables and all.
    assert (
        module.Client(api_key=KEY, base_url="http://h:1/v2").base_url == "http://h:1/v2"
    )


def test_a_constant_client_parameter_need_not_be_passed_and_is_checked(
    module: Any,
) -> None:
    with serve(Reply(200, BATCH)) as server:
        with client(module, server) as api:
            api.get_batch("b-1")
        with client(module, server, api_version="2024-04-01") as api:
            api.get_batch("b-1")
    assert [query(r)["api-version"] for r in server.received] == [["2024-04-01"]] * 2
    with pytest.raises(pydantic.ValidationError):
        module.Client(api_key=KEY, tenant="t", api_version="2023-01-01")


def test_an_api_key_goes_in_its_header_and_nowhere_else(module: Any) -> None:
    error = {"error": {"code": "Forbidden", "message": "no"}}
    with serve(Reply(403, error, {"X-Request-Id": "r-1"})) as server:
        api = client(module, server)
        with pytest.raises(module.errors.PermissionDeniedError) as caught:
            api.get_batch("b-1")
    assert server.received[0].headers["x-api-key"] == KEY
    assert "authorization" not in server.received[0].headers
    assert (caught.value.code, caught.value.request_id) == ("Forbidden", "r-1")
    for text in (repr(api), str(caught.value), repr(caught.value.args)):
        assert KEY not in text


def test_a_bearer_token_is_sent_as_bearer(module: Any) -> None:
    with serve(Reply(200, BATCH)) as server:
        api = module.Client(bearer=TOKEN, base_url=server.url + "/v2")
        api.get_batch("b-1")
    assert server.received[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in repr(api)


def test_secrets_never_reach_a_recording(
    module: Any, package: Path, tmp_path: Path
) -> None:
    from generator.ir_build import build
    from generator.load import load_openapi

    api_ir = build(load_openapi(SPEC, str(SPEC)), "example-batch", str(SPEC), "")
    assert secret_headers(api_ir) == ["Authorization", "X-Api-Key"]
    config = vcr_config(api_ir)
    # The redaction of a contract cassette, recording for real (from a loopback server).
    recorder = vcr.VCR(
        record_mode="all",
        filter_headers=config["filter_headers"],
        before_record_response=config["before_record_response"],
    )
    cassette = tmp_path / "recorded.yaml"
    with serve(Reply(200, BATCH)) as server, recorder.use_cassette(str(cassette)):
        client(module, server).get_batch("b-1")
        module.Client(bearer=TOKEN, base_url=server.url + "/v2").get_batch("b-1")
    text = cassette.read_text()
    assert KEY not in text and TOKEN not in text
    assert text.count(REDACTED) == 2


# --- operations ------------------------------------------------------------------------------


def test_an_empty_response_returns_none(module: Any) -> None:
    with serve(Reply(204, b"")) as server, client(module, server) as api:
        assert api.delete_batch("b-1") is None
    (received,) = server.received
    assert (received.method, urlsplit(received.path).path) == (
        "DELETE",
        "/v2/batches/b-1",
    )


def test_an_error_on_an_empty_operation_is_still_typed(module: Any) -> None:
    error = {"error": {"code": "NotFound", "message": "no such batch"}}
    with serve(Reply(404, error)) as server, client(module, server) as api:
        with pytest.raises(module.errors.NotFoundError) as caught:
            api.delete_batch("b-9")
    assert caught.value.code == "NotFound"


def test_a_query_default_is_not_sent_unless_given(module: Any) -> None:
    page = {"batches": [BATCH]}
    with serve(Reply(200, page)) as server, client(module, server) as api:
        api.list_batches()
        api.list_batches(skip=0, status="done")
    first, second = (query(r) for r in server.received)
    assert "skip" not in first and "status" not in first
    assert (second["skip"], second["status"]) == (["0"], ["done"])


def test_naive_timestamps_are_received_and_aware_ones_are_sent(module: Any) -> None:
    with serve(Reply(201, BATCH)) as server, client(module, server) as api:
        made = api.create_batch(
            texts=["hi"],
            not_before=datetime.datetime(2024, 5, 1, 8, tzinfo=datetime.UTC),
        )
        assert made.created_at == datetime.datetime(2024, 5, 1, 12)
        with pytest.raises(pydantic.ValidationError) as caught:
            api.create_batch(texts=["hi"], not_before=datetime.datetime(2024, 5, 1))
        assert caught.value.errors()[0]["loc"] == ("not_before",)
    (sent,) = server.received
    assert json.loads(sent.body)["not_before"] == "2024-05-01T08:00:00Z"


def test_a_submit_is_not_retried_whatever_its_method(module: Any) -> None:
    unavailable = Reply(503, {"error": {"code": "Busy", "message": "later"}})
    with serve(unavailable, Reply(201, BATCH)) as server, client(module, server) as api:
        with pytest.raises(module.errors.InternalServerError):
            api.create_batch(texts=["hi"])
    assert [r.method for r in server.received] == ["PUT"]
    # A read through the same client is retried.
    with serve(unavailable, Reply(200, BATCH)) as server, client(module, server) as api:
        assert api.get_batch("b-1").id == "b-1"
    assert len(server.received) == 2


def test_an_idempotent_post_is_retried_like_a_read(module: Any) -> None:
    unavailable = Reply(503, {"error": {"code": "Busy", "message": "later"}})
    cancelled = {**BATCH, "status": "failed"}
    with (
        serve(unavailable, Reply(200, cancelled)) as server,
        client(module, server) as api,
    ):
        assert api.cancel_batch("b-1").status == "failed"
    assert [(r.method, urlsplit(r.path).path) for r in server.received] == [
        ("POST", "/v2/batches/b-1/cancel")
    ] * 2


def test_a_post_without_the_mark_is_not_retried(module: Any) -> None:
    unavailable = Reply(503, {"error": {"code": "Busy", "message": "later"}})
    with serve(unavailable, Reply(201, BATCH)) as server, client(module, server) as api:
        with pytest.raises(module.errors.InternalServerError) as caught:
            api.copy_batch("b-1")
    assert caught.value.code == "Busy"
    assert [(r.method, urlsplit(r.path).path) for r in server.received] == [
        ("POST", "/v2/batches/b-1/copy")
    ]
    # Unless the client is told that submits may be repeated.
    with serve(unavailable, Reply(201, BATCH)) as server:
        with client(module, server, retry_submits=True) as api:
            assert api.copy_batch("b-1").id == "b-1"
    assert len(server.received) == 2


def test_wait_for_job_follows_a_put_submit(module: Any) -> None:
    replies = [Reply(200, {**BATCH, "status": s}) for s in ("running", "done")]
    with serve(Reply(201, BATCH), *replies) as server, client(module, server) as api:
        batch = api.create_batch(texts=["a", "b"], tags=["x"])
        done = api.wait_for_job(batch.id, timeout=5)
    assert done.status == "done"


# --- paging ----------------------------------------------------------------------------------


def test_next_token_paging_reads_three_pages_and_stops(module: Any) -> None:
    pages = [
        Reply(200, {"batches": [{"id": "b-1"}, {"id": "b-2"}], "nextPageToken": "t2"}),
        Reply(200, {"batches": [{"id": "b-3"}], "nextPageToken": "t3"}),
        Reply(200, {"batches": [{"id": "b-4"}]}),
        Reply(500, {"error": {"code": "TooFar", "message": "read past the end"}}),
    ]
    with serve(*pages) as server, client(module, server) as api:
        ids = [batch.id for batch in api.iter_list_batches(status="done")]
    assert ids == ["b-1", "b-2", "b-3", "b-4"]
    tokens = [query(r).get("pageToken") for r in server.received]
    assert tokens == [None, ["t2"], ["t3"]]
    assert {query(r)["status"][0] for r in server.received} == {"done"}


def test_iterators_fetch_pages_as_items_are_used(module: Any) -> None:
    pages = [Reply(200, {"batches": [{"id": "b-1"}], "nextPageToken": "t2"})]
    with (
        serve(*pages, Reply(200, {"batches": []})) as server,
        client(module, server) as api,
    ):
        first = next(iter(api.iter_list_batches()))
        assert first.id == "b-1"
    assert len(server.received) == 1


def test_a_repeated_token_ends_the_iteration(module: Any) -> None:
    page = Reply(200, {"batches": [{"id": "b-1"}], "nextPageToken": "same"})
    with serve(page) as server, client(module, server) as api:
        assert len(list(api.iter_list_batches())) == 2
    assert len(server.received) == 2


def test_async_next_token_paging(module: Any) -> None:
    pages = [
        Reply(200, {"batches": [{"id": "b-1"}], "nextPageToken": "t2"}),
        Reply(200, {"batches": [{"id": "b-2"}], "nextPageToken": ""}),
    ]

    async def scenario(server: ScriptedServer) -> list[str]:
        async with module.AsyncClient(api_key=KEY, base_url=server.url + "/v2") as api:
            return [batch.id async for batch in api.iter_list_batches()]

    with serve(*pages) as server:
        assert asyncio.run(scenario(server)) == ["b-1", "b-2"]


def test_next_link_paging_follows_relative_and_absolute_links(module: Any) -> None:
    with serve() as server:
        server.replies = [
            Reply(200, {"data": [{"name": "a"}], "links": {"next": "/v2/voices?c=2"}}),
            Reply(
                200,
                {
                    "data": [{"name": "b"}],
                    "links": {"next": server.url + "/v2/voices?c=3"},
                },
            ),
            Reply(200, {"data": [{"name": "c"}], "links": {}}),
        ]
        with client(module, server) as api:
            names = [voice.name for voice in api.iter_list_voices()]
    assert names == ["a", "b", "c"]
    assert [r.path for r in server.received] == [
        "/v2/voices",
        "/v2/voices?c=2",
        "/v2/voices?c=3",
    ]
    # Every page carries the key: each is signed like any call.
    assert {r.headers["x-api-key"] for r in server.received} == {KEY}


def test_a_next_link_to_another_host_is_not_followed(module: Any) -> None:
    page = {
        "data": [{"name": "a"}],
        "links": {"next": "https://elsewhere.test/v2/voices"},
    }
    with serve(Reply(200, page)) as server, client(module, server) as api:
        voices = api.iter_list_voices()
        assert next(voices).name == "a"
        with pytest.raises(module.errors.APIResponseValidationError, match="elsewhere"):
            next(voices)
    assert len(server.received) == 1


def test_page_number_paging_stops_at_the_total(module: Any) -> None:
    day = {"day": "2024-05-01", "characters": 10}
    pages = [
        Reply(200, {"total": 5, "days": [day, day]}),
        Reply(200, {"total": 5, "days": [day, day]}),
        Reply(200, {"total": 5, "days": [day]}),
        Reply(200, {"total": 5, "days": [day]}),
    ]
    with serve(*pages) as server, client(module, server) as api:
        days = list(api.iter_list_usage())
    assert len(days) == 5
    assert days[0].day == datetime.date(2024, 5, 1)
    assert [query(r)["page"] for r in server.received] == [["1"], ["2"], ["3"]]


def test_a_user_of_the_package_type_checks(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MYPYPATH", str(package.parent))
    user = tmp_path / "user.py"
    user.write_text(
        "from tts_example_batch import Client\n"
        "api = Client(api_key='k', tenant='t')\n"
        "for batch in api.iter_list_batches():\n"
        "    reveal_type(batch.created_at)\n"
        "reveal_type(api.delete_batch('b-1'))\n"
        "api.list_batches(skip='1')\n"
    )
    out, err, _ = mypy.run(
        ["--strict", "--python-version", "3.10", "--config-file", ""]
        + ["--no-incremental", "--cache-dir", str(tmp_path / "c"), str(user)]
    )
    notes = [line.split("note: ", 1)[1] for line in out.splitlines() if "note:" in line]
    assert notes == [
        'Revealed type is "datetime.datetime | None"',
        'Revealed type is "None"',
    ], out + err
    assert 'Argument "skip" to "list_batches" of "Client" has incompatible type' in out


@pytest.mark.parametrize("default", ["1", 1.5, True, None])
def test_a_page_number_that_is_no_integer_is_refused(default: object) -> None:
    from generator.errors import SpecError
    from generator.ir_build import build
    from generator.load import load_openapi

    document = load_openapi(SPEC, str(SPEC))
    (page,) = [
        p
        for p in document["paths"]["/usage"]["get"]["parameters"]
        if p["name"] == "page"
    ]
    page["schema"]["default"] = default
    with pytest.raises(SpecError) as caught:
        build(document, "example-batch", str(SPEC), "")
    assert caught.value.pointer == "/paths/~1usage/get/x-sdkgen-paging/page-parameter"
    assert repr(default) in caught.value.message
