"""Every Python name the generator emits is decided here, once; and how a value of the
spec (an enum value, a default) is spelt in generated code.

The rules: methods and arguments are snake_case, classes PascalCase; a name that is a
keyword, would shadow a builtin type used in annotations, or would clash with pydantic's
own model attributes gets a trailing underscore and keeps its wire name as an alias.
Names are ASCII: letters lose their accents (`café` -> `cafe`), and a letter or digit with
no ASCII form is spelt by its code point (`名前` -> `u540d_u524d`); other characters part
words, as punctuation does.
"""

from __future__ import annotations

import json
import keyword
import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

_WORD_BOUNDARY = re.compile(
    r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+"
)

# Names an annotation may use (models.py writes them bare, and a model's annotations are
# read in its class body), so a field must not shadow them.
_ANNOTATION_NAMES = frozenset(
    {"bool", "date", "datetime", "dict", "float", "int", "list", "str"}
    | {"Annotated", "Any", "AwareDatetime", "Field", "Literal", "None", "TypeAlias"}
)

# Attributes pydantic's BaseModel defines (pydantic 2), and those the runtime's model
# bases add: a field of the same name would shadow them (pydantic warns, or refuses
# `model_config`). Other `model_` names (`model_id`) are fields like any other.
_PYDANTIC_ATTRIBUTES = frozenset(
    {
        "construct", "copy", "dict", "from_orm", "json", "parse_file", "parse_obj",
        "parse_raw", "schema", "schema_json", "update_forward_refs", "validate",
        "model_computed_fields", "model_config", "model_construct", "model_copy",
        "model_dump", "model_dump_json", "model_extra", "model_fields",
        "model_fields_set", "model_json_schema", "model_parametrized_name",
        "model_post_init", "model_rebuild", "model_validate", "model_validate_json",
        "model_validate_strings",
        "from_xml", "from_xml_tree", "to_xml", "to_xml_tree",
    }
)  # fmt: skip

# Names a generated method's body uses besides its arguments: an argument of the same
# name would shadow them.
_METHOD_RESERVED = frozenset(
    {"self", "drop_none", "json_body", "path_segment", "text_params"}
    | {"optional_text", "xml_body", "raw_response", "async_raw_response"}
)

# What the client's constructor (and `_auth`) use besides their arguments.
_CONSTRUCTOR_RESERVED = frozenset({"settings"})

# What `Client` and `AsyncClient` define themselves: no operation's method may replace it.
_CLIENT_ATTRIBUTES = frozenset(
    {"base_url", "close", "wait_for_job", "with_raw_response"}
)

# The model of a client's own arguments.
CLIENT_PARAMETERS = "ClientParameters"

# Names models.py and client.py import or define next to the models: a class must not take them.
_CLASS_RESERVED = frozenset(
    {
        CLIENT_PARAMETERS,
        "AwareDatetime",
        "TypeAlias",
        "Iterator",
        "AsyncIterator",
        "Annotated",
        "Any",
        "AsyncClient",
        "BaseModel",
        "Call",
        "Client",
        "ConfigDict",
        "Core",
    }
    | {
        "ErrorShape",
        "Field",
        "Generic",
        "JobPoller",
        "JsonString",
        "MaxBytes",
        "Literal",
        "RootModel",
        "TokenAuth",
    }
    | {"TypeVar", "SyncTransport", "AsyncTransport", "Auth", "TracebackType"}
    | {"Received", "WireShapes", "XmlModel", "XmlElement", "XmlAttribute"}
    | {"RawResponse"}
)

# Fixed rather than `keyword.softkwlist`, which grows with the Python running the generator
# (3.12 added `type`): names must not depend on it.
_SOFT_KEYWORDS = frozenset({"_", "case", "match", "type"})


# Letters NFKD does not take apart into ASCII.
_FOLDS = {
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
    "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "\u0131": "i",
}  # fmt: skip


def _ascii_chunks(name: str) -> Iterable[tuple[str, bool]]:
    """`name` as ASCII: runs of text (accents dropped, other punctuation a space) and,
    for each letter or digit with no ASCII form, a word spelling its code point (True)."""
    text = ""
    for char in name:
        folded = (
            char
            if char.isascii()
            else _FOLDS.get(char)
            or unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        )
        if folded or not char.isalnum():
            text += folded or " "
        else:
            yield text, False
            yield f"u{ord(char):04x}", True
            text = ""
    yield text, False


def words(name: str) -> list[str]:
    """Split camelCase, PascalCase, snake_case, kebab-case and spaced names into words."""
    result = []
    for text, spelt in _ascii_chunks(name):
        result += [text] if spelt else [w.lower() for w in _WORD_BOUNDARY.findall(text)]
    return result


def snake_case(name: str) -> str:
    return "_".join(words(name))


def pascal_case(name: str) -> str:
    # Keep words that are already capitalised as written (TtsCallBackConfig stays as is).
    parts = [
        part
        for text, spelt in _ascii_chunks(name)
        for part in ([text] if spelt else re.split(r"[^0-9A-Za-z]+", text))
    ]
    return "".join(p[:1].upper() + p[1:] for p in parts if p)


