//! The policy's scopes as SQL: each function turns one `precinct_core::policy` scope into a
//! `WHERE` fragment on a table alias, so lists and pickers are filtered by D1 through an index,
//! never by loading rows into Rust.

use precinct_core::policy::{
    CompanyScope, GroupScope, HistoryScope, PersonScope, ReportScope, UserInChargeScope, UserScope,
};

use super::sql::Sql;

/// ` AND <alias>.<column> = ?` for an area, `IS NULL` for none.
fn area_equals(sql: &mut Sql, alias: &str, area: Option<i64>) {
    match area {
        Some(area) => {
            sql.push(&format!(" AND {alias}.area_id = ")).bind_int(area);
        }
        None => {
            sql.push(&format!(" AND {alias}.area_id IS NULL"));
        }
    }
}

/// Companies (alias of `companies`): R11–R14, R20, R23.
pub fn companies(scope: CompanyScope, alias: &str) -> Sql {
    let mut sql = Sql::default();
    match scope {
        CompanyScope::All => {}
        CompanyScope::Area(area) => area_equals(&mut sql, alias, Some(area.0)),
        CompanyScope::Granted { user, area } => {
            sql.push(&format!(
                " AND {alias}.id IN (SELECT company_id FROM user_companies WHERE user_id = "
            ))
            .bind_int(user.0)
            .push(")");
            if let Some(area) = area {
                area_equals(&mut sql, alias, Some(area.0));
            }
        }
    }
    sql
}

/// Users (alias of `users`): R18, and the History tab's user range (R21).
pub fn users(scope: UserScope, alias: &str) -> Sql {
    let mut sql = Sql::default();
    match scope {
        UserScope::All => {}
        UserScope::Area(area) => area_equals(&mut sql, alias, Some(area.0)),
        UserScope::OnlySelf(me) => {
            sql.push(&format!(" AND {alias}.id = ")).bind_int(me.0);
        }
    }
    sql
}

/// The user-in-charge picker (alias of `users`): the area's users plus the regular
/// administrators (R19).
pub fn users_in_charge(scope: UserInChargeScope, account: i64, alias: &str) -> Sql {
    let mut sql = Sql::default();
    match scope {
        UserInChargeScope::All => {}
        UserInChargeScope::AreaPlusAdministrators(area) => {
            // Two index lookups (the area's users, the administrators) instead of an OR that
            // SQLite would answer by reading every user of the account.
            sql.push(&format!(
                " AND {alias}.id IN (SELECT id FROM users WHERE account_id = "
            ))
            .bind_int(account)
            .push(" AND area_id = ")
            .bind_int(area.0)
            .push(" UNION ALL SELECT id FROM users WHERE account_id = ")
            .bind_int(account)
            .push(" AND access_level = 'administrator')")
            .prefer_sorting_matches();
        }
        UserInChargeScope::Nothing => {
            sql.push(" AND 0");
        }
    }
    sql
}

/// Whom a reference may name (alias of `users`, joined by the pointer's id): for the `ON` of a
/// `LEFT JOIN`, so a person the reader may not see joins as nothing and the answer carries no
/// identity (R12, R19).
pub fn persons(scope: PersonScope, alias: &str) -> Sql {
    let mut sql = Sql::default();
    match scope {
        PersonScope::All => {}
        PersonScope::AreaPlusAdministrators(area) => {
            sql.push(&format!(" AND ({alias}.area_id = "))
                .bind_int(area.0)
                .push(&format!(" OR {alias}.access_level = 'administrator')"));
        }
        PersonScope::OnlySelf(me) => {
            sql.push(&format!(" AND {alias}.id = ")).bind_int(me.0);
        }
    }
    sql
}

/// User groups (alias of `user_groups`): R11, R12.
pub fn groups(scope: GroupScope, alias: &str) -> Sql {
    let mut sql = Sql::default();
    match scope {
        GroupScope::All => {}
        GroupScope::Area(area) => area_equals(&mut sql, alias, Some(area.0)),
        GroupScope::OnlyOwn(group) => {
            sql.push(&format!(" AND {alias}.id = ")).bind_int(group.0);
        }
    }
    sql
}

