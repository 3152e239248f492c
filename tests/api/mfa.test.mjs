// R35: a second sign-in factor (TOTP) for administrators and local administrators, optional for
// users; recovery codes; an administrator's reset within scope; failed codes count toward the
// lock-out; login as another user needs the real person's factor, never the target's.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, assertProblem, expectStatus, Client, DEMO, CODES } from "./fixtures.mjs";
import { authenticator, forgetAuthenticator, totp } from "../harness.mjs";

let fx;
before(async () => {
  fx = await setup({ other: false });
});
after(async () => {
  await fx?.worker.stop();
});

const MINUTE = 60_000;
const step = (at) => Math.floor(at / 30_000);

/** A new local administrator of area A, created through the API, with the demo password. */
async function newLocalAdmin(code) {
  const created = expectStatus(
    await fx.admin.post("/api/users", { user_code: code, name: `LA ${code}`, group_id: fx.F.groupLaA.id }),
    201,
  );
  fx.worker.sql(`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE user_code_norm = '${DEMO.user_code}') WHERE id = ${created.id}`);
  return created;
}

test("r35 an administrator's first sign-in sets up the second factor before anything else", async () => {
  const code = "r35.first@demo.precinct.test";
  const created = await newLocalAdmin(code);
  const client = new Client(fx.worker.url);
  const signedIn = expectStatus(await client.signInPassword(code, DEMO.password), 200);
  assert.equal(signedIn.mfa_step, "enrol");
  assert.equal(signedIn.mfa_enrolled, false);
  for (const path of ["/api/users", "/api/areas", "/api/sessions"]) {
    assertProblem(await client.get(path), 403, "mfa_enrolment_required");
  }
  assertProblem(await client.post("/api/session/act-as", { user_id: fx.F.user.id }), 403, "mfa_enrolment_required");
  // Nothing to confirm before a secret was given.
  assertProblem(await client.post("/api/mfa/confirmation", { code: "123456" }), 409, "mfa_not_started");

  const enrolment = expectStatus(await client.post("/api/mfa/enrolment"), 200);
  assert.match(enrolment.secret, /^[A-Z2-7]{32}$/);
  assert.ok(enrolment.uri.startsWith("otpauth://totp/Precinct:r35.first%40demo.precinct.test?"), enrolment.uri);
  assert.ok(enrolment.uri.includes(`secret=${enrolment.secret}`));
  assert.ok(enrolment.qr_svg.startsWith("<svg"), enrolment.qr_svg.slice(0, 80));
  assert.ok(!/<script|on\w+=/i.test(enrolment.qr_svg));
  // Sealed at rest: the secret is not in D1.
  const [row] = fx.read(`SELECT secret_sealed, confirmed_at FROM user_mfa WHERE user_id = ${created.id}`);
  assert.ok(row.secret_sealed.startsWith("test:"), row.secret_sealed);
  assert.ok(!row.secret_sealed.includes(enrolment.secret));
  assert.equal(row.confirmed_at, null);

  const now = Date.now();
  const wrong = totp(enrolment.secret, step(now) + 5);
  assertProblem(await client.post("/api/mfa/confirmation", { code: wrong }), 422, "wrong_code", "code");
  assertProblem(await client.post("/api/mfa/confirmation", { code: "" }), 422, "required", "code");
  const confirmed = expectStatus(await client.post("/api/mfa/confirmation", { code: totp(enrolment.secret, step(now)) }), 200);
  assert.equal(confirmed.recovery_codes.length, 10);
  assert.equal(new Set(confirmed.recovery_codes).size, 10);
  for (const recovery of confirmed.recovery_codes) assert.match(recovery, /^[a-z2-7]{6}(-[a-z2-7]{6}){3}$/);
  // Stored hashed only.
  const stored = fx.read(`SELECT code_hash FROM user_recovery_codes WHERE user_id = ${created.id}`);
  assert.equal(stored.length, 10);
  for (const { code_hash } of stored) {
    assert.match(code_hash, /^[0-9a-f]{64}$/);
    assert.ok(!confirmed.recovery_codes.some((c) => c.replaceAll("-", "") === code_hash));
  }
  const me = expectStatus(await client.get("/api/session"), 200);
  assert.equal(me.mfa_step, undefined);
  assert.equal(me.mfa_enrolled, true);
  expectStatus(await client.get("/api/users"), 200);
  // Set up once: starting again is refused (only an administrator's reset replaces it).
  assertProblem(await client.post("/api/mfa/enrolment"), 409, "mfa_already_enrolled");
  const history = fx.read(`SELECT action FROM history WHERE entity_kind = 'user' AND entity_id = ${created.id} ORDER BY id`);
  assert.ok(history.some((h) => h.action === "mfa_enrolled"), JSON.stringify(history));
  assert.ok(history.some((h) => h.action === "mfa_failed"), JSON.stringify(history));
});

