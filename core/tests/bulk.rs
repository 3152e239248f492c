//! B04 import and B06 bulk actions, planned on the sample account: the file as a spreadsheet
//! writes it, and each line or person decided as its single edit (allow and deny twins).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeMap;

use common::*;
use precinct_core::api::Language;
use precinct_core::bulk::*;
use precinct_core::ids::{CompanyId, GroupId, UserId};

fn stored_user(acc: &Account, id: UserId, code: &str, name: &str) -> StoredUser {
    let user = acc.user(id);
    StoredUser {
        id: id.0,
        version: 3,
        user_code: code.to_string(),
        name: name.to_string(),
        language: Language::En,
        active: user.active,
        group: acc.group(user.group).clone(),
        ticked: BTreeMap::new(),
        address_taken: false,
    }
}

/// What the worker would read for the sample account, as `viewer` may see it.
fn stored(acc: &Account, groups: &[GroupId]) -> Stored {
    let mut stored = Stored {
        active_administrators: 2,
        ..Stored::default()
    };
    for id in groups {
        let group = acc.group(*id).clone();
        stored.groups.insert(group.code.to_lowercase(), group);
    }
    stored.users.insert(
        "user.a@x.test".to_string(),
        stored_user(acc, USER_A, "user.a@x.test", "User A"),
    );
    stored
        .companies
        .insert("c1".to_string(), (acc.company_ref(C1_A), "C1".to_string()));
    stored
        .companies
        .insert("c2".to_string(), (acc.company_ref(C2_B), "C2".to_string()));
    stored
}

fn outcome(plans: &[LinePlan], line: u32) -> &Outcome {
    &plans
        .iter()
        .find(|plan| plan.line == line)
        .expect("line planned")
        .outcome
}

fn refused_field(outcome: &Outcome) -> &str {
    match outcome {
        Outcome::Refused { field, .. } => field,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn b04_a_spreadsheet_file_with_a_bom_accents_crlf_and_broken_quoting_is_read_line_by_line() {
    let file = "\u{feff}user_code;name;group;language;companies\r\n\
                Zoé.Martin@X.test;\"Zoé Martin; chef d'équipe\";USER-A;fr;C1\r\n\
                \"broken@x.test;Broken \"quote\";USER-A;en;\r\n\
                line.after@x.test;Two;USER-A;;\"C1\r\nC2\"\r\n";
    let (lines, refused) = read_user_file(file, Separator::Auto).unwrap();
    // The BOM is not part of the first column's name, `;` was found, CRLF ends lines, the
    // quoted `;` and line break stay in their fields, accents are kept and the code lower-cased.
    assert_eq!(lines[0].user_code, "zoé.martin@x.test");
    assert_eq!(lines[0].name, "Zoé Martin; chef d'équipe");
    assert_eq!(lines[0].language, Some(Language::Fr));
    assert_eq!(lines[0].companies, Some(vec!["C1".to_string()]));
    assert_eq!(lines[0].line, 2);
    // The broken line is refused with its number (its quotes leave it a field short), and the
    // lines after it are read as written.
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].line, 3);
    assert_eq!(refused[0].field, "file");
    assert!(refused[0].reason.contains("quotes"));
    // A quoted line break inside a field is part of it (the companies, one per line here).
    assert_eq!(lines[1].line, 4);
    assert_eq!(
        lines[1].companies,
        Some(vec!["C1".to_string(), "C2".to_string()])
    );
    // Commas too, and a header in another order and case.
    let (lines, refused) = read_user_file(
        "Name,GROUP,User_Code\nAnn,USER-A,ann@x.test\n",
        Separator::Auto,
    )
    .unwrap();
    assert!(refused.is_empty());
    assert_eq!(lines[0].user_code, "ann@x.test");
    assert_eq!(lines[0].companies, None);
}

