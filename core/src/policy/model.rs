//! The plain data the policy reasons about: options, groups, directories, companies, users,
//! reports, and the actor whose rights apply to a request.
//!
//! Invalid combinations the SPEC forbids (an Administrator group with an area, a Local
//! Administrator group without one) cannot be represented, so no decision ever has to wonder.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::decide::{login_as, Denied, DenyCode};
use super::AccessLevel;
use crate::ids::{AreaId, CompanyId, DirectoryId, GroupId, ReportId, UserId};

/// The fixed catalog of options (screens and actions) a user group may be given (R09).
///
/// The serde names are stored in the database and sent to the console: never rename them.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptionCode {
    UsersManage,
    GroupsManage,
    CompaniesManage,
    DirectoriesManage,
    AreasManage,
    HistoryRead,
    ReportsRead,
    ProjectsRead,
    EmployeesRead,
    MailSettingsManage,
    LoginAsAnotherUser,
    Preferences,
}

impl OptionCode {
    /// Every option, in catalog order; an Administrator group holds all of them (R09).
    pub const ALL: &'static [OptionCode] = &[
        OptionCode::UsersManage,
        OptionCode::GroupsManage,
        OptionCode::CompaniesManage,
        OptionCode::DirectoriesManage,
        OptionCode::AreasManage,
        OptionCode::HistoryRead,
        OptionCode::ReportsRead,
        OptionCode::ProjectsRead,
        OptionCode::EmployeesRead,
        OptionCode::MailSettingsManage,
        OptionCode::LoginAsAnotherUser,
        OptionCode::Preferences,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OptionCode::UsersManage => "users_manage",
            OptionCode::GroupsManage => "groups_manage",
            OptionCode::CompaniesManage => "companies_manage",
            OptionCode::DirectoriesManage => "directories_manage",
            OptionCode::AreasManage => "areas_manage",
            OptionCode::HistoryRead => "history_read",
            OptionCode::ReportsRead => "reports_read",
            OptionCode::ProjectsRead => "projects_read",
            OptionCode::EmployeesRead => "employees_read",
            OptionCode::MailSettingsManage => "mail_settings_manage",
            OptionCode::LoginAsAnotherUser => "login_as_another_user",
            OptionCode::Preferences => "preferences",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        OptionCode::ALL
            .iter()
            .copied()
            .find(|option| option.as_str() == text)
    }

    /// Whether a member of a group of `level` can use this option at all (R31, and the
    /// catalog a group of that level is offered).
    pub fn meaningful_at(self, level: AccessLevel) -> bool {
        match self {
            OptionCode::DirectoriesManage
            | OptionCode::AreasManage
            | OptionCode::MailSettingsManage => level == AccessLevel::Administrator,
            OptionCode::UsersManage
            | OptionCode::GroupsManage
            | OptionCode::CompaniesManage
            | OptionCode::LoginAsAnotherUser => level != AccessLevel::User,
            OptionCode::HistoryRead
            | OptionCode::ReportsRead
            | OptionCode::ProjectsRead
            | OptionCode::EmployeesRead
            | OptionCode::Preferences => true,
        }
    }

    /// The option's bit in an [`OptionSet`]; the catalog has far fewer than 32 entries.
    fn bit(self) -> u32 {
        1u32 << (self as u32)
    }
}

/// A set of options, kept as a bitset so copying and comparing it costs nothing.
///
/// Serialized as the list of option codes, so stored sets survive catalog reordering.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(into = "Vec<OptionCode>", from = "Vec<OptionCode>")]
pub struct OptionSet(u32);

impl OptionSet {
    pub const fn empty() -> Self {
        OptionSet(0)
    }

    pub fn all() -> Self {
        OptionCode::ALL.iter().copied().collect()
    }

    pub fn contains(self, option: OptionCode) -> bool {
        self.0 & option.bit() != 0
    }

    pub fn insert(&mut self, option: OptionCode) {
        self.0 |= option.bit();
    }

    pub fn remove(&mut self, option: OptionCode) {
        self.0 &= !option.bit();
    }

    /// Whether every option of `self` is also in `other`.
    pub fn is_subset(self, other: OptionSet) -> bool {
        self.0 & !other.0 == 0
    }

