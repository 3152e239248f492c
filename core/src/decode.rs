//! Reading the API's answers from an already parsed JSON value, for the console.
//!
//! Why not serde: the console's size budget (250 KB gzip for everything it downloads). serde's
//! derived readers are generic over the parser and carry several code paths per type (maps,
//! sequences, field names as text, bytes and numbers); measured, they were about 30 KB gzip of
//! the console. Here each answer type lists its fields once, the browser's own `JSON.parse`
//! does the parsing, and each field costs one call. The worker keeps serde for everything, and
//! `tests` below check every type reads back exactly what serde wrote.

use crate::api::{
    AccessExplanation, AccessReview, AccessShift, Application, Applications, Area, AreaName,
    Company, CompanyAccess, CompanyAccessRow, CompanyRef, CompanySeers, Directory, Employee,
    FieldChange, Group, HistoryEntry, InvitationOutcome, Language, MailProvider, MailSent,
    MailSettings, Me, MfaEnrolment, MfaStep, Moved, Notice, OptionEntry, OutboxMessage, Page,
    Project, RecordKind, RecoveryCodes, Report, ReviewArea, ReviewGroup, ReviewList, ReviewMark,
    ReviewPerson, SeerGroup, SessionInfo, User, UserMailConfig, UserRef, WhatIf,
};
use crate::api::{ChunkProgress, DryRun, InvitationFailure, InvitationsSent, RunCounts, RunReport};
use crate::bulk::{CompanyWrite, GroupWrite, LinePlan, Outcome, UserWrite, Write};
use crate::ids::{AccountId, AreaId, CompanyId, DirectoryId, GroupId, ReportId, UserId};
use crate::policy::{AccessLevel, OptionCode};
use crate::policy::{DenyCode, Fact, LevelNeeded, SeerReason, Step, Verdict};
use crate::problem::{FieldProblem, Problem};

/// A parsed JSON value, as the console's JavaScript host (or a test) holds it.
pub trait Json: Sized {
    /// The member `name` of an object; `None` when it is missing or `null`.
    fn member(&self, name: &str) -> Option<Self>;
    fn text(&self) -> Option<String>;
    /// A number that is a whole number (ids, versions, times in milliseconds: all < 2^53).
    fn whole(&self) -> Option<i64>;
    fn flag(&self) -> Option<bool>;
    fn elements(&self) -> Option<Vec<Self>>;
}

/// The answer did not have the shape the console expects: names the member at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unexpected answer: `{}`", self.0)
    }
}

pub type Decoded<T> = Result<T, DecodeError>;

/// A value the console reads out of a JSON value.
pub trait Decode: Sized {
    fn decode<J: Json>(json: &J) -> Decoded<Self>;

    /// When the member is missing or `null` (only `Option`s and lists accept it).
    fn absent() -> Option<Self> {
        None
    }
}

/// Reads the member `name` of `object` as `T`.
pub fn member<T: Decode, J: Json>(object: &J, name: &str) -> Decoded<T> {
    match object.member(name) {
        Some(value) => T::decode(&value).map_err(|DecodeError(inner)| {
            DecodeError(if inner.is_empty() {
                name.to_string()
            } else {
                format!("{name}.{inner}")
            })
        }),
        None => T::absent().ok_or_else(|| DecodeError(name.to_string())),
    }
}

fn unexpected<T>() -> Decoded<T> {
    Err(DecodeError(String::new()))
}

impl Decode for String {
    fn decode<J: Json>(json: &J) -> Decoded<Self> {
        json.text().map_or_else(unexpected, Ok)
    }
}

impl Decode for i64 {
    fn decode<J: Json>(json: &J) -> Decoded<Self> {
        json.whole().map_or_else(unexpected, Ok)
    }
}

impl Decode for u16 {
    fn decode<J: Json>(json: &J) -> Decoded<Self> {
        json.whole()
            .and_then(|whole| u16::try_from(whole).ok())
            .map_or_else(unexpected, Ok)
    }
}

