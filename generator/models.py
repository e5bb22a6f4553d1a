"""IR models -> the source of `models.py`: pydantic classes from the JSON schemas'
models (`templates/models/json.py.jinja`) and from an XSD's (`templates/models/xml.py.jinja`),
then the type aliases of the non-object components."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from . import naming
from .format import sort_imports
from .ir import Alias, Api, Model
from .ir_build.schemas import BASE, ROOT
from .python_types import (
    COMPONENT_SCHEMA,
    DISCRIMINATE,
    EXACT_INTEGERS,
    annotation,
    checks,
    field_call,
    union,
)
from .render import docstring, render_json_models, render_xml_models, sends_text

# `x-python-type` names the package's own runtime as `_runtime.wire.X`.
_RUNTIME_NAME = re.compile(r"\b_runtime\.wire\.(\w+)")
# Names a field's annotation may use, and where each is imported from.
_IMPORTED = {
    "Annotated": "typing",
    "Any": "typing",
    "Literal": "typing",
    "Field": "pydantic",
    "AwareDatetime": "pydantic",
    "date": "datetime",
    "datetime": "datetime",
    "JsonString": "._runtime.wire",
    "MaxBytes": "._runtime.wire",
    "Tag": "pydantic",
    "Discriminator": "pydantic",
    DISCRIMINATE: "._runtime.received",
}
_EXACT_INTEGERS = f'''

def {EXACT_INTEGERS}(value: object) -> object:
    """What a request's integer Literal takes: pydantic's takes `True` for 1 and `8000.0`
    for 8000 even when strict."""
    if isinstance(value, bool | float):
        raise ValueError(f"expected an integer, not {{type(value).__name__}}")
    return value
'''
# Checks a strict root `oneOf` without a discriminator: the branches are tried in order
# (`union_mode="left_to_right"`), and this refuses a document that more than one takes.
_ONE_OF = "_one_of"
_ONE_OF_SOURCE = f'''

def {_ONE_OF}(*branches: type[BaseModel]) -> Callable[[object], object]:
    """A oneOf's check: a document that more than one of its branches takes is refused
    (pydantic would take the first). A model the caller built is its own branch."""

    def check(value: object) -> object:
        if isinstance(value, BaseModel):
            return value
        taken = []
        for branch in branches:
            try:
                branch.model_validate(value, strict=True)
            except ValidationError:
                continue
            taken.append(branch.__name__)
        if len(taken) > 1:
            raise ValueError(
                "oneOf takes exactly one branch; this matches " + ", ".join(taken)
            )
        return value

    return check
'''
# What a reference may say beside `$ref` (`schemas._REF_SIBLINGS`): no part of its type.
_REF_WORDS = ("description", "default")
_WORD = re.compile(r"\w+")
# Text inside an annotation (a Literal's values, a pattern): its words name nothing.
_TEXT = re.compile(r'"(?:[^"\\]|\\.)*"')


@dataclass(frozen=True)
class Declaration:
    """One field of a JSON model as its class declares it, and its docstring."""

    name: str
    annotation: str
    default: str
    description: str


def render_models(api: Api) -> str:
    """Model source for every model of `api` (unformatted, but its imports sorted)."""
    json_models = [m for m in api.models if m.xml_tag is None]
    xml_models = [m for m in api.models if m.xml_tag is not None]
    imports, bodies = [], []
    if json_models:
        head, body = _json_models(json_models)
        imports.append(head)
        bodies.append(body)
    if xml_models:
        # An XSD's models after the JSON schemas'.
        imports.append(_xml_imports(xml_models))
        bodies.append(render_xml_models(_in_use_order(xml_models)))
    if api.aliases:
        head, body = _type_aliases(api.aliases)
        imports.append(head)
        bodies.append(body)
    if any(f"BeforeValidator({EXACT_INTEGERS})" in body for body in bodies):
        imports.append("from pydantic import BeforeValidator\n")
        bodies.insert(0, _EXACT_INTEGERS)
    if any(f"BeforeValidator({_ONE_OF}(" in body for body in bodies):
        imports.append("from collections.abc import Callable\n")
        imports.append("from pydantic import BaseModel, BeforeValidator\n")
        imports.append("from pydantic import ValidationError\n")
        bodies.insert(0, _ONE_OF_SOURCE)
    return sort_imports(
        '"""Request, response and callback models."""\n\n'
        + "".join(imports)
        + "\n\n"
        + "".join(bodies)
    )


def declarations(model: Model) -> list[Declaration]:
    """How each field of a JSON model is declared: its type with its checks and alias,
    and its default (none for a required field, `None` for an optional one without).
    A received model's schema requires only what the client needs (`schemas.tolerant`)."""
    properties = model.schema.get("properties", {})
    required = set(model.schema.get("required", ()))
    out = []
    for field in model.fields:
        # A required name the schema leaves undeclared is a field of any value.
        prop = properties.get(field.wire_name, {})
        text = _RUNTIME_NAME.sub(
            r"\1", annotation(prop, checked=True, strict=model.strict)
        )
        keywords: list[tuple[str, Any]] = []
        if field.name != field.wire_name:
            keywords.append(("alias", field.wire_name))
        keywords += checks(prop)
        if field.wire_name in required:
            default = ""
        elif "default" not in prop or prop["default"] is None:
            text, default = union([text, "None"]), " = None"
        else:
            default = " = " + naming.literal(prop["default"])
            if isinstance(prop["default"], dict | list) and _names_a_model(prop):
                # pydantic takes defaults as they are: a model's must be validated.
                keywords.append(("validate_default", True))
        if keywords:
            text = f"Annotated[{text}, {field_call(keywords)}]"
        out.append(
            Declaration(field.name, text, default, str(prop.get("description", "")))
        )
    return out


