"""Sample JSON documents for a JSON schema (OpenAPI 3.1's dialect): a hypothesis strategy
of documents the schema describes (`documents`), and, from one of them, documents it
refuses or that test its edges (`mutations`). The differential test against
datamodel-code-generator (tests/generator/test_dcg_oracle.py) feeds both to two model
writers and compares what each accepts.

The strategies lean on boundaries: a bounded number is drawn at its bounds as often as
between them, a string at its shortest and longest. Recursion through `$ref` is cut at
`DEPTH`: past it an optional property is left out and a required one is the smallest
document its schema allows, so that a self-referencing model still yields documents.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from hypothesis import strategies as st

# How deep optional properties (and items beyond the minimum) are drawn: past it, only
# what is required, so that wide specs (vapi's) keep documents small.
DEPTH = 1
# Past this depth a branch stops: required recursion that never ends draws `None`.
_HARD_DEPTH = DEPTH + 9
# Items of an array beyond its minimum, and keys of a map: enough to exercise them.
_EXTRA_ITEMS = 2
# A property key no schema of the corpus declares: the extra field of `mutations`.
EXTRA_KEY = "oracleUndeclaredKey"
REF_PREFIX = "#/components/schemas/"

JSON = Any
Strategy = st.SearchStrategy[JSON]

_URLS = ("https://example.test/a", "http://example.test:8080/b?c=1")
_SCALARS: tuple[JSON, ...] = (0, 1.5, "x", True)


def _text(low: int = 0, high: int | None = None) -> Strategy:
    # Printable ASCII beside a few wider letters: enough to tell length checks apart,
    # and no surrogates (not JSON).
    alphabet = st.characters(min_codepoint=0x20, max_codepoint=0x24F)
    return st.text(alphabet, min_size=low, max_size=high)


class Sampler:
    """Strategies for the schemas of one document (whose `$ref`s they follow)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self._components: Mapping[str, Any] = document.get("components", {}).get(
            "schemas", {}
        )
        # One strategy per reference and depth: a schema named from many places (or a
        # wide union of them) is built once, not once per path to it.
        self._refs: dict[tuple[str, int], Strategy] = {}

    def resolve(self, schema: Any) -> Any:
        """`schema` with its `$ref` (a chain of them) followed; siblings of a `$ref` kept."""
        seen = 0
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            target = self._target(schema["$ref"])
            if target is None or seen > 20:
                return {}
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**target, **siblings} if siblings else target
            seen += 1
        return schema

    def _target(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            return None
        node: Any = self.document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def documents(self, schema: Any, depth: int = 0) -> Strategy:
        """Documents `schema` describes (each `oneOf`/`anyOf` branch among them)."""
        if depth > _HARD_DEPTH:
            return st.none()
        if schema is True or schema == {}:
            return _any_json()
        if schema is False or not isinstance(schema, dict):
            return st.nothing()
        if "$ref" in schema:
            key = (json.dumps(schema, sort_keys=True), depth)
            if key not in self._refs:
                self._refs[key] = st.deferred(
                    lambda: self.documents(self.resolve(schema), depth + 1)
                )
            return self._refs[key]
        if "const" in schema:
            return st.just(schema["const"])
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return st.sampled_from(schema["enum"])
        if isinstance(schema.get("allOf"), list):
            return self.documents(self.merged(schema), depth)
        for union in ("oneOf", "anyOf"):
            branches = schema.get(union)
            if isinstance(branches, list) and branches:
                rest = {k: v for k, v in schema.items() if k != union}
                return st.one_of(
                    [
                        self.documents(_with(rest, branch), depth + 1)
                        for branch in branches
                    ]
                )
        kinds = schema.get("type")
        if isinstance(kinds, list):
            return st.one_of(
                [self.documents({**schema, "type": kind}, depth) for kind in kinds]
            )
        kind = kinds or _implied_type(schema)
        if kind is None:
            return _any_json()
        make: Callable[[Mapping[str, Any], int], Strategy] = getattr(
            self, "_" + str(kind), lambda _s, _d: st.nothing()
        )
        return make(schema, depth)

    def merged(self, schema: Mapping[str, Any]) -> dict[str, Any]:
        """An `allOf` as one schema: its branches' properties, requirements and other
        keywords together (a later branch's keyword over an earlier's)."""
        out: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        properties: dict[str, Any] = dict(out.pop("properties", {}) or {})
        required: list[str] = list(out.pop("required", []) or [])
        for branch in schema.get("allOf", []):
            part = self.resolve(branch)
            if not isinstance(part, dict):
                continue
            if "allOf" in part:
                part = self.merged(part)
            for key, value in part.items():
                if key == "properties" and isinstance(value, dict):
                    for name, sub in value.items():
                        properties.setdefault(name, sub)
                elif key == "required" and isinstance(value, list):
                    required += [r for r in value if r not in required]
                elif key not in out:
                    out[key] = value
        if properties:
            out["properties"] = properties
        if required:
            out["required"] = required
        return out

    def _null(self, schema: Mapping[str, Any], depth: int) -> Strategy:
        return st.none()

    def _boolean(self, schema: Mapping[str, Any], depth: int) -> Strategy:
        return st.booleans()

    def _integer(self, schema: Mapping[str, Any], depth: int) -> Strategy:
        low, high = integer_bounds(schema)
        step = schema.get("multipleOf")
        if isinstance(step, int) and step > 0:
            first = math.ceil(low / step) if low is not None else None
            last = math.floor(high / step) if high is not None else None
            return st.integers(first, last).map(lambda n: n * step)
        edges = [v for v in (low, high) if v is not None]
        inner = st.integers(low, high)
        return st.one_of(st.sampled_from(edges), inner) if edges else inner

    def _number(self, schema: Mapping[str, Any], depth: int) -> Strategy:
        low, high = schema.get("minimum"), schema.get("maximum")
        xlow, xhigh = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        step = schema.get("multipleOf")
        if isinstance(step, int | float) and step > 0:
            first = math.ceil(max(_num(low, xlow)) / step) if _num(low, xlow) else None
            last = (
                math.floor(min(_num(high, xhigh)) / step) if _num(high, xhigh) else None
            )
            return st.integers(first, last).map(lambda n: n * step)
        lo = max(_num(low, xlow)) if _num(low, xlow) else None
        hi = min(_num(high, xhigh)) if _num(high, xhigh) else None
        inner = st.floats(
            lo,
            hi,
            exclude_min=xlow is not None and lo == xlow,
            exclude_max=xhigh is not None and hi == xhigh,
            allow_nan=False,
            allow_infinity=False,
        )
        edges = [v for v in (low, high) if isinstance(v, int | float)]
        edges = [
            v for v in edges if (lo is None or v >= lo) and (hi is None or v <= hi)
        ]
        # A whole number is a JSON number too.
        whole = st.integers(
            math.ceil(lo) if lo is not None else None,
            math.floor(hi) if hi is not None else None,
        ).filter(lambda n: (xlow is None or n > xlow) and (xhigh is None or n < xhigh))
        return st.one_of(*([st.sampled_from(edges)] if edges else []), inner, whole)

    def _string(self, schema: Mapping[str, Any], depth: int) -> Strategy:
        low = int(schema.get("minLength", 0))
        high = schema.get("maxLength")
        high = int(high) if isinstance(high, int) else None
        content = schema.get("contentSchema")
        if isinstance(content, dict):
            return self.documents(content, depth + 1).map(json.dumps)
        formats = _FORMATS.get(str(schema.get("format", "")))
        if formats is not None:
            return formats
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
                matching = st.from_regex(pattern)
            except (re.error, ValueError, TypeError):
                return _text(low, high)
            return matching.filter(
                lambda s: low <= len(s) and (high is None or len(s) <= high)
            )
        sizes = [st.text(st.sampled_from("ab"), min_size=low, max_size=low)]
        if high is not None:
            sizes.append(st.text(st.sampled_from("ab"), min_size=high, max_size=high))
        return st.one_of(*sizes, _text(low, high if high is not None else low + 8))

    def _array(self, schema: Mapping[str, Any], depth: int) -> Strategy:
        low = int(schema.get("minItems", 0))
        high = schema.get("maxItems")
        top = low + _EXTRA_ITEMS if depth <= DEPTH else low
        high = min(int(high), top) if isinstance(high, int) else top
        items = schema.get("items", True)
        unique = schema.get("uniqueItems") is True
        return st.lists(
            self.documents(items, depth + 1),
            min_size=low,
            max_size=max(high, low),
            unique_by=(lambda v: json.dumps(v, sort_keys=True)) if unique else None,
        )

    def _object(self, schema: Mapping[str, Any], depth: int) -> Strategy:
        # A readOnly property (or one naming a readOnly component) is the server's: a
        # sent document leaves it out (`mutations` adds it, as kind `read-only`).
        declared = schema.get("properties") or {}
        properties = {
            k: v for k, v in declared.items() if not _read_only(self.resolve(v))
        }
        required = [
            r
            for r in schema.get("required", []) or []
            if isinstance(r, str) and not _read_only(self.resolve(declared.get(r)))
        ]
        fixed = {
            name: self.documents(properties.get(name, True), depth + 1)
            for name in required
        }
        optional = (
            {
                name: self.documents(sub, depth + 1)
                for name, sub in properties.items()
                if name not in fixed
            }
            if depth <= DEPTH
            else {}
        )
        drawn = st.fixed_dictionaries(fixed, optional=optional)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra and depth <= DEPTH:
            keys = _text(1, 6).filter(lambda k: k not in properties)
            more = st.dictionaries(
                keys, self.documents(extra, depth + 1), max_size=_EXTRA_ITEMS
            )
            return st.tuples(drawn, more).map(lambda pair: {**pair[1], **pair[0]})
        return drawn

    def shape(self, schema: Any, where: str) -> str:
        """What a mutation changed, in short: the type (and format) of `schema`, or of
        its property `where`: `string:date-time`, `integer`, `$ref`, `anyOf`."""
        schema = self.resolve(schema)
        if isinstance(schema, dict) and "allOf" in schema:
            schema = self.merged(schema)
        if where and isinstance(schema, dict):
            sub = (schema.get("properties") or {}).get(where)
            if sub is None:
                return "undeclared"
            if isinstance(sub, dict) and "$ref" in sub:
                # A default there is a class of its own (how an optional one is typed).
                target = self.resolve(sub)
                has = isinstance(target, dict) and "default" in target
                return "$ref with default" if has else "$ref"
            schema = sub
        if not isinstance(schema, dict):
            return "any"
        for key in ("const", "enum", "oneOf", "anyOf", "allOf"):
            if key in schema:
                return key
        kinds = schema.get("type") or _implied_type(schema) or "any"
        kind = "|".join(kinds) if isinstance(kinds, list) else str(kinds)
        return f"{kind}:{schema['format']}" if "format" in schema else kind

    def mutations(self, schema: Any, document: JSON) -> Iterator[tuple[str, str, JSON]]:
        """(kind, where, document): `document` changed where the schema draws a line.

        kind: `null` (a null where the schema may not allow one; `null-optional` in
        an optional property without a default), `wrong-type`,
        `read-only` (a readOnly property, which drawn documents leave out),
        `out-of-range` (just past a bound, or a value out of an enum), `missing` (a
        required property left out), `extra` (an undeclared property)."""
        schema = self.resolve(schema)
        if isinstance(schema, dict) and "allOf" in schema:
            schema = self.merged(schema)
        if document is not None:
            yield "null", "", None
        yield from _edges(schema, "", document)
        if not isinstance(document, dict) or not isinstance(schema, dict):
            return
        yield "extra", EXTRA_KEY, {**document, EXTRA_KEY: 1}
        properties = schema.get("properties") or {}
        for name, sub in sorted(properties.items()):
            if _read_only(self.resolve(sub)) and name not in document:
                yield "read-only", name, {**document, name: _example(self.resolve(sub))}
        for name in schema.get("required", []) or []:
            if name in document:
                yield "missing", name, {k: v for k, v in document.items() if k != name}
        for name, sub in sorted(properties.items()):
            value = document.get(name, _example(self.resolve(sub)))
            if name in document:
                # An optional property without a default is a kind of its own: ours
                # reads its None as "not given" (README, "Differences from ...").
                optional = name not in (schema.get("required") or []) and not (
                    isinstance(sub, dict) and "default" in self.resolve(sub)
                )
                kind = "null-optional" if optional else "null"
                yield kind, name, {**document, name: None}
            for kind, _, changed in _edges(self.resolve(sub), name, value):
                yield kind, name, {**document, name: changed}


def _edges(schema: Any, where: str, value: JSON) -> Iterator[tuple[str, str, JSON]]:
    """`value` of the wrong JSON type for `schema`, and just past its bounds."""
    if not isinstance(schema, dict):
        return
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds] if kinds else []
    if kinds:
        wrong = _wrong_type(kinds)
        if wrong is not _NONE:
            yield "wrong-type", where, wrong
    if isinstance(schema.get("enum"), list):
        yield "out-of-range", where, _outside(schema["enum"])
    if "const" in schema:
        yield "out-of-range", where, _outside([schema["const"]])
    for bad in _past_bounds(schema):
        yield "out-of-range", where, bad


