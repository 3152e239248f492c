//! Mail (R24–R29): General Settings > Miscellaneous, the Outbox, the user form's User-Specific
//! Email Configuration, Preferences > Email > Management of my Account, and the public
//! forgotten-password and set-password pages.

use leptos::prelude::*;
use precinct_core::api::{
    MailPasswordInput, MailProvider, MailSent, MailSettings, MailSettingsInput, Notice,
    UserMailConfig,
};
use precinct_core::problem::Problem;
use precinct_core::validate::email_problem;

use crate::api::{self, ApiFailure};
use crate::i18n::{use_i18n, I18n, Text, K};
use crate::ui::{
    failure_view, list_view, load, loading_view, utc, Busy, FieldError, ListState, SearchBox,
    TextField,
};

const PROVIDERS: [(MailProvider, K); 4] = [
    (MailProvider::Outbox, K::ProviderOutbox),
    (MailProvider::Resend, K::ProviderResend),
    (MailProvider::Postmark, K::ProviderPostmark),
    (MailProvider::Relay, K::ProviderRelay),
];

fn provider_key(provider: MailProvider) -> K {
    PROVIDERS
        .iter()
        .find(|(p, _)| *p == provider)
        .map(|(_, key)| *key)
        .unwrap_or(K::ProviderOutbox)
}

/// A refusal found before asking the server, shown like the server's own (beside the field).
fn local_problem(field: &str, code: &str, key: K) -> ApiFailure {
    ApiFailure::Problem(Problem {
        status: 422,
        code: code.to_string(),
        message: key.text(crate::i18n::Lang::En).to_string(),
        field: Some(field.to_string()),
        errors: Vec::new(),
    })
}

/// The password and its confirmation: a local check first (R28: the two must match).
pub(crate) fn check_pair(busy: Busy, password: &str, confirmation: &str, min: usize) -> bool {
    let problem = if password.chars().count() < min {
        Some(local_problem("password", "weak_password", K::PasswordShort))
    } else if password != confirmation {
        Some(local_problem(
            "confirmation",
            "mismatch",
            K::PasswordsDiffer,
        ))
    } else {
        None
    };
    busy.saved.set(false);
    busy.failure.set(problem);
    busy.failure.get_untracked().is_none()
}

/// "set" / "not set", as text a screen reader reads with its label.
fn set_word(i: I18n, set: bool) -> impl Fn() -> &'static str + Copy {
    i.s(if set {
        K::MailPasswordSet
    } else {
        K::MailPasswordNotSet
    })
}

