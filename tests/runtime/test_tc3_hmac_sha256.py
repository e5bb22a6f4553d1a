from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterator

import pytest

from generator.runtime.tc3_hmac_sha256 import (
    Tc3HmacSha256Signer,
    canonical_request,
    credential_scope,
    derive_signing_key,
    service_from_host,
    string_to_sign,
    utc_date,
)

SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
EXAMPLE_URL = "https://cvm.tencentcloudapi.com/"
EXAMPLE_CONTENT_TYPE = "application/json; charset=utf-8"
EXAMPLE_TIMESTAMP = 1551113065
# The backslash-u escapes are literal ASCII in the vendor's payload bytes.
EXAMPLE_PAYLOAD = (
    b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], '
    b'"Name": "instance-name"}]}'
)
EXAMPLE_PAYLOAD_HASH = (
    "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
)
EXAMPLE_CANONICAL_HASH = (
    "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
)
EXAMPLE_SIGNATURE = "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"

MPS_URL = "https://mps.tencentcloudapi.com/"
MPS_HEADERS = {
    "Content-Type": "application/json",
    "X-TC-Action": "DescribeTaskDetail",
    "X-TC-Version": "2019-06-12",
    "X-TC-Region": "ap-guangzhou",
}

_AUTH = re.compile(
    r"TC3-HMAC-SHA256 Credential=(?P<id>[^/]+)/(?P<date>[^/]+)/(?P<service>[^/]+)"
    r"/tc3_request, SignedHeaders=(?P<signed>[^,]+), Signature=(?P<sig>[0-9a-f]{64})"
)


def _auth(added: dict[str, str]) -> dict[str, str]:
    match = _AUTH.fullmatch(added["Authorization"])
    assert match is not None, added["Authorization"]
    return match.groupdict()


