// Bad input on every POST/PUT endpoint: missing fields, wrong types, unknown fields, oversize
// strings, invalid emails and ids of another account are refused with a 4xx problem that names
// the field, and a refused request changes nothing in D1 (R01, R15, R24, "a refused action
// changes nothing").
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, snapshot } from "./fixtures.mjs";

let fx, F, baseline, laA;
before(async () => {
  fx = await setup();
  F = fx.F;
  laA = await fx.signIn("la_a");
  baseline = snapshot(fx.read);
});
after(async () => {
  await fx?.worker.stop();
});

const long = (n) => "x".repeat(n);

/** Sends each case, checks the problem (status, code, field), and that D1 did not change. */
async function refused(cases, client = fx.admin) {
  for (const [method, path, body, status, code, field] of cases) {
    const label = `${method} ${path} ${typeof body === "string" ? body.slice(0, 60) : JSON.stringify(body ?? null).slice(0, 120)}`;
    const response = await client.request(method, path, body);
    assert.equal(response.status, status, `${label}: ${response.text}`);
    assert.equal(response.json?.status, status, `${label}: ${response.text}`);
    assert.equal(typeof response.json.message, "string", label);
    if (code) assert.equal(response.json.code, code, `${label}: ${response.text}`);
    if (field instanceof RegExp) assert.match(response.json.field ?? "", field, `${label}: ${response.text}`);
    else if (field !== undefined) assert.equal(response.json.field, field, `${label}: ${response.text}`);
    if (fx.read.fast) assert.deepEqual(snapshot(fx.read), baseline, `${label} changed D1`);
  }
  // Without a fast reader, one (slow) comparison per endpoint.
  if (!fx.read.fast) assert.deepEqual(snapshot(fx.read), baseline, "a refused request changed D1");
}

test("malformed bodies: not JSON, empty, oversize, not an object", async () => {
  await refused([
    ["POST", "/api/areas", "{not json", 400, "invalid_json"],
    ["POST", "/api/areas", "", 400, "empty_body"],
    ["POST", "/api/areas", '{"code":"X"} trailing', 400, "invalid_json"],
    ["POST", "/api/areas", JSON.stringify({ code: "BIG", description: long(70_000) }), 413, "body_too_large"],
    ["POST", "/api/users", "[]", 422, "invalid_type", "body"],
    ["PUT", `/api/users/${F.user.id}/companies`, "null", 422, "invalid_type"],
  ]);
});

test("POST /areas and PUT /areas/{id}: missing, wrong type, unknown, oversize, duplicate, other account", async () => {
  const v = F.areaA.version;
  await refused([
    ["POST", "/api/areas", {}, 422, "missing_field", "code"],
    ["POST", "/api/areas", { code: 5 }, 422, "invalid_type", "code"],
    ["POST", "/api/areas", { code: "NEW", owner: "me" }, 422, "unknown_field", "owner"],
    ["POST", "/api/areas", { code: long(33) }, 422, "too_long", "code"],
    ["POST", "/api/areas", { code: "has space" }, 422, "invalid_code", "code"],
    ["POST", "/api/areas", { code: "   " }, 422, "required", "code"],
    ["POST", "/api/areas", { code: "NEW", description: long(201) }, 422, "too_long", "description"],
    ["POST", "/api/areas", { code: "NEW", description: "bad\u0000text" }, 422, "invalid_text", "description"],
    ["POST", "/api/areas", { code: "NEW", version: 1 }, 422, "unknown_field", "version"],
    ["POST", "/api/areas", { code: "AREA-A" }, 409, "already_used", "code"],
    ["PUT", `/api/areas/${F.areaA.id}`, { code: "AREA-A" }, 422, "missing_field", "version"],
    ["PUT", `/api/areas/${F.areaA.id}`, { code: "AREA-A", version: "1" }, 422, "invalid_type", "version"],
    ["PUT", `/api/areas/${F.areaA.id}`, { code: "", version: v }, 422, "required", "code"],
    ["PUT", `/api/areas/${F.areaA.id}`, { code: "AREA-B", version: v }, 409, "already_used", "code"],
    ["PUT", `/api/areas/${F.areaA.id}`, { code: "AREA-A", version: v, id: 9 }, 422, "unknown_field", "id"],
    ["PUT", `/api/areas/${F.areaA.id}`, { code: "AREA-A2", version: v + 7 }, 409, "version_conflict"],
    ["PUT", `/api/areas/${F.otherArea.id}`, { code: "HIJACK", version: F.otherArea.version }, 404, "not_found"],
    ["PUT", "/api/areas/abc", { code: "X", version: 1 }, 404],
    ["DELETE", `/api/areas/${F.areaA.id}`, undefined, 422, undefined, "version"],
    ["DELETE", `/api/areas/${F.areaA.id}?version=x`, undefined, 422, undefined, "version"],
    ["DELETE", `/api/areas/${F.areaA.id}?version=${v}`, undefined, 409, "area_in_use"],
  ]);
});

