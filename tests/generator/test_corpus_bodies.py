"""Every operation of every corpus document that carries a body beyond JSON is driven on
loopback once (issue 27, "Tests"): audio or other bytes out, files in (multipart, form,
raw bytes), text out, server-sent events, and unions as the request or the response.

The list comes from each document itself (tests/support/bodies.py reads its media types
and schemas), not from a table here: an operation the generator starts to generate is
driven from then on, and one it skips (with its warning) is counted. Each call's
arguments are made from the schema (the required ones; a small WAV file where a file is
asked for); the server checks what was sent (method, path, query, content type, the JSON
body or each multipart part with its filename and content type) and answers with a body
of the documented media type (the spec's example where it has one, else one made from
the schema); the typed result must read as what was answered: the same bytes, the same
text, the same values, the union branch that was sent.

Run with `-s`, each document prints its numbers: operations with such bodies, generated,
driven, skipped, known gaps (GAPS, below) and uploads its client sends as JSON only (no
multipart method of their own: `<method>_multipart` carries a form whose schema differs
from the JSON's).

Every speech and transcription operation is driven too (issue 27, "Done when"): the
document's operations whose words name speech, transcription, TTS/STT, synthesis,
dictation, listening, subtitles, captions or dubbing, and the collections and items their
paths extend (`speech_operations`, tests/support/bodies.py). Those with bodies beyond
JSON are driven by the test above, the plain JSON ones (a transcription job by URL, its
status, its listing) by the test at the end, with the same arguments, checks and answers;
with `-s` it prints each document's selected list."""

from __future__ import annotations

import email
import email.policy
import importlib
import json
import mimetypes
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from pydantic import BaseModel, RootModel

from generator import ir, naming, pipeline
from generator.errors import collect
from generator.load import load_openapi
from tests.generator.test_corpus_clients import CORPUS, DOCUMENTS
from tests.support.bodies import (
    EVENTS,
    FILE,
    WHEN,
    Document,
    Kinds,
    Synthesiser,
    essence,
    file_like,
    is_json,
    operations,
    speech_operations,
    to_json,
)
from tests.support.generate import importable
from tests.support.server import Received, Reply, ScriptedServer, serve

SECRET = "k-secret"
AUDIO = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(256)) * 4
SAMPLE_NAME = "sample.wav"
ANSWER_BYTES = b"ID3\x04\x00" + bytes(range(255, -1, -1)) * 8
ANSWER_TEXT = "WEBVTT\n\n00:00.000 --> 00:01.000\nHéllo, wörld\n"
MULTIPART = "multipart/form-data"
FORM = "application/x-www-form-urlencoded"


@dataclass
class Loaded:
    folder: str
    module: ModuleType
    api: ir.Api
    doc: Document
    kinds: list[Kinds]


@dataclass
class Outcome:
    """What one document's driving found."""

    present: int = 0
    generated: int = 0
    driven: int = 0
    calls: int = 0
    skipped: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    # Known generator gaps that failed (GAPS), and uploads the method sends as JSON
    # only (the document's multipart form is not offered).
    gaps: list[str] = field(default_factory=list)
    json_only: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def load(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[str], Loaded]]:
    """A corpus package, generated on first use (once for the module) and imported,
    with its IR and its document."""
    root = tmp_path_factory.mktemp("corpus-bodies")
    specs, out = root / "specs", root / "out"
    out.mkdir(parents=True)
    done: dict[str, Loaded] = {}

    def loaded(folder: str) -> Loaded:
        if folder not in done:
            entry = DOCUMENTS[folder]
            (specs / folder).mkdir(parents=True)
            name = "openapi.json" if entry["format"] == "json" else "openapi.yaml"
            source = CORPUS / folder / entry["file"]
            (specs / folder / name).symlink_to(source)
            pipeline.generate(folder, specs, out)
            importlib.invalidate_caches()
            with collect():
                api = pipeline.build_api(folder, specs)
            doc = Document(load_openapi(source, folder))
            module = importlib.import_module(naming.package_name(folder))
            done[folder] = Loaded(folder, module, api, doc, operations(doc))
        return done[folder]

    with importable(out):
        yield loaded


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("files") / SAMPLE_NAME
    path.write_bytes(AUDIO)
    return path