impl Decode for bool {
    fn decode<J: Json>(json: &J) -> Decoded<Self> {
        json.flag().map_or_else(unexpected, Ok)
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode<J: Json>(json: &J) -> Decoded<Self> {
        T::decode(json).map(Some)
    }

    fn absent() -> Option<Self> {
        Some(None)
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode<J: Json>(json: &J) -> Decoded<Self> {
        json.elements().map_or_else(unexpected, |elements| {
            elements.iter().map(T::decode).collect()
        })
    }

    fn absent() -> Option<Self> {
        Some(Vec::new())
    }
}

macro_rules! decode_ids {
    ($($id:ident),*) => {$(
        impl Decode for $id {
            fn decode<J: Json>(json: &J) -> Decoded<Self> {
                i64::decode(json).map($id)
            }
        }
    )*};
}

decode_ids!(
    AccountId,
    AreaId,
    CompanyId,
    DirectoryId,
    GroupId,
    ReportId,
    UserId
);

/// Enums travel as their `snake_case` names (`as_str` / `parse`, as serde writes them).
macro_rules! decode_names {
    ($($name:ident),*) => {$(
        impl Decode for $name {
            fn decode<J: Json>(json: &J) -> Decoded<Self> {
                json.text()
                    .and_then(|text| $name::parse(&text))
                    .map_or_else(unexpected, Ok)
            }
        }
    )*};
}

decode_names!(
    AccessLevel,
    OptionCode,
    Language,
    MailProvider,
    MfaStep,
    DenyCode,
    LevelNeeded,
    SeerReason,
    RecordKind
);

/// B01's facts travel as an object tagged by `kind`, as serde writes them.
impl Decode for Fact {
    fn decode<J: Json>(json: &J) -> Decoded<Self> {
        let kind: String = member(json, "kind")?;
        Ok(match kind.as_str() {
            "person_disabled" => Fact::PersonDisabled,
            "regular_administrator_sees_all" => Fact::RegularAdministratorSeesAll,
            "record_in_own_area" => Fact::RecordInOwnArea {
                own_area: member(json, "own_area")?,
                record_area: member(json, "record_area")?,
            },
            "record_of_own_area" => Fact::RecordOfOwnArea {
                own_area: member(json, "own_area")?,
                record_area: member(json, "record_area")?,
            },
            "record_not_regular_administrator" => Fact::RecordNotRegularAdministrator,
            "company_ticked" => Fact::CompanyTicked,
            "company_within_boundary" => Fact::CompanyWithinBoundary {
                boundary: member(json, "boundary")?,
                company_area: member(json, "company_area")?,
            },
            "only_themself" => Fact::OnlyThemself,
            "only_own_group" => Fact::OnlyOwnGroup,
            "regular_administrators_are_pickable" => Fact::RegularAdministratorsArePickable,
            "user_level_picks_no_one" => Fact::UserLevelPicksNoOne,
            "level_suffices" => Fact::LevelSuffices {
                needed: member(json, "needed")?,
                level: member(json, "level")?,
            },
            "holds_option" => Fact::HoldsOption {
                option: member(json, "option")?,
            },
            "not_own_group" => Fact::NotOwnGroup,
            "within_own_rights" => Fact::WithinOwnRights,
            "refused" => Fact::Refused {
                code: member(json, "code")?,
            },
            _ => return Err(DecodeError("kind".to_string())),
        })
    }
}

/// A struct read member by member; the struct literal makes the compiler check every field
/// is listed.
macro_rules! decode_structs {
    ($($name:ident { $($field:ident),* $(,)? })*) => {$(
        impl Decode for $name {
            fn decode<J: Json>(json: &J) -> Decoded<Self> {
                Ok($name { $($field: member(json, stringify!($field))?,)* })
            }
        }
    )*};
}

decode_structs! {
    Problem { status, code, message, field, errors }
    FieldProblem { field, code, message }
    CompanyRef { id, code, name }
    Me {
        user_id, account_id, account_name, user_code, name, access_level, area_id, area_code,
        options, real_user_code, company, password_change_required, mfa_step, mfa_enrolled,
    }
    Application { code, name, description, path }
    Applications { applications }
    Area { id, code, description, version }
    Directory { id, code, name, multidimensional, area_id, area_code, version }
    UserRef { id, user_code, name }
    Company {
        id, code, name, directory_id, directory_code, area_id, area_code, user_in_charge,
        user_in_charge_hidden, user_in_charge_outside_area, version,
    }
    Group { id, code, description, access_level, area_id, area_code, options, members, version }
    OptionEntry { code, grantable }
    User {
        id, user_code, name, group_id, group_code, access_level, area_id, area_code, active,
        language, mail_user, version, mfa_enrolled, address_taken, invitation,
    }
    InvitationOutcome { sent, code, message }
    Moved { user, warning }
    CompanyAccessRow { id, code, name, area_code, ticked }
    CompanyAccess { locked, companies, version }
    FieldChange { field, before, after }
    HistoryEntry {
        id, at, actor_user_code, on_behalf_of_user_code, actor_hidden, on_behalf_of_hidden,
        entity_kind, entity_id, area_code, action, subject, summary, changes,
    }
    Report { id, code, title, kind, area_code }
    Project { id, company_id, code, name }
    Employee { id, company_id, code, name }
    MailSettings {
        configured, provider, api_base_url, api_key_set, sender_address, sender_name, version,
    }
    UserMailConfig { mail_user, mail_password_set, settings }
    MailSent { to, provider, message }
    OutboxMessage { id, at, kind, from_address, to_address, subject, text_body }
    Notice { message }
    MfaEnrolment { secret, uri, qr_svg }
    RecoveryCodes { recovery_codes }
    SessionInfo { id, created_at, last_seen_at, browser, current }
    AccessShift { people, companies, first_people, first_companies }
    WhatIf {
        gain, lose, people_with_new_rights, level_before, level_after, options_gained,
        options_lost,
    }
    Step { rule, holds, fact }
    Verdict { allowed, steps }
    AreaName { id, code }
    AccessExplanation {
        person, person_group_code, person_level, person_area_id, person_active, kind, record_id,
        record_label, see, change, pick, areas,
    }
    SeerGroup { reason, total, items, next_cursor }
    CompanySeers { company, area_code, groups }
    ReviewPerson {
        id, user_code, name, group_code, access_level, active, last_sign_in_at, invited_at,
        companies,
    }
    ReviewList { total, items }
    ReviewGroup { id, code, access_level, inert_options }
    ReviewMark { at, by }
    AccessReview {
        area_id, area_code, dormant_days, administrators, local_administrators, users, active,
        disabled, people, dormant, no_company, old_invitations, excess_groups, last_review,
    }
    ReviewArea { key, area_code, last_review }
    RunCounts { create, change, unchanged, refused }
    DryRun { token, kind, action, expires_at, counts, chunks, lines }
    ChunkProgress { chunk, first_line, last_line, lines, written_at }
    RunReport {
        token, kind, action, created_at, expires_at, counts, chunks, chunks_written,
        lines_written, invitations_waiting,
    }
    InvitationFailure { user_code, reason }
    InvitationsSent { sent, failed, waiting }
}

/// What a user's line writes: `invite` is left out when false (serde's `skip_serializing_if`).
impl Decode for UserWrite {
    fn decode<J: Json>(json: &J) -> Decoded<Self> {
        Ok(UserWrite {
            name: member(json, "name")?,
            language: member(json, "language")?,
            group_id: member(json, "group_id")?,
            company_ids: member(json, "company_ids")?,
            active: member(json, "active")?,
            invite: member::<Option<bool>, J>(json, "invite")?.unwrap_or(false),
            tick: member(json, "tick")?,
            untick: member(json, "untick")?,
        })
    }
}

/// What a line writes, tagged by `kind` (serde's internally tagged enum).
impl Decode for Write {
    fn decode<J: Json>(json: &J) -> Decoded<Self> {
        let kind: String = member(json, "kind")?;
        Ok(match kind.as_str() {
            "user" => Write::User(UserWrite::decode(json)?),
            "group" => Write::Group(GroupWrite {
                code: member(json, "code")?,
                description: member(json, "description")?,
                access_level: member(json, "access_level")?,
                area_id: member(json, "area_id")?,
                options: member(json, "options")?,
            }),
            "company" => Write::Company(CompanyWrite {
                code: member(json, "code")?,
                name: member(json, "name")?,
                directory_id: member(json, "directory_id")?,
                area_id: member(json, "area_id")?,
                user_in_charge_id: member(json, "user_in_charge_id")?,
            }),
            _ => return Err(DecodeError("kind".to_string())),
        })
    }
}

impl Decode for u32 {
    fn decode<J: Json>(json: &J) -> Decoded<Self> {
        json.whole()
            .and_then(|whole| u32::try_from(whole).ok())
            .map_or_else(unexpected, Ok)
    }
}

/// A line of a dry run: its outcome's members beside its own, tagged by `outcome` (serde's
/// flattened, internally tagged enum).
impl Decode for LinePlan {
    fn decode<J: Json>(json: &J) -> Decoded<Self> {
        let tag: String = member(json, "outcome")?;
        let outcome = match tag.as_str() {
            "create" => Outcome::Create {
                changes: member(json, "changes")?,
                write: member(json, "write")?,
            },
            "change" => Outcome::Change {
                id: member(json, "id")?,
                version: member(json, "version")?,
                changes: member(json, "changes")?,
                write: member(json, "write")?,
                warning: member(json, "warning")?,
            },
            "unchanged" => Outcome::Unchanged {
                id: member(json, "id")?,
            },
            "refused" => Outcome::Refused {
                field: member(json, "field")?,
                reason: member(json, "reason")?,
            },
            _ => return Err(DecodeError("outcome".to_string())),
        };
        Ok(LinePlan {
            line: member(json, "line")?,
            code: member(json, "code")?,
            outcome,
        })
    }
}

impl<T: Decode> Decode for Page<T> {
    fn decode<J: Json>(json: &J) -> Decoded<Self> {
        Ok(Page {
            items: member(json, "items")?,
            next_cursor: member(json, "next_cursor")?,
            total: member(json, "total")?,
        })
    }
}

/// An answer with no body the console reads (a DELETE's 204).
impl Decode for () {
    fn decode<J: Json>(_: &J) -> Decoded<Self> {
        Ok(())
    }

    fn absent() -> Option<Self> {
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    /// serde_json's value, so the tests read exactly what the worker's serde writes.
    impl Json for serde_json::Value {
        fn member(&self, name: &str) -> Option<Self> {
            self.get(name).filter(|value| !value.is_null()).cloned()
        }

        fn text(&self) -> Option<String> {
            self.as_str().map(str::to_string)
        }

        fn whole(&self) -> Option<i64> {
            self.as_i64()
        }

        fn flag(&self) -> Option<bool> {
            self.as_bool()
        }

        fn elements(&self) -> Option<Vec<Self>> {
            self.as_array().cloned()
        }
    }

    /// What serde writes, read back here, is the same value.
    fn round_trip<T: Serialize + Decode + PartialEq + std::fmt::Debug>(value: T) {
        let json = serde_json::to_value(&value).unwrap();
        assert_eq!(T::decode(&json), Ok(value), "{json}");
    }

    fn company_ref() -> CompanyRef {
        CompanyRef {
            id: CompanyId(3),
            code: "N01".into(),
            name: "North One".into(),
        }
    }

    fn user_ref() -> UserRef {
        UserRef {
            id: UserId(9),
            user_code: "a@b.test".into(),
            name: "Ann".into(),
        }
    }

    fn user(area: Option<AreaId>) -> User {
        User {
            id: UserId(9),
            user_code: "a@b.test".into(),
            name: "Ann".into(),
            group_id: GroupId(2),
            group_code: "LA".into(),
            access_level: AccessLevel::LocalAdministrator,
            area_id: area,
            area_code: area.map(|_| "NORTH".into()),
            active: true,
            language: Language::Fr,
            mail_user: "a@b.test".into(),
            version: 4,
            mfa_enrolled: area.is_some(),
            address_taken: area.is_none(),
            invitation: area.map(|_| InvitationOutcome {
                sent: false,
                code: Some("mail_settings_missing".into()),
                message: "No mail settings.".into(),
            }),
        }
    }

    fn settings(provider: Option<MailProvider>) -> MailSettings {
        MailSettings {
            configured: provider.is_some(),
            provider,
            api_base_url: "https://api.resend.com".into(),
            api_key_set: true,
            sender_address: "noreply@b.test".into(),
            sender_name: "Precinct".into(),
            version: 1,
        }
    }

    fn page<T>(items: Vec<T>, next_cursor: Option<&str>) -> Page<T> {
        Page {
            items,
            next_cursor: next_cursor.map(str::to_string),
            total: 1001,
        }
    }

    #[test]
    fn every_answer_reads_back_what_serde_wrote() {
        round_trip(Problem {
            status: 422,
            code: "too_long".into(),
            message: "Too long.".into(),
            field: Some("code".into()),
            errors: vec![
                FieldProblem {
                    field: "code".into(),
                    code: "too_long".into(),
                    message: "Too long.".into(),
                },
                FieldProblem {
                    field: "name".into(),
                    code: "required".into(),
                    message: "Name is required.".into(),
                },
            ],
        });
        round_trip(Problem {
            status: 404,
            code: "not_found".into(),
            message: "There is nothing here.".into(),
            field: None,
            errors: Vec::new(),
        });
        for (acting, company) in [(None, None), (Some("admin@b.test"), Some(company_ref()))] {
            round_trip(Me {
                user_id: UserId(1),
                account_id: AccountId(1),
                account_name: "Demo".into(),
                user_code: "a@b.test".into(),
                name: "Ann".into(),
                access_level: AccessLevel::Administrator,
                area_id: company.as_ref().map(|_| AreaId(5)),
                area_code: company.as_ref().map(|_| "NORTH".into()),
                options: OptionCode::ALL.to_vec(),
                real_user_code: acting.map(str::to_string),
                password_change_required: company.is_none(),
                mfa_step: acting.map_or(Some(MfaStep::Enrol), |_| Some(MfaStep::Verify)),
                mfa_enrolled: acting.is_some(),
                company,
            });
        }
        round_trip(Applications {
            applications: vec![Application {
                code: "security".into(),
                name: "Security Console".into(),
                description: "Users".into(),
                path: "/console".into(),
            }],
        });
        round_trip(page(vec![company_ref()], Some("c1")));
        round_trip(page(vec![user_ref()], None));
        round_trip(page(
            vec![Area {
                id: AreaId(5),
                code: "NORTH".into(),
                description: "North".into(),
                version: 2,
            }],
            None,
        ));
        for area in [None, Some(AreaId(5))] {
            round_trip(Directory {
                id: DirectoryId(1),
                code: "D1".into(),
                name: "Main".into(),
                multidimensional: area.is_some(),
                area_id: area,
                area_code: area.map(|_| "NORTH".into()),
                version: 1,
            });
            round_trip(page(
                vec![Company {
                    id: CompanyId(3),
                    code: "N01".into(),
                    name: "North One".into(),
                    directory_id: DirectoryId(1),
                    directory_code: "D1".into(),
                    area_id: area,
                    area_code: area.map(|_| "NORTH".into()),
                    user_in_charge: area.map(|_| user_ref()),
                    user_in_charge_hidden: area.is_none(),
                    user_in_charge_outside_area: area.is_some(),
                    version: 3,
                }],
                None,
            ));
            round_trip(Group {
                id: GroupId(2),
                code: "LA".into(),
                description: "Local admins".into(),
                access_level: AccessLevel::User,
                area_id: area,
                area_code: area.map(|_| "NORTH".into()),
                options: vec![OptionCode::UsersManage, OptionCode::Preferences],
                members: 12,
                version: 7,
            });
            round_trip(Moved {
                user: user(area),
                warning: area.map(|_| "Moved.".into()),
            });
        }
        round_trip(vec![OptionEntry {
            code: OptionCode::HistoryRead,
            grantable: false,
        }]);
        round_trip(page(vec![user(None)], Some("u")));
        round_trip(CompanyAccess {
            locked: false,
            companies: page(
                vec![CompanyAccessRow {
                    id: CompanyId(3),
                    code: "N01".into(),
                    name: "North One".into(),
                    area_code: Some("NORTH".into()),
                    ticked: true,
                }],
                None,
            ),
            version: 4,
        });
        round_trip(page(
            vec![HistoryEntry {
                id: 1,
                at: 1_764_049_200_000,
                actor_user_code: Some("a@b.test".into()),
                on_behalf_of_user_code: None,
                actor_hidden: false,
                on_behalf_of_hidden: true,
                entity_kind: "user".into(),
                entity_id: Some(9),
                area_code: None,
                action: "updated".into(),
                subject: Some("a@b.test".into()),
                summary: "User a@b.test updated".into(),
                changes: vec![FieldChange {
                    field: "name".into(),
                    before: Some("An".into()),
                    after: None,
                }],
            }],
            None,
        ));
        round_trip(page(
            vec![Report {
                id: ReportId(1),
                code: "R1".into(),
                title: "Payroll".into(),
                kind: "report".into(),
                area_code: None,
            }],
            None,
        ));
        round_trip(page(
            vec![Project {
                id: 1,
                company_id: CompanyId(3),
                code: "P1".into(),
                name: "Bridge".into(),
            }],
            None,
        ));
        round_trip(page(
            vec![Employee {
                id: 1,
                company_id: CompanyId(3),
                code: "E1".into(),
                name: "Eve".into(),
            }],
            None,
        ));
        for provider in [None, Some(MailProvider::Relay)] {
            round_trip(UserMailConfig {
                mail_user: "a@b.test".into(),
                mail_password_set: provider.is_some(),
                settings: settings(provider),
            });
        }
        round_trip(MailSent {
            to: "a@b.test".into(),
            provider: MailProvider::Postmark,
            message: "Sent.".into(),
        });
        round_trip(page(
            vec![OutboxMessage {
                id: 1,
                at: 2,
                kind: "invitation".into(),
                from_address: "noreply@b.test".into(),
                to_address: "a@b.test".into(),
                subject: "Welcome".into(),
                text_body: "Hello".into(),
            }],
            None,
        ));
        round_trip(Notice {
            message: "Done.".into(),
        });
        round_trip(MfaEnrolment {
            secret: "JBSWY3DPEHPK3PXP".into(),
            uri: "otpauth://totp/Precinct:a%40b.test?secret=JBSWY3DPEHPK3PXP".into(),
            qr_svg: "<svg></svg>".into(),
        });
        round_trip(SessionInfo {
            id: "0123456789abcdef".into(),
            created_at: 1,
            last_seen_at: 2,
            browser: "Firefox".into(),
            current: true,
        });
        round_trip(RecoveryCodes {
            recovery_codes: vec!["abcdef-ghijkl".into(), "mnopqr-stuvwx".into()],
        });
    }

    #[test]
    fn b01_b03_answers_read_back_what_serde_wrote() {
        use crate::policy::{
            explain, Group, GroupAccess, OptionSet, Record, Report, User as PolicyUser,
        };
        let group = Group::new(
            GroupId(2),
            "U",
            GroupAccess::User(Some(AreaId(1))),
            OptionSet::empty(),
        );
        let local = Group::new(
            GroupId(3),
            "L",
            GroupAccess::LocalAdministrator(AreaId(1)),
            OptionSet::all(),
        );
        let person = |group: &Group, active| PolicyUser {
            id: UserId(4),
            group: group.id,
            active,
            ticked: [CompanyId(5)].into_iter().collect(),
        };
        let company = crate::policy::CompanyRef {
            id: CompanyId(5),
            area: Some(AreaId(1)),
        };
        let report = Report {
            id: ReportId(1),
            area: None,
        };
        let mut verdicts = Vec::new();
        for (who, active) in [(&group, true), (&group, false), (&local, true)] {
            let person = person(who, active);
            for record in [
                Record::Company(company),
                Record::Group(&local),
                Record::User {
                    user: &person,
                    group: who,
                },
                Record::Report(&report),
                Record::HistoryEntry {
                    area: Some(AreaId(1)),
                },
            ] {
                let explained = explain(&person, who, record);
                verdicts.extend(
                    [Some(explained.see), explained.change, explained.pick]
                        .into_iter()
                        .flatten(),
                );
            }
        }
        let facts: std::collections::BTreeSet<String> = verdicts
            .iter()
            .flat_map(|verdict| verdict.steps.iter())
            .map(|step| serde_json::to_value(&step.fact).unwrap()["kind"].to_string())
            .collect();
        assert!(facts.len() >= 10, "too few kinds of fact: {facts:?}");
        for verdict in verdicts {
            round_trip(AccessExplanation {
                person: user_ref(),
                person_group_code: "U".into(),
                person_level: AccessLevel::User,
                person_area_id: Some(AreaId(1)),
                person_active: true,
                kind: RecordKind::Company,
                record_id: 5,
                record_label: "N01 — Nord".into(),
                see: verdict.clone(),
                change: Some(verdict),
                pick: None,
                areas: vec![AreaName {
                    id: AreaId(1),
                    code: "NORTH".into(),
                }],
            });
        }
        round_trip(WhatIf {
            gain: AccessShift {
                people: 2,
                companies: 3,
                first_people: vec![user_ref()],
                first_companies: vec![company_ref()],
            },
            lose: AccessShift::default(),
            people_with_new_rights: 1,
            level_before: Some(AccessLevel::User),
            level_after: Some(AccessLevel::LocalAdministrator),
            options_gained: vec![OptionCode::UsersManage],
            options_lost: vec![],
        });
        round_trip(CompanySeers {
            company: company_ref(),
            area_code: Some("NORTH".into()),
            groups: vec![SeerGroup {
                reason: SeerReason::Ticked,
                total: 1,
                items: vec![user_ref()],
                next_cursor: Some("abc".into()),
            }],
        });
        let person = ReviewPerson {
            id: UserId(1),
            user_code: "a@b.test".into(),
            name: "Ann".into(),
            group_code: "U".into(),
            access_level: AccessLevel::User,
            active: true,
            last_sign_in_at: None,
            invited_at: Some(3),
            companies: Some(0),
        };
        let list = ReviewList {
            total: 1,
            items: vec![person],
        };
        let mark = ReviewMark {
            at: 9,
            by: Some("a@b.test".into()),
        };
        round_trip(AccessReview {
            area_id: Some(AreaId(1)),
            area_code: Some("NORTH".into()),
            dormant_days: 90,
            administrators: 0,
            local_administrators: 1,
            users: 2,
            active: 2,
            disabled: 1,
            people: list.clone(),
            dormant: list.clone(),
            no_company: list.clone(),
            old_invitations: list,
            excess_groups: vec![ReviewGroup {
                id: GroupId(2),
                code: "U".into(),
                access_level: AccessLevel::User,
                inert_options: vec![OptionCode::UsersManage],
            }],
            last_review: Some(mark.clone()),
        });
        round_trip(ReviewArea {
            key: "none".into(),
            area_code: None,
            last_review: Some(mark),
        });
    }

    #[test]
    fn b04_b06_answers_read_back_what_serde_wrote() {
        use crate::api::{
            ChunkProgress, DryRun, InvitationFailure, InvitationsSent, RunCounts, RunReport,
        };
        use crate::bulk::{CompanyWrite, GroupWrite, LinePlan, Outcome, UserWrite, Write};
        let counts = RunCounts {
            create: 1,
            change: 2,
            unchanged: 3,
            refused: 4,
        };
        let change = |field: &str, before: Option<&str>, after: Option<&str>| FieldChange {
            field: field.into(),
            before: before.map(Into::into),
            after: after.map(Into::into),
        };
        let lines = vec![
            LinePlan {
                line: 2,
                code: "zoé@x.test".into(),
                outcome: Outcome::Create {
                    changes: vec![change("name", None, Some("Zoé; \"Z\""))],
                    write: Write::User(UserWrite {
                        name: Some("Zoé".into()),
                        language: Some(Language::Fr),
                        group_id: Some(4),
                        company_ids: Some(vec![1, 2]),
                        ..UserWrite::default()
                    }),
                },
            },
            LinePlan {
                line: 3,
                code: "a@x.test".into(),
                outcome: Outcome::Change {
                    id: 7,
                    version: 2,
                    changes: vec![change("name", Some("A"), Some("B"))],
                    write: Write::User(UserWrite {
                        invite: true,
                        active: Some(false),
                        company_ids: Some(vec![]),
                        ..UserWrite::default()
                    }),
                    warning: Some("moves".into()),
                },
            },
            LinePlan {
                line: 4,
                code: "USERS".into(),
                outcome: Outcome::Change {
                    id: 8,
                    version: 1,
                    changes: vec![change("area", Some("NORTH"), None)],
                    write: Write::Group(GroupWrite {
                        code: "USERS".into(),
                        description: String::new(),
                        access_level: AccessLevel::User,
                        area_id: None,
                        options: vec![OptionCode::Preferences],
                    }),
                    warning: None,
                },
            },
            LinePlan {
                line: 5,
                code: "N01".into(),
                outcome: Outcome::Create {
                    changes: vec![],
                    write: Write::Company(CompanyWrite {
                        code: "N01".into(),
                        name: "Nord".into(),
                        directory_id: 3,
                        area_id: Some(2),
                        user_in_charge_id: None,
                    }),
                },
            },
            LinePlan {
                line: 6,
                code: "c@x.test".into(),
                outcome: Outcome::Unchanged { id: 9 },
            },
            LinePlan {
                line: 7,
                code: String::new(),
                outcome: Outcome::Refused {
                    field: "group".into(),
                    reason: "There is no user group X.".into(),
                },
            },
        ];
        round_trip(DryRun {
            token: "ab12".into(),
            kind: "users".into(),
            action: None,
            expires_at: 5,
            counts: counts.clone(),
            chunks: 1,
            lines,
        });
        round_trip(RunReport {
            token: "ab12".into(),
            kind: "bulk".into(),
            action: Some("disable".into()),
            created_at: 1,
            expires_at: 2,
            counts,
            chunks: vec![ChunkProgress {
                chunk: 0,
                first_line: 2,
                last_line: 201,
                lines: 200,
                written_at: Some(3),
            }],
            chunks_written: 1,
            lines_written: 200,
            invitations_waiting: 7,
        });
        round_trip(InvitationsSent {
            sent: 1,
            failed: vec![InvitationFailure {
                user_code: "a@x.test".into(),
                reason: "no".into(),
            }],
            waiting: 0,
        });
    }

    #[test]
    fn a_wrong_shape_names_the_member_at_fault() {
        let json = serde_json::json!({ "id": 9, "user_code": "a@b.test", "name": 3 });
        assert_eq!(UserRef::decode(&json), Err(DecodeError("name".into())));
        let json =
            serde_json::json!({ "items": [{ "id": 9, "user_code": "a@b.test" }], "total": 1 });
        assert_eq!(
            Page::<UserRef>::decode(&json),
            Err(DecodeError("items.name".into()))
        );
        let json = serde_json::json!({ "code": "not_a_level" });
        assert_eq!(
            member::<AccessLevel, _>(&json, "code"),
            Err(DecodeError("code".into()))
        );
    }

    #[test]
    fn missing_options_and_lists_are_empty_but_missing_values_are_errors() {
        let json = serde_json::json!({ "items": [], "total": 0 });
        assert_eq!(
            Page::<UserRef>::decode(&json),
            Ok(Page {
                items: vec![],
                next_cursor: None,
                total: 0
            })
        );
        let json = serde_json::json!({ "total": 0 });
        assert_eq!(
            Page::<UserRef>::decode(&json).map(|page| page.items.len()),
            Ok(0)
        );
        let json = serde_json::json!({ "items": [] });
        assert_eq!(
            Page::<UserRef>::decode(&json),
            Err(DecodeError("total".into()))
        );
    }
}
