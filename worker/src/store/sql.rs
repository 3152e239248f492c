//! A small builder for statements whose shape depends on the request (filters, scopes, cursors):
//! text and bound values grow together, so a value can never drift from its placeholder.

use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use super::db::Database;

use super::{int, text};
use crate::error::{ApiError, ApiResult};

#[derive(Default, Clone)]
pub struct Sql {
    text: String,
    binds: Vec<JsValue>,
    /// Set by fragments that OR two indexed conditions: walking one index in list order would
    /// then read the whole account, so the list sorts the (few) matches instead.
    sort_matches: bool,
}

impl Sql {
    pub fn new(start: &str) -> Self {
        Sql {
            text: start.to_string(),
            binds: Vec::new(),
            sort_matches: false,
        }
    }

    /// Appends SQL text (never a value from the request).
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.text.push_str(sql);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: JsValue) -> &mut Self {
        self.text.push('?');
        self.binds.push(value);
        self
    }

    pub fn bind_int(&mut self, value: i64) -> &mut Self {
        self.bind(int(value))
    }

    pub fn bind_text(&mut self, value: &str) -> &mut Self {
        self.bind(text(value))
    }

    /// Appends another fragment with its values.
    pub fn append(&mut self, other: Sql) -> &mut Self {
        self.text.push_str(&other.text);
        self.binds.extend(other.binds);
        self.sort_matches |= other.sort_matches;
        self
    }

    /// Marks the fragment as an OR of indexed conditions (see `sort_matches`).
    pub fn prefer_sorting_matches(&mut self) -> &mut Self {
        self.sort_matches = true;
        self
    }

    pub fn sorts_matches(&self) -> bool {
        self.sort_matches
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn prepare(&self, db: &impl Database) -> ApiResult<D1PreparedStatement> {
        db.d1()
            .prepare(&self.text)
            .bind(&self.binds)
            .map_err(ApiError::from)
    }
}
