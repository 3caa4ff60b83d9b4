//! The map from a rewritten text back to byte ranges of the text it was made from.

use std::iter::repeat_n;
use std::ops::Range;

use crate::buffers::Reusable;

/// Maps every char of a text that is built char by char back to the byte range of the
/// source text it came from.
///
/// While every char sits exactly where its source did (the common case: nothing to change)
/// the map stores nothing; it starts storing per byte at the first char that moved.
#[derive(Debug, Clone, Default)]
pub(super) struct OffsetMap {
    /// Once diverged, one entry per byte of the text: every byte of a char holds that
    /// char's source range.
    spans: Vec<(u32, u32)>,
    diverged: bool,
}

impl OffsetMap {
    /// Forgets everything: the map of an empty text.
    pub(super) fn clear(&mut self) {
        self.spans.clear();
        self.diverged = false;
    }

    /// Records that the last char of `text` (already pushed) comes from `source`.
    ///
    /// Sources must be pushed in order: each starts at or after the end of the one before.
    pub(super) fn push(&mut self, text: &str, len: usize, source: Range<usize>) {
        let at = text.len() - len;
        if !self.diverged {
            if source.start == at && source.end == at + len {
                return;
            }
            self.diverge(&text[..at]);
        }
        self.spans
            .extend(repeat_n((source.start as u32, source.end as u32), len));
    }

    /// Extends the source of the last char of `text` to end at `end` (it absorbs source text
    /// that produced no char of its own).
    pub(super) fn extend_last(&mut self, text: &str, end: usize) {
        let Some(last) = text.chars().next_back() else {
            return;
        };
        let at = text.len() - last.len_utf8();
        if !self.diverged {
            if end == text.len() {
                return;
            }
            self.diverge(text);
        }
        for span in &mut self.spans[at..] {
            span.1 = end as u32;
        }
    }

    /// The source range of `range`, a non-empty range of whole chars of the text.
    pub(super) fn source(&self, range: Range<usize>) -> Range<usize> {
        if !self.diverged {
            return range;
        }
        self.spans[range.start].0 as usize..self.spans[range.end - 1].1 as usize
    }

    /// Where the source of the char starting at `at` begins (`at` may be the text's end, for
    /// a source of `source_len` bytes).
    pub(super) fn source_start(&self, at: usize, source_len: usize) -> usize {
        match self.spans.get(at) {
            Some(span) => span.0 as usize,
            None if !self.diverged => at.min(source_len),
            None => source_len,
        }
    }

    /// Stores the identity for `before`, the text so far, whose chars all mapped to
    /// themselves.
    fn diverge(&mut self, before: &str) {
        self.diverged = true;
        self.spans.reserve(before.len() + 64);
        for (at, c) in before.char_indices() {
            let end = at + c.len_utf8();
            self.spans
                .extend(repeat_n((at as u32, end as u32), c.len_utf8()));
        }
    }
}

impl Reusable for OffsetMap {
    fn retained_bytes(&self) -> usize {
        self.spans.retained_bytes()
    }

    fn trim(&mut self) {
        self.clear();
        self.spans.trim();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(map: &mut OffsetMap, text: &mut String, c: char, source: Range<usize>) {
        text.push(c);
        map.push(text, c.len_utf8(), source);
    }

    #[test]
    fn identity_stores_nothing_and_maps_to_itself() {
        let mut map = OffsetMap::default();
        let mut text = String::new();
        push(&mut map, &mut text, '가', 0..3);
        push(&mut map, &mut text, 'a', 3..4);
        assert!(map.spans.is_empty());
        assert_eq!(map.source(0..4), 0..4);
        assert_eq!(map.source(3..4), 3..4);
    }

    #[test]
    fn first_moved_char_materialises_the_identity_before_it() {
        let mut map = OffsetMap::default();
        let mut text = String::new();
        push(&mut map, &mut text, '가', 0..3);
        // A dropped 3-byte char in the source: the next char comes from 6..7.
        push(&mut map, &mut text, 'a', 6..7);
        assert_eq!(map.spans.len(), 4);
        assert_eq!(map.source(0..3), 0..3);
        assert_eq!(map.source(3..4), 6..7);
        assert_eq!(map.source(0..4), 0..7);
    }

    #[test]
    fn extend_last_covers_squashed_source() {
        let mut map = OffsetMap::default();
        let mut text = String::new();
        push(&mut map, &mut text, 'ㅋ', 0..3);
        map.extend_last(&text, 9);
        assert_eq!(map.source(0..3), 0..9);
        // At the text's end without divergence nothing changes.
        let mut map = OffsetMap::default();
        let mut text = String::new();
        push(&mut map, &mut text, 'x', 0..1);
        map.extend_last(&text, 1);
        assert!(!map.diverged);
    }

    #[test]
    fn source_start_at_the_end() {
        let mut map = OffsetMap::default();
        assert_eq!(map.source_start(0, 5), 0);
        let mut text = String::new();
        push(&mut map, &mut text, 'x', 2..3);
        assert_eq!(map.source_start(0, 5), 2);
        assert_eq!(map.source_start(1, 5), 5);
    }
}
