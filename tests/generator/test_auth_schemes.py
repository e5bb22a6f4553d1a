"""Security as published specs declare it, from the spec alone: API keys in a header, a
query or a cookie, HTTP bearer and basic, OAuth2 client credentials; each operation's own
`security` (none at all: no credentials sent); and a header parameter that repeats a
scheme's header taken once by the client. Driven through httpx.MockTransport."""

from __future__ import annotations

import asyncio
import base64
import importlib
import inspect
import logging
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from generator import pipeline
from tests.support.generate import generated_package, importable

SCHEMES = """
components:
  securitySchemes:
    headerKey: {type: apiKey, in: header, name: X-Key}
    queryKey: {type: apiKey, in: query, name: api_key}
    cookieKey: {type: apiKey, in: cookie, name: sid}
    basic: {type: http, scheme: basic}
    bearer: {type: http, scheme: bearer}
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://auth.example.test/oauth/token
          scopes: {tts.write: Synthesize, tts.read: Read}
"""


def operation(name: str, security: str | None, extra: str = "") -> str:
    line = f"      security: {security}\n" if security is not None else ""
    return f"""  /{name}:
    get:
      operationId: {name}
{line}{extra}      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {{type: object, properties: {{ok: {{type: boolean}}}}}}
"""


HEAD = """openapi: 3.1.0
info: {title: Auth, version: '1'}
servers: [{url: 'https://api.example.test/v1'}]
x-sdkgen-errors: {code: /code, message: /message}
"""

SPEC = (
    HEAD
    + "paths:\n"
    + operation("open", None)
    + operation("header", "[{headerKey: []}]")
    + operation("query", "[{queryKey: []}]")
    + operation("cookie", "[{cookieKey: []}]")
    + operation("basic_op", "[{basic: []}]")
    + operation("bearer_op", "[{bearer: []}]")
    + operation("oauth_op", "[{oauth: []}]")
    + operation("both", "[{headerKey: [], queryKey: [], cookieKey: []}]")
    + operation("either", "[{bearer: []}, {basic: []}]")
    + operation(
        "repeated",
        None,
        "      parameters:\n"
        "        - {name: x-key, in: header, required: true, schema: {type: string}}\n"
        "        - {name: X-Trace, in: header, schema: {type: string}}\n",
    )
    + operation(
        # Deepgram's: the Authorization header as a parameter, security nowhere.
        "authorization_param",
        None,
        "      parameters:\n"
        "        - {name: Authorization, in: header, required: true, "
        "schema: {type: string}}\n",
    )
    + SCHEMES
)

# The document says bearer for all; operations say otherwise.
OVERRIDE = (
    HEAD
    + "security: [{bearer: []}]\n"
    + "paths:\n"
    + operation("default_op", None)
    + operation("anonymous", "[]")
    + operation("keyed", "[{headerKey: []}]")
    + """  /pages:
    get:
      operationId: pages
      security: [{headerKey: []}]
      x-sdkgen-paging: {items: /items, next-link: /next}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: {type: array, items: {type: string}}
                  next: {type: string}
"""
    + SCHEMES
)

KEY, QKEY, CKEY = "hk-0123456789abcdef", "qk-0123456789abcdef", "ck0123456789abcdef"
USER, PASSWORD, TOKEN = "ann", "pw-0123456789abcdef", "bt-0123456789abcdef"
CLIENT_ID, CLIENT_SECRET = "cid-ann", "cs-0123456789abcdef"
SECRETS = (KEY, QKEY, CKEY, PASSWORD, TOKEN, CLIENT_SECRET)
ALL = {
    "header_key": KEY,
    "query_key": QKEY,
    "cookie_key": CKEY,
    "basic_username": USER,
    "basic_password": PASSWORD,
    "bearer": TOKEN,
    "oauth_client_id": CLIENT_ID,
    "oauth_client_secret": CLIENT_SECRET,
}


@pytest.fixture(scope="module")
def module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    for _ in generated_package(tmp_path_factory, "auth-x", SPEC):
        yield importlib.import_module("tts_auth_x")


