// Mail (R24–R29) against the real worker and a capture server playing each provider.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, Client } from "../harness.mjs";
import { startCaptureServer } from "../support/capture-server.mjs";

const API_KEY = "re_live_SECRET_key_4f9a";
const MAIL_PASSWORD = "mail-Pa55word-9x!";
const DAY = 24 * 60 * 60 * 1000;
let worker, capture, admin, seen = [];

/** Every response body is kept, to prove no secret ever comes back (R26). */
async function call(client, method, path, body) {
  const response = await client.request(method, path, body);
  seen.push(response.text);
  return response;
}

async function saveSettings(input) {
  const current = (await call(admin, "GET", "/api/settings/mail")).json;
  const body = { ...input, ...(current.configured ? { version: current.version } : {}) };
  const response = await call(admin, "PUT", "/api/settings/mail", body);
  assert.equal(response.status, 200, response.text);
  return response.json;
}

async function createUser(user_code, name = "Mail Tester") {
  const groups = (await call(admin, "GET", "/api/groups")).json.items;
  const response = await call(admin, "POST", "/api/users", { user_code, name, group_id: groups[0].id });
  assert.equal(response.status, 201, response.text);
  return response.json;
}

async function outboxFor(address, subject) {
  for (let attempt = 0; attempt < 150; attempt++) {
    const items = (await call(admin, "GET", "/api/outbox")).json.items;
    const found = items.find((item) => item.to_address === address && (!subject || item.subject.includes(subject)));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`no outbox message to ${address}`);
}

const linkToken = (message) => /set-password\?token=([A-Za-z0-9_.-]+)/.exec(message.text_body)[1];

before(async () => {
  worker = await startWorker();
  capture = await startCaptureServer();
  admin = new Client(worker.url);
  await admin.signIn();
});
after(async () => {
  await capture?.stop();
  await worker?.stop();
});

test("r29 without account mail settings, sending names the missing setting and where to set it", async () => {
  const response = await call(admin, "POST", `/api/users/1/test-email`);
  assert.equal(response.status, 422);
  assert.equal(response.json.code, "mail_settings_missing");
  assert.match(response.json.message, /General Settings > Miscellaneous/);
  assert.match(response.json.message, /sender address/);
});

test("r26 the API key is stored encrypted, never returned, and masked in history", async () => {
  const saved = await saveSettings({ provider: "resend", api_base_url: capture.base("ok"), api_key: API_KEY, sender_address: "no-reply@demo.precinct.test", sender_name: "Demo Group" });
  assert.equal(saved.api_key_set, true);
  assert.ok(!JSON.stringify(saved).includes(API_KEY));
  const stored = worker.sql("SELECT api_key_cipher FROM mail_settings")[0].api_key_cipher;
  assert.match(stored, /^test:/);
  assert.ok(!stored.includes(API_KEY));
  const history = (await call(admin, "GET", "/api/history?entity_kind=mail_settings")).json.items;
  assert.ok(history.length >= 1);
  assert.equal(history[0].changes.find((c) => c.field === "api_key").after, "(changed)");
  // Saving again without a key keeps it.
  const kept = await saveSettings({ provider: "resend", api_base_url: capture.base("ok"), sender_address: "no-reply@demo.precinct.test", sender_name: "Demo Group" });
  assert.equal(kept.api_key_set, true);
});

test("r26 only regular administrators read or change the account mail settings", async () => {
  assert.equal((await call(new Client(worker.url), "GET", "/api/settings/mail")).status, 401);
  const area = (await call(admin, "POST", "/api/areas", { code: "MAILAREA" })).json;
  const group = (await call(admin, "POST", "/api/groups", { code: "LA_MAIL", access_level: "local_administrator", area_id: area.id, options: ["users_manage"] })).json;
  const local = (await call(admin, "POST", "/api/users", { user_code: "la.mail@demo.precinct.test", name: "Local Mail", group_id: group.id })).json;
  worker.sql(`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE id = 1) WHERE id = ${local.id}`);
  const la = new Client(worker.url);
  assert.equal((await la.signIn("la.mail@demo.precinct.test")).status, 200);
  const read = await call(la, "GET", "/api/settings/mail");
  assert.equal(read.status, 403);
  assert.equal(read.json.code, "requires_administrator");
  const write = await call(la, "PUT", "/api/settings/mail", { provider: "outbox", sender_address: "x@y.co" });
  assert.equal(write.status, 403);
  assert.equal((await call(la, "GET", "/api/outbox")).status, 403);
});

