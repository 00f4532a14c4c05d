# Set-up and checks. `make run` and `make test` work on a fresh machine with Python 3.11.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install browser bench clean

$(STAMP): pyproject.toml requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e '.[test,parquet]'
	touch $(STAMP)

install: $(STAMP)

## Analyse the bundled example pages: write brief.html and print the Markdown brief.
run: $(STAMP)
	$(BIN)/rashomon analyze examples --format html --out brief.html
	$(BIN)/rashomon analyze examples --format markdown

## Debian's chromium for the browser tests (tests/test_web_browser.py); `playwright install` cannot
## download here. Installed with apt-get only when missing (CI runs as root); if that fails the
## browser tests skip with the reason and the rest of the suite still runs.
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { echo "installing chromium with apt-get for the browser tests"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } >/dev/null 2>&1 \
	  || echo "warning: could not install chromium: the browser tests will be skipped"; }

## Run the test suite (pytest exits non-zero, 5, when it collects no tests).
test: $(STAMP) browser
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)
	for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info brief.html
