"""Large model sets go through dcg in chunks: the classes are the ones a single run
writes, in the models' order, whatever the chunks."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from generator import model_chunks, models, pipeline
from generator.format import sort_imports
from generator.ir import Api, Model

REPO = Path(__file__).resolve().parents[2]
_BLOCK = re.compile(r"^class \w+\(.*?(?=^class |\Z)", re.MULTILINE | re.DOTALL)


def _api() -> Api:
    return pipeline.build_api("alibaba-ice", REPO / "specs")


def _json_models() -> tuple[Model, ...]:
    return tuple(m for m in _api().models if m.xml_tag is None)


def _blocks(body: str) -> list[str]:
    # The wire shapes are set after the last class, in the models' order.
    classes, shapes = re.split(
        r"^(?=\w+\.__wire_shapes__)", body, maxsplit=1, flags=re.M
    )
    return [block.rstrip() for block in _BLOCK.findall(classes)] + [shapes]


def test_chunks_keep_reference_groups_whole_and_close_at_the_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(model_chunks, "CHUNK", 3)
    found = model_chunks.chunks(_json_models())
    assert len(found) > 2
    where = {m.name: i for i, chunk in enumerate(found) for m in chunk}
    assert sorted(where) == sorted(m.name for m in _json_models())
    for chunk in found:
        for model in chunk:
            for name in re.findall(r"#/components/schemas/(\w+)", str(model.schema)):
                assert where[name] == where[model.name], (model.name, name)
    assert all(len(chunk) >= 3 for chunk in found[:-1])


def test_a_small_set_is_one_chunk() -> None:
    assert model_chunks.chunks(_json_models()) == [_json_models()]


def test_chunked_classes_are_the_single_runs_in_model_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api, json_models = _api(), _json_models()
    calls: list[str] = []
    single_imports, single = models._json_models(
        api, json_models, lambda: calls.append("single")
    )
    monkeypatch.setattr(model_chunks, "CHUNK", 3)
    assert len(model_chunks.chunks(json_models)) > 2
    chunked_imports, chunked = models._json_models(
        api, json_models, lambda: calls.append("chunked")
    )
    assert calls == ["single", "chunked"]
    assert sorted(_blocks(chunked)) == sorted(_blocks(single))
    names = re.findall(r"^class (\w+)\(", chunked, re.MULTILINE)
    assert names == [m.name for m in json_models]
    # Each chunk imports what its classes use: merged, the single run's imports.
    assert sort_imports(chunked_imports) == sort_imports(single_imports)


def test_merge_keeps_a_made_up_class_once_and_refuses_two_of_a_name() -> None:
    tag = "class Tag(RootModel[str]):\n    root: str\n"
    first = (
        "from pydantic import RootModel\n",
        f"class A(BaseModel):\n    x: Tag\n\n\n{tag}",
    )
    second = (
        "from pydantic import RootModel\n",
        f"{tag}\n\nclass B(BaseModel):\n    y: Tag\n",
    )
    merged = model_chunks.merge([first, second], ["B", "A"])
    assert merged is not None
    _, body = merged
    assert [n for n in re.findall(r"^class (\w+)", body, re.MULTILINE)] == [
        "B",
        "A",
        "Tag",
    ]
    other = ("", "class Tag(RootModel[int]):\n    root: int\n")
    assert model_chunks.merge([first, other], ["A"]) is None
    # A made-up class named like a model of another chunk: only one run can name both.
    assert (
        model_chunks.merge([first, ("", "class A(BaseModel):\n    z: int\n")], ["A"])
        is None
    )


def _waits_for(flag: Path, chunk: tuple[Model, ...]) -> tuple[int, bool]:
    deadline = time.monotonic() + 20
    while not flag.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return len(chunk), flag.exists()


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores for workers")
def test_the_parent_works_meanwhile_while_the_workers_run(tmp_path: Path) -> None:
    # Each worker waits for what only the parent's `meanwhile` makes: it must run while
    # they do, not after them.
    json_models = _json_models()
    items = [json_models[:1], json_models[1:3], json_models[3:6]]
    flag = tmp_path / "flag"
    calls: list[int] = []

    def meanwhile() -> None:
        calls.append(os.getpid())
        flag.touch()

    found = model_chunks.map_chunks(
        lambda chunk: _waits_for(flag, chunk), items, meanwhile
    )
    assert found == [(1, True), (2, True), (3, True)]
    assert calls == [os.getpid()]