test("r27 resend: POST /emails with a bearer key and the documented JSON", async () => {
  await saveSettings({ provider: "resend", api_base_url: capture.base("ok"), api_key: API_KEY, sender_address: "no-reply@demo.precinct.test", sender_name: "Demo Group" });
  capture.clear();
  const response = await call(admin, "POST", "/api/users/1/test-email");
  assert.equal(response.status, 200, response.text);
  assert.match(response.json.message, /accepted/);
  const [request] = capture.requests;
  assert.equal(request.method, "POST");
  assert.equal(request.path, "/ok/emails");
  assert.equal(request.headers.authorization, `Bearer ${API_KEY}`);
  assert.equal(request.headers["content-type"], "application/json");
  assert.deepEqual(Object.keys(request.body).sort(), ["from", "html", "subject", "text", "to"]);
  assert.equal(request.body.from, "Demo Group <no-reply@demo.precinct.test>");
  assert.deepEqual(request.body.to, ["admin@demo.precinct.test"]);
  assert.equal(request.body.subject, "Precinct test email");
});

test("r27 postmark: POST /email with the server token header and its JSON", async () => {
  await saveSettings({ provider: "postmark", api_base_url: capture.base("ok"), api_key: "pm-server-token", sender_address: "no-reply@demo.precinct.test", sender_name: "" });
  capture.clear();
  const response = await call(admin, "POST", "/api/users/1/test-email");
  assert.equal(response.status, 200, response.text);
  const [request] = capture.requests;
  assert.equal(request.path, "/ok/email");
  assert.equal(request.headers["x-postmark-server-token"], "pm-server-token");
  assert.equal(request.headers.authorization, undefined);
  assert.deepEqual(request.body, {
    From: "no-reply@demo.precinct.test", To: "admin@demo.precinct.test", Subject: "Precinct test email",
    TextBody: request.body.TextBody, HtmlBody: request.body.HtmlBody, MessageStream: "outbound",
  });
  assert.match(request.body.HtmlBody, /<p>/);
});

test("r25 r27 relay: each message authenticates with the sending user's mail user and mail password", async () => {
  await saveSettings({ provider: "relay", api_base_url: capture.base("ok"), api_key: "", sender_address: "no-reply@demo.precinct.test", sender_name: "Relay" });
  const without = await call(admin, "POST", "/api/users/1/test-email");
  assert.equal(without.status, 422);
  assert.equal(without.json.code, "mail_password_missing");
  const mismatch = await call(admin, "PUT", "/api/preferences/mail-password", { password: MAIL_PASSWORD, confirmation: "other" });
  assert.equal(mismatch.status, 422);
  assert.equal(mismatch.json.field, "confirmation");
  const set = await call(admin, "PUT", "/api/preferences/mail-password", { password: MAIL_PASSWORD, confirmation: MAIL_PASSWORD });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.json.mail_password_set, true);
  assert.equal(set.json.mail_user, "admin@demo.precinct.test");
  capture.clear();
  const sent = await call(admin, "POST", "/api/users/1/test-email");
  assert.equal(sent.status, 200, sent.text);
  const [request] = capture.requests;
  assert.equal(request.path, "/ok/messages");
  assert.equal(request.headers.authorization, `Basic ${Buffer.from(`admin@demo.precinct.test:${MAIL_PASSWORD}`).toString("base64")}`);
});

