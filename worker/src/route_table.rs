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
    DeleteSessions,
    PostSessionMfa,
    PostMfaEnrolment,
    PostMfaConfirmation,
    DeleteUsersIdMfa,
    GetExplain,
    GetCompaniesIdSeers,
    GetReviews,
    GetReviewsId,
    GetReviewsIdCsv,
    PostReviewsIdReviewed,
    PostGroupsIdWhatIf,
    PostUsersIdWhatIf,
    PostUsersIdCompaniesWhatIf,
    PostCompaniesIdWhatIf,
    PostDirectoriesIdWhatIf,
    PostUsersIdCopySecurity,
    PostUsersIdCopySecurityWhatIf,
    GetExportsId,
    PostImports,
    GetImportsId,
    PostImportsIdConfirm,
    PostBulk,
    GetInvitationsQueue,
    PostInvitationsQueueSend,
}

impl SignedOp {
    /// Whether the request may start from the session row its token's last request found
    /// (issue 17's optimistic principal; routes.rs). Every read may, and the writes of records,
    /// which read before they write (the check rides with that read) and write nothing before
    /// the check has answered (`store::commit`). Not the session's and credentials' own
    /// operations, nor those that reach a mail provider or seal a secret: what they do is
    /// better not done twice.
    pub fn may_start_remembered(self) -> bool {
        use SignedOp::*;
        match self {
            PostAreas
            | PutAreasId
            | DeleteAreasId
            | PostDirectories
            | PutDirectoriesId
            | PostCompanies
            | PutCompaniesId
            | PostGroups
            | PutGroupsId
            | DeleteGroupsId
            | PostUsers
            | PutUsersId
            | DeleteUsersId
            | PostUsersIdDisable
            | PostUsersIdEnable
            | PostUsersIdMove
            | PutUsersIdCompanies
            | PostGroupsIdWhatIf
            | PostUsersIdWhatIf
            | PostUsersIdCompaniesWhatIf
            | PostCompaniesIdWhatIf
            | PostDirectoriesIdWhatIf
            | PostUsersIdCopySecurity
            | PostUsersIdCopySecurityWhatIf
            | PostImports
            | PostImportsIdConfirm
            | PostBulk => true,
            PutSessionCompany
            | PostSessionActAs
            | DeleteSessionActAs
            | PutSettingsMail
            | PutUsersIdMailPassword
            | PostUsersIdTestEmail
            | PostUsersIdInvitation
            | PutPreferencesMailPassword
            | PostPasswordChange
            | DeleteSessionsId
            | DeleteUsersIdSessions
            | DeleteSessions
            | PostSessionMfa
            | PostMfaEnrolment
            | PostMfaConfirmation
            | DeleteUsersIdMfa
            | PostReviewsIdReviewed
            | PostInvitationsQueueSend
            | GetExportsId => false,
            GetSession
            | GetApplications
            | GetSessionCompanies
            | GetSessionLoginAsCandidates
            | GetAreas
            | GetAreasId
            | GetDirectories
            | GetDirectoriesId
            | GetCompanies
            | GetCompaniesId
            | GetCompaniesIdProjects
            | GetCompaniesIdEmployees
            | GetAboutCompanies
            | GetGroups
            | GetGroupsId
            | GetOptions
            | GetUsers
            | GetUsersId
            | GetUsersIdCompanies
            | GetPickersUsers
            | GetPickersUserInCharge
            | GetHistory
            | GetReports
            | GetSettingsMail
            | GetUsersIdMail
            | GetPreferencesMail
            | GetOutbox
            | GetSessions
            | GetExplain
            | GetCompaniesIdSeers
            | GetReviews
            | GetReviewsId
            | GetReviewsIdCsv
            | GetImportsId
            | GetInvitationsQueue => true,
        }
    }
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

const fn route(verb: Verb, path: &'static str, op: Op, summary: &'static str) -> Route {
    Route {
        verb,
        path,
        op,
        summary,
        body: None,
        status: 200,
        answer: None,
        id: IdKind::None,
        query: &[],
    }
}

const fn get(path: &'static str, op: Op, summary: &'static str) -> Route {
    route(Verb::Get, path, op, summary)
}

const fn post(path: &'static str, op: Op, summary: &'static str) -> Route {
    route(Verb::Post, path, op, summary)
}

const fn put(path: &'static str, op: Op, summary: &'static str) -> Route {
    route(Verb::Put, path, op, summary)
}

const fn delete(path: &'static str, op: Op, summary: &'static str) -> Route {
    route(Verb::Delete, path, op, summary)
}

/// The rest of a row, said only where it differs from a body-less 200 without parameters.
impl Route {
    const fn body(self, schema: &'static str) -> Route {
        Route {
            body: Some(schema),
            ..self
        }
    }

