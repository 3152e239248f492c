//! B02 What-if: before a change that moves access is saved, what it would do — who gains or
//! loses access to which companies, and which level and options — counted within the asker's
//! own scopes. The change's own service runs first with its writes rehearsed (every check of a
//! real Save, nothing written: `AccountDb::rehearse`); then the policy's reach before and after
//! ([`CompanyReach`]) becomes SQL that D1 counts.

use precinct_core::api::{
    CompanyInput, CopySecurity, DirectoryInput, GroupInput, SetCompanyAccess, UserUpdate, WhatIf,
};
use precinct_core::policy::{
    self, company_scope, user_scope, CompanyReach, GroupAccess, OptionSet, Rights,
};

use super::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::store::what_if::{Change, Side, Ticks};

/// The asker's scopes: a what-if counts only whom and what they may see.
fn scopes(ctx: &Ctx<'_>) -> (policy::UserScope, policy::CompanyScope) {
    (user_scope(ctx.actor()), company_scope(ctx.actor()))
}

/// Runs the change's own service with its writes rehearsed: its refusal is the what-if's, and
/// reaching the commit means a real Save would be stored.
async fn rehearse<T>(
    ctx: &Ctx<'_>,
    save: impl std::future::Future<Output = ApiResult<T>>,
) -> ApiResult<()> {
    ctx.db.rehearse();
    match save.await {
        Err(ApiError::Rehearsed) => Ok(()),
        Err(error) => Err(error),
        // A Save that wrote nothing (nothing changed): nothing moves either.
        Ok(_) => Ok(()),
    }
}

fn area_literal(area: Option<i64>) -> String {
    area.map_or_else(|| "NULL".to_string(), |area| area.to_string())
}

/// A group's Save: its level, area and options.
pub async fn group(ctx: &Ctx<'_>, id: i64, input: GroupInput) -> ApiResult<WhatIf> {
    let row = super::groups::visible(ctx, id).await?;
    let group = row.policy()?;
    let options = input.options.iter().copied().collect::<OptionSet>();
    let (level, area) = (input.access_level, input.area_id);
    rehearse(ctx, super::groups::update(ctx, id, input)).await?;
    // The checks passed; the proposed state is the same decision's answer (the count of other
    // administrators only ever refuses, and it did not).
    let (access, options) =
        policy::update_group(ctx.actor(), &group, level, area, options, u32::MAX)?;
    let members = format!("u.group_id = {id} AND u.active = 1");
    let change = Change {
        people: members.clone(),
        people_unindexed: format!("+u.group_id = {id} AND u.active = 1"),
        companies: "1".to_string(),
        before: Side::fixed(CompanyReach::of(group.access, true)),
        after: Side::fixed(CompanyReach::of(access, true)),
    };
    crate::store::what_if::weigh(
        ctx.db,
        scopes(ctx),
        &change,
        Some((
            Rights::of_group(&group),
            Rights::of_group_parts(access, options),
            &members,
        )),
    )
    .await
}

/// A user's Save with another group (R17's confirmation asked as for the real Save).
pub async fn user(ctx: &Ctx<'_>, id: i64, input: UserUpdate) -> ApiResult<WhatIf> {
    let row = super::users::visible(ctx, id).await?;
    let from = row.group()?;
    let to_id = input
        .group_id
        .map(|group| group.0)
        .filter(|to| *to != row.group_id);
    rehearse(ctx, super::users::update(ctx, id, input)).await?;
    let Some(to_id) = to_id else {
        return Ok(WhatIf::default());
    };
    let to = super::groups::visible(ctx, to_id).await?.policy()?;
    let person = format!("u.id = {id} AND u.active = 1");
    let change = Change {
        people: person.clone(),
        people_unindexed: format!("+u.id = {id} AND u.active = 1"),
        companies: "1".to_string(),
        before: Side::fixed(CompanyReach::of(from.access, true)),
        after: Side::fixed(CompanyReach::of(to.access, true)),
    };
    crate::store::what_if::weigh(
        ctx.db,
        scopes(ctx),
        &change,
        Some((Rights::of_group(&from), Rights::of_group(&to), &person)),
    )
    .await
}

/// A user's ticks (R14).
pub async fn ticks(ctx: &Ctx<'_>, id: i64, input: SetCompanyAccess) -> ApiResult<WhatIf> {
    let proposed: Vec<i64> = input.company_ids.iter().map(|company| company.0).collect();
    rehearse(ctx, super::users::set_company_access(ctx, id, input)).await?;
    let row = super::users::visible(ctx, id).await?;
    let reach = CompanyReach::of(row.group()?.access, true);
    let change = Change {
        people: format!("u.id = {id} AND u.active = 1"),
        people_unindexed: format!("+u.id = {id} AND u.active = 1"),
        companies: "1".to_string(),
        before: Side::fixed(reach),
        after: Side {
            ticks: Ticks::Proposed(proposed),
            ..Side::fixed(reach)
        },
    };
    crate::store::what_if::weigh(ctx.db, scopes(ctx), &change, None).await
}

