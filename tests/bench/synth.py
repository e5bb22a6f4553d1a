"""A realistic synthetic OpenAPI 3.1 spec of any size, the same file for every tool.

`spec(operations)` scales one resource pattern, modelled on the real specs
(`specs/huawei-metastudio`, `specs/alibaba-ice`): each pair of operations is a submit
(`POST /v1/{project_id}/voices<k>/jobs`) and its query (`GET .../jobs/{job_id}`), with
their own schemas, so the number of models grows with the number of operations. The
fields have ranges, enums, nested objects (named and inline), arrays of scalars and of
objects, booleans, date-times, byte limits, and JSON inside strings
(`contentMediaType: application/json` with a `contentSchema`). The `x-sdkgen-*`
extensions the real specs use are there too (errors, the job lifecycle, a client
parameter, a signer and its credentials, a byte limit, a wire shape); the peers ignore
`x-` keys, as OpenAPI lets them.

`python -m tests.bench.synth 100 > spec.yaml` prints one.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

KEY = "bench-voice"  # the API folder: package tts_bench_voice


def _submit_schemas(k: int) -> dict[str, Any]:
    return {
        f"Voice{k}Output": {
            "type": "object",
            "description": "Where the audio is written.",
            "required": ["bucket", "object"],
            "properties": {
                "bucket": {"type": "string", "minLength": 1, "maxLength": 63},
                "object": {"type": "string", "minLength": 1},
                "region": {
                    "type": "string",
                    "enum": ["cn-north-4", "cn-east-3", "ap-southeast-3"],
                    "default": "cn-north-4",
                },
            },
        },
        f"Voice{k}EditingConfig": {
            "type": "object",
            "description": "How the audio is produced (sent as JSON inside a string).",
            "properties": {
                "voice": {"type": "string", "description": "The voice."},
                "format": {"type": "string", "enum": ["PCM", "WAV", "MP3"]},
                "volume": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 100,
                    "default": 50,
                },
                "speech_rate": {"type": "integer", "minimum": -500, "maximum": 500},
                "pitch_rate": {"type": "integer", "minimum": -500, "maximum": 500},
            },
        },
        f"Voice{k}Segment": {
            "type": "object",
            "description": "One sentence of the audio, in seconds.",
            "required": ["text", "start", "end"],
            "properties": {
                "text": {"type": "string"},
                "start": {"type": "number", "minimum": 0},
                "end": {"type": "number", "minimum": 0},
            },
            "x-sdkgen-wire-shapes": [{"text": "content", "start": "from", "end": "to"}],
        },
        f"CreateVoice{k}JobRequest": {
            "type": "object",
            "description": f"Parameters of a job of voice pipeline {k}.",
            "required": ["text", "voice_asset_id", "output"],
            "properties": {
                "text": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 10000,
                    "description": "Text to be synthesized.",
                },
                "voice_asset_id": {
                    "type": "string",
                    "pattern": "^[0-9a-f]{32}$",
                    "description": "Timbre (voice) ID.",
                },
                "title": {
                    "type": "string",
                    "x-sdkgen-max-bytes": 128,
                    "description": "At most 128 bytes of UTF-8.",
                },
                "speed": {
                    "type": "integer",
                    "minimum": 50,
                    "maximum": 200,
                    "default": 100,
                },
                "pitch": {
                    "type": "integer",
                    "minimum": 50,
                    "maximum": 200,
                    "default": 100,
                },
                "volume": {"type": "number", "minimum": 0, "maximum": 240},
                "audio_format": {
                    "type": "string",
                    "enum": ["WAV", "MP3", "PCM"],
                    "default": "WAV",
                },
                "need_timestamp": {"type": "boolean", "default": False},
                "gen_srt": {"type": "boolean"},
                "priority": {"type": "integer", "minimum": 0, "maximum": 10},
                "tags": {
                    "type": "array",
                    "maxItems": 10,
                    "items": {"type": "string", "maxLength": 32},
                },
                "output": {"$ref": f"#/components/schemas/Voice{k}Output"},
                "segments": {
                    "type": "array",
                    "items": {"$ref": f"#/components/schemas/Voice{k}Segment"},
                },
                "editing_config": {
                    "type": "string",
                    "contentMediaType": "application/json",
                    "contentSchema": {
                        "$ref": f"#/components/schemas/Voice{k}EditingConfig"
                    },
                    "description": "The editing configuration, as JSON text.",
                },
                "callback_config": {
                    "type": "object",
                    "description": "Callback settings.",
                    "required": ["callback_url"],
                    "properties": {
                        "callback_url": {"type": "string", "minLength": 1},
                        "events": {
                            "type": "array",
                            "items": {
                                "type": "string",
                                "enum": ["FINISHED", "ERROR", "WAITING"],
                            },
                        },
                    },
                },
            },
        },
        f"CreateVoice{k}JobResponse": {
            "type": "object",
            "required": ["job_id"],
            "properties": {
                "job_id": {"type": "string", "description": "Job ID."},
                "state": {"$ref": f"#/components/schemas/Voice{k}State"},
            },
        },
        f"Voice{k}State": {
            "type": "string",
            "enum": ["WAITING", "PROCESSING", "SUCCEED", "FAILED"],
            "description": "Job state.",
        },
        f"ShowVoice{k}JobResponse": {
            "type": "object",
            "description": "State and result of a job.",
            "properties": {
                "state": {"$ref": f"#/components/schemas/Voice{k}State"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "audio_file_url": {"type": "string"},
                "duration": {"type": "number"},
                "created_at": {"type": "string", "format": "date-time"},
                "output": {"$ref": f"#/components/schemas/Voice{k}Output"},
                "result": {
                    "type": "string",
                    "contentMediaType": "application/json",
                    "contentSchema": {
                        "type": "array",
                        "items": {"$ref": f"#/components/schemas/Voice{k}Segment"},
                    },
                    "description": "The sentences, with their times (JSON text).",
                },
                "files": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "url": {"type": "string"},
                            "size": {"type": "integer", "minimum": 0},
                            "kind": {"type": "string", "enum": ["audio", "srt"]},
                        },
                    },
                },
            },
        },
    }


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/ErrorResponse"}
            }
        },
    }


def _operations(k: int) -> dict[str, Any]:
    base = f"/v1/{{project_id}}/voices{k}/jobs"
    return {
        base: {
            "post": {
                "operationId": f"CreateVoice{k}Job",
                "summary": f"Create a job of voice pipeline {k}.",
                "parameters": [
                    {"$ref": "#/components/parameters/ProjectId"},
                    {"$ref": "#/components/parameters/AppUserId"},
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "$ref": f"#/components/schemas/CreateVoice{k}JobRequest"
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "Succeeded.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "$ref": f"#/components/schemas/CreateVoice{k}JobResponse"
                                }
                            }
                        },
                    },
                    "400": _error("Parameter error."),
                    "500": _error("Server error."),
                },
            }
        },
        f"{base}/{{job_id}}": {
            "get": {
                "operationId": f"ShowVoice{k}Job",
                "summary": f"Query a job of voice pipeline {k}.",
                "parameters": [
                    {"$ref": "#/components/parameters/ProjectId"},
                    {
                        "name": "job_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "minLength": 1},
                    },
                    {
                        "name": "fields",
                        "in": "query",
                        "schema": {
                            "type": "string",
                            "enum": ["all", "state", "result"],
                            "default": "all",
                        },
                    },
                ],
                "responses": {
                    "200": {
                        "description": "The job.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "$ref": f"#/components/schemas/ShowVoice{k}JobResponse"
                                }
                            }
                        },
                    },
                    "400": _error("Parameter error."),
                    "500": _error("Server error."),
                },
            }
        },
    }


def spec(operations: int) -> dict[str, Any]:
    """A spec with `operations` operations (rounded up to an even number)."""
    pairs = max(1, (operations + 1) // 2)
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for k in range(pairs):
        paths.update(_operations(k))
        schemas.update(_submit_schemas(k))
    schemas["ErrorResponse"] = {
        "type": "object",
        "description": "Error body of a failed call.",
        "properties": {
            "error_code": {"type": "string"},
            "error_msg": {"type": "string"},
            "request_id": {"type": "string"},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"Synthetic voice API ({2 * pairs} operations)",
            "version": "1.0.0",
            "summary": "A synthetic spec for the generation benchmark.",
            "x-sdkgen-distribution": "tts-bench-voice",
        },
        "servers": [
            {
                "url": "https://voice.{region}.example.com",
                "variables": {
                    "region": {
                        "default": "cn-north-4",
                        "enum": ["cn-north-4", "cn-east-3", "ap-southeast-3"],
                    }
                },
            }
        ],
        "security": [{"akSk": []}, {"token": []}],
        "x-sdkgen-errors": {
            "code": "/error_code",
            "message": "/error_msg",
            "request-id": "/request_id",
            "request-id-header": "X-Request-Id",
        },
        "x-sdkgen-job": {
            "submit": "CreateVoice0Job",
            "query": "ShowVoice0Job",
            "job-id": "/job_id",
            "query-parameter": "job_id",
            "state": "/state",
            "running": ["WAITING", "PROCESSING"],
            "succeeded": ["SUCCEED"],
            "failed": ["FAILED"],
            "failure-code": "/code",
            "failure-message": "/message",
            "result": "/audio_file_url",
        },
        "paths": paths,
        "components": {
            "parameters": {
                "ProjectId": {
                    "name": "project_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "minLength": 1},
                    "x-sdkgen-client-parameter": {"env": "BENCH_PROJECT_ID"},
                },
                "AppUserId": {
                    "name": "X-App-UserId",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string"},
                },
            },
            "securitySchemes": {
                "akSk": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "x-sdkgen-signer": "sdk-hmac-sha256",
                    "x-sdkgen-credentials": {
                        "ak": {"env": "BENCH_AK"},
                        "sk": {"env": "BENCH_SK", "secret": True},
                    },
                    "x-sdkgen-signer-client-parameters": ["project_id"],
                },
                "token": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Auth-Token",
                    "x-sdkgen-credentials": {"token": {"secret": True}},
                },
            },
            "schemas": schemas,
        },
    }


def write(operations: int, folder: Path) -> Path:
    """Write the spec as `folder/specs/bench-voice/openapi.yaml`; return that path."""
    path = folder / "specs" / KEY / "openapi.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(spec(operations), sort_keys=False), "utf-8")
    return path


if __name__ == "__main__":
    sys.stdout.write(
        yaml.safe_dump(
            spec(int(sys.argv[1]) if len(sys.argv) > 1 else 10), sort_keys=False
        )
    )
