//! Scopes: what part of a table an actor may see, in a shape the worker turns into a SQL
//! `WHERE` clause, so the data layer never loads rows only to filter them out.
//!
//! Each scope also answers for one row (`admits_*`), so tests can check it against the
//! row-by-row functions of [`super::derive`]: the list a screen shows and the answer to
//! "may I open this one" must never differ.

use super::model::{Actor, GroupAccess};
use super::AccessLevel;
use crate::ids::{AreaId, GroupId, UserId};

/// Which companies an actor may see (R11–R14, R20, R23).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompanyScope {
    /// Every company of the account (regular administrators).
    All,
    /// Every company whose effective area is this one (local administrators; R13: never less).
    Area(AreaId),
    /// The companies ticked for `user`; when `area` is `Some`, only those of that area, because
    /// the group's area is the boundary and the ticks are the grant (R14).
    Granted { user: UserId, area: Option<AreaId> },
}

impl CompanyScope {
    /// Whether a company of `company_area` is in scope; `ticked_for_scope_user` says whether it
    /// is ticked for the user a `Granted` scope names.
    pub fn admits_company(
        &self,
        company_area: Option<AreaId>,
        ticked_for_scope_user: bool,
    ) -> bool {
        match *self {
            CompanyScope::All => true,
            CompanyScope::Area(area) => company_area == Some(area),
            CompanyScope::Granted { area, .. } => {
                ticked_for_scope_user && area.is_none_or(|area| company_area == Some(area))
            }
        }
    }
}

pub fn company_scope(actor: &Actor) -> CompanyScope {
    match actor.access() {
        GroupAccess::Administrator => CompanyScope::All,
        GroupAccess::LocalAdministrator(area) => CompanyScope::Area(area),
        GroupAccess::User(area) => CompanyScope::Granted {
            user: actor.user(),
            area,
        },
    }
}

/// Which users an actor may see in lists and pickers (R18, and the History tab's user range,
/// R21).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserScope {
    All,
    /// The users whose group has this area. Regular administrators have no area, so they are
    /// never in it (R12).
    Area(AreaId),
    /// A User-level actor sees only themself.
    OnlySelf(UserId),
}

impl UserScope {
    /// Whether `user`, whose group has `user_area`, is in scope.
    pub fn admits_user(&self, user: UserId, user_area: Option<AreaId>) -> bool {
        match *self {
            UserScope::All => true,
            UserScope::Area(area) => user_area == Some(area),
            UserScope::OnlySelf(me) => user == me,
        }
    }
}

pub fn user_scope(actor: &Actor) -> UserScope {
    match actor.access() {
        GroupAccess::Administrator => UserScope::All,
        GroupAccess::LocalAdministrator(area) => UserScope::Area(area),
        GroupAccess::User(_) => UserScope::OnlySelf(actor.user()),
    }
}

/// Who the "user in charge" picker of a company offers (R19).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserInChargeScope {
    All,
    /// The users of the area plus the regular administrators (who have no area).
    AreaPlusAdministrators(AreaId),
    /// A User-level actor edits no company.
    Nothing,
}

impl UserInChargeScope {
    /// Whether a user whose group has `level` and `area` may be picked.
    pub fn admits_user(&self, level: AccessLevel, area: Option<AreaId>) -> bool {
        match *self {
            UserInChargeScope::All => true,
            UserInChargeScope::AreaPlusAdministrators(mine) => {
                level == AccessLevel::Administrator || area == Some(mine)
            }
            UserInChargeScope::Nothing => false,
        }
    }
}

pub fn user_in_charge_scope(actor: &Actor) -> UserInChargeScope {
    match actor.access() {
        GroupAccess::Administrator => UserInChargeScope::All,
        GroupAccess::LocalAdministrator(area) => UserInChargeScope::AreaPlusAdministrators(area),
        GroupAccess::User(_) => UserInChargeScope::Nothing,
    }
}

/// Whose identity (code and name) an answer may show where a record points at a person: the
/// user in charge of a company, the actor of a history entry (R12, R18, R19). Wider than
/// [`UserScope`] for local administrators, who may pick regular administrators as users in
/// charge (R19) and so may read who they are; a pointer to anyone else is answered without the
/// person ("a user outside your area").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonScope {
    All,
    /// The users of the area plus the regular administrators.
    AreaPlusAdministrators(AreaId),
    /// A User-level actor: only themself.
    OnlySelf(UserId),
}

impl PersonScope {
    /// Whether `user`, whose group has `level` and `area`, may be named to the actor.
    pub fn admits_person(&self, user: UserId, level: AccessLevel, area: Option<AreaId>) -> bool {
        match *self {
            PersonScope::All => true,
            PersonScope::AreaPlusAdministrators(mine) => {
                level == AccessLevel::Administrator || area == Some(mine)
            }
            PersonScope::OnlySelf(me) => user == me,
        }
    }
}

