#!/usr/bin/env bash
# Creates .dev.vars (local Worker secrets, never committed) with a random mail-encryption key if
# there is none, so `make dev` encrypts mail secrets like production does.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f .dev.vars ] || ! grep -q '^PRECINCT_MAIL_KEY=' .dev.vars; then
  key=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
  echo "PRECINCT_MAIL_KEY=\"local1:${key}\"" >> .dev.vars
  echo "Created .dev.vars with a local mail-encryption key."
fi
