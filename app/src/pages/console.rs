use leptos::prelude::*;

use super::{use_signed_in, TopBar};

/// The security console's home; opening it from My Applications asks for nothing again (R03).
#[component]
pub fn ConsolePage() -> impl IntoView {
    let me = use_signed_in();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || me.get().and_then(|result| result.ok()).map(|me| view! {
                <TopBar me=me.clone()/>
                <section class="page">
                    <h1>"Security Console"</h1>
                    <p>"Welcome, " {me.name.clone()} "."</p>
                </section>
            })}
        </Suspense>
    }
}