@pytest.fixture(scope="module")
def override(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    for _ in generated_package(tmp_path_factory, "auth-override", OVERRIDE):
        yield importlib.import_module("tts_auth_override")


class Vendor:
    """The API and its token endpoint: answers, and keeps what it received."""

    def __init__(self, expires_in: float = 3600, refuse: int = 0) -> None:
        self.api: list[httpx.Request] = []
        self.tokens: list[httpx.Request] = []
        self.expires_in = expires_in
        self.refuse = refuse  # answers 401 to this many API calls first
        self.issued = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "auth.example.test":
            self.tokens.append(request)
            self.issued += 1
            return httpx.Response(
                200,
                json={
                    "access_token": f"at-{self.issued}-0123456789",
                    "token_type": "Bearer",
                    "expires_in": self.expires_in,
                },
            )
        self.api.append(request)
        if self.refuse:
            self.refuse -= 1
            return httpx.Response(401, json={"code": "expired", "message": "no"})
        return httpx.Response(200, json={"ok": True})

    def sync(self, module: Any, **options: Any) -> Any:
        return module.Client(
            http_client=httpx.Client(transport=httpx.MockTransport(self)), **options
        )

    def asynchronous(self, module: Any, **options: Any) -> Any:
        return module.AsyncClient(
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(self)),
            **options,
        )


def sent(request: httpx.Request) -> dict[str, Any]:
    """The credentials a request carried, wherever they travel."""
    return {
        "query": parse_qs(urlsplit(str(request.url)).query),
        "authorization": request.headers.get("authorization"),
        "x-key": request.headers.get("x-key"),
        "cookie": request.headers.get("cookie"),
    }


NOTHING: dict[str, Any] = {
    "query": {},
    "authorization": None,
    "x-key": None,
    "cookie": None,
}


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("open", NOTHING),
        ("header", {**NOTHING, "x-key": KEY}),
        ("query", {**NOTHING, "query": {"api_key": [QKEY]}}),
        ("cookie", {**NOTHING, "cookie": f"sid={CKEY}"}),
        ("basic_op", {**NOTHING, "authorization": basic(USER, PASSWORD)}),
        ("bearer_op", {**NOTHING, "authorization": f"Bearer {TOKEN}"}),
        ("oauth_op", {**NOTHING, "authorization": "Bearer at-1-0123456789"}),
        (
            "both",
            {
                **NOTHING,
                "x-key": KEY,
                "query": {"api_key": [QKEY]},
                "cookie": f"sid={CKEY}",
            },
        ),
        ("either", {**NOTHING, "authorization": f"Bearer {TOKEN}"}),
        ("repeated", {**NOTHING, "x-key": KEY}),
        # Each scheme sending Authorization is an alternative, in the spec's order.
        ("authorization_param", {**NOTHING, "authorization": basic(USER, PASSWORD)}),
    ],
)
def test_each_operation_sends_what_its_security_names(
    module: Any, method: str, expected: dict[str, Any]
) -> None:
    vendor = Vendor()
    with vendor.sync(module, **ALL) as client:
        getattr(client, method)()
    (request,) = vendor.api
    assert sent(request) == expected


def test_an_alternative_is_taken_when_only_it_was_given(module: Any) -> None:
    vendor = Vendor()
    with vendor.sync(module, basic_username=USER, basic_password=PASSWORD) as client:
        client.either()
    assert sent(vendor.api[0])["authorization"] == basic(USER, PASSWORD)


def test_missing_credentials_are_refused_by_name_before_sending(module: Any) -> None:
    vendor = Vendor()
    # Some operations need no credentials: a client without any is allowed.
    with vendor.sync(module) as client:
        client.open()
        with pytest.raises(ValueError, match=r"query needs credentials.*query_key="):
            client.query()
        with pytest.raises(ValueError, match=r"either.*bearer=.*basic_username="):
            client.either()
    assert len(vendor.api) == 1
    assert sent(vendor.api[0]) == NOTHING


def test_per_operation_security_overrides_the_documents(override: Any) -> None:
    vendor = Vendor()
    with vendor.sync(override, bearer=TOKEN, header_key=KEY) as client:
        client.default_op()
        client.anonymous()
        client.keyed()
    assert [sent(r) for r in vendor.api] == [
        {**NOTHING, "authorization": f"Bearer {TOKEN}"},
        NOTHING,  # security: []
        {**NOTHING, "x-key": KEY},
    ]
    # Every call of the document needs bearer, but one needs nothing: no refusal at
    # creation; the call that needs it says what is missing.
    with vendor.sync(override) as client:
        client.anonymous()
        with pytest.raises(ValueError, match="bearer="):
            client.default_op()


