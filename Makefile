# Kakehashi: `make serve` and `make test` do all the set-up on a fresh machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export KAKEHASHI_HOST ?= 127.0.0.1
export KAKEHASHI_PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve shell test lint install install-test system-test-packages compile-ui init bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch is pinned (through pyproject) to the CPU build on this machine's disk; see README.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,postgres]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# msgfmt (gettext) checks catalogs, Chromium runs the browser test, PostgreSQL the store tests,
# redis-server the queue's Redis tests, wrk the benchmarks' short run in test_bench_hermetic.
# Installed with apt-get only when missing.
system-test-packages:
	@missing=""; command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	if [ -n "$$missing" ]; then echo "Installing$$missing with apt-get"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

compile-ui:
	$(BIN)/kakehashi i18n compile

init: install compile-ui
	$(BIN)/kakehashi init

# The web server and one translation worker together (Procfile, run by honcho); Ctrl-C stops both.
serve: init
	$(BIN)/honcho --procfile Procfile start

# A shell with .venv/bin first on PATH, so `kakehashi ...` works as typed; `exit` leaves it.
shell: install
	@echo "kakehashi is on PATH in this shell (.venv/bin); type exit to leave it."
	@PATH="$(CURDIR)/$(BIN):$$PATH" VIRTUAL_ENV="$(CURDIR)/$(VENV)" $${SHELL:-/bin/sh}

# ruff (lint, banned imports), import-linter (layers) and mypy; config in pyproject.toml.
lint: install-test
	$(BIN)/ruff check service tests benchmarks gunicorn.conf.py
	$(BIN)/lint-imports
	$(BIN)/mypy

test: install-test system-test-packages lint
	$(BIN)/kakehashi i18n compile
	$(BIN)/python -m pytest

# Each benchmark creates its own store, models, queue and catalogs under /tmp and prints it
# (`store: …`); the shell's KAKEHASHI_* settings never reach them (benchmarks/scratch.py).
bench: install-test compile-ui
	@command -v wrk >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk)
	@echo "make bench: stores are created per run under $${TMPDIR:-/tmp}; KAKEHASHI_* from this shell are not used"
	$(BIN)/python benchmarks/serve.py
	$(BIN)/python benchmarks/mt.py

clean:
	rm -rf $(VENV) instance .pytest_cache