_NONE = object()


def _wrong_type(kinds: list[Any]) -> Any:
    """A value of none of the JSON types `kinds` (an integer is a number too)."""
    allowed = set(kinds) | ({"integer"} if "number" in kinds else set())
    for kind, candidate in _OF_TYPE:
        if kind not in allowed:
            return candidate
    return _NONE


_OF_TYPE: tuple[tuple[str, JSON], ...] = (
    ("string", "1"),
    ("integer", 7),
    ("boolean", True),
    ("array", []),
    ("object", {}),
)


def _outside(values: list[Any]) -> JSON:
    """A value of the same type as `values`, but none of them."""
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, bool):
        return not sample if len(values) == 1 else "other"
    if isinstance(sample, int | float):
        return max(v for v in values if isinstance(v, int | float)) + 1
    if isinstance(sample, str):
        return "".join(str(v) for v in values if isinstance(v, str)) + "-other"
    return "other"


def _past_bounds(schema: Mapping[str, Any]) -> Iterator[JSON]:
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "integer" in kinds or "number" in kinds:
        low, high = schema.get("minimum"), schema.get("maximum")
        xlow, xhigh = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        integer = "number" not in kinds
        for bound, below in ((low, True), (high, False), (xlow, None), (xhigh, None)):
            if not isinstance(bound, int | float) or isinstance(bound, bool):
                continue
            if below is None:  # an exclusive bound: the bound itself is out
                yield bound
            elif integer:
                yield math.floor(bound) - 1 if below else math.ceil(bound) + 1
            else:
                yield bound - 0.5 if below else bound + 0.5
        step = schema.get("multipleOf")
        if isinstance(step, int | float) and step > 0 and not (integer and step == 1):
            yield step + 1 if integer else step * 1.5
    if "string" in kinds:
        low, high = schema.get("minLength"), schema.get("maxLength")
        if isinstance(low, int) and low > 0:
            yield "a" * (low - 1)
        if isinstance(high, int):
            yield "a" * (high + 1)
    if "array" in kinds:
        low, high = schema.get("minItems"), schema.get("maxItems")
        item = _example(schema.get("items"))
        if isinstance(low, int) and low > 0:
            yield [item] * (low - 1)
        if isinstance(high, int):
            yield [item] * (high + 1)


