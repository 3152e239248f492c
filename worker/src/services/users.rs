//! Security Management: users, their group, their Access to Companies, and the user pickers.

use precinct_core::history_text::HistoryEvent;
use precinct_core::problem::ProblemCode;
use std::collections::BTreeSet;

use precinct_core::api::{
    CompanyAccess, CompanyAccessRow, Language, MailPasswordInput, MoveUser, Moved, Page,
    SetCompanyAccess, User, UserInput, UserRef, UserUpdate,
};
use precinct_core::ids::{AreaId, CompanyId, UserId};
use precinct_core::policy::{
    self, company_scope, group_scope, person_scope, user_in_charge_scope, user_scope, CompanyRef,
    CompanyScope,
};
use precinct_core::validate::stored_user_code_problem;

use super::mail::MailEnv;
use super::{change, diff, diff_text, Ctx};
use crate::auth::SystemEntropy;
use crate::error::{all_fields2, all_fields3, ApiError, ApiResult};
use crate::store::companies::{self, CompanyFilter};
use crate::store::users::{self, UserFilter, UserRow};
use crate::store::{self, groups, list::ListParams};
use worker::D1PreparedStatement;

fn page_of<T>(page: Page<UserRow>, into: impl Fn(UserRow) -> ApiResult<T>) -> ApiResult<Page<T>> {
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(into)
            .collect::<ApiResult<Vec<T>>>()?,
        next_cursor: page.next_cursor,
        total: page.total,
    })
}

/// The users list (R18): only users of the actor's area.
pub async fn list(
    ctx: &Ctx<'_>,
    filter: &UserFilter,
    params: &ListParams,
) -> ApiResult<Page<User>> {
    let scope = user_scope(ctx.actor());
    page_of(
        users::list(ctx.db, scope, filter, params).await?,
        UserRow::api,
    )
}

/// The user picker (R18): active users of the actor's area.
pub async fn picker(ctx: &Ctx<'_>, params: &ListParams) -> ApiResult<Page<UserRef>> {
    let scope = user_scope(ctx.actor());
    let filter = UserFilter {
        active: Some(true),
        ..UserFilter::default()
    };
    page_of(users::list(ctx.db, scope, &filter, params).await?, |row| {
        Ok(row.reference())
    })
}

/// The "user in charge" picker (R19): the area's users plus the regular administrators.
pub async fn in_charge_picker(ctx: &Ctx<'_>, params: &ListParams) -> ApiResult<Page<UserRef>> {
    let scope = user_in_charge_scope(ctx.actor());
    let filter = UserFilter {
        active: Some(true),
        ..UserFilter::default()
    };
    page_of(users::list(ctx.db, scope, &filter, params).await?, |row| {
        Ok(row.reference())
    })
}

/// **Login as another user** candidates (R05).
pub async fn login_as_candidates(ctx: &Ctx<'_>, params: &ListParams) -> ApiResult<Page<UserRef>> {
    let scope = policy::login_as_candidates(ctx.actor())?;
    let filter = UserFilter {
        active: Some(true),
        exclude: Some(ctx.actor().user().0),
        ..UserFilter::default()
    };
    page_of(users::list(ctx.db, scope, &filter, params).await?, |row| {
        Ok(row.reference())
    })
}

/// A user the actor may see, or 404 as if they did not exist.
pub async fn visible(ctx: &Ctx<'_>, id: i64) -> ApiResult<UserRow> {
    users::get(ctx.db, user_scope(ctx.actor()), id)
        .await?
        .ok_or_else(ApiError::not_found)
}

pub async fn get(ctx: &Ctx<'_>, id: i64) -> ApiResult<User> {
    visible(ctx, id).await?.api()
}

/// A user code as stored: the bare address, lower-cased (R03 compares codes case-insensitively;
/// storing one spelling means every screen, mail and history entry shows the same one).
fn valid_user_code(value: &str) -> ApiResult<String> {
    if let Some(why) = stored_user_code_problem(value) {
        return Err(ApiError::invalid(
            "user_code",
            ProblemCode::InvalidEmail,
            why,
        ));
    }
    Ok(precinct_core::validate::normalize_user_code(value))
}

