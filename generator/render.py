"""IR -> package files, through the Jinja templates (one template per output file)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from . import naming
from .errors import pointer_parts
from .ir import (
    Api,
    AuthScheme,
    Credential,
    Field,
    FieldPath,
    FileArgument,
    Model,
    Operation,
    Parameter,
)
from .python_types import exact_integers, is_json_string, union

TEMPLATES = Path(__file__).parent / "templates"
RUNTIME = Path(__file__).parent / "runtime"
# Runtime modules every package gets; signers are added per API.
RUNTIME_CORE = (
    "__init__.py",
    "deadline.py",
    "errors.py",
    # The fake service of `<package>.testing`: imported only by tests that use it.
    "fake.py",
    "polling.py",
    # The base of received JSON models (`wire` builds on it too); small, and imported
    # only by the models that use it.
    "received.py",
    "request.py",
    "response.py",
    "retry.py",
    "security.py",
    "settings.py",
    "transport.py",
)
# The runtime module each name a client imports lives in; any other is in transport.py.
_RUNTIME_HOME = {
    "DEFAULT_MAX_RETRIES": "retry",
    "DEFAULT_TIMEOUT": "deadline",
    "Auth": "request",
    "Call": "request",
    "TokenAuth": "request",
    "ApiKey": "security",
    "HttpBasic": "security",
    "OAuth2ClientCredentials": "security",
    "Security": "security",
    "drop_none": "request",
    "json_body": "request",
    "whole_body": "request",
    "path_segment": "request",
    "text_params": "request",
    "styled_query": "request",
    "styled_header": "request",
    "styled_path": "request",
    "cookie_pairs": "request",
    "utf8_text": "request",
    "dump_arguments": "request",
    "encode_body": "upload",
    "file_body": "upload",
    "FileInput": "upload",
    "split_file": "upload",
    "ErrorShape": "response",
    "optional_text": "response",
    "JobPoller": "polling",
}
_PATH_PARAMETER = re.compile(r"\{([^{}]+)\}")


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["pyrepr"] = repr
    env.filters["pyliteral"] = _literal
    env.filters["pytuple"] = lambda values: repr(tuple(values))
    env.filters["docstring"] = docstring
    # `T | None` for an argument that may be left out (once, if T already takes None).
    env.filters["optional"] = lambda annotation: union([annotation, "None"])
    # Names pydantic keeps for itself unless a model says otherwise.
    # pydantic's protected namespaces: a field there (`model_dump_`) warns unless the
    # model gives them up.
    env.tests["pydantic_namespace"] = lambda name: str(name).startswith(
        ("model_dump", "model_validate")
    )
    env.filters["one_line"] = one_line
    env.filters["dunder_all"] = _dunder_all
    env.filters["import_order"] = lambda names: sorted(names, key=_import_order)
    env.globals.update(
        construct=_construct,
        scheme_has_env=_scheme_has_env,
        keyword_count=_keyword_count,
        upload_arguments=_upload_arguments,
        body_media_type=_body_media_type,
        path_expression=_path_expression,
        query_parameters=lambda op: _located(op, "query"),
        header_parameters=lambda op: _located(op, "header"),
        cookie_parameters=lambda op: _located(op, "cookie"),
        located_value=_located_value,
        constants=lambda op, location: [
            (name, value) for where, name, value in op.constants if where == location
        ],
        argument=_argument,
        needs_sent=_needs_sent,
        result_lines=_result_lines,
        access=_access,
        access_or=_access_or,
        unwrap=_unwrap,
        call_arguments=_call_arguments,
        body_entries=_body_entries,
        argument_type=_argument_type,
        returns=_returns,
        unwraps=_unwraps,
        bytes_or_events=_bytes_or_events,
        event_type=_event_type,
    )
    return env


def _unwraps(op: Operation) -> bool:
    """The method returns what its answer's root model holds (a list, a map, a union),
    not the root model."""
    return (
        op.returns == "model"
        and op.response is not None
        and bool(op.response.root_type)
        and "_runtime." not in op.response.root_type
        and op.envelope is None
        and op.paging is None
    )


def _event_type(model: Model | None) -> str:
    """The type of one event's data: its model's, or (a list, a union: a root model,
    which the runtime reads it through) what that holds; text without a model."""
    if model is None:
        return "str"
    if not model.root_type:
        return model.name
    # A wire form (JSON inside a string) has no name the client imports.
    return "Any" if "_runtime." in model.root_type else model.root_type


def _returns(op: Operation) -> str:
    """The return annotation of an operation's method."""
    model = op.response.name if op.response else None
    if _unwraps(op) and op.response is not None:
        return op.response.root_type
    if op.returns == "model":
        return model or "None"
    if op.returns == "events":
        return f"list[{_event_type(op.response)}]"
    kind = "BinaryResponse" if op.returns == "binary" else "str"
    if _bytes_or_events(op):
        kind += f" | list[{_event_type(op.events)}]"
    return f"{model} | {kind}" if model else kind


def _bytes_or_events(op: Operation) -> bool:
    """An answer of bytes or text, or of server-sent events: its Content-Type says."""
    return op.streams_events and op.returns in ("binary", "text")


def _literal(value: Any) -> str:
    """A Python literal in the style black would format it (double quotes)."""
    return naming.literal(value)


