//! B04 import and B06 bulk actions. A dry run reads what its lines name (a few set-based
//! queries through the actor's scopes), asks the policy line by line (`precinct_core::bulk`,
//! the single edits' own decisions) and keeps the plan under a token. Confirming writes it
//! chunk by chunk, each chunk one batch with its history entries and version guards, after the
//! chunk was planned again and found identical (otherwise 409: the data changed since the dry
//! run). Invitations wait in a queue and are sent a few per request.

use std::collections::BTreeMap;

use precinct_core::api::FieldChange;
use precinct_core::api::{
    BulkActionKind, BulkRequest, ChunkProgress, ConfirmChunk, DryRun, ImportKind, ImportRequest,
    InvitationFailure, InvitationsSent, RunCounts, RunReport,
};
use precinct_core::bulk::{
    self, BulkAction, BulkTarget, CompanyLine, CompanyWrite, GroupLine, GroupWrite, LinePlan,
    Outcome, StoredUser, UserLine, UserWrite, Write, CHUNK_LINES,
};
use precinct_core::history_text::HistoryEvent;
use precinct_core::ids::{AreaId, CompanyId};
use precinct_core::policy::{
    self, company_scope, group_scope, user_scope, CompanyRef, Group, GroupAccess, OptionSet,
};
use precinct_core::problem::{Problem, ProblemCode};
use serde::{Deserialize, Serialize};
use worker::D1PreparedStatement;

use super::mail::MailEnv;
use super::Ctx;
use crate::auth::SystemEntropy;
use crate::error::{ApiError, ApiResult};
use crate::store::import::{self as stored, NewChunk, Scopes};
use crate::store::{self, companies, groups, users};

/// How long a dry run waits for its confirmation.
const DRY_RUN_LIFETIME_MS: i64 = 2 * 60 * 60 * 1000;
/// Most people one bulk action reaches.
const MAX_PEOPLE: usize = bulk::MAX_LINES;
/// Invitations sent by one request (each is a call to the mail provider).
pub const INVITATIONS_PER_REQUEST: i64 = 10;

fn scopes(ctx: &Ctx<'_>) -> Scopes {
    Scopes {
        users: user_scope(ctx.actor()),
        groups: group_scope(ctx.actor()),
        companies: company_scope(ctx.actor()),
    }
}

fn json<T: Serialize>(value: &T) -> ApiResult<String> {
    serde_json::to_string(value).map_err(ApiError::internal)
}

fn parsed<T: for<'de> Deserialize<'de>>(text: &str) -> ApiResult<T> {
    serde_json::from_str(text).map_err(ApiError::internal)
}

fn counts(lines: &[LinePlan]) -> RunCounts {
    let mut counts = RunCounts::default();
    for line in lines {
        match line.outcome {
            Outcome::Create { .. } => counts.create += 1,
            Outcome::Change { .. } => counts.change += 1,
            Outcome::Unchanged { .. } => counts.unchanged += 1,
            Outcome::Refused { .. } => counts.refused += 1,
        }
    }
    counts
}

/// What a run keeps besides its chunks.
#[derive(Serialize, Deserialize)]
struct Summary {
    counts: RunCounts,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    invite: bool,
}

/// What a bulk run's chunk was asked of.
#[derive(Serialize, Deserialize)]
struct BulkSource {
    action: BulkAction,
    user_ids: Vec<i64>,
}

/// Keeps the plan's writing lines in chunks, with what they were read from, and answers the
/// dry run.
async fn keep<S: Serialize>(
    ctx: &Ctx<'_>,
    kind: &str,
    lines: Vec<LinePlan>,
    sources: Vec<S>,
    summary: Summary,
) -> ApiResult<DryRun> {
    let writing: Vec<(&LinePlan, S)> = lines
        .iter()
        .filter(|line| line.writes())
        .zip(sources)
        .collect();
    let mut chunks = Vec::new();
    for part in writing.chunks(CHUNK_LINES) {
        let (Some(first), Some(last)) = (part.first(), part.last()) else {
            continue;
        };
        let plan: Vec<&LinePlan> = part.iter().map(|(line, _)| *line).collect();
        let source: Vec<&S> = part.iter().map(|(_, source)| source).collect();
        chunks.push(NewChunk {
            first_line: first.0.line,
            last_line: last.0.line,
            source: json(&source)?,
            plan: json(&plan)?,
        });
    }
    let token = crate::auth::new_token(&mut SystemEntropy)?;
    let expires_at = ctx.now + DRY_RUN_LIFETIME_MS;
    store::commit(
        ctx.db,
        stored::insert_run(
            ctx.db,
            &token,
            kind,
            ctx.actor().user().0,
            (ctx.now, expires_at),
            &json(&summary)?,
            &chunks,
        )?,
    )
    .await?;
    Ok(DryRun {
        token,
        kind: kind.to_string(),
        action: summary.action,
        expires_at,
        counts: summary.counts,
        chunks: u32::try_from(chunks.len()).unwrap_or(u32::MAX),
        lines,
    })
}

/// The plan of users-file lines against what is stored now.
async fn plan_users(ctx: &Ctx<'_>, lines: &[UserLine]) -> ApiResult<Vec<LinePlan>> {
    let codes: Vec<String> = lines.iter().map(|line| line.user_code.clone()).collect();
    let mut companies: Vec<String> = lines
        .iter()
        .flat_map(|line| line.companies.iter().flatten().cloned())
        .collect();
    companies.sort();
    companies.dedup();
    let stored = stored::stored_for_lines(ctx.db, scopes(ctx), &codes, &companies).await?;
    Ok(bulk::plan_user_lines(ctx.actor(), lines, &stored))
}

/// The gate of each kind of run: importing users, groups or companies is managing them; a bulk
/// action is managing users.
fn gate(ctx: &Ctx<'_>, kind: &str) -> ApiResult<()> {
    match kind {
        "groups" => policy::manage_groups_in_bulk(ctx.actor())?,
        "companies" => policy::manage_companies_in_bulk(ctx.actor())?,
        _ => policy::manage_users_in_bulk(ctx.actor())?,
    }
    Ok(())
}

/// The plan of groups-file lines against what is stored now.
async fn plan_groups(ctx: &Ctx<'_>, lines: &[GroupLine]) -> ApiResult<Vec<LinePlan>> {
    let codes: Vec<String> = lines.iter().map(|line| line.code.clone()).collect();
    let stored = stored::stored_for_groups(
        ctx.db,
        (group_scope(ctx.actor()), policy::area_scope(ctx.actor())),
        &codes,
    )
    .await?;
    Ok(bulk::plan_group_lines(ctx.actor(), lines, &stored))
}

/// The plan of companies-file lines against what is stored now.
async fn plan_companies(ctx: &Ctx<'_>, lines: &[CompanyLine]) -> ApiResult<Vec<LinePlan>> {
    let codes: Vec<String> = lines.iter().map(|line| line.code.clone()).collect();
    let directories: Vec<String> = lines.iter().map(|line| line.directory.clone()).collect();
    let in_charge: Vec<String> = lines
        .iter()
        .filter_map(|line| line.user_in_charge.clone().flatten())
        .collect();
    let stored =
        stored::stored_for_companies(ctx.db, ctx.actor(), &codes, &directories, &in_charge).await?;
    Ok(bulk::plan_company_lines(ctx.actor(), lines, &stored))
}

/// The dry run of a file's lines: their plan, the file's own refusals among them in line order,
/// and the lines that write kept with what they were read as.
async fn dry_run_of<L: Serialize>(
    ctx: &Ctx<'_>,
    kind: &str,
    (lines, refusals): (Vec<L>, Vec<bulk::LineRefusal>),
    planned: Vec<LinePlan>,
    invite: bool,
) -> ApiResult<DryRun> {
    let mut all: Vec<LinePlan> = planned
        .iter()
        .cloned()
        .chain(refusals.into_iter().map(|refusal| LinePlan {
            line: refusal.line,
            code: refusal.code,
            outcome: Outcome::Refused {
                field: refusal.field,
                reason: refusal.reason,
            },
        }))
        .collect();
    all.sort_by_key(|line| line.line);
    let sources: Vec<L> = lines
        .into_iter()
        .zip(&planned)
        .filter(|(_, plan)| plan.writes())
        .map(|(line, _)| line)
        .collect();
    let summary = Summary {
        counts: counts(&all),
        action: None,
        invite,
    };
    keep(ctx, kind, all, sources, summary).await
}

fn file_problem(problem: bulk::FileProblem) -> ApiError {
    ApiError::invalid("file", ProblemCode::InvalidValue, problem.0)
}

/// `POST /api/imports`: the dry run of a file of users, user groups or companies.
pub async fn dry_run(ctx: &Ctx<'_>, input: ImportRequest) -> ApiResult<DryRun> {
    let kind = input.kind.as_str();
    gate(ctx, kind)?;
    match input.kind {
        ImportKind::Users => {
            let (lines, refusals) =
                bulk::read_user_file(&input.file, input.separator).map_err(file_problem)?;
            let planned = plan_users(ctx, &lines).await?;
            dry_run_of(ctx, kind, (lines, refusals), planned, input.invite).await
        }
        ImportKind::Groups => {
            let (lines, refusals) =
                bulk::read_group_file(&input.file, input.separator).map_err(file_problem)?;
            let planned = plan_groups(ctx, &lines).await?;
            dry_run_of(ctx, kind, (lines, refusals), planned, false).await
        }
        ImportKind::Companies => {
            let (lines, refusals) =
                bulk::read_company_file(&input.file, input.separator).map_err(file_problem)?;
            let planned = plan_companies(ctx, &lines).await?;
            dry_run_of(ctx, kind, (lines, refusals), planned, false).await
        }
    }
}

/// The group a bulk move names, or the company a tick names, as the actor may see it.
async fn bulk_target(ctx: &Ctx<'_>, input: &BulkRequest) -> ApiResult<(BulkAction, BulkTarget)> {
    let mut target = BulkTarget::default();
    let action = match input.action {
        BulkActionKind::Disable => BulkAction::Disable,
        BulkActionKind::Enable => BulkAction::Enable,
        BulkActionKind::Invite => BulkAction::Invite,
        BulkActionKind::Move => {
            let id = input.group_id.map(|group| group.0).ok_or_else(|| {
                ApiError::invalid(
                    "group_id",
                    ProblemCode::Required,
                    "Choose the group to move to.",
                )
            })?;
            // The group the user form's move names, found the same way (R15: in the scope).
            target.group = Some(super::users::chosen_group(ctx, id).await?);
            BulkAction::Move { group_id: id }
        }
        BulkActionKind::Tick | BulkActionKind::Untick => {
            let id = input.company_id.map(|company| company.0).ok_or_else(|| {
                ApiError::invalid("company_id", ProblemCode::Required, "Choose the company.")
            })?;
            let found = companies::references(ctx.db, &[id]).await?;
            let company = found
                .into_iter()
                .map(|(id, code, area)| {
                    (
                        CompanyRef {
                            id: CompanyId(id),
                            area: area.map(AreaId),
                        },
                        code,
                    )
                })
                .find(|(company, _)| policy::may_see_company(ctx.actor(), *company))
                .ok_or_else(|| {
                    ApiError::invalid(
                        "company_id",
                        ProblemCode::UnknownCompany,
                        "There is no such company.",
                    )
                })?;
            target.company = Some(company);
            if input.action == BulkActionKind::Tick {
                BulkAction::Tick { company_id: id }
            } else {
                BulkAction::Untick { company_id: id }
            }
        }
    };
    Ok((action, target))
}

/// The plan of a bulk action over `ids`, numbered by position from `first`; people the actor
/// may not see are refused as if they did not exist.
async fn plan_people(
    ctx: &Ctx<'_>,
    action: &BulkAction,
    target: &BulkTarget,
    ids: &[i64],
) -> ApiResult<Vec<LinePlan>> {
    // Read in parts (a statement's list of ids stays small), planned at once: R16's count of
    // active administrators runs across all of them.
    let mut people = Vec::with_capacity(ids.len());
    for part in ids.chunks(2_000) {
        people.extend(stored::people_by_id(ctx.db, scopes(ctx), part).await?);
    }
    let administrators = stored::active_administrators(ctx.db).await?;
    let planned = bulk::plan_bulk(ctx.actor(), action, &people, target, administrators);
    let mut by_id: BTreeMap<i64, LinePlan> =
        people.iter().map(|person| person.id).zip(planned).collect();
    Ok(ids
        .iter()
        .zip(1u32..)
        .map(|(id, line)| match by_id.remove(id) {
            Some(plan) => LinePlan { line, ..plan },
            None => LinePlan {
                line,
                code: String::new(),
                outcome: Outcome::Refused {
                    field: "user".to_string(),
                    reason: "There is no such user.".to_string(),
                },
            },
        })
        .collect())
}

/// `POST /api/bulk`: the dry run of a bulk action.
pub async fn bulk_dry_run(ctx: &Ctx<'_>, input: BulkRequest) -> ApiResult<DryRun> {
    policy::manage_users_in_bulk(ctx.actor())?;
    let mut ids: Vec<i64> = match (&input.user_ids, &input.all_matching) {
        (Some(ids), None) => ids.iter().map(|id| id.0).collect(),
        (None, Some(search)) => {
            // The users list's own search, with its own limit.
            crate::store::list::check_search(
                "all_matching.q",
                search.q.as_deref().unwrap_or_default(),
            )?;
            let filter = users::UserFilter {
                group_id: search.group_id.map(|group| group.0),
                area_id: search.area_id.map(|area| area.0),
                active: search.active,
                ..users::UserFilter::default()
            };
            stored::ids_matching(
                ctx.db,
                user_scope(ctx.actor()),
                &filter,
                &search.q,
                MAX_PEOPLE + 1,
            )
            .await?
        }
        _ => {
            return Err(ApiError::invalid(
                "user_ids",
                ProblemCode::Required,
                "Pick the users (user_ids), or give the search whose users to act on \
                 (all_matching), not both.",
            ))
        }
    };
    let mut seen = std::collections::BTreeSet::new();
    ids.retain(|id| seen.insert(*id));
    if ids.is_empty() {
        return Err(ApiError::invalid(
            "user_ids",
            ProblemCode::Required,
            "Pick at least one user.",
        ));
    }
    if ids.len() > MAX_PEOPLE {
        return Err(ApiError::invalid(
            "user_ids",
            ProblemCode::TooMany,
            format!("At most {MAX_PEOPLE} users at once: narrow the search."),
        ));
    }
    let (action, target) = bulk_target(ctx, &input).await?;
    let lines = plan_people(ctx, &action, &target, &ids).await?;
    let sources: Vec<BulkSource> = lines
        .iter()
        .zip(&ids)
        .filter(|(line, _)| line.writes())
        .map(|(_, id)| BulkSource {
            action: action.clone(),
            user_ids: vec![*id],
        })
        .collect();
    let summary = Summary {
        counts: counts(&lines),
        action: Some(action.describe().to_string()),
        invite: false,
    };
    keep(ctx, "bulk", lines, sources, summary).await
}

/// A run of this account, made by this actor (another's is answered as none).
async fn own_run(ctx: &Ctx<'_>, token: &str) -> ApiResult<stored::RunRow> {
    stored::run(ctx.db, token, ctx.now)
        .await?
        .filter(|run| run.actor_id == ctx.actor().user().0)
        .ok_or_else(|| {
            ApiError::Problem(Problem {
                status: 404,
                code: ProblemCode::NotFound.as_str().to_string(),
                message: "There is no such dry run, or it expired: run the dry run again."
                    .to_string(),
                field: None,
                errors: Vec::new(),
            })
        })
}

/// A record a confirmed line names went away between the re-plan and the write.
fn stale_record(what: &str) -> ApiError {
    ApiError::Problem(Problem {
        status: 409,
        code: ProblemCode::StaleDryRun.as_str().to_string(),
        message: format!(
            "A {what} this dry run names changed since: run the dry run again and confirm the new one."
        ),
        field: None,
        errors: Vec::new(),
    })
}

fn stale(line: u32) -> ApiError {
    ApiError::Problem(Problem {
        status: 409,
        code: ProblemCode::StaleDryRun.as_str().to_string(),
        message: format!(
            "The data changed since the dry run (line {line}): nothing more was written. Run the \
             dry run again and confirm the new one; the lines already written will show as \
             unchanged."
        ),
        field: None,
        errors: Vec::new(),
    })
}

/// What the chunks' lines come to now, planned again as the dry run planned them.
async fn replan(
    ctx: &Ctx<'_>,
    kind: &str,
    chunks: &[stored::ChunkRow],
) -> ApiResult<Vec<LinePlan>> {
    if kind == "bulk" {
        let mut sources: Vec<BulkSource> = Vec::new();
        for chunk in chunks {
            sources.extend(parsed::<Vec<BulkSource>>(&chunk.source)?);
        }
        let Some(first) = sources.first() else {
            return Ok(Vec::new());
        };
        let action = first.action.clone();
        let request = BulkRequest {
            action: match action {
                BulkAction::Disable => BulkActionKind::Disable,
                BulkAction::Enable => BulkActionKind::Enable,
                BulkAction::Invite => BulkActionKind::Invite,
                BulkAction::Move { .. } => BulkActionKind::Move,
                BulkAction::Tick { .. } => BulkActionKind::Tick,
                BulkAction::Untick { .. } => BulkActionKind::Untick,
            },
            group_id: match action {
                BulkAction::Move { group_id } => Some(precinct_core::ids::GroupId(group_id)),
                _ => None,
            },
            company_id: match action {
                BulkAction::Tick { company_id } | BulkAction::Untick { company_id } => {
                    Some(CompanyId(company_id))
                }
                _ => None,
            },
            user_ids: None,
            all_matching: None,
        };
        // The group or company may have gone, or left the actor's sight: the lines say so.
        let target = match bulk_target(ctx, &request).await {
            Ok((_, target)) => target,
            Err(ApiError::Problem(_)) => BulkTarget::default(),
            Err(other) => return Err(other),
        };
        let ids: Vec<i64> = sources
            .iter()
            .flat_map(|source| source.user_ids.clone())
            .collect();
        return plan_people(ctx, &action, &target, &ids).await;
    }
    match kind {
        "groups" => plan_groups(ctx, &sources_of::<GroupLine>(chunks)?).await,
        "companies" => plan_companies(ctx, &sources_of::<CompanyLine>(chunks)?).await,
        _ => plan_users(ctx, &sources_of::<UserLine>(chunks)?).await,
    }
}

/// What the chunks' lines were read as.
fn sources_of<L: for<'de> Deserialize<'de>>(chunks: &[stored::ChunkRow]) -> ApiResult<Vec<L>> {
    let mut lines = Vec::new();
    for chunk in chunks {
        lines.extend(parsed::<Vec<L>>(&chunk.source)?);
    }
    Ok(lines)
}

