// R16 (the account keeps an active regular administrator), R17 (moving a user across areas) and
// R08 (a multidimensional directory carries the area of all its companies), through the API.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, signedIn, assertProblem, reload, snapshot, sqlString } from "./fixtures.mjs";

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

let adminCount = 0;
/** A further regular administrator, signed in. */
async function newAdministrator() {
  adminCount += 1;
  const code = `admin${adminCount}@demo.precinct.test`;
  const created = await fx.admin.post("/api/users", { user_code: code, name: `Admin ${adminCount}`, group_id: F.groupAdmins.id });
  assert.equal(created.status, 201, created.text);
  fx.worker.sql(`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE id = ${F.me.user_id}) WHERE id = ${created.json.id}`);
  return { user: created.json, client: await signedIn(fx.worker.url, code) };
}
const activeAdmins = () => fx.read(`SELECT COUNT(*) AS n FROM users WHERE account_id = ${F.me.account_id} AND access_level = 'administrator' AND active = 1`)[0].n;

test("r16 demoting the last active regular administrator (moving them to another group) is refused; with another one it is allowed", async () => {
  assert.equal(activeAdmins(), 1);
  const me = await reload(fx.admin, `/api/users/${F.me.user_id}`);
  const before = snapshot(fx.read);
  const refused = await fx.admin.post(`/api/users/${me.id}/move`, { group_id: F.groupUserA.id, confirm_move_across_areas: true, version: me.version });
  assertProblem(refused, 409, "last_administrator");
  assert.deepEqual(snapshot(fx.read), before);
  // Twin: with a second active administrator the same move goes through.
  const second = await newAdministrator();
  const moved = await second.client.post(`/api/users/${second.user.id}/move`, { group_id: F.groupUserA.id, confirm_move_across_areas: true, version: second.user.version });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.user.access_level, "user");
  assert.equal(activeAdmins(), 1);
});

test("r16 demoting the Administrator group to another level is refused while it holds the last active administrator", async () => {
  const group = await reload(fx.admin, `/api/groups/${F.groupAdmins.id}`);
  const before = snapshot(fx.read);
  const refused = await fx.admin.request("PUT", `/api/groups/${group.id}`, {
    code: group.code, description: group.description, access_level: "user", options: [], version: group.version,
  });
  assertProblem(refused, 409, "last_administrator");
  assert.deepEqual(snapshot(fx.read), before);
  assert.equal((await reload(fx.admin, "/api/session")).access_level, "administrator");
});

test("r16 a disabled administrator does not count: the last active one still cannot be demoted", async () => {
  const spare = await newAdministrator();
  const disabled = await fx.admin.post(`/api/users/${spare.user.id}/disable`, { version: spare.user.version });
  assert.equal(disabled.status, 200, disabled.text);
  assertProblem(await spare.client.get("/api/session"), 401, "not_signed_in");
  const me = await reload(fx.admin, `/api/users/${F.me.user_id}`);
  assertProblem(await fx.admin.post(`/api/users/${me.id}/move`, { group_id: F.groupUserA.id, confirm_move_across_areas: true, version: me.version }), 409, "last_administrator");
  // And oneself cannot be disabled or deleted at all.
  assertProblem(await fx.admin.post(`/api/users/${me.id}/disable`, { version: me.version }), 403, "cannot_disable_self");
  assertProblem(await fx.admin.delete(`/api/users/${me.id}?version=${me.version}`), 403, "cannot_delete_self");
  assert.equal(activeAdmins(), 1);
});

