//! The console's one typed client for the Precinct API. Screens call these functions; nothing
//! else touches gloo-net.

use gloo_net::http::{Request as Http, RequestBuilder};
use precinct_core::api::{
    ActAs, Applications, Area, AreaInput, ChangePassword, ChooseCompany, Company, CompanyAccess,
    CompanyInput, CompanyRef, Directory, DirectoryInput, Employee, ForgotPassword, Group,
    GroupInput, HistoryEntry, MailPasswordInput, MailSent, MailSettings, MailSettingsInput, Me,
    MfaCode, MfaEnrolment, Notice, OptionEntry, OutboxMessage, Page, Project, RecoveryCodes,
    Report, SessionInfo, SetCompanyAccess, SetPassword, SignIn, User, UserInput, UserMailConfig,
    UserRef, UserUpdate, VersionOnly, WhatIf,
};
use precinct_core::decode::{Decode, Json};
use precinct_core::encode::{to_json, Encode};
use precinct_core::problem::Problem;
use wasm_bindgen::JsValue;

/// Why a call failed, ready to show: the server's problem body, or a network failure.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiFailure {
    Problem(Problem),
    Network(String),
}

impl ApiFailure {
    pub fn status(&self) -> u16 {
        match self {
            ApiFailure::Problem(problem) => problem.status,
            ApiFailure::Network(_) => 0,
        }
    }

    /// The problem's machine-readable code (`version_conflict`, ...), empty for network failures.
    pub fn code(&self) -> &str {
        match self {
            ApiFailure::Problem(problem) => &problem.code,
            ApiFailure::Network(_) => "",
        }
    }

    /// The request field at fault, when the server named one.
    /// The problem of `field`: the answer's own, or its entry among several fields at fault.
    pub fn of_field(&self, field: &str) -> Option<ApiFailure> {
        if self.field() == Some(field) {
            return Some(self.clone());
        }
        let ApiFailure::Problem(problem) = self else {
            return None;
        };
        problem
            .errors
            .iter()
            .find(|entry| entry.field == field)
            .map(|entry| {
                ApiFailure::Problem(Problem {
                    status: problem.status,
                    code: entry.code.clone(),
                    message: entry.message.clone(),
                    field: Some(entry.field.clone()),
                    errors: Vec::new(),
                })
            })
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            ApiFailure::Problem(problem) => problem.field.as_deref(),
            ApiFailure::Network(_) => None,
        }
    }

    /// The server's own sentence; network failures have none (the screens translate them).
    pub fn server_message(&self) -> Option<&str> {
        match self {
            ApiFailure::Problem(problem) => Some(&problem.message),
            ApiFailure::Network(_) => None,
        }
    }

    /// The request never got a Precinct answer: the network failed, or something in between
    /// answered with a server error that is not the worker's problem body.
    pub fn is_lost_on_the_way(&self) -> bool {
        match self {
            ApiFailure::Network(_) => true,
            ApiFailure::Problem(problem) => {
                problem.status >= 500 && problem.code == UNEXPECTED_ANSWER
            }
        }
    }

    /// Another administrator saved the record since it was loaded.
    pub fn is_conflict(&self) -> bool {
        self.status() == 409 && self.code() == "version_conflict"
    }
}

pub type ApiResult<T> = Result<T, ApiFailure>;

fn network(error: gloo_net::Error) -> ApiFailure {
    ApiFailure::Network(error.to_string())
}

/// How long a read may take before it counts as lost (the worker answers lists in well under
/// a second: `make bench`).
const READ_TIMEOUT_MS: u32 = 15_000;

/// State-changing calls carry the header the worker's CSRF check requires.
fn changing(builder: RequestBuilder) -> RequestBuilder {
    builder.header("x-precinct-csrf", "1")
}

/// The one place a request is sent: not generic, so every endpoint shares its code (the
/// console's size budget counts each generic copy). A GET changes nothing, so one lost on the
/// way is sent once more before the screen reports it: a dropped connection, or an error page
/// from something between the browser and the worker (every answer of the worker itself is a
/// problem body, which is never retried).
async fn exchange(method: &str, path: &str, body: Option<String>) -> ApiResult<String> {
    let answer = send_once(method, path, body).await;
    match answer {
        Err(failure) if method == "GET" && failure.is_lost_on_the_way() => {
            send_once(method, path, None).await
        }
        answer => answer,
    }
}

