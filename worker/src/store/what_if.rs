//! B02 what-if as SQL: the policy's reach of each person before and after a change
//! ([`CompanyReach`]) becomes conditions D1 counts — who gains or loses access to which
//! companies — within the asker's scopes, in one round trip.

use precinct_core::api::{AccessShift, CompanyRef, UserRef, WhatIf};
use precinct_core::ids::{CompanyId, UserId};
use precinct_core::policy::{CompanyReach, CompanyScope, Rights, UserScope};
use serde::Deserialize;

use super::sql::Sql;
use super::{scope, AccountDb};
use crate::error::{ApiError, ApiResult};

/// How many people and companies a what-if names.
const NAMED: i64 = 5;

/// What a person reaches on one side of the change.
#[derive(Clone)]
pub enum Reach {
    /// The same rule for every person of the change (a group's members, a moved user).
    Fixed(CompanyReach),
    /// Each person's own rule, from their stored level, area and state.
    Stored,
}

/// The ticks on one side of the change.
#[derive(Clone)]
pub enum Ticks {
    Stored,
    Proposed(Vec<i64>),
}

/// One side of a change: each person's reach, their ticks, and each company's area (an SQL
/// expression on `c`).
#[derive(Clone)]
pub struct Side {
    pub reach: Reach,
    pub ticks: Ticks,
    pub company_area: String,
}

impl Side {
    pub fn stored() -> Side {
        Side {
            reach: Reach::Stored,
            ticks: Ticks::Stored,
            company_area: "c.area_id".to_string(),
        }
    }

    pub fn fixed(reach: CompanyReach) -> Side {
        Side {
            reach: Reach::Fixed(reach),
            ..Side::stored()
        }
    }

