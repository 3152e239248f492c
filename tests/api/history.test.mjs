// History (R21, R30): every kind of change writes exactly one entry with the right before/after;
// local administrators read only their area's entries; the user range filters; an entry keeps
// the area its record had at the time of the change.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, signedIn, reload, Client, DEMO, CODES } from "./fixtures.mjs";

let fx, F, laA, laB;
before(async () => {
  fx = await setup({ other: false });
  F = fx.F;
  laA = await fx.signIn("la_a");
  laB = await fx.signIn("la_b");
});
after(async () => {
  await fx?.worker.stop();
});

const lastId = () => fx.read(`SELECT COALESCE(MAX(id), 0) AS id FROM history`)[0].id;

/** Runs `action` and returns the one history entry it wrote (failing if it wrote 0 or 2+).
 * `besides` names an action of a separate event the request may also record (creating a user
 * also records whether its invitation mail went out), checked and left out of the count. */
async function oneEntry(action, besides = null) {
  const before = lastId();
  const response = await action();
  assert.ok(response.status < 300, `${response.status} ${response.text}`);
  let rows = fx.read(`SELECT h.*, a.code AS area_code FROM history h LEFT JOIN areas a ON a.id = h.area_id WHERE h.id > ${before} ORDER BY h.id`);
  if (besides) {
    const extra = rows.filter((row) => besides.test(row.action));
    assert.ok(extra.length <= 1, JSON.stringify(extra));
    rows = rows.filter((row) => !besides.test(row.action));
  }
  assert.equal(rows.length, 1, `expected one entry, got ${JSON.stringify(rows, null, 1)}`);
  const entry = rows[0];
  entry.changes = JSON.parse(entry.changes);
  entry.change = Object.fromEntries(entry.changes.map((c) => [c.field, [c.before, c.after]]));
  return { entry, response };
}

test("r30 areas: create, update and delete each write one entry with before/after, of no area", async () => {
  const created = await oneEntry(() => fx.admin.post("/api/areas", { code: "HIST-AREA", description: "first" }));
  assert.equal(created.entry.action, "created");
  assert.equal(created.entry.entity_kind, "area");
  assert.equal(created.entry.entity_id, created.response.json.id);
  assert.equal(created.entry.area_id, null);
  assert.equal(created.entry.actor_user_code, DEMO.user_code);
  assert.deepEqual(created.entry.change.code, [null, "HIST-AREA"]);
  const id = created.response.json.id;
  const updated = await oneEntry(() => fx.admin.request("PUT", `/api/areas/${id}`, { code: "HIST-AREA", description: "second", version: 1 }));
  assert.equal(updated.entry.action, "updated");
  assert.deepEqual(updated.entry.changes, [{ field: "description", before: "first", after: "second" }]);
  const deleted = await oneEntry(() => fx.admin.delete(`/api/areas/${id}?version=2`));
  assert.equal(deleted.entry.action, "deleted");
  assert.deepEqual(deleted.entry.change.code, ["HIST-AREA", null]);
  assert.equal(deleted.entry.entity_id, id);
});

test("r30 directories: create and update", async () => {
  const created = await oneEntry(() => fx.admin.post("/api/directories", { code: "HIST-DIR", name: "History directory" }));
  assert.equal(created.entry.entity_kind, "directory");
  assert.deepEqual(created.entry.change.name, [null, "History directory"]);
  const d = created.response.json;
  const updated = await oneEntry(() => fx.admin.request("PUT", `/api/directories/${d.id}`, { code: d.code, name: "Renamed directory", version: d.version }));
  assert.equal(updated.entry.action, "updated");
  assert.deepEqual(updated.entry.changes, [{ field: "name", before: "History directory", after: "Renamed directory" }]);
});

test("r30 companies: create, update, and an area change; the entry is of the company's area", async () => {
  const created = await oneEntry(() => laA.post("/api/companies", { code: "HIST-CO", name: "History company", directory_id: F.dirPlain.id }));
  assert.equal(created.entry.entity_kind, "company");
  assert.equal(created.entry.area_code, "AREA-A");
  assert.equal(created.entry.actor_user_code, CODES.la_a);
  assert.deepEqual(created.entry.change.area, [null, String(F.areaA.id)]);
  const c = created.response.json;
  const renamed = await oneEntry(() => laA.request("PUT", `/api/companies/${c.id}`, { code: c.code, name: "Renamed company", directory_id: c.directory_id, area_id: c.area_id, version: c.version }));
  assert.deepEqual(renamed.entry.changes, [{ field: "name", before: "History company", after: "Renamed company" }]);
  const moved = await oneEntry(() => fx.admin.request("PUT", `/api/companies/${c.id}`, { code: c.code, name: "Renamed company", directory_id: c.directory_id, area_id: F.areaB.id, version: c.version + 1 }));
  assert.deepEqual(moved.entry.changes, [{ field: "area", before: String(F.areaA.id), after: String(F.areaB.id) }]);
  // R21: the entry of the change belongs to the area the company had then (A), and keeps it.
  assert.equal(moved.entry.area_code, "AREA-A");
  const seenByA = (await laA.get(`/api/history?entity_kind=company&entity_id=${c.id}`)).json.items.map((e) => e.action);
  assert.deepEqual(seenByA, ["updated", "updated", "created"]);
  assert.deepEqual((await laB.get(`/api/history?entity_kind=company&entity_id=${c.id}`)).json.items, []);
  // Later changes are B's.
  const later = await oneEntry(() => laB.request("PUT", `/api/companies/${c.id}`, { code: c.code, name: "B name", directory_id: c.directory_id, area_id: F.areaB.id, version: c.version + 2 }));
  assert.equal(later.entry.area_code, "AREA-B");
  assert.equal((await laB.get(`/api/history?entity_kind=company&entity_id=${c.id}`)).json.items.length, 1);
  assert.equal((await laA.get(`/api/history?entity_kind=company&entity_id=${c.id}`)).json.items.length, 3);
});

