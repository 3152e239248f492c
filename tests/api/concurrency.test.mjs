// Two editors of one record, and many simultaneous creations of one user code: the version
// check refuses the stale save ("changed by someone else"), and the unique user code admits
// exactly one creation, with exactly one row and one history entry (R03, R30).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, signedIn, assertProblem, reload } from "./fixtures.mjs";

let fx, F, secondAdmin, laA;
before(async () => {
  fx = await setup({ other: false });
  F = fx.F;
  secondAdmin = await signedIn(fx.worker.url);
  laA = await fx.signIn("la_a");
});
after(async () => {
  await fx?.worker.stop();
});

test("two editors of one user: the first save wins, the second gets 409 version_conflict and changes nothing", async () => {
  const path = `/api/users/${F.user.id}`;
  const [first, second] = [await reload(fx.admin, path), await reload(laA, path)];
  assert.equal(first.version, second.version);
  const historyBefore = fx.read(`SELECT COUNT(*) AS n FROM history`)[0].n;
  const saved = await fx.admin.request("PUT", path, { user_code: first.user_code, name: "Name By First", version: first.version });
  assert.equal(saved.status, 200, saved.text);
  assert.equal(saved.json.version, first.version + 1);
  const stale = await laA.request("PUT", path, { user_code: second.user_code, name: "Name By Second", version: second.version });
  assertProblem(stale, 409, "version_conflict");
  assert.match(stale.json.message, /changed by someone else/);
  assert.equal((await reload(laA, path)).name, "Name By First");
  assert.deepEqual(fx.read(`SELECT name, version FROM users WHERE id = ${F.user.id}`), [{ name: "Name By First", version: first.version + 1 }]);
  assert.equal(fx.read(`SELECT COUNT(*) AS n FROM history`)[0].n, historyBefore + 1);
  // Twin: the second editor, after reloading, saves.
  const fresh = await reload(laA, path);
  const retried = await laA.request("PUT", path, { user_code: fresh.user_code, name: "Name By Second", version: fresh.version });
  assert.equal(retried.status, 200, retried.text);
});

test("simultaneous saves of one company with the same version: exactly one wins", async () => {
  const path = `/api/companies/${F.compA2.id}`;
  const company = await reload(fx.admin, path);
  const clients = [fx.admin, secondAdmin, laA];
  const answers = await Promise.all(
    Array.from({ length: 9 }, (_, i) =>
      clients[i % 3].request("PUT", path, {
        code: company.code, name: `Parallel ${i}`, directory_id: company.directory_id, area_id: company.area_id, version: company.version,
      })),
  );
  const statuses = answers.map((a) => a.status).sort();
  assert.deepEqual(statuses, [200, ...Array(8).fill(409)], answers.map((a) => a.text).join("\n"));
  for (const answer of answers.filter((a) => a.status === 409)) assertProblem(answer, 409, "version_conflict");
  const winner = answers.find((a) => a.status === 200).json.name;
  assert.deepEqual(fx.read(`SELECT name, version FROM companies WHERE id = ${F.compA2.id}`), [{ name: winner, version: company.version + 1 }]);
  assert.equal(fx.read(`SELECT COUNT(*) AS n FROM history WHERE entity_kind = 'company' AND entity_id = ${F.compA2.id} AND action = 'updated'`)[0].n, 1);
});

test("r03 24 parallel creations of one user code in different cases: one 201, the rest 409 already_used, one row, one history entry", async () => {
  const code = "race.user@demo.precinct.test";
  const variants = Array.from({ length: 24 }, (_, i) =>
    i % 3 === 0 ? code : i % 3 === 1 ? code.toUpperCase() : code.replace("race", "RaCe"));
  const clients = [fx.admin, secondAdmin, laA];
  const answers = await Promise.all(
    variants.map((userCode, i) => clients[i % 3].post("/api/users", { user_code: userCode, name: `Racer ${i}`, group_id: F.groupUserA.id })),
  );
  const created = answers.filter((a) => a.status === 201);
  assert.equal(created.length, 1, answers.map((a) => `${a.status} ${a.text}`).join("\n"));
  for (const answer of answers.filter((a) => a.status !== 201)) assertProblem(answer, 409, "already_used", "user_code");
  const rows = fx.read(`SELECT id, user_code_norm FROM users WHERE user_code_norm = '${code}'`);
  assert.deepEqual(rows, [{ id: created[0].json.id, user_code_norm: code }]);
  const entries = fx.read(`SELECT COUNT(*) AS n FROM history WHERE entity_kind = 'user' AND action = 'created' AND lower(summary) LIKE '%${code}%'`);
  assert.equal(entries[0].n, 1);
});