def test_a_next_page_link_is_read_with_the_operations_security(
    override: Any,
) -> None:
    answers = iter(
        [
            {"items": ["a"], "next": "/v1/pages?page=2"},
            {"items": ["b"]},
        ]
    )
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=next(answers))

    client = override.Client(
        bearer=TOKEN,
        header_key=KEY,
        http_client=httpx.Client(transport=httpx.MockTransport(handle)),
    )
    with client:
        assert list(client.iter_pages()) == ["a", "b"]
    assert [sent(r) for r in seen] == [
        {**NOTHING, "x-key": KEY},
        {**NOTHING, "x-key": KEY, "query": {"page": ["2"]}},
    ]


def test_a_header_parameter_repeating_a_schemes_header_is_no_argument(
    module: Any,
) -> None:
    arguments = inspect.signature(module.Client.repeated).parameters
    assert "x_key" not in arguments
    assert "x_trace" in arguments  # other header parameters stay
    assert not inspect.signature(
        module.Client.authorization_param
    ).parameters.keys() - {"self"}


def test_bad_credentials_are_refused_at_creation(module: Any) -> None:
    with pytest.raises(ValueError, match="cookie"):
        module.Client(cookie_key="a;b")
    with pytest.raises(ValueError, match="username"):
        module.Client(basic_username="a:b", basic_password="x")
    with pytest.raises(ValueError, match="basic_password"):
        module.Client(basic_username="ann")


# --- OAuth2 client credentials -------------------------------------------------------------


def check_token_request(request: httpx.Request) -> None:
    assert request.method == "POST"
    assert str(request.url) == "https://auth.example.test/oauth/token"
    assert request.headers["authorization"] == basic(CLIENT_ID, CLIENT_SECRET)
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.content.decode()) == {
        "grant_type": ["client_credentials"],
        "scope": ["tts.read tts.write"],
    }


OAUTH = {"oauth_client_id": CLIENT_ID, "oauth_client_secret": CLIENT_SECRET}


def test_the_token_is_fetched_once_and_kept(module: Any) -> None:
    vendor = Vendor()
    with vendor.sync(module, **OAUTH) as client:
        for _ in range(3):
            client.oauth_op()
        client.open()  # needs no token
    (token_request,) = vendor.tokens
    check_token_request(token_request)
    assert [r.headers["authorization"] for r in vendor.api[:3]] == [
        "Bearer at-1-0123456789"
    ] * 3
    assert "authorization" not in vendor.api[3].headers


def test_the_token_is_renewed_before_it_expires(module: Any) -> None:
    # Renewed when less than half its life (at most 60 s) is left: here after 0.5 s.
    vendor = Vendor(expires_in=1)
    with vendor.sync(module, **OAUTH) as client:
        client.oauth_op()
        client.oauth_op()
        time.sleep(0.6)
        client.oauth_op()
    assert len(vendor.tokens) == 2
    assert [r.headers["authorization"][-14:] for r in vendor.api] == [
        "at-1-0123456789"[-14:],
        "at-1-0123456789"[-14:],
        "at-2-0123456789"[-14:],
    ]


def test_a_401_renews_the_token_once(module: Any) -> None:
    vendor = Vendor(refuse=1)
    with vendor.sync(module, **OAUTH) as client:
        assert client.oauth_op().ok is True
    assert len(vendor.tokens) == 2
    assert [r.headers["authorization"] for r in vendor.api] == [
        "Bearer at-1-0123456789",
        "Bearer at-2-0123456789",
    ]
    # Refused again with the new token: the error, not a loop.
    vendor = Vendor(refuse=5)
    with vendor.sync(module, **OAUTH) as client:
        with pytest.raises(module.errors.AuthenticationError) as caught:
            client.oauth_op()
    assert caught.value.status_code == 401
    assert len(vendor.api) == 2 and len(vendor.tokens) == 2


