//! B04 import and B06 bulk actions, planned line by line (or person by person) against what is
//! stored and the policy for this actor: create, change (field by field, before and after),
//! unchanged, or refused with the field and the reason. Pure: the worker reads what the lines
//! name, asks [`plan_user_lines`] or [`plan_bulk`], shows the plan as the dry run, and writes
//! exactly what it says — the same decisions as the single edits (`policy::create_user`,
//! `edit_user`, `move_user`, `set_ticked_companies`, `enable_user`, `disable_user`), never a
//! rule of its own.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::api::{FieldChange, Language};
use crate::ids::{CompanyId, UserId};
use crate::policy::{self, AccessLevel, Actor, CompanyRef, Denied, Group};
use crate::validate::{normalize_user_code, text_problem, user_code_problem};

/// Most lines one import reads (a bigger file is split by the person: a dry run shows every line).
pub const MAX_LINES: usize = 20_000;
/// Lines (or people) written by one chunk: one D1 batch with their history entries.
pub const CHUNK_LINES: usize = 200;
/// Longest name, as the user form (R24).
const MAX_NAME: usize = 120;

/// What separates a file's fields: `,`, or `;` (spreadsheets in French locales).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Separator {
    /// Whichever of `,` and `;` the header line uses.
    #[default]
    Auto,
    Comma,
    Semicolon,
}

impl Separator {
    pub fn as_str(self) -> &'static str {
        match self {
            Separator::Auto => "auto",
            Separator::Comma => "comma",
            Separator::Semicolon => "semicolon",
        }
    }
}

/// A refusal of a whole file (no line can be read): named by the request's field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem(pub String);

/// One line of a users file, as read and checked on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserLine {
    pub line: u32,
    /// The bare address, lower-cased (R24).
    pub user_code: String,
    pub name: String,
    pub group: String,
    /// Absent column or empty cell: kept (English for a new user).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// Absent column: ticks kept. Present: the company codes ticked, replacing those the actor
    /// may see (R14, as the Access to Companies tab).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub companies: Option<Vec<String>>,
}

/// A line the file itself refuses (before anything stored is read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRefusal {
    pub line: u32,
    /// As written in the file (empty when the line could not be read).
    pub user_code: String,
    pub field: String,
    pub reason: String,
}

/// The columns a users file is read by (an export has more: they are skipped on import).
pub const USER_COLUMNS: [&str; 5] = ["user_code", "name", "group", "language", "companies"];

/// The company codes of a `companies` cell: separated by spaces, `,`, `;` or `|` (codes hold
/// none of them), duplicates once.
pub fn company_codes(cell: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    cell.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '|'))
        .filter(|code| !code.is_empty())
        .filter(|code| seen.insert(code.to_lowercase()))
        .map(str::to_string)
        .collect()
}

fn separator_of(text: &str, separator: Separator) -> u8 {
    match separator {
        Separator::Comma => b',',
        Separator::Semicolon => b';',
        Separator::Auto => {
            let header = text.lines().next().unwrap_or_default();
            if header.matches(';').count() > header.matches(',').count() {
                b';'
            } else {
                b','
            }
        }
    }
}

