# Tongban: two commands on a fresh machine — `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
export PATH := $(CURDIR)/$(BIN):$(PATH)
export TONGBAN_VAR_DIR ?= $(CURDIR)/var
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
DEMO_DB ?= $(TONGBAN_VAR_DIR)/demo.sqlite3

.PHONY: demo test lint bench install system-deps system-deps-bench system-deps-pdf frontend messages pg serve clean help screenshots

help:
	@echo "make demo   build the demo city on SQLite and serve it on http://127.0.0.1:8000"
	@echo "make test   lint and the whole suite on PostgreSQL, browser tests and the SQLite demo path"
	@echo "make bench  benchmarks (ratios against a baseline measured in the same run); BENCH=register runs one"
	@echo "make lint   ruff, mypy (services and selectors), import-linter"

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 (python3.11 not found): install it, e.g. apt-get install python3.11 python3.11-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Reinstall whenever the lock file changes.
$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $@

install: $(VENV)/.installed frontend messages

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "需要 Node.js 和 npm (npm not found): apt-get install nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend: node_modules/.installed

messages: $(VENV)/.installed
	@$(MAKE) --no-print-directory system-deps-gettext
	cd src/tongban && $(CURDIR)/$(BIN)/tongban compilemessages -v0

# Install the Debian packages named in $$missing (as root, through sudo, or say what to run).
APT_INSTALL = if [ -n "$$missing" ]; then \
	  echo "安装系统软件包 (installing Debian packages):$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null \
	    || { echo "无法安装$$missing (could not install$$missing): run apt-get install$$missing as root"; exit 1; }; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null \
	    || { echo "无法安装$$missing (could not install$$missing)"; exit 1; }; \
	  else echo "缺少系统软件包$$missing (missing Debian packages): run sudo apt-get install$$missing"; exit 1; fi; \
	fi

# Debian packages: fonts for Chinese rendering, Chromium for browser tests, poppler for PDF checks,
# Pango for WeasyPrint's PDFs, libmagic to tell what an upload really is.
APT_PKGS := chromium fonts-noto-cjk poppler-utils gettext
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	ldconfig -p 2>/dev/null | grep -q libmagic.so.1 || missing="$$missing libmagic1"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	$(APT_INSTALL)

# The benches' load generator (bench_verify_http drives gunicorn with wrk).
system-deps-bench:
	@missing=""; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	$(APT_INSTALL)

# What the demo needs besides Python: PDFs (WeasyPrint: Pango; Chinese: Noto CJK) and upload sniffing
# (libmagic), without the browser.
system-deps-pdf:
	@missing=""; \
	ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	ldconfig -p 2>/dev/null | grep -q libmagic.so.1 || missing="$$missing libmagic1"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	$(APT_INSTALL)

system-deps-gettext:
	@command -v msgfmt >/dev/null || $(MAKE) --no-print-directory system-deps

pg:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  echo "PostgreSQL is down; starting the cluster"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }
	@pg_isready -h 127.0.0.1 -p 5432 >/dev/null || { echo "PostgreSQL not reachable on 127.0.0.1:5432"; exit 1; }

lint: $(VENV)/.installed
	$(BIN)/ruff check src bench tools
	$(BIN)/ruff format --check src bench tools
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
# models and migrations agree (checked against an empty throwaway SQLite: nothing is migrated)
	DATABASE_URL=sqlite:////tmp/tongban-makemigrations-check.sqlite3 $(BIN)/tongban makemigrations --check --dry-run -v1

test: install system-deps pg lint
	DATABASE_URL=$(PG_URL) TEST_DATABASE_NAME=tongban_test_$$(date +%s)_$$$$ \
	  DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest $(PYTEST_ARGS)

demo: install system-deps-pdf
	@mkdir -p $(TONGBAN_VAR_DIR)
	DATABASE_URL=sqlite:///$(DEMO_DB) $(BIN)/tongban migrate -v0
	DATABASE_URL=sqlite:///$(DEMO_DB) $(BIN)/tongban demo
	DATABASE_URL=sqlite:///$(DEMO_DB) $(BIN)/tongban runserver 127.0.0.1:8000

# BENCH_REGISTER_KEEP=1 keeps the benches' databases for the next run: the 1,000,000-person register (about 15 GB)
# and bench_cases' 1,000,000 cases (about 4 GB).
bench: install pg system-deps-bench
	DATABASE_URL=$(PG_URL) $(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache

screenshots: install system-deps
	$(BIN)/python tools/screenshots.py
