"""Which operations of an OpenAPI document carry bodies beyond JSON, read from the
document itself: audio or other bytes out, files in, text out, server-sent events, and
unions (`oneOf`/`anyOf`) as the request or the response body. And a value for any schema,
valid for what a client sends, to drive those operations with."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON = re.compile(r"^application/([\w.+-]*\+)?json$|^\*/\*$")
EVENTS = "text/event-stream"


def essence(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()


def is_json(media_type: str) -> bool:
    return bool(JSON.match(essence(media_type)))


def is_xml(media_type: str) -> bool:
    kind = essence(media_type)
    return kind.endswith("/xml") or kind.endswith("+xml")


def is_text(media_type: str) -> bool:
    kind = essence(media_type)
    return kind.startswith("text/") and kind != EVENTS and not is_xml(kind)


def is_binary(media_type: str, schema: Any = None) -> bool:
    """Bytes out: a type that is not JSON, XML or text, or JSON whose schema is bytes."""
    kind = essence(media_type)
    if is_json(kind):
        return isinstance(schema, dict) and _bytes_schema(schema)
    return not (is_xml(kind) or kind.startswith("text/"))


def _bytes_schema(schema: dict[str, Any]) -> bool:
    media = schema.get("contentMediaType")
    return schema.get("format") == "binary" or (
        isinstance(media, str) and not is_json(media)
    )


class Document:
    """A normalised OpenAPI 3.1 document, with `$ref`s followed on demand."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def deref(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#/") or seen > 20:
                return node
            target: Any = self.document
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
            seen += 1
        return node

    def component_name(self, node: Any) -> str | None:
        """The component a schema is a `$ref` to, if it is one."""
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            return str(node["$ref"]).rsplit("/", 1)[-1]
        return None

    def branches(self, schema: Any) -> list[Any]:
        """A union's branches (`oneOf`/`anyOf`, `null` left out), or [] for no union:
        a union has at least two branches that are not `null`."""
        schema = self.deref(schema)
        if not isinstance(schema, dict):
            return []
        for key in ("oneOf", "anyOf"):
            options = schema.get(key)
            if isinstance(options, list):
                kept = [
                    o
                    for o in options
                    if self.deref(o).get("type") != "null" and not constraint_only(o)
                ]
                if len(kept) >= 2:
                    return kept
        return []

    def alternatives(self, schema: dict[str, Any]) -> list[str]:
        """The properties the first of an object's `anyOf`/`oneOf` of bare `required`
        lists asks for (OpenAI's "either `file_ids` or `files`"): not a union, but
        one of them must be sent."""
        for key in ("oneOf", "anyOf"):
            options = schema.get(key)
            if isinstance(options, list) and options and constraint_only(options[0]):
                return list(options[0].get("required") or [])
        return []


def constraint_only(branch: Any) -> bool:
    """A branch that only says which properties are required (no type, no schema)."""
    return (
        isinstance(branch, dict)
        and "required" in branch
        and set(branch) <= {"required", "not", "description", "title"}
    )


def file_like(doc: Document, schema: Any) -> str | None:
    """ "one" for a file (bytes), "many" for a list of files, else None; through a
    `oneOf`/`anyOf` with a file branch (`file: anyOf: [binary, null]`)."""
    schema = doc.deref(schema)
    if not isinstance(schema, dict):
        return None
    if schema.get("type") in ("string", ["string", "null"]) and _bytes_schema(schema):
        return "one"
    if schema.get("type") == "file":
        return "one"
    if schema.get("type") == "array" and file_like(doc, schema.get("items")) == "one":
        return "many"
    for key in ("oneOf", "anyOf"):
        for option in schema.get(key) or []:
            found = file_like(doc, option)
            if found:
                return found
    return None


@dataclass(frozen=True)
class Kinds:
    """What beyond JSON one operation carries, as its document says."""

    method: str
    path: str
    uploads: tuple[str, ...]  # request media types that are not JSON or XML
    binary: tuple[str, ...]  # 2xx response media types read as bytes
    text: tuple[str, ...]
    events: bool
    union_request: bool
    union_response: bool

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"


