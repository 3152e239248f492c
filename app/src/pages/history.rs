//! **History** (R21, R30): the whole screen, and the History tab of a record; the user range is
//! picked among the users of the actor's area (R18).

use leptos::prelude::*;
use precinct_core::api::{HistoryEntry, Language};
use precinct_core::history_text::french_history;
use precinct_core::policy::{AccessLevel, OptionCode};

use crate::api::{self, Picker};
use crate::i18n::{use_i18n, I18n, Lang, K};
use crate::ui::{day_start_ms, list_view, load, utc, ListState};

/// A user chosen by typing: suggestions come from the picker endpoint (R18 or R19); what is
/// typed is sent as typed, and the server resolves it.
#[component]
pub fn UserPicker<L: crate::i18n::Text>(
    id: &'static str,
    label: L,
    hint: L,
    picker: Picker,
    value: RwSignal<String>,
    #[prop(optional)] on_change: Option<Callback<()>>,
) -> impl IntoView {
    let i = use_i18n();
    let suggestions = load(move || api::pick_users(picker, value.get()));
    let list_id = format!("{id}-list");
    view! {
        <div class="field">
            <label for=id>{i.s(label)}</label>
            <input id=id type="search" list=list_id.clone() autocomplete="off"
                aria-describedby=format!("{id}-hint")
                prop:value=move || value.get()
                on:input=move |event| {
                    value.set(event_target_value(&event));
                    if let Some(on_change) = on_change {
                        on_change.run(());
                    }
                }/>
            <datalist id=list_id>
                {move || suggestions.get().and_then(Result::ok).map(|page| {
                    page.items.into_iter().map(|user| view! {
                        <option value=user.user_code.clone()>{user.name.clone()}</option>
                    }).collect_view()
                })}
            </datalist>
            <p class="hint" id=format!("{id}-hint")>{i.s(hint)}</p>
        </div>
    }
}

const KINDS: &[(&str, K)] = &[
    ("user", K::KindUser),
    ("group", K::KindGroup),
    ("company", K::KindCompany),
    ("area", K::KindArea),
    ("directory", K::KindDirectory),
    ("session", K::KindSession),
    ("account", K::KindAccount),
];

/// The entries, newest first, filtered by user range, record kind and dates; `fixed` limits
/// them to one record (the History tab).
#[component]
pub fn HistoryView(#[prop(optional)] fixed: Option<(&'static str, i64)>) -> impl IntoView {
    let i = use_i18n();
    let state = ListState::new();
    let user_from = RwSignal::new(String::new());
    let user_to = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let entries = load(move || {
        let mut filters = vec![("user_from", user_from.get()), ("user_to", user_to.get())];
        match fixed {
            Some((fixed_kind, fixed_id)) => {
                filters.push(("entity_kind", fixed_kind.to_string()));
                filters.push(("entity_id", fixed_id.to_string()));
            }
            None => filters.push(("entity_kind", kind.get())),
        }
        let day = 86_400_000;
        filters.push((
            "from",
            day_start_ms(&from.get())
                .map(|ms| ms.to_string())
                .unwrap_or_default(),
        ));
        // "To" includes the whole day.
        filters.push((
            "to",
            day_start_ms(&to.get())
                .map(|ms| (ms + day - 1).to_string())
                .unwrap_or_default(),
        ));
        api::history(state.query(filters))
    });
    let restart = Callback::new(move |_| state.paging.reset());
    let date = move |id: &'static str, label: K, value: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id>{i.s(label)}</label>
                <input id=id type="date" prop:value=move || value.get() on:change=move |event| {
                    value.set(event_target_value(&event));
                    state.paging.reset();
                }/>
            </div>
        }
    };
    view! {
        <div class="filters">
            <UserPicker id="user_from" label=K::UserFrom hint=K::UserPickHint picker=Picker::Users
                value=user_from on_change=restart/>
            <UserPicker id="user_to" label=K::UserTo hint=K::UserPickHint picker=Picker::Users
                value=user_to on_change=restart/>
            {fixed.is_none().then(|| view! {
                <div class="field">
                    <label for="entity_kind">{i.s(K::RecordKind)}</label>
                    <select id="entity_kind" on:change=move |event| {
                        kind.set(event_target_value(&event));
                        state.paging.reset();
                    }>
                        <option value="">{i.s(K::AnyRecord)}</option>
                        {KINDS.iter().map(|(code, key)| view! { <option value=*code>{i.s(*key)}</option> }).collect_view()}
                    </select>
                </div>
            })}
            {date("from", K::FromDate, from)}
            {date("to", K::ToDate, to)}
        </div>
            {move || list_view(i, state, entries.get(), |items| view! {
                <ol class="history" data-test="history">
                    {items.into_iter().map(entry_view).collect_view()}
                </ol>
            }.into_any())}
    }
}

