//! The per-thread scorer: featurises an analysed post, sums its weights, calibrates, and
//! explains.

use std::sync::Arc;

use nunchi_tokenizer::buffers::Reusable;
use nunchi_tokenizer::{Analysis, Worker};

use crate::calibration::{sigmoid, softmax};
use crate::error::Error;
use crate::features::{Featurizer, LexiconSlot, NO_UNIT};
use crate::label::Label;
use crate::manifest::Manifest;
use crate::model::Model;
use crate::post::{PostView, Unit};
use crate::prediction::{Evidence, Prediction};

/// Reusable per-thread buffers of a scorer.
#[derive(Debug, Default)]
struct Scratch {
    view: PostView,
    featurizer: Featurizer,
    unit_weights: Vec<f32>,
}

impl Reusable for Scratch {
    fn retained_bytes(&self) -> usize {
        self.view.retained_bytes()
            + self.featurizer.retained_bytes()
            + self.unit_weights.retained_bytes()
    }

    fn trim(&mut self) {
        self.view.trim();
        self.featurizer.trim();
        self.unit_weights.trim();
    }
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

impl Model {
    /// A per-thread scorer that borrows the model ([`Scorer::owned`] for one that holds
    /// it).
    pub fn scorer(&self) -> Scorer<'_> {
        Scorer::new(ModelRef::Borrowed(self))
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

    /// Bytes of buffer capacity the scorer keeps for the next post (its tokenizer worker's
    /// and its own featurising buffers). A long post grows them while it is scored; after
    /// it, each buffer keeps at most [`nunchi_tokenizer::buffers::KEPT_BYTES`], so a thread
    /// that met one long post does not hold its memory for good.
    ///
    /// ```
    /// use nunchi_score::Model;
    ///
    /// let model = Model::embedded()?;
    /// let mut scorer = model.scorer();
    /// scorer.score(&"배송이 빨라요 정말 좋아요 ".repeat(10_000))?; // 330 KB
    /// scorer.score("배송이 빨라요")?;
    /// assert!(scorer.retained_bytes() < 32 << 20);
    /// # Ok::<(), nunchi_score::Error>(())
    /// ```
    pub fn retained_bytes(&self) -> usize {
        self.worker.retained_bytes() + self.scratch.retained_bytes()
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
    let k = model.manifest.outputs();
    for o in &featurizer.occurrences {
        for (r, &q) in raw.iter_mut().zip(model.weights.row(o.index)) {
            *r += q as f32 * o.value;
        }
    }
    raw.iter_mut().for_each(|r| *r *= model.weights.step);
    let probabilities = probabilities(&model.manifest, &raw[..k], evidence_strength);
    let mut prediction = Prediction::from_probabilities(probabilities);
    if top_k > 0 {
        prediction.evidence = explain(model, view, featurizer, &mut scratch.unit_weights, top_k);
    }
    scratch.trim();
    prediction
}

/// Calibrated probabilities over all three labels from the raw scores.
pub(crate) fn probabilities(manifest: &Manifest, raw: &[f32], evidence_strength: f32) -> [f32; 3] {
    let labels = &manifest.labels;
    let calibration = manifest.calibration;
    let mut out = [0f32; 3];
    if labels.len() == 2 {
        let p =
            sigmoid(calibration.scale as f64 * raw[0] as f64 + calibration.offset as f64) as f32;
        match manifest.neutral {
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
        let contribution = scale * o.value * toward_positive(model.weights.row(o.index));
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
fn unit_term(view: &PostView, unit: &Unit) -> String {
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