def _example_value(
    value: Any, annotation: str, models: dict[str, Model], used: set[str]
) -> str:
    """An example argument as a user writes it: a model's example as a call building it
    (which type-checks, where a plain dict would not), anything else as a literal."""
    annotation = annotation.removesuffix(" | None")
    model = models.get(annotation)
    if model is not None and isinstance(value, dict):
        used.add(model.name)
        by_wire = {f.wire_name: f for f in model.fields}
        arguments = [
            f"{by_wire[key].name}={_example_value(item, by_wire[key].annotation, models, used)}"
            for key, item in value.items()
            if key in by_wire
        ]
        return f"{model.name}({', '.join(arguments)})"
    if annotation.startswith("list[") and isinstance(value, list):
        inner = annotation.removeprefix("list[").removesuffix("]")
        return (
            "[" + ", ".join(_example_value(v, inner, models, used) for v in value) + "]"
        )
    return _literal(value)


def _submit_example(api: Api) -> tuple[list[tuple[str, str]], list[str]]:
    """The lifecycle submit's example arguments as code, and the models they build."""
    submit = api.lifecycle.submit if api.lifecycle else None
    if submit is None or not submit.example:
        return [], []
    annotations = {f.name: f.annotation for f in submit.body_fields}
    annotations.update((p.name, p.annotation) for p in submit.method_parameters)
    models = {m.name: m for m in api.models}
    used: set[str] = set()
    arguments = [
        (name, _example_value(value, annotations.get(name, "Any"), models, used))
        for name, value in submit.example.items()
    ]
    return arguments, sorted(used)


# Characters spec prose loses in docs: controls (a NUL is no valid source; line breaks of
# every kind are kept as newlines), surrogates (no UTF-8 can encode them) and the bidi
# controls that can make text read otherwise than it is.
_UNPRINTABLE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def prose(text: str) -> str:
    """Spec prose as docs show it: no trailing blanks (ruff's W291), tabs as spaces (E101),
    no control characters. A line break of any kind (CR, form feed, U+2028) is one."""
    lines = (line.rstrip().expandtabs(4) for line in text.splitlines())
    return _UNPRINTABLE.sub("", "\n".join(lines)).strip()


def one_line(text: str) -> str:
    """Spec prose as one line (a package's summary, which metadata keeps to one line)."""
    return " ".join(prose(text).split())


def docstring(text: str) -> str:
    """Spec prose as the text of a docstring: it can neither close the string nor hold
    an escape sequence of its own, whatever it says."""
    text = prose(text).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    # A last quote would run into the closing ones (`""""`): escape it, unless it is.
    backslashes = len(text[:-1]) - len(text[:-1].rstrip("\\"))
    if text.endswith('"') and backslashes % 2 == 0:
        text = text[:-1] + '\\"'
    return text


def _member_type(name: str) -> int:
    """How ruff's isort (and RUF022) class a name: CONSTANTS (two characters or more),
    Classes, the rest."""
    return 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2


def _natural(left: str, right: str) -> int:
    """Natural order (`M2` before `M10`), as ruff compares names (the natord crate)."""
    i = j = 0
    while i < len(left) and j < len(right):
        a, b = left[i], right[j]
        if not (a.isdigit() and b.isdigit()):
            if a != b:
                return -1 if a.isdigit() or (not b.isdigit() and a < b) else 1
            i, j = i + 1, j + 1
            continue
        # Two numbers: left-aligned if either has a leading zero, else the longer wins.
        aligned_left, bias = a == "0" or b == "0", 0
        while (
            i < len(left)
            and left[i].isdigit()
            and j < len(right)
            and right[j].isdigit()
        ):
            if left[i] != right[j] and (aligned_left or not bias):
                bias = -1 if left[i] < right[j] else 1
                if aligned_left:
                    return bias
            i, j = i + 1, j + 1
        more_left = i < len(left) and left[i].isdigit()
        more_right = j < len(right) and right[j].isdigit()
        if more_left != more_right:
            return 1 if more_left else -1
        if bias:
            return bias
    return (i < len(left)) - (j < len(right))


def _import_order(name: str) -> Any:
    """The order ruff's isort gives the names of a `from … import`: by type, then
    naturally ignoring case, then naturally."""
    return (_member_type(name), _Natural(name.lower()), _Natural(name))


def _linter_order(name: str) -> Any:
    """The order ruff's RUF022 gives the names of `__all__`: by type, then naturally."""
    return (_member_type(name), _Natural(name))


_RUN = re.compile(r"\d+|\D")


def _natural_key(text: str) -> tuple[tuple[int, int, str], ...] | None:
    """A sort key that orders as `_natural` does, or None where it cannot (a number with
    a leading zero compares by its alignment with the other number, not by itself)."""
    key = []
    for run in _RUN.findall(text):
        if run[0].isdigit():
            if run[0] == "0":
                return None
            key.append((0, len(run), run))  # numbers first, shorter ones smaller
        else:
            key.append((1, 0, run))
    return tuple(key)


class _Natural:
    """`_natural` order for sorting: a key computed once per name, the comparison for
    the rare names that need it."""

    __slots__ = ("key", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.key = _natural_key(text)

    def __lt__(self, other: _Natural) -> bool:
        if self.key is not None and other.key is not None:
            return self.key < other.key
        return _natural(self.text, other.text) < 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Natural) and self.text == other.text

    __hash__ = None  # type: ignore[assignment]


