//! `nunchi trend`: negative sentiment over time. Posts (or the output of `nunchi classify`)
//! are counted into time buckets per target, negative waves are detected as episodes, and
//! the series, the episodes and a chart are written, all together or none.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use nunchi_score::{Model, Scorer};
use nunchi_table::{
    Column, ColumnSpec, InputPath, Output, QuoteWarnings, RejectSink, Rejection, Role, Row, Schema,
};
use nunchi_tokenizer::{Analysis, Tokenizer, Worker};
use nunchi_trend::{
    analyze, parse_timestamp, BucketWidth, ChartOptions, Episode, Label, MonitorConfig,
    Observation, TargetMatcher, Trend, Zone,
};

use crate::args::{check_outputs, parse_column, parse_input, QuietArg, RejectArgs, TableArgs};
use crate::commands::model::{load_model, ModelArg};
use crate::pipeline::{self, Chunking, Flow, Processed, RowStage};
use crate::posts::{open_posts, Posts};
use crate::Outcome;

/// Arguments of `nunchi trend`.
#[derive(Debug, Args)]
pub struct TrendArgs {
    /// Input table of posts with their times: CSV/TSV, JSON Lines or Parquet (gzip or zstd
    /// compressed is fine for the text formats), `-` for stdin. The output of `nunchi
    /// classify` in any format (with `label` and `polarity` columns, and `evidence` with
    /// --explain) is taken as scored, without scoring again.
    #[arg(default_value = "-", value_parser = parse_input, value_name = "INPUT")]
    pub input: InputPath,
    /// The column holding the post's time: a header name, a dotted JSON path or a 1-based
    /// position [default: the first column named time, timestamp, created_at, date,
    /// datetime or posted_at; for JSON Lines, Twitter's created_at first]. RFC 3339,
    /// `2009-11-28 10:20:00`, Twitter's `Sat Nov 28 10:20:00 +0000 2009` and epoch seconds or
    /// milliseconds are read.
    #[arg(long, value_parser = parse_column, value_name = "COLUMN")]
    pub time_column: Option<ColumnSpec>,
    /// The column holding the post: a header name, a dotted JSON path or a 1-based position
    /// [default: as for classify].
    #[arg(short = 'c', long, value_parser = parse_column, value_name = "COLUMN")]
    pub text_column: Option<ColumnSpec>,
    /// Time zone for times without an offset, for day buckets and for the times written: an
    /// IANA name (Asia/Seoul), UTC, or an offset (+09:00).
    #[arg(long, default_value = "UTC", value_parser = parse_zone, value_name = "ZONE")]
    pub timezone: Zone,
    /// Bucket width: a whole number of s, m, h or d (30s, 10m, 1h, 2h, 1d).
    #[arg(long, default_value = "1h", value_parser = parse_width, value_name = "WIDTH")]
    pub bucket: BucketWidth,
    /// A brand, product or person to follow on its own (repeatable): it matches where a word
    /// or token starts with it, `KT` in `KT가` but not in `KTX`.
    #[arg(long = "target", value_name = "NAME")]
    pub targets: Vec<String>,
    /// Write the series (one CSV row per bucket and target with posts; a bucket without
    /// posts has no row) here [default: stdout]. Every output is written to a temporary file
    /// first, and all take their names together at the end, or none does.
    #[arg(short, long, alias = "out-series", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write the episodes (negative waves) as CSV here.
    #[arg(long, value_name = "FILE")]
    pub out_episodes: Option<PathBuf>,
    /// Write the whole trend (series, alerts, episodes) as JSON here.
    #[arg(long, value_name = "FILE")]
    pub out_json: Option<PathBuf>,
    /// Draw the series and episodes as an SVG chart here.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// Score the posts with the model even if the input has label and polarity columns.
    #[arg(long)]
    pub rescore: bool,
    /// Negative evidence terms kept per scored post, for the terms of buckets and episodes.
    #[arg(long, default_value_t = 5, value_name = "K")]
    pub terms: usize,
    #[command(flatten)]
    pub table: TableArgs,
    #[command(flatten)]
    pub model: ModelArg,
    #[command(flatten)]
    pub rejects: RejectArgs,
    #[command(flatten)]
    pub quiet: QuietArg,
}

fn parse_zone(arg: &str) -> Result<Zone, String> {
    arg.parse().map_err(|e: nunchi_trend::Error| e.to_string())
}

fn parse_width(arg: &str) -> Result<BucketWidth, String> {
    arg.parse().map_err(|e: nunchi_trend::Error| e.to_string())
}

/// Runs the command.
///
/// # Errors
///
/// Bad arguments, an unreadable model or input, or an unwritable output.
pub fn run(args: &TrendArgs) -> anyhow::Result<Outcome> {
    check_outputs(
        args.output.as_deref(),
        &[
            ("--out-episodes", args.out_episodes.as_deref()),
            ("--out-json", args.out_json.as_deref()),
            ("--chart", args.chart.as_deref()),
            ("--errors", args.rejects.errors.as_deref()),
        ],
    )?;
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
    let time = schema.resolve(Role::Time, args.time_column.as_ref())?;
    let scored = match args.rescore {
        true => None,
        false => ScoredColumns::find(&schema),
    };
    let source = match scored {
        Some(columns) => {
            if !args.quiet.quiet {
                progress.println(&format!(
                    "nunchi: using the scores in column {:?} (pass --rescore to score the \
                     posts again)",
                    columns.label.name()
                ));
            }
            // A tokenizer only to find the targets.
            let tokenizer = match args.targets.is_empty() {
                true => None,
                false => Some(Box::new(
                    Tokenizer::new().context("cannot load the tokenizer")?,
                )),
            };
            Source::Columns {
                columns: Box::new(columns),
                tokenizer,
            }
        }
        None => Source::Model {
            model: Box::new(load_model(&args.model)?),
            terms: args.terms,
        },
    };
    let matcher = match source.tokenizer() {
        Some(tokenizer) => TargetMatcher::new(&args.targets, &mut tokenizer.worker())?,
        None => TargetMatcher::default(),
    };
    let stage = TrendStage {
        schema: &schema,
        text: &text,
        time: &time,
        zone: args.timezone,
        matcher: &matcher,
        source: &source,
    };

    let mut rejects = RejectSink::create(args.rejects.errors.as_deref(), schema.format())?;
    let mut quotes = QuoteWarnings::default();
    let mut observations = Vec::new();
    let mut stopped_at = None;
    pipeline::run(&mut rows, &stage, Chunking::default(), |chunk| {
        for Processed { row, output } in chunk {
            match output {
                Ok(observation) => {
                    let hint = schema.quote_hint(&row);
                    if let Some(warning) = hint.and_then(|h| quotes.note(row.position(), h)) {
                        progress.println(&warning);
                    }
                    observations.push(observation);
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
        progress.update(observations.len() as u64 + rejects.count());
        Ok(Flow::Continue)
    })?;
    progress.finish();
    if let Some(summary) = quotes.summary() {
        eprintln!("{summary}");
    }
    let rows_rejected = rejects.count();
    if let Some(line) = rejects.finish()? {
        progress.println(&line);
    }
    if let Some(position) = stopped_at {
        eprintln!("nunchi: stopped at the rejected row on {position} (--strict); nothing written");
        return Ok(Outcome::RowsRejected);
    }

    let posts = observations.len();
    let config = MonitorConfig::new(args.bucket, args.timezone).with_targets(matcher.names());
    let trend = analyze(observations, config)?;
    write_outputs(args, &trend)?;
    let refused = trend.rejections.total();
    if refused > 0 {
        eprintln!(
            "nunchi: {refused} posts were not counted by the trend monitor ({:?})",
            trend.rejections
        );
    }
    if !args.quiet.quiet {
        eprintln!("{}", summary(&trend, posts));
    }
    Ok(Outcome::from_skipped(rows_rejected + refused))
}

/// Writes every output asked for (the series to stdout if no file is named for it), each
/// to its temporary file, and then commits them together: a failure leaves none.
fn write_outputs(args: &TrendArgs, trend: &Trend) -> anyhow::Result<()> {
    let mut outputs = Vec::new();
    let mut write = |path: Option<&PathBuf>,
                     what: &str,
                     fill: &dyn Fn(&mut Output) -> Result<(), nunchi_trend::Error>|
     -> anyhow::Result<()> {
        let mut out = Output::create(path.map(PathBuf::as_path))?;
        fill(&mut out).with_context(|| format!("cannot write the {what} to {}", out.name()))?;
        outputs.push(out);
        Ok(())
    };
    if let Some(path) = &args.out_episodes {
        write(Some(path), "episodes", &|out| trend.write_episodes_csv(out))?;
    }
    if let Some(path) = &args.out_json {
        write(Some(path), "trend", &|out| trend.write_json(out))?;
    }
    if let Some(path) = &args.chart {
        write(Some(path), "chart", &|out| {
            trend.write_chart_svg(out, &ChartOptions::default())
        })?;
    }
    // The series last: on stdout, it is the one output that cannot be held back.
    write(args.output.as_ref(), "series", &|out| {
        trend.write_series_csv(out)
    })?;
    Ok(Output::commit_all(outputs)?)
}

/// The run in a few lines for stderr: volume and span, and each episode with its terms.
fn summary(trend: &Trend, posts: usize) -> String {
    const MINUTE: &str = "%Y-%m-%d %H:%M";
    let buckets = trend.series.iter().filter(|r| r.target.is_none()).count();
    let span = match (trend.series.first(), trend.series.last()) {
        (Some(first), Some(last)) => format!(
            " from {} to {}",
            first.start.format(MINUTE),
            last.end.format(MINUTE)
        ),
        _ => String::new(),
    };
    let mut text = format!(
        "nunchi: {posts} posts{span}: {buckets} buckets of {} ({}) with posts; {} episode(s)",
        trend.width,
        trend.zone,
        trend.episodes.len()
    );
    for episode in &trend.episodes {
        text.push('\n');
        text.push_str(&describe(episode));
    }
    text
}

fn describe(episode: &Episode) -> String {
    const MINUTE: &str = "%Y-%m-%d %H:%M";
    let scope = match &episode.target {
        Some(target) => format!("posts mentioning {target:?}"),
        None => "all posts".to_owned(),
    };
    let end = match &episode.end {
        Some(end) => end.format(MINUTE).to_string(),
        None => "ongoing".to_owned(),
    };
    let terms: Vec<&str> = episode
        .top_negative_terms
        .iter()
        .map(|t| t.term.as_str())
        .collect();
    format!(
        "nunchi: episode {} ({scope}): {} to {end}, detected {}, peak {}; {} negative posts, \
         {:.0} above baseline; terms: {}",
        episode.episode,
        episode.start.format(MINUTE),
        episode.detected_at.format(MINUTE),
        episode.peak.format(MINUTE),
        episode.negative,
        episode.excess_negative,
        terms.join(", ")
    )
}

/// The columns of a `nunchi classify` output.
#[derive(Debug, Clone)]
struct ScoredColumns {
    label: Column,
    polarity: Column,
    evidence: Option<Column>,
}

impl ScoredColumns {
    /// `label` and `polarity` (and `evidence`), or classify's `nunchi_`-prefixed names.
    fn find(schema: &Schema) -> Option<ScoredColumns> {
        ["", "nunchi_"].iter().find_map(|prefix| {
            let column = |name: &str| schema.find(&format!("{prefix}{name}"));
            Some(ScoredColumns {
                label: column("label")?,
                polarity: column("polarity")?,
                evidence: column("evidence"),
            })
        })
    }

    /// The observation that a checked row's scores give (targets not yet matched).
    fn read(&self, schema: &Schema, row: &Row, time: i64) -> Result<Observation, Rejection> {
        let label_value = schema.value(row, &self.label)?;
        let label: Label = label_value
            .as_text()
            .unwrap_or_default()
            .trim()
            .parse()
            .map_err(|_| {
                let shown = label_value.as_text().unwrap_or("(missing)");
                schema.reject(
                    row,
                    format!("label {shown:?} is not negative, neutral or positive"),
                )
            })?;
        let polarity_value = schema.value(row, &self.polarity)?;
        let polarity: f32 = polarity_value
            .as_text()
            .and_then(|p| p.trim().parse().ok())
            .filter(|p: &f32| (-1.0..=1.0).contains(p))
            .ok_or_else(|| {
                let shown = polarity_value.as_text().unwrap_or("(missing)");
                schema.reject(
                    row,
                    format!("polarity {shown:?} is not a number in [-1, 1]"),
                )
            })?;
        let terms = match &self.evidence {
            Some(column) => negative_terms(schema.evidence(row, column)?),
            None => Vec::new(),
        };
        Ok(Observation::new(time, label, polarity).with_negative_terms(terms))
    }
}

/// The terms with negative weight of classify's evidence.
fn negative_terms(evidence: Vec<nunchi_table::EvidenceTerm>) -> Vec<String> {
    evidence
        .into_iter()
        .filter(|e| e.weight < 0.0 && !e.term.is_empty())
        .map(|e| e.term)
        .collect()
}

/// Where the sentiment comes from.
enum Source {
    /// Scored here, keeping this many evidence terms.
    Model { model: Box<Model>, terms: usize },
    /// Read from classify's columns; a tokenizer if targets are to be found.
    Columns {
        columns: Box<ScoredColumns>,
        tokenizer: Option<Box<Tokenizer>>,
    },
}

impl Source {
    fn tokenizer(&self) -> Option<&Tokenizer> {
        match self {
            Source::Model { model, .. } => Some(model.tokenizer()),
            Source::Columns { tokenizer, .. } => tokenizer.as_deref(),
        }
    }
}

/// Turns checked rows into observations.
struct TrendStage<'a> {
    schema: &'a Schema,
    text: &'a Column,
    time: &'a Column,
    zone: Zone,
    matcher: &'a TargetMatcher,
    source: &'a Source,
}

impl TrendStage<'_> {
    fn analyze<'w>(
        &self,
        tokenizer: &'w mut Worker,
        row: &Row,
        text: &str,
    ) -> Result<&'w Analysis, Rejection> {
        tokenizer.analyze(text).map_err(|e| {
            self.schema
                .reject(row, format!("cannot analyse the text: {e}"))
        })
    }

    /// The row's time.
    fn time(&self, row: &Row) -> Result<i64, Rejection> {
        let reject = |reason: String| self.schema.reject(row, reason);
        let value = self.schema.value(row, self.time)?;
        let time = value
            .as_text()
            .ok_or_else(|| reject(format!("the time ({}) is missing", self.time.name())))?;
        parse_timestamp(time, &self.zone).map_err(|e| reject(e.to_string()))
    }
}

