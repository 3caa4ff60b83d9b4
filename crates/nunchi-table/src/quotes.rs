//! Signs that a delimited file's quotes are plain text rather than CSV quoting, and the
//! warnings they make: a row so read is kept, but probably not as its author meant it
//! (NSMC-style files, whose quotes are text, need `--no-quoting`).

use crate::row::Position;

/// Signs that a delimited file's quotes are plain text, not CSV quoting (NSMC-style files
/// need `--no-quoting`): the row was read, but probably not as its author meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum QuoteHint {
    /// A field opens with a quote and goes on after its closing quote (`"a" b`): the quotes
    /// were taken as CSV quoting and dropped.
    TextAfterQuote,
    /// A field, once unquoted, is itself a quoted field (`"a ""b"" c"`): the file's texts
    /// look quoted twice, as NSMC's are, whose quotes are plain text.
    QuotedTwice,
    /// A quoted TSV field runs over several lines that hold tabs, as if it swallowed rows.
    SwallowedRows {
        /// The line the record ends on.
        end_line: u64,
    },
}

/// Counts the rows with quote hints and words the warnings: the first of each kind with
/// its position, then a total.
#[derive(Debug, Clone, Default)]
pub struct QuoteWarnings {
    text_after_quote: u64,
    quoted_twice: u64,
    swallowed_rows: u64,
}

impl QuoteWarnings {
    /// Notes a row's hint; returns the warning to show when it is the first of its kind.
    ///
    /// ```
    /// use nunchi_table::{Position, QuoteHint, QuoteWarnings};
    ///
    /// let mut warnings = QuoteWarnings::default();
    /// let first = warnings.note(Position::Line(3), QuoteHint::TextAfterQuote);
    /// assert!(first.unwrap().contains("line 3"));
    /// assert_eq!(warnings.note(Position::Line(9), QuoteHint::TextAfterQuote), None);
    /// assert!(warnings.summary().unwrap().contains("2 rows"));
    /// ```
    pub fn note(&mut self, position: Position, hint: QuoteHint) -> Option<String> {
        let (count, message) = match hint {
            QuoteHint::TextAfterQuote => (
                &mut self.text_after_quote,
                format!(
                    "nunchi: warning: {position}: a field opens with a quote and goes on after \
                     its closing quote, so the quotes were read as CSV quoting and dropped; if \
                     quotes in this file are plain text (NSMC-style), pass --no-quoting"
                ),
            ),
            QuoteHint::QuotedTwice => (
                &mut self.quoted_twice,
                format!(
                    "nunchi: warning: {position}: a field, once its CSV quotes are removed, is \
                     still wrapped in quotes with doubled quotes inside, as if quoted twice; if \
                     quotes in this file are plain text (NSMC-style), pass --no-quoting"
                ),
            ),
            QuoteHint::SwallowedRows { end_line } => (
                &mut self.swallowed_rows,
                format!(
                    "nunchi: warning: {position}: a quoted field runs to line {end_line} and \
                     holds tabs, as if it swallowed rows; if quotes in this file are not CSV \
                     quoting, pass --no-quoting"
                ),
            ),
        };
        *count += 1;
        (*count == 1).then_some(message)
    }

    /// The closing count, when there was more than the one row already shown.
    pub fn summary(&self) -> Option<String> {
        let parts: Vec<String> = [
            (self.text_after_quote, "had text after a closing quote"),
            (self.quoted_twice, "looked quoted twice"),
            (self.swallowed_rows, "looked like rows swallowed by a quote"),
        ]
        .into_iter()
        .filter(|&(count, _)| count > 1)
        .map(|(count, what)| format!("{count} rows {what}"))
        .collect();
        (!parts.is_empty()).then(|| {
            format!(
                "nunchi: warning: {} (see --no-quoting)",
                parts.join(", and ")
            )
        })
    }
}
