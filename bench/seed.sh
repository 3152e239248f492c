#!/usr/bin/env bash
# make seed-large: a local D1 at customer scale (.bench/large) and the same shape at 1,000 users
# (.bench/small), deterministic from SEED. Migrations by wrangler, rows straight into its SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
seed=${SEED:-42}
hash=$(node --input-type=module -e '
  import { argon2id } from "hash-wasm";
  import { webcrypto } from "node:crypto";
  console.log(await argon2id({ password: "Bench-password-2026", salt: webcrypto.getRandomValues(new Uint8Array(16)),
    parallelism: 1, iterations: 2, memorySize: 19456, hashLength: 32, outputType: "encoded" }));')
for scale in ${SCALES:-small large}; do
  state=.bench/$scale
  echo "Seeding $scale (seed $seed) into $state ..."
  rm -rf "$state" && mkdir -p "$state"
  node scripts/databases.mjs migrate --local --persist-to "$state" --quiet
  # Database 0 (O03): the one whose ids start at 1 (database n numbers its rows from n·2^40).
  db=$(for file in $(ls "$state"/v3/d1/miniflare-D1DatabaseObject/*.sqlite | grep -v metadata); do
    if [ "$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM sqlite_sequence WHERE seq >= 1099511627776").fetchone()[0])' "$file")" = 0 ]; then
      echo "$file"
    fi
  done)
  [ "$(wc -w <<< "$db")" = 1 ] || { echo "seed: database 0 not found among the local databases" >&2; exit 1; }
  python3 bench/seed_large.py --db "$db" --scale "$scale" --seed "$seed" --password-hash "$hash" --out "$state/accounts.json"
done
