// Lists and forms as customers use them (issue 13): the search box finds people by any word of
// their name, accents aside (R34); the pager says which items are shown ("51–100 of 137"); a
// group is offered only the options that mean something at its level, and starts with the
// members' own preferences; a user without a group is told to choose one; "Skip to content"
// moves the focus. Desktop and phone, English and French; screenshots in target/screenshots/.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, DEMO } from "../harness.mjs";
import { test, launch, newPage, shot, assertNoHorizontalScroll, reportWorkerLog, signInDemo } from "./browser.mjs";
import { seed } from "./seed.mjs";

let worker, browser, fx;
before(async () => {
  worker = await startWorker();
  reportWorkerLog(worker);
  browser = await launch();
  fx = await seed(worker.url);
  // 60 people of the north, a few of them Fortins, one Bélanger: more than one page of 50.
  for (let n = 1; n <= 60; n++) {
    const name = n === 7 ? "Émile Bélanger" : n % 20 === 0 ? `Marie Fortin ${n}` : `Person ${String(n).padStart(2, "0")} Gagnon`;
    const response = await fx.admin.post("/api/users", { user_code: `person${n}@north.example`, name, group_id: fx.groups.usersNorth.id });
    assert.equal(response.status, 201, response.text);
  }
});
after(async () => {
  await browser?.close();
  await worker?.stop();
});

const signIn = (page) => signInDemo(page, worker.url);

const settled = (page) => page.waitForFunction(() => !document.querySelector(".loading"));
const rowNames = (page) => page.locator("table[data-test=users] tbody tr").evaluateAll((rows) => rows.map((row) => row.querySelectorAll("td")[1]?.textContent.trim()));

