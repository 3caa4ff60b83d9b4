//! Texts for the one-post-at-a-time commands (`score`, `tokenize`): the command-line
//! arguments, or else the lines of stdin.

use std::io::{self, BufRead};

use anyhow::Context;

/// One text with where it came from.
pub struct TextItem<'a> {
    /// Its 1-based position among the arguments, or its stdin line number.
    pub number: u64,
    /// The text.
    pub text: &'a str,
}

/// How many texts were processed and how many stdin lines were skipped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextCounts {
    /// Texts handed to the callback.
    pub processed: u64,
    /// Lines skipped because they were not UTF-8 (reported on stderr with their number).
    pub skipped: u64,
}

/// Calls `each` for every argument, or, with no arguments, for every line of stdin (line
/// terminators and a leading BOM removed). Lines that are not UTF-8 are reported on stderr
/// with their line number and skipped.
///
/// # Errors
///
/// Stdin cannot be read, or `each` failed.
pub fn for_each_text(
    args: &[String],
    mut each: impl FnMut(TextItem<'_>) -> anyhow::Result<()>,
) -> anyhow::Result<TextCounts> {
    let mut counts = TextCounts::default();
    if !args.is_empty() {
        for (i, text) in args.iter().enumerate() {
            each(TextItem {
                number: i as u64 + 1,
                text,
            })?;
            counts.processed += 1;
        }
        return Ok(counts);
    }
    let mut stdin = io::stdin().lock();
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        if stdin
            .read_until(b'\n', &mut line)
            .context("cannot read standard input")?
            == 0
        {
            return Ok(counts);
        }
        number += 1;
        let mut bytes = line.as_slice();
        if number == 1 {
            bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        }
        bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                each(TextItem { number, text })?;
                counts.processed += 1;
            }
            Err(e) => {
                eprintln!(
                    "nunchi: line {number} of standard input is not valid UTF-8 (bad byte at \
                     offset {}); skipped",
                    e.valid_up_to()
                );
                counts.skipped += 1;
            }
        }
    }
}
