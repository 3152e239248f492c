//! B04 import and B06 bulk actions: what the lines name, read in a few set-based queries through
//! the actor's scopes (never row by row), the dry runs kept until they are confirmed, the
//! statements a confirmed line writes, and the invitation queue.

use super::Reading as _;
use std::collections::{BTreeMap, BTreeSet};

use precinct_core::api::Language;
use precinct_core::bulk::{Stored, StoredUser};
use precinct_core::ids::{AreaId, CompanyId};
use precinct_core::policy::{CompanyRef, CompanyScope, Group, GroupScope, UserScope};
use serde::Deserialize;
use worker::D1PreparedStatement;

use super::sql::Sql;
use super::{int, scope, statement, text, AccountDb};
use crate::error::{ApiError, ApiResult};
use crate::principal::policy_group;

/// The actor's three scopes, as the policy gave them.
#[derive(Clone, Copy)]
pub struct Scopes {
    pub users: UserScope,
    pub groups: GroupScope,
    pub companies: CompanyScope,
}

/// A file's codes are looked up this many at a time: a list is bound as one JSON value, and D1
/// refuses a value over 2,000,000 bytes (2,000 user codes of at most 254 characters stay under
/// 520,000).
const LOOKUP_PART: usize = 2_000;

fn json<T: serde::Serialize>(value: &T) -> ApiResult<String> {
    serde_json::to_string(value).map_err(ApiError::internal)
}

/// Every group the actor may see, by lower-case code (and by id).
pub async fn visible_groups(db: &AccountDb<'_>, scope: GroupScope) -> ApiResult<Vec<Group>> {
    #[derive(Deserialize)]
    struct Row {
        id: i64,
        code: String,
        access_level: String,
        area_id: Option<i64>,
        options: String,
    }
    let mut sql = Sql::new(
        "SELECT g.id, g.code, g.access_level, g.area_id, g.options FROM user_groups g \
         WHERE g.account_id = ",
    );
    sql.bind_int(db.account()).append(scope::groups(scope, "g"));
    sql.prepare(db)?
        .rows_in::<Row>(db)
        .await?
        .into_iter()
        .map(|row| {
            policy_group(
                row.id,
                &row.code,
                &row.access_level,
                row.area_id,
                &row.options,
            )
        })
        .collect()
}

#[derive(Deserialize)]
struct PersonRow {
    id: i64,
    user_code_norm: String,
    name: String,
    language: String,
    active: i64,
    version: i64,
    group_id: i64,
    address_taken: i64,
}

const PERSON_COLUMNS: &str = "u.id, u.user_code_norm, u.name, u.language, u.active, u.version, \
    u.group_id, (u.address_proven = 0 AND EXISTS (SELECT 1 FROM proven_codes p \
      WHERE p.user_code_norm = u.user_code_norm AND p.account_id <> u.account_id)) AS address_taken";

/// The people `rows` name, with their ticks among the companies the actor may see.
async fn people(
    db: &AccountDb<'_>,
    scopes: Scopes,
    rows: Vec<PersonRow>,
    groups: &BTreeMap<i64, Group>,
) -> ApiResult<Vec<StoredUser>> {
    #[derive(Deserialize)]
    struct Tick {
        user_id: i64,
        id: i64,
        code: String,
    }
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut ticks: BTreeMap<i64, BTreeMap<String, CompanyId>> = BTreeMap::new();
    if !ids.is_empty() {
        // From the ids, through each one's ticks (CROSS JOIN keeps that order: started from the
        // account's companies instead, SQLite probed every company for every id, 23 s for
        // 10,000 people of a 100,000-user account).
        let mut sql = Sql::new("SELECT uc.user_id, c.id, c.code FROM json_each(");
        sql.bind_text(&json(&ids)?)
            .push(
                ") j CROSS JOIN user_companies uc ON uc.user_id = j.value \
                 CROSS JOIN companies c ON c.id = uc.company_id WHERE c.account_id = ",
            )
            .bind_int(db.account())
            .append(scope::companies(scopes.companies, "c"));
        for tick in sql.prepare(db)?.rows_in::<Tick>(db).await? {
            ticks
                .entry(tick.user_id)
                .or_default()
                .insert(tick.code, CompanyId(tick.id));
        }
    }
    Ok(rows
        .into_iter()
        // A person whose group the actor cannot see is not theirs to change.
        .filter_map(|row| {
            let group = groups.get(&row.group_id)?.clone();
            Some(StoredUser {
                id: row.id,
                version: row.version,
                user_code: row.user_code_norm,
                name: row.name,
                language: Language::parse(&row.language).unwrap_or(Language::En),
                active: row.active == 1,
                group,
                ticked: ticks.remove(&row.id).unwrap_or_default(),
                address_taken: row.address_taken == 1,
            })
        })
        .collect())
}