/// O02: the newest D1 session bookmark this tab has been answered with, sent back with every
/// request, so the worker never reads from a replica older than this person's last write. Kept
/// in the tab's session storage: the account pages and occasional screens are other page loads.
const BOOKMARK: &str = "x-precinct-bookmark";

fn tab_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn bookmark() -> Option<String> {
    tab_storage()?.get_item("precinct.bookmark").ok()?
}

fn keep_bookmark(answered: Option<String>) {
    // A bookmark is `<database>:<position>` (O03). Of one database's, the newest wins when
    // answers cross (they compare as text); one of another database (signed in to an account
    // that lives elsewhere) replaces it.
    let database = |bookmark: &str| bookmark.split(':').next().map(str::to_string);
    if let (Some(answered), Some(storage)) = (answered, tab_storage()) {
        if bookmark().is_none_or(|kept| database(&kept) != database(&answered) || answered > kept) {
            let _ = storage.set_item("precinct.bookmark", &answered);
        }
    }
}

async fn send_once(method: &str, path: &str, body: Option<String>) -> ApiResult<String> {
    let builder = match method {
        "POST" => changing(Http::post(path)),
        "PUT" => changing(Http::put(path)),
        "DELETE" => changing(Http::delete(path)),
        // A read that hangs (a connection that silently died) fails after a while, so it can
        // be sent again rather than leave the screen loading for ever.
        _ => Http::get(path).abort_signal(Some(&web_sys::AbortSignal::timeout_with_u32(
            READ_TIMEOUT_MS,
        ))),
    };
    let builder = match bookmark() {
        Some(bookmark) => builder.header(BOOKMARK, &bookmark),
        None => builder,
    };
    let response = match body {
        Some(body) => builder
            .header("content-type", "application/json")
            .body(body)
            .map_err(network)?
            .send()
            .await
            .map_err(network)?,
        None => builder.send().await.map_err(network)?,
    };
    keep_bookmark(response.headers().get(BOOKMARK));
    let status = response.status();
    let text = response.text().await.map_err(network)?;
    if response.ok() {
        Ok(text)
    } else {
        Err(problem(status, &text))
    }
}

/// The code of an error answer that is not a problem body (not the worker's own).
const UNEXPECTED_ANSWER: &str = "unexpected_answer";

fn problem(status: u16, text: &str) -> ApiFailure {
    match decode::<Problem>(text.to_string()) {
        Ok(problem) => ApiFailure::Problem(problem),
        Err(_) => ApiFailure::Problem(Problem {
            status,
            code: UNEXPECTED_ANSWER.to_string(),
            message: format!("Precinct answered with an unexpected error ({status})."),
            field: None,
            errors: Vec::new(),
        }),
    }
}

/// A value parsed by the browser's `JSON.parse`, read by `precinct_core::decode` (the console
/// carries no JSON parser of its own: see that module for why).
struct Js(JsValue);

impl Json for Js {
    fn member(&self, name: &str) -> Option<Self> {
        js_sys::Reflect::get(&self.0, &JsValue::from_str(name))
            .ok()
            .filter(|value| !value.is_null() && !value.is_undefined())
            .map(Js)
    }

    fn text(&self) -> Option<String> {
        self.0.as_string()
    }

    fn whole(&self) -> Option<i64> {
        const SAFE: f64 = 9_007_199_254_740_991.0;
        self.0
            .as_f64()
            .filter(|number| number.fract() == 0.0 && number.abs() <= SAFE)
            .map(|number| number as i64)
    }

    fn flag(&self) -> Option<bool> {
        self.0.as_bool()
    }

    fn elements(&self) -> Option<Vec<Self>> {
        js_sys::Array::is_array(&self.0)
            .then(|| js_sys::Array::from(&self.0).iter().map(Js).collect())
    }
}

fn decode<T: Decode>(text: String) -> ApiResult<T> {
    let json = js_sys::JSON::parse(&text)
        .map_err(|_| ApiFailure::Network("the answer is not JSON".to_string()))?;
    T::decode(&Js(json)).map_err(|error| ApiFailure::Network(error.to_string()))
}

/// A request ready to send, with no type attached: sending it is compiled once for every call.
/// `None` is a call the console answers itself, without asking the server.
pub struct Request(Option<Outgoing>);

