#!/usr/bin/env node
// Operator command for the databases accounts are spread over (O03).
//
//   node scripts/databases.mjs migrate [--local | --remote] [--persist-to DIR] [--env E] [--config F]
//     Applies the migrations to every DB_<n> the configuration binds, numbers each database's
//     ids from its own n·2^40 (so an account keeps its ids when it moves) and gives a database
//     added later the directory's proven user codes. Idempotent: `make migrate`, the tests and
//     `make deploy` run it every time.
//
//   node scripts/databases.mjs move --account ID --to N [same target options]
//     Moves one account to database N: the account turns read-only (every write is refused with
//     503 account_moving; reads go on), its rows are copied in chunks, the counts compared, the
//     directory switched, the old rows deleted and the account writable again. Sessions end (the
//     people sign in again, now to database N); open invitation and reset links keep working.
//     A failure leaves the account read-only and says where it stopped; running the same
//     command again starts over from the copy (the target's partial rows are removed first).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { WHERE_OPTIONS, d1, databasesOf, idsFrom, literal, manyRows, migrate, quote, rows } from "./d1.mjs";

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    ...WHERE_OPTIONS,
    account: { type: "string" },
    to: { type: "string" },
    quiet: { type: "boolean", default: false },
  },
});

function fail(message) {
  console.error(`databases: ${message}`);
  process.exit(2);
}