def _names_a_model(schema: dict[str, Any]) -> bool:
    return "$ref" in schema or any(
        isinstance(branch, dict) and "$ref" in branch
        for key in ("anyOf", "oneOf", "allOf")
        for branch in schema.get(key, ())
    )


def _json_models(models: list[Model]) -> tuple[str, str]:
    """The imports and the classes of the JSON schemas' models.

    Annotations are objects, not text (no `from __future__ import annotations`): each
    class comes after the classes it names, so pydantic need not compile and evaluate
    every annotation on import. Only a name that cannot come first (a cycle) is quoted.
    """
    fields = {m.name: declarations(m) for m in models}
    roots = {m.name: _root(m) for m in models if ROOT in m.schema}
    used = {name for group in fields.values() for d in group for name in _words(d)}
    used |= {name for text in roots.values() for name in _names(text)}
    bases = _bases(models)
    models = _dependency_order(
        models,
        {
            m.name: [n for d in fields[m.name] for n in sorted(_words(d))]
            + ([bases[m.name]] if m.name in bases else [])
            + sorted(_names(roots.get(m.name, "")))
            for m in models
        },
    )
    # A subclass declares only what its base does not declare the same way.
    for name, base in bases.items():
        inherited = set(fields[base])
        fields[name] = [d for d in fields[name] if d not in inherited]
    # A root model in a cycle (a union that holds itself) names a later class: quoted.
    names = {m.name for m in models}
    defined: set[str] = set()
    for model in models:
        if model.name in roots and (_names(roots[model.name]) & names) - defined:
            roots[model.name] = repr(roots[model.name])
        defined.add(model.name)
    body = render_json_models(models, _forward_quoted(models, fields), bases, roots)
    by_module: dict[str, set[str]] = {"pydantic": {"ConfigDict"}}
    for name, module in _IMPORTED.items():
        if name in used:
            by_module.setdefault(module, set()).add(name)
    if any(m.wire_shapes for m in models):
        by_module.setdefault("._runtime.wire", set()).add("WireShapes")
    if any(m.strict for m in models):
        by_module["pydantic"].add("BaseModel")
    if roots:
        by_module["pydantic"].add("RootModel")
    if any(not m.strict and not m.wire_shapes and m.name not in roots for m in models):
        by_module.setdefault("._runtime.received", set()).add("Received")
    lines = ["\n"]
    for module, names in sorted(by_module.items()):
        lines.append(f"from {module} import {', '.join(sorted(names))}\n")
    return "".join(lines), body


def _bases(models: list[Model]) -> dict[str, str]:
    """The model each inherits from (an allOf whose first branch names a model,
    `schemas.BASE`), where both are read the same way (strict or received, without
    other wire shapes) and the base is not its own descendant."""
    by_name = {m.name: m for m in models}
    out: dict[str, str] = {}
    for model in models:
        ref = model.schema.get(BASE)
        base = by_name.get(
            str(ref.get("$ref", "")).removeprefix(COMPONENT_SCHEMA)
            if isinstance(ref, dict)
            else ""
        )
        if (
            base is not None
            and base.strict == model.strict
            and not base.wire_shapes
            and not model.wire_shapes
        ):
            out[model.name] = base.name
    for name in list(out):
        seen, step = {name}, out.get(name)
        while step is not None and step not in seen:
            seen.add(step)
            step = out.get(step)
        if step is not None:
            del out[name]  # a cycle: merged, not inherited
    return out


def _words(declaration: Declaration) -> set[str]:
    """The names an annotation uses (words inside its text aside)."""
    return _names(declaration.annotation)


def _names(text: str) -> set[str]:
    return set(_WORD.findall(_TEXT.sub("", text)))


