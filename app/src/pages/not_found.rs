use leptos::prelude::*;

use crate::i18n::{use_i18n, K};

/// Shown for any address the console does not know, instead of a blank screen.
#[component]
pub fn NotFound() -> impl IntoView {
    let i = use_i18n();
    view! {
        <section class="card narrow">
            <h1>{i.s(K::NotFoundTitle)}</h1>
            <p>{i.s(K::NotFoundText)}</p>
            <a href="/applications">{i.s(K::GoToApplications)}</a>
        </section>
    }
}