test("POST /directories and PUT /directories/{id}: fields, and r01 another account's area", async () => {
  const v = F.dirPlain.version;
  await refused([
    ["POST", "/api/directories", {}, 422, "missing_field", "code"],
    ["POST", "/api/directories", { code: "D1" }, 422, "missing_field", "name"],
    ["POST", "/api/directories", { code: "D1", name: 7 }, 422, "invalid_type", "name"],
    ["POST", "/api/directories", { code: "D1", name: "n", multidimensional: "yes" }, 422, "invalid_type", "multidimensional"],
    ["POST", "/api/directories", { code: "D1", name: long(121) }, 422, "too_long", "name"],
    ["POST", "/api/directories", { code: "D1", name: "n", area: 1 }, 422, "unknown_field", "area"],
    ["POST", "/api/directories", { code: "D1", name: "n", multidimensional: true, area_id: F.otherArea.id }, 422, "unknown_area", "area_id"],
    ["POST", "/api/directories", { code: "D1", name: "n", area_id: "1" }, 422, "invalid_type", "area_id"],
    ["POST", "/api/directories", { code: "DIR-PLAIN", name: "dup" }, 409, "already_used", "code"],
    ["PUT", `/api/directories/${F.dirPlain.id}`, { code: "DIR-PLAIN", name: "n" }, 422, "missing_field", "version"],
    ["PUT", `/api/directories/${F.dirPlain.id}`, { code: "DIR-PLAIN", name: "n", area_id: F.otherArea.id, version: v }, 422, "unknown_area", "area_id"],
    ["PUT", `/api/directories/${F.dirPlain.id}`, { code: "DIR-PLAIN", name: "", version: v }, 422, "required", "name"],
    ["PUT", `/api/directories/${F.otherDir.id}`, { code: "HIJACK", name: "n", version: F.otherDir.version }, 404, "not_found"],
  ]);
});

test("POST /companies and PUT /companies/{id}: fields, and r01 another account's directory, area and user", async () => {
  const c = F.compA1;
  const edit = (over) => ({ code: c.code, name: c.name, directory_id: c.directory_id, area_id: c.area_id, version: c.version, ...over });
  const base = { code: "NEWCO", name: "New company", directory_id: F.dirPlain.id };
  await refused([
    ["POST", "/api/companies", {}, 422, "missing_field", "code"],
    ["POST", "/api/companies", { code: "NEWCO", name: "n" }, 422, "missing_field", "directory_id"],
    ["POST", "/api/companies", { ...base, directory_id: "1" }, 422, "invalid_type", "directory_id"],
    ["POST", "/api/companies", { ...base, name: long(121) }, 422, "too_long", "name"],
    ["POST", "/api/companies", { ...base, code: long(40) }, 422, "too_long", "code"],
    ["POST", "/api/companies", { ...base, projects: [] }, 422, "unknown_field", "projects"],
    ["POST", "/api/companies", { ...base, directory_id: F.otherDir.id }, 422, "unknown_directory", "directory_id"],
    ["POST", "/api/companies", { ...base, area_id: F.otherArea.id }, 422, "unknown_area", "area_id"],
    ["POST", "/api/companies", { ...base, user_in_charge_id: F.otherUser.id }, 422, "unknown_user", "user_in_charge_id"],
    ["POST", "/api/companies", { ...base, code: "COMP-A1" }, 409, "already_used", "code"],
    ["PUT", `/api/companies/${c.id}`, edit({ version: undefined }), 422, "missing_field", "version"],
    ["PUT", `/api/companies/${c.id}`, edit({ directory_id: F.dirMd.id }), 422, "immutable", "directory_id"],
    ["PUT", `/api/companies/${c.id}`, edit({ area_id: F.otherArea.id }), 422, "unknown_area", "area_id"],
    ["PUT", `/api/companies/${c.id}`, edit({ user_in_charge_id: F.otherUser.id }), 422, "unknown_user", "user_in_charge_id"],
    ["PUT", `/api/companies/${c.id}`, edit({ name: " " }), 422, "required", "name"],
    ["PUT", `/api/companies/${F.otherComp.id}`, { ...base, directory_id: F.otherDir.id, version: 1 }, 404, "not_found"],
  ]);
  // r12 a local administrator cannot choose another area nor put another area's user in charge.
  await refused([
    ["POST", "/api/companies", { ...base, area_id: F.areaB.id }, 403, "outside_area"],
    ["POST", "/api/companies", { ...base, user_in_charge_id: F.la_b.id }, 422, "unknown_user", "user_in_charge_id"],
    ["PUT", `/api/companies/${c.id}`, edit({ area_id: F.areaB.id }), 403, "cannot_change_company_area"],
  ], laA);
});

