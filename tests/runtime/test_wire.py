"""The runtime's wire forms, on models written as the generator writes them."""

from __future__ import annotations

import json
from typing import Annotated

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from generator.runtime.wire import JsonString, MaxBytes, WireShapes, compact_json


class Voice(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)
    name: Annotated[str, Field(alias="Name")]
    volume: Annotated[int, Field(ge=0, le=100)] = 50


class Sent(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    voice: JsonString[Voice]
    title: Annotated[str, MaxBytes[6]] | None = None
    data: Annotated[JsonString[Voice], MaxBytes[20]] | None = None


class Segment(WireShapes):
    model_config = ConfigDict(extra="allow")
    text: str
    start: float
    end: float


Segment.__wire_shapes__ = (
    {"text": ("content", 1), "start": ("from", 1), "end": ("to", 1)},
    {"text": ("text", 1), "start": ("begin_time", 1000), "end": ("end_time", 1000)},
)


class Received(BaseModel):
    model_config = ConfigDict(extra="allow")
    voice: JsonString[Voice] | None = None
    segments: JsonString[list[Segment]] | None = None


def test_a_json_string_is_sent_as_compact_json_with_wire_names_and_only_what_was_set() -> (
    None
):
    sent = Sent.model_validate({"voice": {"Name": "Siqi 思琪"}}, strict=True)
    dumped = sent.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert dumped == {"voice": '{"Name":"Siqi 思琪"}'}
    # The same text in a JSON body: a string holding the document.
    body = json.loads(sent.model_dump_json(by_alias=True, exclude_unset=True))
    assert json.loads(body["voice"]) == {"Name": "Siqi 思琪"}


def test_a_sent_json_string_takes_a_model_a_dict_or_its_json_text() -> None:
    voice = Voice(name="Siqi", volume=10)
    assert Sent.model_validate({"voice": voice}, strict=True).voice is voice
    # JSON text (as the vendors' SDKs take it) is parsed, then checked as the document.
    sent = Sent.model_validate({"voice": '{"Name": "Siqi"}'}, strict=True)
    assert sent.voice == Voice(name="Siqi")
    assert sent.model_dump(mode="json", by_alias=True, exclude_unset=True) == {
        "voice": '{"Name":"Siqi"}'
    }
    for text in ('{"Name": "Siqi", "volume": 101}', "Siqi", "null", "NaN", b"{}"):
        with pytest.raises(ValidationError) as caught:
            Sent.model_validate({"voice": text}, strict=True)
        assert caught.value.errors()[0]["loc"][0] == "voice"
    # The document's own constraints are checked before sending.
    with pytest.raises(ValidationError) as caught:
        Sent.model_validate({"voice": {"Name": "Siqi", "volume": 101}}, strict=True)
    assert caught.value.errors()[0]["loc"] == ("voice", "volume")


def test_byte_limits_count_utf8_bytes_of_text_and_of_the_json_sent() -> None:
    assert (
        Sent.model_validate({"voice": {"Name": "a"}, "title": "题题"}).title == "题题"
    )
    with pytest.raises(ValidationError, match="at most 6 bytes of UTF-8"):
        Sent.model_validate({"voice": {"Name": "a"}, "title": "题题a"})
    # {"Name":"abcdefghi"} is 20 bytes; one more letter is 21.
    assert compact_json({"Name": "abcdefghi"}).encode() == b'{"Name":"abcdefghi"}'
    Sent.model_validate({"voice": {"Name": "a"}, "data": {"Name": "abcdefghi"}})
    with pytest.raises(ValidationError, match="this is 21") as caught:
        Sent.model_validate({"voice": {"Name": "a"}, "data": {"Name": "abcdefghij"}})
    assert caught.value.errors()[0]["loc"] == ("data",)


def test_a_received_json_string_is_parsed_and_a_malformed_one_names_the_field() -> None:
    received = Received.model_validate({"voice": '{"Name":"Siqi"}'})
    assert received.voice == Voice(name="Siqi")
    with pytest.raises(ValidationError) as caught:
        Received.model_validate({"segments": "[{bad"})
    (error,) = caught.value.errors()
    assert error["loc"] == ("segments",)
    assert "does not hold a JSON document" in error["msg"]


def test_both_documented_shapes_read_into_one_in_seconds() -> None:
    v2 = json.dumps([{"content": "a", "from": 0.0, "to": 0.846}])
    v1 = json.dumps([{"text": "a", "begin_time": 0, "end_time": 846, "extra": True}])
    (new,) = Received.model_validate({"segments": v2}).segments or []
    (old,) = Received.model_validate({"segments": v1}).segments or []
    assert (new.text, new.start, new.end) == ("a", 0.0, 0.846)
    assert (old.text, old.start, old.end) == ("a", 0.0, 0.846)
    assert old.model_extra == {"extra": True}


def test_the_declared_shape_and_unknown_shapes_are_left_as_they_came() -> None:
    assert Segment.model_validate({"text": "a", "start": 1, "end": 2}).end == 2
    # No shape is all there: the likeliest is read as far as it goes (`end` is missing).
    with pytest.raises(ValidationError) as caught:
        Segment.model_validate({"content": "a", "from": 1})
    assert {e["loc"] for e in caught.value.errors()} == {("end",)}
    with pytest.raises(ValidationError) as caught:
        Segment.model_validate({"sentence": "a"})
    assert {e["loc"] for e in caught.value.errors()} == {
        ("text",),
        ("start",),
        ("end",),
    }
    # A boolean is no number of milliseconds: not divided, refused by the field.
    with pytest.raises(ValidationError):
        Segment.model_validate({"text": "a", "begin_time": True, "end_time": "x"})


def test_numbers_sent_as_text_are_still_in_the_shapes_unit() -> None:
    old = Segment.model_validate({"text": "a", "begin_time": "846", "end_time": "3386"})
    assert (old.start, old.end) == (0.846, 3.386)


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=20,
    )
)
def test_compact_json_is_what_the_json_module_writes(data: object) -> None:
    # The encoder built once writes what json.dumps writes with the same options: NaN
    # and infinities as JavaScript names, non-ASCII as it is, no spaces.
    expected = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    assert compact_json(data) == expected


def test_compact_json_refuses_what_json_cannot_write() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        compact_json({"a": object()})
