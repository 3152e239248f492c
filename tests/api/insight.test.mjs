// Beyond the anchors, part 1 (issue 14): B01 "why can she see this?", B02 "what will this change
// do?", B03 the access review per area. Each answer is the server's own decision (B01), its own
// Save rehearsed (B02), counted within the asker's scope; a local administrator asking about
// another area gets 404. Every allow has its deny twin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, snapshot, assertProblem, expectStatus, sqlString, USER_OPTIONS, CODES } from "./fixtures.mjs";

let fx, F, laA, laB, uma;
before(async () => {
  fx = await setup();
  F = fx.F;
  laA = await fx.signIn("la_a");
  laB = await fx.signIn("la_b");
  uma = await fx.signIn("user");
  // Dana is the fixture's user to disable: a disabled person reaches nothing.
  expectStatus(await fx.admin.post(`/api/users/${F.disabled.id}/disable`, { version: F.disabled.version }), 200);
});
after(async () => {
  await fx?.worker.stop();
});

const explain = (client, user, kind, id) => client.get(`/api/explain?user_id=${user.id}&kind=${kind}&id=${id}`);
const facts = (verdict) => verdict.steps.map((step) => `${step.rule ?? "-"}:${step.holds ? "yes" : "no"}:${step.fact.kind}`);
const codes = (items) => items.map((item) => item.user_code ?? item.code).sort();

/** A refused request: its problem, and no change to the security tables. */
async function refusedWithoutChange(send, status, code, field) {
  const before = snapshot(fx.read);
  assertProblem(await send(), status, code, field);
  assert.deepEqual(snapshot(fx.read), before, "a refused request changed D1");
}

// ---------------------------------------------------------------------------------------------
// B01

test("b01_explains_why_a_user_sees_a_ticked_company_of_her_area_and_not_another", async () => {
  const seen = expectStatus(await explain(fx.admin, F.user, "company", F.compA1.id), 200);
  assert.equal(seen.person.user_code, CODES.user);
  assert.equal(seen.person_group_code, "USER-GROUP-A");
  assert.equal(seen.see.allowed, true);
  assert.deepEqual(facts(seen.see), ["R14:yes:company_ticked", "R14:yes:company_within_boundary"]);
  assert.deepEqual(seen.see.steps[1].fact, { kind: "company_within_boundary", boundary: F.areaA.id, company_area: F.areaA.id });
  assert.deepEqual(seen.areas, [{ id: F.areaA.id, code: "AREA-A" }]);
  // She may not change it: a User-level person administers nothing (the first rule that refuses).
  assert.equal(seen.change.allowed, false);
  assert.deepEqual(facts(seen.change).slice(-2), ["R09:no:level_suffices", "R09:no:refused"]);
  // Deny twin: a company of her area she did not tick.
  const unticked = expectStatus(await explain(fx.admin, F.user, "company", F.compA2.id), 200);
  assert.equal(unticked.see.allowed, false);
  assert.deepEqual(facts(unticked.see), ["R14:no:company_ticked", "-:no:refused"]);
  // A disabled person: one reason.
  const disabled = expectStatus(await explain(fx.admin, F.disabled, "company", F.compA1.id), 200);
  assert.equal(disabled.see.allowed, false);
  assert.deepEqual(facts(disabled.see), ["-:no:person_disabled"]);
});

