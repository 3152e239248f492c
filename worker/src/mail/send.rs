//! Delivering a message: into the D1 outbox, or over HTTP to the provider with a time limit, so
//! a provider that never answers gives an error instead of a hanging request.

use std::time::Duration;

use futures_util::future::{select, Either};
use precinct_core::api::MailProvider;
use wasm_bindgen::JsValue;
use worker::{AbortController, D1Database, Delay, Fetch, Headers, Method, Request, RequestInit};

use super::provider::{self, Credentials, MailFailure, Message};
use crate::store::{int, statement, text};

/// Sends `message` through `provider`; the outbox stores it for the Outbox screen.
#[allow(clippy::too_many_arguments)]
pub async fn deliver(
    db: &D1Database,
    account: i64,
    now: i64,
    kind: &str,
    provider: MailProvider,
    base_url: &str,
    credentials: &Credentials<'_>,
    message: &Message,
    timeout: Duration,
) -> Result<(), MailFailure> {
    if provider == MailProvider::Outbox {
        let stored = statement(
            db,
            "INSERT INTO outbox (account_id, at, kind, from_address, to_address, subject, text_body, html_body) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            &[
                int(account),
                int(now),
                text(kind),
                text(&message.from_header()),
                text(&message.to),
                text(&message.subject),
                text(&message.text),
                text(&message.html),
            ],
        );
        return match stored {
            Ok(statement) => statement
                .run()
                .await
                .map(|_| ())
                .map_err(|_| provider::unreachable()),
            Err(_) => Err(provider::unreachable()),
        };
    }
    let Some(request) = provider::request(provider, base_url, credentials, message) else {
        return Err(MailFailure {
            code: "mail_settings_incomplete",
            message: "The mail settings are incomplete for this provider. Complete them in General Settings > Miscellaneous.".to_string(),
        });
    };
    let headers = Headers::new();
    for (name, value) in &request.headers {
        headers
            .set(name, value)
            .map_err(|_| provider::unreachable())?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(JsValue::from_str(&request.body.to_string())));
    let outgoing =
        Request::new_with_init(&request.url, &init).map_err(|_| provider::unreachable())?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(outgoing);
    let sending = Box::pin(fetch.send_with_signal(&signal));
    let limit = Box::pin(Delay::from(timeout));
    let outcome = select(sending, limit).await;
    let result = match outcome {
        Either::Left((Ok(mut response), _)) => {
            let status = response.status_code();
            if (200..300).contains(&status) {
                Ok(())
            } else {
                let body = response.text().await.unwrap_or_default();
                Err(provider::explain(provider, status, &body))
            }
        }
        Either::Left((Err(_), _)) => Err(provider::unreachable()),
        Either::Right(_) => {
            controller.abort();
            Err(provider::timed_out(timeout.as_secs().max(1)))
        }
    };
    result
}