test("r30 groups: create, update and delete", async () => {
  const created = await oneEntry(() => laA.post("/api/groups", { code: "HIST-GROUP", access_level: "user", options: ["projects_read"] }));
  assert.equal(created.entry.entity_kind, "group");
  assert.equal(created.entry.area_code, "AREA-A");
  assert.deepEqual(created.entry.change.options, [null, "projects_read"]);
  const g = created.response.json;
  const updated = await oneEntry(() => laA.request("PUT", `/api/groups/${g.id}`, { code: g.code, access_level: "user", area_id: g.area_id, options: ["projects_read", "employees_read"], version: g.version }));
  assert.deepEqual(updated.entry.changes, [{ field: "options", before: "projects_read", after: "projects_read employees_read" }]);
  const deleted = await oneEntry(() => laA.delete(`/api/groups/${g.id}?version=${g.version + 1}`));
  assert.equal(deleted.entry.action, "deleted");
  assert.deepEqual(deleted.entry.change.code, ["HIST-GROUP", null]);
});

test("r30 users: create, update, disable, enable, move, company access, delete; r21 the entry keeps the user's area at the time", async () => {
  const created = await oneEntry(
    () => laA.post("/api/users", { user_code: "hist.user@demo.precinct.test", name: "History User", group_id: F.groupUserA.id }),
    /^invitation/,
  );
  assert.equal(created.entry.action, "created");
  assert.deepEqual(created.entry.change.user_code, [null, "hist.user@demo.precinct.test"]);
  assert.deepEqual(created.entry.change.group, [null, "USER-GROUP-A"]);
  const id = created.response.json.id;
  let version = created.response.json.version;
  const updated = await oneEntry(() => laA.request("PUT", `/api/users/${id}`, { user_code: "hist.user2@demo.precinct.test", name: "History User", version }));
  assert.deepEqual(updated.entry.change.user_code, ["hist.user@demo.precinct.test", "hist.user2@demo.precinct.test"]);
  assert.deepEqual(updated.entry.change.mail_user, ["hist.user@demo.precinct.test", "hist.user2@demo.precinct.test"]);
  version += 1;
  const disabled = await oneEntry(() => laA.post(`/api/users/${id}/disable`, { version }));
  assert.deepEqual(disabled.entry.changes, [{ field: "active", before: "true", after: "false" }]);
  version += 1;
  const enabled = await oneEntry(() => laA.post(`/api/users/${id}/enable`, { version }));
  assert.deepEqual(enabled.entry.changes, [{ field: "active", before: "false", after: "true" }]);
  version += 1;
  const access = await oneEntry(() => laA.request("PUT", `/api/users/${id}/companies`, { company_ids: [F.compA1.id, F.compA2.id], version }));
  assert.equal(access.entry.action, "access_changed");
  assert.deepEqual(access.entry.changes, [{ field: "companies", before: "", after: "COMP-A1, COMP-A2" }]);
  version += 1;
  // A move across areas writes one entry in each area, each naming only its own side (R21).
  const beforeMove = lastId();
  const move = await fx.admin.post(`/api/users/${id}/move`, { group_id: F.groupUserB.id, confirm_move_across_areas: true, version });
  assert.equal(move.status, 200, move.text);
  const moves = fx.read(`SELECT h.changes, a.code AS area_code, h.action FROM history h LEFT JOIN areas a ON a.id = h.area_id WHERE h.id > ${beforeMove} ORDER BY h.id`);
  assert.deepEqual(moves.map((m) => [m.action, m.area_code]), [["moved", "AREA-A"], ["moved", "AREA-B"]]);
  const sides = moves.map((m) => Object.fromEntries(JSON.parse(m.changes).map((c) => [c.field, [c.before, c.after]])));
  assert.deepEqual(sides[0].group, ["USER-GROUP-A", "(another area)"]);
  assert.deepEqual(sides[0].area, [String(F.areaA.id), "(another area)"]);
  assert.deepEqual(sides[1].group, ["(another area)", "USER-GROUP-B"]);
  assert.deepEqual(sides[1].area, ["(another area)", String(F.areaB.id)]);
  version += 1;
  const deleted = await oneEntry(() => laB.delete(`/api/users/${id}?version=${version}`));
  assert.equal(deleted.entry.area_code, "AREA-B");
  assert.deepEqual(deleted.entry.change.user_code, ["hist.user2@demo.precinct.test", null]);
  // Six entries of area A stay A's; the delete is B's alone.
  const actionsA = (await laA.get(`/api/history?entity_kind=user&entity_id=${id}`)).json.items.map((e) => e.action).filter((a) => !a.startsWith("invitation"));
  assert.deepEqual(actionsA, ["moved", "access_changed", "enabled", "disabled", "updated", "created"]);
  const actionsB = (await laB.get(`/api/history?entity_kind=user&entity_id=${id}`)).json.items.map((e) => e.action);
  assert.deepEqual(actionsB, ["deleted", "moved"]);
});

