//! Decisions: one function per action, answering whether the actor may do it (R05–R23).
//!
//! Every decision checks in the same order, so that a refusal never reveals more than the actor
//! may know:
//! 1. the actor's level and the option of the screen, which do not depend on the target;
//! 2. whether the target is visible to the actor — if not, [`DenyCode::NotVisible`], which the
//!    worker answers exactly like a missing row (404), so nothing of another area leaks;
//! 3. the rules about the visible target (403, or 409/422 for conflicts and invalid shapes).
//!
//! Everything is checked against the actor's effective rights — those of the impersonated user
//! while acting as another (R05) — and never trusts what the client claims (R15).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::derive::{
    may_hold_user_in_charge, pick_user_in_charge, see_company, see_group, see_history_entry,
    see_report, see_user,
};
use super::explain::{Fact, Trace};
use super::model::{
    Actor, Company, CompanyRef, Directory, Group, GroupAccess, OptionCode, OptionSet, Report,
    Rights, User,
};
use super::reach::{level_suffices, LevelNeeded, Reach};
use super::scope::{history_scope, report_scope, HistoryScope, ReportScope, UserScope};
use super::AccessLevel;
use crate::ids::{AreaId, DirectoryId};

/// The outcome of a decision that has nothing more to say than yes.
pub type Decision = Result<(), Denied>;

/// Why an action was refused, stable for the console and the tests (`snake_case`).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DenyCode {
    /// The target does not exist as far as the actor may know (answered as 404).
    NotVisible,
    /// Only regular administrators may do this.
    RequiresAdministrator,
    /// Only regular or local administrators may do this; User-level actors administer nothing.
    RequiresAdministrativeLevel,
    /// The actor's group lacks the option (screen) this action belongs to.
    OptionNotHeld,
    /// A local administrator asked for an area other than their own.
    OutsideArea,
    AdminGroupHasNoArea,
    LocalAdminGroupNeedsArea,
    /// An Administrator group always has every option.
    AdminGroupHasAllOptions,
    /// A local administrator tried to give a group an option they do not hold themselves.
    CannotGrantOption,
    /// The change would let someone do what the local administrator making it cannot (R31).
    BeyondOwnRights,
    CannotChangeGroupArea,
    CannotChangeCompanyArea,
    /// A local administrator tried to edit the group they belong to.
    CannotEditOwnGroup,
    /// A local administrator tried to move themself to another group.
    CannotMoveSelf,
    CannotDisableSelf,
    CannotDeleteSelf,
    /// The change would leave the account without an active regular administrator.
    LastAdministrator,
    CannotImpersonate,
    UserInactive,
    AreaInUse,
    GroupInUse,
    /// In a multidimensional directory the directory's area is every company's area.
    DirectoryCarriesArea,
    /// The target's company access is not a list of ticks (administrators), so it cannot be set.
    CompanyAccessLocked,
    /// A company outside the area of the user's group cannot be ticked for them.
    CompanyOutsideUserArea,
    /// The user in charge of a company is a user of its area or a regular administrator (R19).
    UserInChargeOutsideArea,
    /// The group given for a user is not the user's group (a caller's mistake).
    GroupMismatch,
    /// An administrator's own second factor is reset by another administrator, never by
    /// themself (R35: a stolen session must not be able to swap the factor).
    CannotResetOwnMfa,
}

impl DenyCode {
    pub const ALL: &'static [DenyCode] = &[
        DenyCode::NotVisible,
        DenyCode::RequiresAdministrator,
        DenyCode::RequiresAdministrativeLevel,
        DenyCode::OptionNotHeld,
        DenyCode::OutsideArea,
        DenyCode::AdminGroupHasNoArea,
        DenyCode::LocalAdminGroupNeedsArea,
        DenyCode::AdminGroupHasAllOptions,
        DenyCode::CannotGrantOption,
        DenyCode::BeyondOwnRights,
        DenyCode::CannotChangeGroupArea,
        DenyCode::CannotChangeCompanyArea,
        DenyCode::CannotEditOwnGroup,
        DenyCode::CannotMoveSelf,
        DenyCode::CannotDisableSelf,
        DenyCode::CannotDeleteSelf,
        DenyCode::LastAdministrator,
        DenyCode::CannotImpersonate,
        DenyCode::UserInactive,
        DenyCode::AreaInUse,
        DenyCode::GroupInUse,
        DenyCode::DirectoryCarriesArea,
        DenyCode::CompanyAccessLocked,
        DenyCode::CompanyOutsideUserArea,
        DenyCode::UserInChargeOutsideArea,
        DenyCode::GroupMismatch,
        DenyCode::CannotResetOwnMfa,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DenyCode::NotVisible => "not_visible",
            DenyCode::RequiresAdministrator => "requires_administrator",
            DenyCode::RequiresAdministrativeLevel => "requires_administrative_level",
            DenyCode::OptionNotHeld => "option_not_held",
            DenyCode::OutsideArea => "outside_area",
            DenyCode::AdminGroupHasNoArea => "admin_group_has_no_area",
            DenyCode::LocalAdminGroupNeedsArea => "local_admin_group_needs_area",
            DenyCode::AdminGroupHasAllOptions => "admin_group_has_all_options",
            DenyCode::CannotGrantOption => "cannot_grant_option",
            DenyCode::BeyondOwnRights => "beyond_own_rights",
            DenyCode::CannotChangeGroupArea => "cannot_change_group_area",
            DenyCode::CannotChangeCompanyArea => "cannot_change_company_area",
            DenyCode::CannotEditOwnGroup => "cannot_edit_own_group",
            DenyCode::CannotMoveSelf => "cannot_move_self",
            DenyCode::CannotDisableSelf => "cannot_disable_self",
            DenyCode::CannotDeleteSelf => "cannot_delete_self",
            DenyCode::LastAdministrator => "last_administrator",
            DenyCode::CannotImpersonate => "cannot_impersonate",
            DenyCode::UserInactive => "user_inactive",
            DenyCode::AreaInUse => "area_in_use",
            DenyCode::GroupInUse => "group_in_use",
            DenyCode::DirectoryCarriesArea => "directory_carries_area",
            DenyCode::CompanyAccessLocked => "company_access_locked",
            DenyCode::CompanyOutsideUserArea => "company_outside_user_area",
            DenyCode::UserInChargeOutsideArea => "user_in_charge_outside_area",
            DenyCode::GroupMismatch => "group_mismatch",
            DenyCode::CannotResetOwnMfa => "cannot_reset_own_mfa",
        }
    }

    pub fn parse(text: &str) -> Option<DenyCode> {
        DenyCode::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == text)
    }

    /// The request field a refusal is about, where one is: shapes no one may save (422) always
    /// name theirs, so the console can show the refusal beside the field.
    pub fn field(self) -> Option<&'static str> {
        match self {
            DenyCode::AdminGroupHasNoArea
            | DenyCode::LocalAdminGroupNeedsArea
            | DenyCode::DirectoryCarriesArea
            | DenyCode::CannotChangeGroupArea
            | DenyCode::CannotChangeCompanyArea
            | DenyCode::OutsideArea => Some("area_id"),
            DenyCode::AdminGroupHasAllOptions | DenyCode::CannotGrantOption => Some("options"),
            DenyCode::UserInChargeOutsideArea => Some("user_in_charge_id"),
            DenyCode::CompanyOutsideUserArea => Some("company_ids"),
            DenyCode::GroupMismatch => Some("group_id"),
            _ => None,
        }
    }

    /// The HTTP status the worker answers with: 404 for what the actor may not know exists,
    /// 409 for conflicts with the current data, 422 for shapes no one may save, else 403.
    pub fn http_status(self) -> u16 {
        match self {
            DenyCode::NotVisible => 404,
            DenyCode::AreaInUse | DenyCode::GroupInUse | DenyCode::LastAdministrator => 409,
            DenyCode::AdminGroupHasNoArea
            | DenyCode::LocalAdminGroupNeedsArea
            | DenyCode::AdminGroupHasAllOptions
            | DenyCode::DirectoryCarriesArea
            | DenyCode::UserInChargeOutsideArea
            | DenyCode::GroupMismatch => 422,
            _ => 403,
        }
    }
}

