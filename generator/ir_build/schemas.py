"""Schemas -> models: every object schema becomes a named model, inline ones hoisted."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .. import naming
from ..errors import pointer, pointer_parts
from ..ir import Field, Model
from ..python_types import COMPONENT_SCHEMA, annotation, is_json_string
from . import wire
from .context import Context, clean

# What a reference may say beside `$ref` and is kept: its own words and its default.
_REF_SIBLINGS = ("description", "default")


class Models:
    """Collects every model, hoisting inline objects, and rewrites refs to class names."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.by_component: dict[str, str] = {}
        self.schemas: dict[str, dict[str, Any]] = {}
        self.where: dict[str, tuple[Any, ...]] = {}
        self.refs: dict[str, set[str]] = {}
        # Components that are not objects (a pattern, an enum, an array): inlined where
        # they are used, and exported as type aliases.
        self.aliases: dict[str, dict[str, Any]] = {}
        self.alias_names: dict[str, str] = {}
        self._resolving: set[str] = set()
        # Models both sent and received -> their received twins (see `build_models`).
        self.twins: dict[str, str] = {}
        # Component schemas that cannot be generated (skipped, with the operations that
        # use them: `ir_build.build`).
        self.broken: set[str] = set()
        # Non-object components that reach themselves, and each one's references.
        self._cycles: dict[str, bool] = {}
        self._direct: dict[str, set[str]] = {}

    def is_alias(self, key: str) -> bool:
        """A component inlined where it is used: not an object, and not reaching
        itself (a recursive union is a root model, which can name itself)."""
        schema = self.ctx.document["components"]["schemas"][key]
        return not self.is_model(schema) and not self._recursive(key)

    def _recursive(self, key: str) -> bool:
        if key not in self._cycles:
            components = self._components()
            seen: set[str] = set()
            stack = list(self._refs_of(key))
            while stack and key not in seen:
                step = stack.pop()
                if step not in seen and step in components:
                    seen.add(step)
                    stack.extend(self._refs_of(step))
            self._cycles[key] = key in seen
        return self._cycles[key]

    def _refs_of(self, key: str) -> set[str]:
        """The components a component's schema refers to."""
        if key not in self._direct:
            found: set[str] = set()
            stack = [self._components().get(key)]
            while stack:
                node = stack.pop()
                if isinstance(node, list):
                    stack.extend(node)
                elif isinstance(node, dict):
                    ref = node.get("$ref")
                    if isinstance(ref, str) and ref.startswith(COMPONENT_SCHEMA):
                        found.add(ref.removeprefix(COMPONENT_SCHEMA))
                    stack.extend(v for k, v in node.items() if k not in _DATA)
            self._direct[key] = found
        return self._direct[key]

    def is_model(self, schema: Any, seen: frozenset[str] = frozenset()) -> bool:
        """An object with properties, or an `allOf` that composes one (of objects and
        references to object components): becomes a model of its own."""
        if is_object(schema):
            return True
        if not isinstance(schema, dict) or "$ref" in schema:
            return False
        branches = schema.get("allOf")
        if not isinstance(branches, list) or not branches:
            return False
        if len(branches) == 1 and not is_object(branches[0]):
            # `allOf: [$ref]` is that model itself (`_same_as`); an inline object alone
            # is a model of its own.
            return False
        objects = 0
        components = self.ctx.document.get("components", {}).get("schemas", {})
        for branch in branches:
            if not isinstance(branch, dict):
                return False
            ref = branch.get("$ref")
            if isinstance(ref, str):
                key = ref.removeprefix(COMPONENT_SCHEMA)
                if not ref.startswith(COMPONENT_SCHEMA) or key not in components:
                    return False
                # A component that composes itself is refused where it is built.
                if key not in seen and not self.is_model(components[key], seen | {key}):
                    return False
                objects += 1
            elif self.is_model(branch, seen):
                objects += 1
            elif set(branch) - _NOT_A_TYPE:
                # A branch that says something of its own (a type, an enum) is more
                # than an object's part: the composition stays as it is (`Any`).
                return False
        return objects > 0

    def alias(self, key: str) -> dict[str, Any]:
        """The schema of a component that is not an object, ready to inline."""
        if key not in self.aliases:
            where = ("components", "schemas", key)
            if key in self._resolving:
                raise self.ctx.error(
                    where, "a non-object schema may not contain itself"
                )
            name = naming.class_name(key)
            self._resolving.add(key)
            self.refs.setdefault(name, set())
            schema = self.ctx.document["components"]["schemas"][key]
            self.aliases[key] = self._rewrite(schema, where, name)
            self._resolving.discard(key)
            self.alias_names[key] = name
        return self.aliases[key]

    def component(self, key: str) -> str:
        if key not in self.by_component:
            where = ("components", "schemas", key)
            schema = self.ctx.document["components"]["schemas"][key]
            if not self.is_model(schema) and self._recursive(key):
                schema = {ROOT: schema}  # a union that holds itself (`is_alias`)
            self.by_component[key] = self._add(naming.class_name(key), schema, where)
        return self.by_component[key]

    def named(
        self, schema: Any, name: str, where: tuple[Any, ...], root: bool = False
    ) -> str:
        """The model for a body/response schema: a component's, or a new one for an
        inline object. `root`: any other JSON schema (a list, a union, a map, a
        component that is not an object) is a root model named `name` (a response's)."""
        ref = self._same_as(schema)
        if ref is not None:
            key = ref.removeprefix(COMPONENT_SCHEMA)
            if not (root and key in self._components() and self.is_alias(key)):
                return self.component(key)
        if root and not self.is_model(schema):
            return self._add(
                self._unused(naming.class_name(name)), {ROOT: schema}, where
            )
        return self._add(naming.class_name(name), schema, where)

    def _unused(self, name: str) -> str:
        """`name`, or `<name>Body` when a component is called so (a body of operation
        `Read` that is component `ReadRequest`, a union: the alias keeps its name)."""
        components = {naming.class_name(key) for key in self._components()}
        while name in components:
            name += "Body"
        return name

    def _same_as(self, schema: Any) -> str | None:
        """The component reference a schema amounts to: a `$ref`, an `allOf` of one
        (`{allOf: [$ref], type: object}`), or a component that is one of those."""
        for _ in range(8):  # a chain of such components; a loop ends here
            if not isinstance(schema, dict):
                return None
            said = {k for k in schema if not k.startswith("x-")} - {"allOf"}
            if _single_ref(schema.get("allOf")) and not said - _NOT_A_TYPE:
                schema = schema["allOf"][0]
            ref = schema.get("$ref")
            if not isinstance(ref, str) or not ref.startswith(COMPONENT_SCHEMA):
                return None
            target = self._components().get(ref.removeprefix(COMPONENT_SCHEMA))
            if self.is_model(target) or not (
                isinstance(target, dict) and _single_ref(target.get("allOf"))
            ):
                return ref
            schema = target
        return None

    def _components(self) -> Mapping[str, Any]:
        found = self.ctx.document.get("components", {}).get("schemas", {})
        return found if isinstance(found, dict) else {}

    def _add(self, name: str, schema: Any, where: tuple[Any, ...]) -> str:
        rooted = isinstance(schema, dict) and set(schema) == {ROOT}
        if not rooted and not self.is_model(schema):
            raise self.ctx.error(
                where, "a model must be an object schema with properties"
            )
        if name in self.schemas:
            if self.where[name] == where:
                return name
            raise self.ctx.error(
                where,
                f"model name {name!r} is already used by {pointer(*self.where[name])}",
            )
        self.schemas[name] = {}  # reserve the name before recursing (self-references)
        self.where[name] = where
        self.refs[name] = set()
        if rooted:
            # The root schema is where it is: no pointer part of its own.
            self.schemas[name] = {ROOT: self._rewrite(schema[ROOT], where, name)}
        else:
            self.schemas[name] = self._merge(self._rewrite(schema, where, name), where)
        return name

    def _merge(self, schema: dict[str, Any], where: tuple[Any, ...]) -> dict[str, Any]:
        """An `allOf` of objects as the one object it composes: every branch's
        properties (a later branch's replace an earlier one's of the same name) and
        required names. Where the first branch names a model whose properties no later
        branch redeclares, the model inherits from it (`x-sdkgen-base`)."""
        branches = schema.get("allOf")
        if not isinstance(branches, list) or not branches:
            return schema
        properties: dict[str, Any] = {}
        required: list[str] = []
        opened = False
        base: str | None = None
        for index, branch in enumerate([*branches, schema]):
            if index == len(branches):
                part = {k: v for k, v in schema.items() if k != "allOf"}
            elif "$ref" in branch:
                target = str(branch["$ref"]).removeprefix(COMPONENT_SCHEMA)
                part = self.schemas[target]
                if not part:
                    raise self.ctx.error(
                        where + ("allOf", index),
                        f"an allOf may not contain itself ({target})",
                    )
                if index == 0:
                    base = target
            else:
                part = branch
            own = part.get("properties", {})
            if base is not None and index > 0 and set(own) & set(properties):
                base = None  # redeclared: a subclass could not narrow it soundly
            properties.update(own)
            required += [r for r in part.get("required", ()) if r not in required]
            opened = opened or part.get("additionalProperties") is True
        out = {k: v for k, v in schema.items() if k != "allOf"}
        out["type"] = "object"
        out["properties"] = properties
        if required:
            out["required"] = required
        if opened:
            out["additionalProperties"] = True
        if base is not None:
            # A reference, so that a received model's base is the received twin.
            out[BASE] = {"$ref": COMPONENT_SCHEMA + base}
        return out

    def _rewrite(
        self, node: Any, where: tuple[Any, ...], owner: str, hint: str = ""
    ) -> Any:
        """`node` with refs naming models; `hint` (a property's name) names the models
        hoisted out of its items or values."""
        check_depth(self.ctx, where)
        if isinstance(node, list):
            return [
                self._rewrite(v, where + (i,), owner, hint) for i, v in enumerate(node)
            ]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            if not ref.startswith(COMPONENT_SCHEMA):
                raise self.ctx.error(
                    where + ("$ref",), "schemas may only refer to components/schemas"
                )
            key = ref.removeprefix(COMPONENT_SCHEMA)
            # OpenAPI 3.1 lets a reference say what it is for, and its default, here.
            siblings = {k: node[k] for k in _REF_SIBLINGS if k in node}
            if self.is_alias(key):
                inlined = self.alias(key)
                self.refs[owner] |= self.refs[self.alias_names[key]]
                return {**inlined, **siblings}
            target = self.component(key)
            self.refs[owner].add(target)
            return {"$ref": COMPONENT_SCHEMA + target, **siblings}
        wire.check(self.ctx, node, where)
        check_enum(self.ctx, node, where)
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key.startswith("x-") and key not in wire.KEPT_EXTENSIONS:
                continue
            if key in ("example", "examples", "$comment"):
                continue
            if key == "properties" and isinstance(value, dict):
                out[key] = {
                    prop: self._property(sub, where + (key, prop), owner, prop)
                    for prop, sub in value.items()
                }
            elif key in ("anyOf", "oneOf") and isinstance(value, list):
                # A union inside a branch names its own branches after that branch,
                # unless it is the only one beside null (`anyOf: [oneOf: …, null]`).
                alone = sum(_not_null(b) for b in value) == 1
                out[key] = [
                    self._branch(
                        branch,
                        where + (key, i),
                        owner,
                        hint,
                        i,
                        hint if alone else f"{hint}Option{i + 1}",
                    )
                    for i, branch in enumerate(value)
                ]
            elif key == "discriminator" and isinstance(value, dict):
                out[key] = self._discriminator(node, where, owner, hint)
            elif key in (
                "items",
                "additionalProperties",
                "contentSchema",
            ) and self.is_model(value):
                suffix = {"items": "Item", "additionalProperties": "Value"}.get(key, "")
                target = self._add(owner + hint + suffix, value, where + (key,))
                self.refs[owner].add(target)
                out[key] = {"$ref": COMPONENT_SCHEMA + target}
            else:
                # What is hoisted from inside items or values (a union's inline
                # branches) is named after the property too.
                inner = hint + {"items": "Item", "additionalProperties": "Value"}.get(
                    key, ""
                )
                out[key] = self._rewrite(value, where + (key,), owner, inner)
        return out

    def _property(
        self, schema: Any, where: tuple[Any, ...], owner: str, prop: str
    ) -> Any:
        # Named as its field is: a name with no letter or digit (`$`, ``) is a value.
        hint = naming.pascal_case(prop) or "Value"
        if self.is_model(schema):
            target = self._add(owner + hint, schema, where)
            self.refs[owner].add(target)
            hoisted: dict[str, Any] = {"$ref": COMPONENT_SCHEMA + target}
            kinds = schema.get("type")
            if isinstance(kinds, list) and "null" in kinds:
                # `type: [object, "null"]`: the model, or null (the model is an object).
                hoisted = {"anyOf": [hoisted, {"type": "null"}]}
            if "description" in schema:
                hoisted["description"] = schema["description"]
            return hoisted
        return self._rewrite(schema, where, owner, hint)

    def _branch(
        self,
        schema: Any,
        where: tuple[Any, ...],
        owner: str,
        hint: str,
        index: int,
        inner: str | None = None,
    ) -> Any:
        """A branch of `anyOf`/`oneOf`: an inline object becomes a model named after
        its place and position (`<Owner><Property>Option1`); what is inside another
        branch is named after `inner`."""
        if self.is_model(schema):
            target = self._add(f"{owner}{hint}Option{index + 1}", schema, where)
            self.refs[owner].add(target)
            return {"$ref": COMPONENT_SCHEMA + target}
        return self._rewrite(schema, where, owner, hint if inner is None else inner)

    def _discriminator(
        self, node: Mapping[str, Any], where: tuple[Any, ...], owner: str, hint: str
    ) -> dict[str, Any]:
        """`discriminator` with every value it knows and the model each names: its
        `mapping`, then each referenced branch's component name (OpenAPI's implicit
        mapping) and the `const` (or one-value enum) a branch gives the property."""
        spec = node["discriminator"]
        prop = spec.get("propertyName")
        if not isinstance(prop, str):
            raise self.ctx.error(
                where + ("discriminator", "propertyName"), "must be a property name"
            )
        components = self.ctx.document.get("components", {}).get("schemas", {})
        values: dict[str, str] = {}
        for value, ref in (spec.get("mapping") or {}).items():
            key = str(ref).removeprefix(COMPONENT_SCHEMA)
            if key not in components or self.is_alias(key):
                raise self.ctx.error(
                    where + ("discriminator", "mapping", value),
                    f"{ref!r} is not an object schema under components/schemas",
                )
            values[str(value)] = self.component(key)
        kind = "oneOf" if "oneOf" in node else "anyOf"
        branches = node.get(kind) or []
        for index, branch in enumerate(branches):
            if not isinstance(branch, dict):
                continue
            ref = branch.get("$ref")
            named = str(ref).removeprefix(COMPONENT_SCHEMA) if ref else None
            if named is not None and named in components and not self.is_alias(named):
                target = self.component(named)
                if target not in values.values():
                    values.setdefault(named, target)
                schema = components[named]
            else:
                schema = branch
            fixed = _fixed_value(schema, prop, components)
            model = self._branch_model(
                branch, where + (kind, index), owner, hint, index
            )
            if fixed is not None and model is not None:
                values.setdefault(fixed, model)
        return {
            "propertyName": prop,
            "mapping": {v: {"$ref": COMPONENT_SCHEMA + t} for v, t in values.items()},
        }

    def _branch_model(
        self,
        branch: Mapping[str, Any],
        where: tuple[Any, ...],
        owner: str,
        hint: str,
        index: int,
    ) -> str | None:
        """The model a branch is, if it is one."""
        ref = branch.get("$ref")
        if isinstance(ref, str):
            key = ref.removeprefix(COMPONENT_SCHEMA)
            return None if self.is_alias(key) else self.component(key)
        if not self.is_model(branch):
            return None
        hoisted = self._branch(branch, where, owner, hint, index)
        return str(hoisted["$ref"]).removeprefix(COMPONENT_SCHEMA)

    def referenced(self, node: Any) -> set[str]:
        """The models a schema outside `components/schemas` (a parameter's) refers to."""
        if isinstance(node, list):
            return {name for value in node for name in self.referenced(value)}
        if not isinstance(node, dict):
            return set()
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(COMPONENT_SCHEMA):
            key = ref.removeprefix(COMPONENT_SCHEMA)
            if self.is_alias(key):
                self.alias(key)
                return set(self.refs[self.alias_names[key]])
            return {self.component(key)}
        return {name for value in node.values() for name in self.referenced(value)}

    def reachable(self, roots: set[str]) -> set[str]:
        return reachable(self.refs, roots)


