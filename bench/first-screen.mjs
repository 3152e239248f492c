// make bench, the console's first screen (issue 17): from navigation to the users list showing
// its first page, in headless Chromium (the tests' Debian Chromium, playwright-core), measured
// with the Performance API, with the requests and bytes each took and how deep their waterfall
// went: a first visit (a browser that never showed the console: empty cache and storage), cold
// (a browser that showed it before, its cache emptied: a new release's first load) and warm.
import { launch } from "../tests/browser/browser.mjs";

const SCREEN = "/console/users";
const SHOWN = "table[data-test=users] tbody tr";

// Runs in the page before its own scripts: notes the moment the list's first row appears.
const WATCH = `(() => {
  const seen = () => {
    if (window.__firstRowAt === undefined && document.querySelector(${JSON.stringify(SHOWN)})) {
      window.__firstRowAt = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
})();`;

/**
 * How deep the waterfall went, counted from the app (its page and files: step 1) as the issue
 * does: step 2 when every API read the first row needed started before the session's answer
 * came (they went together), step 3 when some waited for it. (Timing alone would count a read
 * that merely started after a faster one ended; the session's answer is the one the console
 * could wait for.)
 */
function depthFromApp(api) {
  const session = api.find((e) => new URL(e.name).pathname === "/api/session");
  const waited = session ? api.filter((e) => e !== session && e.startTime >= session.responseEnd) : [];
  return { depth: waited.length ? 3 : 2, waited: waited.map((e) => new URL(e.name).pathname) };
}

async function measure(page, url) {
  await page.goto(url + SCREEN);
  await page.waitForFunction(() => window.__firstRowAt !== undefined, null, { timeout: 30_000 });
  return page.evaluate(() => {
    const navigation = performance.getEntriesByType("navigation")[0];
    const resources = performance.getEntriesByType("resource").filter((r) => r.startTime <= window.__firstRowAt);
    const entries = [navigation, ...resources].map((e) => ({
      name: e.name, startTime: e.startTime, responseEnd: e.responseEnd, transferSize: e.transferSize,
    }));
    return { shownMs: window.__firstRowAt, entries };
  });
}

/** `actors`: [name, signed-in harness Client] pairs. Returns one figure per actor and cache. */
export async function firstScreen(url, actors) {
  const browser = await launch();
  const figures = [];
  try {
    for (const [actor, client] of actors) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const [name, value] = client.cookie.split(/=(.*)/s);
      await context.addCookies([{
        name, value, domain: new URL(url).hostname, path: "/", secure: true, httpOnly: true, sameSite: "Strict",
      }]);
      await context.addInitScript(WATCH);
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      for (const cache of ["first visit", "cold", "warm"]) {
        if (cache === "cold") await cdp.send("Network.clearBrowserCache");
        const { shownMs, entries } = await measure(page, url);
        const bytes = entries.reduce((sum, e) => sum + (e.transferSize ?? 0), 0);
        const api = entries.filter((e) => new URL(e.name).pathname.startsWith("/api/"));
        figures.push({
          actor, cache, shown_ms: shownMs, requests: entries.length, bytes,
          api_requests: api.map((e) => new URL(e.name).pathname), ...depthFromApp(api),
        });
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return figures;
}
