// The console's size budget (issue 6): everything a browser downloads for the console — wasm,
// JS glue, CSS and the page — stays within 250 KB gzip. The account pages (set-password link,
// change password, second factor, sessions) and the console's screens used less often (areas,
// directories, mail settings, outbox, history, preferences: core::api::OCCASIONAL_SCREENS) are
// bundles loaded only at their addresses; each is measured and held to the same budget. Measured
// on the built dist/ (`make build`), with gzip -9 as `make sizes` does; prints the figures.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const BUDGET = 250_000;
const BUNDLES = { console: "index.html", occasional: "occasional.html", insight: "insight.html", bulk: "bulk.html", account: "account.html" };

/** A bundle's page and every file it names (content-hashed, under assets/). */
function filesOf(page) {
  const html = readFileSync(new URL(`../dist/${page}`, import.meta.url), "utf8");
  const named = [...html.matchAll(/"\/(assets\/[^"]+)"/g)].map((match) => match[1]);
  assert.equal(named.filter((file) => /\.(wasm|js|css)$/.test(file)).length, 3, `${page} names its wasm, JS and CSS`);
  return [...new Set(named), page];
}

for (const [bundle, page] of Object.entries(BUNDLES)) {
  test(`the whole ${bundle} bundle is within 250 KB gzip`, () => {
    let total = 0;
    for (const file of filesOf(page)) {
      const bytes = readFileSync(new URL(`../dist/${file}`, import.meta.url));
      const gzip = gzipSync(bytes, { level: 9 }).length;
      console.log(`${bundle} size: ${file} ${bytes.length} bytes raw, ${gzip} bytes gzip`);
      total += gzip;
    }
    console.log(`${bundle} size: total ${total} bytes gzip (budget ${BUDGET})`);
    assert.ok(total <= BUDGET, `the ${bundle} bundle is ${total} bytes gzip, over the ${BUDGET} budget`);
  });
}
