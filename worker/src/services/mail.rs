//! Mail (R24–R29): account settings, each user's email configuration, Send test email, the
//! Preferences mail password, the outbox, invitations and password resets.

use std::time::Duration;

use precinct_core::api::{
    Language, MailPasswordInput, MailProvider, MailSent, MailSettings, MailSettingsInput, Notice,
    OutboxMessage, Page, UserMailConfig,
};
use precinct_core::policy;
use precinct_core::validate::{email_problem, normalize_user_code, MAX_PASSWORD_LEN};

use super::{change, diff, valid_text, Ctx};
use crate::auth::{self, Entropy, SystemEntropy};
use crate::error::{ApiError, ApiResult};
use crate::mail::crypto::SecretBox;
use crate::mail::provider::{Credentials, MailFailure, Message};
use crate::mail::{send, templates};
use crate::store::list::ListParams;
use crate::store::mail::{self as mail_store, SettingsRow};
use crate::store::users::UserRow;
use crate::store::{self, HistoryEntry};

/// What sending needs from the Worker's environment.
pub struct MailEnv {
    /// `None` when the `PRECINCT_MAIL_KEY` secret is missing or malformed.
    pub secrets: Option<SecretBox>,
    pub timeout: Duration,
    /// Whether the Outbox keeps working links (`make dev` and tests only, R33).
    pub outbox_links: send::OutboxLinks,
    /// Running under `make dev` or the tests: plain http to loopback is allowed for a relay.
    pub local: bool,
    /// This deployment's own address, for the links in emails.
    pub origin: String,
}

impl MailEnv {
    /// The key that seals mail secrets; without it no secret is stored or used (a clear 503 for
    /// the operator to act on, never a 500).
    fn secrets(&self) -> ApiResult<&SecretBox> {
        self.secrets.as_ref().ok_or_else(|| {
            ApiError::problem(
                503,
                "mail_key_unavailable",
                None,
                "Mail secrets cannot be used right now: this service's mail encryption key is \
                 missing or malformed. Tell the service operator.",
            )
        })
    }

    /// A stored mail password, opened; one that no key opens any more (a rotated key was
    /// retired) is a problem naming what to enter again (R37).
    fn open_mail_password(&self, cipher: &str) -> ApiResult<String> {
        self.secrets()?.open(cipher).ok_or_else(|| {
            ApiError::problem(
                409,
                "mail_password_unreadable",
                Some("mail_password"),
                "The stored mail password can no longer be read (the service's encryption key \
                 changed). Enter the mail password again.",
            )
        })
    }
}

/// Whether `url` may receive a stored secret: https, or plain http to this machine only while
/// running locally (`make dev`, tests), so a relay's Basic credentials and provider keys never
/// cross a network in clear (R37).
pub fn secure_destination(url: &str, local: bool) -> bool {
    if url.starts_with("https://") {
        return true;
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, host)| host);
    let name = if host.starts_with('[') {
        host.split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or_default().to_string()
    };
    local && matches!(name.as_str(), "127.0.0.1" | "localhost" | "[::1]")
}

#[cfg(test)]
mod destination_tests {
    use super::secure_destination;

    #[test]
    fn r37_secrets_go_over_https_or_to_loopback_while_local() {
        assert!(secure_destination("https://api.resend.com", false));
        assert!(!secure_destination("http://relay.example.com", true));
        assert!(!secure_destination("http://127.0.0.1:9000", false));
        assert!(secure_destination("http://127.0.0.1:9000/x", true));
        assert!(secure_destination("http://localhost:8025", true));
        assert!(secure_destination("http://[::1]:8025", true));
        assert!(!secure_destination("http://127.0.0.1.evil.example/", true));
        assert!(!secure_destination("http://user@evil.example", true));
        assert!(!secure_destination("ftp://127.0.0.1", true));
    }
}

const INVITATION_HOURS: i64 = 7 * 24;
const RESET_HOURS: i64 = 1;
const HOUR_MS: i64 = 60 * 60 * 1000;

fn failure(failure: MailFailure) -> ApiError {
    ApiError::Problem(precinct_core::problem::Problem {
        status: 502,
        code: failure.code.to_string(),
        message: failure.message,
        field: None,
    })
}