fn valid_name(value: &str) -> ApiResult<String> {
    super::valid_text("name", value, 120, true)
}

pub async fn create(ctx: &Ctx<'_>, mail: &MailEnv, input: UserInput) -> ApiResult<User> {
    // Every field checked, all reported at once (a form shows each beside its field).
    let ((user_code, name), group, mail_password) = all_fields3(
        all_fields2(valid_user_code(&input.user_code), valid_name(&input.name)),
        chosen_group(ctx, input.group_id.0).await,
        creation_mail_password(input.mail_password.as_ref()),
    )?;
    policy::create_user(ctx.actor(), &group)?;
    // R25, R26: the optional mail password of the User-Specific Email Configuration, sealed.
    let mail_password_cipher = match mail_password {
        Some(password) => Some(mail.secrets()?.seal(password, &mut SystemEntropy)?),
        None => None,
    };
    let language = input.language.unwrap_or(Language::En);
    let mut changes = vec![
        change("user_code", None, Some(user_code.clone())),
        change("mail_user", None, Some(user_code.clone())),
        change("name", None, Some(name.clone())),
        change("group", None, Some(group.code.clone())),
        change("language", None, Some(language.as_str().to_string())),
    ];
    if mail_password_cipher.is_some() {
        // R26: that it was set, never what it is.
        changes.push(change("mail_password", None, Some("(set)".to_string())));
    }
    let area = group.area().map(|area| area.0);
    committed(
        ctx,
        vec![
            users::insert(
                ctx.db,
                &user_code,
                &name,
                &group,
                language,
                ctx.now,
                mail_password_cipher.as_deref(),
            )?,
            ctx.history(
                HistoryEvent::UserCreated,
                None,
                area,
                (Some(&user_code), &format!("User {user_code} created")),
                &changes,
            )?,
        ],
        users::WrittenUser::Code(&user_code),
    )
    .await
}

/// Commits a batch that writes one user, with that user read back by the batch's last
/// statement (issue 17: the answer costs no round trip of its own), as the actor may see them.
async fn committed(
    ctx: &Ctx<'_>,
    mut statements: Vec<D1PreparedStatement>,
    user: users::WrittenUser<'_>,
) -> ApiResult<User> {
    let index = statements.len();
    statements.push(users::read_back(ctx.db, user_scope(ctx.actor()), user)?);
    let results = store::commit(ctx.db, statements).await?;
    users::written(&results, index)?
        .ok_or_else(ApiError::not_found)?
        .api()
}

/// The mail password given with a new user, if any (an empty one is none): checked like any
/// mail password, its fields named as the creation form's.
fn creation_mail_password(input: Option<&MailPasswordInput>) -> ApiResult<Option<&str>> {
    let Some(input) =
        input.filter(|input| !(input.password.is_empty() && input.confirmation.is_empty()))
    else {
        return Ok(None);
    };
    super::mail::checked_mail_password(input).map_err(|error| match error {
        ApiError::Problem(mut problem) => {
            problem.field = problem.field.map(|field| match field.as_str() {
                "confirmation" => "mail_password_confirmation".to_string(),
                _ => "mail_password".to_string(),
            });
            ApiError::Problem(problem)
        }
        other => other,
    })?;
    Ok(Some(input.password.as_str()))
}

/// A group the actor may see, named by a request's `group_id`, or a field error.
pub(crate) async fn chosen_group(ctx: &Ctx<'_>, group_id: i64) -> ApiResult<policy::Group> {
    // No group picked (the form's "Choose…"): say so, not "no such group".
    if group_id <= 0 {
        return Err(ApiError::invalid(
            "group_id",
            ProblemCode::Required,
            "Choose the user's group.",
        ));
    }
    groups::get(ctx.db, group_scope(ctx.actor()), group_id)
        .await?
        .ok_or_else(|| {
            ApiError::invalid(
                "group_id",
                ProblemCode::UnknownGroup,
                "There is no such user group.",
            )
        })?
        .policy()
}