test("r35 then every sign-in asks for a code, each usable once; a recovery code works once", async () => {
  const code = "r35.again@demo.precinct.test";
  await newLocalAdmin(code);
  expectStatus(await new Client(fx.worker.url).signIn(code, DEMO.password), 200);
  const { secret, recoveryCodes } = authenticator(fx.worker.url, code);

  const client = new Client(fx.worker.url);
  const first = expectStatus(await client.signInPassword(code, DEMO.password), 200);
  assert.equal(first.mfa_step, "verify");
  assertProblem(await client.get("/api/users"), 403, "mfa_required");
  assertProblem(await client.post("/api/mfa/enrolment"), 403, "mfa_required");
  // The code of the step after the one used at set-up (the set-up used this step's).
  const later = step(Date.now()) + 1;
  const codeNow = totp(secret, later);
  const before = client.cookie;
  const entered = expectStatus(await client.post("/api/session/mfa", { code: codeNow }), 200);
  assert.equal(entered.mfa_step, undefined);
  // A new token once fully signed in (ASVS 7.2.4): the one from the password step is gone.
  assert.notEqual(client.cookie, before);
  const stale = new Client(fx.worker.url);
  stale.cookie = before;
  assertProblem(await stale.get("/api/session"), 401, "not_signed_in");
  expectStatus(await client.get("/api/users"), 200);
  assertProblem(await client.post("/api/session/mfa", { code: codeNow }), 409, "mfa_not_owed");

  // The same code in another session: refused (RFC 6238 §5.2), and so is an older one.
  const replay = new Client(fx.worker.url);
  expectStatus(await replay.signInPassword(code, DEMO.password), 200);
  assertProblem(await replay.post("/api/session/mfa", { code: codeNow }), 422, "wrong_code", "code");
  assertProblem(await replay.post("/api/session/mfa", { code: totp(secret, later - 1) }), 422, "wrong_code");
  // A recovery code, typed in capitals without dashes, works; the same one a second time does not.
  const recovery = recoveryCodes.shift();
  const typed = recovery.replaceAll("-", "").toUpperCase();
  expectStatus(await replay.post("/api/session/mfa", { code: typed }), 200);
  const third = new Client(fx.worker.url);
  expectStatus(await third.signInPassword(code, DEMO.password), 200);
  assertProblem(await third.post("/api/session/mfa", { code: recovery }), 422, "wrong_code");
  const [used] = fx.read(`SELECT COUNT(*) AS n FROM user_recovery_codes r JOIN users u ON u.id = r.user_id
    WHERE u.user_code_norm = '${code}' AND r.used_at IS NOT NULL`);
  assert.equal(used.n, 1);
});

test("r35 two sessions entering the same code at once: exactly one is accepted", async () => {
  const code = "r35.race@demo.precinct.test";
  await newLocalAdmin(code);
  expectStatus(await new Client(fx.worker.url).signIn(code, DEMO.password), 200);
  const { secret } = authenticator(fx.worker.url, code);
  const clients = [];
  for (let i = 0; i < 4; i++) {
    const client = new Client(fx.worker.url);
    expectStatus(await client.signInPassword(code, DEMO.password), 200);
    clients.push(client);
  }
  const shared = totp(secret, step(Date.now()) + 1);
  const answers = await Promise.all(clients.map((c) => c.post("/api/session/mfa", { code: shared })));
  assert.deepEqual(answers.map((a) => a.status).sort(), [200, 422, 422, 422]);
});

