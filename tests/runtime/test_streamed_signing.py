"""Signers that hash the body (TC3, ACS3, SDK-HMAC) sign a streamed upload by its bytes.

An upload is streamed from its file as it is sent. A signer that hashes the body reads
it once before (`Stream.read_ahead`, 64 KiB at a time), and the file is read again from
its start for the send. `tests/support/specs/example-signed-uploads.yaml` has a raw and
a multipart upload under each hashing signer; its package is driven against a loopback
server that hashes what it receives as it reads it. The reference signature is the same
signer given the bytes the server received, whole: that path is held to the vendors' own
SDKs by `test_signer_tables.py`, and the vendors' worked examples are checked streamed
below as well.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import io
import os
import threading
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.runtime.acs3_hmac_sha256 import Acs3HmacSha256Signer
from generator.runtime.cos_sha1 import CosSha1Signer
from generator.runtime.sdk_hmac_sha256 import SdkHmacSha256Signer
from generator.runtime.sdk_hmac_sha256 import canonical_request as sdk_canonical
from generator.runtime.tc3_hmac_sha256 import Tc3HmacSha256Signer
from generator.runtime.upload import file_body
from tests.support.generate import generated_package

SPEC = (
    Path(__file__).parent.parent / "support" / "specs" / "example-signed-uploads.yaml"
)
KEY_ID = "AKIDEXAMPLEKEY0123456"
SECRET = "SecretKeyExample/With+Symbols=0123456789"
CHUNK = 64 * 1024
# Keeps what it receives up to this size, for the reference signature; a larger body is
# only hashed as it is read, so the server adds nothing to the client's peak memory.
KEEP = 4 * 1024 * 1024


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    spec = SPEC.read_text(encoding="utf-8")
    for _ in generated_package(tmp_path_factory, "example-signed-uploads", spec):
        yield importlib.import_module("tts_example_signed_uploads")


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    sha256: str
    size: int
    body: bytes | None  # None: larger than KEEP


class HashingServer:
    """Answers every request with `{"id": "ok"}`, on 127.0.0.1, reading each body in
    64 KiB chunks."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                digest = hashlib.sha256()
                kept = bytearray()
                left = length
                while left:
                    chunk = self.rfile.read(min(CHUNK, left))
                    if not chunk:
                        break
                    left -= len(chunk)
                    digest.update(chunk)
                    if length <= KEEP:
                        kept += chunk
                server.received.append(
                    Received(
                        self.command,
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        digest.hexdigest(),
                        length - left,
                        bytes(kept) if length <= KEEP else None,
                    )
                )
                payload = b'{"id": "ok"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_PUT = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> HashingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@contextmanager
def serve() -> Iterator[HashingServer]:
    with HashingServer() as server:
        yield server


def client(pkg: Any, base_url: str, **kwargs: Any) -> Any:
    return pkg.Client(
        secret_id=KEY_ID,
        secret_key=SECRET,
        access_key_id=KEY_ID,
        access_key_secret=SECRET,
        ak=KEY_ID,
        sk=SECRET,
        base_url=base_url,
        **kwargs,
    )


def _signed_names(authorization: str) -> list[str]:
    part = authorization.split("SignedHeaders=", 1)[1]
    return part.split(",", 1)[0].strip().split(";")


def reference(
    signer: str, method: str, url: str, headers: dict[str, str], body: bytes
) -> str:
    """The Authorization the signer gives the request with `body` whole, as bytes; the
    time, nonce and signed headers are those the request carried."""
    names = _signed_names(headers["authorization"])
    signed = {name: headers[name] for name in names if name != "host"}
    if signer == "tc3":
        tc3 = Tc3HmacSha256Signer(secret_id=KEY_ID, secret_key=SECRET, service="asr")
        signed["x-tc-timestamp"] = headers["x-tc-timestamp"]
        return tc3.sign(method, url, signed, body)["Authorization"]
    if signer == "acs3":
        signed.pop("x-acs-content-sha256")  # worked out from the body, as it must be
        acs3 = Acs3HmacSha256Signer(access_key_id=KEY_ID, access_key_secret=SECRET)
        return acs3.sign(method, url, signed, body)["Authorization"]
    sdk = SdkHmacSha256Signer(ak=KEY_ID, sk=SECRET)
    return sdk.sign(method, url, signed, body)["Authorization"]


def check_signed(server: HashingServer, signer: str, data: bytes) -> Received:
    """The one request received: its body is `data` (or a multipart body holding it),
    and its signature is the reference's over the bytes received."""
    [got] = server.received
    assert got.body is not None
    assert data in got.body
    assert got.sha256 == hashlib.sha256(got.body).hexdigest()
    url = server.url + got.path
    assert got.headers["authorization"] == reference(
        signer, got.method, url, got.headers, got.body
    )
    if signer == "acs3":
        assert got.headers["x-acs-content-sha256"] == got.sha256
    return got


