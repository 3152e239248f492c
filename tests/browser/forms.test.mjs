// Forms keep their place (issue 13): leaving a form with unsaved edits asks first — a link, Back,
// Reload, signing out; a save after the session ended says so, and signing in again brings the
// person back to the form with their edits; "Save and Exit" saves and returns to the list.
// Screenshots in target/screenshots/.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, DEMO } from "../harness.mjs";
import { test, launch, newPage, shot, reportWorkerLog, afterPassword } from "./browser.mjs";
import { seed } from "./seed.mjs";

let worker, browser, fx;
before(async () => {
  worker = await startWorker();
  reportWorkerLog(worker);
  browser = await launch();
  fx = await seed(worker.url);
});
after(async () => {
  await browser?.close();
  await worker?.stop();
});

async function signIn(page, expected = /\/applications$/) {
  if (!/\/$/.test(new URL(page.url()).pathname) || !(await page.getByLabel("User code").count())) await page.goto(worker.url + "/");
  await page.getByLabel("User code").fill(DEMO.user_code);
  await page.getByLabel("Password").fill(DEMO.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await afterPassword(page, worker.url, DEMO.user_code, expected);
}

async function openUlla(page) {
  await page.goto(`${worker.url}/console/users/${fx.users.ulla.id}`);
  await page.getByLabel("Name").waitFor();
  await page.waitForFunction(() => document.querySelector("#name")?.value === "Ulla User" || document.querySelector("#name")?.value?.startsWith("Ulla"));
}

test("desktop: leaving a form with unsaved edits asks first: a link, Back, Reload and signing out; staying keeps the edits", async () => {
  const { page, context, errors } = await newPage(browser, "desktop");
  await signIn(page);
  // From the list, so Back stays within the page.
  await page.goto(`${worker.url}/console/users`);
  await page.getByRole("link", { name: "user.north@demo.precinct.test" }).click();
  await page.waitForFunction(() => document.querySelector("#name")?.value === "Ulla User");
  const name = page.getByLabel("Name");
  await name.fill("Ulla Unsaved");
  const questions = [];
  // Stay, each time.
  const stay = (dialog) => { questions.push(dialog.type()); dialog.dismiss(); };
  page.on("dialog", stay);
  await page.getByRole("navigation").getByRole("link", { name: "User Groups Management" }).click();
  await page.waitForTimeout(300);
  assert.match(page.url(), new RegExp(`/console/users/${fx.users.ulla.id}$`));
  assert.equal(await name.inputValue(), "Ulla Unsaved");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForTimeout(300);
  assert.equal(await name.inputValue(), "Ulla Unsaved");
  assert.equal((await context.request.get(`${worker.url}/api/session`)).status(), 200, "still signed in");
  // Back: the address changed, staying comes forward again, with the edits.
  await page.evaluate(() => history.back());
  await page.waitForTimeout(500);
  await page.waitForURL(new RegExp(`/console/users/${fx.users.ulla.id}$`));
  await page.waitForFunction(() => document.querySelector("#name")?.value === "Ulla Unsaved");
  // Reload: the browser's own question.
  await page.reload({ timeout: 2000 }).catch(() => {});
  assert.ok(questions.includes("beforeunload"), questions.join(", "));
  assert.deepEqual(questions.filter((type) => type === "confirm").length, 3, questions.join(", "));
  await shot(page, "desktop-user-unsaved-edits");
  // Leave, this time: the edits are dropped, nothing was saved.
  page.off("dialog", stay);
  page.on("dialog", (dialog) => dialog.accept());
  await page.getByRole("navigation").getByRole("link", { name: "User Groups Management" }).click();
  await page.waitForURL(/\/console\/groups$/);
  await openUlla(page);
  assert.equal(await page.getByLabel("Name").inputValue(), "Ulla User");
  assert.equal(await page.locator("[data-test=edits-restored]").count(), 0);
  // A form without edits is left without a question.
  let asked = 0;
  page.removeAllListeners("dialog");
  page.on("dialog", (dialog) => { asked++; dialog.accept(); });
  await page.getByRole("navigation").getByRole("link", { name: "User Groups Management" }).click();
  await page.waitForURL(/\/console\/groups$/);
  assert.equal(asked, 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("desktop: a save after the session ended says so; signing in again returns to the form with the edits", async () => {
  const { page, context, errors } = await newPage(browser, "desktop");
  await signIn(page);
  await openUlla(page);
  await page.getByLabel("Name").fill("Ulla Kept");
  // The session ends meanwhile (signed out elsewhere, expired).
  worker.sql(`DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE user_code_norm = '${DEMO.user_code}')`);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const ended = page.locator("[data-test=session-ended]");
  await ended.waitFor();
  await shot(page, "desktop-user-session-ended");
  await ended.getByRole("link", { name: "Sign in again" }).click();
  await page.getByLabel("User code").waitFor();
  await signIn(page, new RegExp(`/console/users/${fx.users.ulla.id}$`));
  await page.waitForFunction(() => document.querySelector("#name")?.value === "Ulla Kept");
  await page.locator("[data-test=edits-restored]").waitFor();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.locator("[data-test=saved]").waitFor();
  assert.equal((await (await context.request.get(`${worker.url}/api/users/${fx.users.ulla.id}`)).json()).name, "Ulla Kept");
  assert.deepEqual(errors.filter((error) => !/401/.test(error)), []);
  await context.close();
});

test("desktop: Save and Exit saves the record and returns to its list", async () => {
  const { page, context, errors } = await newPage(browser, "desktop");
  await signIn(page);
  await page.goto(`${worker.url}/console/groups/${fx.groups.usersNorth.id}`);
  await page.getByLabel("Description").waitFor();
  await page.getByLabel("Description").fill("Site staff of the north (renamed)");
  await shot(page, "desktop-group-save-and-exit");
  await page.getByRole("button", { name: "Save and Exit" }).click();
  await page.waitForURL(/\/console\/groups$/);
  await page.getByText("Site staff of the north (renamed)").waitFor();
  // A new record has Create only: "Save and Exit" is for a record that exists.
  await page.goto(`${worker.url}/console/groups/new`);
  await page.getByLabel("Code").waitFor();
  assert.equal(await page.getByRole("button", { name: "Save and Exit" }).count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});
