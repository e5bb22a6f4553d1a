"""Security schemes -> how a client authenticates: a token header or a named signer."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from typing import Any

from .. import naming
from ..ir import AuthScheme, Credential, Signer
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


def auth_schemes(
    ctx: Context, client_params: set[str], taken: set[str]
) -> tuple[AuthScheme, ...]:
    """The schemes in the order `security` lists them. Credential names must not take a
    name in `taken` (client parameters, server variables)."""
    schemes = ctx.document.get("components", {}).get("securitySchemes", {})
    order = [
        key for requirement in ctx.document.get("security", []) for key in requirement
    ]
    if not order:
        raise ctx.error(("security",), "at least one security requirement is needed")
    result = []
    seen = set(taken)
    for key in order:
        where = ("components", "securitySchemes", key)
        scheme = schemes.get(key)
        if scheme is None:
            raise ctx.error(("security",), f"unknown security scheme {key!r}")
        if scheme.get("type") == "apiKey" and scheme.get("in") != "header":
            # A generated client (and every signer) sends credentials in headers only.
            place = scheme.get("in")
            why = {
                "query": "in: query would put the key in URLs and logs",
                "cookie": "in: cookie: a generated client sends no cookies",
            }.get(str(place), f"in: {place!r}")
            raise ctx.error(
                where + ("in",), f"API keys are supported in headers only ({why})"
            )
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
        if not creds and _token_header(scheme) is not None:
            # A key or token scheme needs no extension: one secret argument, named after
            # the scheme.
            cname = naming.client_argument_name(key)
            if cname in seen:
                raise ctx.error(where, f"its argument {cname!r} is already taken")
            seen.add(cname)
            creds.append(Credential(cname, None, True, False, ""))
        if not creds:
            raise ctx.error(
                where,
                "x-sdkgen-credentials names the client arguments this scheme takes",
            )
        signer_name = ext(scheme, "signer")
        signer = None
        header = None
        prefix = ""
        if signer_name is not None:
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
                    ctx,
                    scheme,
                    where,
                    module,
                    cls,
                    {c.name for c in creds} | set(extra),
                ),
            )
        elif _token_header(scheme) is not None and len(creds) == 1:
            header, prefix = _token_header(scheme) or ("", "")
            secret_headers = (header,)
        else:
            raise ctx.error(
                where,
                "expected x-sdkgen-signer, an apiKey header or an http bearer scheme, "
                "with one credential",
            )
        result.append(
            AuthScheme(
                key=key,
                description=clean(scheme.get("description", "")),
                credentials=tuple(creds),
                header=header,
                signer=signer,
                prefix=prefix,
                secret_headers=secret_headers,
            )
        )
    return tuple(result)


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
    or an HTTP bearer token (`Authorization: Bearer <token>`)."""
    if ext(scheme, "signer") is not None:
        return None
    if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
        return str(scheme["name"]), ""
    if scheme.get("type") == "http" and str(scheme.get("scheme")).lower() == "bearer":
        return "Authorization", "Bearer "
    return None
