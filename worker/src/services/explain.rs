//! B01 Explain access: may this person see, change, pick this record — and why — and, for a
//! company, who can see it, grouped by why. Both read the person and the record through the
//! asker's own scopes, so an asker learns nothing about what they may not see (404, as missing).

use std::collections::{BTreeMap, BTreeSet};

use precinct_core::api::{AccessExplanation, AreaName, CompanySeers, RecordKind, SeerGroup};
use precinct_core::ids::ReportId;
use precinct_core::ids::{AreaId, CompanyId};
use precinct_core::policy::{self, company_seers, explain, Record, Report, SeerReason};

use super::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::store::list::ListParams;
use crate::store::{history, reports, users};
use precinct_core::problem::ProblemCode;

/// The question: a person, and a record of a kind.
pub struct Question {
    pub user_id: i64,
    pub kind: RecordKind,
    pub id: i64,
}

fn label(code: &str, name: &str) -> String {
    format!("{code} — {name}")
}

pub async fn explain_access(ctx: &Ctx<'_>, question: &Question) -> ApiResult<AccessExplanation> {
    policy::explain_access(ctx.actor())?;
    let person = super::users::visible(ctx, question.user_id).await?;
    let person_group = person.group()?;
    let mut areas: BTreeMap<i64, String> = BTreeMap::new();
    if let (Some(id), Some(code)) = (person.area_id, &person.area_code) {
        areas.insert(id, code.clone());
    }
    let mut note_area = |id: Option<i64>, code: &Option<String>| {
        if let (Some(id), Some(code)) = (id, code) {
            areas.insert(id, code.clone());
        }
    };
    let no_ticks = BTreeSet::new;
    let (record_label, explained) = match question.kind {
        RecordKind::Company => {
            let company = super::companies::visible(ctx, question.id).await?;
            note_area(company.area_id, &company.area_code);
            let ticked = if users::has_ticked(ctx.db, person.id, company.id).await? {
                BTreeSet::from([CompanyId(company.id)])
            } else {
                no_ticks()
            };
            let explained = explain(
                &person.policy(ticked),
                &person_group,
                Record::Company(company.reference()),
            );
            (label(&company.code, &company.name), explained)
        }
        RecordKind::User => {
            let user = super::users::visible(ctx, question.id).await?;
            note_area(user.area_id, &user.area_code);
            let group = user.group()?;
            let target = user.policy(no_ticks());
            let explained = explain(
                &person.policy(no_ticks()),
                &person_group,
                Record::User {
                    user: &target,
                    group: &group,
                },
            );
            (label(&user.user_code, &user.name), explained)
        }
        RecordKind::Group => {
            let group = super::groups::visible(ctx, question.id).await?;
            note_area(group.area_id, &group.area_code);
            let target = group.policy()?;
            let explained = explain(
                &person.policy(no_ticks()),
                &person_group,
                Record::Group(&target),
            );
            (label(&group.code, &group.description), explained)
        }
        RecordKind::Report => {
            // The asker reads the report only through their own Reports option and scope.
            let scope = policy::read_reports(ctx.actor()).map_err(|_| ApiError::not_found())?;
            let report = reports::get(ctx.db, scope, question.id)
                .await?
                .ok_or_else(ApiError::not_found)?;
            note_area(report.area_id, &report.area_code);
            let target = Report {
                id: ReportId(report.id),
                area: report.area_id.map(AreaId),
            };
            let explained = explain(
                &person.policy(no_ticks()),
                &person_group,
                Record::Report(&target),
            );
            (label(&report.code, &report.title), explained)
        }
        RecordKind::History => {
            // The asker reads the entry only through their own History scope.
            let scope = policy::read_history(ctx.actor()).map_err(|_| ApiError::not_found())?;
            let entry = history::get(ctx.db, scope, question.id)
                .await?
                .ok_or_else(ApiError::not_found)?;
            note_area(entry.area_id, &entry.area_code);
            let explained = explain(
                &person.policy(no_ticks()),
                &person_group,
                Record::HistoryEntry {
                    area: entry.area_id.map(AreaId),
                },
            );
            (format!("#{} — {}", entry.id, entry.summary), explained)
        }
    };
    Ok(AccessExplanation {
        person_group_code: person.group_code.clone(),
        person_level: person_group.level(),
        person_area_id: person.area_id.map(AreaId),
        person_active: person.active == 1,
        person: person.reference(),
        kind: question.kind,
        record_id: question.id,
        record_label,
        see: explained.see,
        change: explained.change,
        pick: explained.pick,
        areas: areas
            .into_iter()
            .map(|(id, code)| AreaName {
                id: AreaId(id),
                code,
            })
            .collect(),
    })
}

/// Who can see a company, grouped by why (B01), among the people the asker may see: every
/// reason with its first page, or one reason's next page (`reason` and `cursor`).
pub async fn company_seers_of(
    ctx: &Ctx<'_>,
    company_id: i64,
    only: Option<SeerReason>,
    params: &ListParams,
) -> ApiResult<CompanySeers> {
    policy::explain_access(ctx.actor())?;
    if only.is_none() && params.after.is_some() {
        // A cursor is one reason's page.
        return Err(ApiError::invalid(
            "cursor",
            ProblemCode::InvalidCursor,
            "A `cursor` continues one reason's list: give its `reason` too.",
        ));
    }
    let company = super::companies::visible(ctx, company_id).await?;
    let reference = company.reference();
    let mut groups = Vec::new();
    for reason in SeerReason::ALL {
        if only.is_some_and(|only| only != reason) {
            continue;
        }
        let filter = users::UserFilter {
            seers: Some(company_seers(reference, reason)),
            ..users::UserFilter::default()
        };
        let page = users::list(ctx.db, policy::user_scope(ctx.actor()), &filter, params).await?;
        groups.push(SeerGroup {
            reason,
            total: page.total,
            next_cursor: page.next_cursor,
            items: page.items.into_iter().map(|row| row.reference()).collect(),
        });
    }
    Ok(CompanySeers {
        area_code: company.area_code.clone(),
        company: company.short(),
        groups,
    })
}
