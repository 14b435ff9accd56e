# Gazette: `make run` to read the site, `make test` to check it. Both set themselves up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
INSTALLED := $(VENV)/.installed
NPM_INSTALLED := node_modules/.installed

# The browser the quality gates and browser tests drive (Debian's package by default).
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

# The scale-path run of `make test`: real PostgreSQL and Redis on this machine.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/gazette
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# pytest-xdist workers for the two main runs: one per core of the 2-core machine; each
# worker has its own test database and Redis database (tests/conftest.py). 0: in process.
TEST_WORKERS ?= 2
# The operations tests (tests/ops/): a PostgreSQL database they create and drop, and a
# Redis database they flush, both shared by two gunicorn instances.
TEST_OPS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/gazette_ops
TEST_OPS_REDIS_URL ?= redis://127.0.0.1:6379/13

.PHONY: help install run serve serve-tools check test test-tools system-tools test-sqlite test-postgres test-quality test-ops lint format npm-lock outdated bench bench-gunicorn bench-mixed bench-tools

help:
	@echo "make run     serve the demo site at http://127.0.0.1:8000 (debug on, SQLite)"
	@echo "make check   the inner loop: lint, then the in-process tests on SQLite (no browser, no server)"
	@echo "make test    run the whole suite (SQLite, then PostgreSQL + Redis when reachable, then the quality gates)"
	@echo "make test-quality  only the quality gates (HTML validity, axe-core, Lighthouse, Observatory)"
	@echo "make test-ops      only the operations tests (concurrency, scale-out, mixed load)"
	@echo "make serve   production-like: debug off, collectstatic, nginx in front of gunicorn"
	@echo "make bench   the benchmark report (wrk, nginx; BENCH_QUICK=1 for a short check)"
	@echo "make bench-mixed   mixed read/write load with wrk at the saturation point"
	@echo "make lint    ruff lint and format check"
	@echo "make outdated  the pins of requirements*.txt and package.json that are behind (asks the package indexes)"

$(INSTALLED): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Gazette needs Python 3.11 or newer as '$(PYTHON)'"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# Modules are compiled as they are first imported: most never are (15 s of 45 saved).
	$(BIN)/python -m pip install --quiet --no-compile --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: $(INSTALLED)

run: export DJANGO_DEBUG = on
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo --if-empty
	$(MANAGE) ensure_dev_superuser
	@echo
	@echo "  Gazette:  http://127.0.0.1:8000/"
	@echo "  Admin:    http://127.0.0.1:8000/admin/ (the superuser above)"
	@echo
	@# A task worker beside the dev server, as production runs one (README "Tasks"): e-mail
	@# takes the production path and shows in this terminal. Both reload on code changes;
	@# Ctrl-C stops both, and so does the trap when make stops otherwise.
	$(MANAGE) db_worker & worker=$$!; \
	trap 'pkill -TERM -P $$worker; kill $$worker 2>/dev/null' EXIT; \
	$(MANAGE) runserver 127.0.0.1:8000

# Production-like: nginx on 127.0.0.1:8000 in front of gunicorn (deploy/serve.py, README
# "Production"). Without DJANGO_SECRET_KEY / EMAIL_URL in the environment it runs with a
# throwaway key and console e-mail, and says so; a real deployment sets both.
serve: export DJANGO_DEBUG = off
serve: install serve-tools
	@if [ -z "$$DJANGO_SECRET_KEY" ]; then echo "make serve: DJANGO_SECRET_KEY unset, using a throwaway key (sessions end at restart)"; fi
	@if [ -z "$$EMAIL_URL" ]; then echo "make serve: EMAIL_URL unset, e-mail goes to the console"; fi
	export DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')}"; \
	export EMAIL_URL="$${EMAIL_URL:-consolemail://}"; \
	$(MANAGE) collectstatic --noinput --verbosity 0 && \
	$(MANAGE) migrate --noinput && \
	exec $(BIN)/python -m deploy.serve

