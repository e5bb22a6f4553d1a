"""Every generated package, as the reliability tests drive it: found in `generated/`, with
what each needs taken from its spec and README rather than written out per vendor.

- the submit and the query are the lifecycle's (`x-sdkgen-job` in the spec);
- the submit's arguments are those of the package README's usage;
- success bodies set the job id (submit) and a succeeded state (query) at the lifecycle's
  pointers; error bodies set the code, message and request id at `x-sdkgen-errors`'
  pointers, in XML for an API whose responses are XML;
- credentials and required client arguments are dummies: the server checks no signature.

`call()` makes one call, sync or async, against a server, and then checks that nothing was
left behind: no connection still busy in the client's pool, no task still running.
"""

from __future__ import annotations

import ast
import asyncio
import importlib
import inspect
import json
import re
import time
import types
import typing
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, Literal
from xml.sax.saxutils import escape

import pydantic
import pytest

from generator import pipeline
from generator.ir import Api, FieldPath, Model
from tests.reliability.server import Answer

ROOT = Path(__file__).parents[2]
GENERATED = ROOT / "generated"
SPECS = ROOT / "specs"
JOB = "job-0123456789abcdef"
REQUEST_ID = "r-fault-7"
FAULT_CODE = "Vendor.Failure"
FAULT_MESSAGE = "it failed"
MODES = ("sync", "async")
OPS = ("submit", "read")
Mode = Literal["sync", "async"]
Op = Literal["submit", "read"]


# The packages `make generate` writes from specs/: a loop over what `generated/` holds
# must not pass by finding none of them (a failed generation, a moved folder).
EXPECTED_PACKAGES = frozenset(
    {
        "tts_alibaba_ice",
        "tts_huawei_metastudio",
        "tts_tencent_ci",
        "tts_tencent_mps",
    }
)


def package_names(root: Path = GENERATED) -> list[str]:
    """The packages in `root`, sorted; an AssertionError if any expected one is missing
    (at collection, for tests parametrized by them)."""
    found = sorted(
        path.name
        for path in root.iterdir()
        if (path / "__init__.py").is_file() and (path / "README.md").is_file()
    )
    missing = EXPECTED_PACKAGES - set(found)
    assert not missing, f"{root} lacks the generated packages {sorted(missing)}"
    return found


