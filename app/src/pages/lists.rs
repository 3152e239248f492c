//! The list screens, each described as data for the one list renderer (`ui::list_screen`):
//! users, user groups, areas, directories, companies, About > Properties > Companies, projects,
//! employees, and reports & documents.

use leptos::prelude::*;
use precinct_core::api::{Area, Company, Directory, Employee, Group, Page, Project, Report, User};

use super::companies::directory_choices;
use super::users::{area_choices, group_choices};
use super::{is_admin, use_me};
use crate::api::{self, Call, ListQuery};
use crate::i18n::{use_i18n, K};
use crate::ui::{
    choices, fetch_rows, first_200, fixed_choices, list_screen, Cell, Filter, ListScreen,
};

fn admin() -> bool {
    use_me().get_untracked().is_some_and(|me| is_admin(&me))
}

fn filter(
    id: &'static str,
    key: &'static str,
    label: K,
    any: K,
    choices: crate::ui::Loaded<Vec<(String, String)>>,
) -> Filter {
    Filter {
        id,
        key,
        label,
        any,
        initial: String::new(),
        choices,
    }
}

fn text(value: Option<String>) -> Cell {
    Cell::Text(value.unwrap_or_default())
}

fn area_or_none(value: Option<String>) -> Cell {
    value.map(Cell::Text).unwrap_or(Cell::Key(K::NoArea))
}

/// Issue 17: a list opened by its plain address (no search, filter, order or page: the way the
/// menu opens it) sends its first page and its filters' choices as the console starts, with the
/// session's read rather than after it; the screen's identical reads take the answers
/// (`api::send_early`). The reads are the screens' own below with an empty query, and their
/// filters' (`group_choices`, `area_choices`, `directory_choices`); the administrators' area
/// filter only when this browser last showed an administrator (`super::LEVEL_KEY`).
pub fn send_first_reads() {
    let location = window().location();
    if !location.search().unwrap_or_default().is_empty() {
        return;
    }
    let admin = super::last_level_was_admin();
    match location.pathname().unwrap_or_default().as_str() {
        "/console/users" => {
            api::send_early(api::users(ListQuery::default()));
            api::send_early(api::groups(first_200()));
            if admin {
                api::send_early(api::areas(first_200()));
            }
        }
        "/console/companies" => {
            api::send_early(api::companies(ListQuery::default()));
            api::send_early(api::directories(first_200()));
            if admin {
                api::send_early(api::areas(first_200()));
            }
        }
        "/console/groups" => api::send_early(api::groups(ListQuery::default())),
        _ => {}
    }
}

/// **Security Management**: the users list (R18), filtered by group, area and status.
pub fn users_page() -> impl IntoView {
    let i = use_i18n();
    let mut filters = vec![filter(
        "filter-group",
        "group_id",
        K::Group,
        K::AnyGroup,
        group_choices(),
    )];
    if admin() {
        filters.push(filter(
            "filter-area",
            "area_id",
            K::Area,
            K::AnyArea,
            area_choices(),
        ));
    }
    filters.push(filter(
        "filter-status",
        "status",
        K::Status,
        K::AnyStatus,
        fixed_choices(&[("active", K::Active), ("disabled", K::Disabled)], i),
    ));
    list_screen(ListScreen {
        title: K::UsersTitle,
        hint: None,
        new_link: Some(("/console/users/new", K::NewUser)),
        test: "users",
        columns: &[K::UserCode, K::Name, K::Group, K::Area, K::Status],
        sorts: (
            &[
                Some("code"),
                Some("name"),
                Some("group"),
                None,
                Some("status"),
            ],
            "name",
        ),
        filters,
        fetch: fetch_rows(api::users, |user: User| {
            vec![
                Cell::Link(format!("/console/users/{}", user.id), user.user_code),
                Cell::Text(user.name),
                Cell::Text(user.group_code),
                text(user.area_code),
                Cell::Key(if user.active { K::Active } else { K::Disabled }),
            ]
        }),
    })
}

