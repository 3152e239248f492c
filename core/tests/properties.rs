//! Property test: random accounts and random sequences of actions by random actors (sometimes
//! acting as another user). Each action is applied to an in-memory account only when the policy
//! allows it, and after every step the invariants the SPEC promises are checked — directly and
//! through the SQL scopes, which must agree with the row-by-row decisions.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use precinct_core::ids::{AreaId, CompanyId, DirectoryId, GroupId, UserId};
use precinct_core::policy::*;
use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, TestCaseError, TestRunner};

static SEQUENCES: AtomicUsize = AtomicUsize::new(0);
static ACTIONS: AtomicUsize = AtomicUsize::new(0);
/// Allowed actions, and those of them a local administrator took: a run where nearly everything
/// is refused would prove little, so the test prints these too.
static ALLOWED: AtomicUsize = AtomicUsize::new(0);
static ALLOWED_TO_LOCAL_ADMINS: AtomicUsize = AtomicUsize::new(0);

const CASES: u32 = 64;
const MIN_STEPS: usize = 160;
const MAX_STEPS: usize = 240;

type Check = Result<(), TestCaseError>;

// ---------------------------------------------------------------------------------------------
// Generated input.

#[derive(Debug, Clone)]
struct RawAccount {
    areas: u8,
    directories: Vec<(bool, Option<u8>)>,
    companies: Vec<(u8, Option<u8>)>,
    groups: Vec<(AccessLevel, Option<u8>, u32)>,
    users: Vec<(u8, bool, Vec<u8>)>,
}

#[derive(Debug, Clone)]
enum Op {
    CreateArea,
    CreateUser {
        group: u8,
    },
    CreateGroup {
        level: AccessLevel,
        area: Option<u8>,
        options: u32,
    },
    DeleteGroup {
        group: u8,
    },
    CreateCompany {
        directory: u8,
        area: Option<u8>,
    },
    SetGroupOptions {
        group: u8,
        options: u32,
    },
    ChangeGroupAccess {
        group: u8,
        level: AccessLevel,
        area: Option<u8>,
    },
    MoveUser {
        user: u8,
        group: u8,
    },
    /// One Save of the group form: level, area and options together (R31, R32).
    UpdateGroup {
        group: u8,
        level: AccessLevel,
        area: Option<u8>,
        options: u32,
    },
    TickCompanies {
        user: u8,
        companies: Vec<u8>,
    },
    SetCompanyArea {
        company: u8,
        area: Option<u8>,
    },
    EditDirectory {
        directory: u8,
        multidimensional: bool,
        area: Option<u8>,
    },
    DisableUser {
        user: u8,
    },
    EnableUser {
        user: u8,
    },
    DeleteUser {
        user: u8,
    },
    Impersonate {
        user: u8,
    },
}

#[derive(Debug, Clone)]
struct Step {
    /// Pick the actor among local administrators when there are any: they are the actors whose
    /// every allowed action must stay inside a boundary.
    prefer_local_admin: bool,
    actor: u8,
    acting_as: Option<u8>,
    op: Op,
}

fn level() -> impl Strategy<Value = AccessLevel> {
    prop_oneof![
        Just(AccessLevel::Administrator),
        Just(AccessLevel::LocalAdministrator),
        Just(AccessLevel::User),
    ]
}

fn area_pick() -> impl Strategy<Value = Option<u8>> {
    prop::option::weighted(0.8, any::<u8>())
}

