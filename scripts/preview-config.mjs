#!/usr/bin/env node
// Writes, for `make preview` (scripts/deploy.sh), a copy of wrangler.toml whose previews use the
// branch's own D1, and an environment `preview` with that database alone and the previews'
// variables (for its migrations, the demo account, and a local run). Production's database is never in the copy's previews.
//   node scripts/preview-config.mjs <database name> <database id>  > target/preview/wrangler.toml
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [name, id] = process.argv.slice(2);
if (!/^precinct-preview-[a-z0-9-]+$/.test(name ?? "") || !/^[0-9a-f-]{36}$/.test(id ?? "")) {
  console.error("usage: preview-config.mjs precinct-preview-<branch> <database id>");
  process.exit(2);
}
const ROOT = join(import.meta.dirname, "..");
let config = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
// The copy lives in target/preview/: its paths lead back to the repository.
config = config
  .replace('main = "worker/shim.mjs"', 'main = "../../worker/shim.mjs"')
  .replace('directory = "dist"', 'directory = "../../dist"')
  .replaceAll('migrations_dir = "worker/migrations"', 'migrations_dir = "../../worker/migrations"');
const previews = "[[env.production.previews.d1_databases]]";
const at = config.indexOf(previews);
if (at < 0) {
  console.error(`preview-config: wrangler.toml has no ${previews}`);
  process.exit(1);
}
const end = config.indexOf("\n[", at + previews.length);
const block = config.slice(at, end < 0 ? undefined : end)
  .replace(/database_name = "[^"]*"/, `database_name = "${name}"`)
  .replace(/database_id = "[^"]*"/, `database_id = "${id}"`);
if (block.includes("precinct-production")) {
  console.error("preview-config: a preview never uses production's database");
  process.exit(1);
}
config = config.slice(0, at) + block + (end < 0 ? "" : config.slice(end));
// The previews block's variables, as the environment below carries them too.
const vars = config.slice(config.indexOf("[env.production.previews]")).match(/^vars = \{.*\}$/m)?.[0];
if (!vars) {
  console.error("preview-config: [env.production.previews] has no vars line");
  process.exit(1);
}
config += `
# The preview's settings as an environment of their own — its database alone and the previews'
# variables — for its migrations and demo account (make preview) and a local run
# (tests/api/preview.test.mjs).
[env.preview]
name = "precinct-preview-local"
${vars}

[[env.preview.d1_databases]]
binding = "DB_0"
database_name = "${name}"
database_id = "${id}"
migrations_dir = "../../worker/migrations"
`;
process.stdout.write(config);
