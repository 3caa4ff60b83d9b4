//! Sparse features of a post: hashed morpheme, word and character n-grams, scope-marked
//! morphemes, social signals, and dense lexicon sums by scope. One file per family; the
//! hash scheme they share is in `hash`.
//!
//! Feature strings are never built: every atom (morpheme, character, word) is hashed once
//! and n-grams combine the hashes, so featurising costs a small fraction of tokenizing.
//! Index space: `[0, 2^hash_bits)` hashed features, then [`LEXICON_SLOTS`] lexicon sums,
//! then the bias.

mod chars;
mod hash;
mod lexicon_sums;
mod morphemes;
mod repeats;
mod scoped;
mod signals;
mod words;

use nunchi_tokenizer::buffers::Reusable;
use serde::{Deserialize, Serialize};

use crate::post::PostView;

use self::hash::Atom;
use self::repeats::RepeatCounter;

pub(crate) use self::lexicon_sums::{LexiconHit, LexiconSlot, LEXICON_SLOTS};

/// Which features a model uses. Stored in the manifest: a model is always scored with the
/// configuration it was trained with. Read from a training configuration, absent fields
/// take their default; a manifest must hold every field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct FeatureConfig {
    /// Hashed features fall into `2^hash_bits` buckets (10..=28).
    pub hash_bits: u32,
    /// Longest morpheme n-gram (base form + tag): 1 to 3, 0 for none.
    pub morpheme_ngrams: u32,
    /// Shortest character n-gram, within and across word boundaries (0 for none).
    pub min_char_ngram: u32,
    /// Longest character n-gram.
    pub max_char_ngram: u32,
    /// Longest n-gram of whole words (space-separated eojeols): 0 to 2.
    pub word_ngrams: u32,
    /// Morphemes marked with their scope: negated, intensified, diminished, before contrast.
    pub scope_features: bool,
    /// Characters of negated words are distinct from the same characters elsewhere, so that
    /// the character n-grams of `재밌` in `안 재밌다` do not count as the positive `재밌`.
    pub negation_marks_chars: bool,
    /// Laughter (ㅋㅋ, ㅎㅎ), crying (ㅠㅠ), emoticons, emoji, `?`, `!`, length.
    pub signal_features: bool,
    /// Sums of lexicon weights by scope (plain, negated, intensified, diminished, before a
    /// contrast), each with its own learned weight.
    pub lexicon_features: bool,
    /// Scale hashed features of a post to unit length.
    pub normalize: bool,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            hash_bits: 24,
            morpheme_ngrams: 3,
            min_char_ngram: 1,
            max_char_ngram: 5,
            word_ngrams: 2,
            scope_features: true,
            negation_marks_chars: true,
            signal_features: true,
            lexicon_features: true,
            normalize: true,
        }
    }
}

impl FeatureConfig {
    /// Total number of weights per output: hashed buckets, lexicon slots, bias.
    pub(crate) fn dimension(&self) -> usize {
        (1usize << self.hash_bits) + LEXICON_SLOTS + 1
    }

    pub(crate) fn lexicon_index(&self, slot: LexiconSlot) -> u32 {
        (1u32 << self.hash_bits) + slot as u32
    }

    pub(crate) fn bias_index(&self) -> u32 {
        (1u32 << self.hash_bits) + LEXICON_SLOTS as u32
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        if !(10..=28).contains(&self.hash_bits) {
            return Err(format!("hash_bits {} is outside 10..=28", self.hash_bits));
        }
        if self.morpheme_ngrams > 3 || self.word_ngrams > 2 {
            return Err("morpheme n-grams go up to 3 and word n-grams up to 2".into());
        }
        if self.min_char_ngram > self.max_char_ngram || self.max_char_ngram > 8 {
            return Err("character n-grams need min <= max <= 8".into());
        }
        if self.min_char_ngram == 0 && self.max_char_ngram > 0 {
            return Err("min_char_ngram must be at least 1 when max_char_ngram is set".into());
        }
        // The other families fire on some posts only (a scope marker, a signal, a lexicon
        // term): without n-grams, most posts would score the bias alone.
        if self.morpheme_ngrams == 0 && self.word_ngrams == 0 && self.max_char_ngram == 0 {
            return Err(
                "every n-gram family is off (morpheme_ngrams, word_ngrams and max_char_ngram \
                 are 0): turn at least one on"
                    .into(),
            );
        }
        Ok(())
    }
}

