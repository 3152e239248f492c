//! One or more tests per rule R05–R23, each allow with its deny twin, on the sample account.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;
use std::fmt::Debug;

use common::*;
use precinct_core::ids::{AreaId, CompanyId, DirectoryId, GroupId, ReportId, UserId};
use precinct_core::policy::{self, *};

/// The refusal code, failing the test when the action was allowed.
fn code<T: Debug>(outcome: Result<T, Denied>) -> DenyCode {
    match outcome {
        Ok(value) => panic!("expected a refusal, got Ok({value:?})"),
        Err(denied) => {
            assert!(!denied.message.is_empty());
            denied.code
        }
    }
}

fn ids(companies: &[CompanyRef]) -> BTreeSet<CompanyId> {
    companies.iter().map(|c| c.id).collect()
}

fn refs(account: &Account, companies: &[CompanyId]) -> Vec<CompanyRef> {
    companies.iter().map(|c| account.company_ref(*c)).collect()
}

// ---------------------------------------------------------------------------------------------
// R05 Login as another user.

#[test]
fn r05_admin_may_login_as_any_active_user_of_the_account() {
    let acc = Account::sample();
    let admin = acc.actor(ADMIN);
    for target in [ADMIN2, LA_A, LA_B, USER_B, USER_NONE] {
        assert_eq!(
            login_as(&admin, acc.user(target), acc.group_of(target)),
            Ok(())
        );
    }
}

#[test]
fn r05_admin_cannot_login_as_a_disabled_user() {
    let acc = Account::sample();
    let outcome = login_as(
        &acc.actor(ADMIN),
        acc.user(USER_A_DISABLED),
        acc.group_of(USER_A_DISABLED),
    );
    assert_eq!(code(outcome), DenyCode::UserInactive);
}

#[test]
fn r05_local_admin_may_login_as_active_users_of_own_area() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    assert_eq!(
        login_as(&la, acc.user(USER_A), acc.group_of(USER_A)),
        Ok(())
    );
    assert_eq!(login_as(&la, acc.user(LA_A2), acc.group_of(LA_A2)), Ok(()));
}

#[test]
fn r05_local_admin_cannot_login_as_users_of_another_area() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    for target in [USER_B, LA_B, USER_NONE] {
        let outcome = login_as(&la, acc.user(target), acc.group_of(target));
        assert_eq!(code(outcome), DenyCode::NotVisible, "{target}");
    }
}

#[test]
fn r05_local_admin_never_logs_in_as_a_regular_administrator() {
    let acc = Account::sample();
    let outcome = login_as(&acc.actor(LA_A), acc.user(ADMIN), acc.group_of(ADMIN));
    let denied = outcome.unwrap_err();
    assert!(denied.is_not_visible());
    assert_eq!(denied.http_status(), 404);
}

#[test]
fn r05_user_level_has_no_login_as_option_even_when_given_every_option() {
    let acc = Account::sample();
    for actor in [USER_A, USER_ALL_OPTIONS] {
        let outcome = login_as(
            &acc.actor(actor),
            acc.user(USER_NONE),
            acc.group_of(USER_NONE),
        );
        assert_eq!(code(outcome), DenyCode::CannotImpersonate, "{actor}");
    }
    let outcome = login_as(
        &acc.actor(ADMIN),
        acc.user(USER_NONE),
        acc.group_of(USER_NONE),
    );
    assert_eq!(outcome, Ok(()));
}

#[test]
fn r05_local_admin_without_the_option_cannot_login_as() {
    let acc = Account::sample();
    let outcome = login_as(
        &acc.actor(LA_A_NARROW),
        acc.user(USER_A),
        acc.group_of(USER_A),
    );
    assert_eq!(code(outcome), DenyCode::OptionNotHeld);
}

#[test]
fn r05_cannot_login_as_oneself_nor_while_already_acting_as_another() {
    let acc = Account::sample();
    let admin = acc.actor(ADMIN);
    assert_eq!(
        code(login_as(&admin, acc.user(ADMIN), acc.group_of(ADMIN))),
        DenyCode::CannotImpersonate
    );
    let acting = acc.acting_as(ADMIN, ADMIN2);
    assert_eq!(
        code(login_as(&acting, acc.user(USER_A), acc.group_of(USER_A))),
        DenyCode::CannotImpersonate
    );
}

#[test]
fn r05_acting_as_another_has_exactly_their_rights_and_keeps_the_real_user() {
    let acc = Account::sample();
    let acting = acc.acting_as(ADMIN, LA_A);
    assert_eq!(acting.user(), LA_A);
    assert_eq!(acting.real_user(), Some(ADMIN));
    assert_eq!(acting.access(), GroupAccess::LocalAdministrator(AREA_A));
    assert_eq!(acting.options(), local_admin_options());
    assert_eq!(company_scope(&acting), CompanyScope::Area(AREA_A));
    assert_eq!(code(create_area(&acting)), DenyCode::RequiresAdministrator);
    assert_eq!(create_area(&acc.actor(ADMIN)), Ok(()));
    assert_eq!(acc.actor(LA_A).real_user(), None);
}

#[test]
fn r05_acting_as_is_refused_when_login_as_is() {
    let acc = Account::sample();
    let refused = Actor::acting_as(&acc.actor(LA_A), acc.user(ADMIN), acc.group_of(ADMIN));
    assert_eq!(code(refused), DenyCode::NotVisible);
    let allowed = Actor::acting_as(&acc.actor(LA_A), acc.user(USER_A), acc.group_of(USER_A));
    assert_eq!(allowed.unwrap().level(), AccessLevel::User);
}

// ---------------------------------------------------------------------------------------------
// R06 Areas.

#[test]
fn r06_admin_creates_renames_and_deletes_an_unused_area() {
    let admin = Account::sample().actor(ADMIN);
    assert_eq!(create_area(&admin), Ok(()));
    assert_eq!(rename_area(&admin), Ok(()));
    assert_eq!(delete_area(&admin, &AreaUsage::default()), Ok(()));
}

#[test]
fn r06_local_admin_cannot_create_rename_or_delete_areas() {
    let la = Account::sample().actor(LA_A);
    assert_eq!(code(create_area(&la)), DenyCode::RequiresAdministrator);
    assert_eq!(code(rename_area(&la)), DenyCode::RequiresAdministrator);
    assert_eq!(
        code(delete_area(&la, &AreaUsage::default())),
        DenyCode::RequiresAdministrator
    );
}

#[test]
fn r06_area_in_use_cannot_be_deleted_and_the_error_says_what_uses_it() {
    let admin = Account::sample().actor(ADMIN);
    let usage = AreaUsage {
        companies: 2,
        directories: 0,
        groups: 1,
        reports: 0,
    };
    let denied = delete_area(&admin, &usage).unwrap_err();
    assert_eq!(denied.code, DenyCode::AreaInUse);
    assert_eq!(
        denied.message,
        "The area cannot be deleted: it is used by 2 companies and 1 user group."
    );
    let one_directory = AreaUsage {
        directories: 1,
        ..AreaUsage::default()
    };
    let denied = delete_area(&admin, &one_directory).unwrap_err();
    assert!(
        denied.message.ends_with("used by 1 directory."),
        "{}",
        denied.message
    );
}

// ---------------------------------------------------------------------------------------------
// R07 Companies and their area.

#[test]
fn r07_a_company_outside_multidimensional_mode_has_its_own_area() {
    let acc = Account::sample();
    let plain = acc.directory(DIR_PLAIN);
    assert_eq!(company_area(acc.company(C1_A), plain), Some(AREA_A));
    assert_eq!(company_area(acc.company(C3_NONE), plain), None);
}

#[test]
fn r07_an_area_holds_companies_of_several_directories() {
    let acc = Account::sample();
    let seen = accessible_companies(&acc.actor(LA_B), acc.company_refs());
    let directories: BTreeSet<_> = seen.iter().map(|c| acc.company(c.id).directory).collect();
    assert_eq!(directories, BTreeSet::from([DIR_PLAIN, DIR_MULTI_B]));
    let seen_by_a = accessible_companies(&acc.actor(LA_A), acc.company_refs());
    assert_eq!(ids(&seen_by_a), BTreeSet::from([C1_A]));
}

// ---------------------------------------------------------------------------------------------
// R08 Multidimensional directories.

#[test]
fn r08_in_a_multidimensional_directory_the_directory_area_wins() {
    let acc = Account::sample();
    let company = acc.company(C4_MULTI_B);
    assert_eq!(company.area, Some(AREA_A));
    assert_eq!(
        company_area(company, acc.directory(DIR_MULTI_B)),
        Some(AREA_B)
    );
    let plain_mode = Directory {
        multidimensional: false,
        ..acc.directory(DIR_MULTI_B).clone()
    };
    assert_eq!(company_area(company, &plain_mode), Some(AREA_A));
}

