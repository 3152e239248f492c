//! Whether a new sign-in password is strong enough (R36, ASVS 6.2): 12 to 128 characters, not
//! one of the 100,000 most common passwords (nor one with a few characters added, nor its
//! "l33t" spelling, nor one typed twice), and not predictable from the person's own name and
//! user code, their account's name, the words of this service ([`CONTEXT_WORDS`], ASVS 6.1.2 and
//! 6.2.11) or from repeats, sequences and keyboard rows.
//!
//! Why not the `zxcvbn` crate: its dictionaries alone are about 1 MB gzip, three times this
//! worker; the common-password list is instead a build-time binary fuse filter (`build.rs`,
//! 118 KB) and the estimate below keeps zxcvbn's main ideas (dictionary, user hints, repeats,
//! sequences, keyboard patterns, then the entropy of what is left).

use sha2::{Digest, Sha256};
use xorf::{BinaryFuse8Ref, Filter, FilterRef};

use precinct_core::validate::{MAX_PASSWORD_CHARS as MAX_CHARS, MIN_PASSWORD_LEN as MIN_CHARS};
/// What is left after the predictable parts are taken out must be worth this many bits.
const MIN_BITS: f64 = 48.0;

static DESCRIPTOR: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/common_passwords.descriptor"));
static FINGERPRINTS: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/common_passwords.fingerprints"));

/// The filter key of a text (as `build.rs` computes it).
fn key(text: &str) -> u64 {
    let digest = Sha256::digest(text.to_lowercase().as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
    u64::from_le_bytes(first)
}

/// Whether `text` (case aside) is one of the most common passwords.
pub fn is_common(text: &str) -> bool {
    if text.is_empty() {
        return false;
    }
    BinaryFuse8Ref::from_dma(DESCRIPTOR, FINGERPRINTS).contains(&key(text))
}

const KEYBOARD_ROWS: &[&str] = &[
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "azertyuiop",
    "qwertzuiop",
];
const SEQUENCES: &[&str] = &["abcdefghijklmnopqrstuvwxyz", "0123456789"];

/// The words of this service and of its customers' trade, in English and French, that a guesser
/// of a Precinct password tries first (ASVS 6.1.2): counted for nothing in a password, like the
/// person's own name. The account's name is added to them for each password.
pub const CONTEXT_WORDS: &[&str] = &[
    "precinct",
    "security",
    "securite",
    "sécurité",
    "console",
    "administrator",
    "administrateur",
    "admin",
    "password",
    "motdepasse",
    "welcome",
    "bienvenue",
    "login",
    "connexion",
    "construction",
    "chantier",
    "batiment",
    "bâtiment",
    "btp",
    "company",
    "companies",
    "entreprise",
    "societe",
    "société",
    "group",
    "groupe",
    "erp",
];

/// A text typed twice or more ("summer2024summer2024") counts once.
fn once(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let length = chars.len();
    (1..=length / 2)
        .filter(|unit| length.is_multiple_of(*unit))
        .find(|unit| {
            chars
                .chunks(*unit)
                .all(|part| chars.get(..*unit) == Some(part))
        })
        .map_or_else(
            || text.to_string(),
            |unit| chars.iter().take(unit).collect(),
        )
}

/// The letters a l33t spelling stands for.
fn unleet(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | '!' => 'i',
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            '8' => 'b',
            other => other,
        })
        .collect()
}

/// The password with digits and symbols around it removed: "Winter2024!" → "winter".
fn core_word(lower: &str) -> &str {
    lower.trim_matches(|c: char| !c.is_alphabetic())
}

/// Removes runs that a guesser tries first: a character repeated, a run of a sequence or a
/// keyboard row (3 or more, either direction), each left as one character.
fn without_patterns(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let patterns: Vec<Vec<char>> = KEYBOARD_ROWS
        .iter()
        .chain(SEQUENCES)
        .map(|row| row.chars().collect())
        .collect();
    let follows = |a: char, b: char| {
        a == b
            || patterns
                .iter()
                .any(|row| row.windows(2).any(|pair| pair == [a, b] || pair == [b, a]))
    };
    let mut out = String::new();
    let mut index = 0;
    while let Some(&first) = chars.get(index) {
        let mut end = index + 1;
        while let (Some(&previous), Some(&next)) = (chars.get(end - 1), chars.get(end)) {
            if follows(previous, next) {
                end += 1;
            } else {
                break;
            }
        }
        out.push(first);
        index = if end - index >= 3 { end } else { index + 1 };
    }
    out
}

/// Bits of what remains, by the character classes it uses.
fn bits(text: &str) -> f64 {
    let mut pool = 0.0;
    if text.chars().any(|c| c.is_ascii_lowercase()) {
        pool += 26.0;
    }
    if text.chars().any(|c| c.is_ascii_uppercase()) {
        pool += 26.0;
    }
    if text.chars().any(|c| c.is_ascii_digit()) {
        pool += 10.0;
    }
    if text.chars().any(|c| c.is_ascii_punctuation() || c == ' ') {
        pool += 33.0;
    }
    if !text.is_ascii() {
        pool += 100.0;
    }
    if pool == 0.0 {
        return 0.0;
    }
    text.chars().count() as f64 * f64::log2(pool)
}

