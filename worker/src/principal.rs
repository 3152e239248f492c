//! Who is acting: the session's users turned into the policy's `Actor`, rebuilt on every request
//! so a disabled user or a withdrawn impersonation takes effect at once.

use std::collections::BTreeSet;

use crate::error::{ApiError, ApiResult};
use crate::store::{self, PrincipalRow, SessionRow, SystemDb};
use precinct_core::api::{CompanyRef, Me, MfaStep};
use precinct_core::ids::{AccountId, AreaId, CompanyId, GroupId, UserId};
use precinct_core::policy::{
    AccessLevel, Actor, Denied, Group, GroupAccess, OptionCode, OptionSet, User,
};

/// The signed-in session with the actor whose rights apply (the impersonated user's, R05).
pub struct Principal {
    pub session: SessionRow,
    pub actor: Actor,
    /// R35: the second step the session still owes, decided on the real person's level.
    mfa_step: Option<MfaStep>,
}

/// A session row made into a principal, or found to act as someone it may not any more.
pub enum Loaded {
    Ready(Principal),
    /// R05: the target was disabled or left the real user's area: the session must stop acting.
    StopActing(SessionRow),
}

/// Options are stored as space-separated codes from the fixed catalog.
pub fn parse_options(stored: &str) -> OptionSet {
    stored
        .split_whitespace()
        .filter_map(OptionCode::parse)
        .collect()
}

pub fn format_options(options: OptionSet) -> String {
    options
        .iter()
        .map(OptionCode::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn parse_level(stored: &str) -> ApiResult<AccessLevel> {
    AccessLevel::parse(stored)
        .ok_or_else(|| ApiError::internal(format!("unknown access level {stored}")))
}

/// A stored group as the policy's `Group`; the schema's CHECKs make an invalid one impossible.
pub fn policy_group(
    id: i64,
    code: &str,
    level: &str,
    area: Option<i64>,
    options: &str,
) -> ApiResult<Group> {
    let access = GroupAccess::new(parse_level(level)?, area.map(AreaId))
        .map_err(|denied| ApiError::internal(format!("stored group {id} is invalid: {denied}")))?;
    Ok(Group::new(
        GroupId(id),
        code,
        access,
        parse_options(options),
    ))
}

fn user_of(row: &PrincipalRow) -> ApiResult<(User, Group)> {
    let group = policy_group(
        row.group_id,
        &row.group_code,
        &row.access_level,
        row.area_id,
        &row.options,
    )?;
    let ticked: BTreeSet<CompanyId> = if group.level() == AccessLevel::User {
        row.ticked.iter().copied().map(CompanyId).collect()
    } else {
        BTreeSet::new()
    };
    let user = User {
        id: UserId(row.user_id),
        group: GroupId(row.group_id),
        active: row.active == 1,
        ticked,
    };
    Ok((user, group))
}

fn unauthenticated(_: Denied) -> ApiError {
    ApiError::unauthenticated()
}

impl Principal {
    pub async fn load(db: &SystemDb<'_>, session: SessionRow, now: i64) -> ApiResult<Principal> {
        match Principal::of_row(session, now)? {
            Loaded::Ready(principal) => Ok(principal),
            Loaded::StopActing(session) => {
                if let Some(acting) = &session.acting {
                    store::stop_acting(db, &session, acting, now).await?;
                }
                let session = SessionRow {
                    acting: None,
                    ..session
                };
                match Principal::of_row(session, now)? {
                    Loaded::Ready(principal) => Ok(principal),
                    Loaded::StopActing(_) => Err(ApiError::unauthenticated()),
                }
            }
        }
    }

    /// The principal of a session row, without I/O (the optimistic principal builds it from a
    /// remembered row): or the word that the session must stop acting as another first.
    pub fn of_row(session: SessionRow, now: i64) -> ApiResult<Loaded> {
        let (real_user, real_group) = user_of(&session.real)?;
        let real = Actor::new(&real_user, &real_group).map_err(unauthenticated)?;
        let actor = match &session.acting {
            None => real,
            Some(acting) => {
                let (target, target_group) = user_of(acting)?;
                // The impersonation is decided again: if the target was disabled or left the
                // real user's area, the session stops acting as them.
                match Actor::acting_as(&real, &target, &target_group) {
                    Ok(actor) => actor,
                    Err(_) => return Ok(Loaded::StopActing(session)),
                }
            }
        };
        let mut session = session;
        let mfa_step = precinct_core::policy::mfa_step(
            real_group.level(),
            session.real.mfa_enrolled == 1,
            session.second_factor_entered,
        );
        // R35: a session that still owes its second step lives a few minutes at most.
        if mfa_step.is_some() && now - session.created_at > crate::auth::SECOND_STEP_WINDOW_MS {
            return Err(ApiError::unauthenticated());
        }
        if actor.real_user().is_none() {
            session.acting = None;
        }
        Ok(Loaded::Ready(Principal {
            session,
            actor,
            mfa_step,
        }))
    }

    pub fn account(&self) -> i64 {
        self.session.account_id
    }

    /// The user whose rights apply (the impersonated one while acting as another).
    pub fn effective(&self) -> &PrincipalRow {
        self.session.acting.as_ref().unwrap_or(&self.session.real)
    }

    /// Who history names: the real user, and on whose behalf when acting as another (R05, R30).
    pub fn history_actor(&self) -> (i64, &str, Option<(i64, &str)>) {
        let real = &self.session.real;
        let on_behalf = self
            .session
            .acting
            .as_ref()
            .map(|acting| (acting.user_id, acting.user_code.as_str()));
        (real.user_id, real.user_code.as_str(), on_behalf)
    }

    pub fn me(&self, company: Option<CompanyRef>) -> ApiResult<Me> {
        let effective = self.effective();
        Ok(Me {
            user_id: UserId(effective.user_id),
            account_id: AccountId(self.session.account_id),
            account_name: self.session.account_name.clone(),
            user_code: effective.user_code.clone(),
            name: effective.name.clone(),
            access_level: self.actor.level(),
            area_id: self.actor.area(),
            area_code: effective.area_code.clone(),
            options: self.actor.options().iter().collect(),
            real_user_code: self
                .session
                .acting
                .as_ref()
                .map(|_| self.session.real.user_code.clone()),
            company,
            password_change_required: self.must_change_password(),
            mfa_step: self.mfa_step(),
            mfa_enrolled: self.session.real.mfa_enrolled == 1,
        })
    }

    /// R35: the second step this session still owes, decided by the policy on the real person
    /// (never on a user acted as, R05).
    pub fn mfa_step(&self) -> Option<MfaStep> {
        self.mfa_step
    }

    /// R36: the signed-in person's password was given by someone else; until they choose their
    /// own, the session can do nothing else.
    pub fn must_change_password(&self) -> bool {
        self.session.real.password_must_change == 1
    }
}

/// The policy's refusal as an API error: 404 when the actor may not know the target exists.
impl From<Denied> for ApiError {
    fn from(denied: Denied) -> Self {
        if denied.is_not_visible() {
            return ApiError::not_found();
        }
        ApiError::Problem(precinct_core::problem::Problem {
            status: denied.http_status(),
            code: denied.code.as_str().to_string(),
            field: denied.code.field().map(str::to_string),
            message: denied.message,
            errors: Vec::new(),
        })
    }
}
