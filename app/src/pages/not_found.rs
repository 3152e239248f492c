use leptos::prelude::*;

/// Shown for any address the console does not know, instead of a blank screen.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="card narrow">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address."</p>
            <a href="/applications">"Go to My Applications"</a>
        </section>
    }
}
