// Issue 17: a read starts from the session row the token's last request found (remembered in
// the isolate for a few seconds) and sends the session check in the same D1 batch as its first
// query, saving a round trip. The answer stands only when the check found that same row. These
// tests change the principal between two requests on the warm isolate — a disabled user, a
// group moved to another area, a company unticked, an impersonation ended — and show the next
// request already answers from the fresh principal. Test mode names the way each request went
// (`x-precinct-principal`: remembered, redone, checked).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, signedIn, reload, expectStatus, assertProblem, DEMO } from "./fixtures.mjs";

let fx, F;
before(async () => {
  fx = await setup({ other: false });
  F = fx.F;
});
after(async () => {
  await fx?.worker.stop();
});

const way = (response) => response.headers.get("x-precinct-principal");
const codes = (response) => response.json.items.map((item) => item.code).sort();

/** Two reads: the second starts from the principal the first one found. */
async function warm(client, path) {
  expectStatus(await client.get(path), 200);
  const again = await client.get(path);
  expectStatus(again, 200);
  assert.equal(way(again), "remembered", "the second read should start from the remembered principal");
  return again;
}

test("i17 a second read starts from the remembered principal; a new session's first read checks first", async () => {
  const la = await fx.signIn("la_a");
  const remembered = await warm(la, "/api/companies");
  assert.deepEqual(codes(remembered), ["COMP-A1", "COMP-A2"]);
  // Deny twin: a row is remembered for a few seconds only (test clock).
  la.now = Date.now() + 6_000;
  const later = await la.get("/api/companies");
  expectStatus(later, 200);
  assert.equal(way(later), "checked");
  assert.deepEqual(codes(later), ["COMP-A1", "COMP-A2"]);
  la.now = null;
  // Writes never start from a remembered principal.
  const write = await la.request("PUT", "/api/session/company", { company_id: F.compA1.id });
  expectStatus(write, 200);
  assert.equal(way(write), "checked");
});

test("i17 a local administrator's group moved to another area: her very next list is of the new area", async () => {
  const la = await fx.signIn("la_a");
  assert.deepEqual(codes(await warm(la, "/api/companies")), ["COMP-A1", "COMP-A2"]);
  const group = await reload(fx.admin, `/api/groups/${F.groupLaA.id}`);
  const moved = await fx.admin.request("PUT", `/api/groups/${group.id}`, {
    code: group.code, description: group.description, access_level: group.access_level,
    area_id: F.areaB.id, options: group.options, version: group.version,
  });
  expectStatus(moved, 200);
  const next = await la.get("/api/companies");
  expectStatus(next, 200);
  assert.equal(way(next), "redone");
  assert.deepEqual(codes(next), ["COMP-B1", "COMP-B2"]);
  assert.equal((await la.get("/api/session")).json.area_id, F.areaB.id);
  // And back, for the tests after this one.
  const back = await reload(fx.admin, `/api/groups/${F.groupLaA.id}`);
  expectStatus(await fx.admin.request("PUT", `/api/groups/${back.id}`, {
    code: back.code, description: back.description, access_level: back.access_level,
    area_id: F.areaA.id, options: back.options, version: back.version,
  }), 200);
  assert.deepEqual(codes(await la.get("/api/companies")), ["COMP-A1", "COMP-A2"]);
});

test("i17 a company unticked for a User between two requests is gone from her very next answer", async () => {
  const user = await fx.signIn("user_b");
  const before = await warm(user, "/api/session/companies");
  assert.deepEqual(codes(before), ["COMP-B1"]);
  const target = await reload(fx.admin, `/api/users/${F.user_b.id}`);
  expectStatus(await fx.admin.request("PUT", `/api/users/${target.id}/companies`, {
    company_ids: [], version: target.version,
  }), 200);
  const after = await user.get("/api/session/companies");
  expectStatus(after, 200);
  assert.equal(way(after), "redone");
  assert.deepEqual(codes(after), []);
  assertProblem(await user.get(`/api/companies/${F.compB1.id}`), 404, "not_found");
});

