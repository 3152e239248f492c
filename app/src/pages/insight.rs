//! **Explain access** (B01) and the **access review** per area (B03): screens of the occasional
//! bundle, with their own strings (the console's first load does not carry them).

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use precinct_core::api::{
    AccessExplanation, AccessReview, AreaName, CompanySeers, RecordKind, ReviewList, ReviewMark,
};
use precinct_core::ids::AreaId;
use precinct_core::policy::{DenyCode, Fact, LevelNeeded, SeerReason, Verdict};

use super::history::UserPicker;
use super::use_record_id;
use crate::api::{self, ListQuery, Picker};
use crate::i18n::{strings, use_i18n, I18n, K};
use crate::ui::{failure_view, load, loading_view, utc, Busy};

strings! {
    X;
    ExplainTitle => "Explain access", "Expliquer un accès";
    ExplainHint => "Who is the person, and which record? The answer is the decision the server makes for them, with the facts and rules that make it.", "Qui est la personne, et quel enregistrement ? La réponse est la décision que le serveur prend pour elle, avec les faits et les règles qui la fondent.";
    Person => "Person (user code)", "Personne (code utilisateur)";
    PersonHint => "Type a user code or a name and choose from the list.", "Saisissez un code utilisateur ou un nom et choisissez dans la liste.";
    RecordKindLabel => "Kind of record", "Type d'enregistrement";
    RecordCode => "Record (code)", "Enregistrement (code)";
    RecordHint => "Type the code of the company, group or report, or the user code of a user.", "Saisissez le code de la société, du groupe ou du rapport, ou le code utilisateur d'un utilisateur.";
    Explain => "Explain", "Expliquer";
    NotFoundPerson => "No user you may see has this user code.", "Aucun utilisateur visible n'a ce code utilisateur.";
    NotFoundRecord => "No record you may see has this code.", "Aucun enregistrement visible n'a ce code.";
    KindCompany => "Company", "Société";
    KindUser => "User", "Utilisateur";
    KindGroup => "User group", "Groupe d'utilisateurs";
    KindReport => "Report or document", "Rapport ou document";
    KindHistory => "History entry", "Entrée d'historique";
    IsInGroup => "is in group", "est dans le groupe";
    AreaWord => "area", "zone";
    NoArea => "no area", "aucune zone";
    Disabled => "disabled", "désactivé";
    MaySee => "May see it", "Peut le voir";
    MayChange => "May change it", "Peut le modifier";
    MayPickCompany => "May tick it for the users they manage", "Peut la cocher pour les utilisateurs qu'il gère";
    MayPickUser => "May put them in charge of a company", "Peut le nommer responsable d'une société";
    MayPickGroup => "May place people in it", "Peut y placer des personnes";
    Yes => "Yes", "Oui";
    No => "No", "Non";
    RulesTitle => "The rules named", "Les règles citées";
    SeersTitle => "Who can see this company, and why", "Qui peut voir cette société, et pourquoi";
    SeersRegular => "Regular administrators (R11)", "Administrateurs (R11)";
    SeersLocal => "Local administrators of its area (R13)", "Administrateurs locaux de sa zone (R13)";
    SeersTicked => "Users who ticked it, within their area (R14)", "Utilisateurs qui l'ont cochée, dans leur zone (R14)";
    More => "More", "Plus";
    NoOne => "No one.", "Personne.";
    // Facts (B01)
    FactDisabled => "The person is disabled: a disabled user can do nothing.", "La personne est désactivée : un utilisateur désactivé ne peut rien faire.";
    FactAdminAll => "A regular administrator sees and manages everything in the account.", "Un administrateur voit et gère tout le compte.";
    FactInArea => "The record is in their area {a}.", "L'enregistrement est dans sa zone {a}.";
    FactNotInArea => "The record is in {b}, not in their area {a}.", "L'enregistrement est dans {b}, pas dans sa zone {a}.";
    FactOfArea => "The record's area ({b}) is their own ({a}).", "La zone de l'enregistrement ({b}) est la sienne ({a}).";
    FactNotOfArea => "The record's area ({b}) is not their own ({a}).", "La zone de l'enregistrement ({b}) n'est pas la sienne ({a}).";
    FactNotAdmin => "The record is not a regular administrator.", "L'enregistrement n'est pas un administrateur.";
    FactAdmin => "The record is a regular administrator, whom local administrators never see.", "L'enregistrement est un administrateur, qu'un administrateur local ne voit jamais.";
    FactTicked => "The company is ticked in their Access to Companies.", "La société est cochée dans son accès aux sociétés.";
    FactNotTicked => "The company is not ticked in their Access to Companies.", "La société n'est pas cochée dans son accès aux sociétés.";
    FactWithin => "The company's area {b} is their group's area {a}: within the boundary.", "La zone {b} de la société est celle de son groupe {a} : dans la limite.";
    FactOutside => "The company's area {b} is outside their group's area {a}: the area is the boundary.", "La zone {b} de la société est hors de la zone {a} de son groupe : la zone est la limite.";
    FactThemself => "A user sees only themself: this is them.", "Un utilisateur ne voit que lui-même : c'est lui.";
    FactNotThemself => "A user sees only themself in user lists.", "Un utilisateur ne voit que lui-même dans les listes d'utilisateurs.";
    FactOwnGroup => "This is their own group.", "C'est son propre groupe.";
    FactNotOwnGroupSeen => "A user sees only their own group.", "Un utilisateur ne voit que son propre groupe.";
    FactAdminsPickable => "Regular administrators can be put in charge of any company.", "Les administrateurs peuvent être responsables de toute société.";
    FactPicksNoOne => "A user edits no company, so puts no one in charge.", "Un utilisateur ne modifie aucune société et ne nomme donc aucun responsable.";
    FactLevel => "Their level ({a}) is enough.", "Son niveau ({a}) suffit.";
    FactNotLevel => "Their level ({a}) is not enough: this needs {b}.", "Son niveau ({a}) ne suffit pas : il faut {b}.";
    NeedsAdmin => "a regular administrator", "un administrateur";
    NeedsAdministrative => "an administrator or a local administrator", "un administrateur ou un administrateur local";
    NeedsAny => "any level", "n'importe quel niveau";
    FactOption => "Their group holds the option “{a}”.", "Son groupe a l'option « {a} ».";
    FactNoOption => "Their group does not hold the option “{a}”.", "Son groupe n'a pas l'option « {a} ».";
    FactNotOwnGroup => "This is not the group they belong to.", "Ce n'est pas le groupe auquel il appartient.";
    FactOwnGroupEdit => "A local administrator cannot change the group they belong to.", "Un administrateur local ne peut pas modifier son propre groupe.";
    FactWithinRights => "Its members could do nothing they cannot do themselves.", "Ses membres ne pourraient rien faire qu'il ne puisse faire lui-même.";
    FactBeyondRights => "Its members could do more than they can (a level or options they do not hold).", "Ses membres pourraient faire plus que lui (un niveau ou des options qu'il n'a pas).";
    FactRefused => "Refused:", "Refusé :";
    FactNotVisible => "not visible to them.", "invisible pour cette personne.";
    // SPEC rules, as the chains name them
    RuleR04 => "After sign-in a user picks the company to work in, among those they may access.", "Après connexion, l'utilisateur choisit la société où travailler parmi celles qui lui sont accessibles.";
    RuleR05 => "Login as another user: regular administrators any active user, local administrators only users of their area.", "Connexion en tant qu'un autre utilisateur : les administrateurs tout utilisateur actif, les administrateurs locaux ceux de leur zone.";
    RuleR06 => "An area in use cannot be deleted.", "Une zone utilisée ne peut pas être supprimée.";
    RuleR08 => "In a multidimensional directory every company shares the directory's area.", "Dans un répertoire multidimensionnel, toutes les sociétés partagent la zone du répertoire.";
    RuleR09 => "A user group has a level, at most one area and options: the screens and actions its members may use.", "Un groupe a un niveau, au plus une zone et des options : les écrans et actions de ses membres.";
    RuleR11 => "Regular administrators see and manage everything in the account.", "Les administrateurs voient et gèrent tout le compte.";
    RuleR12 => "Local administrators see and manage only the companies, users and groups of their area, never a regular administrator nor their own group.", "Les administrateurs locaux ne voient et ne gèrent que les sociétés, utilisateurs et groupes de leur zone, jamais un administrateur ni leur propre groupe.";
    RuleR13 => "A local administrator always has access to every company of their area.", "Un administrateur local a toujours accès à toutes les sociétés de sa zone.";
    RuleR14 => "Users access only the companies ticked for them; their group's area is the boundary.", "Les utilisateurs n'accèdent qu'aux sociétés cochées pour eux ; la zone de leur groupe est la limite.";
    RuleR16 => "The account always keeps an active regular administrator.", "Le compte garde toujours un administrateur actif.";
    RuleR18 => "Lists of users show only the users of the reader's area.", "Les listes d'utilisateurs ne montrent que ceux de la zone du lecteur.";
    RuleR19 => "The user in charge of a company is a user of its area or a regular administrator.", "Le responsable d'une société est un utilisateur de sa zone ou un administrateur.";
    RuleR21 => "History entries belong to the area of the record they changed; entries of no area are for regular administrators.", "Une entrée d'historique appartient à la zone de l'enregistrement modifié ; celles sans zone sont réservées aux administrateurs.";
    RuleR22 => "Reports and documents carry an area: a user sees those of their own area.", "Rapports et documents portent une zone : un utilisateur voit ceux de sa zone.";
    RuleR31 => "No change by a local administrator lets anyone do what that local administrator cannot.", "Aucun changement fait par un administrateur local ne permet à quiconque de faire ce qu'il ne peut pas faire.";
    RuleR35 => "Administrators sign in with a second factor.", "Les administrateurs se connectent avec un second facteur.";
    // B03
    ReviewsTitle => "Access review", "Revue des accès";
    ReviewsHint => "Review each area's people: who signed in when, who no longer does, who reaches nothing, which invitations wait.", "Passez en revue les personnes de chaque zone : qui s'est connecté quand, qui ne se connecte plus, qui n'accède à rien, quelles invitations attendent.";
    NoAreaPeople => "People of no area", "Personnes sans zone";
    LastReview => "Last review", "Dernière revue";
    NeverReviewed => "Never reviewed", "Jamais revue";
    ReviewOf => "Access review —", "Revue des accès —";
    DormantDays => "Days without a sign-in that make a person dormant", "Jours sans connexion rendant une personne inactive";
    Administrators => "Regular administrators", "Administrateurs";
    LocalAdministrators => "Local administrators", "Administrateurs locaux";
    Users => "Users", "Utilisateurs";
    Active => "Active", "Actifs";
    DisabledCount => "Disabled", "Désactivés";
    Dormant => "Dormant (no sign-in for the days above)", "Inactifs (pas de connexion depuis le nombre de jours ci-dessus)";
    NoCompany => "Users who reach no company", "Utilisateurs n'accédant à aucune société";
    OldInvitations => "Invitations pending for more than 7 days", "Invitations en attente depuis plus de 7 jours";
    ExcessGroups => "Groups holding options their level cannot use", "Groupes ayant des options inutilisables à leur niveau";
    People => "Everyone, least recently signed in first", "Tout le monde, du moins récemment connecté au plus récent";
    Name => "Name", "Nom";
    UserCode => "User code", "Code utilisateur";
    Group => "Group", "Groupe";
    Level => "Level", "Niveau";
    Status => "Status", "Statut";
    LastSignIn => "Last sign-in", "Dernière connexion";
    Never => "never", "jamais";
    InvitedAt => "invited", "invité le";
    ExportCsv => "Export as CSV", "Exporter en CSV";
    ExportCsvSemicolon => "Export as CSV (; for French spreadsheets)", "Exporter en CSV (; pour tableurs français)";
    MarkReviewed => "Mark reviewed", "Marquer comme revue";
    ReviewedBy => "by", "par";
    Nothing => "Nothing to report.", "Rien à signaler.";
    Of => "of", "sur";
}

