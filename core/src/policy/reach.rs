//! What a person may reach by their rights alone — their level and their group's options —
//! before any record is involved: a screen, a management action, a reading option. The
//! decisions in [`super::decide`] start with the same answer (`require_reach`), and the console
//! asks it for its menu, its screens opened by address and its buttons, so the console never
//! offers what the server refuses and never keeps a second copy of the rules.

use super::{AccessLevel, OptionCode};

/// The level a [`Reach`] needs, besides its option.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelNeeded {
    /// A regular administrator (areas, directories, the account's mail settings: they span
    /// every area).
    RegularAdministrator,
    /// An administrator or a local administrator.
    Administrative,
    /// Any level.
    Any,
}

impl LevelNeeded {
    pub fn as_str(self) -> &'static str {
        match self {
            LevelNeeded::RegularAdministrator => "regular_administrator",
            LevelNeeded::Administrative => "administrative",
            LevelNeeded::Any => "any",
        }
    }

    pub fn parse(text: &str) -> Option<LevelNeeded> {
        [
            LevelNeeded::RegularAdministrator,
            LevelNeeded::Administrative,
            LevelNeeded::Any,
        ]
        .into_iter()
        .find(|level| level.as_str() == text)
    }
}

/// One thing a person may reach by their rights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    ManageUsers,
    ManageGroups,
    ManageAreas,
    ManageCompanies,
    ManageDirectories,
    ManageMailSettings,
    LoginAsAnotherUser,
    ReadHistory,
    ReadReports,
    ReadProjects,
    ReadEmployees,
    OwnPreferences,
}

impl Reach {
    pub const ALL: [Reach; 12] = [
        Reach::ManageUsers,
        Reach::ManageGroups,
        Reach::ManageAreas,
        Reach::ManageCompanies,
        Reach::ManageDirectories,
        Reach::ManageMailSettings,
        Reach::LoginAsAnotherUser,
        Reach::ReadHistory,
        Reach::ReadReports,
        Reach::ReadProjects,
        Reach::ReadEmployees,
        Reach::OwnPreferences,
    ];

    /// The level and the option this reach needs (the table of `policy`'s module notes).
    pub const fn needs(self) -> (LevelNeeded, OptionCode) {
        match self {
            Reach::ManageUsers => (LevelNeeded::Administrative, OptionCode::UsersManage),
            Reach::ManageGroups => (LevelNeeded::Administrative, OptionCode::GroupsManage),
            Reach::ManageAreas => (LevelNeeded::RegularAdministrator, OptionCode::AreasManage),
            Reach::ManageCompanies => (LevelNeeded::Administrative, OptionCode::CompaniesManage),
            Reach::ManageDirectories => (
                LevelNeeded::RegularAdministrator,
                OptionCode::DirectoriesManage,
            ),
            Reach::ManageMailSettings => (
                LevelNeeded::RegularAdministrator,
                OptionCode::MailSettingsManage,
            ),
            Reach::LoginAsAnotherUser => {
                (LevelNeeded::Administrative, OptionCode::LoginAsAnotherUser)
            }
            Reach::ReadHistory => (LevelNeeded::Any, OptionCode::HistoryRead),
            Reach::ReadReports => (LevelNeeded::Any, OptionCode::ReportsRead),
            Reach::ReadProjects => (LevelNeeded::Any, OptionCode::ProjectsRead),
            Reach::ReadEmployees => (LevelNeeded::Any, OptionCode::EmployeesRead),
            Reach::OwnPreferences => (LevelNeeded::Any, OptionCode::Preferences),
        }
    }

    /// Whether a person of `level` whose group holds the options `holds` says yes to has it.
    pub fn allowed(self, level: AccessLevel, holds: impl Fn(OptionCode) -> bool) -> bool {
        let (needed, option) = self.needs();
        level_suffices(needed, level) && holds(option)
    }
}

pub fn level_suffices(needed: LevelNeeded, level: AccessLevel) -> bool {
    match needed {
        LevelNeeded::RegularAdministrator => level == AccessLevel::Administrator,
        LevelNeeded::Administrative => level != AccessLevel::User,
        LevelNeeded::Any => true,
    }
}
