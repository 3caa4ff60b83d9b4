//! Training: featurise in parallel, induce the lexicon, fit the linear classifier with
//! AdaGrad, choose hyper-parameters and calibrate on a held-out dev split.
//!
//! Deterministic for a given seed whatever the number of threads: featurising is per post
//! (parallel, collected in order), counting and optimising are sequential in a seeded
//! order, and the candidates of the hyper-parameter search run independently.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use nunchi_tokenizer::{PosTag, Tokenizer};
use rayon::prelude::*;
use serde::Serialize;

use crate::calibration::{fit_platt, fit_temperature, sigmoid, softmax};
use crate::dataset::{count_warnings, deduplicate, DataWarning, Example};
use crate::error::Error;
use crate::eval::Evaluation;
use crate::features::{FeatureConfig, Featurizer, LexiconSlot, LEXICON_SLOTS};
use crate::format::{Quantized, FORMAT_VERSION};
use crate::label::Label;
use crate::lexicon::{term_key, Lexicon, LexiconEntry};
use crate::model::{outputs_for, probabilities, Manifest, Model, NeutralPolicy, TrainingInfo};
use crate::post::PostView;

/// Training settings. The defaults train the shipped model.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    /// Seed of the dev split and of the example order in each epoch.
    pub seed: u64,
    /// Share of examples held out to choose hyper-parameters and fit calibration
    /// (`0 < dev_fraction <= 0.5`).
    pub dev_fraction: f32,
    /// The features.
    pub features: FeatureConfig,
    /// L2 regularisation strengths tried; the best on dev wins.
    pub l2_candidates: Vec<f32>,
    /// AdaGrad learning rate.
    pub learning_rate: f32,
    /// Most epochs; the best epoch on dev is kept.
    pub max_epochs: u32,
    /// Refit the chosen configuration on all examples (train + dev) for the final weights.
    pub refit_on_all: bool,
    /// Drop duplicate texts and texts with conflicting labels (with warnings).
    pub deduplicate: bool,
    /// Hand-written entries that override induced ones (and are kept in the lexicon).
    pub seed_lexicon: Option<Lexicon>,
    /// Fewest training posts a term must occur in to enter the induced lexicon.
    pub min_lexicon_support: u64,
    /// Smallest polarity magnitude of an induced lexicon entry.
    pub min_lexicon_weight: f32,
    /// With `nb_scaling`, also train a plain (unscaled) model and average the two.
    pub ensemble: bool,
    /// Use the mean of the weights over all steps (Polyak–Ruppert averaging).
    pub average: bool,
    /// Scale each hashed feature by its naive-Bayes log-count ratio (NBSVM, Wang and
    /// Manning 2012) while optimising; two-label models only.
    pub nb_scaling: bool,
    /// Weights below this magnitude are not stored (keeps the model small).
    pub prune_below: f32,
    /// How a negative/positive model says neutral.
    pub neutral: NeutralPolicy,
    /// Description of the training data, recorded in the manifest.
    pub source: String,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            seed: 42,
            dev_fraction: 0.1,
            features: FeatureConfig::default(),
            l2_candidates: vec![1e-4, 1e-3],
            learning_rate: 0.2,
            max_epochs: 6,
            refit_on_all: true,
            deduplicate: true,
            seed_lexicon: None,
            min_lexicon_support: 10,
            min_lexicon_weight: 0.5,
            nb_scaling: true,
            average: false,
            ensemble: false,
            prune_below: 1e-3,
            neutral: NeutralPolicy::default(),
            source: String::new(),
        }
    }
}

/// One point of the hyper-parameter search.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// L2 strength.
    pub l2: f32,
    /// Epoch (1-based).
    pub epoch: u32,
    /// Dev accuracy (uncalibrated argmax).
    pub dev_accuracy: f64,
    /// Dev log loss (uncalibrated).
    pub dev_log_loss: f64,
}