/// The kept plans of `chunks`, in order.
fn kept(chunks: &[stored::ChunkRow]) -> ApiResult<Vec<LinePlan>> {
    let mut plans = Vec::new();
    for chunk in chunks {
        plans.extend(parsed::<Vec<LinePlan>>(&chunk.plan)?);
    }
    Ok(plans)
}

/// The first line whose plan now differs from the dry run's (positions aside: a bulk run's
/// people are planned again by id).
fn first_difference(kept: &[LinePlan], now: &[LinePlan]) -> Option<u32> {
    if kept.len() != now.len() {
        return Some(kept.first().map_or(0, |line| line.line));
    }
    kept.iter()
        .zip(now)
        .find(|(then, now)| then.code != now.code || then.outcome != now.outcome)
        .map(|(then, _)| then.line)
}

/// `POST /api/imports/{token}/confirm`: writes one chunk of the dry run, as shown.
pub async fn confirm(ctx: &Ctx<'_>, token: &str, input: ConfirmChunk) -> ApiResult<RunReport> {
    let run = own_run(ctx, token).await?;
    gate(ctx, &run.kind)?;
    let n = i64::from(input.chunk);
    if n >= run.chunks {
        return Err(ApiError::invalid(
            "chunk",
            ProblemCode::InvalidValue,
            format!("This dry run has {} chunks, numbered from 0.", run.chunks),
        ));
    }
    // Which chunks are written (their lines not read): a chunk written already is not again.
    let progress = stored::progress(ctx.db, run.id).await?;
    let written = |n: i64| progress.iter().any(|(m, _, _, at)| *m == n && at.is_some());
    if !written(n) {
        // Before the first write, the whole dry run is planned again: a change anywhere refuses
        // it before anything is written. Then each chunk again, just before it is written.
        let nothing_written = progress.iter().all(|(_, _, _, at)| at.is_none());
        let checked = stored::chunks(ctx.db, run.id, (!nothing_written).then_some(n)).await?;
        let then = kept(&checked)?;
        let now = replan(ctx, &run.kind, &checked).await?;
        if let Some(line) = first_difference(&then, &now) {
            return Err(stale(line));
        }
        let this = kept(
            &checked
                .into_iter()
                .filter(|other| other.n == n)
                .collect::<Vec<_>>(),
        )?;
        let summary: Summary = parsed(&run.summary)?;
        write_chunk(ctx, &this, summary.invite, (run.id, n)).await?;
    }
    report(ctx, token).await
}

/// Writes a chunk's lines in one batch: each line's statements with their version guards and
/// history entries, the chunk marked written, R16 checked once at the end.
async fn write_chunk(
    ctx: &Ctx<'_>,
    lines: &[LinePlan],
    invite: bool,
    (run, n): (i64, i64),
) -> ApiResult<()> {
    let people_changed: Vec<i64> = lines
        .iter()
        .filter_map(|line| match &line.outcome {
            Outcome::Change {
                id,
                write: Write::User(_),
                ..
            } => Some(*id),
            _ => None,
        })
        .collect();
    let people: BTreeMap<i64, StoredUser> =
        stored::people_by_id(ctx.db, scopes(ctx), &people_changed)
            .await?
            .into_iter()
            .map(|person| (person.id, person))
            .collect();
    let groups: BTreeMap<i64, Group> = stored::visible_groups(ctx.db, group_scope(ctx.actor()))
        .await?
        .into_iter()
        .map(|group| (group.id.0, group))
        .collect();
    // The companies changed, as they are before (their area names their history's area).
    let companies_changed: Vec<i64> = lines
        .iter()
        .filter_map(|line| match &line.outcome {
            Outcome::Change {
                id,
                write: Write::Company(_),
                ..
            } => Some(*id),
            _ => None,
        })
        .collect();
    let company_areas: BTreeMap<i64, Option<i64>> = if companies_changed.is_empty() {
        BTreeMap::new()
    } else {
        companies::references(ctx.db, &companies_changed)
            .await?
            .into_iter()
            .map(|(id, _, area)| (id, area))
            .collect()
    };
    let mut statements = Vec::new();
    for line in lines {
        match &line.outcome {
            Outcome::Create { changes, write } => match write {
                Write::User(user) => {
                    let group = user
                        .group_id
                        .and_then(|id| groups.get(&id))
                        .ok_or_else(|| stale(line.line))?;
                    statements.extend(creation(ctx, &line.code, user, group, changes, invite)?);
                }
                Write::Group(group) => statements.extend(group_creation(ctx, group, changes)?),
                Write::Company(company) => {
                    statements.extend(company_creation(ctx, company, changes)?)
                }
            },
            Outcome::Change {
                id,
                version,
                changes,
                write,
                ..
            } => match write {
                Write::User(set) => {
                    let person = people.get(id).ok_or_else(|| stale(line.line))?;
                    statements.extend(alteration(ctx, person, *version, changes, set, &groups)?);
                }
                Write::Group(group) => {
                    let before = groups.get(id).ok_or_else(|| stale(line.line))?;
                    statements.extend(group_change(ctx, (*id, *version), before, group, changes)?);
                }
                Write::Company(company) => {
                    let area = company_areas
                        .get(id)
                        .copied()
                        .ok_or_else(|| stale(line.line))?;
                    statements.extend(company_change(
                        ctx,
                        (*id, *version),
                        area,
                        company,
                        changes,
                    )?);
                }
            },
            _ => {}
        }
    }
    statements.push(stored::mark_written(ctx.db, run, n, ctx.now)?);
    statements.push(store::guard_previous_changed(ctx.db)?);
    statements.push(store::guard_active_administrator(ctx.db)?);
    store::commit(ctx.db, statements).await?;
    Ok(())
}

