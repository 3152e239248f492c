//! Sign-in passwords: the gate every signed-in request passes (the steps a session still owes
//! come first, R35, R36); one's own password (R36: changing it, with the current one, ends the
//! person's other sessions); and the invitation and reset links that let a person choose one
//! (R28, R33) and prove their address (R24).

use precinct_core::api::{ChangePassword, Language, Notice};
use precinct_core::history_text::HistoryEvent;
use precinct_core::ids::UserId;
use precinct_core::policy::{self, UserScope};
use precinct_core::problem::ProblemCode;
use precinct_core::validate::normalize_user_code;

use super::mail::{self, MailEnv};
use super::{change, second_factor, Ctx};
use crate::auth::{self, Entropy, SystemEntropy};
use crate::error::{ApiError, ApiResult};
use crate::mail::{send, templates};
use crate::passwords;
use crate::store::mail::{self as mail_store};
use crate::store::users::UserRow;
use crate::store::{self, AccountDb, HistoryEntry, Homes, SystemDb};

/// ASVS 7.5.1, 7.5.2: what changes how the person signs in (setting up a second factor, their
/// own user code) or ends their other sessions needs a recent sign-in — the password (and second
/// factor) entered at most 15 minutes ago; an older session signs in again first, so a session
/// left open or stolen cannot lock its owner out.
pub fn require_recent_sign_in(ctx: &Ctx<'_>) -> ApiResult<()> {
    if ctx.now - ctx.who.session.created_at <= crate::auth::RECENT_SIGN_IN_MS {
        return Ok(());
    }
    Err(ApiError::problem(
        403,
        ProblemCode::SignInAgain,
        None,
        "For your safety, sign in again to do this: you signed in more than 15 minutes ago.",
    ))
}

/// What a session must do before anything else, in order: enter its second factor (R35), choose
/// its own password (R36), set up its second factor (R35). Each step allows only its own routes
/// (and reading the session, so the console knows which step to show).
pub fn gate(ctx: &Ctx<'_>, method: &worker::Method, path: &[&str]) -> ApiResult<()> {
    use precinct_core::api::MfaStep;
    use worker::Method::{Get, Post};
    let step = ctx.who.mfa_step();
    if let Some(MfaStep::Verify) = step {
        if !second_factor::allowed_while_owed(MfaStep::Verify, method, path) {
            return Err(second_factor::owed(MfaStep::Verify));
        }
        return Ok(());
    }
    if ctx.who.must_change_password() {
        if !matches!(
            (method, path),
            (Get, ["session"]) | (Post, ["password", "change"])
        ) {
            return Err(ApiError::problem(
                403,
                ProblemCode::PasswordChangeRequired,
                None,
                "Choose your own password first: the one you signed in with was given to you by \
                 someone else.",
            ));
        }
        return Ok(());
    }
    match step {
        Some(step) if !second_factor::allowed_while_owed(step, method, path) => {
            Err(second_factor::owed(step))
        }
        _ => Ok(()),
    }
}

pub async fn change_password(
    ctx: &Ctx<'_>,
    client: &str,
    input: ChangePassword,
    entropy: &mut impl Entropy,
) -> ApiResult<Notice> {
    // Always the real person's own password, never the one of a user acted as (R05).
    let me = &ctx.who.session.real;
    if input.current_password.is_empty() {
        return Err(ApiError::invalid(
            "current_password",
            ProblemCode::Required,
            "Enter your current password.",
        ));
    }
    if input.current_password.len() > precinct_core::validate::MAX_PASSWORD_LEN {
        return Err(ApiError::invalid(
            "current_password",
            ProblemCode::TooLong,
            "A password has at most 128 characters.",
        ));
    }
    // The new password is checked first: no hashing, no attempt counted for a weak one.
    if let Some(why) = passwords::problem(
        &input.new_password,
        &me.name,
        &me.user_code,
        &ctx.who.session.account_name,
    ) {
        return Err(ApiError::invalid(
            "new_password",
            ProblemCode::WeakPassword,
            why,
        ));
    }
    if input.new_password == input.current_password {
        return Err(ApiError::invalid(
            "new_password",
            ProblemCode::SamePassword,
            "The new password must differ from the current one.",
        ));
    }
    // Guessing the current password through this form counts toward the same lock-out as
    // signing in, reserved before any hashing.
    let directory = ctx.db.homes().directory();
    let attempt =
        crate::session::Attempt::reserve(&directory, &me.user_code, client, ctx.now).await?;
    let stored = store::password_hash_of(ctx.db, me.user_id).await?;
    let verified = stored
        .as_deref()
        .is_some_and(|phc| auth::verify_password(&input.current_password, phc));
    if !verified {
        return Err(ApiError::invalid(
            "current_password",
            ProblemCode::WrongPassword,
            "This is not your current password.",
        ));
    }
    let hash = auth::hash_password(&input.new_password, entropy)?;
    let mut statements = vec![
        store::mail::set_password_hash(ctx.db, me.user_id, &hash)?,
        // The person's other sessions end (ASVS 7.4.3); this one stays.
        crate::store::users::end_sessions_except(ctx.db, me.user_id, &ctx.who.session.token_hash)?,
    ];
    statements.push(store::insert_history(
        ctx.db,
        &store::HistoryEntry {
            at: ctx.now,
            actor: Some((me.user_id, &me.user_code)),
            on_behalf_of: None,
            event: HistoryEvent::UserPasswordChanged,
            entity_id: Some(me.user_id),
            area_id: me.area_id,
            subject: Some(&me.user_code),
            summary: "Sign-in password changed by its owner",
            changes: &[change("password", None, Some("(changed)".to_string()))],
        },
    )?);
    store::commit(ctx.db, statements).await?;
    attempt.succeeded(&directory).await?;
    Ok(Notice {
        message: "Your password is changed. Your other sessions have ended.".to_string(),
    })
}