#[test]
fn r08_setting_the_area_of_a_multidimensional_company_sets_the_whole_directory() {
    let acc = Account::sample();
    let admin = acc.actor(ADMIN);
    assert_eq!(
        set_company_area(&admin, acc.company(C4_MULTI_B), acc.directory(DIR_MULTI_B)),
        Ok(CompanyAreaChange::WholeDirectory(DIR_MULTI_B))
    );
    assert_eq!(
        set_company_area(&admin, acc.company(C1_A), acc.directory(DIR_PLAIN)),
        Ok(CompanyAreaChange::OnlyCompany)
    );
}

#[test]
fn r08_a_company_created_in_a_multidimensional_directory_takes_its_area() {
    let acc = Account::sample();
    let multi = acc.directory(DIR_MULTI_B);
    assert_eq!(
        create_company(&acc.actor(ADMIN), multi, None),
        Ok(Some(AREA_B))
    );
    assert_eq!(
        create_company(&acc.actor(ADMIN), multi, Some(AREA_B)),
        Ok(Some(AREA_B))
    );
    assert_eq!(
        code(create_company(&acc.actor(ADMIN), multi, Some(AREA_A))),
        DenyCode::DirectoryCarriesArea
    );
    assert_eq!(
        create_company(&acc.actor(LA_B), multi, None),
        Ok(Some(AREA_B))
    );
    assert_eq!(
        code(create_company(&acc.actor(LA_A), multi, None)),
        DenyCode::OutsideArea
    );
}

#[test]
fn r08_only_regular_administrators_manage_directories_and_their_mode() {
    let acc = Account::sample();
    assert_eq!(create_directory(&acc.actor(ADMIN)), Ok(()));
    assert_eq!(edit_directory(&acc.actor(ADMIN)), Ok(()));
    assert_eq!(
        code(create_directory(&acc.actor(LA_B))),
        DenyCode::RequiresAdministrator
    );
    assert_eq!(
        code(edit_directory(&acc.actor(LA_B))),
        DenyCode::RequiresAdministrator
    );
}

// ---------------------------------------------------------------------------------------------
// R09 User groups: level, area, options.

#[test]
fn r09_an_administrator_group_with_an_area_is_rejected_with_a_clear_error() {
    let denied = GroupAccess::new(AccessLevel::Administrator, Some(AREA_A)).unwrap_err();
    assert_eq!(denied.code, DenyCode::AdminGroupHasNoArea);
    assert!(denied.message.contains("no area"), "{}", denied.message);
    assert_eq!(denied.http_status(), 422);
    assert_eq!(
        GroupAccess::new(AccessLevel::Administrator, None),
        Ok(GroupAccess::Administrator)
    );
    let admin = Account::sample().actor(ADMIN);
    let outcome = create_group(
        &admin,
        AccessLevel::Administrator,
        Some(AREA_A),
        OptionSet::all(),
    );
    assert_eq!(code(outcome), DenyCode::AdminGroupHasNoArea);
}

#[test]
fn r09_a_local_administrator_group_must_have_an_area() {
    assert_eq!(
        code(GroupAccess::new(AccessLevel::LocalAdministrator, None)),
        DenyCode::LocalAdminGroupNeedsArea
    );
    assert_eq!(
        GroupAccess::new(AccessLevel::LocalAdministrator, Some(AREA_B)),
        Ok(GroupAccess::LocalAdministrator(AREA_B))
    );
}

#[test]
fn r09_a_user_group_may_have_an_area_or_none() {
    let user_a = GroupAccess::new(AccessLevel::User, Some(AREA_A)).unwrap();
    assert_eq!(
        (user_a.level(), user_a.area()),
        (AccessLevel::User, Some(AREA_A))
    );
    let user_none = GroupAccess::new(AccessLevel::User, None).unwrap();
    assert_eq!(user_none.area(), None);
}

#[test]
fn r09_an_administrator_group_always_has_every_option() {
    let acc = Account::sample();
    let admin_group = acc.group(G_ADMIN);
    assert_eq!(admin_group.effective_options(), OptionSet::all());
    assert_eq!(admin_group.effective_options().len(), OptionCode::ALL.len());
    let mut fewer = OptionSet::all();
    fewer.remove(OptionCode::AreasManage);
    let admin = acc.actor(ADMIN);
    assert_eq!(
        code(set_group_options(&admin, admin_group, fewer)),
        DenyCode::AdminGroupHasAllOptions
    );
    assert_eq!(
        set_group_options(&admin, admin_group, OptionSet::all()),
        Ok(())
    );
    let stale = Group {
        options: OptionSet::empty(),
        ..admin_group.clone()
    };
    assert_eq!(stale.effective_options(), OptionSet::all());
}

#[test]
fn r09_a_local_admin_gives_a_group_only_options_it_holds() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    let held: OptionSet = [OptionCode::ReportsRead, OptionCode::UsersManage]
        .into_iter()
        .collect();
    assert_eq!(
        create_group(&la, AccessLevel::User, None, held),
        Ok(GroupAccess::User(Some(AREA_A)))
    );
    let unheld: OptionSet = [OptionCode::ReportsRead, OptionCode::AreasManage]
        .into_iter()
        .collect();
    let denied = create_group(&la, AccessLevel::User, None, unheld).unwrap_err();
    assert_eq!(denied.code, DenyCode::CannotGrantOption);
    assert!(
        denied.message.contains("areas_manage"),
        "{}",
        denied.message
    );
}

#[test]
fn r09_a_local_admin_may_keep_but_not_add_options_it_lacks() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    let mut group = acc.group(G_USER_A).clone();
    group.options.insert(OptionCode::MailSettingsManage); // given by a regular administrator
    let mut keep = group.options;
    keep.remove(OptionCode::HistoryRead);
    assert_eq!(set_group_options(&la, &group, keep), Ok(()));
    let mut add = group.options;
    add.insert(OptionCode::DirectoriesManage);
    assert_eq!(
        code(set_group_options(&la, &group, add)),
        DenyCode::CannotGrantOption
    );
    assert_eq!(set_group_options(&acc.actor(ADMIN), &group, add), Ok(()));
}