/// A refusal: a stable code and a sentence a person can read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Denied {
    pub code: DenyCode,
    pub message: String,
}

impl Denied {
    pub fn new(code: DenyCode, message: impl Into<String>) -> Self {
        Denied {
            code,
            message: message.into(),
        }
    }

    /// Whether the worker must answer as if the target did not exist (404), rather than
    /// "visible but forbidden" (403): answering 403 would confirm the record exists.
    pub fn is_not_visible(&self) -> bool {
        self.code == DenyCode::NotVisible
    }

    pub fn http_status(&self) -> u16 {
        self.code.http_status()
    }
}

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Denied {}

// ---------------------------------------------------------------------------------------------
// Shared checks.

/// Same words as a missing row, so the refusal says nothing about existence.
fn not_visible(what: &str) -> Denied {
    Denied::new(DenyCode::NotVisible, format!("There is no such {what}."))
}

fn require_regular_administrator(actor: &Actor, what: &str) -> Decision {
    if actor.is_regular_administrator() {
        Ok(())
    } else {
        Err(Denied::new(
            DenyCode::RequiresAdministrator,
            format!("Only a regular administrator can {what}."),
        ))
    }
}

fn require_administrative_level(actor: &Actor, what: &str) -> Decision {
    match actor.level() {
        AccessLevel::Administrator | AccessLevel::LocalAdministrator => Ok(()),
        AccessLevel::User => Err(Denied::new(
            DenyCode::RequiresAdministrativeLevel,
            format!("Only an administrator can {what}."),
        )),
    }
}

/// What `reach` needs of the actor's rights (the same answer the console asks before offering
/// it), with the refusal that names what is missing.
fn require_reach(actor: &Actor, reach: Reach, what: &str) -> Decision {
    require_reach_traced(actor, reach, what, &mut ())
}

/// [`require_reach`], saying why to `why`: the level first, then the option.
fn require_reach_traced(actor: &Actor, reach: Reach, what: &str, why: &mut impl Trace) -> Decision {
    let (needed, option) = reach.needs();
    let rule = match needed {
        LevelNeeded::RegularAdministrator => "R11",
        LevelNeeded::Administrative | LevelNeeded::Any => "R09",
    };
    if !why.holds(rule, level_suffices(needed, actor.level()), || {
        Fact::LevelSuffices {
            needed,
            level: actor.level(),
        }
    }) {
        return match needed {
            LevelNeeded::RegularAdministrator => require_regular_administrator(actor, what),
            LevelNeeded::Administrative | LevelNeeded::Any => {
                require_administrative_level(actor, what)
            }
        };
    }
    why.holds("R09", actor.holds(option), || Fact::HoldsOption { option });
    require_option(actor, option)
}

fn require_option(actor: &Actor, option: OptionCode) -> Decision {
    if actor.holds(option) {
        Ok(())
    } else {
        Err(Denied::new(
            DenyCode::OptionNotHeld,
            format!(
                "Your user group does not have the option \"{}\".",
                option.as_str()
            ),
        ))
    }
}

fn require_user_visible(
    actor: &Actor,
    target: &User,
    target_group: &Group,
    why: &mut impl Trace,
) -> Decision {
    if target.group != target_group.id {
        return Err(Denied::new(
            DenyCode::GroupMismatch,
            "The group given is not the user's group.",
        ));
    }
    if see_user(actor, target, target_group, why) {
        Ok(())
    } else {
        Err(not_visible("user"))
    }
}

