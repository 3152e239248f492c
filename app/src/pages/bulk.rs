//! **Import and export** (B04), **bulk actions** (B06) and **copy security** (B05): screens of
//! the insight bundle, with their own strings (the console's first load does not carry them).
//! Every decision is the server's: a dry run shows what each line or person comes to, and
//! confirming writes exactly that, chunk by chunk, with a progress bar.

use std::collections::BTreeSet;

use leptos::prelude::*;
use precinct_core::api::{
    BulkActionKind, BulkRequest, CopySecurity, DryRun, ImportKind, ImportRequest, RunReport,
    UserSearch,
};
use precinct_core::bulk::{LinePlan, Outcome, Separator};
use precinct_core::ids::{CompanyId, GroupId, UserId};
use wasm_bindgen::JsCast;

use super::history::UserPicker;
use super::use_record_id;
use crate::api::{self, ApiFailure, ListQuery, Picker};
use crate::i18n::{strings, use_i18n, I18n};
use crate::ui::{failure_view, load, loading_view, Busy};

strings! {
    Y;
    ImportTitle => "Import and export", "Importer et exporter";
    ExportTitle => "Export", "Exporter";
    ExportHint => "The records you may see, as CSV (UTF-8): spreadsheet programs open it with its accents.", "Les enregistrements que vous pouvez voir, en CSV (UTF-8) : les tableurs l'ouvrent avec ses accents.";
    ExportUsers => "Users", "Utilisateurs";
    ExportGroups => "User groups", "Groupes d'utilisateurs";
    ExportCompanies => "Companies", "Sociétés";
    SeparatorLabel => "Separator", "Séparateur";
    SeparatorAuto => "As the file's first line says", "Selon la première ligne du fichier";
    SeparatorComma => "Comma (,)", "Virgule (,)";
    SeparatorSemicolon => "Semicolon (;) for French spreadsheets", "Point-virgule (;) pour les tableurs français";
    ImportUsersTitle => "Import", "Importer";
    ImportHint => "A CSV file whose first line names the columns user_code, name and group, and optionally language (en or fr) and companies (codes separated by spaces). An export of users imports as it is.", "Un fichier CSV dont la première ligne nomme les colonnes user_code, name et group, et si besoin language (en ou fr) et companies (codes séparés par des espaces). Un export des utilisateurs s'importe tel quel.";
    FileLabel => "File", "Fichier";
    Invite => "Send an invitation to each user created (a few at a time)", "Envoyer une invitation à chaque utilisateur créé (quelques-unes à la fois)";
    DryRunButton => "Dry run", "Essai";
    DryRunHint => "Nothing is written until you confirm this dry run.", "Rien n'est enregistré avant que vous confirmiez cet essai.";
    ChooseFile => "Choose a file first.", "Choisissez d'abord un fichier.";
    ToCreate => "to create", "à créer";
    ToChange => "to change", "à modifier";
    Unchanged => "unchanged", "inchangés";
    Refused => "refused", "refusés";
    Line => "Line", "Ligne";
    Position => "#", "n°";
    UserCode => "User code", "Code utilisateur";
    Code => "Code", "Code";
    OutcomeLabel => "Outcome", "Résultat";
    Details => "Details", "Détails";
    OutcomeCreate => "Create", "Créer";
    OutcomeChange => "Change", "Modifier";
    OutcomeRefused => "Refused", "Refusé";
    KindLabel => "What the file holds", "Contenu du fichier";
    ImportGroupsHint => "A CSV file whose first line names the columns code and access_level (administrator, local_administrator or user), and optionally description, area (a code) and options (codes separated by spaces). An export of user groups imports as it is.", "Un fichier CSV dont la première ligne nomme les colonnes code et access_level (administrator, local_administrator ou user), et si besoin description, area (un code) et options (codes séparés par des espaces). Un export des groupes s'importe tel quel.";
    ImportCompaniesHint => "A CSV file whose first line names the columns code, name and directory (a code), and optionally area (a code) and user_in_charge (a user code). An export of companies imports as it is.", "Un fichier CSV dont la première ligne nomme les colonnes code, name et directory (un code), et si besoin area (un code) et user_in_charge (un code utilisateur). Un export des sociétés s'importe tel quel.";
    MoreLines => "more lines are not shown; confirming writes them too.", "autres lignes ne sont pas affichées ; la confirmation les enregistre aussi.";
    Confirm => "Confirm and write", "Confirmer et enregistrer";
    NothingToWrite => "Nothing to write: every line is unchanged or refused.", "Rien à enregistrer : chaque ligne est inchangée ou refusée.";
    Progress => "Written", "Enregistré";
    ChunkWord => "chunks", "lots";
    LinesWord => "lines", "lignes";
    Done => "Done: every line of the dry run is written.", "Terminé : chaque ligne de l'essai est enregistrée.";
    Interrupted => "Stopped. The chunks above are written; run the dry run again to see the rest (what is written shows as unchanged).", "Interrompu. Les lots ci-dessus sont enregistrés ; relancez l'essai pour voir le reste (ce qui est enregistré apparaît inchangé).";
    InvitationsWaiting => "Invitations waiting", "Invitations en attente";
    SendInvitations => "Send the invitations", "Envoyer les invitations";
    InvitationsSent => "Invitations sent", "Invitations envoyées";
    NotSent => "Not sent", "Non envoyées";
    BulkTitle => "Bulk actions", "Actions groupées";
    BulkHint => "Pick users, or every user a search finds, and an action. The dry run says who changes and who is refused and why; one refusal never blocks the others.", "Choisissez des utilisateurs, ou tous ceux qu'une recherche trouve, et une action. L'essai dit qui change, qui est refusé et pourquoi ; un refus n'empêche jamais les autres.";
    Search => "Search users", "Rechercher des utilisateurs";
    AllMatching => "All users matching this search", "Tous les utilisateurs correspondant à cette recherche";
    PageAll => "Pick every user of this page", "Choisir tous les utilisateurs de cette page";
    Picked => "picked", "choisis";
    ActionLabel => "Action", "Action";
    ActionDisable => "Disable", "Désactiver";
    ActionEnable => "Enable", "Activer";
    ActionMove => "Move to a group", "Déplacer vers un groupe";
    ActionInvite => "Send the invitation again", "Renvoyer l'invitation";
    ActionTick => "Tick a company", "Cocher une société";
    ActionUntick => "Untick a company", "Décocher une société";
    GroupLabel => "Group", "Groupe";
    CompanyLabel => "Company", "Société";
    Choose => "Choose…", "Choisir…";
    PickSomeone => "Pick at least one user, or all matching the search.", "Choisissez au moins un utilisateur, ou tous ceux de la recherche.";
    Name => "Name", "Nom";
    Status => "Status", "Statut";
    Active => "active", "actif";
    Disabled => "disabled", "désactivé";
    CopyTitle => "Copy security from another user", "Copier la sécurité d'un autre utilisateur";
    CopyHint => "The group and the ticked companies of the user you choose become this user's, in one Save. Ticks you may not see are not copied. What it would change shows before you save.", "Le groupe et les sociétés cochées de l'utilisateur choisi deviennent ceux de cet utilisateur, en un seul enregistrement. Les coches que vous ne voyez pas ne sont pas copiées. Ce que cela changerait s'affiche avant d'enregistrer.";
    CopyOnto => "Copy onto", "Copier vers";
    CopyFrom => "Copy from (user code)", "Copier depuis (code utilisateur)";
    CopyFromHint => "Type a user code or a name and choose from the list.", "Saisissez un code utilisateur ou un nom et choisissez dans la liste.";
    CopySave => "Copy and save", "Copier et enregistrer";
    ConfirmMove => "Confirm the move and save", "Confirmer le déplacement et enregistrer";
    NoSuchSource => "No user you may see has this user code.", "Aucun utilisateur visible n'a ce code utilisateur.";
    Copied => "Copied. The user's group and companies are now those of", "Copié. Le groupe et les sociétés de l'utilisateur sont désormais ceux de";
    BackToUser => "Back to the user", "Retour à l'utilisateur";
}

