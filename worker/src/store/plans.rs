//! The SQLite plan of every list query, for the index test and the benchmark: each list runs
//! once with each kind of scope, recording `EXPLAIN QUERY PLAN` of the queries it issues.

use std::cell::RefCell;
use std::rc::Rc;

use precinct_core::ids::{AreaId, UserId};
use precinct_core::policy::{
    CompanyScope, DirectoryScope, GroupScope, HistoryScope, PersonScope, ReportScope,
    UserInChargeScope, UserScope,
};

use super::companies::CompanyFilter;
use super::history::HistoryFilter;
use super::list::{Cursor, KeyPart, ListParams, Order, PlanSink, QueryPlan};
use super::users::UserFilter;
use super::{areas, companies, directories, groups, history, users, AccountDb};
use crate::error::ApiResult;

pub async fn every_list(
    db: &AccountDb<'_>,
    area: i64,
    user: i64,
    company: i64,
) -> ApiResult<Vec<QueryPlan>> {
    let sink: PlanSink = Rc::new(RefCell::new((String::new(), Vec::new())));
    let db = &db.clone().explaining(sink.clone());
    let params = |label: &str, q: Option<&str>, after: Option<(&str, i64)>| {
        sink.borrow_mut().0 = label.to_string();
        ListParams {
            q: q.map(str::to_string),
            after: after.map(|(key, id)| Cursor {
                order: "name".to_string(),
                descending: false,
                key: vec![key.into()],
                id,
            }),
            limit: 50,
            ..ListParams::default()
        }
    };
    // Each order of a sortable list, both ways, its first page and the next (issue 13).
    let sorted = |label: &str, order: Order, descending: bool, next: bool| {
        let direction = if descending { "-" } else { "" };
        let page = if next { " next page" } else { "" };
        sink.borrow_mut().0 = format!("{label} sort={direction}{}{page}", order.name);
        ListParams {
            after: next.then(|| Cursor {
                order: order.name.to_string(),
                descending,
                // A whole number sorts before any text, so "1" fits a text column as well.
                key: order.columns.iter().map(|_| KeyPart::Int(1)).collect(),
                id: 1,
            }),
            limit: 50,
            sort: Some(order.name.to_string()),
            descending,
            ..ListParams::default()
        }
    };
    let area_id = AreaId(area);
    let none = UserFilter::default();

    for (label, user_scope) in [
        ("users.list admin", UserScope::All),
        ("users.list local-admin", UserScope::Area(area_id)),
        ("users.list user", UserScope::OnlySelf(UserId(user))),
    ] {
        users::list(db, user_scope, &none, &params(label, None, None)).await?;
        users::list(
            db,
            user_scope,
            &none,
            &params(&format!("{label} next page"), None, Some(("m", 1))),
        )
        .await?;
        users::list(
            db,
            user_scope,
            &none,
            &params(&format!("{label} search"), Some("an"), None),
        )
        .await?;
    }
    for (label, user_scope) in [
        ("users.list admin", UserScope::All),
        ("users.list local-admin", UserScope::Area(area_id)),
    ] {
        for order in users::ORDERS {
            for (descending, next) in [(false, false), (false, true), (true, true)] {
                let params = sorted(label, *order, descending, next);
                users::list(db, user_scope, &none, &params).await?;
            }
        }
    }
    let active = UserFilter {
        active: Some(true),
        ..UserFilter::default()
    };
    users::list(
        db,
        UserInChargeScope::AreaPlusAdministrators(area_id),
        &active,
        &params("pickers.user-in-charge local-admin", None, None),
    )
    .await?;
    users::list(
        db,
        UserInChargeScope::All,
        &active,
        &params("pickers.user-in-charge admin", None, None),
    )
    .await?;
    // R34: a word of a name, through the word index, within the picker's scope.
    users::list(
        db,
        UserInChargeScope::AreaPlusAdministrators(area_id),
        &active,
        &params(
            "pickers.user-in-charge local-admin search",
            Some("an"),
            None,
        ),
    )
    .await?;

    for (label, company_scope) in [
        ("companies.list admin", CompanyScope::All),
        ("companies.list local-admin", CompanyScope::Area(area_id)),
        (
            "companies.list user",
            CompanyScope::Granted {
                user: UserId(user),
                area: Some(area_id),
            },
        ),
    ] {
        // The reader of each company scope, as `person_scope` makes it for that actor.
        let readers = match company_scope {
            CompanyScope::All => PersonScope::All,
            CompanyScope::Area(area) => PersonScope::AreaPlusAdministrators(area),
            CompanyScope::Granted { user, .. } => PersonScope::OnlySelf(user),
        };
        companies::list(
            db,
            (company_scope, readers),
            &CompanyFilter::default(),
            &params(label, None, None),
        )
        .await?;
        companies::list(
            db,
            (company_scope, readers),
            &CompanyFilter::default(),
            &params(&format!("{label} search"), Some("al"), None),
        )
        .await?;
    }
    for (label, company_scope, readers) in [
        ("companies.list admin", CompanyScope::All, PersonScope::All),
        (
            "companies.list local-admin",
            CompanyScope::Area(area_id),
            PersonScope::AreaPlusAdministrators(area_id),
        ),
    ] {
        for order in companies::ORDERS {
            for (descending, next) in [(false, false), (false, true), (true, true)] {
                let params = sorted(label, *order, descending, next);
                let filter = CompanyFilter::default();
                companies::list(db, (company_scope, readers), &filter, &params).await?;
            }
        }
    }
    companies::entries(
        db,
        "projects",
        company,
        &params("projects.list", None, None),
    )
    .await?;
    companies::entries(
        db,
        "employees",
        company,
        &params("employees.list", None, None),
    )
    .await?;

    groups::list(
        db,
        GroupScope::All,
        &params("groups.list admin", None, None),
    )
    .await?;
    groups::list(
        db,
        GroupScope::Area(area_id),
        &params("groups.list local-admin", None, None),
    )
    .await?;
    for (label, group_scope) in [
        ("groups.list admin search", GroupScope::All),
        ("groups.list local-admin search", GroupScope::Area(area_id)),
    ] {
        groups::list(db, group_scope, &params(label, Some("gr"), None)).await?;
    }
    for (label, group_scope) in [
        ("groups.list admin", GroupScope::All),
        ("groups.list local-admin", GroupScope::Area(area_id)),
    ] {
        for order in groups::ORDERS {
            for (descending, next) in [(false, false), (false, true), (true, true)] {
                groups::list(db, group_scope, &sorted(label, *order, descending, next)).await?;
            }
        }
    }
    directories::list(
        db,
        DirectoryScope::All,
        &params("directories.list admin", None, None),
    )
    .await?;
    directories::list(
        db,
        DirectoryScope::OpenOrArea(area_id),
        &params("directories.list local-admin", None, None),
    )
    .await?;
    areas::list(db, &params("areas.list admin", None, None)).await?;

    let range = HistoryFilter {
        user_from: Some("a".into()),
        user_to: Some("m".into()),
        ..HistoryFilter::default()
    };
    let entity = HistoryFilter {
        entity_kind: Some("user".into()),
        entity_id: Some(user),
        ..HistoryFilter::default()
    };
    history::list(
        db,
        (HistoryScope::All, PersonScope::All),
        &HistoryFilter::default(),
        &params("history.list admin", None, None),
    )
    .await?;
    history::list(
        db,
        (
            HistoryScope::Area(area_id),
            PersonScope::AreaPlusAdministrators(area_id),
        ),
        &HistoryFilter::default(),
        &params("history.list local-admin", None, None),
    )
    .await?;
    history::list(
        db,
        (
            HistoryScope::Area(area_id),
            PersonScope::AreaPlusAdministrators(area_id),
        ),
        &range,
        &params("history.list local-admin user-range", None, None),
    )
    .await?;
    history::list(
        db,
        (HistoryScope::All, PersonScope::All),
        &range,
        &params("history.list admin user-range", None, None),
    )
    .await?;
    history::list(
        db,
        (
            HistoryScope::Area(area_id),
            PersonScope::AreaPlusAdministrators(area_id),
        ),
        &entity,
        &params("history.list local-admin one-record", None, None),
    )
    .await?;
    super::reports::list(
        db,
        ReportScope::All,
        &params("reports.list admin", None, None),
    )
    .await?;
    super::reports::list(
        db,
        ReportScope::Area(Some(area_id)),
        &params("reports.list local-admin", None, None),
    )
    .await?;
    super::reports::list(
        db,
        ReportScope::Area(None),
        &params("reports.list no-area user", None, None),
    )
    .await?;

    let plans = sink.borrow().1.clone();
    Ok(plans)
}
