//! The data layer: every SQL statement the worker runs against D1. Services call these functions
//! through a handle ([`AccountDb`] for one account's data, [`SystemDb`] for what comes before a
//! session); scoping arrives here as a policy scope and leaves as a `WHERE` clause on the
//! store's own table aliases.

use precinct_core::history_text::HistoryEvent;
use precinct_core::problem::ProblemCode;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use crate::auth::{ThrottleRule, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS};
use crate::error::{ApiError, ApiResult};

pub mod areas;
pub mod companies;
mod db;
pub mod directories;
pub mod export;
pub mod groups;
pub mod history;
pub mod list;
pub mod mail;
pub mod mfa;
pub mod plans;
pub mod reports;
pub mod review;
mod scope;
mod sql;
pub mod users;
pub mod what_if;

use db::sealed::Connection as _;
pub use db::{AccountDb, Confirmation, Confirmed, Database, Homes, SystemDb};
pub mod homes;
pub mod import;

/// D1 numbers travel as JavaScript numbers: exact up to 2^53, which ids and UTC milliseconds fit.
pub fn int(value: i64) -> JsValue {
    JsValue::from_f64(value as f64)
}

pub fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

pub fn opt_int(value: Option<i64>) -> JsValue {
    value.map_or(JsValue::NULL, int)
}

pub fn opt_text(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, text)
}

fn statement(db: &impl Database, sql: &str, values: &[JsValue]) -> ApiResult<D1PreparedStatement> {
    db.d1().prepare(sql).bind(values).map_err(ApiError::from)
}

/// Runs read statements as one D1 batch (one round trip). Through a handle whose optimistic
/// principal is still unconfirmed, the session check goes first in the same batch, so the
/// answer and the check come from one transaction; a session found changed refuses the answer
/// (`ApiError::SessionChanged`) for the request to be redone with the fresh principal.
pub async fn read(
    db: &impl Database,
    statements: Vec<D1PreparedStatement>,
) -> ApiResult<Vec<worker::D1Result>> {
    let Some((confirmation, check)) = db
        .confirmation()
        .and_then(|confirmation| Some((confirmation, confirmation.take_check()?)))
    else {
        return Ok(db.d1().batch(statements).await?);
    };
    let mut checked = Vec::with_capacity(statements.len() + 1);
    checked.push(check);
    checked.extend(statements);
    let mut results = db.d1().batch(checked).await?.into_iter();
    let fresh = match results.next() {
        Some(result) => session_of(&result)?,
        None => None,
    };
    if !confirmation.found(fresh) {
        return Err(ApiError::SessionChanged);
    }
    Ok(results.collect())
}

/// The rows of one read statement (see [`read`]).
pub async fn rows<T: serde::de::DeserializeOwned>(
    db: &impl Database,
    statement: D1PreparedStatement,
) -> ApiResult<Vec<T>> {
    if db.confirmation().is_none() {
        return Ok(statement.all().await?.results::<T>()?);
    }
    match read(db, vec![statement]).await?.first() {
        Some(result) => Ok(result.results::<T>()?),
        None => Ok(Vec::new()),
    }
}

/// The first row of one read statement (see [`read`]).
pub async fn first_row<T: serde::de::DeserializeOwned>(
    db: &impl Database,
    statement: D1PreparedStatement,
) -> ApiResult<Option<T>> {
    if db.confirmation().is_none() {
        return Ok(statement.first::<T>(None).await?);
    }
    Ok(rows(db, statement).await?.into_iter().next())
}

/// Reading one statement through a handle, so an optimistic principal's check can ride along.
#[allow(async_fn_in_trait)] // the store's own: never awaited through `dyn`.
pub trait Reading {
    async fn rows_in<T: serde::de::DeserializeOwned>(self, db: &impl Database)
        -> ApiResult<Vec<T>>;
    async fn first_in<T: serde::de::DeserializeOwned>(
        self,
        db: &impl Database,
    ) -> ApiResult<Option<T>>;
}

impl Reading for D1PreparedStatement {
    async fn rows_in<T: serde::de::DeserializeOwned>(
        self,
        db: &impl Database,
    ) -> ApiResult<Vec<T>> {
        rows(db, self).await
    }

    async fn first_in<T: serde::de::DeserializeOwned>(
        self,
        db: &impl Database,
    ) -> ApiResult<Option<T>> {
        first_row(db, self).await
    }
}

/// Runs statements as one atomic D1 batch: all of them or none.
pub async fn batch(
    db: &impl Database,
    statements: Vec<D1PreparedStatement>,
) -> ApiResult<Vec<worker::D1Result>> {
    confirm_before_writing(db).await?;
    if db.rehearsing() {
        return Err(ApiError::Rehearsed);
    }
    match guarded_batch(db, statements).await {
        Ok(results) => Ok(results),
        Err(error) => Err(moving_error(&error.to_string()).unwrap_or_else(|| error.into())),
    }
}