fn none_or(i: I18n, code: Option<String>) -> String {
    code.unwrap_or_else(|| i.t(X::NoArea).to_string())
}

fn area_code(i: I18n, areas: &[AreaName], area: Option<AreaId>) -> String {
    none_or(
        i,
        area.and_then(|area| {
            areas
                .iter()
                .find(|named| named.id == area)
                .map(|named| named.code.clone())
        }),
    )
}

fn fill(i: I18n, key: X, a: &str, b: &str) -> String {
    i.t(key).replace("{a}", a).replace("{b}", b)
}

/// One fact, in words (`holds` says whether it held).
fn fact_text(i: I18n, areas: &[AreaName], fact: &Fact, holds: bool) -> String {
    let area = |area: Option<AreaId>| area_code(i, areas, area);
    let pick = |yes: X, no: X| i.t(if holds { yes } else { no }).to_string();
    match fact {
        Fact::PersonDisabled => i.t(X::FactDisabled).to_string(),
        Fact::RegularAdministratorSeesAll => i.t(X::FactAdminAll).to_string(),
        Fact::RecordInOwnArea {
            own_area,
            record_area,
        } => fill(
            i,
            if holds {
                X::FactInArea
            } else {
                X::FactNotInArea
            },
            &area(Some(*own_area)),
            &area(*record_area),
        ),
        Fact::RecordOfOwnArea {
            own_area,
            record_area,
        } => fill(
            i,
            if holds {
                X::FactOfArea
            } else {
                X::FactNotOfArea
            },
            &area(*own_area),
            &area(*record_area),
        ),
        Fact::RecordNotRegularAdministrator => pick(X::FactNotAdmin, X::FactAdmin),
        Fact::CompanyTicked => pick(X::FactTicked, X::FactNotTicked),
        Fact::CompanyWithinBoundary {
            boundary,
            company_area,
        } => fill(
            i,
            if holds { X::FactWithin } else { X::FactOutside },
            &area(Some(*boundary)),
            &area(*company_area),
        ),
        Fact::OnlyThemself => pick(X::FactThemself, X::FactNotThemself),
        Fact::OnlyOwnGroup => pick(X::FactOwnGroup, X::FactNotOwnGroupSeen),
        Fact::RegularAdministratorsArePickable => i.t(X::FactAdminsPickable).to_string(),
        Fact::UserLevelPicksNoOne => i.t(X::FactPicksNoOne).to_string(),
        Fact::LevelSuffices { needed, level } => {
            let needed = i.t(match needed {
                LevelNeeded::RegularAdministrator => X::NeedsAdmin,
                LevelNeeded::Administrative => X::NeedsAdministrative,
                LevelNeeded::Any => X::NeedsAny,
            });
            fill(
                i,
                if holds { X::FactLevel } else { X::FactNotLevel },
                i.t(K::level(*level)),
                needed,
            )
        }
        Fact::HoldsOption { option } => fill(
            i,
            if holds {
                X::FactOption
            } else {
                X::FactNoOption
            },
            i.t(K::option(*option)),
            "",
        ),
        Fact::NotOwnGroup => pick(X::FactNotOwnGroup, X::FactOwnGroupEdit),
        Fact::WithinOwnRights => pick(X::FactWithinRights, X::FactBeyondRights),
        Fact::Refused { code } => {
            let why = if *code == DenyCode::NotVisible {
                i.t(X::FactNotVisible).to_string()
            } else {
                format!("{}.", code.as_str().replace('_', " "))
            };
            format!("{} {why}", i.t(X::FactRefused))
        }
    }
}

