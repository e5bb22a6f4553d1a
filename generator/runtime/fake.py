"""An in-memory fake of the service, for tests of code that uses this package.

`<package>.testing.FakeService` describes the service (its operations, job lifecycle,
paging and error envelope, all taken from the spec); this module is the machinery: an
httpx transport that answers in the vendor's wire format (nothing listens on a port), a
store of jobs that walk through the lifecycle's states, faults on demand, a log of the
calls and a virtual clock, which the fake's clients wait on, so that `wait_for_job` and
retry back-offs take no real time.

The fake follows the spec; it is not the vendor. A request the spec forbids is refused
with the vendor's validation error; a request signed with other credentials than the
fake's with its authentication error. What the spec does not say (the exact wording of an
error, limits that are only in the vendor's head), the fake does not know.
"""

from __future__ import annotations

import copy
import email.utils
import itertools
import json
import re
import threading
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal, TypeVar
from urllib.parse import unquote

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from .deadline import Clock
from .request import Auth

# A pointer into a JSON document: member names and list indexes.
Pointer = tuple[str | int, ...]
Role = Literal["submit", "query", "list", "delete", "cancel", "other"]
_C = TypeVar("_C")


class VirtualClock(Clock):
    """Time that moves only when someone sleeps (or the test says so): a wait of an hour
    takes no time at all. Its Unix time starts at a whole second, so a signature's
    timestamp reads back exactly."""

    real = False

    def __init__(self, start: float | None = None) -> None:
        self._start = float(int(time.time())) if start is None else start
        self._elapsed = 0.0
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        return 1_000_000.0 + self._elapsed

    def time(self) -> float:
        return self._start + self._elapsed

    def sleep(self, seconds: float) -> None:  # type: ignore[override]
        self.advance(seconds)

    async def asleep(self, seconds: float) -> None:
        self.advance(seconds)
        # Still a point where other tasks run, as a real sleep would be.
        import asyncio

        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        """Move the clock `seconds` forward."""
        with self._lock:
            self._elapsed += max(float(seconds), 0.0)

    @property
    def elapsed(self) -> float:
        """Virtual seconds since the clock was made."""
        return self._elapsed


@dataclass(frozen=True)
class Argument:
    """A non-body argument of an operation: its field in the parameters model, where it
    travels and under which name."""

    name: str
    wire: str
    location: str
    # Taken once by the client (checked against its ClientParameters model).
    client: bool = False


@dataclass(frozen=True)
class Paging:
    kind: Literal["next-link", "next-token", "page-number"]
    items: Pointer
    next: Pointer | None = None
    total: Pointer | None = None
    # The wire name of the argument that takes the token or page number.
    argument: str | None = None
    first_page: int = 1


@dataclass(frozen=True)
class Operation:
    """One operation as the fake serves it."""

    name: str
    method_name: str
    method: str
    path: str
    role: Role = "other"
    # Sent on every call whatever the arguments (an RPC action and version): (where,
    # wire name, value). A request that matches the path but not these is refused.
    constants: tuple[tuple[str, str, str], ...] = ()
    arguments: tuple[Argument, ...] = ()
    parameters: type[BaseModel] | None = None
    client_parameters: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    body_required: bool = True
    body_format: Literal["json", "xml"] = "json"
    # Where the method's answer sits in the body (an RPC envelope), and its model.
    envelope: Pointer = ()
    answer: type[BaseModel] | None = None
    answer_body: type[BaseModel] | None = None
    # The documented example of the whole success body, and the success status.
    example: Any = None
    status: int = 200
    paging: Paging | None = None
    # The argument (wire name) that names the job, for a query or a delete.
    job_argument: str | None = None
    # What a success body is: `answer`'s document, bytes, text or server-sent events
    # (each event's data of `events`, or text). With `streams_events`, a JSON answer
    # turns into events when the request's body asks for a stream (`stream: true`).
    returns: Literal["model", "binary", "text", "events"] = "model"
    events: type[BaseModel] | None = None
    streams_events: bool = False
    # The documented media type of a success body that is not a document, if known.
    media_type: str | None = None
    # A request body that is a file ("binary") or carries files besides its fields
    # ("multipart"), or fields as a form: its files' (wire name, required).
    upload: Literal["multipart", "form", "binary"] | None = None
    files: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True)
class Lifecycle:
    """The job lifecycle: pointers start at the method's answer (inside an envelope)."""

    job_id: Pointer
    state: Pointer
    running: tuple[str, ...]
    succeeded: tuple[str, ...]
    failed: tuple[str, ...]
    failure_code: Pointer | None = None
    failure_message: Pointer | None = None
    ok_codes: tuple[str, ...] = ()
    results: tuple[Pointer, ...] = ()
    # Where a query lists the ids it was asked for that name no job (answered with 200).
    not_found: Pointer | None = None
    # The pattern a job id matches, if the spec gives one.
    id_pattern: str | None = None

    @property
    def states(self) -> tuple[str, ...]:
        return self.running + self.succeeded + self.failed


@dataclass(frozen=True)
class Errors:
    """Where the vendor's error envelope puts its parts, and the codes the spec names."""

    code: Pointer | None
    message: Pointer | None
    request_id: Pointer | None
    request_id_header: str | None
    authentication_codes: tuple[str, ...] = ()
    clock_skew_codes: tuple[str, ...] = ()
    throttling_codes: tuple[str, ...] = ()
    # Errors travel inside the success envelope, with HTTP 200.
    in_envelope: bool = False
    xml: bool = False


@dataclass
class Job:
    """A job the fake holds."""

    id: str
    state: str
    polls: int = 0
    # Values to answer at the lifecycle's result pointers (or any pointer of the answer).
    result: dict[Pointer, Any] = field(default_factory=dict)
    code: str | None = None
    message: str | None = None
    request: BaseModel | None = None


@dataclass(frozen=True)
class FakeFile:
    """A file a request carried (a multipart part with a filename, or the whole body
    of a binary upload): what it was, never its bytes."""

    name: str
    filename: str | None
    content_type: str | None
    size: int


@dataclass(frozen=True)
class FakeCall:
    """A request the fake received: its operation, its arguments as the package's own
    models, the files it carried, and its headers, secrets masked."""

    operation: str
    method_name: str
    parameters: BaseModel | None
    body: BaseModel | None
    headers: Mapping[str, str]
    status: int
    files: tuple[FakeFile, ...] = ()


@dataclass
class _Fault:
    status: int | None
    code: str | None
    message: str | None
    retry_after: float | None
    body: bytes | None
    drop: bool | type[httpx.TransportError]
    skew: float | None
    times: int


