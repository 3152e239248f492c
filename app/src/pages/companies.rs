//! **Modify Company Settings** (R07, R08, R11, R19): the companies list and the company form;
//! only regular administrators change a company's area; the user in charge comes from the R19
//! picker.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use precinct_core::api::{Company, CompanyInput};
use precinct_core::ids::{AreaId, DirectoryId};

use super::history::UserPicker;
use super::users::area_choices;
use super::{is_admin, use_me};
use crate::api::{self, ListQuery, Picker};
use crate::i18n::{use_i18n, K};
use crate::ui::{
    choices, first_200, load, parse_id, record_screen, Busy, Loaded, LoadedSelect, RecordScreen,
    TextField,
};

pub fn directory_choices() -> Loaded<Vec<(String, String)>> {
    load(|| {
        choices(api::directories(first_200()), |directory| {
            (
                directory.id.to_string(),
                format!("{} — {}", directory.code, directory.name),
            )
        })
    })
}

/// /console/companies/new and /console/companies/:id.
pub fn company_form_page() -> AnyView {
    record_screen(RecordScreen {
        back: "/console/companies",
        new_title: K::NewCompany,
        fetch: api::company,
        title: |_, company: &Company| format!("{} · {}", company.code, company.name),
        form: |company, reload| view! { <CompanyForm company reload/> }.into_any(),
    })
}

