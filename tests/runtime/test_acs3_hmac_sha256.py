from __future__ import annotations

import datetime
import hashlib
import hmac
import re

import pytest

from generator.runtime.acs3_hmac_sha256 import (
    Acs3HmacSha256Signer,
    canonical_request,
    string_to_sign,
)

AK_ID = "YourAccessKeyId"
AK_SECRET = "YourAccessKeySecret"
EXAMPLE_URL = (
    "https://ecs.cn-shanghai.aliyuncs.com/"
    "?ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai"
)
EXAMPLE_HEADERS = {
    "x-acs-action": "RunInstances",
    "x-acs-version": "2014-05-26",
    "x-acs-date": "2023-10-26T10:22:32Z",
    "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
}
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
FIXED_NOW = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
ICE_URL = "https://ice.cn-shanghai.aliyuncs.com/?MediaId=abc"
ICE_HEADERS = {"x-acs-action": "GetMediaInfo", "x-acs-version": "2020-11-09"}


def _signer(token: str | None = None) -> Acs3HmacSha256Signer:
    return Acs3HmacSha256Signer(
        access_key_id=AK_ID, access_key_secret=AK_SECRET, security_token=token
    )


def _line(url: str, index: int) -> str:
    return canonical_request("GET", url, {"Host": "h"}, b"").split("\n")[index]


def _auth_parts(authorization: str) -> dict[str, str]:
    match = re.fullmatch(
        r"ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})",
        authorization,
    )
    assert match is not None, authorization
    return {
        "credential": match[1],
        "signed_headers": match[2],
        "signature": match[3],
    }


def test_vendor_worked_example() -> None:
    signed = {
        **EXAMPLE_HEADERS,
        "host": "ecs.cn-shanghai.aliyuncs.com",
        "x-acs-content-sha256": EMPTY_SHA256,
    }
    canonical = canonical_request("POST", EXAMPLE_URL, signed, b"")
    assert canonical == (
        "POST\n"
        "/\n"
        "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n"
        "host:ecs.cn-shanghai.aliyuncs.com\n"
        "x-acs-action:RunInstances\n"
        f"x-acs-content-sha256:{EMPTY_SHA256}\n"
        "x-acs-date:2023-10-26T10:22:32Z\n"
        "x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\n"
        "x-acs-version:2014-05-26\n"
        "\n"
        "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n"
        + EMPTY_SHA256
    )
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    assert digest == "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
    assert string_to_sign(canonical) == f"ACS3-HMAC-SHA256\n{digest}"

    added = _signer().sign("POST", EXAMPLE_URL, EXAMPLE_HEADERS, b"")
    signature = "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    assert added == {
        "x-acs-date": "2023-10-26T10:22:32Z",
        "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
        "x-acs-content-sha256": EMPTY_SHA256,
        "Authorization": (
            "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,"
            "SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;"
            f"x-acs-signature-nonce;x-acs-version,Signature={signature}"
        ),
    }
    parts = _auth_parts(added["Authorization"])
    assert parts["credential"] == AK_ID
    assert parts["signature"] == signature
    assert parts["signed_headers"].split(";") == [
        "host",
        "x-acs-action",
        "x-acs-content-sha256",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-version",
    ]


