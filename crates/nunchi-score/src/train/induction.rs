//! The lexicon learned from the training posts: per-term counts by class, the induced
//! lexicon, and each post's dense lexicon features (leave-one-out, so that a post's lexicon
//! features never see its own label).

use std::collections::HashMap;

use nunchi_tokenizer::PosTag;
use rayon::prelude::*;

use crate::error::Error;
use crate::features::{LexiconSlot, LEXICON_SLOTS};
use crate::label::Label;
use crate::lexicon::{Lexicon, LexiconEntry};

use super::docs::Doc;
use super::TrainConfig;

/// Lexicon sums of a post plus its lexicon evidence (summed absolute weight).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Dense {
    pub sums: [f32; LEXICON_SLOTS],
    pub evidence: f32,
}

/// Per-term document counts: posts containing the term (not negated) by class.
pub(super) struct TermCounts {
    counts: HashMap<u64, [u32; 3]>,
    class_totals: [u32; 3],
    negative: Option<usize>,
    positive: Option<usize>,
}

impl TermCounts {
    pub fn count(docs: &[Doc], rows: &[usize], labels: &[Label]) -> Self {
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
pub(super) fn dense_features(
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
pub(super) fn induce_lexicon(
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