# --- the client -------------------------------------------------------------------


def _prefix(api: ir.Api) -> str:
    """The path the document's server puts before its operations' paths."""
    url = api.server.url
    match = re.match(r"^(?:[a-z][a-z0-9+.-]*://[^/]*|\{[^}]*\})?(.*)$", url)
    path = match.group(1) if match else ""
    for variable in api.server.variables:
        path = path.replace("{" + variable.wire_name + "}", variable.default or "v")
    return path.rstrip("/")


def _client(loaded: Loaded, server: ScriptedServer) -> Any:
    arguments: dict[str, Any] = {}
    for scheme in loaded.api.auth:
        for credential in scheme.credentials:
            arguments[credential.name] = SECRET
    for parameter in loaded.api.client_parameters:
        if not parameter.has_default:
            arguments[parameter.name] = "sample"
    return loaded.module.Client(
        base_url=server.url + _prefix(loaded.api), max_retries=0, **arguments
    )


# --- a call's arguments -----------------------------------------------------------


@dataclass
class Call:
    """One call to make and what the server must receive from it."""

    label: str
    http_method: str
    method: str
    arguments: dict[str, Any]
    path: str
    query: list[tuple[str, str]]
    # One of: None (no body), ("json", value), ("multipart", parts), ("form", pairs),
    # ("raw", (media type, bytes)).
    body: tuple[str, Any] | None
    reply: Reply
    check: Callable[[Any], None]
    stream: bool = False


def _media(doc: Document, operation: dict[str, Any]) -> dict[str, Any]:
    body = doc.deref(operation.get("requestBody")) or {}
    return dict(body.get("content") or {})


