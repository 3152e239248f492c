// Beyond the anchors, part 2 (issue 15): B04 import and export, B06 bulk actions. Nothing here
// bypasses the policy: each line or person is decided as its single edit, within the actor's
// scopes; a dry run writes nothing, its confirmation writes exactly it, chunk by chunk, each
// chunk one batch with its history; a change in between is refused (409). Every allow has its
// deny twin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, snapshot, assertProblem, expectStatus, CODES } from "./fixtures.mjs";

let fx, F, laA;
before(async () => {
  fx = await setup({ other: false });
  F = fx.F;
  laA = await fx.signIn("la_a");
  // Dana is the fixture's user to disable: a bulk disable leaves her unchanged.
  expectStatus(await fx.admin.post(`/api/users/${F.disabled.id}/disable`, { version: F.disabled.version }), 200);
  expectStatus(await fx.admin.put("/api/settings/mail", {
    provider: "outbox", api_base_url: "", sender_address: "no-reply@demo.precinct.test", sender_name: "Demo",
  }), 200);
});
after(async () => {
  await fx?.worker.stop();
});

const dryRun = (client, file, extra = {}) => client.post("/api/imports", { kind: "users", file, ...extra });
const outcomeOf = (run, line) => run.lines.find((l) => l.line === line);

/** Confirms every chunk of a dry run, in order; answers the last report. */
async function confirmAll(client, run) {
  let report = null;
  for (let chunk = 0; chunk < run.chunks; chunk++) {
    report = expectStatus(await client.post(`/api/imports/${run.token}/confirm`, { chunk }), 200);
  }
  return report;
}

/** The raw bytes of an export (the BOM included), through the client's session. */
async function exportBytes(client, path) {
  const response = await fetch(fx.worker.url + path, { headers: { cookie: client.cookie } });
  return { status: response.status, type: response.headers.get("content-type"), disposition: response.headers.get("content-disposition"), bytes: Buffer.from(await response.arrayBuffer()) };
}

const csvLines = (bytes) => bytes.toString("utf8").replace(/^\uFEFF/, "").trim().split(/\r?\n/);

// ---------------------------------------------------------------------------------------------
// B04 export

test("b04_exports_what_the_reader_may_see_as_csv_with_a_bom_in_either_separator", async () => {
  const all = await exportBytes(fx.admin, "/api/exports/users");
  assert.equal(all.status, 200);
  assert.match(all.type, /^text\/csv/);
  assert.match(all.disposition, /attachment; filename="users.csv"/);
  assert.deepEqual([...all.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], "UTF-8 byte-order mark");
  const lines = csvLines(all.bytes);
  assert.equal(lines[0], "user_code,name,group,language,companies,area,access_level,status,last_sign_in_utc");
  assert.ok(lines.some((line) => line.startsWith(`${CODES.user},Uma User A,USER-GROUP-A,en,COMP-A1,AREA-A,user,active,`)), lines.join("\n"));
  assert.ok(lines.some((line) => line.startsWith(CODES.user_b)));
  // The local administrator of A: the people of area A only (R18), ticks among A's companies.
  const theirs = csvLines((await exportBytes(laA, "/api/exports/users?separator=semicolon")).bytes);
  assert.equal(theirs[0], "user_code;name;group;language;companies;area;access_level;status;last_sign_in_utc");
  assert.ok(theirs.some((line) => line.startsWith(`${CODES.user};`)));
  assert.ok(!theirs.some((line) => line.includes(CODES.user_b) || line.includes("AREA-B")), theirs.join("\n"));
  // Groups and companies, the same way.
  const groups = csvLines((await exportBytes(laA, "/api/exports/groups")).bytes);
  assert.equal(groups[0], "code,description,access_level,area,options,members");
  assert.ok(groups.some((line) => line.startsWith("USER-GROUP-A,")));
  assert.ok(!groups.some((line) => line.startsWith("USER-GROUP-B,") || line.startsWith("ADMINISTRATORS,")));
  const companies = csvLines((await exportBytes(laA, "/api/exports/companies")).bytes);
  assert.equal(companies[0], "code,name,directory,area,user_in_charge");
  assert.deepEqual(companies.slice(1).map((line) => line.split(",")[0]).sort(), ["COMP-A1", "COMP-A2"]);
  // Deny twins: an unknown kind is 404, an unknown separator names the parameter.
  assert.equal((await fx.admin.get("/api/exports/passwords")).status, 404);
  assertProblem(await fx.admin.get("/api/exports/users?separator=tab"), 422, "invalid_value", "separator");
});

