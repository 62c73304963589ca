# The two commands: `make run` starts the dashboard on the demo council, `make test` runs
# the whole suite. `make run` listens on this machine only (127.0.0.1): the local demo's role
# picker opens nowhere else. Both create .venv and install the pinned requirements when needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

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
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/python -m ruff check . && $(BIN)/python -m ruff format --check .

bench: $(STAMP)
	$(BIN)/python -m bench
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.imports
	$(BIN)/python -m bench.annex_a

demo: $(STAMP)
	$(BIN)/python -m qa_core demo --force

clean:
	rm -rf $(VENV) data/qa.duckdb data/qa.duckdb.wal data/qa.duckdb.pseudonym-key
