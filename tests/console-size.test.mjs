// The console's size budget (issue 6): everything a browser downloads for the console — wasm,
// JS glue, CSS and the page — stays within 250 KB gzip. Measured on the built dist/ (`make
// build`), with gzip -9 as `make sizes` does; prints the figure.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const BUDGET = 250_000;
const FILES = ["app_bg.wasm", "app.js", "precinct.css", "index.html"];

test("the whole console is within 250 KB gzip", () => {
  let total = 0;
  for (const file of FILES) {
    const bytes = readFileSync(new URL(`../dist/${file}`, import.meta.url));
    const gzip = gzipSync(bytes, { level: 9 }).length;
    console.log(`console size: ${file} ${bytes.length} bytes raw, ${gzip} bytes gzip`);
    total += gzip;
  }
  console.log(`console size: total ${total} bytes gzip (budget ${BUDGET})`);
  assert.ok(total <= BUDGET, `the console is ${total} bytes gzip, over the ${BUDGET} budget`);
});