fn account_strategy() -> impl Strategy<Value = RawAccount> {
    (
        1u8..=3,
        prop::collection::vec((any::<bool>(), area_pick()), 1..=3),
        prop::collection::vec((any::<u8>(), area_pick()), 1..=8),
        prop::collection::vec((level(), area_pick(), option_bits()), 1..=6),
        prop::collection::vec(
            (
                any::<u8>(),
                prop::bool::weighted(0.85),
                prop::collection::vec(any::<u8>(), 0..4),
            ),
            1..=8,
        ),
    )
        .prop_map(
            |(areas, directories, companies, groups, users)| RawAccount {
                areas,
                directories,
                companies,
                groups,
                users,
            },
        )
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => Just(Op::CreateArea),
        3 => any::<u8>().prop_map(|group| Op::CreateUser { group }),
        3 => (level(), area_pick(), option_bits())
            .prop_map(|(level, area, options)| Op::CreateGroup { level, area, options }),
        1 => any::<u8>().prop_map(|group| Op::DeleteGroup { group }),
        2 => (any::<u8>(), area_pick())
            .prop_map(|(directory, area)| Op::CreateCompany { directory, area }),
        2 => (any::<u8>(), option_bits())
            .prop_map(|(group, options)| Op::SetGroupOptions { group, options }),
        3 => (any::<u8>(), level(), area_pick())
            .prop_map(|(group, level, area)| Op::ChangeGroupAccess { group, level, area }),
        3 => (any::<u8>(), any::<u8>()).prop_map(|(user, group)| Op::MoveUser { user, group }),
        3 => (any::<u8>(), level(), area_pick(), option_bits()).prop_map(
            |(group, level, area, options)| Op::UpdateGroup { group, level, area, options }
        ),
        3 => (any::<u8>(), prop::collection::vec(any::<u8>(), 0..4))
            .prop_map(|(user, companies)| Op::TickCompanies { user, companies }),
        2 => (any::<u8>(), area_pick())
            .prop_map(|(company, area)| Op::SetCompanyArea { company, area }),
        1 => (any::<u8>(), any::<bool>(), area_pick()).prop_map(
            |(directory, multidimensional, area)| Op::EditDirectory {
                directory,
                multidimensional,
                area
            }
        ),
        2 => any::<u8>().prop_map(|user| Op::DisableUser { user }),
        1 => any::<u8>().prop_map(|user| Op::EnableUser { user }),
        1 => any::<u8>().prop_map(|user| Op::DeleteUser { user }),
        2 => any::<u8>().prop_map(|user| Op::Impersonate { user }),
    ]
}

fn steps_strategy() -> impl Strategy<Value = Vec<Step>> {
    let step = (
        prop::bool::weighted(0.4),
        any::<u8>(),
        prop::option::weighted(0.25, any::<u8>()),
        op_strategy(),
    )
        .prop_map(|(prefer_local_admin, actor, acting_as, op)| Step {
            prefer_local_admin,
            actor,
            acting_as,
            op,
        });
    prop::collection::vec(step, MIN_STEPS..=MAX_STEPS)
}

/// Option bits, each set three times in four, so groups usually hold the options of their
/// screens and refusals for unheld options still happen.
fn option_bits() -> impl Strategy<Value = u32> {
    prop::collection::vec(prop::bool::weighted(0.75), OptionCode::ALL.len()).prop_map(|bits| {
        bits.iter()
            .enumerate()
            .filter(|(_, set)| **set)
            .fold(0u32, |acc, (i, _)| acc | (1 << i))
    })
}

fn options_from_bits(bits: u32) -> OptionSet {
    OptionCode::ALL
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, option)| *option)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The in-memory account.

#[derive(Debug, Clone)]
struct Model {
    areas: Vec<AreaId>,
    directories: Vec<Directory>,
    /// Stored areas, kept in step with multidimensional directories as the worker must (R08).
    companies: Vec<Company>,
    groups: Vec<Group>,
    users: Vec<User>,
    /// The level of whoever last set each group's level.
    group_granter: BTreeMap<GroupId, AccessLevel>,
    /// The level of whoever last gave each user their level (placing them in a group, or
    /// changing their group's level).
    user_granter: BTreeMap<UserId, AccessLevel>,
    next_id: i64,
}

fn pick<T>(items: &[T], index: u8) -> Option<&T> {
    if items.is_empty() {
        None
    } else {
        items.get(index as usize % items.len())
    }
}