/// No evidence unit: the feature is about the whole post.
pub(crate) const NO_UNIT: u32 = u32::MAX;

/// One feature firing in a post.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Occurrence {
    /// Weight index.
    pub index: u32,
    /// Value (after normalisation; a feature firing k times shares its value k ways).
    pub value: f32,
    /// First and last evidence unit it covers, or [`NO_UNIT`].
    pub units: (u32, u32),
}

/// Per-thread featurising state, reused from post to post.
#[derive(Debug, Default)]
pub(crate) struct Featurizer {
    pub occurrences: Vec<Occurrence>,
    pub hits: Vec<LexiconHit>,
    /// For each lexicon occurrence appended by [`Self::add_lexicon`], in order, the index
    /// of the lexicon entry it matched.
    pub matched: Vec<u32>,
    word: String,
    chars: Vec<Atom>,
    atoms: Vec<Atom>,
    repeats: RepeatCounter,
}

impl Featurizer {
    /// Featurises `view` into [`Self::occurrences`] (hashed features and bias, normalised)
    /// and [`Self::hits`] (lexicon candidates, not yet looked up).
    ///
    /// `on_index` sees each hashed index as soon as it is known (the scorer prefetches its
    /// weight, so that memory latency overlaps with the rest of featurising).
    pub fn featurize(&mut self, view: &PostView, config: &FeatureConfig, on_index: impl Fn(u32)) {
        self.occurrences.clear();
        self.hits.clear();
        let shift = 64 - config.hash_bits;
        let occurrences = &mut self.occurrences;
        let mut emit = |h: u64, units: (u32, u32)| {
            let index = (h >> shift) as u32;
            on_index(index);
            occurrences.push(Occurrence {
                index,
                value: 1.0,
                units,
            })
        };
        morphemes::morpheme_atoms(view, &mut self.atoms);
        morphemes::emit(&self.atoms, config.morpheme_ngrams, &mut emit);
        if config.scope_features {
            scoped::emit(view, &self.atoms, &mut emit);
        }
        if config.lexicon_features {
            lexicon_sums::collect_hits(view, &mut self.hits);
        }
        if config.word_ngrams > 0 {
            words::emit(view, config.word_ngrams, &mut self.atoms, &mut emit);
        }
        if config.max_char_ngram > 0 {
            chars::emit(view, config, &mut self.chars, &mut emit);
        }
        if config.signal_features {
            signals::emit(view, &mut emit);
        }
        self.normalize(config);
        self.occurrences.push(Occurrence {
            index: config.bias_index(),
            value: 1.0,
            units: (NO_UNIT, NO_UNIT),
        });
    }

    /// Binary presence, shared between repeats of an index, scaled to unit length.
    fn normalize(&mut self, config: &FeatureConfig) {
        let distinct = self.repeats.count(&self.occurrences).max(1);
        let scale = if config.normalize {
            1.0 / (distinct as f32).sqrt()
        } else {
            1.0
        };
        for (o, repeats) in self.occurrences.iter_mut().zip(self.repeats.of_each()) {
            o.value = scale / repeats as f32;
        }
    }

    /// The distinct hashed indices (sorted) and their common value, for training.
    pub fn hashed_indices(&self, config: &FeatureConfig, out: &mut Vec<u32>) -> f32 {
        let limit = 1u32 << config.hash_bits;
        out.clear();
        let mut value = 0.0;
        for o in &self.occurrences {
            if o.index < limit {
                out.push(o.index);
                value = o.value;
            }
        }
        out.sort_unstable();
        out.dedup();
        // Every distinct index carries the same total value (scale), split among repeats:
        // recover the total from any index's shares.
        if let Some(&first) = out.first() {
            value = self
                .occurrences
                .iter()
                .filter(|o| o.index == first)
                .map(|o| o.value)
                .sum();
        }
        value
    }
}

impl Reusable for Featurizer {
    fn retained_bytes(&self) -> usize {
        self.occurrences.retained_bytes()
            + self.hits.retained_bytes()
            + self.matched.retained_bytes()
            + self.word.retained_bytes()
            + self.chars.retained_bytes()
            + self.atoms.retained_bytes()
            + self.repeats.retained_bytes()
    }

