//! Training posts featurised once, in parallel, for every later pass.

use nunchi_tokenizer::{PosTag, Tokenizer};
use rayon::prelude::*;

use crate::dataset::Example;
use crate::error::Error;
use crate::features::{FeatureConfig, Featurizer, LexiconSlot};
use crate::label::Label;
use crate::lexicon::term_key;
use crate::post::PostView;

/// A lexicon candidate in a training post.
#[derive(Debug, Clone)]
pub(super) struct TermHit {
    pub key: u64,
    pub slot: LexiconSlot,
    pub form: Box<str>,
    pub tag: PosTag,
}

/// A featurised training post.
#[derive(Debug, Clone)]
pub(super) struct Doc {
    /// Distinct hashed feature indices, sorted.
    pub indices: Vec<u32>,
    /// Their common value.
    pub value: f32,
    pub terms: Vec<TermHit>,
    /// Index of the label among the trained labels.
    pub class: usize,
}

/// Featurises every example in parallel, one tokenizer worker per rayon job.
pub(super) fn featurize_all(
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