/// R29: sending without settings names the missing setting and where to set it.
fn missing_settings() -> ApiError {
    ApiError::Problem(precinct_core::problem::Problem {
        status: 422,
        code: "mail_settings_missing".to_string(),
        message: "The account has no mail settings: a regular administrator must choose the mail provider and \
                  the sender address in General Settings > Miscellaneous first."
            .to_string(),
        field: Some("mail_settings".to_string()),
    })
}

pub async fn settings(ctx: &Ctx<'_>) -> ApiResult<MailSettings> {
    policy::manage_mail_settings(ctx.actor())?;
    Ok(mail_store::settings(ctx.db, ctx.account())
        .await?
        .map_or_else(mail_store::unconfigured, |row| row.public()))
}

pub async fn save_settings(
    ctx: &Ctx<'_>,
    env: &MailEnv,
    input: MailSettingsInput,
) -> ApiResult<MailSettings> {
    policy::manage_mail_settings(ctx.actor())?;
    let before = mail_store::settings(ctx.db, ctx.account()).await?;
    let api_base_url = input.api_base_url.trim().to_string();
    if !(api_base_url.is_empty() || secure_destination(&api_base_url, env.local)) {
        return Err(ApiError::invalid(
            "api_base_url",
            "invalid_url",
            "The API base URL must start with https://: keys and passwords never travel unencrypted.",
        ));
    }
    if api_base_url.len() > 300 {
        return Err(ApiError::invalid(
            "api_base_url",
            "too_long",
            "The API base URL has at most 300 characters.",
        ));
    }
    if input.provider == MailProvider::Relay && api_base_url.is_empty() {
        return Err(ApiError::invalid(
            "api_base_url",
            "required",
            "A mail relay needs its API base URL.",
        ));
    }
    if let Some(why) = email_problem(&input.sender_address) {
        return Err(ApiError::invalid("sender_address", "invalid_email", why));
    }
    let sender_name = valid_text("sender_name", &input.sender_name, 100, false)?;
    let api_key_cipher = match input.api_key.as_deref().map(str::trim) {
        None => before.as_ref().and_then(|row| row.api_key_cipher.clone()),
        Some("") => None,
        Some(key) if key.len() > 500 => {
            return Err(ApiError::invalid(
                "api_key",
                "too_long",
                "The API key has at most 500 characters.",
            ))
        }
        Some(key) if !key.bytes().all(|b| (0x21..=0x7e).contains(&b)) => {
            return Err(ApiError::invalid(
                "api_key",
                "invalid_text",
                "An API key has only letters, digits and printable symbols, without spaces: copy \
                 it again from the provider.",
            ))
        }
        Some(key) => Some(env.secrets()?.seal(key, &mut SystemEntropy)?),
    };
    // R37: a stored key goes only where it was entered for. Another provider or address means
    // typing the key again (or, for a provider without keys, forgetting it).
    let destination =
        |provider: &str, url: &str| (provider.to_string(), url.trim_end_matches('/').to_string());
    let moved = before.as_ref().is_some_and(|before| {
        destination(&before.provider, &before.api_base_url)
            != destination(input.provider.as_str(), &api_base_url)
    });
    let needs_key = matches!(
        input.provider,
        MailProvider::Resend | MailProvider::Postmark
    );
    let api_key_cipher =
        match (input.api_key.is_none() && moved, needs_key) {
            (true, true) if api_key_cipher.is_some() => return Err(ApiError::invalid(
                "api_key",
                "api_key_required_again",
                "The provider or its address changed: enter the API key again. A stored key is \
                 only ever sent where it was entered for.",
            )),
            (true, false) => None,
            _ => api_key_cipher,
        };
    if matches!(
        input.provider,
        MailProvider::Resend | MailProvider::Postmark
    ) && api_key_cipher.is_none()
    {
        return Err(ApiError::invalid(
            "api_key",
            "required",
            "This provider needs its API key.",
        ));
    }
    let row = SettingsRow {
        provider: input.provider.as_str().to_string(),
        api_base_url,
        api_key_cipher,
        sender_address: input.sender_address.trim().to_string(),
        sender_name,
        version: 0,
    };
    // Secrets are masked in history (R26): only that the key changed.
    let mut changes = Vec::new();
    diff(
        &mut changes,
        "provider",
        before.as_ref().map(|b| b.provider.clone()),
        Some(row.provider.clone()),
    );
    diff(
        &mut changes,
        "api_base_url",
        before.as_ref().map(|b| b.api_base_url.clone()),
        Some(row.api_base_url.clone()),
    );
    let key_before = before.as_ref().and_then(|b| b.api_key_cipher.clone());
    if key_before != row.api_key_cipher {
        changes.push(change(
            "api_key",
            key_before.map(|_| "(set)".to_string()),
            row.api_key_cipher.as_ref().map(|_| "(changed)".to_string()),
        ));
    }
    diff(
        &mut changes,
        "sender_address",
        before.as_ref().map(|b| b.sender_address.clone()),
        Some(row.sender_address.clone()),
    );
    diff(
        &mut changes,
        "sender_name",
        before.as_ref().map(|b| b.sender_name.clone()),
        Some(row.sender_name.clone()),
    );
    let mut statements = match (&before, input.version) {
        (None, _) => vec![mail_store::insert_settings(ctx.db, ctx.account(), &row)?],
        (Some(_), Some(version)) => vec![
            mail_store::update_settings(ctx.db, ctx.account(), version, &row)?,
            store::guard_previous_changed(ctx.db)?,
        ],
        (Some(_), None) => {
            return Err(ApiError::invalid(
                "version",
                "missing_field",
                "`version` is required when changing existing settings.",
            ))
        }
    };
    statements.push(ctx.history(
        "mail_settings",
        None,
        None,
        "updated",
        (None, "Mail settings changed"),
        &changes,
    )?);
    store::commit(ctx.db, statements).await?;
    settings(ctx).await
}

