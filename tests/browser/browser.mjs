// Headless Debian Chromium driven by playwright-core (never a downloaded browser).
import { authenticatorCode, rememberAuthenticator, rememberRecoveryCodes, noteProxyFailure, DEMO } from "../harness.mjs";
import { test as nodeTest } from "node:test";
import { chromium } from "playwright-core";
import { mkdirSync, readFileSync, existsSync } from "node:fs";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "../harness.mjs";

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
};

export const SCREENSHOTS = join(ROOT, "target", "screenshots");
mkdirSync(SCREENSHOTS, { recursive: true });

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

export async function newPage(browser, viewport) {
  const context = await browser.newContext({
    viewport: VIEWPORTS[viewport],
    isMobile: viewport === "phone",
    hasTouch: viewport === "phone",
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  watch(page, context);
  return { page, context, errors };
}

// What a failed browser test reports besides its assertion: for every page still open, where it
// is, what it shows, a screenshot, and its last requests; and the end of the worker's log.
const open = new Map();
let workerOfFile = null;
const cspViolations = [];

function watch(page, context) {
  const journal = [];
  // Addresses a test answers itself (page.route: lost answers it simulates) are not the proxy's.
  const routed = [];
  const route = page.route.bind(page);
  page.route = (url, handler, options) => {
    routed.push(url);
    return route(url, handler, options);
  };
  const simulated = (address) => routed.some((url) => (url instanceof RegExp ? url.test(address) : address.includes(String(url))));
  const note = (line) => journal.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
  page.on("response", (response) => {
    note(`${response.status()} ${response.request().method()} ${response.url()}`);
    // A 5xx that is not the worker's JSON problem: the local proxy lost it (harness.mjs).
    if (response.status() >= 500 && !/json/.test(response.headers()["content-type"] ?? "") && !simulated(response.url())) {
      noteProxyFailure(`browser ${response.request().method()} ${response.url()} ${response.status()}`);
    }
  });
  page.on("requestfailed", (request) => {
    note(`FAILED ${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
    // A dropped connection (not a navigation's abort of a request under way).
    if (request.url().includes("/api/") && !/ERR_ABORTED/.test(request.failure()?.errorText ?? "") && !simulated(request.url())) {
      noteProxyFailure(`browser ${request.method()} ${request.url()} ${request.failure()?.errorText}`);
    }
  });
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    note(`console: ${message.text()}`);
    // The console runs under a strict Content-Security-Policy: any violation fails the test.
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(`${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => note(`page error: ${error.message}`));
  open.set(page, { journal, context });
  context.on("close", () => open.delete(page));
}

/** The worker whose log a failed test of this file shows. */
export function reportWorkerLog(worker) {
  workerOfFile = worker;
}

async function diagnostics(name) {
  const parts = [];
  let n = 0;
  for (const [page, { journal }] of open) {
    n += 1;
    const file = `failure-${name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}-${n}.png`;
    const body = await page.locator("body").innerText({ timeout: 2000 }).catch((error) => `(unreadable: ${error.message})`);
    await page.screenshot({ path: join(SCREENSHOTS, file), fullPage: true }).catch(() => {});
    parts.push(`page ${n} at ${page.url()} (screenshot target/screenshots/${file}) shows:\n${body.slice(0, 1500)}`);
    parts.push(`its last requests:\n${journal.slice(-25).join("\n")}`);
  }
  if (workerOfFile) parts.push(`end of the worker log:\n${workerOfFile.log().slice(-3000)}`);
  return parts.join("\n\n");
}

/** `node:test`'s `test`, whose failures also say what the browser and the worker showed. */
export function test(name, body) {
  return nodeTest(name, async (context) => {
    try {
      cspViolations.length = 0;
      await body(context);
      if (cspViolations.length) throw new Error(`CSP violations:\n${cspViolations.join("\n")}`);
    } catch (error) {
      const seen = await diagnostics(name).catch((failure) => `(no diagnostics: ${failure.message})`);
      if (error instanceof Error) error.message += `\n\n${seen}`;
      // The failed test's pages would otherwise stay open and show up in the next failure.
      await Promise.all([...open.values()].map(({ context }) => context.close().catch(() => {})));
      throw error;
    }
  });
}

export function shot(page, name) {
  return page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** No horizontal scrolling on any viewport. */
export async function assertNoHorizontalScroll(assert, page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
}

/**
 * The second sign-in step (R35) on /second-factor, as the person would: an administrator's first
 * sign-in sets up the authenticator (the secret read from the page, the code typed, the recovery
 * codes kept); later ones type the authenticator's code. Moves the test clock ahead only when the
 * same person signs in again within 30 seconds (a code is usable once).
 */
export async function secondStep(page, url, userCode, { beforeContinue = null, type = null } = {}) {
  await page.waitForURL(/\/second-factor/);
  await page.locator("#code").waitFor();
  const secret = page.locator("[data-test=mfa-secret]");
  const enrolling = (await secret.count()) > 0;
  if (enrolling) rememberAuthenticator(url, userCode, (await secret.textContent()).trim());
  const { code, headers } = authenticatorCode(url, userCode, { recoveryAllowed: !enrolling });
  const paths = ["**/api/session/mfa", "**/api/mfa/confirmation"];
  const handler = (route) => route.continue({ headers: { ...route.request().headers(), ...headers } });
  if (Object.keys(headers).length) for (const path of paths) await page.route(path, handler);
  try {
    if (type) {
      await type(code);
    } else {
      await page.locator("#code").fill(code);
      await page.locator("form button[type=submit]").click();
    }
    if (enrolling) {
      const codes = page.locator("[data-test=recovery-codes] code");
      await codes.first().waitFor();
      rememberRecoveryCodes(url, userCode, await codes.allTextContents());
    } else {
      await page.waitForURL((address) => !address.pathname.startsWith("/second-factor"));
    }
  } finally {
    if (Object.keys(headers).length) for (const path of paths) await page.unroute(path, handler);
  }
  if (enrolling) {
    if (beforeContinue) await beforeContinue();
    await page.locator("[data-test=recovery-done]").click();
  }
}

/** After the password: the second step when one is owed, then wherever `expected` says. */
export async function afterPassword(page, url, userCode, expected) {
  await page.waitForURL((address) => expected.test(address.pathname) || address.pathname === "/second-factor");
  if (new URL(page.url()).pathname === "/second-factor") await secondStep(page, url, userCode);
  await page.waitForURL(expected);
}

/** Signs the demo administrator in (from the sign-in page, opened unless it is shown), second
 *  step included, and waits for `expected` (My Applications, or a page a deep link kept). */
export async function signInDemo(page, url, expected = /\/applications$/) {
  if (!/\/$/.test(new URL(page.url()).pathname) || !(await page.getByLabel("User code").count())) await page.goto(url + "/");
  await page.getByLabel("User code").fill(DEMO.user_code);
  await page.getByLabel("Password").fill(DEMO.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await afterPassword(page, url, DEMO.user_code, expected);
}

// axe-core is pinned in package.json (`npm ci` installs it): a missing copy fails the tests.
const AXE = join(ROOT, "node_modules/axe-core/axe.min.js");

/** axe-core on the screen as it is now: no violation of any rule, touch target sizes (WCAG 2.2,
 * off by default in axe) included. */
export async function a11y(page, screen) {
  assert.ok(existsSync(AXE), "axe-core is not installed (node_modules/axe-core): run npm ci");
  // Evaluated through the devtools protocol, not as an inline <script> (the console's CSP
  // refuses inline scripts, and a CSP violation fails the test).
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) await page.evaluate(readFileSync(AXE, "utf8"));
  const options = { resultTypes: ["violations"], rules: { "target-size": { enabled: true } } };
  const violations = await page.evaluate(async (options) => (await axe.run(document, options)).violations, options);
  const found = violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  assert.deepEqual(found, [], `accessibility violations on ${screen}`);
}
