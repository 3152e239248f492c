//! The account pages, a second small bundle the console does not carry (its size budget): the
//! sign-in page, the forgotten-password and set-password pages (from a mail link), changing one's
//! own password (R36), setting up the second factor (R35) and the sessions screen. They open as
//! full pages; the worker serves `account.html` at their addresses.

use leptos::prelude::*;
use precinct_core::api::{
    ActAs, ChangePassword, ForgotPassword, Me, MfaCode, MfaStep, Notice, RecoveryCodes,
    SessionInfo, SetPassword, UserRef,
};
use precinct_core::validate::MIN_PASSWORD_LEN;

use crate::api;
use crate::i18n::{strings, use_i18n, I18n, Text, K};
use crate::pages::{check_pair, LangSwitch};
use crate::ui::{
    failure_view, leave_to, list_view, load, loading_view, utc, Busy, FieldError, ListState,
    SearchBox, TextField,
};

/// Mounts the account bundle: the page for the address it was opened at.
pub fn mount() {
    leptos::mount::mount_to_body(|| {
        provide_context(crate::i18n::I18n::load());
        let path = web_sys::window()
            .and_then(|window| window.location().pathname().ok())
            .unwrap_or_default();
        let page = match path.as_str() {
            "/" | "" => view! { <crate::pages::SignInPage/> }.into_any(),
            "/forgot-password" => view! { <ForgotPasswordPage/> }.into_any(),
            "/change-password" => view! { <SetPasswordPage change=true/> }.into_any(),
            "/second-factor" => view! { <SecondFactorPage/> }.into_any(),
            "/sessions" => view! { <SessionsPage/> }.into_any(),
            "/login-as" => view! { <LoginAsPage/> }.into_any(),
            _ => view! { <SetPasswordPage/> }.into_any(),
        };
        view! { <main id="main">{page}</main> }
    });
}

strings! {
    A;
    LoginAsTitle => "Login as another user", "Se connecter en tant qu'un autre utilisateur";
    LoginAsText => "Pick the user whose rights you want to use. History records both of you.", "Choisissez l'utilisateur dont vous voulez les droits. L'historique enregistre vos deux noms.";
    LoginAsNotAllowed => "Your user group cannot log in as another user.", "Votre groupe d'utilisateurs ne peut pas se connecter en tant qu'un autre utilisateur.";
    ActAs => "Act as this user", "Agir en tant que cet utilisateur";
    ContinueAsMyself => "Continue as myself", "Continuer en mon nom";
    MfaCode => "Code", "Code";
    MfaCodeText => "Enter the 6-digit code of your authenticator app, or a recovery code.", "Saisissez le code à 6 chiffres de votre application d'authentification, ou un code de secours.";
    ForgotTitle => "Forgot password", "Mot de passe oublié";
    ForgotText => "Enter your user code: if it belongs to an account, a link to choose a new password is emailed to it.", "Saisissez votre code utilisateur : s'il correspond à un compte, un lien pour choisir un nouveau mot de passe lui est envoyé par e-mail.";
    SendLink => "Send the link", "Envoyer le lien";
    ForgotSent => "If this user code belongs to an account, a link to choose a new password has been emailed to it.", "Si ce code utilisateur correspond à un compte, un lien pour choisir un nouveau mot de passe lui a été envoyé.";
    SetPasswordTitle => "Choose your password", "Choisissez votre mot de passe";
    SetPasswordText => "Choose the password you will sign in with: at least 12 characters.", "Choisissez le mot de passe de connexion : au moins 12 caractères.";
    SetPassword => "Set the password", "Définir le mot de passe";
    PasswordSet => "Your password is set. You can now sign in.", "Votre mot de passe est défini. Vous pouvez maintenant vous connecter.";
    GoToSignIn => "Sign in", "Se connecter";
    NoToken => "This page opens from the link in your invitation or password email.", "Cette page s'ouvre depuis le lien de votre e-mail d'invitation ou de réinitialisation.";
    BackToSignIn => "Back to sign-in", "Retour à la connexion";
    MfaTitle => "Two-step sign-in", "Connexion en deux étapes";
    MfaScanText => "Scan this code with an authenticator app, then enter the 6 digits it shows.", "Scannez ce code avec une application d'authentification, puis saisissez les 6 chiffres affichés.";
    MfaQrLabel => "QR code of your sign-in secret", "Code QR de votre secret de connexion";
    MfaSecretText => "No camera? Type this key:", "Pas de caméra ? Saisissez cette clé :";
    RecoveryCodesText => "Done. Keep these recovery codes somewhere safe: each works once if you lose your phone. They are shown only now.", "C'est fait. Gardez ces codes de secours en lieu sûr : chacun sert une fois si vous perdez votre téléphone. Ils ne sont affichés qu'ici.";
    SessionsText => "Each browser where you are signed in. End any you do not recognise.", "Chaque navigateur où vous êtes connecté. Fermez ceux que vous ne reconnaissez pas.";
    ThisSession => "this session", "cette session";
    EndSession => "End", "Fermer";
    SignedInSince => "Since", "Depuis";
    LastSeen => "Last seen", "Vu pour la dernière fois";
    Confirm => "Confirm", "Confirmer";
    SignInAgain => "Sign in again", "Se reconnecter";
    EveryoneTitle => "Everyone you manage", "Tous ceux que vous gérez";
    EveryoneText => "A password leaked, or a device lost? End every session of every user you manage at once: they sign in again. This session stays.", "Un mot de passe divulgué, un appareil perdu ? Fermez en une fois toutes les sessions de tous les utilisateurs que vous gérez : ils se reconnecteront. Cette session reste ouverte.";
    EndEveryone => "End everyone's sessions", "Fermer les sessions de tous";
    EndEveryoneConfirm => "End the sessions of every user you manage?", "Fermer les sessions de tous les utilisateurs que vous gérez ?";
    EveryoneEnded => "Done: everyone you manage signs in again.", "C'est fait : tous ceux que vous gérez se reconnecteront.";
}

