//! The API's one route table: each row is a method, a path pattern, the operation it reaches, and
//! what the OpenAPI description says of it. Dispatch (`routes.rs`), the 404/405 answers with their
//! `Allow` header, and the `paths` of `openapi.json` are all derived from it, so an endpoint
//! is added in one place: a row here, an operation variant, and its arm in `routes.rs` (the
//! compiler asks for the arm). `cargo test` fails when `openapi.json` differs from the table;
//! `make openapi` writes it again.

/// An HTTP method the API serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    Put,
    Delete,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Delete => "DELETE",
        }
    }

    #[cfg(test)]
    fn lower(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::Post => "post",
            Verb::Put => "put",
            Verb::Delete => "delete",
        }
    }
}

/// Operations answered without a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicOp {
    GetHealth,
    GetOpenapiJson,
    PostSession,
    DeleteSession,
    PostPasswordForgot,
    PostPassword,
}

/// Operations that need a signed-in session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedOp {
    GetSession,
    GetApplications,
    GetSessionCompanies,
    PutSessionCompany,
    GetSessionLoginAsCandidates,
    PostSessionActAs,
    DeleteSessionActAs,
    GetAreas,
    PostAreas,
    GetAreasId,
    PutAreasId,
    DeleteAreasId,
    GetDirectories,
    PostDirectories,
    GetDirectoriesId,
    PutDirectoriesId,
    GetCompanies,
    PostCompanies,
    GetCompaniesId,
    PutCompaniesId,
    GetCompaniesIdProjects,
    GetCompaniesIdEmployees,
    GetAboutCompanies,
    GetGroups,
    PostGroups,
    GetGroupsId,
    PutGroupsId,
    DeleteGroupsId,
    GetOptions,
    GetUsers,
    PostUsers,
    GetUsersId,
    PutUsersId,
    DeleteUsersId,
    PostUsersIdDisable,
    PostUsersIdEnable,
    PostUsersIdMove,
    GetUsersIdCompanies,
    PutUsersIdCompanies,
    GetPickersUsers,
    GetPickersUserInCharge,
    GetHistory,
    GetReports,
    GetSettingsMail,
    PutSettingsMail,
    GetUsersIdMail,
    PutUsersIdMailPassword,
    PostUsersIdTestEmail,
    PostUsersIdInvitation,
    GetPreferencesMail,
    PutPreferencesMailPassword,
    GetOutbox,
    PostPasswordChange,
    GetSessions,
    DeleteSessionsId,
    DeleteUsersIdSessions,
    PostSessionMfa,
    PostMfaEnrolment,
    PostMfaConfirmation,
    DeleteUsersIdMfa,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Public(PublicOp),
    Signed(SignedOp),
}

/// What the `{id}` segment of a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    None,
    Integer,
    Text,
}

pub struct Route {
    pub verb: Verb,
    /// `/api/...`, with `{id}` for the one variable segment.
    pub path: &'static str,
    pub op: Op,
    pub summary: &'static str,
    /// The request body's schema (a component of `openapi.json`).
    pub body: Option<&'static str>,
    /// The success status.
    pub status: u16,
    /// The answer's schema (`Name[]` for a list of them); `None` for no body or a free form.
    pub answer: Option<&'static str>,
    pub id: IdKind,
    pub query: &'static [Param],
}

/// A query parameter: its name, its JSON type (`enum:a|b` for fixed words), whether it is
/// required, and a note for the reader.
pub struct Param {
    pub name: &'static str,
    pub kind: &'static str,
    pub required: bool,
    pub note: Option<&'static str>,
}

const fn optional(name: &'static str, kind: &'static str) -> Param {
    Param {
        name,
        kind,
        required: false,
        note: None,
    }
}

const fn required(name: &'static str, kind: &'static str) -> Param {
    Param {
        name,
        kind,
        required: true,
        note: None,
    }
}

impl Param {
    const fn noted(self, note: &'static str) -> Param {
        Param {
            note: Some(note),
            ..self
        }
    }
}