def test_a_401_without_oauth2_is_not_sent_again(module: Any) -> None:
    vendor = Vendor(refuse=1)
    with vendor.sync(module, **ALL) as client:
        with pytest.raises(module.errors.AuthenticationError):
            client.bearer_op()
    assert len(vendor.api) == 1


def test_a_refused_token_request_is_a_typed_error_without_secrets(
    module: Any,
) -> None:
    body = b'{"error": "invalid_client", "error_description": "unknown client"}'

    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, content=body, headers={"X-Request-Id": "r-1"})

    client = module.Client(
        http_client=httpx.Client(transport=httpx.MockTransport(refuse)), **OAUTH
    )
    with client, pytest.raises(module.errors.AuthenticationError) as caught:
        client.oauth_op()
    error = caught.value
    assert (error.status_code, error.code, error.request_id, error.body) == (
        400,
        "invalid_client",
        "r-1",
        body,
    )
    assert "unknown client" in error.message
    assert error.__cause__ is None
    for text in (str(error), repr(error), repr(vars(error))):
        assert CLIENT_SECRET not in text
        assert (
            base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            not in text
        )


def test_a_huge_token_answer_is_not_read_whole(module: Any) -> None:
    chunks = [0]

    def stream() -> Iterator[bytes]:
        for _ in range(1000):
            chunks[0] += 1
            yield b"x" * 4096

    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, content=stream())

    client = module.Client(
        http_client=httpx.Client(transport=httpx.MockTransport(refuse)), **OAUTH
    )
    with client, pytest.raises(module.errors.AuthenticationError) as caught:
        client.oauth_op()
    assert len(caught.value.body) == 65536
    assert chunks[0] < 20


def test_a_token_endpoint_that_cannot_be_reached(module: Any) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = module.Client(
        http_client=httpx.Client(transport=httpx.MockTransport(down)), **OAUTH
    )
    with client, pytest.raises(module.errors.APIConnectionError) as caught:
        client.oauth_op()
    assert caught.value.__cause__ is None  # the httpx error holds the secret


def test_async_clients_share_one_token_fetch(module: Any) -> None:
    vendor = Vendor()

    async def scenario() -> None:
        async with vendor.asynchronous(module, **OAUTH) as client:
            await asyncio.gather(*(client.oauth_op() for _ in range(10)))

    asyncio.run(scenario())
    (token_request,) = vendor.tokens
    check_token_request(token_request)
    assert {r.headers["authorization"] for r in vendor.api} == {
        "Bearer at-1-0123456789"
    }
    assert len(vendor.api) == 10


def test_async_401_renews_once(module: Any) -> None:
    vendor = Vendor(refuse=1)

    async def scenario() -> None:
        async with vendor.asynchronous(module, **OAUTH) as client:
            await client.oauth_op()

    asyncio.run(scenario())
    assert len(vendor.tokens) == 2 and len(vendor.api) == 2


# --- secrets ---------------------------------------------------------------------------------


def texts_of(
    module: Any, make: Callable[[Vendor], Any], caplog: pytest.LogCaptureFixture
) -> list[str]:
    """Reprs, log lines (httpx's too, at DEBUG) and errors of calls with every scheme."""
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "tts_auth_x"):
        caplog.set_level(logging.DEBUG, logger=name)
    vendor = Vendor(refuse=0)
    texts: list[str] = []
    with make(vendor) as client:
        texts += [
            repr(client),
            str(client),
            repr(client._core),
            repr(client._core.auth),
        ]
        for method in ("header", "query", "cookie", "basic_op", "bearer_op", "both"):
            getattr(client, method)()
        client.oauth_op()
        vendor.refuse = 2
        try:
            client.query()
        except module.errors.APIStatusError as error:
            texts += [str(error), repr(error), repr(vars(error))]
        vendor.refuse = 2
        try:
            client.oauth_op()
        except module.errors.APIStatusError as error:
            texts += [str(error), repr(error), repr(vars(error))]
    formatter = logging.Formatter("%(name)s %(message)s")
    texts += [formatter.format(record) for record in caplog.records]
    assert any("api_key=***" in text for text in texts)  # httpx logged the URL, masked
    return texts


