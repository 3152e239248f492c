//! The routing table: which method and path reach which handler.

use precinct_core::api::{Application, Applications, Health, SignIn};
use worker::{Env, Method, Request, Response};

use crate::auth::{self, SystemEntropy};
use crate::body::{parse_json, MAX_BODY_BYTES};
use crate::error::{ApiError, ApiResult};
use crate::http::{self, RequestContext};
use crate::session;
use crate::store;

const VERSION: &str = env!("CARGO_PKG_VERSION");

pub async fn handle(req: Request, env: Env) -> worker::Result<Response> {
    let path = req.path();
    if !path.starts_with("/api/") {
        // Static assets are served before the worker runs; anything else is the SPA's business.
        return env.assets("ASSETS")?.fetch_request(req).await;
    }
    Ok(match api(req, &env, &path).await {
        Ok(response) => response,
        Err(error) => http::problem_response(&error),
    })
}

async fn read_body<T: serde::de::DeserializeOwned>(req: &mut Request) -> ApiResult<T> {
    if let Some(length) =
        http::header(req.headers(), "content-length").and_then(|v| v.parse::<usize>().ok())
    {
        if length > MAX_BODY_BYTES {
            return Err(ApiError::too_large(MAX_BODY_BYTES));
        }
    }
    let bytes = req.bytes().await?;
    parse_json(&bytes)
}

async fn api(mut req: Request, env: &Env, path: &str) -> ApiResult<Response> {
    let test_clock = env
        .var("PRECINCT_TEST_CLOCK")
        .map(|value| value.to_string() == "enabled")
        .unwrap_or(false);
    let ctx = RequestContext::new(&req, test_clock);
    let method = req.method();
    if http::is_state_changing(&method) {
        http::check_csrf(&req)?;
    }
    let db = env.d1("DB")?;
    let segments: Vec<&str> = path.trim_start_matches("/api/").split('/').collect();

    match (method, segments.as_slice()) {
        (Method::Get, ["health"]) => {
            let database = store::database_answers(&db).await;
            http::json(
                if database { 200 } else { 503 },
                &Health {
                    version: VERSION.to_string(),
                    database,
                },
            )
        }
        (Method::Post, ["session"]) => {
            let body: SignIn = read_body(&mut req).await?;
            let token = session::sign_in(&db, &req, &ctx, body, &mut SystemEntropy).await?;
            let row = store::live_session(&db, &auth::token_hash(&token), ctx.now)
                .await?
                .ok_or_else(|| ApiError::internal("new session not found"))?;
            let mut response = http::json(200, &session::Session { row }.me()?)?;
            response
                .headers_mut()
                .set("set-cookie", &auth::session_cookie(&token))?;
            Ok(response)
        }
        (Method::Get, ["session"]) => {
            let session = session::authenticate(&db, &req, &ctx).await?;
            http::json(200, &session.me()?)
        }
        (Method::Delete, ["session"]) => {
            session::sign_out(&db, &req).await?;
            let mut response = http::no_content();
            response
                .headers_mut()
                .set("set-cookie", &auth::cleared_session_cookie())?;
            Ok(response)
        }
        (Method::Get, ["applications"]) => {
            session::authenticate(&db, &req, &ctx).await?;
            http::json(
                200,
                &Applications {
                    applications: vec![Application {
                        code: "security".to_string(),
                        name: "Security Console".to_string(),
                        description: "Users, user groups, companies, areas and history."
                            .to_string(),
                        path: "/console".to_string(),
                    }],
                },
            )
        }
        (_, ["health"] | ["session"] | ["applications"]) => Err(ApiError::method_not_allowed()),
        _ => Err(ApiError::not_found()),
    }
}