#[test]
fn r09_option_codes_and_deny_codes_have_stable_snake_case_names() {
    for option in OptionCode::ALL {
        let json = serde_json::to_string(option).unwrap();
        assert_eq!(json, format!("\"{}\"", option.as_str()));
        assert_eq!(OptionCode::parse(option.as_str()), Some(*option));
    }
    assert_eq!(OptionCode::parse("users"), None);
    for code in DenyCode::ALL {
        assert_eq!(
            serde_json::to_string(code).unwrap(),
            format!("\"{}\"", code.as_str())
        );
    }
    let set: OptionSet = [OptionCode::Preferences, OptionCode::UsersManage]
        .into_iter()
        .collect();
    let json = serde_json::to_string(&set).unwrap();
    assert_eq!(json, r#"["users_manage","preferences"]"#);
    assert_eq!(serde_json::from_str::<OptionSet>(&json).unwrap(), set);
}

// ---------------------------------------------------------------------------------------------
// R10 A user's area is their group's.

#[test]
fn r10_a_user_area_is_the_group_area() {
    let acc = Account::sample();
    assert_eq!(user_area(acc.group_of(USER_A)), Some(AREA_A));
    assert_eq!(user_area(acc.group_of(LA_B)), Some(AREA_B));
    assert_eq!(user_area(acc.group_of(ADMIN)), None);
    assert_eq!(acc.actor(USER_A).area(), Some(AREA_A));
    let mut moved = acc.group(G_USER_A).clone();
    moved.access = GroupAccess::User(Some(AREA_B));
    assert!(may_see_user(&acc.actor(LA_B), acc.user(USER_A), &moved));
    assert!(!may_see_user(&acc.actor(LA_A), acc.user(USER_A), &moved));
}

// ---------------------------------------------------------------------------------------------
// R11 Regular administrators.

#[test]
fn r11_regular_administrators_see_every_company_user_and_group() {
    let acc = Account::sample();
    let admin = acc.actor(ADMIN);
    assert_eq!(accessible_companies(&admin, acc.company_refs()).len(), 5);
    assert!(acc
        .users
        .iter()
        .all(|u| may_see_user(&admin, u, acc.group(u.group))));
    assert!(acc.groups.iter().all(|g| may_see_group(&admin, g)));
    assert_eq!(user_scope(&admin), UserScope::All);
    assert_eq!(group_scope(&admin), GroupScope::All);
    let la = acc.actor(LA_A);
    assert!(!acc.groups.iter().all(|g| may_see_group(&la, g)));
}

#[test]
fn r11_regular_administrators_create_companies_users_and_groups_in_any_area() {
    let acc = Account::sample();
    let admin = acc.actor(ADMIN);
    let plain = acc.directory(DIR_PLAIN);
    assert_eq!(
        create_company(&admin, plain, Some(AREA_B)),
        Ok(Some(AREA_B))
    );
    assert_eq!(create_company(&admin, plain, None), Ok(None));
    assert_eq!(create_user(&admin, acc.group(G_USER_B)), Ok(()));
    assert_eq!(
        create_group(
            &admin,
            AccessLevel::LocalAdministrator,
            Some(AREA_B),
            OptionSet::all()
        ),
        Ok(GroupAccess::LocalAdministrator(AREA_B))
    );
    assert_eq!(
        code(create_company(&acc.actor(LA_A), plain, Some(AREA_B))),
        DenyCode::OutsideArea
    );
}

#[test]
fn r11_only_regular_administrators_change_a_company_area() {
    let acc = Account::sample();
    let plain = acc.directory(DIR_PLAIN);
    assert!(set_company_area(&acc.actor(ADMIN), acc.company(C1_A), plain).is_ok());
    assert_eq!(
        code(set_company_area(&acc.actor(LA_A), acc.company(C1_A), plain)),
        DenyCode::CannotChangeCompanyArea
    );
    assert_eq!(
        code(set_company_area(&acc.actor(LA_A), acc.company(C2_B), plain)),
        DenyCode::NotVisible
    );
}

#[test]
fn r11_only_regular_administrators_change_a_group_area() {
    let acc = Account::sample();
    let group = acc.group(G_USER_A);
    assert_eq!(
        change_group_access(&acc.actor(ADMIN), group, AccessLevel::User, Some(AREA_B), 1),
        Ok(GroupAccess::User(Some(AREA_B)))
    );
    assert_eq!(
        code(change_group_access(
            &acc.actor(LA_A),
            group,
            AccessLevel::User,
            Some(AREA_B),
            1
        )),
        DenyCode::CannotChangeGroupArea
    );
    assert_eq!(
        code(change_group_access(
            &acc.actor(LA_A),
            group,
            AccessLevel::User,
            None,
            1
        )),
        DenyCode::CannotChangeGroupArea
    );
}

// ---------------------------------------------------------------------------------------------
// R12 Local administrators.

#[test]
fn r12_local_admin_cannot_create_admin_group() {
    let la = Account::sample().actor(LA_A);
    let outcome = create_group(&la, AccessLevel::Administrator, None, OptionSet::empty());
    assert_eq!(code(outcome), DenyCode::RequiresAdministrator);
}

#[test]
fn r12_local_admin_may_create_local_admin_groups_of_own_area() {
    let la = Account::sample().actor(LA_A);
    assert_eq!(
        create_group(
            &la,
            AccessLevel::LocalAdministrator,
            None,
            OptionSet::empty()
        ),
        Ok(GroupAccess::LocalAdministrator(AREA_A))
    );
    assert_eq!(
        create_group(
            &la,
            AccessLevel::LocalAdministrator,
            Some(AREA_A),
            OptionSet::empty()
        ),
        Ok(GroupAccess::LocalAdministrator(AREA_A))
    );
}

#[test]
fn r12_what_a_local_admin_creates_gets_its_area_and_it_cannot_choose_another() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    assert_eq!(
        code(create_group(
            &la,
            AccessLevel::User,
            Some(AREA_B),
            OptionSet::empty()
        )),
        DenyCode::OutsideArea
    );
    assert_eq!(
        create_group(&la, AccessLevel::User, None, OptionSet::empty()),
        Ok(GroupAccess::User(Some(AREA_A)))
    );
    let plain = acc.directory(DIR_PLAIN);
    assert_eq!(create_company(&la, plain, None), Ok(Some(AREA_A)));
    assert_eq!(
        code(create_company(&la, plain, Some(AREA_B))),
        DenyCode::OutsideArea
    );
}

#[test]
fn r12_local_admin_creates_users_only_in_groups_of_own_area() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    assert_eq!(create_user(&la, acc.group(G_USER_A)), Ok(()));
    assert_eq!(create_user(&la, acc.group(G_LA_A)), Ok(()));
    for other in [G_USER_B, G_USER_NONE, G_ADMIN, G_LA_B] {
        assert_eq!(
            code(create_user(&la, acc.group(other))),
            DenyCode::NotVisible,
            "{other}"
        );
    }
}

#[test]
fn r12_local_admin_cannot_see_or_edit_an_administrator_group() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    assert!(!may_see_group(&la, acc.group(G_ADMIN)));
    assert_eq!(
        code(edit_group(&la, acc.group(G_ADMIN))),
        DenyCode::NotVisible
    );
    assert_eq!(edit_group(&la, acc.group(G_USER_A)), Ok(()));
    assert_eq!(edit_group(&acc.actor(ADMIN), acc.group(G_ADMIN)), Ok(()));
}

#[test]
fn r12_local_admin_cannot_see_or_edit_a_regular_administrator() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    assert!(!may_see_user(&la, acc.user(ADMIN), acc.group(G_ADMIN)));
    assert_eq!(
        code(edit_user(&la, acc.user(ADMIN), acc.group(G_ADMIN))),
        DenyCode::NotVisible
    );
    assert_eq!(
        code(disable_user(&la, acc.user(ADMIN), acc.group(G_ADMIN), 1)),
        DenyCode::NotVisible
    );
    assert_eq!(
        edit_user(&la, acc.user(USER_A), acc.group(G_USER_A)),
        Ok(())
    );
    assert_eq!(
        disable_user(&la, acc.user(LA_A2), acc.group(G_LA_A), 2),
        Ok(())
    );
}

#[test]
fn r12_local_admin_cannot_change_its_own_group_or_its_level() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    let own = acc.group(G_LA_A);
    assert_eq!(code(edit_group(&la, own)), DenyCode::CannotEditOwnGroup);
    assert_eq!(
        code(change_group_access(
            &la,
            own,
            AccessLevel::User,
            Some(AREA_A),
            1
        )),
        DenyCode::CannotEditOwnGroup
    );
    assert_eq!(
        code(set_group_options(&la, own, OptionSet::empty())),
        DenyCode::CannotEditOwnGroup
    );
    assert_eq!(
        code(delete_group(&la, own, 0)),
        DenyCode::CannotEditOwnGroup
    );
    assert_eq!(
        code(move_user(&la, acc.user(LA_A), own, acc.group(G_USER_A), 1)),
        DenyCode::CannotMoveSelf
    );
    // The twin: the same changes to another local administrator of the area are allowed.
    assert_eq!(
        move_user(&la, acc.user(LA_A2), own, acc.group(G_USER_A), 1),
        Ok(MoveNotice {
            crosses_area: false
        })
    );
    assert_eq!(
        change_group_access(
            &la,
            acc.group(G_LA_A_NARROW),
            AccessLevel::User,
            Some(AREA_A),
            1
        ),
        Ok(GroupAccess::User(Some(AREA_A)))
    );
}

#[test]
fn r12_local_admin_may_promote_within_its_area_but_never_to_administrator() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    let group = acc.group(G_USER_A);
    assert_eq!(
        change_group_access(&la, group, AccessLevel::LocalAdministrator, Some(AREA_A), 1),
        Ok(GroupAccess::LocalAdministrator(AREA_A))
    );
    assert_eq!(
        code(change_group_access(
            &la,
            group,
            AccessLevel::Administrator,
            None,
            1
        )),
        DenyCode::RequiresAdministrator
    );
    assert_eq!(
        move_user(&la, acc.user(USER_A), group, acc.group(G_LA_A), 1),
        Ok(MoveNotice {
            crosses_area: false
        })
    );
    assert_eq!(
        code(move_user(
            &la,
            acc.user(USER_A),
            group,
            acc.group(G_ADMIN),
            1
        )),
        DenyCode::NotVisible
    );
}

#[test]
fn r12_deleting_a_group_in_use_is_refused() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    let denied = delete_group(&la, acc.group(G_USER_A), 2).unwrap_err();
    assert_eq!(denied.code, DenyCode::GroupInUse);
    assert!(
        denied.message.contains("2 users belong"),
        "{}",
        denied.message
    );
    assert_eq!(delete_group(&la, acc.group(G_USER_A), 0), Ok(()));
    assert_eq!(
        code(delete_group(&la, acc.group(G_USER_B), 0)),
        DenyCode::NotVisible
    );
}

// ---------------------------------------------------------------------------------------------
// R13 A local administrator reaches every company of their area.

