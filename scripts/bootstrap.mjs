#!/usr/bin/env node
// Operator command (R02): creates an account with its first regular administrator and prints a
// one-time initial password. There is no public sign-up; only someone who can run wrangler
// against the database can do this.
//
//   node scripts/bootstrap.mjs --account "Acme Group" --email admin@acme.example [--name "Ana Silva"]
//        [--local | --remote] [--persist-to DIR] [--env production] [--config FILE] [--database N]
//   --database N: the database the account lives in (O03: DB_N; default 0). Database 0's
//   directory learns where it is and its administrator's proven address.
//   --demo: the idempotent demo account `make dev` seeds (fixed, published password).
import { randomBytes, webcrypto } from "node:crypto";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { argon2id } from "hash-wasm";
import { WHERE_OPTIONS, d1 as run, databasesOf, quote, rows } from "./d1.mjs";

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
    // With --demo: only the administrator, none of the sample areas, companies and users.
    minimal: { type: "boolean", default: false },
    ...WHERE_OPTIONS,
    database: { type: "string", default: "0" },
    // The clock, in ms since 1970 (the tests' clock; the operator never gives it).
    now: { type: "string" },
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
// The console's rule for a user code (core's user_code_problem), as far as a script can say it:
// a bare address, without spaces, quotes, brackets, commas, control, format or other invisible
// characters, at most 254 bytes as stored (lower case).
const ADDRESS_PART = String.raw`[^@\s"\\<>\[\](),:;\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]+`;
if (!new RegExp(`^${ADDRESS_PART}@${ADDRESS_PART}\\.${ADDRESS_PART}$`, "u").test(email) || Buffer.byteLength(email.toLowerCase()) > 254)
  fail(`--email must be a bare email address such as name@example.com (got ${JSON.stringify(email)})`);
// Names are shown to everyone in the account: no line breaks, control or direction characters.
for (const [flag, text] of [["--account", account], ["--name", name]]) {
  if (/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(text) || text.length > 120) fail(`${flag} must be one line of at most 120 characters, without control or direction characters`);
}

// O01: the demo account (a published password) goes to local databases and previews only.
if (args.demo && (args.env === "production" || (args.remote && !args.config))) {
  fail("the demo account is never seeded into production (a preview's database is named by `make preview`)");
}

const { target, homes } = databasesOf(args);
const home = Number(args.database);
if (!Number.isInteger(home) || home < 0 || home >= homes.length) {
  fail(`--database N: one of 0…${homes.length - 1} (the configuration binds ${homes.join(", ")})`);
}
const d1 = (sqlArgs, binding = homes[home]) => run(binding, target, sqlArgs);

const emailNorm = email.toLowerCase();

const existing = {
  accounts: homes.reduce((sum, binding) =>
    sum + rows(binding, target, `SELECT COUNT(*) AS n FROM accounts WHERE name = ${quote(account)}`)[0].n, 0),
  // R24: an address is taken once its owner proved it (pending invitations elsewhere do not
  // block the operator's account; they are told once this one is created). The directory
  // (database 0) holds every proof (O03).
  users: rows(homes[0], target, `SELECT COUNT(*) AS n FROM proven_codes WHERE user_code_norm = ${quote(emailNorm)}`)[0].n,
};
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

const now = args.now === undefined ? Date.now() : Number(args.now);
if (!Number.isSafeInteger(now)) fail("--now: milliseconds since 1970");
/** ASVS 6.4.1: the printed password expires, unchanged, 72 hours after it is printed. */
const INITIAL_PASSWORD_HOURS = 72;
const passwordExpiresAt = args.demo ? "NULL" : String(now + INITIAL_PASSWORD_HOURS * 3_600_000);
const accountId = `(SELECT id FROM accounts WHERE name = ${quote(account)})`;
const groupId = `(SELECT id FROM user_groups WHERE account_id = ${accountId} AND code = 'ADMINISTRATORS')`;
const usersGroupId = `(SELECT id FROM user_groups WHERE account_id = ${accountId} AND code = 'USERS')`;
/** What a person of a new account's User group may do at first: read, and their own preferences. */
const USER_GROUP_OPTIONS = "projects_read employees_read reports_read preferences";
const userId = `(SELECT id FROM users WHERE account_id = ${accountId} AND user_code_norm = ${quote(emailNorm)})`;
const history = (kind, id, action, subject, summary, changes) =>
  `INSERT INTO history (account_id, at, actor_user_id, entity_kind, entity_id, area_id, action, subject, summary, changes) ` +
  `VALUES (${accountId}, ${now}, NULL, '${kind}', ${id}, NULL, '${action}', ${quote(subject)}, ${quote(summary)}, ${quote(JSON.stringify(changes))});`;

