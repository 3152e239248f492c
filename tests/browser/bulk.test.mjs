// Beyond the anchors, part 2, in the console (issue 15): a spreadsheet's file imported after its
// dry run, written chunk by chunk with a progress bar and its invitations sent a few at a time
// (B04); a bulk action on every user a search finds (B06); another user's security copied after
// its what-if (B05) — on a desktop in English and a phone in French, each screen with its
// screenshot and an axe-core check (0 violations). A local administrator's file naming another
// area's group is refused on that line.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, DEMO } from "../harness.mjs";
import { test, launch, newPage, shot, reportWorkerLog, afterPassword, assertNoHorizontalScroll, a11y } from "./browser.mjs";
import { seed } from "./seed.mjs";

let worker, browser, fx, usersSouth;
before(async () => {
  worker = await startWorker();
  reportWorkerLog(worker);
  browser = await launch();
  fx = await seed(worker.url);
  worker.sql(`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE user_code_norm = '${DEMO.user_code}') WHERE user_code_norm = 'la.north@demo.precinct.test'`);
  const mail = await fx.admin.put("/api/settings/mail", { provider: "outbox", api_base_url: "", sender_address: "no-reply@demo.precinct.test", sender_name: "Demo" });
  assert.equal(mail.status, 200, mail.text);
  const south = await fx.admin.post("/api/groups", { code: "USERS_SOUTH", description: "Site staff of the south", access_level: "user", area_id: fx.areas.south.id, options: ["preferences"] });
  assert.equal(south.status, 201, south.text);
  usersSouth = south.json;
  // Ulla ticks N01: the security a copy takes from her.
  const ulla = (await fx.admin.get(`/api/users/${fx.users.ulla.id}/companies`)).json;
  assert.equal((await fx.admin.put(`/api/users/${fx.users.ulla.id}/companies`, { company_ids: [fx.companies.n01.id], version: ulla.version })).status, 200);
});
after(async () => {
  await browser?.close();
  await worker?.stop();
});

