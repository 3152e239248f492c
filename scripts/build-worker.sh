#!/usr/bin/env bash
# Builds the Rust worker to worker/build/ (wasm + wasm-bindgen's JS glue) for worker/shim.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -p precinct-worker --target wasm32-unknown-unknown --release
wasm-bindgen --target web --no-typescript \
  --out-dir worker/build --out-name index \
  target/wasm32-unknown-unknown/release/precinct_worker.wasm
