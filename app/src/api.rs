//! The console's one typed client for the Precinct API. Screens call these functions; nothing
//! else touches gloo-net.

use gloo_net::http::{Request, RequestBuilder};
use precinct_core::api::{
    ActAs, Applications, Area, AreaInput, ChooseCompany, Company, CompanyAccess, CompanyInput,
    CompanyRef, Directory, DirectoryInput, Employee, ForgotPassword, Group, GroupInput,
    HistoryEntry, MailPasswordInput, MailSent, MailSettings, MailSettingsInput, Me, MoveUser,
    Moved, Notice, OptionEntry, OutboxMessage, Page, Project, Report, SetCompanyAccess,
    SetPassword, SignIn, User, UserInput, UserMailConfig, UserRef, UserUpdate, VersionOnly,
};
use precinct_core::problem::Problem;
use serde::de::DeserializeOwned;
use serde::Serialize;

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

    /// Another administrator saved the record since it was loaded.
    pub fn is_conflict(&self) -> bool {
        self.status() == 409 && self.code() == "version_conflict"
    }
}

pub type ApiResult<T> = Result<T, ApiFailure>;

fn network(error: gloo_net::Error) -> ApiFailure {
    ApiFailure::Network(error.to_string())
}

/// State-changing calls carry the header the worker's CSRF check requires.
fn changing(builder: RequestBuilder) -> RequestBuilder {
    builder.header("x-precinct-csrf", "1")
}

/// The one place a request is sent: not generic, so every endpoint shares its code (the
/// console's size budget counts each generic copy).
async fn exchange(method: &str, path: &str, body: Option<String>) -> ApiResult<String> {
    let builder = match method {
        "POST" => changing(Request::post(path)),
        "PUT" => changing(Request::put(path)),
        "DELETE" => changing(Request::delete(path)),
        _ => Request::get(path),
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
    let status = response.status();
    let text = response.text().await.map_err(network)?;
    if response.ok() {
        Ok(text)
    } else {
        Err(problem(status, &text))
    }
}

fn problem(status: u16, text: &str) -> ApiFailure {
    match serde_json::from_str::<Problem>(text) {
        Ok(problem) => ApiFailure::Problem(problem),
        Err(_) => ApiFailure::Problem(Problem {
            status,
            code: "unexpected_answer".to_string(),
            message: format!("Precinct answered with an unexpected error ({status})."),
            field: None,
        }),
    }
}

fn decode<T: DeserializeOwned>(text: &str) -> ApiResult<T> {
    serde_json::from_str(text).map_err(|error| ApiFailure::Network(error.to_string()))
}

fn encode<B: Serialize>(body: &B) -> ApiResult<String> {
    serde_json::to_string(body).map_err(|error| ApiFailure::Network(error.to_string()))
}

async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    decode(&exchange("GET", path, None).await?)
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    let body = encode(body)?;
    decode(&exchange("POST", path, Some(body)).await?)
}

async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    let body = encode(body)?;
    decode(&exchange("PUT", path, Some(body)).await?)
}

async fn delete(path: &str) -> ApiResult<()> {
    exchange("DELETE", path, None).await.map(|_| ())
}

async fn delete_json<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    decode(&exchange("DELETE", path, None).await?)
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

pub async fn sign_in(body: SignIn) -> ApiResult<Me> {
    post("/api/session", &body).await
}

pub async fn me() -> ApiResult<Me> {
    get("/api/session").await
}

pub async fn sign_out() -> ApiResult<()> {
    delete("/api/session").await
}

pub async fn applications() -> ApiResult<Applications> {
    get("/api/applications").await
}

/// Company selection (R04, R20): the companies the signed-in person may work in.
pub async fn selectable_companies(query: ListQuery) -> ApiResult<Page<CompanyRef>> {
    get(&query.url("/api/session/companies")).await
}

pub async fn choose_company(company: ChooseCompany) -> ApiResult<Me> {
    put("/api/session/company", &company).await
}

