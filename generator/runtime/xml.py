"""XML bodies for packages whose models come from an XSD.

The models are plain pydantic models (`XmlModel`) whose fields say where they sit in the
document with a marker in their `Annotated` type: `XmlElement("Tag")` or
`XmlAttribute("Name")`; the class names its root element in `__xml_tag__`. Each class's
markers are read once into a plan, which this module walks over an ElementTree to build
the dict pydantic validates in one pass, and to write a document as ElementTree writes
it. What is read and written is what pydantic-xml (which these models used to subclass)
reads and writes for the same declarations: the tests hold both side by side.
"""

from __future__ import annotations

import json
import logging
import re
import types
import typing
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar
from xml.etree import ElementTree

from pydantic import AfterValidator, BaseModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

XmlModelT = TypeVar("XmlModelT", bound="XmlModel")

XML = "application/xml"

logger = logging.getLogger(__name__.rsplit(".", 2)[0])

# XML 1.0's `Char`: anything else (NUL, most C0 controls, U+FFFE, U+FFFF, a lone
# surrogate) no escaping can carry, and the vendor's parser refuses the whole document.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_chars(value: _Text) -> _Text:
    """`value` (text, None or a list of texts), if XML 1.0 can carry every character.

    Raises:
        ValueError: which character cannot be sent, and where.
    """
    for text in value if isinstance(value, list) else (value,):
        found = _NOT_XML.search(text) if isinstance(text, str) else None
        if found is not None:
            raise ValueError(
                f"{found.group()!r} (at {found.start()}) is not a character XML 1.0 "
                "can carry"
            )
    return value


_Text = TypeVar("_Text")

XmlText = AfterValidator(xml_chars)
"""In the `Annotated` type of a field a request model sends as text (after its marker):
text XML cannot carry is refused, naming the field, as any invalid value."""


@dataclass(frozen=True)
class XmlElement:
    """In a field's `Annotated` type: the field is the child element `tag` (one element
    per item for a list)."""

    tag: str


@dataclass(frozen=True)
class XmlAttribute:
    """In a field's `Annotated` type: the field is the attribute `name` of the model's
    element."""

    name: str


class XmlShapeError(TypeError):
    """A model this module cannot map to XML (a field without its marker, say)."""


class XmlParsingError(ValueError):
    """The document's root element is not the model's."""


@dataclass(frozen=True)
class _Field:
    name: str
    wire: str  # the element's tag or the attribute's name
    attribute: bool
    many: bool  # list[...]
    model: type[XmlModel] | None  # a nested model, else a value in text


@dataclass(frozen=True)
class _Plan:
    name: str  # the model's, for the log
    tag: str
    fields: tuple[_Field, ...]
    elements: dict[str, _Field]
    attributes: tuple[_Field, ...]
    by_name: dict[str, _Field]
    forbid: bool  # extra="forbid": content no field takes is an error
    # extra="allow", a received model: content no field takes, and a value that does not
    # parse as declared, are kept as received in `model_extra` under their wire names.
    keep: bool


def _nested(annotation: Any) -> tuple[bool, type[XmlModel] | None] | None:
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
        # Values only, or one model only: a model or a value could not be told apart.
        return (False, models.pop()) if len(models) == 1 else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return (False, annotation) if issubclass(annotation, XmlModel) else None
    if origin is typing.Annotated:
        return _nested(typing.get_args(annotation)[0])
    if origin is not None and origin is not typing.Literal:
        return None
    return False, None


_PLANS: dict[type[XmlModel], _Plan] = {}


def _plan(model: type[XmlModel]) -> _Plan:
    """How `model` maps to XML, read from its markers on first use."""
    plan = _PLANS.get(model)
    if plan is not None:
        return plan
    plan = _PLANS[model] = _make_plan(model)
    try:
        # A bad nested model is found now rather than halfway through a document (a
        # model nested in itself finds its own plan cached).
        for field in plan.fields:
            if field.model is not None:
                _plan(field.model)
    except XmlShapeError:
        del _PLANS[model]
        raise
    return plan