for (const verb of ["disable", "delete"]) {
  test(`r16 two administrators who ${verb} each other at the same time cannot both succeed`, async () => {
    // Two administrators of their own (the demo one disabled meanwhile) race each other. The
    // loser is refused by the batch's guard (409 last_administrator) or, when the winner's batch
    // already ended the loser's session, is signed out (401): never do both succeed.
    const outcomes = [];
    for (let round = 0; round < 1; round++) {
      const one = await newAdministrator();
      const two = await newAdministrator();
      const demo = await reload(fx.admin, `/api/users/${F.me.user_id}`);
      const off = await one.client.post(`/api/users/${demo.id}/disable`, { version: demo.version });
      assert.equal(off.status, 200, off.text);
      assert.equal(activeAdmins(), 2);
      const act = (client, target) =>
        verb === "disable"
          ? client.post(`/api/users/${target.id}/disable`, { version: target.version })
          : client.delete(`/api/users/${target.id}?version=${target.version}`);
      const answers = await Promise.all([act(one.client, two.user), act(two.client, one.user)]);
      const ok = verb === "disable" ? 200 : 204;
      assert.equal(answers.filter((a) => a.status === ok).length, 1, answers.map((a) => a.text).join(" | "));
      const loser = answers.find((a) => a.status !== ok);
      if (loser.status === 409) assert.equal(loser.json.code, "last_administrator", loser.text);
      else assert.equal(loser.status, 401, loser.text);
      outcomes.push(loser.status);
      assert.equal(activeAdmins(), 1);
      // Restore the demo administrator through the one left.
      const survivor = fx.read(`SELECT user_code FROM users WHERE account_id = ${F.me.account_id} AND access_level = 'administrator' AND active = 1`);
      assert.equal(survivor.length, 1);
      const client = await signedIn(fx.worker.url, survivor[0].user_code);
      const current = await reload(client, `/api/users/${F.me.user_id}`);
      assert.equal((await client.post(`/api/users/${F.me.user_id}/enable`, { version: current.version })).status, 200);
      fx.admin = await signedIn(fx.worker.url);
      // The survivor steps down so the next round starts from the demo administrator alone.
      const left = await reload(fx.admin, `/api/users/${(await reload(client, "/api/session")).user_id}`);
      assert.equal((await fx.admin.post(`/api/users/${left.id}/disable`, { version: left.version })).status, 200);
    }
    assert.equal(outcomes.length, 1);
  });
}

test("r17 an administrator moves a user to a group of another area with a warning; a local administrator cannot", async () => {
  const user = await reload(fx.admin, `/api/users/${F.disabled.id}`);
  const before = snapshot(fx.read);
  // A local administrator of A does not even see B's groups; one of B does not see the user.
  assertProblem(await laA.post(`/api/users/${user.id}/move`, { group_id: F.groupUserB.id, version: user.version }), 422, "unknown_group", "group_id");
  assertProblem(await laB.post(`/api/users/${user.id}/move`, { group_id: F.groupUserB.id, version: user.version }), 404, "not_found");
  assert.deepEqual(snapshot(fx.read), before);
  // A move inside the area: no warning.
  const inside = await laA.post(`/api/users/${user.id}/move`, { group_id: F.groupLaA.id, version: user.version });
  assert.equal(inside.status, 200, inside.text);
  assert.equal(inside.json.warning, null);
  // r32: the warning comes before the change: unconfirmed, the move is refused and nothing changes.
  const unconfirmed = snapshot(fx.read);
  assertProblem(
    await fx.admin.post(`/api/users/${user.id}/move`, { group_id: F.groupUserB.id, version: inside.json.user.version }),
    409, "confirm_move_across_areas", "group_id",
  );
  assert.deepEqual(snapshot(fx.read), unconfirmed);
  const across = await fx.admin.post(`/api/users/${user.id}/move`, { group_id: F.groupUserB.id, confirm_move_across_areas: true, version: inside.json.user.version });
  assert.equal(across.status, 200, across.text);
  assert.match(across.json.warning, /another area.*recommended/s);
  assert.equal(across.json.user.area_id, F.areaB.id);
  assert.equal(fx.read(`SELECT area_id FROM users WHERE id = ${user.id}`)[0].area_id, F.areaB.id);
  // Now la_a no longer sees the user, la_b does.
  assert.equal((await laA.get(`/api/users/${user.id}`)).status, 404);
  assert.equal((await laB.get(`/api/users/${user.id}`)).status, 200);
});

