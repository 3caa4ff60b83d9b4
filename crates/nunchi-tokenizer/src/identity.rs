//! What determines a tokenizer's output, so that a model trained on one tokenizer's output
//! can check that it is scored with the same.

use std::fmt;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::normalize::Normalizer;

/// The identity of a [`Tokenizer`](crate::Tokenizer): its system dictionary, normaliser
/// settings and user dictionary. Trained models record it and check it when they load.
///
/// ```
/// use nunchi_tokenizer::{Normalizer, Tokenizer};
///
/// let plain = Tokenizer::new()?;
/// let literal = Tokenizer::builder()
///     .normalizer(Normalizer { max_repeat: 0 })
///     .build()?;
/// assert!(plain.identity().is_compatible_with(Tokenizer::new()?.identity()));
/// assert!(!plain.identity().is_compatible_with(literal.identity()));
/// assert_eq!(plain.identity().user_dictionary, None);
/// # Ok::<(), nunchi_tokenizer::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TokenizerIdentity {
    /// The system dictionary ([`Tokenizer::dictionary_id`](crate::Tokenizer::dictionary_id)).
    pub dictionary: String,
    /// The normaliser settings.
    pub normalizer: Normalizer,
    /// The user dictionary, if there is one.
    pub user_dictionary: Option<UserDictionaryIdentity>,
}

/// The identity of a user dictionary: its content, by checksum and entry count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct UserDictionaryIdentity {
    /// The file name it was read from (`None` from a reader): for people, not compared.
    pub name: Option<String>,
    /// xxh3-64 of its bytes, 16 hex digits.
    pub checksum: String,
    /// Entries (non-blank lines).
    pub entries: usize,
}

impl TokenizerIdentity {
    pub(crate) fn new(
        dictionary: String,
        normalizer: Normalizer,
        user_dictionary: Option<UserDictionaryIdentity>,
    ) -> Self {
        TokenizerIdentity {
            dictionary,
            normalizer,
            user_dictionary,
        }
    }

    /// Whether a tokenizer of this identity analyses text as one of `other` does: the same
    /// dictionary, normaliser settings and user dictionary content (file names may differ).
    pub fn is_compatible_with(&self, other: &TokenizerIdentity) -> bool {
        let same_user_dictionary = match (&self.user_dictionary, &other.user_dictionary) {
            (None, None) => true,
            (Some(a), Some(b)) => (&a.checksum, a.entries) == (&b.checksum, b.entries),
            _ => false,
        };
        self.dictionary == other.dictionary
            && self.normalizer == other.normalizer
            && same_user_dictionary
    }
}

impl UserDictionaryIdentity {
    /// The identity of the user dictionary `csv`, read from the file `name`.
    pub(crate) fn of(name: Option<String>, csv: &[u8]) -> Self {
        let entries = csv
            .split(|&b| b == b'\n')
            .filter(|line| !line.trim_ascii().is_empty())
            .count();
        UserDictionaryIdentity {
            name,
            checksum: format!("{:016x}", xxh3_64(csv)),
            entries,
        }
    }
}

impl fmt::Display for TokenizerIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "dictionary {:?}, {:?}, ",
            self.dictionary, self.normalizer
        )?;
        match &self.user_dictionary {
            None => write!(f, "no user dictionary"),
            Some(user) => write!(
                f,
                "user dictionary {} ({} entries, xxh3 {})",
                user.name.as_deref().unwrap_or("from a reader"),
                user.entries,
                user.checksum
            ),
        }
    }
}