/// R17 before the change (R32): a move across areas waits for the person's confirmation; the
/// console turns this refusal into the question.
fn confirmed(notice: policy::MoveNotice, confirmation: bool) -> ApiResult<()> {
    match notice.warning() {
        Some(warning) if !confirmation => Err(ApiError::Problem(precinct_core::problem::Problem {
            status: 409,
            code: ProblemCode::ConfirmMoveAcrossAreas.as_str().to_string(),
            message: format!("{warning} Confirm the move to save it."),
            field: Some("group_id".to_string()),
            errors: Vec::new(),
        })),
        _ => Ok(()),
    }
}

/// One Save of the user form (R32): name, user code, language and group in one request and one
/// batch, all of it or none of it. A changed user code retires the user's open links and ends
/// their other sessions (R33).
pub async fn update(ctx: &Ctx<'_>, id: i64, input: UserUpdate) -> ApiResult<User> {
    let before = visible(ctx, id).await?;
    let target = before.policy(BTreeSet::new());
    let from = before.group()?;
    policy::edit_user(ctx.actor(), &target, &from)?;
    let (user_code, name) =
        all_fields2(valid_user_code(&input.user_code), valid_name(&input.name))?;
    let language = input
        .language
        .or_else(|| Language::parse(&before.language))
        .unwrap_or(Language::En);
    let moving_to = match input.group_id {
        Some(group) if group.0 != before.group_id => Some(chosen_group(ctx, group.0).await?),
        _ => None,
    };
    if let Some(to) = &moving_to {
        let others = users::other_active_administrators(ctx.db, Some(id)).await?;
        let notice = policy::move_user(ctx.actor(), &target, &from, to, others)?;
        confirmed(notice, input.confirm_move_across_areas)?;
    }
    let mut changes = Vec::new();
    diff_text(&mut changes, "user_code", &before.user_code, &user_code);
    // R25: the mail user is the user code, kept in step.
    diff_text(&mut changes, "mail_user", &before.user_code, &user_code);
    diff_text(&mut changes, "name", &before.name, &name);
    diff(
        &mut changes,
        "language",
        Some(before.language.clone()),
        Some(language.as_str().to_string()),
    );
    let mut statements = vec![
        users::update_identity(ctx.db, &before, input.version, &user_code, &name, language)?,
        store::guard_previous_changed(ctx.db)?,
    ];
    let code_changed = precinct_core::validate::normalize_user_code(&user_code)
        != precinct_core::validate::normalize_user_code(&before.user_code);
    // One's own user code is how one signs in (ASVS 7.5.1).
    if code_changed && ctx.actor().is_self(UserId(id)) {
        super::credentials::require_recent_sign_in(ctx)?;
    }
    if code_changed {
        // A link sent to the old (perhaps mistyped) address must not open the account, and a
        // session opened under the old code ends (R33); the editor's own session stays.
        statements.push(crate::store::mail::retire_links(ctx.db, id, ctx.now)?);
        statements.push(users::end_sessions_except(
            ctx.db,
            id,
            &ctx.who.session.token_hash,
        )?);
    }
    if !changes.is_empty() || moving_to.is_none() {
        statements.push(ctx.history(
            HistoryEvent::UserUpdated,
            Some(id),
            before.area_id,
            (Some(&user_code), &format!("User {user_code} updated")),
            &changes,
        )?);
    }
    if let Some(to) = &moving_to {
        statements.push(users::set_group(ctx.db, id, input.version + 1, to)?);
        statements.push(store::guard_previous_changed(ctx.db)?);
        statements.push(store::guard_active_administrator(ctx.db)?);
        statements.extend(move_entries(ctx, id, &user_code, &from, to)?);
    }
    let user = committed(ctx, statements, users::WrittenUser::Id(id)).await?;
    if code_changed {
        // The old address is no longer this user's across the service (O03: the directory and
        // the other databases forget it; this database's copy went with the batch).
        let old = precinct_core::validate::normalize_user_code(&before.user_code);
        store::homes::release_code(ctx.db, &old).await;
    }
    Ok(user)
}

