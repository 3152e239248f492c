// The console's screens in a real browser against the real worker: every screen on desktop and
// phone (screenshots in target/screenshots/), deep links and the back button, French, the user
// form (R24 live warning, Access to Companies, History), field errors, version conflicts, company
// selection (R04) and login as another user (R05) with a local administrator's narrower console.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, DEMO } from "../harness.mjs";
import { test, launch, newPage, shot, assertNoHorizontalScroll, reportWorkerLog, afterPassword, secondStep } from "./browser.mjs";
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

async function signIn(page, { loginAs = false } = {}) {
  await page.goto(worker.url + "/");
  await page.getByLabel("User code").fill(DEMO.user_code);
  await page.getByLabel("Password").fill(DEMO.password);
  if (loginAs) {
    await page.getByText("Options").click();
    await page.getByLabel("Login as another user").check();
  }
  await page.getByRole("button", { name: "Sign in" }).click();
  await afterPassword(page, worker.url, DEMO.user_code, loginAs ? /\/login-as$/ : /\/applications$/);
}

const heading = (page, name) => page.getByRole("heading", { level: 1, name, exact: true });

/** Waits until a screen has shown its data: no "Loading…" left. */
async function settled(page) {
  await page.waitForFunction(() => !document.querySelector(".loading"));
}

/** Opens a section through the navigation, as a person would (the Menu button on phones). */
async function openSection(page, viewport, link) {
  if (viewport === "phone") {
    const menu = page.getByRole("button", { name: "Menu" });
    await menu.click();
    assert.equal(await menu.getAttribute("aria-expanded"), "true");
  }
  await page.getByRole("navigation", { name: "Console sections" }).getByRole("link", { name: link, exact: true }).click();
}

