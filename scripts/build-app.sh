#!/usr/bin/env bash
# Builds the Leptos console into dist/ (served by wrangler as static assets).
set -euo pipefail
cd "$(dirname "$0")/.."
# (.cargo/config.toml sets --cfg erase_components for the wasm target: a smaller console.)
cargo build -p precinct-app --target wasm32-unknown-unknown --release
rm -rf dist && mkdir -p dist
wasm-bindgen --target web --no-typescript --out-dir dist --out-name app \
  target/wasm32-unknown-unknown/release/precinct-app.wasm
# binaryen from npm (Debian's wasm-opt 108 silently breaks current wasm); pinned in package.json.
node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types \
  dist/app_bg.wasm -o dist/app_bg.wasm
# Short import names in both files (wasm-bindgen's carry a hash each: see the script).
node scripts/shorten-imports.mjs dist/app_bg.wasm dist/app.js
# The glue and the stylesheet, minified (pinned in package.json): part of the console's size budget.
node_modules/.bin/terser dist/app.js --module --compress --mangle --output dist/app.js
node_modules/.bin/cleancss -O2 style/precinct.css -o dist/precinct.css
cp app/index.html app/_headers dist/
# The glue starts itself, so the page needs no inline script (the CSP refuses them) and no extra
# file: the call to its default export (named by terser) is appended after minifying.
node -e '
const fs = require("fs");
const js = fs.readFileSync("dist/app.js", "utf8");
const name = /export\{[^}]*?\b([\w$]+) as default\}/.exec(js)?.[1];
if (!name) { console.error("build-app: no default export in dist/app.js"); process.exit(1); }
fs.appendFileSync("dist/app.js", `\nawait ${name}({module_or_path:"/app_bg.wasm"});\n`);
'
