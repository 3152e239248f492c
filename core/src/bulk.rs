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
use crate::validate::{normalize_user_code, stored_user_code_problem, text_problem};

/// Most lines one import reads (a bigger file is split by the person: a dry run shows every line).
pub const MAX_LINES: usize = 20_000;
/// Lines (or people) written by one chunk: one D1 batch with their history entries (at most a
/// dozen statements a line: a batch stays near a thousand).
pub const CHUNK_LINES: usize = 100;
/// Longest name, as the user form (R24).
const MAX_NAME: usize = 120;
/// Longest line read (in bytes): a line's cells are bounded by their own rules, and a chunk of
/// lines is kept as one value, which the database bounds.
pub const MAX_LINE_BYTES: usize = 10_000;
/// Longest key a refusal repeats (a user code's limit).
const MAX_SHOWN: usize = 254;

/// A line's key as a refusal repeats it: trimmed, and cut at [`MAX_SHOWN`] characters.
fn shown(key: &str) -> String {
    key.trim().chars().take(MAX_SHOWN).collect()
}

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
    /// The line's key as written (a user code or a code; empty when unreadable).
    pub code: String,
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

/// One line of a file: its number and its cells, by the columns asked for (`None`: the column
/// is not in the file).
struct Record {
    line: u32,
    cells: Vec<Option<String>>,
}

impl Record {
    fn cell(&self, at: usize) -> Option<&str> {
        self.cells.get(at).and_then(|cell| cell.as_deref())
    }

    /// A required column's cell (present: the header was checked).
    fn text(&self, at: usize) -> &str {
        self.cell(at).unwrap_or_default()
    }
}

