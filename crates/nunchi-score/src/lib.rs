//! Sentiment scoring of Korean posts: a lexicon plus a linear classifier over sparse
//! features, with training, evaluation, model files and a shipped default model.
//!
//! A [`Model`] is immutable and shared by all threads; each thread scores through its own
//! [`Scorer`], which owns a tokenizer worker and reusable buffers.
//!
//! ```
//! use nunchi_score::{Label, Model};
//!
//! let model = Model::embedded()?;
//! let mut scorer = model.scorer();
//! let prediction = scorer.explain("배우들 연기가 정말 최고였어요 ㅋㅋ 강추합니다", 3)?;
//! assert_eq!(prediction.label, Label::Positive);
//! assert!(prediction.polarity > 0.5);
//! let negative = scorer.score("돈 아깝고 시간 아까운 영화. 스토리도 엉망")?;
//! assert_eq!(negative.label, Label::Negative);
//! # Ok::<(), nunchi_score::Error>(())
//! ```
//!
//! # Features
//!
//! Hashed into `2^hash_bits` buckets ([`FeatureConfig`]): morpheme uni-, bi- and trigrams
//! (base form + POS tag), whole-word (eojeol) uni- and bigrams, character 1–5-grams within
//! and across word boundaries (robust to spacing errors, typos and unknown words),
//! morphemes marked with their scope (negated by preverbal 안/못, postverbal -지 않다 /
//! -지 못하다 / -지 말다, 없다, 아니다; intensified; diminished; before a contrast -지만 /
//! 그런데, whose later clause dominates), and social signals (ㅋㅋ/ㅎㅎ laughter, ㅠㅠ crying,
//! emoticons, emoji, `?`, `!`). Dense features add the post's [`Lexicon`] weights by scope,
//! each scope with its own learned weight, so a lexicon edit moves scores.
//!
//! # Neutral
//!
//! A model trained on three labels predicts neutral like any other class. A model trained
//! on negative and positive posts only (like the default model, trained on NSMC) has never
//! seen a neutral post, so it says neutral by a documented rule, [`NeutralPolicy`]: part of
//! the probability goes to neutral when the calibrated polar probability is close to 0.5
//! (the *band*) or when the post holds little lexicon evidence (announcements, news,
//! questions). The negative and positive probabilities of such a model are calibrated
//! relative to each other (`P(positive) / (P(positive) + P(negative))`); its neutral
//! probability is a rule, not a learned estimate. Train with neutral examples for a learned
//! one.
//!
//! # Training
//!
//! [`train()`] learns the classifier and induces the lexicon from labeled [`Example`]s (rows
//! read by `nunchi-table`, made examples by [`dataset::Dataset::push`]), choosing
//! hyper-parameters and fitting calibration on a
//! held-out dev split; it is deterministic for a seed, whatever the number of threads.
//! Settings are a [`TrainConfig`], which serde reads from a configuration file
//! (`nunchi train --config FILE`, TOML or JSON; `data/default-model.toml` is the shipped
//! model's). The default model is retrained with `scripts/train-default-model.sh` (see
//! `data/README.md` for its provenance, metrics and ablations); retrain it whenever the
//! tokenizer's output changes.
//!
//! Features are the tokenizer's output, so a model is scored with the tokenizer it was
//! trained with: [`train()`] takes the tokenizer and the manifest records its
//! [`identity`](nunchi_tokenizer::Tokenizer::identity) (dictionary, normaliser settings,
//! user dictionary); [`Model::read`] and [`Model::load_dir`] take a tokenizer too and refuse
//! another one ([`Error::TokenizerMismatch`]). [`Model::embedded`] brings its own.
//!
//! # Cost
//!
//! [`Scorer::score_analysis`] scores a post that a tokenizer worker already analysed: about
//! a quarter of the cost of tokenizing it. `cargo bench -p nunchi-score --bench scoring`
//! compares tokenizing, scoring an analysis, scoring text and explaining.
//!
//! # Layers
//!
//! Each module uses only the modules listed before it (`tests/layers.rs` checks every
//! `use crate::` against this list), so no module imports one that imports it back:
//!
//! 1. `error`: the crate's error type.
//! 2. `label`: the sentiment classes.
//! 3. `huge_pages`: huge-page advice for the weight table.
//! 4. `calibration`: raw scores to probabilities, and fitting that map.
//! 5. `neutral`: the neutral rule of a negative/positive model.
//! 6. `metrics`: metrics of predictions against true labels.
//! 7. `dataset`: labeled examples and their warnings.
//! 8. `lexicon`: the sentiment lexicon and its TSV form.
//! 9. `post`: an analysed post as the scorer sees it (scopes, evidence units).
//! 10. `features`: a post's hashed features and lexicon sums.
//! 11. `weights`: the quantised weight table.
//! 12. `manifest`: what a model knows about itself.
//! 13. `prediction`: what scoring a post gives.
//! 14. `model`: the trained model (manifest, lexicon, weights, tokenizer).
//! 15. `scorer`: the per-thread scorer.
//! 16. `format`: the model files, all of them (read, write, validate).
//! 17. `eval`: a model evaluated on labeled examples.
//! 18. `train`: training a model.
#![deny(missing_docs)]

mod calibration;
pub mod dataset;
mod error;
mod eval;
mod features;
mod format;
mod huge_pages;
mod label;
mod lexicon;
mod manifest;
mod metrics;
mod model;
mod neutral;
mod post;
mod prediction;
mod scorer;
pub mod train;
mod weights;

pub use nunchi_tokenizer;

pub use calibration::Calibration;
pub use dataset::Example;
pub use error::Error;
pub use eval::evaluate;
pub use features::FeatureConfig;
pub use format::{
    FORMAT_VERSION, LEXICON_FILE, MANIFEST_FILE, WEIGHTS_FILE, WEIGHTS_MAGIC, WEIGHTS_VERSION,
};
pub use label::Label;
pub use lexicon::{Lexicon, LexiconEntry};
pub use manifest::{Manifest, TrainingInfo};
pub use metrics::{ClassMetrics, Evaluation};
pub use model::Model;
pub use neutral::NeutralPolicy;
pub use prediction::{Evidence, Prediction};
pub use scorer::Scorer;
pub use train::{train, TrainConfig};
