//! The History tab (R21).

use precinct_core::api::{HistoryEntry, Page};
use precinct_core::policy;

use super::Ctx;
use crate::error::ApiResult;
use crate::store::history::{self, HistoryFilter};
use crate::store::list::ListParams;

pub async fn list(
    ctx: &Ctx<'_>,
    filter: &HistoryFilter,
    params: &ListParams,
) -> ApiResult<Page<HistoryEntry>> {
    let scope = policy::read_history(ctx.actor())?;
    let readers = policy::person_scope(ctx.actor());
    history::list(ctx.db, (scope, readers), filter, params).await
}
