"""Security schemes -> how a client authenticates (a token header, a key in a query or a
cookie, HTTP basic, OAuth2 client credentials, or a named signer), and which schemes
each operation needs."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import naming
from ..errors import pointer, warn
from ..ir import AuthScheme, Credential, Operation, Signer
from .context import Context, clean
from .extensions import ext
from .operations import ENV_NAME

# Signers available in generator/runtime/: scheme name -> (module, class, the headers it
# adds that carry a secret: never logged, never recorded).
SIGNERS: Mapping[str, tuple[str, str, tuple[str, ...]]] = {
    "sdk-hmac-sha256": (
        "sdk_hmac_sha256",
        "SdkHmacSha256Signer",
        ("Authorization", "X-Security-Token"),
    ),
    "acs3-hmac-sha256": (
        "acs3_hmac_sha256",
        "Acs3HmacSha256Signer",
        ("Authorization", "x-acs-security-token"),
    ),
    "tc3-hmac-sha256": (
        "tc3_hmac_sha256",
        "Tc3HmacSha256Signer",
        ("Authorization", "X-TC-Token"),
    ),
    "cos-sha1": (
        "cos_sha1",
        "CosSha1Signer",
        ("Authorization", "x-cos-security-token"),
    ),
}


Requirements = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Security:
    """Which schemes a client takes, and which each operation needs."""

    schemes: tuple[AuthScheme, ...]
    # The document's `security` (alternatives, each a set of scheme keys).
    default: Requirements
    # Operations whose own `security` (or a header parameter repeating a scheme's
    # header) says otherwise: (operationId, requirements).
    operations: tuple[tuple[str, Requirements], ...]
    # The operations with the header parameters that repeat a scheme's header removed.
    stripped: tuple[Operation, ...]


def read_security(
    ctx: Context,
    pairs: Sequence[tuple[tuple[str, str], Operation]],
    client_params: set[str],
    taken: set[str],
) -> Security:
    """The security of the document and of each operation ((path, method) -> its IR).
    Credential names must not take a name in `taken` (client parameters, server
    variables)."""
    declared = dict(ctx.document.get("components", {}).get("securitySchemes", {}))
    if not declared:
        declared = _implied(ctx, pairs)
    # The schemes a client can send; requirements naming any other are dropped.
    schemes = {
        key: scheme
        for key, scheme in declared.items()
        if isinstance(scheme, dict)
        and (_kind(scheme) is not None or ext(scheme, "signer") is not None)
    }
    default = (
        _requirements(ctx, ctx.document.get("security"), ("security",), declared) or ()
    )
    order: list[str] = [key for requirement in default for key in requirement]
    per_operation: list[tuple[str, Requirements]] = []
    stripped = []
    for (path, method), op in pairs:
        spec = ctx.document["paths"][path][method]
        where = ("paths", path, method, "security")
        own = _requirements(ctx, spec.get("security"), where, declared)
        # A header parameter that repeats a scheme's header is the credential, taken
        # once by the client (ElevenLabs' `xi-api-key`, Deepgram's `Authorization`).
        repeated = {
            p.wire_name.lower(): p
            for p in op.parameters
            if p.location == "header"
            and not p.client_level
            and p.wire_name.lower() in _headers_of(schemes)
        }
        if repeated:
            if own is None and not default:
                # Nothing else says what it needs: the parameter does.
                own = tuple(
                    (key,)
                    for key, scheme in schemes.items()
                    if (_header_of(scheme) or "").lower() in repeated
                )
                if not all(p.required for p in repeated.values()):
                    own += ((),)
            op = _without(op, set(repeated))
        stripped.append(op)
        if own is not None:
            per_operation.append((op.operation_id, own))
            order += [key for requirement in own for key in requirement]
    result = []
    seen = set(taken)
    for key in dict.fromkeys(order):
        result.append(_scheme(ctx, key, schemes[key], client_params, seen))
    return Security(
        schemes=tuple(result),
        default=default,
        operations=tuple(per_operation),
        stripped=tuple(stripped),
    )


# Header names that carry a credential (`xi-api-key`, `Ocp-Apim-Subscription-Key`).
_CREDENTIAL_HEADER = re.compile(
    r"^authorization$|api[-_]?key|access[-_]?token|auth[-_]?token|subscription[-_]?key",
    re.IGNORECASE,
)


def _implied(
    ctx: Context, pairs: Sequence[tuple[tuple[str, str], Operation]]
) -> dict[str, Any]:
    """A document without security schemes whose operations take the key as a header
    parameter (ElevenLabs' `xi-api-key`): that header is an API key scheme, named after
    it, and the client takes the key once."""
    implied: dict[str, Any] = {}
    for (path, method), op in pairs:
        for p in op.parameters:
            if p.location != "header" or p.client_level:
                continue
            if not _CREDENTIAL_HEADER.search(p.wire_name):
                continue
            if p.wire_name.lower() not in {k.lower() for k in implied}:
                implied[p.wire_name] = {
                    "type": "apiKey",
                    "in": "header",
                    "name": p.wire_name,
                }
                warn(
                    ctx.file,
                    _parameter_pointer(ctx, path, method, p.wire_name),
                    f"header parameter {p.wire_name!r} carries a credential, and the "
                    "document declares no security scheme: read as an API key in "
                    f"that header, taken once by the client ({p.name}=), not by "
                    "each method",
                )
    return implied


def _parameter_pointer(ctx: Context, path: str, method: str, wire: str) -> str:
    """Where header parameter `wire` of an operation is declared (its own list first,
    then its path's)."""
    item = ctx.document["paths"][path]
    for where in ((path, method), (path,)):
        node = item[method] if len(where) == 2 else item
        for index, parameter in enumerate(node.get("parameters", [])):
            found, _ = ctx.deref(parameter, ())
            if (
                isinstance(found, dict)
                and found.get("in") == "header"
                and str(found.get("name", "")).lower() == wire.lower()
            ):
                return pointer("paths", *where, "parameters", index)
    return pointer("paths", path, method)


def _requirements(
    ctx: Context, value: Any, where: tuple[Any, ...], declared: Mapping[str, Any]
) -> Requirements | None:
    """A `security` list: None when absent, `()` when empty (no credentials). An
    alternative naming a scheme that is not declared, or that a generated client cannot
    send (`http` `digest`, `mutualTLS`), is dropped, with a warning."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise ctx.error(where, "expected a list of security requirements")
    kept = []
    for index, requirement in enumerate(value):
        for key in requirement:
            scheme = declared.get(key)
            if scheme is None:
                why = "is not declared"
            elif _kind(scheme) is None and ext(scheme, "signer") is None:
                why = f"cannot be sent by a generated client ({_described(scheme)})"
            else:
                continue
            warn(
                ctx.file,
                pointer(*where, index, key),
                f"security scheme {key!r} {why}: this alternative is dropped"
                + ("" if len(value) > 1 else ", and the operation sends none"),
            )
            break
        else:
            kept.append(tuple(requirement))
    return tuple(kept)


def _described(scheme: Mapping[str, Any]) -> str:
    return ", ".join(
        repr(scheme[k]) for k in ("type", "in", "scheme") if scheme.get(k) is not None
    )


def _headers_of(schemes: Mapping[str, Any]) -> set[str]:
    return {h.lower() for s in schemes.values() if (h := _header_of(s)) is not None}


def _header_of(scheme: Any) -> str | None:
    """The header a scheme's credential travels in, if it has one of its own."""
    if not isinstance(scheme, dict):
        return None
    if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
        return str(scheme.get("name"))
    if scheme.get("type") in ("http", "oauth2", "openIdConnect"):
        return "Authorization"
    return None


def _without(op: Operation, headers: set[str]) -> Operation:
    """`op` without its header parameters named in `headers` (lower case)."""
    gone = {
        p.name
        for p in op.parameters
        if p.location == "header" and p.wire_name.lower() in headers
    }
    model = op.parameters_model
    if model is not None:
        schema = dict(model.schema)
        wires = {f.wire_name for f in model.fields if f.name in gone}
        schema["properties"] = {
            k: v for k, v in schema.get("properties", {}).items() if k not in wires
        }
        if "required" in schema:
            schema["required"] = [r for r in schema["required"] if r not in wires]
        fields = tuple(f for f in model.fields if f.name not in gone)
        model = dataclasses.replace(model, fields=fields, schema=schema)
    return dataclasses.replace(
        op,
        parameters=tuple(p for p in op.parameters if p.name not in gone),
        parameters_model=model,
    )


def _scheme(
    ctx: Context,
    key: str,
    scheme: Mapping[str, Any],
    client_params: set[str],
    seen: set[str],
) -> AuthScheme:
    where = ("components", "securitySchemes", key)
    kind = _kind(scheme)
    creds = []
    for cname, spec in (ext(scheme, "credentials") or {}).items():
        if not cname.isidentifier() or cname in seen:
            raise ctx.error(
                where + ("x-sdkgen-credentials", cname),
                "credential names must be unique identifiers",
            )
        seen.add(cname)
        env = spec.get("env")
        # Docs, messages and the calls reading it spell it as is.
        if env is not None and not (isinstance(env, str) and ENV_NAME.match(env)):
            raise ctx.error(
                where + ("x-sdkgen-credentials", cname, "env"),
                f"{env!r} is no environment variable name (letters, digits and _)",
            )
        creds.append(
            Credential(
                name=cname,
                env=env,
                secret=bool(spec.get("secret", False)),
                optional=bool(spec.get("optional", False)),
                description=clean(spec.get("description", "")),
            )
        )
    if not creds and kind is not None:
        # No extension needed: the arguments are named after the scheme.
        for suffix, secret, what in _ARGUMENTS[kind]:
            cname = naming.client_argument_name(f"{key}_{suffix}" if suffix else key)
            if cname in seen:
                raise ctx.error(where, f"its argument {cname!r} is already taken")
            seen.add(cname)
            creds.append(Credential(cname, None, secret, False, what))
    if not creds:
        raise ctx.error(
            where,
            "x-sdkgen-credentials names the client arguments this scheme takes",
        )
    signer_name = ext(scheme, "signer")
    description = clean(scheme.get("description", ""))
    if signer_name is not None:
        if scheme.get("in", "header") != "header":
            raise ctx.error(
                where + ("in",),
                "a signer's credentials travel in headers only "
                f"(in: {scheme.get('in')})",
            )
        if signer_name not in SIGNERS:
            raise ctx.error(
                where + ("x-sdkgen-signer",),
                f"unknown signer {signer_name!r}; known: {sorted(SIGNERS)}",
            )
        extra = tuple(ext(scheme, "signer-client-parameters", ()))
        for p in extra:
            if p not in client_params:
                raise ctx.error(
                    where + ("x-sdkgen-signer-client-parameters",),
                    f"{p!r} is not a client parameter",
                )
        module, cls, secret_headers = SIGNERS[signer_name]
        signer = Signer(
            scheme=signer_name,
            module=module,
            class_name=cls,
            client_parameters=extra,
            secret_headers=secret_headers,
            options=_signer_options(
                ctx, scheme, where, module, cls, {c.name for c in creds} | set(extra)
            ),
        )
        return AuthScheme(
            key=key,
            description=description,
            credentials=tuple(creds),
            header=None,
            signer=signer,
            secret_headers=secret_headers,
        )
    expected = len(_ARGUMENTS[kind or "token"])
    if len(creds) != expected or any(c.optional for c in creds):
        raise ctx.error(
            where + ("x-sdkgen-credentials",),
            f"this scheme takes {expected} credential(s), none optional",
        )
    if kind == "token":
        header, prefix = _token_header(scheme) or ("", "")
        return AuthScheme(
            key=key,
            description=description,
            credentials=tuple(creds),
            header=header,
            signer=None,
            prefix=prefix,
            secret_headers=(header,),
        )
    if kind in ("query", "cookie"):
        return AuthScheme(
            key=key,
            description=description,
            credentials=tuple(creds),
            header=None,
            signer=None,
            kind=kind,
            name=str(scheme["name"]),
            secret_headers=("Cookie",) if kind == "cookie" else (),
            secret_query=(str(scheme["name"]),) if kind == "query" else (),
        )
    flow = scheme.get("flows", {}).get("clientCredentials", {})
    return AuthScheme(
        key=key,
        description=description,
        credentials=tuple(creds),
        header=None,
        signer=None,
        kind=kind,
        token_url=str(flow.get("tokenUrl", "")) if kind == "oauth2" else None,
        scopes=tuple(sorted(flow.get("scopes", {}))) if kind == "oauth2" else (),
        secret_headers=("Authorization",),
    )


# The client arguments of each kind of scheme without x-sdkgen-credentials:
# (suffix after the scheme's name, secret, description).
_ARGUMENTS: Mapping[str, tuple[tuple[str, bool, str], ...]] = {
    "token": (("", True, ""),),
    "query": (("", True, "The API key (sent in the query)."),),
    "cookie": (("", True, "The API key (sent in a cookie)."),),
    "basic": (
        ("username", False, "The user name (HTTP basic)."),
        ("password", True, "The password (HTTP basic)."),
    ),
    "oauth2": (
        ("client_id", False, "The OAuth2 client id."),
        ("client_secret", True, "The OAuth2 client secret."),
    ),
}


def _kind(scheme: Mapping[str, Any]) -> str | None:
    """How a scheme's credential travels, for the runtime: None for an unknown one."""
    if ext(scheme, "signer") is not None:
        return None
    kind = scheme.get("type")
    if kind == "apiKey":
        place = scheme.get("in")
        return "token" if place == "header" else str(place)
    if kind == "http":
        http = str(scheme.get("scheme")).lower()
        return {"bearer": "token", "basic": "basic"}.get(http)
    if kind == "oauth2" and "clientCredentials" in scheme.get("flows", {}):
        return "oauth2"
    if kind in ("oauth2", "openIdConnect"):
        # A token obtained elsewhere (a user's sign-in), sent as a bearer token.
        return "token"
    return None


def _signer_options(
    ctx: Context,
    scheme: Mapping[str, Any],
    where: tuple[Any, ...],
    module: str,
    cls: str,
    passed: set[str],
) -> tuple[tuple[str, Any], ...]:
    """`x-sdkgen-signer-options`: keyword arguments of the signer that the spec fixes (a
    TC3 signer's `service`), checked against what the signer's constructor takes."""
    options = ext(scheme, "signer-options", {})
    at = where + ("x-sdkgen-signer-options",)
    if not isinstance(options, dict) or not all(
        isinstance(v, str | int | float | bool) for v in options.values()
    ):
        raise ctx.error(at, "expected a map of keyword to a text, number or boolean")
    signature = inspect.signature(
        getattr(importlib.import_module(f"..runtime.{module}", __package__), cls)
    )
    takes = {
        name
        for name, p in signature.parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and name not in passed
    }
    for name in options:
        if name not in takes:
            raise ctx.error(
                at + (name,),
                f"the signer takes no option {name!r}; it takes {sorted(takes)}",
            )
    return tuple(sorted(options.items()))


def _token_header(scheme: Mapping[str, Any]) -> tuple[str, str] | None:
    """(header, prefix) of a scheme that sends one token as it is: an API key in a header,
    or a bearer token (`Authorization: Bearer <token>`: HTTP bearer, an OAuth2 or OpenID
    Connect access token obtained elsewhere)."""
    if _kind(scheme) != "token":
        return None
    if scheme.get("type") == "apiKey":
        return str(scheme["name"]), ""
    return "Authorization", "Bearer "
