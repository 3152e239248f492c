//! The two ways into the database. Every store function takes one of them, never D1 itself:
//!
//! - [`AccountDb`]: one account's data, as a signed-in principal reaches it. It is made only
//!   from a [`Principal`] (a live session's), so the account id travels with the handle and no
//!   store function can forget it; reads take the policy's scope types on top.
//! - [`SystemDb`]: the whole database, past every account's boundary, for what happens before
//!   anyone is signed in (sign-in, password links, sessions, the throttle) and for scheduled
//!   housekeeping. `grep -rn "SystemDb::unscoped\|\.account_found(" worker/src` lists every
//!   use; each says why at its call.

use std::cell::RefCell;
use std::rc::Rc;

use worker::{D1Database, D1DatabaseSession, D1PreparedStatement, D1Result};

use super::list::PlanSink;
use super::SessionRow;
use crate::principal::Principal;

pub(super) mod sealed {
    /// The raw database behind a handle. Its path is private to the store, so code holding a
    /// handle outside it (a service) cannot take D1 out and run SQL of its own.
    pub trait Connection {
        fn d1(&self) -> super::Link<'_>;
    }
}

/// Where a handle's statements go (O02): the database itself (its primary), or a D1 session,
/// whose reads may be served by a replica no older than the session's bookmark (a person's
/// own last write) and whose writes go to the primary.
#[derive(Clone, Copy)]
pub enum Link<'a> {
    Primary(&'a D1Database),
    Session(&'a D1DatabaseSession),
}

impl Link<'_> {
    pub fn prepare(&self, sql: &str) -> D1PreparedStatement {
        match self {
            Link::Primary(d1) => d1.prepare(sql),
            Link::Session(session) => session.prepare(sql),
        }
    }

    pub async fn batch(
        &self,
        statements: Vec<D1PreparedStatement>,
    ) -> worker::Result<Vec<D1Result>> {
        match self {
            Link::Primary(d1) => d1.batch(statements).await,
            Link::Session(session) => session.batch(statements).await,
        }
    }
}

impl<'a> From<&'a D1Database> for Link<'a> {
    fn from(d1: &'a D1Database) -> Self {
        Link::Primary(d1)
    }
}

impl<'a> From<&'a D1DatabaseSession> for Link<'a> {
    fn from(session: &'a D1DatabaseSession) -> Self {
        Link::Session(session)
    }
}

/// What a store function needs of a handle to run its statements.
pub trait Database: sealed::Connection {
    /// Where the test mode's query-plan endpoint collects the plans of the lists it runs.
    fn plans(&self) -> Option<&PlanSink> {
        None
    }

    /// The session check still owed by the request's optimistic principal, if any: it rides
    /// in the batch of the handle's next read (`store::read`).
    fn confirmation(&self) -> Option<&Confirmation> {
        None
    }

    /// A statement every write batch through this handle ends with (`store::commit`,
    /// `store::batch`): an account's writes are refused while the operator moves it (O03).
    fn write_guard(&self) -> Option<worker::Result<D1PreparedStatement>> {
        None
    }

    /// B02's dry run: the request's writes are rehearsed, never sent (`store::commit` stops
    /// with `ApiError::Rehearsed` once every check before it has passed).
    fn rehearsing(&self) -> bool {
        false
    }
}

/// Issue 17's optimistic principal: a request started from the session row an earlier request
/// of the same token read (`crate::principal_cache`), without a round trip of its own. Its
/// session check is sent with the request's first read, in the same batch (one transaction);
/// the request's answer stands only when the check found that same row. Otherwise the answer
/// is thrown away (`ApiError::SessionChanged`) and the request redone with the fresh row.
pub struct Confirmation {
    expected: SessionRow,
    state: RefCell<Checking>,
}

enum Checking {
    /// Not sent yet: it goes with the next read.
    Owed(D1PreparedStatement),
    /// Sent with a read still under way.
    Sent,
    /// What the database said: the live session's row, if it is still live.
    Found(Option<Box<SessionRow>>),
}