test("r05 r30 act-as start and stop each write one entry naming the real user", async () => {
  const admin = await signedIn(fx.worker.url);
  const started = await oneEntry(() => admin.post("/api/session/act-as", { user_id: F.la_a.id }));
  assert.equal(started.entry.action, "impersonation_started");
  assert.equal(started.entry.actor_user_code, DEMO.user_code);
  assert.equal(started.entry.entity_id, F.la_a.id);
  assert.deepEqual(started.entry.change.acting_as, [null, CODES.la_a]);
  const change = await oneEntry(() => admin.post("/api/groups", { code: "ACTED-GROUP", access_level: "user" }));
  assert.equal(change.entry.actor_user_code, DEMO.user_code);
  assert.equal(change.entry.on_behalf_of_user_code, CODES.la_a);
  const stopped = await oneEntry(() => admin.delete("/api/session/act-as"));
  assert.equal(stopped.entry.action, "impersonation_ended");
  assert.deepEqual(stopped.entry.change.acting_as, [CODES.la_a, null]);
  assert.equal(stopped.entry.area_code, "AREA-A");
});

test("r30 a failed sign-in of a known user writes one entry of that user's area; an unknown user code writes none", async () => {
  const failed = await oneEntry(async () => {
    const response = await new Client(fx.worker.url).signIn(CODES.user_b, "wrong-password");
    assert.equal(response.status, 401);
    return { status: 200 };
  });
  assert.equal(failed.entry.action, "sign_in_failed");
  assert.equal(failed.entry.entity_id, F.user_b.id);
  assert.equal(failed.entry.area_code, "AREA-B");
  assert.equal(failed.entry.actor_user_code, null);
  const before = lastId();
  assert.equal((await new Client(fx.worker.url).signIn("ghost@demo.precinct.test", "wrong")).status, 401);
  assert.equal(lastId(), before);
});

test("r21 la_a reads only entries of area A, never B's nor account-wide ones; the admin reads all", async () => {
  const all = (await fx.admin.get("/api/history?limit=200")).json.items;
  const areas = new Set(all.map((e) => e.area_code));
  assert.ok(areas.has("AREA-A") && areas.has("AREA-B") && areas.has(null), [...areas].join());
  for (const [client, area] of [[laA, "AREA-A"], [laB, "AREA-B"]]) {
    const page = (await client.get("/api/history?limit=200")).json;
    assert.ok(page.items.length > 0);
    assert.deepEqual([...new Set(page.items.map((e) => e.area_code))], [area]);
    assert.equal(page.total, all.filter((e) => e.area_code === area).length);
    // Account-wide records (areas) are the administrators' alone, even filtered on directly.
    assert.deepEqual((await client.get("/api/history?entity_kind=area")).json.items, []);
  }
  // A user without the option has no History tab.
  const user = await fx.signIn("user");
  assert.equal((await user.get("/api/history")).status, 403);
});

test("r21 the user range filters entries by the acting user's code", async () => {
  const all = (await fx.admin.get("/api/history?limit=200")).json.items;
  const byLaA = (await fx.admin.get(`/api/history?limit=200&user_from=${CODES.la_a}&user_to=${CODES.la_a}`)).json.items;
  assert.ok(byLaA.length > 0);
  assert.ok(byLaA.every((e) => e.actor_user_code === CODES.la_a));
  assert.equal(byLaA.length, all.filter((e) => e.actor_user_code === CODES.la_a).length);
  // A range from "la." to "la.z" holds both local administrators; the admin's entries are out.
  const range = (await fx.admin.get("/api/history?limit=200&user_from=la.&user_to=la.z")).json.items;
  const actors = new Set(range.map((e) => e.actor_user_code));
  assert.deepEqual([...actors].sort(), [CODES.la_a, CODES.la_b]);
  // la_a asking for la_b's range still sees only area A entries (none by la_b there).
  const foreign = (await laA.get(`/api/history?user_from=${CODES.la_b}&user_to=${CODES.la_b}`)).json.items;
  assert.deepEqual(foreign, []);
});