/// One statement recorded on the side of an answer (a failed attempt's history entry): written
/// like any write of the account, and dropped while the operator moves the account (O03) — the
/// answer stays the one the request asked for, and the move's copy stays exact.
pub async fn record(db: &impl Database, statement: D1PreparedStatement) -> ApiResult<()> {
    match batch(db, vec![statement]).await {
        Ok(_) => Ok(()),
        Err(ApiError::Problem(problem)) if problem.code == ProblemCode::AccountMoving.as_str() => {
            Ok(())
        }
        Err(error) => Err(error),
    }
}

/// Sends a write batch with the handle's guard last (an account being moved refuses every
/// write, O03); the guard's own result is not returned, so the callers' indexes stay theirs.
async fn guarded_batch(
    db: &impl Database,
    mut statements: Vec<D1PreparedStatement>,
) -> worker::Result<Vec<worker::D1Result>> {
    let guarded = match db.write_guard() {
        Some(guard) => {
            statements.push(guard?);
            true
        }
        None => false,
    };
    if db.rehearsing() {
        // B02: every statement runs, with its checks (the account's guard included); this
        // last one fails on purpose and D1 rolls the whole batch back.
        statements.push(
            db.d1()
                .prepare("INSERT INTO batch_guard (rehearsal) VALUES (1)")
                .bind(&[])?,
        );
    }
    let mut results = db.d1().batch(statements).await?;
    if guarded {
        results.pop();
    }
    Ok(results)
}

/// O03: the refusal of a write while the operator moves the account.
fn moving_error(message: &str) -> Option<ApiError> {
    message
        .contains("CHECK constraint failed: account_moving")
        .then(|| {
            ApiError::problem(
                503,
                ProblemCode::AccountMoving,
                None,
                "Your account is being moved to another database: changes resume in a few \
                 minutes. Try again then.",
            )
        })
}

/// A write never runs on an unconfirmed optimistic principal: a check still owed goes first,
/// alone (a record write reads first, so its check has usually ridden with that read).
async fn confirm_before_writing(db: &impl Database) -> ApiResult<()> {
    match db.confirmation() {
        Some(confirmation) => match confirmation.settle(db).await? {
            Confirmed::Same(_) => Ok(()),
            Confirmed::Changed => Err(ApiError::SessionChanged),
        },
        None => Ok(()),
    }
}

/// `/api/health`: the database answers a trivial query.
pub async fn database_answers(db: &SystemDb<'_>) -> bool {
    #[derive(Deserialize)]
    struct One {
        one: i64,
    }
    match db.d1().prepare("SELECT 1 AS one").first_in::<One>(db).await {
        Ok(Some(row)) => row.one == 1,
        _ => false,
    }
}

