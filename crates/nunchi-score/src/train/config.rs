//! Training settings.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::features::FeatureConfig;
use crate::lexicon::Lexicon;
use crate::neutral::NeutralPolicy;

/// Training settings. The defaults train the shipped model.
///
/// Serde reads it from a configuration file (`nunchi train --config FILE`, TOML or JSON):
/// the field names below, nested tables `features` and `neutral`, absent fields at their
/// default, unknown fields an error. The seed lexicon is not part of it (`--lexicon`).
///
/// ```
/// use nunchi_score::TrainConfig;
///
/// let config: TrainConfig = serde_json::from_str(
///     r#"{"seed": 7, "l2_candidates": [0.001], "features": {"hash_bits": 20}}"#,
/// )?;
/// assert_eq!((config.seed, config.features.hash_bits), (7, 20));
/// assert_eq!(config.max_epochs, TrainConfig::default().max_epochs);
/// assert!(serde_json::from_str::<TrainConfig>(r#"{"seeds": 7}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
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
    #[serde(skip)]
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

impl TrainConfig {
    /// Checks the settings, so that a bad one fails before any data is read.
    ///
    /// # Errors
    ///
    /// [`Error::Training`] naming the first bad setting.
    pub fn validate(&self) -> Result<(), Error> {
        self.features.validate().map_err(Error::Training)?;
        self.neutral.validate().map_err(Error::Training)?;
        if !(self.dev_fraction > 0.0 && self.dev_fraction <= 0.5) {
            return Err(Error::Training(format!(
                "dev_fraction {} must be in (0, 0.5]",
                self.dev_fraction
            )));
        }
        if self.l2_candidates.is_empty() || self.max_epochs == 0 {
            return Err(Error::Training(
                "need at least one L2 candidate and one epoch".into(),
            ));
        }
        Ok(())
    }
}
