//! Every sentence the console shows, in English and French, in one place, so no screen can mix
//! languages. A screen asks for `K::Something` and gets it in the chosen language; the choice is
//! remembered in the browser (localStorage) and sets `<html lang>`.

use leptos::prelude::*;
use precinct_core::api::Language;
use precinct_core::policy::{AccessLevel, OptionCode};

use precinct_core::problem::{french_reason, french_status};

use crate::api::ApiFailure;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Fr,
            Lang::Fr => Lang::En,
        }
    }
}

/// What a table of strings gives: its text in a language.
pub trait Text: Copy + Send + Sync + 'static {
    fn text(self, lang: Lang) -> &'static str;
}

/// A table of strings: an enum `$table` with one variant per string, and its [`Text`]. The console
/// has `K`; the account pages have their own table (`crate::account::A`), so the console does not
/// carry sentences only they show (its size budget).
macro_rules! strings {
    ($table:ident; $($key:ident => $en:literal, $fr:literal;)*) => {
        /// One translated string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $table { $($key,)* }

        impl $crate::i18n::Text for $table {
            fn text(self, lang: $crate::i18n::Lang) -> &'static str {
                let (en, fr) = match self { $($table::$key => ($en, $fr),)* };
                match lang {
                    $crate::i18n::Lang::En => en,
                    $crate::i18n::Lang::Fr => fr,
                }
            }
        }
    };
}
pub(crate) use strings;

