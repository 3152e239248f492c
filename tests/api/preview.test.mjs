// O01: the preview configuration, run locally as `make preview` deploys it — the copy of
// wrangler.toml that scripts/preview-config.mjs writes, its `preview` environment (the branch's own
// database and the previews block's variables), migrated and seeded as scripts/deploy.sh does —
// shows its band on every page and in every email, has the demo account to sign in with at once,
// sends mail to the Outbox whatever the mail settings say, and has no test mode.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWorkerOn, Client, DEMO, ROOT, TEST_MAIL_KEY } from "../harness.mjs";

const BRANCH = "feature/band-<check>";
let worker;
before(async () => {
  const dir = join(ROOT, "target", "preview-check");
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "wrangler.toml");
  writeFileSync(config, execFileSync("node", [join(ROOT, "scripts/preview-config.mjs"), "precinct-preview-band-check",
    "00000000-0000-4000-8000-0000000000b1"], { encoding: "utf8" }));
  // As the first `make preview` of a branch: the preview's database migrated, the demo seeded.
  const state = mkdtempSync(join(tmpdir(), "precinct-preview-"));
  const target = ["--local", "--persist-to", state, "--env", "preview", "--config", config];
  execFileSync("node", [join(ROOT, "scripts/databases.mjs"), "migrate", "--quiet", ...target],
    { cwd: ROOT, stdio: "ignore" });
  execFileSync("node", [join(ROOT, "scripts/bootstrap.mjs"), "--demo", ...target], { cwd: ROOT, stdio: "ignore" });
  // `make preview` names the preview after its branch; the mail key is the deployment's secret.
  worker = await startWorkerOn(state, {
    config: { file: config, env: "preview" },
    vars: { PRECINCT_PREVIEW: BRANCH, PRECINCT_MAIL_KEY: TEST_MAIL_KEY },
  });
});
after(async () => {
  await worker?.stop();
});

const BAND = `Preview — feature/band-&lt;check&gt;`;

test("o01 a preview says so at the top of every page: sign-in, console, occasional screens", async () => {
  for (const page of ["/", "/sessions", "/applications", "/console", "/console/users", "/console/users/7", "/console/history"]) {
    const response = await fetch(worker.url + page);
    assert.equal(response.status, 200, page);
    const html = await response.text();
    assert.ok(html.includes(`<body><div class="preview-band" role="note" data-test="preview-band">${BAND}</div>`), `${page}: ${html}`);
    assert.equal(response.headers.get("cache-control"), "no-cache", page);
  }
  // Deny twin: the files the pages name are not pages; and what the branch is called is escaped.
  const page = await (await fetch(worker.url + "/console/users")).text();
  assert.doesNotMatch(page, /<check>/);
  const script = page.match(/src="(\/assets\/[^"]+\.js)"/)[1];
  assert.doesNotMatch(await (await fetch(worker.url + script)).text(), /preview-band/);
});

test("o01 a preview has the demo account, no test mode, and sends every email to its Outbox, marked", async () => {
  const admin = new Client(worker.url);
  const signedIn = await admin.signIn(DEMO.user_code, DEMO.password);
  assert.equal(signedIn.status, 200, signedIn.text);
  assert.equal(signedIn.json.mfa_step ?? null, null, JSON.stringify(signedIn.json));
  // No test mode: the test-only route is not there.
  assert.equal((await admin.get("/api/test/query-plans")).status, 404);
  // Mail settings naming a real provider: a preview still delivers nothing.
  const settings = (await admin.get("/api/settings/mail")).json;
  const saved = await admin.request("PUT", "/api/settings/mail", {
    provider: "resend", api_base_url: "https://api.resend.com", api_key: "re_preview_never_used_0123456789",
    sender_address: "no-reply@precinct.example", sender_name: "Precinct", ...(settings.version ? { version: settings.version } : {}),
  });
  assert.equal(saved.status, 200, saved.text);
  const me = (await admin.get("/api/session")).json;
  const sent = await admin.post(`/api/users/${me.user_id}/test-email`, {});
  assert.equal(sent.status, 200, sent.text);
  const outbox = (await admin.get("/api/outbox")).json.items;
  const message = outbox.find((item) => item.subject.includes("[Preview — feature/band-<check>]"));
  assert.ok(message, JSON.stringify(outbox.map((item) => item.subject)));
  assert.equal(message.to_address, DEMO.user_code);
  assert.match(message.text_body, /^Preview — feature\/band-<check>\n/);
});
