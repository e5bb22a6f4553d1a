"""Recording and playback of contract cassettes, for any API: matchers and scrubbing.

Cassettes live in `tests/contract/<api>/` and are named after the test without its `test_`
prefix (`test_create_200` plays `create_200.yaml`). A request matches a recorded one when
method, URL, a JSON-equal body and every recorded header agree (see `json_body` and
`recorded_headers`); anything else makes vcrpy raise `CannotOverwriteExistingCassetteException`.

An API whose query parameters carry JSON documents (RPC APIs such as Alibaba ICE) has its
query compared by `decoded_query` instead of vcrpy's `query`: percent-decoded, with those
documents compared as parsed JSON (see `query_matcher`). That matcher is registered by
`register_query_matchers`, which conftest.py calls for every cassette.

An API whose bodies are XML (from an XSD: Tencent CI) has its bodies compared by `xml_body`
instead of `json_body`: as canonical XML (C14N 2.0, text stripped), so indentation and line
breaks between elements do not count but element names, order, attributes and text do. It is
registered by conftest.py like the others (see `body_matcher`).
vcrpy's `query` drops blank values (`?cancel=`), so an API with a query parameter that is only
ever blank has its query compared by `decoded_query` too (see `query_matcher`).

What is secret comes from the API's spec, not from a list kept here: every header that its
security schemes (and their signers) carry a secret in is written as REDACTED before a
cassette is written, and so are signed-URL credentials in response bodies.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit
from xml.etree import ElementTree

import yaml

from generator.ir import Api
from generator.pipeline import build_api

RECORDING = bool(os.environ.get("TTS_SDKGEN_RECORD"))
"""True under `make record`: requests go to the real service and cassettes are rewritten."""

CONTRACT = Path(__file__).parent
SPECS = CONTRACT.parent.parent / "specs"
REDACTED = "REDACTED"

# Query parameters that carry credentials in signed (OBS / OSS / S3-style) URLs.
SIGNED_URL_PARAMETERS = (
    "AccessKeyId",
    "Signature",
    "x-obs-security-token",
    "SecurityToken",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
    # Alibaba OSS: V1 signed URLs (an STS token travels as security-token) and V4 ones.
    "OSSAccessKeyId",
    "security-token",
    "x-oss-credential",
    "x-oss-signature",
    "x-oss-security-token",
)
# A parameter starts after "?" or "&" (also "&amp;" in markup and "\u0026" in JSON written by
# encoders that escape "&"); its value ends at the next separator, quote, backslash or space.
_SIGNED_VALUE = (
    r"((?:[?&]|&amp;|\\u0026)(?:"
    + "|".join(re.escape(name) for name in SIGNED_URL_PARAMETERS)
    + r")=)[^&#\s\"'<>\\]*"
)
_SIGNED_VALUE_TEXT = re.compile(_SIGNED_VALUE, re.IGNORECASE)
_SIGNED_VALUE_BYTES = re.compile(_SIGNED_VALUE.encode(), re.IGNORECASE)

# Request headers whose value differs between runs (or is httpx's business, not the
# client's): a recorded one must be sent, with any value.
VOLATILE_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "connection",
        "content-length",
        "user-agent",
        "x-sdk-date",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-tc-timestamp",
    }
)
# Request headers whose value follows from the request itself: a recorded one must be sent,
# with the value this request implies (not the recorded one, which followed from that
# request).
DERIVED_HEADERS: Mapping[str, Callable[[bytes], str]] = {
    "x-acs-content-sha256": lambda body: hashlib.sha256(body).hexdigest(),
}
# Covered by the host and port matchers.
SKIPPED_HEADERS = frozenset({"host"})


# --- scrubbing ------------------------------------------------------------------------------


# The tokens of an OAuth2 token endpoint's JSON answer (RFC 6749 section 5.1).
_TOKEN_VALUE = r'("(?:access_token|refresh_token|id_token)"\s*:\s*")[^"]*'
_TOKEN_VALUE_TEXT = re.compile(_TOKEN_VALUE)
_TOKEN_VALUE_BYTES = re.compile(_TOKEN_VALUE.encode())


def scrub_text(text: str) -> str:
    """`text` with the values of signed-URL credential parameters, and OAuth2 tokens,
    replaced by REDACTED."""
    text = _SIGNED_VALUE_TEXT.sub(r"\g<1>" + REDACTED, text)
    return _TOKEN_VALUE_TEXT.sub(r"\g<1>" + REDACTED, text)


def scrub_bytes(data: bytes) -> bytes:
    """`scrub_text` for a body kept as bytes (the httpx stub records bytes)."""
    data = _SIGNED_VALUE_BYTES.sub(rb"\g<1>" + REDACTED.encode(), data)
    return _TOKEN_VALUE_BYTES.sub(rb"\g<1>" + REDACTED.encode(), data)


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """vcrpy `before_record_response`: redact signed-URL credentials in the body.

    Returns a scrubbed copy; a Content-Length header is kept in step with the new body.
    """
    scrubbed = copy.deepcopy(response)
    body = scrubbed.get("body") or {}
    original = body.get("string")
    if isinstance(original, str):
        body["string"] = scrub_text(original)
        changed, length = body["string"] != original, len(body["string"].encode())
    elif isinstance(original, bytes):
        body["string"] = scrub_bytes(original)
        changed, length = body["string"] != original, len(body["string"])
    else:
        return scrubbed
    if changed:
        headers = scrubbed.get("headers") or {}
        for name in headers:
            if name.lower() == "content-length":
                headers[name] = [str(length)]
    return scrubbed


# --- matchers (vcrpy calls them with the request being made first, the recorded one second) --


class _NotJson:
    pass


_NOT_JSON = _NotJson()


def _body_bytes(body: object) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    read = getattr(body, "read", None)  # vcrpy hands file bodies over as BytesIO
    if callable(read):
        return _body_bytes(read())
    raise TypeError(f"unexpected body type {type(body).__name__}")


def _parse_json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        return _NOT_JSON


def same_json(left: Any, right: Any) -> bool:
    """JSON equality that keeps types apart (Python has `True == 1 == 1.0`; JSON does not)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(
            same_json(left[k], right[k]) for k in left
        )
    if isinstance(left, list):
        return len(left) == len(right) and all(map(same_json, left, right))
    return bool(left == right)


