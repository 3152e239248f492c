//! The seed scenario: a regular administrator sets up areas A and B over companies in a plain
//! and a multidimensional directory, through the policy; then the local administrator of area A
//! tries what it must not do, and what it may.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;

use precinct_core::ids::{AreaId, CompanyId, DirectoryId, GroupId, UserId};
use precinct_core::policy::*;

/// The account as the worker would hold it, changed only through allowed decisions.
struct Console {
    areas: Vec<AreaId>,
    directories: Vec<Directory>,
    companies: Vec<Company>,
    groups: Vec<Group>,
    users: Vec<User>,
}

/// What the seed created, by name.
struct Seed {
    console: Console,
    admin: UserId,
    area_a: AreaId,
    area_b: AreaId,
    north_a: CompanyId,
    south_b: CompanyId,
    multi_b: Vec<CompanyId>,
    la_group_a: GroupId,
    users_a: GroupId,
    users_b: GroupId,
    la_a: UserId,
    la_b: UserId,
    ana_a: UserId,
    bruno_b: UserId,
}

impl Console {
    /// R02: the operator's bootstrap, an account with its first regular administrator.
    fn bootstrap() -> (Console, UserId) {
        let admin = UserId(1);
        let console = Console {
            areas: vec![],
            directories: vec![],
            companies: vec![],
            groups: vec![Group::new(
                GroupId(1),
                "ADMIN",
                GroupAccess::Administrator,
                OptionSet::empty(),
            )],
            users: vec![User {
                id: admin,
                group: GroupId(1),
                active: true,
                ticked: BTreeSet::new(),
            }],
        };
        (console, admin)
    }

    fn user(&self, id: UserId) -> &User {
        self.users.iter().find(|u| u.id == id).unwrap()
    }

    fn group(&self, id: GroupId) -> &Group {
        self.groups.iter().find(|g| g.id == id).unwrap()
    }

    fn group_of(&self, id: UserId) -> &Group {
        self.group(self.user(id).group)
    }

    fn actor(&self, id: UserId) -> Actor {
        Actor::new(self.user(id), self.group_of(id)).unwrap()
    }

    fn company(&self, id: CompanyId) -> CompanyRef {
        let company = self.companies.iter().find(|c| c.id == id).unwrap();
        let directory = self
            .directories
            .iter()
            .find(|d| d.id == company.directory)
            .unwrap();
        company_ref(company, directory)
    }

    fn company_refs(&self) -> Vec<CompanyRef> {
        self.companies.iter().map(|c| self.company(c.id)).collect()
    }

    fn create_area(&mut self, actor: &Actor) -> Result<AreaId, Denied> {
        create_area(actor)?;
        let id = AreaId(self.areas.len() as i64 + 1);
        self.areas.push(id);
        Ok(id)
    }

    fn create_directory(
        &mut self,
        actor: &Actor,
        multidimensional: bool,
        area: Option<AreaId>,
    ) -> Result<DirectoryId, Denied> {
        create_directory(actor)?;
        let id = DirectoryId(self.directories.len() as i64 + 1);
        self.directories.push(Directory {
            id,
            multidimensional,
            area,
        });
        Ok(id)
    }

    fn create_company(
        &mut self,
        actor: &Actor,
        directory: DirectoryId,
        area: Option<AreaId>,
    ) -> Result<CompanyId, Denied> {
        let dir = self.directories.iter().find(|d| d.id == directory).unwrap();
        let area = create_company(actor, dir, area)?;
        let id = CompanyId(self.companies.len() as i64 + 1);
        self.companies.push(Company {
            id,
            directory,
            area,
        });
        Ok(id)
    }

    fn create_group(
        &mut self,
        actor: &Actor,
        level: AccessLevel,
        area: Option<AreaId>,
        options: OptionSet,
    ) -> Result<GroupId, Denied> {
        let access = create_group(actor, level, area, options)?;
        let id = GroupId(self.groups.len() as i64 + 1);
        self.groups
            .push(Group::new(id, format!("G{}", id.0), access, options));
        Ok(id)
    }

    fn create_user(&mut self, actor: &Actor, group: GroupId) -> Result<UserId, Denied> {
        create_user(actor, self.group(group))?;
        let id = UserId(self.users.len() as i64 + 1);
        self.users.push(User {
            id,
            group,
            active: true,
            ticked: BTreeSet::new(),
        });
        Ok(id)
    }

    fn tick(&mut self, actor: &Actor, user: UserId, companies: &[CompanyId]) -> Decision {
        let requested: Vec<CompanyRef> = companies.iter().map(|c| self.company(*c)).collect();
        set_ticked_companies(actor, self.user(user), self.group_of(user), &requested)?;
        let target = self.users.iter_mut().find(|u| u.id == user).unwrap();
        target.ticked = companies.iter().copied().collect();
        Ok(())
    }
}

