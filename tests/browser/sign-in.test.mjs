// The walking skeleton in a real browser: sign in, My Applications, open the console, sign out.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, Client, DEMO } from "../harness.mjs";
import { test, launch, newPage, shot, assertNoHorizontalScroll, reportWorkerLog, secondStep, signInDemo } from "./browser.mjs";

let worker, browser;
before(async () => {
  worker = await startWorker();
  reportWorkerLog(worker);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await worker?.stop();
});

for (const viewport of ["desktop", "phone"]) {
  test(`r03 ${viewport}: sign in, land on My Applications, open the console without a password, sign out`, async () => {
    const { page, context, errors } = await newPage(browser, viewport);
    await page.goto(worker.url + "/");
    await page.getByLabel("User code").fill(DEMO.user_code);
    await page.getByLabel("Password").fill(DEMO.password);
    await shot(page, `${viewport}-01-sign-in`);
    await page.getByRole("button", { name: "Sign in" }).click();

    // R35: an administrator's first sign-in sets up the second factor (the QR code drawn by the
    // worker, the key as text); the next one asks for the authenticator's code.
    await page.waitForURL(/\/second-factor$/);
    await page.locator("#code").waitFor();
    if (viewport === "desktop") {
      assert.equal(await page.locator(".qr svg").count(), 1);
      assert.ok(await page.locator(".qr svg").isVisible());
      assert.match(await page.locator("[data-test=mfa-secret]").textContent(), /^[A-Z2-7]{32}$/);
      await page.locator("#code").fill("000000");
      await page.locator("form button[type=submit]").click();
      await page.locator("#code-error").getByText("not valid").waitFor();
    }
    await assertNoHorizontalScroll(assert, page);
    await shot(page, `${viewport}-r35-${viewport === "desktop" ? "set-up" : "code"}`);
    await secondStep(page, worker.url, DEMO.user_code, {
      beforeContinue: async () => {
        assert.equal(await page.locator("[data-test=recovery-codes] li").count(), 10);
        await assertNoHorizontalScroll(assert, page);
        await shot(page, `${viewport}-r35-recovery-codes`);
      },
    });

    await page.getByRole("heading", { name: "My Applications" }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/applications");
    await assertNoHorizontalScroll(assert, page);
    await shot(page, `${viewport}-02-my-applications`);

    await page.getByRole("link", { name: /Security Console/ }).click();
    await page.getByRole("heading", { name: "Security Console" }).waitFor();
    assert.equal(await page.getByLabel("Password").count(), 0, "the console must not ask for the password again");
    await shot(page, `${viewport}-03-console`);

    // A reload keeps the session (the cookie), and a deep link works.
    await page.goto(worker.url + "/console");
    await page.getByRole("heading", { name: "Security Console" }).waitFor();

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to Precinct" }).waitFor();
    // After sign-out the console sends the person back to sign in.
    await page.goto(worker.url + "/applications");
    await page.getByRole("heading", { name: "Sign in to Precinct" }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`r03 ${viewport}: a wrong password shows the same message as an unknown user`, async () => {
    const { page, context } = await newPage(browser, viewport);
    await page.goto(worker.url + "/");
    await page.getByLabel("User code").fill(DEMO.user_code);
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.equal(await alert.textContent(), "The user code or the password is incorrect.");
    await shot(page, `${viewport}-04-sign-in-refused`);
    assert.equal(new URL(page.url()).pathname, "/");

    // In French the server's refusal is said in French too (by its code), for an unknown user
    // as for a wrong password.
    await page.getByRole("button", { name: "Français" }).click();
    await page.getByLabel("Code utilisateur").fill("nobody@example.com");
    await page.getByRole("button", { name: "Se connecter", exact: true }).click();
    await page.getByText("Le code utilisateur ou le mot de passe est incorrect.").waitFor();
    assert.equal(await page.getByRole("alert").textContent(), "Le code utilisateur ou le mot de passe est incorrect.");
    await context.close();
  });

  test(`${viewport}: an unknown route shows a not-found page, not a blank screen`, async () => {
    const { page, context } = await newPage(browser, viewport);
    await page.goto(worker.url + "/no/such/page");
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    await shot(page, `${viewport}-05-not-found`);
    await context.close();
  });
}

/** The demo administrator signs in through the pages, second step included. */
async function signInAsAdmin(page) {
  await page.goto(worker.url + "/");
  await page.getByLabel("User code").fill(DEMO.user_code);
  await page.getByLabel("Password").fill(DEMO.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await secondStep(page, worker.url, DEMO.user_code);
  await page.waitForURL(/\/applications$/);
}

test("sessions: a sign-in older than 15 minutes signs in again before ending another session, and comes back to the list (ASVS 7.5.2)", async () => {
  const other = new Client(worker.url);
  await other.signIn();
  const { page, context, errors } = await newPage(browser, "desktop");
  await signInAsAdmin(page);
  await page.goto(worker.url + "/sessions");
  const rows = page.locator("[data-test=session]");
  await rows.first().waitFor();
  // The session end is sent as if 16 minutes had passed since this sign-in.
  const later = (route) => route.continue({ headers: { ...route.request().headers(), "x-precinct-test-now": String(Date.now() + 16 * 60_000) } });
  await page.route("**/api/sessions/*", later);
  await rows.filter({ hasNotText: "this session" }).first().getByRole("button", { name: "End" }).click();
  const again = page.locator("[data-test=sign-in-again]");
  await again.waitFor();
  assert.match(await page.getByRole("alert").first().textContent(), /sign in again/);
  await shot(page, "desktop-sessions-sign-in-again");
  await page.unroute("**/api/sessions/*", later);
  await again.click();
  await page.waitForURL((address) => address.pathname === "/");
  await signInDemo(page, worker.url, /\/sessions$/);
  await rows.first().waitFor();
  const count = await rows.count();
  await rows.filter({ hasNotText: "this session" }).first().getByRole("button", { name: "End" }).click();
  await page.waitForFunction((n) => document.querySelectorAll("[data-test=session]").length === n - 1, count);
  // ASVS 7.4.5: an administrator also ends everyone's sessions at once, after a confirmation.
  const someone = new Client(worker.url);
  await someone.signIn();
  page.once("dialog", (dialog) => dialog.accept());
  await page.locator("[data-test=end-everyone]").click();
  await page.getByText("Done: everyone you manage signs in again.").waitFor();
  await shot(page, "desktop-sessions-everyone-ended");
  assert.equal((await someone.get("/api/session")).status, 401);
  assert.equal(await rows.count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test("r35 desktop: an administrator resets a user's second factor from the user's page; the user sets it up again", async () => {
  // A local administrator of the demo account signs in (and so sets up a second factor).
  const admin = new Client(worker.url);
  await admin.signIn();
  const groups = (await admin.get("/api/groups?limit=100")).json.items;
  const area = (await admin.post("/api/areas", { code: "R35", description: "Second factor" })).json;
  const group = (await admin.post("/api/groups", { code: "R35-LA", access_level: "local_administrator", area_id: area.id, options: ["users_manage", "preferences"] })).json;
  assert.ok(groups.length > 0 && group.id, JSON.stringify(group));
  const local = (await admin.post("/api/users", { user_code: "r35.la@demo.precinct.test", name: "Reset Me", group_id: group.id })).json;
  worker.sql(`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE user_code_norm = '${DEMO.user_code}') WHERE id = ${local.id}`);
  const theirs = new Client(worker.url);
  assert.equal((await theirs.signIn("r35.la@demo.precinct.test", DEMO.password)).status, 200);

  const { page, context, errors } = await newPage(browser, "desktop");
  await signInAsAdmin(page);
  await page.goto(`${worker.url}/console/users/${local.id}`);
  const reset = page.locator("[data-test=reset-mfa]");
  await reset.waitFor();
  page.once("dialog", (dialog) => dialog.accept());
  await reset.click();
  await reset.waitFor({ state: "detached" });
  await shot(page, "desktop-r35-reset");
  // Their session ended; their next sign-in sets the factor up again.
  assert.equal((await theirs.get("/api/session")).status, 401);
  const again = await new Client(worker.url).signInPassword("r35.la@demo.precinct.test", DEMO.password);
  assert.equal(again.json.mfa_step, "enrol");
  // Twin: the administrator's own page offers no reset of their own factor (the worker would
  // refuse it: tests/api/mfa.test.mjs).
  const me = (await admin.get("/api/session")).json;
  await page.goto(`${worker.url}/console/users/${me.user_id}`);
  await page.locator("#name").waitFor();
  assert.equal(await page.locator("[data-test=reset-mfa]").count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("sessions: each person sees where they are signed in and ends a session", async () => {
  const other = new Client(worker.url);
  await other.signIn();
  const { page, context, errors } = await newPage(browser, "phone");
  await signInAsAdmin(page);
  await page.goto(worker.url + "/console/preferences");
  await page.locator("[data-test=sessions]").click();
  await page.waitForURL(/\/sessions$/);
  const rows = page.locator("[data-test=session]");
  await rows.first().waitFor();
  const before = await rows.count();
  assert.ok(before >= 2, `${before} sessions`);
  assert.equal(await page.getByText("(this session)").count(), 1);
  await assertNoHorizontalScroll(assert, page);
  await shot(page, "phone-sessions");
  // End another one (not this one): the list shrinks, the other client is signed out.
  const others = rows.filter({ hasNotText: "this session" });
  await others.first().getByRole("button", { name: "End" }).click();
  await page.waitForFunction((n) => document.querySelectorAll("[data-test=session]").length === n - 1, before);
  assert.equal((await page.request.get(worker.url + "/api/session")).status(), 200);
  assert.deepEqual(errors, []);
  await context.close();
});