def _parameters(
    doc: Document, item: dict[str, Any], operation: dict[str, Any]
) -> list[dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
        parameter = doc.deref(parameter)
        found[(parameter["in"], parameter["name"])] = parameter
    return list(found.values())


def _text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(to_json(value))


def _arguments(
    loaded: Loaded, kinds: Kinds, op: ir.Operation, sample: Path
) -> tuple[dict[str, Any], str, list[tuple[str, str]], tuple[str, Any] | None]:
    """The method's arguments, and the path, query and body the server must see."""
    doc = loaded.doc
    item = doc.deref(doc.document["paths"][kinds.path])
    operation = item[kinds.method]
    synthesise = Synthesiser(doc)
    arguments: dict[str, Any] = {}
    path, _, fixed = kinds.path.partition("?")
    query = parse_qsl(fixed, keep_blank_values=True)
    by_wire = {(p.location, p.wire_name): p for p in op.method_parameters}
    for parameter in _parameters(doc, item, operation):
        where, wire = parameter["in"], parameter["name"]
        if not (parameter.get("required") or where == "path"):
            continue
        argument = by_wire.get((where, wire))
        if argument is None:
            continue  # a credential's header: the client sends it
        value = synthesise.value(parameter.get("schema", {}))
        arguments[argument.name] = value
        if where == "path":
            path = path.replace("{" + wire + "}", quote(_text(value), safe=""))
        elif where == "query":
            for item_ in value if isinstance(value, list) else [value]:
                query.append((wire, _text(item_)))
    body: tuple[str, Any] | None = None
    content = _media(doc, operation)
    chosen = _chosen_media_type(op, content)
    if chosen is not None:
        schema = (content[chosen] or {}).get("schema", {})
        value = None if op.upload == "binary" else synthesise.value(schema)
        if essence(chosen) == MULTIPART and isinstance(value, dict):
            # Every file the body can carry is sent, required or not.
            properties = (doc.deref(schema) or {}).get("properties") or {}
            for wire, prop in properties.items():
                many = file_like(doc, prop)
                if many and wire not in value:
                    value[wire] = [FILE] if many == "many" else FILE
        if op.upload == "binary":
            arguments["body"] = sample
            body = ("raw", (op.raw_media_type, AUDIO))
        elif doc.branches(schema):
            # A union as the whole body: one argument takes it.
            arguments["body"] = value
            body = ("json", to_json(value))
        else:
            body = _fields(op, value, arguments, chosen, sample)
        if op.media_types and essence(chosen) != essence(op.media_types[0]):
            arguments["content_type"] = chosen
    return arguments, path, query, body


def _chosen_media_type(op: ir.Operation, content: dict[str, Any]) -> str | None:
    """The request media type this call sends: an upload where the method lets the
    caller choose one, else the method's own."""
    if not content:
        return None
    if op.upload == "binary":
        return next(m for m in content if essence(m) == essence(op.raw_media_type))
    for wanted in (MULTIPART, FORM):
        if op.upload == ("multipart" if wanted == MULTIPART else "form") or any(
            essence(m) == wanted for m in op.media_types
        ):
            return next(m for m in content if essence(m) == wanted)
    return next(m for m in content if is_json(m))


def _fields(
    op: ir.Operation,
    value: Any,
    arguments: dict[str, Any],
    media_type: str,
    sample: Path,
) -> tuple[str, Any]:
    """The body's fields as arguments; what the server must see of them."""
    assert isinstance(value, dict), value
    names = {f.wire_name: f.name for f in op.body_fields}
    files = {f.wire_name: f for f in op.files}
    sent: dict[str, Any] = {}
    for wire, item in value.items():
        if wire in files:
            arguments[files[wire].name] = [sample] if files[wire].many else sample
            sent[wire] = FILE
        elif item is FILE or item == [FILE]:
            # A file field the method did not make a file argument of: the call is
            # refused (a generator gap, reported).
            arguments[names[wire]] = [sample] if isinstance(item, list) else sample
            sent[wire] = item
        else:
            arguments[names[wire]] = item
            sent[wire] = to_json(item)
    kind = essence(media_type)
    if kind == MULTIPART:
        return "multipart", sent
    if kind == FORM:
        return "form", sent
    return "json", sent


# --- the answer -------------------------------------------------------------------


def _success(doc: Document, operation: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    for status, response in (operation.get("responses") or {}).items():
        if str(status).startswith("2"):
            return int(status), dict(doc.deref(response).get("content") or {})
    raise AssertionError("no 2xx response")


def _example(media: dict[str, Any], schema: Any, doc: Document) -> Any:
    if "example" in media:
        return media["example"]
    examples = media.get("examples")
    if isinstance(examples, dict) and examples:
        first = doc.deref(next(iter(examples.values())))
        if isinstance(first, dict) and "value" in first:
            return first["value"]
    resolved = doc.deref(schema)
    if isinstance(resolved, dict) and "example" in resolved:
        return resolved["example"]
    return None


def _decoded_example(example: Any, schema: Any, doc: Document) -> Any:
    """An example as the answer's JSON. Some documents give it as its JSON text
    (Microsoft's Swagger 2 `examples` of an array or an object); where the schema
    is not a string, that text is decoded, and an example that is neither is not used."""
    resolved = doc.deref(schema)
    wants_text = isinstance(resolved, dict) and resolved.get("type") == "string"
    if not isinstance(example, str) or wants_text:
        return example
    try:
        decoded = json.loads(example)
    except ValueError:
        return None
    return decoded if isinstance(decoded, dict | list) else None


def _answer_type(media_type: str) -> str:
    kind = essence(media_type)
    if kind.endswith("/*"):
        return kind[:-1] + "mpeg"
    if kind.startswith("multipart/"):
        return kind + "; boundary=b1"
    return kind


def _plain(result: Any) -> Any:
    """A result with its root models opened (`.root`), whatever the method returns."""
    while isinstance(result, RootModel):
        result = result.root
    return result


def _dumped(result: Any) -> Any:
    result = _plain(result)
    if isinstance(result, BaseModel):
        return _dumped(result.model_dump(mode="json", by_alias=True, exclude_none=True))
    if isinstance(result, list):
        return [_dumped(r) for r in result]
    if isinstance(result, dict):
        return {k: _dumped(v) for k, v in result.items() if v is not None}
    return result


def _same(expected: Any, actual: Any, where: str = "") -> None:
    """`actual` (a received model, dumped) reads what `expected` was, tolerantly as the
    client reads: dates in any ISO form, a number for text read as its text."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: {actual!r}"
        for key, value in expected.items():
            if value is None:
                continue
            assert key in actual, f"{where}/{key} missing in {sorted(actual)}"
            _same(value, actual[key], f"{where}/{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), where
        for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
            _same(e, a, f"{where}/{index}")
    elif isinstance(expected, str) and isinstance(actual, str) and expected != actual:
        assert _moment(expected) == _moment(actual) is not None, (
            f"{where}: {expected!r} != {actual!r}"
        )
    elif isinstance(actual, str) and not isinstance(expected, str):
        assert actual == _text(expected), f"{where}: {expected!r} != {actual!r}"
    else:
        assert expected == actual, f"{where}: {expected!r} != {actual!r}"


def _moment(text: str) -> datetime | date | None:
    for parse in (datetime.fromisoformat, date.fromisoformat):
        try:
            return parse(text)
        except ValueError:
            continue
    return None


def _json_answer(
    loaded: Loaded, kinds: Kinds, status: int, media: dict[str, Any]
) -> tuple[Reply, Callable[[Any], None]]:
    doc = loaded.doc
    media_type = next(m for m in media if is_json(m))
    schema = (media[media_type] or {}).get("schema", {})
    branches = doc.branches(schema)
    example = (
        None
        if branches
        else _decoded_example(
            _example(media[media_type] or {}, schema, doc), schema, doc
        )
    )
    value = to_json(
        example
        if example is not None
        else Synthesiser(doc, received=True).value(schema)
    )

    def check(result: Any) -> None:
        _same(value, _dumped(result))
        if branches:
            _check_branch(doc, branches[0], _plain(result))

    return Reply(status, value, {"Content-Type": _answer_type(media_type)}), check


def _check_branch(doc: Document, branch: Any, result: Any) -> None:
    """The union's answer was read as the branch it was made from: the model of that
    component, every field it was sent read as declared (none left over)."""
    component = doc.component_name(branch)
    resolved = doc.deref(branch)
    if not isinstance(resolved, dict) or resolved.get("type") not in (None, "object"):
        return
    assert isinstance(result, BaseModel), result
    if component is not None:
        name = naming.class_name(component)
        assert type(result).__name__ in (name, "Received" + name), type(result)
    assert not result.model_extra, result.model_extra


def _events_answer(
    loaded: Loaded, status: int, media: dict[str, Any]
) -> tuple[Reply, Callable[[Any], None]]:
    schema = (media[next(m for m in media if essence(m) == EVENTS)] or {}).get("schema")
    if schema is None:
        data = ["first", "second"]
        payload = "".join(f"data: {d}\n\n" for d in data)
        expected: list[Any] = data
    else:
        value = to_json(Synthesiser(loaded.doc, received=True).value(schema))
        payload = f"data: {json.dumps(value)}\n\n" * 2
        expected = [value, value]
    payload += "data: [DONE]\n\n"

    def check(result: Any) -> None:
        _same(expected, [_dumped(event) for event in result])

    headers = {"Content-Type": "text/event-stream"}
    return Reply(status, payload.encode(), headers), check


def _calls(loaded: Loaded, kinds: Kinds, op: ir.Operation, sample: Path) -> list[Call]:
    """The calls that drive `op`: one per kind of answer it reads."""
    doc = loaded.doc
    operation = doc.deref(doc.document["paths"][kinds.path])[kinds.method]
    arguments, path, query, body = _arguments(loaded, kinds, op, sample)
    status, media = _success(doc, operation)
    answers: list[tuple[str, Reply, Callable[[Any], None], bool]] = []
    if op.returns == "binary":
        kind = _answer_type(kinds.binary[0] if kinds.binary else "audio/mpeg")
        reply = Reply(status, ANSWER_BYTES, {"Content-Type": kind})

        def binary(result: Any) -> None:
            assert result.content == ANSWER_BYTES
            assert result.content_type == kind

        answers.append(("binary", reply, binary, False))
    elif op.returns == "text":
        kind = _answer_type(kinds.text[0]) + "; charset=utf-8"
        reply = Reply(status, ANSWER_TEXT.encode(), {"Content-Type": kind})

        def text(result: Any) -> None:
            assert result == ANSWER_TEXT

        answers.append(("text", reply, text, False))
    elif op.returns == "events":
        answers.append(("events", *_events_answer(loaded, status, media), False))
    if op.response is not None and op.returns != "events":
        answers.append(("json", *_json_answer(loaded, kinds, status, media), False))
    elif op.returns == "model":

        def nothing(result: Any) -> None:
            assert result is None

        answers.append(("empty", Reply(status, b""), nothing, False))
    if op.streams_events and op.returns in ("binary", "text"):
        # Events beside bytes or text (OpenAI's speech): no `stream: true` asks for
        # them, the answer's Content-Type says which it is.
        answers.append(("events", *_events_answer(loaded, status, media), False))
    elif op.streams_events:
        answers.append(("stream", *_events_answer(loaded, status, media), True))
    return [
        Call(
            f"{kinds.key} ({label})",
            kinds.method.upper(),
            op.method_name,
            {**arguments, "stream": True} if stream else arguments,
            path,
            query,
            _streamed(body) if stream else body,
            reply,
            check,
            stream,
        )
        for label, reply, check, stream in answers
    ]


def _streamed(body: tuple[str, Any] | None) -> tuple[str, Any]:
    """The body of a call that asks for its answer as events: `stream: true` too."""
    assert body is not None and body[0] != "raw", body
    return body[0], {**body[1], "stream": True}


# --- what the server saw ----------------------------------------------------------


def _parts(received: Received) -> list[tuple[str, str | None, str | None, bytes]]:
    """A multipart body's parts: (name, filename, content type, content)."""
    head = f"Content-Type: {received.headers['content-type']}\r\n\r\n".encode()
    message = email.message_from_bytes(head + received.body, policy=email.policy.HTTP)
    parts = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        kind = part.get("content-type")
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        parts.append((str(name), filename, kind and str(kind), payload))
    return parts


def _check_sent(call: Call, prefix: str, received: Received) -> None:
    target = urlsplit(received.path)
    assert received.method == call.http_method, received.method
    assert target.path == prefix + call.path, target.path
    sent_query = parse_qsl(target.query, keep_blank_values=True)
    for pair in call.query:
        assert pair in sent_query, (pair, sent_query)
    if call.body is None:
        assert received.body == b""
        return
    kind, expected = call.body
    content_type = received.headers.get("content-type", "")
    if kind == "raw":
        media_type, data = expected
        assert essence(content_type) == essence(media_type), content_type
        assert received.body == data
    elif kind == "json":
        assert is_json(content_type), content_type
        assert json.loads(received.body) == expected
    elif kind == "form":
        assert essence(content_type) == FORM, content_type
        pairs = parse_qsl(received.body.decode(), keep_blank_values=True)
        assert pairs == [
            (name, _form_text(item))
            for name, value in expected.items()
            for item in (value if isinstance(value, list) else [value])
        ]
    else:
        assert essence(content_type) == MULTIPART, content_type
        _check_parts(expected, _parts(received))


def _form_text(value: Any) -> str:
    if isinstance(value, dict | list) or value is None:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _text(value)


def _check_parts(
    expected: dict[str, Any], parts: list[tuple[str, str | None, str | None, bytes]]
) -> None:
    wanted: list[tuple[str, str | None, str | None, bytes]] = []
    files: list[tuple[str, str | None, str | None, bytes]] = []
    for name, value in expected.items():
        for item in value if isinstance(value, list) else [value]:
            if item is FILE:
                guessed = mimetypes.guess_type(SAMPLE_NAME, strict=False)[0]
                files.append((name, SAMPLE_NAME, guessed, AUDIO))
            elif isinstance(item, dict | list) or item is None:
                wanted.append(
                    (name, None, "application/json", json.dumps(item).encode())
                )
            else:
                wanted.append((name, None, None, _text(item).encode()))
    wanted.sort(key=lambda part: part[0])
    wanted += files
    assert len(parts) == len(wanted), (parts, wanted)
    # The fields' parts in any order (a model's own), then the files' in order.
    fields = sorted((p for p in parts if p[1] is None), key=lambda part: part[0])
    parts = fields + [p for p in parts if p[1] is not None]
    for part, want in zip(parts, wanted, strict=True):
        name, filename, kind, content = part
        assert (name, filename) == want[:2], (part[:3], want[:3])
        if want[2] is not None:
            assert kind is not None and essence(kind) == want[2], (kind, want[2])
        if want[2] == "application/json":
            assert json.loads(content) == json.loads(want[3])
        else:
            assert content == want[3], (content[:40], want[3][:40])


# --- driving ----------------------------------------------------------------------


def drive(loaded: Loaded, sample: Path, kinds_: list[Kinds] | None = None) -> Outcome:
    """Drive each of `kinds_` (the document's operations with bodies beyond JSON
    unless told) once on loopback."""
    chosen = loaded.kinds if kinds_ is None else kinds_
    outcome = Outcome(present=len(chosen))
    generated = {
        (o.http_method.upper(), o.path): o
        for o in loaded.api.operations
        if not o.alternative_of
    }
    # An operation's other bodies (`<method>_multipart`) are driven with it.
    alternatives: dict[tuple[str, str], list[ir.Operation]] = {}
    for o in loaded.api.operations:
        if o.alternative_of:
            alternatives.setdefault((o.http_method.upper(), o.path), []).append(o)
    prefix = _prefix(loaded.api)
    with serve(Reply()) as server:
        client = _client(loaded, server)
        for kinds in chosen:
            op = generated.get((kinds.method.upper(), kinds.path))
            if op is None:
                assert kinds.key in loaded.api.skipped_operations, kinds.key
                outcome.skipped.append(kinds.key)
                continue
            outcome.generated += 1
            try:
                calls = [
                    call
                    for each in (op, *alternatives.get((op.http_method, op.path), ()))
                    for call in _calls(loaded, kinds, each, sample)
                ]
            except Exception as error:  # reported with the others
                outcome.failures.append(f"{kinds.key}: arguments: {error!r}")
                continue
            if kinds.uploads and all(c.body and c.body[0] == "json" for c in calls):
                outcome.json_only.append(kinds.key)
            failed = False
            for call in calls:
                server.replies = [call.reply]
                before = len(server.received)
                try:
                    result = _invoke(client, call)
                    (received,) = server.received[before:]
                    _check_sent(call, prefix, received)
                    call.check(result)
                    outcome.calls += 1
                except Exception as error:  # reported with the others
                    failed = True
                    found = f"{call.label}: {error!r}"[:600]
                    gap = kinds.key in GAPS.get(loaded.folder, ())
                    (outcome.gaps if gap else outcome.failures).append(found)
            outcome.driven += not failed
    return outcome


def _invoke(client: Any, call: Call) -> Any:
    if not call.stream:
        return getattr(client, call.method)(**call.arguments)
    form = getattr(client.with_streaming_response, call.method)
    with form(**call.arguments) as response:
        return list(response.iter_events())


def test_the_corpus_documents_are_listed() -> None:
    assert sorted(DOCUMENTS) == sorted(EXPECTED)


LISTED = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/speech": {
            "post": {
                "requestBody": {"content": {"application/json": {"schema": {}}}},
                "responses": {
                    "200": {"content": {"audio/*": {}, "application/json": {}}}
                },
            }
        },
        "/files": {
            "post": {
                "requestBody": {"content": {MULTIPART: {"schema": {}}}},
                "responses": {"204": {"description": "none"}},
            },
            "get": {"responses": {"200": {"content": {"text/vtt": {}}}}},
        },
        "/events": {"get": {"responses": {"200": {"content": {EVENTS: {}}}}}},
        "/jobs": {
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/Either"}
                        }
                    }
                },
                "responses": {
                    "201": {
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Job"}
                            }
                        }
                    }
                },
            },
            # A JSON answer whose schema is bytes is audio.
            "get": {
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {
                                "schema": {"type": "string", "format": "binary"}
                            }
                        }
                    }
                }
            },
        },
        # Only JSON, its `anyOf` says which property is required, and a 4xx in text:
        # not listed.
        "/plain": {
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/Job"}
                        }
                    }
                },
                "responses": {
                    "200": {"content": {"application/json": {"schema": {}}}},
                    "400": {"content": {"text/plain": {}}},
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Job": {
                "type": "object",
                "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                "anyOf": [{"required": ["a"]}, {"required": ["b"]}],
            },
            "Either": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Job"},
                    {"type": "object", "properties": {"c": {"type": "integer"}}},
                    {"type": "null"},
                ]
            },
        }
    },
}


