"""Large model sets through dcg in chunks, on every core.

dcg takes most of a large spec's time, in one process. The models are cut into chunks of
whole reference groups (a model and every model it reaches, either way, stay together),
each chunk is one dcg run, and the outputs are merged back. The cut depends only on the
models, never on the machine, so the bytes are the same on every machine, however many
cores it has.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from itertools import pairwise
from typing import TypeVar, cast

from .ir import Model

T = TypeVar("T")
# Fewer models than this go through dcg in one run (each run costs a few milliseconds).
CHUNK = 250
_REF = re.compile(r'"#/components/schemas/([^"]+)"')
_CLASS = re.compile(r"^class (\w+)\(", re.MULTILINE)


def chunks(models: Sequence[Model]) -> list[tuple[Model, ...]]:
    """`models` in chunks of whole reference groups, each group where its first model
    was, chunks closed once they hold `CHUNK` models."""
    if len(models) <= 2 * CHUNK:
        return [tuple(models)]
    index = {m.name: i for i, m in enumerate(models)}
    parent = list(range(len(models)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, model in enumerate(models):
        for name in _REF.findall(json.dumps(model.schema)):
            j = index.get(name.replace("~1", "/").replace("~0", "~"))
            if j is not None:
                parent[root(i)] = root(j)
    groups: dict[int, list[Model]] = {}
    for i, model in enumerate(models):
        groups.setdefault(root(i), []).append(model)
    result: list[tuple[Model, ...]] = []
    current: list[Model] = []
    for group in groups.values():  # in the order of each group's first model
        current += group
        if len(current) >= CHUNK:
            result.append(tuple(current))
            current = []
    if current:
        result.append(tuple(current))
    return result


def merge(
    sources: Sequence[tuple[str, str]], names: Sequence[str]
) -> tuple[str, str] | None:
    """Chunks' (imports, classes) as one module's: the models' classes in the order of
    `names`, then the classes dcg made up itself (a `RootModel` for a list's items, say),
    each kept once when chunks made it alike. None when chunks made different classes of
    one name, or one of a model's name: only a single run can name those."""
    ours = set(names)
    imports: list[str] = []
    made: dict[str, str] = {}
    for head, body in sources:
        imports.append(head)
        starts = [m.start() for m in _CLASS.finditer(body)] + [len(body)]
        if body[: starts[0]].strip():
            return None  # a statement outside any class: not ours to place
        for start, end in pairwise(starts):
            block = body[start:end].rstrip() + "\n\n\n"
            name = block[len("class ") : block.index("(")]
            if name in made:
                if made[name] != block or name in ours:
                    return None
                continue
            made[name] = block
    if not ours <= made.keys():
        return None
    invented = [block for name, block in made.items() if name not in ours]
    return "".join(imports), "".join([made[n] for n in names] + invented)


# What forked workers read instead of receiving it pickled: see `map_chunks`.
_WORK: list[Callable[[], object]] = []


def _run(index: int) -> object:
    return _WORK[index]()


def _nothing() -> None:
    pass


def map_chunks(
    function: Callable[[tuple[Model, ...]], T],
    items: list[tuple[Model, ...]],
    meanwhile: Callable[[], None] = _nothing,
) -> list[T]:
    """`function` over `items`, in forked processes when this process is no worker
    itself and has cores to spare; in order either way. The workers find the work in
    what they inherit: only an index and the result cross between processes. The parent
    calls `meanwhile` while they work (afterwards when there are none)."""
    workers = min(len(items), os.cpu_count() or 1)
    if (
        workers < 2
        or multiprocessing.parent_process() is not None
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        results = [function(item) for item in items]
        meanwhile()
        return results
    context = multiprocessing.get_context("fork")
    _WORK[:] = [partial(function, item) for item in items]
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            pending = pool.map(_run, range(len(items)))  # submits every chunk now
            meanwhile()
            return cast(list[T], list(pending))
    finally:
        _WORK.clear()
