//! `nunchi trend`: negative sentiment over time. Posts (or the output of `nunchi classify`)
//! are counted into time buckets per target, negative waves are detected as episodes, and
//! the series, the episodes and a chart are written.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use nunchi_score::{Model, Scorer};
use nunchi_tokenizer::{Analysis, Tokenizer, Worker};
use nunchi_trend::{
    analyze, parse_timestamp, BucketWidth, ChartOptions, Episode, Label, MonitorConfig,
    Observation, TargetMatcher, Trend, Zone,
};

use crate::commands::classify::{open_posts, RunArgs, TableArgs};
use crate::commands::model::{load_model, ModelArg};
use crate::input::InputPath;
use crate::output::Output;
use crate::pipeline::{self, Chunking, Flow, Processed, RecordStage};
use crate::records::Record;
use crate::rejects::RejectSink;
use crate::table::{resolve_column, ColumnSpec, Rejection, RowShape};
use crate::Outcome;

/// Arguments of `nunchi trend`.
#[derive(Debug, Args)]
pub struct TrendArgs {
    /// Input CSV/TSV of posts with their times (gzip or zstd compressed is fine), `-` for
    /// stdin. The output of `nunchi classify` (with `label` and `polarity` columns, and
    /// `evidence` with --explain) is taken as scored, without scoring again.
    #[arg(default_value = "-", value_parser = InputPath::parse, value_name = "INPUT")]
    pub input: InputPath,
    /// The column holding the post's time: a header name or a 1-based position [default: the
    /// first column named time, timestamp, created_at, date, datetime or posted_at]. RFC 3339,
    /// `2009-11-28 10:20:00`, Twitter's `Sat Nov 28 10:20:00 +0000 2009` and epoch seconds or
    /// milliseconds are read.
    #[arg(long, value_parser = ColumnSpec::parse, value_name = "COLUMN")]
    pub time_column: Option<ColumnSpec>,
    /// The column holding the post: a header name or a 1-based position [default: as for
    /// classify].
    #[arg(short = 'c', long, value_parser = ColumnSpec::parse, value_name = "COLUMN")]
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
    /// Write the series (one row per bucket and target with posts) here, atomically
    /// [default: stdout].
    #[arg(long, value_name = "FILE")]
    pub out_series: Option<PathBuf>,
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
    pub run: RunArgs,
}

fn parse_zone(arg: &str) -> Result<Zone, String> {
    arg.parse().map_err(|e: nunchi_trend::Error| e.to_string())
}

fn parse_width(arg: &str) -> Result<BucketWidth, String> {
    arg.parse().map_err(|e: nunchi_trend::Error| e.to_string())
}

/// Names tried, in order, when no time column is given.
const TIME_COLUMN_NAMES: [&str; 6] = [
    "time",
    "timestamp",
    "created_at",
    "date",
    "datetime",
    "posted_at",
];