/// Active regular administrators of the account (R16).
pub async fn active_administrators(db: &AccountDb<'_>) -> ApiResult<u32> {
    #[derive(Deserialize)]
    struct Count {
        n: u32,
    }
    let row = statement(
        db,
        "SELECT COUNT(*) AS n FROM users WHERE account_id = ?1 AND access_level = 'administrator' \
         AND active = 1",
        &[int(db.account())],
    )?
    .first_in::<Count>(db)
    .await?;
    Ok(row.map_or(0, |row| row.n))
}

/// Companies the actor may see among `codes` (any case), by lower-case code.
pub async fn companies_named(
    db: &AccountDb<'_>,
    scope: CompanyScope,
    codes: &[String],
) -> ApiResult<BTreeMap<String, (CompanyRef, String)>> {
    #[derive(Deserialize)]
    struct Row {
        id: i64,
        code: String,
        area_id: Option<i64>,
    }
    if codes.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut named = BTreeMap::new();
    for part in codes.chunks(LOOKUP_PART) {
        let mut sql =
            Sql::new("SELECT c.id, c.code, c.area_id FROM companies c WHERE c.account_id = ");
        sql.bind_int(db.account())
            .push(" AND c.code COLLATE NOCASE IN (SELECT value FROM json_each(")
            .bind_text(&json(&part)?)
            .push("))")
            .append(scope::companies(scope, "c"));
        for row in sql.prepare(db)?.rows_in::<Row>(db).await? {
            let company = CompanyRef {
                id: CompanyId(row.id),
                area: row.area_id.map(AreaId),
            };
            named.insert(row.code.to_lowercase(), (company, row.code));
        }
    }
    Ok(named)
}

/// What a users file names, as the actor may see it: the groups, the people by code (and the
/// codes someone else holds), the companies named.
pub async fn stored_for_lines(
    db: &AccountDb<'_>,
    scopes: Scopes,
    user_codes: &[String],
    company_codes: &[String],
) -> ApiResult<Stored> {
    #[derive(Deserialize)]
    struct Code {
        code: String,
    }
    let groups = visible_groups(db, scopes.groups).await?;
    let by_id: BTreeMap<i64, Group> = groups
        .iter()
        .map(|group| (group.id.0, group.clone()))
        .collect();
    let mut rows = Vec::new();
    let mut taken = Vec::new();
    for part in user_codes.chunks(LOOKUP_PART) {
        let codes = json(&part)?;
        let mut sql = Sql::new(&format!(
            "SELECT {PERSON_COLUMNS} FROM users u WHERE u.account_id = "
        ));
        sql.bind_int(db.account())
            .push(" AND u.user_code_norm IN (SELECT value FROM json_each(")
            .bind_text(&codes)
            .push("))")
            .append(scope::users(scopes.users, "u"));
        rows.extend(sql.prepare(db)?.rows_in::<PersonRow>(db).await?);
        // Codes of this account's other people, and codes proven in another account (R03): the
        // same refusal as the user form's, naming no one.
        taken.extend(
            statement(
                db,
                "SELECT j.value AS code FROM json_each(?2) j WHERE EXISTS (SELECT 1 FROM users x \
                   WHERE x.account_id = ?1 AND x.user_code_norm = j.value) \
                 OR EXISTS (SELECT 1 FROM proven_codes p WHERE p.user_code_norm = j.value AND p.account_id <> ?1)",
                &[int(db.account()), text(&codes)],
            )?
            .rows_in::<Code>(db)
            .await?,
        );
    }
    let users = people(db, scopes, rows, &by_id).await?;
    let users: BTreeMap<String, StoredUser> = users
        .into_iter()
        .map(|user| (user.user_code.clone(), user))
        .collect();
    let taken: BTreeSet<String> = taken
        .into_iter()
        .map(|row| row.code)
        .filter(|code| !users.contains_key(code))
        .collect();
    Ok(Stored {
        groups: groups
            .into_iter()
            .map(|group| (group.code.to_lowercase(), group))
            .collect(),
        users,
        taken,
        companies: companies_named(db, scopes.companies, company_codes).await?,
        active_administrators: active_administrators(db).await?,
    })
}

