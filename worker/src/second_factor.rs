//! The second sign-in factor (R35): TOTP codes (RFC 6238: SHA-1, 6 digits, 30-second steps,
//! one step either side for clock drift) through `totp-rs`, the QR code through `qrcode`, and
//! the recovery codes. Pure functions: the clock and the randomness are passed in.

use precinct_core::api::MfaEnrolment;
use qrcode::render::svg;
use qrcode::QrCode;
use totp_rs::{Builder, Totp};

use crate::auth::{self, Entropy};
use crate::error::{ApiError, ApiResult};

/// 160 bits, the length RFC 4226 recommends and authenticator apps expect.
pub const SECRET_BYTES: usize = 20;
pub const RECOVERY_CODE_COUNT: usize = 10;
/// 24 base-32 characters: 120 random bits, so a plain SHA-256 is enough to store them (ASVS
/// 6.5.2 asks for 112 bits before a fast hash may be used).
const RECOVERY_CODE_CHARS: usize = 24;
const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
const ISSUER: &str = "Precinct";

fn totp(secret: &[u8], user_code: &str) -> ApiResult<Totp> {
    Builder::new()
        .with_secret(secret.to_vec())
        .with_issuer(Some(ISSUER))
        .with_account_name(user_code)
        .build()
        .map_err(|error| ApiError::internal(format!("TOTP: {error:?}")))
}

pub fn new_secret(entropy: &mut impl Entropy) -> ApiResult<[u8; SECRET_BYTES]> {
    let mut secret = [0u8; SECRET_BYTES];
    entropy.fill(&mut secret)?;
    Ok(secret)
}

/// The secret as the authenticator app takes it: a QR code of the `otpauth://` address, the
/// address itself, and the base-32 text to type when there is no camera.
pub fn enrolment(secret: &[u8], user_code: &str) -> ApiResult<MfaEnrolment> {
    let totp = totp(secret, user_code)?;
    let uri = totp
        .to_url()
        .map_err(|error| ApiError::internal(format!("TOTP address: {error:?}")))?;
    let qr_svg = QrCode::new(uri.as_bytes())
        .map_err(|error| ApiError::internal(format!("QR code: {error:?}")))?
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // The console places the drawing inside its page: no XML prolog there.
    let qr_svg = match qr_svg.find("<svg") {
        Some(start) => qr_svg.get(start..).unwrap_or_default().to_string(),
        None => qr_svg,
    };
    Ok(MfaEnrolment {
        secret: totp.secret().to_base32(),
        uri,
        qr_svg,
    })
}

/// Six digits, ignoring the spaces people type between the groups.
pub fn as_totp_code(code: &str) -> Option<String> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// The 30-second step whose code `code` is, within one step of `now_ms`, if any. The caller
/// accepts it only if it is later than the last step accepted (a code is usable once).
pub fn matching_step(
    secret: &[u8],
    user_code: &str,
    code: &str,
    now_ms: i64,
) -> ApiResult<Option<i64>> {
    let Some(code) = as_totp_code(code) else {
        return Ok(None);
    };
    let now = u64::try_from(now_ms / 1000).unwrap_or_default();
    Ok(totp(secret, user_code)?
        .check(&code, now)
        .and_then(|step| i64::try_from(step).ok()))
}

/// Ten recovery codes, `xxxxxx-xxxxxx-xxxxxx-xxxxxx`, shown once.
pub fn new_recovery_codes(entropy: &mut impl Entropy) -> ApiResult<Vec<String>> {
    let mut codes = Vec::with_capacity(RECOVERY_CODE_COUNT);
    for _ in 0..RECOVERY_CODE_COUNT {
        let mut bytes = [0u8; RECOVERY_CODE_CHARS];
        entropy.fill(&mut bytes)?;
        let mut code = String::with_capacity(RECOVERY_CODE_CHARS + 3);
        for (index, byte) in bytes.iter().enumerate() {
            if index > 0 && index % 6 == 0 {
                code.push('-');
            }
            // 256 is a multiple of 32: each byte gives one unbiased character.
            code.push(char::from(
                BASE32.get(usize::from(*byte) % 32).copied().unwrap_or(b'a'),
            ));
        }
        codes.push(code);
    }
    Ok(codes)
}

/// What the store keeps of a recovery code: the hash of its characters, whatever the case and
/// the dashes or spaces typed; `None` when it cannot be one.
pub fn recovery_code_hash(code: &str) -> Option<String> {
    let normal: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let well_formed =
        normal.len() == RECOVERY_CODE_CHARS && normal.bytes().all(|b| BASE32.contains(&b));
    well_formed.then(|| auth::token_hash(&normal))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    /// A seeded xorshift: exact, repeatable randomness for the tests.
    struct Counting(u64);
    impl Entropy for Counting {
        fn fill(&mut self, buffer: &mut [u8]) -> ApiResult<()> {
            for byte in buffer {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                *byte = self.0.to_le_bytes()[0];
            }
            Ok(())
        }
    }

    /// RFC 6238 appendix B, SHA-1: the 20-byte secret "12345678901234567890" at T = 59 s gives
    /// 94287082, of which six digits are 287082.
    #[test]
    fn r35_codes_follow_rfc_6238() {
        let secret = b"12345678901234567890";
        assert_eq!(
            matching_step(secret, "a@b.test", "287082", 59_000).unwrap(),
            Some(1)
        );
        // One step of drift either way is accepted, two are not.
        assert_eq!(
            matching_step(secret, "a@b.test", "287 082", 89_000).unwrap(),
            Some(1)
        );
        assert_eq!(
            matching_step(secret, "a@b.test", "287082", 120_000).unwrap(),
            None
        );
        assert_eq!(
            matching_step(secret, "a@b.test", "28708", 59_000).unwrap(),
            None
        );
    }

    #[test]
    fn r35_enrolment_draws_the_address_as_svg() {
        let secret = new_secret(&mut Counting(7)).unwrap();
        let enrolment = enrolment(&secret, "ann@example.test").unwrap();
        assert!(enrolment
            .uri
            .starts_with("otpauth://totp/Precinct:ann%40example.test?"));
        assert!(enrolment
            .uri
            .contains(&format!("secret={}", enrolment.secret)));
        assert!(enrolment.qr_svg.starts_with("<svg"), "{}", enrolment.qr_svg);
        assert!(!enrolment.qr_svg.contains("<script"));
    }

    #[test]
    fn r35_recovery_codes_carry_120_bits_and_hash_whatever_the_spelling() {
        let codes = new_recovery_codes(&mut Counting(3)).unwrap();
        assert_eq!(codes.len(), 10);
        let unique: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), 10);
        let first = &codes[0];
        assert_eq!(first.len(), 27);
        let hash = recovery_code_hash(first).unwrap();
        assert_eq!(
            recovery_code_hash(&first.to_uppercase().replace('-', " ")),
            Some(hash)
        );
        assert_eq!(recovery_code_hash("123456"), None);
        assert_eq!(recovery_code_hash(&first[..20]), None);
    }
}
