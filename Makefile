# Dangan — the two set-up commands are `make run` and `make test`; both install what is missing first.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HTMX := api/static/vendor/htmx.min.js
# Apache ECharts for the customer analysis charts (issue 12), vendored like htmx.
ECHARTS := api/static/vendor/echarts.min.js
# postgresql-client: pg_dump / pg_restore for `dangan backup` and `restore` on PostgreSQL (issue 14).
APT_PACKAGES := tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra tesseract-ocr-eng tesseract-ocr-osd poppler-utils fonts-noto-cjk postgresql-client
# Tests render pages with Noto CJK and write text PDFs with WenQuanYi, and drive the web UI in Debian's
# headless Chromium (tests/e2e); the benchmark compares with ocrmypdf.
TEST_APT_PACKAGES := fonts-wqy-zenhei chromium
BENCH_APT_PACKAGES := fonts-wqy-zenhei ocrmypdf
PG_TEST_URL ?= postgresql://127.0.0.1:5432/test
# Two pytest workers (pytest-xdist): much of a test's time is spent waiting on tesseract, the S3 server, a
# browser or a subprocess, so two keep both cores busy. Every server a test starts takes a free port.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --durations=25
# The second OCR engine (issue 18): exactly this version, its PP-OCR models inside the wheel (see pyproject.toml).
RAPIDOCR_VERSION := 1.4.4
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install install-system install-test-system install-bench-system run test test-sqlite test-postgres bench lint clean

install: install-system $(VENV)/.installed $(HTMX) $(ECHARTS)

# Debian packages: only the missing ones, so a second run costs one dpkg query.
install-system:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

install-test-system:
	@$(MAKE) --no-print-directory install-system APT_PACKAGES="$(TEST_APT_PACKAGES)"

install-bench-system:
	@$(MAKE) --no-print-directory install-system APT_PACKAGES="$(BENCH_APT_PACKAGES)"

# htmx from the npm registry, pinned by package-lock.json and copied into api/static (git-ignored, never a
# CDN); redone only when the lock changes.
$(HTMX): package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm; }
	npm ci --no-audit --no-fund --silent
	@mkdir -p $(@D)
	cp node_modules/htmx.org/dist/htmx.min.js $@

$(ECHARTS): package-lock.json $(HTMX)
	@mkdir -p $(@D)
	cp node_modules/echarts/dist/echarts.min.js $@

# The venv is rebuilt only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/python -m pip install -q --no-deps 'rapidocr-onnxruntime==$(RAPIDOCR_VERSION)'
	@touch $@

run: install
	$(BIN)/dangan init
	$(BIN)/dangan serve

# The whole suite on SQLite, then on PostgreSQL (the machine's server, database `test`) every test that opens a
# database (tests/conftest.py leaves out the rest: they never reach one).
test: install install-test-system test-sqlite test-postgres

test-sqlite:
	$(PYTEST)

test-postgres:
	DANGAN_TEST_DATABASE_URL=$(PG_TEST_URL) $(PYTEST)

bench: install install-bench-system
	$(BIN)/python -m bench.ingest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