def operations(doc: Document) -> list[Kinds]:
    """Every operation with an upload, a binary, text or event-stream response, or a
    union body, in the document's order."""
    found = []
    for path, item in (doc.document.get("paths") or {}).items():
        item = doc.deref(item)
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            kinds = classify(doc, method, path, operation)
            if (
                kinds.uploads
                or kinds.binary
                or kinds.text
                or kinds.events
                or kinds.union_request
                or kinds.union_response
            ):
                found.append(kinds)
    return found


def classify(doc: Document, method: str, path: str, operation: Any) -> Kinds:
    body = doc.deref(operation.get("requestBody")) or {}
    content = body.get("content") or {}
    uploads = tuple(
        m for m in content if not is_json(m) and not is_xml(m) and m != EVENTS
    )
    union_request = any(
        doc.branches(media.get("schema")) for m, media in content.items() if is_json(m)
    )
    binary: list[str] = []
    text: list[str] = []
    events = False
    union_response = False
    for status, response in (operation.get("responses") or {}).items():
        if not str(status).startswith("2"):
            continue
        for media_type, media in (doc.deref(response).get("content") or {}).items():
            schema = doc.deref((media or {}).get("schema"))
            if essence(media_type) == EVENTS:
                events = True
            elif is_text(media_type):
                text.append(media_type)
            elif is_binary(media_type, schema):
                binary.append(media_type)
            elif is_json(media_type) and doc.branches(schema):
                union_response = True
    return Kinds(
        method,
        path,
        uploads,
        tuple(binary),
        tuple(text),
        events,
        union_request,
        union_response,
    )


FILE = object()
"""Where a schema asks for a file (`format: binary`): the caller puts one there."""

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
DAY = date(2026, 1, 2)


class Synthesiser:
    """A value for a schema: what a client may send (read-only properties left out),
    or what a service may answer (`received`: write-only ones left out, and every
    property of the top-level object, not only the required ones). Dates are `datetime`
    and `date` objects, files `FILE`."""

    def __init__(self, doc: Document, *, received: bool = False) -> None:
        self.doc = doc
        self.received = received

    def value(self, schema: Any, depth: int = 0) -> Any:
        schema = self.doc.deref(schema)
        if not isinstance(schema, dict) or depth > 8:
            return None
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list):
            return next((v for v in schema["enum"] if v is not None), None)
        branches = self.doc.branches(schema)
        if branches:
            return self.branch(schema, branches[0], depth)
        for key in ("oneOf", "anyOf"):  # one branch beside null
            if isinstance(schema.get(key), list):
                kept = [
                    o
                    for o in schema[key]
                    if self.doc.deref(o).get("type") != "null"
                    and not constraint_only(o)
                ]
                if kept:
                    return self.value(kept[0], depth)
        if isinstance(schema.get("allOf"), list):
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                value = self.value(part, depth)
                if isinstance(value, dict):
                    merged.update(value)
                elif len(schema["allOf"]) == 1:
                    return value
            rest = {k: v for k, v in schema.items() if k != "allOf"}
            if rest.get("properties"):
                merged.update(self.value(rest, depth) or {})
            return merged
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), None)
        if kind is None and "properties" in schema:
            kind = "object"
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            count = max(int(schema.get("minItems", 1)), 1)
            item = self.value(schema.get("items", {}), depth + 1)
            return [item] * count
        if kind == "string":
            return self._string(schema)
        if kind in ("integer", "number"):
            return self._number(schema, kind)
        if kind == "boolean":
            return True
        return "any"

    def branch(self, union: dict[str, Any], branch: Any, depth: int) -> Any:
        """A value of `branch`, with the union's discriminator naming it."""
        value = self.value(branch, depth)
        discriminator = union.get("discriminator")
        if isinstance(value, dict) and isinstance(discriminator, dict):
            prop = discriminator.get("propertyName")
            ref = branch.get("$ref") if isinstance(branch, dict) else None
            names = [
                key
                for key, target in (discriminator.get("mapping") or {}).items()
                if target == ref
            ]
            if names:
                value[prop] = names[0]
            elif prop not in value and ref:
                value[prop] = str(ref).rsplit("/", 1)[-1]
        return value

    def _object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        properties = schema.get("properties") or {}
        required = {*(schema.get("required") or []), *self.doc.alternatives(schema)}
        out: dict[str, Any] = {}
        for name, prop in properties.items():
            resolved = self.doc.deref(prop)
            if not isinstance(resolved, dict):
                continue
            if resolved.get("readOnly") and not self.received:
                continue
            if resolved.get("writeOnly") and self.received:
                continue
            if name in required or (self.received and depth == 0):
                out[name] = self.value(prop, depth + 1)
        extra = schema.get("additionalProperties")
        if not out and not properties and isinstance(extra, dict) and not required:
            out["key"] = self.value(extra, depth + 1)
        return out

    def _string(self, schema: dict[str, Any]) -> Any:
        if _bytes_schema(schema):
            return FILE if not self.received else "AAEC"
        fmt = schema.get("format")
        if fmt == "date-time":
            return WHEN
        if fmt == "date":
            return DAY
        text = {
            "uuid": "7d3b4f6a-0000-4000-8000-000000000001",
            "uri": "https://example.com/a.wav",
            "url": "https://example.com/a.wav",
            "email": "a@example.com",
        }.get(str(fmt), "sample")
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and not re.search(pattern, text):
            text = next((c for c in _CANDIDATES if re.search(pattern, c)), text)
        low = int(schema.get("minLength", 0))
        high = schema.get("maxLength")
        if len(text) < low:
            text = text + "x" * (low - len(text))
        if isinstance(high, int) and len(text) > high:
            text = text[:high]
        return text

    def _number(self, schema: dict[str, Any], kind: str) -> int | float:
        low = schema.get("minimum")
        exclusive = schema.get("exclusiveMinimum")
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        value: float = 1
        if isinstance(low, int | float):
            value = max(value, low)
        if isinstance(exclusive, int | float) and not isinstance(exclusive, bool):
            value = max(value, exclusive + 1)
        if isinstance(high, int | float) and value > high:
            value = high if "maximum" in schema else high - 1
        if kind == "integer" or float(value).is_integer():
            return int(value)
        return value