struct Outgoing {
    method: &'static str,
    path: String,
    body: Option<String>,
}

pub type AnswerFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ApiResult<String>>>>;

impl Request {
    pub fn send(self) -> AnswerFuture {
        Box::pin(async move {
            match self.0 {
                Some(outgoing) => {
                    if outgoing.method == "GET" {
                        if let Some(answer) = early::take(&outgoing.path) {
                            if let Ok(answer) = answer.await {
                                return answer;
                            }
                        }
                    }
                    exchange(outgoing.method, &outgoing.path, outgoing.body).await
                }
                None => Ok(String::new()),
            }
        })
    }
}

/// Sends a read now, before the screen that needs it exists (issue 17: the first screen's
/// reads go with the session's, not after it); the screen's own identical read takes the answer.
pub fn send_early<T>(call: Call<T>) {
    if let Some(Outgoing {
        method: "GET",
        path,
        ..
    }) = call.request.0
    {
        early::send(path);
    }
}

/// Reads sent early, each taken once by the first identical read within a few seconds (later,
/// a screen reads afresh: an early answer is never shown as current when it may not be).
mod early {
    use std::cell::RefCell;

    use futures_channel::oneshot;

    use super::{exchange, ApiResult};

    const TAKEN_WITHIN_MS: f64 = 5_000.0;

    type Sent = (String, f64, oneshot::Receiver<ApiResult<String>>);

    thread_local! {
        static SENT: RefCell<Vec<Sent>> = const { RefCell::new(Vec::new()) };
    }

    pub fn send(path: String) {
        let (answer, taken) = oneshot::channel();
        SENT.with(|sent| {
            sent.borrow_mut()
                .push((path.clone(), js_sys::Date::now(), taken))
        });
        leptos::task::spawn_local(async move {
            // Nobody took it: nothing to hand over.
            let _ = answer.send(exchange("GET", &path, None).await);
        });
    }

    pub fn take(path: &str) -> Option<oneshot::Receiver<ApiResult<String>>> {
        SENT.with(|sent| {
            let mut sent = sent.borrow_mut();
            let now = js_sys::Date::now();
            sent.retain(|(_, at, _)| now - at < TAKEN_WITHIN_MS);
            let index = sent
                .iter()
                .position(|(sent_path, _, _)| sent_path == path)?;
            Some(sent.swap_remove(index).2)
        })
    }
}

/// How an answer's text becomes the value a screen wants.
pub type Read<T> = Box<dyn FnOnce(String) -> ApiResult<T>>;

/// One API call not yet sent: the request, and how to read its answer. Screens hand calls to
/// `ui::load` and `Busy::run`, which send them through one untyped path (the console's size
/// budget counts every generic copy of async code).
pub struct Call<T> {
    request: Request,
    read: Read<T>,
}

impl<T: 'static> Call<T> {
    fn new(method: &'static str, path: String, body: Option<String>) -> Self
    where
        T: Decode,
    {
        Call {
            request: Request(Some(Outgoing { method, path, body })),
            read: Box::new(decode::<T>),
        }
    }

    /// A call whose answer is known without asking the server.
    pub fn ready(value: T) -> Self {
        Call {
            request: Request(None),
            read: Box::new(move |_| Ok(value)),
        }
    }

    /// The same call, its answer turned into something else.
    pub fn map<U>(self, turn: impl FnOnce(T) -> U + 'static) -> Call<U> {
        let read = self.read;
        Call {
            request: self.request,
            read: Box::new(move |text| read(text).map(turn)),
        }
    }

    pub fn into_parts(self) -> (Request, Read<T>) {
        (self.request, self.read)
    }

    /// Sends it and reads the answer (for the few screens that chain calls).
    pub async fn send(self) -> ApiResult<T> {
        let text = self.request.send().await?;
        (self.read)(text)
    }
}

fn get<T: Decode + 'static>(path: &str) -> Call<T> {
    Call::new("GET", path.to_string(), None)
}

fn post<B: Encode, T: Decode + 'static>(path: &str, body: &B) -> Call<T> {
    Call::new("POST", path.to_string(), Some(to_json(body)))
}

fn put<B: Encode, T: Decode + 'static>(path: &str, body: &B) -> Call<T> {
    Call::new("PUT", path.to_string(), Some(to_json(body)))
}