// ---------------------------------------------------------------------------------------------
// B04 import: the dry run

test("b04_a_spreadsheet_file_is_planned_line_by_line_and_the_dry_run_writes_nothing", async () => {
  const file = "\uFEFFuser_code;name;group;language;companies\r\n" +
    "zoe.martin@demo.precinct.test;\"Zoé Martin; cheffe d'équipe\";USER-GROUP-A;fr;COMP-A1 COMP-A2\r\n" +
    `${CODES.user};Uma User A;USER-GROUP-A;;COMP-A1\r\n` +
    `${CODES.user};Twice;USER-GROUP-A;;\r\n` +
    "\"broken@demo.precinct.test;Broken \"quote\";USER-GROUP-A;en;\r\n" +
    `${CODES.user_b};Ugo Renamed;USER-GROUP-B;;COMP-B1\r\n` +
    "nogroup@demo.precinct.test;No Group;NO-SUCH-GROUP;;\r\n" +
    "outside@demo.precinct.test;Outside;USER-GROUP-A;;COMP-B1\r\n";
  const before = snapshot(fx.read);
  const run = expectStatus(await dryRun(fx.admin, file), 200);
  assert.deepEqual(snapshot(fx.read), before, "a dry run changed D1");
  assert.deepEqual(run.counts, { create: 1, change: 1, unchanged: 1, refused: 4 });
  assert.equal(run.chunks, 1);
  const created = outcomeOf(run, 2);
  assert.equal(created.outcome, "create");
  assert.equal(created.code, "zoe.martin@demo.precinct.test");
  assert.equal(created.write.kind, "user");
  assert.equal(created.write.name, "Zoé Martin; cheffe d'équipe");
  assert.equal(created.write.language, "fr");
  assert.deepEqual(created.changes.find((c) => c.field === "companies").after.split(" ").sort(), ["COMP-A1", "COMP-A2"]);
  assert.equal(outcomeOf(run, 3).outcome, "unchanged");
  assert.deepEqual([outcomeOf(run, 4).outcome, outcomeOf(run, 4).field], ["refused", "user_code"]);
  assert.match(outcomeOf(run, 4).reason, /line 3/);
  assert.deepEqual([outcomeOf(run, 5).outcome, outcomeOf(run, 5).field], ["refused", "file"]);
  const changed = outcomeOf(run, 6);
  assert.equal(changed.outcome, "change");
  assert.deepEqual(changed.changes, [{ field: "name", before: "Ugo User B", after: "Ugo Renamed" }]);
  assert.deepEqual([outcomeOf(run, 7).field, outcomeOf(run, 7).reason], ["group", "There is no user group NO-SUCH-GROUP."]);
  // R14: a company of another area is not for a user of area A.
  assert.deepEqual([outcomeOf(run, 8).outcome, outcomeOf(run, 8).field], ["refused", "companies"]);
  // A file the server cannot read at all names the field `file`.
  assertProblem(await dryRun(fx.admin, "user_code,name\nx@y.test,X\n"), 422, "invalid_value", "file");
  assertProblem(await dryRun(fx.admin, ""), 422, "invalid_value", "file");
  // Importing is managing users: a User-level person may not (403), and the file is not read.
  const uma = await fx.signIn("user");
  assertProblem(await dryRun(uma, file), 403);
});

