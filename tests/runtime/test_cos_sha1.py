from __future__ import annotations

import hashlib
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest

from generator.runtime.cos_sha1 import (
    CosSha1Signer,
    header_list,
    http_string,
    make_key_time,
    sign_key,
    signature,
    string_to_sign,
    url_param_list,
)

# The vendor's worked example (COS "Request Signature", PUT Object).
SECRET_ID = "AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q"
SECRET_KEY = "BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz"
EXAMPLE_HOST = "examplebucket-1250000000.cos.ap-beijing.myqcloud.com"
# Sent percent-encoded; signed decoded, Chinese characters included.
EXAMPLE_URL = f"https://{EXAMPLE_HOST}/exampleobject%28%E8%85%BE%E8%AE%AF%E4%BA%91%29"
EXAMPLE_HEADERS = {
    "Date": "Thu, 16 May 2019 06:45:51 GMT",
    "Content-Type": "text/plain",
    "Content-Length": "13",
    "Content-MD5": "mQ/fVh815F3k6TAUm8m0eg==",
    "x-cos-acl": "private",
    "x-cos-grant-read": 'uin="100000000011"',
}
EXAMPLE_KEY_TIME = "1557989151;1557996351"
EXAMPLE_HEADER_LIST = (
    "content-length;content-md5;content-type;date;host;x-cos-acl;x-cos-grant-read"
)
EXAMPLE_HTTP_STRING = (
    "put\n"
    "/exampleobject(腾讯云)\n"
    "\n"
    "content-length=13"
    "&content-md5=mQ%2FfVh815F3k6TAUm8m0eg%3D%3D"
    "&content-type=text%2Fplain"
    "&date=Thu%2C%2016%20May%202019%2006%3A45%3A51%20GMT"
    f"&host={EXAMPLE_HOST}"
    "&x-cos-acl=private"
    "&x-cos-grant-read=uin%3D%22100000000011%22\n"
)
EXAMPLE_SIGNATURE = "3b8851a11a569213c17ba8fa7dcf2abec6935172"

CI_HOST = "examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com"
NOW = 1_700_000_000.0


def _signer(**kwargs: Any) -> CosSha1Signer:
    return CosSha1Signer(secret_id=SECRET_ID, secret_key=SECRET_KEY, **kwargs)


def _auth_fields(authorization: str) -> dict[str, str]:
    fields = dict(part.split("=", 1) for part in authorization.split("&"))
    assert len(fields) == authorization.count("&") + 1
    return fields


def _line(url: str, index: int) -> str:
    return http_string("GET", url, {"Host": "h"}).split("\n")[index]


def test_vendor_worked_example_through_module_functions() -> None:
    to_sign = {**EXAMPLE_HEADERS, "Host": EXAMPLE_HOST}
    text = http_string("PUT", EXAMPLE_URL, to_sign)
    assert text == EXAMPLE_HTTP_STRING
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
    assert digest == "8b2751e77f43a0995d6e9eb9477f4b685cca4172"
    assert header_list(to_sign) == EXAMPLE_HEADER_LIST
    assert url_param_list(EXAMPLE_URL) == ""

    key = sign_key(SECRET_KEY, EXAMPLE_KEY_TIME)
    assert key == "eb2519b498b02ac213cb1f3d1a3d27a3b3c9bc5f"
    sts = string_to_sign(text, EXAMPLE_KEY_TIME)
    assert sts == f"sha1\n{EXAMPLE_KEY_TIME}\n{digest}\n"
    assert signature(key, sts) == EXAMPLE_SIGNATURE


def _example_signature(text: str) -> str:
    return signature(
        sign_key(SECRET_KEY, EXAMPLE_KEY_TIME), string_to_sign(text, EXAMPLE_KEY_TIME)
    )


def test_vendor_worked_example_needs_the_decoded_unicode_path() -> None:
    assert _example_signature(EXAMPLE_HTTP_STRING) == EXAMPLE_SIGNATURE
    # An ASCII stand-in for the key does not reproduce the vendor's signature,
    # and neither does signing the path as it is sent (still encoded).
    ascii_text = EXAMPLE_HTTP_STRING.replace("(腾讯云)", "")
    encoded_text = EXAMPLE_HTTP_STRING.replace(
        "/exampleobject(腾讯云)", EXAMPLE_URL.split(EXAMPLE_HOST, 1)[1]
    )
    assert encoded_text != EXAMPLE_HTTP_STRING
    assert _example_signature(ascii_text) != EXAMPLE_SIGNATURE
    assert _example_signature(encoded_text) != EXAMPLE_SIGNATURE
    # Leaving "(" and ")" unescaped in the URL changes nothing.
    to_sign = {**EXAMPLE_HEADERS, "Host": EXAMPLE_HOST}
    raw_parens = EXAMPLE_URL.replace("%28", "(").replace("%29", ")")
    assert http_string("PUT", raw_parens, to_sign) == EXAMPLE_HTTP_STRING