impl Model {
    fn build(raw: &RawAccount) -> Model {
        let areas: Vec<AreaId> = (1..=i64::from(raw.areas)).map(AreaId).collect();
        let area = |pick_: Option<u8>| pick_.map(|i| areas[i as usize % areas.len()]);
        let directories: Vec<Directory> = raw
            .directories
            .iter()
            .enumerate()
            .map(|(i, (multidimensional, a))| Directory {
                id: DirectoryId(i as i64 + 1),
                multidimensional: *multidimensional,
                area: area(*a),
            })
            .collect();
        let companies: Vec<Company> = raw
            .companies
            .iter()
            .enumerate()
            .map(|(i, (d, a))| {
                let directory = pick(&directories, *d).unwrap();
                Company {
                    id: CompanyId(i as i64 + 1),
                    directory: directory.id,
                    area: if directory.multidimensional {
                        directory.area
                    } else {
                        area(*a)
                    },
                }
            })
            .collect();
        let mut groups = vec![Group::new(
            GroupId(1),
            "ADMIN",
            GroupAccess::Administrator,
            OptionSet::empty(),
        )];
        for (i, (level, a, options)) in raw.groups.iter().enumerate() {
            let access = match level {
                AccessLevel::Administrator => GroupAccess::Administrator,
                AccessLevel::LocalAdministrator => {
                    GroupAccess::LocalAdministrator(area(*a).unwrap_or(areas[0]))
                }
                AccessLevel::User => GroupAccess::User(area(*a)),
            };
            let id = GroupId(i as i64 + 2);
            groups.push(Group::new(
                id,
                format!("G{}", id.0),
                access,
                options_from_bits(*options),
            ));
        }
        let mut users = vec![User {
            id: UserId(1),
            group: GroupId(1),
            active: true,
            ticked: BTreeSet::new(),
        }];
        for (i, (g, active, ticks)) in raw.users.iter().enumerate() {
            users.push(User {
                id: UserId(i as i64 + 2),
                group: pick(&groups, *g).unwrap().id,
                active: *active,
                ticked: ticks
                    .iter()
                    .map(|t| pick(&companies, *t).unwrap().id)
                    .collect(),
            });
        }
        let group_granter = groups
            .iter()
            .map(|g| (g.id, AccessLevel::Administrator))
            .collect();
        let user_granter = users
            .iter()
            .map(|u| (u.id, AccessLevel::Administrator))
            .collect();
        Model {
            areas,
            directories,
            companies,
            groups,
            users,
            group_granter,
            user_granter,
            next_id: 1000,
        }
    }

    fn fresh_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    fn area(&self, pick_: Option<u8>) -> Option<AreaId> {
        pick_.map(|i| *pick(&self.areas, i).unwrap())
    }

    fn group(&self, id: GroupId) -> &Group {
        self.groups.iter().find(|g| g.id == id).unwrap()
    }

    fn group_of(&self, user: &User) -> &Group {
        self.group(user.group)
    }

    fn directory(&self, id: DirectoryId) -> &Directory {
        self.directories.iter().find(|d| d.id == id).unwrap()
    }

    fn company_ref(&self, company: &Company) -> CompanyRef {
        company_ref(company, self.directory(company.directory))
    }

    fn is_active_admin(&self, user: &User) -> bool {
        user.active && self.group_of(user).level() == AccessLevel::Administrator
    }

    fn active_admins_except(&self, id: UserId) -> u32 {
        self.users
            .iter()
            .filter(|u| u.id != id && self.is_active_admin(u))
            .count() as u32
    }

    fn active_admins_outside(&self, group: GroupId) -> u32 {
        self.users
            .iter()
            .filter(|u| u.group != group && self.is_active_admin(u))
            .count() as u32
    }

    fn members(&self, group: GroupId) -> u32 {
        self.users.iter().filter(|u| u.group == group).count() as u32
    }
}

// ---------------------------------------------------------------------------------------------
// Applying one step.

/// Checks what a local administrator's allowed action touches: all of it inside its area.
fn inside(actor: &Actor, area: Option<AreaId>, what: &str) -> Check {
    if let GroupAccess::LocalAdministrator(own) = actor.access() {
        prop_assert_eq!(
            area,
            Some(own),
            "local administrator reached {} outside its area",
            what
        );
    }
    Ok(())
}

/// The management actions a User-level actor and the regular-administrator-only actions.
fn allowed_only_to(actor: &Actor, levels: &[AccessLevel], what: &str) -> Check {
    prop_assert!(
        levels.contains(&actor.level()),
        "{:?} was allowed to {}",
        actor.level(),
        what
    );
    Ok(())
}

const ADMINS: &[AccessLevel] = &[AccessLevel::Administrator, AccessLevel::LocalAdministrator];
const REGULAR: &[AccessLevel] = &[AccessLevel::Administrator];

