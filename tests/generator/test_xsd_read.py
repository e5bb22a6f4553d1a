"""The XSD reader: what it reads of the supported subset, and what it refuses, at its line.

Each refusal case is a small schema with one unsupported (or wrong) construct; the error
must name the file and the line of that construct. The real Tencent CI XSD is compared with
xmlschema's reading of it (xmlschema stays for the documentation checker), so the reader
cannot drift from what the XSD means.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.load import load_xsd
from generator.xsd_read import ComplexType, Schema, SimpleType, read_xsd

REPO = Path(__file__).resolve().parents[2]
TTS_XSD = REPO / "specs" / "tencent-ci" / "tts.xsd"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"\n'
    '           xmlns:vc="http://www.w3.org/2007/XMLSchema-versioning"\n'
    '           vc:minVersion="1.1" elementFormDefault="qualified">\n'
)
TAIL = "</xs:schema>\n"


def read(tmp_path: Path, body: str, *, whole: bool = False) -> Schema:
    path = tmp_path / "api.xsd"
    path.write_text(body if whole else HEAD + body + TAIL, encoding="utf-8")
    return read_xsd(path, "specs/api/api.xsd")


def complex_type(schema: Schema, name: str) -> ComplexType:
    found = schema.types[name]
    assert isinstance(found, ComplexType)
    return found


def simple_type(schema: Schema, name: str) -> SimpleType:
    found = schema.types[name]
    assert isinstance(found, SimpleType)
    return found


# --- what is read ----------------------------------------------------------------------------


def test_global_elements_and_sequences_keep_their_order(tmp_path: Path) -> None:
    schema = read(
        tmp_path,
        """
  <!-- a comment, anywhere -->
  <xs:element name="Request" type="Job"/>
  <xs:complexType name="Job">
    <xs:sequence>
      <xs:element name="Zeta" type="xs:string"/>
      <!-- another -->
      <xs:element name="Alpha" type="xs:int" minOccurs="0"/>
      <xs:element name="Mid" type="xs:boolean" minOccurs="2" maxOccurs="5"/>
      <xs:element name="Many" type="xs:double" minOccurs="0" maxOccurs="unbounded"/>
    </xs:sequence>
  </xs:complexType>
""",
    )
    root = schema.elements["Request"]
    assert root.type is schema.types["Job"]
    job = complex_type(schema, "Job")
    assert [
        (e.name, e.type.name, e.min_occurs, e.max_occurs) for e in job.elements
    ] == [
        ("Zeta", "string", 1, 1),
        ("Alpha", "int", 0, 1),
        ("Mid", "boolean", 2, 5),
        ("Many", "double", 0, None),
    ]
    assert [e.line for e in job.elements] == [10, 12, 13, 14]
    kinds = [e.type.kind for e in job.elements if isinstance(e.type, SimpleType)]
    assert kinds == ["string", "integer", "boolean", "number"]


def test_xs_all_is_read_like_a_sequence(tmp_path: Path) -> None:
    schema = read(
        tmp_path,
        """
  <xs:complexType name="Pair">
    <xs:all>
      <xs:element name="B" type="xs:string"/>
      <xs:element name="A" type="xs:string" minOccurs="0"/>
    </xs:all>
  </xs:complexType>
""",
    )
    pair = complex_type(schema, "Pair")
    assert [(e.name, e.min_occurs) for e in pair.elements] == [("B", 1), ("A", 0)]


def test_fixed_default_attributes_any_and_asserts(tmp_path: Path) -> None:
    schema = read(
        tmp_path,
        """
  <xs:complexType name="Job">
    <xs:sequence>
      <xs:element name="Tag" type="xs:string" fixed="Tts"/>
      <xs:element name="Level" type="xs:integer" default="0"/>
      <xs:any processContents="lax" minOccurs="0" maxOccurs="unbounded"/>
      <xs:element name="A" type="xs:string" minOccurs="0"/>
      <xs:element name="B" type="xs:string" minOccurs="0"/>
    </xs:sequence>
    <xs:attribute name="id" type="xs:string" use="required"/>
    <xs:attribute name="lang" type="xs:language" default="en"/>
    <xs:attribute name="kind" type="xs:string" fixed="job"/>
    <xs:assert test="A or B"/>
  </xs:complexType>