def test_vendor_worked_example_through_the_class() -> None:
    # int(now - skew) == 1557989151 and int(now + expires) == 1557996351; the
    # fractional now also checks that KeyTime truncates to whole seconds.
    signer = _signer(skew=60.0, expires=7140.0)
    added = signer.sign(
        "PUT", EXAMPLE_URL, EXAMPLE_HEADERS, b"ObjectContent", now=1557989211.5
    )
    assert added == {
        "Authorization": (
            f"q-sign-algorithm=sha1&q-ak={SECRET_ID}"
            f"&q-sign-time={EXAMPLE_KEY_TIME}&q-key-time={EXAMPLE_KEY_TIME}"
            f"&q-header-list={EXAMPLE_HEADER_LIST}"
            "&q-url-param-list="
            f"&q-signature={EXAMPLE_SIGNATURE}"
        )
    }
    # The body is not part of a COS signature.
    assert (
        signer.sign("PUT", EXAMPLE_URL, EXAMPLE_HEADERS, b"", now=1557989211.5) == added
    )


@pytest.mark.parametrize(
    ("query", "params", "param_list"),
    [
        # Keys are lowercased, and sorted after encoding.
        ("Tag=Tts&NextToken=abc", "nexttoken=abc&tag=Tts", "nexttoken;tag"),
        # Values keep their case; "/" is escaped even though it is unreserved
        # in a query.
        ("nextToken=a/b", "nexttoken=a%2Fb", "nexttoken"),
        # A space, sent as %20, is signed as %20 (never "+").
        ("q=a%20b", "q=a%20b", "q"),
        # A literal "+" is a plus sign, not a space.
        ("q=a+b", "q=a%2Bb", "q"),
        ("q=a%2Bb", "q=a%2Bb", "q"),
        # "~" is unreserved and stays as it is, whether or not it was escaped.
        ("q=a~b", "q=a~b", "q"),
        ("q=a%7Eb", "q=a~b", "q"),
        # Non-ASCII text is signed as its UTF-8 bytes, upper-case hex.
        ("q=%E4%BD%A0", "q=%E4%BD%A0", "q"),
        ("q=你", "q=%E4%BD%A0", "q"),
        # A key with no value, as in PUT /jobs/{JobId}?cancel.
        ("cancel", "cancel=", "cancel"),
        ("cancel=", "cancel=", "cancel"),
        # Reserved characters in a value are all escaped.
        ("q=a%3Db%26c%2Cd", "q=a%3Db%26c%2Cd", "q"),
        # An encoded key is lowercased whole, hex digits included, as the
        # official SDKs do (quote(key).lower()).
        ("A%2FB=1", "a%2fb=1", "a%2fb"),
        ("", "", ""),
    ],
)
def test_query_parameters(query: str, params: str, param_list: str) -> None:
    url = f"https://{CI_HOST}/jobs?{query}" if query else f"https://{CI_HOST}/jobs"
    assert _line(url, 2) == params
    assert url_param_list(url) == param_list


def test_encoded_and_decoded_spellings_of_a_query_value_sign_the_same() -> None:
    token = "a/b c+d~é"
    encoded = f"https://{CI_HOST}/jobs?tag=Tts&nextToken={quote(token, safe='')}"
    decoded = f"https://{CI_HOST}/jobs?tag=Tts&nextToken={token.replace('+', '%2B')}"
    assert encoded != decoded
    signer = _signer()
    assert signer.sign("GET", encoded, {}, b"", now=NOW) == signer.sign(
        "GET", decoded, {}, b"", now=NOW
    )
    assert _line(encoded, 2) == "nexttoken=a%2Fb%20c%2Bd~%C3%A9&tag=Tts"


def test_duplicate_query_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="'tag'"):
        url_param_list(f"https://{CI_HOST}/jobs?tag=Tts&TAG=Other")