/// Login as another user (R05).
pub async fn login_as_candidates(query: ListQuery) -> ApiResult<Page<UserRef>> {
    get(&query.url("/api/session/login-as/candidates")).await
}

pub async fn act_as(body: ActAs) -> ApiResult<Me> {
    post("/api/session/act-as", &body).await
}

pub async fn stop_acting() -> ApiResult<Me> {
    delete_json("/api/session/act-as").await
}

// --- Areas (R06) ---------------------------------------------------------------------------

pub async fn areas(query: ListQuery) -> ApiResult<Page<Area>> {
    get(&query.url("/api/areas")).await
}

pub async fn area(id: i64) -> ApiResult<Area> {
    get(&format!("/api/areas/{id}")).await
}

pub async fn save_area(id: Option<i64>, input: AreaInput) -> ApiResult<Area> {
    match id {
        Some(id) => put(&format!("/api/areas/{id}"), &input).await,
        None => post("/api/areas", &input).await,
    }
}

pub async fn delete_area(id: i64, version: i64) -> ApiResult<()> {
    delete(&format!("/api/areas/{id}?version={version}")).await
}

// --- Directories (R08) ---------------------------------------------------------------------

pub async fn directories(query: ListQuery) -> ApiResult<Page<Directory>> {
    get(&query.url("/api/directories")).await
}

pub async fn directory(id: i64) -> ApiResult<Directory> {
    get(&format!("/api/directories/{id}")).await
}

pub async fn save_directory(id: Option<i64>, input: DirectoryInput) -> ApiResult<Directory> {
    match id {
        Some(id) => put(&format!("/api/directories/{id}"), &input).await,
        None => post("/api/directories", &input).await,
    }
}

// --- Companies (R07, R19, R23) -------------------------------------------------------------

pub async fn companies(query: ListQuery) -> ApiResult<Page<Company>> {
    get(&query.url("/api/companies")).await
}

pub async fn company(id: i64) -> ApiResult<Company> {
    get(&format!("/api/companies/{id}")).await
}

pub async fn save_company(id: Option<i64>, input: CompanyInput) -> ApiResult<Company> {
    match id {
        Some(id) => put(&format!("/api/companies/{id}"), &input).await,
        None => post("/api/companies", &input).await,
    }
}

pub async fn projects(company: i64, query: ListQuery) -> ApiResult<Page<Project>> {
    get(&query.url(&format!("/api/companies/{company}/projects"))).await
}

pub async fn employees(company: i64, query: ListQuery) -> ApiResult<Page<Employee>> {
    get(&query.url(&format!("/api/companies/{company}/employees"))).await
}

pub async fn about_companies(query: ListQuery) -> ApiResult<Page<Company>> {
    get(&query.url("/api/about/companies")).await
}

// --- User groups (R09) ---------------------------------------------------------------------

pub async fn groups(query: ListQuery) -> ApiResult<Page<Group>> {
    get(&query.url("/api/groups")).await
}

pub async fn group(id: i64) -> ApiResult<Group> {
    get(&format!("/api/groups/{id}")).await
}

pub async fn save_group(id: Option<i64>, input: GroupInput) -> ApiResult<Group> {
    match id {
        Some(id) => put(&format!("/api/groups/{id}"), &input).await,
        None => post("/api/groups", &input).await,
    }
}

pub async fn delete_group(id: i64, version: i64) -> ApiResult<()> {
    delete(&format!("/api/groups/{id}?version={version}")).await
}

pub async fn options() -> ApiResult<Vec<OptionEntry>> {
    get("/api/options").await
}

// --- Users (R10, R13–R18, R24) -------------------------------------------------------------

pub async fn users(query: ListQuery) -> ApiResult<Page<User>> {
    get(&query.url("/api/users")).await
}

pub async fn user(id: i64) -> ApiResult<User> {
    get(&format!("/api/users/{id}")).await
}

