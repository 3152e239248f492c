//! The second sign-in factor (R35): entering a code, setting the factor up, and an
//! administrator's reset. Every code entered counts toward the same lock-out as a password.

use precinct_core::history_text::HistoryEvent;
use precinct_core::problem::ProblemCode;
use std::collections::BTreeSet;

use precinct_core::api::{MfaCode, MfaEnrolment, MfaStep, RecoveryCodes};
use precinct_core::policy;

use super::Ctx;
use crate::auth::{self, Entropy};
use crate::error::{ApiError, ApiResult};
use crate::mail::crypto::SecretBox;
use crate::second_factor;
use crate::session::Attempt;
use crate::store::{self, mfa, HistoryEntry};

/// The routes a session may use while it owes `step` (besides signing out, which needs none).
pub fn allowed_while_owed(step: MfaStep, method: &worker::Method, path: &[&str]) -> bool {
    use worker::Method::{Get, Post};
    match (method, path) {
        (Get, ["session"]) => true,
        (Post, ["session", "mfa"]) => step == MfaStep::Verify,
        (Post, ["mfa", "enrolment" | "confirmation"]) => step == MfaStep::Enrol,
        _ => false,
    }
}

/// Refuses what a session owing `step` may not do yet.
pub fn owed(step: MfaStep) -> ApiError {
    match step {
        MfaStep::Verify => ApiError::problem(
            403,
            ProblemCode::MfaRequired,
            None,
            "Enter the code from your authenticator app first.",
        ),
        MfaStep::Enrol => ApiError::problem(
            403,
            ProblemCode::MfaEnrolmentRequired,
            None,
            "Set up two-step sign-in first: administrators sign in with a code from an \
             authenticator app as well as their password.",
        ),
    }
}

fn key_unavailable() -> ApiError {
    ApiError::problem(
        503,
        ProblemCode::SecretKeyUnavailable,
        None,
        "Two-step sign-in cannot be used right now: this service's encryption key is missing or \
         malformed. Tell the service operator.",
    )
}

fn wrong_code() -> ApiError {
    ApiError::invalid(
        "code",
        ProblemCode::WrongCode,
        "This code is not valid. Enter the 6 digits your authenticator app shows now, or one of \
         your recovery codes.",
    )
}

fn check_code_shape(code: &str) -> ApiResult<()> {
    if code.trim().is_empty() {
        return Err(ApiError::invalid(
            "code",
            ProblemCode::Required,
            "Enter the code from your authenticator app.",
        ));
    }
    if code.len() > 64 {
        return Err(wrong_code());
    }
    Ok(())
}

/// An entry of the signed-in person's own history about their second factor (the session may
/// not be fully signed in yet, so it is written directly rather than through `ctx.history`).
fn own_entry<'a>(ctx: &'a Ctx<'_>, event: HistoryEvent, summary: &'a str) -> HistoryEntry<'a> {
    let me = &ctx.who.session.real;
    HistoryEntry {
        at: ctx.now,
        actor: Some((me.user_id, &me.user_code)),
        on_behalf_of: None,
        event,
        entity_id: Some(me.user_id),
        area_id: me.area_id,
        subject: Some(&me.user_code),
        summary,
        changes: &[],
    }
}

