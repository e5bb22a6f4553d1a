"""Swagger 2.0 as the OpenAPI 3.0 document that says the same thing (`oas30` then takes it
to 3.1).

What moves: `definitions` -> components/schemas (and every `$ref` to them), global
`parameters` and `responses` -> components, `in: body` and `in: formData` parameters -> a
requestBody whose media types come from `consumes` (formData: multipart/form-data or
application/x-www-form-urlencoded), `type: file` -> a binary string, response `schema` ->
content by `produces`, `collectionFormat` -> style/explode, `x-nullable` -> nullable,
`host` + `basePath` + `schemes` (or `x-ms-parameterized-host`) -> servers,
`securityDefinitions` -> components/securitySchemes.
"""

from __future__ import annotations

from typing import Any

from ..errors import SpecError, pointer, pointer_parts, warn

_OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch")
_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")
# A non-body parameter's keywords that describe its value: they go into its schema.
_VALUE = (
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
)
_REFS = {
    "#/definitions/": "#/components/schemas/",
    "#/parameters/": "#/components/parameters/",
    "#/responses/": "#/components/responses/",
}
# collectionFormat -> (style, explode) by parameter location; None: no 3.x equivalent.
_QUERY_STYLES = {
    "csv": ("form", False),
    "ssv": ("spaceDelimited", False),
    "pipes": ("pipeDelimited", False),
    "multi": ("form", True),
}
_SIMPLE_STYLES = {"csv": ("simple", False)}
_FLOWS = {
    "implicit": ("implicit", ("authorizationUrl",)),
    "password": ("password", ("tokenUrl",)),
    "application": ("clientCredentials", ("tokenUrl",)),
    "accessCode": ("authorizationCode", ("authorizationUrl", "tokenUrl")),
}


def convert(doc: dict[str, Any], file: str) -> dict[str, Any]:
    """`doc` (Swagger 2.0) as OpenAPI 3.0; never changes `doc`."""
    return _Converter(doc, file).document()


def _extensions(node: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in node.items() if isinstance(k, str) and k.startswith("x-")}