test("b01_the_explanation_is_what_the_server_does_for_that_person", async () => {
  const kinds = [
    ["company", [F.compA1, F.compA2, F.compB1, F.compB2]],
    ["user", [F.la_a, F.user, F.user_b, F.disabled]],
    ["group", [F.groupLaA, F.groupUserA, F.groupUserB, F.groupAdmins]],
  ];
  for (const [who, client] of [[F.user, uma], [F.la_a, laA], [F.la_b, laB]]) {
    for (const [kind, records] of kinds) {
      for (const record of records) {
        const said = expectStatus(await explain(fx.admin, who, kind, record.id), 200);
        const path = kind === "company" ? `/api/companies/${record.id}` : kind === "user" ? `/api/users/${record.id}` : `/api/groups/${record.id}`;
        const read = await client.get(path);
        // A User-level person reads no company form (Modify Company Settings) but works in the
        // companies she may see: her company list is where "see" shows.
        if (kind === "company" && who === F.user) {
          const offered = (await client.get("/api/session/companies")).json.items.map((c) => c.id);
          assert.equal(offered.includes(record.id), said.see.allowed, `${who.user_code} ${kind} ${record.code}`);
        } else if (kind === "company") {
          assert.equal(read.status === 200, said.see.allowed, `${who.user_code} ${kind} ${record.code}: ${read.status}`);
        } else {
          assert.equal(read.status === 200, said.see.allowed, `${who.user_code} ${kind} ${record.code ?? record.user_code}: ${read.status}`);
        }
      }
    }
  }
  // Reports (R22) and history entries (R21) agree with the lists the person reads.
  for (const [who, client] of [[F.user, uma], [F.la_a, laA]]) {
    const listed = (await client.get("/api/reports")).json.items.map((r) => r.id);
    for (const id of Object.values(F.reports).filter((id) => id < 2 ** 40)) {
      const said = expectStatus(await explain(fx.admin, who, "report", id), 200);
      assert.equal(listed.includes(id), said.see.allowed, `${who.user_code} report ${id}`);
    }
  }
});

test("b01_a_local_administrator_asks_only_about_their_area", async () => {
  // Allowed: a person and a company of area A.
  const own = expectStatus(await explain(laA, F.user, "company", F.compA1.id), 200);
  assert.equal(own.see.allowed, true);
  // Deny twins: a person of area B, a company of area B, a regular administrator (invisible to
  // local administrators, R12), a group of area B — each answered as missing.
  assertProblem(await explain(laA, F.user_b, "company", F.compA1.id), 404);
  assertProblem(await explain(laA, F.user, "company", F.compB1.id), 404);
  assertProblem(await explain(laA, F.me.user_id ? { id: F.me.user_id } : null, "company", F.compA1.id), 404);
  assertProblem(await explain(laA, F.user, "group", F.groupUserB.id), 404);
  assertProblem(await explain(laA, F.user, "report", F.reports["REPORT-B"]), 404);
  // Another account's records do not exist here.
  assertProblem(await explain(fx.admin, F.user, "company", F.otherComp.id), 404);
  assertProblem(await explain(fx.admin, F.otherUser, "company", F.compA1.id), 404);
  // A User-level person asks nothing.
  assertProblem(await explain(uma, F.user, "company", F.compA1.id), 403, "requires_administrative_level");
  // Bad questions name their field.
  assertProblem(await fx.admin.get(`/api/explain?user_id=${F.user.id}&kind=planet&id=1`), 422, "invalid_value", "kind");
  assertProblem(await fx.admin.get(`/api/explain?kind=company&id=1`), 422, "missing_field", "user_id");
  assertProblem(await fx.admin.get(`/api/explain?user_id=x&kind=company&id=1`), 422, "invalid_type", "user_id");
});

test("b01_who_can_see_a_company_grouped_by_why_within_the_askers_scope", async () => {
  const seers = expectStatus(await fx.admin.get(`/api/companies/${F.compA1.id}/seers`), 200);
  const by = Object.fromEntries(seers.groups.map((g) => [g.reason, g]));
  assert.deepEqual(Object.keys(by), ["regular_administrator", "local_administrator", "ticked"]);
  assert.ok(codes(by.regular_administrator.items).includes("admin@demo.precinct.test"));
  assert.deepEqual(codes(by.local_administrator.items), [CODES.la_a]);
  // Uma ticked it within her area; Dana is disabled; Ugo's ticks are in area B.
  assert.deepEqual(codes(by.ticked.items), [CODES.user]);
  // The local administrator of area A sees the same company's seers of her area only: the
  // regular administrators are not people she may list (R12).
  const scoped = expectStatus(await laA.get(`/api/companies/${F.compA1.id}/seers`), 200);
  const scopedBy = Object.fromEntries(scoped.groups.map((g) => [g.reason, g]));
  assert.equal(scopedBy.regular_administrator.total, 0);
  assert.deepEqual(codes(scopedBy.ticked.items), [CODES.user]);
  // One reason, paginated.
  const page = expectStatus(await fx.admin.get(`/api/companies/${F.compA1.id}/seers?reason=ticked&limit=1`), 200);
  assert.equal(page.groups.length, 1);
  // Deny twins: a company of another area, a User-level asker, a bad reason.
  assertProblem(await laA.get(`/api/companies/${F.compB1.id}/seers`), 404);
  assertProblem(await uma.get(`/api/companies/${F.compA1.id}/seers`), 403);
  assertProblem(await fx.admin.get(`/api/companies/${F.compA1.id}/seers?reason=friends`), 422, "invalid_value", "reason");
  assertProblem(await fx.admin.get(`/api/companies/${F.compA1.id}/seers?cursor=${page.groups[0].next_cursor ?? "abc"}`), 422, "invalid_cursor", "cursor");
});

