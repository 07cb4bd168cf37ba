# make demo  - install and run the main job: ingest the sample corpus into ./kg-data and answer
#              "who guarantees which corridor under which agreement"
# make test  - install with every extra and run the whole test suite (what CI runs)
# make lint  - ruff and mypy

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint clean browser

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

# The playground's browser test needs Debian's chromium and a few npm packages (GraphiQL's page and
# playwright-core); installed once, when missing, so that the test runs instead of skipping.
BROWSER_DIR ?= /opt/kg-browser
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } \
		|| echo "warning: could not install chromium; the playground browser test will be skipped" >&2
	@test -d $(BROWSER_DIR)/node_modules/playwright-core || npm install --prefix $(BROWSER_DIR) --no-save --no-audit \
		--no-fund --loglevel=error playwright-core@1 graphiql@3.8.3 @graphiql/plugin-explorer@1.0.2 react@18.2.0 \
		react-dom@18.2.0 js-cookie@3.0.5 >/dev/null

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
