//! HTTP plumbing: the per-request context (clock, client), CSRF checks, and JSON answers.

use precinct_core::problem::ProblemCode;
use serde::Serialize;
use worker::{Headers, Method, Request, Response, ResponseBuilder};

use crate::error::{ApiError, ApiResult};

/// Header a state-changing request must carry: a cross-site form cannot set it, and a cross-site
/// script cannot send it without a CORS preflight this worker never grants.
pub const CSRF_HEADER: &str = "x-precinct-csrf";
/// Test-only clock override, honoured only when the `PRECINCT_TEST_MODE` variable is `enabled`
/// (the test harness sets it; production never does), so expiry tests are exact.
pub const TEST_NOW_HEADER: &str = "x-precinct-test-now";
/// Test-only client address override (same condition), so throttling tests can play many clients.
pub const TEST_CLIENT_HEADER: &str = "x-precinct-test-client";

/// What every handler knows about the request besides its body.
pub struct RequestContext {
    /// UTC milliseconds, read once per request.
    pub now: i64,
    /// The client's address, for throttling sign-in failures.
    pub client: String,
}

impl RequestContext {
    pub fn new(req: &Request, test_clock_enabled: bool) -> Self {
        let headers = req.headers();
        let header_now = test_clock_enabled
            .then(|| header(headers, TEST_NOW_HEADER))
            .flatten()
            .and_then(|value| value.parse::<i64>().ok());
        let now = header_now.unwrap_or_else(|| js_sys::Date::now() as i64);
        let address = test_clock_enabled
            .then(|| header(headers, TEST_CLIENT_HEADER))
            .flatten()
            .or_else(|| header(headers, "cf-connecting-ip"));
        let client = address.map_or_else(
            || "local".to_string(),
            |address| crate::auth::client_key(&address),
        );
        RequestContext { now, client }
    }
}

/// Headers every answer carries, the API's as well as the console's static files (which get the
/// same set from `app/_headers`; a test compares both): a strict CSP (no inline script, no
/// framing), HSTS, no referrer, no sniffing, no powerful browser features, an isolated opener.
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
    (
        "content-security-policy",
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; \
         base-uri 'none'; form-action 'self'",
    ),
    (
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    ),
    ("referrer-policy", "no-referrer"),
    ("x-content-type-options", "nosniff"),
    (
        "permissions-policy",
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), \
         microphone=(), payment=(), usb=()",
    ),
    ("cross-origin-opener-policy", "same-origin"),
    ("x-frame-options", "DENY"),
];

/// Adds [`SECURITY_HEADERS`] to an answer of the worker.
pub fn secure(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        // Setting a header on a fresh response cannot fail; were it to, the answer still goes.
        let _ = headers.set(name, value);
    }
    response
}

pub fn header(headers: &Headers, name: &str) -> Option<String> {
    headers.get(name).ok().flatten()
}

pub fn is_state_changing(method: &Method) -> bool {
    !matches!(method, Method::Get | Method::Head | Method::Options)
}

/// Refuses a state-changing request that lacks the CSRF header or comes from another origin.
pub fn check_csrf(req: &Request) -> ApiResult<()> {
    let headers = req.headers();
    if header(headers, CSRF_HEADER).as_deref() != Some("1") {
        return Err(ApiError::forbidden(
            ProblemCode::CsrfHeaderMissing,
            "This request must come from the Precinct console (the x-precinct-csrf header is missing).",
        ));
    }
    let own_origin = req.url().map(|url| url.origin().ascii_serialization())?;
    match header(headers, "origin") {
        Some(origin) if origin == own_origin => Ok(()),
        _ => Err(ApiError::forbidden(
            ProblemCode::OriginMismatch,
            "This request comes from another site and was refused.",
        )),
    }
}

fn api_headers(content_type: &str) -> Headers {
    let headers = Headers::new();
    // Setting a fixed, valid header name and value cannot fail; ignore the impossible error.
    let _ = headers.set("content-type", content_type);
    let _ = headers.set("cache-control", "no-store");
    let _ = headers.set("x-content-type-options", "nosniff");
    headers
}

fn respond(status: u16, content_type: &str, body: Vec<u8>) -> Response {
    ResponseBuilder::new()
        .with_status(status)
        .with_headers(api_headers(content_type))
        .fixed(body)
}

pub fn json<T: Serialize>(status: u16, body: &T) -> ApiResult<Response> {
    let bytes = serde_json::to_vec(body).map_err(ApiError::internal)?;
    Ok(respond(status, "application/json; charset=utf-8", bytes))
}

/// A CSV file to download (B03, B04), named `file_name` (ASCII letters, digits and `-._`).
pub fn csv(file_name: &str, body: Vec<u8>) -> Response {
    ResponseBuilder::new()
        .with_status(200)
        .with_headers(csv_headers(file_name))
        .fixed(body)
}

fn csv_headers(file_name: &str) -> Headers {
    let headers = api_headers("text/csv; charset=utf-8");
    let safe: String = file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        .collect();
    let _ = headers.set(
        "content-disposition",
        &format!("attachment; filename=\"{safe}\""),
    );
    headers
}

/// A streamed CSV answer (B04 export): the body comes a page at a time.
pub fn csv_stream(response: Response, file_name: &str) -> crate::error::ApiResult<Response> {
    Ok(response.with_headers(csv_headers(file_name)))
}

pub fn no_content() -> Response {
    ResponseBuilder::new()
        .with_status(204)
        .with_headers(api_headers("application/json; charset=utf-8"))
        .empty()
}

/// The JSON problem answer for an error; internals are logged here and hidden from the client.
pub fn problem_response(error: &ApiError) -> Response {
    if let ApiError::Internal(detail) = error {
        worker::console_error!("internal error: {detail}");
    }
    let problem = error.to_problem();
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    respond(
        problem.status,
        "application/problem+json; charset=utf-8",
        body,
    )
}