fn local_admin_options() -> OptionSet {
    [
        OptionCode::UsersManage,
        OptionCode::GroupsManage,
        OptionCode::CompaniesManage,
        OptionCode::HistoryRead,
        OptionCode::ReportsRead,
        OptionCode::LoginAsAnotherUser,
        OptionCode::Preferences,
    ]
    .into_iter()
    .collect()
}

fn seed() -> Seed {
    let (mut console, admin) = Console::bootstrap();
    let boss = console.actor(admin);
    let area_a = console.create_area(&boss).unwrap();
    let area_b = console.create_area(&boss).unwrap();
    let plain = console.create_directory(&boss, false, None).unwrap();
    let multi = console.create_directory(&boss, true, Some(area_b)).unwrap();
    let north_a = console.create_company(&boss, plain, Some(area_a)).unwrap();
    let south_b = console.create_company(&boss, plain, Some(area_b)).unwrap();
    let multi_b = vec![
        console.create_company(&boss, multi, None).unwrap(),
        console.create_company(&boss, multi, Some(area_b)).unwrap(),
    ];
    let la_group_a = console
        .create_group(
            &boss,
            AccessLevel::LocalAdministrator,
            Some(area_a),
            local_admin_options(),
        )
        .unwrap();
    let la_group_b = console
        .create_group(
            &boss,
            AccessLevel::LocalAdministrator,
            Some(area_b),
            local_admin_options(),
        )
        .unwrap();
    let user_options: OptionSet = [OptionCode::ReportsRead, OptionCode::Preferences]
        .into_iter()
        .collect();
    let users_a = console
        .create_group(&boss, AccessLevel::User, Some(area_a), user_options)
        .unwrap();
    let users_b = console
        .create_group(&boss, AccessLevel::User, Some(area_b), user_options)
        .unwrap();
    let la_a = console.create_user(&boss, la_group_a).unwrap();
    let la_b = console.create_user(&boss, la_group_b).unwrap();
    let ana_a = console.create_user(&boss, users_a).unwrap();
    let bruno_b = console.create_user(&boss, users_b).unwrap();
    console.tick(&boss, ana_a, &[north_a]).unwrap();
    console
        .tick(&boss, bruno_b, &[south_b, multi_b[0]])
        .unwrap();
    Seed {
        console,
        admin,
        area_a,
        area_b,
        north_a,
        south_b,
        multi_b,
        la_group_a,
        users_a,
        users_b,
        la_a,
        la_b,
        ana_a,
        bruno_b,
    }
}

fn refused<T: std::fmt::Debug>(outcome: Result<T, Denied>) -> DenyCode {
    outcome
        .expect_err("the local administrator must be refused")
        .code
}

#[test]
fn seed_the_multidimensional_directory_gives_its_companies_area_b() {
    let s = seed();
    for company in &s.multi_b {
        assert_eq!(s.console.company(*company).area, Some(s.area_b));
    }
    assert_eq!(s.console.company(s.north_a).area, Some(s.area_a));
    let seen = accessible_companies(&s.console.actor(s.la_b), s.console.company_refs());
    let seen: Vec<CompanyId> = seen.iter().map(|c| c.id).collect();
    assert_eq!(seen, vec![s.south_b, s.multi_b[0], s.multi_b[1]]);
}

#[test]
fn seed_local_admin_cannot_create_an_administrator_group_but_may_create_groups_of_area_a() {
    let mut s = seed();
    let la = s.console.actor(s.la_a);
    assert_eq!(
        refused(
            s.console
                .create_group(&la, AccessLevel::Administrator, None, OptionSet::empty())
        ),
        DenyCode::RequiresAdministrator
    );
    let new_la = s
        .console
        .create_group(
            &la,
            AccessLevel::LocalAdministrator,
            None,
            OptionSet::empty(),
        )
        .unwrap();
    assert_eq!(
        s.console.group(new_la).access,
        GroupAccess::LocalAdministrator(s.area_a)
    );
    let new_users = s
        .console
        .create_group(&la, AccessLevel::User, None, OptionSet::empty())
        .unwrap();
    assert_eq!(s.console.group(new_users).area(), Some(s.area_a));
}

#[test]
fn seed_local_admin_cannot_change_a_group_area_but_may_change_its_level_within_area_a() {
    let s = seed();
    let la = s.console.actor(s.la_a);
    let users_a = s.console.group(s.users_a);
    assert_eq!(
        refused(change_group_access(
            &la,
            users_a,
            AccessLevel::User,
            Some(s.area_b),
            1
        )),
        DenyCode::CannotChangeGroupArea
    );
    assert_eq!(
        change_group_access(
            &la,
            users_a,
            AccessLevel::LocalAdministrator,
            Some(s.area_a),
            1
        ),
        Ok(GroupAccess::LocalAdministrator(s.area_a))
    );
}

