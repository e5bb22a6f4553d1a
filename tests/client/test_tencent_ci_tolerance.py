"""Tolerant in, for the XML models of Tencent CI: a received document that does not
parse as the XSD declares keeps what it holds (`model_extra`, under wire names, one
WARNING per field) and never fails a call; only the submit's job id, which the client
itself needs, may make an answer unusable. The named cases first, then a property test
that mutates every documented and recorded CI answer (the saved vendor page's examples
and the contract cassettes) and drives `describe_tts_jobs`, `submit_tts_job` and
`wait_for_job` over an httpx.MockTransport with each mutation.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tts_tencent_ci import (
    AsyncClient,
    Client,
    JobsResponse,
    Output,
    TtsConfig,
    parse_callback,
)
from tts_tencent_ci._runtime import xml as runtime_xml
from tts_tencent_ci.errors import (
    APIResponseValidationError,
    JobFailedError,
    JobTimeoutError,
)

ROOT = Path(__file__).parents[2]
JOB = "j8d121820f5e411ec926ef19d53ba9c6f"
HEADERS = {"Content-Type": "application/xml", "x-ci-request-id": "r-1"}
SUCCEEDED, FAILED = ("Success",), ("Failed", "Cancel")


def job(operation: str = "", state: str = "Success", extra: str = "") -> bytes:
    return (
        f"<Response><JobsDetail><Code>Success</Code><Message/><JobId>{JOB}</JobId>"
        f"<State>{state}</State><Tag>Tts</Tag>{extra}<Operation>{operation}"
        "</Operation></JobsDetail></Response>"
    ).encode()


def client_answering(*bodies: bytes, answered: list[bytes] | None = None) -> Client:
    """A client whose every call is answered with the next body (the last one again),
    each noted in `answered`."""
    answers = list(bodies)

    def answer(request: httpx.Request) -> httpx.Response:
        body = answers.pop(0) if len(answers) > 1 else answers[0]
        if answered is not None:
            answered.append(body)
        return httpx.Response(200, content=body, headers=HEADERS)

    return Client(
        secret_id="AKIDexample",
        secret_key="example-key",
        base_url="https://test-1234567890.ci.ap-chongqing.myqcloud.com",
        http_client=httpx.Client(transport=httpx.MockTransport(answer)),
    )


@pytest.fixture
def warnings(caplog: pytest.LogCaptureFixture) -> Iterator[Callable[[], list[str]]]:
    runtime_xml._WARNED.clear()
    with caplog.at_level(logging.WARNING, logger="tts_tencent_ci"):
        yield lambda: [
            r.getMessage() for r in caplog.records if r.levelno == logging.WARNING
        ]
    runtime_xml._WARNED.clear()


# --- the named cases ----------------------------------------------------------------------


def test_an_output_without_region_is_read(
    warnings: Callable[[], list[str]],
) -> None:
    body = job("<Output><Bucket>b-1</Bucket><Object>o.mp3</Object></Output>")
    with client_answering(body) as api:
        done = api.wait_for_job(JOB)
    operation = done.jobs_detail[0].operation
    assert operation is not None and operation.output is not None
    assert (operation.output.region, operation.output.bucket) == (None, "b-1")
    assert warnings() == []  # a field left out is no fault


def test_a_speed_that_is_no_integer_is_kept_as_received(
    warnings: Callable[[], list[str]],
) -> None:
    tpl = "<TtsTpl><Codec>mp3</Codec><Speed>1.5</Speed><Volume>loud</Volume></TtsTpl>"
    with client_answering(job(tpl)) as api:
        done = api.wait_for_job(JOB)
        again = api.describe_tts_jobs(JOB)
    operation = done.jobs_detail[0].operation
    assert operation is not None and operation.tts_tpl is not None
    tts_tpl = operation.tts_tpl
    assert (tts_tpl.codec, tts_tpl.speed, tts_tpl.volume) == ("mp3", None, None)
    assert tts_tpl.model_extra == {"Speed": "1.5", "Volume": "loud"}
    logged = warnings()
    assert len(logged) == 2  # once per field, however many answers
    assert "ReportedTtsTpl.speed: the Speed received does not parse" in logged[0]
    assert "1.5" not in " ".join(logged)  # values stay out of the log
    assert again == done


def test_unknown_elements_and_attributes_are_kept() -> None:
    body = job(
        '<Subtitles Lang="en"><Url>https://x/1.srt</Url><Url>https://x/2.srt</Url>'
        "</Subtitles>",
        extra="<Progress>50</Progress>",
    )
    with client_answering(body) as api:
        detail = api.describe_tts_jobs(JOB).jobs_detail[0]
    assert detail.model_extra == {"Progress": "50"}
    assert detail.operation is not None
    assert detail.operation.model_extra == {
        "Subtitles": {"@Lang": "en", "Url": ["https://x/1.srt", "https://x/2.srt"]}
    }


def test_new_enum_values_are_kept() -> None:
    tpl = "<TtsTpl><Codec>opus</Codec><Mode>Async</Mode></TtsTpl><JobLevel>3</JobLevel>"
    with client_answering(job(tpl, state="Queued")) as api:
        detail = api.describe_tts_jobs(JOB).jobs_detail[0]
    assert detail.state == "Queued"
    assert detail.operation is not None and detail.operation.tts_tpl is not None
    assert (detail.operation.tts_tpl.codec, detail.operation.tts_tpl.mode) == (
        "opus",
        "Async",
    )
    assert detail.operation.job_level == 3


def test_media_info_keeps_its_content() -> None:
    info = (
        "<MediaInfo><Format><Duration>1.5</Duration><Bitrate>128</Bitrate></Format>"
        "<Stream><Audio><Index>0</Index><CodecName>mp3</CodecName></Audio></Stream>"
        "</MediaInfo>"
    )
    with client_answering(job(info)) as api:
        operation = api.describe_tts_jobs(JOB).jobs_detail[0].operation
    assert operation is not None and operation.media_info is not None
    assert operation.media_info.model_extra == {
        "Format": {"Duration": "1.5", "Bitrate": "128"},
        "Stream": {"Audio": {"Index": "0", "CodecName": "mp3"}},
    }


def test_received_models_invent_nothing() -> None:
    body = (
        f"<Response><JobsDetail><JobId>{JOB}</JobId><Operation><TtsTpl/><TtsConfig/>"
        "</Operation></JobsDetail></Response>"
    ).encode()
    with client_answering(body) as api:
        detail = api.describe_tts_jobs(JOB).jobs_detail[0]
    assert (detail.state, detail.code, detail.tag) == (None, None, None)
    assert detail.operation is not None
    assert detail.operation.tts_tpl is not None and detail.operation.tts_config
    assert set(detail.operation.tts_tpl.model_dump().values()) == {None}
    assert set(detail.operation.tts_config.model_dump().values()) == {None}


# --- the property test ----------------------------------------------------------------------


def _recorded() -> list[bytes]:
    """Every CI answer the project holds: the saved page's examples and the 200 answers
    of the contract cassettes that are job documents."""
    found: list[bytes] = []
    for page in sorted((ROOT / "specs" / "tencent-ci" / "docs").glob("*.txt")):
        text = page.read_text(encoding="utf-8")
        found += [
            m.encode() for m in re.findall(r"<Response>.*?</Response>", text, re.S)
        ]
    for cassette in sorted((ROOT / "tests" / "contract" / "tencent-ci").glob("*.yaml")):
        for interaction in yaml.safe_load(cassette.read_text())["interactions"]:
            response = interaction["response"]
            body = response["body"]["string"]
            if response["status"]["code"] == 200 and "<JobsDetail>" in body:
                found.append(body.encode())
    return found


DOCUMENTS = _recorded()
# Text of other types and forms than declared: numbers where text is, text where numbers
# are, odd dates, markup characters, nothing at all.
TEXTS = [
    "",
    " ",
    "1.5",
    "-1",
    "99999999999999999999",
    "abc",
    "true",
    "null",
    "-",
    "2022/06/27 15:23:10",
    "2022-06-27T15:23:10Z",
    "27 Jun 2022",
    "1656314590",
    "任务 <&>",
]
# Values the XSD does not list, for its enumerations.
NEW_VALUES = {
    "State": ["Queued", "Paused", "success", "FAILED"],
    "Codec": ["opus", "ogg"],
    "Mode": ["Async"],
    "InputType": ["File", "Ssml"],
    "JobLevel": ["3", "-1"],
}
KINDS = ["drop", "text", "add", "empty", "enum", "nest", "flatten", "repeat"]
Mutation = tuple[str, int, int]


def mutate(document: bytes, mutations: list[Mutation]) -> bytes:
    root = ElementTree.fromstring(document)
    for kind, where, pick in mutations:
        # Every element but the root, with its parent.
        places = [(parent, child) for parent in root.iter() for child in parent]
        if not places:
            break
        parent, element = places[where % len(places)]
        if kind == "drop":
            parent.remove(element)
        elif kind == "text":  # another type of value, or text in place of elements
            for child in list(element):
                element.remove(child)
            element.text = TEXTS[pick % len(TEXTS)]
        elif kind == "add":
            extra = ElementTree.SubElement(element, f"New{pick % 3}")
            if pick % 2:
                ElementTree.SubElement(extra, "Value").text = TEXTS[pick % len(TEXTS)]
            else:
                extra.text = TEXTS[pick % len(TEXTS)]
        elif kind == "empty":
            element.clear()
        elif kind == "enum":
            tags = [e for e in root.iter() if e.tag in NEW_VALUES]
            if tags:
                chosen = tags[pick % len(tags)]
                values = NEW_VALUES[chosen.tag]
                chosen.text = values[pick % len(values)]
        elif kind == "nest":  # an element where text is declared
            inner = ElementTree.Element("Value")
            inner.text, element.text = element.text, None
            element.insert(0, inner)
        elif kind == "flatten":  # text where elements are declared
            text = "".join(element.itertext())
            for child in list(element):
                element.remove(child)
            element.text = text or TEXTS[pick % len(TEXTS)]
        elif kind == "repeat":
            index = list(parent).index(element)
            copy = ElementTree.fromstring(ElementTree.tostring(element))
            parent.insert(index + 1, copy)
    return ElementTree.tostring(root)


def _text(element: ElementTree.Element | None) -> str | None:
    """What the reader makes of a value element: its text, unless it holds elements (kept
    aside) or nothing."""
    if element is None or len(element) or not element.text:
        return None
    return element.text


def first_job(document: bytes) -> ElementTree.Element | None:
    """The job a reader takes first: the first JobsDetail that holds elements, or
    nothing (an empty one is a job with no fields; text alone is kept aside)."""
    for detail in ElementTree.fromstring(document).findall("JobsDetail"):
        if len(detail) or detail.attrib or not (detail.text or "").strip():
            return detail
    return None


def expected_state(document: bytes) -> str | None:
    detail = first_job(document)
    return _text(detail.find("State")) if detail is not None else None


def expected_job_id(document: bytes) -> str | None:
    detail = first_job(document)
    return _text(detail.find("JobId")) if detail is not None else None


TALLY: Counter[str] = Counter()


def check(document: bytes) -> None:
    """Every call over `document` ends as the policy says; counted in TALLY."""
    TALLY["tried"] += 1
    try:
        with client_answering(document) as api:
            read = api.describe_tts_jobs(JOB)
            assert isinstance(read, JobsResponse)
            # A submit answer fails only for want of the job id the client needs.
            job_id = expected_job_id(document)
            try:
                submitted = api.submit_tts_job(
                    template_id="t1",
                    tts_config=TtsConfig(input_type="Text", input="hi"),
                    output=Output(region="r", bucket="b", object="o.mp3"),
                )
            except APIResponseValidationError as error:
                assert job_id is None, error
                assert (error.status_code, error.request_id) == (200, "r-1")
            else:
                assert job_id is not None
                assert submitted.jobs_detail[0].job_id == job_id
        # wait_for_job ends on the lifecycle's states, and only on them. A final state
        # ends it at the first poll; any other goes on polling to the timeout.
        state = expected_state(document)
        final = state in SUCCEEDED + FAILED
        polls: list[bytes] = []
        with client_answering(document, answered=polls) as api:
            try:
                done = api.wait_for_job(
                    JOB, timeout=5.0 if final else 0.05, poll_interval=0.005
                )
            except JobFailedError as failed:
                assert state in FAILED and failed.state == state
            except JobTimeoutError as waited:
                assert not final
                # A busy machine may end the wait during its first poll, before any
                # state was seen; a second poll is only sent once the first was read.
                assert waited.state == state or (
                    len(polls) < 2 and waited.state is None
                )
            else:
                assert state in SUCCEEDED and done.jobs_detail[0].state == state
    except BaseException:
        TALLY["broken"] += 1
        raise


mutations = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(0, 10_000), st.integers(0, 10_000)),
    min_size=1,
    max_size=3,
)


def test_there_are_documents_to_mutate() -> None:
    # Both page examples and every job answer of the cassettes.
    assert len(DOCUMENTS) >= 8
    for document in DOCUMENTS:
        check(document)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(index=st.integers(0, len(DOCUMENTS) - 1), changes=mutations)
def test_every_mutation_of_a_recorded_answer_is_read(
    index: int, changes: list[Mutation]
) -> None:
    check(mutate(DOCUMENTS[index], changes))


@pytest.mark.slow
@settings(
    max_examples=3000,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(index=st.integers(0, len(DOCUMENTS) - 1), changes=mutations)
def test_many_mutations_of_recorded_answers_are_read(
    index: int, changes: list[Mutation]
) -> None:
    check(mutate(DOCUMENTS[index], changes))


def test_the_mutations_reach_every_kind() -> None:
    # The mutator does what each kind says on a known document (else the property test
    # would pass on unchanged documents).
    document = job("<TtsTpl><Speed>100</Speed></TtsTpl>")
    changed = {kind: mutate(document, [(kind, 4, 1)]) for kind in KINDS}
    assert all(body != document for kind, body in changed.items()), changed
    # Elements are counted in document order, the root's excepted: 3 is JobId.
    assert b"<JobId>" not in mutate(document, [("drop", 3, 0)])
    assert b"<JobId><Value>" in mutate(document, [("nest", 3, 0)])
    assert b"<JobId>abc</JobId>" in mutate(document, [("text", 3, 5)])
    assert b"<Tag>Tts</Tag><Tag>Tts</Tag>" in mutate(document, [("repeat", 5, 0)])


def report(tally: Counter[str]) -> str:
    return f"{tally['tried']} mutated answers tried, {tally['broken']} broke a call"


def test_no_mutation_broke_a_call(capsys: pytest.CaptureFixture[str]) -> None:
    # Runs after the property tests of this module (pytest keeps file order).
    assert TALLY["tried"] > 0
    assert TALLY["broken"] == 0, report(TALLY)
    with capsys.disabled():
        print(f"\ntencent-ci tolerance: {report(TALLY)}")


def test_the_async_client_refuses_a_submit_answer_without_a_job_id() -> None:
    body = b"<Response></Response>"

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers=HEADERS)

    async def submit() -> None:
        async with AsyncClient(
            secret_id="AKIDexample",
            secret_key="example-key",
            base_url="https://test-1234567890.ci.ap-chongqing.myqcloud.com",
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(answer)),
        ) as api:
            await api.submit_tts_job(
                template_id="t1",
                tts_config=TtsConfig(input_type="Text", input="hi"),
                output=Output(region="r", bucket="b", object="o.mp3"),
            )

    with pytest.raises(APIResponseValidationError) as caught:
        asyncio.run(submit())
    assert (caught.value.status_code, caught.value.request_id) == (200, "r-1")
    assert caught.value.body == body


def test_a_json_callback_is_as_tolerant_as_an_xml_one(
    warnings: Callable[[], list[str]],
) -> None:
    event = parse_callback(
        json.dumps(
            {
                "EventName": "TaskFinish",
                "JobsDetail": {
                    "JobId": JOB,
                    "State": "Success",
                    "Duration": 1.5,
                    "Operation": {"TtsTpl": {"Speed": 1.5}, "MediaInfo": {"A": 1}},
                },
            }
        ),
        "application/json",
    )
    (detail,) = event.jobs_detail
    assert detail.model_extra == {"Duration": "1.5"}
    assert detail.operation is not None and detail.operation.tts_tpl is not None
    assert detail.operation.tts_tpl.model_extra == {"Speed": "1.5"}
    assert detail.operation.media_info is not None
    assert detail.operation.media_info.model_extra == {"A": "1"}
    assert len(warnings()) == 1
