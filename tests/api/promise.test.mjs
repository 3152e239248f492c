// The promise at every edge (R31–R33, R19, R30): nobody ends up with more than the local
// administrator who acted holds; a reference never names a person outside the reader's area; one
// Save is one request and one atomic write; links and sessions follow the person; history tells
// every cascade. Each allow has its deny twin, and every refusal is checked to change nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  setup, snapshot, reload, assertProblem, expectStatus, signedIn, sqlString, USER_OPTIONS, CODES, DEMO, Client,
} from "./fixtures.mjs";
import { startWorker } from "../harness.mjs";

let fx, F, laA, laB;
before(async () => {
  fx = await setup();
  F = fx.F;
  laA = await fx.signIn("la_a");
  laB = await fx.signIn("la_b");
});
after(async () => {
  await fx?.worker.stop();
});

/** Gives users created through the API the demo password (they have none until invited). */
function givePassword(...codes) {
  const hash = `(SELECT password_hash FROM users WHERE user_code_norm = ${sqlString(DEMO.user_code)})`;
  fx.worker.sql(`UPDATE users SET password_hash = ${hash} WHERE user_code_norm IN (${codes.map(sqlString).join(", ")})`);
}

async function created(client, path, body) {
  const response = await client.post(path, body);
  assert.equal(response.status, 201, `POST ${path}: ${response.text}`);
  return response.json;
}

/** A refused request: its problem, and no change to the security tables. */
async function refusedWithoutChange(send, status, code, field) {
  const before = snapshot(fx.read);
  assertProblem(await send(), status, code, field);
  assert.deepEqual(snapshot(fx.read), before, "a refused request changed D1");
}

// ---------------------------------------------------------------------------------------------
// R31 The options ceiling.

let narrow, poorGroup;
test("r31 a local administrator cannot create a user in a group richer than itself; in one within its rights it can", async () => {
  // NARROW-A: a local administrator of area A holding only the users and groups options.
  const narrowGroup = await created(fx.admin, "/api/groups", {
    code: "NARROW-A", access_level: "local_administrator", area_id: F.areaA.id, options: ["users_manage", "groups_manage"],
  });
  await created(fx.admin, "/api/users", { user_code: "narrow.a@demo.precinct.test", name: "Nora Narrow", group_id: narrowGroup.id });
  givePassword("narrow.a@demo.precinct.test");
  narrow = await signedIn(fx.worker.url, "narrow.a@demo.precinct.test");
  // USER-GROUP-A reads reports, projects and employees, which NARROW-A cannot.
  await refusedWithoutChange(
    () => narrow.post("/api/users", { user_code: "rich.new@demo.precinct.test", name: "Rich New", group_id: F.groupUserA.id }),
    403, "beyond_own_rights",
  );
  poorGroup = await created(fx.admin, "/api/groups", { code: "POOR-A", access_level: "user", area_id: F.areaA.id, options: [] });
  const poor = await created(narrow, "/api/users", { user_code: "poor.new@demo.precinct.test", name: "Pat Poor", group_id: poorGroup.id });
  assert.equal(poor.group_id, poorGroup.id);
});

test("r31 a local administrator cannot move a user where they gain rights it lacks; moving to fewer rights is allowed", async () => {
  const target = await reload(fx.admin, `/api/users?q=pat`).then((page) => page.items.find((u) => u.user_code === "poor.new@demo.precinct.test"));
  await refusedWithoutChange(
    () => narrow.post(`/api/users/${target.id}/move`, { group_id: F.groupUserA.id, version: target.version }),
    403, "beyond_own_rights",
  );
  // The same move by la_a, who holds everything USER-GROUP-A gives, and back by NARROW-A (a loss).
  const moved = await laA.post(`/api/users/${target.id}/move`, { group_id: F.groupUserA.id, version: target.version });
  assert.equal(moved.status, 200, moved.text);
  const back = await narrow.post(`/api/users/${target.id}/move`, { group_id: poorGroup.id, version: moved.json.user.version });
  assert.equal(back.status, 200, back.text);
});

