# Ascent: `make run` serves the app with demo data (`DEMO=0 make run` or `make serve-empty` without it),
# `make admin EMAIL=… NAME=…` creates the first administrator, `make test` runs the whole suite.
# Both set everything up first on a fresh machine with Python 3.11+ and Node 20.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
HOST ?= 127.0.0.1

.PHONY: run serve-empty admin test setup assets translations migrate demo lint bench clean extract-messages

# DEMO=0 leaves the demo chain out (a real installation: see README, First real install).
DEMO ?= 1

run: setup migrate $(if $(filter 0,$(DEMO)),,demo)
	$(FLASK) serve --host $(HOST) --port $(PORT)

# A real chain's server: migrated, never the demo.
serve-empty: setup migrate
	$(FLASK) serve --host $(HOST) --port $(PORT)

# The first administrator and their one-time sign-in link (on PUBLIC_URL when it is set).
# make admin EMAIL=you@company.com NAME="Your Name" [LANGUAGE=it]
admin: setup migrate
	@test -n "$(EMAIL)" -a -n "$(NAME)" || { echo 'usage: make admin EMAIL=you@company.com NAME="Your Name" [LANGUAGE=it]'; exit 2; }
	$(FLASK) org create-admin --email "$(EMAIL)" --name "$(NAME)" $(if $(LANGUAGE),--language $(LANGUAGE))

# Both cores by default (pytest-xdist; each worker migrates its own database); TEST_WORKERS=0 runs in one
# process. `--dist loadgroup` keeps the browser tests together on one worker (one live server, one chromium).
TEST_WORKERS ?= 2

test: setup
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

setup: $(VENV)/.installed static/vendor/.built translations

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

static/vendor/.built: package.json
	npm install --no-audit --no-fund --loglevel=error
	npm run --silent build
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d app/translations -f

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

migrate: setup
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo --if-empty

# Every benchmark in docs/benchmarks.md, one after the other (about an hour; Redis and PostgreSQL running,
# nothing else busy on the machine). Each writes bench/results/<name>.json and .md.
BENCH_DB ?= sqlite:///$(CURDIR)/bench/results/data/scale-10k.db

bench: setup
	$(BIN)/python -m bench.scale_data --database-url $(BENCH_DB)
	$(BIN)/python -m bench.login
	$(BIN)/python -m bench.push_throughput
	$(BIN)/python -m bench.award_throughput
	$(BIN)/python -m bench.people_import
	$(BIN)/python -m bench.page_load
	$(BIN)/python -m bench.growth
	$(BIN)/python -m bench.live_fanout
	$(BIN)/python -m bench.lighthouse

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache
