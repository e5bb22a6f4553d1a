"""The formatter's options are its own: no configuration around the run changes them."""

from __future__ import annotations

from functools import cmp_to_key
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.format import format_python, sort_imports
from generator.render import _Natural, _natural

SOURCE = "def f(a,b):\n  return {'a':a,'b':b,}\n"
FORMATTED = 'def f(a, b):\n    return {\n        "a": a,\n        "b": b,\n    }\n'


def test_black_style_whatever_the_working_directory_configures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.ruff]\nline-length = 20\n[tool.ruff.format]\nquote-style = 'single'\n"
    )
    monkeypatch.chdir(tmp_path)
    assert format_python({"pkg/m.py": SOURCE, "n.py": "x = 'y'\n"}) == {
        "pkg/m.py": FORMATTED,
        "n.py": 'x = "y"\n',
    }


def test_invalid_code_names_the_file() -> None:
    with pytest.raises(AssertionError, match=r"client\.py"):
        format_python({"client.py": "def f(:\n"})


def test_imports_are_merged_sorted_and_the_future_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A module of the working directory named like an import must not become first-party.
    (tmp_path / "pydantic_xml.py").write_text("")
    monkeypatch.chdir(tmp_path)
    source = (
        "from pydantic import Field\n"
        "from __future__ import annotations\n"
        "from typing import Literal\n"
        "from ._runtime.wire import WireShapes\n"
        "from pydantic_xml import element\n"
        "from __future__ import annotations\n"
        "from pydantic import BaseModel, Field\n"
        "\n\nx: Literal[1] = 1\n"
    )
    assert sort_imports(source) == (
        "from __future__ import annotations\n\n"
        "from typing import Literal\n\n"
        "from pydantic import BaseModel, Field\n"
        "from pydantic_xml import element\n\n"
        "from ._runtime.wire import WireShapes\n"
        "\nx: Literal[1] = 1\n"
    )


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet="aZ_09", max_size=6), min_size=2, max_size=8))
def test_natural_order_by_key_is_the_comparisons(names: list[str]) -> None:
    # `_Natural` sorts by a key computed once per name; `_natural` is ruff's comparison.
    by_comparison = sorted(names, key=cmp_to_key(_natural))
    assert sorted(names, key=_Natural) == by_comparison
    assert sorted(["M10", "M2", "m1", "M02", "M1"], key=_Natural) == [
        "M02",
        "M1",
        "M2",
        "M10",
        "m1",
    ]
