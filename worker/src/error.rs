//! The worker's one error type. The HTTP layer turns it into a JSON problem body; `Internal`
//! details go to the log only, never to the client.

use precinct_core::problem::{Problem, ProblemCode};

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
        code: ProblemCode,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        ApiError::Problem(Problem {
            status,
            code: code.as_str().to_string(),
            message: message.into(),
            field: field.map(str::to_string),
        })
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
            ApiError::Internal(_) => Problem {
                status: 500,
                code: ProblemCode::InternalError.as_str().to_string(),
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
        let problem = ApiError::invalid("user_code", ProblemCode::InvalidEmail, "bad").to_problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.field.as_deref(), Some("user_code"));
    }
}
