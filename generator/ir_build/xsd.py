"""An XSD's complex types -> the same model IR as OpenAPI schemas, for XML bodies.

An XML body in the spec names its type in the XSD beside it (`x-sdkgen-xsd: tts.xsd` at
the top, `schema: {x-sdkgen-xml: {type: JobsResponse, element: Response}}` on the media
type, or just the name of a global element). Each complex type reachable from those roots
becomes a model; its elements become fields in their order, typed and checked from the
simple types' facets. Whether a field is one value or a list comes from `maxOccurs`, never
from a document at hand. A fixed element (`fixed="Tts"`) is sent always and is no argument.
An `xs:assert` of the form `A or B` makes at least one of them required.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .. import naming
from ..ir import Field, LengthWhen, Model
from ..python_types import SCALARS
from ..xsd_read import Attribute, ComplexType, Element, Schema, SimpleType
from .context import Context, clean
from .schemas import reachable

_FACETS = {
    "minInclusive": "ge",
    "maxInclusive": "le",
    "minExclusive": "gt",
    "maxExclusive": "lt",
    "minLength": "min_length",
    "maxLength": "max_length",
}
_ONE_OF = re.compile(r"^\s*[A-Za-z_][\w.-]*(\s+or\s+[A-Za-z_][\w.-]*)+\s*$")
# `Kind != 'Text' or string-length(Input) le 300`: a length capped for one value of
# another element only.
_LENGTH_WHEN = re.compile(
    r"^\s*(?P<when>[A-Za-z_][\w.-]*)\s*!=\s*'(?P<value>[^']*)'\s+or\s+"
    r"string-length\(\s*(?P<field>[A-Za-z_][\w.-]*)\s*\)\s*(?:le|<=)\s*"
    r"(?P<max>\d+)\s*$"
)


@dataclass(frozen=True)
class XmlRoot:
    """A document of the API: a complex type and the element it travels as."""

    type_name: str
    element: str


def xml_root(
    ctx: Context, xsd: Schema | None, spec: Any, where: tuple[Any, ...]
) -> XmlRoot:
    """The root that a media type's `x-sdkgen-xml` names."""
    where = where + ("x-sdkgen-xml",)
    if xsd is None:
        raise ctx.error(where, "XML bodies need x-sdkgen-xsd: the XSD beside the spec")
    if isinstance(spec, str):
        declared = xsd.elements.get(spec)
        if (
            declared is None
            or not isinstance(declared.type, ComplexType)
            or declared.type.name is None
        ):
            raise ctx.error(
                where, f"{spec!r} is no global element of a named complex type"
            )
        return XmlRoot(declared.type.name, spec)
    if not isinstance(spec, dict) or set(spec) != {"type", "element"}:
        raise ctx.error(where, "expected an element name, or {type: ..., element: ...}")
    type_name, element = str(spec["type"]), str(spec["element"])
    found = xsd.types.get(type_name)
    if not isinstance(found, ComplexType):
        raise ctx.error(where + ("type",), f"no complex type {type_name!r} in the XSD")
    return XmlRoot(type_name, element)


def model_name(type_name: str) -> str:
    return naming.class_name(type_name)


