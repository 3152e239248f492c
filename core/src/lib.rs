//! Precinct's shared crate: the API types spoken between the console and the worker, and the
//! security policy that decides who may see and do what. It has no I/O and no clock of its own,
//! so the worker, the app and the tests all ask the same code.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod api;
pub mod bulk;
pub mod decode;
pub mod device;
pub mod encode;
pub mod history_text;
pub mod ids;
pub mod policy;
pub mod problem;
pub mod time;
pub mod validate;
