# Two commands: `make run` sets up and starts the app; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test test-postgres lint setup clean wheel-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

setup: $(VENV)/.installed

run: setup
	HF_HUB_OFFLINE=1 $(BIN)/streamlit run app.py

# Lint first: ruff (rules and formatting) and mypy, configured in pyproject.toml.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: setup lint
	@HF_HUB_OFFLINE=1 $(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; \
	exit $$status

# The suite on both engines, against a throwaway local PostgreSQL (.ci/postgres.sh: installs
# Debian's postgresql when absent, stops it afterwards). `make test` alone runs the PostgreSQL
# half only when FACTCHECK_TEST_POSTGRES_URL names a server, and says so when it skips.
test-postgres: setup
	@export FACTCHECK_PG_DIR=$${TMPDIR:-/tmp}/factcheck-postgres-make-$$$$; \
	url=$$(.ci/postgres.sh start) || exit 1; \
	FACTCHECK_TEST_POSTGRES_URL=$$url FACTCHECK_REQUIRE_POSTGRES=1 $(MAKE) test; status=$$?; \
	.ci/postgres.sh stop; exit $$status

# The wheel on its own: build, install in a fresh virtualenv, use it from an empty folder.
wheel-check:
	bash .ci/wheel_check.sh

clean:
	rm -rf $(VENV) build dist *.egg-info
