//! Company directories (R08).

use super::Reading as _;
use precinct_core::api::{Directory, Page};
use precinct_core::ids::{AreaId, DirectoryId};
use precinct_core::policy::{self, DirectoryScope};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use super::list::{self, KeyPart, Keyed, ListParams, Order};
use super::sql::Sql;
use super::{int, opt_int, scope, statement, text, AccountDb};
use crate::error::ApiResult;

#[derive(Deserialize)]
pub struct DirectoryRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub multidimensional: i64,
    pub area_id: Option<i64>,
    pub area_code: Option<String>,
    pub version: i64,
}

impl Keyed for DirectoryRow {
    fn key(&self, _order: &str) -> Vec<KeyPart> {
        vec![self.code.as_str().into()]
    }
    fn id(&self) -> i64 {
        self.id
    }
}

impl DirectoryRow {
    pub fn policy(&self) -> policy::Directory {
        policy::Directory {
            id: DirectoryId(self.id),
            multidimensional: self.multidimensional == 1,
            area: self.area_id.map(AreaId),
        }
    }
}

impl From<DirectoryRow> for Directory {
    fn from(row: DirectoryRow) -> Self {
        Directory {
            id: DirectoryId(row.id),
            code: row.code,
            name: row.name,
            multidimensional: row.multidimensional == 1,
            area_id: row.area_id.map(AreaId),
            area_code: row.area_code,
            version: row.version,
        }
    }
}

const COLUMNS: &str =
    "d.id, d.code, d.name, d.multidimensional, d.area_id, a.code AS area_code, d.version";
/// For readers who do not see every area: a plain directory's stored area means nothing to the
/// policy and may name another area, so it is not shown (a multidimensional directory they see
/// carries their own area).
const COLUMNS_SCOPED: &str = "d.id, d.code, d.name, d.multidimensional, \
    CASE WHEN d.multidimensional = 1 THEN d.area_id END AS area_id, \
    CASE WHEN d.multidimensional = 1 THEN a.code END AS area_code, d.version";

fn columns(scope: DirectoryScope) -> &'static str {
    match scope {
        DirectoryScope::All => COLUMNS,
        DirectoryScope::OpenOrArea(_) | DirectoryScope::Open => COLUMNS_SCOPED,
    }
}

pub async fn list(
    db: &AccountDb<'_>,
    scope: DirectoryScope,
    params: &ListParams,
) -> ApiResult<Page<Directory>> {
    let mut from =
        Sql::new("FROM directories d LEFT JOIN areas a ON a.id = d.area_id WHERE d.account_id = ");
    from.bind_int(db.account())
        .append(scope::directories(scope, "d"));
    if let Some(q) = &params.q {
        from.push(" AND (lower(d.code) LIKE ")
            .bind_text(&format!("{q}%"))
            .push(" OR lower(d.name) LIKE ")
            .bind_text(&format!("{q}%"))
            .push(")");
    }
    list::page(
        db,
        columns(scope),
        from,
        &[Order {
            name: "code",
            columns: &["d.code"],
        }],
        "d.id",
        params,
        |row: DirectoryRow| Ok(row.into()),
    )
    .await
}

pub async fn get(
    db: &AccountDb<'_>,
    scope: DirectoryScope,
    id: i64,
) -> ApiResult<Option<DirectoryRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {} FROM directories d LEFT JOIN areas a ON a.id = d.area_id WHERE d.id = ",
        columns(scope)
    ));
    sql.bind_int(id)
        .push(" AND d.account_id = ")
        .bind_int(db.account())
        .append(scope::directories(scope, "d"));
    sql.prepare(db)?.first_in::<DirectoryRow>(db).await
}

pub fn insert(
    db: &AccountDb<'_>,
    code: &str,
    name: &str,
    multidimensional: bool,
    area: Option<i64>,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO directories (account_id, code, name, multidimensional, area_id) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
        &[int(db.account()), text(code), text(name), int(i64::from(multidimensional)), opt_int(area)],
    )
}

#[allow(clippy::too_many_arguments)]
pub fn update(
    db: &AccountDb<'_>,
    id: i64,
    version: i64,
    code: &str,
    name: &str,
    multidimensional: bool,
    area: Option<i64>,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE directories SET code = ?4, name = ?5, multidimensional = ?6, area_id = ?7, version = version + 1 \
         WHERE id = ?1 AND account_id = ?2 AND version = ?3",
        &[int(id), int(db.account()), int(version), text(code), text(name), int(i64::from(multidimensional)), opt_int(area)],
    )
}

/// R08: every company of a multidimensional directory takes the directory's area.
pub fn align_companies(
    db: &AccountDb<'_>,
    directory: i64,
    area: Option<i64>,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE companies SET area_id = ?2, version = version + 1 \
         WHERE directory_id = ?1 AND area_id IS NOT ?2 AND account_id = ?3",
        &[int(directory), opt_int(area), int(db.account())],
    )
}

/// The companies of `directory` whose area changes to `area` (all but `except`, which writes its
/// own entry), as rows for [`super::insert_history_per_row`]: R08's cascade in history (R30).
pub fn companies_following(directory: i64, area: Option<i64>, except: Option<i64>) -> Sql {
    let after = area.map(|area| area.to_string());
    let mut rows = Sql::new(
        "SELECT c.id AS entity_id, c.area_id AS area_id, c.code AS subject, \
         'Company ' || c.code || ' takes the area of its multidimensional directory' AS summary, \
         json_array(json_object('field', 'area', 'before', CAST(c.area_id AS TEXT), 'after', ",
    );
    rows.bind(after.as_deref().map_or(JsValue::NULL, super::text))
        .push(")) AS changes FROM companies c WHERE c.directory_id = ")
        .bind_int(directory)
        .push(" AND c.area_id IS NOT ")
        .bind(opt_int(area));
    if let Some(except) = except {
        rows.push(" AND c.id <> ").bind_int(except);
    }
    rows
}

pub fn set_area(
    db: &AccountDb<'_>,
    directory: i64,
    area: Option<i64>,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE directories SET area_id = ?2, version = version + 1 WHERE id = ?1 AND account_id = ?3",
        &[int(directory), opt_int(area), int(db.account())],
    )
}

/// Whether `sql` (a `SELECT id …`) finds a row.
async fn finds_a_row(db: &AccountDb<'_>, sql: &str, values: &[JsValue]) -> ApiResult<bool> {
    #[derive(Deserialize)]
    struct Found {
        #[allow(dead_code)]
        id: i64,
    }
    Ok(statement(db, sql, values)?
        .first_in::<Found>(db)
        .await?
        .is_some())
}

/// Whether the directory holds no company yet (R08's first company).
pub async fn is_empty(db: &AccountDb<'_>, directory: i64) -> ApiResult<bool> {
    let held = finds_a_row(
        db,
        "SELECT id FROM companies WHERE directory_id = ?1 AND account_id = ?2 LIMIT 1",
        &[int(directory), int(db.account())],
    )
    .await?;
    Ok(!held)
}

/// Whether an area id belongs to the account (an id of another account is refused as unknown).
pub async fn area_exists(db: &AccountDb<'_>, area: i64) -> ApiResult<bool> {
    finds_a_row(
        db,
        "SELECT id FROM areas WHERE id = ?1 AND account_id = ?2",
        &[int(area), int(db.account())],
    )
    .await
}
