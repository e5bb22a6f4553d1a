"""The intermediate representation: what the templates and the model step consume.

Plain frozen dataclasses, importing nothing of ours. Every Python name in here was decided
by `naming` while the IR was built; later steps never invent or adjust names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Location = Literal["path", "query", "header"]


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

    def field(self, wire_name: str) -> Field:
        return next(f for f in self.fields if f.wire_name == wire_name)


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
    response: Model
    # Checks the method's own non-body arguments; None when it has none.
    parameters_model: Model | None
    idempotent: bool
    example: Mapping[str, Any] | None

    @property
    def method_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if not p.client_level)

    @property
    def path_arguments(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.method_parameters if p.location == "path")


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


@dataclass(frozen=True)
class Signer:
    """A hand-written signer in generator/runtime/, copied into packages that need it."""

    scheme: str
    module: str
    class_name: str
    # Client-level parameters the signer also takes (e.g. project_id for X-Project-Id).
    client_parameters: tuple[str, ...]


@dataclass(frozen=True)
class ClientParameter:
    name: str
    env: str | None
    description: str


@dataclass(frozen=True)
class Server:
    url: str
    region_default: str
    regions: tuple[str, ...]


@dataclass(frozen=True)
class ErrorShape:
    code: str
    message: str
    request_id: str | None
    request_id_header: str | None


@dataclass(frozen=True)
class FieldPath:
    """A response field, reached through nested models (`/Response/Status`) or not."""

    fields: tuple[Field, ...]

    @property
    def name(self) -> str:
        return self.fields[-1].name


@dataclass(frozen=True)
class JobLifecycle:
    submit: Operation
    query: Operation
    job_id_field: FieldPath
    query_parameter: Parameter
    state_field: FieldPath
    running: tuple[str, ...]
    succeeded: tuple[str, ...]
    failed: tuple[str, ...]
    failure_code_field: FieldPath | None
    failure_message_field: FieldPath | None
    # What a succeeded job produced (e.g. the audio URL): shown in generated usage.
    result_field: FieldPath | None
    poll_interval: float
    max_poll_interval: float

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
    version: str
    server: Server
    client_parameters: tuple[ClientParameter, ...]
    auth: tuple[AuthScheme, ...]
    errors: ErrorShape
    operations: tuple[Operation, ...]
    models: tuple[Model, ...]
    lifecycle: JobLifecycle | None
    callbacks: tuple[Callback, ...]

    @property
    def signers(self) -> tuple[Signer, ...]:
        return tuple(s.signer for s in self.auth if s.signer is not None)
