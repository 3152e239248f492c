//! Reports and documents (R22): the catalog, scoped like the rest.

use super::list::{self, KeyPart, Keyed, ListParams, Order};
use super::scope;
use super::sql::Sql;
use super::AccountDb;
use crate::error::ApiResult;
use precinct_core::api::{Page, Report};
use precinct_core::ids::ReportId;
use precinct_core::policy::ReportScope;
use serde::Deserialize;

#[derive(Deserialize)]
struct ReportRow {
    id: i64,
    code: String,
    title: String,
    kind: String,
    area_code: Option<String>,
}

impl Keyed for ReportRow {
    fn key(&self, _order: &str) -> Vec<KeyPart> {
        vec![self.title.as_str().into()]
    }
    fn id(&self) -> i64 {
        self.id
    }
}

/// Reports and documents (R22).
pub async fn list(
    db: &AccountDb<'_>,
    scope: ReportScope,
    params: &ListParams,
) -> ApiResult<Page<Report>> {
    let mut from =
        Sql::new("FROM reports r LEFT JOIN areas a ON a.id = r.area_id WHERE r.account_id = ");
    from.bind_int(db.account())
        .append(scope::reports(scope, "r"));
    if let Some(q) = &params.q {
        from.push(" AND (lower(r.title) LIKE ")
            .bind_text(&format!("{q}%"))
            .push(" OR lower(r.code) LIKE ")
            .bind_text(&format!("{q}%"))
            .push(")");
    }
    list::page(
        db,
        "r.id, r.code, r.title, r.kind, a.code AS area_code",
        from,
        &[Order {
            name: "title",
            columns: &["r.title"],
        }],
        "r.id",
        params,
        |row: ReportRow| {
            Ok(Report {
                id: ReportId(row.id),
                code: row.code,
                title: row.title,
                kind: row.kind,
                area_code: row.area_code,
            })
        },
    )
    .await
}

/// One report or document, as B01 names it.
#[derive(Deserialize)]
pub struct ReportOne {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub area_id: Option<i64>,
    pub area_code: Option<String>,
}

/// One report the scope admits, else `None` as if it did not exist.
pub async fn get(db: &AccountDb<'_>, scope: ReportScope, id: i64) -> ApiResult<Option<ReportOne>> {
    use super::Reading as _;
    let mut sql = Sql::new(
        "SELECT r.id, r.code, r.title, r.area_id, a.code AS area_code FROM reports r \
         LEFT JOIN areas a ON a.id = r.area_id WHERE r.account_id = ",
    );
    sql.bind_int(db.account())
        .append(scope::reports(scope, "r"))
        .push(" AND r.id = ")
        .bind_int(id);
    sql.prepare(db)?.first_in::<ReportOne>(db).await
}
