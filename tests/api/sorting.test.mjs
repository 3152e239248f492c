// Lists sort by their columns (issue 13): users by name, code, group and status; companies by
// name, code and area; user groups by code, description, level and area; each way (`sort=-code`),
// page after page without a row lost or repeated, within the actor's scope. Every order is read
// from an index (tests/api/query-plans.test.mjs); a group's or an area's new code re-sorts its
// rows at once (kept in step by the database in the same write).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, expectStatus, assertProblem } from "./fixtures.mjs";

let fx, F, la;
before(async () => {
  fx = await setup();
  F = fx.F;
  la = await fx.signIn("la_a");
  for (const [user_code, name, group] of [
    ["aa.zed@sort.example", "Zed Sorting", F.groupUserB],
    ["zz.abel@sort.example", "Abel Sorting", F.groupUserA],
    ["mm.mid@sort.example", "Mid Sorting", F.groupUserA],
  ]) {
    const created = await fx.admin.post("/api/users", { user_code, name, group_id: group.id });
    expectStatus(created, 201);
    if (name === "Mid Sorting") {
      const { id, version } = created.json;
      expectStatus(await fx.admin.post(`/api/users/${id}/disable`, { version }), 200);
    }
  }
});
after(async () => {
  await fx?.worker.stop();
});

/** Every item of a list, following its cursor page by page (`limit` items a page). */
async function all(client, path, limit = 2) {
  const items = [];
  let cursor = null;
  for (let pages = 0; pages < 200; pages++) {
    const separator = path.includes("?") ? "&" : "?";
    const response = await client.get(`${path}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    assert.equal(response.status, 200, response.text);
    items.push(...response.json.items);
    cursor = response.json.next_cursor;
    if (!cursor) return items;
  }
  throw new Error("the list did not end");
}

const sortedBy = (items, ...keys) =>
  [...items].sort((a, b) => {
    for (const key of keys) {
      const [x, y] = [key(a), key(b)];
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return a.id - b.id;
  });
const lower = (text) => (text ?? "").toLowerCase();

test("users sort by name, code, group and status, both ways, page after page", async () => {
  const byName = await all(fx.admin, "/api/users");
  assert.ok(byName.length >= 8, `${byName.length} users`);
  const ids = (items) => items.map((item) => item.id);
  const orders = {
    name: [(u) => lower(u.name)],
    code: [(u) => lower(u.user_code)],
    group: [(u) => lower(u.group_code), (u) => lower(u.name)],
    status: [(u) => (u.active ? 1 : 0), (u) => lower(u.name)],
  };
  for (const [sort, keys] of Object.entries(orders)) {
    const ascending = await all(fx.admin, `/api/users?sort=${sort}`);
    assert.deepEqual(ids(ascending), ids(sortedBy(byName, ...keys)), `sort=${sort}`);
    const descending = await all(fx.admin, `/api/users?sort=-${sort}`);
    assert.deepEqual(ids(descending), ids(sortedBy(byName, ...keys)).reverse(), `sort=-${sort}`);
  }
  // The disabled user comes first by status, the code order is the address's.
  assert.equal((await all(fx.admin, "/api/users?sort=status"))[0].active, false);
  assert.equal((await all(fx.admin, "/api/users?sort=code"))[0].user_code, "aa.zed@sort.example");
});

test("r18 a local administrator's sorted list stays within her area, in order", async () => {
  const mine = await all(la, "/api/users?sort=-code");
  assert.ok(mine.length >= 3);
  assert.ok(mine.every((user) => user.area_id === F.areaA.id), JSON.stringify(mine.map((u) => u.user_code)));
  const codes = mine.map((user) => user.user_code.toLowerCase());
  assert.deepEqual(codes, [...codes].sort().reverse());
  assert.ok(!codes.includes("aa.zed@sort.example"));
});

test("companies sort by name, code and area; user groups by code, description, level and area", async () => {
  const companies = await all(fx.admin, "/api/companies");
  const ids = (items) => items.map((item) => item.id);
  for (const [sort, keys] of Object.entries({
    code: [(c) => lower(c.code)],
    area: [(c) => lower(c.area_code), (c) => lower(c.name)],
  })) {
    assert.deepEqual(ids(await all(fx.admin, `/api/companies?sort=${sort}`)), ids(sortedBy(companies, ...keys)), sort);
    assert.deepEqual(ids(await all(fx.admin, `/api/companies?sort=-${sort}`)), ids(sortedBy(companies, ...keys)).reverse(), `-${sort}`);
  }
  const groups = await all(fx.admin, "/api/groups");
  for (const [sort, keys] of Object.entries({
    description: [(g) => lower(g.description)],
    level: [(g) => g.access_level, (g) => g.code],
    area: [(g) => lower(g.area_code), (g) => g.code],
  })) {
    assert.deepEqual(ids(await all(fx.admin, `/api/groups?sort=${sort}`)), ids(sortedBy(groups, ...keys)), sort);
  }
});

test("a group's new code moves its members in the group order at once", async () => {
  const group = (await fx.admin.get(`/api/groups/${F.groupUserB.id}`)).json;
  const renamed = await fx.admin.request("PUT", `/api/groups/${group.id}`, {
    code: "AAA-FIRST", description: group.description, access_level: group.access_level,
    area_id: group.area_id, options: group.options, version: group.version,
  });
  assert.equal(renamed.status, 200, renamed.text);
  const first = (await all(fx.admin, "/api/users?sort=group"))[0];
  assert.equal(first.group_code, "AAA-FIRST");
  // And an area's new code moves its companies in the area order.
  const area = (await fx.admin.get(`/api/areas/${F.areaB.id}`)).json;
  const moved = await fx.admin.request("PUT", `/api/areas/${area.id}`, { code: "0-FIRST", description: area.description, version: area.version });
  assert.equal(moved.status, 200, moved.text);
  const companies = await all(fx.admin, "/api/companies?sort=area");
  const firstWithArea = companies.find((company) => company.area_code);
  assert.equal(firstWithArea.area_code, "0-FIRST");
});

test("an unknown order, or a cursor of another order, is refused naming the field", async () => {
  assertProblem(await fx.admin.get("/api/users?sort=password"), 422, "out_of_range", "sort");
  const page = (await fx.admin.get("/api/users?sort=code&limit=1")).json;
  assert.ok(page.next_cursor);
  assertProblem(await fx.admin.get(`/api/users?sort=name&cursor=${page.next_cursor}`), 422, "invalid_cursor", "cursor");
  assertProblem(await fx.admin.get(`/api/users?sort=-code&cursor=${page.next_cursor}`), 422, "invalid_cursor", "cursor");
});