strings! {
    K;
    // Shared words
    Loading => "Loading…", "Chargement…";
    Save => "Save", "Enregistrer";
    Saving => "Saving…", "Enregistrement…";
    Saved => "Saved.", "Enregistré.";
    Create => "Create", "Créer";
    Delete => "Delete", "Supprimer";
    Reload => "Reload", "Recharger";
    TryAgain => "Try again", "Réessayer";
    Search => "Search", "Rechercher";
    SortBy => "Sort by", "Trier par";
    LeaveUnsaved => "This form has edits that are not saved. Leave without saving them?", "Ce formulaire a des modifications non enregistrées. Quitter sans les enregistrer ?";
    EditsRestored => "Your unsaved edits are back: Save to keep them.", "Vos modifications non enregistrées sont revenues : enregistrez pour les garder.";
    SessionEndedEdits => "Your session has ended, so this was not saved. Sign in again: your edits are kept and you come back here.", "Votre session a pris fin : rien n'a été enregistré. Reconnectez-vous : vos modifications sont gardées et vous revenez ici.";
    SignInAgain => "Sign in again", "Se reconnecter";
    SaveAndExit => "Save and Exit", "Enregistrer et quitter";
    DirectoryAreaMoves => "companies of this multidimensional directory, this one included, move to the new area with it: their directory's area is theirs.", "sociétés de ce répertoire multidimensionnel, celle-ci comprise, passent dans la nouvelle zone avec elle : la zone du répertoire est la leur.";
    MoveThemAll => "Move them all", "Les déplacer toutes";
    SearchHint => "Any word of the name or code…", "Un mot du nom ou du code…";
    Previous => "Previous page", "Page précédente";
    Next => "Next page", "Page suivante";
    Pages => "Pages", "Pages";
    NothingFound => "Nothing to show here yet.", "Rien à afficher pour l'instant.";
    NothingMatches => "Nothing matches this search.", "Aucun résultat pour cette recherche.";
    Code => "Code", "Code";
    Name => "Name", "Nom";
    Description => "Description", "Description";
    Area => "Area", "Zone";
    NoArea => "No area", "Aucune zone";
    AnyArea => "All areas", "Toutes les zones";
    Directory => "Directory", "Répertoire";
    AnyDirectory => "All directories", "Tous les répertoires";
    Group => "User group", "Groupe d'utilisateurs";
    AnyGroup => "All groups", "Tous les groupes";
    Status => "Status", "État";
    AnyStatus => "All", "Tous";
    Active => "Active", "Actif";
    Disabled => "Disabled", "Désactivé";
    Yes => "Yes", "Oui";
    No => "No", "Non";
    Company => "Company", "Société";
    Back => "Back to the list", "Retour à la liste";
    ConfirmDelete => "Delete this record? This cannot be undone.", "Supprimer cet enregistrement ? C'est définitif.";
    Required => "required", "obligatoire";
    Choose => "Choose…", "Choisir…";
    NotFoundTitle => "Page not found", "Page introuvable";
    NotFoundText => "There is no page at this address.", "Il n'y a pas de page à cette adresse.";
    NotAvailableTitle => "Not available", "Non disponible";
    NotAvailableText => "Your access does not include this screen.", "Vos accès ne comprennent pas cet écran.";
    GoToApplications => "Go to My Applications", "Aller à Mes applications";
    SkipToContent => "Skip to content", "Aller au contenu";
    LanguageSwitch => "Français", "English";
    // Failures
    NetworkError => "Precinct cannot be reached. Check your connection and try again.", "Precinct est injoignable. Vérifiez votre connexion et réessayez.";
    ChangedBySomeoneElse => "This record was changed by someone else since you opened it. Reload to see their changes, then make yours again.", "Cet enregistrement a été modifié par quelqu'un d'autre depuis son ouverture. Rechargez pour voir ses modifications, puis refaites les vôtres.";
    NotVisible => "This record does not exist or is outside what you may see.", "Cet enregistrement n'existe pas ou est hors de ce que vous pouvez voir.";
    FixField => "Check the highlighted field.", "Vérifiez le champ signalé.";
    // Sign-in and portal
    SignInTitle => "Sign in to Precinct", "Connexion à Precinct";
    UserCode => "User code", "Code utilisateur";
    Password => "Password", "Mot de passe";
    SignIn => "Sign in", "Se connecter";
    SigningIn => "Signing in…", "Connexion…";
    SignOut => "Sign out", "Se déconnecter";
    ForgotPassword => "Forgot password?", "Mot de passe oublié ?";
    Sending => "Sending…", "Envoi…";
    NewPassword => "New password", "Nouveau mot de passe";
    ConfirmPassword => "Confirm the password", "Confirmez le mot de passe";
    PasswordShort => "The password needs at least 12 characters.", "Le mot de passe doit comporter au moins 12 caractères.";
    PasswordsDiffer => "The two passwords are not the same.", "Les deux mots de passe ne sont pas identiques.";
    Options => "Options", "Options";
    LoginAsOption => "Login as another user (administrators)", "Se connecter en tant qu'un autre utilisateur (administrateurs)";
    ActingAs => "You are acting as", "Vous agissez en tant que";
    SignedInAs => "signed in as", "connecté en tant que";
    BackToMyself => "Back to my own account", "Revenir à mon compte";
    MyApplications => "My Applications", "Mes applications";
    SecurityConsole => "Security Console", "Console de sécurité";
    SecurityConsoleText => "Users, user groups, companies, areas and history.", "Utilisateurs, groupes, sociétés, zones et historique.";
    Welcome => "Welcome,", "Bienvenue,";
    WorkingIn => "Working in", "Société de travail";
    NoCompanyChosen => "Choose the company to work in.", "Choisissez la société dans laquelle travailler.";
    ChangeCompany => "Change company", "Changer de société";
    SelectCompanyTitle => "Company selection", "Choix de la société";
    SelectCompanyText => "Pick the company you want to work in; you see only the companies you may access.", "Choisissez la société où travailler ; seules les sociétés auxquelles vous avez accès sont listées.";
    Current => "current", "actuelle";
    Menu => "Menu", "Menu";
    MainNav => "Console sections", "Sections de la console";
    // Sections
    NavHome => "Home", "Accueil";
    NavUsers => "Security Management", "Gestion de la sécurité";
    NavGroups => "User Groups Management", "Gestion des groupes d'utilisateurs";
    NavAreas => "Area Management", "Gestion des zones";
    NavCompanies => "Modify Company Settings", "Paramètres des sociétés";
    NavDirectories => "Directories", "Répertoires";
    NavHistory => "History", "Historique";
    NavAbout => "About > Properties > Companies", "À propos > Propriétés > Sociétés";
    NavProjects => "Projects", "Projets";
    NavEmployees => "Employees", "Employés";
    NavReports => "Reports & Documents", "Rapports et documents";
    NavSelectCompany => "Company selection", "Choix de la société";
    // Users
    UsersTitle => "Users", "Utilisateurs";
    NewUser => "New user", "Nouvel utilisateur";
    NewUserTitle => "New user", "Nouvel utilisateur";
    TabDescription => "Description", "Description";
    TabAccess => "Access to Companies", "Accès aux sociétés";
    TabHistory => "History", "Historique";
    TabsLabel => "User record sections", "Sections de la fiche utilisateur";
    Identification => "Identification", "Identification";
    UserInformation => "User Information", "Informations utilisateur";
    UserCodeHint => "The person's email address; it is also their sign-in.", "L'adresse e-mail de la personne ; elle sert aussi à se connecter.";
    Language => "Language", "Langue";
    English => "English", "Anglais";
    French => "French", "Français";
    Disable => "Disable", "Désactiver";
    Enable => "Enable", "Réactiver";
    UserDisabledNote => "This user is disabled and cannot sign in.", "Cet utilisateur est désactivé et ne peut pas se connecter.";
    MoveWarning => "Warning", "Avertissement";
    ConfirmCrossAreaMove => "This moves the user to another area; a new user and group there is the recommended way. Move anyway?", "Cela déplace l'utilisateur vers une autre zone ; un nouvel utilisateur et un groupe y sont recommandés. Déplacer quand même ?";
    MoveAnyway => "Move and save", "Déplacer et enregistrer";
    Cancel => "Cancel", "Annuler";
    UserCreatedInvited => "User created; invitation sent.", "Utilisateur créé ; invitation envoyée.";
    UserCreatedNotInvited => "User created, but no invitation was sent:", "Utilisateur créé, mais aucune invitation n'a été envoyée :";
    ResendBelow => "Resend invitation is below.", "« Renvoyer l'invitation » est plus bas.";
    MailConfig => "User-Specific Email Configuration", "Configuration e-mail propre à l'utilisateur";
    MailUser => "Mail user", "Utilisateur de messagerie";
    MailUserHint => "Always the user code; it follows any change of the code.", "Toujours le code utilisateur ; il suit tout changement du code.";
    MailNewUser => "The test email is available once the user is created; creating the user emails the invitation.", "L'e-mail de test est disponible une fois l'utilisateur créé ; la création envoie l'invitation par e-mail.";
    MailPasswordOptional => "Mail password (optional)", "Mot de passe de messagerie (facultatif)";
    MailPassword => "Mail password", "Mot de passe de messagerie";
    MailPasswordSet => "set", "défini";
    MailPasswordNotSet => "not set", "non défini";
    NewMailPassword => "New mail password", "Nouveau mot de passe de messagerie";
    ConfirmMailPassword => "Confirm the mail password", "Confirmez le mot de passe de messagerie";
    SetMailPassword => "Set the mail password", "Définir le mot de passe de messagerie";
    MailPasswordSaved => "The mail password is saved.", "Le mot de passe de messagerie est enregistré.";
    MailPasswordHint => "Separate from the sign-in password; used only to send mail through the provider.", "Distinct du mot de passe de connexion ; sert uniquement à envoyer des e-mails via le fournisseur.";
    FromAccountSettings => "From the account's mail settings (General Settings > Miscellaneous):", "Issus des paramètres de messagerie du compte (Paramètres généraux > Divers) :";
    MailNotConfigured => "The account has no mail settings yet: a regular administrator sets them in General Settings > Miscellaneous.", "Le compte n'a pas encore de paramètres de messagerie : un administrateur les définit dans Paramètres généraux > Divers.";
    SendTestEmail => "Send test email", "Envoyer un e-mail de test";
    TestEmailSent => "Test email sent to", "E-mail de test envoyé à";
    ResendInvitation => "Resend invitation", "Renvoyer l'invitation";
    InvitationSent => "The invitation has been sent again.", "L'invitation a été renvoyée.";
    // General Settings > Miscellaneous, Outbox, Preferences
    NavMailSettings => "General Settings > Miscellaneous", "Paramètres généraux > Divers";
    NavOutbox => "Outbox", "Boîte d'envoi";
    NavPreferences => "Preferences", "Préférences";
    MailSettingsTitle => "General Settings > Miscellaneous", "Paramètres généraux > Divers";
    MailSettingsLegend => "Mail", "Messagerie";
    MailSettingsHint => "How Precinct sends invitations, password links and test emails for the whole account.", "Comment Precinct envoie les invitations, les liens de mot de passe et les e-mails de test pour tout le compte.";
    Provider => "Mail provider", "Fournisseur de messagerie";
    ProviderOutbox => "Local outbox — messages are kept here, nothing is delivered", "Boîte d'envoi locale — les messages restent ici, rien n'est distribué";
    ProviderResend => "Resend (HTTP API, API key)", "Resend (API HTTP, clé d'API)";
    ProviderPostmark => "Postmark (HTTP API, server token)", "Postmark (API HTTP, jeton serveur)";
    ProviderRelay => "HTTP relay (each user's mail user and mail password)", "Relais HTTP (utilisateur et mot de passe de messagerie de chaque utilisateur)";
    ApiBaseUrl => "API base URL", "URL de base de l'API";
    ApiBaseUrlHint => "Leave empty to use the provider's own address.", "Laissez vide pour utiliser l'adresse du fournisseur.";
    ApiKeyStatus => "Stored API key:", "Clé d'API enregistrée :";
    NewApiKey => "New API key", "Nouvelle clé d'API";
    NewApiKeyHint => "Write-only: leave empty to keep the stored key.", "En écriture seule : laissez vide pour garder la clé enregistrée.";
    RemoveApiKey => "Remove the stored API key", "Supprimer la clé d'API enregistrée";
    SenderAddress => "Sender address", "Adresse d'expédition";
    SenderName => "Sender name", "Nom de l'expéditeur";
    EmailInvalid => "This is not a valid email address, such as name@example.com.", "Ce n'est pas une adresse e-mail valide, comme nom@exemple.com.";
    OutboxTitle => "Outbox", "Boîte d'envoi";
    OutboxBanner => "This is a local outbox: messages are kept here and nothing is delivered to anyone. Choose an HTTP provider in General Settings > Miscellaneous to deliver mail.", "Ceci est une boîte d'envoi locale : les messages restent ici et rien n'est distribué. Choisissez un fournisseur HTTP dans Paramètres généraux > Divers pour distribuer le courrier.";
    To => "To", "À";
    From => "From", "De";
    MailInvitation => "Invitation", "Invitation";
    MailReset => "Password reset", "Réinitialisation du mot de passe";
    MailTest => "Test email", "E-mail de test";
    PreferencesTitle => "Preferences", "Préférences";
    PrefEmail => "Email", "E-mail";
    PrefGeneral => "General", "Général";
    PreferencesTabs => "Preferences sections", "Sections des préférences";
    PrefAccount => "Management of my Account", "Gestion de mon compte";
    // Access to companies
    AccessLocked => "A local administrator always has access to every company of their area; this cannot be narrowed.", "Un administrateur local a toujours accès à toutes les sociétés de sa zone ; cela ne peut pas être restreint.";
    AccessHint => "Tick the companies this user may access. You see only the companies you may see yourself.", "Cochez les sociétés accessibles à cet utilisateur. Vous ne voyez que les sociétés que vous pouvez voir vous-même.";
    SaveAccess => "Save access", "Enregistrer les accès";
    // Groups
    GroupsTitle => "User groups", "Groupes d'utilisateurs";
    NewGroup => "New user group", "Nouveau groupe";
    AccessLevel => "Access level", "Niveau d'accès";
    Members => "Members", "Membres";
    OptionsTitle => "Access to options", "Accès aux options";
    OptionsHint => "Only the options you hold yourself can be given.", "Seules les options que vous détenez peuvent être données.";
    AdminAllOptions => "An Administrator group always has every option and no area.", "Un groupe Administrateur a toujours toutes les options et aucune zone.";
    AreaFixed => "Groups you create get your area.", "Les groupes que vous créez reçoivent votre zone.";
    // Areas
    AreasTitle => "Areas", "Zones";
    NewArea => "New area", "Nouvelle zone";
    // Directories
    DirectoriesTitle => "Company directories", "Répertoires de sociétés";
    NewDirectory => "New directory", "Nouveau répertoire";
    Multidimensional => "Multidimensional mode", "Mode multidimensionnel";
    MultidimensionalHint => "The directory carries the area: every company in it shares that area.", "Le répertoire porte la zone : toutes ses sociétés partagent cette zone.";
    // Companies
    CompaniesTitle => "Companies", "Sociétés";
    NewCompany => "New company", "Nouvelle société";
    CompanyArea => "Company area", "Zone de la société";
    AreaAdminsOnly => "Only regular administrators change a company's area.", "Seuls les administrateurs changent la zone d'une société.";
    UserInCharge => "User in charge", "Responsable";
    CurrentPassword => "Current password", "Mot de passe actuel";
    ChangePasswordTitle => "Change my password", "Changer mon mot de passe";
    Continue => "Continue", "Continuer";
    MfaSetUp => "Set up two-step sign-in", "Configurer la connexion en deux étapes";
    SessionsTitle => "Where I am signed in", "Où je suis connecté";
    AddressTaken => "Another user proved this address first: this user cannot accept the invitation. Change the user code or delete the user.", "Un autre utilisateur a confirmé cette adresse le premier : cet utilisateur ne peut pas accepter l'invitation. Changez le code utilisateur ou supprimez l'utilisateur.";
    SecondFactorField => "Second factor", "Second facteur";
    AuthenticatorApp => "authenticator app", "application d'authentification";
    ResetMfa => "Reset two-step sign-in", "Réinitialiser la connexion en deux étapes";
    ConfirmResetMfa => "Reset this user's two-step sign-in? Their sessions end and they set it up again at their next sign-in.", "Réinitialiser la connexion en deux étapes de cet utilisateur ? Ses sessions prennent fin et il la configure de nouveau à sa prochaine connexion.";
    AnyUserInCharge => "Any", "Tous";
    UserInChargeOutsideAreaFilter => "Outside the company's area", "Hors de la zone de la société";
    AnotherArea => "(another area)", "(une autre zone)";
    LinkSentBy => "Link sent by", "Lien envoyé par";
    PersonOutsideArea => "a user outside your area", "un utilisateur hors de votre zone";
    UserInChargeHidden => "A user outside your area is in charge; empty keeps them.", "Un utilisateur hors de votre zone est responsable ; vide le garde.";
    UserInChargeOutsideArea => "The user in charge is not of this company's area.", "Le responsable n'est pas de la zone de cette société.";
    UserInChargeHint => "Type to search users of your area and the administrators.", "Tapez pour chercher parmi les utilisateurs de votre zone et les administrateurs.";
    // History
    HistoryTitle => "History", "Historique";
    UserFrom => "From user", "De l'utilisateur";
    UserTo => "To user", "À l'utilisateur";
    UserPickHint => "Type to search users of your area.", "Tapez pour chercher les utilisateurs de votre zone.";
    FromDate => "From date (UTC)", "Du (UTC)";
    ToDate => "To date (UTC)", "Au (UTC)";
    RecordKind => "Record", "Type d'enregistrement";
    AnyRecord => "All records", "Tous";
    Who => "Who", "Qui";
    OnBehalfOf => "on behalf of", "pour le compte de";
    Changes => "Changes", "Modifications";
    Empty => "(empty)", "(vide)";
    SecretChanged => "(changed)", "(modifié)";
    ApiKeyField => "API key", "Clé d'API";
    ActingAsField => "Acting as", "Agit en tant que";
    KindUser => "Users", "Utilisateurs";
    KindGroup => "User groups", "Groupes";
    KindCompany => "Companies", "Sociétés";
    KindArea => "Areas", "Zones";
    KindDirectory => "Directories", "Répertoires";
    KindSession => "Sessions", "Sessions";
    KindAccount => "Account", "Compte";
    // Catalog screens
    AboutTitle => "About > Properties > Companies", "À propos > Propriétés > Sociétés";
    AboutText => "The companies you can see, each with its area.", "Les sociétés que vous pouvez voir, chacune avec sa zone.";
    ProjectsTitle => "Projects", "Projets";
    EmployeesTitle => "Employees", "Employés";
    PickCompanyFirst => "Choose a company to see its records.", "Choisissez une société pour voir ses enregistrements.";
    ReportsTitle => "Reports & Documents", "Rapports et documents";
    Title => "Title", "Titre";
    Kind => "Kind", "Type";
    KindReport => "Report", "Rapport";
    KindDocument => "Document", "Document";
    // Access levels
    LevelAdministrator => "Administrator", "Administrateur";
    LevelLocal => "Local Administrator", "Administrateur local";
    LevelUser => "User", "Utilisateur";
    // Options catalog
    OptUsers => "Manage users", "Gérer les utilisateurs";
    OptGroups => "Manage user groups", "Gérer les groupes d'utilisateurs";
    OptCompanies => "Manage companies", "Gérer les sociétés";
    OptDirectories => "Manage directories", "Gérer les répertoires";
    OptAreas => "Manage areas", "Gérer les zones";
    OptHistory => "Read history", "Consulter l'historique";
    OptReports => "Read reports and documents", "Consulter les rapports et documents";
    OptProjects => "Read projects", "Consulter les projets";
    OptEmployees => "Read employees", "Consulter les employés";
    OptMail => "Manage mail settings", "Gérer les paramètres de messagerie";
    OptLoginAs => "Login as another user", "Se connecter en tant qu'un autre utilisateur";
    OptPreferences => "Own preferences", "Préférences personnelles";
    // R24 live warnings (the sentences of precinct_core::validate::user_code_problem)
    CodeRequired => "The user code is required: enter the person's email address.", "Le code utilisateur est obligatoire : saisissez l'adresse e-mail de la personne.";
    CodeTooLong => "The user code is too long: an email address has at most 254 characters.", "Le code utilisateur est trop long : une adresse e-mail a au plus 254 caractères.";
    CodeNoAt => "The user code must be an email address, such as name@example.com (no @ found).", "Le code utilisateur doit être une adresse e-mail, comme nom@exemple.com (il manque le @).";
    CodeNoDot => "The user code must be an email address with a full domain, such as name@example.com.", "Le code utilisateur doit être une adresse e-mail avec un domaine complet, comme nom@exemple.com.";
    CodeInvalid => "The user code is not a valid email address, such as name@example.com.", "Le code utilisateur n'est pas une adresse e-mail valide, comme nom@exemple.com.";
    // B01–B03 in the everyday screens (their own screens carry their own table)
    NavReview => "Access review", "Revue des accès";
    NavExplain => "Explain access", "Expliquer un accès";
    NavImport => "Import and export", "Importer et exporter";
    NavBulk => "Bulk actions", "Actions groupées";
    CopySecurity => "Copy security from another user", "Copier la sécurité d'un autre utilisateur";
    WhatIfTitle => "If you save", "Si vous enregistrez";
    WhatIfGain => "Gain access", "Obtiennent l'accès";
    WhatIfLose => "Lose access", "Perdent l'accès";
    WhatIfPeople => "people", "personnes";
    WhatIfCompanies => "companies", "sociétés";
    WhatIfRights => "New level or options for", "Nouveau niveau ou options pour";
    WhatIfOptionsGained => "Options gained", "Options obtenues";
    WhatIfOptionsLost => "Options lost", "Options perdues";
    WhatIfNothing => "No one gains or loses access to a company.", "Personne n'obtient ni ne perd l'accès à une société.";
    WhatIfRefused => "This Save would be refused:", "Cet enregistrement serait refusé :";
}

