//! Training: featurise in parallel, induce the lexicon, fit the linear classifier with
//! AdaGrad, choose hyper-parameters and calibrate on a held-out dev split.
//!
//! Deterministic for a given seed whatever the number of threads: featurising is per post
//! (parallel, collected in order), counting and optimising are sequential in a seeded
//! order, and the candidates of the hyper-parameter search run independently.

mod config;
mod docs;
mod induction;
mod optimizer;
mod rng;

use std::collections::BTreeSet;
use std::sync::Arc;

use nunchi_tokenizer::Tokenizer;
use rayon::prelude::*;
use serde::Serialize;

use crate::calibration::{fit_platt, fit_temperature, Calibration};
use crate::dataset::{count_warnings, deduplicate, DataWarning, Example};
use crate::error::Error;
use crate::features::LexiconSlot;
use crate::format::FORMAT_VERSION;
use crate::label::Label;
use crate::lexicon::Lexicon;
use crate::manifest::{Manifest, TrainingInfo};
use crate::metrics::Evaluation;
use crate::model::Model;
use crate::scorer::probabilities;
use crate::weights::{outputs_for, Weights};

use self::docs::{featurize_all, Doc};
use self::induction::{dense_features, induce_lexicon, TermCounts};
use self::optimizer::{fit, nb_ratios, score_rows, Matrix};
use self::rng::SplitMix64;

pub use self::config::TrainConfig;

/// One point of the hyper-parameter search.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
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
#[non_exhaustive]
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

/// Trains a model on `examples`, analysed by `tokenizer`: the model records the tokenizer's
/// identity and must be scored with the same.
///
/// # Errors
///
/// [`Error::Training`] if there are no examples, only one class, a bad configuration, or a
/// dev split too small to hold both classes; [`Error::Tokenizer`] if tokenizing fails.
pub fn train(
    examples: &[Example],
    config: &TrainConfig,
    tokenizer: impl Into<Arc<Tokenizer>>,
) -> Result<Trained, Error> {
    config.validate()?;
    let (examples, warnings) = if config.deduplicate {
        deduplicate(examples)
    } else {
        (examples.to_vec(), Vec::new())
    };
    let labels = labels_of(&examples)?;
    let outputs = outputs_for(labels.len());
    let tokenizer = tokenizer.into();
    let docs = featurize_all(&tokenizer, &examples, &labels, &config.features)?;
    let split = Split::new(&docs, labels.len(), config)?;

    // Model selection on the train split, judged on dev.
    let mut counted = vec![false; docs.len()];
    split.train.iter().for_each(|&r| counted[r] = true);
    let counts = TermCounts::count(&docs, &split.train, &labels);
    let dense = dense_features(&docs, &counts, &counted, config);
    let use_nb = config.nb_scaling && outputs == 1;
    let hashed = 1usize << config.features.hash_bits;
    let ratios = use_nb.then(|| nb_ratios(&docs, &split.train, hashed));
    let matrix = Matrix {
        docs: &docs,
        ratios: ratios.as_deref(),
        dense: &dense,
        lexicon_base: config.features.lexicon_index(LexiconSlot::Plain) as usize,
        bias: config.features.bias_index() as usize,
        outputs,
    };
    let (search, chosen, best_weights) = search(&matrix, &split, config)?;
    let selected = Weights::quantize(&best_weights, outputs, config.prune_below);

    // Calibration on dev scores of the chosen weights (stored weights apply to the unscaled
    // features).
    let plain = Matrix {
        ratios: None,
        ..matrix
    };
    let raw = raw_scores(&plain, &selected.to_f32(), &split.dev);
    let calibration = calibrate(&raw, &docs, &split.dev, outputs);
    let neutral =
        (labels.as_slice() == [Label::Negative, Label::Positive]).then_some(config.neutral);
    let mut manifest = Manifest {
        format_version: FORMAT_VERSION,
        nunchi_version: env!("CARGO_PKG_VERSION").to_owned(),
        labels: labels.clone(),
        features: config.features.clone(),
        tokenizer: tokenizer.identity().clone(),
        calibration,
        neutral,
        training: training_info(config, &chosen, &labels, &docs, &warnings),
    };
    // A model that could not load is no model (a classifier worse than chance on dev
    // would get a calibration scale below 0, for instance).
    manifest.validate().map_err(Error::Training)?;
    let dev_probabilities: Vec<[f32; 3]> = split
        .dev
        .iter()
        .zip(raw.chunks_exact(outputs))
        .map(|(&r, z)| probabilities(&manifest, z, dense[r].evidence))
        .collect();
    let dev_truth: Vec<Label> = split.dev.iter().map(|&r| labels[docs[r].class]).collect();
    let dev = Evaluation::from_probabilities(&dev_truth, &dev_probabilities, &labels);
    manifest.training.dev_metrics = Some(dev.clone());

    let (lexicon, weights) = if config.refit_on_all {
        refit(&matrix, &labels, config, &chosen)?
    } else {
        (induce_lexicon(&docs, &counts, config)?, selected)
    };
    manifest.training.stored_weights = weights.stored_rows();
    let model = Model {
        manifest,
        lexicon,
        weights: Arc::new(weights),
        tokenizer,
    };
    Ok(Trained {
        model,
        dev,
        warnings,
        search,
    })
}

