// Authorization matrix (R01, R05, R06, R11–R23): every endpoint × every kind of actor, checking
// the status of each cell and that no body carries an id or a code of a record the actor may not
// see. Refusals aimed at records out of scope are also compared with the same request aimed at a
// record that does not exist: the answers must be identical (nothing tells them apart).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, signedIn, Client, DEMO, CODES } from "./fixtures.mjs";

const ACTORS = ["anon", "other", "admin", "la_a", "la_b", "user", "disabled", "actas"];
const MISSING = 999999;

let fx, F, clients;
const cellFailures = [];
const leaks = [];
let cells = 0;

before(async () => {
  fx = await setup();
  F = fx.F;
  clients = {
    anon: new Client(fx.worker.url),
    other: fx.otherAdmin,
    admin: fx.admin,
    la_a: await fx.signIn("la_a"),
    la_b: await fx.signIn("la_b"),
    user: await fx.signIn("user"),
    disabled: await fx.signIn("disabled"),
    actas: await signedIn(fx.worker.url),
  };
  // The disabled user signed in before being disabled: that session must die with the account.
  assert.equal((await clients.disabled.get("/api/session")).status, 200);
  const disabled = await fx.admin.post(`/api/users/${F.disabled.id}/disable`, { version: F.disabled.version });
  assert.equal(disabled.status, 200, disabled.text);
  F.disabled = disabled.json;
  await actAsLaA();
});
after(async () => {
  await fx?.worker.stop();
});

async function actAsLaA() {
  const response = await clients.actas.post("/api/session/act-as", { user_id: F.la_a.id });
  assert.equal(response.status, 200, response.text);
  assert.equal(response.json.user_id, F.la_a.id);
}

// ---------------------------------------------------------------------------------------------
// Who may see what: every record of the fixture with its account and area; throwaway records
// created by the matrix are added as they appear.

const records = [];
function register(kind, id, account, area, { codes = [], open = false, adminUser = false, forUser = false, everyone = false } = {}) {
  records.push({ kind, id, account, area, codes, open, adminUser, forUser, everyone });
}

function buildRegistry() {
  const areaOf = (id) => (id === F.areaA.id ? "A" : id === F.areaB.id ? "B" : null);
  register("account", F.me.account_id, "demo", null, { codes: ["Demo Construction Group", "demo.precinct.test"], everyone: true });
  register("account", F.otherMe.account_id, "other", null, { codes: ["Other Group", "other.test"], everyone: true });
  register("area", F.areaA.id, "demo", "A", { codes: ["AREA-A"], forUser: true });
  register("area", F.areaB.id, "demo", "B", { codes: ["AREA-B"] });
  register("area", F.otherArea.id, "other", null, { codes: ["OTHER-AREA"] });
  register("directory", F.dirPlain.id, "demo", null, { codes: ["DIR-PLAIN"], open: true });
  register("directory", F.dirMd.id, "demo", "B", { codes: ["DIR-MD"] });
  register("directory", F.otherDir.id, "other", null, { codes: ["OTHER-DIR"] });
  for (const c of [F.compA1, F.compA2, F.compB1, F.compB2]) {
    const forUser = c.id === F.compA1.id;
    register("company", c.id, "demo", areaOf(c.area_id), { codes: [c.code], forUser });
    const suffix = c.code.replace("COMP-", "");
    register("project", F.projects[`PROJ-${suffix}`], "demo", areaOf(c.area_id), { codes: [`PROJ-${suffix}`], forUser });
    register("employee", F.employees[`EMP-${suffix}`], "demo", areaOf(c.area_id), { codes: [`EMP-${suffix}`], forUser });
  }
  register("company", F.otherComp.id, "other", null, { codes: ["OTHER-COMP"] });
  register("project", F.projects["PROJ-OTHER"], "other", null, { codes: ["PROJ-OTHER"] });
  register("employee", F.employees["EMP-OTHER"], "other", null, { codes: ["EMP-OTHER"] });
  // Administrator groups share the code ADMINISTRATORS across accounts: ids only.
  register("group", F.groupAdmins.id, "demo", null);
  register("group", F.otherGroupAdmins.id, "other", null);
  register("group", F.groupLaA.id, "demo", "A", { codes: ["LOCAL-ADMIN-A"] });
  register("group", F.groupLaB.id, "demo", "B", { codes: ["LOCAL-ADMIN-B"] });
  register("group", F.groupUserA.id, "demo", "A", { codes: ["USER-GROUP-A"], forUser: true });
  register("group", F.groupUserB.id, "demo", "B", { codes: ["USER-GROUP-B"] });
  register("group", F.otherGroup.id, "other", null, { codes: ["OTHER-GROUP"] });
  register("user", F.me.user_id, "demo", null, { codes: [DEMO.user_code], adminUser: true });
  register("user", F.la_a.id, "demo", "A", { codes: [CODES.la_a] });
  register("user", F.la_b.id, "demo", "B", { codes: [CODES.la_b] });
  register("user", F.user.id, "demo", "A", { codes: [CODES.user], forUser: true });
  register("user", F.user_b.id, "demo", "B", { codes: [CODES.user_b] });
  register("user", F.disabled.id, "demo", "A", { codes: [CODES.disabled] });
  register("user", F.otherMe.user_id, "other", null, { codes: [F.otherMe.user_code] });
  register("user", F.otherUser.id, "other", null, { codes: [CODES.other_user] });
  register("report", F.reports["REPORT-A"], "demo", "A", { codes: ["REPORT-A"], forUser: true });
  register("report", F.reports["REPORT-B"], "demo", "B", { codes: ["REPORT-B"] });
  register("report", F.reports["REPORT-NONE"], "demo", null, { codes: ["REPORT-NONE"] });
  register("report", F.reports["OTHER-REPORT"], "other", null, { codes: ["OTHER-REPORT"] });
}

