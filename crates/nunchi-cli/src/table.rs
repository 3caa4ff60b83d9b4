//! A delimited table of posts: header, delimiter detection, the text column, and the checks
//! that turn a raw record into a row of UTF-8 fields or a rejection naming its line.

use std::io::{BufRead, Cursor, Read};

use anyhow::{bail, Context};

use crate::records::{
    delimiter_from_extension, sniff_delimiter, Defect, Limits, Record, RecordReader,
};

/// How to read a table.
#[derive(Debug, Clone)]
pub struct TableOptions {
    /// The delimiter, or `None` to detect it from the header line and the file name.
    pub delimiter: Option<u8>,
    /// Whether `"` quotes fields (false for NSMC-style files).
    pub quoting: bool,
    /// Longest field accepted, in bytes.
    pub max_field_bytes: usize,
}

/// The byte stream a table is read from.
pub type TableInput = Box<dyn BufRead + Send>;

/// An opened table: its header and a reader positioned at the first data record.
pub struct Table {
    /// Column names as in the header.
    pub header: Vec<String>,
    /// The delimiter in use.
    pub delimiter: u8,
    /// The data records.
    pub records: RecordReader<TableInput>,
}

/// Reads the first line of `input` (without a UTF-8 BOM) and picks the delimiter from it
/// unless given; returns the delimiter and the input positioned at its start again.
/// `file_name` (if any) hints the delimiter by its extension.
///
/// # Errors
///
/// The input cannot be read, or is empty.
pub fn detect_delimiter(
    mut input: TableInput,
    file_name: Option<&str>,
    options: &TableOptions,
) -> anyhow::Result<(u8, TableInput)> {
    let mut first_line = Vec::new();
    (&mut input)
        .take(options.max_field_bytes as u64 + 1)
        .read_until(b'\n', &mut first_line)
        .context("cannot read the header line")?;
    if first_line.starts_with(b"\xef\xbb\xbf") {
        first_line.drain(..3);
    }
    if first_line.iter().all(|b| b.is_ascii_whitespace()) {
        bail!("the input is empty: expected a header row naming the columns");
    }
    let delimiter = options.delimiter.unwrap_or_else(|| {
        sniff_delimiter(&first_line, file_name.and_then(delimiter_from_extension))
    });
    Ok((delimiter, Box::new(Cursor::new(first_line).chain(input))))
}

/// Reads the header of `input`, detecting the delimiter unless given (see
/// [`detect_delimiter`]).
///
/// # Errors
///
/// The input is empty, cannot be read, or its header is not UTF-8 text.
pub fn open_table(
    input: TableInput,
    file_name: Option<&str>,
    options: &TableOptions,
) -> anyhow::Result<Table> {
    let (delimiter, input) = detect_delimiter(input, file_name, options)?;
    let header_limits = Limits {
        field_bytes: options.max_field_bytes,
        record_bytes: options.max_field_bytes,
        fields: 65_536,
    };
    let mut records = RecordReader::new(input, delimiter, options.quoting, header_limits);
    let header_record = records
        .read()
        .context("cannot read the header row")?
        .context("the input is empty: expected a header row naming the columns")?;
    if header_record.defect.is_some() {
        bail!(
            "the header row is longer than {} bytes: is this a delimited text file?",
            options.max_field_bytes
        );
    }
    let header = header_record
        .fields()
        .enumerate()
        .map(|(i, field)| {
            std::str::from_utf8(field).map(str::to_owned).map_err(|_| {
                anyhow::anyhow!(
                    "column {} of the header row is not UTF-8 text: is this a delimited text \
                     file, and UTF-8 (convert with e.g. `iconv -f CP949 -t UTF-8`)?",
                    i + 1
                )
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let columns = header.len();
    records.set_limits(Limits {
        field_bytes: options.max_field_bytes,
        // Room for every column at the field limit; more can only be a broken record.
        record_bytes: options.max_field_bytes.saturating_mul(columns),
        fields: columns.saturating_mul(4).max(64),
    });
    Ok(Table {
        header,
        delimiter,
        records,
    })
}

/// A column given by name or by 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnSpec {
    /// A header name.
    Name(String),
    /// A 1-based position.
    Position(usize),
}

impl ColumnSpec {
    /// Parses a command-line value: a header name, or a 1-based position if all digits.
    pub fn parse(arg: &str) -> Result<Self, String> {
        if arg.is_empty() {
            return Err("give a column name or a 1-based position".into());
        }
        Ok(match arg.parse::<usize>() {
            Ok(0) => return Err("column positions start at 1".into()),
            Ok(position) => ColumnSpec::Position(position),
            Err(_) => ColumnSpec::Name(arg.to_owned()),
        })
    }
}

/// Names tried, in order, when no text column is given.
const TEXT_COLUMN_NAMES: [&str; 9] = [
    "text", "document", "content", "body", "message", "post", "comment", "tweet", "review",
];

/// Finds the text column: the one given (a header name wins over a position), else the first
/// header named like a text column, else the only column.
///
/// # Errors
///
/// The column is not in the header, or none can be guessed.
pub fn resolve_text_column(header: &[String], spec: Option<&ColumnSpec>) -> anyhow::Result<usize> {
    let listing = || {
        header
            .iter()
            .enumerate()
            .map(|(i, name)| format!("{}={name:?}", i + 1))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match spec {
        Some(ColumnSpec::Name(name)) => header
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("no column named {name:?} in the header ({})", listing())),
        Some(ColumnSpec::Position(position)) => {
            let by_name = header.iter().position(|h| *h == position.to_string());
            match by_name {
                Some(index) => Ok(index),
                None if *position <= header.len() => Ok(position - 1),
                None => bail!(
                    "column {position} does not exist: the header has {} columns ({})",
                    header.len(),
                    listing()
                ),
            }
        }
        None => {
            let guessed = TEXT_COLUMN_NAMES.iter().find_map(|candidate| {
                header
                    .iter()
                    .position(|h| h.trim().eq_ignore_ascii_case(candidate))
            });
            match guessed {
                Some(index) => Ok(index),
                None if header.len() == 1 => Ok(0),
                None => bail!(
                    "which column holds the text? None is named {}; pass --text-column NAME or \
                     POSITION (columns: {})",
                    TEXT_COLUMN_NAMES.join("/"),
                    listing()
                ),
            }
        }
    }
}

/// A record that cannot be processed, with the reason and what could be kept of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Line on which the record starts.
    pub line: u64,
    /// Why it was rejected.
    pub reason: String,
    /// The record's fields joined by the delimiter (a prefix for oversized records).
    pub raw: Vec<u8>,
}

/// A checked record: every field UTF-8, the text column present and not blank.
#[derive(Debug)]
pub struct Row<'r> {
    /// All fields, in input order.
    pub fields: Vec<&'r str>,
    /// The text to classify.
    pub text: &'r str,
}

/// What a record must look like.
#[derive(Debug, Clone)]
pub struct RowShape {
    /// Column names from the header.
    pub header: Vec<String>,
    /// Index of the text column.
    pub text_column: usize,
    /// Delimiter, to rebuild raw records for the error file.
    pub delimiter: u8,
    /// The field limit, for messages and for capping raw records.
    pub max_field_bytes: usize,
}

impl RowShape {
    /// Checks a record.
    ///
    /// # Errors
    ///
    /// A [`Rejection`] for an oversized record, a wrong number of fields, a field that is
    /// not UTF-8, or a blank text.
    pub fn check<'r>(&self, record: &'r Record) -> Result<Row<'r>, Rejection> {
        let reject = |reason: String| self.reject(record, reason);
        if let Some(defect) = record.defect {
            return Err(reject(self.describe(defect, record)));
        }
        if record.field_count != self.header.len() {
            return Err(reject(format!(
                "{} fields, expected {} as in the header (check the delimiter and quoting)",
                record.field_count,
                self.header.len()
            )));
        }
        let mut fields = Vec::with_capacity(record.field_count);
        for (index, field) in record.fields().enumerate() {
            match std::str::from_utf8(field) {
                Ok(text) => fields.push(text),
                Err(e) => {
                    return Err(reject(format!(
                        "column {} is not valid UTF-8 (bad byte at offset {})",
                        self.column_name(index),
                        e.valid_up_to()
                    )))
                }
            }
        }
        let text = fields[self.text_column];
        if text.trim().is_empty() {
            return Err(reject(format!(
                "the text column {} is empty",
                self.column_name(self.text_column)
            )));
        }
        Ok(Row { fields, text })
    }

    /// Whether a TSV record looks like several rows swallowed by a quote: a field holds a
    /// line break followed by a tab. Posts hardly ever contain tabs, TSV rows always do; the
    /// usual cause is a file whose quotes are not CSV quoting (NSMC-style).
    pub fn looks_like_swallowed_rows(&self, record: &Record) -> bool {
        self.delimiter == b'\t'
            && record.end_line > record.line
            && record.fields().any(|field| {
                field
                    .split(|&b| b == b'\n')
                    .skip(1)
                    .any(|line| line.contains(&b'\t'))
            })
    }

    /// A rejection of `record` for `reason`, with what can be kept of the raw record.
    pub fn reject(&self, record: &Record, reason: String) -> Rejection {
        Rejection {
            line: record.line,
            reason,
            raw: self.raw(record),
        }
    }

    fn column_name(&self, index: usize) -> String {
        match self.header.get(index) {
            Some(name) => format!("{} ({name:?})", index + 1),
            None => format!("{}", index + 1),
        }
    }

    fn describe(&self, defect: Defect, record: &Record) -> String {
        let span = if record.end_line > record.line {
            format!(
                "; the record runs to line {}: an unclosed quote? (try --no-quoting if quotes \
                 are not CSV quoting)",
                record.end_line
            )
        } else {
            String::new()
        };
        match defect {
            Defect::FieldTooLarge { index } => format!(
                "column {} is larger than --max-field-bytes ({} bytes){span}",
                self.column_name(index),
                self.max_field_bytes
            ),
            Defect::RecordTooLarge => format!(
                "record of {} bytes is larger than {} columns at --max-field-bytes{span}",
                record.byte_count,
                self.header.len()
            ),
            Defect::UnclosedQuote => format!(
                "a quoted field is never closed: the record runs from line {} to the end of \
                 the input (line {}); fix the quoting, or pass --no-quoting if quotes are not \
                 CSV quoting",
                record.line, record.end_line
            ),
            Defect::TooManyFields => format!(
                "{} fields, expected {} as in the header (check the delimiter and quoting)",
                record.field_count,
                self.header.len()
            ),
        }
    }

    /// The record's fields joined by the delimiter, at most `max_field_bytes` long.
    fn raw(&self, record: &Record) -> Vec<u8> {
        let mut raw = Vec::new();
        for (i, field) in record.fields().enumerate() {
            if i > 0 {
                raw.push(self.delimiter);
            }
            raw.extend_from_slice(field);
            if raw.len() >= self.max_field_bytes {
                raw.truncate(self.max_field_bytes);
                break;
            }
        }
        raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> TableOptions {
        TableOptions {
            delimiter: None,
            quoting: true,
            max_field_bytes: 1000,
        }
    }

    fn open(bytes: &[u8], name: Option<&str>) -> anyhow::Result<Table> {
        open_table(Box::new(Cursor::new(bytes.to_vec())), name, &options())
    }

    fn check_all(bytes: &[u8]) -> Vec<Result<Vec<String>, (u64, String)>> {
        let mut table = open(bytes, None).unwrap();
        let text_column = resolve_text_column(&table.header, None).unwrap();
        let shape = RowShape {
            header: table.header.clone(),
            text_column,
            delimiter: table.delimiter,
            max_field_bytes: 1000,
        };
        let mut results = Vec::new();
        while let Some(record) = table.records.read().unwrap() {
            results.push(
                shape
                    .check(&record)
                    .map(|row| row.fields.iter().map(|f| f.to_string()).collect())
                    .map_err(|r| (r.line, r.reason)),
            );
        }
        results
    }

    #[test]
    fn header_with_bom_and_detected_tab() {
        let table = open(
            b"\xef\xbb\xbfid\ttext\n1\t\xec\x95\x88\xeb\x85\x95\n",
            Some("x.csv"),
        )
        .unwrap();
        assert_eq!(table.header, ["id", "text"]);
        assert_eq!(table.delimiter, b'\t');
    }

    #[test]
    fn empty_and_binary_inputs_are_clear_errors() {
        let empty = open(b"", None).err().unwrap().to_string();
        assert!(empty.contains("empty"), "{empty}");
        let binary = open(b"\xff\xfe\x00garbage,\x80\n", None)
            .err()
            .unwrap()
            .to_string();
        assert!(binary.contains("not UTF-8"), "{binary}");
    }

    #[test]
    fn rejections_name_lines_and_reasons() {
        let results = check_all(b"id,text\n1,good\n2,bad\xff\n3\n4,   \n5,\"a\nb\"\n");
        assert_eq!(results[0], Ok(vec!["1".into(), "good".into()]));
        let errors: Vec<_> = results.iter().filter_map(|r| r.clone().err()).collect();
        assert_eq!(errors.len(), 3);
        assert_eq!(errors[0].0, 3);
        assert!(errors[0].1.contains("not valid UTF-8"));
        assert_eq!(errors[1].0, 4);
        assert!(errors[1].1.contains("1 fields, expected 2"));
        assert_eq!(errors[2].0, 5);
        assert!(errors[2].1.contains("empty"));
        assert_eq!(results[4], Ok(vec!["5".into(), "a\nb".into()]));
    }

    #[test]
    fn spots_tsv_rows_swallowed_by_a_quote() {
        let input = "id\ttext\n1\t\"인용으로 시작\n2\t다음 행\n3\t\"끝\"\n4\t\"여러\n줄\"\n";
        let mut table = open(input.as_bytes(), None).unwrap();
        let shape = RowShape {
            header: table.header.clone(),
            text_column: 1,
            delimiter: table.delimiter,
            max_field_bytes: 1000,
        };
        let mut flags = Vec::new();
        while let Some(record) = table.records.read().unwrap() {
            flags.push(shape.looks_like_swallowed_rows(&record));
        }
        assert_eq!(flags, [true, false]);
    }

    #[test]
    fn resolves_text_columns() {
        let header: Vec<String> = ["id", "Document", "label"].map(String::from).into();
        assert_eq!(resolve_text_column(&header, None).unwrap(), 1);
        let position = ColumnSpec::parse("3").unwrap();
        assert_eq!(resolve_text_column(&header, Some(&position)).unwrap(), 2);
        let missing = ColumnSpec::parse("body").unwrap();
        let error = resolve_text_column(&header, Some(&missing))
            .unwrap_err()
            .to_string();
        assert!(error.contains("1=\"id\""), "{error}");
        assert!(ColumnSpec::parse("0").is_err());
        let unnamed: Vec<String> = ["a", "b"].map(String::from).into();
        assert!(resolve_text_column(&unnamed, None).is_err());
    }
}
