//! Mail: encrypted secrets, the providers' HTTP requests, the messages, and sending.

pub mod crypto;
pub mod provider;
#[cfg(target_arch = "wasm32")]
pub mod send;
pub mod templates;
