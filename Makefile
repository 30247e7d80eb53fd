# つながりサポーター — one self-documenting Makefile. `make` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
MANAGE := $(PY) manage.py
# lms/wsgi.py, lms/asgi.py and lms/celery.py default to production settings; `make worker` / `make beat` choose
# development explicitly unless DJANGO_SETTINGS_MODULE is set (manage.py defaults to development itself; tests use
# lms.settings.test from pyproject.toml).
CELERY := DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-lms.settings.dev} $(VENV)/bin/celery
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages the platform needs beyond Python (STACK-NOTES.md): Japanese fonts for PDFs and HarfBuzz's
# subsetter, without which WeasyPrint is silently 5-60x slower; gettext (xgettext, msgmerge, msgfmt) for
# `manage.py update_catalogue` and the catalogue check in the suite (tests/test_catalogue.py).
SYSTEM_PACKAGES := fonts-morisawa-bizud-gothic fonts-morisawa-bizud-mincho fonts-noto-cjk libharfbuzz-subset0 gettext
BROWSER_PACKAGES := chromium
# The HTTP load benchmark (tests/bench/bench_70_http.py) drives gunicorn with wrk.
BENCH_PACKAGES := wrk
# `make prod-local`: Debian's PostgreSQL and Redis (and their clients, used to start and check them).
PROD_LOCAL_PACKAGES := postgresql postgresql-client redis-server redis-tools

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

$(PY):
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 が必要です（$(PYTHON) が見つかりません）。PYTHON=/path/to/python3.11 で指定できます。"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[dev]"
	@touch $(VENV)/.installed $@

.PHONY: install
install: $(VENV)/.installed system-deps ## Create .venv and install the runtime dependencies

.PHONY: install-dev
install-dev: $(VENV)/.installed-dev system-deps browser-deps ## Create .venv and install runtime + dev dependencies

.PHONY: system-deps
system-deps: ## Install Japanese fonts, HarfBuzz subsetting and gettext (apt, as root) or say what is missing
	@bash scripts/ensure-system-packages.sh $(SYSTEM_PACKAGES)

.PHONY: browser-deps
browser-deps: ## Install Debian's chromium for the browser tests (apt, as root) or say what is missing
	@bash scripts/ensure-system-packages.sh $(BROWSER_PACKAGES)

.PHONY: setup
setup: install ## Migrate and load regions, course and demo data, build the search index (idempotent)
	$(MANAGE) migrate --noinput
	$(MANAGE) load_regions
	$(MANAGE) seed_site
	$(MANAGE) seed_course
	$(MANAGE) seed_demo
	$(MANAGE) rebuild_search_index

.PHONY: run
run: setup ## Set everything up and serve http://127.0.0.1:8000 (SQLite, eager Celery, e-mail to the console)
	@echo "http://$(HOST):$(PORT)/ で起動します（停止は Ctrl+C）。予約公開は run_scheduled_jobs が毎分実行します。"
	@trap 'kill $$scheduler 2>/dev/null' EXIT; \
	$(MANAGE) run_scheduled_jobs & scheduler=$$!; \
	$(MANAGE) runserver $(HOST):$(PORT)

.PHONY: prod-local
prod-local: install system-deps ## The production shape on this machine: gunicorn + Celery worker + beat on PostgreSQL and Redis (Ctrl+C stops all)
	@bash scripts/ensure-system-packages.sh $(PROD_LOCAL_PACKAGES)
	@bash scripts/prod-local.sh

.PHONY: test
test: install-dev ## Install dev dependencies and run the whole suite (DATABASE_URL / REDIS_URL select real services)
	$(PY) -m pytest --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

.PHONY: lint
lint: install-dev ## ruff, and a check that migrations match the models
	$(VENV)/bin/ruff check .
	$(MANAGE) makemigrations --check --dry-run

.PHONY: messages
messages: install ## Update the project's Japanese catalogue (lms/locale/ja) from the code and compile it
	$(MANAGE) update_catalogue

.PHONY: bench
bench: install-dev ## Benchmarks: prints one JSON object of figures (BENCH_ONLY=http,search runs only those)
	@bash scripts/ensure-system-packages.sh $(BENCH_PACKAGES)
	@$(PY) -m tests.bench

.PHONY: worker
worker: install ## Run a Celery worker (needs REDIS_URL)
	$(CELERY) -A lms worker -l info

.PHONY: beat
beat: install ## Run Celery beat (needs REDIS_URL): scheduled publishing every minute, reminders
	$(CELERY) -A lms beat -l info

.PHONY: clean
clean: ## Remove the virtualenv, the SQLite database and collected files
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm static media
