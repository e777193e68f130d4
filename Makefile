# The two set-up commands are `make run` and `make test`; the rest are their parts.
PYTHON ?= python3
VENV := .venv
PORT ?= 5000
FLASK := $(VENV)/bin/flask --app campaigns
DEV := FLASK_DEBUG=1

.PHONY: install run serve test test-postgres lint chromium axe migrate demo bench bench-export messages

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(DEV) $(FLASK) db upgrade

demo: migrate
	$(DEV) $(FLASK) demo

# Development server on 127.0.0.1:$(PORT) with a mail worker beside it; Ctrl-C stops both.
run: demo
	@echo "Serving on http://127.0.0.1:$(PORT) - local mailbox at http://127.0.0.1:$(PORT)/_mailbox/"
	$(DEV) $(FLASK) mail-worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	CAMPAIGNS_SERVER_NAME=127.0.0.1:$(PORT) $(DEV) $(FLASK) run --host 127.0.0.1 --port $(PORT) --no-reload

# Production: gunicorn with gunicorn.conf.py (127.0.0.1:8000; GUNICORN_WORKERS=...).
# Run `make migrate`-style upgrades first: $(VENV)/bin/flask --app campaigns db upgrade
serve: install
	$(VENV)/bin/gunicorn -c gunicorn.conf.py campaigns.wsgi:app

# The benchmark: SQLite and PostgreSQL, about 15 minutes; see bench/README.md.
bench: install
	.ci/with-postgres $(VENV)/bin/python bench/run.py

# The browser tests drive Debian's Chromium; install it when we can, never skip them.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "The browser tests need Debian's 'chromium' package: sudo apt-get install chromium"; exit 1; \
	  fi; \
	fi

# axe-core, which the browser tests inject into pages, comes from npm and is not committed.
AXE := .cache/axe-core/node_modules/axe-core/axe.min.js
$(AXE):
	@command -v npm >/dev/null || { echo "Fetching axe-core for the browser tests needs npm: sudo apt-get install npm"; exit 1; }
	npm install --silent --no-audit --no-fund --prefix .cache/axe-core axe-core@4

axe: $(AXE)

test: install chromium axe
	$(VENV)/bin/python -m pytest

# The same suite on a throw-away PostgreSQL cluster (needs Debian's postgresql package).
test-postgres: install chromium
	.ci/with-postgres $(VENV)/bin/python -m pytest

# Measure the CSV export of 1,000,000 signatures (see bench/README.md).
bench-export: install
	$(VENV)/bin/python bench/export_bench.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Extract every translatable string into campaigns/translations/messages.pot.
messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o campaigns/translations/messages.pot .