/// Reads a file: a header line naming the columns (any order, any case; those of `required`
/// must be there), then one record per line. Quoted fields, embedded newlines, a byte-order mark
/// and CRLF line ends are read as a spreadsheet writes them (BurntSushi's `csv`); a line whose
/// quoting is broken or whose field count differs from the header's is refused on its own, with
/// its line number. Cells come trimmed, in the order of `columns`; other columns are skipped.
fn read_records(
    text: &str,
    separator: Separator,
    columns: &[&str],
    required: usize,
) -> Result<(Vec<Record>, Vec<LineRefusal>), FileProblem> {
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
    let positions: Vec<Option<usize>> = columns
        .iter()
        .map(|name| header.iter().position(|column| column == name))
        .collect();
    if positions.iter().take(required).any(Option::is_none) {
        let (needed, optional) = columns.split_at(required.min(columns.len()));
        return Err(FileProblem(format!(
            "The first line must name the columns {}{}.",
            needed.join(", "),
            if optional.is_empty() {
                String::new()
            } else {
                format!(" (optional: {})", optional.join(", "))
            }
        )));
    }
    let key_at = positions.first().copied().flatten();
    let mut records = Vec::new();
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
                    code: String::new(),
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
        if records.len() + refused.len() >= MAX_LINES {
            return Err(FileProblem(format!(
                "The file has more than {MAX_LINES} lines: split it and import each part."
            )));
        }
        if record.len() != header.len() {
            refused.push(LineRefusal {
                line,
                code: shown(key_at.and_then(|at| record.get(at)).unwrap_or_default()),
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
        if record.as_slice().len() > MAX_LINE_BYTES {
            refused.push(LineRefusal {
                line,
                code: shown(key_at.and_then(|at| record.get(at)).unwrap_or_default()),
                field: "file".to_string(),
                reason: "This line is too long (more than 10,000 bytes of text).".to_string(),
            });
            continue;
        }
        if record.iter().any(|field| field.contains('\u{FFFD}')) {
            // A file saved in another encoding (a spreadsheet's "CSV" in Windows-1252) reaches
            // here with its accents replaced: refused rather than stored damaged.
            refused.push(LineRefusal {
                line,
                code: shown(key_at.and_then(|at| record.get(at)).unwrap_or_default()),
                field: "file".to_string(),
                reason: "This line has characters that are not UTF-8 text: save the file as \
                         \"CSV UTF-8\" and import it again."
                    .to_string(),
            });
            continue;
        }
        records.push(Record {
            line,
            cells: positions
                .iter()
                .map(|at| {
                    at.map(|at| unescaped(record.get(at).unwrap_or_default().trim()).to_string())
                })
                .collect(),
        });
    }
    Ok((records, refused))
}

/// Reads a users file (columns [`USER_COLUMNS`]; `user_code`, `name`, `group` required), each
/// line checked as the user form checks it.
pub fn read_user_file(
    text: &str,
    separator: Separator,
) -> Result<(Vec<UserLine>, Vec<LineRefusal>), FileProblem> {
    let (records, mut refused) = read_records(text, separator, &USER_COLUMNS, 3)?;
    let mut lines = Vec::new();
    for record in records {
        match user_line(
            record.line,
            record.text(0),
            record.text(1),
            record.text(2),
            record.cell(3),
            record.cell(4),
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
        code: shown(user_code),
        field: field.to_string(),
        reason,
    };
    if let Some(why) = stored_user_code_problem(user_code) {
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
    if let Some(why) = code_problem("Group", group) {
        return Err(refuse("group", why));
    }
    let companies = companies.map(company_codes);
    if let Some(why) = companies
        .iter()
        .flatten()
        .find_map(|code| code_problem("A company code", code))
    {
        return Err(refuse("companies", why));
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
        companies,
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
        /// Each field of the new record, as its history entry will say.
        changes: Vec<FieldChange>,
        write: Write,
    },
    Change {
        /// The record changed, and the version the dry run read (the write's guard).
        id: i64,
        version: i64,
        /// Each field's before and after, as the history entry will say.
        changes: Vec<FieldChange>,
        write: Write,
        /// R17's warning of a move across areas: confirming the dry run confirms it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        warning: Option<String>,
    },
    Unchanged {
        id: i64,
    },
    Refused {
        field: String,
        reason: String,
    },
}

/// What confirming a line writes, by kind of record.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Write {
    User(UserWrite),
    Group(GroupWrite),
    Company(CompanyWrite),
}

/// A user's fields to write (for a change, only those that differ).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UserWrite {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// The new group (a move: R17's history entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<i64>,
    /// The ticks among the companies the actor may see, replacing theirs (R14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_ids: Option<Vec<i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Queue an invitation (B06's "send the invitation again").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invite: bool,
    /// B06: one company ticked, or unticked, leaving the person's other ticks as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tick: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub untick: Option<i64>,
}

/// A user group as it will be (its whole Save, as the group form sends it).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupWrite {
    pub code: String,
    pub description: String,
    pub access_level: AccessLevel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_id: Option<i64>,
    pub options: Vec<crate::policy::OptionCode>,
}

/// A company as it will be (its whole Save, as the company form sends it).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyWrite {
    pub code: String,
    pub name: String,
    pub directory_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_in_charge_id: Option<i64>,
}

/// A line of the dry run: its number in the file (or the position of the person picked), its
/// key (a user code, a group's or a company's code) and what it comes to.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinePlan {
    pub line: u32,
    pub code: String,
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
            "user" | "user_code" | "user_in_charge" => "There is no such user.".to_string(),
            _ => "There is no such record.".to_string(),
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
    let mut administrators = stored.active_administrators;
    in_file_order(
        lines,
        |line| (line.line, line.user_code.clone(), "user_code"),
        |line| plan_user_line(actor, line, stored, &mut administrators),
    )
}