test("r35 wrong codes count toward the lock-out, and a right password does not wipe them", async () => {
  const code = "r35.locked@demo.precinct.test";
  await newLocalAdmin(code);
  const T = Date.UTC(2032, 2, 1, 8, 0, 0);
  expectStatus(await new Client(fx.worker.url, { now: T }).signIn(code, DEMO.password), 200);
  const { secret } = authenticator(fx.worker.url, code);
  const at = T + 10 * MINUTE;
  // Two wrong passwords, then the right one: the second step is still owed.
  const client = new Client(fx.worker.url, { now: at });
  for (let i = 0; i < 2; i++) assertProblem(await client.signInPassword(code, "wrong password"), 401);
  expectStatus(await client.signInPassword(code, DEMO.password), 200);
  // Three wrong codes make five failures: the sixth attempt is refused, even with the right code.
  for (let i = 0; i < 3; i++) {
    assertProblem(await client.post("/api/session/mfa", { code: String(100000 + i) }), 422, "wrong_code");
  }
  assertProblem(await client.post("/api/session/mfa", { code: totp(secret, step(at)) }), 429, "too_many_attempts");
  assertProblem(await new Client(fx.worker.url, { now: at }).signInPassword(code, DEMO.password), 429, "too_many_attempts");
  // Twin: once the lock ended, the right code is accepted and clears the count.
  const later = at + 16 * MINUTE;
  const again = new Client(fx.worker.url, { now: later });
  expectStatus(await again.signInPassword(code, DEMO.password), 200);
  expectStatus(await again.post("/api/session/mfa", { code: totp(secret, step(later)) }), 200);
  const [row] = fx.read(`SELECT COUNT(*) AS n FROM sign_in_throttle WHERE key = 'user:${code}'`);
  assert.equal(row.n, 0);
  const failures = fx.read(`SELECT COUNT(*) AS n FROM history WHERE action = 'mfa_failed' AND subject = '${code}'`);
  assert.equal(failures[0].n, 3);
});

test("r35 a session owing its second step lives 15 minutes at most", async () => {
  const code = "r35.slow@demo.precinct.test";
  await newLocalAdmin(code);
  const T = Date.UTC(2033, 0, 1, 8, 0, 0);
  const client = new Client(fx.worker.url, { now: T });
  expectStatus(await client.signInPassword(code, DEMO.password), 200);
  client.now = T + 14 * MINUTE;
  assert.equal(expectStatus(await client.get("/api/session"), 200).mfa_step, "enrol");
  client.now = T + 16 * MINUTE;
  assertProblem(await client.get("/api/session"), 401, "not_signed_in");
});

test("r35 users may set up a second factor; then they are asked for it too", async () => {
  const client = new Client(fx.worker.url);
  const me = expectStatus(await client.signInPassword(CODES.user_b, DEMO.password), 200);
  assert.equal(me.mfa_step, undefined);
  expectStatus(await client.get("/api/session/companies"), 200);
  const enrolment = expectStatus(await client.post("/api/mfa/enrolment"), 200);
  // Started again: the first secret is replaced and no longer confirms.
  const again = expectStatus(await client.post("/api/mfa/enrolment"), 200);
  assert.notEqual(again.secret, enrolment.secret);
  const now = Date.now();
  assertProblem(await client.post("/api/mfa/confirmation", { code: totp(enrolment.secret, step(now)) }), 422, "wrong_code");
  expectStatus(await client.post("/api/mfa/confirmation", { code: totp(again.secret, step(now)) }), 200);
  const next = new Client(fx.worker.url);
  assert.equal(expectStatus(await next.signInPassword(CODES.user_b, DEMO.password), 200).mfa_step, "verify");
  expectStatus(await next.post("/api/session/mfa", { code: totp(again.secret, step(now) + 1) }), 200);
});

