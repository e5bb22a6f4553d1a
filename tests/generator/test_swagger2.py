"""Swagger 2.0 documents are read as the OpenAPI 3.1 document that says the same thing."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from generator.errors import Diagnostic, collect
from generator.load import load_openapi

Doc = dict[str, Any]

SWAGGER: Doc = {
    "swagger": "2.0",
    "info": {"title": "Batch", "version": "2.0.0"},
    "host": "api.example.com",
    "basePath": "/v2",
    "schemes": ["https", "http"],
    "consumes": ["application/json"],
    "produces": ["application/json", "application/vnd.example+json"],
    "securityDefinitions": {
        "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
        "basic": {"type": "basic", "description": "user and password"},
        "app": {
            "type": "oauth2",
            "flow": "application",
            "tokenUrl": "https://auth.example.com/token",
            "scopes": {"jobs": "run jobs"},
        },
        "code": {
            "type": "oauth2",
            "flow": "accessCode",
            "authorizationUrl": "https://auth.example.com/authorize",
            "tokenUrl": "https://auth.example.com/token",
            "scopes": {},
        },
    },
    "security": [{"key": []}],
    "parameters": {
        "top": {"name": "top", "in": "query", "type": "integer", "format": "int32"},
        "job": {
            "name": "job",
            "in": "body",
            "required": True,
            "schema": {"$ref": "#/definitions/Job"},
        },
    },
    "responses": {
        "Error": {"description": "failed", "schema": {"$ref": "#/definitions/Error"}},
    },
    "definitions": {
        "Job": {
            "type": "object",
            "required": ["id"],
            "discriminator": "kind",
            "properties": {
                "id": {"type": "string", "readOnly": True},
                "kind": {"type": "string"},
                "note": {"type": "string", "x-nullable": True},
                "tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}},
            },
        },
        "Tag": {"type": "string", "enum": ["a", "no"]},
        "Error": {"type": "object", "properties": {"code": {"type": "integer"}}},
    },
    "paths": {
        "/jobs": {
            "parameters": [{"$ref": "#/parameters/top"}],
            "get": {
                "operationId": "listJobs",
                "parameters": [
                    {
                        "name": "ids",
                        "in": "query",
                        "type": "array",
                        "items": {"type": "string"},
                    },
                    {
                        "name": "tags",
                        "in": "query",
                        "type": "array",
                        "items": {"type": "string"},
                        "collectionFormat": "multi",
                    },
                    {
                        "name": "ranks",
                        "in": "query",
                        "type": "array",
                        "items": {"type": "integer"},
                        "collectionFormat": "pipes",
                    },
                    {
                        "name": "X-Ids",
                        "in": "header",
                        "type": "array",
                        "items": {"type": "string"},
                        "collectionFormat": "csv",
                    },
                ],
                "responses": {
                    "200": {
                        "description": "jobs",
                        "schema": {
                            "type": "array",
                            "items": {"$ref": "#/definitions/Job"},
                        },
                        "headers": {
                            "X-Total": {"type": "integer", "description": "all"}
                        },
                        "examples": {"application/json": [{"id": "1"}]},
                    },
                    "default": {"$ref": "#/responses/Error"},
                },
            },
            "post": {
                "operationId": "createJob",
                "parameters": [{"$ref": "#/parameters/job"}],
                "responses": {
                    "201": {
                        "description": "made",
                        "schema": {"$ref": "#/definitions/Job"},
                    }
                },
                "security": [{"app": ["jobs"]}],
            },
        },
        "/jobs/{id}/audio": {
            "put": {
                "operationId": "uploadAudio",
                "consumes": ["multipart/form-data"],
                "produces": ["text/plain"],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "type": "string"},
                    {
                        "name": "config",
                        "in": "formData",
                        "type": "string",
                        "required": True,
                    },
                    {
                        "name": "data_file",
                        "in": "formData",
                        "type": "file",
                        "description": "the audio",
                    },
                ],
                "responses": {
                    "204": {"description": "stored"},
                    "200": {"description": "text", "schema": {"type": "file"}},
                },
            },
        },
        "/jobs/{id}/rename": {
            "post": {
                "operationId": "renameJob",
                "consumes": ["application/x-www-form-urlencoded"],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "type": "string"},
                    {"name": "name", "in": "formData", "type": "string"},
                    {
                        "name": "aliases",
                        "in": "formData",
                        "type": "array",
                        "items": {"type": "string"},
                        "collectionFormat": "multi",
                    },
                ],
                "responses": {"204": {"description": "renamed"}},
            },
        },
    },
}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Doc, list[Diagnostic]]:
    path = tmp_path_factory.mktemp("swagger") / "openapi.json"
    path.write_text(json.dumps(SWAGGER), encoding="utf-8")
    with collect() as warnings:
        document = load_openapi(path, "spec")
    return document, warnings


def test_it_is_a_31_document_without_warnings(
    loaded: tuple[Doc, list[Diagnostic]],
) -> None:
    document, warnings = loaded
    assert document["openapi"] == "3.1.0"
    assert "swagger" not in document and "definitions" not in document
    assert warnings == []


def test_host_base_path_and_schemes_are_servers(
    loaded: tuple[Doc, list[Diagnostic]],
) -> None:
    assert loaded[0]["servers"] == [
        {"url": "https://api.example.com/v2"},
        {"url": "http://api.example.com/v2"},
    ]


def test_definitions_are_component_schemas(
    loaded: tuple[Doc, list[Diagnostic]],
) -> None:
    schemas = loaded[0]["components"]["schemas"]
    job = schemas["Job"]
    assert job["discriminator"] == {"propertyName": "kind"}
    assert job["properties"]["note"] == {"type": ["string", "null"]}  # x-nullable
    assert job["properties"]["tags"]["items"] == {"$ref": "#/components/schemas/Tag"}
    assert job["properties"]["id"] == {"type": "string", "readOnly": True}
    assert schemas["Tag"]["enum"] == ["a", "no"]


def test_security_definitions_are_security_schemes(
    loaded: tuple[Doc, list[Diagnostic]],
) -> None:
    assert loaded[0]["components"]["securitySchemes"] == {
        "key": {"type": "apiKey", "name": "X-Key", "in": "header"},
        "basic": {
            "type": "http",
            "scheme": "basic",
            "description": "user and password",
        },
        "app": {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "https://auth.example.com/token",
                    "scopes": {"jobs": "run jobs"},
                }
            },
        },
        "code": {
            "type": "oauth2",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "https://auth.example.com/authorize",
                    "tokenUrl": "https://auth.example.com/token",
                    "scopes": {},
                }
            },
        },
    }
    assert loaded[0]["security"] == [{"key": []}]


def test_parameters_take_schemas_and_styles(
    loaded: tuple[Doc, list[Diagnostic]],
) -> None:
    document = loaded[0]
    item = document["paths"]["/jobs"]
    assert item["parameters"] == [{"$ref": "#/components/parameters/top"}]
    assert document["components"]["parameters"] == {
        "top": {
            "name": "top",
            "in": "query",
            "schema": {"type": "integer", "format": "int32"},
        }
    }
    ids, tags, ranks, header = item["get"]["parameters"]
    # Swagger's default collectionFormat is csv: one comma-separated value.
    assert (ids["style"], ids["explode"]) == ("form", False)
    assert ids["schema"] == {"type": "array", "items": {"type": "string"}}
    assert (tags["style"], tags["explode"]) == ("form", True)
    assert (ranks["style"], ranks["explode"]) == ("pipeDelimited", False)
    assert (
        "style" not in header and header["explode"] is False
    )  # simple, comma-separated


def test_responses_have_content_by_produces(
    loaded: tuple[Doc, list[Diagnostic]],
) -> None:
    document = loaded[0]
    responses = document["paths"]["/jobs"]["get"]["responses"]
    ok = responses["200"]
    jobs = {"type": "array", "items": {"$ref": "#/components/schemas/Job"}}
    assert ok["content"] == {
        "application/json": {"schema": jobs, "example": [{"id": "1"}]},
        "application/vnd.example+json": {"schema": jobs},
    }
    assert ok["headers"] == {
        "X-Total": {"schema": {"type": "integer"}, "description": "all"}
    }
    assert responses["default"] == {"$ref": "#/components/responses/Error"}
    error = document["components"]["responses"]["Error"]
    assert error["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    audio = document["paths"]["/jobs/{id}/audio"]["put"]["responses"]
    assert audio["204"] == {"description": "stored"}
    assert audio["200"]["content"] == {
        "text/plain": {"schema": {"type": "string", "format": "binary"}}
    }


def test_a_body_parameter_is_the_request_body(
    loaded: tuple[Doc, list[Diagnostic]],
) -> None:
    post = loaded[0]["paths"]["/jobs"]["post"]
    assert "parameters" not in post
    assert post["requestBody"] == {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Job"}}
        },
    }
    assert post["security"] == [{"app": ["jobs"]}]


def test_form_parameters_are_a_multipart_body(
    loaded: tuple[Doc, list[Diagnostic]],
) -> None:
    put = loaded[0]["paths"]["/jobs/{id}/audio"]["put"]
    assert [p["name"] for p in put["parameters"]] == ["id"]
    assert put["requestBody"] == {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "config": {"type": "string"},
                        "data_file": {
                            "type": "string",
                            "format": "binary",
                            "description": "the audio",
                        },
                    },
                    "required": ["config"],
                }
            }
        },
    }


def test_form_parameters_are_an_urlencoded_body(
    loaded: tuple[Doc, list[Diagnostic]],
) -> None:
    post = loaded[0]["paths"]["/jobs/{id}/rename"]["post"]
    media = post["requestBody"]["content"]["application/x-www-form-urlencoded"]
    assert media["schema"]["properties"]["aliases"] == {
        "type": "array",
        "items": {"type": "string"},
    }
    assert media["encoding"] == {"aliases": {"style": "form", "explode": True}}
    assert "required" not in post["requestBody"]


def test_no_host_is_a_relative_server_with_a_warning(tmp_path: Path) -> None:
    document = copy.deepcopy(SWAGGER)
    del document["host"]
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with collect() as warnings:
        loaded = load_openapi(path, "spec")
    assert loaded["servers"] == [{"url": "/v2"}]
    assert [w.pointer for w in warnings] == ["/basePath"]


def test_a_parameterized_host_is_a_server_with_a_variable(tmp_path: Path) -> None:
    document: Doc = {
        **copy.deepcopy(SWAGGER),
        "basePath": "/speech/v3.0",
        "parameters": {
            **SWAGGER["parameters"],
            "Endpoint": {
                "name": "Endpoint",
                "in": "path",
                "required": True,
                "type": "string",
                "description": "scheme and host",
            },
        },
        "x-ms-parameterized-host": {
            "hostTemplate": "{Endpoint}/speech/v3.0",
            "useSchemePrefix": False,
            "parameters": [{"$ref": "#/parameters/Endpoint"}],
        },
        "securityDefinitions": {
            "API Key": {"type": "apiKey", "in": "header", "name": "K"}
        },
        "security": [{"API Key": []}],
    }
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                operation.pop("security", None)
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with collect() as warnings:
        loaded = load_openapi(path, "spec")
    assert loaded["servers"] == [
        {
            "url": "{Endpoint}/speech/v3.0",
            "variables": {
                "Endpoint": {
                    "default": "https://api.example.com",
                    "description": "scheme and host",
                }
            },
        }
    ]
    assert "x-ms-parameterized-host" not in loaded
    # 3.1 component names are letters, digits and . _ -: renamed, with what names them.
    assert list(loaded["components"]["securitySchemes"]) == ["API_Key"]
    assert loaded["security"] == [{"API_Key": []}]
    assert [w.pointer for w in warnings] == ["/components/securitySchemes/API Key"]


def test_other_flows_and_formats(tmp_path: Path) -> None:
    document = copy.deepcopy(SWAGGER)
    document["securityDefinitions"] = {
        "implicit": {
            "type": "oauth2",
            "flow": "implicit",
            "authorizationUrl": "https://auth.example.com/authorize",
            "scopes": {"read": "read"},
        },
        "password": {"type": "oauth2", "flow": "password", "tokenUrl": "https://t"},
    }
    document["security"] = [{"implicit": ["read"]}, {"password": []}]
    del document["paths"]["/jobs"]["post"]["security"]
    ids = document["paths"]["/jobs"]["get"]["parameters"][0]
    ids["collectionFormat"] = "tsv"
    document["paths"]["/jobs"]["get"]["parameters"].append(
        {
            "name": "words",
            "in": "query",
            "type": "array",
            "items": {"type": "string"},
            "collectionFormat": "ssv",
        }
    )
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with collect() as warnings:
        loaded = load_openapi(path, "spec")
    assert loaded["components"]["securitySchemes"] == {
        "implicit": {
            "type": "oauth2",
            "flows": {
                "implicit": {
                    "authorizationUrl": "https://auth.example.com/authorize",
                    "scopes": {"read": "read"},
                }
            },
        },
        "password": {
            "type": "oauth2",
            "flows": {"password": {"tokenUrl": "https://t", "scopes": {}}},
        },
    }
    parameters = loaded["paths"]["/jobs"]["get"]["parameters"]
    assert (parameters[0].get("style"), parameters[0]["explode"]) == (None, False)
    assert (parameters[-1]["style"], parameters[-1]["explode"]) == (
        "spaceDelimited",
        False,
    )
    assert [w.pointer for w in warnings] == [
        "/paths/~1jobs/get/parameters/0/collectionFormat"
    ]
