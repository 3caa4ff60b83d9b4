//! Windows: the pieces of at most [`WINDOW_BYTES`] that a long post is analysed in, so that
//! what a worker holds while it analyses (normaliser buffers, lattice, segments) is bounded
//! by the window, not by the post.
//!
//! A window ends after a run of whitespace: the last one in the window that holds a line
//! break, else the last one after a sentence end (`.`, `!`, `?`, `…`), both looked for in
//! the window's second half; else the last run of whitespace anywhere in it. Normalisation
//! looks across whitespace only for a retweet marker (`RT` then `@user` in the next window
//! is not one), so a window is normalised as it would be inside the post; the lattice
//! starts afresh at the cut, as it does at a line that is too long (the words on either side
//! connect to the sentence's ends instead of to each other). A window without whitespace is
//! cut hard, at the last grapheme boundary between two different characters (so as not to
//! split an emoji sequence or a repeated run), or the last grapheme boundary when the whole
//! window is one run; that cut may split what normalisation would have kept whole (a URL)
//! or squashed (a run of one character).

use unicode_segmentation::GraphemeCursor;

use crate::span::Span;

/// The longest window, in bytes of the post: a post up to this length is one window and is
/// analysed as a whole, as before windows existed. 64 KiB keeps every post of the shared
/// data sets whole (the longest, in KOTE, is about 1 KB), while what a worker needs for a
/// window beyond the analysis stays within a few MB (8.7 MB at most, measured on a 1 MB post
/// of reviews and on hostile ones; most of it the lattice of one 16 KiB sentence).
pub const WINDOW_BYTES: usize = 64 * 1024;

/// The windows that [`Worker::analyze`](crate::Worker::analyze) cuts `text` into, as byte
/// spans of it: in order, adjacent, covering it, none longer than [`WINDOW_BYTES`], and
/// just one for a text up to that length (none for an empty one).
///
/// ```
/// use nunchi_tokenizer::{windows, Span, WINDOW_BYTES};
///
/// assert_eq!(windows("짧은 글").collect::<Vec<_>>(), [Span::new(0, 10)]);
/// let long = "정말 좋아요. ".repeat(WINDOW_BYTES / 10);
/// let cuts: Vec<Span> = windows(&long).collect();
/// assert!(cuts.len() > 1 && cuts.iter().all(|w| w.len() <= WINDOW_BYTES));
/// // Each window ends after a sentence end and its space.
/// assert!(cuts.iter().all(|w| long[w.range()].ends_with(". ")));
/// ```
pub fn windows(text: &str) -> impl Iterator<Item = Span> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = start + window_len(&text[start..]);
        let window = Span::new(start, end);
        start = end;
        Some(window)
    })
}

/// Length in bytes of the window that `rest` (not empty) starts with; never 0.
fn window_len(rest: &str) -> usize {
    if rest.len() <= WINDOW_BYTES {
        return rest.len();
    }
    let mut limit = WINDOW_BYTES;
    while !rest.is_char_boundary(limit) {
        limit -= 1;
    }
    whitespace_cut(&rest[..limit]).unwrap_or_else(|| hard_cut(rest, limit))
}

/// Where a run of whitespace ends.
#[derive(Clone, Copy)]
struct RunEnd {
    at: usize,
    holds_line_break: bool,
    after_sentence_end: bool,
}

/// The end of the run of whitespace to cut `head` after (see the module's doc), if it has
/// any. A run that reaches the end of `head` ends there, even if it goes on beyond it.
fn whitespace_cut(head: &str) -> Option<usize> {
    let half = head.len() / 2;
    let (mut line_break, mut sentence_end, mut last) = (None, None, None);
    let mut run: Option<RunEnd> = None;
    for (at, c) in head.char_indices().rev() {
        if c.is_whitespace() {
            let run = run.get_or_insert(RunEnd {
                at: at + c.len_utf8(),
                holds_line_break: false,
                after_sentence_end: false,
            });
            run.holds_line_break |= is_line_break(c);
            continue;
        }
        let Some(mut end) = run.take() else {
            continue;
        };
        end.after_sentence_end = is_sentence_end(c);
        if end.at <= half {
            // Into the first half: only the last run anywhere counts now.
            return line_break.or(sentence_end).or(last).or(Some(end.at));
        }
        last = last.or(Some(end.at));
        if end.holds_line_break {
            line_break = line_break.or(Some(end.at));
        } else if end.after_sentence_end {
            sentence_end = sentence_end.or(Some(end.at));
        }
    }
    // A run at the very start of `head` is a cut too (the window is then whitespace only).
    line_break
        .or(sentence_end)
        .or(last)
        .or(run.map(|end| end.at))
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？')
}