def _root(model: Model) -> str:
    """What a root model holds (a response that is not an object), as its type."""
    schema = model.schema[ROOT]
    text = _RUNTIME_NAME.sub(
        r"\1", annotation(schema, checked=True, strict=model.strict)
    )
    pairs = checks(schema)
    if pairs:  # its own checks (a list's length), as a field's would be
        text = f"Annotated[{text}, {field_call(pairs)}]"
    branches = schema.get("oneOf")
    if (
        model.strict
        and isinstance(branches, list)
        and len(branches) > 1
        and "discriminator" not in schema
        and all(
            isinstance(b, dict) and "$ref" in b and set(b) <= {"$ref", *_REF_WORDS}
            for b in branches
        )
    ):
        names = [str(b["$ref"]).removeprefix(COMPONENT_SCHEMA) for b in branches]
        if len(set(names)) == len(names):
            check = f"BeforeValidator({_ONE_OF}({', '.join(names)}))"
            text = f"Annotated[{text}, {check}]"
    return text


def _dependency_order(models: list[Model], uses: dict[str, list[str]]) -> list[Model]:
    """Each model after the models it uses (the names, in the order it uses them: other
    words are passed over), where a cycle allows; otherwise in the given order."""
    by_name = {m.name: m for m in models}
    done: list[Model] = []
    seen: set[str] = set()

    def visit(model: Model) -> None:
        if model.name in seen:
            return
        seen.add(model.name)
        for name in uses[model.name]:
            if name in by_name:
                visit(by_name[name])
        done.append(model)

    for model in models:
        visit(model)
    return done


def _forward_quoted(
    models: list[Model], fields: dict[str, list[Declaration]]
) -> dict[str, list[Declaration]]:
    """Declarations whose annotation names a class not defined yet (its own, or a later
    one's in a cycle) as text, which pydantic reads when the model is first used."""
    names = {m.name for m in models}
    defined: set[str] = set()
    out = {}
    for model in models:
        out[model.name] = [
            replace(d, annotation=repr(d.annotation))
            if (_words(d) & names) - defined
            else d
            for d in fields[model.name]
        ]
        defined.add(model.name)
    return out


def _xml_imports(models: list[Model]) -> str:
    fields = [f for m in models for f in m.fields]
    typing = ["Annotated"] if fields else []  # each field's marker is in its type
    if any("Literal[" in f.annotation for f in fields):
        typing.append("Literal")
    pydantic = ["ConfigDict"]
    if any(
        f.constraints or (f.annotation.startswith("list[") and not f.required)
        for f in fields
    ):
        pydantic.append("Field")
    if any(m.one_of or m.length_when for m in models):
        pydantic.append("model_validator")
    runtime = [
        name
        for name, used in (
            ("XmlAttribute", any(f.xml == "attribute" for f in fields)),
            ("XmlElement", any(f.xml != "attribute" for f in fields)),
            ("XmlModel", True),
            # Text a request model sends (`render._xml_annotation`).
            (
                "XmlText",
                any(sends_text(f) for m in models if m.strict for f in m.fields),
            ),
        )
        if used
    ]
    # No `from __future__ import annotations`: classes come in use order (an XSD type
    # may not hold itself), so annotations are objects, not text to evaluate.
    lines = ["\n"]
    if typing:
        lines.append(f"from typing import {', '.join(typing)}\n")
    lines.append(f"from pydantic import {', '.join(pydantic)}\n")
    # Plain pydantic models; the runtime reads and writes their XML by the markers.
    lines.append(f"\nfrom ._runtime.xml import {', '.join(runtime)}\n")
    return "".join(lines)


def _in_use_order(models: list[Model]) -> list[Model]:
    """Each model after the models its fields name: a name is then resolved when its
    class is made (deferred classes would otherwise resolve it on first use)."""
    return _dependency_order(
        models,
        {
            m.name: [n for f in m.fields for n in _WORD.findall(f.annotation)]
            for m in models
        },
    )


def _type_aliases(aliases: tuple[Alias, ...]) -> tuple[str, str]:
    """Component schemas that are not objects, by name, for the user's own annotations.

    Fields that use them have them inlined; the names are there to be imported."""
    names = {n for a in aliases for n in re.findall(r"\w+", a.annotation)}
    imports = sorted({"TypeAlias"} | (names & {"Any", "Literal"}))
    head = [f"from typing import {', '.join(imports)}\n"]
    if "AwareDatetime" in names:
        head.append("from pydantic import AwareDatetime\n")
    dates = sorted(names & {"date", "datetime"})
    if dates:
        head.append(f"from datetime import {', '.join(dates)}\n")
    lines = []
    for alias in aliases:
        lines.append(f"\n\n{alias.name}: TypeAlias = {alias.annotation}\n")
        if alias.description:
            lines.append(f'"""{docstring(alias.description)}"""\n')
    return "".join(head), "".join(lines)