test("b04_a_local_administrator_import_naming_another_area_is_refused_row_by_row", async () => {
  const file = "user_code,name,group,companies\n" +
    "la.import.a@demo.precinct.test,Imported A,USER-GROUP-A,COMP-A2\n" +
    "la.import.b@demo.precinct.test,Imported B,USER-GROUP-B,\n" +
    "la.import.c@demo.precinct.test,Imported C,USER-GROUP-A,COMP-B1\n" +
    `${CODES.user_b},Ugo,USER-GROUP-A,\n` +
    "la.import.admin@demo.precinct.test,Admin,ADMINISTRATORS,\n" +
    "la.import.la@demo.precinct.test,Second LA,LOCAL-ADMIN-A,\n";
  const run = expectStatus(await dryRun(laA, file), 200);
  const summary = run.lines.map((l) => `${l.line}:${l.outcome}:${l.field ?? ""}`);
  // Area B's group and company are as if they did not exist; a person of area B holds a code
  // she may not take; a local administrator of A may create another of A (R12), never an
  // administrator.
  assert.deepEqual(summary, ["2:create:", "3:refused:group", "4:refused:companies", "5:refused:user_code", "6:refused:group", "7:create:"]);
  assert.equal(outcomeOf(run, 3).reason, "There is no user group USER-GROUP-B.");
  assert.equal(outcomeOf(run, 4).reason, "There is no company COMP-B1.");
  const report = await confirmAll(laA, run);
  assert.equal(report.lines_written, 2);
  const created = fx.read(`SELECT user_code, area_id FROM users WHERE user_code LIKE 'la.import.%' ORDER BY user_code`);
  assert.deepEqual(created.map((u) => u.user_code), ["la.import.a@demo.precinct.test", "la.import.la@demo.precinct.test"]);
  assert.ok(created.every((u) => u.area_id === F.areaA.id));
  const ticks = fx.read(`SELECT c.code FROM user_companies uc JOIN users u ON u.id = uc.user_id JOIN companies c ON c.id = uc.company_id WHERE u.user_code = 'la.import.a@demo.precinct.test'`);
  assert.deepEqual(ticks.map((t) => t.code), ["COMP-A2"]);
  // Each line its history entry, in area A, by the local administrator (R30).
  const entries = fx.read(`SELECT subject, area_id, actor_user_code AS actor_code FROM history WHERE action = 'created' AND subject LIKE 'la.import.%' ORDER BY subject`);
  assert.deepEqual(entries.map((e) => [e.subject, e.area_id, e.actor_code]), [
    ["la.import.a@demo.precinct.test", F.areaA.id, CODES.la_a],
    ["la.import.la@demo.precinct.test", F.areaA.id, CODES.la_a],
  ]);
  // The dry run is the local administrator's: the regular administrator cannot confirm it, nor
  // read its report (404, as for none).
  assertProblem(await fx.admin.get(`/api/imports/${run.token}`), 404);
  assertProblem(await fx.admin.post(`/api/imports/${run.token}/confirm`, { chunk: 0 }), 404);
  // Confirming the same chunk again writes nothing more.
  const again = expectStatus(await laA.post(`/api/imports/${run.token}/confirm`, { chunk: 0 }), 200);
  assert.equal(again.lines_written, 2);
  assert.equal(fx.read(`SELECT COUNT(*) AS n FROM users WHERE user_code LIKE 'la.import.%'`)[0].n, 2);
  assertProblem(await laA.post(`/api/imports/${run.token}/confirm`, { chunk: 1 }), 422, "invalid_value", "chunk");
});

test("b04_an_import_confirmed_after_the_data_changed_is_refused_and_writes_nothing", async () => {
  const user = expectStatus(await fx.admin.get(`/api/users/${F.user.id}`), 200);
  const file = `user_code,name,group\n${CODES.user},Uma Imported,USER-GROUP-A\nstale.new@demo.precinct.test,Stale New,USER-GROUP-A\n`;
  const run = expectStatus(await dryRun(fx.admin, file), 200);
  assert.deepEqual(run.counts, { create: 1, change: 1, unchanged: 0, refused: 0 });
  // Someone saves the user in between.
  expectStatus(await fx.admin.put(`/api/users/${F.user.id}`, { user_code: user.user_code, name: "Uma Changed Meanwhile", version: user.version }), 200);
  const before = snapshot(fx.read);
  const refused = await fx.admin.post(`/api/imports/${run.token}/confirm`, { chunk: 0 });
  assertProblem(refused, 409, "stale_dry_run");
  assert.match(refused.json.message, /line 2/);
  assert.deepEqual(snapshot(fx.read), before, "a stale confirmation wrote");
  // A new dry run shows the change as it now is, and that one is confirmed.
  const fresh = expectStatus(await dryRun(fx.admin, file), 200);
  assert.deepEqual(outcomeOf(fresh, 2).changes, [{ field: "name", before: "Uma Changed Meanwhile", after: "Uma Imported" }]);
  await confirmAll(fx.admin, fresh);
  assert.equal(fx.read(`SELECT name FROM users WHERE id = ${F.user.id}`)[0].name, "Uma Imported");
  const entry = fx.read(`SELECT changes FROM history WHERE entity_id = ${F.user.id} AND action = 'updated' ORDER BY id DESC LIMIT 1`)[0];
  assert.deepEqual(JSON.parse(entry.changes), [{ field: "name", before: "Uma Changed Meanwhile", after: "Uma Imported" }]);
  // Restore the fixture's name for the other tests.
  const now = expectStatus(await fx.admin.get(`/api/users/${F.user.id}`), 200);
  expectStatus(await fx.admin.put(`/api/users/${F.user.id}`, { user_code: now.user_code, name: "Uma User A", version: now.version }), 200);
});

