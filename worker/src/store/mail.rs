//! Mail settings, mail passwords, the outbox and the password links.

use super::Reading as _;
use precinct_core::api::{MailProvider, MailSettings, OutboxMessage, Page};
use serde::Deserialize;
use worker::D1PreparedStatement;

use super::list::{encode_cursor, Cursor, ListParams};
use super::sql::Sql;
use super::{int, opt_int, statement, text, AccountDb, SystemDb};
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Deserialize)]
pub struct SettingsRow {
    pub provider: String,
    pub api_base_url: String,
    pub api_key_cipher: Option<String>,
    pub sender_address: String,
    pub sender_name: String,
    pub version: i64,
}

impl SettingsRow {
    pub fn provider(&self) -> ApiResult<MailProvider> {
        MailProvider::parse(&self.provider)
            .ok_or_else(|| ApiError::internal("unknown mail provider"))
    }

    /// What the API shows: never the key itself (R26).
    pub fn public(&self) -> MailSettings {
        MailSettings {
            configured: true,
            provider: MailProvider::parse(&self.provider),
            api_base_url: self.api_base_url.clone(),
            api_key_set: self.api_key_cipher.is_some(),
            sender_address: self.sender_address.clone(),
            sender_name: self.sender_name.clone(),
            version: self.version,
        }
    }
}

pub fn unconfigured() -> MailSettings {
    MailSettings {
        configured: false,
        provider: None,
        api_base_url: String::new(),
        api_key_set: false,
        sender_address: String::new(),
        sender_name: String::new(),
        version: 0,
    }
}

pub async fn settings(db: &AccountDb<'_>) -> ApiResult<Option<SettingsRow>> {
    statement(
        db,
        "SELECT provider, api_base_url, api_key_cipher, sender_address, sender_name, version \
         FROM mail_settings WHERE account_id = ?1",
        &[int(db.account())],
    )?
    .first_in::<SettingsRow>(db)
    .await
}

pub fn insert_settings(db: &AccountDb<'_>, row: &SettingsRow) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO mail_settings (account_id, provider, api_base_url, api_key_cipher, sender_address, sender_name) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[
            int(db.account()),
            text(&row.provider),
            text(&row.api_base_url),
            row.api_key_cipher.as_deref().map_or(wasm_bindgen::JsValue::NULL, text),
            text(&row.sender_address),
            text(&row.sender_name),
        ],
    )
}

pub fn update_settings(
    db: &AccountDb<'_>,
    version: i64,
    row: &SettingsRow,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE mail_settings SET provider = ?3, api_base_url = ?4, api_key_cipher = ?5, sender_address = ?6, \
         sender_name = ?7, version = version + 1 WHERE account_id = ?1 AND version = ?2",
        &[
            int(db.account()),
            int(version),
            text(&row.provider),
            text(&row.api_base_url),
            row.api_key_cipher.as_deref().map_or(wasm_bindgen::JsValue::NULL, text),
            text(&row.sender_address),
            text(&row.sender_name),
        ],
    )
}

/// Where the account's mail settings send, as a mail password remembers it (R37): the provider
/// and its address without trailing slashes; `account` is the statement's parameter holding the
/// account id.
pub fn destination_sql(account: usize) -> String {
    format!(
        "(SELECT provider || ' ' || rtrim(api_base_url, '/') FROM mail_settings \
         WHERE mail_settings.account_id = ?{account})"
    )
}

/// A user's stored mail password: sealed, and whether it may be sent where the mail settings
/// send now — only a relay receives mail passwords, and only the one (provider and address) it
/// was entered for (R37).
pub struct StoredMailPassword {
    pub cipher: String,
    pub may_be_sent: bool,
}

pub async fn mail_password(db: &AccountDb<'_>, user: i64) -> ApiResult<Option<StoredMailPassword>> {
    #[derive(Deserialize)]
    struct Row {
        mail_password_cipher: Option<String>,
        may_be_sent: i64,
    }
    Ok(statement(
        db,
        &format!(
            "SELECT mail_password_cipher, (mail_password_for IS {} OR (SELECT provider \
             FROM mail_settings WHERE account_id = ?2) IS NOT 'relay') AS may_be_sent \
             FROM users WHERE id = ?1 AND account_id = ?2",
            destination_sql(2)
        ),
        &[int(user), int(db.account())],
    )?
    .first_in::<Row>(db)
    .await?
    .and_then(|row| {
        Some(StoredMailPassword {
            cipher: row.mail_password_cipher?,
            may_be_sent: row.may_be_sent == 1,
        })
    }))
}

/// Mail passwords stored before the account had any mail settings were entered for the first
/// destination they name.
pub fn adopt_mail_passwords(db: &AccountDb<'_>) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        &format!(
            "UPDATE users SET mail_password_for = {} WHERE account_id = ?1 \
             AND mail_password_cipher IS NOT NULL AND mail_password_for IS NULL",
            destination_sql(1)
        ),
        &[int(db.account())],
    )
}

/// Sets a user's mail password; `version` guards an administrator's edit, `None` is the user's own.
pub fn set_mail_password(
    db: &AccountDb<'_>,
    user: i64,
    version: Option<i64>,
    cipher: &str,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        &format!(
            "UPDATE users SET mail_password_cipher = ?2, mail_password_for = {}, \
             version = version + 1 WHERE id = ?1 AND account_id = ?4 AND (?3 IS NULL OR version = ?3)",
            destination_sql(4)
        ),
        &[int(user), text(cipher), opt_int(version), int(db.account())],
    )
}

#[derive(Deserialize)]
struct OutboxRow {
    id: i64,
    at: i64,
    kind: String,
    from_address: String,
    to_address: String,
    subject: String,
    text_body: String,
}

