"""The one error type of the generator: a problem in a spec, located precisely."""

from __future__ import annotations


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


def pointer(*parts: object) -> str:
    """An RFC 6901 JSON pointer from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def pointer_parts(text: str) -> tuple[str, ...]:
    """The path parts of an RFC 6901 JSON pointer (`""` is the whole document)."""
    if not text:
        return ()
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in text[1:].split("/"))
