"""The generator against hostile specs (issue 18).

Each spec below is written to break generated code: names that are keywords, builtins,
pydantic's or the client's own, that start with a digit, hold non-ASCII or punctuation, or
collide once spelt in Python; prose holding triple quotes, backslashes, Jinja delimiters,
Python code and very long lines; enum values that are no identifiers; recursive and deeply
nested schemas; missing and colliding operationIds. Every one must give a package that
imports, passes `mypy --strict` and its own ruff configuration, and still sends the wire
names, or be refused with one `file: pointer: message` naming the place. Spec text is never
code: outside string literals, no token of a generated file comes from spec prose.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import importlib
import inspect
import io
import json
import subprocess
import sys
import tempfile
import tokenize
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from mypy import api as mypy

from generator import naming, pipeline
from generator.errors import SpecError
from tests.support.generate import generated_package

# Spec prose that would end a docstring or a string, escape, render as a template or run.
# Every line of it says PWNED: no token outside a string literal may.
EVIL = (
    'PWNED """ and \'\'\' and "; backslashes \\ \\n \\d \\x \\N{BULLET} \\u00e9 \\\n'
    "PWNED {{ 7 * 7 }} {% if true %}jinja{% endif %} {# comment #} {{ config }}\n"
    'PWNED __import__("os").system("echo PWNED")\n'
    '"""; import os; os.system("echo PWNED"); """\n'
    "PWNED\ttabbed,   trailing blanks   \n"
    "PWNED a NUL \x00, a bell \x07, a CR \r, a line separator \u2028 and a bidi \u202e.\n"
    "PWNED full-width punctuation \uff08\u62ec\u53f7\uff09\uff0c\u9017\u53f7, an en dash \u2013\n"
    "PWNED " + "very long line " * 300 + "\n"
    'PWNED ends with a quote"'
)
E = json.dumps(EVIL)  # as a YAML (flow) scalar
TQ = '"' * 3

AUTH = """
  securitySchemes:
    apiKey:
      type: apiKey
      in: header
      name: X-Api-Key
      x-sdkgen-credentials:
        api_key: {env: HOSTILE_API_KEY, secret: true}
"""


def _spec(
    title: str, paths: str, components: str = "", info: str = "", top: str = ""
) -> str:
    return f"""
openapi: 3.1.0
info: {{title: {title}, version: 1.0.0{info}}}
servers:
  - url: https://hostile.example.test
security:
  - apiKey: []
x-sdkgen-errors: {{code: /code, message: /message}}
{top}
paths:
{paths}
components:
{components}
{AUTH}
"""


NAMES = _spec(
    "Names API",
    """
  /things/{class}:
    post:
      operationId: CreateThing
      parameters:
        - {name: class, in: path, required: true, schema: {type: string}}
        - {name: from, in: query, schema: {type: string}}
        - {name: list, in: query, schema: {type: integer}}
        - {name: 2fa, in: query, schema: {type: string}}
        - {name: naïve-ünïcode, in: query, schema: {type: string}}
        - {name: 名前, in: query, schema: {type: string}}
        - {name: "it's", in: query, schema: {type: string}}
        - {name: self, in: query, schema: {type: string}}
        - {name: print, in: query, schema: {type: string}}
        - {name: model_config, in: query, schema: {type: string}}
        - {name: 'None', in: query, schema: {type: string}}
        - {name: 'True', in: query, schema: {type: string}}
        - {name: _, in: query, schema: {type: string}}
        - {name: timeout, in: query, schema: {type: string}}
        - {name: json_body, in: query, schema: {type: string}}
        - {name: X-Weird_Header, in: header, schema: {type: string}}
        - {name: If-Match, in: header, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [import, 1st]
              properties:
                import: {type: string}
                1st: {type: integer}
                lambda: {type: boolean}
                dict: {type: string}
                type: {type: string}
                Any: {type: string}
                Literal: {type: string}
                Field: {type: string}
                BaseModel: {type: string}
                "@odata.type": {type: string}
                $ref: {type: string}
                a.b: {type: string}
                日本語: {type: string}
                café: {type: string}
                match: {type: string}
                async: {type: string}
                __class__: {type: string}
                _sent: {type: string}
                model_dump: {type: string}
                model_validate: {type: string}
                copy: {type: string}
                json: {type: string}
                object: {type: string}
                date: {type: string, format: date}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  return: {type: string}
                  def: {type: object, properties: {for: {type: string}, while: {type: integer}}}
                  "0": {type: string}
  /close:
    get:
      operationId: close
      responses: {'200': {$ref: '#/components/responses/Done'}}
  /base-url:
    get:
      operationId: baseUrl
      responses: {'200': {$ref: '#/components/responses/Done'}}
  /wait:
    get:
      operationId: WaitForJob
      responses: {'200': {$ref: '#/components/responses/Done'}}
  /others:
    get:
      operationId: __init__
      responses: {'200': {$ref: '#/components/responses/Done'}}
""",
    """
  responses:
    Done:
      description: ok
      content:
        application/json:
          schema: {type: object, properties: {ok: {type: boolean}}}
""",
)

