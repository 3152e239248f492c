// Shared fixture of the API suites: one worker per test file, and a security model built through
// the API as the demo administrator (areas A and B, a plain and a multidimensional directory,
// companies, groups, users), a second account ("Other Group") with records of its own, and the
// rows that have no create endpoint (passwords, reports, projects, employees) written with SQL.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { startWorker, Client, DEMO, ROOT } from "../harness.mjs";

export { Client, DEMO };

export const LA_OPTIONS = [
  "users_manage", "groups_manage", "companies_manage", "history_read", "reports_read",
  "projects_read", "employees_read", "login_as_another_user", "preferences",
];
export const USER_OPTIONS = ["projects_read", "employees_read", "reports_read", "preferences"];
export const OTHER = { account: "Other Group", email: "admin@other.test" };

/** User codes of the fixture's users (all sign in with the demo password). */
export const CODES = {
  la_a: "la.a@demo.precinct.test",
  la_b: "la.b@demo.precinct.test",
  user: "user.a@demo.precinct.test",
  user_b: "user.b@demo.precinct.test",
  disabled: "disabled.a@demo.precinct.test",
  other_user: "other.user@other.test",
};

/** Asserts a JSON problem answer: status, optional code and field. */
export function assertProblem(response, status, code, field) {
  assert.equal(response.status, status, `${response.status} ${response.text}`);
  assert.equal(response.json?.status, status, response.text);
  if (code) assert.equal(response.json.code, code, response.text);
  if (field !== undefined) assert.equal(response.json.field, field, response.text);
  assert.equal(typeof response.json.message, "string");
}

/** Asserts a status, printing the body when it differs. */
export function expectStatus(response, status) {
  assert.equal(response.status, status, `${response.status} ${response.text}`);
  return response.json;
}

const sqlString = (text) => `'${String(text).replaceAll("'", "''")}'`;
export { sqlString };

/** The local databases' SQLite files, in order (O03: DB_0, DB_1): database n numbers its rows
 * from n·2^40, which tells them apart. Empty when the sqlite3 command is missing. */
export function databaseFiles(worker) {
  try {
    execFileSync("sqlite3", ["-version"], { stdio: "ignore" });
    const dir = join(worker.state, "v3/d1/miniflare-D1DatabaseObject");
    const files = readdirSync(dir).filter((f) => /^[0-9a-f]{64}\.sqlite$/.test(f)).map((f) => join(dir, f));
    const home = (file) => Number(execFileSync("sqlite3", ["-readonly", "-cmd", ".timeout 10000", file,
      "SELECT COALESCE(MAX(seq), 0) / 1099511627776 FROM sqlite_sequence WHERE seq >= 1099511627776"], { encoding: "utf8" }).trim());
    return files.map((file) => [home(file), file]).sort((a, b) => a[0] - b[0]).map(([, file]) => file);
  } catch {
    return [];
  }
}

/** Reads D1 quickly: the sqlite3 command on the local database files when it is installed (read
 * only, a few milliseconds), otherwise `wrangler d1 execute` (seconds). A read asks every
 * database and returns their rows together, database 0's first (ids differ across databases,
 * so a row asked by id comes from wherever it lives; an aggregate gives one row per database). */
export function sqlReader(worker) {
  const files = databaseFiles(worker);
  const fast = files.length >= 2;
  const one = (home, query) => {
    if (!fast) return worker.sql(query, `DB_${home}`);
    // The worker may be writing: wait for its lock rather than fail.
    const out = execFileSync("sqlite3", ["-readonly", "-json", "-cmd", ".timeout 10000", files[home], query], { encoding: "utf8" });
    return out.trim() ? JSON.parse(out) : [];
  };
  const read = (query) => [...one(0, query), ...one(1, query)];
  /** Database `home`'s rows alone. */
  read.in = one;
  read.fast = fast;
  return read;
}

const SNAPSHOT_TABLES = [
  "accounts", "areas", "directories", "companies", "user_groups", "users", "user_companies",
  "reports", "projects", "employees", "history",
];

/** A snapshot of the security tables (every row when reads are fast, else counts and versions),
 * to prove a refused request changed nothing. */
export function snapshot(read, tables = SNAPSHOT_TABLES) {
  if (read.fast) {
    return Object.fromEntries(
      tables.map((table) => [
        table,
        JSON.stringify(read(`SELECT * FROM ${table} ORDER BY 1, 2`).map((row) => {
          // Sessions and sign-in bookkeeping are not security data; last_seen moves with reads.
          const { password_hash, ...rest } = row;
          return { ...rest, password_hash: password_hash ? "set" : null };
        })),
      ]),
    );
  }
  const parts = tables.map((table) => {
    const version = ["areas", "directories", "companies", "user_groups", "users", "accounts"].includes(table)
      ? `COALESCE(SUM(version), 0)` : `0`;
    return `(SELECT COUNT(*) || ':' || ${version} FROM ${table}) AS ${table}`;
  });
  return read(`SELECT ${parts.join(", ")}`);
}