def test_signature_is_hmac_of_string_to_sign() -> None:
    headers = {**ICE_HEADERS, "Content-Type": "application/json"}
    added = _signer().sign("POST", ICE_URL, headers, b"{}", now=FIXED_NOW, nonce="n1")
    host = {"Host": "ice.cn-shanghai.aliyuncs.com"}
    canonical = canonical_request("POST", ICE_URL, {**headers, **added, **host}, b"{}")
    expected = hmac.new(
        AK_SECRET.encode(), string_to_sign(canonical).encode(), hashlib.sha256
    ).hexdigest()
    assert _auth_parts(added["Authorization"])["signature"] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("k=a~b", "k=a~b", id="tilde-kept"),
        pytest.param("k=a%7Eb", "k=a~b", id="encoded-tilde-decoded"),
        pytest.param("k=!'()*", "k=%21%27%28%29%2A", id="sub-delims-encoded"),
        pytest.param("k=a%20b", "k=a%20b", id="encoded-space"),
        pytest.param("k=a b", "k=a%20b", id="raw-space"),
        pytest.param("k=a+b", "k=a%2Bb", id="plus-is-plus"),
        pytest.param("k=a%2Bb", "k=a%2Bb", id="encoded-plus"),
        pytest.param("k=中文", "k=%E4%B8%AD%E6%96%87", id="chinese-raw"),
        pytest.param("k=%E4%B8%AD%E6%96%87", "k=%E4%B8%AD%E6%96%87", id="chinese-enc"),
        pytest.param("k=%e4%b8%ad", "k=%E4%B8%AD", id="lowercase-escape"),
        pytest.param("k=%FF", "k=%FF", id="non-utf8-escape-kept"),
        pytest.param("k=a/b", "k=a%2Fb", id="slash"),
        pytest.param("k=a=b", "k=a%3Db", id="equals-in-value"),
        pytest.param("k=%2520", "k=%2520", id="single-decode-only"),
        pytest.param("flag", "flag=", id="key-without-equals"),
        pytest.param("flag=", "flag=", id="key-with-empty-value"),
        pytest.param("b=2&a=1", "a=1&b=2", id="sorted-by-key"),
        pytest.param("a=2&a=1&a=10", "a=1&a=10&a=2", id="repeated-key-by-value"),
        pytest.param("a%C3%A9=2&az=1", "az=1&a%C3%A9=2", id="sorted-by-decoded-key"),
        pytest.param("~=1&%2A=2", "%2A=2&~=1", id="star-before-tilde"),
        pytest.param("a=1&&b=2&", "a=1&b=2", id="empty-items-skipped"),
        pytest.param("", "", id="no-query"),
    ],
)
def test_query_canonicalisation(query: str, expected: str) -> None:
    url = f"https://h/?{query}" if query else "https://h/"
    assert _line(url, 2) == expected


def test_sort_uses_decoded_not_encoded_key() -> None:
    # Raw "é" (U+00E9) sorts after "z"; encoded "%C3%A9" would sort before it.
    # The vendor sorts first and encodes after (its rule and its SDK alike).
    assert _line("https://h/?aé=1&az=2", 2) == "az=2&a%C3%A9=1"
    assert _line("https://h/?az=2&a%C3%A9=1", 2) == "az=2&a%C3%A9=1"


@pytest.mark.parametrize(
    ("encoded", "decoded"),
    [
        ("Title=a%20b%2A%21", "Title=a b*!"),
        ("Title=%E4%B8%AD%E6%96%87", "Title=中文"),
        ("Title=x%7Ey", "Title=x~y"),
    ],
)
def test_pre_encoded_and_decoded_urls_sign_the_same(encoded: str, decoded: str) -> None:
    signer = _signer()

    def sign(query: str) -> str:
        url = f"https://ice.cn-shanghai.aliyuncs.com/?{query}"
        added = signer.sign("GET", url, ICE_HEADERS, b"", now=FIXED_NOW, nonce="n")
        return added["Authorization"]

    assert sign(encoded) == sign(decoded)
    # And a "+" is not a space: it must change the signature.
    assert sign("Title=a+b") != sign("Title=a%20b")
    assert sign("Title=a+b") == sign("Title=a%2Bb")


def test_repeated_keys_sign_the_same_in_any_order() -> None:
    signer = _signer()

    def sign(query: str) -> str:
        url = f"https://h/?{query}"
        return signer.sign("GET", url, {}, b"", now=FIXED_NOW, nonce="n")[
            "Authorization"
        ]

    assert sign("Id=2&Id=1&A=x") == sign("A=x&Id=1&Id=2")
    assert sign("Id=2&Id=1") != sign("Id=2&Id=3")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://h", "/"),
        ("https://h/", "/"),
        ("https://h/v1/vpcs", "/v1/vpcs"),
        ("https://h/v1/vpcs/", "/v1/vpcs/"),
        ("https://h/a b/c", "/a%20b/c"),
        ("https://h/a%20b/c", "/a%20b/c"),
        ("https://h/a%2Fb/c", "/a%2Fb/c"),
        ("https://h/x~y/%E4%B8%AD", "/x~y/%E4%B8%AD"),
        ("https://h/x~y/中", "/x~y/%E4%B8%AD"),
        ("https://h/a*b", "/a%2Ab"),
    ],
)
def test_canonical_uri(url: str, expected: str) -> None:
    assert _line(url, 1) == expected


