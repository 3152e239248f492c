//! The routing table: which method and path reach which service. Routes parse the request and
//! shape the answer; every decision is the services' (and so the policy's).

use precinct_core::api::{
    ActAs, AreaInput, ChangePassword, ChooseCompany, CompanyInput, DirectoryInput, ForgotPassword,
    GroupInput, Health, MailPasswordInput, MailSettingsInput, MfaCode, MoveUser, SetCompanyAccess,
    SetPassword, SignIn, UserInput, UserUpdate, VersionOnly,
};
use precinct_core::api::{Application, Applications, InvitationOutcome, PageBundle};
use precinct_core::problem::ProblemCode;
use serde::de::DeserializeOwned;
use worker::{Env, Method, Request, Response};

use crate::auth::{self, SystemEntropy};
use crate::body::MAX_BODY_BYTES;
use crate::error::{ApiError, ApiResult};
use crate::http::{self, RequestContext};
use crate::mail::crypto::SecretBox;
use crate::principal::{Loaded, Principal};
use crate::principal_cache;
use crate::route_table::{self, Miss, Op, PublicOp, SignedOp, Verb};
use crate::services::mail::MailEnv;
use crate::services::{self, Ctx};
use crate::session;
use crate::store::companies::CompanyFilter;
use crate::store::history::HistoryFilter;
use crate::store::list::ListParams;
use crate::store::users::UserFilter;
use crate::store::{self, AccountDb, Confirmation, Confirmed, Homes, SessionRow, SystemDb};

const VERSION: &str = env!("CARGO_PKG_VERSION");
const OPENAPI: &str = include_str!("../openapi.json");

pub async fn handle(
    req: Request,
    env: Env,
    worker_ctx: worker::Context,
) -> worker::Result<Response> {
    let path = req.path();
    let page = match PageBundle::of(&path) {
        // The account pages and the console's screens used less often are bundles of their own
        // (the console's size budget): their page, at each of their addresses (wrangler.toml
        // sends these addresses to the worker first).
        PageBundle::Account => Some("/account"),
        PageBundle::Occasional => Some("/occasional"),
        PageBundle::Insight => Some("/insight"),
        PageBundle::Bulk => Some("/bulk"),
        // The console's own page (`index.html`, which the assets give at "/").
        PageBundle::Console if is_console_page(&path) => Some("/"),
        PageBundle::Console => None,
    };
    if let Some(page) = page {
        let mut url = req.url()?;
        url.set_path(page);
        url.set_query(None);
        let mut page = env.assets("ASSETS")?.fetch(url.to_string(), None).await?;
        if page.status_code() != 200 {
            return Ok(page);
        }
        let html = page.text().await?;
        let preview = env
            .var("PRECINCT_PREVIEW")
            .map(|name| name.to_string())
            .ok()
            .filter(|name| !name.trim().is_empty());
        let html = match preview {
            Some(name) => with_preview_band(&html, &name),
            None => html,
        };
        let mut page = http::secure(Response::from_html(html)?);
        // The page names the bundle's content-hashed files: asked again on every load.
        page.headers_mut().set("cache-control", "no-cache")?;
        return Ok(page);
    }
    if !path.starts_with("/api/") {
        // Static assets are served before the worker runs; anything else is the SPA's business.
        return env.assets("ASSETS")?.fetch_request(req).await;
    }
    let started = js_sys::Date::now();
    let method = req.method().to_string();
    let mut log = RequestLog::default();
    let response = http::secure(match api(req, &env, &path, &worker_ctx, &mut log).await {
        Ok(response) => response,
        Err(error) => http::problem_response(&error),
    });
    log.write(
        &method,
        response.status_code(),
        js_sys::Date::now() - started,
    );
    Ok(response)
}

/// The console's everyday pages, which wrangler.toml sends to the worker too (for the preview
/// band and their caching); any other address is a file or the assets' single-page fallback.
fn is_console_page(path: &str) -> bool {
    let path = path.trim_end_matches('/');
    path == "/applications" || path == "/console" || path.starts_with("/console/")
}

/// O01: a preview says so on every page, before anything else on it.
fn with_preview_band(html: &str, name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| match c {
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '&' => "&amp;".to_string(),
            '"' => "&quot;".to_string(),
            other => other.to_string(),
        })
        .collect();
    let band = format!(
        "<body><div class=\"preview-band\" role=\"note\" data-test=\"preview-band\">Preview — {name}</div>"
    );
    html.replacen("<body>", &band, 1)
}

/// O04: one JSON line per API request — the route's pattern (never the path as sent, which could
/// carry what a person typed), the answer's status, the time taken and the account; never a
/// token, a user code or a body.
#[derive(Default)]
struct RequestLog {
    route: Option<&'static str>,
    account: Option<i64>,
}

impl RequestLog {
    fn write(&self, method: &str, status: u16, ms: f64) {
        let line = serde_json::json!({
            "event": "request",
            "method": method,
            "route": self.route.unwrap_or("(no route)"),
            "status": status,
            "ms": ms,
            "account": self.account,
        });
        worker::console_log!("{line}");
    }
}

async fn read_body<T: DeserializeOwned>(req: &mut Request) -> ApiResult<T> {
    read_body_within(req, MAX_BODY_BYTES).await
}

