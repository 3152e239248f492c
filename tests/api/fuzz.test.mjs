// Hostile bodies at every write operation of the OpenAPI description: wrong types, arrays,
// duplicated keys, huge and unicode-hostile strings, deep nesting, extra fields. Whatever comes,
// the worker answers a problem body (never a 5xx), names the field of a field fault, and a refused
// request changes nothing in D1. Generated from a seeded random source, so a failure replays.
// Each hostile value is set in a body otherwise plausible (the schema's `$ref`s, alternatives and
// nested objects followed, real records and versions, a real dry run's token), so it reaches the
// rules, the CSV reader and the planners behind the first checks.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup } from "./fixtures.mjs";
import { Client } from "../harness.mjs";

let fx, spec;
before(async () => {
  fx = await setup();
  spec = (await fx.admin.get("/api/openapi.json")).json;
});
after(async () => {
  await fx?.worker.stop();
});

/** A small deterministic random source (mulberry32). */
function random(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_VALUES = [
  true, false, 0, -1, 1.5, 1e308, -9007199254740993, 2 ** 63, "", " ", "x".repeat(5000), [], [1, "a"], {}, { nested: { deeper: [] } }, null,
  "\u202Egnp.exe", "a\u200Bb", "nul\u0000byte", "line\r\nbreak", "😀".repeat(40), "' OR 1=1 --", "<script>alert(1)</script>",
  "../../etc/passwd", "%00", "\uFEFFbom", "Ω≈ç√∫", "é".normalize("NFD"),
  // Files a spreadsheet never writes (the import's `file`).
  'user_code,name,group\n"unterminated', "user_code;name;group\r\n=cmd|' /C calc'!A0;x;y\r\n",
  "user_code,name,group\n" + "a,".repeat(3000), "\uFEFF\uFEFF,,,\n\n\n",
];

/** A schema with its `$ref`s followed. */
function deref(schema) {
  while (schema?.$ref) schema = resolve(schema.$ref);
  return schema;
}

/** Records of the fixtures a field's name points at, so a plausible body reaches the checks
 *  behind the first ones (the rules, the CSV reader, the mail settings, the bulk planner). */
const RECORD_OF = {
  group_id: () => fx.F.groupUserA.id, area_id: () => fx.F.areaA.id, directory_id: () => fx.F.dirPlain.id,
  company_id: () => fx.F.compA1.id, user_id: () => fx.F.user.id, user_ids: () => [fx.F.user.id],
  company_ids: () => [fx.F.compA1.id],
};

/** A plausible value of `property` (named `name`), following `$ref`, `anyOf`/`oneOf`/`allOf`
 *  and nested objects. */
function valueFor(name, property, depth) {
  property = deref(property);
  const alternatives = property?.anyOf ?? property?.oneOf;
  if (alternatives) {
    const choices = alternatives.map(deref).filter((s) => s?.type !== "null");
    return valueFor(name, choices.find((s) => s?.const === "user") ?? choices[0] ?? alternatives[0], depth);
  }
  if (property?.allOf) return valueFor(name, property.allOf[0], depth);
  // The User level: a group of it takes an area, ticks and every option a local one would.
  if (property?.enum) return property.enum.includes("user") ? "user" : property.enum.find((value) => value !== null);
  if (property?.const !== undefined) return property.const;
  const types = [].concat(property?.type ?? []);
  if (RECORD_OF[name]) return RECORD_OF[name]();
  if (types.includes("integer") || types.includes("number")) return 1;
  if (types.includes("boolean")) return false;
  if (types.includes("array")) return [];
  if (types.includes("object") && depth < 3) return plausible(property, depth + 1);
  if (name === "file") return "user_code,name,group\nfuzz.line@demo.precinct.test,Fuzz Line,USER-GROUP-A\n";
  if (property?.format === "email" || /user_code|address/.test(name)) return `fuzz${serial}@demo.precinct.test`;
  if (/url/.test(name)) return "https://mail.example.com";
  if (name === "user_in_charge") return "";
  if (name === "api_key") return "re_fuzz_key_123";
  // A new code or name per operation, so one accepted body does not make the next one taken.
  return `FUZZ${serial}`;
}

let serial = 0;

/** A body of the operation's shape with plausible values, from its schema. */
function plausible(schema, depth = 0) {
  const body = {};
  for (const [name, property] of Object.entries(deref(schema)?.properties ?? {})) body[name] = valueFor(name, property, depth);
  return body;
}

function resolve(ref) {
  return ref ? spec.components.schemas[ref.split("/").pop()] : null;
}

/** Raw JSON texts no serializer would write. */
const RAW_BODIES = [
  "[]", '"text"', "42", "null", "{", '{"a":1,"a":2}', "[".repeat(2000) + "]".repeat(2000),
  '{"code":"\\ud800"}', '{"code":"x"} trailing', "\u0000", '{"__proto__":{"admin":true}}',
];

test("fuzz: hostile bodies at every write operation never give a 5xx, always a problem, and a refusal changes nothing", async () => {
  const next = random(20261128);
  const pick = (items) => items[Math.floor(next() * items.length)];
  const state = () =>
    JSON.stringify(
      fx.read(
        "SELECT (SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM users) AS users, " +
          "(SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM user_groups) AS groups, " +
          "(SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM companies) AS companies, " +
          "(SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM areas) AS areas, " +
          "(SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM directories) AS directories, " +
          "(SELECT COUNT(*) FROM user_companies) AS ticks, (SELECT COUNT(*) FROM mail_settings) AS mail, " +
          "(SELECT COALESCE(MAX(id), 0) FROM history) AS history",
      ),
    );
  const ids = { areas: fx.F.areaA.id, directories: fx.F.dirPlain.id, companies: fx.F.compA1.id, groups: fx.F.groupUserA.id, users: fx.F.user.id };
  // A real dry run, so its confirmation is fuzzed past the token.
  const run = await fx.admin.post("/api/imports", { kind: "users", file: "user_code,name,group\nfuzz.token@demo.precinct.test,Fuzz Token,USER-GROUP-A\n" });
  assert.equal(run.status, 200, run.text);
  ids.imports = run.json.token;
  let requests = 0, errors5xx = 0, malformed = 0, accepted = 0;
  const faults = [];
  const send = async (client, method, path, text) => {
    const response = await fetch(fx.worker.url + path, {
      method,
      headers: { "content-type": "application/json", "x-precinct-csrf": "1", origin: fx.worker.url, ...(client.cookie ? { cookie: client.cookie } : {}) },
      body: text,
    });
    const body = await response.text();
    let json = null;
    try { json = JSON.parse(body); } catch {}
    return { status: response.status, json, body };
  };
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const schema = resolve(operation.requestBody?.content?.["application/json"]?.schema?.$ref);
      if (!schema || method === "get") continue;
      const collection = template.split("/")[2];
      const path = template.replaceAll("{id}", String(ids[collection] ?? 1));
      // Signing out and in are fuzzed from a client of their own, so the admin's session stays.
      const client = path.startsWith("/api/session") || path.startsWith("/api/password") ? new Client(fx.worker.url) : fx.admin;
      serial++;
      const base = plausible(schema);
      // The record's own version, so the rules behind the version check are reached; a create
      // takes none.
      if ("version" in base) {
        if (template.includes("{id}")) base.version = (await fx.admin.get(`/api/${collection}/${ids[collection] ?? 1}`)).json?.version ?? 1;
        else delete base.version;
      }
      const bodies = RAW_BODIES.map((text) => text);
      for (const field of Object.keys(base)) {
        for (let i = 0; i < 8; i++) bodies.push(JSON.stringify({ ...base, [field]: pick(HOSTILE_VALUES) }));
        const { [field]: _, ...without } = base;
        bodies.push(JSON.stringify(without));
        // One level down: each field of a nested object.
        const nested = base[field];
        if (nested && typeof nested === "object" && !Array.isArray(nested)) {
          for (const inner of Object.keys(nested)) {
            for (let i = 0; i < 4; i++) bodies.push(JSON.stringify({ ...base, [field]: { ...nested, [inner]: pick(HOSTILE_VALUES) } }));
          }
        }
      }
      bodies.push(JSON.stringify({ ...base, unexpected_field: 1 }));
      bodies.push(JSON.stringify({ ...base, [pick(Object.keys(base).concat("x"))]: "y".repeat(70_000) }));
      for (const text of bodies) {
        const before = state();
        const answer = await send(client, method.toUpperCase(), path, text);
        requests++;
        const what = `${method.toUpperCase()} ${path} ${text.slice(0, 80)} → ${answer.status} ${answer.body.slice(0, 160)}`;
        if (answer.status >= 500) {
          errors5xx++;
          faults.push(what);
          continue;
        }
        if (answer.status < 300) {
          accepted++;
          continue;
        }
        const problem = answer.json;
        const wellFormed = problem && problem.status === answer.status && typeof problem.code === "string" &&
          typeof problem.message === "string" && problem.message.length > 0 &&
          (answer.status !== 422 || typeof problem.field === "string");
        if (!wellFormed) {
          malformed++;
          faults.push(`malformed: ${what}`);
        }
        if (state() !== before) faults.push(`changed D1: ${what}`);
      }
    }
  }
  console.log(`fuzz: ${requests} requests, ${errors5xx} 5xx, ${malformed} malformed problems, ${accepted} accepted`);
  assert.deepEqual(faults, []);
  assert.ok(requests > 500, `only ${requests} requests`);
});
