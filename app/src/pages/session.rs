//! After sign-in: choosing the company to work in (R04, R20), logging in as another user (R05),
//! (the forgotten-password and set-password pages are in `mail`).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use precinct_core::api::{ActAs, ChooseCompany, UserRef};
use precinct_core::ids::CompanyId;

use super::{use_me, use_signed_in, Session, TopBar};
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

/// **Login as another user** (R05): /login-as, reached from the sign-in screen's Options.
#[component]
pub fn LoginAsPage() -> impl IntoView {
    let i = use_i18n();
    let me = use_signed_in();
    let navigate = use_navigate();
    let state = ListState::new();
    let candidates = load(move || api::login_as_candidates(state.query(Vec::new())));
    let act = Busy::new();
    let act_as = move |user: UserRef| {
        let navigate = navigate.clone();
        act.run(api::act_as(ActAs { user_id: user.id }), move |_| {
            navigate("/applications", Default::default())
        });
    };
    view! {
            {move || me.get().and_then(Result::ok).map(|me| view! { <TopBar me/> })}
        <section class="page" id="content">
            <h1>{i.s(K::LoginAsTitle)}</h1>
            <p class="hint">{i.s(K::LoginAsText)}</p>
            <p><a href="/applications">{i.s(K::ContinueAsMyself)}</a></p>
            <SearchBox state id="candidate-search"/>
            {move || act.failure.get().map(|failure| failure_view(i, failure, None))}
                {move || match candidates.get() {
                    Some(Err(failure)) if failure.status() == 403 => view! {
                        <p class="error" role="alert">{i.s(K::LoginAsNotAllowed)}</p>
                    }.into_any(),
                    result => list_view(i, state, result, |items| view! {
                        <ul class="choices" data-test="login-as-candidates">
                            {items.into_iter().map(|user| {
                                let label = format!("{} · {}", user.name, user.user_code);
                                view! {
                                    <li>
                                        <button type="button" class="choice"
                                            disabled=move || act.pending.get()
                                            on:click={
                                                let act_as = act_as.clone();
                                                move |_| act_as(user.clone())
                                            }>
                                            <span>{label}</span>
                                            <em>{i.s(K::ActAs)}</em>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()),
                }}
        </section>
    }
}