def test_the_operations_are_listed_from_the_document() -> None:
    found = {
        kinds.key: (
            kinds.uploads,
            kinds.binary,
            kinds.text,
            kinds.events,
            kinds.union_request,
            kinds.union_response,
        )
        for kinds in operations(Document(LISTED))
    }
    assert found == {
        "POST /speech": ((), ("audio/*",), (), False, False, False),
        "POST /files": ((MULTIPART,), (), (), False, False, False),
        "GET /files": ((), (), ("text/vtt",), False, False, False),
        "GET /events": ((), (), (), True, False, False),
        "POST /jobs": ((), (), (), False, True, False),
        "GET /jobs": ((), ("application/json",), (), False, False, False),
    }


def test_a_value_is_made_from_the_schema_for_what_is_sent() -> None:
    doc = Document(LISTED)
    make = Synthesiser(doc).value
    # The first branch of a union; the first of the `required` alternatives.
    assert make({"$ref": "#/components/schemas/Either"}) == {"a": "sample"}
    schema = {
        "type": "object",
        "required": ["when", "n", "tags", "kind", "id"],
        "properties": {
            "when": {"type": "string", "format": "date-time"},
            "n": {"type": "integer", "minimum": 5, "maximum": 9},
            "tags": {"type": "array", "minItems": 2, "items": {"type": "string"}},
            "kind": {"anyOf": [{"type": "null"}, {"enum": ["x", "y"]}]},
            "id": {"type": "string", "readOnly": True},
            "optional": {"type": "string"},
        },
    }
    value = make(schema)
    assert value == {"when": WHEN, "n": 5, "tags": ["sample"] * 2, "kind": "x"}
    assert to_json(value)["when"] == "2026-01-02T03:04:05Z"
    # A received answer has every property of its top level (read-only ones too).
    assert set(Synthesiser(doc, received=True).value(schema)) == {
        "when",
        "n",
        "tags",
        "kind",
        "id",
        "optional",
    }