def test_no_secret_in_reprs_logs_or_errors(
    module: Any, caplog: pytest.LogCaptureFixture
) -> None:
    texts = texts_of(module, lambda vendor: vendor.sync(module, **ALL), caplog)
    hidden = (*SECRETS, "at-1-0123456789", basic(USER, PASSWORD)[6:])
    for text in texts:
        for secret in hidden:
            assert secret not in text, (secret, text[:300])


# --- a key taken as a header parameter, no scheme declared (ElevenLabs) ---------------------

IMPLIED = (
    HEAD
    + "paths:\n"
    + operation(
        "speak",
        None,
        "      parameters:\n"
        "        - {name: xi-api-key, in: header, schema: {type: string}}\n",
    )
    + operation("models", None)
)


def test_a_credential_header_without_a_scheme_is_taken_by_the_client(
    tmp_path: Path,
) -> None:
    root = tmp_path / "specs" / "implied"
    root.mkdir(parents=True)
    (root / "openapi.yaml").write_text(IMPLIED, encoding="utf-8")
    report = pipeline.generate("implied", tmp_path / "specs", tmp_path / "out")
    (warning,) = report.warnings
    assert warning.pointer == "/paths/~1speak/get/parameters/0"
    assert "'xi-api-key' carries a credential" in warning.message
    assert "xi_api_key=" in warning.message
    with importable(tmp_path / "out"):
        module = importlib.import_module("tts_implied")
        assert "xi_api_key" not in inspect.signature(module.Client.speak).parameters
        vendor = Vendor()
        with vendor.sync(module, xi_api_key=KEY) as client:
            client.speak()
            client.models()
        assert [r.headers.get("xi-api-key") for r in vendor.api] == [KEY, None]
        assert KEY not in repr(client)


