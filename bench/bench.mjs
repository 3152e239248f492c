#!/usr/bin/env node
// make bench: load-tests the real worker (wrangler dev: workerd + local D1) seeded by
// `make seed-large`, with wrk (Debian's package) as the load generator. Prints one line per
// figure and writes target/bench/results.json.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { startWorkerOn, Client } from "../tests/harness.mjs";
import { firstScreen } from "./first-screen.mjs";

const ROOT = join(import.meta.dirname, "..");
const PASSWORD = "Bench-password-2026";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const results = { machine: machine(), seconds_per_run: SECONDS, runs: [], ratios: {}, plans: [], sizes: [] };

function machine() {
  const cpus = execFileSync("nproc", { encoding: "utf8" }).trim();
  const model = readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)?.[1] ?? "unknown CPU";
  return `${cpus} cores, ${model}`;
}

function wrk({ url, connections, headers, script, env = {}, threads }) {
  const args = ["-t", String(threads ?? Math.min(connections, 2)), "-c", String(connections), "-d", `${SECONDS}s`, "--latency", "--timeout", "10s"];
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}: ${value}`);
  if (script) args.push("-s", join(ROOT, "bench/wrk", script));
  args.push(url);
  const run = spawnSync("wrk", args, { encoding: "utf8", env: { ...process.env, ...env } });
  if (run.status !== 0) throw new Error(`wrk failed: ${run.stderr}`);
  const out = run.stdout;
  const ms = (label) => {
    const match = out.match(new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, "m"));
    if (!match) return null;
    const value = Number(match[1]);
    return match[2] === "us" ? value / 1000 : match[2] === "s" ? value * 1000 : value;
  };
  const requests = Number(out.match(/(\d+) requests in/)?.[1] ?? 0);
  const non2xx = Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
  const socket = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const socketErrors = socket ? socket.slice(1).map(Number).reduce((a, b) => a + b, 0) : 0;
  return { p50: ms("50"), p99: ms("99"), rps: Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? 0), requests, errors: non2xx + socketErrors };
}

function line(name, actor, c, r) {
  const fmt = (v) => (v === null ? "n/a" : v.toFixed(2));
  console.log(`bench ${name} ${actor} c=${c}: p50=${fmt(r.p50)} ms p99=${fmt(r.p99)} ms rps=${r.rps.toFixed(0)} errors=${r.errors}`);
}

async function signIn(url, user_code) {
  const client = new Client(url);
  const response = await client.signIn(user_code, PASSWORD);
  if (response.status !== 200) throw new Error(`sign-in of ${user_code}: ${response.status} ${response.text}`);
  return client;
}

/** The resident memory of the workerd processes (the worker's isolate runs in one), in KiB. */
function workerdMemory() {
  const run = spawnSync("ps", ["-C", "workerd", "-o", "rss="], { encoding: "utf8" });
  return run.stdout.split("\n").map(Number).filter((kib) => kib > 0).reduce((a, b) => a + b, 0);
}

/** Runs `work` while sampling workerd's memory every 20 ms: its answer, seconds, and the peak
 * growth over the memory before it (MiB). */
async function measured(work) {
  const baseline = workerdMemory();
  let peak = baseline;
  const timer = setInterval(() => { peak = Math.max(peak, workerdMemory()); }, 20);
  const start = performance.now();
  try {
    const answer = await work();
    return { answer, seconds: (performance.now() - start) / 1000, growthMiB: (Math.max(peak, workerdMemory()) - baseline) / 1024, peakMiB: peak / 1024 };
  } finally {
    clearInterval(timer);
  }
}

/** B04 at scale: 10,000 users imported (dry run, then confirmed chunk by chunk, then the same file
 * again: all unchanged) and every user exported (100,000 and more, streamed), with the time and
 * workerd's peak memory of each. The imported users are removed afterwards (same data each run). */
async function benchImportExport(url, admin, accounts, scale) {
  const groupOf = (await admin.get(`/api/groups?limit=50`)).json.items.find((g) => g.access_level === "user" && g.area_id === accounts.local_area)
    ?? (await admin.get(`/api/groups?limit=50`)).json.items.find((g) => g.access_level === "user");
  const companies = (await admin.get(`/api/companies?area_id=${groupOf.area_id ?? ""}&limit=3`)).json.items.map((c) => c.code);
  const rows = Array.from({ length: 10_000 }, (_, i) =>
    `imp.${String(i).padStart(5, "0")}@bench.precinct.test;Importé Personne ${i};${groupOf.code};fr;${companies.slice(0, 1 + (i % 3)).join(" ")}`);
  const file = "\uFEFFuser_code;name;group;language;companies\r\n" + rows.join("\r\n") + "\r\n";
  const figure = (name, m, extra = "") => {
    console.log(`bench ${name}: ${m.seconds.toFixed(2)} s, workerd peak ${m.peakMiB.toFixed(0)} MiB (+${m.growthMiB.toFixed(1)} MiB)${extra}`);
    results.import_export = { ...(results.import_export ?? {}), [name]: { seconds: m.seconds, peak_mib: m.peakMiB, growth_mib: m.growthMiB } };
  };
  const dry = await measured(() => admin.post("/api/imports", { kind: "users", file, invite: true }));
  if (dry.answer.status !== 200) throw new Error(`import dry run: ${dry.answer.status} ${dry.answer.text.slice(0, 300)}`);
  const run = dry.answer.json;
  figure("import.dry-run-10000", dry, ` (${run.counts.create} to create in ${run.chunks} chunks, ${(file.length / 1e6).toFixed(2)} MB)`);
  const confirmed = await measured(async () => {
    for (let chunk = 0; chunk < run.chunks; chunk++) {
      const answer = await admin.post(`/api/imports/${run.token}/confirm`, { chunk });
      if (answer.status !== 200) throw new Error(`chunk ${chunk}: ${answer.status} ${answer.text}`);
    }
  });
  figure("import.confirmed-10000", confirmed, ` (${(confirmed.seconds / run.chunks * 1000).toFixed(0)} ms per chunk of ${Math.ceil(run.counts.create / run.chunks)} lines, each one batch with its history)`);
  const again = await measured(() => admin.post("/api/imports", { kind: "users", file }));
  figure("import.rerun-10000", again, ` (${again.answer.json.counts.unchanged} unchanged)`);
  const exported = await measured(async () => {
    const response = await fetch(`${url}/api/exports/users`, { headers: { cookie: admin.cookie } });
    let bytes = 0, lines = 0, first = null;
    const start = performance.now();
    for await (const part of response.body) {
      if (first === null) first = performance.now() - start;
      bytes += part.length;
      for (const byte of part) if (byte === 10) lines++;
    }
    return { bytes, lines, first };
  });
  figure("export.users-all", exported, ` (${exported.answer.lines - 1} users, ${(exported.answer.bytes / 1e6).toFixed(1)} MB, first bytes after ${exported.answer.first.toFixed(0)} ms)`);
  results.import_export.rows = { imported: run.counts.create, exported: exported.answer.lines - 1 };
}

const baseHeaders = (url, client) => ({ cookie: client.cookie, origin: url, "x-precinct-csrf": "1" });

async function benchDataset(scale, { full }) {
  const state = join(ROOT, ".bench", scale);
  if (!existsSync(join(state, "accounts.json"))) throw new Error(`run 'make seed-large' first (${state} is missing)`);
  const accounts = JSON.parse(readFileSync(join(state, "accounts.json"), "utf8"));
  // The second factors a previous run set up (R35) have secrets that run kept in memory only:
  // each run starts from none, so `make bench` can run again on the same data.
  execFileSync(join(ROOT, "node_modules/.bin/wrangler"),
    ["d1", "execute", "DB_0", "--local", "--persist-to", state, "--command", "DELETE FROM user_recovery_codes; DELETE FROM user_mfa;"],
    { cwd: ROOT, stdio: "ignore", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  const worker = await startWorkerOn(state);
  try {
    const url = worker.url;
    const actors = {
      "admin": await signIn(url, accounts.admin),
      "local-admin": await signIn(url, accounts.local_admin),
      "user": await signIn(url, accounts.user),
    };
    const admin = actors.admin;
    const someUser = (await admin.get(`/api/users?area_id=${accounts.local_area}&limit=40`)).json.items;
    const someCompany = (await actors["local-admin"].get("/api/companies?limit=1")).json.items[0];
    const group = (await actors["local-admin"].get("/api/groups?limit=50")).json.items.find((g) => g.access_level === "user");
    const reads = {
      "users.list": "/api/users",
      "users.search": "/api/users?q=an",
      // R34: a one-word surname, found by any word of the name through the word index.
      "users.search-surname": "/api/users?q=keller",
      // Issue 13: lists sorted by a column, each on its own index.
      "users.sorted-by-group": "/api/users?sort=-group",
      "companies.sorted-by-area": "/api/companies?sort=area",
      "user.detail": `/api/users/${someUser[0].id}`,
      "companies.list": "/api/companies",
      "pickers.users": "/api/pickers/users",
      "pickers.user-in-charge": "/api/pickers/user-in-charge",
      "history.user-range": "/api/history?user_from=a&user_to=b",
      "company-selection": "/api/session/companies",
      // B01: why may this person see this company (the decision with its chain), and who can.
      "explain.company": `/api/explain?user_id=${someUser[0].id}&kind=company&id=${someCompany.id}`,
      "seers.company": `/api/companies/${someCompany.id}/seers`,
      // B03: the access review of the local administrator's area.
      "review.area": `/api/reviews/${accounts.local_area}`,
    };
    const perActor = {
      "admin": Object.keys(reads),
      "local-admin": Object.keys(reads),
      "user": ["users.list", "companies.list", "pickers.users", "company-selection", "history.user-range"],
    };
    if (full) {
      // B01/B03 at the big area (2,000 companies, a group of 5,000): the regular administrator's.
      reads["seers.big-area-company"] = `/api/companies/${accounts.big_company}/seers`;
      reads["review.big-area"] = `/api/reviews/${accounts.big_area}`;
      perActor.admin = Object.keys(reads);
    }
    const concurrency = full ? [1, 32] : [1];
    const health = {};
    for (const c of concurrency) {
      health[c] = wrk({ url: `${url}/api/health`, connections: c, headers: {} });
      line(`health ${scale}`, "anonymous", c, health[c]);
      results.runs.push({ scale, name: "health", actor: "anonymous", c, ...health[c] });
    }
    // Every read at both scales (c=1), for each figure's cost growth from 1,000 to 100,000 users.
    const listNames = Object.keys(reads);
    for (const [actor, client] of Object.entries(actors)) {
      for (const name of perActor[actor].filter((n) => listNames.includes(n))) {
        for (const c of concurrency) {
          const r = wrk({ url: url + reads[name], connections: c, headers: baseHeaders(url, client) });
          line(full ? name : `${name} ${scale}`, actor, c, r);
          results.runs.push({ scale, name, actor, c, ...r });
          if (c === 32) results.ratios[`${name} ${actor} rps/health`] = r.rps / health[32].rps;
        }
      }
    }
    if (!full) return;
    // The console's first screen in a browser (issue 17).
    for (const figure of await firstScreen(url, [["admin", actors.admin], ["local-admin", actors["local-admin"]]])) {
      console.log(`bench first-screen ${figure.actor} ${figure.cache}: users list shown at ${figure.shown_ms.toFixed(0)} ms, ` +
        `${figure.requests} requests, ${figure.bytes} bytes, waterfall depth ${figure.depth} (API: ${figure.api_requests.join(", ")}` +
        `${figure.waited.length ? `; after the session: ${figure.waited.join(", ")}` : ""})`);
      results.first_screen = [...(results.first_screen ?? []), figure];
    }
    // B02: what-ifs at the big area, each the Save's own checks (its batch rehearsed and rolled
    // back) and the counts D1 makes of who gains and loses what.
    const bigGroup = (await admin.get(`/api/groups/${accounts.big_group}`)).json;
    const bigCompany = (await admin.get(`/api/companies/${accounts.big_company}`)).json;
    const otherArea = (await admin.get(`/api/areas?limit=1`)).json.items[0];
    const bigDirectory = (await admin.get(`/api/directories/${bigCompany.directory_id}`)).json;
    const whatIfs = {
      // A group of 5,000 raised to Local Administrator: each gains the whole area (2,000 companies).
      "what-if.group-5000-members": [`/api/groups/${bigGroup.id}/what-if`, {
        code: bigGroup.code, description: bigGroup.description, access_level: "local_administrator", area_id: bigGroup.area_id,
        options: bigGroup.options, version: bigGroup.version }],
      // One company of the big area moved to another area.
      "what-if.company-area": [`/api/companies/${bigCompany.id}/what-if`, {
        code: bigCompany.code, name: bigCompany.name, directory_id: bigCompany.directory_id, area_id: otherArea.id,
        version: bigCompany.version, confirm_directory_area: true }],
      // The big area's directory (2,000 companies and more) made multidimensional in another area.
      "what-if.directory-2000-companies": [`/api/directories/${bigDirectory.id}/what-if`, {
        code: bigDirectory.code, name: bigDirectory.name, multidimensional: true, area_id: otherArea.id, version: bigDirectory.version }],
    };
    for (const [name, [path, body]] of Object.entries(whatIfs)) {
      const once = await admin.post(path, body);
      if (once.status !== 200) throw new Error(`${name}: ${once.status} ${once.text}`);
      const w = once.json;
      console.log(`bench ${name} answer: gain ${w.gain.people} people / ${w.gain.companies} companies, lose ${w.lose.people} people / ${w.lose.companies} companies, new rights ${w.people_with_new_rights}`);
      const r = wrk({ url: url + path, connections: 1, headers: baseHeaders(url, admin), script: "post.lua", env: { BODY: JSON.stringify(body) } });
      line(name, "admin", 1, r);
      results.runs.push({ scale, name, actor: "admin", c: 1, ...r });
      results.ratios[`${name} p50/health`] = r.p50 / health[1].p50;
      console.log(`bench ${name} p50/health c=1: ${(r.p50 / health[1].p50).toFixed(2)}x`);
    }
    if (full) await benchImportExport(url, admin, accounts, scale);
    // Writes: create users (a local administrator in its area, an administrator), edit users.
    for (const actor of ["admin", "local-admin"]) {
      for (const c of concurrency) {
        const r = wrk({ url, connections: c, headers: baseHeaders(url, actors[actor]), script: "create-user.lua", env: { GROUP_ID: String(group.id), RUN: `${actor}-${c}-${Date.now()}` } });
        line("users.create", actor, c, r);
        results.runs.push({ scale, name: "users.create", actor, c, ...r });
        const targets = someUser.slice(0, c);
        const env = { USER_IDS: targets.map((u) => u.id).join(",") };
        for (const u of targets) {
          const fresh = (await actors[actor].get(`/api/users/${u.id}`)).json;
          env[`CODE_${u.id}`] = fresh.user_code;
          env[`VERSION_${u.id}`] = String(fresh.version);
        }
        const e = wrk({ url, connections: c, threads: c, headers: baseHeaders(url, actors[actor]), script: "edit-user.lua", env });
        line("users.edit", actor, c, e);
        results.runs.push({ scale, name: "users.edit", actor, c, ...e });
      }
    }
    // Sign-in: one argon2id computation at m=19 MiB, t=2, p=1 inside the worker, plus a write.
    const signInRun = wrk({ url: `${url}/api/session`, connections: 1, headers: { origin: url, "x-precinct-csrf": "1" }, script: "post.lua", env: { BODY: JSON.stringify({ user_code: accounts.admin, password: PASSWORD }) } });
    line("session.sign-in", "admin", 1, signInRun);
    results.runs.push({ scale, name: "session.sign-in", actor: "admin", c: 1, ...signInRun });
    console.log(`bench sign-in argon2id cost (sign-in p50 - health p50): ${(signInRun.p50 - health[1].p50).toFixed(1)} ms`);
    results.ratios["sign-in argon2id ms"] = signInRun.p50 - health[1].p50;
    // Query plans of every list query on this data.
    const plans = await admin.get(`/api/test/query-plans?area_id=${accounts.local_area}&user_id=${accounts.user_id}&company_id=${someCompany.id}`);
    let scans = 0;
    for (const plan of plans.json) {
      const full = plan.plan.filter((step) => /^SCAN (u|c|h|users|companies|history)\b/.test(step));
      scans += full.length;
      console.log(`plan ${plan.label}: ${plan.plan.join(" ; ")}${full.length ? "  <-- FULL SCAN" : ""}`);
      results.plans.push(plan);
    }
    console.log(`bench plans: ${plans.json.length} list queries, ${scans} full scans of users/companies/history`);
    results.ratios["full scans"] = scans;
  } finally {
    await worker.stop({ keepState: true });
    // The users B04's bench imported go again, so every run imports the same 10,000.
    execFileSync(join(ROOT, "node_modules/.bin/wrangler"),
      ["d1", "execute", "DB_0", "--local", "--persist-to", state, "--command",
        "DELETE FROM user_companies WHERE user_id IN (SELECT id FROM users WHERE user_code_norm LIKE 'imp.%@bench.precinct.test'); " +
        "DELETE FROM invitation_queue; DELETE FROM import_chunks; DELETE FROM import_runs; " +
        "DELETE FROM history WHERE subject LIKE 'imp.%@bench.precinct.test'; " +
        "DELETE FROM users WHERE user_code_norm LIKE 'imp.%@bench.precinct.test';"],
      { cwd: ROOT, stdio: "ignore", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  }
}

await benchDataset("large", { full: true });
await benchDataset("small", { full: false });
// Issue 17's targets, each figure as a ratio to /api/health of the same run.
const run = (scale, name, actor, c) => results.runs.find((r) => r.scale === scale && r.name === name && r.actor === actor && r.c === c);
const health1 = run("large", "health", "anonymous", 1);
const health32 = run("large", "health", "anonymous", 32);
const targets = [];
const target = (figure, value, limit, met, unit = "x") => {
  targets.push({ figure, value, limit, met });
  const shown = unit === "%" ? `${(value * 100).toFixed(0)} %` : unit === "ms" ? `${value.toFixed(0)} ms` : unit === "" ? `${value}` : `${value.toFixed(2)}x`;
  console.log(`bench target ${figure}: ${shown} (target ${limit}) ${met ? "met" : "NOT MET"}`);
};
const readFigures = results.runs.filter((r) => r.scale === "large" && r.c === 1 && !["health", "users.create", "users.edit", "session.sign-in"].includes(r.name) && !r.name.startsWith("what-if."));
for (const r of readFigures) {
  const label = `${r.name} ${r.actor}`;
  target(`${label} p50/health c=1`, r.p50 / health1.p50, "<= 1.3x", r.p50 <= 1.3 * health1.p50);
  target(`${label} p99/health c=1`, r.p99 / health1.p99, "<= 2x", r.p99 <= 2 * health1.p99);
  const busy = run("large", r.name, r.actor, 32);
  if (busy) {
    target(`${label} rps/health c=32`, busy.rps / health32.rps, ">= 80 %", busy.rps >= 0.8 * health32.rps && busy.errors === 0, "%");
  }
  const small = run("small", r.name, r.actor, 1);
  if (small) target(`${label} growth p50 100k/1k`, r.p50 / small.p50, "<= 1.2x", r.p50 <= 1.2 * small.p50);
}
for (const r of results.runs.filter((r) => r.scale === "large" && r.c === 1 && ["users.create", "users.edit"].includes(r.name))) {
  target(`${r.name} ${r.actor} p50/health c=1`, r.p50 / health1.p50, "<= 2x", r.p50 <= 2 * health1.p50);
}
// B02: a what-if is a Save's checks plus the counting, in one request: within a write's budget.
for (const r of results.runs.filter((r) => r.scale === "large" && r.name.startsWith("what-if."))) {
  target(`${r.name} admin p50/health c=1`, r.p50 / health1.p50, "<= 2x", r.p50 <= 2 * health1.p50);
}
for (const figure of (results.first_screen ?? []).filter((f) => f.cache !== "first visit")) {
  const limit = figure.cache === "warm" ? 300 : 800;
  target(`first-screen ${figure.actor} ${figure.cache} shown`, figure.shown_ms, `<= ${limit} ms`, figure.shown_ms <= limit, "ms");
  target(`first-screen ${figure.actor} ${figure.cache} waterfall depth`, figure.depth, "<= 2", figure.depth <= 2, "");
}
const met = targets.filter((t) => t.met).length;
console.log(`bench targets: ${met} of ${targets.length} met`);
results.targets = targets;
const sizes = execFileSync(join(ROOT, "scripts/sizes.sh"), { encoding: "utf8" });
process.stdout.write(sizes.split("\n").map((l) => (l ? `bench size ${l}` : l)).join("\n"));
results.sizes = sizes.trim().split("\n");
mkdirSync(join(ROOT, "target/bench"), { recursive: true });
writeFileSync(join(ROOT, "target/bench/results.json"), JSON.stringify(results, null, 1));
console.log("results written to target/bench/results.json");