/// Reads a users file: a header line naming the columns (any order, any case; `user_code`,
/// `name` and `group` required), then one user per line. Quoted fields, embedded newlines, a
/// byte-order mark and CRLF line ends are read as a spreadsheet writes them (BurntSushi's
/// `csv`); a line whose quoting is broken or whose field count differs from the header's is
/// refused on its own, with its line number.
pub fn read_user_file(
    text: &str,
    separator: Separator,
) -> Result<(Vec<UserLine>, Vec<LineRefusal>), FileProblem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(FileProblem("The file is empty.".to_string()));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator_of(text, separator))
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|_| FileProblem("The first line (the column names) cannot be read.".to_string()))?
        .iter()
        .map(|name| name.trim().to_lowercase())
        .collect();
    let column = |name: &str| header.iter().position(|column| column == name);
    let (Some(code_at), Some(name_at), Some(group_at)) =
        (column("user_code"), column("name"), column("group"))
    else {
        return Err(FileProblem(
            "The first line must name the columns user_code, name and group (language and \
             companies are optional)."
                .to_string(),
        ));
    };
    let (language_at, companies_at) = (column("language"), column("companies"));
    let mut lines = Vec::new();
    let mut refused = Vec::new();
    let mut record = csv::StringRecord::new();
    // Line numbers from byte offsets: csv's own line count is one short after a CRLF header.
    let line_starts: Vec<usize> = text.match_indices('\n').map(|(at, _)| at).collect();
    let line_of = |byte: u64| {
        let mut byte = usize::try_from(byte).unwrap_or(usize::MAX);
        // After a CRLF, csv places the next record at the LF that ends the line before.
        if text.as_bytes().get(byte) == Some(&b'\n') {
            byte += 1;
        }
        u32::try_from(line_starts.partition_point(|at| *at < byte) + 1).unwrap_or(u32::MAX)
    };
    loop {
        let line = line_of(reader.position().byte());
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                // Not UTF-8, or unreadable: this line only.
                let line = error.position().map_or(line, |at| line_of(at.byte()));
                refused.push(LineRefusal {
                    line,
                    user_code: String::new(),
                    field: "file".to_string(),
                    reason: "This line cannot be read (it is not UTF-8 text).".to_string(),
                });
                continue;
            }
        }
        let line = record.position().map_or(line, |at| line_of(at.byte()));
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        if lines.len() + refused.len() >= MAX_LINES {
            return Err(FileProblem(format!(
                "The file has more than {MAX_LINES} lines: split it and import each part."
            )));
        }
        if record.len() != header.len() {
            refused.push(LineRefusal {
                line,
                user_code: record.get(code_at).unwrap_or_default().trim().to_string(),
                field: "file".to_string(),
                reason: format!(
                    "This line has {} fields where the first line names {}: check its quotes \
                     (a field with a separator, a quote or a line break is written in double \
                     quotes, a quote inside as two).",
                    record.len(),
                    header.len()
                ),
            });
            continue;
        }
        let cell = |at: usize| unescaped(record.get(at).unwrap_or_default().trim());
        match user_line(
            line,
            cell(code_at),
            cell(name_at),
            cell(group_at),
            language_at.map(cell),
            companies_at.map(cell),
        ) {
            Ok(user) => lines.push(user),
            Err(refusal) => refused.push(refusal),
        }
    }
    Ok((lines, refused))
}

/// A cell as an export wrote it: one a spreadsheet would read as a formula was given a leading
/// `'` (B03's rule), which a file read back drops, so an export imports as unchanged.
fn unescaped(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => cell,
    }
}

/// One line's own checks: the same as the user form's (R24).
fn user_line(
    line: u32,
    user_code: &str,
    name: &str,
    group: &str,
    language: Option<&str>,
    companies: Option<&str>,
) -> Result<UserLine, LineRefusal> {
    let refuse = |field: &str, reason: String| LineRefusal {
        line,
        user_code: user_code.to_string(),
        field: field.to_string(),
        reason,
    };
    if let Some(why) = user_code_problem(user_code) {
        return Err(refuse("user_code", why.to_string()));
    }
    if name.is_empty() {
        return Err(refuse("name", "Name is required.".to_string()));
    }
    if name.chars().count() > MAX_NAME {
        return Err(refuse(
            "name",
            format!("Name has at most {MAX_NAME} characters."),
        ));
    }
    if let Some(why) = text_problem(name) {
        return Err(refuse("name", format!("Name {why}.")));
    }
    if group.is_empty() {
        return Err(refuse("group", "Group is required.".to_string()));
    }
    let language = match language.map(str::to_lowercase).as_deref() {
        None | Some("") => None,
        Some(text) => Some(Language::parse(text).ok_or_else(|| {
            refuse(
                "language",
                "Language is en (English) or fr (French).".to_string(),
            )
        })?),
    };
    Ok(UserLine {
        line,
        user_code: normalize_user_code(user_code),
        name: name.to_string(),
        group: group.to_string(),
        language,
        companies: companies.map(company_codes),
    })
}

/// A person as stored, as the actor may see them, for planning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUser {
    pub id: i64,
    pub version: i64,
    pub user_code: String,
    pub name: String,
    pub language: Language,
    pub active: bool,
    pub group: Group,
    /// Their ticks among the companies the actor may see, by code (R14: the others stay).
    pub ticked: BTreeMap<String, CompanyId>,
    /// They proved their address (an invitation would be refused: it is theirs already).
    pub address_taken: bool,
}

impl StoredUser {
    pub fn policy(&self) -> policy::User {
        policy::User {
            id: UserId(self.id),
            group: self.group.id,
            active: self.active,
            ticked: self.ticked.values().copied().collect(),
        }
    }
}

