//! End-to-end behaviour of the detector on realistic streams of real posts (see `common`).

mod common;

use common::{at, generate, rumour, week, Scenario, HOUR, TARGETS};
use nunchi_trend::{
    analyze, ChartOptions, Episode, Event, Label, Monitor, MonitorConfig, Observation, Trend,
};

fn config(scenario: &Scenario) -> MonitorConfig {
    MonitorConfig::new("1h".parse().unwrap(), scenario.zone).with_targets(TARGETS)
}

fn episodes_of<'a>(trend: &'a Trend, target: Option<&str>) -> Vec<&'a Episode> {
    trend
        .episodes
        .iter()
        .filter(|e| e.target.as_deref() == target)
        .collect()
}

fn describe(trend: &Trend) -> String {
    trend
        .episodes
        .iter()
        .map(|e| {
            format!(
                "#{} {:?}: {} .. {:?} (detected {}, peak {}, {} negative, {:.0} above baseline, terms {:?})\n",
                e.episode,
                e.target,
                e.start,
                e.end,
                e.detected_at,
                e.peak,
                e.negative,
                e.excess_negative,
                e.top_negative_terms.iter().map(|t| &t.term).collect::<Vec<_>>()
            )
        })
        .collect()
}

#[test]
fn the_rumour_wave_is_caught_early_and_seen_to_end() {
    let scenario = generate(&week(7, Some(rumour())));
    let wave = scenario.wave.unwrap();
    assert!(
        scenario.wave_posts > 300,
        "{} wave posts",
        scenario.wave_posts
    );
    let trend = analyze(scenario.observations.clone(), config(&scenario)).unwrap();
    let report = describe(&trend);

    // All posts: exactly one episode, the rumour.
    let all = episodes_of(&trend, None);
    assert_eq!(all.len(), 1, "{report}");
    let episode = all[0];
    // It starts at most one bucket before or after the onset's bucket ...
    let onset_bucket = at("2009-11-27 18:00");
    assert!(
        (episode.start.timestamp() - onset_bucket).abs() <= HOUR,
        "{report}"
    );
    // ... is detected within 90 minutes of the onset, an hour before the wave peaks ...
    assert!(
        episode.detected_at.timestamp() <= wave.onset + 3 * HOUR / 2,
        "{report}"
    );
    // ... peaks between the rumour's peak and the response ...
    let peak = episode.peak.timestamp();
    assert!(
        (at("2009-11-27 20:00")..=at("2009-11-27 23:00")).contains(&peak),
        "{report}"
    );
    // ... and ends after the decay: not before the wave has fallen below 8 posts an hour
    // (from 90), and within 4 hours of its falling below 1 an hour.
    let end = episode.end.expect("the episode ends").timestamp();
    assert!(end >= wave.decayed_below(8.0), "{report}");
    assert!(end <= wave.decayed_below(1.0) + 4 * HOUR, "{report}");
    // Its size is most of the wave's posts, and it is about the target.
    assert!(
        episode.excess_negative > 0.85 * scenario.wave_posts as f64,
        "{report} ({} wave posts)",
        scenario.wave_posts
    );
    let terms: Vec<&str> = episode
        .top_negative_terms
        .iter()
        .map(|t| t.term.as_str())
        .collect();
    assert!(terms.contains(&"감독/NNG"), "{report}");

    // The target the wave is about has its own episode at the same time; the other target
    // none.
    let director = episodes_of(&trend, Some(TARGETS[0]));
    assert_eq!(director.len(), 1, "{report}");
    assert!(
        (director[0].start.timestamp() - onset_bucket).abs() <= HOUR,
        "{report}"
    );
    assert!(episodes_of(&trend, Some(TARGETS[1])).is_empty(), "{report}");

    // The chart shows the episodes with their terms (kept for a look in the target dir).
    let svg = trend.chart_svg(&ChartOptions::default());
    let chart = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("rumour-wave.svg");
    std::fs::write(&chart, &svg).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(
        svg.contains("Posts mentioning “감독”"),
        "{}",
        chart.display()
    );
    for episode in &trend.episodes {
        assert!(
            svg.contains(&format!("#{} ", episode.episode)),
            "{}",
            chart.display()
        );
    }
    assert!(svg.contains("감독, "), "{}", chart.display());

    // The quiet days before and after raise no alert in any scope.
    for alert in &trend.alerts {
        let t = alert.detected_at.timestamp();
        assert!(
            (wave.onset..wave.decayed_below(1.0) + 4 * HOUR).contains(&t),
            "alert outside the wave: {alert:?}\n{report}"
        );
    }
}

/// Runs of 9 quiet days (no wave) for the false-alarm tests.
const QUIET_RUNS: u64 = 10;

