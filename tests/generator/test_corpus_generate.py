"""Every published document of tests/corpus/ is generated unedited (no `--strict`), as a
user who drops it into `specs/` would: the operations generated and skipped and the
warnings each reaches are recorded here, so a change in what the generator can express
shows as a change of these numbers."""

from __future__ import annotations

import email
import email.policy
import importlib
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from generator import naming, pipeline
from generator.errors import SpecError
from tests.support.generate import importable

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MANIFEST = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
DOCUMENTS = {entry["folder"]: entry for entry in MANIFEST["documents"]}

# (operations generated, operations skipped, warnings). Nothing is skipped today; what
# would be: request bodies of media types the generator cannot send (text/csv). Audio,
# binary, text and event responses, multipart, form and binary uploads, responses and
# JSON request bodies that are lists, unions or maps (root models; a whole body is one
# `body` argument) are generated.
COUNTS: dict[str, tuple[int, int, int]] = {
    "openai-api": (288, 0, 138),
    "assemblyai-api": (10, 0, 1),
    "speechall-api": (6, 0, 0),
    "speechmatics-batch": (7, 0, 2),
    "microsoft-speech-batch-transcription": (8, 0, 1),
    "deepgram-api": (50, 0, 46),
    "elevenlabs-api": (208, 0, 1),
    "gladia-api": (18, 0, 56),
    "vapi-api": (137, 0, 9),
}

# Documents that do not generate yet, with the exact error they stop at (none today).
# When one generates, this test fails until its numbers are in COUNTS.
STOPS: dict[str, str] = {}

# The largest documents must stay quick to generate (1.2 s for OpenAI's 288 operations on
# the 2-core machine this was measured on; the bound leaves room for a busy one).
SECONDS = 30.0


def test_every_document_is_counted_or_known_to_stop() -> None:
    assert sorted({*COUNTS, *STOPS}) == sorted(DOCUMENTS)
    assert not set(COUNTS) & set(STOPS)


@pytest.mark.parametrize("folder", sorted(DOCUMENTS))
def test_a_published_document_generates_unedited(folder: str, tmp_path: Path) -> None:
    entry = DOCUMENTS[folder]
    specs = tmp_path / "specs"
    (specs / folder).mkdir(parents=True)
    name = "openapi.json" if entry["format"] == "json" else "openapi.yaml"
    (specs / folder / name).symlink_to(CORPUS / folder / entry["file"])
    start = time.perf_counter()
    try:
        report = pipeline.generate(folder, specs, tmp_path / "out")
    except SpecError as error:
        if folder in STOPS and str(error).endswith(STOPS[folder]):
            pytest.xfail(f"stops at {STOPS[folder]}")
        raise
    seconds = time.perf_counter() - start
    found = (report.operations, report.operations_skipped, len(report.warnings))
    assert folder in COUNTS, f"{folder} generates now: record {found} in COUNTS"
    assert found == COUNTS[folder], "\n".join(w.line() for w in report.warnings)
    # Every operation of the document is either generated or skipped, with its warning.
    assert report.operations + report.operations_skipped == entry["operations"]
    skipped = [w for w in report.warnings if w.message.endswith(" skipped")]
    assert len(skipped) == report.operations_skipped
    for warning in report.warnings:
        assert warning.pointer.startswith("/") and warning.pointer != "/"
    assert (
        tmp_path / "out" / f"tts_{folder.replace('-', '_')}" / "client.py"
    ).is_file()
    assert seconds < SECONDS


@pytest.fixture
def corpus_package(tmp_path: Path) -> Iterator[Callable[[str], Any]]:
    """Generate a corpus document and import its package."""

    def load(folder: str) -> Any:
        entry = DOCUMENTS[folder]
        specs = tmp_path / "specs"
        (specs / folder).mkdir(parents=True)
        name = "openapi.json" if entry["format"] == "json" else "openapi.yaml"
        (specs / folder / name).symlink_to(CORPUS / folder / entry["file"])
        pipeline.generate(folder, specs, tmp_path / "out")
        # `out` did not exist when it joined sys.path: the import system's cache of it
        # (empty) would hide the package.
        importlib.invalidate_caches()
        return importlib.import_module(naming.package_name(folder))

    with importable(tmp_path / "out"):
        yield load


