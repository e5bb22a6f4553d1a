"""datamodel-code-generator as the oracle of our model writer (issue 27, item 6).

For every component schema of every spec in `specs/` and of the corpus (the normalised
OpenAPI 3.1 document the pipeline sees), the models datamodel-code-generator writes and
ours must accept and refuse the same sample documents: documents drawn from the schema
with hypothesis (boundary values, each union branch, recursion cut at a depth), and
those documents changed where the schema draws a line (a null, a wrong type, a value
just out of range, a required property missing, an undeclared one added;
`tests/support/schema_samples.py`).

Ours are the *sent* form of every schema (strict out): each component built as if only
requests used it. The received twins accept what a vendor sends by design, so they are
not held to the schema.

Every difference is either fixed in the generator or listed, with its reason, in
`dcg_differences.yaml` (and in README.md, "Differences from datamodel-code-generator").
The test fails on a difference not listed, and on a listed one that no longer occurs.

datamodel-code-generator's output is cached in pytest's cache folder by the hash of the
document, its version and its options: it is the slow part when cold (about a minute for
the corpus, on two workers). Warm, make test's share (1,130 schemas, `chosen`) takes
about 30 s on the 2-core machine; `-m slow`, all 3,589 schemas, about 100 s, most of it
vapi's and OpenAI's models.

The drawn documents are the same on every pytest run, but not outside pytest: hypothesis
draws differently in a module pytest has rewritten. The schemas the YAML names are
those a pytest run finds.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import importlib
import json
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, NamedTuple

import pydantic
import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException

from generator.errors import collect
from generator.ir_build import _components, build
from generator.ir_build.context import Context
from generator.ir_build.schemas import Models, build_models
from generator.load import load_openapi
from generator.models import render_models
from generator.spec_files import spec_file
from tests.support.generate import generated_package, importable
from tests.support.schema_samples import REF_PREFIX, Sampler

# Hypothesis warns when a strategy's repr is long; the strategies of the large corpus
# schemas are, by nature, and the repr is never shown unless a draw fails.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
MANIFEST = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
DIFFERENCES = Path(__file__).with_name("dcg_differences.yaml")
RUNTIME = ROOT / "generator" / "runtime"

# Documents drawn per schema (each also the source of its mutations), and schemas drawn
# together in one hypothesis run (a run costs more to start than to draw in).
EXAMPLES = 3
MUTATED = 1
CHUNK = 12

# datamodel-code-generator held to JSON Schema as closely as it goes: strict scalar
# types (a JSON Schema integer is not the text "1"), `null` only where the schema says,
# constraints as pydantic Field arguments. `format: email` stays a string, as ours: its
# EmailStr needs email-validator, which is no dependency here. Its output unformatted:
# nobody reads it, and formatting is two thirds of its time.
DCG_OPTIONS: dict[str, Any] = {
    "type_mappings": ["string+email=string"],
    "formatters": [],
    "strict_types": ["str", "int", "float", "bool"],
    "field_constraints": True,
    "use_annotated": True,
    "strict_nullable": True,
    "use_union_operator": True,
    "use_standard_collections": True,
}


def _specs() -> dict[str, Path]:
    """Every document compared, by name: the corpus's and `specs/`'s."""
    found = {
        entry["folder"]: CORPUS / entry["folder"] / entry["file"]
        for entry in MANIFEST["documents"]
    }
    for folder in sorted((ROOT / "specs").iterdir()):
        if folder.is_dir():
            found[folder.name] = spec_file(folder)
    return dict(sorted(found.items()))


SPECS = _specs()


@cache
def normalised(name: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document the pipeline sees (warnings of a published one muted)."""
    path = SPECS[name]
    with collect(strict=False):
        return load_openapi(path, str(path.relative_to(ROOT)))


def component_names(document: Mapping[str, Any]) -> list[str]:
    return sorted(document.get("components", {}).get("schemas", {}) or {})


# The documents too large to compare whole in make test (some 3,000 of their schemas
# take over a minute): make test compares their `chosen` schemas, `-m slow` all.
LARGE = frozenset({"elevenlabs-api", "openai-api", "vapi-api"})
SHARE = 8