def _make_plan(model: type[XmlModel]) -> _Plan:
    if not getattr(model, "__pydantic_fields_complete__", True):
        model.model_rebuild()  # a name defined after the class: resolved now
    fields: list[_Field] = []
    for name, info in model.model_fields.items():
        where = f"{model.__name__}.{name}"
        markers = [
            m for m in info.metadata if isinstance(m, (XmlElement, XmlAttribute))
        ]
        if len(markers) != 1:
            raise XmlShapeError(
                f"{where}: give its type one XmlElement(tag) or XmlAttribute(name)"
            )
        if info.alias is not None or info.validation_alias is not None:
            raise XmlShapeError(f"{where}: an alias is not read (name its wire form)")
        shape = _nested(info.annotation)
        if shape is None:
            raise XmlShapeError(f"{where}: no XML form for {info.annotation!r}")
        (marker,) = markers
        if isinstance(marker, XmlAttribute):
            if shape != (False, None):
                raise XmlShapeError(f"{where}: an attribute holds one value only")
            fields.append(_Field(name, marker.name, True, False, None))
        else:
            fields.append(_Field(name, marker.tag, False, shape[0], shape[1]))
    elements = {f.wire: f for f in fields if not f.attribute}
    attributes = tuple(f for f in fields if f.attribute)
    if len(elements) + len({f.wire for f in attributes}) != len(fields):
        raise XmlShapeError(f"{model.__name__}: two fields of one wire name")
    extra = model.model_config.get("extra", "ignore")
    return _Plan(
        name=model.__name__,
        tag=model.__xml_tag__ or model.__name__,
        fields=tuple(fields),
        elements=elements,
        attributes=attributes,
        by_name={f.name: f for f in fields},
        forbid=extra == "forbid",
        keep=extra == "allow",
    )


_Found = list[tuple[tuple[str | int, ...], str]]  # where, and what was there


class _Extras(Exception):
    """Content a model that forbids extras was given and no field took."""

    def __init__(self, found: _Found) -> None:
        super().__init__(found)
        self.found = found


def _read(plan: _Plan, element: ElementTree.Element) -> dict[str, Any]:
    """The values of `element` as pydantic-xml read them: an absent or empty element is
    not given (the field takes its default), of a repeated one the first counts, a list
    of values ends at its first empty item, unknown elements are skipped (or refused,
    see `_leftovers`, where the model forbids extras).

    Raises:
        _Extras: content a model forbidding extras did not take, where it sits.
    """
    values: dict[str, Any] = {}
    for attribute in plan.attributes:
        text = element.get(attribute.wire)
        if text is not None:
            values[attribute.name] = text
    elements = plan.elements
    ended: set[str] = set()
    refused: dict[str, _Found] = {}  # by field: reported in the fields' order
    failed: dict[str, int] = {}  # items of a list of models refused, for their places
    for child in element:
        field = elements.get(child.tag)  # a comment's tag is a function: no field
        if field is None:
            continue
        name = field.name
        if name in ended:
            continue
        value: Any
        if field.model is not None:
            try:
                # Planned with the model that nests it (`_plan`).
                value = _read_any(_PLANS[field.model], child)
            except _Extras as extras:
                at: tuple[str | int, ...] = (name,)
                if field.many:
                    at = (name, len(values.get(name, ())) + failed.get(name, 0))
                    failed[name] = failed.get(name, 0) + 1
                else:
                    ended.add(name)
                refused.setdefault(name, []).extend(
                    ((*at, *loc), found) for loc, found in extras.found
                )
                continue
        else:
            value = child.text or None
        if field.many:
            if value is None:
                ended.add(name)
                values.setdefault(name, [])
            elif name in values:
                values[name].append(value)
            else:
                values[name] = [value]
        else:
            ended.add(name)
            if value is not None:
                values[name] = value
    if not refused and not plan.forbid:
        return values
    # As pydantic-xml: the fields' errors, else what none of them took.
    found = [each for f in plan.fields for each in refused.get(f.name, ())]
    if not found:
        _leftovers(plan, element, (), found, text_taken=False)
    if found:
        raise _Extras(found)
    return values