@dataclass(frozen=True)
class Package:
    name: str
    api: Api

    def __post_init__(self) -> None:
        # Imported here, once, not first by threads at the same time (a deadlock).
        for module in ("", ".errors", "._runtime.transport", "._runtime.errors"):
            importlib.import_module(self.name + module)
        readme_submit(self.name, self.submit_name)

    @property
    def module(self) -> ModuleType:
        return importlib.import_module(self.name)

    def runtime(self, module: str) -> ModuleType:
        return importlib.import_module(f"{self.name}._runtime.{module}")

    @property
    def errors(self) -> ModuleType:
        return importlib.import_module(f"{self.name}.errors")

    @property
    def xml(self) -> bool:
        lifecycle = self.api.lifecycle
        assert lifecycle is not None and lifecycle.query.response is not None
        return lifecycle.query.response.xml_tag is not None

    @property
    def request_id_header(self) -> str | None:
        return self.api.errors.request_id_header

    # What a client needs.

    def options(self) -> dict[str, Any]:
        """Dummy credentials of the first auth scheme, and every required client argument."""
        scheme = self.api.auth[0]
        options: dict[str, Any] = {
            cred.name: f"dummy-{cred.name}"
            for cred in scheme.credentials
            if not cred.optional
        }
        for param in self.api.client_parameters:
            if not param.has_default:
                options[param.name] = f"dummy-{param.name}"
        return options

    def client(self, mode: Mode, url: str, **options: Any) -> Any:
        cls = self.module.Client if mode == "sync" else self.module.AsyncClient
        return cls(base_url=url, **{**self.options(), **options})

    # The two calls.

    def submit_arguments(self) -> dict[str, Any]:
        return readme_submit(self.name, self.submit_name)

    @property
    def submit_name(self) -> str:
        assert self.api.lifecycle is not None
        return self.api.lifecycle.submit.method_name

    @property
    def read_name(self) -> str:
        assert self.api.lifecycle is not None
        return self.api.lifecycle.query.method_name

    def operation(self, op: Op, job_id: str = JOB) -> Callable[[Any], Any]:
        """The submit (README's arguments), or the read of `job_id`, as a function of
        the client."""
        assert self.api.lifecycle is not None
        if op == "submit":
            arguments = self.submit_arguments()
            return lambda api: getattr(api, self.submit_name)(**arguments)
        parameter = self.api.lifecycle.query_parameter.name
        return lambda api: getattr(api, self.read_name)(**{parameter: job_id})

    # What the server answers.

    def document(self, values: Mapping[str, Any]) -> bytes:
        """A response body holding `values` at JSON pointers (of the response's root)."""
        if not self.xml:
            return json.dumps(tree(values)).encode()
        return xml_text(tree(values)).encode()

    def ok(self, op: Op, job_id: str = JOB) -> bytes:
        return self.wrap(self.document(self.values(op, job_id)))

    def values(self, op: Op, job_id: str = JOB) -> dict[str, Any]:
        """The usable answer to `op`, as values at JSON pointers (inside the XML root)."""
        lifecycle = self.api.lifecycle
        assert lifecycle is not None
        if op == "submit":
            return {_pointer(lifecycle.job_id_field, lifecycle.submit.envelope): job_id}
        return self.state_values(lifecycle.succeeded[0], job_id)

    def state_values(self, state: str, job_id: str = JOB) -> dict[str, Any]:
        lifecycle = self.api.lifecycle
        assert lifecycle is not None
        return {
            _pointer(lifecycle.job_id_field, lifecycle.query.envelope): job_id,
            _pointer(lifecycle.state_field, lifecycle.query.envelope): state,
        }

    def state(
        self,
        state: str,
        job_id: str = JOB,
        extra: Mapping[str, Any] | None = None,
    ) -> bytes:
        """A query answer: the job (its id where the submit's answer has it) in `state`,
        and `extra` values at their pointers."""
        return self.wrap(
            self.document({**self.state_values(state, job_id), **(extra or {})})
        )

    @property
    def job_id_pointer(self) -> str:
        """Where the submit's answer carries the job id (its envelope included)."""
        lifecycle = self.api.lifecycle
        assert lifecycle is not None
        return _pointer(lifecycle.job_id_field, lifecycle.submit.envelope)

    def received_fields(self, op: Op = "read") -> list[ReceivedField]:
        """The scalar fields of the answer to `op`, nearest the top first, except those
        the lifecycle reads itself (job id, state, failure code and message), which have
        rules of their own, and JSON documents inside a string (`JsonString`)."""
        lifecycle = self.api.lifecycle
        assert lifecycle is not None
        operation = lifecycle.submit if op == "submit" else lifecycle.query
        assert operation.response is not None
        models = {model.name: model for model in self.api.models}
        own = {
            _pointer(path)
            for path in (
                lifecycle.job_id_field,
                lifecycle.state_field,
                lifecycle.failure_code_field,
                lifecycle.failure_message_field,
            )
            if path is not None
        }
        envelope = _pointer(operation.envelope) if operation.envelope else ""
        found: list[ReceivedField] = []
        queue: deque[tuple[Model, tuple[tuple[str, int | None], ...], str]] = deque(
            [(operation.response, (), "")]
        )
        while queue:
            model, steps, prefix = queue.popleft()
            properties = model.schema.get("properties", {})
            for item in model.fields:
                if "JsonString" in properties.get(item.wire_name, {}).get(
                    "x-python-type", ""
                ):
                    continue
                pointer = f"{prefix}/{item.wire_name}"
                many = item.annotation.startswith("list[")
                inner = item.annotation[5:-1] if many else item.annotation
                if inner in models:
                    queue.append(
                        (
                            models[inner],
                            (*steps, (item.name, 0 if many else None)),
                            pointer + ("/0" if many else ""),
                        )
                    )
                elif not many and pointer not in own:
                    kind = item.annotation.rsplit("|", 1)[-1].strip()
                    found.append(
                        ReceivedField(
                            envelope + pointer, steps, item.name, item.wire_name, kind
                        )
                    )
        return found

    def text_arguments(self) -> list[tuple[str, ...]]:
        """The free-text values of the README's submit (not an enum's), as paths of
        Python names: an argument, then the fields of the model it is."""
        method = getattr(self.module.Client, self.submit_name)
        hints = typing.get_type_hints(method)
        found: list[tuple[str, ...]] = []
        for argument, value in self.submit_arguments().items():
            found += _text_leaves(value, hints[argument], (argument,))
        return found

    def submit_with(self, path: tuple[str, ...], value: Any) -> dict[str, Any]:
        """The README's submit arguments with `value` at `path` (a model on the way is
        passed as a plain dict, so that the client checks it, not the model's class)."""
        arguments = dict(self.submit_arguments())
        if len(path) == 1:
            arguments[path[0]] = value
            return arguments
        document = arguments[path[0]].model_dump(exclude_none=True)
        node = document
        for name in path[1:-1]:
            node = node[name]
        node[path[-1]] = value
        arguments[path[0]] = document
        return arguments

    def pointer(self, path: FieldPath) -> str:
        """Where `path` (of the query's result) travels in the query's answer."""
        lifecycle = self.api.lifecycle
        assert lifecycle is not None
        return _pointer(path, lifecycle.query.envelope)

    def pick(self, result: Any, path: FieldPath) -> Any:
        """The value at `path` in a typed result."""
        return _pick(result, path)

    def job_id(self, result: Any) -> Any:
        """The job id in a typed submit or query result (at the lifecycle's field)."""
        lifecycle = self.api.lifecycle
        assert lifecycle is not None
        return _pick(result, lifecycle.job_id_field)

    def missing_ids(self, result: Any) -> Any:
        """The ids a typed query result lists as naming no job (`not-found`)."""
        lifecycle = self.api.lifecycle
        assert lifecycle is not None and lifecycle.not_found_field is not None
        return _pick(result, lifecycle.not_found_field)

    def job_state(self, result: Any) -> Any:
        """The state in a typed query result (at the lifecycle's field)."""
        lifecycle = self.api.lifecycle
        assert lifecycle is not None
        return _pick(result, lifecycle.state_field)

    def no_state(self) -> bytes:
        """A query answer with nothing in it (`{}`, `<Response></Response>`)."""
        return self.wrap(self.document({}))

    def not_found(self, job_id: str = JOB) -> bytes | None:
        """A query answer listing `job_id` among the ids the service has no job for, or
        None for an API whose lifecycle declares no such list (`not-found`)."""
        lifecycle = self.api.lifecycle
        assert lifecycle is not None
        if lifecycle.not_found_field is None:
            return None
        return self.wrap(self.document({_pointer(lifecycle.not_found_field): [job_id]}))

    def running(self) -> bytes:
        lifecycle = self.api.lifecycle
        assert lifecycle is not None
        return self.state(lifecycle.running[0])

    def wrap(self, document: bytes) -> bytes:
        """XML responses travel as their root element (`<Response>`)."""
        lifecycle = self.api.lifecycle
        assert lifecycle is not None and lifecycle.query.response is not None
        tag = lifecycle.query.response.xml_tag
        if tag is None:
            return document
        return f"<{tag}>".encode() + document + f"</{tag}>".encode()

    def error_body(self, code: str = FAULT_CODE) -> bytes:
        shape = self.api.errors
        # The four APIs name where their errors keep their parts (x-sdkgen-errors).
        assert shape.code is not None and shape.message is not None
        values = {shape.code: code, shape.message: FAULT_MESSAGE}
        if shape.request_id:
            values[shape.request_id] = REQUEST_ID
        return self.document(values)

    @property
    def content_type(self) -> str:
        return "application/xml" if self.xml else "application/json"

    def headers(self) -> dict[str, str]:
        """Headers every fault answer carries: the request id, where the API has one."""
        return {self.request_id_header: REQUEST_ID} if self.request_id_header else {}

    def answer(self, op: Op, job_id: str = JOB, **changes: Any) -> Answer:
        """The usable answer to `op`, with `changes` (a delay, a fault)."""
        return Answer(
            **{
                "body": self.ok(op, job_id),
                "content_type": self.content_type,
                **changes,
            }
        )

    def error(
        self,
        status: int,
        headers: dict[str, str] | None = None,
        code: str = FAULT_CODE,
        **changes: Any,
    ) -> Answer:
        """The vendor's error body (with `code`), with `status` (and the request id
        header)."""
        return Answer(
            status,
            self.error_body(code),
            content_type=self.content_type,
            headers={**self.headers(), **(headers or {})},
            **changes,
        )