for (const viewport of ["desktop", "phone"]) {
  test(`${viewport}: the administrator opens every screen, each loads, fits the width and has a screenshot`, async () => {
    const { page, context, errors } = await newPage(browser, viewport);
    await signIn(page);
    const { nora, ulla } = fx.users;
    const sections = [
      ["users-list", "Security Management", "Users", "table[data-test=users]"],
      ["groups-list", "User Groups Management", "User groups", "table[data-test=groups]"],
      ["areas-list", "Area Management", "Areas", "table[data-test=areas]"],
      ["companies-list", "Modify Company Settings", "Companies", "table[data-test=companies]"],
      ["directories-list", "Directories", "Company directories", "table[data-test=directories]"],
      ["history", "History", "History", "ol[data-test=history]"],
      ["projects", "Projects", "Projects", ".empty"],
      ["employees", "Employees", "Employees", ".empty"],
      ["reports", "Reports & Documents", "Reports & Documents", "[data-test=empty]"],
      ["about-companies", "About > Properties > Companies", "About > Properties > Companies", "table[data-test=about-companies]"],
      ["select-company", "Company selection", "Company selection", "[data-test=company-choices]"],
    ];
    await page.goto(worker.url + "/console");
    await heading(page, "Security Console").waitFor();
    await settled(page);
    await assertNoHorizontalScroll(assert, page);
    await shot(page, `${viewport}-console-home`);
    for (const [name, link, title, content] of sections) {
      await openSection(page, viewport, link);
      await heading(page, title).waitFor();
      await page.locator(content).first().waitFor();
      await settled(page);
      await assertNoHorizontalScroll(assert, page);
      await shot(page, `${viewport}-${name}`);
    }
    // Record screens by deep link, each with its data.
    const records = [
      ["user-form", `/console/users/${nora.id}`, "Nora North", "#user_code"],
      ["user-access", `/console/users/${ulla.id}?tab=access`, "Ulla User", "[data-test=access-rows]"],
      ["user-history", `/console/users/${nora.id}?tab=history`, "Nora North", "ol[data-test=history]"],
      ["user-new", "/console/users/new", "New user", "#user_code"],
      ["group-form", `/console/groups/${fx.groups.laNorth.id}`, "User group LA_NORTH", "[data-test=options]"],
      ["area-form", `/console/areas/${fx.areas.north.id}`, "Area NORTH", "#code"],
      ["company-form", `/console/companies/${fx.companies.n01.id}`, "N01 · Northwind Builders", "#user_in_charge"],
      ["directory-form", `/console/directories/${fx.main.id}`, "Directory MAIN", "#multidimensional"],
    ];
    for (const [name, path, title, content] of records) {
      await page.goto(worker.url + path);
      await heading(page, title).waitFor();
      await page.locator(content).first().waitFor();
      await settled(page);
      await assertNoHorizontalScroll(assert, page);
      await shot(page, `${viewport}-${name}`);
    }
    assert.equal(await page.locator("#user_code").count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("deep links, the back button and unknown console routes", async () => {
  const { page, context } = await newPage(browser, "desktop");
  await signIn(page);
  await page.goto(worker.url + "/console/users");
  await heading(page, "Users").waitFor();
  // The navigation says which section is shown (aria-current), on a record of it too.
  const nav = page.getByRole("navigation", { name: "Console sections" });
  const current = () => nav.locator("a[aria-current=page]").allInnerTexts();
  assert.deepEqual(await current(), ["Security Management"]);
  await page.getByRole("link", { name: "la.north@demo.precinct.test" }).click();
  await heading(page, "Nora North").waitFor();
  await page.getByRole("link", { name: "Access to Companies" }).click();
  await page.locator("[data-test=access-note]").waitFor();
  assert.deepEqual(await current(), ["Security Management"]);
  assert.match(await page.locator("[data-test=access-note]").textContent(), /always has access to every company/);
  // R13: a local administrator's companies are all ticked and locked.
  const boxes = page.locator("[data-test=access-rows] input[type=checkbox]");
  assert.equal(await boxes.count(), 2);
  for (const box of await boxes.all()) {
    assert.ok(await box.isChecked());
    assert.ok(await box.isDisabled());
  }
  await page.goBack();
  await page.locator("#user_code").waitFor();
  await page.goBack();
  await heading(page, "Users").waitFor();
  await page.goto(worker.url + "/console/no-such-screen");
  await heading(page, "Page not found").waitFor();
  await context.close();
});

/** Presses Tab until the focused element's accessible text matches, failing after `most` presses. */
async function tabTo(page, pattern, most = 40) {
  for (let presses = 0; presses < most; presses++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      return `${element?.id ?? ""} ${element?.getAttribute("aria-label") ?? ""} ${element?.textContent ?? ""}`.trim();
    });
    if (pattern.test(focused)) return;
  }
  assert.fail(`${pattern} was not reached with the keyboard`);
}

/** The focused element shows it (a visible outline from :focus-visible). */
async function assertFocusVisible(page) {
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none", "the focused element has no visible focus");
}

for (const viewport of ["desktop", "phone"]) {
  test(`${viewport}: keyboard only — sign in, open the console, a section, search, a user and a tab, and the focus follows`, async () => {
    const { page, context } = await newPage(browser, viewport);
    await page.goto(worker.url + "/");
    await page.locator("#user_code").waitFor();
    await tabTo(page, /^user_code/);
    await page.keyboard.type(DEMO.user_code);
    await tabTo(page, /^password/, 3);
    await page.keyboard.type(DEMO.password);
    await page.keyboard.press("Enter");
    // R35: the second step, by keyboard too.
    await secondStep(page, worker.url, DEMO.user_code, {
      type: async (code) => {
        await tabTo(page, /^code/);
        await page.keyboard.type(code);
        await page.keyboard.press("Enter");
      },
    });
    await page.waitForURL(/\/applications$/);
    await heading(page, "My Applications").waitFor();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    await page.locator("[data-test=application]").first().waitFor();
    // The first stop of every signed-in screen skips the top bar.
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to content");
    await assertFocusVisible(page);
    await tabTo(page, /Security Console/);
    await assertFocusVisible(page);
    await page.keyboard.press("Enter");
    await heading(page, "Security Console").waitFor();
    if (viewport === "phone") {
      await tabTo(page, /^ *Menu/);
      await page.keyboard.press("Enter");
      assert.equal(await page.getByRole("button", { name: "Menu" }).getAttribute("aria-expanded"), "true");
    }
    await tabTo(page, /^ *Security Management$/);
    await assertFocusVisible(page);
    await page.keyboard.press("Enter");
    await heading(page, "Users").waitFor();
    // The focus moved to the new screen: the next stops are its own (the search first).
    await page.waitForFunction(() => document.activeElement?.id === "content", null, { timeout: 5000 });
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.id), "list-search");
    // One input event, so one request: the one-row list can only be its answer.
    await page.keyboard.insertText("la.north");
    await page.locator("table[data-test=users] tbody tr").first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll("table[data-test=users] tbody tr").length === 1);
    await tabTo(page, /la\.north@demo\.precinct\.test/);
    await page.keyboard.press("Enter");
    await heading(page, "Nora North").waitFor();
    await tabTo(page, /Access to Companies/);
    await page.keyboard.press("Enter");
    await page.locator("[data-test=access-note]").waitFor();
    await shot(page, `${viewport}-keyboard-user-access`);
    await context.close();
  });
}

