// Every list query's SQLite plan uses an index: no full scan of users, companies or history, and
// scoped or searched lists never read the whole account through the account index.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, Client } from "../harness.mjs";

let worker, plans;
before(async () => {
  worker = await startWorker();
  const admin = new Client(worker.url);
  await admin.signIn();
  const response = await admin.get("/api/test/query-plans");
  assert.equal(response.status, 200, response.text);
  plans = response.json;
});
after(async () => {
  await worker?.stop();
});

const LARGE = /^(SCAN|SEARCH) (u|c|h|users|companies|history)\b/;

test("every list reports its plans (count and page)", () => {
  const labels = new Set(plans.map((plan) => plan.label));
  for (const expected of [
    "users.list admin", "users.list local-admin", "users.list user", "users.list local-admin search",
    "pickers.user-in-charge local-admin", "companies.list local-admin", "companies.list user",
    "history.list local-admin", "history.list local-admin user-range", "reports.list local-admin",
    // R34: searches go through the word indexes.
    "users.list admin search", "pickers.user-in-charge local-admin search", "companies.list admin search",
    "companies.list local-admin search", "groups.list admin search", "groups.list local-admin search",
  ]) {
    assert.ok(labels.has(expected), `no plan for ${expected}`);
  }
  for (const plan of plans) console.log(`plan ${plan.label}: ${plan.plan.join(" ; ")}`);
});

test("r34 every search of users, companies and groups is answered by its word index", () => {
  const searches = plans.filter((plan) => / search$/.test(plan.label) && /^(users|pickers|companies|groups)\./.test(plan.label));
  assert.ok(searches.length >= 6 * 2, `${searches.length} search plans`);
  for (const plan of searches) {
    assert.ok(
      plan.plan.some((step) => /^SCAN (users|companies|groups)_search VIRTUAL TABLE INDEX \d+:M/.test(step)),
      `${plan.label} does not use its word index: ${plan.plan.join(" ; ")}`,
    );
  }
});

test("no list query scans a large table", () => {
  const scans = plans.flatMap((plan) =>
    plan.plan.filter((step) => /^SCAN (u|c|h|users|companies|history)\b/.test(step)).map((step) => `${plan.label}: ${step}`),
  );
  assert.deepEqual(scans, []);
});

test("r18 r20 r21 scoped and searched lists narrow the index beyond the account", () => {
  const wide = [];
  for (const plan of plans) {
    const scoped = / (local-admin|user|search)\b/.test(plan.label) || plan.label.includes("user-in-charge local");
    if (!scoped) continue;
    for (const step of plan.plan.filter((s) => LARGE.test(s))) {
      // "(account_id=?)" alone means reading every row of the account in that index.
      if (/\(account_id=\?\)$/.test(step)) wide.push(`${plan.label}: ${step}`);
    }
  }
  assert.deepEqual(wide, []);
});
