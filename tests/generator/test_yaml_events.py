"""The event-built YAML values are the full (YAML 1.2) loader's, or it is asked instead."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator import yaml_events

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SPECS = sorted((Path(__file__).resolve().parents[2] / "specs").glob("*/openapi.yaml"))

PLAIN = """\
openapi: 3.1.0
info: {title: "x: y", version: '1.0'}
ints: [0, -3, 0x1f, 0o17, 012, +7]
floats: [1.5, -.5, 1e3, .inf, -.Inf, .nan, 6.8523015e+5, 1e-2]
bools: [true, False, TRUE]
strings: [yes, no, on, OFF, 1_000, 0b101, 2001-12-14]
nulls: [~, null, '']
empty:
dates: [2001-12-14, 2001-12-14t21:59:43.10-05:00, "2001-12-14"]
text: [plain words, 'single', "double\\n", "1", '3.10']
block: |
  line one
    indented
folded: >-
  folded
  text
nested:
  - a: 1
    b: [x, {c: d}]
  - []
  - {}
1: integer key
3.5: float key
null: null key
dup: first
dup: second
"""


def test_values_equal_the_full_loader() -> None:
    expected = yaml_events.load_full(PLAIN)
    got = yaml_events.load(PLAIN, LOADER)
    assert got is not None
    # repr too: 1 == 1.0 == True, but the types must match as well; NaN != NaN.
    assert repr(got) == repr(expected)
    assert list(got) == list(expected)  # the keys' order


@pytest.mark.parametrize("spec", SPECS, ids=[p.parent.name for p in SPECS])
def test_this_repository_s_specs(spec: Path) -> None:
    text = spec.read_text(encoding="utf-8")
    got = yaml_events.load(text, LOADER)
    if got is not None:  # None: the spec uses anchors, left to the loader
        assert repr(got) == repr(yaml_events.load_full(text))


@pytest.mark.parametrize(
    "text",
    [
        "a: &x {b: 1}\nc: *x\n",  # anchors and aliases share one value in the loader's
        "base: {a: 1}\nuse:\n  <<: {b: 2}\n  c: 3\n",  # merge keys
        "a: !!str 1\n",  # explicit tags
        "? [a, b]\n: c\n",  # a key that is a sequence
        "a: 1\n---\nb: 2\n",  # two documents
        "",  # no document
        "a: [1, 2\n",  # a syntax error: the loader words it
    ],
)
def test_what_needs_the_loader(text: str) -> None:
    assert yaml_events.load(text, LOADER) is None


def test_a_scalar_document() -> None:
    assert yaml_events.load("42\n", LOADER) == 42
    assert yaml_events.load("'42'\n", LOADER) == "42"
