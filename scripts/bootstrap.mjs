#!/usr/bin/env node
// Operator command (R02): creates an account with its first regular administrator and prints a
// one-time initial password. There is no public sign-up; only someone who can run wrangler
// against the database can do this.
//
//   node scripts/bootstrap.mjs --account "Acme Group" --email admin@acme.example [--name "Ana Silva"]
//        [--local | --remote] [--persist-to DIR] [--env production]
//   --demo: the idempotent demo account `make dev` seeds (fixed, published password).
import { execFileSync } from "node:child_process";
import { randomBytes, webcrypto } from "node:crypto";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { argon2id } from "hash-wasm";

export const DEMO = {
  account: "Demo Construction Group",
  email: "admin@demo.precinct.test",
  name: "Demo Administrator",
  password: "Precinct-demo-2026",
};

const { values: args } = parseArgs({
  options: {
    account: { type: "string" },
    email: { type: "string" },
    name: { type: "string" },
    demo: { type: "boolean", default: false },
    local: { type: "boolean", default: false },
    remote: { type: "boolean", default: false },
    "persist-to": { type: "string" },
    env: { type: "string" },
  },
});

function fail(message) {
  console.error(`bootstrap: ${message}`);
  process.exit(2);
}

const account = (args.demo ? DEMO.account : args.account ?? "").trim();
const email = (args.demo ? DEMO.email : args.email ?? "").trim();
const name = (args.demo ? DEMO.name : args.name ?? "Administrator").trim();
if (!account) fail("--account NAME is required");
if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) || email.length > 254)
  fail(`--email must be an email address (got "${email}")`);

const wranglerTarget = [
  ...(args.remote ? ["--remote"] : ["--local"]),
  ...(args["persist-to"] ? ["--persist-to", args["persist-to"]] : []),
  ...(args.env ? ["--env", args.env] : []),
];

function d1(sqlArgs) {
  const out = execFileSync(
    new URL("../node_modules/.bin/wrangler", import.meta.url).pathname,
    ["d1", "execute", "DB", ...wranglerTarget, "--json", ...sqlArgs],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  return JSON.parse(out);
}

const quote = (text) => `'${String(text).replaceAll("'", "''")}'`;
const emailNorm = email.toLowerCase();

const existing = d1([
  "--command",
  `SELECT (SELECT COUNT(*) FROM accounts WHERE name = ${quote(account)}) AS accounts, ` +
    `(SELECT COUNT(*) FROM users WHERE user_code_norm = ${quote(emailNorm)}) AS users`,
])[0].results[0];
if (existing.accounts > 0 || existing.users > 0) {
  if (args.demo) {
    console.log(`Demo account already present: sign in as ${DEMO.email} / ${DEMO.password}`);
    process.exit(0);
  }
  fail(existing.users > 0 ? `the user code ${email} is already taken` : `an account named "${account}" exists`);
}

const password = args.demo ? DEMO.password : randomBytes(15).toString("base64url");
// argon2id at OWASP's minimum (m=19 MiB, t=2, p=1), the worker's parameters, as a PHC string.
const hash = await argon2id({
  password,
  salt: webcrypto.getRandomValues(new Uint8Array(16)),
  parallelism: 1,
  iterations: 2,
  memorySize: 19456,
  hashLength: 32,
  outputType: "encoded",
});

const now = Date.now();
const accountId = `(SELECT id FROM accounts WHERE name = ${quote(account)})`;
const groupId = `(SELECT id FROM user_groups WHERE account_id = ${accountId} AND code = 'ADMINISTRATORS')`;
const userId = `(SELECT id FROM users WHERE user_code_norm = ${quote(emailNorm)})`;
const history = (kind, id, action, summary, changes) =>
  `INSERT INTO history (account_id, at, actor_user_id, entity_kind, entity_id, area_id, action, summary, changes) ` +
  `VALUES (${accountId}, ${now}, NULL, '${kind}', ${id}, NULL, '${action}', ${quote(summary)}, ${quote(JSON.stringify(changes))});`;

const sql = [
  `INSERT INTO accounts (name, created_at) VALUES (${quote(account)}, ${now});`,
  history("account", accountId, "created", `Account "${account}" created by the operator`, [
    { field: "name", before: null, after: account },
  ]),
  `INSERT INTO user_groups (account_id, code, description, access_level, area_id) ` +
    `VALUES (${accountId}, 'ADMINISTRATORS', 'Regular administrators', 'administrator', NULL);`,
  history("group", groupId, "created", "User group ADMINISTRATORS created by the operator", [
    { field: "code", before: null, after: "ADMINISTRATORS" },
    { field: "access_level", before: null, after: "administrator" },
  ]),
  `INSERT INTO users (account_id, user_code, user_code_norm, name, name_norm, group_id, area_id, access_level, active, password_hash, created_at) ` +
    `VALUES (${accountId}, ${quote(email)}, ${quote(emailNorm)}, ${quote(name)}, ${quote(name.toLowerCase())}, ${groupId}, NULL, 'administrator', 1, ${quote(hash)}, ${now});`,
  history("user", userId, "created", `User ${email} created by the operator`, [
    { field: "user_code", before: null, after: email },
    { field: "name", before: null, after: name },
    { field: "group", before: null, after: "ADMINISTRATORS" },
    { field: "password", before: null, after: "(set)" },
  ]),
].join("\n");

const dir = mkdtempSync(join(tmpdir(), "precinct-bootstrap-"));
const file = join(dir, "bootstrap.sql");
writeFileSync(file, sql);
d1(["--file", file]);

if (args.demo) {
  console.log(`Demo account created: sign in as ${DEMO.email} / ${DEMO.password}`);
} else {
  console.log(`Account "${account}" created.`);
  console.log(`First regular administrator: ${email}`);
  console.log(`One-time initial password:   ${password}`);
  console.log("Hand these to that person over a trusted channel; this password is not stored in clear and is shown only now.");
}
