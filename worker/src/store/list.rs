//! Keyset pagination shared by every list: a stable order on (sort columns, id), each served by
//! an index, an opaque cursor that continues after the last row, a word search that an index
//! can serve, and the total.

use super::Reading as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use precinct_core::api::Page;
use precinct_core::problem::ProblemCode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::db::Database;
use super::sql::Sql;
use crate::error::{ApiError, ApiResult};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;
const MAX_QUERY_LEN: usize = 100;

/// A search's text (field `field`) has at most 100 characters: the lists' and the bulk
/// actions' "all matching".
pub fn check_search(field: &str, text: &str) -> ApiResult<()> {
    if text.chars().count() > MAX_QUERY_LEN {
        return Err(ApiError::invalid(
            field,
            ProblemCode::TooLong,
            "A search has at most 100 characters.",
        ));
    }
    Ok(())
}

/// The paging, search and sort parameters of a list request.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    /// Lower-cased search prefix.
    pub q: Option<String>,
    pub after: Option<Cursor>,
    pub limit: i64,
    /// `sort=code` or `sort=-code` (descending): one of the list's [`Order`]s; none is its first.
    pub sort: Option<String>,
    pub descending: bool,
}

/// One way a list can be ordered: its name in the API (`sort=`) and its columns, most
/// significant first; the row id breaks ties. Each is served by an index of the list's table
/// (per scope), so no order sorts the whole account (`tests/api/query-plans.test.mjs`).
#[derive(Debug, Clone, Copy)]
pub struct Order {
    pub name: &'static str,
    pub columns: &'static [&'static str],
}

/// One column's value in a cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KeyPart {
    Int(i64),
    Text(String),
}

impl From<&str> for KeyPart {
    fn from(text: &str) -> Self {
        KeyPart::Text(text.to_string())
    }
}

impl From<i64> for KeyPart {
    fn from(value: i64) -> Self {
        KeyPart::Int(value)
    }
}

/// Where a page ends: the order it was made in, and the last row's sort columns and id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "o")]
    pub order: String,
    #[serde(rename = "d", default)]
    pub descending: bool,
    #[serde(rename = "k")]
    pub key: Vec<KeyPart>,
    #[serde(rename = "i")]
    pub id: i64,
}

impl Cursor {
    /// The `index`th sort column's value as a whole number (history's time).
    pub fn int(&self, index: usize) -> ApiResult<i64> {
        match self.key.get(index) {
            Some(KeyPart::Int(value)) => Ok(*value),
            _ => Err(invalid_cursor()),
        }
    }
}

/// One query's `EXPLAIN QUERY PLAN`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct QueryPlan {
    pub label: String,
    pub sql: String,
    pub plan: Vec<String>,
}

pub type PlanSink = std::rc::Rc<std::cell::RefCell<(String, Vec<QueryPlan>)>>;

/// Records the plan of `sql` when the handle collects plans (test mode's query-plan endpoint),
/// labelled with the sink's current label.
pub async fn explain(db: &impl Database, sql: &Sql) -> ApiResult<()> {
    let Some(sink) = db.plans() else {
        return Ok(());
    };
    #[derive(Deserialize)]
    struct Step {
        detail: String,
    }
    let mut explained = Sql::new("EXPLAIN QUERY PLAN ");
    explained.append(sql.clone());
    let steps = explained.prepare(db)?.rows_in::<Step>(db).await?;
    let mut sink = sink.borrow_mut();
    let label = sink.0.clone();
    sink.1.push(QueryPlan {
        label,
        sql: sql.text().to_string(),
        plan: steps.into_iter().map(|step| step.detail).collect(),
    });
    Ok(())
}

