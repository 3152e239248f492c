//! Reading JSON request bodies: size limit, syntax, types and unknown fields all become 4xx
//! problems that name the field, never a 500.

use precinct_core::problem::ProblemCode;
use std::collections::BTreeSet;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::error::{ApiError, ApiResult};

/// Largest accepted request body. Security records are small; anything bigger is a mistake or abuse.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Parses `bytes` as `T`, classifying every failure as the client's.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    parse_json_within(bytes, MAX_BODY_BYTES)
}

/// Largest import body (B04): a file of 20,000 lines, as JSON text.
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;

/// [`parse_json`] with another size limit (an import's file).
pub fn parse_json_within<T: DeserializeOwned>(bytes: &[u8], limit: usize) -> ApiResult<T> {
    if bytes.len() > limit {
        return Err(ApiError::too_large(limit));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            ProblemCode::EmptyBody,
            "The request needs a JSON body.",
        ));
    }
    // First the shape every body must have, whatever the request: valid JSON, an object (serde
    // would read a positional array as a struct's fields), no key given twice (serde would keep
    // the last one silently). Then the request's own type.
    check_shape(bytes)?;
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    let value = match parsed {
        Ok(value) => value,
        Err(error) => return Err(classify(error, true)),
    };
    deserializer.end().map_err(|_| {
        ApiError::bad_request(
            ProblemCode::InvalidJson,
            "The request body has text after the JSON value.",
        )
    })?;
    Ok(value)
}

/// Walks the body once: JSON syntax, an object at the top, and every object's keys unique.
fn check_shape(bytes: &[u8]) -> ApiResult<()> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let top = match Shape::Top
        .deserialize(&mut deserializer)
        .and_then(|top| deserializer.end().map(|()| top))
    {
        Ok(top) => top,
        Err(error) => {
            let text = error.to_string();
            if let Some(key) = text.strip_prefix(DUPLICATE) {
                let key = key
                    .split(" at line ")
                    .next()
                    .unwrap_or_default()
                    .to_string();
                return Err(ApiError::invalid(
                    &key,
                    ProblemCode::DuplicateField,
                    format!("`{key}` is given twice; give each field once."),
                ));
            }
            return Err(ApiError::bad_request(
                ProblemCode::InvalidJson,
                format!(
                    "The request body is not valid JSON (line {}, column {}).",
                    error.line(),
                    error.column()
                ),
            ));
        }
    };
    if !top {
        return Err(ApiError::invalid(
            "body",
            ProblemCode::InvalidType,
            "The request body must be a JSON object, such as {\"code\": \"NORTH\"}.",
        ));
    }
    Ok(())
}

const DUPLICATE: &str = "duplicate key ";

/// A JSON value seen only for its shape. `Top` answers whether the value is an object; `Nested`
/// carries the path of the object it is in, so a duplicated key is named in full.
enum Shape {
    Top,
    Nested(String),
}

impl<'de> DeserializeSeed<'de> for Shape {
    /// Whether the value was an object.
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Shape {
    fn path(&self) -> &str {
        match self {
            Shape::Top => "",
            Shape::Nested(path) => path,
        }
    }
}

impl<'de> Visitor<'de> for Shape {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let mut index = 0usize;
        while seq
            .next_element_seed(Shape::Nested(format!("{}[{index}]", self.path())))?
            .is_some()
        {
            index += 1;
        }
        Ok(false)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut seen = BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = if self.path().is_empty() {
                key.clone()
            } else {
                format!("{}.{key}", self.path())
            };
            if !seen.insert(key) {
                return Err(de::Error::custom(format!("{DUPLICATE}{path}")));
            }
            map.next_value_seed(Shape::Nested(path))?;
        }
        Ok(true)
    }
}

/// `shape_checked`: the body is known to be valid JSON, so a "syntax" error of the typed pass is
/// a value of the wrong type (serde_json reports an enum given a `true` that way).
fn classify(error: serde_path_to_error::Error<serde_json::Error>, shape_checked: bool) -> ApiError {
    let path = error.path().to_string();
    let inner = error.inner();
    if (inner.is_syntax() || inner.is_eof()) && !shape_checked {
        return ApiError::bad_request(
            ProblemCode::InvalidJson,
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
        return ApiError::invalid(
            &field,
            ProblemCode::MissingField,
            format!("`{field}` is required."),
        );
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
            ProblemCode::UnknownField,
            format!("`{field}` is not a field of this request."),
        );
    }
    let field = if path == "." || path.is_empty() {
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
        ProblemCode::InvalidType,
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
    fn a_positional_array_is_not_a_body() {
        let problem = problem_of(r#"["a@b.co","x"]"#);
        assert_eq!(
            (
                problem.status,
                problem.code.as_str(),
                problem.field.as_deref()
            ),
            (422, "invalid_type", Some("body"))
        );
        assert_eq!(problem_of("null").field.as_deref(), Some("body"));
        assert_eq!(problem_of("\"text\"").field.as_deref(), Some("body"));
    }

    #[test]
    fn a_key_given_twice_is_422_naming_it() {
        let problem = problem_of(r#"{"user_code":"a@b.co","password":"x","password":"y"}"#);
        assert_eq!(
            (
                problem.status,
                problem.code.as_str(),
                problem.field.as_deref()
            ),
            (422, "duplicate_field", Some("password"))
        );
    }

    #[test]
    fn a_wrong_type_in_an_enumerated_field_is_422_on_that_field() {
        let problem =
            parse_json::<precinct_core::api::GroupInput>(br#"{"code":"G","access_level":true}"#)
                .unwrap_err()
                .to_problem();
        assert_eq!(
            (
                problem.status,
                problem.code.as_str(),
                problem.field.as_deref()
            ),
            (422, "invalid_type", Some("access_level"))
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
