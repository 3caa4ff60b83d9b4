//! The tokenizer's error type.

use std::path::PathBuf;

/// Everything that can go wrong when loading or running the tokenizer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The system dictionary could not be loaded.
    #[error("cannot load the ko-dic dictionary from {source_name}: {message}")]
    Dictionary {
        /// Where the dictionary was looked for (`embedded` or a directory).
        source_name: String,
        /// lindera's explanation.
        message: String,
    },
    /// This build has no embedded dictionary (the `embed-ko-dic` feature is off).
    #[error("this build of nunchi has no embedded dictionary; load one from a directory instead")]
    NoEmbeddedDictionary,
    /// A user dictionary could not be read or built.
    #[error("cannot build the user dictionary{}: {message}", path.as_ref().map(|p| format!(" {}", p.display())).unwrap_or_default())]
    UserDictionary {
        /// The file, when it came from one.
        path: Option<PathBuf>,
        /// What was wrong with it.
        message: String,
    },
    /// Reading a file failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The input is longer than the tokenizer takes
    /// ([`MAX_INPUT_BYTES`](crate::MAX_INPUT_BYTES), 2 GiB).
    #[error(
        "input of {len} bytes is too long (the limit is {} bytes, 2 GiB)",
        crate::MAX_INPUT_BYTES
    )]
    InputTooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// Morphological analysis failed: the dictionary left no path through the lattice.
    #[error("morphological analysis failed: {0}")]
    Analysis(String),
}
