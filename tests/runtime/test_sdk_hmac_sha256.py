from __future__ import annotations

import datetime
import hashlib

import pytest

from generator.runtime.sdk_hmac_sha256 import (
    SdkHmacSha256Signer,
    canonical_request,
    string_to_sign,
)

AK = "QTWAOYTTINDUT2QVKYUC"
SK = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
EXAMPLE_URL = (
    "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs"
    "?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0"
)
EXAMPLE_HEADERS = {
    "Content-Type": "application/json",
    "Host": "service.region.example.com",
    "X-Sdk-Date": "20191115T033655Z",
}
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
FIXED_NOW = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)


def _uri_line(url: str) -> str:
    return canonical_request("GET", url, {"Host": "h"}, b"").split("\n")[1]


def _query_line(url: str) -> str:
    return canonical_request("GET", url, {"Host": "h"}, b"").split("\n")[2]


def _signed_headers(authorization: str) -> list[str]:
    part = authorization.split("SignedHeaders=", 1)[1].split(",", 1)[0]
    return part.split(";")


def test_vendor_worked_example() -> None:
    canonical = canonical_request("GET", EXAMPLE_URL, EXAMPLE_HEADERS, b"")
    assert canonical == (
        "GET\n"
        "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\n"
        "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n"
        "content-type:application/json\n"
        "host:service.region.example.com\n"
        "x-sdk-date:20191115T033655Z\n"
        "\n"
        "content-type;host;x-sdk-date\n" + EMPTY_SHA256
    )
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    assert digest == "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
    assert string_to_sign(canonical, "20191115T033655Z") == (
        f"SDK-HMAC-SHA256\n20191115T033655Z\n{digest}"
    )

    added = SdkHmacSha256Signer(ak=AK, sk=SK).sign(
        "GET", EXAMPLE_URL, EXAMPLE_HEADERS, b""
    )
    assert added == {
        "X-Sdk-Date": "20191115T033655Z",
        "Authorization": (
            "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, "
            "SignedHeaders=content-type;host;x-sdk-date, "
            "Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
        ),
    }


def test_header_names_are_case_insensitive() -> None:
    lower = {k.lower(): v for k, v in EXAMPLE_HEADERS.items()}
    signer = SdkHmacSha256Signer(ak=AK, sk=SK)
    assert signer.sign("GET", EXAMPLE_URL, lower, b"") == signer.sign(
        "GET", EXAMPLE_URL, EXAMPLE_HEADERS, b""
    )
    with pytest.raises(ValueError, match="content-type"):
        canonical_request(
            "GET", EXAMPLE_URL, {"Content-Type": "a", "content-type": "b"}, b""
        )


def test_header_values_are_trimmed() -> None:
    padded = {k: f"  {v}\t" for k, v in EXAMPLE_HEADERS.items()}
    assert canonical_request("GET", EXAMPLE_URL, padded, b"") == canonical_request(
        "GET", EXAMPLE_URL, EXAMPLE_HEADERS, b""
    )
    assert "content-type:application/json\n" in canonical_request(
        "GET", EXAMPLE_URL, padded, b""
    )


def test_canonical_uri_trailing_slash_and_single_encoding() -> None:
    assert _uri_line("https://h/v1/vpcs") == "/v1/vpcs/"
    assert _uri_line("https://h/v1/vpcs/") == "/v1/vpcs/"
    assert _uri_line("https://h") == "/"
    assert _uri_line("https://h/a b/c") == "/a%20b/c/"
    assert _uri_line("https://h/a%20b/c") == "/a%20b/c/"
    assert _uri_line("https://h/x~y/%E4%B8%AD") == "/x~y/%E4%B8%AD/"


def test_query_sorted_and_rfc3986_encoded() -> None:
    query = _query_line("https://h/p?z=1&a=x y&a=b~c&m=%20q&flag")
    assert query == "a=b~c&a=x%20y&flag=&m=%20q&z=1"
    assert _query_line("https://h/p?k=a+b&s=a/b") == "k=a%2Bb&s=a%2Fb"
    assert _query_line("https://h/p") == ""


def test_now_controls_sdk_date() -> None:
    signer = SdkHmacSha256Signer(ak=AK, sk=SK)
    added = signer.sign("GET", "https://h/p", {}, b"", now=FIXED_NOW)
    assert added["X-Sdk-Date"] == "20240102T030405Z"
    # A non-UTC aware time is converted, not formatted as-is.
    plus8 = FIXED_NOW.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    assert signer.sign("GET", "https://h/p", {}, b"", now=plus8) == added
    with pytest.raises(ValueError, match="timezone-aware"):
        signer.sign("GET", "https://h/p", {}, b"", now=FIXED_NOW.replace(tzinfo=None))


def test_project_id_and_security_token_are_added_and_signed() -> None:
    def sign(token: str) -> dict[str, str]:
        signer = SdkHmacSha256Signer(
            ak=AK, sk=SK, security_token=token, project_id="proj-1"
        )
        return signer.sign(
            "POST",
            "https://h/p",
            {"Content-Type": "application/json"},
            b"{}",
            now=FIXED_NOW,
        )

    first = sign("token-a")
    assert first["X-Project-Id"] == "proj-1"
    assert first["X-Security-Token"] == "token-a"
    assert _signed_headers(first["Authorization"]) == [
        "content-type",
        "host",
        "x-project-id",
        "x-sdk-date",
        "x-security-token",
    ]
    assert list(first) == [
        "X-Sdk-Date",
        "X-Project-Id",
        "X-Security-Token",
        "Authorization",
    ]
    assert sign("token-b")["Authorization"] != first["Authorization"]


def test_authorization_header_is_never_signed() -> None:
    signer = SdkHmacSha256Signer(ak=AK, sk=SK)
    with_auth = {**EXAMPLE_HEADERS, "authorization": "stale"}
    assert signer.sign("GET", EXAMPLE_URL, with_auth, b"") == signer.sign(
        "GET", EXAMPLE_URL, EXAMPLE_HEADERS, b""
    )


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://svc.example.com:8443/p", "svc.example.com:8443"),
        ("https://svc.example.com:443/p", "svc.example.com"),
        ("http://svc.example.com:80/p", "svc.example.com"),
        ("http://svc.example.com:443/p", "svc.example.com:443"),
        ("https://user:pw@svc.example.com/p", "svc.example.com"),
        ("https://[::1]:8443/p", "[::1]:8443"),
    ],
)
def test_host_derived_from_url(url: str, host: str) -> None:
    signer = SdkHmacSha256Signer(ak=AK, sk=SK)
    derived = signer.sign("GET", url, {}, b"", now=FIXED_NOW)
    explicit = signer.sign("GET", url, {"Host": host}, b"", now=FIXED_NOW)
    assert _signed_headers(derived["Authorization"]) == ["host", "x-sdk-date"]
    assert derived == explicit


def test_repr_hides_secrets_and_empty_credentials_rejected() -> None:
    token = "SECRET-TOKEN-VALUE"
    signer = SdkHmacSha256Signer(ak=AK, sk=SK, security_token=token)
    for text in (repr(signer), str(signer)):
        assert SK not in text
        assert token not in text
        assert AK not in text
        assert "QTWA****" in text
    assert not hasattr(signer, "sk")
    assert not hasattr(signer, "security_token")

    with pytest.raises(ValueError, match=r"\bak\b"):
        SdkHmacSha256Signer(ak="", sk=SK)
    with pytest.raises(ValueError, match=r"\bsk\b") as excinfo:
        SdkHmacSha256Signer(ak=AK, sk="")
    assert AK not in str(excinfo.value)
