# The two commands: `make run` starts the dashboard on the demo council, `make test` runs
# the whole suite. `make run` listens on this machine only (127.0.0.1): the local demo's role
# picker opens nowhere else. Both create .venv and install the pinned requirements when needed.
# `make test` needs Chromium for the browser tests (Debian/Ubuntu: sudo apt-get install chromium):
# without it, it stops and says so, unless told `make test SKIP_BROWSER=1` (then the summary
# lists the browser tests as skipped). Under CI (CI set) a missing Chromium is a failure.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint bench demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m qa_core demo --if-missing
	$(BIN)/streamlit run dashboard.py --server.address 127.0.0.1

test: $(STAMP)
	@if [ ! -x "$(CHROMIUM)" ] && [ -z "$(SKIP_BROWSER)" ]; then \
		echo "make test: the browser tests need Chromium, and there is none at $(CHROMIUM)." >&2; \
		echo "  Install it (Debian/Ubuntu):  sudo apt-get install chromium" >&2; \
		echo "  or point at yours:           make test CHROMIUM=/path/to/chromium" >&2; \
		echo "  or run the rest and say so:  make test SKIP_BROWSER=1" >&2; \
		exit 1; \
	fi
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/python -m ruff check . && $(BIN)/python -m ruff format --check .

bench: $(STAMP)
	$(BIN)/python -m bench
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.imports
	$(BIN)/python -m bench.start
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.annex_a

demo: $(STAMP)
	$(BIN)/python -m qa_core demo --force

clean:
	rm -rf $(VENV) data/qa.duckdb data/qa.duckdb.wal data/qa.duckdb.lock data/qa.duckdb.pseudonym-key
