// Codes compare whatever their case (issue 13): `east` is the same area code as `EAST`, and the
// same holds for directories, companies and user groups; a code is stored as typed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, assertProblem, expectStatus } from "./fixtures.mjs";

let fx, F;
before(async () => {
  fx = await setup({ other: false });
  F = fx.F;
});
after(async () => {
  await fx?.worker.stop();
});

test("r06 an area code in another case is the same code: refused, naming the field", async () => {
  const east = expectStatus(await fx.admin.post("/api/areas", { code: "EAST", description: "East" }), 201);
  assertProblem(await fx.admin.post("/api/areas", { code: "east", description: "east again" }), 409, "already_used", "code");
  assertProblem(await fx.admin.put(`/api/areas/${F.areaA.id}`, { code: "East", description: "", version: F.areaA.version }), 409, "already_used", "code");
  // Its own code in another case is a rename, not a clash; another code is fine.
  const renamed = expectStatus(await fx.admin.put(`/api/areas/${east.id}`, { code: "East", description: "East", version: east.version }), 200);
  assert.equal(renamed.code, "East");
  expectStatus(await fx.admin.post("/api/areas", { code: "EASTERN", description: "" }), 201);
});

test("r07 r09 directory, company and group codes compare whatever their case too", async () => {
  assertProblem(await fx.admin.post("/api/directories", { code: "dir-plain", name: "Again" }), 409, "already_used", "code");
  assertProblem(await fx.admin.post("/api/companies", { code: "comp-a1", name: "Again", directory_id: F.dirPlain.id, area_id: F.areaA.id }), 409, "already_used", "code");
  assertProblem(await fx.admin.post("/api/groups", { code: "user-group-a", description: "Again", access_level: "user", area_id: F.areaA.id, options: [] }), 409, "already_used", "code");
  expectStatus(await fx.admin.post("/api/groups", { code: "user-group-c", description: "New", access_level: "user", area_id: F.areaA.id, options: [] }), 201);
});