const { target, homes } = databasesOf(args);
const say = (line) => args.quiet || console.log(line);
const scratch = mkdtempSync(join(tmpdir(), "precinct-databases-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

/** Runs statements on `binding` as one file: one transaction. */
function runFile(binding, statements, name = "statements.sql") {
  if (statements.length === 0) return;
  const file = join(scratch, name);
  writeFileSync(file, statements.join("\n"));
  d1(binding, target, ["--file", file]);
}


function migrateAll() {
  for (const binding of homes) migrate(binding, target);
  const [directoryCodes] = homes.length > 1 ? rows("DB_0", target, "SELECT COUNT(*) AS n FROM proven_codes") : [{ n: 0 }];
  for (const [home, binding] of homes.entries()) {
    if (home === 0) continue;
    const [tables, [copies]] = manyRows(binding, target, [
      "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%' AND name <> 'd1_migrations'",
      "SELECT COUNT(*) AS n FROM proven_codes",
    ]);
    const from = idsFrom(home);
    runFile(binding, tables.flatMap(({ name }) => [
      `UPDATE sqlite_sequence SET seq = ${from} WHERE name = ${quote(name)} AND seq < ${from};`,
      `INSERT INTO sqlite_sequence (name, seq) SELECT ${quote(name)}, ${from} ` +
        `WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ${quote(name)});`,
    ]), "number.sql");
    // A database added to a running service learns every code proven so far.
    if (copies.n < directoryCodes.n) {
      for (let after = ""; ;) {
        const page = rows("DB_0", target,
          `SELECT user_code_norm, account_id FROM proven_codes WHERE user_code_norm > ${quote(after)} ` +
          `ORDER BY user_code_norm LIMIT 1000`);
        if (page.length === 0) break;
        runFile(binding, page.map((row) =>
          `INSERT OR IGNORE INTO proven_codes (user_code_norm, account_id) VALUES (${quote(row.user_code_norm)}, ${row.account_id});`),
          "codes.sql");
        after = page.at(-1).user_code_norm;
      }
    }
  }
  say(`migrated: ${homes.join(", ")}`);
}

// What an account owns, in the order its rows can be written (each row's parents first). `key`
// orders the copy in chunks; `where` selects the account's rows (`:a` its id).
const OWNED = [
  { table: "accounts", where: "id = :a", key: ["id"] },
  { table: "areas", where: "account_id = :a", key: ["id"] },
  { table: "directories", where: "account_id = :a", key: ["id"] },
  { table: "user_groups", where: "account_id = :a", key: ["id"] },
  { table: "users", where: "account_id = :a", key: ["id"] },
  { table: "companies", where: "account_id = :a", key: ["id"] },
  { table: "user_companies", where: "user_id IN (SELECT id FROM users WHERE account_id = :a)", key: ["user_id", "company_id"] },
  { table: "reports", where: "account_id = :a", key: ["id"] },
  { table: "projects", where: "account_id = :a", key: ["id"] },
  { table: "employees", where: "account_id = :a", key: ["id"] },
  { table: "mail_settings", where: "account_id = :a", key: ["account_id"] },
  { table: "user_mfa", where: "account_id = :a", key: ["user_id"] },
  { table: "user_recovery_codes", where: "user_id IN (SELECT id FROM users WHERE account_id = :a)", key: ["user_id", "code_hash"] },
  { table: "password_tokens", where: "account_id = :a", key: ["token_hash"] },
  { table: "history", where: "account_id = :a", key: ["id"] },
  // B04/B06: dry runs waiting for their confirmation (with their chunks) and queued invitations.
  { table: "import_runs", where: "account_id = :a", key: ["id"] },
  { table: "import_chunks", where: "run_id IN (SELECT id FROM import_runs WHERE account_id = :a)", key: ["run_id", "n"] },
  { table: "invitation_queue", where: "account_id = :a", key: ["id"] },
  // Outbox rows take new ids where they arrive (the table numbers its rows per database).
  { table: "outbox", where: "account_id = :a", key: ["id"], freshIds: true },
];
// Not moved: sessions (they end), the throttle (the directory's), the directory's own tables
// (switched below), search indexes (kept by triggers), the guard table.
const NOT_OWNED = new Set(["sessions", "sign_in_throttle", "account_homes", "proven_codes", "batch_guard",
  "d1_migrations", "sqlite_sequence", "_cf_KV", "_cf_METADATA"]);
const CHUNK = 500;

/** The condition selecting `account`'s rows of a table of OWNED. */
const where = (spec, account) => spec.where.replaceAll(":a", String(account));

/** How many rows of `account` each table holds in `binding` (one wrangler run). */
function countRows(binding, account) {
  const [counts] = manyRows(binding, target, [
    `SELECT ${OWNED.map((spec) => `(SELECT COUNT(*) FROM ${spec.table} WHERE ${where(spec, account)}) AS ${spec.table}`).join(", ")}, ` +
      `(SELECT COUNT(*) FROM sessions WHERE account_id = ${account}) AS sessions`,
  ]);
  return counts[0];
}

/** Rows a round of the copy reads at most (each table's pages go in one wrangler run). */
const ROUND = 2000;

function move() {
  const account = Number(args.account);
  const to = Number(args.to);
  if (!Number.isSafeInteger(account) || account <= 0) fail("--account ID: the account's number");
  if (!Number.isInteger(to) || to < 0 || to >= homes.length) fail(`--to N: one of 0…${homes.length - 1}`);
  const [entry] = rows("DB_0", target, `SELECT home, moving FROM account_homes WHERE account_id = ${account}`);
  if (!entry) fail(`the directory has no account ${account}`);
  const from = entry.home;
  if (from === to) fail(`account ${account} is in database ${to} already`);
  const source = homes[from];
  const destination = homes[to];

  // Every table that can hold an account's rows is either moved or known not to be; and each
  // database numbers its rows from its own n·2^40 while SQLite numbers a new row after the
  // table's largest id: rows numbered by a higher database would make a lower one number its new
  // rows in that database's range. So an account moves to databases at or above the highest one
  // that numbered its rows (e.g. a full database's accounts move to a new one).
  const numbered = OWNED.filter((spec) => spec.key[0] === "id" && !spec.freshIds);
  const [tableRows, [tops]] = manyRows(source, target, [
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%search%'",
    `SELECT ${numbered.map((spec) => `(SELECT MAX(id) FROM ${spec.table} WHERE ${where(spec, account)}) AS ${spec.table}`).join(", ")}`,
  ]);
  const unknown = tableRows.map((row) => row.name)
    .filter((name) => !NOT_OWNED.has(name) && !OWNED.some((spec) => spec.table === name));
  if (unknown.length) fail(`tables this command does not know how to move: ${unknown.join(", ")}`);
  const ceiling = idsFrom(to + 1);
  for (const [table, top] of Object.entries(tops)) {
    if (top !== null && top >= ceiling) {
      fail(`account ${account}'s ${table} were numbered by database ${Math.floor(top / idsFrom(1))}: it can move to that database or a higher one, not to ${to}`);
    }
  }

  // 1. Read-only: the account's own database refuses its writes from now on (the guard every
  //    write batch ends with), the directory says so too.
  const movingRow = (home, moving) =>
    `INSERT INTO account_homes (account_id, home, moving) VALUES (${account}, ${home}, ${moving}) ` +
    `ON CONFLICT (account_id) DO UPDATE SET home = excluded.home, moving = excluded.moving;`;
  runFile("DB_0", [movingRow(from, 1)]);
  if (from !== 0) runFile(source, [movingRow(from, 1)]);
  say(`account ${account}: read-only, moving from ${source} to ${destination}`);

  // 2. A run that stopped half-way left rows in the destination: they go first. The
  //    destination learns the account is moving (its triggers then take the users as they are),
  //    still at home in the source (in database 0 that row is the directory's: unchanged).
  removeAccount(destination, to, account);
  runFile(destination, [movingRow(from, 1)]);

  // 3. Copy in rounds: each round reads the next pages of the tables in order (one wrangler
  //    run) and writes them as one transaction; a table's parents are always written first.
  const counts = countRows(source, account);
  const cursors = new Map(OWNED.map((spec) => [spec.table, null]));
  let next = 0;
  while (next < OWNED.length) {
    const round = [];
    let budget = ROUND;
    for (let i = next; i < OWNED.length && budget > 0; i++) {
      const spec = OWNED[i];
      const limit = Math.min(budget, CHUNK);
      const keyList = spec.key.join(", ");
      const after = cursors.get(spec.table);
      const past = after === null ? "" : ` AND (${keyList}) > (${after.map(literal).join(", ")})`;
      round.push({ spec, limit, query: `SELECT * FROM ${spec.table} WHERE ${where(spec, account)}${past} ORDER BY ${keyList} LIMIT ${limit}` });
      budget -= limit;
      // A table with more rows than this page waits for the next round, and so do those after it.
      if (counts[spec.table] > limit) break;
    }
    const pages = manyRows(source, target, round.map((part) => part.query));
    const inserts = [];
    round.forEach(({ spec, limit }, i) => {
      const page = pages[i];
      for (const row of page) {
        const columns = Object.keys(row).filter((column) => !(spec.freshIds && column === "id"));
        inserts.push(`INSERT INTO ${spec.table} (${columns.join(", ")}) VALUES (${columns.map((c) => literal(row[c])).join(", ")});`);
      }
      if (page.length > 0) cursors.set(spec.table, spec.key.map((column) => page.at(-1)[column]));
      counts[spec.table] -= page.length;
      if (page.length < limit || counts[spec.table] <= 0) next = Math.max(next, OWNED.indexOf(spec) + 1);
    });
    runFile(destination, inserts, "copy.sql");
  }
  const [{ name }] = rows(source, target, `SELECT name FROM accounts WHERE id = ${account}`);
  runFile(destination, [
    `INSERT INTO history (account_id, at, actor_user_id, entity_kind, entity_id, area_id, action, subject, summary, changes) ` +
      `VALUES (${account}, ${Date.now()}, NULL, 'account', ${account}, NULL, 'moved', ${quote(name)}, ` +
      `${quote(`Account "${name}" moved from database ${from} to database ${to} by the operator`)}, ` +
      `${quote(JSON.stringify([{ field: "database", before: String(from), after: String(to) }]))});`,
  ]);

  // 4. Verify: the destination holds as many rows of each table as the source.
  const here = countRows(source, account);
  const there = countRows(destination, account);
  there.history -= 1;
  for (const spec of OWNED) {
    if (there[spec.table] !== here[spec.table]) {
      fail(`${spec.table}: ${here[spec.table]} rows in ${source}, ${there[spec.table]} copied to ${destination} — the account stays read-only; run the command again`);
    }
  }
  say(`account ${account}: ${OWNED.map((spec) => `${spec.table} ${here[spec.table]}`).join(", ")} copied and verified`);

  // 5. Switch: sign-in now finds the account in its new database.
  runFile("DB_0", [movingRow(to, 1)]);

  // 6. The old rows go (its sessions with them: their tokens name the old database), then the
  //    account is writable again in its new home.
  removeAccount(source, from, account);
  runFile(destination, [movingRow(to, 0)]);
  runFile("DB_0", [movingRow(to, 0)]);
  say(`account ${account}: now in ${destination}; writable again`);
}

/** Removes every row of `account` from database `home`, in rounds of at most 5,000 rows a
 * table (children first), keeping that database's copies of the account's proven codes (the
 * codes stay proven, by an account elsewhere) and, in database 0, the directory's rows. */
function removeAccount(binding, home, account) {
  for (;;) {
    const left = countRows(binding, account);
    if (Object.values(left).every((n) => n === 0)) break;
    const statements = [`DELETE FROM sessions WHERE account_id = ${account};`];
    let emptied = true;
    for (const spec of [...OWNED].reverse()) {
      if (left[spec.table] === 0) continue;
      statements.push(spec.key.length > 1
        // Tables without rowid: at once (a user's ticks and recovery codes are few).
        ? `DELETE FROM ${spec.table} WHERE ${where(spec, account)};`
        : `DELETE FROM ${spec.table} WHERE rowid IN (SELECT rowid FROM ${spec.table} WHERE ${where(spec, account)} ORDER BY rowid LIMIT 5000);`);
      if (spec.table === "users") {
        // Deleting a proven user drops this database's copy of its code (a trigger): put it back.
        const proven = rows(binding, target, `SELECT user_code_norm FROM users WHERE account_id = ${account} ` +
          `AND address_proven = 1 AND rowid IN (SELECT rowid FROM users WHERE account_id = ${account} ORDER BY rowid LIMIT 5000)`);
        statements.push(...proven.map(({ user_code_norm: code }) =>
          `INSERT OR IGNORE INTO proven_codes (user_code_norm, account_id) VALUES (${quote(code)}, ${account});`));
      }
      // A table not emptied in this round keeps its parents (the tables after it) for the next.
      if (left[spec.table] > 5000) {
        emptied = false;
        break;
      }
    }
    runFile(binding, statements, "remove.sql");
    if (emptied) break;
  }
  if (home !== 0) runFile(binding, [`DELETE FROM account_homes WHERE account_id = ${account};`]);
}

const command = positionals[0];
if (command === "migrate") migrateAll();
else if (command === "move") move();
else fail("usage: databases.mjs migrate | move --account ID --to N  [--local|--remote] [--persist-to DIR] [--env E] [--config F]");
