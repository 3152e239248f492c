//! Request and response bodies of the HTTP API, shared by the worker and the console.
//!
//! Request bodies refuse unknown fields, so a client cannot slip in a field the server would
//! silently ignore (an `area_id` a local administrator is not allowed to choose, say).

use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, AreaId, CompanyId, DirectoryId, GroupId, ReportId, UserId};
use crate::policy::{AccessLevel, OptionCode};

/// The addresses of the account pages: a second browser bundle the console does not carry (the
/// sign-in page and its second step, set/forgot/change password, login as another user,
/// sessions: what comes before and around a session). The worker serves `account.html` at each
/// (and `wrangler.toml` sends them to the worker first); the console reaches them by full page
/// loads.
pub const ACCOUNT_PAGES: [&str; 7] = [
    "/",
    "/login-as",
    "/forgot-password",
    "/set-password",
    "/change-password",
    "/second-factor",
    "/sessions",
];

/// The console screens used less often (setting up areas, directories and mail, reading history
/// and the outbox, one's own preferences, the companies' properties), with everything under each:
/// a third browser bundle, `occasional`, so the console's first load carries only the everyday
/// screens (its size budget). The worker serves `occasional.html` at these addresses (`wrangler.toml` sends them to the worker first); each bundle reaches the
/// other's screens by a full page load.
pub const OCCASIONAL_SCREENS: [&str; 7] = [
    "/console/areas",
    "/console/directories",
    "/console/history",
    "/console/settings",
    "/console/outbox",
    "/console/preferences",
    "/console/about",
];

/// The screens of B01 and B03 (explain access, access review): a fourth bundle, `insight`, held
/// to the same budget as the others.
pub const INSIGHT_SCREENS: [&str; 2] = ["/console/explain", "/console/review"];

/// The screens of B04–B06 (import and export, bulk actions, copy security): a fifth bundle,
/// `bulk`, held to the same budget.
pub const BULK_SCREENS: [&str; 3] = ["/console/import", "/console/bulk", "/console/copy"];

/// The browser bundle that shows a page of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageBundle {
    /// `index.html`: sign-in, applications and the everyday console screens.
    Console,
    /// `account.html`: [`ACCOUNT_PAGES`].
    Account,
    /// `occasional.html`: [`OCCASIONAL_SCREENS`].
    Occasional,
    /// `insight.html`: [`INSIGHT_SCREENS`].
    Insight,
    /// `bulk.html`: [`BULK_SCREENS`].
    Bulk,
}

impl PageBundle {
    /// The bundle of the page at `path` (an address's path, without its query).
    pub fn of(path: &str) -> PageBundle {
        let trimmed = path.trim_end_matches('/');
        let path = if trimmed.is_empty() { "/" } else { trimmed };
        let under = |screen: &&str| {
            path.strip_prefix(*screen)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if ACCOUNT_PAGES.contains(&path) {
            PageBundle::Account
        } else if OCCASIONAL_SCREENS.iter().any(under) {
            PageBundle::Occasional
        } else if INSIGHT_SCREENS.iter().any(under) {
            PageBundle::Insight
        } else if BULK_SCREENS.iter().any(under) {
            PageBundle::Bulk
        } else {
            PageBundle::Console
        }
    }
}

/// `GET /api/health`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Health {
    pub version: String,
    /// Whether D1 answered a trivial query.
    pub database: bool,
    /// Whether the mail encryption key (`PRECINCT_MAIL_KEY`) is present and well formed.
    #[serde(default)]
    pub mail_key: bool,
}

/// `POST /api/session`: sign in with a user code (email) and password (R03).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub user_code: String,
    pub password: String,
}

/// A company as the session knows it: the one chosen to work in (R04).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyRef {
    pub id: CompanyId,
    pub code: String,
    pub name: String,
}