TEXTS = _spec(
    "Texts API",
    f"""
  /jobs:
    post:
      operationId: CreateJob
      summary: {E}
      description: {E}
      parameters:
        - name: q
          in: query
          description: {E}
          example: {E}
          schema: {{type: string, default: {E}, enum: [{E}, '{TQ}', '\\\\', x]}}
      requestBody:
        required: true
        content:
          application/json:
            example: {{text: {E}, kind: '{TQ}', nested: {{inner: {E}}}}}
            schema:
              type: object
              description: {E}
              required: [text]
              properties:
                text: {{type: string, description: {E}, default: {E}, example: {E}}}
                pattern: {{type: string, description: {E}, pattern: '^[a-z"]+\\\\d{TQ}$'}}
                kind: {{$ref: '#/components/schemas/Kind'}}
                nested: {{$ref: '#/components/schemas/Nested'}}
                alias: {{$ref: '#/components/schemas/Pattern'}}
      responses:
        '200':
          description: {E}
          content:
            application/json:
              schema:
                type: object
                description: {E}
                required: [id]
                properties:
                  id: {{type: string, description: {E}}}
      callbacks:
        done:
          '{{$request.body#/url}}':
            post:
              summary: {E}
              requestBody:
                content:
                  application/json:
                    schema: {{$ref: '#/components/schemas/Nested'}}
              responses: {{'200': {{description: ok}}}}
  /jobs/{{id}}:
    get:
      operationId: GetJob
      summary: {E}
      parameters:
        - {{name: id, in: path, required: true, description: {E}, schema: {{type: string}}}}
      responses:
        '200':
          description: {E}
          content:
            application/json:
              schema: {{type: object, properties: {{state: {{type: string}}}}}}
""",
    f"""
  schemas:
    Kind:
      type: string
      description: {E}
      enum: ['{TQ}', "'''", '\\\\', '{{{{x}}}}', 'PWNED()', '']
    Pattern:
      type: string
      description: {E}
      pattern: '^[a-z"]+\\\\d$'
    Nested:
      type: object
      description: {E}
      properties:
        inner: {{type: string, description: {E}, title: {E}}}
        other: {{type: integer, description: {E}}}
""",
    info=f", summary: {E}, description: {E}",
    top="""
x-sdkgen-job:
  submit: CreateJob
  query: GetJob
  job-id: /id
  query-parameter: id
  state: /state
  running: [running]
  succeeded: [done]
  failed: [failed]
""",
)

ENUMS = _spec(
    "Enums API",
    """
  /things:
    post:
      operationId: CreateThing
      parameters:
        - {name: flag, in: query, schema: {type: boolean, enum: [true]}}
        - {name: level, in: query, schema: {type: integer, enum: [1, 2, -3]}}
        - {name: mode, in: header, schema: {type: string, enum: [a-b, a_b, A B, '', 1x, class]}}
        - {name: mixed, in: query, schema: {$ref: '#/components/schemas/Mixed'}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [bools]
              properties:
                bools: {type: boolean, enum: [true, false]}
                nums: {type: number, enum: [2, 3]}
                nullable: {type: [string, 'null'], enum: [x, null]}
                mixed: {$ref: '#/components/schemas/Mixed'}
                dupes: {type: string, enum: [Foo, foo, FOO, f-o-o, f_o_o, f o o, 'None']}
                twice: {type: string, enum: [a, a, b]}
                odd: {type: array, items: {type: string, enum: ['x"y', "x'y", 'x\\y', é, 😀, 'a\u202eb', "tab\\there"]}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  state: {type: string, enum: [a-b, a_b]}
                  level: {type: integer, enum: [1, 2]}
                  mixed: {$ref: '#/components/schemas/Mixed'}
""",
    """
  schemas:
    Mixed: {enum: [1, one, true, null]}
    OnlyNull: {enum: [null]}
    Emoji: {type: string, enum: [😀, é, 'a\u202eb']}
""",
)


def _deep(levels: int) -> str:
    if levels == 0:
        return "{type: string}"
    return f"{{type: object, properties: {{level{levels}: {_deep(levels - 1)}}}}}"


def _arrays(levels: int) -> str:
    return "{type: array, items: " * levels + "{type: integer}" + "}" * levels


