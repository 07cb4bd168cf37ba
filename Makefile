# make demo  - install and run the main job: ingest the sample corpus into ./kg-data and answer
#              "who guarantees which corridor under which agreement"
# make test  - install with every extra and run the whole test suite (what CI runs)
# make lint  - ruff and mypy
# make web   - install the browser libraries that `kg serve` serves at /graphql and /explore (npm, no root)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint clean browser web

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the package metadata changed (or the venv is new).
$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e .
	touch $@

$(VENV)/.installed-all: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[api,neo4j,rdf,scale,test]'
	touch $@ $(VENV)/.installed-base

demo: $(VENV)/.installed-base
	$(BIN)/kg demo

# The browser pages' libraries (GraphiQL, React, cytoscape) and the browser tests' driver (playwright-core), from
# npm at the versions web/package-lock.json pins, into web/node_modules: `kg serve` serves them itself, so its pages
# load nothing from another host. Reinstalled when the lockfile changes.
web: web/node_modules/.installed
web/node_modules/.installed: web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund --loglevel=error
	touch $@

# The browser tests drive Debian's chromium (installing it needs root: apt-get); everything else they need is the
# `web` step's, installed without root.
browser: web
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } \
		|| echo "warning: could not install chromium (apt-get needs root); the browser tests will be skipped" >&2

# pytest exits 5 when it collects no tests: that means the suite vanished, never a pass.
test: $(VENV)/.installed-all browser
	status=0; $(BIN)/pytest -q || status=$$?; \
	if [ $$status -eq 5 ]; then echo "error: pytest collected no tests (exit code 5); the test suite has vanished" >&2; fi; \
	exit $$status

lint: $(VENV)/.installed-all
	$(BIN)/ruff check .
	$(BIN)/mypy conflictkg graph schema loaders api

clean:
	rm -rf build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