def _read_any(plan: _Plan, element: ElementTree.Element) -> dict[str, Any]:
    return _read_kept(plan, element) if plan.keep else _read(plan, element)


def _read_kept(plan: _Plan, element: ElementTree.Element) -> dict[str, Any]:
    """The values of `element` for a received model (`plan.keep`): as `_read` reads
    them, but nothing received is dropped. Attributes and elements no field takes are
    kept under their wire names (attributes as `@name`), as `_raw` reads them. A value of
    another shape than its field's (elements where text is declared, text where a model
    is) is given as it is, for `_validate_kept` to set aside. An empty item of a list is
    passed over rather than ending the list."""
    values: dict[str, Any] = {}
    attributes = plan.attributes
    for attribute in attributes:
        text = element.get(attribute.wire)
        if text is not None:
            values[attribute.name] = text
    if len(element.attrib) > len(attributes):
        taken = {a.wire for a in attributes}
        for key, text in element.attrib.items():
            if key not in taken:
                values[f"@{key}"] = text
    elements = plan.elements
    ended: set[str] = set()
    for child in element:
        tag = child.tag
        field = elements.get(tag)
        if field is None:
            # Not a comment, and no field's own name (it would be taken for the field).
            if isinstance(tag, str) and tag not in plan.by_name:
                _add(values, tag, _raw(child))
            continue
        name = field.name
        if name in ended:
            continue
        value: Any
        if field.model is not None:
            text = child.text
            if len(child) or child.attrib or not text or text.isspace():
                value = _read_any(_PLANS[field.model], child)
            else:
                # Text where a model is declared: no model at all, so kept aside now
                # (an item of a list alone; the list's other items are read).
                _add(values, field.wire, text)
                _warn(plan, field, "text where elements are declared")
                if not field.many:
                    ended.add(name)
                continue
        elif len(child):
            value = _raw(child)
        else:
            value = child.text or None
        if field.many:
            if value is not None:
                values.setdefault(name, []).append(value)
        else:
            ended.add(name)
            if value is not None:
                values[name] = value
    return values


def _raw(element: ElementTree.Element) -> Any:
    """An element as received: its text, or, with elements or attributes in it, a dict
    of them by tag (a repeated one as a list, attributes as `@name`, text beside them as
    `#text`)."""
    children = [child for child in element if isinstance(child.tag, str)]
    if not children and not element.attrib:
        return element.text or ""
    out: dict[str, Any] = {f"@{k}": v for k, v in element.attrib.items()}
    for child in children:
        _add(out, child.tag, _raw(child))
    text = element.text
    if text and not text.isspace():
        out["#text"] = text
    return out


def _add(values: dict[str, Any], key: str, value: Any) -> None:
    # A repeated element becomes the list of its occurrences (`_raw` gives no lists).
    if key not in values:
        values[key] = value
    elif isinstance(values[key], list):
        values[key].append(value)
    else:
        values[key] = [values[key], value]


# (model, field) pairs already logged: a value that does not parse is worth one warning,
# not one per response.
_WARNED: set[tuple[str, str]] = set()


def _validate_kept(
    model: type[XmlModelT],
    plan: _Plan,
    values: dict[str, Any],
    context: dict[str, Any] | None,
) -> XmlModelT:
    """`model` from `values`, where every value that does not parse as declared is set
    aside: kept as received in its model's `model_extra`, under its wire name, and logged
    once at WARNING. Plain validation first; the values are only looked into when it
    fails."""
    while True:
        try:
            return model.model_validate(values, strict=False, context=context)
        except ValidationError as error:
            moved = False
            for line in error.errors():
                moved = _set_aside(plan, values, line["loc"], line["type"]) or moved
            if not moved:  # nothing left to set aside (a required field is missing)
                raise


