"""YAML into Python values straight from libyaml's events, for the plain documents specs are.

PyYAML's C loader parses in C but resolves and constructs every node in Python: most of a
large spec's load. Here each event becomes its value directly, and a plain scalar's value
is worked out once per distinct text (specs repeat `type`, `string`, `object` …) by
PyYAML's own resolver and constructors, so the values are the safe loader's. Anything
beyond plain mappings, sequences and scalars (tags, anchors, aliases, merge keys, several
documents, keys that are not scalars) returns None: the caller then uses the full loader,
which also words any error.
"""

from __future__ import annotations

from typing import Any

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
from yaml.nodes import ScalarNode

_MERGE = "tag:yaml.org,2002:merge"


class _Unsupported(Exception):
    """The document needs the full loader."""


class _Scalars:
    """Plain scalars' values, each text resolved and constructed once."""

    def __init__(self) -> None:
        # Untyped in PyYAML's stubs.
        self._resolver: Any = yaml.resolver.Resolver()
        self._constructor = yaml.constructor.SafeConstructor()
        self._values: dict[str, Any] = {}

    def plain(self, text: str) -> Any:
        try:
            return self._values[text]
        except KeyError:
            pass
        tag = self._resolver.resolve(ScalarNode, text, (True, False))
        if tag == _MERGE:
            raise _Unsupported
        value = self._constructor.yaml_constructors[tag](
            self._constructor, ScalarNode(tag, text)
        )
        self._values[text] = value
        return value


def load(text: str, loader: type[Any]) -> Any | None:
    """`text`'s one document, or None when it needs the full loader."""
    try:
        return _build(iter(yaml.parse(text, Loader=loader)))
    except (_Unsupported, yaml.YAMLError, TypeError, ValueError):
        return None


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
