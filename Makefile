# The two commands: `make run` and `make test`. Each bootstraps .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 3000

.PHONY: run test lint bench load clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	PORT=$(PORT) $(BIN)/scorecard local

# The email rendering test (tests/e2e/test_email_render.py) drives Debian's headless Chromium: install
# it when missing and we can (root with apt-get). If it still is not there, that test skips and says so.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium for the email rendering test"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } \
	      || echo "could not install chromium: the email rendering test will skip"; \
	  else echo "chromium is not installed (needs root and apt-get): the email rendering test will skip"; fi; }

test: $(STAMP) lint browser
	$(BIN)/python -m pytest -n auto --maxprocesses=4 -q

lint: $(STAMP)
	$(BIN)/ruff check shared local functions tests bench
	$(BIN)/ruff format --check shared local functions tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench.run

# 50,000 events from 8 clients against the local server, then every job read back (bench/load.py)
load: $(STAMP)
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) .local .pytest_cache .mypy_cache .ruff_cache
