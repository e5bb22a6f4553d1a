"""The runtime's own XML reading and writing (`XmlModel`, `xml_body`) against pydantic-xml's:
the same models, once on `XmlModel` and once on pydantic-xml's `BaseXmlModel`, must read
every document to equal values and write every value to the same bytes."""

from typing import Any, Literal
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ConfigDict, ValidationError
from pydantic_xml import BaseXmlModel, attr, element

from generator.runtime import xml as runtime_xml
from generator.runtime.xml import XmlModel, parse_document, xml_body


def _models(base: type[BaseXmlModel]) -> dict[str, Any]:
    """The same shapes as the generator writes them, on `base`. pydantic-xml's own
    models cannot defer their build (a nested model would have no serializer), ours do,
    as the generated ones do. (No `from __future__ import annotations` in this module:
    deferred models defined in a function could not resolve their names later.)"""
    deferred = base is XmlModel

    class Leaf(base, tag="Leaf", search_mode="unordered"):  # type: ignore[valid-type,misc,call-arg]
        model_config = ConfigDict(extra="ignore", defer_build=deferred)
        kind: str | None = attr(name="Kind", default=None)
        name: str | None = element(tag="Name", default=None)
        size: int | None = element(tag="Size", default=None)

    class Root(base, tag="Root", search_mode="unordered"):  # type: ignore[valid-type,misc,call-arg]
        model_config = ConfigDict(extra="ignore", defer_build=deferred)
        version: str | None = attr(name="Version", default=None)
        state: Literal["On", "Off"] | str | None = element(tag="State", default=None)
        flag: bool | None = element(tag="Flag", default=None)
        leaf: Leaf | None = element(tag="Leaf", default=None)
        leaves: list[Leaf] = element(tag="Item", default_factory=list)
        names: list[str] = element(tag="Id", default_factory=list)

    class Sent(base, tag="Request", search_mode="unordered"):  # type: ignore[valid-type,misc,call-arg]
        model_config = ConfigDict(extra="forbid", strict=True, defer_build=deferred)
        tag: Literal["Tts"] = element(tag="Tag", default="Tts")
        mode: str | None = attr(name="Mode", default=None)
        text: str | None = element(tag="Text", default=None)
        level: int | None = element(tag="Level", default=None)
        on: bool | None = element(tag="On", default=None)
        leaf: Leaf | None = element(tag="Leaf", default=None)
        names: list[str] = element(tag="Id", default_factory=list)

    return {"Leaf": Leaf, "Root": Root, "Sent": Sent}


OURS = _models(XmlModel)
THEIRS = _models(BaseXmlModel)

DOCUMENTS = [
    b"<Root/>",
    b'<Root Version="2"><State>On</State><Flag>true</Flag></Root>',
    b"<Root><State>Paused</State><State>Off</State><Unknown><X>1</X></Unknown></Root>",
    b'<Root><Leaf Kind="a"><Name>n</Name><Size>3</Size><More/></Leaf><Leaf/></Root>',
    b"<Root><Item><Name>a</Name></Item><Item/><Item><Size>2</Size></Item></Root>",
    b"<Root><Id>a</Id><Id>b</Id><Id/><Id>c</Id></Root>",
    b"<Root><Id/><Id>b</Id></Root>",
    b"<Root><State></State><Flag/><Leaf><Name/></Leaf></Root>",
    b"<Root><!-- a comment --><State>On</State></Root>",
    "<Root><State>任务 &amp; &lt;x&gt;</State><Id> spaced </Id></Root>".encode(),
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_a_document_reads_as_pydantic_xml_reads_it(document: bytes) -> None:
    ours, theirs = OURS["Root"].from_xml(document), THEIRS["Root"].from_xml(document)
    assert ours.model_dump() == theirs.model_dump()
    assert runtime_xml._plan(OURS["Root"]) is not None  # the runtime's own path ran


def test_a_value_that_does_not_validate_is_refused_the_same_way() -> None:
    document = b"<Root><Leaf><Size>big</Size></Leaf></Root>"
    with pytest.raises(ValidationError) as ours:
        OURS["Root"].from_xml(document)
    with pytest.raises(ValidationError) as theirs:
        THEIRS["Root"].from_xml(document)
    assert [e["type"] for e in ours.value.errors()] == [
        e["type"] for e in theirs.value.errors()
    ]


def test_another_root_element_is_pydantic_xmls_error() -> None:
    with pytest.raises(Exception, match="root element not found"):
        OURS["Root"].from_xml(b"<Other/>")


def test_a_request_model_that_forbids_extras_is_read_by_pydantic_xml() -> None:
    plan = runtime_xml._plan(OURS["Sent"])
    assert plan is not None and not plan.readable
    with pytest.raises(ValidationError):
        OURS["Sent"].from_xml(b"<Request><Text>a</Text><Extra>1</Extra></Request>")
    assert OURS["Sent"].from_xml(b"<Request><Text>a</Text></Request>").text == "a"


texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    mode=st.none() | texts,
    text=st.none() | texts,
    level=st.none() | st.integers(-5, 5),
    on=st.none() | st.booleans(),
    leaf=st.none()
    | st.fixed_dictionaries(
        {
            "kind": st.none() | texts,
            "name": st.none() | texts,
            "size": st.none() | st.integers(),
        }
    ),
    names=st.lists(texts.filter(bool), max_size=3),
)
def test_a_request_is_written_as_pydantic_xml_writes_it(
    mode: str | None,
    text: str | None,
    level: int | None,
    on: bool | None,
    leaf: dict[str, Any] | None,
    names: list[str],
) -> None:
    # Control characters are no XML at all; both writers would pass them on.
    values: dict[str, Any] = {
        "mode": mode,
        "text": text,
        "level": level,
        "on": on,
        "leaf": leaf,
        "names": names,
    }
    ours = OURS["Sent"].model_validate(values)
    theirs = THEIRS["Sent"].model_validate(values)
    expected = theirs.to_xml(skip_empty=True, exclude_none=True, encoding="utf-8")
    assert xml_body(ours) == expected


def test_pydantic_xmls_own_api_still_works_on_deferred_nested_models() -> None:
    # Nested models never used on their own have no pydantic-xml serializer of their
    # own until `_built` makes them.
    models = _models(XmlModel)
    document = b"<Root><Leaf><Name>n</Name></Leaf></Root>"
    root = models["Root"].from_xml(document)
    assert root.to_xml() == THEIRS["Root"].from_xml(document).to_xml()
    listed = b"<Root><Item><Name>x</Name></Item></Root>"
    again = models["Root"].from_xml_tree(
        ElementTree.fromstring(listed), empty_as_string=True
    )
    assert again.leaves[0].name == "x"


def test_json_callbacks_read_through_the_same_path() -> None:
    read = parse_document(
        OURS["Root"], '{"Root": {"State": "On", "Id": ["a", "b"]}}', "application/json"
    )
    assert (read.state, read.names) == ("On", ["a", "b"])
