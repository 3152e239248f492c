//! Companies (R07, R08, R11–R14, R19, R20, R23), always filtered by a policy scope.

use super::Reading as _;
use precinct_core::api::{Company, CompanyRef as ApiCompanyRef, Page, UserRef};
use precinct_core::ids::{AreaId, CompanyId, DirectoryId, UserId};
use precinct_core::policy::{self, CompanyRef, CompanyScope, PersonScope};
use serde::Deserialize;
use worker::D1PreparedStatement;

use super::list::{self, word_search, KeyPart, Keyed, ListParams, Order, WordIndex};
use super::sql::Sql;
use super::{int, opt_int, scope, statement, text, AccountDb};
use crate::error::ApiResult;

#[derive(Debug, Clone, Deserialize)]
pub struct CompanyRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_norm: String,
    /// The area's code in lower case ('' for none): the list's area order.
    #[serde(default)]
    pub area_code_norm: String,
    pub directory_id: i64,
    pub directory_code: String,
    pub multidimensional: i64,
    pub directory_area_id: Option<i64>,
    pub area_id: Option<i64>,
    pub area_code: Option<String>,
    pub user_in_charge_id: Option<i64>,
    /// The user in charge's code and name: `NULL` when the reader may not see them.
    pub uic_code: Option<String>,
    pub uic_name: Option<String>,
    pub uic_outside_area: i64,
    pub version: i64,
}

/// The companies list's orders (issue 13), each on an index per scope (migration 0013): codes
/// compare whatever their case, as their unique index does.
pub const ORDERS: &[Order] = &[
    Order {
        name: "name",
        columns: &["c.name_norm"],
    },
    Order {
        name: "code",
        columns: &["c.code COLLATE NOCASE"],
    },
    Order {
        name: "area",
        columns: &["c.area_code_norm", "c.name_norm"],
    },
];

impl Keyed for CompanyRow {
    fn key(&self, order: &str) -> Vec<KeyPart> {
        match order {
            "code" => vec![self.code.as_str().into()],
            "area" => vec![
                self.area_code_norm.as_str().into(),
                self.name_norm.as_str().into(),
            ],
            _ => vec![self.name_norm.as_str().into()],
        }
    }
    fn id(&self) -> i64 {
        self.id
    }
}

impl CompanyRow {
    /// The stored area is the effective one (R08 is kept in step by every write).
    pub fn reference(&self) -> CompanyRef {
        CompanyRef {
            id: CompanyId(self.id),
            area: self.area_id.map(AreaId),
        }
    }

    pub fn policy(&self) -> policy::Company {
        policy::Company {
            id: CompanyId(self.id),
            directory: DirectoryId(self.directory_id),
            area: self.area_id.map(AreaId),
        }
    }

    pub fn directory(&self) -> policy::Directory {
        policy::Directory {
            id: DirectoryId(self.directory_id),
            multidimensional: self.multidimensional == 1,
            area: self.directory_area_id.map(AreaId),
        }
    }

    pub fn short(&self) -> ApiCompanyRef {
        ApiCompanyRef {
            id: CompanyId(self.id),
            code: self.code.clone(),
            name: self.name.clone(),
        }
    }
}

impl From<CompanyRow> for Company {
    fn from(row: CompanyRow) -> Self {
        let user_in_charge = match (row.user_in_charge_id, row.uic_code, row.uic_name) {
            (Some(id), Some(user_code), Some(name)) => Some(UserRef {
                id: UserId(id),
                user_code,
                name,
            }),
            _ => None,
        };
        let user_in_charge_hidden = row.user_in_charge_id.is_some() && user_in_charge.is_none();
        Company {
            id: CompanyId(row.id),
            code: row.code,
            name: row.name,
            directory_id: DirectoryId(row.directory_id),
            directory_code: row.directory_code,
            area_id: row.area_id.map(AreaId),
            area_code: row.area_code,
            user_in_charge,
            user_in_charge_hidden,
            user_in_charge_outside_area: row.uic_outside_area == 1,
            version: row.version,
        }
    }
}

/// `u` is the user in charge as far as the reader may see them (see [`from`]); the flag tells a
/// regular administrator that a later change left someone of another area in charge.
const COLUMNS: &str =
    "c.id, c.code, c.name, c.name_norm, c.area_code_norm, c.directory_id, d.code AS directory_code, \
    d.multidimensional, d.area_id AS directory_area_id, c.area_id, a.code AS area_code, \
    c.user_in_charge_id, u.user_code AS uic_code, u.name AS uic_name, \
    (u.id IS NOT NULL AND u.access_level <> 'administrator' AND u.area_id IS NOT c.area_id) \
    AS uic_outside_area, c.version";

/// `FROM ... WHERE c.account_id = ` with the user in charge joined only when `readers` may see
/// them, so a hidden person's code and name never leave D1 (R12, R19). `by_ids`: the query names
/// its companies through their own index (a search), and `+` keeps SQLite from reading the
/// whole account through the account's index instead.
fn from(readers: PersonScope, by_ids: bool) -> Sql {
    let mut from = Sql::new(
        "FROM companies c JOIN directories d ON d.id = c.directory_id \
         LEFT JOIN areas a ON a.id = c.area_id LEFT JOIN users u ON u.id = c.user_in_charge_id",
    );
    from.append(scope::persons(readers, "u")).push(if by_ids {
        " WHERE +c.account_id = "
    } else {
        " WHERE c.account_id = "
    });
    from
}

