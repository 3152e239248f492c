//! **Directories** (R08): company directories and their multidimensional mode, where the
//! directory carries the area of all its companies.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use precinct_core::api::{Directory, DirectoryInput};
use precinct_core::ids::AreaId;

use super::users::area_choices;
use crate::api;
use crate::i18n::{use_i18n, K};
use crate::ui::{parse_id, record_screen, Busy, LoadedSelect, RecordScreen, TextField};

/// /console/directories/new and /console/directories/:id.
pub fn directory_form_page() -> AnyView {
    record_screen(RecordScreen {
        back: "/console/directories",
        new_title: K::NewDirectory,
        fetch: api::directory,
        title: |i, directory: &Directory| format!("{} {}", i.t(K::Directory), directory.code),
        form: |directory, reload| view! { <DirectoryForm directory reload/> }.into_any(),
    })
}

#[component]
fn DirectoryForm(directory: Option<Directory>, reload: Option<Callback<()>>) -> impl IntoView {
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
    let edits = crate::ui::Edits::watch(vec![code, name, area]);
    // "Save and Exit" (the procedure's words): back to the list once saved.
    let exit = RwSignal::new(false);
    let failure = busy.failure_signal();
    let navigate = use_navigate();
    // B02: the mode and area as stored; the what-if shows once the form differs.
    let stored = RwSignal::new((multidimensional.get_untracked(), area.get_untracked()));
    let what_if = id.map(|id| {
        crate::ui::what_if_preview(Box::new(move || {
            let now = (multidimensional.get(), area.get());
            (now != stored.get()).then(|| {
                let input = DirectoryInput {
                    code: code.get_untracked(),
                    name: name.get_untracked(),
                    multidimensional: now.0,
                    area_id: if now.0 {
                        parse_id(&now.1).map(AreaId)
                    } else {
                        None
                    },
                    version: version.get(),
                };
                Box::pin(api::what_if(&format!("/api/directories/{id}"), &input).send())
                    as crate::ui::WhatIfQuestion
            })
        }))
    });
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
            stored.set((
                saved.multidimensional,
                saved.area_id.map(|a| a.to_string()).unwrap_or_default(),
            ));
            edits.saved_now();
            if id.is_none() {
                navigate(
                    &format!("/console/directories/{}", saved.id),
                    Default::default(),
                );
            } else {
                version.set(Some(saved.version));
                // Once the form shows what was stored (it is left next).
                if exit.get_untracked() {
                    navigate("/console/directories", Default::default());
                }
            }
        });
    };
    view! {
        {edits.notice(i)}
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
            {what_if}
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.pending.get()
                    on:click=move |_| exit.set(false)>
                    {move || i.t(if busy.pending.get() { K::Saving } else if id.is_some() { K::Save } else { K::Create })}
                </button>
                {id.map(|_| view! { <crate::ui::SaveAndExit exit busy/> })}
            </div>
            {busy.status(reload)}
        </form>
    }
}