/// A DELETE whose answer has no body the console reads.
fn delete(path: &str) -> Call<()> {
    Call {
        request: Request(Some(Outgoing {
            method: "DELETE",
            path: path.to_string(),
            body: None,
        })),
        read: Box::new(|_| Ok(())),
    }
}

fn delete_json<T: Decode + 'static>(path: &str) -> Call<T> {
    Call::new("DELETE", path.to_string(), None)
}

/// The query string of a list: the search, the page cursor and any filters; empty values are
/// left out, every value is percent-encoded.
pub fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    let mut url = path.to_string();
    let mut first = true;
    for (key, value) in pairs {
        if value.is_empty() {
            continue;
        }
        url.push(if first { '?' } else { '&' });
        first = false;
        url.push_str(key);
        url.push('=');
        url.push_str(&String::from(js_sys::encode_uri_component(value)));
    }
    url
}

/// What every list request carries: the prefix search and the cursor of the page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    pub q: String,
    pub cursor: Option<String>,
    /// Filters of that list (`group_id`, `status`, ...), as query pairs.
    pub filters: Vec<(&'static str, String)>,
    pub limit: Option<u16>,
    /// The list's order (`code`, `-code`); empty for its usual one.
    pub sort: String,
}

impl ListQuery {
    pub fn url(&self, path: &str) -> String {
        let limit = self
            .limit
            .map(|limit| limit.to_string())
            .unwrap_or_default();
        let mut pairs: Vec<(&str, &str)> = vec![
            ("q", self.q.trim()),
            ("cursor", self.cursor.as_deref().unwrap_or_default()),
            ("limit", &limit),
            ("sort", &self.sort),
        ];
        pairs.extend(
            self.filters
                .iter()
                .map(|(key, value)| (*key, value.as_str())),
        );
        with_query(path, &pairs)
    }
}

// --- Session -------------------------------------------------------------------------------

pub fn sign_in(body: SignIn) -> Call<Me> {
    post("/api/session", &body)
}

pub fn me() -> Call<Me> {
    get("/api/session")
}

/// R35: the second factor a session owes (a code of the authenticator, or a recovery code).
pub fn enter_mfa(body: MfaCode) -> Call<Me> {
    post("/api/session/mfa", &body)
}

pub fn start_mfa_enrolment() -> Call<MfaEnrolment> {
    post("/api/mfa/enrolment", &())
}

pub fn confirm_mfa(body: MfaCode) -> Call<RecoveryCodes> {
    post("/api/mfa/confirmation", &body)
}

/// The sessions screen (ASVS 7.5.2): one's own sessions, and ending one.
pub fn sessions() -> Call<Vec<SessionInfo>> {
    get("/api/sessions")
}

pub fn end_session(id: &str) -> Call<()> {
    delete(&format!("/api/sessions/{id}"))
}

/// ASVS 7.4.5: an administrator ends the sessions of everyone they manage (this one excepted).
pub fn end_everyones_sessions() -> Call<()> {
    delete("/api/sessions")
}

pub fn reset_mfa(user: i64) -> Call<()> {
    delete(&format!("/api/users/{user}/mfa"))
}

pub fn sign_out() -> Call<()> {
    delete("/api/session")
}

pub fn applications() -> Call<Applications> {
    get("/api/applications")
}

/// Company selection (R04, R20): the companies the signed-in person may work in.
pub fn selectable_companies(query: ListQuery) -> Call<Page<CompanyRef>> {
    get(&query.url("/api/session/companies"))
}

pub fn choose_company(company: ChooseCompany) -> Call<Me> {
    put("/api/session/company", &company)
}

/// Login as another user (R05).
pub fn login_as_candidates(query: ListQuery) -> Call<Page<UserRef>> {
    get(&query.url("/api/session/login-as/candidates"))
}

pub fn act_as(body: ActAs) -> Call<Me> {
    post("/api/session/act-as", &body)
}

pub fn stop_acting() -> Call<Me> {
    delete_json("/api/session/act-as")
}

// --- Areas (R06) ---------------------------------------------------------------------------

pub fn areas(query: ListQuery) -> Call<Page<Area>> {
    get(&query.url("/api/areas"))
}

pub fn area(id: i64) -> Call<Area> {
    get(&format!("/api/areas/{id}"))
}

pub fn save_area(id: Option<i64>, input: AreaInput) -> Call<Area> {
    match id {
        Some(id) => put(&format!("/api/areas/{id}"), &input),
        None => post("/api/areas", &input),
    }
}