/// The outbox, newest first.
pub async fn outbox(db: &AccountDb<'_>, params: &ListParams) -> ApiResult<Page<OutboxMessage>> {
    let mut from = Sql::new("FROM outbox WHERE account_id = ");
    from.bind_int(db.account());
    if let Some(q) = &params.q {
        from.push(" AND (lower(to_address) LIKE ")
            .bind_text(&format!("{q}%"))
            .push(" OR lower(subject) LIKE ")
            .bind_text(&format!("%{q}%"))
            .push(")");
    }
    let total = super::list::count(db, &from).await?;
    let mut query = Sql::new("SELECT id, at, kind, from_address, to_address, subject, text_body ");
    query.append(from);
    if let Some(cursor) = &params.after {
        query.push(" AND id < ").bind_int(cursor.id);
    }
    query
        .push(" ORDER BY id DESC LIMIT ")
        .bind_int(params.limit + 1);
    let mut rows = query.prepare(db)?.rows_in::<OutboxRow>(db).await?;
    let more = rows.len() as i64 > params.limit;
    rows.truncate(params.limit.max(0) as usize);
    let next_cursor = if more {
        rows.last().map(|row| {
            encode_cursor(&Cursor {
                order: "newest".to_string(),
                descending: true,
                key: Vec::new(),
                id: row.id,
            })
        })
    } else {
        None
    };
    Ok(Page {
        items: rows
            .into_iter()
            .map(|row| OutboxMessage {
                id: row.id,
                at: row.at,
                kind: row.kind,
                from_address: row.from_address,
                to_address: row.to_address,
                subject: row.subject,
                text_body: row.text_body,
            })
            .collect(),
        next_cursor,
        total,
    })
}

/// One message the Outbox provider "sent": kept for the account's administrators to read.
pub fn insert_outbox(
    db: &AccountDb<'_>,
    (now, kind): (i64, &str),
    (from, to, subject): (&str, &str, &str),
    (text_body, html_body): (&str, &str),
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO outbox (account_id, at, kind, from_address, to_address, subject, text_body, html_body) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        &[
            int(db.account()),
            int(now),
            text(kind),
            text(from),
            text(to),
            text(subject),
            text(text_body),
            text(html_body),
        ],
    )
}

/// A new link for `user`, sent to `sent_to` (their user code now) and triggered by `issued_by`
/// (an administrator, or `None` for the person's own "Forgot password").
#[allow(clippy::too_many_arguments)]
pub fn insert_token(
    db: &AccountDb<'_>,
    token_hash: &str,
    user: i64,
    purpose: &str,
    (now, expires_at): (i64, i64),
    sent_to: &str,
    issued_by: Option<(i64, &str)>,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO password_tokens (token_hash, account_id, user_id, purpose, created_at, expires_at, \
         sent_to, issued_by_user_id, issued_by_user_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        &[
            text(token_hash),
            int(db.account()),
            int(user),
            text(purpose),
            int(now),
            int(expires_at),
            text(&precinct_core::validate::normalize_user_code(sent_to)),
            super::opt_int(issued_by.map(|(id, _)| id)),
            issued_by.map_or(wasm_bindgen::JsValue::NULL, |(_, code)| text(&code.to_lowercase())),
        ],
    )
}

/// Retires every open link of `user` (R33): a new link replaces the older ones, and a changed
/// user code retires links sent to the old address.
pub fn retire_links(db: &AccountDb<'_>, user: i64, now: i64) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE password_tokens SET used_at = ?2 WHERE user_id = ?1 AND account_id = ?3 AND used_at IS NULL",
        &[int(user), int(now), int(db.account())],
    )
}

#[derive(Debug, Deserialize)]
pub struct TokenRow {
    pub account_id: i64,
    pub user_id: i64,
    pub user_code: String,
    pub name: String,
    pub area_id: Option<i64>,
    pub purpose: String,
    /// Who triggered the link (`None`: the person's own "Forgot password").
    pub issued_by_user_code: Option<String>,
}

/// The user a link is for, if the link is unused, unexpired and the user active.
pub async fn live_token(
    db: &SystemDb<'_>,
    token_hash: &str,
    now: i64,
) -> ApiResult<Option<TokenRow>> {
    statement(
        db,
        "SELECT t.account_id, t.user_id, u.user_code, u.name, u.area_id, t.purpose, t.issued_by_user_code \
         FROM password_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = ?1 AND t.used_at IS NULL AND t.expires_at > ?2 AND u.active = 1 \
         AND (t.sent_to IS NULL OR t.sent_to = u.user_code_norm)",
        &[text(token_hash), int(now)],
    )?
    .first_in::<TokenRow>(db)
    .await
}

/// Uses the link (the guard after it refuses a second use in a concurrent batch) and retires
/// every other open link of the user.
pub fn consume_token(
    db: &AccountDb<'_>,
    token_hash: &str,
    user: i64,
    now: i64,
) -> ApiResult<Vec<D1PreparedStatement>> {
    Ok(vec![
        statement(
            db,
            "UPDATE password_tokens SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
            &[text(token_hash), int(now)],
        )?,
        super::guard_previous_found(db)?,
        statement(
            db,
            "UPDATE password_tokens SET used_at = ?2 WHERE user_id = ?1 AND account_id = ?3 AND used_at IS NULL",
            &[int(user), int(now), int(db.account())],
        )?,
    ])
}

pub fn set_password_hash(
    db: &AccountDb<'_>,
    user: i64,
    hash: &str,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE users SET password_hash = ?2, password_must_change = 0, password_expires_at = NULL, \
         version = version + 1 WHERE id = ?1 AND account_id = ?3",
        &[int(user), text(hash), int(db.account())],
    )
}