#[test]
fn r13_local_admin_has_every_company_of_its_area_and_their_projects_and_employees() {
    let acc = Account::sample();
    let la = acc.actor(LA_B);
    let seen = accessible_companies(&la, acc.company_refs());
    assert_eq!(ids(&seen), BTreeSet::from([C2_B, C4_MULTI_B, C5_MULTI_B]));
    for company in [C2_B, C4_MULTI_B, C5_MULTI_B] {
        assert_eq!(read_projects(&la, acc.company_ref(company)), Ok(()));
        assert_eq!(read_employees(&la, acc.company_ref(company)), Ok(()));
    }
    assert_eq!(
        code(read_projects(&la, acc.company_ref(C1_A))),
        DenyCode::NotVisible
    );
    assert_eq!(
        code(read_employees(&la, acc.company_ref(C3_NONE))),
        DenyCode::NotVisible
    );
}

#[test]
fn r13_local_admin_company_access_cannot_be_narrowed() {
    let acc = Account::sample();
    let admin = acc.actor(ADMIN);
    let one = refs(&acc, &[C1_A]);
    assert_eq!(
        code(set_ticked_companies(
            &admin,
            acc.user(LA_A),
            acc.group(G_LA_A),
            &one
        )),
        DenyCode::CompanyAccessLocked
    );
    assert_eq!(
        code(set_ticked_companies(
            &admin,
            acc.user(ADMIN2),
            acc.group(G_ADMIN),
            &one
        )),
        DenyCode::CompanyAccessLocked
    );
    assert_eq!(
        set_ticked_companies(&admin, acc.user(USER_A), acc.group(G_USER_A), &one),
        Ok(())
    );
    let mut la = acc.user(LA_A).clone();
    la.ticked = BTreeSet::new();
    let actor = Actor::new(&la, acc.group(G_LA_A)).unwrap();
    assert_eq!(accessible_companies(&actor, acc.company_refs()).len(), 1);
}

// ---------------------------------------------------------------------------------------------
// R14 Users reach their ticked companies, within their group's area.

#[test]
fn r14_users_access_only_ticked_companies_within_their_group_area() {
    let acc = Account::sample();
    let user_a = acc.actor(USER_A);
    assert_eq!(
        ids(&accessible_companies(&user_a, acc.company_refs())),
        BTreeSet::from([C1_A])
    );
    assert_eq!(
        company_scope(&user_a),
        CompanyScope::Granted {
            user: USER_A,
            area: Some(AREA_A)
        }
    );
    let user_none = acc.actor(USER_NONE);
    assert_eq!(
        ids(&accessible_companies(&user_none, acc.company_refs())),
        BTreeSet::from([C1_A, C3_NONE])
    );
}

#[test]
fn r14_the_editor_ticks_only_companies_it_may_see() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    let (target, group) = (acc.user(USER_A), acc.group(G_USER_A));
    assert_eq!(
        set_ticked_companies(&la, target, group, &refs(&acc, &[C1_A])),
        Ok(())
    );
    assert_eq!(
        code(set_ticked_companies(
            &la,
            target,
            group,
            &refs(&acc, &[C2_B])
        )),
        DenyCode::NotVisible
    );
}

#[test]
fn r14_only_companies_of_the_target_group_area_can_be_ticked() {
    let acc = Account::sample();
    let admin = acc.actor(ADMIN);
    assert_eq!(
        code(set_ticked_companies(
            &admin,
            acc.user(USER_A),
            acc.group(G_USER_A),
            &refs(&acc, &[C2_B])
        )),
        DenyCode::CompanyOutsideUserArea
    );
    assert_eq!(
        set_ticked_companies(
            &admin,
            acc.user(USER_NONE),
            acc.group(G_USER_NONE),
            &refs(&acc, &[C2_B, C3_NONE, C4_MULTI_B])
        ),
        Ok(())
    );
}

#[test]
fn r14_one_company_out_of_bounds_refuses_the_whole_request() {
    let acc = Account::sample();
    let admin = acc.actor(ADMIN);
    let mixed = refs(&acc, &[C1_A, C4_MULTI_B]);
    assert_eq!(
        code(set_ticked_companies(
            &admin,
            acc.user(USER_A),
            acc.group(G_USER_A),
            &mixed
        )),
        DenyCode::CompanyOutsideUserArea
    );
    assert_eq!(
        set_ticked_companies(&admin, acc.user(USER_A), acc.group(G_USER_A), &mixed[..1]),
        Ok(())
    );
}

// ---------------------------------------------------------------------------------------------
// R15 No one grants more than they hold.

#[test]
fn r15_options_never_lift_a_user_level_actor_to_administration() {
    let acc = Account::sample();
    let user = acc.actor(USER_ALL_OPTIONS);
    assert_eq!(user.options(), OptionSet::all());
    let target = (acc.user(USER_NONE), acc.group(G_USER_NONE));
    assert_eq!(
        code(edit_user(&user, target.0, target.1)),
        DenyCode::RequiresAdministrativeLevel
    );
    assert_eq!(
        code(create_group(
            &user,
            AccessLevel::User,
            None,
            OptionSet::empty()
        )),
        DenyCode::RequiresAdministrativeLevel
    );
    assert_eq!(
        code(create_company(&user, acc.directory(DIR_PLAIN), None)),
        DenyCode::RequiresAdministrativeLevel
    );
    assert_eq!(code(create_area(&user)), DenyCode::RequiresAdministrator);
    assert_eq!(edit_user(&acc.actor(ADMIN), target.0, target.1), Ok(()));
}

#[test]
fn r15_checks_use_the_effective_rights_not_the_real_user() {
    let acc = Account::sample();
    let acting = acc.acting_as(ADMIN, LA_A);
    assert_eq!(
        code(create_group(
            &acting,
            AccessLevel::Administrator,
            None,
            OptionSet::empty()
        )),
        DenyCode::RequiresAdministrator
    );
    assert_eq!(
        code(edit_user(&acting, acc.user(USER_B), acc.group(G_USER_B))),
        DenyCode::NotVisible
    );
    assert_eq!(
        edit_user(&acting, acc.user(USER_A), acc.group(G_USER_A)),
        Ok(())
    );
}

#[test]
fn r15_a_group_given_for_a_user_must_be_theirs() {
    let acc = Account::sample();
    let outcome = edit_user(&acc.actor(LA_A), acc.user(USER_B), acc.group(G_USER_A));
    assert_eq!(code(outcome), DenyCode::GroupMismatch);
    assert_eq!(
        code(Actor::new(acc.user(USER_B), acc.group(G_USER_A))),
        DenyCode::GroupMismatch
    );
    assert_eq!(
        code(Actor::new(acc.user(USER_A_DISABLED), acc.group(G_USER_A))),
        DenyCode::UserInactive
    );
}

// ---------------------------------------------------------------------------------------------
// R16 The account keeps an active regular administrator.

#[test]
fn r16_the_last_active_administrator_cannot_be_disabled_or_deleted() {
    let acc = Account::sample();
    let admin = acc.actor(ADMIN);
    let (target, group) = (acc.user(ADMIN2), acc.group(G_ADMIN));
    assert_eq!(
        code(disable_user(&admin, target, group, 0)),
        DenyCode::LastAdministrator
    );
    assert_eq!(
        code(delete_user(&admin, target, group, 0)),
        DenyCode::LastAdministrator
    );
    assert_eq!(disable_user(&admin, target, group, 1), Ok(()));
    assert_eq!(delete_user(&admin, target, group, 1), Ok(()));
    // Not an active administrator: nothing to keep.
    let user = (acc.user(USER_A), acc.group(G_USER_A));
    assert_eq!(disable_user(&admin, user.0, user.1, 0), Ok(()));
}

#[test]
fn r16_the_last_active_administrator_cannot_be_demoted() {
    let acc = Account::sample();
    let admin = acc.actor(ADMIN);
    let (me, admins, users) = (acc.user(ADMIN), acc.group(G_ADMIN), acc.group(G_USER_NONE));
    let denied = move_user(&admin, me, admins, users, 0).unwrap_err();
    assert_eq!(
        (denied.code, denied.http_status()),
        (DenyCode::LastAdministrator, 409)
    );
    assert!(move_user(&admin, me, admins, users, 1).is_ok());
    assert_eq!(
        code(change_group_access(
            &admin,
            admins,
            AccessLevel::LocalAdministrator,
            Some(AREA_A),
            0
        )),
        DenyCode::LastAdministrator
    );
    assert_eq!(
        change_group_access(
            &admin,
            admins,
            AccessLevel::LocalAdministrator,
            Some(AREA_A),
            1
        ),
        Ok(GroupAccess::LocalAdministrator(AREA_A))
    );
}