/// What a group outside an area is called in that area's history.
const ANOTHER_AREA: &str = "(another area)";

/// The history of a move (R21, R30): one entry in the area the user leaves and, across areas,
/// one in the area they join, each naming only what belongs to its area, so neither area's
/// readers learn the other's group (regular administrators read both).
pub(crate) fn move_entries(
    ctx: &Ctx<'_>,
    id: i64,
    user_code: &str,
    from: &policy::Group,
    to: &policy::Group,
) -> ApiResult<Vec<worker::D1PreparedStatement>> {
    let area = |group: &policy::Group| group.area().map(|area| area.0.to_string());
    let level = |group: &policy::Group| Some(group.level().as_str().to_string());
    let summary = format!("User {user_code} moved to group {}", to.code);
    if from.area() == to.area() {
        let changes = [
            change("group", Some(from.code.clone()), Some(to.code.clone())),
            change("access_level", level(from), level(to)),
        ];
        return Ok(vec![ctx.history(
            HistoryEvent::UserMoved,
            Some(id),
            from.area().map(|area| area.0),
            (Some(user_code), &summary),
            &changes,
        )?]);
    }
    let hidden = || Some(ANOTHER_AREA.to_string());
    let leaving = [
        change("group", Some(from.code.clone()), hidden()),
        change("area", area(from), hidden()),
        change("access_level", level(from), level(to)),
    ];
    let joining = [
        change("group", hidden(), Some(to.code.clone())),
        change("area", hidden(), area(to)),
        change("access_level", level(from), level(to)),
    ];
    Ok(vec![
        ctx.history(
            HistoryEvent::UserMoved,
            Some(id),
            from.area().map(|area| area.0),
            (
                Some(user_code),
                &format!("User {user_code} moved to a group of another area"),
            ),
            &leaving,
        )?,
        ctx.history(
            HistoryEvent::UserMoved,
            Some(id),
            to.area().map(|area| area.0),
            (
                Some(user_code),
                &format!(
                    "User {user_code} moved here from another area, to group {}",
                    to.code
                ),
            ),
            &joining,
        )?,
    ])
}

pub async fn set_active(ctx: &Ctx<'_>, id: i64, version: i64, active: bool) -> ApiResult<User> {
    let before = visible(ctx, id).await?;
    let (user, group) = (before.policy(BTreeSet::new()), before.group()?);
    let mut statements = vec![
        users::set_active(ctx.db, id, version, active)?,
        store::guard_previous_changed(ctx.db)?,
    ];
    if active {
        policy::enable_user(ctx.actor(), &user, &group)?;
    } else {
        let others = users::other_active_administrators(ctx.db, Some(id)).await?;
        policy::disable_user(ctx.actor(), &user, &group, others)?;
        // Disabling ends every session at once (ASVS 7.4.2); R16 is re-checked in the batch.
        statements.push(users::end_sessions(ctx.db, id)?);
        statements.push(store::guard_active_administrator(ctx.db)?);
    }
    let (event, action) = if active {
        (HistoryEvent::UserEnabled, "enabled")
    } else {
        (HistoryEvent::UserDisabled, "disabled")
    };
    let changes = [change(
        "active",
        Some((before.active == 1).to_string()),
        Some(active.to_string()),
    )];
    statements.push(ctx.history(
        event,
        Some(id),
        before.area_id,
        (
            Some(&before.user_code),
            &format!("User {} {action}", before.user_code),
        ),
        &changes,
    )?);
    committed(ctx, statements, users::WrittenUser::Id(id)).await
}