#[test]
fn b04_a_file_without_its_columns_or_with_bad_cells_is_refused_where_it_is_wrong() {
    assert!(read_user_file("", Separator::Auto).is_err());
    assert!(read_user_file("user_code,name\nann@x.test,Ann\n", Separator::Auto).is_err());
    let file = "user_code,name,group,language\n\
                Ann <ann@x.test>,Ann,USER-A,en\n\
                bob@x.test,,USER-A,en\n\
                cid@x.test,Cid,,en\n\
                dan@x.test,Dan,USER-A,de\n\
                eve@x.test,\u{202e}Eve,USER-A,en\n\
                fay@x.test,Fay,USER-A,EN\n";
    let (lines, refused) = read_user_file(file, Separator::Comma).unwrap();
    let fields: Vec<(u32, &str)> = refused.iter().map(|r| (r.line, r.field.as_str())).collect();
    assert_eq!(
        fields,
        [
            (2, "user_code"),
            (3, "name"),
            (4, "group"),
            (5, "language"),
            (6, "name")
        ]
    );
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].language, Some(Language::En));
}

#[test]
fn b04_a_local_administrator_import_naming_another_area_is_refused_line_by_line() {
    let acc = Account::sample();
    let file = "user_code,name,group,companies\n\
                new.a@x.test,New A,USER-A,C1\n\
                new.b@x.test,New B,USER-B,\n\
                new.c@x.test,New C,USER-A,C2\n\
                user.a@x.test,User A renamed,USER-A,\n\
                new.a@x.test,Again,USER-A,\n\
                admin.new@x.test,Admin,ADMIN,\n";
    let (lines, refused) = read_user_file(file, Separator::Auto).unwrap();
    assert!(refused.is_empty());
    // The local administrator of A sees the groups and companies of A only (the worker reads
    // through their scopes): another area's group and company are as if they did not exist.
    let mut theirs = stored(&acc, &[G_USER_A, G_LA_A]);
    theirs.companies.remove("c2");
    let plans = plan_user_lines(&acc.actor(LA_A), &lines, &theirs);
    assert!(
        matches!(outcome(&plans, 2), Outcome::Create { write: Write::User(w), .. } if w.company_ids.as_ref().map(Vec::len) == Some(1))
    );
    assert_eq!(refused_field(outcome(&plans, 3)), "group");
    assert_eq!(refused_field(outcome(&plans, 4)), "companies");
    match outcome(&plans, 5) {
        Outcome::Change {
            changes, version, ..
        } => {
            assert_eq!(*version, 3);
            assert_eq!(changes[0].field, "name");
            assert_eq!(changes[0].before.as_deref(), Some("User A"));
            assert_eq!(changes[0].after.as_deref(), Some("User A renamed"));
        }
        other => panic!("expected a change, got {other:?}"),
    }
    assert_eq!(refused_field(outcome(&plans, 6)), "user_code");
    assert_eq!(refused_field(outcome(&plans, 7)), "group");
    // The regular administrator's twin: the same file, every group and company visible.
    let all = stored(&acc, &[G_USER_A, G_USER_B, G_LA_A, G_ADMIN]);
    let plans = plan_user_lines(&acc.actor(ADMIN), &lines, &all);
    assert!(matches!(outcome(&plans, 3), Outcome::Create { .. }));
    // C2 is of area B, USER-A's boundary is A (R14): refused by the policy, not by sight.
    assert_eq!(refused_field(outcome(&plans, 4)), "companies");
    assert!(matches!(outcome(&plans, 7), Outcome::Create { .. }));
}

#[test]
fn b04_a_line_as_stored_is_unchanged_so_a_second_run_writes_nothing() {
    let acc = Account::sample();
    let mut all = stored(&acc, &[G_USER_A, G_USER_B]);
    all.users.get_mut("user.a@x.test").unwrap().ticked = BTreeMap::from([("C1".to_string(), C1_A)]);
    let file = "user_code,name,group,companies\nUSER.A@x.test,User A,user-a,c1\n";
    let (lines, _) = read_user_file(file, Separator::Auto).unwrap();
    let plans = plan_user_lines(&acc.actor(ADMIN), &lines, &all);
    assert!(matches!(outcome(&plans, 2), Outcome::Unchanged { .. }));
    // Its twin: one tick less is a change of the companies, before and after.
    let (lines, _) = read_user_file(
        "user_code,name,group,companies\nuser.a@x.test,User A,USER-A,\n",
        Separator::Auto,
    )
    .unwrap();
    match outcome(&plan_user_lines(&acc.actor(ADMIN), &lines, &all), 2) {
        Outcome::Change {
            changes,
            write: Write::User(set),
            ..
        } => {
            assert_eq!(changes[0].field, "companies");
            assert_eq!(set.company_ids, Some(vec![]));
        }
        other => panic!("expected a change, got {other:?}"),
    }
}

