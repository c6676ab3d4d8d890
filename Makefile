# motcua — the two commands: `make demo` and `make test`. Everything else is a convenience.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/dev.txt pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test e2e lint format check-migrations openapi install lock messages clean

# Reinstalls only when the lock file or pyproject.toml changed, so a second `make demo` starts in seconds.
$(STAMP): requirements/dev.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "motcua needs Python 3.11 or newer (found: $$($(PYTHON) --version))"; exit 1; }
	@test -x $(BIN)/pip || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); } || \
	  { rm -rf $(VENV); echo "Could not create $(VENV): on Debian/Ubuntu install python3-venv first."; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

## Set up everything on the embedded defaults (SQLite, local files) and run web + worker on 127.0.0.1:8000.
demo: $(STAMP)
	$(BIN)/motcua demo

## The whole test suite (without the browser journeys). DATABASE_URL=postgres://… runs it on PostgreSQL.
test: $(STAMP)
	$(BIN)/python -m pytest

## Browser journeys: Playwright driving Debian's Chromium (/usr/bin/chromium) against a live server.
e2e: $(STAMP)
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -m e2e tests/e2e

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run

## Regenerate the pinned lock files from pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes -q -o requirements/base.txt
	uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes -q -o requirements/dev.txt

## Extract new UI strings into motcua/locale (needs GNU gettext), then translate and `motcua translations compile`.
messages: $(STAMP)
	cd motcua && ../$(BIN)/python ../manage.py makemessages -l vi --no-obsolete -i "static/*"

clean:
	rm -rf $(VENV) build *.egg-info
