//! B01: the explanation and the decision agree, for random accounts and random questions. The
//! worker's checks call the untraced decisions (`may_see_company`, `edit_user`, …); an
//! explanation runs the same functions with a trace. This test asks both, and also that a chain
//! reads right (allowed ⇔ every step holds) and that the reverse question — who can see a
//! company, by reason — is exactly the people `may_see_company` admits.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use precinct_core::ids::{AreaId, CompanyId, GroupId, ReportId, UserId};
use precinct_core::policy::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};

static QUESTIONS: AtomicUsize = AtomicUsize::new(0);
static ALLOWED: AtomicUsize = AtomicUsize::new(0);

#[derive(Debug, Clone)]
struct RawAccount {
    areas: u8,
    companies: Vec<Option<u8>>,
    groups: Vec<(u8, Option<u8>, u32)>,
    users: Vec<(u8, bool, Vec<u8>)>,
    reports: Vec<Option<u8>>,
}

struct Account {
    companies: Vec<CompanyRef>,
    groups: Vec<Group>,
    users: Vec<User>,
    reports: Vec<Report>,
    areas: Vec<Option<AreaId>>,
}

fn account_strategy() -> impl Strategy<Value = RawAccount> {
    (
        1u8..=3,
        prop::collection::vec(prop::option::weighted(0.8, any::<u8>()), 1..=6),
        prop::collection::vec(
            (
                0u8..3,
                prop::option::weighted(0.8, any::<u8>()),
                any::<u32>(),
            ),
            1..=5,
        ),
        prop::collection::vec(
            (
                any::<u8>(),
                prop::bool::weighted(0.85),
                prop::collection::vec(any::<u8>(), 0..4),
            ),
            1..=7,
        ),
        prop::collection::vec(prop::option::weighted(0.7, any::<u8>()), 0..=3),
    )
        .prop_map(|(areas, companies, groups, users, reports)| RawAccount {
            areas,
            companies,
            groups,
            users,
            reports,
        })
}

fn build(raw: &RawAccount) -> Account {
    let areas: Vec<AreaId> = (1..=i64::from(raw.areas)).map(AreaId).collect();
    let area = |pick: Option<u8>| pick.map(|i| areas[i as usize % areas.len()]);
    let companies: Vec<CompanyRef> = raw
        .companies
        .iter()
        .enumerate()
        .map(|(i, a)| CompanyRef {
            id: CompanyId(i as i64 + 1),
            area: area(*a),
        })
        .collect();
    let options = |bits: u32| -> OptionSet {
        OptionCode::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0 || bits & (1 << 31) != 0)
            .map(|(_, option)| *option)
            .collect()
    };
    let mut groups = vec![Group::new(
        GroupId(1),
        "ADMIN",
        GroupAccess::Administrator,
        OptionSet::empty(),
    )];
    for (i, (level, a, bits)) in raw.groups.iter().enumerate() {
        let access = match level {
            0 => GroupAccess::Administrator,
            1 => GroupAccess::LocalAdministrator(area(*a).unwrap_or(areas[0])),
            _ => GroupAccess::User(area(*a)),
        };
        groups.push(Group::new(
            GroupId(i as i64 + 2),
            format!("G{i}"),
            access,
            options(*bits),
        ));
    }
    let users = raw
        .users
        .iter()
        .enumerate()
        .map(|(i, (g, active, ticks))| User {
            id: UserId(i as i64 + 1),
            group: groups[*g as usize % groups.len()].id,
            active: *active,
            ticked: ticks
                .iter()
                .map(|t| companies[*t as usize % companies.len()].id)
                .collect::<BTreeSet<_>>(),
        })
        .collect();
    let reports = raw
        .reports
        .iter()
        .enumerate()
        .map(|(i, a)| Report {
            id: ReportId(i as i64 + 1),
            area: area(*a),
        })
        .collect();
    let mut entry_areas: Vec<Option<AreaId>> = areas.iter().copied().map(Some).collect();
    entry_areas.push(None);
    Account {
        companies,
        groups,
        users,
        reports,
        areas: entry_areas,
    }
}

fn group_of<'a>(account: &'a Account, user: &User) -> &'a Group {
    account.groups.iter().find(|g| g.id == user.group).unwrap()
}

