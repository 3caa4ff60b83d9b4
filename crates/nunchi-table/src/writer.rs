//! Writing rows: the input's columns carried through, then the added ones, in any format.
//!
//! What is carried, by input and output:
//! - CSV/TSV in: the header's columns, values as read (text in JSON Lines and Parquet).
//! - JSON Lines into JSON Lines: the whole object as read, byte for byte, the added keys
//!   after its own; into CSV/TSV/Parquet: two columns, `text` (the post, as read from the
//!   text column) and `json` (the whole object), so that nothing is lost.
//! - Parquet into Parquet: every column with its type; into CSV/TSV: values as Arrow
//!   displays them; into JSON Lines: values as Arrow's JSON writer renders them.

use std::io::Write;

use crate::added::{Added, AddedColumn};
use crate::columns::Column;
use crate::delimited_writer::DelimitedWriter;
use crate::error::Error;
use crate::format::Format;
use crate::jsonl_writer::JsonlWriter;
use crate::parquet_writer::ParquetWriter;
use crate::row::Row;
use crate::table::{Layout, Schema};

/// The column names a JSON Lines input carries into a CSV/TSV/Parquet output.
pub(crate) const JSON_CARRIED: [&str; 2] = ["text", "json"];

/// Writes rows of one input table, with added columns, in one format.
pub struct TableWriter<W: Write + Send> {
    sink: Sink<W>,
}

enum Sink<W: Write + Send> {
    Delimited(Box<DelimitedWriter<W>>),
    Jsonl(JsonlWriter<W>),
    Parquet(Box<ParquetWriter<W>>),
}

/// What every writer needs to know about the rows it writes.
pub(crate) struct Source {
    /// The input's schema.
    pub schema: Schema,
    /// Its text column (carried as `text` where a JSON object cannot be).
    pub text: Column,
    /// The carried column names.
    pub carried: Vec<String>,
}

impl<W: Write + Send> TableWriter<W> {
    /// Starts an output of rows of `source` (whose text column is `text`) in `format`,
    /// with `added` columns after the carried ones: the header row of CSV/TSV is written
    /// here.
    ///
    /// # Errors
    ///
    /// Writing the header (or Parquet's schema) failed.
    pub fn new(
        out: W,
        format: Format,
        source: &Schema,
        text: &Column,
        added: &[AddedColumn],
    ) -> Result<Self, Error> {
        let source = Source {
            schema: source.clone(),
            text: text.clone(),
            carried: carried_names(source, format),
        };
        let sink = match format {
            Format::Csv | Format::Tsv => {
                Sink::Delimited(Box::new(DelimitedWriter::new(out, format, source, added)?))
            }
            Format::Jsonl => Sink::Jsonl(JsonlWriter::new(out, source, added)),
            Format::Parquet => Sink::Parquet(Box::new(ParquetWriter::new(out, source, added)?)),
        };
        Ok(TableWriter { sink })
    }

    /// Writes one checked row with its added values (one per added column, in order).
    ///
    /// # Errors
    ///
    /// Writing failed.
    pub fn write(&mut self, row: &Row, added: &[Added<'_>]) -> Result<(), Error> {
        match &mut self.sink {
            Sink::Delimited(writer) => writer.write(row, added),
            Sink::Jsonl(writer) => writer.write(row, added),
            Sink::Parquet(writer) => writer.write(row, added),
        }
    }

    /// Writes what is buffered (Parquet: the last row group and the footer) and returns the
    /// destination.
    ///
    /// # Errors
    ///
    /// Writing failed.
    pub fn finish(self) -> Result<W, Error> {
        match self.sink {
            Sink::Delimited(writer) => writer.finish(),
            Sink::Jsonl(writer) => writer.finish(),
            Sink::Parquet(writer) => writer.finish(),
        }
    }
}

/// The names of the columns a table of `source` rows carries into `format` before the
/// added ones (for JSON Lines into JSON Lines: the first object's keys), so that added
/// names that clash can be told.
pub fn carried_names(source: &Schema, format: Format) -> Vec<String> {
    match (&source.layout, format) {
        (Layout::Jsonl { .. }, Format::Csv | Format::Tsv | Format::Parquet) => {
            JSON_CARRIED.iter().map(|name| (*name).to_owned()).collect()
        }
        _ => source.columns.clone(),
    }
}

/// Names made unique, for JSON keys and Parquet columns: an empty or repeated header name
/// gets a suffix so that no column is lost.
pub(crate) fn unique_names(columns: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    columns
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let base = if name.is_empty() {
                format!("column_{}", i + 1)
            } else {
                name.clone()
            };
            let mut key = base.clone();
            let mut n = 2;
            while !seen.insert(key.clone()) {
                key = format!("{base}_{n}");
                n += 1;
            }
            key
        })
        .collect()
}
