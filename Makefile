# Every target sets itself up: a fresh clone needs only Python 3.11 and make.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: run console test lint format eval bench bench-telegram bench-push clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## start the bot (terminal chat when TELEGRAM_BOT_TOKEN is unset)
	$(BIN)/drillbot run

console: $(STAMP)  ## the terminal chat
	$(BIN)/drillbot console

test: lint  ## lint and the whole test suite
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/drillbot questions lint --strict

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

eval: $(STAMP)  ## how well the grader agrees with hand grades, on the tuned and the held-out part
	$(BIN)/python -m tests.calibration.evaluate

bench: $(STAMP)  ## storage benchmark: choosing and submitting, SQLite and PostgreSQL
	$(BIN)/python -m bench.storage

clean:
	rm -rf $(VENV) data/*.db data/*.db-wal data/*.db-shm
