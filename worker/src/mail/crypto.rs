//! Secrets at rest (R26): AES-256-GCM under a key from a Worker secret. Each ciphertext carries
//! the id of its key, so the key can be rotated: new writes use the current key, old
//! ciphertexts still open with the retired keys listed beside it.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::auth::Entropy;
use crate::error::{ApiError, ApiResult};

/// The keys from the secrets: `PRECINCT_MAIL_KEY` = `<id>:<base64 32 bytes>` (current) and
/// optionally `PRECINCT_MAIL_OLD_KEYS` = the same, comma-separated (retired, decrypt only).
pub struct SecretBox {
    current: (String, [u8; 32]),
    retired: Vec<(String, [u8; 32])>,
    retired_keys_readable: bool,
}

fn parse_key(text: &str) -> Option<(String, [u8; 32])> {
    let (id, encoded) = text.trim().split_once(':')?;
    let bytes = STANDARD.decode(encoded.trim()).ok()?;
    let key: [u8; 32] = bytes.try_into().ok()?;
    (!id.is_empty() && !id.contains(':')).then(|| (id.to_string(), key))
}

impl SecretBox {
    pub fn from_secrets(current: &str, retired: &str) -> ApiResult<Self> {
        let current = parse_key(current).ok_or_else(|| {
            ApiError::internal("PRECINCT_MAIL_KEY must be <id>:<base64 of 32 bytes>")
        })?;
        // A retired key that does not parse is the operator's mistake to see (health reports
        // it, `retired_keys_readable`), not a key silently missing when an old secret must be
        // opened; the current key and the well-formed retired ones keep working meanwhile (the
        // second factors are sealed with them).
        let parts: Vec<&str> = retired
            .split(',')
            .filter(|part| !part.trim().is_empty())
            .collect();
        let retired: Vec<(String, [u8; 32])> =
            parts.iter().filter_map(|part| parse_key(part)).collect();
        Ok(SecretBox {
            retired_keys_readable: retired.len() == parts.len(),
            current,
            retired,
        })
    }

    /// Whether every retired key of `PRECINCT_MAIL_OLD_KEYS` was read (health reports one that
    /// was not).
    pub fn retired_keys_readable(&self) -> bool {
        self.retired_keys_readable
    }

    /// `<key id>:<base64(nonce || ciphertext)>`, with a fresh 96-bit nonce.
    pub fn seal(&self, plaintext: &str, entropy: &mut impl Entropy) -> ApiResult<String> {
        let (id, key) = &self.current;
        let mut nonce = [0u8; 12];
        entropy.fill(&mut nonce)?;
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes())
            .map_err(|_| ApiError::internal("encryption failed"))?;
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        Ok(format!("{id}:{}", STANDARD.encode(bytes)))
    }

    /// The plaintext, or `None` if the key is unknown or the ciphertext was tampered with.
    pub fn open(&self, stored: &str) -> Option<String> {
        let (id, encoded) = stored.split_once(':')?;
        let key = std::iter::once(&self.current)
            .chain(self.retired.iter())
            .find(|(kid, _)| kid == id)?
            .1;
        let bytes = STANDARD.decode(encoded).ok()?;
        let (nonce, sealed) = (bytes.get(..12)?, bytes.get(12..)?);
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key));
        let plain = cipher.decrypt(Nonce::from_slice(nonce), sealed).ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counter(u8);
    impl Entropy for Counter {
        fn fill(&mut self, buffer: &mut [u8]) -> ApiResult<()> {
            for byte in buffer.iter_mut() {
                self.0 = self.0.wrapping_add(1);
                *byte = self.0;
            }
            Ok(())
        }
    }

    fn key(id: &str, fill: u8) -> String {
        format!("{id}:{}", STANDARD.encode([fill; 32]))
    }

    #[test]
    fn r26_sealed_secret_opens_and_does_not_contain_the_plaintext() {
        let secrets = SecretBox::from_secrets(&key("k1", 7), "").unwrap();
        let sealed = secrets.seal("re_live_123456", &mut Counter(0)).unwrap();
        assert!(sealed.starts_with("k1:"));
        assert!(!sealed.contains("re_live_123456"));
        assert_eq!(secrets.open(&sealed).as_deref(), Some("re_live_123456"));
    }

    #[test]
    fn r26_each_seal_uses_a_fresh_nonce() {
        let secrets = SecretBox::from_secrets(&key("k1", 7), "").unwrap();
        let mut entropy = Counter(0);
        assert_ne!(
            secrets.seal("same", &mut entropy).unwrap(),
            secrets.seal("same", &mut entropy).unwrap()
        );
    }

    #[test]
    fn r26_rotation_opens_old_ciphertexts_with_retired_keys() {
        let old = SecretBox::from_secrets(&key("k1", 7), "").unwrap();
        let sealed = old.seal("secret", &mut Counter(0)).unwrap();
        let rotated = SecretBox::from_secrets(&key("k2", 9), &key("k1", 7)).unwrap();
        assert_eq!(rotated.open(&sealed).as_deref(), Some("secret"));
        assert!(rotated
            .seal("new", &mut Counter(0))
            .unwrap()
            .starts_with("k2:"));
        let without_old = SecretBox::from_secrets(&key("k2", 9), "").unwrap();
        assert_eq!(without_old.open(&sealed), None);
    }

    #[test]
    fn r37_a_malformed_retired_key_is_reported_not_dropped() {
        let sealed = SecretBox::from_secrets(&key("k1", 7), "")
            .unwrap()
            .seal("secret", &mut Counter(0))
            .unwrap();
        for retired in ["k0:not-base64".to_string(), format!("{},k2", key("k0", 1))] {
            let secrets = SecretBox::from_secrets(&key("k1", 7), &retired).unwrap();
            assert!(!secrets.retired_keys_readable(), "{retired}");
            // The current key still opens what it sealed (second factors keep working).
            assert_eq!(secrets.open(&sealed).as_deref(), Some("secret"));
        }
        // Twin: well-formed retired keys, with spaces around the commas, are all read.
        let secrets = SecretBox::from_secrets(
            &key("k1", 7),
            &format!("{} , {}", key("k0", 1), key("k2", 2)),
        )
        .unwrap();
        assert!(secrets.retired_keys_readable());
    }

    #[test]
    fn r26_tampered_ciphertext_does_not_open() {
        let secrets = SecretBox::from_secrets(&key("k1", 7), "").unwrap();
        let sealed = secrets.seal("secret", &mut Counter(0)).unwrap();
        let mut bytes = STANDARD.decode(sealed.split_once(':').unwrap().1).unwrap();
        if let Some(last) = bytes.last_mut() {
            *last ^= 1;
        }
        assert_eq!(
            secrets.open(&format!("k1:{}", STANDARD.encode(bytes))),
            None
        );
    }

    #[test]
    fn a_malformed_key_secret_is_refused() {
        assert!(SecretBox::from_secrets("k1:short", "").is_err());
        assert!(SecretBox::from_secrets("no-colon", "").is_err());
    }
}