const sql = [
  `INSERT INTO accounts (name, created_at) VALUES (${quote(account)}, ${now});`,
  // O03: where the account lives (its database's own row: the guard of its writes reads it).
  `INSERT INTO account_homes (account_id, home) VALUES (${accountId}, ${home});`,
  history("account", accountId, "created", account, `Account "${account}" created by the operator`, [
    { field: "name", before: null, after: account },
  ]),
  `INSERT INTO user_groups (account_id, code, description, access_level, area_id) ` +
    `VALUES (${accountId}, 'ADMINISTRATORS', 'Regular administrators', 'administrator', NULL);`,
  history("group", groupId, "created", "ADMINISTRATORS", "User group ADMINISTRATORS created by the operator", [
    { field: "code", before: null, after: "ADMINISTRATORS" },
    { field: "access_level", before: null, after: "administrator" },
  ]),
  // A User-level group besides it (issue 13): following the procedure literally — create a
  // user, pick a group — must not make every new person a regular administrator. (The tests'
  // minimal demo account keeps only ADMINISTRATORS, so their counts stay what they build.)
  ...(args.minimal ? [] : [
    `INSERT INTO user_groups (account_id, code, description, access_level, area_id, options) ` +
      `VALUES (${accountId}, 'USERS', 'Users', 'user', NULL, '${USER_GROUP_OPTIONS}');`,
    history("group", usersGroupId, "created", "USERS", "User group USERS created by the operator", [
      { field: "code", before: null, after: "USERS" },
      { field: "access_level", before: null, after: "user" },
      { field: "options", before: null, after: USER_GROUP_OPTIONS },
    ]),
  ]),
  // R36: the printed password is one-time (the demo account's is published, for `make dev`).
  // The operator vouches for the address (R24: it is reserved across the service at once).
  `INSERT INTO users (account_id, user_code, user_code_norm, name, name_norm, group_id, area_id, access_level, active, password_hash, password_must_change, password_expires_at, address_proven, created_at) ` +
    `VALUES (${accountId}, ${quote(emailNorm)}, ${quote(emailNorm)}, ${quote(name)}, ${quote(name.toLowerCase())}, ${groupId}, NULL, 'administrator', 1, ${quote(hash)}, ${args.demo ? 0 : 1}, ${passwordExpiresAt}, 1, ${now});`,
  history("user", userId, "created", emailNorm, `User ${emailNorm} created by the operator`, [
    { field: "user_code", before: null, after: emailNorm },
    { field: "name", before: null, after: name },
    { field: "group", before: null, after: "ADMINISTRATORS" },
    { field: "password", before: null, after: "(set)" },
  ]),
].join("\n") + (args.demo && !args.minimal ? "\n" + demoData() : "");

/** The demo account's security model, so every screen has something to show: two areas over
 * companies in two directories (one multidimensional), a local administrator and a user. */