pub async fn delete(ctx: &Ctx<'_>, id: i64, version: i64) -> ApiResult<()> {
    let before = visible(ctx, id).await?;
    let others = users::other_active_administrators(ctx.db, Some(id)).await?;
    policy::delete_user(
        ctx.actor(),
        &before.policy(BTreeSet::new()),
        &before.group()?,
        others,
    )?;
    let changes = [
        change("user_code", Some(before.user_code.clone()), None),
        change("name", Some(before.name.clone()), None),
        change("group", Some(before.group_code.clone()), None),
    ];
    // The companies this user was in charge of lose their user in charge: each says so in its
    // own history (R30), written before the change.
    let companies = store::CascadeEntry {
        event: HistoryEvent::CompanyUserInChargeRemoved,

        ..ctx.cascade(HistoryEvent::CompanyUserInChargeRemoved)
    };
    let mut statements = vec![store::insert_history_per_row(
        ctx.db,
        &companies,
        users::companies_in_charge_of(id, &before.user_code),
    )?];
    statements.extend(users::delete_dependents(ctx.db, id)?);
    statements.push(users::delete(ctx.db, id, version)?);
    statements.push(store::guard_previous_changed(ctx.db)?);
    statements.push(store::guard_active_administrator(ctx.db)?);
    statements.push(ctx.history(
        HistoryEvent::UserDeleted,
        Some(id),
        before.area_id,
        (
            Some(&before.user_code),
            &format!("User {} deleted", before.user_code),
        ),
        &changes,
    )?);
    store::commit(ctx.db, statements).await?;
    // Their address is free again across the service (O03).
    let code = precinct_core::validate::normalize_user_code(&before.user_code);
    store::homes::release_code(ctx.db, &code).await;
    Ok(())
}

/// Moving a user to another group (R17): across areas only for regular administrators, with
/// a warning that a new user and group is the recommended way.
pub async fn move_to_group(ctx: &Ctx<'_>, id: i64, input: MoveUser) -> ApiResult<Moved> {
    let before = visible(ctx, id).await?;
    let from = before.group()?;
    let to = chosen_group(ctx, input.group_id.0).await?;
    let others = users::other_active_administrators(ctx.db, Some(id)).await?;
    let notice = policy::move_user(
        ctx.actor(),
        &before.policy(BTreeSet::new()),
        &from,
        &to,
        others,
    )?;
    confirmed(notice, input.confirm_move_across_areas)?;
    let user = committed(
        ctx,
        vec![
            users::set_group(ctx.db, id, input.version, &to)?,
            store::guard_previous_changed(ctx.db)?,
            store::guard_active_administrator(ctx.db)?,
        ]
        .into_iter()
        .chain(move_entries(ctx, id, &before.user_code, &from, &to)?)
        .collect(),
        users::WrittenUser::Id(id),
    )
    .await?;
    Ok(Moved {
        user,
        warning: notice.warning().map(str::to_string),
    })
}

/// The Access to Companies tab (R13, R14): the companies the editor may see, limited to the
/// target's area when their group has one; locked (all of the area) for local administrators.
pub async fn company_access(
    ctx: &Ctx<'_>,
    id: i64,
    params: &ListParams,
) -> ApiResult<CompanyAccess> {
    let target = visible(ctx, id).await?;
    let tab = policy::read_company_access(
        ctx.actor(),
        &target.policy(BTreeSet::new()),
        &target.group()?,
    )?;
    let locked = tab.locked;
    let editor = company_scope(ctx.actor());
    let filter = CompanyFilter {
        area_id: tab.boundary.map(|area| area.0),
        ..CompanyFilter::default()
    };
    let page =
        companies::list(ctx.db, (editor, person_scope(ctx.actor())), &filter, params).await?;
    let ticked: BTreeSet<i64> = if locked {
        BTreeSet::new()
    } else {
        users::ticked_in_scope(ctx.db, id, editor)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    };
    Ok(CompanyAccess {
        locked,
        companies: Page {
            items: page
                .items
                .into_iter()
                .map(|company| CompanyAccessRow {
                    ticked: locked || ticked.contains(&company.id),
                    id: CompanyId(company.id),
                    code: company.code,
                    name: company.name,
                    area_code: company.area_code,
                })
                .collect(),
            next_cursor: page.next_cursor,
            total: page.total,
        },
        version: target.version,
    })
}

