#!/usr/bin/env bash
# Prints the built sizes: the console, its screens used less often and the account pages (wasm +
# JS + CSS + page each) and the worker bundle, raw and gzip -9.
set -euo pipefail
cd "$(dirname "$0")/.."
total_raw=0; total_gz=0
row() { printf '%-34s %9s bytes raw %9s bytes gzip\n' "$1" "$2" "$3"; }
for bundle in "console app index" "occasional occasional occasional" "insight insight insight" "bulk bulk bulk" "account account account"; do
  set -- $bundle
  total_raw=0; total_gz=0
  # The bundle's page and the content-hashed files it names (scripts/build-app.sh).
  for file in $(grep -o '/assets/[^"]*' "dist/$3.html" | sed 's|^|dist|') "dist/$3.html"; do
    raw=$(stat -c %s "$file"); gz=$(gzip -9c "$file" | wc -c)
    total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
    row "$1 $(basename "$file")" "$raw" "$gz"
  done
  row "$1 total" "$total_raw" "$total_gz"
done
out=$(mktemp -d)
node_modules/.bin/wrangler deploy --dry-run --outdir "$out" > /dev/null 2>&1
w_raw=0; w_gz=0
for file in "$out"/*; do
  [ -f "$file" ] || continue
  w_raw=$((w_raw + $(stat -c %s "$file"))); w_gz=$((w_gz + $(gzip -9c "$file" | wc -c)))
done
row "worker bundle (wasm + js)" "$w_raw" "$w_gz"
rm -rf "$out"
# The common-password filter inside the worker (built by worker/build.rs; incompressible).
filter=$(ls -t target/wasm32-unknown-unknown/release/build/precinct-worker-*/out/common_passwords.fingerprints 2>/dev/null | head -1)
if [ -n "$filter" ]; then
  row "  of which the password filter" "$(stat -c %s "$filter")" "$(gzip -9c "$filter" | wc -c)"
fi
