//! The security policy: pure functions that decide who may see and do what (SPEC R05–R23).
//!
//! - [`model`]: the data reasoned about, shaped so R09's forbidden groups cannot exist, and the
//!   [`Actor`] whose rights apply (the impersonated user's while acting as another, R05).
//! - [`derive`]: effective areas and row-by-row visibility ("may this actor see this company").
//! - [`scope`]: the same visibility as scopes the worker turns into SQL `WHERE` clauses.
//! - [`reach`]: what the rights alone reach (a screen, a management action), asked by the
//!   console before offering it and by every decision first.
//! - [`decide`]: one decision per action, returning [`Decision`] or a value the action needs.
//!
//! Options gate screens; visibility gates rows. The option each action needs:
//! users (create, edit, enable, disable, delete, move, ticks) `users_manage`; groups
//! `groups_manage`; companies (create, edit, area, user in charge) `companies_manage`;
//! directories `directories_manage`; areas `areas_manage`; History `history_read`; reports
//! `reports_read`; projects `projects_read`; employees `employees_read`; account mail settings
//! `mail_settings_manage`; login as another user `login_as_another_user`; own Preferences
//! `preferences`. Choosing the company to work in needs none. An Administrator group always
//! holds every option.
//!
//! # Questions the SPEC left open, and the answers chosen
//!
//! 1. Can a User-level actor administer anything if given a management option? No: managing
//!    users, groups and companies needs the Administrator or Local Administrator level *and*
//!    the option; areas, directories and mail settings need a regular administrator.
//! 2. What does a User-level actor see in user and group lists? Only themself and their own
//!    group; the user-in-charge picker offers them no one (they edit no company).
//! 3. Who manages directories, including multidimensional mode? Regular administrators only: a
//!    directory spans areas, and its area in that mode is a company-area change (R11).
//! 4. A local administrator creating a company in a multidimensional directory: allowed only when
//!    the directory carries their area (the company takes the directory's area, R08).
//! 5. Which history entries does a User-level actor with `history_read` read? Those of their
//!    group's area; none when their group has no area (entries of no area are for regular
//!    administrators only, R21).
//! 6. "Can give a group only options it holds" (R09) concerns options being *added*: a local
//!    administrator may keep or remove options a regular administrator gave a group of their
//!    area. Moving a user into a group is checked against level and area (R15), not options.
//! 7. "Cannot change their own group" (R12) means both: a local administrator can neither edit
//!    the group they belong to (code, level, options, deletion) nor move themself to another.
//!    Regular administrators may do both, subject to R16.
//!    A local administrator may edit, enable, disable, delete and move the other local
//!    administrators of its area, since it may create them (R12).
//! 8. No one disables or deletes the user they are signed in as; R16 additionally guards
//!    disabling, deleting, moving out of or demoting the Administrator group of the last active
//!    regular administrator (the worker passes the count of *other* active ones).
//! 9. Login as another user cannot be nested (the real user would be lost), nor target oneself
//!    or a disabled user. A local administrator may act as another local administrator of their
//!    area. The acting session is rebuilt through [`Actor::acting_as`] on every request, so it
//!    ends when the target is disabled or leaves the real user's area.
//! 10. An area is "in use" also while a report carries it (R22), not only companies,
//!     directories and groups (R06).
//! 11. Setting ticks replaces the target's ticks. For a User-level target with an area the old
//!     ticks outside that area are inert (the area is the boundary), and a local administrator
//!     only sees targets of their area, so nothing they cannot see can be lost by accident.
//! 12. When a group's area changes, its members' ticks outside the new area stay stored but
//!     grant nothing until the area allows them again (R14: the area is the boundary).
//! 13. A company or report with no area is visible only to regular administrators and, for a
//!     report, to users of no area (R22). A company of no area is reachable by a User-level actor
//!     only when ticked and their group has no area.
//! 14. Targets invisible to the actor are refused as `not_visible` (404) before any other rule,
//!     so e.g. a local administrator moving a user to a group of another area gets 404, not 403.

use serde::{Deserialize, Serialize};

pub mod decide;
pub mod derive;
pub mod explain;
pub mod model;
pub mod reach;
pub mod scope;

pub use decide::*;
pub use derive::*;
pub use explain::*;
pub use model::*;
pub use reach::*;
pub use scope::*;

/// The access level of a user group (R09).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessLevel {
    /// A regular administrator: sees and manages everything in the account (R11).
    Administrator,
    /// A local administrator: power ends at the edge of one area (R12).
    LocalAdministrator,
    /// A user: reaches only the companies ticked for them (R14).
    User,
}

impl AccessLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::Administrator => "administrator",
            AccessLevel::LocalAdministrator => "local_administrator",
            AccessLevel::User => "user",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "administrator" => Some(AccessLevel::Administrator),
            "local_administrator" => Some(AccessLevel::LocalAdministrator),
            "user" => Some(AccessLevel::User),
            _ => None,
        }
    }

    /// How much a level can do: Administrator 3, Local Administrator 2, User 1 (R31: a level
    /// rises when this grows).
    pub fn power(self) -> u8 {
        match self {
            AccessLevel::Administrator => 3,
            AccessLevel::LocalAdministrator => 2,
            AccessLevel::User => 1,
        }
    }
}