def test_only_host_content_type_and_x_acs_headers_are_signed() -> None:
    headers = {
        **ICE_HEADERS,
        "Content-Type": "application/json",
        "User-Agent": "sdk/1.0",
        "Accept": "application/json",
        "X-Acs-Custom": "  padded\t",
        "Authorization": "stale",
    }
    added = _signer().sign("POST", ICE_URL, headers, b"{}", now=FIXED_NOW, nonce="n")
    assert _auth_parts(added["Authorization"])["signed_headers"].split(";") == [
        "content-type",
        "host",
        "x-acs-action",
        "x-acs-content-sha256",
        "x-acs-custom",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-version",
    ]
    # The stale Authorization is replaced under the caller's spelling.
    assert added["Authorization"] != "stale"
    assert "authorization" not in added

    canonical = canonical_request("POST", ICE_URL, {**headers, "Host": "h"}, b"{}")
    assert "x-acs-custom:padded\n" in canonical
    assert "user-agent" not in canonical
    assert "accept" not in canonical
    assert "stale" not in canonical

    # Unsigned headers do not affect the signature; signed ones do.
    without_extras = {**ICE_HEADERS, "Content-Type": "application/json"}
    without_extras["x-acs-custom"] = "padded"
    assert (
        _signer().sign("POST", ICE_URL, without_extras, b"{}", now=FIXED_NOW, nonce="n")
        == added
    )
    other_type = {**without_extras, "Content-Type": "text/plain"}
    assert (
        _signer().sign("POST", ICE_URL, other_type, b"{}", now=FIXED_NOW, nonce="n")
        != added
    )


def test_header_names_are_case_insensitive() -> None:
    upper = {k.upper(): v for k, v in EXAMPLE_HEADERS.items()}
    signer = _signer()
    added = signer.sign("POST", EXAMPLE_URL, upper, b"")
    expected = signer.sign("POST", EXAMPLE_URL, EXAMPLE_HEADERS, b"")
    assert added["Authorization"] == expected["Authorization"]
    # Values the caller supplied come back under the caller's spelling, so a
    # dict update overwrites them instead of adding a second copy.
    assert added["X-ACS-DATE"] == "2023-10-26T10:22:32Z"
    assert "x-acs-date" not in added
    with pytest.raises(ValueError, match="x-acs-action"):
        signer.sign(
            "POST", EXAMPLE_URL, {"x-acs-action": "A", "X-Acs-Action": "B"}, b""
        )


def test_canonical_request_requires_host() -> None:
    with pytest.raises(ValueError, match="Host"):
        canonical_request("GET", "https://h/", {"x-acs-action": "A"}, b"")


def test_security_token_added_and_signed() -> None:
    def sign(token: str | None) -> dict[str, str]:
        return _signer(token).sign(
            "POST", ICE_URL, ICE_HEADERS, b"", now=FIXED_NOW, nonce="n"
        )

    first = sign("token-a")
    assert first["x-acs-security-token"] == "token-a"
    assert "x-acs-security-token" in _auth_parts(first["Authorization"])[
        "signed_headers"
    ].split(";")
    assert list(first) == [
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-content-sha256",
        "x-acs-security-token",
        "Authorization",
    ]
    assert sign("token-b")["Authorization"] != first["Authorization"]

    plain = sign(None)
    assert "x-acs-security-token" not in plain
    assert "x-acs-security-token" not in plain["Authorization"]

    with pytest.raises(ValueError, match="x-acs-security-token") as excinfo:
        _signer("token-a").sign(
            "POST", ICE_URL, {**ICE_HEADERS, "x-acs-security-token": "other"}, b""
        )
    assert "token-a" not in str(excinfo.value)


def test_content_sha256_matches_body() -> None:
    signer = _signer()

    def sign(body: bytes) -> dict[str, str]:
        return signer.sign("POST", ICE_URL, ICE_HEADERS, body, now=FIXED_NOW, nonce="n")

    one = sign(b'{"a":1}')
    two = sign(b'{"a":2}')
    assert one["x-acs-content-sha256"] == hashlib.sha256(b'{"a":1}').hexdigest()
    assert two["x-acs-content-sha256"] == hashlib.sha256(b'{"a":2}').hexdigest()
    assert sign(b"")["x-acs-content-sha256"] == EMPTY_SHA256
    assert one["Authorization"] != two["Authorization"]

    with pytest.raises(ValueError, match="x-acs-content-sha256"):
        signer.sign(
            "POST", ICE_URL, {**ICE_HEADERS, "x-acs-content-sha256": EMPTY_SHA256}, b"x"
        )