fn rule_text(rule: &str) -> Option<X> {
    Some(match rule {
        "R04" => X::RuleR04,
        "R05" => X::RuleR05,
        "R06" => X::RuleR06,
        "R08" => X::RuleR08,
        "R09" => X::RuleR09,
        "R11" => X::RuleR11,
        "R12" => X::RuleR12,
        "R13" => X::RuleR13,
        "R14" => X::RuleR14,
        "R16" => X::RuleR16,
        "R18" => X::RuleR18,
        "R19" => X::RuleR19,
        "R21" => X::RuleR21,
        "R22" => X::RuleR22,
        "R31" => X::RuleR31,
        "R35" => X::RuleR35,
        _ => return None,
    })
}

fn kind_key(kind: RecordKind) -> X {
    match kind {
        RecordKind::Company => X::KindCompany,
        RecordKind::User => X::KindUser,
        RecordKind::Group => X::KindGroup,
        RecordKind::Report => X::KindReport,
        RecordKind::History => X::KindHistory,
    }
}

fn verdict_view(
    i: I18n,
    title: X,
    test: &'static str,
    verdict: Verdict,
    areas: &[AreaName],
) -> AnyView {
    let steps: Vec<_> = verdict
        .steps
        .iter()
        .map(|step| {
            let text = fact_text(i, areas, &step.fact, step.holds);
            let mark = if step.holds { "✓" } else { "✗" };
            let rule = step.rule.clone().map(|rule| {
                view! { " "<a class="rule" href=format!("#rule-{rule}")>{format!("[{rule}]")}</a> }
            });
            view! {
                <li class=if step.holds { "holds" } else { "fails" }>
                    <span aria-hidden="true">{mark}</span>" "{text}{rule}
                </li>
            }
        })
        .collect();
    let answer = if verdict.allowed { X::Yes } else { X::No };
    view! {
        <section class="verdict" data-test=test>
            <h2>
                {i.s(title)}": "
                <span class=if verdict.allowed { "tag yes" } else { "tag no" }>{i.s(answer)}</span>
            </h2>
            <ol class="chain">{steps}</ol>
        </section>
    }
    .into_any()
}

