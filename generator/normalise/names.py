"""Component names OpenAPI 3.1 cannot hold (`^[a-zA-Z0-9._-]+$`: Swagger 2.0 allowed
spaces, as in `API Key`), renamed, with every reference and security requirement that
names them."""

from __future__ import annotations

import re
from typing import Any

from ..errors import pointer, warn
from .repairs import COMPONENT_NAME

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def component_names(document: dict[str, Any], file: str) -> dict[str, Any]:
    components = document.get("components")
    if not isinstance(components, dict):
        return document
    renames: dict[str, str] = {}  # old reference -> new reference
    schemes: dict[str, str] = {}  # old security scheme name -> new
    new_components: dict[str, Any] = {}
    for section, entries in components.items():
        if not isinstance(entries, dict) or str(section).startswith("x-"):
            new_components[section] = entries
            continue
        bad = [name for name in entries if not COMPONENT_NAME.match(str(name))]
        if not bad:
            new_components[section] = entries
            continue
        taken = set(map(str, entries))
        out: dict[str, Any] = {}
        for name, value in entries.items():
            new = str(name)
            if name in bad:
                new = re.sub(r"[^a-zA-Z0-9._-]", "_", new) or "_"
                while new in taken:
                    new += "_"
                taken.add(new)
                warn(
                    file,
                    pointer("components", section, name),
                    f"a component name is letters, digits and . _ - only: read as {new!r}",
                )
                renames["#" + pointer("components", section, name)] = "#" + pointer(
                    "components", section, new
                )
                if section == "securitySchemes":
                    schemes[str(name)] = new
            out[new] = value
        new_components[section] = out
    if not renames:
        return document
    out_doc = _rewrite({**document, "components": new_components}, renames)
    return _requirements(out_doc, schemes) if schemes else out_doc


def _rewrite(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {key: _rewrite(value, renames) for key, value in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str):
            for old, new in renames.items():
                if ref == old or ref.startswith(old + "/"):
                    out["$ref"] = new + ref[len(old) :]
        return out
    if isinstance(node, list):
        return [_rewrite(value, renames) for value in node]
    return node


def _requirements(document: dict[str, Any], schemes: dict[str, str]) -> dict[str, Any]:
    def renamed(security: Any) -> Any:
        if not isinstance(security, list):
            return security
        return [
            {schemes.get(k, k): v for k, v in r.items()} if isinstance(r, dict) else r
            for r in security
        ]

    if "security" in document:
        document["security"] = renamed(document["security"])
    for item in (document.get("paths") or {}).values():
        for method in _METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict) and "security" in operation:
                operation["security"] = renamed(operation["security"])
    return document