    fn ticked(&self) -> String {
        match &self.ticks {
            Ticks::Stored => "EXISTS (SELECT 1 FROM user_companies t WHERE t.user_id = u.id \
                              AND t.company_id = c.id)"
                .to_string(),
            Ticks::Proposed(ids) if ids.is_empty() => "0".to_string(),
            Ticks::Proposed(ids) => format!(
                "c.id IN ({})",
                ids.iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// The SQL twin of `CompanyReach::allows`: 1 when person `u` reaches company `c`. Every
    /// value in it is a number or a column, so nothing is bound.
    fn reaches(&self) -> String {
        let area = &self.company_area;
        let ticked = self.ticked();
        match &self.reach {
            Reach::Fixed(CompanyReach::Nothing) => "0".to_string(),
            Reach::Fixed(CompanyReach::All) => "1".to_string(),
            Reach::Fixed(CompanyReach::Area(own)) => format!("({area} IS {})", own.0),
            Reach::Fixed(CompanyReach::Ticked { within: None }) => format!("({ticked})"),
            Reach::Fixed(CompanyReach::Ticked {
                within: Some(within),
            }) => format!("({ticked} AND {area} IS {})", within.0),
            Reach::Stored => format!(
                "(u.active = 1 AND CASE u.access_level WHEN 'administrator' THEN 1 \
                 WHEN 'local_administrator' THEN ({area} IS u.area_id) \
                 ELSE ({ticked} AND (u.area_id IS NULL OR {area} IS u.area_id)) END)"
            ),
        }
    }

    /// Whether `reaches` reads the person's row (else it depends on the company alone).
    fn per_person(&self) -> bool {
        match &self.reach {
            Reach::Fixed(reach) => reach.uses_ticks(),
            Reach::Stored => true,
        }
    }

    /// A condition on `c` implied by `reaches` (never more), which lets D1 walk an index.
    fn narrowing(&self) -> String {
        if self.company_area != "c.area_id" {
            return String::new();
        }
        match (&self.reach, &self.ticks) {
            (Reach::Fixed(CompanyReach::Nothing), _) => " AND 0".to_string(),
            (Reach::Fixed(CompanyReach::Area(own)), _) => format!(" AND c.area_id = {}", own.0),
            (Reach::Fixed(CompanyReach::Ticked { .. }), Ticks::Stored) => {
                " AND c.id IN (SELECT company_id FROM user_companies WHERE user_id = u.id)"
                    .to_string()
            }
            (Reach::Fixed(CompanyReach::Ticked { .. }), Ticks::Proposed(_)) => {
                format!(" AND {}", self.ticked())
            }
            _ => String::new(),
        }
    }
}

/// A change: whose access may move (a condition on `u`), which companies' (on `c`), and the
/// two sides.
pub struct Change {
    pub people: String,
    pub companies: String,
    pub before: Side,
    pub after: Side,
}

#[derive(Deserialize)]
struct Count {
    n: i64,
}

#[derive(Deserialize)]
struct Person {
    id: i64,
    user_code: String,
    name: String,
}

#[derive(Deserialize)]
struct Company {
    id: i64,
    code: String,
    name: String,
}

/// The four statements of one direction (gain: `to` reached and `from` not).
fn direction(
    account: i64,
    (users, companies): (UserScope, CompanyScope),
    change: &Change,
    (to, from): (&Side, &Side),
) -> Vec<Sql> {
    let users_in_scope = || scope::users(users, "u");
    let companies_in_scope = || scope::companies(companies, "c");
    let moved = format!("{} AND NOT {}", to.reaches(), from.reaches());
    let per_person = to.per_person() || from.per_person();

    let people_from = || {
        let mut sql = Sql::new(&format!(
            "FROM users u WHERE u.account_id = {account} AND {}",
            change.people
        ));
        sql.append(users_in_scope());
        sql.push(&format!(
            " AND EXISTS (SELECT 1 FROM companies c WHERE c.account_id = {account} AND {}{}",
            change.companies,
            to.narrowing()
        ));
        sql.append(companies_in_scope());
        sql.push(&format!(" AND {moved})"));
        sql
    };
    let companies_from = || {
        let mut sql = Sql::new(&format!(
            "FROM companies c WHERE c.account_id = {account} AND {}",
            change.companies
        ));
        sql.append(companies_in_scope());
        if per_person {
            sql.push(&format!(
                " AND EXISTS (SELECT 1 FROM users u WHERE u.account_id = {account} AND {}",
                change.people
            ));
            sql.append(users_in_scope());
            sql.push(&format!("{} AND {moved})", to.narrowing()));
        } else {
            // The same for every person: weigh the company once, then ask for anyone at all.
            sql.push(&format!(
                " AND {moved} AND EXISTS (SELECT 1 FROM users u WHERE u.account_id = {account} \
                 AND {}",
                change.people
            ));
            sql.append(users_in_scope());
            sql.push(")");
        }
        sql
    };
    let mut count_people = Sql::new("SELECT COUNT(*) AS n ");
    count_people.append(people_from());
    let mut first_people = Sql::new("SELECT u.id, u.user_code, u.name ");
    first_people
        .append(people_from())
        .push(&format!(" ORDER BY u.name_norm, u.id LIMIT {NAMED}"));
    let mut count_companies = Sql::new("SELECT COUNT(*) AS n ");
    count_companies.append(companies_from());
    let mut first_companies = Sql::new("SELECT c.id, c.code, c.name ");
    first_companies
        .append(companies_from())
        .push(&format!(" ORDER BY c.name_norm, c.id LIMIT {NAMED}"));
    vec![count_people, first_people, count_companies, first_companies]
}

fn shift(results: &mut impl Iterator<Item = worker::D1Result>) -> ApiResult<AccessShift> {
    let mut next = || {
        results
            .next()
            .ok_or_else(|| ApiError::internal("a what-if answer is missing"))
    };
    let people = next()?.results::<Count>()?.first().map_or(0, |row| row.n);
    let first_people = next()?
        .results::<Person>()?
        .into_iter()
        .map(|row| UserRef {
            id: UserId(row.id),
            user_code: row.user_code,
            name: row.name,
        })
        .collect();
    let companies = next()?.results::<Count>()?.first().map_or(0, |row| row.n);
    let first_companies = next()?
        .results::<Company>()?
        .into_iter()
        .map(|row| CompanyRef {
            id: CompanyId(row.id),
            code: row.code,
            name: row.name,
        })
        .collect();
    Ok(AccessShift {
        people,
        companies,
        first_people,
        first_companies,
    })
}

/// Counts a change's gains and losses in one round trip, plus, when rights change, the people
/// whose rights they are (`rights_of`: a condition on `u`).
pub async fn weigh(
    db: &AccountDb<'_>,
    scopes: (UserScope, CompanyScope),
    change: &Change,
    rights: Option<(Rights, Rights, &str)>,
) -> ApiResult<WhatIf> {
    let account = db.account();
    let mut statements = Vec::new();
    for sql in direction(account, scopes, change, (&change.after, &change.before))
        .into_iter()
        .chain(direction(
            account,
            scopes,
            change,
            (&change.before, &change.after),
        ))
    {
        statements.push(sql.prepare(db)?);
    }
    let rights = rights.filter(|(before, after, _)| before != after);
    if let Some((_, _, whose)) = rights {
        let mut count = Sql::new(&format!(
            "SELECT COUNT(*) AS n FROM users u WHERE u.account_id = {account} AND {whose}"
        ));
        count.append(scope::users(scopes.0, "u"));
        statements.push(count.prepare(db)?);
    }
    let mut results = super::read(db, statements).await?.into_iter();
    let gain = shift(&mut results)?;
    let lose = shift(&mut results)?;
    let mut answer = WhatIf {
        gain,
        lose,
        ..WhatIf::default()
    };
    if let Some((before, after, _)) = rights {
        answer.people_with_new_rights = results
            .next()
            .map(|result| result.results::<Count>())
            .transpose()?
            .and_then(|rows| rows.first().map(|row| row.n))
            .unwrap_or(0);
        answer.level_before = Some(before.level);
        answer.level_after = Some(after.level);
        answer.options_gained = after.options.difference(before.options).iter().collect();
        answer.options_lost = before.options.difference(after.options).iter().collect();
    }
    Ok(answer)
}