/// Why `password` may not be chosen by the person with this name and user code, of the account
/// named `account`, in words a person understands; `None` when it is strong enough.
pub fn problem(password: &str, name: &str, user_code: &str, account: &str) -> Option<&'static str> {
    let length = password.chars().count();
    if length < MIN_CHARS {
        return Some("The password needs at least 12 characters.");
    }
    if length > MAX_CHARS {
        return Some("The password has at most 128 characters.");
    }
    let lower = once(&password.to_lowercase());
    if is_common(&lower) {
        return Some("This password is one of the most common ones: choose another.");
    }
    let word = core_word(&lower);
    if word.chars().count() >= 4 && (is_common(word) || is_common(&unleet(word))) {
        return Some(
            "This password is a common one with a few characters added: choose something less \
             predictable, such as several unrelated words.",
        );
    }
    if is_common(&unleet(&lower)) {
        return Some("This password is a common one spelt with digits: choose another.");
    }
    // The person's own name and address, their account's name and this service's words are the
    // first things a guesser tries.
    let code = user_code.to_lowercase();
    let (local, domain) = code.split_once('@').unwrap_or((code.as_str(), ""));
    let account = account.to_lowercase();
    let account_joined: String = account.chars().filter(|c| c.is_alphanumeric()).collect();
    let mut hints: Vec<String> = name
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .chain(local.split(|c: char| !c.is_alphanumeric()))
        .chain(domain.split('.'))
        .chain([local])
        .chain(account.split(|c: char| !c.is_alphanumeric()))
        .chain([account_joined.as_str()])
        .chain(CONTEXT_WORDS.iter().copied())
        .filter(|hint| hint.chars().count() >= 3)
        .map(str::to_string)
        .collect();
    hints.sort_by_key(|hint| std::cmp::Reverse(hint.len()));
    let mut rest = lower.clone();
    let mut used_hint = false;
    for hint in &hints {
        if rest.contains(hint.as_str()) {
            rest = rest.replace(hint.as_str(), "");
            used_hint = true;
        }
    }
    let rest = without_patterns(&rest);
    if bits(&rest) < MIN_BITS {
        return Some(if used_hint {
            "This password is too easy to guess from your name, your user code, your account's \
             name or the words of this service: choose another."
        } else {
            "This password is too predictable (repeats, sequences or keyboard rows): use a longer \
             mix, such as several unrelated words."
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r36_length_is_12_to_128_characters() {
        assert!(problem("short pass", "Ana", "ana@x.co", "Acme").is_some());
        assert!(problem(
            &"long enough pass word ".repeat(7),
            "Ana",
            "ana@x.co",
            "Acme"
        )
        .is_some());
        assert_eq!(
            problem("plum violin orbit canyon", "Ana", "ana@x.co", "Acme"),
            None
        );
    }

    #[test]
    fn r36_common_passwords_and_their_variants_are_refused_with_the_reason() {
        for common in [
            "qwertyuiopasdfgh",
            "1qaz2wsx3edc",
            "Password2024!!",
            "P@ssw0rd12345",
            "sunshine12345!",
        ] {
            let why = problem(common, "Ana Silva", "ana.silva@acme.example", "Acme");
            assert!(why.is_some(), "{common} was accepted");
        }
        assert!(is_common("password"));
        assert!(is_common("PASSWORD"));
        assert!(!is_common("plum violin orbit canyon"));
    }

    #[test]
    fn r36_the_persons_name_and_user_code_are_hints() {
        let why = problem(
            "anasilva2024!",
            "Ana Silva",
            "ana.silva@acme.example",
            "Acme",
        )
        .unwrap();
        assert!(why.contains("your name, your user code"), "{why}");
        assert!(problem(
            "acme-example-2024",
            "Ana Silva",
            "ana.silva@acme.example",
            "Acme"
        )
        .is_some());
        // Twin: the same shape without the hints is fine.
        assert_eq!(
            problem(
                "tulip7-marble-kayak",
                "Ana Silva",
                "ana.silva@acme.example",
                "Acme"
            ),
            None
        );
    }

    #[test]
    fn r36_the_accounts_name_and_the_words_of_this_service_are_hints() {
        for guessable in [
            "Precinct2026!!",
            "Welcome2Precinct!",
            "DuboisBTP-2026!",
            "dubois-batiment-26",
            "Chantier#Securite1",
        ] {
            let why = problem(
                guessable,
                "Ana Silva",
                "ana.silva@acme.example",
                "Dubois BTP",
            );
            assert!(
                why.is_some_and(|why| why.contains("words of this service")),
                "{guessable}: {why:?}"
            );
        }
        // Twin: the same shapes with unrelated words are fine.
        assert_eq!(
            problem(
                "Harbor2026!!zq",
                "Ana Silva",
                "ana.silva@acme.example",
                "Dubois BTP"
            ),
            None
        );
    }

    #[test]
    fn r36_a_password_typed_twice_counts_once() {
        assert!(problem("Summer2024Summer2024", "Bo", "bo@x.co", "Acme").is_some());
        assert!(problem("sunshine1sunshine1", "Bo", "bo@x.co", "Acme").is_some());
        // Twin: the same word twice inside a longer password is not a repeat of the whole.
        assert_eq!(
            problem("tulip7-marble-kayak-tulip", "Bo", "bo@x.co", "Acme"),
            None
        );
    }

    #[test]
    fn r36_repeats_sequences_and_keyboard_rows_count_for_little() {
        for weak in [
            "aaaaaaaaaaaaaaaa",
            "abcdefghijklmnop",
            "1234567890123",
            "qwertyqwerty12",
        ] {
            assert!(problem(weak, "Bo", "bo@x.co", "Acme").is_some(), "{weak}");
        }
        assert_eq!(problem("Zk7#pQ2!vR9m", "Bo", "bo@x.co", "Acme"), None);
    }
}