test("b04_an_interrupted_import_leaves_whole_chunks_and_running_the_file_again_is_idempotent", async () => {
  const rows = Array.from({ length: 230 }, (_, i) => `bulk.${String(i).padStart(3, "0")}@demo.precinct.test,Bulk Person ${String(i).padStart(3, "0")},USER-GROUP-A,COMP-A1`);
  const file = ["user_code,name,group,companies", ...rows].join("\r\n");
  const run = expectStatus(await dryRun(fx.admin, file, { invite: true }), 200);
  assert.equal(run.counts.create, 230);
  assert.equal(run.chunks, 3);
  // The first chunk is written, then the person goes away (the interruption).
  const report = expectStatus(await fx.admin.post(`/api/imports/${run.token}/confirm`, { chunk: 0 }), 200);
  assert.equal(report.chunks_written, 1);
  assert.equal(report.lines_written, 100);
  assert.deepEqual(report.chunks.map((c) => [c.chunk, c.first_line, c.last_line, c.lines, Boolean(c.written_at)]),
    [[0, 2, 101, 100, true], [1, 102, 201, 100, false], [2, 202, 231, 30, false]]);
  assert.equal(fx.read(`SELECT COUNT(*) AS n FROM users WHERE user_code LIKE 'bulk.%'`)[0].n, 100);
  // The same file again: what is written is unchanged, the rest to create.
  const rerun = expectStatus(await dryRun(fx.admin, file, { invite: true }), 200);
  assert.deepEqual(rerun.counts, { create: 130, change: 0, unchanged: 100, refused: 0 });
  assert.equal(outcomeOf(rerun, 101).outcome, "unchanged");
  assert.equal(outcomeOf(rerun, 102).outcome, "create");
  await confirmAll(fx.admin, rerun);
  const third = expectStatus(await dryRun(fx.admin, file), 200);
  assert.deepEqual(third.counts, { create: 0, change: 0, unchanged: 230, refused: 0 });
  assert.equal(third.chunks, 0);
  assert.equal(fx.read(`SELECT COUNT(*) AS n FROM user_companies uc JOIN users u ON u.id = uc.user_id WHERE u.user_code LIKE 'bulk.%'`)[0].n, 230);

  // An export of every user imports as unchanged (the round trip a spreadsheet makes).
  const everyone = (await exportBytes(fx.admin, "/api/exports/users?separator=semicolon")).bytes.toString("utf8");
  const same = expectStatus(await dryRun(fx.admin, everyone), 200);
  assert.equal(same.counts.unchanged, same.lines.length, JSON.stringify(same.lines.filter((l) => l.outcome !== "unchanged").slice(0, 3)));
  assert.ok(same.lines.length > 230);

  // Invitations: queued with the users, sent ten per request (never 230 provider calls at once).
  assert.equal(fx.read(`SELECT COUNT(*) AS n FROM outbox WHERE to_address LIKE 'bulk.%'`)[0].n, 0);
  const waiting = expectStatus(await fx.admin.get("/api/invitations/queue"), 200);
  assert.equal(waiting.waiting, 230);
  const sent = expectStatus(await fx.admin.post("/api/invitations/queue/send"), 200);
  assert.deepEqual([sent.sent, sent.waiting, sent.failed.length], [10, 220, 0]);
  assert.equal(fx.read(`SELECT COUNT(*) AS n FROM outbox WHERE to_address LIKE 'bulk.%'`)[0].n, 10);
  // The local administrator of A sees the same queue (the people are of area A); a User-level
  // person may not send anyone's invitation.
  assert.equal(expectStatus(await laA.get("/api/invitations/queue"), 200).waiting, 220);
  assertProblem(await (await fx.signIn("user")).post("/api/invitations/queue/send"), 403);
});

// ---------------------------------------------------------------------------------------------
// B06 bulk actions