def chosen(document: Mapping[str, Any]) -> list[str]:
    """Make test's share of a large document's schemas: every union and `allOf` (where
    the two writers part most), and one in `SHARE` of the rest, picked by a hash of the
    name: the same schemas on every run and machine, and a schema added to the spec
    moves no other in or out."""
    schemas = document.get("components", {}).get("schemas", {}) or {}
    return [
        name
        for name in component_names(document)
        if _composed(schemas[name])
        or int(hashlib.sha256(name.encode()).hexdigest(), 16) % SHARE == 0
    ]


def _composed(schema: Any) -> bool:
    return isinstance(schema, dict) and any(
        key in schema for key in ("oneOf", "anyOf", "allOf")
    )


# --- the two model writers -------------------------------------------------------------


def dcg_source(document_json: str) -> tuple[str, dict[str, str]]:
    """datamodel-code-generator's module for a document, and the class each component
    schema became (its reference table: class names are made unique, not predictable)."""
    from datamodel_code_generator import PythonVersion
    from datamodel_code_generator.enums import DataModelType, StrictTypes
    from datamodel_code_generator.model import get_data_model_types
    from datamodel_code_generator.parser.openapi import OpenAPIParser

    types = get_data_model_types(
        DataModelType.PydanticV2BaseModel, PythonVersion.PY_311
    )
    options = dict(DCG_OPTIONS)
    options["strict_types"] = [StrictTypes(s) for s in options["strict_types"]]
    parser = OpenAPIParser(
        document_json,
        data_model_type=types.data_model,
        data_model_root_type=types.root_model,
        data_model_field_type=types.field_model,
        data_type_manager_type=types.data_type_manager,
        dump_resolve_reference_action=types.dump_resolve_reference_action,
        target_python_version=PythonVersion.PY_311,
        **options,
    )
    source = parser.parse()
    assert isinstance(source, str)
    names = {
        path.removeprefix(REF_PREFIX): reference.name
        for path, reference in parser.model_resolver.references.items()
        if path.startswith(REF_PREFIX) and "/" not in path.removeprefix(REF_PREFIX)
    }
    return source, names


def _dcg_cached(args: tuple[str, Path]) -> None:
    """Write datamodel-code-generator's module and names into `folder` (in a worker)."""
    document_json, folder = args
    source, names = dcg_source(document_json)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "names.json").write_text(json.dumps(names), encoding="utf-8")
    (folder / "models.py").write_text(source, encoding="utf-8")


def dcg_key(document_json: str) -> str:
    digest = hashlib.sha256(document_json.encode())
    digest.update(version("datamodel-code-generator").encode())
    digest.update(json.dumps(DCG_OPTIONS, sort_keys=True).encode())
    return digest.hexdigest()[:24]


def sent_models_source(
    document: Mapping[str, Any], name: str
) -> tuple[str, dict[str, str]]:
    """Our models module for a document with every component schema in its sent
    (strict) form, and the class or alias each component became; a component the
    generator leaves out (with a warning) has none."""
    with collect(strict=False):
        api = build(document, name, f"specs/{name}/openapi.yaml", "0" * 64)
        ctx = Context(document, name, None)
        models = Models(ctx)
        _components(ctx, models)
        sent = build_models(ctx, models, set(models.schemas), set())
    api = dataclasses.replace(
        api,
        models=tuple(sorted(sent.values(), key=lambda m: m.name)),
    )
    names = dict(models.by_component) | dict(models.alias_names)
    return render_models(api), names


def write_package(folder: Path, source: str, runtime: bool) -> None:
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("", encoding="utf-8")
    (folder / "models.py").write_text(source, encoding="utf-8")
    if runtime:
        shutil.copytree(
            RUNTIME, folder / "_runtime", ignore=shutil.ignore_patterns("__pycache__")
        )


# --- comparing -------------------------------------------------------------------------

Sample = tuple[str, str, str, Any]  # (kind, where, shape, document)
Validator = Callable[[str], bool]


class Difference(NamedTuple):
    spec: str
    schema: str
    kind: str  # sample, null, wrong-type, out-of-range, missing, extra, unbuilt
    ours: str  # "accepts" or "refuses" (what ours does that datamodel-code-generator does not)
    where: str
    shape: str  # the schema at `where` (schema_samples.Sampler.shape)
    document: str

    def line(self) -> str:
        at = f" at {self.where!r}" if self.where else ""
        return (
            f"{self.spec} {self.schema}: {self.kind}{at} ({self.shape}): ours {self.ours} "
            f"{self.document[:160]}"
        )


