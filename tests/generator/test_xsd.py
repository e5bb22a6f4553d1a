"""XML APIs: an XSD beside the spec gives the models of XML bodies, in the same IR as
OpenAPI schemas. Each case starts from the Tencent CI spec and its XSD, the first XML API,
and changes one thing."""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import pipeline
from generator.errors import SpecError
from generator.ir import Api, LengthWhen, Model
from generator.ir_build import build
from generator.load import load_xsd
from generator.models import render_models

REPO = Path(__file__).resolve().parents[2]
FOLDER = REPO / "specs" / "tencent-ci"
SPEC = yaml.safe_load((FOLDER / "openapi.yaml").read_text(encoding="utf-8"))
XSD_TEXT = (FOLDER / "tts.xsd").read_text(encoding="utf-8")


def build_spec(
    change: Callable[[dict[str, Any]], object] | None = None,
    xsd_text: str = XSD_TEXT,
    tmp: Path | None = None,
) -> Api:
    document = copy.deepcopy(SPEC)
    if change is not None:
        change(document)
    xsd = None
    if tmp is not None or xsd_text != XSD_TEXT:
        assert tmp is not None
        (tmp / "tts.xsd").write_text(xsd_text, encoding="utf-8")
        xsd = load_xsd(tmp / "tts.xsd", "tts.xsd")
    else:
        xsd = load_xsd(FOLDER / "tts.xsd", "tts.xsd")
    return build(document, "tencent-ci", "spec.yaml", "", xsd=xsd)


def models_of(api: Api) -> dict[str, Model]:
    return {m.name: m for m in api.models}


def test_cardinality_comes_from_the_xsd_and_fixed_elements_are_no_arguments() -> None:
    api = build_spec()
    models = models_of(api)
    jobs = models["JobsResponse"]
    assert jobs.xml_tag == "Response"
    assert jobs.field("JobsDetail").annotation == "list[JobsDetail]"
    assert jobs.field("NextToken").annotation == "str"
    assert not jobs.field("NextToken").required
    request = models["SubmitTtsJobRequest"]
    assert (request.xml_tag, request.strict) == ("Request", True)
    tag = request.field("Tag")
    assert (tag.annotation, tag.fixed) == ('Literal["Tts"]', "Tts")
    submit = next(op for op in api.operations if op.operation_id == "SubmitTtsJob")
    arguments = [f.name for f in submit.body_fields]
    # Operation's fields are the method's arguments; Tag is always sent, never asked for.
    assert arguments[:2] == ["tts_config", "output"]
    assert "tag" not in arguments and "operation" not in arguments
    assert submit.flattened == (
        (
            "operation",
            (
                "template_id",
                "tts_tpl",
                "tts_config",
                "output",
                "user_data",
                "job_level",
            ),
        ),
    )
    assert submit.body_format == "xml"


def test_facets_become_checks_and_received_enums_stay_open() -> None:
    models = models_of(build_spec())
    tpl = models["TtsTpl"]
    assert dict(tpl.field("Speed").constraints) == {"ge": 50, "le": 200}
    assert dict(tpl.field("Volume").constraints) == {"ge": -10, "le": 10}
    # Sent and received (in a job's operation): the model callers build is strict and
    # closed, its received twin tolerant.
    assert tpl.field("Mode").annotation == 'Literal["Asyc", "Sync"]'
    assert tpl.strict
    reported = models["ReportedTtsTpl"]
    assert not reported.strict
    assert reported.field("Mode").annotation == 'Literal["Asyc", "Sync"] | str'
    assert reported.field("Speed").constraints == ()
    assert models["JobOperation"].field("TtsTpl").annotation == "ReportedTtsTpl"
    state = models["JobsDetail"].field("State")
    assert state.annotation.endswith(" | str")
    level = models["JobOperation"].field("JobLevel")
    assert level.annotation == "Literal[0, 1, 2] | int"
    assert models["TtsOperation"].one_of == (("template_id", "tts_tpl"),)


def test_constants_and_list_pointers() -> None:
    api = build_spec()
    by_id = {op.operation_id: op for op in api.operations}
    assert by_id["ListTtsJobs"].constants == (("query", "tag", "Tts"),)
    assert by_id["CancelTtsJob"].constants == (("query", "cancel", ""),)
    assert "tag" not in {p.name for p in by_id["ListTtsJobs"].parameters}
    assert api.lifecycle is not None
    assert [f.name for f in api.lifecycle.state_field.fields] == [
        "jobs_detail",
        "state",
    ]
    assert api.lifecycle.state_field.indexes == (0, None)
    assert api.runtime_modules == ("xml",)


