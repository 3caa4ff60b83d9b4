//! The trained model and its per-thread scorer.

use std::path::Path;
use std::sync::Arc;

use nunchi_tokenizer::{Analysis, Span, Tokenizer, Worker};
use serde::{Deserialize, Serialize};

use crate::calibration::{sigmoid, softmax, Calibration};
use crate::error::Error;
use crate::eval::Evaluation;
use crate::features::{FeatureConfig, Featurizer, LexiconSlot, NO_UNIT};
use crate::format::Quantized;
use crate::label::Label;
use crate::lexicon::Lexicon;
use crate::post::PostView;

/// The scored sentiment of one post.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Prediction {
    /// The most probable label.
    pub label: Label,
    /// `P(positive) - P(negative)`, in `[-1, 1]`.
    pub polarity: f32,
    /// Probabilities indexed by [`Label::index`]; they sum to 1. Calibrated on held-out
    /// data for the labels the model was trained on (see the crate docs on neutral).
    pub probabilities: [f32; 3],
    /// The probability of `label`.
    pub confidence: f32,
    /// The strongest contributions, when asked for with [`Scorer::explain`]; else empty.
    pub evidence: Vec<Evidence>,
    /// The post had no token to score (empty, whitespace only, or only characters the
    /// tokenizer drops): it is neutral with certainty, probabilities `(0, 1, 0)`.
    pub empty: bool,
}

impl Prediction {
    /// The prediction that calibrated `probabilities` (indexed by [`Label::index`]) make:
    /// the most probable label, its probability and the polarity; no evidence.
    ///
    /// ```
    /// use nunchi_score::{Label, Prediction};
    ///
    /// let prediction = Prediction::from_probabilities([0.7, 0.1, 0.2]);
    /// assert_eq!(prediction.label, Label::Negative);
    /// assert!((prediction.polarity + 0.5).abs() < 1e-6);
    /// assert_eq!(prediction.confidence, 0.7);
    /// ```
    pub fn from_probabilities(probabilities: [f32; 3]) -> Prediction {
        let label = Label::ALL
            .into_iter()
            .max_by(|a, b| probabilities[a.index()].total_cmp(&probabilities[b.index()]))
            .unwrap_or(Label::Neutral);
        Prediction {
            label,
            polarity: probabilities[Label::Positive.index()]
                - probabilities[Label::Negative.index()],
            confidence: probabilities[label.index()],
            probabilities,
            evidence: Vec::new(),
            empty: false,
        }
    }

    /// The prediction for a post with nothing to score ([`Prediction::empty`]).
    pub fn of_empty_post() -> Prediction {
        Prediction {
            empty: true,
            ..Prediction::from_probabilities([0.0, 1.0, 0.0])
        }
    }
}

/// One contribution to a prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Evidence {
    /// What contributed: a word with its morphemes (`재밌/VA`), a negated one (`안+재밌/VA`,
    /// `재밌/VA+않`), a signal (`ㅋㅋ/IC`), or a lexicon entry (`lexicon:최고/NNG`).
    pub term: String,
    /// Signed contribution to the calibrated log-odds: toward positive (> 0) or negative (< 0).
    pub weight: f32,
    /// Byte span in the original post ([`Span::to_chars`] gives it in characters).
    pub span: Span,
}

impl Evidence {
    /// A contribution of `weight` by `term` at `span`.
    pub fn new(term: impl Into<String>, weight: f32, span: Span) -> Evidence {
        Evidence {
            term: term.into(),
            weight,
            span,
        }
    }
}

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
    fn mass(&self, p: f32, evidence: f32) -> f32 {
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

/// What a model knows about itself: stored as `manifest.json` in the model directory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// Model format version ([`crate::FORMAT_VERSION`]).
    pub format_version: u32,
    /// Version of nunchi that trained the model.
    pub nunchi_version: String,
    /// The trained labels, in order (2 or 3).
    pub labels: Vec<Label>,
    /// The features the model reads.
    pub features: FeatureConfig,
    /// Identity of the tokenizer dictionary the model was trained with.
    pub dictionary_id: String,
    /// Probability calibration fitted on the dev split.
    pub calibration: Calibration,
    /// How a two-label (negative/positive) model says neutral; `None` for other models.
    pub neutral: Option<NeutralPolicy>,
    /// Where the training data came from and how training went.
    pub training: TrainingInfo,
}

