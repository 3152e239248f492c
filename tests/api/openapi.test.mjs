// openapi.json describes exactly the routes the worker serves: every documented operation is
// routed, every other method of a documented path is a 405 with an Allow header naming the
// documented ones, and the route table (worker/src/route_table.rs, from which the document's
// paths are generated) has no path the document lacks.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startWorker, Client, ROOT } from "../harness.mjs";

let worker, admin, spec;
before(async () => {
  worker = await startWorker();
  admin = new Client(worker.url);
  await admin.signIn();
  spec = (await admin.get("/api/openapi.json")).json;
});
after(async () => {
  await worker?.stop();
});

const METHODS = ["GET", "POST", "PUT", "DELETE"];
const concrete = (path) => path.replaceAll("{id}", "999999");

/** The (path, methods) pairs of the route table, worker/src/route_table.rs, read from its rows. */
function routedPaths() {
  const source = readFileSync(join(ROOT, "worker/src/route_table.rs"), "utf8");
  const routes = new Map();
  const rows = source.split("pub const ROUTES")[1];
  for (const [, verb, path] of rows.matchAll(/\b(get|post|put|delete)\("(\/api\/[^"]*)"/g)) {
    routes.set(path, [...(routes.get(path) ?? []), verb.toUpperCase()]);
  }
  return routes;
}

test("the document is served and lists the operations", () => {
  assert.equal(spec.openapi, "3.1.0");
  const operations = Object.values(spec.paths).flatMap((item) => Object.keys(item));
  console.log(`openapi: ${Object.keys(spec.paths).length} paths, ${operations.length} operations`);
  assert.ok(operations.length >= 40);
});

test("the routing table and the document name the same paths and methods", () => {
  const routed = routedPaths();
  const documented = new Map(
    Object.entries(spec.paths).map(([path, item]) => [path, Object.keys(item).map((m) => m.toUpperCase()).sort()]),
  );
  assert.deepEqual(
    [...routed.entries()].map(([p, m]) => [p, [...m].sort()]).sort(),
    [...documented.entries()].sort(),
  );
});

test("every documented operation is routed; other methods of its path answer 405", async () => {
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const response = await admin.request(method, concrete(path), method === "GET" || method === "DELETE" ? undefined : {});
      if (item[method.toLowerCase()]) {
        assert.notEqual(response.status, 405, `${method} ${path} is documented but not routed`);
      } else {
        assert.equal(response.status, 405, `${method} ${path} is not documented but answered ${response.status}`);
        const allowed = Object.keys(item).map((m) => m.toUpperCase()).sort();
        assert.deepEqual(response.headers.get("allow").split(", ").sort(), allowed, `Allow of ${path}`);
      }
    }
  }
});

test("an undocumented address is a 404 problem", async () => {
  const response = await admin.get("/api/no-such-thing");
  assert.equal(response.status, 404);
  assert.equal(response.json.code, "not_found");
});
