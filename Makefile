# The newcomer's path: `make run` and `make test` are all the set-up a fresh machine needs.
PYTHON ?= python3
UV_VERSION := 0.13.8
VENV := .venv
UV := $(VENV)/bin/uv
KEFU := $(VENV)/bin/kefu
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
# The browser tests drive Debian's Chromium, with CJK fonts so pages render as users see them.
CHROMIUM := /usr/bin/chromium
# `make run PORT=8123` (or KEFU_PORT=8123 make run) serves on another port.
KEFU_PORT ?= 8000
PORT ?= $(KEFU_PORT)
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: install run test bench lint demo clean

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The catalogues are compiled only when a .po changed, so runs side by side (CI runs the
# suite on SQLite and on PostgreSQL at once) never read a .mo while another writes it.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard kefu/locale/*/LC_MESSAGES/django.po))

install: $(UV) $(CATALOGUES)
	$(UV) sync --frozen --quiet

%.mo: %.po | $(UV)
	$(UV) sync --frozen --quiet
	$(VENV)/bin/pybabel --quiet compile --input-file $< --output-file $@

# The port is checked first: a taken port is said at once, not after loading the demo.
run: install
	$(KEFU) serve --port $(PORT) --check-port
	$(KEFU) migrate --no-input
	$(KEFU) demo --if-empty
	$(KEFU) serve --port $(PORT)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk

test: install $(CHROMIUM)
	$(VENV)/bin/pytest

# Each benchmark prints one JSON report and removes its data when it ends; with
# --database-url (an empty PostgreSQL database, emptied again afterwards) it runs there.
# bench/workforce.py times its peer (pyworkforce) in a throw-away environment of uv's.
bench: install
	$(VENV)/bin/python bench/api.py
	$(VENV)/bin/python bench/tickets.py
	$(VENV)/bin/python bench/ticket_search.py
	$(VENV)/bin/python bench/pages.py
	$(VENV)/bin/python bench/kb_search.py
	$(VENV)/bin/python bench/telephony.py
	$(VENV)/bin/python bench/wallboard.py
	$(VENV)/bin/python bench/import.py
	$(VENV)/bin/python bench/customer_dates.py
	$(VENV)/bin/python bench/workforce.py
	$(VENV)/bin/python bench/workforce_forecast.py
	$(VENV)/bin/python bench/qa.py
	$(VENV)/bin/python bench/qa_pages.py
	$(VENV)/bin/python bench/survey_send.py
	$(VENV)/bin/python bench/reminders.py
	$(VENV)/bin/python bench/supervision_pages.py
	$(VENV)/bin/python bench/insights.py
	$(VENV)/bin/python bench/insights_topics.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy kefu bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
