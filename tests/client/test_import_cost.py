"""What importing a generated package costs beyond httpx and pydantic (issue 19): asyncio
is imported by the first async client, not by the package."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = sorted(
    path.name for path in (REPO / "generated").iterdir() if path.name.startswith("tts_")
)

PROBE = """
import json, sys
import httpx
import {package}
from {package}._runtime.transport import AsyncTransport
imported = "asyncio" in sys.modules
AsyncTransport(None, httpx.AsyncClient())
print(json.dumps([imported, "asyncio" in sys.modules]))
"""


@pytest.mark.parametrize("package", PACKAGES)
def test_asyncio_is_imported_by_the_first_async_client_only(package: str) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", PROBE.format(package=package)],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO / "generated")),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr
    assert json.loads(probe.stdout) == [False, True]