pub async fn set_company_access(
    ctx: &Ctx<'_>,
    id: i64,
    input: SetCompanyAccess,
) -> ApiResult<CompanyAccess> {
    const MAX_TICKS: usize = 10_000;
    if input.company_ids.len() > MAX_TICKS {
        return Err(ApiError::invalid(
            "company_ids",
            ProblemCode::TooMany,
            "At most 10,000 companies can be ticked at once.",
        ));
    }
    let target = visible(ctx, id).await?;
    let group = target.group()?;
    let requested: BTreeSet<i64> = input.company_ids.iter().map(|company| company.0).collect();
    let ids: Vec<i64> = requested.iter().copied().collect();
    let found = companies::references(ctx.db, &ids).await?;
    // A company the editor may not see is answered exactly like one that does not exist, and
    // only after the editor's own rights are checked, so no answer tells the two apart.
    let (refs, hidden): (Vec<CompanyRef>, Vec<CompanyRef>) = found
        .iter()
        .map(|(id, _, area)| CompanyRef {
            id: CompanyId(*id),
            area: area.map(AreaId),
        })
        .partition(|company| policy::may_see_company(ctx.actor(), *company));
    // The whole request is refused if any company is out of bounds (R14).
    policy::set_ticked_companies(ctx.actor(), &target.policy(BTreeSet::new()), &group, &refs)?;
    if found.len() != ids.len() || !hidden.is_empty() {
        return Err(ApiError::invalid(
            "company_ids",
            ProblemCode::UnknownCompany,
            "One of the companies does not exist.",
        ));
    }
    let editor: CompanyScope = company_scope(ctx.actor());
    let before = users::ticked_in_scope(ctx.db, id, editor).await?;
    let mut after_codes: Vec<String> = found.iter().map(|(_, code, _)| code.clone()).collect();
    after_codes.sort();
    let before_codes: Vec<String> = before.into_iter().map(|(_, code)| code).collect();
    let changes = [change(
        "companies",
        Some(before_codes.join(", ")),
        Some(after_codes.join(", ")),
    )];
    let mut statements = vec![
        users::bump_version(ctx.db, id, input.version)?,
        store::guard_previous_changed(ctx.db)?,
    ];
    statements.extend(users::replace_ticks(ctx.db, id, editor, &ids)?);
    statements.push(ctx.history(
        HistoryEvent::UserAccessChanged,
        Some(id),
        target.area_id,
        (
            Some(&target.user_code),
            &format!("Access to companies of {} changed", target.user_code),
        ),
        &changes,
    )?);
    store::commit(ctx.db, statements).await?;
    company_access(
        ctx,
        id,
        &ListParams {
            limit: crate::store::list::DEFAULT_LIMIT,
            ..ListParams::default()
        },
    )
    .await
}

/// What copying another user's security (B05) would give the target: the source's group and
/// their ticks among the companies the editor may see (only those their group's area admits:
/// the ticks that grant something). `None` for the ticks when the group has none (R13).
pub struct CopiedSecurity {
    pub target: UserRow,
    pub from: policy::Group,
    pub to: policy::Group,
    pub source_code: String,
    pub ticks: Option<Vec<CompanyRef>>,
    pub codes: Vec<String>,
}