pub async fn create_user(input: UserInput) -> ApiResult<User> {
    post("/api/users", &input).await
}

pub async fn update_user(id: i64, input: UserUpdate) -> ApiResult<User> {
    put(&format!("/api/users/{id}"), &input).await
}

pub async fn delete_user(id: i64, version: i64) -> ApiResult<()> {
    delete(&format!("/api/users/{id}?version={version}")).await
}

pub async fn set_user_active(id: i64, version: i64, active: bool) -> ApiResult<User> {
    let action = if active { "enable" } else { "disable" };
    post(
        &format!("/api/users/{id}/{action}"),
        &VersionOnly { version },
    )
    .await
}

pub async fn move_user(id: i64, body: MoveUser) -> ApiResult<Moved> {
    post(&format!("/api/users/{id}/move"), &body).await
}

pub async fn user_companies(id: i64, query: ListQuery) -> ApiResult<CompanyAccess> {
    get(&query.url(&format!("/api/users/{id}/companies"))).await
}

pub async fn set_user_companies(id: i64, body: SetCompanyAccess) -> ApiResult<CompanyAccess> {
    put(&format!("/api/users/{id}/companies"), &body).await
}

// --- Pickers (R18, R19), history (R21), reports (R22) --------------------------------------

/// Which user picker: every list of users (R18) or the user in charge of a company (R19).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picker {
    Users,
    UserInCharge,
}

pub async fn pick_users(picker: Picker, q: String) -> ApiResult<Page<UserRef>> {
    let path = match picker {
        Picker::Users => "/api/pickers/users",
        Picker::UserInCharge => "/api/pickers/user-in-charge",
    };
    let query = ListQuery {
        q,
        limit: Some(20),
        ..ListQuery::default()
    };
    get(&query.url(path)).await
}

pub async fn history(query: ListQuery) -> ApiResult<Page<HistoryEntry>> {
    get(&query.url("/api/history")).await
}

pub async fn reports(query: ListQuery) -> ApiResult<Page<Report>> {
    get(&query.url("/api/reports")).await
}

// --- Mail (R24–R29) ------------------------------------------------------------------------

pub async fn mail_settings() -> ApiResult<MailSettings> {
    get("/api/settings/mail").await
}

pub async fn save_mail_settings(input: MailSettingsInput) -> ApiResult<MailSettings> {
    put("/api/settings/mail", &input).await
}

/// A user's mail configuration (`Some(id)`) or one's own (Preferences, `None`).
pub async fn mail_config(id: Option<i64>) -> ApiResult<UserMailConfig> {
    match id {
        Some(id) => get(&format!("/api/users/{id}/mail")).await,
        None => get("/api/preferences/mail").await,
    }
}

/// Sets a user's mail password (`Some((id, version))`) or one's own (`None`).
pub async fn set_mail_password(
    user: Option<(i64, i64)>,
    input: MailPasswordInput,
) -> ApiResult<UserMailConfig> {
    match user {
        Some((id, version)) => {
            put(
                &format!("/api/users/{id}/mail-password?version={version}"),
                &input,
            )
            .await
        }
        None => put("/api/preferences/mail-password", &input).await,
    }
}

pub async fn send_test_email(id: i64) -> ApiResult<MailSent> {
    post(&format!("/api/users/{id}/test-email"), &()).await
}

pub async fn resend_invitation(id: i64) -> ApiResult<Notice> {
    post(&format!("/api/users/{id}/invitation"), &()).await
}

pub async fn outbox(query: ListQuery) -> ApiResult<Page<OutboxMessage>> {
    get(&query.url("/api/outbox")).await
}

pub async fn forgot_password(body: ForgotPassword) -> ApiResult<Notice> {
    post("/api/password/forgot", &body).await
}

pub async fn set_password(body: SetPassword) -> ApiResult<Notice> {
    post("/api/password", &body).await
}