DEPTH = 30
RECURSIVE = _spec(
    "Recursive API",
    f"""
  /trees:
    post:
      operationId: CreateTree
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [root]
              properties:
                root: {{$ref: '#/components/schemas/Node'}}
                deep: {_deep(DEPTH)}
                grid: {_arrays(DEPTH)}
                a: {{$ref: '#/components/schemas/A'}}
                forest: {{type: object, additionalProperties: {{$ref: '#/components/schemas/Node'}}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Node'}}
""",
    """
  schemas:
    Node:
      type: object
      properties:
        name: {type: string}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
        parent: {$ref: '#/components/schemas/Node'}
        either: {anyOf: [{$ref: '#/components/schemas/Node'}, {type: string}]}
    A:
      type: object
      properties:
        b: {$ref: '#/components/schemas/B'}
    B:
      type: object
      properties:
        a: {$ref: '#/components/schemas/A'}
        inline: {type: object, properties: {back: {$ref: '#/components/schemas/A'}}}
""",
)

SPECS = {
    "hostile-names": NAMES,
    "hostile-texts": TEXTS,
    "hostile-enums": ENUMS,
    "hostile-recursive": RECURSIVE,
}


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    with contextlib.ExitStack() as stack:
        yield {
            key: stack.enter_context(
                contextlib.contextmanager(generated_package)(
                    tmp_path_factory, key, spec
                )
            )
            for key, spec in SPECS.items()
        }


def _module(key: str) -> Any:
    return importlib.import_module(naming.package_name(key))


def _sent(module: Any, call: Callable[[Any], Any], reply: Any) -> httpx.Request:
    """The one request `call(client)` sends, answered with `reply` as JSON."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=reply)

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        call(module.Client(api_key="k", http_client=http))
    (request,) = sent
    return request


# --- every package: imports, type-checks, lints, holds no spec text as code ------------------


def test_every_package_imports(packages: dict[str, Path]) -> None:
    for key in packages:
        module = _module(key)
        assert module.Client and module.AsyncClient


def test_every_package_type_checks_strictly(packages: dict[str, Path]) -> None:
    out, err, status = mypy.run(
        ["--strict", "--python-version", "3.10", "--config-file", ""]
        + ["--no-incremental", *map(str, packages.values())]
    )
    assert status == 0, out + err


def _ruff(*folders: Path) -> subprocess.CompletedProcess[str]:
    """ruff as each package's users run it: with the package's own pyproject.toml."""
    return subprocess.run(
        [Path(sys.executable).with_name("ruff"), "check", "--no-cache", *folders],
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_package_lints_clean(packages: dict[str, Path]) -> None:
    for package in packages.values():
        assert "[tool.ruff.lint]" in (package / "pyproject.toml").read_text()
    ruff = _ruff(*packages.values())
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr


def test_every_package_lints_clean_but_for_confusable_characters(
    packages: dict[str, Path],
) -> None:
    ruff = subprocess.run(
        [str(Path(sys.executable).with_name("ruff")), "check", "--no-cache"]
        + ["--extend-ignore", "RUF001,RUF002,RUF003", *map(str, packages.values())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr


def _code_tokens(source: str) -> Iterator[tokenize.TokenInfo]:
    """Every token of `source` that is code: not a string, a comment or layout."""
    skipped = {tokenize.STRING, tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE}
    skipped |= {tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in skipped:
            yield token


def test_no_spec_text_is_code(packages: dict[str, Path]) -> None:
    for package in packages.values():
        tomllib.loads((package / "pyproject.toml").read_text(encoding="utf-8"))
        for path in sorted(package.rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            compile(source, str(path), "exec")
            for token in _code_tokens(source):
                assert "PWNED" not in token.string, f"{path}:{token.start}"


def test_the_readmes_usage_is_python_holding_spec_text_as_strings(
    packages: dict[str, Path],
) -> None:
    # The examples of hostile-texts (its submit's body and query parameter) are EVIL.
    readme = (packages["hostile-texts"] / "README.md").read_text(encoding="utf-8")
    usage = readme.split("\n## Use\n", 1)[1].split("\n## Credentials\n", 1)[0]
    blocks = usage.split("```python\n")[1:]
    assert "job = client.create_job(\n    text=" in blocks[0]
    for block in blocks:
        source = block.split("\n```", 1)[0]
        compile(source, "README.md", "exec")
        for token in _code_tokens(source):
            assert "PWNED" not in token.string, token


def test_prose_is_kept_in_docstrings(packages: dict[str, Path]) -> None:
    module = _module("hostile-texts")
    doc = module.CreateJobRequest.__doc__
    assert doc is not None
    for line in (
        'PWNED """ and \'\'\' and "; backslashes \\ \\n \\d',
        "PWNED {{ 7 * 7 }} {% if true %}jinja{% endif %} {# comment #} {{ config }}",
        'PWNED __import__("os").system("echo PWNED")',
        'ends with a quote"',
    ):
        assert line in doc
    method = module.Client.create_job.__doc__
    assert 'PWNED """ and' in method and 'ends with a quote"' in method
    assert "\x00" not in method and "\u202e" not in method and "\r" not in method