/// Enters the second factor of a session that owes it: a code of the authenticator (each step
/// accepted once) or an unused recovery code. Answers the session's new token.
pub async fn verify(
    ctx: &Ctx<'_>,
    client: &str,
    secrets: Option<&SecretBox>,
    input: MfaCode,
    entropy: &mut impl Entropy,
) -> ApiResult<String> {
    if ctx.who.mfa_step() != Some(MfaStep::Verify) {
        return Err(ApiError::conflict(
            ProblemCode::MfaNotOwed,
            "This session does not owe a second factor.",
        ));
    }
    check_code_shape(&input.code)?;
    let me = &ctx.who.session.real;
    let directory = ctx.db.homes().directory();
    let attempt = Attempt::reserve(&directory, &me.user_code, client, ctx.now).await?;
    let row = mfa::of_user(ctx.db, me.user_id)
        .await?
        .filter(|row| row.confirmed_at.is_some())
        .ok_or_else(|| {
            ApiError::conflict(ProblemCode::MfaNotOwed, "No second factor is set up.")
        })?;

    // What the code claims (a TOTP step or a recovery code), and what history will say of it.
    let (claim, entered) = match second_factor::as_totp_code(&input.code) {
        Some(_) => {
            let secret = open_secret(secrets, &row.secret_sealed)?;
            let step = second_factor::matching_step(&secret, &me.user_code, &input.code, ctx.now)?
                .filter(|step| *step > row.last_step);
            let claim = step.map(|step| mfa::claim_step(ctx.db, me.user_id, step));
            (claim.transpose()?, HistoryEvent::UserMfaEntered)
        }
        None => {
            let claim = second_factor::recovery_code_hash(&input.code)
                .map(|hash| mfa::claim_recovery_code(ctx.db, me.user_id, &hash, ctx.now));
            (claim.transpose()?, HistoryEvent::UserMfaRecoveryCodeUsed)
        }
    };
    // The claim is one conditional statement: of two requests with the same code, one wins.
    let claimed = match claim {
        Some(statement) => store::changed_rows(&store::commit(ctx.db, vec![statement]).await?, 0),
        None => 0,
    };
    if claimed != 1 {
        let entry = store::insert_history(
            ctx.db,
            &own_entry(
                ctx,
                HistoryEvent::UserMfaFailed,
                "Sign-in failed: wrong or already used second-factor code",
            ),
        )?;
        store::record(ctx.db, entry).await?;
        return Err(wrong_code());
    }
    let summary = if entered == HistoryEvent::UserMfaEntered {
        "Second factor entered (code)"
    } else {
        "Second factor entered (recovery code)"
    };
    let token = auth::homed_token(ctx.db.home(), entropy)?;
    let mut statements = vec![mfa::session_entered(
        ctx.db,
        (&ctx.who.session.token_hash, &auth::token_hash(&token)),
        ctx.now,
        None,
    )?];
    statements.push(store::insert_history(
        ctx.db,
        &own_entry(ctx, entered, summary),
    )?);
    // B03: the sign-in is complete now; it is the last sign-in.
    statements.push(store::users::signed_in(ctx.db, me.user_id, ctx.now)?);
    store::commit(ctx.db, statements).await?;
    attempt.succeeded(&directory).await?;
    Ok(token)
}

fn open_secret(secrets: Option<&SecretBox>, sealed: &str) -> ApiResult<Vec<u8>> {
    let secrets = secrets.ok_or_else(key_unavailable)?;
    let text = secrets.open(sealed).ok_or_else(|| {
        ApiError::problem(
            409,
            ProblemCode::MfaSecretUnreadable,
            None,
            "Your second factor can no longer be read (the service's key changed). Ask an \
             administrator to reset it, then set it up again.",
        )
    })?;
    base64::Engine::decode(&base64::engine::general_purpose::STANDARD, text)
        .map_err(ApiError::internal)
}

/// Starts setting up the second factor (an administrator owing it, or anyone who wants one):
/// a new secret, sealed, shown once as a QR code and as text. Starting again replaces it.
pub async fn start_enrolment(
    ctx: &Ctx<'_>,
    secrets: Option<&SecretBox>,
    entropy: &mut impl Entropy,
) -> ApiResult<MfaEnrolment> {
    let me = &ctx.who.session.real;
    set_up_needs_recent_sign_in(ctx)?;
    let secrets = secrets.ok_or_else(key_unavailable)?;
    let secret = second_factor::new_secret(entropy)?;
    let sealed = secrets.seal(
        &base64::Engine::encode(&base64::engine::general_purpose::STANDARD, secret),
        entropy,
    )?;
    let results = store::commit(
        ctx.db,
        vec![mfa::start_enrolment(ctx.db, me.user_id, &sealed, ctx.now)?],
    )
    .await?;
    if store::changed_rows(&results, 0) != 1 {
        return Err(already_enrolled());
    }
    second_factor::enrolment(&secret, &me.user_code)
}

/// A second factor set up by choice (from Preferences) changes how the person signs in: it needs
/// a recent sign-in (ASVS 7.5.1). One owed at sign-in is set up by a session minutes old.
fn set_up_needs_recent_sign_in(ctx: &Ctx<'_>) -> ApiResult<()> {
    if ctx.who.mfa_step() == Some(MfaStep::Enrol) {
        return Ok(());
    }
    super::credentials::require_recent_sign_in(ctx)
}

fn already_enrolled() -> ApiError {
    ApiError::conflict(
        ProblemCode::MfaAlreadyEnrolled,
        "Two-step sign-in is already set up. To replace the authenticator, ask an administrator \
         to reset it.",
    )
}