#[test]
fn r16_no_one_disables_or_deletes_the_user_they_are_signed_in_as() {
    let acc = Account::sample();
    let admin = acc.actor(ADMIN);
    let (me, group) = (acc.user(ADMIN), acc.group(G_ADMIN));
    assert_eq!(
        code(disable_user(&admin, me, group, 5)),
        DenyCode::CannotDisableSelf
    );
    assert_eq!(
        code(delete_user(&admin, me, group, 5)),
        DenyCode::CannotDeleteSelf
    );
    assert_eq!(enable_user(&admin, me, group), Ok(()));
}

// ---------------------------------------------------------------------------------------------
// R17 Moving a user to another area.

#[test]
fn r17_admin_moves_a_user_to_another_area_with_a_warning() {
    let acc = Account::sample();
    let admin = acc.actor(ADMIN);
    let (user, from) = (acc.user(USER_A), acc.group(G_USER_A));
    let notice = move_user(&admin, user, from, acc.group(G_USER_B), 1).unwrap();
    assert!(notice.crosses_area);
    assert!(notice.warning().unwrap().contains("recommended"));
    let same_area = move_user(&admin, user, from, acc.group(G_LA_A), 1).unwrap();
    assert_eq!(same_area.warning(), None);
}

#[test]
fn r17_local_admin_cannot_move_a_user_to_another_area() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    let (user, from) = (acc.user(USER_A), acc.group(G_USER_A));
    for to in [G_USER_B, G_USER_NONE, G_LA_B] {
        assert_eq!(
            code(move_user(&la, user, from, acc.group(to), 1)),
            DenyCode::NotVisible
        );
    }
    assert!(move_user(&la, user, from, acc.group(G_LA_A_NARROW), 1).is_ok());
}

// ---------------------------------------------------------------------------------------------
// R18 User lists and pickers.

#[test]
fn r18_user_lists_show_only_users_of_the_actor_area() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    assert_eq!(user_scope(&la), UserScope::Area(AREA_A));
    let seen: BTreeSet<UserId> = acc
        .users
        .iter()
        .filter(|u| may_see_user(&la, u, acc.group(u.group)))
        .map(|u| u.id)
        .collect();
    assert_eq!(
        seen,
        BTreeSet::from([LA_A, LA_A2, USER_A, USER_A_DISABLED, LA_A_NARROW])
    );
    assert_eq!(user_scope(&acc.actor(USER_A)), UserScope::OnlySelf(USER_A));
    assert!(!may_see_user(
        &acc.actor(USER_A),
        acc.user(LA_A),
        acc.group(G_LA_A)
    ));
    assert!(may_see_user(
        &acc.actor(USER_A),
        acc.user(USER_A),
        acc.group(G_USER_A)
    ));
}

#[test]
fn r18_scopes_agree_with_row_decisions_on_the_sample_account() {
    let acc = Account::sample();
    for actor in acc
        .users
        .iter()
        .filter(|u| u.active)
        .map(|u| acc.actor(u.id))
    {
        let users = user_scope(&actor);
        for u in &acc.users {
            let group = acc.group(u.group);
            assert_eq!(
                users.admits_user(u.id, group.area()),
                may_see_user(&actor, u, group)
            );
        }
        let companies = company_scope(&actor);
        for c in acc.company_refs() {
            let ticked = actor.ticked().contains(&c.id);
            assert_eq!(
                companies.admits_company(c.area, ticked),
                may_see_company(&actor, c)
            );
        }
        let groups = group_scope(&actor);
        for g in &acc.groups {
            assert_eq!(
                groups.admits_group(g.id, g.area()),
                may_see_group(&actor, g)
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// R19 The user-in-charge picker.

#[test]
fn r19_user_in_charge_picker_offers_area_users_plus_regular_administrators() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    assert_eq!(
        user_in_charge_scope(&la),
        UserInChargeScope::AreaPlusAdministrators(AREA_A)
    );
    let offered: BTreeSet<UserId> = acc
        .users
        .iter()
        .filter(|u| may_pick_user_in_charge(&la, acc.group(u.group)))
        .map(|u| u.id)
        .collect();
    assert_eq!(
        offered,
        BTreeSet::from([
            ADMIN,
            ADMIN2,
            LA_A,
            LA_A2,
            USER_A,
            USER_A_DISABLED,
            LA_A_NARROW
        ])
    );
    let c1 = acc.company_ref(C1_A);
    assert_eq!(
        set_user_in_charge(&la, c1, acc.user(ADMIN), acc.group(G_ADMIN)),
        Ok(())
    );
    assert_eq!(
        code(set_user_in_charge(
            &la,
            c1,
            acc.user(USER_B),
            acc.group(G_USER_B)
        )),
        DenyCode::NotVisible
    );
    assert_eq!(
        user_in_charge_scope(&acc.actor(USER_A)),
        UserInChargeScope::Nothing
    );
}

#[test]
fn r19_a_regular_admin_puts_in_charge_only_users_of_the_company_area_or_administrators() {
    let acc = Account::sample();
    let admin = acc.actor(ADMIN);
    let c1 = acc.company_ref(C1_A);
    for allowed in [USER_A, LA_A, ADMIN2] {
        assert_eq!(
            set_user_in_charge(&admin, c1, acc.user(allowed), acc.group_of(allowed)),
            Ok(()),
            "{allowed}"
        );
    }
    // The regular administrator may pick anyone, yet a user of area B (or of no area) cannot
    // hold the role for a company of area A: its readers would meet a person outside theirs.
    for refused in [USER_B, LA_B, USER_NONE] {
        assert_eq!(
            code(set_user_in_charge(
                &admin,
                c1,
                acc.user(refused),
                acc.group_of(refused)
            )),
            DenyCode::UserInChargeOutsideArea,
            "{refused}"
        );
    }
    // A company of no area: users of no area or regular administrators.
    let c3 = acc.company_ref(C3_NONE);
    assert_eq!(
        set_user_in_charge(&admin, c3, acc.user(USER_NONE), acc.group_of(USER_NONE)),
        Ok(())
    );
    assert_eq!(
        code(set_user_in_charge(
            &admin,
            c3,
            acc.user(USER_A),
            acc.group_of(USER_A)
        )),
        DenyCode::UserInChargeOutsideArea
    );
}

#[test]
fn r19_a_reference_names_a_person_only_to_readers_who_may_see_them() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    assert_eq!(
        person_scope(&la),
        PersonScope::AreaPlusAdministrators(AREA_A)
    );
    for named in [USER_A, LA_A2, ADMIN] {
        assert!(
            may_see_person(&la, acc.user(named), acc.group_of(named)),
            "{named}"
        );
    }
    for hidden in [USER_B, LA_B, USER_NONE] {
        assert!(
            !may_see_person(&la, acc.user(hidden), acc.group_of(hidden)),
            "{hidden}"
        );
    }
    let user = acc.actor(USER_A);
    assert!(may_see_person(
        &user,
        acc.user(USER_A),
        acc.group_of(USER_A)
    ));
    assert!(!may_see_person(&user, acc.user(LA_A), acc.group_of(LA_A)));
    assert!(may_see_person(
        &acc.actor(ADMIN),
        acc.user(USER_B),
        acc.group_of(USER_B)
    ));
}

// ---------------------------------------------------------------------------------------------
// R20 Company lists.

#[test]
fn r20_company_lists_and_the_sign_in_choice_show_only_the_actor_area() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    assert_eq!(company_scope(&la), CompanyScope::Area(AREA_A));
    assert_eq!(choose_company(&la, acc.company_ref(C1_A)), Ok(()));
    for other in [C2_B, C3_NONE, C4_MULTI_B] {
        assert_eq!(
            code(choose_company(&la, acc.company_ref(other))),
            DenyCode::NotVisible
        );
    }
    let user = acc.actor(USER_A);
    assert_eq!(choose_company(&user, acc.company_ref(C1_A)), Ok(()));
    assert_eq!(
        code(choose_company(&user, acc.company_ref(C2_B))),
        DenyCode::NotVisible
    );
}

// ---------------------------------------------------------------------------------------------
// R21 History.

#[test]
fn r21_history_of_other_areas_and_account_wide_entries_are_not_shown() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    let scope = read_history(&la).unwrap();
    assert_eq!(scope, HistoryScope::Area(AREA_A));
    assert!(scope.admits_entry(Some(AREA_A)));
    assert!(!scope.admits_entry(Some(AREA_B)));
    assert!(!scope.admits_entry(None));
    assert!(!may_see_history_entry(&la, None));
    assert!(may_see_history_entry(&la, Some(AREA_A)));
}

