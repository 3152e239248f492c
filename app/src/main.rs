//! Precinct's console: a Leptos client-side-rendered single-page app.

mod api;
mod pages;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

fn main() {
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    view! {
        <Router>
            <main id="main">
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::SignInPage/>
                    <Route path=path!("/applications") view=pages::ApplicationsPage/>
                    <Route path=path!("/console") view=pages::ConsolePage/>
                </Routes>
            </main>
        </Router>
    }
}
