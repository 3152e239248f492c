//! Reading JSON request bodies: size limit, syntax, types and unknown fields all become 4xx
//! problems that name the field, never a 500.

use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiResult};

/// Largest accepted request body. Security records are small; anything bigger is a mistake or abuse.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Parses `bytes` as `T`, classifying every failure as the client's.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::too_large(MAX_BODY_BYTES));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "empty_body",
            "The request needs a JSON body.",
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    let value = match parsed {
        Ok(value) => value,
        Err(error) => return Err(classify(error)),
    };
    deserializer.end().map_err(|_| {
        ApiError::bad_request(
            "invalid_json",
            "The request body has text after the JSON value.",
        )
    })?;
    Ok(value)
}

fn classify(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = error.path().to_string();
    let inner = error.inner();
    if inner.is_syntax() || inner.is_eof() {
        return ApiError::bad_request(
            "invalid_json",
            format!(
                "The request body is not valid JSON (line {}, column {}).",
                inner.line(),
                inner.column()
            ),
        );
    }
    let text = inner.to_string();
    // serde reports missing and unknown fields on the enclosing object; name the field itself.
    if let Some(field) = quoted_after(&text, "missing field `") {
        let field = join_path(&path, field);
        return ApiError::invalid(&field, "missing_field", format!("`{field}` is required."));
    }
    if let Some(field) = quoted_after(&text, "unknown field `") {
        // The path already ends at the unknown field itself.
        let field = if path.ends_with(field) {
            path.clone()
        } else {
            join_path(&path, field)
        };
        return ApiError::invalid(
            &field,
            "unknown_field",
            format!("`{field}` is not a field of this request."),
        );
    }
    let field = if path == "." {
        "body".to_string()
    } else {
        path
    };
    let reason = text
        .split(" at line ")
        .next()
        .unwrap_or_default()
        .to_string();
    ApiError::invalid(
        &field,
        "invalid_type",
        format!("`{field}` has the wrong type: {reason}."),
    )
}

fn quoted_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let start = text.find(marker)? + marker.len();
    let rest = text.get(start..)?;
    let end = rest.find('`')?;
    rest.get(..end)
}

fn join_path(path: &str, field: &str) -> String {
    if path == "." || path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use precinct_core::api::SignIn;

    fn problem_of(body: &str) -> precinct_core::problem::Problem {
        parse_json::<SignIn>(body.as_bytes())
            .unwrap_err()
            .to_problem()
    }

    #[test]
    fn accepts_a_complete_body() {
        let sign_in: SignIn = parse_json(br#"{"user_code":"a@b.co","password":"x"}"#).unwrap();
        assert_eq!(sign_in.user_code, "a@b.co");
    }

    #[test]
    fn broken_json_is_400() {
        assert_eq!(problem_of("{\"user_code\":").status, 400);
        assert_eq!(problem_of("").status, 400);
    }

    #[test]
    fn missing_field_is_422_naming_it() {
        let problem = problem_of(r#"{"user_code":"a@b.co"}"#);
        assert_eq!(
            (problem.status, problem.field.as_deref()),
            (422, Some("password"))
        );
    }

    #[test]
    fn unknown_field_is_422_naming_it() {
        let problem = problem_of(r#"{"user_code":"a@b.co","password":"x","admin":true}"#);
        assert_eq!(
            (problem.status, problem.field.as_deref()),
            (422, Some("admin"))
        );
    }

    #[test]
    fn wrong_type_is_422_naming_it() {
        let problem = problem_of(r#"{"user_code":42,"password":"x"}"#);
        assert_eq!(
            (problem.status, problem.field.as_deref()),
            (422, Some("user_code"))
        );
    }

    #[test]
    fn oversize_body_is_413() {
        let big = format!(
            r#"{{"user_code":"{}","password":"x"}}"#,
            "a".repeat(MAX_BODY_BYTES)
        );
        assert_eq!(problem_of(&big).status, 413);
    }
}
