# Two commands do all set-up on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test extract clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## Build the sample site into site/ (extracts catalogs first).
site: $(STAMP)
	$(BIN)/pipeline extract
	$(BIN)/pipeline build
	@echo "serve it and open http://localhost:8000/: $(BIN)/python -m http.server -d site"

## Refresh the catalogs (.pot templates and .po files) from the articles.
extract: $(STAMP)
	$(BIN)/pipeline extract

## Run the test suite (GNU gettext must be installed: .ci/run does it on CI).
test: $(STAMP)
	$(BIN)/python -m pytest -q

clean:
	rm -rf site .site.spare .site.new-* .cache .pytest_cache