def _answering(answer: httpx.Response, seen: list[httpx.Request]) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_assemblyai_errors_read_without_x_sdkgen_errors(
    corpus_package: Callable[[str], Any],
) -> None:
    module = corpus_package("assemblyai-api")
    seen: list[httpx.Request] = []
    # AssemblyAI's documented error body: `{"error": "..."}`.
    answer = httpx.Response(
        404, json={"error": "Transcript not found"}, headers={"x-request-id": "r-1"}
    )
    client = module.Client(api_key="k", http_client=_answering(answer, seen))
    with pytest.raises(module.errors.NotFoundError) as caught:
        client.get_transcript("t-1")
    error = caught.value
    assert (error.status_code, error.request_id) == (404, "r-1")
    assert "Transcript not found" in str(error)
    assert str(seen[0].url) == "https://api.assemblyai.com/v2/transcript/t-1"


def test_speechmatics_without_a_host_needs_base_url(
    corpus_package: Callable[[str], Any],
) -> None:
    module = corpus_package("speechmatics-batch")
    with pytest.raises(ValueError, match="the server '/v2' names no host"):
        module.Client(bearer_auth="k", base_url=None)
    seen: list[httpx.Request] = []
    # Speechmatics' documented error body: `{"code": 404, "error": "Job not found"}`.
    answer = httpx.Response(404, json={"code": 404, "error": "Job not found"})
    client = module.Client(
        bearer_auth="k",
        base_url="https://asr.api.speechmatics.com/v2",
        http_client=_answering(answer, seen),
    )
    with pytest.raises(module.errors.NotFoundError) as caught:
        client.get_job("j-1")
    assert (caught.value.code, caught.value.body) == ("404", answer.content)
    assert "Job not found" in str(caught.value)
    assert str(seen[0].url) == "https://asr.api.speechmatics.com/v2/jobs/j-1"


def test_speechmatics_job_upload_sends_its_config_and_file_as_multipart(
    corpus_package: Callable[[str], Any], tmp_path: Path
) -> None:
    module = corpus_package("speechmatics-batch")
    audio = tmp_path / "call.mp3"
    audio.write_bytes(b"ID3" * 1000)
    seen: list[httpx.Request] = []
    answer = httpx.Response(201, json={"id": "j-1"})
    client = module.Client(
        bearer_auth="k",
        base_url="https://asr.api.speechmatics.com/v2",
        http_client=_answering(answer, seen),
    )
    assert client.create_job(config='{"type": "transcription"}', data_file=audio).id
    [request] = seen
    body = request.content
    message = email.message_from_bytes(
        f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode() + body,
        policy=email.policy.HTTP,
    )
    parts = [
        (
            part.get_param("name", header="content-disposition"),
            part.get_filename(),
            part.get_content_type(),
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    ]
    assert parts == [
        ("config", None, "text/plain", b'{"type": "transcription"}'),
        ("data_file", "call.mp3", "audio/mpeg", b"ID3" * 1000),
    ]
    assert request.headers["content-length"] == str(len(body))


# Every operation of the corpus whose JSON request body is a union (once skipped): the
# method and its operationId, its arguments, the body given, the request it must send, and the model the
# root body model must have picked.
UNION_BODIES = [
    (
        "deepgram-api",
        {"api_key_auth": "k"},
        "analyze",
        "analyze",
        (),
        {"text": "Hello."},
        "/v1/read",
        "ReadV1RequestText",
    ),
    (
        "deepgram-api",
        {"api_key_auth": "k"},
        "create_key",
        "createKey",
        ("p-1",),
        {"comment": "ci", "scopes": ["member"]},  # two `{}` branches: any document
        "/v1/projects/p-1/keys",
        None,
    ),
    (
        "elevenlabs-api",
        {"xi_api_key": "k", "base_url": "https://api.elevenlabs.io"},
        "create_phone_number_route",
        "create_phone_number_route",
        (),
        {"phone_number": "+15550100", "label": "desk", "provider": "sip_trunk"},
        "/v1/convai/phone-numbers",
        "CreateSIPTrunkPhoneNumberRequestV2",
    ),
    (
        "vapi-api",
        {"bearer": "k"},
        "phone_number_controller_create",
        "PhoneNumberController_create",
        (),
        {"provider": "vapi"},
        "/phone-number",
        "CreateVapiPhoneNumberDTO",
    ),
    (
        "vapi-api",
        {"bearer": "k"},
        "phone_number_controller_update",
        "PhoneNumberController_update",
        ("n-1",),
        {"provider": "twilio", "name": "desk"},
        "/phone-number/n-1",
        "UpdateTwilioPhoneNumberDTO",
    ),
    (
        "vapi-api",
        {"bearer": "k"},
        "tool_controller_create",
        "ToolController_create",
        (),
        {"type": "endCall"},
        "/tool",
        "CreateEndCallToolDTO",
    ),
    (
        "vapi-api",
        {"bearer": "k"},
        "tool_controller_update",
        "ToolController_update",
        ("t-1",),
        {"type": "dtmf"},
        "/tool/t-1",
        "UpdateDtmfToolDTO",
    ),
    (
        "vapi-api",
        {"bearer": "k"},
        "insight_controller_create",
        "InsightController_create",
        (),
        {"type": "text", "queries": []},
        "/reporting/insight",
        "CreateTextInsightFromCallTableDTO",
    ),
    (
        "vapi-api",
        {"bearer": "k"},
        "insight_controller_update",
        "InsightController_update",
        ("i-1",),
        {"type": "text"},
        "/reporting/insight/i-1",
        "UpdateTextInsightFromCallTableDTO",
    ),
    (
        "vapi-api",
        {"bearer": "k"},
        "insight_controller_preview",
        "InsightController_preview",
        (),
        {"type": "text", "queries": []},
        "/reporting/insight/preview",
        "CreateTextInsightFromCallTableDTO",
    ),
]


@pytest.fixture(scope="module")
def corpus_packages(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[str], Any]]:
    """Like `corpus_package`, each document generated once for the module."""
    root = tmp_path_factory.mktemp("corpus")
    loaded: dict[str, Any] = {}

    def load(folder: str) -> Any:
        if folder not in loaded:
            entry = DOCUMENTS[folder]
            (root / "specs" / folder).mkdir(parents=True)
            name = "openapi.json" if entry["format"] == "json" else "openapi.yaml"
            (root / "specs" / folder / name).symlink_to(CORPUS / folder / entry["file"])
            pipeline.generate(folder, root / "specs", root / "out")
            importlib.invalidate_caches()
            loaded[folder] = importlib.import_module(naming.package_name(folder))
        return loaded[folder]

    with importable(root / "out"):
        yield load


