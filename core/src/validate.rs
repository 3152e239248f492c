//! Input checks shared by the console (live warnings) and the worker (the refusal that counts).

use std::str::FromStr;

/// Longest user code (email address) accepted, as RFC 5321 limits a path to 254 characters.
pub const MAX_USER_CODE_LEN: usize = 254;
/// Longest password accepted; argon2 cost grows with input, so an unbounded one is a DoS lever.
pub const MAX_PASSWORD_LEN: usize = 256;

/// Why a user code is not acceptable, in words a person understands (R24).
pub fn user_code_problem(code: &str) -> Option<&'static str> {
    let trimmed = code.trim();
    if trimmed.is_empty() {
        return Some("The user code is required: enter the person's email address.");
    }
    if trimmed.len() > MAX_USER_CODE_LEN {
        return Some("The user code is too long: an email address has at most 254 characters.");
    }
    if !trimmed.contains('@') {
        return Some(
            "The user code must be an email address, such as name@example.com (no @ found).",
        );
    }
    match email_address::EmailAddress::from_str(trimmed) {
        Ok(_) if !trimmed.rsplit('@').next().unwrap_or_default().contains('.') => Some(
            "The user code must be an email address with a full domain, such as name@example.com.",
        ),
        Ok(_) => None,
        Err(_) => Some("The user code is not a valid email address, such as name@example.com."),
    }
}

/// Why a non-user-code email address (a sender address, say) is not acceptable.
pub fn email_problem(address: &str) -> Option<&'static str> {
    user_code_problem(address)
        .map(|_| "This is not a valid email address, such as name@example.com.")
}

/// Shortest sign-in password accepted (NIST SP 800-63B allows 8; a console of this power
/// asks for more).
pub const MIN_PASSWORD_LEN: usize = 12;

/// Why a new sign-in password is not acceptable.
pub fn password_problem(password: &str, user_code: &str) -> Option<&'static str> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_LEN {
        return Some("The password needs at least 12 characters.");
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Some("The password has at most 256 characters.");
    }
    if normalize_user_code(password) == normalize_user_code(user_code) {
        return Some("The password must not be your user code.");
    }
    None
}

/// User codes are unique and compared case-insensitively across the service (R03).
pub fn normalize_user_code(code: &str) -> String {
    code.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r24_accepts_a_plain_email_address() {
        assert_eq!(user_code_problem("ana.silva@example.com"), None);
    }

    #[test]
    fn r24_refuses_text_without_at_sign_and_says_why() {
        let why = user_code_problem("ana.silva").unwrap();
        assert!(why.contains("@"), "{why}");
    }

    #[test]
    fn r24_refuses_a_domain_without_a_dot_and_an_empty_code() {
        assert!(user_code_problem("ana@localhost").is_some());
        assert!(user_code_problem("  ").is_some());
        assert!(user_code_problem("a b@example.com").is_some());
    }

    #[test]
    fn passwords_need_twelve_characters_and_not_the_user_code() {
        assert!(password_problem("short", "a@b.co").is_some());
        assert!(password_problem("Ana@Example.com", "ana@example.com").is_some());
        assert_eq!(password_problem("correct horse battery", "a@b.co"), None);
    }

    #[test]
    fn r03_user_codes_compare_case_insensitively() {
        assert_eq!(normalize_user_code(" Ana@Example.COM "), "ana@example.com");
    }
}