@dataclass(frozen=True)
class ReceivedField:
    """A scalar field of the query's answer, where it travels and how to reach it."""

    pointer: str  # in the body (inside the XML root, the envelope included)
    # From the typed result to the model holding the field: names, and list indexes.
    steps: tuple[tuple[str, int | None], ...]
    name: str
    wire_name: str
    kind: str  # its type's name: str, int, float, datetime...

    def holder(self, result: Any) -> Any:
        """The model holding this field in a typed query result."""
        node = result
        for name, index in self.steps:
            node = getattr(node, name)
            if index is not None:
                node = node[index]
        return node


def _is_text(annotation: Any) -> bool:
    """`str`, or `str | None`: free text, not an enum's values."""
    if annotation is str:
        return True
    members = typing.get_args(annotation)
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and set(
        members
    ) == {str, type(None)}


def _text_leaves(
    value: Any, annotation: Any, path: tuple[str, ...]
) -> list[tuple[str, ...]]:
    if isinstance(value, str):
        return [path] if _is_text(annotation) else []
    if not isinstance(value, pydantic.BaseModel):
        return []
    found: list[tuple[str, ...]] = []
    for name, info in type(value).model_fields.items():
        found += _text_leaves(getattr(value, name), info.annotation, (*path, name))
    return found