@pytest.mark.parametrize(
    ("job_id", "path"),
    [
        ("你好 x", "/jobs/你好 x"),
        ("a+b", "/jobs/a+b"),
        ("a~b", "/jobs/a~b"),
        ("a b~c+d/e", "/jobs/a b~c+d/e"),
        ("t1234567890abcdef", "/jobs/t1234567890abcdef"),
    ],
)
def test_job_id_in_path_is_signed_decoded(job_id: str, path: str) -> None:
    url = f"https://{CI_HOST}/jobs/{quote(job_id, safe='')}?cancel"
    assert _line(url, 1) == path
    assert _line(url, 2) == "cancel="
    # The signature covers the decoded path, so a client that escapes "~" as
    # well signs the same request.
    signer = _signer()
    assert signer.sign("PUT", url, {}, b"", now=NOW) == signer.sign(
        "PUT", url.replace("~", "%7E"), {}, b"", now=NOW
    )


def test_http_string_layout_and_empty_path() -> None:
    assert http_string("GET", f"https://{CI_HOST}", {"Host": CI_HOST}) == (
        f"get\n/\n\nhost={CI_HOST}\n"
    )
    assert http_string(
        "POST",
        f"https://{CI_HOST}/jobs",
        {"Host": CI_HOST, "Content-Type": "application/xml"},
    ) == (f"post\n/jobs\n\ncontent-type=application%2Fxml&host={CI_HOST}\n")


def test_invalid_percent_encoding_is_refused() -> None:
    with pytest.raises(ValueError, match="url path"):
        http_string("GET", f"https://{CI_HOST}/jobs/%FF", {})
    with pytest.raises(ValueError, match="query parameter value"):
        url_param_list(f"https://{CI_HOST}/jobs?q=%C3")


def test_signed_headers() -> None:
    signer = _signer()
    added = signer.sign(
        "POST",
        f"https://{CI_HOST}/jobs",
        {
            "Content-Type": " application/xml ",
            "X-Cos-Meta-A": "1",
            "Authorization": "stale",
        },
        b"<Request/>",
        now=NOW,
    )
    fields = _auth_fields(added["Authorization"])
    # Every header passed is signed, names lowercased, plus host; never
    # Authorization.
    assert fields["q-header-list"] == "content-type;host;x-cos-meta-a"
    # Whitespace around values is not signed, and a stale Authorization is
    # ignored.
    assert added == signer.sign(
        "POST",
        f"https://{CI_HOST}/jobs",
        {"content-type": "application/xml", "x-cos-meta-a": "1"},
        b"<Request/>",
        now=NOW,
    )
    with pytest.raises(ValueError, match="content-type"):
        signer.sign(
            "GET",
            f"https://{CI_HOST}/jobs",
            {"Content-Type": "a", "content-type": "b"},
            b"",
        )


def test_header_values_are_encoded() -> None:
    assert (
        http_string(
            "GET", "https://h/", {"Host": "h", "X-Cos-Meta-Name": "你 /+~"}
        ).split("\n")[3]
        == "host=h&x-cos-meta-name=%E4%BD%A0%20%2F%2B~"
    )


@pytest.mark.parametrize(
    ("url", "host"),
    [
        (f"https://{CI_HOST}/jobs", CI_HOST),
        (f"https://{CI_HOST}:443/jobs", CI_HOST),
        (f"https://{CI_HOST}:8443/jobs", f"{CI_HOST}:8443"),
        (f"http://{CI_HOST}:80/jobs", CI_HOST),
        (f"http://{CI_HOST}:443/jobs", f"{CI_HOST}:443"),
        ("https://[::1]:8443/jobs", "[::1]:8443"),
    ],
)
def test_host_comes_from_url(url: str, host: str) -> None:
    signer = _signer()
    derived = signer.sign("GET", url, {}, b"", now=NOW)
    assert _auth_fields(derived["Authorization"])["q-header-list"] == "host"
    assert derived == signer.sign("GET", url, {"Host": host}, b"", now=NOW)
    assert derived != signer.sign(
        "GET", url, {"Host": "other.example.com"}, b"", now=NOW
    )


def test_sign_time_window() -> None:
    fields = _auth_fields(
        _signer().sign("GET", f"https://{CI_HOST}/jobs/j1", {}, b"", now=NOW)[
            "Authorization"
        ]
    )
    assert fields["q-sign-time"] == f"{int(NOW) - 60};{int(NOW) + 600}"
    assert fields["q-key-time"] == fields["q-sign-time"]

    custom = _signer(skew=5, expires=30)
    fields = _auth_fields(
        custom.sign("GET", f"https://{CI_HOST}/jobs", {}, b"", now=NOW + 0.9)[
            "Authorization"
        ]
    )
    assert fields["q-sign-time"] == f"{int(NOW) - 5};{int(NOW) + 30}"
    assert make_key_time(100.5, skew=0, expires=1) == "100;101"