    /// The options of `self` that `other` lacks.
    pub fn difference(self, other: OptionSet) -> OptionSet {
        OptionSet(self.0 & !other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The options that mean something at `level` (R31): areas, directories and mail settings
    /// are regular administrators' only; managing users, groups and companies and logging in as
    /// another user need an administrative level; the rest (reading history, reports, projects,
    /// employees, one's own preferences) work at every level.
    pub fn meaningful_at(self, level: AccessLevel) -> OptionSet {
        self.iter()
            .filter(|option| option.meaningful_at(level))
            .collect()
    }

    /// The options in catalog order.
    pub fn iter(self) -> impl Iterator<Item = OptionCode> {
        OptionCode::ALL
            .iter()
            .copied()
            .filter(move |option| self.contains(*option))
    }
}

impl FromIterator<OptionCode> for OptionSet {
    fn from_iter<I: IntoIterator<Item = OptionCode>>(options: I) -> Self {
        let mut set = OptionSet::empty();
        for option in options {
            set.insert(option);
        }
        set
    }
}

impl From<Vec<OptionCode>> for OptionSet {
    fn from(options: Vec<OptionCode>) -> Self {
        options.into_iter().collect()
    }
}

impl From<OptionSet> for Vec<OptionCode> {
    fn from(set: OptionSet) -> Self {
        set.iter().collect()
    }
}

/// What a person can actually do: their level, and the options that mean something at that
/// level (R31). A User-level group's "Manage users" is stored but inert; it would come alive
/// if the group became Local Administrator, which is why rights are compared, not stored sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rights {
    pub level: AccessLevel,
    pub options: OptionSet,
}

impl Rights {
    /// The rights every (active) member of a group with this access and these stored options has.
    pub fn of_group_parts(access: GroupAccess, stored: OptionSet) -> Rights {
        let level = access.level();
        let options = match access {
            GroupAccess::Administrator => OptionSet::all(),
            _ => stored,
        };
        Rights {
            level,
            options: options.meaningful_at(level),
        }
    }

    /// The rights of an active member of `group`.
    pub fn of_group(group: &Group) -> Rights {
        Rights::of_group_parts(group.access, group.options)
    }

    /// What `self` can do that `before` could not: the options gained, and the level when it
    /// rose (`before` is `None` for someone who could do nothing: new, or disabled).
    pub fn gained_over(self, before: Option<Rights>) -> (Option<AccessLevel>, OptionSet) {
        match before {
            None => (Some(self.level), self.options),
            Some(before) => (
                (self.level.power() > before.level.power()).then_some(self.level),
                self.options.difference(before.options),
            ),
        }
    }
}

/// The access level and area of a user group together, shaped so that only the combinations
/// R09 allows exist: an Administrator group has no area, a Local Administrator group has one,
/// a User group may have one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupAccess {
    Administrator,
    LocalAdministrator(AreaId),
    User(Option<AreaId>),
}

impl GroupAccess {
    /// Builds the access from what a form or a database row says, refusing the combinations
    /// R09 forbids with an error a person can act on.
    pub fn new(level: AccessLevel, area: Option<AreaId>) -> Result<Self, Denied> {
        match (level, area) {
            (AccessLevel::Administrator, None) => Ok(GroupAccess::Administrator),
            (AccessLevel::Administrator, Some(_)) => Err(Denied::new(
                DenyCode::AdminGroupHasNoArea,
                "An Administrator group has no area: clear the area, or choose the Local \
                 Administrator level to limit the group to one area.",
            )),
            (AccessLevel::LocalAdministrator, Some(area)) => {
                Ok(GroupAccess::LocalAdministrator(area))
            }
            (AccessLevel::LocalAdministrator, None) => Err(Denied::new(
                DenyCode::LocalAdminGroupNeedsArea,
                "A Local Administrator group must have an area: choose the area its members \
                 administer.",
            )),
            (AccessLevel::User, area) => Ok(GroupAccess::User(area)),
        }
    }

    pub fn level(self) -> AccessLevel {
        match self {
            GroupAccess::Administrator => AccessLevel::Administrator,
            GroupAccess::LocalAdministrator(_) => AccessLevel::LocalAdministrator,
            GroupAccess::User(_) => AccessLevel::User,
        }
    }

    /// The group's area, which is also the area of each of its members (R10).
    pub fn area(self) -> Option<AreaId> {
        match self {
            GroupAccess::Administrator => None,
            GroupAccess::LocalAdministrator(area) => Some(area),
            GroupAccess::User(area) => area,
        }
    }
}

/// A user group (R09).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: GroupId,
    pub code: String,
    pub access: GroupAccess,
    /// The options as stored; read them through [`Group::effective_options`], which also
    /// covers an Administrator group whose stored set predates a catalog addition.
    pub options: OptionSet,
}

impl Group {
    /// An Administrator group is given every option whatever was asked (R09).
    pub fn new(
        id: GroupId,
        code: impl Into<String>,
        access: GroupAccess,
        options: OptionSet,
    ) -> Self {
        let options = match access {
            GroupAccess::Administrator => OptionSet::all(),
            _ => options,
        };
        Group {
            id,
            code: code.into(),
            access,
            options,
        }
    }

    /// The options the group's members may use: an Administrator group always has all (R09).
    pub fn effective_options(&self) -> OptionSet {
        match self.access {
            GroupAccess::Administrator => OptionSet::all(),
            _ => self.options,
        }
    }

    pub fn level(&self) -> AccessLevel {
        self.access.level()
    }

    pub fn area(&self) -> Option<AreaId> {
        self.access.area()
    }
}