test("i17 a user disabled between two requests: her very next request is refused", async () => {
  const user = await fx.signIn("user");
  await warm(user, "/api/session");
  const target = await reload(fx.admin, `/api/users/${F.user.id}`);
  expectStatus(await fx.admin.post(`/api/users/${target.id}/disable`, { version: target.version }), 200);
  assertProblem(await user.get("/api/session"), 401, "not_signed_in");
  assertProblem(await user.get("/api/companies"), 401, "not_signed_in");
});

test("i17 an impersonation ended between two requests: the next answer is the real user's", async () => {
  // Lara acts as a user of her area; the administrator moves that user to area B, which ends
  // what allowed it (R05): Lara's session stays, her remembered row is stale.
  const created = await fx.admin.post("/api/users", {
    user_code: "acted.on@optimistic.example", name: "Acted On", group_id: F.groupUserA.id,
  });
  expectStatus(created, 201);
  const la = await fx.signIn("la_a");
  expectStatus(await la.post("/api/session/act-as", { user_id: created.json.id }), 200);
  const acting = await warm(la, "/api/session");
  assert.equal(acting.json.user_code, "acted.on@optimistic.example");
  assert.equal(acting.json.real_user_code, F.la_a.user_code);

  const target = await reload(fx.admin, `/api/users/${created.json.id}`);
  expectStatus(await fx.admin.post(`/api/users/${target.id}/move`, {
    group_id: F.groupUserB.id, confirm_move_across_areas: true, version: target.version,
  }), 200);
  const me = await la.get("/api/session");
  expectStatus(me, 200);
  assert.equal(way(me), "redone");
  assert.equal(me.json.user_code, F.la_a.user_code);
  assert.equal(me.json.real_user_code ?? null, null);
  assert.deepEqual(codes(await la.get("/api/companies")), ["COMP-A1", "COMP-A2"]);

  // Ended by the session itself: its next read is the real user's too.
  const admin = await signedIn(fx.worker.url, DEMO.user_code);
  expectStatus(await admin.post("/api/session/act-as", { user_id: F.la_b.id }), 200);
  assert.equal((await warm(admin, "/api/session")).json.user_code, F.la_b.user_code);
  expectStatus(await admin.delete("/api/session/act-as"), 200);
  const back = await admin.get("/api/session");
  assert.equal(back.json.user_code, DEMO.user_code);
  assert.notEqual(way(back), "remembered");
});

test("i17 a write starts from the remembered principal too, and one after a change is decided on the fresh one", async () => {
  const la = await fx.signIn("la_a");
  await warm(la, "/api/users");
  const created = await la.post("/api/users", {
    user_code: "written.warm@optimistic.example", name: "Written Warm", group_id: F.groupUserA.id,
  });
  expectStatus(created, 201);
  assert.equal(way(created), "remembered");
  assert.equal(created.json.name, "Written Warm");

  // Her group moves to area B: the user she just created is no longer hers to change.
  const group = await reload(fx.admin, `/api/groups/${F.groupLaA.id}`);
  expectStatus(await fx.admin.request("PUT", `/api/groups/${group.id}`, {
    code: group.code, description: group.description, access_level: group.access_level,
    area_id: F.areaB.id, options: group.options, version: group.version,
  }), 200);
  const refused = await la.request("PUT", `/api/users/${created.json.id}`, {
    user_code: created.json.user_code, name: "Changed After The Move", version: created.json.version,
  });
  assertProblem(refused, 404, "not_found");
  assert.equal((await reload(fx.admin, `/api/users/${created.json.id}`)).name, "Written Warm");

  const back = await reload(fx.admin, `/api/groups/${F.groupLaA.id}`);
  expectStatus(await fx.admin.request("PUT", `/api/groups/${back.id}`, {
    code: back.code, description: back.description, access_level: back.access_level,
    area_id: F.areaA.id, options: back.options, version: back.version,
  }), 200);
  // Deny twin: back in her area, the same change goes through.
  await warm(la, "/api/users");
  const allowed = await la.request("PUT", `/api/users/${created.json.id}`, {
    user_code: created.json.user_code, name: "Changed In Her Area", version: created.json.version,
  });
  expectStatus(allowed, 200);
  assert.equal(allowed.json.name, "Changed In Her Area");
});
