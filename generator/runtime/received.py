"""What a client receives is read tolerantly: `Received`, the base of every received model.

A vendor's answer is its own: a field that does not parse as the spec declares it (text
where a number was promised, an object for a string, a JSON string that holds no JSON)
must not cost the caller the rest of the answer, the job's state and its result above all.
Such a field reads as None and is kept as it came in `model_extra`, under its wire name,
with one WARNING per model and field (its value is never logged: it may be anything).

Plain validation runs first; only a failure pays for the second pass, which leaves out
the fields that failed. A nested model tolerates its own fields the same way, so what
fails here is a whole field: a value of the wrong kind, or a list or map with an item
that failed (kept whole, as it came). A required field (only what the client itself
needs, such as a submit's job id) that is missing or unusable still fails validation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import (
    BaseModel,
    ModelWrapValidatorHandler,
    ValidationError,
    model_validator,
)

logger = logging.getLogger(__name__.rsplit(".", 2)[0])

# (model, wire name) pairs already logged: once each, however often a job is polled.
_REPORTED: set[tuple[str, str]] = set()


class Received(BaseModel):
    """A model a client receives: never fails for a field it can keep as received."""

    @model_validator(mode="wrap")
    @classmethod
    def _received(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        try:
            return handler(data)
        except ValidationError as error:
            return tolerate(cls, data, handler, error)


def tolerate(
    cls: type[BaseModel],
    data: Any,
    handler: ModelWrapValidatorHandler[Any],
    error: ValidationError,
) -> Any:
    """`data` validated without the fields `error` names, which are kept as they came in
    `model_extra`; `error` again when that cannot help (not an object, a model-level
    failure, a required field missing)."""
    if not isinstance(data, dict) or cls.model_config.get("extra") != "allow":
        # Nowhere to keep what failed (a model sent strictly keeps nothing).
        raise error
    rest = dict(data)
    kept: dict[str, Any] = {}
    while True:
        failed = {
            first
            for first in (e["loc"][0] if e["loc"] else None for e in error.errors())
            if isinstance(first, str) and first in rest
        }
        if not failed:
            raise error
        types: dict[str, set[str]] = {}
        for item in error.errors():
            if item["loc"] and item["loc"][0] in failed:
                types.setdefault(str(item["loc"][0]), set()).add(item["type"])
        for key in failed:
            kept[key] = rest.pop(key)
        _report(cls, types)
        try:
            instance = handler(rest)
        except ValidationError as again:
            error = again
            continue
        break
    instance.__pydantic_extra__.update(kept)
    return instance


def _report(cls: type[BaseModel], types: dict[str, set[str]]) -> None:
    names = {(field.alias or name): name for name, field in cls.model_fields.items()}
    for key, kinds in sorted(types.items()):
        if (cls.__qualname__, key) in _REPORTED:
            continue
        _REPORTED.add((cls.__qualname__, key))
        field = names.get(key, key)
        logger.warning(
            "%s.%s: the received %r does not parse as declared (%s); kept as it "
            "came in model_extra[%r]",
            cls.__qualname__,
            field,
            key,
            ", ".join(sorted(kinds)),
            key,
        )


def discriminate(
    prop: str, tags: Mapping[str, str], unknown: str | None
) -> Callable[[Any], str | None]:
    """A union's discriminator: the tag (the model's name) of the branch a value's
    `prop` names in `tags`, or `unknown`: the tag of a received union's plain-object
    branch, which keeps what a vendor added since (None: refused, for what is sent)."""
    names = frozenset(tags.values())

    def tag(value: Any) -> str | None:
        if isinstance(value, BaseModel):
            # A model the caller built: its class is its branch.
            name = type(value).__name__
            return name if name in names else unknown
        if isinstance(value, dict):
            found = value.get(prop)
            if isinstance(found, str) and found in tags:
                return tags[found]
        return unknown

    return tag
