//! CSV and JSON output of a [`Trend`].

use std::io::Write;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::batch::Trend;
use crate::error::Error;
use crate::report::{BucketRow, Episode, Trigger};
use crate::terms::TermCount;

/// Columns of [`SeriesRecord`], in field order: written even when there are no rows.
const SERIES_COLUMNS: [&str; 16] = [
    "target",
    "start",
    "end",
    "start_unix",
    "posts",
    "negative",
    "neutral",
    "positive",
    "negative_share",
    "mean_polarity",
    "baseline_share",
    "expected_negative",
    "p_share",
    "p_count",
    "episode",
    "top_negative_terms",
];

/// Columns of [`EpisodeRecord`], in field order.
const EPISODE_COLUMNS: [&str; 17] = [
    "episode",
    "target",
    "start",
    "detected_at",
    "trigger",
    "peak",
    "end",
    "ended_at",
    "buckets",
    "posts",
    "negative",
    "expected_negative",
    "excess_negative",
    "baseline_share",
    "peak_negative",
    "peak_negative_share",
    "top_negative_terms",
];

/// A CSV writer that has written `columns` as its header.
fn csv_writer<W: Write>(out: W, columns: &[&str]) -> Result<csv::Writer<W>, Error> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out);
    writer.write_record(columns)?;
    Ok(writer)
}

/// A series row as one CSV record.
#[derive(Serialize)]
struct SeriesRecord<'a> {
    /// Empty for all posts.
    target: &'a str,
    start: DateTime<FixedOffset>,
    end: DateTime<FixedOffset>,
    start_unix: i64,
    posts: u32,
    negative: u32,
    neutral: u32,
    positive: u32,
    negative_share: Option<f64>,
    mean_polarity: Option<f64>,
    baseline_share: Option<f64>,
    expected_negative: Option<f64>,
    p_share: Option<f64>,
    p_count: Option<f64>,
    episode: Option<u32>,
    top_negative_terms: String,
}

/// An episode as one CSV record.
#[derive(Serialize)]
struct EpisodeRecord<'a> {
    episode: u32,
    target: &'a str,
    start: DateTime<FixedOffset>,
    detected_at: DateTime<FixedOffset>,
    trigger: Trigger,
    peak: DateTime<FixedOffset>,
    end: Option<DateTime<FixedOffset>>,
    ended_at: Option<DateTime<FixedOffset>>,
    buckets: u32,
    posts: u64,
    negative: u64,
    expected_negative: f64,
    excess_negative: f64,
    baseline_share: f64,
    peak_negative: u32,
    peak_negative_share: f64,
    top_negative_terms: String,
}

impl<'a> EpisodeRecord<'a> {
    fn new(e: &'a Episode) -> Self {
        EpisodeRecord {
            episode: e.episode,
            target: e.target.as_deref().unwrap_or(""),
            start: e.start,
            detected_at: e.detected_at,
            trigger: e.trigger,
            peak: e.peak,
            end: e.end,
            ended_at: e.ended_at,
            buckets: e.buckets,
            posts: e.posts,
            negative: e.negative,
            expected_negative: e.expected_negative,
            excess_negative: e.excess_negative,
            baseline_share: e.baseline_share,
            peak_negative: e.peak_negative,
            peak_negative_share: e.peak_negative_share,
            top_negative_terms: join_terms(&e.top_negative_terms),
        }
    }
}