/// One history entry (R30). Built by the services, inserted in the same batch as the change.
pub struct HistoryEntry<'a> {
    pub at: i64,
    /// The real person (None for the operator or an anonymous sign-in attempt).
    pub actor: Option<(i64, &'a str)>,
    /// The user whose rights were used, when acting as another (R05).
    pub on_behalf_of: Option<(i64, &'a str)>,
    /// What kind of record, and what happened to it.
    pub event: HistoryEvent,
    /// `None` means "the row this batch just inserted" (`last_insert_rowid()`).
    pub entity_id: Option<i64>,
    pub area_id: Option<i64>,
    /// What the entry is about, as a person reads it (a code, a user code), so the console can
    /// say the entry in either language; `summary` is the English sentence.
    pub subject: Option<&'a str>,
    pub summary: &'a str,
    /// Field-by-field before/after, secrets already masked.
    pub changes: &'a [precinct_core::api::FieldChange],
}

pub fn insert_history(
    db: &AccountDb<'_>,
    entry: &HistoryEntry<'_>,
) -> ApiResult<D1PreparedStatement> {
    let changes = serde_json::to_string(entry.changes).map_err(ApiError::internal)?;
    let entity = if entry.entity_id.is_some() {
        "?6"
    } else {
        "last_insert_rowid()"
    };
    statement(
        db,
        &format!(
            "INSERT INTO history (account_id, at, actor_user_id, actor_user_code, on_behalf_of_user_id, \
             on_behalf_of_user_code, entity_kind, entity_id, area_id, action, summary, changes, subject) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?11, ?12, {entity}, ?7, ?8, ?9, ?10, ?13)"
        ),
        &[
            int(db.account()),
            int(entry.at),
            opt_int(entry.actor.map(|(id, _)| id)),
            entry.actor.map_or(JsValue::NULL, |(_, code)| text(&code.to_lowercase())),
            opt_int(entry.on_behalf_of.map(|(id, _)| id)),
            opt_int(entry.entity_id),
            opt_int(entry.area_id),
            text(entry.event.action()),
            text(entry.summary),
            text(&changes),
            entry.on_behalf_of.map_or(JsValue::NULL, |(_, code)| text(&code.to_lowercase())),
            text(entry.event.kind()),
            entry.subject.map_or(JsValue::NULL, text),
        ],
    )
}

/// Who and when for the entries a cascade writes, one per changed row (R30).
pub struct CascadeEntry<'a> {
    pub at: i64,
    pub actor: Option<(i64, &'a str)>,
    pub on_behalf_of: Option<(i64, &'a str)>,
    pub event: HistoryEvent,
}

/// One history entry for each row `rows` selects, in the same batch as the change and written
/// *before* it, so each entry carries the area the row had at the time (R21, R30). `rows` is a
/// `SELECT` of the columns `entity_id`, `area_id`, `subject`, `summary` and `changes` (a JSON
/// array of field changes, e.g. built with `json_array(json_object(...))`).
pub fn insert_history_per_row(
    db: &AccountDb<'_>,
    entry: &CascadeEntry<'_>,
    rows: sql::Sql,
) -> ApiResult<D1PreparedStatement> {
    let mut sql = sql::Sql::new(
        "INSERT INTO history (account_id, at, actor_user_id, actor_user_code, \
         on_behalf_of_user_id, on_behalf_of_user_code, entity_kind, action, entity_id, area_id, \
         subject, summary, changes) SELECT ",
    );
    sql.bind_int(db.account())
        .push(", ")
        .bind_int(entry.at)
        .push(", ")
        .bind(opt_int(entry.actor.map(|(id, _)| id)))
        .push(", ")
        .bind(
            entry
                .actor
                .map_or(JsValue::NULL, |(_, code)| text(&code.to_lowercase())),
        )
        .push(", ")
        .bind(opt_int(entry.on_behalf_of.map(|(id, _)| id)))
        .push(", ")
        .bind(
            entry
                .on_behalf_of
                .map_or(JsValue::NULL, |(_, code)| text(&code.to_lowercase())),
        )
        .push(", ")
        .bind_text(entry.event.kind())
        .push(", ")
        .bind_text(entry.event.action())
        .push(", r.entity_id, r.area_id, r.subject, r.summary, r.changes FROM (")
        .append(rows)
        .push(") r");
    sql.prepare(db)
}

/// Guard: aborts the batch with 409 "changed by someone else" when the statement before it
/// changed no row (its `WHERE version = ?` no longer matched).
pub fn guard_previous_changed(db: &impl Database) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO batch_guard (version_conflict) SELECT 1 WHERE changes() = 0",
        &[],
    )
}

/// Guard: aborts the batch with 404 when the statement before it changed no row (what it was to
/// change does not exist, or not any more).
pub fn guard_previous_found(db: &impl Database) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO batch_guard (not_found) SELECT 1 WHERE changes() = 0",
        &[],
    )
}

/// Guard: aborts the batch if the account would be left without an active regular
/// administrator (R16), whatever concurrent batch ran first.
pub fn guard_active_administrator(db: &AccountDb<'_>) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO batch_guard (last_administrator) SELECT 1 WHERE NOT EXISTS \
         (SELECT 1 FROM users WHERE account_id = ?1 AND access_level = 'administrator' AND active = 1)",
        &[int(db.account())],
    )
}

/// Guard: aborts the batch if any company of a multidimensional directory does not share the
/// directory's area (R08).
pub fn guard_directory_area(
    db: &AccountDb<'_>,
    directory_id: i64,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO batch_guard (directory_area) SELECT 1 WHERE EXISTS \
         (SELECT 1 FROM companies c JOIN directories d ON d.id = c.directory_id \
          WHERE d.id = ?1 AND d.account_id = ?2 AND d.multidimensional = 1 AND c.area_id IS NOT d.area_id)",
        &[int(directory_id), int(db.account())],
    )
}

/// Runs a write batch: all statements or none. Guard and constraint failures become the 4xx
/// a person can act on; anything else is internal.
pub async fn commit(
    db: &impl Database,
    statements: Vec<D1PreparedStatement>,
) -> ApiResult<Vec<worker::D1Result>> {
    confirm_before_writing(db).await?;
    match guarded_batch(db, statements).await {
        Ok(_) if db.rehearsing() => Err(ApiError::internal("a rehearsed batch was not refused")),
        Ok(results) => Ok(results),
        Err(error) => {
            Err(constraint_error(&error.to_string()).unwrap_or_else(|| ApiError::internal(error)))
        }
    }
}

/// How many rows the statement at `index` of a committed batch changed (0 when unknown).
pub fn changed_rows(results: &[worker::D1Result], index: usize) -> usize {
    results
        .get(index)
        .and_then(|result| result.meta().ok().flatten())
        .and_then(|meta| meta.changes)
        .unwrap_or(0)
}