def json_body(new: Any, recorded: Any) -> None:
    """Bodies equal as parsed JSON when both are JSON, else byte for byte."""
    new_body, recorded_body = _body_bytes(new.body), _body_bytes(recorded.body)
    new_json, recorded_json = _parse_json(new_body), _parse_json(recorded_body)
    if new_json is not _NOT_JSON and recorded_json is not _NOT_JSON:
        if not same_json(new_json, recorded_json):
            raise AssertionError(
                f"JSON bodies differ: this request {new_body!r}, recorded {recorded_body!r}"
            )
    elif new_body != recorded_body:
        raise AssertionError(
            f"bodies differ: this request {new_body!r}, recorded {recorded_body!r}"
        )


def recorded_headers(new: Any, recorded: Any) -> None:
    """Every recorded header is sent (case-insensitive), with the recorded value.

    Volatile headers and REDACTED values only need to be present, derived ones must have
    the value this request implies; Host is left to the host and port matchers.
    """
    sent = {name.lower(): value for name, value in new.headers.items()}
    problems: list[str] = []
    for name, value in recorded.headers.items():
        key = name.lower()
        if key in SKIPPED_HEADERS:
            continue
        if key not in sent:
            problems.append(f"{name} is not sent (recorded {value!r})")
        elif key in DERIVED_HEADERS:
            expected = DERIVED_HEADERS[key](_body_bytes(new.body))
            if sent[key] != expected:
                problems.append(
                    f"{name} is {sent[key]!r}, this request implies {expected!r}"
                )
        elif key not in VOLATILE_HEADERS and value != REDACTED and sent[key] != value:
            problems.append(f"{name} is {sent[key]!r}, recorded {value!r}")
    if problems:
        raise AssertionError(
            "headers differ from the recording: " + "; ".join(problems)
        )


