//! B01 "why can she see this?": a decision *and* the facts and rules that made it.
//!
//! The explanation is not a second copy of the rules. The functions that decide — `see_company`,
//! `edit_company_traced`, … — take a [`Trace`]; the worker's checks pass `()`, which records
//! nothing and costs nothing, and [`explain`] passes [`Steps`], which keeps each fact as it is
//! weighed. So the chain shown is the path the real decision took, and the verdict is that
//! decision's own answer: they cannot disagree (the property test asks it anyway, of random
//! accounts and questions).
//!
//! [`company_seers`] answers the reverse question on a company — who can see it, grouped by
//! why — as user scopes the worker turns into SQL, so it is paginated and fast at any size.

use serde::{Deserialize, Serialize};

use super::decide::{
    choose_company_traced, create_user_traced, edit_company_traced, edit_group_traced,
    edit_user_traced, pick_in_charge, read_history_entry, read_report_traced, tick_company,
    Decision, Denied, DenyCode,
};
use super::derive::{see_group, see_user};
use super::model::{Actor, CompanyRef, Group, GroupAccess, OptionCode, Report, User};
use super::reach::LevelNeeded;
use super::AccessLevel;
use crate::ids::{AreaId, CompanyId};

/// Where a decision says why. `holds` records that `fact` (under SPEC rule `rule`) holds or not,
/// and answers `holds` unchanged, so a decision reads as it did before it could explain itself.
pub trait Trace {
    fn holds(&mut self, rule: &'static str, holds: bool, fact: impl FnOnce() -> Fact) -> bool;
}

/// The worker's checks: nothing recorded, the fact never even built.
impl Trace for () {
    #[inline(always)]
    fn holds(&mut self, _rule: &'static str, holds: bool, _fact: impl FnOnce() -> Fact) -> bool {
        holds
    }
}

/// The facts weighed, in order.
#[derive(Debug, Default)]
pub struct Steps(pub Vec<Step>);

impl Trace for Steps {
    fn holds(&mut self, rule: &'static str, holds: bool, fact: impl FnOnce() -> Fact) -> bool {
        self.0.push(Step {
            rule: (!rule.is_empty()).then(|| rule.to_string()),
            holds,
            fact: fact(),
        });
        holds
    }
}

/// One link of an explanation: a fact, whether it holds, and the SPEC rule that makes it count.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// `R14`: the rule's number in the SPEC.
    pub rule: Option<String>,
    pub holds: bool,
    pub fact: Fact,
}

/// What a step weighs. The console words each in the reader's language.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fact {
    /// The person is disabled: they sign in to nothing.
    PersonDisabled,
    /// R11: a regular administrator sees and manages everything in the account.
    RegularAdministratorSeesAll,
    /// The record's area is (or is not) the person's own.
    RecordInOwnArea {
        own_area: AreaId,
        record_area: Option<AreaId>,
    },
    /// R22/R21: a record of the person's own area, where "no area" matches only "no area".
    RecordOfOwnArea {
        own_area: Option<AreaId>,
        record_area: Option<AreaId>,
    },
    /// R12: the record is not a regular administrator (whom local administrators never see).
    RecordNotRegularAdministrator,
    /// R14: the company is ticked in the person's Access to Companies.
    CompanyTicked,
    /// R14: the area of the person's group is the boundary of their ticks.
    CompanyWithinBoundary {
        boundary: AreaId,
        company_area: Option<AreaId>,
    },
    /// R18: a User-level person sees only themself.
    OnlyThemself,
    /// R12: a User-level person sees only their own group.
    OnlyOwnGroup,
    /// R19: regular administrators are offered in every user-in-charge picker.
    RegularAdministratorsArePickable,
    /// R19: a User-level person edits no company, so picks no one.
    UserLevelPicksNoOne,
    /// The person's level is enough for the action.
    LevelSuffices {
        needed: LevelNeeded,
        level: AccessLevel,
    },
    /// R09: the person's group holds the option of the action's screen.
    HoldsOption { option: OptionCode },
    /// R12: the group is not the person's own group.
    NotOwnGroup,
    /// R31: the group's members could do nothing the person cannot.
    WithinOwnRights,
    /// The rule that refuses, as the decision answers it.
    Refused { code: DenyCode },
}

