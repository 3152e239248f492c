//! B04 export: users, user groups or companies the reader may see, as CSV (UTF-8 with a
//! byte-order mark, `,` or `;`), streamed a page at a time: the answer starts before the last
//! page is read, and no more than one page is ever held (100,000 users never are).

use precinct_core::policy::{company_scope, group_scope, person_scope, user_scope};
use precinct_core::problem::ProblemCode;
use worker::{Env, Response};

use super::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::store::export::{self, Exported};
use crate::store::{Homes, SystemDb};

/// What `{id}` of `/api/exports/{id}` names, through the reader's scopes.
pub fn exported(ctx: &Ctx<'_>, kind: &str) -> ApiResult<Exported> {
    let actor = ctx.actor();
    match kind {
        "users" => Ok(Exported::Users(user_scope(actor), company_scope(actor))),
        "groups" => Ok(Exported::Groups(group_scope(actor))),
        "companies" => Ok(Exported::Companies(
            company_scope(actor),
            person_scope(actor),
        )),
        _ => Err(ApiError::not_found()),
    }
}

/// The separator a query asks for.
pub fn separator(value: Option<&str>) -> ApiResult<u8> {
    match value {
        None | Some("comma") => Ok(b','),
        Some("semicolon") => Ok(b';'),
        Some(_) => Err(ApiError::invalid(
            "separator",
            ProblemCode::InvalidValue,
            "`separator` is comma or semicolon.",
        )),
    }
}

/// A cell a spreadsheet would read as a formula is written as text (B03's rule).
fn cells(row: &[String]) -> Vec<String> {
    row.iter()
        .map(|cell| super::review::spreadsheet_safe(cell))
        .collect()
}

fn encoded(rows: &[Vec<String>], separator: u8, bom: bool) -> Result<Vec<u8>, worker::Error> {
    let start = if bom {
        "\u{FEFF}".as_bytes().to_vec()
    } else {
        Vec::new()
    };
    let mut out = csv::WriterBuilder::new()
        .delimiter(separator)
        .from_writer(start);
    for row in rows {
        out.write_record(cells(row))
            .map_err(|error| worker::Error::RustError(error.to_string()))?;
    }
    out.into_inner()
        .map_err(|error| worker::Error::RustError(error.to_string()))
}

/// Where the stream reads from: its own handle on the account's database, opened for each page
/// (a stream outlives the request's borrowed handles). The account and scopes are the request
/// principal's, checked before the answer started.
struct Reading {
    env: Env,
    home: usize,
    account: i64,
    exported: Exported,
    separator: u8,
    /// The last key written (`None` before the first page), and whether the last page came.
    after: Option<String>,
    started: bool,
    done: bool,
}

async fn next_part(mut reading: Reading) -> Option<(Result<Vec<u8>, worker::Error>, Reading)> {
    if reading.done {
        return None;
    }
    if !reading.started {
        reading.started = true;
        let header: Vec<String> = reading
            .exported
            .header()
            .iter()
            .map(|name| (*name).to_string())
            .collect();
        let part = encoded(&[header], reading.separator, true);
        return Some((part, reading));
    }
    let page = async {
        let homes = Homes::of(&reading.env).map_err(ApiError::internal)?;
        let d1 = homes
            .database(reading.home)
            .ok_or_else(|| ApiError::internal("no such database"))?;
        // Unscoped only to reopen the account the request's principal was found in: every read
        // below is bound to that account and filtered by that principal's scopes.
        let system = SystemDb::unscoped(d1, &homes, reading.home);
        let db = system.account_found(reading.account);
        export::page(&db, reading.exported, reading.after.as_deref()).await
    }
    .await;
    match page {
        Err(error) => {
            reading.done = true;
            Some((Err(worker::Error::RustError(error.to_string())), reading))
        }
        Ok(rows) => {
            if rows.is_empty() {
                return None;
            }
            reading.done = i64::try_from(rows.len()).unwrap_or(i64::MAX) < export::PAGE_ROWS;
            reading.after = rows.last().map(|(key, _)| key.clone());
            let cells: Vec<Vec<String>> = rows.into_iter().map(|(_, cells)| cells).collect();
            Some((encoded(&cells, reading.separator, false), reading))
        }
    }
}

/// `GET /api/exports/{users|groups|companies}`: the CSV, streamed.
pub fn respond(ctx: &Ctx<'_>, env: &Env, kind: &str, separator: u8) -> ApiResult<Response> {
    let exported = exported(ctx, kind)?;
    let reading = Reading {
        env: env.clone(),
        home: ctx.db.home(),
        account: ctx.db.account(),
        exported,
        separator,
        after: None,
        started: false,
        done: false,
    };
    let stream = futures_util::stream::unfold(reading, next_part);
    let response = Response::from_stream(stream).map_err(ApiError::internal)?;
    crate::http::csv_stream(response, &format!("{kind}.csv"))
}