/// The people of a bulk action, as the actor may see them, in the order of `ids` (those the
/// actor may not see are left out, as if they did not exist).
pub async fn people_by_id(
    db: &AccountDb<'_>,
    scopes: Scopes,
    ids: &[i64],
) -> ApiResult<Vec<StoredUser>> {
    let groups: BTreeMap<i64, Group> = visible_groups(db, scopes.groups)
        .await?
        .into_iter()
        .map(|group| (group.id.0, group))
        .collect();
    let mut sql = Sql::new(&format!(
        "SELECT {PERSON_COLUMNS} FROM users u WHERE u.account_id = "
    ));
    sql.bind_int(db.account())
        .push(" AND u.id IN (SELECT value FROM json_each(")
        .bind_text(&json(&ids)?)
        .push("))")
        .append(scope::users(scopes.users, "u"));
    let rows = sql.prepare(db)?.rows_in::<PersonRow>(db).await?;
    let mut found: BTreeMap<i64, StoredUser> = people(db, scopes, rows, &groups)
        .await?
        .into_iter()
        .map(|user| (user.id, user))
        .collect();
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// The ids of the people a users-list search finds (B06 "all N matching"), as the list would
/// show them (the same scope, filters and word search), at most `limit`.
pub async fn ids_matching(
    db: &AccountDb<'_>,
    scope: UserScope,
    filter: &super::users::UserFilter,
    q: &Option<String>,
    limit: usize,
) -> ApiResult<Vec<i64>> {
    #[derive(Deserialize)]
    struct Id {
        id: i64,
    }
    let mut sql = Sql::new("SELECT u.id FROM users u WHERE u.account_id = ");
    sql.bind_int(db.account()).append(scope::users(scope, "u"));
    if let Some(group) = filter.group_id {
        sql.push(" AND u.group_id = ").bind_int(group);
    }
    if let Some(area) = filter.area_id {
        sql.push(" AND u.area_id = ").bind_int(area);
    }
    if let Some(active) = filter.active {
        sql.push(" AND u.active = ").bind_int(i64::from(active));
    }
    super::list::word_search(&mut sql, q, super::list::WordIndex::Users, "u.id");
    sql.push(" ORDER BY u.name_norm, u.id LIMIT ")
        .bind_int(i64::try_from(limit).unwrap_or(i64::MAX));
    Ok(sql
        .prepare(db)?
        .rows_in::<Id>(db)
        .await?
        .into_iter()
        .map(|row| row.id)
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Dry runs kept until confirmed

/// A dry run as kept: who made it and what each chunk writes.
#[derive(Debug, Deserialize)]
pub struct RunRow {
    pub id: i64,
    pub kind: String,
    pub actor_id: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub summary: String,
    pub chunks: i64,
}

#[derive(Debug, Deserialize)]
pub struct ChunkRow {
    pub n: i64,
    pub source: String,
    pub plan: String,
}

/// One chunk to keep: its lines' range, what they were read as, and their plan (JSON).
pub struct NewChunk {
    pub first_line: u32,
    pub last_line: u32,
    pub source: String,
    pub plan: String,
}

/// Keeps a dry run and its chunks, in one batch.
#[allow(clippy::too_many_arguments)]
pub fn insert_run(
    db: &AccountDb<'_>,
    token: &str,
    kind: &str,
    actor_id: i64,
    (now, expires_at): (i64, i64),
    summary: &str,
    chunks: &[NewChunk],
) -> ApiResult<Vec<D1PreparedStatement>> {
    let mut statements = vec![statement(
        db,
        "INSERT INTO import_runs (account_id, token, kind, actor_id, created_at, expires_at, summary, chunks) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        &[
            int(db.account()),
            text(token),
            text(kind),
            int(actor_id),
            int(now),
            int(expires_at),
            text(summary),
            int(i64::try_from(chunks.len()).unwrap_or(i64::MAX)),
        ],
    )?];
    for (n, chunk) in chunks.iter().enumerate() {
        statements.push(statement(
            db,
            "INSERT INTO import_chunks (run_id, n, first_line, last_line, source, plan) \
             SELECT id, ?2, ?3, ?4, ?5, ?6 FROM import_runs WHERE token = ?1",
            &[
                text(token),
                int(i64::try_from(n).unwrap_or(i64::MAX)),
                int(i64::from(chunk.first_line)),
                int(i64::from(chunk.last_line)),
                text(&chunk.source),
                text(&chunk.plan),
            ],
        )?);
    }
    Ok(statements)
}

/// A live dry run of this account by its token.
pub async fn run(db: &AccountDb<'_>, token: &str, now: i64) -> ApiResult<Option<RunRow>> {
    statement(
        db,
        "SELECT id, kind, actor_id, created_at, expires_at, summary, chunks FROM import_runs \
         WHERE token = ?1 AND account_id = ?2 AND expires_at > ?3",
        &[text(token), int(db.account()), int(now)],
    )?
    .first_in::<RunRow>(db)
    .await
}

/// The chunks of a run (`only`: one of them), in order.
pub async fn chunks(db: &AccountDb<'_>, run: i64, only: Option<i64>) -> ApiResult<Vec<ChunkRow>> {
    let mut sql = Sql::new("SELECT n, source, plan FROM import_chunks WHERE run_id = ");
    sql.bind_int(run);
    if let Some(n) = only {
        sql.push(" AND n = ").bind_int(n);
    }
    sql.push(" ORDER BY n");
    sql.prepare(db)?.rows_in::<ChunkRow>(db).await
}

/// The chunks' progress only (the report), without their lines.
pub async fn progress(
    db: &AccountDb<'_>,
    run: i64,
) -> ApiResult<Vec<(i64, i64, i64, Option<i64>)>> {
    #[derive(Deserialize)]
    struct Row {
        n: i64,
        first_line: i64,
        last_line: i64,
        written_at: Option<i64>,
    }
    Ok(statement(
        db,
        "SELECT n, first_line, last_line, written_at FROM import_chunks WHERE run_id = ?1 ORDER BY n",
        &[int(run)],
    )?
    .rows_in::<Row>(db)
    .await?
    .into_iter()
    .map(|row| (row.n, row.first_line, row.last_line, row.written_at))
    .collect())
}

/// Marks a chunk written, in the batch that writes it: a second confirmation of the same chunk
/// changes no row, and the guard after it refuses the whole batch.
pub fn mark_written(
    db: &AccountDb<'_>,
    run: i64,
    n: i64,
    now: i64,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE import_chunks SET written_at = ?3 WHERE run_id = ?1 AND n = ?2 AND written_at IS NULL",
        &[int(run), int(n), int(now)],
    )
}

// ---------------------------------------------------------------------------------------------
// What a confirmed line writes

/// A new user's ticks, found by their code (the id is the batch's own).
pub fn tick_new_user(
    db: &AccountDb<'_>,
    user_code: &str,
    companies: &[i64],
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT OR IGNORE INTO user_companies (user_id, company_id) \
         SELECT u.id, j.value FROM users u, json_each(?3) j WHERE u.account_id = ?1 AND u.user_code_norm = ?2",
        &[int(db.account()), text(user_code), text(&json(&companies)?)],
    )
}

