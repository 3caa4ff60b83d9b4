//! Tokens: what the tokenizer produces for each unit of a post.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::pos::PosTag;
use crate::span::Span;

/// One morpheme of a token, with its base form: ko-dic analyses inflected and compound
/// entries into parts (`했` = `하/XSV + 었/EP`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Morpheme<'a> {
    /// The morpheme's base form (`하`, `었`), or the surface for a simple token.
    pub form: &'a str,
    /// Its tag.
    pub tag: PosTag,
}

/// One token of an analysed post, borrowed from the [`Analysis`](crate::Analysis) it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    /// The token as it reads in the normalised text.
    pub surface: &'a str,
    /// Byte span in the original input (before normalisation).
    pub span: Span,
    /// Byte span of [`Token::surface`] in the normalised text
    /// ([`Analysis::normalized_text`](crate::Analysis::normalized_text)).
    pub normalized: Span,
    /// Index of the word (the whitespace-separated eojeol) the token belongs to: tokens of
    /// one word share it, and it grows by one wherever the original post has a gap between
    /// two tokens (whitespace, or an invisible filler such as U+3164 that normalisation
    /// dropped).
    pub word: u32,
    /// The first part-of-speech tag (`VCP` for a `VCP+EF` entry).
    pub pos: PosTag,
    /// The last part-of-speech tag (equal to `pos` for a simple entry).
    pub last_pos: PosTag,
    /// Whether the dictionary did not know the token (an unknown-word node).
    pub is_unknown: bool,
    pub(crate) morphemes: &'a [MorphemeRecord],
    pub(crate) forms: &'a str,
}

impl<'a> Token<'a> {
    /// The morphemes of the token with their base forms; one for a simple entry.
    pub fn morphemes(&self) -> impl ExactSizeIterator<Item = Morpheme<'a>> + 'a {
        let forms = self.forms;
        self.morphemes.iter().map(move |m| Morpheme {
            form: &forms[m.form.start as usize..m.form.end as usize],
            tag: m.tag,
        })
    }

    /// An owned, serialisable copy (for snapshots, JSON output and debugging).
    pub fn to_info(&self) -> TokenInfo {
        TokenInfo {
            surface: self.surface.to_owned(),
            span: self.span,
            pos: self.pos,
            morphemes: self
                .morphemes()
                .map(|m| MorphemeInfo {
                    form: m.form.to_owned(),
                    tag: m.tag,
                })
                .collect(),
        }
    }
}

/// A morpheme stored in an analysis: its base form is a range of the analysis' form arena.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MorphemeRecord {
    pub(crate) form: Range<u32>,
    pub(crate) tag: PosTag,
}

/// An owned copy of a [`Token`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// The surface in the normalised text.
    pub surface: String,
    /// Byte span in the original input.
    pub span: Span,
    /// First part-of-speech tag.
    pub pos: PosTag,
    /// Morphemes with their base forms.
    pub morphemes: Vec<MorphemeInfo>,
}

/// An owned copy of a [`Morpheme`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MorphemeInfo {
    /// Base form.
    pub form: String,
    /// Tag.
    pub tag: PosTag,
}