#[component]
fn CompanyForm(company: Option<Company>, reload: Option<Callback<()>>) -> impl IntoView {
    let i = use_i18n();
    let me = use_me().get_untracked();
    let admin = me.as_ref().is_some_and(is_admin);
    let id = company.as_ref().map(|c| c.id.0);
    let code = RwSignal::new(company.as_ref().map(|c| c.code.clone()).unwrap_or_default());
    let name = RwSignal::new(company.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let directory = RwSignal::new(
        company
            .as_ref()
            .map(|c| c.directory_id.to_string())
            .unwrap_or_default(),
    );
    // What a local administrator sends: the company's area as it is, or their own for a new one.
    let fixed_area = match &company {
        Some(company) => company.area_id,
        None => me.as_ref().and_then(|me| me.area_id),
    };
    let fixed_area_code = match &company {
        Some(company) => company.area_code.clone(),
        None => me.as_ref().and_then(|me| me.area_code.clone()),
    };
    let area = RwSignal::new(fixed_area.map(|a| a.to_string()).unwrap_or_default());
    let in_charge = company.as_ref().and_then(|c| c.user_in_charge.clone());
    let in_charge_code = RwSignal::new(
        in_charge
            .as_ref()
            .map(|u| u.user_code.clone())
            .unwrap_or_default(),
    );
    let in_charge_hidden = company.as_ref().is_some_and(|c| c.user_in_charge_hidden);
    let in_charge_outside = company
        .as_ref()
        .is_some_and(|c| c.user_in_charge_outside_area);
    let version = RwSignal::new(company.as_ref().map(|c| c.version));
    let directories = load(|| api::directories(first_200()));
    let multidimensional = move || {
        let chosen = parse_id(&directory.get());
        directories.get().and_then(Result::ok).and_then(|page| {
            page.items
                .into_iter()
                .find(|d| Some(d.id.0) == chosen)
                .filter(|d| d.multidimensional)
        })
    };
    // A company of a multidimensional directory takes the directory's area (R08).
    Effect::new(move |previous: Option<String>| {
        let chosen = directory.get();
        if previous
            .as_ref()
            .is_some_and(|previous| *previous != chosen)
        {
            if let Some(md) = multidimensional() {
                area.set(md.area_id.map(|a| a.to_string()).unwrap_or_default());
            }
        }
        chosen
    });
    let busy = Busy::new();
    let edits = crate::ui::Edits::watch(vec![code, name, directory, area, in_charge_code]);
    // "Save and Exit" (the procedure's words): back to the list once saved.
    let exit = RwSignal::new(false);
    let failure = busy.failure_signal();
    let navigate = use_navigate();
    // R08: a new area for a company of a multidimensional directory moves the whole directory;
    // the server asks first, and the question names how many companies move.
    let moving = RwSignal::new(None::<i64>);
    Effect::new(move |_| {
        if busy
            .failure
            .get()
            .is_some_and(|f| f.code() == "confirm_directory_area")
        {
            busy.failure.set(None);
            let query = ListQuery {
                filters: vec![("directory_id", directory.get_untracked())],
                limit: Some(1),
                ..ListQuery::default()
            };
            leptos::task::spawn_local(async move {
                let total = api::companies(query)
                    .send()
                    .await
                    .map_or(0, |page| page.total);
                moving.try_set(Some(total));
            });
        }
    });
    // B02: a new area shows what it would do before it is saved (the whole directory's, R08).
    let stored_area = RwSignal::new(area.get_untracked());
    let what_if = id.filter(|_| admin).map(|id| {
        crate::ui::what_if_preview(Box::new(move || {
            let chosen = area.get();
            (chosen != stored_area.get()).then(|| {
                let input = CompanyInput {
                    code: code.get_untracked(),
                    name: name.get_untracked(),
                    directory_id: DirectoryId(parse_id(&directory.get_untracked()).unwrap_or(0)),
                    area_id: parse_id(&chosen).map(AreaId),
                    user_in_charge_id: None,
                    user_in_charge: None,
                    version: version.get(),
                    confirm_directory_area: true,
                };
                Box::pin(api::what_if(&format!("/api/companies/{id}"), &input).send())
                    as crate::ui::WhatIfQuestion
            })
        }))
    });
    let save = move |confirm_directory_area: bool| {
        moving.set(None);
        let area_id = if admin {
            parse_id(&area.get_untracked()).map(AreaId)
        } else {
            fixed_area
        };
        // What was typed is sent as typed (a user code or a name); the server resolves it among
        // the users this person may pick, or says beside the field why not (R32).
        let typed = in_charge_code.get_untracked().trim().to_string();
        let input = CompanyInput {
            code: code.get_untracked(),
            name: name.get_untracked(),
            directory_id: DirectoryId(parse_id(&directory.get_untracked()).unwrap_or(0)),
            area_id,
            user_in_charge_id: None,
            user_in_charge: (!typed.is_empty()).then_some(typed),
            version: version.get_untracked(),
            confirm_directory_area,
        };
        let navigate = navigate.clone();
        busy.run(api::save_company(id, input), move |saved: Company| {
            stored_area.set(saved.area_id.map(|a| a.to_string()).unwrap_or_default());
            edits.saved_now();
            if id.is_none() {
                navigate(
                    &format!("/console/companies/{}", saved.id),
                    Default::default(),
                );
            } else {
                // The screen shows what was stored: the resolved user's code, not what was typed.
                version.set(Some(saved.version));
                in_charge_code.set(
                    saved
                        .user_in_charge
                        .as_ref()
                        .map(|user| user.user_code.clone())
                        .unwrap_or_default(),
                );
                // Once the form shows what was stored (it is left next).
                if exit.get_untracked() {
                    navigate("/console/companies", Default::default());
                }
            }
        });
    };
    view! {
        {edits.notice(i)}
        <form class="record" novalidate on:submit={
            let save = save.clone();
            move |event| { event.prevent_default(); save(false); }
        }>
            <TextField id="code" label=K::Code value=code failure required=true/>
            <TextField id="name" label=K::Name value=name failure required=true/>
            <LoadedSelect id="directory_id" label=K::Directory value=directory
                choices=directory_choices() empty=K::Choose failure/>
            {if admin {
                view! {
                    <LoadedSelect id="area_id" label=K::CompanyArea value=area choices=area_choices()
                        empty=K::NoArea failure/>
                    {move || multidimensional().map(|_| view! { <p class="hint">{i.s(K::MultidimensionalHint)}</p> })}
                }.into_any()
            } else {
                view! {
                    <p class="field-static" data-test="fixed-area">
                        <strong>{i.s(K::CompanyArea)}": "</strong>
                        {fixed_area_code.clone().unwrap_or_else(|| i.t(K::NoArea).to_string())}
                        " — "{i.s(K::AreaAdminsOnly)}
                    </p>
                }.into_any()
            }}
            <UserPicker id="user_in_charge" label=K::UserInCharge hint=K::UserInChargeHint
                picker=Picker::UserInCharge value=in_charge_code/>
            {(in_charge_hidden || in_charge_outside).then(|| view! {
                <p class="warning" data-test="user-in-charge-note">
                    {i.s(if in_charge_hidden { K::UserInChargeHidden } else { K::UserInChargeOutsideArea })}
                </p>
            })}
            <crate::ui::FieldError field="user_in_charge" failure/>
            {what_if}
            {id.map(|id| view! {
                <p><a href=format!("/console/explain?kind=company&id={id}") rel="external" data-test="explain-company">{i.s(K::NavExplain)}</a></p>
            })}
            {
                let save = save.clone();
                move || moving.get().map(|count| {
                let save = save.clone();
                view! {
                    <div class="warning-box" role="alertdialog" aria-labelledby="confirm-directory-text" data-test="confirm-directory-area">
                        <p id="confirm-directory-text">{count}" "{i.s(K::DirectoryAreaMoves)}</p>
                        <div class="actions">
                            <button type="button" class="primary" data-test="confirm-directory-yes"
                                on:click=move |_| save(true)>{i.s(K::MoveThemAll)}</button>
                            <button type="button" on:click=move |_| moving.set(None)>{i.s(K::Cancel)}</button>
                        </div>
                    </div>
                }
            })
            }
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