for (const viewport of ["desktop", "phone"]) {
  test(`${viewport}: r34 the users list finds people by any word of their name, accents aside`, async () => {
    const { page, context, errors } = await newPage(browser, viewport);
    await signIn(page);
    await page.goto(worker.url + "/console/users");
    await page.locator("table[data-test=users]").waitFor();
    await settled(page);
    const search = page.getByLabel("Search");
    await search.fill("fortin");
    await page.waitForFunction(() => document.querySelectorAll("table[data-test=users] tbody tr").length === 3);
    const fortins = await rowNames(page);
    assert.equal(fortins.length, 3, fortins.join(", "));
    assert.ok(fortins.every((name) => /Marie Fortin \d+/.test(name)), fortins.join(", "));
    await search.fill("belanger");
    await page.waitForFunction(() => document.querySelectorAll("table[data-test=users] tbody tr").length === 1);
    assert.match((await rowNames(page))[0], /Émile Bélanger/);
    await assertNoHorizontalScroll(assert, page);
    await shot(page, `${viewport}-users-search-any-word`);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`${viewport}: the pager says which items are shown, forward and back, in English and French`, async () => {
    const { page, context, errors } = await newPage(browser, viewport);
    await signIn(page);
    await page.goto(worker.url + "/console/users");
    await page.locator("table[data-test=users]").waitFor();
    await settled(page);
    // The demo administrator, Nora, Ulla and the 60: 63 users.
    const range = page.locator("[data-test=range]");
    assert.equal((await range.textContent()).trim(), "1–50 of 63");
    await page.getByRole("button", { name: "Next" }).click();
    await page.waitForFunction(() => document.querySelector("[data-test=range]")?.textContent.includes("51–63"));
    assert.equal((await range.textContent()).trim(), "51–63 of 63");
    await assertNoHorizontalScroll(assert, page);
    await shot(page, `${viewport}-users-pager-second-page`);
    await page.getByRole("button", { name: "Previous" }).click();
    await page.waitForFunction(() => document.querySelector("[data-test=range]")?.textContent.startsWith("1–50"));
    // French.
    await page.evaluate(() => localStorage.setItem("precinct.lang", "fr"));
    await page.reload();
    await page.locator("table[data-test=users]").waitFor();
    await settled(page);
    await page.waitForFunction(() => document.querySelector("[data-test=range]")?.textContent.includes("sur"));
    assert.equal((await range.textContent()).trim(), "1–50 sur 63");
    await shot(page, `${viewport}-users-pager-fr`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

const LA_ONLY_ADMIN = ["areas_manage", "directories_manage", "mail_settings_manage"];

for (const viewport of ["desktop", "phone"]) {
  test(`${viewport}: r31 a new group is offered the options that mean something at its level, preferences on`, async () => {
    const { page, context, errors } = await newPage(browser, viewport);
    await signIn(page);
    await page.goto(worker.url + "/console/groups/new");
    await page.locator("[data-test=options]").waitFor();
    const offered = () => page.locator("[data-test=options] input[type=checkbox]").evaluateAll((boxes) => boxes.map((box) => box.id.replace("option-", "")));
    // User level (the default): no administrative option, preferences ticked.
    const atUser = await offered();
    for (const option of [...LA_ONLY_ADMIN, "users_manage", "groups_manage", "companies_manage", "login_as_another_user"]) {
      assert.ok(!atUser.includes(option), `${option} offered at the User level`);
    }
    assert.ok(await page.locator("#option-preferences").isChecked());
    await page.locator("#access_level").selectOption("local_administrator");
    await page.waitForFunction(() => !!document.querySelector("#option-users_manage"));
    const atLocal = await offered();
    assert.ok(atLocal.includes("users_manage") && atLocal.includes("login_as_another_user"), atLocal.join(" "));
    for (const option of LA_ONLY_ADMIN) assert.ok(!atLocal.includes(option), `${option} offered to a local-administrator group`);
    await assertNoHorizontalScroll(assert, page);
    await shot(page, `${viewport}-group-new-local-administrator-options`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("desktop: the users list sorts by its columns both ways; search, sort and page live in the address: Reload, Back and a shared link return to the same list", async () => {
  const { page, context, errors } = await newPage(browser, "desktop");
  await signIn(page);
  await page.goto(worker.url + "/console/users");
  await page.locator("table[data-test=users]").waitFor();
  await settled(page);
  const codes = () => page.locator("table[data-test=users] tbody tr").evaluateAll((rows) => rows.map((row) => row.querySelector("td")?.textContent.trim()));
  const heading = page.locator("th:has(button[data-sort=code])");
  assert.equal(await page.locator("th:has(button[data-sort=name])").getAttribute("aria-sort"), "ascending");
  await page.locator("button[data-sort=code]").click();
  await page.waitForURL(/sort=code/);
  // The rows of the new order: after the administrator's address comes Nora's.
  await page.waitForFunction(() => document.querySelectorAll("table[data-test=users] tbody tr")[1]?.querySelector("td")?.textContent.trim() === "la.north@demo.precinct.test");
  await settled(page);
  assert.equal(await heading.getAttribute("aria-sort"), "ascending");
  const ascending = await codes();
  assert.deepEqual(ascending, [...ascending].sort((a, b) => a.toLowerCase() < b.toLowerCase() ? -1 : 1));
  await page.locator("button[data-sort=code]").click();
  await page.waitForURL(/sort=-code/);
  await page.waitForFunction(() => document.querySelector("th:has(button[data-sort=code])")?.getAttribute("aria-sort") === "descending");
  // The rows of the new order: the greatest address, Ulla's, first.
  await page.waitForFunction(() => document.querySelector("table[data-test=users] tbody tr td")?.textContent.trim() === "user.north@demo.precinct.test");
  await settled(page);
  const descending = await codes();
  assert.ok(descending[0].toLowerCase() > descending[1].toLowerCase(), descending.slice(0, 3).join(", "));
  await shot(page, "desktop-users-sorted-by-code-descending");
  // A search and a second page, in the address.
  await page.getByLabel("Search").fill("gagnon");
  await page.waitForURL(/q=gagnon/);
  const range = page.locator("[data-test=range]");
  await page.waitForFunction(() => document.querySelector("[data-test=range]")?.textContent.trim() === "1–50 of 56");
  await page.getByRole("button", { name: "Next" }).click();
  await page.waitForURL(/page=/);
  await page.waitForFunction(() => document.querySelector("[data-test=range]")?.textContent.startsWith("51–56"));
  const second = await codes();
  const address = page.url();
  await page.reload();
  await page.waitForFunction(() => document.querySelector("[data-test=range]")?.textContent.startsWith("51–56"));
  assert.deepEqual(await codes(), second);
  assert.equal(await page.getByLabel("Search").inputValue(), "gagnon");
  assert.equal(await heading.getAttribute("aria-sort"), "descending");
  // Back goes to the first page of the same list, within the console.
  await page.goBack();
  await page.waitForFunction(() => document.querySelector("[data-test=range]")?.textContent.startsWith("1–50"));
  assert.match(page.url(), /\/console\/users\?/);
  assert.doesNotMatch(page.url(), /page=/);
  assert.equal(await range.textContent(), "1–50 of 56");
  // A shared link opens the same page of the same list.
  const shared = await context.newPage();
  await shared.goto(address);
  await shared.waitForFunction(() => document.querySelector("[data-test=range]")?.textContent.startsWith("51–56"));
  assert.deepEqual(await shared.locator("table[data-test=users] tbody tr").evaluateAll((rows) => rows.map((row) => row.querySelector("td")?.textContent.trim())), second);
  assert.deepEqual(errors, []);
  await context.close();
});

test("phone: a list without column headings sorts with its Sort by select, kept in the address", async () => {
  const { page, context, errors } = await newPage(browser, "phone");
  await signIn(page);
  await page.goto(worker.url + "/console/users");
  await page.locator("table[data-test=users]").waitFor();
  await settled(page);
  const select = page.getByLabel("Sort by");
  assert.ok(await select.isVisible());
  await select.selectOption("-code");
  await page.waitForURL(/sort=-code/);
  // The greatest code first: Ulla's address.
  await page.waitForFunction(() => document.querySelector("table[data-test=users] tbody tr td")?.textContent.trim() === "user.north@demo.precinct.test");
  await assertNoHorizontalScroll(assert, page);
  await shot(page, "phone-users-sort-by");
  await page.reload();
  await page.locator("table[data-test=users]").waitFor();
  assert.equal(await page.getByLabel("Sort by").inputValue(), "-code");
  assert.deepEqual(errors, []);
  await context.close();
});

test("desktop: the screens used less often are a bundle of their own, reached by the menu, Back and Forward as any screen", async () => {
  const { page, context, errors } = await newPage(browser, "desktop");
  await signIn(page);
  await page.goto(worker.url + "/console/users");
  await page.locator("table[data-test=users]").waitFor();
  const bundle = () => page.evaluate(() => document.querySelector("script[type=module]")?.getAttribute("src"));
  assert.match(await bundle(), /^\/assets\/app\.[0-9a-f]{12}\.js$/);
  await page.getByRole("navigation").getByRole("link", { name: "History" }).click();
  await page.waitForURL(/\/console\/history$/);
  await page.locator("[data-test=history]").waitFor();
  assert.match(await bundle(), /^\/assets\/occasional\.[0-9a-f]{12}\.js$/);
  // Its menu leads back into the console's own screens, and so do Back and Forward.
  await page.getByRole("navigation").getByRole("link", { name: "User Groups Management" }).click();
  await page.waitForURL(/\/console\/groups$/);
  await page.getByRole("heading", { level: 1, name: "User groups" }).waitFor();
  assert.match(await bundle(), /^\/assets\/app\.[0-9a-f]{12}\.js$/);
  await page.goBack();
  await page.waitForURL(/\/console\/history$/);
  await page.locator("[data-test=history]").waitFor();
  await page.goBack();
  await page.waitForURL(/\/console\/users$/);
  await page.locator("table[data-test=users]").waitFor();
  await page.goForward();
  await page.locator("[data-test=history]").waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test("desktop: a new user without a group is told to choose one, next to the group field", async () => {
  const { page, context, errors } = await newPage(browser, "desktop");
  await signIn(page);
  await page.goto(worker.url + "/console/users/new");
  await page.locator("#name").fill("Nadia Nogroup");
  await page.locator("#user_code").fill("nadia.nogroup@north.example");
  assert.equal(await page.locator("#group_id").inputValue(), "");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  const error = page.locator("#group_id-error");
  await error.waitFor();
  await page.waitForFunction(() => document.querySelector("#group_id-error")?.textContent.trim().length > 0);
  assert.match(await error.textContent(), /Choose the user's group/);
  assert.doesNotMatch(await page.locator("body").textContent(), /no such user group/i);
  await shot(page, "desktop-user-new-without-group");
  assert.deepEqual(errors, []);
  await context.close();
});

test("desktop: Skip to content moves the keyboard focus into the screen; a form's first field is at most three Tabs on", async () => {
  const { page, context, errors } = await newPage(browser, "desktop");
  await signIn(page);
  await page.goto(worker.url + "/console/users");
  await page.locator("table[data-test=users]").waitFor();
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.className), "skip");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement?.id === "content");
  assert.match(page.url(), /\/console\/users$/);
  // On a form, its first field comes within three Tabs after that.
  for (const [path, first] of [["/console/users/new", "name"], ["/console/groups/new", "code"], ["/console/companies/new", "code"], ["/console/settings/mail", "provider"], ["/console/preferences?tab=email", "password"]]) {
    await page.goto(worker.url + path);
    await page.locator(`#${first}`).waitFor();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement?.id === "content");
    let tabs = 0;
    while (tabs < 3 && (await page.evaluate(() => document.activeElement?.id)) !== first) {
      await page.keyboard.press("Tab");
      tabs += 1;
    }
    assert.equal(await page.evaluate(() => document.activeElement?.id), first, `${path}: #${first} not reached in 3 Tabs`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

/** Gives Ulla (User level, USERS_NORTH) the demo password, and signs her in on `page`. */
async function signInAsUlla(page, { loginAs = false } = {}) {
  worker.sql(`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE user_code_norm = '${DEMO.user_code}') WHERE user_code_norm = 'user.north@demo.precinct.test'`);
  await page.goto(worker.url + "/");
  await page.getByLabel("User code").fill("user.north@demo.precinct.test");
  await page.getByLabel("Password").fill(DEMO.password);
  if (loginAs) {
    await page.getByText("Options").click();
    await page.getByLabel("Login as another user").check();
  }
  await page.getByRole("button", { name: "Sign in" }).click();
}

for (const viewport of ["desktop", "phone"]) {
  test(`${viewport}: screens match rights: a User opening management screens by address is told they are not theirs`, async () => {
    const { page, context, errors } = await newPage(browser, viewport);
    await signInAsUlla(page);
    await page.waitForURL(/\/applications$/);
    for (const path of ["/console/users", "/console/groups/new", "/console/companies", "/console/areas", "/console/settings/mail"]) {
      await page.goto(worker.url + path);
      await page.locator("[data-test=not-available]").waitFor();
      assert.equal(await page.locator("table[data-test=users], [data-test=options], table[data-test=companies]").count(), 0, path);
    }
    // Her own screens stay hers.
    await page.goto(worker.url + "/console/projects");
    await page.getByRole("heading", { level: 1, name: "Projects" }).waitFor();
    assert.equal(await page.locator("[data-test=not-available]").count(), 0);
    await page.goto(worker.url + "/console/users");
    await page.locator("[data-test=not-available]").waitFor();
    await shot(page, `${viewport}-user-not-available`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("desktop: Login as another user says it is for administrators; a User who ticks it goes on as herself", async () => {
  const { page, context, errors } = await newPage(browser, "desktop");
  await page.goto(worker.url + "/");
  await page.getByText("Options").click();
  assert.match(await page.locator("details.options label").textContent(), /Login as another user \(administrators\)/);
  await signInAsUlla(page, { loginAs: true });
  // Not the Login-as page, which could only refuse her: her applications.
  await page.waitForURL(/\/applications$/);
  await shot(page, "desktop-user-signed-in-despite-login-as");
  assert.deepEqual(errors, []);
  await context.close();
});

test("phone: the header and menu take at most 15 % of the height, the menu stays at hand, lists are compact, the pager and tabs keep one line", async () => {
  const { page, context, errors } = await newPage(browser, "phone");
  await signIn(page);
  await page.goto(worker.url + "/console/users");
  await page.locator("table[data-test=users]").waitFor();
  await settled(page);
  const menu = page.getByRole("button", { name: "Menu" });
  const header = await page.evaluate(() => {
    const menu = [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === "Menu");
    return menu.getBoundingClientRect().bottom;
  });
  assert.ok(header <= 844 * 0.15, `header and menu end at ${header}px of 844`);
  // A user is a line or two, not a card of five.
  const rowHeights = await page.locator("table[data-test=users] tbody tr").evaluateAll((rows) => rows.slice(0, 10).map((row) => row.getBoundingClientRect().height));
  assert.ok(Math.max(...rowHeights) <= 80, `row heights ${rowHeights.join(", ")}`);
  // The pager keeps one line.
  const pager = await page.locator("nav.pager").evaluate((nav) => nav.getBoundingClientRect().height);
  assert.ok(pager <= 56, `pager ${pager}px high`);
  // Scrolled to the end, the menu is still on screen and opens.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const top = await menu.evaluate((button) => button.getBoundingClientRect().top);
  assert.ok(top >= 0 && top < 100, `menu at ${top}px after scrolling`);
  await menu.click();
  const usersLink = page.getByRole("navigation", { name: "Console sections" }).getByRole("link", { name: "Security Management", exact: true });
  await usersLink.waitFor();
  const linkTop = (await usersLink.boundingBox()).y;
  assert.ok(linkTop >= 0 && linkTop < 844, `the opened menu's link is at ${linkTop}px, off screen`);
  await assertNoHorizontalScroll(assert, page);
  await shot(page, "phone-users-compact-scrolled-menu");
  // A record's tabs keep one line.
  await page.goto(worker.url + `/console/users/${fx.users.ulla.id}`);
  const tabs = page.locator(".tabs");
  await tabs.waitFor();
  const tabRows = await tabs.evaluate((bar) => new Set([...bar.children].map((tab) => Math.round(tab.getBoundingClientRect().top))).size);
  assert.equal(tabRows, 1);
  await assertNoHorizontalScroll(assert, page);
  await shot(page, "phone-user-tabs-one-line");
  // "Options" on the sign-in screen is a disclosure with a marker.
  await context.clearCookies();
  await page.goto(worker.url + "/");
  const marker = await page.locator("details.options > summary").evaluate((summary) => getComputedStyle(summary, "::before").content);
  assert.match(marker, /▸/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("desktop: a deep link opened while signed out returns to that page after sign-in (second factor included); only console pages", async () => {
  const { page, context, errors } = await newPage(browser, "desktop");
  await page.goto(worker.url + `/console/users/${fx.users.ulla.id}`);
  await page.waitForURL((address) => address.pathname === "/");
  await page.getByLabel("User code").waitFor();
  await signInDemo(page, worker.url, new RegExp(`/console/users/${fx.users.ulla.id}$`));
  await page.getByRole("heading", { level: 1, name: "Ulla User" }).waitFor();
  // A `next` that leaves the console (or the site) is ignored: My Applications.
  await context.clearCookies();
  await page.goto(worker.url + "/");
  await page.evaluate(() => localStorage.setItem("precinct.next", "//evil.example/console"));
  await page.getByLabel("User code").waitFor();
  await signInDemo(page, worker.url);
  assert.deepEqual(errors, []);
  await context.close();
});

test("desktop: o02 the console sends back the newest D1 bookmark it was answered with, across page loads", async () => {
  const { page, context, errors } = await newPage(browser, "desktop");
  const sent = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/")) sent.push({ url: request.url(), bookmark: request.headers()["x-precinct-bookmark"] });
  });
  const answered = [];
  page.on("response", (response) => {
    const bookmark = response.headers()["x-precinct-bookmark"];
    if (bookmark) answered.push(bookmark);
  });
  await signIn(page);
  await page.goto(worker.url + "/console/users");
  await page.locator("table[data-test=users] tbody tr").first().waitFor();
  // A screen of another bundle (a page load): its reads still carry a bookmark this tab was given.
  const before = sent.length;
  await page.goto(worker.url + "/console/history");
  await page.locator("[data-test=history]").waitFor();
  const later = sent.slice(before);
  assert.ok(later.length > 0, "the history screen read nothing");
  for (const request of later) {
    assert.ok(request.bookmark && answered.includes(request.bookmark), `${request.url} sent ${request.bookmark}`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
