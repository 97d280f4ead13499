# The two commands: `make run` and `make test`. Each bootstraps .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 3000

.PHONY: run test lint bench load clean browser templates

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The email templates ship precompiled (scorecard/services/email_render.py): compiling the .j2 sources
# in a Lambda's init took about 45 ms of the monthly worker's cold start. Regenerated here when a
# template changes; commit the result. `make test` does not regenerate them: its
# tests/unit/test_compiled_templates.py fails if the committed modules differ from what the sources
# compile to, so they never drift (and `sam build` ships the committed ones).
TEMPLATE_SOURCES := $(wildcard shared/scorecard/templates/*.j2)

# (The stamp lives in .venv, not next to the modules: shared/ is the layer's content, shipped as is.)
$(VENV)/.templates: $(TEMPLATE_SOURCES) shared/scorecard/services/email_render.py $(STAMP)
	$(BIN)/python -c "from scorecard.services.email_render import compile_templates; compile_templates()"
	touch $@

templates: $(VENV)/.templates

run: $(STAMP) templates
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
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check shared local functions tests bench
	$(BIN)/ruff format --check shared local functions tests bench
	$(BIN)/mypy

bench: $(STAMP) templates
	$(BIN)/python -m bench.run

# 50,000 events from 8 clients against the local server, then every job read back (bench/load.py)
load: $(STAMP) templates
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) .local .pytest_cache .mypy_cache .ruff_cache