@pytest.mark.parametrize(
    ("folder", "credential", "method", "operation", "args", "body", "path", "branch"),
    UNION_BODIES,
    ids=[f"{row[0]}:{row[2]}" for row in UNION_BODIES],
)
def test_a_union_request_body_of_the_corpus_is_sent_checked(
    corpus_packages: Callable[[str], Any],
    folder: str,
    credential: dict[str, str],
    method: str,
    operation: str,
    args: tuple[str, ...],
    body: dict[str, Any],
    path: str,
    branch: str | None,
) -> None:
    module = corpus_packages(folder)
    seen: list[httpx.Request] = []
    client = module.Client(
        **credential, http_client=_answering(httpx.Response(200, json={}), seen)
    )
    getattr(client, method)(*args, body=body)
    [request] = seen
    assert request.url.path == path
    assert json.loads(request.content) == body
    assert request.headers["content-type"] == "application/json"
    # The root model picked the branch the document belongs to.
    models = importlib.import_module(f"{module.__name__}.models")
    root = getattr(models, naming.class_name(naming.pascal_case(operation) + "Request"))
    picked = root.model_validate(body, strict=True).root
    if branch is None:
        assert picked == body
    else:
        assert type(picked).__name__ == branch
    # A document no branch takes is refused, naming the argument; nothing is sent.
    if branch is not None:
        with pytest.raises(ValueError, match="for body\n"):
            getattr(client, method)(*args, body={"provider": 1, "type": 1})
        assert len(seen) == 1


