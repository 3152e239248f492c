//! **Area Management** (R06): regular administrators only (hidden from everyone else; the
//! worker refuses them anyway).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use precinct_core::api::{Area, AreaInput};

use crate::api;
use crate::i18n::{use_i18n, K};
use crate::ui::{confirm, record_screen, Busy, RecordScreen, TextField};

/// /console/areas/new and /console/areas/:id.
pub fn area_form_page() -> AnyView {
    record_screen(RecordScreen {
        back: "/console/areas",
        new_title: K::NewArea,
        fetch: api::area,
        title: |i, area: &Area| format!("{} {}", i.t(K::Area), area.code),
        form: |area, reload| view! { <AreaForm area reload/> }.into_any(),
    })
}

#[component]
fn AreaForm(area: Option<Area>, reload: Option<Callback<()>>) -> impl IntoView {
    let i = use_i18n();
    let id = area.as_ref().map(|area| area.id.0);
    let code = RwSignal::new(area.as_ref().map(|a| a.code.clone()).unwrap_or_default());
    let description = RwSignal::new(
        area.as_ref()
            .map(|a| a.description.clone())
            .unwrap_or_default(),
    );
    let version = RwSignal::new(area.as_ref().map(|a| a.version));
    let busy = Busy::new();
    let edits = crate::ui::Edits::watch(vec![code, description]);
    // "Save and Exit" (the procedure's words): back to the list once saved.
    let exit = RwSignal::new(false);
    let failure = busy.failure_signal();
    let navigate = use_navigate();
    let save = move || {
        let input = AreaInput {
            code: code.get_untracked(),
            description: description.get_untracked(),
            version: version.get_untracked(),
        };
        let navigate = navigate.clone();
        busy.run(api::save_area(id, input), move |saved: Area| {
            edits.saved_now();
            if id.is_none() {
                navigate(&format!("/console/areas/{}", saved.id), Default::default());
            } else {
                version.set(Some(saved.version));
                // Once the form shows what was stored (it is left next).
                if exit.get_untracked() {
                    navigate("/console/areas", Default::default());
                }
            }
        });
    };
    let navigate_away = use_navigate();
    let remove = move |_| {
        if let (Some(id), Some(version)) = (id, version.get_untracked()) {
            if confirm(i) {
                let navigate = navigate_away.clone();
                busy.run(api::delete_area(id, version), move |_| {
                    navigate("/console/areas", Default::default())
                });
            }
        }
    };
    view! {
        {edits.notice(i)}
        <form class="record" novalidate on:submit=move |event| { event.prevent_default(); save(); }>
            <TextField id="code" label=K::Code value=code failure required=true/>
            <TextField id="description" label=K::Description value=description failure/>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.pending.get()
                    on:click=move |_| exit.set(false)>
                    {move || i.t(if busy.pending.get() { K::Saving } else if id.is_some() { K::Save } else { K::Create })}
                </button>
                {id.map(|_| view! { <crate::ui::SaveAndExit exit busy/> })}
                {id.map(|_| view! {
                    <button type="button" class="danger" disabled=move || busy.pending.get() on:click=remove>
                        {i.s(K::Delete)}
                    </button>
                })}
            </div>
            {busy.status(reload)}
        </form>
    }
}