/// Each line's plan, in the file's order; a line whose key (any case) an earlier line holds is
/// refused, naming that line.
fn in_file_order<L>(
    lines: &[L],
    key: impl Fn(&L) -> (u32, String, &'static str),
    mut plan: impl FnMut(&L) -> Outcome,
) -> Vec<LinePlan> {
    let mut first_line: BTreeMap<String, u32> = BTreeMap::new();
    lines
        .iter()
        .map(|line| {
            let (number, code, field) = key(line);
            let outcome = match first_line.get(&code.to_lowercase()) {
                Some(first) => refused(
                    field,
                    format!("This code is already on line {first} of the file."),
                ),
                None => {
                    first_line.insert(code.to_lowercase(), number);
                    plan(line)
                }
            };
            LinePlan {
                line: number,
                code,
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
    let mut set = UserWrite::default();
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
        return Outcome::Unchanged { id: user.id };
    }
    Outcome::Change {
        id: user.id,
        version: user.version,
        changes,
        write: Write::User(set),
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
    let language = line.language.unwrap_or(Language::En);
    let after = |field: &str, value: &str| FieldChange {
        field: field.to_string(),
        before: None,
        after: Some(value.to_string()),
    };
    let mut changes = vec![
        after("user_code", &line.user_code),
        // R25: the mail user is the user code.
        after("mail_user", &line.user_code),
        after("name", &line.name),
        after("group", &group.code),
        after("language", language.as_str()),
    ];
    if !companies.is_empty() {
        let codes: Vec<&str> = companies.keys().map(String::as_str).collect();
        changes.push(after("companies", &codes.join(" ")));
    }
    Outcome::Create {
        changes,
        write: Write::User(UserWrite {
            name: Some(line.name.clone()),
            language: Some(language),
            group_id: Some(group.id.0),
            company_ids: Some(companies.values().map(|company| company.id.0).collect()),
            ..UserWrite::default()
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Groups and companies files

/// Longest record code (the forms' rule, `services::valid_code`).
const MAX_CODE: usize = 32;

fn code_problem(label: &str, code: &str) -> Option<String> {
    if code.is_empty() {
        return Some(format!("{label} is required."));
    }
    if code.chars().count() > MAX_CODE {
        return Some(format!("{label} has at most {MAX_CODE} characters."));
    }
    (!code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    .then(|| format!("{label} may contain only letters, digits, '_', '-' and '.'."))
}

fn text_cell_problem(label: &str, text: &str, max: usize, required: bool) -> Option<String> {
    if required && text.is_empty() {
        return Some(format!("{label} is required."));
    }
    if text.chars().count() > max {
        return Some(format!("{label} has at most {max} characters."));
    }
    text_problem(text).map(|why| format!("{label} {why}."))
}

/// An area a cell names, by lower-case code; empty: none.
fn area_named(
    cell: Option<&str>,
    areas: &BTreeMap<String, (crate::ids::AreaId, String)>,
) -> Result<Option<crate::ids::AreaId>, String> {
    match cell.filter(|code| !code.is_empty()) {
        None => Ok(None),
        Some(code) => areas
            .get(&code.to_lowercase())
            .map(|(area, _)| Some(*area))
            .ok_or_else(|| format!("There is no area {code}.")),
    }
}

/// The area a line's optional `area` column names: `None` when the column is absent (what is
/// stored is kept), `Some(None)` for an empty cell; an unknown area is the line's refusal.
fn line_area(
    column: Option<&Option<String>>,
    areas: &BTreeMap<String, (crate::ids::AreaId, String)>,
) -> Result<Option<Option<crate::ids::AreaId>>, String> {
    column
        .map(|cell| area_named(cell.as_deref(), areas))
        .transpose()
}

fn area_code(
    area: Option<crate::ids::AreaId>,
    areas: &BTreeMap<String, (crate::ids::AreaId, String)>,
) -> Option<String> {
    area.map(|area| {
        areas
            .values()
            .find(|(id, _)| *id == area)
            .map_or_else(|| area.0.to_string(), |(_, code)| code.clone())
    })
}

fn diff_field(
    changes: &mut Vec<FieldChange>,
    field: &str,
    before: Option<String>,
    after: Option<String>,
) {
    if before != after {
        changes.push(FieldChange {
            field: field.to_string(),
            before,
            after,
        });
    }
}

/// One line of a groups file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupLine {
    pub line: u32,
    pub code: String,
    pub access_level: AccessLevel,
    /// `None`: the column is absent (kept; empty for a new group).
    pub description: Option<String>,
    /// `None`: the column is absent (kept; none for a new group). `Some(None)`: an empty cell,
    /// no area.
    pub area: Option<Option<String>>,
    /// `None`: the column is absent (kept; none for a new group).
    pub options: Option<Vec<crate::policy::OptionCode>>,
}

/// The columns a groups file is read by (an export's `members` is skipped).
pub const GROUP_COLUMNS: [&str; 5] = ["code", "access_level", "description", "area", "options"];

/// Reads a groups file (`code`, `access_level` required).
pub fn read_group_file(
    text: &str,
    separator: Separator,
) -> Result<(Vec<GroupLine>, Vec<LineRefusal>), FileProblem> {
    let (records, mut refused) = read_records(text, separator, &GROUP_COLUMNS, 2)?;
    let mut lines = Vec::new();
    for record in records {
        let refuse = |field: &str, reason: String| LineRefusal {
            line: record.line,
            code: shown(record.text(0)),
            field: field.to_string(),
            reason,
        };
        let code = record.text(0);
        let description = record.cell(2);
        let level = AccessLevel::parse(&record.text(1).to_lowercase());
        let mut unknown = None;
        let options = record.cell(4).map(|cell| {
            let mut options = Vec::new();
            for word in cell.split_whitespace() {
                match crate::policy::OptionCode::parse(&word.to_lowercase()) {
                    Some(option) if !options.contains(&option) => options.push(option),
                    Some(_) => {}
                    None => unknown = unknown.clone().or(Some(word.to_string())),
                }
            }
            options
        });
        let refusal = if let Some(why) = code_problem("Code", code) {
            Some(refuse("code", why))
        } else if let Some(why) =
            description.and_then(|text| text_cell_problem("Description", text, 200, false))
        {
            Some(refuse("description", why))
        } else if let Some(word) = unknown {
            Some(refuse("options", format!("There is no option {word}.")))
        } else if let Some(why) = record
            .cell(3)
            .filter(|area| !area.is_empty())
            .and_then(|area| code_problem("Area", area))
        {
            Some(refuse("area", why))
        } else {
            level.is_none().then(|| {
                refuse(
                    "access_level",
                    "Access level is administrator, local_administrator or user.".to_string(),
                )
            })
        };
        match (refusal, level) {
            (Some(refusal), _) => refused.push(refusal),
            (None, Some(access_level)) => lines.push(GroupLine {
                line: record.line,
                code: code.to_string(),
                access_level,
                description: description.map(str::to_string),
                area: record
                    .cell(3)
                    .map(|area| (!area.is_empty()).then(|| area.to_string())),
                options,
            }),
            (None, None) => {}
        }
    }
    Ok((lines, refused))
}

/// A group as stored, as the actor may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredGroup {
    pub group: Group,
    pub description: String,
    pub version: i64,
    /// Its active regular administrators (R16).
    pub active_administrators: u32,
}

/// What a groups file names, as the actor may see it.
#[derive(Debug, Clone, Default)]
pub struct StoredGroups {
    pub groups: BTreeMap<String, StoredGroup>,
    /// Codes of groups the actor may not see.
    pub taken: BTreeSet<String>,
    /// The areas the actor may name, by lower-case code.
    pub areas: BTreeMap<String, (crate::ids::AreaId, String)>,
    pub active_administrators: u32,
}

fn options_text(options: crate::policy::OptionSet) -> String {
    options
        .iter()
        .map(crate::policy::OptionCode::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The plan of a groups file: each line decided as the group form's Save (R09, R11, R12, R16,
/// R31: `policy::create_group`, `policy::update_group`).
pub fn plan_group_lines(
    actor: &Actor,
    lines: &[GroupLine],
    stored: &StoredGroups,
) -> Vec<LinePlan> {
    // R16 across the file: each demoted Administrator group takes its active administrators
    // from the count the next lines are decided with.
    let mut administrators = stored.active_administrators;
    in_file_order(
        lines,
        |line| (line.line, line.code.clone(), "code"),
        |line| plan_group_line(actor, line, stored, &mut administrators),
    )
}

fn plan_group_line(
    actor: &Actor,
    line: &GroupLine,
    stored: &StoredGroups,
    administrators: &mut u32,
) -> Outcome {
    let area = match line_area(line.area.as_ref(), &stored.areas) {
        Ok(area) => area,
        Err(reason) => return refused("area", reason),
    };
    let key = line.code.to_lowercase();
    let Some(before) = stored.groups.get(&key) else {
        if stored.taken.contains(&key) {
            return refused("code", "This code is already used; choose another.");
        }
        let options: crate::policy::OptionSet = line.options.iter().flatten().copied().collect();
        let description = line.description.clone().unwrap_or_default();
        let access = match policy::create_group(actor, line.access_level, area.flatten(), options) {
            Ok(access) => access,
            Err(denial) => return denied("access_level", denial),
        };
        let given = match access {
            policy::GroupAccess::Administrator => crate::policy::OptionSet::all(),
            _ => options,
        };
        let after = |field: &str, value: Option<String>| FieldChange {
            field: field.to_string(),
            before: None,
            after: value,
        };
        return Outcome::Create {
            changes: vec![
                after("code", Some(line.code.clone())),
                after("description", Some(description.clone())),
                after("access_level", Some(access.level().as_str().to_string())),
                after("area", area_code(access.area(), &stored.areas)),
                after("options", Some(options_text(given))),
            ],
            write: Write::Group(GroupWrite {
                code: line.code.clone(),
                description,
                access_level: access.level(),
                area_id: access.area().map(|area| area.0),
                options: given.iter().collect(),
            }),
        };
    };
    let group = &before.group;
    // What the line asks, an absent column keeping what is stored.
    let description = line
        .description
        .clone()
        .unwrap_or_else(|| before.description.clone());
    let area = area.unwrap_or_else(|| group.area());
    let options: crate::policy::OptionSet = match &line.options {
        Some(options) => options.iter().copied().collect(),
        None => group.effective_options(),
    };
    let asked_options = match line.access_level {
        AccessLevel::Administrator => crate::policy::OptionSet::all(),
        _ => options,
    };
    // A line as stored is unchanged before any rule is asked: a local administrator's own
    // group (which they may not edit, R12) is in their export too, and imports back unchanged.
    if line.code == group.code
        && description == before.description
        && line.access_level == group.level()
        && area == group.area()
        && asked_options == group.effective_options()
    {
        return Outcome::Unchanged { id: group.id.0 };
    }
    if let Err(denial) = policy::edit_group(actor, group) {
        return denied("code", denial);
    }
    let others = administrators.saturating_sub(before.active_administrators);
    let (access, options) =
        match policy::update_group(actor, group, line.access_level, area, options, others) {
            Ok(decided) => decided,
            Err(denial) => return denied("access_level", denial),
        };
    if group.level() == AccessLevel::Administrator && access.level() != AccessLevel::Administrator {
        *administrators = administrators.saturating_sub(before.active_administrators);
    }
    let mut changes = Vec::new();
    diff_field(
        &mut changes,
        "code",
        Some(group.code.clone()),
        Some(line.code.clone()),
    );
    diff_field(
        &mut changes,
        "description",
        Some(before.description.clone()),
        Some(description.clone()),
    );
    diff_field(
        &mut changes,
        "access_level",
        Some(group.level().as_str().to_string()),
        Some(access.level().as_str().to_string()),
    );
    diff_field(
        &mut changes,
        "area",
        area_code(group.area(), &stored.areas),
        area_code(access.area(), &stored.areas),
    );
    diff_field(
        &mut changes,
        "options",
        Some(options_text(group.effective_options())),
        Some(options_text(options)),
    );
    if changes.is_empty() {
        return Outcome::Unchanged { id: group.id.0 };
    }
    Outcome::Change {
        id: group.id.0,
        version: before.version,
        changes,
        write: Write::Group(GroupWrite {
            code: line.code.clone(),
            description,
            access_level: access.level(),
            area_id: access.area().map(|area| area.0),
            options: options.iter().collect(),
        }),
        warning: None,
    }
}

/// One line of a companies file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyLine {
    pub line: u32,
    pub code: String,
    pub name: String,
    pub directory: String,
    /// An area's code; `Some(None)`: an empty cell, no area; `None`: the column is absent (kept).
    pub area: Option<Option<String>>,
    /// A user code; `Some(None)`: an empty cell, none; `None`: the column is absent (kept).
    pub user_in_charge: Option<Option<String>>,
}

/// The columns a companies file is read by.
pub const COMPANY_COLUMNS: [&str; 5] = ["code", "name", "directory", "area", "user_in_charge"];

/// Reads a companies file (`code`, `name`, `directory` required).
pub fn read_company_file(
    text: &str,
    separator: Separator,
) -> Result<(Vec<CompanyLine>, Vec<LineRefusal>), FileProblem> {
    let (records, mut refused) = read_records(text, separator, &COMPANY_COLUMNS, 3)?;
    let mut lines = Vec::new();
    for record in records {
        let refuse = |field: &str, reason: String| LineRefusal {
            line: record.line,
            code: shown(record.text(0)),
            field: field.to_string(),
            reason,
        };
        let (code, name, directory) = (record.text(0), record.text(1), record.text(2));
        let area = record.cell(3).filter(|area| !area.is_empty());
        let in_charge = record.cell(4).filter(|code| !code.is_empty());
        let refusal = code_problem("Code", code)
            .map(|why| refuse("code", why))
            .or_else(|| text_cell_problem("Name", name, 120, true).map(|why| refuse("name", why)))
            .or_else(|| code_problem("Directory", directory).map(|why| refuse("directory", why)))
            .or_else(|| {
                area.and_then(|area| code_problem("Area", area))
                    .map(|why| refuse("area", why))
            })
            .or_else(|| {
                in_charge
                    .and_then(stored_user_code_problem)
                    .map(|why| refuse("user_in_charge", why.to_string()))
            });
        match refusal {
            Some(refusal) => refused.push(refusal),
            None => lines.push(CompanyLine {
                line: record.line,
                code: code.to_string(),
                name: name.to_string(),
                directory: directory.to_string(),
                area: record
                    .cell(3)
                    .map(|cell| (!cell.is_empty()).then(|| cell.to_string())),
                user_in_charge: record
                    .cell(4)
                    .map(|cell| (!cell.is_empty()).then(|| normalize_user_code(cell))),
            }),
        }
    }
    Ok((lines, refused))
}

/// A company as stored, as the actor may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCompany {
    pub company: policy::Company,
    pub code: String,
    pub name: String,
    pub version: i64,
    /// Its user in charge: their id, and their code when the actor may see them (R19).
    pub user_in_charge: Option<(i64, Option<String>)>,
}

/// A directory the actor may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDirectory {
    pub directory: policy::Directory,
    pub code: String,
}

/// What a companies file names, as the actor may see it.
#[derive(Debug, Clone, Default)]
pub struct StoredCompanies {
    pub companies: BTreeMap<String, StoredCompany>,
    pub taken: BTreeSet<String>,
    pub directories: BTreeMap<String, StoredDirectory>,
    pub areas: BTreeMap<String, (crate::ids::AreaId, String)>,
    /// The people the lines put in charge, among those the actor may pick (R19), by user code.
    pub in_charge: BTreeMap<String, (policy::User, Group)>,
}

/// The plan of a companies file: each line decided as the company form's Save (R07, R08, R11,
/// R12, R19: `policy::create_company`, `edit_company`, `set_company_area`,
/// `set_user_in_charge`). A change of area that would move a multidimensional directory's
/// every company (R08) is left to the form, where it is confirmed.
pub fn plan_company_lines(
    actor: &Actor,
    lines: &[CompanyLine],
    stored: &StoredCompanies,
) -> Vec<LinePlan> {
    in_file_order(
        lines,
        |line| (line.line, line.code.clone(), "code"),
        |line| plan_company_line(actor, line, stored),
    )
}

/// What a line says of the user in charge: nobody, someone the actor may pick (R19), or the
/// holder as stored (named as the export wrote them, whether or not they may be picked now).
enum InCharge<'a> {
    Kept,
    Nobody,
    Holder,
    Person(&'a (policy::User, Group)),
}

fn plan_company_line(actor: &Actor, line: &CompanyLine, stored: &StoredCompanies) -> Outcome {
    let Some(directory) = stored.directories.get(&line.directory.to_lowercase()) else {
        return refused(
            "directory",
            format!("There is no directory {}.", line.directory),
        );
    };
    let area = match line_area(line.area.as_ref(), &stored.areas) {
        Ok(area) => area,
        Err(reason) => return refused("area", reason),
    };
    let key = line.code.to_lowercase();
    let before = stored.companies.get(&key);
    let holder = before.and_then(|company| company.user_in_charge.as_ref());
    let named = match &line.user_in_charge {
        None => InCharge::Kept,
        Some(None) => InCharge::Nobody,
        Some(Some(code))
            if holder.is_some_and(|(_, seen)| seen.as_deref() == Some(code.as_str())) =>
        {
            InCharge::Holder
        }
        Some(Some(code)) => match stored.in_charge.get(code) {
            Some(person) => InCharge::Person(person),
            None => {
                return refused(
                    "user_in_charge",
                    format!("There is no user {code} to put in charge."),
                )
            }
        },
    };
    let write = |area: Option<crate::ids::AreaId>, in_charge: Option<i64>| {
        Write::Company(CompanyWrite {
            code: line.code.clone(),
            name: line.name.clone(),
            directory_id: directory.directory.id.0,
            area_id: area.map(|area| area.0),
            user_in_charge_id: in_charge,
        })
    };
    let Some(before) = before else {
        if stored.taken.contains(&key) {
            return refused("code", "This code is already used; choose another.");
        }
        let rules = &directory.directory;
        let area = area.flatten();
        if rules.multidimensional && rules.area.is_none() && area.is_some() {
            return refused(
                "area",
                "This multidimensional directory takes its area from its first company: create \
                 that company on its form.",
            );
        }
        let area = match policy::create_company(actor, rules, area) {
            Ok(area) => area,
            Err(denial) => return denied("area", denial),
        };
        let in_charge = match named {
            InCharge::Person((person, group)) => {
                let provisional = CompanyRef {
                    id: CompanyId(0),
                    area,
                };
                if let Err(denial) = policy::set_user_in_charge(actor, provisional, person, group) {
                    return denied("user_in_charge", denial);
                }
                Some(person.id.0)
            }
            _ => None,
        };
        let after = |field: &str, value: Option<String>| FieldChange {
            field: field.to_string(),
            before: None,
            after: value,
        };
        return Outcome::Create {
            changes: vec![
                after("code", Some(line.code.clone())),
                after("name", Some(line.name.clone())),
                after("directory", Some(directory.code.clone())),
                after("area", area_code(area, &stored.areas)),
                after("user_in_charge", line.user_in_charge.clone().flatten()),
            ],
            write: write(area, in_charge),
        };
    };
    let area = area.unwrap_or(before.company.area);
    let holder_id = holder.map(|(id, _)| *id);
    // Whom the line puts in charge; a holder the actor may not see stays unless someone is named
    // (R19: the form's empty field neither shows nor clears them).
    let in_charge = match named {
        InCharge::Kept | InCharge::Holder => holder_id,
        InCharge::Nobody if holder.is_some_and(|(_, seen)| seen.is_none()) => holder_id,
        InCharge::Nobody => None,
        InCharge::Person((person, _)) => Some(person.id.0),
    };
    // A line as stored is unchanged before any rule is asked (the record is the actor's to see).
    if line.code == before.code
        && line.name == before.name
        && before.company.directory == directory.directory.id
        && area == before.company.area
        && in_charge == holder_id
    {
        return Outcome::Unchanged {
            id: before.company.id.0,
        };
    }
    let reference = CompanyRef {
        id: before.company.id,
        area: before.company.area,
    };
    if let Err(denial) = policy::edit_company(actor, reference) {
        return denied("code", denial);
    }
    if before.company.directory != directory.directory.id {
        return refused("directory", "A company cannot change directory.");
    }
    let mut changes = Vec::new();
    diff_field(
        &mut changes,
        "code",
        Some(before.code.clone()),
        Some(line.code.clone()),
    );
    diff_field(
        &mut changes,
        "name",
        Some(before.name.clone()),
        Some(line.name.clone()),
    );
    if area != before.company.area {
        match policy::set_company_area(actor, &before.company, &directory.directory) {
            Ok(policy::CompanyAreaChange::OnlyCompany) => {}
            Ok(policy::CompanyAreaChange::WholeDirectory(_)) => {
                return refused(
                    "area",
                    "This company's directory is multidimensional: its area is the directory's \
                     and every company's in it. Change it on the company's form, where the move \
                     of them all is confirmed.",
                )
            }
            Err(denial) => return denied("area", denial),
        }
        diff_field(
            &mut changes,
            "area",
            area_code(before.company.area, &stored.areas),
            area_code(area, &stored.areas),
        );
    }
    if let InCharge::Person((person, group)) = named {
        if holder_id != Some(person.id.0) {
            let moved = CompanyRef {
                id: before.company.id,
                area,
            };
            if let Err(denial) = policy::set_user_in_charge(actor, moved, person, group) {
                return denied("user_in_charge", denial);
            }
        }
    }
    if in_charge != holder_id {
        // A holder the actor may not see is "another user" in their history (R19).
        let was =
            holder.map(|(_, seen)| seen.clone().unwrap_or_else(|| "(another user)".to_string()));
        diff_field(
            &mut changes,
            "user_in_charge",
            was,
            line.user_in_charge.clone().flatten(),
        );
    }
    if changes.is_empty() {
        return Outcome::Unchanged {
            id: before.company.id.0,
        };
    }
    Outcome::Change {
        id: before.company.id.0,
        version: before.version,
        changes,
        write: write(area, in_charge),
        warning: None,
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
            code: user.user_code.clone(),
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
    let unchanged = Outcome::Unchanged { id: user.id };
    let change =
        |field: &str, before: String, after: String, set: UserWrite, warning| Outcome::Change {
            id: user.id,
            version: user.version,
            changes: vec![FieldChange {
                field: field.to_string(),
                before: Some(before),
                after: Some(after),
            }],
            write: Write::User(set),
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
                UserWrite {
                    active: Some(active),
                    ..UserWrite::default()
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
                UserWrite {
                    group_id: Some(group.id.0),
                    ..UserWrite::default()
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
            // Queued, not written to the person: no version of theirs to guard (an edit of them
            // in between leaves the dry run as it was).
            Outcome::Change {
                id: user.id,
                version: 0,
                changes: vec![FieldChange {
                    field: "invitation".to_string(),
                    before: None,
                    after: Some("queued".to_string()),
                }],
                write: Write::User(UserWrite {
                    invite: true,
                    ..UserWrite::default()
                }),
                warning: None,
            }
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
            // One row added or removed (the person's other ticks are not rewritten).
            let (field, write) = if tick {
                (
                    "ticked",
                    UserWrite {
                        tick: Some(company.id.0),
                        ..UserWrite::default()
                    },
                )
            } else {
                (
                    "unticked",
                    UserWrite {
                        untick: Some(company.id.0),
                        ..UserWrite::default()
                    },
                )
            };
            change(field, String::new(), code.clone(), write, None)
        }
    }
}
