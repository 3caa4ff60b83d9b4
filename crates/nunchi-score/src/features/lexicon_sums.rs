//! Lexicon sums: each lexicon term found in a post adds its weight to the dense feature of
//! its scope (plain, negated, intensified, diminished, before a contrast), each scope with
//! its own learned weight, so that a lexicon edit moves scores.

use nunchi_tokenizer::PosTag;

use crate::lexicon::Lexicon;
use crate::post::{scope, PostView};

use super::{FeatureConfig, Featurizer, Occurrence};

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

/// A lexicon-candidate morpheme: looked up in the lexicon at scoring time, counted when
/// inducing the lexicon at training time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LexiconHit {
    /// Index into [`PostView::morphemes`].
    pub morpheme: u32,
    pub slot: LexiconSlot,
    pub unit: u32,
}

/// Whether a morpheme with this tag can be a lexicon term.
fn is_lexicon_candidate(tag: PosTag) -> bool {
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

/// Collects the post's lexicon candidates (looked up at scoring time, counted when inducing
/// the lexicon at training time).
pub(super) fn collect_hits(view: &PostView, hits: &mut Vec<LexiconHit>) {
    for (i, m) in view.morphemes.iter().enumerate() {
        if is_lexicon_candidate(m.tag) {
            let token = &view.tokens[m.token as usize];
            hits.push(LexiconHit {
                morpheme: i as u32,
                slot: LexiconSlot::of(token.scope),
                unit: token.unit,
            });
        }
    }
}

impl Featurizer {
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
}
