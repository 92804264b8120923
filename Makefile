# property-phone-agent — `make help` lists the targets. `make run` and `make test` work on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
CSV ?= data/properties.csv
PYTEST_ARGS ?=
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.DEFAULT_GOAL := help
.PHONY: help install run test lint format bench ingest data lock clean

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-9s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if (3, 11) <= v[:2] <= (3, 12) else "Python 3.11 or 3.12 is required (found %d.%d); run with PYTHON=/path/to/python3.11" % v[:2])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(UV) pip install --python $(BIN)/python --quiet -r requirements.lock
	$(UV) pip install --python $(BIN)/python --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the pinned dependencies (about a minute, 7 GB)

run: $(STAMP) ## Start the API and web page on http://$(HOST):$(PORT) (no keys needed)
	$(BIN)/property-agent serve --host $(HOST) --port $(PORT)

test: $(STAMP) ## Run the whole test suite (unit, integration, browser)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff (lint + format check) and mypy
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy

format: $(STAMP) ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix src tests scripts
	$(BIN)/ruff format src tests scripts

bench: $(STAMP) ## Print the benchmark tables (search: ~25 min with 100k listings; agent turns)
	$(BIN)/python scripts/bench_agent.py
	$(BIN)/python scripts/bench_search.py

ingest: $(STAMP) ## Validate and upsert a listings CSV: make ingest CSV=path/to.csv
	$(BIN)/property-agent ingest $(CSV)

data: $(STAMP) ## Regenerate data/properties.csv from the fixed-seed generator
	$(BIN)/python scripts/generate_properties.py --out data/properties.csv

lock: ## Re-pin requirements.lock after changing dependencies in pyproject.toml
	@test -x $(UV) || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet uv; }
	$(UV) pip compile pyproject.toml --extra dev --python-version 3.11 --quiet -o requirements.lock

clean: ## Remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