def _set_aside(
    plan: _Plan, values: dict[str, Any], loc: tuple[str | int, ...], kind: str
) -> bool:
    """Move the value that `loc` fails in out of its field, to its wire name (a list of
    values whole; a nested received model's own field, in that model). False when there
    is none (already moved by an earlier error of the same validation)."""
    node, at = values, 0
    while at < len(loc):
        name = loc[at]
        field = plan.by_name.get(name) if isinstance(name, str) else None
        if field is None or name not in node:
            return False
        value, at = node[name], at + 1
        nested = _PLANS.get(field.model) if field.model is not None else None
        if nested is not None and nested.keep:
            if field.many and isinstance(value, list) and at < len(loc):
                index = loc[at]
                if (
                    isinstance(index, int)
                    and index < len(value)
                    and isinstance(value[index], dict)
                ):
                    node, plan, at = value[index], nested, at + 1
                    continue
            elif not field.many and isinstance(value, dict) and at < len(loc):
                node, plan = value, nested
                continue
        del node[name]
        node[field.wire] = value
        _warn(plan, field, kind)
        return True
    return False


def _warn(plan: _Plan, field: _Field, why: str) -> None:
    if (plan.name, field.wire) in _WARNED:
        return
    _WARNED.add((plan.name, field.wire))
    # The value itself stays out of the log: it may be a signed URL.
    logger.warning(
        "%s.%s: the %s received does not parse as declared (%s); kept as received "
        "in model_extra[%r]",
        plan.name,
        field.name,
        field.wire,
        why,
        field.wire,
    )


def _leftovers(
    plan: _Plan | None,
    element: ElementTree.Element,
    path: tuple[str | int, ...],
    found: _Found,
    text_taken: bool,
) -> None:
    """Add to `found` what `_read` leaves over of `element` (read by `plan`, or by no
    model): its text unless a field took it, its tail, the attributes no field takes, and
    the same of each child, in pydantic-xml's order. An element with nothing in it is no
    content, whether a field takes it or not."""
    if not text_taken and element.text and element.text.strip():
        found.append((path, element.text.strip()))
    if element.tail and element.tail.strip():
        found.append((path, element.tail.strip()))
    taken = {a.wire for a in plan.attributes} if plan is not None else set()
    for name, value in element.attrib.items():
        if name not in taken:
            found.append(((*path, f"@{name}"), value))
    ended: set[str] = set()
    for child in element:
        if not isinstance(child.tag, str):
            continue  # a comment or processing instruction
        where = (*path, child.tag)
        field = plan.elements.get(child.tag) if plan is not None else None
        if field is None or field.name in ended:
            _leftovers(None, child, where, found, text_taken=False)
        elif field.model is not None:
            if not field.many:
                ended.add(field.name)
            _leftovers(_plan(field.model), child, where, found, text_taken=False)
        else:
            if not field.many or not child.text:
                ended.add(field.name)
            _leftovers(None, child, where, found, text_taken=True)