def test_now_defaults_to_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.runtime.cos_sha1 as module

    monkeypatch.setattr(module, "time", SimpleNamespace(time=lambda: NOW))
    signer = _signer()
    assert signer.sign("GET", f"https://{CI_HOST}/jobs", {}, b"") == signer.sign(
        "GET", f"https://{CI_HOST}/jobs", {}, b"", now=NOW
    )
    with pytest.raises(ValueError, match="now"):
        signer.sign("GET", f"https://{CI_HOST}/jobs", {}, b"", now=float("nan"))


def test_security_token_added_and_signed_only_when_configured() -> None:
    url = f"https://{CI_HOST}/jobs?tag=Tts"
    plain = _signer().sign("GET", url, {}, b"", now=NOW)
    assert list(plain) == ["Authorization"]
    assert _auth_fields(plain["Authorization"])["q-header-list"] == "host"

    def sign(token: str) -> dict[str, str]:
        return _signer(session_token=token).sign("GET", url, {}, b"", now=NOW)

    first = sign("token-a")
    assert list(first) == ["x-cos-security-token", "Authorization"]
    assert first["x-cos-security-token"] == "token-a"
    fields = _auth_fields(first["Authorization"])
    assert fields["q-header-list"] == "host;x-cos-security-token"
    assert fields["q-url-param-list"] == "tag"
    # The token is covered by the signature.
    assert sign("token-b")["Authorization"] != first["Authorization"]
    # A matching token already on the request is fine; a different one is not.
    same = _signer(session_token="token-a").sign(
        "GET", url, {"X-Cos-Security-Token": "token-a"}, b"", now=NOW
    )
    assert same == first
    with pytest.raises(ValueError, match="session_token") as excinfo:
        _signer(session_token="token-a").sign(
            "GET", url, {"x-cos-security-token": "token-z"}, b"", now=NOW
        )
    assert "token-a" not in str(excinfo.value)
    assert "token-z" not in str(excinfo.value)


def test_repr_hides_secrets() -> None:
    token = "SECRET-TOKEN-VALUE"
    signer = _signer(session_token=token)
    for text in (repr(signer), str(signer)):
        assert SECRET_KEY not in text
        assert token not in text
        assert SECRET_ID not in text
        assert "AKID****" in text
    assert "****" in repr(CosSha1Signer(secret_id="short", secret_key="k"))
    assert "short" not in repr(CosSha1Signer(secret_id="short", secret_key="k"))
    assert not hasattr(signer, "secret_key")
    assert not hasattr(signer, "session_token")


@pytest.mark.parametrize("argument", ["secret_id", "secret_key", "session_token"])
@pytest.mark.parametrize(
    "bad", ["AKIDabc\r\nX-Evil: 1", "abc\ndef", "abc\rdef", "abc\x00def"]
)
def test_credentials_with_line_breaks_are_refused(argument: str, bad: str) -> None:
    kwargs: dict[str, Any] = {
        "secret_id": SECRET_ID,
        "secret_key": SECRET_KEY,
        argument: bad,
    }
    with pytest.raises(ValueError, match=rf"\b{argument}\b") as excinfo:
        CosSha1Signer(**kwargs)
    message = str(excinfo.value)
    for piece in (bad, "AKIDabc", "X-Evil", "abc", "def"):
        assert piece not in message


@pytest.mark.parametrize("argument", ["secret_id", "secret_key"])
def test_empty_credentials_are_refused(argument: str) -> None:
    kwargs: dict[str, Any] = {
        "secret_id": SECRET_ID,
        "secret_key": SECRET_KEY,
        argument: "",
    }
    with pytest.raises(ValueError, match=rf"\b{argument}\b"):
        CosSha1Signer(**kwargs)


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("expires", 0),
        ("expires", -1),
        ("expires", float("inf")),
        ("skew", -1),
        ("skew", float("nan")),
    ],
)
def test_bad_time_settings_are_refused(argument: str, value: float) -> None:
    with pytest.raises(ValueError, match=argument):
        _signer(**{argument: value})


def test_constructor_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        CosSha1Signer(SECRET_ID, SECRET_KEY)  # type: ignore[call-arg]
