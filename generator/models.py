"""IR models -> the source of `models.py`, through datamodel-code-generator's library API."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import partial
from typing import Any

from . import model_chunks
from .format import sort_imports
from .ir import Alias, Api, Model
from .render import docstring, prose, render_xml_models


def _options() -> dict[str, Any]:
    """The one pinned option set: every choice explicit, nothing read from the environment."""
    from datamodel_code_generator import PythonVersion
    from datamodel_code_generator.enums import DataModelType, InputFileType

    return {
        "input_file_type": InputFileType.OpenAPI,
        "output_model_type": DataModelType.PydanticV2BaseModel,
        "target_python_version": PythonVersion.PY_310,
        # Formatting is ours (one ruff process, pinned options); dcg's default is changing.
        "formatters": [],
        "disable_timestamp": True,
        "custom_file_header": "",
        "use_annotated": True,
        "field_constraints": True,
        "use_standard_collections": True,
        "use_union_operator": True,
        "enum_field_as_literal": "all",
        "use_schema_description": True,
        "use_field_description": True,
        "use_double_quotes": True,
        "allow_population_by_field_name": True,
        "keep_model_order": True,
        "strict_nullable": True,
    }


def warm_up() -> None:
    """dcg's first run imports and builds much of itself: done once before workers fork."""
    from datamodel_code_generator import generate

    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "warm-up", "version": "1"},
        "paths": {},
        "components": {"schemas": {"A": schema}},
    }
    generate(json.dumps(document), **_options())


def _aliases(models: tuple[Model, ...]) -> dict[str, str]:
    # The IR chose every field name; hand dcg those choices instead of letting it invent.
    return {
        f"{model.name}.{field.wire_name}": field.name
        for model in models
        for field in model.fields
        if field.name != field.wire_name
    }


def _check_names(source: str, models: tuple[Model, ...]) -> None:
    # dcg renames some fields on its own (e.g. builtins); the IR must have made the same choice.
    # One pass over the source for all names: a search per model is quadratic at scale.
    classes = set(re.findall(r"^class (\w+)\(", source, re.MULTILINE))
    fields = set(re.findall(r"^    (\w+): ", source, re.MULTILINE))
    for model in models:
        if model.name not in classes:
            raise AssertionError(f"model {model.name} missing from dcg output")
        for field in model.fields:
            if field.name not in fields:
                raise AssertionError(
                    f"model field {model.name}.{field.name} missing from dcg output"
                )


def _policy(source: str, models: tuple[Model, ...]) -> str:
    """Strict out, tolerant in, in each model's config (dcg has no option for either).

    Request models validate strictly: `True` is not an int, `"120"` is not a number.
    Received models also take a number where the spec says text (a vendor's `"code": 0`
    for `"0"`). Request-only models, and only those, forbid extra fields; the others allow
    them: each kind's config is found by that line.
    """
    for extra, added, expected in (
        ("forbid", "strict=True", sum(1 for m in models if m.strict)),
        ("allow", "coerce_numbers_to_str=True", sum(1 for m in models if not m.strict)),
    ):
        line = re.compile(rf"^( +)extra=(['\"]){extra}\2,\n", re.MULTILINE)
        source, found = line.subn(rf"\g<0>\1{added},\n", source)
        if found != expected:
            raise AssertionError(f"expected {expected} {extra!r} models in dcg output")
    return source


def _deferred(source: str) -> str:
    """Each model's validator is built when it is first used, not on import: a program
    pays for the models it uses (importing a package builds none of them)."""
    return source.replace(
        "    model_config = ConfigDict(\n",
        "    model_config = ConfigDict(\n        defer_build=True,\n",
    )


def _unprotected(source: str, models: tuple[Model, ...]) -> str:
    """Models with a field in pydantic's `model_` namespace (`model_config_` for a wire
    `model_config`) say it is theirs: pydantic would warn on import otherwise."""
    for model in models:
        if not any(f.name.startswith("model_") for f in model.fields):
            continue
        start = source.index(f"\nclass {model.name}(")
        config = source.index("    model_config = ConfigDict(\n", start)
        end = source.index("\n    )\n", config)
        source = source[:end] + "\n        protected_namespaces=()," + source[end:]
    return source


def _relative_runtime(source: str) -> str:
    # `x-python-type` names the package's own runtime as `_runtime.wire.X`.
    return source.replace("from _runtime.", "from ._runtime.")


def _wire_shapes(source: str, models: tuple[Model, ...]) -> tuple[str, bool]:
    """Models read from other wire shapes derive from the runtime's `WireShapes`, which
    reads the shapes listed in `__wire_shapes__` (set after the class); True if any does
    (the module then imports `WireShapes`)."""
    shaped = [m for m in models if m.wire_shapes]
    if not shaped:
        return source, False
    lines = []
    names = {m.name for m in shaped}
    found: set[str] = set()

    def derive(match: re.Match[str]) -> str:
        if match[1] not in names:
            return match[0]
        found.add(match[1])
        return f"class {match[1]}(WireShapes):"

    # One pass over the classes: a replace per model is quadratic at scale.
    source = re.sub(r"^class (\w+)\(BaseModel\):$", derive, source, flags=re.MULTILINE)
    for model in shaped:
        if model.name not in found:
            raise AssertionError(f"model {model.name} missing from dcg output")
        shapes = ", ".join(
            "{" + ", ".join(f"{k!r}: ({n!r}, {d!r})" for k, (n, d) in s.items()) + "}"
            for s in model.wire_shapes
        )
        lines.append(f"\n\n{model.name}.__wire_shapes__ = ({shapes},)\n")
    return source + "".join(lines), True


