//! Credentials: argon2id password hashes, session tokens, and the sign-in throttle's rule.
//! Pure functions; randomness and time come in as arguments so tests are exact.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};

/// OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane. Stored in each PHC string, so raising
/// it later re-hashes on the next sign-in instead of breaking old hashes.
pub const ARGON2_MEMORY_KIB: u32 = 19 * 1024;
pub const ARGON2_PASSES: u32 = 2;
pub const ARGON2_LANES: u32 = 1;

/// Session lifetime: idle expiry and absolute expiry, in milliseconds.
pub const SESSION_IDLE_MS: i64 = 30 * 60 * 1000;
pub const SESSION_ABSOLUTE_MS: i64 = 12 * 60 * 60 * 1000;
/// R35: how long a session may wait for its second step (the code, or the enrolment).
pub const SECOND_STEP_WINDOW_MS: i64 = 15 * 60 * 1000;
/// ASVS 7.5.1, 7.5.2: changing how one signs in (the second factor, one's own user code) or
/// ending one's other sessions needs a sign-in at most this old.
pub const RECENT_SIGN_IN_MS: i64 = 15 * 60 * 1000;
/// `last_seen_at` is written at most this often, to keep reads from turning into writes.
pub const SESSION_TOUCH_MS: i64 = 60 * 1000;

/// Name of the session cookie. `__Host-` binds it to this origin, `Secure` and `Path=/`.
pub const SESSION_COOKIE: &str = "__Host-precinct_session";

/// Source of randomness, passed in so tests can fix it.
pub trait Entropy {
    fn fill(&mut self, buffer: &mut [u8]) -> ApiResult<()>;
}

/// The operating system's CSPRNG (`crypto.getRandomValues` inside workerd).
pub struct SystemEntropy;

impl Entropy for SystemEntropy {
    fn fill(&mut self, buffer: &mut [u8]) -> ApiResult<()> {
        getrandom::fill(buffer).map_err(ApiError::internal)
    }
}

fn argon2() -> ApiResult<Argon2<'static>> {
    let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, ARGON2_LANES, None)
        .map_err(ApiError::internal)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password with a fresh 128-bit salt into a PHC string (`$argon2id$v=19$m=...`).
pub fn hash_password(password: &str, entropy: &mut impl Entropy) -> ApiResult<String> {
    let mut salt = [0u8; 16];
    entropy.fill(&mut salt)?;
    let hash = argon2()?
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map_err(ApiError::internal)?;
    Ok(hash.to_string())
}

/// Checks a password against a stored PHC string, using the parameters stored in it.
pub fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// Spends one argon2 computation on a password that matches nothing, so that an unknown user code
/// costs as much as a wrong password (no user enumeration by timing).
pub fn spend_equal_time(password: &str, entropy: &mut impl Entropy) {
    let _ = hash_password(password, entropy);
}

/// A new random session token (256 bits), as sent in the cookie.
pub fn new_token(entropy: &mut impl Entropy) -> ApiResult<String> {
    let mut bytes = [0u8; 32];
    entropy.fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The most databases accounts may be spread over (O03): `DB_0` … `DB_63`.
pub const MAX_HOMES: usize = 64;

/// A session or link token that names the database of its account (O03), `<home>.<random>`:
/// a request reaches its account's database without asking the directory. The number is no
/// secret and opens nothing (the random part is 256 bits; only its hash is stored).
pub fn homed_token(home: usize, entropy: &mut impl Entropy) -> ApiResult<String> {
    Ok(format!("{home}.{}", new_token(entropy)?))
}

/// The database a token's account lives in: its number before the dot; a token without one was
/// given before accounts were spread (database 0). `None` for a number no database can have.
pub fn home_of_token(token: &str) -> Option<usize> {
    match token.split_once('.') {
        None => Some(0),
        Some((home, _))
            if (1..=2).contains(&home.len()) && home.bytes().all(|b| b.is_ascii_digit()) =>
        {
            home.parse().ok().filter(|home| *home < MAX_HOMES)
        }
        Some(_) => None,
    }
}

/// What D1 stores instead of the token.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// The `Set-Cookie` value that installs a session.
pub fn session_cookie(token: &str) -> String {
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Strict")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn cleared_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0")
}

/// Finds the session token in a `Cookie` header.
pub fn token_from_cookie_header(header: &str) -> Option<&str> {
    header.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == SESSION_COOKIE && !value.is_empty()).then_some(value)
    })
}

/// How many failures lock what, for how long. Counted per user code (whether it exists or not,
/// so the lock itself reveals nothing) and per client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleRule {
    pub max_failures: i64,
    pub window_ms: i64,
    pub lock_ms: i64,
}

