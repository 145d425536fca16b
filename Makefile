# Crossdock: `make run` serves everything with demo data; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export CROSSDOCK_DATA_DIR ?= $(CURDIR)/data
export CROSSDOCK_HOST ?= 127.0.0.1
export CROSSDOCK_PORT ?= 8000

.PHONY: run test install lint types contracts migrations-check pytest bench clean

$(BIN)/crossdock: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(BIN)/crossdock

install: $(BIN)/crossdock

run: install
	$(BIN)/crossdock migrate
	$(BIN)/crossdock demo --first-start
	$(BIN)/crossdock serve --host $(CROSSDOCK_HOST) --port $(CROSSDOCK_PORT)

lint: install
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench

types: install
	$(BIN)/mypy src tests bench

contracts: install
	$(BIN)/lint-imports

migrations-check: install
	CROSSDOCK_DATA_DIR=$$(mktemp -d) $(BIN)/crossdock manage makemigrations --check --dry-run

pytest: install
	CROSSDOCK_DATA_DIR=$$(mktemp -d) $(BIN)/pytest $(PYTEST_ARGS)

test: lint types contracts migrations-check pytest

bench: install
	CROSSDOCK_DATA_DIR=$$(mktemp -d) $(BIN)/python -m bench

clean:
	rm -rf $(VENV) data .mypy_cache .ruff_cache