/// What the lines of a file name, as stored and as the actor may see it (the worker reads it in
/// a few set-based queries; what the actor may not see is absent, so it is refused exactly as
/// what does not exist).
#[derive(Debug, Clone, Default)]
pub struct Stored {
    /// Groups the actor may see, by lower-case code.
    pub groups: BTreeMap<String, Group>,
    /// People the actor may see, by user code.
    pub users: BTreeMap<String, StoredUser>,
    /// User codes held by someone the actor may not see, or proven in another account (R03).
    pub taken: BTreeSet<String>,
    /// Companies the actor may see, by lower-case code: their reference and their code.
    pub companies: BTreeMap<String, (CompanyRef, String)>,
    /// Active regular administrators of the account (R16).
    pub active_administrators: u32,
}

/// What a line (or a person of a bulk action) comes to.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Create {
        name: String,
        group_id: i64,
        group: String,
        language: Language,
        #[serde(default)]
        companies: Vec<(i64, String)>,
    },
    Change {
        user_id: i64,
        version: i64,
        /// Each field's before and after, as the history entry will say.
        changes: Vec<FieldChange>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        set: Option<Set>,
        /// R17's warning of a move across areas: confirming the dry run confirms it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        warning: Option<String>,
    },
    Unchanged {
        user_id: i64,
    },
    Refused {
        field: String,
        reason: String,
    },
}

/// What a change writes (only what differs).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Set {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// The new group: id, code, and whether it crosses areas (R17's history entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<i64>,
    /// The ticks among the companies the actor may see, replacing theirs (R14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_ids: Option<Vec<i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Queue an invitation (B06 resend; B04 for the people created).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invite: bool,
}

/// A line of the dry run: its number in the file (or the position of the person picked), the
/// user code, and what it comes to.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinePlan {
    pub line: u32,
    pub user_code: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl LinePlan {
    /// Whether confirming writes something for this line.
    pub fn writes(&self) -> bool {
        matches!(
            self.outcome,
            Outcome::Create { .. } | Outcome::Change { .. }
        )
    }
}

fn refused(field: &str, reason: impl Into<String>) -> Outcome {
    Outcome::Refused {
        field: field.to_string(),
        reason: reason.into(),
    }
}

fn denied(field: &str, denial: Denied) -> Outcome {
    // What the actor may not see is refused as what does not exist (R12, R18).
    let reason = if denial.is_not_visible() {
        match field {
            "group" => "There is no such user group.".to_string(),
            _ => "There is no such user.".to_string(),
        }
    } else {
        denial.message
    };
    refused(field, reason)
}

fn codes(ids: &BTreeMap<String, CompanyId>) -> String {
    ids.keys().cloned().collect::<Vec<_>>().join(" ")
}

/// The plan of a users file, line by line, in the file's order. `stored` holds what the lines
/// name as the actor may see it; the count of active regular administrators is carried from line
/// to line, so a file cannot demote every one of them (R16; the batch re-checks it).
pub fn plan_user_lines(actor: &Actor, lines: &[UserLine], stored: &Stored) -> Vec<LinePlan> {
    let mut first_line: BTreeMap<&str, u32> = BTreeMap::new();
    let mut administrators = stored.active_administrators;
    lines
        .iter()
        .map(|line| {
            let outcome = match first_line.get(line.user_code.as_str()) {
                Some(first) => refused(
                    "user_code",
                    format!("This user code is already on line {first} of the file."),
                ),
                None => {
                    first_line.insert(&line.user_code, line.line);
                    plan_user_line(actor, line, stored, &mut administrators)
                }
            };
            LinePlan {
                line: line.line,
                user_code: line.user_code.clone(),
                outcome,
            }
        })
        .collect()
}

/// The companies a line names, as the actor may see them; an unknown or hidden one refuses it.
fn named_companies(
    codes: &[String],
    stored: &Stored,
) -> Result<BTreeMap<String, CompanyRef>, String> {
    codes
        .iter()
        .map(|code| {
            stored
                .companies
                .get(&code.to_lowercase())
                .map(|(company, code)| (code.clone(), *company))
                .ok_or_else(|| format!("There is no company {code}."))
        })
        .collect()
}