#[test]
fn b04_a_code_someone_else_holds_is_refused_and_a_move_across_areas_carries_its_warning() {
    let acc = Account::sample();
    let mut all = stored(&acc, &[G_USER_A, G_USER_B]);
    all.taken.insert("hidden@x.test".to_string());
    let file = "user_code,name,group\nhidden@x.test,Hidden,USER-A\nuser.a@x.test,User A,USER-B\n";
    let (lines, _) = read_user_file(file, Separator::Auto).unwrap();
    let plans = plan_user_lines(&acc.actor(ADMIN), &lines, &all);
    assert_eq!(refused_field(outcome(&plans, 2)), "user_code");
    match outcome(&plans, 3) {
        Outcome::Change {
            warning,
            write: Write::User(set),
            ..
        } => {
            assert!(warning
                .as_deref()
                .unwrap_or_default()
                .contains("another area"));
            assert_eq!(set.group_id, Some(G_USER_B.0));
        }
        other => panic!("expected a move, got {other:?}"),
    }
    // The local administrator may not move anyone across areas (R17): refused on that line.
    let mut theirs = stored(&acc, &[G_USER_A, G_USER_B]);
    theirs.taken.clear();
    let plans = plan_user_lines(&acc.actor(LA_A), &lines, &theirs);
    assert_eq!(refused_field(outcome(&plans, 3)), "group");
}

#[test]
fn b06_one_refusal_never_blocks_the_others_and_the_last_administrator_stays() {
    let acc = Account::sample();
    let people = vec![
        stored_user(&acc, ADMIN, "admin@x.test", "Admin"),
        stored_user(&acc, ADMIN2, "admin2@x.test", "Admin 2"),
        stored_user(&acc, USER_A, "user.a@x.test", "User A"),
        stored_user(&acc, USER_A_DISABLED, "off@x.test", "Off"),
    ];
    let target = BulkTarget::default();
    let plans = plan_bulk(&acc.actor(ADMIN), &BulkAction::Disable, &people, &target, 2);
    // Nobody disables themself; ADMIN2 may go (ADMIN stays); User A changes; the disabled one is
    // unchanged.
    assert_eq!(refused_field(&plans[0].outcome), "user");
    assert!(matches!(plans[1].outcome, Outcome::Change { .. }));
    assert!(matches!(plans[2].outcome, Outcome::Change { .. }));
    assert!(matches!(plans[3].outcome, Outcome::Unchanged { .. }));
    // Acting as ADMIN2 on both administrators: the first goes, the second would leave none (R16).
    let plans = plan_bulk(
        &acc.actor(ADMIN2),
        &BulkAction::Disable,
        &people[..1],
        &target,
        1,
    );
    assert_eq!(refused_field(&plans[0].outcome), "user");
    // Enabling: the twin.
    let plans = plan_bulk(
        &acc.actor(ADMIN),
        &BulkAction::Enable,
        &people[3..],
        &target,
        2,
    );
    assert!(matches!(plans[0].outcome, Outcome::Change { .. }));
}

