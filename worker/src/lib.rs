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
#[cfg(target_arch = "wasm32")]
mod principal;
#[cfg(target_arch = "wasm32")]
mod routes;
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
