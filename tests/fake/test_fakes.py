"""Every generated package's fake (`<package>.testing`): the real clients against it,
sync and async, on its virtual clock (each test takes a few milliseconds).

One table says, per package, how to submit a job and what a bad request looks like; the
tests are the same for all.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from pydantic import BaseModel


@dataclass(frozen=True)
class Profile:
    package: str
    # Keyword arguments of a valid submit.
    submit: dict[str, Any]
    # A failure code of the vendor's, as `fake.fail` takes it.
    failure_code: str
    # A raw request the spec forbids: (operation, method, path, headers, body).
    bad_request: tuple[str, str, str, dict[str, str], bytes]
    # The vendor's code in an error answer.
    code_of: Callable[[httpx.Response], Any]
    # The same request, valid.
    good_body: bytes
    # The query method's argument that names the job.
    query_argument: str
    # A value of `submit` the call log shows.
    logged: str = ""
    # The good request's path, when it differs from the bad one's.
    good_path: str | None = None
    # A list's iterator, and its item's fields that hold the job id and state.
    list_items: tuple[str, str, str] | None = None
    # The argument that asks for a page size, and a value.
    page_size: dict[str, int] = field(default_factory=dict)
    deletes: bool = False
    cancels: bool = False
    # Where a result goes (default: the lifecycle's first result).
    result_pointer: tuple[str | int, ...] | None = None
    # A result of the test's own (wire form), and as the typed answer shows it.
    result: Any = "https://example.test/mine"
    result_seen: Any = "https://example.test/mine"
    extra: dict[str, Any] = field(default_factory=dict)


_CI_SUBMIT = (
    "<Request><Tag>Tts</Tag><Operation><TemplateId>t1</TemplateId><TtsConfig><InputType>{kind}</InputType>"
    "<Input>Hello</Input></TtsConfig><Output><Region>ap-chongqing</Region>"
    "<Bucket>examplebucket-1250000000</Bucket><Object>out.mp3</Object></Output>"
    "</Operation></Request>"
)


def _xml_text(response: httpx.Response, tag: str) -> str | None:
    return ElementTree.fromstring(response.content).findtext(f".//{tag}")


PROFILES = {
    "tts_huawei_metastudio": Profile(
        package="tts_huawei_metastudio",
        submit={"text": "Hello", "voice_asset_id": "c84054e7f29543048d585f61248c64c9"},
        failure_code="MSS.00000001",
        # speed is 50 to 200.
        bad_request=(
            "submit",
            "POST",
            "/v1/fakeprojectid/ttsc/async-jobs",
            {"Content-Type": "application/json"},
            json.dumps(
                {"text": "Hello", "voice_asset_id": "v", "speed": 1000}
            ).encode(),
        ),
        code_of=lambda response: response.json()["error_code"],
        good_body=json.dumps({"text": "Hello", "voice_asset_id": "v"}).encode(),
        query_argument="job_id",
        logged="Hello",
    ),
    # RPC: the action and version in headers, the answer in an envelope, errors with
    # HTTP 200 inside it, a result inside a JSON document inside a string (ExtInfo).
    "tts_tencent_mps": Profile(
        package="tts_tencent_mps",
        submit={"text": "你好", "voice_id": "v-1", "text_lang": "zh"},
        failure_code="1001",
        # VoiceId is required.
        bad_request=(
            "submit",
            "POST",
            "/",
            {
                "Content-Type": "application/json",
                "X-TC-Action": "TextToSpeechAsync",
                "X-TC-Version": "2019-06-12",
            },
            json.dumps({"Text": "你好"}).encode(),
        ),
        code_of=lambda response: response.json()["Response"]["Error"]["Code"],
        good_body=json.dumps({"Text": "你好", "VoiceId": "v-1"}).encode(),
        query_argument="task_id",
        logged="你好",
    ),
    # RPC with every argument in the query, JSON documents inside strings among them.
    "tts_alibaba_ice": Profile(
        package="tts_alibaba_ice",
        submit={
            "editing_config": '{"voice":"zhitian"}',
            "output_config": '{"bucket":"my-bucket","object":"out.mp3"}',
            "input_config": "Hello",
        },
        failure_code="TextTooLong",
        # The volume is 0 to 100.
        bad_request=(
            "submit",
            "POST",
            "/?EditingConfig=%7B%22volume%22%3A500%7D"
            "&OutputConfig=%7B%22bucket%22%3A%22b%22%2C%22object%22%3A%22o%22%7D"
            "&InputConfig=Hello",
            {"x-acs-action": "SubmitAudioProduceJob", "x-acs-version": "2020-11-09"},
            b"",
        ),
        code_of=lambda response: response.json()["Code"],
        good_body=b"",
        good_path="/?EditingConfig=%7B%22volume%22%3A50%7D"
        "&OutputConfig=%7B%22bucket%22%3A%22b%22%2C%22object%22%3A%22o%22%7D"
        "&InputConfig=Hello",
        query_argument="job_id",
        logged="Hello",
        list_items=("iter_list_smart_jobs", "job_id", "job_state"),
        page_size={"max_results": 7},
        deletes=True,
    ),
    # XML bodies both ways (typed from an XSD), a COS signature, a job list in answers.
    "tts_tencent_ci": Profile(
        package="tts_tencent_ci",
        submit={
            "template_id": "t1",
            "tts_config": {"input": "Hello", "input_type": "Text"},
            "output": {
                "region": "ap-chongqing",
                "bucket": "examplebucket-1250000000",
                "object": "out.mp3",
            },
        },
        failure_code="InternalError",
        # InputType is Url or Text.
        bad_request=(
            "submit",
            "POST",
            "/jobs",
            {"Content-Type": "application/xml"},
            _CI_SUBMIT.format(kind="Voice").encode(),
        ),
        code_of=lambda response: _xml_text(response, "Code"),
        good_body=_CI_SUBMIT.format(kind="Text").encode(),
        query_argument="job_id",
        logged="Hello",
        list_items=("iter_list_tts_jobs", "job_id", "state"),
        page_size={"size": 7},
        cancels=True,
        result={"Region": "ap-chongqing", "Bucket": "b-1", "Object": "mine.mp3"},
        result_seen={"region": "ap-chongqing", "bucket": "b-1", "object": "mine.mp3"},
    ),
}


@pytest.fixture(params=sorted(PROFILES))
def profile(request: pytest.FixtureRequest) -> Profile:
    return PROFILES[request.param]


@pytest.fixture
def testing(profile: Profile) -> Any:
    return importlib.import_module(f"{profile.package}.testing")


@pytest.fixture
def errors(profile: Profile) -> Any:
    return importlib.import_module(f"{profile.package}.errors")


@pytest.fixture(autouse=True)
def quick(testing: Any) -> Iterator[None]:
    """Each test well under a second: the fake waits on virtual time only (timed once
    the package is imported)."""
    started = time.perf_counter()
    yield
    assert time.perf_counter() - started < 0.5


def _submit(fake: Any, client: Any, profile: Profile) -> str:
    method = getattr(client, fake._operation("submit").method_name)
    answer = method(**profile.submit)
    return str(_job_id(fake, answer))


def _walk(value: Any, pointer: tuple[str | int, ...]) -> Any:
    """What `pointer` (wire names) reaches in a typed answer (JSON or XML model)."""
    for part in pointer:
        if isinstance(part, int):
            value = value[part]
            continue
        for name, info in type(value).model_fields.items():
            tags = [getattr(m, "tag", None) for m in info.metadata]
            if part in (info.alias, name, *tags):
                value = getattr(value, name)
                break
        else:
            raise KeyError(part)
    return value


def _created(fake: Any) -> int:
    """The status a submit answers with (the spec's first 2xx)."""
    return int(fake._operation("submit").status)


def _job_id(fake: Any, answer: Any) -> Any:
    return _walk(answer, fake.lifecycle.job_id)


def _result(fake: Any, answer: Any) -> Any:
    return _walk(answer, fake.lifecycle.results[0])


def test_submit_wait_result(testing: Any, profile: Profile) -> None:
    fake = testing.FakeService()
    client = fake.client()
    job_id = _submit(fake, client, profile)
    assert fake.job(job_id).state == fake.lifecycle.running[0]
    done = client.wait_for_job(job_id)
    assert fake.job(job_id).state in fake.lifecycle.succeeded
    # The documented example's result, as the spec gives it (where it names one).
    assert not fake.lifecycle.results or _result(fake, done) is not None
    # Two polls by default; the virtual clock moved by the poll interval, no real time.
    roles = [fake._operation(call.operation).role for call in fake.calls]
    assert roles == ["submit", "query", "query"]
    assert fake.clock.elapsed > 0


def test_submit_wait_result_async(testing: Any, profile: Profile) -> None:
    fake = testing.FakeService(polls=3)

    async def main() -> Any:
        async with fake.async_client() as client:
            method = getattr(client, fake._operation("submit").method_name)
            job_id = str(_job_id(fake, await method(**profile.submit)))
            return job_id, await client.wait_for_job(job_id)

    job_id, done = asyncio.run(main())
    assert fake.job(job_id).state in fake.lifecycle.succeeded
    assert not fake.lifecycle.results or _result(fake, done) is not None
    assert [c.status for c in fake.calls] == [_created(fake), 200, 200, 200]


def test_completed_with_a_result_of_the_tests(testing: Any, profile: Profile) -> None:
    fake = testing.FakeService(polls=100)
    client = fake.client()
    job_id = _submit(fake, client, profile)
    pointer = profile.result_pointer or fake.lifecycle.results[0]
    fake.complete(job_id, result={"/" + "/".join(map(str, pointer)): profile.result})
    done = client.wait_for_job(job_id)
    seen = _walk(done, pointer)
    if isinstance(seen, BaseModel):
        seen = seen.model_dump(exclude_none=True)
    assert seen == profile.result_seen
    assert len(fake.calls) == 2  # one poll: it was done already


def test_advance_walks_the_states(testing: Any, profile: Profile) -> None:
    fake = testing.FakeService()
    job = fake.add_job()
    states = [job.state]
    while job.state in fake.lifecycle.running:
        states.append(fake.advance(job.id).state)
    assert states == [*fake.lifecycle.running, fake.lifecycle.succeeded[0]]


def test_failed_job_raises_with_the_vendors_code(
    testing: Any, errors: Any, profile: Profile
) -> None:
    fake = testing.FakeService()
    client = fake.client()
    job_id = _submit(fake, client, profile)
    fake.fail(job_id, profile.failure_code, "the text could not be read")
    with pytest.raises(errors.JobFailedError) as caught:
        client.wait_for_job(job_id)
    assert caught.value.state in fake.lifecycle.failed
    if fake.lifecycle.failure_code is not None:
        assert caught.value.code == profile.failure_code
        assert caught.value.message == "the text could not be read"


def test_failed_job_async(testing: Any, errors: Any, profile: Profile) -> None:
    fake = testing.FakeService()

    async def main() -> None:
        async with fake.async_client() as client:
            method = getattr(client, fake._operation("submit").method_name)
            job_id = str(_job_id(fake, await method(**profile.submit)))
            fake.fail(job_id, profile.failure_code)
            await client.wait_for_job(job_id)

    with pytest.raises(errors.JobFailedError) as caught:
        asyncio.run(main())
    if fake.lifecycle.failure_code is not None:
        assert caught.value.code == profile.failure_code


def test_throttled_submit_is_retried(testing: Any, profile: Profile) -> None:
    fake = testing.FakeService()
    client = fake.client()
    fake.fail_next("submit", status=429, retry_after=7)
    job_id = _submit(fake, client, profile)
    assert list(fake.jobs) == [job_id]  # refused first, so one job only
    assert [c.status for c in fake.calls] == [429, _created(fake)]
    assert fake.clock.elapsed == 7  # it waited as Retry-After said, in virtual time


def test_throttled_submit_async(testing: Any, profile: Profile) -> None:
    fake = testing.FakeService()
    fake.fail_next("submit", status=429, retry_after=3)

    async def main() -> None:
        async with fake.async_client() as client:
            method = getattr(client, fake._operation("submit").method_name)
            await method(**profile.submit)

    asyncio.run(main())
    assert [c.status for c in fake.calls] == [429, _created(fake)]
    assert fake.clock.elapsed == 3


def test_throttling_code_is_retried(testing: Any, profile: Profile) -> None:
    fake = testing.FakeService()
    if not fake.errors.throttling_codes:
        pytest.skip("the spec names no throttling code")
    code = fake.errors.throttling_codes[0]
    fake.fail_next("submit", code=code)
    _submit(fake, fake.client(), profile)
    assert len(fake.jobs) == 1
    assert len(fake.calls) == 2


def test_throttled_until_the_retries_run_out(
    testing: Any, errors: Any, profile: Profile
) -> None:
    fake = testing.FakeService()
    fake.fail_next("submit", status=429, times=3)
    with pytest.raises(errors.RateLimitError) as caught:
        _submit(fake, fake.client(max_retries=2), profile)
    assert caught.value.request_id is not None
    assert not fake.jobs


def test_wrong_key_is_refused_with_the_auth_error(
    testing: Any, errors: Any, profile: Profile
) -> None:
    fake = testing.FakeService()
    secret = next(name for name in fake.credentials if name in fake.secret_credentials)
    client = fake.client(**{secret: "not-the-fakes-key"})
    with pytest.raises(errors.AuthenticationError) as caught:
        _submit(fake, client, profile)
    assert caught.value.request_id is not None
    assert not fake.jobs
    # The refused request is logged, its secrets masked.
    headers = fake.calls[-1].headers
    masked = [h.lower() for h in fake.secret_headers if h.lower() in headers]
    assert masked
    assert all(headers[h] == "***" for h in masked)


def test_wrong_key_async(testing: Any, errors: Any, profile: Profile) -> None:
    fake = testing.FakeService()
    secret = next(name for name in fake.credentials if name in fake.secret_credentials)

    async def main() -> None:
        async with fake.async_client(**{secret: "not-the-fakes-key"}) as client:
            method = getattr(client, fake._operation("submit").method_name)
            await method(**profile.submit)

    with pytest.raises(errors.AuthenticationError):
        asyncio.run(main())


def test_a_request_the_spec_forbids_gets_the_validation_error(
    testing: Any, profile: Profile
) -> None:
    fake = testing.FakeService()
    operation, method, path, headers, body = profile.bad_request
    request = httpx.Request(method, fake.base_url + path, headers=headers, content=body)
    with fake.http_client() as http:
        response = http.send(fake.sign(request, operation))
    assert response.status_code == (200 if fake.errors.in_envelope else 400)
    assert profile.code_of(response) == fake.validation_code
    assert not fake.jobs


def test_a_good_raw_request_is_accepted(testing: Any, profile: Profile) -> None:
    """The other half of the one above: the same request, valid, is answered."""
    fake = testing.FakeService()
    operation, method, path, headers, _ = profile.bad_request
    good = profile.good_body
    path = profile.good_path or path
    request = httpx.Request(method, fake.base_url + path, headers=headers, content=good)
    with fake.http_client() as http:
        response = http.send(fake.sign(request, operation))
    assert response.status_code == _created(fake), response.text
    assert len(fake.jobs) == 1


def test_calls_hold_the_arguments_as_models(testing: Any, profile: Profile) -> None:
    fake = testing.FakeService()
    _submit(fake, fake.client(), profile)
    (call,) = fake.calls
    sent = call.body if call.body is not None else call.parameters
    dumped = sent.model_dump(by_alias=True, exclude_none=True)
    assert profile.logged in list(_leaves(dumped))
    for name in fake.secret_headers:
        assert call.headers.get(name.lower(), "***") == "***"


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for inner in value.values():
            yield from _leaves(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _leaves(inner)
    else:
        yield value


def test_dropped_poll_is_retried(testing: Any, profile: Profile) -> None:
    fake = testing.FakeService()
    client = fake.client()
    job_id = _submit(fake, client, profile)
    fake.fail_next("query", drop=True)
    client.wait_for_job(job_id)
    assert fake.job(job_id).state in fake.lifecycle.succeeded


def test_dropped_submit_is_not_repeated(
    testing: Any, errors: Any, profile: Profile
) -> None:
    fake = testing.FakeService()
    fake.fail_next("submit", drop=True)
    with pytest.raises(errors.APIConnectionError):
        _submit(fake, fake.client(), profile)
    assert len(fake.calls) == 0  # dropped before an answer: nothing was logged


def test_connect_error_on_submit_is_retried(testing: Any, profile: Profile) -> None:
    fake = testing.FakeService()
    fake.fail_next("submit", drop=httpx.ConnectError)
    _submit(fake, fake.client(), profile)
    assert len(fake.jobs) == 1


def test_server_error_on_a_poll_is_retried(testing: Any, profile: Profile) -> None:
    fake = testing.FakeService()
    client = fake.client()
    job_id = _submit(fake, client, profile)
    fake.fail_next("query", status=503)
    client.wait_for_job(job_id)
    assert 503 in [c.status for c in fake.calls]


def test_malformed_answer(testing: Any, errors: Any, profile: Profile) -> None:
    fake = testing.FakeService()
    fake.fail_next("submit", body=b"{not json")
    with pytest.raises(errors.APIResponseValidationError):
        _submit(fake, fake.client(), profile)


def test_clock_skew_is_signed_again(testing: Any, profile: Profile) -> None:
    fake = testing.FakeService()
    if not fake.errors.clock_skew_codes:
        pytest.skip("the spec names no clock-skew code")
    client = fake.client()
    fake.fail_next("submit", skew=900)
    _submit(fake, client, profile)
    assert len(fake.jobs) == 1
    assert client._core.clock_offset == 900
    # Later calls are signed with the offset, and accepted.
    _submit(fake, client, profile)
    assert len(fake.jobs) == 2


def test_wait_times_out_on_virtual_time(
    testing: Any, errors: Any, profile: Profile
) -> None:
    fake = testing.FakeService(polls=10_000)
    client = fake.client()
    job_id = _submit(fake, client, profile)
    with pytest.raises(errors.JobTimeoutError) as caught:
        client.wait_for_job(job_id, timeout=600)
    assert caught.value.state in fake.lifecycle.running
    assert 600 <= fake.clock.elapsed < 620


def test_unknown_job(testing: Any, errors: Any, profile: Profile) -> None:
    fake = testing.FakeService()
    client = fake.client()
    # An id of the right shape, of no job the fake holds.
    unknown = fake.add_job().id
    del fake.jobs[unknown]
    if fake.lifecycle.not_found is not None:
        # The service answers such a query with the ids it does not know: the wait ends.
        with pytest.raises(errors.JobNotFoundError):
            client.wait_for_job(unknown)
        assert len(fake.calls) == 1
        return
    query = getattr(client, fake._operation("query").method_name)
    with pytest.raises(errors.APIStatusError) as caught:
        query(**{profile.query_argument: unknown})
    assert caught.value.code == fake.not_found_code
    # Inside the envelope, with HTTP 200, where the API's errors travel there.
    assert caught.value.status_code == (200 if fake.errors.in_envelope else 404)


def _paged(profile: Profile) -> None:
    if profile.list_items is None:
        pytest.skip(f"{profile.package} has no list operation")


def test_paging_over_25_jobs(testing: Any, profile: Profile) -> None:
    _paged(profile)
    fake = testing.FakeService()
    client = fake.client()
    submitted = [_submit(fake, client, profile) for _ in range(25)]
    fake.fail(submitted[3], profile.failure_code)
    iterator_name, id_field, state_field = profile.list_items  # type: ignore[misc]
    items = list(getattr(client, iterator_name)())
    assert [getattr(item, id_field) for item in items] == submitted
    assert getattr(items[3], state_field) in fake.lifecycle.failed
    pages = [c for c in fake.calls if c.operation == fake._operation("list").name]
    assert len(pages) == 3  # 10, 10 and 5 by the fake's default page size


def test_paging_async_with_a_page_size(testing: Any, profile: Profile) -> None:
    _paged(profile)
    fake = testing.FakeService(page_size=100)
    for _ in range(25):
        fake.add_job()
    iterator_name, id_field, _ = profile.list_items  # type: ignore[misc]

    async def main() -> list[Any]:
        async with fake.async_client() as client:
            return [
                item
                async for item in getattr(client, iterator_name)(**profile.page_size)
            ]

    items = asyncio.run(main())
    assert [getattr(item, id_field) for item in items] == list(fake.jobs)
    pages = [c for c in fake.calls if c.operation == fake._operation("list").name]
    size = next(iter(profile.page_size.values()), fake.page_size)
    assert len(pages) == 25 // size + 1


def test_delete_removes_the_job(testing: Any, errors: Any, profile: Profile) -> None:
    if not profile.deletes:
        pytest.skip(f"{profile.package} has no delete operation")
    fake = testing.FakeService()
    client = fake.client()
    kept, gone = _submit(fake, client, profile), _submit(fake, client, profile)
    delete = getattr(client, fake._operation("delete").method_name)
    delete(**{profile.query_argument: gone})
    assert list(fake.jobs) == [kept]
    query = getattr(client, fake._operation("query").method_name)
    with pytest.raises(errors.APIStatusError) as caught:
        query(**{profile.query_argument: gone})
    assert caught.value.code == fake.not_found_code


def test_cancel_ends_the_job(testing: Any, errors: Any, profile: Profile) -> None:
    if not profile.cancels:
        pytest.skip(f"{profile.package} has no cancel operation")
    fake = testing.FakeService()
    client = fake.client()
    job_id = _submit(fake, client, profile)
    cancel = getattr(client, fake._operation("cancel").method_name)
    cancel(job_id)
    assert fake.job(job_id).state in fake.lifecycle.failed
    with pytest.raises(errors.JobFailedError):
        client.wait_for_job(job_id)
    with pytest.raises(errors.APIStatusError):
        cancel(job_id)  # no longer running


def test_a_retry_after_past_the_deadline_is_not_waited_for(
    testing: Any, errors: Any, profile: Profile
) -> None:
    """The call's deadline is on the fake's clock too: after one virtual wait of 6 s, a
    second would end past the 10 s timeout, so the call ends instead."""
    fake = testing.FakeService()
    fake.fail_next("submit", status=429, retry_after=6, times=2)
    with pytest.raises(errors.RateLimitError):
        _submit(fake, fake.client(timeout=10), profile)
    assert fake.clock.elapsed == 6
    assert len(fake.calls) == 2


def test_long_virtual_waits_under_a_short_timeout(
    testing: Any, profile: Profile
) -> None:
    """Each poll has a 2 s deadline while the wait runs for virtual minutes: the real
    watchdog (which shuts sockets down at real deadlines) stays out of it."""
    fake = testing.FakeService(polls=30)
    client = fake.client(timeout=2)
    job_id = _submit(fake, client, profile)
    client.wait_for_job(job_id, timeout=3600)
    assert fake.clock.elapsed > 60
    assert fake.job(job_id).state in fake.lifecycle.succeeded


def test_other_clients_keep_real_time(testing: Any, profile: Profile) -> None:
    package = importlib.import_module(profile.package)
    fake = testing.FakeService()
    arguments = {**fake.credentials, **fake.client_arguments, "base_url": fake.base_url}
    with package.Client(**arguments) as plain:
        assert plain._core.clock.real
    assert not fake.client()._core.clock.real