test("POST /groups and PUT /groups/{id}: fields, levels, options, and r01 another account's area", async () => {
  const g = F.groupUserA;
  const edit = (over) => ({ code: g.code, description: g.description, access_level: g.access_level, area_id: g.area_id, options: g.options, version: g.version, ...over });
  await refused([
    ["POST", "/api/groups", {}, 422, "missing_field", "code"],
    ["POST", "/api/groups", { code: "G1" }, 422, "missing_field", "access_level"],
    ["POST", "/api/groups", { code: "G1", access_level: "superuser" }, 422, "invalid_type", "access_level"],
    ["POST", "/api/groups", { code: "G1", access_level: "user", options: ["fly"] }, 422, "invalid_type", /^options/],
    ["POST", "/api/groups", { code: "G1", access_level: "user", options: "users_manage" }, 422, "invalid_type", "options"],
    ["POST", "/api/groups", { code: "G1", access_level: "user", members: 3 }, 422, "unknown_field", "members"],
    ["POST", "/api/groups", { code: "G1", access_level: "user", description: long(201) }, 422, "too_long", "description"],
    ["POST", "/api/groups", { code: "G1", access_level: "user", area_id: F.otherArea.id }, 422, "unknown_area", "area_id"],
    // r09 an Administrator group has no area; a Local Administrator group needs one.
    ["POST", "/api/groups", { code: "G1", access_level: "administrator", area_id: F.areaA.id }, 422, "admin_group_has_no_area"],
    ["POST", "/api/groups", { code: "G1", access_level: "local_administrator" }, 422, "local_admin_group_needs_area"],
    ["POST", "/api/groups", { code: "USER-GROUP-A", access_level: "user" }, 409, "already_used", "code"],
    ["PUT", `/api/groups/${g.id}`, edit({ version: undefined }), 422, "missing_field", "version"],
    ["PUT", `/api/groups/${g.id}`, edit({ area_id: F.otherArea.id }), 422, "unknown_area", "area_id"],
    ["PUT", `/api/groups/${g.id}`, edit({ access_level: "administrator", area_id: null, version: g.version + 5 }), 409, "version_conflict"],
    ["PUT", `/api/groups/${F.otherGroup.id}`, edit({ version: F.otherGroup.version }), 404, "not_found"],
  ]);
  // r09/r12 a local administrator gives only options it holds, never the Administrator level.
  await refused([
    ["POST", "/api/groups", { code: "G2", access_level: "user", options: ["areas_manage"] }, 403, "cannot_grant_option"],
    ["POST", "/api/groups", { code: "G2", access_level: "administrator" }, 403, "requires_administrator"],
    ["POST", "/api/groups", { code: "G2", access_level: "user", area_id: F.areaB.id }, 403, "outside_area"],
    ["PUT", `/api/groups/${g.id}`, edit({ options: [...g.options, "directories_manage"] }), 403, "cannot_grant_option"],
    ["PUT", `/api/groups/${g.id}`, edit({ area_id: F.areaB.id }), 403, "cannot_change_group_area"],
  ], laA);
});

