"""`python -m generator generate`: golden output, determinism, no-op runs, writes, `--check`."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import naming, pipeline, spec_files
from generator.__main__ import main
from generator.fingerprint import MARKER, has_header

REPO = Path(__file__).resolve().parents[2]
SPECS = REPO / "specs"
GENERATED = REPO / "generated"
API = "huawei-metastudio"
PACKAGE = naming.package_name(API)
# Build and tool caches a `pip install`, pytest, mypy or ruff may leave in a package folder
# (ruff writes a .ruff_cache beside each package's own pyproject.toml); not generator output.
IGNORED_DIRS = frozenset(
    {"__pycache__", "build", "dist", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
)
# A moment long past: files the generator leaves alone keep it as their mtime.
OLD_NS = 1_000_000_000 * 10**9
REPORT = re.compile(
    r"(?P<api>\S+): (?P<written>\d+) written, (?P<unchanged>\d+) unchanged, (?P<removed>\d+) removed; (?P<operations>\d+) operations?, (?P<skipped>\d+) skipped, (?P<warnings>\d+) warnings? \(\d+\.\d{3} s\)"
)
UP_TO_DATE = re.compile(r"(?P<api>\S+): up to date \(\d+\.\d{3} s\)")


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def generate(*args: str | Path) -> Run:
    """`python -m generator generate ARGS`, in-process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["generate", *map(str, args)])
    return Run(code, out.getvalue(), err.getvalue())


def _ignored(rel: Path) -> bool:
    return any(part in IGNORED_DIRS or part.endswith(".egg-info") for part in rel.parts)


