//! JSON Lines out: one object per row, the carried entries first (a JSON input's object as
//! it was read), then the added keys.

use std::io::Write;
use std::ops::Range;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_json::writer::LineDelimited;
use arrow_json::WriterBuilder;
use arrow_schema::ArrowError;

use crate::added::{write_json_number, Added, AddedColumn};
use crate::error::Error;
use crate::evidence;
use crate::jsonl::write_key;
use crate::parquet_reader::ArrowRow;
use crate::row::{Row, RowData};
use crate::writer::{unique_names, Source};

/// Writes JSON Lines rows.
pub(crate) struct JsonlWriter<W: Write> {
    out: W,
    /// Keys of delimited columns, JSON-encoded with their colon.
    carried_keys: Vec<Vec<u8>>,
    added_keys: Vec<Vec<u8>>,
    line: Vec<u8>,
    /// The last Parquet batch rendered by Arrow's JSON writer.
    rendered: Option<Rendered>,
}

/// A record batch as JSON Lines, and each row's range in the text.
struct Rendered {
    batch: Arc<RecordBatch>,
    text: Vec<u8>,
    rows: Vec<Range<usize>>,
}

fn encoded_keys<'a>(names: impl IntoIterator<Item = &'a String>) -> Vec<Vec<u8>> {
    names
        .into_iter()
        .map(|name| {
            let mut key = Vec::new();
            write_key(&mut key, name);
            key
        })
        .collect()
}

impl<W: Write> JsonlWriter<W> {
    pub fn new(out: W, source: Source, added: &[AddedColumn]) -> Self {
        let added_names: Vec<String> = added.iter().map(|c| c.name.clone()).collect();
        JsonlWriter {
            out,
            carried_keys: encoded_keys(&unique_names(&source.carried)),
            added_keys: encoded_keys(&added_names),
            line: Vec::new(),
            rendered: None,
        }
    }

    pub fn write(&mut self, row: &Row, added: &[Added<'_>]) -> Result<(), Error> {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        let mut has_entries = self.write_carried(row, &mut line)?;
        for (key, value) in self.added_keys.iter().zip(added) {
            if has_entries {
                line.push(b',');
            }
            has_entries = true;
            line.extend_from_slice(key);
            write_added(&mut line, value);
        }
        line.extend_from_slice(b"}\n");
        let written = self.out.write_all(&line);
        self.line = line;
        written.map_err(|source| Error::Write {
            name: "the output".to_owned(),
            source,
        })
    }

    /// Writes the row's object without its closing brace; says whether it has entries.
    fn write_carried(&mut self, row: &Row, line: &mut Vec<u8>) -> Result<bool, Error> {
        Ok(match &row.data {
            RowData::Delimited(record) => {
                line.push(b'{');
                for (i, (key, field)) in self.carried_keys.iter().zip(record.fields()).enumerate() {
                    if i > 0 {
                        line.push(b',');
                    }
                    line.extend_from_slice(key);
                    let _ = serde_json::to_writer(&mut *line, &String::from_utf8_lossy(field));
                }
                !self.carried_keys.is_empty()
            }
            RowData::Json(record) => record.write_open_object(line),
            RowData::Arrow(arrow) => {
                let object = self.rendered_row(arrow)?;
                let open = object.strip_suffix(b"}").unwrap_or(object);
                line.extend_from_slice(open);
                open.len() > 1
            }
            RowData::Unreadable { .. } => {
                line.push(b'{');
                false
            }
        })
    }

    /// A Parquet row as Arrow's JSON writer renders it; whole batches are rendered at once.
    fn rendered_row(&mut self, arrow: &ArrowRow) -> Result<&[u8], Error> {
        let fresh = !self
            .rendered
            .as_ref()
            .is_some_and(|rendered| Arc::ptr_eq(&rendered.batch, &arrow.batch));
        if fresh {
            let text = render(&arrow.batch).map_err(|source| Error::Arrow {
                name: "the output".to_owned(),
                source,
            })?;
            let mut rows = Vec::with_capacity(arrow.batch.num_rows());
            let mut start = 0;
            for (at, _) in text.iter().enumerate().filter(|(_, &b)| b == b'\n') {
                rows.push(start..at);
                start = at + 1;
            }
            self.rendered = Some(Rendered {
                batch: Arc::clone(&arrow.batch),
                text,
                rows,
            });
        }
        let rendered = self.rendered.as_ref();
        let row = rendered.and_then(|r| Some(&r.text[r.rows.get(arrow.index)?.clone()]));
        Ok(row.unwrap_or(b"{}"))
    }

    pub fn finish(mut self) -> Result<W, Error> {
        self.out.flush().map_err(|source| Error::Write {
            name: "the output".to_owned(),
            source,
        })?;
        Ok(self.out)
    }
}

/// One added value as JSON.
fn write_added(line: &mut Vec<u8>, value: &Added<'_>) {
    match value {
        // Serialising a string into a Vec cannot fail.
        Added::Text(text) => {
            let _ = serde_json::to_writer(&mut *line, text);
        }
        Added::Missing => line.extend_from_slice(b"null"),
        Added::Number(number) => write_json_number(line, *number),
        Added::Evidence(terms) => evidence::write_json(line, terms),
    }
}

/// A batch as JSON Lines, nulls written as `null`.
fn render(batch: &RecordBatch) -> Result<Vec<u8>, ArrowError> {
    let mut writer = WriterBuilder::new()
        .with_explicit_nulls(true)
        .build::<_, LineDelimited>(Vec::new());
    writer.write(batch)?;
    writer.finish()?;
    Ok(writer.into_inner())
}

/// One Parquet row as a JSON object (for the errors file).
pub(crate) fn arrow_row_json(arrow: &ArrowRow) -> Result<Vec<u8>, ArrowError> {
    let mut json = render(&arrow.batch.slice(arrow.index, 1))?;
    while json.last() == Some(&b'\n') {
        json.pop();
    }
    Ok(json)
}
