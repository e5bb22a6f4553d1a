"""Every published document of tests/corpus/ is generated unedited (no `--strict`), as a
user who drops it into `specs/` would: the operations generated and skipped and the
warnings each reaches are recorded here, so a change in what the generator can express
shows as a change of these numbers."""

from __future__ import annotations

import email
import email.policy
import importlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from generator import naming, pipeline
from generator.errors import SpecError
from tests.support.generate import importable

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MANIFEST = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
DOCUMENTS = {entry["folder"]: entry for entry in MANIFEST["documents"]}

# (operations generated, operations skipped, warnings). What is skipped today: request
# bodies of other media types (text/csv), server-sent event responses, and top-level
# request bodies that are not objects with properties (arrays, unions, free-form
# objects): the rest of the issue "Bodies beyond JSON". Audio, binary and text responses,
# multipart, form and binary uploads, and responses that are lists, unions or maps (root
# models) are generated.
COUNTS: dict[str, tuple[int, int, int]] = {
    "openai-api": (288, 0, 138),
    "assemblyai-api": (10, 0, 1),
    "speechall-api": (6, 0, 0),
    "speechmatics-batch": (7, 0, 2),
    "microsoft-speech-batch-transcription": (8, 0, 1),
    "deepgram-api": (48, 2, 48),
    "elevenlabs-api": (207, 1, 2),
    "gladia-api": (18, 0, 56),
    "vapi-api": (130, 7, 16),
}

# Documents that do not generate yet, with the exact error they stop at (none today).
# When one generates, this test fails until its numbers are in COUNTS.
STOPS: dict[str, str] = {}

# The largest documents must stay quick to generate (1.2 s for OpenAI's 288 operations on
# the 2-core machine this was measured on; the bound leaves room for a busy one).
SECONDS = 30.0


def test_every_document_is_counted_or_known_to_stop() -> None:
    assert sorted({*COUNTS, *STOPS}) == sorted(DOCUMENTS)
    assert not set(COUNTS) & set(STOPS)


@pytest.mark.parametrize("folder", sorted(DOCUMENTS))
def test_a_published_document_generates_unedited(folder: str, tmp_path: Path) -> None:
    entry = DOCUMENTS[folder]
    specs = tmp_path / "specs"
    (specs / folder).mkdir(parents=True)
    name = "openapi.json" if entry["format"] == "json" else "openapi.yaml"
    (specs / folder / name).symlink_to(CORPUS / folder / entry["file"])
    start = time.perf_counter()
    try:
        report = pipeline.generate(folder, specs, tmp_path / "out")
    except SpecError as error:
        if folder in STOPS and str(error).endswith(STOPS[folder]):
            pytest.xfail(f"stops at {STOPS[folder]}")
        raise
    seconds = time.perf_counter() - start
    found = (report.operations, report.operations_skipped, len(report.warnings))
    assert folder in COUNTS, f"{folder} generates now: record {found} in COUNTS"
    assert found == COUNTS[folder], "\n".join(w.line() for w in report.warnings)
    # Every operation of the document is either generated or skipped, with its warning.
    assert report.operations + report.operations_skipped == entry["operations"]
    skipped = [w for w in report.warnings if w.message.endswith(" skipped")]
    assert len(skipped) == report.operations_skipped
    for warning in report.warnings:
        assert warning.pointer.startswith("/") and warning.pointer != "/"
    assert (
        tmp_path / "out" / f"tts_{folder.replace('-', '_')}" / "client.py"
    ).is_file()
    assert seconds < SECONDS


@pytest.fixture
def corpus_package(tmp_path: Path) -> Iterator[Callable[[str], Any]]:
    """Generate a corpus document and import its package."""

    def load(folder: str) -> Any:
        entry = DOCUMENTS[folder]
        specs = tmp_path / "specs"
        (specs / folder).mkdir(parents=True)
        name = "openapi.json" if entry["format"] == "json" else "openapi.yaml"
        (specs / folder / name).symlink_to(CORPUS / folder / entry["file"])
        pipeline.generate(folder, specs, tmp_path / "out")
        return importlib.import_module(naming.package_name(folder))

    with importable(tmp_path / "out"):
        yield load


def _answering(answer: httpx.Response, seen: list[httpx.Request]) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_assemblyai_errors_read_without_x_sdkgen_errors(
    corpus_package: Callable[[str], Any],
) -> None:
    module = corpus_package("assemblyai-api")
    seen: list[httpx.Request] = []
    # AssemblyAI's documented error body: `{"error": "..."}`.
    answer = httpx.Response(
        404, json={"error": "Transcript not found"}, headers={"x-request-id": "r-1"}
    )
    client = module.Client(api_key="k", http_client=_answering(answer, seen))
    with pytest.raises(module.errors.NotFoundError) as caught:
        client.get_transcript("t-1")
    error = caught.value
    assert (error.status_code, error.request_id) == (404, "r-1")
    assert "Transcript not found" in str(error)
    assert str(seen[0].url) == "https://api.assemblyai.com/v2/transcript/t-1"


def test_speechmatics_without_a_host_needs_base_url(
    corpus_package: Callable[[str], Any],
) -> None:
    module = corpus_package("speechmatics-batch")
    with pytest.raises(ValueError, match="the server '/v2' names no host"):
        module.Client(bearer_auth="k", base_url=None)
    seen: list[httpx.Request] = []
    # Speechmatics' documented error body: `{"code": 404, "error": "Job not found"}`.
    answer = httpx.Response(404, json={"code": 404, "error": "Job not found"})
    client = module.Client(
        bearer_auth="k",
        base_url="https://asr.api.speechmatics.com/v2",
        http_client=_answering(answer, seen),
    )
    with pytest.raises(module.errors.NotFoundError) as caught:
        client.get_job("j-1")
    assert (caught.value.code, caught.value.body) == ("404", answer.content)
    assert "Job not found" in str(caught.value)
    assert str(seen[0].url) == "https://asr.api.speechmatics.com/v2/jobs/j-1"


def test_speechmatics_job_upload_sends_its_config_and_file_as_multipart(
    corpus_package: Callable[[str], Any], tmp_path: Path
) -> None:
    module = corpus_package("speechmatics-batch")
    audio = tmp_path / "call.mp3"
    audio.write_bytes(b"ID3" * 1000)
    seen: list[httpx.Request] = []
    answer = httpx.Response(201, json={"id": "j-1"})
    client = module.Client(
        bearer_auth="k",
        base_url="https://asr.api.speechmatics.com/v2",
        http_client=_answering(answer, seen),
    )
    assert client.create_job(config='{"type": "transcription"}', data_file=audio).id
    [request] = seen
    body = request.content
    message = email.message_from_bytes(
        f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode() + body,
        policy=email.policy.HTTP,
    )
    parts = [
        (
            part.get_param("name", header="content-disposition"),
            part.get_filename(),
            part.get_content_type(),
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    ]
    assert parts == [
        ("config", None, "text/plain", b'{"type": "transcription"}'),
        ("data_file", "call.mp3", "audio/mpeg", b"ID3" * 1000),
    ]
    assert request.headers["content-length"] == str(len(body))