/// `GET /api/session`: who is signed in, on whose behalf (R05), and what they may use.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: UserId,
    pub account_id: AccountId,
    pub account_name: String,
    pub user_code: String,
    pub name: String,
    pub access_level: AccessLevel,
    /// The area of the user's group (R10), with its code for display.
    #[serde(default)]
    pub area_id: Option<AreaId>,
    #[serde(default)]
    pub area_code: Option<String>,
    /// The options (screens and actions) the user's group holds (R09).
    #[serde(default)]
    pub options: Vec<OptionCode>,
    /// The user who really signed in, when acting as another user (R05).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_user_code: Option<String>,
    /// The company chosen after sign-in (R04), if any yet.
    #[serde(default)]
    pub company: Option<CompanyRef>,
    /// R36: the password was given by someone else (the operator's printed one); the person must
    /// choose their own before anything else.
    #[serde(default)]
    pub password_change_required: bool,
    /// R35: what the session still owes before it is fully signed in: the code of the person's
    /// authenticator (`verify`) or, for an administrator without one, setting it up (`enrol`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_step: Option<MfaStep>,
    /// Whether the person has set up a second sign-in factor.
    #[serde(default)]
    pub mfa_enrolled: bool,
}

/// The second sign-in step a session still owes (R35).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MfaStep {
    Verify,
    Enrol,
}

impl MfaStep {
    pub fn as_str(self) -> &'static str {
        match self {
            MfaStep::Verify => "verify",
            MfaStep::Enrol => "enrol",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "verify" => Some(MfaStep::Verify),
            "enrol" => Some(MfaStep::Enrol),
            _ => None,
        }
    }
}

/// A code of the second factor: six digits from the authenticator, or a recovery code (R35).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MfaCode {
    pub code: String,
}

/// A second factor being set up: the secret as a QR code (SVG, drawn by the worker), as an
/// `otpauth://` address and as text to type.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaEnrolment {
    pub secret: String,
    pub uri: String,
    pub qr_svg: String,
}

/// The ten single-use recovery codes, shown once when the second factor is confirmed.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

/// One entry of **My Applications** (R03).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub code: String,
    pub name: String,
    pub description: String,
    /// Where the console opens it; opening it does not ask for the password again.
    pub path: String,
}

/// `GET /api/applications`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applications {
    pub applications: Vec<Application>,
}

/// One page of a list. `next_cursor` continues after the last item (keyset pagination).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", schemars(rename = "{T}Page"))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    /// How many items match the filter in all pages, exact up to 1,000; 1,001 means "more
    /// than 1,000" (counting further would walk a large table for a number nobody reads).
    pub total: i64,
}

/// Bodies that only confirm which version of a record they act on (disable, enable, ...).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionOnly {
    pub version: i64,
}