test("r24 POST /users and PUT /users/{id}: invalid email, fields, and r01 another account's group", async () => {
  const u = F.user;
  const base = { user_code: "new.person@demo.precinct.test", name: "New Person", group_id: F.groupUserA.id };
  const edit = (over) => ({ user_code: u.user_code, name: u.name, version: u.version, ...over });
  await refused([
    ["POST", "/api/users", {}, 422, "missing_field", "user_code"],
    ["POST", "/api/users", { user_code: "a@b.co", name: "n" }, 422, "missing_field", "group_id"],
    ["POST", "/api/users", { ...base, user_code: "not-an-email" }, 422, "invalid_email", "user_code"],
    ["POST", "/api/users", { ...base, user_code: "two@@demo.precinct.test" }, 422, "invalid_email", "user_code"],
    ["POST", "/api/users", { ...base, user_code: "spaces in@demo.precinct.test" }, 422, "invalid_email", "user_code"],
    ["POST", "/api/users", { ...base, user_code: `${long(250)}@demo.precinct.test` }, 422, "invalid_email", "user_code"],
    ["POST", "/api/users", { ...base, user_code: 42 }, 422, "invalid_type", "user_code"],
    ["POST", "/api/users", { ...base, name: long(121) }, 422, "too_long", "name"],
    ["POST", "/api/users", { ...base, name: "" }, 422, "required", "name"],
    ["POST", "/api/users", { ...base, language: "de" }, 422, "invalid_type", "language"],
    ["POST", "/api/users", { ...base, password: "chosen-by-admin" }, 422, "unknown_field", "password"],
    ["POST", "/api/users", { ...base, group_id: F.otherGroup.id }, 422, "unknown_group", "group_id"],
    ["POST", "/api/users", { ...base, group_id: 0 }, 422, "required", "group_id"],
    ["POST", "/api/users", { ...base, user_code: F.la_a.user_code.toUpperCase() }, 409, "already_used", "user_code"],
    ["POST", "/api/users", { ...base, user_code: "ADMIN@other.test" }, 409, "already_used", "user_code"],
    ["PUT", `/api/users/${u.id}`, edit({ user_code: "nope" }), 422, "invalid_email", "user_code"],
    ["PUT", `/api/users/${u.id}`, edit({ version: undefined }), 422, "missing_field", "version"],
    // r32: the group is part of the same Save; one of another account is unknown, nothing changes.
    ["PUT", `/api/users/${u.id}`, edit({ group_id: F.otherGroup.id }), 422, "unknown_group", "group_id"],
    ["PUT", `/api/users/${u.id}`, edit({ group_id: "2" }), 422, "invalid_type", "group_id"],
    ["PUT", `/api/users/${u.id}`, edit({ confirm_move_across_areas: "yes" }), 422, "invalid_type", "confirm_move_across_areas"],
    ["PUT", `/api/users/${u.id}`, edit({ user_code: F.la_b.user_code }), 409, "already_used", "user_code"],
    ["PUT", `/api/users/${F.otherUser.id}`, edit({ version: F.otherUser.version }), 404, "not_found"],
  ]);
  // r12 a local administrator creates users only in groups of their area.
  await refused([["POST", "/api/users", { ...base, group_id: F.groupUserB.id }, 422, "unknown_group", "group_id"]], laA);
});