# A query item once decoded: the key, and the value (None for a key without "="). Text is
# kept as the pieces between literal "+" signs, each percent-decoded to bytes: RFC 3986 gives
# "+" no meaning, but form decoding reads it as a space, so a literal "+" equals neither
# "%2B" nor "%20" (vcrpy's `query` takes it for a space). A JSON document is kept as its
# canonical text instead, which keeps JSON's types apart (1, 1.0, true).
_Text = tuple[bytes, ...]
_Item = tuple[_Text, tuple[str, _Text | str] | None]


def _decoded_text(raw: str) -> _Text:
    return tuple(unquote_to_bytes(piece) for piece in raw.split("+"))


def _canonical_json(text: _Text) -> str | None:
    if len(text) != 1:  # a literal "+": not a document this client sent
        return None
    try:
        document = json.loads(text[0])
    except ValueError:
        return None
    return json.dumps(
        document, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )


def _query_items(uri: str, json_parameters: frozenset[str]) -> list[_Item]:
    items: list[_Item] = []
    for raw in urlsplit(uri).query.split("&"):
        if not raw:
            continue
        raw_key, equals, raw_value = raw.partition("=")
        key = _decoded_text(raw_key)
        if not equals:
            items.append((key, None))
            continue
        value = _decoded_text(raw_value)
        document = (
            _canonical_json(value)
            if b"+".join(key).decode(errors="replace") in json_parameters
            else None
        )
        items.append(
            (key, ("json", document) if document is not None else ("text", value))
        )
    return items


def _shown(item: _Item) -> str:
    key, value = item
    text = "+".join(piece.decode(errors="backslashreplace") for piece in key)
    if value is None:
        return text
    _kind, content = value
    if isinstance(content, str):
        return f"{text}={content} (as JSON)"
    return text + "=" + "+".join(p.decode(errors="backslashreplace") for p in content)


def decoded_query(
    new: Any, recorded: Any, *, json_parameters: Iterable[str] = ()
) -> None:
    """The same query items, in any order, once percent-decoded (byte for byte: invalid
    UTF-8 is not glossed over); the values of `json_parameters` compare as parsed JSON, so
    key order and spacing do not matter but every value does. Items without a value
    (`a=`, `a`) count as well: vcrpy's `query` drops them.
    """
    names = frozenset(json_parameters)
    sent = Counter(_query_items(new.uri, names))
    expected = Counter(_query_items(recorded.uri, names))
    if sent != expected:
        extra = ", ".join(sorted(map(_shown, (sent - expected).elements())))
        missing = ", ".join(sorted(map(_shown, (expected - sent).elements())))
        raise AssertionError(
            f"queries differ: only in this request [{extra}], only recorded [{missing}]"
        )


def json_query_parameters(api: Api) -> frozenset[str]:
    """The query parameters of `api` that carry a JSON document in a string
    (`contentMediaType: application/json`), over all its operations."""
    return frozenset(
        parameter.wire_name
        for operation in api.operations
        for parameter in operation.parameters
        if parameter.location == "query"
        and str(parameter.schema.get("contentMediaType", ""))
        .split(";")[0]
        .strip()
        .lower()
        == "application/json"
    )


def flag_query_parameters(api: Api) -> frozenset[str]:
    """The query parameters of `api` whose only value is blank (`PUT /jobs/{id}?cancel`),
    over all its operations (sent on every call, or an argument that can be nothing else):
    vcrpy's `query` drops them, so it cannot tell them apart."""
    constants = {
        name
        for operation in api.operations
        for location, name, value in operation.constants
        if location == "query" and value == ""
    }
    arguments = {
        parameter.wire_name
        for operation in api.operations
        for parameter in operation.parameters
        if parameter.location == "query" and parameter.schema.get("enum") == [""]
    }
    return frozenset(constants | arguments)


def query_matcher(api: Api) -> str:
    """The matcher `vcr_config` compares `api`'s queries with: vcrpy's own `query`, or
    `decoded_query[<api>]` when its query parameters carry JSON documents or a parameter
    that is only ever blank."""
    if json_query_parameters(api) or flag_query_parameters(api):
        return f"decoded_query[{api.key}]"
    return "query"


@cache
def _json_parameters_of(key: str) -> frozenset[str]:
    return json_query_parameters(api_of(key))