def _dunder_all(names: list[str]) -> str:
    return "[" + ", ".join(f'"{n}"' for n in sorted(names, key=_linter_order)) + "]"


def _runtime_imports(api: Api) -> list[tuple[str, list[str]]]:
    """`from ._runtime.<module> import <names>` lines, sorted as isort would."""
    imports: dict[str, list[str]] = {"": ["settings"]}
    if api.lifecycle:
        imports["errors"] = ["JobFailedError"]
        if api.lifecycle.not_found_field is not None:
            imports["errors"].append("JobNotFoundError")
    for signer in api.signers:
        imports[signer.module] = [signer.class_name]
    transport = [
        "DEFAULT_MAX_RETRIES",
        "DEFAULT_TIMEOUT",
        "AsyncTransport",
        "Auth",
        "Call",
        "Core",
        "ErrorShape",
        "SyncTransport",
        "RawResponse",
        "raw_response",
        "async_raw_response",
    ]
    if any(
        op.constants or any(p.location != "path" for p in op.parameters)
        for op in api.operations
    ):
        transport.append("text_params")
    if any(
        op.body and op.body_format == "json" and not _encoded(op)
        for op in api.operations
    ):
        transport.append("json_body")
    if any(op.whole_body for op in api.operations):
        transport.append("whole_body")
    if any(_encoded(op) for op in api.operations):
        transport.append("encode_body")
    if any(op.upload == "binary" for op in api.operations):
        transport.append("file_body")
    if any(op.upload == "binary" or op.files for op in api.operations):
        transport.append("FileInput")
    if any(f.other for op in api.operations for f in op.files):
        transport.append("split_file")
    xml = [
        name
        for name, used in (
            (
                "XML",
                any(op.body_format == "xml" for op in api.operations if op.body)
                or any(cb.xml for cb in api.callbacks),
            ),
            ("parse_document", any(cb.xml for cb in api.callbacks)),
            (
                "xml_body",
                any(op.body_format == "xml" for op in api.operations if op.body),
            ),
        )
        if used
    ]
    if xml:
        imports["xml"] = sorted(xml, key=_import_order)
    if api.client_parameters or any(
        op.parameters_model or (op.body and _uses_drop_none(op))
        for op in api.operations
    ):
        transport.append("drop_none")
    if any(op.parameters_model for op in api.operations):
        transport.append("utf8_text")
    if any(_needs_sent(op) for op in api.operations):
        transport.append("dump_arguments")
    parameters = [p for op in api.operations for p in op.parameters]
    if any(p.location == "path" and _simple_path(p) for p in parameters):
        transport.append("path_segment")
    for location, function in _STYLED.items():
        if any(
            p.location == location and (location == "cookie" or not _scalar(p))
            for p in parameters
        ):
            transport.append(function)
    if any(p.location == "path" and not _simple_path(p) for p in parameters):
        transport.append("styled_path")
    if api.lifecycle:
        transport.append("JobPoller")
    if api.lifecycle or any(
        op.paging and op.paging.kind != "page-number" for op in api.operations
    ):
        transport.append("optional_text")
    if any(s.header for s in api.auth):
        transport.append("TokenAuth")
    transport.append("Security")
    for kind, name in (
        ("query", "ApiKey"),
        ("cookie", "ApiKey"),
        ("basic", "HttpBasic"),
        ("oauth2", "OAuth2ClientCredentials"),
    ):
        if any(s.kind == kind for s in api.auth) and name not in transport:
            transport.append(name)
    read = {op.returns for op in api.operations}
    if read & {"binary", "text"}:
        plain = any(
            op.returns in ("binary", "text") and not _bytes_or_events(op)
            for op in api.operations
        )
        imports["binary"] = sorted(
            ["astream", "stream"]
            + (["AsyncStreamRequest", "StreamRequest"] if plain else [])
            + (["BinaryResponse", "binary"] if "binary" in read else [])
            + (["text"] if "text" in read else []),
            key=_import_order,
        )
    events = []
    if "events" in read or any(
        op.streams_events and op.returns == "model" for op in api.operations
    ):
        events += ["AsyncEventStreamRequest", "EventStreamRequest"]
        events += ["astream_events", "stream_events"]
        events += ["read_events"] if "events" in read else []
    if any(_bytes_or_events(op) for op in api.operations):
        events += ["AsyncStreamOrEventsRequest", "StreamOrEventsRequest"]
        events += ["or_async_event_stream", "or_event_stream", "or_events"]
    if events:
        imports["events"] = sorted(events, key=_import_order)
    homes: dict[str, list[str]] = {}
    for name in transport:
        homes.setdefault(_RUNTIME_HOME.get(name, "transport"), []).append(name)
    for module, names in homes.items():
        imports[module] = sorted(names, key=_import_order)
    return sorted(imports.items())


def _credentials(api: Api) -> list[Credential]:
    return [cred for scheme in api.auth for cred in scheme.credentials]


def _scheme_has_env(scheme: AuthScheme) -> bool:
    return all(c.env for c in scheme.credentials if not c.optional)


