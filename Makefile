# SmartRegion: `make run` sets up and starts the demo, `make test` sets up and runs every test.
# Each setup step is a stamp file that only reruns when its inputs change, so repeated runs are fast.

PYTHON ?= python3
PORT ?= 8000
# The public address in every absolute link (mails, open data); it follows PORT unless given.
SITE_URL ?= http://127.0.0.1:$(PORT)
# Django's debug pages only when asked for: make run DEBUG=1
DEBUG ?= 0
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: run test lint format assets messages build worker bench clean help openapi

help:
	@echo "make run    set up and start the platform with the MYK demo data (http://127.0.0.1:$(PORT))"
	@echo "make test   set up and run the whole test suite (SQLite; DATABASE_URL for PostgreSQL)"
	@echo "make lint   ruff, mypy, reuse lint (licence of every file) and the migrations check"
	@echo "make worker run the background task worker (for TASK_BACKEND=database)"
	@echo "make build  what a production server needs: runtime packages, assets, translations"

$(VENV)/.runtime: requirements/base.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required.")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/base.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements/dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

build/static/.built: node_modules/.installed scripts/build_assets.mjs
	npm run --silent build
	touch $@

assets: build/static/.built

# .mo files are built, not committed; Babel compiles them so that no gettext install is needed.
messages: $(VENV)/.runtime
	$(PY) scripts/compile_messages.py

# A production server (README, "Running in production"): no test tools, everything the site serves.
build: $(VENV)/.runtime assets messages

run: $(VENV)/.dev assets messages
	mkdir -p var
	$(PY) manage.py migrate --noinput
	SITE_URL=$(SITE_URL) $(PY) manage.py seed_demo --if-empty
	SITE_URL=$(SITE_URL) DEBUG=$(DEBUG) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.dev assets messages
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/reuse lint --quiet
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

# The API's OpenAPI schema is committed; tests/api/test_schema.py fails when it drifts from the code.
openapi: $(VENV)/.dev
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py export_openapi_schema \
		--api smartregion.api.main.api --output docs/api/openapi.json --indent 2 --sorted

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: $(VENV)/.runtime
	SITE_URL=$(SITE_URL) $(PY) manage.py db_worker --queue-name "*" --interval 0.2

clean:
	rm -rf $(VENV) node_modules build var/static
