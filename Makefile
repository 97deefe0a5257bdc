# The README's two commands: `make demo` and `make test`. Both install what is missing first (.ci/setup).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PORT ?= 8080
BINDGEN_DIR := target/wasm-bindgen
RELEASE_WASM := target/wasm32-unknown-unknown/release/latency_heatmap.wasm
WASM_RUNNER := CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=$(CURDIR)/tests/wasm-test-runner.sh

.PHONY: setup setup-browser setup-servers build demo test test-native test-wasm test-js test-bundlers test-e2e test-backstage \
  test-servers bench bench-node bench-prometheus fuzz

setup:
	@.ci/setup

setup-browser:
	@.ci/setup --browser

setup-servers:
	@.ci/setup --servers

## build: the npm package in pkg/ (release wasm → wasm-bindgen → wasm-opt -Os → inlined into the JS shim)
build: setup
	cargo build --release --lib --target wasm32-unknown-unknown
	wasm-bindgen --target web --out-dir $(BINDGEN_DIR) --out-name latency_heatmap \
	  --remove-name-section --remove-producers-section $(RELEASE_WASM)
	js/node_modules/.bin/wasm-opt -Os $(BINDGEN_DIR)/latency_heatmap_bg.wasm -o $(BINDGEN_DIR)/latency_heatmap_bg.wasm
	node js/scripts/build.mjs $(BINDGEN_DIR)

## demo: build, then serve the standalone demo on http://127.0.0.1:$(PORT)
demo: build
	node demo/build.mjs
	node demo/serve.mjs --port $(PORT)

## test: all seven layers
test: setup-browser setup-servers build test-native test-wasm test-js test-bundlers test-e2e test-backstage test-servers

test-native:
	cargo clippy --all-targets -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
	cargo test

test-wasm:
	$(WASM_RUNNER) cargo test --target wasm32-unknown-unknown --test wasm_api
	$(WASM_RUNNER) WASM_BINDGEN_USE_BROWSER=1 cargo test --target wasm32-unknown-unknown --test wasm_api

test-js:
	cd js && node_modules/.bin/tsc --noEmit -p . && node_modules/.bin/vitest run

test-bundlers:
	cd tests/browser && node --test --test-concurrency=1 bundlers/

test-e2e:
	node demo/build.mjs
	js/node_modules/.bin/tsc -p demo
	cd tests/browser && node --test e2e/

## test-backstage: the cards in a real Backstage render (headless Chromium), every colour checked against /core;
## screenshots in target/screenshots/
test-backstage:
	cd tests/browser && node --test backstage/

## test-servers: the real Prometheus and Alertmanager harness (tests/servers/): both servers on loopback ports,
## the fixture's service graph backfilled in the OTel Collector's and Tempo's shapes, a scraped native histogram
test-servers:
	node --test tests/servers/
	cd js && node_modules/.bin/vitest run --config vitest.servers.config.ts

## bench: criterion benchmarks of the native core (figures printed, nothing asserted)
bench:
	cargo bench

## fuzz: every cargo-fuzz target for FUZZ_SECONDS each (nightly toolchain; not part of `make test`)
FUZZ_SECONDS ?= 60
fuzz:
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
	for target in $$(cargo +nightly fuzz list); do \
	  cargo +nightly fuzz run -O "$$target" -- -max_total_time=$(FUZZ_SECONDS); \
	done

## bench-node: Node benchmarks of the wasm build against JS peers (benches/node/: ingest against JSON.parse and a
## plain-JS baseline, layout against @dagrejs/dagre and elkjs, snapshot() of 2 000 services); figures printed,
## nothing asserted, not in `make test`. E.g. LAYOUT_ARGS=--sizes=50,200,1000 SNAPSHOT_ARGS=--runs=5
INGEST_ARGS ?=
LAYOUT_ARGS ?=
SNAPSHOT_ARGS ?=
## bench-prometheus: the Prometheus source against a real Prometheus with a synthetic 5 000-service / 20 000-edge
## service graph (figures printed, nothing asserted; ~2 min, 3.5 GB of memory for promtool's backfill)
bench-prometheus: build setup-servers
	cd benches/node && node prometheus.mjs $(PROMETHEUS_ARGS)

bench-node: build
	@.ci/setup --bench
	cd benches/node && node --expose-gc --max-old-space-size=8192 ingest.mjs $(INGEST_ARGS)
	cd benches/node && node --expose-gc layout.mjs $(LAYOUT_ARGS)
	cd benches/node && node --expose-gc snapshot.mjs $(SNAPSHOT_ARGS)
