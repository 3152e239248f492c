// Input hygiene, secrets that stay where they were sent (R37), and the headers of every answer:
// what an attacker throws at the edges of the API, and what a browser is told about every file.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, Client } from "../harness.mjs";
import { assertProblem, snapshot, sqlReader } from "./fixtures.mjs";

let worker, admin, read;
before(async () => {
  worker = await startWorker();
  read = sqlReader(worker);
  admin = new Client(worker.url);
  assert.equal((await admin.signIn()).status, 200);
});
after(async () => {
  await worker?.stop();
});

/** A raw request with a body exactly as given and a chosen content type. */
function raw(path, body, contentType, method = "POST") {
  const headers = { "x-precinct-csrf": "1", origin: worker.url, cookie: admin.cookie };
  if (contentType) headers["content-type"] = contentType;
  return fetch(worker.url + path, { method, headers, body })
    .then(async (response) => ({ status: response.status, json: await response.json().catch(() => null), headers: response.headers }));
}

async function unchanged(send, status, code, field) {
  const before = snapshot(read);
  const response = await send();
  assert.equal(response.status, status, JSON.stringify(response.json));
  if (code) assert.equal(response.json?.code, code, JSON.stringify(response.json));
  if (field !== undefined) assert.equal(response.json?.field, field, JSON.stringify(response.json));
  assert.deepEqual(snapshot(read), before, "a refused request changed D1");
}

test("a body is a JSON object sent as application/json: text/plain, forms and no type are 415", async () => {
  const body = JSON.stringify({ code: "PLAIN" });
  await unchanged(() => raw("/api/areas", body, "text/plain"), 415, "unsupported_media_type");
  await unchanged(() => raw("/api/areas", "code=PLAIN", "application/x-www-form-urlencoded"), 415, "unsupported_media_type");
  await unchanged(() => raw("/api/areas", body, null), 415, "unsupported_media_type");
  // Twin: the same body as JSON (with a charset parameter) is created.
  const created = await raw("/api/areas", body, "application/json; charset=utf-8");
  assert.equal(created.status, 201, JSON.stringify(created.json));
});

test("a positional array is not read as an object's fields; a key given twice and a wrong type name the field", async () => {
  await unchanged(() => admin.post("/api/areas", ["ARRAY", "Created from an array"]), 422, "invalid_type", "body");
  await unchanged(() => raw("/api/areas", '{"code":"DUP","code":"DUP2"}', "application/json"), 422, "duplicate_field", "code");
  await unchanged(
    () => admin.post("/api/groups", { code: "TYPED", access_level: true }),
    422, "invalid_type", "access_level",
  );
  await unchanged(() => admin.post("/api/groups", { code: "TYPED", access_level: "superuser" }), 422, "invalid_type", "access_level");
});

test("codes and names refuse invisible and direction characters; API keys printable ASCII only", async () => {
  await unchanged(() => admin.post("/api/areas", { code: "EV\u202EIL" }), 422, "invalid_code", "code");
  await unchanged(() => admin.post("/api/areas", { code: "BIDI", description: "harmless\u202Egnp.exe" }), 422, "invalid_text", "description");
  await unchanged(() => admin.post("/api/areas", { code: "ISOL", description: "a\u2066b" }), 422, "invalid_text", "description");
  const groups = (await admin.get("/api/groups")).json.items;
  for (const code of ["Ana <ana@example.com>", "ana@[10.0.0.1]", "an\u200Ba@example.com", "ana@example.com\r\nBcc: x@y.co"]) {
    await unchanged(() => admin.post("/api/users", { user_code: code, name: "Hostile", group_id: groups[0].id }), 422, "invalid_email", "user_code");
  }
  await unchanged(
    () => admin.put("/api/settings/mail", { provider: "resend", api_key: "re_key with space", sender_address: "no-reply@demo.precinct.test" }),
    422, "invalid_text", "api_key",
  );
  // Twin: accents and dashes in names are fine.
  const fine = await admin.post("/api/areas", { code: "QC", description: "Québec — Bélanger" });
  assert.equal(fine.status, 201, fine.text);
});

