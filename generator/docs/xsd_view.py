"""XML bodies, as an XSD describes them: the spec names the XSD beside it
(`x-sdkgen-xsd: tts.xsd`) and each XML body's element (`x-sdkgen-xml: Request`, or
`{type: JobsResponse, element: Response}`).

An element becomes the same kind of field tree as a JSON schema (`SpecField`), so pages
compare alike; an XML example is validated against the element's XSD type. `xmlschema`
is imported only for a spec that has an XSD.
"""

from __future__ import annotations

import importlib
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import PageError, Range
from .spec_field import SpecField, text

_XS = "{http://www.w3.org/2001/XMLSchema}"
_TYPES = {
    "string": "string",
    "normalizedString": "string",
    "token": "string",
    "anyURI": "string",
    "dateTime": "string",
    "date": "string",
    "boolean": "boolean",
    "decimal": "number",
    "float": "number",
    "double": "number",
}
_INTEGERS = (
    "integer",
    "int",
    "long",
    "short",
    "byte",
    "nonNegativeInteger",
    "positiveInteger",
    "nonPositiveInteger",
    "negativeInteger",
    "unsignedLong",
    "unsignedInt",
    "unsignedShort",
    "unsignedByte",
)

Problem = tuple[str, str, str | None, str | None]  # pointer, kind, page, spec


@dataclass(frozen=True)
class XmlBody:
    element: str  # the document's root element
    type: Any  # its xmlschema type


class Xsd:
    """One XSD, loaded on first use."""

    def __init__(self, path: Path, display: str) -> None:
        self.path = path
        self.display = display
        self._schema: Any = None

    @property
    def schema(self) -> Any:
        if self._schema is None:
            try:
                # Imported only for a spec with an XSD (the Tencent CI issue pins it).
                xmlschema: Any = importlib.import_module("xmlschema")
            except ImportError:
                raise PageError(
                    self.display, None, "xmlschema is needed to read this XSD"
                ) from None
            try:
                self._schema = xmlschema.XMLSchema11(str(self.path))
            except (OSError, xmlschema.XMLSchemaException) as error:
                message = " ".join(str(error).split())[:300]
                raise PageError(self.display, None, message) from None
        return self._schema

    def body(self, reference: Any, where: str) -> XmlBody:
        """The body an `x-sdkgen-xml` value names."""
        element: Any = None
        type_name: Any = None
        if isinstance(reference, str):
            element = reference
        elif isinstance(reference, Mapping):
            element, type_name = reference.get("element"), reference.get("type")
        if not isinstance(element, str):
            raise PageError(
                self.display, None, f"{where}: x-sdkgen-xml names no element"
            )
        if type_name is None:
            declared = self.schema.elements.get(element)
            if declared is None:
                raise PageError(self.display, None, f"{where}: no element {element!r}")
            return XmlBody(element, declared.type)
        found = self.schema.types.get(type_name)
        if found is None:
            raise PageError(self.display, None, f"{where}: no type {type_name!r}")
        return XmlBody(element, found)

    def field(self, body: XmlBody) -> SpecField:
        return _field(body.element, body.type, 1, 1, None, None, 0)

    def validate(self, body: XmlBody, document: str) -> Iterator[Problem]:
        root = ElementTree.fromstring(document)
        if root.tag != body.element:
            yield "/", "example-element", root.tag, body.element
            return
        seen: set[tuple[str, str]] = set()
        for outcome in body.type.iter_decode(root, validation="lax"):
            reason = getattr(outcome, "reason", None)
            if reason is None:
                continue
            path = str(getattr(outcome, "path", "") or "/")
            problem = (path, " ".join(str(reason).split()))
            if problem not in seen:
                seen.add(problem)
                yield path, "example-xsd", problem[1], _name(body.type)


def _name(xsd_type: Any) -> str:
    return str(xsd_type.local_name or xsd_type.name or "an anonymous type")


def _builtin(xsd_type: Any) -> str | None:
    current = xsd_type
    while current is not None:
        name = current.name or ""
        if name.startswith(_XS):
            local = name[len(_XS) :]
            return "integer" if local in _INTEGERS else _TYPES.get(local, "string")
        current = getattr(current, "base_type", None)
    return None


def _field(
    name: str,
    xsd_type: Any,
    min_occurs: int,
    max_occurs: int | None,
    default: Any,
    fixed: Any,
    depth: int,
) -> SpecField:
    simple = xsd_type.is_simple() or xsd_type.has_simple_content()
    content = xsd_type if xsd_type.is_simple() else getattr(xsd_type, "content", None)
    children: tuple[SpecField, ...] = ()
    if simple:
        single = _builtin(content) or "string"
    else:
        single = "object"
        if depth < 12 and content is not None:
            children = tuple(
                _field(
                    child.local_name,
                    child.type,
                    child.min_occurs,
                    child.max_occurs,
                    child.default,
                    child.fixed,
                    depth + 1,
                )
                for child in content.iter_elements()
                if getattr(child, "local_name", None) and hasattr(child, "type")
            )
    facets: Any = content if simple else None
    low = getattr(facets, "min_value", None)
    high = getattr(facets, "max_value", None)
    return SpecField(
        name=name,
        type=single if max_occurs == 1 else f"array of {single}",
        required=min_occurs >= 1,
        enum=tuple(text(v) for v in (getattr(facets, "enumeration", None) or ())),
        range=None
        if low is None and high is None
        else Range(
            None if low is None else text(low), None if high is None else text(high)
        ),
        default=None if default is None else text(default),
        min_length=_length(facets, "min_length"),
        max_length=_length(facets, "max_length"),
        value=None if fixed is None else text(fixed),
        children=children,
    )


def _length(facets: Any, key: str) -> str | None:
    value = getattr(facets, key, None)
    return None if value is None else text(value)
