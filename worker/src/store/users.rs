//! Users (R10, R13–R18, R24, R25): lists and pickers scoped by the policy, and the writes.

use super::Reading as _;
use std::collections::BTreeSet;

use precinct_core::api::{Language, Page, User, UserRef};
use precinct_core::ids::{AreaId, CompanyId, GroupId, UserId};
use precinct_core::policy::{self, CompanyScope, Group, UserInChargeScope, UserScope};
use serde::Deserialize;
use worker::D1PreparedStatement;

use super::list::{self, word_search, KeyPart, Keyed, ListParams, Order, WordIndex};
use super::scope;
use super::sql::Sql;
use super::{int, opt_int, opt_text, statement, text, AccountDb};
use crate::error::{ApiError, ApiResult};
use crate::principal::{parse_level, policy_group};

/// A user with their group, as lists show them and as the policy needs them.
#[derive(Debug, Clone, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub user_code: String,
    pub name: String,
    pub name_norm: String,
    /// The lower-cased user code and group code: the list's code and group orders.
    #[serde(default)]
    pub user_code_norm: String,
    #[serde(default)]
    pub group_code_norm: String,
    pub group_id: i64,
    pub group_code: String,
    pub access_level: String,
    pub area_id: Option<i64>,
    pub area_code: Option<String>,
    pub options: String,
    pub active: i64,
    pub language: String,
    pub version: i64,
    /// R35: a confirmed second factor (1) or none (0).
    #[serde(default)]
    pub mfa_enrolled: i64,
    /// The user's address was proven by a user of another account first (no squatting).
    #[serde(default)]
    pub address_taken: i64,
}

/// The users list's orders (issue 13), each on an index per scope (migration 0013).
pub const ORDERS: &[Order] = &[
    Order {
        name: "name",
        columns: &["u.name_norm"],
    },
    Order {
        name: "code",
        columns: &["u.user_code_norm"],
    },
    Order {
        name: "group",
        columns: &["u.group_code_norm", "u.name_norm"],
    },
    Order {
        name: "status",
        columns: &["u.active", "u.name_norm"],
    },
];

impl Keyed for UserRow {
    fn key(&self, order: &str) -> Vec<KeyPart> {
        match order {
            "code" => vec![self.user_code_norm.as_str().into()],
            "group" => vec![
                self.group_code_norm.as_str().into(),
                self.name_norm.as_str().into(),
            ],
            "status" => vec![self.active.into(), self.name_norm.as_str().into()],
            _ => vec![self.name_norm.as_str().into()],
        }
    }
    fn id(&self) -> i64 {
        self.id
    }
}

impl UserRow {
    pub fn group(&self) -> ApiResult<Group> {
        policy_group(
            self.group_id,
            &self.group_code,
            &self.access_level,
            self.area_id,
            &self.options,
        )
    }

    /// The policy's user; `ticked` only matters when deciding ticks (R14).
    pub fn policy(&self, ticked: BTreeSet<CompanyId>) -> policy::User {
        policy::User {
            id: UserId(self.id),
            group: GroupId(self.group_id),
            active: self.active == 1,
            ticked,
        }
    }

    pub fn api(self) -> ApiResult<User> {
        let access_level = parse_level(&self.access_level)?;
        Ok(User {
            id: UserId(self.id),
            mail_user: self.user_code.clone(),
            user_code: self.user_code,
            name: self.name,
            group_id: GroupId(self.group_id),
            group_code: self.group_code,
            access_level,
            area_id: self.area_id.map(AreaId),
            area_code: self.area_code,
            active: self.active == 1,
            language: Language::parse(&self.language).unwrap_or(Language::En),
            version: self.version,
            mfa_enrolled: self.mfa_enrolled == 1,
            address_taken: self.address_taken == 1,
            invitation: None,
        })
    }

    pub fn reference(self) -> UserRef {
        UserRef {
            id: UserId(self.id),
            user_code: self.user_code,
            name: self.name,
        }
    }
}

const COLUMNS: &str = "u.id, u.user_code, u.name, u.name_norm, u.user_code_norm, \
    u.group_code_norm, u.group_id, g.code AS group_code, \
    g.access_level, g.area_id, a.code AS area_code, g.options, u.active, u.language, u.version, \
    (u.address_proven = 0 AND EXISTS (SELECT 1 FROM proven_codes p \
      WHERE p.user_code_norm = u.user_code_norm AND p.account_id <> u.account_id)) AS address_taken, \
    EXISTS (SELECT 1 FROM user_mfa m WHERE m.user_id = u.id AND m.confirmed_at IS NOT NULL) \
    AS mfa_enrolled";
const FROM: &str =
    "FROM users u JOIN user_groups g ON g.id = u.group_id LEFT JOIN areas a ON a.id = g.area_id \
    WHERE u.account_id = ";
/// The same, for a scope that names its users through its own index lookups: `+` keeps SQLite
/// from reading the whole account through the account index instead.
const FROM_SCOPED_IDS: &str =
    "FROM users u JOIN user_groups g ON g.id = u.group_id LEFT JOIN areas a ON a.id = g.area_id \
    WHERE +u.account_id = ";

/// List filters of the users screen, each an exact match.
#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    pub group_id: Option<i64>,
    pub area_id: Option<i64>,
    pub active: Option<bool>,
    /// Pickers and the login-as list leave out disabled users and the actor.
    pub exclude: Option<i64>,
    /// B01: only those who can see a company for one reason.
    pub seers: Option<policy::Seers>,
}

/// Whom a users query may return: the users list's scope (R18) or the user-in-charge picker's
/// (R19), as the policy gave them.
#[derive(Debug, Clone, Copy)]
pub enum Reach {
    Users(UserScope),
    InCharge(UserInChargeScope),
}

impl From<UserScope> for Reach {
    fn from(scope: UserScope) -> Self {
        Reach::Users(scope)
    }
}

impl From<UserInChargeScope> for Reach {
    fn from(scope: UserInChargeScope) -> Self {
        Reach::InCharge(scope)
    }
}

impl Reach {
    /// The scope on this module's alias `u`.
    fn sql(self, account: i64) -> Sql {
        match self {
            Reach::Users(users) => scope::users(users, "u"),
            Reach::InCharge(in_charge) => scope::users_in_charge(in_charge, account, "u"),
        }
    }
}

/// A scoped list of users.
pub async fn list(
    db: &AccountDb<'_>,
    reach: impl Into<Reach>,
    filter: &UserFilter,
    params: &ListParams,
) -> ApiResult<Page<UserRow>> {
    let mut scope = reach.into().sql(db.account());
    if let Some(seers) = filter.seers {
        scope.append(scope::seers(seers, db.account(), "u"));
    }
    // A scope or a search that names its users through its own index lookups reads them by id.
    let mut from = Sql::new(if scope.sorts_matches() || params.q.is_some() {
        FROM_SCOPED_IDS
    } else {
        FROM
    });
    from.bind_int(db.account()).append(scope);
    if let Some(group) = filter.group_id {
        from.push(" AND u.group_id = ").bind_int(group);
    }
    if let Some(area) = filter.area_id {
        from.push(" AND u.area_id = ").bind_int(area);
    }
    if let Some(active) = filter.active {
        from.push(" AND u.active = ").bind_int(i64::from(active));
    }
    if let Some(excluded) = filter.exclude {
        from.push(" AND u.id <> ").bind_int(excluded);
    }
    word_search(&mut from, &params.q, WordIndex::Users, "u.id");
    list::page(db, COLUMNS, from, ORDERS, "u.id", params, Ok).await
}

/// One user, if `reach` admits them: otherwise as if they did not exist.
pub async fn get(
    db: &AccountDb<'_>,
    reach: impl Into<Reach>,
    id: i64,
) -> ApiResult<Option<UserRow>> {
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} {FROM}"));
    sql.bind_int(db.account())
        .append(reach.into().sql(db.account()))
        .push(" AND u.id = ")
        .bind_int(id);
    sql.prepare(db)?.first_in::<UserRow>(db).await
}

/// The user a write batch just stored, read back by the same batch's last statement (its
/// answer needs no round trip of its own), if `reach` admits them: [`written`] reads it.
pub fn read_back(
    db: &AccountDb<'_>,
    reach: impl Into<Reach>,
    user: WrittenUser<'_>,
) -> ApiResult<D1PreparedStatement> {
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} {FROM}"));
    sql.bind_int(db.account())
        .append(reach.into().sql(db.account()));
    match user {
        WrittenUser::Id(id) => sql.push(" AND u.id = ").bind_int(id),
        WrittenUser::Code(code) => sql.push(" AND u.user_code_norm = ").bind_text(code),
    };
    sql.prepare(db)
}