def test_hostile_values_are_sent_as_written(packages: dict[str, Path]) -> None:
    module = _module("hostile-texts")
    request = _sent(
        module,
        lambda client: client.create_job(
            text=EVIL,
            kind='"""',
            nested=module.Nested(inner=EVIL),
            q=EVIL,
            alias='ab"c\\d',
        ),
        {"id": "j"},
    )
    assert request.url.params["q"] == EVIL
    assert json.loads(request.content) == {
        "text": EVIL,
        "kind": '"""',
        "nested": {"inner": EVIL},
        "alias": 'ab"c\\d',
    }
    with pytest.raises(ValueError, match="pattern"):
        module.CreateJobRequest(text="t", pattern="no digit")


# --- names ----------------------------------------------------------------------------------


def test_names_are_python_names_and_wire_names_stay(packages: dict[str, Path]) -> None:
    module = _module("hostile-names")
    request = _sent(
        module,
        lambda client: client.create_thing(
            "the-class",
            import_="i",
            n1_st=1,
            lambda_=True,
            dict_="d",
            type="t",
            any="A",
            literal="L",
            field="F",
            base_model="B",
            odata_type="o",
            ref="r",
            a_b="ab",
            u65e5_u672c_u8a9e="ja",
            cafe="c",
            match="m",
            async_="as",
            class_="cls",
            sent="s",
            model_dump_="md",
            model_validate_="mv",
            copy_="cp",
            json_="j",
            object="ob",
            date_=datetime.date(2024, 5, 1),
            from_="f",
            list_=3,
            n2_fa="2",
            naive_unicode="n",
            u540d_u524d="名",
            it_s="'",
            self_="me",
            print="p",
            model_config_="mc",
            none="no",
            true="yes",
            value="_",
            timeout="to",
            json_body_="jb",
            x_weird_header="w",
            if_match="etag",
        ),
        {"return": "r", "def": {"for": "f", "while": 2}, "0": "zero"},
    )
    assert request.url.path == "/things/the-class"
    assert dict(request.url.params) == {
        "from": "f",
        "list": "3",
        "2fa": "2",
        "naïve-ünïcode": "n",
        "名前": "名",
        "it's": "'",
        "self": "me",
        "print": "p",
        "model_config": "mc",
        "None": "no",
        "True": "yes",
        "_": "_",
        "timeout": "to",
        "json_body": "jb",
    }
    assert (request.headers["X-Weird_Header"], request.headers["If-Match"]) == (
        "w",
        "etag",
    )
    assert json.loads(request.content) == {
        "import": "i",
        "1st": 1,
        "lambda": True,
        "dict": "d",
        "type": "t",
        "Any": "A",
        "Literal": "L",
        "Field": "F",
        "BaseModel": "B",
        "@odata.type": "o",
        "$ref": "r",
        "a.b": "ab",
        "日本語": "ja",
        "café": "c",
        "match": "m",
        "async": "as",
        "__class__": "cls",
        "_sent": "s",
        "model_dump": "md",
        "model_validate": "mv",
        "copy": "cp",
        "json": "j",
        "object": "ob",
        "date": "2024-05-01",
    }


def test_received_names_are_read_by_wire_name(packages: dict[str, Path]) -> None:
    module = _module("hostile-names")
    body = {"return": "r", "def": {"for": "f", "while": 2}, "0": "zero"}
    result = module.CreateThingResponse.model_validate(body)
    assert (result.return_, result.def_.for_, result.def_.while_, result.n0) == (
        "r",
        "f",
        2,
        "zero",
    )
    assert result.model_dump(by_alias=True, exclude_unset=True) == body


def test_no_method_replaces_the_clients_own(packages: dict[str, Path]) -> None:
    module = _module("hostile-names")
    for own in ("close", "base_url", "wait_for_job"):
        assert hasattr(module.Client, own + "_")
    assert isinstance(module.Client.base_url, property)
    client = module.Client(api_key="k", base_url="https://x.example.test")
    assert client.base_url == "https://x.example.test"
    client.close()
    request = _sent(module, lambda client: client.close_(), {"ok": True})
    assert request.url.path == "/close"


