"""Each published document of tests/corpus/, generated unedited, answers real calls on a
loopback server (issue 26): a JSON body, a GET with array and number query parameters,
and an error in the vendor's own shape. The operations are real ones of each document,
named by the method the generator gives them; where a document has no operation of a
kind (its only such operations are skipped today), the table says so."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml

from generator import naming, pipeline
from tests.support.generate import importable
from tests.support.server import Received, Reply, serve

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MANIFEST = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
DOCUMENTS = {entry["folder"]: entry for entry in MANIFEST["documents"]}


def generate_corpus(folders: list[str], root: Path) -> Path:
    """Generate the corpus documents `folders`, unedited, as packages under `root/out`."""
    specs = root / "specs"
    for folder in folders:
        entry = DOCUMENTS[folder]
        (specs / folder).mkdir(parents=True)
        name = "openapi.json" if entry["format"] == "json" else "openapi.yaml"
        (specs / folder / name).symlink_to(CORPUS / folder / entry["file"])
        pipeline.generate(folder, specs, root / "out")
    return root / "out"


@dataclass(frozen=True)
class Call:
    """One call of a corpus package, and what the server must receive from it."""

    folder: str
    # The client's credential argument (each document names its scheme its own way),
    # and the header it must reach the server as.
    credential: str
    header: tuple[str, str]
    call: Callable[[Any], Any]
    reply: Reply
    method: str
    path: str
    # The query as (name, value) pairs in the order sent; the JSON body; both exact.
    query: list[tuple[str, str]] = field(default_factory=list)
    body: Any = None
    # What the call's result must read as.
    check: Callable[[Any], bool] = lambda result: True


def _field(name: str, value: Any) -> Callable[[Any], bool]:
    return lambda result: bool(getattr(result, name) == value)


@dataclass(frozen=True)
class Error:
    """What a vendor's error answer must read as."""

    kind: str
    code: str | None
    message: str
    request_id: str | None


BEARER = ("authorization", "Bearer k-secret")
# Speechmatics' scheme `bearerAuth` is an apiKey in the Authorization header (its
# description: "Use the format: Bearer $API_KEY_OR_JWT"): the value goes out as given.
SPEECHMATICS = ("authorization", "k-secret")

