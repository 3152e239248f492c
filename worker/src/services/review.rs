//! B03 access review per area: who is there, when they last signed in, and what a reviewer
//! looks for (dormant people, people reaching no company, old invitations, groups holding
//! options their level cannot use); exported as CSV; "reviewed" recorded in history (R30).

use precinct_core::api::{
    AccessReview, ReviewArea, ReviewGroup, ReviewList, ReviewMark, ReviewPerson,
};
use precinct_core::history_text::HistoryEvent;
use precinct_core::ids::{AreaId, GroupId, UserId};
use precinct_core::policy::{self, group_scope, person_scope, user_scope, GroupAccess};
use precinct_core::problem::ProblemCode;

use super::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::principal::{parse_level, policy_group};
use crate::store::{self, review};

/// A review's address names its area: `none` (the people of no area) or the area's id.
pub fn area_of_key(key: &str) -> ApiResult<Option<i64>> {
    if key == "none" {
        return Ok(None);
    }
    key.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .map(Some)
        .ok_or_else(ApiError::not_found)
}

fn key_of(area: Option<i64>) -> String {
    area.map_or_else(|| "none".to_string(), |id| id.to_string())
}

/// The area, if the reviewer may review it and it exists: its code (`None` for no area).
async fn reviewed_area(ctx: &Ctx<'_>, area: Option<i64>) -> ApiResult<Option<String>> {
    policy::review_area(ctx.actor(), area.map(AreaId))?;
    match area {
        None => Ok(None),
        Some(id) => review::areas(ctx.db, Some(id))
            .await?
            .into_iter()
            .next()
            .map(|row| Some(row.code))
            .ok_or_else(ApiError::not_found),
    }
}

fn mark(row: Option<review::MarkRow>) -> Option<ReviewMark> {
    row.map(|row| ReviewMark {
        at: row.at,
        by: row.by,
    })
}

/// The areas the actor reviews, each with its last review: every area and "no area" for a
/// regular administrator, their own for a local administrator.
pub async fn areas(ctx: &Ctx<'_>) -> ApiResult<Vec<ReviewArea>> {
    let actor = ctx.actor();
    let own = match actor.access() {
        GroupAccess::Administrator => None,
        GroupAccess::LocalAdministrator(area) => Some(area),
        GroupAccess::User(_) => {
            policy::review_area(actor, None)?;
            return Ok(Vec::new());
        }
    };
    policy::review_area(actor, own)?;
    let mut keys: Vec<(Option<i64>, Option<String>)> = Vec::new();
    if own.is_none() {
        keys.push((None, None));
    }
    for row in review::areas(ctx.db, own.map(|area| area.0)).await? {
        keys.push((Some(row.id), Some(row.code)));
    }
    // Every area's last mark in one query (an account may have many areas).
    let marks = review::last_marks(ctx.db, person_scope(actor), own.map(|area| area.0)).await?;
    let mut answer = Vec::with_capacity(keys.len());
    for (area, code) in keys {
        let entity = area.unwrap_or(review::NO_AREA);
        answer.push(ReviewArea {
            key: key_of(area),
            area_code: code,
            last_review: mark(marks.iter().find(|row| row.area == entity).map(|row| {
                review::MarkRow {
                    at: row.at,
                    by: row.by.clone(),
                }
            })),
        });
    }
    Ok(answer)
}

fn person(row: review::PersonRow) -> ApiResult<ReviewPerson> {
    Ok(ReviewPerson {
        id: UserId(row.id),
        user_code: row.user_code,
        name: row.name,
        group_code: row.group_code,
        access_level: parse_level(&row.access_level)?,
        active: row.active == 1,
        last_sign_in_at: row.last_sign_in_at,
        invited_at: row.invited_at,
        companies: row.companies,
    })
}

fn list((total, rows): (i64, Vec<review::PersonRow>)) -> ApiResult<ReviewList> {
    Ok(ReviewList {
        total,
        items: rows.into_iter().map(person).collect::<ApiResult<_>>()?,
    })
}

/// How many days without a sign-in make a person dormant: 90 unless asked (1 to 3,650).
pub fn dormant_days(asked: Option<i64>) -> ApiResult<i64> {
    match asked {
        None => Ok(90),
        Some(days) if (1..=3_650).contains(&days) => Ok(days),
        Some(_) => Err(ApiError::invalid(
            "dormant_days",
            ProblemCode::OutOfRange,
            "`dormant_days` is a number of days from 1 to 3650.",
        )),
    }
}

