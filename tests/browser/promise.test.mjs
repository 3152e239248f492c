// The promise at every edge, as a person meets it in the console (R32, R17, R19, R29): a refused
// Save stores nothing and says so, a move across areas asks first, a user in charge typed by name
// is resolved (or refused beside the field), and a user created without mail settings says that
// no invitation went out. After each, the API shows that what is stored is what the screen says.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { startWorker, DEMO, Client, ROOT } from "../harness.mjs";
import { test, launch, newPage, shot, reportWorkerLog, afterPassword, secondStep } from "./browser.mjs";
import { seed } from "./seed.mjs";

let worker, browser, fx, usersSouth;
before(async () => {
  worker = await startWorker();
  reportWorkerLog(worker);
  browser = await launch();
  fx = await seed(worker.url);
  const south = await fx.admin.post("/api/groups", {
    code: "USERS_SOUTH", description: "Site staff of the south", access_level: "user", area_id: fx.areas.south.id,
    options: ["projects_read", "preferences"],
  });
  assert.equal(south.status, 201, south.text);
  usersSouth = south.json;
  // Nora (local administrator of the north) signs in with the demo password.
  worker.sql(`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE user_code_norm = '${DEMO.user_code}') WHERE user_code_norm = 'la.north@demo.precinct.test'`);
});
after(async () => {
  await browser?.close();
  await worker?.stop();
});

