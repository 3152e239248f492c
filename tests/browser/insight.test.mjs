// Beyond the anchors, part 1, in the console (issue 14): "Explain access" from a company's and a
// user's form (B01), the what-if shown before a Save that moves access (B02), and the access
// review of an area marked reviewed (B03) — on a desktop in English and a phone in French, each
// screen with its screenshot and an axe-core check (0 violations).
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startWorker, DEMO, ROOT } from "../harness.mjs";
import { test, launch, newPage, shot, reportWorkerLog, afterPassword, assertNoHorizontalScroll, a11y } from "./browser.mjs";
import { seed } from "./seed.mjs";

const AXE = join(ROOT, "node_modules/axe-core/axe.min.js");
assert.ok(existsSync(AXE), "axe-core is not installed (node_modules/axe-core): run npm ci");

let worker, browser, fx;
before(async () => {
  worker = await startWorker();
  reportWorkerLog(worker);
  browser = await launch();
  fx = await seed(worker.url);
  // Nora (local administrator of the north) signs in with the demo password.
  worker.sql(`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE user_code_norm = '${DEMO.user_code}') WHERE user_code_norm = 'la.north@demo.precinct.test'`);
});
after(async () => {
  await browser?.close();
  await worker?.stop();
});

const RUNS = [
  { lang: "en", viewport: "desktop" },
  { lang: "fr", viewport: "phone" },
];
const T = {
  en: { yes: "Yes", no: "No", explain: "Explain access", review: "Access review" },
  fr: { yes: "Oui", no: "Non", explain: "Expliquer un accès", review: "Revue des accès" },
};

const settled = (page) => page.waitForFunction(() => !document.querySelector(".loading"));


async function screen(page, run, name) {
  await settled(page);
  await assertNoHorizontalScroll(assert, page);
  await shot(page, `${run.viewport}-${name}${run.lang === "fr" ? "-fr" : ""}`);
  await a11y(page, `${run.viewport} ${run.lang} ${name}`);
}

async function signIn(page, run, userCode = DEMO.user_code) {
  await page.goto(worker.url + "/");
  await page.locator("#user_code").waitFor();
  if ((await page.getAttribute("html", "lang")) !== run.lang) await page.locator("[data-test=lang-switch]").click();
  await page.locator("#user_code").fill(userCode);
  await page.locator("#password").fill(DEMO.password);
  await page.locator("form button[type=submit]").click();
  await afterPassword(page, worker.url, userCode, /\/applications$/);
}