// ---------------------------------------------------------------------------------------------
// Areas (R06)

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    pub id: AreaId,
    pub code: String,
    pub description: String,
    pub version: i64,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaInput {
    pub code: String,
    #[serde(default)]
    pub description: String,
    /// Required when editing, absent when creating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

// ---------------------------------------------------------------------------------------------
// Directories (R08)

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    pub id: DirectoryId,
    pub code: String,
    pub name: String,
    pub multidimensional: bool,
    pub area_id: Option<AreaId>,
    pub area_code: Option<String>,
    pub version: i64,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectoryInput {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub multidimensional: bool,
    #[serde(default)]
    pub area_id: Option<AreaId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

// ---------------------------------------------------------------------------------------------
// Companies (R07, R11–R14, R19, R23)

/// A user as a picker or a reference shows them.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRef {
    pub id: UserId,
    pub user_code: String,
    pub name: String,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    pub id: CompanyId,
    pub code: String,
    pub name: String,
    pub directory_id: DirectoryId,
    pub directory_code: String,
    /// The effective area (R08: the directory's in multidimensional mode).
    pub area_id: Option<AreaId>,
    pub area_code: Option<String>,
    /// The user in charge, when the reader may see who they are (R19): `None` with
    /// `user_in_charge_hidden` when someone outside the reader's area holds the role.
    pub user_in_charge: Option<UserRef>,
    #[serde(default)]
    pub user_in_charge_hidden: bool,
    /// A later change (the company or its directory moving area, the user moving group) left a
    /// user of another area in charge: the regular administrators' review lists such companies.
    #[serde(default)]
    pub user_in_charge_outside_area: bool,
    pub version: i64,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompanyInput {
    pub code: String,
    pub name: String,
    pub directory_id: DirectoryId,
    /// Regular administrators choose; a local administrator's company gets their area (R12).
    #[serde(default)]
    pub area_id: Option<AreaId>,
    #[serde(default)]
    pub user_in_charge_id: Option<UserId>,
    /// The user in charge as a person typed them: their user code or their name, resolved by
    /// the server among those the actor may pick (R19, R32: nothing typed is dropped; no match
    /// or several are a field error). Takes precedence over `user_in_charge_id`.
    #[serde(default)]
    pub user_in_charge: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// R08: a new area for a company of a multidimensional directory moves the whole directory;
    /// it is refused (409 `confirm_directory_area`) until the person confirmed it.
    #[serde(default)]
    pub confirm_directory_area: bool,
}

// ---------------------------------------------------------------------------------------------
// User groups (R09)

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: GroupId,
    pub code: String,
    pub description: String,
    pub access_level: AccessLevel,
    pub area_id: Option<AreaId>,
    pub area_code: Option<String>,
    pub options: Vec<OptionCode>,
    pub members: i64,
    pub version: i64,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupInput {
    pub code: String,
    #[serde(default)]
    pub description: String,
    pub access_level: AccessLevel,
    #[serde(default)]
    pub area_id: Option<AreaId>,
    #[serde(default)]
    pub options: Vec<OptionCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// One entry of the fixed options catalog, and whether the actor may grant it (R09).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionEntry {
    pub code: OptionCode,
    pub grantable: bool,
}

// ---------------------------------------------------------------------------------------------
// Users (R10, R13–R18, R24)

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    En,
    Fr,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "en" => Some(Language::En),
            "fr" => Some(Language::Fr),
            _ => None,
        }
    }
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub user_code: String,
    pub name: String,
    pub group_id: GroupId,
    pub group_code: String,
    pub access_level: AccessLevel,
    pub area_id: Option<AreaId>,
    pub area_code: Option<String>,
    pub active: bool,
    pub language: Language,
    /// The mail user of the user-specific email configuration: always the user code (R25).
    pub mail_user: String,
    pub version: i64,
    /// R35: whether the user has set up a second sign-in factor (an administrator may reset it).
    #[serde(default)]
    pub mfa_enrolled: bool,
    /// No squatting (R24): the address was proven first by a user of another organisation, so
    /// this user, still waiting for their invitation, can no longer accept it.
    #[serde(default)]
    pub address_taken: bool,
    /// Only in the answer to creating a user: whether the invitation went out, and if not why
    /// and where to fix it (R29, R32: nothing fails without a word).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation: Option<InvitationOutcome>,
}

/// What became of the invitation a new user is sent.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationOutcome {
    pub sent: bool,
    /// The problem code when it was not sent (`mail_settings_missing`, a provider's refusal).
    #[serde(default)]
    pub code: Option<String>,
    pub message: String,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    pub user_code: String,
    pub name: String,
    pub group_id: GroupId,
    #[serde(default)]
    pub language: Option<Language>,
    /// R25: the User-Specific Email Configuration's mail password, optional at creation, typed
    /// twice (fields `mail_password` and `mail_password_confirmation` when refused).
    #[serde(default)]
    pub mail_password: Option<MailPasswordInput>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    pub user_code: String,
    pub name: String,
    #[serde(default)]
    pub language: Option<Language>,
    /// The user group chosen on the same form: a different one moves the user in the same
    /// Save, one request and one batch (R32); absent or the same keeps the group.
    #[serde(default)]
    pub group_id: Option<GroupId>,
    /// R17's answer: a move to a group of another area is refused (409
    /// `confirm_move_across_areas`) until the person confirmed it.
    #[serde(default)]
    pub confirm_move_across_areas: bool,
    pub version: i64,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveUser {
    pub group_id: GroupId,
    /// As for [`UserUpdate`]: a move across areas needs the confirmation (R17, R32).
    #[serde(default)]
    pub confirm_move_across_areas: bool,
    pub version: i64,
}

/// The answer to a move: the user, and R17's warning when the move crossed areas.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    pub user: User,
    pub warning: Option<String>,
}

