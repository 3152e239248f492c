#!/usr/bin/env bash
# Builds the browser side into dist/ (served by wrangler as static assets): the console
# (index.html, assets/app.<hash>.js, assets/app_bg.<hash>.wasm), its screens used less often
# (occasional.html, assets/occasional.*) and the account pages (account.html, assets/account.*):
# bundles the console's first load does not carry (its size budget). Every file under assets/
# is named by its content's hash, so it is cached for a year (dist/_headers) and a new release
# is new names; the pages, which name them, are revalidated on every load.
set -euo pipefail
cd "$(dirname "$0")/.."
# (.cargo/config.toml sets --cfg erase_components for the wasm target: a smaller console.)
cargo build -p precinct-app --bins --target wasm32-unknown-unknown --release
rm -rf dist && mkdir -p dist/assets
# The first 12 hex digits of a file's SHA-256.
content_hash() { sha256sum "$1" | cut -c1-12; }
declare -A JS_OF WASM_OF
# bundle name : the binary it is built from
for pair in app:precinct-app occasional:occasional insight:insight bulk:bulk account:account; do
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
  wasm="assets/${bundle}_bg.$(content_hash "dist/${bundle}_bg.wasm").wasm"
  mv "dist/${bundle}_bg.wasm" "dist/$wasm"
  WASM_OF[$bundle]=$wasm
  BUNDLE="$bundle" WASM="/$wasm" node -e '
  const fs = require("fs");
  const bundle = process.env.BUNDLE;
  const js = fs.readFileSync(`dist/${bundle}.js`, "utf8");
  const name = /export\{[^}]*?\b([\w$]+) as default\}/.exec(js)?.[1];
  if (!name) { console.error(`build-app: no default export in dist/${bundle}.js`); process.exit(1); }
  fs.appendFileSync(`dist/${bundle}.js`, `\nawait ${name}({module_or_path:"${process.env.WASM}"});\n`);
  '
  js="assets/${bundle}.$(content_hash "dist/$bundle.js").js"
  mv "dist/$bundle.js" "dist/$js"
  JS_OF[$bundle]=$js
done
node_modules/.bin/cleancss -O2 style/precinct.css -o dist/precinct.css
css="assets/precinct.$(content_hash dist/precinct.css).css"
mv dist/precinct.css "dist/$css"
cp app/_headers dist/
# Each bundle's page names its hashed files: index.html (the console), occasional.html,
# insight.html (explain access, access review), bulk.html (import, bulk actions, copy security),
# account.html.
for bundle in app occasional insight bulk account; do
  page=$([ "$bundle" = app ] && echo index || echo "$bundle")
  sed -e "s|/precinct.css|/$css|" -e "s|/app_bg.wasm|/${WASM_OF[$bundle]}|" -e "s|/app.js|/${JS_OF[$bundle]}|" \
    app/index.html > "dist/$page.html"
done
