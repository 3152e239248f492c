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

    /// 1 when `c` is ticked for `u` on this side. Proposed ticks are bound once per use as a
    /// JSON list ([`TICKS`] marks the place), so a long list never lengthens the statement.
    fn ticked(&self) -> String {
        match &self.ticks {
            Ticks::Stored => "EXISTS (SELECT 1 FROM user_companies t WHERE t.user_id = u.id \
                              AND t.company_id = c.id)"
                .to_string(),
            Ticks::Proposed(_) => format!("c.id IN (SELECT value FROM json_each({TICKS}))"),
        }
    }

    /// The SQL twin of `CompanyReach::allows`: 1 when person `u` reaches company `c` (never
    /// NULL: areas compare with `IS`). Every value in it is a number, a column or [`TICKS`].
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

    /// A condition on `c` alone implied by `reaches` (never more), which lets D1 walk an index
    /// of companies; empty when the side's areas are not the stored ones.
    fn companies_narrowing(&self) -> String {
        if self.company_area != "c.area_id" {
            return String::new();
        }
        match (&self.reach, &self.ticks) {
            (Reach::Fixed(CompanyReach::Nothing), _) => " AND 0".to_string(),
            (Reach::Fixed(CompanyReach::Area(own)), _) => format!(" AND c.area_id = {}", own.0),
            (Reach::Fixed(CompanyReach::Ticked { .. }), Ticks::Proposed(_)) => {
                format!(" AND {}", self.ticked())
            }
            _ => String::new(),
        }
    }

    /// Within one person (`u` given): the companies their stored ticks name, by index.
    fn companies_of_person(&self) -> String {
        match (&self.reach, &self.ticks) {
            (Reach::Fixed(CompanyReach::Ticked { .. }), Ticks::Stored)
                if self.company_area == "c.area_id" =>
            {
                " AND c.id IN (SELECT company_id FROM user_companies WHERE user_id = u.id)"
                    .to_string()
            }
            _ => String::new(),
        }
    }

    /// Within one company (`c` given): the people whose stored ticks name it, by index.
    fn people_of_company(&self) -> String {
        match (&self.reach, &self.ticks) {
            (Reach::Fixed(CompanyReach::Ticked { .. }), Ticks::Stored)
                if self.company_area == "c.area_id" =>
            {
                " AND u.id IN (SELECT user_id FROM user_companies WHERE company_id = c.id)"
                    .to_string()
            }
            _ => String::new(),
        }
    }

    fn proposed_ticks(&self) -> Option<String> {
        match &self.ticks {
            Ticks::Proposed(ids) => Some(format!(
                "[{}]",
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            )),
            Ticks::Stored => None,
        }
    }
}

/// Where a side's proposed ticks are bound (as a JSON list).
const TICKS: &str = "\u{1}ticks\u{1}";

/// Appends `text`, binding `ticks` at each [`TICKS`] in it.
fn push(sql: &mut Sql, text: &str, ticks: Option<&str>) {
    let mut parts = text.split(TICKS);
    if let Some(first) = parts.next() {
        sql.push(first);
    }
    for part in parts {
        sql.bind_text(ticks.unwrap_or("[]"));
        sql.push(part);
    }
}

/// A change: whose access may move (a condition on `u`), which companies' (on `c`), and the
/// two sides.
pub struct Change {
    pub people: String,
    /// The same condition, written so that SQLite does not walk an index for it (`+column`):
    /// used where another condition finds the people faster (a company's ticks).
    pub people_unindexed: String,
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
    let ticks = to.proposed_ticks().or_else(|| from.proposed_ticks());
    let ticks = ticks.as_deref();
    let moved = format!("{} AND NOT {}", to.reaches(), from.reaches());
    let per_person = to.per_person() || from.per_person();