// ---------------------------------------------------------------------------------------------
// B02

async function whatIf(client, path, body) {
  const before = snapshot(fx.read);
  const response = await client.post(path, body);
  assert.deepEqual(snapshot(fx.read), before, `a what-if changed D1: ${path}`);
  return response;
}

test("b02_a_directorys_what_if_counts_gains_and_losses_and_writes_nothing", async () => {
  const dir = (await fx.admin.get(`/api/directories/${F.dirPlain.id}`)).json;
  const answer = expectStatus(await whatIf(fx.admin, `/api/directories/${dir.id}/what-if`, {
    code: dir.code, name: dir.name, multidimensional: true, area_id: F.areaB.id, version: dir.version,
  }), 200);
  // Area A's companies of the directory go to area B: the local administrator of A and Uma
  // (her ticks are bounded by area A) lose them; the local administrator of B gains them.
  assert.deepEqual(codes(answer.lose.first_people), [CODES.la_a, CODES.user]);
  assert.equal(answer.lose.people, 2);
  assert.deepEqual(codes(answer.lose.first_companies), ["COMP-A1", "COMP-A2"]);
  assert.deepEqual(codes(answer.gain.first_people), [CODES.la_b]);
  assert.deepEqual(codes(answer.gain.first_companies), ["COMP-A1", "COMP-A2"]);
  assert.equal(answer.people_with_new_rights, 0);
  // Its twin: leaving the directory as it is moves nothing.
  const same = expectStatus(await whatIf(fx.admin, `/api/directories/${dir.id}/what-if`, {
    code: dir.code, name: dir.name, multidimensional: false, version: dir.version,
  }), 200);
  assert.equal(same.gain.people + same.lose.people, 0);
});

test("b02_a_groups_what_if_names_level_and_options_and_runs_the_saves_checks", async () => {
  const group = (await fx.admin.get(`/api/groups/${F.groupUserA.id}`)).json;
  const body = (changes) => ({ code: group.code, description: group.description, access_level: group.access_level,
    area_id: group.area_id, options: group.options, version: group.version, ...changes });
  // To the Local Administrator level: its active members (Uma; Dana is disabled) reach the
  // whole area, and the options that mean something only there come alive.
  const raised = expectStatus(await whatIf(fx.admin, `/api/groups/${group.id}/what-if`, body({
    access_level: "local_administrator", options: [...USER_OPTIONS, "users_manage"],
  })), 200);
  assert.deepEqual(codes(raised.gain.first_people), [CODES.user]);
  assert.deepEqual(codes(raised.gain.first_companies), ["COMP-A2"]);
  assert.equal(raised.lose.people, 0);
  assert.equal(raised.people_with_new_rights, 1);
  assert.equal(raised.level_before, "user");
  assert.equal(raised.level_after, "local_administrator");
  assert.deepEqual(raised.options_gained, ["users_manage"]);
  // To area B: Uma's tick of A1 lies outside the new boundary.
  const moved = expectStatus(await whatIf(fx.admin, `/api/groups/${group.id}/what-if`, body({ area_id: F.areaB.id })), 200);
  assert.deepEqual(codes(moved.lose.first_companies), ["COMP-A1"]);
  assert.equal(moved.gain.people, 0);
  // The Save's own checks: a local administrator cannot change a group's area (403), does not
  // see a group of another area (404), and a stale version is refused like a Save (409).
  await refusedWithoutChange(() => laA.post(`/api/groups/${group.id}/what-if`, body({ area_id: F.areaB.id })), 403);
  await refusedWithoutChange(() => laA.post(`/api/groups/${F.groupUserB.id}/what-if`, body({})), 404);
  await refusedWithoutChange(() => fx.admin.post(`/api/groups/${group.id}/what-if`, body({ access_level: "local_administrator", version: group.version - 1 })), 409);
  // A body that is not a group's Save is refused before anything is weighed.
  await refusedWithoutChange(() => fx.admin.post(`/api/groups/${group.id}/what-if`, body({ access_level: "owner" })), 422);
});

