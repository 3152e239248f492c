// The two seed procedures end to end in a real browser, in English on a desktop and in French on
// a phone, with an axe-core accessibility check (0 violations) on every screen visited.
// Procedure 1: mail settings (outbox), a user created with a bad then good user code, group, mail
// password, Send test email, the Outbox (invitation + test email); the user sets the sign-in
// password through the invitation link, signs in and changes the mail password in Preferences.
// Procedure 2: areas, a multidimensional directory, companies, a local administrator group and
// user; the local administrator signs in (password from the invitation link) and sees only its
// area everywhere.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startWorker, DEMO, ROOT } from "../harness.mjs";
import { test, launch, newPage, shot, assertNoHorizontalScroll, reportWorkerLog, afterPassword, a11y } from "./browser.mjs";
import { seed } from "./seed.mjs";

// axe-core is pinned in package.json (`npm ci` installs it): a missing copy fails the tests.
const AXE = join(ROOT, "node_modules/axe-core/axe.min.js");
assert.ok(existsSync(AXE), "axe-core is not installed (node_modules/axe-core): run npm ci");

let worker, browser, fx, accountId;
before(async () => {
  worker = await startWorker();
  reportWorkerLog(worker);
  browser = await launch();
  fx = await seed(worker.url);
  accountId = (await fx.admin.get("/api/session")).json.account_id;
});
after(async () => {
  await browser?.close();
  await worker?.stop();
});

const T = {
  en: {
    signIn: "Sign in", settings: "General Settings > Miscellaneous", outbox: "Outbox", prefs: "Preferences",
    users: "Security Management", usersTitle: "Users", companies: "Modify Company Settings", companiesTitle: "Companies",
    history: "History", reports: "Reports & Documents", projects: "Projects", employees: "Employees",
    newUser: "New user", newArea: "New area", newDirectory: "New directory", newCompany: "New company", newGroup: "New user group",
    loginAs: "Login as another user", myself: "Continue as myself", setPw: "Choose your password", myApps: "My Applications",
    emailInvalid: /not a valid email address/, noAt: /no @ found/, saved: /Saved\./, mailPwSaved: /mail password is saved/,
    testSent: /Test email sent to/, banner: /local outbox.*nothing is delivered/s, short: /at least 12 characters/,
    pwSet: /Your password is set/, differ: /not the same/, set: "set", notSet: "not set", account: "Management of my Account", email: "Email", prefsTabs: "Preferences sections",
    outboxOption: /Local outbox — messages are kept here, nothing is delivered/,
    setMailPw: "Set the mail password", sendTest: "Send test email", setPwButton: "Set the password", save: "Save", create: "Create",
  },
  fr: {
    signIn: "Se connecter", settings: "Paramètres généraux > Divers", outbox: "Boîte d'envoi", prefs: "Préférences",
    users: "Gestion de la sécurité", usersTitle: "Utilisateurs", companies: "Paramètres des sociétés", companiesTitle: "Sociétés",
    history: "Historique", reports: "Rapports et documents", projects: "Projets", employees: "Employés",
    newUser: "Nouvel utilisateur", newArea: "Nouvelle zone", newDirectory: "Nouveau répertoire", newCompany: "Nouvelle société", newGroup: "Nouveau groupe",
    loginAs: "Se connecter en tant qu'un autre utilisateur", myself: "Continuer en mon nom", setPw: "Choisissez votre mot de passe", myApps: "Mes applications",
    emailInvalid: /pas une adresse e-mail valide/, noAt: /il manque le @/, saved: /Enregistré\./, mailPwSaved: /mot de passe de messagerie est enregistré/,
    testSent: /E-mail de test envoyé à/, banner: /boîte d'envoi locale.*rien n'est distribué/s, short: /au moins 12 caractères/,
    pwSet: /Votre mot de passe est défini/, differ: /ne sont pas identiques/, set: "défini", notSet: "non défini", account: "Gestion de mon compte", email: "E-mail", prefsTabs: "Sections des préférences",
    outboxOption: /Boîte d'envoi locale — les messages restent ici, rien n'est distribué/,
    setMailPw: "Définir le mot de passe de messagerie", sendTest: "Envoyer un e-mail de test", setPwButton: "Définir le mot de passe", save: "Enregistrer", create: "Créer",
  },
};

