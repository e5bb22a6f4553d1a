"""The signers' shortcuts (issue 19) give what the long way gives: the canonical path and
query of text that is canonical already are checked in one match, and the Host of an
endpoint is worked out once."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import ModuleType
from urllib.parse import quote, unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.runtime import acs3_hmac_sha256 as acs3
from generator.runtime import sdk_hmac_sha256 as sdk
from generator.runtime import tc3_hmac_sha256 as tc3

NEVER = re.compile(r"(?!)")

# Unreserved characters, escapes (upper and lower case, of unreserved bytes too), the
# separators, and text that must be encoded.
PIECES = st.sampled_from(
    ["a", "Z", "0", "-", "_", ".", "~", "%20", "%2A", "%2a", "%41", "%7E", "%C3%A9",
     "%", "%G1", "=", "&", "/", " ", "+", "é", "*", "'"]
)  # fmt: skip
TEXT = st.lists(PIECES, max_size=12).map("".join)


def _outcome(function: Callable[[str], str], text: str) -> str:
    try:
        return function(text)
    except ValueError as error:  # the same refusal either way
        return f"{type(error).__name__}"


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_acs3_query_and_path_shortcuts_match_the_per_part_encoding(text: str) -> None:
    fast = (_outcome(acs3._canonical_query, text), _outcome(acs3._canonical_uri, text))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(acs3, "_CANONICAL_QUERY", NEVER)
        patch.setattr(acs3, "_CANONICAL_PATH", NEVER)
        slow = (
            _outcome(acs3._canonical_query, text),
            _outcome(acs3._canonical_uri, text),
        )
    assert fast == slow


def test_acs3_query_shortcut_still_encodes_what_is_not_canonical() -> None:
    # A second "=" belongs to the value, and a lower-case escape is not canonical.
    assert acs3._canonical_query("b=x=y&a=%2a") == "a=%2A&b=x%3Dy"
    assert acs3._canonical_uri("/a b/%7E") == "/a%20b/~"


def _huawei_query_reference(query: str) -> str:
    # The rule as the vendor states it: decode each name and value, sort, encode.
    pairs = sorted(
        (unquote(key), unquote(value))
        for key, _, value in (item.partition("=") for item in query.split("&") if item)
    )
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)


def _huawei_uri_reference(path: str) -> str:
    uri = "/".join(quote(segment, safe="") for segment in unquote(path).split("/"))
    uri = uri if uri.startswith("/") else "/" + uri
    return uri if uri.endswith("/") else uri + "/"


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_sdk_query_and_path_shortcuts_match_the_vendor_rule(text: str) -> None:
    assert sdk._canonical_query(text) == _huawei_query_reference(text)
    assert sdk._canonical_uri(text) == _huawei_uri_reference(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sdk, "_UNRESERVED", NEVER)
        patch.setattr(sdk, "_UNRESERVED_PATH", NEVER)
        assert sdk._canonical_uri(text) == _huawei_uri_reference(text)


@pytest.mark.parametrize("signer", [acs3, sdk, tc3], ids=lambda m: m.__name__)
def test_host_of_each_endpoint_in_turn(signer: ModuleType) -> None:
    # Alternating endpoints: each keeps its own Host, however often it was seen before.
    cases = {
        "https://ice.cn-shanghai.aliyuncs.com/?a=1": "ice.cn-shanghai.aliyuncs.com",
        "https://ice.cn-shanghai.aliyuncs.com:443/": "ice.cn-shanghai.aliyuncs.com",
        "http://ice.cn-shanghai.aliyuncs.com:443/": "ice.cn-shanghai.aliyuncs.com:443",
        "http://127.0.0.1:8080/x": "127.0.0.1:8080",
        "http://[::1]:8080/": "[::1]:8080",
        "HTTPS://Example.COM:443/": "example.com",
    }
    for _ in range(2):
        for url, host in cases.items():
            assert signer._host_from_url(url) == host
    for _ in range(2):  # a refusal is not remembered as an answer
        with pytest.raises(ValueError, match="no host"):
            signer._host_from_url("/relative/path")