""",
    )
    job = complex_type(schema, "Job")
    assert [(e.name, e.fixed, e.default) for e in job.elements] == [
        ("Tag", "Tts", None),
        ("Level", None, "0"),
        ("A", None, None),
        ("B", None, None),
    ]
    assert [(a.name, a.required, a.fixed, a.default) for a in job.attributes] == [
        ("id", True, None, None),
        ("lang", False, None, "en"),
        ("kind", False, "job", None),
    ]
    assert job.assertions == ("A or B",)


def test_inline_anonymous_types(tmp_path: Path) -> None:
    schema = read(
        tmp_path,
        """
  <xs:element name="Root">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="Size">
          <xs:simpleType>
            <xs:restriction base="xs:integer"><xs:maxInclusive value="9"/></xs:restriction>
          </xs:simpleType>
        </xs:element>
        <xs:element name="Inner">
          <xs:complexType>
            <xs:sequence><xs:element name="X" type="xs:string"/></xs:sequence>
          </xs:complexType>
        </xs:element>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
""",
    )
    root = schema.elements["Root"].type
    assert isinstance(root, ComplexType) and root.name is None
    size, inner = root.elements
    assert isinstance(size.type, SimpleType)
    assert (size.type.name, size.type.builtin, dict(size.type.facets)) == (
        None,
        "integer",
        {"maxInclusive": 9},
    )
    assert isinstance(inner.type, ComplexType) and inner.type.name is None
    assert [e.name for e in inner.type.elements] == ["X"]
    assert schema.types == {}


def test_simple_types_inherit_and_override_facets(tmp_path: Path) -> None:
    # Derived before its base: definitions may come in any order.
    schema = read(
        tmp_path,
        """
  <xs:simpleType name="Small">
    <xs:restriction base="Percent"><xs:maxExclusive value="10"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="Percent">
    <xs:restriction base="xs:short">
      <xs:minInclusive value="0"/>
      <xs:maxExclusive value="101"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="Ratio">
    <xs:restriction base="xs:decimal"><xs:minExclusive value="0.5"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="Code">
    <xs:restriction base="xs:token">
      <xs:minLength value="2"/><xs:maxLength value="4"/><xs:pattern value="[A-Z]+"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="ShortCode">
    <xs:restriction base="Code"><xs:maxLength value="3"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="Level">
    <xs:restriction base="xs:integer">
      <xs:enumeration value="0"/><xs:enumeration value="2"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="Low">
    <xs:restriction base="Level"><xs:enumeration value="0"/></xs:restriction>
  </xs:simpleType>
""",
    )
    small = simple_type(schema, "Small")
    assert (small.builtin, small.ancestry) == ("short", ("Small", "Percent", "short"))
    assert dict(small.facets) == {"minInclusive": 0, "maxExclusive": 10}
    assert dict(simple_type(schema, "Percent").facets)["maxExclusive"] == 101
    ratio = simple_type(schema, "Ratio")
    assert (ratio.kind, dict(ratio.facets)) == ("number", {"minExclusive": 0.5})
    short = simple_type(schema, "ShortCode")
    assert dict(short.facets) == {"minLength": 2, "maxLength": 3}
    assert short.patterns == ("[A-Z]+",)
    assert simple_type(schema, "Level").enumeration == ("0", "2")
    assert simple_type(schema, "Low").enumeration == ("0",)


def test_documentation_is_the_text_of_the_annotation(tmp_path: Path) -> None:
    schema = read(
        tmp_path,
        """
  <xs:complexType name="Job">
    <xs:annotation>
      <xs:appinfo><tool>ignored</tool></xs:appinfo>
      <xs:documentation xml:lang="en">  A <b>bold</b> job.  </xs:documentation>
      <xs:documentation>Second.</xs:documentation>
    </xs:annotation>
    <xs:sequence>
      <xs:element name="A" type="xs:string">
        <xs:annotation><xs:documentation>The A.</xs:documentation></xs:annotation>
      </xs:element>
    </xs:sequence>
  </xs:complexType>
