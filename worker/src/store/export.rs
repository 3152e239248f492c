//! B04 export: the records the reader may see, a page at a time in a stable order (keyset on
//! the code, through the scope's index), each page a few hundred rows of CSV cells, so an export
//! of 100,000 users never holds them all.

use super::Reading as _;

use precinct_core::policy::{CompanyScope, GroupScope, PersonScope, UserScope};
use serde::Deserialize;

use super::sql::Sql;
use super::{scope, AccountDb};
use crate::error::ApiResult;

/// Rows per page of an export.
pub const PAGE_ROWS: i64 = 500;

/// What an export reads: the kind and the reader's scopes.
#[derive(Debug, Clone, Copy)]
pub enum Exported {
    /// Users (R18) with their ticks among the companies the reader may see (R14).
    Users(UserScope, CompanyScope),
    /// User groups (R11, R12).
    Groups(GroupScope),
    /// Companies (R11–R14) with their user in charge when the reader may see them (R19).
    Companies(CompanyScope, PersonScope),
}

impl Exported {
    pub fn header(self) -> &'static [&'static str] {
        match self {
            Exported::Users(..) => &[
                "user_code",
                "name",
                "group",
                "language",
                "companies",
                "area",
                "access_level",
                "status",
                "last_sign_in_utc",
            ],
            Exported::Groups(..) => &[
                "code",
                "description",
                "access_level",
                "area",
                "options",
                "members",
            ],
            Exported::Companies(..) => &["code", "name", "directory", "area", "user_in_charge"],
        }
    }
}

/// One page of rows after `after` (a code; `None` from the start): the key of its last row and
/// its cells.
pub async fn page(
    db: &AccountDb<'_>,
    exported: Exported,
    after: Option<&str>,
) -> ApiResult<Vec<(String, Vec<String>)>> {
    match exported {
        Exported::Users(users, companies) => users_page(db, users, companies, after).await,
        Exported::Groups(groups) => groups_page(db, groups, after).await,
        Exported::Companies(companies, persons) => {
            companies_page(db, companies, persons, after).await
        }
    }
}

fn time_utc(at: Option<i64>) -> String {
    at.map(precinct_core::time::utc_minute).unwrap_or_default()
}

async fn users_page(
    db: &AccountDb<'_>,
    users: UserScope,
    companies: CompanyScope,
    after: Option<&str>,
) -> ApiResult<Vec<(String, Vec<String>)>> {
    #[derive(Deserialize)]
    struct Row {
        user_code_norm: String,
        user_code: String,
        name: String,
        group_code: String,
        language: String,
        companies: Option<String>,
        area_code: Option<String>,
        access_level: String,
        active: i64,
        last_sign_in_at: Option<i64>,
    }
    let mut ticks = Sql::new(
        "(SELECT group_concat(code, ' ') FROM (SELECT c.code FROM user_companies uc \
         JOIN companies c ON c.id = uc.company_id WHERE uc.user_id = u.id",
    );
    ticks
        .append(scope::companies(companies, "c"))
        .push(" ORDER BY c.code COLLATE NOCASE)) AS companies");
    let mut sql = Sql::new(
        "SELECT u.user_code_norm, u.user_code, u.name, g.code AS group_code, u.language, ",
    );
    sql.append(ticks)
        .push(
            ", a.code AS area_code, u.access_level, u.active, u.last_sign_in_at \
             FROM users u JOIN user_groups g ON g.id = u.group_id LEFT JOIN areas a ON a.id = u.area_id \
             WHERE u.account_id = ",
        )
        .bind_int(db.account())
        .append(scope::users(users, "u"));
    if let Some(after) = after {
        sql.push(" AND u.user_code_norm > ").bind_text(after);
    }
    sql.push(" ORDER BY u.user_code_norm LIMIT ")
        .bind_int(PAGE_ROWS);
    Ok(sql
        .prepare(db)?
        .rows_in::<Row>(db)
        .await?
        .into_iter()
        .map(|row| {
            (
                row.user_code_norm,
                vec![
                    row.user_code,
                    row.name,
                    row.group_code,
                    row.language,
                    row.companies.unwrap_or_default(),
                    row.area_code.unwrap_or_default(),
                    row.access_level,
                    if row.active == 1 {
                        "active"
                    } else {
                        "disabled"
                    }
                    .to_string(),
                    time_utc(row.last_sign_in_at),
                ],
            )
        })
        .collect())
}

