//! The console's screens, and the frame they share: who is signed in, the top bar (language,
//! sign-out, the banner while acting as another user) and the console's navigation.

mod applications;
mod areas;
mod bulk;
mod companies;
mod console;
mod directories;
mod groups;
mod history;
mod insight;
mod lists;
pub use lists::send_first_reads;
mod mail;
mod not_found;
mod screens;
mod session;
mod sign_in;
pub mod users;

pub use applications::ApplicationsPage;
pub use areas::area_form_page;
pub use companies::company_form_page;
pub use console::ConsolePage;
pub use directories::directory_form_page;
pub use groups::group_form_page;
pub use history::HistoryPage;
pub use lists::{
    about_companies_page, areas_page, companies_page, directories_page, employees_page,
    groups_page, projects_page, reports_page, users_page,
};
pub(crate) use mail::check_pair;
pub use mail::{MailSettingsPage, OutboxPage, PreferencesPage};
pub use not_found::NotFound;
pub use screens::{
    screens, use_record_id, Bundle, ConsoleScreen, BULK, CONSOLE, INSIGHT, OCCASIONAL,
};
pub use session::SelectCompanyPage;
pub use sign_in::SignInPage;
pub use users::UserFormPage;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use precinct_core::api::Me;
use precinct_core::policy::{AccessLevel, Reach};

use crate::api;
use crate::i18n::{use_i18n, I18n, K};
use crate::ui::{failure_view, load, loading_view, Busy, Loaded};

/// Goes to `path`: within the console, or as a full page for the account pages (another
/// bundle, see `crate::account`).
pub fn go_to(navigate: &impl Fn(&str, leptos_router::NavigateOptions), path: &str) {
    let page = path.split('?').next().unwrap_or(path);
    if precinct_core::api::PageBundle::of(page) == precinct_core::api::PageBundle::Account {
        crate::ui::leave_to(path);
    } else {
        navigate(path, Default::default());
    }
}

/// Who is signed in, shared by the screens under one frame.
#[derive(Clone, Copy)]
pub struct Session(pub Loaded<Me>);

/// Loads who is signed in; a screen behind sign-in sends the person to the sign-in page on 401.
/// This only steers the person: the worker refuses every call without a session anyway.
pub fn use_signed_in() -> Loaded<Me> {
    let navigate = use_navigate();
    let me = load(api::me);
    provide_context(Session(me));
    Effect::new(move |_| match me.get() {
        // A deep link opened signed out comes back after sign-in (`return_address`).
        Some(Err(failure)) if failure.status() == 401 => {
            come_back_here();
            navigate("/", Default::default())
        }
        // R35, R36: the worker refuses everything else until the person has entered their
        // second factor, chosen their own password and, for an administrator, set one up.
        Some(Ok(me)) if me.password_change_required || me.mfa_step.is_some() => {
            go_to(&navigate, sign_in::next_screen(&me, false));
        }
        Some(Ok(me)) => remember_level(&me),
        _ => {}
    });
    me
}

/// Where this browser keeps the level of the last person it showed: a hint for which reads
/// a list sends before the session answers (`lists::send_first_reads`), never a decision.
pub const LEVEL_KEY: &str = "precinct.level";

pub fn remember_level(me: &Me) {
    if let Ok(Some(storage)) = window().local_storage() {
        let _ = storage.set_item(
            LEVEL_KEY,
            if is_admin(me) {
                "administrator"
            } else {
                "other"
            },
        );
    }
}

pub fn last_level_was_admin() -> bool {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|storage| storage.get_item(LEVEL_KEY).ok().flatten())
        .is_some_and(|level| level == "administrator")
}

/// Where a deep link opened signed out is kept for the next sign-in in this browser (taken by
/// it, whether it goes there or not); the account pages read it too, after the second factor.
pub const RETURN_KEY: &str = "precinct.next";

/// Keeps this page for the next sign-in in this browser (`return_address`).
pub fn come_back_here() {
    let location = window().location();
    if let Ok(Some(storage)) = window().local_storage() {
        let here = location.pathname().unwrap_or_default() + &location.search().unwrap_or_default();
        let _ = storage.set_item(RETURN_KEY, &here);
    }
}

/// The page to go back to after signing in, taken once: a page of this site's console, or the
/// sessions and second-factor pages (signed in again for them, ASVS 7.5.1, 7.5.2), never an
/// address elsewhere.
pub fn return_address() -> Option<String> {
    let storage = window().local_storage().ok()??;
    let next = storage.get_item(RETURN_KEY).ok()??;
    let _ = storage.set_item(RETURN_KEY, "");
    // A path of this site, so `navigate` stays here whatever follows.
    (next.starts_with("/console") || next == "/sessions" || next == "/second-factor")
        .then_some(next)
}

