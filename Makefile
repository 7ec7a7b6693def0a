# zkaigc: every target installs what it needs first through the idempotent `setup`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# anvil and forge come from npm; the venv's ape/pytest come first.
export PATH := $(BIN):$(CURDIR)/node_modules/.bin:$(PATH)
export PYTHONUNBUFFERED := 1

.PHONY: help setup compile test demo prove bench clean
MODEL ?= pixel32

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@echo "==> Python environment ($(VENV))"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	$(BIN)/pip check
	touch $@

node_modules/.installed: package.json package-lock.json
	@echo "==> npm packages (anvil, forge, solc-js, OpenZeppelin)"
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed  ## install everything (idempotent, fast when done)
	@bash tools/solc/register.sh

compile: setup  ## compile the contracts with Ape
	ape compile

test: setup  ## run the whole test suite on a local anvil chain
	bash tools/test-all.sh

demo: setup  ## compile, deploy to a local anvil chain and print addresses
	ape run demo

prove: setup  ## prove a random prompt with a committed model (MODEL=pixel32), verify and decode it
	$(BIN)/python -m proofs prove $(MODEL)

bench: setup  ## run the benchmarks and write docs/benchmarks.{json,md}
	$(BIN)/python -m proofs.bench

clean:  ## remove build outputs and caches (keeps the venv and node_modules)
	rm -rf .build .cache
