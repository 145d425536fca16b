# Crossdock: `make run` serves everything with demo data; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export CROSSDOCK_DATA_DIR ?= $(CURDIR)/data
export CROSSDOCK_HOST ?= 127.0.0.1
export CROSSDOCK_PORT ?= 8000
# The sandbox marketplace's pages and shop sign-up (/sandbox/): on for the demo.
export CROSSDOCK_SANDBOX ?= 1

.PHONY: run test install install-run install-dev lint types contracts migrations-check pytest \
	bench soak clean

# `make run` needs only the package; checks and tests also need the dev tools ([dev]).
$(VENV)/.installed-run: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-run
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install-run: $(VENV)/.installed-run

install-dev: $(VENV)/.installed-dev

install: install-dev

run: install-run
	$(BIN)/crossdock migrate
	$(BIN)/crossdock demo --first-start
	$(BIN)/crossdock serve --host $(CROSSDOCK_HOST) --port $(CROSSDOCK_PORT)

lint: install-dev
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench

types: install-dev
	$(BIN)/mypy src tests bench

contracts: install-dev
	$(BIN)/lint-imports

migrations-check: install-dev
	CROSSDOCK_DATA_DIR=$$(mktemp -d) $(BIN)/crossdock manage makemigrations --check --dry-run

pytest: install-dev
	CROSSDOCK_DATA_DIR=$$(mktemp -d) $(BIN)/pytest $(PYTEST_ARGS)

test: lint types contracts migrations-check pytest

# The reliability suites run longer (more orders, more killed workers, more fuzz examples),
# loopback only, bounded in count; each prints its figures.
SOAK_ENV := CROSSDOCK_SOAK_ORDERS=40 CROSSDOCK_SOAK_ROUNDS=12 CROSSDOCK_SOAK_EXAMPLES=60 \
	CROSSDOCK_SOAK_LOAD_ORDERS=100 CROSSDOCK_SOAK_DESK_ORDERS=60 CROSSDOCK_SOAK_DESK_ROUNDS=8 \
	CROSSDOCK_SOAK_SERVER_ORDERS=24 CROSSDOCK_SOAK_SERVER_KILLS=8 \
	CROSSDOCK_SOAK_PULL_ORDERS=450 CROSSDOCK_SOAK_PULL_ROUNDS=10 CROSSDOCK_SOAK_HANG_ORDERS=30

soak: install-dev
	CROSSDOCK_DATA_DIR=$$(mktemp -d) $(SOAK_ENV) $(BIN)/pytest -q -s \
		tests/reliability/test_worker_kills.py tests/reliability/test_shipstation_load.py \
		tests/reliability/test_desk_kills.py tests/reliability/test_schemathesis.py \
		tests/reliability/test_server_kills.py tests/reliability/test_connection_drops.py \
		tests/reliability/test_pull_kills.py tests/reliability/test_channel_hangs.py

# Benchmarks beside their bare baselines (docs/performance.md); BENCH_ARGS="--large" etc.
bench: install-dev
	$(BIN)/crossdock bench --plain-dir bench --json docs/performance.json \
		--doc docs/performance.md $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data .mypy_cache .ruff_cache