#[test]
fn seed_local_admin_cannot_see_a_user_of_area_b_but_sees_those_of_area_a() {
    let s = seed();
    let la = s.console.actor(s.la_a);
    let bruno = s.console.user(s.bruno_b);
    assert!(!may_see_user(&la, bruno, s.console.group(s.users_b)));
    assert_eq!(
        refused(edit_user(&la, bruno, s.console.group(s.users_b))),
        DenyCode::NotVisible
    );
    let ana = s.console.user(s.ana_a);
    assert!(may_see_user(&la, ana, s.console.group(s.users_a)));
    assert_eq!(edit_user(&la, ana, s.console.group(s.users_a)), Ok(()));
}

#[test]
fn seed_local_admin_cannot_see_a_company_of_area_b_but_sees_every_company_of_area_a() {
    let mut s = seed();
    let la = s.console.actor(s.la_a);
    for company in [s.south_b, s.multi_b[0], s.multi_b[1]] {
        assert_eq!(
            refused(choose_company(&la, s.console.company(company))),
            DenyCode::NotVisible
        );
    }
    assert_eq!(choose_company(&la, s.console.company(s.north_a)), Ok(()));
    // A company the administrator adds to area A later is reachable at once, untouched.
    let boss = s.console.actor(s.admin);
    let later = s
        .console
        .create_company(&boss, DirectoryId(1), Some(s.area_a))
        .unwrap();
    let seen: Vec<CompanyId> = accessible_companies(&la, s.console.company_refs())
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(seen, vec![s.north_a, later]);
}

#[test]
fn seed_local_admin_cannot_tick_a_company_of_area_b_but_may_tick_one_of_area_a() {
    let mut s = seed();
    let la = s.console.actor(s.la_a);
    assert_eq!(
        refused(s.console.tick(&la, s.ana_a, &[s.north_a, s.south_b])),
        DenyCode::NotVisible
    );
    assert_eq!(s.console.user(s.ana_a).ticked, BTreeSet::from([s.north_a]));
    assert_eq!(s.console.tick(&la, s.ana_a, &[]), Ok(()));
    assert_eq!(s.console.tick(&la, s.ana_a, &[s.north_a]), Ok(()));
}

#[test]
fn seed_local_admin_cannot_act_as_a_regular_administrator_but_may_act_as_a_user_of_area_a() {
    let s = seed();
    let la = s.console.actor(s.la_a);
    let admin = s.console.user(s.admin);
    assert_eq!(
        refused(Actor::acting_as(&la, admin, s.console.group_of(s.admin))),
        DenyCode::NotVisible
    );
    let acting =
        Actor::acting_as(&la, s.console.user(s.ana_a), s.console.group_of(s.ana_a)).unwrap();
    assert_eq!((acting.user(), acting.real_user()), (s.ana_a, Some(s.la_a)));
    let seen: Vec<CompanyId> = accessible_companies(&acting, s.console.company_refs())
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(seen, vec![s.north_a]);
}

#[test]
fn seed_local_admin_cannot_narrow_its_own_company_access() {
    let mut s = seed();
    let la = s.console.actor(s.la_a);
    assert_eq!(
        refused(s.console.tick(&la, s.la_a, &[])),
        DenyCode::CompanyAccessLocked
    );
    let boss = s.console.actor(s.admin);
    assert_eq!(
        refused(s.console.tick(&boss, s.la_a, &[])),
        DenyCode::CompanyAccessLocked
    );
    assert_eq!(s.console.tick(&boss, s.ana_a, &[]), Ok(()));
}

#[test]
fn seed_local_admin_cannot_change_its_own_group_but_may_change_another_of_area_a() {
    let s = seed();
    let la = s.console.actor(s.la_a);
    let own = s.console.group(s.la_group_a);
    assert_eq!(refused(edit_group(&la, own)), DenyCode::CannotEditOwnGroup);
    assert_eq!(
        refused(change_group_access(
            &la,
            own,
            AccessLevel::User,
            Some(s.area_a),
            1
        )),
        DenyCode::CannotEditOwnGroup
    );
    let users_a = s.console.group(s.users_a);
    assert_eq!(
        refused(move_user(&la, s.console.user(s.la_a), own, users_a, 1)),
        DenyCode::CannotMoveSelf
    );
    assert_eq!(edit_group(&la, users_a), Ok(()));
    let fewer: OptionSet = [OptionCode::Preferences].into_iter().collect();
    assert_eq!(set_group_options(&la, users_a, fewer), Ok(()));
}
