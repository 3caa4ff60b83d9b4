//! Metrics of predictions against true labels: accuracy, macro-F1, per-class precision and
//! recall, confusion matrix, ROC-AUC and calibration error.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::label::Label;

/// Number of equal-width confidence bins of the expected calibration error.
const CALIBRATION_BINS: usize = 15;

/// Precision, recall and F1 of one class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClassMetrics {
    /// The class.
    pub label: Label,
    /// Share of posts predicted as this class that are.
    pub precision: f64,
    /// Share of posts of this class predicted as it.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Posts of this class.
    pub support: usize,
}

/// Metrics of a model on labeled examples.
///
/// The classes are the model's labels when the data has no others: a negative/positive model
/// on negative/positive data is judged on its forced choice between the two (the neutral
/// share is reported apart as `neutral_rate`). When the data has labels the model was not
/// trained on (neutral posts for a two-label model), predictions use all three labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Evaluation {
    /// Number of examples.
    pub n: usize,
    /// The classes, in the order of `per_class` and the confusion matrix.
    pub labels: Vec<Label>,
    /// Share of correct predictions.
    pub accuracy: f64,
    /// Unweighted mean of the per-class F1.
    pub macro_f1: f64,
    /// Per-class metrics.
    pub per_class: Vec<ClassMetrics>,
    /// `confusion[true][predicted]` counts, in `labels` order.
    pub confusion: Vec<Vec<usize>>,
    /// Area under the ROC curve: of the positive-class probability for two classes, the
    /// mean one-vs-rest area for three. `None` if a class is missing from the data.
    pub roc_auc: Option<f64>,
    /// Expected calibration error: mean |accuracy − confidence| over 15 equal-width
    /// confidence bins, weighted by bin size.
    pub calibration_error: f64,
    /// Mean negative log-likelihood of the true class.
    pub log_loss: f64,
    /// Share of posts whose full three-way prediction is neutral.
    pub neutral_rate: f64,
}

