//! The two ways into the database. Every store function takes one of them, never D1 itself:
//!
//! - [`AccountDb`]: one account's data, as a signed-in principal reaches it. It is made only
//!   from a [`Principal`] (a live session's), so the account id travels with the handle and no
//!   store function can forget it; reads take the policy's scope types on top.
//! - [`SystemDb`]: the whole database, past every account's boundary, for what happens before
//!   anyone is signed in (sign-in, password links, sessions, the throttle) and for scheduled
//!   housekeeping. `grep -rn "SystemDb::unscoped\|\.account_found(" worker/src` lists every
//!   use; each says why at its call.

use worker::D1Database;

use super::list::PlanSink;
use crate::principal::Principal;

pub(super) mod sealed {
    /// The raw database behind a handle. Its path is private to the store, so code holding a
    /// handle outside it (a service) cannot take D1 out and run SQL of its own.
    pub trait Connection {
        fn d1(&self) -> &worker::D1Database;
    }
}

/// What a store function needs of a handle to run its statements.
pub trait Database: sealed::Connection {
    /// Where the test mode's query-plan endpoint collects the plans of the lists it runs.
    fn plans(&self) -> Option<&PlanSink> {
        None
    }
}

/// One account's data, for the principal of a live session.
#[derive(Clone)]
pub struct AccountDb<'a> {
    d1: &'a D1Database,
    account: i64,
    plans: Option<PlanSink>,
}

impl<'a> AccountDb<'a> {
    /// The signed-in principal's account.
    pub fn of(d1: &'a D1Database, principal: &Principal) -> Self {
        AccountDb {
            d1,
            account: principal.account(),
            plans: None,
        }
    }

    /// The account every statement through this handle is bound to.
    pub fn account(&self) -> i64 {
        self.account
    }

    /// The same handle, recording the plan of every list query it runs (test mode only).
    pub fn explaining(self, sink: PlanSink) -> Self {
        AccountDb {
            plans: Some(sink),
            ..self
        }
    }
}

impl sealed::Connection for AccountDb<'_> {
    fn d1(&self) -> &D1Database {
        self.d1
    }
}

impl Database for AccountDb<'_> {
    fn plans(&self) -> Option<&PlanSink> {
        self.plans.as_ref()
    }
}

/// The database without an account's boundary. Only sign-in, password links, sessions, the
/// throttle and housekeeping take it.
#[derive(Clone, Copy)]
pub struct SystemDb<'a> {
    d1: &'a D1Database,
}

impl<'a> SystemDb<'a> {
    /// Unscoped access: every call names why, next to it.
    pub fn unscoped(d1: &'a D1Database) -> Self {
        SystemDb { d1 }
    }

    /// The account of a user a system read found (the holder of a password link, a person
    /// signing in), to write in it as that person before any session exists.
    pub fn account_found(&self, account: i64) -> AccountDb<'a> {
        AccountDb {
            d1: self.d1,
            account,
            plans: None,
        }
    }
}

impl sealed::Connection for SystemDb<'_> {
    fn d1(&self) -> &D1Database {
        self.d1
    }
}

impl Database for SystemDb<'_> {}
