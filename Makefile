# Two commands on a fresh machine: `make up` and `make test`. Both create .venv and install the
# pinned dependencies on first use. Node/npm is needed only to recompile contracts (`make artifacts`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: up test test-fast lint artifacts check-artifacts bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "zkconnect needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

up: $(STAMP)
	$(BIN)/zkdev up $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(ARGS)

# Everything but the end-to-end tests marked slow, on two workers: under two minutes on an idle machine.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" -n 2 $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check zkconnect scripts tests
	$(BIN)/ruff format --check zkconnect scripts tests
	$(BIN)/mypy

node_modules/.package-lock.json: package.json package-lock.json
	npm ci

artifacts: $(STAMP) node_modules/.package-lock.json
	$(BIN)/python scripts/compile_contracts.py

check-artifacts: $(STAMP) node_modules/.package-lock.json
	$(BIN)/python scripts/check_artifacts.py

bench: $(STAMP)
	$(BIN)/python scripts/bench.py $(ARGS)

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