/// The `name` parameter of the page's address (`?token=…`).
fn query_param(name: &str) -> String {
    let search = web_sys::window()
        .and_then(|window| window.location().search().ok())
        .unwrap_or_default();
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
        .unwrap_or_default()
}

/// The public pages' frame: the language switch and a card.
fn public_card(i: I18n, title: impl Text, body: AnyView) -> impl IntoView {
    view! {
        <div class="corner"><LangSwitch/></div>
        <section class="card narrow">
            <h1>{i.s(title)}</h1>
            {body}
        </section>
    }
}

/// The server's sentence in English, ours in French (the server speaks English).
fn notice_text(i: I18n, notice: &Notice, key: A) -> String {
    match i.lang() {
        crate::i18n::Lang::En => notice.message.clone(),
        crate::i18n::Lang::Fr => key.text(i.lang()).to_string(),
    }
}

/// **Forgot password**: /forgot-password. The answer is the same whether or not the address
/// exists.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i = use_i18n();
    let code = RwSignal::new(String::new());
    let busy = Busy::new();
    let failure = busy.failure_signal();
    let notice = RwSignal::new(None::<Notice>);
    let send = move || {
        let user_code = code.get_untracked();
        busy.run(
            api::forgot_password(ForgotPassword { user_code }),
            move |answer: Notice| notice.set(Some(answer)),
        );
    };
    let body = view! {
        <p>{i.s(A::ForgotText)}</p>
        <form novalidate on:submit=move |event| { event.prevent_default(); send(); }>
            <TextField id="user_code" label=K::UserCode value=code failure kind="email"/>
            <button type="submit" class="primary" disabled=move || busy.pending.get()>
                {move || if busy.pending.get() { i.t(K::Sending) } else { i.t(A::SendLink) }}
            </button>
        </form>
        <div aria-live="polite">
            {move || notice.get().map(|notice| view! {
                <p class="ok" role="status" data-test="notice">{notice_text(i, &notice, A::ForgotSent)}</p>
            })}
            {move || busy.failure.get().filter(|f| f.field().is_none()).map(|f| failure_view(i, f, None))}
        </div>
        <p><a class="forgot" href="/">{i.s(A::BackToSignIn)}</a></p>
    }
    .into_any();
    public_card(i, A::ForgotTitle, body)
}

