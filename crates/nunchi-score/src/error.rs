//! The crate's error type.

use std::path::PathBuf;

/// Everything that can go wrong when reading data, training, loading or running a model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The tokenizer failed to load or to analyse a post.
    #[error(transparent)]
    Tokenizer(#[from] nunchi_tokenizer::Error),
    /// Reading or writing failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being read or written (a path, or a description).
        context: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A model file is not what it should be: foreign, truncated, corrupt or of another
    /// format version.
    #[error("invalid model file {file}: {message}")]
    InvalidModel {
        /// Which file of the model directory (`manifest.json`, `weights.bin`, `lexicon.tsv`).
        file: String,
        /// What is wrong with it.
        message: String,
    },
    /// A model is loaded with another tokenizer than the one it was trained with (another
    /// dictionary, normaliser settings or user dictionary): its features would not match.
    #[error("the model was trained with the tokenizer ({model}) but is given another ({given})")]
    TokenizerMismatch {
        /// The tokenizer recorded in the model's manifest.
        model: Box<nunchi_tokenizer::TokenizerIdentity>,
        /// The tokenizer it was given.
        given: Box<nunchi_tokenizer::TokenizerIdentity>,
    },
    /// A model was written by an incompatible version of nunchi.
    #[error("{file} has format version {found}; this build reads version {expected}")]
    UnsupportedVersion {
        /// Which file.
        file: String,
        /// Version in the file.
        found: u32,
        /// Version this build reads.
        expected: u32,
    },
    /// A lexicon line is malformed.
    #[error("lexicon line {line}: {message}")]
    Lexicon {
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A data file cannot be read as a labeled dataset (bad header, missing column, …).
    #[error("dataset: {0}")]
    Dataset(String),
    /// The training data or configuration cannot produce a model.
    #[error("cannot train: {0}")]
    Training(String),
    /// A label string is not one of the accepted names.
    #[error("unknown label {0:?} (expected negative, neutral or positive)")]
    UnknownLabel(String),
    /// The model directory to write already holds something that is not a nunchi model.
    #[error("cannot write the model to {}: {message}", path.display())]
    Destination {
        /// The directory.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

impl Error {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub(crate) fn invalid(file: &str, message: impl Into<String>) -> Self {
        Error::InvalidModel {
            file: file.to_owned(),
            message: message.into(),
        }
    }
}
