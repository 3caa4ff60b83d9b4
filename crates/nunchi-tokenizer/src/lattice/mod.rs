//! MeCab-ko's segmentation over mecab-ko-dic, run on lindera's dictionary structures.
//!
//! lindera's own lattice keeps whitespace as unknown-word nodes, so the word after a space
//! connects to the space rather than to the word before it; MeCab-ko skips whitespace,
//! connects the words on either side directly and instead adds mecab-ko-dic's left-space
//! penalty to a word that follows whitespace (so that, e.g., a particle does not start a
//! word). lindera also groups unknown words (runs of symbols such as `....`) by rules of its
//! own. On 2,000 NSMC reviews lindera's segmentation gives 89.8% of MeCab-ko's tokens, and
//! its API cannot close the gap from outside, so this module runs the Viterbi search over
//! lindera's dictionary itself, the way MeCab-ko's tokenizer does (100% on the same reviews,
//! `tests/mecab_parity.rs`):
//! - a node starts after any whitespace and never contains whitespace (a word is bounded
//!   by the next space);
//! - a social unit that normalisation kept whole (a URL, an emoji, `ㅡㅡ`) is one node that
//!   nothing else may overlap, connected to its neighbours with the context ids that MeCab
//!   would give its first and last characters, so that the words around it are analysed
//!   as in an uncut sentence (a sentence is not made to end at every emoticon);
//! - unknown words follow MeCab's rules (`unknown`);
//! - of equal-cost paths the one met first wins, as in MeCab; entries that the dictionary
//!   lists twice with equal costs resolve to the plain one (`candidates`).
//!
//! Whitespace is what `char.def` puts in `SPACE` plus anything Unicode calls whitespace
//! (MeCab-ko would make a symbol of a no-break space; a social post is better served by
//! treating it as the space it shows as).
//!
//! One stage a file, each using only those listed before it:
//! - `dictionary`: the adapter over lindera's structures (entries, character categories,
//!   connection costs, left-space penalties) and the per-worker memos of what is slow to
//!   read from them;
//! - `sentence`: the characters of a sentence, their categories, whitespace and units;
//! - `unknown`: MeCab's unknown-word rules;
//! - `candidates`: the words (or the unit) that can start at a position;
//! - `viterbi`: the search over one sentence;
//! - here: the cut of a text into sentences, and the worker's scratch of all of them.

mod candidates;
mod dictionary;
mod sentence;
mod unknown;
mod viterbi;

use self::candidates::Candidates;
use self::sentence::Sentence;
use self::viterbi::Viterbi;
use crate::error::Error;
use crate::normalize::SocialUnit;

pub(crate) use self::dictionary::{Lexicon, WordMemo, DETAIL_EXPRESSION, DETAIL_POS, DETAIL_TYPE};
pub(crate) use self::viterbi::{Piece, Segment};

/// Sentences are cut at line breaks, as MeCab reads a line at a time; a line longer than
/// this many bytes is cut at its last whitespace before the limit, to bound the lattice.
const MAX_SENTENCE_BYTES: usize = 16 * 1024;

/// Per-worker scratch of segmentation, reused from sentence to sentence.
#[derive(Debug, Default)]
pub(crate) struct Lattice {
    sentence: Sentence,
    candidates: Candidates,
    viterbi: Viterbi,
}

crate::buffers::reusable_fields!(Lattice {
    sentence,
    candidates,
    viterbi,
});

impl Lattice {
    /// Segments `text`, appending the best path's pieces to `out` in text order: each of
    /// `units` (byte ranges of `text`, in order, not overlapping) as one piece, words
    /// elsewhere. Whitespace belongs to no piece.
    ///
    /// # Errors
    ///
    /// [`Error::Analysis`] if the dictionary leaves no path through a sentence.
    pub(crate) fn segment(
        &mut self,
        lexicon: &Lexicon,
        text: &str,
        units: &[SocialUnit],
        out: &mut Vec<Segment>,
    ) -> Result<(), Error> {
        let mut start = 0;
        let mut first_unit = 0;
        while start < text.len() {
            let mut end = start + sentence_len(&text[start..]);
            // The units that start before the cut belong to this sentence, which never
            // ends inside one.
            let last_unit =
                first_unit + units[first_unit..].partition_point(|unit| unit.range.start < end);
            if let Some(unit) = units[first_unit..last_unit].last() {
                end = end.max(unit.range.end);
            }
            let sentence = &text[start..end];
            self.sentence
                .prepare(lexicon, sentence, start, &units[first_unit..last_unit]);
            if self.sentence.len() > 0 {
                self.candidates
                    .find_user_matches(lexicon, &self.sentence, sentence);
                if !self
                    .viterbi
                    .search(lexicon, &self.sentence, &mut self.candidates)
                {
                    return Err(Error::Analysis(format!(
                        "no path through the lattice of {sentence:?}"
                    )));
                }
                self.viterbi
                    .push_path(&self.sentence, start, first_unit, out);
            }
            start = end;
            first_unit = last_unit;
        }
        Ok(())
    }
}