/// A chain reads right: allowed exactly when every step holds, and never empty.
fn chain_reads_right(verdict: &Verdict) -> Result<(), TestCaseError> {
    prop_assert!(!verdict.steps.is_empty(), "an empty chain: {verdict:?}");
    prop_assert_eq!(
        verdict.allowed,
        verdict.steps.iter().all(|step| step.holds),
        "{:?}",
        verdict
    );
    Ok(())
}

fn agrees(verdict: &Verdict, decided: bool) -> Result<(), TestCaseError> {
    QUESTIONS.fetch_add(1, Ordering::Relaxed);
    if decided {
        ALLOWED.fetch_add(1, Ordering::Relaxed);
    }
    prop_assert_eq!(verdict.allowed, decided, "{:?}", verdict);
    chain_reads_right(verdict)
}

fn check_account(account: &Account) -> Result<(), TestCaseError> {
    for person in &account.users {
        let person_group = group_of(account, person);
        let actor = Actor::new(person, person_group).ok();
        let says = |decide: &dyn Fn(&Actor) -> bool| actor.as_ref().is_some_and(decide);
        for company in &account.companies {
            let explained = explain(person, person_group, Record::Company(*company));
            agrees(&explained.see, says(&|a| may_see_company(a, *company)))?;
            agrees(
                explained.change.as_ref().unwrap(),
                says(&|a| edit_company(a, *company).is_ok()),
            )?;
            // Ticking a company for a User-level target of no area is refused exactly when
            // ticking this company is.
            let target = User {
                id: UserId(9_999),
                group: GroupId(9_999),
                active: true,
                ticked: BTreeSet::new(),
            };
            let target_group = Group::new(
                GroupId(9_999),
                "T",
                GroupAccess::User(None),
                OptionSet::empty(),
            );
            let ticking = |a: &Actor| {
                a.is_regular_administrator()
                    && set_ticked_companies(a, &target, &target_group, &[*company]).is_ok()
                    || !a.is_regular_administrator()
                        && a.level() != AccessLevel::User
                        && a.holds(OptionCode::UsersManage)
                        && may_see_company(a, *company)
            };
            agrees(explained.pick.as_ref().unwrap(), says(&ticking))?;
        }
        for user in &account.users {
            let group = group_of(account, user);
            let explained = explain(person, person_group, Record::User { user, group });
            agrees(&explained.see, says(&|a| may_see_user(a, user, group)))?;
            agrees(
                explained.change.as_ref().unwrap(),
                says(&|a| edit_user(a, user, group).is_ok()),
            )?;
            // The server's check when a company's user in charge is set (R19): the Companies
            // option and the picker; then, for a company the person edits whose area the
            // candidate may hold, setting them is allowed.
            let pick = explained.pick.as_ref().unwrap();
            agrees(
                pick,
                says(&|a| {
                    Reach::ManageCompanies.allowed(a.level(), |o| a.holds(o))
                        && may_pick_user_in_charge(a, group)
                }),
            )?;
            if let (true, Some(a)) = (pick.allowed, actor.as_ref()) {
                for company in &account.companies {
                    if may_see_company(a, *company) && may_hold_user_in_charge(company.area, group)
                    {
                        prop_assert!(set_user_in_charge(a, *company, user, group).is_ok());
                    }
                }
            }
        }
        for group in &account.groups {
            let explained = explain(person, person_group, Record::Group(group));
            agrees(&explained.see, says(&|a| may_see_group(a, group)))?;
            agrees(
                explained.change.as_ref().unwrap(),
                says(&|a| edit_group(a, group).is_ok()),
            )?;
            agrees(
                explained.pick.as_ref().unwrap(),
                says(&|a| create_user(a, group).is_ok()),
            )?;
        }
        for report in &account.reports {
            let explained = explain(person, person_group, Record::Report(report));
            agrees(&explained.see, says(&|a| read_report(a, report).is_ok()))?;
            prop_assert!(explained.change.is_none() && explained.pick.is_none());
        }
        for area in &account.areas {
            let explained = explain(person, person_group, Record::HistoryEntry { area: *area });
            agrees(
                &explained.see,
                says(&|a| read_history(a).is_ok() && may_see_history_entry(a, *area)),
            )?;
        }
    }
    // The reverse question: who can see each company, by reason, is exactly who may.
    for company in &account.companies {
        for person in &account.users {
            let group = group_of(account, person);
            let may = Actor::new(person, group).is_ok_and(|a| may_see_company(&a, *company));
            let reasons: Vec<SeerReason> = SeerReason::ALL
                .into_iter()
                .filter(|reason| company_seers(*company, *reason).includes(person, group))
                .collect();
            QUESTIONS.fetch_add(1, Ordering::Relaxed);
            prop_assert_eq!(may, !reasons.is_empty(), "{:?} {:?}", company, person);
            prop_assert!(reasons.len() <= 1, "one reason per person: {reasons:?}");
        }
    }
    Ok(())
}

