//! The neutral rule of a model trained on negative and positive posts only.

use serde::{Deserialize, Serialize};

/// How a model trained on negative and positive posts only says neutral, since it never saw
/// a neutral post: a share of the probability, the *neutral mass*, goes to neutral when the
/// model is unsure or when the post holds no sentiment evidence.
///
/// With `p` the calibrated `P(positive | polar)`, `margin = |2p - 1|` and `evidence` the
/// summed absolute weight of the post's lexicon terms:
///
/// ```text
/// mass = max(1 - margin / band, (1 - evidence / min_evidence) * (1 - margin)^2)   in [0, 1]
/// probabilities = [(1 - mass)(1 - p), mass, (1 - mass) p]
/// ```
///
/// So a post is neutral when the classifier is close to a coin flip (the band), or when
/// it has no clearly polar term and the classifier is not confident either.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct NeutralPolicy {
    /// Polar margin below which neutral mass appears (`0` disables the band).
    pub band: f32,
    /// Lexicon evidence below which neutral mass appears (`0` disables it).
    pub min_evidence: f32,
}

impl Default for NeutralPolicy {
    fn default() -> Self {
        NeutralPolicy {
            band: 0.3,
            min_evidence: 0.5,
        }
    }
}

impl NeutralPolicy {
    /// The policy with this band and evidence threshold.
    pub fn new(band: f32, min_evidence: f32) -> Self {
        NeutralPolicy { band, min_evidence }
    }

    /// Checks that the band is in `[0, 1]` (a margin is) and the evidence threshold is
    /// finite and not negative.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.band) {
            return Err(format!("neutral band {} is outside [0, 1]", self.band));
        }
        if !(self.min_evidence.is_finite() && self.min_evidence >= 0.0) {
            return Err(format!(
                "neutral min_evidence {} is not a finite number >= 0",
                self.min_evidence
            ));
        }
        Ok(())
    }

    /// The neutral mass of a post whose calibrated polar probability is `p` and whose
    /// lexicon evidence is `evidence`.
    pub(crate) fn mass(&self, p: f32, evidence: f32) -> f32 {
        let margin = (2.0 * p - 1.0).abs();
        let from_band = if self.band > 0.0 {
            1.0 - margin / self.band
        } else {
            0.0
        };
        let from_evidence = if self.min_evidence > 0.0 {
            (1.0 - evidence / self.min_evidence).max(0.0) * (1.0 - margin).powi(2)
        } else {
            0.0
        };
        from_band.max(from_evidence).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_in_zero_one_and_finite_evidence_threshold_are_valid() {
        for (band, min_evidence) in [(0.3, 0.5), (0.0, 0.0), (1.0, 7.0)] {
            assert!(NeutralPolicy::new(band, min_evidence).validate().is_ok());
        }
        for (band, min_evidence) in [(-0.1, 0.5), (1.5, 0.5), (f32::NAN, 0.5), (0.3, -1.0)] {
            let policy = NeutralPolicy::new(band, min_evidence);
            assert!(policy.validate().is_err(), "{policy:?}");
        }
    }

    #[test]
    fn neutral_mass_follows_band_and_evidence() {
        let policy = NeutralPolicy {
            band: 0.3,
            min_evidence: 0.5,
        };
        assert_eq!(policy.mass(0.5, 5.0), 1.0);
        assert_eq!(policy.mass(0.95, 5.0), 0.0);
        // No evidence: neutral mass unless the classifier is confident.
        assert!((policy.mass(0.95, 0.0) - 0.01).abs() < 1e-6);
        assert!((policy.mass(0.7, 0.0) - 0.36).abs() < 1e-6);
        assert!((policy.mass(0.7, 0.25) - 0.18).abs() < 1e-6);
    }
}
