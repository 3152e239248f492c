// The walking skeleton in a real browser: sign in, My Applications, open the console, sign out.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, DEMO } from "../harness.mjs";
import { test, launch, newPage, shot, assertNoHorizontalScroll, reportWorkerLog } from "./browser.mjs";

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
