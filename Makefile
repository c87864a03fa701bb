# The two commands (see README):  make pipeline   |   make test
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(abspath $(BIN)):$(PATH)
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup pipeline test lint bench bench-against bench-earlier costs mutation quality clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,ray]"
	touch $(STAMP)

setup: $(STAMP)

## Build the dataset on its embedded defaults.
pipeline: $(STAMP)
	$(BIN)/dvc repro verify

## Lint, type-check and run the test suite.
test: $(STAMP) lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests
	$(BIN)/ruff format --check pipeline tests
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m pipeline.bench --total 10000 --total 100000

# Is this checkout slower than commit REV? (make bench-against REV=main~1)
bench-against: $(STAMP)
	$(BIN)/python -m pipeline.bench --total 10000 --against $(REV)

# Issue 17's third criterion: external-mode extract + verify on the earlier version's
# real 10,000-item file, this checkout against commit REV (default 8e19759), side by side:
#   make bench-earlier EARLIER=path/to/earlier-version-10k.jsonl.gz [REV=...]
bench-earlier: $(STAMP)
	@test -n "$(EARLIER)" || { echo "make bench-earlier needs EARLIER=<the earlier version's .jsonl or .jsonl.gz>"; exit 2; }
	$(BIN)/python -m pipeline.bench --against $(or $(REV),8e19759) --external $(EARLIER) --workers 2

costs: $(STAMP)
	$(BIN)/python -m pipeline.costs --total 100000

mutation: $(STAMP)
	$(BIN)/python -m pipeline.quality mutation --core

quality: $(STAMP)
	$(BIN)/dvc repro coverage security

clean:
	rm -rf $(VENV) data mutants