/// **Set password**: /set-password?token=…, from an invitation or a reset email; with `change`,
/// /change-password: one's own password, the current one first (R36; also where a person whose
/// password was given by someone else is sent after signing in).
#[component]
pub fn SetPasswordPage(#[prop(optional)] change: bool) -> impl IntoView {
    let i = use_i18n();
    // Tokens are URL-safe base64: nothing to decode.
    let token_text = StoredValue::new(query_param("token"));
    let token = move || token_text.get_value();
    let current = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let busy = Busy::new();
    let failure = busy.failure_signal();
    let save = move || {
        let (first, second) = (password.get_untracked(), confirmation.get_untracked());
        if !check_pair(busy, &first, &second, MIN_PASSWORD_LEN) {
            return;
        }
        let call = if change {
            api::change_password(ChangePassword {
                current_password: current.get_untracked(),
                new_password: first,
            })
        } else {
            api::set_password(SetPassword {
                token: token(),
                password: first,
            })
        };
        busy.run(call, |_: Notice| ());
    };
    let body = view! {
        {move || if busy.saved.get() {
            view! {
                <p class="ok" role="status" data-test="password-set">{i.s(A::PasswordSet)}</p>
                <p><a class="button primary" href=if change { "/applications" } else { "/" }>
                    {move || if change { i.t(K::Continue) } else { i.t(A::GoToSignIn) }}
                </a></p>
            }.into_any()
        } else if token().is_empty() && !change {
            view! { <p class="error" role="alert">{i.s(A::NoToken)}</p> }.into_any()
        } else {
            view! {
                <p>{i.s(A::SetPasswordText)}</p>
                <form novalidate on:submit=move |event| { event.prevent_default(); save(); }>
                    {change.then(|| view! {
                        <TextField id="current_password" label=K::CurrentPassword value=current failure kind="password"/>
                    })}
                    <TextField id=if change { "new_password" } else { "password" } label=K::NewPassword value=password failure kind="password"/>
                    <TextField id="confirmation" label=K::ConfirmPassword value=confirmation failure kind="password"/>
                    <FieldError field="token" failure/>
                    <button type="submit" class="primary" disabled=move || busy.pending.get()>
                        {move || if busy.pending.get() { i.t(K::Saving) } else { i.t(A::SetPassword) }}
                    </button>
                </form>
                <div aria-live="polite">
                    {move || busy.failure.get().filter(|f| f.field().is_none()).map(|f| failure_view(i, f, None))}
                </div>
            }.into_any()
        }}
    }
    .into_any();
    if change {
        public_card(i, K::ChangePasswordTitle, body).into_any()
    } else {
        public_card(i, A::SetPasswordTitle, body).into_any()
    }
}

#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let i = use_i18n();
    let me = load(api::me);
    let body = move || match me.get() {
        None => loading_view(i),
        Some(Err(failure)) => failure_view(i, failure, None),
        Some(Ok(me)) if me.mfa_step == Some(MfaStep::Verify) => view! { <CodeStep/> }.into_any(),
        Some(Ok(_)) => view! { <Enrolment/> }.into_any(),
    };
    public_card(i, A::MfaTitle, body.into_any())
}

/// Where the person goes once the second step is done: their own password if it was given by
/// someone else (R36), else Login as another user if they asked at sign-in (R05), else My
/// Applications.
fn after_second_step(me: &Me) -> String {
    if me.password_change_required {
        "/change-password".to_string()
    } else {
        then_screen()
    }
}

/// Login as another user if the person asked for it at sign-in (R05), the console page they
/// opened signed out (a page of this site's console only), else My Applications.
fn then_screen() -> String {
    if query_param("then") == "login-as" {
        return "/login-as".to_string();
    }
    // The page kept for after sign-in (`pages::come_back_here`); taken once.
    crate::pages::return_address().unwrap_or_else(|| "/applications".to_string())
}