fn explanation_view(i: I18n, explained: AccessExplanation) -> AnyView {
    let areas = explained.areas.clone();
    let mut rules: Vec<String> = [
        Some(&explained.see),
        explained.change.as_ref(),
        explained.pick.as_ref(),
    ]
    .into_iter()
    .flatten()
    .flat_map(|verdict| verdict.steps.iter().filter_map(|step| step.rule.clone()))
    .collect();
    rules.sort();
    rules.dedup();
    let pick_title = match explained.kind {
        RecordKind::User => X::MayPickUser,
        RecordKind::Group => X::MayPickGroup,
        _ => X::MayPickCompany,
    };
    let person = format!(
        "{} ({}) {} {} ({}, {} {}){}",
        explained.person.name,
        explained.person.user_code,
        i.t(X::IsInGroup),
        explained.person_group_code,
        i.t(K::level(explained.person_level)),
        i.t(X::AreaWord),
        area_code(i, &areas, explained.person_area_id),
        if explained.person_active {
            String::new()
        } else {
            format!(" — {}", i.t(X::Disabled))
        },
    );
    let company = (explained.kind == RecordKind::Company).then_some(explained.record_id);
    view! {
        <div class="explanation" data-test="explanation">
            <p class="person" data-test="explained-person">{person}</p>
            <p class="record" data-test="explained-record">
                <strong>{i.s(kind_key(explained.kind))}": "</strong>{explained.record_label.clone()}
            </p>
            {verdict_view(i, X::MaySee, "verdict-see", explained.see, &areas)}
            {explained.change.map(|verdict| verdict_view(i, X::MayChange, "verdict-change", verdict, &areas))}
            {explained.pick.map(|verdict| verdict_view(i, pick_title, "verdict-pick", verdict, &areas))}
            <section class="rules">
                <h2>{i.s(X::RulesTitle)}</h2>
                <dl>
                    {rules.into_iter().filter_map(|rule| rule_text(&rule).map(|text| view! {
                        <dt id=format!("rule-{rule}")>{rule.clone()}</dt>
                        <dd>{i.s(text)}</dd>
                    })).collect_view()}
                </dl>
            </section>
            {company.map(|company| view! { <Seers company/> })}
        </div>
    }
    .into_any()
}

