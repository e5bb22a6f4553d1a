# The two commands of the README: `make generate` and `make test`. Both create .venv and
# install the pinned dependencies of pyproject.toml on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
PACKAGES := $(wildcard generated/*/)
# Everything pinned in pyproject.toml (the generator runs from this checkout, uninstalled).
DEPS = $(shell $(PYTHON) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print(" ".join(p["dependencies"] + p["optional-dependencies"]["dev"]))')

.PHONY: generate test lint typecheck golden pytest check-docs check-docs-sdk record bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing the pinned dependencies of pyproject.toml into $(VENV)"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check $(DEPS)
	@rm -f $(VENV)/.installed-* && touch $@

generate: $(STAMP)
	@$(BIN)/python -m generator generate

test: lint typecheck golden pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check generator tests

typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy --python-version 3.10 $(PACKAGES)

golden: $(STAMP)
	$(BIN)/python -m generator generate --check --strict

pytest: $(STAMP)
	$(BIN)/pytest -q

# Compare the specs with the vendor pages saved beside them (README: "When a vendor changes
# its docs"), and with the official SDKs installed here (`make check-docs-sdk` installs
# them; an SDK that is not installed is skipped with one line). Exit 1 on drift, 2 on a
# page that cannot be read.
check-docs: $(STAMP)
	@$(BIN)/python -m generator docs check

# Re-record the contract cassettes against the real service (needs real credentials).
record: $(STAMP)
	TTS_SDKGEN_RECORD=1 $(BIN)/pytest -q tests/contract -o addopts="" --record-mode=rewrite

# Benchmarks (tests/bench/): generation and client speed side by side with the peers and
# the official SDKs, which the `bench` extra of pyproject.toml installs here (and only
# here). Writes docs/bench/ (results.md, the plots, the measurements). About 20 minutes.
BENCH_DEPS = $(shell $(PYTHON) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print(" ".join(p["optional-dependencies"]["bench"]))')
BENCH_STAMP := $(VENV)/.bench-$(shell cksum < pyproject.toml | cut -d' ' -f1)

$(BENCH_STAMP): $(STAMP)
	@echo "installing the bench extra of pyproject.toml into $(VENV)"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check $(BENCH_DEPS)
	@rm -f $(VENV)/.bench-* && touch $@

bench: $(BENCH_STAMP)
	$(BIN)/python -m tests.bench

# check-docs with the official SDKs of the bench extra installed: every spec is compared
# with its SDK's model classes too.
check-docs-sdk: $(BENCH_STAMP)
	@$(BIN)/python -m generator docs check

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