/// Provenance and outcome of training, recorded in the manifest.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
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

/// A trained sentiment model: immutable and `Send + Sync`; share it by reference or `Arc`
/// and give each thread its own [`Scorer`].
#[derive(Clone)]
pub struct Model {
    pub(crate) manifest: Manifest,
    pub(crate) lexicon: Lexicon,
    /// Weights per feature index: one (the logit of the second label) for two labels, else
    /// one per label.
    pub(crate) weights: Arc<Quantized>,
    pub(crate) tokenizer: Arc<Tokenizer>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("labels", &self.manifest.labels)
            .field("lexicon_entries", &self.lexicon.len())
            .finish_non_exhaustive()
    }
}

impl Model {
    /// Number of raw scores per post: 1 for two labels, else the number of labels.
    pub(crate) fn outputs(&self) -> usize {
        outputs_for(self.manifest.labels.len())
    }

    /// The model's trained labels (2 or 3), in order.
    pub fn labels(&self) -> &[Label] {
        &self.manifest.labels
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The lexicon.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The tokenizer the model scores with.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// A copy of the model with `user` merged over its lexicon: the user's entries replace
    /// the model's for the same term and tag, and new terms are added. The change shows in
    /// scores (through the learned lexicon weights) and in explanations.
    pub fn with_lexicon(&self, user: &Lexicon) -> Model {
        Model {
            lexicon: self.lexicon.merged(user),
            ..self.clone()
        }
    }

    /// The same model scoring with another tokenizer (for instance one with a user
    /// dictionary). Features follow the tokenizer, so it should use the dictionary the model
    /// was trained with ([`Manifest::dictionary_id`]).
    pub fn with_tokenizer(&self, tokenizer: Arc<Tokenizer>) -> Model {
        Model {
            tokenizer,
            ..self.clone()
        }
    }

    /// A per-thread scorer that borrows the model ([`Scorer::owned`] for one that holds
    /// it).
    pub fn scorer(&self) -> Scorer<'_> {
        Scorer::new(ModelRef::Borrowed(self))
    }

    /// Loads a model directory written by [`Model::save_dir`].
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if a file cannot be read; [`Error::InvalidModel`] or
    /// [`Error::UnsupportedVersion`] if one is corrupt, truncated or foreign;
    /// [`Error::Tokenizer`] if the tokenizer cannot be loaded.
    pub fn load_dir(dir: impl AsRef<Path>) -> Result<Model, Error> {
        crate::format::load_dir(dir.as_ref())
    }

    /// Writes the model directory: `manifest.json`, `weights.bin`, `lexicon.tsv`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if writing fails.
    pub fn save_dir(&self, dir: impl AsRef<Path>) -> Result<(), Error> {
        crate::format::save_dir(self, dir.as_ref())
    }

    /// The weight of feature `index` for each output, in quantisation steps.
    fn steps_of(&self, index: u32) -> &[i16] {
        self.weights.row(index)
    }
}

pub(crate) fn outputs_for(labels: usize) -> usize {
    if labels == 2 {
        1
    } else {
        labels
    }
}

/// Reusable per-thread buffers of a scorer.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    view: PostView,
    featurizer: Featurizer,
    unit_weights: Vec<f32>,
}

/// The model a scorer scores with: borrowed, or shared by an `Arc` for a scorer that must
/// be `'static` (async tasks, Python objects).
enum ModelRef<'m> {
    Borrowed(&'m Model),
    Shared(Arc<Model>),
}

impl std::ops::Deref for ModelRef<'_> {
    type Target = Model;

    fn deref(&self) -> &Model {
        match self {
            ModelRef::Borrowed(model) => model,
            ModelRef::Shared(model) => model,
        }
    }
}

/// A per-thread scorer: owns a tokenizer worker and featurising buffers, reused from post to
/// post. Get one per thread from [`Model::scorer`], or [`Scorer::owned`] for one that
/// keeps the model alive itself.
pub struct Scorer<'m> {
    model: ModelRef<'m>,
    worker: Worker,
    scratch: Scratch,
}

impl std::fmt::Debug for Scorer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scorer").finish_non_exhaustive()
    }
}