fn check_impersonation(
    model: &Model,
    real: &Actor,
    target: &User,
    outcome: &Result<Actor, Denied>,
) -> Check {
    let target_group = model.group_of(target);
    match outcome {
        Ok(acting) => {
            prop_assert_eq!(acting.real_user(), Some(real.user()));
            prop_assert_eq!(acting.user(), target.id);
            prop_assert_eq!(acting.access(), target_group.access);
            prop_assert_eq!(acting.options(), target_group.effective_options());
            prop_assert_eq!(acting.ticked(), &target.ticked);
            prop_assert!(target.active && target.id != real.user());
            allowed_only_to(real, ADMINS, "log in as another user")?;
            prop_assert!(real.holds(OptionCode::LoginAsAnotherUser));
            if real.level() == AccessLevel::LocalAdministrator {
                prop_assert_ne!(target_group.level(), AccessLevel::Administrator);
                inside(real, target_group.area(), "a user to act as")?;
            }
        }
        Err(denied) => {
            // A regular administrator is refused only for a disabled user or themself.
            if real.is_regular_administrator() {
                prop_assert!(!target.active || target.id == real.user(), "{:?}", denied);
            }
            if denied.is_not_visible() {
                prop_assert!(!may_see_user(real, target, target_group));
            }
        }
    }
    Ok(())
}

/// Resolves the step's actor: the signed-in user, possibly acting as another. `None` when the
/// step ends there (a disabled user cannot act; a refused impersonation does nothing).
fn resolve_actor(model: &Model, step: &Step) -> Result<Option<Actor>, TestCaseError> {
    let local_admins: Vec<&User> = model
        .users
        .iter()
        .filter(|u| model.group_of(u).level() == AccessLevel::LocalAdministrator)
        .collect();
    let user = match pick(&local_admins, step.actor) {
        Some(local_admin) if step.prefer_local_admin => local_admin,
        _ => pick(&model.users, step.actor).unwrap(),
    };
    let real = match Actor::new(user, model.group_of(user)) {
        Ok(actor) => actor,
        Err(denied) => {
            prop_assert!(!user.active);
            prop_assert_eq!(denied.code, DenyCode::UserInactive);
            return Ok(None);
        }
    };
    let Some(target) = step.acting_as else {
        return Ok(Some(real));
    };
    let target = pick(&model.users, target).unwrap();
    let outcome = Actor::acting_as(&real, target, model.group_of(target));
    check_impersonation(model, &real, target, &outcome)?;
    Ok(outcome.ok())
}

