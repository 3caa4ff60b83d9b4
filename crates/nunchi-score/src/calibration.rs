//! Probability calibration, fitted on held-out (dev) scores: Platt scaling for two classes,
//! temperature scaling for three.

use serde::{Deserialize, Serialize};

/// Maps raw classifier scores to calibrated probabilities.
///
/// Two classes: `P(second label) = sigmoid(scale * z + offset)` for the raw logit `z`.
/// Three classes: `softmax(scale * z)` (temperature `1 / scale`; `offset` is unused).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Calibration {
    /// Multiplies the raw scores.
    pub scale: f32,
    /// Added to the scaled logit (two classes only).
    pub offset: f32,
}

impl Default for Calibration {
    fn default() -> Self {
        Calibration {
            scale: 1.0,
            offset: 0.0,
        }
    }
}

impl Calibration {
    /// The calibration `scale * z + offset` (the offset applies to two labels only).
    pub fn new(scale: f32, offset: f32) -> Self {
        Calibration { scale, offset }
    }

    /// Checks the calibration of a model with `labels` labels: a finite scale above 0 (a
    /// negative one would invert every prediction, 0 would make them all alike), a finite
    /// offset, and none for three labels (temperature scaling has no offset).
    pub(crate) fn validate(&self, labels: usize) -> Result<(), String> {
        if !(self.scale.is_finite() && self.scale > 0.0) {
            return Err(format!(
                "calibration scale {} is not a finite number above 0",
                self.scale
            ));
        }
        if !self.offset.is_finite() || (labels != 2 && self.offset != 0.0) {
            return Err(format!(
                "calibration offset {} must be finite, and 0 for three labels",
                self.offset
            ));
        }
        Ok(())
    }
}

pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Softmax of `z` scaled by `scale`, written into `out`.
pub(crate) fn softmax(z: &[f32], scale: f32, out: &mut [f64]) {
    let max = z.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b)) as f64;
    let mut sum = 0.0;
    for (o, &v) in out.iter_mut().zip(z) {
        *o = ((v as f64 - max) * scale as f64).exp();
        sum += *o;
    }
    for o in out.iter_mut() {
        *o /= sum;
    }
}

/// Platt scaling: fits `sigmoid(a z + b)` to binary targets by Newton's method on the log
/// loss, with Platt's smoothed targets against overfitting small dev sets.
pub(crate) fn fit_platt(logits: &[f32], positive: &[bool]) -> Calibration {
    let n_pos = positive.iter().filter(|&&p| p).count() as f64;
    let n_neg = positive.len() as f64 - n_pos;
    if n_pos == 0.0 || n_neg == 0.0 {
        return Calibration::default();
    }
    let hi = (n_pos + 1.0) / (n_pos + 2.0);
    let lo = 1.0 / (n_neg + 2.0);
    let (mut a, mut b) = (1.0f64, 0.0f64);
    let loss = |a: f64, b: f64| -> f64 {
        logits
            .iter()
            .zip(positive)
            .map(|(&z, &y)| {
                let t = if y { hi } else { lo };
                let p = sigmoid(a * z as f64 + b).clamp(1e-12, 1.0 - 1e-12);
                -(t * p.ln() + (1.0 - t) * (1.0 - p).ln())
            })
            .sum()
    };
    let mut current = loss(a, b);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for (&z, &y) in logits.iter().zip(positive) {
            let z = z as f64;
            let t = if y { hi } else { lo };
            let p = sigmoid(a * z + b);
            let d = p - t;
            let w = (p * (1.0 - p)).max(1e-12);
            ga += d * z;
            gb += d;
            haa += w * z * z;
            hab += w * z;
            hbb += w;
        }
        haa += 1e-9;
        hbb += 1e-9;
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-18 {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        // Backtracking keeps each step a descent step.
        let mut step = 1.0;
        let mut improved = false;
        while step > 1e-6 {
            let (na, nb) = (a - step * da, b - step * db);
            let l = loss(na, nb);
            if l < current {
                a = na;
                b = nb;
                improved = current - l > 1e-10 * current.abs();
                current = l;
                break;
            }
            step /= 2.0;
        }
        if !improved {
            break;
        }
    }
    Calibration {
        scale: a as f32,
        offset: b as f32,
    }
}

/// Temperature scaling for `k` classes: the `scale` minimising the log loss, by golden
/// section search on a log scale. `logits` holds `k` scores per example.
pub(crate) fn fit_temperature(logits: &[f32], k: usize, targets: &[usize]) -> Calibration {
    let loss = |scale: f64| -> f64 {
        let mut probs = vec![0.0; k];
        logits
            .chunks_exact(k)
            .zip(targets)
            .map(|(z, &t)| {
                softmax(z, scale as f32, &mut probs);
                -probs[t].max(1e-12).ln()
            })
            .sum()
    };
    let (mut lo, mut hi) = ((0.02f64).ln(), (50.0f64).ln());
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..60 {
        let m1 = hi - ratio * (hi - lo);
        let m2 = lo + ratio * (hi - lo);
        if loss(m1.exp()) < loss(m2.exp()) {
            hi = m2;
        } else {
            lo = m1;
        }
    }
    Calibration {
        scale: ((lo + hi) / 2.0).exp() as f32,
        offset: 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platt_recovers_a_known_sigmoid() {
        // Targets drawn deterministically from sigmoid(2z - 0.5).
        let mut logits = Vec::new();
        let mut positive = Vec::new();
        for i in 0..4000 {
            let z = (i as f64 / 4000.0) * 6.0 - 3.0;
            let p = sigmoid(2.0 * z - 0.5);
            // A low-discrepancy sequence in place of random draws.
            let u = (i as f64 * 0.618_033_988_75).fract();
            logits.push(z as f32);
            positive.push(u < p);
        }
        let c = fit_platt(&logits, &positive);
        assert!((c.scale - 2.0).abs() < 0.2, "{c:?}");
        assert!((c.offset + 0.5).abs() < 0.15, "{c:?}");
    }

    #[test]
    fn only_a_positive_finite_scale_and_no_offset_for_three_labels_are_valid() {
        assert!(Calibration::new(1.15, 0.02).validate(2).is_ok());
        assert!(Calibration::new(0.8, 0.0).validate(3).is_ok());
        for (scale, offset, labels) in [
            (-5.0, 0.0, 2),
            (0.0, 0.0, 2),
            (f32::NAN, 0.0, 2),
            (f32::INFINITY, 0.0, 3),
            (-1.0, 0.0, 3),
            (1.0, f32::NAN, 2),
            (1.0, 0.5, 3),
        ] {
            let calibration = Calibration::new(scale, offset);
            assert!(calibration.validate(labels).is_err(), "{calibration:?}");
        }
    }

    #[test]
    fn temperature_shrinks_overconfident_scores() {
        // Scores of 10 but only 75% right: the fitted scale must be well below 1.
        let mut logits = Vec::new();
        let mut targets = Vec::new();
        for i in 0..400 {
            logits.extend_from_slice(&[10.0, 0.0, 0.0]);
            targets.push(if i % 4 == 0 { 1 } else { 0 });
        }
        let c = fit_temperature(&logits, 3, &targets);
        let mut p = [0.0; 3];
        softmax(&logits[..3], c.scale, &mut p);
        assert!((p[0] - 0.75).abs() < 0.02, "{c:?} {p:?}");
    }
}
