"""The corpus of published specs is what manifest.yaml says it is (see README.md).

Every stored file is listed and unchanged (sha256), and every entry names a real file, the
commit it was taken at, a licence that lets us redistribute it, the version its own
`openapi`/`swagger` key declares and its number of operations. No network: only the files
here are read.
"""

import datetime
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

CORPUS = Path(__file__).parent
MANIFEST = CORPUS / "manifest.yaml"

# SPDX ids of licences that let the documents be redistributed in this repository.
REDISTRIBUTABLE = {
    "MIT",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC0-1.0",
    "MPL-2.0",
    "Unlicense",
}
REQUIRED = (
    "folder",
    "file",
    "vendor",
    "api",
    "format",
    "repository",
    "path",
    "commit",
    "commit_date",
    "licence",
    "licence_file",
    "sha256",
    "bytes",
    "operations",
    "notes",
)
VERSION_KEYS = ("openapi", "swagger")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
FORMATS = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}
# libyaml when it is there: the largest YAML document takes seconds in pure Python.
LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_manifest() -> list[dict[str, Any]]:
    data = yaml.load(MANIFEST.read_bytes(), Loader=LOADER)
    assert isinstance(data, dict) and isinstance(data.get("documents"), list)
    entries: list[dict[str, Any]] = data["documents"]
    assert all(isinstance(entry, dict) for entry in entries)
    return entries


ENTRIES = load_manifest()


def stored_files() -> list[Path]:
    """Every file under a folder of the corpus (tests/corpus/*/), caches aside."""
    folders = [
        folder
        for folder in sorted(CORPUS.iterdir())
        if folder.is_dir() and not folder.name.startswith((".", "__"))
    ]
    return [
        path
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    ]


def parse(path: Path) -> dict[str, Any]:
    """The document as its format reads: JSON by json, YAML by yaml."""
    data = path.read_bytes()
    document = (
        json.loads(data) if path.suffix == ".json" else yaml.load(data, Loader=LOADER)
    )
    assert isinstance(document, dict), f"{path}: not a mapping at the top"
    return document


def entry_id(entry: dict[str, Any]) -> str:
    return str(entry.get("folder"))


def test_the_corpus_has_every_version_and_format() -> None:
    assert 6 <= len(ENTRIES) <= 12
    kinds = {
        (entry["format"], str(entry.get("openapi", "2.0"))[:3]) for entry in ENTRIES
    }
    for kind in [("yaml", "3.1"), ("json", "3.1"), ("yaml", "3.0"), ("json", "3.0")]:
        assert kind in kinds, kind
    assert {entry["format"] for entry in ENTRIES if "swagger" in entry} == {
        "yaml",
        "json",
    }


def test_every_stored_file_is_in_the_manifest_unchanged() -> None:
    listed = {(entry["folder"], entry["file"]): entry for entry in ENTRIES}
    for path in stored_files():
        relative = path.relative_to(CORPUS)
        key = (relative.parts[0], "/".join(relative.parts[1:]))
        assert key in listed, f"{relative} is not in manifest.yaml"
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == listed[key]["sha256"], relative
        assert len(data) == listed[key]["bytes"], relative


def test_entries_are_unique() -> None:
    folders = [entry["folder"] for entry in ENTRIES]
    assert len(folders) == len(set(folders))
    sources = [(entry["repository"], entry["path"]) for entry in ENTRIES]
    assert len(sources) == len(set(sources))


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_entry(entry: dict[str, Any]) -> None:
    missing = [key for key in REQUIRED if key not in entry]
    assert not missing, f"missing {missing}"
    path = CORPUS / entry["folder"] / entry["file"]
    assert path.is_file(), f"{path} does not exist"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", entry["folder"]), (
        "<vendor>-<product>"
    )
    # Stored under its original name.
    assert entry["file"] == entry["path"].rsplit("/", 1)[-1]
    assert entry["format"] == FORMATS[path.suffix]
    assert re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", entry["repository"])
    assert isinstance(entry["commit"], str) and re.fullmatch(
        r"[0-9a-f]{40}", entry["commit"]
    )
    assert isinstance(entry["commit_date"], datetime.date)
    assert entry["licence"] in REDISTRIBUTABLE, (
        f"{entry['licence']}: not an SPDX id we accept"
    )
    assert isinstance(entry["licence_file"], str) and entry["licence_file"]
    assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])
    assert isinstance(entry["notes"], list) and entry["notes"]
    assert all(isinstance(note, str) and note for note in entry["notes"])


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_version_and_operations_match_the_document(entry: dict[str, Any]) -> None:
    document = parse(CORPUS / entry["folder"] / entry["file"])
    declared = [key for key in VERSION_KEYS if key in entry]
    assert len(declared) == 1, "exactly one of openapi / swagger"
    key = declared[0]
    # Both sides must be the string the file writes: `swagger: 2.0` unquoted would be a
    # float, and a generator has to notice that too.
    assert isinstance(entry[key], str)
    assert document.get(key) == entry[key]
    other = "swagger" if key == "openapi" else "openapi"
    assert other not in document
    paths = document.get("paths") or {}
    operations = sum(method in item for item in paths.values() for method in METHODS)
    assert operations == entry["operations"]