test("r35 an administrator resets a second factor only within scope, never their own; the user's sessions end", async () => {
  const code = "r35.reset@demo.precinct.test";
  const target = await newLocalAdmin(code);
  const targetSession = new Client(fx.worker.url);
  expectStatus(await targetSession.signIn(code, DEMO.password), 200);
  const laA = await fx.signIn("la_a");
  const laB = await fx.signIn("la_b");
  const user = await fx.signIn("user");
  // Out of scope, or not an administrator: refused, nothing changed.
  assertProblem(await laB.delete(`/api/users/${target.id}/mfa`), 404);
  assertProblem(await user.delete(`/api/users/${target.id}/mfa`), 404);
  assertProblem(await laA.delete(`/api/users/${fx.F.me.user_id}/mfa`), 404);
  assertProblem(await fx.admin.delete(`/api/users/${fx.F.me.user_id}/mfa`), 403, "cannot_reset_own_mfa");
  assert.equal(fx.read(`SELECT COUNT(*) AS n FROM user_mfa WHERE user_id = ${target.id}`)[0].n, 1);
  expectStatus(await targetSession.get("/api/session"), 200);
  assert.equal(expectStatus(await laA.get(`/api/users/${target.id}`), 200).mfa_enrolled, true);

  // Acting as another administrator (R05) does not make one's own factor someone else's.
  const otherAdmin = expectStatus(
    await fx.admin.post("/api/users", { user_code: "r35.acted@demo.precinct.test", name: "Acted Admin", group_id: fx.F.groupAdmins.id }),
    201,
  );
  const real = new Client(fx.worker.url);
  expectStatus(await real.signIn(DEMO.user_code, DEMO.password), 200);
  expectStatus(await real.post("/api/session/act-as", { user_id: otherAdmin.id }), 200);
  assertProblem(await real.delete(`/api/users/${fx.F.me.user_id}/mfa`), 403, "cannot_reset_own_mfa");
  assert.equal(fx.read(`SELECT COUNT(*) AS n FROM user_mfa WHERE user_id = ${fx.F.me.user_id} AND confirmed_at IS NOT NULL`)[0].n, 1);

  const reset = await laA.delete(`/api/users/${target.id}/mfa`);
  assert.equal(reset.status, 204, reset.text);
  assertProblem(await targetSession.get("/api/session"), 401, "not_signed_in");
  assert.equal(fx.read(`SELECT COUNT(*) AS n FROM user_recovery_codes WHERE user_id = ${target.id}`)[0].n, 0);
  assert.equal(expectStatus(await laA.get(`/api/users/${target.id}`), 200).mfa_enrolled, false);
  const [entry] = fx.read(`SELECT actor_user_code, area_id FROM history WHERE action = 'mfa_reset' AND entity_id = ${target.id}`);
  assert.equal(entry.actor_user_code, CODES.la_a);
  assert.equal(entry.area_id, fx.F.areaA.id);
  assertProblem(await laA.delete(`/api/users/${target.id}/mfa`), 409, "mfa_not_enrolled");
  // The user sets it up again at the next sign-in.
  forgetAuthenticator(fx.worker.url, code);
  const next = new Client(fx.worker.url);
  assert.equal(expectStatus(await next.signInPassword(code, DEMO.password), 200).mfa_step, "enrol");
});

test("r35 login as another user needs the real person's second factor, never the target's", async () => {
  // USER-B set up a factor above; the administrator acts as them without it.
  const admin = new Client(fx.worker.url);
  const owed = await admin.signInPassword();
  assert.equal(expectStatus(owed, 200).mfa_step, "verify");
  assertProblem(await admin.post("/api/session/act-as", { user_id: fx.F.user_b.id }), 403, "mfa_required");
  expectStatus(await admin.completeSecondStep(owed, DEMO.user_code), 200);
  const acting = expectStatus(await admin.post("/api/session/act-as", { user_id: fx.F.user_b.id }), 200);
  assert.equal(acting.real_user_code, DEMO.user_code);
  assert.equal(acting.mfa_step, undefined);
  expectStatus(await admin.get("/api/session/companies"), 200);
});

test("r35 a sealed secret no key opens any more is a clear problem, never a 500", async () => {
  const code = "r35.unreadable@demo.precinct.test";
  const created = await newLocalAdmin(code);
  expectStatus(await new Client(fx.worker.url).signIn(code, DEMO.password), 200);
  fx.worker.sql(`UPDATE user_mfa SET secret_sealed = 'gone:AAAA' WHERE user_id = ${created.id}`);
  const client = new Client(fx.worker.url);
  expectStatus(await client.signInPassword(code, DEMO.password), 200);
  assertProblem(await client.post("/api/session/mfa", { code: "123456" }), 409, "mfa_secret_unreadable");
});