fn access_of(write: &GroupWrite) -> ApiResult<(GroupAccess, OptionSet)> {
    let access = GroupAccess::new(write.access_level, write.area_id.map(AreaId))
        .map_err(|denied| ApiError::internal(denied.message))?;
    Ok((access, write.options.iter().copied().collect()))
}

/// A group the import creates: the group form's statements (R09, R30).
fn group_creation(
    ctx: &Ctx<'_>,
    write: &GroupWrite,
    changes: &[FieldChange],
) -> ApiResult<Vec<D1PreparedStatement>> {
    let (access, options) = access_of(write)?;
    let code = &write.code;
    Ok(vec![
        groups::insert(ctx.db, code, &write.description, access, options)?,
        ctx.history(
            HistoryEvent::GroupCreated,
            None,
            access.area().map(|area| area.0),
            (Some(code), &format!("User group {code} created (import)")),
            changes,
        )?,
    ])
}

/// A group the import changes: the group form's Save (its members follow a new level or area,
/// each with their own entry, R21, R30).
fn group_change(
    ctx: &Ctx<'_>,
    (id, version): (i64, i64),
    before: &Group,
    write: &GroupWrite,
    changes: &[FieldChange],
) -> ApiResult<Vec<D1PreparedStatement>> {
    let (access, options) = access_of(write)?;
    let code = &write.code;
    let members = ctx.cascade(HistoryEvent::UserAreaFollowedGroup);
    Ok(vec![
        groups::update(
            ctx.db,
            id,
            version,
            code,
            &write.description,
            access,
            options,
        )?,
        store::guard_previous_changed(ctx.db)?,
        store::insert_history_per_row(
            ctx.db,
            &members,
            groups::members_following(id, code, access),
        )?,
        groups::sync_members(ctx.db, id, access)?,
        ctx.history(
            HistoryEvent::GroupUpdated,
            Some(id),
            before.area().map(|area| area.0),
            (Some(code), &format!("User group {code} updated (import)")),
            changes,
        )?,
    ])
}

/// A company the import creates: the company form's statements (R07, R30).
fn company_creation(
    ctx: &Ctx<'_>,
    write: &CompanyWrite,
    changes: &[FieldChange],
) -> ApiResult<Vec<D1PreparedStatement>> {
    let code = &write.code;
    Ok(vec![
        companies::insert(
            ctx.db,
            write.directory_id,
            code,
            &write.name,
            write.area_id,
            write.user_in_charge_id,
        )?,
        ctx.history(
            HistoryEvent::CompanyCreated,
            None,
            write.area_id,
            (Some(code), &format!("Company {code} created (import)")),
            changes,
        )?,
    ])
}

/// A company the import changes: its name, user in charge and (outside a multidimensional
/// directory) area, as the company form's Save.
fn company_change(
    ctx: &Ctx<'_>,
    (id, version): (i64, i64),
    area_before: Option<i64>,
    write: &CompanyWrite,
    changes: &[FieldChange],
) -> ApiResult<Vec<D1PreparedStatement>> {
    let code = &write.code;
    let mut statements = vec![
        companies::update(
            ctx.db,
            id,
            version,
            code,
            &write.name,
            write.user_in_charge_id,
        )?,
        store::guard_previous_changed(ctx.db)?,
    ];
    if write.area_id != area_before {
        statements.push(companies::set_area(ctx.db, id, write.area_id)?);
    }
    statements.push(ctx.history(
        HistoryEvent::CompanyUpdated,
        Some(id),
        area_before,
        (Some(code), &format!("Company {code} updated (import)")),
        changes,
    )?);
    Ok(statements)
}

