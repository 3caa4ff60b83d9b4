//! nunchi (눈치): sentiment analysis for Korean social posts.
//!
//! This facade re-exports the members' public APIs: [`tokenizer`] (normalisation and
//! MeCab-ko-compatible morphological analysis over lindera and mecab-ko-dic), [`score`]
//! (features, calibrated linear classifier, lexicon, training, evaluation, model files),
//! [`trend`] (sentiment over time: buckets, negative-wave alerts and episodes, charts) and
//! [`table`] (tables of posts in and out: CSV/TSV, JSON Lines with Twitter's shapes,
//! Parquet).
//!
//! Load a model once, share it across threads, and give each thread its own [`Scorer`]:
//!
//! ```
//! use nunchi::{Label, Model};
//!
//! let model = Model::embedded()?;
//! let mut scorer = model.scorer();
//! let post = "배송이 너무 늦고 포장도 엉망이에요";
//! let prediction = scorer.explain(post, 3)?;
//! assert_eq!(prediction.label, Label::Negative);
//! assert!(prediction.polarity < 0.0);
//! // Each piece of evidence points back into the post.
//! assert!(prediction.evidence[0].span.of(post).is_some());
//! # Ok::<(), nunchi::score::Error>(())
//! ```
#![deny(missing_docs)]

pub use nunchi_score as score;
pub use nunchi_score::{Evidence, Label, Lexicon, Model, Prediction, Scorer};
pub use nunchi_table as table;
pub use nunchi_tokenizer as tokenizer;
pub use nunchi_tokenizer::{PosTag, Span, Token, Tokenizer, Worker};
pub use nunchi_trend as trend;