function allowed(actor, record) {
  const area = { la_a: "A", actas: "A", la_b: "B" }[actor];
  switch (actor) {
    case "admin":
      return record.account === "demo";
    case "other":
      return record.account === "other";
    case "la_a":
    case "la_b":
    case "actas":
      return record.account === "demo" && (record.everyone || record.area === area || record.open || record.adminUser);
    case "user":
      return record.account === "demo" && (record.everyone || record.forUser || record.open);
    default:
      return false;
  }
}

/** The (kind, id) pairs a body mentions: `id` of an object of a known kind, and `*_id` fields. */
const FIELD_KINDS = {
  area_id: "area", directory_id: "directory", company_id: "company", group_id: "group", user_id: "user",
  account_id: "account",
};
const NESTED_KINDS = { user_in_charge: "user", company: "company", companies: "company", user: "user" };
const ENTITY_KINDS = { user: "user", company: "company", group: "group", area: "area", directory: "directory", account: "account" };
function mentions(value, kind, out = []) {
  if (Array.isArray(value)) {
    for (const item of value) mentions(item, kind, out);
  } else if (value && typeof value === "object") {
    for (const [key, field] of Object.entries(value)) {
      if (key === "id" && typeof field === "number" && kind) out.push([kind, field]);
      else if (FIELD_KINDS[key] && typeof field === "number") out.push([FIELD_KINDS[key], field]);
      else if (key === "entity_id" && typeof field === "number") out.push([ENTITY_KINDS[value.entity_kind] ?? value.entity_kind, field]);
      else if (key === "items") mentions(field, kind, out);
      else if (NESTED_KINDS[key]) mentions(field, NESTED_KINDS[key], out);
      else if (field && typeof field === "object") mentions(field, null, out);
    }
  }
  return out;
}

