# mitwirken – the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app

PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PO_FILES := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test check lint pytest pytest-sqlite pytest-postgres translations compile-translations install clean add-language bench bench-quick bench-ground-truth

run: install compile-translations  ## Serve the demo at http://127.0.0.1:5000
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	$(BIN)/flask demo responses buergerbefragung-2035 --count 5867 --seed 1 --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: install compile-translations check pytest  ## Lint, type-check and run the whole suite

install: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(NODE_STAMP): package.json $(wildcard package-lock.json)
	npm install --no-audit --no-fund --loglevel=error
	touch $@

compile-translations: $(MO_FILES)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(PY_STAMP)
	$(BIN)/pybabel compile -d translations -l $* -i $< -o $@

translations: $(PY_STAMP)  ## Extract, update and compile the message catalogs
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot \
		--no-location --sort-output --project mitwirken .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/flask i18n fill-source en
	$(BIN)/pybabel compile -d translations --statistics
	-$(BIN)/flask i18n missing

add-language: $(PY_STAMP)  ## make add-language LANG=tr: a new catalog to translate
	@test -n "$(LANG)" || (echo "usage: make add-language LANG=xx" && exit 2)
	$(BIN)/pybabel init -i translations/messages.pot -d translations -l $(LANG)
	@echo "Now translate translations/$(LANG)/LC_MESSAGES/messages.po and add $(LANG) to LANGUAGES."

check: lint
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache --no-logo

lint:
	$(BIN)/ruff check app tests worker bench
	$(BIN)/ruff format --check app tests worker bench

# The two passes run side by side (each waits on browsers, workers and databases much of
# the time); -O keeps each pass's output together. Each pass has its own Redis database.
pytest:
	$(MAKE) --no-print-directory -j2 -O pytest-sqlite pytest-postgres

pytest-sqlite:
	TEST_REDIS_URL=$${SQLITE_PASS_REDIS_URL:-redis://127.0.0.1:6379/14} $(BIN)/pytest -m "not worker" -p no:cacheprovider

pytest-postgres:
	MITWIRKEN_TEST_DB=postgresql $(BIN)/pytest -m "not browser" -p no:cacheprovider

bench: install compile-translations  ## Benchmarks on the real stack, scale M (<= 10 min); see docs/performance.md
	$(BIN)/python -m bench.run

bench-quick: install compile-translations  ## The same scenarios on tiny data, 5 s each (<= 2 min)
	$(BIN)/python -m bench.run --quick

bench-ground-truth: install compile-translations  ## 20,000 survey submissions at 64 clients, then lost/dupes and aggregates against SQL
	$(BIN)/python -m bench.ground_truth

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache
