//! An opened table: its [`Schema`] (what its rows look like, how columns are found in
//! them) and its [`RowReader`] (the rows, one at a time), whatever the format.

use std::io::Read;

use arrow_schema::SchemaRef;

use crate::columns::{self, Column, ColumnKind, ColumnSpec, Role};
use crate::delimited::{self, Delimited, DelimitedOptions, Stream};
use crate::error::Error;
use crate::format::{sniff_text, Format};
use crate::input::{self, InputPath, InputProgress, Opened};
use crate::jsonl::{self, JsonRecord, JsonlReader};
use crate::parquet_reader::{self, ParquetRows};
use crate::quotes::QuoteHint;
use crate::records::RecordReader;
use crate::rejects::Rejection;
use crate::row::{Row, RowData, Value};
use crate::twitter;

/// How to read a table. The defaults read any format, detected, with CSV quoting.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReadOptions {
    /// The format, or `None` to tell it from the file name, else from the content.
    pub format: Option<Format>,
    /// The delimiter of delimited text, or `None` to detect it from the header line (a
    /// `.tsv` name or the TSV format makes tab the choice on a tie).
    pub delimiter: Option<u8>,
    /// Whether `"` quotes CSV/TSV fields (false for NSMC-style files, whose quotes are
    /// text).
    pub quoting: bool,
    /// Longest field (CSV/TSV) or value read from a row (JSON, Parquet), in bytes: longer
    /// ones reject their row.
    pub max_field_bytes: usize,
    /// Longest JSON line, in bytes: longer ones are rejected without being held.
    pub max_line_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            format: None,
            delimiter: None,
            quoting: true,
            max_field_bytes: 1 << 20,
            max_line_bytes: 16 << 20,
        }
    }
}

/// An opened input: the schema, the rows, and how far reading has got.
pub struct Table {
    schema: Schema,
    rows: RowReader,
    progress: InputProgress,
}

/// What a table's rows look like, and how columns are found and read in them. Shared by
/// the threads that look into rows.
#[derive(Debug, Clone)]
pub struct Schema {
    pub(crate) name: String,
    pub(crate) format: Format,
    pub(crate) columns: Vec<String>,
    pub(crate) layout: Layout,
    max_field_bytes: usize,
}

/// Format-specific knowledge of a table.
#[derive(Debug, Clone)]
pub(crate) enum Layout {
    /// CSV/TSV: header and delimiter.
    Delimited(Delimited),
    /// JSON Lines: the first row, to check the default columns against.
    Jsonl { first: Option<JsonRecord> },
    /// Parquet: the Arrow schema.
    Parquet(SchemaRef),
}

/// Reads a table's rows, one at a time, in input order.
pub struct RowReader {
    source: Source,
    name: String,
    last_line: u64,
}

enum Source {
    Delimited(Box<RecordReader<Stream>>),
    Jsonl(JsonlReader),
    Parquet(ParquetRows),
}

impl Table {
    /// Opens a table: a file (gzip/zstd-compressed or not) or stdin, in any format.
    ///
    /// # Errors
    ///
    /// The input cannot be opened or read, is empty (delimited text needs a header), has
    /// an unusable header, or is Parquet on stdin.
    pub fn open(input: &InputPath, options: &ReadOptions) -> Result<Table, Error> {
        let format = options
            .format
            .or_else(|| input.file().and_then(Format::from_path));
        let name = input.display_name();
        let opened = input::open(input, format == Some(Format::Parquet))?;
        Table::from_opened(opened, name, format, options)
    }

    /// Opens a table from bytes (gzip/zstd-compressed or not) read from `name`. Parquet
    /// needs a file: see [`Table::open`].
    ///
    /// # Errors
    ///
    /// As [`Table::open`]; Parquet is an error.
    ///
    /// ```
    /// use nunchi_table::{ReadOptions, Role, Table, Value};
    ///
    /// let csv = "id,text\n1,배송이 빨라요\n";
    /// let table = Table::from_reader(csv.as_bytes(), "posts.csv", &ReadOptions::default())?;
    /// let (schema, mut rows) = table.into_parts();
    /// let text = schema.resolve(Role::Text, None)?;
    /// let row = rows.read()?.expect("one row");
    /// assert_eq!(schema.text(&row, &text).unwrap(), Value::Text("배송이 빨라요".into()));
    /// # Ok::<(), nunchi_table::Error>(())
    /// ```
    pub fn from_reader(
        reader: impl Read + Send + 'static,
        name: &str,
        options: &ReadOptions,
    ) -> Result<Table, Error> {
        let opened = input::from_reader(Box::new(reader), None, name)?;
        if options.format == Some(Format::Parquet) {
            return Err(Error::ParquetNotSeekable {
                name: name.to_owned(),
            });
        }
        let format = options
            .format
            .or_else(|| Format::from_path(std::path::Path::new(name)));
        Table::from_opened(opened, name.to_owned(), format, options)
    }

    fn from_opened(
        opened: Opened,
        name: String,
        format: Option<Format>,
        options: &ReadOptions,
    ) -> Result<Table, Error> {
        let (reader, progress) = match opened {
            Opened::Parquet(file) => return Table::parquet(file, name, options),
            Opened::Stream {
                parquet_magic: true,
                ..
            } => return Err(Error::ParquetNotSeekable { name }),
            Opened::Stream {
                reader, progress, ..
            } => (reader, progress),
        };
        let (format, reader) = match format {
            Some(format) => (format, reader),
            None => sniff(reader, &name)?,
        };
        match format {
            Format::Jsonl => Table::jsonl(reader, name, progress, options),
            Format::Csv | Format::Tsv => Table::delimited(reader, name, format, progress, options),
            Format::Parquet => Err(Error::ParquetNotSeekable { name }),
        }
    }

    fn delimited(
        reader: Stream,
        name: String,
        format: Format,
        progress: InputProgress,
        options: &ReadOptions,
    ) -> Result<Table, Error> {
        let delimited_options = DelimitedOptions {
            delimiter: options.delimiter,
            hint: delimited::delimiter_hint(Some(format)),
            quoting: options.quoting,
            max_field_bytes: options.max_field_bytes.max(1),
        };
        let (delimited, records) = delimited::open(reader, &name, delimited_options)?;
        let format = match delimited.delimiter {
            b'\t' => Format::Tsv,
            _ => Format::Csv,
        };
        let schema = Schema {
            columns: delimited.header.clone(),
            layout: Layout::Delimited(delimited),
            ..Schema::new(&name, format, options)
        };
        Ok(Table {
            schema,
            rows: RowReader::new(Source::Delimited(Box::new(records)), name),
            progress,
        })
    }

    fn jsonl(
        reader: Stream,
        name: String,
        progress: InputProgress,
        options: &ReadOptions,
    ) -> Result<Table, Error> {
        let mut rows = JsonlReader::new(reader, options.max_line_bytes.max(1));
        let first = rows
            .peek()
            .map_err(|source| Error::Read {
                name: name.clone(),
                after: String::new(),
                source,
            })?
            .and_then(|row| match &row.data {
                RowData::Json(record) => Some(record.clone()),
                _ => None,
            });
        let schema = Schema {
            columns: first.as_ref().map(jsonl::keys).unwrap_or_default(),
            layout: Layout::Jsonl { first },
            ..Schema::new(&name, Format::Jsonl, options)
        };
        Ok(Table {
            schema,
            rows: RowReader::new(Source::Jsonl(rows), name),
            progress,
        })
    }

    fn parquet(file: std::fs::File, name: String, options: &ReadOptions) -> Result<Table, Error> {
        let (arrow_schema, rows, progress) = parquet_reader::open(file, &name)?;
        let schema = Schema {
            columns: arrow_schema
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect(),
            layout: Layout::Parquet(arrow_schema),
            ..Schema::new(&name, Format::Parquet, options)
        };
        Ok(Table {
            schema,
            rows: RowReader::new(Source::Parquet(rows), name),
            progress,
        })
    }

    /// The table's schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// How far reading has got (for a progress display).
    pub fn progress(&self) -> InputProgress {
        self.progress.clone()
    }

    /// The schema and the reader of the rows, to read rows on one thread and look into
    /// them on others.
    pub fn into_parts(self) -> (Schema, RowReader) {
        (self.schema, self.rows)
    }
}

/// Tells JSON Lines from delimited text by the first bytes, without consuming them.
fn sniff(mut reader: Stream, name: &str) -> Result<(Format, Stream), Error> {
    let first = reader.fill_buf().map_err(|source| Error::Read {
        name: name.to_owned(),
        after: String::new(),
        source,
    })?;
    Ok((sniff_text(first), reader))
}

impl RowReader {
    fn new(source: Source, name: String) -> Self {
        RowReader {
            source,
            name,
            last_line: 0,
        }
    }

    /// The next row, or `None` at the end of the input. A row that cannot be used is still
    /// a row: [`Schema::check`] says why.
    ///
    /// # Errors
    ///
    /// Reading the input failed (I/O, corrupt compression, an undecodable Parquet page).
    pub fn read(&mut self) -> Result<Option<Row>, Error> {
        let read = match &mut self.source {
            Source::Delimited(records) => records.read().map(|record| {
                record.map(|record| Row {
                    position: crate::row::Position::Line(record.line),
                    data: RowData::Delimited(record),
                })
            }),
            Source::Jsonl(lines) => lines.read(),
            Source::Parquet(rows) => return rows.read(),
        };
        let row = read.map_err(|source| Error::Read {
            name: self.name.clone(),
            after: format!(" after line {}", self.last_line),
            source,
        })?;
        if let Some(row) = &row {
            self.last_line = row.end_line();
        }
        Ok(row)
    }
}

impl Schema {
    fn new(name: &str, format: Format, options: &ReadOptions) -> Self {
        Schema {
            name: name.to_owned(),
            format,
            columns: Vec::new(),
            layout: Layout::Jsonl { first: None },
            max_field_bytes: options.max_field_bytes.max(1),
        }
    }

    /// The input, as messages name it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The format read: CSV (any delimiter but tab), TSV, JSON Lines or Parquet.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The column names: the CSV/TSV header, Parquet's top-level columns, or the
    /// top-level keys of the first JSON object (later objects may have others).
    pub fn column_names(&self) -> &[String] {
        &self.columns
    }

    /// The column the user named.
    ///
    /// # Errors
    ///
    /// The column is not in the table (JSON Lines columns are named, not numbered).
    pub fn column(&self, spec: &ColumnSpec) -> Result<Column, Error> {
        let missing = || Error::NoSuchColumn {
            name: self.name.clone(),
            column: spec.to_string(),
            columns: columns::listing(&self.columns),
        };
        let kind = match (&self.layout, spec) {
            (Layout::Delimited(_), ColumnSpec::Name(name)) => ColumnKind::Field(
                self.columns
                    .iter()
                    .position(|h| h == name)
                    .ok_or_else(missing)?,
            ),
            (Layout::Delimited(_), ColumnSpec::Position(position)) => {
                // A header named like the number wins over the position.
                let by_name = self.columns.iter().position(|h| *h == position.to_string());
                match by_name {
                    Some(index) => ColumnKind::Field(index),
                    None if *position <= self.columns.len() => ColumnKind::Field(position - 1),
                    None => return Err(missing()),
                }
            }
            (Layout::Jsonl { .. }, ColumnSpec::Name(name)) => {
                ColumnKind::Path(name.split('.').map(str::to_owned).collect())
            }
            (Layout::Jsonl { .. }, ColumnSpec::Position(_)) => return Err(missing()),
            (Layout::Parquet(schema), ColumnSpec::Name(name)) => {
                ColumnKind::Arrow(parquet_reader::resolve(schema, name).ok_or_else(missing)?.0)
            }
            (Layout::Parquet(_), ColumnSpec::Position(position))
                if *position <= self.columns.len() =>
            {
                ColumnKind::Arrow(vec![position - 1])
            }
            (Layout::Parquet(_), ColumnSpec::Position(_)) => return Err(missing()),
        };
        Ok(self.named(kind))
    }

    /// The column for `role`: the one named, else the first whose name is one of the
    /// role's guesses; for JSON Lines, Twitter's v2 and v1.1 fields first (checked against
    /// the first row). A table of one column is its own text column.
    ///
    /// # Errors
    ///
    /// The named column is not there, none can be guessed, or a text column does not hold
    /// text (Parquet).
    pub fn resolve(&self, role: Role, spec: Option<&ColumnSpec>) -> Result<Column, Error> {
        let column = match spec {
            Some(spec) => self.column(spec)?,
            None => self.guess(role)?,
        };
        if role == Role::Text {
            self.check_text_type(&column)?;
        }
        Ok(column)
    }

    fn guess(&self, role: Role) -> Result<Column, Error> {
        let unknown = |guesses: String| Error::UnknownColumn {
            name: self.name.clone(),
            what: role.what(),
            guesses,
            flag: role.flag(),
            columns: columns::listing(&self.columns),
        };
        let kind = match &self.layout {
            Layout::Jsonl { first } => {
                let kind = ColumnKind::Twitter(role.twitter(), role.guesses());
                let column = self.named(kind.clone());
                if let Some(first) = first {
                    if twitter::find(first, role.twitter(), role.guesses()) == Value::Missing {
                        return Err(unknown(format!(
                            "like a Twitter API v2 or v1.1 field nor {}",
                            role.guesses().join("/")
                        )));
                    }
                }
                return Ok(column);
            }
            Layout::Delimited(_) => columns::guess(&self.columns, role.guesses())
                .or((role == Role::Text && self.columns.len() == 1).then_some(0))
                .map(ColumnKind::Field),
            Layout::Parquet(_) => {
                columns::guess(&self.columns, role.guesses()).map(|i| ColumnKind::Arrow(vec![i]))
            }
        };
        kind.map(|kind| self.named(kind))
            .ok_or_else(|| unknown(role.guesses().join("/")))
    }

    /// A column with the name messages give it.
    fn named(&self, kind: ColumnKind) -> Column {
        let name = match &kind {
            ColumnKind::Field(index) => self.columns[*index].clone(),
            ColumnKind::Path(path) => path.join("."),
            ColumnKind::Twitter(field, _) => field.name().to_owned(),
            ColumnKind::Arrow(path) => match &self.layout {
                Layout::Parquet(schema) => arrow_path_name(schema, path),
                _ => String::new(),
            },
        };
        Column { name, kind }
    }

    /// A Parquet text column must hold strings.
    fn check_text_type(&self, column: &Column) -> Result<(), Error> {
        let (Layout::Parquet(schema), ColumnKind::Arrow(path)) = (&self.layout, &column.kind)
        else {
            return Ok(());
        };
        let data_type = parquet_reader::resolve(schema, &arrow_path_name(schema, path))
            .map(|(_, data_type)| data_type);
        match data_type {
            Some(data_type) if !parquet_reader::is_text(&data_type) => Err(Error::ColumnType {
                name: self.name.clone(),
                column: column.name.clone(),
                found: data_type.to_string(),
                what: Role::Text.what(),
            }),
            _ => Ok(()),
        }
    }

    /// The column named exactly `name`, if the table has one (JSON Lines: if the first
    /// row has the key).
    pub fn find(&self, name: &str) -> Option<Column> {
        match &self.layout {
            Layout::Jsonl { first } => first
                .as_ref()
                .filter(|first| first.has_key(name))
                .map(|_| self.named(ColumnKind::Path(vec![name.to_owned()]))),
            _ => self.column(&ColumnSpec::Name(name.to_owned())).ok(),
        }
    }

    /// Checks that a row can be used: a CSV/TSV record whole, with as many fields as the
    /// header, all UTF-8; a JSON line an object. Read columns only from checked rows.
    ///
    /// # Errors
    ///
    /// The row's [`Rejection`].
    pub fn check(&self, row: &Row) -> Result<(), Rejection> {
        match (&row.data, &self.layout) {
            (RowData::Delimited(record), Layout::Delimited(delimited)) => delimited
                .check(record)
                .map_err(|reason| self.reject(row, reason)),
            (RowData::Unreadable { reason, .. }, _) => Err(self.reject(row, reason.clone())),
            _ => Ok(()),
        }
    }

    /// The value of `column` in a checked row.
    ///
    /// # Errors
    ///
    /// A rejection when the value is longer than the field limit or cannot be rendered.
    pub fn value<'r>(&self, row: &'r Row, column: &Column) -> Result<Value<'r>, Rejection> {
        let value = match (&row.data, &column.kind) {
            (RowData::Delimited(record), ColumnKind::Field(index)) => {
                let field = record.field(*index).unwrap_or_default();
                return Ok(Value::Text(String::from_utf8_lossy(field)));
            }
            (RowData::Json(record), ColumnKind::Path(path)) => {
                record.lookup(path).map_or(Value::Missing, jsonl::value_of)
            }
            (RowData::Json(record), ColumnKind::Twitter(field, guesses)) => {
                twitter::find(record, *field, guesses)
            }
            (RowData::Arrow(arrow), ColumnKind::Arrow(path)) => arrow
                .value(path)
                .map_err(|reason| self.reject(row, reason))?,
            _ => Value::Missing,
        };
        match value.as_text() {
            Some(text) if text.len() > self.max_field_bytes => Err(self.reject(
                row,
                format!(
                    "{} is {} bytes long, more than --max-field-bytes ({} bytes)",
                    column.name,
                    text.len(),
                    self.max_field_bytes
                ),
            )),
            _ => Ok(value),
        }
    }

    /// The text of a post in a checked row: [`Value::Text`] or [`Value::Missing`].
    ///
    /// # Errors
    ///
    /// A rejection when the value is not a string (a JSON number or object), or as
    /// [`Schema::value`].
    pub fn text<'r>(&self, row: &'r Row, column: &Column) -> Result<Value<'r>, Rejection> {
        match self.value(row, column)? {
            Value::Other(json) => {
                let what = json_kind(&json);
                Err(self.reject(
                    row,
                    format!(
                        "the text ({}) is {what}, not a string: pass the column that holds the \
                         post with --text-column",
                        column.name
                    ),
                ))
            }
            value => Ok(value),
        }
    }

    /// Whether a JSON row's object has the top-level key `key` (always false for other
    /// formats, whose columns are the same in every row).
    pub fn has_key(&self, row: &Row, key: &str) -> bool {
        match &row.data {
            RowData::Json(record) => record.has_key(key),
            _ => false,
        }
    }

    /// A rejection of `row` for `reason`, with what can be kept of the row for the errors
    /// file (at most `max_field_bytes` of it).
    pub fn reject(&self, row: &Row, reason: String) -> Rejection {
        let mut raw = match (&row.data, &self.layout) {
            (RowData::Delimited(record), Layout::Delimited(delimited)) => delimited.raw(record),
            (RowData::Json(record), _) => record.object_text().as_bytes().to_vec(),
            (RowData::Arrow(arrow), _) => {
                crate::jsonl_writer::arrow_row_json(arrow).unwrap_or_default()
            }
            (RowData::Unreadable { raw, .. }, _) => raw.clone(),
            _ => Vec::new(),
        };
        raw.truncate(self.max_field_bytes);
        Rejection {
            position: row.position,
            reason,
            raw,
        }
    }

    /// What a row's quoting suggests about the file: see [`QuoteHint`].
    pub fn quote_hint(&self, row: &Row) -> Option<QuoteHint> {
        let (RowData::Delimited(record), Layout::Delimited(delimited)) = (&row.data, &self.layout)
        else {
            return None;
        };
        if delimited.looks_like_swallowed_rows(record) {
            Some(QuoteHint::SwallowedRows {
                end_line: record.end_line,
            })
        } else if record.text_after_quote {
            Some(QuoteHint::TextAfterQuote)
        } else if record.quoted_twice {
            Some(QuoteHint::QuotedTwice)
        } else {
            None
        }
    }
}

/// `a number`, `an object`: what a JSON text is, for messages.
fn json_kind(json: &str) -> &'static str {
    match json.trim_start().as_bytes().first() {
        Some(b'{') => "a JSON object",
        Some(b'[') => "a JSON array",
        Some(b't' | b'f') => "a boolean",
        Some(_) => "a number",
        None => "empty",
    }
}

/// `data.text`: a Parquet column path by its fields' names.
fn arrow_path_name(schema: &SchemaRef, path: &[usize]) -> String {
    let mut names = Vec::new();
    let mut fields = schema.fields();
    for &index in path {
        let Some(field) = fields.get(index) else {
            break;
        };
        names.push(field.name().clone());
        if let arrow_schema::DataType::Struct(children) = field.data_type() {
            fields = children;
        }
    }
    names.join(".")
}