def xml_models(
    ctx: Context,
    xsd: Schema,
    roots: Mapping[str, XmlRoot],
    requests: set[str],
    responses: set[str],
) -> dict[str, Model]:
    """Every model reachable from the roots (by model name), strict when only sent."""
    reader = _Reader(ctx)
    for root in roots.values():
        found = xsd.types[root.type_name]
        assert isinstance(found, ComplexType)  # xml_root saw to it
        reader.complex(root.type_name, found)
    in_requests = reader.reachable(requests)
    in_responses = reader.reachable(responses)
    tags: dict[str, str] = {}
    for name, root in roots.items():
        if tags.setdefault(name, root.element) != root.element:
            raise ctx.error(
                ("x-sdkgen-xsd",), f"{root.type_name} is the root of two elements"
            )
    # A type both sent and received becomes two models: the one callers build is strict
    # (no "150" for 150, no unknown argument), the one read from responses is tolerant.
    shared = in_requests & in_responses
    twins = {name: "Reported" + name for name in shared}
    for name, twin in twins.items():
        if twin in reader.models:
            raise ctx.error(
                ("x-sdkgen-xsd",), f"{twin!r}, the received twin of {name}, is taken"
            )
    built = {}
    for name in reader.order:
        fields, (one_of, length_when), description = reader.models[name]
        if name in in_requests:
            built[name] = Model(
                name=name,
                description=description,
                fields=fields,
                schema={},
                strict=True,
                xml_tag=tags.get(name, name),
                one_of=one_of,
                length_when=length_when,
            )
        if name in in_responses:
            received = twins.get(name, name)
            built[received] = Model(
                name=received,
                description=description,
                fields=tuple(_received(f, twins) for f in fields),
                schema={},
                strict=False,
                xml_tag=tags.get(name, name),
            )
    return built


def _received(field: Field, twins: Mapping[str, str]) -> Field:
    """Tolerant in: a value the XSD does not list, or out of its range, is kept as it came;
    nothing is required (an element the service left out reads as None, whatever the XSD
    says: what the client itself needs is checked where it needs it); a model both sent
    and received is read as its received twin."""
    annotation = re.sub(
        r"\w+", lambda m: twins.get(m.group(0), m.group(0)), field.annotation
    )
    if annotation.startswith("Literal["):
        base = "int" if re.match(r"Literal\[-?\d", annotation) else "str"
        annotation = f"{annotation} | {base}"
    return Field(
        **{
            **field.__dict__,
            "annotation": annotation,
            "constraints": (),
            "required": False,
            "fixed": None,
        }
    )


# An XSD type's assertions: its one-of groups and its conditional length caps.
_Assertions = tuple[tuple[tuple[str, ...], ...], tuple[LengthWhen, ...]]