/// Runs the command.
///
/// # Errors
///
/// Bad arguments, an unreadable model or input, or an unwritable output.
pub fn run(args: &TrendArgs) -> anyhow::Result<Outcome> {
    let (progress, mut table, shape) = open_posts(
        &args.input,
        &args.table,
        args.text_column.as_ref(),
        args.run.quiet,
    )?;
    let time_column = resolve_column(
        &table.header,
        args.time_column.as_ref(),
        &TIME_COLUMN_NAMES,
        "the time",
        "--time-column",
    )?;
    let scored = match args.rescore {
        true => None,
        false => ScoredColumns::find(&table.header),
    };
    let source = match scored {
        Some(columns) => {
            progress.println(&format!(
                "nunchi: using the scores in column {:?} (pass --rescore to score the posts \
                 again)",
                table.header[columns.label]
            ));
            // A tokenizer only to find the targets.
            let tokenizer = match args.targets.is_empty() {
                true => None,
                false => Some(Tokenizer::new().context("cannot load the tokenizer")?),
            };
            Source::Columns { columns, tokenizer }
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
        shape: &shape,
        time_column,
        zone: args.timezone,
        matcher: &matcher,
        source: &source,
    };

    let mut rejects = RejectSink::create(args.run.errors.as_deref())?;
    let mut observations = Vec::new();
    let mut stopped_at = None;
    pipeline::run(&mut table.records, &stage, Chunking::default(), |chunk| {
        for Processed { record: _, output } in chunk {
            match output {
                Ok(observation) => observations.push(observation),
                Err(rejection) => {
                    rejects.add(&rejection, &progress)?;
                    if args.run.strict {
                        stopped_at = Some(rejection.line);
                        return Ok(Flow::Stop);
                    }
                }
            }
        }
        progress.update(observations.len() as u64 + rejects.count());
        Ok(Flow::Continue)
    })?;
    progress.finish();
    let rows_rejected = rejects.count();
    rejects.finish(&progress)?;
    if let Some(line) = stopped_at {
        eprintln!("nunchi: stopped at the rejected row on line {line} (--strict); nothing written");
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
    if !args.run.quiet {
        eprintln!("{}", summary(&trend, posts));
    }
    Ok(Outcome::from_skipped(rows_rejected + refused))
}

/// Writes every output asked for; the series to stdout if no file is named for it.
fn write_outputs(args: &TrendArgs, trend: &Trend) -> anyhow::Result<()> {
    let mut series = Output::create(args.out_series.as_deref())?;
    trend
        .write_series_csv(&mut series)
        .context("cannot write the series")?;
    series.commit()?;
    if let Some(path) = &args.out_episodes {
        let mut out = Output::create(Some(path))?;
        trend
            .write_episodes_csv(&mut out)
            .with_context(|| format!("cannot write {}", path.display()))?;
        out.commit()?;
    }
    if let Some(path) = &args.out_json {
        let mut out = Output::create(Some(path))?;
        trend
            .write_json(&mut out)
            .with_context(|| format!("cannot write {}", path.display()))?;
        out.commit()?;
    }
    if let Some(path) = &args.chart {
        let mut out = Output::create(Some(path))?;
        trend
            .write_chart_svg(&mut out, &ChartOptions::default())
            .with_context(|| format!("cannot write {}", path.display()))?;
        out.commit()?;
    }
    Ok(())
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
#[derive(Debug, Clone, Copy)]
struct ScoredColumns {
    label: usize,
    polarity: usize,
    evidence: Option<usize>,
}

impl ScoredColumns {
    /// `label` and `polarity` (and `evidence`), or classify's `nunchi_`-prefixed names.
    fn find(header: &[String]) -> Option<ScoredColumns> {
        ["", "nunchi_"].iter().find_map(|prefix| {
            let column = |name: &str| header.iter().position(|h| *h == format!("{prefix}{name}"));
            Some(ScoredColumns {
                label: column("label")?,
                polarity: column("polarity")?,
                evidence: column("evidence"),
            })
        })
    }

    /// The observation that a row's scores give (targets not yet matched).
    fn read(&self, time: i64, fields: &[&str]) -> Result<Observation, String> {
        let label: Label = fields[self.label].trim().parse().map_err(|_| {
            format!(
                "label {:?} is not negative, neutral or positive",
                fields[self.label]
            )
        })?;
        let polarity: f32 = fields[self.polarity]
            .trim()
            .parse()
            .ok()
            .filter(|p: &f32| (-1.0..=1.0).contains(p))
            .ok_or_else(|| {
                format!(
                    "polarity {:?} is not a number in [-1, 1]",
                    fields[self.polarity]
                )
            })?;
        let terms = self
            .evidence
            .map(|column| negative_terms(fields[column]))
            .unwrap_or_default();
        Ok(Observation::new(time, label, polarity).with_negative_terms(terms))
    }
}

/// The terms with negative weight of a classify evidence cell (`term +0.82; term -1.10`).
fn negative_terms(cell: &str) -> Vec<String> {
    cell.split("; ")
        .filter_map(|item| {
            let (term, weight) = item.trim().rsplit_once(' ')?;
            let weight: f32 = weight.parse().ok()?;
            (weight < 0.0 && !term.is_empty()).then(|| term.to_owned())
        })
        .collect()
}

/// Where the sentiment comes from.
enum Source {
    /// Scored here, keeping this many evidence terms.
    Model { model: Box<Model>, terms: usize },
    /// Read from classify's columns; a tokenizer if targets are to be found.
    Columns {
        columns: ScoredColumns,
        tokenizer: Option<Tokenizer>,
    },
}

impl Source {
    fn tokenizer(&self) -> Option<&Tokenizer> {
        match self {
            Source::Model { model, .. } => Some(model.tokenizer()),
            Source::Columns { tokenizer, .. } => tokenizer.as_ref(),
        }
    }
}

/// Turns checked records into observations.
struct TrendStage<'a> {
    shape: &'a RowShape,
    time_column: usize,
    zone: Zone,
    matcher: &'a TargetMatcher,
    source: &'a Source,
}

impl TrendStage<'_> {
    fn analyze<'w>(
        &self,
        tokenizer: &'w mut Worker,
        record: &Record,
        text: &str,
    ) -> Result<&'w Analysis, Rejection> {
        tokenizer.analyze(text).map_err(|e| {
            self.shape
                .reject(record, format!("cannot analyse the text: {e}"))
        })
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

impl<'a> RecordStage for TrendStage<'a> {
    type Worker = TrendWorker<'a>;
    type Output = Result<Observation, Rejection>;

    fn worker(&self) -> anyhow::Result<TrendWorker<'a>> {
        Ok(match self.source {
            Source::Model { model, terms } => TrendWorker::Scoring(Box::new(ScoringWorker {
                scorer: model.scorer(),
                terms: *terms,
            })),
            Source::Columns { columns, tokenizer } => TrendWorker::Reading {
                columns: *columns,
                tokenizer: tokenizer.as_ref().map(|t| Box::new(t.worker())),
            },
        })
    }

    fn process(&self, worker: &mut TrendWorker<'a>, record: &Record) -> Self::Output {
        let row = self.shape.check(record)?;
        let reject = |reason: String| self.shape.reject(record, reason);
        let time = parse_timestamp(row.fields[self.time_column], &self.zone)
            .map_err(|e| reject(e.to_string()))?;
        match worker {
            TrendWorker::Scoring(scoring) => {
                let (prediction, analysis) = scoring
                    .scorer
                    .explain_analyzed(row.text, scoring.terms)
                    .map_err(|e| reject(format!("cannot analyse the text: {e}")))?;
                Ok(Observation::from_prediction(time, &prediction)
                    .with_targets(self.matcher.find(analysis)))
            }
            TrendWorker::Reading { columns, tokenizer } => {
                let observation = columns.read(time, &row.fields).map_err(reject)?;
                let targets = match tokenizer {
                    Some(tokenizer) => self
                        .matcher
                        .find(self.analyze(tokenizer, record, row.text)?),
                    None => Vec::new(),
                };
                Ok(observation.with_targets(targets))
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_columns_are_found_with_or_without_prefix() {
        let header = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let plain = ScoredColumns::find(&header(&["time", "text", "label", "polarity"])).unwrap();
        assert_eq!((plain.label, plain.polarity, plain.evidence), (2, 3, None));
        let prefixed = ScoredColumns::find(&header(&[
            "label",
            "text",
            "nunchi_label",
            "nunchi_polarity",
            "nunchi_evidence",
        ]))
        .unwrap();
        assert_eq!(
            (prefixed.label, prefixed.polarity, prefixed.evidence),
            (2, 3, Some(4))
        );
        assert!(ScoredColumns::find(&header(&["time", "text", "label"])).is_none());
    }

    #[test]
    fn evidence_cells_give_their_negative_terms() {
        assert_eq!(
            negative_terms("황당/XR -1.20; ㅋㅋ/IC +0.40; 안+좋/VA -0.35"),
            ["황당/XR", "안+좋/VA"]
        );
        assert!(negative_terms("").is_empty());
        assert!(negative_terms("garbage").is_empty());
    }

    #[test]
    fn scored_rows_are_read_or_refused_by_name() {
        let columns = ScoredColumns {
            label: 0,
            polarity: 1,
            evidence: None,
        };
        let observation = columns.read(7, &["negative", "-0.8"]).unwrap();
        assert_eq!(
            (observation.label, observation.polarity),
            (Label::Negative, -0.8)
        );
        let err = columns.read(7, &["angry", "-0.8"]).unwrap_err();
        assert!(err.contains("\"angry\""), "{err}");
        let err = columns.read(7, &["negative", "-3"]).unwrap_err();
        assert!(err.contains("\"-3\""), "{err}");
    }
}
