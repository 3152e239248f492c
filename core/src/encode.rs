//! Writing the console's request bodies as JSON text, without serde (the console's size
//! budget, as in `decode`). The worker reads these bodies with serde; `tests` below check serde
//! reads back exactly what is written here, for every body, strange characters included.

use crate::api::{
    ActAs, AreaInput, BulkActionKind, BulkRequest, ChangePassword, ChooseCompany, CompanyInput,
    ConfirmChunk, CopySecurity, DirectoryInput, ForgotPassword, GroupInput, ImportKind,
    ImportRequest, Language, MailPasswordInput, MailProvider, MailSettingsInput, MfaCode, MoveUser,
    SetCompanyAccess, SetPassword, SignIn, UserInput, UserSearch, UserUpdate, VersionOnly,
};
use crate::bulk::Separator;
use crate::ids::{AreaId, CompanyId, DirectoryId, GroupId, UserId};
use crate::policy::{AccessLevel, OptionCode};

/// A value the console writes into a request body.
pub trait Encode {
    fn encode(&self, out: &mut String);
}

/// The JSON text of a request body.
pub fn to_json<T: Encode + ?Sized>(value: &T) -> String {
    let mut out = String::new();
    value.encode(&mut out);
    out
}

impl Encode for str {
    fn encode(&self, out: &mut String) {
        out.push('"');
        for c in self.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 => {
                    out.push_str("\\u00");
                    let code = c as u32;
                    for digit in [code >> 4, code & 0xf] {
                        out.push(char::from_digit(digit, 16).unwrap_or('0'));
                    }
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }
}

impl Encode for String {
    fn encode(&self, out: &mut String) {
        self.as_str().encode(out);
    }
}

impl Encode for i64 {
    fn encode(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
}

impl Encode for bool {
    fn encode(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self, out: &mut String) {
        match self {
            Some(value) => value.encode(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self, out: &mut String) {
        out.push('[');
        for (index, value) in self.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            value.encode(out);
        }
        out.push(']');
    }
}

/// A body-less POST (`send test email`, `resend invitation`) sends `null`, as serde writes `()`.
impl Encode for () {
    fn encode(&self, out: &mut String) {
        out.push_str("null");
    }
}

macro_rules! encode_ids {
    ($($id:ident),*) => {$(
        impl Encode for $id {
            fn encode(&self, out: &mut String) {
                self.0.encode(out);
            }
        }
    )*};
}

encode_ids!(AreaId, CompanyId, DirectoryId, GroupId, UserId);

macro_rules! encode_names {
    ($($name:ident),*) => {$(
        impl Encode for $name {
            fn encode(&self, out: &mut String) {
                self.as_str().encode(out);
            }
        }
    )*};
}

encode_names!(
    AccessLevel,
    OptionCode,
    Language,
    MailProvider,
    ImportKind,
    Separator,
    BulkActionKind
);

impl Encode for u32 {
    fn encode(&self, out: &mut String) {
        i64::from(*self).encode(out);
    }
}

/// Writes one member: `"name":value`, after a comma unless it is the first.
fn member<T: Encode>(out: &mut String, first: bool, name: &str, value: &T) {
    if !first {
        out.push(',');
    }
    name.encode(out);
    out.push(':');
    value.encode(out);
}

macro_rules! encode_structs {
    ($($name:ident { $first:ident $(, $field:ident)* $(,)? })*) => {$(
        impl Encode for $name {
            fn encode(&self, out: &mut String) {
                // Destructuring makes the compiler check every field is written.
                let $name { $first, $($field),* } = self;
                out.push('{');
                member(out, true, stringify!($first), $first);
                $(member(out, false, stringify!($field), $field);)*
                out.push('}');
            }
        }
    )*};
}

encode_structs! {
    SignIn { user_code, password }
    VersionOnly { version }
    AreaInput { code, description, version }
    DirectoryInput { code, name, multidimensional, area_id, version }
    CompanyInput { code, name, directory_id, area_id, user_in_charge_id, user_in_charge, version, confirm_directory_area }
    GroupInput { code, description, access_level, area_id, options, version }
    UserInput { user_code, name, group_id, language, mail_password }
    UserUpdate { user_code, name, language, group_id, confirm_move_across_areas, version }
    MoveUser { group_id, confirm_move_across_areas, version }
    SetCompanyAccess { company_ids, version }
    ChooseCompany { company_id }
    ActAs { user_id }
    MailSettingsInput { provider, api_base_url, api_key, sender_address, sender_name, version }
    MailPasswordInput { password, confirmation }
    ForgotPassword { user_code }
    ChangePassword { current_password, new_password }
    SetPassword { token, password }
    MfaCode { code }
    ImportRequest { kind, file, separator, invite }
    ConfirmChunk { chunk }
    UserSearch { q, group_id, area_id, active }
    BulkRequest { action, group_id, company_id, user_ids, all_matching }
    CopySecurity { from_user_id, version, confirm_move_across_areas }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;

    /// serde (the worker's reader, with `deny_unknown_fields`) reads back the same value.
    fn round_trip<T: Encode + DeserializeOwned + PartialEq + std::fmt::Debug>(value: T) {
        let text = to_json(&value);
        let read: T = serde_json::from_str(&text).unwrap_or_else(|error| panic!("{text}: {error}"));
        assert_eq!(read, value, "{text}");
    }

    const STRANGE: &str = "quote \" backslash \\ newline \n tab \t bell \u{7} nul \u{0} é 漢 🦀";

    #[test]
    fn every_body_reads_back_in_the_worker_as_written() {
        round_trip(SignIn {
            user_code: "a@b.test".into(),
            password: STRANGE.into(),
        });
        round_trip(VersionOnly { version: -3 });
        for version in [None, Some(9_007_199_254_740_991)] {
            round_trip(AreaInput {
                code: "NORTH".into(),
                description: STRANGE.into(),
                version,
            });
            round_trip(DirectoryInput {
                code: "D1".into(),
                name: "Main".into(),
                multidimensional: version.is_some(),
                area_id: version.map(|_| AreaId(5)),
                version,
            });
            round_trip(CompanyInput {
                code: "N01".into(),
                name: "North".into(),
                directory_id: DirectoryId(1),
                area_id: version.map(|_| AreaId(5)),
                user_in_charge_id: version.map(|_| UserId(2)),
                user_in_charge: version.map(|_| "Nora \"North\"".to_string()),
                version,
                confirm_directory_area: version.is_some(),
            });
            round_trip(GroupInput {
                code: "LA".into(),
                description: String::new(),
                access_level: AccessLevel::LocalAdministrator,
                area_id: version.map(|_| AreaId(5)),
                options: if version.is_some() {
                    OptionCode::ALL.to_vec()
                } else {
                    Vec::new()
                },
                version,
            });
            round_trip(MailSettingsInput {
                provider: MailProvider::Resend,
                api_base_url: "https://api.resend.com".into(),
                api_key: version.map(|_| STRANGE.into()),
                sender_address: "noreply@b.test".into(),
                sender_name: STRANGE.into(),
                version,
            });
        }
        for language in [None, Some(Language::Fr)] {
            round_trip(UserInput {
                user_code: "a@b.test".into(),
                name: STRANGE.into(),
                group_id: GroupId(2),
                language,
                mail_password: language.map(|_| MailPasswordInput {
                    password: STRANGE.into(),
                    confirmation: "x".into(),
                }),
            });
            round_trip(UserUpdate {
                user_code: "a@b.test".into(),
                name: "Ann".into(),
                language,
                group_id: language.map(|_| GroupId(3)),
                confirm_move_across_areas: language.is_some(),
                version: 4,
            });
        }
        round_trip(MoveUser {
            group_id: GroupId(2),
            confirm_move_across_areas: true,
            version: 1,
        });
        round_trip(SetCompanyAccess {
            company_ids: vec![CompanyId(1), CompanyId(3)],
            version: 2,
        });
        round_trip(SetCompanyAccess {
            company_ids: Vec::new(),
            version: 2,
        });
        round_trip(ChooseCompany {
            company_id: CompanyId(3),
        });
        round_trip(ImportRequest {
            kind: ImportKind::Users,
            file: STRANGE.into(),
            separator: Separator::Semicolon,
            invite: true,
        });
        round_trip(ConfirmChunk { chunk: 3 });
        for action in BulkActionKind::ALL {
            round_trip(BulkRequest {
                action,
                group_id: Some(GroupId(2)),
                company_id: None,
                user_ids: Some(vec![UserId(1)]),
                all_matching: Some(UserSearch {
                    q: Some(STRANGE.into()),
                    active: Some(true),
                    ..UserSearch::default()
                }),
            });
        }
        round_trip(CopySecurity {
            from_user_id: UserId(4),
            version: 2,
            confirm_move_across_areas: false,
        });
        round_trip(ActAs { user_id: UserId(7) });
        round_trip(MailPasswordInput {
            password: STRANGE.into(),
            confirmation: STRANGE.into(),
        });
        round_trip(ForgotPassword {
            user_code: "a@b.test".into(),
        });
        round_trip(SetPassword {
            token: "t0k3n".into(),
            password: STRANGE.into(),
        });
        round_trip(MfaCode {
            code: "123 456".into(),
        });
        round_trip(ChangePassword {
            current_password: "old one".into(),
            new_password: STRANGE.into(),
        });
    }

    #[test]
    fn text_is_escaped_as_json_requires() {
        assert_eq!(to_json("a\"b\\c\u{1f}"), r#""a\"b\\c\u001f""#);
        assert_eq!(to_json(&()), "null");
        assert_eq!(to_json(&vec![1i64, 2]), "[1,2]");
    }
}