/// **User Groups Management** (R09).
pub fn groups_page() -> impl IntoView {
    list_screen(ListScreen {
        title: K::GroupsTitle,
        hint: None,
        new_link: Some(("/console/groups/new", K::NewGroup)),
        test: "groups",
        columns: &[K::Code, K::Description, K::AccessLevel, K::Area, K::Members],
        sorts: (
            &[
                Some("code"),
                Some("description"),
                Some("level"),
                Some("area"),
            ],
            "code",
        ),
        filters: Vec::new(),
        fetch: fetch_rows(api::groups, |group: Group| {
            vec![
                Cell::Link(format!("/console/groups/{}", group.id), group.code),
                Cell::Text(group.description),
                Cell::Key(K::level(group.access_level)),
                text(group.area_code),
                Cell::Text(group.members.to_string()),
            ]
        }),
    })
}

/// **Area Management** (R06), for regular administrators.
pub fn areas_page() -> impl IntoView {
    list_screen(ListScreen {
        title: K::AreasTitle,
        hint: None,
        new_link: Some(("/console/areas/new", K::NewArea)),
        test: "areas",
        columns: &[K::Code, K::Description],
        sorts: (&[], ""),
        filters: Vec::new(),
        fetch: fetch_rows(api::areas, |area: Area| {
            vec![
                Cell::Link(format!("/console/areas/{}", area.id), area.code),
                Cell::Text(area.description),
            ]
        }),
    })
}

/// **Directories** (R08).
pub fn directories_page() -> impl IntoView {
    list_screen(ListScreen {
        title: K::DirectoriesTitle,
        hint: None,
        new_link: Some(("/console/directories/new", K::NewDirectory)),
        test: "directories",
        columns: &[K::Code, K::Name, K::Multidimensional, K::Area],
        sorts: (&[], ""),
        filters: Vec::new(),
        fetch: fetch_rows(api::directories, |directory: Directory| {
            vec![
                Cell::Link(
                    format!("/console/directories/{}", directory.id),
                    directory.code,
                ),
                Cell::Text(directory.name),
                Cell::Key(if directory.multidimensional {
                    K::Yes
                } else {
                    K::No
                }),
                text(directory.area_code),
            ]
        }),
    })
}

/// **Modify Company Settings**: the companies the actor may see, by area and directory.
pub fn companies_page() -> impl IntoView {
    let i = use_i18n();
    let mut filters = Vec::new();
    if admin() {
        filters.push(filter(
            "filter-area",
            "area_id",
            K::Area,
            K::AnyArea,
            area_choices(),
        ));
        // R19's review: the companies a later change left with a user in charge of another area.
        filters.push(filter(
            "filter-in-charge",
            "user_in_charge",
            K::UserInCharge,
            K::AnyUserInCharge,
            fixed_choices(&[("outside_area", K::UserInChargeOutsideAreaFilter)], i),
        ));
    }
    filters.push(filter(
        "filter-directory",
        "directory_id",
        K::Directory,
        K::AnyDirectory,
        directory_choices(),
    ));
    list_screen(ListScreen {
        title: K::CompaniesTitle,
        hint: None,
        new_link: Some(("/console/companies/new", K::NewCompany)),
        test: "companies",
        columns: &[K::Code, K::Name, K::Directory, K::Area, K::UserInCharge],
        sorts: (&[Some("code"), Some("name"), None, Some("area")], "name"),
        filters,
        fetch: fetch_rows(api::companies, |company: Company| {
            vec![
                Cell::Link(format!("/console/companies/{}", company.id), company.code),
                Cell::Text(company.name),
                Cell::Text(company.directory_code),
                text(company.area_code),
                // R19: someone outside the reader's area is in charge: said, not named.
                if company.user_in_charge_hidden {
                    Cell::Key(K::PersonOutsideArea)
                } else {
                    text(company.user_in_charge.map(|user| user.name))
                },
            ]
        }),
    })
}

