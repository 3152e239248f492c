//! Facts derived from the model: effective areas, and what an actor may see.
//!
//! "May see" is about rows, not screens: options gate screens in [`super::decide`]. Each
//! function here answers for one row and has a SQL twin in [`super::scope`]; the two are
//! written separately on purpose and the tests check that they agree.

use super::explain::{Fact, Trace};
use super::model::{Actor, Company, CompanyRef, Directory, Group, GroupAccess, Report, User};
use super::AccessLevel;
use crate::ids::AreaId;

/// A company's effective area: in a multidimensional directory the directory carries the area
/// of every company in it (R08); otherwise the company's own (R07).
///
/// `directory` must be the company's directory.
pub fn company_area(company: &Company, directory: &Directory) -> Option<AreaId> {
    if directory.multidimensional {
        directory.area
    } else {
        company.area
    }
}

/// The company with its effective area, as the policy takes it.
pub fn company_ref(company: &Company, directory: &Directory) -> CompanyRef {
    CompanyRef {
        id: company.id,
        area: company_area(company, directory),
    }
}

/// A user's area is their group's (R10).
pub fn user_area(group: &Group) -> Option<AreaId> {
    group.area()
}

/// Whether the actor may see and work in a company (R11–R14, R20): regular administrators all
/// of them, local administrators every company of their area (never narrowed, R13), users the
/// companies ticked for them, within their group's area when it has one (R14).
pub fn may_see_company(actor: &Actor, company: CompanyRef) -> bool {
    see_company(actor, company, &mut ())
}

/// [`may_see_company`], saying why to `why` (B01: the explanation is this very decision).
pub fn see_company(actor: &Actor, company: CompanyRef, why: &mut impl Trace) -> bool {
    match actor.access() {
        GroupAccess::Administrator => why.holds("R11", true, || Fact::RegularAdministratorSeesAll),
        GroupAccess::LocalAdministrator(area) => {
            why.holds("R12", company.area == Some(area), || {
                Fact::RecordInOwnArea {
                    own_area: area,
                    record_area: company.area,
                }
            })
        }
        GroupAccess::User(boundary) => {
            why.holds("R14", actor.ticked().contains(&company.id), || {
                Fact::CompanyTicked
            }) && boundary.is_none_or(|area| {
                why.holds("R14", company.area == Some(area), || {
                    Fact::CompanyWithinBoundary {
                        boundary: area,
                        company_area: company.area,
                    }
                })
            })
        }
    }
}

/// The companies the actor may access, in the order given: the sign-in company choice (R04),
/// the company lists of every screen (R20) and About > Properties > Companies (R23).
pub fn accessible_companies(
    actor: &Actor,
    companies: impl IntoIterator<Item = CompanyRef>,
) -> Vec<CompanyRef> {
    companies
        .into_iter()
        .filter(|company| may_see_company(actor, *company))
        .collect()
}

/// Whether the actor may see a user (R11, R12, R18). Local administrators see the users of their
/// area, which never includes a regular administrator (who has no area). A User-level actor
/// sees only themself: user lists are administration screens.
pub fn may_see_user(actor: &Actor, user: &User, group: &Group) -> bool {
    see_user(actor, user, group, &mut ())
}

/// [`may_see_user`], saying why to `why`.
pub fn see_user(actor: &Actor, user: &User, group: &Group, why: &mut impl Trace) -> bool {
    match actor.access() {
        GroupAccess::Administrator => why.holds("R11", true, || Fact::RegularAdministratorSeesAll),
        GroupAccess::LocalAdministrator(area) => {
            why.holds("R12", group.level() != AccessLevel::Administrator, || {
                Fact::RecordNotRegularAdministrator
            }) && why.holds("R18", user_area(group) == Some(area), || {
                Fact::RecordInOwnArea {
                    own_area: area,
                    record_area: user_area(group),
                }
            })
        }
        GroupAccess::User(_) => why.holds("R18", user.id == actor.user(), || Fact::OnlyThemself),
    }
}

/// Whether a user may be offered in the actor's "user in charge" picker of a company (R19):
/// the users of the actor's area plus the regular administrators. A User-level actor edits no
/// company, so is offered no one.
pub fn may_pick_user_in_charge(actor: &Actor, group: &Group) -> bool {
    pick_user_in_charge(actor, group, &mut ())
}

/// [`may_pick_user_in_charge`], saying why to `why`.
pub fn pick_user_in_charge(actor: &Actor, group: &Group, why: &mut impl Trace) -> bool {
    match actor.access() {
        GroupAccess::Administrator => why.holds("R11", true, || Fact::RegularAdministratorSeesAll),
        GroupAccess::LocalAdministrator(area) => {
            (group.level() == AccessLevel::Administrator
                && why.holds("R19", true, || Fact::RegularAdministratorsArePickable))
                || why.holds("R19", user_area(group) == Some(area), || {
                    Fact::RecordInOwnArea {
                        own_area: area,
                        record_area: user_area(group),
                    }
                })
        }
        GroupAccess::User(_) => why.holds("R19", false, || Fact::UserLevelPicksNoOne),
    }
}

