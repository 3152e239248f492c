//! O03: accounts spread over several databases. Database 0 holds the directory: which database
//! holds each account (`account_homes`) and the user codes proven across the service
//! (`proven_codes`, R03, R24). Every database keeps a copy of the proven codes so that its own
//! triggers and lists can say "proven elsewhere" in the same transaction as a write; the copy
//! in the account's own database moves with its users (triggers of migration 0014), the others
//! are told here right after a proof or a release.

use serde::Deserialize;

use super::{int, statement, text, AccountDb, Reading, SignInCandidate, SystemDb};
use crate::error::{ApiError, ApiResult};

/// Where the directory says a proven user code lives: its account and that account's database.
#[derive(Debug, Deserialize)]
struct ProvenHolder {
    account_id: i64,
    home: i64,
}

async fn proven_holder(
    directory: &SystemDb<'_>,
    user_code_norm: &str,
) -> ApiResult<Option<ProvenHolder>> {
    statement(
        directory,
        "SELECT p.account_id, h.home FROM proven_codes p \
         JOIN account_homes h ON h.account_id = p.account_id WHERE p.user_code_norm = ?1",
        &[text(user_code_norm)],
    )?
    .first_in::<ProvenHolder>(directory)
    .await
}

/// Who a user code names across the service, and the database of their account: the proven
/// holder (found through the directory, one lookup), else — an address nobody proved yet —
/// the one holder found in all the databases (`with_password`: only one who can sign in);
/// several such holders name no one (R03, R24).
pub async fn address_holder(
    directory: &SystemDb<'_>,
    user_code_norm: &str,
    with_password: bool,
) -> ApiResult<Option<(SignInCandidate, usize)>> {
    let homes = directory.homes();
    if let Some(proven) = proven_holder(directory, user_code_norm).await? {
        let home = usize::try_from(proven.home).ok();
        // Unscoped: the directory named this database for the code; no one is signed in yet.
        if let Some(db) = home.and_then(|home| homes.unscoped(home)) {
            let holders = super::address_holders(&db, user_code_norm, with_password).await?;
            if let Some(holder) = holders
                .into_iter()
                .find(|holder| holder.address_proven == 1 && holder.account_id == proven.account_id)
            {
                return Ok(Some((holder, db.home())));
            }
        }
    }
    let mut found = Vec::new();
    for db in homes.each() {
        // Unscoped: an address not proven yet may be held in any database.
        for holder in super::address_holders(&db, user_code_norm, with_password).await? {
            found.push((holder, db.home()));
        }
    }
    if let Some(at) = found
        .iter()
        .position(|(holder, _)| holder.address_proven == 1)
    {
        return Ok(Some(found.swap_remove(at)));
    }
    let mut holders = found.into_iter();
    Ok(match (holders.next(), holders.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    })
}

/// The database the directory says `account` lives in.
pub async fn home_of_account(directory: &SystemDb<'_>, account: i64) -> ApiResult<Option<usize>> {
    #[derive(Deserialize)]
    struct Home {
        home: i64,
    }
    Ok(statement(
        directory,
        "SELECT home FROM account_homes WHERE account_id = ?1",
        &[int(account)],
    )?
    .first_in::<Home>(directory)
    .await?
    .and_then(|row| usize::try_from(row.home).ok()))
}

/// The reservation of a code about to be proven by a user of `account`, made in the directory
/// before the account's batch writes the proof.
pub enum Reservation {
    /// Made now: released if the account's batch fails.
    Made,
    /// The account held it already (a reset link of a proven user).
    Held,
}