class _Converter:
    def __init__(self, doc: dict[str, Any], file: str) -> None:
        self.doc = doc
        self.file = file
        self.consumes = self._list(doc.get("consumes"), ["application/json"])
        self.produces = self._list(doc.get("produces"), ["application/json"])

    @staticmethod
    def _list(value: Any, default: list[str]) -> list[str]:
        return [str(v) for v in value] if isinstance(value, list) and value else default

    def document(self) -> dict[str, Any]:
        doc = self.doc
        out: dict[str, Any] = {"openapi": "3.0.3"}
        for key in ("info", "tags", "externalDocs", "security"):
            if key in doc:
                out[key] = doc[key]
        servers = self.servers()
        if servers:
            out["servers"] = servers
        paths = doc.get("paths", {})
        out["paths"] = {
            url: self.path_item(item, ("paths", url))
            if isinstance(item, dict)
            else item
            for url, item in (paths.items() if isinstance(paths, dict) else ())
        }
        components: dict[str, Any] = {}
        definitions = doc.get("definitions")
        if isinstance(definitions, dict):
            components["schemas"] = {
                name: self.schema(schema) for name, schema in definitions.items()
            }
        parameters = doc.get("parameters")
        if isinstance(parameters, dict):
            # Body and form parameters become parts of request bodies where they are used.
            kept = {
                name: self.parameter(p, ("parameters", name))
                for name, p in parameters.items()
                if isinstance(p, dict) and p.get("in") not in ("body", "formData")
            }
            if kept:
                components["parameters"] = kept
        responses = doc.get("responses")
        if isinstance(responses, dict):
            components["responses"] = {
                name: self.response(r, self.produces) for name, r in responses.items()
            }
        schemes = doc.get("securityDefinitions")
        if isinstance(schemes, dict):
            components["securitySchemes"] = {
                name: self.security_scheme(s, ("securityDefinitions", name))
                for name, s in schemes.items()
            }
        if components:
            out["components"] = components
        out.update(_extensions(doc))
        out.pop("x-ms-parameterized-host", None)
        return out

    def servers(self) -> list[dict[str, Any]]:
        doc = self.doc
        host, base = doc.get("host"), str(doc.get("basePath", "") or "")
        schemes = self._list(doc.get("schemes"), ["https"])
        templated = doc.get("x-ms-parameterized-host")
        if isinstance(templated, dict) and isinstance(
            templated.get("hostTemplate"), str
        ):
            server = self.templated_server(templated, host, schemes[0])
            # AutoRest appends basePath to the template; templates that already end
            # with it (as published connectors' do) are taken as the whole base.
            if not server["url"].endswith(base):
                server["url"] += base
            return [server]
        if isinstance(host, str) and host:
            return [{"url": f"{scheme}://{host}{base}"} for scheme in schemes]
        if base:
            warn(
                self.file,
                "/basePath",
                "no `host`: the server is only the path "
                f"{base!r}, relative to wherever the document is served",
            )
            return [{"url": base}]
        return []

    def templated_server(
        self, templated: dict[str, Any], host: Any, scheme: str
    ) -> dict[str, Any]:
        # AutoRest's extension: the host is a template whose variables are parameters.
        url = str(templated["hostTemplate"])
        if templated.get("useSchemePrefix", True) is not False:
            url = f"{scheme}://{url}"
        variables: dict[str, Any] = {}
        parameters = templated.get("parameters") or ()
        for index, raw in enumerate(parameters):
            where = pointer("x-ms-parameterized-host", "parameters", index)
            parameter = self.deref(raw, where)
            name = str(parameter.get("name", ""))
            default = parameter.get("default")
            if (
                default is None
                and isinstance(host, str)
                and host
                and len(parameters) == 1
            ):
                # The host the document names is the one known value of the template's
                # only variable (with the scheme when the template leaves it out).
                prefixed = templated.get("useSchemePrefix", True) is not False
                default = host if prefixed else f"{scheme}://{host}"
            if default is None:
                warn(self.file, where, f"server variable {name!r} has no default")
            variable: dict[str, Any] = {
                "default": "" if default is None else str(default)
            }
            if isinstance(parameter.get("enum"), list):
                variable["enum"] = [str(v) for v in parameter["enum"]]
            if "description" in parameter:
                variable["description"] = parameter["description"]
            variables[name] = variable
        server: dict[str, Any] = {"url": url}
        if variables:
            server["variables"] = variables
        return server

    def deref(self, node: Any, where: str) -> dict[str, Any]:
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#/") or ref in seen:
                raise SpecError(self.file, where + "/$ref", f"cannot follow {ref!r}")
            seen.add(ref)
            node = self.doc
            for part in pointer_parts(ref[1:]):
                if not isinstance(node, dict) or part not in node:
                    raise SpecError(
                        self.file, where + "/$ref", f"dangling reference {ref!r}"
                    )
                node = node[part]
        if not isinstance(node, dict):
            raise SpecError(self.file, where, "expected an object")
        return node

    def path_item(self, item: dict[str, Any], where: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        shared = item.get("parameters") or []
        for key, value in item.items():
            if key in _OPERATIONS and isinstance(value, dict):
                out[key] = self.operation(value, shared, where + (key,))
            elif key == "parameters":
                # Body and form parameters go into each operation's request body.
                kept = self.plain_parameters(value, where + (key,))
                if kept:
                    out[key] = kept
            else:
                out[key] = value
        return out

    def plain_parameters(self, parameters: Any, where: tuple[Any, ...]) -> list[Any]:
        out = []
        for index, raw in enumerate(parameters if isinstance(parameters, list) else ()):
            at = where + (index,)
            parameter = self.deref(raw, pointer(*at))
            if parameter.get("in") in ("body", "formData"):
                continue
            if isinstance(raw, dict) and "$ref" in raw:
                out.append({"$ref": _ref(raw["$ref"])})
            else:
                out.append(self.parameter(parameter, at))
        return out

    def operation(
        self, op: dict[str, Any], shared: Any, where: tuple[Any, ...]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        consumes = self._list(op.get("consumes"), self.consumes)
        produces = self._list(op.get("produces"), self.produces)
        own = op.get("parameters") or []
        # The operation's parameters override the path's of the same name and place.
        by_key: dict[tuple[Any, Any], tuple[Any, tuple[Any, ...]]] = {}
        for items, base in ((shared, where[:-1]), (own, where)):
            for index, raw in enumerate(items if isinstance(items, list) else ()):
                at = base + ("parameters", index)
                parameter = self.deref(raw, pointer(*at))
                by_key[(parameter.get("name"), parameter.get("in"))] = (raw, at)
        form: list[tuple[dict[str, Any], tuple[Any, ...]]] = []
        body = None
        for key, value in op.items():
            if key in ("consumes", "produces", "parameters", "responses", "schemes"):
                continue
            out[key] = value
        own_plain = self.plain_parameters(own, where + ("parameters",))
        for raw, at in by_key.values():
            parameter = self.deref(raw, pointer(*at))
            if parameter.get("in") == "body":
                body = self.body(parameter, consumes)
            elif parameter.get("in") == "formData":
                form.append((parameter, at))
        if own_plain:
            out["parameters"] = own_plain
        if form:
            body = self.form_body(form, consumes, where)
        if body is not None:
            out["requestBody"] = body
        responses = op.get("responses")
        out["responses"] = {
            str(code): self.response(r, produces)
            for code, r in (responses.items() if isinstance(responses, dict) else ())
        }
        if "schemes" in op:
            warn(
                self.file,
                pointer(*where, "schemes"),
                "per-operation `schemes`: ignored",
            )
        return out

    def parameter(self, p: dict[str, Any], where: tuple[Any, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in p.items():
            if key in _VALUE or key == "collectionFormat":
                continue
            if key == "x-example":
                out["example"] = value
            elif key == "allowEmptyValue" and p.get("in") != "query":
                continue
            else:
                out[key] = value
        schema = self.value_schema(p)
        out["schema"] = schema
        if schema.get("type") == "array":
            self.style(p, out, where)
        return out

    def style(
        self, p: dict[str, Any], out: dict[str, Any], where: tuple[Any, ...]
    ) -> None:
        fmt = str(p.get("collectionFormat", "csv"))
        styles = (
            _QUERY_STYLES if p.get("in") in ("query", "formData") else _SIMPLE_STYLES
        )
        if fmt in styles:
            style, explode = styles[fmt]
            if style != "simple":
                out["style"] = style
            out["explode"] = explode
        else:
            warn(
                self.file,
                pointer(*where, "collectionFormat"),
                f"collectionFormat {fmt!r} has no OpenAPI 3 equivalent for a "
                f"{p.get('in')} parameter: sent comma-separated",
            )
            out["explode"] = False

    def value_schema(self, p: dict[str, Any]) -> dict[str, Any]:
        schema: dict[str, Any] = self.schema(_value_keywords(p))
        return schema

    def body(self, p: dict[str, Any], consumes: list[str]) -> dict[str, Any]:
        schema = self.schema(p.get("schema", {}))
        out: dict[str, Any] = {
            "content": {media: {"schema": schema} for media in consumes}
        }
        if "description" in p:
            out["description"] = p["description"]
        if p.get("required") is True:
            out["required"] = True
        out.update(_extensions(p))
        return out

    def form_body(
        self,
        form: list[tuple[dict[str, Any], tuple[Any, ...]]],
        consumes: list[str],
        where: tuple[Any, ...],
    ) -> dict[str, Any]:
        media = [m for m in consumes if m.split(";")[0].strip() in _FORMS]
        if not media:
            files = any(p.get("type") == "file" for p, _ in form)
            media = [_FORMS[0] if files else _FORMS[1]]
        properties: dict[str, Any] = {}
        required: list[str] = []
        encoding: dict[str, Any] = {}
        for p, at in form:
            name = str(p.get("name"))
            schema = self.value_schema(p)
            if "description" in p:
                schema["description"] = p["description"]
            properties[name] = schema
            if p.get("required") is True:
                required.append(name)
            if schema.get("type") == "array":
                style: dict[str, Any] = {}
                self.style(p, style, at)
                encoding[name] = style
        schema = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        content: dict[str, Any] = {}
        for m in media:
            content[m] = {"schema": schema}
            if encoding and m.startswith("application/x-www-form-urlencoded"):
                content[m]["encoding"] = encoding
        out: dict[str, Any] = {"content": content}
        if required:
            out["required"] = True
        return out

    def response(self, r: Any, produces: list[str]) -> Any:
        if not isinstance(r, dict):
            return r
        if "$ref" in r:
            return {"$ref": _ref(r["$ref"])}
        out: dict[str, Any] = {"description": r.get("description", "")}
        headers = r.get("headers")
        if isinstance(headers, dict):
            out["headers"] = {
                name: self.header(h)
                for name, h in headers.items()
                if isinstance(h, dict)
            }
        examples = r.get("examples")
        if not isinstance(examples, dict):
            examples = {}
        if "schema" in r:
            schema = self.schema(r["schema"])
            content: dict[str, Any] = {}
            for media in produces:
                content[media] = {"schema": schema}
                if media in examples:
                    content[media]["example"] = examples[media]
            out["content"] = content
        out.update(_extensions(r))
        return out

    def header(self, h: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"schema": self.value_schema(h)}
        if "description" in h:
            out["description"] = h["description"]
        return out

    def security_scheme(self, s: Any, where: tuple[Any, ...]) -> Any:
        if not isinstance(s, dict):
            return s
        kind = s.get("type")
        out: dict[str, Any]
        if kind == "basic":
            out = {"type": "http", "scheme": "basic"}
        elif kind == "apiKey":
            out = {"type": "apiKey", "name": s.get("name"), "in": s.get("in")}
        elif kind == "oauth2" and s.get("flow") in _FLOWS:
            name, urls = _FLOWS[str(s["flow"])]
            flow = {url: s.get(url) for url in urls}
            flow["scopes"] = s.get("scopes") or {}
            out = {"type": "oauth2", "flows": {name: flow}}
        else:
            raise SpecError(
                self.file,
                pointer(*where, "type"),
                f"unknown security scheme type {kind!r}",
            )
        if "description" in s:
            out["description"] = s["description"]
        out.update(_extensions(s))
        return out

    def schema(self, node: Any) -> Any:
        """A Swagger schema as a 3.0 one: references, `x-nullable`, `type: file` and a
        string `discriminator`, everywhere inside it."""
        if isinstance(node, list):
            return [self.schema(item) for item in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = _ref(value)
            elif key == "x-nullable":
                if value is True:
                    out["nullable"] = True
            elif key == "type" and value == "file":
                out["type"], out["format"] = "string", "binary"
            elif key == "discriminator" and isinstance(value, str):
                out[key] = {"propertyName": value}
            elif key in ("enum", "default", "example", "examples", "const") or (
                isinstance(key, str) and key.startswith("x-")
            ):
                out[key] = value
            elif key == "properties" and isinstance(value, dict):
                out[key] = {name: self.schema(sub) for name, sub in value.items()}
            else:
                out[key] = self.schema(value)
        return out


def _value_keywords(p: dict[str, Any]) -> dict[str, Any]:
    """A non-body parameter's (or an Items object's) value keywords, as a schema's."""
    schema = {key: p[key] for key in _VALUE if key in p}
    if isinstance(schema.get("items"), dict):
        schema["items"] = _value_keywords(schema["items"])
    return schema


def _ref(ref: str) -> str:
    for old, new in _REFS.items():
        if ref.startswith(old):
            return new + ref[len(old) :]
    return ref
