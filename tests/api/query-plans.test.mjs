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

test("lists sort by each column on an index: every order of users, companies and groups, both ways, its first and next page", () => {
  const sorted = plans.filter((plan) => / sort=/.test(plan.label) && !/count/.test(plan.sql.slice(0, 30)));
  const labels = new Set(sorted.map((plan) => plan.label));
  for (const expected of [
    "users.list admin sort=name", "users.list admin sort=code next page", "users.list local-admin sort=-group next page",
    "users.list local-admin sort=status", "companies.list admin sort=area next page", "companies.list local-admin sort=-code next page",
    "groups.list admin sort=description", "groups.list local-admin sort=level next page", "groups.list admin sort=-area next page",
  ]) {
    assert.ok(labels.has(expected), `no plan for ${expected}`);
  }
  const pages = sorted.filter((plan) => /ORDER BY/.test(plan.sql));
  assert.ok(pages.length >= (4 + 3 + 4) * 2 * 3, `${pages.length} sorted page plans`);
  const sorts = pages.flatMap((plan) =>
    plan.plan.filter((step) => /USE TEMP B-TREE FOR ORDER BY|^SCAN (u|c|g|users|companies|user_groups)\b/.test(step)).map((step) => `${plan.label}: ${step}`),
  );
  assert.deepEqual(sorts, []);
});