/// The outcome of [`train`].
#[derive(Debug)]
pub struct Trained {
    /// The model.
    pub model: Model,
    /// Metrics on the dev split, of the model trained without it (before any refit).
    pub dev: Evaluation,
    /// Rows dropped before training (duplicates, conflicting labels), with line numbers.
    pub warnings: Vec<DataWarning>,
    /// Every epoch of every candidate of the search, in order.
    pub search: Vec<Candidate>,
}

/// SplitMix64: a tiny generator whose sequence is fixed by its definition, so that a seed
/// gives the same model on every platform and library version.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// A lexicon candidate in a training post.
#[derive(Debug, Clone)]
struct TermHit {
    key: u64,
    slot: LexiconSlot,
    form: Box<str>,
    tag: PosTag,
}

/// A featurised training post.
#[derive(Debug, Clone)]
struct Doc {
    /// Distinct hashed feature indices, sorted.
    indices: Vec<u32>,
    /// Their common value.
    value: f32,
    terms: Vec<TermHit>,
    /// Index of the label among the trained labels.
    class: usize,
}

/// Lexicon sums of a post plus its lexicon evidence (summed absolute weight).
#[derive(Debug, Clone, Copy, Default)]
struct Dense {
    sums: [f32; LEXICON_SLOTS],
    evidence: f32,
}

/// Featurises every example in parallel, one tokenizer worker per rayon job.
fn featurize_all(
    tokenizer: &Tokenizer,
    examples: &[Example],
    labels: &[Label],
    config: &FeatureConfig,
) -> Result<Vec<Doc>, Error> {
    examples
        .par_iter()
        .map_init(
            || {
                (
                    tokenizer.worker(),
                    PostView::default(),
                    Featurizer::default(),
                )
            },
            |(worker, view, featurizer), example| {
                let analysis = worker.analyze(&example.text)?;
                view.load(analysis);
                featurizer.featurize(view, config, |_| {});
                let mut indices = Vec::new();
                let value = featurizer.hashed_indices(config, &mut indices);
                let terms = featurizer
                    .hits
                    .iter()
                    .map(|h| {
                        let m = &view.morphemes[h.morpheme as usize];
                        let form = view.form(m);
                        TermHit {
                            key: term_key(form, Some(m.tag)),
                            slot: h.slot,
                            form: form.into(),
                            tag: m.tag,
                        }
                    })
                    .collect();
                let class = labels.iter().position(|&l| l == example.label).unwrap_or(0);
                Ok(Doc {
                    indices,
                    value,
                    terms,
                    class,
                })
            },
        )
        .collect()
}

/// Per-term document counts: posts containing the term (not negated) by class.
struct TermCounts {
    counts: HashMap<u64, [u32; 3]>,
    class_totals: [u32; 3],
    negative: Option<usize>,
    positive: Option<usize>,
}

impl TermCounts {
    fn count(docs: &[Doc], rows: &[usize], labels: &[Label]) -> Self {
        let mut counts: HashMap<u64, [u32; 3]> = HashMap::new();
        let mut class_totals = [0u32; 3];
        let mut seen = Vec::new();
        for &r in rows {
            let doc = &docs[r];
            class_totals[doc.class] += 1;
            seen.clear();
            seen.extend(
                doc.terms
                    .iter()
                    .filter(|t| t.slot != LexiconSlot::Negated)
                    .map(|t| t.key),
            );
            seen.sort_unstable();
            seen.dedup();
            for &key in &seen {
                counts.entry(key).or_default()[doc.class] += 1;
            }
        }
        TermCounts {
            counts,
            class_totals,
            negative: labels.iter().position(|&l| l == Label::Negative),
            positive: labels.iter().position(|&l| l == Label::Positive),
        }
    }

    /// Polarity weight and support of a term, leaving out one post of class `without` that
    /// contains it (so that a training post's lexicon features do not see its own label).
    fn weight(&self, key: u64, without: Option<usize>, config: &TrainConfig) -> Option<(f32, u64)> {
        let (neg, pos) = (self.negative?, self.positive?);
        let mut c = *self.counts.get(&key)?;
        let mut totals = self.class_totals;
        if let Some(w) = without {
            c[w] = c[w].saturating_sub(1);
            totals[w] = totals[w].saturating_sub(1);
        }
        let support = u64::from(c.iter().sum::<u32>());
        if support < config.min_lexicon_support {
            return None;
        }
        let ratio = ((c[pos] as f64 + 1.0) / (c[neg] as f64 + 1.0)).ln()
            - ((totals[pos] as f64 + 1.0) / (totals[neg] as f64 + 1.0)).ln();
        let weight = (ratio / 2.0).tanh() as f32;
        (weight.abs() >= config.min_lexicon_weight).then_some((weight, support))
    }
}

