// R24, R03: no squatting. A user code is reserved across the service only once its owner proves
// the address (uses an invitation or reset link); until then other accounts may invite the same
// address, the first acceptance wins, and the other accounts' pending users say so.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, assertProblem, expectStatus, Client } from "./fixtures.mjs";

let fx;
before(async () => {
  fx = await setup();
  for (const [client, sender] of [[fx.admin, "no-reply@demo.precinct.test"], [fx.otherAdmin, "no-reply@other.test"]]) {
    const current = (await client.get("/api/settings/mail")).json;
    const version = current.configured ? { version: current.version } : {};
    expectStatus(await client.put("/api/settings/mail", { provider: "outbox", sender_address: sender, sender_name: "Test", ...version }), 200);
  }
});
after(async () => {
  await fx?.worker.stop();
});

/** The newest link token mailed to `address`, as `client`'s outbox shows it. */
async function linkTo(client, address) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const items = (await client.get("/api/outbox?limit=200")).json.items.filter((m) => m.to_address === address);
    const token = items.map((m) => /set-password\?token=([A-Za-z0-9_.-]+)/.exec(m.text_body)?.[1]).find(Boolean);
    if (token) return token;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`no link to ${address}`);
}

const invite = (client, user_code, group_id) =>
  client.post("/api/users", { user_code, name: "Chief Executive", group_id });

test("r24 an invitation does not reserve an address: another account may invite it, the first to accept wins", async () => {
  const ceo = "ceo@contested.example";
  // The demo account invites first; the other account, whose person it really is, can still add them.
  const squatter = expectStatus(await invite(fx.admin, ceo, fx.F.groupUserA.id), 201);
  const owner = expectStatus(await invite(fx.otherAdmin, ceo, fx.F.otherGroup.id), 201);
  assert.equal(squatter.address_taken, false);
  // Within one account a code is still unique.
  const again = await invite(fx.admin, ceo, fx.F.groupUserA.id);
  assertProblem(again, 409, "already_used", "user_code");
  const sameAccountMessage = again.json.message;
  // Neither pending user signs in (no password yet).
  assertProblem(await new Client(fx.worker.url).signInPassword(ceo, "any password at all"), 401, "invalid_credentials");

  // The real owner accepts the other account's invitation: the address is now theirs.
  const ownerToken = await linkTo(fx.otherAdmin, ceo);
  expectStatus(await new Client(fx.worker.url).post("/api/password", { token: ownerToken, password: "contested-owner-2026" }), 200);
  const signedIn = expectStatus(await new Client(fx.worker.url).signInPassword(ceo, "contested-owner-2026"), 200);
  assert.equal(signedIn.account_id, fx.F.otherMe.account_id);
  assert.equal(fx.read(`SELECT address_proven FROM users WHERE id = ${owner.id}`)[0].address_proven, 1);

  // The demo account's pending user says so; its invitation can no longer be accepted or resent.
  const pending = expectStatus(await fx.admin.get(`/api/users/${squatter.id}`), 200);
  assert.equal(pending.address_taken, true);
  assert.equal(expectStatus(await fx.otherAdmin.get(`/api/users/${owner.id}`), 200).address_taken, false);
  const squatterToken = await linkTo(fx.admin, ceo);
  const refused = await new Client(fx.worker.url).post("/api/password", { token: squatterToken, password: "contested-squatter-2026" });
  assertProblem(refused, 409, "address_taken");
  assert.doesNotMatch(refused.json.message, /Other Group|other\.test/);
  const [row] = fx.read(`SELECT password_hash, address_proven FROM users WHERE id = ${squatter.id}`);
  assert.equal(row.password_hash, null);
  assert.equal(row.address_proven, 0);
  assertProblem(await fx.admin.post(`/api/users/${squatter.id}/invitation`), 409, "address_taken");

  // A proven address is taken everywhere, with the same words as within one account.
  const third = await invite(fx.admin, ceo.toUpperCase(), fx.F.groupUserB.id);
  assertProblem(third, 409, "already_used", "user_code");
  assert.equal(third.json.message, sameAccountMessage);
  const code = fx.F.user_b.user_code;
  const moved = await fx.admin.put(`/api/users/${fx.F.user_b.id}`, { user_code: ceo, name: fx.F.user_b.name, version: (await fx.admin.get(`/api/users/${fx.F.user_b.id}`)).json.version });
  assertProblem(moved, 409, "already_used", "user_code");
  assert.equal(fx.read(`SELECT user_code FROM users WHERE id = ${fx.F.user_b.id}`)[0].user_code, code);
  // Twin: the demo account may still remove its pending user or give them another address.
  const renamed = await fx.admin.put(`/api/users/${squatter.id}`, { user_code: "ceo.assistant@contested.example", name: "Chief Executive", version: pending.version });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal(renamed.json.address_taken, false);
});

test("r24 a changed user code is not proven until a link to it is used, and does not block its owner elsewhere", async () => {
  const address = "moved.owner@contested.example";
  // A demo-account user (with a password) is given the address; they still sign in with it...
  const user = expectStatus(await fx.admin.get(`/api/users/${fx.F.disabled.id}`), 200);
  const enabled = expectStatus(await fx.admin.post(`/api/users/${user.id}/enable`, { version: user.version }), 200);
  const renamed = expectStatus(await fx.admin.put(`/api/users/${user.id}`, { user_code: address, name: user.name, version: enabled.version }), 200);
  assert.equal(fx.read(`SELECT address_proven FROM users WHERE id = ${renamed.id}`)[0].address_proven, 0);
  expectStatus(await new Client(fx.worker.url).signInPassword(address, "Precinct-demo-2026"), 200);
  // ...but the other account may still invite the address's owner; while that invitation waits,
  // the renamed user (the only holder with a password) still signs in...
  const owner = expectStatus(await invite(fx.otherAdmin, address, fx.F.otherGroup.id), 201);
  expectStatus(await new Client(fx.worker.url).signInPassword(address, "Precinct-demo-2026"), 200);
  // ...until the owner proves the address by using the link.
  const token = await linkTo(fx.otherAdmin, address);
  expectStatus(await new Client(fx.worker.url).post("/api/password", { token, password: "moved-owner-own-2026" }), 200);
  const signedIn = expectStatus(await new Client(fx.worker.url).signInPassword(address, "moved-owner-own-2026"), 200);
  assert.equal(signedIn.user_id, owner.id);
  // The demo-account user no longer signs in with it, and their page says why.
  assertProblem(await new Client(fx.worker.url).signInPassword(address, "Precinct-demo-2026"), 401, "invalid_credentials");
  assert.equal(expectStatus(await fx.admin.get(`/api/users/${user.id}`), 200).address_taken, true);
});