#[derive(Debug, Default, Clone)]
pub struct CompanyFilter {
    pub area_id: Option<i64>,
    pub directory_id: Option<i64>,
    /// Only companies whose user in charge is of another area (the regular administrators'
    /// review of what later changes left behind, R19).
    pub user_in_charge_outside_area: bool,
}

pub async fn list(
    db: &AccountDb<'_>,
    (scope, readers): (CompanyScope, PersonScope),
    filter: &CompanyFilter,
    params: &ListParams,
) -> ApiResult<Page<CompanyRow>> {
    let mut from = from(readers, params.q.is_some());
    from.bind_int(db.account())
        .append(scope::companies(scope, "c"));
    if filter.user_in_charge_outside_area {
        from.push(
            " AND u.id IS NOT NULL AND u.access_level <> 'administrator' \
             AND u.area_id IS NOT c.area_id",
        );
    }
    if let Some(area) = filter.area_id {
        from.push(" AND c.area_id = ").bind_int(area);
    }
    if let Some(directory) = filter.directory_id {
        from.push(" AND c.directory_id = ").bind_int(directory);
    }
    word_search(&mut from, &params.q, WordIndex::Companies, "c.id");
    list::page(db, COLUMNS, from, ORDERS, "c.id", params, Ok).await
}

pub async fn get(
    db: &AccountDb<'_>,
    (scope, readers): (CompanyScope, PersonScope),
    id: i64,
) -> ApiResult<Option<CompanyRow>> {
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} "));
    sql.append(from(readers, false))
        .bind_int(db.account())
        .append(scope::companies(scope, "c"))
        .push(" AND c.id = ")
        .bind_int(id);
    sql.prepare(db)?.first_in::<CompanyRow>(db).await
}

/// The effective areas of the given companies of the db.account(); ids of other accounts are absent.
pub async fn references(
    db: &AccountDb<'_>,
    ids: &[i64],
) -> ApiResult<Vec<(i64, String, Option<i64>)>> {
    #[derive(Deserialize)]
    struct Ref {
        id: i64,
        code: String,
        area_id: Option<i64>,
    }
    let json = serde_json::to_string(ids).map_err(crate::error::ApiError::internal)?;
    let rows = statement(
        db,
        "SELECT c.id, c.code, c.area_id FROM companies c WHERE c.account_id = ?1 \
         AND c.id IN (SELECT value FROM json_each(?2))",
        &[int(db.account()), text(&json)],
    )?
    .rows_in::<Ref>(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.id, row.code, row.area_id))
        .collect())
}

#[allow(clippy::too_many_arguments)]
pub fn insert(
    db: &AccountDb<'_>,
    directory: i64,
    code: &str,
    name: &str,
    area: Option<i64>,
    user_in_charge: Option<i64>,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO companies (account_id, directory_id, code, name, name_norm, area_id, user_in_charge_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        &[int(db.account()), int(directory), text(code), text(name), text(&name.to_lowercase()), opt_int(area), opt_int(user_in_charge)],
    )
}

pub fn update(
    db: &AccountDb<'_>,
    id: i64,
    version: i64,
    code: &str,
    name: &str,
    user_in_charge: Option<i64>,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE companies SET code = ?3, name = ?4, name_norm = ?5, user_in_charge_id = ?6, version = version + 1 \
         WHERE id = ?1 AND version = ?2 AND account_id = ?7",
        &[int(id), int(version), text(code), text(name), text(&name.to_lowercase()), opt_int(user_in_charge), int(db.account())],
    )
}

pub fn set_area(db: &AccountDb<'_>, id: i64, area: Option<i64>) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE companies SET area_id = ?2 WHERE id = ?1 AND account_id = ?3",
        &[int(id), opt_int(area), int(db.account())],
    )
}

/// Projects or employees of one company (`table` is a fixed name, never from the request).
pub async fn entries(
    db: &AccountDb<'_>,
    table: &'static str,
    company: i64,
    params: &ListParams,
) -> ApiResult<Page<EntryRow>> {
    // The caller read `company` through the actor's scope in this account; filtering on the
    // account again here would cost the covering index (`make bench`'s plans).
    let mut from = Sql::new(&format!("FROM {table} e WHERE e.company_id = "));
    from.bind_int(company);
    if let Some(q) = &params.q {
        from.push(" AND (lower(e.name) LIKE ")
            .bind_text(&format!("{q}%"))
            .push(" OR lower(e.code) LIKE ")
            .bind_text(&format!("{q}%"))
            .push(")");
    }
    list::page(
        db,
        "e.id, e.company_id, e.code, e.name",
        from,
        &[Order {
            name: "code",
            columns: &["e.code"],
        }],
        "e.id",
        params,
        Ok,
    )
    .await
}

#[derive(Debug, Clone, Deserialize)]
pub struct EntryRow {
    pub id: i64,
    pub company_id: i64,
    pub code: String,
    pub name: String,
}

impl Keyed for EntryRow {
    fn key(&self, _order: &str) -> Vec<KeyPart> {
        vec![self.code.as_str().into()]
    }
    fn id(&self) -> i64 {
        self.id
    }
}