test("r37 a stored key is sent only where it was entered for; providers are reached over https", async () => {
  const first = await admin.put("/api/settings/mail", { provider: "resend", api_key: "re_first_key_123", sender_address: "no-reply@demo.precinct.test" });
  assert.equal(first.status, 200, first.text);
  const moved = { provider: "resend", api_base_url: "https://collector.example.net", sender_address: "no-reply@demo.precinct.test", version: first.json.version };
  await unchanged(() => admin.put("/api/settings/mail", moved), 422, "api_key_required_again", "api_key");
  await unchanged(() => admin.put("/api/settings/mail", { ...moved, provider: "postmark", api_base_url: "" }), 422, "api_key_required_again", "api_key");
  await unchanged(() => admin.put("/api/settings/mail", { ...moved, api_base_url: "http://relay.example.com", api_key: "re_new" }), 422, "invalid_url", "api_base_url");
  // Twins: the same destination keeps the key; a new destination with the key typed again is saved.
  const same = await admin.put("/api/settings/mail", { provider: "resend", sender_address: "hello@demo.precinct.test", version: first.json.version });
  assert.equal(same.status, 200, same.text);
  assert.equal(same.json.api_key_set, true);
  const retyped = await admin.put("/api/settings/mail", { ...moved, api_key: "re_second_key_456", version: same.json.version });
  assert.equal(retyped.status, 200, retyped.text);
  // A provider without keys forgets the stored one rather than keeping it for later.
  const outbox = await admin.put("/api/settings/mail", { provider: "outbox", sender_address: "no-reply@demo.precinct.test", version: retyped.json.version });
  assert.equal(outbox.status, 200, outbox.text);
  assert.equal(outbox.json.api_key_set, false);
});

test("o04 health reports the database and the mail key", async () => {
  const health = await new Client(worker.url).get("/api/health");
  assert.equal(health.status, 200);
  assert.equal(health.json.database, true);
  assert.equal(health.json.mail_key, true);
});

// ---------------------------------------------------------------------------------------------
// Headers on every answer.

const EXPECTED = {
  "content-security-policy": /default-src 'self'; script-src 'self' 'wasm-unsafe-eval';.*frame-ancestors 'none'; base-uri 'none'; form-action 'self'/,
  "strict-transport-security": /max-age=\d{8,}/,
  "referrer-policy": /^no-referrer$/,
  "x-content-type-options": /^nosniff$/,
  "permissions-policy": /camera=\(\).*microphone=\(\)/,
  "cross-origin-opener-policy": /^same-origin$/,
};

function assertSecure(what, headers) {
  for (const [name, pattern] of Object.entries(EXPECTED)) {
    const value = headers.get(name);
    assert.ok(value, `${what} lacks ${name}`);
    assert.match(value, pattern, `${what}: ${name}: ${value}`);
  }
  assert.doesNotMatch(headers.get("content-security-policy"), /'unsafe-inline'|'unsafe-eval'/);
}