class _Reader:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        # model name -> (fields, its assertions, description); `order` puts each model
        # after the models its fields use, so their names resolve at class creation.
        self.models: dict[str, tuple[tuple[Field, ...], _Assertions, str]] = {}
        self.refs: dict[str, set[str]] = {}
        self.order: list[str] = []
        self._building: set[str] = set()

    def where(self, name: str) -> tuple[Any, ...]:
        return ("x-sdkgen-xsd", name)

    def complex(self, name_hint: str, xsd_type: ComplexType) -> str:
        name = model_name(name_hint)
        if name in self.models:
            return name
        if name in self._building:
            raise self.ctx.error(
                self.where(name_hint), "recursive XML types are not supported"
            )
        self._building.add(name)
        fields: list[Field] = []
        self.refs[name] = set()
        for attribute in xsd_type.attributes:
            fields.append(self._field(name, attribute, int(attribute.required), 1))
        for element in xsd_type.elements:
            fields.append(
                self._field(name, element, element.min_occurs, element.max_occurs)
            )
        seen: dict[str, str] = {}
        for f in fields:
            if seen.setdefault(f.name, f.wire_name) != f.wire_name:
                raise self.ctx.error(
                    self.where(name_hint),
                    f"{seen[f.name]!r} and {f.wire_name!r} both map to {f.name!r}",
                )
        by_wire = {f.wire_name: f.name for f in fields}
        one_of: list[tuple[str, ...]] = []
        length_when: list[LengthWhen] = []
        for test in xsd_type.assertions:
            capped = _LENGTH_WHEN.match(test)
            if capped is None:
                one_of.append(self._one_of(name_hint, test, by_wire))
                continue
            length_when.append(self._length_when(name_hint, capped, fields))
        for cap in length_when:
            # Said where the field is documented (docstrings, the README).
            fields = [
                replace(
                    f,
                    notes=f"{f.notes} At most {cap.max_length} characters when "
                    f"{cap.when} is {cap.value}.".strip(),
                )
                if f.name == cap.field
                else f
                for f in fields
            ]
        self._building.discard(name)
        self.models[name] = (
            tuple(fields),
            (tuple(one_of), tuple(length_when)),
            clean(xsd_type.documentation),
        )
        self.order.append(name)
        return name

    def _one_of(
        self, owner: str, test: str, by_wire: Mapping[str, str]
    ) -> tuple[str, ...]:
        if not _ONE_OF.match(test):
            raise self.ctx.error(
                self.where(owner),
                "only assertions like 'A or B' (at least one given) and "
                "\"A != 'v' or string-length(B) le N\" are supported: "
                f"{test!r}",
            )
        names = [part for part in test.split() if part != "or"]
        for part in names:
            if part not in by_wire:
                raise self.ctx.error(self.where(owner), f"{part!r} is no element of it")
        return tuple(by_wire[part] for part in names)

    def _length_when(
        self, owner: str, test: re.Match[str], fields: list[Field]
    ) -> LengthWhen:
        by_wire = {f.wire_name: f for f in fields}
        for part in ("when", "field"):
            if test[part] not in by_wire:
                raise self.ctx.error(
                    self.where(owner), f"{test[part]!r} is no element of it"
                )
        field = by_wire[test["field"]]
        if field.annotation != "str":
            raise self.ctx.error(
                self.where(owner),
                f"string-length({field.wire_name}): not one text element",
            )
        return LengthWhen(
            field=field.name,
            max_length=int(test["max"]),
            when=by_wire[test["when"]].name,
            value=test["value"],
        )

    def _field(
        self, owner: str, node: Element | Attribute, low: int, high: int | None
    ) -> Field:
        tag = node.name
        xsd_type = node.type
        constraints: list[tuple[str, Any]] = []
        if isinstance(xsd_type, ComplexType):
            target = self.complex(
                xsd_type.name or owner + naming.pascal_case(tag),
                xsd_type,
            )
            self.refs[owner].add(target)
            annotation = target
        else:
            annotation, constraints = _simple(xsd_type)
        many = high is None or high > 1
        fixed = node.fixed
        if fixed is not None:
            annotation = f"Literal[{json.dumps(fixed)}]"
        if many:
            annotation = f"list[{annotation}]"
        required = low >= 1 and (fixed is None)
        return Field(
            name=naming.field_name(tag),
            wire_name=tag,
            annotation=annotation,
            required=required,
            description=clean(node.documentation),
            notes=_notes(constraints, annotation),
            xml="attribute" if isinstance(node, Attribute) else "element",
            constraints=tuple(constraints) if not many else (),
            fixed=fixed,
        )

    def reachable(self, roots: set[str]) -> set[str]:
        return reachable(self.refs, roots)


def _simple(xsd_type: SimpleType) -> tuple[str, list[tuple[str, Any]]]:
    """The Python type of a simple type and the checks its facets make."""
    python = SCALARS[xsd_type.kind]
    if xsd_type.enumeration:
        values = [int(v) if python == "int" else v for v in xsd_type.enumeration]
        return "Literal[" + ", ".join(json.dumps(v) for v in values) + "]", []
    constraints: list[tuple[str, Any]] = []
    for facet, keyword in _FACETS.items():
        # Already numbers of the type's kind (lengths: int), as the reader read them.
        value = xsd_type.facets.get(facet)
        if value is not None:
            constraints.append((keyword, value))
    if len(xsd_type.patterns) == 1:
        # XSD patterns match the whole value.
        constraints.append(("pattern", f"^(?:{xsd_type.patterns[0]})$"))
    return python, constraints


def _notes(constraints: list[tuple[str, Any]], annotation: str) -> str:
    found = dict(constraints)
    notes = []
    if annotation.startswith("Literal["):
        notes.append("One of " + annotation[8:].split("]")[0].replace('"', "") + ".")
    if "ge" in found and "le" in found:
        notes.append(f"{found['ge']} to {found['le']}.")
    if "max_length" in found:
        notes.append(
            f"{found.get('min_length', 0)} to {found['max_length']} characters."
        )
    return " ".join(notes)
