// R34: every list and picker of users, companies and groups finds a record by the start of any
// word of its name or code (a user's code is their address), whatever the case and the accents,
// within the actor's scope, in the list's usual order; through a word index kept in step with
// every write (tests/api/query-plans.test.mjs checks the plans).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, expectStatus } from "./fixtures.mjs";

let fx, F, la;
before(async () => {
  fx = await setup();
  F = fx.F;
  la = await fx.signIn("la_a");
  for (const [user_code, name, group] of [
    ["emile.belanger@r34.example", "Émile Bélanger", F.groupUserA],
    ["jean.fortin@r34.example", "Jean Fortin", F.groupUserA],
    ["mft@r34.example", "Marie Fortin-Tremblay", F.groupUserA],
    ["zoe.f@r34.example", "Zoé Fortin", F.groupUserB],
  ]) {
    expectStatus(await fx.admin.post("/api/users", { user_code, name, group_id: group.id }), 201);
  }
});
after(async () => {
  await fx?.worker.stop();
});

const names = async (client, path) => {
  const response = await client.get(path);
  assert.equal(response.status, 200, response.text);
  return response.json.items.map((item) => item.name ?? item.code);
};

test("r34 a user is found by the start of any word of their name or address, case and accents aside, in name order", async () => {
  assert.deepEqual(await names(fx.admin, "/api/users?q=fortin"), ["Jean Fortin", "Marie Fortin-Tremblay", "Zoé Fortin"]);
  assert.deepEqual(await names(fx.admin, "/api/users?q=FORT"), ["Jean Fortin", "Marie Fortin-Tremblay", "Zoé Fortin"]);
  for (const q of ["belanger", "BÉLANGER", "bél", "emile bel", "emile.belanger", "emile.belanger@r34"]) {
    assert.deepEqual(await names(fx.admin, `/api/users?q=${encodeURIComponent(q)}`), ["Émile Bélanger"], q);
  }
  assert.deepEqual(await names(fx.admin, "/api/users?q=tremblay"), ["Marie Fortin-Tremblay"]);
  assert.deepEqual(await names(fx.admin, "/api/users?q=mft"), ["Marie Fortin-Tremblay"]);
  // Every word must start a word of the record: not a letter in the middle of one.
  assert.deepEqual(await names(fx.admin, "/api/users?q=ortin"), []);
  assert.deepEqual(await names(fx.admin, "/api/users?q=jean%20tremblay"), []);
});

test("r34 r18 a search stays within the actor's scope, in every list and picker", async () => {
  // Zoé is of area B: a local administrator of area A finds the others, never her.
  assert.deepEqual(await names(la, "/api/users?q=fortin"), ["Jean Fortin", "Marie Fortin-Tremblay"]);
  assert.deepEqual(await names(la, "/api/users?q=zoe"), []);
  assert.deepEqual(await names(la, "/api/pickers/users?q=fortin"), ["Jean Fortin", "Marie Fortin-Tremblay"]);
  const inCharge = await names(la, "/api/pickers/user-in-charge?q=fortin");
  assert.deepEqual(inCharge, ["Jean Fortin", "Marie Fortin-Tremblay"]);
  // The regular administrator is offered to a local administrator in charge (R19), by any word.
  assert.ok((await la.get(`/api/pickers/user-in-charge?q=${encodeURIComponent(fx.F.me.name.split(" ").at(-1))}`)).json.items.some((u) => u.id === fx.F.me.user_id));
  // Another account's users are never found.
  assert.deepEqual(await names(fx.otherAdmin, "/api/users?q=fortin"), []);
  assert.deepEqual(await names(fx.admin, "/api/users?q=olga"), []);
});

test("r34 a renamed user is found by the new words only; a deleted one by none", async () => {
  const jean = (await fx.admin.get("/api/users?q=jean")).json.items[0];
  const full = (await fx.admin.get(`/api/users/${jean.id}`)).json;
  expectStatus(await fx.admin.put(`/api/users/${jean.id}`, {
    user_code: "jean.gagnon@r34.example", name: "Jean Gagnon", version: full.version,
  }), 200);
  assert.deepEqual(await names(fx.admin, "/api/users?q=gagnon"), ["Jean Gagnon"]);
  assert.deepEqual(await names(fx.admin, "/api/users?q=fortin"), ["Marie Fortin-Tremblay", "Zoé Fortin"]);
  const renamed = (await fx.admin.get(`/api/users/${jean.id}`)).json;
  expectStatus(await fx.admin.request("DELETE", `/api/users/${jean.id}?version=${renamed.version}`), 204);
  assert.deepEqual(await names(fx.admin, "/api/users?q=gagnon"), []);
});

test("r34 companies by any word of their name or code, within the actor's scope", async () => {
  assert.deepEqual(await names(fx.admin, "/api/companies?q=one"), ["Company A One", "Company B One"]);
  assert.deepEqual(await names(la, "/api/companies?q=one"), ["Company A One"]);
  assert.deepEqual(await names(fx.admin, "/api/companies?q=a2"), ["Company A Two"]);
  assert.deepEqual(await names(fx.admin, "/api/companies?q=comp-b"), ["Company B One", "Company B Two"]);
  assert.deepEqual(await names(la, "/api/companies?q=b1"), []);
  // The sign-in company choice is the same list.
  assert.deepEqual((await la.get("/api/session/companies?q=one")).json.items.map((c) => c.code), ["COMP-A1"]);
});

test("r34 user groups by any word of their code or description, within the actor's scope", async () => {
  const codes = async (client, q) => (await client.get(`/api/groups?q=${q}`)).json.items.map((g) => g.code);
  assert.deepEqual(await codes(fx.admin, "group"), ["USER-GROUP-A", "USER-GROUP-B"]);
  assert.deepEqual(await codes(la, "group"), ["USER-GROUP-A"]);
  assert.deepEqual(await codes(fx.admin, "b"), ["LOCAL-ADMIN-B", "USER-GROUP-B"]);
  assert.deepEqual(await codes(fx.admin, "administrators"), ["ADMINISTRATORS"]);
});

test("r34 a search with no word in it finds nothing, and cannot reach the index's query language", async () => {
  for (const q of ["@@", "---", "\"", "*", "fortin\" OR \"a", "NEAR(a b)", "a:b"]) {
    const response = await fx.admin.get(`/api/users?q=${encodeURIComponent(q)}`);
    assert.equal(response.status, 200, `${q}: ${response.text}`);
  }
  assert.deepEqual(await names(fx.admin, "/api/users?q=%40%40"), []);
  // Quotes and operators are separators: "fortin\" OR \"a" is the words fortin, or, a — all required.
  assert.deepEqual(await names(fx.admin, `/api/users?q=${encodeURIComponent("fortin\" OR \"a")}`), []);
});