def test_the_models_source_is_plain_pydantic_in_dependency_order() -> None:
    source = render_models(build_spec())
    assert "pydantic_xml" not in source
    # Plain pydantic models on the runtime's base, their XML facts in markers.
    assert "from ._runtime.xml import XmlElement, XmlModel" in source
    assert "class JobsResponse(XmlModel):" in source
    assert '__xml_tag__ = "Response"' in source
    assert (
        "jobs_detail: Annotated[list[JobsDetail], XmlElement('JobsDetail')] = "
        "Field(default_factory=list)" in source
    )
    assert "speed: Annotated[Annotated[int, Field(ge=50, le=200)] | None, " in source
    assert """tag: Annotated[Literal["Tts"], XmlElement('Tag')] = 'Tts'""" in source
    # A class comes after the classes its fields name.
    assert source.index("class JobsDetail(") < source.index("class JobsResponse(")
    assert source.index("class TtsTpl(") < source.index("class TtsOperation(")
    assert 'def _one_of_template_id_tts_tpl(self) -> "TtsOperation":' in source


def test_the_generated_package_maps_every_model_without_pydantic_xml() -> None:
    # In a process of its own: this one has pydantic-xml imported by other tests.
    script = (
        "import sys, tts_tencent_ci.models as m\n"
        "from tts_tencent_ci._runtime import xml\n"
        "plans = {n: xml._plan(c) for n, c in vars(m).items()\n"
        "         if isinstance(c, type) and issubclass(c, xml.XmlModel)\n"
        "         and c is not xml.XmlModel}\n"
        "print(len(plans), plans['SubmitTtsJobRequest'].tag,\n"
        "      [f.wire for f in plans['SubmitTtsJobRequest'].fields],\n"
        "      sorted(n for n in sys.modules if n.split('.')[0] == 'pydantic_xml'))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO / "generated",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert run.stdout.split(" ", 2)[1:] == [
        "Request",
        "['Tag', 'Operation', 'CallBack', 'CallBackFormat', 'CallBackType', "
        "'CallBackMqConfig'] []\n",
    ]
    assert int(run.stdout.split()[0]) >= 15


def where(error: SpecError) -> tuple[str, str]:
    return error.pointer, error.message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["paths"]["/jobs"]["post"]["requestBody"]["content"][
                "application/xml"
            ]["schema"].update({"x-sdkgen-xml": "Nope"}),
            (
                "/paths/~1jobs/post/requestBody/content/application~1xml/schema/x-sdkgen-xml",
                "'Nope' is no global element of a named complex type",
            ),
        ),
        (
            lambda d: d["paths"]["/jobs/{JobId}"]["get"]["responses"]["200"]["content"][
                "application/xml"
            ]["schema"].update(
                {"x-sdkgen-xml": {"type": "Nope", "element": "Response"}}
            ),
            (
                "/paths/~1jobs~1{JobId}/get/responses/200/content/application~1xml/schema/x-sdkgen-xml/type",
                "no complex type 'Nope' in the XSD",
            ),
        ),
        (
            lambda d: d["paths"]["/jobs"]["post"].update({"x-sdkgen-flatten": ["Tag"]}),
            (
                "/paths/~1jobs/post/x-sdkgen-flatten/0",
                "'Tag' is no object field of SubmitTtsJobRequest",
            ),
        ),
    ],
)
def test_a_bad_xml_body_is_refused_at_its_place(
    change: Callable[[dict[str, Any]], object], expected: tuple[str, str]
) -> None:
    with pytest.raises(SpecError) as caught:
        build_spec(change)
    assert where(caught.value) == expected


def test_an_xml_body_needs_the_xsd() -> None:
    document = copy.deepcopy(SPEC)
    with pytest.raises(SpecError) as caught:
        build(document, "tencent-ci", "spec.yaml", "", xsd=None)
    assert (
        caught.value.message == "XML bodies need x-sdkgen-xsd: the XSD beside the spec"
    )


def test_only_at_least_one_of_assertions_are_supported(tmp_path: Path) -> None:
    text = XSD_TEXT.replace('test="TemplateId or TtsTpl"', 'test="count(TtsTpl) = 1"')
    with pytest.raises(SpecError) as caught:
        build_spec(xsd_text=text, tmp=tmp_path)
    assert caught.value.pointer == "/x-sdkgen-xsd/TtsOperation"
    assert "only assertions like 'A or B'" in caught.value.message