/// [`read_body`] with another size limit (an import's file, B04).
async fn read_body_within<T: DeserializeOwned>(req: &mut Request, limit: usize) -> ApiResult<T> {
    // A body is JSON sent as JSON: a form post or a `text/plain` body is refused before it is
    // read (a cross-site form can send `text/plain` without a preflight).
    let media_type = http::header(req.headers(), "content-type").unwrap_or_default();
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::unsupported_media_type());
    }
    if let Some(length) =
        http::header(req.headers(), "content-length").and_then(|v| v.parse::<usize>().ok())
    {
        if length > limit {
            return Err(ApiError::too_large(limit));
        }
    }
    // Read with the limit applied as the bytes arrive: a chunked body has no length to check.
    let mut bytes = Vec::new();
    if req.inner().body().is_none() {
        return crate::body::parse_json_within(&bytes, limit);
    }
    let mut stream = req.stream()?;
    while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
        let chunk = chunk?;
        if bytes.len() + chunk.len() > limit {
            return Err(ApiError::too_large(limit));
        }
        bytes.extend_from_slice(&chunk);
    }
    crate::body::parse_json_within(&bytes, limit)
}

/// A path segment naming a record: a positive integer, else nothing is there.
fn id(segment: &str) -> ApiResult<i64> {
    segment
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(ApiError::not_found)
}

struct Query(Vec<(String, String)>);

impl Query {
    fn of(req: &Request) -> ApiResult<Self> {
        Ok(Query(
            req.url()?
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ))
    }

    fn text(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .filter(|v| !v.is_empty())
    }

    fn int(&self, name: &str) -> ApiResult<Option<i64>> {
        match self.text(name) {
            None => Ok(None),
            Some(value) => value.parse::<i64>().map(Some).map_err(|_| {
                ApiError::invalid(
                    name,
                    ProblemCode::InvalidType,
                    format!("`{name}` must be a whole number."),
                )
            }),
        }
    }

    fn version(&self) -> ApiResult<i64> {
        self.int("version")?.ok_or_else(|| {
            ApiError::invalid(
                "version",
                ProblemCode::MissingField,
                "`version` is required.",
            )
        })
    }

    fn list(&self) -> ApiResult<ListParams> {
        ListParams::from_pairs(&self.0)
    }

    fn user_filter(&self) -> ApiResult<UserFilter> {
        let active = match self.text("status").as_deref() {
            None => None,
            Some("active") => Some(true),
            Some("disabled") => Some(false),
            Some(_) => {
                return Err(ApiError::invalid(
                    "status",
                    ProblemCode::InvalidValue,
                    "`status` is `active` or `disabled`.",
                ))
            }
        };
        Ok(UserFilter {
            group_id: self.int("group_id")?,
            area_id: self.int("area_id")?,
            active,
            exclude: None,
            seers: None,
        })
    }

    fn company_filter(&self) -> ApiResult<CompanyFilter> {
        let user_in_charge_outside_area = match self.text("user_in_charge").as_deref() {
            None => false,
            Some("outside_area") => true,
            Some(_) => {
                return Err(ApiError::invalid(
                    "user_in_charge",
                    ProblemCode::InvalidValue,
                    "`user_in_charge` can only be `outside_area`.",
                ))
            }
        };
        Ok(CompanyFilter {
            area_id: self.int("area_id")?,
            directory_id: self.int("directory_id")?,
            user_in_charge_outside_area,
        })
    }

    fn required_int(&self, name: &str) -> ApiResult<i64> {
        self.int(name)?.ok_or_else(|| {
            ApiError::invalid(
                name,
                ProblemCode::MissingField,
                format!("`{name}` is required."),
            )
        })
    }

    /// B01's question: `user_id`, `kind` and `id`.
    fn explain_question(&self) -> ApiResult<services::explain::Question> {
        let kind = self.text("kind");
        let kind = kind
            .as_deref()
            .map(|text| {
                precinct_core::api::RecordKind::parse(text).ok_or_else(|| {
                    ApiError::invalid(
                        "kind",
                        ProblemCode::InvalidValue,
                        "`kind` is company, user, group, report or history.",
                    )
                })
            })
            .transpose()?
            .ok_or_else(|| {
                ApiError::invalid("kind", ProblemCode::MissingField, "`kind` is required.")
            })?;
        Ok(services::explain::Question {
            user_id: self.required_int("user_id")?,
            kind,
            id: self.required_int("id")?,
        })
    }

    /// B01: one reason of who can see a company, or every one.
    fn seer_reason(&self) -> ApiResult<Option<precinct_core::policy::SeerReason>> {
        self.text("reason")
            .map(|text| {
                precinct_core::policy::SeerReason::parse(&text).ok_or_else(|| {
                    ApiError::invalid(
                        "reason",
                        ProblemCode::InvalidValue,
                        "`reason` is regular_administrator, local_administrator or ticked.",
                    )
                })
            })
            .transpose()
    }

    fn history_filter(&self) -> ApiResult<HistoryFilter> {
        Ok(HistoryFilter {
            user_from: self.text("user_from"),
            user_to: self.text("user_to"),
            entity_kind: self.text("entity_kind"),
            entity_id: self.int("entity_id")?,
            from: self.int("from")?,
            to: self.int("to")?,
        })
    }
}