# Where each document's operations with bodies beyond JSON are at least this many
# (counted from the documents; the test counts them again and reports the numbers).
EXPECTED = {
    "openai-api": 27,
    "assemblyai-api": 2,
    "deepgram-api": 5,
    "elevenlabs-api": 46,
    "gladia-api": 7,
    "vapi-api": 19,
    "speechall-api": 4,
    "speechmatics-batch": 3,
    "microsoft-speech-batch-transcription": 0,
}


# Operations the generator gets wrong today, each with its reason. Their calls are made
# and reported, but a failure does not fail the test; one that works is driven and
# counted like any other (and its line here can go).
GAPS: dict[str, dict[str, str]] = {}


@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_every_body_beyond_json_of_a_corpus_document_works_on_loopback(
    folder: str, load: Callable[[str], Loaded], sample: Path
) -> None:
    loaded = load(folder)
    outcome = drive(loaded, sample)
    print(
        f"{folder}: {outcome.present} with bodies beyond JSON, "
        f"{outcome.generated} generated, {outcome.driven} driven "
        f"({outcome.calls} calls); skipped: {outcome.skipped}; "
        f"known gaps: {len(outcome.gaps)}; uploads sent as JSON only: "
        f"{outcome.json_only}"
    )
    for gap in outcome.gaps:
        print("  known gap:", gap.splitlines()[0])
    assert outcome.present == EXPECTED[folder]
    assert not outcome.failures, "\n".join(outcome.failures)
    gaps = {line.split(" (", 1)[0] for line in outcome.gaps}
    assert gaps <= set(GAPS.get(folder, ()))
    assert outcome.driven + len(gaps) == outcome.generated
    assert outcome.generated + len(outcome.skipped) == outcome.present