/// B01's reverse question: who can see the company, by reason, a page at a time.
#[component]
fn Seers(company: i64) -> impl IntoView {
    let i = use_i18n();
    let seers = load(move || api::company_seers(company, ListQuery::default()));
    let more = RwSignal::new(Vec::<(SeerReason, Vec<String>, Option<String>)>::new());
    view! {
        <section class="seers" data-test="seers">
            <h2>{i.s(X::SeersTitle)}</h2>
            {move || match seers.get() {
                None => loading_view(i),
                Some(Err(failure)) => failure_view(i, failure, None),
                Some(Ok(CompanySeers { groups, .. })) => groups.into_iter().map(|group| {
                    let reason = group.reason;
                    let title = match reason {
                        SeerReason::RegularAdministrator => X::SeersRegular,
                        SeerReason::LocalAdministrator => X::SeersLocal,
                        SeerReason::Ticked => X::SeersTicked,
                    };
                    let first: Vec<String> = group.items.iter().map(|u| format!("{} ({})", u.name, u.user_code)).collect();
                    let cursor = group.next_cursor.clone();
                    let load_more = move |_| {
                        let after = more.get_untracked().iter().rev().find(|(r, _, _)| *r == reason)
                            .map(|(_, _, next)| next.clone()).unwrap_or_else(|| cursor.clone());
                        let Some(after) = after else { return };
                        let query = ListQuery {
                            cursor: Some(after),
                            filters: vec![("reason", reason.as_str().to_string())],
                            ..ListQuery::default()
                        };
                        leptos::task::spawn_local(async move {
                            if let Ok(page) = api::company_seers(company, query).send().await {
                                if let Some(group) = page.groups.into_iter().next() {
                                    let names = group.items.iter().map(|u| format!("{} ({})", u.name, u.user_code)).collect();
                                    more.update(|more| more.push((reason, names, group.next_cursor)));
                                }
                            }
                        });
                    };
                    let has_more = move || {
                        more.get().iter().rev().find(|(r, _, _)| *r == reason)
                            .map_or(group.next_cursor.is_some(), |(_, _, next)| next.is_some())
                    };
                    view! {
                        <h3>{i.s(title)}" — "{group.total}</h3>
                        <ul data-test=format!("seers-{}", reason.as_str())>
                            {first.is_empty().then(|| view! { <li>{i.s(X::NoOne)}</li> })}
                            {first.into_iter().map(|name| view! { <li>{name}</li> }).collect_view()}
                            {move || more.get().into_iter().filter(|(r, _, _)| *r == reason)
                                .flat_map(|(_, names, _)| names).map(|name| view! { <li>{name}</li> }).collect_view()}
                        </ul>
                        {move || has_more().then(|| view! {
                            <button type="button" on:click=load_more.clone()>{i.s(X::More)}</button>
                        })}
                    }
                }).collect_view().into_any(),
            }}
        </section>
    }
}