def _construct(scheme: AuthScheme, source: str) -> str:
    """The expression building `scheme`'s auth from arguments or from the environment."""
    if scheme.header is not None:
        (cred,) = scheme.credentials
        value = cred.name if source == "arg" else f"settings.env({cred.env!r})"
        prefix = f", prefix={scheme.prefix!r}" if scheme.prefix else ""
        return f"TokenAuth(header={scheme.header!r}, token=settings.require({cred.name!r}, {value}, 'pass {cred.name}='){prefix})"
    if scheme.kind is not None:
        values = [
            cred.name if source == "arg" else f"settings.env({cred.env!r})"
            for cred in scheme.credentials
        ]
        hint = "pass " + " and ".join(f"{c.name}=" for c in scheme.credentials)
        if len(scheme.credentials) > 1:
            hint += " together"
        given = [
            f"settings.require({c.name!r}, {value}, {hint!r})"
            for c, value in zip(scheme.credentials, values, strict=True)
        ]
        if scheme.kind in ("query", "cookie"):
            return f"ApiKey(name={scheme.name!r}, location={scheme.kind!r}, key={given[0]})"
        if scheme.kind == "basic":
            return f"HttpBasic(username={given[0]}, password={given[1]})"
        token_url = repr(scheme.token_url)
        if not _absolute(scheme.token_url or ""):
            # Relative to the server (OpenAPI 3.1), as the client's endpoint resolves.
            token_url = f"settings.resolve(endpoint, {token_url})"
        return (
            f"OAuth2ClientCredentials(token_url={token_url}, "
            f"client_id={given[0]}, client_secret={given[1]}, scopes={scheme.scopes!r})"
        )
    assert scheme.signer is not None
    required = [c.name for c in scheme.credentials if not c.optional]
    hint = "pass " + " and ".join(f"{n}=" for n in required) + " together"
    args = []
    for cred in scheme.credentials:
        value = (
            cred.name
            if source == "arg"
            else (f"settings.env({cred.env!r})" if cred.env else "None")
        )
        if not cred.optional:
            value = f"settings.require({cred.name!r}, {value}, {hint!r})"
        args.append(f"{cred.name}={value}")
    args += [f"{name}={name}" for name in scheme.signer.client_parameters]
    args += [f"{name}={_literal(value)}" for name, value in scheme.signer.options]
    return f"{scheme.signer.class_name}({', '.join(args)})"