test("b06_a_bulk_disable_refuses_one_person_and_changes_the_others_in_one_confirmed_run", async () => {
  const people = fx.read(`SELECT id, user_code FROM users WHERE user_code LIKE 'bulk.00%' ORDER BY user_code`).slice(0, 3);
  const ids = [F.me.user_id, ...people.map((p) => p.id), F.disabled.id, 999999];
  const before = snapshot(fx.read);
  const run = expectStatus(await fx.admin.post("/api/bulk", { action: "disable", user_ids: ids }), 200);
  assert.deepEqual(snapshot(fx.read), before, "a bulk dry run changed D1");
  assert.equal(run.kind, "bulk");
  assert.equal(run.action, "disable");
  const summary = run.lines.map((l) => `${l.line}:${l.outcome}:${l.field ?? ""}`);
  // Not oneself; the three change; Dana is disabled already; an id nobody has is refused.
  assert.deepEqual(summary, ["1:refused:user", "2:change:", "3:change:", "4:change:", "5:unchanged:", "6:refused:user"]);
  await confirmAll(fx.admin, run);
  const states = fx.read(`SELECT active FROM users WHERE id IN (${people.map((p) => p.id).join(",")})`);
  assert.ok(states.every((s) => s.active === 0));
  assert.equal(fx.read(`SELECT active FROM users WHERE id = ${F.me.user_id}`)[0].active, 1);
  const entries = fx.read(`SELECT COUNT(*) AS n FROM history WHERE action = 'disabled' AND entity_id IN (${people.map((p) => p.id).join(",")})`);
  assert.equal(entries[0].n, 3);
  // Enabling them again: the twin.
  const enable = expectStatus(await fx.admin.post("/api/bulk", { action: "enable", user_ids: people.map((p) => p.id) }), 200);
  assert.equal(enable.counts.change, 3);
  await confirmAll(fx.admin, enable);
  assert.ok(fx.read(`SELECT active FROM users WHERE id IN (${people.map((p) => p.id).join(",")})`).every((s) => s.active === 1));
});

test("b06_all_matching_a_search_move_tick_and_untick_within_the_rules", async () => {
  // Everyone the users list finds for "Bulk Person 01" (ten people: 010–019), moved to area B's
  // group: a regular administrator may, with R17's warning on each line.
  const moved = expectStatus(await fx.admin.post("/api/bulk", { action: "move", group_id: F.groupUserB.id, all_matching: { q: "Bulk Person 01" } }), 200);
  assert.equal(moved.counts.change, 10, JSON.stringify(moved.counts));
  assert.ok(moved.lines.every((l) => l.outcome === "change" && /another area/.test(l.warning)));
  // The same for the local administrator of A: refused person by person (R17), nothing to write.
  const theirs = expectStatus(await laA.post("/api/bulk", { action: "move", group_id: F.groupLaA.id, all_matching: { q: "Bulk Person 01" } }), 200);
  assert.equal(theirs.counts.change, 10, "local administrators move people within their area");
  assertProblem(await laA.post("/api/bulk", { action: "move", group_id: F.groupUserB.id, all_matching: { q: "Bulk Person 01" } }), 422, "unknown_group", "group_id");
  await confirmAll(fx.admin, moved);
  const areas = fx.read(`SELECT DISTINCT area_id FROM users WHERE name LIKE 'Bulk Person 01%'`);
  assert.deepEqual(areas.map((a) => a.area_id), [F.areaB.id]);
  // Their COMP-A1 ticks stay stored but are outside their new area; ticking COMP-B1 is allowed,
  // ticking COMP-A2 is refused for each (R14).
  const tickB = expectStatus(await fx.admin.post("/api/bulk", { action: "tick", company_id: F.compB1.id, all_matching: { q: "Bulk Person 01" } }), 200);
  assert.equal(tickB.counts.change, 10);
  const tickA = expectStatus(await fx.admin.post("/api/bulk", { action: "tick", company_id: F.compA2.id, all_matching: { q: "Bulk Person 01" } }), 200);
  assert.equal(tickA.counts.refused, 10);
  await confirmAll(fx.admin, tickB);
  const untick = expectStatus(await fx.admin.post("/api/bulk", { action: "untick", company_id: F.compB1.id, all_matching: { q: "Bulk Person 01" } }), 200);
  assert.equal(untick.counts.change, 10);
  // A local administrator of A cannot see the people of B: none found, none written.
  const hidden = expectStatus(await laA.post("/api/bulk", { action: "disable", user_ids: fx.read(`SELECT id FROM users WHERE name LIKE 'Bulk Person 01%'`).map((u) => u.id) }), 200);
  assert.equal(hidden.counts.refused, 10);
  assert.equal(hidden.chunks, 0);
});

test("b06_bulk_requests_name_the_field_at_fault", async () => {
  assertProblem(await fx.admin.post("/api/bulk", { action: "disable" }), 422, "required", "user_ids");
  assertProblem(await fx.admin.post("/api/bulk", { action: "disable", user_ids: [1], all_matching: { q: "x" } }), 422, "required", "user_ids");
  assertProblem(await fx.admin.post("/api/bulk", { action: "move", user_ids: [F.user.id] }), 422, "required", "group_id");
  assertProblem(await fx.admin.post("/api/bulk", { action: "tick", user_ids: [F.user.id], company_id: 999999 }), 422, "unknown_company", "company_id");
  assertProblem(await fx.admin.post("/api/bulk", { action: "explode", user_ids: [F.user.id] }), 422, null, "action");
  assertProblem(await fx.admin.post("/api/imports/nope/confirm", { chunk: 0 }), 404);
});