/// A user's User-Specific Email Configuration (R25), for whoever may see the user.
pub async fn user_config(ctx: &Ctx<'_>, user_id: i64) -> ApiResult<UserMailConfig> {
    let user = super::users::visible(ctx, user_id).await?;
    config_of(ctx, &user).await
}

async fn config_of(ctx: &Ctx<'_>, user: &UserRow) -> ApiResult<UserMailConfig> {
    let settings = mail_store::settings(ctx.db, ctx.account()).await?;
    Ok(UserMailConfig {
        mail_user: user.user_code.clone(),
        mail_password_set: mail_store::mail_password_cipher(ctx.db, user.id)
            .await?
            .is_some(),
        settings: settings.map_or_else(mail_store::unconfigured, |row| row.public()),
    })
}

fn checked_mail_password(input: &MailPasswordInput) -> ApiResult<()> {
    if input.password.is_empty() {
        return Err(ApiError::invalid(
            "password",
            "required",
            "Enter the mail password.",
        ));
    }
    if input.password.len() > MAX_PASSWORD_LEN {
        return Err(ApiError::invalid(
            "password",
            "too_long",
            "A mail password has at most 256 characters.",
        ));
    }
    if input.password != input.confirmation {
        return Err(ApiError::invalid(
            "confirmation",
            "mismatch",
            "The two passwords are not the same.",
        ));
    }
    Ok(())
}

async fn store_mail_password(
    ctx: &Ctx<'_>,
    env: &MailEnv,
    user: &UserRow,
    version: Option<i64>,
    password: &str,
) -> ApiResult<()> {
    let cipher = env.secrets()?.seal(password, &mut SystemEntropy)?;
    // R26: history says that the mail password changed, never what it is.
    let changes = [change("mail_password", None, Some("(changed)".to_string()))];
    let mut statements = vec![mail_store::set_mail_password(
        ctx.db, user.id, version, &cipher,
    )?];
    if version.is_some() {
        statements.push(store::guard_previous_changed(ctx.db)?);
    }
    statements.push(ctx.history(
        "user",
        Some(user.id),
        user.area_id,
        "mail_password_changed",
        (None, "Mail password changed"),
        &changes,
    )?);
    store::commit(ctx.db, statements).await?;
    Ok(())
}

