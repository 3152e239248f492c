//! Mail (R24–R29): account settings, each user's email configuration, Send test email, the
//! Preferences mail password and the outbox. (Invitation and reset links: `credentials`.)

use precinct_core::history_text::HistoryEvent;
use precinct_core::problem::ProblemCode;
use std::time::Duration;

use precinct_core::api::{
    Language, MailPasswordInput, MailProvider, MailSent, MailSettings, MailSettingsInput,
    OutboxMessage, Page, UserMailConfig,
};
use precinct_core::policy::{self, UserScope};
use precinct_core::validate::email_problem;

/// Longest mail password stored (sealed, never hashed).
const MAX_MAIL_PASSWORD_CHARS: usize = 256;

use super::{change, diff, valid_text, Ctx};
use crate::auth::SystemEntropy;
use crate::error::{ApiError, ApiResult};
use crate::mail::crypto::SecretBox;
use crate::mail::provider::{Credentials, MailFailure, Message};
use crate::mail::{send, templates};
use crate::store;
use crate::store::list::ListParams;
use crate::store::mail::{self as mail_store, SettingsRow};
use crate::store::users::UserRow;

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
    /// O01: the preview's name when this deployment is a preview: its mail goes to the Outbox,
    /// marked as the preview's, whatever the mail settings say.
    pub preview: Option<String>,
}

impl MailEnv {
    /// The key that seals mail secrets; without it no secret is stored or used (a clear 503 for
    /// the operator to act on, never a 500).
    pub(super) fn secrets(&self) -> ApiResult<&SecretBox> {
        self.secrets.as_ref().ok_or_else(|| {
            ApiError::problem(
                503,
                ProblemCode::MailKeyUnavailable,
                None,
                "Mail secrets cannot be used right now: this service's mail encryption key is \
                 missing or malformed. Tell the service operator.",
            )
        })
    }