fn apply(model: &mut Model, actor: &Actor, op: &Op) -> Check {
    match op {
        Op::CreateArea => {
            if create_area(actor).is_ok() {
                allowed_only_to(actor, REGULAR, "create an area")?;
                let id = AreaId(model.fresh_id());
                model.areas.push(id);
            }
        }
        Op::CreateUser { group } => {
            let group = pick(&model.groups, *group).unwrap().clone();
            if create_user(actor, &group).is_ok() {
                allowed_only_to(actor, ADMINS, "create a user")?;
                inside(actor, group.area(), "a group for a new user")?;
                let id = UserId(model.fresh_id());
                model.users.push(User {
                    id,
                    group: group.id,
                    active: true,
                    ticked: BTreeSet::new(),
                });
                model.user_granter.insert(id, actor.level());
            }
        }
        Op::CreateGroup {
            level,
            area,
            options,
        } => {
            let options = options_from_bits(*options);
            if let Ok(access) = create_group(actor, *level, model.area(*area), options) {
                allowed_only_to(actor, ADMINS, "create a group")?;
                prop_assert_eq!(access.level(), *level);
                if actor.level() == AccessLevel::LocalAdministrator {
                    inside(actor, access.area(), "a new group")?;
                    prop_assert!(options.is_subset(actor.options()), "granted unheld options");
                }
                let id = GroupId(model.fresh_id());
                model
                    .groups
                    .push(Group::new(id, format!("G{}", id.0), access, options));
                model.group_granter.insert(id, actor.level());
            }
        }
        Op::DeleteGroup { group } => {
            let group = pick(&model.groups, *group).unwrap().clone();
            if delete_group(actor, &group, model.members(group.id)).is_ok() {
                allowed_only_to(actor, ADMINS, "delete a group")?;
                inside(actor, group.area(), "a deleted group")?;
                prop_assert_ne!(group.id, actor.group());
                model.groups.retain(|g| g.id != group.id);
            }
        }
        Op::CreateCompany { directory, area } => {
            let directory = pick(&model.directories, *directory).unwrap().clone();
            if let Ok(area) = create_company(actor, &directory, model.area(*area)) {
                allowed_only_to(actor, ADMINS, "create a company")?;
                inside(actor, area, "a new company")?;
                let id = CompanyId(model.fresh_id());
                model.companies.push(Company {
                    id,
                    directory: directory.id,
                    area,
                });
            }
        }
        Op::SetGroupOptions { group, options } => {
            let options = options_from_bits(*options);
            let index = *group as usize % model.groups.len();
            let before = model.groups[index].clone();
            if set_group_options(actor, &before, options).is_ok() {
                allowed_only_to(actor, ADMINS, "set a group's options")?;
                if actor.level() == AccessLevel::LocalAdministrator {
                    inside(actor, before.area(), "a group's options")?;
                    prop_assert_ne!(before.id, actor.group());
                    let added = options.difference(before.effective_options());
                    prop_assert!(added.is_subset(actor.options()), "granted unheld options");
                }
                model.groups[index].options = options;
            }
        }
        Op::ChangeGroupAccess { group, level, area } => {
            let index = *group as usize % model.groups.len();
            let before = model.groups[index].clone();
            let others = model.active_admins_outside(before.id);
            let area = model.area(*area);
            if let Ok(access) = change_group_access(actor, &before, *level, area, others) {
                allowed_only_to(actor, ADMINS, "change a group's level or area")?;
                prop_assert_eq!((access.level(), access.area()), (*level, area));
                if actor.level() == AccessLevel::LocalAdministrator {
                    inside(actor, before.area(), "a group whose level changed")?;
                    prop_assert_eq!(access.area(), before.area(), "changed a group's area");
                    prop_assert_ne!(before.id, actor.group());
                }
                let changed = &mut model.groups[index];
                *changed = Group::new(changed.id, changed.code.clone(), access, changed.options);
                model.group_granter.insert(before.id, actor.level());
                for member in model.users.iter().filter(|u| u.group == before.id) {
                    model.user_granter.insert(member.id, actor.level());
                }
            }
        }
        Op::MoveUser { user, group } => {
            let index = *user as usize % model.users.len();
            let target = model.users[index].clone();
            let from = model.group_of(&target).clone();
            let to = pick(&model.groups, *group).unwrap().clone();
            let others = model.active_admins_except(target.id);
            if let Ok(notice) = move_user(actor, &target, &from, &to, others) {
                allowed_only_to(actor, ADMINS, "move a user")?;
                prop_assert_eq!(notice.crosses_area, from.area() != to.area());
                prop_assert_eq!(notice.warning().is_some(), notice.crosses_area);
                if actor.level() == AccessLevel::LocalAdministrator {
                    inside(actor, from.area(), "a moved user")?;
                    inside(actor, to.area(), "a group a user moved to")?;
                    prop_assert_ne!(target.id, actor.user(), "moved itself");
                }
                model.users[index].group = to.id;
                model.user_granter.insert(target.id, actor.level());
            }
        }
        Op::UpdateGroup {
            group,
            level,
            area,
            options,
        } => {
            let index = *group as usize % model.groups.len();
            let before = model.groups[index].clone();
            let others = model.active_admins_outside(before.id);
            let area = model.area(*area);
            let options = options_from_bits(*options);
            if let Ok((access, stored)) =
                update_group(actor, &before, *level, area, options, others)
            {
                allowed_only_to(actor, ADMINS, "edit a group")?;
                prop_assert_eq!((access.level(), access.area()), (*level, area));
                if actor.level() == AccessLevel::LocalAdministrator {
                    inside(actor, before.area(), "an edited group")?;
                    prop_assert_eq!(access.area(), before.area(), "changed a group's area");
                    prop_assert_ne!(before.id, actor.group());
                    let added = stored.difference(before.effective_options());
                    prop_assert!(added.is_subset(actor.options()), "granted unheld options");
                }
                let changed = &mut model.groups[index];
                *changed = Group::new(changed.id, changed.code.clone(), access, stored);
                model.group_granter.insert(before.id, actor.level());
                for member in model.users.iter().filter(|u| u.group == before.id) {
                    model.user_granter.insert(member.id, actor.level());
                }
            }
        }
        Op::TickCompanies { user, companies } => {
            let index = *user as usize % model.users.len();
            let target = model.users[index].clone();
            let group = model.group_of(&target).clone();
            let requested: Vec<CompanyRef> = companies
                .iter()
                .map(|c| model.company_ref(pick(&model.companies, *c).unwrap()))
                .collect();
            if set_ticked_companies(actor, &target, &group, &requested).is_ok() {
                allowed_only_to(actor, ADMINS, "tick companies")?;
                prop_assert_eq!(
                    group.level(),
                    AccessLevel::User,
                    "narrowed an administrator"
                );
                for company in &requested {
                    prop_assert!(may_see_company(actor, *company), "ticked an unseen company");
                    if let Some(area) = group.area() {
                        prop_assert_eq!(company.area, Some(area));
                    }
                    inside(actor, company.area, "a ticked company")?;
                }
                model.users[index].ticked = requested.iter().map(|c| c.id).collect();
            }
        }
        Op::SetCompanyArea { company, area } => {
            let index = *company as usize % model.companies.len();
            let before = model.companies[index].clone();
            let directory = model.directory(before.directory).clone();
            let area = model.area(*area);
            if let Ok(change) = set_company_area(actor, &before, &directory) {
                allowed_only_to(actor, REGULAR, "change a company's area")?;
                match change {
                    CompanyAreaChange::OnlyCompany => {
                        prop_assert!(!directory.multidimensional);
                        model.companies[index].area = area;
                    }
                    CompanyAreaChange::WholeDirectory(id) => {
                        prop_assert_eq!(id, directory.id);
                        set_directory_area(model, id, area);
                    }
                }
            }
        }
        Op::EditDirectory {
            directory,
            multidimensional,
            area,
        } => {
            let id = pick(&model.directories, *directory).unwrap().id;
            if edit_directory(actor).is_ok() {
                allowed_only_to(actor, REGULAR, "edit a directory")?;
                let area = model.area(*area);
                let directory = model.directories.iter_mut().find(|d| d.id == id).unwrap();
                directory.multidimensional = *multidimensional;
                if *multidimensional {
                    set_directory_area(model, id, area);
                }
            }
        }
        Op::DisableUser { user } | Op::DeleteUser { user } => {
            let index = *user as usize % model.users.len();
            let target = model.users[index].clone();
            let group = model.group_of(&target).clone();
            let others = model.active_admins_except(target.id);
            let delete = matches!(op, Op::DeleteUser { .. });
            let outcome = if delete {
                delete_user(actor, &target, &group, others)
            } else {
                disable_user(actor, &target, &group, others)
            };
            if outcome.is_ok() {
                allowed_only_to(actor, ADMINS, "disable or delete a user")?;
                inside(actor, group.area(), "a disabled or deleted user")?;
                prop_assert_ne!(target.id, actor.user());
                if delete {
                    model.users.remove(index);
                } else {
                    model.users[index].active = false;
                }
            }
        }
        Op::EnableUser { user } => {
            let index = *user as usize % model.users.len();
            let target = model.users[index].clone();
            let group = model.group_of(&target).clone();
            if enable_user(actor, &target, &group).is_ok() {
                allowed_only_to(actor, ADMINS, "enable a user")?;
                inside(actor, group.area(), "an enabled user")?;
                model.users[index].active = true;
            }
        }
        Op::Impersonate { user } => {
            let target = pick(&model.users, *user).unwrap();
            let outcome = Actor::acting_as(actor, target, model.group_of(target));
            prop_assert_eq!(
                outcome.is_ok(),
                login_as(actor, target, model.group_of(target)).is_ok()
            );
            if actor.real_user().is_some() {
                prop_assert!(outcome.is_err(), "nested impersonation");
            } else {
                check_impersonation(model, actor, target, &outcome)?;
            }
        }
    }
    Ok(())
}

