"""XML bodies for packages whose models come from an XSD (pydantic-xml models)."""

from __future__ import annotations

import json
from typing import Any, TypeVar
from xml.etree import ElementTree

from pydantic_xml import BaseXmlModel

XmlModelT = TypeVar("XmlModelT", bound=BaseXmlModel)

XML = "application/xml"


def xml_body(model: BaseXmlModel) -> bytes:
    """A request document as sent: the fields given, in the XSD's order, UTF-8."""
    document = model.to_xml(skip_empty=True, exclude_none=True, encoding="utf-8")
    return document if isinstance(document, bytes) else document.encode()


def parse_document(
    model: type[XmlModelT], body: bytes | str, content_type: str = XML
) -> XmlModelT:
    """Read a document the vendor sent as XML or, where it may choose, as JSON.

    JSON mirrors the XML: keys are element names, lists are repeated elements, and the
    document may or may not be wrapped in its root element's name. It is turned into that
    XML and read by the same model, so both forms give the same typed result.

    Raises:
        ValueError: the body is neither (a `pydantic.ValidationError` when it does not
            match the model).
    """
    raw = body.encode() if isinstance(body, str) else body
    if "json" not in content_type.lower():
        try:
            return model.from_xml(raw)
        except SyntaxError as error:  # ElementTree's and lxml's parse errors both are
            raise ValueError(f"the body is not XML: {error}") from None
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise ValueError(f"the body is not JSON: {error}") from None
    tag = model.__xml_tag__ or model.__name__
    if isinstance(data, dict) and list(data) == [tag]:
        data = data[tag]
    if not isinstance(data, dict):
        raise ValueError("the JSON body is not an object")
    root = ElementTree.Element(tag)
    _append(root, data)
    return model.from_xml_tree(root)


def _append(parent: ElementTree.Element, data: dict[str, Any]) -> None:
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            child = ElementTree.SubElement(parent, str(key))
            if isinstance(item, dict):
                _append(child, item)
            elif isinstance(item, bool):
                child.text = "true" if item else "false"
            elif item is not None:
                child.text = str(item)