/// **About > Properties > Companies** (R23): the companies the actor can see, with their area.
pub fn about_companies_page() -> impl IntoView {
    list_screen(ListScreen {
        title: K::AboutTitle,
        hint: Some(K::AboutText),
        new_link: None,
        test: "about-companies",
        columns: &[K::Code, K::Name, K::Directory, K::Area],
        sorts: (&[], ""),
        filters: Vec::new(),
        fetch: fetch_rows(api::about_companies, |company: Company| {
            vec![
                Cell::Text(company.code),
                Cell::Text(company.name),
                Cell::Text(company.directory_code),
                area_or_none(company.area_code),
            ]
        }),
    })
}

/// **Reports & Documents** (R22): those of the actor's area (all for regular administrators).
pub fn reports_page() -> impl IntoView {
    list_screen(ListScreen {
        title: K::ReportsTitle,
        hint: None,
        new_link: None,
        test: "reports",
        columns: &[K::Code, K::Title, K::Kind, K::Area],
        sorts: (&[], ""),
        filters: Vec::new(),
        fetch: fetch_rows(api::reports, |report: Report| {
            let kind = match report.kind.as_str() {
                "report" => Cell::Key(K::KindReport),
                "document" => Cell::Key(K::KindDocument),
                _ => Cell::Text(report.kind),
            };
            vec![
                Cell::Text(report.code),
                Cell::Text(report.title),
                kind,
                area_or_none(report.area_code),
            ]
        }),
    })
}

/// The company of a data-entry screen, out of the list query (it is part of the path).
fn take_company(mut query: ListQuery) -> (Option<i64>, ListQuery) {
    let company = query
        .filters
        .iter()
        .find(|(key, _)| *key == "company")
        .and_then(|(_, value)| crate::ui::parse_id(value));
    query.filters.retain(|(key, _)| *key != "company");
    (company, query)
}

fn empty<T>() -> Page<T> {
    Page {
        items: Vec::new(),
        next_cursor: None,
        total: 0,
    }
}

/// The company filter of a data-entry screen: the actor's companies (R20), the session's
/// company first chosen.
fn company_filter() -> Filter {
    let initial = use_me()
        .get_untracked()
        .and_then(|me| me.company)
        .map(|company| company.id.to_string())
        .unwrap_or_default();
    Filter {
        id: "company",
        key: "company",
        label: K::Company,
        any: K::Choose,
        initial,
        choices: crate::ui::load(|| {
            choices(api::selectable_companies(first_200()), |company| {
                (
                    company.id.to_string(),
                    format!("{} · {}", company.code, company.name),
                )
            })
        }),
    }
}

/// **Projects** of a company the actor may access (R13, R20).
pub fn projects_page() -> impl IntoView {
    list_screen(ListScreen {
        title: K::ProjectsTitle,
        hint: Some(K::PickCompanyFirst),
        new_link: None,
        test: "records",
        columns: &[K::Code, K::Name],
        sorts: (&[], ""),
        filters: vec![company_filter()],
        fetch: fetch_rows(
            |query| match take_company(query) {
                (Some(company), query) => api::projects(company, query),
                (None, _) => Call::ready(empty()),
            },
            |project: Project| vec![Cell::Text(project.code), Cell::Text(project.name)],
        ),
    })
}

/// **Employees** of a company the actor may access (R13, R20).
pub fn employees_page() -> impl IntoView {
    list_screen(ListScreen {
        title: K::EmployeesTitle,
        hint: Some(K::PickCompanyFirst),
        new_link: None,
        test: "records",
        columns: &[K::Code, K::Name],
        sorts: (&[], ""),
        filters: vec![company_filter()],
        fetch: fetch_rows(
            |query| match take_company(query) {
                (Some(company), query) => api::employees(company, query),
                (None, _) => Call::ready(empty()),
            },
            |employee: Employee| vec![Cell::Text(employee.code), Cell::Text(employee.name)],
        ),
    })
}