/// A company directory (R08). In multidimensional mode the directory carries the area of all
/// its companies; otherwise `area` is not used by the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directory {
    pub id: DirectoryId,
    pub multidimensional: bool,
    pub area: Option<AreaId>,
}

/// A company (R07). Its `area` is the stored one; in a multidimensional directory the
/// directory's area wins (see [`super::company_area`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    pub id: CompanyId,
    pub directory: DirectoryId,
    pub area: Option<AreaId>,
}

/// What the policy needs to know about a company: its id and its effective area (R07, R08).
///
/// The worker gets it straight from a query (the directory's area when multidimensional,
/// else the company's), so deciding never needs the whole row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CompanyRef {
    pub id: CompanyId,
    pub area: Option<AreaId>,
}

/// A person of the account. Their area is their group's (R10); `ticked` is their Access to
/// Companies tab, which only matters at the User level (R13, R14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub group: GroupId,
    pub active: bool,
    pub ticked: BTreeSet<CompanyId>,
}

/// A report or document of the catalog, which carries an area or none (R22).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub id: ReportId,
    pub area: Option<AreaId>,
}

/// Whoever's rights apply to a request: the signed-in user, or the user they act as (R05).
///
/// While acting as another, the rights are exactly the impersonated user's; only
/// [`Actor::real_user`] remembers who really signed in, for history. Fields are private so an
/// actor always matches a real user and group, and an impersonating one was allowed to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    user: UserId,
    real_user: Option<UserId>,
    /// The group of the person who really signed in, when acting as another (R05).
    real_group: Option<GroupId>,
    group: GroupId,
    access: GroupAccess,
    options: OptionSet,
    ticked: BTreeSet<CompanyId>,
}

impl Actor {
    /// The actor for a signed-in user. Refused when `group` is not the user's group, or when
    /// the user has been disabled, so a disabled user's open session stops working at once.
    pub fn new(user: &User, group: &Group) -> Result<Actor, Denied> {
        if user.group != group.id {
            return Err(Denied::new(
                DenyCode::GroupMismatch,
                "The group given is not the user's group.",
            ));
        }
        if !user.active {
            return Err(Denied::new(
                DenyCode::UserInactive,
                "This user is disabled and cannot sign in.",
            ));
        }
        Ok(Actor {
            user: user.id,
            real_user: None,
            real_group: None,
            group: group.id,
            access: group.access,
            options: group.effective_options(),
            ticked: user.ticked.clone(),
        })
    }

    /// `real` acting as `target` (R05). The impersonation is decided here, so an acting actor
    /// cannot exist without [`login_as`] allowing it; the worker rebuilds it on every request,
    /// which ends the session as soon as the target is disabled or leaves the real user's area.
    pub fn acting_as(real: &Actor, target: &User, target_group: &Group) -> Result<Actor, Denied> {
        login_as(real, target, target_group)?;
        let mut acting = Actor::new(target, target_group)?;
        acting.real_user = Some(real.user);
        acting.real_group = Some(real.group);
        Ok(acting)
    }

    /// The user whose rights apply.
    pub fn user(&self) -> UserId {
        self.user
    }

    /// The user who really signed in, when acting as another (R05); history records both.
    pub fn real_user(&self) -> Option<UserId> {
        self.real_user
    }

    /// Whether `user` is the actor themself: the user whose rights apply or, when acting as
    /// another (R05), the person who really signed in. What one may not do to oneself (reset
    /// one's own second factor, disable or delete oneself, change one's own group as a local
    /// administrator) stays refused through an impersonation.
    pub fn is_self(&self, user: UserId) -> bool {
        user == self.user || Some(user) == self.real_user
    }

    /// Whether `group` is the actor's own: the group whose rights apply or, when acting as
    /// another, the real person's (R12: a local administrator never edits their own group, not
    /// even through an impersonation).
    pub fn is_own_group(&self, group: GroupId) -> bool {
        group == self.group || Some(group) == self.real_group
    }

    pub fn group(&self) -> GroupId {
        self.group
    }

    pub fn access(&self) -> GroupAccess {
        self.access
    }

    pub fn level(&self) -> AccessLevel {
        self.access.level()
    }

    pub fn area(&self) -> Option<AreaId> {
        self.access.area()
    }

    pub fn options(&self) -> OptionSet {
        self.options
    }

    pub fn holds(&self, option: OptionCode) -> bool {
        self.options.contains(option)
    }

    /// The companies ticked for the actor; only a User-level actor's access depends on them.
    pub fn ticked(&self) -> &BTreeSet<CompanyId> {
        &self.ticked
    }

    /// What the actor can actually do (R31): the ceiling of what they may give anyone.
    pub fn rights(&self) -> Rights {
        Rights::of_group_parts(self.access, self.options)
    }

    pub fn is_regular_administrator(&self) -> bool {
        self.access == GroupAccess::Administrator
    }
}