def check_enum(ctx: Context, node: Mapping[str, Any], where: tuple[Any, ...]) -> None:
    """An enum becomes `Literal[...]`, which holds text, integers, booleans and None only."""
    values = node.get("enum")
    if not isinstance(values, list):
        return
    if not values:
        raise ctx.error(where + ("enum",), "an enum needs at least one value")
    for index, value in enumerate(values):
        if value is not None and not isinstance(value, str | int):
            raise ctx.error(
                where + ("enum", index),
                f"{value!r} cannot be an enum value: a Literal type holds text, "
                "integers, booleans and null only",
            )


# How deep a schema may sit in the document (JSON pointer parts): far more than any API
# nests, and well inside what Python's parser and our recursion can take.
MAX_DEPTH = 128


def check_depth(ctx: Context, where: tuple[Any, ...]) -> None:
    if len(where) > MAX_DEPTH:
        raise ctx.error(
            where, f"schemas nest too deeply (more than {MAX_DEPTH} levels)"
        )


def check_enums(ctx: Context, node: Any, where: tuple[Any, ...]) -> None:
    """`check_enum` for a schema and every schema inside it (a parameter's)."""
    check_depth(ctx, where)
    if isinstance(node, list):
        for index, value in enumerate(node):
            check_enums(ctx, value, where + (index,))
    elif isinstance(node, dict):
        check_enum(ctx, node, where)
        for key, value in node.items():
            if key not in _DATA:
                check_enums(ctx, value, where + (key,))