def validator(target: Any, strict: bool | None = None) -> Validator:
    """Whether a JSON document is accepted by a model class (or any type pydantic takes);
    `strict`: validated strictly whatever the type says (an alias of ours is only ever
    used inside a strict model, whose strictness it takes)."""
    adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(target)

    def accepts(text: str) -> bool:
        try:
            adapter.validate_json(text, strict=strict)
        except pydantic.ValidationError:
            return False
        return True

    return accepts


def compare(
    spec: str,
    schema: str,
    samples: Sequence[Sample],
    ours: Validator,
    theirs: Validator,
) -> list[Difference]:
    """The samples on which the two validators disagree."""
    out = []
    for kind, where, shape, document in samples:
        text = json.dumps(document)
        mine, other = ours(text), theirs(text)
        if mine != other:
            verdict = "accepts" if mine else "refuses"
            out.append(Difference(spec, schema, kind, verdict, where, shape, text))
    return out


def samples_for(
    document: Mapping[str, Any],
    names: Sequence[str],
    usable: Callable[[str, Any], bool] | None = None,
) -> dict[str, list[Sample]]:
    """Drawn documents and their mutations for each named component schema: a fixed
    seed and a bounded number of examples, so that every run compares the same ones.

    Only a drawn document that `usable(schema, document)` (both writers accept it) is
    mutated: a mutation of a document one side already refuses would only echo that
    difference under another kind."""
    sampler = Sampler(document)
    schemas = document.get("components", {}).get("schemas", {})
    drawn: dict[str, list[Any]] = {name: [] for name in names}
    for start in range(0, len(names), CHUNK):
        chunk = names[start : start + CHUNK]
        if not _draw(sampler, schemas, chunk, drawn):
            for name in chunk:  # one schema that cannot be drawn spoils no other
                _draw(sampler, schemas, [name], drawn)
    out: dict[str, list[Sample]] = {}
    for name in names:
        whole = sampler.shape(schemas[name], "")
        samples: list[Sample] = [("sample", "", whole, d) for d in drawn[name]]
        seen = {json.dumps(d, sort_keys=True) for *_, d in samples}
        # The fullest documents are mutated: each of their properties is changed.
        bases = [d for d in drawn[name] if usable is None or usable(name, d)]
        richest = sorted(bases, key=lambda d: -len(json.dumps(d)))
        for base in richest[:MUTATED]:
            for kind, where, changed in sampler.mutations(schemas[name], base):
                key = json.dumps(changed, sort_keys=True)
                if key not in seen:
                    seen.add(key)
                    shape = sampler.shape(schemas[name], where)
                    samples.append((kind, where, shape, changed))
        out[name] = samples
    return out


def _draw(
    sampler: Sampler,
    schemas: Mapping[str, Any],
    chunk: Sequence[str],
    drawn: dict[str, list[Any]],
) -> bool:
    got: list[dict[str, Any]] = []

    @settings(
        derandomize=True,
        database=None,
        max_examples=EXAMPLES,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.fixed_dictionaries({n: sampler.documents(schemas[n]) for n in chunk}))
    def draw(documents: dict[str, Any]) -> None:
        got.append(documents)

    try:
        draw()
    except HypothesisException:
        return False
    for documents in got:
        for name, value in documents.items():
            drawn[name].append(value)
    return True


# --- the listed differences ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Listed:
    spec: str  # a name, or a glob
    schema: str | list[str]  # component schemas' names, or a glob
    kind: str
    ours: str
    reason: str
    shape: str = "*"  # the schema at the changed place (a glob)

    def covers(self, difference: Difference) -> bool:
        return (
            fnmatch.fnmatchcase(difference.spec, self.spec)
            and any(
                fnmatch.fnmatchcase(difference.schema, schema)
                for schema in (
                    [self.schema] if isinstance(self.schema, str) else self.schema
                )
            )
            and difference.kind == self.kind
            and difference.ours == self.ours
            and fnmatch.fnmatchcase(difference.shape, self.shape)
        )


def listed() -> list[Listed]:
    entries = yaml.safe_load(DIFFERENCES.read_text(encoding="utf-8"))["differences"]
    return [Listed(**entry) for entry in entries]


@dataclasses.dataclass
class Outcome:
    schemas: list[str]  # the component schemas compared
    documents: int
    differences: list[Difference]
    seconds: float


