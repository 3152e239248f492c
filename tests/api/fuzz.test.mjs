// Hostile bodies at every write operation of the OpenAPI description: wrong types, arrays,
// duplicated keys, huge and unicode-hostile strings, deep nesting, extra fields. Whatever comes,
// the worker answers a problem body (never a 5xx), names the field of a field fault, and a refused
// request changes nothing in D1. Generated from a seeded random source, so a failure replays.
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
];

/** A body of the operation's shape with plausible values, from its schema. */
function plausible(schema) {
  const body = {};
  for (const [name, property] of Object.entries(schema?.properties ?? {})) {
    if (property.enum) body[name] = property.enum[0];
    else if ([].concat(property.type).includes("integer")) body[name] = 1;
    else if ([].concat(property.type).includes("boolean")) body[name] = false;
    else if ([].concat(property.type).includes("array")) body[name] = [];
    else body[name] = property.format === "email" ? "fuzz@demo.precinct.test" : "FUZZ";
  }
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
      const base = plausible(schema);
      const bodies = RAW_BODIES.map((text) => text);
      for (const field of Object.keys(base)) {
        for (let i = 0; i < 8; i++) bodies.push(JSON.stringify({ ...base, [field]: pick(HOSTILE_VALUES) }));
        const { [field]: _, ...without } = base;
        bodies.push(JSON.stringify(without));
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