// ---------------------------------------------------------------------------------------------
// B05 copy security

test("b04_b06_hostile_files_and_searches_are_refused_by_line_or_field_never_a_500_and_write_nothing", async () => {
  const before = snapshot(fx.read);
  // 9,000 distinct user codes of 248 characters: more than one value the database takes at once.
  const domain = `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.example`;
  const address = (i) => `u${String(i).padStart(6, "0")}${"x".repeat(50)}@${domain}`;
  assert.equal(address(1).length, 248);
  const many = ["user_code,name,group", ...Array.from({ length: 9000 }, (_, i) => `${address(i)},Hostile ${i},USER-GROUP-A`)].join("\n");
  const planned = expectStatus(await dryRun(fx.admin, many), 200);
  assert.equal(planned.counts.create, 9000);
  // Cells longer than any rule allows, and a companies cell naming a hundred thousand codes.
  const huge = "G".repeat(3_000_000);
  const codes = Array.from({ length: 100_000 }, (_, i) => `C${i}`).join(" ");
  const cells = [
    "user_code,name,group,companies",
    `huge.group@h.example,Huge Group,${huge},`,
    `many.companies@h.example,Many Companies,USER-GROUP-A,"${codes}"`,
    `bad.company@h.example,Bad Company,USER-GROUP-A,COMP-A1 <script>`,
    `${"y".repeat(300)}@h.example,Long Code,USER-GROUP-A,`,
  ].join("\n");
  const refused = expectStatus(await dryRun(fx.admin, cells), 200);
  assert.deepEqual(refused.lines.map((line) => [line.line, line.outcome, line.field]), [
    [2, "refused", "file"], [3, "refused", "file"], [4, "refused", "companies"], [5, "refused", "user_code"],
  ]);
  assert.ok(refused.lines.every((line) => line.code.length <= 254));
  // The bulk search has the users list's limit.
  assertProblem(await fx.admin.post("/api/bulk", { action: "disable", all_matching: { q: "q".repeat(101) } }), 422, "too_long", "all_matching.q");
  // Twin: a search within the limit runs (and finds nobody to act on).
  assertProblem(await fx.admin.post("/api/bulk", { action: "disable", all_matching: { q: "q".repeat(100) } }), 422, "required", "user_ids");
  assert.deepEqual(snapshot(fx.read), before, "a refusal or a dry run changed D1");
});

test("b05_copies_the_group_and_the_visible_ticks_of_another_user_as_one_save_after_its_what_if", async () => {
  const created = expectStatus(await fx.admin.post("/api/users", { user_code: "copy.target@demo.precinct.test", name: "Copy Target", group_id: F.groupUserB.id }), 201);
  // Uma (area A) also keeps an inert tick of area B, stored from before (R14: it grants nothing).
  fx.worker.sql(`INSERT OR IGNORE INTO user_companies (user_id, company_id) VALUES (${F.user.id}, ${F.compB1.id})`);
  const body = { from_user_id: F.user.id, version: created.version };
  // The what-if first: she would gain COMP-A1 and lose COMP-B... nothing written.
  const before = snapshot(fx.read);
  const whatIf = expectStatus(await fx.admin.post(`/api/users/${created.id}/copy-security/what-if`, { ...body, confirm_move_across_areas: true }), 200);
  assert.deepEqual(snapshot(fx.read), before, "a what-if wrote");
  assert.equal(whatIf.gain.people, 1);
  assert.deepEqual(whatIf.gain.first_companies.map((c) => c.code), ["COMP-A1"]);
  // Across areas, R17 asks first (as for a move); the what-if says so too.
  assertProblem(await fx.admin.post(`/api/users/${created.id}/copy-security`, body), 409, "confirm_move_across_areas", "group_id");
  assertProblem(await fx.admin.post(`/api/users/${created.id}/copy-security/what-if`, body), 409, "confirm_move_across_areas", "group_id");
  const copied = expectStatus(await fx.admin.post(`/api/users/${created.id}/copy-security`, { ...body, confirm_move_across_areas: true }), 200);
  assert.equal(copied.group_code, "USER-GROUP-A");
  const ticks = fx.read(`SELECT c.code FROM user_companies uc JOIN companies c ON c.id = uc.company_id WHERE uc.user_id = ${created.id}`);
  assert.deepEqual(ticks.map((t) => t.code), ["COMP-A1"], "only the ticks that grant something within the new area");
  const entries = fx.read(`SELECT action, summary FROM history WHERE entity_id = ${created.id} AND action IN ('moved', 'access_changed') ORDER BY id`);
  assert.deepEqual(entries.map((e) => e.action), ["moved", "moved", "access_changed"]);
  assert.match(entries[2].summary, /copied from user\.a@demo\.precinct\.test/);
  // The local administrator of A: a person of area B is not there to copy from (or onto).
  const ours = expectStatus(await laA.get(`/api/users/${created.id}`), 200);
  assertProblem(await laA.post(`/api/users/${created.id}/copy-security`, { from_user_id: F.user_b.id, version: ours.version }), 422, "unknown_user", "from_user_id");
  assertProblem(await laA.post(`/api/users/${F.user_b.id}/copy-security`, { from_user_id: F.user.id, version: 1 }), 404);
  // Copying from someone with the same security again changes nothing.
  const same = expectStatus(await laA.post(`/api/users/${created.id}/copy-security`, { from_user_id: F.user.id, version: ours.version }), 200);
  assert.equal(same.version, ours.version);
  fx.worker.sql(`DELETE FROM user_companies WHERE user_id = ${F.user.id} AND company_id = ${F.compB1.id}`);
});

