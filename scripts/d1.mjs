// What the operator commands (bootstrap.mjs, databases.mjs) share: the D1 databases a wrangler
// configuration binds (O03: DB_0 … DB_n; database 0 also holds the directory), and running SQL
// on one of them through wrangler.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..");
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");

/** The first id of database `home`'s rows (O03): each database numbers its rows from its own
 * 2^40, so an account keeps its ids when it moves, and ids stay below 2^53 (exact in JSON). */
export const idsFrom = (home) => home * 2 ** 40;

/** The `DB_<n>` bindings of `config` (a wrangler.toml) for `env` (none: the top level), in
 * order. A missing number ends the list, as it ends the worker's (`Homes::of`). */
export function bindings({ config = join(ROOT, "wrangler.toml"), env = null } = {}) {
  const text = readFileSync(config, "utf8");
  const header = env ? `[[env.${env}.d1_databases]]` : "[[d1_databases]]";
  const found = new Set();
  let inBlock = false;
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed.startsWith("[")) inBlock = trimmed === header;
    const binding = inBlock && trimmed.match(/^binding\s*=\s*"DB_(\d+)"/);
    if (binding) found.add(Number(binding[1]));
  }
  const list = [];
  while (found.has(list.length)) list.push(`DB_${list.length}`);
  if (list.length === 0) throw new Error(`${config} binds no DB_0${env ? ` in env ${env}` : ""}`);
  return list;
}

/** The command-line options naming where the databases are (`parseArgs` options). */
export const WHERE_OPTIONS = {
  local: { type: "boolean", default: false },
  remote: { type: "boolean", default: false },
  "persist-to": { type: "string" },
  env: { type: "string" },
  // Another wrangler configuration (`make preview`'s copy of wrangler.toml).
  config: { type: "string" },
};

/** What those options name: wrangler's target arguments and the configuration's databases. */
export function databasesOf(args) {
  return {
    target: wranglerTarget({ remote: args.remote, persistTo: args["persist-to"], env: args.env, config: args.config }),
    homes: bindings({ config: args.config ?? undefined, env: args.env ?? null }),
  };
}

/** wrangler's arguments naming where the databases are. */
export function wranglerTarget({ remote = false, persistTo = null, env = null, config = null } = {}) {
  return [
    ...(remote ? ["--remote"] : ["--local"]),
    ...(persistTo ? ["--persist-to", persistTo] : []),
    ...(env ? ["--env", env] : []),
    ...(config ? ["--config", config] : []),
  ];
}

// A local D1 is one SQLite file shared with a running `wrangler dev`: a statement can meet the
// worker's write lock (SQLITE_BUSY, which wrangler may only report as "internal error" or as
// workerd's "false == true"). Such a statement did nothing, so it is tried again a few times.
const LOCKED = /SQLITE_BUSY|database is locked|internal error|false == true/;
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function wrangler(args) {
  for (let attempt = 1; ; attempt++) {
    try {
      return execFileSync(WRANGLER, args, {
        cwd: ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 1 << 30,
      });
    } catch (error) {
      if (attempt < 8 && LOCKED.test(`${error.stderr}${error.stdout}`)) {
        pause(300 * attempt);
        continue;
      }
      process.stderr.write(error.stderr ?? "");
      throw error;
    }
  }
}

/** Runs `sqlArgs` (`--command SQL` or `--file F`) on `binding`; wrangler's JSON answer. */
export function d1(binding, target, sqlArgs) {
  return JSON.parse(wrangler(["d1", "execute", binding, ...target, "--json", ...sqlArgs]));
}

/** The rows of one query on `binding`. */
export function rows(binding, target, query) {
  return d1(binding, target, ["--command", query])[0].results;
}

/** The rows of several queries on `binding`, in one wrangler run (one array per query). */
export function manyRows(binding, target, queries) {
  if (queries.length === 0) return [];
  return d1(binding, target, ["--command", queries.join(";\n")]).map((result) => result.results);
}

/** Applies the migrations to `binding`. */
export function migrate(binding, target) {
  return wrangler(["d1", "migrations", "apply", binding, ...target]);
}

export const quote = (text) =>
  text === null || text === undefined ? "NULL" : `'${String(text).replaceAll("'", "''")}'`;

/** A value as an SQL literal (numbers as they are, text quoted). */
export const literal = (value) => (typeof value === "number" ? String(value) : quote(value));
