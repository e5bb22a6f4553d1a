"""Parameters as OpenAPI serialises them: `style` and `explode` for query, header, path and
cookie parameters (`_runtime/request.py`).

Two references, each written here independently of the runtime: the style examples table of
the OpenAPI specification (3.1.1, section 4.8.12.6, "Style Examples"), taken literally, and an
RFC 6570 expansion (its Appendix A algorithm, for the operators OpenAPI's RFC 6570 styles
use), which a property test holds the runtime to on random values.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from generator.runtime.request import (
    Call,
    Encoded,
    cookie_pairs,
    path_segment,
    query_string,
    styled_header,
    styled_path,
    styled_query,
    text_params,
)

STRING = "blue"
ARRAY = ["blue", "black", "brown"]
OBJECT = {"R": 100, "G": 200, "B": 150}


def query(style: str, explode: bool, value: object) -> str:
    """The query string a parameter named `color` makes (without its `?`)."""
    return query_string(
        text_params({"color": styled_query("color", value, style, explode)})
    )[1:]


# --- the OpenAPI table, row by row ------------------------------------------------------------
# (style, explode, string, array, object); None: "n/a" in the table.
TABLE = [
    (
        "matrix",
        False,
        ";color=blue",
        ";color=blue,black,brown",
        ";color=R,100,G,200,B,150",
    ),
    (
        "matrix",
        True,
        ";color=blue",
        ";color=blue;color=black;color=brown",
        ";R=100;G=200;B=150",
    ),
    ("label", False, ".blue", ".blue,black,brown", ".R,100,G,200,B,150"),
    ("label", True, ".blue", ".blue.black.brown", ".R=100.G=200.B=150"),
    ("simple", False, "blue", "blue,black,brown", "R,100,G,200,B,150"),
    ("simple", True, "blue", "blue,black,brown", "R=100,G=200,B=150"),
    (
        "form",
        False,
        "color=blue",
        "color=blue,black,brown",
        "color=R,100,G,200,B,150",
    ),
    (
        "form",
        True,
        "color=blue",
        "color=blue&color=black&color=brown",
        "R=100&G=200&B=150",
    ),
    (
        "spaceDelimited",
        False,
        None,
        "color=blue%20black%20brown",
        "color=R%20100%20G%20200%20B%20150",
    ),
    (
        "pipeDelimited",
        False,
        None,
        "color=blue%7Cblack%7Cbrown",
        "color=R%7C100%7CG%7C200%7CB%7C150",
    ),
    (
        "deepObject",
        True,
        None,
        None,
        "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150",
    ),
]
_PLACES = {
    "matrix": "path",
    "label": "path",
    "simple": "path",
    "form": "query",
    "spaceDelimited": "query",
    "pipeDelimited": "query",
    "deepObject": "query",
}


def _serialise(place: str, style: str, explode: bool, value: object) -> str:
    if place == "path":
        return styled_path("color", value, style, explode)
    if place == "header":
        result = styled_header(value, explode)
        assert result is not None
        return result
    if place == "cookie":
        return "; ".join(cookie_pairs("color", value, explode))
    return query(style, explode, value)


@pytest.mark.parametrize(
    ("style", "explode", "kind", "expected"),
    [
        (style, explode, kind, expected)
        for style, explode, *row in TABLE
        for kind, expected in zip(("string", "array", "object"), row, strict=True)
        if expected is not None
    ],
)
def test_the_openapi_style_examples_table(
    style: str, explode: bool, kind: str, expected: str
) -> None:
    value = {"string": STRING, "array": ARRAY, "object": OBJECT}[kind]
    assert _serialise(_PLACES[style], style, explode, value) == expected


@pytest.mark.parametrize(
    ("explode", "value", "expected"),
    [
        (False, ARRAY, "blue,black,brown"),
        (True, ARRAY, "blue,black,brown"),
        (False, OBJECT, "R,100,G,200,B,150"),
        (True, OBJECT, "R=100,G=200,B=150"),
        (False, STRING, "blue"),
    ],
)
def test_a_header_is_the_simple_row_without_percent_encoding(
    explode: bool, value: object, expected: str
) -> None:
    assert styled_header(value, explode) == expected
    # Header values are never percent-encoded (OpenAPI 3.1.1, Appendix D, as corrected).
    assert styled_header(["a b", "c/d"], False) == "a b,c/d"


@pytest.mark.parametrize(
    ("explode", "value", "expected"),
    [
        (True, STRING, "color=blue"),
        (False, ARRAY, "color=blue,black,brown"),
        # The table's `&` is never right between cookies: `; ` is (Appendix D).
        (True, ARRAY, "color=blue; color=black; color=brown"),
        (True, OBJECT, "R=100; G=200; B=150"),
        (False, OBJECT, "color=R,100,G,200,B,150"),
        (True, "a;b c", "color=a%3Bb%20c"),
    ],
)
def test_a_cookie_is_the_form_row_joined_as_cookies_are(
    explode: bool, value: object, expected: str
) -> None:
    assert "; ".join(cookie_pairs("color", value, explode)) == expected


def test_a_cookie_is_kept_out_of_the_calls_repr() -> None:
    call = Call(method="GET", path="/", cookies=cookie_pairs("session", "s3cret", True))
    assert call.cookies == ("session=s3cret",)
    assert "s3cret" not in repr(call)


# --- what the table leaves open -----------------------------------------------------------


def test_a_list_is_never_sent_as_its_python_repr() -> None:
    with pytest.raises(TypeError, match="by its style"):
        text_params({"ids": ["a", "b"]})
    with pytest.raises(TypeError):
        text_params({"o": {"a": 1}})


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10, "10"), (10.0, "10.0"), (0.5, "0.5"), (True, "true"), (False, "false")],
)
def test_numbers_and_booleans_are_sent_as_written(value: object, expected: str) -> None:
    assert text_params({"n": value}) == {"n": expected}
    assert query("form", True, [value]) == f"color={expected}"


def test_values_are_percent_encoded_and_delimiters_are_not() -> None:
    # A comma inside a value stays encoded, so the server can tell it from the delimiter.
    assert query("form", False, ["a,b", "c"]) == "color=a%2Cb,c"
    assert query("form", True, ["a&b=c", "é"]) == "color=a%26b%3Dc&color=%C3%A9"
    assert query("pipeDelimited", False, ["a|b", "c"]) == "color=a%7Cb%7Cc"
    assert styled_path("color", ["a/b", "c"], "simple", False) == "a%2Fb,c"


def test_empty_lists_and_objects_are_not_sent_and_none_members_are_skipped() -> None:
    # RFC 6570 2.3: a list or object without (defined) members is undefined.
    assert styled_query("color", [], "form", True) is None
    assert styled_query("color", {"R": None}, "deepObject", True) is None
    assert (
        query_string(text_params({"color": styled_query("c", [], "form", True)})) == ""
    )
    assert query("form", True, ["a", None, "b"]) == "color=a&color=b"
    assert query("deepObject", True, {"R": 1, "G": None}) == "color%5BR%5D=1"
    assert styled_header([], False) is None
    assert cookie_pairs("color", [], True) == ()


def test_a_path_value_cannot_change_the_paths_shape() -> None:
    with pytest.raises(ValueError, match="id must not be empty"):
        path_segment("id", "")
    with pytest.raises(ValueError, match="color must not be empty"):
        styled_path("color", [], "simple", False)
    # httpx (like every URL parser) resolves `.` and `..` segments away.
    assert path_segment("id", "..") == "%2E%2E"
    assert path_segment("id", ".") == "%2E"
    assert path_segment("id", "...") == "..."
    assert path_segment("id", True) == "true"


def test_nested_values_are_sent_as_compact_json() -> None:
    # OpenAPI leaves a list inside an object undefined; JSON text is what it holds.
    assert query("deepObject", True, {"a": [1, "x"]}) == (
        "color%5Ba%5D=" + quote('[1,"x"]', safe="")
    )


def test_an_encoded_part_counts_its_own_length_when_the_url_is_too_long() -> None:
    from generator.runtime.request import MAX_URL_LENGTH, checked_url

    part = styled_query("ids", ["x" * 100] * 700, "form", True)
    assert isinstance(part, Encoded)
    call = Call(
        method="GET",
        path="/",
        query={"ids": part, "small": "1"},
        operation="list",
        arguments={"ids": "voice_ids"},
    )
    url = "http://h/" + query_string(call.query)
    assert len(url) > MAX_URL_LENGTH
    with pytest.raises(ValueError, match="voice_ids takes"):
        checked_url(url, call)


# --- RFC 6570, written from its Appendix A ------------------------------------------------
# operator -> (first, sep, named, ifemp); every value is encoded with the unreserved set.
_OPERATORS = {
    "": ("", ",", False, ""),
    ".": (".", ".", False, ""),
    ";": (";", ";", True, ""),
    "?": ("?", "&", True, "="),
}


def _encode(text: str) -> str:
    unreserved = string.ascii_letters + string.digits + "-._~"
    return "".join(
        char if char in unreserved else "".join(f"%{b:02X}" for b in char.encode())
        for char in text
    )


def _wire(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def rfc6570(operator: str, name: str, value: object, explode: bool) -> str:
    """The expansion of `{<operator><name>[*]}` (RFC 6570, Appendix A)."""
    first, sep, named, ifemp = _OPERATORS[operator]
    if value is None:
        return ""
    if isinstance(value, Mapping):
        pairs = [
            (_encode(k), _encode(_wire(v))) for k, v in value.items() if v is not None
        ]
        if not pairs:
            return ""
        if not explode:
            body = ",".join(f"{k},{v}" for k, v in pairs)
            return first + (f"{_encode(name)}={body}" if named else body)
        if named:
            return first + sep.join(k + (f"={v}" if v else ifemp) for k, v in pairs)
        return first + sep.join(f"{k}={v}" for k, v in pairs)
    if isinstance(value, list):
        items = [_encode(_wire(v)) for v in value if v is not None]
        if not items:
            return ""
        if not explode:
            body = ",".join(items)
            return first + (f"{_encode(name)}={body}" if named else body)
        if named:
            return first + sep.join(
                _encode(name) + (f"={v}" if v else ifemp) for v in items
            )
        return first + sep.join(items)
    text = _encode(_wire(value))
    if named:
        return first + _encode(name) + (f"={text}" if text else ifemp)
    return first + text


def openapi_only(style: str, name: str, value: object) -> str:
    """spaceDelimited, pipeDelimited and deepObject, as the table writes them."""
    key = _encode(name)
    if style == "deepObject":
        assert isinstance(value, Mapping)
        return "&".join(
            f"{key}%5B{_encode(k)}%5D={_encode(_wire(v))}"
            for k, v in value.items()
            if v is not None
        )
    members: list[str] = []
    if isinstance(value, Mapping):
        for k, v in value.items():
            if v is not None:
                members += [_encode(k), _encode(_wire(v))]
    else:
        assert isinstance(value, list)
        members = [_encode(_wire(v)) for v in value if v is not None]
    if not members:
        return ""
    return f"{key}=" + {"spaceDelimited": "%20", "pipeDelimited": "%7C"}[style].join(
        members
    )


_text = st.text(st.characters(codec="utf-8"), max_size=6)
_scalar = st.one_of(
    _text,
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)
_member = st.one_of(st.none(), _scalar)
_value = st.one_of(
    _scalar,
    st.lists(_member, max_size=4),
    st.dictionaries(_text, _member, max_size=4),
)
_name = st.text(st.characters(codec="utf-8"), min_size=1, max_size=5)


@seed(20261206)
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    style=st.sampled_from(
        ["form", "spaceDelimited", "pipeDelimited", "deepObject", "matrix", "label"]
    ),
    explode=st.booleans(),
    name=_name,
    value=_value,
)
def test_random_styles_serialise_as_rfc_6570_and_the_table_say(
    style: str, explode: bool, name: str, value: Any
) -> None:
    if style in ("matrix", "label"):
        got = styled_path(name, value, style, explode)
        if (
            value in ([], {})
            or (
                isinstance(value, dict)
                and not any(v is not None for v in value.values())
            )
            or (isinstance(value, list) and all(v is None for v in value))
        ):
            # Undefined: RFC 6570 writes nothing; the table (its "undefined" column) and
            # this runtime keep the path's prefix.
            assert got == (f";{_encode(name)}" if style == "matrix" else ".")
            return
        assert got == rfc6570(";" if style == "matrix" else ".", name, value, explode)
        return
    scalar = not isinstance(value, list | dict)
    if style in ("spaceDelimited", "pipeDelimited", "deepObject"):
        # Only the combinations the table defines (the generator reads the others as
        # form, with a warning): no scalars, no exploded delimited lists, no
        # deepObject list, deepObject always exploded.
        if scalar or (style == "deepObject" and not isinstance(value, dict)):
            return
        if style != "deepObject" and explode:
            return
        expected = openapi_only(style, name, value)
    else:
        expected = rfc6570("?", name, value, explode)[1:]
    part = styled_query(name, value, style, explode or style == "deepObject")
    got = query_string(text_params({name: part}))[1:] if part is not None else ""
    assert got == expected


@seed(20261206)
@settings(max_examples=150, deadline=None)
@given(
    explode=st.booleans(),
    value=st.one_of(
        st.lists(st.one_of(st.none(), _scalar), min_size=1, max_size=4).filter(
            lambda v: any(m is not None for m in v)
        ),
        st.dictionaries(_text, _scalar, min_size=1, max_size=4),
        _scalar.filter(lambda v: _wire(v) not in ("", ".", "..")),
    ),
)
def test_random_simple_path_values_serialise_as_rfc_6570_says(
    explode: bool, value: Any
) -> None:
    assert styled_path("p", value, "simple", explode) == rfc6570(
        "", "p", value, explode
    )


@seed(20261206)
@settings(max_examples=150, deadline=None)
@given(
    explode=st.booleans(),
    value=st.one_of(st.lists(_member, max_size=4), st.dictionaries(_text, _member)),
    name=_name,
)
def test_random_cookies_are_rfc_6570_form_joined_as_cookies(
    explode: bool, value: Any, name: str
) -> None:
    expected = rfc6570("?", name, value, explode)[1:]
    got = "; ".join(cookie_pairs(name, value, explode))
    assert got == expected.replace("&", "; ")