impl Evaluation {
    /// The evaluation as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// Metrics from true labels and predicted probabilities (indexed by [`Label::index`]).
    pub fn from_probabilities(
        truth: &[Label],
        probabilities: &[[f32; 3]],
        model_labels: &[Label],
    ) -> Evaluation {
        let mut labels: Vec<Label> = model_labels.to_vec();
        let extra = truth.iter().any(|t| !labels.contains(t));
        if extra {
            labels = Label::ALL.to_vec();
        }
        let k = labels.len();
        let mut confusion = vec![vec![0usize; k]; k];
        let mut bins = [(0usize, 0f64, 0f64); CALIBRATION_BINS];
        let mut log_loss = 0.0;
        let mut neutral = 0usize;
        // Probabilities restricted to the classes and renormalised.
        let mut restricted: Vec<Vec<f64>> = Vec::with_capacity(truth.len());
        for (&t, p) in truth.iter().zip(probabilities) {
            let full_argmax = Label::ALL
                .into_iter()
                .max_by(|a, b| p[a.index()].total_cmp(&p[b.index()]))
                .unwrap_or(Label::Neutral);
            neutral += usize::from(full_argmax == Label::Neutral);
            let mut q: Vec<f64> = labels.iter().map(|l| p[l.index()] as f64).collect();
            let sum: f64 = q.iter().sum();
            if sum > 0.0 {
                q.iter_mut().for_each(|x| *x /= sum);
            } else {
                q.iter_mut().for_each(|x| *x = 1.0 / k as f64);
            }
            let (predicted, confidence) = q.iter().enumerate().fold(
                (0, f64::MIN),
                |best, (i, &x)| if x > best.1 { (i, x) } else { best },
            );
            let Some(actual) = labels.iter().position(|&l| l == t) else {
                continue;
            };
            confusion[actual][predicted] += 1;
            let bin = ((confidence * CALIBRATION_BINS as f64) as usize).min(CALIBRATION_BINS - 1);
            bins[bin].0 += 1;
            bins[bin].1 += confidence;
            bins[bin].2 += f64::from(u8::from(predicted == actual));
            log_loss -= q[actual].max(1e-12).ln();
            restricted.push(q);
        }
        let n = truth.len();
        let correct: usize = (0..k).map(|i| confusion[i][i]).sum();
        let per_class: Vec<ClassMetrics> = (0..k)
            .map(|i| {
                let support: usize = confusion[i].iter().sum();
                let predicted: usize = confusion.iter().map(|row| row[i]).sum();
                let precision = ratio(confusion[i][i], predicted);
                let recall = ratio(confusion[i][i], support);
                let f1 = if precision + recall > 0.0 {
                    2.0 * precision * recall / (precision + recall)
                } else {
                    0.0
                };
                ClassMetrics {
                    label: labels[i],
                    precision,
                    recall,
                    f1,
                    support,
                }
            })
            .collect();
        let calibration_error = bins
            .iter()
            .map(|&(_, confidence, correct)| (correct - confidence).abs())
            .sum::<f64>()
            / n.max(1) as f64;
        let actual: Vec<usize> = truth
            .iter()
            .filter_map(|t| labels.iter().position(|l| l == t))
            .collect();
        let roc_auc = if k == 2 {
            let scores: Vec<f64> = restricted.iter().map(|q| q[1]).collect();
            let positive: Vec<bool> = actual.iter().map(|&a| a == 1).collect();
            roc_auc(&scores, &positive)
        } else {
            let areas: Option<Vec<f64>> = (0..k)
                .map(|c| {
                    let scores: Vec<f64> = restricted.iter().map(|q| q[c]).collect();
                    let positive: Vec<bool> = actual.iter().map(|&a| a == c).collect();
                    roc_auc(&scores, &positive)
                })
                .collect();
            areas.map(|a| a.iter().sum::<f64>() / k as f64)
        };
        Evaluation {
            n,
            macro_f1: per_class.iter().map(|c| c.f1).sum::<f64>() / k as f64,
            labels,
            accuracy: ratio(correct, n),
            per_class,
            confusion,
            roc_auc,
            calibration_error,
            log_loss: log_loss / n.max(1) as f64,
            neutral_rate: ratio(neutral, n),
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Area under the ROC curve by the rank-sum statistic (ties count one half).
fn roc_auc(scores: &[f64], positive: &[bool]) -> Option<f64> {
    let n_pos = positive.iter().filter(|&&p| p).count();
    let n_neg = positive.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        let mean_rank = (i + j) as f64 / 2.0 + 1.0;
        for &o in &order[i..=j] {
            if positive[o] {
                rank_sum += mean_rank;
            }
        }
        i = j + 1;
    }
    let (p, q) = (n_pos as f64, n_neg as f64);
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * q))
}

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "examples      {}", self.n)?;
        writeln!(f, "accuracy      {:.4}", self.accuracy)?;
        writeln!(f, "macro F1      {:.4}", self.macro_f1)?;
        match self.roc_auc {
            Some(auc) => writeln!(f, "ROC-AUC       {auc:.4}")?,
            None => writeln!(f, "ROC-AUC       n/a")?,
        }
        writeln!(f, "ECE           {:.4}", self.calibration_error)?;
        writeln!(f, "log loss      {:.4}", self.log_loss)?;
        writeln!(f, "neutral rate  {:.4}", self.neutral_rate)?;
        writeln!(
            f,
            "{:<10} {:>9} {:>9} {:>9} {:>8}",
            "class", "precision", "recall", "F1", "support"
        )?;
        for c in &self.per_class {
            writeln!(
                f,
                "{:<10} {:>9.4} {:>9.4} {:>9.4} {:>8}",
                c.label.as_str(),
                c.precision,
                c.recall,
                c.f1,
                c.support
            )?;
        }
        write!(f, "confusion (rows true, columns predicted):")?;
        for (label, row) in self.labels.iter().zip(&self.confusion) {
            write!(f, "\n  {:<10}", label.as_str())?;
            for count in row {
                write!(f, " {count:>8}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_of_a_small_binary_case() {
        use Label::*;
        let truth = [Positive, Positive, Negative, Negative];
        let probs = [
            [0.1, 0.0, 0.9],
            [0.6, 0.0, 0.4],
            [0.8, 0.0, 0.2],
            [0.3, 0.0, 0.7],
        ];
        let e = Evaluation::from_probabilities(&truth, &probs, &[Negative, Positive]);
        assert_eq!(e.accuracy, 0.5);
        assert_eq!(e.confusion, vec![vec![1, 1], vec![1, 1]]);
        // Positive scores 0.9, 0.4 against negatives 0.2, 0.7: 3 of 4 pairs ordered.
        assert_eq!(e.roc_auc, Some(0.75));
        // Bins: 0.9 right, 0.6 wrong, 0.8 right, 0.7 wrong.
        let ece = ((1.0f64 - 0.9) + 0.6 + (1.0 - 0.8) + 0.7) / 4.0;
        assert!(
            (e.calibration_error - ece).abs() < 1e-6,
            "{}",
            e.calibration_error
        );
        assert_eq!(e.neutral_rate, 0.0);
        let json: Evaluation = serde_json::from_str(&e.to_json()).unwrap();
        assert_eq!(json, e);
    }

    #[test]
    fn neutral_data_for_a_binary_model_uses_three_classes() {
        use Label::*;
        let truth = [Neutral, Positive];
        let probs = [[0.2, 0.6, 0.2], [0.1, 0.1, 0.8]];
        let e = Evaluation::from_probabilities(&truth, &probs, &[Negative, Positive]);
        assert_eq!(e.labels, Label::ALL.to_vec());
        assert_eq!(e.accuracy, 1.0);
        assert_eq!(e.neutral_rate, 0.5);
    }
}