/// An administrator sets a user's mail password in the user's email section.
pub async fn set_user_mail_password(
    ctx: &Ctx<'_>,
    env: &MailEnv,
    user_id: i64,
    input: MailPasswordInput,
    version: i64,
) -> ApiResult<UserMailConfig> {
    let user = super::users::visible(ctx, user_id).await?;
    policy::edit_user(
        ctx.actor(),
        &user.policy(Default::default()),
        &user.group()?,
    )?;
    checked_mail_password(&input)?;
    store_mail_password(ctx, env, &user, Some(version), &input.password).await?;
    user_config(ctx, user_id).await
}

/// Preferences > Email > Management of my Account (R28): the user's own mail password.
pub async fn set_own_mail_password(
    ctx: &Ctx<'_>,
    env: &MailEnv,
    input: MailPasswordInput,
) -> ApiResult<UserMailConfig> {
    policy::use_preferences(ctx.actor())?;
    checked_mail_password(&input)?;
    let me = ctx.actor().user().0;
    let user =
        crate::store::users::get(ctx.db, ctx.account(), crate::store::sql::Sql::default(), me)
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
    store_mail_password(ctx, env, &user, None, &input.password).await?;
    config_of(ctx, &user).await
}

pub async fn own_config(ctx: &Ctx<'_>) -> ApiResult<UserMailConfig> {
    policy::use_preferences(ctx.actor())?;
    let user = crate::store::users::get(
        ctx.db,
        ctx.account(),
        crate::store::sql::Sql::default(),
        ctx.actor().user().0,
    )
    .await?
    .ok_or_else(ApiError::unauthenticated)?;
    config_of(ctx, &user).await
}

/// The credentials to send with: the account key, or for a relay the sender's mail user and
/// mail password.
fn credentials<'a>(
    settings: &SettingsRow,
    env: &MailEnv,
    key: &'a mut String,
    sender: Option<(&'a str, &'a str)>,
) -> ApiResult<Credentials<'a>> {
    // Settings saved before R37 could name a plain-http address: no secret goes there.
    if !settings.api_base_url.is_empty() && !secure_destination(&settings.api_base_url, env.local) {
        return Err(ApiError::problem(
            409,
            "insecure_mail_destination",
            Some("api_base_url"),
            "The mail provider's address is not https://: nothing is sent there. Change it in \
             General Settings > Miscellaneous.",
        ));
    }
    match settings.provider()? {
        MailProvider::Relay => match sender {
            Some((user, password)) => Ok(Credentials::MailUser { user, password }),
            None => Err(ApiError::invalid(
                "mail_password",
                "mail_password_missing",
                "The mail relay signs in with the user's mail password, and none is set. Set it in the user's email configuration.",
            )),
        },
        _ => {
            *key = match &settings.api_key_cipher {
                Some(cipher) => env.secrets()?.open(cipher).ok_or_else(|| {
                    ApiError::problem(
                        409,
                        "mail_key_unreadable",
                        Some("api_key"),
                        "The stored API key can no longer be read (the service's encryption key \
                         changed). Enter it again in General Settings > Miscellaneous.",
                    )
                })?,
                None => String::new(),
            };
            Ok(Credentials::ApiKey(key))
        }
    }
}