/// /console/explain?user=…&kind=…&id=…
#[component]
pub fn ExplainPage() -> impl IntoView {
    let i = use_i18n();
    let query = use_query_map();
    let number = move |name: &str| {
        query.with(|query| query.get(name).and_then(|value| value.parse::<i64>().ok()))
    };
    let kind_of = move || {
        query
            .with(|query| query.get("kind"))
            .and_then(|kind| RecordKind::parse(&kind))
    };
    let person = RwSignal::new(String::new());
    let kind = RwSignal::new(kind_of().unwrap_or(RecordKind::Company));
    let record = RwSignal::new(String::new());
    // A link from a user's or a company's form names one side by id: show its code.
    if let Some(user) = number("user") {
        leptos::task::spawn_local(async move {
            if let Ok(user) = api::user(user).send().await {
                person.try_set(user.user_code);
            }
        });
    }
    if let (Some(id), Some(kind)) = (number("id"), kind_of()) {
        leptos::task::spawn_local(async move {
            let code = match kind {
                RecordKind::Company => api::company(id).send().await.map(|c| c.code).ok(),
                RecordKind::Group => api::group(id).send().await.map(|g| g.code).ok(),
                RecordKind::User => api::user(id).send().await.map(|u| u.user_code).ok(),
                RecordKind::Report | RecordKind::History => Some(format!("#{id}")),
            };
            if let Some(code) = code {
                record.try_set(code);
            }
        });
    }
    let busy = Busy::new();
    let problem = RwSignal::new(None::<X>);
    let navigate = use_navigate();
    let explain = move |_| {
        let (typed_person, typed_record, chosen) = (
            person.get_untracked().trim().to_lowercase(),
            record.get_untracked().trim().to_string(),
            kind.get_untracked(),
        );
        let navigate = navigate.clone();
        problem.set(None);
        let (known_user, known_id) = (number("user"), number("id"));
        busy.run_steps(
            async move {
                let people = api::pick_users(Picker::Users, typed_person.clone())
                    .send()
                    .await?;
                let user = people
                    .items
                    .iter()
                    .find(|u| u.user_code.to_lowercase() == typed_person)
                    .map(|u| u.id.0);
                let search = ListQuery {
                    q: typed_record.clone(),
                    ..ListQuery::default()
                };
                let same = |code: &str| code.eq_ignore_ascii_case(&typed_record);
                let id = match chosen {
                    RecordKind::Company => api::companies(search)
                        .send()
                        .await?
                        .items
                        .into_iter()
                        .find(|c| same(&c.code))
                        .map(|c| c.id.0),
                    RecordKind::Group => api::groups(search)
                        .send()
                        .await?
                        .items
                        .into_iter()
                        .find(|g| same(&g.code))
                        .map(|g| g.id.0),
                    RecordKind::User => api::pick_users(Picker::Users, typed_record.clone())
                        .send()
                        .await?
                        .items
                        .into_iter()
                        .find(|u| same(&u.user_code))
                        .map(|u| u.id.0),
                    RecordKind::Report => api::reports(search)
                        .send()
                        .await?
                        .items
                        .into_iter()
                        .find(|r| same(&r.code))
                        .map(|r| r.id.0),
                    RecordKind::History => typed_record
                        .trim_start_matches('#')
                        .parse()
                        .ok()
                        .or(known_id),
                };
                Ok((user.or(known_user.filter(|_| typed_person.is_empty())), id))
            },
            move |(user, id): (Option<i64>, Option<i64>)| match (user, id) {
                (None, _) => problem.set(Some(X::NotFoundPerson)),
                (_, None) => problem.set(Some(X::NotFoundRecord)),
                (Some(user), Some(id)) => navigate(
                    &format!(
                        "/console/explain?user={user}&kind={}&id={id}",
                        chosen.as_str()
                    ),
                    Default::default(),
                ),
            },
        );
    };
    let explained = load(move || match (number("user"), kind_of(), number("id")) {
        (Some(user), Some(kind), Some(id)) => api::explain(user, kind.as_str(), id).map(Some),
        _ => crate::api::Call::ready(None),
    });
    view! {
        <h1>{i.s(X::ExplainTitle)}</h1>
        <p class="hint">{i.s(X::ExplainHint)}</p>
        <form class="record" novalidate on:submit=move |event| { event.prevent_default(); explain(()); }>
            <UserPicker id="explain-person" label=X::Person hint=X::PersonHint picker=Picker::Users value=person/>
            <div class="field">
                <label for="explain-kind">{i.s(X::RecordKindLabel)}</label>
                <select id="explain-kind" on:change=move |event| {
                    if let Some(chosen) = RecordKind::parse(&event_target_value(&event)) {
                        kind.set(chosen);
                    }
                }>
                    {[RecordKind::Company, RecordKind::User, RecordKind::Group, RecordKind::Report, RecordKind::History]
                        .into_iter().map(|choice| view! {
                            <option value=choice.as_str() selected=move || kind.get() == choice>{i.s(kind_key(choice))}</option>
                        }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="explain-record">{i.s(X::RecordCode)}</label>
                <input id="explain-record" type="text" aria-describedby="explain-record-hint"
                    prop:value=move || record.get()
                    on:input=move |event| record.set(event_target_value(&event))/>
                <p class="hint" id="explain-record-hint">{i.s(X::RecordHint)}</p>
            </div>
            {move || problem.get().map(|key| view! { <p class="error" role="alert" data-test="explain-problem">{i.s(key)}</p> })}
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.pending.get()>{i.s(X::Explain)}</button>
            </div>
            {move || busy.failure.get().map(|failure| failure_view(i, failure, None))}
        </form>
        {move || match explained.get() {
            None => loading_view(i),
            Some(Err(failure)) => failure_view(i, failure, None),
            Some(Ok(None)) => ().into_any(),
            Some(Ok(Some(explained))) => explanation_view(i, explained),
        }}
    }
}

/// /console/review: the areas the actor reviews.
#[component]
pub fn ReviewsPage() -> impl IntoView {
    let i = use_i18n();
    let areas = load(api::review_areas);
    view! {
        <h1>{i.s(X::ReviewsTitle)}</h1>
        <p class="hint">{i.s(X::ReviewsHint)}</p>
        {move || match areas.get() {
            None => loading_view(i),
            Some(Err(failure)) => failure_view(i, failure, None),
            Some(Ok(areas)) => view! {
                <ul class="cards" data-test="review-areas">
                    {areas.into_iter().map(|area| {
                        let name = area.area_code.clone().unwrap_or_else(|| i.t(X::NoAreaPeople).to_string());
                        view! {
                            <li>
                                <a href=format!("/console/review/{}", area.key)>{name}</a>
                                " — "{i.s(X::LastReview)}": "{mark_text(i, area.last_review)}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

fn mark_text(i: I18n, mark: Option<ReviewMark>) -> String {
    match mark {
        None => i.t(X::NeverReviewed).to_string(),
        Some(mark) => match mark.by {
            Some(by) => format!("{} {} {by}", utc(mark.at), i.t(X::ReviewedBy)),
            None => utc(mark.at),
        },
    }
}

fn people_table(i: I18n, title: X, test: &'static str, list: ReviewList) -> AnyView {
    let total = list.total;
    let shown = list.items.len();
    view! {
        <section class="review-list" data-test=test>
            <h2>{i.s(title)}" — "{total}</h2>
            {if list.items.is_empty() {
                view! { <p>{i.s(X::Nothing)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table>
                            <thead><tr>
                                <th scope="col">{i.s(X::Name)}</th>
                                <th scope="col">{i.s(X::UserCode)}</th>
                                <th scope="col">{i.s(X::Group)}</th>
                                <th scope="col">{i.s(X::Level)}</th>
                                <th scope="col">{i.s(X::Status)}</th>
                                <th scope="col">{i.s(X::LastSignIn)}</th>
                            </tr></thead>
                            <tbody>
                                {list.items.into_iter().map(|person| {
                                    let last = match (person.last_sign_in_at, person.invited_at) {
                                        (Some(at), _) => utc(at),
                                        (None, Some(at)) => format!("{} ({} {})", i.t(X::Never), i.t(X::InvitedAt), utc(at)),
                                        (None, None) => i.t(X::Never).to_string(),
                                    };
                                    view! {
                                        <tr>
                                            <td><a href=format!("/console/users/{}", person.id)>{person.name.clone()}</a></td>
                                            <td>{person.user_code.clone()}</td>
                                            <td>{person.group_code.clone()}</td>
                                            <td>{i.s(K::level(person.access_level))}</td>
                                            <td>{i.s(if person.active { X::Active } else { X::DisabledCount })}</td>
                                            <td>{last}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {((shown as i64) < total).then(|| view! { <p class="hint">{shown}" "{i.s(X::Of)}" "{total}</p> })}
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

fn review_view(
    i: I18n,
    key: String,
    review: AccessReview,
    days: i64,
    marked: RwSignal<Option<ReviewMark>>,
) -> AnyView {
    let busy = Busy::new();
    let mark = {
        let key = key.clone();
        move |_| busy.run(api::mark_reviewed(&key), move |mark| marked.set(Some(mark)))
    };
    let last = review.last_review.clone();
    let csv = format!("/api/reviews/{key}/csv?dormant_days={days}");
    let counts = [
        (X::Administrators, review.administrators),
        (X::LocalAdministrators, review.local_administrators),
        (X::Users, review.users),
        (X::Active, review.active),
        (X::DisabledCount, review.disabled),
    ];
    view! {
        <dl class="counts" data-test="review-counts">
            {counts.into_iter().map(|(key, count)| view! { <dt>{i.s(key)}</dt><dd>{count}</dd> }).collect_view()}
        </dl>
        <p data-test="last-review">
            <strong>{i.s(X::LastReview)}": "</strong>
            {move || mark_text(i, marked.get().or_else(|| last.clone()))}
        </p>
        <div class="actions">
            <button type="button" class="primary" data-test="mark-reviewed" on:click=mark
                disabled=move || busy.pending.get()>{i.s(X::MarkReviewed)}</button>
            <a class="button" href=csv.clone() download="">{i.s(X::ExportCsv)}</a>
            <a class="button" href=format!("{csv}&separator=semicolon") download="">{i.s(X::ExportCsvSemicolon)}</a>
        </div>
        {busy.status(None)}
        {people_table(i, X::Dormant, "review-dormant", review.dormant)}
        {people_table(i, X::NoCompany, "review-no-company", review.no_company)}
        {people_table(i, X::OldInvitations, "review-old-invitations", review.old_invitations)}
        <section class="review-list" data-test="review-groups">
            <h2>{i.s(X::ExcessGroups)}" — "{review.excess_groups.len()}</h2>
            {if review.excess_groups.is_empty() {
                view! { <p>{i.s(X::Nothing)}</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {review.excess_groups.into_iter().map(|group| {
                            let options: Vec<&str> = group.inert_options.iter().map(|o| i.t(K::option(*o))).collect();
                            view! {
                                <li>
                                    <a href=format!("/console/groups/{}", group.id)>{group.code.clone()}</a>
                                    " ("{i.s(K::level(group.access_level))}"): "{options.join(", ")}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {people_table(i, X::People, "review-people", review.people)}
    }
    .into_any()
}

/// /console/review/<area id or `none`>.
#[component]
pub fn ReviewPage() -> impl IntoView {
    let i = use_i18n();
    let key = use_record_id();
    let days = RwSignal::new(90i64);
    let marked = RwSignal::new(None::<ReviewMark>);
    let review = load(move || api::review(&key.get().unwrap_or_default(), days.get()));
    view! {
        {move || {
            let title = match review.get() {
                Some(Ok(review)) => review.area_code.clone().unwrap_or_else(|| i.t(X::NoAreaPeople).to_string()),
                _ => String::new(),
            };
            view! { <h1>{i.s(X::ReviewOf)}" "{title}</h1> }
        }}
        <div class="field">
            <label for="dormant-days">{i.s(X::DormantDays)}</label>
            <input id="dormant-days" type="number" min="1" max="3650" prop:value=move || days.get().to_string()
                on:change=move |event| {
                    if let Ok(value) = event_target_value(&event).parse::<i64>() {
                        if (1..=3650).contains(&value) {
                            days.set(value);
                        }
                    }
                }/>
        </div>
        {move || match review.get() {
            None => loading_view(i),
            Some(Err(failure)) => failure_view(i, failure, None),
            Some(Ok(data)) => review_view(i, key.get_untracked().unwrap_or_default(), data, days.get_untracked(), marked),
        }}
    }
}