impl Scorer<'static> {
    /// A scorer that holds its model by `Arc`: `'static`, so it can live in an async task
    /// or a Python object. Each thread still needs its own.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use nunchi_score::{Label, Model, Scorer};
    ///
    /// let model = Arc::new(Model::embedded()?);
    /// let handle = std::thread::spawn({
    ///     let mut scorer = Scorer::owned(Arc::clone(&model));
    ///     move || scorer.score("정말 최고의 영화였어요").map(|p| p.label)
    /// });
    /// assert_eq!(handle.join().unwrap()?, Label::Positive);
    /// # Ok::<(), nunchi_score::Error>(())
    /// ```
    pub fn owned(model: Arc<Model>) -> Scorer<'static> {
        Scorer::new(ModelRef::Shared(model))
    }
}

impl<'m> Scorer<'m> {
    fn new(model: ModelRef<'m>) -> Self {
        Scorer {
            worker: model.tokenizer.worker(),
            model,
            scratch: Scratch::default(),
        }
    }

    /// The model it scores with.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Scores a post; `evidence` is left empty.
    ///
    /// # Errors
    ///
    /// [`Error::Tokenizer`] if the tokenizer fails (for instance on input over
    /// [`nunchi_tokenizer::MAX_INPUT_BYTES`]).
    pub fn score(&mut self, text: &str) -> Result<Prediction, Error> {
        self.explain(text, 0)
    }

    /// Scores a post and explains it: `evidence` holds the `top_k` contributions of largest
    /// magnitude, strongest first.
    ///
    /// # Errors
    ///
    /// As [`Scorer::score`].
    pub fn explain(&mut self, text: &str, top_k: usize) -> Result<Prediction, Error> {
        self.explain_analyzed(text, top_k)
            .map(|(prediction, _)| prediction)
    }

    /// [`Scorer::explain`], handing back the tokenizer's analysis of the post as well, so
    /// that one analysis serves scoring and whatever else needs the tokens (finding target
    /// mentions, for instance). It borrows the scorer until the next call.
    ///
    /// # Errors
    ///
    /// As [`Scorer::score`].
    pub fn explain_analyzed(
        &mut self,
        text: &str,
        top_k: usize,
    ) -> Result<(Prediction, &Analysis), Error> {
        let analysis = self.worker.analyze(text)?;
        let prediction = predict(&self.model, &mut self.scratch, analysis, top_k);
        Ok((prediction, analysis))
    }

    /// Scores a post that was already analysed (by any worker of the model's tokenizer):
    /// the scoring cost alone, without tokenizing.
    pub fn score_analysis(&mut self, analysis: &Analysis) -> Prediction {
        predict(&self.model, &mut self.scratch, analysis, 0)
    }

    /// [`Scorer::score_analysis`] with `top_k` pieces of evidence.
    pub fn explain_analysis(&mut self, analysis: &Analysis, top_k: usize) -> Prediction {
        predict(&self.model, &mut self.scratch, analysis, top_k)
    }
}

fn predict(model: &Model, scratch: &mut Scratch, analysis: &Analysis, top_k: usize) -> Prediction {
    if analysis.is_empty() {
        return Prediction::of_empty_post();
    }
    let config = &model.manifest.features;
    let view = &mut scratch.view;
    let featurizer = &mut scratch.featurizer;
    view.load(analysis);
    featurizer.featurize(view, config, |index| model.weights.prefetch(index));
    let evidence_strength = featurizer.add_lexicon(view, &model.lexicon, config);
    let mut raw = [0f32; 3];
    let k = model.outputs();
    for o in &featurizer.occurrences {
        for (r, &q) in raw.iter_mut().zip(model.steps_of(o.index)) {
            *r += q as f32 * o.value;
        }
    }
    raw.iter_mut().for_each(|r| *r *= model.weights.step);
    let probabilities = probabilities(model, &raw[..k], evidence_strength);
    let mut prediction = Prediction::from_probabilities(probabilities);
    if top_k > 0 {
        prediction.evidence = explain(model, view, featurizer, &mut scratch.unit_weights, top_k);
    }
    prediction
}

