//! What the trend monitor consumes: one scored post.

use nunchi_score::{Label, Prediction};
use serde::{Deserialize, Serialize};

/// One scored post, as the trend monitor sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// When it was posted: unix seconds, UTC (see [`parse_timestamp`](crate::parse_timestamp)).
    pub time: i64,
    /// Its sentiment class.
    pub label: Label,
    /// Its polarity in [-1, 1]: P(positive) − P(negative).
    pub polarity: f32,
    /// Indices of the configured targets that it mentions (see
    /// [`TargetMatcher`](crate::TargetMatcher)); duplicates count once.
    pub targets: Vec<usize>,
    /// The terms that pushed it toward negative (a scorer's evidence with negative weight,
    /// e.g. `황당/XR`); counted for posts labelled negative, each term once per post.
    pub negative_terms: Vec<String>,
}

impl Observation {
    /// A post at `time` with `label` and `polarity`, no targets and no terms.
    pub fn new(time: i64, label: Label, polarity: f32) -> Observation {
        Observation {
            time,
            label,
            polarity,
            targets: Vec::new(),
            negative_terms: Vec::new(),
        }
    }

    /// A post at `time` scored by `nunchi-score`: its label and polarity, and as negative
    /// terms the terms of its evidence that pushed toward negative (strongest first; score
    /// with [`Scorer::explain`](nunchi_score::Scorer::explain) to have any).
    pub fn from_prediction(time: i64, prediction: &Prediction) -> Observation {
        Observation {
            time,
            label: prediction.label,
            polarity: prediction.polarity,
            targets: Vec::new(),
            negative_terms: prediction
                .evidence
                .iter()
                .filter(|e| e.weight < 0.0)
                .map(|e| e.term.clone())
                .collect(),
        }
    }

    /// Sets the matched target indices.
    pub fn with_targets(mut self, targets: Vec<usize>) -> Observation {
        self.targets = targets;
        self
    }

    /// Sets the negative evidence terms.
    pub fn with_negative_terms(mut self, terms: Vec<String>) -> Observation {
        self.negative_terms = terms;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nunchi_score::Evidence;
    use nunchi_tokenizer::Span;

    #[test]
    fn a_prediction_becomes_an_observation_with_its_negative_terms() {
        let evidence = |term: &str, weight| Evidence::new(term, weight, Span::new(0, 3));
        let mut prediction = Prediction::from_probabilities([0.8, 0.1, 0.1]);
        prediction.evidence = vec![
            evidence("황당/XR", -1.2),
            evidence("ㅋㅋ/IC", 0.4),
            evidence("도둑놈/NNG", -0.9),
        ];
        let observation = Observation::from_prediction(42, &prediction).with_targets(vec![1]);
        assert_eq!(observation.label, Label::Negative);
        assert!((observation.polarity + 0.7).abs() < 1e-6);
        assert_eq!(observation.negative_terms, ["황당/XR", "도둑놈/NNG"]);
        assert_eq!((observation.time, observation.targets), (42, vec![1]));
    }
}
