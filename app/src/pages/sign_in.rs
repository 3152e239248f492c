use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use precinct_core::api::SignIn;

use crate::api;

/// The portal's sign-in screen (R03): user code (an email address) and password.
#[component]
pub fn SignInPage() -> impl IntoView {
    let user_code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let navigate = use_navigate();
    let submit = Action::new_local(|body: &SignIn| api::sign_in(body.clone()));
    let pending = submit.pending();

    Effect::new(move |_| {
        if let Some(Ok(_)) = submit.value().get() {
            navigate("/applications", Default::default());
        }
    });
    let error = move || submit.value().get().and_then(|result| result.err());

    view! {
        <section class="card narrow">
            <h1>"Sign in to Precinct"</h1>
            <form
                novalidate
                on:submit=move |event| {
                    event.prevent_default();
                    submit.dispatch(SignIn {
                        user_code: user_code.get_untracked(),
                        password: password.get_untracked(),
                    });
                }
            >
                <label for="user_code">"User code"</label>
                <input id="user_code" name="user_code" type="email" autocomplete="username"
                    placeholder="name@example.com" required bind:value=user_code/>
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password"
                    required bind:value=password/>
                {move || error().map(|failure| view! {
                    <p class="error" role="alert" data-test="sign-in-error">{failure.message()}</p>
                })}
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </section>
    }
}
