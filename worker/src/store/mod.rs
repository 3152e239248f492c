//! The data layer: every SQL statement the worker runs against D1. Handlers call these functions;
//! scoping arrives here as a policy scope and leaves as a `WHERE` clause.

use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use crate::auth::{ThrottleRule, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS};
use crate::error::{ApiError, ApiResult};

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

pub fn statement(db: &D1Database, sql: &str, values: &[JsValue]) -> ApiResult<D1PreparedStatement> {
    db.prepare(sql).bind(values).map_err(ApiError::from)
}

/// Runs statements as one atomic D1 batch: all of them or none.
pub async fn batch(
    db: &D1Database,
    statements: Vec<D1PreparedStatement>,
) -> ApiResult<Vec<worker::D1Result>> {
    db.batch(statements).await.map_err(ApiError::from)
}

pub async fn database_answers(db: &D1Database) -> bool {
    #[derive(Deserialize)]
    struct One {
        one: i64,
    }
    match db.prepare("SELECT 1 AS one").first::<One>(None).await {
        Ok(Some(row)) => row.one == 1,
        _ => false,
    }
}

/// One history entry (R30). Built by the services, inserted in the same batch as the change.
pub struct HistoryEntry<'a> {
    pub account_id: i64,
    pub at: i64,
    pub actor_user_id: Option<i64>,
    pub on_behalf_of_user_id: Option<i64>,
    pub entity_kind: &'a str,
    pub entity_id: Option<i64>,
    pub area_id: Option<i64>,
    pub action: &'a str,
    pub summary: &'a str,
    /// JSON array of `{"field","before","after"}`, secrets already masked.
    pub changes: &'a str,
}

pub fn insert_history(db: &D1Database, entry: &HistoryEntry<'_>) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO history (account_id, at, actor_user_id, on_behalf_of_user_id, entity_kind, \
         entity_id, area_id, action, summary, changes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        &[
            int(entry.account_id),
            int(entry.at),
            opt_int(entry.actor_user_id),
            opt_int(entry.on_behalf_of_user_id),
            text(entry.entity_kind),
            opt_int(entry.entity_id),
            opt_int(entry.area_id),
            text(entry.action),
            text(entry.summary),
            text(entry.changes),
        ],
    )
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
}

pub async fn find_sign_in_candidate(
    db: &D1Database,
    user_code_norm: &str,
) -> ApiResult<Option<SignInCandidate>> {
    statement(
        db,
        "SELECT id, account_id, area_id, active, password_hash FROM users WHERE user_code_norm = ?1",
        &[text(user_code_norm)],
    )?
    .first::<SignInCandidate>(None)
    .await
    .map_err(ApiError::from)
}

/// The latest lock end among the throttle keys, if any is locked now.
pub async fn locked_until(db: &D1Database, keys: &[&str], now: i64) -> ApiResult<Option<i64>> {
    #[derive(Deserialize)]
    struct Lock {
        until: Option<i64>,
    }
    let (first, second) = match keys {
        [first, second] => (*first, *second),
        _ => return Err(ApiError::internal("locked_until takes two keys")),
    };
    let row = statement(
        db,
        "SELECT MAX(locked_until) AS until FROM sign_in_throttle \
         WHERE key IN (?1, ?2) AND locked_until > ?3",
        &[text(first), text(second), int(now)],
    )?
    .first::<Lock>(None)
    .await?;
    Ok(row.and_then(|lock| lock.until))
}

/// Counts one failure for `key` atomically: a fresh window restarts the count, reaching the limit
/// sets the lock.
pub fn record_failure(
    db: &D1Database,
    key: &str,
    rule: ThrottleRule,
    now: i64,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO sign_in_throttle (key, failures, window_started_at, locked_until) \
         VALUES (?1, 1, ?2, CASE WHEN 1 >= ?4 THEN ?2 + ?5 ELSE 0 END) \
         ON CONFLICT (key) DO UPDATE SET \
           failures = CASE WHEN window_started_at <= ?2 - ?3 THEN 1 ELSE failures + 1 END, \
           locked_until = CASE \
             WHEN (CASE WHEN window_started_at <= ?2 - ?3 THEN 1 ELSE failures + 1 END) >= ?4 \
             THEN ?2 + ?5 ELSE locked_until END, \
           window_started_at = CASE WHEN window_started_at <= ?2 - ?3 THEN ?2 ELSE window_started_at END",
        &[
            text(key),
            int(now),
            int(rule.window_ms),
            int(rule.max_failures),
            int(rule.lock_ms),
        ],
    )
}

pub fn clear_failures(db: &D1Database, key: &str) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "DELETE FROM sign_in_throttle WHERE key = ?1",
        &[text(key)],
    )
}

// ---------------------------------------------------------------------------------------------
// Sessions

pub fn insert_session(
    db: &D1Database,
    token_hash: &str,
    account_id: i64,
    user_id: i64,
    now: i64,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO sessions (token_hash, account_id, user_id, created_at, last_seen_at, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
        &[text(token_hash), int(account_id), int(user_id), int(now), int(now + SESSION_ABSOLUTE_MS)],
    )
}

pub fn delete_session(db: &D1Database, token_hash: &str) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "DELETE FROM sessions WHERE token_hash = ?1",
        &[text(token_hash)],
    )
}

/// A live session with the effective user (the one whose rights apply) and the real one.
#[derive(Debug, Clone, Deserialize)]
// Every column is part of the actor the API services build (R05); some are not read yet.
#[allow(dead_code)]
pub struct SessionRow {
    pub token_hash: String,
    pub account_id: i64,
    pub account_name: String,
    pub last_seen_at: i64,
    pub real_user_id: i64,
    pub real_user_code: String,
    pub user_id: i64,
    pub user_code: String,
    pub name: String,
    pub group_id: i64,
    pub area_id: Option<i64>,
    pub access_level: String,
    pub acting: i64,
}

/// Finds the session of a token if it is neither idle-expired nor past its absolute expiry, and
/// both the real and the effective user are still active.
pub async fn live_session(
    db: &D1Database,
    token_hash: &str,
    now: i64,
) -> ApiResult<Option<SessionRow>> {
    statement(
        db,
        "SELECT s.token_hash, s.account_id, a.name AS account_name, s.last_seen_at, \
                r.id AS real_user_id, r.user_code AS real_user_code, \
                u.id AS user_id, u.user_code, u.name, u.group_id, u.area_id, u.access_level, \
                (s.acting_user_id IS NOT NULL) AS acting \
         FROM sessions s \
         JOIN accounts a ON a.id = s.account_id \
         JOIN users r ON r.id = s.user_id AND r.account_id = s.account_id \
         JOIN users u ON u.id = COALESCE(s.acting_user_id, s.user_id) AND u.account_id = s.account_id \
         WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND s.last_seen_at > ?3 \
           AND r.active = 1 AND u.active = 1",
        &[text(token_hash), int(now), int(now - SESSION_IDLE_MS)],
    )?
    .first::<SessionRow>(None)
    .await
    .map_err(ApiError::from)
}

pub async fn touch_session(db: &D1Database, token_hash: &str, now: i64) -> ApiResult<()> {
    statement(
        db,
        "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
        &[text(token_hash), int(now)],
    )?
    .run()
    .await?;
    Ok(())
}
