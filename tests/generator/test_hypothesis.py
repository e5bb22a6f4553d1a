"""Random small specs, generated and used: the output compiles, it imports, and an example
value round-trips through its models and through a client call, by wire name.

Each spec has one operation whose body is a random object schema (names that are keywords,
builtins, pydantic's, non-ASCII or punctuation; scalars with constraints, enums, formats,
nullable and optional fields, nested objects, arrays) with random prose in descriptions,
and random query and header parameters; the response is an object of the same shape. An
example value drawn with the schema must pass the request model and the response model and
dump back, by alias, to itself; the client must send it as it is, and read it back.

Bounded and reproducible (`derandomize`, no example database): a failure names the spec.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
import json
import keyword
import string
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from generator import naming, pipeline
from generator.errors import SpecError
from generator.ir import Api
from tests.support.generate import importable

Draw = Any  # hypothesis' draw function
Schema = dict[str, Any]

# --- names ----------------------------------------------------------------------------------

SPECIAL_NAMES = sorted(
    set(keyword.kwlist)
    | {"match", "case", "type", "_", "self", "settings", "json_body", "drop_none"}
    | {"list", "dict", "str", "int", "float", "bool", "bytes", "id", "object", "print"}
    | {"json", "copy", "schema", "validate", "model_config", "model_dump", "fields"}
    | {"Field", "BaseModel", "Literal", "Any", "Annotated", "date", "datetime", "None"}
    | {"a.b", "@odata.type", "$ref", "x-y", "名前", "café", "Straße", "A B", "1st", ""}
)
# Any text JSON carries but surrogates, which no UTF-8 can hold.
TEXT = st.characters(codec="utf-8")
WIRE_NAMES = st.one_of(
    st.sampled_from(SPECIAL_NAMES),
    st.text(TEXT, max_size=10),
    st.from_regex(r"[0-9][A-Za-z0-9_]{0,5}", fullmatch=True),
    st.lists(
        st.sampled_from(["job", "Id", "ID", "url", "URL", "v2", "Audio", "_"]),
        min_size=1,
        max_size=4,
    ).map("".join),
)
# Header names are tokens (RFC 9110); anything else is refused. Not those the client sends.
HEADER_NAMES = st.text(
    string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~", min_size=1, max_size=10
).filter(
    lambda n: (
        n.lower()
        not in {"x-api-key", "user-agent", "content-type", "content-length", "host"}
        | {"accept", "accept-encoding", "connection", "authorization", "cookie"}
    )
)
# Query names go into a string literal of client.py: until client.py.jinja writes them
# with `pyliteral` (see test_hostile.py), no quote, backslash or unprintable character.
QUERY_NAMES = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Cf", "Zl", "Zp")).filter(
        lambda c: c not in '"\\'
    ),
    max_size=10,
)
PROSE = st.text(TEXT, max_size=40) | st.sampled_from(
    ['"""', 'ends with "', "back\\slash\\", "{{ jinja }} {% x %}", "x\t \ny  \r\n"]
)

# --- schemas, each with a strategy for its values -----------------------------------------

PATTERNS = [r"^[a-z]+$", r"^[A-Z0-9_-]{2,8}$", r"^[0-9]{3}$", r"^a.c$"]
Drawn = tuple[Schema, st.SearchStrategy[Any]]