# The set-up in parallel (pip, npm and collectstatic took 30, 15 and 12 s one after
# another), then the runs two by two where neither measures speed: the SQLite run left
# a third of the two cores idle (browser round trips), the quality gates use one core
# at most (Lighthouse's scores stayed at 100 beside the PostgreSQL run: its throttling
# is simulated), and the operations tests beside the SQLite run only check outcomes
# (scale-out, retried posts, shared limits, the task queue). The `load_sensitive` ones
# (latency, throughput, timed outages) run last, alone. 6:26 -> 5:21 measured. Each
# part's output is printed whole when it ends.
test:
	@$(MAKE) --no-print-directory -j3 test-tools $(COLLECTED_STATIC)/staticfiles.json
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-ops OPS_MARKS="not load_sensitive"
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-postgres test-quality
	@$(MAKE) --no-print-directory test-ops OPS_MARKS=load_sensitive

# Static files as production serves them (hashed names, compressed copies), collected
# once for every run of `make test` that starts gunicorn (tests/conftest.py
# `static_root`), and again only when they change: each collection takes 12 s.
COLLECTED_STATIC := $(CURDIR)/.make/static
export COLLECTED_STATIC_ROOT := $(COLLECTED_STATIC)
$(COLLECTED_STATIC)/staticfiles.json: $(INSTALLED) project/storage.py $(shell find static -type f)
	rm -rf $(COLLECTED_STATIC)
	DJANGO_DEBUG=on STATIC_ROOT=$(COLLECTED_STATIC) $(MANAGE) collectstatic --noinput --verbosity 0

# The inner loop: lint, then every test that runs in process on SQLite. Left to `make
# test`: the browser, the quality gates, the operations tests, and what starts a server
# (gunicorn, Django's live server) or fuzzes the API (schemathesis).
CHECK_LEAVES_OUT := tests/browser tests/quality tests/ops tests/api/test_fuzzing.py \
	tests/security/test_xss_browser.py tests/security/test_transport_gunicorn.py
check: lint
	$(BIN)/pytest -n $(TEST_WORKERS) -q $(addprefix --ignore=,$(CHECK_LEAVES_OUT))

# What the suite needs besides Python: Chromium, Java (the Nu HTML checker) and Node.js
# from apt when missing (as root), then the npm tools of package-lock.json. Without root
# a missing tool is named and its tests skip; under CI=true it stops the build.
test-tools: install system-tools $(NPM_INSTALLED)

# $(call apt_install_missing,WHO): installs $$missing (a list of Debian packages, set by
# the recipe before) with apt-get when root; returns 1 when it cannot.
define apt_install_missing
	[ -n "$$missing" ] || exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "== installing$$missing with apt-get =="; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing || exit 1; \
	else \
		echo "$(1): missing$$missing (install with apt-get as root)"; exit 1; \
	fi
endef

system-tools:
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	( $(call apt_install_missing,make test) ) || { \
		if [ "$$CI" = "true" ]; then exit 1; fi; \
		echo "make test: the tests that need them are skipped"; exit 0; }; \
	[ -x "$(CHROMIUM)" ] || { echo "make test: no Chromium at $(CHROMIUM) (set CHROMIUM to its path)"; [ "$$CI" != "true" ] || exit 1; }

# Install scripts are off: vnu-jar's would download a Java runtime, the system one serves;
# the Observatory's would download Chromium's HSTS preload list and the list of top-level
# domains, for which tests/quality/tools.py puts empty stand-ins (no TLS, no web API).
$(NPM_INSTALLED): package.json package-lock.json | system-tools
	@! grep -nE '"resolved"|://' package-lock.json || { echo "package-lock.json names a URL; make npm-lock"; exit 1; }
	@if ! command -v npm >/dev/null; then \
		echo "make test: no npm, so no quality gate tools"; [ "$$CI" != "true" ] || exit 1; \
	else \
		npm ci --ignore-scripts --include=dev --no-audit --no-fund --loglevel=error && touch $@; \
	fi

# After changing package.json: a new lockfile, with neither download URLs nor registry
# hosts in it (.npmrc), nor the packages' funding links.
DROP_FUNDING_LINKS = const fs = require("fs"), lock = JSON.parse(fs.readFileSync("package-lock.json")); \
	for (const entry of Object.values(lock.packages)) delete entry.funding; \
	fs.writeFileSync("package-lock.json", JSON.stringify(lock, null, 2) + "\n");