for (const run of RUNS) {
  test(`b01 b02 b03 ${run.viewport} ${run.lang}: explain a company's access, see a what-if before saving, review an area`, async () => {
    const t = T[run.lang];
    const { page, context } = await newPage(browser, run.viewport);
    await signIn(page, run);
    const { n01 } = fx.companies;
    const { ulla } = fx.users;
    // Each run starts with Ulla ticking nothing (the run before ticked N01).
    const current = (await fx.admin.get(`/api/users/${ulla.id}/companies`)).json;
    const reset = await fx.admin.put(`/api/users/${ulla.id}/companies`, { company_ids: [], version: current.version });
    assert.equal(reset.status, 200, reset.text);

    // B01: from the company's form, "Explain access" for Ulla (not ticked: she may not see it).
    await page.goto(`${worker.url}/console/companies/${n01.id}`);
    await page.locator("[data-test=explain-company]").click();
    await page.waitForURL(/\/console\/explain\?kind=company&id=\d+/);
    await page.waitForFunction(() => document.querySelector("#explain-record")?.value === "N01");
    await page.locator("#explain-person").fill(ulla.user_code);
    await page.locator("form.record button[type=submit]").click();
    await page.waitForURL(/user=\d+&kind=company&id=\d+/);
    const see = page.locator("[data-test=verdict-see]");
    await see.waitFor();
    assert.match(await see.innerText(), new RegExp(`${t.no}[\\s\\S]*R14`));
    assert.match(await page.locator("[data-test=explained-person]").innerText(), /Ulla User \(user\.north@demo\.precinct\.test\)/);
    // Who can see N01: Nora, local administrator of the north.
    await page.locator("[data-test=seers-local_administrator]").getByText("Nora North").waitFor();
    await screen(page, run, "b01-explain-company");

    // B02: ticking N01 for Ulla shows who gains what before "Save access".
    await page.goto(`${worker.url}/console/users/${ulla.id}?tab=access`);
    await page.getByLabel(/N01/).check();
    const gain = page.locator("[data-test=what-if-gain]");
    await gain.waitFor();
    assert.match(await gain.innerText(), /1 .*Ulla User.*1 .*N01/);
    await screen(page, run, "b02-what-if-ticks");
    await page.locator("[data-test=access-save], .tab-panel .actions button.primary").first().click();
    await page.locator("[data-test=saved]").waitFor();
    // Saved: what the screen shows is what is stored, and the preview is gone.
    await page.locator("[data-test=what-if]").waitFor({ state: "detached" });
    const access = (await fx.admin.get(`/api/users/${ulla.id}/companies`)).json;
    assert.ok(access.companies.items.find((c) => c.code === "N01").ticked);

    // Now the explanation says yes, with the chain of R14.
    await page.goto(`${worker.url}/console/explain?user=${ulla.id}&kind=company&id=${n01.id}`);
    await page.locator("[data-test=verdict-see]").waitFor();
    assert.match(await page.locator("[data-test=verdict-see]").innerText(), new RegExp(t.yes));

    // B02: moving USERS_NORTH to the south would take N01 from Ulla: said before the Save.
    await page.goto(`${worker.url}/console/groups/${fx.groups.usersNorth.id}`);
    await page.waitForFunction(() => [...document.querySelectorAll("#area_id option")].some((o) => o.textContent.trim().startsWith("SOUTH")));
    const south = await page.locator("#area_id option").evaluateAll((options) => options.find((o) => o.textContent.trim().startsWith("SOUTH")).value);
    await page.locator("#area_id").selectOption(south);
    const lose = page.locator("[data-test=what-if-lose]");
    await lose.waitFor();
    assert.match(await lose.innerText(), /Ulla User.*N01/);
    await screen(page, run, "b02-what-if-group");
    // Nothing was saved by the what-if.
    assert.equal((await fx.admin.get(`/api/groups/${fx.groups.usersNorth.id}`)).json.area_id, fx.areas.north.id);

    // B03: the access review of the north, marked reviewed.
    await page.goto(`${worker.url}/console/review`);
    await page.locator("[data-test=review-areas]").getByRole("link", { name: "NORTH" }).click();
    await page.locator("[data-test=review-counts]").waitFor();
    await page.locator("[data-test=mark-reviewed]").click();
    await page.locator("[data-test=last-review]").getByText(DEMO.user_code).waitFor();
    await screen(page, run, "b03-review-north");
    const review = (await fx.admin.get(`/api/reviews/${fx.areas.north.id}`)).json;
    assert.equal(review.last_review.by, DEMO.user_code);
    await context.close();
  });
}

test("b03 b01 phone: a local administrator reviews only her area and explains only its people", async () => {
  const run = { lang: "en", viewport: "phone" };
  const { page, context } = await newPage(browser, run.viewport);
  await signIn(page, run, "la.north@demo.precinct.test");
  await page.goto(`${worker.url}/console/review`);
  const areas = page.locator("[data-test=review-areas] a");
  await areas.first().waitFor();
  assert.deepEqual(await areas.allInnerTexts(), ["NORTH"]);
  await screen(page, run, "b03-review-areas-local-admin");
  // Deny twin: the south's review is answered as missing.
  await page.goto(`${worker.url}/console/review/${fx.areas.south.id}`);
  await page.locator("[data-test=failure]").waitFor();
  // Explaining a company of the south is refused the same way.
  await page.goto(`${worker.url}/console/explain?user=${fx.users.ulla.id}&kind=company&id=${fx.companies.s01.id}`);
  await page.locator("[data-test=failure]").waitFor();
  await context.close();
});
