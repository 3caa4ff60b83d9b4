//! Labeled data for `train` and `eval`: which file, which columns, how it is delimited.

use anyhow::Context;
use clap::{Args, ValueEnum};
use nunchi_score::dataset::{
    read_examples, ColumnRef, DataWarning, Dataset, DatasetFormat, LabelMapping,
};

use crate::commands::classify::TableArgs;
use crate::input::{self, InputPath};
use crate::table::{detect_delimiter, ColumnSpec};

/// Warnings shown on stderr; the rest are counted.
const WARNINGS_SHOWN: usize = 20;

/// A labeled CSV/TSV file and how to read it.
#[derive(Debug, Args)]
pub struct LabeledArgs {
    /// Labeled CSV/TSV (gzip or zstd compressed is fine), `-` for stdin.
    #[arg(value_parser = InputPath::parse, value_name = "INPUT")]
    pub input: InputPath,
    /// The text column: a header name or a 1-based position.
    #[arg(long, default_value = "document", value_parser = ColumnSpec::parse, value_name = "COLUMN")]
    pub text_column: ColumnSpec,
    /// The label column: a header name or a 1-based position.
    #[arg(long, default_value = "label", value_parser = ColumnSpec::parse, value_name = "COLUMN")]
    pub label_column: ColumnSpec,
    /// How label values read.
    #[arg(long, value_enum, default_value_t = LabelValues::Binary)]
    pub labels: LabelValues,
    #[command(flatten)]
    pub table: TableArgs,
}

/// Reads the labeled examples, showing the loader's warnings (with their lines) on stderr.
///
/// # Errors
///
/// The file cannot be read, or is not a labeled table.
pub fn read_labeled(args: &LabeledArgs) -> anyhow::Result<Dataset> {
    let opened = input::open(&args.input)?;
    let name = args.input.file().map(|p| p.to_string_lossy().into_owned());
    let (delimiter, reader) =
        detect_delimiter(opened.reader, name.as_deref(), &args.table.options())
            .with_context(|| format!("cannot read {}", args.input.display_name()))?;
    let format = DatasetFormat {
        delimiter,
        quoting: !args.table.no_quoting,
        text_column: column_ref(&args.text_column),
        label_column: column_ref(&args.label_column),
        has_header: true,
        labels: args.labels.mapping(),
    };
    let dataset = read_examples(reader, &format).with_context(|| {
        format!(
            "cannot read labeled examples from {}: check --text-column, --label-column and \
             --no-quoting",
            args.input.display_name()
        )
    })?;
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

fn column_ref(spec: &ColumnSpec) -> ColumnRef {
    match spec {
        ColumnSpec::Name(name) => ColumnRef::Name(name.clone()),
        ColumnSpec::Position(position) => ColumnRef::Index(position - 1),
    }
}