/// The `id` an `INSERT ... RETURNING id` at `index` of a committed batch returned.
pub fn returned_id(results: &[worker::D1Result], index: usize) -> ApiResult<i64> {
    #[derive(Deserialize)]
    struct Id {
        id: i64,
    }
    let result = results
        .get(index)
        .ok_or_else(|| ApiError::internal("batch result missing"))?;
    let rows = result.results::<Id>()?;
    rows.first()
        .map(|row| row.id)
        .ok_or_else(|| ApiError::internal("INSERT returned no id"))
}

/// Maps a D1 constraint failure to the refusal it stands for.
pub fn constraint_error(message: &str) -> Option<ApiError> {
    if let Some(moving) = moving_error(message) {
        return Some(moving);
    }
    if message.contains("CHECK constraint failed: rehearsal") {
        return Some(ApiError::Rehearsed);
    }
    if message.contains("CHECK constraint failed: version_conflict") {
        return Some(ApiError::conflict(
            ProblemCode::VersionConflict,
            "This record was changed by someone else since you opened it. Reload it to see the \
             changes, then make yours again.",
        ));
    }
    if message.contains("CHECK constraint failed: last_administrator") {
        return Some(ApiError::conflict(
            ProblemCode::LastAdministrator,
            "The account must keep at least one active regular administrator.",
        ));
    }
    if message.contains("CHECK constraint failed: directory_area") {
        return Some(ApiError::conflict(
            ProblemCode::DirectoryArea,
            "Every company of a multidimensional directory must share the directory's area.",
        ));
    }
    if message.contains("CHECK constraint failed: not_found") {
        return Some(ApiError::not_found());
    }
    if let Some(rest) = message.split("UNIQUE constraint failed: ").nth(1) {
        let column = rest
            .split([',', ':', ' '])
            .filter(|part| !part.is_empty())
            .map(|part| part.rsplit('.').next().unwrap_or(part))
            .find(|column| *column != "account_id")
            .unwrap_or("code");
        let field = if column == "user_code_norm" {
            "user_code"
        } else {
            column
        };
        let message = if field == "user_code" {
            "This user code is already used by another user.".to_string()
        } else {
            format!("This {field} is already used; choose another.")
        };
        return Some(ApiError::Problem(precinct_core::problem::Problem {
            status: 409,
            code: ProblemCode::AlreadyUsed.as_str().to_string(),
            message,
            field: Some(field.to_string()),
            errors: Vec::new(),
        }));
    }
    if message.contains("FOREIGN KEY constraint failed") {
        return Some(ApiError::conflict(
            ProblemCode::StillReferenced,
            "This record is still referred to by other records and cannot be changed this way.",
        ));
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Sign-in

#[derive(Debug, Deserialize)]
pub struct SignInCandidate {
    pub id: i64,
    pub account_id: i64,
    pub area_id: Option<i64>,
    pub active: i64,
    pub password_hash: Option<String>,
    /// R35: the user owes a second factor after the password (enrolled, or an administrator),
    /// so a right password alone does not clear their failed attempts.
    pub owes_second_factor: i64,
    /// The holder proved the address (used a link sent there).
    pub address_proven: i64,
    /// ASVS 6.4.1: when the operator's printed password stops working, while it is unchanged.
    #[serde(default)]
    pub password_expires_at: Option<i64>,
}

/// Who signs in with a user code. A code is unique within an account, and across the service
/// once its owner proved the address (R03, R24: no squatting), so a code may have holders in
/// several accounts while none of them has proven it: the proven holder signs in, else the one
/// holder with a password (pending invitations have none); several such holders sign in as no
/// one. Returns the holder and the number of their account's database (O03).
pub async fn find_sign_in_candidate(
    directory: &SystemDb<'_>,
    user_code_norm: &str,
) -> ApiResult<Option<(SignInCandidate, usize)>> {
    homes::address_holder(directory, user_code_norm, true).await
}

/// Whom "Forgot password" mails a link to: the proven holder, else the only holder, with or
/// without a password yet (a link proves the address, R24).
pub async fn forgot_password_holder(
    directory: &SystemDb<'_>,
    user_code_norm: &str,
) -> ApiResult<Option<(SignInCandidate, usize)>> {
    homes::address_holder(directory, user_code_norm, false).await
}

/// The holders of a user code in one database, the proven one first (at most two: the rule
/// needs no more).
async fn address_holders(
    db: &SystemDb<'_>,
    user_code_norm: &str,
    with_password: bool,
) -> ApiResult<Vec<SignInCandidate>> {
    statement(
        db,
        "SELECT id, account_id, area_id, active, password_hash, address_proven, \
         CASE WHEN password_must_change = 1 THEN password_expires_at END AS password_expires_at, \
         (access_level IN ('administrator', 'local_administrator') OR EXISTS \
           (SELECT 1 FROM user_mfa m WHERE m.user_id = users.id AND m.confirmed_at IS NOT NULL)) \
           AS owes_second_factor \
         FROM users WHERE user_code_norm = ?1 \
           AND (?2 = 0 OR address_proven = 1 OR password_hash IS NOT NULL) \
         ORDER BY address_proven DESC LIMIT 2",
        &[text(user_code_norm), int(i64::from(with_password))],
    )?
    .rows_in::<SignInCandidate>(db)
    .await
}

/// The stored password hash of a user (the current password of a password change).
pub async fn password_hash_of(db: &AccountDb<'_>, user_id: i64) -> ApiResult<Option<String>> {
    #[derive(Deserialize)]
    struct Stored {
        password_hash: Option<String>,
    }
    Ok(statement(
        db,
        "SELECT password_hash FROM users WHERE id = ?1 AND account_id = ?2",
        &[int(user_id), int(db.account())],
    )?
    .first_in::<Stored>(db)
    .await?
    .and_then(|stored| stored.password_hash))
}

/// What one reserved attempt found: the attempts counted in the window (this one included) and
/// the end of the lock, if one is set.
#[derive(Debug, Deserialize)]
pub struct Reserved {
    pub failures: i64,
    pub locked_until: i64,
}

/// Reserves one attempt for `key` atomically, *before* any hashing: one statement counts it and
/// sets the lock when the count passes the rule's limit, so N parallel attempts cost at most
/// `max_failures` hashes and the rest find the lock (ASVS 6.3.1 under concurrency). A fresh
/// window (after the lock, if any, ended) restarts the count. A successful attempt gives its
/// reservation back ([`refund_attempt`], [`clear_failures`]), so only failures lock.
pub fn reserve_attempt(
    db: &impl Database,
    key: &str,
    rule: ThrottleRule,
    now: i64,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO sign_in_throttle (key, failures, window_started_at, locked_until) \
         VALUES (?1, 1, ?2, CASE WHEN 1 > ?4 THEN ?2 + ?5 ELSE 0 END) \
         ON CONFLICT (key) DO UPDATE SET \
           failures = CASE WHEN locked_until <= ?2 AND window_started_at <= ?2 - ?3 THEN 1 \
                      ELSE failures + 1 END, \
           locked_until = CASE WHEN locked_until > ?2 THEN locked_until \
             WHEN (CASE WHEN window_started_at <= ?2 - ?3 THEN 1 ELSE failures + 1 END) > ?4 \
             THEN ?2 + ?5 ELSE locked_until END, \
           window_started_at = CASE WHEN locked_until <= ?2 AND window_started_at <= ?2 - ?3 \
                               THEN ?2 ELSE window_started_at END \
         RETURNING failures, locked_until",
        &[
            text(key),
            int(now),
            int(rule.window_ms),
            int(rule.max_failures),
            int(rule.lock_ms),
        ],
    )
}

/// Reserves an attempt under each `(key, rule)` in turn; `Some(lock end)` at the first that
/// refuses it (over its limit, or locked), and the keys after it are not counted: a client past
/// its own limit neither locks the people it names nor adds a row per address it makes up.
pub async fn reserve_attempts(
    db: &impl Database,
    keys: &[(&str, ThrottleRule)],
    now: i64,
) -> ApiResult<Option<i64>> {
    for (key, rule) in keys {
        let results = batch(db, vec![reserve_attempt(db, key, *rule, now)?]).await?;
        for result in results {
            for row in result.results::<Reserved>()? {
                if row.failures > rule.max_failures || row.locked_until > now {
                    return Ok(Some(row.locked_until));
                }
            }
        }
    }
    Ok(None)
}

/// Gives back the attempt a successful sign-in reserved under `key` (a shared client address
/// is not locked by its people signing in).
pub fn refund_attempt(db: &impl Database, key: &str) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE sign_in_throttle SET failures = MAX(failures - 1, 0) WHERE key = ?1",
        &[text(key)],
    )
}