def test_a_length_capped_for_one_value_is_checked_only_then() -> None:
    models = models_of(build_spec())
    config = models["TtsConfig"]
    assert config.length_when == (
        LengthWhen(field="input", max_length=300, when="input_type", value="Text"),
    )
    assert (
        "At most 300 characters when input_type is Text." in config.field("Input").notes
    )
    # Received, nothing is checked.
    assert models["ReportedTtsConfig"].length_when == ()
    source = render_models(build_spec())
    assert "def _length_of_input_when_input_type(self)" in source


@pytest.mark.parametrize(
    ("test", "message"),
    [
        (
            "InputType != 'Text' or string-length(Inputs) le 300",
            "'Inputs' is no element of it",
        ),
        (
            "Kind != 'Text' or string-length(Input) le 300",
            "'Kind' is no element of it",
        ),
        ("InputType != 'Text' or string-length(Input) lt 300", "only assertions"),
    ],
)
def test_a_bad_length_assertion_is_refused(
    tmp_path: Path, test: str, message: str
) -> None:
    text = XSD_TEXT.replace("InputType != 'Text' or string-length(Input) le 300", test)
    with pytest.raises(SpecError) as caught:
        build_spec(xsd_text=text, tmp=tmp_path)
    assert caught.value.pointer == "/x-sdkgen-xsd/TtsConfig"
    assert message in caught.value.message


def test_a_length_assertion_needs_a_text_element(tmp_path: Path) -> None:
    text = XSD_TEXT.replace(
        '<xs:assert test="TemplateId or TtsTpl"/>',
        '<xs:assert test="TemplateId or TtsTpl"/>'
        "<xs:assert test=\"UserData != 'x' or string-length(JobLevel) le 3\"/>",
    )
    with pytest.raises(SpecError) as caught:
        build_spec(xsd_text=text, tmp=tmp_path)
    assert "string-length(JobLevel): not one text element" in caught.value.message


def test_a_broken_xsd_names_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "tts.xsd"
    bad.write_text(XSD_TEXT.replace('type="TtsConfig">', 'type="TtsKonfig">', 1))
    with pytest.raises(SpecError) as caught:
        load_xsd(bad, "specs/tencent-ci/tts.xsd")
    assert caught.value.file == "specs/tencent-ci/tts.xsd"
    line = XSD_TEXT[: XSD_TEXT.index('type="TtsConfig">')].count("\n") + 1
    assert caught.value.pointer == f"line {line}"
    assert caught.value.message == "invalid XSD: type 'TtsKonfig' is defined nowhere"


def test_attributes_and_inline_types_become_fields_and_models(tmp_path: Path) -> None:
    text = XSD_TEXT.replace(
        """      <xs:element name="Object" type="NonEmpty"/>
    </xs:sequence>
""",
        """      <xs:element name="Object" type="NonEmpty"/>
      <xs:element name="Meta" minOccurs="0">
        <xs:complexType>
          <xs:sequence><xs:element name="Key" type="xs:string"/></xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:sequence>
    <xs:attribute name="acl" type="xs:string" use="required"/>
    <xs:attribute name="storage" type="xs:string"/>
""",
    )
    assert text != XSD_TEXT
    models = models_of(build_spec(xsd_text=text, tmp=tmp_path))
    output = models["Output"]
    assert [(f.wire_name, f.xml, f.required) for f in output.fields] == [
        ("acl", "attribute", True),
        ("storage", "attribute", False),
        ("Region", "element", True),
        ("Bucket", "element", True),
        ("Object", "element", True),
        ("Meta", "element", False),
    ]
    # An anonymous type is named after its owner and its element.
    assert output.field("Meta").annotation == "OutputMeta"
    assert [f.wire_name for f in models["OutputMeta"].fields] == ["Key"]


def test_the_xsd_is_part_of_the_spec_hash(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(FOLDER, specs / "tencent-ci")
    out = tmp_path / "out"
    assert pipeline.generate("tencent-ci", specs, out).written > 0
    assert pipeline.generate("tencent-ci", specs, out).skipped
    xsd = specs / "tencent-ci" / "tts.xsd"
    xsd.write_text(xsd.read_text().replace("The job tag: always Tts.", "Always Tts."))
    again = pipeline.generate("tencent-ci", specs, out)
    assert not again.skipped and again.written > 0
    assert "Always Tts." in (out / "tts_tencent_ci" / "models.py").read_text()


def test_a_bad_xsd_stops_generation_with_one_line(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(FOLDER, specs / "tencent-ci")
    (specs / "tencent-ci" / "tts.xsd").write_text("<xs:schema")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            "--specs",
            str(specs),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert run.returncode == 2, run.stderr
    (line,) = run.stderr.strip().splitlines()
    assert "tts.xsd" in line and "invalid XSD" in line