def _example(schema: Any) -> JSON:
    """A plain value of the schema's (first) type, to mutate a property not drawn."""
    if not isinstance(schema, dict):
        return None
    kinds = schema.get("type")
    kind = kinds[0] if isinstance(kinds, list) and kinds else kinds
    return {"string": "x", "integer": 1, "number": 1.5, "boolean": True}.get(
        str(kind), [] if kind == "array" else {} if kind == "object" else None
    )


def _with(rest: Mapping[str, Any], branch: Any) -> Any:
    """A union's branch with the keywords beside the union (a `type`, a shared
    `properties`) applied to it."""
    shared = {
        k: v
        for k, v in rest.items()
        if k not in ("description", "title", "default", "discriminator")
    }
    if not shared or not isinstance(branch, dict):
        return branch
    return {"allOf": [shared, branch]}


def _read_only(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("readOnly") is True


def _implied_type(schema: Mapping[str, Any]) -> str | None:
    if (
        "properties" in schema
        or "additionalProperties" in schema
        or "required" in schema
    ):
        return "object"
    if "items" in schema:
        return "array"
    return None


def _num(bound: Any, exclusive: Any) -> list[float]:
    return [
        v
        for v in (bound, exclusive)
        if isinstance(v, int | float) and not isinstance(v, bool)
    ]


def integer_bounds(schema: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """The smallest and largest integer an integer schema allows (None: unbounded)."""
    lows = [math.ceil(v) for v in _num(schema.get("minimum"), None)]
    lows += [math.floor(v) + 1 for v in _num(schema.get("exclusiveMinimum"), None)]
    highs = [math.floor(v) for v in _num(schema.get("maximum"), None)]
    highs += [math.ceil(v) - 1 for v in _num(schema.get("exclusiveMaximum"), None)]
    return (max(lows) if lows else None, min(highs) if highs else None)


def _any_json() -> Strategy:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), _text(0, 4))
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=2)
            | st.dictionaries(_text(1, 4), inner, max_size=2)
        ),
        max_leaves=4,
    )


_FORMATS: dict[str, Strategy] = {
    "date-time": st.datetimes(
        datetime.datetime(2000, 1, 1),
        datetime.datetime(2100, 1, 1),
        timezones=st.just(datetime.UTC),
    ).map(lambda d: d.isoformat().replace("+00:00", "Z")),
    "date": st.dates(datetime.date(2000, 1, 1)).map(datetime.date.isoformat),
    "uri": st.sampled_from(_URLS),
    "url": st.sampled_from(_URLS),
    "uuid": st.uuids().map(str),
    "email": st.just("someone@example.test"),
}
