"""Each published document of tests/corpus/, generated unedited, gives a package that
`mypy --strict` and ruff (with the package's own configuration and target) pass clean
(issue 26): whatever a vendor writes, the generated code stays clean. The six small
packages are checked by one mypy process in `make test`; the three largest (OpenAI's 288
operations, ElevenLabs' 208, Vapi's 137) under `-m slow`."""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy import api as mypy

from tests.generator.test_corpus_clients import DOCUMENTS, generate_corpus
from tests.generator.test_other_shapes import ruff_check

LARGE = ["elevenlabs-api", "openai-api", "vapi-api"]
SMALL = sorted(set(DOCUMENTS) - set(LARGE))


def _package(out: Path, folder: str) -> Path:
    return out / f"tts_{folder.replace('-', '_')}"


def _mypy_strict(packages: list[Path]) -> None:
    # No configuration file: the packages are checked as a user's project would check
    # them, not with this repository's settings; 3.10 is their lowest Python.
    out, err, status = mypy.run(
        ["--strict", "--python-version", "3.10", "--config-file", ""]
        + ["--no-incremental", *map(str, packages)]
    )
    assert status == 0, out + err
    assert out.startswith("Success: no issues found"), out


def test_the_corpus_lists_its_large_documents() -> None:
    assert set(LARGE) < set(DOCUMENTS) and len(SMALL) == len(DOCUMENTS) - len(LARGE)


def test_the_small_corpus_packages_type_check_strictly_and_lint_clean(
    tmp_path: Path,
) -> None:
    out = generate_corpus(SMALL, tmp_path)
    packages = [_package(out, folder) for folder in SMALL]
    _mypy_strict(packages)
    for package in packages:
        ruff_check(package)


@pytest.mark.slow
@pytest.mark.parametrize("folder", LARGE)
def test_a_large_corpus_package_type_checks_strictly_and_lints_clean(
    folder: str, tmp_path: Path
) -> None:
    package = _package(generate_corpus([folder], tmp_path), folder)
    _mypy_strict([package])
    ruff_check(package)
