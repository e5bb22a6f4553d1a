"""The same two calls (the submit and the query) for each vendor, three ways: the generated
package (sync and async), the vendor's official SDK, and bare httpx sending the bytes the
generated client sends.

Every call builds its arguments (the models, the SDK's request object), so one call is:
build, validate, sign, send, parse. The official SDKs are imported by name (they ship no
type hints and are only in the `bench` extra): `_sdk()` gives them to the type checker as
`Any`.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import httpx

AK = "AKIAIOSFODNN7EXAMPLE"
SK = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
PROJECT_ID = "3f0924078d1b471c884a5383d4dec9fa"
HUAWEI_JOB = "26f06524-4f75-4b3a-a853-b649a21aaf66"
ICE_JOB = "****20b48fb04483915d4f2cd8ac****"
MPS_TASK = "1300057393-DubbingAsync-fc3f52cf-f5f2-453c-882c-8847e5b2fe2f"
MPS_VOICE = "s1_+DSBRZuGbfKlwsN1lV5OsriSYvOB3aSqqCsHH0LJ5BWHsmfmn13my4ki/QL+g+7RaRUWLhwPcEI6gtCTkA=="
CI_JOB = "j8d121820f5e411ec926ef19d53ba9c6f"
CI_BUCKET = "test-1234567890"
CI_REGION = "ap-chongqing"
CI_TEXT = "Moonlight before my bed, could it be frost instead?"

Call = Callable[[], object]
AsyncCall = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class Calls:
    submit: Call
    query: Call
    close: Callable[[], None]


@dataclass(frozen=True)
class AsyncCalls:
    submit: AsyncCall
    query: AsyncCall
    close: Callable[[], Awaitable[None]]


def _sdk(name: str) -> Any:
    return importlib.import_module(name)


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise RuntimeError(f"unexpected answer: {what}")


# --- the generated packages --------------------------------------------------------------


def ours(api: str, url: str, http_client: httpx.Client | None = None) -> Calls:
    """The generated package's sync client, sending to `url`."""
    if api == "huawei-metastudio":
        import tts_huawei_metastudio as hw

        client = hw.Client(
            ak=AK, sk=SK, project_id=PROJECT_ID, base_url=url, http_client=http_client
        )

        def hw_submit() -> object:
            job = client.create_async_tts_job(
                text="Hello, everyone. I'm Sarah.",
                voice_asset_id="c84054e7f29543048d585f61248c64c9",
            )
            _check(job.job_id == HUAWEI_JOB, "job id")
            return job

        def hw_query() -> object:
            job = client.show_async_tts_job(HUAWEI_JOB)
            _check(job.state == "SUCCEED", "state")
            return job

        return Calls(hw_submit, hw_query, client.close)
    if api == "alibaba-ice":
        import tts_alibaba_ice as ice

        ice_client = ice.Client(
            access_key_id=AK,
            access_key_secret=SK,
            base_url=url,
            http_client=http_client,
        )

        def ice_submit() -> object:
            job = ice_client.submit_audio_produce_job(
                editing_config=ice.EditingConfig(voice="Siqi", format="MP3", volume=50),
                output_config=ice.OutputConfig(
                    bucket="my_bucket", object="target_audio"
                ),
                input_config="Test text",
            )
            _check(job.job_id == ICE_JOB, "job id")
            return job

        def ice_query() -> object:
            job = ice_client.get_smart_handle_job(job_id=ICE_JOB)
            _check(job.state == "Finished", "state")
            return job

        return Calls(ice_submit, ice_query, ice_client.close)
    if api == "tencent-mps":
        import tts_tencent_mps as mps

        mps_client = mps.Client(
            secret_id=AK, secret_key=SK, base_url=url, http_client=http_client
        )

        def mps_submit() -> object:
            task = mps_client.text_to_speech_async(
                text="你好",
                voice_id=MPS_VOICE,
                text_lang="zh",
                ext_param=mps.ExtParam(syn_ext=mps.SynExt(sample_rate=16000)),
            )
            _check(task.task_id == MPS_TASK, "task id")
            return task

        def mps_query() -> object:
            task = mps_client.describe_text_to_speech_async_task(task_id=MPS_TASK)
            _check(task.status == "success", "status")
            return task

        return Calls(mps_submit, mps_query, mps_client.close)
    if api == "tencent-ci":
        import tts_tencent_ci as ci

        ci_client = ci.Client(
            secret_id=AK,
            secret_key=SK,
            bucket=CI_BUCKET,
            region=CI_REGION,
            base_url=url,
            http_client=http_client,
        )

        def ci_submit() -> object:
            jobs = ci_client.submit_tts_job(
                tts_tpl=ci.TtsTpl(
                    codec="mp3", mode="Sync", speed=100, voice_type="ruxue", volume=0
                ),
                tts_config=ci.TtsConfig(input_type="Text", input=CI_TEXT),
                output=ci.Output(
                    region=CI_REGION, bucket="test-123456789", object="demo.mp3"
                ),
                user_data="This is my data.",
                job_level=0,
                call_back="http://callback.demo.com",
                call_back_format="JSON",
            )
            _check(jobs.jobs_detail[0].job_id == CI_JOB, "job id")
            return jobs

        def ci_query() -> object:
            jobs = ci_client.describe_tts_jobs(CI_JOB)
            _check(jobs.jobs_detail[0].state == "Success", "state")
            return jobs

        return Calls(ci_submit, ci_query, ci_client.close)
    raise KeyError(api)


