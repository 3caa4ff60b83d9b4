//! Sparse features of a post: hashed morpheme, word and character n-grams, scope-marked
//! morphemes, social signals, and dense lexicon sums by scope.
//!
//! Feature strings are never built: every atom (morpheme, character, word) is hashed once
//! and n-grams combine the hashes, so featurising costs a small fraction of tokenizing.
//! Index space: `[0, 2^hash_bits)` hashed features, then [`LEXICON_SLOTS`] lexicon sums,
//! then the bias.

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use nunchi_tokenizer::PosTag;

use crate::lexicon::Lexicon;
use crate::post::{scope, PostView};

/// Which features a model uses. Stored in the manifest: a model is always scored with the
/// configuration it was trained with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    #[serde(default)]
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

/// Number of dense lexicon features: one per [`LexiconSlot`].
pub(crate) const LEXICON_SLOTS: usize = 5;

/// The scope a lexicon term occurs in; each has its own learned weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LexiconSlot {
    Plain = 0,
    Negated = 1,
    Intensified = 2,
    Diminished = 3,
    BeforeContrast = 4,
}

impl LexiconSlot {
    fn of(scope_flags: u8) -> Self {
        if scope_flags & scope::NEGATED != 0 {
            LexiconSlot::Negated
        } else if scope_flags & scope::BEFORE_CONTRAST != 0 {
            LexiconSlot::BeforeContrast
        } else if scope_flags & scope::INTENSIFIED != 0 {
            LexiconSlot::Intensified
        } else if scope_flags & scope::DIMINISHED != 0 {
            LexiconSlot::Diminished
        } else {
            LexiconSlot::Plain
        }
    }

    /// The slot of lexicon feature number `i` (0-based, as [`FeatureConfig::lexicon_index`]).
    pub fn from_index(i: u32) -> Self {
        match i {
            1 => LexiconSlot::Negated,
            2 => LexiconSlot::Intensified,
            3 => LexiconSlot::Diminished,
            4 => LexiconSlot::BeforeContrast,
            _ => LexiconSlot::Plain,
        }
    }

    /// Name used in explanations.
    pub fn name(self) -> &'static str {
        match self {
            LexiconSlot::Plain => "",
            LexiconSlot::Negated => "negated ",
            LexiconSlot::Intensified => "intensified ",
            LexiconSlot::Diminished => "diminished ",
            LexiconSlot::BeforeContrast => "before-contrast ",
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

/// A lexicon-candidate morpheme: looked up in the lexicon at scoring time, counted when
/// inducing the lexicon at training time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LexiconHit {
    /// Index into [`PostView::morphemes`].
    pub morpheme: u32,
    pub slot: LexiconSlot,
    pub unit: u32,
}

/// A hashed atom (morpheme, word, character) and the evidence units it covers.
#[derive(Debug, Clone, Copy)]
struct Atom {
    hash: u64,
    first_unit: u32,
    last_unit: u32,
}

impl Atom {
    fn new(hash: u64, unit: u32) -> Self {
        Atom {
            hash,
            first_unit: unit,
            last_unit: unit,
        }
    }
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

/// Counts how often each index repeats within a post: an open-addressing table reused from
/// post to post (a generation number marks the live slots, so it is never cleared). Linear
/// time, where sorting the indices would dominate the cost of scoring.
#[derive(Debug, Default)]
struct RepeatCounter {
    /// (index, generation, count) per slot.
    slots: Vec<(u32, u32, u32)>,
    generation: u32,
    /// Slot of each occurrence.
    slot_of: Vec<u32>,
}

impl RepeatCounter {
    /// Counts the repeats of the occurrences' indices; returns the number of distinct ones.
    fn count(&mut self, occurrences: &[Occurrence]) -> usize {
        let wanted = (occurrences.len() * 2).next_power_of_two().max(64);
        self.generation = self.generation.wrapping_add(1);
        if self.slots.len() < wanted || self.generation == 0 {
            self.slots = vec![(0, 0, 0); wanted];
            self.generation = 1;
        }
        let mask = self.slots.len() - 1;
        self.slot_of.clear();
        let mut distinct = 0;
        for o in occurrences {
            let mut at = (o.index.wrapping_mul(0x9e37_79b1) >> 7) as usize & mask;
            loop {
                let slot = &mut self.slots[at];
                if slot.1 != self.generation {
                    *slot = (o.index, self.generation, 1);
                    distinct += 1;
                    break;
                }
                if slot.0 == o.index {
                    slot.2 += 1;
                    break;
                }
                at = (at + 1) & mask;
            }
            self.slot_of.push(at as u32);
        }
        distinct
    }

