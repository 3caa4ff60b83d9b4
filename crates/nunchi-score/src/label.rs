//! Sentiment labels.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A sentiment class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// Negative opinion.
    Negative,
    /// No opinion, or a balanced one (announcements, news, plain questions).
    Neutral,
    /// Positive opinion.
    Positive,
}

impl Label {
    /// All labels, in [`Label::index`] order.
    pub const ALL: [Label; 3] = [Label::Negative, Label::Neutral, Label::Positive];

    /// Position of the label in [`Prediction::probabilities`](crate::Prediction): 0, 1, 2.
    pub fn index(self) -> usize {
        match self {
            Label::Negative => 0,
            Label::Neutral => 1,
            Label::Positive => 2,
        }
    }

    /// The lowercase name: `negative`, `neutral`, `positive`.
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

    /// Parses the lowercase name (surrounding whitespace and case are ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "negative" => Ok(Label::Negative),
            "neutral" => Ok(Label::Neutral),
            "positive" => Ok(Label::Positive),
            _ => Err(Error::UnknownLabel(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_indices_follow_all() {
        for (i, label) in Label::ALL.into_iter().enumerate() {
            assert_eq!(label.index(), i);
            assert_eq!(label.as_str().parse::<Label>().unwrap(), label);
            assert_eq!(label.to_string(), label.as_str());
        }
        assert_eq!(" Positive ".parse::<Label>().unwrap(), Label::Positive);
        assert!("good".parse::<Label>().is_err());
    }
}
