# oneseal — the two commands: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test test-sqlite test-postgres check typecheck format-check install serve clean warm

# 1 makes `make test` fail on code `ruff format` would change.
FORMAT_CHECK ?= 1

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Install, migrate, load the demo county and serve it at http://127.0.0.1:8000
demo: $(STAMP)
	$(BIN)/oneseal migrate --noinput
	$(BIN)/oneseal load-demo
	$(BIN)/oneseal runserver 127.0.0.1:8000

serve: $(STAMP)
	$(BIN)/oneseal runserver 127.0.0.1:8000

## Lint, formatting, types, then the whole suite on SQLite and on PostgreSQL
# The checks (one core: mypy is most of them) run beside `warm`, which prepares on the other
# core what each test process would otherwise do for itself; each one's output comes out whole.
test: $(STAMP)
	$(MAKE) -j2 --output-sync=target check warm
	$(MAKE) test-sqlite test-postgres

# Python and pytest write the compiled modules (and the test modules as pytest rewrites their
# asserts) next to the sources, so each test process reads them: an environment with
# PYTHONDONTWRITEBYTECODE set has every xdist worker of both runs compile them again (collecting
# the suite: 17 s of CPU without them, 6 s with).
test test-sqlite test-postgres warm: export PYTHONDONTWRITEBYTECODE :=

# Compile the modules and the test modules (collecting the suite), cut the documents' CJK font
# and cache jieba's dictionary under var/ (scripts/warm_caches.py). A collection error is
# left for the test run to report.
warm: $(STAMP)
	DATABASE_URL=sqlite:///:memory: $(BIN)/pytest -q -p no:cacheprovider --co >/dev/null \
		|| echo "warm: collecting the suite failed; the test run shows why"
	DATABASE_URL=sqlite:///:memory: $(BIN)/python scripts/warm_caches.py >/dev/null

# mypy with django-stubs over the packages listed in pyproject.toml ([tool.mypy] files).
typecheck: $(STAMP)
	$(BIN)/mypy

format-check: $(STAMP)
	$(BIN)/ruff format --check oneseal bench

# The browser tests (oneseal/e2e) run once, on SQLite, against Debian's Chromium.
test-sqlite: $(STAMP)
	CHROMIUM=$$(scripts/chromium.sh) DATABASE_URL=sqlite:///:memory: $(BIN)/pytest -q -n 2 -p no:cacheprovider

# A test that reaches no database (marked in oneseal/conftest.py) runs the same on both: once.
test-postgres: $(STAMP)
	DATABASE_URL=$$(scripts/postgres.sh) $(BIN)/pytest -q -n 2 -p no:cacheprovider -m "not browser and not no_database"

check: $(STAMP)
	$(BIN)/ruff check oneseal bench
	$(BIN)/ruff format --check oneseal bench || test $(FORMAT_CHECK) != 1
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var