/// One row of the Access to Companies tab.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyAccessRow {
    pub id: CompanyId,
    pub code: String,
    pub name: String,
    pub area_code: Option<String>,
    pub ticked: bool,
}

/// `GET /api/users/{id}/companies`: the companies the editor may see (R14), each ticked or not;
/// `locked` when the user is a local administrator, whose access is the whole area (R13).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyAccess {
    pub locked: bool,
    pub companies: Page<CompanyAccessRow>,
    pub version: i64,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetCompanyAccess {
    pub company_ids: Vec<CompanyId>,
    pub version: i64,
}

// ---------------------------------------------------------------------------------------------
// Session: company choice (R04) and login as another user (R05)

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChooseCompany {
    pub company_id: CompanyId,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActAs {
    pub user_id: UserId,
}

// ---------------------------------------------------------------------------------------------
// History (R21, R30)

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: i64,
    /// UTC, milliseconds since the epoch.
    pub at: i64,
    /// Who acted, when the reader may see them (R12, R21); `None` with `actor_hidden` when
    /// the actor is outside the reader's area.
    pub actor_user_code: Option<String>,
    pub on_behalf_of_user_code: Option<String>,
    #[serde(default)]
    pub actor_hidden: bool,
    #[serde(default)]
    pub on_behalf_of_hidden: bool,
    pub entity_kind: String,
    pub entity_id: Option<i64>,
    pub area_code: Option<String>,
    pub action: String,
    /// What the entry is about (a code, a user code): with `entity_kind` and `action` the console
    /// says the entry in the reader's language (`history_sentence`).
    #[serde(default)]
    pub subject: Option<String>,
    /// The entry in English, as written (with details such as a provider's error).
    pub summary: String,
    pub changes: Vec<FieldChange>,
}

// ---------------------------------------------------------------------------------------------
// Catalog and entries (R13, R20, R22, R23)

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub id: ReportId,
    pub code: String,
    pub title: String,
    pub kind: String,
    pub area_code: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: i64,
    pub company_id: CompanyId,
    pub code: String,
    pub name: String,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Employee {
    pub id: i64,
    pub company_id: CompanyId,
    pub code: String,
    pub name: String,
}

// ---------------------------------------------------------------------------------------------
// Mail (R24–R29)

/// The HTTP mail providers Precinct speaks to, and the local outbox.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailProvider {
    /// Messages are kept in D1 and listed on the Outbox screen: nothing is delivered.
    Outbox,
    /// A Resend-compatible API: `POST /emails`, bearer key.
    Resend,
    /// Postmark: `POST /email`, server token header.
    Postmark,
    /// A generic HTTP relay authenticating each message with the sending user's mail user and
    /// mail password (Basic auth): what the per-user mail password is for.
    Relay,
}

impl MailProvider {
    pub fn as_str(self) -> &'static str {
        match self {
            MailProvider::Outbox => "outbox",
            MailProvider::Resend => "resend",
            MailProvider::Postmark => "postmark",
            MailProvider::Relay => "relay",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            MailProvider::Outbox,
            MailProvider::Resend,
            MailProvider::Postmark,
            MailProvider::Relay,
        ]
        .into_iter()
        .find(|provider| provider.as_str() == text)
    }

    /// The provider's own API address, used when the settings leave the base URL empty.
    pub fn default_base_url(self) -> &'static str {
        match self {
            MailProvider::Outbox => "",
            MailProvider::Resend => "https://api.resend.com",
            MailProvider::Postmark => "https://api.postmarkapp.com",
            MailProvider::Relay => "",
        }
    }
}

/// General Settings > Miscellaneous: the account's mail settings. The API key is never sent
/// back (R26): only whether one is set.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailSettings {
    pub configured: bool,
    pub provider: Option<MailProvider>,
    pub api_base_url: String,
    pub api_key_set: bool,
    pub sender_address: String,
    pub sender_name: String,
    pub version: i64,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettingsInput {
    pub provider: MailProvider,
    /// Empty: the provider's own address.
    #[serde(default)]
    pub api_base_url: String,
    /// `None` keeps the stored key; `Some("")` removes it.
    #[serde(default)]
    pub api_key: Option<String>,
    pub sender_address: String,
    #[serde(default)]
    pub sender_name: String,
    /// Absent the first time settings are saved.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A user's User-Specific Email Configuration (R25): the mail user is the user code; the mail
/// password is only "set" or "not set"; the rest comes read-only from the account settings.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserMailConfig {
    pub mail_user: String,
    pub mail_password_set: bool,
    pub settings: MailSettings,
}

