//! Which screen an address shows. The console matches addresses itself instead of declaring a
//! route tree: one plain `match` compiles to far less than a generic type per route (the
//! console's size budget), and the router still owns the history, links and the back button.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use leptos_router::location::{BrowserUrl, LocationProvider};
use precinct_core::api::PageBundle;

use super::*;

/// The screens outside the console frame, and the console (whose frame stays while its screens
/// change).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    SignIn,
    Applications,
    Console,
    NotFound,
}

/// The screens inside the console frame; `Record` screens read their id with `use_record_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsoleScreen {
    Home,
    SelectCompany,
    Users,
    User,
    Groups,
    Group,
    Areas,
    Area,
    Companies,
    Company,
    Directories,
    Directory,
    History,
    AboutCompanies,
    Projects,
    Employees,
    Reports,
    MailSettings,
    Outbox,
    Preferences,
    UserHistory,
    Explain,
    Reviews,
    Review,
    Import,
    Bulk,
    Copy,
    NotFound,
}

/// The segments of an address's path. The router's path can carry the query while it
/// navigates to an address that has one: it is not part of the path.
fn segments(path: &str) -> Vec<&str> {
    let path = path.split('?').next().unwrap_or_default();
    path.split('/').filter(|part| !part.is_empty()).collect()
}

fn screen_of(path: &str) -> Screen {
    match segments(path).as_slice() {
        [] => Screen::SignIn,
        ["applications"] => Screen::Applications,
        ["console", ..] => Screen::Console,
        _ => Screen::NotFound,
    }
}

fn console_screen_of(path: &str) -> ConsoleScreen {
    use ConsoleScreen::*;
    match segments(path).get(1..).unwrap_or_default() {
        [] => Home,
        ["select-company"] => SelectCompany,
        ["users"] => Users,
        ["users", _] => User,
        ["groups"] => Groups,
        ["groups", _] => Group,
        ["areas"] => Areas,
        ["areas", _] => Area,
        ["companies"] => Companies,
        ["companies", _] => Company,
        ["directories"] => Directories,
        ["directories", _] => Directory,
        ["history"] => History,
        ["history", "user", _] => UserHistory,
        ["about", "companies"] => AboutCompanies,
        ["projects"] => Projects,
        ["employees"] => Employees,
        ["reports"] => Reports,
        ["settings", "mail"] => MailSettings,
        ["outbox"] => Outbox,
        ["preferences"] => Preferences,
        ["explain"] => Explain,
        ["review"] => Reviews,
        ["review", _] => Review,
        ["import"] => Import,
        ["bulk"] => Bulk,
        ["copy", _] => Copy,
        _ => NotFound,
    }
}

/// The record a form screen shows: `new` or an id (`/console/users/42`).
pub fn use_record_id() -> Memo<Option<String>> {
    let location = use_location();
    Memo::new(move |_| {
        location
            .pathname
            .with(|path| match segments(path).as_slice() {
                ["console", _, id] => Some(id.to_string()),
                _ => None,
            })
    })
}

/// The screens a browser bundle shows (`core::api::PageBundle`): each bundle's binary mounts
/// the console with its own, so the other bundle's screens are not in its code at all.
#[derive(Clone, Copy)]
pub struct Bundle {
    pub name: PageBundle,
    /// The screens outside the console frame.
    pub outside: fn(Screen) -> AnyView,
    /// The screens inside the console frame.
    pub inside: fn(ConsoleScreen) -> AnyView,
}

/// The console's own bundle: sign-in and the everyday screens.
pub const CONSOLE: Bundle = Bundle {
    name: PageBundle::Console,
    outside: |screen| match screen {
        // The sign-in page is the account pages' (it comes before any session).
        Screen::SignIn => elsewhere(),
        Screen::Applications => view! { <ApplicationsPage/> }.into_any(),
        Screen::Console | Screen::NotFound => view! { <NotFound/> }.into_any(),
    },
    inside: console_screen,
};

/// The bundle of the screens used less often: `core::api::OCCASIONAL_SCREENS`.
pub const OCCASIONAL: Bundle = Bundle {
    name: PageBundle::Occasional,
    outside: |_| elsewhere(),
    inside: occasional_screen,
};

/// Every screen of the bundle, by address.
pub fn screens(bundle: Bundle) -> AnyView {
    provide_context(bundle);
    let location = use_location();
    let screen = Memo::new(move |_| location.pathname.with(|path| screen_of(path)));
    // The router writes a new address into the browser's history only once the screen for it
    // is ready (its `Routes` would say so); this is that signal, once the new address is shown.
    let browser = use_context::<BrowserUrl>();
    Effect::new(move |shown_before: Option<()>| {
        location.pathname.track();
        if let Some(browser) = &browser {
            browser.ready_to_complete();
        }
        // After moving to another screen, keyboard and screen-reader users go on from the new
        // screen's content, not from the link they left (the first screen starts at the top).
        if shown_before.is_some() {
            focus_content();
        }
    });
    (move || match screen.get() {
        Screen::Console => {
            let page = Memo::new(move |_| location.pathname.with(|path| console_screen_of(path)));
            view! { <Shell page/> }.into_any()
        }
        other => (bundle.outside)(other),
    })
    .into_any()
}

