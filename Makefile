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

## The real Astro (and the Node 22 it runs on) that tests/test_generators.py builds the export with:
## installed once from the committed lock file (npm must exist: .ci/run installs it).
ASTRO := tests/generators/astro
ASTRO_STAMP := $(ASTRO)/node_modules/.installed

$(ASTRO_STAMP): $(ASTRO)/package.json $(ASTRO)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the Astro tests (Debian: apt-get install nodejs npm)"; exit 1; }
	npm ci --prefix $(ASTRO) --no-audit --no-fund --loglevel=error
	touch $(ASTRO_STAMP)

## Pagefind, the baseline that tests/test_search_browser.py and bench/search.py compare the site
## search with: installed once from the committed lock file (its linux-x64 binary is an npm package).
PAGEFIND := tests/generators/pagefind
PAGEFIND_STAMP := $(PAGEFIND)/node_modules/.installed

$(PAGEFIND_STAMP): $(PAGEFIND)/package.json $(PAGEFIND)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the Pagefind comparison (Debian: apt-get install nodejs npm)"; exit 1; }
	npm ci --prefix $(PAGEFIND) --no-audit --no-fund --loglevel=error
	touch $(PAGEFIND_STAMP)

## Run the test suite (GNU gettext must be installed: .ci/run does it on CI).
test: $(STAMP) $(ASTRO_STAMP) $(PAGEFIND_STAMP)
	$(BIN)/python -m pytest -q

clean:
	rm -rf site .site.spare .site.new-* .cache .pytest_cache