/// The signed-in person, once known (screens inside the console frame).
pub fn use_me() -> Signal<Option<Me>> {
    let session = use_context::<Session>();
    Signal::derive(move || {
        session
            .and_then(|session| session.0.get())
            .and_then(Result::ok)
    })
}

pub fn is_admin(me: &Me) -> bool {
    me.access_level == AccessLevel::Administrator
}

/// Whether the person's rights reach `reach`: the policy's own answer (`core::policy::Reach`),
/// the one every decision of the worker starts with, so nothing is offered that would be
/// refused.
pub fn reaches(me: &Me, reach: Reach) -> bool {
    reach.allowed(me.access_level, |option| me.options.contains(&option))
}

/// One entry of the console's navigation, shown only to those who may use it.
pub struct NavItem {
    pub path: &'static str,
    pub key: K,
    pub show: fn(&Me) -> bool,
}

pub const NAV: &[NavItem] = &[
    NavItem {
        path: "/console/users",
        key: K::NavUsers,
        show: |me| reaches(me, Reach::ManageUsers),
    },
    NavItem {
        path: "/console/groups",
        key: K::NavGroups,
        show: |me| reaches(me, Reach::ManageGroups),
    },
    NavItem {
        path: "/console/areas",
        key: K::NavAreas,
        show: |me| reaches(me, Reach::ManageAreas),
    },
    NavItem {
        path: "/console/companies",
        key: K::NavCompanies,
        show: |me| reaches(me, Reach::ManageCompanies),
    },
    NavItem {
        path: "/console/directories",
        key: K::NavDirectories,
        show: |me| reaches(me, Reach::ManageDirectories),
    },
    NavItem {
        path: "/console/review",
        key: K::NavReview,
        show: |me| reaches(me, Reach::ManageUsers),
    },
    NavItem {
        path: "/console/explain",
        key: K::NavExplain,
        show: |me| reaches(me, Reach::ManageUsers),
    },
    NavItem {
        path: "/console/import",
        key: K::NavImport,
        show: |me| reaches(me, Reach::ManageUsers),
    },
    NavItem {
        path: "/console/bulk",
        key: K::NavBulk,
        show: |me| reaches(me, Reach::ManageUsers),
    },
    NavItem {
        path: "/console/history",
        key: K::NavHistory,
        show: |me| reaches(me, Reach::ReadHistory),
    },
    NavItem {
        path: "/console/projects",
        key: K::NavProjects,
        show: |me| reaches(me, Reach::ReadProjects),
    },
    NavItem {
        path: "/console/employees",
        key: K::NavEmployees,
        show: |me| reaches(me, Reach::ReadEmployees),
    },
    NavItem {
        path: "/console/reports",
        key: K::NavReports,
        show: |me| reaches(me, Reach::ReadReports),
    },
    NavItem {
        path: "/console/settings/mail",
        key: K::NavMailSettings,
        show: |me| reaches(me, Reach::ManageMailSettings),
    },
    NavItem {
        path: "/console/outbox",
        key: K::NavOutbox,
        show: |me| reaches(me, Reach::ManageMailSettings),
    },
    NavItem {
        path: "/console/preferences",
        key: K::NavPreferences,
        show: |me| reaches(me, Reach::OwnPreferences),
    },
    NavItem {
        path: "/console/about/companies",
        key: K::NavAbout,
        show: |_| true,
    },
    NavItem {
        path: "/console/select-company",
        key: K::NavSelectCompany,
        show: |_| true,
    },
];

/// The language switch: the other language's name, in that language.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i = use_i18n();
    view! {
        <button type="button" class="lang" data-test="lang-switch"
            lang=move || i.lang().other().code()
            on:click=move |_| i.switch()>
            {i.s(K::LanguageSwitch)}
        </button>
    }
}