test("r31 raising a group's level counts the stored options that come alive; editing a richer group's description stays allowed", async () => {
  // A User-level group of area A storing Login as another user (inert at User level), with a member.
  const inert = await created(fx.admin, "/api/groups", {
    code: "INERT-A", access_level: "user", area_id: F.areaA.id, options: ["login_as_another_user", "preferences"],
  });
  await created(fx.admin, "/api/users", { user_code: "inert.member@demo.precinct.test", name: "Ines Inert", group_id: inert.id });
  const edit = (extra) => ({ code: inert.code, description: inert.description, access_level: inert.access_level, area_id: inert.area_id, options: inert.options, version: inert.version, ...extra });
  // NARROW-A lacks Login as another user: the level change would make it live for the member.
  await refusedWithoutChange(() => narrow.put(`/api/groups/${inert.id}`, edit({ access_level: "local_administrator" })), 403, "beyond_own_rights");
  // Nobody gains from a description (R31's twin): allowed even though the group holds more.
  const described = await narrow.put(`/api/groups/${inert.id}`, edit({ description: "Renamed by a narrower admin" }));
  assert.equal(described.status, 200, described.text);
  // One Save may raise the level while dropping what would come alive.
  const raised = await narrow.put(`/api/groups/${inert.id}`, edit({ access_level: "local_administrator", options: [], version: described.json.version }));
  assert.equal(raised.status, 200, raised.text);
  assert.deepEqual(raised.json.options, []);
  // la_a holds Login as another user: it may give it at Local Administrator level.
  const given = await laA.put(`/api/groups/${inert.id}`, edit({ access_level: "local_administrator", options: ["login_as_another_user"], version: raised.json.version }));
  assert.equal(given.status, 200, given.text);
});

test("r31 enabling a disabled user gives their group's rights back: only within the local administrator's own", async () => {
  const active = await reload(fx.admin, `/api/users/${F.disabled.id}`);
  if (active.active) expectStatus(await fx.admin.post(`/api/users/${active.id}/disable`, { version: active.version }), 200);
  const disabled = await reload(fx.admin, `/api/users/${F.disabled.id}`);
  assert.equal(disabled.active, false);
  await refusedWithoutChange(() => narrow.post(`/api/users/${disabled.id}/enable`, { version: disabled.version }), 403, "beyond_own_rights");
  const enabled = await laA.post(`/api/users/${disabled.id}/enable`, { version: disabled.version });
  assert.equal(enabled.status, 200, enabled.text);
  const again = await laA.post(`/api/users/${disabled.id}/disable`, { version: enabled.json.version });
  assert.equal(again.status, 200, again.text);
});

// ---------------------------------------------------------------------------------------------
// R19 and every reference: who holds the role, and who reads it.

test("r19 the user in charge of a company is a user of its area or a regular administrator, whoever sets it", async () => {
  const company = await reload(fx.admin, `/api/companies/${F.compA1.id}`);
  const body = (user) => ({ code: company.code, name: company.name, directory_id: company.directory_id, area_id: company.area_id, user_in_charge_id: user, version: company.version });
  await refusedWithoutChange(() => fx.admin.put(`/api/companies/${company.id}`, body(F.user_b.id)), 422, "user_in_charge_outside_area");
  const ok = await fx.admin.put(`/api/companies/${company.id}`, body(F.user.id));
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.user_in_charge.id, F.user.id);
  const admin = await fx.admin.put(`/api/companies/${company.id}`, { ...body(F.me.user_id), version: ok.json.version });
  assert.equal(admin.status, 200, admin.text);
  const back = await fx.admin.put(`/api/companies/${company.id}`, { ...body(F.user.id), version: admin.json.version });
  assert.equal(back.status, 200, back.text);
  // r32: what a person typed (a name or a user code) is resolved, or refused beside the field.
  const typed = (text, version) => ({ ...body(null), user_in_charge: text, version });
  await refusedWithoutChange(() => fx.admin.put(`/api/companies/${company.id}`, typed("Nobody Called This", back.json.version)), 422, "unknown_user", "user_in_charge");
  await refusedWithoutChange(() => laA.put(`/api/companies/${company.id}`, typed("Ugo User B", back.json.version)), 422, "unknown_user", "user_in_charge");
  const byName = await fx.admin.put(`/api/companies/${company.id}`, typed("uma user a", back.json.version));
  assert.equal(byName.status, 200, byName.text);
  assert.equal(byName.json.user_in_charge.id, F.user.id);
  await created(fx.admin, "/api/users", { user_code: "twin.one@demo.precinct.test", name: "Twin Name", group_id: F.groupUserA.id });
  await created(fx.admin, "/api/users", { user_code: "twin.two@demo.precinct.test", name: "Twin Name", group_id: F.groupUserA.id });
  await refusedWithoutChange(() => fx.admin.put(`/api/companies/${company.id}`, typed("Twin Name", byName.json.version)), 422, "ambiguous_user", "user_in_charge");
  const byCode = await fx.admin.put(`/api/companies/${company.id}`, typed("TWIN.ONE@demo.precinct.test", byName.json.version));
  assert.equal(byCode.status, 200, byCode.text);
  const home = await fx.admin.put(`/api/companies/${company.id}`, { ...body(F.user.id), version: byCode.json.version });
  assert.equal(home.status, 200, home.text);
});