/// The answer to one question: the decision, and the steps that made it.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verdict {
    pub allowed: bool,
    pub steps: Vec<Step>,
}

/// A record a person may be asked about.
#[derive(Debug, Clone, Copy)]
pub enum Record<'a> {
    Company(CompanyRef),
    User {
        user: &'a User,
        group: &'a Group,
    },
    Group(&'a Group),
    Report(&'a Report),
    /// A history entry, by the area its record had at the time of the change (R21).
    HistoryEntry {
        area: Option<AreaId>,
    },
}

/// May the person see the record, change it, pick it — each with its reasons. `change` and
/// `pick` are `None` where the record has no such action (reports, history entries).
///
/// - company: see = choose it to work in (R04, R11–R14); change = Modify Company Settings;
///   pick = tick it for the users they manage (R14);
/// - user: see = find them in user lists (R18); change = edit them; pick = put them in charge of
///   a company (R19);
/// - group: see; change = edit it (R12: never one's own); pick = place people in it (R15, R31);
/// - report: see = open it (R22); history entry: see = read it (R21).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub see: Verdict,
    pub change: Option<Verdict>,
    pub pick: Option<Verdict>,
}

/// The SPEC rule a refusal applies, when one rule says it.
pub fn rule_of(code: DenyCode) -> Option<&'static str> {
    use DenyCode::*;
    Some(match code {
        NotVisible | GroupMismatch => return None,
        RequiresAdministrator | CannotChangeGroupArea | CannotChangeCompanyArea => "R11",
        RequiresAdministrativeLevel
        | OptionNotHeld
        | AdminGroupHasNoArea
        | LocalAdminGroupNeedsArea
        | AdminGroupHasAllOptions
        | CannotGrantOption
        | GroupInUse => "R09",
        OutsideArea | CannotEditOwnGroup | CannotMoveSelf => "R12",
        BeyondOwnRights => "R31",
        CannotDisableSelf | CannotDeleteSelf | LastAdministrator => "R16",
        CannotImpersonate | UserInactive => "R05",
        AreaInUse => "R06",
        DirectoryCarriesArea => "R08",
        CompanyAccessLocked => "R13",
        CompanyOutsideUserArea => "R14",
        UserInChargeOutsideArea => "R19",
        CannotResetOwnMfa => "R35",
    })
}

/// Runs a decision with a trace and keeps both: the verdict is the decision's own answer, and a
/// refusal ends the chain with the rule that refused.
fn verdict(decide: impl FnOnce(&mut Steps) -> Decision) -> Verdict {
    let mut steps = Steps::default();
    let decision = decide(&mut steps);
    let Steps(mut steps) = steps;
    if let Err(Denied { code, .. }) = &decision {
        steps.push(Step {
            rule: rule_of(*code).map(str::to_string),
            holds: false,
            fact: Fact::Refused { code: *code },
        });
    }
    Verdict {
        allowed: decision.is_ok(),
        steps,
    }
}

/// What a disabled person may do with anything: nothing, for that one reason.
fn disabled() -> Verdict {
    Verdict {
        allowed: false,
        steps: vec![Step {
            rule: None,
            holds: false,
            fact: Fact::PersonDisabled,
        }],
    }
}

fn visible(seen: bool) -> Decision {
    if seen {
        Ok(())
    } else {
        Err(Denied::new(DenyCode::NotVisible, "Not visible."))
    }
}