test("r37 a mail password goes only to the relay address it was entered for", async () => {
  // The relay moved: the stored password (entered for /ok) is not sent to /elsewhere.
  await saveSettings({ provider: "relay", api_base_url: capture.base("elsewhere"), api_key: "", sender_address: "no-reply@demo.precinct.test", sender_name: "Relay" });
  capture.clear();
  const refused = await call(admin, "POST", "/api/users/1/test-email");
  assert.equal(refused.status, 409, refused.text);
  assert.equal(refused.json.code, "mail_password_required_again");
  assert.equal(refused.json.field, "mail_password");
  assert.equal(capture.requests.length, 0);
  // Nor through a forgotten-password link the person asks for.
  const forgot = await call(new Client(worker.url), "POST", "/api/password/forgot", { user_code: "admin@demo.precinct.test" });
  assert.equal(forgot.status, 202, forgot.text);
  assert.equal(capture.requests.length, 0);
  // Twins: back at the address it was entered for, it is sent; typed again for the new one, too.
  await saveSettings({ provider: "relay", api_base_url: capture.base("ok") + "/", api_key: "", sender_address: "no-reply@demo.precinct.test", sender_name: "Relay" });
  assert.equal((await call(admin, "POST", "/api/users/1/test-email")).status, 200);
  await saveSettings({ provider: "relay", api_base_url: capture.base("elsewhere"), api_key: "", sender_address: "no-reply@demo.precinct.test", sender_name: "Relay" });
  const set = await call(admin, "PUT", "/api/preferences/mail-password", { password: MAIL_PASSWORD, confirmation: MAIL_PASSWORD });
  assert.equal(set.status, 200, set.text);
  capture.clear();
  assert.equal((await call(admin, "POST", "/api/users/1/test-email")).status, 200);
  assert.equal(capture.requests[0].path, "/elsewhere/messages");
  await saveSettings({ provider: "relay", api_base_url: capture.base("ok"), api_key: "", sender_address: "no-reply@demo.precinct.test", sender_name: "Relay" });
  await call(admin, "PUT", "/api/preferences/mail-password", { password: MAIL_PASSWORD, confirmation: MAIL_PASSWORD });
});

test("r28 the mail password change is in history as 'mail password changed', never the password", async () => {
  const entries = (await call(admin, "GET", "/api/history?entity_kind=user&entity_id=1")).json.items;
  const entry = entries.find((e) => e.action === "mail_password_changed");
  assert.ok(entry);
  assert.equal(entry.summary, "Mail password changed");
  const rows = worker.sql("SELECT changes, summary FROM history");
  assert.ok(rows.every((row) => !row.changes.includes(MAIL_PASSWORD) && !row.summary.includes(MAIL_PASSWORD)));
  assert.ok(!worker.sql("SELECT mail_password_cipher FROM users WHERE id = 1")[0].mail_password_cipher.includes(MAIL_PASSWORD));
});

test("r25 a new user's mail password is optional at creation, set in the same Save, sealed, and named in history only as set", async () => {
  const groups = (await call(admin, "GET", "/api/groups")).json.items;
  const secret = "Creation-mail-secret-7";
  // Typed twice; a mismatch is refused beside the confirmation, with the other fields' errors, and nothing is written.
  const users = worker.sql("SELECT COUNT(*) AS n FROM users")[0].n;
  const refused = await call(admin, "POST", "/api/users", {
    user_code: "mail.create@demo.precinct.test", name: "", group_id: groups[0].id,
    mail_password: { password: secret, confirmation: "other" },
  });
  assert.equal(refused.status, 422, refused.text);
  assert.deepEqual(refused.json.errors.map((e) => e.field), ["name", "mail_password_confirmation"]);
  assert.equal(worker.sql("SELECT COUNT(*) AS n FROM users")[0].n, users);
  const created = await call(admin, "POST", "/api/users", {
    user_code: "mail.create@demo.precinct.test", name: "Mail At Creation", group_id: groups[0].id,
    mail_password: { password: secret, confirmation: secret },
  });
  assert.equal(created.status, 201, created.text);
  const [row] = worker.sql(`SELECT mail_password_cipher FROM users WHERE id = ${created.json.id}`);
  assert.ok(row.mail_password_cipher && !row.mail_password_cipher.includes(secret));
  const config = await call(admin, "GET", `/api/users/${created.json.id}/mail`);
  assert.equal(config.json.mail_password_set, true, config.text);
  const history = worker.sql(`SELECT changes FROM history WHERE entity_kind = 'user' AND entity_id = ${created.json.id}`);
  assert.ok(history.some((entry) => entry.changes.includes("mail_password")));
  assert.ok(history.every((entry) => !entry.changes.includes(secret)));
  // Without one (the procedure's "optional"): created, no mail password.
  const plain = await call(admin, "POST", "/api/users", { user_code: "mail.none@demo.precinct.test", name: "No Mail Password", group_id: groups[0].id });
  assert.equal(plain.status, 201, plain.text);
  assert.equal(worker.sql(`SELECT mail_password_cipher FROM users WHERE id = ${plain.json.id}`)[0].mail_password_cipher, null);
});

