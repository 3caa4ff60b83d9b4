//! Labeled data for `train` and `eval`: which table, which columns, how label values read.

use anyhow::Context;
use clap::{Args, ValueEnum};
use nunchi_score::dataset::{DataWarning, Dataset, LabelMapping};
use nunchi_table::{read_labeled, ColumnSpec, InputPath, QuoteWarnings, Table};

use crate::args::{parse_column, parse_input, TableArgs};

/// Warnings shown on stderr; the rest are counted.
const WARNINGS_SHOWN: usize = 20;

/// A labeled table and how to read it.
#[derive(Debug, Args)]
pub struct LabeledArgs {
    /// Labeled table: CSV/TSV, JSON Lines or Parquet (gzip or zstd compressed is fine for the
    /// text formats), `-` for stdin.
    #[arg(value_parser = parse_input, value_name = "INPUT")]
    pub input: InputPath,
    /// The text column: a header name, a dotted JSON path or a 1-based position.
    #[arg(long, default_value = "document", value_parser = parse_column, value_name = "COLUMN")]
    pub text_column: ColumnSpec,
    /// The label column: a header name, a dotted JSON path or a 1-based position.
    #[arg(long, default_value = "label", value_parser = parse_column, value_name = "COLUMN")]
    pub label_column: ColumnSpec,
    /// How label values read.
    #[arg(long, value_enum, default_value_t = LabelValues::Binary)]
    pub labels: LabelValues,
    #[command(flatten)]
    pub table: TableArgs,
}

/// Reads the labeled examples, showing the rows skipped (with their lines) and the quote
/// warnings on stderr.
///
/// # Errors
///
/// The table cannot be read, or lacks a column.
pub fn read_labeled_args(args: &LabeledArgs) -> anyhow::Result<Dataset> {
    let name = args.input.display_name();
    let table = Table::open(&args.input, &args.table.options())?;
    let (mut dataset, labels) = (Dataset::default(), args.labels.mapping());
    let mut quotes = QuoteWarnings::default();
    read_labeled(table, Some(&args.text_column), &args.label_column, |row| {
        let warning = row.hint.and_then(|hint| quotes.note(row.position, hint));
        if let Some(warning) = warning {
            eprintln!("{warning}");
        }
        dataset.add(row.position.number(), row.texts(), &labels);
    })
    .with_context(|| {
        format!("cannot read labeled examples from {name}: check --text-column and --label-column")
    })?;
    if let Some(summary) = quotes.summary() {
        eprintln!("{summary}");
    }
    show_warnings(&dataset.warnings, "skipped rows");
    Ok(dataset)
}

/// Shows the first warnings (each names its line) on stderr and counts the rest.
pub fn show_warnings(warnings: &[DataWarning], what: &str) {
    for warning in warnings.iter().take(WARNINGS_SHOWN) {
        eprintln!("nunchi: {warning}");
    }
    if warnings.len() > WARNINGS_SHOWN {
        eprintln!(
            "nunchi: ... and {} more {what}",
            warnings.len() - WARNINGS_SHOWN
        );
    }
}

/// Label value conventions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LabelValues {
    /// `0`/`1` for negative/positive (NSMC, KoBEST), and the names below.
    Binary,
    /// `negative`/`neutral`/`positive` or `neg`/`neu`/`pos`, any case.
    Names,
    /// `-1`/`0`/`1` for negative/neutral/positive.
    Signed,
}

impl LabelValues {
    fn mapping(self) -> LabelMapping {
        match self {
            LabelValues::Binary => LabelMapping::binary_digits_and_names(),
            LabelValues::Names => LabelMapping::names(),
            LabelValues::Signed => LabelMapping::signed(),
        }
    }
}
