"""XML bodies for packages whose models come from an XSD (pydantic-xml models).

The models are pydantic-xml's, and read and write what pydantic-xml would. For the
shapes the generator writes (elements and attributes without namespaces, lists, nested
models), `XmlModel` reads and writes them itself: a walk over the ElementTree that
builds the dict pydantic-xml would hand to pydantic, validated by pydantic in one pass,
and the document written as ElementTree writes it. pydantic-xml's own element-by-element
path costs several times the HTTP exchange. Any other shape goes through pydantic-xml.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar
from xml.etree import ElementTree

from pydantic_xml import BaseXmlModel
from pydantic_xml.element import native
from pydantic_xml.fields import extract_field_xml_entity_info
from pydantic_xml.typedefs import EntityLocation

XmlModelT = TypeVar("XmlModelT", bound=BaseXmlModel)

XML = "application/xml"


@dataclass(frozen=True)
class _Field:
    name: str
    wire: str  # the element's tag or the attribute's name
    attribute: bool
    many: bool  # list[...]
    model: type[BaseXmlModel] | None  # a nested model, else a value in text


@dataclass(frozen=True)
class _Plan:
    tag: str
    fields: tuple[_Field, ...]
    elements: dict[str, _Field]
    attributes: tuple[_Field, ...]
    # Read here too: no model of the tree refuses unknown elements (pydantic-xml's own
    # check of what is left over), which only request models do.
    readable: bool


def _nested(annotation: Any) -> tuple[bool, type[BaseXmlModel] | None] | None:
    """(is a list, its model or None for text), or None for a shape not handled here."""
    origin = typing.get_origin(annotation)
    if origin is list:
        (item,) = typing.get_args(annotation) or (Any,)
        inner = _nested(item)
        return None if inner is None or inner[0] else (True, inner[1])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        found = [_nested(arg) for arg in args]
        if any(f is None or f[0] for f in found):
            return None
        models = {f[1] for f in found if f is not None}
        # Values only, or one model only (a model or a value would need pydantic-xml).
        return (False, models.pop()) if len(models) == 1 else None
    if isinstance(annotation, type) and issubclass(annotation, BaseXmlModel):
        return False, annotation
    if origin is not None and origin is not typing.Literal:
        if origin is typing.Annotated:
            return _nested(typing.get_args(annotation)[0])
        return None
    return False, None


def _plan(model: type[BaseXmlModel]) -> _Plan | None:
    """How `model` maps to XML, if it is a shape this module reads and writes itself."""
    cached: dict[type[BaseXmlModel], _Plan | None] = XmlModel.__xml_plans__
    if model in cached:
        return cached[model]
    cached[model] = None  # a model nested in itself is left to pydantic-xml
    plan = _make_plan(model)
    cached[model] = plan
    return plan


def _make_plan(model: type[BaseXmlModel]) -> _Plan | None:
    if (
        not issubclass(model, XmlModel)
        or model.__xml_field_serializers__
        or model.__xml_field_validators__
        or model.__xml_ns__ is not None
        or model.__xml_nsmap__
        or model.__xml_skip_empty__ is not None
        or model.model_computed_fields
    ):
        return None
    fields: list[_Field] = []
    readable = model.model_config.get("extra", "ignore") != "forbid"
    for name, info in model.model_fields.items():
        entity = extract_field_xml_entity_info(info)
        if (
            entity is None
            or entity.location not in (EntityLocation.ELEMENT, EntityLocation.ATTRIBUTE)
            or entity.ns is not None
            or entity.nsmap
            or entity.nillable
            or entity.wrapped is not None
            or info.alias is not None
            or info.validation_alias is not None
            or not entity.path
        ):
            return None
        shape = _nested(info.annotation)
        attribute = entity.location is EntityLocation.ATTRIBUTE
        if shape is None or (attribute and (shape[0] or shape[1] is not None)):
            return None
        if shape[1] is not None:
            nested = _plan(shape[1])
            if nested is None:
                return None
            readable = readable and nested.readable
        fields.append(_Field(name, entity.path, attribute, shape[0], shape[1]))
    elements = {f.wire: f for f in fields if not f.attribute}
    if len(elements) + sum(f.attribute for f in fields) != len(fields):
        return None  # two fields of one tag
    return _Plan(
        tag=model.__xml_tag__ or model.__name__,
        fields=tuple(fields),
        elements=elements,
        attributes=tuple(f for f in fields if f.attribute),
        readable=readable,
    )


def _read(plan: _Plan, element: ElementTree.Element) -> dict[str, Any]:
    """The values pydantic-xml reads from `element`: an absent or empty element is not
    given (the field takes its default), of a repeated one the first counts, a list of
    values ends at its first empty item, unknown elements are skipped."""
    values: dict[str, Any] = {}
    for attribute in plan.attributes:
        text = element.get(attribute.wire)
        if text is not None:
            values[attribute.name] = text
    ended: set[str] = set()
    for child in element:
        field = plan.elements.get(child.tag) if isinstance(child.tag, str) else None
        if field is None or field.name in ended:
            continue
        value: Any
        if field.model is not None:
            nested = _plan(field.model)
            assert nested is not None
            value = _read(nested, child)
        else:
            value = child.text or None
        if field.many:
            items = values.setdefault(field.name, [])
            if value is None:
                ended.add(field.name)
            else:
                items.append(value)
        elif value is not None or field.model is None:
            ended.add(field.name)
            if value is not None:
                values[field.name] = value
    return values


def _escape_text(text: str) -> str:
    # As ElementTree escapes text.
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _escape_attribute(text: str) -> str:
    # As ElementTree escapes attribute values (Python 3.10 to 3.13).
    text = _escape_text(text)
    for raw, escaped in (
        ('"', "&quot;"),
        ("\r", "&#13;"),
        ("\n", "&#10;"),
        ("\t", "&#09;"),
    ):
        if raw in text:
            text = text.replace(raw, escaped)
    return text


def _text(value: Any) -> str:
    # As pydantic-xml writes a value.
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write(plan: _Plan, tag: str, data: dict[str, Any], out: list[str]) -> bool:
    """Append `data` (the model's JSON form) as the element `tag`, as pydantic-xml's
    `to_xml(skip_empty=True, exclude_none=True)` writes it: nothing for None, an empty
    text or an element left empty. False when nothing was written."""
    attributes = ""
    for field in plan.attributes:
        value = data.get(field.name)
        if value is not None:  # an empty attribute is written, and counts as content
            attributes += f' {field.wire}="{_escape_attribute(_text(value))}"'
    start = len(out)
    out.append("")  # the start tag, once it is known whether there is content
    for field in plan.fields:
        if field.attribute:
            continue
        value = data.get(field.name)
        for item in value if field.many and isinstance(value, list) else [value]:
            if item is None:
                continue
            if field.model is not None:
                nested = _plan(field.model)
                assert nested is not None
                _write(nested, field.wire, item, out)
                continue
            text = _text(item)
            if text:
                out.append(f"<{field.wire}>{_escape_text(text)}</{field.wire}>")
    if len(out) == start + 1:
        if not attributes:
            out.pop()
            return False
        out[start] = f"<{tag}{attributes} />"
        return True
    out[start] = f"<{tag}{attributes}>"
    out.append(f"</{tag}>")
    return True


def _built(model: type[BaseXmlModel]) -> None:
    """Make pydantic-xml's own reader and writer ready for `model` and every model it
    may nest: the models build their validators on first use (defer_build), pydantic-xml
    its serializers with them, and a nested model's are built only by its own use."""
    if model in _READY:
        return
    todo: list[type[BaseXmlModel]] = [model, *XmlModel.__subclasses__()]
    while todo:
        each = todo.pop()
        todo.extend(each.__subclasses__())
        if each.__xml_serializer__ is None:
            each.model_rebuild()
    # Every model `model` may nest existed before it, and is built now.
    _READY.add(model)


_READY: set[type[BaseXmlModel]] = set()


class XmlModel(BaseXmlModel, __xml_abstract__=True):
    """The base of the generated XML models: pydantic-xml's, read and written faster."""

    __xml_plans__: ClassVar[dict[type[BaseXmlModel], _Plan | None]] = {}

    def to_xml_tree(
        self,
        *,
        skip_empty: bool = False,
        exclude_none: bool = False,
        exclude_unset: bool = False,
    ) -> ElementTree.Element:
        _built(type(self))
        return super().to_xml_tree(
            skip_empty=skip_empty,
            exclude_none=exclude_none,
            exclude_unset=exclude_unset,
        )

    @classmethod
    def from_xml_tree(
        cls: type[XmlModelT],
        root: ElementTree.Element,
        context: dict[str, Any] | None = None,
        empty_as_string: bool = False,
    ) -> XmlModelT:
        plan = _plan(cls)
        if plan is None or not plan.readable or empty_as_string or root.tag != plan.tag:
            # pydantic-xml's own reading (and its error for another root element), on
            # a tree of its own XML library (lxml where installed).
            _built(cls)
            if (
                isinstance(root, ElementTree.Element)
                and native.etree is not ElementTree
            ):
                root = native.etree.fromstring(ElementTree.tostring(root))
            read: XmlModelT = super().from_xml_tree(
                root, context=context, empty_as_string=empty_as_string
            )
            return read
        return cls.model_validate(_read(plan, root), strict=False, context=context)

    @classmethod
    def from_xml(
        cls: type[XmlModelT],
        source: str | bytes,
        context: dict[str, Any] | None = None,
        empty_as_string: bool = False,
        **kwargs: Any,
    ) -> XmlModelT:
        return cls.from_xml_tree(
            ElementTree.fromstring(source, **kwargs),
            context=context,
            empty_as_string=empty_as_string,
        )


def xml_body(model: BaseXmlModel) -> bytes:
    """A request document as sent: the fields given, in the XSD's order, UTF-8."""
    plan = _plan(type(model))
    if plan is None:
        _built(type(model))
        document = model.to_xml(skip_empty=True, exclude_none=True, encoding="utf-8")
        return document if isinstance(document, bytes) else document.encode()
    out: list[str] = []
    _write(plan, plan.tag, model.model_dump(mode="json"), out)
    if not out:
        out.append(f"<{plan.tag} />")
    # What ElementTree writes for a character UTF-8 cannot hold (a lone surrogate).
    return "".join(out).encode("utf-8", "xmlcharrefreplace")


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
