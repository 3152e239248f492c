//! Precinct's browser side: the console (a Leptos client-side-rendered single-page app, the
//! `precinct-app` binary), its screens used less often (the `admin` binary: the same console with
//! the other screens, loaded only at their addresses) and the account pages (the `account`
//! binary). The three share the API client, the strings and the widgets, and the console's size
//! budget carries only the first.

pub mod account;
pub mod api;
pub mod i18n;
pub mod loaded;
pub mod pages;
pub mod ui;

use leptos::prelude::*;
use leptos_router::components::Router;

/// Mounts the console with the screens of `bundle` (`pages::CONSOLE` or `pages::OCCASIONAL`).
pub fn mount_console(bundle: pages::Bundle) {
    leptos::mount::mount_to_body(move || view! { <Console bundle/> });
}

#[component]
fn Console(bundle: pages::Bundle) -> impl IntoView {
    pages::send_first_reads();
    let i = i18n::I18n::load();
    provide_context(i);
    ui::guard_unsaved_edits(i);
    provide_context(pages::users::Created(RwSignal::new(None)));
    view! {
        <Router>
            <main id="main">{pages::screens(bundle)}</main>
        </Router>
    }
}
