"""The generality table's non-JSON column (`tests/bench/generality.py`, a script pytest does
not collect): which operations carry a body other than JSON, and which of them each tool
generated, as read from its warnings."""

from __future__ import annotations

from typing import Any

from tests.bench.generality import non_json_operations, ours_skipped, peer_operations


def _document(paths: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"openapi": "3.1.0", "paths": paths, **top}


def test_openapi_bodies_other_than_json_are_counted() -> None:
    json_only: dict[str, Any] = {"content": {"application/json": {"schema": {}}}}
    document = _document(
        {
            "/speech": {
                "post": {
                    "requestBody": json_only,
                    "responses": {"200": {"content": {"audio/mpeg": {}}}},
                },
                "get": {"responses": {"200": json_only}},
            },
            "/upload": {
                "post": {
                    "requestBody": {"content": {"multipart/form-data": {}}},
                    "responses": {"200": json_only},
                }
            },
            "/events": {
                "get": {"responses": {"200": {"content": {"text/event-stream": {}}}}}
            },
            "/problem": {
                "get": {
                    "responses": {
                        "200": {"content": {"application/problem+json": {}}},
                        "400": {"content": {"application/json; charset=utf-8": {}}},
                    }
                }
            },
        }
    )
    assert non_json_operations(document) == {
        "POST /speech",
        "POST /upload",
        "GET /events",
    }


def test_swagger_form_data_files_and_produces_are_counted() -> None:
    document = {
        "swagger": "2.0",
        "produces": ["application/json"],
        "paths": {
            "/jobs": {
                "post": {
                    "consumes": ["multipart/form-data"],
                    "parameters": [{"in": "formData", "name": "file", "type": "file"}],
                    "responses": {"200": {"schema": {"type": "object"}}},
                },
                "get": {"responses": {"200": {"schema": {"type": "object"}}}},
            },
            "/jobs/{id}/transcript": {
                "get": {
                    "produces": ["application/json", "text/plain"],
                    "responses": {"200": {"schema": {"type": "string"}}},
                }
            },
            "/jobs/{id}": {
                "delete": {
                    "produces": ["text/plain"],
                    "responses": {"204": {"description": "gone"}},
                }
            },
        },
    }
    assert non_json_operations(document) == {
        "POST /jobs",
        "GET /jobs/{id}/transcript",
    }


def test_skipped_operations_are_read_from_each_tools_warnings() -> None:
    ours = (
        "warning: specs/x/openapi.yaml: /paths/~1a/post/requestBody: a text/csv body "
        "cannot be sent: operation POST /a skipped\n"
        "x: 3 written; 1 operation, 1 skipped, 1 warning (0.1 s)\n"
    )
    assert ours_skipped(ours) == {"POST /a"}
    peer = [
        {"header": "WARNING parsing POST /a within t. Endpoint will not be generated."},
        {"header": "WARNING parsing GET /b within t."},
        {"header": "WARNING parsing GET /b within u."},
        {"header": "Unable to parse schema"},
    ]
    assert peer_operations([{"level": "warning", "detail": "", **e} for e in peer]) == (
        {"POST /a"},
        {"GET /b"},
    )
