# The two commands of the README, and the developer's helpers.
#   make run   — set up a virtual environment, install partnergraph, load the example network, print a summary,
#                then serve the web application on http://127.0.0.1:5000/ (readable without an account; Ctrl+C stops it)
#   make test  — set up, lint, type-check and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint readme messages neo4j neo4j-stop neo4j-status bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[fast]"
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[fast,test]"
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/partnergraph demo
	PARTNERGRAPH_PUBLIC=$${PARTNERGRAPH_PUBLIC:-1} $(BIN)/partnergraph serve

lint: $(VENV)/.installed-test
	$(BIN)/ruff check partnergraph tests bench tools
	$(BIN)/ruff format --check partnergraph tests bench tools
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

readme: $(VENV)/.installed-test  # regenerate the README's tables and command list from the code (tools/readme.py)
	$(BIN)/cog -r README.md

messages: $(VENV)/.installed-test  # extract the texts into locale/partnergraph.pot, merge them into each .po, check (tools/messages.py)
	$(BIN)/python -m tools.messages update

neo4j: $(VENV)/.installed-test
	$(BIN)/python tools/neo4j/server.py start

neo4j-stop:
	$(BIN)/python tools/neo4j/server.py stop

neo4j-status:
	$(BIN)/python tools/neo4j/server.py status

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench.bench_store --sizes 10000,100000

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache partnergraph.db partnergraph.db-wal partnergraph.db-shm