/// A cut in a window without whitespace: the last grapheme boundary at or before `limit`
/// between two different characters, else the last grapheme boundary, else `limit`.
fn hard_cut(rest: &str, limit: usize) -> usize {
    let mut cursor = GraphemeCursor::new(limit, rest.len(), true);
    let mut at = match cursor.is_boundary(rest, 0) {
        Ok(true) => Some(limit),
        _ => cursor.prev_boundary(rest, 0).ok().flatten(),
    };
    let mut last_boundary = None;
    while let Some(boundary) = at.filter(|&b| b > 0) {
        last_boundary = last_boundary.or(Some(boundary));
        let before = rest[..boundary].chars().next_back();
        if before != rest[boundary..].chars().next() {
            return boundary;
        }
        at = cursor.prev_boundary(rest, 0).ok().flatten();
    }
    last_boundary.unwrap_or(limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lengths(text: &str) -> Vec<usize> {
        windows(text).map(Span::len).collect()
    }

    fn check_cover(text: &str) {
        let mut end = 0;
        for window in windows(text) {
            assert_eq!(window.start, end, "windows are adjacent");
            assert!(!window.is_empty() && window.len() <= WINDOW_BYTES);
            assert!(window.of(text).is_some(), "on char boundaries");
            end = window.end;
        }
        assert_eq!(end, text.len(), "windows cover the text");
    }

    #[test]
    fn a_text_up_to_the_limit_is_one_window() {
        assert_eq!(lengths(""), Vec::<usize>::new());
        assert_eq!(lengths("가"), [3]);
        let full = "a".repeat(WINDOW_BYTES);
        assert_eq!(lengths(&full), [WINDOW_BYTES]);
    }

    #[test]
    fn a_line_break_in_the_second_half_wins_over_later_sentence_ends() {
        let first = format!("{}\n", "가 ".repeat(WINDOW_BYTES / 4 / 4 * 3));
        let text = format!("{first}{}", "나. ".repeat(WINDOW_BYTES / 5));
        check_cover(&text);
        assert_eq!(windows(&text).next(), Some(Span::new(0, first.len())));
    }

    #[test]
    fn a_sentence_end_wins_over_later_whitespace() {
        let first = format!("{}다. ", "가".repeat(WINDOW_BYTES / 3 * 2 / 3));
        let text = format!("{first}{}", "나 ".repeat(WINDOW_BYTES));
        check_cover(&text);
        assert_eq!(windows(&text).next(), Some(Span::new(0, first.len())));
    }

    #[test]
    fn a_cut_takes_the_whole_run_of_whitespace() {
        // No sentence end or line break: the last run, all of it.
        let first = format!("{}  \t ", "가".repeat(WINDOW_BYTES / 3 - 3));
        let text = format!("{first}{}", "나".repeat(WINDOW_BYTES));
        check_cover(&text);
        assert_eq!(windows(&text).next(), Some(Span::new(0, first.len())));
        // A line break early in the window does not make a small window.
        let text = format!("가\n{}", "나 ".repeat(WINDOW_BYTES));
        assert!(lengths(&text)[0] > WINDOW_BYTES / 2);
    }

    #[test]
    fn whitespace_only_in_the_first_half_is_still_a_cut() {
        let text = format!("가 {}", "나".repeat(WINDOW_BYTES));
        check_cover(&text);
        assert_eq!(lengths(&text)[0], "가 ".len());
    }

    #[test]
    fn a_hard_cut_keeps_graphemes_and_runs_whole() {
        // A family emoji (one grapheme of five chars) across the limit is not split.
        let family = "👨\u{200D}👩\u{200D}👧";
        let pad = "가".repeat((WINDOW_BYTES - 8) / 3);
        let text = format!("{pad}{}", family.repeat(WINDOW_BYTES / family.len()));
        check_cover(&text);
        for window in windows(&text) {
            let piece = window.of(&text).unwrap();
            assert!(
                piece.ends_with(family) || piece.ends_with('가'),
                "cut inside a grapheme"
            );
        }
        // A run of one char is cut where it starts, not in its middle.
        let text = format!("{}{}", "가".repeat(100), "ㅋ".repeat(WINDOW_BYTES));
        assert_eq!(lengths(&text)[0], 300);
        // A whole window of one run: cut at the limit.
        let run = "ㅋ".repeat(WINDOW_BYTES);
        check_cover(&run);
        assert_eq!(lengths(&run)[0], WINDOW_BYTES / 3 * 3);
    }
}
