//! Regression tests, one per bug, each named after it (in the style of ripgrep's
//! `tests/regression.rs`).

use std::collections::HashSet;
use std::path::PathBuf;

use nunchi_tokenizer::Tokenizer;
use nunchi_trend::{
    analyze, parse_timestamp, BucketGrid, BucketWidth, ChartOptions, Label, Monitor, MonitorConfig,
    Observation, TargetMatcher, Trend, Zone,
};

const HOUR: i64 = 3_600;

fn at(time: &str) -> i64 {
    parse_timestamp(time, &Zone::utc()).unwrap()
}

/// Issue 12, item 2: two posts 300 years apart allocated every bucket between them (6.7 GB
/// at `1m`, a hang at `1s`). Now the batch completes with one row per post, and the monitor
/// stores a few buckets, not the span.
#[test]
fn two_posts_in_1900_and_2199_allocated_every_bucket_between() {
    let posts = [
        Observation::new(at("1900-01-01T00:00:00Z"), Label::Positive, 0.6),
        Observation::new(at("2199-12-31T23:59:00Z"), Label::Negative, -0.7)
            .with_negative_terms(vec!["황당/XR".into()])
            .with_targets(vec![0]),
    ];
    for width in ["1m", "1s", "1d"] {
        let config =
            MonitorConfig::new(width.parse().unwrap(), Zone::utc()).with_targets(["KT", "SK"]);
        let trend = analyze(posts.clone(), config.clone()).unwrap();
        let rows: Vec<(Option<&str>, i64, u32)> = trend
            .series
            .iter()
            .map(|r| (r.target.as_deref(), r.start.timestamp(), r.negative))
            .collect();
        let last = BucketGrid::new(config.width, config.zone).start_of(posts[1].time);
        assert_eq!(
            rows,
            [
                (None, posts[0].time, 0),
                (None, last, 1),
                (Some("KT"), last, 1)
            ],
            "{width}"
        );
        assert!(trend.episodes.is_empty() && trend.alerts.is_empty());
        assert_eq!(trend.rejections.total(), 0);

        // Too far apart for an online monitor's default gap limit ...
        let mut monitor = Monitor::new(config.clone()).unwrap();
        monitor.push(&posts[0]).unwrap();
        monitor.push(&posts[1]).unwrap_err();
        // ... unless it is lifted.
        let mut config = config;
        config.max_gap_buckets = u64::MAX;
        let mut monitor = Monitor::new(config).unwrap();
        for post in &posts {
            monitor.push(post).unwrap();
        }
        monitor.finish();
        // All posts: its two buckets, among the recent ones and in the baseline with the run
        // of empty ones between; KT: its bucket twice and a run; SK: nothing.
        assert!(
            monitor.stored_buckets() <= 8,
            "{width}: {}",
            monitor.stored_buckets()
        );
        let svg = trend.chart_svg(&ChartOptions::default());
        assert!(
            svg.len() < 40_000,
            "{width}: a chart of {} bytes",
            svg.len()
        );
    }
}

/// The shipped sample's 205 posts, scored by a rule (labels do not matter here), with the
/// targets `names` found in each.
fn sample_observations(names: &[String]) -> Vec<Observation> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/sample/posts.csv");
    let tokenizer = Tokenizer::new().unwrap();
    let mut worker = tokenizer.worker();
    let matcher = TargetMatcher::new(names, &mut worker).unwrap();
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    let column = |name| header.iter().position(|h| h == name).unwrap();
    let (time, text) = (column("created_at"), column("text"));
    let zone: Zone = "Asia/Seoul".parse().unwrap();
    reader
        .records()
        .enumerate()
        .map(|(i, record)| {
            let record = record.unwrap();
            let time = parse_timestamp(&record[time], &zone).unwrap();
            let targets = matcher.find_in(&mut worker, &record[text]).unwrap();
            let post = match i % 3 {
                0 => Observation::new(time, Label::Negative, -0.8)
                    .with_negative_terms(vec![record[text].split(' ').next().unwrap().into()]),
                _ => Observation::new(time, Label::Positive, 0.6),
            };
            post.with_targets(targets)
        })
        .collect()
}

