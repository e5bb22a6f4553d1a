"""YAML is read by the YAML 1.2 core schema, on the fast path and the full loader alike:
specs are written for JSON tools, and YAML 1.1's booleans and octals change their values."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from generator import yaml_events
from generator.load import load_openapi, read_document

# Each plain scalar and its value by the 1.2 core schema (yaml.org/spec/1.2.2, 10.3.2).
CORE = [
    ("no", "no"),  # Norwegian, not False
    ("yes", "yes"),
    ("on", "on"),
    ("off", "off"),
    ("Off", "Off"),
    ("y", "y"),
    ("true", True),
    ("True", True),
    ("TRUE", True),
    ("false", False),
    ("FALSE", False),
    ("tRUE", "tRUE"),
    ("null", None),
    ("NULL", None),
    ("~", None),
    ("nULL", "nULL"),
    ("1e-2", 0.01),  # a float, not a string
    ("1E3", 1000.0),
    ("-1.5e+2", -150.0),
    (".5", 0.5),
    ("1.", 1.0),
    ("+.inf", math.inf),
    ("-.INF", -math.inf),
    ("0o17", 15),
    ("010", 10),  # decimal, not octal
    ("0x1F", 31),
    ("-0", 0),
    ("+12", 12),
    ("1_000", "1_000"),
    ("0b101", "0b101"),
    ("017.5", 17.5),
    ("0x", "0x"),
    ("0o8", "0o8"),
    ("1:20", "1:20"),  # no sexagesimal numbers
    ("2001-12-14", "2001-12-14"),  # no timestamps
    ("e3", "e3"),
    (".", "."),
]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize(("text", "value"), CORE, ids=[t for t, _ in CORE])
def test_plain_scalars_by_the_core_schema(text: str, value: Any) -> None:
    fast = yaml_events.load(f"a: [{text}]\n")
    # An anchor sends the same text through the full loader.
    full = yaml_events.load_full(f"a: &x [{text}]\nb: *x\n")
    assert fast is not None
    assert _same(fast["a"][0], value), fast
    assert _same(full["a"][0], value), full


def test_nan_both_ways() -> None:
    fast = yaml_events.load("a: .NaN\n")
    assert fast is not None and math.isnan(fast["a"])
    assert math.isnan(yaml_events.load_full("a: &x .nan\nb: *x\n")["a"])


def test_quoted_and_tagged_scalars_are_what_they_say() -> None:
    assert yaml_events.load("a: ['no', \"010\"]\n") == {"a": ["no", "010"]}
    full = yaml_events.load_full("a: !!str 10\nb: !!int '010'\nc: !!float '1'\n")
    assert full == {"a": "10", "b": 10, "c": 1.0}
    assert type(full["c"]) is float


def test_merge_keys_still_merge() -> None:
    text = "base: &b {x: no}\nuse:\n  <<: *b\n  y: 010\n"
    assert yaml_events.load_full(text)["use"] == {"x": "no", "y": 10}


SPEC = """\
openapi: 3.1.0
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Language:
      type: string
      enum: [en, no, sv]
    Ratio:
      type: number
      minimum: 1e-2
      default: 010
"""


def test_a_norwegian_enum_stays_a_string(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    schemas = load_openapi(spec, "spec")["components"]["schemas"]
    assert schemas["Language"]["enum"] == ["en", "no", "sv"]
    assert schemas["Ratio"]["minimum"] == 0.01
    assert schemas["Ratio"]["default"] == 10


def test_json_is_read_as_json(tmp_path: Path) -> None:
    # The same value YAML would read differently if it were read as YAML 1.1: `"1e-2"`
    # is a JSON string and 1e-2 a JSON number either way; what matters is JSON's rules.
    spec = tmp_path / "openapi.json"
    spec.write_text('{"a": [1e-2, "no", 010.5e0]}'.replace("010.5e0", "10.5"), "utf-8")
    assert read_document(spec, "spec") == {"a": [0.01, "no", 10.5]}


def test_a_json_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    from generator.errors import SpecError

    spec = tmp_path / "openapi.json"
    spec.write_text('{\n  "a": [1,\n}\n', encoding="utf-8")
    with pytest.raises(SpecError) as error:
        read_document(spec, "spec.json")
    assert str(error.value).startswith("spec.json: line 3, column 1: JSON syntax error")
