//! The worker's one error type. The HTTP layer turns it into a JSON problem body; `Internal`
//! details go to the log only, never to the client.

use precinct_core::problem::Problem;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A refusal the client is meant to read: bad input, no session, not allowed, conflict...
    #[error("{} {}: {}", .0.status, .0.code, .0.message)]
    Problem(Problem),
    /// Anything unexpected (D1 down, a bug). Logged; the client sees a generic 500.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn problem(
        status: u16,
        code: &str,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        ApiError::Problem(Problem {
            status,
            code: code.to_string(),
            message: message.into(),
            field: field.map(str::to_string),
        })
    }

    /// 400: the body is not JSON at all.
    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::problem(400, code, None, message)
    }

    /// 422: well-formed JSON, but a field is missing, mistyped or invalid.
    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::problem(422, code, Some(field), message)
    }

    pub fn too_large(limit: usize) -> Self {
        Self::problem(
            413,
            "body_too_large",
            None,
            format!("The request body is larger than the {limit} bytes allowed."),
        )
    }

    /// 415: a body that is not sent as `application/json`.
    pub fn unsupported_media_type() -> Self {
        Self::problem(
            415,
            "unsupported_media_type",
            None,
            "The request body must be JSON, sent with the header Content-Type: application/json.",
        )
    }

    pub fn unauthenticated() -> Self {
        Self::problem(
            401,
            "not_signed_in",
            None,
            "You are not signed in, or your session has ended. Sign in again.",
        )
    }

    pub fn forbidden(code: &str, message: impl Into<String>) -> Self {
        Self::problem(403, code, None, message)
    }

    /// 404 for what does not exist *and* for what the actor may not see: no existence leak.
    pub fn not_found() -> Self {
        Self::problem(404, "not_found", None, "There is nothing here.")
    }

    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        Self::problem(409, code, None, message)
    }

    pub fn too_many(message: impl Into<String>) -> Self {
        Self::problem(429, "too_many_attempts", None, message)
    }

    pub fn method_not_allowed() -> Self {
        Self::problem(
            405,
            "method_not_allowed",
            None,
            "This address does not accept that method.",
        )
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        ApiError::Internal(detail.to_string())
    }

    /// The body sent to the client; internals are replaced by a generic sentence.
    pub fn to_problem(&self) -> Problem {
        match self {
            ApiError::Problem(problem) => problem.clone(),
            ApiError::Internal(_) => Problem {
                status: 500,
                code: "internal_error".to_string(),
                message: "Something went wrong on our side. Try again in a moment.".to_string(),
                field: None,
            },
        }
    }
}