test("r19 a user in charge left outside the area by a later move is named to nobody who may not see them, and listed for review", async () => {
  // F.user (area A) is in charge of COMP-A1; the regular administrator moves them to area B.
  const user = await reload(fx.admin, `/api/users/${F.user.id}`);
  const moved = await fx.admin.put(`/api/users/${user.id}`, {
    user_code: user.user_code, name: user.name, group_id: F.groupUserB.id, confirm_move_across_areas: true, version: user.version,
  });
  assert.equal(moved.status, 200, moved.text);
  const code = CODES.user;
  for (const path of [`/api/companies/${F.compA1.id}`, "/api/companies", "/api/companies?q=comp", "/api/about/companies"]) {
    const answer = await laA.get(path);
    assert.equal(answer.status, 200, answer.text);
    assert.ok(!answer.text.includes(code), `${path} names ${code}: ${answer.text}`);
    assert.ok(!answer.text.includes("Uma User"), `${path} names the user`);
  }
  const seen = (await laA.get(`/api/companies/${F.compA1.id}`)).json;
  assert.equal(seen.user_in_charge, null);
  assert.equal(seen.user_in_charge_hidden, true);
  // The regular administrator sees who it is, and the review lists the company.
  const review = (await fx.admin.get("/api/companies?user_in_charge=outside_area")).json;
  assert.deepEqual(review.items.map((c) => c.code), ["COMP-A1"]);
  assert.equal(review.items[0].user_in_charge.id, F.user.id);
  assert.equal(review.items[0].user_in_charge_outside_area, true);
  assert.equal((await laA.get("/api/companies?user_in_charge=outside_area")).json.items.length, 0);
  // la_a saving the company with the field empty keeps the holder it cannot see.
  const save = await laA.put(`/api/companies/${F.compA1.id}`, {
    code: seen.code, name: "Company A One renamed", directory_id: seen.directory_id, area_id: seen.area_id, version: seen.version,
  });
  assert.equal(save.status, 200, save.text);
  assert.equal(fx.read(`SELECT user_in_charge_id FROM companies WHERE id = ${F.compA1.id}`)[0].user_in_charge_id, F.user.id);
  // Twin: when the person is of the reader's area again, they are named.
  const current = await reload(fx.admin, `/api/users/${F.user.id}`);
  const home = await fx.admin.put(`/api/users/${F.user.id}`, {
    user_code: current.user_code, name: current.name, group_id: F.groupUserA.id, confirm_move_across_areas: true, version: current.version,
  });
  assert.equal(home.status, 200, home.text);
  assert.equal((await laA.get(`/api/companies/${F.compA1.id}`)).json.user_in_charge.user_code, code);
});

test("r21 a history entry of the reader's area names its actor only when the reader may see them; the user range cannot spell a hidden code", async () => {
  await created(fx.admin, "/api/users", { user_code: "la.a2@demo.precinct.test", name: "Lea Local A2", group_id: F.groupLaA.id });
  givePassword("la.a2@demo.precinct.test");
  const laA2 = await signedIn(fx.worker.url, "la.a2@demo.precinct.test");
  const company = await reload(laA2, `/api/companies/${F.compA2.id}`);
  const renamed = await laA2.put(`/api/companies/${company.id}`, { code: company.code, name: "Renamed by Lea", directory_id: company.directory_id, area_id: company.area_id, version: company.version });
  assert.equal(renamed.status, 200, renamed.text);
  const entries = async (client, query) => (await client.get(`/api/history?entity_kind=company&entity_id=${company.id}${query ?? ""}`)).json.items;
  assert.equal((await entries(laA))[0].actor_user_code, "la.a2@demo.precinct.test");
  // The regular administrator moves Lea to area B: area A's readers no longer learn who she is.
  const lea = (await fx.admin.get("/api/users?q=lea")).json.items[0];
  const moved = await fx.admin.put(`/api/users/${lea.id}`, { user_code: lea.user_code, name: lea.name, group_id: F.groupLaB.id, confirm_move_across_areas: true, version: lea.version });
  assert.equal(moved.status, 200, moved.text);
  const hidden = (await entries(laA))[0];
  assert.equal(hidden.actor_user_code, null);
  assert.equal(hidden.actor_hidden, true);
  assert.ok(!JSON.stringify(await entries(laA)).includes("la.a2@"));
  assert.equal((await entries(laA, "&user_from=la.a2&user_to=la.a2")).length, 0);
  // Twin: the regular administrator reads the code as written.
  const full = (await entries(fx.admin))[0];
  assert.equal(full.actor_user_code, "la.a2@demo.precinct.test");
  assert.equal(full.actor_hidden, false);
  assert.ok((await entries(fx.admin, "&user_from=la.a2&user_to=la.a2")).length >= 1);
});