/// B06: one company ticked (`on`) or unticked for a user, their other ticks left as they are.
pub fn tick_one(
    db: &AccountDb<'_>,
    user: i64,
    company: i64,
    on: bool,
) -> ApiResult<D1PreparedStatement> {
    if on {
        statement(
            db,
            "INSERT OR IGNORE INTO user_companies (user_id, company_id) \
             SELECT ?1, c.id FROM companies c WHERE c.id = ?2 AND c.account_id = ?3",
            &[int(user), int(company), int(db.account())],
        )
    } else {
        statement(
            db,
            "DELETE FROM user_companies WHERE user_id = ?1 AND company_id = ?2",
            &[int(user), int(company)],
        )
    }
}

/// A name and language changed (the user code is the line's key: it never changes here).
pub fn rename(
    db: &AccountDb<'_>,
    id: i64,
    version: i64,
    name: &str,
    language: Language,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE users SET name = ?3, name_norm = ?4, language = ?5, version = version + 1 \
         WHERE id = ?1 AND version = ?2 AND account_id = ?6",
        &[
            int(id),
            int(version),
            text(name),
            text(&name.to_lowercase()),
            text(language.as_str()),
            int(db.account()),
        ],
    )
}

/// An invitation queued for a user (by id, or by code for one the same batch creates).
pub fn queue_invitation(
    db: &AccountDb<'_>,
    user: Result<i64, &str>,
    now: i64,
    queued_by: i64,
) -> ApiResult<D1PreparedStatement> {
    let (column, value) = match user {
        Ok(id) => ("u.id", int(id)),
        Err(code) => ("u.user_code_norm", text(code)),
    };
    statement(
        db,
        &format!(
            "INSERT INTO invitation_queue (account_id, user_id, queued_at, queued_by) \
             SELECT ?1, u.id, ?2, ?3 FROM users u WHERE u.account_id = ?1 AND {column} = ?4 \
             AND NOT EXISTS (SELECT 1 FROM invitation_queue q WHERE q.user_id = u.id AND q.sent_at IS NULL)"
        ),
        &[int(db.account()), int(now), int(queued_by), value],
    )
}