def test_a_field_in_pydantics_namespace_imports_without_warning(
    packages: dict[str, Path],
) -> None:
    code = f"import warnings; warnings.simplefilter('error'); import {naming.package_name('hostile-names')}"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=packages["hostile-names"].parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("naïve-ünïcode", "naive_unicode"),
        ("Straße", "strasse"),
        ("\uff21\uff22\uff23", "abc"),  # full-width
        ("名前", "u540d_u524d"),
        ("名前_id", "u540d_u524d_id"),
        ("日本語", "u65e5_u672c_u8a9e"),
        ("😀", "value"),
        ("a.b", "a_b"),
        ("@odata.type", "odata_type"),
        ("$ref", "ref"),
        ("_sent", "sent"),
        ("__class__", "class_"),
    ],
)
def test_non_ascii_and_punctuation_become_ascii_names(wire: str, expected: str) -> None:
    assert naming.field_name(wire) == expected
    assert naming.field_name(wire).isascii()


def test_class_names_of_non_ascii_schemas() -> None:
    assert naming.class_name("音声") == "U97f3U58f0"
    assert naming.class_name("Café-Menü") == "CafeMenu"


# --- enums ----------------------------------------------------------------------------------


def test_enum_values_are_checked_and_sent_as_written(packages: dict[str, Path]) -> None:
    module = _module("hostile-enums")
    # An enum that lists null is already optional: its argument says `| None` once.
    signature = inspect.signature(module.Client.create_thing)
    assert signature.parameters["nullable"].annotation == "Literal['x'] | None"
    odd = ['x"y', "x'y", "x\\y", "é", "😀", "a\u202eb", "tab\there"]
    request = _sent(
        module,
        lambda client: client.create_thing(
            bools=False,
            nums=3,
            nullable=None,
            mixed=True,
            dupes="f o o",
            twice="a",
            odd=odd,
            flag=True,
            level=-3,
            mode="A B",
        ),
        {"state": "a_b", "level": 2, "mixed": None},
    )
    assert json.loads(request.content) == {
        "bools": False,
        "nums": 3,
        "mixed": True,
        "dupes": "f o o",
        "twice": "a",
        "odd": odd,
    }
    assert dict(request.url.params) == {"flag": "true", "level": "-3"}
    assert request.headers["mode"] == "A B"
    with pytest.raises(ValueError, match="dupes"):
        module.CreateThingRequest(bools=True, dupes="f-o-o ")
    with pytest.raises(ValueError, match="bools"):
        module.CreateThingRequest(bools="true")


def test_received_enums_stay_open(packages: dict[str, Path]) -> None:
    module = _module("hostile-enums")
    result = module.CreateThingResponse.model_validate(
        {"state": "a.b", "level": 7, "mixed": "two"}
    )
    assert (result.state, result.level, result.mixed) == ("a.b", 7, "two")


@pytest.mark.parametrize("value", [1.5, 2.0, [1], {"a": 1}])
def test_an_enum_value_no_literal_holds_is_refused(value: Any) -> None:
    spec = yaml.safe_load(ENUMS)
    body = spec["paths"]["/things"]["post"]["requestBody"]["content"]
    body["application/json"]["schema"]["properties"]["nums"]["enum"] = [2, value]
    error = _refused(spec)
    assert error.pointer == (
        "/paths/~1things/post/requestBody/content/application~1json/schema"
        "/properties/nums/enum/1"
    )
    assert "cannot be an enum value" in error.message


def test_an_enum_in_a_parameter_is_checked_too() -> None:
    spec = yaml.safe_load(ENUMS)
    spec["paths"]["/things"]["post"]["parameters"][1]["schema"] = {
        "type": "array",
        "items": {"type": "number", "enum": [0.5]},
    }
    error = _refused(spec)
    assert error.pointer == "/paths/~1things/post/parameters/1/schema/items/enum/0"


# --- recursive and nested schemas -----------------------------------------------------------


def test_recursive_models_round_trip(packages: dict[str, Path]) -> None:
    module = _module("hostile-recursive")
    tree = {
        "name": "root",
        "children": [{"name": "a", "children": [{"name": "b", "either": "text"}]}],
        "parent": {"name": "up", "either": {"name": "node"}},
    }
    node = module.Node.model_validate(tree)
    assert node.children[0].children[0].either == "text"
    assert node.model_dump(by_alias=True, exclude_unset=True) == tree
    a = module.A.model_validate({"b": {"a": {"b": {}}, "inline": {"back": {"b": {}}}}})
    assert a.b.inline.back.b is not None


def test_deeply_nested_schemas_round_trip(packages: dict[str, Path]) -> None:
    module = _module("hostile-recursive")
    deep: Any = "leaf"
    for level in range(1, DEPTH + 1):
        deep = {f"level{level}": deep}
    grid: Any = 7
    for _ in range(DEPTH):
        grid = [grid]
    body = {"root": {"name": "r"}, "deep": deep, "grid": grid, "forest": {}}
    request = _sent(
        module,
        lambda client: client.create_tree(
            root=module.Node(name="r"), deep=deep, grid=grid, forest={}
        ),
        {"name": "back"},
    )
    assert json.loads(request.content) == body


