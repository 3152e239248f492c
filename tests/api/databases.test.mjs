// O03: accounts spread over several databases. Locally there are two (DB_0, which also holds the
// directory, and DB_1); the fixture's demo account lives in database 0 and the other account in
// database 1, so every cross-account test of the suite runs across two databases. This file
// checks the placement itself, R03 across databases, an account's read-only time while it moves,
// and the operator's move command.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { setup, assertProblem, expectStatus, signedIn, Client, OTHER, DEMO } from "./fixtures.mjs";
import { ROOT } from "../harness.mjs";

/** Database n numbers its rows from n·2^40. */
const RANGE = 2 ** 40;

let fx;
let demo;
let other;
before(async () => {
  fx = await setup();
  demo = fx.F.me.account_id;
  other = fx.F.otherMe.account_id;
});
after(async () => {
  await fx?.worker.stop();
});

const count = (home, table, account) =>
  fx.read.in(home, `SELECT COUNT(*) AS n FROM ${table} WHERE account_id = ${account}`)[0].n;

/** The operator's command against this worker's local databases. */
const move = (account, to) =>
  spawnSync("node", [join(ROOT, "scripts/databases.mjs"), "move", "--account", String(account), "--to", String(to),
    "--local", "--persist-to", fx.worker.state], { cwd: ROOT, encoding: "utf8" });

test("o03 each account lives in one of two databases: its rows, its sessions' tokens and the directory say which", async () => {
  assert.ok(demo < RANGE, `the demo account (${demo}) was numbered by database 0`);
  assert.ok(other >= RANGE, `the other account (${other}) was numbered by database 1`);
  for (const table of ["users", "user_groups", "companies", "areas", "history", "reports"]) {
    assert.ok(count(0, table, demo) > 0, `${table} of the demo account in database 0`);
    assert.equal(count(1, table, demo), 0, `${table} of the demo account in database 1`);
    assert.ok(count(1, table, other) > 0, `${table} of the other account in database 1`);
    assert.equal(count(0, table, other), 0, `${table} of the other account in database 0`);
  }
  assert.deepEqual(fx.read.in(0, "SELECT account_id, home, moving FROM account_homes ORDER BY account_id"),
    [{ account_id: demo, home: 0, moving: 0 }, { account_id: other, home: 1, moving: 0 }]);
  // A session token names its database; each account works in its own.
  assert.match(fx.admin.cookie, /=0\./);
  assert.match(fx.otherAdmin.cookie, /=1\./);
  assert.equal(expectStatus(await fx.otherAdmin.get("/api/session"), 200).account_id, other);
  assert.ok(expectStatus(await fx.otherAdmin.get("/api/companies"), 200).items.some((c) => c.code === "OTHER-COMP"));
  // Deny twins: the same token naming another database, or one there is not, is no session.
  const forged = new Client(fx.worker.url);
  for (const home of ["0", "7", "99"]) {
    forged.cookie = fx.otherAdmin.cookie.replace("=1.", `=${home}.`);
    assertProblem(await forged.get("/api/session"), 401, "not_signed_in");
  }
});

test("o03 a user code proven in one database is taken in the other; the directory holds every proof", async () => {
  assert.deepEqual(fx.read.in(0, `SELECT account_id FROM proven_codes WHERE user_code_norm = '${OTHER.email}'`), [{ account_id: other }]);
  // Each database keeps a copy of the proofs made elsewhere.
  assert.deepEqual(fx.read.in(1, `SELECT account_id FROM proven_codes WHERE user_code_norm = '${DEMO.user_code}'`), [{ account_id: demo }]);
  const taken = await fx.admin.post("/api/users", { user_code: OTHER.email, name: "Not Theirs", group_id: fx.F.groupUserA.id });
  assertProblem(taken, 409, "already_used", "user_code");
  const takenThere = await fx.otherAdmin.post("/api/users", { user_code: DEMO.user_code, name: "Not Theirs", group_id: fx.F.otherGroup.id });
  assertProblem(takenThere, 409, "already_used", "user_code");
  // Twin: an address nobody proved may be invited from both databases.
  expectStatus(await fx.admin.post("/api/users", { user_code: "free.person@o03.example", name: "Free", group_id: fx.F.groupUserA.id }), 201);
  expectStatus(await fx.otherAdmin.post("/api/users", { user_code: "free.person@o03.example", name: "Free", group_id: fx.F.otherGroup.id }), 201);
});

test("o03 an account being moved is read-only: its reads answer, its writes are refused and store nothing", async () => {
  fx.worker.sql(`UPDATE account_homes SET moving = 1 WHERE account_id = ${demo}`);
  try {
    expectStatus(await fx.admin.get("/api/areas"), 200);
    const refused = await fx.admin.post("/api/areas", { code: "WHILE-MOVING", description: "Written while moving" });
    assertProblem(refused, 503, "account_moving");
    assert.equal(fx.read("SELECT COUNT(*) AS n FROM areas WHERE code = 'WHILE-MOVING'").reduce((sum, row) => sum + row.n, 0), 0);
    // Another account, in another database, is not held up.
    expectStatus(await fx.otherAdmin.post("/api/areas", { code: "OTHER-WHILE-MOVING" }), 201);
  } finally {
    fx.worker.sql(`UPDATE account_homes SET moving = 0 WHERE account_id = ${demo}`);
  }
  // Twin: once the move is over, the same write is stored.
  expectStatus(await fx.admin.post("/api/areas", { code: "WHILE-MOVING", description: "Written after" }), 201);
});

