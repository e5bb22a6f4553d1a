"""A fake generated for an API added from its spec alone (no vendor code, no extension
beyond the lifecycle and paging ones): the batch example of tests/support/specs, REST
with an API key, a 204 delete, a cancel, and lists that are not of jobs. The same tests
as the four packages' run against it."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fake import test_fakes
from tests.fake.test_fakes import *  # noqa: F403 (the same tests, collected here)
from tests.fake.test_fakes import Profile
from tests.support.generate import generated_package

SPEC = Path(__file__).parent.parent / "support" / "specs" / "example-batch.yaml"

PROFILE = Profile(
    package="tts_example_batch",
    submit={"texts": ["Hello"], "voice": "alto"},
    failure_code="TextRejected",
    # Each text has at most 100 characters.
    bad_request=(
        "submit",
        "PUT",
        "/batches?api-version=2024-04-01",
        {"Content-Type": "application/json"},
        json.dumps({"texts": ["x" * 101]}).encode(),
    ),
    code_of=lambda response: response.json()["error"]["code"],
    good_body=json.dumps({"texts": ["Hello"]}).encode(),
    query_argument="batch_id",
    logged="Hello",
    list_items=("iter_list_batches", "id", "status"),
    page_size={},
    deletes=True,
    cancels=True,
    result_pointer=("audio_urls",),
    result=["https://example.test/mine"],
    result_seen=["https://example.test/mine"],
)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield from generated_package(
        tmp_path_factory, "example-batch", SPEC.read_text(encoding="utf-8")
    )


@pytest.fixture  # type: ignore[no-redef]
def profile(package: Path) -> Profile:
    return PROFILE


def test_ids_follow_the_specs_pattern(testing: Any) -> None:
    fake = testing.FakeService()
    job = fake.add_job()
    assert job.id.startswith("b-") and job.id[2:].isdigit()


def test_lists_of_other_things_are_answered_from_their_schema(testing: Any) -> None:
    fake = testing.FakeService()
    fake.add_job()
    client = fake.client()
    # Voices are no jobs: an empty page, valid by the schema, and no next link.
    assert list(client.iter_list_voices()) == []
    assert fake._operation("list_voices").role == "other"


def test_the_client_argument_is_checked(testing: Any) -> None:
    """The API version is a constant query parameter: another one is refused."""
    fake = testing.FakeService()
    request = httpx.Request(
        "PUT",
        fake.base_url + "/batches?api-version=1999-01-01",
        headers={"Content-Type": "application/json"},
        content=PROFILE.good_body,
    )
    with fake.http_client() as http:
        response = http.send(fake.sign(request, "submit"))
    assert response.status_code == 400, response.text
    assert not fake.jobs


def test_module_is_the_generated_one(testing: Any) -> None:
    assert importlib.import_module("tts_example_batch.testing") is testing
    assert test_fakes.PROFILES.get("tts_example_batch") is None
