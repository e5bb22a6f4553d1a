"""Read the subset of XSD 1.1 the generator supports into plain frozen dataclasses.

The subset is what an XML API's documents need: global elements; named or inline complex
types of an `xs:sequence` (or `xs:all`) of elements, attributes, `xs:any` (not modelled)
and `xs:assert`; named or inline simple types restricting a built-in or another simple
type by the facets enumeration, min/max Inclusive/Exclusive, min/maxLength and pattern;
annotations' documentation. Anything else is refused, at its line, rather than read
approximately: a construct we skip would silently change what the generated client sends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TypeAlias
from xml.parsers import expat

from .errors import SpecError

XS = "http://www.w3.org/2001/XMLSchema"
_XML = "http://www.w3.org/XML/1998/namespace"
_SEP = "\x1f"  # between namespace and local name in expat's names: in no XML name
_INTEGERS = frozenset(
    {
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    }
)
_NUMBERS = frozenset({"decimal", "double", "float"})
_STRINGS = frozenset(
    {
        "string",
        "normalizedString",
        "token",
        "language",
        "Name",
        "NCName",
        "anyURI",
        "date",
        "dateTime",
        "time",
        "duration",
        "base64Binary",
        "hexBinary",
    }
)
# The built-ins a type may name: each is read as one of these kinds.
BUILTINS: Mapping[str, str] = MappingProxyType(
    {
        **{name: "integer" for name in _INTEGERS},
        **{name: "number" for name in _NUMBERS},
        "boolean": "boolean",
        **{name: "string" for name in _STRINGS},
    }
)
RANGE_FACETS = ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive")
LENGTH_FACETS = ("minLength", "maxLength")


@dataclass(frozen=True)
class SimpleType:
    """A built-in or a restriction; facets, enumeration and patterns are the effective
    ones (a derived type's own, else its base's), as numbers where the kind is numeric."""

    name: str | None  # None: anonymous (inline)
    builtin: str  # the built-in the derivation starts from ("integer", "string", ...)
    ancestry: tuple[str, ...]  # the names from this type up to its built-in
    enumeration: tuple[str, ...] = ()
    facets: Mapping[str, int | float] = field(
        default_factory=lambda: MappingProxyType({})
    )
    patterns: tuple[str, ...] = ()
    documentation: str = ""
    line: int = 0

    @property
    def kind(self) -> str:
        """integer, number, boolean or string."""
        return BUILTINS[self.builtin]


@dataclass(frozen=True)
class Attribute:
    name: str
    type: SimpleType
    required: bool
    fixed: str | None
    default: str | None
    documentation: str
    line: int


@dataclass(frozen=True)
class Element:
    name: str
    type: Type
    min_occurs: int
    max_occurs: int | None  # None: unbounded
    fixed: str | None
    default: str | None
    documentation: str
    line: int


@dataclass(frozen=True)
class ComplexType:
    name: str | None  # None: anonymous (inline)
    elements: tuple[Element, ...]  # in document order; xs:any is not among them
    attributes: tuple[Attribute, ...]
    assertions: tuple[str, ...]  # the `test` of each xs:assert
    documentation: str
    line: int


Type: TypeAlias = SimpleType | ComplexType


@dataclass(frozen=True)
class Schema:
    elements: Mapping[str, Element]  # global elements by name
    types: Mapping[str, Type]  # named types by name


def read_xsd(path: Path, display: str) -> Schema:
    """Read the XSD at `path`; errors name `display` and the line: `line 12`."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SpecError(display, "", f"cannot read: {error.strerror}") from None
    return _Builder(display, _parse(data, display)).schema()


# --- the document: a small tree of the elements, with their lines -------------------------


@dataclass
class _Node:
    namespace: str
    tag: str
    # Unqualified attributes only: qualified ones (vc:minVersion, xml:lang) are for
    # other readers, and XSD lets any element carry them.
    attrib: dict[str, str]
    prefixes: Mapping[str, str]  # in scope, for the QNames of its attributes
    line: int
    children: list[_Node] = field(default_factory=list)
    parts: list[str | _Node] = field(
        default_factory=list
    )  # text and children, in order

    @property
    def label(self) -> str:
        return (
            f"xs:{self.tag}"
            if self.namespace == XS
            else f"{{{self.namespace}}}{self.tag}"
        )