# --- generator gaps found here, as failing cases --------------------------------------


def test_a_file_field_that_may_be_null_takes_a_file(
    load: Callable[[str], Loaded], sample: Path
) -> None:
    loaded = load("elevenlabs-api")
    with serve(Reply(200, {"text": "hello"})) as server:
        client = _client(loaded, server)
        result = client.speech_to_text_v1_speech_to_text_post(
            model_id="scribe_v1", file=sample
        )
    (received,) = server.received
    names = [(name, filename) for name, filename, _, _ in _parts(received)]
    assert ("file", SAMPLE_NAME) in names
    assert _dumped(result)["text"] == "hello"


def test_an_upload_beside_json_with_its_own_schema_can_send_its_file(
    load: Callable[[str], Loaded], sample: Path
) -> None:
    # Gladia's POST /v2/upload: `audio` (a file) as multipart, or `audio_url` as JSON.
    loaded = load("gladia-api")
    with serve(Reply(200, {"audio_url": "https://api.gladia.io/file/1"})) as server:
        client = _client(loaded, server)
        client.file_controller_upload_multipart(audio=sample)
    (received,) = server.received
    assert [(n, f) for n, f, _, _ in _parts(received)] == [("audio", SAMPLE_NAME)]


# --- every speech and transcription operation (issue 27, "Done when") ---------------