# The JSON-body calls.
BODIES = [
    # AssemblyAI: no JSON-body call. Its only JSON body, POST /v2/transcript's
    # TranscriptParams, is an allOf without properties of its own: skipped today.
    Call(
        "speechall-api",
        "bearer_auth",
        BEARER,
        lambda c: c.create_replacement_ruleset(
            name="brands",
            rules=[
                {"kind": "exact", "search": "speech all", "replacement": "Speechall"}
            ],
        ),
        Reply(201, {"id": "7d3b4f6a-0000-4000-8000-000000000001"}),
        "POST",
        "/v1/replacement-rulesets",
        body={
            "name": "brands",
            "rules": [
                {"kind": "exact", "search": "speech all", "replacement": "Speechall"}
            ],
        },
        check=lambda r: str(r.id) == "7d3b4f6a-0000-4000-8000-000000000001",
    ),
    # Speechmatics: no JSON-body call. POST /jobs, its only body, is multipart:
    # skipped today.
    Call(
        "microsoft-speech-batch-transcription",
        "api_key",
        ("ocp-apim-subscription-key", "k-secret"),
        lambda c: c.create_transcriptions(
            locale="en-US",
            display_name="call 7",
            content_urls=["https://example.com/a.wav"],
        ),
        Reply(
            201,
            {
                "self": "https://eastus.api.cognitive.microsoft.com/t/1",
                "locale": "en-US",
                "displayName": "call 7",
                "status": "NotStarted",
            },
        ),
        "POST",
        "/speechtotext/v3.2/transcriptions",
        body={
            "locale": "en-US",
            "displayName": "call 7",
            "contentUrls": ["https://example.com/a.wav"],
        },
        check=_field("status", "NotStarted"),
    ),
    Call(
        "gladia-api",
        "x_gladia_key",
        ("x-gladia-key", "k-secret"),
        lambda c: c.transcription_controller_init_pre_recorded_job(
            audio_url="https://example.com/a.wav", diarization=True
        ),
        Reply(
            201,
            {
                "id": "45463597-20b7-4af7-b3b3-f5fb778203ab",
                "result_url": "https://api.gladia.io/v2/transcription/45463597",
            },
        ),
        "POST",
        "/v2/transcription",
        body={"audio_url": "https://example.com/a.wav", "diarization": True},
        check=_field("id", "45463597-20b7-4af7-b3b3-f5fb778203ab"),
    ),
    Call(
        "deepgram-api",
        "api_key_auth",
        ("authorization", "k-secret"),
        lambda c: c.create_invite("p-1", email="a@example.com", scope="member"),
        Reply(200, {"message": "invited"}),
        "POST",
        "/v1/projects/p-1/invites",
        body={"email": "a@example.com", "scope": "member"},
        check=_field("message", "invited"),
    ),
    Call(
        "openai-api",
        "api_key_auth",
        BEARER,
        lambda c: c.create_moderation(input=["hello", "world"]),
        Reply(
            200,
            {"id": "modr-1", "model": "omni-moderation-latest", "results": []},
        ),
        "POST",
        "/v1/moderations",
        body={"input": ["hello", "world"]},
        check=_field("model", "omni-moderation-latest"),
    ),
    Call(
        "elevenlabs-api",
        "xi_api_key",
        ("xi-api-key", "k-secret"),
        lambda c: c.add_chapter("pr-1", name="Chapter 1"),
        Reply(200, {"chapter": {"chapter_id": "ch-1", "name": "Chapter 1"}}),
        "POST",
        "/v1/studio/projects/pr-1/chapters",
        body={"name": "Chapter 1"},
        check=lambda r: r.chapter.chapter_id == "ch-1",
    ),
    Call(
        "vapi-api",
        "bearer",
        BEARER,
        lambda c: c.knowledge_base_v2_controller_create(name="faq"),
        Reply(201, {"id": "kb-1", "orgId": "o-1", "name": "faq"}),
        "POST",
        "/v2/knowledge-base",
        body={"name": "faq"},
        check=_field("id", "kb-1"),
    ),
]