/// Scheduled housekeeping (cron): what has expired goes, so nothing a stranger can trigger grows
/// the database without bound. Returns the rows removed per table, for the log.
pub async fn housekeeping(db: &SystemDb<'_>, now: i64) -> ApiResult<Vec<(&'static str, usize)>> {
    const DAY_MS: i64 = 24 * 60 * 60 * 1000;
    const LONGEST_THROTTLE_WINDOW_MS: i64 = 60 * 60 * 1000;
    const OUTBOX_KEPT_MS: i64 = 30 * DAY_MS;
    let jobs: [(&'static str, &str, Vec<JsValue>); 7] = [
        (
            "sessions",
            "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?2",
            vec![int(now), int(now - SESSION_IDLE_MS)],
        ),
        (
            "password_tokens",
            "DELETE FROM password_tokens WHERE expires_at <= ?1 OR used_at IS NOT NULL",
            vec![int(now)],
        ),
        (
            "sign_in_throttle",
            "DELETE FROM sign_in_throttle WHERE locked_until <= ?1 \
             AND (window_started_at <= ?2 OR failures = 0)",
            vec![int(now), int(now - LONGEST_THROTTLE_WINDOW_MS)],
        ),
        (
            "outbox",
            "DELETE FROM outbox WHERE at <= ?1",
            vec![int(now - OUTBOX_KEPT_MS)],
        ),
        // B04, B06: dry runs nobody confirmed in time, and invitations sent long ago.
        (
            "import_chunks",
            "DELETE FROM import_chunks WHERE run_id IN (SELECT id FROM import_runs WHERE expires_at <= ?1)",
            vec![int(now)],
        ),
        (
            "import_runs",
            "DELETE FROM import_runs WHERE expires_at <= ?1",
            vec![int(now)],
        ),
        (
            "invitation_queue",
            "DELETE FROM invitation_queue WHERE sent_at <= ?1",
            vec![int(now - OUTBOX_KEPT_MS)],
        ),
    ];
    let statements = jobs
        .iter()
        .map(|(_, sql, values)| statement(db, sql, values))
        .collect::<ApiResult<Vec<_>>>()?;
    let results = batch(db, statements).await?;
    Ok(jobs
        .iter()
        .zip(results)
        .map(|((table, _, _), result)| {
            let removed = result
                .meta()
                .ok()
                .flatten()
                .and_then(|meta| meta.changes)
                .unwrap_or(0);
            (*table, removed)
        })
        .collect())
}

pub fn clear_failures(db: &impl Database, key: &str) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "DELETE FROM sign_in_throttle WHERE key = ?1",
        &[text(key)],
    )
}