/// Per-thread state, after the source.
enum TrendWorker<'a> {
    /// Posts are scored here.
    Scoring(Box<ScoringWorker<'a>>),
    /// Scores are read from the row; a tokenizer worker for the targets, if any.
    Reading {
        columns: ScoredColumns,
        tokenizer: Option<Box<Worker>>,
    },
}

/// A scorer whose analysis of each post is also matched against the targets.
struct ScoringWorker<'a> {
    scorer: Scorer<'a>,
    terms: usize,
}

impl<'a> RowStage for TrendStage<'a> {
    type Worker = TrendWorker<'a>;
    type Output = Result<Observation, Rejection>;

    fn worker(&self) -> anyhow::Result<TrendWorker<'a>> {
        Ok(match self.source {
            Source::Model { model, terms } => TrendWorker::Scoring(Box::new(ScoringWorker {
                scorer: model.scorer(),
                terms: *terms,
            })),
            Source::Columns { columns, tokenizer } => TrendWorker::Reading {
                columns: ScoredColumns::clone(columns),
                tokenizer: tokenizer.as_ref().map(|t| Box::new(t.worker())),
            },
        })
    }

    fn process(&self, worker: &mut TrendWorker<'a>, row: &Row) -> Self::Output {
        self.schema.check(row)?;
        let time = self.time(row)?;
        let value = self.schema.text(row, self.text)?;
        let text = value.as_text().unwrap_or_default();
        match worker {
            TrendWorker::Scoring(scoring) => {
                let (prediction, analysis) = scoring
                    .scorer
                    .explain_analyzed(text, scoring.terms)
                    .map_err(|e| {
                    self.schema
                        .reject(row, format!("cannot analyse the text: {e}"))
                })?;
                Ok(Observation::from_prediction(time, &prediction)
                    .with_targets(self.matcher.find(analysis)))
            }
            TrendWorker::Reading { columns, tokenizer } => {
                let observation = columns.read(self.schema, row, time)?;
                let targets = match tokenizer {
                    Some(tokenizer) => self.matcher.find(self.analyze(tokenizer, row, text)?),
                    None => Vec::new(),
                };
                Ok(observation.with_targets(targets))
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use nunchi_table::{ReadOptions, Table};

    fn table(csv: &str) -> (Schema, Vec<Row>) {
        let table = Table::from_reader(
            std::io::Cursor::new(csv.to_owned()),
            "test.csv",
            &ReadOptions::default(),
        )
        .unwrap();
        let (schema, mut reader) = table.into_parts();
        let mut rows = Vec::new();
        while let Some(row) = reader.read().unwrap() {
            rows.push(row);
        }
        (schema, rows)
    }

    #[test]
    fn classify_columns_are_found_with_or_without_prefix() {
        let (plain, _) = table("time,text,label,polarity\n");
        let plain = ScoredColumns::find(&plain).unwrap();
        assert_eq!(
            (plain.label.name(), plain.polarity.name(), plain.evidence),
            ("label", "polarity", None)
        );
        let (prefixed, _) = table("label,text,nunchi_label,nunchi_polarity,nunchi_evidence\n");
        let prefixed = ScoredColumns::find(&prefixed).unwrap();
        assert_eq!(prefixed.label.name(), "nunchi_label");
        assert_eq!(
            prefixed.evidence.map(|c| c.name().to_owned()).as_deref(),
            Some("nunchi_evidence")
        );
        let (unscored, _) = table("time,text,label\n");
        assert!(ScoredColumns::find(&unscored).is_none());
    }

    #[test]
    fn scored_rows_are_read_or_refused_by_name() {
        let evidence = r#""[{""term"":""황당/XR"",""weight"":-1.2,""start"":0,""end"":2},{""term"":""ㅋㅋ/IC"",""weight"":0.4,""start"":3,""end"":5}]""#;
        let csv = format!("label,polarity,evidence\nnegative,-0.8,{evidence}\nangry,-0.8,\nnegative,-3,\nnegative,-0.5,황당/XR -1.20\n");
        let (schema, rows) = table(&csv);
        let columns = ScoredColumns::find(&schema).unwrap();
        let observation = columns.read(&schema, &rows[0], 7).unwrap();
        assert_eq!(
            (observation.label, observation.polarity),
            (Label::Negative, -0.8)
        );
        assert_eq!(observation.negative_terms, ["황당/XR"]);
        let err = columns.read(&schema, &rows[1], 7).unwrap_err();
        assert!(err.reason.contains("\"angry\""), "{err:?}");
        let err = columns.read(&schema, &rows[2], 7).unwrap_err();
        assert!(err.reason.contains("\"-3\""), "{err:?}");
        let err = columns.read(&schema, &rows[3], 7).unwrap_err();
        assert!(err.reason.contains("not a JSON array"), "{err:?}");
    }
}