/// R08: a multidimensional directory's area is every company's in it.
fn set_directory_area(model: &mut Model, id: DirectoryId, area: Option<AreaId>) {
    for directory in model.directories.iter_mut().filter(|d| d.id == id) {
        directory.area = area;
    }
    for company in model.companies.iter_mut().filter(|c| c.directory == id) {
        company.area = area;
    }
}

// ---------------------------------------------------------------------------------------------
// Invariants after every step.

fn check_account(model: &Model) -> Check {
    // R16: the account keeps an active regular administrator.
    prop_assert!(
        model.users.iter().any(|u| model.is_active_admin(u)),
        "no active regular administrator left"
    );
    // Every user's group exists: a group in use was never deleted.
    for user in &model.users {
        prop_assert!(
            model.groups.iter().any(|g| g.id == user.group),
            "orphan user {}",
            user.id
        );
    }
    // R08: every multidimensional directory's companies share its area.
    for directory in model.directories.iter().filter(|d| d.multidimensional) {
        let areas: BTreeSet<Option<AreaId>> = model
            .companies
            .iter()
            .filter(|c| c.directory == directory.id)
            .map(|c| model.company_ref(c).area)
            .collect();
        prop_assert!(
            areas.len() <= 1,
            "directory {} spans areas {:?}",
            directory.id,
            areas
        );
        for company in model
            .companies
            .iter()
            .filter(|c| c.directory == directory.id)
        {
            prop_assert_eq!(company.area, directory.area, "stored area out of step");
        }
    }
    // R15: no one's level is above that of whoever granted it (Administrator < LocalAdmin < User).
    for group in &model.groups {
        prop_assert!(
            group.level() >= model.group_granter[&group.id],
            "group {} outranks its granter",
            group.id
        );
        if group.access == GroupAccess::Administrator {
            prop_assert_eq!(group.effective_options(), OptionSet::all());
        }
    }
    for user in &model.users {
        prop_assert!(
            model.group_of(user).level() >= model.user_granter[&user.id],
            "user {} outranks its granter",
            user.id
        );
    }
    Ok(())
}