/// Invitations waiting, among the people the actor may see.
pub async fn waiting_invitations(
    db: &AccountDb<'_>,
    scope: UserScope,
    limit: i64,
) -> ApiResult<(i64, Vec<(i64, i64)>)> {
    #[derive(Deserialize)]
    struct Waiting {
        id: i64,
        user_id: i64,
    }
    #[derive(Deserialize)]
    struct Count {
        n: i64,
    }
    let mut from =
        Sql::new(" FROM invitation_queue q JOIN users u ON u.id = q.user_id WHERE q.account_id = ");
    from.bind_int(db.account())
        .push(" AND q.sent_at IS NULL")
        .append(scope::users(scope, "u"));
    let mut count = Sql::new("SELECT COUNT(*) AS n");
    count.append(from.clone());
    let total = count
        .prepare(db)?
        .first_in::<Count>(db)
        .await?
        .map_or(0, |row| row.n);
    let mut next = Sql::new("SELECT q.id, q.user_id");
    next.append(from)
        .push(" ORDER BY q.id LIMIT ")
        .bind_int(limit);
    let rows = next.prepare(db)?.rows_in::<Waiting>(db).await?;
    Ok((
        total,
        rows.into_iter().map(|row| (row.id, row.user_id)).collect(),
    ))
}

/// An invitation sent (or refused by the provider: `failure` says why).
pub fn invitation_done(
    db: &AccountDb<'_>,
    id: i64,
    now: i64,
    failure: Option<&str>,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE invitation_queue SET sent_at = ?2, failure = ?3 WHERE id = ?1 AND account_id = ?4",
        &[
            int(id),
            int(now),
            super::opt_text(failure),
            int(db.account()),
        ],
    )
}

// ---------------------------------------------------------------------------------------------
// What a groups or companies file names

/// Every area the actor may name, by lower-case code (an account has a few hundred at most; the
/// records a file names show theirs by code too).
pub async fn nameable_areas(
    db: &AccountDb<'_>,
    scope: precinct_core::policy::AreaScope,
) -> ApiResult<BTreeMap<String, (AreaId, String)>> {
    #[derive(Deserialize)]
    struct Row {
        id: i64,
        code: String,
    }
    let mut sql = Sql::new("SELECT a.id, a.code FROM areas a WHERE a.account_id = ");
    sql.bind_int(db.account()).append(scope::areas(scope, "a"));
    Ok(sql
        .prepare(db)?
        .rows_in::<Row>(db)
        .await?
        .into_iter()
        .map(|row| (row.code.to_lowercase(), (AreaId(row.id), row.code)))
        .collect())
}

