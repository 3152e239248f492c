//! Companies: Modify Company Settings, company selection lists, About > Properties > Companies,
//! and the entries (projects, employees) of a company.

use precinct_core::api::{Company, CompanyInput, Employee, Page, Project};
use precinct_core::history_text::HistoryEvent;
use precinct_core::ids::{AreaId, CompanyId};
use precinct_core::policy::{
    self, company_scope, person_scope, user_in_charge_scope, CompanyAreaChange, CompanyRef,
};
use precinct_core::problem::ProblemCode;

use super::directories::checked_area;
use super::{change, diff, diff_text, opt_string, required_version, valid_code, valid_text, Ctx};
use crate::error::{all_fields2, ApiError, ApiResult};
use crate::store::companies::{self, CompanyFilter, CompanyRow};
use crate::store::{self, directories, list::ListParams, users};

pub async fn list(
    ctx: &Ctx<'_>,
    filter: &CompanyFilter,
    params: &ListParams,
) -> ApiResult<Page<Company>> {
    let page = companies::list(
        ctx.db,
        (company_scope(ctx.actor()), person_scope(ctx.actor())),
        filter,
        params,
    )
    .await?;
    Ok(Page {
        items: page.items.into_iter().map(Company::from).collect(),
        next_cursor: page.next_cursor,
        total: page.total,
    })
}

/// A company the actor may see, or 404 as if it did not exist.
pub async fn visible(ctx: &Ctx<'_>, id: i64) -> ApiResult<CompanyRow> {
    companies::get(
        ctx.db,
        (company_scope(ctx.actor()), person_scope(ctx.actor())),
        id,
    )
    .await?
    .ok_or_else(ApiError::not_found)
}

pub async fn get(ctx: &Ctx<'_>, id: i64) -> ApiResult<Company> {
    Ok(visible(ctx, id).await?.into())
}

/// Who the request names as user in charge: typed text (a user code or a name) resolved among
/// those the actor's R19 picker offers, else an id; `None` when it names no one.
async fn named_in_charge(ctx: &Ctx<'_>, input: &CompanyInput) -> ApiResult<Option<i64>> {
    let typed = input
        .user_in_charge
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty());
    let Some(typed) = typed else {
        return Ok(input.user_in_charge_id.map(|user| user.0));
    };
    if typed.chars().count() > 254 {
        return Err(ApiError::invalid(
            "user_in_charge",
            ProblemCode::TooLong,
            "A user code or name has at most 254 characters.",
        ));
    }
    let scope = user_in_charge_scope(ctx.actor());
    let found = users::named(ctx.db, scope, typed).await?;
    match found.as_slice() {
        [one] => Ok(Some(one.id)),
        [first, second]
            if first.user_code.eq_ignore_ascii_case(typed)
                && !second.user_code.eq_ignore_ascii_case(typed) =>
        {
            Ok(Some(first.id))
        }
        [] => Err(ApiError::invalid(
            "user_in_charge",
            ProblemCode::UnknownUser,
            format!(
                "No one you may put in charge is called “{typed}”: type a user code or a name from \
                 the list."
            ),
        )),
        _ => Err(ApiError::invalid(
            "user_in_charge",
            ProblemCode::AmbiguousUser,
            format!("Several users are called “{typed}”: type the user code of the one you mean."),
        )),
    }
}

/// The user in charge named by the request, if the actor's R19 picker offers them.
async fn user_in_charge(
    ctx: &Ctx<'_>,
    company: CompanyRef,
    requested: Option<i64>,
) -> ApiResult<Option<i64>> {
    let Some(candidate) = requested else {
        return Ok(None);
    };
    let scope = user_in_charge_scope(ctx.actor());
    let row = users::get(ctx.db, scope, candidate).await?.ok_or_else(|| {
        ApiError::invalid(
            "user_in_charge_id",
            ProblemCode::UnknownUser,
            "There is no such user among those you may put in charge.",
        )
    })?;
    policy::set_user_in_charge(
        ctx.actor(),
        company,
        &row.policy(Default::default()),
        &row.group()?,
    )?;
    Ok(Some(row.id))
}

