"""YAML into Python values straight from libyaml's events, by the YAML 1.2 core schema.

PyYAML's C loader parses in C but resolves and constructs every node in Python: most of a
large spec's load. Here each event becomes its value directly, and a plain scalar's value
is worked out once per distinct text (specs repeat `type`, `string`, `object` …).

PyYAML resolves plain scalars by YAML 1.1, where `no`, `on` and `yes` are booleans, `010`
is octal and `1e-2` is a string: a Norwegian `enum: [no]` would become `False`. Specs are
written for JSON tools, which read YAML 1.2, so plain scalars are resolved here by the 1.2
core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution), on both paths.

Anything beyond plain mappings, sequences and scalars (tags, anchors, aliases, merge keys,
several documents, keys that are not scalars) returns None: the caller then uses the full
loader, `Loader`, which resolves by the same rules and also words any error.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, ClassVar

import yaml
from yaml.events import (
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

_NULL = frozenset({"null", "Null", "NULL", "~", ""})
_BOOL = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
_INT10 = re.compile(r"[-+]?[0-9]+\Z")
_INT8 = re.compile(r"0o[0-7]+\Z")
_INT16 = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z")
_NAN = frozenset({".nan", ".NaN", ".NAN"})
_MERGE = "<<"


@lru_cache(maxsize=8192)  # specs repeat their scalars; the values are immutable
def core_value(text: str) -> Any:
    """A plain (untagged, unquoted) scalar's value by the YAML 1.2 core schema."""
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT10.match(text):
        return int(text, 10)
    if _INT8.match(text):
        return int(text[2:], 8)
    if _INT16.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return float("-inf") if text[0] == "-" else float("inf")
    if text in _NAN:
        return float("nan")
    return text


_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_BASE):  # type: ignore[misc,valid-type]
    """The full loader (libyaml's parser when PyYAML has it), resolving plain scalars by
    the YAML 1.2 core schema; merge keys (`<<`) are still honoured, as most tools do."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}

    def construct_core(self, node: yaml.ScalarNode) -> Any:
        return core_value(self.construct_scalar(node))

    def construct_tagged(self, node: yaml.ScalarNode) -> Any:
        # `!!int 010`, `!!float 1`: the text read by the core schema, as the tag's type.
        text = self.construct_scalar(node)
        value = core_value(text)
        want = _TAGGED[node.tag]
        if want is float and type(value) is int:
            return float(value)
        if type(value) is not want:
            raise yaml.constructor.ConstructorError(
                None, None, f"{text!r} is not a {node.tag}", node.start_mark
            )
        return value


_CORE = "tag:yaml.org,2002:core"
# Every plain scalar resolves to one tag whose constructor applies `core_value`; an
# explicit tag (`!!str`, `!!int` …) still goes to its own constructor.
Loader.add_implicit_resolver(_CORE, re.compile(r"(?!<<\Z)", re.S), None)
Loader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"<<\Z"), ["<"])
Loader.add_constructor(_CORE, Loader.construct_core)
_TAGGED: dict[str, type] = {
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": float,
    "tag:yaml.org,2002:bool": bool,
    "tag:yaml.org,2002:null": type(None),
}
for _tag in _TAGGED:
    Loader.add_constructor(_tag, Loader.construct_tagged)


class _Unsupported(Exception):
    """The document needs the full loader."""


class _Scalars:
    """Plain scalars' values, each text resolved once."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}

    def plain(self, text: str) -> Any:
        try:
            return self._values[text]
        except KeyError:
            pass
        if text == _MERGE:
            raise _Unsupported
        value = self._values[text] = core_value(text)
        return value


def load(text: str, loader: type[Any] = _BASE) -> Any | None:
    """`text`'s one document, or None when it needs the full loader (`Loader`)."""
    try:
        return _build(iter(yaml.parse(text, Loader=loader)))
    except (_Unsupported, yaml.YAMLError, TypeError, ValueError):
        return None


def load_full(text: str) -> Any:
    """`text`'s one document by the full loader (raises yaml.YAMLError)."""
    return yaml.load(text, Loader=Loader)


def _build(events: Any) -> Any:
    scalars = _Scalars()
    # Open containers, innermost last: a mapping holds its pending key beside it.
    stack: list[list[Any]] = []
    document: Any = _Unsupported
    for event in events:
        kind = type(event)
        if kind is ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                raise _Unsupported
            value = scalars.plain(event.value) if event.implicit[0] else event.value
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None:
                raise _Unsupported
            stack.append([{} if kind is MappingStartEvent else [], _Unsupported])
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = stack.pop()[0]
        elif kind is DocumentStartEvent:
            if document is not _Unsupported:
                raise _Unsupported  # a second document: the loader refuses it
            continue
        elif kind is StreamEndEvent:
            break
        elif kind.__name__ in ("StreamStartEvent", "DocumentEndEvent"):
            continue
        else:  # an alias
            raise _Unsupported
        if not stack:
            document = value
            continue
        container, key = stack[-1]
        if type(container) is list:
            container.append(value)
        elif key is _Unsupported:
            if isinstance(value, (dict, list)):
                raise _Unsupported
            stack[-1][1] = value
        else:
            container[key] = value
            stack[-1][1] = _Unsupported
    if document is _Unsupported:
        raise _Unsupported  # an empty stream
    return document