test("b02_ticks_moves_and_company_areas_what_ifs_within_the_askers_scope", async () => {
  const user = (await fx.admin.get(`/api/users/${F.user.id}`)).json;
  // Ticks: adding A2 gains Uma one company; the local administrator of A may ask it too.
  for (const client of [fx.admin, laA]) {
    const ticks = expectStatus(await whatIf(client, `/api/users/${user.id}/companies/what-if`, {
      company_ids: [F.compA1.id, F.compA2.id], version: user.version,
    }), 200);
    assert.deepEqual([ticks.gain.people, ticks.gain.companies, ticks.lose.people], [1, 1, 0]);
    assert.deepEqual(codes(ticks.gain.first_companies), ["COMP-A2"]);
  }
  // Deny twin: the local administrator of B does not see Uma.
  await refusedWithoutChange(() => laB.post(`/api/users/${user.id}/companies/what-if`, { company_ids: [], version: user.version }), 404);
  // A move to area B's user group (R17's confirmation asked as for the Save).
  const across = { user_code: user.user_code, name: user.name, group_id: F.groupUserB.id, version: user.version };
  assertProblem(await whatIf(fx.admin, `/api/users/${user.id}/what-if`, across), 409, "confirm_move_across_areas");
  const moved = expectStatus(await whatIf(fx.admin, `/api/users/${user.id}/what-if`, { ...across, confirm_move_across_areas: true }), 200);
  assert.deepEqual(codes(moved.lose.first_companies), ["COMP-A1"]);
  assert.equal(moved.people_with_new_rights, 0);
  // A company's area: A1 to area B.
  const company = (await fx.admin.get(`/api/companies/${F.compA1.id}`)).json;
  const area = expectStatus(await whatIf(fx.admin, `/api/companies/${company.id}/what-if`, {
    code: company.code, name: company.name, directory_id: company.directory_id, area_id: F.areaB.id, version: company.version,
  }), 200);
  assert.deepEqual(codes(area.lose.first_people), [CODES.la_a, CODES.user]);
  assert.deepEqual(codes(area.gain.first_people), [CODES.la_b]);
  // A local administrator cannot change a company's area: the Save's refusal.
  await refusedWithoutChange(() => laA.post(`/api/companies/${company.id}/what-if`, {
    code: company.code, name: company.name, directory_id: company.directory_id, area_id: F.areaB.id, version: company.version,
  }), 403);
});

// ---------------------------------------------------------------------------------------------
// B03

test("b03_the_last_sign_in_is_stored_with_the_session_it_opens", async () => {
  const client = await fx.signIn("user_b");
  assert.equal((await client.get("/api/session")).status, 200);
  const [row] = fx.read(`SELECT u.last_sign_in_at AS at, (SELECT MAX(created_at) FROM sessions s WHERE s.user_id = u.id) AS session_at
    FROM users u WHERE u.id = ${F.user_b.id}`);
  assert.ok(row.at > 0, "no last sign-in stored");
  assert.equal(row.at, row.session_at);
  // A password alone is not a sign-in when a second factor is owed: Lara's stays as it was.
  const lara = () => fx.read(`SELECT last_sign_in_at AS at FROM users WHERE id = ${F.la_a.id}`)[0].at;
  const laraBefore = lara();
  const halfway = await new (await import("../harness.mjs")).Client(fx.worker.url).signInPassword(CODES.la_a, "Precinct-demo-2026");
  assert.equal(halfway.status, 200, halfway.text);
  assert.equal(halfway.json.mfa_step, "verify");
  assert.equal(lara(), laraBefore);
  // Its twin: a wrong password opens no session and stores no sign-in.
  const before = fx.read(`SELECT last_sign_in_at AS at FROM users WHERE id = ${F.user.id}`)[0].at;
  const refused = await new (await import("../harness.mjs")).Client(fx.worker.url).signInPassword(CODES.user, "not-the-password-1");
  assert.equal(refused.status, 401);
  assert.equal(fx.read(`SELECT last_sign_in_at AS at FROM users WHERE id = ${F.user.id}`)[0].at, before);
});