def _parse(data: bytes, display: str) -> _Node:
    parser = expat.ParserCreate(namespace_separator=_SEP)
    stack: list[_Node] = []
    root: list[_Node] = []
    scopes: list[dict[str, str]] = [{"xml": _XML}]
    pending: dict[str, str] = {}

    def declare(prefix: str | None, uri: str | None) -> None:
        pending[prefix or ""] = uri or ""

    def start(name: str, attributes: dict[str, str]) -> None:
        scope = scopes[-1]
        if pending:
            scope = {**scope, **pending}
            pending.clear()
        scopes.append(scope)
        namespace, _, tag = name.rpartition(_SEP)
        plain = {k: v for k, v in attributes.items() if _SEP not in k}
        node = _Node(namespace, tag, plain, scope, parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(node)
            stack[-1].parts.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(name: str) -> None:
        stack.pop()
        scopes.pop()

    def text(data: str) -> None:
        if stack:
            stack[-1].parts.append(data)

    def doctype(*_: object) -> None:
        # Entities could make the document say anything; an XSD needs none.
        raise SpecError(
            display,
            f"line {parser.CurrentLineNumber}",
            "invalid XSD: a DOCTYPE is not supported",
        )

    parser.StartNamespaceDeclHandler = declare
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        message = expat.errors.messages[error.code]
        raise SpecError(
            display,
            f"line {error.lineno}",
            f"invalid XSD: not well-formed XML: {message}",
        ) from None
    return root[0]


# --- the schema ------------------------------------------------------------------------------

_SCHEMA_ATTRIBUTES = {
    "elementFormDefault",
    "attributeFormDefault",
    "version",
    "id",
    "blockDefault",
    "finalDefault",
}
_FACETS = {"enumeration", "pattern", *RANGE_FACETS, *LENGTH_FACETS}


class _Builder:
    def __init__(self, display: str, root: _Node) -> None:
        self.display = display
        self.root = root
        self.definitions: dict[str, _Node] = {}  # named types, by name
        self.globals: dict[str, _Node] = {}  # global elements, by name
        self.built: dict[str, Type] = {}
        self.building: set[str] = set()

    def error(self, node: _Node, message: str) -> SpecError:
        return SpecError(self.display, f"line {node.line}", f"invalid XSD: {message}")

    def schema(self) -> Schema:
        root = self.root
        if (root.namespace, root.tag) != (XS, "schema"):
            raise self.error(root, f"the root is {root.label}, not xs:schema")
        # Generated clients write and read tags without a namespace.
        if root.attrib.get("targetNamespace") is not None:
            raise self.error(root, "targetNamespace is not supported")
        self.attributes(root, _SCHEMA_ATTRIBUTES)
        for child in self.children(root):
            if child.tag == "annotation":
                continue
            if child.tag not in ("element", "complexType", "simpleType"):
                raise self.error(child, f"{child.label} is not supported")
            name = self.required(child, "name")
            found = self.globals if child.tag == "element" else self.definitions
            if name in found:
                what = "element" if child.tag == "element" else "type"
                raise self.error(
                    child,
                    f"{what} {name!r} is defined twice (first at line {found[name].line})",
                )
            found[name] = child
        types = {
            name: self.named(name, node) for name, node in self.definitions.items()
        }
        elements = {
            name: self.element(node, top=True) for name, node in self.globals.items()
        }
        return Schema(MappingProxyType(elements), MappingProxyType(types))

    # --- generic checks

    def children(self, node: _Node) -> list[_Node]:
        """The XSD children of `node`; text other than white space is refused."""
        if any(isinstance(part, str) and part.strip() for part in node.parts):
            raise self.error(node, f"text is not allowed in {node.label}")
        for child in node.children:
            if child.namespace != XS:
                raise self.error(child, f"{child.label} is not an XSD element")
        return node.children

    def attributes(self, node: _Node, allowed: set[str]) -> None:
        for name in node.attrib:
            if name not in allowed:
                raise self.error(node, f"{name}= on {node.label} is not supported")

    def required(self, node: _Node, name: str) -> str:
        value = node.attrib.get(name)
        if value is None:
            raise self.error(node, f"{node.label} needs {name}=")
        return value

    def documentation(self, node: _Node) -> str:
        """The documentation of `node`'s annotation, if it has one first."""
        parts: list[str] = []
        for child in node.children:
            if child.namespace == XS and child.tag == "annotation":
                for doc in self.children(child):
                    if doc.tag == "documentation":
                        parts.append(_text(doc).strip())
                    elif doc.tag != "appinfo":
                        raise self.error(
                            doc, f"{doc.label} is not allowed in xs:annotation"
                        )
        return " ".join(parts)

    def content(self, node: _Node, allowed: tuple[str, ...]) -> list[_Node]:
        """`node`'s children but its annotation, each of a tag in `allowed`."""
        found = []
        for child in self.children(node):
            if child.tag == "annotation":
                continue
            if child.tag not in allowed:
                raise self.error(
                    child, f"{child.label} is not supported in {node.label}"
                )
            found.append(child)
        return found

    # --- types

    def resolve(self, node: _Node, qname: str) -> Type:
        """The type a `type=` or `base=` names, built if need be."""
        prefix, _, local = qname.rpartition(":")
        # No prefix and no default namespace: no namespace, the one our names live in.
        namespace = node.prefixes.get(prefix, None if prefix else "")
        if namespace is None:
            raise self.error(node, f"unknown prefix in {qname!r}")
        if namespace == XS:
            if local not in BUILTINS:
                raise self.error(node, f"the built-in type {qname!r} is not supported")
            return SimpleType(local, local, (local,), line=node.line)
        if namespace == "" and local in self.definitions:
            if local in self.built:
                return self.built[local]
            if local in self.building:
                raise self.error(node, f"recursive type {local!r} is not supported")
            return self.named(local, self.definitions[local])
        raise self.error(node, f"type {qname!r} is defined nowhere")

    def named(self, name: str, node: _Node) -> Type:
        if name in self.built:
            return self.built[name]
        self.building.add(name)
        built = (
            self.complex(node, name)
            if node.tag == "complexType"
            else self.simple(node, name)
        )
        self.building.discard(name)
        self.built[name] = built
        return built

    def simple(self, node: _Node, name: str | None) -> SimpleType:
        self.attributes(node, {"name", "id"} if name else {"id"})
        (restriction,) = self.one(node, ("restriction",))
        self.attributes(restriction, {"base", "id"})
        base = self.resolve(restriction, self.required(restriction, "base"))
        if isinstance(base, ComplexType):
            raise self.error(
                restriction, f"{base.name!r} is a complex type, not a simple one"
            )
        kind = base.kind
        facets = dict(base.facets)
        enumeration: list[str] = []
        patterns: list[str] = []
        for facet in self.content(restriction, tuple(sorted(_FACETS))):
            self.attributes(facet, {"value", "id", "fixed"})
            value = self.required(facet, "value")
            if facet.tag == "enumeration":
                if kind in ("integer", "number"):
                    self.number(facet, value, kind)
                enumeration.append(value)
            elif facet.tag == "pattern":
                patterns.append(value)
            elif facet.tag in RANGE_FACETS:
                if kind not in ("integer", "number"):
                    raise self.error(facet, f"xs:{facet.tag} needs a numeric type")
                facets[facet.tag] = self.number(facet, value, kind)
            else:
                if kind != "string":
                    raise self.error(facet, f"xs:{facet.tag} needs a string type")
                length = self.number(facet, value, "integer")
                if length < 0:
                    raise self.error(facet, f"xs:{facet.tag} must not be negative")
                facets[facet.tag] = length
        return SimpleType(
            name,
            base.builtin,
            ((name,) if name else ()) + base.ancestry,
            tuple(enumeration) or base.enumeration,
            MappingProxyType(facets),
            tuple(patterns) or base.patterns,
            self.documentation(node),
            node.line,
        )

    def number(self, node: _Node, value: str, kind: str) -> int | float:
        try:
            return int(value) if kind == "integer" else float(value)
        except ValueError:
            raise self.error(node, f"{value!r} is no {kind}") from None

    def one(self, node: _Node, allowed: tuple[str, ...]) -> list[_Node]:
        found = self.content(node, allowed)
        if len(found) != 1:
            raise self.error(
                node,
                f"{node.label} needs exactly one of "
                + ", ".join(f"xs:{tag}" for tag in allowed),
            )
        return found

    def complex(self, node: _Node, name: str | None) -> ComplexType:
        self.attributes(node, {"name", "id", "mixed"} if name else {"id", "mixed"})
        if node.attrib.get("mixed", "false") not in ("false", "0"):
            raise self.error(node, "mixed content is not supported")
        elements: list[Element] = []
        attributes: list[Attribute] = []
        assertions: list[str] = []
        parts = self.content(node, ("sequence", "all", "attribute", "assert"))
        groups = [p for p in parts if p.tag in ("sequence", "all")]
        if len(groups) > 1 or (groups and parts[0] is not groups[0]):
            raise self.error(
                node, "one xs:sequence or xs:all, before attributes and asserts"
            )
        for part in parts:
            if part.tag in ("sequence", "all"):
                self.attributes(part, {"id", "minOccurs", "maxOccurs"})
                if (
                    part.attrib.get("minOccurs", "1") != "1"
                    or part.attrib.get("maxOccurs", "1") != "1"
                ):
                    raise self.error(
                        part, f"occurrences of {part.label} are not supported"
                    )
                for child in self.content(part, ("element", "any")):
                    if child.tag == "element":
                        elements.append(self.element(child, top=False))
            elif part.tag == "attribute":
                attributes.append(self.attribute(part))
            else:
                self.attributes(part, {"test", "id", "xpathDefaultNamespace"})
                assertions.append(self.required(part, "test"))
        for kind, members in (("element", elements), ("attribute", attributes)):
            lines: dict[str, int] = {}
            for member in members:
                if member.name in lines:
                    raise SpecError(
                        self.display,
                        f"line {member.line}",
                        f"invalid XSD: {kind} {member.name!r} appears twice "
                        f"(first at line {lines[member.name]})",
                    )
                lines[member.name] = member.line
        return ComplexType(
            name,
            tuple(elements),
            tuple(attributes),
            tuple(assertions),
            self.documentation(node),
            node.line,
        )

    def inline_or_named(self, node: _Node) -> Type | None:
        """The type of an element or attribute: `type=`, or one inline definition."""
        inline = self.content(node, ("complexType", "simpleType"))
        named = node.attrib.get("type")
        if len(inline) > 1 or (inline and named is not None):
            raise self.error(node, f"{node.label} has more than one type")
        if named is not None:
            return self.resolve(node, named)
        if inline:
            child = inline[0]
            if "name" in child.attrib:
                raise self.error(child, f"an inline {child.label} has no name")
            if child.tag == "complexType":
                return self.complex(child, None)
            return self.simple(child, None)
        return None

    def element(self, node: _Node, *, top: bool) -> Element:
        common = {"name", "type", "fixed", "default", "id"}
        self.attributes(node, common if top else common | {"minOccurs", "maxOccurs"})
        name = self.required(node, "name")
        found = self.inline_or_named(node)
        if found is None:
            raise self.error(node, f"element {name!r} needs a type")
        low = node.attrib.get("minOccurs", "1")
        high = node.attrib.get("maxOccurs", "1")
        if not low.isdigit() or not (high.isdigit() or high == "unbounded"):
            raise self.error(node, f"bad occurrences of {name!r}: {low!r} to {high!r}")
        maximum = None if high == "unbounded" else int(high)
        if maximum is not None and (maximum < int(low) or maximum == 0):
            raise self.error(node, f"bad occurrences of {name!r}: {low!r} to {high!r}")
        fixed, default = self.value_constraints(node, found)
        return Element(
            name,
            found,
            int(low),
            maximum,
            fixed,
            default,
            self.documentation(node),
            node.line,
        )

    def attribute(self, node: _Node) -> Attribute:
        self.attributes(node, {"name", "type", "use", "fixed", "default", "id"})
        name = self.required(node, "name")
        found = self.inline_or_named(node)
        if found is None:
            raise self.error(node, f"attribute {name!r} needs a type")
        if isinstance(found, ComplexType):
            raise self.error(node, f"attribute {name!r} has a complex type")
        use = node.attrib.get("use", "optional")
        if use not in ("optional", "required"):
            raise self.error(node, f"use={use!r} is not supported")
        fixed, default = self.value_constraints(node, found)
        return Attribute(
            name,
            found,
            use == "required",
            fixed,
            default,
            self.documentation(node),
            node.line,
        )

    def value_constraints(
        self, node: _Node, found: Type
    ) -> tuple[str | None, str | None]:
        fixed, default = node.attrib.get("fixed"), node.attrib.get("default")
        if fixed is not None and default is not None:
            raise self.error(node, "fixed= and default= together")
        for value in (fixed, default):
            if value is None:
                continue
            if isinstance(found, ComplexType):
                raise self.error(node, "a fixed or default value needs a simple type")
            if found.kind in ("integer", "number"):
                self.number(node, value, found.kind)
            if found.enumeration and value not in found.enumeration:
                raise self.error(node, f"{value!r} is not among the type's values")
        return fixed, default


def _text(node: _Node) -> str:
    return "".join(
        part if isinstance(part, str) else _text(part) for part in node.parts
    )