    // Indexes: the change names its people (a group, a user, an indexed set) and often its
    // companies (a company, a directory); `+` keeps SQLite from walking the whole account
    // through an account index instead.
    let company_account = if change.companies == "1" { "" } else { "+" };
    // A person whose reach is their stored one and who is at the User level reaches only what
    // they ticked, on either side: their companies are found through their ticks.
    let stored = matches!(to.reach, Reach::Stored) || matches!(from.reach, Reach::Stored);
    let some_company = |sql: &mut Sql, extra: &str| {
        let of_person = format!("{}{extra}", to.companies_of_person());
        // A person's ticks are the shortest way to their companies: no account index then.
        let account_index = if of_person.is_empty() {
            company_account
        } else {
            "+"
        };
        push(
            sql,
            &format!(
                "EXISTS (SELECT 1 FROM companies c WHERE {account_index}c.account_id = {account} \
                 AND {}{}{of_person}",
                change.companies,
                to.companies_narrowing(),
            ),
            ticks,
        );
        sql.append(companies_in_scope());
        push(sql, &format!(" AND {moved})"), ticks);
    };
    let some_person = |sql: &mut Sql, extra: &str| {
        let of_company = format!("{}{extra}", to.people_of_company());
        let people = if of_company.is_empty() {
            &change.people
        } else {
            &change.people_unindexed
        };
        push(
            sql,
            &format!(
                "EXISTS (SELECT 1 FROM users u WHERE +u.account_id = {account} AND {people}\
                 {of_company}"
            ),
            ticks,
        );
        sql.append(users_in_scope());
        push(sql, &format!(" AND {moved})"), ticks);
    };

    // Each person who moves: some company of the change moves for them.
    let people_from = || {
        let mut sql = Sql::new("");
        push(
            &mut sql,
            &format!(
                "FROM users u WHERE +u.account_id = {account} AND {}",
                change.people
            ),
            ticks,
        );
        sql.append(users_in_scope());
        if stored {
            sql.push(" AND ((u.access_level = 'user' AND ");
            some_company(
                &mut sql,
                " AND c.id IN (SELECT company_id FROM user_companies WHERE user_id = u.id)",
            );
            sql.push(") OR (u.access_level <> 'user' AND ");
            some_company(&mut sql, "");
            sql.push("))");
        } else {
            sql.push(" AND ");
            some_company(&mut sql, "");
        }
        sql
    };
    // Each company that moves: for some person of the change.
    let companies_from = || {
        let mut sql = Sql::new("");
        push(
            &mut sql,
            &format!(
                "FROM companies c WHERE {company_account}c.account_id = {account} AND {}{}",
                change.companies,
                to.companies_narrowing()
            ),
            ticks,
        );
        sql.append(companies_in_scope());
        if stored {
            sql.push(" AND (");
            some_person(
                &mut sql,
                " AND u.access_level = 'user' AND u.id IN (SELECT user_id FROM user_companies \
                 WHERE company_id = c.id)",
            );
            sql.push(" OR ");
            // Regular administrators reach every company whatever its area: only local
            // administrators remain, through their index.
            some_person(
                &mut sql,
                &format!(
                    " AND u.id IN (SELECT id FROM users WHERE account_id = {account} \
                     AND access_level = 'local_administrator')"
                ),
            );
            sql.push(")");
        } else if per_person {
            sql.push(" AND ");
            some_person(&mut sql, "");
        } else {
            // The same for every person: weigh the company once, then ask for anyone at all.
            push(
                &mut sql,
                &format!(
                    " AND {moved} AND EXISTS (SELECT 1 FROM users u WHERE +u.account_id = \
                     {account} AND {}",
                    change.people
                ),
                ticks,
            );
            sql.append(users_in_scope());
            sql.push(")");
        }
        sql
    };
    let select = |columns: &str, from: Sql| {
        let mut sql = Sql::new(columns);
        sql.append(from);
        sql
    };
    let mut first_people = select("SELECT u.id, u.user_code, u.name ", people_from());
    first_people.push(&format!(" ORDER BY u.name_norm, u.id LIMIT {NAMED}"));
    let mut first_companies = select("SELECT c.id, c.code, c.name ", companies_from());
    first_companies.push(&format!(" ORDER BY c.name_norm, c.id LIMIT {NAMED}"));
    vec![
        select("SELECT COUNT(*) AS n ", people_from()),
        first_people,
        select("SELECT COUNT(*) AS n ", companies_from()),
        first_companies,
    ]
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