# What an allOf branch may say and still be only a part of an object.
_NOT_A_TYPE = frozenset(
    {"type", "properties", "required", "description", "title", "additionalProperties"}
    | {"readOnly", "writeOnly", "deprecated", "example", "examples", "$comment"}
)


def _single_ref(branches: Any) -> bool:
    return (
        isinstance(branches, list)
        and len(branches) == 1
        and isinstance(branches[0], dict)
        and isinstance(branches[0].get("$ref"), str)
    )


def _not_null(branch: Any) -> bool:
    return not (isinstance(branch, dict) and branch.get("type") == "null")


# Where a root model (a response that is not an object: a list, a union) keeps the
# schema of what it holds.
ROOT = "x-sdkgen-root"


def held_type(checked: str) -> str:
    """The type a checked annotation declares, as mypy sees it: `Annotated[T, ...]` is
    `T` (checks, tags and validators are no part of the type)."""
    out: list[str] = []
    index = 0
    while True:
        start = _ANNOTATED.search(checked, index)
        if start is None:
            out.append(checked[index:])
            return "".join(out)
        out.append(checked[index : start.start()])
        inner = start.end()
        end = _bracket_end(checked, inner, stop_at_comma=True)
        out.append(held_type(checked[inner:end]))
        index = _bracket_end(checked, end) + 1