test("r12 a plain directory's stored area (of another area) is not shown to a local administrator; a regular administrator sees it", async () => {
  const dir = await created(fx.admin, "/api/directories", { code: "DIR-STORED-B", name: "Plain, area B stored", area_id: F.areaB.id });
  const seen = (await laA.get(`/api/directories/${dir.id}`)).json;
  assert.equal(seen.area_id, null);
  assert.equal(seen.area_code, null);
  const listed = (await laA.get("/api/directories?limit=200")).json.items.find((d) => d.id === dir.id);
  assert.equal(listed.area_code, null);
  assert.ok(!(await laA.get("/api/directories?limit=200")).text.includes("AREA-B"));
  assert.equal((await fx.admin.get(`/api/directories/${dir.id}`)).json.area_code, "AREA-B");
});

// ---------------------------------------------------------------------------------------------
// R32 One Save, one outcome.

test("r32 a refused Save stores nothing: renaming oneself while changing one's own group is refused whole", async () => {
  const me = await reload(laA, `/api/users/${F.la_a.id}`);
  await refusedWithoutChange(
    () => laA.put(`/api/users/${me.id}`, { user_code: me.user_code, name: "Lara Renamed", group_id: F.groupUserA.id, version: me.version }),
    403, "cannot_move_self",
  );
  assert.equal((await reload(fx.admin, `/api/users/${me.id}`)).name, "Lara Local A");
  // Twin: renaming oneself alone is one Save that stores.
  const renamed = await laA.put(`/api/users/${me.id}`, { user_code: me.user_code, name: "Lara Local A", language: "fr", version: me.version });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal(renamed.json.language, "fr");
});

test("r32 one Save renames and moves a user in one request and one batch; across areas only once confirmed", async () => {
  const target = await created(fx.admin, "/api/users", { user_code: "save.once@demo.precinct.test", name: "Sam Once", group_id: F.groupUserA.id });
  const edit = { user_code: target.user_code, name: "Sam Twice", group_id: F.groupUserB.id, version: target.version };
  await refusedWithoutChange(() => fx.admin.put(`/api/users/${target.id}`, edit), 409, "confirm_move_across_areas", "group_id");
  const saved = await fx.admin.put(`/api/users/${target.id}`, { ...edit, confirm_move_across_areas: true });
  assert.equal(saved.status, 200, saved.text);
  assert.equal(saved.json.name, "Sam Twice");
  assert.equal(saved.json.group_id, F.groupUserB.id);
  assert.equal(saved.json.area_id, F.areaB.id);
  const stored = fx.read(`SELECT name, group_id, area_id FROM users WHERE id = ${target.id}`)[0];
  assert.deepEqual(stored, { name: "Sam Twice", group_id: F.groupUserB.id, area_id: F.areaB.id });
  const actions = fx.read(`SELECT action, area_id FROM history WHERE entity_kind = 'user' AND entity_id = ${target.id} ORDER BY id`);
  assert.deepEqual(actions.slice(-3), [
    { action: "updated", area_id: F.areaA.id }, { action: "moved", area_id: F.areaA.id }, { action: "moved", area_id: F.areaB.id },
  ]);
  // Inside one area no confirmation is asked.
  const inside = await fx.admin.put(`/api/users/${target.id}`, { user_code: target.user_code, name: "Sam Twice", group_id: F.groupLaB.id, version: saved.json.version });
  assert.equal(inside.status, 200, inside.text);
});

test("r32 creating a user without account mail settings says that no invitation went out, why, and where to fix it", async () => {
  const group = (await fx.otherAdmin.get("/api/groups")).json.items.find((g) => g.access_level === "user");
  const answer = await fx.otherAdmin.post("/api/users", { user_code: "no.mail@other.test", name: "No Mail", group_id: group.id });
  assert.equal(answer.status, 201, answer.text);
  assert.equal(answer.json.invitation.sent, false);
  assert.equal(answer.json.invitation.code, "mail_settings_missing");
  assert.match(answer.json.invitation.message, /General Settings > Miscellaneous/);
  // Twin: with mail settings the answer says it went out.
  const settings = await fx.admin.put("/api/settings/mail", { provider: "outbox", sender_address: "no-reply@demo.precinct.test", sender_name: "Demo", ...await mailVersion() });
  assert.equal(settings.status, 200, settings.text);
  const invited = await created(fx.admin, "/api/users", { user_code: "with.mail@demo.precinct.test", name: "With Mail", group_id: F.groupUserA.id });
  assert.equal(invited.invitation.sent, true);
  // The invitation is not part of the user record read later.
  assert.equal((await reload(fx.admin, `/api/users/${invited.id}`)).invitation, undefined);
});

