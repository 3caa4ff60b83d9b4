//! Opening a table of posts for the streaming commands (classify, trend): the table, a
//! progress line over it, and its text column; and what an empty or missing post is.

use nunchi_score::{Evidence, Prediction};
use nunchi_table::{
    Column, ColumnSpec, EvidenceTerm, InputPath, Role, RowReader, Schema, Table, Value,
};

use crate::args::TableArgs;
use crate::report::Progress;

/// An opened table of posts.
pub struct Posts {
    /// Progress over the input.
    pub progress: Progress,
    /// What its rows look like.
    pub schema: Schema,
    /// Its rows.
    pub rows: RowReader,
    /// The column holding the post.
    pub text: Column,
}

/// Opens `input` and resolves its text column.
///
/// # Errors
///
/// An unreadable input or header, or a text column that is not there.
pub fn open_posts(
    input: &InputPath,
    table_args: &TableArgs,
    text_column: Option<&ColumnSpec>,
    quiet: bool,
) -> anyhow::Result<Posts> {
    let table = Table::open(input, &table_args.options())?;
    let progress = table.progress();
    let progress = Progress::new(quiet, progress.total, progress.done);
    let (schema, rows) = table.into_parts();
    let text = schema.resolve(Role::Text, text_column)?;
    Ok(Posts {
        progress,
        schema,
        rows,
        text,
    })
}

/// Why a post has no text to score: written in classify's `flag` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// The text is empty, only whitespace, or only what the tokenizer drops: the prediction
    /// is neutral for sure.
    Empty,
    /// There is no text: a JSON null or absent key, a Parquet null.
    Missing,
}

impl Flag {
    /// The flag of a post: its text as read and its prediction.
    pub fn of(text: &Value<'_>, prediction: &Prediction) -> Option<Flag> {
        match text {
            Value::Missing => Some(Flag::Missing),
            _ if prediction.empty => Some(Flag::Empty),
            _ => None,
        }
    }

    /// As the `flag` column writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Empty => "empty",
            Flag::Missing => "missing",
        }
    }
}

/// A prediction's evidence with character spans in `text` (the library's are bytes), as
/// every output writes it.
pub fn evidence_terms(text: &str, evidence: &[Evidence]) -> Vec<EvidenceTerm> {
    let index = |chars: usize| u32::try_from(chars).unwrap_or(u32::MAX);
    evidence
        .iter()
        .map(|e| {
            // Spans come from the tokenizer, on char boundaries of the post; one that is
            // not would read as an empty span at the start.
            let span = e.span.to_chars(text).unwrap_or_default();
            EvidenceTerm {
                term: e.term.clone(),
                weight: e.weight,
                start: index(span.start),
                end: index(span.end),
            }
        })
        .collect()
}
