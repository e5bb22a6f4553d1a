"""Every published document of tests/corpus/ loads unedited and becomes a valid OpenAPI 3.1
document, with a known number of warnings (each at an exact place, never `/`)."""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import fast_check
from generator.errors import Diagnostic, collect
from generator.load import load_openapi

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MANIFEST = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
DOCUMENTS = {entry["folder"]: entry for entry in MANIFEST["documents"]}

# The warnings each document gives today (issue 26's closing note lists their kinds):
# a change here is a change in how published documents are read.
WARNINGS = {
    "openai-api": 138,  # 112 nullable, 7 boolean exclusiveMinimum, 16 defaults, ...
    "assemblyai-api": 1,  # a default outside its enum
    "deepgram-api": 46,  # operationIds shared by several operations
    "elevenlabs-api": 0,
    "gladia-api": 56,  # 55 nullable in a 3.1 document, a default outside its type
    "vapi-api": 9,  # misplaced allOf, an undeclared path parameter, 2 empty enums, ...
    "speechall-api": 0,  # OpenAPI 3.0 as written: nothing to warn about
    "speechmatics-batch": 2,  # no host; a type "number,"
    "microsoft-speech-batch-transcription": 1,  # a security scheme named "API Key"
}


@cache
def _loaded(folder: str) -> tuple[dict[str, Any], tuple[Diagnostic, ...], float]:
    entry = DOCUMENTS[folder]
    path = CORPUS / folder / entry["file"]
    start = time.perf_counter()
    with collect() as warnings:
        document = load_openapi(path, f"tests/corpus/{folder}/{entry['file']}")
    return document, tuple(warnings), time.perf_counter() - start


def test_every_document_is_listed() -> None:
    assert sorted(WARNINGS) == sorted(DOCUMENTS)


@pytest.mark.parametrize("folder", sorted(DOCUMENTS))
def test_a_published_document_is_valid_openapi_31(folder: str) -> None:
    document, warnings, _ = _loaded(folder)
    assert document["openapi"] == "3.1.0"
    assert fast_check.is_valid(document)
    assert len(warnings) == WARNINGS[folder], "\n".join(w.line() for w in warnings)
    for warning in warnings:
        assert warning.pointer.startswith("/") and warning.pointer != "/"
        assert warning.file == f"tests/corpus/{folder}/{DOCUMENTS[folder]['file']}"


@pytest.mark.parametrize("folder", ["assemblyai-api", "speechall-api"])
def test_norwegian_is_a_language_not_false(folder: str) -> None:
    document, _, _ = _loaded(folder)
    language = document["components"]["schemas"]["TranscriptLanguageCode"]
    assert "no" in language["enum"] and False not in language["enum"]


def test_operations_are_all_there() -> None:
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    for folder, entry in DOCUMENTS.items():
        paths = _loaded(folder)[0]["paths"]
        count = sum(len(methods & set(item)) for item in paths.values())
        assert count == entry["operations"], folder
