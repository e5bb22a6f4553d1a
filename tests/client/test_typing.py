"""A user's code type-checks against the generated package: right calls pass, wrong ones fail."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from mypy import api as mypy

GENERATED = Path(__file__).resolve().parents[2] / "generated"

USER_CODE = """
import asyncio
from tts_huawei_metastudio import AsyncClient, Client, TtsCallBackConfig, parse_callback
from tts_huawei_metastudio.errors import APIStatusError

client = Client(ak="ak", sk="sk", project_id="p", region="cn-north-4", timeout=30)
job = client.create_async_tts_job(
    text="Hello",
    voice_asset_id="c84054e7f29543048d585f61248c64c9",
    speed=120,
    audio_format="MP3",
    callback_config=TtsCallBackConfig(callback_url="https://example.com/cb"),
)
reveal_type(job.job_id)
done = client.wait_for_job(job.job_id, timeout=600)
reveal_type(done)
reveal_type(done.state)
reveal_type(parse_callback(b"{}").audio_duration)

async def main() -> str | None:
    async with AsyncClient(token="t", project_id="p") as api:
        result = await api.show_async_tts_job("job")
        return result.audio_file_url

try:
    asyncio.run(main())
except APIStatusError as error:
    reveal_type(error.code)
"""

MISTAKES = """
from tts_huawei_metastudio import Client

client = Client(token="t", project_id="p")
client.create_async_tts_job(text="Hello", voice_asset_id="v", audio_format="OGG")
client.create_async_tts_job(text="Hello", voice_asset_id="v", speed="fast")
client.create_async_tts_job(voice_asset_id="v")
client.create_async_tts_job(text="Hello", voice_asset_id="v", volumne=100)
client.wait_for_job(42)
"""


def check(tmp_path: Path, code: str) -> tuple[str, int]:
    source = tmp_path / "user.py"
    source.write_text(textwrap.dedent(code))
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
            str(source),
        ]
    )
    assert not err, err
    return out, status


@pytest.fixture(autouse=True)
def _generated_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MYPYPATH", str(GENERATED))


def test_correct_use_type_checks_with_precise_types(tmp_path: Path) -> None:
    out, status = check(tmp_path, USER_CODE)
    notes = [line.split("note: ", 1)[1] for line in out.splitlines() if "note:" in line]
    assert notes == [
        'Revealed type is "str"',
        'Revealed type is "tts_huawei_metastudio.models.ShowAsyncTtsJobResponse"',
        # A received enum is open (Literal[...] | str), which mypy folds into str.
        'Revealed type is "str | None"',
        'Revealed type is "float | None"',
        'Revealed type is "str | None"',
    ], out
    assert status == 0 and "error:" not in out, out


def test_mistakes_are_caught_before_running(tmp_path: Path) -> None:
    out, status = check(tmp_path, MISTAKES)
    assert status == 1
    errors = [line for line in out.splitlines() if "error:" in line]
    expected = [
        ("line 5", '"audio_format"'),
        ("line 6", '"speed"'),
        ("line 7", '"text"'),
        ("line 8", '"volumne"'),
        ("line 9", '"wait_for_job"'),
    ]
    for (line, name), error in zip(expected, errors, strict=True):
        assert f"user.py:{line.split()[1]}:" in error and name in error, error
