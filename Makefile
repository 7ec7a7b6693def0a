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

.PHONY: help setup browser compile lint test test-fast demo demo-data app train build prove bench clean
MODEL ?= pixel32
# `make app`: the port to serve on; RPC=<url> attaches to a running node (any port, a block-time anvil too; default
# $ZKAIGC_RPC, else a fresh anvil); MODELS=a,b deploys and serves fewer models; HOST=0.0.0.0 serves others (no dev signer).
PORT ?= 8000
HOST ?= 127.0.0.1
ETHERS := zkaigc/app/static/vendor/ethers.min.js

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@echo "==> Python environment ($(VENV))"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip check
	touch $@

node_modules/.installed: package.json package-lock.json
	@echo "==> npm packages (anvil, forge, solc-js, OpenZeppelin)"
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ETHERS): node_modules/.installed
	@echo "==> ethers for the web app's pages (vendored from node_modules, no CDN)"
	$(BIN)/python -m zkaigc.app.assets

setup: $(VENV)/.installed node_modules/.installed $(ETHERS)  ## install everything (idempotent, fast when done)
	@bash tools/solc/register.sh
	@bash tools/redis.sh

browser:  ## the browser tests' Chromium (apt-get; skipped when /usr/bin/chromium is there)
	@bash tools/chromium.sh

compile: setup  ## compile the contracts with Ape
	ape compile

lint: setup  ## ruff (lint + format check) for Python; forge fmt --check and solhint for Solidity
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	bash tools/lint-sol.sh

test: setup browser  ## the whole suite: lint, ape/pytest, forge, slither and fork tests (what CI runs)
	bash tools/test-all.sh

test-fast: setup  ## the fast lane: lint, unit and contract tests on micro, forge's quick profile (target < 3 min)
	bash tools/test-all.sh --fast

demo: setup  ## deploy to a local anvil, claim, pay, prove, fulfil, and write the minted image (default: a random Noun; MODEL=, PROMPT=0x..)
	ape run demo $(if $(filter command line,$(origin MODEL)),--model $(MODEL)) $(if $(PROMPT),--prompt $(PROMPT))

demo-data: setup  ## the dataset market on a local anvil: list, request, prove a tree, fulfil, open (TEMPLATE=...)
	ape run demo_data $(if $(TEMPLATE),--template $(TEMPLATE))

app: setup  ## the web app on a fresh anvil: try every model, mint, browse (PORT=8000, HOST=, RPC=url, MODELS=a,b)
	ape run app --host $(HOST) --port $(PORT) $(if $(RPC),--rpc $(RPC)) $(if $(MODELS),--models $(MODELS))

train: setup  ## train a registered model (MODEL=pixel32): writes its checkpoint and sample grid
	$(BIN)/python -m models train $(MODEL)

build: setup  ## build a model's committed artifacts and verifier (MODEL=pixel32): python -m proofs build
	$(BIN)/python -m proofs build $(MODEL)

prove: setup  ## prove a random prompt with a committed model (MODEL=pixel32), verify and decode it
	$(BIN)/python -m proofs prove $(MODEL)

bench: setup  ## every committed model against the old encoding, scales, mint gas, batch mints, the showcase, the dataset market: docs/results/benchmarks.*, docs/results/mint-gas.*, docs/results/batch.*, docs/results/nouns.json, docs/results/datamarket-*
	$(BIN)/python -m benchmarks.proving
	$(BIN)/python -m benchmarks.batch
	$(BIN)/python -m benchmarks.nouns
	$(BIN)/python -m benchmarks.datamarket

clean:  ## remove build outputs and caches (keeps the venv and node_modules)
	rm -rf .build .cache
