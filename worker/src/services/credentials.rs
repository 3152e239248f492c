//! One's own sign-in password (R36): changing it, with the current one, ends the person's other
//! sessions; a password given by someone else must be changed before anything else. And the
//! gate every signed-in request passes: the steps a session still owes come first (R35, R36).

use precinct_core::api::{ChangePassword, Notice};

use super::{change, second_factor, Ctx};
use crate::auth::{self, Entropy};
use crate::error::{ApiError, ApiResult};
use crate::passwords;
use crate::store;

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
                "password_change_required",
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
            "required",
            "Enter your current password.",
        ));
    }
    if input.current_password.len() > precinct_core::validate::MAX_PASSWORD_LEN {
        return Err(ApiError::invalid(
            "current_password",
            "too_long",
            "A password has at most 256 characters.",
        ));
    }
    // The new password is checked first: no hashing, no attempt counted for a weak one.
    if let Some(why) = passwords::problem(&input.new_password, &me.name, &me.user_code) {
        return Err(ApiError::invalid("new_password", "weak_password", why));
    }
    if input.new_password == input.current_password {
        return Err(ApiError::invalid(
            "new_password",
            "same_password",
            "The new password must differ from the current one.",
        ));
    }
    // Guessing the current password through this form counts toward the same lock-out as
    // signing in, reserved before any hashing.
    let crate::session::PasswordAttempt {
        user_key,
        client_key,
    } = crate::session::reserve_password_attempt(ctx.db, &me.user_code, client, ctx.now).await?;
    let stored = store::password_hash_of(ctx.db, me.user_id).await?;
    let verified = stored
        .as_deref()
        .is_some_and(|phc| auth::verify_password(&input.current_password, phc));
    if !verified {
        return Err(ApiError::invalid(
            "current_password",
            "wrong_password",
            "This is not your current password.",
        ));
    }
    let hash = auth::hash_password(&input.new_password, entropy)?;
    let statements = vec![
        store::mail::set_password_hash(ctx.db, me.user_id, &hash)?,
        // The person's other sessions end (ASVS 7.4.3); this one stays.
        crate::store::users::end_sessions_except(ctx.db, me.user_id, &ctx.who.session.token_hash)?,
        store::clear_failures(ctx.db, &user_key)?,
        store::refund_attempt(ctx.db, &client_key)?,
        store::insert_history(
            ctx.db,
            &store::HistoryEntry {
                account_id: ctx.account(),
                at: ctx.now,
                actor: Some((me.user_id, &me.user_code)),
                on_behalf_of: None,
                entity_kind: "user",
                entity_id: Some(me.user_id),
                area_id: me.area_id,
                action: "password_changed",
                subject: Some(&me.user_code),
                summary: "Sign-in password changed by its owner",
                changes: &[change("password", None, Some("(changed)".to_string()))],
            },
        )?,
    ];
    store::commit(ctx.db, statements).await?;
    Ok(Notice {
        message: "Your password is changed. Your other sessions have ended.".to_string(),
    })
}