#[test]
fn r21_only_regular_administrators_read_account_wide_entries() {
    let acc = Account::sample();
    let admin = acc.actor(ADMIN);
    assert_eq!(read_history(&admin), Ok(HistoryScope::All));
    assert!(may_see_history_entry(&admin, None));
    assert_eq!(
        read_history(&acc.actor(USER_NONE)),
        Ok(HistoryScope::Nothing)
    );
    assert!(!may_see_history_entry(&acc.actor(USER_NONE), None));
}

#[test]
fn r21_the_history_tab_needs_its_option() {
    let acc = Account::sample();
    assert_eq!(
        code(read_history(&acc.actor(LA_A_NARROW))),
        DenyCode::OptionNotHeld
    );
    assert!(read_history(&acc.actor(LA_A)).is_ok());
}

// ---------------------------------------------------------------------------------------------
// R22 Reports and documents.

#[test]
fn r22_users_see_reports_of_their_area_and_none_matches_none() {
    let acc = Account::sample();
    let report = |id, area| Report {
        id: ReportId(id),
        area,
    };
    let (in_a, in_b, no_area) = (
        report(1, Some(AREA_A)),
        report(2, Some(AREA_B)),
        report(3, None),
    );
    let user_a = acc.actor(USER_A);
    assert_eq!(read_report(&user_a, &in_a), Ok(()));
    assert_eq!(code(read_report(&user_a, &in_b)), DenyCode::NotVisible);
    assert_eq!(code(read_report(&user_a, &no_area)), DenyCode::NotVisible);
    let user_none = acc.actor(USER_NONE);
    assert_eq!(read_report(&user_none, &no_area), Ok(()));
    assert_eq!(code(read_report(&user_none, &in_a)), DenyCode::NotVisible);
    assert_eq!(read_reports(&user_none), Ok(ReportScope::Area(None)));
    assert!(!ReportScope::Area(None).admits_report(Some(AREA_A)));
}

#[test]
fn r22_regular_administrators_see_every_report() {
    let acc = Account::sample();
    let admin = acc.actor(ADMIN);
    assert_eq!(read_reports(&admin), Ok(ReportScope::All));
    for area in [Some(AREA_A), Some(AREA_B), None, Some(AreaId(99))] {
        assert!(may_see_report(
            &admin,
            &Report {
                id: ReportId(1),
                area
            }
        ));
    }
    assert_eq!(
        code(read_reports(&acc.actor(LA_A_NARROW))),
        DenyCode::OptionNotHeld
    );
}

// ---------------------------------------------------------------------------------------------
// R23 About > Properties > Companies.

#[test]
fn r23_properties_list_the_visible_companies_with_their_area() {
    let acc = Account::sample();
    let listed = accessible_companies(&acc.actor(LA_B), acc.company_refs());
    let expected = vec![
        CompanyRef {
            id: C2_B,
            area: Some(AREA_B),
        },
        CompanyRef {
            id: C4_MULTI_B,
            area: Some(AREA_B),
        },
        CompanyRef {
            id: C5_MULTI_B,
            area: Some(AREA_B),
        },
    ];
    assert_eq!(listed, expected);
    let admin_listed = accessible_companies(&acc.actor(ADMIN), acc.company_refs());
    assert_eq!(admin_listed.len(), 5);
    assert!(admin_listed.contains(&CompanyRef {
        id: C3_NONE,
        area: None
    }));
}

#[test]
fn policy_items_are_reachable_under_the_policy_path() {
    let _: fn(&policy::Actor) -> policy::Decision = policy::create_area;
    assert_eq!(
        policy::AccessLevel::parse("local_administrator"),
        Some(AccessLevel::LocalAdministrator)
    );
    assert_eq!(GroupId(3).0, 3);
}

// ---------------------------------------------------------------------------------------------
// Reading lists the API serves (areas, directories, login-as candidates).

#[test]
fn r06_only_regular_administrators_read_area_management() {
    let acc = Account::sample();
    assert_eq!(read_areas(&acc.actor(ADMIN)), Ok(()));
    assert_eq!(
        code(read_areas(&acc.actor(LA_A))),
        DenyCode::RequiresAdministrator
    );
    assert_eq!(
        code(read_areas(&acc.actor(USER_A))),
        DenyCode::RequiresAdministrator
    );
}

#[test]
fn r08_local_admin_lists_open_directories_and_multidimensional_ones_of_its_area_only() {
    let acc = Account::sample();
    assert_eq!(read_directories(&acc.actor(ADMIN)), Ok(DirectoryScope::All));
    let la_a = read_directories(&acc.actor(LA_A)).unwrap();
    let la_b = read_directories(&acc.actor(LA_B)).unwrap();
    let multi_b = acc.directory(DIR_MULTI_B);
    assert!(la_b.admits_directory(multi_b.multidimensional, multi_b.area));
    assert!(!la_a.admits_directory(multi_b.multidimensional, multi_b.area));
    let plain = acc.directory(DIR_PLAIN);
    assert!(la_a.admits_directory(plain.multidimensional, plain.area));
    assert_eq!(
        code(read_directories(&acc.actor(USER_A))),
        DenyCode::RequiresAdministrativeLevel
    );
}

#[test]
fn r05_login_as_candidates_follow_the_login_as_rule() {
    let acc = Account::sample();
    assert_eq!(login_as_candidates(&acc.actor(ADMIN)), Ok(UserScope::All));
    let scope = login_as_candidates(&acc.actor(LA_A)).unwrap();
    assert_eq!(scope, UserScope::Area(AREA_A));
    // The scope and the decision agree on every user of the sample account.
    for user in &acc.users {
        let group = acc.group_of(user.id);
        let decided = login_as(&acc.actor(LA_A), user, group);
        let listed = scope.admits_user(user.id, group.area()) && user.active && user.id != LA_A;
        assert_eq!(listed, decided.is_ok(), "{}", user.id);
    }
}

#[test]
fn r05_users_and_acting_actors_get_no_login_as_candidates() {
    let acc = Account::sample();
    assert_eq!(
        code(login_as_candidates(&acc.actor(USER_A))),
        DenyCode::CannotImpersonate
    );
    assert_eq!(
        code(login_as_candidates(&acc.acting_as(ADMIN, LA_A))),
        DenyCode::CannotImpersonate
    );
}

#[test]
fn r27_anyone_may_test_their_own_mail_but_only_managers_test_others() {
    let acc = Account::sample();
    let me = acc.actor(USER_A);
    assert_eq!(
        send_test_email(&me, acc.user(USER_A), acc.group_of(USER_A)),
        Ok(())
    );
    assert_eq!(
        code(send_test_email(
            &me,
            acc.user(USER_NONE),
            acc.group_of(USER_NONE)
        )),
        DenyCode::RequiresAdministrativeLevel
    );
    let la = acc.actor(LA_A);
    assert_eq!(
        send_test_email(&la, acc.user(USER_A), acc.group_of(USER_A)),
        Ok(())
    );
    assert_eq!(
        code(send_test_email(&la, acc.user(USER_B), acc.group_of(USER_B))),
        DenyCode::NotVisible
    );
}

#[test]
fn r13_the_access_tab_of_a_local_administrator_is_locked() {
    let acc = Account::sample();
    let tab = read_company_access(&acc.actor(ADMIN), acc.user(LA_A), acc.group_of(LA_A)).unwrap();
    assert!(tab.locked);
    assert_eq!(tab.boundary, Some(AREA_A));
}

#[test]
fn r14_the_access_tab_of_a_user_is_open_within_the_group_area() {
    let acc = Account::sample();
    let tab =
        read_company_access(&acc.actor(LA_A), acc.user(USER_A), acc.group_of(USER_A)).unwrap();
    assert!(!tab.locked);
    assert_eq!(tab.boundary, Some(AREA_A));
    let hidden = read_company_access(&acc.actor(LA_A), acc.user(USER_B), acc.group_of(USER_B));
    assert_eq!(code(hidden), DenyCode::NotVisible);
}

// ---------------------------------------------------------------------------------------------
// R31 The options ceiling: whatever a local administrator does, nobody gains a right (an option
// that means something at their level, or a level) the local administrator lacks.

/// A User-level group of area A holding more than LA-A-NARROW (which holds only Users).
fn richer_user_group_of_area_a(acc: &Account) -> Group {
    acc.group(G_USER_A).clone()
}

/// LA-A-NARROW given Manage user groups as well: it may edit groups, yet holds nothing else.
fn narrow_group_manager(acc: &Account) -> Actor {
    let mut group = acc.group(G_LA_A_NARROW).clone();
    group.options.insert(OptionCode::GroupsManage);
    Actor::new(acc.user(LA_A_NARROW), &group).unwrap()
}