// ---------------------------------------------------------------------------------------------
// Sessions

pub fn insert_session(
    db: &AccountDb<'_>,
    token_hash: &str,
    user_id: i64,
    now: i64,
    user_agent: &str,
) -> ApiResult<D1PreparedStatement> {
    // The browser's own description, kept short: it names the session to its owner only.
    let user_agent: String = user_agent
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    statement(
        db,
        "INSERT INTO sessions (token_hash, account_id, user_id, created_at, last_seen_at, expires_at, user_agent) \
         VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)",
        &[text(token_hash), int(db.account()), int(user_id), int(now), int(now + SESSION_ABSOLUTE_MS), text(&user_agent)],
    )
}

/// One session of a user, as its owner sees it: a short id (the first 16 hex digits of the
/// token's hash: it opens nothing), when it started and was last used, and its browser.
#[derive(Debug, Deserialize)]
pub struct SessionListRow {
    pub id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub user_agent: String,
    pub current: i64,
}

/// The live sessions of `user`, newest first.
pub async fn sessions_of(
    db: &AccountDb<'_>,
    user: i64,
    current_token_hash: &str,
    now: i64,
) -> ApiResult<Vec<SessionListRow>> {
    statement(
        db,
        "SELECT substr(token_hash, 1, 16) AS id, created_at, last_seen_at, user_agent, \
         token_hash = ?2 AS current FROM sessions \
         WHERE user_id = ?1 AND account_id = ?5 AND expires_at > ?3 AND last_seen_at > ?4 \
         ORDER BY last_seen_at DESC LIMIT 100",
        &[
            int(user),
            text(current_token_hash),
            int(now),
            int(now - SESSION_IDLE_MS),
            int(db.account()),
        ],
    )?
    .rows_in::<SessionListRow>(db)
    .await
}

/// Ends the session of `user` whose short id is `id`; none ended is a 404.
pub fn end_own_session(
    db: &AccountDb<'_>,
    user: i64,
    id: &str,
) -> ApiResult<Vec<D1PreparedStatement>> {
    Ok(vec![
        statement(
            db,
            "DELETE FROM sessions WHERE user_id = ?1 AND account_id = ?3 AND substr(token_hash, 1, 16) = ?2",
            &[int(user), text(id), int(db.account())],
        )?,
        guard_previous_found(db)?,
    ])
}

/// The company the session works in (R04).
pub fn choose_session_company(
    db: &AccountDb<'_>,
    token_hash: &str,
    company: i64,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE sessions SET company_id = ?2 WHERE token_hash = ?1 AND account_id = ?3",
        &[text(token_hash), int(company), int(db.account())],
    )
}

/// Starts (`Some`) or stops acting as another user (R05); the chosen company goes either way.
pub fn set_session_acting(
    db: &AccountDb<'_>,
    token_hash: &str,
    acting: Option<i64>,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE sessions SET acting_user_id = ?2, company_id = NULL WHERE token_hash = ?1 AND account_id = ?3",
        &[text(token_hash), opt_int(acting), int(db.account())],
    )
}

