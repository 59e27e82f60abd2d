# Binôme — the two commands of the README's Quick start, and a few helpers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: run test demo lint format migrate bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# After installing, the matching's compiled kernels are built once (numba's cache, a few seconds).
WARM_UP := $(BIN)/python -c "from bot.domain.matching.engine import warm_up; warm_up()"

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(WARM_UP)
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(WARM_UP)
	touch $@ $(STAMP_RUN)

## make run: install, apply migrations, start the bot (needs DISCORD_TOKEN in .env or the environment)
run: $(STAMP_RUN)
	@$(BIN)/python -c "from bot.settings import Settings; import sys; sys.exit(0 if Settings.from_env().discord_token else 1)" \
		|| { $(BIN)/python -m bot; exit 2; }
	$(BIN)/python -m bot db upgrade
	$(BIN)/python -m bot

## make test: install dev dependencies, lint, run the whole suite
test: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

## make demo: a whole mentoring cycle on a local Discord (no account, no token), written as an HTML page
demo: $(STAMP_DEV)
	$(BIN)/python -m demo $(if $(SEED),--seed $(SEED)) $(if $(OUT),--out $(OUT))

lint: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP_DEV)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(STAMP_RUN)
	$(BIN)/python -m bot db upgrade

## make bench: the benchmarks in benchmarks/, printing their figures
bench: $(STAMP_DEV)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python -m benchmarks.$$(basename $$script .py) || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