async function mailVersion() {
  const current = (await fx.admin.get("/api/settings/mail")).json;
  return current.configured ? { version: current.version } : {};
}

// ---------------------------------------------------------------------------------------------
// R33 Links and sessions follow the person.

async function outboxTokens(address) {
  const items = (await fx.admin.get("/api/outbox?limit=200")).json.items.filter((m) => m.to_address === address);
  return items.map((m) => /set-password\?token=([A-Za-z0-9_.-]+)/.exec(m.text_body)?.[1]).filter(Boolean);
}

test("r33 a resent invitation retires the earlier link: only the newest works, and history names who sent it", async () => {
  const user = await created(fx.admin, "/api/users", { user_code: "resend.me@demo.precinct.test", name: "Rey Resend", group_id: F.groupUserA.id });
  const [first] = await outboxTokens(user.user_code);
  assert.ok(first);
  assert.equal((await laA.post(`/api/users/${user.id}/invitation`)).status, 200);
  const tokens = await outboxTokens(user.user_code);
  const newest = tokens.find((t) => t !== first);
  assert.ok(newest);
  const anonymous = new Client(fx.worker.url);
  assertProblem(await anonymous.post("/api/password", { token: first, password: "a long enough password 1" }), 422, "invalid_link", "token");
  const set = await anonymous.post("/api/password", { token: newest, password: "a long enough password 2" });
  assert.equal(set.status, 200, set.text);
  const entry = fx.read(`SELECT summary, changes FROM history WHERE entity_kind = 'user' AND entity_id = ${user.id} AND action = 'password_set'`)[0];
  assert.match(entry.summary, /la\.a@demo\.precinct\.test/);
  assert.deepEqual(JSON.parse(entry.changes).find((c) => c.field === "link_sent_by").after, "la.a@demo.precinct.test");
});

test("r33 changing a user code retires the open links and ends the user's sessions; the editor's own session stays", async () => {
  const user = await created(fx.admin, "/api/users", { user_code: "typo.adress@demo.precinct.test", name: "Tia Typo", group_id: F.groupUserA.id });
  const [link] = await outboxTokens(user.user_code);
  assert.ok(link);
  givePassword(user.user_code);
  const session = await signedIn(fx.worker.url, user.user_code);
  assert.equal((await session.get("/api/session")).status, 200);
  const fixed = await fx.admin.put(`/api/users/${user.id}`, { user_code: "typo.address@demo.precinct.test", name: user.name, version: user.version });
  assert.equal(fixed.status, 200, fixed.text);
  assertProblem(await new Client(fx.worker.url).post("/api/password", { token: link, password: "a long enough password 3" }), 422, "invalid_link");
  assert.equal((await session.get("/api/session")).status, 401);
  assert.equal((await fx.admin.get("/api/session")).status, 200);
  // Twin: a name change alone keeps the sessions.
  const again = await signedIn(fx.worker.url, "typo.address@demo.precinct.test");
  const renamed = await fx.admin.put(`/api/users/${user.id}`, { user_code: "typo.address@demo.precinct.test", name: "Tia Fixed", version: fixed.json.version });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal((await again.get("/api/session")).status, 200);
  // A local administrator changing their own code keeps the session they did it in.
  const me = await reload(laA, `/api/users/${F.la_a.id}`);
  const self = await laA.put(`/api/users/${me.id}`, { user_code: "lara.a@demo.precinct.test", name: me.name, version: me.version });
  assert.equal(self.status, 200, self.text);
  assert.equal((await laA.get("/api/session")).status, 200);
  const restored = await laA.put(`/api/users/${me.id}`, { user_code: CODES.la_a, name: me.name, version: self.json.version });
  assert.equal(restored.status, 200, restored.text);
});

test("r33 outside make dev and the tests the Outbox never shows a working link", async () => {
  const production = await startWorker({ vars: { PRECINCT_OUTBOX_LINKS: "hidden" } });
  try {
    const admin = await signedIn(production.url);
    const settings = await admin.put("/api/settings/mail", { provider: "outbox", sender_address: "no-reply@demo.precinct.test" });
    assert.equal(settings.status, 200, settings.text);
    const group = (await admin.get("/api/groups")).json.items[0];
    const user = await admin.post("/api/users", { user_code: "hidden.link@demo.precinct.test", name: "Hal Hidden", group_id: group.id });
    assert.equal(user.status, 201, user.text);
    assert.equal(user.json.invitation.sent, true);
    const message = (await admin.get("/api/outbox")).json.items.find((m) => m.to_address === "hidden.link@demo.precinct.test");
    assert.ok(message, "the invitation is in the Outbox");
    assert.match(message.text_body, /token=\(hidden\)/);
    assert.doesNotMatch(message.text_body + message.subject, /token=[A-Za-z0-9_-]{20,}/);
  } finally {
    await production.stop();
  }
});

