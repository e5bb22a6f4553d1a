"""An operation of the spec against the SDK's request and response models.

Kinds, as for pages: `added` (in the SDK, not in the spec), `removed` (in the spec, not
in the SDK), `type`, `required` and `enum`, the last two only where the SDK states them;
`operation` when the SDK has no model class for an operation. The sub-fields of a
field are compared when the SDK has a model for it (a JSON document the spec carries
in a string is a string to the SDK, and its content is not compared).

The request side is every parameter and body field of the spec, whatever its place
(SDK models do not say where a field travels); header names compare without case.
Headers that security schemes and RPC conventions add, and client parameters (a
project or a region, which SDKs take in their configuration), are never missing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..compare import same_type
from ..model import Finding
from ..spec_view import (
    Resolver,
    SpecField,
    SpecOperation,
    response_fields,
    success_status,
)
from .model import SdkField, SdkOperation

Placed = tuple[str, SpecField]  # where the spec puts a field, and the field


def compare_operation(
    operation: SpecOperation,
    sdk: SdkOperation,
    root: tuple[str, ...],
    resolver: Resolver,
) -> list[Finding]:
    request: list[Placed] = [
        (place, field)
        for place in ("path", "query", "header")
        for field in operation.parameters[place]
    ]
    request += [("body", field) for field in operation.body or ()]
    findings = list(_fields(operation.id, "request", request, sdk.request, ""))
    status = success_status(operation)
    if status is not None:
        spec = response_fields(operation, status, root, resolver) or ()
        place = f"response {status}"
        findings += _fields(
            operation.id, place, [(place, f) for f in spec], sdk.response, ""
        )
    return findings


def _fields(
    operation: str,
    side: str,
    spec_fields: Sequence[Placed],
    sdk_fields: Sequence[SdkField],
    prefix: str,
) -> Iterator[Finding]:
    exact = {field.name: (place, field) for place, field in spec_fields}
    folded = {
        field.name.lower(): (place, field)
        for place, field in spec_fields
        if place == "header"
    }
    matched: set[int] = set()
    for sdk in sdk_fields:
        placed = exact.get(sdk.name) or folded.get(sdk.name.lower())
        name = prefix + sdk.name
        if placed is None:
            yield Finding(operation, side, name, "added", sdk.type or "declared", None)
            continue
        place, spec = placed
        matched.add(id(spec))
        yield from _attributes(operation, place, prefix + spec.name, sdk, spec)
        if sdk.children is not None:
            yield from _fields(
                operation,
                place,
                [(place, child) for child in spec.children],
                sdk.children,
                prefix + spec.name + ".",
            )
    for place, spec in spec_fields:
        if id(spec) not in matched and not (spec.implicit or spec.client):
            yield Finding(
                operation,
                place,
                prefix + spec.name,
                "removed",
                None,
                spec.type or "declared",
            )


def _attributes(
    operation: str, place: str, name: str, sdk: SdkField, spec: SpecField
) -> Iterator[Finding]:
    if sdk.type and spec.type and not same_type(sdk.type, spec.type):
        yield Finding(operation, place, name, "type", sdk.type, spec.type)
    if sdk.required is not None and sdk.required != spec.required:
        yield Finding(
            operation,
            place,
            name,
            "required",
            "yes" if sdk.required else "no",
            "yes" if spec.required else "no",
        )
    if sdk.enum is not None and set(sdk.enum) != set(spec.enum):
        yield Finding(
            operation,
            place,
            name,
            "enum",
            ", ".join(sdk.enum),
            ", ".join(spec.enum) or None,
        )
