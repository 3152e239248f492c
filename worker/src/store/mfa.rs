//! The second sign-in factor's rows (R35): the sealed TOTP secret with the last step accepted,
//! and the hashed recovery codes. Each claim of a code is one conditional statement, so two
//! requests with the same code cannot both be accepted.

use super::Reading as _;
use serde::Deserialize;
use worker::D1PreparedStatement;

use super::{int, statement, text, AccountDb};
use crate::error::ApiResult;

#[derive(Debug, Deserialize)]
pub struct MfaRow {
    pub secret_sealed: String,
    pub confirmed_at: Option<i64>,
    pub last_step: i64,
}

pub async fn of_user(db: &AccountDb<'_>, user_id: i64) -> ApiResult<Option<MfaRow>> {
    statement(
        db,
        "SELECT secret_sealed, confirmed_at, last_step FROM user_mfa WHERE user_id = ?1 AND account_id = ?2",
        &[int(user_id), int(db.account())],
    )?
    .first_in::<MfaRow>(db)
    .await
}

/// Starts (or starts again) an enrolment with a new sealed secret; a confirmed factor is never
/// replaced this way (0 rows changed): it is reset by an administrator (R35).
pub fn start_enrolment(
    db: &AccountDb<'_>,
    user_id: i64,
    secret_sealed: &str,
    now: i64,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO user_mfa (user_id, account_id, secret_sealed, created_at) \
         VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (user_id) DO UPDATE SET secret_sealed = excluded.secret_sealed, \
           created_at = excluded.created_at, last_step = 0 \
         WHERE user_mfa.confirmed_at IS NULL",
        &[
            int(user_id),
            int(db.account()),
            text(secret_sealed),
            int(now),
        ],
    )
}

/// Confirms the enrolment whose secret is `secret_sealed` (not one started again meanwhile),
/// with the step of the code that proved it as the last one used.
pub fn confirm(
    db: &AccountDb<'_>,
    user_id: i64,
    secret_sealed: &str,
    step: i64,
    now: i64,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE user_mfa SET confirmed_at = ?4, last_step = ?3 \
         WHERE user_id = ?1 AND account_id = ?5 AND secret_sealed = ?2 AND confirmed_at IS NULL",
        &[
            int(user_id),
            text(secret_sealed),
            int(step),
            int(now),
            int(db.account()),
        ],
    )
}

/// The rest of a confirmation's batch runs only if its first statement confirmed this very
/// enrolment: the guard every later statement carries.
const CONFIRMED_HERE: &str = "EXISTS (SELECT 1 FROM user_mfa WHERE user_id = ?1 \
    AND secret_sealed = ?2 AND confirmed_at = ?3)";

/// Replaces the user's recovery codes by `hashes`, guarded by [`CONFIRMED_HERE`].
pub fn replace_recovery_codes(
    db: &AccountDb<'_>,
    (user_id, secret_sealed, now): (i64, &str, i64),
    hashes: &[String],
) -> ApiResult<Vec<D1PreparedStatement>> {
    let mut statements = vec![statement(
        db,
        &format!("DELETE FROM user_recovery_codes WHERE user_id = ?1 AND {CONFIRMED_HERE}"),
        &[int(user_id), text(secret_sealed), int(now)],
    )?];
    for hash in hashes {
        statements.push(statement(
            db,
            &format!(
                "INSERT INTO user_recovery_codes (user_id, code_hash) \
                 SELECT ?1, ?4 WHERE {CONFIRMED_HERE}"
            ),
            &[int(user_id), text(secret_sealed), int(now), text(hash)],
        )?);
    }
    Ok(statements)
}

/// Marks the session's second factor as entered and gives it a new token (ASVS 7.2.4: a new
/// token once the person is fully authenticated), guarded by [`CONFIRMED_HERE`] when it follows
/// a confirmation (`guard`), else unconditionally.
pub fn session_entered(
    db: &AccountDb<'_>,
    (token_hash, new_token_hash): (&str, &str),
    now: i64,
    guard: Option<(i64, &str)>,
) -> ApiResult<D1PreparedStatement> {
    match guard {
        None => statement(
            db,
            "UPDATE sessions SET second_factor_at = ?2, token_hash = ?3 WHERE token_hash = ?1 \
             AND account_id = ?4",
            &[
                text(token_hash),
                int(now),
                text(new_token_hash),
                int(db.account()),
            ],
        ),
        Some((user_id, secret_sealed)) => statement(
            db,
            &format!(
                "UPDATE sessions SET second_factor_at = ?3, token_hash = ?5 WHERE token_hash = ?4 \
                 AND account_id = ?6 AND {CONFIRMED_HERE}"
            ),
            &[
                int(user_id),
                text(secret_sealed),
                int(now),
                text(token_hash),
                text(new_token_hash),
                int(db.account()),
            ],
        ),
    }
}

/// Claims the TOTP step `step` for the user: 1 row changed only for the first request to use a
/// step later than the last one accepted.
pub fn claim_step(db: &AccountDb<'_>, user_id: i64, step: i64) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE user_mfa SET last_step = ?2 \
         WHERE user_id = ?1 AND account_id = ?3 AND confirmed_at IS NOT NULL AND last_step < ?2",
        &[int(user_id), int(step), int(db.account())],
    )
}

/// Claims an unused recovery code: 1 row changed only for the first request to use it.
pub fn claim_recovery_code(
    db: &AccountDb<'_>,
    user_id: i64,
    code_hash: &str,
    now: i64,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE user_recovery_codes SET used_at = ?3 \
         WHERE user_id = ?1 AND code_hash = ?2 AND used_at IS NULL",
        &[int(user_id), text(code_hash), int(now)],
    )
}

/// Removes the user's second factor and recovery codes (an administrator's reset, or the user
/// deleted).
pub fn remove(db: &AccountDb<'_>, user_id: i64) -> ApiResult<Vec<D1PreparedStatement>> {
    Ok(vec![
        statement(
            db,
            "DELETE FROM user_recovery_codes WHERE user_id = ?1",
            &[int(user_id)],
        )?,
        statement(
            db,
            "DELETE FROM user_mfa WHERE user_id = ?1 AND account_id = ?2",
            &[int(user_id), int(db.account())],
        )?,
    ])
}