    fn trim(&mut self) {
        self.occurrences.trim();
        self.hits.trim();
        self.matched.trim();
        self.word.trim();
        self.chars.trim();
        self.atoms.trim();
        self.repeats.trim();
    }
}

#[cfg(test)]
mod tests {
    use nunchi_tokenizer::{PosTag, Tokenizer};

    use super::*;
    use crate::lexicon::{Lexicon, LexiconEntry};

    /// Indices of every occurrence of `post` in emission order, then the lexicon sums.
    fn indices(post: &str) -> Vec<u32> {
        let tokenizer = Tokenizer::new().unwrap();
        let mut worker = tokenizer.worker();
        let mut view = PostView::default();
        view.load(worker.analyze(post).unwrap());
        let lexicon = Lexicon::from_entries([
            LexiconEntry {
                term: "재밌".into(),
                pos: Some(PosTag::Va),
                weight: 0.8,
                support: 0,
            },
            LexiconEntry {
                term: "갓벽".into(),
                pos: None,
                weight: 1.0,
                support: 0,
            },
        ])
        .unwrap();
        let config = FeatureConfig::default();
        let mut featurizer = Featurizer::default();
        featurizer.featurize(&view, &config, |_| {});
        featurizer.add_lexicon(&view, &lexicon, &config);
        featurizer.occurrences.iter().map(|o| o.index).collect()
    }

    /// The hash scheme is part of the model format: a change to any of these indices makes
    /// every trained model score garbage. Computed once from the code that trained the
    /// shipped model; never update them without a new format version.
    #[test]
    fn feature_indices_of_fixed_posts_are_pinned() {
        let expected: [(&str, &[u32]); 3] = [
            (
                "안 재밌다ㅋㅋ!",
                &[
                    14817562, 1276929, 7637942, 14008705, 9639774, 9566914, 6569262, 9886419,
                    3976866, 6784784, 4991848, 13186209, 16601538, 3099170, 13819227, 11483490,
                    11212756, 271254, 16172549, 4421781, 16249756, 10385436, 14510043, 845345,
                    9238475, 8994963, 6652585, 6652585, 1848246, 1777966, 1214490, 8161640,
                    2584200, 15836134, 13511577, 6184043, 6110476, 14011720, 4616438, 13134621,
                    4979205, 14165096, 1179187, 7316694, 9673809, 7347322, 7966078, 6530915,
                    2164963, 258936, 1524334, 16390952, 14435391, 10541164, 15269991, 7214323,
                    7514344, 13542094, 9213912, 16606210, 8643275, 2615107, 16777221, 16777217,
                ],
            ),
            (
                "연기는 너무 좋지만 😂?",
                &[
                    10765267, 14575890, 14226818, 12203167, 7878266, 13669451, 6877773, 15301562,
                    6599001, 14897861, 3187056, 5963355, 13836660, 5125546, 9940218, 14636668,
                    3858269, 4500016, 5677940, 1663975, 15362120, 5689911, 3039252, 16045932,
                    663488, 5732235, 6574172, 3012247, 13277584, 1828876, 1247441, 10866632,
                    5072193, 47747, 10876004, 16316238, 16773791, 9619500, 7453846, 3352028,
                    5362908, 14404520, 1819360, 6248324, 6188854, 4818739, 5486862, 6362882,
                    5273674, 5698236, 13867700, 10816020, 7006564, 3745689, 15463989, 13021602,
                    15385752, 11157865, 16507135, 15454171, 12059411, 1002405, 2262165, 4693082,
                    6825196, 4527361, 11213149, 11765160, 14160387, 11236223, 4930110, 12670079,
                    15023115, 12199924, 13305746, 11694223, 8176789, 4131281, 3862033, 11603955,
                    3088795, 13985001, 3437283, 1405993, 5501087, 4934785, 16494088, 5414136,
                    11282034, 8600450, 4973758, 7575316, 8471065, 16099167, 5899257, 13158552,
                    14354508, 13097424, 16777221,
                ],
            ),
            (
                "갓벽",
                &[
                    7863939, 15794446, 1334305, 221367, 7266122, 10964470, 3567613, 14000656,
                    13652208, 16195854, 6627518, 303775, 16178892, 6519525, 6868460, 15674538,
                    12179512, 8001610, 2850679, 16777221, 16777216,
                ],
            ),
        ];
        for (post, want) in expected {
            assert_eq!(indices(post), want, "{post}");
        }
    }
}