/// Reserves `user_code_norm` for `account` in the directory, atomically with the check of who
/// holds it; a user of another account who proved it first keeps it (`AlreadyUsed`).
pub async fn reserve_code(
    directory: &SystemDb<'_>,
    user_code_norm: &str,
    account: i64,
) -> ApiResult<Reservation> {
    #[derive(Deserialize)]
    struct Holder {
        account_id: i64,
    }
    let results = super::batch(
        directory,
        vec![
            statement(
                directory,
                "INSERT INTO proven_codes (user_code_norm, account_id) VALUES (?1, ?2) \
                 ON CONFLICT (user_code_norm) DO NOTHING",
                &[text(user_code_norm), int(account)],
            )?,
            statement(
                directory,
                "SELECT account_id FROM proven_codes WHERE user_code_norm = ?1",
                &[text(user_code_norm)],
            )?,
        ],
    )
    .await?;
    let made = super::changed_rows(&results, 0) == 1;
    let holder = match results.get(1) {
        Some(result) => result.results::<Holder>()?.into_iter().next(),
        None => None,
    };
    match holder {
        Some(holder) if holder.account_id == account => Ok(if made {
            Reservation::Made
        } else {
            Reservation::Held
        }),
        _ => Err(ApiError::conflict(
            precinct_core::problem::ProblemCode::AlreadyUsed,
            "This user code is already used by another user.",
        )),
    }
}

/// The account's batch proved the address: every other database learns it (their copies), so
/// their own users cannot take it and their pending holders say it is taken. A copy that cannot
/// be written is logged; the directory, which decides, already holds the proof.
pub async fn tell_proof(db: &AccountDb<'_>, user_code_norm: &str) {
    // The directory too: a reservation another request of the same person released (its own
    // batch failed, e.g. the same link sent twice) comes back.
    for other in db.homes().each() {
        if other.home() == db.home() {
            continue;
        }
        let told = statement(
            &other,
            "INSERT OR IGNORE INTO proven_codes (user_code_norm, account_id) VALUES (?1, ?2)",
            &[text(user_code_norm), int(db.account())],
        );
        if let Err(error) = run(told).await {
            worker::console_error!(
                "proven code not copied to database {}: {error}",
                other.home()
            );
        }
    }
}

/// A code of `db`'s account is no longer proven there (its user has another code, or was
/// deleted, or a proof's batch failed): the directory and every copy forget it, unless a user of
/// the account still holds it proven in that database (the account's own). Failures are logged:
/// the caller's change is already stored.
pub async fn release_code(db: &AccountDb<'_>, user_code_norm: &str) {
    // The account's own database decides whether the code is still proven there (the others
    // hold no users of this account, so their own check below would always let go).
    #[derive(Deserialize)]
    struct Held {
        held: i64,
    }
    let held = statement(
        db,
        "SELECT EXISTS (SELECT 1 FROM users WHERE user_code_norm = ?1 AND account_id = ?2 \
         AND address_proven = 1) AS held",
        &[text(user_code_norm), int(db.account())],
    );
    let held = match held {
        Ok(query) => super::first_row::<Held>(db, query).await,
        Err(error) => Err(error),
    };
    match held {
        Ok(Some(Held { held: 0 })) => {}
        Ok(_) => return,
        Err(error) => {
            worker::console_error!("proven code not released: {error}");
            return;
        }
    }
    for other in db.homes().each() {
        let released = statement(
            &other,
            "DELETE FROM proven_codes WHERE user_code_norm = ?1 AND account_id = ?2 \
             AND NOT EXISTS (SELECT 1 FROM users WHERE user_code_norm = ?1 AND account_id = ?2 \
               AND address_proven = 1)",
            &[text(user_code_norm), int(db.account())],
        );
        if let Err(error) = run(released).await {
            worker::console_error!(
                "proven code not released in database {}: {error}",
                other.home()
            );
        }
    }
}

async fn run(statement: ApiResult<worker::D1PreparedStatement>) -> ApiResult<()> {
    statement?.run().await?;
    Ok(())
}

/// Whether every database answers a trivial query (`/api/health`).
pub async fn all_answer(directory: &SystemDb<'_>) -> bool {
    for db in directory.homes().each() {
        if !super::database_answers(&db).await {
            return false;
        }
    }
    true
}

/// Scheduled housekeeping in every database; the removed rows are summed per table.
pub async fn housekeeping_everywhere(
    directory: &SystemDb<'_>,
    now: i64,
) -> ApiResult<Vec<(&'static str, usize)>> {
    let mut total: Vec<(&'static str, usize)> = Vec::new();
    for db in directory.homes().each() {
        for (table, removed) in super::housekeeping(&db, now).await? {
            match total.iter_mut().find(|(seen, _)| *seen == table) {
                Some((_, sum)) => *sum += removed,
                None => total.push((table, removed)),
            }
        }
    }
    Ok(total)
}