fn plan_user_line(
    actor: &Actor,
    line: &UserLine,
    stored: &Stored,
    administrators: &mut u32,
) -> Outcome {
    let Some(group) = stored.groups.get(&line.group.to_lowercase()) else {
        return refused("group", format!("There is no user group {}.", line.group));
    };
    let companies = match line
        .companies
        .as_deref()
        .map(|codes| named_companies(codes, stored))
    {
        Some(Err(reason)) => return refused("companies", reason),
        Some(Ok(companies)) => Some(companies),
        None => None,
    };
    let Some(user) = stored.users.get(&line.user_code) else {
        if stored.taken.contains(&line.user_code) {
            return refused(
                "user_code",
                "This user code is already used by another user.",
            );
        }
        return plan_creation(actor, line, group, companies);
    };
    let target = user.policy();
    if let Err(denial) = policy::edit_user(actor, &target, &user.group) {
        return denied("user_code", denial);
    }
    let mut changes = Vec::new();
    let mut set = Set::default();
    if line.name != user.name {
        changes.push(FieldChange {
            field: "name".to_string(),
            before: Some(user.name.clone()),
            after: Some(line.name.clone()),
        });
        set.name = Some(line.name.clone());
    }
    if let Some(language) = line.language.filter(|language| *language != user.language) {
        changes.push(FieldChange {
            field: "language".to_string(),
            before: Some(user.language.as_str().to_string()),
            after: Some(language.as_str().to_string()),
        });
        set.language = Some(language);
    }
    let mut warning = None;
    if group.id != user.group.id {
        let others = administrators.saturating_sub(u32::from(
            user.active && user.group.level() == AccessLevel::Administrator,
        ));
        match policy::move_user(actor, &target, &user.group, group, others) {
            Ok(notice) => warning = notice.warning().map(str::to_string),
            Err(denial) => return denied("group", denial),
        }
        if user.active
            && user.group.level() == AccessLevel::Administrator
            && group.level() != AccessLevel::Administrator
        {
            *administrators = administrators.saturating_sub(1);
        }
        changes.push(FieldChange {
            field: "group".to_string(),
            before: Some(user.group.code.clone()),
            after: Some(group.code.clone()),
        });
        set.group_id = Some(group.id.0);
    }
    if let Some(companies) = companies {
        let ticked_now: BTreeSet<CompanyId> = user.ticked.values().copied().collect();
        let ticked_then: BTreeSet<CompanyId> =
            companies.values().map(|company| company.id).collect();
        // Ticks only mean something at the User level (R13): an administrator's line with no
        // company keeps what is stored; one naming companies is refused as the tab refuses it.
        let applies = group.level() == AccessLevel::User || !companies.is_empty();
        if applies && ticked_now != ticked_then {
            let refs: Vec<CompanyRef> = companies.values().copied().collect();
            if let Err(denial) = policy::set_ticked_companies(actor, &target, group, &refs) {
                return denied("companies", denial);
            }
            changes.push(FieldChange {
                field: "companies".to_string(),
                before: Some(codes(&user.ticked)),
                after: Some(codes(
                    &companies
                        .iter()
                        .map(|(code, company)| (code.clone(), company.id))
                        .collect(),
                )),
            });
            set.company_ids = Some(ticked_then.iter().map(|id| id.0).collect());
        }
    }
    if changes.is_empty() {
        return Outcome::Unchanged { user_id: user.id };
    }
    Outcome::Change {
        user_id: user.id,
        version: user.version,
        changes,
        set: Some(set),
        warning,
    }
}

fn plan_creation(
    actor: &Actor,
    line: &UserLine,
    group: &Group,
    companies: Option<BTreeMap<String, CompanyRef>>,
) -> Outcome {
    if let Err(denial) = policy::create_user(actor, group) {
        return denied("group", denial);
    }
    let companies = companies.unwrap_or_default();
    if !companies.is_empty() {
        // The new person, as the tab will see them once created.
        let newcomer = policy::User {
            id: UserId(0),
            group: group.id,
            active: true,
            ticked: BTreeSet::new(),
        };
        let refs: Vec<CompanyRef> = companies.values().copied().collect();
        if let Err(denial) = policy::set_ticked_companies(actor, &newcomer, group, &refs) {
            return denied("companies", denial);
        }
    }
    Outcome::Create {
        name: line.name.clone(),
        group_id: group.id.0,
        group: group.code.clone(),
        language: line.language.unwrap_or(Language::En),
        companies: companies
            .into_iter()
            .map(|(code, company)| (company.id.0, code))
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// B06 bulk actions

/// What a bulk action does to each person picked.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum BulkAction {
    Disable,
    Enable,
    /// Move to a group (R17: across areas, confirming the dry run confirms each move).
    Move {
        group_id: i64,
    },
    /// Send the invitation again (queued, sent a few per request).
    Invite,
    Tick {
        company_id: i64,
    },
    Untick {
        company_id: i64,
    },
}

impl BulkAction {
    pub fn describe(&self) -> &'static str {
        match self {
            BulkAction::Disable => "disable",
            BulkAction::Enable => "enable",
            BulkAction::Move { .. } => "move to a group",
            BulkAction::Invite => "send the invitation again",
            BulkAction::Tick { .. } => "tick a company",
            BulkAction::Untick { .. } => "untick a company",
        }
    }
}

