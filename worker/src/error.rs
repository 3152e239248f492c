//! The worker's one error type. The HTTP layer turns it into a JSON problem body; `Internal`
//! details go to the log only, never to the client.

use precinct_core::problem::{FieldProblem, Problem, ProblemCode};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A refusal the client is meant to read: bad input, no session, not allowed, conflict...
    #[error("{} {}: {}", .0.status, .0.code, .0.message)]
    Problem(Problem),
    /// Anything unexpected (D1 down, a bug). Logged; the client sees a generic 500.
    #[error("internal error: {0}")]
    Internal(String),
    /// The optimistic principal (issue 17) was not the session's any more: the answer computed
    /// with it is thrown away and the request redone with the fresh one. Never sent.
    #[error("the session changed since it was remembered")]
    SessionChanged,
    /// A rehearsed write (B02's dry run) reached its commit: every check passed, nothing was
    /// written. Caught by the what-if; never sent.
    #[error("a rehearsed write reached its commit")]
    Rehearsed,
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Checks of several fields, every one run: their values, or one refusal naming every field at
/// fault (`ApiError::all_fields`).
pub fn all_fields2<A, B>(a: ApiResult<A>, b: ApiResult<B>) -> ApiResult<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => Err(combined([a.err(), b.err()])),
    }
}

pub fn all_fields3<A, B, C>(
    a: ApiResult<A>,
    b: ApiResult<B>,
    c: ApiResult<C>,
) -> ApiResult<(A, B, C)> {
    match (a, b, c) {
        (Ok(a), Ok(b), Ok(c)) => Ok((a, b, c)),
        (a, b, c) => Err(combined([a.err(), b.err(), c.err()])),
    }
}

fn combined<const N: usize>(errors: [Option<ApiError>; N]) -> ApiError {
    ApiError::all_fields(errors)
        .unwrap_or_else(|| ApiError::Internal("a failed check without its error".to_string()))
}

impl ApiError {
    pub fn problem(
        status: u16,
        code: ProblemCode,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        ApiError::Problem(Problem {
            status,
            code: code.as_str().to_string(),
            message: message.into(),
            field: field.map(str::to_string),
            errors: Vec::new(),
        })
    }

    /// The problems of a request's fields, all of them at once (a form shows each beside its
    /// field): one 422 whose `errors` lists every field at fault, the first also as `field`.
    /// Any other refusal among them (not allowed, not found) is answered alone, as it was.
    pub fn all_fields(errors: impl IntoIterator<Item = Option<ApiError>>) -> Option<ApiError> {
        let mut first: Option<Problem> = None;
        let mut entries: Vec<FieldProblem> = Vec::new();
        for error in errors.into_iter().flatten() {
            match error {
                ApiError::Problem(problem) if problem.status == 422 && problem.field.is_some() => {
                    // A problem that already lists several fields brings each.
                    if problem.errors.is_empty() {
                        entries.push(FieldProblem {
                            field: problem.field.clone().unwrap_or_default(),
                            code: problem.code.clone(),
                            message: problem.message.clone(),
                        });
                    } else {
                        entries.extend(problem.errors.iter().cloned());
                    }
                    first.get_or_insert(problem);
                }
                other => return Some(other),
            }
        }
        let mut first = first?;
        first.errors = if entries.len() > 1 {
            entries
        } else {
            Vec::new()
        };
        Some(ApiError::Problem(first))
    }

    /// 400: the body is not JSON at all.
    pub fn bad_request(code: ProblemCode, message: impl Into<String>) -> Self {
        Self::problem(400, code, None, message)
    }

    /// 422: well-formed JSON, but a field is missing, mistyped or invalid.
    pub fn invalid(field: &str, code: ProblemCode, message: impl Into<String>) -> Self {
        Self::problem(422, code, Some(field), message)
    }

    pub fn too_large(limit: usize) -> Self {
        Self::problem(
            413,
            ProblemCode::BodyTooLarge,
            None,
            format!("The request body is larger than the {limit} bytes allowed."),
        )
    }

    /// 415: a body that is not sent as `application/json`.
    pub fn unsupported_media_type() -> Self {
        Self::problem(
            415,
            ProblemCode::UnsupportedMediaType,
            None,
            "The request body must be JSON, sent with the header Content-Type: application/json.",
        )
    }

    pub fn unauthenticated() -> Self {
        Self::problem(
            401,
            ProblemCode::NotSignedIn,
            None,
            "You are not signed in, or your session has ended. Sign in again.",
        )
    }

    pub fn forbidden(code: ProblemCode, message: impl Into<String>) -> Self {
        Self::problem(403, code, None, message)
    }

    /// 404 for what does not exist *and* for what the actor may not see: no existence leak.
    pub fn not_found() -> Self {
        Self::problem(404, ProblemCode::NotFound, None, "There is nothing here.")
    }

    pub fn conflict(code: ProblemCode, message: impl Into<String>) -> Self {
        Self::problem(409, code, None, message)
    }

    pub fn too_many(message: impl Into<String>) -> Self {
        Self::problem(429, ProblemCode::TooManyAttempts, None, message)
    }

    pub fn method_not_allowed() -> Self {
        Self::problem(
            405,
            ProblemCode::MethodNotAllowed,
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
            ApiError::Internal(_) | ApiError::SessionChanged | ApiError::Rehearsed => Problem {
                status: 500,
                code: ProblemCode::InternalError.as_str().to_string(),
                message: "Something went wrong on our side. Try again in a moment.".to_string(),
                field: None,
                errors: Vec::new(),
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
        let problem = ApiError::invalid("user_code", ProblemCode::InvalidEmail, "bad").to_problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.field.as_deref(), Some("user_code"));
    }

    #[test]
    fn every_field_at_fault_is_named_at_once() {
        let code: ApiResult<String> = Err(ApiError::invalid(
            "code",
            ProblemCode::Required,
            "Code is required.",
        ));
        let name: ApiResult<String> = Err(ApiError::invalid(
            "name",
            ProblemCode::TooLong,
            "Name is too long.",
        ));
        let problem = match all_fields2(code, name) {
            Err(error) => error.to_problem(),
            Ok(_) => Problem::default(),
        };
        assert_eq!(problem.status, 422);
        assert_eq!(problem.field.as_deref(), Some("code"));
        let fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["code", "name"]);
        // One field at fault: no list, as before.
        let alone = all_fields2(
            Ok::<_, ApiError>(1),
            Err::<i32, _>(ApiError::invalid("name", ProblemCode::Required, "x")),
        );
        assert!(
            matches!(alone, Err(ApiError::Problem(ref p)) if p.errors.is_empty() && p.field.as_deref() == Some("name"))
        );
        // Deny twin: a refusal that is not a field's is answered alone.
        let refused = all_fields3(
            Err::<i32, _>(ApiError::invalid("code", ProblemCode::Required, "x")),
            Err::<i32, _>(ApiError::problem(403, ProblemCode::NotVisible, None, "no")),
            Ok::<_, ApiError>(3),
        );
        assert!(
            matches!(refused, Err(ApiError::Problem(ref p)) if p.status == 403 && p.errors.is_empty())
        );
        assert!(matches!(
            all_fields2(Ok::<_, ApiError>(1), Ok::<_, ApiError>(2)),
            Ok((1, 2))
        ));
    }
}
