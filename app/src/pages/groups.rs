//! **User Groups Management** (R09, R11, R12): code, description, access level, area, options.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use precinct_core::api::{Group, GroupInput};
use precinct_core::ids::AreaId;
use precinct_core::policy::{AccessLevel, OptionCode, OptionSet};

use super::users::area_choices;
use super::{is_admin, use_me};
use crate::api;
use crate::i18n::{use_i18n, K};
use crate::ui::{
    confirm, failure_view, load, loading_view, parse_id, record_screen, Busy, LoadedSelect,
    RecordScreen, TextField,
};

/// /console/groups/new and /console/groups/:id.
pub fn group_form_page() -> AnyView {
    record_screen(RecordScreen {
        back: "/console/groups",
        new_title: K::NewGroup,
        fetch: api::group,
        title: |i, group: &Group| format!("{} {}", i.t(K::Group), group.code),
        form: |group, reload| view! { <GroupForm group reload/> }.into_any(),
    })
}

fn level_value(level: AccessLevel) -> &'static str {
    match level {
        AccessLevel::Administrator => "administrator",
        AccessLevel::LocalAdministrator => "local_administrator",
        AccessLevel::User => "user",
    }
}

#[component]
fn GroupForm(group: Option<Group>, reload: Option<Callback<()>>) -> impl IntoView {
    let i = use_i18n();
    let me = use_me().get_untracked();
    let admin = me.as_ref().is_some_and(is_admin);
    let own_area = me.as_ref().and_then(|me| me.area_id);
    let own_area_code = me
        .as_ref()
        .and_then(|me| me.area_code.clone())
        .unwrap_or_default();
    let id = group.as_ref().map(|group| group.id.0);
    let code = RwSignal::new(group.as_ref().map(|g| g.code.clone()).unwrap_or_default());
    let description = RwSignal::new(
        group
            .as_ref()
            .map(|g| g.description.clone())
            .unwrap_or_default(),
    );
    let level = RwSignal::new(
        group
            .as_ref()
            .map(|g| g.access_level)
            .unwrap_or(AccessLevel::User),
    );
    let area = RwSignal::new(
        group
            .as_ref()
            .and_then(|g| g.area_id)
            .map(|a| a.to_string())
            .unwrap_or_default(),
    );
    // A new group starts with its members' own preferences on (the procedure's default).
    let options = RwSignal::new(OptionSet::from(
        group
            .as_ref()
            .map(|g| g.options.clone())
            .unwrap_or_else(|| vec![OptionCode::Preferences]),
    ));
    let version = RwSignal::new(group.as_ref().map(|g| g.version));
    let catalog = load(api::options);
    let busy = Busy::new();
    let edits = crate::ui::Edits::watch(vec![code, description, area]);
    // "Save and Exit" (the procedure's words): back to the list once saved.
    let exit = RwSignal::new(false);
    let failure = busy.failure_signal();
    let navigate = use_navigate();
    // A local administrator never sees "Administrator" as a level (R12).
    let levels: Vec<AccessLevel> = if admin {
        vec![
            AccessLevel::Administrator,
            AccessLevel::LocalAdministrator,
            AccessLevel::User,
        ]
    } else {
        vec![AccessLevel::LocalAdministrator, AccessLevel::User]
    };
    let is_admin_group = move || level.get() == AccessLevel::Administrator;

    // The Save as the form stands (read tracked: the what-if asks again when it changes).
    let input_now = move || {
        let administrator = level.get() == AccessLevel::Administrator;
        let area_id = if !admin {
            own_area
        } else if administrator {
            None
        } else {
            parse_id(&area.get()).map(AreaId)
        };
        GroupInput {
            code: code.get_untracked(),
            description: description.get_untracked(),
            access_level: level.get(),
            area_id,
            options: if administrator {
                OptionCode::ALL.to_vec()
            } else {
                options.get().iter().collect()
            },
            version: version.get(),
        }
    };
    // B02: what is stored of what moves access; the what-if shows once the form differs.
    let stored = RwSignal::new(group.as_ref().map(|g| {
        (
            g.access_level,
            g.area_id,
            OptionSet::from(g.options.clone()),
        )
    }));
    let what_if = id.map(|id| {
        crate::ui::what_if_preview(Box::new(move || {
            let input = input_now();
            let now = (
                input.access_level,
                input.area_id,
                input.options.iter().copied().collect::<OptionSet>(),
            );
            (stored.get() != Some(now)).then(|| {
                Box::pin(api::what_if(&format!("/api/groups/{id}"), &input).send())
                    as crate::ui::WhatIfQuestion
            })
        }))
    });
    let save = move || {
        let input = untrack(input_now);
        let navigate = navigate.clone();
        busy.run(api::save_group(id, input), move |saved: Group| {
            stored.set(Some((
                saved.access_level,
                saved.area_id,
                OptionSet::from(saved.options.clone()),
            )));
            edits.saved_now();
            if id.is_none() {
                navigate(&format!("/console/groups/{}", saved.id), Default::default());
            } else {
                version.set(Some(saved.version));
                // Once the form shows what was stored (it is left next).
                if exit.get_untracked() {
                    navigate("/console/groups", Default::default());
                }
            }
        });
    };
    let navigate_away = use_navigate();
    let remove = move |_| {
        if let (Some(id), Some(version)) = (id, version.get_untracked()) {
            if confirm(i) {
                let navigate = navigate_away.clone();
                busy.run(api::delete_group(id, version), move |_| {
                    navigate("/console/groups", Default::default())
                });
            }
        }
    };

    view! {
        {edits.notice(i)}
        <form class="record" novalidate on:submit=move |event| { event.prevent_default(); save(); }>
            <fieldset>
                <legend>{i.s(K::Identification)}</legend>
                <TextField id="code" label=K::Code value=code failure required=true/>
                <TextField id="description" label=K::Description value=description failure/>
                <div class="field">
                    <label for="access_level">{i.s(K::AccessLevel)}</label>
                    <select id="access_level" on:change=move |event| {
                        let value = event_target_value(&event);
                        if let Some(chosen) = levels.iter().copied().find(|l| level_value(*l) == value) {
                            level.set(chosen);
                        }
                    }>
                        {levels.clone().into_iter().map(|choice| view! {
                            <option value=level_value(choice) selected=move || level.get() == choice>
                                {i.s(K::level(choice))}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
                {move || if is_admin_group() {
                    view! { <p class="note">{i.s(K::AdminAllOptions)}</p> }.into_any()
                } else if admin {
                    view! {
                        <LoadedSelect id="area_id" label=K::Area value=area choices=area_choices()
                            empty=K::NoArea failure/>
                    }.into_any()
                } else {
                    view! {
                        <p class="field-static" data-test="fixed-area">
                            <strong>{i.s(K::Area)}": "</strong>{own_area_code.clone()}
                            " — "{i.s(K::AreaFixed)}
                        </p>
                    }.into_any()
                }}
            </fieldset>
            <fieldset>
                <legend>{i.s(K::OptionsTitle)}</legend>
                <p class="hint">{i.s(K::OptionsHint)}</p>
                {move || match catalog.get() {
                    None => loading_view(i),
                    Some(Err(failure)) => failure_view(i, failure, None),
                    Some(Ok(entries)) => view! {
                        <ul class="checks" data-test="options">
                            // Only what means something at the chosen level is offered (R31's
                            // `meaningful_at`); one already held stays, so it can be removed.
                            {entries.into_iter().filter(|entry| {
                                entry.code.meaningful_at(level.get())
                                    || options.get_untracked().contains(entry.code)
                            }).map(|entry| {
                                let option = entry.code;
                                let input_id = format!("option-{}", option.as_str());
                                let ticked = move || is_admin_group() || options.get().contains(option);
                                // An option not held cannot be added, only removed (R09).
                                let disabled = move || is_admin_group() || (!entry.grantable && !options.get().contains(option));
                                view! {
                                    <li>
                                        <input type="checkbox" id=input_id.clone() prop:checked=ticked
                                            disabled=disabled
                                            on:change=move |event| {
                                                let on = event_target_checked(&event);
                                                options.update(|set| if on { set.insert(option) } else { set.remove(option) });
                                            }/>
                                        <label for=input_id>{i.s(K::option(option))}</label>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }}
                <crate::ui::FieldError field="options" failure/>
            </fieldset>
            {what_if}
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