def ours_async(api: str, url: str) -> AsyncCalls:
    """The generated package's async client, sending to `url`."""
    if api == "huawei-metastudio":
        import tts_huawei_metastudio as hw

        client = hw.AsyncClient(ak=AK, sk=SK, project_id=PROJECT_ID, base_url=url)

        async def hw_submit() -> object:
            job = await client.create_async_tts_job(
                text="Hello, everyone. I'm Sarah.",
                voice_asset_id="c84054e7f29543048d585f61248c64c9",
            )
            _check(job.job_id == HUAWEI_JOB, "job id")
            return job

        async def hw_query() -> object:
            job = await client.show_async_tts_job(HUAWEI_JOB)
            _check(job.state == "SUCCEED", "state")
            return job

        return AsyncCalls(hw_submit, hw_query, client.close)
    if api == "alibaba-ice":
        import tts_alibaba_ice as ice

        ice_client = ice.AsyncClient(
            access_key_id=AK, access_key_secret=SK, base_url=url
        )

        async def ice_submit() -> object:
            job = await ice_client.submit_audio_produce_job(
                editing_config=ice.EditingConfig(voice="Siqi", format="MP3", volume=50),
                output_config=ice.OutputConfig(
                    bucket="my_bucket", object="target_audio"
                ),
                input_config="Test text",
            )
            _check(job.job_id == ICE_JOB, "job id")
            return job

        async def ice_query() -> object:
            job = await ice_client.get_smart_handle_job(job_id=ICE_JOB)
            _check(job.state == "Finished", "state")
            return job

        return AsyncCalls(ice_submit, ice_query, ice_client.close)
    if api == "tencent-mps":
        import tts_tencent_mps as mps

        mps_client = mps.AsyncClient(secret_id=AK, secret_key=SK, base_url=url)

        async def mps_submit() -> object:
            task = await mps_client.text_to_speech_async(
                text="你好",
                voice_id=MPS_VOICE,
                text_lang="zh",
                ext_param=mps.ExtParam(syn_ext=mps.SynExt(sample_rate=16000)),
            )
            _check(task.task_id == MPS_TASK, "task id")
            return task

        async def mps_query() -> object:
            task = await mps_client.describe_text_to_speech_async_task(task_id=MPS_TASK)
            _check(task.status == "success", "status")
            return task

        return AsyncCalls(mps_submit, mps_query, mps_client.close)
    if api == "tencent-ci":
        import tts_tencent_ci as ci

        ci_client = ci.AsyncClient(
            secret_id=AK,
            secret_key=SK,
            bucket=CI_BUCKET,
            region=CI_REGION,
            base_url=url,
        )

        async def ci_submit() -> object:
            jobs = await ci_client.submit_tts_job(
                tts_tpl=ci.TtsTpl(
                    codec="mp3", mode="Sync", speed=100, voice_type="ruxue", volume=0
                ),
                tts_config=ci.TtsConfig(input_type="Text", input=CI_TEXT),
                output=ci.Output(
                    region=CI_REGION, bucket="test-123456789", object="demo.mp3"
                ),
                user_data="This is my data.",
                job_level=0,
                call_back="http://callback.demo.com",
                call_back_format="JSON",
            )
            _check(jobs.jobs_detail[0].job_id == CI_JOB, "job id")
            return jobs

        async def ci_query() -> object:
            jobs = await ci_client.describe_tts_jobs(CI_JOB)
            _check(jobs.jobs_detail[0].state == "Success", "state")
            return jobs

        return AsyncCalls(ci_submit, ci_query, ci_client.close)
    raise KeyError(api)


