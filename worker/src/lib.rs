//! Precinct's API: a Rust Cloudflare Worker over D1. Routes parse and answer; services ask the
//! `precinct-core` policy and call the store; the store turns scopes into SQL.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod auth;
pub mod body;
pub mod error;
#[cfg(target_arch = "wasm32")]
mod http;
pub mod mail;
pub mod passwords;
#[cfg(target_arch = "wasm32")]
mod principal;
#[cfg(target_arch = "wasm32")]
mod principal_cache;
pub mod route_table;
#[cfg(target_arch = "wasm32")]
mod routes;
pub mod second_factor;
#[cfg(target_arch = "wasm32")]
mod services;
#[cfg(target_arch = "wasm32")]
mod session;
#[cfg(target_arch = "wasm32")]
mod store;

#[cfg(target_arch = "wasm32")]
#[worker::event(fetch)]
async fn fetch(
    req: worker::Request,
    env: worker::Env,
    ctx: worker::Context,
) -> worker::Result<worker::Response> {
    routes::handle(req, env, ctx).await
}

/// Scheduled housekeeping (the cron trigger of `wrangler.toml`; locally `wrangler dev
/// --test-scheduled` and `GET /__scheduled`): purges expired sessions, used or expired links,
/// spent throttle rows and old outbox messages, and logs one JSON line without secrets.
#[cfg(target_arch = "wasm32")]
#[worker::event(scheduled)]
async fn scheduled(event: worker::ScheduledEvent, env: worker::Env, _ctx: worker::ScheduleContext) {
    let now = event.schedule() as i64;
    let outcome = match store::Homes::of(&env) {
        // Unscoped: expiry is the same rule in every account, in every database (O03).
        Ok(homes) => store::homes::housekeeping_everywhere(&homes.directory(), now)
            .await
            .map_err(|error| error.to_string()),
        Err(error) => Err(error.to_string()),
    };
    match outcome {
        Ok(removed) => {
            let counts: Vec<String> = removed
                .iter()
                .map(|(table, count)| format!("\"{table}\":{count}"))
                .collect();
            worker::console_log!(
                "{{\"event\":\"housekeeping\",\"at\":{now},\"removed\":{{{}}}}}",
                counts.join(",")
            );
        }
        Err(error) => worker::console_error!("{{\"event\":\"housekeeping\",\"error\":{error:?}}}"),
    }
}