impl ListParams {
    /// Reads `q`, `cursor` and `limit` from a query string's pairs; bad ones are 422s.
    pub fn from_pairs(pairs: &[(String, String)]) -> ApiResult<Self> {
        let mut params = ListParams {
            limit: DEFAULT_LIMIT,
            ..ListParams::default()
        };
        for (key, value) in pairs {
            match key.as_str() {
                "q" => {
                    check_search("q", value)?;
                    let q = value.trim().to_lowercase();
                    params.q = (!q.is_empty()).then_some(q);
                }
                "cursor" => params.after = Some(decode_cursor(value)?),
                "sort" => {
                    let name = value.trim();
                    let (descending, name) = match name.strip_prefix('-') {
                        Some(name) => (true, name),
                        None => (false, name),
                    };
                    params.descending = descending;
                    params.sort = (!name.is_empty()).then(|| name.to_string());
                }
                "limit" => {
                    params.limit = value
                        .parse::<i64>()
                        .ok()
                        .filter(|limit| (1..=MAX_LIMIT).contains(limit))
                        .ok_or_else(|| {
                            ApiError::invalid(
                                "limit",
                                ProblemCode::OutOfRange,
                                "`limit` must be a whole number from 1 to 200.",
                            )
                        })?;
                }
                _ => {}
            }
        }
        Ok(params)
    }

    /// The order asked for among the list's `orders` (none: the first); another is a 422.
    pub fn order(&self, orders: &[Order]) -> ApiResult<Order> {
        let asked = self.sort.as_deref();
        orders
            .iter()
            .find(|order| asked.is_none_or(|name| name == order.name))
            .copied()
            .ok_or_else(|| {
                ApiError::invalid(
                    "sort",
                    ProblemCode::OutOfRange,
                    "This list cannot be sorted that way.",
                )
            })
    }

    /// The cursor's sort columns, when it was given out by this list in `order` (another list's
    /// or another order's cursor is a 422, not a page from somewhere else).
    fn after_in(&self, order: Order) -> ApiResult<Option<&Cursor>> {
        match &self.after {
            None => Ok(None),
            Some(cursor)
                if cursor.order == order.name
                    && cursor.descending == self.descending
                    && cursor.key.len() == order.columns.len() =>
            {
                Ok(Some(cursor))
            }
            Some(_) => Err(invalid_cursor()),
        }
    }
}

fn invalid_cursor() -> ApiError {
    ApiError::invalid(
        "cursor",
        ProblemCode::InvalidCursor,
        "The `cursor` is not one this list gave out.",
    )
}

fn decode_cursor(cursor: &str) -> ApiResult<Cursor> {
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| invalid_cursor())?;
    serde_json::from_slice::<Cursor>(&bytes).map_err(|_| invalid_cursor())
}

pub fn encode_cursor(cursor: &Cursor) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(cursor).unwrap_or_default())
}

/// A kind of record with a word index (`migrations/0011_word_search.sql`).
#[derive(Debug, Clone, Copy)]
pub enum WordIndex {
    Users,
    Companies,
    Groups,
}

impl WordIndex {
    fn table(self) -> &'static str {
        match self {
            WordIndex::Users => "users_search",
            WordIndex::Companies => "companies_search",
            WordIndex::Groups => "groups_search",
        }
    }
}

/// R34: ` AND <id_column> IN (the records whose words start with every word of q)`: any word of
/// a name or a code, whatever the case and the accents, through the kind's word index; the few
/// matches are then sorted in the list's order. A search without a word finds nothing.
pub fn word_search(sql: &mut Sql, q: &Option<String>, index: WordIndex, id_column: &str) {
    let Some(q) = q else { return };
    let Some(words) = precinct_core::validate::word_prefix_query(q) else {
        sql.push(" AND 0");
        return;
    };
    sql.prefer_sorting_matches();
    sql.push(&format!(
        " AND {id_column} IN (SELECT rowid FROM {table} WHERE {table} MATCH ",
        table = index.table()
    ))
    .bind_text(&words)
    .push(")");
}

/// Totals are exact up to this many; past it the list says "more than 1,000" (`TOTAL_CAP + 1`),
/// so a count never walks a large part of a big table (`make bench` showed the 10,000 cap cost
/// most of an unfiltered list's time at 100,000 users).
pub const TOTAL_CAP: i64 = 1_000;

/// The capped count of `from_where` (a `FROM ... WHERE ...` fragment).
pub fn count_query(from_where: &Sql) -> Sql {
    let mut count = Sql::new("SELECT COUNT(*) AS n FROM (SELECT 1 ");
    count
        .append(from_where.clone())
        .push(" LIMIT ")
        .bind_int(TOTAL_CAP + 1)
        .push(")");
    count
}

