//! One row of a table, whatever its format, where it is in the input, and the values read
//! from it.

use std::borrow::Cow;
use std::fmt;

use crate::jsonl::JsonRecord;
use crate::parquet_reader::ArrowRow;
use crate::records::Record;

/// Where a row is in its input, for rejections and warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Position {
    /// The line (1-based) a CSV/TSV record or a JSON line starts on.
    Line(u64),
    /// Tweet `index` (1-based) of a Twitter API v2 page (`{"data": [...]}`) on `line`.
    Tweet {
        /// The page's line.
        line: u64,
        /// The tweet's place in the page's `data` array, from 1.
        index: u64,
    },
    /// A Parquet row (1-based).
    Row(u64),
}

impl Position {
    /// The line, or the Parquet row number: the one number that locates the row.
    pub fn number(self) -> u64 {
        match self {
            Position::Line(line) | Position::Tweet { line, .. } | Position::Row(line) => line,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Line(line) => write!(f, "line {line}"),
            Position::Tweet { line, index } => write!(f, "line {line}, tweet {index}"),
            Position::Row(row) => write!(f, "row {row}"),
        }
    }
}

/// A row as read, before any column of it is looked at. Read rows with
/// [`RowReader::read`](crate::RowReader::read), look into them with the
/// [`Schema`](crate::Schema) of their table.
#[derive(Debug)]
pub struct Row {
    pub(crate) position: Position,
    pub(crate) data: RowData,
}

/// What a row holds, by format.
#[derive(Debug)]
pub(crate) enum RowData {
    /// A CSV/TSV record.
    Delimited(Record),
    /// A JSON object (a line, or a tweet of a page).
    Json(JsonRecord),
    /// A row of a Parquet record batch.
    Arrow(ArrowRow),
    /// A line that is not a row (not JSON, not UTF-8, too long): why, and a prefix of it.
    Unreadable {
        /// Why the line is not a row.
        reason: String,
        /// What could be kept of it.
        raw: Vec<u8>,
    },
}

impl Row {
    /// Where the row is in its input.
    pub fn position(&self) -> Position {
        self.position
    }

    /// The last line the row occupies (a quoted CSV field may span lines), or its position's
    /// number.
    pub fn end_line(&self) -> u64 {
        match &self.data {
            RowData::Delimited(record) => record.end_line,
            _ => self.position.number(),
        }
    }

    /// Bytes the row holds in memory (an estimate for Parquet rows, which share a batch):
    /// what bounds the rows in flight.
    pub fn held_bytes(&self) -> usize {
        match &self.data {
            RowData::Delimited(record) => record.kept_bytes(),
            RowData::Json(record) => record.held_bytes(),
            RowData::Arrow(row) => row.held_bytes(),
            RowData::Unreadable { raw, .. } => raw.len(),
        }
    }
}

/// A value read from a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'r> {
    /// A string (every CSV/TSV field is one).
    Text(Cow<'r, str>),
    /// A value of another type, as text: a JSON number, boolean, object or array as its
    /// JSON text; a Parquet number, date or timestamp as Arrow displays it.
    Other(Cow<'r, str>),
    /// No value: a JSON null or absent key, a Parquet null.
    Missing,
}

impl Value<'_> {
    /// The value as text, whatever its type; `None` when missing.
    ///
    /// ```
    /// use nunchi_table::Value;
    /// assert_eq!(Value::Other("1".into()).as_text(), Some("1"));
    /// assert_eq!(Value::Missing.as_text(), None);
    /// ```
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text) | Value::Other(text) => Some(text),
            Value::Missing => None,
        }
    }
}