# The GET calls with array and number query parameters: an array goes out as repeated
# names, a number as the caller wrote it (`10`, not `10.0`, even where the spec says
# `number`).
QUERIES = [
    # AssemblyAI has no operation with both; its array one and its number one.
    Call(
        "assemblyai-api",
        "api_key",
        ("authorization", "k-secret"),
        lambda c: c.word_search("t-1", words=["foo", "bar baz"]),
        Reply(200, {"id": "t-1", "total_count": 0, "matches": []}),
        "GET",
        "/v2/transcript/t-1/word-search",
        # The document says `style: form, explode: false`: one comma-joined value.
        query=[("words", "foo,bar baz")],
        check=_field("total_count", 0),
    ),
    Call(
        "assemblyai-api",
        "api_key",
        ("authorization", "k-secret"),
        lambda c: c.list_transcripts(limit=10, status="completed"),
        Reply(
            200,
            {
                "page_details": {
                    "limit": 10,
                    "result_count": 0,
                    "current_url": "u",
                    "prev_url": None,
                    "next_url": None,
                },
                "transcripts": [],
            },
        ),
        "GET",
        "/v2/transcript",
        query=[("limit", "10"), ("status", "completed")],
        check=lambda r: r.page_details.limit == 10,
    ),
    # Speechall: no query call. Its only GET (/speech-to-text-models) answers with a
    # list, and its query parameters are on POST /transcribe (an audio body): both are
    # skipped today.
    # Speechmatics: no array query parameter anywhere; its number one.
    Call(
        "speechmatics-batch",
        "bearer_auth",
        SPEECHMATICS,
        lambda c: c.list_jobs(limit=25, include_deleted=True),
        Reply(200, {"jobs": []}),
        "GET",
        "/v2/jobs",
        query=[("limit", "25"), ("include_deleted", "true")],
        check=_field("jobs", []),
    ),
    # Microsoft batch transcription: no array query parameter; its numbers.
    Call(
        "microsoft-speech-batch-transcription",
        "api_key",
        ("ocp-apim-subscription-key", "k-secret"),
        lambda c: c.transcriptions_list(skip=20, top=10),
        Reply(200, {"values": [], "@nextLink": None}),
        "GET",
        "/speechtotext/v3.2/transcriptions",
        query=[("skip", "20"), ("top", "10")],
        check=_field("values", []),
    ),
    Call(
        "gladia-api",
        "x_gladia_key",
        ("x-gladia-key", "k-secret"),
        lambda c: c.transcription_controller_list(
            offset=0, limit=20, status=["done", "error"]
        ),
        Reply(
            200,
            {
                "first": "https://api.gladia.io/v2/transcription?offset=0&limit=20",
                "current": "https://api.gladia.io/v2/transcription?offset=0&limit=20",
                "next": None,
                "items": [],
            },
        ),
        "GET",
        "/v2/transcription",
        query=[
            ("offset", "0"),
            ("limit", "20"),
            ("status", "done"),
            ("status", "error"),
        ],
        check=_field("items", []),
    ),
    # Deepgram: no GET has both; its array one (grouping) and its `number` one (limit,
    # page: `type: number`, so 10 must not go out as 10.0).
    Call(
        "deepgram-api",
        "api_key_auth",
        ("authorization", "k-secret"),
        lambda c: c.get_projects_billing_breakdown(
            "p-1", grouping=["accessor", "tags"]
        ),
        Reply(200, {"start": "2026-01-01", "end": "2026-02-01", "resolution": {}}),
        "GET",
        "/v1/projects/p-1/billing/breakdown",
        query=[("grouping", "accessor"), ("grouping", "tags")],
        check=_field("start", date(2026, 1, 1)),
    ),
    Call(
        "deepgram-api",
        "api_key_auth",
        ("authorization", "k-secret"),
        lambda c: c.get_project("p-1", limit=10, page=2.5),
        Reply(200, {"project_id": "p-1", "name": "main"}),
        "GET",
        "/v1/projects/p-1",
        query=[("limit", "10"), ("page", "2.5")],
        check=_field("name", "main"),
    ),
    Call(
        "openai-api",
        "admin_api_key_auth",
        BEARER,
        lambda c: c.list_audit_logs(project_ids=["proj_1", "proj_2"], limit=5),
        Reply(
            200,
            {
                "object": "list",
                "data": [],
                "first_id": "a",
                "last_id": "b",
                "has_more": False,
            },
        ),
        "GET",
        "/v1/organization/audit_logs",
        query=[
            ("project_ids[]", "proj_1"),
            ("project_ids[]", "proj_2"),
            ("limit", "5"),
        ],
        check=_field("has_more", False),
    ),
    Call(
        "elevenlabs-api",
        "xi_api_key",
        ("xi-api-key", "k-secret"),
        lambda c: c.get_voices_v1_shared_voices_get(
            page_size=30, use_cases=["audiobook", "news"], page=1
        ),
        Reply(200, {"voices": [], "has_more": False}),
        "GET",
        "/v1/shared-voices",
        query=[
            ("page_size", "30"),
            ("use_cases", "audiobook"),
            ("use_cases", "news"),
            ("page", "1"),
        ],
        check=_field("has_more", False),
    ),
    Call(
        "vapi-api",
        "bearer",
        BEARER,
        lambda c: c.session_controller_find_all_paginated(
            phone_number_id_any=["pn-1", "pn-2"], page=1, limit=50
        ),
        Reply(
            200,
            {
                "results": [],
                "metadata": {"itemsPerPage": 50, "totalItems": 0, "currentPage": 1},
            },
        ),
        "GET",
        "/session",
        query=[
            ("phoneNumberIdAny", "pn-1"),
            ("phoneNumberIdAny", "pn-2"),
            ("page", "1"),
            ("limit", "50"),
        ],
        check=_field("results", []),
    ),
]

