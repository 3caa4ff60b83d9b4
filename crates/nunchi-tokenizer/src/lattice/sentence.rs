//! The characters of one sentence as the lattice sees them: their `char.def` categories,
//! whether each is whitespace, the social unit holding it, and where its word ends.

use lindera_dictionary::dictionary::character_definition::CategoryId;

use super::dictionary::Lexicon;
use crate::normalize::SocialUnit;

/// [`CharInfo::unit`] of a character outside every social unit.
pub(super) const NO_UNIT: u32 = u32::MAX;

/// What the lattice knows of one character of the sentence.
#[derive(Debug, Clone, Copy)]
pub(super) struct CharInfo {
    /// Byte offset in the sentence.
    pub(super) byte: u32,
    /// The character's default (first) `char.def` category.
    pub(super) category: CategoryId,
    /// Bit set of all its categories.
    pub(super) mask: u64,
    pub(super) is_space: bool,
    /// Index (in the sentence's units) of the social unit holding this character, or
    /// `NO_UNIT`.
    pub(super) unit: u32,
    /// Char index where the word holding this character ends: at the next whitespace or
    /// social unit.
    pub(super) word_end: u32,
}

/// The per-character buffers of a sentence, reused from sentence to sentence. Trailing
/// whitespace is left out: the last character is the last one a word can end with.
#[derive(Debug, Default)]
pub(super) struct Sentence {
    chars: Vec<char>,
    infos: Vec<CharInfo>,
    /// Byte offset just past the sentence's last non-whitespace character.
    end_byte: usize,
}

crate::buffers::reusable_fields!(Sentence { chars, infos });

impl Sentence {
    /// Fills the buffers for `sentence`. `units` are byte ranges of the whole text, of which
    /// `sentence` starts at `offset`.
    pub(super) fn prepare(
        &mut self,
        lexicon: &Lexicon,
        sentence: &str,
        offset: usize,
        units: &[SocialUnit],
    ) {
        self.chars.clear();
        self.infos.clear();
        let mut next_unit = 0;
        for (byte, c) in sentence.char_indices() {
            while units
                .get(next_unit)
                .is_some_and(|unit| unit.range.end <= offset + byte)
            {
                next_unit += 1;
            }
            let unit = match units.get(next_unit) {
                Some(unit) if unit.range.start <= offset + byte => next_unit as u32,
                _ => NO_UNIT,
            };
            let (category, mask) = lexicon.categories(c);
            self.chars.push(c);
            self.infos.push(CharInfo {
                byte: byte as u32,
                category,
                mask,
                is_space: unit == NO_UNIT && lexicon.is_space(c, mask),
                unit,
                word_end: 0,
            });
        }
        while self.infos.last().is_some_and(|info| info.is_space) {
            self.infos.pop();
            self.chars.pop();
        }
        self.end_byte = match (self.infos.last(), self.chars.last()) {
            (Some(info), Some(c)) => info.byte as usize + c.len_utf8(),
            _ => 0,
        };
        self.mark_word_ends();
    }

    /// A word ends at whitespace or where a unit starts; a unit where it ends.
    fn mark_word_ends(&mut self) {
        let mut word_end = self.infos.len() as u32;
        let mut next: Option<(bool, u32)> = None;
        for (i, info) in self.infos.iter_mut().enumerate().rev() {
            if next.is_some_and(|(is_space, unit)| is_space || unit != info.unit) {
                word_end = i as u32 + 1;
            }
            info.word_end = word_end;
            next = Some((info.is_space, info.unit));
        }
    }

    /// Number of characters (trailing whitespace left out).
    #[inline]
    pub(super) fn len(&self) -> usize {
        self.chars.len()
    }

    /// The characters from `start` to `end`.
    #[inline]
    pub(super) fn chars(&self, start: usize, end: usize) -> &[char] {
        &self.chars[start..end]
    }

    /// What is known of the character at `index`.
    #[inline]
    pub(super) fn info(&self, index: usize) -> CharInfo {
        self.infos[index]
    }

    /// Byte offset in the sentence of the character at `index`, or of the end for the
    /// index just past the last character.
    #[inline]
    pub(super) fn byte(&self, index: u32) -> usize {
        self.infos
            .get(index as usize)
            .map_or(self.end_byte, |info| info.byte as usize)
    }

    /// Index of the first character that starts at or after `byte`.
    pub(super) fn char_at_byte(&self, byte: usize) -> u32 {
        self.infos
            .partition_point(|info| (info.byte as usize) < byte) as u32
    }
}
