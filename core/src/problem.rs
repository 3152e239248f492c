//! The one error shape every 4xx/5xx answer of the API carries, shared so the console can read it.

use serde::{Deserialize, Serialize};

/// A JSON problem body: `{"status":422,"code":"invalid_email","field":"user_code","message":"..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub status: u16,
    /// Machine-readable reason, stable across releases (`snake_case`).
    pub code: String,
    /// A sentence a person can read.
    pub message: String,
    /// The request field at fault, when exactly one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}
