//! User Groups Management (R09–R12, R16).

use precinct_core::api::{Group as ApiGroup, GroupInput, OptionEntry, Page};
use precinct_core::history_text::HistoryEvent;
use precinct_core::policy::{self, group_scope, OptionCode, OptionSet};
use precinct_core::problem::ProblemCode;

use super::directories::checked_area;
use super::{change, diff, diff_text, opt_string, required_version, valid_code, valid_text, Ctx};
use crate::error::{all_fields2, ApiError, ApiResult};
use crate::principal::format_options;
use crate::store::groups::{self, GroupRow};
use crate::store::{self, list::ListParams, users};

pub async fn list(ctx: &Ctx<'_>, params: &ListParams) -> ApiResult<Page<ApiGroup>> {
    groups::list(ctx.db, group_scope(ctx.actor()), params).await
}

/// A group the actor may see, or 404.
pub async fn visible(ctx: &Ctx<'_>, id: i64) -> ApiResult<GroupRow> {
    groups::get(ctx.db, group_scope(ctx.actor()), id)
        .await?
        .ok_or_else(ApiError::not_found)
}

pub async fn get(ctx: &Ctx<'_>, id: i64) -> ApiResult<ApiGroup> {
    visible(ctx, id).await?.api()
}

/// The catalog, with what the actor may give (R09: only options it holds itself).
pub fn options(ctx: &Ctx<'_>) -> Vec<OptionEntry> {
    OptionCode::ALL
        .iter()
        .map(|&code| OptionEntry {
            code,
            grantable: ctx.actor().holds(code),
        })
        .collect()
}

fn option_set(options: &[OptionCode]) -> OptionSet {
    options.iter().copied().collect()
}

pub async fn create(ctx: &Ctx<'_>, input: GroupInput) -> ApiResult<ApiGroup> {
    if input.version.is_some() {
        return Err(ApiError::invalid(
            "version",
            ProblemCode::UnknownField,
            "A new user group has no `version`.",
        ));
    }
    // The policy answers before the area's existence is looked up, so a local administrator
    // cannot tell another area's id from a missing one.
    let options = option_set(&input.options);
    let access = policy::create_group(ctx.actor(), input.access_level, input.area_id, options)?;
    checked_area(ctx, access.area().map(|area| area.0)).await?;
    let (code, description) = all_fields2(
        valid_code("code", &input.code),
        valid_text("description", &input.description, 200, false),
    )?;
    let area = access.area().map(|area| area.0);
    let changes = [
        change("code", None, Some(code.clone())),
        change("description", None, Some(description.clone())),
        change(
            "access_level",
            None,
            Some(input.access_level.as_str().to_string()),
        ),
        change("area", None, opt_string(area)),
        change("options", None, Some(format_options(options))),
    ];
    let results = store::commit(
        ctx.db,
        vec![
            groups::insert(ctx.db, &code, &description, access, options)?,
            ctx.history(
                HistoryEvent::GroupCreated,
                None,
                area,
                (Some(&code), &format!("User group {code} created")),
                &changes,
            )?,
        ],
    )
    .await?;
    get(ctx, store::returned_id(&results, 0)?).await
}

pub async fn update(ctx: &Ctx<'_>, id: i64, input: GroupInput) -> ApiResult<ApiGroup> {
    let version = required_version(input.version)?;
    let before = visible(ctx, id).await?;
    let group = before.policy()?;
    policy::edit_group(ctx.actor(), &group)?;
    let (code, description) = all_fields2(
        valid_code("code", &input.code),
        valid_text("description", &input.description, 200, false),
    )?;
    let requested_area = input.area_id;

    let others = if input.access_level != group.level() || requested_area != group.area() {
        users::other_active_administrators_outside_group(ctx.db, id).await?
    } else {
        0
    };
    // One decision for the whole Save: level, area and options together (R31, R32).
    let (access, options) = policy::update_group(
        ctx.actor(),
        &group,
        input.access_level,
        requested_area,
        option_set(&input.options),
        others,
    )?;
    if access.area() != group.area() {
        checked_area(ctx, access.area().map(|area| area.0)).await?;
    }

    let mut changes = Vec::new();
    diff_text(&mut changes, "code", &before.code, &code);
    diff_text(
        &mut changes,
        "description",
        &before.description,
        &description,
    );
    diff(
        &mut changes,
        "access_level",
        Some(group.level().as_str().to_string()),
        Some(access.level().as_str().to_string()),
    );
    diff(
        &mut changes,
        "area",
        opt_string(before.area_id),
        opt_string(access.area().map(|area| area.0)),
    );
    diff(
        &mut changes,
        "options",
        Some(format_options(group.effective_options())),
        Some(format_options(options)),
    );

    // Members whose area or level changes with the group get their own entries, in the area
    // they had, before they change (R21, R30).
    let members = store::CascadeEntry {
        event: HistoryEvent::UserAreaFollowedGroup,

        ..ctx.cascade(HistoryEvent::UserAreaFollowedGroup)
    };
    let statements = vec![
        groups::update(ctx.db, id, version, &code, &description, access, options)?,
        store::guard_previous_changed(ctx.db)?,
        store::insert_history_per_row(
            ctx.db,
            &members,
            groups::members_following(id, &code, access),
        )?,
        groups::sync_members(ctx.db, id, access)?,
        // R16 holds whatever ran concurrently: the batch fails if no active administrator is left.
        store::guard_active_administrator(ctx.db)?,
        ctx.history(
            HistoryEvent::GroupUpdated,
            Some(id),
            before.area_id,
            (Some(&code), &format!("User group {code} updated")),
            &changes,
        )?,
    ];
    store::commit(ctx.db, statements).await?;
    get(ctx, id).await
}

pub async fn delete(ctx: &Ctx<'_>, id: i64, version: i64) -> ApiResult<()> {
    let before = visible(ctx, id).await?;
    let members = u32::try_from(before.members).unwrap_or(u32::MAX);
    policy::delete_group(ctx.actor(), &before.policy()?, members)?;
    let changes = [
        change("code", Some(before.code.clone()), None),
        change("access_level", Some(before.access_level.clone()), None),
    ];
    // A member added since the count makes the foreign key refuse the delete in the batch.
    store::commit(
        ctx.db,
        vec![
            groups::delete(ctx.db, id, version)?,
            store::guard_previous_changed(ctx.db)?,
            ctx.history(
                HistoryEvent::GroupDeleted,
                Some(id),
                before.area_id,
                (
                    Some(&before.code),
                    &format!("User group {} deleted", before.code),
                ),
                &changes,
            )?,
        ],
    )
    .await?;
    Ok(())
}