/// What sending mail needs from the environment: the key secret, the time limit, the origin.
fn mail_env(env: &Env, req: &Request) -> ApiResult<MailEnv> {
    let read = |name: &str| {
        env.secret(name)
            .map(|value| value.to_string())
            .or_else(|_| env.var(name).map(|value| value.to_string()))
            .ok()
    };
    let secrets = read("PRECINCT_MAIL_KEY").and_then(|key| {
        SecretBox::from_secrets(&key, &read("PRECINCT_MAIL_OLD_KEYS").unwrap_or_default()).ok()
    });
    let timeout_ms = read("PRECINCT_MAIL_TIMEOUT_MS")
        .and_then(|ms| ms.parse::<u64>().ok())
        .unwrap_or(10_000);
    let outbox_links =
        crate::mail::send::OutboxLinks::from_setting(read("PRECINCT_OUTBOX_LINKS").as_deref());
    let test_mode = read("PRECINCT_TEST_MODE").as_deref() == Some("enabled");
    Ok(MailEnv {
        local: test_mode || outbox_links == crate::mail::send::OutboxLinks::Shown,
        secrets,
        timeout: std::time::Duration::from_millis(timeout_ms),
        outbox_links,
        origin: req.url()?.origin().ascii_serialization(),
        preview: read("PRECINCT_PREVIEW").filter(|name| !name.trim().is_empty()),
    })
}

/// O02: the D1 session bookmark a response carries and the console sends back with its next
/// request (`x-precinct-bookmark`), so its reads are never older than the person's last write.
const BOOKMARK_HEADER: &str = "x-precinct-bookmark";

