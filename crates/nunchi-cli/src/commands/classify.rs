//! `nunchi classify`: label every post of a CSV/TSV dump, streaming, in parallel, in order.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use nunchi_score::{Evidence, Label, Model, Prediction, Scorer};

use crate::commands::model::{load_model, ModelArg};
use crate::input::{self, InputPath};
use crate::output::{evidence_json, Cell, Format, Output, TableWriter};
use crate::pipeline::{self, Chunking, Flow, Processed, RecordStage};
use crate::records::Record;
use crate::rejects::RejectSink;
use crate::report::{Progress, Summary};
use crate::table::{
    open_table, resolve_text_column, ColumnSpec, Rejection, RowShape, Table, TableOptions,
};
use crate::Outcome;

/// Arguments of `nunchi classify`.
#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// Input CSV/TSV (gzip or zstd compressed is fine), `-` for stdin.
    #[arg(default_value = "-", value_parser = InputPath::parse, value_name = "INPUT")]
    pub input: InputPath,
    /// Output file, written atomically (a temporary file renamed at the end); stdout if
    /// absent or `-`.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format [default: from the output's extension (.tsv, .jsonl/.ndjson), else csv].
    #[arg(short, long, value_enum)]
    pub format: Option<Format>,
    /// The column holding the post: a header name or a 1-based position [default: the first
    /// column named text, document, content, body, message, post, comment, tweet or review].
    #[arg(short = 'c', long, value_parser = ColumnSpec::parse, value_name = "COLUMN")]
    pub text_column: Option<ColumnSpec>,
    #[command(flatten)]
    pub table: TableArgs,
    /// Add the K strongest evidence terms of each prediction (an `evidence` column).
    #[arg(long, value_name = "K")]
    pub explain: Option<usize>,
    #[command(flatten)]
    pub model: ModelArg,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Where rejected rows go and how much is said on stderr (shared with `trend`).
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Write rejected rows to this CSV (line, reason, raw record) instead of listing them on
    /// stderr.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,
    /// Stop at the first rejected row (exit code 2) instead of going on; a file output is
    /// then not written.
    #[arg(long)]
    pub strict: bool,
    /// No progress line and no summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// How to read a delimited input (shared with `train` and `eval`).
#[derive(Debug, Args)]
pub struct TableArgs {
    /// Input delimiter: one character, or `tab` [default: detected from the header line and
    /// the file extension].
    #[arg(short, long, value_parser = parse_delimiter, value_name = "CHAR")]
    pub delimiter: Option<u8>,
    /// Read `"` as a plain character, not CSV quoting (for NSMC-style files).
    #[arg(long)]
    pub no_quoting: bool,
    /// Longest field accepted, in bytes; longer ones reject their row.
    #[arg(long, default_value_t = 1 << 20, value_name = "BYTES")]
    pub max_field_bytes: usize,
}

/// Opens a table of posts: the input (decompressed), a progress line over its raw bytes, the
/// header with its delimiter, and the shape each row is checked against (shared with `trend`).
///
/// # Errors
///
/// An unreadable input or header, or a text column that is not there.
pub fn open_posts(
    input: &InputPath,
    table_args: &TableArgs,
    text_column: Option<&ColumnSpec>,
    quiet: bool,
) -> anyhow::Result<(Progress, Table, RowShape)> {
    let opened = input::open(input)?;
    let progress = Progress::new(quiet, opened.raw_size, opened.raw_consumed.clone());
    let file_name = input.file().map(|p| p.to_string_lossy().into_owned());
    let table = open_table(opened.reader, file_name.as_deref(), &table_args.options())
        .with_context(|| format!("cannot read {}", input.display_name()))?;
    let text_column = resolve_text_column(&table.header, text_column)?;
    let shape = RowShape {
        header: table.header.clone(),
        text_column,
        delimiter: table.delimiter,
        max_field_bytes: table_args.max_field_bytes,
    };
    Ok((progress, table, shape))
}

impl TableArgs {
    /// The table options these arguments give.
    pub fn options(&self) -> TableOptions {
        TableOptions {
            delimiter: self.delimiter,
            quoting: !self.no_quoting,
            max_field_bytes: self.max_field_bytes.max(1),
        }
    }
}

