//! Spans: where a token, an evidence term or a target mention lies in a post.

use std::ops::Range;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A byte range `start..end` of a text: of the original post for token and evidence spans,
/// of the normalised text for [`Token::normalized`](crate::Token::normalized).
///
/// The one span type of nunchi's crates. It is `Copy`, and serialises as `[start, end]`.
///
/// ```
/// use nunchi_tokenizer::Span;
///
/// let post = "배송이 너무 늦어요";
/// let span = Span::new(10, 16);
/// assert_eq!(span.of(post), Some("너무"));
/// // The same span counted in characters, as user-facing outputs give it.
/// assert_eq!(span.to_chars(post), Some(Span::new(4, 6)));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The span as a range, for slicing.
    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }

    /// Its length in bytes (0 if `end < start`).
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether it covers no byte.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The smallest span that covers both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The part of `text` it covers, or `None` if it is out of bounds or not on char
    /// boundaries.
    pub fn of(self, text: &str) -> Option<&str> {
        text.get(self.range())
    }

    /// The same span in characters (Unicode scalar values) of `text` instead of bytes, or
    /// `None` if it does not lie on char boundaries of `text`.
    pub fn to_chars(self, text: &str) -> Option<Span> {
        let before = text.get(..self.start)?;
        let inside = self.of(text)?;
        let start = before.chars().count();
        Some(Span::new(start, start + inside.chars().count()))
    }
}

impl From<Range<usize>> for Span {
    fn from(range: Range<usize>) -> Self {
        Span::new(range.start, range.end)
    }
}

impl From<Span> for Range<usize> {
    fn from(span: Span) -> Self {
        span.range()
    }
}

impl Serialize for Span {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        [self.start, self.end].serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let [start, end] = <[usize; 2]>::deserialize(deserializer)?;
        if end < start {
            return Err(serde::de::Error::custom(format!(
                "span [{start}, {end}] ends before it starts"
            )));
        }
        Ok(Span::new(start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_spans_count_characters_not_bytes() {
        let text = "a한b글😡c";
        let bytes = Span::new(1, 8); // 한b글
        assert_eq!(bytes.of(text), Some("한b글"));
        assert_eq!(bytes.to_chars(text), Some(Span::new(1, 4)));
        assert_eq!(Span::new(2, 4).to_chars(text), None, "inside a char");
        assert_eq!(Span::new(0, 100).to_chars(text), None, "out of bounds");
    }

    #[test]
    fn serialises_as_a_pair_and_refuses_reversed_spans() {
        let span = Span::new(3, 7);
        assert_eq!(serde_json::to_string(&span).unwrap(), "[3,7]");
        assert_eq!(serde_json::from_str::<Span>("[3,7]").unwrap(), span);
        assert!(serde_json::from_str::<Span>("[7,3]").is_err());
        assert_eq!(Span::new(7, 3).len(), 0);
        assert_eq!(span.cover(Span::new(1, 4)), Span::new(1, 7));
    }
}
