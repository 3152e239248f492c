#!/usr/bin/env bash
# make deploy-check (part of make test): what `make deploy` would upload, checked without a
# Cloudflare account.
#  1. Builds exactly the upload (`wrangler deploy --dry-run --env production --outdir`), and the
#     preview's (`make preview`'s copy of wrangler.toml), and measures the worker against the
#     Workers size limits (3 MB compressed on the free plan, 10 MB on the paid one).
#  2. Runs the migrations on a fresh local D1.
#  3. Runs them as an upgrade: the last single-database schema (the migrations before 0014) with
#     an account in it, then every later one; the upgraded schema must be the fresh one, the data
#     kept, the directory filled (O03).
# The preview configuration itself runs locally in tests/api/preview.test.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/deploy-check
rm -rf "$out" && mkdir -p "$out"
fail() {
  echo "deploy-check: $1" >&2
  exit 1
}

# 1. The upload, and its size against the limits.
if ! wrangler deploy --dry-run --env production --outdir "$out/upload" > "$out/dry-run.log" 2>&1; then
  cat "$out/dry-run.log" >&2
  fail "wrangler deploy --dry-run --env production failed"
fi
grep -q "env.DB_0 (precinct-production)" "$out/dry-run.log" && grep -q "env.DB_1 (precinct-production-1)" "$out/dry-run.log" ||
  fail "production's upload is not bound to precinct-production and precinct-production-1"
raw=0 gz=0
for file in "$out"/upload/*; do
  case "$file" in *.map | */README.md) continue ;; esac
  raw=$((raw + $(stat -c %s "$file")))
  gz=$((gz + $(gzip -9c "$file" | wc -c)))
done
free=$((3 * 1024 * 1024)) paid=$((10 * 1024 * 1024))
echo "deploy-check: the worker upload is $raw bytes, $gz bytes compressed:" \
  "$((gz * 100 / free)) % of the free plan's 3 MB, $((gz * 100 / paid)) % of the paid plan's 10 MB"
[ "$gz" -le "$paid" ] || fail "the worker is over the paid plan's 10 MB limit"
[ "$gz" -le "$free" ] || echo "deploy-check: over the free plan's 3 MB: production needs the paid plan"
mkdir -p target/preview
node scripts/preview-config.mjs precinct-preview-check 00000000-0000-4000-8000-000000000001 \
  > "$out/preview.toml"
if ! wrangler deploy --dry-run --env production --config "$out/preview.toml" --outdir "$out/preview-upload" \
  > "$out/preview-dry-run.log" 2>&1; then
  cat "$out/preview-dry-run.log" >&2
  fail "the preview configuration does not build"
fi

# 2. Migrations on fresh local databases (every DB_<n>, their ids numbered: O03).
node scripts/databases.mjs migrate --local --persist-to "$out/fresh" > "$out/fresh.log" 2>&1 ||
  { cat "$out/fresh.log" >&2; fail "the migrations fail on a fresh database"; }
# The schema's objects only (wrangler's answer also carries timings, which differ run to run).
schema() {
  wrangler d1 execute DB_0 --local --persist-to "$1" --json --command \
    "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations' ORDER BY type, name" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify(JSON.parse(s)[0].results,null,1)))'
}
schema "$out/fresh" > "$out/fresh-schema.json"

# 3. The upgrade path: the last single-database schema (before O03's 0014), with data, then every
# later migration (0014 and all after it), as a production database of then would be upgraded.
migrations=(worker/migrations/*.sql)
newest=${migrations[-1]}
mkdir -p "$out/previous/migrations"
for migration in "${migrations[@]}"; do
  if [[ "$(basename "$migration")" < "0014_" ]]; then cp "$migration" "$out/previous/migrations/"; fi
done
database_id=$(awk '/^\[\[d1_databases\]\]/ {top=1} top && /^database_id/ {gsub(/"/, "", $3); print $3; exit}' wrangler.toml)
cat > "$out/previous/wrangler.toml" << EOF
name = "precinct-previous-schema"
compatibility_date = "2026-11-17"
[[d1_databases]]
binding = "DB"
database_name = "precinct"
database_id = "$database_id"
migrations_dir = "migrations"
EOF
wrangler d1 migrations apply DB --local --persist-to "$out/upgrade" --config "$out/previous/wrangler.toml" \
  > "$out/previous.log" 2>&1 || { cat "$out/previous.log" >&2; fail "the previous schema does not build"; }
# Data as the previous schema holds it: an account, its administrator (proven), a pending user.
wrangler d1 execute DB --local --persist-to "$out/upgrade" --config "$out/previous/wrangler.toml" --command "
  INSERT INTO accounts (name, created_at) VALUES ('Upgrade Group', 1);
  INSERT INTO user_groups (account_id, code, description, access_level) VALUES (1, 'ADMINISTRATORS', 'Administrators', 'administrator');
  INSERT INTO users (account_id, user_code, user_code_norm, name, name_norm, group_id, access_level, password_hash, address_proven, created_at)
    VALUES (1, 'admin@upgrade.test', 'admin@upgrade.test', 'Ada', 'ada', 1, 'administrator', 'x', 1, 1),
           (1, 'pending@upgrade.test', 'pending@upgrade.test', 'Pat', 'pat', 1, 'administrator', NULL, 0, 1);
  INSERT INTO history (account_id, at, entity_kind, action, summary, changes) VALUES (1, 1, 'account', 'created', 'created', '[]');
" > "$out/seed.log" 2>&1 || { cat "$out/seed.log" >&2; fail "data does not go into the previous schema"; }
count() {
  wrangler d1 execute DB_0 --local --persist-to "$out/upgrade" --json --command "$1" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(Object.values(JSON.parse(s)[0].results[0])[0]))'
}
rows="SELECT (SELECT COUNT(*) FROM accounts) || '/' || (SELECT COUNT(*) FROM users) || '/' || (SELECT COUNT(*) FROM history) AS n"
before=$(count "$rows")
node scripts/databases.mjs migrate --local --persist-to "$out/upgrade" > "$out/upgrade.log" 2>&1 ||
  { cat "$out/upgrade.log" >&2; fail "the migrations from 0014 to $(basename "$newest") fail on the previous schema with data"; }
after=$(count "$rows")
[ "$before" = "$after" ] || fail "the upgrade lost rows (accounts/users/history: $before before, $after after)"
# O03: the one database of before is database 0; its account and its proven code are in the directory.
directory=$(count "SELECT (SELECT group_concat(account_id || ':' || home) FROM account_homes) || '/' || (SELECT group_concat(user_code_norm) FROM proven_codes) AS n")
[ "$directory" = "1:0/admin@upgrade.test" ] || fail "the upgrade's directory is wrong: $directory (expected 1:0/admin@upgrade.test)"
schema "$out/upgrade" > "$out/upgrade-schema.json"
cmp -s "$out/fresh-schema.json" "$out/upgrade-schema.json" ||
  fail "the upgraded schema differs from a fresh one (compare $out/fresh-schema.json and $out/upgrade-schema.json)"
echo "deploy-check: migrations run on a fresh database and upgrade the previous schema" \
  "(0014 to $(basename "$newest") over the migrations before them; accounts/users/history $after kept)"
