//! Tables of posts for nunchi: every command reads and writes rows through this crate, with
//! the same options, bounds, errors and row accounting whatever the format.
//!
//! - **CSV/TSV** (any delimiter, detected from the header line), gzip/zstd-compressed or
//!   not, with a BOM or CRLF line ends: records read with bounded memory (a field or record
//!   over its limit is dropped while it is read, and its row rejected); a header of one
//!   column holding another delimiter is an error naming it; quotes that look like plain
//!   text (NSMC-style files) give [`QuoteHint`]s.
//! - **JSON Lines**: columns by dotted path (`data.text`, `user.screen_name`,
//!   `entities.urls.0.url`); Twitter API v2 (`{"data": ..., "includes": ...}`, and pages
//!   `{"data": [...]}`, one row per tweet) and v1.1 (`full_text` before `text`,
//!   `extended_tweet`, `retweeted_status`) recognised when no column is named; each line
//!   bounded; objects carried to a JSON Lines output byte for byte.
//! - **Parquet**: read record batch by record batch, written row group by row group;
//!   columns carried with their types.
//!
//! A [`Table`] splits into its [`Schema`], shared by the threads that look into rows, and
//! its [`RowReader`]. Columns are resolved once ([`Schema::resolve`]), values read per row
//! ([`Schema::value`], [`Schema::text`], [`Schema::evidence`]); a row that cannot be used is
//! a [`Rejection`] naming its [`Position`]. A [`TableWriter`] writes rows in any [`Format`]
//! with [`AddedColumn`]s after the carried ones, to an atomic [`Output`].
//!
//! ```
//! use nunchi_table::{Added, AddedColumn, AddedKind, Format, ReadOptions, Role, Table, TableWriter};
//!
//! let jsonl = r#"{"data": {"id": "1", "text": "배송이 빨라요", "created_at": "2025-03-14T09:07:00Z"}}"#;
//! let (schema, mut rows) = Table::from_reader(jsonl.as_bytes(), "tweets.jsonl", &ReadOptions::default())?
//!     .into_parts();
//! let text = schema.resolve(Role::Text, None)?; // Twitter v2: data.text
//! let added = [AddedColumn::new("label", AddedKind::Text)];
//! let mut writer = TableWriter::new(Vec::new(), Format::Jsonl, &schema, &text, &added)?;
//! while let Some(row) = rows.read()? {
//!     schema.check(&row).expect("a JSON object");
//!     assert_eq!(schema.text(&row, &text).unwrap().as_text(), Some("배송이 빨라요"));
//!     writer.write(&row, &[Added::Text("positive")])?;
//! }
//! let out = String::from_utf8(writer.finish()?).unwrap();
//! let expected = format!("{},\"label\":\"positive\"}}\n", &jsonl[..jsonl.len() - 1]);
//! assert_eq!(out, expected);
//! # Ok::<(), nunchi_table::Error>(())
//! ```
#![deny(missing_docs)]

mod added;
mod columns;
mod delimited;
mod delimited_writer;
mod error;
mod evidence;
mod format;
mod input;
mod jsonl;
mod jsonl_writer;
mod labeled;
mod lines;
mod output;
mod parquet_reader;
mod parquet_writer;
mod pending;
mod quotes;
mod records;
mod rejects;
mod row;
mod table;
mod twitter;
mod writer;

pub use added::{rounded, Added, AddedColumn, AddedKind};
pub use columns::{Column, ColumnSpec, Role};
pub use error::Error;
pub use evidence::EvidenceTerm;
pub use format::Format;
pub use input::{InputPath, InputProgress};
pub use labeled::{read_labeled, LabeledRow};
pub use output::Output;
pub use pending::{remove_pending, Pending};
pub use quotes::{QuoteHint, QuoteWarnings};
pub use rejects::{RejectSink, Rejection};
pub use row::{Position, Row, Value};
pub use table::{ReadOptions, RowReader, Schema, Table};
pub use writer::{carried_names, TableWriter};
