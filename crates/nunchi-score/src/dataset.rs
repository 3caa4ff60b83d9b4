//! Labeled data files → [`Example`]s, with counted warnings that name lines.
//!
//! Reads delimited text with a header (TSV, CSV), columns chosen by name or index, through
//! the `csv` crate: CRLF line ends are accepted, and `quoting: false` reads formats such as
//! NSMC's that must be split on the delimiter with no quote handling.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;

use serde::Serialize;

use crate::error::Error;
use crate::label::Label;

/// One labeled post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The post.
    pub text: String,
    /// Its label.
    pub label: Label,
    /// 1-based line number in the source file (0 when not from a file).
    pub line: u64,
}

/// A column of the data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnRef {
    /// By header name (exact, after trimming).
    Name(String),
    /// By 0-based position.
    Index(usize),
}

/// How label strings map to [`Label`]s. Matching ignores surrounding whitespace and case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelMapping {
    pairs: Vec<(String, Label)>,
}

impl LabelMapping {
    /// `0`/`1` for negative/positive (NSMC, KoBEST), plus the names `negative`, `neutral`,
    /// `positive` and `neg`, `neu`, `pos`.
    pub fn binary_digits_and_names() -> Self {
        let mut pairs = vec![("0".into(), Label::Negative), ("1".into(), Label::Positive)];
        pairs.extend(Self::names().pairs);
        LabelMapping { pairs }
    }

    /// The names `negative`, `neutral`, `positive` and `neg`, `neu`, `pos` only.
    pub fn names() -> Self {
        let mut pairs = Vec::new();
        for label in Label::ALL {
            pairs.push((label.as_str().to_owned(), label));
            pairs.push((label.as_str()[..3].to_owned(), label));
        }
        LabelMapping { pairs }
    }

    /// `-1`, `0`, `1` for negative, neutral, positive.
    pub fn signed() -> Self {
        LabelMapping {
            pairs: vec![
                ("-1".into(), Label::Negative),
                ("0".into(), Label::Neutral),
                ("1".into(), Label::Positive),
            ],
        }
    }

    /// A custom mapping, e.g. `[("1", Negative), ("3", Neutral), ("5", Positive)]`.
    pub fn custom(pairs: impl IntoIterator<Item = (String, Label)>) -> Self {
        LabelMapping {
            pairs: pairs.into_iter().collect(),
        }
    }

    /// The label for `raw`, if mapped.
    pub fn map(&self, raw: &str) -> Option<Label> {
        let raw = raw.trim();
        self.pairs
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(raw))
            .map(|&(_, label)| label)
    }
}

impl Default for LabelMapping {
    fn default() -> Self {
        Self::binary_digits_and_names()
    }
}

/// The layout of a labeled data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetFormat {
    /// Field delimiter (`b'\t'`, `b','`).
    pub delimiter: u8,
    /// Whether fields may be quoted (CSV). `false` splits on the delimiter only (NSMC).
    pub quoting: bool,
    /// Whether the first line is a header (needed for columns by name).
    pub has_header: bool,
    /// The column with the post text.
    pub text_column: ColumnRef,
    /// The column with the label.
    pub label_column: ColumnRef,
    /// How label values map to labels.
    pub labels: LabelMapping,
}

impl DatasetFormat {
    /// TAB-separated with a header and quote handling, columns by name.
    pub fn tsv(text_column: &str, label_column: &str) -> Self {
        DatasetFormat {
            delimiter: b'\t',
            quoting: true,
            has_header: true,
            text_column: ColumnRef::Name(text_column.into()),
            label_column: ColumnRef::Name(label_column.into()),
            labels: LabelMapping::default(),
        }
    }

    /// Comma-separated with a header and quote handling, columns by name.
    pub fn csv(text_column: &str, label_column: &str) -> Self {
        DatasetFormat {
            delimiter: b',',
            ..Self::tsv(text_column, label_column)
        }
    }

    /// NSMC (`ratings_*.txt`): TAB, header `id document label`, no quote handling, 0/1.
    pub fn nsmc() -> Self {
        DatasetFormat {
            quoting: false,
            ..Self::tsv("document", "label")
        }
    }

    /// KoBEST SentiNeg (`train.tsv`, `dev.tsv`): TAB, CRLF, columns `Text` and `Label`.
    pub fn kobest_sentineg() -> Self {
        Self::tsv("Text", "Label")
    }
}

/// What kind of problem a [`DataWarning`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningKind {
    /// The text is empty or only whitespace; the row was skipped.
    EmptyText,
    /// The label is not in the mapping; the row was skipped.
    UnknownLabel,
    /// The row has too few fields; it was skipped.
    MissingField,
    /// The row is not valid UTF-8; it was skipped.
    InvalidUtf8,
    /// The same text occurred earlier with the same label; the row was dropped.
    Duplicate,
    /// The same text occurs with different labels; all its rows were dropped.
    ConflictingLabels,
}