/// Whether an answer may name `user` (of `group`) to the actor where a record points at them
/// (user in charge, history actor): regular administrators anyone, local administrators the
/// users of their area and the regular administrators (whom R19 lets them pick), a User-level
/// actor only themself.
pub fn may_see_person(actor: &Actor, user: &User, group: &Group) -> bool {
    match actor.access() {
        GroupAccess::Administrator => true,
        GroupAccess::LocalAdministrator(area) => {
            group.level() == AccessLevel::Administrator || user_area(group) == Some(area)
        }
        GroupAccess::User(_) => user.id == actor.user(),
    }
}

/// Whether a user of `group` may be the user in charge of a company of `company_area`, whoever
/// sets it (R19): a user of the company's area, or a regular administrator.
pub fn may_hold_user_in_charge(company_area: Option<AreaId>, group: &Group) -> bool {
    group.level() == AccessLevel::Administrator || user_area(group) == company_area
}

/// Whether the actor may see a user group (R11, R12): local administrators the groups of their
/// area (so never an Administrator group, which has no area); a User-level actor only their own.
pub fn may_see_group(actor: &Actor, group: &Group) -> bool {
    see_group(actor, group, &mut ())
}

/// [`may_see_group`], saying why to `why`.
pub fn see_group(actor: &Actor, group: &Group, why: &mut impl Trace) -> bool {
    match actor.access() {
        GroupAccess::Administrator => why.holds("R11", true, || Fact::RegularAdministratorSeesAll),
        GroupAccess::LocalAdministrator(area) => {
            why.holds("R12", group.area() == Some(area), || {
                Fact::RecordInOwnArea {
                    own_area: area,
                    record_area: group.area(),
                }
            })
        }
        GroupAccess::User(_) => why.holds("R12", group.id == actor.group(), || Fact::OnlyOwnGroup),
    }
}

/// Whether the actor may see a report or document (R22): regular administrators all; everyone
/// else those of their own area, where "no area" matches only "no area".
pub fn may_see_report(actor: &Actor, report: &Report) -> bool {
    see_report(actor, report, &mut ())
}

/// [`may_see_report`], saying why to `why`.
pub fn see_report(actor: &Actor, report: &Report, why: &mut impl Trace) -> bool {
    match actor.access() {
        GroupAccess::Administrator => why.holds("R11", true, || Fact::RegularAdministratorSeesAll),
        access => why.holds("R22", report.area == access.area(), || {
            Fact::RecordOfOwnArea {
                own_area: access.area(),
                record_area: report.area,
            }
        }),
    }
}

/// Whether the actor may see a history entry (R21), given the area the changed record had at the
/// time of the change. Entries of no area (account-wide records, and records that had no area)
/// are for regular administrators only; everyone else sees the entries of their own area.
pub fn may_see_history_entry(actor: &Actor, entry_area: Option<AreaId>) -> bool {
    see_history_entry(actor, entry_area, &mut ())
}

/// [`may_see_history_entry`], saying why to `why`.
pub fn see_history_entry(actor: &Actor, entry_area: Option<AreaId>, why: &mut impl Trace) -> bool {
    match actor.access() {
        GroupAccess::Administrator => why.holds("R11", true, || Fact::RegularAdministratorSeesAll),
        access => why.holds(
            "R21",
            entry_area.is_some() && entry_area == access.area(),
            || Fact::RecordOfOwnArea {
                own_area: access.area(),
                record_area: entry_area,
            },
        ),
    }
}

/// The companies a person reaches, as one rule (B02's what-if weighs it before and after a
/// change; the worker turns it into SQL). [`may_see_company`] is this rule for the actor: the
/// property tests check that the two agree for every access, tick and area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompanyReach {
    /// A disabled person reaches nothing.
    Nothing,
    /// R11: every company.
    All,
    /// R12, R13: every company of the area, never narrowed.
    Area(AreaId),
    /// R14: the ticked companies, within the area of the group when it has one.
    Ticked { within: Option<AreaId> },
}

impl CompanyReach {
    /// The reach of a member of a group with `access`, active or not.
    pub fn of(access: GroupAccess, active: bool) -> CompanyReach {
        if !active {
            return CompanyReach::Nothing;
        }
        match access {
            GroupAccess::Administrator => CompanyReach::All,
            GroupAccess::LocalAdministrator(area) => CompanyReach::Area(area),
            GroupAccess::User(within) => CompanyReach::Ticked { within },
        }
    }

    /// Whether a company of `area`, `ticked` for the person or not, is reached.
    pub fn allows(self, ticked: bool, area: Option<AreaId>) -> bool {
        match self {
            CompanyReach::Nothing => false,
            CompanyReach::All => true,
            CompanyReach::Area(own) => area == Some(own),
            CompanyReach::Ticked { within } => ticked && within.is_none_or(|w| area == Some(w)),
        }
    }

    /// Whether the rule depends on the person's ticks.
    pub fn uses_ticks(self) -> bool {
        matches!(self, CompanyReach::Ticked { .. })
    }
}
