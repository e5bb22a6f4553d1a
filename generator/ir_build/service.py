"""Where the API lives and how it reports errors: servers and the error shape."""

from __future__ import annotations

import re

from .. import naming
from ..errors import pointer, warn
from ..ir import ErrorShape, Server, ServerVariable
from .context import Context, clean
from .extensions import ext

_VARIABLE = re.compile(r"\{([^{}]+)\}")
# Every client's own arguments; `region` is also a server variable's name.
_CLIENT_ARGUMENTS = frozenset(
    {
        "region",
        "server",
        "base_url",
        "timeout",
        "max_retries",
        "retry_submits",
        "http_client",
    }
)

_CODE = re.compile(r"[A-Za-z0-9_.:-]+")
_ERROR_KEYS = frozenset(
    {
        "code",
        "message",
        "request-id",
        "request-id-header",
        "authentication-codes",
        "clock-skew-codes",
        "throttling-codes",
    }
)


def read_servers(ctx: Context, taken: set[str]) -> tuple[Server, ...]:
    """Every server, in the spec's order (the first is the default); each `{variable}`
    of a URL becomes a client argument, one per name across the servers. No server: the
    caller gives `base_url=`."""
    servers = ctx.document.get("servers") or []
    result = []
    arguments: dict[str, str] = {}  # variable -> its argument, shared by the servers
    urls: set[str] = set()
    for index, server in enumerate(servers):
        url = str(server["url"])
        if url in urls:
            # Offered once: `server=` names a server by its URL.
            warn(
                ctx.file, pointer("servers", index), f"a second server {url!r}: ignored"
            )
            continue
        urls.add(url)
        declared = server.get("variables", {})
        used = _VARIABLE.findall(url)
        for name in used:
            if name not in declared:
                raise ctx.error(
                    ("servers", index, "url"), f"{{{name}}} is not a declared variable"
                )
        variables = []
        for wire, spec in declared.items():
            where = ("servers", index, "variables", wire)
            if wire not in used:
                raise ctx.error(where, "the URL does not use this variable")
            name = arguments.get(wire)
            if name is None:
                name = naming.client_argument_name(wire)
                if name in taken or name in _CLIENT_ARGUMENTS - {"region"}:
                    raise ctx.error(where, f"its argument {name!r} is already taken")
                taken.add(name)
                arguments[wire] = name
            default = spec.get("default")
            variables.append(
                ServerVariable(
                    name=name,
                    wire_name=wire,
                    # OpenAPI requires a default; an empty one means "the caller must say".
                    default=str(default) if default not in (None, "") else None,
                    choices=tuple(str(v) for v in spec.get("enum", ())),
                    description=clean(spec.get("description", "")),
                    # `{endpoint}/texttospeech`: the value is a scheme and a host.
                    origin=url.startswith("{" + wire + "}"),
                )
            )
        result.append(
            Server(
                url=url,
                variables=tuple(variables),
                description=clean(server.get("description", "")),
            )
        )
    return tuple(result)


def error_shape(ctx: Context) -> ErrorShape:
    spec = ext(ctx.document, "errors")
    if spec is None:
        # The client reads the common shapes of error bodies (`_runtime/response.py`).
        return ErrorShape(
            code=None, message=None, request_id=None, request_id_header=None
        )
    if not isinstance(spec, dict) or "code" not in spec or "message" not in spec:
        raise ctx.error(
            ("x-sdkgen-errors",),
            "needs JSON pointers 'code' and 'message' into error bodies",
        )
    for key in spec:
        # A `$comment` says where a value comes from, for readers of the spec.
        if key not in _ERROR_KEYS and key != "$comment":
            raise ctx.error(
                ("x-sdkgen-errors", key),
                f"unknown key; known: {', '.join(sorted(_ERROR_KEYS))}",
            )
    return ErrorShape(
        code=spec["code"],
        message=spec["message"],
        request_id=spec.get("request-id"),
        request_id_header=spec.get("request-id-header"),
        authentication_codes=_codes(ctx, spec, "authentication-codes"),
        clock_skew_codes=_codes(ctx, spec, "clock-skew-codes"),
        throttling_codes=_codes(ctx, spec, "throttling-codes"),
    )


def _codes(ctx: Context, spec: dict[str, object], key: str) -> tuple[str, ...]:
    """A list of vendor error codes under `key` of x-sdkgen-errors (none if absent)."""
    codes = spec.get(key, [])
    # The codes are also shown in the package README, in `code` spans.
    if not isinstance(codes, list) or not all(
        isinstance(c, str) and _CODE.fullmatch(c) for c in codes
    ):
        raise ctx.error(
            ("x-sdkgen-errors", key),
            "expected a list of vendor error codes (text of letters, digits and . _ - :)",
        )
    return tuple(codes)