fn check_actor(model: &Model, actor: &Actor) -> Check {
    let own_area = actor.area();
    let companies = company_scope(actor);
    for company in &model.companies {
        let company = model.company_ref(company);
        let seen = may_see_company(actor, company);
        let ticked = actor.ticked().contains(&company.id);
        prop_assert_eq!(
            companies.admits_company(company.area, ticked),
            seen,
            "company scope"
        );
        prop_assert_eq!(choose_company(actor, company).is_ok(), seen);
        match actor.access() {
            GroupAccess::Administrator => prop_assert!(seen),
            // R13: every company of its area, and nothing else.
            GroupAccess::LocalAdministrator(area) => {
                prop_assert_eq!(seen, company.area == Some(area))
            }
            GroupAccess::User(boundary) => {
                if seen {
                    prop_assert!(ticked);
                    prop_assert!(boundary.is_none() || company.area == boundary);
                }
            }
        }
    }
    let users = user_scope(actor);
    let in_charge = user_in_charge_scope(actor);
    let persons = person_scope(actor);
    for user in &model.users {
        let group = model.group_of(user);
        let seen = may_see_user(actor, user, group);
        let named = may_see_person(actor, user, group);
        prop_assert_eq!(
            persons.admits_person(user.id, group.level(), group.area()),
            named,
            "person scope"
        );
        // Whoever a reader may see in a list, a reference may name; a pointer never names
        // a person of another area to a local administrator or a user.
        prop_assert!(!seen || named, "a visible user is not named");
        if named && !actor.is_regular_administrator() && user.id != actor.user() {
            prop_assert!(
                group.level() == AccessLevel::Administrator || group.area() == own_area,
                "named a person outside the area"
            );
        }
        prop_assert_eq!(users.admits_user(user.id, group.area()), seen, "user scope");
        prop_assert_eq!(
            in_charge.admits_user(group.level(), group.area()),
            may_pick_user_in_charge(actor, group),
            "user-in-charge scope"
        );
        if let GroupAccess::LocalAdministrator(area) = actor.access() {
            if seen {
                prop_assert_eq!(group.area(), Some(area));
                prop_assert_ne!(group.level(), AccessLevel::Administrator);
            }
            // The decision refuses whatever the scope hides (and may refuse more).
            if !seen {
                let denied = edit_user(actor, user, group).unwrap_err();
                prop_assert!(
                    denied.is_not_visible() || denied.code == DenyCode::OptionNotHeld,
                    "{:?}",
                    denied
                );
            }
        }
    }
    let groups = group_scope(actor);
    for group in &model.groups {
        let seen = may_see_group(actor, group);
        prop_assert_eq!(
            groups.admits_group(group.id, group.area()),
            seen,
            "group scope"
        );
        if actor.level() == AccessLevel::LocalAdministrator && seen {
            prop_assert_eq!(group.area(), own_area);
        }
    }
    let history = history_scope(actor);
    let reports = report_scope(actor);
    let entry_areas = model.areas.iter().copied().map(Some).chain([None]);
    for area in entry_areas {
        let seen = may_see_history_entry(actor, area);
        prop_assert_eq!(history.admits_entry(area), seen, "history scope");
        if !actor.is_regular_administrator() && seen {
            prop_assert_eq!(area, own_area);
            prop_assert!(area.is_some());
        }
        let report = Report {
            id: precinct_core::ids::ReportId(1),
            area,
        };
        let seen = may_see_report(actor, &report);
        prop_assert_eq!(reports.admits_report(area), seen, "report scope");
        if !actor.is_regular_administrator() {
            prop_assert_eq!(seen, area == own_area);
        }
    }
    Ok(())
}

