# Service Star: `make run` starts the app on SQLite, `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: setup run test bench translations lint messages mutate

setup: $(STAMP) translations

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

translations: $(STAMP)
	$(VENV)/bin/pybabel -q compile -d translations

run: setup
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) run

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
messages: $(STAMP)
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output --no-wrap .
	$(VENV)/bin/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching --no-wrap --ignore-obsolete
