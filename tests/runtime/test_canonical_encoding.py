"""The ACS3 signer's short cut for text already in canonical form (what the transport
sends): it must give exactly what decoding and re-encoding gives, for any text. (Huawei's
signer decodes the whole path before splitting it, as its SDK does, so it takes no such
short cut.)"""

from __future__ import annotations

from urllib.parse import quote, unquote_to_bytes

from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.runtime import acs3_hmac_sha256

# Texts of the characters that matter: unreserved ones, "%" and hex digits (escapes,
# valid or not, of any case), reserved ASCII and non-ASCII.
pieces = st.sampled_from(
    list("aZ09-_.~%%%AFaf+ /=&*!'()\"") + ["任", "é", "%2D", "%7e", "%E4%BB%BB", "%FF"]
)
texts = st.lists(pieces, max_size=16).map("".join) | st.text(
    st.characters(exclude_categories=["Cs"]), max_size=16
)


@settings(max_examples=600, deadline=None)
@given(texts)
@example("%7B%22voice%22%3A%22Siqi%22%7D")  # what the transport sends: kept as it is
@example("%41")  # an escaped unreserved character: decoded
@example("%2a")  # a lower-case escape: upper-cased
def test_acs3_encoding_is_decode_then_encode(text: str) -> None:
    assert acs3_hmac_sha256._encode(text) == quote(unquote_to_bytes(text), safe="")