/// What each user can do now: nothing while disabled (R31).
fn rights_of_everyone(model: &Model) -> BTreeMap<UserId, Option<Rights>> {
    model
        .users
        .iter()
        .map(|user| {
            (
                user.id,
                user.active.then(|| Rights::of_group(model.group_of(user))),
            )
        })
        .collect()
}

/// R31: after any action of a local administrator, every right that any user gained by it (an
/// option meaningful at their level, or a higher level) is held by that local administrator.
fn check_options_ceiling(
    model: &Model,
    actor: &Actor,
    before: &BTreeMap<UserId, Option<Rights>>,
) -> Check {
    if actor.level() != AccessLevel::LocalAdministrator {
        return Ok(());
    }
    let held = actor.rights();
    for (user, after) in rights_of_everyone(model) {
        let Some(after) = after else { continue };
        let (level, options) = after.gained_over(before.get(&user).copied().flatten());
        prop_assert!(
            options.is_subset(held.options),
            "R31: user {:?} gained {:?} beyond {:?}",
            user,
            options.difference(held.options),
            held
        );
        if let Some(level) = level {
            prop_assert!(
                level.power() <= held.level.power(),
                "R31: user {:?} rose to {:?}",
                user,
                level
            );
        }
    }
    Ok(())
}

fn run_sequence(raw: &RawAccount, steps: &[Step]) -> Check {
    SEQUENCES.fetch_add(1, Ordering::Relaxed);
    let mut model = Model::build(raw);
    check_account(&model)?;
    for step in steps {
        ACTIONS.fetch_add(1, Ordering::Relaxed);
        if let Some(actor) = resolve_actor(&model, step)? {
            let before = format!("{:?}", (&model.areas, &model.directories, &model.companies))
                + &format!("{:?}", (&model.groups, &model.users));
            let rights_before = rights_of_everyone(&model);
            apply(&mut model, &actor, &step.op)?;
            check_options_ceiling(&model, &actor, &rights_before)?;
            let after = format!("{:?}", (&model.areas, &model.directories, &model.companies))
                + &format!("{:?}", (&model.groups, &model.users));
            if before != after {
                ALLOWED.fetch_add(1, Ordering::Relaxed);
                if actor.level() == AccessLevel::LocalAdministrator {
                    ALLOWED_TO_LOCAL_ADMINS.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        check_account(&model)?;
        for user in model.users.iter().filter(|u| u.active) {
            let actor = Actor::new(user, model.group_of(user)).unwrap();
            check_actor(&model, &actor)?;
        }
    }
    Ok(())
}

#[test]
fn policy_properties_hold_over_random_action_sequences() {
    let config = ProptestConfig {
        cases: CASES,
        // Shrunk failures are saved and replayed first on the next run. The default
        // (SourceParallel) needs a lib.rs above the test file, which `tests/` lacks, so the
        // file is named directly: core/proptest-regressions/properties.txt (tests run in core/).
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/properties.txt",
        ))),
        source_file: Some(file!()),
        ..ProptestConfig::default()
    };
    let mut runner = TestRunner::new(config);
    let outcome = runner.run(&(account_strategy(), steps_strategy()), |(raw, steps)| {
        run_sequence(&raw, &steps)
    });
    let sequences = SEQUENCES.load(Ordering::Relaxed);
    let actions = ACTIONS.load(Ordering::Relaxed);
    println!("policy properties: {sequences} sequences, {actions} actions");
    println!(
        "policy properties: {} actions changed the account, {} of them by local administrators",
        ALLOWED.load(Ordering::Relaxed),
        ALLOWED_TO_LOCAL_ADMINS.load(Ordering::Relaxed)
    );
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
    assert!(actions >= 10_000, "only {actions} actions ran");
}