/// A bookmark as D1 writes them (hex digits and dashes); anything else is ignored.
fn is_bookmark(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 128
        && value.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// The bookmark a request brought for database `home`: the header says `<home>:<bookmark>`
/// (O03: a bookmark of one database means nothing to another, e.g. after signing in to an
/// account that lives elsewhere).
fn bookmark_for(header: &str, home: usize) -> Option<&str> {
    let (of, bookmark) = header.split_once(':')?;
    (of.parse::<usize>().ok() == Some(home) && is_bookmark(bookmark)).then_some(bookmark)
}

/// The bookmark header's value for database `home`.
fn bookmark_header(home: usize, session: &worker::D1DatabaseSession) -> Option<String> {
    match session.get_bookmark() {
        Ok(Some(bookmark)) => Some(format!("{home}:{bookmark}")),
        _ => None,
    }
}

/// Every API request runs in a D1 session (O02): a read may be served by a replica, but never
/// one older than the bookmark the request brought (the person's last write); writes and
/// sign-in go to the primary. The answer carries the session's latest bookmark.
async fn api(
    req: Request,
    env: &Env,
    path: &str,
    worker_ctx: &worker::Context,
    log: &mut RequestLog,
) -> ApiResult<Response> {
    let homes = Homes::of(env)?;
    // O03: a request goes to the database its session token names (a token without a session
    // goes to database 0, where it finds no session).
    let home = session::cookie_token(&req)
        .and_then(|token| auth::home_of_token(&token))
        .filter(|home| *home < homes.count())
        .unwrap_or(0);
    let d1 = homes
        .database(home)
        .ok_or_else(|| ApiError::internal("no database 0"))?;
    let header = http::header(req.headers(), BOOKMARK_HEADER);
    let bookmark = header
        .as_deref()
        .and_then(|value| bookmark_for(value, home));
    let constraint = match (req.method(), bookmark) {
        (Method::Get, Some(bookmark)) => bookmark.to_string(),
        (Method::Get, None) => "first-unconstrained".to_string(),
        _ => "first-primary".to_string(),
    };
    let session = d1.with_session(Some(&constraint))?;
    let system = SystemDb::unscoped(&session, &homes, home);
    let answer = answer(req, env, path, worker_ctx, log, &system).await;
    let mut response = match answer {
        Ok(response) => response,
        Err(error) => http::problem_response(&error),
    };
    // A sign-in answers the bookmark of the database it signed in to.
    if !response.headers().has(BOOKMARK_HEADER)? {
        if let Some(bookmark) = bookmark_header(home, &session) {
            response.headers_mut().set(BOOKMARK_HEADER, &bookmark)?;
        }
    }
    Ok(response)
}

async fn answer(
    mut req: Request,
    env: &Env,
    path: &str,
    worker_ctx: &worker::Context,
    log: &mut RequestLog,
    // The request's database (the one its session token names), through its D1 session:
    // unscoped until a session names the account — health, sign-in, sign-out, password links,
    // and the session lookup itself.
    system: &SystemDb<'_>,
) -> ApiResult<Response> {
    let test_mode = env
        .var("PRECINCT_TEST_MODE")
        .map(|value| value.to_string() == "enabled")
        .unwrap_or(false);
    let ctx = RequestContext::new(&req, test_mode);
    let method = req.method();
    let homes = system.homes();
    let segments: Vec<String> = path
        .trim_start_matches("/api/")
        .split('/')
        .map(str::to_string)
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let plans_route = test_mode && segments.as_slice() == ["test", "query-plans"];
    let verb = match method {
        Method::Get => Some(Verb::Get),
        Method::Post => Some(Verb::Post),
        Method::Put => Some(Verb::Put),
        Method::Delete => Some(Verb::Delete),
        _ => None,
    };
    let found = match verb {
        _ if plans_route => None,
        Some(verb) => Some(route_table::find(verb, &segments)),
        // Another method: the path's own methods say whether it is a 404 or a 405.
        None => Some(
            route_table::find(Verb::Get, &segments).and_then(|(route, _)| {
                Err(Miss::MethodNotAllowed(route_table::verbs_of(route.path)))
            }),
        ),
    };
    let (op, id) = match found {
        None => (None, None),
        Some(Ok((route, id))) => {
            log.route = Some(route.path);
            (Some(route.op), id)
        }
        Some(Err(Miss::NotFound)) => return Err(ApiError::not_found()),
        Some(Err(Miss::MethodNotAllowed(allowed))) => {
            let mut response = http::problem_response(&ApiError::method_not_allowed());
            let allow: Vec<&str> = allowed.iter().map(|verb| verb.as_str()).collect();
            response.headers_mut().set("allow", &allow.join(", "))?;
            return Ok(response);
        }
    };
    if plans_route && method != Method::Get {
        return Err(ApiError::method_not_allowed());
    }
    if http::is_state_changing(&method) {
        http::check_csrf(&req)?;
    }

    // Routes that need no session.
    match op {
        Some(Op::Public(PublicOp::GetHealth)) => {
            let database = store::homes::all_answer(&homes.directory()).await;
            // O04: a malformed or missing mail key is reported here, not found by a customer.
            let mail_key = mail_env(env, &req)?
                .secrets
                .as_ref()
                .is_some_and(SecretBox::retired_keys_readable);
            return http::json(
                if database && mail_key { 200 } else { 503 },
                &Health {
                    version: VERSION.to_string(),
                    database,
                    mail_key,
                },
            );
        }
        Some(Op::Public(PublicOp::GetOpenapiJson)) => {
            let value: serde_json::Value =
                serde_json::from_str(OPENAPI).map_err(ApiError::internal)?;
            return http::json(200, &value);
        }
        Some(Op::Public(PublicOp::PostSession)) => {
            let body: SignIn = read_body(&mut req).await?;
            let (token, home) =
                session::sign_in(homes, &req, &ctx, body, &mut SystemEntropy).await?;
            // The database of the account signed in to (O03), read after its write: the answer
            // carries that database's bookmark for the console's next requests.
            let session = homes
                .database(home)
                .ok_or_else(|| ApiError::internal("the session's database vanished"))?
                .with_session(Some("first-primary"))?;
            let db = SystemDb::unscoped(&session, homes, home);
            let principal = session::principal_of_token(&db, &token, &ctx).await?;
            let me = services::session_choices::me(&Ctx {
                db: &AccountDb::of(&db, &principal),
                now: ctx.now,
                who: &principal,
            })
            .await?;
            let mut response = with_session_cookie(http::json(200, &me)?, &token)?;
            if let Some(bookmark) = bookmark_header(home, &session) {
                response.headers_mut().set(BOOKMARK_HEADER, &bookmark)?;
            }
            return Ok(response);
        }
        Some(Op::Public(PublicOp::DeleteSession)) => {
            if let Some(token) = session::cookie_token(&req) {
                principal_cache::forget(&auth::token_hash(&token));
            }
            session::sign_out(homes, &req).await?;
            let mut response = http::no_content();
            response
                .headers_mut()
                .set("set-cookie", &auth::cleared_session_cookie())?;
            return Ok(response);
        }
        Some(Op::Public(PublicOp::PostPasswordForgot)) => {
            let body: ForgotPassword = read_body(&mut req).await?;
            let mail = mail_env(env, &req)?;
            let (env, now, client) = (env.clone(), ctx.now, ctx.client.clone());
            // The answer leaves before any lookup or mail, so its timing says nothing about
            // whether the address exists.
            worker_ctx.wait_until(async move {
                if let Ok(homes) = Homes::of(&env) {
                    // The directory: no one is signed in; the address names the account.
                    if let Err(error) = services::credentials::forgot(
                        &homes.directory(),
                        &mail,
                        (now, &client),
                        &body.user_code,
                    )
                    .await
                    {
                        worker::console_error!("password reset: {error}");
                    }
                }
            });
            return http::json(202, &services::credentials::forgot_notice());
        }
        Some(Op::Public(PublicOp::PostPassword)) => {
            let body: SetPassword = read_body(&mut req).await?;
            return http::json(
                200,
                &services::credentials::set_password(
                    homes,
                    ctx.now,
                    &body.token,
                    &body.password,
                    &mut SystemEntropy,
                )
                .await?,
            );
        }
        Some(Op::Signed(_)) | None => {}
    }

    let token = session::cookie_token(&req).ok_or_else(ApiError::unauthenticated)?;
    let token_hash = auth::token_hash(&token);
    let asked = Asked {
        op,
        id,
        segments: &segments,
        method: &method,
        client: &ctx.client,
        now: ctx.now,
    };
    // Issue 17: a request starts from the session row this token's last request found, and
    // sends the session check with its first query (one round trip instead of two). The answer
    // stands only when the check found that same row; otherwise it is redone below from the
    // fresh one (a write writes nothing before the check has answered: `store::commit`). Test
    // mode says which way a request went (`x-precinct-principal`), so a test can show that a
    // remembered principal was used and that a changed one was not.
    let mut way = "checked";
    let optimistic = match op {
        Some(Op::Signed(op)) => op.may_start_remembered(),
        _ => method == Method::Get,
    };
    if optimistic {
        if let Some(remembered) = principal_cache::recall(&token_hash, ctx.now) {
            if let Ok(Loaded::Ready(principal)) = Principal::of_row(remembered.clone(), ctx.now) {
                log.account = Some(principal.account());
                let check = store::live_session_statement(system, &token_hash, ctx.now)?;
                let confirmation = Confirmation::new(check, remembered);
                let db = AccountDb::of(system, &principal).confirming(confirmation.clone());
                // A redo reads the body again: the first attempt reads a copy.
                let mut first = if method == Method::Get {
                    None
                } else {
                    Some(req.clone()?)
                };
                let attempt = first.as_mut().unwrap_or(&mut req);
                let answer = as_principal(attempt, env, (&db, system), &principal, &asked).await;
                match (answer, confirmation.settle(system).await?) {
                    (Err(ApiError::SessionChanged), _) | (_, Confirmed::Changed) => {
                        principal_cache::forget(&token_hash);
                        way = "redone";
                    }
                    (answer, Confirmed::Same(row)) => {
                        principal_cache::remember(&row, ctx.now);
                        touch_later(worker_ctx, env, (&row, system.home()), ctx.now);
                        return told(answer, test_mode, "remembered");
                    }
                }
            }
        }
    }
    let principal = session::principal_of_token(system, &token, &ctx).await?;
    log.account = Some(principal.account());
    principal_cache::remember(&principal.session, ctx.now);
    touch_later(
        worker_ctx,
        env,
        (&principal.session, system.home()),
        ctx.now,
    );
    let db = AccountDb::of(system, &principal);
    let answer = as_principal(&mut req, env, (&db, system), &principal, &asked).await;
    told(answer, test_mode, way)
}

/// Marks, in test mode only, which way the request's principal went.
fn told(answer: ApiResult<Response>, test_mode: bool, way: &str) -> ApiResult<Response> {
    let mut response = answer?;
    if test_mode {
        response.headers_mut().set("x-precinct-principal", way)?;
    }
    Ok(response)
}

/// What a signed-in request asks, as routing found it.
struct Asked<'a> {
    op: Option<Op>,
    /// The `{id}` segment of the path.
    id: Option<&'a str>,
    segments: &'a [&'a str],
    method: &'a Method,
    client: &'a str,
    now: i64,
}