fn require_group_visible(actor: &Actor, group: &Group, why: &mut impl Trace) -> Decision {
    if see_group(actor, group, why) {
        Ok(())
    } else {
        Err(not_visible("user group"))
    }
}

fn require_company_visible(actor: &Actor, company: CompanyRef, why: &mut impl Trace) -> Decision {
    if see_company(actor, company, why) {
        Ok(())
    } else {
        Err(not_visible("company"))
    }
}

/// R16: refuses a change that ends a regular administrator's active administration when no
/// other active regular administrator would remain.
fn keep_an_administrator(
    ends_an_active_administrator: bool,
    other_active_administrators: u32,
) -> Decision {
    if ends_an_active_administrator && other_active_administrators == 0 {
        Err(Denied::new(
            DenyCode::LastAdministrator,
            "The account must keep at least one active regular administrator: make another user \
             a regular administrator first.",
        ))
    } else {
        Ok(())
    }
}

/// The rights a user has through `group`: none while disabled (R31 counts enabling as a gain).
fn member_rights(user: &User, group: &Group) -> Option<Rights> {
    user.active.then(|| Rights::of_group(group))
}

/// R31, the options ceiling: whatever a local administrator does, what a person can do after it
/// minus what they could do before lies within what that local administrator can do. `before`
/// is `None` for someone who could do nothing (a new or disabled user); `whom` names them in
/// the refusal. Regular administrators hold every right, so this only ever stops local
/// administrators.
pub fn within_own_rights(
    actor: &Actor,
    before: Option<Rights>,
    after: Option<Rights>,
    whom: &str,
) -> Decision {
    let Some(after) = after else {
        return Ok(());
    };
    if actor.is_regular_administrator() {
        return Ok(());
    }
    let held = actor.rights();
    let (level, options) = after.gained_over(before);
    let unheld = options.difference(held.options);
    let level_beyond = level.filter(|level| level.power() > held.level.power());
    if level_beyond.is_none() && unheld.is_empty() {
        return Ok(());
    }
    let mut beyond: Vec<&str> = Vec::new();
    if let Some(level) = level_beyond {
        beyond.push(level.as_str());
    }
    beyond.extend(unheld.iter().map(OptionCode::as_str));
    Err(Denied::new(
        DenyCode::BeyondOwnRights,
        format!(
            "This would let {whom} do what you cannot do yourself: {}. Ask a regular \
             administrator.",
            beyond.join(", ")
        ),
    ))
}

/// Gates every user-management action: an administrator with the Users option.
fn user_management(actor: &Actor, target: &User, target_group: &Group) -> Decision {
    user_management_traced(actor, target, target_group, &mut ())
}

fn user_management_traced(
    actor: &Actor,
    target: &User,
    target_group: &Group,
    why: &mut impl Trace,
) -> Decision {
    require_reach_traced(actor, Reach::ManageUsers, "manage users", why)?;
    require_user_visible(actor, target, target_group, why)
}

/// Gates every group-management action on an existing group, R12's "not their own group"
/// included.
fn group_management(actor: &Actor, group: &Group) -> Decision {
    group_management_traced(actor, group, &mut ())
}