/// Lines shown in a dry run's table (the counts say how many there are in all).
const SHOWN_LINES: usize = 50;

fn details(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Create { changes, .. } => changes
            .iter()
            .filter_map(|change| {
                change
                    .after
                    .as_deref()
                    .filter(|after| !after.is_empty())
                    .map(|after| format!("{}: {after}", change.field))
            })
            .collect::<Vec<_>>()
            .join(" · "),
        Outcome::Change {
            changes, warning, ..
        } => {
            let mut parts: Vec<String> = changes
                .iter()
                .map(|change| {
                    format!(
                        "{}: {} → {}",
                        change.field,
                        change.before.as_deref().unwrap_or("—"),
                        change.after.as_deref().unwrap_or("—")
                    )
                })
                .collect();
            parts.extend(warning.iter().cloned());
            parts.join(" · ")
        }
        Outcome::Unchanged { .. } => String::new(),
        Outcome::Refused { field, reason } => format!("{field}: {reason}"),
    }
}

fn outcome_key(outcome: &Outcome) -> (Y, &'static str) {
    match outcome {
        Outcome::Create { .. } => (Y::OutcomeCreate, "create"),
        Outcome::Change { .. } => (Y::OutcomeChange, "change"),
        Outcome::Unchanged { .. } => (Y::Unchanged, "unchanged"),
        Outcome::Refused { .. } => (Y::OutcomeRefused, "refused"),
    }
}