def _moment(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")  # as pydantic writes UTC


@st.composite
def string_schema(draw: Draw) -> Drawn:
    kind = draw(st.sampled_from(["plain", "length", "pattern", "date", "date-time"]))
    if kind == "length":
        low = draw(st.integers(0, 4))
        high = draw(st.integers(low, low + 6))
        values = st.text(TEXT, min_size=low, max_size=high)
        return {"type": "string", "minLength": low, "maxLength": high}, values
    if kind == "pattern":
        pattern = draw(st.sampled_from(PATTERNS))
        values = st.from_regex(pattern.strip("^$"), fullmatch=True)
        return {"type": "string", "pattern": pattern}, values.filter(
            lambda s: "\n" not in s
        )
    if kind == "date":
        days = st.dates(datetime.date(1970, 1, 1), datetime.date(2100, 1, 1))
        return {"type": "string", "format": "date"}, days.map(datetime.date.isoformat)
    if kind == "date-time":
        moments = st.datetimes(
            datetime.datetime(1970, 1, 1), datetime.datetime(2100, 1, 1)
        )
        return {"type": "string", "format": "date-time"}, moments.map(_moment)
    return {"type": "string"}, st.text(TEXT, max_size=12)


@st.composite
def scalar_schema(draw: Draw) -> Drawn:
    kind = draw(st.sampled_from(["string", "integer", "number", "boolean", "enum"]))
    if kind == "string":
        found: Drawn = draw(string_schema())
        return found
    if kind == "integer":
        low = draw(st.integers(-(10**12), 10**12))
        high = draw(st.integers(low, low + 10**6))
        return {"type": "integer", "minimum": low, "maximum": high}, st.integers(
            low, high
        )
    if kind == "number":
        # Thousandths: exact in JSON and YAML, never in exponent notation.
        low = draw(st.integers(-(10**6), 10**6))
        high = draw(st.integers(low, low + 10**6))
        values = st.integers(low, high).map(lambda n: n / 1000)
        return {"type": "number", "minimum": low / 1000, "maximum": high / 1000}, (
            values
        )
    if kind == "boolean":
        return {"type": "boolean"}, st.booleans()
    listed = draw(
        st.one_of(
            st.lists(st.text(TEXT, max_size=8), min_size=1, max_size=5, unique=True),
            st.lists(st.integers(-5, 5), min_size=1, max_size=4, unique=True),
        )
    )
    kind = "string" if isinstance(listed[0], str) else "integer"
    return {"type": kind, "enum": listed}, st.sampled_from(listed)


@st.composite
def schema(draw: Draw, depth: int) -> Drawn:
    kinds = ["scalar", "scalar", "nullable"] + (["array", "object"] if depth else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "object":
        found: Drawn = draw(object_schema(depth - 1))
        return found
    if kind == "array":
        items, values = draw(schema(depth - 1))
        low = draw(st.integers(0, 2))
        high = draw(st.integers(low, low + 2))
        array = {"type": "array", "items": items, "minItems": low, "maxItems": high}
        return array, st.lists(values, min_size=low, max_size=high)
    scalar, values = draw(scalar_schema())
    if kind == "nullable":
        scalar = {**scalar, "type": [scalar["type"], "null"]}
        if "enum" in scalar:
            scalar["enum"] = [*scalar["enum"], None]
        values = st.none() | values
    return scalar, values


@st.composite
def object_schema(draw: Draw, depth: int) -> Drawn:
    names = draw(
        st.lists(
            WIRE_NAMES,
            min_size=1,
            max_size=5,
            # Names that would collide are refused (a test of its own); so would two
            # nested objects named alike.
            unique_by=(naming.field_name, lambda n: naming.pascal_case(n) or "Value"),
        )
    )
    properties: dict[str, Schema] = {}
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name in names:
        found, values = draw(schema(depth))
        if draw(st.booleans()):
            found = {**found, "description": draw(PROSE)}
        properties[name] = found
        # A None is not sent (it means "not given"): a nullable field is optional.
        nullable = isinstance(found.get("type"), list)
        (optional if nullable or draw(st.booleans()) else required)[name] = values
    found = {"type": "object", "properties": properties}
    if required:
        found["required"] = list(required)
    if draw(st.booleans()):
        found["description"] = draw(PROSE)
    return found, st.fixed_dictionaries(required, optional=optional)


@st.composite
def specs(draw: Draw) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A spec, an example body, and example parameters by wire name."""
    body, bodies = draw(object_schema(2))
    example_body = draw(bodies)
    parameters = []
    sent: dict[str, Any] = {}
    wires = draw(
        st.lists(
            st.tuples(st.sampled_from(["query", "header"]), QUERY_NAMES, HEADER_NAMES),
            max_size=3,
        )
    )
    seen: set[str] = set()
    for location, query_name, header_name in wires:
        name = query_name if location == "query" else header_name
        if name.lower() in seen:
            continue
        seen.add(name.lower())
        if location == "header":
            value: Any = draw(st.text(string.printable.strip(), max_size=8))
            param_schema: Schema = {"type": "string"}
        elif draw(st.booleans()):
            value = draw(st.integers(-1000, 1000))
            param_schema = {"type": "integer"}
        else:
            value = draw(st.text(TEXT, max_size=8))
            param_schema = {"type": "string"}
        parameters.append(
            {
                "name": name,
                "in": location,
                "schema": param_schema,
                "description": draw(PROSE),
            }
        )
        sent[name] = value
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "Random API", "version": "1.0.0", "description": draw(PROSE)},
        "servers": [{"url": "https://random.example.test"}],
        "security": [{"apiKey": []}],
        "x-sdkgen-errors": {"code": "/code", "message": "/message"},
        "paths": {
            "/things": {
                "post": {
                    "operationId": "CreateThing",
                    "summary": draw(PROSE),
                    "description": draw(PROSE),
                    "parameters": parameters,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Thing"}
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "The thing, echoed.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Echo"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {"Thing": body, "Echo": json.loads(json.dumps(body))},
            "securitySchemes": {
                "apiKey": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Api-Key",
                    "x-sdkgen-credentials": {"api_key": {"secret": True}},
                }
            },
        },
    }
    return spec, example_body, sent


# --- generating and importing ---------------------------------------------------------------

_COUNTER = iter(range(10**6))


def _yaml_char(char: str) -> str:
    """JSON is YAML, but for characters YAML takes for line breaks or refuses as they are
    (U+0085, U+2028, controls): those as escapes, which YAML reads back as they were."""
    if char.isprintable() or char == " ":
        return char
    code = ord(char)
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


@contextlib.contextmanager
def imported(spec: dict[str, Any]) -> Iterator[tuple[Any, Api]]:
    """The package generated from `spec`, imported, and its IR."""
    key = f"random-{next(_COUNTER)}"
    package = naming.package_name(key)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "specs" / key).mkdir(parents=True)
        text = "".join(map(_yaml_char, json.dumps(spec, ensure_ascii=False)))
        (root / "specs" / key / "openapi.yaml").write_text(text, encoding="utf-8")
        try:
            pipeline.generate(key, root / "specs", root / "out")
        except SpecError as error:
            # Nested objects whose class names collide are refused, naming the place:
            # a clear error, and no case for this test.
            if "is already used by" in error.message:
                reject()
            raise
        for path in sorted((root / "out" / package).rglob("*.py")):
            compile(path.read_text(encoding="utf-8"), str(path), "exec")
        with importable(root / "out"):
            module = importlib.import_module(package)
            yield module, pipeline.build_api(key, root / "specs")


def _python(value: Any, found: Schema) -> Any:
    """An example as a caller passes it: dates and date-times as objects (strict mode)."""
    kind = found.get("type")
    if isinstance(value, str) and found.get("format") == "date":
        return datetime.date.fromisoformat(value)
    if isinstance(value, str) and found.get("format") == "date-time":
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if kind == "array" and isinstance(value, list):
        return [_python(v, found["items"]) for v in value]
    if kind == "object" and isinstance(value, dict):
        return {k: _python(v, found["properties"][k]) for k, v in value.items()}
    return value


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(specs())
def test_random_specs_compile_import_and_round_trip(
    drawn: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    spec, body, parameters = drawn
    with imported(spec) as (module, api):
        # The models: what is received, and what is sent, read back as they were.
        echo = module.Echo.model_validate(body)
        assert echo.model_dump(mode="json", by_alias=True, exclude_unset=True) == body
        thing = module.Thing.model_validate_json(json.dumps(body))
        assert thing.model_dump(mode="json", by_alias=True, exclude_unset=True) == body
        # A call: body fields and parameters by their Python names, sent by wire name.
        (operation,) = api.operations
        schema = spec["components"]["schemas"]["Thing"]
        arguments = {
            f.name: _python(body[f.wire_name], schema["properties"][f.wire_name])
            for f in operation.body_fields
            if body.get(f.wire_name) is not None
        }
        arguments.update(
            (p.name, parameters[p.wire_name]) for p in operation.method_parameters
        )
        sent: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            sent.append(request)
            return httpx.Response(200, json=body)

        with httpx.Client(transport=httpx.MockTransport(handler)) as http:
            client = module.Client(api_key="k", http_client=http)
            result = client.create_thing(**arguments)
        (request,) = sent
        expected = {k: v for k, v in body.items() if v is not None}
        assert json.loads(request.content) == expected
        for name, value in parameters.items():
            location = next(
                p["in"]
                for p in spec["paths"]["/things"]["post"]["parameters"]
                if p["name"] == name
            )
            got = (
                request.url.params[name]
                if location == "query"
                else request.headers[name]
            )
            assert got == str(value), name
        assert result.model_dump(mode="json", by_alias=True, exclude_unset=True) == body