for (const [mode, code, words] of [
  ["401", "mail_wrong_key", /API key/],
  ["422-domain", "mail_sender_not_verified", /not verified/],
  ["422-recipient", "mail_recipient_rejected", /recipient/],
  ["429", "mail_rate_limited", /Try again/],
  ["500", "mail_provider_down", /HTTP 500/],
]) {
  test(`r27 a provider answering ${mode} is explained as ${code}`, async () => {
    await saveSettings({ provider: "resend", api_base_url: capture.base(mode), api_key: API_KEY, sender_address: "no-reply@demo.precinct.test", sender_name: "" });
    const response = await call(admin, "POST", "/api/users/1/test-email");
    assert.equal(response.status, 502, response.text);
    assert.equal(response.json.code, code);
    assert.match(response.json.message, words);
  });
}

test("r27 the provider's own words reach the person", async () => {
  await saveSettings({ provider: "resend", api_base_url: capture.base("401"), api_key: API_KEY, sender_address: "no-reply@demo.precinct.test", sender_name: "" });
  const response = await call(admin, "POST", "/api/users/1/test-email");
  assert.match(response.json.message, /API key is invalid/);
});

test("r27 a provider that never answers times out instead of hanging", async () => {
  await saveSettings({ provider: "resend", api_base_url: capture.base("hang"), api_key: API_KEY, sender_address: "no-reply@demo.precinct.test", sender_name: "" });
  const start = performance.now();
  const response = await call(admin, "POST", "/api/users/1/test-email");
  const elapsed = performance.now() - start;
  assert.equal(response.status, 502);
  assert.equal(response.json.code, "mail_timeout");
  assert.ok(elapsed < 6000, `took ${elapsed} ms`);
});

test("outbox: the local default stores the message and says it delivered nothing", async () => {
  await saveSettings({ provider: "outbox", api_base_url: "", api_key: "", sender_address: "no-reply@demo.precinct.test", sender_name: "Demo" });
  const response = await call(admin, "POST", "/api/users/1/test-email");
  assert.equal(response.status, 200, response.text);
  assert.match(response.json.message, /Outbox/);
  const message = await outboxFor("admin@demo.precinct.test", "test email");
  assert.equal(message.kind, "test");
});

test("r24 r25 the mail user follows the user code, also in history", async () => {
  const user = await createUser("mail.follow@demo.precinct.test");
  assert.equal(user.mail_user, user.user_code);
  const changed = await call(admin, "PUT", `/api/users/${user.id}`, { user_code: "Mail.Renamed@demo.precinct.test", name: user.name, version: user.version });
  assert.equal(changed.status, 200, changed.text);
  const config = (await call(admin, "GET", `/api/users/${user.id}/mail`)).json;
  // User codes are stored lower-cased (one spelling everywhere).
  assert.equal(config.mail_user, "mail.renamed@demo.precinct.test");
  assert.equal(config.mail_password_set, false);
  const entries = (await call(admin, "GET", `/api/history?entity_kind=user&entity_id=${user.id}`)).json.items;
  const update = entries.find((e) => e.action === "updated");
  assert.deepEqual(update.changes.find((c) => c.field === "mail_user"), { field: "mail_user", before: "mail.follow@demo.precinct.test", after: "mail.renamed@demo.precinct.test" });
  const bad = await call(admin, "PUT", `/api/users/${user.id}`, { user_code: "not-an-email", name: user.name, version: changed.json.version });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.field, "user_code");
});

