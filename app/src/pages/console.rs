use leptos::prelude::*;

use super::session::CompanyChooser;
use super::{use_me, NAV};
use crate::i18n::{use_i18n, K};

/// The security console's home; opening it from My Applications asks for nothing again (R03).
/// Until a company is chosen (R04) the choice is offered right here.
#[component]
pub fn ConsolePage() -> impl IntoView {
    let i = use_i18n();
    let me = use_me();
    view! {
        <section class="page">
            <h1>{i.s(K::SecurityConsole)}</h1>
            {move || me.get().map(|me| {
                let tiles = NAV.iter().filter(|item| (item.show)(&me)).map(|item| view! {
                    <li><a href=item.path class="tile"><strong>{i.s(item.key)}</strong></a></li>
                }).collect_view();
                let company = me.company.clone();
                view! {
                    <p>{i.s(K::Welcome)}" "{me.name.clone()}"."</p>
                    {match company {
                        Some(company) => view! {
                            <p data-test="working-in">{i.s(K::WorkingIn)}": "<strong>{company.code}" · "{company.name}</strong>
                                " — "<a href="/console/select-company">{i.s(K::ChangeCompany)}</a></p>
                        }.into_any(),
                        None => view! {
                            <div class="card">
                                <h2>{i.s(K::NoCompanyChosen)}</h2>
                                <CompanyChooser/>
                            </div>
                        }.into_any(),
                    }}
                    <ul class="tiles">{tiles}</ul>
                }
            })}
        </section>
    }
}