// ---------------------------------------------------------------------------------------------
// R30 Cascades: one entry per changed record, in the area it belonged to, in the same batch.

test("r30 making a directory multidimensional writes an entry for each company whose area it changes, in that company's old area", async () => {
  const dir = await created(fx.admin, "/api/directories", { code: "DIR-CASCADE", name: "Cascade directory" });
  const inA = await created(fx.admin, "/api/companies", { code: "CAS-A", name: "Cascade A", directory_id: dir.id, area_id: F.areaA.id });
  const inB = await created(fx.admin, "/api/companies", { code: "CAS-B", name: "Cascade B", directory_id: dir.id, area_id: F.areaB.id });
  const made = await fx.admin.put(`/api/directories/${dir.id}`, { code: dir.code, name: dir.name, multidimensional: true, area_id: F.areaA.id, version: dir.version });
  assert.equal(made.status, 200, made.text);
  const rows = fx.read(`SELECT entity_id, area_id FROM history WHERE action = 'area_followed_directory' AND entity_id IN (${inA.id}, ${inB.id})`);
  assert.deepEqual(rows, [{ entity_id: inB.id, area_id: F.areaB.id }]);
  // la_b reads the move of its former company; la_a does not (it was not of its area then).
  const forB = (await laB.get(`/api/history?entity_kind=company&entity_id=${inB.id}`)).json.items;
  assert.equal(forB[0].action, "area_followed_directory");
  assert.ok(!(await laA.get(`/api/history?entity_kind=company&entity_id=${inB.id}`)).json.items.some((e) => e.action === "area_followed_directory"));
  // Changing one company's area in that directory moves its sibling too, with the sibling's own entry.
  const a = await reload(fx.admin, `/api/companies/${inA.id}`);
  const moved = await fx.admin.put(`/api/companies/${a.id}`, { code: a.code, name: a.name, directory_id: a.directory_id, area_id: F.areaB.id, version: a.version, confirm_directory_area: true });
  assert.equal(moved.status, 200, moved.text);
  const sibling = fx.read(`SELECT area_id FROM history WHERE action = 'area_followed_directory' AND entity_id = ${inB.id} ORDER BY id DESC LIMIT 1`)[0];
  assert.equal(sibling.area_id, F.areaA.id);
  const own = fx.read(`SELECT COUNT(*) AS n FROM history WHERE action = 'area_followed_directory' AND entity_id = ${inA.id}`)[0];
  assert.equal(own.n, 0, "the edited company has its own 'updated' entry");
});

test("r30 changing a group's area writes an entry for each member, in the area they had", async () => {
  const group = await created(fx.admin, "/api/groups", { code: "MOVING-GROUP", access_level: "user", area_id: F.areaA.id, options: USER_OPTIONS });
  const member = await created(fx.admin, "/api/users", { user_code: "member.moves@demo.precinct.test", name: "Mo Member", group_id: group.id });
  const changed = await fx.admin.put(`/api/groups/${group.id}`, { code: group.code, description: group.description, access_level: "user", area_id: F.areaB.id, options: USER_OPTIONS, version: group.version });
  assert.equal(changed.status, 200, changed.text);
  const rows = fx.read(`SELECT area_id, changes FROM history WHERE action = 'area_followed_group' AND entity_id = ${member.id}`);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].area_id, F.areaA.id);
  assert.deepEqual(JSON.parse(rows[0].changes)[0], { field: "area", before: String(F.areaA.id), after: String(F.areaB.id) });
  // Twin: a description change moves nobody and writes no member entry.
  const described = await fx.admin.put(`/api/groups/${group.id}`, { code: group.code, description: "Only words", access_level: "user", area_id: F.areaB.id, options: USER_OPTIONS, version: changed.json.version });
  assert.equal(described.status, 200, described.text);
  assert.equal(fx.read(`SELECT COUNT(*) AS n FROM history WHERE action = 'area_followed_group' AND entity_id = ${member.id}`)[0].n, 1);
});