#[test]
fn r31_a_local_admin_creates_users_only_in_groups_within_its_own_rights() {
    let acc = Account::sample();
    // LA-A holds everything USER-A gives.
    assert_eq!(create_user(&acc.actor(LA_A), acc.group(G_USER_A)), Ok(()));
    // LA-A-NARROW holds only Users: a new member of USER-A would read history and reports.
    let denied =
        create_user(&acc.actor(LA_A_NARROW), &richer_user_group_of_area_a(&acc)).unwrap_err();
    assert_eq!(denied.code, DenyCode::BeyondOwnRights);
    assert!(
        denied.message.contains("history_read"),
        "{}",
        denied.message
    );
}

#[test]
fn r31_a_local_admin_moves_users_only_where_they_gain_nothing_it_lacks() {
    let mut acc = Account::sample();
    let narrow = acc.actor(LA_A_NARROW);
    // An empty-options User group of area A: moving USER-A there loses options, gains none.
    let poor = Group::new(
        GroupId(50),
        "POOR-A",
        GroupAccess::User(Some(AREA_A)),
        OptionSet::empty(),
    );
    acc.groups.push(poor.clone());
    let others = 2;
    assert!(move_user(
        &narrow,
        acc.user(USER_A),
        acc.group(G_USER_A),
        &poor,
        others
    )
    .is_ok());
    // And back: the user would gain history, reports, projects and preferences.
    let mut moved = acc.user(USER_A).clone();
    moved.group = poor.id;
    assert_eq!(
        code(move_user(
            &narrow,
            &moved,
            &poor,
            acc.group(G_USER_A),
            others
        )),
        DenyCode::BeyondOwnRights
    );
    // A regular administrator holds every right.
    assert!(move_user(
        &acc.actor(ADMIN),
        &moved,
        &poor,
        acc.group(G_USER_A),
        others
    )
    .is_ok());
}

#[test]
fn r31_raising_a_group_level_counts_its_stored_options_coming_alive() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    // A User group of area A whose stored options include Manage mail settings (inert at User
    // level) and Login as another user, which LA-A holds: raising it to Local Administrator
    // makes login-as live (held) and mail settings stay inert (regular administrators only).
    let mut group = acc.group(G_USER_A).clone();
    group.options.insert(OptionCode::LoginAsAnotherUser);
    group.options.insert(OptionCode::MailSettingsManage);
    assert!(change_group_access(
        &la,
        &group,
        AccessLevel::LocalAdministrator,
        Some(AREA_A),
        1
    )
    .is_ok());
    // LA-A-NARROW lacks Login as another user: the same change is refused for it.
    let narrow = narrow_group_manager(&acc);
    let denied = change_group_access(
        &narrow,
        &group,
        AccessLevel::LocalAdministrator,
        Some(AREA_A),
        1,
    )
    .unwrap_err();
    assert_eq!(denied.code, DenyCode::BeyondOwnRights);
    assert!(
        denied.message.contains("login_as_another_user"),
        "{}",
        denied.message
    );
    assert!(
        !denied.message.contains("mail_settings_manage"),
        "{}",
        denied.message
    );
}

#[test]
fn r31_editing_a_richer_group_without_giving_more_stays_allowed() {
    let acc = Account::sample();
    let narrow = narrow_group_manager(&acc);
    let group = richer_user_group_of_area_a(&acc);
    // Same level, same options (a description edit): nobody gains.
    assert_eq!(
        update_group(
            &narrow,
            &group,
            AccessLevel::User,
            Some(AREA_A),
            group.options,
            1
        ),
        Ok((group.access, group.options))
    );
    // Removing options is allowed too.
    let mut fewer = group.options;
    fewer.remove(OptionCode::HistoryRead);
    assert!(update_group(&narrow, &group, AccessLevel::User, Some(AREA_A), fewer, 1).is_ok());
    // Raising the level is allowed while nothing comes alive that it lacks (the members
    // already read history; the level itself it holds)...
    assert!(update_group(
        &narrow,
        &group,
        AccessLevel::LocalAdministrator,
        Some(AREA_A),
        group.options,
        1
    )
    .is_ok());
    // ...and refused once a stored, inert option it lacks would come alive.
    let mut inert = group.clone();
    inert.options.insert(OptionCode::CompaniesManage);
    assert_eq!(
        code(update_group(
            &narrow,
            &inert,
            AccessLevel::LocalAdministrator,
            Some(AREA_A),
            inert.options,
            1
        )),
        DenyCode::BeyondOwnRights
    );
}

#[test]
fn r31_one_save_may_raise_a_level_while_dropping_what_would_come_alive() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    let mut group = acc.group(G_USER_A).clone();
    group.options.insert(OptionCode::LoginAsAnotherUser);
    // LA-A lacks nothing here; take a group with an option LA-A does not hold at LA level.
    let mut la_a_without_login = acc.group(G_LA_A).clone();
    la_a_without_login
        .options
        .remove(OptionCode::LoginAsAnotherUser);
    let mut acc2 = Account::sample();
    acc2.groups.retain(|g| g.id != G_LA_A);
    acc2.groups.push(la_a_without_login);
    let la_lacking = acc2.actor(LA_A);
    let mut without = group.options;
    without.remove(OptionCode::LoginAsAnotherUser);
    assert!(update_group(
        &la_lacking,
        &group,
        AccessLevel::LocalAdministrator,
        Some(AREA_A),
        without,
        1
    )
    .is_ok());
    assert_eq!(
        code(update_group(
            &la_lacking,
            &group,
            AccessLevel::LocalAdministrator,
            Some(AREA_A),
            group.options,
            1
        )),
        DenyCode::BeyondOwnRights
    );
    assert!(update_group(
        &la,
        &group,
        AccessLevel::LocalAdministrator,
        Some(AREA_A),
        group.options,
        1
    )
    .is_ok());
}

#[test]
fn r31_enabling_a_user_gives_their_group_rights_back_within_the_ceiling() {
    let acc = Account::sample();
    // USER_A_DISABLED is in USER-A: LA-A holds its rights, LA-A-NARROW does not.
    assert_eq!(
        enable_user(
            &acc.actor(LA_A),
            acc.user(USER_A_DISABLED),
            acc.group_of(USER_A_DISABLED)
        ),
        Ok(())
    );
    assert_eq!(
        code(enable_user(
            &acc.actor(LA_A_NARROW),
            acc.user(USER_A_DISABLED),
            acc.group_of(USER_A_DISABLED)
        )),
        DenyCode::BeyondOwnRights
    );
}

#[test]
fn r31_rights_count_only_options_meaningful_at_the_level() {
    let all_user = Rights::of_group_parts(GroupAccess::User(None), OptionSet::all());
    assert!(!all_user.options.contains(OptionCode::UsersManage));
    assert!(!all_user.options.contains(OptionCode::LoginAsAnotherUser));
    assert!(all_user.options.contains(OptionCode::HistoryRead));
    let all_la = Rights::of_group_parts(GroupAccess::LocalAdministrator(AREA_A), OptionSet::all());
    assert!(all_la.options.contains(OptionCode::UsersManage));
    assert!(!all_la.options.contains(OptionCode::AreasManage));
    let admin = Rights::of_group_parts(GroupAccess::Administrator, OptionSet::empty());
    assert_eq!(admin.options, OptionSet::all());
    assert_eq!(
        all_la.gained_over(Some(all_user)).0,
        Some(AccessLevel::LocalAdministrator)
    );
    assert_eq!(all_user.gained_over(Some(all_la)).0, None);
}

#[test]
fn every_refusal_of_a_shape_no_one_may_save_names_its_field() {
    for code in DenyCode::ALL {
        if code.http_status() == 422 {
            assert!(code.field().is_some(), "{} names no field", code.as_str());
        }
    }
    assert_eq!(DenyCode::NotVisible.field(), None);
}

// ---------------------------------------------------------------------------------------------
// R35 A second sign-in factor for administrators.

#[test]
fn r35_administrators_and_local_administrators_must_enrol_users_may() {
    use precinct_core::api::MfaStep;
    for level in [AccessLevel::Administrator, AccessLevel::LocalAdministrator] {
        assert_eq!(mfa_step(level, false, false), Some(MfaStep::Enrol));
        // A session opened before the factor existed still enrols: entering nothing proves nothing.
        assert_eq!(mfa_step(level, false, true), Some(MfaStep::Enrol));
    }
    assert_eq!(mfa_step(AccessLevel::User, false, false), None);
}

#[test]
fn r35_anyone_enrolled_enters_the_code_once_per_session() {
    use precinct_core::api::MfaStep;
    for level in [
        AccessLevel::Administrator,
        AccessLevel::LocalAdministrator,
        AccessLevel::User,
    ] {
        assert_eq!(mfa_step(level, true, false), Some(MfaStep::Verify));
        assert_eq!(mfa_step(level, true, true), None);
    }
}