def _refused(title: str, found: _Found) -> ValidationError:
    return ValidationError.from_exception_data(
        title=title,
        line_errors=[
            InitErrorDetails(
                type=PydanticCustomError(
                    "extra_forbidden", "Extra inputs are not permitted"
                ),
                loc=loc,
                input=value,
            )
            for loc, value in found
        ],
    )


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
    # A value in the JSON form of its model, as text.
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write(plan: _Plan, tag: str, data: dict[str, Any], out: list[str]) -> bool:
    """Append `data` (the model's JSON form) as the element `tag`, as
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
                _write(_PLANS[field.model], field.wire, item, out)
                continue
            if item.__class__ is str:  # most values: text already
                if item:
                    out.append(f"<{field.wire}>{_escape_text(item)}</{field.wire}>")
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


@dataclass(frozen=True)
class _Options:
    skip_empty: bool
    exclude_none: bool
    exclude_unset: bool


def _build(
    plan: _Plan,
    model: XmlModel,
    data: dict[str, Any],
    element: ElementTree.Element,
    options: _Options,
) -> None:
    """Fill `element` with `model` (`data`: its JSON form) as pydantic-xml's `to_xml_tree`
    did: None is an empty element or attribute unless skipped or excluded, and with
    `skip_empty` an element left empty is dropped."""
    for field in plan.fields:
        if options.exclude_unset and field.name not in model.model_fields_set:
            continue
        value, encoded = getattr(model, field.name), data[field.name]
        if field.attribute:
            if value is not None or not (options.skip_empty or options.exclude_none):
                element.set(field.wire, _text(encoded))
            continue
        if field.many:
            if value is None:
                continue
            pairs = [
                (v, e)
                for v, e in zip(value, encoded, strict=True)
                if v is not None or not options.skip_empty
            ]
        else:
            pairs = [(value, encoded)]
        for item, item_encoded in pairs:
            if item is None and (
                field.model is not None or options.skip_empty or options.exclude_none
            ):
                continue
            child = ElementTree.Element(field.wire)
            if field.model is not None:
                _build(_plan(field.model), item, item_encoded, child, options)
            else:
                child.text = _text(item_encoded)
            if options.skip_empty and not (child.text or child.attrib or len(child)):
                continue
            element.append(child)


class XmlModel(BaseModel):
    """The base of the generated XML models: a pydantic model, read and written here."""

    # The root element's tag when the model is a document (default: the class's name).
    __xml_tag__: ClassVar[str | None] = None

    def to_xml_tree(
        self,
        *,
        skip_empty: bool = False,
        exclude_none: bool = False,
        exclude_unset: bool = False,
    ) -> ElementTree.Element:
        """The model as an ElementTree element named after its `__xml_tag__`."""
        plan = _plan(type(self))
        root = ElementTree.Element(plan.tag)
        options = _Options(skip_empty, exclude_none, exclude_unset)
        _build(plan, self, self.model_dump(mode="json"), root, options)
        return root

    def to_xml(
        self,
        *,
        skip_empty: bool = False,
        exclude_none: bool = False,
        exclude_unset: bool = False,
        **kwargs: Any,
    ) -> str | bytes:
        """The model as a document: `ElementTree.tostring` of `to_xml_tree` (bytes
        unless `encoding="unicode"`)."""
        tree = self.to_xml_tree(
            skip_empty=skip_empty,
            exclude_none=exclude_none,
            exclude_unset=exclude_unset,
        )
        written: str | bytes = ElementTree.tostring(tree, **kwargs)
        return written

    @classmethod
    def from_xml_tree(
        cls: type[XmlModelT],
        root: ElementTree.Element,
        context: dict[str, Any] | None = None,
    ) -> XmlModelT:
        """Read the document `root`, validated (leniently: XML has only text) by pydantic.

        Raises:
            XmlParsingError: `root` is another element.
            pydantic.ValidationError: the values do not fit the model.
        """
        plan = _plan(cls)
        if root.tag != plan.tag:
            raise XmlParsingError(
                f"root element not found (actual: {root.tag}, expected: {plan.tag})"
            )
        if plan.keep:
            return _validate_kept(cls, plan, _read_kept(plan, root), context)
        try:
            values = _read(plan, root)
        except _Extras as extras:
            raise _refused(cls.__name__, extras.found) from None
        return cls.model_validate(values, strict=False, context=context)

    @classmethod
    def from_xml(
        cls: type[XmlModelT],
        source: str | bytes,
        context: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> XmlModelT:
        """`from_xml_tree` of the document `source` (ElementTree's parse errors raise)."""
        return cls.from_xml_tree(ElementTree.fromstring(source, **kwargs), context)


def xml_body(model: XmlModel) -> bytes:
    """A request document as sent: the fields given, in the XSD's order, UTF-8."""
    plan = _plan(type(model))
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
        except SyntaxError as error:  # ElementTree's parse error is one
            raise ValueError(f"the body is not XML: {error}") from None
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise ValueError(f"the body is not JSON: {error}") from None
    tag = _plan(model).tag
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