UPLOADS = {
    ("tc3", "raw"): ("tc3_upload_audio", "body"),
    ("tc3", "multipart"): ("tc3_transcribe", "file"),
    ("acs3", "raw"): ("acs3_upload_audio", "body"),
    ("acs3", "multipart"): ("acs3_transcribe", "file"),
    ("sdk", "raw"): ("sdk_upload_audio", "body"),
    ("sdk", "multipart"): ("sdk_transcribe", "file"),
}
SIGNERS = ["tc3", "acs3", "sdk"]


@pytest.fixture(scope="module")
def audio(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """1 MiB and a bit: 17 chunks, the last one short."""
    data = os.urandom(16 * CHUNK + 1234)
    path = tmp_path_factory.mktemp("audio") / "speech.wav"
    path.write_bytes(data)
    return path, data


@pytest.mark.parametrize("form", ["raw", "multipart"])
@pytest.mark.parametrize("signer", SIGNERS)
def test_a_streamed_path_is_signed_by_its_bytes(
    pkg: Any, audio: tuple[Path, bytes], signer: str, form: str
) -> None:
    path, data = audio
    method, argument = UPLOADS[signer, form]
    with serve() as server, client(pkg, server.url) as api:
        assert getattr(api, method)(**{argument: path}).id == "ok"
    got = check_signed(server, signer, data)
    # Streamed, not read into memory: its size was known, so no chunked encoding.
    assert "transfer-encoding" not in got.headers


@pytest.mark.parametrize("signer", SIGNERS)
def test_a_seekable_file_object_is_hashed_from_where_it_stands(
    pkg: Any, audio: tuple[Path, bytes], signer: str
) -> None:
    path, data = audio
    method, argument = UPLOADS[signer, "raw"]
    with path.open("rb") as file, serve() as server, client(pkg, server.url) as api:
        file.seek(100)  # a header the caller skipped
        getattr(api, method)(**{argument: file})
    got = check_signed(server, signer, data[100:])
    assert got.size == len(data) - 100


@pytest.mark.parametrize("signer", SIGNERS)
def test_the_async_client_signs_a_streamed_body_by_its_bytes(
    pkg: Any, audio: tuple[Path, bytes], signer: str
) -> None:
    path, data = audio
    method, argument = UPLOADS[signer, "multipart"]

    async def main(url: str) -> None:
        async with pkg.AsyncClient(
            secret_id=KEY_ID,
            secret_key=SECRET,
            access_key_id=KEY_ID,
            access_key_secret=SECRET,
            ak=KEY_ID,
            sk=SECRET,
            base_url=url,
        ) as api:
            await getattr(api, method)(**{argument: path})

    with serve() as server:
        asyncio.run(main(server.url))
    check_signed(server, signer, data)


class _Pipe(io.RawIOBase):
    """A binary stream that cannot seek (a pipe, a socket)."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.reads = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self.reads += 1
        return self._data.readinto(buffer)


@pytest.mark.parametrize("form", ["raw", "multipart"])
@pytest.mark.parametrize("signer", SIGNERS)
def test_a_file_that_cannot_seek_is_refused_before_anything_is_sent(
    pkg: Any, signer: str, form: str
) -> None:
    method, argument = UPLOADS[signer, form]
    pipe = _Pipe(b"RIFF" + bytes(1000))
    with serve() as server, client(pkg, server.url) as api:
        with pytest.raises(ValueError, match=rf"^{argument}: .*cannot seek"):
            getattr(api, method)(**{argument: pipe})
    assert server.received == []
    assert pipe.reads == 0  # refused before a byte of it was read


def test_an_unhashing_requirement_still_streams_a_file_that_cannot_seek() -> None:
    """Only a signer that hashes the body reads it ahead: the COS signer and tokens do
    not, so they never ask a file to be read twice."""

    class Exploding:
        def read_ahead(self) -> Iterable[bytes]:
            raise AssertionError("read ahead")

    cos = CosSha1Signer(secret_id=KEY_ID, secret_key=SECRET)
    url = "https://examplebucket-1250000000.cos.ap-beijing.myqcloud.com/a.wav"
    headers = {"Content-Type": "audio/wav"}
    streamed = cos.sign("PUT", url, headers, Exploding(), now=1_700_000_000)
    assert streamed == cos.sign("PUT", url, headers, b"x", now=1_700_000_000)


class _FailFirst(httpx.BaseTransport):
    """Refuses the first connection (nothing of the request left), then sends as usual;
    keeps each attempt's headers."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.attempts: list[httpx.Headers] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts.append(request.headers)
        if len(self.attempts) == 1:
            raise httpx.ConnectError("connection refused", request=request)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


@pytest.mark.parametrize("signer", SIGNERS)
def test_a_retry_reads_the_body_from_its_start_again(
    pkg: Any, audio: tuple[Path, bytes], signer: str
) -> None:
    path, data = audio
    method, argument = UPLOADS[signer, "raw"]
    transport = _FailFirst()
    with path.open("rb") as file, serve() as server:
        file.seek(7)
        http = httpx.Client(transport=transport)
        with client(pkg, server.url, http_client=http, max_retries=1) as api:
            getattr(api, method)(**{argument: file})
        http.close()
    # The retry was signed over the same bytes, from where the file stood at the call,
    # and those bytes were sent.
    got = check_signed(server, signer, data[7:])
    assert got.size == len(data) - 7
    first, second = transport.attempts
    url = server.url + got.path
    first_headers = {k.lower(): v for k, v in first.items()}
    assert first_headers["authorization"] == reference(
        signer, got.method, url, first_headers, data[7:]
    )
    if signer == "acs3":
        assert first["x-acs-content-sha256"] == second["x-acs-content-sha256"]
        assert first["x-acs-content-sha256"] == hashlib.sha256(data[7:]).hexdigest()


MEMORY_LIMIT = 8 * 1024 * 1024


@pytest.mark.parametrize("signer", SIGNERS)
def test_a_20_mb_upload_is_hashed_and_sent_in_bounded_memory(
    pkg: Any, tmp_path: Path, signer: str
) -> None:
    size = 20 * 1024 * 1024
    path = tmp_path / "long.wav"
    digest = hashlib.sha256()
    with path.open("wb") as file:
        for _ in range(size // (1024 * 1024)):
            block = os.urandom(1024 * 1024)
            digest.update(block)
            file.write(block)
    method, argument = UPLOADS[signer, "raw"]
    with serve() as server, client(pkg, server.url) as api:
        call: Callable[..., Any] = getattr(api, method)
        call(**{argument: b"warm-up"})  # imports, the connection pool
        tracemalloc.start()
        try:
            call(**{argument: path})
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    print(f"{signer}: peak {peak / 2**20:.2f} MiB for a 20 MiB upload")
    assert peak < MEMORY_LIMIT
    got = server.received[-1]
    assert (got.size, got.sha256) == (size, digest.hexdigest())
    if signer == "acs3":
        assert got.headers["x-acs-content-sha256"] == digest.hexdigest()


# --- The vendors' worked examples, their bodies streamed from a file --------------------


def _streamed(tmp_path: Path, data: bytes) -> Any:
    path = tmp_path / "body"
    path.write_bytes(data)
    return file_body("body", path, "application/json")


def test_tc3_vendor_example_streamed(tmp_path: Path) -> None:
    # Tencent Cloud's signature v3 page, worked example (CVM DescribeInstances).
    payload = (
        b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], '
        b'"Name": "instance-name"}]}'
    )
    signer = Tc3HmacSha256Signer(
        secret_id="AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        secret_key="Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
    )
    added = signer.sign(
        "POST",
        "https://cvm.tencentcloudapi.com/",
        {"Content-Type": "application/json; charset=utf-8"},
        _streamed(tmp_path, payload),
        now=1551113065,
    )
    assert added["Authorization"].endswith(
        "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    )


def test_acs3_vendor_example_streamed(tmp_path: Path) -> None:
    # Alibaba Cloud's V3 signature page, worked example (ECS RunInstances, no body).
    signer = Acs3HmacSha256Signer(
        access_key_id="YourAccessKeyId", access_key_secret="YourAccessKeySecret"
    )
    added = signer.sign(
        "POST",
        "https://ecs.cn-shanghai.aliyuncs.com/?ImageId=win2019_1809_x64_dtc_zh-cn_40G"
        "_alibase_20230811.vhd&RegionId=cn-shanghai",
        {
            "x-acs-action": "RunInstances",
            "x-acs-version": "2014-05-26",
            "x-acs-date": "2023-10-26T10:22:32Z",
            "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
        },
        _streamed(tmp_path, b""),
    )
    assert added["x-acs-content-sha256"] == hashlib.sha256(b"").hexdigest()
    assert added["Authorization"].endswith(
        "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    )


def test_sdk_hmac_unsigned_payload_marker_replaces_the_hash() -> None:
    """Huawei's signing guide: a request that carries `X-Sdk-Content-Sha256:
    UNSIGNED-PAYLOAD` is checked without its body, the marker standing in the canonical
    request where the body's hash would. Then the body is not read ahead at all."""

    class Exploding:
        def read_ahead(self) -> Iterable[bytes]:
            raise AssertionError("read ahead")

    url = "https://metastudio.cn-north-4.myhuaweicloud.com/v1/audio"
    headers = {
        "Content-Type": "audio/wav",
        "X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD",
        "X-Sdk-Date": "20240102T030405Z",
    }
    canonical = sdk_canonical("PUT", url, headers, Exploding())
    assert canonical.endswith(
        "content-type;x-sdk-content-sha256;x-sdk-date\nUNSIGNED-PAYLOAD"
    )
    signer = SdkHmacSha256Signer(ak=KEY_ID, sk=SECRET)
    unsigned = signer.sign("PUT", url, headers, Exploding())
    # Whatever the body: it is not part of the signature.
    assert unsigned == signer.sign("PUT", url, headers, b"any bytes")
    # Without the marker the body's hash is signed, as before.
    del headers["X-Sdk-Content-Sha256"]
    assert signer.sign("PUT", url, headers, b"a") != signer.sign(
        "PUT", url, headers, b"b"
    )
