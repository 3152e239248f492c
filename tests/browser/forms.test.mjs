// Forms keep their place (issue 13): leaving a form with unsaved edits asks first — a link, Back,
// Reload, signing out; a save after the session ended says so, and signing in again brings the
// person back to the form with their edits; "Save and Exit" saves and returns to the list.
// Screenshots in target/screenshots/.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "../harness.mjs";
import { test, launch, newPage, shot, reportWorkerLog, signInDemo } from "./browser.mjs";
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

const signIn = (page, expected) => signInDemo(page, worker.url, expected);

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
  // A link within the page (Skip to content) leaves nothing: no question either.
  await openUlla(page);
  await page.getByLabel("Name").fill("Ulla Skipping");
  await page.locator("a.skip").focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement?.id === "content");
  assert.equal(asked, 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("desktop: a save after the session ended says so; signing in again returns to the form with the edits", async () => {
  const { page, context, errors } = await newPage(browser, "desktop");
  await signIn(page);
  await openUlla(page);
  await page.getByLabel("Name").fill("Ulla Kept");
  // The session ends meanwhile (signed out elsewhere, expired): this browser's, the newest one.
  worker.sql("DELETE FROM sessions WHERE rowid = (SELECT MAX(rowid) FROM sessions)");
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

test("desktop: r08 changing the area of one company of a multidimensional directory asks first, naming how many companies move", async () => {
  const md = (await fx.admin.post("/api/directories", { code: "MD-R08", name: "Multidimensional R08", multidimensional: true, area_id: fx.areas.north.id })).json;
  const m01 = (await fx.admin.post("/api/companies", { code: "M01", name: "Moving One", directory_id: md.id })).json;
  const m02 = (await fx.admin.post("/api/companies", { code: "M02", name: "Moving Two", directory_id: md.id })).json;
  assert.equal(m02.area_id, fx.areas.north.id);
  const { page, context, errors } = await newPage(browser, "desktop");
  await signIn(page);
  await page.goto(`${worker.url}/console/companies/${m01.id}`);
  await page.locator("#area_id option", { hasText: "SOUTH" }).waitFor({ state: "attached" });
  await page.locator("#area_id").selectOption({ label: "SOUTH — Southern companies" });
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const question = page.locator("[data-test=confirm-directory-area]");
  await question.waitFor();
  assert.match(await question.textContent(), /^2 companies of this multidimensional directory/);
  await shot(page, "desktop-company-directory-area-question");
  // Nothing moved before the answer; Cancel leaves it so.
  await question.getByRole("button", { name: "Cancel" }).click();
  assert.equal((await fx.admin.get(`/api/companies/${m02.id}`)).json.area_id, fx.areas.north.id);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await question.waitFor();
  await question.getByRole("button", { name: "Move them all" }).click();
  await page.locator("[data-test=saved]").waitFor();
  for (const company of [m01, m02]) {
    assert.equal((await fx.admin.get(`/api/companies/${company.id}`)).json.area_id, fx.areas.south.id, company.code);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("desktop and French: a form shows every field error at once, each beside its field, never twice", async () => {
  const { page, context, errors } = await newPage(browser, "desktop");
  await signIn(page);
  await page.goto(`${worker.url}/console/users/new`);
  await page.getByLabel("Name").waitFor();
  await page.getByRole("button", { name: "Create" }).click();
  for (const field of ["name", "user_code", "group_id"]) {
    await page.locator(`#${field}-error`).waitFor();
  }
  assert.match(await page.locator("#name-error").textContent(), /Name is required/);
  assert.match(await page.locator("#group_id-error").textContent(), /Choose the user's group/);
  await shot(page, "desktop-user-new-every-field-error");
  // The live check of the user code speaks for it: the server's answer is not repeated.
  await page.getByLabel("User code").fill("no-at-sign");
  await page.getByRole("button", { name: "Create" }).click();
  await page.locator("#name-error").waitFor();
  await page.locator("[data-test=user-code-warning]").filter({ hasText: /@/ }).waitFor();
  assert.equal(await page.locator("#user_code-error").count(), 0);
  // In French, each in French.
  await page.evaluate(() => localStorage.setItem("precinct.lang", "fr"));
  await page.reload();
  await page.getByLabel("Nom").waitFor();
  await page.getByRole("button", { name: "Créer" }).click();
  await page.locator("#group_id-error").waitFor();
  const french = await page.locator("#name-error").textContent();
  assert.ok(!/required/i.test(french), french);
  await shot(page, "desktop-fr-user-new-every-field-error");
  assert.deepEqual(errors, []);
  await context.close();
});

for (const [viewport, lang] of [["desktop", "en"], ["phone", "en"], ["desktop", "fr"], ["phone", "fr"]]) {
  test(`${viewport} ${lang}: Preferences has General and Email tabs, Email saved with Save; a new user's mail password is optional on the form`, async () => {
    const { page, context, errors } = await newPage(browser, viewport);
    await signIn(page);
    await page.evaluate((lang) => localStorage.setItem("precinct.lang", lang), lang);
    const t = lang === "fr"
      ? { email: "E-mail", tabs: "Sections des préférences", save: "Enregistrer", optional: "Mot de passe de messagerie (facultatif)" }
      : { email: "Email", tabs: "Preferences sections", save: "Save", optional: "Mail password (optional)" };
    await page.goto(`${worker.url}/console/preferences`);
    await page.locator("[data-test=preferences-general]").waitFor();
    await page.getByRole("navigation", { name: t.tabs }).getByRole("link", { name: t.email }).click();
    await page.locator("[data-test=preferences-email]").waitFor();
    assert.match(page.url(), /\/console\/preferences\?tab=email$/);
    assert.equal(await page.locator("[data-test=mail-password-form]").getByRole("button", { name: t.save, exact: true }).count(), 1);
    await shot(page, `${viewport}${lang === "fr" ? "-fr" : ""}-preferences-email-tab`);
    await page.goto(`${worker.url}/console/users/new`);
    await page.getByLabel(t.optional).waitFor();
    await shot(page, `${viewport}${lang === "fr" ? "-fr" : ""}-user-new-mail-password`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}