_ANNOTATED = re.compile(r"\bAnnotated\[")


def _bracket_end(text: str, index: int, stop_at_comma: bool = False) -> int:
    """Where the bracket open before `index` closes (or, with `stop_at_comma`, its
    first top-level comma), passing over quoted text (a pattern, a Literal's value)."""
    depth = 0
    while index < len(text):
        char = text[index]
        if char in "\"'":
            index += 1
            while text[index] != char:
                index += 2 if text[index] == "\\" else 1
        elif char in "[(":
            depth += 1
        elif char in "])":
            if depth == 0:
                return index
            depth -= 1
        elif char == "," and depth == 0 and stop_at_comma:
            return index
        index += 1
    raise ValueError(f"unbalanced brackets in {text!r}")


# Where a merged allOf says which model it inherits from (`Models._merge`).
BASE = "x-sdkgen-base"


def _fixed_value(
    schema: Mapping[str, Any], prop: str, components: Mapping[str, Any]
) -> str | None:
    """The one value a branch gives the discriminating property, if it fixes one."""
    parts = [schema, *[b for b in schema.get("allOf", ()) if isinstance(b, dict)]]
    for part in parts:
        ref = part.get("$ref")
        if isinstance(ref, str) and part is not schema:
            part = components.get(ref.removeprefix(COMPONENT_SCHEMA), {})
        sub = part.get("properties", {}).get(prop) if isinstance(part, dict) else None
        if not isinstance(sub, dict):
            continue
        if isinstance(sub.get("const"), str):
            return str(sub["const"])
        enum = sub.get("enum")
        if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str):
            return enum[0]
    return None