test("every API route and every static file carries the security headers", async () => {
  const spec = (await admin.get("/api/openapi.json")).json;
  let checked = 0;
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of Object.keys(item)) {
      const concrete = path.replaceAll("{id}", "1");
      const response = method === "get" ? await admin.get(concrete) : await admin.request(method.toUpperCase(), concrete, {});
      assertSecure(`${method.toUpperCase()} ${concrete} (${response.status})`, response.headers);
      checked++;
    }
  }
  // Answers before any route: unknown paths, wrong methods, no session.
  assertSecure("unknown API path", (await admin.get("/api/no-such-thing")).headers);
  assertSecure("signed out", (await new Client(worker.url).get("/api/users")).headers);
  const accountPages = ["/", "/set-password?token=x", "/forgot-password", "/change-password", "/second-factor", "/sessions", "/login-as"];
  const occasionalScreens = ["/console/history", "/console/areas/1", "/console/settings/mail", "/console/outbox", "/console/preferences", "/console/about/companies"];
  // Each bundle's page and the content-hashed files it names.
  const named = async (page) => [...(await (await fetch(worker.url + page)).text()).matchAll(/"(\/assets\/[^"]+)"/g)]
    .map((match) => match[1]);
  const insightScreens = ["/console/explain", "/console/review", "/console/review/none"];
  const bulkScreens = ["/console/import", "/console/bulk", "/console/copy/1"];
  const assets = [...new Set([...(await named("/console/users")), ...(await named("/")), ...(await named("/console/history")), ...(await named("/console/review")), ...(await named("/console/import"))])];
  assert.equal(assets.length, 11, `five bundles' wasm and JS, and the CSS: ${assets}`);
  for (const file of ["/index.html", ...assets, "/console/users/1", ...accountPages, ...occasionalScreens, ...insightScreens, ...bulkScreens]) {
    const response = await fetch(worker.url + file);
    assert.equal(response.status, 200, file);
    assertSecure(`static ${file}`, response.headers);
    checked++;
  }
  // The account pages are their own bundle's page, served by the worker at their addresses.
  for (const page of accountPages) {
    const html = await (await fetch(worker.url + page)).text();
    assert.match(html, /<script type="module" src="\/assets\/account\.[0-9a-f]{12}\.js"><\/script>/, page);
  }
  // The console's screens used less often are theirs, the everyday ones the console's.
  for (const screen of occasionalScreens) {
    assert.match(await (await fetch(worker.url + screen)).text(), /src="\/assets\/occasional\.[0-9a-f]{12}\.js"/, screen);
  }
  for (const screen of insightScreens) {
    assert.match(await (await fetch(worker.url + screen)).text(), /src="\/assets\/insight\.[0-9a-f]{12}\.js"/, screen);
  }
  for (const screen of bulkScreens) {
    assert.match(await (await fetch(worker.url + screen)).text(), /src="\/assets\/bulk\.[0-9a-f]{12}\.js"/, screen);
  }
  for (const screen of ["/console", "/console/users/1", "/applications", "/console/historyx"]) {
    assert.match(await (await fetch(worker.url + screen)).text(), /src="\/assets\/app\.[0-9a-f]{12}\.js"/, screen);
  }
  console.log(`security headers: ${checked} routes and files checked`);
  // The page itself has no inline script the CSP would block.
  const page = await (await fetch(worker.url + "/")).text();
  assert.doesNotMatch(page, /<script(?![^>]*\bsrc=)[^>]*>/);
});

test("i17 files named by their content are cached for a year; the pages that name them are revalidated on every load", async () => {
  const assets = [...(await (await fetch(worker.url + "/console/users")).text()).matchAll(/"(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  assert.ok(assets.length >= 3, `${assets}`);
  for (const file of assets) {
    assert.match(file, /\.[0-9a-f]{12}\.(wasm|js|css)$/, file);
    const response = await fetch(worker.url + file);
    assert.equal(response.status, 200, file);
    assert.equal(response.headers.get("cache-control"), "public, max-age=31536000, immutable", file);
  }
  // Deny twin: the pages (served as assets or by the worker) are never kept without asking.
  for (const page of ["/console/users", "/console/users/1", "/index.html", "/", "/sessions", "/console/history"]) {
    const response = await fetch(worker.url + page);
    assert.equal(response.status, 200, page);
    assert.equal(response.headers.get("cache-control"), "no-cache", page);
  }
});

test("r03 r24 a user code is stored lower-cased, whatever case it was typed in; the same address in another case is taken", async () => {
  // (The headers test above signed the shared client out: every route, sign-out included.)
  admin = new Client(worker.url);
  assert.equal((await admin.signIn()).status, 200);
  const groups = (await admin.get("/api/groups")).json.items;
  const created = await admin.post("/api/users", { user_code: "  Mixed.Case@Demo.Precinct.TEST ", name: "Mia Mixed", group_id: groups[0].id });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.user_code, "mixed.case@demo.precinct.test");
  assert.equal(created.json.mail_user, "mixed.case@demo.precinct.test");
  assert.equal(read(`SELECT user_code FROM users WHERE id = ${created.json.id}`)[0].user_code, "mixed.case@demo.precinct.test");
  await unchanged(() => admin.post("/api/users", { user_code: "MIXED.case@demo.precinct.test", name: "Twin", group_id: groups[0].id }), 409, "already_used", "user_code");
});
