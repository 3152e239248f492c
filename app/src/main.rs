//! Precinct's console: a Leptos client-side-rendered single-page app.

mod api;
mod i18n;
mod pages;
mod ui;

use leptos::prelude::*;
use leptos_router::components::Router;

fn main() {
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    provide_context(i18n::I18n::load());
    provide_context(pages::users::Created(RwSignal::new(None)));
    view! {
        <Router>
            <main id="main">{pages::screens()}</main>
        </Router>
    }
}
