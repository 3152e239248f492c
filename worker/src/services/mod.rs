//! Services: each asks the policy (`precinct_core::policy`) whether the actor may act, then calls
//! the store with the scope the policy gave. No service decides a permission on its own.

pub mod areas;
pub mod companies;
pub mod credentials;
pub mod directories;
pub mod explain;
pub mod export;
pub mod groups;
pub mod history;
pub mod import;
pub mod mail;
pub mod reports;
pub mod review;
pub mod second_factor;
pub mod session_choices;
pub mod users;
pub mod what_if;

use precinct_core::api::FieldChange;
use precinct_core::history_text::HistoryEvent;
use precinct_core::policy::Actor;
use precinct_core::problem::ProblemCode;
use worker::D1PreparedStatement;

use crate::error::{ApiError, ApiResult};
use crate::principal::Principal;
use crate::store::{self, AccountDb, CascadeEntry, HistoryEntry};

/// What every service call knows: the actor's account in the database, the request's time, and
/// who acts.
pub struct Ctx<'a> {
    pub db: &'a AccountDb<'a>,
    pub now: i64,
    pub who: &'a Principal,
}

impl Ctx<'_> {
    pub fn actor(&self) -> &Actor {
        &self.who.actor
    }

    /// A history entry for this request's actor, for the same batch as the change (R30).
    pub fn history(
        &self,
        event: HistoryEvent,
        entity_id: Option<i64>,
        area_id: Option<i64>,
        // What the entry is about (for the console's French sentence), and its English sentence.
        (subject, summary): (Option<&str>, &str),
        changes: &[FieldChange],
    ) -> ApiResult<D1PreparedStatement> {
        let (real_id, real_code, on_behalf) = self.who.history_actor();
        store::insert_history(
            self.db,
            &HistoryEntry {
                at: self.now,
                actor: Some((real_id, real_code)),
                on_behalf_of: on_behalf,
                event,
                entity_id,
                area_id,
                subject,
                summary,
                changes,
            },
        )
    }
}

impl Ctx<'_> {
    /// Who and when for a cascade's entries, one per changed row (R30).
    pub fn cascade(&self, event: HistoryEvent) -> CascadeEntry<'_> {
        let (real_id, real_code, on_behalf) = self.who.history_actor();
        CascadeEntry {
            at: self.now,
            actor: Some((real_id, real_code)),
            on_behalf_of: on_behalf,
            event,
        }
    }
}

pub fn change(field: &str, before: Option<String>, after: Option<String>) -> FieldChange {
    FieldChange {
        field: field.to_string(),
        before,
        after,
    }
}

/// Records `field` in `changes` when its value differs.
pub fn diff(
    changes: &mut Vec<FieldChange>,
    field: &str,
    before: Option<String>,
    after: Option<String>,
) {
    if before != after {
        changes.push(change(field, before, after));
    }
}

/// Records a text field in `changes` when its value differs (the common case of [`diff`]).
pub fn diff_text(changes: &mut Vec<FieldChange>, field: &str, before: &str, after: &str) {
    if before != after {
        changes.push(change(
            field,
            Some(before.to_string()),
            Some(after.to_string()),
        ));
    }
}

const MAX_CODE_LEN: usize = 32;

/// A field as a person reads it in a message: `sender_name` → "Sender name" (the form's label
/// says the same; an identifier never reaches a person).
fn label(field: &str) -> String {
    let words = field.replace('_', " ");
    let mut letters = words.chars();
    letters
        .next()
        .map(|first| first.to_uppercase().chain(letters).collect())
        .unwrap_or_default()
}

/// A record code: 1–32 letters, digits, `_`, `-` or `.`, unique in the account.
pub fn valid_code(field: &str, value: &str) -> ApiResult<String> {
    let code = value.trim();
    if code.is_empty() {
        return Err(ApiError::invalid(
            field,
            ProblemCode::Required,
            format!("{} is required.", label(field)),
        ));
    }
    if code.chars().count() > MAX_CODE_LEN {
        return Err(ApiError::invalid(
            field,
            ProblemCode::TooLong,
            format!("{} has at most {MAX_CODE_LEN} characters.", label(field)),
        ));
    }
    if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(ApiError::invalid(
            field,
            ProblemCode::InvalidCode,
            format!(
                "{} may contain only letters, digits, '_', '-' and '.'.",
                label(field)
            ),
        ));
    }
    Ok(code.to_string())
}

/// Free text with a length limit; `required` refuses an empty one.
pub fn valid_text(field: &str, value: &str, max: usize, required: bool) -> ApiResult<String> {
    let text = value.trim();
    if required && text.is_empty() {
        return Err(ApiError::invalid(
            field,
            ProblemCode::Required,
            format!("{} is required.", label(field)),
        ));
    }
    if text.chars().count() > max {
        return Err(ApiError::invalid(
            field,
            ProblemCode::TooLong,
            format!("{} has at most {max} characters.", label(field)),
        ));
    }
    if let Some(why) = precinct_core::validate::text_problem(text) {
        return Err(ApiError::invalid(
            field,
            ProblemCode::InvalidText,
            format!("{} {why}.", label(field)),
        ));
    }
    Ok(text.to_string())
}

/// Reads the required `version` of an edit body.
pub fn required_version(version: Option<i64>) -> ApiResult<i64> {
    version.ok_or_else(|| {
        ApiError::invalid(
            "version",
            ProblemCode::MissingField,
            "`version` is required when editing.",
        )
    })
}

pub fn opt_string<T: ToString>(value: Option<T>) -> Option<String> {
    value.map(|value| value.to_string())
}