# Keywords whose values are data, not schemas.
_DATA = frozenset({"enum", "const", "default", "example", "examples"})


def reachable(refs: Mapping[str, set[str]], roots: set[str]) -> set[str]:
    """The models `roots` name, and those they name, and so on (roots `refs` does not
    know are left out)."""
    seen: set[str] = set()
    stack = [root for root in roots if root in refs]
    while stack:
        name = stack.pop()
        if name not in seen:
            seen.add(name)
            stack.extend(refs[name])
    return seen


def is_object(schema: Any) -> bool:
    """An inline object with properties: becomes a model of its own."""
    return isinstance(schema, dict) and "$ref" not in schema and "properties" in schema


def model_fields(
    ctx: Context,
    name: str,
    schema: Mapping[str, Any],
    where: tuple[Any, ...],
    descriptions: Mapping[str, str],
) -> tuple[Field, ...]:
    required = set(schema.get("required", ()))
    properties = dict(schema.get("properties", {}))
    # A required name the schema leaves undeclared may hold any value (JSON Schema),
    # and a strict model refuses an undeclared key: without a field it could never be
    # sent (OpenAI's LocalShellToolCallOutput.call_id).
    for wire_name in schema.get("required", ()):
        if isinstance(wire_name, str) and wire_name not in properties:
            properties[wire_name] = {}
    fields = []
    seen: dict[str, str] = {}
    for wire_name, prop in properties.items():
        python = naming.field_name(wire_name)
        if python in seen:
            raise ctx.error(
                where + ("properties", wire_name),
                f"properties {seen[python]!r} and {wire_name!r} of {name} both map to {python!r}",
            )
        seen[python] = wire_name
        fields.append(
            Field(
                name=python,
                wire_name=wire_name,
                annotation=annotation(prop),
                required=wire_name in required,
                # A reference without its own description borrows its model's.
                description=clean(
                    prop.get("description")
                    or descriptions.get(
                        str(prop.get("$ref", "")).removeprefix(COMPONENT_SCHEMA), ""
                    )
                ),
                default=prop.get("default"),
                has_default="default" in prop,
                notes=constraint_notes(prop),
            )
        )
    return tuple(fields)