def test_schemas_nested_too_deeply_are_refused() -> None:
    spec = yaml.safe_load(RECURSIVE.replace(_arrays(DEPTH), _arrays(200)))
    error = _refused(spec)
    assert error.pointer.startswith(
        "/paths/~1trees/post/requestBody/content/application~1json/schema/properties"
        "/grid/items/items/"
    )
    assert "nest too deeply" in error.message


# --- refused, with the place ----------------------------------------------------------------


def _refused(spec: dict[str, Any], *, strict: bool = True) -> SpecError:
    """The SpecError generating `spec` raises (it must raise one). Strict by default, as
    this repository's specs are generated: without it, an operation the generator
    cannot express is left out with a warning instead (tests/generator/
    test_published_specs.py)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "specs" / "refused").mkdir(parents=True)
        (root / "specs" / "refused" / "openapi.yaml").write_text(
            json.dumps(spec, ensure_ascii=False), encoding="utf-8"
        )
        with pytest.raises(SpecError) as caught:
            pipeline.generate("refused", root / "specs", root / "out", strict=strict)
        assert not (root / "out").exists()
    return caught.value


def _operation(spec: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = spec["paths"]["/things/{class}"]["post"]
    return operation


def _names() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(NAMES)
    return copy.deepcopy(spec)


def test_a_missing_operation_id_is_named_from_method_and_path(
    tmp_path: Path,
) -> None:
    # Refused before issue 26; now the name comes from the method and path.
    spec = _names()
    del _operation(spec)["operationId"]
    (tmp_path / "specs" / "named").mkdir(parents=True)
    (tmp_path / "specs" / "named" / "openapi.yaml").write_text(
        json.dumps(spec, ensure_ascii=False), encoding="utf-8"
    )
    api = pipeline.build_api("named", tmp_path / "specs")
    methods = {(o.http_method, o.path): o.method_name for o in api.operations}
    assert methods[("POST", "/things/{class}")] == "post_things"


def test_a_duplicate_operation_id_is_refused() -> None:
    # A warning (issue 26: the operations are then named from method and path), which
    # --strict, this repository's own rule, makes an error.
    spec = _names()
    spec["paths"]["/close"]["get"]["operationId"] = "CreateThing"
    error = _refused(spec, strict=True)
    assert "'CreateThing'" in error.message and "used by 2 operations" in error.message


def test_operation_ids_colliding_once_snake_cased_are_refused_under_strict() -> None:
    spec = _names()
    spec["paths"]["/base-url"]["get"]["operationId"] = "__close__"
    error = _refused(spec)
    assert error.pointer == "/paths/~1base-url/get/operationId"
    assert "'close_'" in error.message and "another operation" in error.message


def test_properties_colliding_once_spelt_in_python_are_refused() -> None:
    spec = _names()
    schema = _operation(spec)["requestBody"]["content"]["application/json"]["schema"]
    schema["properties"]["__dict__"] = {"type": "string"}
    error = _refused(spec)
    assert error.pointer.endswith("/schema/properties/__dict__")
    assert "'dict' and '__dict__'" in error.message and "'dict_'" in error.message


@pytest.mark.parametrize("name", ["X Header", "X-Naïve", 'X"Quote', "X:Colon", ""])
def test_a_header_name_that_is_no_token_is_refused(name: str) -> None:
    spec = _names()
    _operation(spec)["parameters"][-1]["name"] = name
    index = len(_operation(spec)["parameters"]) - 1
    error = _refused(spec)
    assert error.pointer == f"/paths/~1things~1{{class}}/post/parameters/{index}/name"
    assert "no HTTP header name" in error.message


@pytest.mark.parametrize("env", ["A-B", 'X", PWNED, "', "1X", 7])
def test_a_client_parameter_env_that_is_no_variable_name_is_refused(env: Any) -> None:
    spec = _names()
    _operation(spec)["parameters"][1]["x-sdkgen-client-parameter"] = {"env": env}
    error = _refused(spec)
    assert error.pointer == (
        "/paths/~1things~1{class}/post/parameters/1/x-sdkgen-client-parameter/env"
    )


# --- places only the templates can make safe --------------------------------------------------
#
# Each spec here puts hostile text where client.py.jinja, __init__.py.jinja or
# pyproject.toml.jinja write it (escaped there by the `docstring` and `pyliteral` filters),
# or where ir_build checks it and refuses what no generated file could hold.


def _jobs(
    title: str = "Jobs API",
    query: str = "q",
    states: tuple[str, str, str] = ("running", "done", "failed"),
    interval: str = "0.5",
) -> str:
    """An API with a job lifecycle and two callbacks, hostile where it is told to be."""
    return _spec(
        title,
        """
  /jobs:
    post:
      operationId: CreateJob
      parameters:
        - {name: %s, in: query, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
      callbacks:
        zeta:
          '{$request.body#/url}':
            post:
              requestBody:
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/Event'}
              responses: {'200': {description: ok}}
        alpha:
          '{$request.body#/url}':
            post:
              requestBody:
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/Event'}
              responses: {'200': {description: ok}}
  /jobs/{id}:
    get:
      operationId: GetJob
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {state: {type: string}}}
""",
        """
  schemas:
    Event: {type: object, properties: {a: {type: string}, b: {type: string}}}