# The errors, each in the shape its vendor documents (none of these documents has
# `x-sdkgen-errors`: the common shapes are read).
ERRORS: list[tuple[Call, Error]] = [
    (
        Call(
            "assemblyai-api",
            "api_key",
            ("authorization", "k-secret"),
            lambda c: c.delete_transcript("t-9"),
            Reply(
                400,
                {"error": "Transcript is still processing"},
                {"x-request-id": "r-1"},
            ),
            "DELETE",
            "/v2/transcript/t-9",
        ),
        Error("BadRequestError", None, "Transcript is still processing", "r-1"),
    ),
    (
        Call(
            "speechall-api",
            "bearer_auth",
            BEARER,
            lambda c: c.create_replacement_ruleset(
                name="x", rules=[{"kind": "exact", "search": "a", "replacement": "b"}]
            ),
            # Speechall's ErrorResponse example.
            Reply(
                401,
                {"message": "Invalid API key.", "code": "invalid_api_key"},
                {"x-request-id": "r-2"},
            ),
            "POST",
            "/v1/replacement-rulesets",
            body={
                "name": "x",
                "rules": [{"kind": "exact", "search": "a", "replacement": "b"}],
            },
        ),
        Error("AuthenticationError", "invalid_api_key", "Invalid API key.", "r-2"),
    ),
    (
        Call(
            "speechmatics-batch",
            "bearer_auth",
            SPEECHMATICS,
            lambda c: c.delete_job("j-1", force=True),
            Reply(423, {"code": 423, "error": "Job is running"}),
            "DELETE",
            "/v2/jobs/j-1",
            query=[("force", "true")],
        ),
        Error("APIStatusError", "423", "Job is running", None),
    ),
    (
        Call(
            "microsoft-speech-batch-transcription",
            "api_key",
            ("ocp-apim-subscription-key", "k-secret"),
            lambda c: c.get_transcriptions("t-1"),
            # The document's `Error` definition.
            Reply(
                404,
                {
                    "code": "NotFound",
                    "message": "The transcription does not exist.",
                    "innerError": {"code": "NotFound", "message": "no t-1"},
                },
                {"apim-request-id": "r-4"},
            ),
            "GET",
            "/speechtotext/v3.2/transcriptions/t-1",
        ),
        Error("NotFoundError", "NotFound", "The transcription does not exist.", "r-4"),
    ),
    (
        Call(
            "gladia-api",
            "x_gladia_key",
            ("x-gladia-key", "k-secret"),
            lambda c: c.pre_recorded_controller_get_pre_recorded_job("j-1"),
            # Gladia's NotFoundErrorResponse.
            Reply(
                404,
                {
                    "timestamp": "2026-01-01T00:00:00.000Z",
                    "path": "/v2/pre-recorded/j-1",
                    "request_id": "G-1",
                    "statusCode": 404,
                    "message": "Job not found",
                },
            ),
            "GET",
            "/v2/pre-recorded/j-1",
        ),
        Error("NotFoundError", None, "Job not found", "G-1"),
    ),
    (
        Call(
            "deepgram-api",
            "api_key_auth",
            ("authorization", "k-secret"),
            lambda c: c.get_key("p-1", "k-1"),
            # Deepgram's legacy error shape.
            Reply(
                403,
                {
                    "err_code": "FORBIDDEN",
                    "err_msg": "Insufficient permissions.",
                    "request_id": "dg-1",
                },
            ),
            "GET",
            "/v1/projects/p-1/keys/k-1",
        ),
        Error(
            "PermissionDeniedError", "FORBIDDEN", "Insufficient permissions.", "dg-1"
        ),
    ),
    (
        Call(
            "openai-api",
            "api_key_auth",
            BEARER,
            lambda c: c.retrieve_model("gpt-x"),
            Reply(
                404,
                {
                    "error": {
                        "message": "The model `gpt-x` does not exist",
                        "type": "invalid_request_error",
                        "param": None,
                        "code": "model_not_found",
                    }
                },
                {"x-request-id": "req_1"},
            ),
            "GET",
            "/v1/models/gpt-x",
        ),
        Error(
            "NotFoundError",
            "model_not_found",
            "The model `gpt-x` does not exist",
            "req_1",
        ),
    ),
    (
        Call(
            "elevenlabs-api",
            "xi_api_key",
            ("xi-api-key", "k-secret"),
            lambda c: c.add_chapter("pr-1", name="Chapter 1"),
            # FastAPI's validation error, as ElevenLabs' HTTPValidationError documents.
            Reply(
                422,
                {
                    "detail": [
                        {
                            "loc": ["body", "name"],
                            "msg": "too long",
                            "type": "value_error",
                        }
                    ]
                },
            ),
            "POST",
            "/v1/studio/projects/pr-1/chapters",
            body={"name": "Chapter 1"},
        ),
        Error("APIStatusError", None, "body.name: too long", None),
    ),
    (
        Call(
            "vapi-api",
            "bearer",
            BEARER,
            lambda c: c.knowledge_base_v2_controller_create(name="faq"),
            # NestJS's error body.
            Reply(
                400,
                {
                    "message": ["name must be shorter than 40 characters"],
                    "error": "Bad Request",
                    "statusCode": 400,
                },
            ),
            "POST",
            "/v2/knowledge-base",
            body={"name": "faq"},
        ),
        Error(
            "BadRequestError",
            "Bad Request",
            "name must be shorter than 40 characters",
            None,
        ),
    ),
]


