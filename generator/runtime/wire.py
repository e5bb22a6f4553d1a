"""Wire forms that a typed value takes on the way to and from a vendor.

- `JsonString[T]`: a JSON document carried inside a string (OpenAPI `contentMediaType:
  application/json` with a `contentSchema`). Callers hand over and receive a `T`; the wire
  carries compact JSON text.
- `MaxBytes[n]`: a length limit the vendor counts in UTF-8 bytes, not characters.
- `WireShapes`: a model the vendor sends in more than one documented shape (other names,
  other units), read into the one shape the model declares.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    GetCoreSchemaHandler,
    ModelWrapValidatorHandler,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidationInfo,
    WrapSerializer,
    model_validator,
)
from pydantic_core import PydanticUseDefault, core_schema

from .received import Received, tolerate
from .request import _unencodable

T = TypeVar("T")


# One encoder for every call: json.dumps with options builds a new one each time.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _c_encoder() -> Callable[[Any], str] | None:
    """The C encoder `_COMPACT.encode` builds afresh on every call (most of its cost for
    small documents), built once; None where there is none, or it encodes otherwise."""
    try:
        from _json import make_encoder

        encode = make_encoder(
            # No markers: what is encoded is a dump of a model, which cannot be circular.
            None,
            _COMPACT.default,
            json.encoder.encode_basestring,
            None,
            _COMPACT.key_separator,
            _COMPACT.item_separator,
            False,  # sort_keys
            False,  # skipkeys
            True,  # allow_nan
        )

        def compact(data: Any) -> str:
            return "".join(encode(data, 0))

        probe = {"a": [1, 2.5, 1e16, -0.0, None, True], "é\n": "x\u2028"}
        if compact(probe) != _COMPACT.encode(probe):
            return None
    except (ImportError, TypeError):  # pragma: no cover (another Python)
        return None
    return compact


_FAST_COMPACT = _c_encoder()


def compact_json(data: Any) -> str:
    """JSON text as it is sent: no spaces, non-ASCII kept as UTF-8 (fewer bytes to count)."""
    if _FAST_COMPACT is not None:
        return _FAST_COMPACT(data)
    return _COMPACT.encode(data)  # pragma: no cover (another Python)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, str | bytes | bytearray):
        return value
    if info.config and info.config.get("strict"):
        if not isinstance(value, str):
            return value  # bytes are no text: refused as the wrong type
        # What a client sends may also be the document's JSON text, as the vendors' own
        # SDKs take it. It is parsed here and then checked like the document itself, so
        # nothing unchecked is sent (and what is sent is the checked document, re-encoded).
        try:
            document = json.loads(value, parse_constant=_refuse_constant)
        except ValueError as error:
            raise ValueError(
                f"expected the document or its JSON text; this text is not JSON: {error}"
            ) from None
        if document is None:
            raise ValueError("expected the document or its JSON text, not null")
        return document
    if not value.strip():
        # An empty string holds no document (vendors send "" for "nothing yet"): the
        # field reads as not sent, so an optional one takes its default.
        raise PydanticUseDefault()
    try:
        return json.loads(value)
    except ValueError as error:
        raise ValueError(f"the string does not hold a JSON document: {error}") from None


def _dump(value: Any, handler: SerializerFunctionWrapHandler) -> str:
    # The handler applies the caller's options (wire names, only what was set) inside.
    text = compact_json(handler(value))
    if not text.isascii():
        # A lone surrogate raises here, and one in a map's key (which pydantic's dump
        # turns into U+FFFD) below: the request's serialisation fails, and json_body
        # names the argument.
        text.encode("utf-8")
        if "\ufffd" in text and _unencodable(value, ()) is not None:
            raise ValueError("text that UTF-8 cannot encode cannot be sent")
    return text


JsonString = Annotated[
    T, BeforeValidator(_parse), WrapSerializer(_dump, when_used="json")
]
"""A `T` that travels as a string of compact JSON."""


class MaxBytes:
    """`Annotated[str, MaxBytes[128]]`: at most 128 bytes once encoded as UTF-8.

    A value that is not text (a `JsonString` document) is measured as the JSON sent.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __class_getitem__(cls, limit: int) -> MaxBytes:
        return cls(limit)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            self._check, handler(source)
        )

    def _check(self, value: Any) -> Any:
        if isinstance(value, str):
            size = len(value.encode("utf-8"))
        elif isinstance(value, BaseModel):
            size = len(
                compact_json(
                    value.model_dump(mode="json", by_alias=True, exclude_unset=True)
                ).encode("utf-8")
            )
        else:
            return value
        if size > self.limit:
            raise ValueError(
                f"at most {self.limit} bytes of UTF-8 are allowed, this is {size}"
            )
        return value


Shape = Mapping[str, tuple[str, float]]
"""One other wire shape: field (wire name) -> (the name in that shape, divide by)."""


_Named = tuple[tuple[Shape, frozenset[str]], ...]
_NAMES: dict[int, tuple[tuple[Shape, ...], _Named]] = {}


def _shape_names(shapes: tuple[Shape, ...]) -> _Named:
    """Each shape with the names it reads, worked out once per tuple of shapes (the
    entry holds the tuple, so its id stays its own)."""
    known = _NAMES.get(id(shapes))
    if known is None or known[0] is not shapes:
        named = tuple(
            (shape, frozenset(name for name, _ in shape.values())) for shape in shapes
        )
        known = _NAMES[id(shapes)] = (shapes, named)
    return known[1]


class WireShapes(Received):
    """Reads the other documented shapes listed in `__wire_shapes__` into this model's own:
    the first shape whose every name is present wins. When none is, the shape with the
    most of its own names present is read as far as it goes (a sentence without its end
    time keeps its text and start), never over a field sent under its declared name.
    Anything else is left as it came (and kept, as `Received` keeps what it cannot read).
    """

    __wire_shapes__: ClassVar[tuple[Shape, ...]] = ()

    # Named as `Received`'s validator, so it replaces it: one validator per model, and
    # what fails is named as it was read (the declared name), not as it was sent.
    @model_validator(mode="wrap")
    @classmethod
    def _received(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        if isinstance(data, dict) and cls.__wire_shapes__:
            data = _reshape(data, _shape_names(cls.__wire_shapes__))
        try:
            return handler(data)
        except ValidationError as error:
            return tolerate(cls, data, handler, error)


def _reshape(data: dict[str, Any], shapes: _Named) -> dict[str, Any]:
    best: Shape | None = None
    most = 0
    for shape, names in shapes:
        if names <= data.keys():
            return _read_shape(data, shape, names)
        # Names a shape shares with the declared one say nothing about which it is.
        own = sum(1 for f, (n, _) in shape.items() if n != f and n in data)
        if own > most:
            best, most = shape, own
    if best is None:
        return data
    present = {
        field: how
        for field, how in best.items()
        if how[0] in data and (how[0] == field or field not in data)
    }
    return _read_shape(data, present, frozenset(n for n, _ in present.values()))


def _read_shape(
    data: dict[str, Any], shape: Shape, names: frozenset[str]
) -> dict[str, Any]:
    out = {key: value for key, value in data.items() if key not in names}
    for field, (name, divisor) in shape.items():
        value = data[name]
        if divisor != 1 and isinstance(value, str):
            # A number sent as text ("846") is still in the shape's unit.
            with contextlib.suppress(ValueError):
                value = float(value)
        if (
            divisor != 1
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            value = value / divisor
        out[field] = value
    return out