/// A problem with one row of the data, which was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataWarning {
    /// 1-based line number.
    pub line: u64,
    /// The kind of problem.
    pub kind: WarningKind,
    /// A human-readable explanation.
    pub message: String,
}

impl std::fmt::Display for DataWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Counts of warnings by kind.
pub fn count_warnings(warnings: &[DataWarning]) -> BTreeMap<WarningKind, usize> {
    let mut counts = BTreeMap::new();
    for w in warnings {
        *counts.entry(w.kind).or_insert(0) += 1;
    }
    counts
}

/// The examples read from a file and the rows that were skipped.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// The usable examples, in file order.
    pub examples: Vec<Example>,
    /// One warning per skipped row.
    pub warnings: Vec<DataWarning>,
}

/// Reads labeled examples. Rows with an empty text, an unknown label, missing fields or
/// invalid UTF-8 are skipped with a warning naming their line.
///
/// # Errors
///
/// [`Error::Dataset`] if a named column is not in the header, a column index needs a header
/// that is missing, or the file has no header line; [`Error::Io`] if reading fails.
pub fn read_examples(r: impl Read, format: &DatasetFormat) -> Result<Dataset, Error> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(format.delimiter)
        .quoting(format.quoting)
        .has_headers(format.has_header)
        .flexible(true)
        .from_reader(r);
    let (text_at, label_at) = if format.has_header {
        let header = reader.byte_headers().map_err(read_error)?.clone();
        if header.is_empty() {
            return Err(Error::Dataset("the file is empty: no header line".into()));
        }
        (
            resolve(&format.text_column, &header)?,
            resolve(&format.label_column, &header)?,
        )
    } else {
        (
            index_only(&format.text_column)?,
            index_only(&format.label_column)?,
        )
    };
    let mut dataset = Dataset::default();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(read_error(e)),
        }
        let line = record.position().map_or(0, |p| p.line());
        let mut warn = |kind, message: String| {
            dataset.warnings.push(DataWarning {
                line,
                kind,
                message,
            })
        };
        let (Some(text), Some(raw_label)) = (record.get(text_at), record.get(label_at)) else {
            if record.len() > 1 || record.get(0).is_some_and(|f| !f.is_empty()) {
                warn(
                    WarningKind::MissingField,
                    format!(
                        "{} field(s), too few for the text and label columns",
                        record.len()
                    ),
                );
            }
            continue;
        };
        let (Ok(text), Ok(raw_label)) = (std::str::from_utf8(text), std::str::from_utf8(raw_label))
        else {
            warn(WarningKind::InvalidUtf8, "not valid UTF-8".into());
            continue;
        };
        let Some(label) = format.labels.map(raw_label) else {
            warn(
                WarningKind::UnknownLabel,
                format!("unknown label {raw_label:?}"),
            );
            continue;
        };
        if text.trim().is_empty() {
            warn(WarningKind::EmptyText, "empty text".into());
            continue;
        }
        dataset.examples.push(Example {
            text: text.to_owned(),
            label,
            line,
        });
    }
    Ok(dataset)
}

/// Reads labeled examples from a file; see [`read_examples`].
///
/// # Errors
///
/// As [`read_examples`], and [`Error::Io`] if the file cannot be opened.
pub fn read_examples_path(
    path: impl AsRef<Path>,
    format: &DatasetFormat,
) -> Result<Dataset, Error> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    read_examples(std::io::BufReader::with_capacity(1 << 16, file), format)
}

/// Drops exact duplicate texts (keeping the first) and every row of a text that occurs with
/// different labels, returning the kept examples and a warning per dropped row.
pub fn deduplicate(examples: &[Example]) -> (Vec<Example>, Vec<DataWarning>) {
    let mut labels_by_text: HashMap<&str, (Label, bool)> = HashMap::new();
    for e in examples {
        labels_by_text
            .entry(e.text.trim())
            .and_modify(|(first, conflict)| *conflict |= *first != e.label)
            .or_insert((e.label, false));
    }
    let mut seen: HashMap<&str, u64> = HashMap::new();
    let mut kept = Vec::with_capacity(examples.len());
    let mut warnings = Vec::new();
    for e in examples {
        let text = e.text.trim();
        if labels_by_text[text].1 {
            warnings.push(DataWarning {
                line: e.line,
                kind: WarningKind::ConflictingLabels,
                message: format!("text also occurs with another label: {:?}", truncate(text)),
            });
        } else if let Some(first) = seen.get(text) {
            warnings.push(DataWarning {
                line: e.line,
                kind: WarningKind::Duplicate,
                message: format!("duplicate of line {first}"),
            });
        } else {
            seen.insert(text, e.line);
            kept.push(e.clone());
        }
    }
    (kept, warnings)
}

