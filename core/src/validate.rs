//! Input checks shared by the console (live warnings) and the worker (the refusal that counts).

/// Longest user code (email address) accepted, as RFC 5321 limits a path to 254 characters.
pub const MAX_USER_CODE_LEN: usize = 254;
/// Longest sign-in password chosen, in characters (R36).
pub const MAX_PASSWORD_CHARS: usize = 128;
/// Longest password read, in bytes: argon2's cost grows with its input, so an unbounded one is a
/// DoS lever; every password that may be chosen (128 characters of up to 4 bytes) fits.
pub const MAX_PASSWORD_LEN: usize = 4 * MAX_PASSWORD_CHARS;

const TOO_LONG: &str = "The user code is too long: an email address has at most 254 characters.";

/// [`user_code_problem`], and the length as stored: lower-casing can lengthen a code ('İ' takes 2
/// bytes, "i̇" 3). The worker's refusal; the console's live warning does without it (Unicode's
/// case tables would cost its bundle 10 KB gzip).
pub fn stored_user_code_problem(code: &str) -> Option<&'static str> {
    user_code_problem(code)
        .or_else(|| (normalize_user_code(code).len() > MAX_USER_CODE_LEN).then_some(TOO_LONG))
}

/// Why a user code is not acceptable, in words a person understands (R24).
pub fn user_code_problem(code: &str) -> Option<&'static str> {
    let trimmed = code.trim();
    if trimmed.is_empty() {
        return Some("The user code is required: enter the person's email address.");
    }
    if trimmed.len() > MAX_USER_CODE_LEN {
        return Some(TOO_LONG);
    }
    if trimmed
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || is_invisible(c))
    {
        return Some(
            "The user code may not contain spaces or invisible characters: type the bare address, \
             such as name@example.com.",
        );
    }
    if !trimmed.contains('@') {
        return Some(
            "The user code must be an email address, such as name@example.com (no @ found).",
        );
    }
    if trimmed.contains(['<', '>', '[', ']']) {
        return Some(
            "The user code is the bare address only, such as name@example.com: no name before it, \
             no angle or square brackets.",
        );
    }
    // A quoted local part ("a,b"@x or "ceo@other"@x) can look like another address and carries
    // commas and colons into mail headers and the relay's sign-in.
    if trimmed.contains(['"', '\\']) {
        return Some(
            "The user code is a plain address, such as name@example.com: no quotes or backslashes.",
        );
    }
    let bare = email_address::Options::default()
        .without_display_text()
        .without_domain_literal();
    match email_address::EmailAddress::parse_with_options(trimmed, bare) {
        Ok(_) if !trimmed.rsplit('@').next().unwrap_or_default().contains('.') => Some(
            "The user code must be an email address with a full domain, such as name@example.com.",
        ),
        Ok(_) => None,
        Err(_) => Some("The user code is not a valid email address, such as name@example.com."),
    }
}

/// Characters that show nothing or reorder what is shown: every Unicode format character
/// (general category Cf, Unicode 16: zero-width spaces and joiners, direction marks, embeddings,
/// overrides and isolates, the byte-order mark, prepended number signs, invisible operators,
/// shorthand and musical format controls, tags) and the other default-ignorable code points
/// (Hangul fillers, variation selectors, the combining grapheme joiner): in a code they make two
/// codes look the same; in a name they can make it read backwards.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// The bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can make a
/// name or description read in another order than it is stored.
pub fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Why a name or description cannot be stored: control characters (line breaks included) and
/// bidirectional overrides and isolates.
pub fn text_problem(text: &str) -> Option<&'static str> {
    if text.chars().any(|c| c.is_control()) {
        return Some("contains line breaks or other control characters");
    }
    if text.chars().any(is_direction_control) {
        return Some("contains characters that change the reading direction");
    }
    None
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
    if length > MAX_PASSWORD_CHARS {
        return Some("The password has at most 128 characters.");
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

/// R34: the full-text query for a person's search: every word of it as a prefix (`"word"*`), all
/// of them required. Words are the runs of letters and digits, so nothing typed can reach the
/// query language's own syntax (quotes, `OR`, `NEAR`, `*` are separators or plain words);
/// `None` when there is no word at all (only punctuation), which finds nothing.
pub fn word_prefix_query(q: &str) -> Option<String> {
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| format!("\"{word}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
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
    fn r24_a_user_code_is_a_bare_address_without_invisible_characters() {
        for hostile in [
            "Ana <ana@example.com>",
            "<ana@example.com>",
            "ana@[192.168.0.1]",
            "ana\u{202E}moc@example.com",
            "an\u{200B}a@example.com",
            "ana@example.com\r\nBcc: x@y.com",
            "ana\t@example.com",
            // Format characters of every block (general category Cf), not only the usual ones.
            "ceo\u{1D173}@corp.example",
            "ceo\u{1BCA0}@corp.example",
            "\u{0600}ceo@corp.example",
            "ceo@corp\u{13439}.example",
            // Quoted local parts look like other addresses and carry commas and colons.
            "\"ceo@other.example\"@x.example",
            "\"a,b\"@x.example",
            "a\\b@x.example",
        ] {
            assert!(user_code_problem(hostile).is_some(), "{hostile:?}");
        }
        assert_eq!(user_code_problem(" ana@example.com "), None);
        // Twin: letters of other scripts are fine.
        assert_eq!(user_code_problem("josé.bélanger@example.com"), None);
    }

    #[test]
    fn r24_a_user_code_is_at_most_254_bytes_as_stored_lower_case() {
        // 'İ' (2 bytes) lower-cases to "i̇" (3 bytes).
        let local = "İ".repeat(32);
        let domain = format!(
            "{}.{}.{}.example",
            "e".repeat(60),
            "d".repeat(60),
            "f".repeat(50)
        );
        let fits = format!("{local}@{domain}");
        assert!(fits.len() <= MAX_USER_CODE_LEN);
        assert!(normalize_user_code(&fits).len() > MAX_USER_CODE_LEN);
        assert!(stored_user_code_problem(&fits).is_some());
        // Twin: the same length in letters that keep their size is accepted.
        let plain = format!("{}@{domain}", "i".repeat(60));
        assert!(normalize_user_code(&plain).len() <= MAX_USER_CODE_LEN);
        assert_eq!(stored_user_code_problem(&plain), None);
    }

    #[test]
    fn names_refuse_control_and_direction_characters_only() {
        assert!(text_problem("Ana\nSilva").is_some());
        assert!(text_problem("evil\u{202E}gnp.exe").is_some());
        assert!(text_problem("x\u{2066}y").is_some());
        assert_eq!(text_problem("Marie Bélanger — Québec"), None);
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

    #[test]
    fn r34_every_word_is_a_required_prefix_and_nothing_reaches_the_query_syntax() {
        assert_eq!(word_prefix_query("fortin").as_deref(), Some("\"fortin\"*"));
        assert_eq!(
            word_prefix_query("jean-marc bél").as_deref(),
            Some("\"jean\"* \"marc\"* \"bél\"*")
        );
        assert_eq!(
            word_prefix_query("a\" OR b NEAR(c) *").as_deref(),
            Some("\"a\"* \"OR\"* \"b\"* \"NEAR\"* \"c\"*")
        );
        assert_eq!(word_prefix_query("@@ -- ..."), None);
    }
}
