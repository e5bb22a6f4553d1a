"""Every published document of tests/corpus/ is generated unedited (no `--strict`), as a
user who drops it into `specs/` would: the operations generated and skipped and the
warnings each reaches are recorded here, so a change in what the generator can express
shows as a change of these numbers."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from generator import pipeline
from generator.errors import SpecError

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MANIFEST = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
DOCUMENTS = {entry["folder"]: entry for entry in MANIFEST["documents"]}

# (operations generated, operations skipped, warnings). What is skipped today: multipart,
# binary, audio and text bodies and responses, and top-level bodies or responses that are
# not objects with properties (arrays, unions, free-form objects): the companion issue
# "Bodies beyond JSON".
COUNTS: dict[str, tuple[int, int, int]] = {
    "openai-api": (264, 24, 162),
    "assemblyai-api": (7, 3, 4),
    "speechall-api": (1, 5, 5),
    "speechmatics-batch": (5, 2, 4),
    "microsoft-speech-batch-transcription": (7, 1, 2),
}

# Documents that do not generate yet, for reasons other helpers of issue 26 own, with the
# exact error they stop at. When one generates, this test fails until its numbers are in
# COUNTS.
STOPS = {
    # Auth (issue 26, item 3: "no top-level security"): an operation's own security, or
    # none, is not read yet.
    "deepgram-api": "/security: at least one security requirement is needed",
    "elevenlabs-api": "/security: at least one security requirement is needed",
    "gladia-api": "/security: at least one security requirement is needed",
    # Models: an empty `enum` in a component schema (a 3.0 habit of NestJS output) is
    # refused for every operation, not dropped.
    "vapi-api": "/components/schemas/FallbackNeuphonicVoice/properties/voiceId/oneOf/0/"
    "enum: an enum needs at least one value",
}

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