pub async fn review(ctx: &Ctx<'_>, key: &str, dormant_days: i64) -> ApiResult<AccessReview> {
    let area = area_of_key(key)?;
    let area_code = reviewed_area(ctx, area).await?;
    let actor = ctx.actor();
    let day = 24 * 3600 * 1000;
    let found = review::find(
        ctx.db,
        user_scope(actor),
        area,
        &[
            (review::Finding::Everyone, review::PEOPLE_LISTED),
            (
                review::Finding::Dormant {
                    cutoff: ctx.now - dormant_days * day,
                },
                review::LISTED,
            ),
            (review::Finding::NoCompany, review::LISTED),
            (
                review::Finding::OldInvitation {
                    cutoff: ctx.now - review::OLD_INVITATION_MS,
                },
                review::LISTED,
            ),
        ],
    )
    .await?;
    let mut findings = found.findings.into_iter();
    let mut next = || list(findings.next().unwrap_or_default());
    let (people, dormant, no_company, old_invitations) = (next()?, next()?, next()?, next()?);
    let mut excess_groups = Vec::new();
    for row in review::groups(ctx.db, group_scope(actor), area).await? {
        let group = policy_group(
            row.id,
            &row.code,
            &row.access_level,
            row.area_id,
            &row.options,
        )?;
        // Options stored but inert at the group's level (R31: alive if the level rises).
        let inert = group
            .options
            .difference(group.options.meaningful_at(group.level()));
        if group.access != GroupAccess::Administrator && !inert.is_empty() {
            excess_groups.push(ReviewGroup {
                id: GroupId(row.id),
                code: row.code,
                access_level: group.level(),
                inert_options: inert.iter().collect(),
            });
        }
    }
    let counts = found.counts;
    Ok(AccessReview {
        area_id: area.map(AreaId),
        area_code,
        dormant_days,
        administrators: counts.administrators.unwrap_or(0),
        local_administrators: counts.local_administrators.unwrap_or(0),
        users: counts.users.unwrap_or(0),
        active: counts.active.unwrap_or(0),
        disabled: counts.disabled.unwrap_or(0),
        people,
        dormant,
        no_company,
        old_invitations,
        excess_groups,
        last_review: mark(review::last_mark(ctx.db, person_scope(actor), area).await?),
    })
}

/// The review's CSV: every person of the area, read by pages, with what the review says of
/// each. UTF-8 with a BOM (spreadsheet programs then read accents right); `;` between fields
/// for French spreadsheets when asked.
pub async fn export(
    ctx: &Ctx<'_>,
    key: &str,
    dormant_days: i64,
    semicolons: bool,
) -> ApiResult<Vec<u8>> {
    let area = area_of_key(key)?;
    let area_code = reviewed_area(ctx, area).await?;
    let actor = ctx.actor();
    let day = 24 * 3600 * 1000;
    let dormant_cutoff = ctx.now - dormant_days * day;
    let invitation_cutoff = ctx.now - review::OLD_INVITATION_MS;
    let mut out = csv::WriterBuilder::new()
        .delimiter(if semicolons { b';' } else { b',' })
        .from_writer("\u{FEFF}".as_bytes().to_vec());
    let failed = |error: csv::Error| ApiError::internal(error);
    out.write_record([
        "area",
        "user_code",
        "name",
        "group",
        "access_level",
        "status",
        "last_sign_in_utc",
        "dormant",
        "companies",
        "no_company",
        "invitation_pending_since_utc",
        "old_invitation",
    ])
    .map_err(failed)?;
    let area_text = spreadsheet_safe(&area_code.unwrap_or_default());
    let yes_no = |yes: bool| if yes { "yes" } else { "no" };
    let mut after = 0;
    loop {
        let rows = review::people_page(ctx.db, user_scope(actor), area, after, 500).await?;
        let Some(last) = rows.last() else {
            break;
        };
        after = last.id;
        for row in rows {
            let active = row.active == 1;
            let pending = row.invited_at;
            let dormant = active && pending.is_none() && row.seen_at < dormant_cutoff;
            let no_company = active && row.companies == Some(0);
            out.write_record([
                area_text.as_str(),
                &spreadsheet_safe(&row.user_code),
                &spreadsheet_safe(&row.name),
                &spreadsheet_safe(&row.group_code),
                &row.access_level,
                if active { "active" } else { "disabled" },
                &row.last_sign_in_at
                    .map(precinct_core::time::utc_minute)
                    .unwrap_or_default(),
                yes_no(dormant),
                &row.companies.map(|n| n.to_string()).unwrap_or_default(),
                yes_no(no_company),
                &pending
                    .map(precinct_core::time::utc_minute)
                    .unwrap_or_default(),
                yes_no(pending.is_some_and(|at| at < invitation_cutoff)),
            ])
            .map_err(failed)?;
        }
    }
    out.into_inner()
        .map_err(|error| ApiError::internal(error.into_error()))
}

/// A cell a spreadsheet program will not read as a formula: text starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a leading `'` (OWASP's CSV injection advice).
pub fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// "Mark reviewed": a history entry of the area (R30), which the review then shows as its last.
pub async fn mark_reviewed(ctx: &Ctx<'_>, key: &str) -> ApiResult<ReviewMark> {
    let area = area_of_key(key)?;
    let area_code = reviewed_area(ctx, area).await?;
    let subject = area_code.as_deref().unwrap_or("(no area)");
    let summary = format!("Access review of area {subject} marked done");
    store::commit(
        ctx.db,
        vec![ctx.history(
            HistoryEvent::AreaReviewed,
            // The people of no area are reviewed as "area 0" (no entity would mean the row the
            // batch just inserted).
            Some(area.unwrap_or(review::NO_AREA)),
            area,
            (Some(subject), &summary),
            &[],
        )?],
    )
    .await?;
    Ok(ReviewMark {
        at: ctx.now,
        by: Some(ctx.who.history_actor().1.to_string()),
    })
}