pub fn delete_session(db: &SystemDb<'_>, token_hash: &str) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "DELETE FROM sessions WHERE token_hash = ?1",
        &[text(token_hash)],
    )
}

/// A live session: the real user and, when acting as another (R05), the effective user, each
/// with their group, so the policy's actor can be rebuilt on every request.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SessionRow {
    pub token_hash: String,
    pub account_id: i64,
    pub account_name: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    /// R35: this session's second factor was entered.
    pub second_factor_entered: bool,
    pub company_id: Option<i64>,
    pub real: PrincipalRow,
    pub acting: Option<PrincipalRow>,
}

/// A user and their group, as the policy needs them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PrincipalRow {
    pub user_id: i64,
    pub user_code: String,
    pub name: String,
    pub active: i64,
    pub group_id: i64,
    pub group_code: String,
    pub access_level: String,
    pub area_id: Option<i64>,
    pub area_code: Option<String>,
    pub options: String,
    /// R14: the companies ticked for a User-level person (none listed for other levels), read in
    /// the same query as the session: no second round trip.
    #[serde(default)]
    pub ticked: Vec<i64>,
    /// R36: the password was given by someone else; nothing but choosing a new one is allowed.
    #[serde(default)]
    pub password_must_change: i64,
    /// R35: the user has a confirmed second factor.
    #[serde(default)]
    pub mfa_enrolled: i64,
}

#[derive(Deserialize)]
struct SessionFlat {
    token_hash: String,
    account_id: i64,
    account_name: String,
    created_at: i64,
    last_seen_at: i64,
    second_factor_entered: i64,
    r_mfa_enrolled: i64,
    company_id: Option<i64>,
    r_user_id: i64,
    r_user_code: String,
    r_name: String,
    r_active: i64,
    r_group_id: i64,
    r_group_code: String,
    r_access_level: String,
    r_area_id: Option<i64>,
    r_area_code: Option<String>,
    r_options: String,
    r_ticked: Option<String>,
    r_password_must_change: i64,
    a_user_id: Option<i64>,
    a_user_code: Option<String>,
    a_name: Option<String>,
    a_active: Option<i64>,
    a_group_id: Option<i64>,
    a_group_code: Option<String>,
    a_access_level: Option<String>,
    a_area_id: Option<i64>,
    a_area_code: Option<String>,
    a_options: Option<String>,
    a_ticked: Option<String>,
}

/// The companies ticked for a User-level person (R14), as the session query lists them.
fn ticks(listed: Option<String>) -> Vec<i64> {
    listed
        .unwrap_or_default()
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect()
}

const PRINCIPAL_COLUMNS: &str = "{p}.id AS {p}_user_id, {p}.user_code AS {p}_user_code, \
    {p}.name AS {p}_name, {p}.active AS {p}_active, {p}g.id AS {p}_group_id, \
    {p}g.code AS {p}_group_code, {p}g.access_level AS {p}_access_level, \
    {p}g.area_id AS {p}_area_id, {p}a.code AS {p}_area_code, {p}g.options AS {p}_options, \
    CASE WHEN {p}g.access_level = 'user' THEN (SELECT group_concat(t.company_id) \
      FROM user_companies t WHERE t.user_id = {p}.id) END AS {p}_ticked";

/// Finds the session of a token if it is neither idle-expired nor past its absolute expiry and
/// the real user is still active. Whether the effective user may still be acted as is the
/// policy's call, made again on every request.
pub async fn live_session(
    db: &SystemDb<'_>,
    token_hash: &str,
    now: i64,
) -> ApiResult<Option<SessionRow>> {
    let flat = live_session_statement(db, token_hash, now)?
        .first_in::<SessionFlat>(db)
        .await?;
    Ok(flat.map(SessionFlat::row))
}

/// The statement [`live_session`] runs, for the optimistic principal (issue 17) to send in
/// the same batch as a request's first read; [`session_of`] reads its answer.
pub fn live_session_statement(
    db: &SystemDb<'_>,
    token_hash: &str,
    now: i64,
) -> ApiResult<D1PreparedStatement> {
    let sql = format!(
        "SELECT s.token_hash, s.account_id, acc.name AS account_name, s.last_seen_at, s.company_id, \
                {real}, {acting} \
         , r.password_must_change AS r_password_must_change, s.created_at, \
         s.second_factor_at IS NOT NULL AS second_factor_entered, EXISTS (SELECT 1 FROM user_mfa m \
           WHERE m.user_id = r.id AND m.confirmed_at IS NOT NULL) AS r_mfa_enrolled \
         FROM sessions s \
         JOIN accounts acc ON acc.id = s.account_id \
         JOIN users r ON r.id = s.user_id AND r.account_id = s.account_id \
         JOIN user_groups rg ON rg.id = r.group_id \
         LEFT JOIN areas ra ON ra.id = rg.area_id \
         LEFT JOIN users a ON a.id = s.acting_user_id AND a.account_id = s.account_id \
         LEFT JOIN user_groups ag ON ag.id = a.group_id \
         LEFT JOIN areas aa ON aa.id = ag.area_id \
         WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND s.last_seen_at > ?3 AND r.active = 1",
        real = PRINCIPAL_COLUMNS.replace("{p}", "r"),
        acting = PRINCIPAL_COLUMNS.replace("{p}", "a"),
    );
    statement(
        db,
        &sql,
        &[text(token_hash), int(now), int(now - SESSION_IDLE_MS)],
    )
}

