//! CSV and TSV out: a header row, then per row the carried fields and the added cells,
//! written field by field into reused buffers (no allocation per row on the CSV path).

use std::fmt::Write as _;
use std::io::Write;

use crate::added::{Added, AddedColumn};
use crate::error::Error;
use crate::evidence;
use crate::format::Format;
use crate::parquet_reader::display;
use crate::rejects::write_error;
use crate::row::{Row, RowData};
use crate::writer::Source;

/// Writes delimited rows.
pub(crate) struct DelimitedWriter<W: Write> {
    writer: csv::Writer<W>,
    source: Source,
    /// A number or an evidence array being formatted.
    cell: String,
    json: Vec<u8>,
}

impl<W: Write> DelimitedWriter<W> {
    pub fn new(
        out: W,
        format: Format,
        source: Source,
        added: &[AddedColumn],
    ) -> Result<Self, Error> {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(if format == Format::Tsv { b'\t' } else { b',' })
            .from_writer(out);
        let header = source
            .carried
            .iter()
            .map(String::as_str)
            .chain(added.iter().map(|column| column.name.as_str()));
        writer.write_record(header).map_err(output_error)?;
        Ok(DelimitedWriter {
            writer,
            source,
            cell: String::new(),
            json: Vec::new(),
        })
    }

    pub fn write(&mut self, row: &Row, added: &[Added<'_>]) -> Result<(), Error> {
        self.write_carried(row)?;
        for value in added {
            match value {
                Added::Text(text) => self.field(text.as_bytes())?,
                Added::Missing => self.field(b"")?,
                Added::Number(number) => {
                    self.cell.clear();
                    // Writing into a String cannot fail.
                    let _ = write!(self.cell, "{number:.4}");
                    self.writer.write_field(&self.cell).map_err(output_error)?;
                }
                Added::Evidence(terms) => {
                    self.json.clear();
                    evidence::write_json(&mut self.json, terms);
                    self.writer.write_field(&self.json).map_err(output_error)?;
                }
            }
        }
        self.writer
            .write_record(None::<&[u8]>)
            .map_err(output_error)
    }

    fn write_carried(&mut self, row: &Row) -> Result<(), Error> {
        let DelimitedWriter { writer, source, .. } = self;
        let mut field = |bytes: &[u8]| writer.write_field(bytes).map_err(output_error);
        match &row.data {
            RowData::Delimited(record) => record.fields().try_for_each(field),
            RowData::Json(record) => {
                let text = source.schema.text(row, &source.text).ok();
                field(
                    text.as_ref()
                        .and_then(|t| t.as_text())
                        .unwrap_or_default()
                        .as_bytes(),
                )?;
                field(record.object_text().as_bytes())
            }
            RowData::Arrow(arrow) => arrow.batch.columns().iter().try_for_each(|column| {
                let value = match column.is_null(arrow.index) {
                    true => String::new(),
                    false => {
                        display(column.as_ref(), arrow.index).map_err(|reason| Error::Write {
                            name: "the output".to_owned(),
                            source: std::io::Error::other(reason),
                        })?
                    }
                };
                field(value.as_bytes())
            }),
            RowData::Unreadable { .. } => Ok(()),
        }
    }

    fn field(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.writer.write_field(bytes).map_err(output_error)
    }

    pub fn finish(self) -> Result<W, Error> {
        self.writer.into_inner().map_err(|e| Error::Write {
            name: "the output".to_owned(),
            source: e.into_error(),
        })
    }
}

fn output_error(error: csv::Error) -> Error {
    write_error("the output", error)
}