    /// A 200 answer with this schema.
    const fn json(self, schema: &'static str) -> Route {
        self.answers(200, schema)
    }

    const fn answers(self, status: u16, schema: &'static str) -> Route {
        Route {
            status,
            answer: Some(schema),
            ..self
        }
    }

    const fn no_content(self) -> Route {
        Route {
            status: 204,
            ..self
        }
    }

    /// The `{id}` segment is a record's positive whole number.
    const fn id(self) -> Route {
        Route {
            id: IdKind::Integer,
            ..self
        }
    }

    /// The `{id}` segment is a short text (a session's).
    const fn text_id(self) -> Route {
        Route {
            id: IdKind::Text,
            ..self
        }
    }

    const fn query(self, query: &'static [Param]) -> Route {
        Route { query, ..self }
    }
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
    get("/api/health", Op::Public(PublicOp::GetHealth), "Version and whether D1 answers").json("Health"),
    get("/api/openapi.json", Op::Public(PublicOp::GetOpenapiJson), "This document"),
    post("/api/session", Op::Public(PublicOp::PostSession), "Sign in (R03)").body("SignIn").json("Me"),
    get("/api/session", Op::Signed(SignedOp::GetSession), "Who is signed in, on whose behalf (R05), and the chosen company (R04)").json("Me"),
    delete("/api/session", Op::Public(PublicOp::DeleteSession), "Sign out: ends the session on the server").no_content(),
    get("/api/applications", Op::Signed(SignedOp::GetApplications), "My Applications (R03)").json("Applications"),
    get("/api/session/companies", Op::Signed(SignedOp::GetSessionCompanies), "Companies offered at sign-in (R04, R20)").json("CompanyRefPage").query(&[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")]),
    put("/api/session/company", Op::Signed(SignedOp::PutSessionCompany), "Choose the company to work in (R04)").body("ChooseCompany").json("Me"),
    get("/api/session/login-as/candidates", Op::Signed(SignedOp::GetSessionLoginAsCandidates), "Users the actor may log in as (R05)").json("UserRefPage").query(&[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")]),
    post("/api/session/act-as", Op::Signed(SignedOp::PostSessionActAs), "Log in as another user (R05)").body("ActAs").json("Me"),
    delete("/api/session/act-as", Op::Signed(SignedOp::DeleteSessionActAs), "Go back to the real user (R05)").json("Me"),
    get("/api/areas", Op::Signed(SignedOp::GetAreas), "Area Management list (R06, regular administrators)").json("AreaPage").query(&[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")]),
    post("/api/areas", Op::Signed(SignedOp::PostAreas), "Create an area (R06)").body("AreaInput").answers(201, "Area"),
    get("/api/areas/{id}", Op::Signed(SignedOp::GetAreasId), "One area").json("Area").id(),
    put("/api/areas/{id}", Op::Signed(SignedOp::PutAreasId), "Rename an area (version required)").body("AreaInput").json("Area").id(),
    delete("/api/areas/{id}", Op::Signed(SignedOp::DeleteAreasId), "Delete an unused area (R06)").no_content().id().query(&[required("version", "integer")]),
    get("/api/directories", Op::Signed(SignedOp::GetDirectories), "Company directories").json("DirectoryPage").query(&[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")]),
    post("/api/directories", Op::Signed(SignedOp::PostDirectories), "Create a directory (R08)").body("DirectoryInput").answers(201, "Directory"),
    get("/api/directories/{id}", Op::Signed(SignedOp::GetDirectoriesId), "One directory").json("Directory").id(),
    put("/api/directories/{id}", Op::Signed(SignedOp::PutDirectoriesId), "Edit a directory, its multidimensional mode and area (R08)").body("DirectoryInput").json("Directory").id(),
    get("/api/companies", Op::Signed(SignedOp::GetCompanies), "Companies the actor may see (R11-R14, R20)").json("CompanyPage").query(&[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer"), optional("area_id", "integer"), optional("directory_id", "integer"), optional("user_in_charge", "enum:outside_area").noted("outside_area: only companies whose user in charge is of another area (the regular administrators' review).")]),
    post("/api/companies", Op::Signed(SignedOp::PostCompanies), "Create a company (R07, R12)").body("CompanyInput").answers(201, "Company"),
    get("/api/companies/{id}", Op::Signed(SignedOp::GetCompaniesId), "Modify Company Settings: one company").json("Company").id(),
    put("/api/companies/{id}", Op::Signed(SignedOp::PutCompaniesId), "Edit a company: area (R11, R08), user in charge (R19)").body("CompanyInput").json("Company").id(),
    get("/api/companies/{id}/projects", Op::Signed(SignedOp::GetCompaniesIdProjects), "Projects of a company (R13, R20)").json("ProjectPage").id().query(&[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")]),
    get("/api/companies/{id}/employees", Op::Signed(SignedOp::GetCompaniesIdEmployees), "Employees of a company (R13, R20)").json("EmployeePage").id().query(&[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")]),
    get("/api/about/companies", Op::Signed(SignedOp::GetAboutCompanies), "About > Properties > Companies, with each one's area (R23)").json("CompanyPage").query(&[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")]),
    get("/api/groups", Op::Signed(SignedOp::GetGroups), "User Groups Management list (R11, R12)").json("GroupPage").query(&[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")]),
    post("/api/groups", Op::Signed(SignedOp::PostGroups), "Create a user group (R09, R12)").body("GroupInput").answers(201, "Group"),
    get("/api/groups/{id}", Op::Signed(SignedOp::GetGroupsId), "One user group").json("Group").id(),
    put("/api/groups/{id}", Op::Signed(SignedOp::PutGroupsId), "Edit a user group: level, area, options (R09, R11, R12, R16)").body("GroupInput").json("Group").id(),
    delete("/api/groups/{id}", Op::Signed(SignedOp::DeleteGroupsId), "Delete an unused user group").no_content().id().query(&[required("version", "integer")]),
    get("/api/options", Op::Signed(SignedOp::GetOptions), "The options catalog and what the actor may grant (R09)").json("OptionEntry[]"),
    get("/api/users", Op::Signed(SignedOp::GetUsers), "Security Management: users of the actor's area (R18)").json("UserPage").query(&[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer"), optional("group_id", "integer"), optional("area_id", "integer"), optional("status", "string")]),
    post("/api/users", Op::Signed(SignedOp::PostUsers), "Create a user (R24)").body("UserInput").answers(201, "User"),
    get("/api/users/{id}", Op::Signed(SignedOp::GetUsersId), "One user").json("User").id(),
    put("/api/users/{id}", Op::Signed(SignedOp::PutUsersId), "Edit a user's identity; the mail user follows the user code (R25)").body("UserUpdate").json("User").id(),
    delete("/api/users/{id}", Op::Signed(SignedOp::DeleteUsersId), "Delete a user (R16)").no_content().id().query(&[required("version", "integer")]),
    post("/api/users/{id}/disable", Op::Signed(SignedOp::PostUsersIdDisable), "Disable a user and end their sessions (R16)").body("VersionOnly").json("User").id(),
    post("/api/users/{id}/enable", Op::Signed(SignedOp::PostUsersIdEnable), "Enable a user").body("VersionOnly").json("User").id(),
    post("/api/users/{id}/move", Op::Signed(SignedOp::PostUsersIdMove), "Move a user to another group (R17)").body("MoveUser").json("Moved").id(),
    get("/api/users/{id}/companies", Op::Signed(SignedOp::GetUsersIdCompanies), "Access to Companies tab (R13, R14)").json("CompanyAccess").id().query(&[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")]),
    put("/api/users/{id}/companies", Op::Signed(SignedOp::PutUsersIdCompanies), "Set the ticked companies (R14)").body("SetCompanyAccess").json("CompanyAccess").id(),
    get("/api/pickers/users", Op::Signed(SignedOp::GetPickersUsers), "User picker (R18)").json("UserRefPage").query(&[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")]),
    get("/api/pickers/user-in-charge", Op::Signed(SignedOp::GetPickersUserInCharge), "User-in-charge picker (R19)").json("UserRefPage").query(&[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")]),
    get("/api/history", Op::Signed(SignedOp::GetHistory), "History (R21, R30)").json("HistoryEntryPage").query(&[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer"), optional("user_from", "string"), optional("user_to", "string"), optional("entity_kind", "string"), optional("entity_id", "integer"), optional("from", "integer"), optional("to", "integer")]),
    get("/api/reports", Op::Signed(SignedOp::GetReports), "Reports and documents (R22)").json("ReportPage").query(&[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")]),
    get("/api/settings/mail", Op::Signed(SignedOp::GetSettingsMail), "General Settings > Miscellaneous: account mail settings (keys never returned, R26)").json("MailSettings"),
    put("/api/settings/mail", Op::Signed(SignedOp::PutSettingsMail), "Save account mail settings; the API key is encrypted (R26)").body("MailSettingsInput").json("MailSettings"),
    get("/api/users/{id}/mail", Op::Signed(SignedOp::GetUsersIdMail), "User-Specific Email Configuration (R25)").json("UserMailConfig").id(),
    put("/api/users/{id}/mail-password", Op::Signed(SignedOp::PutUsersIdMailPassword), "Set a user's mail password (R25, R26)").body("MailPasswordInput").json("UserMailConfig").id().query(&[required("version", "integer")]),
    post("/api/users/{id}/test-email", Op::Signed(SignedOp::PostUsersIdTestEmail), "Send test email (R27, R29)").json("MailSent").id(),
    post("/api/users/{id}/invitation", Op::Signed(SignedOp::PostUsersIdInvitation), "Send or resend the invitation link").json("Notice").id(),
    get("/api/preferences/mail", Op::Signed(SignedOp::GetPreferencesMail), "Preferences > Email > Management of my Account").json("UserMailConfig"),
    put("/api/preferences/mail-password", Op::Signed(SignedOp::PutPreferencesMailPassword), "Set my own mail password, typed twice (R28)").body("MailPasswordInput").json("UserMailConfig"),
    get("/api/outbox", Op::Signed(SignedOp::GetOutbox), "The local outbox (regular administrators)").json("OutboxMessagePage").query(&[optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")]),
    post("/api/password/forgot", Op::Public(PublicOp::PostPasswordForgot), "Forgot password: same answer whether or not the address exists").body("ForgotPassword").answers(202, "Notice"),
    post("/api/password", Op::Public(PublicOp::PostPassword), "Choose the sign-in password from an invitation or reset link (single use)").body("SetPassword").json("Notice"),
    post("/api/password/change", Op::Signed(SignedOp::PostPasswordChange), "Change one's own sign-in password, the current one first (R36); ends the person's other sessions").body("ChangePassword").json("Notice"),
    get("/api/sessions", Op::Signed(SignedOp::GetSessions), "The signed-in person's own sessions: since when, last seen, browser (ASVS 7.5.2)").json("SessionInfo[]"),
    delete("/api/sessions/{id}", Op::Signed(SignedOp::DeleteSessionsId), "End one of one's own sessions (the current one signs out)").no_content().text_id(),
    delete("/api/users/{id}/sessions", Op::Signed(SignedOp::DeleteUsersIdSessions), "End every session of a user the administrator manages (scope R12, R15)").no_content().id(),
    delete("/api/sessions", Op::Signed(SignedOp::DeleteSessions), "End at once every session of every user the administrator manages (their scope, R12, R18; ASVS 7.4.5), this one excepted; needs a sign-in of the last 15 minutes").no_content(),
    post("/api/session/mfa", Op::Signed(SignedOp::PostSessionMfa), "Enter the second factor a session owes (R35): six digits from the authenticator app, or an unused recovery code; a wrong code counts toward the lock-out").body("MfaCode").json("Me"),
    post("/api/mfa/enrolment", Op::Signed(SignedOp::PostMfaEnrolment), "Start setting up the second factor (R35): a new secret as a QR code (SVG), an otpauth:// address and text; starting again replaces an unconfirmed one").json("MfaEnrolment"),
    post("/api/mfa/confirmation", Op::Signed(SignedOp::PostMfaConfirmation), "Confirm the second factor being set up with a code from it (R35); answers the ten single-use recovery codes, shown once, and ends the person's other sessions").body("MfaCode").json("RecoveryCodes"),
    delete("/api/users/{id}/mfa", Op::Signed(SignedOp::DeleteUsersIdMfa), "Reset a user's second factor within the administrator's scope (R35; never one's own): their sessions end, they set it up again at the next sign-in").no_content().id(),
    get("/api/explain", Op::Signed(SignedOp::GetExplain), "B01 Explain access: may this person see, change, pick this record, and why (the chain of facts and rules of the decision itself); about people and records the asker may see").json("AccessExplanation").query(&[required("user_id", "integer"), required("kind", "enum:company|user|group|report|history"), required("id", "integer")]),
    get("/api/companies/{id}/seers", Op::Signed(SignedOp::GetCompaniesIdSeers), "B01: who can see the company, grouped by why (regular administrators, local administrators of its area, users who ticked it), among the people the asker may see").json("CompanySeers").id().query(&[optional("reason", "enum:regular_administrator|local_administrator|ticked"), optional("q", "string"), optional("cursor", "string"), optional("limit", "integer")]),
    get("/api/reviews", Op::Signed(SignedOp::GetReviews), "B03: the areas the actor reviews (regular administrators: every area and `none`; local administrators: their own), each with its last review").json("ReviewArea[]"),
    get("/api/reviews/{id}", Op::Signed(SignedOp::GetReviewsId), "B03 access review of an area (`none`: the people of no area): counts, people by last sign-in, dormant people, people reaching no company, old invitations, groups with options their level cannot use, last review").json("AccessReview").text_id().query(&[optional("dormant_days", "integer").noted("Days without a sign-in that make a person dormant: 90 unless given (1 to 3650).")]),
    get("/api/reviews/{id}/csv", Op::Signed(SignedOp::GetReviewsIdCsv), "B03: the review as CSV (UTF-8 with BOM), one line per person; `separator=semicolon` for French spreadsheets").text_id().query(&[optional("dormant_days", "integer"), optional("separator", "enum:comma|semicolon")]),
    post("/api/reviews/{id}/reviewed", Op::Signed(SignedOp::PostReviewsIdReviewed), "B03: mark the area reviewed (a history entry, R30)").json("ReviewMark").text_id(),
    post("/api/users/{id}/copy-security", Op::Signed(SignedOp::PostUsersIdCopySecurity), "B05: copy the group and the ticked companies of another user the actor may see, in one Save (a move, R17 confirmation, and the ticks the actor may see)").body("CopySecurity").json("User").id(),
    post("/api/users/{id}/copy-security/what-if", Op::Signed(SignedOp::PostUsersIdCopySecurityWhatIf), "B05 what-if of copying another user's security: the Save's own checks, nothing written").body("CopySecurity").json("WhatIf").id(),
    get("/api/exports/{id}", Op::Signed(SignedOp::GetExportsId), "B04: `users`, `groups` or `companies` the reader may see, as CSV (UTF-8 with BOM; columns in the README), streamed a page at a time; `separator=semicolon` for French spreadsheets").text_id().query(&[optional("separator", "enum:comma|semicolon")]),
    post("/api/imports", Op::Signed(SignedOp::PostImports), "B04: the dry run of a users file: every line planned against what is stored and the policy (create, change with each field's before and after, unchanged, refused with line, field and reason); nothing written, kept under a token until confirmed").body("ImportRequest").json("DryRun"),
    get("/api/imports/{id}", Op::Signed(SignedOp::GetImportsId), "B04, B06: a dry run's progress: which chunks (lines) are written").json("RunReport").text_id(),
    post("/api/imports/{id}/confirm", Op::Signed(SignedOp::PostImportsIdConfirm), "B04, B06: write one chunk of the dry run as shown (one batch with its history entries and version guards); 409 `stale_dry_run` when the data changed since the dry run").body("ConfirmChunk").json("RunReport").text_id(),
    post("/api/bulk", Op::Signed(SignedOp::PostBulk), "B06: the dry run of a bulk action (disable, enable, move, invite, tick, untick) over the users picked or all a search finds: who changes, who is refused and why; confirmed chunk by chunk like an import").body("BulkRequest").json("DryRun"),
    get("/api/invitations/queue", Op::Signed(SignedOp::GetInvitationsQueue), "B04, B06: invitations queued and not sent yet, among the users the reader may see").json("InvitationsSent"),
    post("/api/invitations/queue/send", Op::Signed(SignedOp::PostInvitationsQueueSend), "B04, B06: send the next queued invitations (at most 10 per request), each as a single invitation").json("InvitationsSent"),
    post("/api/groups/{id}/what-if", Op::Signed(SignedOp::PostGroupsIdWhatIf), "B02 what-if of a group's Save (level, area, options): the Save's own checks, nothing written; who would gain or lose access to which companies and options, within the asker's scope").body("GroupInput").json("WhatIf").id(),
    post("/api/users/{id}/what-if", Op::Signed(SignedOp::PostUsersIdWhatIf), "B02 what-if of a user's Save with another group").body("UserUpdate").json("WhatIf").id(),
    post("/api/users/{id}/companies/what-if", Op::Signed(SignedOp::PostUsersIdCompaniesWhatIf), "B02 what-if of a user's ticks (R14)").body("SetCompanyAccess").json("WhatIf").id(),
    post("/api/companies/{id}/what-if", Op::Signed(SignedOp::PostCompaniesIdWhatIf), "B02 what-if of a company's Save: its area (R08: its multidimensional directory's)").body("CompanyInput").json("WhatIf").id(),
    post("/api/directories/{id}/what-if", Op::Signed(SignedOp::PostDirectoriesIdWhatIf), "B02 what-if of a directory's Save: its multidimensional mode and area (R08)").body("DirectoryInput").json("WhatIf").id(),
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

    /// The `components.schemas` of `openapi.json`: the `core` API types as JSON Schema 2020-12
    /// (OpenAPI 3.1's dialect), derived by schemars from the same serde attributes that shape
    /// the JSON the worker reads and writes.
    fn openapi_schemas() -> serde_json::Map<String, serde_json::Value> {
        use precinct_core::api::*;
        use precinct_core::problem::Problem;
        let mut settings = schemars::generate::SchemaSettings::draft2020_12();
        settings.definitions_path = "/components/schemas".into();
        let mut generator = settings.into_generator();
        macro_rules! define {
            ($($name:ty),* $(,)?) => { $( generator.subschema_for::<$name>(); )* };
        }
        define!(
            Problem,
            Health,
            SignIn,
            Me,
            MfaCode,
            MfaEnrolment,
            RecoveryCodes,
            Applications,
            VersionOnly,
            Area,
            AreaInput,
            Directory,
            DirectoryInput,
            Company,
            CompanyInput,
            Group,
            GroupInput,
            OptionEntry,
            User,
            UserInput,
            UserUpdate,
            MoveUser,
            Moved,
            CompanyAccess,
            SetCompanyAccess,
            ChooseCompany,
            ActAs,
            MailSettings,
            MailSettingsInput,
            UserMailConfig,
            MailPasswordInput,
            MailSent,
            ForgotPassword,
            SetPassword,
            SessionInfo,
            ChangePassword,
            Notice,
            AccessExplanation,
            CompanySeers,
            WhatIf,
            AccessReview,
            ReviewArea,
            ReviewMark,
            CopySecurity,
            ImportRequest,
            DryRun,
            ConfirmChunk,
            RunReport,
            BulkRequest,
            InvitationsSent,
            Page<CompanyRef>,
            Page<UserRef>,
            Page<Area>,
            Page<Directory>,
            Page<Company>,
            Page<Project>,
            Page<Employee>,
            Page<Group>,
            Page<User>,
            Page<HistoryEntry>,
            Page<Report>,
            Page<OutboxMessage>,
        );
        generator.take_definitions(true)
    }

    const COMMITTED: &str = include_str!("../openapi.json");

    /// `make openapi` (`PRECINCT_WRITE_OPENAPI=1`) writes the file from the table and the core
    /// types; otherwise the committed file must be what they say.
    #[test]
    fn openapi_json_is_the_route_table_and_the_core_types() {
        let mut document: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
        let paths = openapi_paths();
        let schemas = serde_json::Value::Object(openapi_schemas());
        if std::env::var("PRECINCT_WRITE_OPENAPI").as_deref() == Ok("1") {
            document["paths"] = paths;
            document["components"]["schemas"] = schemas;
            let text = serde_json::to_string_pretty(&document).unwrap() + "\n";
            std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json"), text).unwrap();
            return;
        }
        assert!(
            document["paths"] == paths,
            "worker/openapi.json's paths differ from the route table: run `make openapi`"
        );
        assert!(
            document["components"]["schemas"] == schemas,
            "worker/openapi.json's schemas differ from the core types: run `make openapi`"
        );
    }

    /// Every body and answer a row names is a generated schema.
    #[test]
    fn each_schema_a_route_names_is_a_core_type() {
        let schemas = openapi_schemas();
        for route in ROUTES {
            for name in [route.body, route.answer].into_iter().flatten() {
                let name = name.trim_end_matches("[]");
                assert!(
                    schemas.contains_key(name),
                    "{} {} names {name}, which no core type defines",
                    route.verb.as_str(),
                    route.path
                );
            }
        }
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

#[cfg(test)]
mod bundle_pages {
    use precinct_core::api::{ACCOUNT_PAGES, BULK_SCREENS, INSIGHT_SCREENS, OCCASIONAL_SCREENS};

    /// The addresses wrangler sends to the worker before its static files, as written in
    /// wrangler.toml (the `run_worker_first` list).
    fn run_worker_first() -> Vec<String> {
        let config = include_str!("../../wrangler.toml");
        let list = config
            .split("run_worker_first = [")
            .nth(1)
            .and_then(|rest| rest.split(']').next())
            .unwrap_or_default();
        list.split(',')
            .map(|entry| entry.trim().trim_matches('"').to_string())
            .filter(|entry| !entry.is_empty())
            .collect()
    }

    /// Whether wrangler sends `address` to the worker first: named, or under a `/*` entry.
    fn reaches_worker(first: &[String], address: &str) -> bool {
        first.iter().any(|entry| match entry.strip_suffix("/*") {
            Some(prefix) => address.starts_with(&format!("{prefix}/")),
            None => entry == address,
        })
    }

    #[test]
    fn wrangler_sends_every_page_to_the_worker_but_not_the_files() {
        let first = run_worker_first();
        for page in ACCOUNT_PAGES {
            assert!(
                reaches_worker(&first, page),
                "{page} does not reach the worker"
            );
        }
        for screen in OCCASIONAL_SCREENS
            .iter()
            .chain(INSIGHT_SCREENS.iter())
            .chain(BULK_SCREENS.iter())
        {
            for address in [screen.to_string(), format!("{screen}/7")] {
                assert!(
                    reaches_worker(&first, &address),
                    "{address} does not reach the worker"
                );
            }
        }
        // The console's own pages too (a preview's band, their caching: O01, issue 17).
        for page in [
            "/applications",
            "/console",
            "/console/users",
            "/console/users/7",
        ] {
            assert!(
                reaches_worker(&first, page),
                "{page} does not reach the worker"
            );
        }
        // Deny twin: the content-hashed files are served as they are, never by the worker.
        for file in [
            "/assets/app.0123456789ab.js",
            "/assets/precinct.0123456789ab.css",
        ] {
            assert!(!reaches_worker(&first, file), "{file} reaches the worker");
        }
    }
}