impl K {
    pub fn level(level: AccessLevel) -> K {
        match level {
            AccessLevel::Administrator => K::LevelAdministrator,
            AccessLevel::LocalAdministrator => K::LevelLocal,
            AccessLevel::User => K::LevelUser,
        }
    }

    pub fn option(option: OptionCode) -> K {
        match option {
            OptionCode::UsersManage => K::OptUsers,
            OptionCode::GroupsManage => K::OptGroups,
            OptionCode::CompaniesManage => K::OptCompanies,
            OptionCode::DirectoriesManage => K::OptDirectories,
            OptionCode::AreasManage => K::OptAreas,
            OptionCode::HistoryRead => K::OptHistory,
            OptionCode::ReportsRead => K::OptReports,
            OptionCode::ProjectsRead => K::OptProjects,
            OptionCode::EmployeesRead => K::OptEmployees,
            OptionCode::MailSettingsManage => K::OptMail,
            OptionCode::LoginAsAnotherUser => K::OptLoginAs,
            OptionCode::Preferences => K::OptPreferences,
        }
    }

    pub fn language(language: Language) -> K {
        match language {
            Language::En => K::English,
            Language::Fr => K::French,
        }
    }

    /// The live R24 warning in the chosen language: core's sentence, translated.
    pub fn user_code_warning(code: &str) -> Option<K> {
        let problem = precinct_core::validate::user_code_problem(code)?;
        Some(
            [K::CodeRequired, K::CodeTooLong, K::CodeNoAt, K::CodeNoDot]
                .into_iter()
                .find(|key| key.text(Lang::En) == problem)
                .unwrap_or(K::CodeInvalid),
        )
    }
}

