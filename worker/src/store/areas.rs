//! Areas (R06): account-wide records, no scope beyond the account.

use super::Reading as _;
use precinct_core::api::{Area, Page};
use precinct_core::ids::AreaId;
use precinct_core::policy::AreaUsage;
use serde::Deserialize;
use worker::D1PreparedStatement;

use super::list::{self, KeyPart, Keyed, ListParams, Order};
use super::sql::Sql;
use super::{int, statement, text, AccountDb};
use crate::error::ApiResult;

#[derive(Deserialize)]
pub struct AreaRow {
    pub id: i64,
    pub code: String,
    pub description: String,
    pub version: i64,
}

impl Keyed for AreaRow {
    fn key(&self, _order: &str) -> Vec<KeyPart> {
        vec![self.code.as_str().into()]
    }
    fn id(&self) -> i64 {
        self.id
    }
}

impl From<AreaRow> for Area {
    fn from(row: AreaRow) -> Self {
        Area {
            id: AreaId(row.id),
            code: row.code,
            description: row.description,
            version: row.version,
        }
    }
}

pub async fn list(db: &AccountDb<'_>, params: &ListParams) -> ApiResult<Page<Area>> {
    let mut from = Sql::new("FROM areas WHERE account_id = ");
    from.bind_int(db.account());
    if let Some(q) = &params.q {
        // Area codes are few (hundreds): a case-insensitive match is fine here.
        from.push(" AND (lower(code) LIKE ")
            .bind_text(&format!("{q}%"))
            .push(" OR lower(description) LIKE ")
            .bind_text(&format!("%{q}%"))
            .push(")");
    }
    list::page(
        db,
        "id, code, description, version",
        from,
        &[Order {
            name: "code",
            columns: &["code"],
        }],
        "id",
        params,
        |row: AreaRow| Ok(row.into()),
    )
    .await
}

pub async fn get(db: &AccountDb<'_>, id: i64) -> ApiResult<Option<AreaRow>> {
    statement(
        db,
        "SELECT id, code, description, version FROM areas WHERE id = ?1 AND account_id = ?2",
        &[int(id), int(db.account())],
    )?
    .first_in::<AreaRow>(db)
    .await
}

pub async fn usage(db: &AccountDb<'_>, id: i64) -> ApiResult<AreaUsage> {
    #[derive(Deserialize)]
    struct Usage {
        companies: u32,
        directories: u32,
        groups: u32,
        reports: u32,
    }
    let row = statement(
        db,
        "SELECT (SELECT COUNT(*) FROM companies WHERE account_id = ?2 AND area_id = ?1) AS companies, \
                (SELECT COUNT(*) FROM directories WHERE account_id = ?2 AND area_id = ?1) AS directories, \
                (SELECT COUNT(*) FROM user_groups WHERE account_id = ?2 AND area_id = ?1) AS groups, \
                (SELECT COUNT(*) FROM reports WHERE account_id = ?2 AND area_id = ?1) AS reports",
        &[int(id), int(db.account())],
    )?
    .first_in::<Usage>(db)
    .await?;
    Ok(row.map_or_else(AreaUsage::default, |u| AreaUsage {
        companies: u.companies,
        directories: u.directories,
        groups: u.groups,
        reports: u.reports,
    }))
}

pub fn insert(db: &AccountDb<'_>, code: &str, description: &str) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO areas (account_id, code, description) VALUES (?1, ?2, ?3) RETURNING id",
        &[int(db.account()), text(code), text(description)],
    )
}

pub fn update(
    db: &AccountDb<'_>,
    id: i64,
    version: i64,
    code: &str,
    description: &str,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE areas SET code = ?4, description = ?5, version = version + 1 \
         WHERE id = ?1 AND account_id = ?2 AND version = ?3",
        &[
            int(id),
            int(db.account()),
            int(version),
            text(code),
            text(description),
        ],
    )
}

pub fn delete(db: &AccountDb<'_>, id: i64, version: i64) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "DELETE FROM areas WHERE id = ?1 AND account_id = ?2 AND version = ?3",
        &[int(id), int(db.account()), int(version)],
    )
}