/// The distinct labels of the examples, in order: at least two.
fn labels_of(examples: &[Example]) -> Result<Vec<Label>, Error> {
    let labels: Vec<Label> = examples
        .iter()
        .map(|e| e.label)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    match labels.len() {
        0 => Err(Error::Training("no examples".into())),
        1 => Err(Error::Training(format!(
            "all {} examples are {}: need at least two classes",
            examples.len(),
            labels[0]
        ))),
        _ => Ok(labels),
    }
}

/// The seeded dev split: rows of the docs, each side sorted.
struct Split {
    dev: Vec<usize>,
    train: Vec<usize>,
}

impl Split {
    /// Holds out `dev_fraction` of the docs (at least one); every class must be on both sides.
    fn new(docs: &[Doc], classes: usize, config: &TrainConfig) -> Result<Split, Error> {
        let mut order: Vec<usize> = (0..docs.len()).collect();
        SplitMix64::new(config.seed).shuffle(&mut order);
        let n_dev = ((docs.len() as f64 * config.dev_fraction as f64).round() as usize).max(1);
        let (dev, train) = order.split_at(n_dev);
        let (mut dev, mut train) = (dev.to_vec(), train.to_vec());
        dev.sort_unstable();
        train.sort_unstable();
        let classes_in = |rows: &[usize]| {
            rows.iter()
                .map(|&r| docs[r].class)
                .collect::<BTreeSet<_>>()
                .len()
        };
        if classes_in(&dev) < classes || classes_in(&train) < classes {
            return Err(Error::Training(format!(
                "{} examples are too few to hold every class in both the train and the dev split",
                docs.len()
            )));
        }
        Ok(Split { dev, train })
    }
}

/// Tries every L2 candidate for up to `max_epochs` epochs on the train split (in parallel)
/// and judges each epoch on dev. Returns every point tried, the best (dev accuracy, then
/// log loss; the first of equals) and its weights over the unscaled features.
fn search(
    matrix: &Matrix,
    split: &Split,
    config: &TrainConfig,
) -> Result<(Vec<Candidate>, Candidate, Vec<f32>), Error> {
    let plain = Matrix {
        ratios: None,
        ..*matrix
    };
    let runs: Vec<(Vec<Candidate>, Vec<f32>)> = config
        .l2_candidates
        .par_iter()
        .map(|&l2| {
            let mut history = Vec::new();
            let mut best: Option<(f64, f64, Vec<f32>)> = None;
            let after_epoch = |epoch, weights: &[f32]| {
                let (accuracy, loss) = score_rows(&plain, weights, &split.dev);
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
            };
            fit(
                matrix,
                &split.train,
                config,
                l2,
                config.max_epochs,
                after_epoch,
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
    let weights = runs
        .into_iter()
        .nth(best_run)
        .map(|r| r.1)
        .unwrap_or_default();
    Ok((search, chosen, weights))
}

/// The raw scores of `weights` on `rows`, `outputs` per row.
fn raw_scores(plain: &Matrix, weights: &[f32], rows: &[usize]) -> Vec<f32> {
    let outputs = plain.outputs;
    let mut raw = Vec::with_capacity(rows.len() * outputs);
    let mut z = [0f32; 3];
    for &r in rows {
        plain.scores(weights, r, &mut z[..outputs]);
        raw.extend_from_slice(&z[..outputs]);
    }
    raw
}

/// Platt scaling for two labels, temperature scaling for three, fitted on dev raw scores.
fn calibrate(raw: &[f32], docs: &[Doc], dev: &[usize], outputs: usize) -> Calibration {
    if outputs == 1 {
        let positive: Vec<bool> = dev.iter().map(|&r| docs[r].class == 1).collect();
        fit_platt(raw, &positive)
    } else {
        let targets: Vec<usize> = dev.iter().map(|&r| docs[r].class).collect();
        fit_temperature(raw, outputs, &targets)
    }
}

/// The provenance recorded in the manifest (dev metrics and stored weights come later).
fn training_info(
    config: &TrainConfig,
    chosen: &Candidate,
    labels: &[Label],
    docs: &[Doc],
    warnings: &[DataWarning],
) -> TrainingInfo {
    TrainingInfo {
        source: config.source.clone(),
        examples: labels
            .iter()
            .enumerate()
            .map(|(c, &l)| (l, docs.iter().filter(|d| d.class == c).count()))
            .collect(),
        dropped: count_warnings(warnings)
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
    }
}

/// The chosen configuration trained again on every doc (train + dev): its lexicon and
/// weights.
fn refit(
    matrix: &Matrix,
    labels: &[Label],
    config: &TrainConfig,
    chosen: &Candidate,
) -> Result<(Lexicon, Weights), Error> {
    let docs = matrix.docs;
    let all: Vec<usize> = (0..docs.len()).collect();
    let counts = TermCounts::count(docs, &all, labels);
    let dense = dense_features(docs, &counts, &vec![true; docs.len()], config);
    let hashed = 1usize << config.features.hash_bits;
    let ratios = matrix
        .ratios
        .is_some()
        .then(|| nb_ratios(docs, &all, hashed));
    let matrix = Matrix {
        dense: &dense,
        ratios: ratios.as_deref(),
        ..*matrix
    };
    let weights = fit(&matrix, &all, config, chosen.l2, chosen.epoch, |_, _| {});
    Ok((
        induce_lexicon(docs, &counts, config)?,
        Weights::quantize(&weights, matrix.outputs, config.prune_below),
    ))
}
