"""The generated package installs offline with pip and imports from where it was installed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE = "tts_huawei_metastudio"
SOURCE = REPO / "generated" / PACKAGE

PROBE = """
import json
from pathlib import Path

import tts_huawei_metastudio as package
from tts_huawei_metastudio import AsyncClient, Client, parse_callback
from tts_huawei_metastudio.errors import APIStatusError

root = Path(package.__file__).parent
print(json.dumps({
    "file": package.__file__,
    "py_typed": (root / "py.typed").is_file(),
    "signer": (root / "_runtime" / "sdk_hmac_sha256.py").is_file(),
    "names": [Client.__name__, AsyncClient.__name__, parse_callback.__name__],
    "status_error": [APIStatusError.__module__, issubclass(APIStatusError, Exception)],
    "version": package.__version__,
    "files": sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if "__pycache__" not in p.parts),
}))
"""


def _build_leftovers() -> list[Path]:
    return sorted(
        path
        for path in SOURCE.iterdir()
        if path.name in ("build", "dist") or path.name.endswith(".egg-info")
    )


def test_pip_install_offline_and_import(tmp_path: Path) -> None:
    target = tmp_path / "site"
    leftovers_before = _build_leftovers()
    environment = dict(os.environ, PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    environment.pop("PYTHONPATH", None)
    try:
        installed = subprocess.run(
            [
                sys.executable, "-m", "pip", "install",
                "--no-deps", "--no-build-isolation", "--no-index", "--no-cache-dir",
                "--disable-pip-version-check", "--quiet",
                "--target", str(target),
                str(SOURCE),
            ],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )  # fmt: skip
        leftovers = [p for p in _build_leftovers() if p not in leftovers_before]
    finally:
        for path in _build_leftovers():
            if path not in leftovers_before:
                shutil.rmtree(path, ignore_errors=True)
    assert installed.returncode == 0, installed.stderr
    # Installing must not leave build output in the repository's generated/ folder.
    assert leftovers == []

    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=target,
        env=dict(environment, PYTHONPATH=str(target)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    assert Path(found["file"]).resolve().is_relative_to(target.resolve())
    assert Path(found["file"]).resolve() == (target / PACKAGE / "__init__.py").resolve()
    assert found["py_typed"] is True
    assert found["signer"] is True
    assert found["names"] == ["Client", "AsyncClient", "parse_callback"]
    assert found["status_error"] == [f"{PACKAGE}._runtime.errors", True]
    assert found["version"] == "1.0.0"
    # Exactly the package's modules: no pyproject.toml, README or caches from generated/.
    expected = sorted(
        p.relative_to(SOURCE).as_posix()
        for p in SOURCE.rglob("*")
        if (p.suffix == ".py" or p.name == "py.typed" or p.is_dir())
        and not any(
            part.startswith((".", "__pycache__"))
            for part in p.relative_to(SOURCE).parts
        )
    )
    assert found["files"] == expected
