"""Where the API lives and how it reports errors: servers and the error shape."""

from __future__ import annotations

from ..ir import ErrorShape, Server
from .context import Context
from .extensions import ext


def read_server(ctx: Context) -> Server:
    servers = ctx.document.get("servers") or []
    if not servers:
        raise ctx.error(("servers",), "a server URL is needed")
    server = servers[0]
    region = server.get("variables", {}).get("region")
    others = set(server.get("variables", {})) - {"region"}
    if others:
        raise ctx.error(
            ("servers", 0, "variables"),
            f"only a 'region' variable is supported, not {sorted(others)}",
        )
    return Server(
        url=server["url"],
        region_default=str(region["default"]) if region else "",
        regions=tuple(region.get("enum", ())) if region else (),
    )


def error_shape(ctx: Context) -> ErrorShape:
    spec = ext(ctx.document, "errors")
    if not isinstance(spec, dict) or "code" not in spec or "message" not in spec:
        raise ctx.error(
            ("x-sdkgen-errors",),
            "needs JSON pointers 'code' and 'message' into error bodies",
        )
    return ErrorShape(
        code=spec["code"],
        message=spec["message"],
        request_id=spec.get("request-id"),
        request_id_header=spec.get("request-id-header"),
    )