function scan(actor, label, kind, response) {
  const forbidden = records.filter((record) => !allowed(actor, record));
  const ids = new Set(forbidden.map((record) => `${record.kind}:${record.id}`));
  for (const [k, id] of mentions(response.json, kind)) {
    if (ids.has(`${k}:${id}`)) leaks.push(`${actor} ${label}: ${k} ${id} in ${response.text.slice(0, 300)}`);
  }
  for (const record of forbidden) {
    for (const code of record.codes) {
      if (response.text.includes(code)) leaks.push(`${actor} ${label}: "${code}" in ${response.text.slice(0, 300)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The records each actor aims at: its own (in scope), another area's, another account's.

function targets(actor) {
  const demoAdmin = { id: F.me.user_id, version: 1 };
  const otherAccount = { area: F.otherArea, dir: F.otherDir, company: F.otherComp, group: F.otherGroup, user: F.otherUser, admin: demoAdmin };
  const demoForOther = { area: F.areaA, dir: F.dirPlain, company: F.compA1, group: F.groupUserA, user: F.user, admin: demoAdmin };
  const a = {
    own: { area: F.areaA, dir: F.dirPlain, company: F.compA1, group: F.groupUserA, user: F.user, self: { id: F.me.user_id }, ownGroup: F.groupAdmins, ticks: [F.compA1] },
    outOfArea: otherAccount,
    otherAccount,
  };
  const la = (mine, theirs) => ({
    own: { area: mine.area, dir: mine.dir, company: mine.company, group: mine.userGroup, user: mine.user, self: mine.self, ownGroup: mine.laGroup, ticks: [mine.company] },
    outOfArea: { area: theirs.area, dir: theirs.dir, company: theirs.company, group: theirs.userGroup, user: theirs.user, admin: demoAdmin },
    otherAccount,
  });
  const sideA = { area: F.areaA, dir: F.dirPlain, company: F.compA1, userGroup: F.groupUserA, laGroup: F.groupLaA, user: F.user, self: F.la_a };
  const sideB = { area: F.areaB, dir: F.dirMd, company: F.compB1, userGroup: F.groupUserB, laGroup: F.groupLaB, user: F.user_b, self: F.la_b };
  switch (actor) {
    case "other":
      return {
        own: { area: F.otherArea, dir: F.otherDir, company: F.otherComp, group: F.otherGroup, user: F.otherUser, self: { id: F.otherMe.user_id }, ownGroup: F.otherGroupAdmins, ticks: [F.otherComp] },
        outOfArea: demoForOther,
        otherAccount: demoForOther,
      };
    case "la_a":
    case "actas":
      return la(sideA, { ...sideB, dir: F.dirMd });
    case "la_b":
      return la(sideB, { ...sideA, dir: F.otherDir });
    case "user":
      return {
        own: { area: F.areaA, dir: F.dirPlain, company: F.compA1, group: F.groupUserA, user: F.user, self: F.user, ownGroup: F.groupUserA, ticks: [F.compA1] },
        outOfArea: { area: F.areaB, dir: F.dirMd, company: F.compA2, group: F.groupLaA, user: F.la_a, admin: demoAdmin },
        otherAccount,
      };
    default:
      return a;
  }
}

const tmp = Object.fromEntries(ACTORS.map((actor) => [actor, {}]));
const tmpCode = (actor, what) => `TMP-${actor.replace("_", "")}-${what}`;
const tmpEmail = (actor) => `tmp.${actor.replace("_", "")}@${actor === "other" ? "other.test" : "demo.precinct.test"}`;

// Expected statuses: anonymous and the disabled user's dead session get 401 unless stated;
// `actas` behaves as la_a unless stated.
function expect(statuses) {
  const all = { anon: 401, disabled: 401, ...statuses };
  if (all.actas === undefined) all.actas = all.la_a;
  for (const actor of ACTORS) assert.ok(all[actor] !== undefined, `no expectation for ${actor}`);
  return all;
}
const everyone = (status, more = {}) => expect({ other: status, admin: status, la_a: status, la_b: status, user: status, ...more });

/** The current version of a record, read by the acting client (or 1 when it is not visible). */
async function version(client, path) {
  const response = await client.get(path);
  return response.status === 200 ? response.json.version : 1;
}

// Each cell: name, the record kind its body holds, the request (given the actor, its client,
// the targets and whether to aim at a missing id), expected statuses, and options:
// twin (compare with the same request at a missing record), creates (register the new record).
const CELLS = [
  { name: "GET /health", req: () => ["GET", "/api/health"], expect: everyone(200, { anon: 200, disabled: 200 }) },
  // The static API description (same for everyone) is not scanned for codes.
  { name: "GET /openapi.json", noScan: true, req: () => ["GET", "/api/openapi.json"], expect: everyone(200, { anon: 200, disabled: 200 }) },
  {
    name: "POST /session (wrong password)",
    req: (actor) => ["POST", "/api/session", { user_code: `nobody.${actor.replace("_", "")}@nowhere.test`, password: "wrong" }, { "cf-connecting-ip": `10.9.9.${ACTORS.indexOf(actor)}` }],
    expect: everyone(401, { anon: 401, disabled: 401 }),
  },
  { name: "GET /session", kind: "me", req: () => ["GET", "/api/session"], expect: everyone(200) },
  { name: "GET /applications", req: () => ["GET", "/api/applications"], expect: everyone(200) },
  { name: "GET /session/companies", kind: "company", req: () => ["GET", "/api/session/companies"], expect: everyone(200) },
  { name: "PUT /session/company (own)", kind: "me", req: (a, c, t) => ["PUT", "/api/session/company", { company_id: t.own.company.id }], expect: everyone(200) },
  { name: "PUT /session/company (out of area)", twin: true, req: (a, c, t, m) => ["PUT", "/api/session/company", { company_id: m ? MISSING : t.outOfArea.company.id }], expect: everyone(422) },
  { name: "PUT /session/company (other account)", twin: true, req: (a, c, t, m) => ["PUT", "/api/session/company", { company_id: m ? MISSING : t.otherAccount.company.id }], expect: everyone(422) },
  { name: "GET /session/login-as/candidates", kind: "user", req: () => ["GET", "/api/session/login-as/candidates"], expect: everyone(200, { user: 403, actas: 403 }) },
  {
    name: "POST /session/act-as (own area) then DELETE /session/act-as",
    kind: "me",
    req: (a, c, t) => ["POST", "/api/session/act-as", { user_id: a === "user" ? F.la_a.id : a === "admin" ? F.la_a.id : t.own.user.id }],
    expect: everyone(200, { user: 404, actas: 403 }),
    after: async (actor, response, client) => {
      if (response.status !== 200) return;
      const back = await client.delete("/api/session/act-as");
      assert.equal(back.status, 200, back.text);
    },
  },
  // The target is looked up in the actor's user scope first: a User-level actor sees only
  // themself, so every other target is missing (404) before the level check (403).
  { name: "POST /session/act-as (out of area)", twin: true, req: (a, c, t, m) => ["POST", "/api/session/act-as", { user_id: m ? MISSING : t.outOfArea.user.id }], expect: everyone(404) },
  { name: "POST /session/act-as (other account)", twin: true, req: (a, c, t, m) => ["POST", "/api/session/act-as", { user_id: m ? MISSING : t.otherAccount.user.id }], expect: everyone(404) },
  {
    name: "POST /session/act-as (a regular administrator)",
    req: (a) => ["POST", "/api/session/act-as", { user_id: a === "other" ? F.otherMe.user_id : F.me.user_id }],
    // Oneself for the administrators (403); never a regular administrator for a local one (404).
    expect: expect({ other: 403, admin: 403, la_a: 404, la_b: 404, user: 404, actas: 404 }),
  },
  { name: "POST /session/act-as (disabled user)", req: () => ["POST", "/api/session/act-as", { user_id: F.disabled.id }], expect: expect({ other: 404, admin: 403, la_a: 403, la_b: 404, user: 404, actas: 403 }) },
  {
    name: "DELETE /session/act-as",
    kind: "me",
    req: () => ["DELETE", "/api/session/act-as"],
    expect: everyone(409, { actas: 200 }),
    after: async (actor) => actor === "actas" && actAsLaA(),
  },

  // Areas (R06): regular administrators only.
  { name: "GET /areas", kind: "area", req: () => ["GET", "/api/areas"], expect: everyone(403, { other: 200, admin: 200 }) },
  { name: "POST /areas", kind: "area", creates: "area", req: (a) => ["POST", "/api/areas", { code: tmpCode(a, "AREA") }], expect: everyone(403, { other: 201, admin: 201 }) },
  { name: "GET /areas/{own}", kind: "area", req: (a, c, t) => ["GET", `/api/areas/${t.own.area.id}`], expect: everyone(403, { other: 200, admin: 200 }) },
  { name: "GET /areas/{other account}", twin: true, req: (a, c, t, m) => ["GET", `/api/areas/${m ? MISSING : t.otherAccount.area.id}`], expect: everyone(403, { other: 404, admin: 404 }) },
  {
    name: "PUT /areas/{throwaway}",
    kind: "area",
    req: async (a, c, t) => {
      const area = tmp[a].area ?? t.own.area;
      return ["PUT", `/api/areas/${area.id}`, { code: area.code, description: "renamed", version: await version(c, `/api/areas/${area.id}`) }];
    },
    expect: everyone(403, { other: 200, admin: 200 }),
  },
  { name: "PUT /areas/{other account}", twin: true, req: (a, c, t, m) => ["PUT", `/api/areas/${m ? MISSING : t.otherAccount.area.id}`, { code: "HIJACK", version: t.otherAccount.area.version }], expect: everyone(403, { other: 404, admin: 404 }) },
  { name: "DELETE /areas/{other account}", twin: true, req: (a, c, t, m) => ["DELETE", `/api/areas/${m ? MISSING : t.otherAccount.area.id}?version=${t.otherAccount.area.version}`], expect: everyone(403, { other: 404, admin: 404 }) },
  { name: "DELETE /areas/{own, in use}", req: (a, c, t) => ["DELETE", `/api/areas/${t.own.area.id}?version=${t.own.area.version}`], expect: everyone(403, { other: 409, admin: 409 }) },
  {
    name: "DELETE /areas/{throwaway}",
    deletes: "area",
    req: async (a, c, t) => {
      const area = tmp[a].area ?? t.own.area;
      return ["DELETE", `/api/areas/${area.id}?version=${await version(c, `/api/areas/${area.id}`)}`];
    },
    expect: everyone(403, { other: 204, admin: 204 }),
  },

  // Directories (R08): read by administrators, managed by regular administrators.
  { name: "GET /directories", kind: "directory", req: () => ["GET", "/api/directories"], expect: everyone(200, { user: 403 }) },
  {
    name: "POST /directories",
    kind: "directory",
    creates: "directory",
    req: (a) => ["POST", "/api/directories", { code: tmpCode(a, "DIR"), name: "Throwaway directory" }],
    expect: everyone(403, { other: 201, admin: 201 }),
  },
  { name: "GET /directories/{own}", kind: "directory", req: (a, c, t) => ["GET", `/api/directories/${t.own.dir.id}`], expect: everyone(200, { user: 403 }) },
  { name: "GET /directories/{out of area}", twin: true, req: (a, c, t, m) => ["GET", `/api/directories/${m ? MISSING : t.outOfArea.dir.id}`], expect: everyone(404, { user: 403 }) },
  { name: "GET /directories/{other account}", twin: true, req: (a, c, t, m) => ["GET", `/api/directories/${m ? MISSING : t.otherAccount.dir.id}`], expect: everyone(404, { user: 403 }) },
  {
    name: "PUT /directories/{throwaway}",
    kind: "directory",
    req: async (a, c, t) => {
      const dir = tmp[a].directory ?? t.own.dir;
      return ["PUT", `/api/directories/${dir.id}`, { code: dir.code, name: "Renamed", multidimensional: dir.multidimensional, area_id: dir.area_id, version: await version(c, `/api/directories/${dir.id}`) }];
    },
    expect: everyone(403, { other: 200, admin: 200 }),
  },
  {
    name: "PUT /directories/{other account}",
    twin: true,
    req: (a, c, t, m) => ["PUT", `/api/directories/${m ? MISSING : t.otherAccount.dir.id}`, { code: "HIJACK", name: "Hijack", version: t.otherAccount.dir.version }],
    expect: everyone(403, { other: 404, admin: 404 }),
  },

  // Companies (R07, R11–R14, R20, R23).
  { name: "GET /companies", kind: "company", req: () => ["GET", "/api/companies?limit=200"], expect: everyone(200) },
  { name: "GET /companies?area_id={other area}", kind: "company", req: (a, c, t) => ["GET", `/api/companies?area_id=${t.outOfArea.area.id}`], expect: everyone(200) },
  { name: "GET /companies?directory_id={other account}", kind: "company", req: (a, c, t) => ["GET", `/api/companies?directory_id=${t.otherAccount.dir.id}`], expect: everyone(200) },
  {
    name: "POST /companies (own area)",
    kind: "company",
    creates: "company",
    req: (a, c, t) => ["POST", "/api/companies", { code: tmpCode(a, "COMP"), name: "Throwaway company", directory_id: t.own.dir.id }],
    expect: everyone(201, { user: 403 }),
  },
  {
    name: "POST /companies (another area)",
    req: (a, c, t) => ["POST", "/api/companies", { code: tmpCode(a, "COMP-X"), name: "Refused", directory_id: t.own.dir.id, area_id: t.outOfArea.area.id }],
    expect: everyone(403, { other: 422, admin: 422 }),
  },
  {
    name: "POST /companies (other account's directory)",
    twin: true,
    req: (a, c, t, m) => ["POST", "/api/companies", { code: tmpCode(a, "COMP-Y"), name: "Refused", directory_id: m ? MISSING : t.otherAccount.dir.id }],
    // A User-level actor is refused on its level before any directory is looked up.
    expect: everyone(422, { user: 403 }),
  },
  { name: "GET /companies/{own}", kind: "company", req: (a, c, t) => ["GET", `/api/companies/${t.own.company.id}`], expect: everyone(200) },
  { name: "GET /companies/{out of area}", twin: true, req: (a, c, t, m) => ["GET", `/api/companies/${m ? MISSING : t.outOfArea.company.id}`], expect: everyone(404) },
  { name: "GET /companies/{other account}", twin: true, req: (a, c, t, m) => ["GET", `/api/companies/${m ? MISSING : t.otherAccount.company.id}`], expect: everyone(404) },
  {
    name: "PUT /companies/{throwaway}",
    kind: "company",
    req: async (a, c, t) => {
      const company = tmp[a].company ?? t.own.company;
      return ["PUT", `/api/companies/${company.id}`, {
        code: company.code, name: "Renamed company", directory_id: company.directory_id, area_id: company.area_id,
        version: await version(c, `/api/companies/${company.id}`),
      }];
    },
    expect: everyone(200, { user: 403 }),
  },
  {
    name: "PUT /companies/{out of area}",
    twin: true,
    req: (a, c, t, m) => {
      const company = t.outOfArea.company;
      return ["PUT", `/api/companies/${m ? MISSING : company.id}`, { code: "HIJACK", name: "Hijack", directory_id: company.directory_id, area_id: company.area_id, version: company.version }];
    },
    expect: everyone(404),
  },
  {
    name: "PUT /companies/{other account}",
    twin: true,
    req: (a, c, t, m) => {
      const company = t.otherAccount.company;
      return ["PUT", `/api/companies/${m ? MISSING : company.id}`, { code: "HIJACK", name: "Hijack", directory_id: company.directory_id, version: company.version }];
    },
    expect: everyone(404),
  },
  ...["projects", "employees"].flatMap((what) => [
    { name: `GET /companies/{own}/${what}`, kind: what.slice(0, -1), req: (a, c, t) => ["GET", `/api/companies/${t.own.company.id}/${what}`], expect: everyone(200) },
    { name: `GET /companies/{out of area}/${what}`, twin: true, req: (a, c, t, m) => ["GET", `/api/companies/${m ? MISSING : t.outOfArea.company.id}/${what}`], expect: everyone(404) },
    { name: `GET /companies/{other account}/${what}`, twin: true, req: (a, c, t, m) => ["GET", `/api/companies/${m ? MISSING : t.otherAccount.company.id}/${what}`], expect: everyone(404) },
  ]),
  { name: "GET /about/companies", kind: "company", req: () => ["GET", "/api/about/companies?limit=200"], expect: everyone(200) },

  // User groups (R09, R11, R12).
  { name: "GET /groups", kind: "group", req: () => ["GET", "/api/groups?limit=200"], expect: everyone(200) },
  { name: "GET /options", req: () => ["GET", "/api/options"], expect: everyone(200) },
  {
    name: "POST /groups (own area)",
    kind: "group",
    creates: "group",
    req: (a) => ["POST", "/api/groups", { code: tmpCode(a, "GROUP"), access_level: "user", options: ["projects_read"] }],
    expect: everyone(201, { user: 403 }),
  },
  {
    name: "POST /groups (another area)",
    req: (a, c, t) => ["POST", "/api/groups", { code: tmpCode(a, "GROUP-X"), access_level: "user", area_id: t.outOfArea.area.id }],
    expect: everyone(403, { other: 422, admin: 422 }),
  },
  { name: "GET /groups/{own}", kind: "group", req: (a, c, t) => ["GET", `/api/groups/${t.own.group.id}`], expect: everyone(200) },
  { name: "GET /groups/{out of area}", twin: true, req: (a, c, t, m) => ["GET", `/api/groups/${m ? MISSING : t.outOfArea.group.id}`], expect: everyone(404) },
  { name: "GET /groups/{other account}", twin: true, req: (a, c, t, m) => ["GET", `/api/groups/${m ? MISSING : t.otherAccount.group.id}`], expect: everyone(404) },
  {
    name: "PUT /groups/{throwaway}",
    kind: "group",
    req: async (a, c, t) => {
      const group = tmp[a].group ?? t.own.group;
      return ["PUT", `/api/groups/${group.id}`, {
        code: group.code, description: "renamed", access_level: group.access_level, area_id: group.area_id, options: group.options,
        version: await version(c, `/api/groups/${group.id}`),
      }];
    },
    expect: everyone(200, { user: 403 }),
  },
  {
    name: "PUT /groups/{own group}",
    kind: "group",
    req: async (a, c, t) => {
      const group = t.own.ownGroup;
      return ["PUT", `/api/groups/${group.id}`, {
        code: group.code, description: group.description, access_level: group.access_level, area_id: group.area_id, options: group.options,
        version: await version(c, `/api/groups/${group.id}`),
      }];
    },
    // R12: a local administrator cannot change the group they belong to.
    expect: everyone(403, { other: 200, admin: 200 }),
  },
  {
    name: "PUT /groups/{out of area}",
    twin: true,
    req: (a, c, t, m) => {
      const group = t.outOfArea.group;
      return ["PUT", `/api/groups/${m ? MISSING : group.id}`, { code: "HIJACK", access_level: "user", area_id: group.area_id, version: group.version }];
    },
    expect: everyone(404),
  },
  { name: "DELETE /groups/{out of area}", twin: true, req: (a, c, t, m) => ["DELETE", `/api/groups/${m ? MISSING : t.outOfArea.group.id}?version=${t.outOfArea.group.version}`], expect: everyone(404) },
  {
    name: "DELETE /groups/{own, with members}",
    req: async (a, c, t) => ["DELETE", `/api/groups/${t.own.group.id}?version=${await version(c, `/api/groups/${t.own.group.id}`)}`],
    expect: everyone(409, { user: 403 }),
  },

  // Users (R10, R12, R15–R18).
  { name: "GET /users", kind: "user", req: () => ["GET", "/api/users?limit=200"], expect: everyone(200) },
  { name: "GET /users?area_id={other area}", kind: "user", req: (a, c, t) => ["GET", `/api/users?area_id=${t.outOfArea.area.id}`], expect: everyone(200) },
  { name: "GET /users?group_id={out of area}", kind: "user", req: (a, c, t) => ["GET", `/api/users?group_id=${t.outOfArea.group.id}`], expect: everyone(200) },
  {
    name: "POST /users (own area)",
    kind: "user",
    creates: "user",
    req: (a, c, t) => ["POST", "/api/users", { user_code: tmpEmail(a), name: "Throwaway User", group_id: t.own.group.id }],
    expect: everyone(201, { user: 403 }),
  },
  {
    name: "POST /users (group of another area)",
    twin: true,
    req: (a, c, t, m) => ["POST", "/api/users", { user_code: `x.${tmpEmail(a)}`, name: "Refused", group_id: m ? MISSING : t.outOfArea.group.id }],
    expect: everyone(422),
  },
  {
    name: "POST /users (group of another account)",
    twin: true,
    req: (a, c, t, m) => ["POST", "/api/users", { user_code: `y.${tmpEmail(a)}`, name: "Refused", group_id: m ? MISSING : t.otherAccount.group.id }],
    expect: everyone(422),
  },
  { name: "GET /users/{own area}", kind: "user", req: (a, c, t) => ["GET", `/api/users/${t.own.user.id}`], expect: everyone(200) },
  { name: "GET /users/{out of area}", twin: true, req: (a, c, t, m) => ["GET", `/api/users/${m ? MISSING : t.outOfArea.user.id}`], expect: everyone(404) },
  { name: "GET /users/{other account}", twin: true, req: (a, c, t, m) => ["GET", `/api/users/${m ? MISSING : t.otherAccount.user.id}`], expect: everyone(404) },
  {
    name: "GET /users/{regular administrator}",
    twin: true,
    req: (a, c, t, m) => ["GET", `/api/users/${m ? MISSING : F.me.user_id}`],
    expect: everyone(404, { admin: 200 }),
  },
  {
    name: "PUT /users/{throwaway}",
    kind: "user",
    req: async (a, c, t) => {
      const user = tmp[a].user ?? t.own.self;
      return ["PUT", `/api/users/${user.id}`, { user_code: user.user_code ?? "x@y.test", name: "Renamed User", version: await version(c, `/api/users/${user.id}`) }];
    },
    expect: everyone(200, { user: 403 }),
  },
  {
    name: "PUT /users/{out of area}",
    twin: true,
    req: (a, c, t, m) => ["PUT", `/api/users/${m ? MISSING : t.outOfArea.user.id}`, { user_code: "hijack@demo.precinct.test", name: "Hijack", version: t.outOfArea.user.version }],
    expect: everyone(404),
  },
  {
    name: "PUT /users/{other account}",
    twin: true,
    req: (a, c, t, m) => ["PUT", `/api/users/${m ? MISSING : t.otherAccount.user.id}`, { user_code: "hijack@other.test", name: "Hijack", version: t.otherAccount.user.version }],
    expect: everyone(404),
  },
  ...["disable", "enable"].map((verb) => ({
    name: `POST /users/{throwaway}/${verb}`,
    kind: "user",
    req: async (a, c, t) => {
      const user = tmp[a].user ?? t.own.self;
      return ["POST", `/api/users/${user.id}/${verb}`, { version: await version(c, `/api/users/${user.id}`) }];
    },
    expect: everyone(200, { user: 403 }),
  })),
  ...["disable", "enable"].map((verb) => ({
    name: `POST /users/{out of area}/${verb}`,
    twin: true,
    req: (a, c, t, m) => ["POST", `/api/users/${m ? MISSING : t.outOfArea.user.id}/${verb}`, { version: t.outOfArea.user.version }],
    expect: everyone(404),
  })),
  {
    name: "POST /users/{self}/disable",
    req: async (a, c, t) => ["POST", `/api/users/${t.own.self.id}/disable`, { version: await version(c, `/api/users/${t.own.self.id}`) }],
    expect: everyone(403),
  },
  {
    name: "POST /users/{throwaway}/move (own area)",
    kind: "user",
    req: async (a, c, t) => {
      const user = tmp[a].user ?? t.own.self;
      const group = tmp[a].group ?? t.own.group;
      return ["POST", `/api/users/${user.id}/move`, { group_id: group.id, confirm_move_across_areas: true, version: await version(c, `/api/users/${user.id}`) }];
    },
    expect: everyone(200, { user: 403 }),
  },
  {
    name: "POST /users/{throwaway}/move (group of another area)",
    twin: true,
    req: async (a, c, t, m) => {
      const user = tmp[a].user ?? t.own.self;
      return ["POST", `/api/users/${user.id}/move`, { group_id: m ? MISSING : t.outOfArea.group.id, confirm_move_across_areas: true, version: await version(c, `/api/users/${user.id}`) }];
    },
    expect: everyone(422),
  },
  {
    name: "POST /users/{out of area}/move",
    twin: true,
    req: (a, c, t, m) => ["POST", `/api/users/${m ? MISSING : t.outOfArea.user.id}/move`, { group_id: t.own.group.id, version: t.outOfArea.user.version }],
    expect: everyone(404),
  },
  { name: "GET /users/{own area}/companies", kind: "access", req: (a, c, t) => ["GET", `/api/users/${t.own.user.id}/companies`], expect: everyone(200) },
  { name: "GET /users/{out of area}/companies", twin: true, req: (a, c, t, m) => ["GET", `/api/users/${m ? MISSING : t.outOfArea.user.id}/companies`], expect: everyone(404) },
  {
    name: "PUT /users/{own area}/companies",
    kind: "access",
    req: async (a, c, t) => ["PUT", `/api/users/${t.own.user.id}/companies`, { company_ids: t.own.ticks.map((x) => x.id), version: await version(c, `/api/users/${t.own.user.id}`) }],
    expect: everyone(200, { user: 403 }),
  },
  {
    name: "PUT /users/{own area}/companies (company of another area)",
    twin: true,
    req: async (a, c, t, m) => ["PUT", `/api/users/${t.own.user.id}/companies`, { company_ids: [m ? MISSING : t.outOfArea.company.id], version: await version(c, `/api/users/${t.own.user.id}`) }],
    expect: everyone(422, { user: 403 }),
  },
  {
    name: "PUT /users/{own area}/companies (company of another account)",
    twin: true,
    req: async (a, c, t, m) => ["PUT", `/api/users/${t.own.user.id}/companies`, { company_ids: [m ? MISSING : t.otherAccount.company.id], version: await version(c, `/api/users/${t.own.user.id}`) }],
    expect: everyone(422, { user: 403 }),
  },
  {
    name: "PUT /users/{out of area}/companies",
    twin: true,
    req: (a, c, t, m) => ["PUT", `/api/users/${m ? MISSING : t.outOfArea.user.id}/companies`, { company_ids: [], version: t.outOfArea.user.version }],
    expect: everyone(404),
  },
  { name: "GET /pickers/users", kind: "user", req: () => ["GET", "/api/pickers/users?limit=200"], expect: everyone(200) },
  { name: "GET /pickers/user-in-charge", kind: "user", req: () => ["GET", "/api/pickers/user-in-charge?limit=200"], expect: everyone(200) },

  // History (R21) and reports (R22).
  {
    name: "GET /history",
    kind: "history",
    req: () => ["GET", "/api/history?limit=200"],
    expect: everyone(200, { user: 403 }),
    check: (actor, json) => {
      const area = { la_a: "AREA-A", actas: "AREA-A", la_b: "AREA-B" }[actor];
      if (!area) return [];
      return json.items.filter((entry) => entry.area_code !== area).map((entry) => `entry ${entry.id} of area ${entry.area_code}: ${entry.summary}`);
    },
  },
  { name: "GET /history?entity_kind=company&entity_id={out of area}", kind: "history", req: (a, c, t) => ["GET", `/api/history?entity_kind=company&entity_id=${t.outOfArea.company.id}`], expect: everyone(200, { user: 403 }), check: (actor, json) => (json.items.length === 0 ? [] : [`${json.items.length} entries`]) },
  {
    name: "GET /reports",
    kind: "report",
    req: () => ["GET", "/api/reports?limit=200"],
    expect: everyone(200),
    check: (actor, json) => {
      const want = { admin: ["REPORT-A", "REPORT-B", "REPORT-NONE"], other: ["OTHER-REPORT"], la_a: ["REPORT-A"], actas: ["REPORT-A"], la_b: ["REPORT-B"], user: ["REPORT-A"] }[actor];
      const got = json.items.map((r) => r.code).sort();
      return JSON.stringify(got) === JSON.stringify(want) ? [] : [`reports ${got}`];
    },
  },

  // Deletions of the throwaway records, then the refused ones.
  {
    name: "DELETE /users/{throwaway}",
    deletes: "user",
    req: async (a, c, t) => {
      const user = tmp[a].user ?? t.own.self;
      return ["DELETE", `/api/users/${user.id}?version=${await version(c, `/api/users/${user.id}`)}`];
    },
    expect: everyone(204, { user: 403 }),
  },
  { name: "DELETE /users/{out of area}", twin: true, req: (a, c, t, m) => ["DELETE", `/api/users/${m ? MISSING : t.outOfArea.user.id}?version=${t.outOfArea.user.version}`], expect: everyone(404) },
  { name: "DELETE /users/{other account}", twin: true, req: (a, c, t, m) => ["DELETE", `/api/users/${m ? MISSING : t.otherAccount.user.id}?version=${t.otherAccount.user.version}`], expect: everyone(404) },
  {
    name: "DELETE /users/{regular administrator}",
    req: () => ["DELETE", `/api/users/${F.me.user_id}?version=1`],
    // Oneself for the demo administrator (403 cannot_delete_self); invisible to everyone else.
    expect: everyone(404, { admin: 403 }),
  },
  {
    name: "DELETE /groups/{throwaway}",
    deletes: "group",
    req: async (a, c, t) => {
      const group = tmp[a].group ?? t.own.group;
      return ["DELETE", `/api/groups/${group.id}?version=${await version(c, `/api/groups/${group.id}`)}`];
    },
    expect: everyone(204, { user: 403 }),
  },
  { name: "DELETE /session", req: () => ["DELETE", "/api/session"], expect: everyone(204, { anon: 204, disabled: 204 }) },
];

const AREA_NAME = () => ({ [F.areaA.id]: "A", [F.areaB.id]: "B" });

async function runCell(cell, actor) {
  const client = clients[actor];
  const t = targets(actor);
  const [method, path, body, headers] = await cell.req(actor, client, t, false);
  const response = await client.request(method, path, body, headers);
  cells += 1;
  const label = `${cell.name} [${method} ${path}]`;
  const want = cell.expect[actor];
  if (response.status !== want) {
    cellFailures.push(`${actor} ${label}: expected ${want}, got ${response.status} ${response.text.slice(0, 200)}`);
  }
  if (response.status >= 400 && !(response.json && response.json.status === response.status && typeof response.json.message === "string")) {
    cellFailures.push(`${actor} ${label}: error without a problem body: ${response.text.slice(0, 200)}`);
  }
  if (response.text && !cell.noScan) scan(actor, label, cell.kind, response);
  for (const problem of cell.check && response.status === 200 ? cell.check(actor, response.json) : []) {
    leaks.push(`${actor} ${label}: ${problem}`);
  }
  if (cell.twin && response.status >= 400 && !["anon", "disabled"].includes(actor)) {
    const [m2, p2, b2, h2] = await cell.req(actor, client, t, true);
    const missing = await client.request(m2, p2, b2, h2);
    if (missing.status !== response.status || JSON.stringify(missing.json) !== JSON.stringify(response.json)) {
      leaks.push(`${actor} ${label}: out-of-scope answer differs from a missing record's: ${response.status} ${response.text} vs ${missing.status} ${missing.text}`);
    }
  }
  if (cell.creates && response.status === 201) {
    const record = response.json;
    tmp[actor][cell.creates] = record;
    const account = actor === "other" ? "other" : "demo";
    const area = record.area_id === undefined || record.area_id === null ? null : AREA_NAME()[record.area_id] ?? null;
    register(cell.creates, record.id, account, area, { open: cell.creates === "directory" && !record.multidimensional });
  }
  if (cell.deletes && response.status === 204) {
    // SQLite reuses the id of a deleted last row: forget the record so a later one can have it.
    const id = tmp[actor][cell.deletes]?.id;
    for (let i = records.length - 1; i >= 0; i--) {
      if (records[i].kind === cell.deletes && records[i].id === id) records.splice(i, 1);
    }
  }
  if (cell.after) await cell.after(actor, response, client);
}

test("authorization matrix: every endpoint × every actor, statuses and no foreign ids", { timeout: 120_000 }, async () => {
  buildRegistry();
  for (const actor of ACTORS) {
    for (const cell of CELLS) await runCell(cell, actor);
  }
  console.log(`authz matrix: ${cells} cells, ${leaks.length} leaks`);
  assert.deepEqual(leaks, [], `leaks:\n${leaks.join("\n")}`);
  assert.deepEqual(cellFailures, [], `cells with another status:\n${cellFailures.join("\n")}`);
});

test("r05 an administrator acting as la_a has exactly la_a's rights, keeps the real user, and history records both", async () => {
  const actas = await signedIn(fx.worker.url);
  const la = await fx.signIn("la_a");
  const started = await actas.post("/api/session/act-as", { user_id: F.la_a.id });
  assert.equal(started.status, 200, started.text);
  const [me, them] = [(await actas.get("/api/session")).json, (await la.get("/api/session")).json];
  assert.equal(me.real_user_code, DEMO.user_code);
  assert.equal(them.real_user_code, undefined);
  for (const field of ["user_id", "user_code", "access_level", "area_id", "area_code", "options", "account_id"]) {
    assert.deepEqual(me[field], them[field], field);
  }
  for (const path of ["/api/companies?limit=200", "/api/users?limit=200", "/api/groups?limit=200", "/api/reports", "/api/pickers/user-in-charge?limit=200", "/api/directories"]) {
    const [mine, theirs] = [await actas.get(path), await la.get(path)];
    assert.equal(mine.status, theirs.status, path);
    assert.deepEqual(mine.json, theirs.json, path);
  }
  // A change made while acting names both the real user and the one acted as.
  const created = await actas.post("/api/groups", { code: "IMPERSONATED-GROUP", access_level: "user" });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.area_id, F.areaA.id);
  const entry = fx.read(`SELECT actor_user_code, on_behalf_of_user_code, area_id FROM history WHERE account_id = ${F.me.account_id} AND entity_kind = 'group' AND action = 'created' AND summary LIKE '%IMPERSONATED-GROUP%'`);
  assert.deepEqual(entry, [{ actor_user_code: DEMO.user_code, on_behalf_of_user_code: CODES.la_a, area_id: F.areaA.id }]);
  // And an impersonated local administrator still cannot see a regular administrator.
  assert.equal((await actas.get(`/api/users/${F.me.user_id}`)).status, 404);
});

test("r12 the users list of a local administrator holds no regular administrator; r19 the user-in-charge picker offers them", async () => {
  const la = await fx.signIn("la_a");
  const users = (await la.get("/api/users?limit=200")).json.items;
  assert.ok(users.length > 0);
  assert.ok(users.every((u) => u.access_level !== "administrator" && u.area_id === F.areaA.id), JSON.stringify(users));
  const picker = (await la.get("/api/pickers/user-in-charge?limit=200")).json.items.map((u) => u.id);
  assert.ok(picker.includes(F.me.user_id));
  assert.ok(picker.includes(F.user.id));
  assert.ok(!picker.includes(F.la_b.id) && !picker.includes(F.user_b.id));
  // Twin: the user-level actor is offered no one.
  const user = await fx.signIn("user");
  assert.deepEqual((await user.get("/api/pickers/user-in-charge")).json.items, []);
  assert.deepEqual((await user.get("/api/users")).json.items.map((u) => u.id), [F.user.id]);
});
