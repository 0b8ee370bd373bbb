# The two commands of the README: `make demo` and `make test`. Both bootstrap a new machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench system-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

system-deps:
	@scripts/system-deps.sh

demo: $(STAMP) system-deps
	$(BIN)/kiosk demo --dir var/demo

test: $(STAMP) system-deps lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest

# Every benchmark in one sitting; each prints its figures and a ratio against its anchor.
# The outputs are kept in var/bench/ (docs/PERFORMANCE.md quotes them). About 30 minutes.
BENCHES := startup token_read receipt search sync memory
bench: $(STAMP) system-deps
	mkdir -p var/bench
	set -eo pipefail; for name in $(BENCHES); do \
		echo "== bench/$$name.py"; \
		$(BIN)/python bench/$$name.py | tee var/bench/$$name.txt; \
	done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