pub const ROUTES: &[Route] = &[
    Route {
        verb: Verb::Get,
        path: "/api/health",
        op: Op::Public(PublicOp::GetHealth),
        summary: "Version and whether D1 answers",
        body: None,
        status: 200,
        answer: Some("Health"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/openapi.json",
        op: Op::Public(PublicOp::GetOpenapiJson),
        summary: "This document",
        body: None,
        status: 200,
        answer: None,
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Post,
        path: "/api/session",
        op: Op::Public(PublicOp::PostSession),
        summary: "Sign in (R03)",
        body: Some("SignIn"),
        status: 200,
        answer: Some("Me"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/session",
        op: Op::Signed(SignedOp::GetSession),
        summary: "Who is signed in, on whose behalf (R05), and the chosen company (R04)",
        body: None,
        status: 200,
        answer: Some("Me"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Delete,
        path: "/api/session",
        op: Op::Public(PublicOp::DeleteSession),
        summary: "Sign out: ends the session on the server",
        body: None,
        status: 204,
        answer: None,
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/applications",
        op: Op::Signed(SignedOp::GetApplications),
        summary: "My Applications (R03)",
        body: None,
        status: 200,
        answer: Some("Applications"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/session/companies",
        op: Op::Signed(SignedOp::GetSessionCompanies),
        summary: "Companies offered at sign-in (R04, R20)",
        body: None,
        status: 200,
        answer: Some("Page"),
        id: IdKind::None,
        query: &[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")],
    },
    Route {
        verb: Verb::Put,
        path: "/api/session/company",
        op: Op::Signed(SignedOp::PutSessionCompany),
        summary: "Choose the company to work in (R04)",
        body: Some("ChooseCompany"),
        status: 200,
        answer: Some("Me"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/session/login-as/candidates",
        op: Op::Signed(SignedOp::GetSessionLoginAsCandidates),
        summary: "Users the actor may log in as (R05)",
        body: None,
        status: 200,
        answer: Some("Page"),
        id: IdKind::None,
        query: &[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")],
    },
    Route {
        verb: Verb::Post,
        path: "/api/session/act-as",
        op: Op::Signed(SignedOp::PostSessionActAs),
        summary: "Log in as another user (R05)",
        body: Some("ActAs"),
        status: 200,
        answer: Some("Me"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Delete,
        path: "/api/session/act-as",
        op: Op::Signed(SignedOp::DeleteSessionActAs),
        summary: "Go back to the real user (R05)",
        body: None,
        status: 200,
        answer: Some("Me"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/areas",
        op: Op::Signed(SignedOp::GetAreas),
        summary: "Area Management list (R06, regular administrators)",
        body: None,
        status: 200,
        answer: Some("Page"),
        id: IdKind::None,
        query: &[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")],
    },
    Route {
        verb: Verb::Post,
        path: "/api/areas",
        op: Op::Signed(SignedOp::PostAreas),
        summary: "Create an area (R06)",
        body: Some("AreaInput"),
        status: 201,
        answer: Some("Area"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/areas/{id}",
        op: Op::Signed(SignedOp::GetAreasId),
        summary: "One area",
        body: None,
        status: 200,
        answer: Some("Area"),
        id: IdKind::Integer,
        query: &[],
    },
    Route {
        verb: Verb::Put,
        path: "/api/areas/{id}",
        op: Op::Signed(SignedOp::PutAreasId),
        summary: "Rename an area (version required)",
        body: Some("AreaInput"),
        status: 200,
        answer: Some("Area"),
        id: IdKind::Integer,
        query: &[],
    },
    Route {
        verb: Verb::Delete,
        path: "/api/areas/{id}",
        op: Op::Signed(SignedOp::DeleteAreasId),
        summary: "Delete an unused area (R06)",
        body: None,
        status: 204,
        answer: None,
        id: IdKind::Integer,
        query: &[required("version", "integer")],
    },
    Route {
        verb: Verb::Get,
        path: "/api/directories",
        op: Op::Signed(SignedOp::GetDirectories),
        summary: "Company directories",
        body: None,
        status: 200,
        answer: Some("Page"),
        id: IdKind::None,
        query: &[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")],
    },
    Route {
        verb: Verb::Post,
        path: "/api/directories",
        op: Op::Signed(SignedOp::PostDirectories),
        summary: "Create a directory (R08)",
        body: Some("DirectoryInput"),
        status: 201,
        answer: Some("Directory"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/directories/{id}",
        op: Op::Signed(SignedOp::GetDirectoriesId),
        summary: "One directory",
        body: None,
        status: 200,
        answer: Some("Directory"),
        id: IdKind::Integer,
        query: &[],
    },
    Route {
        verb: Verb::Put,
        path: "/api/directories/{id}",
        op: Op::Signed(SignedOp::PutDirectoriesId),
        summary: "Edit a directory, its multidimensional mode and area (R08)",
        body: Some("DirectoryInput"),
        status: 200,
        answer: Some("Directory"),
        id: IdKind::Integer,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/companies",
        op: Op::Signed(SignedOp::GetCompanies),
        summary: "Companies the actor may see (R11-R14, R20)",
        body: None,
        status: 200,
        answer: Some("Page"),
        id: IdKind::None,
        query: &[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer"), optional("area_id", "integer"), optional("directory_id", "integer"), optional("user_in_charge", "enum:outside_area").noted("outside_area: only companies whose user in charge is of another area (the regular administrators' review).")],
    },
    Route {
        verb: Verb::Post,
        path: "/api/companies",
        op: Op::Signed(SignedOp::PostCompanies),
        summary: "Create a company (R07, R12)",
        body: Some("CompanyInput"),
        status: 201,
        answer: Some("Company"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/companies/{id}",
        op: Op::Signed(SignedOp::GetCompaniesId),
        summary: "Modify Company Settings: one company",
        body: None,
        status: 200,
        answer: Some("Company"),
        id: IdKind::Integer,
        query: &[],
    },
    Route {
        verb: Verb::Put,
        path: "/api/companies/{id}",
        op: Op::Signed(SignedOp::PutCompaniesId),
        summary: "Edit a company: area (R11, R08), user in charge (R19)",
        body: Some("CompanyInput"),
        status: 200,
        answer: Some("Company"),
        id: IdKind::Integer,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/companies/{id}/projects",
        op: Op::Signed(SignedOp::GetCompaniesIdProjects),
        summary: "Projects of a company (R13, R20)",
        body: None,
        status: 200,
        answer: Some("Page"),
        id: IdKind::Integer,
        query: &[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")],
    },
    Route {
        verb: Verb::Get,
        path: "/api/companies/{id}/employees",
        op: Op::Signed(SignedOp::GetCompaniesIdEmployees),
        summary: "Employees of a company (R13, R20)",
        body: None,
        status: 200,
        answer: Some("Page"),
        id: IdKind::Integer,
        query: &[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")],
    },
    Route {
        verb: Verb::Get,
        path: "/api/about/companies",
        op: Op::Signed(SignedOp::GetAboutCompanies),
        summary: "About > Properties > Companies, with each one's area (R23)",
        body: None,
        status: 200,
        answer: Some("Page"),
        id: IdKind::None,
        query: &[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")],
    },
    Route {
        verb: Verb::Get,
        path: "/api/groups",
        op: Op::Signed(SignedOp::GetGroups),
        summary: "User Groups Management list (R11, R12)",
        body: None,
        status: 200,
        answer: Some("Page"),
        id: IdKind::None,
        query: &[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")],
    },
    Route {
        verb: Verb::Post,
        path: "/api/groups",
        op: Op::Signed(SignedOp::PostGroups),
        summary: "Create a user group (R09, R12)",
        body: Some("GroupInput"),
        status: 201,
        answer: Some("Group"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/groups/{id}",
        op: Op::Signed(SignedOp::GetGroupsId),
        summary: "One user group",
        body: None,
        status: 200,
        answer: Some("Group"),
        id: IdKind::Integer,
        query: &[],
    },
    Route {
        verb: Verb::Put,
        path: "/api/groups/{id}",
        op: Op::Signed(SignedOp::PutGroupsId),
        summary: "Edit a user group: level, area, options (R09, R11, R12, R16)",
        body: Some("GroupInput"),
        status: 200,
        answer: Some("Group"),
        id: IdKind::Integer,
        query: &[],
    },
    Route {
        verb: Verb::Delete,
        path: "/api/groups/{id}",
        op: Op::Signed(SignedOp::DeleteGroupsId),
        summary: "Delete an unused user group",
        body: None,
        status: 204,
        answer: None,
        id: IdKind::Integer,
        query: &[required("version", "integer")],
    },
    Route {
        verb: Verb::Get,
        path: "/api/options",
        op: Op::Signed(SignedOp::GetOptions),
        summary: "The options catalog and what the actor may grant (R09)",
        body: None,
        status: 200,
        answer: None,
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/users",
        op: Op::Signed(SignedOp::GetUsers),
        summary: "Security Management: users of the actor's area (R18)",
        body: None,
        status: 200,
        answer: Some("Page"),
        id: IdKind::None,
        query: &[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer"), optional("group_id", "integer"), optional("area_id", "integer"), optional("status", "string")],
    },
    Route {
        verb: Verb::Post,
        path: "/api/users",
        op: Op::Signed(SignedOp::PostUsers),
        summary: "Create a user (R24)",
        body: Some("UserInput"),
        status: 201,
        answer: Some("User"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/users/{id}",
        op: Op::Signed(SignedOp::GetUsersId),
        summary: "One user",
        body: None,
        status: 200,
        answer: Some("User"),
        id: IdKind::Integer,
        query: &[],
    },
    Route {
        verb: Verb::Put,
        path: "/api/users/{id}",
        op: Op::Signed(SignedOp::PutUsersId),
        summary: "Edit a user's identity; the mail user follows the user code (R25)",
        body: Some("UserUpdate"),
        status: 200,
        answer: Some("User"),
        id: IdKind::Integer,
        query: &[],
    },
    Route {
        verb: Verb::Delete,
        path: "/api/users/{id}",
        op: Op::Signed(SignedOp::DeleteUsersId),
        summary: "Delete a user (R16)",
        body: None,
        status: 204,
        answer: None,
        id: IdKind::Integer,
        query: &[required("version", "integer")],
    },
    Route {
        verb: Verb::Post,
        path: "/api/users/{id}/disable",
        op: Op::Signed(SignedOp::PostUsersIdDisable),
        summary: "Disable a user and end their sessions (R16)",
        body: Some("VersionOnly"),
        status: 200,
        answer: Some("User"),
        id: IdKind::Integer,
        query: &[],
    },
    Route {
        verb: Verb::Post,
        path: "/api/users/{id}/enable",
        op: Op::Signed(SignedOp::PostUsersIdEnable),
        summary: "Enable a user",
        body: Some("VersionOnly"),
        status: 200,
        answer: Some("User"),
        id: IdKind::Integer,
        query: &[],
    },
    Route {
        verb: Verb::Post,
        path: "/api/users/{id}/move",
        op: Op::Signed(SignedOp::PostUsersIdMove),
        summary: "Move a user to another group (R17)",
        body: Some("MoveUser"),
        status: 200,
        answer: Some("Moved"),
        id: IdKind::Integer,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/users/{id}/companies",
        op: Op::Signed(SignedOp::GetUsersIdCompanies),
        summary: "Access to Companies tab (R13, R14)",
        body: None,
        status: 200,
        answer: Some("CompanyAccess"),
        id: IdKind::Integer,
        query: &[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")],
    },
    Route {
        verb: Verb::Put,
        path: "/api/users/{id}/companies",
        op: Op::Signed(SignedOp::PutUsersIdCompanies),
        summary: "Set the ticked companies (R14)",
        body: Some("SetCompanyAccess"),
        status: 200,
        answer: Some("CompanyAccess"),
        id: IdKind::Integer,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/pickers/users",
        op: Op::Signed(SignedOp::GetPickersUsers),
        summary: "User picker (R18)",
        body: None,
        status: 200,
        answer: Some("Page"),
        id: IdKind::None,
        query: &[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")],
    },
    Route {
        verb: Verb::Get,
        path: "/api/pickers/user-in-charge",
        op: Op::Signed(SignedOp::GetPickersUserInCharge),
        summary: "User-in-charge picker (R19)",
        body: None,
        status: 200,
        answer: Some("Page"),
        id: IdKind::None,
        query: &[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")],
    },
    Route {
        verb: Verb::Get,
        path: "/api/history",
        op: Op::Signed(SignedOp::GetHistory),
        summary: "History (R21, R30)",
        body: None,
        status: 200,
        answer: Some("Page"),
        id: IdKind::None,
        query: &[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer"), optional("user_from", "string"), optional("user_to", "string"), optional("entity_kind", "string"), optional("entity_id", "integer"), optional("from", "integer"), optional("to", "integer")],
    },
    Route {
        verb: Verb::Get,
        path: "/api/reports",
        op: Op::Signed(SignedOp::GetReports),
        summary: "Reports and documents (R22)",
        body: None,
        status: 200,
        answer: Some("Page"),
        id: IdKind::None,
        query: &[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")],
    },
    Route {
        verb: Verb::Get,
        path: "/api/settings/mail",
        op: Op::Signed(SignedOp::GetSettingsMail),
        summary: "General Settings > Miscellaneous: account mail settings (keys never returned, R26)",
        body: None,
        status: 200,
        answer: Some("MailSettings"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Put,
        path: "/api/settings/mail",
        op: Op::Signed(SignedOp::PutSettingsMail),
        summary: "Save account mail settings; the API key is encrypted (R26)",
        body: Some("MailSettingsInput"),
        status: 200,
        answer: Some("MailSettings"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/users/{id}/mail",
        op: Op::Signed(SignedOp::GetUsersIdMail),
        summary: "User-Specific Email Configuration (R25)",
        body: None,
        status: 200,
        answer: Some("UserMailConfig"),
        id: IdKind::Integer,
        query: &[],
    },
    Route {
        verb: Verb::Put,
        path: "/api/users/{id}/mail-password",
        op: Op::Signed(SignedOp::PutUsersIdMailPassword),
        summary: "Set a user's mail password (R25, R26)",
        body: Some("MailPasswordInput"),
        status: 200,
        answer: Some("UserMailConfig"),
        id: IdKind::Integer,
        query: &[required("version", "integer")],
    },
    Route {
        verb: Verb::Post,
        path: "/api/users/{id}/test-email",
        op: Op::Signed(SignedOp::PostUsersIdTestEmail),
        summary: "Send test email (R27, R29)",
        body: None,
        status: 200,
        answer: Some("MailSent"),
        id: IdKind::Integer,
        query: &[],
    },
    Route {
        verb: Verb::Post,
        path: "/api/users/{id}/invitation",
        op: Op::Signed(SignedOp::PostUsersIdInvitation),
        summary: "Send or resend the invitation link",
        body: None,
        status: 200,
        answer: Some("Notice"),
        id: IdKind::Integer,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/preferences/mail",
        op: Op::Signed(SignedOp::GetPreferencesMail),
        summary: "Preferences > Email > Management of my Account",
        body: None,
        status: 200,
        answer: Some("UserMailConfig"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Put,
        path: "/api/preferences/mail-password",
        op: Op::Signed(SignedOp::PutPreferencesMailPassword),
        summary: "Set my own mail password, typed twice (R28)",
        body: Some("MailPasswordInput"),
        status: 200,
        answer: Some("UserMailConfig"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/outbox",
        op: Op::Signed(SignedOp::GetOutbox),
        summary: "The local outbox (regular administrators)",
        body: None,
        status: 200,
        answer: Some("Page"),
        id: IdKind::None,
        query: &[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")],
    },
    Route {
        verb: Verb::Post,
        path: "/api/password/forgot",
        op: Op::Public(PublicOp::PostPasswordForgot),
        summary: "Forgot password: same answer whether or not the address exists",
        body: Some("ForgotPassword"),
        status: 202,
        answer: Some("Notice"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Post,
        path: "/api/password",
        op: Op::Public(PublicOp::PostPassword),
        summary: "Choose the sign-in password from an invitation or reset link (single use)",
        body: Some("SetPassword"),
        status: 200,
        answer: Some("Notice"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Post,
        path: "/api/password/change",
        op: Op::Signed(SignedOp::PostPasswordChange),
        summary: "Change one's own sign-in password, the current one first (R36); ends the person's other sessions",
        body: Some("ChangePassword"),
        status: 200,
        answer: Some("Notice"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Get,
        path: "/api/sessions",
        op: Op::Signed(SignedOp::GetSessions),
        summary: "The signed-in person's own sessions: since when, last seen, browser (ASVS 7.5.2)",
        body: None,
        status: 200,
        answer: Some("SessionInfo[]"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Delete,
        path: "/api/sessions/{id}",
        op: Op::Signed(SignedOp::DeleteSessionsId),
        summary: "End one of one's own sessions (the current one signs out)",
        body: None,
        status: 204,
        answer: None,
        id: IdKind::Text,
        query: &[],
    },
    Route {
        verb: Verb::Delete,
        path: "/api/users/{id}/sessions",
        op: Op::Signed(SignedOp::DeleteUsersIdSessions),
        summary: "End every session of a user the administrator manages (scope R12, R15)",
        body: None,
        status: 204,
        answer: None,
        id: IdKind::Integer,
        query: &[],
    },
    Route {
        verb: Verb::Post,
        path: "/api/session/mfa",
        op: Op::Signed(SignedOp::PostSessionMfa),
        summary: "Enter the second factor a session owes (R35): six digits from the authenticator app, or an unused recovery code; a wrong code counts toward the lock-out",
        body: Some("MfaCode"),
        status: 200,
        answer: Some("Me"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Post,
        path: "/api/mfa/enrolment",
        op: Op::Signed(SignedOp::PostMfaEnrolment),
        summary: "Start setting up the second factor (R35): a new secret as a QR code (SVG), an otpauth:// address and text; starting again replaces an unconfirmed one",
        body: None,
        status: 200,
        answer: Some("MfaEnrolment"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Post,
        path: "/api/mfa/confirmation",
        op: Op::Signed(SignedOp::PostMfaConfirmation),
        summary: "Confirm the second factor being set up with a code from it (R35); answers the ten single-use recovery codes, shown once, and ends the person's other sessions",
        body: Some("MfaCode"),
        status: 200,
        answer: Some("RecoveryCodes"),
        id: IdKind::None,
        query: &[],
    },
    Route {
        verb: Verb::Delete,
        path: "/api/users/{id}/mfa",
        op: Op::Signed(SignedOp::DeleteUsersIdMfa),
        summary: "Reset a user's second factor within the administrator's scope (R35; never one's own): their sessions end, they set it up again at the next sign-in",
        body: None,
        status: 204,
        answer: None,
        id: IdKind::Integer,
        query: &[],
    },
];

/// Why no route answers a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Miss {
    NotFound,
    /// The path exists with these methods only.
    MethodNotAllowed(Vec<Verb>),
}

fn matches(pattern: &str, segments: &[&str]) -> bool {
    let parts: Vec<&str> = pattern.trim_start_matches("/api/").split('/').collect();
    parts.len() == segments.len()
        && parts
            .iter()
            .zip(segments)
            .all(|(part, segment)| *part == "{id}" || part == segment)
}

/// The route of a request: `segments` is its path after `/api/`, split at `/`. Answers the route
/// and its `{id}` segment, if it has one.
pub fn find<'a>(
    verb: Verb,
    segments: &[&'a str],
) -> Result<(&'static Route, Option<&'a str>), Miss> {
    let mut allowed = Vec::new();
    for route in ROUTES.iter().filter(|route| matches(route.path, segments)) {
        if route.verb == verb {
            let parts = route.path.trim_start_matches("/api/").split('/');
            let id = parts
                .zip(segments)
                .find(|(part, _)| *part == "{id}")
                .map(|(_, segment)| *segment);
            return Ok((route, id));
        }
        allowed.push(route.verb);
    }
    if allowed.is_empty() {
        Err(Miss::NotFound)
    } else {
        Err(Miss::MethodNotAllowed(allowed))
    }
}

/// The methods a path pattern is served with.
pub fn verbs_of(path: &str) -> Vec<Verb> {
    ROUTES
        .iter()
        .filter(|route| route.path == path)
        .map(|route| route.verb)
        .collect()
}

/// Writing and checking `openapi.json` from the table (tests and `make openapi` only).
#[cfg(test)]
mod tests {
    use super::*;

    fn schema_ref(name: &str) -> serde_json::Value {
        match name.strip_suffix("[]") {
            Some(item) => serde_json::json!({
                "type": "array",
                "items": { "$ref": format!("#/components/schemas/{item}") }
            }),
            None => serde_json::json!({ "$ref": format!("#/components/schemas/{name}") }),
        }
    }

    /// The `paths` object of `openapi.json`, from the table.
    fn openapi_paths() -> serde_json::Value {
        let mut paths = serde_json::Map::new();
        for route in ROUTES {
            let operation_id = format!(
                "{}_{}",
                route.verb.lower(),
                route
                    .path
                    .trim_start_matches("/api/")
                    .replace("{id}", "id")
                    .replace(['/', '-', '.'], "_")
            );
            let mut success = serde_json::json!({ "description": "Success" });
            if let Some(answer) = route.answer {
                success["content"] =
                    serde_json::json!({ "application/json": { "schema": schema_ref(answer) } });
            }
            let mut operation = serde_json::json!({
                "summary": route.summary,
                "operationId": operation_id,
                "responses": {
                    route.status.to_string(): success,
                    "4XX": {
                        "description": "Problem",
                        "content": { "application/problem+json": { "schema": schema_ref("Problem") } }
                    }
                }
            });
            if let Some(body) = route.body {
                operation["requestBody"] = serde_json::json!({
                    "required": true,
                    "content": { "application/json": { "schema": schema_ref(body) } }
                });
            }
            if matches!(route.op, Op::Signed(_)) {
                operation["security"] = serde_json::json!([{ "session": [] }]);
            }
            let mut parameters = Vec::new();
            match route.id {
                IdKind::None => {}
                IdKind::Integer => parameters.push(serde_json::json!({
                    "name": "id", "in": "path", "required": true,
                    "schema": { "type": "integer", "minimum": 1 }
                })),
                IdKind::Text => parameters.push(serde_json::json!({
                    "name": "id", "in": "path", "required": true, "schema": { "type": "string" }
                })),
            }
            for param in route.query {
                let schema = match param.kind.strip_prefix("enum:") {
                    Some(words) => {
                        serde_json::json!({ "enum": words.split('|').collect::<Vec<_>>() })
                    }
                    None => serde_json::json!({ "type": param.kind }),
                };
                let mut entry = serde_json::json!({
                    "name": param.name, "in": "query", "required": param.required, "schema": schema
                });
                if let Some(note) = param.note {
                    entry["description"] = serde_json::json!(note);
                }
                parameters.push(entry);
            }
            if !parameters.is_empty() {
                operation["parameters"] = serde_json::Value::Array(parameters);
            }
            let entry = paths
                .entry(route.path.to_string())
                .or_insert_with(|| serde_json::json!({}));
            entry[route.verb.lower()] = operation;
        }
        serde_json::Value::Object(paths)
    }

    const COMMITTED: &str = include_str!("../openapi.json");

    /// `make openapi` (`PRECINCT_WRITE_OPENAPI=1`) writes the file from the table; otherwise the
    /// committed file must be what the table says.
    #[test]
    fn openapi_json_is_the_route_table() {
        let mut document: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
        let generated = openapi_paths();
        if std::env::var("PRECINCT_WRITE_OPENAPI").as_deref() == Ok("1") {
            document["paths"] = generated;
            let text = serde_json::to_string_pretty(&document).unwrap() + "\n";
            std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json"), text).unwrap();
            return;
        }
        assert!(
            document["paths"] == generated,
            "worker/openapi.json differs from the route table: run `make openapi`"
        );
    }

    #[test]
    fn each_method_and_path_is_one_route_and_each_operation_one_row() {
        let mut seen = std::collections::BTreeSet::new();
        for route in ROUTES {
            assert!(
                seen.insert((route.verb.as_str(), route.path)),
                "{} {} twice",
                route.verb.as_str(),
                route.path
            );
            assert_eq!(
                ROUTES.iter().filter(|other| other.op == route.op).count(),
                1,
                "{:?}",
                route.op
            );
            assert_eq!(
                route.path.contains("{id}"),
                route.id != IdKind::None,
                "{}",
                route.path
            );
        }
    }

    #[test]
    fn requests_find_their_route_or_say_which_methods_the_path_has() {
        let (route, id) = find(Verb::Delete, &["users", "42", "mfa"]).unwrap();
        assert_eq!(route.op, Op::Signed(SignedOp::DeleteUsersIdMfa));
        assert_eq!(id, Some("42"));
        assert_eq!(find(Verb::Get, &["no", "such"]).err(), Some(Miss::NotFound));
        assert_eq!(
            find(Verb::Put, &["session"]).err(),
            Some(Miss::MethodNotAllowed(vec![
                Verb::Post,
                Verb::Get,
                Verb::Delete
            ]))
        );
    }
}