/// What a confirmation found.
pub enum Confirmed {
    /// The session is as remembered: the answer computed from it stands.
    Same(Box<SessionRow>),
    /// The session ended or its principal changed (disabled, moved, no longer acting as
    /// another...): the answer is thrown away.
    Changed,
}

impl Confirmation {
    /// `check` is the session statement (`store::live_session_statement`) for `expected`'s token.
    pub fn new(check: D1PreparedStatement, expected: SessionRow) -> Rc<Confirmation> {
        Rc::new(Confirmation {
            expected,
            state: RefCell::new(Checking::Owed(check)),
        })
    }

    /// The check, the first time it is asked for.
    pub(super) fn take_check(&self) -> Option<D1PreparedStatement> {
        let mut state = self.state.borrow_mut();
        match std::mem::replace(&mut *state, Checking::Sent) {
            Checking::Owed(check) => Some(check),
            other => {
                *state = other;
                None
            }
        }
    }

    /// Records the database's answer to the check; false when it is not the session remembered.
    pub(super) fn found(&self, fresh: Option<SessionRow>) -> bool {
        let same = fresh
            .as_ref()
            .is_some_and(|row| same_session(row, &self.expected));
        *self.state.borrow_mut() = Checking::Found(fresh.map(Box::new));
        same
    }

    /// The check's outcome, sending it on its own when no read took it (an answer made without
    /// reading, or a refusal before any read).
    pub async fn settle(&self, db: &impl Database) -> worker::Result<Confirmed> {
        if let Some(check) = self.take_check() {
            let fresh = db.d1().batch(vec![check]).await?;
            let fresh = match fresh.first() {
                Some(result) => super::session_of(result)
                    .map_err(|error| worker::Error::RustError(format!("session check: {error}")))?,
                None => None,
            };
            self.found(fresh);
        }
        let state = self.state.borrow();
        Ok(match &*state {
            Checking::Found(Some(row)) if same_session(row, &self.expected) => {
                Confirmed::Same(row.clone())
            }
            _ => Confirmed::Changed,
        })
    }
}

/// The same session and principal: everything but the last-seen time, which requests move.
fn same_session(fresh: &SessionRow, remembered: &SessionRow) -> bool {
    fresh.last_seen_at >= remembered.last_seen_at
        && SessionRow {
            last_seen_at: remembered.last_seen_at,
            ..fresh.clone()
        } == *remembered
}

/// The databases accounts are spread over (O03): bindings `DB_0` … `DB_n`, found at start.
/// Database 0 also holds the directory (which database holds each account; the proven user
/// codes, R03), so a one-database service is database 0 alone.
pub struct Homes {
    /// Database 0, which also holds the directory.
    directory: D1Database,
    /// Databases 1 … n.
    others: Vec<D1Database>,
}

impl Homes {
    /// Every `DB_<n>` binding from 0 up to the first one missing.
    pub fn of(env: &worker::Env) -> worker::Result<Homes> {
        let directory = env.d1("DB_0")?;
        let mut others = Vec::new();
        while others.len() + 1 < crate::auth::MAX_HOMES {
            match env.d1(&format!("DB_{}", others.len() + 1)) {
                Ok(database) => others.push(database),
                Err(_) => break,
            }
        }
        Ok(Homes { directory, others })
    }

    /// The database numbered `home`, if there is one.
    pub fn database(&self, home: usize) -> Option<&D1Database> {
        match home.checked_sub(1) {
            None => Some(&self.directory),
            Some(other) => self.others.get(other),
        }
    }

    /// How many databases there are.
    pub fn count(&self) -> usize {
        self.others.len() + 1
    }

    /// Database `home`'s primary, unscoped: every call names why, next to it.
    pub fn unscoped(&self, home: usize) -> Option<SystemDb<'_>> {
        Some(SystemDb {
            d1: Link::Primary(self.database(home)?),
            homes: self,
            home,
        })
    }

    /// The directory (database 0's primary): which database holds each account, and the user
    /// codes proven across the service.
    pub fn directory(&self) -> SystemDb<'_> {
        SystemDb {
            d1: Link::Primary(&self.directory),
            homes: self,
            home: 0,
        }
    }

    /// Every database, with its number (housekeeping, health, a code proven or released).
    pub fn each(&self) -> impl Iterator<Item = SystemDb<'_>> {
        std::iter::once(&self.directory)
            .chain(self.others.iter())
            .enumerate()
            .map(|(home, database)| SystemDb {
                d1: Link::Primary(database),
                homes: self,
                home,
            })
    }
}

