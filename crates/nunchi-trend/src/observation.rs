//! What the trend monitor consumes: one scored post.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The sentiment class of a post. Mirrors `nunchi_score::Label` (same variants, order,
/// indices and serialised names), so that a scored post maps over one to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// Negative.
    Negative,
    /// Neutral (or mixed).
    Neutral,
    /// Positive.
    Positive,
}

impl Label {
    /// All labels, in index order.
    pub const ALL: [Label; 3] = [Label::Negative, Label::Neutral, Label::Positive];

    /// 0, 1, 2 for negative, neutral, positive.
    pub fn index(self) -> usize {
        self as usize
    }

    /// `negative`, `neutral` or `positive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Negative => "negative",
            Label::Neutral => "neutral",
            Label::Positive => "positive",
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Label {
    type Err = Error;

    /// Reads `negative`, `neutral` or `positive` (any case).
    fn from_str(value: &str) -> Result<Label, Error> {
        Label::ALL
            .into_iter()
            .find(|label| value.trim().eq_ignore_ascii_case(label.as_str()))
            .ok_or_else(|| Error::Label {
                value: value.to_owned(),
            })
    }
}

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

    #[test]
    fn labels_round_trip() {
        for label in Label::ALL {
            assert_eq!(label.to_string().parse::<Label>().unwrap(), label);
            assert_eq!(Label::ALL[label.index()], label);
            let json = serde_json::to_string(&label).unwrap();
            assert_eq!(json, format!("\"{label}\""));
        }
        assert_eq!("NEGATIVE".parse::<Label>().unwrap(), Label::Negative);
        assert!(matches!("0".parse::<Label>(), Err(Error::Label { .. })));
    }
}