/// `term:count; term:count`.
fn join_terms(terms: &[TermCount]) -> String {
    terms
        .iter()
        .map(|t| format!("{}:{}", t.term, t.count))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Trend {
    /// The episode of `row`'s scope that covers its bucket, if any.
    pub fn episode_of(&self, row: &BucketRow) -> Option<&Episode> {
        self.episodes.iter().find(|e| {
            e.target == row.target
                && e.start <= row.start
                && e.end.is_none_or(|end| row.start < end)
        })
    }

    /// Writes the series as CSV: one record per bucket and scope with posts (none for a
    /// bucket without posts: see [the series](crate#the-series)), with a header. `target`
    /// is empty for all posts; times are RFC 3339 in the trend's zone, plus `start_unix`;
    /// `episode` is the id of the episode covering the bucket; `top_negative_terms` reads
    /// `term:count; term:count`. Empty cells: the baseline columns while the baseline warms
    /// up, and `episode` outside episodes.
    ///
    /// # Errors
    ///
    /// [`Error::Csv`] if writing fails.
    pub fn write_series_csv(&self, out: impl Write) -> Result<(), Error> {
        let mut writer = csv_writer(out, &SERIES_COLUMNS)?;
        for row in &self.series {
            writer.serialize(SeriesRecord {
                target: row.target.as_deref().unwrap_or(""),
                start: row.start,
                end: row.end,
                start_unix: row.start.timestamp(),
                posts: row.posts,
                negative: row.negative,
                neutral: row.neutral,
                positive: row.positive,
                negative_share: row.negative_share,
                mean_polarity: row.mean_polarity,
                baseline_share: row.baseline_share,
                expected_negative: row.expected_negative,
                p_share: row.p_share,
                p_count: row.p_count,
                episode: self.episode_of(row).map(|e| e.episode),
                top_negative_terms: join_terms(&row.top_negative_terms),
            })?;
        }
        writer.flush()?;
        Ok(())
    }

    /// Writes the episodes as CSV, one record each, with a header (`target` empty for all
    /// posts; `end` and `ended_at` empty while an episode goes on).
    ///
    /// # Errors
    ///
    /// [`Error::Csv`] if writing fails.
    pub fn write_episodes_csv(&self, out: impl Write) -> Result<(), Error> {
        let mut writer = csv_writer(out, &EPISODE_COLUMNS)?;
        for e in &self.episodes {
            writer.serialize(EpisodeRecord::new(e))?;
        }
        writer.flush()?;
        Ok(())
    }

    /// Writes the whole trend (settings, series, alerts, episodes, rejections) as pretty
    /// JSON; `target` is `null` for all posts.
    ///
    /// # Errors
    ///
    /// [`Error::Json`] if writing fails.
    pub fn write_json(&self, out: impl Write) -> Result<(), Error> {
        serde_json::to_writer_pretty(out, self)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyze, Label, MonitorConfig, Observation, Zone};

    fn trend() -> crate::Trend {
        let zone: Zone = "+09:00".parse().unwrap();
        let start = 1_259_161_200; // 2009-11-26T00:00:00+09:00
        let mut posts = Vec::new();
        for hour in 0..30 {
            let angry = if hour == 20 { 30 } else { 0 };
            for i in 0..20 + angry {
                let time = start + hour * 3_600 + i * 60;
                posts.push(if i < 4 + angry {
                    Observation::new(time, Label::Negative, -0.5)
                        .with_targets(vec![0])
                        .with_negative_terms(vec!["황당/XR".into(), "도둑놈/NNG".into()])
                } else {
                    Observation::new(time, Label::Neutral, 0.0).with_targets(vec![0])
                });
            }
        }
        let config = MonitorConfig::new("1h".parse().unwrap(), zone).with_targets(["KT"]);
        analyze(posts, config).unwrap()
    }

    #[test]
    fn series_csv_has_one_record_per_bucket_and_scope() {
        let trend = trend();
        let mut out = Vec::new();
        trend.write_series_csv(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader.headers().unwrap().clone();
        assert_eq!(&header[0], "target");
        assert_eq!(header.len(), 16);
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), 60);
        let column = |name: &str| header.iter().position(|h| h == name).unwrap();
        // Hour 20, all posts: 34 negative of 50, inside episode 1 (or 2: the target's id).
        let wave = &records[40];
        assert_eq!(&wave[column("target")], "");
        assert_eq!(&wave[column("start")], "2009-11-26T20:00:00+09:00");
        assert_eq!(&wave[column("negative")], "34");
        assert_eq!(&wave[column("posts")], "50");
        assert!(!wave[column("episode")].is_empty());
        assert_eq!(
            &wave[column("top_negative_terms")],
            "도둑놈/NNG:34; 황당/XR:34"
        );
        assert_eq!(&records[41][column("target")], "KT");
        // The first bucket has no baseline yet.
        assert_eq!(&records[0][column("p_share")], "");
        assert_eq!(&records[0][column("episode")], "");
    }

    #[test]
    fn headers_match_the_records_and_are_written_without_rows() {
        let trend = trend();
        // The explicit headers name the fields in order: compare with serde's own.
        let (mut ours, mut serdes) = (Vec::new(), Vec::new());
        trend.write_episodes_csv(&mut ours).unwrap();
        let mut writer = csv::Writer::from_writer(&mut serdes);
        let e = &trend.episodes[0];
        writer.serialize(EpisodeRecord::new(e)).unwrap();
        drop(writer);
        let first_line = |bytes: &[u8]| {
            String::from_utf8(bytes.to_vec())
                .unwrap()
                .lines()
                .next()
                .unwrap()
                .to_owned()
        };
        assert_eq!(first_line(&ours), first_line(&serdes));
        let row = &trend.series[0];
        let mut serdes = Vec::new();
        let mut writer = csv::Writer::from_writer(&mut serdes);
        writer
            .serialize(SeriesRecord {
                target: "",
                start: row.start,
                end: row.end,
                start_unix: 0,
                posts: 0,
                negative: 0,
                neutral: 0,
                positive: 0,
                negative_share: None,
                mean_polarity: None,
                baseline_share: None,
                expected_negative: None,
                p_share: None,
                p_count: None,
                episode: None,
                top_negative_terms: String::new(),
            })
            .unwrap();
        drop(writer);
        assert_eq!(first_line(&serdes), SERIES_COLUMNS.join(","));

        let empty = crate::Trend::new(&MonitorConfig::new("1h".parse().unwrap(), Zone::utc()));
        let mut out = Vec::new();
        empty.write_episodes_csv(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            EPISODE_COLUMNS.join(",") + "\n"
        );
    }

    #[test]
    fn episodes_csv_and_json_agree() {
        let trend = trend();
        assert_eq!(trend.episodes.len(), 2, "all posts and KT");
        let mut out = Vec::new();
        trend.write_episodes_csv(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("episode,target,start,detected_at,trigger,peak,end"));
        let mut json = Vec::new();
        trend.write_json(&mut json).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(value["width"], "1h");
        assert_eq!(value["zone"], "+09:00");
        assert_eq!(value["series"].as_array().unwrap().len(), 60);
        let episodes = value["episodes"].as_array().unwrap();
        assert_eq!(episodes.len(), 2);
        for (episode, line) in episodes.iter().zip(&lines[1..]) {
            let start = episode["start"].as_str().unwrap();
            assert!(line.contains(start), "{line} vs {start}");
            assert_eq!(episode["trigger"], "single");
        }
        assert!(episodes.iter().any(|e| e["target"].is_null()));
        assert!(episodes.iter().any(|e| e["target"] == "KT"));
    }
}