test("r08 setting the area of a company of a multidimensional directory asks first, then sets the directory's and all its companies' areas", async () => {
  const sibling = await fx.admin.post("/api/companies", { code: "COMP-MD2", name: "Second MD company", directory_id: F.dirMd.id });
  assert.equal(sibling.status, 201, sibling.text);
  assert.equal(sibling.json.area_id, F.areaB.id);
  const company = await reload(fx.admin, `/api/companies/${F.compB2.id}`);
  const edit = { code: company.code, name: company.name, directory_id: company.directory_id, area_id: F.areaA.id, version: company.version };
  // A local administrator cannot (R11), and changes nothing.
  const before = snapshot(fx.read);
  assertProblem(await laB.request("PUT", `/api/companies/${company.id}`, edit), 403, "cannot_change_company_area");
  assert.deepEqual(snapshot(fx.read), before);
  // A regular administrator is asked first (issue 13): the whole directory moves.
  assertProblem(await fx.admin.request("PUT", `/api/companies/${company.id}`, edit), 409, "confirm_directory_area", "area_id");
  assert.deepEqual(snapshot(fx.read), before);
  const changed = await fx.admin.request("PUT", `/api/companies/${company.id}`, { ...edit, confirm_directory_area: true });
  assert.equal(changed.status, 200, changed.text);
  assert.equal(changed.json.area_id, F.areaA.id);
  assert.equal((await reload(fx.admin, `/api/directories/${F.dirMd.id}`)).area_id, F.areaA.id);
  const areas = fx.read(`SELECT code, area_id FROM companies WHERE directory_id = ${F.dirMd.id} ORDER BY code`);
  assert.deepEqual(areas, [{ code: "COMP-B2", area_id: F.areaA.id }, { code: "COMP-MD2", area_id: F.areaA.id }]);
  // The whole directory moved: la_a sees both companies, la_b neither.
  const seenByA = (await laA.get("/api/companies?limit=200")).json.items.map((c) => c.code);
  const seenByB = (await laB.get("/api/companies?limit=200")).json.items.map((c) => c.code);
  assert.ok(seenByA.includes("COMP-B2") && seenByA.includes("COMP-MD2"));
  assert.ok(!seenByB.includes("COMP-B2") && !seenByB.includes("COMP-MD2"));
  // Twin: a company of a plain directory changes alone.
  const plain = await reload(fx.admin, `/api/companies/${F.compA2.id}`);
  const moved = await fx.admin.request("PUT", `/api/companies/${plain.id}`, { code: plain.code, name: plain.name, directory_id: plain.directory_id, area_id: F.areaB.id, version: plain.version });
  assert.equal(moved.status, 200, moved.text);
  assert.equal((await reload(fx.admin, `/api/companies/${F.compA1.id}`)).area_id, F.areaA.id);
  assert.equal(fx.read(`SELECT area_id FROM directories WHERE id = ${F.dirPlain.id}`)[0].area_id, null);
  // A new company of the multidimensional directory cannot take another area than the directory's.
  assertProblem(
    await fx.admin.post("/api/companies", { code: "COMP-MD3", name: "x", directory_id: F.dirMd.id, area_id: F.areaB.id }),
    422, "directory_carries_area",
  );
  assert.equal(fx.read(`SELECT COUNT(*) AS n FROM companies WHERE code = ${sqlString("COMP-MD3")}`)[0].n, 0);
});

test("r08 the first company of a multidimensional directory without an area gives the directory its area", async () => {
  const directory = (await fx.admin.post("/api/directories", { code: "DIR-MD-NEW", name: "New multidimensional", multidimensional: true })).json;
  assert.equal(directory.area_id ?? null, null);
  const first = await fx.admin.post("/api/companies", { code: "MD-NEW-1", name: "First", directory_id: directory.id, area_id: F.areaA.id });
  assert.equal(first.status, 201, first.text);
  assert.equal(first.json.area_id, F.areaA.id);
  const after = (await fx.admin.get(`/api/directories/${directory.id}`)).json;
  assert.equal(after.area_id, F.areaA.id);
  const entry = fx.read(`SELECT area_id, summary FROM history WHERE entity_kind = 'directory' AND entity_id = ${directory.id} AND action = 'updated'`);
  assert.deepEqual(entry.map((e) => e.area_id), [F.areaA.id]);
  assert.match(entry[0].summary, /takes the area AREA-A of its first company MD-NEW-1/);
  // From now on its companies take that area: another one is refused, naming the field.
  assertProblem(await fx.admin.post("/api/companies", { code: "MD-NEW-2", name: "Second", directory_id: directory.id, area_id: F.areaB.id }), 422, "directory_carries_area", "area_id");
});

test("r08 deny twin: a directory that already holds a company does not take a later company's area", async () => {
  const directory = (await fx.admin.post("/api/directories", { code: "DIR-MD-HELD", name: "Held", multidimensional: true })).json;
  const none = await fx.admin.post("/api/companies", { code: "MD-HELD-1", name: "No area", directory_id: directory.id });
  assert.equal(none.status, 201, none.text);
  const before = snapshot(fx.read);
  assertProblem(await fx.admin.post("/api/companies", { code: "MD-HELD-2", name: "Area A", directory_id: directory.id, area_id: F.areaA.id }), 422, "directory_carries_area", "area_id");
  assert.deepEqual(snapshot(fx.read), before);
  assert.equal((await fx.admin.get(`/api/directories/${directory.id}`)).json.area_id ?? null, null);
});