/// Lexicon sums of every post: seed entries first, else the induced weight, leave-one-out
/// for the posts that were counted.
fn dense_features(
    docs: &[Doc],
    counts: &TermCounts,
    counted: &[bool],
    config: &TrainConfig,
) -> Vec<Dense> {
    docs.par_iter()
        .zip(counted.par_iter())
        .map(|(doc, &was_counted)| {
            let mut dense = Dense::default();
            if !config.features.lexicon_features {
                return dense;
            }
            let without = was_counted.then_some(doc.class);
            for t in &doc.terms {
                let seeded = config
                    .seed_lexicon
                    .as_ref()
                    .and_then(|s| s.lookup(&t.form, t.tag));
                let weight = match seeded {
                    Some(entry) => Some(entry.weight),
                    None => counts.weight(t.key, without, config).map(|(w, _)| w),
                };
                if let Some(w) = weight {
                    dense.sums[t.slot as usize] += w;
                    dense.evidence += w.abs();
                }
            }
            dense
        })
        .collect()
}

/// The induced lexicon (seed entries override), strongest terms first.
fn induce_lexicon(
    docs: &[Doc],
    counts: &TermCounts,
    config: &TrainConfig,
) -> Result<Lexicon, Error> {
    let mut names: HashMap<u64, (&str, PosTag)> = HashMap::new();
    for doc in docs {
        for t in &doc.terms {
            names.entry(t.key).or_insert((&t.form, t.tag));
        }
    }
    let mut entries: Vec<LexiconEntry> = counts
        .counts
        .keys()
        .filter_map(|&key| {
            let (weight, support) = counts.weight(key, None, config)?;
            let &(form, tag) = names.get(&key)?;
            Some(LexiconEntry {
                term: form.to_owned(),
                pos: Some(tag),
                weight: (weight * 1e4).round() / 1e4,
                support,
            })
        })
        .filter(|e| e.weight != 0.0)
        .collect();
    entries.sort_by(|a, b| {
        b.weight
            .abs()
            .total_cmp(&a.weight.abs())
            .then_with(|| b.support.cmp(&a.support))
            .then_with(|| a.term.cmp(&b.term))
            .then_with(|| a.pos.cmp(&b.pos))
    });
    let induced = Lexicon::from_entries(entries)?;
    Ok(match &config.seed_lexicon {
        Some(seed) => induced.merged(seed),
        None => induced,
    })
}

