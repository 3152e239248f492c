use leptos::prelude::*;

use super::{use_signed_in, TopBar};
use crate::api;

/// **My Applications** (R03): where a person lands after signing in.
#[component]
pub fn ApplicationsPage() -> impl IntoView {
    let me = use_signed_in();
    let applications = LocalResource::new(api::applications);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || me.get().and_then(|result| result.ok()).map(|me| view! { <TopBar me/> })}
            <section class="page">
                <h1>"My Applications"</h1>
                {move || applications.get().map(|result| match result {
                    Ok(list) => view! {
                        <ul class="tiles">
                            {list.applications.into_iter().map(|app| view! {
                                <li>
                                    <a class="tile" href=app.path.clone() data-test="application">
                                        <strong>{app.name.clone()}</strong>
                                        <span>{app.description.clone()}</span>
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(failure) => view! { <p class="error" role="alert">{failure.message()}</p> }.into_any(),
                })}
            </section>
        </Suspense>
    }
}
