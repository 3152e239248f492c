//! What each HTTP mail provider is sent, and what its failures mean to a person (R27). Pure:
//! the exact request is tested natively and against a capture server.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use precinct_core::api::MailProvider;
use precinct_core::problem::ProblemCode;
use serde_json::{json, Value};

/// A message ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub from_address: String,
    pub from_name: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Message {
    /// `"Name <address>"`, or the bare address without a name.
    pub fn from_header(&self) -> String {
        if self.from_name.trim().is_empty() {
            self.from_address.clone()
        } else {
            format!(
                "{} <{}>",
                self.from_name.replace(['<', '>', '"'], ""),
                self.from_address
            )
        }
    }
}

/// The credentials a provider authenticates with.
pub enum Credentials<'a> {
    /// Resend and Postmark: the account's API key.
    ApiKey(&'a str),
    /// The relay: the sending user's mail user and mail password.
    MailUser { user: &'a str, password: &'a str },
}

/// One HTTP request to a provider.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderRequest {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

fn join(base: &str, path: &str) -> String {
    format!("{}{path}", base.trim_end_matches('/'))
}

/// Builds the request `provider` documents for `message`; `None` for the outbox (no HTTP).
pub fn request(
    provider: MailProvider,
    base_url: &str,
    credentials: &Credentials<'_>,
    message: &Message,
) -> Option<ProviderRequest> {
    let base = if base_url.trim().is_empty() {
        provider.default_base_url()
    } else {
        base_url.trim()
    };
    let json_headers = |auth: (String, String)| {
        vec![
            ("content-type".to_string(), "application/json".to_string()),
            ("accept".to_string(), "application/json".to_string()),
            auth,
        ]
    };
    match (provider, credentials) {
        (MailProvider::Outbox, _) => None,
        (MailProvider::Resend, Credentials::ApiKey(key)) => Some(ProviderRequest {
            url: join(base, "/emails"),
            headers: json_headers(("authorization".to_string(), format!("Bearer {key}"))),
            body: json!({
                "from": message.from_header(),
                "to": [message.to],
                "subject": message.subject,
                "text": message.text,
                "html": message.html,
            }),
        }),
        (MailProvider::Postmark, Credentials::ApiKey(key)) => Some(ProviderRequest {
            url: join(base, "/email"),
            headers: json_headers(("x-postmark-server-token".to_string(), (*key).to_string())),
            body: json!({
                "From": message.from_header(),
                "To": message.to,
                "Subject": message.subject,
                "TextBody": message.text,
                "HtmlBody": message.html,
                "MessageStream": "outbound",
            }),
        }),
        (MailProvider::Relay, Credentials::MailUser { user, password }) => Some(ProviderRequest {
            url: join(base, "/messages"),
            headers: json_headers((
                "authorization".to_string(),
                format!("Basic {}", STANDARD.encode(format!("{user}:{password}"))),
            )),
            body: json!({
                "from": message.from_header(),
                "to": message.to,
                "subject": message.subject,
                "text": message.text,
                "html": message.html,
            }),
        }),
        // A provider given the other kind of credentials: the caller's mistake, nothing to send.
        _ => None,
    }
}

/// Why a message was not sent, in words a person understands, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailFailure {
    pub code: ProblemCode,
    pub message: String,
}

fn provider_text(body: &str) -> String {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    let text = parsed
        .as_ref()
        .and_then(|value| {
            ["message", "Message", "error", "name"]
                .iter()
                .find_map(|key| value.get(key).and_then(Value::as_str).map(str::to_string))
        })
        .unwrap_or_else(|| body.chars().take(200).collect());
    text.trim().to_string()
}

/// Turns a provider's error answer into a [`MailFailure`].
pub fn explain(provider: MailProvider, status: u16, body: &str) -> MailFailure {
    let said = provider_text(body);
    let quoted = if said.is_empty() {
        String::new()
    } else {
        format!(" The provider said: \"{said}\"")
    };
    let lower = said.to_lowercase();
    let (code, message) = match status {
        401 | 403 if provider == MailProvider::Relay => (
            ProblemCode::MailWrongCredentials,
            "The mail relay refused the mail user or the mail password. Check the mail password in the user's email configuration.".to_string(),
        ),
        401 | 403 => (
            ProblemCode::MailWrongKey,
            "The mail provider refused the API key. Check the key in General Settings > Miscellaneous.".to_string(),
        ),
        // Postmark reports both problems with 422 and an error code; Resend with 403/422 text.
        400 | 422 if lower.contains("domain") || lower.contains("sender") || lower.contains("signature") || lower.contains("from") => (
            ProblemCode::MailSenderNotVerified,
            "The provider does not accept this sender: the sender address or its domain is not verified with the provider.".to_string(),
        ),
        400 | 422 => (
            ProblemCode::MailRecipientRejected,
            "The provider rejected the message, most likely the recipient address.".to_string(),
        ),
        429 => (ProblemCode::MailRateLimited, "The mail provider is limiting how fast messages are sent. Try again in a minute.".to_string()),
        500..=599 => (ProblemCode::MailProviderDown, format!("The mail provider is failing (HTTP {status}). Try again later.")),
        _ => (ProblemCode::MailFailed, format!("The mail provider answered with an unexpected error (HTTP {status}).")),
    };
    MailFailure {
        code,
        message: format!("{message}{quoted}"),
    }
}

