//! nunchi (눈치): sentiment analysis for Korean social posts.
//!
//! This facade re-exports the members' public APIs.
#![deny(missing_docs)]

pub use nunchi_score as score;
pub use nunchi_score::{Evidence, Label, Lexicon, Model, Prediction, Scorer};
pub use nunchi_tokenizer as tokenizer;
pub use nunchi_tokenizer::{PosTag, Token, Tokenizer, Worker};
