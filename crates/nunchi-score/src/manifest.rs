//! What a model knows about itself, stored as `manifest.json` (read and written by
//! [`crate::format`]).

use nunchi_tokenizer::TokenizerIdentity;
use serde::{Deserialize, Serialize};

use crate::calibration::Calibration;
use crate::features::FeatureConfig;
use crate::label::Label;
use crate::metrics::Evaluation;
use crate::neutral::NeutralPolicy;

/// What a model knows about itself: stored as `manifest.json` in the model directory.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Manifest {
    /// Model format version ([`crate::FORMAT_VERSION`]).
    pub format_version: u32,
    /// Version of nunchi that trained the model.
    pub nunchi_version: String,
    /// The trained labels, in order (2 or 3).
    pub labels: Vec<Label>,
    /// The features the model reads.
    pub features: FeatureConfig,
    /// The tokenizer the model was trained with, which must score it: features are the
    /// tokenizer's output.
    pub tokenizer: TokenizerIdentity,
    /// Probability calibration fitted on the dev split.
    pub calibration: Calibration,
    /// How a two-label (negative/positive) model says neutral; `None` for other models.
    pub neutral: Option<NeutralPolicy>,
    /// Where the training data came from and how training went.
    pub training: TrainingInfo,
}

/// Provenance and outcome of training, recorded in the manifest.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TrainingInfo {
    /// Description of the data (file name, licence, checksum …), as given by the trainer.
    pub source: String,
    /// Examples used (after dropping duplicates and conflicts), by label.
    pub examples: Vec<(Label, usize)>,
    /// Rows dropped, by warning kind.
    pub dropped: Vec<(String, usize)>,
    /// Random seed.
    pub seed: u64,
    /// Share of examples held out for model selection and calibration.
    pub dev_fraction: f32,
    /// Chosen L2 regularisation.
    pub l2: f32,
    /// Chosen number of epochs.
    pub epochs: u32,
    /// Whether the final weights were refitted on all examples (train + dev).
    pub refit_on_all: bool,
    /// Stored (non-zero) weights.
    pub stored_weights: usize,
    /// Metrics on the dev split (of the model before any refit).
    pub dev_metrics: Option<Evaluation>,
}

impl Manifest {
    /// Checks every value that scoring uses: the labels, the feature configuration, the
    /// calibration and the neutral policy (the training record is information only).
    pub(crate) fn validate(&self) -> Result<(), String> {
        let labels = &self.labels;
        let in_order = labels.windows(2).all(|w| w[0] < w[1]);
        if !(2..=3).contains(&labels.len()) || !in_order {
            return Err(format!(
                "labels must be 2 or 3 distinct labels in order, found {labels:?}"
            ));
        }
        self.features.validate()?;
        self.calibration.validate(labels.len())?;
        match self.neutral {
            Some(_) if labels.as_slice() != [Label::Negative, Label::Positive] => {
                Err("a neutral policy needs a negative/positive model".into())
            }
            Some(policy) => policy.validate(),
            None => Ok(()),
        }
    }

    /// Number of raw scores per post: 1 for two labels, else the number of labels.
    pub(crate) fn outputs(&self) -> usize {
        crate::weights::outputs_for(self.labels.len())
    }
}