/// What a bulk action names besides the people: the group or company, as the actor may see it.
#[derive(Debug, Clone, Default)]
pub struct BulkTarget {
    pub group: Option<Group>,
    pub company: Option<(CompanyRef, String)>,
}

/// The plan of a bulk action over `people` (in the order picked): one refusal never blocks the
/// others. `actor_id` is who acts (R12: nobody disables themself).
pub fn plan_bulk(
    actor: &Actor,
    action: &BulkAction,
    people: &[StoredUser],
    target: &BulkTarget,
    active_administrators: u32,
) -> Vec<LinePlan> {
    let mut administrators = active_administrators;
    people
        .iter()
        .zip(1u32..)
        .map(|(user, position)| LinePlan {
            line: position,
            user_code: user.user_code.clone(),
            outcome: plan_bulk_one(actor, action, user, target, &mut administrators),
        })
        .collect()
}

fn is_active_administrator(user: &StoredUser) -> bool {
    user.active && user.group.level() == AccessLevel::Administrator
}

fn plan_bulk_one(
    actor: &Actor,
    action: &BulkAction,
    user: &StoredUser,
    target: &BulkTarget,
    administrators: &mut u32,
) -> Outcome {
    let person = user.policy();
    let unchanged = Outcome::Unchanged { user_id: user.id };
    let change = |field: &str, before: String, after: String, set: Set, warning| Outcome::Change {
        user_id: user.id,
        version: user.version,
        changes: vec![FieldChange {
            field: field.to_string(),
            before: Some(before),
            after: Some(after),
        }],
        set: Some(set),
        warning,
    };
    match action {
        BulkAction::Disable | BulkAction::Enable => {
            let active = matches!(action, BulkAction::Enable);
            if user.active == active {
                return unchanged;
            }
            let decision = if active {
                policy::enable_user(actor, &person, &user.group)
            } else {
                let others =
                    administrators.saturating_sub(u32::from(is_active_administrator(user)));
                policy::disable_user(actor, &person, &user.group, others)
            };
            if let Err(denial) = decision {
                return denied("user", denial);
            }
            if !active && is_active_administrator(user) {
                *administrators = administrators.saturating_sub(1);
            }
            change(
                "active",
                user.active.to_string(),
                active.to_string(),
                Set {
                    active: Some(active),
                    ..Set::default()
                },
                None,
            )
        }
        BulkAction::Move { .. } => {
            let Some(group) = &target.group else {
                return refused("group", "There is no such user group.");
            };
            if group.id == user.group.id {
                return unchanged;
            }
            let others = administrators.saturating_sub(u32::from(is_active_administrator(user)));
            let notice = match policy::move_user(actor, &person, &user.group, group, others) {
                Ok(notice) => notice,
                Err(denial) => return denied("group", denial),
            };
            if is_active_administrator(user) && group.level() != AccessLevel::Administrator {
                *administrators = administrators.saturating_sub(1);
            }
            change(
                "group",
                user.group.code.clone(),
                group.code.clone(),
                Set {
                    group_id: Some(group.id.0),
                    ..Set::default()
                },
                notice.warning().map(str::to_string),
            )
        }
        BulkAction::Invite => {
            if let Err(denial) = policy::edit_user(actor, &person, &user.group) {
                return denied("user", denial);
            }
            if user.address_taken {
                return refused(
                    "user",
                    "This address is already in use by another user, who proved it first: no \
                     invitation can be accepted.",
                );
            }
            if !user.active {
                return refused("user", "This user is disabled: enable them first.");
            }
            change(
                "invitation",
                String::new(),
                "queued".to_string(),
                Set {
                    invite: true,
                    ..Set::default()
                },
                None,
            )
        }
        BulkAction::Tick { .. } | BulkAction::Untick { .. } => {
            let Some((company, code)) = &target.company else {
                return refused("companies", "There is no such company.");
            };
            let tick = matches!(action, BulkAction::Tick { .. });
            let mut after = user.ticked.clone();
            if tick {
                after.insert(code.clone(), company.id);
            } else {
                after.remove(code);
            }
            if after == user.ticked {
                return unchanged;
            }
            // Each person's whole tab as it will be, asked as the tab asks it (R13, R14).
            let refs: Vec<CompanyRef> = if tick { vec![*company] } else { Vec::new() };
            if let Err(denial) = policy::set_ticked_companies(actor, &person, &user.group, &refs) {
                return denied("companies", denial);
            }
            change(
                "companies",
                codes(&user.ticked),
                codes(&after),
                Set {
                    company_ids: Some(after.values().map(|id| id.0).collect()),
                    ..Set::default()
                },
                None,
            )
        }
    }
}