pub fn delete_area(id: i64, version: i64) -> Call<()> {
    delete(&format!("/api/areas/{id}?version={version}"))
}

// --- Directories (R08) ---------------------------------------------------------------------

pub fn directories(query: ListQuery) -> Call<Page<Directory>> {
    get(&query.url("/api/directories"))
}

pub fn directory(id: i64) -> Call<Directory> {
    get(&format!("/api/directories/{id}"))
}

pub fn save_directory(id: Option<i64>, input: DirectoryInput) -> Call<Directory> {
    match id {
        Some(id) => put(&format!("/api/directories/{id}"), &input),
        None => post("/api/directories", &input),
    }
}

// --- Companies (R07, R19, R23) -------------------------------------------------------------

pub fn companies(query: ListQuery) -> Call<Page<Company>> {
    get(&query.url("/api/companies"))
}

pub fn company(id: i64) -> Call<Company> {
    get(&format!("/api/companies/{id}"))
}

pub fn save_company(id: Option<i64>, input: CompanyInput) -> Call<Company> {
    match id {
        Some(id) => put(&format!("/api/companies/{id}"), &input),
        None => post("/api/companies", &input),
    }
}

pub fn projects(company: i64, query: ListQuery) -> Call<Page<Project>> {
    get(&query.url(&format!("/api/companies/{company}/projects")))
}

pub fn employees(company: i64, query: ListQuery) -> Call<Page<Employee>> {
    get(&query.url(&format!("/api/companies/{company}/employees")))
}

pub fn about_companies(query: ListQuery) -> Call<Page<Company>> {
    get(&query.url("/api/about/companies"))
}

// --- User groups (R09) ---------------------------------------------------------------------

pub fn groups(query: ListQuery) -> Call<Page<Group>> {
    get(&query.url("/api/groups"))
}

pub fn group(id: i64) -> Call<Group> {
    get(&format!("/api/groups/{id}"))
}

pub fn save_group(id: Option<i64>, input: GroupInput) -> Call<Group> {
    match id {
        Some(id) => put(&format!("/api/groups/{id}"), &input),
        None => post("/api/groups", &input),
    }
}

pub fn delete_group(id: i64, version: i64) -> Call<()> {
    delete(&format!("/api/groups/{id}?version={version}"))
}

pub fn options() -> Call<Vec<OptionEntry>> {
    get("/api/options")
}

// --- Users (R10, R13–R18, R24) -------------------------------------------------------------

pub fn users(query: ListQuery) -> Call<Page<User>> {
    get(&query.url("/api/users"))
}

pub fn user(id: i64) -> Call<User> {
    get(&format!("/api/users/{id}"))
}

pub fn create_user(input: UserInput) -> Call<User> {
    post("/api/users", &input)
}

pub fn update_user(id: i64, input: UserUpdate) -> Call<User> {
    put(&format!("/api/users/{id}"), &input)
}

pub fn delete_user(id: i64, version: i64) -> Call<()> {
    delete(&format!("/api/users/{id}?version={version}"))
}

pub fn set_user_active(id: i64, version: i64, active: bool) -> Call<User> {
    let action = if active { "enable" } else { "disable" };
    post(
        &format!("/api/users/{id}/{action}"),
        &VersionOnly { version },
    )
}

pub fn user_companies(id: i64, query: ListQuery) -> Call<CompanyAccess> {
    get(&query.url(&format!("/api/users/{id}/companies")))
}

pub fn set_user_companies(id: i64, body: SetCompanyAccess) -> Call<CompanyAccess> {
    put(&format!("/api/users/{id}/companies"), &body)
}

/// B02: what the Save of `record` (`/api/groups/3`, `/api/users/4/companies`, ...) with `body`
/// would do to access: the server runs the Save's own checks and writes nothing.
pub fn what_if<B: Encode>(record: &str, body: &B) -> Call<WhatIf> {
    post(&format!("{record}/what-if"), body)
}

// --- B01 explain access, B03 access review (the occasional screens) ------------------------

pub fn explain(user: i64, kind: &str, id: i64) -> Call<precinct_core::api::AccessExplanation> {
    get(&format!("/api/explain?user_id={user}&kind={kind}&id={id}"))
}