fn group_management_traced(actor: &Actor, group: &Group, why: &mut impl Trace) -> Decision {
    require_reach_traced(actor, Reach::ManageGroups, "manage user groups", why)?;
    require_group_visible(actor, group, why)?;
    if !actor.is_regular_administrator()
        && !why.holds("R12", !actor.is_own_group(group.id), || Fact::NotOwnGroup)
    {
        return Err(Denied::new(
            DenyCode::CannotEditOwnGroup,
            "A local administrator cannot change the user group they belong to; ask a regular \
             administrator.",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Areas (R06): regular administrators only, option AreasManage.

/// What still uses an area, counted by the worker; an area in use cannot be deleted (R06).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AreaUsage {
    pub companies: u32,
    pub directories: u32,
    pub groups: u32,
    pub reports: u32,
}

impl AreaUsage {
    /// "3 companies and 1 user group", or `None` when nothing uses the area.
    pub fn describe(&self) -> Option<String> {
        let parts: Vec<String> = [
            (self.companies, "company", "companies"),
            (self.directories, "directory", "directories"),
            (self.groups, "user group", "user groups"),
            (self.reports, "report", "reports"),
        ]
        .into_iter()
        .filter(|(count, _, _)| *count > 0)
        .map(|(count, one, many)| format!("{count} {}", if count == 1 { one } else { many }))
        .collect();
        match parts.as_slice() {
            [] => None,
            [only] => Some(only.clone()),
            [init @ .., last] => Some(format!("{} and {last}", init.join(", "))),
        }
    }
}

fn area_management(actor: &Actor) -> Decision {
    require_reach(actor, Reach::ManageAreas, "manage areas")
}

/// Reading Area Management's list: the same regular administrators who manage areas (R06).
pub fn read_areas(actor: &Actor) -> Decision {
    area_management(actor)
}

pub fn create_area(actor: &Actor) -> Decision {
    area_management(actor)
}

pub fn rename_area(actor: &Actor) -> Decision {
    area_management(actor)
}

pub fn delete_area(actor: &Actor, usage: &AreaUsage) -> Decision {
    area_management(actor)?;
    match usage.describe() {
        None => Ok(()),
        Some(users) => Err(Denied::new(
            DenyCode::AreaInUse,
            format!("The area cannot be deleted: it is used by {users}."),
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Directories (R08): regular administrators only, option DirectoriesManage. A directory holds
// companies of several areas, and in multidimensional mode its area is its companies' area, so
// every directory change may change companies outside any one area.

fn directory_management(actor: &Actor) -> Decision {
    require_reach(
        actor,
        Reach::ManageDirectories,
        "manage company directories",
    )
}

/// Reading the directories list: every administrator, since creating a company means choosing
/// its directory; which directories is [`super::directory_scope`]'s answer.
pub fn read_directories(actor: &Actor) -> Result<super::scope::DirectoryScope, Denied> {
    require_administrative_level(actor, "read company directories")?;
    Ok(super::scope::directory_scope(actor))
}

pub fn create_directory(actor: &Actor) -> Decision {
    directory_management(actor)
}

/// Any directory edit, its multidimensional mode and area included. When the directory is (or
/// becomes) multidimensional, the worker sets every company's area to the directory's (R08);
/// when it leaves that mode, each company keeps the area it had through the directory.
pub fn edit_directory(actor: &Actor) -> Decision {
    directory_management(actor)
}

// ---------------------------------------------------------------------------------------------
// Companies (R07, R08, R11, R12): administrators with option CompaniesManage.

/// R08: the first company of a multidimensional directory that has no area yet gives the
/// directory its area — the company's, when one is asked for. A regular administrator's only: a
/// directory spans areas (R11), and a local administrator does not see an area-less one. Then
/// [`create_company`] decides as for a directory that carried that area.
pub fn first_company_gives_directory_area(
    actor: &Actor,
    directory: &Directory,
    requested_area: Option<AreaId>,
    directory_is_empty: bool,
) -> Option<AreaId> {
    let applies = directory.multidimensional
        && directory.area.is_none()
        && directory_is_empty
        && actor.is_regular_administrator();
    requested_area.filter(|_| applies)
}

/// Decides the creation of a company in `directory` and returns the area it gets.
///
/// A local administrator's company gets their area; naming another is refused (R12). In a
/// multidimensional directory the company gets the directory's area (R08), so naming another
/// is refused, and a local administrator may only use such a directory of their own area.
/// A regular administrator's `None` means "no area" (or the directory's, when it carries one).
pub fn create_company(
    actor: &Actor,
    directory: &Directory,
    requested_area: Option<AreaId>,
) -> Result<Option<AreaId>, Denied> {
    require_reach(actor, Reach::ManageCompanies, "create companies")?;
    let area = match actor.access() {
        GroupAccess::LocalAdministrator(own) => {
            if requested_area.is_some_and(|asked| asked != own) {
                return Err(Denied::new(
                    DenyCode::OutsideArea,
                    "A local administrator creates companies in their own area only.",
                ));
            }
            Some(own)
        }
        _ => requested_area,
    };
    if !directory.multidimensional {
        return Ok(area);
    }
    if !actor.is_regular_administrator() && directory.area != area {
        return Err(Denied::new(
            DenyCode::OutsideArea,
            "This directory is multidimensional and belongs to another area: its companies take \
             the directory's area.",
        ));
    }
    if area.is_some() && directory.area != area {
        return Err(Denied::new(
            DenyCode::DirectoryCarriesArea,
            "This directory is multidimensional: its companies take the directory's area. Leave \
             the area empty or choose the directory's.",
        ));
    }
    Ok(directory.area)
}

/// Editing a company's own fields (code, name), not its area.
pub fn edit_company(actor: &Actor, company: CompanyRef) -> Decision {
    edit_company_traced(actor, company, &mut ())
}

/// [`edit_company`], saying why to `why` (B01).
pub fn edit_company_traced(actor: &Actor, company: CompanyRef, why: &mut impl Trace) -> Decision {
    require_reach_traced(actor, Reach::ManageCompanies, "edit companies", why)?;
    require_company_visible(actor, company, why)
}

/// Choosing the company's user in charge (R19): the candidate must be in the actor's picker,
/// and, whoever the actor is, a user of the company's area or a regular administrator, so that
/// no reader of the company meets a person outside their area through it.
pub fn set_user_in_charge(
    actor: &Actor,
    company: CompanyRef,
    candidate: &User,
    candidate_group: &Group,
) -> Decision {
    edit_company(actor, company)?;
    pick_in_charge(actor, candidate, candidate_group, &mut ())?;
    if !may_hold_user_in_charge(company.area, candidate_group) {
        return Err(Denied::new(
            DenyCode::UserInChargeOutsideArea,
            "The user in charge of a company must be a user of the company's area or a regular \
             administrator.",
        ));
    }
    Ok(())
}

/// Whether the actor may put `candidate` in charge of the companies they edit (R19): the
/// Companies option, and the candidate in their user-in-charge picker. [`set_user_in_charge`]
/// asks it; B01 explains it.
pub fn pick_in_charge(
    actor: &Actor,
    candidate: &User,
    candidate_group: &Group,
    why: &mut impl Trace,
) -> Decision {
    require_reach_traced(
        actor,
        Reach::ManageCompanies,
        "choose a user in charge",
        why,
    )?;
    if candidate.group != candidate_group.id || !pick_user_in_charge(actor, candidate_group, why) {
        return Err(not_visible("user"));
    }
    Ok(())
}

/// What changing a company's area changes (R08).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompanyAreaChange {
    /// Only this company.
    OnlyCompany,
    /// The company is in a multidimensional directory: the directory's area and that of every
    /// company in it change together.
    WholeDirectory(DirectoryId),
}

/// Changing a company's area: regular administrators only (R11).
pub fn set_company_area(
    actor: &Actor,
    company: &Company,
    directory: &Directory,
) -> Result<CompanyAreaChange, Denied> {
    require_reach(actor, Reach::ManageCompanies, "change a company's area")?;
    require_company_visible(
        actor,
        super::derive::company_ref(company, directory),
        &mut (),
    )?;
    if !actor.is_regular_administrator() {
        return Err(Denied::new(
            DenyCode::CannotChangeCompanyArea,
            "Only a regular administrator can change the area of a company.",
        ));
    }
    if directory.multidimensional {
        Ok(CompanyAreaChange::WholeDirectory(directory.id))
    } else {
        Ok(CompanyAreaChange::OnlyCompany)
    }
}

// ---------------------------------------------------------------------------------------------
// User groups (R09, R11, R12): administrators with option GroupsManage.

/// Refuses giving a group options the actor does not hold (R09). Regular administrators hold
/// every option, so this only ever stops local administrators.
fn grant_only_held_options(actor: &Actor, added: OptionSet) -> Decision {
    let unheld = added.difference(actor.options());
    if unheld.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = unheld.iter().map(OptionCode::as_str).collect();
    Err(Denied::new(
        DenyCode::CannotGrantOption,
        format!(
            "You can give a group only options you hold yourself; you do not hold: {}.",
            names.join(", ")
        ),
    ))
}

/// Decides the creation of a group and returns its access.
///
/// A local administrator creates groups of their own area only (naming another is refused,
/// naming none gives theirs), never of the Administrator level, and may create Local
/// Administrator groups (R12). Options beyond the actor's are refused (R09).
pub fn create_group(
    actor: &Actor,
    level: AccessLevel,
    requested_area: Option<AreaId>,
    options: OptionSet,
) -> Result<GroupAccess, Denied> {
    require_reach(actor, Reach::ManageGroups, "create user groups")?;
    let access = match actor.access() {
        GroupAccess::LocalAdministrator(own) => {
            if level == AccessLevel::Administrator {
                return Err(Denied::new(
                    DenyCode::RequiresAdministrator,
                    "Only a regular administrator can create an Administrator-level group.",
                ));
            }
            if requested_area.is_some_and(|asked| asked != own) {
                return Err(Denied::new(
                    DenyCode::OutsideArea,
                    "A local administrator creates user groups in their own area only.",
                ));
            }
            GroupAccess::new(level, Some(own))?
        }
        _ => GroupAccess::new(level, requested_area)?,
    };
    if access != GroupAccess::Administrator {
        grant_only_held_options(actor, options)?;
    }
    Ok(access)
}

/// Editing a group's own fields (code, description).
pub fn edit_group(actor: &Actor, group: &Group) -> Decision {
    group_management(actor, group)
}

/// [`edit_group`], saying why to `why` (B01).
pub fn edit_group_traced(actor: &Actor, group: &Group, why: &mut impl Trace) -> Decision {
    group_management_traced(actor, group, why)
}

/// Changing a group's level and area together, returning the new access.
///
/// Only regular administrators change a group's area (R11) or make a group Administrator-level;
/// a local administrator may move a group of their area between the Local Administrator and
/// User levels, but not their own group (R12), and not so that its members could do more than
/// they can (R31: the stored options come alive at a higher level). Demoting an Administrator
/// group is refused when `other_active_administrators` — active regular administrators
/// outside this group — is zero (R16).
pub fn change_group_access(
    actor: &Actor,
    group: &Group,
    level: AccessLevel,
    area: Option<AreaId>,
    other_active_administrators: u32,
) -> Result<GroupAccess, Denied> {
    let access = group_access_change(actor, group, level, area, other_active_administrators)?;
    within_own_rights(
        actor,
        Some(Rights::of_group(group)),
        Some(Rights::of_group_parts(access, group.options)),
        "the group's members",
    )?;
    Ok(access)
}

fn group_access_change(
    actor: &Actor,
    group: &Group,
    level: AccessLevel,
    area: Option<AreaId>,
    other_active_administrators: u32,
) -> Result<GroupAccess, Denied> {
    group_management(actor, group)?;
    if !actor.is_regular_administrator() {
        if level == AccessLevel::Administrator || group.level() == AccessLevel::Administrator {
            return Err(Denied::new(
                DenyCode::RequiresAdministrator,
                "Only a regular administrator can create or edit an Administrator-level group.",
            ));
        }
        if area != group.area() {
            return Err(Denied::new(
                DenyCode::CannotChangeGroupArea,
                "Only a regular administrator can change the area of a user group.",
            ));
        }
    }
    let access = GroupAccess::new(level, area)?;
    keep_an_administrator(
        group.level() == AccessLevel::Administrator && level != AccessLevel::Administrator,
        other_active_administrators,
    )?;
    Ok(access)
}

/// Setting a group's options. Only options being added count as given: a local administrator
/// may keep or remove options a regular administrator gave, not add ones they lack (R09); and
/// the members may not end up able to do more than the local administrator (R31).
pub fn set_group_options(actor: &Actor, group: &Group, options: OptionSet) -> Decision {
    group_options_change(actor, group, options)?;
    within_own_rights(
        actor,
        Some(Rights::of_group(group)),
        Some(Rights::of_group_parts(group.access, options)),
        "the group's members",
    )
}

fn group_options_change(actor: &Actor, group: &Group, options: OptionSet) -> Decision {
    group_management(actor, group)?;
    if group.access == GroupAccess::Administrator {
        return if options == OptionSet::all() {
            Ok(())
        } else {
            Err(Denied::new(
                DenyCode::AdminGroupHasAllOptions,
                "An Administrator group always has every option.",
            ))
        };
    }
    grant_only_held_options(actor, options.difference(group.effective_options()))
}

/// One Save of the group form (R32): code and description (see [`edit_group`]), level and area
/// ([`change_group_access`]) and options ([`set_group_options`]) decided together, returning
/// the access and options to store. R31 is checked on the whole change, so a local
/// administrator may raise a group's level while removing the options that would have come
/// alive, and may not do it the other way round in one request either.
pub fn update_group(
    actor: &Actor,
    group: &Group,
    level: AccessLevel,
    area: Option<AreaId>,
    options: OptionSet,
    other_active_administrators: u32,
) -> Result<(GroupAccess, OptionSet), Denied> {
    group_management(actor, group)?;
    let access = if level != group.level() || area != group.area() {
        group_access_change(actor, group, level, area, other_active_administrators)?
    } else {
        group.access
    };
    let reshaped = Group::new(group.id, group.code.clone(), access, group.options);
    let options = if access == GroupAccess::Administrator {
        OptionSet::all()
    } else {
        options
    };
    if options != reshaped.effective_options() {
        group_options_change(actor, &reshaped, options)?;
    }
    within_own_rights(
        actor,
        Some(Rights::of_group(group)),
        Some(Rights::of_group_parts(access, options)),
        "the group's members",
    )?;
    Ok((access, options))
}

/// Deleting a group, refused while `members` users belong to it.
pub fn delete_group(actor: &Actor, group: &Group, members: u32) -> Decision {
    group_management(actor, group)?;
    if members > 0 {
        return Err(Denied::new(
            DenyCode::GroupInUse,
            format!(
                "The user group cannot be deleted: {members} user{} belong{} to it.",
                if members == 1 { "" } else { "s" },
                if members == 1 { "s" } else { "" }
            ),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Users (R10, R12, R16, R17): administrators with option UsersManage.

/// Creating a user in `group`: a local administrator only in a group of their area, which is
/// the new user's area (R10, R12).
/// The new user may not be able to do more than the local administrator creating them (R31).
/// B04, B06: importing users from a file, or acting on many at once, is managing users (R09);
/// each line or person is then decided as its single edit would be.
pub fn manage_users_in_bulk(actor: &Actor) -> Decision {
    require_reach(actor, Reach::ManageUsers, "manage users")
}

/// ASVS 7.4.5: ending at once the sessions of every user one manages (a stolen password, a
/// departure) is managing users; the answer is whose: the actor's users (R12, R18).
pub fn end_everyones_sessions(actor: &Actor) -> Result<UserScope, Denied> {
    require_reach(
        actor,
        Reach::ManageUsers,
        "end the sessions of the users you manage",
    )?;
    Ok(super::scope::user_scope(actor))
}

/// B04: importing user groups is managing them (R09); each line is then the group form's Save.
pub fn manage_groups_in_bulk(actor: &Actor) -> Decision {
    require_reach(actor, Reach::ManageGroups, "manage user groups")
}

/// B04: importing companies is managing them; each line is then the company form's Save.
pub fn manage_companies_in_bulk(actor: &Actor) -> Decision {
    require_reach(actor, Reach::ManageCompanies, "manage companies")
}

pub fn create_user(actor: &Actor, group: &Group) -> Decision {
    create_user_traced(actor, group, &mut ())
}

/// [`create_user`], saying why to `why`: whether the actor may place people in `group` (B01).
pub fn create_user_traced(actor: &Actor, group: &Group, why: &mut impl Trace) -> Decision {
    require_reach_traced(actor, Reach::ManageUsers, "create users", why)?;
    require_group_visible(actor, group, why)?;
    let ceiling = within_own_rights(actor, None, Some(Rights::of_group(group)), "the new user");
    why.holds("R31", ceiling.is_ok(), || Fact::WithinOwnRights);
    ceiling
}

/// Editing a user's own fields (name, user code, mail password).
pub fn edit_user(actor: &Actor, target: &User, target_group: &Group) -> Decision {
    user_management(actor, target, target_group)
}

/// [`edit_user`], saying why to `why` (B01).
pub fn edit_user_traced(
    actor: &Actor,
    target: &User,
    target_group: &Group,
    why: &mut impl Trace,
) -> Decision {
    user_management_traced(actor, target, target_group, why)
}

/// R35: resetting a user's second factor (they enrol again at their next sign-in) is managing
/// that user, within the actor's scope, and never one's own.
pub fn reset_mfa(actor: &Actor, target: &User, target_group: &Group) -> Decision {
    user_management(actor, target, target_group)?;
    if actor.is_self(target.id) {
        return Err(Denied::new(
            DenyCode::CannotResetOwnMfa,
            "You cannot reset your own second factor; ask another administrator.",
        ));
    }
    Ok(())
}

/// R35: administrators and local administrators must sign in with a second factor; users may.
pub fn second_factor_required(level: AccessLevel) -> bool {
    matches!(
        level,
        AccessLevel::Administrator | AccessLevel::LocalAdministrator
    )
}

/// R35: what a session still owes before it is fully signed in. `level` is the level of the
/// person who signed in (never of a user acted as, R05); `enrolled` whether they have a confirmed
/// second factor; `entered` whether this session's second factor was entered.
pub fn mfa_step(level: AccessLevel, enrolled: bool, entered: bool) -> Option<crate::api::MfaStep> {
    use crate::api::MfaStep;
    match (enrolled, entered) {
        (true, false) => Some(MfaStep::Verify),
        (false, _) if second_factor_required(level) => Some(MfaStep::Enrol),
        _ => None,
    }
}

/// Enabling gives the user their group's rights again: within the actor's own (R31).
pub fn enable_user(actor: &Actor, target: &User, target_group: &Group) -> Decision {
    user_management(actor, target, target_group)?;
    within_own_rights(
        actor,
        member_rights(target, target_group),
        Some(Rights::of_group(target_group)),
        "this user",
    )
}

/// Disabling a user; `other_active_administrators` counts the active regular administrators
/// other than `target` (R16).
pub fn disable_user(
    actor: &Actor,
    target: &User,
    target_group: &Group,
    other_active_administrators: u32,
) -> Decision {
    user_management(actor, target, target_group)?;
    if actor.is_self(target.id) {
        return Err(Denied::new(
            DenyCode::CannotDisableSelf,
            "You cannot disable the user you are signed in as.",
        ));
    }
    keep_an_administrator(
        target.active && target_group.level() == AccessLevel::Administrator,
        other_active_administrators,
    )
}

/// Deleting a user; `other_active_administrators` as for [`disable_user`].
pub fn delete_user(
    actor: &Actor,
    target: &User,
    target_group: &Group,
    other_active_administrators: u32,
) -> Decision {
    user_management(actor, target, target_group)?;
    if actor.is_self(target.id) {
        return Err(Denied::new(
            DenyCode::CannotDeleteSelf,
            "You cannot delete the user you are signed in as.",
        ));
    }
    keep_an_administrator(
        target.active && target_group.level() == AccessLevel::Administrator,
        other_active_administrators,
    )
}

/// What an allowed move means for the person making it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoveNotice {
    /// The user changes area (R17).
    pub crosses_area: bool,
}

impl MoveNotice {
    /// The warning the console shows before a move across areas (R17).
    pub fn warning(&self) -> Option<&'static str> {
        self.crosses_area.then_some(
            "This moves the user to another area. Creating a new user and group in that area is \
             the recommended way.",
        )
    }
}

/// Moving `target` from `from_group` (their group) to `to_group`.
///
/// A local administrator moves users of their area into groups of their area only (so never
/// into an Administrator group), and not themself (R12); across areas is for regular
/// administrators only, with a warning (R17). Demoting the last active regular administrator is
/// refused (R16); `other_active_administrators` counts those other than `target`.
pub fn move_user(
    actor: &Actor,
    target: &User,
    from_group: &Group,
    to_group: &Group,
    other_active_administrators: u32,
) -> Result<MoveNotice, Denied> {
    user_management(actor, target, from_group)?;
    require_group_visible(actor, to_group, &mut ())?;
    let crosses_area = from_group.area() != to_group.area();
    if !actor.is_regular_administrator() {
        if actor.is_self(target.id) {
            return Err(Denied::new(
                DenyCode::CannotMoveSelf,
                "A local administrator cannot change their own user group; ask a regular \
                 administrator.",
            ));
        }
        if to_group.level() == AccessLevel::Administrator {
            return Err(Denied::new(
                DenyCode::RequiresAdministrator,
                "Only a regular administrator can make a user a regular administrator.",
            ));
        }
        if crosses_area {
            return Err(Denied::new(
                DenyCode::RequiresAdministrator,
                "Only a regular administrator can move a user to a group of another area.",
            ));
        }
    }
    within_own_rights(
        actor,
        member_rights(target, from_group),
        member_rights(target, to_group),
        "this user",
    )?;
    keep_an_administrator(
        target.active
            && from_group.level() == AccessLevel::Administrator
            && to_group.level() != AccessLevel::Administrator,
        other_active_administrators,
    )?;
    Ok(MoveNotice { crosses_area })
}

/// Replacing the companies ticked for `target` with `requested` (each with its effective area).
///
/// Only User-level targets have ticks: administrators reach companies by level, and a local
/// administrator's access to every company of their area cannot be narrowed (R13). Every
/// requested company must be visible to the actor and, when the target's group has an area,
/// of that area (R14). One company out of bounds refuses the whole request.
pub fn set_ticked_companies(
    actor: &Actor,
    target: &User,
    target_group: &Group,
    requested: &[CompanyRef],
) -> Decision {
    user_management(actor, target, target_group)?;
    match target_group.access {
        GroupAccess::Administrator => Err(Denied::new(
            DenyCode::CompanyAccessLocked,
            "A regular administrator has access to every company; there is nothing to tick.",
        )),
        GroupAccess::LocalAdministrator(_) => Err(Denied::new(
            DenyCode::CompanyAccessLocked,
            "A local administrator always has access to every company of their area; this \
             cannot be narrowed.",
        )),
        GroupAccess::User(boundary) => {
            for company in requested {
                tick_company(actor, *company, &mut ())?;
                if boundary.is_some_and(|area| company.area != Some(area)) {
                    return Err(Denied::new(
                        DenyCode::CompanyOutsideUserArea,
                        format!(
                            "Company {} is not in the area of the user's group; only companies \
                             of that area can be ticked.",
                            company.id
                        ),
                    ));
                }
            }
            Ok(())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Login as another user (R05): option LoginAsAnotherUser.

/// Whether `actor` may act as `target` (R05): a regular administrator any active user of the
/// account, a local administrator active users of their own area (never a regular
/// administrator), a User-level actor no one. Not oneself, and not while already acting as
/// another (the real user would be lost).
/// The candidates the **Login as another user** option lists (R05): the same rule as
/// [`login_as`], as a scope; the list also leaves out disabled users and the actor.
pub fn login_as_candidates(actor: &Actor) -> Result<UserScope, Denied> {
    if actor.real_user().is_some() {
        return Err(Denied::new(
            DenyCode::CannotImpersonate,
            "You are already acting as another user; go back to your own user first.",
        ));
    }
    if !level_suffices(Reach::LoginAsAnotherUser.needs().0, actor.level()) {
        return Err(Denied::new(
            DenyCode::CannotImpersonate,
            "Only administrators can log in as another user.",
        ));
    }
    require_option(actor, Reach::LoginAsAnotherUser.needs().1)?;
    Ok(super::scope::user_scope(actor))
}

pub fn login_as(actor: &Actor, target: &User, target_group: &Group) -> Decision {
    if actor.real_user().is_some() {
        return Err(Denied::new(
            DenyCode::CannotImpersonate,
            "You are already acting as another user; go back to your own user first.",
        ));
    }
    if !level_suffices(Reach::LoginAsAnotherUser.needs().0, actor.level()) {
        return Err(Denied::new(
            DenyCode::CannotImpersonate,
            "Only administrators can log in as another user.",
        ));
    }
    require_option(actor, Reach::LoginAsAnotherUser.needs().1)?;
    require_user_visible(actor, target, target_group, &mut ())?;
    if actor.is_self(target.id) {
        return Err(Denied::new(
            DenyCode::CannotImpersonate,
            "You are already signed in as this user.",
        ));
    }
    if !actor.is_regular_administrator() && target_group.level() == AccessLevel::Administrator {
        return Err(not_visible("user"));
    }
    if !target.active {
        return Err(Denied::new(
            DenyCode::UserInactive,
            "This user is disabled; you can only log in as an active user.",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reading (R04, R13, R20–R22).

/// Choosing the company to work in after sign-in (R04, R20).
pub fn choose_company(actor: &Actor, company: CompanyRef) -> Decision {
    choose_company_traced(actor, company, &mut ())
}

/// [`choose_company`], saying why to `why` (B01: "may she see it").
pub fn choose_company_traced(actor: &Actor, company: CompanyRef, why: &mut impl Trace) -> Decision {
    require_company_visible(actor, company, why)
}

/// Ticking `company` in the Access to Companies of the users the actor manages (R14): an
/// administrator with the Users option who sees the company. [`set_ticked_companies`] asks it
/// of every company requested.
pub fn tick_company(actor: &Actor, company: CompanyRef, why: &mut impl Trace) -> Decision {
    require_reach_traced(actor, Reach::ManageUsers, "tick companies for users", why)?;
    require_company_visible(actor, company, why)
}

/// Reading a company's projects (option ProjectsRead); a local administrator reaches those of
/// every company of their area (R13).
pub fn read_projects(actor: &Actor, company: CompanyRef) -> Decision {
    require_reach(actor, Reach::ReadProjects, "read projects")?;
    require_company_visible(actor, company, &mut ())
}

/// Reading a company's employees (option EmployeesRead), as for projects (R13).
pub fn read_employees(actor: &Actor, company: CompanyRef) -> Decision {
    require_reach(actor, Reach::ReadEmployees, "read employees")?;
    require_company_visible(actor, company, &mut ())
}

/// Opening the History tab (option HistoryRead), returning which entries it shows (R21).
pub fn read_history(actor: &Actor) -> Result<HistoryScope, Denied> {
    require_reach(actor, Reach::ReadHistory, "read history")?;
    Ok(history_scope(actor))
}

/// Opening the reports list (option ReportsRead), returning which reports it shows (R22).
pub fn read_reports(actor: &Actor) -> Result<ReportScope, Denied> {
    require_reach(actor, Reach::ReadReports, "read reports")?;
    Ok(report_scope(actor))
}

/// Opening one report or document (R22).
pub fn read_report(actor: &Actor, report: &Report) -> Decision {
    read_report_traced(actor, report, &mut ())
}

/// [`read_report`], saying why to `why` (B01).
pub fn read_report_traced(actor: &Actor, report: &Report, why: &mut impl Trace) -> Decision {
    require_reach_traced(actor, Reach::ReadReports, "read reports", why)?;
    if see_report(actor, report, why) {
        Ok(())
    } else {
        Err(not_visible("report"))
    }
}

/// Reading one history entry, given the area its record had at the time of the change (R21):
/// the History option, and an entry of the actor's area ([`read_history`]'s scope, row by row).
pub fn read_history_entry(
    actor: &Actor,
    entry_area: Option<AreaId>,
    why: &mut impl Trace,
) -> Decision {
    require_reach_traced(actor, Reach::ReadHistory, "read history", why)?;
    if see_history_entry(actor, entry_area, why) {
        Ok(())
    } else {
        Err(not_visible("history entry"))
    }
}

// ---------------------------------------------------------------------------------------------
// B01 explain access, B03 access review.

/// B01: asking why a person may see a record is part of managing people: an administrator with
/// the Users option. The worker reads both the person and the record through the asker's own
/// scopes, so a local administrator asks only about people and records of their area (anything
/// else is answered as missing).
pub fn explain_access(actor: &Actor) -> Decision {
    require_reach(actor, Reach::ManageUsers, "explain access")
}

/// B03: reviewing the people of `area` (`None`: the people of no area, regular administrators
/// included). Regular administrators review every area; a local administrator only their own
/// (another area is answered as missing, so its existence is not confirmed).
pub fn review_area(actor: &Actor, area: Option<AreaId>) -> Decision {
    require_reach(actor, Reach::ManageUsers, "review access")?;
    match actor.access() {
        GroupAccess::Administrator => Ok(()),
        GroupAccess::LocalAdministrator(own) if area == Some(own) => Ok(()),
        _ => Err(not_visible("area")),
    }
}

// ---------------------------------------------------------------------------------------------
// Account-wide settings and one's own preferences.

/// The account's mail settings belong to no area (R21, R29): regular administrators only,
/// option MailSettingsManage.
pub fn manage_mail_settings(actor: &Actor) -> Decision {
    require_reach(
        actor,
        Reach::ManageMailSettings,
        "change the account's mail settings",
    )
}

/// One's own Preferences (R28), option Preferences, at any level.
pub fn use_preferences(actor: &Actor) -> Decision {
    require_reach(actor, Reach::OwnPreferences, "use Preferences")
}

/// **Send test email** (R27): to oneself from Preferences, or to a user one manages.
pub fn send_test_email(actor: &Actor, target: &User, target_group: &Group) -> Decision {
    if target.id == actor.user() {
        use_preferences(actor)
    } else {
        user_management(actor, target, target_group)
    }
}

/// What the Access to Companies tab of a user shows (R13, R14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompanyAccessTab {
    /// Administrators and local administrators reach every company of their scope: the tab
    /// shows them all ticked and cannot be changed (R13).
    pub locked: bool,
    /// When the user's group has an area, only that area's companies are listed: the area is
    /// the boundary, the ticks are the grant (R14).
    pub boundary: Option<AreaId>,
}

/// Reading a user's Access to Companies tab: whoever may see the user.
pub fn read_company_access(
    actor: &Actor,
    target: &User,
    target_group: &Group,
) -> Result<CompanyAccessTab, Denied> {
    require_user_visible(actor, target, target_group, &mut ())?;
    Ok(CompanyAccessTab {
        locked: target_group.level() != AccessLevel::User,
        boundary: target_group.area(),
    })
}