pub const USER_CODE_THROTTLE: ThrottleRule = ThrottleRule {
    max_failures: 5,
    window_ms: 15 * 60 * 1000,
    lock_ms: 15 * 60 * 1000,
};

pub const CLIENT_THROTTLE: ThrottleRule = ThrottleRule {
    max_failures: 30,
    window_ms: 15 * 60 * 1000,
    lock_ms: 15 * 60 * 1000,
};

/// The throttling key of a client address: an IPv4 address as it is, an IPv6 address by its /64
/// (one customer line gets a whole /64, so counting single addresses would count nothing).
pub fn client_key(address: &str) -> String {
    match address.trim().parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => {
            let segments = v6.segments();
            let prefix: Vec<String> = segments
                .iter()
                .take(4)
                .map(|segment| format!("{segment:x}"))
                .collect();
            format!("{}::/64", prefix.join(":"))
        }
        Ok(std::net::IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => "unknown".to_string(),
    }
}

#[cfg(test)]
mod client_tests {
    use super::client_key;

    #[test]
    fn ipv6_clients_are_keyed_by_their_64_and_ipv4_by_address() {
        assert_eq!(client_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(client_key("2001:db8:1:2:ffff:1:2:3"), "2001:db8:1:2::/64");
        assert_ne!(client_key("2001:db8:1:3::1"), client_key("2001:db8:1:2::1"));
        assert_eq!(client_key("203.0.113.9"), "203.0.113.9");
        assert_eq!(client_key("not an address"), "unknown");
    }
}

/// Whole minutes left before a lock ends, rounded up, for the message shown to the person.
pub fn minutes_left(locked_until: i64, now: i64) -> i64 {
    ((locked_until - now).max(0) + 59_999) / 60_000
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counting(u8);
    impl Entropy for Counting {
        fn fill(&mut self, buffer: &mut [u8]) -> ApiResult<()> {
            for byte in buffer.iter_mut() {
                self.0 = self.0.wrapping_add(1);
                *byte = self.0;
            }
            Ok(())
        }
    }

    #[test]
    fn r03_hash_is_argon2id_at_owasp_minimum_and_verifies() {
        let phc = hash_password("correct horse", &mut Counting(0)).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_password("correct horse", &phc));
        assert!(!verify_password("correct hors", &phc));
    }

    #[test]
    fn each_hash_has_its_own_salt() {
        let mut entropy = Counting(0);
        let first = hash_password("same", &mut entropy).unwrap();
        let second = hash_password("same", &mut entropy).unwrap();
        assert_ne!(first, second);
    }

    #[test]
    fn a_malformed_stored_hash_never_verifies() {
        assert!(!verify_password("", "not a phc string"));
        assert!(!verify_password(
            "password",
            "$argon2id$v=19$m=19456,t=2,p=1$"
        ));
    }

    #[test]
    fn tokens_are_256_bits_and_stored_hashed() {
        let token = new_token(&mut Counting(7)).unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(&token).unwrap().len(), 32);
        let stored = token_hash(&token);
        assert_eq!(stored.len(), 64);
        assert!(!stored.contains(&token));
    }

    #[test]
    fn cookie_is_host_prefixed_http_only_secure_strict() {
        let cookie = session_cookie("abc");
        for part in ["__Host-", "HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
            assert!(cookie.contains(part), "{cookie} lacks {part}");
        }
        assert!(!cookie.contains("Domain"));
    }

    #[test]
    fn finds_the_session_token_among_other_cookies() {
        let header = format!("theme=dark; {SESSION_COOKIE}=tok123; x=y");
        assert_eq!(token_from_cookie_header(&header), Some("tok123"));
        assert_eq!(token_from_cookie_header("theme=dark"), None);
        assert_eq!(
            token_from_cookie_header(&format!("{SESSION_COOKIE}=")),
            None
        );
    }

    #[test]
    fn o03_a_token_names_its_database_and_nothing_else() {
        let token = homed_token(3, &mut Counting(7)).unwrap();
        assert!(token.starts_with("3."));
        assert_eq!(home_of_token(&token), Some(3));
        assert_eq!(
            home_of_token("AbC-_x"),
            Some(0),
            "tokens given before O03 live in database 0"
        );
        for refused in [
            "x.abc", ".abc", "123.abc", "64.abc", "-1.abc", "1 .abc", "０.abc",
        ] {
            assert_eq!(home_of_token(refused), None, "{refused}");
        }
        assert_eq!(home_of_token("63.abc"), Some(63));
    }

    #[test]
    fn minutes_left_rounds_up() {
        assert_eq!(minutes_left(60_001, 0), 2);
        assert_eq!(minutes_left(60_000, 0), 1);
        assert_eq!(minutes_left(0, 10), 0);
    }
}