/// Length in bytes of the sentence that `rest` starts with: up to and including its first
/// line break, or, for a longer line, up to its last whitespace within
/// [`MAX_SENTENCE_BYTES`] (a hard cut at a character boundary if it has none).
fn sentence_len(rest: &str) -> usize {
    let line = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if line <= MAX_SENTENCE_BYTES {
        return line;
    }
    let mut limit = MAX_SENTENCE_BYTES;
    while !rest.is_char_boundary(limit) {
        limit -= 1;
    }
    match rest[..limit].rfind(char::is_whitespace) {
        Some(at) => at + rest[at..].chars().next().map_or(1, char::len_utf8),
        None => limit,
    }
}

#[cfg(all(test, feature = "embed-ko-dic"))]
mod tests {
    use super::dictionary::tests::embedded;
    use super::*;

    #[test]
    fn lattice_moves_between_threads() {
        fn movable<T: Send>() {}
        movable::<Lattice>();
    }

    #[test]
    fn segments_skip_whitespace_and_cover_every_word() {
        let lexicon = Lexicon::new(embedded(), None, "embedded").expect("lexicon");
        let mut lattice = Lattice::default();
        let mut out = Vec::new();
        let text = "  영화 \t정말\n재밌어요  ";
        lattice
            .segment(&lexicon, text, &[], &mut out)
            .expect("segment");
        let surfaces: String = out.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(surfaces, "영화정말재밌어요");
        assert!(out.windows(2).all(|w| w[0].end <= w[1].start));
    }

    #[test]
    fn a_unit_is_one_segment_and_the_words_around_it_read_as_one_sentence() {
        let lexicon = Lexicon::new(embedded(), None, "embedded").expect("lexicon");
        let mut lattice = Lattice::default();
        let text = "진짜 재미없다ㅡㅡ 다시는 안 봐";
        let at = text.find("ㅡㅡ").expect("emoticon");
        let unit = SocialUnit {
            range: at..at + "ㅡㅡ".len(),
            tag: crate::PosTag::Emoticon,
        };
        let mut with_unit = Vec::new();
        lattice
            .segment(&lexicon, text, std::slice::from_ref(&unit), &mut with_unit)
            .expect("segment");
        let mut plain = Vec::new();
        lattice
            .segment(&lexicon, text, &[], &mut plain)
            .expect("segment");

        let unit_segment = with_unit
            .iter()
            .find(|s| s.piece == Piece::Unit(0))
            .expect("unit segment");
        assert_eq!(unit_segment.start..unit_segment.end, unit.range);
        assert!(with_unit
            .iter()
            .all(|s| s.piece == Piece::Unit(0) || s.end <= at || s.start >= unit.range.end));
        // Outside the unit, the same analysis as when MeCab reads `ㅡㅡ` as a Hangul run.
        let outside = |segments: &[Segment]| -> Vec<Segment> {
            segments
                .iter()
                .filter(|s| s.end <= at || s.start >= unit.range.end)
                .copied()
                .collect()
        };
        assert_eq!(outside(&with_unit), outside(&plain));
    }

    #[test]
    fn a_sentence_never_ends_inside_a_unit() {
        let lexicon = Lexicon::new(embedded(), None, "embedded").expect("lexicon");
        let mut lattice = Lattice::default();
        // No whitespace: the sentence limit falls inside the unit, which must stay whole.
        let unit_start = MAX_SENTENCE_BYTES - 4;
        let text = format!("{}{}", "a".repeat(unit_start), "😀".repeat(4));
        let unit = SocialUnit {
            range: unit_start..text.len(),
            tag: crate::PosTag::Emoji,
        };
        let mut out = Vec::new();
        lattice
            .segment(&lexicon, &text, std::slice::from_ref(&unit), &mut out)
            .expect("segment");
        let last = out.last().expect("segments");
        assert_eq!(
            (last.start, last.end, last.piece),
            (unit_start, text.len(), Piece::Unit(0))
        );
    }

    #[test]
    fn sentences_end_at_line_breaks_or_at_whitespace_before_the_limit() {
        assert_eq!(sentence_len("가나\n다라"), "가나\n".len());
        assert_eq!(sentence_len("가나 다라"), "가나 다라".len());
        let spaced = format!("{} {}", "가".repeat(100), "나".repeat(MAX_SENTENCE_BYTES));
        assert_eq!(sentence_len(&spaced), 301);
        // No whitespace at all: a hard cut at the last character boundary within the limit.
        let solid = "가".repeat(MAX_SENTENCE_BYTES);
        assert_eq!(sentence_len(&solid), MAX_SENTENCE_BYTES / 3 * 3);
    }

    #[test]
    fn long_runs_stay_linear_and_bounded() {
        let lexicon = Lexicon::new(embedded(), None, "embedded").expect("lexicon");
        let mut lattice = Lattice::default();
        let mut out = Vec::new();
        let text = "!".repeat(40_000) + &"ㅋ".repeat(40_000);
        lattice
            .segment(&lexicon, &text, &[], &mut out)
            .expect("segment");
        assert_eq!(out.first().map(|s| s.start), Some(0));
        assert_eq!(out.last().map(|s| s.end), Some(text.len()));
        assert!(out.windows(2).all(|w| w[0].end == w[1].start));
    }
}