pub fn company_seers(company: i64, query: ListQuery) -> Call<precinct_core::api::CompanySeers> {
    get(&query.url(&format!("/api/companies/{company}/seers")))
}

pub fn review_areas() -> Call<Vec<precinct_core::api::ReviewArea>> {
    get("/api/reviews")
}

pub fn review(key: &str, dormant_days: i64) -> Call<precinct_core::api::AccessReview> {
    get(&format!("/api/reviews/{key}?dormant_days={dormant_days}"))
}

pub fn mark_reviewed(key: &str) -> Call<precinct_core::api::ReviewMark> {
    post(&format!("/api/reviews/{key}/reviewed"), &())
}

// --- B04 import and export, B05 copy security, B06 bulk actions (the insight screens) --------

pub fn import_dry_run(
    body: &precinct_core::api::ImportRequest,
) -> Call<precinct_core::api::DryRun> {
    post("/api/imports", body)
}

pub fn bulk_dry_run(body: &precinct_core::api::BulkRequest) -> Call<precinct_core::api::DryRun> {
    post("/api/bulk", body)
}

/// Writes chunk `chunk` of the dry run `token`.
pub fn confirm_chunk(token: &str, chunk: u32) -> Call<precinct_core::api::RunReport> {
    post(
        &format!("/api/imports/{token}/confirm"),
        &precinct_core::api::ConfirmChunk { chunk },
    )
}

pub fn send_invitations() -> Call<precinct_core::api::InvitationsSent> {
    post("/api/invitations/queue/send", &())
}

pub fn waiting_invitations() -> Call<precinct_core::api::InvitationsSent> {
    get("/api/invitations/queue")
}

pub fn copy_security(id: i64, body: &precinct_core::api::CopySecurity) -> Call<User> {
    post(&format!("/api/users/{id}/copy-security"), body)
}

// --- Pickers (R18, R19), history (R21), reports (R22) --------------------------------------

/// Which user picker: every list of users (R18) or the user in charge of a company (R19).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picker {
    Users,
    UserInCharge,
}

pub fn pick_users(picker: Picker, q: String) -> Call<Page<UserRef>> {
    let path = match picker {
        Picker::Users => "/api/pickers/users",
        Picker::UserInCharge => "/api/pickers/user-in-charge",
    };
    let query = ListQuery {
        q,
        limit: Some(20),
        ..ListQuery::default()
    };
    get(&query.url(path))
}

pub fn history(query: ListQuery) -> Call<Page<HistoryEntry>> {
    get(&query.url("/api/history"))
}

pub fn reports(query: ListQuery) -> Call<Page<Report>> {
    get(&query.url("/api/reports"))
}

// --- Mail (R24–R29) ------------------------------------------------------------------------

pub fn mail_settings() -> Call<MailSettings> {
    get("/api/settings/mail")
}

pub fn save_mail_settings(input: MailSettingsInput) -> Call<MailSettings> {
    put("/api/settings/mail", &input)
}

/// A user's mail configuration (`Some(id)`) or one's own (Preferences, `None`).
pub fn mail_config(id: Option<i64>) -> Call<UserMailConfig> {
    match id {
        Some(id) => get(&format!("/api/users/{id}/mail")),
        None => get("/api/preferences/mail"),
    }
}

/// Sets a user's mail password (`Some((id, version))`) or one's own (`None`).
pub fn set_mail_password(
    user: Option<(i64, i64)>,
    input: MailPasswordInput,
) -> Call<UserMailConfig> {
    match user {
        Some((id, version)) => put(
            &format!("/api/users/{id}/mail-password?version={version}"),
            &input,
        ),
        None => put("/api/preferences/mail-password", &input),
    }
}

pub fn send_test_email(id: i64) -> Call<MailSent> {
    post(&format!("/api/users/{id}/test-email"), &())
}

pub fn resend_invitation(id: i64) -> Call<Notice> {
    post(&format!("/api/users/{id}/invitation"), &())
}

pub fn outbox(query: ListQuery) -> Call<Page<OutboxMessage>> {
    get(&query.url("/api/outbox"))
}

pub fn forgot_password(body: ForgotPassword) -> Call<Notice> {
    post("/api/password/forgot", &body)
}

pub fn set_password(body: SetPassword) -> Call<Notice> {
    post("/api/password", &body)
}

pub fn change_password(body: ChangePassword) -> Call<Notice> {
    post("/api/password/change", &body)
}
