// A small security model for the browser tests, built through the API as the demo administrator
// (the harness seeds only that administrator): two areas, a directory, companies in each area and
// one without, a local-administrator group and a user group of the north, and one user in each.
import assert from "node:assert/strict";
import { Client, DEMO } from "../harness.mjs";

export const LA_OPTIONS = [
  "users_manage", "groups_manage", "companies_manage", "history_read", "reports_read",
  "projects_read", "employees_read", "login_as_another_user", "preferences",
];

function ok(response, status = [200, 201]) {
  assert.ok([].concat(status).includes(response.status), `${response.status} ${response.text}`);
  return response.json;
}

export async function seed(url) {
  const admin = new Client(url);
  ok(await admin.signIn(DEMO.user_code, DEMO.password), 200);
  const north = ok(await admin.post("/api/areas", { code: "NORTH", description: "Northern companies" }));
  const south = ok(await admin.post("/api/areas", { code: "SOUTH", description: "Southern companies" }));
  const main = ok(await admin.post("/api/directories", { code: "MAIN", name: "Main directory" }));
  const company = async (code, name, area) =>
    ok(await admin.post("/api/companies", { code, name, directory_id: main.id, area_id: area?.id ?? null }));
  const n01 = await company("N01", "Northwind Builders", north);
  const n02 = await company("N02", "Nordic Concrete", north);
  const s01 = await company("S01", "Southern Roads", south);
  const h01 = await company("H01", "Head Office", null);
  const laNorth = ok(await admin.post("/api/groups", {
    code: "LA_NORTH", description: "Local administrators of the north", access_level: "local_administrator",
    area_id: north.id, options: LA_OPTIONS,
  }));
  const usersNorth = ok(await admin.post("/api/groups", {
    code: "USERS_NORTH", description: "Site staff of the north", access_level: "user", area_id: north.id,
    options: ["projects_read", "employees_read", "reports_read", "preferences"],
  }));
  const nora = ok(await admin.post("/api/users", { user_code: "la.north@demo.precinct.test", name: "Nora North", group_id: laNorth.id }));
  const ulla = ok(await admin.post("/api/users", { user_code: "user.north@demo.precinct.test", name: "Ulla User", group_id: usersNorth.id }));
  return { admin, areas: { north, south }, main, companies: { n01, n02, s01, h01 }, groups: { laNorth, usersNorth }, users: { nora, ulla } };
}
