//! Parquet in: record batches read one at a time (so memory holds one row group's pages and
//! a batch, whatever the file's size), handed out as rows that share their batch.

use std::borrow::Cow;
use std::fs::File;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, Fields, SchemaRef};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};

use crate::error::Error;
use crate::input::InputProgress;
use crate::row::{Position, Row, RowData, Value};

/// Rows per record batch: small enough that a batch of long posts stays a few MB.
const BATCH_ROWS: usize = 1024;

/// One row of a record batch.
#[derive(Debug, Clone)]
pub(crate) struct ArrowRow {
    pub batch: Arc<RecordBatch>,
    pub index: usize,
    /// The row's share of the batch's memory.
    bytes: usize,
}

impl ArrowRow {
    pub fn held_bytes(&self) -> usize {
        self.bytes
    }

    /// The array holding the cell at `path` (a top-level column, then struct children),
    /// `None` when a struct on the way is null.
    pub fn array(&self, path: &[usize]) -> Option<&ArrayRef> {
        let (&top, children) = path.split_first()?;
        let mut array = self.batch.column(top);
        for &child in children {
            if array.is_null(self.index) {
                return None;
            }
            array = array.as_struct().column(child);
        }
        Some(array)
    }

    /// The value at `path`.
    pub fn value(&self, path: &[usize]) -> Result<Value<'_>, String> {
        match self.array(path) {
            Some(array) => cell(array.as_ref(), self.index),
            None => Ok(Value::Missing),
        }
    }
}

/// A cell as a [`Value`]: strings borrowed, other types as Arrow displays them.
fn cell(array: &dyn Array, index: usize) -> Result<Value<'_>, String> {
    if array.is_null(index) {
        return Ok(Value::Missing);
    }
    Ok(match array.data_type() {
        DataType::Utf8 => Value::Text(Cow::Borrowed(array.as_string::<i32>().value(index))),
        DataType::LargeUtf8 => Value::Text(Cow::Borrowed(array.as_string::<i64>().value(index))),
        DataType::Utf8View => Value::Text(Cow::Borrowed(array.as_string_view().value(index))),
        _ => Value::Other(Cow::Owned(display(array, index)?)),
    })
}

/// A cell as Arrow displays it.
pub(crate) fn display(array: &dyn Array, index: usize) -> Result<String, String> {
    let formatter = ArrayFormatter::try_new(array, &FormatOptions::default())
        .map_err(|e| format!("cannot render a {} value: {e}", array.data_type()))?;
    Ok(formatter.value(index).to_string())
}

/// Whether a column of this type holds text.
pub(crate) fn is_text(data_type: &DataType) -> bool {
    matches!(
        data_type,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    )
}

/// The column path of a (possibly dotted) name: the whole name as a top-level column
/// first, else a path through struct columns. Returns the path and the leaf's type.
pub(crate) fn resolve(schema: &SchemaRef, name: &str) -> Option<(Vec<usize>, DataType)> {
    if let Ok(index) = schema.index_of(name) {
        return Some((vec![index], schema.field(index).data_type().clone()));
    }
    let mut fields: &Fields = schema.fields();
    let mut path = Vec::new();
    let mut steps = name.split('.').peekable();
    while let Some(step) = steps.next() {
        let (index, field) = fields.find(step)?;
        path.push(index);
        if steps.peek().is_none() {
            return Some((path, field.data_type().clone()));
        }
        match field.data_type() {
            DataType::Struct(children) => fields = children,
            _ => return None,
        }
    }
    None
}

/// Reads the rows of a Parquet file.
pub(crate) struct ParquetRows {
    batches: ParquetRecordBatchReader,
    current: Option<(Arc<RecordBatch>, usize)>,
    next_index: usize,
    rows_read: u64,
    done: Arc<AtomicU64>,
    name: String,
}

/// Opens a Parquet file: its schema, a reader of its rows, and its progress in rows.
///
/// # Errors
///
/// The file is not Parquet, or its metadata cannot be read.
pub(crate) fn open(
    file: File,
    name: &str,
) -> Result<(SchemaRef, ParquetRows, InputProgress), Error> {
    let parquet_error = |source| Error::ParquetRead {
        name: name.to_owned(),
        source,
    };
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet_error)?;
    let schema = Arc::clone(builder.schema());
    let total = u64::try_from(builder.metadata().file_metadata().num_rows()).ok();
    let batches = builder
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(parquet_error)?;
    let done = Arc::new(AtomicU64::new(0));
    let rows = ParquetRows {
        batches,
        current: None,
        next_index: 0,
        rows_read: 0,
        done: Arc::clone(&done),
        name: name.to_owned(),
    };
    Ok((schema, rows, InputProgress { total, done }))
}

impl ParquetRows {
    /// The next row, or `None` at the end of the file.
    ///
    /// # Errors
    ///
    /// A batch cannot be read or decoded.
    pub fn read(&mut self) -> Result<Option<Row>, Error> {
        loop {
            if let Some((batch, bytes)) = &self.current {
                if self.next_index < batch.num_rows() {
                    let index = self.next_index;
                    self.next_index += 1;
                    self.rows_read += 1;
                    self.done.store(self.rows_read, Ordering::Relaxed);
                    return Ok(Some(Row {
                        position: Position::Row(self.rows_read),
                        data: RowData::Arrow(ArrowRow {
                            batch: Arc::clone(batch),
                            index,
                            bytes: *bytes,
                        }),
                    }));
                }
            }
            let Some(batch) = self.batches.next() else {
                return Ok(None);
            };
            let batch = batch.map_err(|source| Error::Arrow {
                name: self.name.clone(),
                source,
            })?;
            let bytes = batch.get_array_memory_size() / batch.num_rows().max(1);
            self.current = Some((Arc::new(batch), bytes));
            self.next_index = 0;
        }
    }
}