/// The screen of `page` in the bundle shown (inside the console frame).
pub fn bundle_screen(page: ConsoleScreen) -> AnyView {
    match use_context::<Bundle>() {
        Some(bundle) => (bundle.inside)(page),
        None => elsewhere(),
    }
}

/// A screen of another bundle: the page is loaded again at its address, which the worker
/// answers with that bundle's page. The history keeps one entry for it either way: the router
/// may or may not have written the address yet.
fn elsewhere() -> AnyView {
    let location = use_location();
    let path = location.pathname.get_untracked();
    // The path may already carry the query (see `segments`).
    let target = if path.contains('?') {
        path
    } else {
        path + &location.search.get_untracked()
    };
    let this = use_context::<Bundle>().map(|bundle| bundle.name);
    let page = target.split('?').next().unwrap_or_default().to_string();
    if this == Some(PageBundle::of(&page)) {
        // The worker would send this address back here: say so instead of loading it forever.
        return view! { <NotFound/> }.into_any();
    }
    // After the router's own work for this navigation (it writes the address in a moment).
    set_timeout(
        move || {
            let location = window().location();
            if location.pathname().ok().as_deref() == Some(page.as_str()) {
                let _ = location.reload();
            } else {
                let _ = location.assign(&target);
            }
        },
        std::time::Duration::ZERO,
    );
    let i = crate::i18n::use_i18n();
    crate::ui::loading_view(i).into_any()
}
pub fn focus_content() {
    use wasm_bindgen::JsCast;
    if let Some(content) = document()
        .get_element_by_id("content")
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = content.focus();
    }
}

/// The everyday screens inside the console frame (the console's bundle).
pub fn console_screen(page: ConsoleScreen) -> AnyView {
    use ConsoleScreen::*;
    match page {
        Home => view! { <ConsolePage/> }.into_any(),
        SelectCompany => view! { <SelectCompanyPage/> }.into_any(),
        Users => users_page().into_any(),
        User => view! { <UserFormPage/> }.into_any(),
        Groups => groups_page().into_any(),
        Group => group_form_page(),
        Companies => companies_page().into_any(),
        Company => company_form_page(),
        Projects => projects_page().into_any(),
        Employees => employees_page().into_any(),
        Reports => reports_page().into_any(),
        NotFound => view! { <super::NotFound/> }.into_any(),
        Areas | Area | Directories | Directory | History | MailSettings | Outbox | Preferences
        | AboutCompanies | UserHistory | Explain | Reviews | Review | Import | Bulk | Copy => {
            elsewhere()
        }
    }
}

/// The screens used less often (`core::api::OCCASIONAL_SCREENS`).
pub fn occasional_screen(page: ConsoleScreen) -> AnyView {
    use ConsoleScreen::*;
    match page {
        Areas => areas_page().into_any(),
        Area => area_form_page(),
        Directories => directories_page().into_any(),
        Directory => directory_form_page(),
        History => view! { <HistoryPage/> }.into_any(),
        UserHistory => view! { <super::history::UserHistoryPage/> }.into_any(),
        MailSettings => view! { <MailSettingsPage/> }.into_any(),
        Outbox => view! { <OutboxPage/> }.into_any(),
        Preferences => view! { <PreferencesPage/> }.into_any(),
        AboutCompanies => about_companies_page().into_any(),
        NotFound => view! { <super::NotFound/> }.into_any(),
        _ => elsewhere(),
    }
}

/// The bundle of B01 and B03's screens: `core::api::INSIGHT_SCREENS`.
pub const INSIGHT: Bundle = Bundle {
    name: PageBundle::Insight,
    outside: |_| elsewhere(),
    inside: insight_screen,
};

/// Explain access and the access review (`core::api::INSIGHT_SCREENS`).
pub fn insight_screen(page: ConsoleScreen) -> AnyView {
    use ConsoleScreen::*;
    match page {
        Explain => view! { <super::insight::ExplainPage/> }.into_any(),
        Reviews => view! { <super::insight::ReviewsPage/> }.into_any(),
        Review => view! { <super::insight::ReviewPage/> }.into_any(),
        NotFound => view! { <super::NotFound/> }.into_any(),
        _ => elsewhere(),
    }
}

/// The bundle of B04–B06's screens: `core::api::BULK_SCREENS`.
pub const BULK: Bundle = Bundle {
    name: PageBundle::Bulk,
    outside: |_| elsewhere(),
    inside: bulk_screen,
};

/// Import and export, bulk actions, copy security (`core::api::BULK_SCREENS`).
pub fn bulk_screen(page: ConsoleScreen) -> AnyView {
    use ConsoleScreen::*;
    match page {
        Import => view! { <super::bulk::ImportPage/> }.into_any(),
        Bulk => view! { <super::bulk::BulkPage/> }.into_any(),
        Copy => view! { <super::bulk::CopyPage/> }.into_any(),
        NotFound => view! { <super::NotFound/> }.into_any(),
        _ => elsewhere(),
    }
}
