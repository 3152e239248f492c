//! User groups (R09–R12).

use super::Reading as _;
use precinct_core::api::{Group as ApiGroup, Page};
use precinct_core::ids::{AreaId, GroupId};
use precinct_core::policy::{Group, GroupAccess, GroupScope, OptionSet};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use super::list::{self, KeyPart, Keyed, ListParams, Order, WordIndex};
use super::sql::Sql;
use super::{int, opt_int, scope, statement, text, AccountDb};
use crate::error::ApiResult;
use crate::principal::{format_options, parse_level, policy_group};

#[derive(Debug, Clone, Deserialize)]
pub struct GroupRow {
    pub id: i64,
    pub code: String,
    pub description: String,
    pub access_level: String,
    pub area_id: Option<i64>,
    pub area_code: Option<String>,
    /// The area's code in lower case ('' for none): the list's area order.
    #[serde(default)]
    pub area_code_norm: String,
    pub options: String,
    pub members: i64,
    pub version: i64,
}

/// The user groups list's orders (issue 13), each on an index per scope (migration 0013).
pub const ORDERS: &[Order] = &[
    Order {
        name: "code",
        columns: &["g.code"],
    },
    Order {
        name: "description",
        columns: &["g.description COLLATE NOCASE"],
    },
    Order {
        name: "level",
        columns: &["g.access_level", "g.code"],
    },
    Order {
        name: "area",
        columns: &["g.area_code_norm", "g.code"],
    },
];

impl Keyed for GroupRow {
    fn key(&self, order: &str) -> Vec<KeyPart> {
        match order {
            "description" => vec![self.description.as_str().into()],
            "level" => vec![self.access_level.as_str().into(), self.code.as_str().into()],
            "area" => vec![
                self.area_code_norm.as_str().into(),
                self.code.as_str().into(),
            ],
            _ => vec![self.code.as_str().into()],
        }
    }
    fn id(&self) -> i64 {
        self.id
    }
}

impl GroupRow {
    pub fn policy(&self) -> ApiResult<Group> {
        policy_group(
            self.id,
            &self.code,
            &self.access_level,
            self.area_id,
            &self.options,
        )
    }

    pub fn api(self) -> ApiResult<ApiGroup> {
        let group = self.policy()?;
        Ok(ApiGroup {
            id: GroupId(self.id),
            code: self.code,
            description: self.description,
            access_level: parse_level(&self.access_level)?,
            area_id: self.area_id.map(AreaId),
            area_code: self.area_code,
            options: group.effective_options().iter().collect(),
            members: self.members,
            version: self.version,
        })
    }
}

const COLUMNS: &str =
    "g.id, g.code, g.description, g.access_level, g.area_id, a.code AS area_code, \
    g.area_code_norm, g.options, \
    (SELECT COUNT(*) FROM users m WHERE m.group_id = g.id) AS members, g.version";
const FROM: &str = "FROM user_groups g LEFT JOIN areas a ON a.id = g.area_id WHERE g.account_id = ";

pub async fn list(
    db: &AccountDb<'_>,
    scope: GroupScope,
    params: &ListParams,
) -> ApiResult<Page<ApiGroup>> {
    let mut from = Sql::new(FROM);
    from.bind_int(db.account())
        .append(scope::groups(scope, "g"));
    list::word_search(&mut from, &params.q, WordIndex::Groups, "g.id");
    list::page(db, COLUMNS, from, ORDERS, "g.id", params, GroupRow::api).await
}

pub async fn get(db: &AccountDb<'_>, scope: GroupScope, id: i64) -> ApiResult<Option<GroupRow>> {
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} {FROM}"));
    sql.bind_int(db.account())
        .append(scope::groups(scope, "g"))
        .push(" AND g.id = ")
        .bind_int(id);
    sql.prepare(db)?.first_in::<GroupRow>(db).await
}

fn area_of(access: GroupAccess) -> Option<i64> {
    access.area().map(|area| area.0)
}

pub fn insert(
    db: &AccountDb<'_>,
    code: &str,
    description: &str,
    access: GroupAccess,
    options: OptionSet,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO user_groups (account_id, code, description, access_level, area_id, options) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
        &[
            int(db.account()),
            text(code),
            text(description),
            text(access.level().as_str()),
            opt_int(area_of(access)),
            text(&format_options(options)),
        ],
    )
}

#[allow(clippy::too_many_arguments)]
pub fn update(
    db: &AccountDb<'_>,
    id: i64,
    version: i64,
    code: &str,
    description: &str,
    access: GroupAccess,
    options: OptionSet,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE user_groups SET code = ?3, description = ?4, access_level = ?5, area_id = ?6, options = ?7, \
         version = version + 1 WHERE id = ?1 AND version = ?2 AND account_id = ?8",
        &[int(id), int(version), text(code), text(description), text(access.level().as_str()), opt_int(area_of(access)), text(&format_options(options)), int(db.account())],
    )
}

/// Members copy their group's area and level (R10): kept in step in the same batch.
/// The members of group `id` whose area or level changes with it, as rows for
/// [`super::insert_history_per_row`]: each member's entry in the area they had (R21, R30).
pub fn members_following(id: i64, code: &str, access: GroupAccess) -> Sql {
    let area = area_of(access).map(|area| area.to_string());
    let mut rows = Sql::new(
        "SELECT u.id AS entity_id, u.area_id AS area_id, u.user_code AS subject, \
         'User ' || u.user_code || ' follows group ' || ",
    );
    rows.bind_text(code)
        .push(
            " || ' to its new area or level' AS summary, json_array(json_object('field', 'area', \
             'before', CAST(u.area_id AS TEXT), 'after', ",
        )
        .bind(area.as_deref().map_or(JsValue::NULL, super::text))
        .push("), json_object('field', 'access_level', 'before', u.access_level, 'after', ")
        .bind_text(access.level().as_str())
        .push(")) AS changes FROM users u WHERE u.group_id = ")
        .bind_int(id)
        .push(" AND (u.area_id IS NOT ")
        .bind(area_of(access).map_or(JsValue::NULL, super::int))
        .push(" OR u.access_level <> ")
        .bind_text(access.level().as_str())
        .push(")");
    rows
}

pub fn sync_members(
    db: &AccountDb<'_>,
    id: i64,
    access: GroupAccess,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE users SET area_id = ?2, access_level = ?3, version = version + 1 \
         WHERE group_id = ?1 AND account_id = ?4 AND (area_id IS NOT ?2 OR access_level <> ?3)",
        &[
            int(id),
            opt_int(area_of(access)),
            text(access.level().as_str()),
            int(db.account()),
        ],
    )
}

pub fn delete(db: &AccountDb<'_>, id: i64, version: i64) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "DELETE FROM user_groups WHERE id = ?1 AND version = ?2 AND account_id = ?3",
        &[int(id), int(version), int(db.account())],
    )
}