/// 1,000 targets: the sample's first distinct words, then names no post mentions.
fn thousand_targets() -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/sample/posts.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut names: Vec<String> = Vec::new();
    for record in reader.records() {
        for word in record.unwrap()[3].split_whitespace() {
            let word: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
            if word.chars().count() >= 2 && !names.contains(&word) {
                names.push(word);
            }
        }
    }
    names.truncate(1_000);
    let made_up = (names.len()..1_000).map(|i| format!("없는이름{i:04}"));
    names.extend(made_up);
    names
}

/// Issue 12, item 2: with 1,000 targets the 205-post sample (16 months, 12,097 hourly
/// buckets) took 5 GB and wrote a 1 GB series, a row for every hour and target. Now the
/// series has one row per bucket and scope with posts, and the monitor stores no more.
#[test]
fn a_thousand_targets_gave_a_row_for_every_bucket_and_target() {
    let names = thousand_targets();
    assert_eq!(names.len(), 1_000);
    let posts = sample_observations(&names);
    assert_eq!(posts.len(), 205);
    let width: BucketWidth = "1h".parse().unwrap();
    let zone: Zone = "Asia/Seoul".parse().unwrap();
    let grid = BucketGrid::new(width, zone);
    let with_posts: HashSet<(i64, usize)> = posts
        .iter()
        .flat_map(|post| {
            let bucket = grid.start_of(post.time);
            std::iter::once(0)
                .chain(post.targets.iter().map(|t| t + 1))
                .map(move |scope| (bucket, scope))
        })
        .collect();
    let mentions: usize = posts.iter().map(|p| p.targets.len()).sum();
    assert!(
        mentions > 1_000,
        "{mentions} mentions: the targets are found"
    );

    let config = MonitorConfig::new(width, zone).with_targets(&names);
    let trend = analyze(posts.clone(), config.clone()).unwrap();
    assert_eq!(trend.series.len(), with_posts.len());
    assert!(trend.series.len() <= posts.len() + mentions);
    let rows: HashSet<(i64, usize)> = trend
        .series
        .iter()
        .map(|r| {
            let scope = r
                .target
                .as_ref()
                .map_or(0, |t| 1 + names.iter().position(|n| n == t).unwrap());
            (r.start.timestamp(), scope)
        })
        .collect();
    assert_eq!(rows, with_posts);
    assert!(trend.series.iter().all(|r| r.posts > 0));
    let mut csv = Vec::new();
    trend.write_series_csv(&mut csv).unwrap();
    assert!(
        csv.len() < 300 * (trend.series.len() + 1),
        "{} bytes",
        csv.len()
    );
    // The chart: a panel for all posts and each target with posts, a line for the others.
    let mentioned: HashSet<usize> = with_posts.iter().map(|&(_, scope)| scope).collect();
    let svg = trend.chart_svg(&ChartOptions::default());
    assert_eq!(svg.matches("Posts mentioning").count(), mentioned.len() - 1);
    let unmentioned = 1_000 - (mentioned.len() - 1);
    assert!(svg.contains(&format!(" and {} more.", unmentioned - 10)));

    let mut config = config;
    config.max_gap_buckets = u64::MAX; // the sample has a gap of 11,470 hours
    let mut monitor = Monitor::new(config).unwrap();
    let mut online = Trend::new(monitor.config());
    let mut sorted = posts;
    sorted.sort_by_key(|p| p.time);
    let mut most_stored = 0;
    for post in &sorted {
        monitor.push(post).unwrap_or_else(|e| panic!("{e}"));
        most_stored = most_stored.max(monitor.stored_buckets());
        for event in monitor.drain_events() {
            online.record(event);
        }
    }
    monitor.finish();
    // Each scope keeps at most its buckets with posts, and runs of empty ones between.
    assert!(
        most_stored <= 3 * with_posts.len(),
        "{most_stored} buckets stored for {} with posts",
        with_posts.len()
    );
    assert_eq!(online.complete(&mut monitor).series, trend.series);
}

