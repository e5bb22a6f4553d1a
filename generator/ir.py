"""The intermediate representation: what the templates and the model step consume.

Plain frozen dataclasses, importing nothing of ours. Every Python name in here was decided
by `naming` while the IR was built; later steps never invent or adjust names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Location = Literal["path", "query", "header", "cookie"]


@dataclass(frozen=True)
class Field:
    """A property of a model, as the templates need it for signatures and docs."""

    name: str
    wire_name: str
    annotation: str
    required: bool
    description: str
    default: Any = None
    has_default: bool = False
    # Constraints and default in words, for docstrings and the README.
    notes: str = ""
    # XML models only: "element" or "attribute"; the checks pydantic's Field takes
    # (ge, le, max_length, pattern, ...); a value the schema fixes (sent always).
    xml: Literal["element", "attribute"] | None = None
    constraints: tuple[tuple[str, Any], ...] = ()
    fixed: Any = None


@dataclass(frozen=True)
class LengthWhen:
    """An XML model's check: `field` (text) has at most `max_length` characters when
    `when` (another field) is `value`."""

    field: str
    max_length: int
    when: str
    value: str


@dataclass(frozen=True)
class Model:
    """A named object schema. `schema` is JSON Schema whose `$ref`s use model names."""

    name: str
    description: str
    fields: tuple[Field, ...]
    schema: Mapping[str, Any]
    # Request models refuse unknown fields; models a response can carry tolerate them.
    strict: bool
    # "schema": a model of the spec, exported; "parameters": an operation's non-body
    # arguments, generated only to check them before anything is sent.
    role: Literal["schema", "parameters"] = "schema"
    # Other documented wire shapes it is read from: field -> (name there, divisor).
    wire_shapes: tuple[Mapping[str, tuple[str, float]], ...] = ()
    # XML models (from an XSD): the element it travels as when it is a document's root,
    # and groups of fields of which at least one must be given.
    xml_tag: str | None = None
    one_of: tuple[tuple[str, ...], ...] = ()
    # And lengths capped only when another field has a given value.
    length_when: tuple[LengthWhen, ...] = ()
    # A root model (a JSON schema that is no object: a list, a map, a union): the type
    # of what it holds (`list[Voice]`), which a method answering with it returns.
    root_type: str = ""

    def field(self, wire_name: str) -> Field:
        return next(f for f in self.fields if f.wire_name == wire_name)


@dataclass(frozen=True)
class Alias:
    """A component schema that is not an object: inlined where used, exported by name."""

    name: str
    annotation: str
    description: str


@dataclass(frozen=True)
class Parameter:
    name: str
    wire_name: str
    location: Location
    annotation: str
    required: bool
    description: str
    # JSON Schema of the value, `$ref`s already naming models.
    schema: Mapping[str, Any]
    # Taken once by the client (e.g. a project id) rather than by each method.
    client_level: bool = False
    env: str | None = None
    # Constraints and default in words, for docstrings and the README.
    notes: str = ""
    # How a list or an object is written (OpenAPI's `style` and `explode`, defaults and
    # undefined combinations resolved): form, spaceDelimited, pipeDelimited, deepObject
    # (query), simple (path, header), label, matrix (path), form (cookie).
    style: str = "form"
    explode: bool = True


@dataclass(frozen=True)
class FileArgument:
    """A file a multipart body carries: a method argument taking bytes, a path or a
    binary file object (`_runtime/upload.py: FileInput`), or a list of them (`many`: the
    part repeats)."""

    name: str
    wire_name: str
    required: bool
    description: str
    many: bool = False
    # The part's Content-Type when neither the caller nor the file's name tells one
    # (the spec's `encoding.<name>.contentType`, when it names a single type).
    content_type: str | None = None
    # With `many`, one file is taken too (`anyOf: [binary, array of binary]`).
    single: bool = False
    # A union of a file and something else (a reference, a URL): the type of the
    # something else, sent as the body model's field `field` when no file is given.
    other: str = ""
    field: str = ""


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method_name: str
    http_method: str
    path: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    body: Model | None
    # Method arguments taken from the body, in signature order (required first).
    body_fields: tuple[Field, ...]
    # None: a success without a body (204, or an empty 200); the method returns None.
    response: Model | None
    # Checks the method's own non-body arguments; None when it has none.
    parameters_model: Model | None
    # Safe to send twice. A lifecycle's submit never is, unless the spec says so.
    idempotent: bool
    # Example arguments by argument name (from the body's and parameters' examples).
    example: Mapping[str, Any] | None
    paging: Paging | None = None
    # The documented example of a success answer's body, as the spec gives it (what a
    # fake service answers by default); None when there is none.
    answer_example: Any = None
    # The status of the first 2xx response the spec documents (a 201 for a create).
    answer_status: int = 200
    # The media type of a bytes or text answer as the spec names it (`audio/mpeg`);
    # empty when it names none, or only a wildcard (`audio/*`).
    answer_media_type: str = ""
    # Sent on every call whatever the arguments: (where, wire name, value). An RPC
    # action and version are.
    constants: tuple[tuple[Location, str, str], ...] = ()
    # The RPC action this operation is (None for REST).
    action: str | None = None
    # How its body travels: JSON, or XML (from an XSD's model).
    body_format: Literal["json", "xml"] = "json"
    # Body fields whose own fields are arguments instead: (field, its fields' names).
    flattened: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # A response envelope (`x-sdkgen-rpc: envelope`): the body is read into
    # `envelope_model`, and the method returns the model at `envelope` in it, which is
    # `response` (the model the lifecycle's and paging's pointers start from).
    envelope_model: Model | None = None
    envelope: FieldPath | None = None
    # A request body sent neither as JSON nor as XML: "multipart" (multipart/form-data),
    # "form" (application/x-www-form-urlencoded) or "binary" (the bytes of one file,
    # the `body` argument, sent as `raw_media_type`). None: `body_format` says.
    upload: Literal["multipart", "form", "binary"] | None = None
    # The body's media types when it has several the caller chooses between with
    # `content_type=` (the default first: JSON where there is one); empty: only one.
    media_types: tuple[str, ...] = ()
    # A multipart body's file arguments (its other fields are `body_fields`).
    files: tuple[FileArgument, ...] = ()
    raw_media_type: str = ""
    # A binary body must be given (the request body's `required`).
    raw_required: bool = True
    # What a success body is read as: `response`'s model; the bytes with their content
    # type ("binary": audio, octet-stream); or text decoded by its charset ("text").
    # "binary" or "text" with a `response` too: the response's Content-Type decides.
    # "events": server-sent events, each event's data read as `response` (or its text).
    returns: Literal["model", "binary", "text", "events"] = "model"
    # Server-sent events listed beside the JSON `response` (a body's `stream: true`
    # chooses): its streaming form yields them, each event's data read as `events`
    # (or its text). Beside bytes or text ("binary", "text"): the response's
    # Content-Type decides between them and the events, in both forms.
    streams_events: bool = False
    events: Model | None = None
    # The method this one is an alternative body of (`create_image_edit` for
    # `create_image_edit_multipart`): the same operation, counted once.
    alternative_of: str = ""
    # The body is one argument, `body` (its only `body_fields`): a JSON schema other
    # than an object of properties (a union, a list, a map), checked by `body`, a root
    # model, when sent.
    whole_body: bool = False

    @property
    def method_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if not p.client_level)

    @property
    def path_arguments(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.method_parameters if p.location == "path")


@dataclass(frozen=True)
class Paging:
    """How a list operation pages: the client adds an iterator over every item."""

    kind: Literal["next-link", "next-token", "page-number"]
    iterator_name: str
    items: FieldPath
    # The type of one item (the list's element type).
    item_annotation: str
    # Where the response says what comes next (next-link, next-token) or how many in all.
    next: FieldPath | None
    total: FieldPath | None
    # The method argument that takes the token or the page number.
    argument: str | None
    first_page: int = 1


@dataclass(frozen=True)
class Credential:
    name: str
    env: str | None
    secret: bool
    optional: bool
    description: str


@dataclass(frozen=True)
class AuthScheme:
    key: str
    description: str
    credentials: tuple[Credential, ...]
    # Exactly one of these: a header carrying a token, or a named signer.
    header: str | None
    signer: Signer | None
    # Put before the token in its header (`Bearer ` for an HTTP bearer scheme).
    prefix: str = ""
    # Every header this scheme's requests carry a secret in: never logged or recorded.
    secret_headers: tuple[str, ...] = ()
    # Neither header nor signer: "query" or "cookie" (an API key sent as `name`),
    # "basic" (HTTP basic), "oauth2" (client credentials from `token_url`).
    kind: str | None = None
    name: str | None = None
    token_url: str | None = None
    scopes: tuple[str, ...] = ()
    # Query parameters a secret travels in (never logged or recorded).
    secret_query: tuple[str, ...] = ()


@dataclass(frozen=True)
class Signer:
    """A hand-written signer in generator/runtime/, copied into packages that need it."""

    scheme: str
    module: str
    class_name: str
    # Client-level parameters the signer also takes (e.g. project_id for X-Project-Id).
    client_parameters: tuple[str, ...]
    # Headers the signer adds that carry a secret (signature, session token).
    secret_headers: tuple[str, ...] = ()
    # Keyword arguments the spec fixes for it (a TC3 signer's service): (name, value).
    options: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class ClientParameter:
    name: str
    env: str | None
    description: str
    annotation: str = "str"
    # JSON Schema of the value, checked when the client is created.
    schema: Mapping[str, Any] | None = None
    # Taken when neither the argument nor the environment gives one.
    default: Any = None
    has_default: bool = False


@dataclass(frozen=True)
class ServerVariable:
    """A `{name}` in the server URL: a client argument, with its default and choices."""

    name: str
    wire_name: str
    default: str | None
    choices: tuple[str, ...]
    description: str
    # The URL starts with it (`{endpoint}/texttospeech`): its value is a scheme and a
    # host (`https://westus.api.example.com`), not a part of a host name.
    origin: bool = False


@dataclass(frozen=True)
class Server:
    url: str
    variables: tuple[ServerVariable, ...] = ()
    description: str = ""

    @property
    def needs_base_url(self) -> bool:
        """No server, or one relative to where the document was published (`/v2`, a
        Swagger 2.0 `basePath` without a `host`): the client requires `base_url=`."""
        return not self.url or self.url.startswith("/")

    def _region(self) -> ServerVariable | None:
        return next((v for v in self.variables if v.wire_name == "region"), None)

    @property
    def region_default(self) -> str:
        region = self._region()
        return region.default or "" if region else ""

    @property
    def regions(self) -> tuple[str, ...]:
        region = self._region()
        return region.choices if region else ()


@dataclass(frozen=True)
class ErrorShape:
    # JSON pointers; None for both: the common shapes of error bodies are read instead.
    code: str | None
    message: str | None
    request_id: str | None
    request_id_header: str | None
    # Vendor codes that mean bad or expired credentials, whatever the HTTP status: each
    # covers itself and the codes under it (`AuthFailure` covers `AuthFailure.X`).
    authentication_codes: tuple[str, ...] = ()
    # Codes (covering those under them, likewise) that refuse a request for its signed
    # time: the client re-signs once with the offset of the server's `Date`.
    clock_skew_codes: tuple[str, ...] = ()
    # Codes that refuse a request for its rate, whatever the status: retried like a 429.
    throttling_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldPath:
    """A response field, reached through nested models (`/Response/Status`) or not, and
    through lists (`/JobsDetail/0/State`): `indexes[i]` is taken of `fields[i]`."""

    fields: tuple[Field, ...]
    indexes: tuple[int | None, ...] = ()

    def index(self, position: int) -> int | None:
        return self.indexes[position] if position < len(self.indexes) else None

    @property
    def name(self) -> str:
        return self.fields[-1].name


@dataclass(frozen=True)
class JobLifecycle:
    submit: Operation
    query: Operation
    job_id_field: FieldPath
    # The query's argument that takes the job id: a parameter, or a field of its body.
    query_parameter: Parameter | Field
    state_field: FieldPath
    running: tuple[str, ...]
    succeeded: tuple[str, ...]
    failed: tuple[str, ...]
    failure_code_field: FieldPath | None
    failure_message_field: FieldPath | None
    # What a succeeded job produced (the audio URL, its timings): shown in generated usage.
    results: tuple[FieldPath, ...]
    poll_interval: float
    max_poll_interval: float
    # With a failure code: the codes that mean no failure. Any other fails the job,
    # whatever its state.
    ok_codes: tuple[str, ...] = ()
    # A list of the ids the service says name no job (`not-found`): one of them is the
    # waited-for job, and the wait ends at once (JobNotFoundError).
    not_found_field: FieldPath | None = None

    @property
    def result_field(self) -> FieldPath | None:
        return self.results[0] if self.results else None

    @property
    def passed_on(self) -> tuple[Parameter, ...]:
        """The query's other arguments (e.g. a user id header): `wait_for_job` takes them
        too and passes them on to every poll."""
        return tuple(
            p
            for p in self.query.method_parameters
            if p.name != self.query_parameter.name
        )

    @property
    def states(self) -> tuple[str, ...]:
        """Every state the spec names; any other is still running, and worth a warning."""
        return self.running + self.succeeded + self.failed


@dataclass(frozen=True)
class Callback:
    function_name: str
    model: Model
    description: str

    @property
    def xml(self) -> bool:
        """An XML model reads the XML body, and the JSON one the vendor sends instead."""
        return self.model.xml_tag is not None


@dataclass(frozen=True)
class Api:
    key: str
    spec_path: str
    spec_sha256: str
    package: str
    distribution: str
    title: str
    summary: str
    description: str
    # The API's own version (often a date); `package_version` is what pip installs.
    version: str
    server: Server
    client_parameters: tuple[ClientParameter, ...]
    auth: tuple[AuthScheme, ...]
    errors: ErrorShape
    operations: tuple[Operation, ...]
    models: tuple[Model, ...]
    lifecycle: JobLifecycle | None
    callbacks: tuple[Callback, ...]
    package_version: str = "0"
    aliases: tuple[Alias, ...] = ()
    # Operations left out, as "METHOD /path": what the generator cannot express yet.
    skipped_operations: tuple[str, ...] = ()
    # Runtime modules its models need besides the core ones (`wire`).
    runtime_modules: tuple[str, ...] = ()
    # The document's `security`, and operations that need something else:
    # (operationId, requirements). A requirement is a set of scheme keys.
    security: tuple[tuple[str, ...], ...] = ()
    operation_security: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = ()
    # Every server of the spec, the default (`server`) first; none: `base_url=` is needed.
    servers: tuple[Server, ...] = ()

    @property
    def needs_base_url(self) -> bool:
        """No server the client can call by itself (none, or only relative ones): the
        client requires `base_url=`."""
        return all(server.needs_base_url for server in self.servers)

    @property
    def server_variables(self) -> tuple[ServerVariable, ...]:
        """One client argument per variable name, across the servers (first one wins)."""
        seen: dict[str, ServerVariable] = {}
        for server in self.servers:
            for variable in server.variables:
                seen.setdefault(variable.name, variable)
        return tuple(seen.values())

    @property
    def signers(self) -> tuple[Signer, ...]:
        return tuple(s.signer for s in self.auth if s.signer is not None)