/// The worker asked for a recent sign-in (ASVS 7.5.1, 7.5.2): the person signs out and, signed
/// in again, comes back to this page.
fn sign_in_again_view(i: I18n, failure: Option<api::ApiFailure>) -> Option<AnyView> {
    failure.filter(|failure| failure.code() == "sign_in_again")?;
    let busy = Busy::new();
    let again = move |_| {
        crate::pages::come_back_here();
        busy.run(api::sign_out(), |_| leave_to("/"));
    };
    Some(
        view! {
            <p><button type="button" class="primary" data-test="sign-in-again"
                on:click=again>{i.s(A::SignInAgain)}</button></p>
        }
        .into_any(),
    )
}

/// The code of the authenticator (or a recovery code), after the password (R35).
#[component]
fn CodeStep() -> impl IntoView {
    let i = use_i18n();
    let code = RwSignal::new(String::new());
    let busy = Busy::new();
    let failure = busy.failure_signal();
    let enter = move || {
        busy.run(
            api::enter_mfa(MfaCode {
                code: code.get_untracked(),
            }),
            |me: Me| leave_to(&after_second_step(&me)),
        );
    };
    view! {
        <p>{i.s(A::MfaCodeText)}</p>
        <form novalidate data-test="mfa-step" on:submit=move |event| { event.prevent_default(); enter(); }>
            <TextField id="code" label=A::MfaCode value=code failure/>
            <button type="submit" class="primary" disabled=move || busy.pending.get()>
                {i.s(K::SignIn)}
            </button>
        </form>
        <div aria-live="polite">
            {move || busy.failure.get().filter(|f| f.field().is_none()).map(|f| failure_view(i, f, None))}
        </div>
        <p><a class="forgot" href="/">{i.s(A::BackToSignIn)}</a></p>
    }
}