/// Parses `--delimiter`: a single ASCII character, or `tab` / `\t`.
pub fn parse_delimiter(arg: &str) -> Result<u8, String> {
    match arg {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if arg.len() == 1 && arg.is_ascii() && arg != "\"" && arg != "\n" => {
            Ok(arg.as_bytes()[0])
        }
        _ => Err(format!(
            "{arg:?} is not a delimiter: give one ASCII character such as , or ; or the word tab"
        )),
    }
}

/// Runs the command.
///
/// # Errors
///
/// Bad arguments, an unreadable model or input, or an unwritable output.
pub fn run(args: &ClassifyArgs) -> anyhow::Result<Outcome> {
    let model = load_model(&args.model)?;
    let (progress, mut table, shape) = open_posts(
        &args.input,
        &args.table,
        args.text_column.as_ref(),
        args.run.quiet,
    )?;
    let added = AddedColumns::new(&table.header, args.explain.is_some());
    if let Some(note) = &added.renamed_note {
        progress.println(note);
    }
    let format = args
        .format
        .unwrap_or_else(|| format_from_extension(args.output.as_deref()));
    let mut columns = table.header.clone();
    columns.extend(added.names.iter().cloned());
    let output = Output::create(args.output.as_deref())?;
    let mut writer =
        TableWriter::new(output, format, &columns).context("cannot write the output")?;
    let mut rejects = RejectSink::create(args.run.errors.as_deref())?;
    let mut label_counts = [0u64; 3];
    let mut rows_out = 0u64;
    let mut stopped_at = None;
    let mut swallowed = SwallowedRows::default();

    let stage = ClassifyStage {
        model: &model,
        shape: &shape,
        explain: args.explain,
    };
    let end = pipeline::run(&mut table.records, &stage, Chunking::default(), |chunk| {
        for Processed { record, output } in chunk {
            let checked = output
                .and_then(|prediction| shape.check(&record).map(|row| (row.fields, prediction)));
            match checked {
                Ok((fields, prediction)) => {
                    if shape.looks_like_swallowed_rows(&record) {
                        swallowed.note(&record, &progress);
                    }
                    writer
                        .write_row(&fields, &added.cells(&prediction, format))
                        .context("cannot write the output")?;
                    label_counts[prediction.label.index()] += 1;
                    rows_out += 1;
                }
                Err(rejection) => {
                    rejects.add(&rejection, &progress)?;
                    if args.run.strict {
                        stopped_at = Some(rejection.line);
                        return Ok(Flow::Stop);
                    }
                }
            }
        }
        progress.update(rows_out + rejects.count());
        Ok(Flow::Continue)
    })?;
    progress.finish();
    swallowed.report();
    let rows_rejected = rejects.count();
    let rejects_file = rejects.file_name();
    rejects.finish(&progress)?;
    if let Some(line) = stopped_at {
        eprintln!(
            "nunchi: stopped at the rejected row on line {line} (--strict); {} written",
            if args.output.is_some() {
                "no output was"
            } else {
                "the rows before it were"
            }
        );
        return Ok(Outcome::RowsRejected);
    }
    let output = writer.into_inner().context("cannot write the output")?;
    if rows_out + rows_rejected != end.records_read {
        anyhow::bail!(
            "internal error: {} rows read but {rows_out} written and {rows_rejected} rejected; \
             the output was not written",
            end.records_read
        );
    }
    output.commit()?;
    if !args.run.quiet {
        let summary = Summary {
            rows_in: end.records_read,
            rows_out,
            rows_rejected,
            labels: Label::ALL
                .iter()
                .map(|label| (label.to_string(), label_counts[label.index()]))
                .collect(),
            rejects_file,
            elapsed: progress.elapsed(),
        };
        eprintln!("{summary}");
    }
    Ok(Outcome::from_skipped(rows_rejected))
}

/// TSV records that look like several rows swallowed by a quote: the first is shown with its
/// lines, the rest counted, since they are not errors but likely a wrong quoting setting.
#[derive(Default)]
struct SwallowedRows {
    count: u64,
}

impl SwallowedRows {
    fn note(&mut self, record: &Record, progress: &Progress) {
        self.count += 1;
        if self.count == 1 {
            progress.println(&format!(
                "nunchi: warning: line {}: a quoted field runs to line {} and holds tabs, as if \
                 it swallowed rows; if quotes in this file are not CSV quoting, pass --no-quoting",
                record.line, record.end_line
            ));
        }
    }

