//! The crate's error type.

/// An underlying error kept as the source of one of ours.
pub type BoxedSource = Box<dyn std::error::Error + Send + Sync>;

/// Everything that can go wrong when training, loading or running a model.
///
/// Variants that wrap another error return it from [`std::error::Error::source`] and do not
/// repeat it in their message: print the chain (`{:#}` with `anyhow`) to see it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The tokenizer failed to load or to analyse a post.
    #[error(transparent)]
    Tokenizer(#[from] nunchi_tokenizer::Error),
    /// Reading or writing failed.
    #[error("{context}")]
    Io {
        /// What was being read or written (`cannot open /x/manifest.json`).
        context: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A model file is not what it should be: foreign, truncated, corrupt, or inconsistent
    /// with the other files.
    #[error("invalid model file {file}: {problem}")]
    InvalidModel {
        /// Which file of the model directory (`manifest.json`, `weights.bin`, `lexicon.tsv`).
        file: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A model file cannot be parsed: the manifest is not the JSON of a manifest, or the
    /// lexicon is not a lexicon (the source says where and why).
    #[error("cannot parse the model file {file}")]
    ModelFile {
        /// Which file.
        file: String,
        /// The parser's error.
        #[source]
        source: BoxedSource,
    },
    /// The model embedded in this build does not load (a build from a broken
    /// `data/default-model/`).
    #[error("the model embedded in this build is invalid")]
    EmbeddedModel(#[source] Box<Error>),
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
        found: u64,
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
        /// The parser's error, when one found it.
        #[source]
        source: Option<BoxedSource>,
    },
    /// The training data or configuration cannot produce a model.
    #[error("cannot train: {0}")]
    Training(String),
    /// A label string is not one of the accepted names.
    #[error("unknown label {0:?} (expected negative, neutral or positive)")]
    UnknownLabel(String),
}

impl Error {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub(crate) fn invalid(file: &str, problem: impl Into<String>) -> Self {
        Error::InvalidModel {
            file: file.to_owned(),
            problem: problem.into(),
        }
    }

    pub(crate) fn model_file(file: &str, source: impl Into<BoxedSource>) -> Self {
        Error::ModelFile {
            file: file.to_owned(),
            source: source.into(),
        }
    }

    pub(crate) fn lexicon(line: u64, message: impl Into<String>) -> Self {
        Error::Lexicon {
            line,
            message: message.into(),
            source: None,
        }
    }
}
