"""What is wrong in a spec, located precisely: the one error type of the generator (a
spec that cannot be generated from), and warnings (it can, but a reader should know)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal


class SpecError(Exception):
    """A spec that cannot be generated from: `file: pointer: what is wrong`."""

    def __init__(self, file: str, pointer: str, message: str) -> None:
        super().__init__(f"{file}: {pointer or '/'}: {message}")
        self.file = file
        self.pointer = pointer
        self.message = message

    def __reduce__(self) -> tuple[type[SpecError], tuple[str, str, str]]:
        # Raised in worker processes: it must cross back intact.
        return (SpecError, (self.file, self.pointer, self.message))


class Unsupported(SpecError):
    """A valid spec asks for something the generator cannot express yet (a media type,
    a cookie parameter): the operation it is in can be left out, the rest generated."""

    def __reduce__(self) -> tuple[type[SpecError], tuple[str, str, str]]:
        return (Unsupported, (self.file, self.pointer, self.message))


def pointer(*parts: object) -> str:
    """An RFC 6901 JSON pointer from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def pointer_parts(text: str) -> tuple[str, ...]:
    """The path parts of an RFC 6901 JSON pointer (`""` is the whole document)."""
    if not text:
        return ()
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in text[1:].split("/"))


@dataclass(frozen=True)
class Diagnostic:
    """Something worth a reader's attention in a spec, at one exact place.

    A warning names what a published spec gets wrong, or what the generator reads
    differently from how it is written, where generation can still go on.
    """

    file: str
    pointer: str
    message: str
    level: Literal["warning", "error"] = "warning"

    def line(self) -> str:
        return f"{self.level}: {self.file}: {self.pointer}: {self.message}"


class _Collector:
    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.found: list[Diagnostic] = []


_COLLECTOR: ContextVar[_Collector | None] = ContextVar("_COLLECTOR", default=None)


def warn(file: str, where: str, message: str) -> None:
    """Report a warning at `where` (a JSON pointer, never the whole document) to the
    innermost `collect()`; under `collect(strict=True)` it is a SpecError instead."""
    if where in ("", "/"):
        raise ValueError("a warning names its exact place, not the whole document")
    collector = _COLLECTOR.get()
    if collector is not None and collector.strict:
        raise SpecError(file, where, message)
    if collector is not None:
        found = Diagnostic(file, where, message)
        if found not in collector.found:
            collector.found.append(found)


def skip(error: SpecError, what: str, done: str = "skipped") -> None:
    """Leave out `what` for `error` (at its place), with a warning; raise `error` itself
    instead where warnings are errors (`collect(strict=True)`), or where nothing collects
    them (a caller that cannot be told of a skip gets the reason)."""
    collector = _COLLECTOR.get()
    if collector is None or collector.strict or not error.pointer:
        raise error
    warn(error.file, error.pointer, f"{error.message}: {what} {done}")


@contextmanager
def collect(*, strict: bool = False) -> Iterator[list[Diagnostic]]:
    """The warnings reported inside the block, in order (each once)."""
    collector = _Collector(strict)
    token = _COLLECTOR.set(collector)
    try:
        yield collector.found
    finally:
        _COLLECTOR.reset(token)
