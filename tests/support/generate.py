"""Generate a package from a spec written in a test, import it, and forget it afterwards."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
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
    with importable(root / "out"):
        yield root / "out" / naming.package_name(key)


@contextmanager
def importable(out: Path) -> Iterator[None]:
    """The packages generated into `out` importable meanwhile, and forgotten after: the
    modules imported from there leave `sys.modules`, so another test's package of the
    same name is imported afresh."""
    folder = str(out)
    sys.path.insert(0, folder)
    try:
        yield
    finally:
        sys.path.remove(folder)
        for name, module in list(sys.modules.items()):
            if (getattr(module, "__file__", None) or "").startswith(folder + "/"):
                del sys.modules[name]