class _Refusal(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


# Headers httpx adds to a request after it is signed: not part of what was signed.
_UNSIGNED = frozenset(
    {"host", "accept", "accept-encoding", "connection", "user-agent", "content-length"}
)
_PAGE_SIZE = re.compile(r"(?i)^(page_?size|max_?results|limit|per_?page|size)$")


class FakeService:
    """An in-memory fake of the service, with state. See `<package>.testing`."""

    operations: tuple[Operation, ...] = ()
    lifecycle: Lifecycle | None = None
    errors: Errors = Errors(None, None, None, None)
    # The credentials and client arguments the fake's clients are made with.
    credentials: ClassVar[Mapping[str, str]] = {}
    secret_credentials: tuple[str, ...] = ()
    client_arguments: ClassVar[Mapping[str, str]] = {}
    # Headers whose values never appear in `calls`.
    secret_headers: tuple[str, ...] = ()
    base_url = "https://fake.service.test"
    # Codes of the refusals the spec does not document: generic ones.
    validation_code = "InvalidParameter"
    not_found_code = "ResourceNotFound"

    def __init__(
        self,
        *,
        polls: int = 2,
        page_size: int = 10,
        clock: VirtualClock | None = None,
    ) -> None:
        if polls < 1:
            raise ValueError("polls must be >= 1")
        self.polls = polls
        self.page_size = page_size
        self.clock = clock if clock is not None else VirtualClock()
        self.jobs: dict[str, Job] = {}
        self.calls: list[FakeCall] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._offsets: set[float] = {0.0}
        self._ids = itertools.count(1)
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(jobs={len(self.jobs)}, calls={len(self.calls)})"

    # -- what a package's testing module provides ---------------------------------

    def auth(self, operation: str) -> Auth | None:
        """What the fake checks `operation`'s signature with (None: nothing to check)."""
        return None

    # -- wiring ---------------------------------------------------------------

    def transport(self) -> FakeTransport:
        """An httpx transport (sync and async) that the fake answers."""
        return FakeTransport(self)

    def http_client(self) -> httpx.Client:
        """An httpx client whose every request the fake answers."""
        return httpx.Client(transport=self.transport())

    def async_http_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self.transport())

    def use_clock(self, client: _C) -> _C:
        """`client` (the package's Client or AsyncClient) waits on the fake's clock."""
        client._core.clock = self.clock  # type: ignore[attr-defined]
        return client

    def sign(self, request: httpx.Request, operation: str) -> httpx.Request:
        """`request`, built by hand, signed for `operation` with the fake's credentials
        at the fake's time: to send the fake what the client would never send."""
        auth = self.auth(self._operation(operation).name)
        if auth is not None:
            request.read()
            unsigned = {
                name: value
                for name, value in request.headers.items()
                if name.lower() not in _UNSIGNED
            }
            request.headers.update(
                auth.sign(
                    request.method,
                    str(request.url),
                    unsigned,
                    request.content,
                    now=self.clock.time(),
                )
            )
        return request

    # -- the test's controls --------------------------------------------------------

    def job(self, job_id: str) -> Job:
        try:
            return self.jobs[job_id]
        except KeyError:
            raise KeyError(f"no job {job_id!r} in the fake") from None

    def add_job(self, state: str | None = None) -> Job:
        """A job, as if submitted (in its first state, or `state`)."""
        lifecycle = self._lifecycle()
        with self._lock:
            job = Job(id=self._new_id(), state=state or lifecycle.running[0])
            self.jobs[job.id] = job
        return job

    def _new_id(self) -> str:
        """A fresh job id, of the spec's pattern where it has one: a UUID, else a
        number after the pattern's fixed start (`^b-[0-9]+$`: b-7), else a number."""
        pattern = self._lifecycle().id_pattern
        number = str(next(self._ids))
        candidates = [str(uuid.uuid4())]
        if pattern is not None:
            start = re.match(r"\^?((?:[^\\\[\](){}.*+?^$|]|\\[-./_])*)", pattern)
            prefix = start.group(1).replace("\\", "") if start else ""
            candidates += [prefix + number, number, prefix + uuid.uuid4().hex]
        for candidate in candidates:
            if pattern is None or re.search(pattern, candidate):
                return candidate
        return candidates[0]

    def advance(self, job_id: str) -> Job:
        """Move a job one state on (the last running state goes to succeeded)."""
        lifecycle = self._lifecycle()
        job = self.job(job_id)
        with self._lock:
            if job.state in lifecycle.running:
                at = lifecycle.running.index(job.state)
                job.state = (
                    lifecycle.running[at + 1]
                    if at + 1 < len(lifecycle.running)
                    else lifecycle.succeeded[0]
                )
        return job

    def complete(self, job_id: str, result: Mapping[str, Any] | None = None) -> Job:
        """End a job in success; `result` holds values of its answer, by JSON pointer
        (`/audio_file_url`) or by the name of a result field."""
        lifecycle = self._lifecycle()
        job = self.job(job_id)
        with self._lock:
            job.state = lifecycle.succeeded[0]
            for key, value in (result or {}).items():
                job.result[self._result_pointer(key)] = value
        return job

    def fail(self, job_id: str, code: str, message: str = "failed") -> Job:
        """End a job in failure, with the vendor's `code` and `message`."""
        lifecycle = self._lifecycle()
        job = self.job(job_id)
        with self._lock:
            job.state = lifecycle.failed[0]
            job.code = code
            job.message = message
        return job

    def fail_next(
        self,
        operation: str,
        *,
        status: int | None = None,
        code: str | None = None,
        message: str | None = None,
        retry_after: float | None = None,
        body: bytes | str | None = None,
        drop: bool | type[httpx.TransportError] = False,
        skew: float | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` requests of `operation` (its name, method name or role:
        "submit", "query", "list", "delete") fail: with `status` and the vendor's error
        envelope (`code`, `message`; a `Retry-After` of `retry_after` seconds); with `body`
        as it is (a malformed answer); dropped (`drop=True`: the connection breaks after
        the request was sent; an httpx error class, e.g. httpx.ConnectError: that error);
        or refused for its signed time (`skew`: the server's clock is that many seconds
        ahead, and its `Date` says so)."""
        op = self._operation(operation)
        raw = body.encode() if isinstance(body, str) else body
        fault = _Fault(status, code, message, retry_after, raw, drop, skew, times)
        with self._lock:
            self._faults.setdefault(op.name, []).append(fault)

    # -- serving --------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        """The fake's answer to `request`."""
        request.read()
        with self._lock:
            return self._handle(request)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        try:
            op, path_values = self._route(request)
        except _Refusal as refusal:
            refused = self._error(refusal.status, refusal.code, refusal.message)
            # Logged too (with no operation): a test may count what reached the fake.
            self.calls.append(
                FakeCall(
                    operation="",
                    method_name="",
                    parameters=None,
                    body=None,
                    headers=self._redacted(request.headers),
                    status=refused.status_code,
                )
            )
            return refused
        fault = self._take_fault(op)
        if fault is not None and fault.drop:
            error = fault.drop if isinstance(fault.drop, type) else None
            if error is None:
                raise httpx.RemoteProtocolError(
                    "the fake dropped the connection", request=request
                )
            raise error("the fake dropped the connection", request=request)
        parameters = body = None
        files: tuple[FakeFile, ...] = ()
        try:
            self._check_signature(request, op)
            parameters, body, files = self._validate(request, op, path_values)
            if fault is not None:
                response = self._fault_response(fault)
            else:
                response = self._answer(
                    op, request, path_values, body if body is not None else parameters
                )
        except _Refusal as refusal:
            response = self._error(refusal.status, refusal.code, refusal.message)
        self.calls.append(
            FakeCall(
                operation=op.name,
                method_name=op.method_name,
                parameters=parameters,
                body=body,
                headers=self._redacted(request.headers),
                status=response.status_code,
                files=files,
            )
        )
        return response

    def _redacted(self, headers: httpx.Headers) -> dict[str, str]:
        secret = {h.lower() for h in self.secret_headers} | {"authorization"}
        return {
            name: ("***" if name.lower() in secret else value)
            for name, value in headers.items()
        }

    def _operation(self, name: str) -> Operation:
        for op in self.operations:
            if name in (op.name, op.method_name):
                return op
        for op in self.operations:
            if op.role == name:
                return op
        known = ", ".join(op.method_name for op in self.operations)
        raise ValueError(f"the fake has no operation {name!r}; known: {known}")

    def _lifecycle(self) -> Lifecycle:
        if self.lifecycle is None:
            raise TypeError("this service has no job lifecycle")
        return self.lifecycle

    def _result_pointer(self, key: str) -> Pointer:
        if key.startswith("/"):
            return _parse_pointer(key)
        for pointer in self._lifecycle().results:
            if pointer and pointer[-1] == key:
                return pointer
        return (key,)

    def _take_fault(self, op: Operation) -> _Fault | None:
        faults = self._faults.get(op.name)
        if not faults:
            return None
        fault = faults[0]
        fault.times -= 1
        if fault.times <= 0:
            faults.pop(0)
        return fault

    # -- routing ----------------------------------------------------------------------

    def _route(self, request: httpx.Request) -> tuple[Operation, dict[str, str]]:
        path = request.url.path
        base = httpx.URL(self.base_url).path.rstrip("/")
        if base and path.startswith(base):
            path = path[len(base) :] or "/"
        matched: list[tuple[Operation, dict[str, str]]] = []
        for op in self.operations:
            if op.method != request.method:
                continue
            values = _match(op.path, path)
            if values is not None:
                matched.append((op, values))
        if not matched:
            raise _Refusal(
                404,
                self.not_found_code,
                f"no operation answers {request.method} {path}",
            )
        # One operation in several bodies (JSON, or multipart with files): the one
        # whose body the request's Content-Type is.
        matched.sort(key=lambda found: not _fits(found[0], request))
        for op, values in matched:
            if all(
                _sent(request, where, name) == value
                for where, name, value in op.constants
            ):
                return op, values
        constants = {
            (where, name) for op, _ in matched for where, name, _ in op.constants
        }
        sent = ", ".join(
            f"{name}={_sent(request, where, name)!r}"
            for where, name in sorted(constants)
        )
        raise _Refusal(
            self._status(400),
            self.validation_code,
            f"no action or version of this service matches ({sent})",
        )

    # -- checks ---------------------------------------------------------------------

    def _check_signature(self, request: httpx.Request, op: Operation) -> None:
        auth = self.auth(op.name)
        if auth is None:
            return
        url = str(request.url)
        base = {
            name: value
            for name, value in request.headers.items()
            if name.lower() not in _UNSIGNED
        }
        body = request.content
        now = self.clock.time()
        secret = {h.lower() for h in self.secret_headers} | {"authorization"}
        for offset in sorted(self._offsets):
            try:
                added = auth.sign(request.method, url, base, body, now=now + offset)
            except (TypeError, ValueError):
                continue
            own = {name.lower() for name in added}
            # Signed again as it was sent: without what the signer adds, at the fake's
            # time; or keeping the non-secret headers it adds (a date, a nonce), which
            # signers take as given.
            for dropped in (own, own & secret):
                unsigned = {k: v for k, v in base.items() if k.lower() not in dropped}
                try:
                    expected = auth.sign(
                        request.method, url, unsigned, body, now=now + offset
                    )
                except (TypeError, ValueError):
                    continue
                if all(request.headers.get(k) == v for k, v in expected.items()):
                    return
        codes = self.errors.authentication_codes
        raise _Refusal(
            self._status(401),
            codes[0] if codes else "Unauthorized",
            "the request's signature does not match the fake's credentials",
        )

    def _validate(
        self, request: httpx.Request, op: Operation, path_values: Mapping[str, str]
    ) -> tuple[BaseModel | None, BaseModel | None, tuple[FakeFile, ...]]:
        parameters = body = None
        files: tuple[FakeFile, ...] = ()
        values: dict[str, Any] = {}
        for argument in op.arguments:
            if argument.location == "path":
                value: Any = path_values.get(argument.wire)
            elif argument.location == "query":
                found = request.url.params.get_list(argument.wire)
                value = found[0] if len(found) == 1 else (found or None)
            elif argument.location == "header":
                value = request.headers.get(argument.wire)
            else:
                value = _cookie(request, argument.wire)
            if argument.client:
                self._check_client_argument(op, argument, value)
            elif value is not None:
                values[argument.name] = value
        if op.parameters is not None:
            schema = _field_schema(op.parameters)
            defs = schema.get("$defs", {})
            fields = schema.get("properties", {})
            typed = {
                name: _from_text(value, fields.get(name, {}), defs)
                for name, value in values.items()
            }
            try:
                # Text reads back as the type declared for it, in the forms the client
                # writes ("true", "12"), nothing looser; a JSON document inside a
                # string is held to its schema as strictly as a JSON body is.
                parameters = op.parameters.model_validate_json(
                    json.dumps(typed), strict=True
                )
            except ValidationError as error:
                raise self._invalid(error) from None
        body, files = self._read_body(request, op)
        return parameters, body, files

    def _read_body(
        self, request: httpx.Request, op: Operation
    ) -> tuple[BaseModel | None, tuple[FakeFile, ...]]:
        """The body's fields as `op.body`, and the files it carries: as JSON or XML, or
        (by its Content-Type) a multipart body or a form; a raw upload is one file."""
        content = request.content
        media = request.headers.get("content-type", "")
        essence = media.split(";", 1)[0].strip().lower()
        if op.upload == "binary":
            if not content:
                if op.body_required:
                    raise self._refusal("the request has no body")
                return None, ()
            return None, (FakeFile("body", None, media or None, len(content)),)
        if op.body is None and not op.files:
            return None, ()
        if not content:
            if op.body_required:
                raise self._refusal("the request has no body")
            return None, ()
        body: BaseModel | None = None
        files: tuple[FakeFile, ...] = ()
        try:
            if essence in (_MULTIPART, _FORM):
                if essence == _MULTIPART:
                    fields, files = _multipart(media, content)
                else:
                    fields = _form(content)
                given = {f.name for f in files}
                for name, required in op.files:
                    if required and name not in given and name not in fields:
                        raise self._refusal(f"{name}: a file is required")
                if op.body is not None:
                    body = op.body.model_validate_json(
                        json.dumps(_typed_fields(op.body, fields)), strict=True
                    )
                elif fields:
                    raise self._refusal(f"{', '.join(fields)}: no such field")
            elif op.body is None:
                raise self._refusal(f"a body of {media or 'no type'} is not taken here")
            elif op.body_format == "xml":
                body = op.body.from_xml(content)  # type: ignore[attr-defined]
            else:
                body = op.body.model_validate_json(content)
        except ValidationError as error:
            raise self._invalid(error) from None
        except (ValueError, SyntaxError) as error:
            # (ElementTree's ParseError is a SyntaxError.)
            raise self._refusal(f"the body cannot be read: {error}") from None
        return body, files

    def _refusal(self, message: str) -> _Refusal:
        return _Refusal(self._status(400), self.validation_code, message)

    def _check_client_argument(
        self, op: Operation, argument: Argument, value: Any
    ) -> None:
        model = op.client_parameters
        if model is None or argument.name not in model.model_fields:
            return
        info = model.model_fields[argument.name]
        if value is None:
            if info.is_required():
                raise _Refusal(
                    self._status(400),
                    self.validation_code,
                    f"{argument.wire}: missing",
                )
            return
        try:
            _adapter(model, argument.name).validate_python(value, strict=False)
        except ValidationError as error:
            message = error.errors()[0]["msg"]
            raise _Refusal(
                self._status(400), self.validation_code, f"{argument.wire}: {message}"
            ) from None

    def _invalid(self, error: ValidationError) -> _Refusal:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the request"
        return _Refusal(
            self._status(400), self.validation_code, f"{where}: {first['msg']}"
        )

    def _status(self, status: int) -> int:
        """The status of an API error: 200 where errors travel in the success envelope."""
        return 200 if self.errors.in_envelope else status

    # -- answers ----------------------------------------------------------------------

    def _answer(
        self,
        op: Operation,
        request: httpx.Request,
        path_values: Mapping[str, str],
        body: BaseModel | None,
    ) -> httpx.Response:
        if op.returns != "model" or (op.streams_events and _asks_stream(request)):
            return self._respond_raw(op, request)
        document = self._template(op)
        answer = _at(document, op.envelope) if document is not None else {}
        if op.role == "submit" and self.lifecycle is not None:
            job = self.add_job()
            job.request = body
            _put(answer, self.lifecycle.job_id, job.id)
        elif op.role == "query" and self.lifecycle is not None:
            known, unknown = self._named_jobs(request, op, path_values)
            if not known and (unknown and self.lifecycle.not_found is not None):
                _put(answer, self.lifecycle.not_found, unknown)
                _drop_first(answer, self.lifecycle.state)
            elif not known:
                raise _Refusal(self._status(404), self.not_found_code, "no such job")
            else:
                job = self.jobs[known[0]]
                self._poll(job)
                self._describe(answer, job, op.answer)
        elif op.role == "list" and op.paging is not None:
            self._page(op, request, answer)
        elif op.role in ("delete", "cancel") and self.lifecycle is not None:
            known, _ = self._named_jobs(request, op, path_values)
            if not known:
                raise _Refusal(self._status(404), self.not_found_code, "no such job")
            for job_id in known:
                if op.role == "delete":
                    del self.jobs[job_id]
                else:
                    self._cancel(self.jobs[job_id])
        if document is None:
            return self._respond_empty(op.status)
        return self._respond(op.status, document)

    def _template(self, op: Operation) -> Any:
        if op.answer_body is None and op.example is None:
            return None
        """The operation's documented example (or one made from its schema), with the
        envelope around it."""
        if isinstance(op.example, (dict, list)):
            document = copy.deepcopy(op.example)
        elif op.answer_body is not None:
            document = synthesise(op.answer_body)
            tag = getattr(op.answer_body, "__xml_tag__", None)
            if tag is not None:
                # An XML document: its root element around what the model holds.
                document = {tag: document}
        else:
            document = {}
        if op.envelope and not isinstance(_at(document, op.envelope), dict):
            _put(document, op.envelope, {})
        request_id = self.errors.request_id
        if (
            op.envelope
            and request_id is not None
            and request_id[: len(op.envelope)] == op.envelope
        ):
            _put(document, request_id, self._request_id())
        return document

    def _named_jobs(
        self, request: httpx.Request, op: Operation, path_values: Mapping[str, str]
    ) -> tuple[list[str], list[str]]:
        """The ids the request names (in its job argument, where a list of them may be
        separated by commas, or in its body): those of jobs the fake holds, and others.
        """
        texts: list[str] = []
        if op.job_argument is not None:
            if op.job_argument in path_values:
                texts.append(path_values[op.job_argument])
            texts += request.url.params.get_list(op.job_argument)
            header = request.headers.get(op.job_argument)
            if header is not None:
                texts.append(header)
        if not texts and request.content:
            try:
                texts += _strings(json.loads(request.content))
            except ValueError:
                texts += re.findall(
                    r">([^<>]+)<", request.content.decode("utf-8", "replace")
                )
        known: list[str] = []
        unknown: list[str] = []
        for text in texts:
            for part in re.split(r"[,\s]+", text):
                if not part:
                    continue
                group = known if part in self.jobs else unknown
                if part not in group:
                    group.append(part)
        return known, unknown

    def _cancel(self, job: Job) -> None:
        lifecycle = self._lifecycle()
        if job.state not in lifecycle.running:
            raise _Refusal(
                self._status(400),
                self.validation_code,
                f"job {job.id} is {job.state}: only a running job can be cancelled",
            )
        cancelled = [s for s in lifecycle.failed if re.match(r"(?i)cancel", s)]
        job.state = (cancelled or list(lifecycle.failed))[-1]

    def _poll(self, job: Job) -> None:
        lifecycle = self._lifecycle()
        if job.state not in lifecycle.running:
            return
        job.polls += 1
        if job.polls >= self.polls:
            job.state = lifecycle.succeeded[0]
        else:
            job.state = lifecycle.running[min(job.polls, len(lifecycle.running) - 1)]

    def _describe(
        self, answer: Any, job: Job, model: type[BaseModel] | None, base: Pointer = ()
    ) -> None:
        """Write `job` into a query's answer (or a list's item, at `base` in `model`)."""
        lifecycle = self._lifecycle()
        _put(answer, lifecycle.state, job.state)
        holder = _at(answer, lifecycle.state[:-1])
        # The job's id beside its state, where the answer's schema has a place for it.
        if isinstance(holder, dict) and lifecycle.job_id and model is not None:
            where = base + lifecycle.state[:-1] + lifecycle.job_id[-1:]
            if _schema_at(_schema_of(model), where) is not None:
                holder[lifecycle.job_id[-1]] = job.id
        code = job.code if job.state in lifecycle.failed else None
        if lifecycle.failure_code is not None:
            if code is None and lifecycle.ok_codes:
                code = lifecycle.ok_codes[0]
            if code is not None:
                _put(
                    answer,
                    lifecycle.failure_code,
                    _like(answer, lifecycle.failure_code, code),
                )
        if lifecycle.failure_message is not None and job.state in lifecycle.failed:
            _put(answer, lifecycle.failure_message, job.message or "failed")
        if job.state in lifecycle.succeeded and model is not None:
            # A result the example does not show: one made from its schema.
            schema = _schema_of(model)
            for pointer in lifecycle.results:
                if _at(answer, pointer) is None:
                    made = _made(schema, base + pointer, job.id)
                    if made is not None:
                        _put(answer, pointer, made)
        for pointer, value in job.result.items():
            _put(answer, pointer, value)

    def _describe_item(
        self,
        item: dict[str, Any],
        job: Job,
        schema: Mapping[str, Any],
        defs: Mapping[str, Any],
    ) -> None:
        """Write `job` into a list's item, in the fields its schema has: those of the
        query's names, else the ones that hold a state or an id by their values or name.
        """
        lifecycle = self._lifecycle()
        fields = schema.get("properties", {})

        def named(
            leaf: Pointer | None, pattern: str, values: tuple[str, ...] = ()
        ) -> str | None:
            if leaf and leaf[-1] in fields:
                return str(leaf[-1])
            for name, node in fields.items():
                options = _enum(node, defs)
                if values and options and set(values) & set(options):
                    return str(name)
            return next((str(n) for n in fields if re.search(pattern, str(n))), None)

        id_key = named(lifecycle.job_id, r"(?i)(job|task)_?id$")
        state_key = named(lifecycle.state, r"(?i)(state|status)$", lifecycle.states)
        if id_key is not None:
            item[id_key] = job.id
        if state_key is not None:
            item[state_key] = job.state
        if job.state in lifecycle.failed:
            code_key = named(lifecycle.failure_code, r"(?i)^(error_?)?code$")
            message_key = named(
                lifecycle.failure_message, r"(?i)^(error_?)?(message|msg)$"
            )
            if code_key is not None and job.code is not None:
                item[code_key] = job.code
            if message_key is not None:
                item[message_key] = job.message or "failed"

    def _page(self, op: Operation, request: httpx.Request, answer: Any) -> None:
        paging = op.paging
        assert paging is not None
        arguments = _arguments(request)
        size = self.page_size
        for name, value in arguments.items():
            if _PAGE_SIZE.match(name) and str(value).isdigit() and int(value) > 0:
                size = int(value)
        given = arguments.get(paging.argument) if paging.argument else None
        if paging.kind == "page-number":
            page = (
                int(given)
                if given is not None and str(given).isdigit()
                else paging.first_page
            )
            start = (page - paging.first_page) * size
        else:
            start = int(given) if given is not None and str(given).isdigit() else 0
        jobs = list(self.jobs.values())
        chosen = jobs[start : start + size]
        template = _first_item(_at(answer, paging.items)) or self._item_template(op)
        items = []
        whole = _schema_of(op.answer) if op.answer is not None else {}
        item_schema = _schema_at(whole, (*paging.items, 0)) if whole else None
        for job in chosen:
            item = copy.deepcopy(template)
            if isinstance(item, dict):
                self._describe_item(
                    item, job, item_schema or {}, whole.get("$defs", {})
                )
            items.append(item)
        _put(answer, paging.items, items)
        more = start + size < len(jobs)
        if paging.next is not None:
            if paging.kind == "next-token":
                if more:
                    _put(answer, paging.next, str(start + size))
                else:
                    _drop(answer, paging.next)
            elif paging.kind == "next-link":
                if more:
                    url = request.url.copy_merge_params(
                        {paging.argument or "offset": str(start + size)}
                    )
                    _put(answer, paging.next, str(url))
                else:
                    _drop(answer, paging.next)
        if paging.total is not None:
            _put(answer, paging.total, len(jobs))

    def _item_template(self, op: Operation) -> Any:
        if op.answer is None or op.paging is None:
            return {}
        schema = _schema_of(op.answer)
        item = _schema_at(schema, (*op.paging.items, 0))
        return _synth(item, schema.get("$defs", {}), 0) if item is not None else {}

    # -- the wire -------------------------------------------------------------------

    def _request_id(self) -> str:
        return str(uuid.UUID(int=next(self._ids)))

    def _headers(self, request_id: str) -> dict[str, str]:
        headers = {"Date": email.utils.formatdate(self.clock.time(), usegmt=True)}
        if self.errors.request_id_header:
            headers[self.errors.request_id_header] = request_id
        return headers

    def _respond_raw(self, op: Operation, request: httpx.Request) -> httpx.Response:
        """A success body that is no document: bytes (the spec's example, else a small
        payload, the same every time), text, or a few server-sent events made from the
        event schema, then the end of the stream."""
        headers = self._headers(self._request_id())
        example = op.example
        if op.returns == "binary":
            if isinstance(example, str):
                content = example.encode()
            elif isinstance(example, bytes):
                content = example
            else:
                content = bytes(range(256))
            media_type = op.media_type or "application/octet-stream"
        elif op.returns == "text":
            text = example if isinstance(example, str) else f"{op.method_name}\n"
            content = text.encode()
            media_type = (op.media_type or "text/plain") + "; charset=utf-8"
        else:
            events = []
            for number in range(1, 4):
                if op.events is not None:
                    document = _event_document(op.events, number - 1, number == 3)
                    data = json.dumps(document, ensure_ascii=False)
                else:
                    data = f"{op.method_name} {number}"
                events.append(f"id: {number}\ndata: {data}\n\n")
            content = "".join(events).encode()
            media_type = "text/event-stream"
        headers["Content-Type"] = media_type
        return httpx.Response(op.status, headers=headers, content=content)

    def _respond_empty(self, status: int) -> httpx.Response:
        return httpx.Response(status, headers=self._headers(self._request_id()))

    def _respond(
        self, status: int, document: Any, request_id: str | None = None
    ) -> httpx.Response:
        request_id = request_id or self._request_id()
        headers = self._headers(request_id)
        content, media_type = self.encode(document)
        headers["Content-Type"] = media_type
        return httpx.Response(status, headers=headers, content=content)

    def encode(self, document: Any) -> tuple[bytes, str]:
        """A body of the wire format, and its media type."""
        if self.errors.xml:
            return _xml_document(document), "application/xml"
        return (
            json.dumps(document, ensure_ascii=False).encode(),
            "application/json",
        )

    def _error(
        self,
        status: int,
        code: str,
        message: str,
        extra: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        request_id = self._request_id()
        shape = self.errors
        document: dict[str, Any] = {}
        if shape.code is None:
            document = {"code": code, "message": message, "request_id": request_id}
        else:
            _put(document, shape.code, code)
            if shape.message is not None:
                _put(document, shape.message, message)
            if shape.request_id is not None:
                _put(document, shape.request_id, request_id)
        response = self._respond(status, document, request_id)
        response.headers.update(extra or {})
        return response

    def _fault_response(self, fault: _Fault) -> httpx.Response:
        extra: dict[str, str] = {}
        if fault.retry_after is not None:
            extra["Retry-After"] = f"{fault.retry_after:g}"
        if fault.body is not None:
            return httpx.Response(
                fault.status or 200,
                headers={
                    **self._headers(self._request_id()),
                    **extra,
                    "Content-Type": "application/json",
                },
                content=fault.body,
            )
        if fault.skew is not None:
            self._offsets.add(float(fault.skew))
            codes = self.errors.clock_skew_codes
            response = self._error(
                fault.status or self._status(401),
                fault.code or (codes[0] if codes else "RequestExpired"),
                fault.message
                or "the request's signed time is too far from the server's",
            )
            response.headers["Date"] = email.utils.formatdate(
                self.clock.time() + fault.skew, usegmt=True
            )
            return response
        status = fault.status
        code = fault.code
        if status is None:
            status = self._status(429) if code is not None else 429
        if code is None:
            if status == 429 or status == 200:
                throttling = self.errors.throttling_codes
                code = throttling[0] if throttling else "Throttling"
            elif status >= 500:
                code = "InternalError"
            else:
                code = "Fault"
        return self._error(
            status, code, fault.message or f"a fault of the fake ({code})", extra
        )


class FakeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The fake as an httpx transport, for sync and async clients alike."""

    def __init__(self, fake: FakeService) -> None:
        self.fake = fake

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.fake.handle(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return self.fake.handle(request)


# -- JSON documents and pointers ---------------------------------------------------------


def _parse_pointer(text: str) -> Pointer:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in text.split("/")[1:]]
    return tuple(int(p) if p.isdigit() else p for p in parts)


def _at(document: Any, pointer: Pointer) -> Any:
    for part in pointer:
        document = _open_json(document)
        if (
            isinstance(part, int)
            and isinstance(document, list)
            and part < len(document)
        ):
            document = document[part]
        elif isinstance(part, str) and isinstance(document, dict):
            document = document.get(part)
        else:
            return None
    return document


def _open_json(value: Any) -> Any:
    """A JSON document carried inside a string, read; anything else as it is."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _put(document: Any, pointer: Pointer, value: Any) -> None:
    """Set `value` at `pointer`, making the objects and lists on the way; a JSON
    document inside a string on the way is read, changed and written back."""
    if not pointer:
        return
    head, rest = pointer[0], pointer[1:]
    if isinstance(head, int):
        if not isinstance(document, list):
            return
        while len(document) <= head:
            document.append({} if rest else None)
        if rest:
            _put_inner(document, head, rest, value)
        else:
            document[head] = value
        return
    if not isinstance(document, dict):
        return
    if rest:
        _put_inner(document, head, rest, value)
    else:
        document[head] = value


def _put_inner(container: Any, key: Any, rest: Pointer, value: Any) -> None:
    current = container[key] if _has(container, key) else None
    if isinstance(current, str) and isinstance(_open_json(current), (dict, list)):
        inner = _open_json(current)
        _put(inner, rest, value)
        container[key] = json.dumps(inner, ensure_ascii=False, separators=(",", ":"))
        return
    if not isinstance(current, (dict, list)):
        current = [] if isinstance(rest[0], int) else {}
        container[key] = current
    _put(current, rest, value)


def _has(container: Any, key: Any) -> bool:
    if isinstance(container, dict):
        return key in container
    return isinstance(container, list) and isinstance(key, int) and key < len(container)


def _drop_first(document: Any, pointer: Pointer) -> None:
    """Remove what holds `pointer`'s first step (a query's list of jobs, or its state)."""
    if isinstance(document, dict) and pointer:
        document.pop(pointer[0], None)


def _drop(document: Any, pointer: Pointer) -> None:
    holder = _at(document, pointer[:-1])
    if isinstance(holder, dict):
        holder.pop(pointer[-1], None)


def _like(document: Any, pointer: Pointer, code: str) -> Any:
    """`code` in the type the answer carries it in (a number where the example has one)."""
    current = _at(document, pointer)
    if isinstance(current, int) and not isinstance(current, bool):
        try:
            return int(code)
        except ValueError:
            return code
    return code


def _first_item(items: Any) -> Any:
    return copy.deepcopy(items[0]) if isinstance(items, list) and items else None


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def _sent(request: httpx.Request, where: str, name: str) -> str | None:
    found: str | None = None
    if where == "header":
        found = request.headers.get(name)
    elif where == "query":
        found = request.url.params.get(name)
    elif where == "cookie":
        found = _cookie(request, name)
    return found


def _cookie(request: httpx.Request, name: str) -> str | None:
    for pair in request.headers.get("cookie", "").split(";"):
        key, _, value = pair.strip().partition("=")
        if key == name:
            return unquote(value)
    return None


def _arguments(request: httpx.Request) -> dict[str, Any]:
    """Every named value the request carries (query, and a JSON or XML body's top)."""
    values: dict[str, Any] = dict(request.url.params.items())
    if request.content:
        try:
            document = json.loads(request.content)
        except ValueError:
            document = None
            for name, value in re.findall(
                r"<(\w+)>([^<>]*)</\1>", request.content.decode(errors="replace")
            ):
                values.setdefault(name, value)
        if isinstance(document, dict):
            values.update(
                {k: v for k, v in document.items() if isinstance(v, (str, int))}
            )
    return values


_MULTIPART = "multipart/form-data"
_FORM = "application/x-www-form-urlencoded"


def _fits(op: Operation, request: httpx.Request) -> bool:
    """Whether the request's body is of the kind `op` takes."""
    essence = str(request.headers.get("content-type", "")).split(";")[0].strip().lower()
    if op.upload == "multipart":
        return essence == _MULTIPART
    if op.upload == "form":
        return essence == _FORM
    if op.upload == "binary":
        return essence not in (_MULTIPART, _FORM) and "json" not in essence
    return essence not in (_MULTIPART, _FORM)


def _asks_stream(request: httpx.Request) -> bool:
    """A JSON body with `stream: true` (what turns a JSON answer into events)."""
    try:
        document = json.loads(request.content) if request.content else None
    except ValueError:
        return False
    return isinstance(document, dict) and document.get("stream") is True


def _multipart(
    media_type: str, content: bytes
) -> tuple[dict[str, list[Any]], tuple[FakeFile, ...]]:
    """A multipart/form-data body's fields (a JSON part read as JSON) by name, and its
    files (the parts with a filename)."""
    import email
    import email.policy

    message = email.message_from_bytes(
        f"Content-Type: {media_type}\r\n\r\n".encode() + content,
        policy=email.policy.HTTP,
    )
    if not message.is_multipart():
        raise ValueError("the body is not multipart/form-data")
    fields: dict[str, list[Any]] = {}
    files: list[FakeFile] = []
    for part in message.iter_parts():
        disposition = part.get("content-disposition", "")
        name = part.get_param("name", header="content-disposition")
        if not disposition or not isinstance(name, str):
            raise ValueError("a part has no name")
        data = part.get_payload(decode=True)
        data = data if isinstance(data, bytes) else b""
        filename = part.get_filename()
        given_type = part.get("content-type")
        if filename is not None:
            files.append(FakeFile(name, filename, given_type, len(data)))
            continue
        text = data.decode("utf-8")
        essence = str(given_type or "").split(";", 1)[0].strip().lower()
        fields.setdefault(name, []).append(
            json.loads(text) if essence == "application/json" else text
        )
    return fields, tuple(files)


def _form(content: bytes) -> dict[str, list[Any]]:
    from urllib.parse import parse_qsl

    fields: dict[str, list[Any]] = {}
    pairs = parse_qsl(
        content.decode("utf-8"), keep_blank_values=True, strict_parsing=True
    )
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return fields


def _typed_fields(
    model: type[BaseModel], fields: Mapping[str, list[Any]]
) -> dict[str, Any]:
    """A form's or multipart body's fields (by wire name) as the body model's types: a
    list where the schema has one (a repeated part), JSON text of an object read."""
    schema = _field_schema(model, by_alias=True)
    defs = schema.get("$defs", {})
    properties = schema.get("properties", {})
    typed: dict[str, Any] = {}
    for name, values in fields.items():
        field_schema = _resolve(properties.get(name, {}), defs)
        items = [_part_value(v, field_schema, defs) for v in values]
        kinds = {field_schema.get("type")} | {
            _resolve(o, defs).get("type") for o in field_schema.get("anyOf", ())
        }
        if "array" in kinds:
            item_schema = next(
                (
                    _resolve(o, defs)
                    for o in [field_schema, *field_schema.get("anyOf", ())]
                    if _resolve(o, defs).get("type") == "array"
                ),
                {},
            ).get("items", {})
            typed[name] = [_part_value(v, item_schema, defs) for v in values]
        else:
            typed[name] = items[0] if len(items) == 1 else items
    return typed


def _part_value(value: Any, schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Any:
    if not isinstance(value, str):
        return value
    schema = _resolve(schema, defs)
    kinds = {schema.get("type")} | {
        _resolve(o, defs).get("type") for o in schema.get("anyOf", ())
    }
    if ("object" in kinds or "properties" in schema) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return _from_text(value, schema, defs)


def _match(template: str, path: str) -> dict[str, str] | None:
    pattern = "".join(
        f"(?P<_{index}>[^/]+)" if part.startswith("{") else re.escape(part)
        for index, part in enumerate(re.split(r"(\{[^{}]+\})", template))
    )
    found = re.fullmatch(pattern.rstrip("/") + "/?", path)
    if found is None:
        return None
    names = re.split(r"(\{[^{}]+\})", template)
    return {
        names[int(key[1:])][1:-1]: unquote(value)
        for key, value in found.groupdict().items()
    }


# -- documents made from a schema ---------------------------------------------------------


_SCHEMAS: dict[type[BaseModel], dict[str, Any]] = {}
_ADAPTERS: dict[tuple[type[BaseModel], str], TypeAdapter[Any]] = {}


def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """A check of one field of `model`, with its constraints (made once)."""
    key = (model, name)
    adapter = _ADAPTERS.get(key)
    if adapter is None:
        info = model.model_fields[name]
        annotation: Any = info.annotation
        if info.metadata:
            # The type with its constraints (Field(min_length=...), a pattern...).
            parts = (annotation, *info.metadata)
            annotation = Annotated.__class_getitem__(parts)  # type: ignore[attr-defined]
        adapter = _ADAPTERS[key] = TypeAdapter(annotation)
    return adapter


_FIELD_SCHEMAS: dict[tuple[type[BaseModel], bool], dict[str, Any]] = {}
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")


def _field_schema(model: type[BaseModel], by_alias: bool = False) -> dict[str, Any]:
    """`model`'s JSON Schema by field names, or wire names (made once)."""
    schema = _FIELD_SCHEMAS.get((model, by_alias))
    if schema is None:
        schema = model.model_json_schema(by_alias=by_alias)
        _FIELD_SCHEMAS[model, by_alias] = schema
    return schema


def _from_text(value: Any, schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Any:
    """A value that travelled as text (a query, a header, a path), as the type its
    schema declares: a boolean from `true`/`false`, a number from its decimal form;
    anything else stays text, for the model to refuse or accept."""
    if isinstance(value, list):
        items = _resolve(schema, defs).get("items", {})
        return [_from_text(item, items, defs) for item in value]
    if not isinstance(value, str):
        return value
    schema = _resolve(schema, defs)
    kinds = {schema.get("type")} | {
        _resolve(option, defs).get("type") for option in schema.get("anyOf", ())
    }
    if "boolean" in kinds and value in ("true", "false"):
        return value == "true"
    if "integer" in kinds and re.fullmatch(r"-?(0|[1-9][0-9]*)", value):
        return int(value)
    if "number" in kinds and _NUMBER.fullmatch(value):
        return float(value)
    return value


def _schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """`model`'s JSON Schema by wire names (made once: pydantic takes its time)."""
    schema = _SCHEMAS.get(model)
    if schema is None:
        if hasattr(model, "__xml_tag__"):
            schema = _xml_schema(model, 0)
        else:
            schema = model.model_json_schema(by_alias=True)
        _SCHEMAS[model] = schema
    return schema


def _xml_schema(model: type[BaseModel], depth: int) -> dict[str, Any]:
    """The JSON Schema of an XML model, by the wire names of its elements and
    attributes (its fields' markers), nested models inlined."""

    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, info in model.model_fields.items():
        marker = next(
            (m for m in info.metadata if hasattr(m, "tag") or hasattr(m, "name")), None
        )
        wire = getattr(marker, "tag", None) or getattr(marker, "name", None) or name
        properties[wire] = _xml_value_schema(info.annotation, depth)
        if info.is_required():
            required.append(wire)
    return {"type": "object", "properties": properties, "required": required}


def _xml_value_schema(annotation: Any, depth: int) -> dict[str, Any]:
    import types
    import typing

    from pydantic import TypeAdapter

    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner = typing.get_args(annotation)[0]
        nested = typing.get_origin(inner) in (list, typing.Union, types.UnionType)
        if not nested and not (
            isinstance(inner, type) and issubclass(inner, BaseModel)
        ):
            # A value with its bounds (`Annotated[int, Field(ge=50)]`): kept.
            try:
                return dict(TypeAdapter(annotation).json_schema())
            except Exception:  # markers without a JSON Schema: the bare type's
                pass
        return _xml_value_schema(inner, depth)
    if origin is list:
        (item,) = typing.get_args(annotation) or (Any,)
        return {"type": "array", "items": _xml_value_schema(item, depth)}
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return {"anyOf": [_xml_value_schema(a, depth) for a in options]}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _xml_schema(annotation, depth + 1) if depth < 8 else {}
    try:
        return dict(TypeAdapter(annotation).json_schema())
    except Exception:  # a type without a JSON Schema: any value
        return {}


def synthesise(model: type[BaseModel]) -> Any:
    """A body of `model`'s shape: its required fields, each with a plausible value."""
    schema = _schema_of(model)
    return _synth(schema, schema.get("$defs", {}), 0)


def _event_document(model: type[BaseModel], index: int, last: bool) -> Any:
    """The data of a streamed event: every member of `model` given (an event's schema
    is read tolerantly, so nothing in it is required), its numbers counting the events,
    and a member that lists its values taking the last one in the last event (OpenAI's
    and ElevenLabs' `...done` after `...delta`)."""
    schema = _schema_of(model)
    defs = schema.get("$defs", {})
    document: dict[str, Any] = {}
    for name, node in schema.get("properties", {}).items():
        values = _enum(node, defs)
        kinds = {_resolve(node, defs).get("type")} | {
            _resolve(o, defs).get("type") for o in _resolve(node, defs).get("anyOf", ())
        }
        if values:
            document[name] = values[-1] if last else values[0]
        elif "integer" in kinds:
            document[name] = index
        else:
            options = [
                o
                for o in _resolve(node, defs).get("anyOf", ())
                if o.get("type") != "null"
            ]
            document[name] = _synth(options[0] if options else node, defs, 1)
    return document


def _made(schema: Mapping[str, Any], pointer: Pointer, job_id: str) -> Any:
    """A value for the field at `pointer` of `schema`: a URL where its name says so."""
    node = _schema_at(schema, pointer)
    if node is None:
        return None
    value = _synth(node, schema.get("$defs", {}), 0)
    named = str(pointer[-1]).lower() if pointer else ""
    if isinstance(value, str) and "url" in named:
        return f"https://example.com/fake/{job_id}"
    return value


def _enum(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> list[Any]:
    """The values a schema allows, if it lists them (through a nullable union too)."""
    schema = _resolve(schema, defs)
    values = list(schema.get("enum", ()))
    for option in schema.get("anyOf", ()):
        values += _resolve(option, defs).get("enum", ())
    return values


def _resolve(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in schema:
        schema = defs.get(str(schema["$ref"]).rsplit("/", 1)[-1], {})
    return schema


def _synth(schema: Mapping[str, Any], defs: Mapping[str, Any], depth: int) -> Any:
    schema = _resolve(schema, defs)
    if depth > 8:
        return None
    for key in ("const", "default"):
        if key in schema and schema[key] is not None:
            return copy.deepcopy(schema[key])
    if schema.get("examples"):
        return copy.deepcopy(schema["examples"][0])
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [
                o for o in schema[key] if _resolve(o, defs).get("type") != "null"
            ]
            if options:
                return _synth(options[0], defs, depth + 1)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {
            name: _synth(properties[name], defs, depth + 1)
            for name in schema.get("required", ())
            if name in properties
        }
    if kind == "array":
        count = int(schema.get("minItems", 0))
        return [_synth(schema.get("items", {}), defs, depth + 1) for _ in range(count)]
    if kind == "integer":
        return int(schema.get("minimum", 0))
    if kind == "number":
        return float(schema.get("minimum", 0))
    if kind == "boolean":
        return False
    if kind == "string":
        form = schema.get("format")
        if form == "date-time":
            return "2024-01-01T00:00:00Z"
        if form in ("uri", "url"):
            return "https://example.com/fake"
        return "x" * max(int(schema.get("minLength", 1)), 1)
    return None


def _schema_at(
    schema: Mapping[str, Any], pointer: Sequence[str | int]
) -> Mapping[str, Any] | None:
    defs = schema.get("$defs", {})
    node: Mapping[str, Any] = schema
    for part in pointer:
        node = _resolve(node, defs)
        for key in ("anyOf", "oneOf"):
            if key in node:
                options = [
                    o for o in node[key] if _resolve(o, defs).get("type") != "null"
                ]
                node = _resolve(options[0], defs) if options else {}
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            node = node.get("properties", {}).get(part)
            if node is None:
                return None
    return _resolve(node, defs)


# -- XML ------------------------------------------------------------------------------------


def _xml_document(document: Any) -> bytes:
    """A JSON-shaped document as XML: one member at the top is the root element; lists
    repeat their element."""
    from xml.etree import ElementTree

    if isinstance(document, dict) and len(document) == 1:
        ((tag, inner),) = document.items()
    else:
        tag, inner = "Response", document
    root = ElementTree.Element(tag)
    _xml_fill(root, inner)
    text: bytes = ElementTree.tostring(root, encoding="utf-8")
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n' + text.split(b"?>", 1)[-1].lstrip()
    )


def _xml_fill(element: Any, value: Any) -> None:
    from xml.etree import ElementTree

    if isinstance(value, dict):
        for name, inner in value.items():
            for item in inner if isinstance(inner, list) else [inner]:
                if item is None:
                    continue
                child = ElementTree.SubElement(element, name)
                _xml_fill(child, item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


__all__ = [
    "Argument",
    "Errors",
    "FakeCall",
    "FakeFile",
    "FakeService",
    "FakeTransport",
    "Job",
    "Lifecycle",
    "Operation",
    "Paging",
    "VirtualClock",
    "synthesise",
]
