"""The "Testing your code" example of every generated README runs, as it is, and passes:
its tests are extracted, executed and each called (they use the package's fake)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

GENERATED = Path(__file__).resolve().parents[2] / "generated"
PACKAGES = sorted(p.name for p in GENERATED.iterdir() if (p / "README.md").is_file())
_SECTION = re.compile(r"^## Testing your code\n(.*?)^## ", re.MULTILINE | re.DOTALL)
_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def example_of(package: str) -> str:
    readme = (GENERATED / package / "README.md").read_text(encoding="utf-8")
    section = _SECTION.search(readme)
    assert section is not None, f"{package}'s README has no 'Testing your code'"
    (block,) = _PYTHON_BLOCK.findall(section.group(1))
    return str(block)


@pytest.mark.parametrize("package", PACKAGES)
def test_the_readme_testing_example_runs(package: str) -> None:
    code = example_of(package)
    namespace: dict[str, Any] = {"__name__": f"readme_{package}"}
    exec(compile(code, f"{package}/README.md", "exec"), namespace)
    tests = [value for name, value in namespace.items() if name.startswith("test_")]
    # Sync and async, a failed job, a throttled submit, a wrong key.
    assert {"test_async", "test_a_failed_job_raises_with_the_vendors_code"} <= set(
        namespace
    )
    started = time.perf_counter()
    for test in tests:
        test()
    assert time.perf_counter() - started < 1.0


def test_a_broken_example_would_fail() -> None:
    """The runner above can fail: an example whose assertion is false raises."""
    code = example_of(PACKAGES[0]).replace("== 5", "== 6")
    namespace: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    with pytest.raises(AssertionError):
        namespace["test_a_throttled_submit_is_retried"]()
