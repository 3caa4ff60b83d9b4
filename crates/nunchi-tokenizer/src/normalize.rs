//! Social-post normalisation before morphological analysis, every step mapped back to
//! byte offsets in the original input.
//!
//! TEMPORARY identity implementation: being replaced by the full normaliser.

use std::ops::Range;

use crate::pos::PosTag;

/// A unit that normalisation recognised and keeps whole (a URL, a mention, an emoji, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocialUnit {
    /// Byte range in the normalised text.
    pub range: Range<usize>,
    /// What the unit is.
    pub tag: PosTag,
}

/// Settings of the normaliser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalizer {
    /// Runs of one repeated character longer than this are squashed to this length.
    pub max_repeat: usize,
}

impl Default for Normalizer {
    fn default() -> Self {
        Normalizer { max_repeat: 3 }
    }
}

/// The normalised form of one post, reused across posts to avoid allocation.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    text: String,
    /// For each byte of `text`, the original byte range of the character it came from.
    origin: Vec<(u32, u32)>,
    units: Vec<SocialUnit>,
}

impl Normalized {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// The normalised text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The social units found, in text order, non-overlapping.
    pub fn units(&self) -> &[SocialUnit] {
        &self.units
    }

    /// Maps a byte range of the normalised text back to the original input.
    pub fn original_span(&self, range: Range<usize>) -> Range<usize> {
        if range.start >= range.end || range.end > self.origin.len() {
            let at = self.origin.get(range.start).map_or(0, |o| o.0 as usize);
            return at..at;
        }
        self.origin[range.start].0 as usize..self.origin[range.end - 1].1 as usize
    }
}

impl Normalizer {
    /// Normalises `input` into `out`, replacing its previous content.
    pub fn normalize_into(&self, input: &str, out: &mut Normalized) {
        out.text.clear();
        out.origin.clear();
        out.units.clear();
        for (i, c) in input.char_indices() {
            let end = (i + c.len_utf8()) as u32;
            out.text.push(c);
            out.origin
                .extend(std::iter::repeat_n((i as u32, end), c.len_utf8()));
        }
    }
}