pub fn timed_out(seconds: u64) -> MailFailure {
    MailFailure {
        code: ProblemCode::MailTimeout,
        message: format!(
            "The mail provider did not answer within {seconds} seconds. Try again later."
        ),
    }
}

pub fn unreachable() -> MailFailure {
    MailFailure {
        code: ProblemCode::MailUnreachable,
        message: "The mail provider could not be reached. Check the API base URL in General Settings > Miscellaneous.".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> Message {
        Message {
            from_address: "no-reply@acme.example".into(),
            from_name: "Acme Precinct".into(),
            to: "ana@acme.example".into(),
            subject: "Test".into(),
            text: "Hello".into(),
            html: "<p>Hello</p>".into(),
        }
    }

    fn header<'a>(request: &'a ProviderRequest, name: &str) -> Option<&'a str> {
        request
            .headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    #[test]
    fn r27_resend_gets_post_emails_with_bearer_key_and_its_json() {
        let request = request(
            MailProvider::Resend,
            "",
            &Credentials::ApiKey("re_123"),
            &message(),
        )
        .unwrap();
        assert_eq!(request.url, "https://api.resend.com/emails");
        assert_eq!(header(&request, "authorization"), Some("Bearer re_123"));
        assert_eq!(
            request.body["from"],
            "Acme Precinct <no-reply@acme.example>"
        );
        assert_eq!(request.body["to"], json!(["ana@acme.example"]));
        assert_eq!(request.body["html"], "<p>Hello</p>");
    }

    #[test]
    fn r27_postmark_gets_post_email_with_server_token() {
        let request = request(
            MailProvider::Postmark,
            "http://127.0.0.1:9/",
            &Credentials::ApiKey("pm-1"),
            &message(),
        )
        .unwrap();
        assert_eq!(request.url, "http://127.0.0.1:9/email");
        assert_eq!(header(&request, "x-postmark-server-token"), Some("pm-1"));
        assert_eq!(header(&request, "authorization"), None);
        assert_eq!(request.body["To"], "ana@acme.example");
        assert_eq!(request.body["MessageStream"], "outbound");
    }

    #[test]
    fn r25_relay_authenticates_with_the_users_mail_user_and_password() {
        let credentials = Credentials::MailUser {
            user: "ana@acme.example",
            password: "s3cret",
        };
        let request = request(
            MailProvider::Relay,
            "http://relay.local",
            &credentials,
            &message(),
        )
        .unwrap();
        assert_eq!(request.url, "http://relay.local/messages");
        let expected = format!("Basic {}", STANDARD.encode("ana@acme.example:s3cret"));
        assert_eq!(header(&request, "authorization"), Some(expected.as_str()));
    }

    #[test]
    fn outbox_sends_no_http_and_mismatched_credentials_send_nothing() {
        assert!(request(
            MailProvider::Outbox,
            "",
            &Credentials::ApiKey("k"),
            &message()
        )
        .is_none());
        assert!(request(
            MailProvider::Resend,
            "",
            &Credentials::MailUser {
                user: "a",
                password: "b"
            },
            &message()
        )
        .is_none());
    }

    #[test]
    fn r27_failures_are_explained_with_the_providers_own_words() {
        let wrong_key = explain(
            MailProvider::Resend,
            401,
            r#"{"name":"validation_error","message":"API key is invalid"}"#,
        );
        assert_eq!(wrong_key.code, ProblemCode::MailWrongKey);
        assert!(wrong_key.message.contains("API key is invalid"));
        let domain = explain(
            MailProvider::Postmark,
            422,
            r#"{"ErrorCode":400,"Message":"The 'From' address you supplied is not a Sender Signature"}"#,
        );
        assert_eq!(domain.code, ProblemCode::MailSenderNotVerified);
        let recipient = explain(
            MailProvider::Resend,
            422,
            r#"{"message":"Invalid `to` field"}"#,
        );
        assert_eq!(recipient.code, ProblemCode::MailRecipientRejected);
        assert_eq!(
            explain(MailProvider::Resend, 429, "").code,
            ProblemCode::MailRateLimited
        );
        assert_eq!(
            explain(MailProvider::Resend, 503, "oops").code,
            ProblemCode::MailProviderDown
        );
        assert_eq!(
            explain(MailProvider::Relay, 401, "").code,
            ProblemCode::MailWrongCredentials
        );
    }
}
