"""Every schema of an OpenAPI 3.x document, mapped by a function, without changing the
input: a node is copied only when something under it changes (so a document with nothing
to normalise costs one walk and no copy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Where = tuple[Any, ...]
# Maps one schema whose subschemas are already mapped; returns it, or a new one.
SchemaFn = Callable[[dict[str, Any], Where], Any]
# Maps one parameter (header: True for a header) whose schema is already mapped.
ParameterFn = Callable[[dict[str, Any], Where, bool], Any]

_OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Schema keywords whose value is a schema, a list of schemas, or a map of them.
_ONE = (
    "additionalProperties",
    "items",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
    "contentSchema",
)
_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")


def _replace(node: dict[str, Any], key: str, old: Any, new: Any, copy: Any) -> Any:
    if new is old:
        return copy
    if copy is None:
        copy = dict(node)
    copy[key] = new
    return copy


def _map_dict(node: Any, where: Where, each: Callable[[Any, Where], Any]) -> Any:
    if not isinstance(node, dict):
        return node
    out = None
    for key, value in node.items():
        out = _replace(node, key, value, each(value, where + (key,)), out)
    return node if out is None else out


def _map_list(node: Any, where: Where, each: Callable[[Any, Where], Any]) -> Any:
    if not isinstance(node, list):
        return node
    new = [each(value, where + (index,)) for index, value in enumerate(node)]
    return node if all(a is b for a, b in zip(new, node, strict=True)) else new


class SchemaMap:
    """`fn` over every schema of a document, at its place (`where`: the path parts)."""

    def __init__(self, fn: SchemaFn, parameter: ParameterFn | None = None) -> None:
        self.fn = fn
        self.parameter_fn = parameter

    def schema(self, node: Any, where: Where) -> Any:
        if not isinstance(node, dict):
            return node
        out = None
        for key in _ONE:
            if key in node:
                value = node[key]
                new = (
                    _map_list(value, where + (key,), self.schema)
                    if isinstance(value, list)  # draft 4 tuple `items`
                    else self.schema(value, where + (key,))
                )
                out = _replace(node, key, value, new, out)
        for key in _LIST:
            if key in node:
                value = node[key]
                new = _map_list(value, where + (key,), self.schema)
                out = _replace(node, key, value, new, out)
        for key in _MAP:
            if key in node:
                value = node[key]
                new = _map_dict(value, where + (key,), self.schema)
                out = _replace(node, key, value, new, out)
        return self.fn(node if out is None else out, where)

    def document(self, doc: dict[str, Any]) -> dict[str, Any]:
        out = None
        for key, each in (
            ("paths", self._path_items),
            ("webhooks", self._path_items),
            ("components", self._components),
        ):
            if key in doc:
                out = _replace(doc, key, doc[key], each(doc[key], (key,)), out)
        return doc if out is None else out

    def _fields(
        self, node: Any, where: Where, fields: dict[str, Callable[[Any, Where], Any]]
    ) -> Any:
        if not isinstance(node, dict) or "$ref" in node:
            return node
        out = None
        for key, each in fields.items():
            if key in node:
                out = _replace(
                    node, key, node[key], each(node[key], where + (key,)), out
                )
        return node if out is None else out

    def _components(self, node: Any, where: Where) -> Any:
        return self._fields(
            node,
            where,
            {
                "schemas": lambda n, w: _map_dict(n, w, self.schema),
                "parameters": lambda n, w: _map_dict(n, w, self._parameter),
                "headers": lambda n, w: _map_dict(n, w, self._header),
                "responses": lambda n, w: _map_dict(n, w, self._response),
                "requestBodies": lambda n, w: _map_dict(n, w, self._body),
                "callbacks": lambda n, w: _map_dict(n, w, self._path_items),
                "pathItems": self._path_items,
            },
        )

    def _path_items(self, node: Any, where: Where) -> Any:
        return _map_dict(node, where, self._path_item)

    def _path_item(self, node: Any, where: Where) -> Any:
        fields: dict[str, Callable[[Any, Where], Any]] = {
            "parameters": self._parameters
        }
        fields.update((method, self._operation) for method in _OPERATIONS)
        return self._fields(node, where, fields)

    def _parameters(self, node: Any, where: Where) -> Any:
        return _map_list(node, where, self._parameter)

    def _operation(self, node: Any, where: Where) -> Any:
        return self._fields(
            node,
            where,
            {
                "parameters": self._parameters,
                "requestBody": self._body,
                "responses": lambda n, w: _map_dict(n, w, self._response),
                "callbacks": lambda n, w: _map_dict(n, w, self._path_items),
            },
        )

    def _parameter(self, node: Any, where: Where, header: bool = False) -> Any:
        if (
            self.parameter_fn is not None
            and isinstance(node, dict)
            and "$ref" not in node
        ):
            node = self.parameter_fn(node, where, header)
        return self._fields(
            node, where, {"schema": self.schema, "content": self._content}
        )

    def _header(self, node: Any, where: Where) -> Any:
        return self._parameter(node, where, header=True)

    def _body(self, node: Any, where: Where) -> Any:
        return self._fields(node, where, {"content": self._content})

    def _response(self, node: Any, where: Where) -> Any:
        return self._fields(
            node,
            where,
            {
                "content": self._content,
                "headers": lambda n, w: _map_dict(n, w, self._header),
            },
        )

    def _content(self, node: Any, where: Where) -> Any:
        return _map_dict(node, where, self._media)

    def _media(self, node: Any, where: Where) -> Any:
        return self._fields(
            node,
            where,
            {
                "schema": self.schema,
                "encoding": lambda n, w: _map_dict(
                    n,
                    w,
                    lambda e, ew: self._fields(
                        e, ew, {"headers": lambda h, hw: _map_dict(h, hw, self._header)}
                    ),
                ),
            },
        )