# Each document's speech and transcription operations (the rule is
# `speech_operations`, tests/support/bodies.py), counted from the documents.
SPEECH_EXPECTED = {
    "openai-api": 5,
    "assemblyai-api": 10,
    "deepgram-api": 3,
    "elevenlabs-api": 29,
    "gladia-api": 7,
    "vapi-api": 0,
    "speechall-api": 5,
    "speechmatics-batch": 5,
    "microsoft-speech-batch-transcription": 8,
}


def test_the_corpus_documents_are_listed_for_speech() -> None:
    assert sorted(DOCUMENTS) == sorted(SPEECH_EXPECTED)


SPOKEN = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/v1/textToSpeech": {"post": {"responses": {}}},
        "/jobs": {"get": {"summary": "List jobs", "responses": {}}},
        "/jobs/{id}": {"get": {"responses": {}}},
        "/jobs/{id}/transcript": {"get": {"responses": {}}},
        "/jobs/{id}/log": {"get": {"responses": {}}},
        "/voices": {"get": {"operationId": "getTTSVoices", "responses": {}}},
        "/dubbing": {"get": {"responses": {}}},
        "/live": {"get": {"tags": ["Listen"], "responses": {}}},
        "/captions": {"get": {"summary": "Synthesize captions", "responses": {}}},
        # Words that only contain a stem's letters across their parts are not
        # speech: "ListThreadItems", "listEntries", "settings".
        "/threads": {"get": {"operationId": "ListThreadItems", "responses": {}}},
        "/entries": {"get": {"operationId": "listEntries", "responses": {}}},
        "/settings": {"get": {"summary": "Get settings", "responses": {}}},
        "/jobsx": {"get": {"responses": {}}},
    },
}