/// A changed field as the screens name it (the worker records the field's own name).
fn field_label(i: I18n, field: &str) -> String {
    let key = match field {
        "code" => K::Code,
        "name" => K::Name,
        "description" => K::Description,
        "area" => K::Area,
        "directory" => K::Directory,
        "group" => K::Group,
        "user_code" => K::UserCode,
        "user_in_charge" => K::UserInCharge,
        "access_level" => K::AccessLevel,
        "options" => K::Options,
        "active" => K::Active,
        "multidimensional" => K::Multidimensional,
        "language" => K::Language,
        "password" => K::Password,
        "mail_user" => K::MailUser,
        "mail_password" => K::MailPassword,
        "companies" => K::KindCompany,
        "acting_as" => K::ActingAsField,
        "link_sent_by" => K::LinkSentBy,
        "provider" => K::Provider,
        "api_base_url" => K::ApiBaseUrl,
        "api_key" => K::ApiKeyField,
        "sender_address" => K::SenderAddress,
        "sender_name" => K::SenderName,
        "second_factor" => K::SecondFactorField,
        other => return other.to_string(),
    };
    i.t(key).to_string()
}

/// A changed value in the reader's language where it is a word of the console (yes/no, a
/// level, a language, options); codes, names and addresses as recorded.
fn field_value(i: I18n, field: &str, value: Option<&str>) -> String {
    let Some(value) = value else {
        return i.t(K::Empty).to_string();
    };
    let word = match (field, value) {
        (_, "(changed)") => Some(K::SecretChanged),
        (_, "(another area)") => Some(K::AnotherArea),
        ("second_factor", _) => Some(K::AuthenticatorApp),
        (_, "true") => Some(K::Yes),
        (_, "false") => Some(K::No),
        ("access_level", level) => AccessLevel::parse(level).map(K::level),
        ("language", language) => Language::parse(language).map(K::language),
        ("options", options) => {
            return options
                .split_whitespace()
                .map(|option| OptionCode::parse(option).map_or(option, |code| i.t(K::option(code))))
                .collect::<Vec<_>>()
                .join(", ");
        }
        _ => None,
    };
    word.map_or_else(|| value.to_string(), |key| i.t(key).to_string())
}

/// The entry in the reader's language: the worker's English sentence, or the French one said
/// from what the entry is about (`precinct_core::history_text`).
fn entry_sentence(i: I18n, entry: &HistoryEntry) -> String {
    match i.lang() {
        Lang::En => entry.summary.clone(),
        Lang::Fr => french_history(&entry.entity_kind, &entry.action, entry.subject.as_deref())
            .unwrap_or_else(|| format!("{} ({})", i.t(K::Changes), entry.action)),
    }
}

fn entry_view(entry: HistoryEntry) -> impl IntoView {
    let i = use_i18n();
    let outside = || i.t(K::PersonOutsideArea).to_string();
    let who = match (&entry.actor_user_code, entry.actor_hidden) {
        (Some(code), _) => code.clone(),
        (None, true) => outside(),
        (None, false) => "—".to_string(),
    };
    let behalf = match (&entry.on_behalf_of_user_code, entry.on_behalf_of_hidden) {
        (Some(code), _) => Some(code.clone()),
        (None, true) => Some(outside()),
        (None, false) => None,
    };
    let changes = entry.changes.clone();
    let said = entry.clone();
    view! {
        <li>
            <p class="when"><time>{utc(entry.at)}</time>
                {entry.area_code.clone().map(|area| view! { <span class="tag">{area}</span> })}
            </p>
            <p><strong>{move || entry_sentence(i, &said)}</strong></p>
            <p class="who">{i.s(K::Who)}": "{who}
                {behalf.map(|behalf| view! { " ("{i.s(K::OnBehalfOf)}" "{behalf}")" })}
            </p>
            {(!changes.is_empty()).then(|| view! {
                <details>
                    <summary>{i.s(K::Changes)}</summary>
                    <dl>
                        {changes.into_iter().map(|change| {
                            let field = change.field.clone();
                            view! {
                                <dt>{move || field_label(i, &field)}</dt>
                                <dd>{move || format!(
                                    "{} → {}",
                                    field_value(i, &change.field, change.before.as_deref()),
                                    field_value(i, &change.field, change.after.as_deref()),
                                )}</dd>
                            }
                        }).collect_view()}
                    </dl>
                </details>
            })}
        </li>
    }
}

/// /console/history.
#[component]
pub fn HistoryPage() -> impl IntoView {
    let i = use_i18n();
    view! {
        <section class="page">
            <h1>{i.s(K::HistoryTitle)}</h1>
            <HistoryView/>
        </section>
    }
}

/// /console/history/user/<id>: a user's History tab. It lives with the History screen in the
/// occasional bundle (the console's first load does not carry the history's sentences); the
/// user's record links here and back.
#[component]
pub fn UserHistoryPage() -> impl IntoView {
    let i = use_i18n();
    let location = leptos_router::hooks::use_location();
    let id = location.pathname.with_untracked(|path| {
        path.rsplit('/')
            .next()
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or_default()
    });
    let user = load(move || api::user(id));
    // The same tabs as the user's record, History the one shown.
    view! {
        <section class="page">
            <p><a href="/console/users">{i.s(K::Back)}</a></p>
            <h1>{move || user.get().and_then(Result::ok).map(|user| user.name)}</h1>
            <nav class="tabs" aria-label=i.s(K::TabsLabel)>
                <a href=format!("/console/users/{id}") class="tab" rel="external">{i.s(K::TabDescription)}</a>
                <a href=format!("/console/users/{id}?tab=access") class="tab" rel="external">{i.s(K::TabAccess)}</a>
                <a href=format!("/console/history/user/{id}") class="tab" aria-current="page">{i.s(K::TabHistory)}</a>
            </nav>
            <HistoryView fixed=("user", id)/>
        </section>
    }
}
