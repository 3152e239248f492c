//! **Two-step sign-in** (R35): /second-factor sets up the authenticator app (the QR code the
//! worker drew, and the secret as text to type), then shows the ten recovery codes once.

use leptos::prelude::*;
use precinct_core::api::{MfaCode, RecoveryCodes};

use super::mail::public_card;
use crate::api;
use crate::i18n::{use_i18n, K};
use crate::ui::{failure_view, load, loading_view, Busy, TextField};

#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let i = use_i18n();
    let enrolment = load(api::start_mfa_enrolment);
    let code = RwSignal::new(String::new());
    let busy = Busy::new();
    let failure = busy.failure_signal();
    let recovery = RwSignal::new(None::<Vec<String>>);
    let confirm = move || {
        busy.run(
            api::confirm_mfa(MfaCode {
                code: code.get_untracked(),
            }),
            move |answer: RecoveryCodes| recovery.set(Some(answer.recovery_codes)),
        );
    };
    let body = move || {
        match (recovery.get(), enrolment.get()) {
        (Some(codes), _) => view! {
            <p role="status">{i.s(K::RecoveryCodesText)}</p>
            <ol class="recovery" data-test="recovery-codes">
                {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ol>
            <p><a class="button primary" href="/applications">{i.s(K::Continue)}</a></p>
        }
        .into_any(),
        (None, None) => loading_view(i),
        (None, Some(Err(failure))) => failure_view(i, failure, None),
        (None, Some(Ok(enrolment))) => view! {
            <p>{i.s(K::MfaScanText)}</p>
            <div class="qr" role="img" aria-label=i.s(K::MfaQrLabel) inner_html=enrolment.qr_svg></div>
            <p>{i.s(K::MfaSecretText)}" "<code data-test="mfa-secret">{enrolment.secret}</code></p>
            <form novalidate on:submit=move |event| { event.prevent_default(); confirm(); }>
                <TextField id="code" label=K::MfaCode value=code failure/>
                <button type="submit" class="primary" disabled=move || busy.pending.get()>
                    {i.s(K::Confirm)}
                </button>
            </form>
        }
        .into_any(),
    }
    };
    public_card(i, K::MfaTitle, body.into_any())
}
