"""Security schemes -> how a client authenticates: a token header or a named signer."""

from __future__ import annotations

from collections.abc import Mapping

from ..ir import AuthScheme, Credential, Signer
from .context import Context, clean
from .extensions import ext

# Signers available in generator/runtime/: scheme name -> (module, class).
SIGNERS: Mapping[str, tuple[str, str]] = {
    "sdk-hmac-sha256": ("sdk_hmac_sha256", "SdkHmacSha256Signer"),
}

# Every x-sdkgen-* extension this builder reads; any other is a typo to report, not ignore.


def auth_schemes(ctx: Context, client_params: set[str]) -> tuple[AuthScheme, ...]:
    schemes = ctx.document.get("components", {}).get("securitySchemes", {})
    order = [
        key for requirement in ctx.document.get("security", []) for key in requirement
    ]
    if not order:
        raise ctx.error(("security",), "at least one security requirement is needed")
    result = []
    seen: set[str] = set(client_params)
    for key in order:
        where = ("components", "securitySchemes", key)
        scheme = schemes.get(key)
        if scheme is None:
            raise ctx.error(("security",), f"unknown security scheme {key!r}")
        creds = []
        for cname, spec in (ext(scheme, "credentials") or {}).items():
            if not cname.isidentifier() or cname in seen:
                raise ctx.error(
                    where + ("x-sdkgen-credentials", cname),
                    "credential names must be unique identifiers",
                )
            seen.add(cname)
            creds.append(
                Credential(
                    name=cname,
                    env=spec.get("env"),
                    secret=bool(spec.get("secret", False)),
                    optional=bool(spec.get("optional", False)),
                    description=clean(spec.get("description", "")),
                )
            )
        if not creds:
            raise ctx.error(
                where,
                "x-sdkgen-credentials names the client arguments this scheme takes",
            )
        signer_name = ext(scheme, "signer")
        signer = None
        header = None
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
            module, cls = SIGNERS[signer_name]
            signer = Signer(
                scheme=signer_name,
                module=module,
                class_name=cls,
                client_parameters=extra,
            )
        elif (
            scheme.get("type") == "apiKey"
            and scheme.get("in") == "header"
            and len(creds) == 1
        ):
            header = scheme["name"]
        else:
            raise ctx.error(
                where,
                "expected x-sdkgen-signer, or an apiKey header with one credential",
            )
        result.append(
            AuthScheme(
                key=key,
                description=clean(scheme.get("description", "")),
                credentials=tuple(creds),
                header=header,
                signer=signer,
            )
        )
    return tuple(result)