@pytest.fixture(scope="module")
def packages(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, ModuleType]]:
    """Every corpus package, generated once for this module and imported."""
    folders = sorted(DOCUMENTS)
    out = generate_corpus(folders, tmp_path_factory.mktemp("corpus"))
    names = {folder: naming.package_name(folder) for folder in folders}
    with importable(out):
        yield {f: importlib.import_module(name) for f, name in names.items()}


def _drive(
    packages: dict[str, ModuleType], case: Call
) -> tuple[ModuleType, Any, BaseException | None, Received]:
    module = packages[case.folder]
    with serve(case.reply) as server:
        client = module.Client(
            **{case.credential: case.header[1].removeprefix("Bearer ")},
            base_url=server.url + _base_path(case),
            max_retries=0,
        )
        result: Any = None
        raised: BaseException | None = None
        try:
            result = case.call(client)
        except module.errors.APIError as error:
            raised = error
    (received,) = server.received
    return module, result, raised, received


# The path each document's server puts before its operations' paths (kept, so that a
# document's own prefix shows in the path the server sees).
_PREFIXES = {
    "speechall-api": "/v1",
    "microsoft-speech-batch-transcription": "/speechtotext/v3.2",
    "speechmatics-batch": "/v2",
    "openai-api": "/v1",
}


def _base_path(case: Call) -> str:
    return _PREFIXES.get(case.folder, "")


def _assert_sent(case: Call, received: Received) -> None:
    target = urlsplit(received.path)
    assert (received.method, target.path) == (case.method, case.path)
    assert parse_qsl(target.query, keep_blank_values=True) == case.query
    assert received.headers.get(case.header[0]) == case.header[1]
    if case.body is None:
        assert received.body == b""
    else:
        assert received.headers["content-type"] == "application/json"
        assert json.loads(received.body) == case.body


def _id(case: Call) -> str:
    return f"{case.folder}-{case.method}-{case.path}"


@pytest.mark.parametrize("case", BODIES + QUERIES, ids=_id)
def test_a_corpus_call_is_sent_and_its_answer_read(
    packages: dict[str, ModuleType], case: Call
) -> None:
    _, result, raised, received = _drive(packages, case)
    assert raised is None, raised
    _assert_sent(case, received)
    assert case.check(result), result


@pytest.mark.parametrize(
    ("case", "error"), ERRORS, ids=lambda c: _id(c) if isinstance(c, Call) else ""
)
def test_a_corpus_error_is_typed_with_the_vendors_code_and_message(
    packages: dict[str, ModuleType], case: Call, error: Error
) -> None:
    module, _, raised, received = _drive(packages, case)
    _assert_sent(case, received)
    assert type(raised) is getattr(module.errors, error.kind)
    assert isinstance(raised, module.errors.APIStatusError)
    assert raised.status_code == case.reply.status
    assert (raised.code, raised.message, raised.request_id) == (
        error.code,
        error.message,
        error.request_id,
    )
    assert raised.body == case.reply.payload()
    assert "k-secret" not in repr(raised) + str(raised)


def test_every_corpus_document_is_driven() -> None:
    driven = {case.folder for case in BODIES + QUERIES} | {c.folder for c, _ in ERRORS}
    assert driven == set(DOCUMENTS)
    assert {c.folder for c, _ in ERRORS} == set(DOCUMENTS)
