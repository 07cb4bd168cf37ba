# make demo  - install and run the main job: ingest the sample corpus into ./kg-data and answer
#              "who guarantees which corridor under which agreement"
# make test  - install with every extra and run the whole test suite (what CI runs)
# make lint  - ruff and mypy

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the package metadata changed (or the venv is new).
$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e .
	touch $@

$(VENV)/.installed-all: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[api,neo4j,rdf,test]'
	touch $@ $(VENV)/.installed-base

demo: $(VENV)/.installed-base
	$(BIN)/kg demo

# pytest exits 5 when it collects no tests: that means the suite vanished, never a pass.
test: $(VENV)/.installed-all
	status=0; $(BIN)/pytest -q || status=$$?; \
	if [ $$status -eq 5 ]; then echo "error: pytest collected no tests (exit code 5); the test suite has vanished" >&2; fi; \
	exit $$status

lint: $(VENV)/.installed-all
	$(BIN)/ruff check .
	$(BIN)/mypy conflictkg graph schema loaders api

clean:
	rm -rf build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
