#!/usr/bin/env bash
# make deploy  — production: migrations on production's D1, then `wrangler deploy --env production`.
# make preview — this branch's preview: its own D1 (`precinct-preview-<branch>`, created the first
#                time), migrations, the demo account, then `wrangler preview --env production`.
# Both refuse when the working tree has uncommitted changes (what runs must be a commit) or when
# wrangler is not signed in to Cloudflare (`wrangler login`, or CLOUDFLARE_API_TOKEN).
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:?usage: scripts/deploy.sh deploy|preview}

refuse() {
  echo "make $what: $1" >&2
  exit 1
}

[ -z "$(git status --porcelain)" ] ||
  refuse "the working tree has uncommitted changes: commit or stash them first (what is deployed is a commit)."
signed_in=$(wrangler whoami 2>&1 || true)
if grep -q "not authenticated" <<< "$signed_in" || ! grep -qi "logged in\|associated with the email" <<< "$signed_in"; then
  refuse "wrangler is not signed in to Cloudflare: run 'wrangler login' (or set CLOUDFLARE_API_TOKEN) first."
fi

commit=$(git rev-parse --short HEAD)
case "$what" in
  deploy)
    echo "Deploying $commit to production: migrations first, then the worker and its files."
    # Every database of production (O03: DB_0 … DB_n), each numbering its ids from its own range.
    node scripts/databases.mjs migrate --remote --env production
    wrangler deploy --env production --message "$commit"
    echo "Deployed $commit. Roll back with: wrangler rollback --env production (README, 'Rolling back')."
    ;;
  preview)
    branch=$(git branch --show-current)
    [ -n "$branch" ] || refuse "HEAD is not on a branch: a preview is named after its branch."
    # A D1 name and a preview name: lower-case letters, digits and dashes.
    slug=$(tr '[:upper:]' '[:lower:]' <<< "$branch" | tr -c 'a-z0-9\n' '-' | cut -c1-40)
    database="precinct-preview-$slug"
    [ "$database" != "precinct-production" ] || refuse "a preview never uses production's database."
    if ! wrangler d1 info "$database" > /dev/null 2>&1; then
      echo "Creating the preview's own database $database..."
      wrangler d1 create "$database"
    fi
    id=$(wrangler d1 info "$database" --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).uuid))')
    # A copy of wrangler.toml whose previews use this database: production's is never named.
    mkdir -p target/preview
    node scripts/preview-config.mjs "$database" "$id" > target/preview/wrangler.toml
    config=(--config target/preview/wrangler.toml)
    node scripts/databases.mjs migrate --remote --env preview "${config[@]}"
    # The demo account, so a reviewer can sign in at once (idempotent; refused for production).
    node scripts/bootstrap.mjs --demo --remote --env preview "${config[@]}"
    wrangler preview --env production --name "$slug" --message "$commit" \
      --var "PRECINCT_PREVIEW:$branch" "${config[@]}"
    ;;
  *) refuse "unknown target $what (deploy or preview)" ;;
esac
