# Service Star: `make run` starts the app on SQLite, `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
# `make run PORT=8080`: the app serves there and, in development, its printed links and
# QR codes point there too (core/config.py derives PUBLIC_BASE_URL from FLASK_RUN_PORT).
PORT ?= $(or $(FLASK_RUN_PORT),5000)
# One stamp per requirements set: running the app never installs the test tools.
RUN_STAMP := $(VENV)/.installed-run-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: setup run-setup run test bench translations lint messages mutate

setup: $(DEV_STAMP) translations

run-setup: $(RUN_STAMP) translations

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-run-*
	touch $@

# requirements-dev.txt includes requirements.txt, so this also satisfies `run`.
$(DEV_STAMP): requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-run-* $(VENV)/.installed-dev-*
	touch $@ $(RUN_STAMP)

translations: $(RUN_STAMP)
	$(VENV)/bin/pybabel -q compile -d translations

# Every step sees the port, so the demo's printed links point where the app serves.
run: run-setup
	FLASK_RUN_PORT=$(PORT) $(FLASK) db upgrade
	FLASK_RUN_PORT=$(PORT) $(FLASK) seed-demo --if-empty
	FLASK_RUN_PORT=$(PORT) $(FLASK) run

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	$(PY) bench/run_all.py

lint: setup
	$(VENV)/bin/ruff check .

# Mutation testing of scoring/ against tests/scoring only ([tool.mutmut] in pyproject.toml):
# lists the surviving mutants (`mutmut show NAME` shows one), then the share killed.
mutate: setup
	rm -rf mutants
	$(VENV)/bin/mutmut run
	$(VENV)/bin/mutmut results
	$(VENV)/bin/mutmut export-cicd-stats
	$(PY) -c "import json; s = json.load(open('mutants/mutmut-cicd-stats.json')); \
	print('killed %d of %d mutants (%.1f%%)' % (s['killed'], s['total'], 100 * s['killed'] / s['total']))"

# After changing user-facing strings: refresh the catalogue, then translate zh_CN.
messages: $(DEV_STAMP)
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output --no-wrap .
	$(VENV)/bin/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching --no-wrap --ignore-obsolete