test("the language switches to French everywhere on the page and is remembered", async () => {
  const { page, context } = await newPage(browser, "desktop");
  await signIn(page);
  await page.goto(worker.url + "/console/users");
  await heading(page, "Users").waitFor();
  await page.getByRole("button", { name: "Français" }).click();
  await heading(page, "Utilisateurs").waitFor();
  assert.equal(await page.getAttribute("html", "lang"), "fr");
  const nav = page.getByRole("navigation", { name: "Sections de la console" });
  await nav.getByRole("link", { name: "Gestion de la sécurité" }).waitFor();
  // The table renders once its page of users has loaded: wait for it rather than sample it.
  await page.getByRole("columnheader", { name: "Code utilisateur" }).waitFor();
  await page.getByRole("button", { name: "Se déconnecter" }).waitFor();
  const text = await page.locator("body").innerText();
  for (const english of ["Security Management", "Sign out", "User code", "Search", "Next page"]) {
    assert.ok(!text.includes(english), `"${english}" is still in English on the French page`);
  }
  await shot(page, "desktop-users-list-fr");
  await page.reload();
  await heading(page, "Utilisateurs").waitFor();
  await page.getByRole("button", { name: "English" }).click();
  await heading(page, "Users").waitFor();
  await context.close();
});

test("r24 the user form warns as the code is typed; creating, access ticks and the record's history", async () => {
  const { page, context } = await newPage(browser, "desktop");
  await signIn(page);
  await page.goto(worker.url + "/console/users/new");
  await heading(page, "New user").waitFor();
  await page.getByLabel("Name").fill("Tom Site");
  const code = page.getByLabel(/^User code/);
  await code.fill("tom.site");
  const warning = page.locator("[data-test=user-code-warning]");
  assert.match(await warning.textContent(), /no @ found/);
  await code.fill("tom.site@demo");
  assert.match(await warning.textContent(), /full domain/);
  await code.fill("tom.site@demo.precinct.test");
  assert.equal((await warning.textContent()).trim(), "");
  assert.equal(await page.locator("#mail_user").inputValue(), "tom.site@demo.precinct.test");
  await page.getByLabel("User group").selectOption({ label: "USERS_NORTH — Site staff of the north" });
  await shot(page, "desktop-user-new-filled");
  await page.getByRole("button", { name: "Create" }).click();
  await heading(page, "Tom Site").waitFor();
  assert.match(new URL(page.url()).pathname, /^\/console\/users\/\d+$/);

  // R14: only companies of the group's area can be ticked; tick one and save.
  await page.getByRole("link", { name: "Access to Companies" }).click();
  const rows = page.locator("[data-test=access-rows] li");
  await rows.first().waitFor();
  assert.deepEqual(
    (await rows.allTextContents()).map((row) => row.trim().slice(0, 3)).sort(),
    ["N01", "N02"],
  );
  await page.getByLabel(/N01/).check();
  await page.getByRole("button", { name: "Save access" }).click();
  await page.locator("[data-test=saved]").waitFor();
  await page.reload();
  await page.getByLabel(/N01/).waitFor();
  assert.ok(await page.getByLabel(/N01/).isChecked());
  assert.ok(!(await page.getByLabel(/N02/).isChecked()));

  await page.getByRole("link", { name: "History", exact: true }).last().click();
  await page.locator("ol[data-test=history] li").first().waitFor();
  const history = await page.locator("ol[data-test=history]").innerText();
  assert.match(history, /Access to companies of tom\.site@demo\.precinct\.test changed/);
  await shot(page, "desktop-user-history-after-access");
  await context.close();
});