/// **Send test email** (R27): to the user's address, through the account's provider.
pub async fn send_test(ctx: &Ctx<'_>, env: &MailEnv, user_id: i64) -> ApiResult<MailSent> {
    let user = super::users::visible(ctx, user_id).await?;
    policy::send_test_email(
        ctx.actor(),
        &user.policy(Default::default()),
        &user.group()?,
    )?;
    let settings = mail_store::settings(ctx.db, ctx.account())
        .await?
        .ok_or_else(missing_settings)?;
    let provider = settings.provider()?;
    let mail_password = match mail_store::mail_password_cipher(ctx.db, user.id).await? {
        Some(cipher) => Some(env.open_mail_password(&cipher)?),
        None => None,
    };
    let mut key = String::new();
    let sender = mail_password
        .as_deref()
        .map(|password| (user.user_code.as_str(), password));
    let credentials = credentials(&settings, env, &mut key, sender)?;
    let email = templates::test_email(
        Language::parse(&user.language).unwrap_or(Language::En),
        &user.name,
        &ctx.who.session.account_name,
    );
    let message = Message {
        from_address: settings.sender_address.clone(),
        from_name: settings.sender_name.clone(),
        to: user.user_code.clone(),
        subject: email.subject,
        text: email.text,
        html: email.html,
    };
    send::deliver(
        ctx.db,
        ctx.account(),
        ctx.now,
        "test",
        provider,
        &settings.api_base_url,
        &credentials,
        &message,
        env.timeout,
        env.outbox_links,
    )
    .await
    .map_err(failure)?;
    let message = if provider == MailProvider::Outbox {
        format!(
            "The test email to {} is in the Outbox (the local outbox delivers nothing).",
            user.user_code
        )
    } else {
        format!(
            "The mail provider accepted the test email to {}.",
            user.user_code
        )
    };
    Ok(MailSent {
        to: user.user_code,
        provider,
        message,
    })
}

pub async fn outbox(ctx: &Ctx<'_>, params: &ListParams) -> ApiResult<Page<OutboxMessage>> {
    policy::manage_mail_settings(ctx.actor())?;
    mail_store::outbox(ctx.db, ctx.account(), params).await
}

/// Creates a single-use link for `user` and emails it. The link is stored hashed with its
/// history entry in one batch; a delivery failure is recorded in history and returned.
#[allow(clippy::too_many_arguments)]
async fn send_password_link(
    db: &worker::D1Database,
    env: &MailEnv,
    account: i64,
    account_name: &str,
    now: i64,
    user: &UserRow,
    reset: bool,
    actor: Option<(i64, &str)>,
    sender: Option<(&str, &str)>,
) -> Result<(), ApiError> {
    let mut entropy = SystemEntropy;
    let token = auth::new_token(&mut entropy)?;
    let hours = if reset { RESET_HOURS } else { INVITATION_HOURS };
    let purpose = if reset { "reset" } else { "invitation" };
    let settings = mail_store::settings(db, account).await?;
    let history = |action: &'static str, summary: String| (action, summary);
    let (action, summary) = match &settings {
        None => history(
            "invitation_not_sent",
            "No link sent: the account has no mail settings".to_string(),
        ),
        Some(_) => history(
            if reset {
                "reset_link_sent"
            } else {
                "invitation_sent"
            },
            format!(
                "{} link emailed to {}",
                if reset {
                    "Password reset"
                } else {
                    "Invitation"
                },
                user.user_code
            ),
        ),
    };
    store::commit(
        db,
        vec![
            // Only the newest link works (R33).
            mail_store::retire_links(db, user.id, now)?,
            mail_store::insert_token(
                db,
                &auth::token_hash(&token),
                account,
                user.id,
                purpose,
                (now, now + hours * HOUR_MS),
                &user.user_code,
                actor.filter(|(id, _)| *id != user.id),
            )?,
            store::insert_history(
                db,
                &HistoryEntry {
                    account_id: account,
                    at: now,
                    actor,
                    on_behalf_of: None,
                    entity_kind: "user",
                    entity_id: Some(user.id),
                    area_id: user.area_id,
                    action,
                    subject: Some(&user.user_code),
                    summary: &summary,
                    changes: &[],
                },
            )?,
        ],
    )
    .await?;
    let settings = settings.ok_or_else(missing_settings)?;
    let url = format!(
        "{}/set-password?token={token}",
        env.origin.trim_end_matches('/')
    );
    let email = templates::password_link(
        Language::parse(&user.language).unwrap_or(Language::En),
        &user.name,
        account_name,
        &url,
        reset,
        hours,
    );
    let message = Message {
        from_address: settings.sender_address.clone(),
        from_name: settings.sender_name.clone(),
        to: user.user_code.clone(),
        subject: email.subject,
        text: email.text,
        html: email.html,
    };
    let mut key = String::new();
    let credentials = credentials(&settings, env, &mut key, sender)?;
    let kind = if reset { "reset" } else { "invitation" };
    if let Err(error) = send::deliver(
        db,
        account,
        now,
        kind,
        settings.provider()?,
        &settings.api_base_url,
        &credentials,
        &message,
        env.timeout,
        env.outbox_links,
    )
    .await
    {
        let summary = format!(
            "The {kind} email to {} was not delivered: {}",
            user.user_code, error.message
        );
        store::insert_history(
            db,
            &HistoryEntry {
                account_id: account,
                at: now,
                actor,
                on_behalf_of: None,
                entity_kind: "user",
                entity_id: Some(user.id),
                area_id: user.area_id,
                action: "mail_failed",
                subject: Some(&user.user_code),
                summary: &summary,
                changes: &[],
            },
        )?
        .run()
        .await?;
        return Err(failure(error));
    }
    Ok(())
}