/// Calibrated probabilities over all three labels from the raw scores.
pub(crate) fn probabilities(model: &Model, raw: &[f32], evidence_strength: f32) -> [f32; 3] {
    let labels = &model.manifest.labels;
    let calibration = model.manifest.calibration;
    let mut out = [0f32; 3];
    if labels.len() == 2 {
        let p =
            sigmoid(calibration.scale as f64 * raw[0] as f64 + calibration.offset as f64) as f32;
        match model.manifest.neutral {
            Some(policy) => {
                let mass = policy.mass(p, evidence_strength);
                out[labels[0].index()] = (1.0 - mass) * (1.0 - p);
                out[labels[1].index()] = (1.0 - mass) * p;
                out[Label::Neutral.index()] += mass;
            }
            None => {
                out[labels[0].index()] = 1.0 - p;
                out[labels[1].index()] = p;
            }
        }
    } else {
        let mut probs = [0f64; 3];
        softmax(raw, calibration.scale, &mut probs[..labels.len()]);
        for (label, p) in labels.iter().zip(probs) {
            out[label.index()] = p as f32;
        }
    }
    out
}

/// Contribution of each evidence unit and lexicon hit toward positive, in calibrated
/// log-odds, strongest `top_k` first.
fn explain(
    model: &Model,
    view: &PostView,
    featurizer: &Featurizer,
    unit_weights: &mut Vec<f32>,
    top_k: usize,
) -> Vec<Evidence> {
    let config = &model.manifest.features;
    let labels = &model.manifest.labels;
    let scale = model.manifest.calibration.scale;
    // Toward positive: the logit itself for two labels (negated if the second label is
    // not the more positive one), else the positive minus the negative score.
    let step = model.weights.step;
    let toward_positive = |q: &[i16]| -> f32 {
        let w = |i: usize| q[i] as f32 * step;
        if labels.len() == 2 {
            if labels[1] > labels[0] {
                w(0)
            } else {
                -w(0)
            }
        } else {
            let of = |label: Label| labels.iter().position(|&l| l == label).map_or(0.0, w);
            of(Label::Positive) - of(Label::Negative)
        }
    };
    unit_weights.clear();
    unit_weights.resize(view.units.len(), 0.0);
    let lexicon_start = config.lexicon_index(LexiconSlot::Plain);
    let mut evidence = Vec::new();
    let mut matched = featurizer.matched.iter();
    for o in &featurizer.occurrences {
        let contribution = scale * o.value * toward_positive(model.steps_of(o.index));
        if o.index >= lexicon_start && o.index < config.bias_index() {
            let Some(&entry) = matched.next() else {
                continue;
            };
            let entry = &model.lexicon.entries()[entry as usize];
            let slot = LexiconSlot::from_index(o.index - lexicon_start);
            let (first, last) = (
                &view.units[o.units.0 as usize],
                &view.units[o.units.1 as usize],
            );
            evidence.push(Evidence {
                term: format!("lexicon:{}{}", slot.name(), entry.display_name()),
                weight: contribution,
                span: first.span.cover(last.span),
            });
            continue;
        }
        if o.units.0 == NO_UNIT {
            continue;
        }
        let (first, last) = o.units;
        let share = contribution / (last - first + 1) as f32;
        for w in &mut unit_weights[first as usize..=last as usize] {
            *w += share;
        }
    }
    for (unit, &weight) in view.units.iter().zip(unit_weights.iter()) {
        evidence.push(Evidence {
            term: unit_term(view, unit),
            weight,
            span: unit.span,
        });
    }
    evidence.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
    evidence.truncate(top_k);
    evidence
}

/// `form/TAG` of the content morphemes of the unit's head token, with its negator.
fn unit_term(view: &PostView, unit: &crate::post::Unit) -> String {
    let head = &view.tokens[unit.head as usize];
    let morphemes = view.token_morphemes(head);
    let mut parts: Vec<String> = morphemes
        .iter()
        .filter(|m| m.tag.is_content() || morphemes.len() == 1)
        .map(|m| format!("{}/{}", view.form(m), m.tag))
        .collect();
    if parts.is_empty() {
        parts = morphemes
            .iter()
            .map(|m| format!("{}/{}", view.form(m), m.tag))
            .collect();
    }
    let mut term = parts.join("+");
    if let Some(negator) = unit.negator {
        let negator_form = view
            .token_morphemes(&view.tokens[negator as usize])
            .first()
            .map_or("", |m| view.form(m));
        term = if negator < unit.head {
            format!("{negator_form}+{term}")
        } else {
            format!("{term}+{negator_form}")
        };
    }
    term
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn model_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Model>();
    }
}
