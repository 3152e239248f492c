//! B03 access review: the people of one area (or of none) and what a reviewer looks for, each
//! counted and listed by D1 through the reviewer's scope, on the per-area indexes.

use precinct_core::policy::{PersonScope, UserScope};
use serde::Deserialize;

use super::scope;
use super::sql::Sql;
use super::{AccountDb, Reading as _};
use crate::error::ApiResult;

/// How many people a finding lists (its total counts them all).
pub const LISTED: i64 = 50;
/// How many people the review's own list shows, least recently signed in first.
pub const PEOPLE_LISTED: i64 = 100;
/// The history entity of a review of the people of no area.
pub const NO_AREA: i64 = 0;
/// An invitation still pending after this long is a finding (7 days).
pub const OLD_INVITATION_MS: i64 = 7 * 24 * 3600 * 1000;

/// A person as the review lists them.
#[derive(Debug, Deserialize)]
pub struct PersonRow {
    pub id: i64,
    pub user_code: String,
    pub name: String,
    pub group_code: String,
    pub access_level: String,
    pub active: i64,
    pub last_sign_in_at: Option<i64>,
    /// The last sign-in, or the creation for someone who never signed in.
    pub seen_at: i64,
    pub invited_at: Option<i64>,
    /// Companies ticked within the area of the person's group (User level only).
    pub companies: Option<i64>,
}

/// The columns of [`PersonRow`] on `users u` joined with its group `g`.
const PERSON_COLUMNS: &str = "u.id, u.user_code, u.name, g.code AS group_code, u.access_level, \
    u.active, u.last_sign_in_at, COALESCE(u.last_sign_in_at, u.created_at) AS seen_at, \
    CASE WHEN u.password_hash IS NULL THEN COALESCE((SELECT MAX(t.created_at) \
      FROM password_tokens t WHERE t.user_id = u.id AND t.purpose = 'invitation'), u.created_at) \
    END AS invited_at, \
    CASE WHEN u.access_level = 'user' THEN (SELECT COUNT(*) FROM user_companies uc \
      JOIN companies c ON c.id = uc.company_id WHERE uc.user_id = u.id \
      AND (u.area_id IS NULL OR c.area_id = u.area_id)) END AS companies";

/// What a review looks for, each a condition on `u`.
#[derive(Debug, Clone, Copy)]
pub enum Finding {
    Everyone,
    /// Active, has a password, and no sign-in since `cutoff` (nor created since, for those who
    /// never signed in).
    Dormant {
        cutoff: i64,
    },
    /// Active User-level people reaching no company.
    NoCompany,
    /// A pending invitation sent before `cutoff`.
    OldInvitation {
        cutoff: i64,
    },
}

/// The review's people: the account's, of `area` (`None`: of no area), within the reviewer's
/// user scope.
fn people(db: &AccountDb<'_>, reviewer: UserScope, area: Option<i64>) -> Sql {
    let mut sql =
        Sql::new("FROM users u JOIN user_groups g ON g.id = u.group_id WHERE u.account_id = ");
    sql.bind_int(db.account());
    match area {
        Some(area) => {
            sql.push(" AND u.area_id = ").bind_int(area);
        }
        None => {
            sql.push(" AND u.area_id IS NULL");
        }
    }
    sql.append(scope::users(reviewer, "u"));
    sql
}

fn with_finding(mut sql: Sql, finding: Finding) -> Sql {
    match finding {
        Finding::Everyone => {}
        Finding::Dormant { cutoff } => {
            sql.push(
                " AND u.active = 1 AND u.password_hash IS NOT NULL \
                 AND COALESCE(u.last_sign_in_at, u.created_at) < ",
            )
            .bind_int(cutoff);
        }
        Finding::NoCompany => {
            sql.push(
                " AND u.active = 1 AND u.access_level = 'user' AND NOT EXISTS (SELECT 1 \
                 FROM user_companies uc JOIN companies c ON c.id = uc.company_id \
                 WHERE uc.user_id = u.id AND (u.area_id IS NULL OR c.area_id = u.area_id))",
            );
        }
        Finding::OldInvitation { cutoff } => {
            sql.push(
                " AND u.password_hash IS NULL AND COALESCE((SELECT MAX(t.created_at) \
                 FROM password_tokens t WHERE t.user_id = u.id AND t.purpose = 'invitation'), \
                 u.created_at) < ",
            )
            .bind_int(cutoff);
        }
    }
    sql
}

#[derive(Debug, Deserialize, Default)]
pub struct Counts {
    pub administrators: Option<i64>,
    pub local_administrators: Option<i64>,
    pub users: Option<i64>,
    pub active: Option<i64>,
    pub disabled: Option<i64>,
}

#[derive(Deserialize)]
struct Total {
    n: i64,
}

/// The counts, every finding's total and first people, in one round trip.
pub struct Found {
    pub counts: Counts,
    /// `(total, first people)` of each finding asked, in order.
    pub findings: Vec<(i64, Vec<PersonRow>)>,
}

