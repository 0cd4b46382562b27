# Agora: `make run` serves the site, `make test` runs the whole suite. Both start from a bare clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# pyenv (and most systems) provide python3.12; PYTHON overrides.
PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: help run test lint check-python serve-setup lock clean backup restore resilience bench

help:
	@echo "make run    install, migrate, load the seed and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   run the whole test suite (SQLite; DATABASE_URL selects PostgreSQL); npm ci for axe-core"
	@echo "make lint   ruff, lint-imports (the layer order), manage.py check, makemigrations --check"
	@echo "make backup / make restore FILE=...   PostgreSQL dump and media archive"
	@echo "make bench  performance at 100,000 commentaries, into docs/performance.md"

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null || { \
	  echo "Agora needs Python 3.12 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)." >&2; \
	  echo "Install Python 3.12 (for example 'pyenv install 3.12') or run: make PYTHON=/path/to/python3.12 ..." >&2; \
	  exit 1; }

# The venv is rebuilt when the lock changes; the stamp file records a complete install.
$(BIN)/.installed: requirements-dev.lock | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	@touch $@

$(VENV): $(BIN)/.installed

# The Site gets the address `make run` serves on: page URLs in emails, citations and canonical
# links come from it.
serve-setup: $(BIN)/.installed
	$(MANAGE) migrate --no-input
	$(MANAGE) load_seed
	$(MANAGE) configure_site $(RUN_URL)
	$(MANAGE) collectstatic --no-input --verbosity 0

# The scheduler worker (scheduled publishing and expiry) runs beside the web server and stops
# with it. Both send notification emails, whose admin links start with WAGTAILADMIN_BASE_URL
# (this address unless the environment sets another).
RUN_URL = http://127.0.0.1:$(PORT)
run: serve-setup
	@$(MANAGE) dev_logins --url $(RUN_URL)
	@export WAGTAILADMIN_BASE_URL="$${WAGTAILADMIN_BASE_URL:-$(RUN_URL)}"; \
	$(MANAGE) run_scheduler --interval 15 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# Test tools from the npm registry, pinned in package-lock.json: axe-core, which the browser
# tests inject into pages. The site itself never runs Node.
node_modules/.package-lock.json: package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the accessibility browser tests need it (apt-get install npm)" >&2; fi

# pytest exits 5 when it collected no test: that is a failure, not a pass.
test: $(BIN)/.installed node_modules/.package-lock.json
	@$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest ran no test: failing" >&2; exit 1; fi; exit $$rc

lint: $(BIN)/.installed
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

# PostgreSQL backups: pg_dump custom format plus a media archive (scripts/backup.sh).
backup:
	@scripts/backup.sh

restore:
	@scripts/restore.sh "$(FILE)"

# Production stack under load while PostgreSQL, Redis and the scheduler fail (needs root).
resilience: $(BIN)/.installed
	$(BIN)/python scripts/resilience.py

# The site at scale (100,000 commentaries) against the framework's floor, Varnish and nginx;
# writes docs/performance.md. Needs PostgreSQL, Redis, wrk, varnish, nginx. Not part of CI.
bench: $(BIN)/.installed
	$(BIN)/python scripts/bench.py

# Regenerates the pinned locks from pyproject.toml in throwaway venvs.
lock: check-python
	rm -rf /tmp/agora-lock && $(PYTHON) -m venv /tmp/agora-lock
	/tmp/agora-lock/bin/pip install --quiet --upgrade pip
	/tmp/agora-lock/bin/python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > /tmp/agora-lock/deps.txt
	/tmp/agora-lock/bin/pip install --quiet -r /tmp/agora-lock/deps.txt
	/tmp/agora-lock/bin/pip freeze > requirements.lock
	/tmp/agora-lock/bin/pip install --quiet --group dev
	/tmp/agora-lock/bin/pip freeze > requirements-dev.lock

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