/// **General Settings > Miscellaneous**: /console/settings/mail.
#[component]
pub fn MailSettingsPage() -> impl IntoView {
    let i = use_i18n();
    let settings = load(api::mail_settings);
    view! {
        <section class="page">
            <h1>{i.s(K::MailSettingsTitle)}</h1>
            <p class="hint">{i.s(K::MailSettingsHint)}</p>
            {move || match settings.get() {
                None => loading_view(i),
                Some(Err(failure)) => failure_view(i, failure, None),
                Some(Ok(current)) => view! {
                    <MailSettingsForm current reload=Callback::new(move |_| settings.refetch())/>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn MailSettingsForm(current: MailSettings, reload: Callback<()>) -> impl IntoView {
    let i = use_i18n();
    let provider = RwSignal::new(current.provider.unwrap_or(MailProvider::Outbox));
    let base_url = RwSignal::new(current.api_base_url.clone());
    let key = RwSignal::new(String::new());
    let remove_key = RwSignal::new(false);
    let key_set = RwSignal::new(current.api_key_set);
    let sender = RwSignal::new(current.sender_address.clone());
    let sender_name = RwSignal::new(current.sender_name.clone());
    let version = RwSignal::new(current.configured.then_some(current.version));
    let busy = Busy::new();
    let failure = busy.failure_signal();
    let sender_warning = move || {
        let address = sender.get();
        (!address.trim().is_empty() && email_problem(&address).is_some())
            .then(|| i.t(K::EmailInvalid))
    };
    let save = move || {
        let typed = key.get_untracked();
        let api_key = if remove_key.get_untracked() {
            Some(String::new())
        } else {
            (!typed.is_empty()).then_some(typed)
        };
        let input = MailSettingsInput {
            provider: provider.get_untracked(),
            api_base_url: base_url.get_untracked(),
            api_key,
            sender_address: sender.get_untracked(),
            sender_name: sender_name.get_untracked(),
            version: version.get_untracked(),
        };
        busy.run(
            api::save_mail_settings(input),
            move |saved: MailSettings| {
                version.set(Some(saved.version));
                key_set.set(saved.api_key_set);
                key.set(String::new());
                remove_key.set(false);
            },
        );
    };
    view! {
        <form class="record" novalidate data-test="mail-settings"
            on:submit=move |event| { event.prevent_default(); save(); }>
            <fieldset>
                <legend>{i.s(K::MailSettingsLegend)}</legend>
                <div class="field">
                    <label for="provider">{i.s(K::Provider)}</label>
                    <select id="provider" aria-describedby="provider-error"
                        on:change=move |event| {
                            if let Some(chosen) = MailProvider::parse(&event_target_value(&event)) {
                                provider.set(chosen);
                            }
                        }>
                        {PROVIDERS.iter().map(|(value, label)| {
                            let value = *value;
                            view! {
                                <option value=value.as_str() selected=move || provider.get() == value>
                                    {i.s(*label)}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                    <FieldError field="provider" failure/>
                </div>
                <TextField id="api_base_url" label=K::ApiBaseUrl value=base_url failure
                    hint=K::ApiBaseUrlHint kind="url"/>
                <div class="field">
                    <p class="field-static" data-test="api-key-status">
                        <strong>{i.s(K::ApiKeyStatus)}</strong>" "{move || set_word(i, key_set.get())()}
                    </p>
                    <label for="api_key">{i.s(K::NewApiKey)}</label>
                    <input id="api_key" type="password" autocomplete="new-password"
                        aria-describedby="api_key-hint api_key-error"
                        disabled=move || remove_key.get() bind:value=key/>
                    <p class="hint" id="api_key-hint">{i.s(K::NewApiKeyHint)}</p>
                    <FieldError field="api_key" failure/>
                </div>
                {move || key_set.get().then(|| view! {
                    <label class="check">
                        <input type="checkbox" id="remove_api_key" bind:checked=remove_key/>
                        {i.s(K::RemoveApiKey)}
                    </label>
                })}
                <div class="field">
                    <label for="sender_address">{i.s(K::SenderAddress)}<span class="req">" ("{i.s(K::Required)}")"</span></label>
                    <input id="sender_address" type="email" autocomplete="off"
                        aria-describedby="sender_address-warning sender_address-error"
                        aria-invalid=move || sender_warning().is_some().to_string()
                        bind:value=sender/>
                    <p class="warning" id="sender_address-warning" aria-live="polite" data-test="sender-warning">
                        {sender_warning}
                    </p>
                    <FieldError field="sender_address" failure/>
                </div>
                <TextField id="sender_name" label=K::SenderName value=sender_name failure/>
            </fieldset>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.pending.get()>
                    {move || i.t(if busy.pending.get() { K::Saving } else { K::Save })}
                </button>
            </div>
            {busy.status(Some(reload))}
        </form>
    }
}

fn mail_kind(kind: &str) -> K {
    match kind {
        "invitation" => K::MailInvitation,
        "reset" => K::MailReset,
        _ => K::MailTest,
    }
}

/// **Outbox**: /console/outbox, the messages the local outbox kept.
#[component]
pub fn OutboxPage() -> impl IntoView {
    let i = use_i18n();
    let state = ListState::new();
    let messages = load(move || api::outbox(state.query(Vec::new())));
    view! {
        <section class="page">
            <h1>{i.s(K::OutboxTitle)}</h1>
            <p class="note" data-test="outbox-banner">{i.s(K::OutboxBanner)}</p>
            <div class="filters"><SearchBox state id="outbox-search"/></div>
            {move || list_view(i, state, messages.get(), |items| view! {
                <ul class="messages" data-test="outbox">
                    {items.into_iter().map(|message| view! {
                        <li data-kind=message.kind.clone()>
                            <details>
                                <summary>
                                    <span class="when">{utc(message.at)}</span>
                                    <span class="tag">{i.s(mail_kind(&message.kind))}</span>
                                    <span><span class="label">{i.s(K::To)}": "</span>{message.to_address.clone()}</span>
                                    <strong>{message.subject.clone()}</strong>
                                </summary>
                                <p class="hint">{i.s(K::From)}": "{message.from_address.clone()}</p>
                                <pre>{message.text_body.clone()}</pre>
                            </details>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any())}
        </section>
    }
}

/// The new mail password typed twice, checked here first; `user` is `Some((id, version))` for
/// an administrator setting someone's, `None` for one's own.
#[component]
fn MailPasswordForm(
    user: Option<(i64, RwSignal<i64>)>,
    done: Callback<UserMailConfig>,
    /// The button's word: "Set mail password", or the procedure's "Save" in Preferences.
    #[prop(default = K::SetMailPassword)]
    save_word: K,
) -> impl IntoView {
    let i = use_i18n();
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let busy = Busy::new();
    let failure = busy.failure_signal();
    let save = move || {
        let (first, second) = (password.get_untracked(), confirmation.get_untracked());
        if !check_pair(busy, &first, &second, 1) {
            return;
        }
        let call = api::set_mail_password(
            user.map(|(id, version)| (id, version.get_untracked())),
            MailPasswordInput {
                password: first,
                confirmation: second,
            },
        );
        let finish = move |config: UserMailConfig| {
            password.set(String::new());
            confirmation.set(String::new());
            done.run(config);
        };
        match user {
            // Setting someone's mail password changes their record's version: the form around
            // saves with the new one, known before this says "saved" (else a quick Save is a 409).
            Some((id, version)) => busy.run_steps(
                async move {
                    let config = call.send().await?;
                    if let Ok(user) = api::user(id).send().await {
                        version.try_set(user.version);
                    }
                    Ok(config)
                },
                finish,
            ),
            None => busy.run(call, finish),
        }
    };
    view! {
        <form class="record" novalidate data-test="mail-password-form"
            on:submit=move |event| { event.prevent_default(); save(); }>
            <TextField id="password" label=K::NewMailPassword value=password failure kind="password"
                hint=K::MailPasswordHint/>
            <TextField id="confirmation" label=K::ConfirmMailPassword value=confirmation failure kind="password"/>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.pending.get()>
                    {move || i.t(if busy.pending.get() { K::Saving } else { save_word })}
                </button>
            </div>
            <div aria-live="polite">
                {move || busy.saved.get().then(|| view! {
                    <p class="ok" role="status" data-test="mail-password-saved">{i.s(K::MailPasswordSaved)}</p>
                })}
                {move || busy.failure.get().filter(|f| f.field().is_none()).map(|f| failure_view(i, f, None))}
            </div>
        </form>
    }
}

/// Mail user, password status, and the account's settings, read-only (R25).
fn config_summary(
    i: I18n,
    config: &UserMailConfig,
    password_set: RwSignal<bool>,
    with_user: bool,
) -> AnyView {
    let settings = config.settings.clone();
    let provider = settings.provider.filter(|_| settings.configured);
    view! {
        <dl class="facts" data-test="mail-config">
            {with_user.then(|| view! {
                <dt>{i.s(K::MailUser)}</dt>
                <dd data-test="mail-user">{config.mail_user.clone()}</dd>
            })}
            <dt>{i.s(K::MailPassword)}</dt>
            <dd data-test="mail-password-status">{move || set_word(i, password_set.get())()}</dd>
        </dl>
        {match provider {
            Some(provider) => {
                let endpoint = if settings.api_base_url.is_empty() {
                    provider.default_base_url().to_string()
                } else {
                    settings.api_base_url.clone()
                };
                let sender = if settings.sender_name.is_empty() {
                    settings.sender_address.clone()
                } else {
                    format!("{} <{}>", settings.sender_name, settings.sender_address)
                };
                view! {
                    <p class="hint">{i.s(K::FromAccountSettings)}</p>
                    <dl class="facts" data-test="mail-account-settings">
                        <dt>{i.s(K::Provider)}</dt>
                        <dd>{i.s(provider_key(provider))}</dd>
                        <dt>{i.s(K::ApiBaseUrl)}</dt>
                        <dd>{if endpoint.is_empty() { "—".to_string() } else { endpoint }}</dd>
                        <dt>{i.s(K::SenderAddress)}</dt>
                        <dd>{sender}</dd>
                    </dl>
                }.into_any()
            }
            None => view! { <p class="note" data-test="mail-not-configured">{i.s(K::MailNotConfigured)}</p> }.into_any(),
        }}
    }
    .into_any()
}

/// The user form's User-Specific Email Configuration (R25, R27): password, test email,
/// invitation. `version` is the user's record version, kept in step with the form's.
#[component]
pub fn UserMail(id: i64, version: RwSignal<i64>, mail_user: RwSignal<String>) -> impl IntoView {
    let i = use_i18n();
    let config = load(move || api::mail_config(Some(id)));
    let password_set = RwSignal::new(false);
    let test = Busy::new();
    let sent = RwSignal::new(None::<MailSent>);
    let invite = Busy::new();
    let done = Callback::new(move |config: UserMailConfig| {
        password_set.set(config.mail_password_set);
    });
    Effect::new(move |_| {
        if let Some(Ok(config)) = config.get() {
            password_set.set(config.mail_password_set);
        }
    });
    view! {
        <section class="record-section" aria-labelledby="mail-heading" data-test="user-mail">
            <h2 id="mail-heading">{i.s(K::MailConfig)}</h2>
            <div class="field">
                <label for="mail_user">{i.s(K::MailUser)}</label>
                <input id="mail_user" type="text" readonly prop:value=move || mail_user.get()
                    aria-describedby="mail_user-hint"/>
                <p class="hint" id="mail_user-hint">{i.s(K::MailUserHint)}</p>
            </div>
            {move || match config.get() {
                None => loading_view(i),
                Some(Err(failure)) => failure_view(i, failure, None),
                Some(Ok(current)) => config_summary(i, &current, password_set, false),
            }}
            <MailPasswordForm user=Some((id, version)) done/>
            <div class="actions">
                <button type="button" data-test="send-test-email" disabled=move || test.pending.get()
                    on:click=move |_| {
                        sent.set(None);
                        test.run(api::send_test_email(id), move |answer: MailSent| sent.set(Some(answer)));
                    }>
                    {move || i.t(if test.pending.get() { K::Sending } else { K::SendTestEmail })}
                </button>
                <button type="button" data-test="resend-invitation" disabled=move || invite.pending.get()
                    on:click=move |_| invite.run(api::resend_invitation(id), |_: Notice| ())>
                    {move || i.t(if invite.pending.get() { K::Sending } else { K::ResendInvitation })}
                </button>
            </div>
            <div aria-live="polite" data-test="mail-result">
                {move || test.pending.get().then(|| view! { <p class="pending" role="status">{i.s(K::Sending)}</p> })}
                {move || sent.get().map(|sent| view! {
                    <p class="ok" role="status" data-test="test-email-sent">{i.s(K::TestEmailSent)}" "{sent.to}"."</p>
                })}
                {move || test.failure.get().map(|failure| failure_view(i, failure, None))}
                {move || invite.saved.get().then(|| view! {
                    <p class="ok" role="status" data-test="invitation-sent">{i.s(K::InvitationSent)}</p>
                })}
                {move || invite.failure.get().map(|failure| failure_view(i, failure, None))}
            </div>
        </section>
    }
}

/// **Preferences > Email > Management of my Account** (R28): /console/preferences.
#[component]
pub fn PreferencesPage() -> impl IntoView {
    let i = use_i18n();
    let me = super::use_me();
    let config = load(|| api::mail_config(None));
    let password_set = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(config)) = config.get() {
            password_set.set(config.mail_password_set);
        }
    });
    let done =
        Callback::new(move |config: UserMailConfig| password_set.set(config.mail_password_set));
    // The procedure's tabs: Preferences > General (sign-in) and Preferences > Email.
    let query = leptos_router::hooks::use_query_map();
    let email = Memo::new(move |_| query.read().get("tab").as_deref() == Some("email"));
    let tab = move |href: &'static str, label: K, current: bool| {
        view! {
            <a href=href class="tab" aria-current=move || (email.get() == current).then_some("page")>
                {i.s(label)}
            </a>
        }
    };
    view! {
        <section class="page">
            <h1>{i.s(K::PreferencesTitle)}</h1>
            <nav class="tabs" aria-label=i.s(K::PreferencesTabs)>
                {tab("/console/preferences", K::PrefGeneral, false)}
                {tab("/console/preferences?tab=email", K::PrefEmail, true)}
            </nav>
            {move || if email.get() {
                view! {
                    <section class="record-section" aria-labelledby="pref-email" data-test="preferences-email">
                        <h2 id="pref-email">{i.s(K::PrefAccount)}</h2>
                        {move || match config.get() {
                            None => loading_view(i),
                            Some(Err(failure)) => failure_view(i, failure, None),
                            Some(Ok(current)) => config_summary(i, &current, password_set, true),
                        }}
                        <MailPasswordForm user=None done save_word=K::Save/>
                    </section>
                }.into_any()
            } else {
                view! {
                    <section class="record-section" data-test="preferences-general">
                        <p><a href="/change-password" rel="external" data-test="change-password">{i.s(K::ChangePasswordTitle)}</a></p>
                        <p><a href="/sessions" rel="external" data-test="sessions">{i.s(K::SessionsTitle)}</a></p>
                        {move || me.get().filter(|me| !me.mfa_enrolled).map(|_| view! {
                            <p><a href="/second-factor" rel="external" data-test="set-up-mfa">{i.s(K::MfaSetUp)}</a></p>
                        })}
                    </section>
                }.into_any()
            }}
        </section>
    }
}