/// Answers a signed-in request as `principal`, through `db` (its account's handle).
async fn as_principal(
    req: &mut Request,
    env: &Env,
    (db, system): (&AccountDb<'_>, &SystemDb<'_>),
    principal: &Principal,
    asked: &Asked<'_>,
) -> ApiResult<Response> {
    let ctx = Ctx {
        db,
        now: asked.now,
        who: principal,
    };
    let query = Query::of(req)?;
    let mail = mail_env(env, req)?;
    services::credentials::gate(&ctx, asked.method, asked.segments)?;
    let Some(Op::Signed(op)) = asked.op else {
        // Only the test-mode query plans reach here without an operation.
        return query_plans(&ctx, &query).await;
    };
    signed_in(
        req,
        (&ctx, system, asked.client),
        (&mail, env),
        (op, asked.id),
        &query,
    )
    .await
}

/// Moves the session's last-seen time after the answer has left, when it is due: never a round
/// trip the request waits for.
fn touch_later(
    worker_ctx: &worker::Context,
    env: &Env,
    (session, home): (&SessionRow, usize),
    now: i64,
) {
    if now - session.last_seen_at < crate::auth::SESSION_TOUCH_MS {
        return;
    }
    let (env, token_hash) = (env.clone(), session.token_hash.clone());
    worker_ctx.wait_until(async move {
        if let Ok(homes) = Homes::of(&env) {
            // Unscoped: the session table is keyed by the token, in the token's database.
            if let Some(db) = homes.unscoped(home) {
                if let Err(error) = store::touch_session(&db, &token_hash, now).await {
                    worker::console_error!("session touch: {error}");
                }
            }
        }
    });
}