def constraint_notes(schema: Mapping[str, Any]) -> str:
    notes = []
    if "enum" in schema:
        notes.append("One of " + ", ".join(str(v) for v in schema["enum"]) + ".")
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        notes.append(f"{low} to {high}.")
    elif low is not None:
        notes.append(f"At least {low}.")
    elif high is not None:
        notes.append(f"At most {high}.")
    short, long = schema.get("minLength"), schema.get("maxLength")
    if long is not None:
        notes.append(f"{short or 0} to {long} characters.")
    elif short:
        notes.append(f"At least {short} character{'s' if short > 1 else ''}.")
    if "default" in schema:
        default = schema["default"]
        shown = str(default).lower() if isinstance(default, bool) else default
        notes.append(f"Server default: {shown}.")
    return " ".join(notes)


def build_models(
    ctx: Context,
    models: Models,
    requests: set[str],
    responses: set[str],
    needed: Iterable[tuple[str, str]] = (),
) -> dict[str, Model]:
    """Every model, once all are collected from the roots that requests and responses
    (callbacks included) name: strictness is a property of how a model is used.

    A model only sent is strict. Every other is received (a model nothing names too:
    an error body, documentation), and read tolerantly (`tolerant`). A schema used both
    ways becomes two models: the strict one under its own name, and a received twin,
    `Received<Name>`, which the received models name instead (`models.twins`), so that
    neither the request's checks nor its defaults reach what is received.

    `needed`: models and JSON pointers into them that a client cannot do without (a
    submit's job id, an RPC answer's envelope): the received fields on the way stay
    required.
    """
    for name in sorted(ctx.document.get("components", {}).get("schemas", {})):
        if name in models.broken:
            continue
        if models.is_alias(name):
            models.alias(name)
        else:
            models.component(name)
    in_requests = models.reachable(requests)
    in_responses = models.reachable(responses)
    descriptions = {
        n: clean(s.get("description", "")) for n, s in models.schemas.items()
    }
    twins = _twins(ctx, models, in_requests & in_responses)
    keep: dict[str, set[str]] = {}
    for root, ptr in needed:
        for name, props in _needed_fields(models, root, ptr).items():
            keep.setdefault(name, set()).update(props)
    built = {}
    for name, schema in sorted(models.schemas.items()):
        forms: list[tuple[str, Mapping[str, Any], bool]] = []
        if name in in_requests:
            forms.append((name, _without(schema, "readOnly"), True))
        if name not in in_requests or name in twins:
            received = (
                {ROOT: _open_enums(_retarget(schema[ROOT], twins))}
                if ROOT in schema
                else tolerant(
                    _retarget(_without(schema, "writeOnly"), twins),
                    keep.get(name, set()),
                )
            )
            forms.append((twins.get(name, name), received, False))
        for model_name, model_schema, strict in forms:
            where = models.where[name]
            fields = model_fields(ctx, model_name, model_schema, where, descriptions)
            schema = wire_model_schema(model_schema, strict, fields)
            built[model_name] = Model(
                name=model_name,
                description=descriptions[name],
                fields=fields,
                schema=schema,
                strict=strict,
                wire_shapes=wire.wire_shapes(ctx, model_schema, where),
                root_type=held_type(annotation(schema[ROOT], True, strict))
                if ROOT in schema
                else "",
            )
    return built