const RUNS = [
  { lang: "en", viewport: "desktop", n: 1 },
  { lang: "fr", viewport: "phone", n: 2 },
];

const heading = (page, name) => page.getByRole("heading", { level: 1, name, exact: true });
const settled = (page) => page.waitForFunction(() => !document.querySelector(".loading"));


/** Screenshot, width check and accessibility check of one screen. */
async function screen(page, run, name) {
  await settled(page);
  await assertNoHorizontalScroll(assert, page);
  await shot(page, `${run.viewport}-${name}${run.lang === "fr" ? "-fr" : ""}`);
  await a11y(page, `${run.viewport} ${run.lang} ${name}`);
}

/** Opens the sign-in page in the run's language and signs in. */
async function signIn(page, run, userCode, password, { loginAs = false } = {}) {
  const t = T[run.lang];
  await page.goto(worker.url + "/");
  await page.locator("#user_code").waitFor();
  if ((await page.getAttribute("html", "lang")) !== run.lang) await page.locator("[data-test=lang-switch]").click();
  await page.getByRole("heading", { level: 1 }).waitFor();
  assert.equal(await page.getAttribute("html", "lang"), run.lang);
  await page.locator("#user_code").fill(userCode);
  await page.locator("#password").fill(password);
  if (loginAs) {
    await page.locator("details.options summary").click();
    await page.getByLabel(t.loginAs).check();
  }
  await page.getByRole("button", { name: t.signIn, exact: true }).click();
  await afterPassword(page, worker.url, userCode, loginAs ? /\/login-as$/ : /\/applications$/);
}

async function openSection(page, run, link) {
  if (run.viewport === "phone") await page.getByRole("button", { name: "Menu" }).click();
  await page.locator("#console-nav").getByRole("link", { name: link, exact: true }).click();
}

/** Picks the option of a select whose text starts with `prefix`, once the list has loaded. */
async function selectByPrefix(page, selector, prefix) {
  await page.waitForFunction(([s, p]) => [...document.querySelectorAll(`${s} option`)].some((o) => o.textContent.trim().startsWith(p)), [selector, prefix]);
  const value = await page.locator(`${selector} option`).evaluateAll((options, p) => options.find((o) => o.textContent.trim().startsWith(p)).value, prefix);
  await page.locator(selector).selectOption(value);
}

/** The set-password link of the newest mail of `kind` to `to`, as the admin's API sees the outbox. */
async function linkFromOutbox(to, kind = "invitation") {
  const page = (await fx.admin.get(`/api/outbox?limit=100`)).json;
  const message = page.items.find((m) => m.to_address === to && m.kind === kind);
  assert.ok(message, `no ${kind} to ${to} in the outbox`);
  const link = message.text_body.match(/https?:\/\/\S+\/set-password\?token=\S+/);
  assert.ok(link, message.text_body);
  return new URL(link[0]);
}

/** Sets the sign-in password through the /set-password page: too short first, then good. */
async function setPasswordThroughLink(page, run, link, password, name) {
  const t = T[run.lang];
  await page.goto(worker.url + link.pathname + link.search);
  // The page's language is the app's once it shows (index.html's own says "en").
  await page.locator("#password").waitFor();
  if ((await page.getAttribute("html", "lang")) !== run.lang) await page.locator("[data-test=lang-switch]").click();
  await heading(page, t.setPw).waitFor();
  await page.locator("#password").fill("short");
  await page.locator("#confirmation").fill("short");
  await page.getByRole("button", { name: t.setPwButton }).click();
  assert.match(await page.locator("#password-error").textContent(), t.short);
  await screen(page, run, `${name}-short`);
  await page.locator("#password").fill(password);
  await page.locator("#confirmation").fill(password);
  await page.getByRole("button", { name: t.setPwButton }).click();
  assert.match(await page.locator("[data-test=password-set]").textContent(), t.pwSet);
  await screen(page, run, name);
  await page.getByRole("link", { name: t.signIn }).click();
  await page.locator("#user_code").waitFor();
}

