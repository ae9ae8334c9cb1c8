# Set-up, demo and tests. Everything installs into .venv from the project's own files.
PYTHON ?= python3
VENV ?= .venv
CORPUS ?= ../shared/corpus
BIN = $(VENV)/bin

.PHONY: install demo test bench

$(BIN)/unsearch: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/unsearch

demo: install
	$(BIN)/unsearch ingest $(CORPUS)/resolutions/fr $(CORPUS)/resolutions/en-md \
		$(CORPUS)/resolutions/en-txt $(CORPUS)/udhr $(CORPUS)/charter
	$(BIN)/unsearch "coopération triangulaire"

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/bench_resolutions.py
