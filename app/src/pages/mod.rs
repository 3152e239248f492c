//! The console's screens.

mod applications;
mod console;
mod not_found;
mod sign_in;

pub use applications::ApplicationsPage;
pub use console::ConsolePage;
pub use not_found::NotFound;
pub use sign_in::SignInPage;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiResult};
use precinct_core::api::Me;

/// Loads who is signed in; a screen behind sign-in sends the person to the sign-in page on 401.
/// This only steers the person: the worker refuses every call without a session anyway.
pub fn use_signed_in() -> LocalResource<ApiResult<Me>> {
    let navigate = use_navigate();
    let me = LocalResource::new(api::me);
    Effect::new(move |_| {
        if let Some(Err(failure)) = me.get() {
            if failure.status() == 401 {
                navigate("/", Default::default());
            }
        }
    });
    me
}

/// The top bar of signed-in screens: who is signed in, and sign-out.
#[component]
pub fn TopBar(me: Me) -> impl IntoView {
    let navigate = use_navigate();
    let sign_out = Action::new_local(|_: &()| api::sign_out());
    Effect::new(move |_| {
        if sign_out.value().get().is_some() {
            navigate("/", Default::default());
        }
    });
    view! {
        <header class="topbar">
            <a class="brand" href="/applications">"Precinct"</a>
            <span class="account">{me.account_name.clone()}</span>
            <span class="who" data-test="who">{me.name.clone()}" · "{me.user_code.clone()}</span>
            <button class="link" on:click=move |_| { sign_out.dispatch(()); }>"Sign out"</button>
        </header>
    }
}