/// Setting a mail password (R28): typed twice.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailPasswordInput {
    pub password: String,
    pub confirmation: String,
}

/// The answer to **Send test email** when the provider accepted the message (R27).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailSent {
    pub to: String,
    pub provider: MailProvider,
    pub message: String,
}

/// One message of the Outbox screen.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: i64,
    pub at: i64,
    pub kind: String,
    pub from_address: String,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
}

/// "Forgot password" on the sign-in page.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForgotPassword {
    pub user_code: String,
}

/// Setting the sign-in password from an invitation or reset link.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    pub token: String,
    pub password: String,
}

/// One of the signed-in person's sessions (the sessions screen, ASVS 7.5.2).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// Short and opaque: it names the session, it does not open it.
    pub id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    /// The browser it was opened from, as the browser describes itself.
    pub browser: String,
    /// The session this request came with.
    pub current: bool,
}

/// Changing one's own sign-in password (R36): the current one is required.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

/// A plain acknowledgement with a sentence to show.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub message: String,
}

// ---------------------------------------------------------------------------------------------
// B01 explain access, B02 what-if, B03 access review

/// The kinds of record an explanation is about (B01).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Company,
    User,
    Group,
    Report,
    History,
}

impl RecordKind {
    pub const ALL: [RecordKind; 5] = [
        RecordKind::Company,
        RecordKind::User,
        RecordKind::Group,
        RecordKind::Report,
        RecordKind::History,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Company => "company",
            RecordKind::User => "user",
            RecordKind::Group => "group",
            RecordKind::Report => "report",
            RecordKind::History => "history",
        }
    }

    pub fn parse(text: &str) -> Option<RecordKind> {
        RecordKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// An area named in an answer: its id and code.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaName {
    pub id: AreaId,
    pub code: String,
}

/// `GET /api/explain` (B01): may this person see, change, pick this record — and why.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessExplanation {
    pub person: UserRef,
    pub person_group_code: String,
    pub person_level: AccessLevel,
    pub person_area_id: Option<AreaId>,
    pub person_active: bool,
    pub kind: RecordKind,
    pub record_id: i64,
    /// The record as its screen names it ("N01 — Nord Bâtiment").
    pub record_label: String,
    pub see: crate::policy::Verdict,
    pub change: Option<crate::policy::Verdict>,
    pub pick: Option<crate::policy::Verdict>,
    /// The codes of the areas the steps name.
    pub areas: Vec<AreaName>,
}

/// One reason people can see a company, with a page of them (B01's reverse question).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeerGroup {
    pub reason: crate::policy::SeerReason,
    pub total: i64,
    pub items: Vec<UserRef>,
    pub next_cursor: Option<String>,
}

/// `GET /api/companies/{id}/seers`: who can see the company, grouped by why, among the people
/// the reader may see.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanySeers {
    pub company: CompanyRef,
    pub area_code: Option<String>,
    pub groups: Vec<SeerGroup>,
}

/// People or companies gaining or losing access in a what-if (B02): how many, and the first
/// ones by name.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AccessShift {
    /// People who gain (or lose) access to at least one company.
    pub people: i64,
    /// Companies someone gains (or loses) access to.
    pub companies: i64,
    pub first_people: Vec<UserRef>,
    pub first_companies: Vec<CompanyRef>,
}

/// A what-if (B02): what a change would do to access, computed by the policy on the proposed
/// state, counted within the reader's scope; nothing is written.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct WhatIf {
    pub gain: AccessShift,
    pub lose: AccessShift,
    /// People whose level or options change, and how.
    pub people_with_new_rights: i64,
    pub level_before: Option<AccessLevel>,
    pub level_after: Option<AccessLevel>,
    pub options_gained: Vec<OptionCode>,
    pub options_lost: Vec<OptionCode>,
}

