//! `nunchi classify`: label every post of a table (CSV, TSV, JSON Lines, Parquet),
//! streaming, in parallel, in input order.

use std::path::Path;

use anyhow::Context;
use clap::Args;
use nunchi_score::{Label, Model, Prediction, Scorer};
use nunchi_table::{
    carried_names, Added, AddedColumn, AddedKind, ColumnSpec, EvidenceTerm, Format, InputPath,
    Output, QuoteWarnings, RejectSink, Rejection, Row, Schema, TableWriter,
};

use crate::args::{
    check_outputs, parse_column, parse_format, parse_input, OutputArg, QuietArg, RejectArgs,
    TableArgs,
};
use crate::commands::model::{load_model, ModelArg};
use crate::pipeline::{self, Chunking, Flow, Processed, RowStage};
use crate::posts::{evidence_terms, open_posts, Flag, Posts};
use crate::report::Summary;
use crate::Outcome;

/// Arguments of `nunchi classify`.
#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// Input table: CSV/TSV, JSON Lines or Parquet (gzip or zstd compressed is fine for the
    /// text formats), `-` for stdin.
    #[arg(default_value = "-", value_parser = parse_input, value_name = "INPUT")]
    pub input: InputPath,
    #[command(flatten)]
    pub output: OutputArg,
    /// Output format: csv, tsv, jsonl or parquet [default: from the output's extension,
    /// else csv].
    #[arg(short, long, value_parser = parse_format, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// The column holding the post: a header name, a dotted JSON path (`data.text`) or a
    /// 1-based position [default: the first column named text, document, content, body,
    /// message, post, comment, tweet or review; for JSON Lines, Twitter's v2 and v1.1
    /// fields first].
    #[arg(short = 'c', long, value_parser = parse_column, value_name = "COLUMN")]
    pub text_column: Option<ColumnSpec>,
    #[command(flatten)]
    pub table: TableArgs,
    /// Add the K strongest evidence terms of each prediction: an `evidence` column holding
    /// a JSON array of {"term", "weight", "start", "end"} objects (a character span in the
    /// post), in every format (a list of structs in Parquet).
    #[arg(long, value_name = "K")]
    pub explain: Option<usize>,
    #[command(flatten)]
    pub model: ModelArg,
    #[command(flatten)]
    pub rejects: RejectArgs,
    #[command(flatten)]
    pub quiet: QuietArg,
}