// ---------------------------------------------------------------------------------------------
// Invitation and reset links (R28, R33): single use, stored hashed, emailed through the
// account's mail settings; using one sets the password and proves the address (R24).

const INVITATION_HOURS: i64 = 7 * 24;
const RESET_HOURS: i64 = 1;
const HOUR_MS: i64 = 60 * 60 * 1000;

/// Creates a single-use link for `user` and emails it. The link is stored hashed with its
/// history entry in one batch; a delivery failure is recorded in history and returned.
#[allow(clippy::too_many_arguments)]
async fn send_password_link(
    db: &AccountDb<'_>,
    env: &MailEnv,
    account_name: &str,
    now: i64,
    user: &UserRow,
    reset: bool,
    actor: Option<(i64, &str)>,
    sender: Option<(&str, &str)>,
) -> Result<(), ApiError> {
    let mut entropy = SystemEntropy;
    // The link names its account's database (O03), as a session token does.
    let token = auth::homed_token(db.home(), &mut entropy)?;
    let hours = if reset { RESET_HOURS } else { INVITATION_HOURS };
    let purpose = if reset { "reset" } else { "invitation" };
    let settings = mail_store::settings(db).await?;
    let history = |event: HistoryEvent, summary: String| (event, summary);
    let (event, summary) = match &settings {
        None => history(
            HistoryEvent::UserInvitationNotSent,
            "No link sent: the account has no mail settings".to_string(),
        ),
        Some(_) => history(
            if reset {
                HistoryEvent::UserResetLinkSent
            } else {
                HistoryEvent::UserInvitationSent
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
                user.id,
                purpose,
                (now, now + hours * HOUR_MS),
                &user.user_code,
                actor.filter(|(id, _)| *id != user.id),
            )?,
            store::insert_history(
                db,
                &HistoryEntry {
                    at: now,
                    actor,
                    on_behalf_of: None,
                    event,
                    entity_id: Some(user.id),
                    area_id: user.area_id,
                    subject: Some(&user.user_code),
                    summary: &summary,
                    changes: &[],
                },
            )?,
        ],
    )
    .await?;
    let settings = settings.ok_or_else(mail::missing_settings)?;
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
    let message = crate::mail::provider::Message {
        from_address: settings.sender_address.clone(),
        from_name: settings.sender_name.clone(),
        to: user.user_code.clone(),
        subject: email.subject,
        text: email.text,
        html: email.html,
    };
    let mut key = String::new();
    let credentials = mail::sending_credentials(&settings, env, &mut key, sender)?;
    let kind = if reset { "reset" } else { "invitation" };
    if let Err(error) = send::deliver(
        db,
        now,
        kind,
        (settings.provider()?, &settings.api_base_url, &credentials),
        &message,
        (env.timeout, env.outbox_links, env.preview.as_deref()),
    )
    .await
    {
        let summary = format!(
            "The {kind} email to {} was not delivered: {}",
            user.user_code, error.message
        );
        let entry = store::insert_history(
            db,
            &HistoryEntry {
                at: now,
                actor,
                on_behalf_of: None,
                event: HistoryEvent::UserMailFailed,
                entity_id: Some(user.id),
                area_id: user.area_id,
                subject: Some(&user.user_code),
                summary: &summary,
                changes: &[],
            },
        )?;
        store::record(db, entry).await?;
        return Err(mail::failure(error));
    }
    Ok(())
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
            ProblemCode::AddressTaken,
            "This address is already in use by another user, who proved it first: this user \
             cannot accept an invitation. Change the user code, or delete the user.",
        ));
    }
    let password = mail::own_relay_credentials(ctx, env).await?;
    let code = ctx.who.effective().user_code.clone();
    let sender = password
        .as_deref()
        .map(|password| (code.as_str(), password));
    let (real_id, real_code, _) = ctx.who.history_actor();
    send_password_link(
        ctx.db,
        env,
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

/// "Forgot password": runs after the answer has left (see the route). `db` is the directory:
/// the throttle's, and where a proven address's database is found (O03).
pub async fn forgot(
    db: &SystemDb<'_>,
    env: &MailEnv,
    (now, client): (i64, &str),
    user_code: &str,
) -> ApiResult<Notice> {
    let notice = forgot_notice();
    if user_code.len() > precinct_core::validate::MAX_USER_CODE_LEN {
        return Err(ApiError::invalid(
            "user_code",
            ProblemCode::TooLong,
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
    let Some((found, home)) = store::forgot_password_holder(db, &code).await? else {
        return Ok(notice);
    };
    // Unscoped: the database of the holder's account.
    let Some(home) = db.homes().unscoped(home) else {
        return Ok(notice);
    };
    if found.active != 1 {
        return Ok(notice);
    }
    // The holder's account, found by their address: no one is signed in, and the person reads
    // nothing but their own record.
    let account = home.account_found(found.account_id);
    let user = store::users::get(&account, UserScope::OnlySelf(UserId(found.id)), found.id)
        .await?
        .ok_or_else(|| ApiError::internal("user vanished"))?;
    let account_name = store::users::account_name(&account).await?;
    // A mail password that cannot be used (entered for another relay, or unreadable) fails the
    // delivery like a missing one: the answer stays the same.
    let password = match mail_store::mail_password(&account, user.id).await? {
        Some(stored) => env.open_mail_password(&stored).ok(),
        None => None,
    };
    let sender = password
        .as_deref()
        .map(|password| (user.user_code.as_str(), password));
    // A delivery failure is in history for the administrators; the answer stays the same.
    let _ = send_password_link(&account, env, &account_name, now, &user, true, None, sender).await;
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
        ProblemCode::AddressTaken,
        "This email address is already in use by another user, so this invitation cannot be \
         accepted. Ask the administrator who invited you to use another address.",
    )
}

/// Sets the sign-in password from an invitation or reset link: single use, then every session
/// of the user ends. The link's token names the database of its account (O03).
pub async fn set_password(
    homes: &Homes,
    now: i64,
    token: &str,
    password: &str,
    entropy: &mut impl Entropy,
) -> ApiResult<Notice> {
    let invalid = || {
        ApiError::invalid("token", ProblemCode::InvalidLink, "This link is not valid any more: it was used already or it expired. Ask for a new one.")
    };
    if token.len() > 100 {
        return Err(invalid());
    }
    let token_hash = auth::token_hash(token);
    // Unscoped: the database the link names, then — an account the operator moved since the
    // link was sent (O03) — the others; no one is signed in.
    let named = auth::home_of_token(token).ok_or_else(invalid)?;
    let mut found = None;
    for home in std::iter::once(named).chain((0..homes.count()).filter(|home| *home != named)) {
        let Some(db) = homes.unscoped(home) else {
            continue;
        };
        if let Some(row) = mail_store::live_token(&db, &token_hash, now).await? {
            // Elsewhere than it says only where its account lives now (not a half copy left by
            // a move that stopped).
            if home == named
                || crate::store::homes::home_of_account(&homes.directory(), row.account_id).await?
                    == Some(home)
            {
                found = Some((db, row));
            }
            break;
        }
    }
    let (db, row) = found.ok_or_else(invalid)?;
    // The link's account: no one is signed in; the link names the person and what they may do.
    let db = &db.account_found(row.account_id);
    // Its name is a hint the password may not lean on (ASVS 6.2.11).
    let account_name = store::users::account_name(db).await?;
    if let Some(why) = crate::passwords::problem(password, &row.name, &row.user_code, &account_name)
    {
        return Err(ApiError::invalid(
            "password",
            ProblemCode::WeakPassword,
            why,
        ));
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
            at: now,
            actor: Some((row.user_id, &row.user_code)),
            on_behalf_of: None,
            event: HistoryEvent::UserPasswordSet,
            entity_id: Some(row.user_id),
            area_id: row.area_id,
            subject: Some(&row.user_code),
            summary: &summary,
            changes: &[
                change("password", None, Some("(changed)".to_string())),
                change("link_sent_by", None, Some(sent_by.clone())),
            ],
        },
    )?);
    let taken = |error| match error {
        ApiError::Problem(problem) if problem.status == 404 => invalid(),
        ApiError::Problem(problem) if problem.code == ProblemCode::AlreadyUsed.as_str() => {
            address_taken()
        }
        other => other,
    };
    // The directory reserves the address first (R03 across every database, O03): a user of
    // another account who proved it first keeps it, and nothing is stored.
    let code = normalize_user_code(&row.user_code);
    let reservation = crate::store::homes::reserve_code(&homes.directory(), &code, row.account_id)
        .await
        .map_err(taken)?;
    if let Err(error) = store::commit(db, statements).await {
        if matches!(reservation, crate::store::homes::Reservation::Made) {
            crate::store::homes::release_code(db, &code).await;
        }
        return Err(taken(error));
    }
    crate::store::homes::tell_proof(db, &code).await;
    Ok(Notice {
        message: "Your password is set. Sign in with it now.".to_string(),
    })
}