#[test]
fn quiet_weeks_raise_few_and_small_alerts() {
    let runs: Vec<Scenario> = (1..=QUIET_RUNS)
        .map(|seed| generate(&week(seed, None)))
        .collect();
    for width in ["1h", "10m"] {
        let mut episodes = Vec::new();
        let mut buckets = 0;
        for (seed, scenario) in (1..).zip(&runs) {
            let config =
                MonitorConfig::new(width.parse().unwrap(), scenario.zone).with_targets(TARGETS);
            let trend = analyze(scenario.observations.clone(), config).unwrap();
            assert_eq!(trend.alerts.len(), trend.episodes.len());
            episodes.extend(trend.episodes.iter().map(|e| (seed, e.clone())));
            // The series has rows only for buckets with posts: the span gives the buckets seen.
            let (first, last) = (&trend.series[0], &trend.series[trend.series.len() - 1]);
            let span = last.end.timestamp() - first.start.timestamp();
            buckets += span / trend.width.nominal_seconds() * (1 + TARGETS.len() as i64);
        }
        // 90 days in 3 scopes (over 6,000 hourly buckets, 38,000 of 10 minutes): at most one
        // false episode, and a small one.
        assert!(buckets >= 90 * 24 * 3, "{buckets}");
        assert!(episodes.len() <= 1, "{width}: {episodes:#?}");
        for (seed, episode) in &episodes {
            let length = episode
                .end
                .map(|end| end.timestamp() - episode.start.timestamp());
            assert!(
                episode.excess_negative < 20.0 && length.is_some_and(|l| l <= 3 * HOUR),
                "{width}, seed {seed}: {episode:#?}"
            );
        }
    }
}

#[test]
fn the_wave_is_caught_in_ten_minute_buckets_too() {
    let scenario = generate(&week(7, Some(rumour())));
    let wave = scenario.wave.unwrap();
    let config = MonitorConfig::new("10m".parse().unwrap(), scenario.zone).with_targets(TARGETS);
    let trend = analyze(scenario.observations, config).unwrap();
    let report = describe(&trend);
    let all = episodes_of(&trend, None);
    assert_eq!(all.len(), 1, "{report}");
    // The build-up is caught by pooling 10-minute buckets (none proves it alone) within
    // 90 minutes of the onset, and it ends after the decay as in hourly buckets.
    assert!(
        all[0].detected_at.timestamp() <= wave.onset + 3 * HOUR / 2,
        "{report}"
    );
    assert!(
        (all[0].start.timestamp() - wave.onset).abs() <= HOUR,
        "{report}"
    );
    let end = all[0].end.expect("the episode ends").timestamp();
    assert!(end >= wave.decayed_below(8.0), "{report}");
    assert!(end <= wave.decayed_below(1.0) + 4 * HOUR, "{report}");
}

/// A small account: 5 posts an hour, one of them negative, for two days.
fn small_account(extra_negative_at_hour_40: u32) -> Vec<Observation> {
    let start = at("2009-11-21 00:00");
    let mut posts = Vec::new();
    for hour in 0..48 {
        let negative = if hour == 40 {
            1 + extra_negative_at_hour_40
        } else {
            1
        };
        for i in 0..5 + extra_negative_at_hour_40 * u32::from(hour == 40) {
            let time = start + hour * HOUR + i64::from(i) * 60;
            let label = if i < negative {
                Label::Negative
            } else {
                Label::Positive
            };
            posts.push(Observation::new(
                time,
                label,
                if i < negative { -0.8 } else { 0.8 },
            ));
        }
    }
    posts
}

#[test]
fn a_low_volume_jump_is_no_crisis() {
    let config = MonitorConfig::new("1h".parse().unwrap(), common::seoul());
    // 1 -> 3 negative posts in one hour: nothing.
    let trend = analyze(small_account(2), config.clone()).unwrap();
    let hour_40 = &trend.series[40];
    assert_eq!(hour_40.negative, 3);
    assert!(trend.alerts.is_empty(), "{}", describe(&trend));
    // The same account with 1 -> 12 is a wave (so the quiet above is the method's choice).
    let trend = analyze(small_account(11), config).unwrap();
    assert_eq!(trend.episodes.len(), 1, "{}", describe(&trend));
    assert_eq!(trend.episodes[0].start.timestamp(), at("2009-11-22 16:00"));
}

#[test]
fn batch_and_online_give_the_same_episodes() {
    let scenario = generate(&week(11, Some(rumour())));
    // Batch, from a shuffled copy.
    let mut shuffled = scenario.observations.clone();
    let mut rng = common::Rng::new(99);
    for i in (1..shuffled.len()).rev() {
        shuffled.swap(i, rng.below(i + 1));
    }
    let batch = analyze(shuffled, config(&scenario)).unwrap();
    assert!(!batch.episodes.is_empty());

    // Online: one post at a time in time order, a clock tick every hour, events as they come.
    let mut monitor = Monitor::new(config(&scenario)).unwrap();
    let mut online = Trend::new(monitor.config());
    let mut next_tick = scenario.start + HOUR;
    let mut alert_before_close = false;
    for observation in &scenario.observations {
        while observation.time >= next_tick {
            monitor.advance_to(next_tick).unwrap();
            next_tick += HOUR;
        }
        monitor.push(observation).unwrap();
        for event in monitor.drain_events() {
            if let Event::EpisodeStarted(alert) = &event {
                // Raised while its bucket was still open.
                alert_before_close |= alert.target.is_none()
                    && alert.detected_at.timestamp() < alert.bucket.timestamp() + HOUR;
            }
            online.record(event);
        }
    }
    monitor.finish();
    let online = online.complete(&mut monitor);

    assert!(alert_before_close, "{}", describe(&online));
    assert_eq!(online.episodes, batch.episodes);
    assert_eq!(online.alerts, batch.alerts);
    assert_eq!(online.series, batch.series);
}
