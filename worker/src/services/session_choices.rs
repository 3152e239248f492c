//! What a session chooses after sign-in: the company to work in (R04, R20) and whom to act as
//! (R05). Both are written to the session row; history records impersonation.

use precinct_core::history_text::HistoryEvent;
use precinct_core::problem::ProblemCode;
use std::collections::BTreeSet;

use precinct_core::api::{CompanyRef, Me, Page};
use precinct_core::ids::UserId;
use precinct_core::policy::{self, company_scope, person_scope, Actor};

use super::{change, Ctx};
use crate::error::{ApiError, ApiResult};
use crate::store;
use crate::store::companies::{self, CompanyFilter};
use crate::store::list::ListParams;

/// The companies offered at sign-in (R20): those the actor may access.
pub async fn selectable(ctx: &Ctx<'_>, params: &ListParams) -> ApiResult<Page<CompanyRef>> {
    let page = companies::list(
        ctx.db,
        (company_scope(ctx.actor()), person_scope(ctx.actor())),
        &CompanyFilter::default(),
        params,
    )
    .await?;
    Ok(Page {
        items: page.items.iter().map(|row| row.short()).collect(),
        next_cursor: page.next_cursor,
        total: page.total,
    })
}

/// The session's current company, if it is still one the actor may access.
pub async fn current_company(ctx: &Ctx<'_>) -> ApiResult<Option<CompanyRef>> {
    let Some(id) = ctx.who.session.company_id else {
        return Ok(None);
    };
    Ok(companies::get(
        ctx.db,
        (company_scope(ctx.actor()), person_scope(ctx.actor())),
        id,
    )
    .await?
    .map(|row| row.short()))
}

pub async fn me(ctx: &Ctx<'_>) -> ApiResult<Me> {
    ctx.who.me(current_company(ctx).await?)
}

pub async fn choose_company(ctx: &Ctx<'_>, company_id: i64) -> ApiResult<CompanyRef> {
    let row = companies::get(
        ctx.db,
        (company_scope(ctx.actor()), person_scope(ctx.actor())),
        company_id,
    )
    .await?
    .ok_or_else(|| {
        ApiError::invalid(
            "company_id",
            ProblemCode::UnknownCompany,
            "There is no such company among yours.",
        )
    })?;
    policy::choose_company(ctx.actor(), row.reference())?;
    store::choose_session_company(ctx.db, &ctx.who.session.token_hash, company_id)?
        .run()
        .await?;
    Ok(row.short())
}

/// Starts acting as another user (R05): the policy decides through `Actor::acting_as`.
pub async fn act_as(ctx: &Ctx<'_>, user_id: i64) -> ApiResult<()> {
    let target = super::users::visible(ctx, user_id).await?;
    Actor::acting_as(
        ctx.actor(),
        &target.policy(BTreeSet::new()),
        &target.group()?,
    )?;
    let changes = [change("acting_as", None, Some(target.user_code.clone()))];
    store::commit(
        ctx.db,
        vec![
            store::set_session_acting(ctx.db, &ctx.who.session.token_hash, Some(user_id))?,
            ctx.history(
                HistoryEvent::UserImpersonationStarted,
                Some(user_id),
                target.area_id,
                (
                    Some(&target.user_code),
                    &format!("Logged in as {}", target.user_code),
                ),
                &changes,
            )?,
        ],
    )
    .await?;
    Ok(())
}

/// Goes back to the real user.
pub async fn stop_acting(ctx: &Ctx<'_>) -> ApiResult<()> {
    let Some(acting) = &ctx.who.session.acting else {
        return Err(ApiError::conflict(
            ProblemCode::NotActing,
            "You are not acting as another user.",
        ));
    };
    let changes = [change("acting_as", Some(acting.user_code.clone()), None)];
    store::commit(
        ctx.db,
        vec![
            store::set_session_acting(ctx.db, &ctx.who.session.token_hash, None)?,
            ctx.history(
                HistoryEvent::UserImpersonationEnded,
                Some(acting.user_id),
                acting.area_id,
                (
                    Some(&acting.user_code),
                    &format!("Stopped acting as {}", acting.user_code),
                ),
                &changes,
            )?,
        ],
    )
    .await?;
    Ok(())
}

/// The signed-in person's own sessions (the sessions screen, ASVS 7.5.2): where they are signed
/// in, since when, last seen; always the real person's, not the user acted as.
pub async fn own_sessions(ctx: &Ctx<'_>) -> ApiResult<Vec<precinct_core::api::SessionInfo>> {
    let rows = store::sessions_of(
        ctx.db,
        ctx.who.session.real.user_id,
        &ctx.who.session.token_hash,
        ctx.now,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| precinct_core::api::SessionInfo {
            id: row.id,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            browser: precinct_core::device::describe_browser(&row.user_agent),
            current: row.current == 1,
        })
        .collect())
}

/// Ends one of the person's own sessions (this one included: that signs them out).
pub async fn end_own_session(ctx: &Ctx<'_>, id: &str) -> ApiResult<()> {
    let well_formed = id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit());
    if !well_formed {
        return Err(ApiError::not_found());
    }
    // Ending this very session is signing out; ending another needs a recent sign-in.
    if !ctx
        .who
        .session
        .token_hash
        .starts_with(&id.to_ascii_lowercase())
    {
        super::credentials::require_recent_sign_in(ctx)?;
    }
    store::commit(
        ctx.db,
        store::end_own_session(ctx.db, ctx.who.session.real.user_id, id)?,
    )
    .await?;
    Ok(())
}

/// ASVS 7.4.5: an administrator ends at once every session of every user they manage (a
/// password leaked, a breach suspected), their own other sessions included, this one excepted,
/// with one history entry. Like ending another of one's sessions, it needs a recent sign-in.
pub async fn end_everyones_sessions(ctx: &Ctx<'_>) -> ApiResult<()> {
    let scope = policy::end_everyones_sessions(ctx.actor())?;
    super::credentials::require_recent_sign_in(ctx)?;
    store::commit(
        ctx.db,
        vec![
            crate::store::users::end_sessions_in_scope(ctx.db, scope, &ctx.who.session.token_hash)?,
            ctx.history(
                HistoryEvent::EveryonesSessionsEnded,
                None,
                ctx.actor().area().map(|area| area.0),
                (None, "Sessions of every user managed ended"),
                &[],
            )?,
        ],
    )
    .await?;
    Ok(())
}

/// An administrator ends every session of a user they manage (their scope, R12, R15).
pub async fn end_user_sessions(ctx: &Ctx<'_>, user_id: i64) -> ApiResult<()> {
    let target = super::users::visible(ctx, user_id).await?;
    policy::edit_user(
        ctx.actor(),
        &target.policy(BTreeSet::new()),
        &target.group()?,
    )?;
    // One's own sessions, from here too, need a recent sign-in (ASVS 7.5.2).
    if ctx.actor().is_self(UserId(user_id)) {
        super::credentials::require_recent_sign_in(ctx)?;
    }
    store::commit(
        ctx.db,
        vec![
            crate::store::users::end_sessions(ctx.db, user_id)?,
            ctx.history(
                HistoryEvent::UserSessionsEnded,
                Some(user_id),
                target.area_id,
                (
                    Some(&target.user_code),
                    &format!("Every session of {} ended", target.user_code),
                ),
                &[],
            )?,
        ],
    )
    .await?;
    Ok(())
}
