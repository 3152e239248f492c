//! A small builder for statements whose shape depends on the request (filters, scopes, cursors):
//! text and bound values grow together, so a value can never drift from its placeholder.

use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use super::{int, text};
use crate::error::{ApiError, ApiResult};

#[derive(Default, Clone)]
pub struct Sql {
    text: String,
    binds: Vec<JsValue>,
}

impl Sql {
    pub fn new(start: &str) -> Self {
        Sql {
            text: start.to_string(),
            binds: Vec::new(),
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
        self
    }

    pub fn prepare(&self, db: &D1Database) -> ApiResult<D1PreparedStatement> {
        db.prepare(&self.text)
            .bind(&self.binds)
            .map_err(ApiError::from)
    }
}
