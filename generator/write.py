"""Write a package's files: only those whose bytes changed; remove our stale ones."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .fingerprint import MARKER

# Build and cache output a user's `pip install` or test run may leave in a package folder.
_IGNORED_DIRS = frozenset(
    {"__pycache__", "build", "dist", ".mypy_cache", ".ruff_cache"}
)


@dataclass
class Outcome:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _existing(root: Path) -> Iterator[str]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not any(
            part in _IGNORED_DIRS or part.endswith(".egg-info") for part in rel.parts
        ):
            yield rel.as_posix()


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(400)


def _is_ours(path: Path) -> bool:
    # Only files carrying our header are ever deleted: never a user's stray file.
    return MARKER.encode() in _head(path)


def generated_headers(root: Path) -> dict[str, bytes]:
    """The first bytes of every file in `root` that carries our header."""
    heads = {rel: _head(root / rel) for rel in _existing(root)}
    return {rel: head for rel, head in heads.items() if MARKER.encode() in head}


def write_tree(root: Path, files: Mapping[str, bytes]) -> Outcome:
    outcome = Outcome()
    for rel, content in sorted(files.items()):
        target = root / rel
        if target.is_file() and target.read_bytes() == content:
            outcome.unchanged.append(rel)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_bytes(content)
        temporary.replace(target)  # atomic: a reader never sees half a file
        outcome.written.append(rel)
    for rel in _existing(root):
        if rel not in files and _is_ours(root / rel):
            (root / rel).unlink()
            outcome.removed.append(rel)
    return outcome


def diff_tree(root: Path, files: Mapping[str, bytes]) -> list[str]:
    """One line per file that `write_tree` would change."""
    lines = []
    for rel, content in sorted(files.items()):
        target = root / rel
        if not target.is_file():
            lines.append(f"{root / rel}: missing")
        elif target.read_bytes() != content:
            old = target.read_bytes().decode(errors="replace").splitlines()
            new = content.decode().splitlines()
            diff = list(difflib.unified_diff(old, new, lineterm="", n=0))
            added = sum(
                1 for d in diff if d.startswith("+") and not d.startswith("+++")
            )
            gone = sum(1 for d in diff if d.startswith("-") and not d.startswith("---"))
            lines.append(f"{root / rel}: differs (+{added} -{gone} lines)")
    for rel in _existing(root):
        if rel not in files and _is_ours(root / rel):
            lines.append(f"{root / rel}: stale")
    return lines