# --- bare httpx --------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    method: str
    url: str
    headers: dict[str, str]
    content: bytes


# httpx sets these itself, from the URL and the content.
_OWN_HEADERS = {"host", "content-length"}


def sent_by_ours(api: str, url: str) -> tuple[Sent, Sent]:
    """The submit and the query exactly as the generated client sends them."""
    seen: list[httpx.Request] = []
    with httpx.Client(event_hooks={"request": [seen.append]}) as http:
        calls = ours(api, url, http_client=http)
        calls.submit()
        calls.query()
    for request in seen:
        request.read()
    submit, query = (
        Sent(
            request.method,
            str(request.url),
            {k: v for k, v in request.headers.items() if k.lower() not in _OWN_HEADERS},
            request.content,
        )
        for request in seen[-2:]
    )
    return submit, query


def _parse(response: httpx.Response) -> object:
    response.raise_for_status()
    if response.headers.get("content-type", "").startswith("application/xml"):
        return ElementTree.fromstring(response.content)
    return json.loads(response.content)


def bare(api: str, url: str) -> Calls:
    """httpx.Client sending the generated client's bytes, and parsing the JSON (or XML)."""
    submit, query = sent_by_ours(api, url)
    http = httpx.Client()

    def send(sent: Sent) -> Call:
        def call() -> object:
            return _parse(
                http.request(
                    sent.method, sent.url, headers=sent.headers, content=sent.content
                )
            )

        return call

    return Calls(send(submit), send(query), http.close)


def bare_async(api: str, url: str) -> AsyncCalls:
    """httpx.AsyncClient sending the generated client's bytes, and parsing the answer."""
    submit, query = sent_by_ours(api, url)
    http = httpx.AsyncClient()

    def send(sent: Sent) -> AsyncCall:
        async def call() -> object:
            return _parse(
                await http.request(
                    sent.method, sent.url, headers=sent.headers, content=sent.content
                )
            )

        return call

    return AsyncCalls(send(submit), send(query), http.aclose)


# --- the official SDKs -------------------------------------------------------------------


def _nothing() -> None:
    pass


