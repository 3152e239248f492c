//! Delivering a message: into the D1 outbox, or over HTTP to the provider with a time limit, so
//! a provider that never answers gives an error instead of a hanging request.

use std::time::Duration;

use futures_util::future::{select, Either};
use precinct_core::api::MailProvider;
use wasm_bindgen::JsValue;
use worker::{AbortController, Delay, Fetch, Headers, Method, Request, RequestInit};

use super::provider::{self, Credentials, MailFailure, Message};
use crate::store::{self, AccountDb};

/// Whether the Outbox keeps the working links of invitations and resets: only where a developer
/// or a test signs in as the invited person (`PRECINCT_OUTBOX_LINKS=shown`: `make dev`, tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxLinks {
    Shown,
    Hidden,
}

impl OutboxLinks {
    pub fn from_setting(value: Option<&str>) -> Self {
        if value == Some("shown") {
            OutboxLinks::Shown
        } else {
            OutboxLinks::Hidden
        }
    }
}

const LINK_TOKEN: &str = "token=";

/// The text with every link token replaced by `(hidden)`.
pub fn hide_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(LINK_TOKEN) {
        let (before, after) = rest.split_at(at + LINK_TOKEN.len());
        out.push_str(before);
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(after.len());
        if end > 0 {
            out.push_str("(hidden)");
        }
        rest = after.get(end..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r33_outbox_links_lose_their_token() {
        let text = "Open https://x.test/set-password?token=Ab_9-z to choose.\n<a href=\"https://x.test/set-password?token=Zz\">";
        let hidden = hide_links(text);
        assert!(
            !hidden.contains("Ab_9-z") && !hidden.contains("Zz\""),
            "{hidden}"
        );
        assert_eq!(hidden.matches("token=(hidden)").count(), 2);
        assert_eq!(hide_links("no link here"), "no link here");
    }
}

/// A message as a preview sends it: its name in the subject and at the top of both bodies.
fn in_preview(message: &Message, name: &str) -> Message {
    let band = format!("Preview — {name}");
    let escaped = band
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    Message {
        subject: format!("[{band}] {}", message.subject),
        text: format!("{band}\n\n{}", message.text),
        html: format!("<p><strong>{escaped}</strong></p>{}", message.html),
        ..message.clone()
    }
}

/// Sends `message` through `provider`; the outbox stores it for the Outbox screen. In a
/// preview (O01) every message goes to the Outbox, marked with the preview's name: a preview
/// never mails anyone.
pub async fn deliver(
    db: &AccountDb<'_>,
    now: i64,
    kind: &str,
    (provider, base_url, credentials): (MailProvider, &str, &Credentials<'_>),
    message: &Message,
    (timeout, outbox_links, preview): (Duration, OutboxLinks, Option<&str>),
) -> Result<(), MailFailure> {
    let marked;
    let (provider, message) = match preview {
        Some(name) => {
            marked = in_preview(message, name);
            (MailProvider::Outbox, &marked)
        }
        None => (provider, message),
    };
    if provider == MailProvider::Outbox {
        // Outside `make dev` and the tests, nobody reads another person's working link on the
        // Outbox screen (R33): it is stored without its token.
        let (text_body, html_body) = match outbox_links {
            OutboxLinks::Shown => (message.text.clone(), message.html.clone()),
            OutboxLinks::Hidden => (hide_links(&message.text), hide_links(&message.html)),
        };
        let stored = store::mail::insert_outbox(
            db,
            (now, kind),
            (&message.from_header(), &message.to, &message.subject),
            (&text_body, &html_body),
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
            code: precinct_core::problem::ProblemCode::MailSettingsIncomplete,
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
    // R37: a provider's answer never moves the request (and its key or credentials) elsewhere;
    // a redirect is answered as a provider fault.
    init.with_method(Method::Post)
        .with_redirect(worker::RequestRedirect::Manual)
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
