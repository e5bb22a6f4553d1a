"""The generator's fast paths do what their slow references do.

The closing quotes of a long docstring go on a line of their own (black's rule, which
ruff lacks): the scan that finds docstrings without `tokenize` must move exactly what the
token-by-token reference moves. The members of a union annotation are split with str
methods: as a character-by-character reading splits them."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.format import closing_quotes_by_tokens, closing_quotes_within_lines
from generator.python_types import _top_level_by_characters, top_level

REPO = Path(__file__).resolve().parents[2]
LONG = "x" * 90

CASES = {
    "docstring of a class": f'class A:\n    """One.\n\n    {LONG}"""\n',
    "module docstring": f'"""One.\n{LONG}"""\nx = 1\n',
    "single quotes and prefix": f"def f():\n    r'''One.\n    {LONG}'''\n",
    "short enough": 'class A:\n    """One.\n    two."""\n',
    "one line": f'class A:\n    """{LONG}"""\n',
    "argument, not a statement": f'f(\n    """One.\n    {LONG}"""\n)\n',
    "assigned, not a statement": f'x = """One.\n{LONG}"""\n',
    "after a backslash": f'x = 1 + \\\n    """One.\n{LONG}"""\n',
    "after a comment line": f'class A:\n    # note\n    """One.\n    {LONG}"""\n',
    "quotes and a hash inside": (
        f'class A:\n    x = "#(" + \'[\' + \'"""\'\n    """One.\n    {LONG}"""\n'
    ),
    "escaped quotes inside": f'class A:\n    """One \\""" still.\n    {LONG}"""\n',
    "non-ASCII before": f'class A:\n    """Ünïcode.\n    é{LONG}"""\n',
    "bracket closed on the line before": (f'x = (\n    1\n)\n"""One.\n{LONG}"""\n'),
}


@pytest.mark.parametrize("source", CASES.values(), ids=CASES.keys())
def test_the_scan_moves_what_the_tokens_move(source: str) -> None:
    assert closing_quotes_within_lines(source) == closing_quotes_by_tokens(source)


def test_a_long_closing_line_is_split_at_the_quotes() -> None:
    moved = closing_quotes_within_lines(CASES["docstring of a class"])
    assert moved.endswith(f'    {LONG}\n    """\n')
    assert (
        closing_quotes_within_lines(CASES["assigned, not a statement"])
        == (CASES["assigned, not a statement"])
    )


def test_the_scan_agrees_on_the_generator_and_a_generated_package() -> None:
    files = sorted((REPO / "generator").rglob("*.py")) + sorted(
        (REPO / "generated" / "tts_tencent_ci").rglob("*.py")
    )
    moved = 0
    for path in files:
        source = path.read_text("utf-8")
        for width in (88, 60, 40):
            scanned = closing_quotes_within_lines(source, width)
            assert scanned == closing_quotes_by_tokens(source, width), (path, width)
            moved += scanned != source
    assert moved > 10  # the narrow widths move many: the comparison is not vacuous


UNIONS = [
    "A",
    "A | B",
    "list[A | B] | None",
    "dict[str, list[A | B]] | C | None",
    'Literal["a | b", "c"] | None',
    'Annotated[str, Field(pattern="[a-z] | [")] | None',
    "A] | B | C",
    "A | B]",
    "Annotated[list[X | Y], Field(min_length=1)] | dict[str, Z] | None",
]


@pytest.mark.parametrize("union", UNIONS)
def test_union_members_split_as_read_by_characters(union: str) -> None:
    assert top_level(union) == _top_level_by_characters(union)


def test_union_members_of_a_generated_package_split_alike() -> None:
    annotations = [
        line.strip()
        for path in (REPO / "generated").glob("*/models.py")
        for line in path.read_text("utf-8").splitlines()
        if " | " in line
    ]
    assert len(annotations) > 50
    for annotation in annotations:
        assert top_level(annotation) == _top_level_by_characters(annotation)
