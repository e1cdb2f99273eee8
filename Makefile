# Two commands on a fresh machine: `make run` and `make test`. Each builds what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Jaarrond needs Python 3.11 or newer (found " + sys.version.split()[0] + ")")'
	@echo "Setting up $(VENV): installing Jaarrond and its dependencies (about a minute, once)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@
	@echo "$(VENV) is ready"

run: $(BIN)/.installed
	$(BIN)/jaarrond run

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Four workers on any machine: most tests wait on a database, a subprocess or a socket, so
# four share two cores well (every test has databases and ports of its own).
test: lint
	$(BIN)/pytest -q -n 4

# Every benchmark script (a file that runs as one; helpers such as smoke.py do not), at its
# default size, to the end; the first that fails stops the run.
BENCH_SCRIPTS = $(shell grep -l '^if __name__ == "__main__":' bench/*.py)

bench: $(BIN)/.installed
	@for script in $(BENCH_SCRIPTS); do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
