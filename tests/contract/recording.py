"""Recording and playback of contract cassettes, for any API: matchers and scrubbing.

Cassettes live in `tests/contract/<api>/` and are named after the test without its `test_`
prefix (`test_create_200` plays `create_200.yaml`). A request matches a recorded one when
method, URL, a JSON-equal body and every recorded header agree (see `json_body` and
`recorded_headers`); anything else makes vcrpy raise `CannotOverwriteExistingCassetteException`.

What is secret comes from the API's spec, not from a list kept here: every header that its
security schemes (and their signers) carry a secret in is written as REDACTED before a
cassette is written, and so are signed-URL credentials in response bodies.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.ir import Api
from generator.ir_build import build
from generator.load import load_openapi

RECORDING = bool(os.environ.get("TTS_SDKGEN_RECORD"))
"""True under `make record`: requests go to the real service and cassettes are rewritten."""

CONTRACT = Path(__file__).parent
SPECS = CONTRACT.parent.parent / "specs"
REDACTED = "REDACTED"

# Query parameters that carry credentials in signed (OBS / S3-style) URLs.
SIGNED_URL_PARAMETERS = (
    "AccessKeyId",
    "Signature",
    "x-obs-security-token",
    "SecurityToken",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
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
    }
)
# Covered by the host and port matchers.
SKIPPED_HEADERS = frozenset({"host"})


# --- scrubbing ------------------------------------------------------------------------------


def scrub_text(text: str) -> str:
    """`text` with the values of signed-URL credential parameters replaced by REDACTED."""
    return _SIGNED_VALUE_TEXT.sub(r"\g<1>" + REDACTED, text)


def scrub_bytes(data: bytes) -> bytes:
    """`scrub_text` for a body kept as bytes (the httpx stub records bytes)."""
    return _SIGNED_VALUE_BYTES.sub(rb"\g<1>" + REDACTED.encode(), data)


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

    Volatile headers and REDACTED values only need to be present; Host is left to the host
    and port matchers.
    """
    sent = {name.lower(): value for name, value in new.headers.items()}
    problems: list[str] = []
    for name, value in recorded.headers.items():
        key = name.lower()
        if key in SKIPPED_HEADERS:
            continue
        if key not in sent:
            problems.append(f"{name} is not sent (recorded {value!r})")
        elif key not in VOLATILE_HEADERS and value != REDACTED and sent[key] != value:
            problems.append(f"{name} is {sent[key]!r}, recorded {value!r}")
    if problems:
        raise AssertionError(
            "headers differ from the recording: " + "; ".join(problems)
        )


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
    path = SPECS / key / "openapi.yaml"
    return build(load_openapi(path, str(path)), key, str(path), "")


def vcr_config(api: Api) -> dict[str, Any]:
    """The vcrpy configuration for `api`'s cassettes: matchers, redaction, playback only."""
    config: dict[str, Any] = {
        "match_on": [
            "method",
            "scheme",
            "host",
            "port",
            "path",
            "query",
            "json_body",
            "recorded_headers",
        ],
        "filter_headers": [(name, REDACTED) for name in secret_headers(api)],
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