/// History entries (alias of `history`): R21.
pub fn history(scope: HistoryScope, alias: &str) -> Sql {
    let mut sql = Sql::default();
    match scope {
        HistoryScope::All => {}
        HistoryScope::Area(area) => area_equals(&mut sql, alias, Some(area.0)),
        HistoryScope::Nothing => {
            sql.push(" AND 0");
        }
    }
    sql
}

/// Reports and documents (alias of `reports`): R22, where no area matches only no area.
pub fn reports(scope: ReportScope, alias: &str) -> Sql {
    let mut sql = Sql::default();
    match scope {
        ReportScope::All => {}
        ReportScope::Area(area) => area_equals(&mut sql, alias, area.map(|area| area.0)),
    }
    sql
}

/// Company directories (alias of `directories`).
pub fn directories(scope: precinct_core::policy::DirectoryScope, alias: &str) -> Sql {
    let mut sql = Sql::default();
    match scope {
        precinct_core::policy::DirectoryScope::All => {}
        precinct_core::policy::DirectoryScope::OpenOrArea(area) => {
            sql.push(&format!(
                " AND ({alias}.multidimensional = 0 OR {alias}.area_id = "
            ))
            .bind_int(area.0)
            .push(")");
        }
        precinct_core::policy::DirectoryScope::Open => {
            sql.push(&format!(" AND {alias}.multidimensional = 0"));
        }
    }
    sql
}

/// Who can see a company for one reason (alias of `users`, B01's reverse question): the SQL twin
/// of `Seers::includes`, on the users' own level, area and active columns.
pub fn seers(seers: precinct_core::policy::Seers, account: i64, alias: &str) -> Sql {
    use precinct_core::policy::Seers;
    let mut sql = Sql::default();
    match seers {
        // Each through its own index (users_by_level, users_by_area_name), its few matches then
        // sorted: walking the account's users in name order to find them would read them all.
        Seers::RegularAdministrators => {
            sql.push(&format!(
                " AND {alias}.access_level = 'administrator' AND {alias}.active = 1 AND {alias}.id IN \
                 (SELECT id FROM users WHERE account_id = "
            ))
            .bind_int(account)
            .push(" AND access_level = 'administrator' AND active = 1)")
            .prefer_sorting_matches();
        }
        Seers::LocalAdministratorsOf(area) => {
            sql.push(&format!(
                " AND {alias}.access_level = 'local_administrator' AND {alias}.active = 1 AND \
                 {alias}.id IN (SELECT id FROM users WHERE account_id = "
            ))
            .bind_int(account)
            .push(" AND area_id = ")
            .bind_int(area.0)
            .push(" AND access_level = 'local_administrator')")
            .prefer_sorting_matches();
            area_equals(&mut sql, alias, Some(area.0));
        }
        Seers::TickedWithin { company, area } => {
            sql.push(&format!(
                " AND {alias}.access_level = 'user' AND {alias}.active = 1 AND {alias}.id IN \
                 (SELECT user_id FROM user_companies WHERE company_id = "
            ))
            .bind_int(company.0)
            .push(")")
            .prefer_sorting_matches();
            match area {
                Some(area) => {
                    sql.push(&format!(
                        " AND ({alias}.area_id IS NULL OR {alias}.area_id = "
                    ))
                    .bind_int(area.0)
                    .push(")");
                }
                None => {
                    sql.push(&format!(" AND {alias}.area_id IS NULL"));
                }
            }
        }
        Seers::NoOne => {
            sql.push(" AND 0");
        }
    }
    sql
}

/// Areas (alias of `areas`) a person may name in an import (B04).
pub fn areas(scope: precinct_core::policy::AreaScope, alias: &str) -> Sql {
    let mut sql = Sql::default();
    match scope {
        precinct_core::policy::AreaScope::All => {}
        precinct_core::policy::AreaScope::Only(area) => {
            sql.push(&format!(" AND {alias}.id = ")).bind_int(area.0);
        }
        precinct_core::policy::AreaScope::Nothing => {
            sql.push(" AND 0");
        }
    }
    sql
}