pub async fn find(
    db: &AccountDb<'_>,
    reviewer: UserScope,
    area: Option<i64>,
    findings: &[(Finding, i64)],
) -> ApiResult<Found> {
    let mut counts = Sql::new(
        "SELECT SUM(u.access_level = 'administrator') AS administrators, \
         SUM(u.access_level = 'local_administrator') AS local_administrators, \
         SUM(u.access_level = 'user') AS users, SUM(u.active) AS active, \
         SUM(1 - u.active) AS disabled ",
    );
    counts.append(people(db, reviewer, area));
    let mut statements = vec![counts.prepare(db)?];
    for (finding, listed) in findings {
        let from = with_finding(people(db, reviewer, area), *finding);
        let mut total = Sql::new("SELECT COUNT(*) AS n ");
        total.append(from.clone());
        let mut first = Sql::new(&format!("SELECT {PERSON_COLUMNS} "));
        first
            .append(from)
            .push(" ORDER BY u.last_sign_in_at, u.name_norm, u.id LIMIT ")
            .bind_int(*listed);
        statements.push(total.prepare(db)?);
        statements.push(first.prepare(db)?);
    }
    let results = super::read(db, statements).await?;
    let mut results = results.into_iter();
    let counts = match results.next() {
        Some(result) => result
            .results::<Counts>()?
            .into_iter()
            .next()
            .unwrap_or_default(),
        None => Counts::default(),
    };
    let mut found = Vec::new();
    while let (Some(total), Some(first)) = (results.next(), results.next()) {
        let total = total.results::<Total>()?.first().map_or(0, |row| row.n);
        found.push((total, first.results::<PersonRow>()?));
    }
    Ok(Found {
        counts,
        findings: found,
    })
}

/// One page of the area's people for the CSV export, after `after_id`, by id.
pub async fn people_page(
    db: &AccountDb<'_>,
    reviewer: UserScope,
    area: Option<i64>,
    after_id: i64,
    limit: i64,
) -> ApiResult<Vec<PersonRow>> {
    let mut sql = Sql::new(&format!("SELECT {PERSON_COLUMNS} "));
    sql.append(people(db, reviewer, area))
        .push(" AND u.id > ")
        .bind_int(after_id)
        .push(" ORDER BY u.id LIMIT ")
        .bind_int(limit);
    sql.prepare(db)?.rows_in::<PersonRow>(db).await
}

/// A group of the area as the review weighs it.
#[derive(Debug, Deserialize)]
pub struct GroupRow {
    pub id: i64,
    pub code: String,
    pub access_level: String,
    pub area_id: Option<i64>,
    pub options: String,
}

/// The groups of `area` (`None`: of no area) the reviewer may see.
pub async fn groups(
    db: &AccountDb<'_>,
    reviewer: precinct_core::policy::GroupScope,
    area: Option<i64>,
) -> ApiResult<Vec<GroupRow>> {
    let mut sql =
        Sql::new("SELECT g.id, g.code, g.access_level, g.area_id, g.options FROM user_groups g WHERE g.account_id = ");
    sql.bind_int(db.account());
    match area {
        Some(area) => {
            sql.push(" AND g.area_id = ").bind_int(area);
        }
        None => {
            sql.push(" AND g.area_id IS NULL");
        }
    }
    sql.append(scope::groups(reviewer, "g"))
        .push(" ORDER BY g.code LIMIT 500");
    sql.prepare(db)?.rows_in::<GroupRow>(db).await
}

/// The last "reviewed" mark of an area, with who made it when the reader may see them.
#[derive(Debug, Deserialize)]
pub struct MarkRow {
    pub at: i64,
    pub by: Option<String>,
}

pub async fn last_mark(
    db: &AccountDb<'_>,
    readers: PersonScope,
    area: Option<i64>,
) -> ApiResult<Option<MarkRow>> {
    let mut sql = Sql::new("SELECT h.at, au.user_code AS by FROM history h LEFT JOIN users au ON au.id = h.actor_user_id");
    sql.append(scope::persons(readers, "au"))
        .push(" WHERE h.account_id = ")
        .bind_int(db.account())
        .push(" AND h.entity_kind = 'area'");
    match area {
        Some(area) => {
            sql.push(" AND h.entity_id = ").bind_int(area);
        }
        None => {
            sql.push(" AND h.entity_id = ").bind_int(NO_AREA);
        }
    }
    sql.push(" AND h.action = 'reviewed'");
    sql.push(" ORDER BY h.at DESC, h.id DESC LIMIT 1");
    sql.prepare(db)?.first_in::<MarkRow>(db).await
}

/// The areas a regular administrator reviews (with their codes), by code.
#[derive(Debug, Deserialize)]
pub struct AreaRow {
    pub id: i64,
    pub code: String,
}

pub async fn areas(db: &AccountDb<'_>, only: Option<i64>) -> ApiResult<Vec<AreaRow>> {
    let mut sql = Sql::new("SELECT id, code FROM areas WHERE account_id = ");
    sql.bind_int(db.account());
    if let Some(only) = only {
        sql.push(" AND id = ").bind_int(only);
    }
    sql.push(" ORDER BY code LIMIT 1000");
    sql.prepare(db)?.rows_in::<AreaRow>(db).await
}

/// The last mark of each area (`NO_AREA` for the people of no area), or of `only`.
#[derive(Debug, Deserialize)]
pub struct AreaMarkRow {
    pub area: i64,
    pub at: i64,
    pub by: Option<String>,
}

pub async fn last_marks(
    db: &AccountDb<'_>,
    readers: PersonScope,
    only: Option<i64>,
) -> ApiResult<Vec<AreaMarkRow>> {
    let mut sql = Sql::new(
        "SELECT h.entity_id AS area, h.at, au.user_code AS by FROM history h \
         LEFT JOIN users au ON au.id = h.actor_user_id",
    );
    sql.append(scope::persons(readers, "au"))
        .push(" WHERE h.id IN (SELECT MAX(id) FROM history WHERE account_id = ")
        .bind_int(db.account())
        .push(" AND entity_kind = 'area'");
    if let Some(only) = only {
        sql.push(" AND entity_id = ").bind_int(only);
    }
    sql.push(" AND action = 'reviewed' GROUP BY entity_id)");
    sql.prepare(db)?.rows_in::<AreaMarkRow>(db).await
}