def reset_warnings(package: Package, monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget which received fields a package has warned about (once per model and
    field, per process), so that a test sees its own warnings."""
    for module, name in (("received", "_REPORTED"), ("xml", "_WARNED")):
        try:
            runtime = package.runtime(module)
        except ModuleNotFoundError:
            continue
        if hasattr(runtime, name):
            monkeypatch.setattr(runtime, name, set())


def _pick(model: Any, path: FieldPath) -> Any:
    """The value at `path` in a typed result; a field its model does not declare (the
    query's result, where only the submit's declares the job id) is among its extras."""
    node = model
    for position, field in enumerate(path.fields):
        if hasattr(node, field.name):
            node = getattr(node, field.name)
        else:
            node = (node.model_extra or {})[field.wire_name]
        index = path.index(position)
        if index is not None:
            node = node[index]
    return node


def _pointer(path: FieldPath, envelope: FieldPath | None = None) -> str:
    """The JSON pointer of `path` in a body: lifecycle pointers start inside the
    operation's envelope, when it has one."""
    parts = [field.wire_name for field in envelope.fields] if envelope else []
    for position, field in enumerate(path.fields):
        parts.append(field.wire_name)
        index = path.index(position)
        if index is not None:
            parts.append(str(index))
    return "/" + "/".join(parts)


def _put(tree: Any, tokens: list[str], value: Any) -> None:
    key = tokens[0]
    if len(tokens) == 1:
        tree[key] = value
        return
    if tokens[1].isdigit():
        items = tree.setdefault(key, [])
        index = int(tokens[1])
        while len(items) <= index:
            items.append({})
        if len(tokens) == 2:
            items[index] = value
        else:
            _put(items[index], tokens[2:], value)
        return
    _put(tree.setdefault(key, {}), tokens[1:], value)


def tree(values: Mapping[str, Any]) -> Any:
    """The document holding `values` at JSON pointers."""
    document: Any = {}
    for pointer, value in values.items():
        _put(document, pointer.split("/")[1:], value)
    return document


def xml_text(document: Any) -> str:
    """A document as XML elements (a dict's keys; a list repeats its element)."""
    if not isinstance(document, dict):
        return escape(str(document))
    out = []
    for key, value in document.items():
        for item in value if isinstance(value, list) else [value]:
            out.append(f"<{key}>{xml_text(item)}</{key}>")
    return "".join(out)


@cache
def readme_submit(package: str, method: str) -> dict[str, Any]:
    """The keyword arguments of the submit call in the README's first usage example,
    evaluated with the package's own names (its models)."""
    readme = (GENERATED / package / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", readme, re.DOTALL)
    assert block is not None, f"{package}/README.md has no usage example"
    module = importlib.import_module(package)
    for node in ast.walk(ast.parse(block.group(1))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == method
        ):
            namespace = vars(module)
            return {
                keyword.arg: eval(
                    compile(ast.Expression(keyword.value), "README", "eval"),
                    dict(namespace),
                )
                for keyword in node.keywords
                if keyword.arg is not None
            }
    raise AssertionError(f"{package}/README.md's usage does not call {method}")


@cache
def package(name: str) -> Package:
    header = (GENERATED / name / "README.md").read_text(encoding="utf-8")
    found = re.search(r"from specs/([^/]+)/openapi\.yaml", header)
    assert found is not None, f"{name}/README.md does not name its spec"
    return Package(name, pipeline.build_api(found.group(1), SPECS))


def packages() -> list[Package]:
    return [package(name) for name in package_names()]


# Making calls.


@dataclass
class Outcome:
    result: Any
    error: BaseException | None
    elapsed: float


def fast_retries(api: Any, package: Package) -> None:
    """The client's retry policy with millisecond backoff, to keep tests fast (what is
    retried, how often, and Retry-After are unchanged)."""
    policy = package.runtime("retry").RetryPolicy
    api._core.retry = policy(
        max_retries=api._core.retry.max_retries, initial_delay=0.01, max_delay=0.02
    )


def pool(api: Any) -> Any:
    """The httpcore pool of a client's own httpx client."""
    return api._transport.client._transport._pool


def assert_nothing_busy(api: Any) -> None:
    connections = pool(api).connections
    assert not pool(api)._requests, "a request is still queued in the pool"
    busy = [c for c in connections if not (c.is_idle() or c.is_closed())]
    assert not busy, f"connections left busy: {busy}"


def call(
    package: Package,
    mode: Mode,
    url: str,
    action: Op | Callable[[Any], Any],
    *,
    fast: bool = True,
    prepare: Callable[[Any], None] | None = None,
    **options: Any,
) -> Outcome:
    """One call (`action`: the submit, the read, or any function of the client), with the
    time it took, its result or the error it raised (only `APIError`s and ValueErrors are
    caught); then the checks that nothing was left behind."""
    run = package.operation(action) if isinstance(action, str) else action
    api_error = package.errors.APIError
    if mode == "sync":
        with package.client("sync", url, **options) as api:
            if fast:
                fast_retries(api, package)
            if prepare is not None:
                prepare(api)
            start = time.monotonic()
            try:
                result, error = run(api), None
            except (api_error, ValueError) as caught:
                result, error = None, caught
            elapsed = time.monotonic() - start
            if options.get("http_client") is None:
                assert_nothing_busy(api)
        return Outcome(result, error, elapsed)

    async def scenario() -> Outcome:
        async with package.client("async", url, **options) as api:
            if fast:
                fast_retries(api, package)
            if prepare is not None:
                prepare(api)
            start = time.monotonic()
            try:
                value = run(api)
                result, error = (
                    (await value if inspect.isawaitable(value) else value),
                    None,
                )
            except (api_error, ValueError) as caught:
                result, error = None, caught
            elapsed = time.monotonic() - start
            if options.get("http_client") is None:
                assert_nothing_busy(api)
            others = asyncio.all_tasks() - {asyncio.current_task()}
            assert not others, f"tasks left running: {others}"
        return Outcome(result, error, elapsed)

    return asyncio.run(scenario())


@contextmanager
def closed_port() -> Iterator[str]:
    """A URL on 127.0.0.1 where nothing listens (connections are refused)."""
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    yield f"http://127.0.0.1:{port}"