/// The top bar of signed-in screens: who is signed in, the company worked in, the language,
/// sign-out, and while acting as another user (R05) who really is at the keyboard.
#[component]
pub fn TopBar(me: Me) -> impl IntoView {
    let i = use_i18n();
    let navigate = use_navigate();
    let sign_out = Busy::new();
    let back = Busy::new();
    // Signed out, or the session had already ended: either way, back to the sign-in page.
    Effect::new(move |_| {
        if sign_out.saved.get() || sign_out.failure.get().is_some() {
            navigate("/", Default::default());
        }
    });
    let session = use_context::<Session>();
    // Signing out with unsaved edits asks first, as any other way out of a form.
    let unsaved = use_context::<crate::ui::Unsaved>();
    let back_failure = move || back.failure.get();
    let company = me.company.clone();
    let acting = me.real_user_code.clone().map(|real| {
        view! {
            <div class="banner" role="status" data-test="acting-banner">
                <span>
                    {i.s(K::ActingAs)}" "<strong>{me.name.clone()}" ("{me.user_code.clone()}")"</strong>
                    " — "{i.s(K::SignedInAs)}" "<strong>{real}</strong>
                </span>
                <button type="button" disabled=move || back.pending.get()
                    on:click=move |_| back.run(api::stop_acting(), move |_| {
                        if let Some(session) = session {
                            session.0.refetch();
                        }
                    })>{i.s(K::BackToMyself)}</button>
                {move || back_failure().map(|failure| failure_view(i, failure, None))}
            </div>
        }
    });
    view! {
        // The router would take "#content" for an address; the focus itself moves instead.
        <a class="skip" href="#content" on:click=move |event| {
            event.prevent_default();
            screens::focus_content();
        }>{i.s(K::SkipToContent)}</a>
        <header class="topbar">
            <a class="brand" href="/applications">"Precinct"</a>
            <span class="account">{me.account_name.clone()}</span>
            {company.map(|company| view! {
                <a class="company" href="/console/select-company" data-test="current-company"
                    title=i.s(K::ChangeCompany)>{company.code}" · "{company.name}</a>
            })}
            <span class="who" data-test="who">{me.name.clone()}" · "{me.user_code.clone()}</span>
            <LangSwitch/>
            <button class="link" on:click=move |_| {
                if unsaved.is_none_or(|unsaved| unsaved.may_leave(i)) {
                    sign_out.run(api::sign_out(), |_| ());
                }
            }>{i.s(K::SignOut)}</button>
        </header>
        {acting}
    }
}

/// A navigation link that says when it is the page shown (`aria-current`), like the router's
/// `<A>` without its path resolution (every link here is absolute).
fn nav_link(path: &'static str, exact: bool, i: I18n, key: K) -> AnyView {
    let location = leptos_router::hooks::use_location();
    let current = move || {
        location.pathname.with(|here| {
            let here = here.trim_end_matches('/');
            here == path
                || (!exact
                    && here
                        .strip_prefix(path)
                        .is_some_and(|rest| rest.starts_with('/')))
        })
    };
    view! {
        <a href=path aria-current=move || current().then_some("page")>{i.s(key)}</a>
    }
    .into_any()
}

/// The console's frame: top bar, navigation (a menu button on phones), and the screen.
#[component]
pub fn Shell(page: Memo<ConsoleScreen>) -> impl IntoView {
    let i = use_i18n();
    let me = use_signed_in();
    let open = RwSignal::new(false);
    view! {
        {move || match me.get() {
            None => loading_view(i),
            Some(Ok(me)) => {
                let items = NAV.iter().filter(|item| (item.show)(&me)).map(|item| view! {
                    <li>{nav_link(item.path, false, i, item.key)}</li>
                }).collect_view();
                // A screen opened by its address is shown only to those its menu entry is for.
                let location = leptos_router::hooks::use_location();
                let refused = {
                    let me = me.clone();
                    move || location.pathname.with(|here| NAV.iter().any(|item| {
                        !(item.show)(&me)
                            && here.strip_prefix(item.path).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
                    }))
                };
                view! {
                    <TopBar me=me.clone()/>
                    <div class="console">
                        <button type="button" class="menu-toggle" aria-controls="console-nav"
                            aria-expanded=move || open.get().to_string()
                            on:click=move |_| open.update(|open| *open = !*open)>
                            {i.s(K::Menu)}
                        </button>
                        <nav id="console-nav" class="side" class:open=move || open.get()
                            aria-label=i.s(K::MainNav)
                            on:click=move |_| open.set(false)>
                            <ul>
                                <li>{nav_link("/console", true, i, K::NavHome)}</li>
                                {items}
                            </ul>
                        </nav>
                        <div class="content" id="content" tabindex="-1">
                            {move || if refused() {
                                view! {
                                    <section class="page">
                                        <h1>{i.s(K::NotAvailableTitle)}</h1>
                                        <p class="empty" data-test="not-available">{i.s(K::NotAvailableText)}</p>
                                    </section>
                                }.into_any()
                            } else {
                                screens::bundle_screen(page.get())
                            }}
                        </div>
                    </div>
                }.into_any()
            }
            Some(Err(failure)) => failure_view(i, failure, Some(Callback::new(move |_| me.refetch()))),
        }}
    }
}