function demoData() {
  const area = (code) => `(SELECT id FROM areas WHERE account_id = ${accountId} AND code = '${code}')`;
  const dir = (code) => `(SELECT id FROM directories WHERE account_id = ${accountId} AND code = '${code}')`;
  const group = (code) => `(SELECT id FROM user_groups WHERE account_id = ${accountId} AND code = '${code}')`;
  const company = (code) => `(SELECT id FROM companies WHERE account_id = ${accountId} AND code = '${code}')`;
  const laOptions = "users_manage groups_manage companies_manage history_read reports_read projects_read employees_read login_as_another_user preferences";
  const lines = [
    `INSERT INTO areas (account_id, code, description) VALUES (${accountId}, 'NORTH', 'Northern companies'), (${accountId}, 'SOUTH', 'Southern companies');`,
    `INSERT INTO directories (account_id, code, name, multidimensional, area_id) VALUES (${accountId}, 'MAIN', 'Main directory', 0, NULL), (${accountId}, 'SOUTHMD', 'Southern directory (multidimensional)', 1, ${area("SOUTH")});`,
    `INSERT INTO companies (account_id, directory_id, code, name, name_norm, area_id) VALUES ` +
      `(${accountId}, ${dir("MAIN")}, 'N01', 'Northwind Builders', 'northwind builders', ${area("NORTH")}), ` +
      `(${accountId}, ${dir("MAIN")}, 'N02', 'Nordic Concrete', 'nordic concrete', ${area("NORTH")}), ` +
      `(${accountId}, ${dir("MAIN")}, 'H01', 'Head Office', 'head office', NULL), ` +
      `(${accountId}, ${dir("SOUTHMD")}, 'S01', 'Southern Roads', 'southern roads', ${area("SOUTH")}), ` +
      `(${accountId}, ${dir("SOUTHMD")}, 'S02', 'Sunrise Civil Works', 'sunrise civil works', ${area("SOUTH")});`,
    `INSERT INTO user_groups (account_id, code, description, access_level, area_id, options) VALUES ` +
      `(${accountId}, 'LA_NORTH', 'Local administrators of the north', 'local_administrator', ${area("NORTH")}, '${laOptions}'), ` +
      `(${accountId}, 'LA_SOUTH', 'Local administrators of the south', 'local_administrator', ${area("SOUTH")}, '${laOptions}'), ` +
      `(${accountId}, 'USERS_NORTH', 'Site staff of the north', 'user', ${area("NORTH")}, 'projects_read employees_read reports_read preferences');`,
    ...[
      ["la.north@demo.precinct.test", "Nora North", "LA_NORTH", "NORTH", "local_administrator"],
      ["la.south@demo.precinct.test", "Sam South", "LA_SOUTH", "SOUTH", "local_administrator"],
      ["user.north@demo.precinct.test", "Ulla User", "USERS_NORTH", "NORTH", "user"],
    ].map(([code, who, grp, ar, level]) =>
      `INSERT INTO users (account_id, user_code, user_code_norm, name, name_norm, group_id, area_id, access_level, active, password_hash, address_proven, created_at) ` +
      `VALUES (${accountId}, '${code}', '${code}', '${who}', '${who.toLowerCase()}', ${group(grp)}, ${area(ar)}, '${level}', 1, ${quote(hash)}, 1, ${now});`),
    `INSERT INTO user_companies (user_id, company_id) SELECT u.id, ${company("N01")} FROM users u WHERE u.account_id = ${accountId} AND u.user_code_norm = 'user.north@demo.precinct.test';`,
    `INSERT INTO reports (account_id, code, title, kind, area_id) VALUES ` +
      `(${accountId}, 'R-N-COST', 'North cost report', 'report', ${area("NORTH")}), ` +
      `(${accountId}, 'R-S-COST', 'South cost report', 'report', ${area("SOUTH")}), ` +
      `(${accountId}, 'D-POLICY', 'Group safety policy', 'document', NULL);`,
    `INSERT INTO projects (account_id, company_id, code, name) VALUES ` +
      `(${accountId}, ${company("N01")}, 'P-100', 'Harbour bridge'), (${accountId}, ${company("N02")}, 'P-200', 'Ring road'), (${accountId}, ${company("S01")}, 'P-300', 'Coastal highway');`,
    `INSERT INTO employees (account_id, company_id, code, name) VALUES ` +
      `(${accountId}, ${company("N01")}, 'E-1', 'Ada Mason'), (${accountId}, ${company("N02")}, 'E-2', 'Bo Carpenter'), (${accountId}, ${company("S01")}, 'E-3', 'Cy Surveyor');`,
    `INSERT INTO mail_settings (account_id, provider, api_base_url, sender_address, sender_name) VALUES (${accountId}, 'outbox', '', 'no-reply@demo.precinct.test', 'Demo Construction Group');`,
    history("account", accountId, "demo_seeded", account, "Demo areas, companies, groups and users created by the operator", []),
  ];
  return lines.join("\n");
}

const dir = mkdtempSync(join(tmpdir(), "precinct-bootstrap-"));
const file = join(dir, "bootstrap.sql");
writeFileSync(file, sql);
d1(["--file", file]);

// O03: the directory (database 0) learns where the account lives and the addresses its operator
// vouched for; every other database gets its copy of those proofs.
const [{ id: createdId }] = rows(homes[home], target, `SELECT id FROM accounts WHERE name = ${quote(account)}`);
const proven = rows(homes[home], target,
  `SELECT user_code_norm FROM users WHERE account_id = ${createdId} AND address_proven = 1`);
for (const [other, binding] of homes.entries()) {
  if (other === home) continue;
  const statements = proven.map(({ user_code_norm: code }) =>
    `INSERT OR IGNORE INTO proven_codes (user_code_norm, account_id) VALUES (${quote(code)}, ${createdId});`);
  if (other === 0) statements.unshift(`INSERT INTO account_homes (account_id, home) VALUES (${createdId}, ${home});`);
  const directoryFile = join(dir, `directory-${other}.sql`);
  writeFileSync(directoryFile, statements.join("\n"));
  d1(["--file", directoryFile], binding);
}

if (args.demo) {
  console.log(`Demo account created: sign in as ${DEMO.email} / ${DEMO.password}`);
  if (!args.minimal) console.log(`  also la.north@demo.precinct.test (local administrator of NORTH) and user.north@demo.precinct.test, same password`);
} else {
  console.log(`Account "${account}" created.`);
  console.log(`First regular administrator: ${email}`);
  console.log(`One-time initial password:   ${password}`);
  console.log(`Hand these to that person over a trusted channel; this password is not stored in clear and is shown only now. It works for ${INITIAL_PASSWORD_HOURS} hours, to choose their own (then "Forgot password" sends a link to the address).`);
}
