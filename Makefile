# Bilten — the two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/bin/uv
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never

.PHONY: run install install-dev test test-sqlite test-python-path test-fast lint format bench clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==0.13.8

install: $(UV)
	$(UV) sync --frozen --quiet

install-dev: $(UV)
	$(UV) sync --frozen --quiet --extra dev

## make run: install, migrate, load the demo data, start the site and the worker.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	scripts/run.sh

## make test: install the dev extras and run the whole test suite.
test: install-dev
	$(PY) -m pytest

## make test-sqlite: the non-browser suite on the embedded default (SQLite, no Redis).
test-sqlite: install-dev
	env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest -m "not browser and not process" -q

## make test-python-path: the non-browser suite with the PostgreSQL functions switched off.
test-python-path: install-dev
	COMMERCE_SQL_CORE=off $(PY) -m pytest -m "not browser and not process" -q

test-fast: install-dev
	$(PY) -m pytest -m "not browser and not process" -x -q

## make bench: the on-sale figures of docs/performance.md (needs PostgreSQL and Redis).
bench: install
	bench/run.sh

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check templates
	$(VENV)/bin/lint-imports

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml templates

clean:
	rm -rf $(VENV) .tools var db.sqlite3
