//! Precinct's browser side: the console (a Leptos client-side-rendered single-page app, the
//! `precinct-app` binary) and the account pages (the `account` binary: a second, small bundle the
//! console's size budget does not carry). Both share the API client, the strings and the widgets.

pub mod account;
pub mod api;
pub mod i18n;
pub mod loaded;
pub mod pages;
pub mod ui;

use leptos::prelude::*;
use leptos_router::components::Router;

/// Mounts the console.
pub fn mount_console() {
    leptos::mount::mount_to_body(Console);
}

#[component]
fn Console() -> impl IntoView {
    provide_context(i18n::I18n::load());
    provide_context(pages::users::Created(RwSignal::new(None)));
    view! {
        <Router>
            <main id="main">{pages::screens()}</main>
        </Router>
    }
}