/// Runs the command.
///
/// # Errors
///
/// Bad arguments, an unreadable model or input, or an unwritable output.
pub fn run(args: &ClassifyArgs) -> anyhow::Result<Outcome> {
    check_outputs(
        args.output.output.as_deref(),
        &[("--errors", args.rejects.errors.as_deref())],
    )?;
    let model = load_model(&args.model)?;
    let Posts {
        progress,
        schema,
        mut rows,
        text,
    } = open_posts(
        &args.input,
        &args.table,
        args.text_column.as_ref(),
        args.quiet.quiet,
    )?;
    let output_path = args.output.output.as_deref();
    let format = args.format.unwrap_or_else(|| output_format(output_path));
    let added = AddedColumns::new(&carried_names(&schema, format), args.explain.is_some());
    if let (Some(note), false) = (&added.renamed_note, args.quiet.quiet) {
        progress.println(note);
    }
    let output = Output::create(output_path)?;
    let mut writer = TableWriter::new(output, format, &schema, &text, &added.columns)
        .context("cannot write the output")?;
    let mut rejects = RejectSink::create(args.rejects.errors.as_deref(), schema.format())?;
    let mut quotes = QuoteWarnings::default();
    let mut label_counts = [0u64; 3];
    let (mut rows_out, mut flagged) = (0u64, 0u64);
    let mut stopped_at = None;

    let stage = ClassifyStage {
        model: &model,
        schema: &schema,
        text: &text,
        explain: args.explain,
        clash_keys: match (schema.format(), format) {
            (Format::Jsonl, Format::Jsonl) => added.names().map(str::to_owned).collect(),
            _ => Vec::new(),
        },
    };
    let end = pipeline::run(&mut rows, &stage, Chunking::default(), |chunk| {
        for Processed { row, output } in chunk {
            match output {
                Ok(classified) => {
                    let hint = schema.quote_hint(&row);
                    if let Some(warning) = hint.and_then(|h| quotes.note(row.position(), h)) {
                        progress.println(&warning);
                    }
                    writer
                        .write(&row, &added.values(&classified))
                        .context("cannot write the output")?;
                    label_counts[classified.prediction.label.index()] += 1;
                    flagged += u64::from(classified.flag.is_some());
                    rows_out += 1;
                }
                Err(rejection) => {
                    if let Some(line) = rejects.add(&rejection)? {
                        progress.println(&line);
                    }
                    if args.rejects.strict {
                        stopped_at = Some(rejection.position);
                        return Ok(Flow::Stop);
                    }
                }
            }
        }
        progress.update(rows_out + rejects.count());
        Ok(Flow::Continue)
    })?;
    progress.finish();
    if let Some(summary) = quotes.summary() {
        eprintln!("{summary}");
    }
    let rows_rejected = rejects.count();
    let rejects_file = rejects.file_name();
    if let Some(line) = rejects.finish()? {
        progress.println(&line);
    }
    if let Some(position) = stopped_at {
        eprintln!(
            "nunchi: stopped at the rejected row on {position} (--strict); {} written",
            if output_path.is_some() {
                "no output was"
            } else {
                "the rows before it were"
            }
        );
        return Ok(Outcome::RowsRejected);
    }
    let output = writer.finish().context("cannot write the output")?;
    if rows_out + rows_rejected != end.rows_read {
        anyhow::bail!(
            "internal error: {} rows read but {rows_out} written and {rows_rejected} rejected; \
             the output was not written",
            end.rows_read
        );
    }
    output.commit()?;
    if !args.quiet.quiet {
        let summary = Summary {
            rows_in: end.rows_read,
            rows_out,
            rows_rejected,
            rows_flagged: flagged,
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

/// The output format an output file's name says, else CSV.
fn output_format(output: Option<&Path>) -> Format {
    output.and_then(Format::from_path).unwrap_or(Format::Csv)
}

/// A post's prediction, with its evidence as character spans and its flag.
struct Classified {
    prediction: Prediction,
    evidence: Vec<EvidenceTerm>,
    flag: Option<Flag>,
}

/// Scores checked rows; one [`Scorer`] per pool thread.
struct ClassifyStage<'a> {
    model: &'a Model,
    schema: &'a Schema,
    text: &'a nunchi_table::Column,
    explain: Option<usize>,
    /// Keys classify adds to JSON objects: an object that has one already is rejected.
    clash_keys: Vec<String>,
}

impl<'a> RowStage for ClassifyStage<'a> {
    type Worker = Scorer<'a>;
    type Output = Result<Classified, Rejection>;

    fn worker(&self) -> anyhow::Result<Scorer<'a>> {
        Ok(self.model.scorer())
    }

    fn process(&self, scorer: &mut Scorer<'a>, row: &Row) -> Self::Output {
        self.schema.check(row)?;
        if let Some(key) = self
            .clash_keys
            .iter()
            .find(|key| self.schema.has_key(row, key))
        {
            return Err(self.schema.reject(
                row,
                format!(
                    "the object has a key {key:?}, which classify adds (the first row had \
                     none, so the added keys are not prefixed with nunchi_)"
                ),
            ));
        }
        let value = self.schema.text(row, self.text)?;
        let text = value.as_text().unwrap_or_default();
        let prediction = scorer
            .explain(text, self.explain.unwrap_or(0))
            .map_err(|e| {
                self.schema
                    .reject(row, format!("cannot score the text: {e}"))
            })?;
        Ok(Classified {
            evidence: evidence_terms(text, &prediction.evidence),
            flag: Flag::of(&value, &prediction),
            prediction,
        })
    }

    fn panicked(&self, row: &Row) -> Self::Output {
        // Nothing of the row is looked at here: it may be what made processing panic.
        Err(Rejection {
            position: row.position(),
            reason: "internal error while processing this row (please report it)".into(),
            raw: Vec::new(),
        })
    }
}

/// The columns classify adds after the input's. Every label gets a probability column: a
/// model trained on negative and positive posts only still says neutral (by its rule).
struct AddedColumns {
    columns: Vec<AddedColumn>,
    explain: bool,
    /// Set when a name clashed with an input column and the added ones were prefixed.
    renamed_note: Option<String>,
}

impl AddedColumns {
    fn new(carried: &[String], explain: bool) -> Self {
        let mut base = vec![
            ("label".to_owned(), AddedKind::Text),
            ("polarity".to_owned(), AddedKind::Number),
        ];
        base.extend(
            Label::ALL
                .iter()
                .map(|label| (format!("p_{label}"), AddedKind::Number)),
        );
        base.push(("confidence".to_owned(), AddedKind::Number));
        if explain {
            base.push(("evidence".to_owned(), AddedKind::Evidence));
        }
        base.push(("flag".to_owned(), AddedKind::Text));
        let clash = base
            .iter()
            .find(|(name, _)| carried.contains(name))
            .map(|(name, _)| name.clone());
        let prefix = if clash.is_some() { "nunchi_" } else { "" };
        let columns = base
            .into_iter()
            .map(|(name, kind)| AddedColumn::new(format!("{prefix}{name}"), kind))
            .collect();
        AddedColumns {
            columns,
            explain,
            renamed_note: clash.map(|name| {
                format!(
                    "nunchi: the input already has a column {name:?}: the added columns are \
                     named nunchi_label, nunchi_polarity, ..."
                )
            }),
        }
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|column| column.name.as_str())
    }

    /// A row's values, in column order.
    fn values<'c>(&self, classified: &'c Classified) -> Vec<Added<'c>> {
        let prediction = &classified.prediction;
        let mut values = Vec::with_capacity(self.columns.len());
        values.push(Added::Text(prediction.label.as_str()));
        values.push(Added::Number(prediction.polarity));
        for label in Label::ALL {
            values.push(Added::Number(prediction.probabilities[label.index()]));
        }
        values.push(Added::Number(prediction.confidence));
        if self.explain {
            values.push(Added::Evidence(&classified.evidence));
        }
        values.push(
            classified
                .flag
                .map_or(Added::Missing, |flag| Added::Text(flag.as_str())),
        );
        values
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_follows_the_output_extension() {
        assert_eq!(output_format(Some(Path::new("a.TSV"))), Format::Tsv);
        assert_eq!(output_format(Some(Path::new("a.jsonl"))), Format::Jsonl);
        assert_eq!(output_format(Some(Path::new("a.parquet"))), Format::Parquet);
        assert_eq!(output_format(Some(Path::new("a.txt"))), Format::Csv);
        assert_eq!(output_format(None), Format::Csv);
    }

    #[test]
    fn added_columns_are_prefixed_on_a_clash() {
        let plain = AddedColumns::new(&["id".into(), "text".into()], true);
        let names: Vec<&str> = plain.names().collect();
        assert_eq!(
            names,
            [
                "label",
                "polarity",
                "p_negative",
                "p_neutral",
                "p_positive",
                "confidence",
                "evidence",
                "flag"
            ]
        );
        assert!(plain.renamed_note.is_none());
        let clashing = AddedColumns::new(&["flag".into()], false);
        assert!(clashing.names().all(|name| name.starts_with("nunchi_")));
        assert!(clashing.renamed_note.is_some());
    }
}