def test_nonce_fresh_per_call_unless_given() -> None:
    signer = _signer()
    first = signer.sign("GET", ICE_URL, ICE_HEADERS, b"", now=FIXED_NOW)
    second = signer.sign("GET", ICE_URL, ICE_HEADERS, b"", now=FIXED_NOW)
    for added in (first, second):
        assert re.fullmatch(r"[0-9a-f]{32}", added["x-acs-signature-nonce"])
    assert first["x-acs-signature-nonce"] != second["x-acs-signature-nonce"]
    assert first["Authorization"] != second["Authorization"]

    given = signer.sign("GET", ICE_URL, ICE_HEADERS, b"", now=FIXED_NOW, nonce="abc")
    assert given["x-acs-signature-nonce"] == "abc"
    # A nonce already in the headers wins over the argument.
    in_headers = {**ICE_HEADERS, "x-acs-signature-nonce": "hdr"}
    assert (
        signer.sign("GET", ICE_URL, in_headers, b"", now=FIXED_NOW, nonce="abc")[
            "x-acs-signature-nonce"
        ]
        == "hdr"
    )
    with pytest.raises(ValueError, match="nonce"):
        signer.sign("GET", ICE_URL, ICE_HEADERS, b"", nonce="a\r\nX-Evil: 1")


def test_now_controls_date() -> None:
    signer = _signer()
    added = signer.sign("GET", ICE_URL, ICE_HEADERS, b"", now=FIXED_NOW, nonce="n")
    assert added["x-acs-date"] == "2024-01-02T03:04:05Z"
    # A non-UTC aware time is converted, not formatted as-is.
    plus8 = FIXED_NOW.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    assert signer.sign("GET", ICE_URL, ICE_HEADERS, b"", now=plus8, nonce="n") == added
    with pytest.raises(ValueError, match="timezone-aware"):
        signer.sign(
            "GET", ICE_URL, ICE_HEADERS, b"", now=FIXED_NOW.replace(tzinfo=None)
        )
    # Without `now`, the current UTC time is used.
    current = signer.sign("GET", ICE_URL, ICE_HEADERS, b"")["x-acs-date"]
    parsed = datetime.datetime.strptime(current, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.UTC
    )
    assert abs(datetime.datetime.now(datetime.UTC) - parsed) < datetime.timedelta(
        minutes=1
    )


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://ice.example.com:8443/", "ice.example.com:8443"),
        ("https://ice.example.com:443/", "ice.example.com"),
        ("http://ice.example.com:80/", "ice.example.com"),
        ("http://ice.example.com:443/", "ice.example.com:443"),
        ("https://user:pw@ice.example.com/", "ice.example.com"),
        ("https://[::1]:8443/", "[::1]:8443"),
    ],
)
def test_host_derived_from_url(url: str, host: str) -> None:
    signer = _signer()
    derived = signer.sign("GET", url, {}, b"", now=FIXED_NOW, nonce="n")
    explicit = signer.sign("GET", url, {"Host": host}, b"", now=FIXED_NOW, nonce="n")
    assert derived == explicit
    wrong = signer.sign("GET", url, {"Host": "other"}, b"", now=FIXED_NOW, nonce="n")
    assert wrong != derived


def test_repr_hides_secrets() -> None:
    key_id = "LTAI5tExampleKeyId"
    secret = "SECRET-KEY-VALUE"
    token = "SECRET-TOKEN-VALUE"
    signer = Acs3HmacSha256Signer(
        access_key_id=key_id, access_key_secret=secret, security_token=token
    )
    for text in (repr(signer), str(signer)):
        assert secret not in text
        assert token not in text
        assert key_id not in text
        assert "LTAI****" in text
    assert not hasattr(signer, "access_key_secret")
    assert not hasattr(signer, "security_token")
    assert "****" in repr(_signer()) and AK_ID not in repr(_signer())


@pytest.mark.parametrize(
    "argument", ["access_key_id", "access_key_secret", "security_token"]
)
@pytest.mark.parametrize("bad", ["line\r\nX-Evil: 1", "line\nbreak", "nul\0byte", ""])
def test_bad_credentials_refused_without_echo(argument: str, bad: str) -> None:
    kwargs = {
        "access_key_id": AK_ID,
        "access_key_secret": AK_SECRET,
        "security_token": "token",
        argument: bad,
    }
    with pytest.raises(ValueError, match=argument) as excinfo:
        Acs3HmacSha256Signer(**kwargs)
    message = str(excinfo.value)
    if bad:
        assert bad not in message
        assert (
            "X-Evil" not in message and "break" not in message and "byte" not in message
        )


def test_key_id_with_comma_refused() -> None:
    with pytest.raises(ValueError, match="access_key_id") as excinfo:
        Acs3HmacSha256Signer(
            access_key_id="id,Signature=x", access_key_secret=AK_SECRET
        )
    assert "Signature=x" not in str(excinfo.value)