def _absolute(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def _operation_security(api: Api) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The requirements of the operations whose security is not the document's."""
    return dict(api.operation_security)


def _every_call_needs_credentials(api: Api) -> bool:
    """No call can be made without credentials: a client without any is refused when it
    is created, not at its first call."""
    own = dict(api.operation_security)
    needs = [own.get(op.operation_id, api.security) for op in api.operations]
    return bool(needs) and all(r and () not in r for r in needs)


def _credential_hints(api: Api) -> dict[str, str]:
    """What a call needing a scheme that the client was not given says to do."""
    hints = {}
    for scheme in api.auth:
        required = [c for c in scheme.credentials if not c.optional]
        hint = "pass " + " and ".join(f"{c.name}=" for c in required)
        if _scheme_has_env(scheme):
            hint += " or set " + " and ".join(str(c.env) for c in required)
        hints[scheme.key] = hint
    return hints


def _no_credentials_message(api: Api) -> str:
    explicit = " or ".join(
        " and ".join(f"{c.name}=" for c in s.credentials if not c.optional)
        for s in api.auth
    )
    from_env = " or ".join(
        " and ".join(str(c.env) for c in s.credentials if not c.optional)
        for s in api.auth
        if _scheme_has_env(s)
    )
    return f"no credentials: pass {explicit}" + (
        f"; or set {from_env}" if from_env else ""
    )


def _access(variable: str, path: FieldPath, guard_lists: bool = True) -> str:
    """An expression reading `path` from `variable`; None where an optional object on the
    way is missing (written out, so type checkers follow it). Without `guard_lists`, a
    list's item is read as if there (usage examples, where the value must be the field's
    own type)."""
    expression, guards = variable, []
    for position, field in enumerate(path.fields[:-1]):
        expression += "." + field.name
        index = path.index(position)
        if index is not None:
            # A list: None or too short reads as missing.
            if guard_lists:
                guards.append(f"len({expression} or ()) > {index}")
            expression += f"[{index}]"
        elif not field.required:
            guards.append(f"{expression} is not None")
    expression += "." + path.fields[-1].name
    # No parentheses of its own: callers place it where none are needed (ruff's UP034).
    return f"{expression} if {' and '.join(guards)} else None" if guards else expression


def _access_or(variable: str, path: FieldPath, default: str) -> str:
    """`_access`, or `default` where it gives None."""
    expression = _access(variable, path)
    if " if " in expression:
        expression = f"({expression})"
    return f"{expression} or {default}"


def _unwrap(variable: str, path: FieldPath, model: str) -> str:
    """What an answer's envelope holds at `path`, or an empty `model` where the answer
    has no envelope: received models are tolerant, so an answer without one reads as an
    answer with nothing in it (a query without a state keeps a wait polling). Only the
    way to a submit's job id is required, and needs no fallback."""
    expression = _access(variable, path)
    if path.fields[-1].required:
        if expression.endswith(" else None"):
            return expression.removesuffix(" else None") + f" else {model}()"
        return expression
    value, _, guards = expression.removesuffix(" else None").partition(" if ")
    last = f"{value} is not None"
    return f"{value} if {guards + ' and ' if guards else ''}{last} else {model}()"


def _encoded(op: Operation) -> bool:
    """The body is multipart or form-encoded, or may be (`content_type=`)."""
    return op.upload in ("multipart", "form") or bool(op.media_types)


def _upload_arguments(op: Operation) -> list[tuple[str, str, bool, str]]:
    """The arguments an upload adds: (name, type, required, default) of each file, the
    raw body, the choice of media type."""
    result = [(f.name, _file_type(f), f.required, "None") for f in op.files]
    if op.upload == "binary":
        result.append(("body", "FileInput", op.raw_required, "None"))
    if op.media_types:
        choices = ", ".join(_literal(m) for m in op.media_types)
        result.append(
            ("content_type", f"Literal[{choices}]", False, _literal(op.media_types[0]))
        )
    return result


def _file_type(f: FileArgument) -> str:
    """A file argument's type: a file, a list of files or either, and whatever else the
    spec's union allows in its place (`FileInput | ImageRefParam`)."""
    types = ["FileInput"] if not f.many or f.single else []
    types += ["list[FileInput]"] if f.many else []
    return union([*types, f.other] if f.other else types)


def _body_media_type(op: Operation) -> str:
    """The media type an encoded body is sent as when the caller cannot choose."""
    if op.upload == "form":
        return "application/x-www-form-urlencoded"
    return "multipart/form-data"


def _call_arguments(op: Operation, skip: str | None) -> str:
    """The arguments of a call to `op`'s method passing on the caller's own."""
    positional = [p.name for p in op.path_arguments]
    keywords = [f.name for f in op.body_fields]
    keywords += [name for name, _, _, _ in _upload_arguments(op)]
    keywords += [p.name for p in op.method_parameters if p.location != "path"]
    return ", ".join(positional + [f"{k}={k}" for k in keywords if k != skip])


def _result_lines(api: Api, variable: str) -> list[str]:
    """Lines of generated usage showing what a finished job produced."""
    lifecycle = api.lifecycle
    if lifecycle is None:
        return [f"print({variable})"]
    lines = []
    for path in lifecycle.results or (lifecycle.state_field,):
        expression = _access(variable, path)
        if path.fields[-1].annotation.startswith("list["):
            lines += [
                f"for item in {_access_or(variable, path, '[]')}:",
                "    print(item)",
            ]
        else:
            lines.append(f"print({expression})")
    return lines


def _body_entries(op: Operation) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The request body as the method builds it from its arguments: the required ones,
    passed as they are (None included, so an error names the argument rather than a
    missing wire name), and the optional ones, sent only when given (a flattened
    container from the arguments lifted out of it)."""
    lifted = {name for _, names in op.flattened for name in names}
    required = [(f.name, f.name) for f in op.body_fields if f.required]
    optional = [
        (f.name, f.name)
        for f in op.body_fields
        if not f.required and f.name not in lifted
    ]
    required = [entry for entry in required if entry[0] not in lifted]
    # A file's union's other branches: the field when the argument is no file.
    optional += [(f.field, f"_{f.name}_other") for f in op.files if f.other]
    by_name = {f.name: f for f in op.body_fields}
    for container, names in op.flattened:
        given = [n for n in names if by_name[n].required]
        maybe = ", ".join(f'"{n}": {n}' for n in names if not by_name[n].required)
        if not given:
            optional.append((container, f"drop_none({{{maybe}}}) or None"))
            continue
        inner = ", ".join(f'"{n}": {n}' for n in given)
        rest = f", **drop_none({{{maybe}}})" if maybe else ""
        required.append((container, f"{{{inner}{rest}}}"))
    return required, optional


def _uses_drop_none(op: Operation) -> bool:
    required, optional = _body_entries(op)
    return bool(optional) or any("drop_none(" in value for _, value in required)


def _argument_type(op: Operation, argument: Field | Parameter) -> str:
    """An argument's type in the signature: a JSON document inside a string also takes
    its JSON text (as the vendors' SDKs do), which is parsed and checked like the
    document (`_runtime/wire.py: JsonString`)."""
    if isinstance(argument, Parameter):
        text = is_json_string(argument.schema)
    else:
        properties = (op.body.schema if op.body else {}).get("properties", {})
        schema = properties.get(argument.wire_name, {})
        text = is_json_string(schema) or ".JsonString[" in str(
            schema.get("x-python-type", "")
        )
    return union([argument.annotation, "str"]) if text else argument.annotation


def _keyword_count(op: Operation) -> int:
    return (
        len(op.body_fields)
        + len(_upload_arguments(op))
        + sum(1 for p in op.method_parameters if p.location != "path")
    )


def _located(op: Operation, location: str) -> list[Parameter]:
    return [p for p in op.parameters if p.location == location]


# Schema keys under which a value's wire form is not the checked value itself (JSON in a
# string, a date, a model), or under which a model field might hold a value not given.
_NOT_PLAIN = frozenset(
    ("format", "contentMediaType", "contentSchema", "$ref", "default")
)


def _plain(param: Parameter) -> bool:
    """Whether the wire carries the checked value of `param` as it is: a string, integer,
    number (an int kept an int: `operations.keep_integers`) or boolean (strict checking
    turns a str or int subclass, an enum member, into the plain value), whose field is
    None unless given. Its JSON-mode dump would be the same value, so none is made for
    it."""
    schema = param.schema
    return schema.get("type") in ("string", "integer", "number", "boolean") and not (
        _NOT_PLAIN & schema.keys()
    )


_SCALAR_TYPES = frozenset(("string", "integer", "number", "boolean"))
# The runtime function that writes a list or an object in each place (a cookie is
# always written by it: it is no `name: value` header of its own).
_STYLED = {
    "query": "styled_query",
    "header": "styled_header",
    "cookie": "cookie_pairs",
}


def _scalar(param: Parameter) -> bool:
    """Whether `param`'s value is one scalar on the wire (text, a number, a boolean, a
    JSON document inside a string), so its style cannot matter: sent by `text_params`
    (or `path_segment`), the fast path. Anything else is written by its style."""
    schema = param.schema
    types = schema.get("type")
    if isinstance(types, list):
        rest = [t for t in types if t != "null"]
        types = rest[0] if len(rest) == 1 else None
    if types is None and ("enum" in schema or "const" in schema):
        values = schema.get("enum", [schema.get("const")])
        return all(not isinstance(v, list | dict) for v in values)
    return types in _SCALAR_TYPES


def _simple_path(param: Parameter) -> bool:
    return param.style == "simple" and _scalar(param)


def _located_value(param: Parameter) -> str:
    """The expression of a query or header argument in `text_params`: its text, or for
    a list or an object, its text as its style writes it."""
    value = _argument(param)
    if _scalar(param):
        return value
    if param.location == "header":
        return f"styled_header({value}, {param.explode})"
    return (
        f"styled_query({naming.literal(param.wire_name)}, {value}, "
        f"{naming.literal(param.style)}, {param.explode})"
    )


def _needs_sent(op: Operation) -> bool:
    """Whether an argument of `op` is read from `_sent` (see `_argument`)."""
    return any(not p.client_level and not _plain(p) for p in op.method_parameters)


def _argument(param: Parameter) -> str:
    """The checked value of an argument as the wire carries it: a plain one read from the
    checked arguments (`_params`), any other from `_sent`, the JSON-mode dump of the
    arguments given (JSON inside strings as text, with wire names and only what was set;
    dates in ISO 8601)."""
    if param.client_level:
        return f"self._{param.name}"
    if _plain(param):
        return f"_params.{param.name}"
    return f"_sent[{param.name!r}]" if param.required else f"_sent.get({param.name!r})"


def _path_expression(op: Operation) -> str:
    """The path as a concatenation of literals and encoded parameters."""
    by_wire = {p.wire_name: p for p in op.parameters if p.location == "path"}
    parts = []
    last = 0
    for match in _PATH_PARAMETER.finditer(op.path):
        if match.start() > last:
            parts.append(repr(op.path[last : match.start()]))
        param = by_wire[match.group(1)]
        if _simple_path(param):
            parts.append(f"path_segment({param.name!r}, {_argument(param)})")
        else:
            parts.append(
                f"styled_path({param.wire_name!r}, {_argument(param)}, "
                f"{param.style!r}, {param.explode})"
            )
        last = match.end()
    if last < len(op.path):
        parts.append(repr(op.path[last:]))
    return " + ".join(parts)


def _context(api: Api) -> dict[str, Any]:
    annotations = [f.annotation for op in api.operations for f in op.body_fields]
    annotations += [p.annotation for op in api.operations for p in op.parameters]
    annotations += [p.annotation for p in api.client_parameters]
    annotations += [
        op.paging.item_annotation for op in api.operations if op.paging is not None
    ]
    annotations += [_returns(op) for op in api.operations if _unwraps(op)]
    annotations += [
        _event_type(model)
        for op in api.operations
        for model in (op.events, op.response if op.returns == "events" else None)
        if model is not None and model.root_type
    ]
    signer_params = sorted({n for s in api.signers for n in s.client_parameters})
    submit_example, example_models = _submit_example(api)
    client_models = {op.response.name for op in api.operations if op.response}
    client_models |= {op.events.name for op in api.operations if op.events}
    client_models |= {o.envelope_model.name for o in api.operations if o.envelope_model}
    client_models |= {op.body.name for op in api.operations if op.body}
    client_models |= {
        op.parameters_model.name for op in api.operations if op.parameters_model
    }
    client_models |= {cb.model.name for cb in api.callbacks}
    if api.client_parameters:
        client_models.add(naming.CLIENT_PARAMETERS)
    # Models named inside annotations (`list[X]`, `X | None`) are imported too.
    names_used = {
        n for a in annotations for n in re.findall(r"\w+", _QUOTED.sub("", a))
    }
    client_models |= names_used & {m.name for m in api.models}
    return {
        "api": api,
        "paged": any(op.paging for op in api.operations),
        "streamed": [
            op for op in api.operations if op.returns != "model" or op.streams_events
        ],
        "exported_models": sorted(
            [m.name for m in api.models if m.role == "schema"]
            + [a.name for a in api.aliases],
            key=_import_order,
        ),
        "datetime_names": sorted(names_used & {"date", "datetime"}),
        "pydantic_names": sorted(names_used & {"AwareDatetime"}),
        "credentials": _credentials(api),
        "signer_client_parameters": signer_params,
        "runtime_imports": _runtime_imports(api),
        "uses_literal": any("Literal[" in a for a in annotations)
        or any(op.media_types for op in api.operations),
        # A schema without a type (`{}`) is `Any`.
        "uses_any": "Any" in names_used,
        "client_models": sorted(client_models, key=_import_order),
        "no_credentials_message": _no_credentials_message(api),
        "operation_security": _operation_security(api),
        "relative_token_url": any(
            s.kind == "oauth2" and not _absolute(s.token_url or "") for s in api.auth
        ),
        "every_call_needs_credentials": _every_call_needs_credentials(api),
        "credential_hints": _credential_hints(api),
        "submit_example": submit_example,
        "example_models": example_models,
        "fake": _fake(api),
    }


# A quoted value in an annotation (a Literal's): its words are no types.
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


def _xml_annotation(field: Field, strict: bool) -> str:
    """A field's type, with its checks (`Field(ge=50, le=200)`) where it has some, and
    where it sits in the document (`XmlElement("Tag")` or `XmlAttribute("Name")`).
    `strict`: the field of a model a client sends."""
    annotation = field.annotation
    if strict and re.match(r"Literal\[-?\d", annotation):
        annotation = exact_integers(annotation)
    if field.constraints:
        checks = ", ".join(f"{key}={value!r}" for key, value in field.constraints)
        annotation = f"Annotated[{annotation}, Field({checks})]"
    optional = not (
        field.required or field.fixed is not None or annotation.startswith("list[")
    )
    if optional:
        annotation += " | None"
    kind = "XmlAttribute" if field.xml == "attribute" else "XmlElement"
    # Text sent as XML: refused, naming the field, where XML cannot carry it.
    text = ", XmlText" if strict and sends_text(field) else ""
    return f"Annotated[{annotation}, {kind}({field.wire_name!r}){text}]"


def sends_text(field: Field) -> bool:
    """Whether a field of a request model is text (or a list of texts): the type `str`
    outside any quoted value."""
    return re.search(r"\bstr\b", _QUOTED.sub("", field.annotation)) is not None


def _xml_default(field: Field) -> str:
    """` = ` and the field's default, or nothing for a field that must be given."""
    if field.fixed is not None:
        return f" = {field.fixed!r}"
    if field.annotation.startswith("list["):
        return "" if field.required else " = Field(default_factory=list)"
    return "" if field.required else " = None"


def render_xml_models(models: list[Model]) -> str:
    """The classes of the models read from an XSD (unformatted): pydantic models on the
    runtime's `XmlModel`, which reads and writes XML by their markers."""
    return (
        _environment()
        .get_template("models/xml.py.jinja")
        .render(models=models, xml_annotation=_xml_annotation, xml_default=_xml_default)
    )


def render_json_models(
    models: list[Model],
    fields: Mapping[str, Any],
    bases: Mapping[str, str] | None = None,
    roots: Mapping[str, str] | None = None,
) -> str:
    """pydantic classes for the JSON schemas' models (unformatted); `fields` holds each
    model's field declarations, by model name; `bases` the model each inherits from;
    `roots` the type each root model holds."""
    return (
        _environment()
        .get_template("models/json.py.jinja")
        .render(models=models, fields=fields, bases=bases or {}, roots=roots or {})
    )


def _pointer(path: FieldPath | None) -> tuple[str | int, ...] | None:
    """A response field's path as the wire names it: member names and list indexes."""
    if path is None:
        return None
    parts: list[str | int] = []
    for position, field in enumerate(path.fields):
        parts.append(field.wire_name)
        index = path.index(position)
        if index is not None:
            parts.append(index)
    return tuple(parts)


def _text_pointer(text: str | None) -> tuple[str | int, ...] | None:
    """A JSON pointer's parts, a list index as a number."""
    if text is None:
        return None
    return tuple(int(p) if p.isdigit() else p for p in pointer_parts(text))


def _fake_role(api: Api, op: Operation) -> str:
    lifecycle = api.lifecycle
    if lifecycle is not None and op.operation_id == lifecycle.submit.operation_id:
        return "submit"
    if lifecycle is not None and op.operation_id == lifecycle.query.operation_id:
        return "query"
    if op.paging is not None and _lists_jobs(api, op):
        return "list"
    if op.http_method == "DELETE" or re.match(r"(?i)(delete|remove)", op.operation_id):
        return "delete"
    if re.match(r"(?i)(cancel|stop|abort)", op.operation_id):
        return "cancel"
    return "other"


def _lists_jobs(api: Api, op: Operation) -> bool:
    """A list whose items are the lifecycle's jobs: they have a field of the job id's
    name (or an id of a job or task)."""
    lifecycle = api.lifecycle
    if lifecycle is None or op.paging is None:
        return False
    item = next((m for m in api.models if m.name == op.paging.item_annotation), None)
    leaf = lifecycle.job_id_field.fields[-1].wire_name
    return item is not None and any(
        f.wire_name == leaf or re.search(r"(?i)(job|task)_?id$", f.wire_name)
        for f in item.fields
    )


def _job_id_pattern(api: Api) -> str | None:
    """The pattern a job id matches (the query argument's), if the spec gives one."""
    lifecycle = api.lifecycle
    if lifecycle is None:
        return None
    argument = lifecycle.query_parameter
    if isinstance(argument, Parameter):
        pattern = argument.schema.get("pattern")
        return pattern if isinstance(pattern, str) else None
    return next(
        (str(value) for key, value in argument.constraints if key == "pattern"), None
    )


def _fake_value(name: str, schema: Mapping[str, Any] | None) -> str:
    """A value a fake's client is made with: the schema's example, else a plain word."""
    schema = schema or {}
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return str(schema["enum"][0])
    for key in ("example", "default"):
        if isinstance(schema.get(key), str) and schema[key]:
            return str(schema[key])
    examples = schema.get("examples")
    if isinstance(examples, list) and examples and isinstance(examples[0], str):
        return examples[0]
    return _fake_word(name)


def _fake_word(name: str) -> str:
    """A plain stand-in value named after what it stands for (`fakeapikey`)."""
    return "fake" + re.sub(r"[^a-z0-9]", "", name.lower())


def _fake(api: Api) -> dict[str, Any]:
    """What `testing.py` says about the service, as Python literals."""
    lifecycle = api.lifecycle
    envelope = next((_pointer(o.envelope) for o in api.operations if o.envelope), ())
    code = _text_pointer(api.errors.code)
    operations = []
    for op in api.operations:
        role = _fake_role(api, op)
        paging = None
        if op.paging is not None:
            token = next(
                (p.wire_name for p in op.parameters if p.name == op.paging.argument),
                next(
                    (
                        f.wire_name
                        for f in op.body_fields
                        if f.name == op.paging.argument
                    ),
                    None,
                ),
            )
            paging = {
                "kind": op.paging.kind,
                "items": _pointer(op.paging.items),
                "next": _pointer(op.paging.next),
                "total": _pointer(op.paging.total),
                "argument": token,
                "first_page": op.paging.first_page,
            }
        job_argument = None
        if lifecycle is not None and role in ("query", "delete", "cancel"):
            job_argument = lifecycle.query_parameter.wire_name
        operations.append(
            {
                "op": op,
                "role": role,
                "arguments": [
                    (p.name, p.wire_name, p.location, p.client_level)
                    for p in op.parameters
                ],
                # An XML answer's root element is its envelope.
                "envelope": _pointer(op.envelope)
                or (
                    (op.response.xml_tag,)
                    if op.response is not None and op.response.xml_tag
                    else ()
                ),
                "answer_body": (op.envelope_model or op.response),
                "paging": paging,
                "job_argument": job_argument,
                # The data of each event: the streamed form's, or the answer's own.
                "events": op.events
                or (op.response if op.returns == "events" else None),
                "files": tuple(
                    (f.wire_name, f.required and not f.field) for f in op.files
                ),
            }
        )
    scheme = api.auth[0] if api.auth else None
    credentials = {
        c.name: _fake_word(c.name)
        for c in (scheme.credentials if scheme else ())
        if not c.optional
    }
    client_arguments = {
        p.name: _fake_value(p.name, p.schema)
        for p in api.client_parameters
        if not p.has_default
    }
    secret = sorted({h for s in api.auth for h in s.secret_headers})
    return {
        "operations": operations,
        "lifecycle": lifecycle
        and {
            "job_id": _pointer(lifecycle.job_id_field),
            "state": _pointer(lifecycle.state_field),
            "failure_code": _pointer(lifecycle.failure_code_field),
            "failure_message": _pointer(lifecycle.failure_message_field),
            "results": tuple(_pointer(r) for r in lifecycle.results),
            "not_found": _pointer(lifecycle.not_found_field),
            "id_pattern": _job_id_pattern(api),
        },
        "errors": {
            "code": code,
            "message": _text_pointer(api.errors.message),
            "request_id": _text_pointer(api.errors.request_id),
            "in_envelope": bool(
                envelope and code and code[: len(envelope)] == envelope
            ),
            "xml": any(
                op.response is not None and op.response.xml_tag is not None
                for op in api.operations
            ),
        },
        "credentials": credentials,
        "secret_credentials": tuple(
            c.name for c in (scheme.credentials if scheme else ()) if c.secret
        ),
        "client_arguments": client_arguments,
        "secret_headers": tuple(secret),
    }


def render_package(api: Api) -> dict[str, str]:
    """Every templated file of the package, by path relative to the package root."""
    env = _environment()
    context = _context(api)
    files = {}
    for template in sorted(TEMPLATES.glob("*.jinja")):
        output = template.name.removesuffix(".jinja")
        files[output] = env.get_template(template.name).render(context)
    return files


def runtime_files(api: Api) -> dict[str, str]:
    """The hand-written runtime modules this package needs, copied verbatim."""
    names = list(RUNTIME_CORE) + [f"{s.module}.py" for s in api.signers]
    names += [f"{module}.py" for module in api.runtime_modules]
    return {
        f"_runtime/{name}": (RUNTIME / name).read_text(encoding="utf-8")
        for name in names
    }
