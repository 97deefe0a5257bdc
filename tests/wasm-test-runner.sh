#!/usr/bin/env bash
# Cargo's runner for wasm32 tests (set by `make test-wasm`): wasm-bindgen-test-runner, started from tests/ so that
# it finds tests/webdriver.json (Debian's chromium, headless, no background networking) when run in the browser.
set -euo pipefail
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
wasm=$(realpath "$1")
shift
cd "$(dirname "$0")"
exec wasm-bindgen-test-runner "$wasm" "$@"
