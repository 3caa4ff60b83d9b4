//! The linear classifier's optimisation: the sparse design matrix, AdaGrad with optional
//! Polyak–Ruppert averaging, naive-Bayes feature scaling, and scoring rows on dev.

use rayon::prelude::*;

use crate::calibration::{sigmoid, softmax};

use super::docs::Doc;
use super::induction::Dense;
use super::rng::SplitMix64;
use super::TrainConfig;

/// The sparse design matrix seen by the optimiser.
#[derive(Clone, Copy)]
pub(super) struct Matrix<'a> {
    pub docs: &'a [Doc],
    /// Per hashed index, the factor its value is scaled by (NB log-count ratio), if any.
    pub ratios: Option<&'a [f32]>,
    pub dense: &'a [Dense],
    pub lexicon_base: usize,
    pub bias: usize,
    pub outputs: usize,
}

impl Matrix<'_> {
    fn value(&self, doc: &Doc, index: u32) -> f32 {
        match self.ratios {
            Some(r) => doc.value * r[index as usize],
            None => doc.value,
        }
    }

    /// Weights over the raw (unscaled) features: what a model stores.
    fn effective(&self, mut weights: Vec<f32>) -> Vec<f32> {
        if let Some(r) = self.ratios {
            for (row, &ratio) in weights.chunks_exact_mut(self.outputs).zip(r) {
                row.iter_mut().for_each(|w| *w *= ratio);
            }
        }
        weights
    }

    pub fn scores(&self, weights: &[f32], r: usize, out: &mut [f32]) {
        let k = self.outputs;
        let doc = &self.docs[r];
        out.iter_mut().for_each(|o| *o = 0.0);
        for &i in &doc.indices {
            let row = &weights[i as usize * k..i as usize * k + k];
            let x = self.value(doc, i);
            for (o, w) in out.iter_mut().zip(row) {
                *o += w * x;
            }
        }
        for (s, &x) in self.dense[r].sums.iter().enumerate() {
            let at = (self.lexicon_base + s) * k;
            for (o, w) in out.iter_mut().zip(&weights[at..at + k]) {
                *o += w * x;
            }
        }
        for (o, w) in out
            .iter_mut()
            .zip(&weights[self.bias * k..self.bias * k + k])
        {
            *o += w;
        }
    }

    /// Per-output loss gradient `p - y` for row `r`, and the row's log loss.
    fn gradient(&self, weights: &[f32], r: usize, g: &mut [f32]) -> f64 {
        let mut z = [0f32; 3];
        let z = &mut z[..self.outputs];
        self.scores(weights, r, z);
        let class = self.docs[r].class;
        if self.outputs == 1 {
            let p = sigmoid(z[0] as f64);
            let y = (class == 1) as u8 as f64;
            g[0] = (p - y) as f32;
            -(if class == 1 { p } else { 1.0 - p }).max(1e-12).ln()
        } else {
            let mut p = [0f64; 3];
            softmax(z, 1.0, &mut p[..self.outputs]);
            for (k, gk) in g.iter_mut().enumerate() {
                *gk = (p[k] - (k == class) as u8 as f64) as f32;
            }
            -p[class].max(1e-12).ln()
        }
    }
}

/// AdaGrad on the logistic (softmax) loss with L2 on the touched weights.
///
/// With averaging, it also keeps the mean of the weights over all steps (Polyak–Ruppert)
/// by the sparse trick: `shifts` accumulates `step · Δw`, and the mean is
/// `weights − shifts / step`.
struct Optimizer {
    weights: Vec<f32>,
    squares: Vec<f32>,
    shifts: Option<Vec<f32>>,
    step: f32,
    learning_rate: f32,
    l2: f32,
}

impl Optimizer {
    fn new(dimension: usize, outputs: usize, config: &TrainConfig, l2: f32) -> Self {
        Optimizer {
            weights: vec![0.0; dimension * outputs],
            squares: vec![0.0; dimension * outputs],
            shifts: config.average.then(|| vec![0.0; dimension * outputs]),
            step: 1.0,
            learning_rate: config.learning_rate,
            l2,
        }
    }

    /// The weights to use: the running mean with averaging, else the current ones.
    fn result(&self) -> Vec<f32> {
        match &self.shifts {
            Some(shifts) => self
                .weights
                .iter()
                .zip(shifts)
                .map(|(w, u)| w - u / self.step)
                .collect(),
            None => self.weights.clone(),
        }
    }

    fn update_at(&mut self, at: usize, grad: f32, regularize: bool) {
        let g = if regularize {
            grad + self.l2 * self.weights[at]
        } else {
            grad
        };
        self.squares[at] += g * g;
        let delta = -self.learning_rate * g / (self.squares[at].sqrt() + 1e-6);
        self.weights[at] += delta;
        if let Some(shifts) = &mut self.shifts {
            shifts[at] += self.step * delta;
        }
    }