/// Which user a batch wrote: by id, or by the (stored, normalised) code of one it created.
pub enum WrittenUser<'a> {
    Id(i64),
    Code(&'a str),
}

/// The user a [`read_back`] statement found, from its result in the committed batch.
pub fn written(results: &[worker::D1Result], index: usize) -> ApiResult<Option<UserRow>> {
    let result = results
        .get(index)
        .ok_or_else(|| ApiError::internal("batch result missing"))?;
    Ok(result.results::<UserRow>()?.into_iter().next())
}

/// The active users of `scope` whose user code or name is exactly `text` (case aside), at most
/// two: what a person typed in a picker, resolved (one), unknown (none) or ambiguous (two).
pub async fn named(
    db: &AccountDb<'_>,
    reach: impl Into<Reach>,
    text: &str,
) -> ApiResult<Vec<UserRow>> {
    let typed = text.trim().to_lowercase();
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} {FROM}"));
    sql.bind_int(db.account())
        .append(reach.into().sql(db.account()))
        .push(" AND u.active = 1 AND (u.user_code_norm = ")
        .bind_text(&typed)
        .push(" OR u.name_norm = ")
        .bind_text(&typed)
        .push(") ORDER BY u.user_code_norm = ")
        .bind_text(&typed)
        .push(" DESC LIMIT 2");
    sql.prepare(db)?.rows_in::<UserRow>(db).await
}

pub async fn account_name(db: &AccountDb<'_>) -> ApiResult<String> {
    #[derive(Deserialize)]
    struct Name {
        name: String,
    }
    Ok(statement(
        db,
        "SELECT name FROM accounts WHERE id = ?1",
        &[int(db.account())],
    )?
    .first_in::<Name>(db)
    .await?
    .map(|row| row.name)
    .unwrap_or_default())
}

/// Active regular administrators other than `except` (R16).
pub async fn other_active_administrators(
    db: &AccountDb<'_>,
    except: Option<i64>,
) -> ApiResult<u32> {
    #[derive(Deserialize)]
    struct Count {
        n: u32,
    }
    let row = statement(
        db,
        "SELECT COUNT(*) AS n FROM users WHERE account_id = ?1 AND access_level = 'administrator' \
         AND active = 1 AND id IS NOT ?2",
        &[int(db.account()), opt_int(except)],
    )?
    .first_in::<Count>(db)
    .await?;
    Ok(row.map_or(0, |row| row.n))
}

/// Active regular administrators who are not members of group `group` (R16, demoting a group).
pub async fn other_active_administrators_outside_group(
    db: &AccountDb<'_>,
    group: i64,
) -> ApiResult<u32> {
    #[derive(Deserialize)]
    struct Count {
        n: u32,
    }
    let row = statement(
        db,
        "SELECT COUNT(*) AS n FROM users WHERE account_id = ?1 AND access_level = 'administrator' \
         AND active = 1 AND group_id <> ?2",
        &[int(db.account()), int(group)],
    )?
    .first_in::<Count>(db)
    .await?;
    Ok(row.map_or(0, |row| row.n))
}

pub fn insert(
    db: &AccountDb<'_>,
    user_code: &str,
    name: &str,
    group: &Group,
    language: Language,
    now: i64,
    mail_password_cipher: Option<&str>,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        &format!(
            "INSERT INTO users (account_id, user_code, user_code_norm, name, name_norm, group_id, \
             area_id, access_level, active, language, created_at, mail_password_cipher, \
             mail_password_for) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?10, ?11, \
             CASE WHEN ?11 IS NULL THEN NULL ELSE {} END) RETURNING id",
            crate::store::mail::destination_sql(1)
        ),
        &[
            int(db.account()),
            text(user_code),
            text(&precinct_core::validate::normalize_user_code(user_code)),
            text(name),
            text(&name.to_lowercase()),
            int(group.id.0),
            opt_int(group.area().map(|area| area.0)),
            text(group.level().as_str()),
            text(language.as_str()),
            int(now),
            opt_text(mail_password_cipher),
        ],
    )
}