/// The live session a [`live_session_statement`] found, if any.
pub fn session_of(result: &worker::D1Result) -> ApiResult<Option<SessionRow>> {
    Ok(result
        .results::<SessionFlat>()?
        .into_iter()
        .next()
        .map(SessionFlat::row))
}

impl SessionFlat {
    fn row(self) -> SessionRow {
        let f = self;
        let acting = match (
            f.a_user_id,
            f.a_user_code,
            f.a_name,
            f.a_active,
            f.a_group_id,
            f.a_group_code,
            f.a_access_level,
            f.a_options,
        ) {
            (
                Some(user_id),
                Some(user_code),
                Some(name),
                Some(active),
                Some(group_id),
                Some(group_code),
                Some(access_level),
                Some(options),
            ) => Some(PrincipalRow {
                user_id,
                user_code,
                name,
                active,
                group_id,
                group_code,
                access_level,
                area_id: f.a_area_id,
                area_code: f.a_area_code,
                options,
                ticked: ticks(f.a_ticked),
                password_must_change: 0,
                mfa_enrolled: 0,
            }),
            _ => None,
        };
        SessionRow {
            token_hash: f.token_hash,
            account_id: f.account_id,
            account_name: f.account_name,
            created_at: f.created_at,
            last_seen_at: f.last_seen_at,
            second_factor_entered: f.second_factor_entered == 1,
            company_id: f.company_id,
            real: PrincipalRow {
                user_id: f.r_user_id,
                user_code: f.r_user_code,
                name: f.r_name,
                active: f.r_active,
                group_id: f.r_group_id,
                group_code: f.r_group_code,
                access_level: f.r_access_level,
                area_id: f.r_area_id,
                area_code: f.r_area_code,
                options: f.r_options,
                ticked: ticks(f.r_ticked),
                password_must_change: f.r_password_must_change,
                mfa_enrolled: f.r_mfa_enrolled,
            },
            acting,
        }
    }
}

/// Ends an impersonation the server no longer allows (R05: the target was disabled or left the
/// real user's area), keeping the real user's session, with its history entry (R30) written
/// only by the request that actually ended it.
pub async fn stop_acting(
    db: &SystemDb<'_>,
    session: &SessionRow,
    acting: &PrincipalRow,
    now: i64,
) -> ApiResult<()> {
    let changes = serde_json::to_string(&[precinct_core::api::FieldChange {
        field: "acting_as".to_string(),
        before: Some(acting.user_code.clone()),
        after: None,
    }])
    .map_err(ApiError::internal)?;
    let summary = format!(
        "Stopped acting as {}: that user may no longer be acted as",
        acting.user_code
    );
    commit(
        db,
        vec![
            statement(
                db,
                "UPDATE sessions SET acting_user_id = NULL, company_id = NULL \
                 WHERE token_hash = ?1 AND acting_user_id = ?2",
                &[text(&session.token_hash), int(acting.user_id)],
            )?,
            statement(
                db,
                "INSERT INTO history (account_id, at, actor_user_id, actor_user_code, \
                 on_behalf_of_user_id, on_behalf_of_user_code, entity_kind, entity_id, area_id, \
                 action, summary, changes, subject) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?10, ?5, ?7, ?11, ?8, ?9, ?6 \
                 WHERE changes() > 0",
                &[
                    int(session.account_id),
                    int(now),
                    int(session.real.user_id),
                    text(&session.real.user_code.to_lowercase()),
                    int(acting.user_id),
                    text(&acting.user_code.to_lowercase()),
                    opt_int(acting.area_id),
                    text(&summary),
                    text(&changes),
                    text(HistoryEvent::UserImpersonationEnded.kind()),
                    text(HistoryEvent::UserImpersonationEnded.action()),
                ],
            )?,
        ],
    )
    .await?;
    Ok(())
}

pub async fn touch_session(db: &SystemDb<'_>, token_hash: &str, now: i64) -> ApiResult<()> {
    statement(
        db,
        "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
        &[text(token_hash), int(now)],
    )?
    .run()
    .await?;
    Ok(())
}
