# jixiao — two commands: `make run` (the main job) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The hot modules (scoring engine, value parser, audit checks) compiled with mypyc,
# outside the source tree; rebuilt when their sources change. Without a C compiler jixiao runs
# as plain Python (same results, slower): see src/jixiao/native.py.
NATIVE := $(VENV)/.native
NATIVE_SOURCES := src/jixiao/models.py src/jixiao/native.py src/jixiao/native_build.py $(wildcard src/jixiao/scoring/*.py src/jixiao/values/*.py \
	src/jixiao/audit/*.py src/jixiao/audit/checks/*.py)

$(NATIVE): $(STAMP) $(NATIVE_SOURCES)
	$(BIN)/python -m jixiao.native_build || echo "warning: no compiled build; jixiao runs as plain Python" >&2
	touch $(NATIVE)

# The main job: the review workbench on SQLite with the sample tables loaded
# (http://127.0.0.1:8000; the demo login is printed at start).
run: $(NATIVE)
	$(BIN)/jixiao serve --demo

test: $(NATIVE)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -q

bench: $(NATIVE)
	$(BIN)/python benchmarks/read_text.py
	$(BIN)/python benchmarks/score.py
	$(BIN)/python benchmarks/audit.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
