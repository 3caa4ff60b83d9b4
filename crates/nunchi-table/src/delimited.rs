//! Delimited text (CSV, TSV and other delimiters): the header, the delimiter (given, or
//! sniffed from the header line and the file name), and the checks that turn a raw record
//! into a row of UTF-8 fields or a rejection reason.

use std::io::{BufRead, Cursor, Read};

use crate::error::Error;
use crate::format::Format;
use crate::records::{Defect, Limits, Record, RecordReader};

/// The byte stream a table is read from.
pub(crate) type Stream = Box<dyn BufRead + Send>;

/// What every record of a delimited table is checked against.
#[derive(Debug, Clone)]
pub(crate) struct Delimited {
    /// Column names as in the header.
    pub header: Vec<String>,
    /// The delimiter in use.
    pub delimiter: u8,
    /// The field limit, for messages and for capping raw records.
    pub max_field_bytes: usize,
}

/// How a delimited input is to be read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DelimitedOptions {
    /// The delimiter, or `None` to sniff it.
    pub delimiter: Option<u8>,
    /// The delimiter the format or file name suggests, when sniffing.
    pub hint: Option<u8>,
    /// Whether `"` quotes fields.
    pub quoting: bool,
    /// Longest field, in bytes.
    pub max_field_bytes: usize,
}

/// Reads the header of `input`, choosing the delimiter unless given.
///
/// # Errors
///
/// The input is empty, cannot be read, or its header is not UTF-8 text, too long, or one
/// column holding another delimiter.
pub(crate) fn open(
    input: Stream,
    name: &str,
    options: DelimitedOptions,
) -> Result<(Delimited, RecordReader<Stream>), Error> {
    let (first_line, input) = peek_first_line(input, name, options.max_field_bytes)?;
    if first_line.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty {
            name: name.to_owned(),
        });
    }
    let delimiter = options
        .delimiter
        .unwrap_or_else(|| sniff_delimiter(&first_line, options.hint));
    let header_limits = Limits {
        field_bytes: options.max_field_bytes,
        record_bytes: options.max_field_bytes,
        fields: 65_536,
    };
    let mut records = RecordReader::new(input, delimiter, options.quoting, header_limits);
    let header_record = records
        .read()
        .map_err(|source| Error::Read {
            name: name.to_owned(),
            after: String::new(),
            source,
        })?
        .ok_or_else(|| Error::Empty {
            name: name.to_owned(),
        })?;
    let header_error = |reason: String| Error::Header {
        name: name.to_owned(),
        reason,
    };
    if header_record.defect.is_some() {
        return Err(header_error(format!(
            "is longer than {} bytes: is this a delimited text file?",
            options.max_field_bytes
        )));
    }
    let header = header_record
        .fields()
        .enumerate()
        .map(|(i, field)| {
            std::str::from_utf8(field).map(str::to_owned).map_err(|_| {
                header_error(format!(
                    "is not UTF-8 text in column {}: is this a delimited text file, and UTF-8 \
                     (convert with e.g. `iconv -f CP949 -t UTF-8`)?",
                    i + 1
                ))
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    if header.len() == 1 {
        check_single_column(&first_line, delimiter, name)?;
    }
    let columns = header.len();
    records.set_limits(Limits {
        field_bytes: options.max_field_bytes,
        // Room for every column at the field limit; more can only be a broken record.
        record_bytes: options.max_field_bytes.saturating_mul(columns),
        fields: columns.saturating_mul(4).max(64),
    });
    let delimited = Delimited {
        header,
        delimiter,
        max_field_bytes: options.max_field_bytes,
    };
    Ok((delimited, records))
}

/// The delimiter a format suggests.
pub(crate) fn delimiter_hint(format: Option<Format>) -> Option<u8> {
    match format {
        Some(Format::Tsv) => Some(b'\t'),
        Some(Format::Csv) => Some(b','),
        _ => None,
    }
}

/// The first line of `input` (without a UTF-8 BOM), at most `limit` bytes, and the input
/// positioned at its start again.
fn peek_first_line(
    mut input: Stream,
    name: &str,
    limit: usize,
) -> Result<(Vec<u8>, Stream), Error> {
    let mut first_line = Vec::new();
    (&mut input)
        .take(limit as u64 + 1)
        .read_until(b'\n', &mut first_line)
        .map_err(|source| Error::Read {
            name: name.to_owned(),
            after: String::new(),
            source,
        })?;
    if first_line.starts_with(b"\xef\xbb\xbf") {
        first_line.drain(..3);
    }
    let rest: Stream = Box::new(Cursor::new(first_line.clone()).chain(input));
    Ok((first_line, rest))
}

/// The delimiters sniffing chooses from.
const CANDIDATES: [u8; 4] = [b'\t', b',', b';', b'|'];

/// How often each candidate occurs in `line` outside quotes.
fn count_candidates(line: &[u8]) -> [usize; 4] {
    let mut counts = [0usize; 4];
    let mut in_quotes = false;
    for &byte in line {
        if byte == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes {
            if let Some(i) = CANDIDATES.iter().position(|&c| c == byte) {
                counts[i] += 1;
            }
        }
    }
    counts
}

/// Picks the delimiter of a header line: the most frequent of tab, comma, semicolon and
/// pipe outside quotes; on a tie (or none) the one the format suggests, else comma.
fn sniff_delimiter(header_line: &[u8], hint: Option<u8>) -> u8 {
    let counts = count_candidates(header_line);
    let best = counts.iter().copied().max().unwrap_or(0);
    let preferred = hint.unwrap_or(b',');
    if best == 0 {
        return preferred;
    }
    let preferred_count = CANDIDATES
        .iter()
        .position(|&c| c == preferred)
        .map_or(0, |i| counts[i]);
    if preferred_count == best {
        return preferred;
    }
    CANDIDATES[counts.iter().position(|&c| c == best).unwrap_or(0)]
}

/// A header of one column that holds another delimiter means the delimiter given is not the
/// file's (`-d tab` on a comma file would score whole lines as posts): an error naming the
/// delimiter seen.
fn check_single_column(header_line: &[u8], delimiter: u8, name: &str) -> Result<(), Error> {
    let counts = count_candidates(header_line);
    let seen = CANDIDATES
        .iter()
        .zip(counts)
        .filter(|&(&c, count)| c != delimiter && count > 0)
        .max_by_key(|&(_, count)| count);
    match seen {
        None => Ok(()),
        Some((&seen, count)) => Err(Error::WrongDelimiter {
            name: name.to_owned(),
            used: describe_delimiter(delimiter),
            seen: describe_delimiter(seen),
            count,
        }),
    }
}

/// `tab`, or the character quoted: as messages name a delimiter and as `-d` takes it.
fn describe_delimiter(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tab".to_owned(),
        other => format!("'{}'", char::from(other)),
    }
}

impl Delimited {
    /// Checks a record: kept whole, as many fields as the header, every field UTF-8.
    ///
    /// # Errors
    ///
    /// The reason the record cannot be used.
    pub fn check(&self, record: &Record) -> Result<(), String> {
        if let Some(defect) = record.defect {
            return Err(self.describe(defect, record));
        }
        if record.field_count != self.header.len() {
            return Err(format!(
                "{} fields, expected {} as in the header (check the delimiter and quoting)",
                record.field_count,
                self.header.len()
            ));
        }
        for (index, field) in record.fields().enumerate() {
            if let Err(e) = std::str::from_utf8(field) {
                return Err(format!(
                    "column {} is not valid UTF-8 (bad byte at offset {})",
                    self.column_name(index),
                    e.valid_up_to()
                ));
            }
        }
        Ok(())
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

    /// `2 ("text")`: a column as messages name it.
    pub fn column_name(&self, index: usize) -> String {
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
    pub fn raw(&self, record: &Record) -> Vec<u8> {
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

    fn options(delimiter: Option<u8>) -> DelimitedOptions {
        DelimitedOptions {
            delimiter,
            hint: None,
            quoting: true,
            max_field_bytes: 1000,
        }
    }

    fn open_bytes(
        bytes: &[u8],
        delimiter: Option<u8>,
    ) -> Result<(Delimited, RecordReader<Stream>), Error> {
        open(
            Box::new(Cursor::new(bytes.to_vec())),
            "test",
            options(delimiter),
        )
    }

    fn check_all(bytes: &[u8]) -> Vec<Result<Vec<String>, (u64, String)>> {
        let (delimited, mut records) = open_bytes(bytes, None).unwrap();
        let mut results = Vec::new();
        while let Some(record) = records.read().unwrap() {
            results.push(
                delimited
                    .check(&record)
                    .map(|()| {
                        record
                            .fields()
                            .map(|f| String::from_utf8_lossy(f).into_owned())
                            .collect()
                    })
                    .map_err(|reason| (record.line, reason)),
            );
        }
        results
    }

    #[test]
    fn header_with_bom_and_detected_tab() {
        let (delimited, _) =
            open_bytes(b"\xef\xbb\xbfid\ttext\n1\t\xec\x95\x88\xeb\x85\x95\n", None).unwrap();
        assert_eq!(delimited.header, ["id", "text"]);
        assert_eq!(delimited.delimiter, b'\t');
    }

    #[test]
    fn empty_and_binary_inputs_are_clear_errors() {
        let empty = open_bytes(b"", None).err().unwrap().to_string();
        assert!(empty.contains("empty"), "{empty}");
        let binary = open_bytes(b"\xff\xfe\x00garbage,\x80\n", None)
            .err()
            .unwrap()
            .to_string();
        assert!(binary.contains("not UTF-8"), "{binary}");
    }

    #[test]
    fn a_given_delimiter_that_leaves_one_column_holding_another_is_an_error() {
        let error = open_bytes(b"id,text,label\n1,a,0\n", Some(b'\t'))
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("split on tab"), "{error}");
        assert!(error.contains("`-d ','`"), "{error}");
        // A real one-column file is fine, whatever its rows hold.
        let (delimited, _) = open_bytes(b"text\na, b; c\n", Some(b'\t')).unwrap();
        assert_eq!(delimited.header, ["text"]);
    }

    #[test]
    fn rejections_name_reasons() {
        let results = check_all(b"id,text\n1,good\n2,bad\xff\n3\n4,   \n5,\"a\nb\"\n");
        assert_eq!(results[0], Ok(vec!["1".into(), "good".into()]));
        let errors: Vec<_> = results.iter().filter_map(|r| r.clone().err()).collect();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].0, 3);
        assert!(errors[0].1.contains("not valid UTF-8"));
        assert_eq!(errors[1].0, 4);
        assert!(errors[1].1.contains("1 fields, expected 2"));
        // A blank text is a row like any other here; what it means is the command's call.
        assert_eq!(results[3], Ok(vec!["4".into(), "   ".into()]));
        assert_eq!(results[4], Ok(vec!["5".into(), "a\nb".into()]));
    }

    #[test]
    fn spots_tsv_rows_swallowed_by_a_quote() {
        let input = "id\ttext\n1\t\"인용으로 시작\n2\t다음 행\n3\t\"끝\"\n4\t\"여러\n줄\"\n";
        let (delimited, mut records) = open_bytes(input.as_bytes(), None).unwrap();
        let mut flags = Vec::new();
        while let Some(record) = records.read().unwrap() {
            flags.push(delimited.looks_like_swallowed_rows(&record));
        }
        assert_eq!(flags, [true, false]);
    }

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff_delimiter(b"id\ttext\tlabel", Some(b',')), b'\t');
        assert_eq!(sniff_delimiter(b"id,\"a\tb\",text", None), b',');
        assert_eq!(sniff_delimiter(b"text", Some(b'\t')), b'\t');
        assert_eq!(sniff_delimiter(b"text", None), b',');
        assert_eq!(sniff_delimiter(b"a;b,c", Some(b',')), b',');
        assert_eq!(sniff_delimiter(b"a;b;c,d", None), b';');
    }
}