/// One account's data, for the principal of a live session.
#[derive(Clone)]
pub struct AccountDb<'a> {
    d1: Link<'a>,
    homes: &'a Homes,
    /// The number of the database `d1` is (O03): tokens given for this account carry it.
    home: usize,
    account: i64,
    plans: Option<PlanSink>,
    confirmation: Option<Rc<Confirmation>>,
    rehearsal: std::cell::Cell<bool>,
}

impl<'a> AccountDb<'a> {
    /// From now on this request's writes are only rehearsed (B02: a what-if runs the change's
    /// own checks and writes nothing).
    pub fn rehearse(&self) {
        self.rehearsal.set(true);
    }

    /// The signed-in principal's account, in the database its session was found in.
    pub fn of(system: &SystemDb<'a>, principal: &Principal) -> Self {
        AccountDb {
            d1: system.d1,
            homes: system.homes,
            home: system.home,
            account: principal.account(),
            plans: None,
            confirmation: None,
            rehearsal: std::cell::Cell::new(false),
        }
    }

    /// The same handle for an optimistic principal: its next read carries the session check.
    pub fn confirming(self, confirmation: Rc<Confirmation>) -> Self {
        AccountDb {
            confirmation: Some(confirmation),
            ..self
        }
    }

    /// The account every statement through this handle is bound to.
    pub fn account(&self) -> i64 {
        self.account
    }

    /// The number of the account's database (O03).
    pub fn home(&self) -> usize {
        self.home
    }

    /// Every database: a user code proven or released here is told to the others (O03).
    pub fn homes(&self) -> &'a Homes {
        self.homes
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
    fn d1(&self) -> Link<'_> {
        self.d1
    }
}

impl Database for AccountDb<'_> {
    fn plans(&self) -> Option<&PlanSink> {
        self.plans.as_ref()
    }

    fn confirmation(&self) -> Option<&Confirmation> {
        self.confirmation.as_deref()
    }

    fn rehearsing(&self) -> bool {
        self.rehearsal.get()
    }

    fn write_guard(&self) -> Option<worker::Result<D1PreparedStatement>> {
        Some(
            self.d1
                .prepare(
                    "INSERT INTO batch_guard (account_moving) SELECT 1 FROM account_homes \
                     WHERE account_id = ?1 AND moving = 1",
                )
                .bind(&[super::int(self.account)]),
        )
    }
}

/// The database without an account's boundary. Only sign-in, password links, sessions, the
/// throttle and housekeeping take it.
#[derive(Clone, Copy)]
pub struct SystemDb<'a> {
    d1: Link<'a>,
    homes: &'a Homes,
    home: usize,
}

impl<'a> SystemDb<'a> {
    /// Unscoped access to database `home` through `d1` (the request's D1 session): every call
    /// names why, next to it.
    pub fn unscoped(d1: impl Into<Link<'a>>, homes: &'a Homes, home: usize) -> Self {
        SystemDb {
            d1: d1.into(),
            homes,
            home,
        }
    }

    /// The account of a user a system read found (the holder of a password link, a person
    /// signing in), to write in it as that person before any session exists.
    pub fn account_found(&self, account: i64) -> AccountDb<'a> {
        AccountDb {
            d1: self.d1,
            homes: self.homes,
            home: self.home,
            account,
            plans: None,
            confirmation: None,
            rehearsal: std::cell::Cell::new(false),
        }
    }

    /// The number of this database (O03).
    pub fn home(&self) -> usize {
        self.home
    }

    /// Every database.
    pub fn homes(&self) -> &'a Homes {
        self.homes
    }
}

impl sealed::Connection for SystemDb<'_> {
    fn d1(&self) -> Link<'_> {
        self.d1
    }
}

impl Database for SystemDb<'_> {}