test("r30 deleting a user in charge of companies writes an entry for each company", async () => {
  const boss = await created(fx.admin, "/api/users", { user_code: "boss.b@demo.precinct.test", name: "Bo Boss", group_id: F.groupUserB.id });
  const company = await reload(fx.admin, `/api/companies/${F.compB1.id}`);
  const set = await fx.admin.put(`/api/companies/${company.id}`, { code: company.code, name: company.name, directory_id: company.directory_id, area_id: company.area_id, user_in_charge_id: boss.id, version: company.version });
  assert.equal(set.status, 200, set.text);
  const current = await reload(fx.admin, `/api/users/${boss.id}`);
  const gone = await fx.admin.request("DELETE", `/api/users/${boss.id}?version=${current.version}`);
  assert.equal(gone.status, 204, gone.text);
  const rows = fx.read(`SELECT entity_id, area_id, changes FROM history WHERE action = 'user_in_charge_removed'`);
  assert.deepEqual(rows.map((r) => [r.entity_id, r.area_id]), [[company.id, F.areaB.id]]);
  assert.equal(JSON.parse(rows[0].changes)[0].before, "boss.b@demo.precinct.test");
  assert.equal(fx.read(`SELECT user_in_charge_id FROM companies WHERE id = ${company.id}`)[0].user_in_charge_id, null);
});

test("r30 an impersonation the server ends (the target left the actor's area) writes its entry, once", async () => {
  const target = await created(fx.admin, "/api/users", { user_code: "acted.upon@demo.precinct.test", name: "Ace Acted", group_id: F.groupUserA.id });
  const actor = await fx.signIn("la_a");
  const acting = await actor.post("/api/session/act-as", { user_id: target.id });
  assert.equal(acting.status, 200, acting.text);
  const current = await reload(fx.admin, `/api/users/${target.id}`);
  const moved = await fx.admin.post(`/api/users/${target.id}/move`, { group_id: F.groupUserB.id, confirm_move_across_areas: true, version: current.version });
  assert.equal(moved.status, 200, moved.text);
  const me = (await actor.get("/api/session")).json;
  assert.equal(me.real_user_code, undefined, "the session acts as no one any more");
  await actor.get("/api/session");
  const ended = fx.read(`SELECT at, actor_user_code, on_behalf_of_user_code, area_id, summary FROM history WHERE action = 'impersonation_ended' AND entity_id = ${target.id}`);
  assert.equal(ended.length, 1, JSON.stringify(ended));
  assert.equal(ended[0].on_behalf_of_user_code, "acted.upon@demo.precinct.test");
  // R21: the entry is in the area the target user had when it ended (they left area A).
  assert.equal(ended[0].area_id, F.areaB.id);
  assert.equal(ended[0].actor_user_code, CODES.la_a);
});

// ---------------------------------------------------------------------------------------------
// The sessions screen (ASVS 7.5.2): each person sees where they are signed in and ends any of
// those sessions; administrators end a user's sessions within their scope.

test("sessions: a person lists their own sessions and ends one; an administrator ends a user's sessions only within scope", async () => {
  const phone = new Client(fx.worker.url);
  assert.equal((await phone.post("/api/session", { user_code: CODES.user_b, password: DEMO.password }, { "user-agent": "PhoneBrowser/1.0" })).status, 200);
  const desk = new Client(fx.worker.url);
  assert.equal((await desk.post("/api/session", { user_code: CODES.user_b, password: DEMO.password }, { "user-agent": "DeskBrowser/2.0" })).status, 200);
  const mine = (await desk.get("/api/sessions")).json;
  assert.equal(mine.length, 2, JSON.stringify(mine));
  const current = mine.find((s) => s.current);
  const other = mine.find((s) => !s.current);
  assert.match(current.browser, /DeskBrowser/);
  assert.match(other.browser, /PhoneBrowser/);
  assert.match(other.id, /^[0-9a-f]{16}$/);
  // Nobody else's session can be named: another person's id is as unknown as a made-up one.
  const laSessions = (await laA.get("/api/sessions")).json;
  assertProblem(await desk.delete(`/api/sessions/${laSessions[0].id}`), 404, "not_found");
  assertProblem(await desk.delete("/api/sessions/not-an-id"), 404, "not_found");
  assert.equal((await laA.get("/api/session")).status, 200);
  assert.equal((await desk.delete(`/api/sessions/${other.id}`)).status, 204);
  assertProblem(await phone.get("/api/session"), 401, "not_signed_in");
  assert.equal((await desk.get("/api/session")).status, 200);
  // Administrators: la_a cannot reach a user of area B (404), a User-level person manages no one
  // (403); la_b can, and history says so.
  assertProblem(await laA.delete(`/api/users/${F.user_b.id}/sessions`), 404, "not_found");
  const userA = await fx.signIn("user");
  assertProblem(await userA.delete(`/api/users/${F.user_b.id}/sessions`), 404);
  assert.equal((await laB.delete(`/api/users/${F.user_b.id}/sessions`)).status, 204);
  assertProblem(await desk.get("/api/session"), 401, "not_signed_in");
  assert.equal(fx.read(`SELECT COUNT(*) AS n FROM history WHERE action = 'sessions_ended' AND entity_id = ${F.user_b.id}`)[0].n, 1);
});