test("o03 the operator moves an account to another database: ids kept, sessions end, links still work, moving back is refused", async () => {
  for (const [client, sender] of [[fx.admin, "no-reply@demo.precinct.test"], [fx.otherAdmin, "no-reply@other.test"]]) {
    const current = (await client.get("/api/settings/mail")).json;
    expectStatus(await client.put("/api/settings/mail", {
      provider: "outbox", sender_address: sender, sender_name: "Sender",
      ...(current.configured ? { version: current.version } : {}),
    }), 200);
  }
  const linkTo = async (client, address) => {
    const outbox = expectStatus(await client.get("/api/outbox?limit=200"), 200).items;
    return outbox.filter((m) => m.to_address === address)
      .map((m) => /set-password\?token=([A-Za-z0-9_.-]+)/.exec(m.text_body)?.[1]).find(Boolean);
  };
  // An invitation waiting when the move starts (its link names database 0).
  const invited = expectStatus(await fx.admin.post("/api/users", { user_code: "invited.before@o03.example", name: "Ivy Invited", group_id: fx.F.groupUserA.id }), 201);
  const link = await linkTo(fx.admin, "invited.before@o03.example");
  assert.match(link ?? "", /^0\./);
  // A pending user whose address a user of the other account has proved since (R24): it moves
  // as it is, still saying so.
  const contested = "contested.move@o03.example";
  const pendingHere = expectStatus(await fx.admin.post("/api/users", { user_code: contested, name: "Pending Here", group_id: fx.F.groupUserA.id }), 201);
  expectStatus(await fx.otherAdmin.post("/api/users", { user_code: contested, name: "Owner There", group_id: fx.F.otherGroup.id }), 201);
  const ownerLink = await linkTo(fx.otherAdmin, contested);
  assert.match(ownerLink ?? "", /^1\./);
  expectStatus(await new Client(fx.worker.url).post("/api/password", { token: ownerLink, password: "Harbour-lantern-quartz-91" }), 200);
  assert.equal(expectStatus(await fx.admin.get(`/api/users/${pendingHere.id}`), 200).address_taken, true);
  const rowsBefore = Object.fromEntries(["users", "companies", "history", "user_groups", "areas"].map((t) => [t, count(0, t, demo)]));

  const moved = move(demo, 1);
  assert.equal(moved.status, 0, `${moved.stdout}\n${moved.stderr}`);
  assert.match(moved.stdout, /copied and verified/);

  // Every row is in database 1 now, none left in database 0; the directory points there.
  for (const [table, n] of Object.entries(rowsBefore)) {
    assert.equal(count(0, table, demo), 0, `${table} left in database 0`);
    assert.equal(count(1, table, demo), n + (table === "history" ? 1 : 0), `${table} in database 1`);
  }
  assert.deepEqual(fx.read.in(0, `SELECT home, moving FROM account_homes WHERE account_id = ${demo}`), [{ home: 1, moving: 0 }]);
  // The codes its people proved stay theirs everywhere.
  assert.deepEqual(fx.read.in(0, `SELECT account_id FROM proven_codes WHERE user_code_norm = '${DEMO.user_code}'`), [{ account_id: demo }]);
  assert.deepEqual(fx.read.in(1, `SELECT account_id FROM proven_codes WHERE user_code_norm = '${DEMO.user_code}'`), [{ account_id: demo }]);

  // Its sessions ended; signing in again lands in database 1, with the same ids as before.
  assertProblem(await fx.admin.get("/api/session"), 401, "not_signed_in");
  const admin = await signedIn(fx.worker.url);
  assert.match(admin.cookie, /=1\./);
  assert.equal(expectStatus(await admin.get(`/api/users/${fx.F.user.id}`), 200).user_code, fx.F.user.user_code);
  assert.equal(expectStatus(await admin.get(`/api/companies/${fx.F.compA1.id}`), 200).code, "COMP-A1");
  const entries = expectStatus(await admin.get("/api/history?limit=200"), 200).items;
  assert.ok(entries.some((entry) => /moved from database 0 to database 1/.test(entry.summary)), "the move is in the account's history");
  assert.equal(expectStatus(await admin.get(`/api/users/${pendingHere.id}`), 200).address_taken, true);
  // It writes again, in its new database's range.
  const area = expectStatus(await admin.post("/api/areas", { code: "AFTER-MOVE", description: "Written after the move" }), 201);
  assert.ok(area.id >= RANGE, `a new row is numbered by database 1 (${area.id})`);
  // The invitation sent before the move still opens the account, now in database 1.
  expectStatus(await new Client(fx.worker.url).post("/api/password", { token: link, password: "invited-before-move-2026" }), 200);
  const person = new Client(fx.worker.url);
  expectStatus(await person.signInPassword("invited.before@o03.example", "invited-before-move-2026"), 200);
  assert.match(person.cookie, /=1\./);
  assert.equal(expectStatus(await person.get("/api/session"), 200).user_id, invited.id);
  // The other account was never touched.
  assert.equal(expectStatus(await fx.otherAdmin.get("/api/session"), 200).account_id, other);

  // Deny twins: rows numbered by database 1 cannot go to database 0, and the account stays put
  // and writable; an account the directory does not know, or a database there is not, is refused.
  const back = move(demo, 0);
  assert.equal(back.status, 2, back.stdout);
  assert.match(back.stderr, /numbered by database 1/);
  assert.deepEqual(fx.read.in(0, `SELECT home, moving FROM account_homes WHERE account_id = ${demo}`), [{ home: 1, moving: 0 }]);
  expectStatus(await admin.post("/api/areas", { code: "STILL-WRITABLE" }), 201);
  assert.match(move(424242, 1).stderr, /no account 424242/);
  assert.match(move(demo, 5).stderr, /--to N: one of 0…1/);
});