pub async fn create(ctx: &Ctx<'_>, input: CompanyInput) -> ApiResult<Company> {
    if input.version.is_some() {
        return Err(ApiError::invalid(
            "version",
            ProblemCode::UnknownField,
            "A new company has no `version`.",
        ));
    }
    // Level first, then the directory, then the area: no answer tells an id of another area
    // or directory from a missing one.
    let dir_scope = policy::read_directories(ctx.actor())?;
    let directory = directories::get(ctx.db, dir_scope, input.directory_id.0)
        .await?
        .ok_or_else(|| {
            ApiError::invalid(
                "directory_id",
                ProblemCode::UnknownDirectory,
                "There is no such directory.",
            )
        })?;
    let mut directory_rules = directory.policy();
    let gives_area = match (directory_rules.multidimensional, directory_rules.area) {
        (true, None) if input.area_id.is_some() => policy::first_company_gives_directory_area(
            ctx.actor(),
            &directory_rules,
            input.area_id,
            directories::is_empty(ctx.db, directory.id).await?,
        ),
        _ => None,
    };
    if gives_area.is_some() {
        directory_rules.area = gives_area;
    }
    let area =
        policy::create_company(ctx.actor(), &directory_rules, input.area_id)?.map(|area| area.0);
    checked_area(ctx, area).await?;
    let (code, name) = all_fields2(
        valid_code("code", &input.code),
        valid_text("name", &input.name, 120, true),
    )?;
    let provisional = CompanyRef {
        id: CompanyId(0),
        area: area.map(AreaId),
    };
    let named = named_in_charge(ctx, &input).await?;
    let in_charge = user_in_charge(ctx, provisional, named).await?;
    let changes = [
        change("code", None, Some(code.clone())),
        change("name", None, Some(name.clone())),
        change("directory", None, Some(directory.code.clone())),
        change("area", None, opt_string(area)),
        change("user_in_charge", None, opt_string(in_charge)),
    ];
    let mut statements = vec![
        companies::insert(ctx.db, directory.id, &code, &name, area, in_charge)?,
        ctx.history(
            HistoryEvent::CompanyCreated,
            None,
            area,
            (Some(&code), &format!("Company {code} created")),
            &changes,
        )?,
    ];
    if let Some(given) = gives_area {
        // R08: the directory takes its first company's area, in the same batch; the guard
        // refuses it if another company arrived meanwhile with another area.
        let area_code = store::areas::get(ctx.db, given.0)
            .await?
            .map_or_else(|| given.0.to_string(), |row| row.code);
        statements.extend([
            directories::set_area(ctx.db, directory.id, Some(given.0))?,
            store::guard_directory_area(ctx.db, directory.id)?,
            ctx.history(
                HistoryEvent::DirectoryUpdated,
                Some(directory.id),
                Some(given.0),
                (
                    Some(&directory.code),
                    &format!(
                        "Directory {} takes the area {area_code} of its first company {code}",
                        directory.code
                    ),
                ),
                &[change("area", None, Some(area_code))],
            )?,
        ]);
    }
    let results = store::commit(ctx.db, statements).await?;
    get(ctx, store::returned_id(&results, 0)?).await
}