/// A person in an access review (B03).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewPerson {
    pub id: UserId,
    pub user_code: String,
    pub name: String,
    pub group_code: String,
    pub access_level: AccessLevel,
    pub active: bool,
    /// UTC milliseconds; `None` for never.
    pub last_sign_in_at: Option<i64>,
    /// When the pending invitation was sent; `None` once the person has a password.
    pub invited_at: Option<i64>,
    /// Companies ticked within their group's area (User level); `None` for administrators, who
    /// reach companies by their level (R11, R13).
    pub companies: Option<i64>,
}

/// One finding of a review: how many, and the first ones.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReviewList {
    pub total: i64,
    pub items: Vec<ReviewPerson>,
}

/// A group whose stored options exceed what its level can use (R31: they come alive if the
/// level rises).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewGroup {
    pub id: GroupId,
    pub code: String,
    pub access_level: AccessLevel,
    pub inert_options: Vec<OptionCode>,
}

/// Who marked the area reviewed, and when.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewMark {
    pub at: i64,
    /// `None` when the reader may not see who it was.
    pub by: Option<String>,
}

/// `GET /api/reviews/{area}` (B03): an area's access review (`none`: the people of no area).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessReview {
    pub area_id: Option<AreaId>,
    pub area_code: Option<String>,
    pub dormant_days: i64,
    pub administrators: i64,
    pub local_administrators: i64,
    pub users: i64,
    pub active: i64,
    pub disabled: i64,
    /// Everyone, least recently signed in first.
    pub people: ReviewList,
    /// Active people with no sign-in for `dormant_days` (or never, once invited that long ago).
    pub dormant: ReviewList,
    /// Active User-level people with no company ticked.
    pub no_company: ReviewList,
    /// Invitations still pending after 7 days.
    pub old_invitations: ReviewList,
    pub excess_groups: Vec<ReviewGroup>,
    pub last_review: Option<ReviewMark>,
}

/// An area an actor may review, as the review screen lists them.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewArea {
    /// `none` or the area's id, as the review's address says it.
    pub key: String,
    pub area_code: Option<String>,
    pub last_review: Option<ReviewMark>,
}

/// `POST /api/users/{id}/copy-security` (B05): the group and the ticked companies of another user
/// the actor may see, copied in one Save (a move and the ticks, one batch); ticks the actor may
/// not see are not copied, nor the target's hidden ones touched.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CopySecurity {
    pub from_user_id: UserId,
    pub version: i64,
    /// R17's answer, as for a move.
    #[serde(default)]
    pub confirm_move_across_areas: bool,
}

// ---------------------------------------------------------------------------------------------
// B04 import and export, B06 bulk actions

/// What a file imports.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Users,
    Groups,
    Companies,
}

impl ImportKind {
    pub const ALL: [ImportKind; 3] = [ImportKind::Users, ImportKind::Groups, ImportKind::Companies];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Users => "users",
            ImportKind::Groups => "groups",
            ImportKind::Companies => "companies",
        }
    }
}

/// `POST /api/imports`: a file of users, user groups or companies read and planned line by line;
/// nothing is written (the dry run).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    pub kind: ImportKind,
    /// The file's text (CSV, UTF-8, with or without a byte-order mark).
    pub file: String,
    #[serde(default)]
    pub separator: crate::bulk::Separator,
    /// Queue an invitation for each user the import creates (sent a few at a time; users only).
    #[serde(default)]
    pub invite: bool,
}

/// How many lines come to what.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunCounts {
    pub create: u32,
    pub change: u32,
    pub unchanged: u32,
    pub refused: u32,
}

/// A dry run (B04 import, B06 bulk action): every line's plan, kept under `token` until its
/// person confirms it chunk by chunk (`POST /api/imports/{token}/confirm`).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DryRun {
    pub token: String,
    /// `users`, or `bulk` for a bulk action.
    pub kind: String,
    /// The bulk action, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    pub expires_at: i64,
    pub counts: RunCounts,
    /// How many chunks confirming writes (each one batch with its history).
    pub chunks: u32,
    pub lines: Vec<crate::bulk::LinePlan>,
}