/// The acting administrator's relay credentials, for invitations sent through a relay.
async fn own_relay_credentials(ctx: &Ctx<'_>, env: &MailEnv) -> ApiResult<Option<String>> {
    Ok(
        match mail_store::mail_password_cipher(ctx.db, ctx.actor().user().0).await? {
            Some(cipher) => Some(env.open_mail_password(&cipher)?),
            None => None,
        },
    )
}

/// Sends (or re-sends) the invitation of a user the actor may edit.
pub async fn invite(ctx: &Ctx<'_>, env: &MailEnv, user_id: i64) -> ApiResult<Notice> {
    let user = super::users::visible(ctx, user_id).await?;
    policy::edit_user(
        ctx.actor(),
        &user.policy(Default::default()),
        &user.group()?,
    )?;
    if user.address_taken == 1 {
        return Err(ApiError::conflict(
            "address_taken",
            "This address is already in use by another user, who proved it first: this user \
             cannot accept an invitation. Change the user code, or delete the user.",
        ));
    }
    let password = own_relay_credentials(ctx, env).await?;
    let code = ctx.who.effective().user_code.clone();
    let sender = password
        .as_deref()
        .map(|password| (code.as_str(), password));
    let (real_id, real_code, _) = ctx.who.history_actor();
    send_password_link(
        ctx.db,
        env,
        ctx.account(),
        &ctx.who.session.account_name,
        ctx.now,
        &user,
        false,
        Some((real_id, real_code)),
        sender,
    )
    .await?;
    Ok(Notice {
        message: format!("An invitation was sent to {}.", user.user_code),
    })
}

/// The one answer to "Forgot password", whether or not the address exists (no enumeration).
pub fn forgot_notice() -> Notice {
    Notice {
        message: "If an account exists for this address, a link to choose a new password is on its way. It is valid for one hour.".to_string(),
    }
}

/// "Forgot password": runs after the answer has left (see the route).
pub async fn forgot(
    db: &worker::D1Database,
    env: &MailEnv,
    (now, client): (i64, &str),
    user_code: &str,
) -> ApiResult<Notice> {
    let notice = forgot_notice();
    if user_code.len() > precinct_core::validate::MAX_USER_CODE_LEN {
        return Err(ApiError::invalid(
            "user_code",
            "too_long",
            "A user code has at most 254 characters.",
        ));
    }
    let code = normalize_user_code(user_code);
    // A few requests per client and per address and hour: the form can flood neither an inbox
    // nor the database (a flood of distinct addresses from one client stops at the client's
    // limit, before any per-address row). Past a limit the answer stays the same, nothing is sent.
    let client_key = format!("reset-client:{client}");
    if store::reserve_attempts(db, &[(&client_key, RESET_CLIENT_THROTTLE)], now)
        .await?
        .is_some()
    {
        return Ok(notice);
    }
    let key = format!("reset:{code}");
    if store::reserve_attempts(db, &[(&key, RESET_THROTTLE)], now)
        .await?
        .is_some()
    {
        return Ok(notice);
    }
    let Some(found) = crate::store::users::by_code(db, &code).await? else {
        return Ok(notice);
    };
    if found.active != 1 {
        return Ok(notice);
    }
    let account = found.account_id;
    let user = crate::store::users::get(db, account, crate::store::sql::Sql::default(), found.id)
        .await?
        .ok_or_else(|| ApiError::internal("user vanished"))?;
    let account_name = crate::store::users::account_name(db, account).await?;
    let password = match mail_store::mail_password_cipher(db, user.id).await? {
        Some(cipher) => Some(env.open_mail_password(&cipher)?),
        None => None,
    };
    let sender = password
        .as_deref()
        .map(|password| (user.user_code.as_str(), password));
    // A delivery failure is in history for the administrators; the answer stays the same.
    let _ = send_password_link(
        db,
        env,
        account,
        &account_name,
        now,
        &user,
        true,
        None,
        sender,
    )
    .await;
    Ok(notice)
}