pub async fn update(ctx: &Ctx<'_>, id: i64, input: CompanyInput) -> ApiResult<Company> {
    let version = required_version(input.version)?;
    let before = visible(ctx, id).await?;
    policy::edit_company(ctx.actor(), before.reference())?;
    if input.directory_id.0 != before.directory_id {
        return Err(ApiError::invalid(
            "directory_id",
            ProblemCode::Immutable,
            "A company cannot change directory.",
        ));
    }
    let (code, name) = all_fields2(
        valid_code("code", &input.code),
        valid_text("name", &input.name, 120, true),
    )?;
    let area = input.area_id.map(|area| area.0);
    // Only regular administrators change a company's area (R11), asked first: the user in
    // charge is then checked against the area the company will have (R19).
    let area_change = if area != before.area_id {
        Some(policy::set_company_area(
            ctx.actor(),
            &before.policy(),
            &before.directory(),
        )?)
    } else {
        None
    };
    let requested = named_in_charge(ctx, &input).await?;
    // A holder the actor may not see (R19: someone outside their area, left by a later change)
    // is neither shown to them nor cleared by their form's empty field; naming someone else
    // replaces them.
    let hidden_holder = before.user_in_charge_id.is_some() && before.uic_code.is_none();
    let in_charge =
        if requested == before.user_in_charge_id || (requested.is_none() && hidden_holder) {
            before.user_in_charge_id
        } else {
            // R19 against the area the company will have (the Save may move it too).
            let moved = CompanyRef {
                id: CompanyId(id),
                area: area.map(AreaId),
            };
            user_in_charge(ctx, moved, requested).await?
        };

    let mut statements = vec![
        companies::update(ctx.db, id, version, &code, &name, in_charge)?,
        store::guard_previous_changed(ctx.db)?,
    ];
    if let Some(change) = area_change {
        // In a multidimensional directory the whole directory follows (R08).
        checked_area(ctx, area).await?;
        match change {
            CompanyAreaChange::OnlyCompany => {
                statements.push(companies::set_area(ctx.db, id, area)?)
            }
            CompanyAreaChange::WholeDirectory(directory) => {
                // Asked first: the console names how many companies move with it.
                if !input.confirm_directory_area {
                    return Err(ApiError::Problem(precinct_core::problem::Problem {
                        status: 409,
                        code: ProblemCode::ConfirmDirectoryArea.as_str().to_string(),
                        field: Some("area_id".to_string()),
                        message: "This company's directory is multidimensional: its new area is \
                            the directory's and every company's in it. Confirm to move them all."
                            .to_string(),
                        errors: Vec::new(),
                    }));
                }
                // Its siblings follow, each with its own entry in the area it had (R08, R30).
                statements.push(super::directories::companies_follow(
                    ctx,
                    directory.0,
                    area,
                    Some(id),
                )?);
                statements.push(directories::set_area(ctx.db, directory.0, area)?);
                statements.push(directories::align_companies(ctx.db, directory.0, area)?);
                statements.push(store::guard_directory_area(ctx.db, directory.0)?);
            }
        }
    }
    let mut changes = Vec::new();
    diff_text(&mut changes, "code", &before.code, &code);
    diff(&mut changes, "name", Some(before.name.clone()), Some(name));
    diff(
        &mut changes,
        "area",
        opt_string(before.area_id),
        opt_string(area),
    );
    diff(
        &mut changes,
        "user_in_charge",
        opt_string(before.user_in_charge_id),
        opt_string(in_charge),
    );
    statements.push(ctx.history(
        HistoryEvent::CompanyUpdated,
        Some(id),
        before.area_id,
        (Some(&code), &format!("Company {code} updated")),
        &changes,
    )?);
    store::commit(ctx.db, statements).await?;
    get(ctx, id).await
}

pub async fn projects(
    ctx: &Ctx<'_>,
    company: i64,
    params: &ListParams,
) -> ApiResult<Page<Project>> {
    let row = visible(ctx, company).await?;
    policy::read_projects(ctx.actor(), row.reference())?;
    let page = companies::entries(ctx.db, "projects", company, params).await?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|entry| Project {
                id: entry.id,
                company_id: CompanyId(entry.company_id),
                code: entry.code,
                name: entry.name,
            })
            .collect(),
        next_cursor: page.next_cursor,
        total: page.total,
    })
}

pub async fn employees(
    ctx: &Ctx<'_>,
    company: i64,
    params: &ListParams,
) -> ApiResult<Page<Employee>> {
    let row = visible(ctx, company).await?;
    policy::read_employees(ctx.actor(), row.reference())?;
    let page = companies::entries(ctx.db, "employees", company, params).await?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|entry| Employee {
                id: entry.id,
                company_id: CompanyId(entry.company_id),
                code: entry.code,
                name: entry.name,
            })
            .collect(),
        next_cursor: page.next_cursor,
        total: page.total,
    })
}
