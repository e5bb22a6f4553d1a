"""JSON Schema -> Python annotations: one spelling for method signatures and model fields.

`annotation(schema)` is the plain type a caller sees (a signature, the README).
`annotation(schema, checked=True)` is the type a model field declares: the same type,
with the checks of the schemas inside it (an array's items, a map's values, a union's
branches) attached where they apply, as `Annotated[T, Field(...)]`, and the
`x-python-type` a wire form sets (`JsonString[...]`, `MaxBytes[...]`) in place of the
plain type. A schema's own checks are the field's (`checks`): the model step puts them
in the field's `Field(...)`, beside its alias.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import naming

COMPONENT_SCHEMA = "#/components/schemas/"
SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
# Formats with a Python type of their own; every other format is its JSON type.
FORMATS = {"date-time": "AwareDatetime", "date": "date"}
JSON = "application/json"

# JSON Schema checks -> pydantic's `Field` keywords, in the order they are written.
_CHECKS = (
    ("minimum", "ge"),
    ("exclusiveMinimum", "gt"),
    ("maximum", "le"),
    ("exclusiveMaximum", "lt"),
    ("maxLength", "max_length"),
    ("minLength", "min_length"),
    ("multipleOf", "multiple_of"),
    ("pattern", "pattern"),
)
_ARRAY_CHECKS = (("maxItems", "max_length"), ("minItems", "min_length"))
# A map's key counts are its length (a model's are not: its fields are named).
_MAP_CHECKS = (("maxProperties", "max_length"), ("minProperties", "min_length"))


# Wraps an integer `Literal` of a model that validates strictly: pydantic's Literal
# takes `True` for 1 and `16000.0` for 16000 even then. models.py defines it. (An enum
# that lists a boolean beside its integers takes `True` as pydantic does.)
EXACT_INTEGERS = "_exact_integer"


def annotation(
    schema: Mapping[str, Any], checked: bool = False, strict: bool = False
) -> str:
    """The Python type of a (rewritten: `$ref`s name models) schema. `strict` (with
    `checked`): the type a strictly validated field declares."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return ref.removeprefix(COMPONENT_SCHEMA)
    if checked and isinstance(schema.get("x-python-type"), str):
        return str(schema["x-python-type"])
    if is_json_string(schema):
        # Callers see the document, not the string it travels in.
        return annotation(schema["contentSchema"], checked, strict)
    types = schema.get("type")
    nullable = isinstance(types, list) and "null" in types
    if isinstance(types, list):
        rest = [t for t in types if t != "null"]
        types = rest[0] if len(rest) == 1 else None
    if "enum" in schema:
        values = [v for v in schema["enum"] if v is not None]
        if not values:
            return "None"
        text = "Literal[" + ", ".join(naming.literal(v) for v in values) + "]"
        if (
            checked
            and strict
            and any(_is_integer(v) for v in values)
            and not any(isinstance(v, bool) for v in values)
        ):
            text = exact_integers(text)
    elif "const" in schema and schema["const"] is not None:
        text = f"Literal[{naming.literal(schema['const'])}]"
    elif types == "string" and schema.get("format") in FORMATS:
        # Received date-times take a naive value too (x-python-type, set by `tolerant`).
        text = schema.get("x-python-type") or FORMATS[schema["format"]]
    elif types in SCALARS:
        text = SCALARS[str(types)]
    elif types == "null":
        return "None"
    elif types == "array":
        items = schema.get("items")
        text = (
            f"list[{_member(items, checked, strict)}]"
            if isinstance(items, dict)
            else "list[Any]"
        )
    elif types == "object" and not _composed(schema):
        extra = schema.get("additionalProperties")
        text = (
            f"dict[str, {_member(extra, checked, strict)}]"
            if isinstance(extra, dict)
            else "dict[str, Any]"
        )
    elif isinstance(schema.get("anyOf") or schema.get("oneOf"), list):
        branches = [
            b for b in schema.get("anyOf") or schema["oneOf"] if isinstance(b, dict)
        ]
        text = union([_member(b, checked, strict) for b in branches])
        if checked:
            text = _choice(schema, branches, text, strict)
        return union([text] + (["None"] if nullable else []))
    elif _single_all_of(schema):
        text = annotation(schema["allOf"][0], checked, strict)
    else:
        text = "Any"
    return f"{text} | None" if nullable and text != "Any" else text


# The runtime's discriminator (`_runtime/received.py`), and the tag a received union
# gives a value its discriminator does not know: kept as the object it came as.
DISCRIMINATE = "discriminate"
UNKNOWN_TAG = ""