/// Codes (lower case) among `codes` that a record of `table` of this account holds.
async fn codes_held(
    db: &AccountDb<'_>,
    table: &str,
    codes: &[String],
) -> ApiResult<BTreeSet<String>> {
    #[derive(Deserialize)]
    struct Code {
        code: String,
    }
    if codes.is_empty() {
        return Ok(BTreeSet::new());
    }
    // `table` is one of this module's fixed names, never from a request.
    let mut sql = Sql::new(&format!("SELECT code FROM {table} WHERE account_id = "));
    sql.bind_int(db.account())
        .push(" AND code COLLATE NOCASE IN (SELECT value FROM json_each(")
        .bind_text(&json(&codes)?)
        .push("))");
    Ok(sql
        .prepare(db)?
        .rows_in::<Code>(db)
        .await?
        .into_iter()
        .map(|row| row.code.to_lowercase())
        .collect())
}

/// What a groups file names, as the actor may see it.
pub async fn stored_for_groups(
    db: &AccountDb<'_>,
    (groups, areas): (GroupScope, precinct_core::policy::AreaScope),
    codes: &[String],
) -> ApiResult<precinct_core::bulk::StoredGroups> {
    #[derive(Deserialize)]
    struct Row {
        id: i64,
        code: String,
        description: String,
        access_level: String,
        area_id: Option<i64>,
        options: String,
        version: i64,
        administrators: u32,
    }
    let mut found = BTreeMap::new();
    if !codes.is_empty() {
        let mut sql = Sql::new(
            "SELECT g.id, g.code, g.description, g.access_level, g.area_id, g.options, g.version, \
             (SELECT COUNT(*) FROM users m WHERE m.group_id = g.id AND m.access_level = 'administrator' \
              AND m.active = 1) AS administrators FROM user_groups g WHERE g.account_id = ",
        );
        sql.bind_int(db.account())
            .push(" AND g.code COLLATE NOCASE IN (SELECT value FROM json_each(")
            .bind_text(&json(&codes)?)
            .push("))")
            .append(scope::groups(groups, "g"));
        for row in sql.prepare(db)?.rows_in::<Row>(db).await? {
            let group = policy_group(
                row.id,
                &row.code,
                &row.access_level,
                row.area_id,
                &row.options,
            )?;
            found.insert(
                row.code.to_lowercase(),
                precinct_core::bulk::StoredGroup {
                    group,
                    description: row.description,
                    version: row.version,
                    active_administrators: row.administrators,
                },
            );
        }
    }
    let taken = codes_held(db, "user_groups", codes)
        .await?
        .into_iter()
        .filter(|code| !found.contains_key(code))
        .collect();
    Ok(precinct_core::bulk::StoredGroups {
        groups: found,
        taken,
        areas: nameable_areas(db, areas).await?,
        active_administrators: active_administrators(db).await?,
    })
}

