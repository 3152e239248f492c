// Renames the console's wasm imports to short names, in the wasm and in wasm-bindgen's glue alike.
// wasm-bindgen names each import `__wbg_<name>_<16 hex digits>`: 163 such names, written in both
// files, cost about 4 KB of the console's 250 KB gzip budget, and hex digits hardly compress.
// Usage: node scripts/shorten-imports.mjs dist/app_bg.wasm dist/app.js
// It refuses (and changes nothing) unless every import name appears in the glue and none is left.
import { readFileSync, writeFileSync } from "node:fs";

const [wasmPath, jsPath] = process.argv.slice(2);
if (!wasmPath || !jsPath) {
  console.error("usage: shorten-imports.mjs <app_bg.wasm> <app.js>");
  process.exit(2);
}

const wasm = readFileSync(wasmPath);
let glue = readFileSync(jsPath, "utf8");

function readU32(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(byte & 0x80)) return [value, at];
  }
}

function u32(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return Buffer.from(out);
}

function name(text) {
  const bytes = Buffer.from(text, "utf8");
  return Buffer.concat([u32(bytes.length), bytes]);
}

/** Skips a table's or a memory's limits. */
function skipLimits(bytes, at) {
  const flags = bytes[at++];
  [, at] = readU32(bytes, at);
  if (flags & 1) [, at] = readU32(bytes, at);
  return at;
}

/** Skips one import's description (function, table, memory, global, tag). */
function skipDescription(bytes, at) {
  const kind = bytes[at++];
  switch (kind) {
    case 0: return readU32(bytes, at)[1];
    case 1: return skipLimits(bytes, at + 1);
    case 2: return skipLimits(bytes, at);
    case 3: return at + 2;
    case 4: return readU32(bytes, at + 1)[1];
    default: throw new Error(`unknown import kind ${kind}`);
  }
}

function fail(message) {
  console.error(`shorten-imports: ${message}; nothing changed`);
  process.exit(1);
}

if (wasm.readUInt32LE(0) !== 0x6d736100) fail(`${wasmPath} is not wasm`);
let at = 8;
const parts = [wasm.subarray(0, 8)];
const renamed = new Map();
while (at < wasm.length) {
  const start = at;
  const id = wasm[at++];
  let size;
  [size, at] = readU32(wasm, at);
  const end = at + size;
  if (id !== 2) {
    parts.push(wasm.subarray(start, end));
    at = end;
    continue;
  }
  let count;
  [count, at] = readU32(wasm, at);
  const entries = [u32(count)];
  for (let index = 0; index < count; index++) {
    let length;
    [length, at] = readU32(wasm, at);
    const module = wasm.subarray(at, at + length).toString("utf8");
    at += length;
    [length, at] = readU32(wasm, at);
    const field = wasm.subarray(at, at + length).toString("utf8");
    at += length;
    const description = wasm.subarray(at, skipDescription(wasm, at));
    at += description.length;
    const short = `W${index.toString(36)}`;
    renamed.set(field, short);
    entries.push(name(module), name(short), description);
  }
  if (at !== end) fail("the import section did not parse to its end");
  const content = Buffer.concat(entries);
  parts.push(Buffer.from([2]), u32(content.length), content);
  at = end;
}
if (renamed.size === 0) fail("no imports found");

// An import name as a whole identifier (not part of a longer one).
const identifier = (text, flags = "") =>
  new RegExp(`(?<![\\w$])${text.replace(/[$]/g, "\\$")}(?![\\w$])`, flags);
for (const [field, short] of renamed) {
  if (identifier(short).test(glue)) fail(`${short} is already used in the glue`);
  if (!identifier(field).test(glue)) fail(`import ${field} is not in the glue`);
  glue = glue.replace(identifier(field, "g"), short);
}

writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(jsPath, glue);
console.log(`shorten-imports: ${renamed.size} imports renamed`);
