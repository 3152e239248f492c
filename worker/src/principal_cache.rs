//! The optimistic principal's memory (issue 17): the last session row each token's requests
//! found, kept in this isolate for a few seconds. It only saves the session check its own round
//! trip: a request started from a remembered row sends the check with its first read
//! (`store::Confirmation`) and is redone when the row changed, so no answer ever rests on it.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::store::SessionRow;

/// How long a row is worth a guess. Short: a changed session costs its next request a redo.
pub const REMEMBERED_MS: i64 = 5_000;

/// At most this many sessions per isolate; past it the memory starts again (a guess is cheap
/// to lose, and a bounded map cannot grow with an attacker's tokens).
const MOST_SESSIONS: usize = 1_000;

struct Remembered {
    at: i64,
    row: SessionRow,
}

thread_local! {
    // Workers run one thread per isolate.
    static SESSIONS: RefCell<HashMap<String, Remembered>> = RefCell::new(HashMap::new());
}

/// The row a request of this token found less than [`REMEMBERED_MS`] ago.
pub fn recall(token_hash: &str, now: i64) -> Option<SessionRow> {
    SESSIONS.with(|sessions| {
        let mut sessions = sessions.borrow_mut();
        match sessions.get(token_hash) {
            Some(remembered) if now >= remembered.at && now - remembered.at < REMEMBERED_MS => {
                Some(remembered.row.clone())
            }
            Some(_) => {
                sessions.remove(token_hash);
                None
            }
            None => None,
        }
    })
}

/// Remembers the row a session check just found.
pub fn remember(row: &SessionRow, now: i64) {
    SESSIONS.with(|sessions| {
        let mut sessions = sessions.borrow_mut();
        if sessions.len() >= MOST_SESSIONS && !sessions.contains_key(&row.token_hash) {
            sessions.retain(|_, remembered| now - remembered.at < REMEMBERED_MS);
            if sessions.len() >= MOST_SESSIONS {
                sessions.clear();
            }
        }
        sessions.insert(
            row.token_hash.clone(),
            Remembered {
                at: now,
                row: row.clone(),
            },
        );
    });
}

/// Forgets a token's row (its session changed, ended or signed out).
pub fn forget(token_hash: &str) {
    SESSIONS.with(|sessions| {
        sessions.borrow_mut().remove(token_hash);
    });
}