def _choice(
    schema: Mapping[str, Any], branches: list[dict[str, Any]], text: str, strict: bool
) -> str:
    """How a union with models among its branches picks one. A `discriminator`'s
    property and mapping pick it (a value it does not know is refused when sent, and
    kept as a plain `dict` when received); otherwise, when sent, the first branch that
    validates, in the spec's order (pydantic's default "smart" mode would pick by its
    own score)."""
    members = [m for m in top_level(text) if m != "None"]
    models = [b["$ref"].removeprefix(COMPONENT_SCHEMA) for b in branches if "$ref" in b]
    if len(members) < 2 or not models:
        return text
    found = schema.get("discriminator")
    mapping = found.get("mapping") if isinstance(found, dict) else None
    if (
        isinstance(found, dict)
        and isinstance(mapping, dict)
        and mapping
        and len(models) == len(branches)
    ):
        tags = {
            str(value): str(ref["$ref"]).removeprefix(COMPONENT_SCHEMA)
            for value, ref in mapping.items()
            if isinstance(ref, dict) and "$ref" in ref
        }
        tags = {value: name for value, name in tags.items() if name in models}
        tagged = [f"Annotated[{name}, Tag({naming.literal(name)})]" for name in models]
        unknown = "None"
        if not strict:
            tagged.append(
                f"Annotated[dict[str, Any], Tag({naming.literal(UNKNOWN_TAG)})]"
            )
            unknown = naming.literal(UNKNOWN_TAG)
        call = (
            f"{DISCRIMINATE}({naming.literal(found['propertyName'])}, "
            f"{naming.literal(tags)}, {unknown})"
        )
        return f"Annotated[{' | '.join(tagged)}, Discriminator({call})]"
    if not strict:
        # A received model takes any object (every field optional, extras kept): the
        # first would always win. pydantic's "smart" mode picks the branch that reads
        # the most fields, the spec's order breaking ties.
        return text
    tail = " | None" if "None" in top_level(text) else ""
    return f'Annotated[{" | ".join(members)}, Field(union_mode="left_to_right")]{tail}'


def exact_integers(literal: str) -> str:
    """An integer `Literal` that refuses `True` and `1.0` (for a strict model)."""
    return f"Annotated[{literal}, BeforeValidator({EXACT_INTEGERS})]"


def checks(schema: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """A schema's own checks as `Field` keywords: (keyword, value), in a fixed order.
    An array's item counts are its length; everything else's are as named."""
    if "$ref" in schema:
        return []
    pairs: tuple[tuple[str, str], ...]
    if _is_array(schema):
        pairs = _ARRAY_CHECKS
    elif _is_map(schema):
        pairs = _MAP_CHECKS
    else:
        pairs = _CHECKS
    return [(keyword, schema[key]) for key, keyword in pairs if key in schema]


def field_call(pairs: list[tuple[str, Any]]) -> str:
    """`Field(keyword=value, ...)` for (keyword, value) pairs."""
    # Bounds are numbers and patterns text: as Python literals, text double-quoted.
    return "Field(" + ", ".join(f"{k}={naming.literal(v)}" for k, v in pairs) + ")"


def union(members: list[str]) -> str:
    """`A | B | None`: each member once, None last."""
    parts: list[str] = []
    for member in members:
        for part in top_level(member):
            if part not in parts:
                parts.append(part)
    if "Any" in parts:
        return "Any"
    return " | ".join(sorted(parts, key=lambda p: p == "None"))


def top_level(union: str) -> list[str]:
    """The members of `A | list[B | C]` that are not inside brackets: A and list[B | C]."""
    # Split at every bar, then join again the pieces a bracket holds together: str
    # methods, not a loop over characters (this ran some 100,000 times on the corpus).
    pieces = union.split(" | ")
    if len(pieces) == 1 or ("[" not in union and "]" not in union):
        return pieces
    parts: list[str] = []
    held: list[str] = []
    depth = 0
    for piece in pieces:
        held.append(piece)
        depth += piece.count("[") - piece.count("]")
        if depth == 0:
            parts.append(" | ".join(held))
            held = []
    if held:
        parts.append(" | ".join(held))
    return parts


def _top_level_by_characters(union: str) -> list[str]:
    """`top_level` a character at a time: the reference its test compares with."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(union):
        depth += (char == "[") - (char == "]")
        if depth == 0 and union.startswith(" | ", index):
            parts.append(union[start:index])
            start = index + 3
    return parts + [union[start:]]


def _member(schema: Mapping[str, Any], checked: bool, strict: bool) -> str:
    """The type of a schema inside another (items, values, a branch): its checks
    attached to it, when `checked`."""
    text = annotation(schema, checked, strict)
    if not checked:
        return text
    pairs = checks(schema)
    if not pairs:
        return text
    return f"Annotated[{text}, {field_call(pairs)}]"


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_array(schema: Mapping[str, Any]) -> bool:
    types = schema.get("type")
    return types == "array" or (isinstance(types, list) and "array" in types)


def _is_map(schema: Mapping[str, Any]) -> bool:
    """An object typed `dict[str, ...]`: no properties of its own, no composition."""
    types = schema.get("type")
    return (
        (types == "object" or (isinstance(types, list) and "object" in types))
        and "properties" not in schema
        and not _composed(schema)
    )


def is_json_string(schema: Mapping[str, Any]) -> bool:
    """JSON inside a string: `contentMediaType: application/json` with a `contentSchema`."""
    return schema.get("contentMediaType") == JSON and isinstance(
        schema.get("contentSchema"), dict
    )


def _composed(schema: Mapping[str, Any]) -> bool:
    """An object whose shape its composition gives (`type: object` beside an `allOf` of
    one, a `oneOf` or an `anyOf`, and nothing of its own): typed by that, not `dict`."""
    return (
        "properties" not in schema
        and not isinstance(schema.get("additionalProperties"), dict)
        and (
            _single_all_of(schema)
            or isinstance(schema.get("anyOf") or schema.get("oneOf"), list)
        )
    )


def _single_all_of(schema: Mapping[str, Any]) -> bool:
    branches = schema.get("allOf")
    return (
        isinstance(branches, list)
        and len(branches) == 1
        and isinstance(branches[0], dict)
    )