fn creation(
    ctx: &Ctx<'_>,
    user_code: &str,
    write: &UserWrite,
    group: &Group,
    changes: &[FieldChange],
    invite: bool,
) -> ApiResult<Vec<D1PreparedStatement>> {
    let name = write.name.as_deref().unwrap_or_default();
    let language = write.language.unwrap_or(precinct_core::api::Language::En);
    let mut statements = vec![
        users::insert(ctx.db, user_code, name, group, language, ctx.now, None)?,
        ctx.history(
            HistoryEvent::UserCreated,
            None,
            group.area().map(|area| area.0),
            (
                Some(user_code),
                &format!("User {user_code} created (import)"),
            ),
            changes,
        )?,
    ];
    let ticks = write.company_ids.clone().unwrap_or_default();
    if !ticks.is_empty() {
        statements.push(stored::tick_new_user(ctx.db, user_code, &ticks)?);
    }
    if invite {
        statements.push(stored::queue_invitation(
            ctx.db,
            Err(user_code),
            ctx.now,
            ctx.actor().user().0,
        )?);
    }
    Ok(statements)
}

fn only(changes: &[FieldChange], fields: &[&str]) -> Vec<FieldChange> {
    changes
        .iter()
        .filter(|change| fields.contains(&change.field.as_str()))
        .cloned()
        .collect()
}

/// A change's statements, each write guarded by the version the dry run read (the versions
/// follow one another within the batch).
fn alteration(
    ctx: &Ctx<'_>,
    person: &StoredUser,
    version: i64,
    changes: &[FieldChange],
    set: &UserWrite,
    groups: &BTreeMap<i64, Group>,
) -> ApiResult<Vec<D1PreparedStatement>> {
    let (id, code) = (person.id, person.user_code.as_str());
    let area = person.group.area().map(|area| area.0);
    let mut version = version;
    let mut statements = Vec::new();
    if set.name.is_some() || set.language.is_some() {
        let name = set.name.as_deref().unwrap_or(&person.name);
        let language = set.language.unwrap_or(person.language);
        statements.push(stored::rename(ctx.db, id, version, name, language)?);
        statements.push(store::guard_previous_changed(ctx.db)?);
        version += 1;
        statements.push(ctx.history(
            HistoryEvent::UserUpdated,
            Some(id),
            area,
            (Some(code), &format!("User {code} updated")),
            &only(changes, &["name", "language"]),
        )?);
    }
    if let Some(group_id) = set.group_id {
        let to = groups.get(&group_id).ok_or_else(|| stale_record("group"))?;
        statements.push(users::set_group(ctx.db, id, version, to)?);
        statements.push(store::guard_previous_changed(ctx.db)?);
        version += 1;
        statements.extend(super::users::move_entries(
            ctx,
            id,
            code,
            &person.group,
            to,
        )?);
    }
    if let Some(company_ids) = &set.company_ids {
        statements.push(users::bump_version(ctx.db, id, version)?);
        statements.push(store::guard_previous_changed(ctx.db)?);
        version += 1;
        statements.extend(users::replace_ticks(
            ctx.db,
            id,
            company_scope(ctx.actor()),
            company_ids,
        )?);
        statements.push(
            ctx.history(
                HistoryEvent::UserAccessChanged,
                Some(id),
                set.group_id
                    .and_then(|group| groups.get(&group))
                    .map_or(area, |group| group.area().map(|area| area.0)),
                (
                    Some(code),
                    &format!("Access to companies of {code} changed"),
                ),
                &only(changes, &["companies"]),
            )?,
        );
    }
    for (company, on) in [(set.tick, true), (set.untick, false)] {
        let Some(company) = company else { continue };
        statements.push(users::bump_version(ctx.db, id, version)?);
        statements.push(store::guard_previous_changed(ctx.db)?);
        version += 1;
        statements.push(stored::tick_one(ctx.db, id, company, on)?);
        statements.push(ctx.history(
            HistoryEvent::UserAccessChanged,
            Some(id),
            area,
            (
                Some(code),
                &format!("Access to companies of {code} changed"),
            ),
            &only(changes, &["ticked", "unticked"]),
        )?);
    }
    if let Some(active) = set.active {
        statements.push(users::set_active(ctx.db, id, version, active)?);
        statements.push(store::guard_previous_changed(ctx.db)?);
        if !active {
            // Disabling ends every session at once (ASVS 7.4.2), as the single edit does.
            statements.push(users::end_sessions(ctx.db, id)?);
        }
        let (event, action) = if active {
            (HistoryEvent::UserEnabled, "enabled")
        } else {
            (HistoryEvent::UserDisabled, "disabled")
        };
        statements.push(ctx.history(
            event,
            Some(id),
            area,
            (Some(code), &format!("User {code} {action}")),
            &only(changes, &["active"]),
        )?);
    }
    if set.invite {
        statements.push(stored::queue_invitation(
            ctx.db,
            Ok(id),
            ctx.now,
            ctx.actor().user().0,
        )?);
    }
    Ok(statements)
}