pub fn person_scope(actor: &Actor) -> PersonScope {
    match actor.access() {
        GroupAccess::Administrator => PersonScope::All,
        GroupAccess::LocalAdministrator(area) => PersonScope::AreaPlusAdministrators(area),
        GroupAccess::User(_) => PersonScope::OnlySelf(actor.user()),
    }
}

/// Which user groups an actor may see (R11, R12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupScope {
    All,
    /// The groups of this area; Administrator groups have none, so never these.
    Area(AreaId),
    /// A User-level actor sees only their own group.
    OnlyOwn(GroupId),
}

impl GroupScope {
    pub fn admits_group(&self, group: GroupId, group_area: Option<AreaId>) -> bool {
        match *self {
            GroupScope::All => true,
            GroupScope::Area(area) => group_area == Some(area),
            GroupScope::OnlyOwn(own) => group == own,
        }
    }
}

pub fn group_scope(actor: &Actor) -> GroupScope {
    match actor.access() {
        GroupAccess::Administrator => GroupScope::All,
        GroupAccess::LocalAdministrator(area) => GroupScope::Area(area),
        GroupAccess::User(_) => GroupScope::OnlyOwn(actor.group()),
    }
}

/// Which history entries an actor may read (R21). An entry's area is the area the changed
/// record had when it changed, stored with the entry, so later moves do not reveal or hide it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryScope {
    /// Every entry, account-wide ones (no area) included: regular administrators.
    All,
    /// The entries of this area only.
    Area(AreaId),
    /// No entry: a User-level actor whose group has no area has no area to read.
    Nothing,
}

impl HistoryScope {
    pub fn admits_entry(&self, entry_area: Option<AreaId>) -> bool {
        match *self {
            HistoryScope::All => true,
            HistoryScope::Area(area) => entry_area == Some(area),
            HistoryScope::Nothing => false,
        }
    }
}

pub fn history_scope(actor: &Actor) -> HistoryScope {
    match actor.access() {
        GroupAccess::Administrator => HistoryScope::All,
        access => match access.area() {
            Some(area) => HistoryScope::Area(area),
            None => HistoryScope::Nothing,
        },
    }
}

/// Which reports and documents an actor may see (R22).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportScope {
    All,
    /// Those whose area equals this one exactly: `None` matches only reports of no area
    /// (in SQL `area_id IS NULL`, not `= NULL`).
    Area(Option<AreaId>),
}

impl ReportScope {
    pub fn admits_report(&self, report_area: Option<AreaId>) -> bool {
        match *self {
            ReportScope::All => true,
            ReportScope::Area(area) => report_area == area,
        }
    }
}

pub fn report_scope(actor: &Actor) -> ReportScope {
    match actor.access() {
        GroupAccess::Administrator => ReportScope::All,
        access => ReportScope::Area(access.area()),
    }
}

/// Which company directories an actor may list (to choose one for a new company).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectoryScope {
    All,
    /// Directories that are not multidimensional, plus multidimensional ones carrying this area:
    /// a multidimensional directory of another area holds only that area's companies (R08).
    OpenOrArea(AreaId),
    /// Directories that are not multidimensional only (a reader without an area).
    Open,
}

impl DirectoryScope {
    pub fn admits_directory(&self, multidimensional: bool, area: Option<AreaId>) -> bool {
        match *self {
            DirectoryScope::All => true,
            DirectoryScope::OpenOrArea(mine) => !multidimensional || area == Some(mine),
            DirectoryScope::Open => !multidimensional,
        }
    }
}

pub fn directory_scope(actor: &Actor) -> DirectoryScope {
    match actor.access() {
        GroupAccess::Administrator => DirectoryScope::All,
        access => match access.area() {
            Some(area) => DirectoryScope::OpenOrArea(area),
            // A User-level actor reads no directories (see `read_directories`); no area, no
            // multidimensional directory of theirs.
            None => DirectoryScope::Open,
        },
    }
}

/// The areas a person may name in an import (a group's or a company's area, B04): a regular
/// administrator every area of the account, a local administrator their own (R12), a User none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaScope {
    All,
    Only(AreaId),
    Nothing,
}

pub fn area_scope(actor: &Actor) -> AreaScope {
    match actor.access() {
        GroupAccess::Administrator => AreaScope::All,
        GroupAccess::LocalAdministrator(area) => AreaScope::Only(area),
        GroupAccess::User(_) => AreaScope::Nothing,
    }
}