/// Confirms the factor being set up with a code from it; answers the ten recovery codes, shown
/// this once, with the session's new token. The session counts as having entered its second
/// factor; the person's other sessions end (ASVS 7.4.3: an authentication factor changed).
pub async fn confirm_enrolment(
    ctx: &Ctx<'_>,
    client: &str,
    secrets: Option<&SecretBox>,
    input: MfaCode,
    entropy: &mut impl Entropy,
) -> ApiResult<(RecoveryCodes, String)> {
    check_code_shape(&input.code)?;
    set_up_needs_recent_sign_in(ctx)?;
    let me = &ctx.who.session.real;
    let row = mfa::of_user(ctx.db, me.user_id).await?;
    let row = match row {
        Some(row) if row.confirmed_at.is_some() => return Err(already_enrolled()),
        Some(row) => row,
        None => {
            return Err(ApiError::conflict(
                ProblemCode::MfaNotStarted,
                "Start setting up two-step sign-in first.",
            ))
        }
    };
    let directory = ctx.db.homes().directory();
    let attempt = Attempt::reserve(&directory, &me.user_code, client, ctx.now).await?;
    let secret = open_secret(secrets, &row.secret_sealed)?;
    let Some(step) = second_factor::matching_step(&secret, &me.user_code, &input.code, ctx.now)?
    else {
        let entry = store::insert_history(
            ctx.db,
            &own_entry(
                ctx,
                HistoryEvent::UserMfaFailed,
                "Two-step sign-in set-up failed: wrong code",
            ),
        )?;
        store::record(ctx.db, entry).await?;
        return Err(wrong_code());
    };
    let codes = second_factor::new_recovery_codes(entropy)?;
    let hashes: Vec<String> = codes
        .iter()
        .filter_map(|code| second_factor::recovery_code_hash(code))
        .collect();
    let sealed = row.secret_sealed.as_str();
    let mut statements = vec![mfa::confirm(ctx.db, me.user_id, sealed, step, ctx.now)?];
    statements.extend(mfa::replace_recovery_codes(
        ctx.db,
        (me.user_id, sealed, ctx.now),
        &hashes,
    )?);
    let token = auth::homed_token(ctx.db.home(), entropy)?;
    statements.push(mfa::session_entered(
        ctx.db,
        (&ctx.who.session.token_hash, &auth::token_hash(&token)),
        ctx.now,
        Some((me.user_id, sealed)),
    )?);
    statements.push(store::users::end_sessions_except(
        ctx.db,
        me.user_id,
        &auth::token_hash(&token),
    )?);
    // B03: a first sign-in completed by setting up the factor is a sign-in.
    statements.push(store::users::signed_in(ctx.db, me.user_id, ctx.now)?);
    statements.push(store::insert_history(
        ctx.db,
        &HistoryEntry {
            changes: &[super::change(
                "second_factor",
                None,
                Some("authenticator app".to_string()),
            )],
            ..own_entry(
                ctx,
                HistoryEvent::UserMfaEnrolled,
                "Two-step sign-in set up",
            )
        },
    )?);
    let results = store::commit(ctx.db, statements).await?;
    if store::changed_rows(&results, 0) != 1 {
        // Started again (or confirmed) by another request meanwhile: this secret is gone.
        return Err(ApiError::conflict(
            ProblemCode::MfaNotStarted,
            "The set-up was started again elsewhere. Scan the new code.",
        ));
    }
    attempt.succeeded(&directory).await?;
    Ok((
        RecoveryCodes {
            recovery_codes: codes,
        },
        token,
    ))
}

/// An administrator resets a user's second factor within their scope (R35): the user sets it
/// up again at their next sign-in; their sessions end.
pub async fn reset(ctx: &Ctx<'_>, user_id: i64) -> ApiResult<()> {
    let target = super::users::visible(ctx, user_id).await?;
    policy::reset_mfa(
        ctx.actor(),
        &target.policy(BTreeSet::new()),
        &target.group()?,
    )?;
    if target.mfa_enrolled != 1 {
        return Err(ApiError::conflict(
            ProblemCode::MfaNotEnrolled,
            "This user has not set up two-step sign-in: there is nothing to reset.",
        ));
    }
    let mut statements = mfa::remove(ctx.db, user_id)?;
    statements.push(store::users::end_sessions(ctx.db, user_id)?);
    statements.push(ctx.history(
        HistoryEvent::UserMfaReset,
        Some(user_id),
        target.area_id,
        (
            Some(&target.user_code),
            &format!(
                "Two-step sign-in of {} reset: set up again at the next sign-in",
                target.user_code
            ),
        ),
        &[super::change(
            "second_factor",
            Some("authenticator app".to_string()),
            None,
        )],
    )?);
    store::commit(ctx.db, statements).await?;
    Ok(())
}