def _escape(name: str, reserved: Iterable[str] = (), soft_keywords: bool = True) -> str:
    if not name:
        name = "value"
    if name[0].isdigit():
        name = "n" + name
    if (
        keyword.iskeyword(name)
        or (soft_keywords and name in _SOFT_KEYWORDS)
        or name in set(reserved)
    ):
        return name + "_"
    return name


def field_name(wire_name: str) -> str:
    """The attribute name of a model field: the wire name's snake_case, kept wherever
    Python and pydantic allow it (`type`, `model_id`, `settings`); otherwise with a
    trailing underscore, and the wire name as its alias (`json_`, `model_config_`).
    A soft keyword is a name like any other outside its own statement."""
    # Body fields are also method arguments: avoid the method's own names too.
    return _escape(
        snake_case(wire_name),
        _ANNOTATION_NAMES | _PYDANTIC_ATTRIBUTES | _METHOD_RESERVED,
        soft_keywords=False,
    )


def argument_name(wire_name: str) -> str:
    """A keyword argument of a generated method; the same rules as fields, since every
    argument is also the field of a model that checks it."""
    return field_name(wire_name)


def client_argument_name(wire_name: str) -> str:
    """An argument of the client's constructor (a credential, a server variable, a
    client parameter): a method argument's name, but for what the constructor uses."""
    name = argument_name(wire_name)
    return name + "_" if name in _CONSTRUCTOR_RESERVED else name


def method_name(operation_id: str) -> str:
    return _escape(snake_case(operation_id), _METHOD_RESERVED | _CLIENT_ATTRIBUTES)


# A version segment of a path (`v1`, `v2beta`, `v1.1`): it names no resource.
_VERSION = re.compile(r"^v[0-9]+([._][0-9]+)*[a-z]*[0-9]*\Z", re.IGNORECASE)
_PARAMETER = re.compile(r"^\{[^{}]*\}\Z")


def _singular(word: str) -> str:
    """`voices` -> `voice`, `entries` -> `entry`: English plurals, roughly (a name, not
    grammar)."""
    if word.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _segments(path: str) -> list[str]:
    # A query string in a path key (`/responses?beta=true`) is part of no segment's name.
    return [s for s in path.split("?", 1)[0].split("/") if s]


def operation_name(method: str, path: str) -> str:
    """The method name of an operation without an operationId, from its HTTP method and
    path: `get /v1/voices/{id}` -> `get_voice`, `get /v1/voices` -> `list_voices`,
    `post /v1/voices` -> `create_voice`, `delete /v1/voices/{id}` -> `delete_voice`;
    otherwise `<method>_<the path's words>` (versions and parameters left out)."""
    segments = [s for s in _segments(path) if not _VERSION.match(s)]
    static = [s for s in segments if not _PARAMETER.match(s)]
    verb = method.lower()
    if static:
        last = words(static[-1])
        by_id = bool(segments) and segments[-1] != static[-1]
        plural = bool(last) and last[-1].endswith("s") and not last[-1].endswith("ss")
        one = last[:-1] + [_singular(last[-1])] if last else last
        if by_id and verb in ("get", "delete"):
            return method_name("_".join([verb, *one]))
        if not by_id and plural and verb in ("get", "post"):
            chosen = ["list", *last] if verb == "get" else ["create", *one]
            return method_name("_".join(chosen))
    return method_name("_".join([verb, *(w for s in static for w in words(s))]))


def full_operation_name(method: str, path: str) -> str:
    """An operation's name from every word of its method and path (versions and
    parameters too): for operations whose shorter names meet."""
    parts = [method.lower()]
    for segment in _segments(path):
        parts += (["by"] if _PARAMETER.match(segment) else []) + words(segment)
    return method_name("_".join(parts))


def iterator_name(method: str) -> str:
    """The method iterating over every item of a paged list method."""
    return "iter_" + method


def class_name(schema_name: str) -> str:
    name = _escape(pascal_case(schema_name))
    # A class may not take a name its module imports: it gets a suffix instead.
    return name + "Model" if name in _CLASS_RESERVED else name


def package_name(api_key: str) -> str:
    """`huawei-metastudio` -> `tts_huawei_metastudio`."""
    return "tts_" + snake_case(api_key)


def distribution_name(api_key: str) -> str:
    return "tts-" + "-".join(words(api_key))


def dedupe(names: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Make names unique, in order, by suffixing later duplicates with _2, _3, …"""
    seen = set(taken)
    result = []
    for name in names:
        candidate, n = name, 2
        while candidate in seen:
            candidate, n = f"{name}_{n}", n + 1
        seen.add(candidate)
        result.append(candidate)
    return result


def literal(value: Any) -> str:
    """`value` as a Python literal, in the style black formats it (double quotes). Text
    is kept as written, but for what would not show as itself: controls, bidi controls,
    separators and surrogates are escapes (valid in TOML strings too)."""
    if isinstance(value, str):
        # JSON spells quotes, backslashes and controls as Python reads them.
        text = json.dumps(value, ensure_ascii=False)
        # Nearly always all printable: then no character needs a look of its own.
        return text if text.isprintable() else "".join(map(_visible, text))
    if isinstance(value, dict):
        items = (f"{literal(k)}: {literal(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    return repr(value)


def _visible(char: str) -> str:
    if char.isprintable():
        return char
    code = ord(char)
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
