#!/usr/bin/env bash
# Builds the browser side into dist/ (served by wrangler as static assets): the console
# (app.js, app_bg.wasm, index.html), its screens used less often (occasional.js, occasional_bg.wasm,
# occasional.html) and the account pages (account.js, account_bg.wasm, account.html): bundles the
# console's first load does not carry (its size budget).
set -euo pipefail
cd "$(dirname "$0")/.."
# (.cargo/config.toml sets --cfg erase_components for the wasm target: a smaller console.)
cargo build -p precinct-app --bins --target wasm32-unknown-unknown --release
rm -rf dist && mkdir -p dist
# bundle name : the binary it is built from
for pair in app:precinct-app occasional:occasional account:account; do
  bundle=${pair%%:*}; binary=${pair##*:}
  wasm-bindgen --target web --no-typescript --out-dir dist --out-name "$bundle" \
    "target/wasm32-unknown-unknown/release/$binary.wasm"
  # binaryen from npm (Debian's wasm-opt 108 silently breaks current wasm); pinned in package.json.
  node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types \
    "dist/${bundle}_bg.wasm" -o "dist/${bundle}_bg.wasm"
  # Short import names in both files (wasm-bindgen's carry a hash each: see the script).
  node scripts/shorten-imports.mjs "dist/${bundle}_bg.wasm" "dist/$bundle.js"
  # The glue, minified (pinned in package.json): part of the size budget.
  node_modules/.bin/terser "dist/$bundle.js" --module --compress --mangle --output "dist/$bundle.js"
  # The glue starts itself, so the page needs no inline script (the CSP refuses them) and no
  # extra file: the call to its default export (named by terser) is appended after minifying.
  BUNDLE="$bundle" node -e '
  const fs = require("fs");
  const bundle = process.env.BUNDLE;
  const js = fs.readFileSync(`dist/${bundle}.js`, "utf8");
  const name = /export\{[^}]*?\b([\w$]+) as default\}/.exec(js)?.[1];
  if (!name) { console.error(`build-app: no default export in dist/${bundle}.js`); process.exit(1); }
  fs.appendFileSync(`dist/${bundle}.js`, `\nawait ${name}({module_or_path:"/${bundle}_bg.wasm"});\n`);
  '
done
node_modules/.bin/cleancss -O2 style/precinct.css -o dist/precinct.css
cp app/index.html app/_headers dist/
for bundle in occasional account; do
  sed -e "s|/app_bg.wasm|/${bundle}_bg.wasm|" -e "s|/app.js|/${bundle}.js|" app/index.html > "dist/$bundle.html"
done
