//! Directories and their multidimensional mode (R08).

use precinct_core::api::{Directory, DirectoryInput, Page};
use precinct_core::history_text::HistoryEvent;
use precinct_core::policy;
use precinct_core::problem::ProblemCode;

use super::{change, diff, diff_text, opt_string, required_version, valid_code, valid_text, Ctx};
use crate::error::{all_fields2, ApiError, ApiResult};
use crate::store::{self, directories, list::ListParams};

pub async fn list(ctx: &Ctx<'_>, params: &ListParams) -> ApiResult<Page<Directory>> {
    let scope = policy::read_directories(ctx.actor())?;
    directories::list(ctx.db, scope, params).await
}

pub async fn get(ctx: &Ctx<'_>, id: i64) -> ApiResult<Directory> {
    let scope = policy::read_directories(ctx.actor())?;
    let row = directories::get(ctx.db, scope, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(row.into())
}

/// An area id from the request: it must be one of the account's areas.
pub async fn checked_area(ctx: &Ctx<'_>, area: Option<i64>) -> ApiResult<Option<i64>> {
    match area {
        Some(area) if !directories::area_exists(ctx.db, area).await? => Err(ApiError::invalid(
            "area_id",
            ProblemCode::UnknownArea,
            "There is no such area in this account.",
        )),
        other => Ok(other),
    }
}

/// One history entry for each company of `directory` that takes `area` with it (R08, R30),
/// written before the change so each entry is in the area the company had; `except` is a company
/// that writes its own entry.
pub fn companies_follow(
    ctx: &Ctx<'_>,
    directory: i64,
    area: Option<i64>,
    except: Option<i64>,
) -> ApiResult<worker::D1PreparedStatement> {
    let entry = store::CascadeEntry {
        event: HistoryEvent::CompanyAreaFollowedDirectory,

        ..ctx.cascade(HistoryEvent::CompanyAreaFollowedDirectory)
    };
    store::insert_history_per_row(
        ctx.db,
        &entry,
        directories::companies_following(directory, area, except),
    )
}

pub async fn create(ctx: &Ctx<'_>, input: DirectoryInput) -> ApiResult<Directory> {
    policy::create_directory(ctx.actor())?;
    if input.version.is_some() {
        return Err(ApiError::invalid(
            "version",
            ProblemCode::UnknownField,
            "A new directory has no `version`.",
        ));
    }
    let (code, name) = all_fields2(
        valid_code("code", &input.code),
        valid_text("name", &input.name, 120, true),
    )?;
    let area = checked_area(ctx, input.area_id.map(|area| area.0)).await?;
    let history_area = if input.multidimensional { area } else { None };
    let changes = [
        change("code", None, Some(code.clone())),
        change("name", None, Some(name.clone())),
        change(
            "multidimensional",
            None,
            Some(input.multidimensional.to_string()),
        ),
        change("area", None, opt_string(area)),
    ];
    let results = store::commit(
        ctx.db,
        vec![
            directories::insert(ctx.db, &code, &name, input.multidimensional, area)?,
            ctx.history(
                HistoryEvent::DirectoryCreated,
                None,
                history_area,
                (Some(&code), &format!("Directory {code} created")),
                &changes,
            )?,
        ],
    )
    .await?;
    get(ctx, store::returned_id(&results, 0)?).await
}

pub async fn update(ctx: &Ctx<'_>, id: i64, input: DirectoryInput) -> ApiResult<Directory> {
    policy::edit_directory(ctx.actor())?;
    let version = required_version(input.version)?;
    let scope = policy::read_directories(ctx.actor())?;
    let before = directories::get(ctx.db, scope, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let (code, name) = all_fields2(
        valid_code("code", &input.code),
        valid_text("name", &input.name, 120, true),
    )?;
    let area = checked_area(ctx, input.area_id.map(|area| area.0)).await?;
    let mut changes = Vec::new();
    diff_text(&mut changes, "code", &before.code, &code);
    diff_text(&mut changes, "name", &before.name, &name);
    diff(
        &mut changes,
        "multidimensional",
        Some((before.multidimensional == 1).to_string()),
        Some(input.multidimensional.to_string()),
    );
    diff(
        &mut changes,
        "area",
        opt_string(before.area_id),
        opt_string(area),
    );
    let mut statements = vec![
        directories::update(
            ctx.db,
            id,
            version,
            &code,
            &name,
            input.multidimensional,
            area,
        )?,
        store::guard_previous_changed(ctx.db)?,
    ];
    if input.multidimensional {
        // R08: the directory carries the area; its companies follow in the same batch, each
        // with its own entry in the area it had (R30).
        statements.push(companies_follow(ctx, id, area, None)?);
        statements.push(directories::align_companies(ctx.db, id, area)?);
        statements.push(store::guard_directory_area(ctx.db, id)?);
    }
    let history_area = if before.multidimensional == 1 {
        before.area_id
    } else {
        None
    };
    statements.push(ctx.history(
        HistoryEvent::DirectoryUpdated,
        Some(id),
        history_area,
        (Some(&code), &format!("Directory {code} updated")),
        &changes,
    )?);
    store::commit(ctx.db, statements).await?;
    get(ctx, id).await
}
