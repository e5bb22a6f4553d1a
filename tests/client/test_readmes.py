"""The usage every generated README shows is real code: it type-checks, strictly, against
its package. One test per package, found in generated/: a new API is covered as it lands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mypy import api as mypy

GENERATED = Path(__file__).resolve().parents[2] / "generated"
PACKAGES = sorted(p.name for p in GENERATED.iterdir() if (p / "README.md").is_file())
_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def python_blocks(readme: Path) -> list[str]:
    return _PYTHON_BLOCK.findall(readme.read_text(encoding="utf-8"))


@pytest.mark.parametrize("package", PACKAGES)
def test_readme_code_type_checks(
    package: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = python_blocks(GENERATED / package / "README.md")
    # Use, asyncio use and callback parsing, at least the first two for every package.
    assert len(blocks) >= 2
    files = []
    for index, code in enumerate(blocks):
        assert f"from {package} import" in code
        path = tmp_path / f"block_{index}.py"
        path.write_text(code, encoding="utf-8")
        files.append(str(path))
    monkeypatch.setenv("MYPYPATH", str(GENERATED))
    out, err, status = mypy.run(
        [
            "--strict",
            "--python-version",
            "3.10",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            "--config-file",
            "",
            *files,
        ]
    )
    assert (status, err) == (0, ""), out
