//! Request and response bodies of the HTTP API, shared by the worker and the console.

use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, UserId};
use crate::policy::AccessLevel;

/// `GET /api/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Health {
    pub version: String,
    /// Whether D1 answered a trivial query.
    pub database: bool,
}

/// `POST /api/session`: sign in with a user code (email) and password (R03).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub user_code: String,
    pub password: String,
}

/// `GET /api/session`: who is signed in, and on whose behalf (R05).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: UserId,
    pub account_id: AccountId,
    pub account_name: String,
    pub user_code: String,
    pub name: String,
    pub access_level: AccessLevel,
    /// The user who really signed in, when acting as another user (R05).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_user_code: Option<String>,
}

/// One entry of **My Applications** (R03).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub code: String,
    pub name: String,
    pub description: String,
    /// Where the console opens it; opening it does not ask for the password again.
    pub path: String,
}

/// `GET /api/applications`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applications {
    pub applications: Vec<Application>,
}
