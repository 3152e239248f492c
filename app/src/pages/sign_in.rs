use leptos::prelude::*;
use precinct_core::api::{Me, MfaStep, SignIn};
use precinct_core::policy::Reach;

use super::LangSwitch;
use crate::api;
use crate::i18n::{use_i18n, K};
use crate::ui::Busy;

/// Where a signed-in person goes next: the steps they owe first — the code of their second
/// factor (R35), their own password (R36), setting up the second factor (R35) — then Login as
/// another user (R05) or My Applications. The second-factor page carries the Login-as choice on.
pub fn next_screen(me: &Me, login_as: bool) -> &'static str {
    let second_step = if login_as {
        "/second-factor?then=login-as"
    } else {
        "/second-factor"
    };
    match me.mfa_step {
        Some(MfaStep::Verify) => second_step,
        _ if me.password_change_required => "/change-password",
        Some(MfaStep::Enrol) => second_step,
        None if login_as => "/login-as",
        None => "/applications",
    }
}

/// The portal's sign-in screen (R03): user code (an email address) and password, a link for a
/// forgotten password, and Options → Login as another user (R05).
#[component]
pub fn SignInPage() -> impl IntoView {
    let i = use_i18n();
    let user_code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let login_as = RwSignal::new(false);
    let submit = Busy::new();
    let pending = submit.pending;
    let error = move || submit.failure.get();
    // R05 needs an administrative level (the option's label says so): a User who ticked it goes
    // on as themself instead of to a page that could only refuse.
    let go = move |me: Me| {
        super::remember_level(&me);
        let wanted = login_as.get_untracked() && super::reaches(&me, Reach::LoginAsAnotherUser);
        let screen = next_screen(&me, wanted);
        // A deep link opened signed out is where the person goes once signed in (the account
        // pages take it after the second factor).
        let next = (screen == "/applications")
            .then(super::return_address)
            .flatten();
        // A page of another bundle (this one is the account pages'): a full page load.
        crate::ui::leave_to(next.as_deref().unwrap_or(screen))
    };

    view! {
        <div class="corner"><LangSwitch/></div>
        <section class="card narrow">
            <h1>{i.s(K::SignInTitle)}</h1>
            <form
                novalidate
                on:submit=move |event| {
                    event.prevent_default();
                    let body = SignIn {
                        user_code: user_code.get_untracked(),
                        password: password.get_untracked(),
                    };
                    submit.run(api::sign_in(body), go);
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
                <a class="forgot" href="/forgot-password" rel="external">{i.s(K::ForgotPassword)}</a>
            </form>
        </section>
    }
}