test("b03_an_areas_review_counts_people_and_finds_what_to_look_at", async () => {
  const day = 24 * 3600 * 1000;
  // A new user of area A who never accepted the invitation (sent 8 days ago), and whose group
  // ticks nothing; Uma last signed in 120 days ago; a group holding an option it cannot use.
  const late = expectStatus(await fx.admin.post("/api/users", { user_code: "late.a@demo.precinct.test", name: "Léa Late, A", group_id: F.groupUserA.id }), 201);
  fx.worker.sql([
    `UPDATE users SET created_at = created_at - ${8 * day} WHERE id = ${late.id}`,
    `UPDATE password_tokens SET created_at = created_at - ${8 * day} WHERE user_id = ${late.id}`,
    `UPDATE users SET last_sign_in_at = ${Date.now() - 120 * day} WHERE id = ${F.user.id}`,
  ].join(";\n"));
  const inert = expectStatus(await fx.admin.post("/api/groups", { code: "USERS-WITH-INERT", access_level: "user", area_id: F.areaA.id, options: ["users_manage", "preferences"] }), 201);
  const review = expectStatus(await fx.admin.get(`/api/reviews/${F.areaA.id}`), 200);
  assert.equal(review.area_code, "AREA-A");
  assert.equal(review.dormant_days, 90);
  assert.deepEqual([review.administrators, review.local_administrators], [0, 1]);
  assert.equal(review.users, 3);
  assert.equal(review.disabled, 1);
  assert.ok(codes(review.dormant.items).includes(CODES.user));
  assert.ok(!codes(review.dormant.items).includes(CODES.la_a), "a local administrator who just signed in is not dormant");
  assert.deepEqual(codes(review.old_invitations.items), ["late.a@demo.precinct.test"]);
  assert.ok(codes(review.no_company.items).includes("late.a@demo.precinct.test"));
  assert.ok(!codes(review.no_company.items).includes(CODES.user), "Uma ticked A1");
  assert.deepEqual(review.excess_groups.map((g) => [g.code, g.inert_options]), [["USERS-WITH-INERT", ["users_manage"]]]);
  // Least recently signed in first: someone who never signed in comes before Uma.
  const order = review.people.items.map((p) => p.user_code);
  assert.ok(order.indexOf("late.a@demo.precinct.test") < order.indexOf(CODES.user));
  // Dormancy is configurable: at 365 days Uma is not dormant.
  const year = expectStatus(await fx.admin.get(`/api/reviews/${F.areaA.id}?dormant_days=365`), 200);
  assert.ok(!codes(year.dormant.items).includes(CODES.user));
  assertProblem(await fx.admin.get(`/api/reviews/${F.areaA.id}?dormant_days=0`), 422, "out_of_range", "dormant_days");
  // The people of no area: the regular administrators.
  const none = expectStatus(await fx.admin.get(`/api/reviews/none`), 200);
  assert.ok(none.administrators >= 1);
  await fx.admin.delete(`/api/groups/${inert.id}?version=${inert.version}`);
});

test("b03_a_local_administrator_reviews_their_own_area_only", async () => {
  const areas = expectStatus(await laA.get("/api/reviews"), 200);
  assert.deepEqual(areas.map((a) => a.key), [String(F.areaA.id)]);
  expectStatus(await laA.get(`/api/reviews/${F.areaA.id}`), 200);
  // Deny twins: another area, the people of no area, an area of another account, nonsense.
  assertProblem(await laA.get(`/api/reviews/${F.areaB.id}`), 404);
  assertProblem(await laA.get(`/api/reviews/none`), 404);
  assertProblem(await fx.admin.get(`/api/reviews/${F.otherArea.id}`), 404);
  assertProblem(await fx.admin.get(`/api/reviews/abc`), 404);
  assertProblem(await laA.get(`/api/reviews/${F.areaB.id}/csv`), 404);
  await refusedWithoutChange(() => laA.post(`/api/reviews/${F.areaB.id}/reviewed`), 404);
  // A User-level person reviews nothing.
  assertProblem(await uma.get(`/api/reviews/${F.areaA.id}`), 403);
  // A regular administrator reviews every area and the people of no area.
  const all = expectStatus(await fx.admin.get("/api/reviews"), 200);
  assert.deepEqual(all.map((a) => a.key), ["none", String(F.areaA.id), String(F.areaB.id)]);
});

