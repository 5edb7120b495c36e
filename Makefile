# KAM — the two commands are `make run` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
HOST ?= 127.0.0.1
PORT ?= 8000

# The first Python on PATH that is 3.12 or newer (Django 6.1 needs it). pyenv machines pick 3.12.1
# through .python-version.
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python; do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	  && { command -v $$p; break; }; done)

# What `make run` uses: a local SQLite database, debug pages, demo logins on the login page.
RUN_ENV := DEBUG=1 KAM_DEMO_MODE=1

.PHONY: help run test lint format bench assets install install-test messages check-python clean \
	backup restore mutation

help:
	@echo "make run     install, migrate, load demo data once and serve http://$(HOST):$(PORT)"
	@echo "make test    install test tools, lint and run the whole test suite"
	@echo "make bench   run the benchmarks in tests/perf (needs PostgreSQL, see README)"
	@echo "make mutation  mutation-test scoring/engine.py with mutmut and print its score"
	@echo "make lint    ruff, import contracts and djLint;  make format  reformat the code and the templates"
	@echo "make messages  refresh and compile the zh-hans translation catalogue"
	@echo "make backup  back up the database (DATABASE_URL, or db.sqlite3) into $(BACKUP_DIR)/"
	@echo "make restore BACKUP=file  restore a backup into an empty database (REPLACE=1: over one)"

check-python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "KAM needs Python 3.12 or newer (Django 6.1 requires it), and none was found on PATH."; \
	  echo "Install Python 3.12+ (e.g. 'pyenv install 3.12' — .python-version selects it) and retry."; \
	  exit 1; fi

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMPS)/install: pyproject.toml | $(BIN)/python
	@mkdir -p $(STAMPS)
	$(BIN)/pip install --quiet -e .
	@touch $@

$(STAMPS)/install-test: pyproject.toml | $(BIN)/python
	@mkdir -p $(STAMPS)
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(STAMPS)/install

# Bootstrap and Bootstrap Icons, pinned with integrity hashes in package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to fetch the front-end assets."; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

install: $(STAMPS)/install
install-test: $(STAMPS)/install-test
assets: node_modules/.package-lock.json

run: install assets
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py seed_demo --if-empty
	@echo ""
	@echo "  KAM is starting on http://$(HOST):$(PORT)  (demo logins are on the login page)"
	@echo ""
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/djlint templates --lint
	$(BIN)/djlint templates --check

# djLint exits 1 when it changed a file, and a few files settle only on a second pass: reformat
# until a pass changes nothing, then the check confirms it.
format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat --quiet || $(BIN)/djlint templates --reformat --quiet \
	  || $(BIN)/djlint templates --check --quiet

# pytest exits 5 when it collects nothing; make treats any non-zero exit as a failure.
test: install-test assets lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmarks need PostgreSQL; the first run seeds 100,000 demo accounts into kam_bench (minutes).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kam_bench
# The upload-memory bench measures a real gunicorn and a real Celery worker, so it needs Redis.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/0
bench: install-test assets
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(BIN)/python -m pytest tests/perf \
	  --ignore=tests/perf/test_upload_memory.py -p no:cacheprovider -s -q --timeout=3600 $(PYTEST_ARGS)
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(BENCH_REDIS_URL)} \
	  $(BIN)/python -m pytest tests/perf/test_upload_memory.py -p no:cacheprovider -s -q \
	  --timeout=3600 $(PYTEST_ARGS)

# Mutation testing of the pure engine, scoring/engine.py, by its own tests (pyproject.toml,
# [tool.mutmut]); not part of `make test`. A fresh run each time, so the score is today's.
MUTATION_CHILDREN ?= 1
mutation: install-test
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(MUTATION_CHILDREN)
	$(BIN)/python tests/scoring/mutation_score.py

messages: install-test
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=tests
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

# Backups (README, "Backup and restore"): the database as DATABASE_URL names it, or make run's
# db.sqlite3 without it. SECRET_KEY is never in a backup: keep it apart.
BACKUP_DIR ?= backups
backup: install
	$(BIN)/python manage.py backup --dir $(BACKUP_DIR)

restore: install
	@if [ -z "$(BACKUP)" ]; then echo "Name the backup file: make restore BACKUP=path/to/file"; exit 2; fi
	$(BIN)/python manage.py restore "$(BACKUP)" $(if $(filter 1,$(REPLACE)),--replace)

clean:
	rm -rf $(VENV) $(STAMPS) node_modules staticfiles mutants