pub fn update_identity(
    db: &AccountDb<'_>,
    row: &UserRow,
    version: i64,
    user_code: &str,
    name: &str,
    language: Language,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        // A new address is not proven yet (no squatting: its owner's proof reserves it).
        "UPDATE users SET user_code = ?3, user_code_norm = ?4, name = ?5, name_norm = ?6, language = ?7, \
         address_proven = CASE WHEN user_code_norm = ?4 THEN address_proven ELSE 0 END, \
         version = version + 1 WHERE id = ?1 AND version = ?2 AND account_id = ?8",
        &[
            int(row.id),
            int(version),
            text(user_code),
            text(&precinct_core::validate::normalize_user_code(user_code)),
            text(name),
            text(&name.to_lowercase()),
            text(language.as_str()),
            int(db.account()),
        ],
    )
}

pub fn set_active(
    db: &AccountDb<'_>,
    id: i64,
    version: i64,
    active: bool,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE users SET active = ?3, version = version + 1 \
         WHERE id = ?1 AND version = ?2 AND account_id = ?4",
        &[
            int(id),
            int(version),
            int(i64::from(active)),
            int(db.account()),
        ],
    )
}

/// Ends every session of a user, as themself or acting as them (ASVS 7.4.2).
pub fn end_sessions(db: &AccountDb<'_>, id: i64) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "DELETE FROM sessions WHERE (user_id = ?1 OR acting_user_id = ?1) AND account_id = ?2",
        &[int(id), int(db.account())],
    )
}

/// ASVS 7.4.5: ends every session of the users of `scope` (as themselves; a session acting as one
/// of them is ended only with its real user's), but the one whose token hash is `keep`.
pub fn end_sessions_in_scope(
    db: &AccountDb<'_>,
    scope: precinct_core::policy::UserScope,
    keep: &str,
) -> ApiResult<D1PreparedStatement> {
    let mut sql = super::sql::Sql::new("DELETE FROM sessions WHERE account_id = ");
    sql.bind_int(db.account())
        .push(" AND token_hash <> ")
        .bind_text(keep)
        .push(" AND user_id IN (SELECT u.id FROM users u WHERE u.account_id = ")
        .bind_int(db.account())
        .append(super::scope::users(scope, "u"))
        .push(")");
    sql.prepare(db)
}

/// Ends every session of user `id` (as themself or acted as) but the one of `keep` (the editor's
/// own, when they change their own user code).
pub fn end_sessions_except(
    db: &AccountDb<'_>,
    id: i64,
    keep: &str,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "DELETE FROM sessions WHERE (user_id = ?1 OR acting_user_id = ?1) AND token_hash <> ?2 \
         AND account_id = ?3",
        &[int(id), text(keep), int(db.account())],
    )
}

/// The user proved their address (used a link sent there): the code is now theirs across the
/// service; fails on `users_proven_code` if another account's user proved it first.
pub fn prove_address(db: &AccountDb<'_>, id: i64) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE users SET address_proven = 1 WHERE id = ?1 AND account_id = ?2",
        &[int(id), int(db.account())],
    )
}

/// Deleting a user removes what only they own; history keeps their code (R30).
pub fn delete(db: &AccountDb<'_>, id: i64, version: i64) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "DELETE FROM users WHERE id = ?1 AND version = ?2 AND account_id = ?3",
        &[int(id), int(version), int(db.account())],
    )
}

/// The companies `user` is in charge of, as rows for [`super::insert_history_per_row`]: deleting
/// the user clears the role, and each company's history says so (R30).
pub fn companies_in_charge_of(user: i64, user_code: &str) -> Sql {
    let mut rows = Sql::new(
        "SELECT c.id AS entity_id, c.area_id AS area_id, c.code AS subject, \
         'Company ' || c.code || ' has no user in charge any more: the user was deleted' AS summary, \
         json_array(json_object('field', 'user_in_charge', 'before', ",
    );
    rows.bind_text(user_code)
        .push(", 'after', NULL)) AS changes FROM companies c WHERE c.user_in_charge_id = ")
        .bind_int(user);
    rows
}