def official(api: str, url: str) -> Calls:
    """The vendor's official SDK, its endpoint pointed at `url` (http, on loopback)."""
    host = url.removeprefix("http://")
    ip, _, port = host.partition(":")
    if api == "huawei-metastudio":
        # with_endpoints takes a full URL, scheme included.
        credentials = _sdk("huaweicloudsdkcore.auth.credentials")
        v1 = _sdk("huaweicloudsdkmetastudio.v1")
        hw = (
            v1.MetaStudioClient.new_builder()
            .with_credentials(credentials.BasicCredentials(AK, SK, PROJECT_ID))
            .with_endpoints([url])
            .build()
        )

        def hw_submit() -> object:
            body = v1.CreateAsyncTtsJobRequestBody(
                text="Hello, everyone. I'm Sarah.",
                voice_asset_id="c84054e7f29543048d585f61248c64c9",
            )
            job = hw.create_async_tts_job(v1.CreateAsyncTtsJobRequest(body=body))
            _check(job.job_id == HUAWEI_JOB, "job id")
            return job

        def hw_query() -> object:
            job = hw.show_async_tts_job(v1.ShowAsyncTtsJobRequest(job_id=HUAWEI_JOB))
            _check(job.state == "SUCCEED", "state")
            return job

        return Calls(hw_submit, hw_query, _nothing)
    if api == "alibaba-ice":
        # Config(endpoint=host[:port], protocol="http").
        open_api = _sdk("alibabacloud_tea_openapi.models")
        models = _sdk("alibabacloud_ice20201109.models")
        ice = _sdk("alibabacloud_ice20201109.client").Client(
            open_api.Config(
                access_key_id=AK,
                access_key_secret=SK,
                endpoint=host,
                protocol="http",
                region_id="cn-shanghai",
            )
        )

        def ice_submit() -> object:
            request = models.SubmitAudioProduceJobRequest(
                editing_config=json.dumps(
                    {"voice": "Siqi", "format": "MP3", "volume": 50},
                    separators=(",", ":"),
                ),
                output_config=json.dumps(
                    {"bucket": "my_bucket", "object": "target_audio"},
                    separators=(",", ":"),
                ),
                input_config="Test text",
            )
            job = ice.submit_audio_produce_job(request)
            _check(job.body.job_id == ICE_JOB, "job id")
            return job

        def ice_query() -> object:
            job = ice.get_smart_handle_job(
                models.GetSmartHandleJobRequest(job_id=ICE_JOB)
            )
            _check(job.body.state == "Finished", "state")
            return job

        return Calls(ice_submit, ice_query, _nothing)
    if api == "tencent-mps":
        # HttpProfile(protocol="http", endpoint=host:port); keepAlive=True (the SDK's
        # default is a new connection per call), so it runs at its best.
        credential = _sdk("tencentcloud.common.credential")
        profiles = _sdk("tencentcloud.common.profile.client_profile")
        http_profile = _sdk("tencentcloud.common.profile.http_profile")
        mps_module = _sdk("tencentcloud.mps.v20190612.mps_client")
        models = _sdk("tencentcloud.mps.v20190612.models")
        mps = mps_module.MpsClient(
            credential.Credential(AK, SK),
            "",
            profiles.ClientProfile(
                httpProfile=http_profile.HttpProfile(
                    protocol="http", endpoint=host, keepAlive=True
                )
            ),
        )

        def mps_submit() -> object:
            request = models.TextToSpeechAsyncRequest()
            request.Text = "你好"
            request.VoiceId = MPS_VOICE
            request.TextLang = "zh"
            request.ExtParam = '{"synExt":{"sampleRate":16000}}'
            task = mps.TextToSpeechAsync(request)
            _check(task.TaskId == MPS_TASK, "task id")
            return task

        def mps_query() -> object:
            request = models.DescribeTextToSpeechAsyncTaskRequest()
            request.TaskId = MPS_TASK
            task = mps.DescribeTextToSpeechAsyncTask(request)
            _check(task.Status == "success", "status")
            return task

        return Calls(mps_submit, mps_query, _nothing)
    if api == "tencent-ci":
        # CosConfig(IP=..., Port=..., Scheme="http") wins over the bucket's CI host.
        cos = _sdk("qcloud_cos")
        ci = cos.CosS3Client(
            cos.CosConfig(
                Region=CI_REGION,
                SecretId=AK,
                SecretKey=SK,
                Scheme="http",
                IP=ip,
                Port=int(port),
            )
        )

        def ci_submit() -> object:
            jobs = ci.ci_create_media_jobs(
                Bucket=CI_BUCKET,
                Jobs={
                    "Tag": "Tts",
                    "Operation": {
                        "TtsTpl": {
                            "Codec": "mp3",
                            "Mode": "Sync",
                            "Speed": "100",
                            "VoiceType": "ruxue",
                            "Volume": "0",
                        },
                        "TtsConfig": {"InputType": "Text", "Input": CI_TEXT},
                        "Output": {
                            "Region": CI_REGION,
                            "Bucket": "test-123456789",
                            "Object": "demo.mp3",
                        },
                        "UserData": "This is my data.",
                        "JobLevel": "0",
                    },
                    "CallBack": "http://callback.demo.com",
                    "CallBackFormat": "JSON",
                },
                Lst={},
            )
            _check(jobs["JobsDetail"][0]["JobId"] == CI_JOB, "job id")
            return jobs

        def ci_query() -> object:
            jobs = ci.ci_get_media_jobs(Bucket=CI_BUCKET, JobIDs=CI_JOB)
            _check(jobs["JobsDetail"][0]["State"] == "Success", "state")
            return jobs

        return Calls(ci_submit, ci_query, _nothing)
    raise KeyError(api)


# The distributions (for sizes) and the imports a program needs for the calls above.
OFFICIAL = {
    "huawei-metastudio": (
        "huaweicloudsdkmetastudio",
        "import huaweicloudsdkcore.auth.credentials, huaweicloudsdkmetastudio.v1",
    ),
    "alibaba-ice": (
        "alibabacloud-ice20201109",
        "import alibabacloud_tea_openapi.models, alibabacloud_ice20201109.client",
    ),
    "tencent-mps": (
        "tencentcloud-sdk-python-mps",
        "import tencentcloud.common.credential, tencentcloud.mps.v20190612.mps_client",
    ),
    "tencent-ci": ("cos-python-sdk-v5", "import qcloud_cos"),
}
PACKAGES = {
    "huawei-metastudio": "tts_huawei_metastudio",
    "alibaba-ice": "tts_alibaba_ice",
    "tencent-mps": "tts_tencent_mps",
    "tencent-ci": "tts_tencent_ci",
}