/// What a companies file names, as the actor may see it: the companies (their user in charge's
/// code only when the actor may see them, R19), the directories, the areas, and the people named
/// in charge among those the actor may pick.
#[allow(clippy::too_many_arguments)]
pub async fn stored_for_companies(
    db: &AccountDb<'_>,
    actor: &precinct_core::policy::Actor,
    codes: &[String],
    directory_codes: &[String],
    in_charge_codes: &[String],
) -> ApiResult<precinct_core::bulk::StoredCompanies> {
    use precinct_core::bulk::{StoredCompanies, StoredCompany, StoredDirectory};
    use precinct_core::ids::{DirectoryId, GroupId, UserId};
    use precinct_core::policy::{self, company_scope, person_scope, user_in_charge_scope};
    #[derive(Deserialize)]
    struct CompanyRow {
        id: i64,
        code: String,
        name: String,
        directory_id: i64,
        area_id: Option<i64>,
        version: i64,
        user_in_charge_id: Option<i64>,
        uic_code: Option<String>,
    }
    #[derive(Deserialize)]
    struct DirectoryRow {
        id: i64,
        code: String,
        multidimensional: i64,
        area_id: Option<i64>,
    }
    #[derive(Deserialize)]
    struct PersonRow {
        id: i64,
        user_code_norm: String,
        group_id: i64,
        group_code: String,
        access_level: String,
        area_id: Option<i64>,
        options: String,
    }
    let mut companies = BTreeMap::new();
    if !codes.is_empty() {
        let mut sql = Sql::new(
            "SELECT c.id, c.code, c.name, c.directory_id, c.area_id, c.version, c.user_in_charge_id, \
             u.user_code AS uic_code FROM companies c LEFT JOIN users u ON u.id = c.user_in_charge_id",
        );
        // The user in charge joins only when the actor may see them (R12, R19).
        sql.append(scope::persons(person_scope(actor), "u"))
            .push(" WHERE c.account_id = ")
            .bind_int(db.account())
            .push(" AND c.code COLLATE NOCASE IN (SELECT value FROM json_each(")
            .bind_text(&json(&codes)?)
            .push("))")
            .append(scope::companies(company_scope(actor), "c"));
        for row in sql.prepare(db)?.rows_in::<CompanyRow>(db).await? {
            companies.insert(
                row.code.to_lowercase(),
                StoredCompany {
                    company: policy::Company {
                        id: CompanyId(row.id),
                        directory: DirectoryId(row.directory_id),
                        area: row.area_id.map(AreaId),
                    },
                    code: row.code,
                    name: row.name,
                    version: row.version,
                    user_in_charge: row
                        .user_in_charge_id
                        .map(|id| (id, row.uic_code.map(|code| code.to_lowercase()))),
                },
            );
        }
    }
    let taken = codes_held(db, "companies", codes)
        .await?
        .into_iter()
        .filter(|code| !companies.contains_key(code))
        .collect();
    let mut directories = BTreeMap::new();
    // A person who reads no directory (a User) names none.
    if let (Ok(scope), false) = (policy::read_directories(actor), directory_codes.is_empty()) {
        let mut sql = Sql::new(
            "SELECT d.id, d.code, d.multidimensional, d.area_id FROM directories d WHERE d.account_id = ",
        );
        sql.bind_int(db.account())
            .push(" AND d.code COLLATE NOCASE IN (SELECT value FROM json_each(")
            .bind_text(&json(&directory_codes)?)
            .push("))")
            .append(scope::directories(scope, "d"));
        for row in sql.prepare(db)?.rows_in::<DirectoryRow>(db).await? {
            directories.insert(
                row.code.to_lowercase(),
                StoredDirectory {
                    directory: policy::Directory {
                        id: DirectoryId(row.id),
                        multidimensional: row.multidimensional == 1,
                        area: row.area_id.map(AreaId),
                    },
                    code: row.code,
                },
            );
        }
    }
    let mut in_charge = BTreeMap::new();
    for part in in_charge_codes.chunks(LOOKUP_PART) {
        let mut sql = Sql::new(
            "SELECT u.id, u.user_code_norm, u.group_id, g.code AS group_code, g.access_level, g.area_id, \
             g.options FROM users u JOIN user_groups g ON g.id = u.group_id WHERE u.account_id = ",
        );
        sql.bind_int(db.account())
            .push(" AND u.active = 1 AND u.user_code_norm IN (SELECT value FROM json_each(")
            .bind_text(&json(&part)?)
            .push("))")
            .append(scope::users_in_charge(
                user_in_charge_scope(actor),
                db.account(),
                "u",
            ));
        for row in sql.prepare(db)?.rows_in::<PersonRow>(db).await? {
            let group = policy_group(
                row.group_id,
                &row.group_code,
                &row.access_level,
                row.area_id,
                &row.options,
            )?;
            let person = policy::User {
                id: UserId(row.id),
                group: GroupId(row.group_id),
                active: true,
                ticked: BTreeSet::new(),
            };
            in_charge.insert(row.user_code_norm, (person, group));
        }
    }
    Ok(StoredCompanies {
        companies,
        taken,
        directories,
        areas: nameable_areas(db, policy::area_scope(actor)).await?,
        in_charge,
    })
}