npm-lock:
	npm install --package-lock-only --ignore-scripts --no-audit --no-fund
	node -e '$(DROP_FUNDING_LINKS)'

# Which pins are behind the newest patch of their line (status 1), and which have a newer
# line; asks the package indexes, so it stays out of `make test`. README "Dependencies".
outdated: install
	$(BIN)/python .ci/outdated.py

# Schemathesis fuzzes the API once, in the PostgreSQL run: the contract is the same on
# both back ends, and PostgreSQL is the stricter one (lengths, NULs), where a generated
# value can reach an error SQLite lets pass.
test-sqlite: install test-tools $(COLLECTED_STATIC)/staticfiles.json
	$(BIN)/pytest -n $(TEST_WORKERS) --durations=10 --ignore=tests/quality --ignore=tests/ops \
		--ignore=tests/api/test_fuzzing.py

# Runs when PostgreSQL and Redis answer; under CI=true it always runs, so a missing
# service fails the build instead of being skipped. Only the tests that use the database
# or the cache: the others answer the same here as in the SQLite run (tests/conftest.py).
test-postgres: install test-tools $(COLLECTED_STATIC)/staticfiles.json
	@if [ "$$CI" = "true" ] || $(BIN)/python -c 'import socket; [socket.create_connection(("127.0.0.1", p), 1).close() for p in (5432, 6379)]' 2>/dev/null; then \
		echo "== PostgreSQL + Redis run =="; \
		DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(BIN)/pytest -n $(TEST_WORKERS) --durations=10 --ignore=tests/quality --ignore=tests/ops --database-and-cache-tests-only; \
	else \
		echo "== PostgreSQL or Redis not reachable on 127.0.0.1: PostgreSQL + Redis run skipped (CI=true makes it mandatory) =="; \
	fi

# The quality gates, once: HTML validity, accessibility, Lighthouse and the MDN HTTP
# Observatory against gunicorn serving demo content (tests/quality/). The SQLite and
# PostgreSQL runs leave them out.
test-quality: install test-tools $(COLLECTED_STATIC)/staticfiles.json
	@echo "== Quality gates: vnu, axe-core, Lighthouse, MDN HTTP Observatory =="
	$(BIN)/pytest tests/quality

# The operations tests, once (tests/ops/): gunicorn as production runs it, under a
# hundred concurrent writers on SQLite, as two instances sharing PostgreSQL and Redis,
# and under a mixed wrk load. PostgreSQL, Redis and wrk must answer under CI=true.
# OPS_MARKS: only the tests of this marker expression (`make test` runs them in two parts).
test-ops: install test-tools $(COLLECTED_STATIC)/staticfiles.json
	@echo "== Operations: concurrency, scale-out, mixed load$(if $(OPS_MARKS), ($(OPS_MARKS))) =="
	TEST_OPS_DATABASE_URL="$(TEST_OPS_DATABASE_URL)" TEST_OPS_REDIS_URL="$(TEST_OPS_REDIS_URL)" $(BIN)/pytest tests/ops $(if $(OPS_MARKS),-m "$(OPS_MARKS)")

# The benchmark report of the performance issue (bench/, README "Performance"): wrk
# against gunicorn and nginx on 127.0.0.1. Missed targets are reported, errors fail.
bench: install bench-tools
	$(BIN)/python -m bench

# /healthz and home for several gunicorn workers × threads (BENCH_GUNICORN).
bench-gunicorn: install bench-tools
	$(BIN)/python -m bench --gunicorn

# A mixed read/write load (anonymous reads, JWT writes) at the saturation point, found by
# a sweep of connection counts (bench/mixed.py; BENCH_DURATION at most 60 s).
bench-mixed: install bench-tools
	$(BIN)/python -m bench.mixed

# nginx from apt when missing (as root); otherwise it is named and `make serve` stops.
serve-tools:
	@missing=""; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	$(call apt_install_missing,make serve)

# wrk and nginx from apt when missing (as root); otherwise they are named and the run stops.
bench-tools: serve-tools
	@missing=""; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	$(call apt_install_missing,make bench)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Format first: it settles what the linter would otherwise stop on (line length).
format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