test("a server field error shows beside the field; saving shows success", async () => {
  const { page, context } = await newPage(browser, "phone");
  await signIn(page);
  await page.goto(worker.url + "/console/areas/new");
  await heading(page, "New area").waitFor();
  await page.getByRole("button", { name: "Create" }).click();
  const fieldError = page.locator("#code-error");
  await fieldError.waitFor();
  assert.ok((await fieldError.textContent()).length > 5);
  assert.equal(await page.getByLabel(/^Code/).getAttribute("aria-invalid"), "true");
  await shot(page, "phone-area-field-error");
  await page.getByLabel(/^Code/).fill("EAST");
  await page.getByLabel("Description").fill("Eastern companies");
  await page.getByRole("button", { name: "Create" }).click();
  await heading(page, "Area EAST").waitFor();
  await page.getByLabel("Description").fill("Eastern companies and depots");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.locator("[data-test=saved]").waitFor();
  await context.close();
});

test("a version conflict says the record was changed by someone else and offers to reload", async () => {
  const { page, context } = await newPage(browser, "desktop");
  await signIn(page);
  const { south } = fx.areas;
  await page.goto(worker.url + `/console/areas/${south.id}`);
  await heading(page, "Area SOUTH").waitFor();
  // Someone else saves the area meanwhile.
  const current = (await fx.admin.get(`/api/areas/${south.id}`)).json;
  const other = await fx.admin.request("PUT", `/api/areas/${south.id}`, {
    code: "SOUTH", description: "Southern companies (renamed elsewhere)", version: current.version,
  });
  assert.equal(other.status, 200, other.text);
  await page.getByLabel("Description").fill("My edit");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const alert = page.locator("[data-test=failure]");
  await alert.waitFor();
  assert.match(await alert.textContent(), /changed by someone else/);
  await shot(page, "desktop-area-conflict");
  await alert.getByRole("button", { name: "Reload" }).click();
  await page.waitForFunction(() => document.querySelector("#description")?.value === "Southern companies (renamed elsewhere)");
  await context.close();
});

