"""Generate a package from a spec written in a test, import it, and forget it afterwards."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import naming, pipeline


def generated_package(
    tmp_path_factory: pytest.TempPathFactory, key: str, spec: str
) -> Iterator[Path]:
    """Yield the folder of the package generated from `spec`, importable meanwhile."""
    root = tmp_path_factory.mktemp(key)
    (root / "specs" / key).mkdir(parents=True)
    (root / "specs" / key / "openapi.yaml").write_text(spec, encoding="utf-8")
    report = pipeline.generate(key, root / "specs", root / "out")
    assert report.written > 0
    package = naming.package_name(key)
    sys.path.insert(0, str(root / "out"))
    try:
        yield root / "out" / package
    finally:
        sys.path.remove(str(root / "out"))
        for name in [m for m in sys.modules if m.startswith(package)]:
            del sys.modules[name]