async fn groups_page(
    db: &AccountDb<'_>,
    groups: GroupScope,
    after: Option<&str>,
) -> ApiResult<Vec<(String, Vec<String>)>> {
    #[derive(Deserialize)]
    struct Row {
        code: String,
        description: String,
        access_level: String,
        area_code: Option<String>,
        area_id: Option<i64>,
        options: String,
        id: i64,
        members: i64,
    }
    let mut sql = Sql::new(
        "SELECT g.id, g.code, g.description, g.access_level, g.area_id, a.code AS area_code, g.options, \
         (SELECT COUNT(*) FROM users m WHERE m.group_id = g.id) AS members \
         FROM user_groups g LEFT JOIN areas a ON a.id = g.area_id WHERE g.account_id = ",
    );
    sql.bind_int(db.account())
        .append(scope::groups(groups, "g"));
    if let Some(after) = after {
        sql.push(" AND g.code > ").bind_text(after);
    }
    sql.push(" ORDER BY g.code LIMIT ").bind_int(PAGE_ROWS);
    sql.prepare(db)?
        .rows_in::<Row>(db)
        .await?
        .into_iter()
        .map(|row| {
            // The options as the group's members may use them (an Administrator group: all).
            let group = crate::principal::policy_group(
                row.id,
                &row.code,
                &row.access_level,
                row.area_id,
                &row.options,
            )?;
            let options: Vec<&str> = group
                .effective_options()
                .iter()
                .map(|option| option.as_str())
                .collect();
            Ok((
                row.code.clone(),
                vec![
                    row.code,
                    row.description,
                    row.access_level,
                    row.area_code.unwrap_or_default(),
                    options.join(" "),
                    row.members.to_string(),
                ],
            ))
        })
        .collect()
}

async fn companies_page(
    db: &AccountDb<'_>,
    companies: CompanyScope,
    persons: PersonScope,
    after: Option<&str>,
) -> ApiResult<Vec<(String, Vec<String>)>> {
    #[derive(Deserialize)]
    struct Row {
        code: String,
        name: String,
        directory_code: String,
        area_code: Option<String>,
        uic_code: Option<String>,
    }
    let mut sql = Sql::new(
        "SELECT c.code, c.name, d.code AS directory_code, a.code AS area_code, u.user_code AS uic_code \
         FROM companies c JOIN directories d ON d.id = c.directory_id \
         LEFT JOIN areas a ON a.id = c.area_id LEFT JOIN users u ON u.id = c.user_in_charge_id",
    );
    // The user in charge joins only when the reader may see them (R12, R19).
    sql.append(scope::persons(persons, "u"))
        .push(" WHERE c.account_id = ")
        .bind_int(db.account())
        .append(scope::companies(companies, "c"));
    if let Some(after) = after {
        sql.push(" AND c.code > ").bind_text(after);
    }
    sql.push(" ORDER BY c.code LIMIT ").bind_int(PAGE_ROWS);
    Ok(sql
        .prepare(db)?
        .rows_in::<Row>(db)
        .await?
        .into_iter()
        .map(|row| {
            (
                row.code.clone(),
                vec![
                    row.code,
                    row.name,
                    row.directory_code,
                    row.area_code.unwrap_or_default(),
                    row.uic_code.unwrap_or_default(),
                ],
            )
        })
        .collect())
}