impl From<worker::Error> for ApiError {
    fn from(error: worker::Error) -> Self {
        ApiError::Internal(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_details_never_reach_the_client() {
        let problem = ApiError::internal("D1_ERROR: no such table: users").to_problem();
        assert_eq!(problem.status, 500);
        assert!(!problem.message.contains("users"));
    }

    #[test]
    fn invalid_names_the_field() {
        let problem = ApiError::invalid("user_code", "invalid_email", "bad").to_problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.field.as_deref(), Some("user_code"));
    }

    /// The string literal arguments of a call starting at `rest` (just after its `(`), in
    /// order; `None` where an argument is not a literal.
    fn literal_arguments(rest: &str) -> Vec<Option<String>> {
        let mut arguments = Vec::new();
        let (mut depth, mut current) = (0usize, String::new());
        let mut in_string = false;
        for c in rest.chars() {
            match c {
                '"' => in_string = !in_string,
                '(' | '[' | '{' if !in_string => depth += 1,
                ')' | ']' | '}' if !in_string && depth == 0 => {
                    arguments.push(current);
                    break;
                }
                ')' | ']' | '}' if !in_string => depth -= 1,
                ',' if !in_string && depth == 0 => {
                    arguments.push(std::mem::take(&mut current));
                    continue;
                }
                _ => {}
            }
            current.push(c);
        }
        arguments
            .into_iter()
            .map(|argument| {
                let argument = argument.trim();
                (argument.len() > 2 && argument.starts_with('"') && argument.ends_with('"'))
                    .then(|| argument.trim_matches('"').to_string())
            })
            .collect()
    }

    fn worker_sources(dir: &std::path::Path, into: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                worker_sources(&path, into);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                // Tests make up codes of their own; only the code before them is read.
                let code = text.split("#[cfg(test)]").next().unwrap_or_default();
                into.push((path.display().to_string(), code.to_string()));
            }
        }
    }

    /// The worker's own code (tests excluded), file by file.
    fn worker_code() -> Vec<(String, String)> {
        let mut sources = Vec::new();
        worker_sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut sources,
        );
        sources
    }

    /// French pages say the worker's refusals in French by their code (the console reads
    /// `precinct_core::problem::french_reason`): every code the worker can send must be there.
    #[test]
    fn every_problem_code_has_a_french_reason() {
        let sources = worker_code();
        // (call, which argument is the code)
        let calls = [
            ("ApiError::invalid(", 1),
            ("ApiError::forbidden(", 0),
            ("ApiError::conflict(", 0),
            ("ApiError::bad_request(", 0),
            ("Self::problem(", 1),
            ("Self::forbidden(", 0),
        ];
        let mut codes = std::collections::BTreeSet::new();
        for (file, text) in &sources {
            for (call, position) in calls {
                for (at, _) in text.match_indices(call) {
                    if let Some(Some(code)) =
                        literal_arguments(&text[at + call.len()..]).get(position)
                    {
                        codes.insert((code.clone(), file.clone()));
                    }
                }
            }
            for (at, _) in text.match_indices("code: \"") {
                // Only the code of a problem or a mail failure (not an application's code).
                let before = &text[at.saturating_sub(120)..at];
                if !before.contains("Problem {") && !before.contains("MailFailure {") {
                    continue;
                }
                let rest = &text[at + 7..];
                if let Some(end) = rest.find('"') {
                    codes.insert((rest[..end].to_string(), file.clone()));
                }
            }
            // The mail providers' reasons: `("mail_...", message)` pairs in the adapters.
            if file.ends_with("provider.rs") {
                for (at, _) in text.match_indices("\"mail_") {
                    if text[..at].trim_end().ends_with('(') {
                        let rest = &text[at + 1..];
                        if let Some(end) = rest.find('"') {
                            codes.insert((rest[..end].to_string(), file.clone()));
                        }
                    }
                }
            }
        }
        assert!(codes.len() > 40, "found only {} codes", codes.len());
        let missing: Vec<_> = codes
            .iter()
            .filter(|(code, _)| precinct_core::problem::french_reason(code).is_none())
            .collect();
        assert!(
            missing.is_empty(),
            "codes without a French reason: {missing:?}"
        );
    }

    /// French pages say history entries from (kind, action, subject): every kind and action the
    /// worker writes must be in `precinct_core::history_text`.
    #[test]
    fn every_history_entry_has_a_french_sentence() {
        let sources = worker_code();
        let mut pairs = std::collections::BTreeSet::new();
        for (file, text) in &sources {
            for (at, _) in text.match_indices("ctx.history(") {
                let arguments = literal_arguments(&text[at + "ctx.history(".len()..]);
                if let (Some(Some(kind)), Some(Some(action))) =
                    (arguments.first(), arguments.get(3))
                {
                    pairs.insert((kind.clone(), action.clone(), file.clone()));
                }
            }
            for (at, _) in text.match_indices("entity_kind: \"") {
                let rest = &text[at + 14..];
                let kind = rest.split('"').next().unwrap_or_default().to_string();
                if let Some(action) = rest
                    .split("action: \"")
                    .nth(1)
                    .filter(|_| rest.find("action: \"") < rest.find('}'))
                    .and_then(|after| after.split('"').next())
                {
                    pairs.insert((kind, action.to_string(), file.clone()));
                }
            }
        }
        assert!(
            pairs.len() > 15,
            "found only {} kinds and actions",
            pairs.len()
        );
        // Written through a variable, so not found above.
        for (kind, action) in [
            ("user", "enabled"),
            ("user", "disabled"),
            ("user", "invitation_sent"),
            ("user", "reset_link_sent"),
            ("user", "invitation_not_sent"),
            ("account", "created"),
            ("account", "demo_seeded"),
            ("user", "mfa_entered"),
            ("user", "mfa_recovery_code_used"),
            ("user", "mfa_enrolled"),
        ] {
            pairs.insert((kind.into(), action.into(), "(by variable)".into()));
        }
        let missing: Vec<_> = pairs
            .iter()
            .filter(|(kind, action, _)| {
                precinct_core::history_text::french_history(kind, action, None).is_none()
            })
            .collect();
        assert!(missing.is_empty(), "no French sentence for {missing:?}");
    }
}