class Oracle:
    """Both model writers' modules for every document, built once per session."""

    def __init__(self, tmp: Path, cache_dir: Path) -> None:
        self.tmp = tmp
        self.cache_dir = cache_dir
        self._outcomes: dict[tuple[str, bool], Outcome] = {}
        # Per document: the class each component became, ours and theirs.
        self._written: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
        self._dcg_ready = False

    def _dcg_all(self) -> None:
        if self._dcg_ready:
            return
        todo = []
        for name in compared():
            text = json.dumps(normalised(name))
            folder = self.cache_dir / dcg_key(text)
            if not (folder / "models.py").is_file():
                todo.append((text, folder))
        if todo:
            with ProcessPoolExecutor(max_workers=2) as pool:
                list(pool.map(_dcg_cached, todo))
        self._dcg_ready = True

    def outcome(self, name: str, full: bool = True) -> Outcome:
        """The comparison of a document's schemas: all of them, or (not `full`) the
        make-test share of a large document (`chosen`)."""
        full = full or name not in LARGE
        if (name, full) not in self._outcomes:
            self._dcg_all()
            self._outcomes[name, full] = self._compare(name, full)
        return self._outcomes[name, full]

    def _compare(self, name: str, full: bool) -> Outcome:
        start = time.perf_counter()
        document = normalised(name)
        # A large document's chosen schemas first, in the same chunks as make test
        # draws them: they get the same documents in either run.
        components = chosen(document) if name in LARGE else []
        if full:
            components += [n for n in component_names(document) if n not in components]
        package = "oracle_" + name.replace("-", "_")
        if name not in self._written:
            cached = self.cache_dir / dcg_key(json.dumps(document))
            write_package(
                self.tmp / "dcg" / package,
                (cached / "models.py").read_text(encoding="utf-8"),
                runtime=False,
            )
            source, ours_names = sent_models_source(document, name)
            write_package(self.tmp / "ours" / package, source, runtime=True)
            theirs_names = json.loads((cached / "names.json").read_text("utf-8"))
            self._written[name] = (ours_names, theirs_names)
        ours_names, theirs_names = self._written[name]
        differences: list[Difference] = []
        count = 0
        with importable(self.tmp / "dcg"):
            theirs_module = importlib.import_module(f"{package}.models")
        with importable(self.tmp / "ours"):
            ours_module = importlib.import_module(f"{package}.models")
            pairs = {
                component: (
                    _validator_of(ours_module, ours_names.get(component), True),
                    _validator_of(theirs_module, theirs_names.get(component)),
                )
                for component in components
            }

            def both_accept(component: str, drawn: Any) -> bool:
                ours, theirs = pairs[component]
                text = json.dumps(drawn)
                return all(not isinstance(v, str) and v(text) for v in (ours, theirs))

            samples = samples_for(document, components, both_accept)
            for component in components:
                ours, theirs = pairs[component]
                if isinstance(ours, str) or isinstance(theirs, str):
                    if ours != theirs:
                        differences.append(
                            Difference(
                                name,
                                component,
                                "unbuilt",
                                "refuses" if isinstance(ours, str) else "accepts",
                                "",
                                "",
                                ours if isinstance(ours, str) else str(theirs),
                            )
                        )
                    continue
                count += len(samples[component])
                differences += compare(
                    name, component, samples[component], ours, theirs
                )
        return Outcome(components, count, differences, time.perf_counter() - start)


def _validator_of(
    module: Any, name: str | None, strict_aliases: bool = False
) -> Validator | str:
    """A validator for a module's class or alias, or why there is none."""
    if name is None or not hasattr(module, name):
        return "not generated"
    target = getattr(module, name)
    try:
        # `bool` or `str` named by an alias is a class too, but no model: strict.
        model = isinstance(target, type) and issubclass(target, pydantic.BaseModel)
        if strict_aliases and not model:
            return validator(target, strict=True)
        return validator(target)
    except (
        pydantic.PydanticUserError,
        pydantic.PydanticSchemaGenerationError,
        NameError,
    ) as error:
        return f"does not build: {type(error).__name__}"


@pytest.fixture(scope="session")
def oracle(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Oracle]:
    cache_dir = (
        request.config.cache.mkdir("dcg-oracle")
        if request.config.cache
        else (tmp_path_factory.mktemp("dcg-cache"))
    )
    yield Oracle(tmp_path_factory.mktemp("oracle"), cache_dir)