/** Signs a new client in (argon2 once) and returns it. */
export async function signedIn(url, userCode = DEMO.user_code, password = DEMO.password) {
  const client = new Client(url);
  const response = await client.signIn(userCode, password);
  assert.equal(response.status, 200, `sign-in of ${userCode}: ${response.text}`);
  return client;
}

async function create(client, path, body) {
  const response = await client.post(path, body);
  assert.equal(response.status, 201, `POST ${path} ${JSON.stringify(body)}: ${response.text}`);
  return response.json;
}

/**
 * Starts a worker and builds the fixture. Returns { worker, read, F, admin, otherAdmin, signIn }.
 * F holds every record (API objects) by name; `signIn(name)` signs a fixture user in.
 */
export async function setup({ other = true } = {}) {
  const worker = await startWorker();
  try {
    return await build(worker, other);
  } catch (error) {
    // A file whose `before` failed never runs its `after`: stop the worker here.
    await worker.stop();
    throw error;
  }
}

async function build(worker, other) {
  const read = sqlReader(worker);
  // The second account's bootstrap runs while the first account is built through the API.
  const bootstrap = other
    // O03: the other account lives in the other database, so every cross-account test runs
    // across two databases.
    ? promisify(execFile)("node", [join(ROOT, "scripts/bootstrap.mjs"), "--account", OTHER.account, "--email", OTHER.email,
      "--persist-to", worker.state, "--database", "1"], { cwd: ROOT, encoding: "utf8" })
    : null;
  const admin = await signedIn(worker.url);
  const F = {};
  F.me = (await admin.get("/api/session")).json;
  F.areaA = await create(admin, "/api/areas", { code: "AREA-A", description: "Area A" });
  F.areaB = await create(admin, "/api/areas", { code: "AREA-B", description: "Area B" });
  F.dirPlain = await create(admin, "/api/directories", { code: "DIR-PLAIN", name: "Plain directory" });
  F.dirMd = await create(admin, "/api/directories", {
    code: "DIR-MD", name: "Multidimensional directory", multidimensional: true, area_id: F.areaB.id,
  });
  const company = (code, name, dir, area) =>
    create(admin, "/api/companies", { code, name, directory_id: dir.id, ...(area ? { area_id: area.id } : {}) });
  F.compA1 = await company("COMP-A1", "Company A One", F.dirPlain, F.areaA);
  F.compA2 = await company("COMP-A2", "Company A Two", F.dirPlain, F.areaA);
  F.compB1 = await company("COMP-B1", "Company B One", F.dirPlain, F.areaB);
  F.compB2 = await company("COMP-B2", "Company B Two", F.dirMd, null);
  assert.equal(F.compB2.area_id, F.areaB.id);
  const group = (code, access_level, area, options) =>
    create(admin, "/api/groups", { code, description: code, access_level, area_id: area.id, options });
  F.groupLaA = await group("LOCAL-ADMIN-A", "local_administrator", F.areaA, LA_OPTIONS);
  F.groupLaB = await group("LOCAL-ADMIN-B", "local_administrator", F.areaB, LA_OPTIONS);
  F.groupUserA = await group("USER-GROUP-A", "user", F.areaA, USER_OPTIONS);
  F.groupUserB = await group("USER-GROUP-B", "user", F.areaB, USER_OPTIONS);
  F.groupAdmins = (await admin.get("/api/groups?q=administrators")).json.items.find((g) => g.code === "ADMINISTRATORS");
  const user = (code, name, grp) => create(admin, "/api/users", { user_code: code, name, group_id: grp.id });
  F.la_a = await user(CODES.la_a, "Lara Local A", F.groupLaA);
  F.la_b = await user(CODES.la_b, "Luis Local B", F.groupLaB);
  F.user = await user(CODES.user, "Uma User A", F.groupUserA);
  F.user_b = await user(CODES.user_b, "Ugo User B", F.groupUserB);
  F.disabled = await user(CODES.disabled, "Dana Disabled A", F.groupUserA);
  for (const [who, companies] of [["user", [F.compA1]], ["user_b", [F.compB1]]]) {
    const response = await admin.request("PUT", `/api/users/${F[who].id}/companies`, {
      company_ids: companies.map((c) => c.id), version: F[who].version,
    });
    assert.equal(response.status, 200, response.text);
    F[who] = (await admin.get(`/api/users/${F[who].id}`)).json;
  }

  let otherAdmin = null;
  if (other) {
    const { stdout } = await bootstrap;
    const password = stdout.match(/One-time initial password:\s+(\S+)/)?.[1];
    assert.ok(password, `no password in bootstrap output:\n${stdout}`);
    otherAdmin = await signedIn(worker.url, OTHER.email, password);
    // R36: the printed password is one-time; the fixture chooses its own first.
    const own = await otherAdmin.post("/api/password/change", { current_password: password, new_password: "other-group-admin-own-2026" });
    assert.equal(own.status, 200, own.text);
    // R35: then sets up the second factor, as every administrator does at first sign-in.
    F.otherMe = (await otherAdmin.finishSignIn(OTHER.email)).json;
    F.otherArea = await create(otherAdmin, "/api/areas", { code: "OTHER-AREA" });
    F.otherDir = await create(otherAdmin, "/api/directories", { code: "OTHER-DIR", name: "Other directory" });
    F.otherComp = await create(otherAdmin, "/api/companies", {
      code: "OTHER-COMP", name: "Other company", directory_id: F.otherDir.id, area_id: F.otherArea.id,
    });
    F.otherGroup = await create(otherAdmin, "/api/groups", {
      code: "OTHER-GROUP", access_level: "user", area_id: F.otherArea.id, options: USER_OPTIONS,
    });
    F.otherGroupAdmins = (await otherAdmin.get("/api/groups")).json.items.find((g) => g.code === "ADMINISTRATORS");
    F.otherUser = await create(otherAdmin, "/api/users", {
      user_code: CODES.other_user, name: "Olga Other", group_id: F.otherGroup.id,
    });
  }

  // Rows without a create endpoint, and passwords for the users created through the API.
  const demoAccount = F.me.account_id;
  const hash = `(SELECT password_hash FROM users WHERE user_code_norm = ${sqlString(DEMO.user_code)})`;
  const userIds = [F.la_a, F.la_b, F.user, F.user_b, F.disabled].map((u) => u.id);
  const statements = [
    `UPDATE users SET password_hash = ${hash} WHERE id IN (${userIds.join(", ")})`,
    `INSERT INTO reports (account_id, code, title, kind, area_id) VALUES
      (${demoAccount}, 'REPORT-A', 'Report of area A', 'report', ${F.areaA.id}),
      (${demoAccount}, 'REPORT-B', 'Report of area B', 'report', ${F.areaB.id}),
      (${demoAccount}, 'REPORT-NONE', 'Document of no area', 'document', NULL)`,
  ];
  const companies = [["A1", F.compA1], ["A2", F.compA2], ["B1", F.compB1], ["B2", F.compB2]];
  for (const [suffix, c] of companies) {
    statements.push(`INSERT INTO projects (account_id, company_id, code, name) VALUES (${demoAccount}, ${c.id}, 'PROJ-${suffix}', 'Project ${suffix}')`);
    statements.push(`INSERT INTO employees (account_id, company_id, code, name) VALUES (${demoAccount}, ${c.id}, 'EMP-${suffix}', 'Employee ${suffix}')`);
  }
  worker.sql(statements.join(";\n"));
  if (other) {
    // The other account's rows, in its own database (DB_1).
    const [{ password_hash: known }] = read.in(0, `SELECT password_hash FROM users WHERE user_code_norm = ${sqlString(DEMO.user_code)}`);
    const account = F.otherMe.account_id;
    worker.sql([
      `UPDATE users SET password_hash = ${sqlString(known)} WHERE id = ${F.otherUser.id}`,
      `INSERT INTO reports (account_id, code, title, kind, area_id) VALUES
        (${account}, 'OTHER-REPORT', 'Report of the other account', 'report', ${F.otherArea.id})`,
      `INSERT INTO projects (account_id, company_id, code, name) VALUES (${account}, ${F.otherComp.id}, 'PROJ-OTHER', 'Project OTHER')`,
      `INSERT INTO employees (account_id, company_id, code, name) VALUES (${account}, ${F.otherComp.id}, 'EMP-OTHER', 'Employee OTHER')`,
    ].join(";\n"), "DB_1");
  }
  const ids = (query) => Object.fromEntries(read(query).map((row) => [row.code, row.id]));
  F.reports = ids(`SELECT code, id FROM reports`);
  F.projects = ids(`SELECT code, id FROM projects`);
  F.employees = ids(`SELECT code, id FROM employees`);
  F.userCodes = CODES;

  const signIn = (name) => signedIn(worker.url, name === "admin" ? DEMO.user_code : CODES[name]);
  return { worker, read, F, admin, otherAdmin, signIn };
}

/** Reloads a record through the API (fresh version). */
export async function reload(client, path) {
  const response = await client.get(path);
  assert.equal(response.status, 200, `GET ${path}: ${response.text}`);
  return response.json;
}