/// The chosen language, shared by every screen through the context.
#[derive(Debug, Clone, Copy)]
pub struct I18n(pub RwSignal<Lang>);

const STORAGE_KEY: &str = "precinct.lang";

impl I18n {
    /// The remembered choice, else the browser's language, else English.
    pub fn load() -> I18n {
        let window = web_sys::window();
        let stored = window
            .as_ref()
            .and_then(|window| window.local_storage().ok().flatten())
            .and_then(|storage| storage.get_item(STORAGE_KEY).ok().flatten());
        let preferred = stored.or_else(|| window.and_then(|window| window.navigator().language()));
        let lang = match preferred {
            Some(code) if code.starts_with("fr") => Lang::Fr,
            _ => Lang::En,
        };
        set_document_lang(lang);
        I18n(RwSignal::new(lang))
    }

    pub fn lang(self) -> Lang {
        self.0.get()
    }

    pub fn t(self, key: impl Text) -> &'static str {
        key.text(self.0.get())
    }

    /// A reactive text for a view: it follows the language switch.
    pub fn s(self, key: impl Text) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || self.t(key)
    }

    pub fn switch(self) {
        let lang = self.0.get_untracked().other();
        self.0.set(lang);
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.set_item(STORAGE_KEY, lang.code());
        }
        set_document_lang(lang);
    }

    /// A failed call in words: the server's own sentence in English (it names the field and
    /// the reason); in French the known reasons are translated, the rest kept as the server
    /// said them.
    pub fn failure(self, failure: &ApiFailure) -> String {
        let lang = self.0.get();
        if failure.is_conflict() {
            return K::ChangedBySomeoneElse.text(lang).to_string();
        }
        match (lang, failure.server_message()) {
            (_, None) => K::NetworkError.text(lang).to_string(),
            (Lang::En, Some(message)) => message.to_string(),
            // The server writes English; a French page says the same reason in French, by the
            // problem's code (every code the worker sends), else by its status.
            (Lang::Fr, Some(_)) => french_reason(failure.code())
                .unwrap_or_else(|| french_status(failure.status()))
                .to_string(),
        }
    }

    /// "51–100 of 137" under a list (the items shown, by their position in the whole list).
    pub fn range_of(self, first: usize, last: usize, total: i64) -> String {
        // The API counts up to 1,000 and answers 1,001 for "more".
        let total = if total > 1_000 {
            match self.lang() {
                Lang::En => "more than 1,000".to_string(),
                Lang::Fr => "plus de 1 000".to_string(),
            }
        } else {
            total.to_string()
        };
        match self.lang() {
            Lang::En => format!("{first}–{last} of {total}"),
            Lang::Fr => format!("{first}–{last} sur {total}"),
        }
    }
}

fn set_document_lang(lang: Lang) {
    if let Some(root) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
    {
        let _ = root.set_attribute("lang", lang.code());
    }
}

pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n(RwSignal::new(Lang::En)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r24_every_core_warning_has_its_own_translation() {
        for code in ["", "ana", "ana@localhost", "a b@example.com"] {
            let key = K::user_code_warning(code);
            assert!(key.is_some(), "{code}");
            if let Some(key) = key {
                assert_eq!(
                    Some(key.text(Lang::En)),
                    precinct_core::validate::user_code_problem(code)
                );
            }
        }
        assert_eq!(K::user_code_warning("ana@example.com"), None);
    }
}