/// `POST /api/imports/{token}/confirm`: write one chunk of the dry run.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmChunk {
    pub chunk: u32,
}

/// One chunk of a dry run and whether it is written.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkProgress {
    pub chunk: u32,
    pub first_line: u32,
    pub last_line: u32,
    /// Lines the chunk writes.
    pub lines: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_at: Option<i64>,
}

/// `GET /api/imports/{token}` and the answer of each confirmed chunk: which lines are written.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunReport {
    pub token: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub counts: RunCounts,
    pub chunks: Vec<ChunkProgress>,
    pub chunks_written: u32,
    /// Lines written so far (those of the written chunks).
    pub lines_written: u32,
    /// Invitations queued and not sent yet, among the people the reader may see.
    pub invitations_waiting: i64,
}

/// Which bulk action (B06).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulkActionKind {
    Disable,
    Enable,
    Move,
    Invite,
    Tick,
    Untick,
}

impl BulkActionKind {
    pub const ALL: [BulkActionKind; 6] = [
        BulkActionKind::Disable,
        BulkActionKind::Enable,
        BulkActionKind::Move,
        BulkActionKind::Invite,
        BulkActionKind::Tick,
        BulkActionKind::Untick,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BulkActionKind::Disable => "disable",
            BulkActionKind::Enable => "enable",
            BulkActionKind::Move => "move",
            BulkActionKind::Invite => "invite",
            BulkActionKind::Tick => "tick",
            BulkActionKind::Untick => "untick",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// "All N matching this search": the users list's search and filters.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSearch {
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub group_id: Option<GroupId>,
    #[serde(default)]
    pub area_id: Option<AreaId>,
    #[serde(default)]
    pub active: Option<bool>,
}

/// `POST /api/bulk`: a bulk action's dry run, over the users picked or all those a search finds.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    pub action: BulkActionKind,
    /// The group to move to (`move`).
    #[serde(default)]
    pub group_id: Option<GroupId>,
    /// The company to tick or untick (`tick`, `untick`).
    #[serde(default)]
    pub company_id: Option<CompanyId>,
    #[serde(default)]
    pub user_ids: Option<Vec<UserId>>,
    #[serde(default)]
    pub all_matching: Option<UserSearch>,
}

/// `POST /api/invitations/queue/send`: a few queued invitations sent; how many still wait.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationsSent {
    pub sent: u32,
    pub failed: Vec<InvitationFailure>,
    pub waiting: i64,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationFailure {
    pub user_code: String,
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::PageBundle;

    #[test]
    fn each_page_has_one_bundle_and_a_screen_brings_its_records() {
        assert_eq!(PageBundle::of("/second-factor"), PageBundle::Account);
        // The sign-in page comes before any session: the account pages'.
        assert_eq!(PageBundle::of("/"), PageBundle::Account);
        assert_eq!(PageBundle::of(""), PageBundle::Account);
        assert_eq!(PageBundle::of("/console/history"), PageBundle::Occasional);
        assert_eq!(PageBundle::of("/console/areas/12"), PageBundle::Occasional);
        assert_eq!(
            PageBundle::of("/console/settings/mail/"),
            PageBundle::Occasional
        );
        assert_eq!(
            PageBundle::of("/console/about/companies"),
            PageBundle::Occasional
        );
        // A longer word is another address, and the everyday screens stay in the console.
        assert_eq!(PageBundle::of("/console/historyx"), PageBundle::Console);
        assert_eq!(PageBundle::of("/console/users/7"), PageBundle::Console);
        assert_eq!(PageBundle::of("/console/review/12"), PageBundle::Insight);
        assert_eq!(PageBundle::of("/console/explain"), PageBundle::Insight);
        assert_eq!(PageBundle::of("/console/copy/12"), PageBundle::Bulk);
        assert_eq!(PageBundle::of("/console/import"), PageBundle::Bulk);
        assert_eq!(PageBundle::of("/console/bulky"), PageBundle::Console);
        assert_eq!(PageBundle::of("/console"), PageBundle::Console);
    }
}