/// B01: may `person` (of `person_group`) see, change and pick `record`, and why. Each verdict
/// is the decision the worker makes for that person, run with a trace.
pub fn explain(person: &User, person_group: &Group, record: Record<'_>) -> Explanation {
    let Ok(actor) = Actor::new(person, person_group) else {
        let has = |some: bool| some.then(disabled);
        let actionable = !matches!(record, Record::Report(_) | Record::HistoryEntry { .. });
        return Explanation {
            see: disabled(),
            change: has(actionable),
            pick: has(actionable),
        };
    };
    let actor = &actor;
    match record {
        Record::Company(company) => Explanation {
            see: verdict(|why| choose_company_traced(actor, company, why)),
            change: Some(verdict(|why| edit_company_traced(actor, company, why))),
            pick: Some(verdict(|why| tick_company(actor, company, why))),
        },
        Record::User { user, group } => Explanation {
            see: verdict(|why| visible(see_user(actor, user, group, why))),
            change: Some(verdict(|why| edit_user_traced(actor, user, group, why))),
            pick: Some(verdict(|why| pick_in_charge(actor, user, group, why))),
        },
        Record::Group(group) => Explanation {
            see: verdict(|why| visible(see_group(actor, group, why))),
            change: Some(verdict(|why| edit_group_traced(actor, group, why))),
            pick: Some(verdict(|why| create_user_traced(actor, group, why))),
        },
        Record::Report(report) => Explanation {
            see: verdict(|why| read_report_traced(actor, report, why)),
            change: None,
            pick: None,
        },
        Record::HistoryEntry { area } => Explanation {
            see: verdict(|why| read_history_entry(actor, area, why)),
            change: None,
            pick: None,
        },
    }
}

/// Why a group of people can see a company (B01's reverse question).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeerReason {
    /// R11: every active regular administrator.
    RegularAdministrator,
    /// R13: every active local administrator of the company's area.
    LocalAdministrator,
    /// R14: every active User-level person who ticked it, within their group's area.
    Ticked,
}

impl SeerReason {
    pub const ALL: [SeerReason; 3] = [
        SeerReason::RegularAdministrator,
        SeerReason::LocalAdministrator,
        SeerReason::Ticked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SeerReason::RegularAdministrator => "regular_administrator",
            SeerReason::LocalAdministrator => "local_administrator",
            SeerReason::Ticked => "ticked",
        }
    }

    pub fn parse(text: &str) -> Option<SeerReason> {
        SeerReason::ALL
            .into_iter()
            .find(|reason| reason.as_str() == text)
    }
}

/// The people one [`SeerReason`] covers, as a user scope the worker turns into SQL. Every one of
/// them is active: a disabled user sees nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seers {
    RegularAdministrators,
    LocalAdministratorsOf(AreaId),
    /// User-level people who ticked `company` and whose group has no area or `area`.
    TickedWithin {
        company: CompanyId,
        area: Option<AreaId>,
    },
    /// No one (local administrators of a company of no area).
    NoOne,
}

/// Who can see `company` for `reason`. Together the three reasons are exactly the active users
/// for whom [`super::may_see_company`] says yes (property-tested).
pub fn company_seers(company: CompanyRef, reason: SeerReason) -> Seers {
    match reason {
        SeerReason::RegularAdministrator => Seers::RegularAdministrators,
        SeerReason::LocalAdministrator => match company.area {
            Some(area) => Seers::LocalAdministratorsOf(area),
            None => Seers::NoOne,
        },
        SeerReason::Ticked => Seers::TickedWithin {
            company: company.id,
            area: company.area,
        },
    }
}

impl Seers {
    /// Row by row, what the worker's SQL of this scope selects (the property test's twin).
    pub fn includes(self, user: &User, group: &Group) -> bool {
        user.active
            && match (self, group.access) {
                (Seers::RegularAdministrators, GroupAccess::Administrator) => true,
                (Seers::LocalAdministratorsOf(area), GroupAccess::LocalAdministrator(own)) => {
                    area == own
                }
                (Seers::TickedWithin { company, area }, GroupAccess::User(boundary)) => {
                    user.ticked.contains(&company) && (boundary.is_none() || boundary == area)
                }
                _ => false,
            }
    }
}
