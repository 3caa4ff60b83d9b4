//! What scoring a post gives: the prediction and its evidence.

use nunchi_tokenizer::Span;
use serde::Serialize;

use crate::label::Label;

/// The scored sentiment of one post.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Prediction {
    /// The most probable label.
    pub label: Label,
    /// `P(positive) - P(negative)`, in `[-1, 1]`.
    pub polarity: f32,
    /// Probabilities indexed by [`Label::index`]; they sum to 1. Calibrated on held-out
    /// data for the labels the model was trained on (see the crate docs on neutral).
    pub probabilities: [f32; 3],
    /// The probability of `label`.
    pub confidence: f32,
    /// The strongest contributions, when asked for with
    /// [`Scorer::explain`](crate::Scorer::explain); else empty.
    pub evidence: Vec<Evidence>,
    /// The post had no token to score (empty, whitespace only, or only characters the
    /// tokenizer drops): it is neutral with certainty, probabilities `(0, 1, 0)`.
    pub empty: bool,
}

impl Prediction {
    /// The prediction that calibrated `probabilities` (indexed by [`Label::index`]) make:
    /// the most probable label, its probability and the polarity; no evidence.
    ///
    /// ```
    /// use nunchi_score::{Label, Prediction};
    ///
    /// let prediction = Prediction::from_probabilities([0.7, 0.1, 0.2]);
    /// assert_eq!(prediction.label, Label::Negative);
    /// assert!((prediction.polarity + 0.5).abs() < 1e-6);
    /// assert_eq!(prediction.confidence, 0.7);
    /// ```
    pub fn from_probabilities(probabilities: [f32; 3]) -> Prediction {
        let label = Label::ALL
            .into_iter()
            .max_by(|a, b| probabilities[a.index()].total_cmp(&probabilities[b.index()]))
            .unwrap_or(Label::Neutral);
        Prediction {
            label,
            polarity: probabilities[Label::Positive.index()]
                - probabilities[Label::Negative.index()],
            confidence: probabilities[label.index()],
            probabilities,
            evidence: Vec::new(),
            empty: false,
        }
    }

    /// The prediction for a post with nothing to score ([`Prediction::empty`]).
    pub fn of_empty_post() -> Prediction {
        Prediction {
            empty: true,
            ..Prediction::from_probabilities([0.0, 1.0, 0.0])
        }
    }
}

/// One contribution to a prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Evidence {
    /// What contributed: a word with its morphemes (`재밌/VA`), a negated one (`안+재밌/VA`,
    /// `재밌/VA+않`), a signal (`ㅋㅋ/IC`), or a lexicon entry (`lexicon:최고/NNG`).
    pub term: String,
    /// Signed contribution to the calibrated log-odds: toward positive (> 0) or negative (< 0).
    pub weight: f32,
    /// Byte span in the original post ([`Span::to_chars`] gives it in characters).
    pub span: Span,
}

impl Evidence {
    /// A contribution of `weight` by `term` at `span`.
    pub fn new(term: impl Into<String>, weight: f32, span: Span) -> Evidence {
        Evidence {
            term: term.into(),
            weight,
            span,
        }
    }
}