""",
        top=f"""
x-sdkgen-job:
  submit: CreateJob
  query: GetJob
  job-id: /id
  query-parameter: id
  state: /state
  poll-interval: {interval}
  running: [{states[0]}]
  succeeded: [{states[1]}]
  failed: [{states[2]}]
""",
    ).replace("%s", query)


TEMPLATED = _jobs(
    E,
    json.dumps('a"b\\c PWNED'),
    ('\'run""" PWNED\'', "'done\" PWNED'", "'fail\\ PWNED'"),
).replace(
    "servers:\n  - url: https://hostile.example.test\n",
    "servers:\n  - url: https://{tenant}.hostile.example.test\n    variables:\n"
    "      tenant:\n"
    f"        default: 'a\"\"\"b PWNED'\n        enum: ['a\"\"\"b PWNED', 'c\\\\d PWNED']\n"
    f"        description: {E}\n",
)


def _generate(tmp: Path, key: str, spec: str) -> Path:
    (tmp / "specs" / key).mkdir(parents=True)
    (tmp / "specs" / key / "openapi.yaml").write_text(spec, encoding="utf-8")
    pipeline.generate(key, tmp / "specs", tmp / "out")
    return tmp / "out" / naming.package_name(key)


def _checked(package: Path) -> None:
    """What every package must be: Python, type-checked, linted, no spec text as code."""
    tomllib.loads((package / "pyproject.toml").read_text(encoding="utf-8"))
    for path in sorted(package.rglob("*.py")):
        for token in _code_tokens(path.read_text(encoding="utf-8")):
            assert "PWNED" not in token.string, f"{path}:{token.start}"
    out, err, status = mypy.run(
        ["--strict", "--python-version", "3.10", "--config-file", ""]
        + ["--no-incremental", str(package)]
    )
    assert status == 0, out + err
    ruff = _ruff(package)
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr


def test_hostile_text_in_templates_is_never_code(tmp_path: Path) -> None:
    package = _generate(tmp_path, "hostile-templated", TEMPLATED)
    _checked(package)
    # The title is the package's one-line summary, kept as written but for line breaks.
    project = tomllib.loads((package / "pyproject.toml").read_text(encoding="utf-8"))
    summary = project["project"]["description"]
    assert summary.startswith('PWNED """ and \'\'\' and "; backslashes \\ \\n \\d')
    assert summary.endswith(
        'ends with a quote": typed sync and async clients (generated by tts-sdkgen).'
    )
    assert "\n" not in summary and "PWNED {{ 7 * 7 }}" in summary


def test_a_spec_without_models_generates(tmp_path: Path) -> None:
    spec = _spec(
        "Bare API",
        """
  /ping:
    post:
      operationId: Ping
      responses: {'204': {description: pong}}
""",
    )
    _checked(_generate(tmp_path, "hostile-bare", spec))