def files(root: Path) -> list[Path]:
    return [
        path
        for path in sorted(root.rglob("*"))
        if path.is_file() and not _ignored(path.relative_to(root))
    ]


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` by relative path."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes() for path in files(root)
    }


def mtimes(root: Path) -> dict[str, int]:
    return {
        path.relative_to(root).as_posix(): path.stat().st_mtime_ns
        for path in files(root)
    }


def age(root: Path) -> None:
    """Set every file's mtime to OLD_NS, so a rewrite shows whatever the clock's resolution."""
    for path in files(root):
        os.utime(path, ns=(OLD_NS, OLD_NS))


def copy_specs(target: Path) -> Path:
    """A copy of every API's spec file (not their docs) under `target`."""
    for key in pipeline.discover(SPECS):
        (target / key).mkdir(parents=True)
        shutil.copyfile(
            SPECS / key / spec_files.SPEC_FILE, target / key / spec_files.SPEC_FILE
        )
    return target


def differing(left: dict[str, bytes], right: dict[str, bytes]) -> list[str]:
    return sorted(
        rel for rel in left.keys() | right.keys() if left.get(rel) != right.get(rel)
    )


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every API generated from `specs/` into an empty folder (read-only: copy to change it)."""
    out = tmp_path_factory.mktemp("fresh")
    run = generate("--force", "--out", out)
    assert run.code == 0, run.err
    apis = pipeline.discover(SPECS)
    assert len(run.out.splitlines()) == len(apis)
    for line, api in zip(run.out.splitlines(), apis, strict=True):
        match = REPORT.fullmatch(line)
        assert match is not None, line
        assert (
            match["api"] == api
            and match["unchanged"] == "0"
            and match["removed"] == "0"
        )
        written = snapshot(out / naming.package_name(api))
        assert int(match["written"]) == len(written) > 0
    return out


@pytest.fixture
def tree(fresh: Path, tmp_path: Path) -> Path:
    """A private copy of the fresh output, every file aged to OLD_NS."""
    out = tmp_path / "out"
    shutil.copytree(fresh, out)
    age(out)
    return out


# --- golden ----------------------------------------------------------------------------------


def test_generated_matches_what_the_specs_generate(fresh: Path) -> None:
    expected, actual = snapshot(GENERATED), snapshot(fresh)
    assert sorted(actual) == sorted(expected), (
        "a file is missing from, or extra in, generated/"
    )
    assert differing(actual, expected) == [], "generated/ differs: run `make generate`"


def test_every_api_has_a_package(fresh: Path) -> None:
    packages = {rel.split("/")[0] for rel in snapshot(fresh)}
    assert packages == {naming.package_name(key) for key in pipeline.discover(SPECS)}
    assert PACKAGE in packages


def test_headers_name_the_spec_and_its_hash(fresh: Path) -> None:
    digest = hashlib.sha256(
        (SPECS / API / spec_files.SPEC_FILE).read_bytes()
    ).hexdigest()
    package = snapshot(fresh / PACKAGE)
    with_header = [rel for rel in package if has_header(rel)]
    assert "client.py" in with_header and "py.typed" not in with_header
    for rel in with_header:
        head = package[rel][:400]
        assert MARKER.encode() in head, rel
        assert f"from specs/{API}/openapi.yaml".encode() in head, rel
        assert f"spec sha256 {digest}".encode() in head, rel
        assert f", {len(with_header)} files".encode() in head, rel


# --- determinism -----------------------------------------------------------------------------


def test_generating_again_gives_the_same_bytes(fresh: Path, tmp_path: Path) -> None:
    run = generate("--force", "--out", tmp_path)
    assert run.code == 0, run.err
    assert differing(snapshot(tmp_path), snapshot(fresh)) == []


def test_generation_does_not_depend_on_the_working_directory(
    fresh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    run = generate("--force", "--out", tmp_path / "out")
    assert run.code == 0, run.err
    assert differing(snapshot(tmp_path / "out"), snapshot(fresh)) == []
    assert list(elsewhere.iterdir()) == []


def test_generation_does_not_depend_on_the_process(fresh: Path, tmp_path: Path) -> None:
    # Another interpreter, another hash seed (set and dict-of-set orders), another cwd.
    out = tmp_path / "out"
    environment = dict(os.environ, PYTHONHASHSEED="4242", PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--force", "--out", str(out)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert differing(snapshot(out), snapshot(fresh)) == []


# --- no-op runs ------------------------------------------------------------------------------


def test_a_second_generate_is_skipped_and_writes_nothing(tree: Path) -> None:
    before, times = snapshot(tree), mtimes(tree)
    run = generate("--out", tree)
    assert (run.code, run.err) == (0, "")
    lines = run.out.splitlines()
    assert [UP_TO_DATE.fullmatch(line) is not None for line in lines] == [True] * len(
        lines
    )
    assert len(lines) == len(pipeline.discover(SPECS))
    assert mtimes(tree) == times
    assert snapshot(tree) == before
    report = pipeline.generate(API, SPECS, tree)
    assert report.skipped is True
    assert (report.written, report.unchanged, report.removed) == (0, 0, 0)
    assert mtimes(tree) == times


def test_changing_one_byte_of_the_spec_regenerates(tree: Path, tmp_path: Path) -> None:
    specs = copy_specs(tmp_path / "specs")
    spec = specs / API / spec_files.SPEC_FILE
    raw = spec.read_bytes()
    assert raw.endswith(b"\n")
    spec.write_bytes(raw + b"#")  # a YAML comment: same document, another sha256
    digest = hashlib.sha256(raw + b"#").hexdigest()
    package = tree / PACKAGE
    headed = sorted(rel for rel in snapshot(package) if has_header(rel))

    run = generate("--specs", specs, "--out", tree, API)

    assert (run.code, run.err) == (0, "")
    match = REPORT.fullmatch(run.out.strip())
    assert match is not None, run.out
    total = len(snapshot(package))
    assert (int(match["written"]), int(match["unchanged"]), int(match["removed"])) == (
        len(headed),
        total - len(headed),
        0,
    )
    after, times = snapshot(package), mtimes(package)
    for rel in headed:
        assert f"spec sha256 {digest}".encode() in after[rel][:400], rel
        assert times[rel] != OLD_NS, rel
    # Everything but the header's hash is the same.
    assert sorted(after) == sorted(snapshot(GENERATED / PACKAGE))
    # And now it is up to date again.
    again = generate("--specs", specs, "--out", tree, API)
    assert UP_TO_DATE.fullmatch(again.out.strip()) is not None, again.out


@pytest.mark.parametrize("deleted", ["client.py", "py.typed"])
def test_a_deleted_file_is_generated_again(tree: Path, deleted: str) -> None:
    # `_is_current` promises "and none is missing": a plain `generate` must restore any file.
    expected = snapshot(tree)
    (tree / PACKAGE / deleted).unlink()
    run = generate("--out", tree)
    assert run.code == 0, run.err
    assert snapshot(tree) == expected, run.out


# --- changed-only writes and stale files -----------------------------------------------------


def test_force_rewrites_only_changed_files_and_removes_only_stale_ones(
    tree: Path,
) -> None:
    package = tree / PACKAGE
    expected = snapshot(package)
    edited = package / "client.py"
    edited.write_bytes(edited.read_bytes() + b"# a hand edit\n")
    stale = package / "_runtime" / "old_signer.py"
    stale.write_text(f"# {MARKER} from specs/{API}/openapi.yaml. Do not edit.\nX = 1\n")
    stray = package / "notes.txt"
    stray.write_text("my own notes, not generated\n")
    age(tree)

    run = generate("--force", "--out", tree, API)

    assert (run.code, run.err) == (0, "")
    assert run.out.startswith(
        f"{API}: 1 written, {len(expected) - 1} unchanged, 1 removed; "
        "2 operations, 0 skipped, 0 warnings ("
    )
    assert not stale.exists()
    assert stray.read_text() == "my own notes, not generated\n"
    after = snapshot(package)
    assert after == expected | {"notes.txt": b"my own notes, not generated\n"}
    times = mtimes(package)
    assert times.pop("client.py") != OLD_NS
    assert times == dict.fromkeys(times, OLD_NS)


# --- --check ---------------------------------------------------------------------------------


def test_check_passes_on_a_fresh_tree_and_writes_nothing(tree: Path) -> None:
    before, times = snapshot(tree), mtimes(tree)
    run = generate("--check", "--out", tree)
    assert (run.code, run.err) == (0, "")
    # Each line ends with the API's counts: operations generated, skipped, warnings.
    assert [line.split(";")[0] for line in run.out.splitlines()] == [
        f"{key}: up to date" for key in pipeline.discover(SPECS)
    ]
    assert all(line.endswith(" 0 skipped, 0 warnings") for line in run.out.splitlines())
    assert snapshot(tree) == before and mtimes(tree) == times


def test_check_fails_on_a_hand_edit_and_names_the_file(tree: Path) -> None:
    package = tree / PACKAGE
    edited = package / "models.py"
    edited.write_bytes(edited.read_bytes() + b"# a hand edit\n")
    stale = package / "old.py"
    stale.write_text(f"# {MARKER} from specs/{API}/openapi.yaml.\n")
    age(tree)
    before, times = snapshot(tree), mtimes(tree)

    run = generate("--check", "--out", tree)

    assert run.code == 1
    # Only the edited API is stale; every other API in specs/ is still up to date.
    assert [line.split(";")[0] for line in run.out.splitlines()] == [
        f"{key}: stale" if key == API else f"{key}: up to date"
        for key in pipeline.discover(SPECS)
    ]
    lines = run.err.splitlines()
    assert f"  {edited}: differs (+0 -1 lines)" in lines
    assert f"  {stale}: stale" in lines
    assert len(lines) == 3, lines
    assert "make generate" in lines[-1]
    # --check writes nothing: the edit and the stale file are still there, untouched.
    assert snapshot(tree) == before and mtimes(tree) == times


def test_check_on_a_missing_tree_reports_missing_files_and_creates_nothing(
    fresh: Path, tmp_path: Path
) -> None:
    out = tmp_path / "nothing-here"
    run = generate("--check", "--out", out)
    assert run.code == 1
    missing = [line for line in run.err.splitlines() if line.endswith(": missing")]
    assert len(missing) == len(snapshot(fresh))
    assert f"  {out / PACKAGE / 'client.py'}: missing" in missing
    assert not out.exists()


# --- command line ----------------------------------------------------------------------------


def test_an_unknown_api_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    run = generate("--out", tmp_path / "out", "no-such-api", API)
    assert run.code == 2
    assert run.out == ""
    (line,) = run.err.splitlines()
    assert line.startswith("error: ")
    assert "no-such-api" in line
    for key in pipeline.discover(SPECS):
        assert key in line.split("known:")[-1]
    assert not (tmp_path / "out").exists()


def test_one_api_can_be_named(tmp_path: Path) -> None:
    run = generate("--force", "--out", tmp_path, API)
    assert run.code == 0, run.err
    assert REPORT.fullmatch(run.out.strip()) is not None
    assert [p.name for p in tmp_path.iterdir()] == [PACKAGE]


def test_a_package_whose_spec_is_gone_is_reported_then_removed(tmp_path: Path) -> None:
    specs, out = tmp_path / "specs", tmp_path / "out"
    shutil.copytree(SPECS / API, specs / API)
    assert generate("--specs", specs, "--out", out).code == 0
    stray = out / PACKAGE / "notes.txt"
    stray.write_text("mine")
    shutil.rmtree(specs / API)
    (specs / "other").mkdir()  # no spec in it: not an API

    check = generate("--check", "--specs", specs, "--out", out)
    assert check.code == 1
    assert f"{out / PACKAGE}: its spec is gone" in check.err
    assert (out / PACKAGE / "client.py").is_file()

    run = generate("--specs", specs, "--out", out)
    assert run.code == 0
    assert re.search(rf"{PACKAGE}: spec gone, \d+ files removed", run.out)
    # Only the stray file the generator did not write is left.
    assert [p.relative_to(out) for p in out.rglob("*")] == [
        Path(PACKAGE),
        Path(PACKAGE, "notes.txt"),
    ]


def test_naming_one_api_leaves_other_packages_alone(tmp_path: Path) -> None:
    specs, out = tmp_path / "specs", tmp_path / "out"
    shutil.copytree(SPECS / API, specs / API)
    shutil.copytree(SPECS / API, specs / "second-api")
    assert generate("--specs", specs, "--out", out).code == 0
    second = out / naming.package_name("second-api")
    before = snapshot(second)
    shutil.rmtree(specs / "second-api")
    # A run over named APIs cannot know what else is an orphan: it removes nothing.
    run = generate(API, "--specs", specs, "--out", out)
    assert run.code == 0 and "spec gone" not in run.out
    assert snapshot(second) == before
    assert generate(API, "--check", "--specs", specs, "--out", out).code == 0


def test_several_apis_render_in_parallel_to_the_same_bytes(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    for key in ("api-one", "api-two", "api-three"):
        shutil.copytree(SPECS / API, specs / key)
    together = generate("--specs", specs, "--out", tmp_path / "together")
    assert together.code == 0
    assert [line.split(":")[0] for line in together.out.splitlines()] == [
        "api-one",
        "api-three",
        "api-two",
    ]
    alone = generate("api-two", "--specs", specs, "--out", tmp_path / "alone")
    assert alone.code == 0
    package = naming.package_name("api-two")
    assert snapshot(tmp_path / "together" / package) == snapshot(
        tmp_path / "alone" / package
    )


def test_a_spec_error_in_a_worker_is_reported_like_any_other(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(SPECS / API, specs / "good-api")
    shutil.copytree(SPECS / API, specs / "bad-api")
    spec = specs / "bad-api" / "openapi.yaml"
    spec.write_text(
        spec.read_text().replace("submit: CreateAsyncTtsJob", "submit: Nope")
    )
    run = generate("--specs", specs, "--out", tmp_path / "out")
    assert run.code == 2
    (line,) = run.err.splitlines()
    assert line.startswith("error: ") and "bad-api/openapi.yaml" in line
    assert "/x-sdkgen-job/submit: no operation 'Nope'" in line