async fn signed_in(
    req: &mut Request,
    // The session lookup after a change that gives a new token, and the client's address for
    // the password-change lock-out, counted like sign-in's.
    (ctx, system, client): (&Ctx<'_>, &SystemDb<'_>, &str),
    (mail_env, env): (&MailEnv, &Env),
    // The operation and the `{id}` segment of its path.
    (op, id_segment): (SignedOp, Option<&str>),
    query: &Query,
) -> ApiResult<Response> {
    use services::{
        areas, companies, credentials, directories, groups, history, mail, second_factor,
        session_choices, users,
    };
    let ok = |value: &dyn erased::Json| value.respond(200);
    // The `{id}` of the path: a positive whole number naming a record (else nothing is there).
    let id = || id_segment.map_or_else(|| Err(ApiError::not_found()), id);
    match op {
        SignedOp::GetSession => ok(&session_choices::me(ctx).await?),
        SignedOp::PostPasswordChange => {
            let body: ChangePassword = read_body(req).await?;
            ok(&credentials::change_password(ctx, client, body, &mut SystemEntropy).await?)
        }
        SignedOp::PostSessionMfa => {
            let body: MfaCode = read_body(req).await?;
            let secrets = mail_env.secrets.as_ref();
            let token =
                second_factor::verify(ctx, client, secrets, body, &mut SystemEntropy).await?;
            let principal = session::principal_of_token(system, &token, &request_at(ctx)).await?;
            let me = session_choices::me(&Ctx {
                db: ctx.db,
                now: ctx.now,
                who: &principal,
            })
            .await?;
            with_session_cookie(http::json(200, &me)?, &token)
        }
        SignedOp::PostMfaEnrolment => {
            ok(
                &second_factor::start_enrolment(ctx, mail_env.secrets.as_ref(), &mut SystemEntropy)
                    .await?,
            )
        }
        SignedOp::PostMfaConfirmation => {
            let body: MfaCode = read_body(req).await?;
            let secrets = mail_env.secrets.as_ref();
            let (codes, token) =
                second_factor::confirm_enrolment(ctx, client, secrets, body, &mut SystemEntropy)
                    .await?;
            with_session_cookie(http::json(200, &codes)?, &token)
        }
        SignedOp::DeleteUsersIdMfa => {
            second_factor::reset(ctx, id()?).await?;
            Ok(http::no_content())
        }
        SignedOp::GetApplications => ok(&Applications {
            applications: vec![Application {
                code: "security".to_string(),
                name: "Security Console".to_string(),
                description: "Users, user groups, companies, areas and history.".to_string(),
                path: "/console".to_string(),
            }],
        }),
        SignedOp::GetSessionCompanies => {
            ok(&session_choices::selectable(ctx, &query.list()?).await?)
        }
        SignedOp::PutSessionCompany => {
            let body: ChooseCompany = read_body(req).await?;
            session_choices::choose_company(ctx, body.company_id.0).await?;
            ok(&me_after_change((ctx, system), req).await?)
        }
        SignedOp::GetSessionLoginAsCandidates => {
            ok(&users::login_as_candidates(ctx, &query.list()?).await?)
        }
        SignedOp::PostSessionActAs => {
            let body: ActAs = read_body(req).await?;
            session_choices::act_as(ctx, body.user_id.0).await?;
            ok(&me_after_change((ctx, system), req).await?)
        }
        SignedOp::DeleteSessionActAs => {
            session_choices::stop_acting(ctx).await?;
            ok(&me_after_change((ctx, system), req).await?)
        }

        SignedOp::GetSessions => ok(&session_choices::own_sessions(ctx).await?),
        SignedOp::DeleteSessionsId => {
            session_choices::end_own_session(ctx, id_segment.unwrap_or_default()).await?;
            Ok(http::no_content())
        }
        SignedOp::DeleteUsersIdSessions => {
            session_choices::end_user_sessions(ctx, id()?).await?;
            Ok(http::no_content())
        }
        SignedOp::DeleteSessions => {
            session_choices::end_everyones_sessions(ctx).await?;
            Ok(http::no_content())
        }

        SignedOp::GetAreas => ok(&areas::list(ctx, &query.list()?).await?),
        SignedOp::PostAreas => {
            created(&areas::create(ctx, read_body::<AreaInput>(req).await?).await?)
        }
        SignedOp::GetAreasId => ok(&areas::get(ctx, id()?).await?),
        SignedOp::PutAreasId => ok(&areas::update(ctx, id()?, read_body(req).await?).await?),
        SignedOp::DeleteAreasId => {
            areas::delete(ctx, id()?, query.version()?).await?;
            Ok(http::no_content())
        }

        SignedOp::GetDirectories => ok(&directories::list(ctx, &query.list()?).await?),
        SignedOp::PostDirectories => {
            created(&directories::create(ctx, read_body::<DirectoryInput>(req).await?).await?)
        }
        SignedOp::GetDirectoriesId => ok(&directories::get(ctx, id()?).await?),
        SignedOp::PutDirectoriesId => {
            ok(&directories::update(ctx, id()?, read_body(req).await?).await?)
        }

        SignedOp::GetCompanies => {
            ok(&companies::list(ctx, &query.company_filter()?, &query.list()?).await?)
        }
        SignedOp::GetAboutCompanies => {
            ok(&companies::list(ctx, &CompanyFilter::default(), &query.list()?).await?)
        }
        SignedOp::PostCompanies => {
            created(&companies::create(ctx, read_body::<CompanyInput>(req).await?).await?)
        }
        SignedOp::GetCompaniesId => ok(&companies::get(ctx, id()?).await?),
        SignedOp::PutCompaniesId => {
            ok(&companies::update(ctx, id()?, read_body(req).await?).await?)
        }
        SignedOp::GetCompaniesIdProjects => {
            ok(&companies::projects(ctx, id()?, &query.list()?).await?)
        }
        SignedOp::GetCompaniesIdEmployees => {
            ok(&companies::employees(ctx, id()?, &query.list()?).await?)
        }

        SignedOp::GetGroups => ok(&groups::list(ctx, &query.list()?).await?),
        SignedOp::PostGroups => {
            created(&groups::create(ctx, read_body::<GroupInput>(req).await?).await?)
        }
        SignedOp::GetGroupsId => ok(&groups::get(ctx, id()?).await?),
        SignedOp::PutGroupsId => ok(&groups::update(ctx, id()?, read_body(req).await?).await?),
        SignedOp::DeleteGroupsId => {
            groups::delete(ctx, id()?, query.version()?).await?;
            Ok(http::no_content())
        }
        SignedOp::GetOptions => ok(&groups::options(ctx)),

        SignedOp::GetUsers => ok(&users::list(ctx, &query.user_filter()?, &query.list()?).await?),
        SignedOp::PostUsers => {
            let mut user = users::create(ctx, mail_env, read_body::<UserInput>(req).await?).await?;
            // The invitation (ASVS 6.4.6: administrators never choose sign-in passwords). The
            // user exists either way; the answer says whether it went out and, if not, why and
            // where to fix it (R29, R32), and history records it.
            user.invitation = Some(match credentials::invite(ctx, mail_env, user.id.0).await {
                Ok(notice) => InvitationOutcome {
                    sent: true,
                    code: None,
                    message: notice.message,
                },
                Err(ApiError::Problem(problem)) => InvitationOutcome {
                    sent: false,
                    code: Some(problem.code),
                    message: problem.message,
                },
                Err(error) => {
                    worker::console_error!("invitation: {error}");
                    InvitationOutcome {
                        sent: false,
                        code: Some(ProblemCode::MailFailed.as_str().to_string()),
                        message: "The invitation could not be sent. Use Resend invitation \
                                  once the mail settings work."
                            .to_string(),
                    }
                }
            });
            created(&user)
        }
        SignedOp::GetUsersId => ok(&users::get(ctx, id()?).await?),
        SignedOp::PutUsersId => {
            ok(&users::update(ctx, id()?, read_body::<UserUpdate>(req).await?).await?)
        }
        SignedOp::DeleteUsersId => {
            users::delete(ctx, id()?, query.version()?).await?;
            Ok(http::no_content())
        }
        SignedOp::PostUsersIdDisable => {
            let body: VersionOnly = read_body(req).await?;
            ok(&users::set_active(ctx, id()?, body.version, false).await?)
        }
        SignedOp::PostUsersIdEnable => {
            let body: VersionOnly = read_body(req).await?;
            ok(&users::set_active(ctx, id()?, body.version, true).await?)
        }
        SignedOp::PostUsersIdMove => {
            let body: MoveUser = read_body(req).await?;
            ok(&users::move_to_group(ctx, id()?, body).await?)
        }
        SignedOp::GetUsersIdCompanies => {
            ok(&users::company_access(ctx, id()?, &query.list()?).await?)
        }
        SignedOp::PutUsersIdCompanies => {
            let body: SetCompanyAccess = read_body(req).await?;
            ok(&users::set_company_access(ctx, id()?, body).await?)
        }

        SignedOp::GetUsersIdMail => ok(&mail::user_config(ctx, id()?).await?),
        SignedOp::PutUsersIdMailPassword => {
            let body: MailPasswordInput = read_body(req).await?;
            ok(&mail::set_user_mail_password(ctx, mail_env, id()?, body, query.version()?).await?)
        }
        SignedOp::PostUsersIdTestEmail => ok(&mail::send_test(ctx, mail_env, id()?).await?),
        SignedOp::PostUsersIdInvitation => ok(&credentials::invite(ctx, mail_env, id()?).await?),
        SignedOp::GetSettingsMail => ok(&mail::settings(ctx).await?),
        SignedOp::PutSettingsMail => {
            ok(
                &mail::save_settings(ctx, mail_env, read_body::<MailSettingsInput>(req).await?)
                    .await?,
            )
        }
        SignedOp::GetPreferencesMail => ok(&mail::own_config(ctx).await?),
        SignedOp::PutPreferencesMailPassword => {
            let body: MailPasswordInput = read_body(req).await?;
            ok(&mail::set_own_mail_password(ctx, mail_env, body).await?)
        }
        SignedOp::GetOutbox => ok(&mail::outbox(ctx, &query.list()?).await?),
        SignedOp::GetPickersUsers => ok(&users::picker(ctx, &query.list()?).await?),
        SignedOp::GetPickersUserInCharge => {
            ok(&users::in_charge_picker(ctx, &query.list()?).await?)
        }
        SignedOp::GetHistory => {
            ok(&history::list(ctx, &query.history_filter()?, &query.list()?).await?)
        }
        SignedOp::GetExplain => {
            ok(&services::explain::explain_access(ctx, &query.explain_question()?).await?)
        }
        SignedOp::GetCompaniesIdSeers => ok(&services::explain::company_seers_of(
            ctx,
            id()?,
            query.seer_reason()?,
            &query.list()?,
        )
        .await?),
        SignedOp::PostGroupsIdWhatIf => {
            ok(&services::what_if::group(ctx, id()?, read_body(req).await?).await?)
        }
        SignedOp::PostUsersIdWhatIf => {
            ok(&services::what_if::user(ctx, id()?, read_body(req).await?).await?)
        }
        SignedOp::PostUsersIdCompaniesWhatIf => {
            ok(&services::what_if::ticks(ctx, id()?, read_body(req).await?).await?)
        }
        SignedOp::PostCompaniesIdWhatIf => {
            ok(&services::what_if::company(ctx, id()?, read_body(req).await?).await?)
        }
        SignedOp::PostDirectoriesIdWhatIf => {
            ok(&services::what_if::directory(ctx, id()?, read_body(req).await?).await?)
        }
        SignedOp::GetReviews => ok(&services::review::areas(ctx).await?),
        SignedOp::GetReviewsId => ok(&services::review::review(
            ctx,
            id_segment.unwrap_or_default(),
            services::review::dormant_days(query.int("dormant_days")?)?,
        )
        .await?),
        SignedOp::GetReviewsIdCsv => {
            let semicolons = match query.text("separator").as_deref() {
                None | Some("comma") => false,
                Some("semicolon") => true,
                Some(_) => {
                    return Err(ApiError::invalid(
                        "separator",
                        ProblemCode::InvalidValue,
                        "`separator` is comma or semicolon.",
                    ))
                }
            };
            let key = id_segment.unwrap_or_default();
            let bytes = services::review::export(
                ctx,
                key,
                services::review::dormant_days(query.int("dormant_days")?)?,
                semicolons,
            )
            .await?;
            Ok(http::csv(&format!("access-review-{key}.csv"), bytes))
        }
        SignedOp::PostReviewsIdReviewed => {
            ok(&services::review::mark_reviewed(ctx, id_segment.unwrap_or_default()).await?)
        }
        SignedOp::GetReports => ok(&services::reports::list(ctx, &query.list()?).await?),
        SignedOp::PostUsersIdCopySecurity => {
            ok(&users::copy_security(ctx, id()?, read_body(req).await?).await?)
        }
        SignedOp::PostUsersIdCopySecurityWhatIf => {
            ok(&services::what_if::copy(ctx, id()?, read_body(req).await?).await?)
        }
        SignedOp::GetExportsId => services::export::respond(
            ctx,
            env,
            id_segment.unwrap_or_default(),
            services::export::separator(query.text("separator").as_deref())?,
        ),
        SignedOp::PostImports => {
            let body = read_body_within(req, crate::body::MAX_IMPORT_BYTES).await?;
            ok(&services::import::dry_run(ctx, body).await?)
        }
        SignedOp::GetImportsId => {
            ok(&services::import::report(ctx, id_segment.unwrap_or_default()).await?)
        }
        SignedOp::PostImportsIdConfirm => ok(&services::import::confirm(
            ctx,
            id_segment.unwrap_or_default(),
            read_body(req).await?,
        )
        .await?),
        SignedOp::PostBulk => {
            let body = read_body_within(req, crate::body::MAX_IMPORT_BYTES).await?;
            ok(&services::import::bulk_dry_run(ctx, body).await?)
        }
        SignedOp::GetInvitationsQueue => ok(&services::import::waiting(ctx).await?),
        SignedOp::PostInvitationsQueueSend => {
            ok(&services::import::send_queued(ctx, mail_env).await?)
        }
    }
}