test("invitation: single-use link, stored hashed, sets the password; a used or expired link is refused", async () => {
  await saveSettings({ provider: "outbox", api_base_url: "", sender_address: "no-reply@demo.precinct.test", sender_name: "Demo" });
  const user = await createUser("invited@demo.precinct.test", "Ivy Invited");
  const message = await outboxFor("invited@demo.precinct.test", "invited");
  const token = linkToken(message);
  assert.ok(!worker.sql("SELECT token_hash FROM password_tokens").some((row) => row.token_hash === token));
  const anonymous = new Client(worker.url);
  const weak = await call(anonymous, "POST", "/api/password", { token, password: "short" });
  assert.equal(weak.status, 422);
  assert.equal(weak.json.field, "password");
  const set = await call(anonymous, "POST", "/api/password", { token, password: "a long enough password" });
  assert.equal(set.status, 200, set.text);
  assert.equal((await anonymous.signIn("invited@demo.precinct.test", "a long enough password")).status, 200);
  const reused = await call(new Client(worker.url), "POST", "/api/password", { token, password: "another long password" });
  assert.equal(reused.status, 422);
  assert.equal(reused.json.code, "invalid_link");

  // Resent invitation, then used after its expiry (7 days) on the test clock.
  const resent = await call(admin, "POST", `/api/users/${user.id}/invitation`);
  assert.equal(resent.status, 200, resent.text);
  const items = (await call(admin, "GET", "/api/outbox")).json.items.filter((m) => m.to_address === "invited@demo.precinct.test");
  const fresh = linkToken(items[0]);
  assert.notEqual(fresh, token);
  const late = new Client(worker.url, { now: Date.now() + 8 * DAY });
  const expired = await call(late, "POST", "/api/password", { token: fresh, password: "a long enough password 2" });
  assert.equal(expired.status, 422);
  assert.equal(expired.json.code, "invalid_link");
});

test("forgot password answers the same for known and unknown addresses; the known one gets a link", async () => {
  await saveSettings({ provider: "outbox", api_base_url: "", sender_address: "no-reply@demo.precinct.test", sender_name: "Demo" });
  const anonymous = new Client(worker.url);
  const known = await call(anonymous, "POST", "/api/password/forgot", { user_code: "INVITED@demo.precinct.test" });
  const unknown = await call(anonymous, "POST", "/api/password/forgot", { user_code: "nobody@demo.precinct.test" });
  assert.equal(known.status, 202);
  assert.equal(unknown.status, known.status);
  assert.deepEqual(unknown.json, known.json);
  const message = await outboxFor("invited@demo.precinct.test", "Reset");
  const token = linkToken(message);
  const set = await call(anonymous, "POST", "/api/password", { token, password: "a brand new password" });
  assert.equal(set.status, 200, set.text);
  assert.equal((await new Client(worker.url).signIn("invited@demo.precinct.test", "a brand new password")).status, 200);
  const again = await call(anonymous, "POST", "/api/password", { token, password: "yet another password" });
  assert.equal(again.status, 422);
  assert.equal(worker.sql("SELECT COUNT(*) AS n FROM outbox WHERE to_address = 'nobody@demo.precinct.test'")[0].n, 0);
});

test("r26 no secret appears in any response, history entry or worker log line", () => {
  const everything = [...seen, JSON.stringify(worker.sql("SELECT * FROM history")), worker.log()].join("\n");
  for (const secret of [API_KEY, MAIL_PASSWORD, "pm-server-token"]) {
    assert.ok(!everything.includes(secret), `${secret} leaked`);
  }
});