def _independent_signature(
    *,
    secret_key: str,
    service: str,
    host: str,
    content_type: str,
    timestamp: int,
    body: bytes,
) -> str:
    """The vendor's algorithm for `POST /`, written out step by step."""
    date = time.strftime("%Y-%m-%d", time.gmtime(timestamp))
    canonical = (
        f"POST\n/\n\ncontent-type:{content_type}\nhost:{host}\n\n"
        f"content-type;host\n{hashlib.sha256(body).hexdigest()}"
    )
    to_sign = (
        f"TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n"
        + hashlib.sha256(canonical.encode()).hexdigest()
    )
    key = ("TC3" + secret_key).encode()
    for part in (date, service, "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def _verifies(added: dict[str, str], body: bytes, content_type: str) -> bool:
    auth = _auth(added)
    expected = _independent_signature(
        secret_key=SECRET_KEY,
        service=auth["service"],
        host="mps.tencentcloudapi.com",
        content_type=content_type,
        timestamp=int(added["X-TC-Timestamp"]),
        body=body,
    )
    return hmac.compare_digest(expected, auth["sig"])


@pytest.fixture(params=[("CST-8", 8), ("PST+8", -8)], ids=["utc+8", "utc-8"])
def local_time_off_utc(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Local time 8 hours ahead of or behind UTC (POSIX TZ, no tzdata needed).

    Around UTC midnight one of the two puts the local date on another day, so a
    date taken from local time instead of UTC fails in one of them.
    """
    tz, hours = request.param
    monkeypatch.setenv("TZ", tz)
    time.tzset()
    assert time.localtime(0).tm_gmtoff == hours * 3600
    yield
    monkeypatch.undo()
    time.tzset()


def test_vendor_worked_example() -> None:
    headers = {
        "Content-Type": EXAMPLE_CONTENT_TYPE,
        "Host": "cvm.tencentcloudapi.com",
    }
    canonical = canonical_request("POST", EXAMPLE_URL, headers, EXAMPLE_PAYLOAD)
    assert hashlib.sha256(EXAMPLE_PAYLOAD).hexdigest() == EXAMPLE_PAYLOAD_HASH
    assert canonical == (
        "POST\n"
        "/\n"
        "\n"
        "content-type:application/json; charset=utf-8\n"
        "host:cvm.tencentcloudapi.com\n"
        "\n"
        "content-type;host\n" + EXAMPLE_PAYLOAD_HASH
    )
    assert hashlib.sha256(canonical.encode()).hexdigest() == EXAMPLE_CANONICAL_HASH

    to_sign = string_to_sign(canonical, EXAMPLE_TIMESTAMP, "cvm")
    assert to_sign == (
        "TC3-HMAC-SHA256\n"
        "1551113065\n"
        "2019-02-25/cvm/tc3_request\n" + EXAMPLE_CANONICAL_HASH
    )
    assert credential_scope(utc_date(EXAMPLE_TIMESTAMP), "cvm") == (
        "2019-02-25/cvm/tc3_request"
    )
    key = derive_signing_key(SECRET_KEY, "2019-02-25", "cvm")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    assert signature == EXAMPLE_SIGNATURE

    expected = {
        "X-TC-Timestamp": "1551113065",
        "Authorization": (
            "TC3-HMAC-SHA256 "
            "Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
            "SignedHeaders=content-type;host, "
            f"Signature={EXAMPLE_SIGNATURE}"
        ),
    }
    signer = Tc3HmacSha256Signer(secret_id=SECRET_ID, secret_key=SECRET_KEY)
    request_headers = {
        "Content-Type": EXAMPLE_CONTENT_TYPE,
        "X-TC-Action": "DescribeInstances",
        "X-TC-Version": "2017-03-12",
        "X-TC-Region": "ap-guangzhou",
    }
    # Timestamp from `now`, and from a header the caller already set.
    assert (
        signer.sign(
            "POST", EXAMPLE_URL, request_headers, EXAMPLE_PAYLOAD, now=1551113065.9
        )
        == expected
    )
    with_timestamp = {**request_headers, "X-TC-Timestamp": "1551113065"}
    assert (
        signer.sign("POST", EXAMPLE_URL, with_timestamp, EXAMPLE_PAYLOAD, now=1.0)
        == expected
    )


def test_payload_is_hashed_exactly_as_given() -> None:
    params = {"TaskId": "2600011633-WorkflowTask-1", "Name": "未命名 任务"}
    bodies = [
        json.dumps(params, ensure_ascii=True).encode(),
        json.dumps(params, ensure_ascii=False).encode("utf-8"),
        json.dumps(params, ensure_ascii=True, separators=(",", ":")).encode(),
    ]
    assert len(set(bodies)) == 3
    assert b"\\u672a" in bodies[0]
    assert "未命名".encode() in bodies[1]

    signer = Tc3HmacSha256Signer(secret_id=SECRET_ID, secret_key=SECRET_KEY)
    signed = [
        signer.sign("POST", MPS_URL, MPS_HEADERS, body, now=EXAMPLE_TIMESTAMP)
        for body in bodies
    ]
    payload_hashes = [
        canonical_request(
            "POST",
            MPS_URL,
            {"Content-Type": "application/json", "Host": "mps.tencentcloudapi.com"},
            body,
        ).rsplit("\n", 1)[1]
        for body in bodies
    ]
    assert payload_hashes == [hashlib.sha256(body).hexdigest() for body in bodies]
    assert len(set(payload_hashes)) == 3
    assert len({_auth(added)["sig"] for added in signed}) == 3

    for index, (added, body) in enumerate(zip(signed, bodies, strict=True)):
        assert _verifies(added, body, "application/json")
        # ...and against no other serialisation of the same data.
        for other_index, other in enumerate(bodies):
            if other_index != index:
                assert not _verifies(added, other, "application/json")


def test_session_token_is_added_only_when_configured() -> None:
    plain = Tc3HmacSha256Signer(secret_id=SECRET_ID, secret_key=SECRET_KEY)
    added = plain.sign("POST", MPS_URL, MPS_HEADERS, b"{}", now=EXAMPLE_TIMESTAMP)
    assert list(added) == ["X-TC-Timestamp", "Authorization"]

    temporary = Tc3HmacSha256Signer(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, session_token="token-a"
    )
    added = temporary.sign("POST", MPS_URL, MPS_HEADERS, b"{}", now=EXAMPLE_TIMESTAMP)
    assert list(added) == ["X-TC-Timestamp", "X-TC-Token", "Authorization"]
    assert added["X-TC-Token"] == "token-a"
    assert _verifies(added, b"{}", "application/json")

    same = {**MPS_HEADERS, "x-tc-token": "token-a"}
    assert temporary.sign("POST", MPS_URL, same, b"{}", now=EXAMPLE_TIMESTAMP) == added
    with pytest.raises(ValueError, match="X-TC-Token") as excinfo:
        temporary.sign("POST", MPS_URL, {**MPS_HEADERS, "X-TC-Token": "token-b"}, b"{}")
    assert "token-a" not in str(excinfo.value)
    assert "token-b" not in str(excinfo.value)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://mps.tencentcloudapi.com/", "mps.tencentcloudapi.com"),
        ("https://mps.intl.tencentcloudapi.com/", "mps.intl.tencentcloudapi.com"),
        (
            "https://mps.ap-guangzhou.tencentcloudapi.com",
            "mps.ap-guangzhou.tencentcloudapi.com",
        ),
    ],
)
def test_service_derived_from_host(url: str, host: str) -> None:
    signer = Tc3HmacSha256Signer(secret_id=SECRET_ID, secret_key=SECRET_KEY)
    added = signer.sign("POST", url, MPS_HEADERS, b"{}", now=EXAMPLE_TIMESTAMP)
    assert _auth(added)["service"] == "mps"
    assert service_from_host(host) == "mps"
    assert _auth(added)["sig"] == _independent_signature(
        secret_key=SECRET_KEY,
        service="mps",
        host=host,
        content_type="application/json",
        timestamp=EXAMPLE_TIMESTAMP,
        body=b"{}",
    )


def test_explicit_service_wins() -> None:
    signer = Tc3HmacSha256Signer(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, service="vod"
    )
    added = signer.sign("POST", MPS_URL, MPS_HEADERS, b"{}", now=EXAMPLE_TIMESTAMP)
    assert _auth(added)["service"] == "vod"
    assert _verifies(added, b"{}", "application/json")
    derived = Tc3HmacSha256Signer(secret_id=SECRET_ID, secret_key=SECRET_KEY).sign(
        "POST", MPS_URL, MPS_HEADERS, b"{}", now=EXAMPLE_TIMESTAMP
    )
    assert _auth(derived)["sig"] != _auth(added)["sig"]

    with pytest.raises(ValueError, match="service"):
        Tc3HmacSha256Signer(secret_id=SECRET_ID, secret_key=SECRET_KEY, service="a/b")


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080/", "http://localhost:8080/", "http://[::1]:8080/"],
)
def test_loopback_hosts_need_an_explicit_service(url: str) -> None:
    signer = Tc3HmacSha256Signer(secret_id=SECRET_ID, secret_key=SECRET_KEY)
    with pytest.raises(ValueError, match="service="):
        signer.sign("POST", url, MPS_HEADERS, b"{}", now=EXAMPLE_TIMESTAMP)

    explicit = Tc3HmacSha256Signer(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, service="mps"
    )
    added = explicit.sign("POST", url, MPS_HEADERS, b"{}", now=EXAMPLE_TIMESTAMP)
    assert _auth(added)["service"] == "mps"


@pytest.mark.usefixtures("local_time_off_utc")
@pytest.mark.parametrize(
    ("now", "date"),
    [
        (1551139199, "2019-02-25"),  # 23:59:59 UTC
        (1551139199.999, "2019-02-25"),  # fractions are dropped, not rounded up
        (1551139200, "2019-02-26"),  # 00:00:00 UTC
        (1551139201, "2019-02-26"),  # 00:00:01 UTC
    ],
)
def test_credential_date_is_the_utc_date_of_the_timestamp(
    now: float, date: str
) -> None:
    signer = Tc3HmacSha256Signer(secret_id=SECRET_ID, secret_key=SECRET_KEY)
    added = signer.sign("POST", MPS_URL, MPS_HEADERS, b"{}", now=now)
    assert added["X-TC-Timestamp"] == str(int(now))
    assert _auth(added)["date"] == date
    assert utc_date(int(now)) == date
    assert _verifies(added, b"{}", "application/json")


def test_clock_is_used_when_now_is_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "time", lambda: 1551139200.75)
    signer = Tc3HmacSha256Signer(secret_id=SECRET_ID, secret_key=SECRET_KEY)
    added = signer.sign("POST", MPS_URL, MPS_HEADERS, b"{}")
    assert added["X-TC-Timestamp"] == "1551139200"
    assert _auth(added)["date"] == "2019-02-26"


@pytest.mark.parametrize("value", ["1551113065.5", "-1", "", "0x10", "01551113065"])
def test_malformed_timestamp_header_rejected(value: str) -> None:
    signer = Tc3HmacSha256Signer(secret_id=SECRET_ID, secret_key=SECRET_KEY)
    with pytest.raises(ValueError, match="X-TC-Timestamp"):
        signer.sign("POST", MPS_URL, {**MPS_HEADERS, "X-TC-Timestamp": value}, b"{}")


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://mps.tencentcloudapi.com:8443/", "mps.tencentcloudapi.com:8443"),
        ("https://mps.tencentcloudapi.com:443/", "mps.tencentcloudapi.com"),
        ("http://mps.tencentcloudapi.com:443/", "mps.tencentcloudapi.com:443"),
        ("https://user:pw@mps.tencentcloudapi.com/", "mps.tencentcloudapi.com"),
    ],
)
def test_host_is_signed_from_the_url(url: str, host: str) -> None:
    signer = Tc3HmacSha256Signer(secret_id=SECRET_ID, secret_key=SECRET_KEY)
    added = signer.sign("POST", url, MPS_HEADERS, b"{}", now=EXAMPLE_TIMESTAMP)
    assert _auth(added)["service"] == "mps"
    assert _auth(added)["sig"] == _independent_signature(
        secret_key=SECRET_KEY,
        service="mps",
        host=host,
        content_type="application/json",
        timestamp=EXAMPLE_TIMESTAMP,
        body=b"{}",
    )


def test_header_names_case_insensitive_and_values_trimmed() -> None:
    signer = Tc3HmacSha256Signer(secret_id=SECRET_ID, secret_key=SECRET_KEY)
    reference = signer.sign("POST", MPS_URL, MPS_HEADERS, b"{}", now=EXAMPLE_TIMESTAMP)
    lower_padded = {k.lower(): f" {v}\t" for k, v in MPS_HEADERS.items()}
    assert (
        signer.sign("POST", MPS_URL, lower_padded, b"{}", now=EXAMPLE_TIMESTAMP)
        == reference
    )
    with pytest.raises(ValueError, match="content-type"):
        signer.sign("POST", MPS_URL, {"Content-Type": "a", "content-type": "b"}, b"{}")
    with pytest.raises(ValueError, match="Content-Type"):
        signer.sign("POST", MPS_URL, {"X-TC-Action": "A"}, b"{}")


def test_repr_masks_secrets_and_bad_credentials_rejected() -> None:
    token = "SESSION-TOKEN-VALUE"
    signer = Tc3HmacSha256Signer(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, session_token=token
    )
    for text in (repr(signer), str(signer)):
        assert SECRET_KEY not in text
        assert token not in text
        assert SECRET_ID not in text
        assert "AKID****" in text
    assert not hasattr(signer, "secret_key")
    assert not hasattr(signer, "session_token")

    cases = [
        (
            "secret_id",
            {"secret_id": "AKIDabc\r\nX-Injected: 1", "secret_key": SECRET_KEY},
        ),
        ("secret_key", {"secret_id": SECRET_ID, "secret_key": "Gu5t9x\nGARNpq"}),
        (
            "session_token",
            {
                "secret_id": SECRET_ID,
                "secret_key": SECRET_KEY,
                "session_token": "SESS1\rTOK2",
            },
        ),
    ]
    for name, kwargs in cases:
        with pytest.raises(ValueError, match=rf"\b{name}\b.*CR, LF") as excinfo:
            Tc3HmacSha256Signer(**kwargs)
        message = str(excinfo.value)
        for value in kwargs.values():
            # Neither the value nor any line of it, escaped or not.
            for piece in re.split(r"[\r\n]+", value):
                assert piece not in message

    with pytest.raises(ValueError, match=r"\bsecret_key\b") as empty:
        Tc3HmacSha256Signer(secret_id=SECRET_ID, secret_key="")
    assert SECRET_ID not in str(empty.value)
