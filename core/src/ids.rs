//! Distinct identifier types, so a `CompanyId` can never be passed where an `AreaId` is meant.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// One customer firm; every record belongs to exactly one account (R01).
    AccountId
);
id_type!(
    /// A named group of companies (R06).
    AreaId
);
id_type!(
    /// A company directory, possibly in multidimensional mode (R08).
    DirectoryId
);
id_type!(
    /// A company (legal entity) (R07).
    CompanyId
);
id_type!(
    /// A user group carrying an access level, an area and options (R09).
    GroupId
);
id_type!(
    /// A person who signs in (R03).
    UserId
);
id_type!(
    /// A report or document of the catalog (R22).
    ReportId
);
id_type!(
    /// A project of a company.
    ProjectId
);
id_type!(
    /// An employee of a company.
    EmployeeId
);