/// Test mode only (never in production): the plan of every list query, for a regular
/// administrator, with the area, user and company given as representative scope values.
async fn query_plans(ctx: &Ctx<'_>, query: &Query) -> ApiResult<Response> {
    precinct_core::policy::read_areas(ctx.actor())?;
    let plans = store::plans::every_list(
        ctx.db,
        query.int("area_id")?.unwrap_or(1),
        query.int("user_id")?.unwrap_or(1),
        query.int("company_id")?.unwrap_or(1),
    )
    .await?;
    http::json(200, &plans)
}

/// An answer that carries the session's (new) token.
fn with_session_cookie(mut response: Response, token: &str) -> ApiResult<Response> {
    response
        .headers_mut()
        .set("set-cookie", &auth::session_cookie(token))?;
    Ok(response)
}

/// The request context of a signed-in request's clock (the client address is not needed again).
fn request_at(ctx: &Ctx<'_>) -> RequestContext {
    RequestContext {
        now: ctx.now,
        client: String::new(),
    }
}

fn created<T: serde::Serialize>(value: &T) -> ApiResult<Response> {
    http::json(201, value)
}

/// Who the session is after it changed (company chosen, acting as another or back): the
/// principal is read again, so the answer reflects the new rights.
async fn me_after_change(
    (ctx, system): (&Ctx<'_>, &SystemDb<'_>),
    req: &Request,
) -> ApiResult<precinct_core::api::Me> {
    let principal = session::authenticate(system, req, &request_at(ctx)).await?;
    services::session_choices::me(&Ctx {
        db: ctx.db,
        now: ctx.now,
        who: &principal,
    })
    .await
}

/// Lets the routing table answer any serializable value with one closure.
mod erased {
    use worker::Response;

    use crate::error::ApiResult;
    use crate::http;

    pub trait Json {
        fn respond(&self, status: u16) -> ApiResult<Response>;
    }

    impl<T: serde::Serialize> Json for T {
        fn respond(&self, status: u16) -> ApiResult<Response> {
            http::json(status, self)
        }
    }
}
