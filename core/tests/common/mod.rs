//! A sample account shared by the rule tests: two areas, a plain and a multidimensional
//! directory, and administrators, local administrators and users on both sides.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use precinct_core::ids::{AreaId, CompanyId, DirectoryId, GroupId, UserId};
use precinct_core::policy::{
    company_ref, Actor, Company, CompanyRef, Directory, Group, GroupAccess, OptionCode, OptionSet,
    User,
};

pub const AREA_A: AreaId = AreaId(1);
pub const AREA_B: AreaId = AreaId(2);

/// A plain directory holding companies of area A, area B and of no area.
pub const DIR_PLAIN: DirectoryId = DirectoryId(1);
/// A multidimensional directory carrying area B.
pub const DIR_MULTI_B: DirectoryId = DirectoryId(2);

pub const C1_A: CompanyId = CompanyId(1);
pub const C2_B: CompanyId = CompanyId(2);
pub const C3_NONE: CompanyId = CompanyId(3);
/// In the multidimensional directory; its own stored area says A, the directory's B wins.
pub const C4_MULTI_B: CompanyId = CompanyId(4);
pub const C5_MULTI_B: CompanyId = CompanyId(5);

pub const G_ADMIN: GroupId = GroupId(1);
pub const G_LA_A: GroupId = GroupId(2);
pub const G_LA_B: GroupId = GroupId(3);
pub const G_USER_A: GroupId = GroupId(4);
pub const G_USER_B: GroupId = GroupId(5);
pub const G_USER_NONE: GroupId = GroupId(6);
/// A local administrator group of area A holding only the Users option.
pub const G_LA_A_NARROW: GroupId = GroupId(7);
/// A User-level group (no area) given every option, to show options never lift a level.
pub const G_USER_ALL_OPTIONS: GroupId = GroupId(8);

pub const ADMIN: UserId = UserId(1);
pub const ADMIN2: UserId = UserId(2);
pub const LA_A: UserId = UserId(3);
pub const LA_A2: UserId = UserId(4);
pub const LA_B: UserId = UserId(5);
/// Ticked for C1 (area A) and C2 (area B): only C1 is within their group's area.
pub const USER_A: UserId = UserId(6);
pub const USER_B: UserId = UserId(7);
/// Group without area; ticked for C1 and C3.
pub const USER_NONE: UserId = UserId(8);
pub const USER_A_DISABLED: UserId = UserId(9);
pub const LA_A_NARROW: UserId = UserId(10);
pub const USER_ALL_OPTIONS: UserId = UserId(11);

pub struct Account {
    pub directories: Vec<Directory>,
    pub companies: Vec<Company>,
    pub groups: Vec<Group>,
    pub users: Vec<User>,
}

/// What a local administrator is typically given: no areas, directories or mail settings.
pub fn local_admin_options() -> OptionSet {
    [
        OptionCode::UsersManage,
        OptionCode::GroupsManage,
        OptionCode::CompaniesManage,
        OptionCode::HistoryRead,
        OptionCode::ReportsRead,
        OptionCode::ProjectsRead,
        OptionCode::EmployeesRead,
        OptionCode::LoginAsAnotherUser,
        OptionCode::Preferences,
    ]
    .into_iter()
    .collect()
}

pub fn user_options() -> OptionSet {
    [
        OptionCode::HistoryRead,
        OptionCode::ReportsRead,
        OptionCode::ProjectsRead,
        OptionCode::Preferences,
    ]
    .into_iter()
    .collect()
}

fn user(id: UserId, group: GroupId, active: bool, ticked: &[CompanyId]) -> User {
    User {
        id,
        group,
        active,
        ticked: ticked.iter().copied().collect::<BTreeSet<_>>(),
    }
}

