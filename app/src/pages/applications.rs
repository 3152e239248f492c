use leptos::prelude::*;

use super::{use_signed_in, TopBar};
use crate::api;
use crate::i18n::{use_i18n, K};
use crate::ui::{failure_view, load, loading_view};

/// **My Applications** (R03): where a person lands after signing in.
#[component]
pub fn ApplicationsPage() -> impl IntoView {
    let i = use_i18n();
    let me = use_signed_in();
    let applications = load(api::applications);
    view! {
        {move || me.get().and_then(|result| result.ok()).map(|me| view! { <TopBar me/> })}
        <section class="page" id="content" tabindex="-1">
            <h1>{i.s(K::MyApplications)}</h1>
            {move || match applications.get() {
                None => loading_view(i),
                Some(Ok(list)) => view! {
                    <ul class="tiles">
                        {list.applications.into_iter().map(|app| {
                            // The console's own application is named in the chosen language.
                            let known = app.code == "security";
                            let name = app.name.clone();
                            let description = app.description.clone();
                            view! {
                                <li>
                                    <a class="tile" href=app.path.clone() data-test="application">
                                        <strong>{move || if known { i.t(K::SecurityConsole).to_string() } else { name.clone() }}</strong>
                                        <span>{move || if known { i.t(K::SecurityConsoleText).to_string() } else { description.clone() }}</span>
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Some(Err(failure)) => failure_view(i, failure, None),
            }}
        </section>
    }
}