// ---------------------------------------------------------------------------------------------
// B04: user groups and companies, the same way

test("b04_groups_file_is_planned_as_the_group_form_saves_and_written_with_history", async () => {
  const file = "code;access_level;description;area;options;members\r\n" +
    "IMPORTED-A;user;Équipe importée;AREA-A;preferences reports_read;0\r\n" +
    "USER-GROUP-A;user;Renamed by import;AREA-A;projects_read employees_read reports_read preferences;3\r\n" +
    "IMPORTED-ADMINS;administrator;;;;\r\n" +
    "IMPORTED-B;user;;AREA-B;;\r\n" +
    "BAD CODE;user;;;;\r\n" +
    "IMPORTED-X;superuser;;;;\r\n" +
    "IMPORTED-O;user;;AREA-A;no_such_option;\r\n";
  // The local administrator of A: area B and the Administrator level are not theirs (R12).
  const theirs = expectStatus(await dryRun(laA, file, { kind: "groups" }), 200);
  const summary = theirs.lines.map((l) => `${l.line}:${l.outcome}:${l.field ?? ""}`);
  assert.deepEqual(summary, ["2:create:", "3:change:", "4:refused:access_level", "5:refused:area", "6:refused:code", "7:refused:access_level", "8:refused:options"]);
  // The options as stored (the fixture's USER_OPTIONS): only the description changes.
  assert.deepEqual(outcomeOf(theirs, 3).changes, [{ field: "description", before: "USER-GROUP-A", after: "Renamed by import" }]);
  assert.equal(outcomeOf(theirs, 5).reason, "There is no area AREA-B.");
  // The regular administrator's twin: area B and an Administrator group are theirs to create.
  const all = expectStatus(await dryRun(fx.admin, file, { kind: "groups" }), 200);
  assert.equal(outcomeOf(all, 4).outcome, "create");
  assert.equal(outcomeOf(all, 5).outcome, "create");
  const report = await confirmAll(laA, theirs);
  assert.equal(report.lines_written, 2);
  const imported = fx.read(`SELECT code, description, area_id, options FROM user_groups WHERE code = 'IMPORTED-A'`)[0];
  assert.equal(imported.description, "Équipe importée");
  assert.equal(imported.area_id, F.areaA.id);
  const entries = fx.read(`SELECT action, area_id FROM history WHERE subject IN ('IMPORTED-A', 'USER-GROUP-A') AND actor_user_code = '${CODES.la_a}' ORDER BY id`);
  assert.deepEqual(entries.map((e) => [e.action, e.area_id]), [["created", F.areaA.id], ["updated", F.areaA.id]]);
  // The same file again: the lines written are unchanged.
  const again = expectStatus(await dryRun(laA, file, { kind: "groups" }), 200);
  assert.deepEqual([outcomeOf(again, 2).outcome, outcomeOf(again, 3).outcome], ["unchanged", "unchanged"]);
  // A file of codes and levels only keeps every other column as it is stored.
  const partial = expectStatus(await dryRun(fx.admin, "code,access_level\nUSER-GROUP-A,user\nUSER-GROUP-B,user\n", { kind: "groups" }), 200);
  assert.deepEqual(partial.counts, { create: 0, change: 0, unchanged: 2, refused: 0 });
  // The local administrator's own export imports back unchanged, their own group included
  // (which R12 does not let them edit).
  const ownExport = (await exportBytes(laA, "/api/exports/groups")).bytes.toString("utf8");
  assert.match(ownExport, /LOCAL-ADMIN-A/);
  const own = expectStatus(await dryRun(laA, ownExport, { kind: "groups" }), 200);
  assert.equal(own.counts.unchanged, own.lines.length, JSON.stringify(own.lines.filter((l) => l.outcome !== "unchanged")));
  // Deny twin: a User-level person imports no groups.
  assertProblem(await dryRun(await fx.signIn("user"), file, { kind: "groups" }), 403);
});