/// `GET /api/imports/{token}`: which chunks (and lines) are written.
pub async fn report(ctx: &Ctx<'_>, token: &str) -> ApiResult<RunReport> {
    let run = own_run(ctx, token).await?;
    gate(ctx, &run.kind)?;
    let summary: Summary = parsed(&run.summary)?;
    let writing = summary.counts.create + summary.counts.change;
    let per_chunk = u32::try_from(CHUNK_LINES).unwrap_or(u32::MAX);
    let chunks: Vec<ChunkProgress> = stored::progress(ctx.db, run.id)
        .await?
        .into_iter()
        .map(|(n, first_line, last_line, written_at)| {
            let chunk = u32::try_from(n).unwrap_or(u32::MAX);
            ChunkProgress {
                chunk,
                first_line: u32::try_from(first_line).unwrap_or(u32::MAX),
                last_line: u32::try_from(last_line).unwrap_or(u32::MAX),
                // Every chunk but the last holds CHUNK_LINES writing lines.
                lines: writing
                    .saturating_sub(chunk.saturating_mul(per_chunk))
                    .min(per_chunk),
                written_at,
            }
        })
        .collect();
    let written = chunks.iter().filter(|chunk| chunk.written_at.is_some());
    let chunks_written = u32::try_from(written.clone().count()).unwrap_or(u32::MAX);
    let lines_written = written.map(|chunk| chunk.lines).sum();
    let (waiting, _) = stored::waiting_invitations(ctx.db, user_scope(ctx.actor()), 0).await?;
    Ok(RunReport {
        token: token.to_string(),
        kind: run.kind,
        action: summary.action,
        created_at: run.created_at,
        expires_at: run.expires_at,
        counts: summary.counts,
        chunks,
        chunks_written,
        lines_written,
        invitations_waiting: waiting,
    })
}

/// `POST /api/invitations/queue/send`: sends the next few queued invitations the actor may
/// send, each as the single "Send invitation" does (policy, history, mail).
pub async fn send_queued(ctx: &Ctx<'_>, mail: &MailEnv) -> ApiResult<InvitationsSent> {
    policy::manage_users_in_bulk(ctx.actor())?;
    let (_, next) =
        stored::waiting_invitations(ctx.db, user_scope(ctx.actor()), INVITATIONS_PER_REQUEST)
            .await?;
    let mut sent = 0;
    let mut failed = Vec::new();
    for (entry, user) in next {
        let outcome = super::credentials::invite(ctx, mail, user).await;
        let failure = match &outcome {
            Ok(_) => {
                sent += 1;
                None
            }
            Err(ApiError::Problem(problem)) => Some(problem.clone()),
            Err(_) => Some(Problem {
                status: 502,
                code: ProblemCode::MailFailed.as_str().to_string(),
                message: "The invitation could not be sent.".to_string(),
                field: None,
                errors: Vec::new(),
            }),
        };
        if let Some(problem) = &failure {
            let user_code = super::users::visible(ctx, user)
                .await
                .map(|row| row.user_code)
                .unwrap_or_default();
            failed.push(InvitationFailure {
                user_code,
                reason: problem.message.clone(),
            });
            // The mail settings or the provider, not this person: the invitation keeps waiting
            // (sent once that is mended) and the others are not tried now.
            if mail_not_ready(&problem.code) {
                break;
            }
        }
        store::commit(
            ctx.db,
            vec![stored::invitation_done(
                ctx.db,
                entry,
                ctx.now,
                failure.as_ref().map(|problem| problem.message.as_str()),
            )?],
        )
        .await?;
    }
    let (waiting, _) = stored::waiting_invitations(ctx.db, user_scope(ctx.actor()), 0).await?;
    Ok(InvitationsSent {
        sent,
        failed,
        waiting,
    })
}

/// Whether a sending failure is the account's mail setup or the provider's state (worth waiting
/// for) rather than the person's.
fn mail_not_ready(code: &str) -> bool {
    [
        ProblemCode::MailSettingsMissing,
        ProblemCode::MailSettingsIncomplete,
        ProblemCode::MailWrongKey,
        ProblemCode::MailWrongCredentials,
        ProblemCode::MailSenderNotVerified,
        ProblemCode::MailRateLimited,
        ProblemCode::MailProviderDown,
        ProblemCode::MailTimeout,
        ProblemCode::MailUnreachable,
    ]
    .iter()
    .any(|known| known.as_str() == code)
}

/// `GET /api/invitations/queue`: how many invitations wait, among the people the reader may see.
pub async fn waiting(ctx: &Ctx<'_>) -> ApiResult<InvitationsSent> {
    policy::manage_users_in_bulk(ctx.actor())?;
    let (waiting, _) = stored::waiting_invitations(ctx.db, user_scope(ctx.actor()), 0).await?;
    Ok(InvitationsSent {
        sent: 0,
        failed: Vec::new(),
        waiting,
    })
}
