// Starts the real worker (workerd + local D1 via `wrangler dev`) on a free port with its own fresh
// state folder, migrated and seeded with the demo account; stops it (whole process group) after.
import { spawn, execFileSync } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
/** The mail-encryption key of test workers (a Worker secret in production). */
export const TEST_MAIL_KEY = `test:${Buffer.alloc(32, 7).toString("base64")}`;

export const DEMO = { user_code: "admin@demo.precinct.test", password: "Precinct-demo-2026" };

const ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  NO_COLOR: "1",
};

// Every worker this process started, by process group. A test file that fails in its `before`
// never reaches its `after`: without this, its wrangler and workerd outlive the run and a CI
// that waits for every process of the job never finishes.
const running = new Set();
process.on("exit", () => {
  for (const group of running) {
    try {
      process.kill(-group, "SIGKILL");
    } catch {}
  }
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => process.exit(1));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function run(command, args) {
  return execFileSync(command, args, { cwd: ROOT, env: ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * `vars` adds or overrides Worker variables; by default the Outbox keeps working links, as under
 * `make dev` (`{ PRECINCT_OUTBOX_LINKS: "hidden" }` runs it as production does).
 */
export async function startWorker({ vars = {} } = {}) {
  const state = mkdtempSync(join(tmpdir(), "precinct-test-"));
  cpSync(freshState(), state, { recursive: true });
  return startWorkerOn(state, { vars });
}

/**
 * A state folder with every database migrated (O03: DB_0 and DB_1 locally, each numbering its ids
 * from its own range) and the minimal demo account seeded — what every test worker starts from.
 * Made once a day per version of what makes it (a dozen wrangler runs), then copied per worker.
 */
function freshState() {
  const made = ["wrangler.toml", "scripts/databases.mjs", "scripts/bootstrap.mjs", "scripts/d1.mjs",
    ...readdirSync(join(ROOT, "worker/migrations")).sort().map((file) => `worker/migrations/${file}`)];
  const hash = createHash("sha256").update(new Date().toISOString().slice(0, 10));
  for (const file of made) hash.update(file).update(readFileSync(join(ROOT, file)));
  const states = join(ROOT, "target", "test-states");
  const dir = join(states, hash.digest("hex").slice(0, 16));
  if (existsSync(dir)) return dir;
  mkdirSync(states, { recursive: true });
  for (const old of readdirSync(states)) rmSync(join(states, old), { recursive: true, force: true });
  const making = mkdtempSync(join(tmpdir(), "precinct-state-"));
  run("node", [join(ROOT, "scripts/databases.mjs"), "migrate", "--local", "--persist-to", making, "--quiet"]);
  run("node", [join(ROOT, "scripts/bootstrap.mjs"), "--demo", "--minimal", "--persist-to", making]);
  // Complete or absent: copied beside it, then renamed into place.
  const partial = `${dir}.${process.pid}`;
  cpSync(making, partial, { recursive: true });
  rmSync(making, { recursive: true, force: true });
  renameSync(partial, dir);
  return dir;
}

/** Starts the worker on an existing, migrated state folder (the benchmark's seeded data). */
export async function startWorkerOn(state, { vars = {}, config = null } = {}) {
  // A port found free can be taken before wrangler (or workerd, for its own internal ports)
  // binds it; such a start is retried on new ports rather than failing a whole test file.
  for (let attempt = 1; ; attempt++) {
    const started = await spawnWorker(state, vars, config);
    if (started.child) return handle(started, state);
    if (!/Address already in use/.test(started.log) || attempt === 3) {
      throw new Error(`wrangler dev did not start:\n${started.log}`);
    }
  }
}

/**
 * `config`: another configuration to run as it is ({ file, env }: a deployment's, e.g. the
 * preview's), with only `vars` added — no test mode, no test variables.
 */
async function spawnWorker(state, vars, config) {
  const all = config ? vars : { PRECINCT_OUTBOX_LINKS: "shown", ...vars };
  const extra = Object.entries(all).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  const testing = config
    ? ["--config", config.file, "--env", config.env]
    : ["--var", "PRECINCT_TEST_MODE:enabled", "--var", `PRECINCT_MAIL_KEY:${TEST_MAIL_KEY}`,
       "--var", "PRECINCT_MAIL_TIMEOUT_MS:1500"];
  const port = await freePort();
  // Its own devtools port too, so workers started side by side do not collide on the default.
  const inspector = await freePort();
  const child = spawn(
    WRANGLER,
    ["dev", "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", String(inspector), "--persist-to", state,
     ...testing, ...extra, "--test-scheduled", "--show-interactive-dev-session=false"],
    { cwd: ROOT, env: ENV, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  running.add(child.pid);
  // Nor may its pipes keep a finished test file alive: the exit handler above then stops it.
  child.unref();
  child.stdout.unref();
  child.stderr.unref();
  const started = { child, url: `http://127.0.0.1:${port}`, log: "" };
  child.stdout.on("data", (chunk) => (started.log += chunk));
  child.stderr.on("data", (chunk) => (started.log += chunk));
  // Bundling and loading the Rust worker on two busy cores can take most of a minute.
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const response = await fetch(`${started.url}/api/health`);
      if (response.ok) return started;
    } catch {}
    if (child.exitCode !== null || /Address already in use/.test(started.log) || Date.now() > deadline) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
      running.delete(child.pid);
      return { child: null, log: started.log };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function handle(started, state) {
  const { child, url } = started;
  return {
    url,
    state,
    log: () => started.log,
    /** Runs SQL against one of this worker's local databases (`DB_0` unless told). */
    sql(query, binding = "DB_0") {
      // The worker may hold the local database for a while on a loaded machine: wrangler then
      // answers SQLITE_BUSY, a bare "internal error", or workerd's own "false == true" (seen in
      // clean-clone runs). Such a statement did nothing, and no test expects this to fail, so
      // any failure is tried again; a final one says what wrangler said.
      for (let attempt = 1; ; attempt++) {
        try {
          const out = run(WRANGLER, ["d1", "execute", binding, "--local", "--persist-to", state, "--json", "--command", query]);
          return JSON.parse(out)[0].results;
        } catch (error) {
          const said = `${error.stderr ?? ""}${error.stdout ?? ""}`;
          if (attempt === 8) {
            error.message += `\nwrangler said:\n${said.slice(-2000)}`;
            throw error;
          }
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300 * attempt);
        }
      }
    },
    async stop({ keepState = false } = {}) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 300));
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
      running.delete(child.pid);
      if (!keepState) rmSync(state, { recursive: true, force: true });
    },
  };
}

/**
 * Issue 16 asks whether the local proxy's lost answers (a non-JSON 5xx from wrangler dev, not
 * from the worker) are gone with the current wrangler: every one the tests meet is written to
 * target/proxy-failures.log (the API client's and the browser tests'), so a run says how many.
 */
export function noteProxyFailure(what) {
  mkdirSync(join(ROOT, "target"), { recursive: true });
  appendFileSync(join(ROOT, "target", "proxy-failures.log"), `${new Date().toISOString()} ${what}\n`);
}

/** A small API client that keeps its own cookie jar, like one browser. */
export class Client {
  constructor(url, { origin = url, csrf = true, now = null } = {}) {
    this.url = url;
    this.origin = origin;
    this.csrf = csrf;
    this.cookie = null;
    this.now = now;
    this.lastSetCookie = null;
  }

  async request(method, path, body, extraHeaders = {}) {
    const headers = { ...extraHeaders };
    if (method !== "GET" && method !== "HEAD") {
      if (this.origin) headers.origin = this.origin;
      if (this.csrf) headers["x-precinct-csrf"] = "1";
    }
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.cookie) headers.cookie = this.cookie;
    if (this.now !== null && !("x-precinct-test-now" in headers)) headers["x-precinct-test-now"] = String(this.now);
    const init = {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    };
    let response;
    try {
      response = await fetch(this.url + path, init);
    } catch (error) {
      // workerd closes keep-alive connections idle for a few seconds; a request that raced that
      // close never reached the worker, so sending it again on a fresh connection is safe.
      if (!["UND_ERR_SOCKET", "UND_ERR_CLOSED", "ECONNRESET", "EPIPE"].includes(error.cause?.code)) throw error;
      response = await fetch(this.url + path, init);
    }
    // Every answer of the worker is JSON; a server error that is not comes from wrangler dev's
    // own proxy in front of it (a connection between the two lost on the way). A read is safe to
    // send again; a worker fault would answer the same twice and still fail the test.
    const fromProxy = response.status >= 500 && !/json/.test(response.headers.get("content-type") ?? "");
    if (fromProxy) noteProxyFailure(`${method} ${path} ${response.status}`);
    if (fromProxy && (method === "GET" || method === "HEAD")) {
      await response.arrayBuffer();
      response = await fetch(this.url + path, init);
    }
    const setCookie = response.headers.get("set-cookie");
    if (setCookie) {
      this.lastSetCookie = setCookie;
      const pair = setCookie.split(";")[0];
      this.cookie = pair.endsWith("=") ? null : pair;
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {}
    return { status: response.status, headers: response.headers, json, text };
  }

  get(path, headers) {
    return this.request("GET", path, undefined, headers);
  }
  post(path, body, headers) {
    return this.request("POST", path, body, headers);
  }
  put(path, body, headers) {
    return this.request("PUT", path, body, headers);
  }
  delete(path, headers) {
    return this.request("DELETE", path, undefined, headers);
  }
  /** Signs in with the password only: the answer may say a second step is owed (R35). */
  signInPassword(user_code = DEMO.user_code, password = DEMO.password) {
    return this.post("/api/session", { user_code, password });
  }

  /**
   * Signs in like the person would: the password, then the second factor (R35) — the code of the
   * authenticator this test process set up for them, or setting one up when an administrator has
   * none yet. Answers the last response (the session, `Me`, on success).
   */
  async signIn(user_code = DEMO.user_code, password = DEMO.password) {
    const response = await this.signInPassword(user_code, password);
    if (response.status !== 200) return response;
    return this.completeSecondStep(response, user_code);
  }

  /** Finishes a sign-in whose password step is done (after a password change, say). */
  async finishSignIn(user_code) {
    return this.completeSecondStep(await this.get("/api/session"), user_code);
  }

  async completeSecondStep(response, user_code) {
    const step = response.json?.mfa_step;
    if (step === "verify" && authenticator(this.url, user_code)) {
      const { code, headers } = nextCode(this, user_code, { recoveryAllowed: true });
      return this.post("/api/session/mfa", { code }, headers);
    }
    if (step === "enrol" && !response.json.password_change_required) {
      const enrolment = await this.post("/api/mfa/enrolment");
      if (enrolment.status !== 200) return enrolment;
      const device = { secret: enrolment.json.secret, lastStep: 0, recoveryCodes: [] };
      AUTHENTICATORS.set(`${this.url} ${user_code.toLowerCase()}`, device);
      const { code, headers } = nextCode(this, user_code, { recoveryAllowed: false });
      const confirmed = await this.post("/api/mfa/confirmation", { code }, headers);
      if (confirmed.status !== 200) return confirmed;
      device.recoveryCodes = [...confirmed.json.recovery_codes];
      return this.get("/api/session");
    }
    return response;
  }
}

// ---------------------------------------------------------------------------------------------
// The authenticator app of each person this test process set up a second factor for (R35).

const AUTHENTICATORS = new Map();

/** The authenticator of `user_code` on the worker at `url` ({ secret, lastStep, recoveryCodes }). */
export function authenticator(url, user_code) {
  return AUTHENTICATORS.get(`${url} ${user_code.toLowerCase()}`);
}

export function forgetAuthenticator(url, user_code) {
  AUTHENTICATORS.delete(`${url} ${user_code.toLowerCase()}`);
}

/** Remembers an authenticator set up outside a Client (in a browser, from the page's secret). */
export function rememberAuthenticator(url, user_code, secret) {
  AUTHENTICATORS.set(`${url} ${user_code.toLowerCase()}`, { secret, lastStep: 0, recoveryCodes: [] });
}

export function rememberRecoveryCodes(url, user_code, codes) {
  authenticator(url, user_code).recoveryCodes = [...codes];
}

/** The next code of `user_code`'s authenticator on the real clock: { code, headers }. */
export function authenticatorCode(url, user_code, { recoveryAllowed = true } = {}) {
  return nextCode({ url, now: null }, user_code, { recoveryAllowed });
}

function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const char of text.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(char).toString(2).padStart(5, "0");
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238: HMAC-SHA-1 of the 30-second step, six digits (written here, independently of the worker). */
export function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, "0");
}

/**
 * The next code to type, as the person would: a code is usable once and the worker accepts one
 * step of drift either way, so signing the same person in again within 30 seconds takes the next
 * step (the test clock moved to it, at most a few steps ahead). A client whose clock runs behind
 * codes already used (a test clock set before an earlier sign-in) types a recovery code instead.
 */
function nextCode(client, user_code, { recoveryAllowed }) {
  const device = authenticator(client.url, user_code);
  const now = client.now ?? Date.now();
  const base = Math.floor(now / 30_000);
  const step = Math.max(base - 1, device.lastStep + 1);
  if (step <= base + 1) {
    device.lastStep = step;
    return { code: totp(device.secret, step), headers: {} };
  }
  if (client.now === null && step <= base + 10) {
    device.lastStep = step;
    return { code: totp(device.secret, step), headers: { "x-precinct-test-now": String(step * 30_000 + 1) } };
  }
  if (recoveryAllowed && device.recoveryCodes.length > 0) {
    return { code: device.recoveryCodes.shift(), headers: {} };
  }
  throw new Error(`no usable second-factor code left for ${user_code} at ${new Date(now).toISOString()}`);
}