#[test]
fn b01_explanation_agrees_with_the_decision_for_random_accounts_and_questions() {
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    });
    runner
        .run(&account_strategy(), |raw| check_account(&build(&raw)))
        .unwrap();
    let questions = QUESTIONS.load(Ordering::Relaxed);
    let allowed = ALLOWED.load(Ordering::Relaxed);
    println!("b01: {questions} questions, {allowed} allowed, explanation = decision in every one");
    assert!(questions >= 10_000, "only {questions} questions asked");
    assert!(
        allowed * 10 >= questions,
        "too few allowed: {allowed} of {questions}"
    );
}

#[test]
fn b01_a_chain_names_the_facts_and_rules_that_decide() {
    let north = AreaId(1);
    let users_north = Group::new(
        GroupId(2),
        "USERS_NORTH",
        GroupAccess::User(Some(north)),
        OptionSet::empty(),
    );
    let n01 = CompanyRef {
        id: CompanyId(1),
        area: Some(north),
    };
    let s01 = CompanyRef {
        id: CompanyId(2),
        area: Some(AreaId(2)),
    };
    let ulla = User {
        id: UserId(1),
        group: users_north.id,
        active: true,
        ticked: [n01.id, s01.id].into_iter().collect(),
    };
    let explained = explain(&ulla, &users_north, Record::Company(n01));
    assert!(explained.see.allowed);
    let facts: Vec<(Option<&str>, bool, &Fact)> = explained
        .see
        .steps
        .iter()
        .map(|step| (step.rule.as_deref(), step.holds, &step.fact))
        .collect();
    assert_eq!(
        facts,
        vec![
            (Some("R14"), true, &Fact::CompanyTicked),
            (
                Some("R14"),
                true,
                &Fact::CompanyWithinBoundary {
                    boundary: north,
                    company_area: Some(north)
                }
            ),
        ]
    );
    // Its deny twin: ticked, but outside her group's area (the area is the boundary).
    let outside = explain(&ulla, &users_north, Record::Company(s01));
    assert!(!outside.see.allowed);
    let last = outside.see.steps.last().unwrap();
    assert_eq!(
        last.fact,
        Fact::Refused {
            code: DenyCode::NotVisible
        }
    );
    assert!(outside.see.steps.iter().any(|step| !step.holds
        && step.fact
            == Fact::CompanyWithinBoundary {
                boundary: north,
                company_area: Some(AreaId(2))
            }));
    // A disabled person: one reason.
    let disabled = User {
        active: false,
        ..ulla.clone()
    };
    let explained = explain(&disabled, &users_north, Record::Company(n01));
    assert!(!explained.see.allowed);
    assert_eq!(explained.see.steps[0].fact, Fact::PersonDisabled);
}

#[test]
fn b02_the_reach_a_what_if_weighs_is_the_visibility_rule() {
    let mut runner = TestRunner::new(Config {
        cases: 128,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    });
    runner
        .run(&account_strategy(), |raw| {
            let account = build(&raw);
            for person in &account.users {
                let group = group_of(&account, person);
                let reach = CompanyReach::of(group.access, person.active);
                let actor = Actor::new(person, group).ok();
                for company in &account.companies {
                    let may = actor.as_ref().is_some_and(|a| may_see_company(a, *company));
                    let ticked = person.ticked.contains(&company.id);
                    prop_assert_eq!(reach.allows(ticked, company.area), may);
                }
            }
            Ok(())
        })
        .unwrap();
}