test("b03_mark_reviewed_is_recorded_in_history_and_shown", async () => {
  const mark = expectStatus(await laA.post(`/api/reviews/${F.areaA.id}/reviewed`), 200);
  assert.equal(mark.by, CODES.la_a);
  const rows = fx.read(`SELECT entity_kind, entity_id, area_id, action, actor_user_code FROM history WHERE action = 'reviewed' AND area_id IS NOT NULL`);
  assert.deepEqual(rows, [{ entity_kind: "area", entity_id: F.areaA.id, area_id: F.areaA.id, action: "reviewed", actor_user_code: CODES.la_a }]);
  const review = expectStatus(await fx.admin.get(`/api/reviews/${F.areaA.id}`), 200);
  assert.equal(review.last_review.by, CODES.la_a);
  assert.equal(review.last_review.at, mark.at);
  // The people of no area have their own mark (a regular administrator's).
  expectStatus(await fx.admin.post(`/api/reviews/none/reviewed`), 200);
  const none = expectStatus(await fx.admin.get(`/api/reviews/none`), 200);
  assert.equal(none.last_review.by, "admin@demo.precinct.test");
  const listed = expectStatus(await fx.admin.get(`/api/reviews`), 200);
  assert.equal(listed.find((a) => a.key === "none").last_review.by, "admin@demo.precinct.test");
  assert.equal(listed.find((a) => a.key === String(F.areaA.id)).last_review.by, CODES.la_a);
  assert.equal(listed.find((a) => a.key === String(F.areaB.id)).last_review, null);
  // Area B was not reviewed; its local administrator does not learn about A's review.
  const b = expectStatus(await laB.get(`/api/reviews/${F.areaB.id}`), 200);
  assert.equal(b.last_review, null);
  // The History tab shows it, in the area's history.
  const history = expectStatus(await laA.get(`/api/history?entity_kind=area`), 200);
  assert.ok(history.items.some((entry) => entry.action === "reviewed"));
});

test("b03_the_review_exports_as_csv_with_bom_and_either_separator", async () => {
  // Read as bytes: a text decoder would drop the BOM the file starts with.
  const raw = await fetch(`${fx.worker.url}/api/reviews/${F.areaA.id}/csv`, { headers: { cookie: fx.admin.cookie } });
  const bytes = Buffer.from(await raw.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], "no BOM");
  const response = { status: raw.status, headers: raw.headers, text: bytes.toString("utf8") };
  assert.equal(response.status, 200, response.text);
  assert.match(response.headers.get("content-type"), /^text\/csv/);
  assert.match(response.headers.get("content-disposition"), /attachment; filename="access-review-\d+\.csv"/);
  assert.equal(response.text.charCodeAt(0), 0xfeff, "no BOM");
  const lines = response.text.slice(1).trim().split(/\r?\n/);
  assert.equal(lines[0], "area,user_code,name,group,access_level,status,last_sign_in_utc,dormant,companies,no_company,invitation_pending_since_utc,old_invitation");
  const uma = lines.find((line) => line.includes(CODES.user));
  assert.match(uma, /^AREA-A,user\.a@demo\.precinct\.test,Uma User A,USER-GROUP-A,user,active,\d{4}-\d\d-\d\d \d\d:\d\d UTC,/);
  // A name with a comma is quoted; accents survive.
  assert.ok(lines.some((line) => line.includes('"Léa Late, A"')), lines.join("\n"));
  const french = await fx.admin.get(`/api/reviews/${F.areaA.id}/csv?separator=semicolon`);
  assert.ok(french.text.replace(/^\uFEFF/, "").startsWith("area;user_code;name;"), french.text.slice(0, 40));
  assert.ok(french.text.includes(";Léa Late, A;"), "a comma needs no quotes between semicolons");
  assertProblem(await fx.admin.get(`/api/reviews/${F.areaA.id}/csv?separator=tab`), 422, "invalid_value", "separator");
  // A name a spreadsheet would run as a formula is written as text.
  const formula = expectStatus(await fx.admin.post("/api/users", { user_code: "formula.a@demo.precinct.test", name: "=HYPERLINK(1)", group_id: F.groupUserA.id }), 201);
  const again = await fx.admin.get(`/api/reviews/${F.areaA.id}/csv`);
  assert.ok(again.text.includes(",'=HYPERLINK(1),"), again.text);
  await fx.admin.delete(`/api/users/${formula.id}?version=${formula.version}`);
});