""",
    )
    job = complex_type(schema, "Job")
    assert job.documentation == "A bold job. Second."
    assert job.elements[0].documentation == "The A."


def test_the_tencent_xsd_reads_as_xmlschema_reads_it() -> None:
    xmlschema = pytest.importorskip("xmlschema")
    theirs = xmlschema.XMLSchema11(str(TTS_XSD))
    ours = read_xsd(TTS_XSD, "tts.xsd")
    assert set(ours.elements) == set(theirs.elements)
    assert set(ours.types) == set(theirs.types)
    for name, mine in ours.types.items():
        other = theirs.types[name]
        assert isinstance(mine, ComplexType) == other.is_complex(), name
        if isinstance(mine, ComplexType):
            elements = [e for e in other.content.iter_elements() if e.name is not None]
            assert [
                (e.name, e.min_occurs, e.max_occurs, e.fixed, e.type.name)
                for e in mine.elements
            ] == [
                (e.name, e.min_occurs, e.max_occurs, e.fixed, e.type.local_name)
                for e in elements
            ], name
            assert mine.assertions == tuple(a.path for a in other.assertions)
        else:
            assert list(mine.enumeration) == [
                str(v) for v in (other.enumeration or [])
            ], name
            facets = {k.split("}")[1]: f.value for k, f in other.facets.items()}
            for kept_apart in ("enumeration", "pattern"):
                facets.pop(kept_apart, None)
            assert dict(mine.facets) == facets, name
            patterns = other.patterns.regexps if other.patterns else []
            assert list(mine.patterns) == patterns, name
        docs = other.annotation.documentation if other.annotation else []
        assert mine.documentation == " ".join(d.text.strip() for d in docs), name


def test_generation_imports_no_xmlschema() -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from generator.pipeline import build_api\n"
        "api = build_api('tencent-ci', Path('specs'))\n"
        "print(len(api.models), 'xmlschema' in sys.modules)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    count, imported = run.stdout.split()
    assert int(count) >= 15 and imported == "False"


# --- what is refused -------------------------------------------------------------------------

SEQUENCE = (
    '  <xs:complexType name="T">\n    <xs:sequence>\n{}\n    </xs:sequence>\n'
    "  </xs:complexType>\n"
)

REFUSED = {
    "import": (
        '  <xs:import namespace="urn:x" schemaLocation="x.xsd"/>\n',
        "xs:import",
        "xs:import is not supported",
    ),
    "include": (
        '  <xs:include schemaLocation="x.xsd"/>\n',
        "xs:include",
        "xs:include is not supported",
    ),
    "redefine": (
        '  <xs:redefine schemaLocation="x.xsd"/>\n',
        "xs:redefine",
        "xs:redefine is not supported",
    ),
    "choice": (
        '  <xs:complexType name="T">\n    <xs:choice>\n'
        '      <xs:element name="A" type="xs:string"/>\n    </xs:choice>\n'
        "  </xs:complexType>\n",
        "xs:choice",
        "xs:choice is not supported in xs:complexType",
    ),
    "nested choice": (
        SEQUENCE.format("      <xs:choice/>"),
        "xs:choice",
        "xs:choice is not supported in xs:sequence",
    ),
    "nested sequence": (
        SEQUENCE.format("      <xs:sequence/>"),
        "<xs:sequence/>",
        "xs:sequence is not supported in xs:sequence",
    ),
    "group": (
        '  <xs:group name="G"><xs:sequence/></xs:group>\n',
        "xs:group",
        "xs:group is not supported",
    ),
    "group ref": (
        SEQUENCE.format('      <xs:group ref="G"/>'),
        "xs:group",
        "xs:group is not supported in xs:sequence",
    ),
    "attributeGroup": (
        '  <xs:complexType name="T">\n    <xs:attributeGroup ref="G"/>\n'
        "  </xs:complexType>\n",
        "xs:attributeGroup",
        "xs:attributeGroup is not supported in xs:complexType",
    ),
    "global attribute": (
        '  <xs:attribute name="a" type="xs:string"/>\n',
        "xs:attribute",
        "xs:attribute is not supported",
    ),
    "anyAttribute": (
        '  <xs:complexType name="T">\n    <xs:anyAttribute/>\n  </xs:complexType>\n',
        "xs:anyAttribute",
        "xs:anyAttribute is not supported in xs:complexType",
    ),
    "complexContent": (
        '  <xs:complexType name="T">\n    <xs:complexContent>\n'
        '      <xs:extension base="U"/>\n    </xs:complexContent>\n'
        "  </xs:complexType>\n",
        "xs:complexContent",
        "xs:complexContent is not supported in xs:complexType",
    ),
    "simpleContent": (
        '  <xs:complexType name="T">\n    <xs:simpleContent>\n'
        '      <xs:extension base="xs:string"/>\n    </xs:simpleContent>\n'
        "  </xs:complexType>\n",
        "xs:simpleContent",
        "xs:simpleContent is not supported in xs:complexType",
    ),
    "mixed": (
        '  <xs:complexType name="T" mixed="true"/>\n',
        'mixed="true"',
        "mixed content is not supported",
    ),
    "list": (
        '  <xs:simpleType name="S">\n    <xs:list itemType="xs:int"/>\n'
        "  </xs:simpleType>\n",
        "xs:list",
        "xs:list is not supported in xs:simpleType",
    ),
    "union": (
        '  <xs:simpleType name="S">\n    <xs:union memberTypes="xs:int"/>\n'
        "  </xs:simpleType>\n",
        "xs:union",
        "xs:union is not supported in xs:simpleType",
    ),
    "element ref": (
        SEQUENCE.format('      <xs:element ref="Other"/>'),
        'ref="Other"',
        "ref= on xs:element is not supported",
    ),
    "substitution group": (
        '  <xs:element name="E" type="xs:string" substitutionGroup="F"/>\n',
        "substitutionGroup",
        "substitutionGroup= on xs:element is not supported",
    ),
    "undefined type": (
        SEQUENCE.format('      <xs:element name="A" type="Nowhere"/>'),
        "Nowhere",
        "type 'Nowhere' is defined nowhere",
    ),
    "undefined base": (
        '  <xs:simpleType name="S">\n    <xs:restriction base="Nowhere"/>\n'
        "  </xs:simpleType>\n",
        "Nowhere",
        "type 'Nowhere' is defined nowhere",
    ),
    "unsupported built-in": (
        SEQUENCE.format('      <xs:element name="A" type="xs:QName"/>'),
        "xs:QName",
        "the built-in type 'xs:QName' is not supported",
    ),
    "unknown prefix": (
        SEQUENCE.format('      <xs:element name="A" type="q:T"/>'),
        "q:T",
        "unknown prefix in 'q:T'",
    ),
    "duplicate type": (
        '  <xs:simpleType name="S"><xs:restriction base="xs:string"/></xs:simpleType>\n'
        '  <xs:complexType name="S"/>\n',
        '<xs:complexType name="S"/>',
        "type 'S' is defined twice (first at line 5)",
    ),
    "duplicate global element": (
        '  <xs:element name="E" type="xs:string"/>\n'
        '  <xs:element name="E" type="xs:int"/>\n',
        'type="xs:int"',
        "element 'E' is defined twice (first at line 5)",
    ),
    "duplicate child element": (
        SEQUENCE.format(
            '      <xs:element name="A" type="xs:string"/>\n'
            '      <xs:element name="A" type="xs:string" minOccurs="0"/>'
        ),
        'minOccurs="0"',
        "element 'A' appears twice (first at line 7)",
    ),
    "recursive type": (
        SEQUENCE.format('      <xs:element name="Child" type="T" minOccurs="0"/>'),
        "Child",
        "recursive type 'T' is not supported",
    ),
    "element without type": (
        SEQUENCE.format('      <xs:element name="A"/>'),
        '"A"',
        "element 'A' needs a type",
    ),
    "bad occurrences": (
        SEQUENCE.format('      <xs:element name="A" type="xs:int" maxOccurs="many"/>'),
        "many",
        "bad occurrences of 'A': '1' to 'many'",
    ),
    "range facet on a string": (
        '  <xs:simpleType name="S">\n    <xs:restriction base="xs:string">\n'
        '      <xs:minInclusive value="1"/>\n    </xs:restriction>\n'
        "  </xs:simpleType>\n",
        "minInclusive",
        "xs:minInclusive needs a numeric type",
    ),
    "not a number": (
        '  <xs:simpleType name="S">\n    <xs:restriction base="xs:integer">\n'
        '      <xs:maxInclusive value="ten"/>\n    </xs:restriction>\n'
        "  </xs:simpleType>\n",
        "ten",
        "'ten' is no integer",
    ),
    "other facet": (
        '  <xs:simpleType name="S">\n    <xs:restriction base="xs:decimal">\n'
        '      <xs:totalDigits value="3"/>\n    </xs:restriction>\n'
        "  </xs:simpleType>\n",
        "totalDigits",
        "xs:totalDigits is not supported in xs:restriction",
    ),
    "fixed outside the enumeration": (
        '  <xs:simpleType name="S">\n    <xs:restriction base="xs:string">\n'
        '      <xs:enumeration value="a"/>\n    </xs:restriction>\n'
        "  </xs:simpleType>\n"
        + SEQUENCE.format('      <xs:element name="A" type="S" fixed="b"/>'),
        'fixed="b"',
        "'b' is not among the type's values",
    ),
    "target namespace": (
        None,
        "targetNamespace",
        "targetNamespace is not supported",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_unsupported_constructs_are_refused_at_their_line(
    tmp_path: Path, case: str
) -> None:
    body, needle, expected = REFUSED[case]
    if body is None:
        text = HEAD.replace("<xs:schema ", '<xs:schema targetNamespace="urn:t" ') + TAIL
    else:
        text = HEAD + body + TAIL
    line = next(i for i, row in enumerate(text.splitlines(), 1) if needle in row)
    with pytest.raises(SpecError) as caught:
        read(tmp_path, text, whole=True)
    error = caught.value
    assert (error.file, error.pointer) == ("specs/api/api.xsd", f"line {line}")
    assert error.message == f"invalid XSD: {expected}"


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("<xs:schema", 1, "invalid XSD: not well-formed XML: unclosed token"),
        ("", 1, "invalid XSD: not well-formed XML: no element found"),
        (
            HEAD + '  <xs:element name="A" type="xs:string">\n' + TAIL,
            6,
            "invalid XSD: not well-formed XML: mismatched tag",
        ),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<x/>',
            2,
            "invalid XSD: a DOCTYPE is not supported",
        ),
        (
            '<?xml version="1.0"?>\n<schema/>\n',
            2,
            "invalid XSD: the root is {}schema, not xs:schema",
        ),
    ],
)
def test_what_is_no_xsd_is_refused_at_its_line(
    tmp_path: Path, text: str, line: int, expected: str
) -> None:
    with pytest.raises(SpecError) as caught:
        read(tmp_path, text, whole=True)
    assert caught.value.pointer == f"line {line}"
    assert caught.value.message == expected
    assert str(caught.value).startswith(f"specs/api/api.xsd: line {line}: invalid XSD")


def test_a_missing_xsd_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        load_xsd(tmp_path / "none.xsd", "specs/api/none.xsd")
    assert str(caught.value) == "specs/api/none.xsd: /: cannot read: no such file"
