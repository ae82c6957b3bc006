# Petition Desk (信访接访台): `make run` serves the demo, `make test` runs the whole suite.
# Needs only python3 and make: the virtual environment is created and filled on first use.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install: pip runs again only when a requirements file is newer.
STAMP := $(VENV)/.requirements-installed
PORT ?= 8000
RUN_SETTINGS ?= petition_desk.settings.local
# The filesystem broker's folders (settings read the same variable; see settings/base.py).
CELERY_DATA_DIR ?= $(CURDIR)/var/celery
PYTEST_ARGS ?=

# `make test` uses pyproject's petition_desk.settings.test, which an exported
# DJANGO_SETTINGS_MODULE would override; `make run` sets its own below.
unexport DJANGO_SETTINGS_MODULE

.PHONY: help venv run test bench bench-workflow bench-search bench-instructions bench-compare lint format clean

help:
	@echo "make run     install if needed, migrate, load the demo data, serve on 127.0.0.1:$(PORT)"
	@echo "             with the Celery workers and beat (Ctrl-C stops them all)"
	@echo "make test    ruff check, ruff format --check, then the whole pytest suite"
	@echo "make bench   seed 1,000,000 petitioners into PostgreSQL (once) and print the speed figures"
	@echo "make bench-workflow   sign-off, forwarding, queue, inbox, sweep and relay on that database (needs Redis)"
	@echo "make bench-search     the staff search, inbox and registration on that database"
	@echo "make bench-instructions  instructions and PostgreSQL CPU per registration, look-up and desk page (valgrind)"
	@echo "make bench-compare BASE=REV  registration throughput of the working tree against REV, in turns"
	@echo "make lint    ruff check and ruff format --check alone"
	@echo "make format  ruff format and ruff check --fix"
	@echo "make venv    create .venv and install the requirements (the other targets do it when needed)"
	@echo "make clean   remove the virtual environment, the broker's folders and collected static files"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements/dev.txt requirements/base.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements/dev.txt
	touch $@

venv: $(STAMP)

run: $(STAMP)
	mkdir -p "$(CELERY_DATA_DIR)/queue" "$(CELERY_DATA_DIR)/processed" "$(CELERY_DATA_DIR)/control"
	export DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) CELERY_DATA_DIR="$(CELERY_DATA_DIR)" \
	  && $(BIN)/python manage.py migrate --noinput \
	  && $(BIN)/python manage.py seed_demo
	@echo
	@echo "  Petition Desk: http://127.0.0.1:$(PORT)/   (health: http://127.0.0.1:$(PORT)/healthz)"
	@echo "  Web, the Celery workers and beat start now; Ctrl-C stops them all."
	@echo
	export DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) CELERY_DATA_DIR="$(CELERY_DATA_DIR)" \
	  PATH="$(CURDIR)/$(BIN):$$PATH" PYTHONUNBUFFERED=1 \
	  && exec $(BIN)/honcho start --procfile Procfile.dev --port $(PORT)

# Every step runs even when an earlier one failed, so CI shows all problems at once. The recipe
# exits with pytest's code when pytest fails (5, "no tests collected", included), else 1 when a
# linter failed; GNU make itself then exits 2.
test: $(STAMP)
	@status=0; \
	echo "+ ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "+ ruff format --check ."; $(BIN)/ruff format --check . || status=1; \
	echo "+ pytest $(PYTEST_ARGS)"; $(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -ne 0 ]; then echo "pytest exited with $$rc" >&2; status=$$rc; fi; \
	exit $$status

# The benchmark's own database: seeded once (about 7 minutes), then reused by every run.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/petition_desk_bench
BENCH_PETITIONERS ?= 1000000

bench: $(STAMP)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/prepare.py --petitioners $(BENCH_PETITIONERS)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/run.py

bench-workflow: $(STAMP)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/prepare.py --petitioners $(BENCH_PETITIONERS)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/workflow.py

# `make bench-search`: the staff search on the million-case database (bench/README.md); ≈ 4 min.
bench-search: $(STAMP)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/prepare.py --petitioners $(BENCH_PETITIONERS)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/search.py

# `make bench-instructions`: counted, not timed (bench/instructions.py); ≈ 4 min, needs valgrind.
bench-instructions: $(STAMP)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/prepare.py --petitioners $(BENCH_PETITIONERS)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/instructions.py

# `make bench-compare BASE=HEAD~2`: the working tree's registration throughput against BASE's,
# measured in turns (bench/compare.py); ≈ 3 min.
BASE ?= HEAD
bench-compare: $(STAMP)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/prepare.py --petitioners $(BENCH_PETITIONERS)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/compare.py $(BASE)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) "$(CELERY_DATA_DIR)" staticfiles