def test_speech_operations_are_selected_by_their_words_and_their_resource() -> None:
    assert [k.key for k in speech_operations(Document(SPOKEN))] == [
        "POST /v1/textToSpeech",
        "GET /jobs",
        "GET /jobs/{id}",
        "GET /jobs/{id}/transcript",
        "GET /voices",
        "GET /dubbing",
        "GET /live",
        "GET /captions",
    ]


@pytest.mark.parametrize("folder", sorted(SPEECH_EXPECTED))
def test_every_speech_and_transcription_operation_works_on_loopback(
    folder: str, load: Callable[[str], Loaded], sample: Path
) -> None:
    """The ones with bodies beyond JSON are driven by the test above; the others (plain
    JSON: AssemblyAI's transcripts, Speechmatics' jobs, Microsoft's batch
    transcriptions...) here, the same way, so each is driven once."""
    loaded = load(folder)
    selected = speech_operations(loaded.doc)
    beyond = {kinds.key for kinds in loaded.kinds}
    plain = [kinds for kinds in selected if kinds.key not in beyond]
    print(f"{folder}: {len(selected)} speech and transcription operations")
    for kinds in selected:
        where = "bodies beyond JSON" if kinds.key in beyond else "JSON"
        print(f"  {kinds.key} ({where})")
    # Every one is generated: none may be left to a skip warning.
    assert not [k.key for k in selected if k.key in loaded.api.skipped_operations]
    outcome = drive(loaded, sample, plain)
    print(
        f"  {outcome.driven} of {len(plain)} JSON ones driven ({outcome.calls} calls)"
    )
    assert len(selected) == SPEECH_EXPECTED[folder]
    assert not outcome.failures, "\n".join(outcome.failures)
    assert not outcome.gaps and not outcome.skipped
    assert outcome.driven == len(plain)
