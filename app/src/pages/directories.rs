//! **Directories** (R08): company directories and their multidimensional mode, where the
//! directory carries the area of all its companies.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use precinct_core::api::{Directory, DirectoryInput};
use precinct_core::ids::AreaId;

use super::use_record_id;
use super::users::area_choices;
use crate::api;
use crate::i18n::{use_i18n, K};
use crate::ui::{failure_view, load, loading_view, parse_id, Busy, LoadedSelect, TextField};

/// /console/directories/new and /console/directories/:id.
#[component]
pub fn DirectoryFormPage() -> impl IntoView {
    let i = use_i18n();
    let id = use_record_id();
    view! {
           <section class="page">
               <p><a href="/console/directories">{i.s(K::Back)}</a></p>
               {move || match id.get().as_deref() {
                   Some("new") => view! { <h1>{i.s(K::NewDirectory)}</h1><DirectoryForm directory=None/> }.into_any(),
                   other => match other.and_then(parse_id) {
                       Some(id) => {
                           let directory = load(move || api::directory(id));
                           let reload = Callback::new(move |_| directory.refetch());
                           view! {
                                   {move || match directory.get() {
    None => loading_view(i),
                                       Some(Ok(directory)) => view! {
                                           <h1>{i.s(K::Directory)}" "{directory.code.clone()}</h1>
                                           <DirectoryForm directory=Some(directory) reload/>
                                       }.into_any(),
                                       Some(Err(failure)) => failure_view(i, failure, None),
                                   }}
                           }.into_any()
                       }
                       None => view! { <p class="error" role="alert">{i.s(K::NotVisible)}</p> }.into_any(),
                   },
               }}
           </section>
       }
}

#[component]
fn DirectoryForm(
    directory: Option<Directory>,
    #[prop(optional)] reload: Option<Callback<()>>,
) -> impl IntoView {
    let i = use_i18n();
    let id = directory.as_ref().map(|d| d.id.0);
    let code = RwSignal::new(
        directory
            .as_ref()
            .map(|d| d.code.clone())
            .unwrap_or_default(),
    );
    let name = RwSignal::new(
        directory
            .as_ref()
            .map(|d| d.name.clone())
            .unwrap_or_default(),
    );
    let multidimensional = RwSignal::new(directory.as_ref().is_some_and(|d| d.multidimensional));
    let area = RwSignal::new(
        directory
            .as_ref()
            .and_then(|d| d.area_id)
            .map(|a| a.to_string())
            .unwrap_or_default(),
    );
    let version = RwSignal::new(directory.as_ref().map(|d| d.version));
    let busy = Busy::new();
    let failure = busy.failure_signal();
    let navigate = use_navigate();
    let save = move || {
        let md = multidimensional.get_untracked();
        let input = DirectoryInput {
            code: code.get_untracked(),
            name: name.get_untracked(),
            multidimensional: md,
            area_id: if md {
                parse_id(&area.get_untracked()).map(AreaId)
            } else {
                None
            },
            version: version.get_untracked(),
        };
        let navigate = navigate.clone();
        busy.run(api::save_directory(id, input), move |saved: Directory| {
            if id.is_none() {
                navigate(
                    &format!("/console/directories/{}", saved.id),
                    Default::default(),
                );
            } else {
                version.set(Some(saved.version));
            }
        });
    };
    view! {
        <form class="record" novalidate on:submit=move |event| { event.prevent_default(); save(); }>
            <TextField id="code" label=K::Code value=code failure required=true/>
            <TextField id="name" label=K::Name value=name failure required=true/>
            <div class="field check">
                <input type="checkbox" id="multidimensional" bind:checked=multidimensional
                    aria-describedby="multidimensional-hint"/>
                <label for="multidimensional">{i.s(K::Multidimensional)}</label>
                <p class="hint" id="multidimensional-hint">{i.s(K::MultidimensionalHint)}</p>
            </div>
            {move || multidimensional.get().then(|| view! {
                <LoadedSelect id="area_id" label=K::Area value=area choices=area_choices()
                    empty=K::NoArea failure/>
            })}
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.pending.get()>
                    {move || i.t(if busy.pending.get() { K::Saving } else if id.is_some() { K::Save } else { K::Create })}
                </button>
            </div>
            {busy.status(reload)}
        </form>
    }
}