#[test]
fn r35_a_local_admin_resets_the_second_factor_of_users_of_own_area_only() {
    let acc = Account::sample();
    let la = acc.actor(LA_A);
    assert_eq!(
        reset_mfa(&la, acc.user(USER_A), acc.group_of(USER_A)),
        Ok(())
    );
    assert_eq!(reset_mfa(&la, acc.user(LA_A2), acc.group_of(LA_A2)), Ok(()));
    for target in [USER_B, LA_B, USER_NONE, ADMIN] {
        let outcome = reset_mfa(&la, acc.user(target), acc.group_of(target));
        assert_eq!(code(outcome), DenyCode::NotVisible, "{target}");
    }
}

#[test]
fn r35_nobody_resets_their_own_second_factor_and_users_reset_none() {
    let acc = Account::sample();
    let admin = acc.actor(ADMIN);
    assert_eq!(
        reset_mfa(&admin, acc.user(ADMIN2), acc.group_of(ADMIN2)),
        Ok(())
    );
    assert_eq!(
        code(reset_mfa(&admin, acc.user(ADMIN), acc.group_of(ADMIN))),
        DenyCode::CannotResetOwnMfa
    );
    let outcome = reset_mfa(
        &acc.actor(USER_ALL_OPTIONS),
        acc.user(USER_A),
        acc.group_of(USER_A),
    );
    assert_eq!(code(outcome), DenyCode::RequiresAdministrativeLevel);
}

#[test]
fn r35_acting_as_another_administrator_does_not_let_one_reset_ones_own_second_factor() {
    let acc = Account::sample();
    let acting = acc.acting_as(ADMIN, ADMIN2);
    assert_eq!(
        code(reset_mfa(&acting, acc.user(ADMIN), acc.group_of(ADMIN))),
        DenyCode::CannotResetOwnMfa
    );
    // Nor disable, delete or (as a local administrator) move the person who really signed in.
    assert_eq!(
        code(disable_user(
            &acting,
            acc.user(ADMIN),
            acc.group_of(ADMIN),
            5
        )),
        DenyCode::CannotDisableSelf
    );
    assert_eq!(
        code(delete_user(
            &acting,
            acc.user(ADMIN),
            acc.group_of(ADMIN),
            5
        )),
        DenyCode::CannotDeleteSelf
    );
    // Twin: acting as ADMIN2, resetting someone else's factor is theirs to do.
    assert_eq!(
        reset_mfa(&acting, acc.user(LA_A), acc.group_of(LA_A)),
        Ok(())
    );
}

#[test]
fn r12_acting_as_a_local_administrator_of_another_group_does_not_open_ones_own_group() {
    let mut acc = Account::sample();
    // A second local administrators' group of area A, and one of its members.
    let other_group = GroupId(99);
    let other_admin = UserId(99);
    acc.groups.push(Group::new(
        other_group,
        "LA-A-OTHER",
        GroupAccess::LocalAdministrator(AREA_A),
        local_admin_options(),
    ));
    acc.users.push(User {
        id: other_admin,
        group: other_group,
        active: true,
        ticked: BTreeSet::new(),
    });
    let acting = acc.acting_as(LA_A, other_admin);
    assert_eq!(
        code(delete_group(&acting, acc.group(G_LA_A), 0)),
        DenyCode::CannotEditOwnGroup
    );
    assert_eq!(
        code(delete_group(&acting, acc.group(other_group), 0)),
        DenyCode::CannotEditOwnGroup
    );
    // Twin: another group of the area is theirs to change.
    assert_eq!(delete_group(&acting, acc.group(G_LA_A_NARROW), 0), Ok(()));
}

#[test]
fn asvs_7_4_5_administrators_end_the_sessions_of_everyone_they_manage_and_no_one_else() {
    let acc = Account::sample();
    assert_eq!(
        end_everyones_sessions(&acc.actor(ADMIN)),
        Ok(UserScope::All)
    );
    assert_eq!(
        end_everyones_sessions(&acc.actor(LA_A)),
        Ok(UserScope::Area(AREA_A))
    );
    // Twin: a user manages no one, whatever their options.
    for user in [USER_A, USER_ALL_OPTIONS] {
        assert!(end_everyones_sessions(&acc.actor(user)).is_err(), "{user}");
    }
}

/// Issue 13, "screens match rights": what the console asks before offering a screen or an
/// action (`Reach::allowed`) is exactly what the decisions answer, for every level and every
/// set of one option, all options or none.
#[test]
fn reach_agrees_with_every_decision_for_every_level_and_option() {
    use precinct_core::policy::{
        create_area, create_directory, login_as_candidates, manage_mail_settings, read_history,
        read_reports, use_preferences, AccessLevel, GroupAccess, Reach,
    };
    let mut option_sets: Vec<OptionSet> = OptionCode::ALL
        .iter()
        .map(|option| [*option].into_iter().collect())
        .collect();
    option_sets.push(OptionSet::all());
    option_sets.push(OptionSet::empty());
    for level in [
        AccessLevel::Administrator,
        AccessLevel::LocalAdministrator,
        AccessLevel::User,
    ] {
        let area = (level != AccessLevel::Administrator).then_some(AREA_A);
        for options in &option_sets {
            let group = Group::new(
                GroupId(99),
                "G",
                GroupAccess::new(level, area).unwrap(),
                *options,
            );
            let user = User {
                id: UserId(99),
                group: GroupId(99),
                active: true,
                ticked: Default::default(),
            };
            let actor = Actor::new(&user, &group).unwrap();
            let a = Account::sample();
            let company = a.company_ref(C1_A);
            let target = a.user(USER_A);
            let target_group = a.group_of(USER_A);
            let user_group = a.group(G_USER_A);
            let decided = [
                (
                    Reach::ManageUsers,
                    edit_user(&actor, target, target_group).is_ok()
                        || create_user(&actor, user_group).is_ok()
                        || matches!(edit_user(&actor, target, target_group), Err(ref d) if d.code == DenyCode::NotVisible),
                ),
                (Reach::ManageAreas, create_area(&actor).is_ok()),
                (Reach::ManageDirectories, create_directory(&actor).is_ok()),
                (
                    Reach::ManageMailSettings,
                    manage_mail_settings(&actor).is_ok(),
                ),
                (
                    Reach::ManageCompanies,
                    edit_company(&actor, company).is_ok()
                        || matches!(edit_company(&actor, company), Err(ref d) if d.code == DenyCode::NotVisible),
                ),
                (
                    Reach::LoginAsAnotherUser,
                    login_as_candidates(&actor).is_ok(),
                ),
                (Reach::ReadHistory, read_history(&actor).is_ok()),
                (Reach::ReadReports, read_reports(&actor).is_ok()),
                (
                    Reach::ReadProjects,
                    read_projects(&actor, company).is_ok()
                        || matches!(read_projects(&actor, company), Err(ref d) if d.code == DenyCode::NotVisible),
                ),
                (Reach::OwnPreferences, use_preferences(&actor).is_ok()),
            ];
            for (reach, server) in decided {
                let console = reach.allowed(actor.level(), |option| actor.holds(option));
                assert_eq!(
                    console,
                    server,
                    "{reach:?} for {level:?} with {:?}",
                    options.iter().collect::<Vec<_>>()
                );
            }
        }
    }
}

#[test]
fn r08_the_first_company_of_an_area_less_multidimensional_directory_gives_it_its_area() {
    let acc = Account::sample();
    let admin = acc.actor(ADMIN);
    let empty_md = Directory {
        id: DirectoryId(50),
        multidimensional: true,
        area: None,
    };
    assert_eq!(
        first_company_gives_directory_area(&admin, &empty_md, Some(AREA_A), true),
        Some(AREA_A)
    );
    // And then the company is decided as for a directory carrying that area.
    let taken = Directory {
        area: Some(AREA_A),
        ..empty_md.clone()
    };
    assert_eq!(
        create_company(&admin, &taken, Some(AREA_A)),
        Ok(Some(AREA_A))
    );
    // Deny twins: a directory that holds a company, carries an area or is plain; no area asked;
    // a local administrator.
    assert_eq!(
        first_company_gives_directory_area(&admin, &empty_md, Some(AREA_A), false),
        None
    );
    assert_eq!(
        first_company_gives_directory_area(&admin, &taken, Some(AREA_B), true),
        None
    );
    let plain = Directory {
        multidimensional: false,
        ..empty_md.clone()
    };
    assert_eq!(
        first_company_gives_directory_area(&admin, &plain, Some(AREA_A), true),
        None
    );
    assert_eq!(
        first_company_gives_directory_area(&admin, &empty_md, None, true),
        None
    );
    assert_eq!(
        first_company_gives_directory_area(&acc.actor(LA_A), &empty_md, Some(AREA_A), true),
        None
    );
}
