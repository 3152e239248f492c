//! Area Management (R06): regular administrators only.

use precinct_core::api::{Area, AreaInput, Page};
use precinct_core::history_text::HistoryEvent;
use precinct_core::policy;
use precinct_core::problem::ProblemCode;

use super::{change, diff_text, required_version, valid_code, valid_text, Ctx};
use crate::error::{all_fields2, ApiError, ApiResult};
use crate::store::{self, areas, list::ListParams};

pub async fn list(ctx: &Ctx<'_>, params: &ListParams) -> ApiResult<Page<Area>> {
    policy::read_areas(ctx.actor())?;
    areas::list(ctx.db, params).await
}

pub async fn get(ctx: &Ctx<'_>, id: i64) -> ApiResult<Area> {
    policy::read_areas(ctx.actor())?;
    let row = areas::get(ctx.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(row.into())
}

pub async fn create(ctx: &Ctx<'_>, input: AreaInput) -> ApiResult<Area> {
    policy::create_area(ctx.actor())?;
    if input.version.is_some() {
        return Err(ApiError::invalid(
            "version",
            ProblemCode::UnknownField,
            "A new area has no `version`.",
        ));
    }
    let (code, description) = all_fields2(
        valid_code("code", &input.code),
        valid_text("description", &input.description, 200, false),
    )?;
    let changes = [
        change("code", None, Some(code.clone())),
        change("description", None, Some(description.clone())),
    ];
    let results = store::commit(
        ctx.db,
        vec![
            areas::insert(ctx.db, &code, &description)?,
            ctx.history(
                HistoryEvent::AreaCreated,
                None,
                None,
                (Some(&code), &format!("Area {code} created")),
                &changes,
            )?,
        ],
    )
    .await?;
    get(ctx, store::returned_id(&results, 0)?).await
}

pub async fn update(ctx: &Ctx<'_>, id: i64, input: AreaInput) -> ApiResult<Area> {
    policy::rename_area(ctx.actor())?;
    let version = required_version(input.version)?;
    let before = areas::get(ctx.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let (code, description) = all_fields2(
        valid_code("code", &input.code),
        valid_text("description", &input.description, 200, false),
    )?;
    let mut changes = Vec::new();
    diff_text(&mut changes, "code", &before.code, &code);
    diff_text(
        &mut changes,
        "description",
        &before.description,
        &description,
    );
    store::commit(
        ctx.db,
        vec![
            areas::update(ctx.db, id, version, &code, &description)?,
            store::guard_previous_changed(ctx.db)?,
            ctx.history(
                HistoryEvent::AreaUpdated,
                Some(id),
                None,
                (Some(&code), &format!("Area {code} updated")),
                &changes,
            )?,
        ],
    )
    .await?;
    get(ctx, id).await
}

pub async fn delete(ctx: &Ctx<'_>, id: i64, version: i64) -> ApiResult<()> {
    policy::read_areas(ctx.actor())?;
    let before = areas::get(ctx.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let usage = areas::usage(ctx.db, id).await?;
    policy::delete_area(ctx.actor(), &usage)?;
    let changes = [
        change("code", Some(before.code.clone()), None),
        change("description", Some(before.description.clone()), None),
    ];
    // The foreign keys refuse the delete inside the batch if something started using the area
    // since the usage count above.
    store::commit(
        ctx.db,
        vec![
            areas::delete(ctx.db, id, version)?,
            store::guard_previous_changed(ctx.db)?,
            ctx.history(
                HistoryEvent::AreaDeleted,
                Some(id),
                None,
                (Some(&before.code), &format!("Area {} deleted", before.code)),
                &changes,
            )?,
        ],
    )
    .await?;
    Ok(())
}