#[test]
fn b06_a_local_administrator_bulk_reaches_their_area_only_and_ticks_follow_r14() {
    let acc = Account::sample();
    let user_a = stored_user(&acc, USER_A, "user.a@x.test", "User A");
    let user_b = stored_user(&acc, USER_B, "user.b@x.test", "User B");
    let tick_c1 = BulkTarget {
        company: Some((acc.company_ref(C1_A), "C1".to_string())),
        ..BulkTarget::default()
    };
    let action = BulkAction::Tick { company_id: C1_A.0 };
    let plans = plan_bulk(
        &acc.actor(LA_A),
        &action,
        &[user_a.clone(), user_b.clone()],
        &tick_c1,
        2,
    );
    match &plans[0].outcome {
        Outcome::Change {
            write: Write::User(set),
            ..
        } => assert_eq!(set.tick, Some(C1_A.0)),
        other => panic!("expected a tick, got {other:?}"),
    }
    // User B is of area B: a local administrator of A does not see them (404 as a refusal).
    assert!(
        matches!(&plans[1].outcome, Outcome::Refused { reason, .. } if reason.contains("no such"))
    );
    // A regular administrator: C1 is outside User B's group's area (R14).
    let plans = plan_bulk(&acc.actor(ADMIN), &action, &[user_b], &tick_c1, 2);
    assert_eq!(refused_field(&plans[0].outcome), "companies");
    // Moving to another area's group: refused for the local administrator, a warning for the
    // regular administrator (R17).
    let to_b = BulkTarget {
        group: Some(acc.group(G_USER_B).clone()),
        ..BulkTarget::default()
    };
    let action = BulkAction::Move {
        group_id: G_USER_B.0,
    };
    let plans = plan_bulk(
        &acc.actor(LA_A),
        &action,
        std::slice::from_ref(&user_a),
        &to_b,
        2,
    );
    assert_eq!(refused_field(&plans[0].outcome), "group");
    let plans = plan_bulk(&acc.actor(ADMIN), &action, &[user_a], &to_b, 2);
    assert!(matches!(
        &plans[0].outcome,
        Outcome::Change {
            warning: Some(_),
            ..
        }
    ));
    let _ = CompanyId(0);
}

fn areas() -> BTreeMap<String, (precinct_core::ids::AreaId, String)> {
    BTreeMap::from([
        ("area-a".to_string(), (AREA_A, "AREA-A".to_string())),
        ("area-b".to_string(), (AREA_B, "AREA-B".to_string())),
    ])
}

#[test]
fn b04_a_groups_file_is_decided_as_the_group_form_for_each_actor() {
    let acc = Account::sample();
    let file = "code,access_level,area,options\n\
                NEW-A,user,AREA-A,preferences\n\
                NEW-B,user,AREA-B,\n\
                NEW-ADMINS,administrator,,\n\
                USER-A,user,AREA-A,preferences reports_read\n";
    let (lines, refused) = read_group_file(file, Separator::Auto).unwrap();
    assert!(refused.is_empty(), "{refused:?}");
    let mut stored = StoredGroups {
        active_administrators: 2,
        ..StoredGroups::default()
    };
    let group = acc.group(G_USER_A).clone();
    stored.groups.insert(
        "user-a".to_string(),
        StoredGroup {
            group,
            description: String::new(),
            version: 4,
            active_administrators: 0,
        },
    );
    // The local administrator of A names only their own area (R12): B is not there.
    let mut theirs = stored.clone();
    theirs.areas = areas();
    theirs.areas.remove("area-b");
    let plans = plan_group_lines(&acc.actor(LA_A), &lines, &theirs);
    assert!(
        matches!(outcome(&plans, 2), Outcome::Create { write: Write::Group(g), .. } if g.area_id == Some(AREA_A.0))
    );
    assert_eq!(refused_field(outcome(&plans, 3)), "area");
    assert_eq!(refused_field(outcome(&plans, 4)), "access_level");
    assert!(matches!(
        outcome(&plans, 5),
        Outcome::Change { version: 4, .. }
    ));
    // The regular administrator: area B and an Administrator group are theirs.
    stored.areas = areas();
    let plans = plan_group_lines(&acc.actor(ADMIN), &lines, &stored);
    assert!(matches!(outcome(&plans, 3), Outcome::Create { .. }));
    assert!(
        matches!(outcome(&plans, 4), Outcome::Create { write: Write::Group(g), .. } if g.options.len() > 5)
    );
    // A cell that is not UTF-8 text (a file saved in another encoding) refuses its line.
    let (_, refused) = read_group_file(
        "code,access_level,description\nX,user,Equipe \u{FFFD}\n",
        Separator::Auto,
    )
    .unwrap();
    assert_eq!(refused[0].field, "file");
}