test("sessions: ending another of one's sessions, setting up a second factor or changing one's own user code needs a sign-in of the last 15 minutes (ASVS 7.5.1, 7.5.2)", async () => {
  const later = () => Date.now() + 16 * 60_000;
  const old = await fx.signIn("user");
  const other = await fx.signIn("user");
  const otherId = (await other.get("/api/sessions")).json.find((s) => s.current).id;
  old.now = later();
  assertProblem(await old.delete(`/api/sessions/${otherId}`), 403, "sign_in_again");
  assert.equal((await other.get("/api/session")).status, 200);
  assertProblem(await old.post("/api/mfa/enrolment"), 403, "sign_in_again");
  assert.equal(fx.read(`SELECT COUNT(*) AS n FROM user_mfa WHERE user_id = ${F.user.id}`)[0].n, 0);
  // A local administrator's own user code is how she signs in; her name is not.
  const laOld = await fx.signIn("la_a");
  laOld.now = later();
  const me = expectStatus(await laOld.get(`/api/users/${F.la_a.id}`), 200);
  const before = snapshot(fx.read);
  assertProblem(await laOld.put(`/api/users/${F.la_a.id}`, { user_code: "lara.renamed@demo.precinct.test", name: me.name, version: me.version }), 403, "sign_in_again");
  // Nor does she end her own sessions through her user record.
  assertProblem(await laOld.delete(`/api/users/${F.la_a.id}/sessions`), 403, "sign_in_again");
  assert.deepEqual(snapshot(fx.read), before);
  // Twins: renaming herself, or another person's code, needs no new sign-in; signed in again,
  // the same requests go through; ending this very session is signing out, whatever its age.
  const renamed = expectStatus(await laOld.put(`/api/users/${F.la_a.id}`, { user_code: me.user_code, name: `${me.name} L.`, version: me.version }), 200);
  expectStatus(await laOld.put(`/api/users/${renamed.id}`, { user_code: me.user_code, name: me.name, version: renamed.version }), 200);
  const fresh = await fx.signIn("user");
  assert.equal((await fresh.delete(`/api/sessions/${otherId}`)).status, 204);
  assertProblem(await other.get("/api/session"), 401, "not_signed_in");
  const ownId = (await old.get("/api/sessions")).json.find((s) => s.current).id;
  assert.equal((await old.delete(`/api/sessions/${ownId}`)).status, 204);
  assertProblem(await old.get("/api/session"), 401, "not_signed_in");
});

// Last in this file: it ends the sessions of area A's people (the shared clients' included).
test("asvs 7.4.5: an administrator ends at once the sessions of everyone they manage, this one excepted; a local administrator only her area's; a user no one's", async () => {
  const uma = await fx.signIn("user");
  const ugo = await fx.signIn("user_b");
  const lara = await fx.signIn("la_a");
  const laraElsewhere = await fx.signIn("la_a");
  const before = snapshot(fx.read);
  assertProblem(await uma.delete("/api/sessions"), 403);
  assert.deepEqual(snapshot(fx.read), before);
  assert.equal((await laraElsewhere.get("/api/session")).status, 200);
  // A sign-in older than 15 minutes signs in again first.
  lara.now = Date.now() + 16 * 60_000;
  assertProblem(await lara.delete("/api/sessions"), 403, "sign_in_again");
  lara.now = null;
  assert.equal((await uma.get("/api/session")).status, 200);
  assert.equal((await lara.delete("/api/sessions")).status, 204);
  // Area A's people, her own other session included, sign in again; hers stays.
  assertProblem(await uma.get("/api/session"), 401, "not_signed_in");
  assertProblem(await laraElsewhere.get("/api/session"), 401, "not_signed_in");
  assert.equal((await lara.get("/api/session")).status, 200);
  // Twins: area B's people and the regular administrators keep theirs.
  assert.equal((await ugo.get("/api/session")).status, 200);
  assert.equal((await fx.admin.get("/api/session")).status, 200);
  const [entry] = fx.read(`SELECT actor_user_code, area_id, summary FROM history WHERE action = 'everyones_sessions_ended'`);
  assert.equal(entry.actor_user_code, CODES.la_a);
  assert.equal(entry.area_id, F.areaA.id);
  // A regular administrator's reaches everyone of the account.
  assert.equal((await fx.admin.delete("/api/sessions")).status, 204);
  assertProblem(await ugo.get("/api/session"), 401, "not_signed_in");
  assertProblem(await lara.get("/api/session"), 401, "not_signed_in");
  assert.equal((await fx.admin.get("/api/session")).status, 200);
  // Twin (R01): another account's people keep theirs.
  assert.equal((await fx.otherAdmin.get("/api/session")).status, 200);
});
