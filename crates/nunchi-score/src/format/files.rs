//! Binding a model's files together: the manifest records the length and checksum of
//! `weights.bin` and `lexicon.tsv`, so that files of different models (or an edited, cut or
//! swapped file) do not load as one model. Reads are bounded by the recorded length.

use std::io::Read;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::error::Error;

/// The `files` section of the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Files {
    #[serde(rename = "weights.bin")]
    pub weights: Digest,
    #[serde(rename = "lexicon.tsv")]
    pub lexicon: Digest,
}

/// Length and checksum of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Digest {
    /// Length in bytes.
    pub bytes: u64,
    /// xxh3-64 of the content, 16 hex digits.
    pub xxh3: String,
}

impl Digest {
    pub fn of(content: &[u8]) -> Digest {
        Digest {
            bytes: content.len() as u64,
            xxh3: format!("{:016x}", xxh3_64(content)),
        }
    }
}

/// Reads `file` from `r`: never more than one byte past the length the manifest records
/// (itself at most `max`), and only if it is that file, by length and checksum.
pub(super) fn read_recorded(
    r: impl Read,
    file: &str,
    recorded: &Digest,
    max: u64,
) -> Result<Vec<u8>, Error> {
    if recorded.bytes > max {
        return Err(Error::invalid(
            file,
            format!(
                "the manifest gives it {} bytes, more than the {max} a model file may have",
                recorded.bytes
            ),
        ));
    }
    let mut content = Vec::new();
    r.take(recorded.bytes + 1)
        .read_to_end(&mut content)
        .map_err(|e| Error::io(format!("cannot read {file}"), e))?;
    let found = Digest::of(&content);
    if found != *recorded {
        let what = if found.bytes > recorded.bytes {
            format!("it is longer than the {} bytes", recorded.bytes)
        } else {
            format!(
                "it has {} bytes and checksum {}, not the {} bytes and checksum {}",
                found.bytes, found.xxh3, recorded.bytes, recorded.xxh3
            )
        };
        return Err(Error::invalid(
            file,
            format!(
                "{what} that the manifest records: these files are not of one model (a model \
                 directory is written whole, by `nunchi train` or `nunchi lexicon merge`)"
            ),
        ));
    }
    Ok(content)
}