async function signIn(page, userCode = DEMO.user_code) {
  await page.goto(worker.url + "/");
  await page.getByLabel("User code").fill(userCode);
  await page.getByLabel("Password").fill(DEMO.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await afterPassword(page, worker.url, userCode, /\/applications$/);
}

const heading = (page, name) => page.getByRole("heading", { level: 1, name, exact: true });

async function selectByPrefix(page, selector, prefix) {
  await page.waitForFunction(([s, p]) => [...document.querySelectorAll(`${s} option`)].some((o) => o.textContent.trim().startsWith(p)), [selector, prefix]);
  const value = await page.locator(`${selector} option`).evaluateAll((options, p) => options.find((o) => o.textContent.trim().startsWith(p)).value, prefix);
  await page.locator(selector).selectOption(value);
}

const api = async (path) => {
  const response = await fx.admin.get(path);
  assert.equal(response.status, 200, response.text);
  return response.json;
};

test("r32 desktop: a local administrator renaming herself while changing her own group is refused, and nothing is stored", async () => {
  const { page, context } = await newPage(browser, "desktop");
  await signIn(page, "la.north@demo.precinct.test");
  const nora = fx.users.nora;
  await page.goto(`${worker.url}/console/users/${nora.id}`);
  await heading(page, "Nora North").waitFor();
  await page.locator("#name").fill("Nora Renamed");
  await selectByPrefix(page, "#group_id", "USERS_NORTH");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByText("cannot change their own user group").waitFor();
  await shot(page, "desktop-r32-refused-save");
  const stored = await api(`/api/users/${nora.id}`);
  assert.equal(stored.name, "Nora North");
  assert.equal(stored.group_id, fx.groups.laNorth.id);
  // Twin: the rename alone is saved, and the screen still says what is stored.
  await selectByPrefix(page, "#group_id", "LA_NORTH");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByText("Saved.").waitFor();
  assert.equal((await api(`/api/users/${nora.id}`)).name, "Nora Renamed");
  await context.close();
});

test("r17 r32 desktop: a move to another area's group asks first; confirmed, one Save stores the name and the group", async () => {
  const { page, context } = await newPage(browser, "desktop");
  await signIn(page);
  const ulla = fx.users.ulla;
  await page.goto(`${worker.url}/console/users/${ulla.id}`);
  await heading(page, "Ulla User").waitFor();
  await page.locator("#name").fill("Ulla Southward");
  await selectByPrefix(page, "#group_id", "USERS_SOUTH");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const question = page.locator("[data-test=confirm-move]");
  await question.waitFor();
  assert.match(await question.innerText(), /another area/);
  await shot(page, "desktop-r17-confirm-move");
  // Nothing is stored while the question is open; Cancel leaves it so.
  let stored = await api(`/api/users/${ulla.id}`);
  assert.equal(stored.name, "Ulla User");
  assert.equal(stored.group_id, fx.groups.usersNorth.id);
  await page.locator("[data-test=confirm-move-no]").click();
  await question.waitFor({ state: "detached" });
  assert.equal((await api(`/api/users/${ulla.id}`)).group_id, fx.groups.usersNorth.id);
  // Asked again and confirmed: both changes in one Save; the screen shows the new area.
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await question.waitFor();
  await page.locator("[data-test=confirm-move-yes]").click();
  await page.getByText("Saved.").waitFor();
  await page.locator("[data-test=user-area]", { hasText: "SOUTH" }).waitFor();
  stored = await api(`/api/users/${ulla.id}`);
  assert.equal(stored.name, "Ulla Southward");
  assert.equal(stored.group_id, usersSouth.id);
  assert.equal(stored.area_code, "SOUTH");
  await shot(page, "desktop-r17-moved");
  await context.close();
});

test("r19 r32 desktop: a user in charge typed by name is resolved and stored; a name that matches no one is a field error", async () => {
  const { page, context } = await newPage(browser, "desktop");
  await signIn(page);
  const n01 = fx.companies.n01;
  await page.goto(`${worker.url}/console/companies/${n01.id}`);
  await page.locator("#user_in_charge").waitFor();
  // Deny twin first: nobody is called this; the field says so and nothing is stored.
  await page.locator("#user_in_charge").fill("Nobody Called This");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const error = page.locator("#user_in_charge-error");
  await error.waitFor();
  assert.match(await error.innerText(), /Nobody Called This/);
  await shot(page, "desktop-r19-user-in-charge-unknown");
  assert.equal((await api(`/api/companies/${n01.id}`)).user_in_charge, null);
  // A name (not a user code) of a user of the company's area.
  await page.locator("#user_in_charge").fill("Nora Renamed");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByText("Saved.").waitFor();
  await page.waitForFunction(() => document.querySelector("#user_in_charge").value === "la.north@demo.precinct.test");
  const stored = await api(`/api/companies/${n01.id}`);
  assert.equal(stored.user_in_charge?.id, fx.users.nora.id);
  await shot(page, "desktop-r19-user-in-charge-by-name");
  // The regular administrators' review: once Nora moves south, N01 is listed by the filter.
  const nora = await api(`/api/users/${fx.users.nora.id}`);
  const moved = await fx.admin.put(`/api/users/${nora.id}`, { user_code: nora.user_code, name: nora.name, group_id: usersSouth.id, confirm_move_across_areas: true, version: nora.version });
  assert.equal(moved.status, 200, moved.text);
  await page.goto(`${worker.url}/console/companies`);
  await page.locator("table[data-test=companies]").waitFor();
  await page.locator("#filter-in-charge").selectOption("outside_area");
  await page.waitForFunction(() => [...document.querySelectorAll("table[data-test=companies] tbody tr")].length === 1);
  assert.match(await page.locator("table[data-test=companies] tbody").innerText(), /N01/);
  await shot(page, "desktop-r19-review-outside-area");
  await context.close();
});

test("r29 r32 desktop: a user created without mail settings says on the record that no invitation went out, why, and offers to resend", async () => {
  const { page, context } = await newPage(browser, "desktop");
  await signIn(page);
  await page.goto(`${worker.url}/console/users/new`);
  await heading(page, "New user").waitFor();
  await page.locator("#name").fill("Mila Mailless");
  await page.locator("#user_code").fill("mila.mailless@demo.precinct.test");
  await selectByPrefix(page, "#group_id", "USERS_NORTH");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  const notice = page.locator("[data-test=user-created-not-invited]");
  await notice.waitFor();
  assert.match(await notice.innerText(), /no invitation was sent/i);
  assert.match(await notice.innerText(), /General Settings > Miscellaneous/);
  assert.match(await notice.innerText(), /Resend invitation is below/);
  await shot(page, "desktop-r29-created-without-invitation");
  const created = (await api("/api/users?q=mila")).items.find((u) => u.user_code === "mila.mailless@demo.precinct.test");
  assert.ok(created, "the user is stored");
  // Twin: once the mail settings exist, Resend invitation next to the notice sends it.
  const settings = await fx.admin.put("/api/settings/mail", { provider: "outbox", sender_address: "no-reply@demo.precinct.test" });
  assert.equal(settings.status, 200, settings.text);
  await page.locator("[data-test=resend-invitation]").click();
  await page.locator("[data-test=invitation-sent]").waitFor();
  const outbox = (await fx.admin.get("/api/outbox")).json.items;
  assert.ok(outbox.some((m) => m.to_address === "mila.mailless@demo.precinct.test" && m.kind === "invitation"));
  await context.close();
});

test("r36 desktop and phone: the operator's printed password leads straight to choosing one's own, then the console opens", async () => {
  const output = execFileSync("node", [join(ROOT, "scripts/bootstrap.mjs"), "--account", "Printed Password Builders", "--email", "printed@r36.example", "--persist-to", worker.state], { cwd: ROOT, encoding: "utf8" });
  const printed = /One-time initial password:\s+(\S+)/.exec(output)[1];
  let password = printed;
  for (const viewport of ["desktop", "phone"]) {
    const { page, context } = await newPage(browser, viewport);
    await page.goto(worker.url + "/");
    await page.getByLabel("User code").fill("printed@r36.example");
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    if (viewport === "desktop") {
      await page.waitForURL(/\/change-password$/);
      await page.getByRole("heading", { name: "Change my password" }).waitFor();
      // A weak choice is refused with the reason, beside the field.
      await page.locator("#current_password").fill(printed);
      await page.locator("#new_password").fill("Password2024!!");
      await page.locator("#confirmation").fill("Password2024!!");
      await page.getByRole("button", { name: "Set the password" }).click();
      await page.getByText("most common").or(page.getByText("common one")).first().waitFor();
      await shot(page, `${viewport}-r36-change-password-refused`);
      // The console's screens are closed meanwhile: opening one comes back here.
      await page.goto(worker.url + "/console/users");
      await page.waitForURL(/\/change-password$/);
      await page.locator("#current_password").fill(printed);
      await page.locator("#new_password").fill("tulip7-marble-kayak");
      await page.locator("#confirmation").fill("tulip7-marble-kayak");
      await page.getByRole("button", { name: "Set the password" }).click();
      await page.locator("[data-test=password-set]").waitFor();
      await shot(page, `${viewport}-r36-change-password-done`);
      password = "tulip7-marble-kayak";
      await page.getByRole("link", { name: "Continue" }).click();
      // R35: then the administrator sets up the second factor, and only then the console opens.
      await secondStep(page, worker.url, "printed@r36.example");
      await page.waitForURL(/\/applications$/);
    } else {
      // Twin: with one's own password (and the second factor), sign-in goes to My Applications.
      await afterPassword(page, worker.url, "printed@r36.example", /\/applications$/);
      await shot(page, `${viewport}-r36-own-password-applications`);
    }
    await context.close();
  }
  const stored = new Client(worker.url);
  assert.equal((await stored.signIn("printed@r36.example", "tulip7-marble-kayak")).json.password_change_required, false);
});