    /// How often each occurrence's index occurs, in occurrence order.
    fn of_each(&self) -> impl Iterator<Item = u32> + '_ {
        self.slot_of.iter().map(|&at| self.slots[at as usize].2)
    }
}

/// Namespaces keep feature families apart in the shared hash space.
mod ns {
    pub const MORPHEME: u64 = 1;
    pub const CHAR: u64 = 2;
    pub const WORD: u64 = 3;
    pub const SCOPED: u64 = 4;
    pub const SIGNAL: u64 = 5;
    pub const BOUNDARY: u64 = 6;
    pub const NEGATED_CHAR: u64 = 7;
}

// Stable hash mixing (the splitmix64 finaliser): feature indices are part of the model
// format, so they must not depend on a library's hasher version.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn combine(h: u64, x: u64) -> u64 {
    mix(h.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ x)
}

fn morpheme_hash(form: &str, tag: PosTag) -> u64 {
    combine(xxh3_64(form.as_bytes()), xxh3_64(tag.as_str().as_bytes()))
}

/// Whether a morpheme with this tag can be a lexicon term.
pub(crate) fn is_lexicon_candidate(tag: PosTag) -> bool {
    !(tag.is_grammatical()
        || matches!(
            tag,
            PosTag::Sf
                | PosTag::Se
                | PosTag::Sso
                | PosTag::Ssc
                | PosTag::Sc
                | PosTag::Sn
                | PosTag::Sp
                | PosTag::Url
                | PosTag::Mention
        ))
}