/// The sparse design matrix seen by the optimiser.
#[derive(Clone, Copy)]
struct Matrix<'a> {
    docs: &'a [Doc],
    /// Per hashed index, the factor its value is scaled by (NB log-count ratio), if any.
    ratios: Option<&'a [f32]>,
    dense: &'a [Dense],
    lexicon_base: usize,
    bias: usize,
    outputs: usize,
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

    fn scores(&self, weights: &[f32], r: usize, out: &mut [f32]) {
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
fn nb_ratios(docs: &[Doc], rows: &[usize], hashed: usize) -> Vec<f32> {
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
fn score_rows(m: &Matrix, weights: &[f32], rows: &[usize]) -> (f64, f64) {
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
fn fit(
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
    let mut rng = SplitMix64(config.seed ^ 0x005e_ed0f_e90c);
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

/// Trains a model on `examples`.
///
/// # Errors
///
/// [`Error::Training`] if there are no examples, only one class, a bad configuration, or a
/// dev split too small to hold both classes; [`Error::Tokenizer`] if tokenizing fails.
pub fn train(examples: &[Example], config: &TrainConfig) -> Result<Trained, Error> {
    config.features.validate().map_err(Error::Training)?;
    if !(config.dev_fraction > 0.0 && config.dev_fraction <= 0.5) {
        return Err(Error::Training(format!(
            "dev_fraction {} must be in (0, 0.5]",
            config.dev_fraction
        )));
    }
    if config.l2_candidates.is_empty() || config.max_epochs == 0 {
        return Err(Error::Training(
            "need at least one L2 candidate and one epoch".into(),
        ));
    }
    let (examples, warnings) = if config.deduplicate {
        deduplicate(examples)
    } else {
        (examples.to_vec(), Vec::new())
    };
    let labels: Vec<Label> = examples
        .iter()
        .map(|e| e.label)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    match labels.len() {
        0 => return Err(Error::Training("no examples".into())),
        1 => {
            return Err(Error::Training(format!(
                "all {} examples are {}: need at least two classes",
                examples.len(),
                labels[0]
            )))
        }
        _ => {}
    }
    let outputs = outputs_for(labels.len());
    let tokenizer = Arc::new(Tokenizer::new()?);
    let docs = featurize_all(&tokenizer, &examples, &labels, &config.features)?;

    let mut order: Vec<usize> = (0..docs.len()).collect();
    SplitMix64(config.seed).shuffle(&mut order);
    let n_dev = ((docs.len() as f64 * config.dev_fraction as f64).round() as usize).max(1);
    let (dev_rows, train_rows) = order.split_at(n_dev);
    let mut dev_rows = dev_rows.to_vec();
    let mut train_rows = train_rows.to_vec();
    dev_rows.sort_unstable();
    train_rows.sort_unstable();
    let classes_in = |rows: &[usize]| {
        rows.iter()
            .map(|&r| docs[r].class)
            .collect::<BTreeSet<_>>()
            .len()
    };
    if classes_in(&dev_rows) < labels.len() || classes_in(&train_rows) < labels.len() {
        return Err(Error::Training(format!(
            "{} examples are too few to hold every class in both the train and the dev split",
            docs.len()
        )));
    }

    // Model selection on the train split, judged on dev.
    let mut counted = vec![false; docs.len()];
    train_rows.iter().for_each(|&r| counted[r] = true);
    let counts = TermCounts::count(&docs, &train_rows, &labels);
    let dense = dense_features(&docs, &counts, &counted, config);
    let hashed = 1usize << config.features.hash_bits;
    let use_nb = config.nb_scaling && outputs == 1;
    let ratios = use_nb.then(|| nb_ratios(&docs, &train_rows, hashed));
    let matrix = Matrix {
        docs: &docs,
        ratios: ratios.as_deref(),
        dense: &dense,
        lexicon_base: config.features.lexicon_index(LexiconSlot::Plain) as usize,
        bias: config.features.bias_index() as usize,
        outputs,
    };
    // Weights from `fit` apply to the unscaled features.
    let plain = Matrix {
        ratios: None,
        ..matrix
    };
    let runs: Vec<(Vec<Candidate>, Vec<f32>)> = config
        .l2_candidates
        .par_iter()
        .map(|&l2| {
            let mut history = Vec::new();
            let mut best: Option<(f64, f64, Vec<f32>)> = None;
            fit(
                &matrix,
                &train_rows,
                config,
                l2,
                config.max_epochs,
                |epoch, weights| {
                    let (accuracy, loss) = score_rows(&plain, weights, &dev_rows);
                    history.push(Candidate {
                        l2,
                        epoch,
                        dev_accuracy: accuracy,
                        dev_log_loss: loss,
                    });
                    if best
                        .as_ref()
                        .is_none_or(|b| (accuracy, -loss) > (b.0, -b.1))
                    {
                        best = Some((accuracy, loss, weights.to_vec()));
                    }
                },
            );
            (history, best.map(|b| b.2).unwrap_or_default())
        })
        .collect();
    let search: Vec<Candidate> = runs.iter().flat_map(|r| r.0.iter().cloned()).collect();
    let (best_run, chosen) = search
        .iter()
        .enumerate()
        .fold(None::<(usize, &Candidate)>, |best, (i, c)| match best {
            Some((_, b))
                if (b.dev_accuracy, -b.dev_log_loss) >= (c.dev_accuracy, -c.dev_log_loss) =>
            {
                best
            }
            _ => Some((i / config.max_epochs as usize, c)),
        })
        .ok_or_else(|| Error::Training("the search tried nothing".into()))?;
    let chosen = chosen.clone();
    let quantized = Quantized::new(&runs[best_run].1, outputs, config.prune_below);
    let stored = quantized.to_f32();

    // Calibration on dev scores of the chosen weights.
    let mut raw = Vec::with_capacity(dev_rows.len() * outputs);
    let mut z = [0f32; 3];
    for &r in &dev_rows {
        // Stored weights apply to the unscaled features.
        Matrix {
            ratios: None,
            ..matrix
        }
        .scores(&stored, r, &mut z[..outputs]);
        raw.extend_from_slice(&z[..outputs]);
    }
    let calibration = if outputs == 1 {
        let positive: Vec<bool> = dev_rows.iter().map(|&r| docs[r].class == 1).collect();
        fit_platt(&raw, &positive)
    } else {
        let targets: Vec<usize> = dev_rows.iter().map(|&r| docs[r].class).collect();
        fit_temperature(&raw, outputs, &targets)
    };
    let neutral =
        (labels.as_slice() == [Label::Negative, Label::Positive]).then_some(config.neutral);
    let mut manifest = Manifest {
        format_version: FORMAT_VERSION,
        nunchi_version: env!("CARGO_PKG_VERSION").to_owned(),
        labels: labels.clone(),
        features: config.features.clone(),
        dictionary_id: tokenizer.dictionary_id().to_owned(),
        calibration,
        neutral,
        training: TrainingInfo {
            source: config.source.clone(),
            examples: labels
                .iter()
                .enumerate()
                .map(|(c, &l)| (l, docs.iter().filter(|d| d.class == c).count()))
                .collect(),
            dropped: count_warnings(&warnings)
                .into_iter()
                .map(|(kind, n)| {
                    (
                        serde_json::to_value(kind)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                        n,
                    )
                })
                .collect(),
            seed: config.seed,
            dev_fraction: config.dev_fraction,
            l2: chosen.l2,
            epochs: chosen.epoch,
            refit_on_all: config.refit_on_all,
            stored_weights: 0,
            dev_metrics: None,
        },
    };
    let selected = Model {
        manifest: manifest.clone(),
        lexicon: induce_lexicon(&docs, &counts, config)?,
        weights: Arc::new(quantized),
        tokenizer: Arc::clone(&tokenizer),
    };
    let dev_probabilities: Vec<[f32; 3]> = dev_rows
        .iter()
        .zip(raw.chunks_exact(outputs))
        .map(|(&r, z)| probabilities(&selected, z, dense[r].evidence))
        .collect();
    let dev_truth: Vec<Label> = dev_rows.iter().map(|&r| labels[docs[r].class]).collect();
    let dev = Evaluation::from_probabilities(&dev_truth, &dev_probabilities, &labels);
    manifest.training.dev_metrics = Some(dev.clone());

    let mut model = if config.refit_on_all {
        let all: Vec<usize> = (0..docs.len()).collect();
        let counts = TermCounts::count(&docs, &all, &labels);
        let dense = dense_features(&docs, &counts, &vec![true; docs.len()], config);
        let ratios = use_nb.then(|| nb_ratios(&docs, &all, hashed));
        let matrix = Matrix {
            dense: &dense,
            ratios: ratios.as_deref(),
            ..matrix
        };
        let weights = fit(&matrix, &all, config, chosen.l2, chosen.epoch, |_, _| {});
        Model {
            manifest,
            lexicon: induce_lexicon(&docs, &counts, config)?,
            weights: Arc::new(Quantized::new(&weights, outputs, config.prune_below)),
            tokenizer,
        }
    } else {
        Model {
            manifest,
            ..selected
        }
    };
    model.manifest.training.stored_weights = model.weights.stored_rows();
    Ok(Trained {
        model,
        dev,
        warnings,
        search,
    })
}
