"""pytest-recording set-up for every API's contract tests.

A test module says which API it holds to its cassettes with a module constant `API` (the
folder under `specs/`): its cassettes are `tests/contract/<API>/`, and what is redacted
from them comes from that API's spec (see `recording.py`). A module may also define
`scrub_request(request)`, applied to each request before it is recorded.

`make record` sets `TTS_SDKGEN_RECORD=1` and passes `--record-mode=rewrite`: the clients then
talk to the real service (each module says with which credentials). Without it, nothing but
the cassettes is ever played.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from generator.ir import Api
from tests.contract.recording import (
    CONTRACT,
    RECORDING,
    RecordedResponse,
    api_of,
    json_body,
    load_cassette,
    recorded_headers,
    recorded_response,
    register_query_matchers,
    xml_body,
)
from tests.contract.recording import (
    vcr_config as config_of,
)


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    vcr.register_matcher("json_body", json_body)
    vcr.register_matcher("xml_body", xml_body)
    vcr.register_matcher("recorded_headers", recorded_headers)
    register_query_matchers(vcr)


@cache
def _api(key: str) -> Api:
    return api_of(key)


def _module_api(request: pytest.FixtureRequest) -> str:
    key = getattr(request.module, "API", None)
    if not isinstance(key, str):
        raise pytest.UsageError(f"{request.module.__name__} must name its API = '...'")
    return key


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    return str(CONTRACT / _module_api(request))


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    """The test's name without `test_`; `@pytest.mark.default_cassette("x")` still wins."""
    marker = request.node.get_closest_marker("default_cassette")
    if marker is not None:
        return str(marker.args[0])
    return str(request.node.name).removeprefix("test_")


@pytest.fixture
def vcr_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    config = config_of(_api(_module_api(request)))
    scrub = getattr(request.module, "scrub_request", None)
    if scrub is not None:
        config["before_record_request"] = scrub
    return config


@pytest.fixture
def recorded(
    vcr: Any, vcr_cassette_dir: str, default_cassette_name: str
) -> Callable[[], list[RecordedResponse]]:
    """The responses of the test's cassette, in order.

    Played back, they are read from the cassette file itself; while recording, from what was
    just recorded (already scrubbed). Call it after the requests.
    """

    def responses() -> list[RecordedResponse]:
        if RECORDING:
            return [recorded_response(response) for response in vcr.responses]
        path = Path(vcr_cassette_dir) / f"{default_cassette_name}.yaml"
        interactions = load_cassette(path)["interactions"]
        return [
            recorded_response(interaction["response"]) for interaction in interactions
        ]

    return responses