test("b04_companies_file_is_planned_as_the_company_form_saves_and_written_with_history", async () => {
  const file = "code,name,directory,area,user_in_charge\n" +
    `IMP-A1,Imported A One,DIR-PLAIN,AREA-A,${CODES.user}\n` +
    "COMP-A2,Company A Two renamed,DIR-PLAIN,AREA-A,\n" +
    "IMP-B1,Imported B,DIR-PLAIN,AREA-B,\n" +
    `IMP-A2,Imported A Two,DIR-PLAIN,AREA-A,${CODES.user_b}\n` +
    "IMP-A3,Imported A Three,NO-SUCH-DIR,AREA-A,\n" +
    "COMP-B1,Company B One,DIR-PLAIN,AREA-A,\n";
  const theirs = expectStatus(await dryRun(laA, file, { kind: "companies" }), 200);
  const summary = theirs.lines.map((l) => `${l.line}:${l.outcome}:${l.field ?? ""}`);
  // Area B is not one they may name; a person of area B is not theirs to put in charge (R19);
  // a company of area B holds a code they may not take.
  assert.deepEqual(summary, ["2:create:", "3:change:", "4:refused:area", "5:refused:user_in_charge", "6:refused:directory", "7:refused:code"]);
  assert.deepEqual(outcomeOf(theirs, 3).changes, [{ field: "name", before: "Company A Two", after: "Company A Two renamed" }]);
  await confirmAll(laA, theirs);
  const created = fx.read(`SELECT c.area_id, u.user_code FROM companies c LEFT JOIN users u ON u.id = c.user_in_charge_id WHERE c.code = 'IMP-A1'`)[0];
  assert.deepEqual([created.area_id, created.user_code], [F.areaA.id, CODES.user]);
  assert.equal(fx.read(`SELECT name FROM companies WHERE id = ${F.compA2.id}`)[0].name, "Company A Two renamed");
  const entries = fx.read(`SELECT action FROM history WHERE subject IN ('IMP-A1', 'COMP-A2') AND actor_user_code = '${CODES.la_a}' ORDER BY id`);
  assert.deepEqual(entries.map((e) => e.action), ["created", "updated"]);
  // The regular administrator: area B is theirs; moving COMP-A1 of a plain directory to B is a
  // change of area (R11); its export imports as unchanged.
  const all = expectStatus(await dryRun(fx.admin, "code,name,directory,area\nCOMP-A1,Company A One,DIR-PLAIN,AREA-B\n", { kind: "companies" }), 200);
  assert.deepEqual(outcomeOf(all, 2).changes, [{ field: "area", before: "AREA-A", after: "AREA-B" }]);
  // A disabled user in charge (whom no one may pick now) is exported and imported back as is.
  fx.worker.sql(`UPDATE companies SET user_in_charge_id = ${F.disabled.id} WHERE id = ${F.compA1.id}`);
  const exported = (await exportBytes(fx.admin, "/api/exports/companies")).bytes.toString("utf8");
  assert.match(exported, new RegExp(`COMP-A1,Company A One,DIR-PLAIN,AREA-A,${CODES.disabled}`));
  const rerun = expectStatus(await dryRun(fx.admin, exported, { kind: "companies" }), 200);
  assert.equal(rerun.counts.unchanged, rerun.lines.length, JSON.stringify(rerun.lines.filter((l) => l.outcome !== "unchanged")));
  fx.worker.sql(`UPDATE companies SET user_in_charge_id = NULL WHERE id = ${F.compA1.id}`);
  // Restore the fixture's name.
  const now = expectStatus(await fx.admin.get(`/api/companies/${F.compA2.id}`), 200);
  expectStatus(await fx.admin.put(`/api/companies/${F.compA2.id}`, { code: now.code, name: "Company A Two", directory_id: now.directory_id, area_id: now.area_id, version: now.version }), 200);
});