#[derive(Deserialize)]
struct Count {
    n: i64,
}

pub async fn count(db: &impl Database, from_where: &Sql) -> ApiResult<i64> {
    let count = count_query(from_where);
    explain(db, &count).await?;
    Ok(count
        .prepare(db)?
        .first_in::<Count>(db)
        .await?
        .map_or(0, |row| row.n))
}

/// Runs the count and the page query of a list in one D1 round trip (a batch): each round trip
/// costs more than either query (`make bench`).
pub async fn count_and_rows<R: DeserializeOwned>(
    db: &impl Database,
    from_where: &Sql,
    query: &Sql,
) -> ApiResult<(i64, Vec<R>)> {
    let results = super::read(
        db,
        vec![count_query(from_where).prepare(db)?, query.prepare(db)?],
    )
    .await?;
    let total = match results.first() {
        Some(result) => result.results::<Count>()?.first().map_or(0, |row| row.n),
        None => 0,
    };
    let rows = match results.get(1) {
        Some(result) => result.results::<R>()?,
        None => Vec::new(),
    };
    Ok((total, rows))
}

fn bind_part(query: &mut Sql, part: &KeyPart) {
    match part {
        KeyPart::Int(value) => query.bind_int(*value),
        KeyPart::Text(text) => query.bind_text(text),
    };
}

/// A row that knows its own position in each order of its list.
pub trait Keyed {
    /// The values of `order`'s columns for this row, in the order's column order.
    fn key(&self, order: &str) -> Vec<KeyPart>;
    fn id(&self) -> i64;
}

/// Runs the count and the page query for `from_where` (a `FROM ... WHERE ...` fragment), in
/// the order asked for among `orders` (each column, then `id_column`).
pub async fn page<R, T>(
    db: &impl Database,
    select: &str,
    from_where: Sql,
    orders: &[Order],
    id_column: &str,
    params: &ListParams,
    into_item: impl Fn(R) -> ApiResult<T>,
) -> ApiResult<Page<T>>
where
    R: DeserializeOwned + Keyed,
{
    let order = params.order(orders)?;
    let (after, direction) = if params.descending {
        ("<", " DESC")
    } else {
        (">", "")
    };
    let mut query = Sql::new(&format!("SELECT {select} "));
    query.append(from_where.clone());
    if let Some(cursor) = params.after_in(order)? {
        // The first column alone as well: SQLite seeks its index with it where it would not
        // with the row value (a column compared `COLLATE NOCASE`).
        if let (Some(first), Some(value)) = (order.columns.first(), cursor.key.first()) {
            query.push(&format!(" AND {first} {after}= "));
            bind_part(&mut query, value);
        }
        query.push(&format!(
            " AND ({}, {id_column}) {after} (",
            order.columns.join(", ")
        ));
        for part in &cursor.key {
            bind_part(&mut query, part);
            query.push(", ");
        }
        query.bind_int(cursor.id).push(")");
    }
    // `+column` keeps SQLite from walking the sort index when an OR of indexes finds the few
    // matches faster (see `Sql::prefer_sorting_matches`).
    let unary = if query.sorts_matches() { "+" } else { "" };
    let sorted = order
        .columns
        .iter()
        .chain(std::iter::once(&id_column))
        .map(|column| format!("{unary}{column}{direction}"))
        .collect::<Vec<_>>()
        .join(", ");
    query
        .push(&format!(" ORDER BY {sorted} LIMIT "))
        .bind_int(params.limit + 1);
    explain(db, &count_query(&from_where)).await?;
    explain(db, &query).await?;
    let (total, mut rows) = count_and_rows::<R>(db, &from_where, &query).await?;
    let more = rows.len() as i64 > params.limit;
    rows.truncate(params.limit.max(0) as usize);
    let next_cursor = if more {
        rows.last().map(|row| {
            encode_cursor(&Cursor {
                order: order.name.to_string(),
                descending: params.descending,
                key: row.key(order.name),
                id: row.id(),
            })
        })
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(into_item)
        .collect::<ApiResult<Vec<T>>>()?;
    Ok(Page {
        items,
        next_cursor,
        total,
    })
}