    /// A stored mail password, opened; one entered for another destination than the mail
    /// settings name now, or that no key opens any more (a rotated key was retired), is a problem
    /// naming what to enter again (R37).
    pub(super) fn open_mail_password(
        &self,
        stored: &mail_store::StoredMailPassword,
    ) -> ApiResult<String> {
        if !stored.may_be_sent {
            return Err(ApiError::problem(
                409,
                ProblemCode::MailPasswordRequiredAgain,
                Some("mail_password"),
                "The mail password was entered for another mail relay or address than the mail \
                 settings name now, and is sent nowhere else. Enter the mail password again.",
            ));
        }
        self.secrets()?.open(&stored.cipher).ok_or_else(|| {
            ApiError::problem(
                409,
                ProblemCode::MailPasswordUnreadable,
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

pub(super) fn failure(failure: MailFailure) -> ApiError {
    ApiError::Problem(precinct_core::problem::Problem {
        status: 502,
        code: failure.code.as_str().to_string(),
        message: failure.message,
        field: None,
        errors: Vec::new(),
    })
}

/// R29: sending without settings names the missing setting and where to set it.
pub(super) fn missing_settings() -> ApiError {
    ApiError::Problem(precinct_core::problem::Problem {
        status: 422,
        code: ProblemCode::MailSettingsMissing.as_str().to_string(),
        message: "The account has no mail settings: a regular administrator must choose the mail provider and \
                  the sender address in General Settings > Miscellaneous first."
            .to_string(),
        field: Some("mail_settings".to_string()),
        errors: Vec::new(),
    })
}

pub async fn settings(ctx: &Ctx<'_>) -> ApiResult<MailSettings> {
    policy::manage_mail_settings(ctx.actor())?;
    Ok(mail_store::settings(ctx.db)
        .await?
        .map_or_else(mail_store::unconfigured, |row| row.public()))
}

pub async fn save_settings(
    ctx: &Ctx<'_>,
    env: &MailEnv,
    input: MailSettingsInput,
) -> ApiResult<MailSettings> {
    policy::manage_mail_settings(ctx.actor())?;
    let before = mail_store::settings(ctx.db).await?;
    let api_base_url = input.api_base_url.trim().to_string();
    if !(api_base_url.is_empty() || secure_destination(&api_base_url, env.local)) {
        return Err(ApiError::invalid(
            "api_base_url",
            ProblemCode::InvalidUrl,
            "The API base URL must start with https://: keys and passwords never travel unencrypted.",
        ));
    }
    if api_base_url.len() > 300 {
        return Err(ApiError::invalid(
            "api_base_url",
            ProblemCode::TooLong,
            "The API base URL has at most 300 characters.",
        ));
    }
    if input.provider == MailProvider::Relay && api_base_url.is_empty() {
        return Err(ApiError::invalid(
            "api_base_url",
            ProblemCode::Required,
            "A mail relay needs its API base URL.",
        ));
    }
    if let Some(why) = email_problem(&input.sender_address) {
        return Err(ApiError::invalid(
            "sender_address",
            ProblemCode::InvalidEmail,
            why,
        ));
    }
    let sender_name = valid_text("sender_name", &input.sender_name, 100, false)?;
    let api_key_cipher = match input.api_key.as_deref().map(str::trim) {
        None => before.as_ref().and_then(|row| row.api_key_cipher.clone()),
        Some("") => None,
        Some(key) if key.len() > 500 => {
            return Err(ApiError::invalid(
                "api_key",
                ProblemCode::TooLong,
                "The API key has at most 500 characters.",
            ))
        }
        Some(key) if !key.bytes().all(|b| (0x21..=0x7e).contains(&b)) => {
            return Err(ApiError::invalid(
                "api_key",
                ProblemCode::InvalidText,
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
                ProblemCode::ApiKeyRequiredAgain,
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
            ProblemCode::Required,
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
        (None, _) => vec![mail_store::insert_settings(ctx.db, &row)?],
        (Some(_), Some(version)) => vec![
            mail_store::update_settings(ctx.db, version, &row)?,
            store::guard_previous_changed(ctx.db)?,
        ],
        (Some(_), None) => {
            return Err(ApiError::invalid(
                "version",
                ProblemCode::MissingField,
                "`version` is required when changing existing settings.",
            ))
        }
    };
    statements.push(mail_store::adopt_mail_passwords(ctx.db)?);
    statements.push(ctx.history(
        HistoryEvent::MailSettingsUpdated,
        None,
        None,
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
    let settings = mail_store::settings(ctx.db).await?;
    Ok(UserMailConfig {
        mail_user: user.user_code.clone(),
        mail_password_set: mail_store::mail_password(ctx.db, user.id).await?.is_some(),
        settings: settings.map_or_else(mail_store::unconfigured, |row| row.public()),
    })
}

pub(super) fn checked_mail_password(input: &MailPasswordInput) -> ApiResult<()> {
    if input.password.is_empty() {
        return Err(ApiError::invalid(
            "password",
            ProblemCode::Required,
            "Enter the mail password.",
        ));
    }
    if input.password.chars().count() > MAX_MAIL_PASSWORD_CHARS {
        return Err(ApiError::invalid(
            "password",
            ProblemCode::TooLong,
            "A mail password has at most 256 characters.",
        ));
    }
    if input.password != input.confirmation {
        return Err(ApiError::invalid(
            "confirmation",
            ProblemCode::Mismatch,
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
        HistoryEvent::UserMailPasswordChanged,
        Some(user.id),
        user.area_id,
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
    let me = ctx.actor().user();
    // The person's own record (the user acted as, R05), whatever the rest of their scope.
    let user = crate::store::users::get(ctx.db, UserScope::OnlySelf(me), me.0)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    store_mail_password(ctx, env, &user, None, &input.password).await?;
    config_of(ctx, &user).await
}

pub async fn own_config(ctx: &Ctx<'_>) -> ApiResult<UserMailConfig> {
    policy::use_preferences(ctx.actor())?;
    let me = ctx.actor().user();
    // The person's own record, as above.
    let user = crate::store::users::get(ctx.db, UserScope::OnlySelf(me), me.0)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    config_of(ctx, &user).await
}

/// The credentials to send with: the account key, or for a relay the sender's mail user and
/// mail password.
pub(super) fn sending_credentials<'a>(
    settings: &SettingsRow,
    env: &MailEnv,
    key: &'a mut String,
    sender: Option<(&'a str, &'a str)>,
) -> ApiResult<Credentials<'a>> {
    // Settings saved before R37 could name a plain-http address: no secret goes there.
    if !settings.api_base_url.is_empty() && !secure_destination(&settings.api_base_url, env.local) {
        return Err(ApiError::problem(
            409,
            ProblemCode::InsecureMailDestination,
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
                ProblemCode::MailPasswordMissing,
                "The mail relay signs in with the user's mail password, and none is set. Set it in the user's email configuration.",
            )),
        },
        _ => {
            *key = match &settings.api_key_cipher {
                Some(cipher) => env.secrets()?.open(cipher).ok_or_else(|| {
                    ApiError::problem(
                        409,
                        ProblemCode::MailKeyUnreadable,
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
    let settings = mail_store::settings(ctx.db)
        .await?
        .ok_or_else(missing_settings)?;
    let provider = settings.provider()?;
    let mail_password = match mail_store::mail_password(ctx.db, user.id).await? {
        Some(stored) => Some(env.open_mail_password(&stored)?),
        None => None,
    };
    let mut key = String::new();
    let sender = mail_password
        .as_deref()
        .map(|password| (user.user_code.as_str(), password));
    let credentials = sending_credentials(&settings, env, &mut key, sender)?;
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
        ctx.now,
        "test",
        (provider, &settings.api_base_url, &credentials),
        &message,
        (env.timeout, env.outbox_links, env.preview.as_deref()),
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
    mail_store::outbox(ctx.db, params).await
}

/// The acting administrator's relay credentials, for invitations sent through a relay.
pub(super) async fn own_relay_credentials(
    ctx: &Ctx<'_>,
    env: &MailEnv,
) -> ApiResult<Option<String>> {
    Ok(
        match mail_store::mail_password(ctx.db, ctx.actor().user().0).await? {
            Some(stored) => Some(env.open_mail_password(&stored)?),
            None => None,
        },
    )
}
