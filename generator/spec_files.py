"""Where an API's spec is in its folder of `specs/` (no heavy imports: a run with
nothing to do reads only this)."""

from __future__ import annotations

from pathlib import Path

SPEC_FILE = "openapi.yaml"
# The names an API's spec may have, in the order one is chosen when several are there.
SPEC_FILES = (SPEC_FILE, "openapi.yml", "openapi.json")


def spec_file(folder: Path) -> Path:
    """An API's OpenAPI file: `openapi.yaml`, else `openapi.yml`, else `openapi.json`."""
    for name in SPEC_FILES:
        if (folder / name).is_file():
            return folder / name
    return folder / SPEC_FILE