pub async fn copied_security(ctx: &Ctx<'_>, id: i64, from_user: i64) -> ApiResult<CopiedSecurity> {
    let target = visible(ctx, id).await?;
    let source = users::get(ctx.db, user_scope(ctx.actor()), from_user)
        .await?
        .ok_or_else(|| {
            ApiError::invalid(
                "from_user_id",
                ProblemCode::UnknownUser,
                "There is no such user.",
            )
        })?;
    let from = target.group()?;
    let to = chosen_group(ctx, source.group_id).await.map_err(|_| {
        ApiError::invalid(
            "from_user_id",
            ProblemCode::UnknownGroup,
            "That user's group is not one you may give.",
        )
    })?;
    let (ticks, codes) = match to.access {
        policy::GroupAccess::User(boundary) => {
            let editor = company_scope(ctx.actor());
            let theirs = users::ticked_in_scope(ctx.db, source.id, editor).await?;
            let ids: Vec<i64> = theirs.iter().map(|(id, _)| *id).collect();
            let found = companies::references(ctx.db, &ids).await?;
            let mut refs = Vec::new();
            let mut codes = Vec::new();
            for (id, code, area) in found {
                let company = CompanyRef {
                    id: CompanyId(id),
                    area: area.map(AreaId),
                };
                if boundary.is_none_or(|area| company.area == Some(area)) {
                    refs.push(company);
                    codes.push(code);
                }
            }
            codes.sort();
            (Some(refs), codes)
        }
        _ => (None, Vec::new()),
    };
    Ok(CopiedSecurity {
        target,
        from,
        to,
        source_code: source.user_code,
        ticks,
        codes,
    })
}

/// B05 "Copy security from another user": the source's group and ticks in one Save (R32), each
/// part decided as its manual edit is (R15, R17 with its confirmation, R16, R14).
pub async fn copy_security(
    ctx: &Ctx<'_>,
    id: i64,
    input: precinct_core::api::CopySecurity,
) -> ApiResult<User> {
    let copied = copied_security(ctx, id, input.from_user_id.0).await?;
    let CopiedSecurity {
        target,
        from,
        to,
        source_code,
        ticks,
        codes,
    } = copied;
    let person = target.policy(BTreeSet::new());
    policy::edit_user(ctx.actor(), &person, &from)?;
    let mut statements = Vec::new();
    let mut version = input.version;
    if to.id != from.id {
        let others = users::other_active_administrators(ctx.db, Some(id)).await?;
        let notice = policy::move_user(ctx.actor(), &person, &from, &to, others)?;
        confirmed(notice, input.confirm_move_across_areas)?;
        statements.push(users::set_group(ctx.db, id, version, &to)?);
        statements.push(store::guard_previous_changed(ctx.db)?);
        statements.push(store::guard_active_administrator(ctx.db)?);
        statements.extend(move_entries(ctx, id, &target.user_code, &from, &to)?);
        version += 1;
    }
    if let Some(refs) = ticks {
        let moved = policy::User {
            group: to.id,
            ..person.clone()
        };
        policy::set_ticked_companies(ctx.actor(), &moved, &to, &refs)?;
        let editor = company_scope(ctx.actor());
        let before: Vec<String> = users::ticked_in_scope(ctx.db, id, editor)
            .await?
            .into_iter()
            .map(|(_, code)| code)
            .collect();
        if before != codes {
            let ids: Vec<i64> = refs.iter().map(|company| company.id.0).collect();
            statements.push(users::bump_version(ctx.db, id, version)?);
            statements.push(store::guard_previous_changed(ctx.db)?);
            statements.extend(users::replace_ticks(ctx.db, id, editor, &ids)?);
            statements.push(ctx.history(
                HistoryEvent::UserAccessChanged,
                Some(id),
                to.area().map(|area| area.0),
                (
                    Some(&target.user_code),
                    &format!(
                        "Access to companies of {} copied from {source_code}",
                        target.user_code
                    ),
                ),
                &[change(
                    "companies",
                    Some(before.join(", ")),
                    Some(codes.join(", ")),
                )],
            )?);
        }
    }
    if statements.is_empty() {
        // Already the same security: nothing to write (still the version the form holds).
        if target.version != input.version {
            return Err(
                store::constraint_error("CHECK constraint failed: version_conflict")
                    .unwrap_or_else(ApiError::not_found),
            );
        }
        return target.api();
    }
    committed(ctx, statements, users::WrittenUser::Id(id)).await
}