def _decoded_query_of(key: str) -> Callable[[Any, Any], None]:
    # The spec is read on first use only: registering costs nothing for other APIs.
    def matcher(new: Any, recorded: Any) -> None:
        decoded_query(new, recorded, json_parameters=_json_parameters_of(key))

    matcher.__name__ = "decoded_query"  # the name vcrpy reports when it does not match
    return matcher


def register_query_matchers(vcr: Any) -> None:
    """Register `decoded_query[<api>]` for every API in `specs/` (conftest.py does, on
    each cassette's VCR); each reads its spec on first use only."""
    for path in sorted(SPECS.glob("*/openapi.yaml")):
        key = path.parent.name
        vcr.register_matcher(f"decoded_query[{key}]", _decoded_query_of(key))


def canonical_xml(data: bytes) -> str | None:
    """`data` as canonical XML (C14N 2.0, `strip_text=True`: whitespace-only text between
    elements dropped, text stripped; the XML declaration, attribute order and quoting do not
    count), or None when it is not XML."""
    if not data.lstrip().startswith(b"<"):
        return None
    try:
        return ElementTree.canonicalize(xml_data=data, strip_text=True)
    except ElementTree.ParseError:
        return None


def xml_body(new: Any, recorded: Any) -> None:
    """Bodies equal as canonical XML when both are XML (see `canonical_xml`), else byte
    for byte (an empty body equals only an empty one)."""
    new_body, recorded_body = _body_bytes(new.body), _body_bytes(recorded.body)
    new_xml, recorded_xml = canonical_xml(new_body), canonical_xml(recorded_body)
    if new_xml is not None and recorded_xml is not None:
        if new_xml != recorded_xml:
            raise AssertionError(
                f"XML bodies differ: this request {new_xml!r}, recorded {recorded_xml!r}"
            )
    elif new_body != recorded_body:
        raise AssertionError(
            f"bodies differ: this request {new_body!r}, recorded {recorded_body!r}"
        )


def xml_bodies(api: Api) -> bool:
    """Whether `api` sends XML bodies (its models come from an XSD)."""
    return any(operation.body_format == "xml" for operation in api.operations)


def body_matcher(api: Api) -> str:
    """The matcher `vcr_config` compares `api`'s request bodies with: `json_body`, or
    `xml_body` for an API whose bodies are XML."""
    return "xml_body" if xml_bodies(api) else "json_body"


def secret_headers(api: Api) -> list[str]:
    """Every header the API's requests carry a secret in, as its security schemes say."""
    names = {
        header
        for scheme in api.auth
        for header in scheme.secret_headers
        + (scheme.signer.secret_headers if scheme.signer else ())
    }
    return sorted(names, key=str.lower)


def api_of(key: str) -> Api:
    return build_api(key, SPECS)


def vcr_config(api: Api) -> dict[str, Any]:
    """The vcrpy configuration for `api`'s cassettes: matchers, redaction, playback only."""
    config: dict[str, Any] = {
        "match_on": [
            "method",
            "scheme",
            "host",
            "port",
            "path",
            query_matcher(api),
            body_matcher(api),
            "recorded_headers",
        ],
        "filter_headers": [(name, REDACTED) for name in secret_headers(api)],
        # API keys sent in the query, as the security schemes say.
        "filter_query_parameters": [
            (name, REDACTED) for scheme in api.auth for name in scheme.secret_query
        ],
        "before_record_response": scrub_response,
        "decode_compressed_response": True,
        "allow_playback_repeats": False,
    }
    if not RECORDING:
        # Set here, this wins over --record-mode: only `make record` may reach the network.
        config["record_mode"] = "none"
    return config


def recorded_response(response: Mapping[str, Any]) -> RecordedResponse:
    return RecordedResponse(
        status=int(response["status"]["code"]),
        reason=str(response["status"].get("message") or ""),
        headers=dict(response.get("headers") or {}),
        body=_body_bytes((response.get("body") or {}).get("string")),
    )


def load_cassette(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return document


@dataclass(frozen=True)
class RecordedResponse:
    status: int
    reason: str
    headers: Mapping[str, Sequence[str]]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        for key, values in self.headers.items():
            if key.lower() == name.lower() and values:
                return values[0]
        return None