_CANDIDATES = [
    "a",
    "1",
    "en",
    "en-US",
    "abc123",
    "2026-01-02",
    "00:00:01",
    "#ffffff",
    "+15555550100",
    "https://example.com/a",
]


def to_json(value: Any) -> Any:
    """A synthesised value as JSON carries it (dates in ISO 8601)."""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value


# The stems of the words that make an operation a speech or transcription one; the
# short acronyms only as whole words ("ListThreadItems" is not "stt").
SPEECH_STEMS = (
    "speech",
    "transcri",
    "synthes",
    "dictation",
    "listen",
    "subtitle",
    "caption",
    "dub",
)
SPEECH_ACRONYMS = ("tts", "stt")


def words(text: str) -> list[str]:
    """The words of an identifier, a path or a sentence, lower case: camelCase,
    snake_case, kebab-case and `/` all split ("TTSVoices" is "tts", "voices")."""
    return [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", text)]


def is_speech_word(word: str) -> bool:
    return word in SPEECH_ACRONYMS or word.startswith(SPEECH_STEMS)


def speech_operations(doc: Document) -> list[Kinds]:
    """Every speech or transcription operation of a document, in its order.

    An operation is one when a word of its operationId, path, summary or tags starts
    with speech, transcri, synthes, dictation, listen, subtitle, caption or dub, or is
    tts or stt. So is an operation on a path that a selected operation's path extends
    (the collection and the item a transcript belongs to: Speechmatics' `/jobs` and
    `/jobs/{jobid}` for `/jobs/{jobid}/transcript`), whatever its words."""
    found: list[tuple[Kinds, bool]] = []
    for path, item in (doc.document.get("paths") or {}).items():
        item = doc.deref(item)
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            texts = [
                str(operation.get("operationId") or ""),
                path,
                str(operation.get("summary") or ""),
                *(str(tag) for tag in operation.get("tags") or []),
            ]
            named = any(is_speech_word(w) for text in texts for w in words(text))
            found.append((classify(doc, method, path, operation), named))
    selected = {kinds.path.partition("?")[0] for kinds, named in found if named}
    return [
        kinds
        for kinds, named in found
        if named
        or any(p.startswith(kinds.path.partition("?")[0] + "/") for p in selected)
    ]