/// Password-reset requests per client address and hour.
const RESET_CLIENT_THROTTLE: crate::auth::ThrottleRule = crate::auth::ThrottleRule {
    max_failures: 10,
    window_ms: HOUR_MS,
    lock_ms: HOUR_MS,
};

const RESET_THROTTLE: crate::auth::ThrottleRule = crate::auth::ThrottleRule {
    max_failures: 3,
    window_ms: HOUR_MS,
    lock_ms: HOUR_MS,
};

/// The address of an invitation was proven first by a user of another organisation (R24, no
/// squatting): the same words whichever organisation that is.
fn address_taken() -> ApiError {
    ApiError::conflict(
        "address_taken",
        "This email address is already in use by another user, so this invitation cannot be \
         accepted. Ask the administrator who invited you to use another address.",
    )
}

/// Sets the sign-in password from an invitation or reset link: single use, then every session
/// of the user ends.
pub async fn set_password(
    db: &worker::D1Database,
    now: i64,
    token: &str,
    password: &str,
    entropy: &mut impl Entropy,
) -> ApiResult<Notice> {
    let invalid = || {
        ApiError::invalid("token", "invalid_link", "This link is not valid any more: it was used already or it expired. Ask for a new one.")
    };
    if token.len() > 100 {
        return Err(invalid());
    }
    let token_hash = auth::token_hash(token);
    let row = mail_store::live_token(db, &token_hash, now)
        .await?
        .ok_or_else(invalid)?;
    if let Some(why) = crate::passwords::problem(password, &row.name, &row.user_code) {
        return Err(ApiError::invalid("password", "weak_password", why));
    }
    let hash = auth::hash_password(password, entropy)?;
    let mut statements = mail_store::consume_token(db, &token_hash, row.user_id, now)?;
    statements.push(mail_store::set_password_hash(db, row.user_id, &hash)?);
    // Using a link sent to the address proves it: from now on the code is this user's across the
    // service (R24, no squatting); if a user of another account proved it first, nothing is
    // stored.
    statements.push(crate::store::users::prove_address(db, row.user_id)?);
    statements.push(crate::store::users::end_sessions(db, row.user_id)?);
    // History names whoever triggered the link (R33): an administrator, or the person's own
    // "Forgot password".
    let sent_by = row
        .issued_by_user_code
        .clone()
        .unwrap_or_else(|| "(forgot password)".to_string());
    let summary = format!(
        "{} (link from {sent_by})",
        if row.purpose == "reset" {
            "Password reset with an emailed link"
        } else {
            "Password chosen from the invitation"
        }
    );
    statements.push(store::insert_history(
        db,
        &HistoryEntry {
            account_id: row.account_id,
            at: now,
            actor: Some((row.user_id, &row.user_code)),
            on_behalf_of: None,
            entity_kind: "user",
            entity_id: Some(row.user_id),
            area_id: row.area_id,
            action: "password_set",
            subject: Some(&row.user_code),
            summary: &summary,
            changes: &[
                change("password", None, Some("(changed)".to_string())),
                change("link_sent_by", None, Some(sent_by.clone())),
            ],
        },
    )?);
    store::commit(db, statements)
        .await
        .map_err(|error| match error {
            ApiError::Problem(problem) if problem.status == 404 => invalid(),
            ApiError::Problem(problem) if problem.code == "already_used" => address_taken(),
            other => other,
        })?;
    Ok(Notice {
        message: "Your password is set. Sign in with it now.".to_string(),
    })
}
