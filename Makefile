# Comptoir — every task a developer, CI or an operator runs. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PORT ?= 8000
export PORT
# Forces pytest's SQLite run onto SQLite whatever DATABASE_URL says.
SQLITE_ENV := env -u DATABASE_URL
PYTEST_ARGS ?=
# `make PYTHON=/path/to/python3.13 …` picks the interpreter for the virtualenv.
ifdef PYTHON
export PYTHON
endif

.PHONY: help run test lint format typecheck migrations-check test-sqlite test-postgres \
        test-browser demo demo-large messages lock install dev-install clean \
        bench bench-quick stress backup openapi

help: ## List every target
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# --- environment ---------------------------------------------------------------

$(PY):
	$(eval FOUND_PYTHON := $(shell tools/find-python 2>/dev/null))
	$(if $(FOUND_PYTHON),,$(error Comptoir needs Python >= 3.12 and none was found: install one or set PYTHON=/path/to/python3.12+))
	@echo "Creating $(VENV) with $(FOUND_PYTHON)"
	@"$(FOUND_PYTHON)" -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements/base.txt
	@touch $@

$(VENV)/.dev-installed: requirements/base.txt requirements/dev.txt | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements/base.txt -r requirements/dev.txt
	@touch $@ $(VENV)/.base-installed

install: $(VENV)/.base-installed ## Create the virtualenv with the pinned runtime dependencies

dev-install: $(VENV)/.dev-installed ## Same, plus test and lint tooling

lock: | $(VENV)/.dev-installed ## Re-pin requirements/*.txt (with hashes) from requirements/*.in
	cd requirements && ../$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o base.txt base.in
	cd requirements && ../$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o dev.txt dev.in

# --- running -------------------------------------------------------------------

run: $(VENV)/.base-installed ## Migrate, load the demo city if empty, serve on http://127.0.0.1:$PORT with the task worker
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_city --if-empty
	$(MANAGE) collectstatic --noinput --verbosity 0
	exec $(MANAGE) serve --port $(PORT)

demo: $(VENV)/.base-installed ## (Re)generate the demo city of Rouen from scratch
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_city --reset

demo-large: $(VENV)/.base-installed ## Benchmark-sized city: 1,600 shops x 60 products
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_city --reset --shops 1600 --products-per-shop 60

backup: $(VENV)/.base-installed ## Back up the database and photos into var/backups (keeps the 14 newest)
	$(MANAGE) backup --media --keep 14

# --- benchmarks ----------------------------------------------------------------

BENCH_MODULES = $(patsubst %.py,%,$(subst /,.,$(filter-out bench/__init__.py bench/harness.py,$(wildcard bench/*.py))))

bench: $(VENV)/.dev-installed ## Every benchmark (bench/*.py) at full size; figures go in docs/benchmarks.md
	@started=$$(date +%s); for module in $(BENCH_MODULES); do echo "== $$module =="; \
	  begun=$$(date +%s); $(PY) -m $$module; echo "($$module: $$(( $$(date +%s) - begun )) s)"; done; \
	  echo "(make bench: $$(( $$(date +%s) - started )) s in all)"

bench-quick: $(VENV)/.dev-installed ## Every benchmark, small and fast (--quick)
	@started=$$(date +%s); for module in $(BENCH_MODULES); do echo "== $$module =="; \
	  begun=$$(date +%s); $(PY) -m $$module --quick; echo "($$module: $$(( $$(date +%s) - begun )) s)"; done; \
	  echo "(make bench-quick: $$(( $$(date +%s) - started )) s in all)"

# --- quality gates -------------------------------------------------------------

STRESS_TESTS := tests/reliability/test_crash.py tests/reliability/test_fuzz_forms.py tests/reliability/test_api_schemathesis.py
STRESS_ENV := STRESS_KILLS=20 FUZZ_EXAMPLES=100 SCHEMATHESIS_EXAMPLES=50 SCHEMATHESIS_MAX_TIME=600

stress: $(VENV)/.dev-installed ## The long runs: 20 kill -9 under load, 100 fuzz examples per form, a long schemathesis; SQLite then PostgreSQL
	$(STRESS_ENV) $(SQLITE_ENV) $(VENV)/bin/pytest -s $(STRESS_TESTS) $(PYTEST_ARGS)
	@url=$$(VENV_PYTHON=$(PY) tools/postgres-url) || { echo "PostgreSQL not reachable: skipped."; exit 0; }; \
	$(STRESS_ENV) DATABASE_URL=$$url $(VENV)/bin/pytest -s $(STRESS_TESTS) $(PYTEST_ARGS)

test: $(VENV)/.dev-installed lint typecheck migrations-check test-sqlite test-postgres ## Lint, type-check, migrations check, then the suite on SQLite and PostgreSQL

lint: $(VENV)/.dev-installed ## ruff lint + format check, bandit security scan
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -q -c pyproject.toml -r comptoir

format: $(VENV)/.dev-installed ## Apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: $(VENV)/.dev-installed ## mypy with django-stubs
	$(VENV)/bin/mypy .

migrations-check: $(VENV)/.dev-installed ## Fail if a model change lacks its migration
	$(SQLITE_ENV) $(MANAGE) makemigrations --check --dry-run

test-sqlite: $(VENV)/.dev-installed ## The pytest suite on SQLite
	@echo "== pytest on SQLite =="
	$(SQLITE_ENV) $(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.dev-installed ## The pytest suite on PostgreSQL (DATABASE_URL or 127.0.0.1:5432)
	@url=$$(VENV_PYTHON=$(PY) tools/postgres-url) || { \
	  if [ "$${CI:-}" = "true" ]; then echo "PostgreSQL is required under CI=true and none is reachable." >&2; exit 1; fi; \
	  echo "PostgreSQL not reachable (DATABASE_URL or 127.0.0.1:5432): PostgreSQL tests skipped."; exit 0; }; \
	echo "== pytest on PostgreSQL ($$url) =="; \
	DATABASE_URL=$$url $(VENV)/bin/pytest $(PYTEST_ARGS)

test-browser: $(VENV)/.dev-installed ## Only the Chromium browser tests (SQLite)
	$(SQLITE_ENV) $(VENV)/bin/pytest -m browser $(PYTEST_ARGS)

openapi: $(VENV)/.base-installed ## Rewrite docs/api/openapi.json from the API (commit it with the API change)
	$(SQLITE_ENV) $(MANAGE) openapi_export

messages: $(VENV)/.dev-installed ## Extract translatable strings into the .po files and compile them (needs gettext)
	$(MANAGE) makemessages --locale fr --locale en --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --no-obsolete
	$(MANAGE) compilemessages --ignore '.venv/*'

clean: ## Remove the virtualenv, caches and the local database (keeps nothing)
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache .hypothesis