    fn report(&self) {
        if self.count > 1 {
            eprintln!(
                "nunchi: warning: {} rows in all look like several rows swallowed by a quote \
                 (see --no-quoting)",
                self.count
            );
        }
    }
}

fn format_from_extension(output: Option<&Path>) -> Format {
    let extension = output
        .and_then(Path::extension)
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match extension.as_deref() {
        Some("tsv" | "tab") => Format::Tsv,
        Some("jsonl" | "ndjson") => Format::Jsonl,
        _ => Format::Csv,
    }
}

/// Scores checked records; one [`Scorer`] per rayon job.
struct ClassifyStage<'a> {
    model: &'a Model,
    shape: &'a RowShape,
    explain: Option<usize>,
}

impl<'a> RecordStage for ClassifyStage<'a> {
    type Worker = Scorer<'a>;
    type Output = Result<Prediction, Rejection>;

    fn worker(&self) -> anyhow::Result<Scorer<'a>> {
        Ok(self.model.scorer())
    }

    fn process(&self, scorer: &mut Scorer<'a>, record: &Record) -> Self::Output {
        let row = self.shape.check(record)?;
        let scored = match self.explain {
            Some(k) => scorer.explain(row.text, k),
            None => scorer.score(row.text),
        };
        scored.map_err(|e| {
            self.shape
                .reject(record, format!("cannot score the text: {e}"))
        })
    }

    fn panicked(&self, record: &Record) -> Self::Output {
        // Nothing of the record is touched here: it may be what made processing panic.
        Err(Rejection {
            line: record.line,
            reason: "internal error while processing this row (please report it)".into(),
            raw: Vec::new(),
        })
    }
}

/// The columns classify adds after the input's. Every label gets a probability column: a
/// model trained on negative and positive posts only still says neutral (by its rule).
struct AddedColumns {
    names: Vec<String>,
    explain: bool,
    /// Set when a name clashed with an input column and the added ones were prefixed.
    renamed_note: Option<String>,
}

impl AddedColumns {
    fn new(header: &[String], explain: bool) -> Self {
        let mut base = vec!["label".to_owned(), "polarity".to_owned()];
        base.extend(Label::ALL.iter().map(|label| format!("p_{label}")));
        base.push("confidence".to_owned());
        if explain {
            base.push("evidence".to_owned());
        }
        let clash = base.iter().find(|name| header.contains(name)).cloned();
        let (names, renamed_note) = match clash {
            None => (base, None),
            Some(name) => (
                base.iter().map(|n| format!("nunchi_{n}")).collect(),
                Some(format!(
                    "nunchi: the input already has a column {name:?}: the added columns are \
                     named nunchi_label, nunchi_polarity, ..."
                )),
            ),
        };
        AddedColumns {
            names,
            explain,
            renamed_note,
        }
    }

    fn cells(&self, prediction: &Prediction, format: Format) -> Vec<Cell> {
        let mut cells = Vec::with_capacity(self.names.len());
        cells.push(Cell::Text(prediction.label.to_string()));
        cells.push(Cell::Number(prediction.polarity));
        for label in Label::ALL {
            cells.push(Cell::Number(prediction.probabilities[label.index()]));
        }
        cells.push(Cell::Number(prediction.confidence));
        if self.explain {
            cells.push(evidence_cell(&prediction.evidence, format));
        }
        cells
    }
}

/// Evidence as `term +0.82; term -1.10` in a CSV/TSV cell, as an array of objects in JSON.
fn evidence_cell(evidence: &[Evidence], format: Format) -> Cell {
    let flat = evidence
        .iter()
        .map(|e| format!("{} {:+.2}", e.term, e.weight))
        .collect::<Vec<_>>()
        .join("; ");
    let json = if format == Format::Jsonl {
        evidence_json(evidence).into()
    } else {
        serde_json::Value::Null
    };
    Cell::Structured { flat, json }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_parse() {
        assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert!(parse_delimiter(",,").is_err());
        assert!(parse_delimiter("\"").is_err());
    }

    #[test]
    fn format_follows_the_output_extension() {
        assert_eq!(format_from_extension(Some(Path::new("a.TSV"))), Format::Tsv);
        assert_eq!(
            format_from_extension(Some(Path::new("a.jsonl"))),
            Format::Jsonl
        );
        assert_eq!(format_from_extension(None), Format::Csv);
    }
}