def compared() -> list[str]:
    """The documents with JSON component schemas (an XSD's models are not JSON's)."""
    return [name for name in SPECS if component_names(normalised(name))]


# Parametrized by every document, so that collecting this file loads none.
@pytest.mark.parametrize("name", list(SPECS))
def test_our_models_accept_and_refuse_as_datamodel_code_generators(
    oracle: Oracle, name: str
) -> None:
    _check(oracle, name, full=False)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(LARGE))
def test_every_schema_of_the_large_documents_too(oracle: Oracle, name: str) -> None:
    _check(oracle, name, full=True)


def _check(oracle: Oracle, name: str, full: bool) -> None:
    if not component_names(normalised(name)):
        pytest.skip("no JSON component schemas (its models are an XSD's)")
    outcome = oracle.outcome(name, full)
    entries = listed()
    unlisted = [d for d in outcome.differences if not any(e.covers(d) for e in entries)]
    assert outcome.documents >= len(outcome.schemas)  # every schema yields documents
    assert not unlisted, "\n".join(
        [f"{len(unlisted)} differences not in {DIFFERENCES.name}:"]
        + [d.line() for d in _one_per_class(unlisted)]
    )


@pytest.mark.parametrize(
    "full", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["share", "all"]
)
def test_no_listed_difference_is_stale(oracle: Oracle, full: bool) -> None:
    """A listed difference no compared schema shows any more is stale. Make test
    compares a share of the large documents: a row of theirs alone is checked by
    `-m slow`, which compares all."""
    outcomes = {name: oracle.outcome(name, full) for name in compared()}
    found = [d for outcome in outcomes.values() for d in outcome.differences]
    stale = [
        e
        for e in listed()
        if (
            full or any(fnmatch.fnmatchcase(n, e.spec) for n in SPECS if n not in LARGE)
        )
        and not any(e.covers(d) for d in found)
    ]
    assert not stale, f"listed but no longer found: {stale}"


def _one_per_class(differences: list[Difference]) -> list[Difference]:
    seen: dict[tuple[str, str, str, str], Difference] = {}
    for d in differences:
        seen.setdefault((d.spec, d.schema, d.kind, d.ours), d)
    return list(seen.values())


# --- the comparator catches a wrong model ----------------------------------------------


def test_the_comparator_catches_a_model_that_refuses_less_than_its_schema() -> None:
    document = {
        "openapi": "3.1.0",
        "components": {
            "schemas": {
                "Voice": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "minLength": 2, "maxLength": 4},
                        "rate": {"type": "integer", "minimum": 8000},
                    },
                }
            }
        },
    }

    class Right(pydantic.BaseModel):
        model_config = pydantic.ConfigDict(extra="forbid", strict=True)
        name: str = pydantic.Field(min_length=2, max_length=4)
        rate: int | None = pydantic.Field(None, ge=8000)

    class Wrong(pydantic.BaseModel):  # forgot maxLength
        model_config = pydantic.ConfigDict(extra="forbid", strict=True)
        name: str = pydantic.Field(min_length=2)
        rate: int | None = pydantic.Field(None, ge=8000)

    samples = samples_for(document, ["Voice"])["Voice"]
    assert {kind for kind, *_ in samples} >= {
        "sample",
        "out-of-range",
        "missing",
        "extra",
    }
    assert compare("t", "Voice", samples, validator(Right), validator(Right)) == []
    caught = compare("t", "Voice", samples, validator(Wrong), validator(Right))
    assert caught and {(d.kind, d.ours, d.where) for d in caught} == {
        ("out-of-range", "accepts", "name")
    }
    assert json.loads(caught[0].document)["name"] == "aaaaa"


def test_a_listed_difference_covers_only_its_own_class() -> None:
    entry = Listed("open*", "*Request", "extra", "refuses", "why")
    hit = Difference(
        "openai-api", "CreateSpeechRequest", "extra", "refuses", "", "undeclared", "{}"
    )
    assert entry.covers(hit)
    assert not entry.covers(hit._replace(ours="accepts"))
    assert not entry.covers(hit._replace(kind="null"))
    assert not entry.covers(hit._replace(schema="CreateSpeechResponse"))