#[test]
fn b04_a_companies_file_is_decided_as_the_company_form_for_each_actor() {
    let acc = Account::sample();
    let file = "code,name,directory,area,user_in_charge\n\
                NEW-A,New A,PLAIN,AREA-A,user.a@x.test\n\
                NEW-A2,New A2,PLAIN,AREA-A,user.b@x.test\n\
                C1,Company One,PLAIN,AREA-B,\n\
                C4,Multi Four,MULTI,AREA-A,\n";
    let (lines, refused) = read_company_file(file, Separator::Auto).unwrap();
    assert!(refused.is_empty(), "{refused:?}");
    let stored_company = |id, _directory| StoredCompany {
        company: acc.company(id).clone(),
        code: String::new(),
        name: String::new(),
        version: 2,
        user_in_charge: None,
    };
    let _ = DIR_PLAIN;
    let mut stored = StoredCompanies {
        areas: areas(),
        ..StoredCompanies::default()
    };
    stored.companies.insert(
        "c1".to_string(),
        StoredCompany {
            name: "Company One".to_string(),
            ..stored_company(C1_A, DIR_PLAIN)
        },
    );
    // The worker stores a company's effective area: the multidimensional directory's (B).
    let mut c4 = StoredCompany {
        name: "Multi Four".to_string(),
        ..stored_company(C4_MULTI_B, DIR_MULTI_B)
    };
    c4.company.area = Some(AREA_B);
    stored.companies.insert("c4".to_string(), c4);
    for (code, id) in [("plain", DIR_PLAIN), ("multi", DIR_MULTI_B)] {
        stored.directories.insert(
            code.to_string(),
            StoredDirectory {
                directory: acc.directory(id).clone(),
                code: code.to_uppercase(),
            },
        );
    }
    let person = |id: UserId| (acc.user(id).clone(), acc.group_of(id).clone());
    stored
        .in_charge
        .insert("user.a@x.test".to_string(), person(USER_A));
    stored
        .in_charge
        .insert("user.b@x.test".to_string(), person(USER_B));
    let plans = plan_company_lines(&acc.actor(ADMIN), &lines, &stored);
    assert!(
        matches!(outcome(&plans, 2), Outcome::Create { write: Write::Company(c), .. } if c.user_in_charge_id == Some(USER_A.0))
    );
    // R19: the user in charge of a company of area A is of area A (or a regular administrator).
    assert_eq!(refused_field(outcome(&plans, 3)), "user_in_charge");
    // A plain directory's company changes area (R11); a multidimensional one's is the form's.
    assert!(matches!(outcome(&plans, 4), Outcome::Change { .. }));
    assert_eq!(refused_field(outcome(&plans, 5)), "area");
    // The local administrator of A may not change a company's area at all.
    let plans = plan_company_lines(&acc.actor(LA_A), &lines[2..3], &stored);
    assert_eq!(refused_field(&plans[0].outcome), "area");
}

#[test]
fn b04_a_groups_file_cannot_demote_every_administrator_line_by_line() {
    let acc = Account::sample();
    let admins = acc.group(G_ADMIN).clone();
    let second = precinct_core::policy::Group::new(
        GroupId(99),
        "ADMIN-2",
        precinct_core::policy::GroupAccess::Administrator,
        precinct_core::policy::OptionSet::all(),
    );
    let mut stored = StoredGroups {
        active_administrators: 2,
        ..StoredGroups::default()
    };
    for group in [admins, second] {
        stored.groups.insert(
            group.code.to_lowercase(),
            StoredGroup {
                group,
                description: String::new(),
                version: 1,
                active_administrators: 1,
            },
        );
    }
    let file = "code,access_level\nADMIN,user\nADMIN-2,user\n";
    let (lines, _) = read_group_file(file, Separator::Auto).unwrap();
    let plans = plan_group_lines(&acc.actor(ADMIN), &lines, &stored);
    // The first demotion leaves one administrator; the second would leave none (R16).
    assert!(matches!(outcome(&plans, 2), Outcome::Change { .. }));
    assert_eq!(refused_field(outcome(&plans, 3)), "access_level");
    // Its twin: one line alone is allowed.
    let plans = plan_group_lines(&acc.actor(ADMIN), &lines[1..], &stored);
    assert!(matches!(outcome(&plans, 3), Outcome::Change { .. }));
}
