# The few commands a person needs. `make run` and `make test` set everything up
# themselves and are safe to run again: each step runs only when its inputs change.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Stamps record that the installed packages match the requirement and lock files.
PIP_STAMP := $(VENV)/.requirements-installed
NPM_STAMP := node_modules/.package-lock-installed
RUFF ?= $(VENV)/bin/ruff
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k incidents -x"`.
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help setup run test lint bench

help:
	@echo "make run    set up, migrate, load the demo organisation, serve http://127.0.0.1:8000 with a background worker"
	@echo "make test   set up, then ruff, Django checks, migrations check and the whole pytest suite (browser tests too)"
	@echo "make lint   ruff check and ruff format --check"
	@echo "make setup  create .venv and install the Python and npm packages (only what changed)"
	@echo "make bench  benchmarks (not part of make test): pages with 20,000 incidents, alert latency"

setup: $(PIP_STAMP) $(NPM_STAMP)

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or later is needed: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)

$(PIP_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

# Kept in the repository; made only if someone deletes it.
package-lock.json:
	npm install --package-lock-only --no-audit --no-fund

$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed (Node.js 18 or later)"; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

run: setup
	DJANGO_SETTINGS_MODULE=config.settings.dev scripts/run.sh

test: setup
	$(RUFF) check .
	$(RUFF) format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test DJANGO_ALLOW_ASYNC_UNSAFE=1 $(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(RUFF) check .
	$(RUFF) format --check .

# Benchmarks, not part of `make test`: numbers go in docs/performance.md.
bench: setup
	$(PY) bench/run_bench.py
	$(PY) bench/alert_latency.py