/// Issue 12, item 2, the other half of the fix: empty buckets are counted in bulk, and this
/// must not change a thing. A wave, then silence for `gap` hours, then quiet days: the
/// episode ends in the silence as it did, and past a day (`baseline_buckets`) of silence the
/// baseline after it is all empty whatever its length, so the rows after the silence are the
/// same for a gap of 30 hours and of 150 years.
#[test]
fn empty_buckets_counted_in_bulk_change_nothing() {
    let run = |gap: i64| {
        let start = at("2009-11-01T00:00:00Z");
        let mut posts = Vec::new();
        let mut hour_posts = |hour: i64, angry: u32| {
            for i in 0..20 + angry {
                let time = start + hour * HOUR + i64::from(i) * 60;
                let post = if i < 4 + angry {
                    Observation::new(time, Label::Negative, -0.8)
                        .with_negative_terms(vec!["황당/XR".into()])
                } else {
                    Observation::new(time, Label::Positive, 0.7)
                };
                // Every other post mentions KT.
                posts.push(post.with_targets(if i % 2 == 0 { vec![0] } else { vec![] }));
            }
        };
        for hour in 0..30 {
            hour_posts(hour, if hour >= 27 { 30 } else { 0 });
        }
        for hour in 30 + gap..30 + gap + 48 {
            hour_posts(hour, 0);
        }
        let config = MonitorConfig::new("1h".parse().unwrap(), Zone::utc()).with_targets(["KT"]);
        let trend = analyze(posts, config).unwrap();
        let shift = |rows: &[nunchi_trend::BucketRow], by: i64| -> Vec<String> {
            rows.iter()
                .map(|r| {
                    format!(
                        "{:?} {} {} {} {:?} {:?} {:?} {:?}",
                        r.target,
                        r.start.timestamp() - by,
                        r.posts,
                        r.negative,
                        r.baseline_share,
                        r.expected_negative,
                        r.p_share,
                        r.p_count
                    )
                })
                .collect()
        };
        let before: Vec<_> = trend
            .series
            .iter()
            .filter(|r| r.start.timestamp() < start + 30 * HOUR)
            .cloned()
            .collect();
        let after: Vec<_> = trend.series[before.len()..].to_vec();
        (trend, shift(&before, 0), shift(&after, gap * HOUR))
    };
    let (near, near_before, near_after) = run(30);
    let (far, far_before, far_after) = run(150 * 365 * 24);
    assert_eq!(near.series.len(), 2 * 78, "two scopes, 78 hours with posts");
    assert_eq!(near_before, far_before);
    assert_eq!(near_after, far_after);
    assert_eq!(near.episodes.len(), 2, "all posts and KT");
    assert_eq!(near.episodes, far.episodes);
    assert_eq!(near.alerts, far.alerts);
    for episode in &near.episodes {
        // The wave's three hours, ended by three silent ones.
        assert_eq!(episode.start.timestamp(), at("2009-11-02T03:00:00Z"));
        assert_eq!(episode.end.unwrap().timestamp(), at("2009-11-02T06:00:00Z"));
        assert_eq!(
            episode.ended_at.unwrap().timestamp(),
            at("2009-11-02T09:00:00Z")
        );
    }
    // The silence is long enough to empty the baseline: the first hour after it is tested
    // against the prior alone (all posts: half negative, from one pseudo-post).
    let first_after = near
        .series
        .iter()
        .find(|r| r.start.timestamp() >= at("2009-11-03T12:00:00Z"));
    assert_eq!(first_after.unwrap().baseline_share, Some(0.5));
}