# Every multipart operation of the corpus and its file arguments (a list of files: `[]`).
# ElevenLabs' optional uploads (`anyOf: [{format: binary}, {type: null}]`, FastAPI's
# spelling) were text arguments before: speech_to_text's `file`, dubbing's four, the
# Studio project's `from_document` (twice), the pronunciation dictionary's `file`.
MULTIPART_FILES: dict[str, dict[str, tuple[str, ...]]] = {
    "openai-api": {
        "create_transcription": ("file",),
        "create_translation": ("file",),
        "create_voice_consent": ("recording",),
        "create_voice": ("audio_sample",),
        "create_file": ("file",),
        "create_image_variation": ("image",),
        "create_realtime_call": (),
        "add_upload_part": ("data",),
        "createcontentprovenancecheck": ("file",),
        "create_video_character": ("video",),
        # Their `_multipart` forms (the JSON method takes URLs or ids); a file that
        # may be a list too counts as `[]`.
        "create_image_edit_multipart": ("image[]", "mask"),
        "create_video_multipart": ("input_reference",),
        "create_video_edit_multipart": ("video",),
        "create_video_extend_multipart": ("video",),
        # One schema listed as JSON and as multipart, with files: JSON cannot carry
        # them, so the method sends multipart.
        "create_container_file": ("file",),
        "create_skill": ("files[]",),
        "create_skill_version": ("files[]",),
    },
    "elevenlabs-api": {
        "audio_isolation_v1_audio_isolation_post": ("audio",),
        "audio_isolation_stream_v1_audio_isolation_stream_post": ("audio",),
        "speech_to_speech_v1_speech_to_speech_voice_id_post": ("audio",),
        "speech_to_speech_streaming_v1_speech_to_speech_voice_id_stream_post": (
            "audio",
        ),
        "add_voice_v1_voices_add_post": ("files[]",),
        "edit_voice_v1_voices_voice_id_edit_post": ("files[]",),
        "add_project": ("from_document",),
        "edit_project_content": ("from_document",),
        "dub_a_video_or_an_audio_file_v1_dubbing_post": (
            "file",
            "csv_file",
            "foreground_audio_file",
            "background_audio_file",
        ),
        "create_audio_native_project": ("file",),
        "audio_native_project_update_content_endpoint": ("file",),
        "get_similar_library_voices_v1_similar_voices_post": ("audio_file",),
        "add_a_pronunciation_dictionary_v1_pronunciation_dictionaries_add_from_file_post": (
            "file",
        ),
        "speech_to_text_v1_speech_to_text_post": ("file",),
        "create_forced_alignment_v1_forced_alignment_post": ("file",),
        "post_agent_avatar_route": ("avatar_file",),
        "add_documentation_to_knowledge_base": ("file",),
        "create_file_document_route": ("file",),
        "add_samples_to_pvc_voice_v1_voices_pvc_voice_id_samples_post": ("files[]",),
        "verify_pvc_voice_captcha_v1_voices_pvc_voice_id_captcha_post": ("recording",),
        "request_manual_verification_v1_voices_pvc_voice_id_verification_post": (
            "files[]",
        ),
    },
    "gladia-api": {
        "audio_to_text_controller_audio_transcription": ("audio",),
        "video_to_text_controller_video_transcription": ("video",),
        "file_controller_upload_multipart": ("audio",),
    },
    "vapi-api": {
        "file_controller_create": ("file",),
    },
    "speechall-api": {
        "openai_compatible_create_transcription": ("file",),
        "openai_compatible_create_translation": ("file",),
    },
    "speechmatics-batch": {
        "create_job": ("data_file",),
    },
}


def test_every_multipart_operation_of_the_corpus_takes_its_files_as_files(
    tmp_path: Path,
) -> None:
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for folder, entry in sorted(DOCUMENTS.items()):
        (tmp_path / folder).mkdir()
        name = "openapi.json" if entry["format"] == "json" else "openapi.yaml"
        (tmp_path / folder / name).symlink_to(CORPUS / folder / entry["file"])
        api = pipeline.build_api(folder, tmp_path)
        for op in api.operations:
            if op.upload != "multipart":
                continue
            found.setdefault(folder, {})[op.method_name] = tuple(
                f.name + ("[]" if f.many else "") for f in op.files
            )
            # No other field of the body is bytes in disguise (typed as text).
            properties = op.body.schema.get("properties", {}) if op.body else {}
            for field in op.body_fields:
                said = json.dumps(properties.get(field.wire_name, {}))
                assert '"binary"' not in said, (folder, op.method_name, field.name)
                assert "contentMediaType" not in said, (folder, op.method_name)
    assert found == {k: v for k, v in MULTIPART_FILES.items() if v}


def test_elevenlabs_speech_to_text_uploads_its_file(
    corpus_packages: Callable[[str], Any], tmp_path: Path
) -> None:
    module = corpus_packages("elevenlabs-api")
    audio = tmp_path / "interview.mp3"
    audio.write_bytes(b"ID3" * 500)
    seen: list[httpx.Request] = []
    answer = httpx.Response(200, json={"language_code": "en", "text": "Hi."})
    client = module.Client(
        xi_api_key="k",
        base_url="https://api.elevenlabs.io",
        http_client=_answering(answer, seen),
    )
    client.speech_to_text_v1_speech_to_text_post(model_id="scribe_v1", file=audio)
    [request] = seen
    message = email.message_from_bytes(
        f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
        + request.content,
        policy=email.policy.HTTP,
    )
    files = [
        (part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
        for part in message.iter_parts()
        if part.get_param("name", header="content-disposition") == "file"
    ]
    assert files == [("interview.mp3", "audio/mpeg", b"ID3" * 500)]
    with pytest.raises(TypeError, match="file"):
        client.speech_to_text_v1_speech_to_text_post(
            model_id="scribe_v1", file="interview.mp3"
        )