pub fn delete_dependents(db: &AccountDb<'_>, id: i64) -> ApiResult<Vec<D1PreparedStatement>> {
    Ok(vec![
        statement(db, "DELETE FROM sessions WHERE user_id = ?1 OR acting_user_id = ?1", &[int(id)])?,
        statement(db, "DELETE FROM user_companies WHERE user_id = ?1", &[int(id)])?,
        statement(db, "DELETE FROM password_tokens WHERE user_id = ?1", &[int(id)])?,
        statement(db, "DELETE FROM user_recovery_codes WHERE user_id = ?1", &[int(id)])?,
        statement(db, "DELETE FROM user_mfa WHERE user_id = ?1", &[int(id)])?,
        statement(db, "DELETE FROM invitation_queue WHERE user_id = ?1", &[int(id)])?,
        statement(db, "UPDATE companies SET user_in_charge_id = NULL, version = version + 1 WHERE user_in_charge_id = ?1 AND account_id = ?2", &[int(id), int(db.account())])?,
    ])
}

/// Moves a user to a group: the copies of the group's area and level follow (R10, R17).
pub fn set_group(
    db: &AccountDb<'_>,
    id: i64,
    version: i64,
    group: &Group,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE users SET group_id = ?3, area_id = ?4, access_level = ?5, version = version + 1 \
         WHERE id = ?1 AND version = ?2 AND account_id = ?6",
        &[
            int(id),
            int(version),
            int(group.id.0),
            opt_int(group.area().map(|area| area.0)),
            text(group.level().as_str()),
            int(db.account()),
        ],
    )
}

pub fn bump_version(db: &AccountDb<'_>, id: i64, version: i64) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE users SET version = version + 1 WHERE id = ?1 AND version = ?2 AND account_id = ?3",
        &[int(id), int(version), int(db.account())],
    )
}

/// The ticks of `user` among the companies the editor's scope admits.
pub async fn ticked_in_scope(
    db: &AccountDb<'_>,
    user: i64,
    editor_scope: CompanyScope,
) -> ApiResult<Vec<(i64, String)>> {
    #[derive(Deserialize)]
    struct Tick {
        id: i64,
        code: String,
    }
    let mut sql = Sql::new("SELECT c.id, c.code FROM user_companies uc JOIN companies c ON c.id = uc.company_id WHERE uc.user_id = ");
    sql.bind_int(user)
        .push(" AND c.account_id = ")
        .bind_int(db.account())
        .append(scope::companies(editor_scope, "c"))
        .push(" ORDER BY c.code");
    let rows = sql.prepare(db)?.rows_in::<Tick>(db).await?;
    Ok(rows.into_iter().map(|tick| (tick.id, tick.code)).collect())
}

/// Replaces the ticks the editor can see (`editor_scope`) with `companies`;
/// ticks the editor cannot see are left as they are (R14).
pub fn replace_ticks(
    db: &AccountDb<'_>,
    user: i64,
    editor_scope: CompanyScope,
    companies: &[i64],
) -> ApiResult<Vec<D1PreparedStatement>> {
    let mut delete = Sql::new("DELETE FROM user_companies WHERE user_id = ");
    delete
        .bind_int(user)
        .push(" AND company_id IN (SELECT c.id FROM companies c WHERE c.account_id = ")
        .bind_int(db.account())
        .append(scope::companies(editor_scope, "c"))
        .push(")");
    let ids = serde_json::to_string(companies).map_err(ApiError::internal)?;
    let insert = statement(
        db,
        "INSERT OR IGNORE INTO user_companies (user_id, company_id) SELECT ?1, value FROM json_each(?2)",
        &[int(user), text(&ids)],
    )?;
    Ok(vec![delete.prepare(db)?, insert])
}

/// Whether `company` is ticked for `user` (B01 asks it of the person explained).
pub async fn has_ticked(db: &AccountDb<'_>, user: i64, company: i64) -> ApiResult<bool> {
    #[derive(Deserialize)]
    struct Found {
        #[allow(dead_code)]
        found: i64,
    }
    let found = statement(
        db,
        "SELECT 1 AS found FROM user_companies uc JOIN users u ON u.id = uc.user_id \
         WHERE uc.user_id = ?1 AND uc.company_id = ?2 AND u.account_id = ?3",
        &[int(user), int(company), int(db.account())],
    )?
    .first_in::<Found>(db)
    .await?;
    Ok(found.is_some())
}

/// Records a sign-in (B03), for the same batch as the session it opens.
pub fn signed_in(db: &AccountDb<'_>, user: i64, now: i64) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE users SET last_sign_in_at = ?2 WHERE id = ?1 AND account_id = ?3",
        &[int(user), int(now), int(db.account())],
    )
}
