//! Parquet out: rows gathered into record batches of typed columns, written as row groups
//! of bounded size. A Parquet input's columns are carried with their types (taken from the
//! input batches); other inputs' columns are text.

use std::io::Write;
use std::sync::Arc;

use arrow_array::builder::{
    Float32Builder, ListBuilder, StringBuilder, StructBuilder, UInt32Builder,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema as ArrowSchema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::added::{Added, AddedColumn, AddedKind};
use crate::error::Error;
use crate::evidence::{self, EvidenceTerm};
use crate::row::{Row, RowData};
use crate::table::Layout;
use crate::writer::{unique_names, Source};

/// Rows gathered before a batch goes to the writer.
const BATCH_ROWS: usize = 8192;
/// Rows of a row group: what the writer holds, encoded, before writing it out.
const ROW_GROUP_ROWS: usize = 64 * 1024;

/// Writes Parquet rows.
pub(crate) struct ParquetWriter<W: Write + Send> {
    writer: ArrowWriter<W>,
    schema: SchemaRef,
    source: Source,
    carried: Carried,
    added: Vec<AddedBuilder>,
    rows: usize,
}

/// The carried columns of the rows gathered so far.
enum Carried {
    /// Text columns (CSV/TSV fields; a JSON row's text and object).
    Text(Vec<StringBuilder>),
    /// Rows of Parquet input batches, by (batch, row).
    Picks {
        batches: Vec<Arc<RecordBatch>>,
        picks: Vec<(usize, usize)>,
    },
}

enum AddedBuilder {
    Text(StringBuilder),
    Number(Float32Builder),
    Evidence(ListBuilder<StructBuilder>),
}

fn parquet_error(source: parquet::errors::ParquetError) -> Error {
    Error::ParquetWrite {
        name: "the output".to_owned(),
        source,
    }
}

fn arrow_error(source: arrow_schema::ArrowError) -> Error {
    Error::Arrow {
        name: "the output".to_owned(),
        source,
    }
}

impl<W: Write + Send> ParquetWriter<W> {
    pub fn new(out: W, source: Source, added: &[AddedColumn]) -> Result<Self, Error> {
        let carried_fields: Vec<Arc<Field>> = match &source.schema.layout {
            Layout::Parquet(schema) => schema.fields().iter().cloned().collect(),
            _ => unique_names(&source.carried)
                .into_iter()
                .map(|name| Arc::new(Field::new(name, DataType::Utf8, true)))
                .collect(),
        };
        let added_fields = added.iter().map(|column| {
            let data_type = match column.kind {
                AddedKind::Text => DataType::Utf8,
                AddedKind::Number => DataType::Float32,
                AddedKind::Evidence => evidence::arrow_type(),
            };
            Arc::new(Field::new(&column.name, data_type, true))
        });
        let fields: Vec<Arc<Field>> = carried_fields.iter().cloned().chain(added_fields).collect();
        let schema = Arc::new(ArrowSchema::new(fields));
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let writer = ArrowWriter::try_new(out, Arc::clone(&schema), Some(properties))
            .map_err(parquet_error)?;
        let carried = match &source.schema.layout {
            Layout::Parquet(_) => Carried::Picks {
                batches: Vec::new(),
                picks: Vec::new(),
            },
            _ => Carried::Text(
                carried_fields
                    .iter()
                    .map(|_| StringBuilder::new())
                    .collect(),
            ),
        };
        let added = added
            .iter()
            .map(|column| AddedBuilder::new(column.kind))
            .collect();
        Ok(ParquetWriter {
            writer,
            schema,
            source,
            carried,
            added,
            rows: 0,
        })
    }

    pub fn write(&mut self, row: &Row, added: &[Added<'_>]) -> Result<(), Error> {
        self.gather_carried(row);
        for (builder, value) in self.added.iter_mut().zip(added) {
            builder.append(value);
        }
        self.rows += 1;
        if self.rows >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn gather_carried(&mut self, row: &Row) {
        match (&mut self.carried, &row.data) {
            (Carried::Text(builders), RowData::Delimited(record)) => {
                for (builder, field) in builders.iter_mut().zip(record.fields()) {
                    builder.append_value(String::from_utf8_lossy(field));
                }
            }
            (Carried::Text(builders), RowData::Json(record)) => {
                let text = self.source.schema.text(row, &self.source.text).ok();
                builders[0].append_option(text.as_ref().and_then(|t| t.as_text()));
                builders[1].append_value(record.object_text());
            }
            (Carried::Picks { batches, picks }, RowData::Arrow(arrow)) => {
                if !batches.last().is_some_and(|b| Arc::ptr_eq(b, &arrow.batch)) {
                    batches.push(Arc::clone(&arrow.batch));
                }
                picks.push((batches.len() - 1, arrow.index));
            }
            (Carried::Text(builders), _) => {
                builders.iter_mut().for_each(StringBuilder::append_null)
            }
            (Carried::Picks { .. }, _) => {}
        }
    }

    /// Writes the gathered rows as one batch.
    fn flush(&mut self) -> Result<(), Error> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut columns: Vec<ArrayRef> = match &mut self.carried {
            Carried::Text(builders) => builders
                .iter_mut()
                .map(|b| Arc::new(b.finish()) as ArrayRef)
                .collect(),
            Carried::Picks { batches, picks } => {
                let columns = (0..self.schema.fields().len() - self.added.len())
                    .map(|c| {
                        let arrays: Vec<&dyn Array> =
                            batches.iter().map(|b| b.column(c).as_ref()).collect();
                        arrow_select::interleave::interleave(&arrays, picks).map_err(arrow_error)
                    })
                    .collect::<Result<Vec<_>, Error>>()?;
                // Keep the batch the next row comes from, if it is the last one.
                let last = batches.pop();
                batches.clear();
                batches.extend(last);
                picks.clear();
                columns
            }
        };
        columns.extend(self.added.iter_mut().map(AddedBuilder::finish));
        let batch = RecordBatch::try_new(Arc::clone(&self.schema), columns).map_err(arrow_error)?;
        self.writer.write(&batch).map_err(parquet_error)?;
        self.rows = 0;
        Ok(())
    }

    pub fn finish(mut self) -> Result<W, Error> {
        self.flush()?;
        self.writer.into_inner().map_err(parquet_error)
    }
}

impl AddedBuilder {
    fn new(kind: AddedKind) -> Self {
        match kind {
            AddedKind::Text => AddedBuilder::Text(StringBuilder::new()),
            AddedKind::Number => AddedBuilder::Number(Float32Builder::new()),
            AddedKind::Evidence => {
                let terms = StructBuilder::from_fields(evidence::arrow_fields(), 0);
                AddedBuilder::Evidence(ListBuilder::new(terms).with_field(evidence::arrow_item()))
            }
        }
    }

    fn append(&mut self, value: &Added<'_>) {
        match (self, value) {
            (AddedBuilder::Text(builder), Added::Text(text)) => builder.append_value(text),
            (AddedBuilder::Number(builder), Added::Number(number)) => builder.append_value(*number),
            (AddedBuilder::Evidence(builder), Added::Evidence(terms)) => {
                append_terms(builder.values(), terms);
                builder.append(true);
            }
            (AddedBuilder::Text(builder), _) => builder.append_null(),
            (AddedBuilder::Number(builder), _) => builder.append_null(),
            (AddedBuilder::Evidence(builder), _) => builder.append(false),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            AddedBuilder::Text(builder) => Arc::new(builder.finish()),
            AddedBuilder::Number(builder) => Arc::new(builder.finish()),
            AddedBuilder::Evidence(builder) => Arc::new(builder.finish()),
        }
    }
}

fn append_terms(terms: &mut StructBuilder, values: &[EvidenceTerm]) {
    for term in values {
        if let Some(b) = terms.field_builder::<StringBuilder>(0) {
            b.append_value(&term.term);
        }
        if let Some(b) = terms.field_builder::<Float32Builder>(1) {
            b.append_value(term.weight);
        }
        if let Some(b) = terms.field_builder::<UInt32Builder>(2) {
            b.append_value(term.start);
        }
        if let Some(b) = terms.field_builder::<UInt32Builder>(3) {
            b.append_value(term.end);
        }
        terms.append(true);
    }
}