def test_a_spec_without_any_security_sends_no_credentials(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    spec = HEAD + "paths:\n" + operation("models", None)
    for folder in generated_package(tmp_path_factory, "no-security", spec):
        module = importlib.import_module("tts_no_security")
        vendor = Vendor()
        with vendor.sync(module) as client:
            client.models()
        assert sent(vendor.api[0]) == NOTHING
        readme = (folder / "README.md").read_text(encoding="utf-8")
        assert "The spec names no security scheme: no credentials are sent." in readme


def test_no_secret_reaches_a_recording(module: Any, tmp_path: Path) -> None:
    import vcr

    from generator.ir_build import build
    from generator.load import load_openapi
    from tests.contract.recording import REDACTED, vcr_config

    spec = tmp_path / "openapi.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    config = vcr_config(build(load_openapi(spec, str(spec)), "auth-x", str(spec), ""))
    recorder = vcr.VCR(
        record_mode="all",
        filter_headers=config["filter_headers"],
        filter_query_parameters=config["filter_query_parameters"],
        before_record_response=config["before_record_response"],
    )
    cassette = tmp_path / "recorded.yaml"
    vendor = Vendor()
    with recorder.use_cassette(str(cassette)), vendor.sync(module, **ALL) as client:
        for method in ("header", "query", "cookie", "basic_op", "bearer_op"):
            getattr(client, method)()
        client.oauth_op()
    text = cassette.read_text()
    assert len(vendor.api) == 6
    for secret in (*SECRETS, "at-1-0123456789", basic(USER, PASSWORD)[6:]):
        assert secret not in text, secret
    assert text.count(REDACTED) >= 7


def test_a_relative_token_url_is_resolved_against_the_endpoint(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    spec = (
        HEAD
        + "paths:\n"
        + operation("oauth_op", "[{oauth: []}]")
        + SCHEMES.replace("https://auth.example.test/oauth/token", "/oauth/token")
    )
    for _ in generated_package(tmp_path_factory, "relative-token", spec):
        module = importlib.import_module("tts_relative_token")
        for options, expected in [
            ({}, "https://api.example.test/oauth/token"),
            ({"base_url": "http://127.0.0.1:9/v1"}, "http://127.0.0.1:9/oauth/token"),
        ]:
            seen: list[str] = []

            def handle(
                request: httpx.Request, seen: list[str] = seen
            ) -> httpx.Response:
                seen.append(str(request.url))
                if request.url.path == "/oauth/token":
                    return httpx.Response(200, json={"access_token": "at-0123456789"})
                return httpx.Response(200, json={"ok": True})

            client = module.Client(
                http_client=httpx.Client(transport=httpx.MockTransport(handle)),
                **OAUTH,
                **options,
            )
            with client:
                client.oauth_op()
            assert seen[0] == expected


def test_the_packages_type_check_and_lint_clean(module: Any, override: Any) -> None:
    import subprocess

    from mypy import api as mypy

    folders = [str(Path(m.__file__).parent) for m in (module, override)]
    out, err, status = mypy.run(
        ["--strict", "--python-version", "3.10", "--config-file", ""]
        + ["--no-incremental", *folders]
    )
    assert status == 0, out + err
    assert "Success: no issues found in" in out
    ruff = [sys.executable, "-m", "ruff"]
    for command in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        done = subprocess.run(
            [*ruff, *command, *folders], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr


SWAGGER = """
swagger: '2.0'
info: {title: Old, version: '1'}
host: api.example.test
basePath: /v1
schemes: [https]
x-sdkgen-errors: {code: /code, message: /message}
securityDefinitions:
  key: {type: apiKey, in: query, name: subscription-key}
  login: {type: basic}
  machine:
    type: oauth2
    flow: application
    tokenUrl: https://auth.example.test/oauth/token
    scopes: {}
security: [{key: []}]
definitions:
  Ok: {type: object, properties: {ok: {type: boolean}}}
paths:
  /a:
    get:
      operationId: A
      responses: {'200': {description: OK, schema: {$ref: '#/definitions/Ok'}}}
  /b:
    get:
      operationId: B
      security: [{login: []}]
      responses: {'200': {description: OK, schema: {$ref: '#/definitions/Ok'}}}
  /c:
    get:
      operationId: C
      security: [{machine: []}]
      responses: {'200': {description: OK, schema: {$ref: '#/definitions/Ok'}}}
"""


def test_swagger_2_security_definitions_work_as_converted(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    for _ in generated_package(tmp_path_factory, "old-auth", SWAGGER):
        module = importlib.import_module("tts_old_auth")
        vendor = Vendor()
        options = {
            "key": QKEY,
            "login_username": USER,
            "login_password": PASSWORD,
            "machine_client_id": CLIENT_ID,
            "machine_client_secret": CLIENT_SECRET,
        }
        with vendor.sync(module, **options) as client:
            client.a()
            client.b()
            client.c()
    assert module.SERVERS == ("https://api.example.test/v1",)
    assert [sent(r) for r in vendor.api] == [
        {**NOTHING, "query": {"subscription-key": [QKEY]}},
        {**NOTHING, "authorization": basic(USER, PASSWORD)},
        {**NOTHING, "authorization": "Bearer at-1-0123456789"},
    ]
    assert str(vendor.tokens[0].url) == "https://auth.example.test/oauth/token"


def test_a_requirement_the_client_cannot_meet_is_dropped_with_a_warning(
    tmp_path: Path,
) -> None:
    spec = (
        HEAD
        + "paths:\n"
        + operation("typo", "[{bearr: []}, {bearer: []}]")
        + operation("digest_op", "[{digest: []}]")
        + SCHEMES
        + "    digest: {type: http, scheme: digest}\n"
    )
    (tmp_path / "specs" / "dropped").mkdir(parents=True)
    (tmp_path / "specs" / "dropped" / "openapi.yaml").write_text(spec, encoding="utf-8")
    report = pipeline.generate("dropped", tmp_path / "specs", tmp_path / "out")
    assert [(w.pointer, w.message) for w in report.warnings] == [
        (
            "/paths/~1typo/get/security/0/bearr",
            "security scheme 'bearr' is not declared: this alternative is dropped",
        ),
        (
            "/paths/~1digest_op/get/security/0/digest",
            "security scheme 'digest' cannot be sent by a generated client ('http', "
            "'digest'): this alternative is dropped, and the operation sends none",
        ),
    ]
    with importable(tmp_path / "out"):
        module = importlib.import_module("tts_dropped")
        vendor = Vendor()
        with vendor.sync(module, bearer=TOKEN) as client:
            client.typo()
            client.digest_op()
        assert [sent(r) for r in vendor.api] == [
            {**NOTHING, "authorization": f"Bearer {TOKEN}"},
            NOTHING,
        ]
