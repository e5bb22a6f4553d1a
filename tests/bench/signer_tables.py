"""Refresh the expected values of tests/runtime/test_signer_tables.py from the official SDKs.

`python -m tests.bench.signer_tables` signs every row of CASES twice: with the vendor's
official SDK (the `bench` extra) and with our signer, and prints, per signer, the rows as
the test module holds them (inputs, the SDK's canonical text, the SDK's Authorization)
followed by the rows where ours differs. Its exit status is 1 if any row differs.

It lives here, not in tests/runtime, because it needs the SDKs, which `make test` does not
install; tests/bench is never collected. The SDKs are imported by name (they ship no type
hints), so the type checker sees them as `Any`.

How each SDK is driven, with fixed credentials, time and nonce:

- Huawei, huaweicloudsdkcore 3.1.219: `signer.Signer(credentials).sign(SdkRequest)`, the
  request built as the SDK's client builds it (path parameters `quote(v, safe="")`, query
  as a list of decoded (key, value) pairs, X-Sdk-Date given). The canonical request is
  read from `Signer._process_canonical_request`.
- Alibaba, alibabacloud_tea_openapi 0.4.6: `utils.Utils.get_authorization(request,
  "ACS3-HMAC-SHA256", sha256_hex(body), ak, secret)`, which its client calls with the
  query as a dict of decoded values and every header it sends. The SDK leaves query
  *names* unencoded and a dict holds one value per name; the rows that need either pass
  the names already encoded by the published rule (see `_ACS3_NAME_FIX`).
- Tencent TC3, tencentcloud-sdk-python-common 3.1.195: `AbstractClient._get_tc3_signature`
  with a stand-in request (method, uri, data, Content-Type, Host, X-TC-Timestamp): for GET
  the SDK signs `data` as the query string and an empty payload, for POST `data` as the
  payload and an empty query string. The canonical request is recorded from the module's
  sha256 call.
- Tencent COS, cos-python-sdk-v5 1.9.44: `cos_auth.CosS3Auth(conf, key, params,
  expire=600)` called on a stand-in request, with `time.time` fixed; the HttpString is read
  from the SDK's own debug log. It takes the object key and the parameters decoded.

A row whose input the SDK cannot take as sent (a header with surrounding spaces, which the
server receives trimmed) is given the SDK as the server sees it; the test module's table
comments say which rows and why.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from generator.runtime.acs3_hmac_sha256 import Acs3HmacSha256Signer
from generator.runtime.acs3_hmac_sha256 import canonical_request as acs3_canonical
from generator.runtime.cos_sha1 import CosSha1Signer, http_string
from generator.runtime.sdk_hmac_sha256 import SdkHmacSha256Signer
from generator.runtime.sdk_hmac_sha256 import canonical_request as sdk_canonical
from generator.runtime.tc3_hmac_sha256 import Tc3HmacSha256Signer
from generator.runtime.tc3_hmac_sha256 import canonical_request as tc3_canonical

AK = "AKIDEXAMPLEKEY0123456"
SK = "SecretKeyExample/With+Symbols=0123456789"
HUAWEI_HOST = "metastudio.cn-north-4.myhuaweicloud.com"
HUAWEI_DATE = "20240102T030405Z"
ALIBABA_HOST = "ice.cn-shanghai.aliyuncs.com"
ALIBABA_DATE = "2024-01-02T03:04:05Z"
ALIBABA_NONCE = "3b1f0c2d4e5a69788796a5b4c3d2e1f0"
TC3_HOST = "mps.tencentcloudapi.com"
TC3_TIMESTAMP = 1_704_164_645
COS_HOST = "examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com"
COS_NOW = 1_704_164_645

RESERVED = "~!'()*+/?&= "
JSON_BODY = '{"Text":"你好\uff0c世界 ~!\'()*+/?&= é","Voice":"a  b"}'.encode()


def _sdk(name: str) -> Any:
    return importlib.import_module(name)


@dataclass(frozen=True)
class Case:
    """One request, described decoded: each signer's URL and SDK input come from it."""

    id: str
    method: str = "GET"
    # Path segments as text; each is sent `quote(segment, safe="")`, as transport does.
    segments: tuple[str, ...] = ("v1", "jobs")
    # (name, value) pairs as text; value None is a name sent without "=".
    query: tuple[tuple[str, str | None], ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def path(self) -> str:
        return "/" + "/".join(quote(segment, safe="") for segment in self.segments)

    def query_string(self) -> str:
        return "&".join(
            quote(k, safe="")
            if v is None
            else f"{quote(k, safe='')}={quote(v, safe='')}"
            for k, v in self.query
        )

    def url(self, host: str) -> str:
        query = self.query_string()
        return f"https://{host}{self.path()}" + (f"?{query}" if query else "")


def _cases(header: str) -> list[Case]:
    """The shared table; `header` is a header name the signer signs (and the SDK sends)."""
    json_headers = {"Content-Type": "application/json"}
    return [
        Case("plain"),
        Case("path-unicode-and-space", segments=("v1", "语音 合成", "é")),
        Case("path-reserved-chars", segments=("v1", RESERVED.replace("/", ""))),
        Case("path-slash-in-segment", segments=("v1", "a/b")),
        Case("query-unicode-value", query=(("text", "你好 世界"),)),
        Case("query-reserved-value", query=(("v", RESERVED),)),
        Case("query-reserved-name", query=((f"k{RESERVED}", "v"),)),
        Case("query-unicode-name", query=(("名字", "v"),)),
        Case("query-plus-is-literal", query=(("v", "1+1 2"),)),
        Case("query-sorted-by-name", query=(("b", "2"), ("a", "1"), ("C", "3"))),
        Case("query-names-raw-vs-encoded-order", query=(("é", "1"), ("z", "2"))),
        Case("query-repeated-name", query=(("a", "2"), ("a", "1"))),
        Case("query-repeated-raw-vs-encoded-order", query=(("a", "é"), ("a", "z"))),
        Case("query-empty-value", query=(("a", ""), ("b", "1"))),
        Case("query-name-without-value", query=(("a", None), ("b", "1"))),
        Case("body-json-unicode", method="POST", headers=json_headers, body=JSON_BODY),
        Case("header-inner-spaces", headers={header: "a  b   c"}),
        Case("header-outer-spaces", headers={header: "  a b  "}),
        Case("header-unicode", headers={header: "语音 é"}),
    ]


def huawei_cases() -> list[Case]:
    # The Huawei SDK leaves a header whose name holds "_" unsigned; the other signers
    # sign a fixed set of names, none of which does.
    underscore = Case("header-name-with-underscore", headers={"X_Under": "1"})
    return [*_cases("X-Custom-Note"), underscore]


Row = dict[str, Any]


def _row(
    case: Case, url: str, headers: dict[str, str], canonical: str, auth: str
) -> Row:
    return {
        "id": case.id,
        "method": case.method,
        "url": url,
        "headers": headers,
        "body": case.body,
        "canonical": canonical,
        "authorization": auth,
    }


# --- Huawei SDK-HMAC-SHA256 ---------------------------------------------------------------


def huawei_sdk(case: Case) -> Row:
    signer_mod = _sdk("huaweicloudsdkcore.signer.signer")
    request_mod = _sdk("huaweicloudsdkcore.sdk_request")
    headers = {"X-Sdk-Date": HUAWEI_DATE, **case.headers}
    query = [(k, "" if v is None else v) for k, v in case.query]
    request = request_mod.SdkRequest(
        method=case.method,
        schema="https",
        host=HUAWEI_HOST,
        resource_path=case.path(),
        query_params=query,
        header_params=dict(headers),
        body=case.body,
    )
    signer = signer_mod.Signer(types.SimpleNamespace(ak=AK, sk=SK))
    seen: list[str] = []
    original = signer._process_canonical_request

    def record(req: Any, signed: Any) -> str:
        text: str = original(req, signed)
        seen.append(text)
        return text

    signer._process_canonical_request = record
    signer.sign(request)
    auth = request.header_params["Authorization"]
    return _row(case, case.url(HUAWEI_HOST), headers, seen[0], auth)


def huawei_ours(row: Row) -> tuple[str, str]:
    signer = SdkHmacSha256Signer(ak=AK, sk=SK)
    added = signer.sign(row["method"], row["url"], row["headers"], row["body"])
    to_sign = {**row["headers"], "Host": urlsplit(row["url"]).netloc}
    canonical = sdk_canonical(row["method"], row["url"], to_sign, row["body"])
    return canonical, added["Authorization"]


# --- Alibaba ACS3-HMAC-SHA256 -------------------------------------------------------------

# Rows whose query the SDK cannot take as is: it writes names unencoded, and a dict holds
# one value per name. The published rule (sort by name, then value; encode both, RFC 3986)
# is applied here and the result handed to the SDK as one pre-encoded name.
_ACS3_NAME_FIX = {
    "query-reserved-name",
    "query-unicode-name",
    "query-names-raw-vs-encoded-order",
    "query-repeated-name",
    "query-repeated-raw-vs-encoded-order",
}


def _acs3_percent(text: str) -> str:
    return quote(text, safe="~")


def alibaba_sdk(case: Case) -> Row:
    utils = _sdk("alibabacloud_tea_openapi.utils").Utils
    payload = hashlib.sha256(case.body).hexdigest()
    headers = {
        "x-acs-action": "SubmitAudioProduceJob",
        "x-acs-version": "2020-11-09",
        "x-acs-date": ALIBABA_DATE,
        "x-acs-signature-nonce": ALIBABA_NONCE,
        **case.headers,
    }
    sdk_headers = {"host": ALIBABA_HOST, **headers, "x-acs-content-sha256": payload}
    if case.id == "header-outer-spaces":
        sdk_headers = {k: v.strip() for k, v in sdk_headers.items()}
    query: dict[str, str]
    if case.id in _ACS3_NAME_FIX:
        pairs = sorted((k, v or "") for k, v in case.query)
        joined = "&".join(f"{_acs3_percent(k)}={_acs3_percent(v)}" for k, v in pairs)
        name, _, value = joined.rpartition("=")
        # The SDK encodes the value only; the last one is left for it to encode.
        query = {name: unquote(value)}
    else:
        query = {k: v or "" for k, v in case.query}
    request = types.SimpleNamespace(
        method=case.method, pathname=case.path(), query=query, headers=sdk_headers
    )
    seen: list[bytes] = []
    with _recording_sha256(_sdk("alibabacloud_tea_openapi.utils"), seen):
        auth = utils.get_authorization(request, "ACS3-HMAC-SHA256", payload, AK, SK)
    return _row(case, case.url(ALIBABA_HOST), headers, seen[0].decode(), auth)


def alibaba_ours(row: Row) -> tuple[str, str]:
    signer = Acs3HmacSha256Signer(access_key_id=AK, access_key_secret=SK)
    added = signer.sign(row["method"], row["url"], row["headers"], row["body"])
    to_sign = {**row["headers"], **added, "host": ALIBABA_HOST}
    canonical = acs3_canonical(row["method"], row["url"], to_sign, row["body"])
    return canonical, added["Authorization"]


# --- Tencent TC3-HMAC-SHA256 --------------------------------------------------------------


@contextmanager
def _recording_sha256(module: Any, seen: list[bytes]) -> Iterator[None]:
    real = module.hashlib

    def sha256(data: bytes = b"") -> Any:
        seen.append(data)
        return hashlib.sha256(data)

    module.hashlib = types.SimpleNamespace(sha256=sha256, sha1=hashlib.sha1)
    try:
        yield
    finally:
        module.hashlib = real


def tc3_sdk(case: Case) -> Row:
    module = _sdk("tencentcloud.common.abstract_client")
    content_type = case.headers.get("Content-Type", "application/json")
    headers = {"Content-Type": content_type}
    sdk_type = content_type.strip()  # the server receives it trimmed
    data = case.query_string() if case.method == "GET" else case.body.decode()
    request = types.SimpleNamespace(
        method=case.method,
        uri=case.path(),
        data=data,
        header={
            "Content-Type": sdk_type,
            "Host": TC3_HOST,
            "X-TC-Timestamp": str(TC3_TIMESTAMP),
        },
    )
    seen: list[bytes] = []
    date = "2024-01-02"
    with _recording_sha256(module, seen):
        signature = module.AbstractClient._get_tc3_signature(
            None, {}, request, date, "mps", SK
        )
    auth = (
        f"TC3-HMAC-SHA256 Credential={AK}/{date}/mps/tc3_request, "
        f"SignedHeaders=content-type;host, Signature={signature}"
    )
    url = case.url(TC3_HOST)
    return _row(case, url, headers, seen[-1].decode(), auth)


def tc3_cases() -> list[Case]:
    # TC3 signs Content-Type and Host only, so the header rows vary Content-Type; the body
    # rows are POST (the SDK's JSON style), the path and query rows GET.
    form = "application/x-www-form-urlencoded"
    spaced = {
        "header-inner-spaces": f"{form};  charset=utf-8",
        "header-outer-spaces": f"  {form}  ",
    }
    cases = []
    for case in _cases("Content-Type"):
        if case.id == "header-unicode":
            continue  # a Content-Type is ASCII
        if case.id in spaced:
            case = Case(case.id, headers={"Content-Type": spaced[case.id]})
        elif "Content-Type" not in case.headers:
            case = Case(
                case.id,
                case.method,
                case.segments,
                case.query,
                {"Content-Type": form},
                case.body,
            )
        cases.append(case)
    cases.append(
        Case(
            "post-with-query",
            method="POST",
            query=(("a", "1"),),
            headers={"Content-Type": "application/json"},
            body=b"{}",
        )
    )
    return cases


def tc3_ours(row: Row) -> tuple[str, str]:
    signer = Tc3HmacSha256Signer(secret_id=AK, secret_key=SK)
    added = signer.sign(
        row["method"], row["url"], row["headers"], row["body"], now=TC3_TIMESTAMP
    )
    to_sign = {"content-type": row["headers"]["Content-Type"], "host": TC3_HOST}
    canonical = tc3_canonical(row["method"], row["url"], to_sign, row["body"])
    return canonical, added["Authorization"]


# --- Tencent COS q-sign-algorithm=sha1 ----------------------------------------------------


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def cos_sdk(case: Case) -> Row:
    module = _sdk("qcloud_cos.cos_auth")
    headers = dict(case.headers)
    sdk_headers = {
        k: v.strip() for k, v in headers.items()
    }  # as the server receives them
    conf = types.SimpleNamespace(
        _secret_id=AK,
        _secret_key=SK,
        _credential_inst=None,
        _anonymous=False,
        _sign_params=True,
        _sign_host=True,
    )
    params = {k: v or "" for k, v in case.query}
    auth_obj = module.CosS3Auth(
        conf, key="/".join(case.segments), params=params, expire=600
    )
    request = types.SimpleNamespace(
        method=case.method, url=case.url(COS_HOST), headers=sdk_headers
    )
    capture = _Capture()
    logger = logging.getLogger(module.__name__)
    logger.addHandler(capture)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    real_time = module.time
    module.time = types.SimpleNamespace(time=lambda: COS_NOW)
    try:
        auth_obj(request)
    finally:
        module.time = real_time
        logger.removeHandler(capture)
        logger.setLevel(level)
    text = next(line for line in capture.lines if line.startswith("format str: "))
    canonical = text.removeprefix("format str: ")
    return _row(
        case, case.url(COS_HOST), headers, canonical, request.headers["Authorization"]
    )


def cos_cases() -> list[Case]:
    # A repeated name cannot be a COS parameter (the algorithm maps names to one value);
    # the test expects our signer to refuse it, so it is left out here.
    return [c for c in _cases("x-cos-meta-note") if "repeated" not in c.id]


def cos_ours(row: Row) -> tuple[str, str]:
    signer = CosSha1Signer(secret_id=AK, secret_key=SK)
    added = signer.sign(
        row["method"], row["url"], row["headers"], row["body"], now=COS_NOW
    )
    to_sign = {**row["headers"], "host": COS_HOST}
    return http_string(row["method"], row["url"], to_sign), added["Authorization"]


SIGNERS: dict[
    str,
    tuple[
        Callable[[], list[Case]],
        Callable[[Case], Row],
        Callable[[Row], tuple[str, str]],
    ],
] = {
    "huawei": (huawei_cases, huawei_sdk, huawei_ours),
    "alibaba": (lambda: _cases("x-acs-note"), alibaba_sdk, alibaba_ours),
    "tc3": (tc3_cases, tc3_sdk, tc3_ours),
    "cos": (cos_cases, cos_sdk, cos_ours),
}


def _literal(value: object) -> str:
    if value == JSON_BODY:
        return "JSON_BODY"
    if isinstance(value, str) and "\n" in value:
        lines = value.split("\n")
        parts = [repr(line + "\n") for line in lines[:-1]] + [repr(lines[-1])]
        return "(\n            " + "\n            ".join(parts) + "\n        )"
    return repr(value)


def _source(row: Row) -> str:
    fields = "".join(
        f"        {key}={_literal(value)},\n" for key, value in row.items()
    )
    return f"    Row(\n{fields}    ),"


def main() -> int:
    """Print each signer's rows as tests/runtime/test_signer_tables.py holds them."""
    differs = 0
    for name, (cases, sdk, ours) in SIGNERS.items():
        print(f"{name.upper()}_ROWS = [")
        for case in cases():
            row = sdk(case)
            print(_source(row))
            try:
                canonical, auth = ours(row)
            except ValueError as error:
                canonical, auth = f"ValueError: {error}", ""
            if (canonical, auth) != (row["canonical"], row["authorization"]):
                differs += 1
                print(f"    # DIFFERS from ours: {canonical!r}")
        print("]")
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main())
