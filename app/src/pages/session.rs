//! After sign-in: choosing the company to work in (R04, R20). Logging in as another user (R05)
//! is an account page (`crate::account`).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use precinct_core::api::ChooseCompany;
use precinct_core::ids::CompanyId;

use super::{use_me, Session};
use crate::api;
use crate::i18n::{use_i18n, K};
use crate::ui::{failure_view, list_view, load, Busy, ListState, SearchBox};

/// The companies the person may work in, searchable; picking one makes it the session's.
#[component]
pub fn CompanyChooser() -> impl IntoView {
    let i = use_i18n();
    let me = use_me();
    let navigate = use_navigate();
    let state = ListState::new();
    let companies = load(move || api::selectable_companies(state.query(Vec::new())));
    let choose = Busy::new();
    let session = use_context::<Session>();
    let pick = move |id: CompanyId| {
        let navigate = navigate.clone();
        choose.run(
            api::choose_company(ChooseCompany { company_id: id }),
            move |_| {
                if let Some(session) = session {
                    session.0.refetch();
                }
                navigate("/console", Default::default());
            },
        );
    };
    let current = move || me.get().and_then(|me| me.company).map(|company| company.id);
    view! {
        <SearchBox state id="company-search"/>
        {move || choose.failure.get().map(|failure| failure_view(i, failure, None))}
            {move || list_view(i, state, companies.get(), |items| view! {
                <ul class="choices" data-test="company-choices">
                    {items.into_iter().map(|company| {
                        let id = company.id;
                        let is_current = move || current() == Some(id);
                        view! {
                            <li>
                                <button type="button" class="choice"
                                    aria-pressed=move || is_current().to_string()
                                    disabled=move || choose.pending.get()
                                    on:click={
                                        let pick = pick.clone();
                                        move |_| pick(id)
                                    }>
                                    <strong>{company.code.clone()}</strong>
                                    <span>{company.name.clone()}</span>
                                    {move || is_current().then(|| view! { <em>{i.s(K::Current)}</em> })}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any())}
    }
}

/// **Company selection** (R04, R20): /console/select-company.
#[component]
pub fn SelectCompanyPage() -> impl IntoView {
    let i = use_i18n();
    view! {
        <section class="page">
            <h1>{i.s(K::SelectCompanyTitle)}</h1>
            <p class="hint">{i.s(K::SelectCompanyText)}</p>
            <CompanyChooser/>
        </section>
    }
}