test("a read lost on the way (dropped, hanging, a proxy's error page) is asked again once, then offers to try again; the worker's own errors and saves are not repeated", async () => {
  const { page, context } = await newPage(browser, "desktop");
  await signIn(page);
  // The users list request: `lose` answers are dropped (as a broken connection or a proxy's
  // error page would), the rest reach the worker, or get `answer` instead.
  let asked = 0;
  let lose = 0;
  let hang = 0;
  let answer = null;
  await page.route(/\/api\/users(\?.*)?$/, (route) => {
    asked += 1;
    if (hang > 0) {
      hang -= 1;
      return; // never answered
    }
    if (lose > 0) {
      lose -= 1;
      return asked % 2 ? route.abort("connectionreset") : route.fulfill({ status: 502, body: "Bad gateway" });
    }
    return answer ? route.fulfill(answer) : route.continue();
  });
  const list = page.getByRole("link", { name: "la.north@demo.precinct.test" });
  const alert = page.locator("[data-test=failure]");
  lose = 1;
  await page.goto(worker.url + "/console/users");
  await list.waitFor();
  assert.equal(asked, 2, "one lost read is sent once more, unseen");
  // A read that never gets an answer is given up after 15 seconds and sent again.
  asked = 0;
  hang = 1;
  await page.reload();
  await list.waitFor({ timeout: 45_000 });
  assert.equal(asked, 2, "a hanging read is sent again");
  asked = 0;
  lose = 2;
  await page.reload();
  await alert.waitFor();
  assert.equal(asked, 2, "a read is repeated only once");
  await alert.getByRole("button", { name: "Try again" }).click();
  await list.waitFor();
  assert.equal(asked, 3);
  // The worker's own error (a problem body) is its answer: shown once, nothing to try again.
  asked = 0;
  answer = {
    status: 503, contentType: "application/problem+json",
    body: JSON.stringify({ status: 503, code: "unavailable", message: "Precinct is busy." }),
  };
  await page.reload();
  await alert.waitFor();
  assert.equal(asked, 1);
  assert.match(await alert.textContent(), /Precinct is busy/);
  assert.equal(await alert.getByRole("button").count(), 0);
  // A save is never sent twice, even when its answer is lost.
  let saves = 0;
  await page.route(/\/api\/areas$/, (route) => {
    if (route.request().method() !== "POST") return route.continue();
    saves += 1;
    return route.abort("connectionreset");
  });
  await page.goto(worker.url + "/console/areas/new");
  await heading(page, "New area").waitFor();
  await page.getByLabel(/^Code/).fill("LOST");
  await page.getByRole("button", { name: "Create" }).click();
  await alert.waitFor();
  assert.equal(saves, 1);
  assert.equal(await alert.getByRole("button").count(), 0, "retrying a save is the person's choice (Create again)");
  await context.close();
});

test("r04 the company to work in is chosen from the console and shown in the top bar", async () => {
  const { page, context } = await newPage(browser, "phone");
  await signIn(page);
  await page.goto(worker.url + "/console");
  await heading(page, "Security Console").waitFor();
  await page.getByRole("button", { name: /N01\s*Northwind Builders/ }).click();
  await page.locator("[data-test=current-company]").waitFor();
  assert.match(await page.locator("[data-test=current-company]").textContent(), /N01 · Northwind Builders/);
  assert.match(await page.locator("[data-test=working-in]").textContent(), /Northwind Builders/);
  await context.close();
});

test("r05 r06 r12 acting as a local administrator: no Area Management, no Administrator level, area fixed; back to myself", async () => {
  const { page, context } = await newPage(browser, "desktop");
  await signIn(page, { loginAs: true });
  await heading(page, "Login as another user").waitFor();
  await page.getByRole("button", { name: /Nora North/ }).click();
  await page.waitForURL(/\/applications$/);
  const banner = page.locator("[data-test=acting-banner]");
  await banner.waitFor();
  assert.match(await banner.textContent(), /Nora North.*admin@demo\.precinct\.test/s);

  await page.goto(worker.url + "/console");
  await heading(page, "Security Console").waitFor();
  const nav = page.getByRole("navigation", { name: "Console sections" });
  await nav.getByRole("link", { name: "Security Management" }).waitFor();
  assert.equal(await nav.getByRole("link", { name: "Area Management" }).count(), 0);
  assert.equal(await nav.getByRole("link", { name: "Directories" }).count(), 0);
  await shot(page, "desktop-local-admin-console");

  await page.goto(worker.url + "/console/groups/new");
  await heading(page, "New user group").waitFor();
  const levels = await page.locator("#access_level option").allTextContents();
  assert.deepEqual(levels, ["Local Administrator", "User"]);
  assert.match(await page.locator("[data-test=fixed-area]").textContent(), /NORTH/);

  // R18: the local administrator's user list holds only users of the north.
  await page.goto(worker.url + "/console/users");
  await page.locator("table[data-test=users]").waitFor();
  const codes = await page.locator("table[data-test=users] tbody tr td:first-child").allTextContents();
  assert.ok(codes.length >= 2 && codes.every((code) => code.includes("north") || code.includes("tom.site")), codes.join());

  await page.getByRole("button", { name: "Back to my own account" }).click();
  await page.locator("[data-test=acting-banner]").waitFor({ state: "detached" });
  await page.goto(worker.url + "/console");
  await nav.getByRole("link", { name: "Area Management" }).waitFor();
  await context.close();
});