def _without(schema: Mapping[str, Any], flag: str) -> Mapping[str, Any]:
    """`schema` without its properties marked `flag`: a `readOnly` one is the server's
    to set, never sent; a `writeOnly` one (a password) never comes back."""
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return schema
    dropped = {
        key
        for key, prop in properties.items()
        if isinstance(prop, dict) and prop.get(flag) is True
    }
    if not dropped:
        return schema
    out = dict(schema)
    out["properties"] = {k: v for k, v in properties.items() if k not in dropped}
    if isinstance(schema.get("required"), list):
        out["required"] = [r for r in schema["required"] if r not in dropped]
    return out


def _needed_fields(models: Models, root: str, ptr: str) -> dict[str, set[str]]:
    """The properties, by model, a JSON pointer goes through from model `root` (into
    nested models, JSON strings' documents and lists' items). The lifecycle step checks
    the pointer itself; this stops quietly where it leads nowhere."""
    out: dict[str, set[str]] = {}
    model: str | None = root
    parts = list(pointer_parts(ptr))
    while parts and model in models.schemas:
        part = parts.pop(0)
        prop = models.schemas[model].get("properties", {}).get(part)
        if not isinstance(prop, dict):
            break
        out.setdefault(model, set()).add(part)
        if is_json_string(prop):
            prop = prop["contentSchema"]
        if prop.get("type") == "array" and parts and parts[0].isdigit():
            parts.pop(0)
            prop = prop.get("items", {})
        model = str(prop.get("$ref", "")).removeprefix(COMPONENT_SCHEMA) or None
    return out


# What the received twin of a model sent too is called: `Received` + its name.
TWIN_PREFIX = "Received"


def _twins(ctx: Context, models: Models, both: set[str]) -> dict[str, str]:
    taken = set(models.schemas) | set(models.alias_names.values())
    twins = {}
    for name in sorted(both):
        twin = TWIN_PREFIX + name
        if twin in taken:
            raise ctx.error(
                models.where[name],
                f"{name} is sent and received: its received model would be named "
                f"{twin!r}, which another schema already is",
            )
        twins[name] = twin
    models.twins = twins
    return twins