impl Account {
    pub fn sample() -> Self {
        let directories = vec![
            Directory {
                id: DIR_PLAIN,
                multidimensional: false,
                area: None,
            },
            Directory {
                id: DIR_MULTI_B,
                multidimensional: true,
                area: Some(AREA_B),
            },
        ];
        let company = |id, directory, area| Company {
            id,
            directory,
            area,
        };
        let companies = vec![
            company(C1_A, DIR_PLAIN, Some(AREA_A)),
            company(C2_B, DIR_PLAIN, Some(AREA_B)),
            company(C3_NONE, DIR_PLAIN, None),
            company(C4_MULTI_B, DIR_MULTI_B, Some(AREA_A)),
            company(C5_MULTI_B, DIR_MULTI_B, Some(AREA_B)),
        ];
        let groups = vec![
            Group::new(
                G_ADMIN,
                "ADMIN",
                GroupAccess::Administrator,
                OptionSet::empty(),
            ),
            Group::new(
                G_LA_A,
                "LA-A",
                GroupAccess::LocalAdministrator(AREA_A),
                local_admin_options(),
            ),
            Group::new(
                G_LA_B,
                "LA-B",
                GroupAccess::LocalAdministrator(AREA_B),
                local_admin_options(),
            ),
            Group::new(
                G_USER_A,
                "USER-A",
                GroupAccess::User(Some(AREA_A)),
                user_options(),
            ),
            Group::new(
                G_USER_B,
                "USER-B",
                GroupAccess::User(Some(AREA_B)),
                user_options(),
            ),
            Group::new(G_USER_NONE, "USER", GroupAccess::User(None), user_options()),
            Group::new(
                G_LA_A_NARROW,
                "LA-A-NARROW",
                GroupAccess::LocalAdministrator(AREA_A),
                [OptionCode::UsersManage].into_iter().collect(),
            ),
            Group::new(
                G_USER_ALL_OPTIONS,
                "USER-ALL",
                GroupAccess::User(None),
                OptionSet::all(),
            ),
        ];
        let users = vec![
            user(ADMIN, G_ADMIN, true, &[]),
            user(ADMIN2, G_ADMIN, true, &[]),
            user(LA_A, G_LA_A, true, &[]),
            user(LA_A2, G_LA_A, true, &[]),
            user(LA_B, G_LA_B, true, &[]),
            user(USER_A, G_USER_A, true, &[C1_A, C2_B]),
            user(USER_B, G_USER_B, true, &[C2_B]),
            user(USER_NONE, G_USER_NONE, true, &[C1_A, C3_NONE]),
            user(USER_A_DISABLED, G_USER_A, false, &[C1_A]),
            user(LA_A_NARROW, G_LA_A_NARROW, true, &[]),
            user(USER_ALL_OPTIONS, G_USER_ALL_OPTIONS, true, &[C3_NONE]),
        ];
        Account {
            directories,
            companies,
            groups,
            users,
        }
    }

    pub fn user(&self, id: UserId) -> &User {
        self.users.iter().find(|user| user.id == id).unwrap()
    }

    pub fn group(&self, id: GroupId) -> &Group {
        self.groups.iter().find(|group| group.id == id).unwrap()
    }

    pub fn group_of(&self, id: UserId) -> &Group {
        self.group(self.user(id).group)
    }

    pub fn directory(&self, id: DirectoryId) -> &Directory {
        self.directories.iter().find(|d| d.id == id).unwrap()
    }

    pub fn company(&self, id: CompanyId) -> &Company {
        self.companies.iter().find(|c| c.id == id).unwrap()
    }

    /// The company with its effective area.
    pub fn company_ref(&self, id: CompanyId) -> CompanyRef {
        let company = self.company(id);
        company_ref(company, self.directory(company.directory))
    }

    pub fn company_refs(&self) -> Vec<CompanyRef> {
        self.companies
            .iter()
            .map(|c| self.company_ref(c.id))
            .collect()
    }

    pub fn actor(&self, id: UserId) -> Actor {
        Actor::new(self.user(id), self.group_of(id)).unwrap()
    }

    pub fn acting_as(&self, real: UserId, target: UserId) -> Actor {
        Actor::acting_as(&self.actor(real), self.user(target), self.group_of(target)).unwrap()
    }
}