def test_samples_reach_every_union_branch_and_boundary() -> None:
    document = {
        "components": {
            "schemas": {
                "Node": {
                    "type": "object",
                    "required": ["value"],
                    "properties": {
                        "value": {
                            "oneOf": [
                                {"type": "integer", "minimum": 1, "maximum": 3},
                                {"type": "string", "enum": ["a", "b"]},
                            ]
                        },
                        "next": {"$ref": "#/components/schemas/Node"},
                    },
                }
            }
        }
    }
    sampler = Sampler(document)
    values: list[Any] = []

    @settings(derandomize=True, database=None, max_examples=60, deadline=None)
    @given(sampler.documents(document["components"]["schemas"]["Node"]))
    def draw(node: dict[str, Any]) -> None:
        while node:  # the recursion ends
            values.append(node["value"])
            node = node.get("next") or {}

    draw()
    assert {1, 3} <= set(values) and {"a", "b"} <= set(values)


# --- what the oracle found, fixed --------------------------------------------------------

COMPOSED = """
openapi: 3.1.0
info: {title: Composed example, version: 1.0.0}
servers: [{url: 'https://composed.example.test'}]
paths:
  /holders:
    post:
      operationId: MakeHolder
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Holder'}
      responses:
        '204': {description: Made.}
components:
  schemas:
    Base:
      type: object
      properties:
        a: {type: integer}
    Narrowed:
      type: object
      additionalProperties: false
      allOf: [{$ref: '#/components/schemas/Base'}]
    Params:
      type: object
      allOf:
        - type: object
          required: [p]
          properties:
            p: {type: string}
    Shell:
      type: object
      required: [call_id, output]
      properties:
        output: {type: string}
    Holder:
      type: object
      required: [details]
      properties:
        shell: {$ref: '#/components/schemas/Shell'}
        labels:
          type: object
          minProperties: 1
          additionalProperties: {type: string}
        narrowed: {$ref: '#/components/schemas/Narrowed'}
        params: {$ref: '#/components/schemas/Params'}
        details:
          type: [object, 'null']
          properties:
            reason: {type: string}
"""


@pytest.fixture(scope="module")
def composed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    for _ in generated_package(tmp_path_factory, "composed-example", COMPOSED):
        yield importlib.import_module("tts_composed_example.models")


def test_an_object_typed_by_its_allof_of_one_is_that_model_not_a_dict(
    composed: Any,
) -> None:
    # `type: object` beside `allOf: [$ref]` (AssemblyAI's LemurActionItemsResponse)
    # was `dict[str, Any]`, which took anything.
    holder = composed.Holder.model_validate({"narrowed": {"a": 1}, "details": None})
    assert isinstance(holder.narrowed, composed.Base)
    with pytest.raises(pydantic.ValidationError):
        composed.Holder.model_validate({"narrowed": {"a": "x"}, "details": None})


def test_an_allof_of_one_inline_object_is_a_model(composed: Any) -> None:
    # AssemblyAI's LemurTaskParams: was `dict[str, Any]`, its required `p` unchecked.
    assert composed.Params.model_validate({"p": "x"}).p == "x"
    with pytest.raises(pydantic.ValidationError):
        composed.Holder.model_validate({"params": {}, "details": None})


def test_a_nullable_inline_object_takes_null(composed: Any) -> None:
    # OpenAI's RunObject.incomplete_details (`type: object, nullable: true`, required):
    # hoisted into a model, it lost its null.
    assert composed.Holder.model_validate({"details": None}).details is None
    holder = composed.Holder.model_validate({"details": {"reason": "r"}})
    assert holder.details.reason == "r"
    with pytest.raises(pydantic.ValidationError):
        composed.Holder.model_validate({})


def test_a_required_property_left_undeclared_is_a_field_of_any_value(
    composed: Any,
) -> None:
    # OpenAI's LocalShellToolCallOutput requires `call_id` without declaring it: the
    # strict model refused it as undeclared, so the item could never be sent.
    shell = composed.Shell.model_validate({"call_id": {"any": 1}, "output": ""})
    assert shell.call_id == {"any": 1}
    with pytest.raises(pydantic.ValidationError):
        composed.Shell.model_validate({"output": ""})


def test_a_map_keeps_its_key_counts(composed: Any) -> None:
    # ElevenLabs' QueryParamsJsonSchema.properties (`minProperties: 1`) took `{}`.
    holder = composed.Holder.model_validate({"labels": {"a": "b"}, "details": None})
    assert holder.labels == {"a": "b"}
    with pytest.raises(pydantic.ValidationError):
        composed.Holder.model_validate({"labels": {}, "details": None})