    fn epoch(&mut self, m: &Matrix, order: &[usize]) {
        let k = m.outputs;
        let mut g = [0f32; 3];
        for &r in order {
            m.gradient(&self.weights, r, &mut g[..k]);
            let doc = &m.docs[r];
            for &i in &doc.indices {
                let x = m.value(doc, i);
                for (o, &gk) in g[..k].iter().enumerate() {
                    self.update_at(i as usize * k + o, gk * x, true);
                }
            }
            for (s, &x) in m.dense[r].sums.iter().enumerate() {
                if x != 0.0 {
                    for (o, &gk) in g[..k].iter().enumerate() {
                        self.update_at((m.lexicon_base + s) * k + o, gk * x, false);
                    }
                }
            }
            for (o, &gk) in g[..k].iter().enumerate() {
                self.update_at(m.bias * k + o, gk, false);
            }
            self.step += 1.0;
        }
    }
}

/// Naive-Bayes log-count ratios of the hashed features over `rows` (two classes):
/// `ln((p_i / |p|) / (q_i / |q|))` with presence counts smoothed by 1.
pub(super) fn nb_ratios(docs: &[Doc], rows: &[usize], hashed: usize) -> Vec<f32> {
    let mut counts = vec![[0u32; 2]; hashed];
    for &r in rows {
        let doc = &docs[r];
        for &i in &doc.indices {
            counts[i as usize][doc.class.min(1)] += 1;
        }
    }
    let (mut p_total, mut q_total) = (0f64, 0f64);
    for c in &counts {
        p_total += c[1] as f64 + 1.0;
        q_total += c[0] as f64 + 1.0;
    }
    counts
        .iter()
        .map(|c| (((c[1] as f64 + 1.0) / p_total) / ((c[0] as f64 + 1.0) / q_total)).ln() as f32)
        .collect()
}

/// Accuracy and mean log loss of `weights` on `rows`.
pub(super) fn score_rows(m: &Matrix, weights: &[f32], rows: &[usize]) -> (f64, f64) {
    let mut g = [0f32; 3];
    let mut z = [0f32; 3];
    let mut correct = 0usize;
    let mut loss = 0.0;
    for &r in rows {
        loss += m.gradient(weights, r, &mut g[..m.outputs]);
        m.scores(weights, r, &mut z[..m.outputs]);
        let predicted = if m.outputs == 1 {
            usize::from(z[0] > 0.0)
        } else {
            (0..m.outputs).fold(0, |best, k| if z[k] > z[best] { k } else { best })
        };
        correct += usize::from(predicted == m.docs[r].class);
    }
    let n = rows.len().max(1) as f64;
    (correct as f64 / n, loss / n)
}

/// Trains `epochs` epochs over `rows` in a seeded order per epoch and returns the weights
/// over the unscaled features (what a model stores). With NB ratios and
/// [`TrainConfig::ensemble`], a plain model is trained alongside the NB-scaled one and
/// the two are averaged (one linear model over the same features). After each epoch,
/// `after_epoch(epoch, weights)` may inspect the current weights.
pub(super) fn fit(
    m: &Matrix,
    rows: &[usize],
    config: &TrainConfig,
    l2: f32,
    epochs: u32,
    mut after_epoch: impl FnMut(u32, &[f32]),
) -> Vec<f32> {
    let dimension = config.features.dimension();
    let mut views = vec![*m];
    if config.ensemble && m.ratios.is_some() {
        views.push(Matrix { ratios: None, ..*m });
    }
    let mut optimizers: Vec<Optimizer> = views
        .iter()
        .map(|_| Optimizer::new(dimension, m.outputs, config, l2))
        .collect();
    let mut order = rows.to_vec();
    let mut rng = SplitMix64::new(config.seed ^ 0x005e_ed0f_e90c);
    let mut weights = Vec::new();
    for epoch in 1..=epochs {
        rng.shuffle(&mut order);
        // The views are independent: one core each.
        optimizers
            .par_iter_mut()
            .zip(views.par_iter())
            .for_each(|(optimizer, view)| optimizer.epoch(view, &order));
        weights = vec![0f32; dimension * m.outputs];
        let share = 1.0 / views.len() as f32;
        for (view, optimizer) in views.iter().zip(&optimizers) {
            for (w, e) in weights.iter_mut().zip(view.effective(optimizer.result())) {
                *w += share * e;
            }
        }
        after_epoch(epoch, &weights);
    }
    weights
}
