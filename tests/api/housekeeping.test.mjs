// Public endpoints are bounded, and scheduled housekeeping removes what expired (O04): a flood of
// "forgot password" requests for distinct addresses stops at the client's limit, and the cron
// handler, run locally through `wrangler dev --test-scheduled`, purges expired sessions, used and
// expired links, spent throttle rows and old outbox messages, and keeps what is live.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, Client } from "../harness.mjs";
import { sqlReader } from "./fixtures.mjs";

const DAY = 24 * 60 * 60 * 1000;
let worker, read;
before(async () => {
  worker = await startWorker();
  read = sqlReader(worker);
});
after(async () => {
  await worker?.stop();
});

const throttleRows = () => read("SELECT COUNT(*) AS n FROM sign_in_throttle")[0].n;

test("5,000 forgot-password requests for distinct addresses leave a bounded number of rows, none after the purge", async () => {
  // Two days ago on the test clock, so the purge (real time) finds every window spent.
  const anonymous = new Client(worker.url, { now: Date.now() - 2 * DAY });
  const headers = { "x-precinct-test-client": "203.0.113.77" };
  let sent = 0;
  const worker_ = async () => {
    while (sent < 5000) {
      const n = sent++;
      const response = await anonymous.post("/api/password/forgot", { user_code: `flood${n}@example.net` }, headers);
      assert.equal(response.status, 202);
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker_));
  // The work runs after each answer; wait until the count settles.
  let rows = -1;
  for (let i = 0; i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = throttleRows();
    if (now === rows) break;
    rows = now;
  }
  console.log(`forgot-password flood: 5000 requests, ${rows} throttle rows`);
  assert.ok(rows <= 12, `${rows} rows after 5,000 requests`);
  // Twin: another client still gets its links asked for (its own small budget).
  const other = await new Client(worker.url, { now: Date.now() - 2 * DAY }).post("/api/password/forgot", { user_code: "someone@example.net" }, { "x-precinct-test-client": "203.0.113.78" });
  assert.equal(other.status, 202);

  // Expired and live rows of every kind the purge looks at.
  const admin = new Client(worker.url);
  assert.equal((await admin.signIn()).status, 200);
  const account = read("SELECT id FROM accounts LIMIT 1")[0].id;
  const user = read("SELECT id FROM users LIMIT 1")[0].id;
  const old = Date.now() - 40 * DAY;
  worker.sql([
    `INSERT INTO sessions (token_hash, account_id, user_id, created_at, last_seen_at, expires_at) VALUES ('expired-session', ${account}, ${user}, ${old}, ${old}, ${old + DAY})`,
    `INSERT INTO password_tokens (token_hash, account_id, user_id, purpose, created_at, expires_at) VALUES ('expired-link', ${account}, ${user}, 'reset', ${old}, ${old + DAY})`,
    `INSERT INTO password_tokens (token_hash, account_id, user_id, purpose, created_at, expires_at) VALUES ('live-link', ${account}, ${user}, 'reset', ${Date.now()}, ${Date.now() + DAY})`,
    `INSERT INTO outbox (account_id, at, kind, from_address, to_address, subject, text_body, html_body) VALUES (${account}, ${old}, 'test', 'a@b.co', 'c@d.co', 'old', 'old', 'old')`,
  ].join(";\n"));
  const purge = await fetch(`${worker.url}/__scheduled?cron=*/15+*+*+*+*`);
  assert.equal(purge.status, 200, await purge.text());
  let left;
  for (let i = 0; i < 50; i++) {
    left = read(`SELECT (SELECT COUNT(*) FROM sign_in_throttle) AS throttle,
      (SELECT COUNT(*) FROM sessions WHERE token_hash = 'expired-session') AS expired_sessions,
      (SELECT COUNT(*) FROM password_tokens WHERE token_hash = 'expired-link') AS expired_links,
      (SELECT COUNT(*) FROM password_tokens WHERE token_hash = 'live-link') AS live_links,
      (SELECT COUNT(*) FROM outbox WHERE subject = 'old') AS old_outbox`)[0];
    if (left.throttle === 0 && left.expired_sessions === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.deepEqual(left, { throttle: 0, expired_sessions: 0, expired_links: 0, live_links: 1, old_outbox: 0 });
  // What is live stays: the administrator's session still works.
  assert.equal((await admin.get("/api/session")).status, 200);
  assert.match(worker.log(), /"event":"housekeeping"/);
});

test("o04 every API request writes one JSON log line: route pattern, status, time, account — never a token or a user code", async () => {
  const client = new Client(worker.url);
  assert.equal((await client.signIn()).status, 200);
  const me = (await client.get("/api/session")).json;
  const marker = `marker-${Date.now()}`;
  await client.get(`/api/users?q=${marker}`);
  await client.get("/api/users/999999");
  await new Client(worker.url).get("/api/users");
  await new Promise((resolve) => setTimeout(resolve, 500));
  const lines = worker.log().split("\n")
    .map((line) => line.slice(line.indexOf("{")))
    .filter((line) => line.includes('"event":"request"'))
    .map((line) => JSON.parse(line));
  const users = lines.filter((line) => line.route === "/api/users");
  assert.ok(users.some((line) => line.status === 200 && line.account === me.account_id && line.method === "GET"), JSON.stringify(users));
  assert.ok(users.some((line) => line.status === 401 && line.account === null), "a request without a session is logged too");
  assert.ok(lines.some((line) => line.route === "/api/users/{id}" && line.status === 404), "the pattern, not the path");
  for (const line of lines) assert.equal(typeof line.ms, "number");
  // Deny twin: what a person typed, their user code and their session token are in no line.
  // (wrangler dev's own request lines show the address; production has only these.)
  const log = lines.map((line) => JSON.stringify(line)).join("\n");
  assert.ok(!log.includes(marker), "a search text was logged");
  assert.ok(!log.includes(me.user_code), "a user code was logged");
  assert.ok(!log.includes(client.cookie.split("=")[1]), "a session token was logged");
});
