//! Reports and documents (R22): the catalog of what the reader's scope allows.

use precinct_core::api::{Page, Report};
use precinct_core::policy;

use super::Ctx;
use crate::error::ApiResult;
use crate::store;
use crate::store::list::ListParams;

pub async fn list(ctx: &Ctx<'_>, params: &ListParams) -> ApiResult<Page<Report>> {
    let scope = policy::read_reports(ctx.actor())?;
    store::reports::list(ctx.db, scope, params).await
}