def _without_banner(source: str) -> str:
    lines = source.lstrip().splitlines(keepends=True)
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)
    return "".join(lines)


def render_models(api: Api, meanwhile: Callable[[], None] = lambda: None) -> str:
    """Model source for every model of `api` (unformatted, but its imports sorted).

    `meanwhile` is called once, while dcg's workers run when there are any: other work
    of the caller's that needs no models.
    """
    json_models = tuple(m for m in api.models if m.xml_tag is None)
    xml_models = [m for m in api.models if m.xml_tag is not None]
    imports, bodies = [], []
    if json_models:
        head, body = _json_models(api, json_models, meanwhile)
        imports.append(head)
        bodies.append(body)
    else:
        meanwhile()
    if xml_models:
        # An XSD's models after the JSON schemas'.
        imports.append(_xml_imports(xml_models))
        bodies.append(render_xml_models(_in_use_order(xml_models)))
    if api.aliases:
        head, body = _type_aliases(api.aliases)
        imports.append(head)
        bodies.append(body)
    return sort_imports(
        '"""Request, response and callback models."""\n\n'
        + "".join(imports)
        + "\n\n"
        + "".join(bodies)
    )


# The first line of a module that is not part of its leading imports (nor blank, nor the
# continuation of a parenthesised import).
_AFTER_IMPORTS = re.compile(r"^(?!from |import |[ \t)#]|$)", re.MULTILINE)


def _split_imports(source: str) -> tuple[str, str]:
    """dcg's output as its leading imports and the rest (it writes all its imports first)."""
    match = _AFTER_IMPORTS.search(source)
    cut = match.start() if match else len(source)
    return source[:cut], source[cut:]


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
    if any(m.one_of for m in models):
        pydantic.append("model_validator")
    runtime = [
        name
        for name, used in (
            ("XmlAttribute", any(f.xml == "attribute" for f in fields)),
            ("XmlElement", any(f.xml != "attribute" for f in fields)),
        )
        if used
    ] + ["XmlModel"]
    lines = ["\nfrom __future__ import annotations\n"]
    if typing:
        lines.append(f"from typing import {', '.join(typing)}\n")
    lines.append(f"from pydantic import {', '.join(pydantic)}\n")
    # Plain pydantic models; the runtime reads and writes their XML by the markers.
    lines.append(f"\nfrom ._runtime.xml import {', '.join(runtime)}\n")
    return "".join(lines)


def _in_use_order(models: list[Model]) -> list[Model]:
    """Each model after the models its fields name: a name is then resolved when its
    class is made (deferred classes would otherwise resolve it on first use)."""
    by_name = {m.name: m for m in models}
    done: list[Model] = []
    seen: set[str] = set()

    def visit(model: Model) -> None:
        if model.name in seen:
            return
        seen.add(model.name)
        for field in model.fields:
            for name in re.findall(r"\w+", field.annotation):
                if name in by_name and name != model.name:
                    visit(by_name[name])
        done.append(model)

    for model in models:
        visit(model)
    return done


def _dcg(api: Api, models: tuple[Model, ...]) -> tuple[str, str]:
    """dcg's imports and classes for `models`."""
    from datamodel_code_generator import generate

    document = {
        "openapi": "3.1.0",
        "info": {"title": api.title, "version": api.version},
        "paths": {},
        "components": {"schemas": {m.name: _documented(m.schema) for m in models}},
    }
    source = generate(json.dumps(document), aliases=_aliases(models), **_options())
    if not isinstance(source, str):
        raise TypeError("datamodel-code-generator returned several modules for one")
    return _split_imports(_without_banner(source))


def _json_models(
    api: Api, models: tuple[Model, ...], meanwhile: Callable[[], None]
) -> tuple[str, str]:
    """The imports and the classes of the models dcg writes."""
    groups = model_chunks.chunks(models)
    merged = None
    if len(groups) > 1:
        warm_up()  # once, before forking, rather than in every worker
        outputs = model_chunks.map_chunks(partial(_dcg, api), groups, meanwhile)
        merged = model_chunks.merge(outputs, [m.name for m in models])
    else:
        meanwhile()
    imports, body = merged if merged is not None else _dcg(api, models)
    source = imports + body
    _check_names(source, models)
    source = _deferred(_unprotected(_policy(source, models), models))
    imports, body = _split_imports(_relative_runtime(source))
    body, shapes = _wire_shapes(body, models)
    if shapes:
        imports += "from ._runtime.wire import WireShapes\n"
    return imports, body


# Where a schema holds schemas (dcg writes each one's description as a docstring).
_SUBSCHEMA = (
    "items",
    "additionalProperties",
    "contentSchema",
    "not",
    "if",
    "then",
    "else",
)
_SUBSCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs")


def _documented(schema: Any) -> Any:
    """`schema` with every description as docs show spec prose (`render.prose`): dcg
    escapes what would end its docstrings, but keeps trailing blanks, tabs and controls."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    if isinstance(out.get("description"), str):
        out["description"] = prose(out["description"])
    for key in _SUBSCHEMA:
        if key in out:
            out[key] = _documented(out[key])
    for key in _SUBSCHEMA_LISTS:
        if isinstance(out.get(key), list):
            out[key] = [_documented(branch) for branch in out[key]]
    for key in _SUBSCHEMA_MAPS:
        if isinstance(out.get(key), dict):
            out[key] = {name: _documented(sub) for name, sub in out[key].items()}
    return out


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