def test_arguments_never_shadow_what_generated_bodies_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _spec(
        "Shadows API",
        """
  /jobs:
    post:
      operationId: CreateJob
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
    get:
      operationId: ListJobs
      parameters:
        - {name: next, in: query, schema: {type: string}}
        - {name: token, in: query, schema: {type: string}}
        - {name: page, in: query, schema: {type: string}}
        - {name: following, in: query, schema: {type: string}}
      x-sdkgen-paging: {items: /jobs, next-token: /next, token-parameter: next}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  jobs: {type: array, items: {type: string}}
                  next: {type: string}
  /jobs/{id}:
    get:
      operationId: GetJob
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: state, in: header, schema: {type: string}}
        - {name: result, in: query, schema: {type: integer}}
        - {name: poller, in: query, schema: {type: integer}}
        - {name: time, in: query, schema: {type: integer}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {state: {type: string}}}
""",
        top="""
x-sdkgen-job:
  submit: CreateJob
  query: GetJob
  job-id: /id
  query-parameter: id
  state: /state
  running: [running]
  succeeded: [done]
  failed: [failed]
""",
    )
    package = _generate(tmp_path, "hostile-shadows", spec)
    ruff = _ruff(package)  # `time` shadowed: F811
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    # The locals: each argument must reach every request it is passed on to.
    monkeypatch.syspath_prepend(str(package.parent))
    try:
        module = importlib.import_module(package.name)
        states, pages = (
            ["running", "done"],
            [{"jobs": ["a"], "next": "n"}, {"jobs": []}],
        )
        sent: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            sent.append(request)
            if request.url.path == "/jobs/j":
                return httpx.Response(200, json={"state": states.pop(0)})
            return httpx.Response(200, json=pages.pop(0))

        with httpx.Client(transport=httpx.MockTransport(handler)) as http:
            client = module.Client(api_key="k", http_client=http)
            client.wait_for_job(
                "j", state="s", result=1, poller=2, time=3, poll_interval=0.01
            )
            items = list(client.iter_list_jobs(token="t", page="p", following="f"))
        assert items == ["a"]
        for request in sent[:2]:
            assert request.headers["state"] == "s"
            assert dict(request.url.params) == {
                "result": "1",
                "poller": "2",
                "time": "3",
            }
        for request in sent[2:]:
            assert request.url.params["token"] == "t"
            assert request.url.params["page"] == "p"
            assert request.url.params["following"] == "f"
    finally:
        for name in [m for m in sys.modules if m.split(".")[0] == package.name]:
            del sys.modules[name]


def _refused_text(tmp: Path, spec: str) -> SpecError:
    with pytest.raises(SpecError) as caught:
        _generate(tmp, "hostile-refused", spec)
    assert not (tmp / "out").exists()
    return caught.value


def test_callbacks_colliding_once_snake_cased_are_refused(tmp_path: Path) -> None:
    spec = _jobs().replace("        zeta:\n", "        Alpha-:\n")
    error = _refused_text(tmp_path, spec)
    assert error.pointer == "/paths/~1jobs/post/callbacks/alpha"
    assert "'parse_alpha_callback'" in error.message


@pytest.mark.parametrize(
    "name",
    ["'tts-x\" + PWNED + \"'", "-tts", "tts-", "tts x", "tts/x", "''", "7", '"a\\n"'],
)
def test_a_distribution_that_is_no_pep_508_name_is_refused(
    tmp_path: Path, name: str
) -> None:
    spec = NAMES.replace(
        "info: {title: Names API, version: 1.0.0}",
        f"info: {{title: Names API, version: 1.0.0, x-sdkgen-distribution: {name}}}",
    )
    error = _refused_text(tmp_path, spec)
    assert error.pointer == "/info/x-sdkgen-distribution"
    assert "PEP 508" in error.message


@pytest.mark.parametrize(
    "env", ['\'X""" + PWNED + """\'', "A-B", "1X", "7", '"A\\n"', "''"]
)
def test_a_credential_env_that_is_no_variable_name_is_refused(
    tmp_path: Path, env: str
) -> None:
    spec = NAMES.replace("{env: HOSTILE_API_KEY,", f"{{env: {env},")
    error = _refused_text(tmp_path, spec)
    assert error.pointer == (
        "/components/securitySchemes/apiKey/x-sdkgen-credentials/api_key/env"
    )
    assert "no environment variable name" in error.message


@pytest.mark.parametrize(
    "interval", ["soon", ".nan", "-1", "0", ".inf", "1.0e+400", "1" + "0" * 400, "true"]
)
def test_a_poll_interval_that_is_no_number_is_refused(
    tmp_path: Path, interval: str
) -> None:
    error = _refused_text(tmp_path, _jobs(interval=interval))
    assert error.pointer == "/x-sdkgen-job/poll-interval"
    assert "no positive number of seconds" in error.message


def test_a_max_poll_interval_that_is_no_number_is_refused(tmp_path: Path) -> None:
    spec = _jobs().replace("  poll-interval: 0.5\n", "  max-poll-interval: '30'\n")
    error = _refused_text(tmp_path, spec)
    assert error.pointer == "/x-sdkgen-job/max-poll-interval"


def test_a_lone_surrogate_is_refused_with_its_place(tmp_path: Path) -> None:
    # No UTF-8 can hold one: libyaml refuses the escape where it stands (PyYAML's own
    # loader would take it, and writing the package would fail instead).
    spec = NAMES.replace("info: {title: Names API,", 'info: {title: "Names \\ud800",')
    error = _refused_text(tmp_path, spec)
    assert error.pointer.startswith("line 3, column ")
    assert "Unicode" in error.message