for (const run of RUNS) {
  const t = T[run.lang];

  test(`${run.viewport} ${run.lang}: seed procedure 1 — mail settings, a new user, mail password, test email, outbox, the user's own password and Preferences`, async () => {
    const { page, context, errors } = await newPage(browser, run.viewport);
    await signIn(page, run, DEMO.user_code, DEMO.password);
    await page.goto(worker.url + "/console");
    await heading(page, run.lang === "fr" ? "Console de sécurité" : "Security Console").waitFor();
    await screen(page, run, "console-home-admin");

    // General Settings > Miscellaneous: the local outbox, with a live sender warning.
    await openSection(page, run, t.settings);
    await heading(page, t.settings).waitFor();
    await page.locator("#provider").waitFor();
    const outboxLabel = await page.locator("#provider option[value=outbox]").textContent();
    assert.match(outboxLabel, t.outboxOption);
    await page.locator("#provider").selectOption("outbox");
    await page.locator("#sender_address").fill("no-reply@");
    assert.match(await page.locator("[data-test=sender-warning]").textContent(), t.emailInvalid);
    await page.locator("#sender_address").fill("no-reply@demo.precinct.test");
    assert.equal((await page.locator("[data-test=sender-warning]").textContent()).trim(), "");
    await page.locator("#sender_name").fill("Precinct Demo");
    await page.getByRole("button", { name: t.save, exact: true }).click();
    assert.match(await page.locator("[data-test=saved]").textContent(), t.saved);
    assert.match(await page.locator("[data-test=api-key-status]").textContent(), new RegExp(`${t.notSet}$`));
    await screen(page, run, "mail-settings");

    // A new user: a bad user code warns, a good one is accepted; a group; created.
    const code = `paula.${run.lang}@demo.precinct.test`;
    await page.goto(worker.url + "/console/users/new");
    await heading(page, t.newUser).waitFor();
    await page.locator("#name").fill(`Paula ${run.lang.toUpperCase()}`);
    await page.locator("#user_code").fill("paula");
    assert.match(await page.locator("[data-test=user-code-warning]").textContent(), t.noAt);
    await screen(page, run, "user-new-warning");
    await page.locator("#user_code").fill(code);
    assert.equal((await page.locator("[data-test=user-code-warning]").textContent()).trim(), "");
    await selectByPrefix(page, "#group_id", "USERS_NORTH");
    await page.getByRole("button", { name: t.create, exact: true }).click();
    await heading(page, `Paula ${run.lang.toUpperCase()}`).waitFor();

    // User-Specific Email Configuration: mail user, mail password, test email.
    const mail = page.locator("[data-test=user-mail]");
    await mail.locator("[data-test=mail-password-status]").waitFor();
    assert.equal(await page.locator("#mail_user").inputValue(), code);
    assert.equal(await mail.locator("[data-test=mail-password-status]").textContent(), t.notSet);
    assert.match(await mail.locator("[data-test=mail-account-settings]").textContent(), t.outboxOption);
    await page.locator("#password").fill("mail-secret-1");
    await page.locator("#confirmation").fill("mail-secret-1");
    await page.getByRole("button", { name: t.setMailPw }).click();
    assert.match(await page.locator("[data-test=mail-password-saved]").textContent(), t.mailPwSaved);
    await page.waitForFunction((word) => document.querySelector("[data-test=mail-password-status]")?.textContent === word, t.set);
    await page.getByRole("button", { name: t.sendTest }).click();
    assert.match(await page.locator("[data-test=test-email-sent]").textContent(), t.testSent);
    // The record is still saveable (its version followed the mail password change).
    await page.getByRole("button", { name: t.save, exact: true }).click();
    await page.locator("form.record [data-test=saved]").first().waitFor();
    await screen(page, run, "user-mail");

    // The Outbox: the local-outbox banner, the invitation and the test email.
    await openSection(page, run, t.outbox);
    await heading(page, t.outbox).waitFor();
    assert.match(await page.locator("[data-test=outbox-banner]").textContent(), t.banner);
    const mine = page.locator("[data-test=outbox] li", { hasText: code });
    await mine.first().waitFor();
    const kinds = await mine.evaluateAll((items) => items.map((item) => item.dataset.kind).sort());
    assert.deepEqual(kinds, ["invitation", "test"]);
    assert.match(await mine.first().locator(".tag").textContent(), run.lang === "fr" ? /E-mail de test|Invitation/ : /Test email|Invitation/);
    await mine.first().locator("summary").click();
    await mine.first().locator("pre").waitFor();
    await screen(page, run, "outbox");
    assert.deepEqual(errors, []);
    await context.close();

    // The user: sign-in password through the invitation link, then Preferences.
    const link = await linkFromOutbox(code);
    const user = await newPage(browser, run.viewport);
    const password = `Paula-${run.lang}-password-2026`;
    await setPasswordThroughLink(user.page, run, link, password, "set-password");
    await signIn(user.page, run, code, password);
    await user.page.getByRole("heading", { level: 1, name: t.myApps }).waitFor();
    await screen(user.page, run, "applications-user");
    await user.page.goto(worker.url + "/console");
    await openSection(user.page, run, t.prefs);
    await heading(user.page, t.prefs).waitFor();
    // Preferences > Email > Management of my Account: a tab, with Save (issue 13).
    await user.page.getByRole("navigation", { name: t.prefsTabs }).getByRole("link", { name: t.email }).click();
    await user.page.getByRole("heading", { level: 2, name: t.account }).waitFor();
    await user.page.locator("[data-test=mail-password-status]").waitFor();
    assert.equal(await user.page.locator("[data-test=mail-password-status]").textContent(), t.set);
    assert.equal(await user.page.locator("[data-test=mail-user]").textContent(), code);
    await user.page.locator("#password").fill("new-mail-secret");
    await user.page.locator("#confirmation").fill("new-mail-secrex");
    await user.page.getByRole("button", { name: t.save, exact: true }).click();
    assert.match(await user.page.locator("#confirmation-error").textContent(), t.differ);
    assert.equal(await user.page.locator("#confirmation").getAttribute("aria-invalid"), "true");
    await screen(user.page, run, "preferences-mismatch");
    await user.page.locator("#confirmation").fill("new-mail-secret");
    await user.page.getByRole("button", { name: t.save, exact: true }).click();
    assert.match(await user.page.locator("[data-test=mail-password-saved]").textContent(), t.mailPwSaved);
    await screen(user.page, run, "preferences");
    if (run.lang === "fr") {
      const text = await user.page.locator("body").innerText();
      for (const english of ["Preferences", "Mail password", "Sign out", "Management of my Account"]) {
        assert.ok(!text.includes(english), `"${english}" is still in English on the French page`);
      }
    }
    assert.deepEqual(user.errors, []);
    await user.context.close();

    // The forgotten-password page answers with the server's notice.
    const anon = await newPage(browser, run.viewport);
    await anon.page.goto(worker.url + "/");
    await anon.page.locator("#user_code").waitFor();
    if ((await anon.page.getAttribute("html", "lang")) !== run.lang) await anon.page.locator("[data-test=lang-switch]").click();
    await anon.page.locator("a.forgot").click();
    await anon.page.locator("#user_code").fill(code);
    await anon.page.locator("form button[type=submit]").click();
    assert.match(await anon.page.locator("[data-test=notice]").textContent(), run.lang === "fr" ? /Si ce code utilisateur/ : /.{20,}/);
    await screen(anon.page, run, "forgot-password");
    await anon.context.close();
  });

  test(`${run.viewport} ${run.lang}: seed procedure 2 — areas, a multidimensional directory, companies, a local administrator who signs in and sees only its area`, async () => {
    const { page, context, errors } = await newPage(browser, run.viewport);
    const n = run.n;
    const [west, east, md, wco, eco, la] = [`WEST${n}`, `EAST${n}`, `MD${n}`, `W${n}A`, `E${n}A`, `LA_WEST${n}`];
    await signIn(page, run, DEMO.user_code, DEMO.password);

    for (const [code, description] of [[west, "Western companies"], [east, "Eastern companies"]]) {
      await page.goto(worker.url + "/console/areas/new");
      await heading(page, t.newArea).waitFor();
      await page.locator("#code").fill(code);
      await page.locator("#description").fill(description);
      await page.getByRole("button", { name: t.create, exact: true }).click();
      await page.waitForURL(/\/console\/areas\/\d+$/);
    }
    await screen(page, run, "area-form");

    await page.goto(worker.url + "/console/directories/new");
    await heading(page, t.newDirectory).waitFor();
    await page.locator("#code").fill(md);
    await page.locator("#name").fill("Western multidimensional directory");
    await page.locator("#multidimensional").check();
    await selectByPrefix(page, "#area_id", west);
    await screen(page, run, "directory-new");
    await page.getByRole("button", { name: t.create, exact: true }).click();
    await page.waitForURL(/\/console\/directories\/\d+$/);

    for (const [code, name, directory, area] of [[wco, "Westward Works", md, null], [eco, "Eastline Paving", "MAIN", east]]) {
      await page.goto(worker.url + "/console/companies/new");
      await heading(page, t.newCompany).waitFor();
      await page.locator("#code").fill(code);
      await page.locator("#name").fill(name);
      await selectByPrefix(page, "#directory_id", directory);
      if (area) await selectByPrefix(page, "#area_id", area);
      await page.getByRole("button", { name: t.create, exact: true }).click();
      await page.waitForURL(/\/console\/companies\/\d+$/);
    }
    await screen(page, run, "company-form");

    await page.goto(worker.url + "/console/groups/new");
    await heading(page, t.newGroup).waitFor();
    await page.locator("#code").fill(la);
    await page.locator("#description").fill("Local administrators of the west");
    await page.locator("#access_level").selectOption("local_administrator");
    await selectByPrefix(page, "#area_id", west);
    for (const option of ["users_manage", "companies_manage", "history_read", "reports_read", "projects_read", "employees_read", "login_as_another_user", "preferences"]) {
      await page.locator(`#option-${option}`).check();
    }
    await screen(page, run, "group-new");
    await page.getByRole("button", { name: t.create, exact: true }).click();
    await page.waitForURL(/\/console\/groups\/\d+$/);

    const laCode = `lars.west${n}@demo.precinct.test`;
    await page.goto(worker.url + "/console/users/new");
    await heading(page, t.newUser).waitFor();
    await page.locator("#name").fill(`Lars West ${n}`);
    await page.locator("#user_code").fill(laCode);
    await selectByPrefix(page, "#group_id", la);
    await page.getByRole("button", { name: t.create, exact: true }).click();
    await heading(page, `Lars West ${n}`).waitFor();
    assert.deepEqual(errors, []);
    await context.close();

    // A colleague in the west, and a report in each area (R22), through the API and SQL.
    const areas = (await fx.admin.get("/api/areas?limit=200")).json.items;
    const westArea = areas.find((a) => a.code === west);
    const wGroup = (await fx.admin.post("/api/groups", { code: `USERS_WEST${n}`, description: "Site staff of the west", access_level: "user", area_id: westArea.id, options: ["preferences"] })).json;
    const wendy = `wendy.west${n}@demo.precinct.test`;
    assert.equal((await fx.admin.post("/api/users", { user_code: wendy, name: `Wendy West ${n}`, group_id: wGroup.id })).status, 201);
    worker.sql(`INSERT INTO reports (account_id, code, title, kind, area_id) VALUES (${accountId}, 'RW${n}', 'West report ${n}', 'report', ${westArea.id}), (${accountId}, 'RN${n}', 'North report ${n}', 'report', ${fx.areas.north.id})`);

    // The local administrator sets a password through the invitation link and signs in.
    const link = await linkFromOutbox(laCode);
    const lp = await newPage(browser, run.viewport);
    const p = lp.page;
    const password = `Lars-west-${n}-password-2026`;
    await setPasswordThroughLink(p, run, link, password, "set-password-local-admin");
    await signIn(p, run, laCode, password, { loginAs: true });
    // R05: login as another user offers only users of the west.
    const candidates = p.locator("[data-test=login-as-candidates]");
    await candidates.waitFor();
    const people = await candidates.innerText();
    assert.match(people, new RegExp(wendy.replace(/\./g, "\\.")));
    assert.doesNotMatch(people, /north|admin@/);
    await screen(p, run, "login-as-local-admin");
    await p.getByRole("link", { name: t.myself }).click();
    await p.waitForURL(/\/applications$/);

    const outside = /north|N01|N02|S01|H01|E\dA|admin@|paula/i;
    // R18: users.
    await p.goto(worker.url + "/console");
    await openSection(p, run, t.users);
    await heading(p, t.usersTitle).waitFor();
    await p.locator("table[data-test=users]").waitFor();
    const users = await p.locator("table[data-test=users] tbody").innerText();
    assert.match(users, /lars\.west/);
    assert.match(users, /wendy\.west/);
    assert.doesNotMatch(users, /north|admin@|paula/);
    await screen(p, run, "users-local-admin");
    // Companies.
    await openSection(p, run, t.companies);
    await heading(p, t.companiesTitle).waitFor();
    await p.locator("table[data-test=companies]").waitFor();
    const companies = await p.locator("table[data-test=companies] tbody").innerText();
    assert.match(companies, new RegExp(wco));
    assert.doesNotMatch(companies, outside);
    await screen(p, run, "companies-local-admin");
    // R19: the user in charge picker: users of the west and the regular administrators.
    await p.getByRole("link", { name: wco }).click();
    await p.locator("#user_in_charge").waitFor();
    await p.waitForFunction(() => document.querySelectorAll("#user_in_charge-list option").length > 0);
    const inCharge = await p.locator("#user_in_charge-list option").evaluateAll((o) => o.map((x) => x.value));
    assert.ok(inCharge.includes(laCode) && inCharge.includes(wendy) && inCharge.includes(DEMO.user_code), inCharge.join());
    assert.ok(!inCharge.some((c) => /north|paula/.test(c)), inCharge.join());
    await screen(p, run, "company-form-local-admin");
    // R21: history.
    await openSection(p, run, t.history);
    await heading(p, t.history).waitFor();
    await p.locator("ol[data-test=history] li").first().waitFor();
    assert.doesNotMatch(await p.locator("ol[data-test=history]").innerText(), /north|N01|S01|E\dA|paula/i);
    const entries = await p.locator("ol[data-test=history] li strong").allInnerTexts();
    // Entries are said in the page's language (French pages: from kind, action and subject).
    const said = run.lang === "fr" ? /^(Utilisateur|Zone|Société|Groupe d'utilisateurs|Répertoire|Connexion|Fin de la connexion|Mot de passe|Accès|Invitation|Échec|Second facteur|Code de secours)/ : /^(User|Area|Company|Directory|Logged in|Stopped acting|Access|Invitation|Password|Sign-in|The |Two-step|Second factor)/;
    for (const entry of entries) assert.match(entry, said, `history entry "${entry}" in ${run.lang}`);
    // Changed fields are named as the screens name them, in the page's language.
    const fields = await p.locator("ol[data-test=history] dt").allTextContents();
    assert.ok(fields.length > 0);
    for (const field of fields) assert.doesNotMatch(field, /_|^[a-z]/, `field "${field}" is a raw name`);
    assert.ok(fields.includes(run.lang === "fr" ? "Code utilisateur" : "User code"), fields.join());
    await p.waitForFunction(() => document.querySelectorAll("#user_from-list option").length > 0);
    const from = await p.locator("#user_from-list option").evaluateAll((o) => o.map((x) => x.value));
    assert.ok(from.length > 0 && from.every((c) => /west/.test(c)), from.join());
    await screen(p, run, "history-local-admin");
    // R22: reports.
    await openSection(p, run, t.reports);
    await heading(p, t.reports).waitFor();
    await p.locator("table[data-test=reports]").waitFor();
    const reports = await p.locator("table[data-test=reports] tbody").innerText();
    assert.match(reports, /West report/);
    assert.doesNotMatch(reports, /North report/);
    await screen(p, run, "reports-local-admin");
    // R20: the company lists of projects and employees.
    for (const [link, name] of [[t.projects, "projects"], [t.employees, "employees"]]) {
      await openSection(p, run, link);
      await heading(p, link).waitFor();
      await p.waitForFunction(() => document.querySelectorAll("#company option").length > 1);
      const offered = await p.locator("#company option").allTextContents();
      assert.ok(offered.some((o) => o.startsWith(wco)), offered.join());
      assert.ok(!offered.some((o) => outside.test(o)), offered.join());
      await screen(p, run, `${name}-local-admin`);
    }
    // No mail settings or outbox for a local administrator.
    const nav = await p.locator("#console-nav").innerText();
    assert.ok(!nav.includes(t.settings) && !nav.includes(t.outbox), nav);
    assert.deepEqual(lp.errors, []);
    await lp.context.close();
  });
}