fn truncate(text: &str) -> &str {
    match text.char_indices().nth(40) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

fn resolve(column: &ColumnRef, header: &csv::ByteRecord) -> Result<usize, Error> {
    match column {
        ColumnRef::Index(i) if *i < header.len() => Ok(*i),
        ColumnRef::Index(i) => Err(Error::Dataset(format!(
            "column index {i} is out of range: the header has {} columns",
            header.len()
        ))),
        ColumnRef::Name(name) => header
            .iter()
            .position(|h| {
                String::from_utf8_lossy(h)
                    .trim()
                    .trim_start_matches('\u{feff}')
                    == name
            })
            .ok_or_else(|| {
                let names: Vec<_> = header.iter().map(String::from_utf8_lossy).collect();
                Error::Dataset(format!("no column {name:?} in the header {names:?}"))
            }),
    }
}

fn index_only(column: &ColumnRef) -> Result<usize, Error> {
    match column {
        ColumnRef::Index(i) => Ok(*i),
        ColumnRef::Name(name) => Err(Error::Dataset(format!(
            "column {name:?} is named but the format has no header"
        ))),
    }
}

fn read_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(source) => Error::io("reading the dataset", source),
        other => Error::Dataset(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nsmc_format_keeps_quotes_and_warns_with_line_numbers() {
        let data = "id\tdocument\tlabel\n1\t\"\"\"좋다\"\"\t1\n2\t\t0\n3\t별로\t7\n4\t싫다\t0\n5\n";
        let ds = read_examples(data.as_bytes(), &DatasetFormat::nsmc()).unwrap();
        let texts: Vec<_> = ds
            .examples
            .iter()
            .map(|e| (e.text.as_str(), e.label, e.line))
            .collect();
        assert_eq!(
            texts,
            [
                ("\"\"\"좋다\"\"", Label::Positive, 2),
                ("싫다", Label::Negative, 5)
            ]
        );
        let kinds: Vec<_> = ds.warnings.iter().map(|w| (w.line, w.kind)).collect();
        assert_eq!(
            kinds,
            [
                (3, WarningKind::EmptyText),
                (4, WarningKind::UnknownLabel),
                (6, WarningKind::MissingField)
            ]
        );
    }

    #[test]
    fn columns_by_name_in_any_order_with_crlf() {
        let data = "ID\tLabel\tText\r\n1\t1\t배송 빠르고 좋아요\r\n2\t0\t별로예요\r\n";
        let ds = read_examples(data.as_bytes(), &DatasetFormat::kobest_sentineg()).unwrap();
        assert_eq!(ds.examples.len(), 2);
        assert_eq!(ds.examples[0].text, "배송 빠르고 좋아요");
        assert_eq!(ds.examples[1].label, Label::Negative);
        assert!(ds.warnings.is_empty());
    }

    #[test]
    fn missing_column_is_an_error() {
        let err = read_examples("a\tb\n".as_bytes(), &DatasetFormat::nsmc()).unwrap_err();
        assert!(matches!(err, Error::Dataset(_)), "{err}");
        assert!(read_examples("".as_bytes(), &DatasetFormat::nsmc()).is_err());
    }

    #[test]
    fn csv_quoting_and_indices() {
        let data = "\"좋아요, 정말\",pos\n별로,neg\n";
        let format = DatasetFormat {
            has_header: false,
            text_column: ColumnRef::Index(0),
            label_column: ColumnRef::Index(1),
            ..DatasetFormat::csv("", "")
        };
        let ds = read_examples(data.as_bytes(), &format).unwrap();
        assert_eq!(ds.examples[0].text, "좋아요, 정말");
        assert_eq!(ds.examples[0].label, Label::Positive);
        assert_eq!(ds.examples[1].line, 2);
    }

    #[test]
    fn deduplicate_drops_repeats_and_conflicts() {
        let ex = |text: &str, label, line| Example {
            text: text.into(),
            label,
            line,
        };
        let examples = [
            ex("a", Label::Positive, 2),
            ex("b", Label::Negative, 3),
            ex("a", Label::Positive, 4),
            ex("c", Label::Negative, 5),
            ex("c", Label::Positive, 6),
        ];
        let (kept, warnings) = deduplicate(&examples);
        assert_eq!(kept.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 3]);
        let kinds: Vec<_> = warnings.iter().map(|w| (w.line, w.kind)).collect();
        assert_eq!(
            kinds,
            [
                (4, WarningKind::Duplicate),
                (5, WarningKind::ConflictingLabels),
                (6, WarningKind::ConflictingLabels)
            ]
        );
    }
}
