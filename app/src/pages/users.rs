//! **Security Management**: the users list and the user form with its tabs (Description, Access
//! to Companies, History).

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use precinct_core::api::{
    CompanyAccess, InvitationOutcome, Language, MailPasswordInput, SetCompanyAccess, User,
    UserInput, UserUpdate,
};
use precinct_core::ids::{CompanyId, GroupId};

use super::mail::UserMail;
use super::use_record_id;
use crate::api::{self, ApiResult, ListQuery};
use crate::i18n::{use_i18n, K};
use crate::ui::{
    choices, confirm, confirm_that, failure_view, first_200, list_view, load, loading_view,
    parse_id, Busy, Edits, FieldError, ListState, Loaded, LoadedSelect, SaveAndExit, SearchBox,
    TextField,
};

pub fn group_choices() -> Loaded<Vec<(String, String)>> {
    load(|| {
        choices(api::groups(first_200()), |group| {
            (
                group.id.to_string(),
                format!("{} — {}", group.code, group.description),
            )
        })
    })
}

pub fn area_choices() -> Loaded<Vec<(String, String)>> {
    load(|| {
        choices(api::areas(first_200()), |area| {
            (
                area.id.to_string(),
                format!("{} — {}", area.code, area.description),
            )
        })
    })
}

/// /console/users/new and /console/users/:id (`?tab=access` or `?tab=history`).
#[component]
pub fn UserFormPage() -> impl IntoView {
    let i = use_i18n();
    let id = use_record_id();
    view! {
        <section class="page">
            <p><a href="/console/users">{i.s(K::Back)}</a></p>
            {move || match id.get().as_deref() {
                Some("new") => view! {
                    <h1>{i.s(K::NewUserTitle)}</h1>
                    <UserDescription user=None/>
                }.into_any(),
                other => match other.and_then(parse_id) {
                    Some(id) => view! { <UserRecord id/> }.into_any(),
                    None => view! { <p class="error" role="alert">{i.s(K::NotVisible)}</p> }.into_any(),
                },
            }}
        </section>
    }
}

#[component]
fn UserRecord(id: i64) -> impl IntoView {
    let i = use_i18n();
    let query = use_query_map();
    let tab = Memo::new(move |_| query.read().get("tab").unwrap_or_default());
    let user = load(move || api::user(id));
    let reload = Callback::new(move |_| user.refetch());
    // Taken once per record screen, so the notice survives the form being drawn again.
    let created_notice = StoredValue::new(use_context::<Created>().and_then(|created| {
        let notice = created.0.get_untracked().filter(|(user, _)| *user == id);
        if notice.is_some() {
            created.0.set(None);
        }
        notice.map(|(_, outcome)| outcome)
    }));
    let tab_link = move |key: &'static str, label: K| {
        let href = match key {
            "" => format!("/console/users/{id}"),
            // The History tab is the History screen's, in the occasional bundle.
            "history" => format!("/console/history/user/{id}"),
            _ => format!("/console/users/{id}?tab={key}"),
        };
        view! {
            <a href=href class="tab" aria-current=move || (tab.get() == key).then_some("page")>
                {i.s(label)}
            </a>
        }
    };
    view! {
        {move || match user.get() {
            None => loading_view(i),
            Some(Ok(user)) => view! {
                <h1>{user.name.clone()}</h1>
                <nav class="tabs" aria-label=i.s(K::TabsLabel)>
                    {tab_link("", K::TabDescription)}
                    {tab_link("access", K::TabAccess)}
                    {tab_link("history", K::TabHistory)}
                </nav>
                {move || match tab.get().as_str() {
                    "access" => view! { <UserAccess id/> }.into_any(),
                    // An address of before: the History tab is the History screen's now.
                    "history" => {
                        let navigate = use_navigate();
                        navigate(
                            &format!("/console/history/user/{id}"),
                            leptos_router::NavigateOptions { replace: true, ..Default::default() },
                        );
                        loading_view(i)
                    }
                    _ => view! {
                        <UserDescription user=Some(user.clone()) reload created_notice=created_notice.get_value()/>
                    }.into_any(),
                }}
            }.into_any(),
            Some(Err(failure)) => failure_view(i, failure, Some(reload)),
        }}
    }
}

