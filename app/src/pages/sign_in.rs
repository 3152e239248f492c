use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use precinct_core::api::{Me, MfaCode, MfaStep, SignIn};

use super::LangSwitch;
use crate::api;
use crate::i18n::{use_i18n, K};
use crate::ui::{Busy, TextField};

/// Where a signed-in person goes next: the steps they owe first (R36 their own password, R35
/// setting up the second factor), then Login as another user (R05) or My Applications.
pub fn next_screen(me: &Me, login_as: bool) -> &'static str {
    if me.password_change_required {
        "/change-password"
    } else if me.mfa_step == Some(MfaStep::Enrol) {
        "/second-factor"
    } else if login_as {
        "/login-as"
    } else {
        "/applications"
    }
}

/// The portal's sign-in screen (R03): user code (an email address) and password, a link for a
/// forgotten password, and Options → Login as another user (R05); then, for whoever set up a
/// second factor, its code (R35).
#[component]
pub fn SignInPage() -> impl IntoView {
    let i = use_i18n();
    let user_code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let login_as = RwSignal::new(false);
    let owes_code = RwSignal::new(false);
    let code = RwSignal::new(String::new());
    let navigate = use_navigate();
    let submit = Busy::new();
    let pending = submit.pending;
    let error = move || submit.failure.get();
    let second = Busy::new();
    let go = move |me: Me| {
        if me.mfa_step == Some(MfaStep::Verify) {
            owes_code.set(true);
        } else {
            navigate(
                next_screen(&me, login_as.get_untracked()),
                Default::default(),
            );
        }
    };
    let go_after_code = go.clone();
    let code_step = move || {
        let go = go_after_code.clone();
        owes_code.get().then(|| view! {
            <form novalidate data-test="mfa-step" on:submit=move |event| {
                event.prevent_default();
                second.run(api::enter_mfa(MfaCode { code: code.get_untracked() }), go.clone());
            }>
                <p>{i.s(K::MfaCodeText)}</p>
                <TextField id="code" label=K::MfaCode value=code failure=second.failure_signal()/>
                <button type="submit" class="primary" disabled=move || second.pending.get()>
                    {i.s(K::SignIn)}
                </button>
            </form>
        })
    };

    view! {
        <div class="corner"><LangSwitch/></div>
        <section class="card narrow">
            <h1>{i.s(K::SignInTitle)}</h1>
            {code_step}
            <form
                novalidate
                hidden=move || owes_code.get()
                on:submit=move |event| {
                    event.prevent_default();
                    let body = SignIn {
                        user_code: user_code.get_untracked(),
                        password: password.get_untracked(),
                    };
                    submit.run(api::sign_in(body), go.clone());
                }
            >
                <label for="user_code">{i.s(K::UserCode)}</label>
                <input id="user_code" name="user_code" type="email" autocomplete="username"
                    placeholder="name@example.com" required bind:value=user_code/>
                <label for="password">{i.s(K::Password)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password"
                    required bind:value=password/>
                {move || error().map(|failure| view! {
                    <p class="error" role="alert" data-test="sign-in-error">{i.failure(&failure)}</p>
                })}
                <details class="options">
                    <summary>{i.s(K::Options)}</summary>
                    <label class="check">
                        <input type="checkbox" name="login_as" bind:checked=login_as/>
                        {i.s(K::LoginAsOption)}
                    </label>
                </details>
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || i.t(if pending.get() { K::SigningIn } else { K::SignIn })}
                </button>
                <a class="forgot" href="/forgot-password">{i.s(K::ForgotPassword)}</a>
            </form>
        </section>
    }
}
