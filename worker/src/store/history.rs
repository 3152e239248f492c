//! History (R21, R30): read newest first, scoped by the area each entry was written in.

use super::list::{self, encode_cursor, Cursor, KeyPart, ListParams};
use super::scope;
use super::sql::Sql;
use super::AccountDb;
use super::Reading as _;
use crate::error::ApiResult;
use precinct_core::api::{FieldChange, HistoryEntry, Page};
use precinct_core::policy::{HistoryScope, PersonScope};
use serde::Deserialize;

/// The History tab's filters; user codes compare lower-cased, as they are stored.
#[derive(Debug, Default, Clone)]
pub struct HistoryFilter {
    pub user_from: Option<String>,
    pub user_to: Option<String>,
    pub entity_kind: Option<String>,
    pub entity_id: Option<i64>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

#[derive(Deserialize)]
struct Row {
    id: i64,
    at: i64,
    actor_user_code: Option<String>,
    on_behalf_of_user_code: Option<String>,
    actor_hidden: i64,
    on_behalf_of_hidden: i64,
    entity_kind: String,
    entity_id: Option<i64>,
    area_code: Option<String>,
    action: String,
    subject: Option<String>,
    summary: String,
    changes: String,
}

/// The `FROM ... WHERE` of a history list. `walk_by_time` writes the user range so SQLite cannot
/// use it as an index range (`+column`): for a wide range, walking the entries newest first and
/// skipping the others finds a page sooner than sorting every entry of the range.
///
/// The actor and the user acted for are joined (`au`, `bu`) only when the reader may see them
/// (R12, R21), so an entry of the reader's area written by someone outside it names no one.
/// Where a person may not be named, the user range does not match them either: a range search
/// would otherwise spell out a hidden code letter by letter.
fn from_where(
    account: i64,
    (scope, readers): (HistoryScope, PersonScope),
    filter: &HistoryFilter,
    walk_by_time: bool,
) -> Sql {
    let unary = if walk_by_time { "+" } else { "" };
    let mut from = Sql::new(
        "FROM history h LEFT JOIN areas a ON a.id = h.area_id \
         LEFT JOIN users au ON au.id = h.actor_user_id",
    );
    from.append(scope::persons(readers, "au"))
        .push(" LEFT JOIN users bu ON bu.id = h.on_behalf_of_user_id")
        .append(scope::persons(readers, "bu"))
        .push(" WHERE h.account_id = ");
    from.bind_int(account).append(scope::history(scope, "h"));
    let ranged = filter.user_from.is_some() || filter.user_to.is_some();
    if ranged && readers != PersonScope::All {
        from.push(" AND au.id IS NOT NULL");
    }
    if let Some(user_from) = &filter.user_from {
        from.push(&format!(" AND {unary}h.actor_user_code >= "))
            .bind_text(&user_from.to_lowercase());
    }
    if let Some(user_to) = &filter.user_to {
        // Every code that starts with `user_to` is in the range ("a".."b" includes "b.smith").
        from.push(&format!(" AND {unary}h.actor_user_code < "))
            .bind_text(&format!("{}\u{10FFFF}", user_to.to_lowercase()));
    }
    if let Some(kind) = &filter.entity_kind {
        from.push(" AND h.entity_kind = ").bind_text(kind);
    }
    if let Some(id) = filter.entity_id {
        from.push(" AND h.entity_id = ").bind_int(id);
    }
    if let Some(start) = filter.from {
        from.push(" AND h.at >= ").bind_int(start);
    }
    if let Some(end) = filter.to {
        from.push(" AND h.at <= ").bind_int(end);
    }
    from
}

pub async fn list(
    db: &AccountDb<'_>,
    scope: (HistoryScope, PersonScope),
    filter: &HistoryFilter,
    params: &ListParams,
) -> ApiResult<Page<HistoryEntry>> {
    let everyone = scope.1 == PersonScope::All;
    let from = from_where(db.account(), scope, filter, false);
    let total = list::count(db, &from).await?;
    let ranged = filter.user_from.is_some() || filter.user_to.is_some();
    let from = if ranged && total > list::TOTAL_CAP {
        from_where(db.account(), scope, filter, true)
    } else {
        from
    };
    // A regular administrator reads every code as written, a deleted actor's included.
    let people = if everyone {
        "h.actor_user_code, h.on_behalf_of_user_code, 0 AS actor_hidden, \
         0 AS on_behalf_of_hidden"
    } else {
        "CASE WHEN au.id IS NULL THEN NULL ELSE h.actor_user_code END AS actor_user_code, \
         CASE WHEN bu.id IS NULL THEN NULL ELSE h.on_behalf_of_user_code END \
           AS on_behalf_of_user_code, \
         (h.actor_user_id IS NOT NULL AND au.id IS NULL) AS actor_hidden, \
         (h.on_behalf_of_user_id IS NOT NULL AND bu.id IS NULL) AS on_behalf_of_hidden"
    };
    let mut query = Sql::new(&format!(
        "SELECT h.id, h.at, {people}, h.entity_kind, \
        h.entity_id, a.code AS area_code, h.action, h.subject, h.summary, h.changes "
    ));
    query.append(from);
    if let Some(cursor) = &params.after {
        query
            .push(" AND (h.at, h.id) < (")
            .bind_int(cursor.int(0)?)
            .push(", ")
            .bind_int(cursor.id)
            .push(")");
    }
    query
        .push(" ORDER BY h.at DESC, h.id DESC LIMIT ")
        .bind_int(params.limit + 1);
    list::explain(db, &query).await?;
    let mut rows = query.prepare(db)?.rows_in::<Row>(db).await?;
    let more = rows.len() as i64 > params.limit;
    rows.truncate(params.limit.max(0) as usize);
    let next_cursor = if more {
        rows.last().map(|row| {
            encode_cursor(&Cursor {
                order: "time".to_string(),
                descending: true,
                key: vec![KeyPart::Int(row.at)],
                id: row.id,
            })
        })
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|row| HistoryEntry {
            id: row.id,
            at: row.at,
            actor_user_code: row.actor_user_code,
            on_behalf_of_user_code: row.on_behalf_of_user_code,
            actor_hidden: row.actor_hidden == 1,
            on_behalf_of_hidden: row.on_behalf_of_hidden == 1,
            entity_kind: row.entity_kind,
            entity_id: row.entity_id,
            area_code: row.area_code,
            action: row.action,
            subject: row.subject,
            summary: row.summary,
            changes: serde_json::from_str::<Vec<FieldChange>>(&row.changes).unwrap_or_default(),
        })
        .collect();
    Ok(Page {
        items,
        next_cursor,
        total,
    })
}

/// One history entry, as B01 names it: the area its record had at the time of the change.
#[derive(Deserialize)]
pub struct EntryOne {
    pub id: i64,
    pub area_id: Option<i64>,
    pub area_code: Option<String>,
    pub summary: String,
}

/// One entry the scope admits, else `None` as if it did not exist.
pub async fn get(db: &AccountDb<'_>, scope: HistoryScope, id: i64) -> ApiResult<Option<EntryOne>> {
    let mut sql = Sql::new(
        "SELECT h.id, h.area_id, a.code AS area_code, h.summary FROM history h \
         LEFT JOIN areas a ON a.id = h.area_id WHERE h.account_id = ",
    );
    sql.bind_int(db.account())
        .append(scope::history(scope, "h"))
        .push(" AND h.id = ")
        .bind_int(id);
    sql.prepare(db)?.first_in::<EntryOne>(db).await
}