test("POST /users/{id}/disable|enable|move and PUT /users/{id}/companies: fields and r01 other account ids", async () => {
  const u = F.user;
  await refused([
    ["POST", `/api/users/${u.id}/disable`, {}, 422, "missing_field", "version"],
    ["POST", `/api/users/${u.id}/disable`, { version: "1" }, 422, "invalid_type", "version"],
    ["POST", `/api/users/${u.id}/enable`, { version: u.version, active: true }, 422, "unknown_field", "active"],
    ["POST", `/api/users/${u.id}/disable`, { version: u.version + 3 }, 409, "version_conflict"],
    ["POST", `/api/users/${F.otherUser.id}/disable`, { version: F.otherUser.version }, 404, "not_found"],
    ["POST", `/api/users/${u.id}/move`, { version: u.version }, 422, "missing_field", "group_id"],
    ["POST", `/api/users/${u.id}/move`, { group_id: F.otherGroup.id, version: u.version }, 422, "unknown_group", "group_id"],
    ["POST", `/api/users/${u.id}/move`, { group_id: [1], version: u.version }, 422, "invalid_type", "group_id"],
    ["PUT", `/api/users/${u.id}/companies`, { company_ids: [F.compA1.id] }, 422, "missing_field", "version"],
    ["PUT", `/api/users/${u.id}/companies`, { company_ids: F.compA1.id, version: u.version }, 422, "invalid_type", "company_ids"],
    ["PUT", `/api/users/${u.id}/companies`, { company_ids: [F.otherComp.id], version: u.version }, 422, "unknown_company", "company_ids"],
    ["PUT", `/api/users/${u.id}/companies`, { company_ids: [F.compA1.id, F.otherComp.id], version: u.version }, 422, "unknown_company", "company_ids"],
    // R14: only companies of the user's area can be ticked.
    ["PUT", `/api/users/${u.id}/companies`, { company_ids: [F.compB1.id], version: u.version }, 403, "company_outside_user_area"],
    ["PUT", `/api/users/${F.la_a.id}/companies`, { company_ids: [F.compA1.id], version: F.la_a.version }, 403, "company_access_locked"],
  ]);
});

test("PUT /session/company and POST /session/act-as: fields and r01 other account ids", async () => {
  await refused([
    ["PUT", "/api/session/company", {}, 422, "missing_field", "company_id"],
    ["PUT", "/api/session/company", { company_id: "1" }, 422, "invalid_type", "company_id"],
    ["PUT", "/api/session/company", { company_id: F.otherComp.id }, 422, "unknown_company", "company_id"],
    ["POST", "/api/session/act-as", {}, 422, "missing_field", "user_id"],
    ["POST", "/api/session/act-as", { user_id: F.la_a.id, as: "x" }, 422, "unknown_field", "as"],
    ["POST", "/api/session/act-as", { user_id: F.otherUser.id }, 404, "not_found"],
    ["POST", "/api/session", { user_code: "a@b.co" }, 422, "missing_field", "password"],
    ["POST", "/api/session", { user_code: long(300), password: "x" }, 422, "too_long", "user_code"],
  ]);
  // The session kept no company and acts as no one.
  const me = (await fx.admin.get("/api/session")).json;
  assert.equal(me.company, null);
  assert.equal(me.real_user_code, undefined);
});

test("a request with several fields at fault names every one at once, the first also as `field`", async () => {
  const before = snapshot(fx.read);
  const response = await fx.admin.post("/api/users", { user_code: "no-at-sign", name: " ", group_id: 0 });
  assert.equal(response.status, 422, response.text);
  assert.equal(response.json.field, "user_code");
  assert.deepEqual(response.json.errors.map((e) => e.field), ["user_code", "name", "group_id"]);
  for (const entry of response.json.errors) {
    assert.equal(typeof entry.code, "string");
    assert.ok(entry.message.length > 0 && !/`/.test(entry.message), entry.message);
  }
  const group = await fx.admin.post("/api/groups", { code: "", description: "x".repeat(201), access_level: "user", area_id: F.areaA.id, options: [] });
  assert.deepEqual(group.json.errors?.map((e) => e.field), ["code", "description"], group.text);
  // One field at fault: the problem as before, no list.
  const one = await fx.admin.post("/api/areas", { code: "" });
  assert.equal(one.json.field, "code");
  assert.equal(one.json.errors, undefined);
  assert.deepEqual(snapshot(fx.read), before);
});

test("a valid request after all the refused ones still succeeds (the checks above can tell a change)", async () => {
  const response = await fx.admin.post("/api/areas", { code: "AFTER" });
  assert.equal(response.status, 201, response.text);
  assert.notDeepEqual(snapshot(fx.read), baseline);
});