def _retarget(node: Any, twins: Mapping[str, str]) -> Any:
    """`node` naming the received twins of the models it names that have one."""
    if not twins:
        return node
    if isinstance(node, list):
        return [_retarget(v, twins) for v in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.removeprefix(COMPONENT_SCHEMA) in twins:
        return {
            **node,
            "$ref": COMPONENT_SCHEMA + twins[ref.removeprefix(COMPONENT_SCHEMA)],
        }
    return {k: _retarget(v, twins) for k, v in node.items()}


def wire_model_schema(
    schema: Mapping[str, Any], strict: bool, fields: tuple[Field, ...]
) -> dict[str, Any]:
    """The schema a model is written from: wire forms typed, extras as `strict` says."""
    by_wire = {f.wire_name: f for f in fields}
    out = {k: v for k, v in schema.items() if k not in wire.KEPT_EXTENSIONS}
    if "properties" in schema:
        out["properties"] = {
            prop: wire.wire_schema(sub, strict, by_wire[prop].annotation)
            for prop, sub in schema["properties"].items()
        }
    # A sent model refuses keys it does not declare, unless its schema opens it
    # (`additionalProperties: true`: a vendor's free-form document, typed where declared).
    opened = schema.get("additionalProperties") is True
    return {**out, "additionalProperties": not strict or opened}


def tolerant(schema: Mapping[str, Any], needed: Iterable[str] = ()) -> dict[str, Any]:
    """A received model's schema: what a vendor sends is read as it comes.

    Every field is optional, and none has a default: a field the vendor did not send
    reads None, never a value the client made up (a request's default least of all).
    Enums are opened (`Literal[...] | <type>`): a vendor adding a state breaks no
    program. Ranges, lengths and patterns are dropped for the same reason. What still
    cannot be read as declared is the runtime's business (`_runtime/received.py`).
    Only the `needed` properties (on the way to the submit's job id) stay required.

    Referenced models are left alone: each is made tolerant, or not, by how it is used.
    """
    out = {
        key: {prop: _open_enums(sub) for prop, sub in value.items()}
        if key == "properties" and isinstance(value, dict)
        else value
        for key, value in schema.items()
        if key != "required"
    }
    kept = [name for name in schema.get("required", ()) if name in set(needed)]
    if kept:
        out["required"] = kept
    return out


_CHECKS = frozenset(
    {
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "multipleOf",
    }
)


def _open_enums(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return {k: v for k, v in node.items() if k != "default"}
    if node.get("format") == "date-time":
        # Vendors send local times without a zone: take them as they come.
        node = {k: v for k, v in node.items() if k != "default"}
        return {**node, "x-python-type": "datetime"}
    if "enum" in node:
        listed = {k: v for k, v in node.items() if k not in ("description", "default")}
        kind = node.get("type") or _json_type(node["enum"])
        opened: dict[str, Any] = {"anyOf": [listed, {"type": kind}]}
        if "description" in node:
            opened["description"] = node["description"]
        return opened
    # A value out of the documented range or length is kept too: checks are for sending.
    out = {k: v for k, v in node.items() if k not in _CHECKS and k != "default"}
    if isinstance(node.get("items"), dict):
        out["items"] = _open_enums(node["items"])
    if isinstance(node.get("additionalProperties"), dict):
        out["additionalProperties"] = _open_enums(node["additionalProperties"])
    for key in ("anyOf", "oneOf"):
        if isinstance(node.get(key), list):
            out[key] = [_open_enums(branch) for branch in node[key]]
    return out


def _json_type(values: list[Any]) -> Any:
    kinds = {
        "boolean"
        if isinstance(v, bool)
        else "integer"
        if isinstance(v, int)
        else "number"
        if isinstance(v, float)
        else "string"
        for v in values
        if v is not None
    }
    return kinds.pop() if len(kinds) == 1 else sorted(kinds)


def rename_refs(node: Any, models: Models) -> Any:
    """`node` with references to component schemas naming their models instead, and
    non-object components inlined."""
    if isinstance(node, list):
        return [rename_refs(v, models) for v in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(COMPONENT_SCHEMA):
        key = ref.removeprefix(COMPONENT_SCHEMA)
        if key in models.aliases:
            return dict(models.aliases[key])
        return {"$ref": COMPONENT_SCHEMA + models.by_component[key]}
    return {
        k: rename_refs(v, models)
        for k, v in node.items()
        if not k.startswith("x-") or k in wire.KEPT_EXTENSIONS
    }