/// Setting up the authenticator: the QR code the worker drew and the secret as text; a code
/// from it confirms; the ten recovery codes are shown once.
#[component]
fn Enrolment() -> impl IntoView {
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
    move || {
        match (recovery.get(), enrolment.get()) {
        (Some(codes), _) => view! {
            <p role="status">{i.s(A::RecoveryCodesText)}</p>
            <ol class="recovery" data-test="recovery-codes">
                {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ol>
            <p><a class="button primary" href=then_screen() data-test="recovery-done">{i.s(K::Continue)}</a></p>
        }
        .into_any(),
        (None, None) => loading_view(i),
        (None, Some(Err(failure))) => {
            view! { {failure_view(i, failure.clone(), None)} {sign_in_again_view(i, Some(failure))} }
                .into_any()
        }
        (None, Some(Ok(enrolment))) => view! {
            <p>{i.s(A::MfaScanText)}</p>
            <div class="qr" role="img" aria-label=i.s(A::MfaQrLabel) inner_html=enrolment.qr_svg></div>
            <p>{i.s(A::MfaSecretText)}" "<code data-test="mfa-secret">{enrolment.secret}</code></p>
            <form novalidate on:submit=move |event| { event.prevent_default(); confirm(); }>
                <TextField id="code" label=A::MfaCode value=code failure/>
                <button type="submit" class="primary" disabled=move || busy.pending.get()>
                    {i.s(A::Confirm)}
                </button>
            </form>
        }
        .into_any(),
    }
    }
}

/// **Where I am signed in** (ASVS 7.5.2): each session of the person, with its browser, since
/// when and when last seen; any of them can be ended (this one signs the person out).
#[component]
pub fn SessionsPage() -> impl IntoView {
    let i = use_i18n();
    let sessions = load(api::sessions);
    let busy = Busy::new();
    let end = move |session: SessionInfo| {
        busy.run(api::end_session(&session.id), move |_| {
            if session.current {
                // Signed out: the sign-in page is the console's.
                leave_to("/");
            } else {
                sessions.refetch();
            }
        });
    };
    let rows = move |list: Vec<SessionInfo>| {
        list.into_iter()
            .map(|session| {
                let label = if session.current {
                    Some(view! { " ("{i.s(A::ThisSession)}")" })
                } else {
                    None
                };
                view! {
                    <li data-test="session">
                        <strong>{session.browser.clone()}</strong>{label}<br/>
                        {i.s(A::SignedInSince)}" "{utc(session.created_at)}" · "
                        {i.s(A::LastSeen)}" "{utc(session.last_seen_at)}" "
                        <button type="button" disabled=move || busy.pending.get()
                            on:click=move |_| end(session.clone())>{i.s(A::EndSession)}</button>
                    </li>
                }
            })
            .collect_view()
    };
    // ASVS 7.4.5: administrators also end everyone's sessions at once.
    let me = load(api::me);
    let everyone = Busy::new();
    let ended = RwSignal::new(false);
    let end_everyone = move |_| {
        if crate::ui::confirm_that(i, A::EndEveryoneConfirm) {
            everyone.run(api::end_everyones_sessions(), move |_| {
                ended.set(true);
                sessions.refetch();
            });
        }
    };
    let manages = move || {
        me.get()
            .and_then(Result::ok)
            .is_some_and(|me| crate::pages::reaches(&me, precinct_core::policy::Reach::ManageUsers))
    };
    let body = view! {
        <p>{i.s(A::SessionsText)}</p>
        {move || match sessions.get() {
            None => loading_view(i),
            Some(Err(failure)) => failure_view(i, failure, None),
            Some(Ok(list)) => view! { <ul class="sessions">{rows(list)}</ul> }.into_any(),
        }}
        {busy.status(None)}
        {move || sign_in_again_view(i, busy.failure.get())}
        {move || manages().then(|| view! {
            <h2>{i.s(A::EveryoneTitle)}</h2>
            <p>{i.s(A::EveryoneText)}</p>
            <p><button type="button" data-test="end-everyone" disabled=move || everyone.pending.get()
                on:click=end_everyone>{i.s(A::EndEveryone)}</button></p>
            {move || ended.get().then(|| view! { <p role="status">{i.s(A::EveryoneEnded)}</p> })}
            {move || everyone.failure.get().map(|failure| failure_view(i, failure, None))}
            {move || sign_in_again_view(i, everyone.failure.get())}
        })}
        <p><a href="/console/preferences">{i.s(K::Continue)}</a></p>
    }
    .into_any();
    public_card(i, K::SessionsTitle, body)
}

/// **Login as another user** (R05): /login-as, reached from the sign-in screen's Options: the
/// users the person may act as, searchable; picking one makes the session act as them.
#[component]
pub fn LoginAsPage() -> impl IntoView {
    let i = use_i18n();
    let state = ListState::new();
    let candidates = load(move || api::login_as_candidates(state.query(Vec::new())));
    let act = Busy::new();
    let act_as = move |user: UserRef| {
        act.run(api::act_as(ActAs { user_id: user.id }), |_| {
            leave_to("/applications")
        });
    };
    let body = view! {
        <p class="hint">{i.s(A::LoginAsText)}</p>
        <p><a href="/applications">{i.s(A::ContinueAsMyself)}</a></p>
        <SearchBox state id="candidate-search"/>
        {move || act.failure.get().map(|failure| failure_view(i, failure, None))}
        {move || match candidates.get() {
            Some(Err(failure)) if failure.status() == 403 => view! {
                <p class="error" role="alert">{i.s(A::LoginAsNotAllowed)}</p>
            }.into_any(),
            Some(Err(failure)) if failure.status() == 401 => failure_view(i, failure, None),
            result => list_view(i, state, result, |items| view! {
                <ul class="choices" data-test="login-as-candidates">
                    {items.into_iter().map(|user| {
                        let label = format!("{} · {}", user.name, user.user_code);
                        view! {
                            <li>
                                <button type="button" class="choice"
                                    disabled=move || act.pending.get()
                                    on:click=move |_| act_as(user.clone())>
                                    <span>{label}</span>
                                    <em>{i.s(A::ActAs)}</em>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()),
        }}
    }
    .into_any();
    public_card(i, A::LoginAsTitle, body)
}