/// Social signal of a token surface.
fn signal_of(surface: &str, tag: PosTag) -> Option<u64> {
    let all = |set: &[char]| !surface.is_empty() && surface.chars().all(|c| set.contains(&c));
    if all(&['ㅋ', 'ㅎ']) {
        Some(1)
    } else if all(&['ㅠ', 'ㅜ']) {
        Some(2)
    } else if tag == PosTag::Emoji || surface.chars().any(is_emoji) {
        Some(3)
    } else if tag == PosTag::Emoticon || all(&['^', 'ㅡ', '-', '_', ';', '.', 'ㅠ', 'ㅜ', 'ㅎ'])
    {
        Some(4)
    } else {
        None
    }
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF)
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
        let emit = |occurrences: &mut Vec<Occurrence>, h: u64, units: (u32, u32)| {
            let index = (h >> shift) as u32;
            on_index(index);
            occurrences.push(Occurrence {
                index,
                value: 1.0,
                units,
            })
        };
        let unit_of_morpheme = |i: usize| view.tokens[view.morphemes[i].token as usize].unit;

        // Morpheme n-grams over the whole post, with boundary atoms at both ends.
        self.atoms.clear();
        let boundary = mix(ns::BOUNDARY);
        self.atoms.push(Atom::new(boundary, NO_UNIT));
        for (i, m) in view.morphemes.iter().enumerate() {
            self.atoms.push(Atom::new(
                morpheme_hash(view.form(m), m.tag),
                unit_of_morpheme(i),
            ));
        }
        self.atoms.push(Atom::new(boundary, NO_UNIT));
        emit_ngrams(
            &self.atoms,
            1..=config.morpheme_ngrams as usize,
            ns::MORPHEME,
            |h, units| emit(&mut self.occurrences, h, units),
        );

        // Scope-marked content morphemes and lexicon candidates.
        for (i, m) in view.morphemes.iter().enumerate() {
            let token = &view.tokens[m.token as usize];
            let unit = token.unit;
            if config.scope_features && m.tag.is_content() {
                for flag in [
                    scope::NEGATED,
                    scope::INTENSIFIED,
                    scope::DIMINISHED,
                    scope::BEFORE_CONTRAST,
                ] {
                    if token.scope & flag != 0 {
                        let h = combine(
                            combine(mix(ns::SCOPED), flag as u64),
                            self.atoms[i + 1].hash,
                        );
                        emit(&mut self.occurrences, h, (unit, unit));
                    }
                }
            }
            if config.lexicon_features && is_lexicon_candidate(m.tag) {
                self.hits.push(LexiconHit {
                    morpheme: i as u32,
                    slot: LexiconSlot::of(token.scope),
                    unit,
                });
            }
        }

        // Words (eojeols): hash of their token surfaces.
        if config.word_ngrams > 0 {
            self.atoms.clear();
            self.atoms.push(Atom::new(boundary, NO_UNIT));
            for (i, token) in view.tokens.iter().enumerate() {
                let h = xxh3_64(view.surface(token).as_bytes());
                match self.atoms.last_mut() {
                    Some(word) if i > 0 && view.tokens[i - 1].eojeol == token.eojeol => {
                        word.hash = combine(word.hash, h);
                        word.first_unit = word.first_unit.min(token.unit);
                        word.last_unit = word.last_unit.max(token.unit);
                    }
                    _ => self
                        .atoms
                        .push(Atom::new(combine(mix(ns::WORD), h), token.unit)),
                }
            }
            self.atoms.push(Atom::new(boundary, NO_UNIT));
            emit_ngrams(
                &self.atoms,
                1..=config.word_ngrams as usize,
                ns::WORD,
                |h, units| emit(&mut self.occurrences, h, units),
            );
        }

        // Character n-grams over the token surfaces, a space between words.
        if config.max_char_ngram > 0 {
            self.chars.clear();
            let space = mix(ns::CHAR ^ 0x20);
            if let Some(first) = view.tokens.first() {
                self.chars.push(Atom::new(boundary, first.unit));
            }
            for (i, token) in view.tokens.iter().enumerate() {
                if i > 0 && token.eojeol != view.tokens[i - 1].eojeol {
                    self.chars.push(Atom::new(space, token.unit));
                }
                let negated = config.negation_marks_chars && token.scope & scope::NEGATED != 0;
                let namespace = if negated { ns::NEGATED_CHAR } else { ns::CHAR };
                for c in view.surface(token).chars() {
                    self.chars
                        .push(Atom::new(mix(namespace << 32 | c as u64), token.unit));
                }
            }
            if let Some(last) = view.tokens.last() {
                self.chars.push(Atom::new(boundary, last.unit));
            }
            let sizes = config.min_char_ngram as usize..=config.max_char_ngram as usize;
            emit_ngrams(&self.chars, sizes, ns::CHAR, |h, units| {
                emit(&mut self.occurrences, h, units)
            });
        }

        if config.signal_features {
            let signal = |x: u64| combine(mix(ns::SIGNAL), x);
            for (i, token) in view.tokens.iter().enumerate() {
                let surface = view.surface(token);
                let unit = (token.unit, token.unit);
                if let Some(kind) = signal_of(surface, token.pos) {
                    emit(&mut self.occurrences, signal(kind), unit);
                    if i + 1 == view.tokens.len() {
                        emit(&mut self.occurrences, signal(kind + 100), unit);
                    }
                }
                if token.pos == PosTag::Sf || token.pos == PosTag::Se {
                    for c in surface.chars().take(1) {
                        emit(&mut self.occurrences, signal(200 + c as u64), unit);
                    }
                }
            }
            let length_bucket = (view.tokens.len() as u64 + 1).ilog2() as u64;
            emit(
                &mut self.occurrences,
                signal(300 + length_bucket),
                (NO_UNIT, NO_UNIT),
            );
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

    /// Appends the lexicon sums: each hit found in `lexicon` adds its weight to its slot.
    /// Any-tag entries (`*`) also match a whole word that the tokenizer split into several
    /// morphemes (slang such as `갓벽` = `갓/MAG + 벽/NNG`), without its trailing particles,
    /// endings and punctuation. Returns the post's lexicon evidence: the sum of the
    /// absolute weights found.
    pub fn add_lexicon(
        &mut self,
        view: &PostView,
        lexicon: &Lexicon,
        config: &FeatureConfig,
    ) -> f32 {
        self.matched.clear();
        let mut evidence = 0.0;
        let mut push =
            |occurrences: &mut Vec<Occurrence>, entry: usize, slot: LexiconSlot, units| {
                let weight = lexicon.entries()[entry].weight;
                occurrences.push(Occurrence {
                    index: config.lexicon_index(slot),
                    value: weight,
                    units,
                });
                self.matched.push(entry as u32);
                evidence += weight.abs();
            };
        for hit in &self.hits {
            let m = &view.morphemes[hit.morpheme as usize];
            if let Some(entry) = lexicon.lookup_position(view.form(m), m.tag) {
                push(&mut self.occurrences, entry, hit.slot, (hit.unit, hit.unit));
            }
        }
        if !config.lexicon_features || !lexicon.has_any_tag() {
            return evidence;
        }
        let mut start = 0;
        while start < view.tokens.len() {
            let eojeol = view.tokens[start].eojeol;
            let mut end = start;
            while end < view.tokens.len() && view.tokens[end].eojeol == eojeol {
                end += 1;
            }
            let mut content_end = end;
            while content_end > start && !is_lexicon_candidate(view.tokens[content_end - 1].pos) {
                content_end -= 1;
            }
            let morphemes: usize = view.tokens[start..content_end]
                .iter()
                .map(|t| t.morphemes.len())
                .sum();
            if morphemes > 1 {
                self.word.clear();
                for t in &view.tokens[start..content_end] {
                    self.word.push_str(view.surface(t));
                }
                if let Some(entry) = lexicon.any_tag_position(&self.word) {
                    let head = &view.tokens[start];
                    let last = view.tokens[content_end - 1].unit;
                    let units = (head.unit.min(last), head.unit.max(last));
                    push(
                        &mut self.occurrences,
                        entry,
                        LexiconSlot::of(head.scope),
                        units,
                    );
                }
            }
            start = end;
        }
        evidence
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

/// Emits the n-grams of `atoms` for each n in `sizes`, skipping unigrams of boundaries.
fn emit_ngrams(
    atoms: &[Atom],
    sizes: std::ops::RangeInclusive<usize>,
    namespace: u64,
    mut emit: impl FnMut(u64, (u32, u32)),
) {
    for n in sizes {
        if n == 0 {
            continue;
        }
        let seed = mix(namespace + 16 * n as u64);
        for window in atoms.windows(n) {
            if n == 1 && (window[0].first_unit == NO_UNIT || is_separator(window[0].hash)) {
                continue;
            }
            let h = window.iter().fold(seed, |h, a| combine(h, a.hash));
            emit(h, unit_range(window));
        }
    }
}

fn is_separator(hash: u64) -> bool {
    hash == mix(ns::BOUNDARY) || hash == mix(ns::CHAR ^ 0x20)
}

fn unit_range(window: &[Atom]) -> (u32, u32) {
    let mut first = NO_UNIT;
    let mut last = NO_UNIT;
    for a in window {
        if a.first_unit != NO_UNIT {
            first = first.min(a.first_unit);
            last = if last == NO_UNIT {
                a.last_unit
            } else {
                last.max(a.last_unit)
            };
        }
    }
    (first, last)
}

#[cfg(test)]
mod tests {
    use nunchi_tokenizer::Tokenizer;

    use super::*;
    use crate::lexicon::LexiconEntry;

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