const RUNS = [
  { lang: "en", viewport: "desktop", invite: true },
  { lang: "fr", viewport: "phone", invite: false },
];
const T = {
  en: { create: "to create", refused: "refused" },
  fr: { create: "à créer", refused: "refusés" },
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

/** A users file as a French spreadsheet saves it: BOM, `;`, accents, CRLF. */
function spreadsheet(prefix, count, extra = []) {
  const rows = Array.from({ length: count }, (_, i) => {
    const n = String(i).padStart(3, "0");
    return `${prefix}.${n}@demo.precinct.test;Élodie Chantier ${prefix} ${n};USERS_NORTH;fr;N02`;
  });
  return Buffer.from("\uFEFFuser_code;name;group;language;companies\r\n" + [...rows, ...extra].join("\r\n") + "\r\n", "utf8");
}

for (const run of RUNS) {
  test(`b04 b06 b05 ${run.viewport} ${run.lang}: import with a dry run and progress, a bulk action on a search, copy security`, async () => {
    const t = T[run.lang];
    const { page, context } = await newPage(browser, run.viewport);
    await signIn(page, run);
    const prefix = `site${run.lang}`;

    // B04: export first (the links name the reader's CSV), then the import's dry run.
    await page.goto(`${worker.url}/console/import`);
    await page.locator("[data-test=export-users]").waitFor();
    assert.equal(await page.locator("[data-test=export-users]").getAttribute("href"), "/api/exports/users");
    await page.locator("#export-separator").selectOption("semicolon");
    assert.equal(await page.locator("[data-test=export-users]").getAttribute("href"), "/api/exports/users?separator=semicolon");
    await page.locator("#import-file").setInputFiles({
      name: "people.csv",
      mimeType: "text/csv",
      buffer: spreadsheet(prefix, 205, [`"broken.${run.lang}@demo.precinct.test;Broken "quote";USERS_NORTH;fr;`]),
    });
    if (!run.invite) await page.locator("#import-invite").uncheck();
    await page.locator("[data-test=dry-run-button]").click();
    const counts = page.locator("[data-test=dry-run-counts]");
    await counts.waitFor();
    assert.match(await counts.innerText(), new RegExp(`205\\s+${t.create}[\\s\\S]*1\\s+${t.refused}`));
    assert.match(await page.locator("[data-test=dry-run] tr.refused").innerText(), /207/);
    assert.match(await page.locator("[data-test=dry-run] tr.create").first().innerText(), /Élodie Chantier/);
    await screen(page, run, "b04-import-dry-run");
    // Nothing is written before the confirmation.
    assert.equal(worker.sql(`SELECT COUNT(*) AS n FROM users WHERE user_code LIKE '${prefix}.%'`)[0].n, 0);
    await page.locator("[data-test=confirm-run]").click();
    await page.locator("[data-test=write-done]").waitFor();
    assert.match(await page.locator("[data-test=write-status]").innerText(), /3 \/ 3 .*205/);
    assert.equal(await page.locator("[data-test=write-progress]").getAttribute("value"), "3");
    assert.equal(worker.sql(`SELECT COUNT(*) AS n FROM users WHERE user_code LIKE '${prefix}.%'`)[0].n, 205);
    if (run.invite) {
      // 205 invitations queued, sent ten per request while the bar moves.
      assert.equal(await page.locator("[data-test=invitations-waiting]").innerText(), "205");
      await page.locator("[data-test=send-invitations]").click();
      await page.waitForFunction(() => document.querySelector("[data-test=invitations-waiting]")?.textContent === "0", null, { timeout: 120_000 });
      assert.equal(worker.sql(`SELECT COUNT(*) AS n FROM outbox WHERE to_address LIKE '${prefix}.%'`)[0].n, 205);
    }
    await screen(page, run, "b04-import-written");

    // B06: every user the search finds, disabled after the dry run.
    await page.goto(`${worker.url}/console/bulk`);
    await page.locator("#bulk-search").fill(`Chantier ${prefix} 00`);
    await page.waitForFunction(() => document.querySelectorAll("[data-test=bulk-pick]").length === 10);
    await page.locator("[data-test=bulk-all-matching]").check();
    await page.locator("#bulk-action").selectOption("disable");
    await page.locator("[data-test=dry-run-button]").click();
    await page.locator("[data-test=dry-run-counts]").waitFor();
    assert.equal(await page.locator("[data-test=dry-run] tr.change").count(), 10);
    await screen(page, run, "b06-bulk-dry-run");
    await page.locator("[data-test=confirm-run]").click();
    await page.locator("[data-test=write-done]").waitFor();
    assert.equal(worker.sql(`SELECT COUNT(*) AS n FROM users WHERE user_code LIKE '${prefix}.00%' AND active = 0`)[0].n, 10);
    await screen(page, run, "b06-bulk-written");

    // B05: from a user's form, copy Ulla's security (her ticked N01 instead of N02).
    const target = worker.sql(`SELECT id FROM users WHERE user_code = '${prefix}.100@demo.precinct.test'`)[0].id;
    await page.goto(`${worker.url}/console/users/${target}`);
    await page.locator("[data-test=copy-security]").click();
    await page.waitForURL(/\/console\/copy\/\d+$/);
    await page.locator("[data-test=copy-target]").waitFor();
    await page.locator("#copy-from").fill(fx.users.ulla.user_code);
    const gain = page.locator("[data-test=what-if-gain]");
    await gain.waitFor();
    assert.match(await gain.innerText(), /N01/);
    assert.match(await page.locator("[data-test=what-if-lose]").innerText(), /N02/);
    await screen(page, run, "b05-copy-what-if");
    await page.locator("[data-test=copy-save]").click();
    await page.locator("[data-test=copy-done]").waitFor();
    const ticks = worker.sql(`SELECT c.code FROM user_companies uc JOIN companies c ON c.id = uc.company_id WHERE uc.user_id = ${target}`);
    assert.deepEqual(ticks.map((row) => row.code), ["N01"]);
    await context.close();
  });
}

test("b04 phone: a local administrator's file naming another area's group is refused on that line", async () => {
  const run = { lang: "en", viewport: "phone" };
  const { page, context } = await newPage(browser, run.viewport);
  await signIn(page, run, "la.north@demo.precinct.test");
  await page.goto(`${worker.url}/console/import`);
  await page.locator("#import-file").setInputFiles({
    name: "north.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`user_code,name,group\nnorth.new@demo.precinct.test,North New,USERS_NORTH\nsouth.new@demo.precinct.test,South New,${usersSouth.code}\n`),
  });
  await page.locator("[data-test=dry-run-button]").click();
  await page.locator("[data-test=dry-run-counts]").waitFor();
  assert.match(await page.locator("[data-test=dry-run] tr.refused").innerText(), /3[\s\S]*south\.new[\s\S]*There is no user group USERS_SOUTH/);
  assert.equal(await page.locator("[data-test=dry-run] tr.create").count(), 1);
  await screen(page, run, "b04-import-local-admin");
  await page.locator("[data-test=confirm-run]").click();
  await page.locator("[data-test=write-done]").waitFor();
  assert.equal(worker.sql(`SELECT COUNT(*) AS n FROM users WHERE user_code IN ('north.new@demo.precinct.test', 'south.new@demo.precinct.test')`)[0].n, 1);

  // User groups, the same screen: a group of her area is created, one of the south refused.
  await page.goto(`${worker.url}/console/import`);
  await page.locator("#import-kind").selectOption("groups");
  await page.locator("#import-file").setInputFiles({
    name: "groups.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("code,access_level,area,options\nCREWS_NORTH,user,NORTH,preferences\nCREWS_SOUTH,user,SOUTH,preferences\n"),
  });
  await page.locator("[data-test=dry-run-button]").click();
  await page.locator("[data-test=dry-run-counts]").waitFor();
  assert.match(await page.locator("[data-test=dry-run] tr.refused").innerText(), /CREWS_SOUTH[\s\S]*There is no area SOUTH/);
  await screen(page, run, "b04-import-groups-local-admin");
  await page.locator("[data-test=confirm-run]").click();
  await page.locator("[data-test=write-done]").waitFor();
  assert.deepEqual(worker.sql(`SELECT code FROM user_groups WHERE code LIKE 'CREWS_%'`).map((row) => row.code), ["CREWS_NORTH"]);
  await context.close();
});