/// People whose reach of the companies matching `companies` may depend on those companies'
/// area: local administrators and those who ticked one of them (regular administrators reach
/// everything whatever the area).
fn area_dependent(account: i64, companies_of: &str) -> String {
    // Through indexes (users_by_level, user_companies_by_company), not an OR over the account.
    format!(
        "u.id IN (SELECT id FROM users WHERE account_id = {account} AND access_level = \
         'local_administrator' UNION SELECT uc.user_id FROM user_companies uc JOIN companies c2 \
         ON c2.id = uc.company_id WHERE {companies_of})"
    )
}

/// A company's Save: its area (R08: in a multidimensional directory, the whole directory's).
pub async fn company(ctx: &Ctx<'_>, id: i64, input: CompanyInput) -> ApiResult<WhatIf> {
    let row = super::companies::visible(ctx, id).await?;
    let requested = input.area_id.map(|area| area.0);
    rehearse(ctx, super::companies::update(ctx, id, input)).await?;
    // Only a regular administrator changes a company's area (R11): the rehearsal refused any
    // other asker who asked for another one.
    let area = if ctx.actor().access() == GroupAccess::Administrator {
        requested
    } else {
        row.area_id
    };
    if area == row.area_id {
        return Ok(WhatIf::default());
    }
    let (companies, companies_of) = if row.multidimensional == 1 {
        (
            format!("c.directory_id = {}", row.directory_id),
            format!("c2.directory_id = {}", row.directory_id),
        )
    } else {
        (format!("c.id = {id}"), format!("c2.id = {id}"))
    };
    let change = Change {
        people: area_dependent(ctx.db.account(), &companies_of),
        // Whoever the company's ticks or the local administrators' index find is one of them.
        people_unindexed: "1".to_string(),
        companies,
        before: Side::stored(),
        after: Side {
            company_area: area_literal(area),
            ..Side::stored()
        },
    };
    crate::store::what_if::weigh(ctx.db, scopes(ctx), &change, None).await
}

/// A directory's Save: its multidimensional mode and area (R08).
pub async fn directory(ctx: &Ctx<'_>, id: i64, input: DirectoryInput) -> ApiResult<WhatIf> {
    policy::edit_directory(ctx.actor())?;
    let (multidimensional, area) = (input.multidimensional, input.area_id.map(|area| area.0));
    rehearse(ctx, super::directories::update(ctx, id, input)).await?;
    if !multidimensional {
        // Leaving the mode (or staying out of it), each company keeps the area it has.
        return Ok(WhatIf::default());
    }
    let change = Change {
        people: area_dependent(ctx.db.account(), &format!("c2.directory_id = {id}")),
        people_unindexed: "1".to_string(),
        companies: format!("c.directory_id = {id}"),
        before: Side::stored(),
        after: Side {
            company_area: area_literal(area),
            ..Side::stored()
        },
    };
    crate::store::what_if::weigh(ctx.db, scopes(ctx), &change, None).await
}

/// B05: copying another user's group and ticks (a move and the ticks, one Save).
pub async fn copy(ctx: &Ctx<'_>, id: i64, input: CopySecurity) -> ApiResult<WhatIf> {
    let copied = super::users::copied_security(ctx, id, input.from_user_id.0).await?;
    rehearse(ctx, super::users::copy_security(ctx, id, input)).await?;
    let person = format!("u.id = {id} AND u.active = 1");
    let ticks = match &copied.ticks {
        Some(refs) => Ticks::Proposed(refs.iter().map(|company| company.id.0).collect()),
        None => Ticks::Stored,
    };
    let change = Change {
        people: person.clone(),
        people_unindexed: format!("+u.id = {id} AND u.active = 1"),
        companies: "1".to_string(),
        before: Side::fixed(CompanyReach::of(copied.from.access, true)),
        after: Side {
            ticks,
            ..Side::fixed(CompanyReach::of(copied.to.access, true))
        },
    };
    let moving = copied.to.id != copied.from.id;
    crate::store::what_if::weigh(
        ctx.db,
        scopes(ctx),
        &change,
        moving.then_some((
            Rights::of_group(&copied.from),
            Rights::of_group(&copied.to),
            person.as_str(),
        )),
    )
    .await
}