/// The Description tab: Identification, User Information (R24's live warning), user group,
/// status, and the User-Specific Email Configuration (R25).
#[component]
fn UserDescription(
    user: Option<User>,
    #[prop(optional)] reload: Option<Callback<()>>,
    /// What became of the invitation, right after this user was created here.
    #[prop(default = None)]
    created_notice: Option<InvitationOutcome>,
) -> impl IntoView {
    let i = use_i18n();
    let navigate = use_navigate();
    let id = user.as_ref().map(|user| user.id.0);
    let name = RwSignal::new(user.as_ref().map(|u| u.name.clone()).unwrap_or_default());
    let code = RwSignal::new(
        user.as_ref()
            .map(|u| u.user_code.clone())
            .unwrap_or_default(),
    );
    let group = RwSignal::new(
        user.as_ref()
            .map(|u| u.group_id.to_string())
            .unwrap_or_default(),
    );
    let saved_group = RwSignal::new(group.get_untracked());
    let language = RwSignal::new(user.as_ref().map(|u| u.language).unwrap_or(Language::En));
    let version = RwSignal::new(user.as_ref().map(|u| u.version).unwrap_or_default());
    let active = RwSignal::new(user.as_ref().is_none_or(|u| u.active));
    let area = RwSignal::new(user.as_ref().and_then(|u| u.area_code.clone()));
    let touched = RwSignal::new(id.is_some());
    // R25: the mail password is optional at creation (typed twice); set later in the email
    // section otherwise.
    let mail_password = RwSignal::new(String::new());
    let mail_confirmation = RwSignal::new(String::new());
    let edits = Edits::watch(vec![name, code, group]);
    // "Save and Exit" (the procedure's words): back to the list once saved.
    let exit = RwSignal::new(false);
    let busy = Busy::new();
    let failure = busy.failure_signal();
    let code_warning = move || {
        touched
            .get()
            .then(|| K::user_code_warning(&code.get()))
            .flatten()
    };

    // R17 before the change (R32): the server answers a move across areas with a question;
    // the person confirms, and the same Save is sent again with the confirmation.
    let confirm_cross_area = RwSignal::new(false);
    // Read while the component is built: the Save's answer arrives outside any reactive owner.
    let created_flash = use_context::<Created>();
    let save = move |confirmed: bool| {
        let (name, user_code) = (name.get_untracked(), code.get_untracked());
        let (group_id, language) = (
            parse_id(&group.get_untracked()).map(GroupId),
            Some(language.get_untracked()),
        );
        let version_now = version.get_untracked();
        confirm_cross_area.set(false);
        let navigate = navigate.clone();
        match id {
            None => busy.run(
                api::create_user(UserInput {
                    user_code,
                    name,
                    group_id: group_id.unwrap_or(GroupId(0)),
                    language,
                    mail_password: Some(MailPasswordInput {
                        password: mail_password.get_untracked(),
                        confirmation: mail_confirmation.get_untracked(),
                    })
                    .filter(|typed| !(typed.password.is_empty() && typed.confirmation.is_empty())),
                }),
                move |user: User| {
                    edits.saved_now();
                    if let Some(created) = created_flash {
                        created
                            .0
                            .set(user.invitation.clone().map(|outcome| (user.id.0, outcome)));
                    }
                    navigate(&format!("/console/users/{}", user.id), Default::default())
                },
            ),
            // One Save, one request, one batch: identity and group together (R32).
            Some(id) => busy.run(
                api::update_user(
                    id,
                    UserUpdate {
                        user_code,
                        name,
                        language,
                        group_id,
                        confirm_move_across_areas: confirmed,
                        version: version_now,
                    },
                ),
                move |user: User| {
                    // What the screen shows is what was stored.
                    version.set(user.version);
                    saved_group.set(user.group_id.to_string());
                    group.set(user.group_id.to_string());
                    area.set(user.area_code.clone());
                    edits.saved_now();
                    if exit.get_untracked() {
                        navigate("/console/users", Default::default());
                    }
                },
            ),
        }
    };
    // B02: a move shows what it would do before it is saved (R17's question comes at Save).
    let what_if = id.map(|id| {
        crate::ui::what_if_preview(Box::new(move || {
            let chosen = group.get();
            (chosen != saved_group.get() && !chosen.is_empty()).then(|| {
                let input = UserUpdate {
                    user_code: code.get_untracked(),
                    name: name.get_untracked(),
                    language: Some(language.get_untracked()),
                    group_id: parse_id(&chosen).map(GroupId),
                    confirm_move_across_areas: true,
                    version: version.get(),
                };
                Box::pin(api::what_if(&format!("/api/users/{id}"), &input).send())
                    as crate::ui::WhatIfQuestion
            })
        }))
    });
    Effect::new(move |_| {
        if let Some(failure) = busy.failure.get() {
            if failure.code() == "confirm_move_across_areas" {
                confirm_cross_area.set(true);
                busy.failure.set(None);
            }
        }
    });
    let set_active = move |on: bool| {
        if let Some(id) = id {
            busy.run(
                api::set_user_active(id, version.get_untracked(), on),
                move |user: User| {
                    version.set(user.version);
                    active.set(user.active);
                },
            );
        }
    };
    // R35: the user sets the second factor up again at their next sign-in; their sessions end.
    let enrolled = RwSignal::new(user.as_ref().is_some_and(|u| u.mfa_enrolled));
    let address_taken = user.as_ref().is_some_and(|u| u.address_taken);
    // One's own factor is reset by another administrator (the worker refuses it too).
    let own = super::use_me()
        .get_untracked()
        .is_some_and(|me| Some(me.user_id.0) == id);
    let reset_mfa = move |_| {
        if let Some(id) = id {
            if confirm_that(i, K::ConfirmResetMfa) {
                busy.run(api::reset_mfa(id), move |_| enrolled.set(false));
            }
        }
    };
    let navigate_away = use_navigate();
    let remove = move |_| {
        if let Some(id) = id {
            if confirm(i) {
                let navigate = navigate_away.clone();
                busy.run(api::delete_user(id, version.get_untracked()), move |_| {
                    navigate("/console/users", Default::default())
                });
            }
        }
    };

    view! {
        {created_notice.map(|outcome| view! { <CreatedNotice outcome/> })}
        {edits.notice(i)}
        <form class="record" novalidate on:submit={
            let save = save.clone();
            move |event| { event.prevent_default(); save(false); }
        }>
            <fieldset>
                <legend>{i.s(K::Identification)}</legend>
                <TextField id="name" label=K::Name value=name failure required=true/>
            </fieldset>
            <fieldset>
                <legend>{i.s(K::UserInformation)}</legend>
                <div class="field">
                    <label for="user_code">{i.s(K::UserCode)}<span class="req">" ("{i.s(K::Required)}")"</span></label>
                    <input id="user_code" name="user_code" type="email" autocomplete="off"
                        aria-describedby="user_code-hint user_code-warning user_code-error"
                        aria-invalid=move || code_warning().is_some().to_string()
                        prop:value=move || code.get()
                        on:input=move |event| { touched.set(true); code.set(event_target_value(&event)); }/>
                    <p class="hint" id="user_code-hint">{i.s(K::UserCodeHint)}</p>
                    <p class="warning" id="user_code-warning" aria-live="polite" data-test="user-code-warning">
                        {move || code_warning().map(|key| i.t(key))}
                    </p>
                    // What the live check already says is not said twice.
                    {move || code_warning().is_none().then(|| view! { <FieldError field="user_code" failure/> })}
                </div>
                <LoadedSelect id="group_id" label=K::Group value=group choices=group_choices()
                    empty=K::Choose failure/>
                {move || area.get().map(|area| view! { <p class="hint" data-test="user-area">{i.s(K::Area)}": "{area}</p> })}
                {what_if}
                {id.map(|id| view! {
                    <p><a href=format!("/console/explain?user={id}") rel="external" data-test="explain-user">{i.s(K::NavExplain)}</a>" · "
                        <a href=format!("/console/copy/{id}") rel="external" data-test="copy-security">{i.s(K::CopySecurity)}</a></p>
                })}
                <div class="field">
                    <label for="language">{i.s(K::Language)}</label>
                    <select id="language" on:change=move |event| {
                        language.set(if event_target_value(&event) == "fr" { Language::Fr } else { Language::En });
                    }>
                        {[Language::En, Language::Fr].into_iter().map(|lang| view! {
                            <option value=lang.as_str() selected=move || language.get() == lang>
                                {i.s(K::language(lang))}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
            </fieldset>
            {id.is_none().then(|| view! {
                <fieldset>
                    <legend>{i.s(K::MailConfig)}</legend>
                    <div class="field">
                        <label for="mail_user">{i.s(K::MailUser)}</label>
                        <input id="mail_user" type="text" readonly prop:value=move || code.get()
                            aria-describedby="mail_user-hint"/>
                        <p class="hint" id="mail_user-hint">{i.s(K::MailUserHint)}</p>
                    </div>
                    <TextField id="mail_password" label=K::MailPasswordOptional value=mail_password failure
                        kind="password" hint=K::MailPasswordHint/>
                    <TextField id="mail_password_confirmation" label=K::ConfirmMailPassword
                        value=mail_confirmation failure kind="password"/>
                    <p class="hint" data-test="mail-new-user">{i.s(K::MailNewUser)}</p>
                </fieldset>
            })}
            {
                let save = save.clone();
                move || confirm_cross_area.get().then(|| {
                    let save = save.clone();
                    view! {
                        <div class="warning-box" role="alertdialog" aria-labelledby="confirm-move-text" data-test="confirm-move">
                            <p id="confirm-move-text"><strong>{i.s(K::MoveWarning)}": "</strong>{i.s(K::ConfirmCrossAreaMove)}</p>
                            <div class="actions">
                                <button type="button" class="primary" data-test="confirm-move-yes"
                                    on:click=move |_| save(true)>{i.s(K::MoveAnyway)}</button>
                                <button type="button" data-test="confirm-move-no"
                                    on:click=move |_| confirm_cross_area.set(false)>{i.s(K::Cancel)}</button>
                            </div>
                        </div>
                    }
                })
            }
            {move || (!active.get()).then(|| view! { <p class="warning">{i.s(K::UserDisabledNote)}</p> })}
            {address_taken.then(|| view! { <p class="warning" data-test="address-taken">{i.s(K::AddressTaken)}</p> })}
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.pending.get()
                    on:click=move |_| exit.set(false)>
                    {move || i.t(if busy.pending.get() { K::Saving } else if id.is_some() { K::Save } else { K::Create })}
                </button>
                {id.map(|_| view! {
                    <SaveAndExit exit busy/>
                    <button type="button" disabled=move || busy.pending.get()
                        on:click=move |_| set_active(!active.get_untracked())>
                        {move || i.t(if active.get() { K::Disable } else { K::Enable })}
                    </button>
                    <button type="button" class="danger" disabled=move || busy.pending.get() on:click=remove>
                        {i.s(K::Delete)}
                    </button>
                })}
                {move || (enrolled.get() && !own).then(|| view! {
                    <button type="button" data-test="reset-mfa" disabled=move || busy.pending.get()
                        on:click=reset_mfa>{i.s(K::ResetMfa)}</button>
                })}
            </div>
            {busy.status(reload)}
        </form>
        {id.map(|id| view! { <UserMail id version mail_user=code/> })}
    }
}

/// Every company ticked for the user now (all pages, without the search), with the changes
/// made on screen applied: the set to save. (A map, already sorted and without duplicates.)
async fn ticks_to_save(id: i64, mut ticks: BTreeMap<CompanyId, bool>) -> ApiResult<Vec<CompanyId>> {
    let changes = ticks.clone();
    let mut cursor = None;
    loop {
        let access = api::user_companies(
            id,
            ListQuery {
                cursor,
                limit: Some(200),
                ..ListQuery::default()
            },
        )
        .send()
        .await?;
        for row in access.companies.items.iter().filter(|row| row.ticked) {
            if !changes.contains_key(&row.id) {
                ticks.insert(row.id, true);
            }
        }
        match access.companies.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(ticks
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(company, _)| company)
        .collect())
}

#[component]
fn UserAccess(id: i64) -> impl IntoView {
    let i = use_i18n();
    let state = ListState::new();
    let access = load(move || api::user_companies(id, state.query(Vec::new())));
    let changed = RwSignal::new(BTreeMap::<CompanyId, bool>::new());
    let busy = Busy::new();
    let reload = Callback::new(move |_| {
        changed.set(BTreeMap::new());
        busy.failure.set(None);
        access.refetch();
    });
    let save = move |_| {
        let version = match access.get_untracked() {
            Some(Ok(access)) => access.version,
            _ => return,
        };
        let changes = changed.get_untracked();
        busy.run_steps(
            async move {
                let ticked = ticks_to_save(id, changes).await?;
                api::set_user_companies(
                    id,
                    SetCompanyAccess {
                        company_ids: ticked,
                        version,
                    },
                )
                .send()
                .await
            },
            move |_: CompanyAccess| {
                changed.set(BTreeMap::new());
                access.refetch();
            },
        );
    };
    // B02: the ticks changed here, and what saving them would do.
    let what_if = crate::ui::what_if_preview(Box::new(move || {
        let changes = changed.get();
        let version = match access.get() {
            Some(Ok(access)) => access.version,
            _ => return None,
        };
        (!changes.is_empty()).then(|| {
            Box::pin(async move {
                let company_ids = ticks_to_save(id, changes).await?;
                api::what_if(
                    &format!("/api/users/{id}/companies"),
                    &SetCompanyAccess {
                        company_ids,
                        version,
                    },
                )
                .send()
                .await
            }) as crate::ui::WhatIfQuestion
        })
    }));
    view! {
        <div class="tab-panel">
            <SearchBox state id="access-search"/>
                {move || match access.get() {
                    None => loading_view(i),
                    Some(Err(failure)) => failure_view(i, failure, None),
                    Some(Ok(data)) => {
                        let locked = data.locked;
                        let note = if locked { K::AccessLocked } else { K::AccessHint };
                        let page = Some(Ok(data.companies));
                        view! {
                            <p class=if locked { "note locked" } else { "hint" } data-test="access-note">{i.s(note)}</p>
                            {list_view(i, state, page, move |rows| view! {
                                <ul class="checks" data-test="access-rows">
                                    {rows.into_iter().map(|row| {
                                        let company = row.id;
                                        let ticked = move || changed.get().get(&company).copied().unwrap_or(row.ticked);
                                        let input_id = format!("company-{company}");
                                        view! {
                                            <li>
                                                <input type="checkbox" id=input_id.clone() disabled=locked
                                                    prop:checked=ticked
                                                    on:change=move |event| {
                                                        let on = event_target_checked(&event);
                                                        changed.update(|changed| { changed.insert(company, on); });
                                                    }/>
                                                <label for=input_id>
                                                    <strong>{row.code.clone()}</strong>" "{row.name.clone()}
                                                    {row.area_code.clone().map(|area| view! { <span class="tag">{area}</span> })}
                                                </label>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any())}
                            {(!locked).then(|| view! {
                                <div class="actions">
                                    <button type="button" class="primary" on:click=save
                                        disabled=move || busy.pending.get()>
                                        {move || i.t(if busy.pending.get() { K::Saving } else { K::SaveAccess })}
                                    </button>
                                </div>
                            })}
                        }.into_any()
                    }
                }}
            {what_if}
            {busy.status(Some(reload))}
        </div>
    }
}

/// What the console remembers between creating a user and opening their record: whether the
/// invitation went out (R29, R32: the record says so, with the action that fixes it).
#[derive(Clone, Copy)]
pub struct Created(pub RwSignal<Option<(i64, InvitationOutcome)>>);

/// Whether the invitation of a user just created went out; if not, why, and where to fix it
/// (Resend invitation is in the email section below).
#[component]
fn CreatedNotice(outcome: InvitationOutcome) -> impl IntoView {
    let i = use_i18n();
    let why = match i.lang() {
        crate::i18n::Lang::En => outcome.message,
        crate::i18n::Lang::Fr => outcome
            .code
            .as_deref()
            .and_then(precinct_core::problem::french_reason)
            .unwrap_or_default()
            .to_string(),
    };
    view! {
        <p class=if outcome.sent { "ok" } else { "warning-box" } role="status"
            data-test=if outcome.sent { "user-created" } else { "user-created-not-invited" }>
            {i.s(if outcome.sent { K::UserCreatedInvited } else { K::UserCreatedNotInvited })}
            {(!outcome.sent).then(|| view! { " "{why}" "{i.s(K::ResendBelow)} })}
        </p>
    }
}