/// The dry run: the counts, and the lines that write or are refused (the first few hundred).
fn dry_run_view(i: I18n, run: &DryRun, line_label: Y) -> AnyView {
    let counts = run.counts.clone();
    let code_label = if matches!(run.kind.as_str(), "groups" | "companies") {
        Y::Code
    } else {
        Y::UserCode
    };
    // What needs the person first: the refusals, then the changes, then the creations.
    let rank = |line: &&LinePlan| match line.outcome {
        Outcome::Refused { .. } => 0,
        Outcome::Change { .. } => 1,
        Outcome::Create { .. } => 2,
        Outcome::Unchanged { .. } => 3,
    };
    let mut shown: Vec<&LinePlan> = run.lines.iter().filter(|line| rank(line) < 3).collect();
    shown.sort_by_key(|line| (rank(line), line.line));
    let shown: Vec<LinePlan> = shown.into_iter().take(SHOWN_LINES).cloned().collect();
    let hidden = (counts.create + counts.change + counts.refused) as usize - shown.len();
    view! {
        <section class="dry-run" data-test="dry-run">
            <p class="run-counts" data-test="dry-run-counts">
                <span><strong>{counts.create}</strong>" "{i.s(Y::ToCreate)}</span>
                <span><strong>{counts.change}</strong>" "{i.s(Y::ToChange)}</span>
                <span><strong>{counts.unchanged}</strong>" "{i.s(Y::Unchanged)}</span>
                <span><strong>{counts.refused}</strong>" "{i.s(Y::Refused)}</span>
            </p>
            <p class="hint">{i.s(Y::DryRunHint)}</p>
            {(!shown.is_empty()).then(|| view! {
                // Scrolls sideways on a phone: reachable and named for the keyboard.
                <div class="table-scroll" tabindex="0" role="region" aria-label=i.t(Y::Details)>
                    <table>
                        <thead><tr>
                            <th scope="col">{i.s(line_label)}</th>
                            <th scope="col">{i.s(code_label)}</th>
                            <th scope="col">{i.s(Y::OutcomeLabel)}</th>
                            <th scope="col">{i.s(Y::Details)}</th>
                        </tr></thead>
                        <tbody>
                            {shown.into_iter().map(|line| {
                                let (key, class) = outcome_key(&line.outcome);
                                let text = details(&line.outcome);
                                view! {
                                    <tr class=class data-test="dry-run-line">
                                        <td>{line.line}</td>
                                        <td>{line.code.clone()}</td>
                                        <td>{i.s(key)}</td>
                                        <td>{text}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
            {(hidden > 0).then(|| view! { <p class="hint">{hidden}" "{i.s(Y::MoreLines)}</p> })}
        </section>
    }
    .into_any()
}

/// Where a confirmation stands: chunks written of all, lines written, and how it ended.
#[derive(Clone, Default)]
struct Writing {
    written: u32,
    chunks: u32,
    lines: u32,
    running: bool,
    finished: bool,
    failure: Option<ApiFailure>,
    invitations_waiting: i64,
}

/// Confirms every chunk of `shown`, one request each, moving the progress bar as each is
/// written; it stops when another dry run replaces this one (its state is that run's).
fn confirm_all(shown: &DryRun, run: RwSignal<Option<DryRun>>, writing: RwSignal<Writing>) {
    let (token, chunks) = (shown.token.clone(), shown.chunks);
    let current = move |token: &str| {
        run.try_with_untracked(|run| run.as_ref().is_some_and(|run| run.token == token))
            .unwrap_or(false)
    };
    writing.set(Writing {
        chunks,
        running: true,
        ..Writing::default()
    });
    leptos::task::spawn_local(async move {
        for chunk in 0..chunks {
            let answer = api::confirm_chunk(&token, chunk).send().await;
            if !current(&token) {
                return;
            }
            match answer {
                Ok(report) => writing.update(|state| progress(state, &report)),
                Err(failure) => {
                    writing.update(|state| {
                        state.running = false;
                        state.failure = Some(failure);
                    });
                    return;
                }
            }
        }
        writing.update(|state| {
            state.running = false;
            state.finished = true;
        });
    });
}

fn progress(state: &mut Writing, report: &RunReport) {
    state.written = report.chunks_written;
    state.lines = report.lines_written;
    state.invitations_waiting = report.invitations_waiting;
}

fn writing_view(i: I18n, writing: RwSignal<Writing>) -> AnyView {
    (move || {
        let state = writing.get();
        (state.running || state.finished || state.failure.is_some()).then(|| {
            view! {
                <section class="writing" data-test="writing">
                    <label for="write-progress">{i.s(Y::Progress)}</label>
                    <progress id="write-progress" max=state.chunks.max(1) value=state.written
                        data-test="write-progress"></progress>
                    <p aria-live="polite" data-test="write-status">
                        {state.written}" / "{state.chunks}" "{i.s(Y::ChunkWord)}" · "
                        {state.lines}" "{i.s(Y::LinesWord)}
                    </p>
                    {state.finished.then(|| view! { <p class="notice" role="status" data-test="write-done">{i.s(Y::Done)}</p> })}
                    {state.failure.clone().map(|failure| view! {
                        <div>
                            {failure_view(i, failure, None)}
                            <p class="hint" data-test="write-interrupted">{i.s(Y::Interrupted)}</p>
                        </div>
                    })}
                </section>
            }
        })
    })
    .into_any()
}

/// Sends the queued invitations a few per request until none waits, with its progress.
fn invitations_view(i: I18n, writing: RwSignal<Writing>) -> AnyView {
    let sending = RwSignal::new((0u32, 0i64, false, Vec::<String>::new()));
    let send = move |_| {
        let waiting = writing.get_untracked().invitations_waiting;
        sending.set((0, waiting, true, Vec::new()));
        leptos::task::spawn_local(async move {
            loop {
                match api::send_invitations().send().await {
                    Ok(answer) => {
                        let failed: Vec<String> = answer
                            .failed
                            .iter()
                            .map(|failure| format!("{}: {}", failure.user_code, failure.reason))
                            .collect();
                        sending.update(|state| {
                            state.0 += answer.sent;
                            state.3.extend(failed);
                        });
                        writing.update(|state| state.invitations_waiting = answer.waiting);
                        // Nothing more to send, or nothing could be (the mail settings): stop.
                        if answer.waiting == 0 || answer.sent == 0 {
                            break;
                        }
                    }
                    Err(failure) => {
                        sending.update(|state| state.3.push(i.failure(&failure)));
                        break;
                    }
                }
            }
            sending.update(|state| state.2 = false);
        });
    };
    (move || {
        let waiting = writing.get().invitations_waiting;
        let (sent, total, running, failed) = sending.get();
        (waiting > 0 || sent > 0 || !failed.is_empty()).then(|| {
            view! {
                <section class="invitations" data-test="invitations">
                    <p>{i.s(Y::InvitationsWaiting)}": "<strong data-test="invitations-waiting">{waiting}</strong></p>
                    {(total > 0).then(|| view! {
                        <progress max=total value=i64::from(sent) aria-label=i.t(Y::InvitationsSent)></progress>
                        <p aria-live="polite" data-test="invitations-sent">{i.s(Y::InvitationsSent)}": "{sent}</p>
                    })}
                    {(!failed.is_empty()).then(|| view! {
                        <div class="error" role="alert">
                            <p>{i.s(Y::NotSent)}</p>
                            <ul>{failed.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                        </div>
                    })}
                    <div class="actions">
                        <button type="button" data-test="send-invitations" disabled=move || running || waiting == 0
                            on:click=send>{i.s(Y::SendInvitations)}</button>
                    </div>
                </section>
            }
        })
    })
    .into_any()
}

/// The dry run, its confirmation and the invitations it queued.
fn run_view(i: I18n, run: RwSignal<Option<DryRun>>, line_label: Y) -> AnyView {
    let writing = RwSignal::new(Writing::default());
    // A new dry run starts afresh.
    Effect::new(move |_| {
        run.track();
        writing.set(Writing::default());
    });
    (move || {
        run.get().map(|shown| {
            let nothing = shown.chunks == 0;
            let confirm = {
                let shown = shown.clone();
                move |_| confirm_all(&shown, run, writing)
            };
            view! {
                {dry_run_view(i, &shown, line_label)}
                {nothing.then(|| view! { <p class="notice" data-test="nothing-to-write">{i.s(Y::NothingToWrite)}</p> })}
                <div class="actions">
                    <button type="button" class="primary" data-test="confirm-run"
                        disabled=move || nothing || { let state = writing.get(); state.running || state.finished }
                        on:click=confirm>{i.s(Y::Confirm)}</button>
                </div>
                {writing_view(i, writing)}
                {invitations_view(i, writing)}
            }
        })
    })
    .into_any()
}

fn separator_choices(
    i: I18n,
    value: RwSignal<Separator>,
    with_auto: bool,
    id: &'static str,
) -> AnyView {
    let choices: Vec<(Separator, Y)> = [
        (Separator::Auto, Y::SeparatorAuto),
        (Separator::Comma, Y::SeparatorComma),
        (Separator::Semicolon, Y::SeparatorSemicolon),
    ]
    .into_iter()
    .filter(|(choice, _)| with_auto || *choice != Separator::Auto)
    .collect();
    view! {
        <div class="field">
            <label for=id>{i.s(Y::SeparatorLabel)}</label>
            <select id=id on:change=move |event| {
                let chosen = match event_target_value(&event).as_str() {
                    "comma" => Separator::Comma,
                    "semicolon" => Separator::Semicolon,
                    _ => Separator::Auto,
                };
                value.set(chosen);
            }>
                {choices.into_iter().map(|(choice, key)| view! {
                    <option value=choice.as_str() selected=move || value.get() == choice>{i.s(key)}</option>
                }).collect_view()}
            </select>
        </div>
    }
    .into_any()
}

/// The text of the file chosen in the input of `event`.
async fn chosen_file_text(input: web_sys::HtmlInputElement) -> Option<String> {
    let file = input.files()?.get(0)?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()?;
    text.as_string()
}

/// /console/import: export what one may see; import users with a dry run.
#[component]
pub fn ImportPage() -> impl IntoView {
    let i = use_i18n();
    let export_separator = RwSignal::new(Separator::Comma);
    let export_link = move |kind: &'static str| {
        move || match export_separator.get() {
            Separator::Semicolon => format!("/api/exports/{kind}?separator=semicolon"),
            _ => format!("/api/exports/{kind}"),
        }
    };
    let kind = RwSignal::new(ImportKind::Users);
    let file = RwSignal::new(None::<String>);
    let separator = RwSignal::new(Separator::Auto);
    let invite = RwSignal::new(true);
    let missing_file = RwSignal::new(false);
    let run = RwSignal::new(None::<DryRun>);
    let busy = Busy::new();
    let dry_run = move |_| {
        let Some(text) = file.get_untracked() else {
            missing_file.set(true);
            return;
        };
        missing_file.set(false);
        run.set(None);
        let chosen = kind.get_untracked();
        let request = ImportRequest {
            kind: chosen,
            file: text,
            separator: separator.get_untracked(),
            invite: chosen == ImportKind::Users && invite.get_untracked(),
        };
        busy.run(api::import_dry_run(&request), move |answer| {
            run.set(Some(answer))
        });
    };
    view! {
        <h1>{i.s(Y::ImportTitle)}</h1>
        <section class="export" data-test="export">
            <h2>{i.s(Y::ExportTitle)}</h2>
            <p class="hint">{i.s(Y::ExportHint)}</p>
            {separator_choices(i, export_separator, false, "export-separator")}
            <div class="actions">
                <a class="button" href=export_link("users") download="users.csv" data-test="export-users">{i.s(Y::ExportUsers)}</a>
                <a class="button" href=export_link("groups") download="groups.csv" data-test="export-groups">{i.s(Y::ExportGroups)}</a>
                <a class="button" href=export_link("companies") download="companies.csv" data-test="export-companies">{i.s(Y::ExportCompanies)}</a>
            </div>
        </section>
        <section class="import" data-test="import">
            <h2>{i.s(Y::ImportUsersTitle)}</h2>
            <form class="record" novalidate on:submit=move |event| { event.prevent_default(); dry_run(()); }>
                <div class="field">
                    <label for="import-kind">{i.s(Y::KindLabel)}</label>
                    <select id="import-kind" on:change=move |event| {
                        let chosen = ImportKind::ALL.into_iter().find(|choice| choice.as_str() == event_target_value(&event));
                        if let Some(chosen) = chosen {
                            kind.set(chosen);
                            run.set(None);
                        }
                    }>
                        {ImportKind::ALL.into_iter().map(|choice| view! {
                            <option value=choice.as_str() selected=move || kind.get() == choice>{i.s(match choice {
                                ImportKind::Users => Y::ExportUsers,
                                ImportKind::Groups => Y::ExportGroups,
                                ImportKind::Companies => Y::ExportCompanies,
                            })}</option>
                        }).collect_view()}
                    </select>
                </div>
                <p class="hint" id="import-file-hint">{move || i.t(match kind.get() {
                    ImportKind::Users => Y::ImportHint,
                    ImportKind::Groups => Y::ImportGroupsHint,
                    ImportKind::Companies => Y::ImportCompaniesHint,
                })}</p>
                <div class="field">
                    <label for="import-file">{i.s(Y::FileLabel)}</label>
                    <input id="import-file" type="file" accept=".csv,text/csv" aria-describedby="import-file-hint"
                        on:change=move |event| {
                            let input = event.target().and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok());
                            run.set(None);
                            if let Some(input) = input {
                                leptos::task::spawn_local(async move {
                                    file.set(chosen_file_text(input).await);
                                });
                            }
                        }/>
                    {move || missing_file.get().then(|| view! { <p class="error" role="alert">{i.s(Y::ChooseFile)}</p> })}
                </div>
                {separator_choices(i, separator, true, "import-separator")}
                {move || (kind.get() == ImportKind::Users).then(|| view! {
                    <div class="field check">
                        <input id="import-invite" type="checkbox" prop:checked=move || invite.get()
                            on:change=move |event| invite.set(event_target_checked(&event))/>
                        <label for="import-invite">{i.s(Y::Invite)}</label>
                    </div>
                })}
                <div class="actions">
                    <button type="submit" data-test="dry-run-button" disabled=move || busy.pending.get()>{i.s(Y::DryRunButton)}</button>
                </div>
                {move || busy.failure.get().map(|failure| failure_view(i, failure, None))}
            </form>
            {run_view(i, run, Y::Line)}
        </section>
    }
}

/// /console/bulk: a bulk action on users picked from a list, or on all a search finds.
#[component]
pub fn BulkPage() -> impl IntoView {
    let i = use_i18n();
    let q = RwSignal::new(String::new());
    let picked = RwSignal::new(BTreeSet::<i64>::new());
    let all_matching = RwSignal::new(false);
    let action = RwSignal::new(BulkActionKind::Disable);
    let group = RwSignal::new(String::new());
    let company = RwSignal::new(String::new());
    let users = load(move || {
        api::users(ListQuery {
            q: q.get(),
            limit: Some(50),
            ..ListQuery::default()
        })
    });
    let groups = load(|| {
        api::groups(ListQuery {
            limit: Some(100),
            ..ListQuery::default()
        })
    });
    let companies = load(|| {
        api::companies(ListQuery {
            limit: Some(100),
            ..ListQuery::default()
        })
    });
    let run = RwSignal::new(None::<DryRun>);
    let busy = Busy::new();
    let nobody = RwSignal::new(false);
    let dry_run = move |_| {
        let chosen: Vec<UserId> = picked.get_untracked().into_iter().map(UserId).collect();
        let every = all_matching.get_untracked();
        if chosen.is_empty() && !every {
            nobody.set(true);
            return;
        }
        nobody.set(false);
        run.set(None);
        let query = q.get_untracked();
        let request = BulkRequest {
            action: action.get_untracked(),
            group_id: group.get_untracked().parse().ok().map(GroupId),
            company_id: company.get_untracked().parse().ok().map(CompanyId),
            user_ids: (!every).then_some(chosen),
            all_matching: every.then(|| UserSearch {
                q: (!query.trim().is_empty()).then_some(query),
                ..UserSearch::default()
            }),
        };
        busy.run(api::bulk_dry_run(&request), move |answer| {
            run.set(Some(answer))
        });
    };
    let action_key = |kind: BulkActionKind| match kind {
        BulkActionKind::Disable => Y::ActionDisable,
        BulkActionKind::Enable => Y::ActionEnable,
        BulkActionKind::Move => Y::ActionMove,
        BulkActionKind::Invite => Y::ActionInvite,
        BulkActionKind::Tick => Y::ActionTick,
        BulkActionKind::Untick => Y::ActionUntick,
    };
    view! {
        <h1>{i.s(Y::BulkTitle)}</h1>
        <p class="hint">{i.s(Y::BulkHint)}</p>
        <div class="field">
            <label for="bulk-search">{i.s(Y::Search)}</label>
            <input id="bulk-search" type="search" prop:value=move || q.get()
                on:input=move |event| { q.set(event_target_value(&event)); run.set(None); }/>
        </div>
        {move || match users.get() {
            None => loading_view(i),
            Some(Err(failure)) => failure_view(i, failure, None),
            Some(Ok(page)) => {
                let total = page.total;
                let ids: Vec<i64> = page.items.iter().map(|user| user.id.0).collect();
                view! {
                    <div class="field check">
                        <input id="bulk-all" type="checkbox" data-test="bulk-all-matching" prop:checked=move || all_matching.get()
                            on:change=move |event| { all_matching.set(event_target_checked(&event)); run.set(None); }/>
                        <label for="bulk-all">{i.s(Y::AllMatching)}" ("{total}")"</label>
                    </div>
                    <div class="field check">
                        <input id="bulk-page" type="checkbox" disabled=move || all_matching.get()
                            prop:checked={ let ids = ids.clone(); move || !ids.is_empty() && picked.with(|picked| ids.iter().all(|id| picked.contains(id))) }
                            on:change=move |event| {
                                let on = event_target_checked(&event);
                                picked.update(|picked| for id in &ids { if on { picked.insert(*id); } else { picked.remove(id); } });
                            }/>
                        <label for="bulk-page">{i.s(Y::PageAll)}</label>
                    </div>
                    <div class="table-scroll" tabindex="0" role="region" aria-label=i.t(Y::Search)>
                        <table data-test="bulk-users">
                            <thead><tr>
                                <th scope="col">{i.s(Y::Picked)}</th>
                                <th scope="col">{i.s(Y::Name)}</th>
                                <th scope="col">{i.s(Y::UserCode)}</th>
                                <th scope="col">{i.s(Y::GroupLabel)}</th>
                                <th scope="col">{i.s(Y::Status)}</th>
                            </tr></thead>
                            <tbody>
                                {page.items.into_iter().map(|user| {
                                    let id = user.id.0;
                                    let box_id = format!("pick-{id}");
                                    view! {
                                        <tr>
                                            <td><input type="checkbox" id=box_id.clone() data-test="bulk-pick"
                                                aria-label=user.user_code.clone()
                                                disabled=move || all_matching.get()
                                                prop:checked=move || all_matching.get() || picked.with(|picked| picked.contains(&id))
                                                on:change=move |event| {
                                                    let on = event_target_checked(&event);
                                                    picked.update(|picked| { if on { picked.insert(id); } else { picked.remove(&id); } });
                                                    run.set(None);
                                                }/></td>
                                            <td><label for=box_id>{user.name.clone()}</label></td>
                                            <td>{user.user_code.clone()}</td>
                                            <td>{user.group_code.clone()}</td>
                                            <td>{i.s(if user.active { Y::Active } else { Y::Disabled })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }
        }}
        <p data-test="bulk-picked">{move || if all_matching.get() { i.t(Y::AllMatching).to_string() } else { format!("{} {}", picked.with(BTreeSet::len), i.t(Y::Picked)) }}</p>
        <form class="record" novalidate on:submit=move |event| { event.prevent_default(); dry_run(()); }>
            <div class="field">
                <label for="bulk-action">{i.s(Y::ActionLabel)}</label>
                <select id="bulk-action" data-test="bulk-action" on:change=move |event| {
                    if let Some(chosen) = BulkActionKind::parse(&event_target_value(&event)) {
                        action.set(chosen);
                        run.set(None);
                    }
                }>
                    {BulkActionKind::ALL.into_iter().map(|kind| view! {
                        <option value=kind.as_str() selected=move || action.get() == kind>{i.s(action_key(kind))}</option>
                    }).collect_view()}
                </select>
            </div>
            {move || (action.get() == BulkActionKind::Move).then(|| view! {
                <div class="field">
                    <label for="bulk-group">{i.s(Y::GroupLabel)}</label>
                    <select id="bulk-group" data-test="bulk-group" on:change=move |event| { group.set(event_target_value(&event)); run.set(None); }>
                        <option value="">{i.s(Y::Choose)}</option>
                        {move || groups.get().and_then(Result::ok).map(|page| page.items.into_iter().map(|choice| view! {
                            <option value=choice.id.0.to_string() selected=move || group.get() == choice.id.0.to_string()>{choice.code.clone()}</option>
                        }).collect_view())}
                    </select>
                </div>
            })}
            {move || matches!(action.get(), BulkActionKind::Tick | BulkActionKind::Untick).then(|| view! {
                <div class="field">
                    <label for="bulk-company">{i.s(Y::CompanyLabel)}</label>
                    <select id="bulk-company" data-test="bulk-company" on:change=move |event| { company.set(event_target_value(&event)); run.set(None); }>
                        <option value="">{i.s(Y::Choose)}</option>
                        {move || companies.get().and_then(Result::ok).map(|page| page.items.into_iter().map(|choice| view! {
                            <option value=choice.id.0.to_string() selected=move || company.get() == choice.id.0.to_string()>{format!("{} — {}", choice.code, choice.name)}</option>
                        }).collect_view())}
                    </select>
                </div>
            })}
            {move || nobody.get().then(|| view! { <p class="error" role="alert">{i.s(Y::PickSomeone)}</p> })}
            <div class="actions">
                <button type="submit" data-test="dry-run-button" disabled=move || busy.pending.get()>{i.s(Y::DryRunButton)}</button>
            </div>
            {move || busy.failure.get().map(|failure| failure_view(i, failure, None))}
        </form>
        {run_view(i, run, Y::Position)}
    }
}

/// /console/copy/<id>: copy another user's group and ticks onto this one (B05), after its
/// what-if.
#[component]
pub fn CopyPage() -> impl IntoView {
    let i = use_i18n();
    let record = use_record_id();
    let id = move || {
        record
            .get()
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or_default()
    };
    let target = load(move || api::user(id()));
    let typed = RwSignal::new(String::new());
    let source = RwSignal::new(None::<(i64, String)>);
    let unknown = RwSignal::new(false);
    // The typed code, once it names a user the editor may see.
    Effect::new(move |_| {
        let code = typed.get().trim().to_lowercase();
        source.set(None);
        if code.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(found) = api::pick_users(Picker::Users, code.clone()).send().await {
                // A late answer for what was typed before is not this one's.
                let still = typed
                    .try_get_untracked()
                    .is_some_and(|now| now.trim().to_lowercase() == code);
                if !still {
                    return;
                }
                let exact = found
                    .items
                    .into_iter()
                    .find(|user| user.user_code.to_lowercase() == code);
                unknown.try_set(exact.is_none());
                source.try_set(exact.map(|user| (user.id.0, user.user_code)));
            }
        });
    });
    let version = move || {
        target
            .get()
            .and_then(Result::ok)
            .map(|user| user.version)
            .unwrap_or_default()
    };
    let body = move |confirm: bool| {
        source.get().map(|(from, _)| CopySecurity {
            from_user_id: UserId(from),
            version: version(),
            confirm_move_across_areas: confirm,
        })
    };
    let what_if = crate::ui::what_if_preview(Box::new(move || {
        body(true).map(|input| {
            Box::pin(api::what_if(&format!("/api/users/{}/copy-security", id()), &input).send())
                as crate::ui::WhatIfQuestion
        })
    }));
    let busy = Busy::new();
    let done = RwSignal::new(None::<String>);
    let save = move |confirm: bool| {
        if let Some(input) = body(confirm) {
            let from = source
                .get_untracked()
                .map(|(_, code)| code)
                .unwrap_or_default();
            busy.run(api::copy_security(id(), &input), move |_| {
                done.set(Some(from))
            });
        }
    };
    let must_confirm = move || {
        busy.failure
            .get()
            .is_some_and(|failure| failure.code() == "confirm_move_across_areas")
    };
    view! {
        <h1>{i.s(Y::CopyTitle)}</h1>
        <p class="hint">{i.s(Y::CopyHint)}</p>
        {move || match target.get() {
            None => loading_view(i),
            Some(Err(failure)) => failure_view(i, failure, None),
            Some(Ok(user)) => view! {
                <p data-test="copy-target">{i.s(Y::CopyOnto)}": "<strong>{user.name.clone()}</strong>" ("{user.user_code.clone()}", "{user.group_code.clone()}")"</p>
            }.into_any(),
        }}
        <form class="record" novalidate on:submit=move |event| { event.prevent_default(); save(false); }>
            <UserPicker id="copy-from" label=Y::CopyFrom hint=Y::CopyFromHint picker=Picker::Users value=typed/>
            {move || (unknown.get() && !typed.get().trim().is_empty()).then(|| view! { <p class="hint" data-test="copy-unknown">{i.s(Y::NoSuchSource)}</p> })}
            {what_if}
            {move || busy.failure.get().map(|failure| failure_view(i, failure, None))}
            <div class="actions">
                {move || if must_confirm() {
                    view! { <button type="button" class="primary" data-test="copy-confirm-move" disabled=move || busy.pending.get()
                        on:click=move |_| save(true)>{i.s(Y::ConfirmMove)}</button> }.into_any()
                } else {
                    view! { <button type="submit" class="primary" data-test="copy-save"
                        disabled=move || busy.pending.get() || source.get().is_none()>{i.s(Y::CopySave)}</button> }.into_any()
                }}
                <a href=move || format!("/console/users/{}", id()) rel="external">{i.s(Y::BackToUser)}</a>
            </div>
            {move || done.get().map(|from| view! { <p class="notice" role="status" data-test="copy-done">{i.s(Y::Copied)}" "{from}"."</p> })}
        </form>
    }
}
