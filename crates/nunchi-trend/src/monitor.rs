//! The online monitor: observations in, bucket rows and episode events out.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use crate::bucket::{BucketGrid, BucketWidth};
use crate::detector::{ClosedBucket, Context, DetectorConfig, ScopeDetector};
use crate::error::Error;
use crate::observation::Observation;
use crate::report::{BucketRow, Episode, Event};
use crate::stats::Counts;
use crate::terms::TermCounts;
use crate::time::Zone;
use nunchi_score::Label;

/// Settings of a [`Monitor`].
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorConfig {
    /// Bucket width.
    pub width: BucketWidth,
    /// Zone for day buckets, bucket alignment and the times reported.
    pub zone: Zone,
    /// Target names; an observation's `targets` are indices into this list. Each target is
    /// a scope of its own, besides all posts.
    pub targets: Vec<String>,
    /// The detector's settings.
    pub detector: DetectorConfig,
    /// How many negative terms to report per bucket and per episode (5).
    pub top_terms: usize,
    /// Seconds that a bucket stays open after its end for late observations (0: a bucket
    /// closes as soon as an observation at or after its end arrives).
    pub allowed_lateness: i64,
    /// An observation more than this many buckets after the oldest open one is refused
    /// (10,000), so that one broken timestamp cannot close every bucket at once
    /// ([`analyze`](crate::analyze) widens it to its data's span).
    pub max_gap_buckets: u64,
}

impl MonitorConfig {
    /// Default settings for `width` buckets in `zone` (the detector's from
    /// [`DetectorConfig::for_width`]), without targets.
    pub fn new(width: BucketWidth, zone: Zone) -> MonitorConfig {
        MonitorConfig {
            width,
            zone,
            targets: Vec::new(),
            detector: DetectorConfig::for_width(width),
            top_terms: 5,
            allowed_lateness: 0,
            max_gap_buckets: 10_000,
        }
    }

    /// Sets the targets.
    pub fn with_targets<S: Into<String>>(mut self, targets: impl IntoIterator<Item = S>) -> Self {
        self.targets = targets.into_iter().map(Into::into).collect();
        self
    }

    /// Checks every setting.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the first setting out of range.
    pub fn validate(&self) -> Result<(), Error> {
        self.detector.validate()?;
        if self.allowed_lateness < 0 {
            return Err(Error::Config {
                name: "allowed_lateness",
                value: self.allowed_lateness.to_string(),
                reason: "zero or more seconds",
            });
        }
        if self.max_gap_buckets == 0 {
            return Err(Error::Config {
                name: "max_gap_buckets",
                value: "0".into(),
                reason: "at least 1",
            });
        }
        Ok(())
    }
}

/// Observations that a monitor refused, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejections {
    /// For a bucket already closed ([`Error::LateObservation`]).
    pub late: u64,
    /// Too far ahead of the open buckets ([`Error::TooFarAhead`]).
    pub too_far_ahead: u64,
    /// Naming an unconfigured target ([`Error::UnknownTarget`]).
    pub unknown_target: u64,
    /// With a polarity outside [-1, 1] ([`Error::InvalidPolarity`]).
    pub invalid_polarity: u64,
}

impl Rejections {
    /// All refused observations.
    pub fn total(&self) -> u64 {
        self.late + self.too_far_ahead + self.unknown_target + self.invalid_polarity
    }
}

/// Watches a stream of scored posts, bucket by bucket, and reports bucket rows, the start of
/// each negative wave as soon as the evidence suffices, and its end.
///
/// Observations should come in time order. One for a bucket that is still open (see
/// [`MonitorConfig::allowed_lateness`]) is counted there; one for a closed bucket is refused
/// with [`Error::LateObservation`] and counted in [`Monitor::rejections`]. A bucket closes
/// when an observation (or [`Monitor::advance_to`]) reaches its end plus the allowed
/// lateness.
///
/// Only the buckets that hold posts are stored and reported, per scope: a bucket row is
/// reported for each scope with posts in the bucket, none for the others. The detectors still
/// count the empty buckets (as buckets of zero posts in the baseline), in bulk: the work and
/// memory of a quiet stretch do not grow with its length, nor those of a target with the
/// buckets where it is not mentioned.
///
/// Alerts can come before their bucket closes: after each negative post the oldest open
/// bucket is tested with its counts so far, against the expectation for a whole bucket.
///
/// Events accumulate until [`Monitor::drain_events`].
#[derive(Debug)]
pub struct Monitor {
    config: MonitorConfig,
    grid: BucketGrid,
    /// Scope 0 is all posts, scope `i + 1` target `i`.
    detectors: Vec<ScopeDetector>,
    /// The scopes with an open episode: they see every bucket, empty or not, until it ends.
    in_episode: BTreeSet<usize>,
    /// Open buckets with posts, by start; empty buckets are not stored.
    open: VecDeque<OpenBucket>,
    /// Start of the first bucket; `None` before the first observation.
    origin: Option<i64>,
    /// Start of the oldest bucket not yet closed; `None` before the first observation.
    next_close: Option<i64>,
    /// The latest time seen.
    watermark: i64,
    next_episode: u32,
    events: Vec<Event>,
    rejections: Rejections,
}

#[derive(Debug)]
struct OpenBucket {
    start: i64,
    /// The scopes with posts in the bucket, by index.
    scopes: BTreeMap<usize, Tally>,
}

/// One scope's counts in an open bucket.
#[derive(Debug, Clone, Default)]
struct Tally {
    labels: [u32; 3],
    polarity_sum: f64,
    terms: TermCounts,
}

impl Tally {
    fn counts(&self) -> Counts {
        Counts {
            posts: self.labels.iter().sum(),
            negative: self.labels[Label::Negative.index()],
        }
    }
}

impl Monitor {
    /// A monitor with `config`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if a setting is out of range.
    pub fn new(config: MonitorConfig) -> Result<Monitor, Error> {
        config.validate()?;
        let detectors = std::iter::once(None)
            .chain(config.targets.iter().cloned().map(Some))
            .map(ScopeDetector::new)
            .collect();
        Ok(Monitor {
            grid: BucketGrid::new(config.width, config.zone),
            config,
            detectors,
            in_episode: BTreeSet::new(),
            open: VecDeque::new(),
            origin: None,
            next_close: None,
            watermark: i64::MIN,
            next_episode: 1,
            events: Vec::new(),
            rejections: Rejections::default(),
        })
    }

    /// The settings.
    pub fn config(&self) -> &MonitorConfig {
        &self.config
    }

    /// The bucket grid.
    pub fn grid(&self) -> &BucketGrid {
        &self.grid
    }

    /// How many buckets the monitor stores, over all scopes: each scope's tally in the open
    /// buckets, and the closed buckets its detectors keep (recent buckets with posts,
    /// baseline entries, where a run of empty buckets is one, and an open episode's last
    /// buckets). Per scope, that is at most about three times its buckets with posts among
    /// the last `baseline_buckets`: it never grows with empty buckets, and a target that is
    /// never mentioned stores nothing.
    pub fn stored_buckets(&self) -> usize {
        let open: usize = self.open.iter().map(|b| b.scopes.len()).sum();
        open + self
            .detectors
            .iter()
            .map(ScopeDetector::stored_buckets)
            .sum::<usize>()
    }

    /// Observations refused so far.
    pub fn rejections(&self) -> &Rejections {
        &self.rejections
    }

    /// Counts one observation, closing the buckets that its time completes.
    ///
    /// # Errors
    ///
    /// The observation is refused, counted in [`Self::rejections`] and otherwise ignored
    /// with [`Error::LateObservation`] (its bucket is closed), [`Error::TooFarAhead`],
    /// [`Error::UnknownTarget`] or [`Error::InvalidPolarity`].
    pub fn push(&mut self, observation: &Observation) -> Result<(), Error> {
        if let Err(e) = self.check(observation) {
            self.count_rejection(&e);
            return Err(e);
        }
        let start = self.grid.start_of(observation.time);
        self.watermark = self.watermark.max(observation.time);
        let closed = self.close_due();
        let next_close = *self.next_close.get_or_insert(start);
        self.origin.get_or_insert(start);
        if start < next_close {
            let e = Error::LateObservation {
                time: observation.time,
                open_from: next_close,
            };
            self.count_rejection(&e);
            return Err(e);
        }
        let position = self.open.partition_point(|b| b.start < start);
        if self.open.get(position).is_none_or(|b| b.start != start) {
            self.open.insert(
                position,
                OpenBucket {
                    start,
                    scopes: BTreeMap::new(),
                },
            );
        }
        let bucket = &mut self.open[position];
        let mut touched = Vec::with_capacity(1 + observation.targets.len());
        touched.push(0);
        for &target in &observation.targets {
            if !touched.contains(&(target + 1)) {
                touched.push(target + 1);
            }
        }
        for &scope in &touched {
            let tally = bucket.scopes.entry(scope).or_default();
            tally.labels[observation.label.index()] += 1;
            tally.polarity_sum += f64::from(observation.polarity);
            if observation.label == Label::Negative {
                tally.terms.add_post(&observation.negative_terms);
            }
        }
        if closed {
            self.check_head(None);
        } else if observation.label == Label::Negative && start == next_close {
            self.check_head(Some(&touched));
        }
        Ok(())
    }

    /// Tells the monitor that time `now` has come (a clock tick without posts): closes
    /// the buckets that end by then, so that quiet stretches and episode ends are reported
    /// without waiting for the next post.
    ///
    /// # Errors
    ///
    /// [`Error::TooFarAhead`] if `now` is more than `max_gap_buckets` ahead (nothing closes).
    pub fn advance_to(&mut self, now: i64) -> Result<(), Error> {
        if let Some(next_close) = self.next_close {
            self.check_gap(now, next_close)?;
        }
        self.watermark = self.watermark.max(now);
        if self.close_due() {
            self.check_head(None);
        }
        Ok(())
    }

    /// Closes every bucket up to the newest one that has posts: the end of a batch. Later
    /// observations for those buckets are late.
    pub fn finish(&mut self) {
        let Some(last) = self.open.back().map(|b| b.start) else {
            return;
        };
        self.close_until(self.grid.next_start(last));
    }

    /// Takes the events reported so far, in order.
    pub fn drain_events(&mut self) -> std::vec::Drain<'_, Event> {
        self.events.drain(..)
    }

    /// The episodes still going on, as they stand (without `end`), by id.
    pub fn ongoing_episodes(&self) -> Vec<Episode> {
        let cx = context(&self.config, &self.grid, self.origin);
        let mut episodes: Vec<_> = self
            .in_episode
            .iter()
            .filter_map(|&scope| self.detectors[scope].ongoing(&cx))
            .collect();
        episodes.sort_by_key(|e| e.episode);
        episodes
    }

    fn check(&self, observation: &Observation) -> Result<(), Error> {
        let polarity = observation.polarity;
        if !(-1.0..=1.0).contains(&polarity) {
            return Err(Error::InvalidPolarity { polarity });
        }
        let count = self.config.targets.len();
        if let Some(&index) = observation.targets.iter().find(|&&i| i >= count) {
            return Err(Error::UnknownTarget { index, count });
        }
        if let Some(next_close) = self.next_close {
            self.check_gap(observation.time, next_close)?;
        }
        Ok(())
    }

    fn check_gap(&self, time: i64, next_close: i64) -> Result<(), Error> {
        let buckets = self.grid.buckets_between(next_close, time);
        if buckets > self.config.max_gap_buckets {
            return Err(Error::TooFarAhead {
                time,
                newest: self.open.back().map_or(next_close, |b| b.start),
                buckets,
                limit: self.config.max_gap_buckets,
            });
        }
        Ok(())
    }

    fn count_rejection(&mut self, error: &Error) {
        let counter = match error {
            Error::LateObservation { .. } => &mut self.rejections.late,
            Error::TooFarAhead { .. } => &mut self.rejections.too_far_ahead,
            Error::UnknownTarget { .. } => &mut self.rejections.unknown_target,
            Error::InvalidPolarity { .. } => &mut self.rejections.invalid_polarity,
            _ => return,
        };
        *counter += 1;
    }

    /// Closes the buckets whose end plus the allowed lateness the watermark has reached;
    /// whether any closed.
    fn close_due(&mut self) -> bool {
        let Some(next_close) = self.next_close else {
            return false;
        };
        // The oldest bucket still open holds the watermark less the lateness.
        let open_from = self
            .grid
            .start_of(self.watermark.saturating_sub(self.config.allowed_lateness));
        if open_from <= next_close {
            return false;
        }
        self.close_until(open_from);
        true
    }

    /// Closes every bucket that starts before `until`.
    fn close_until(&mut self, until: i64) {
        while self.open.front().is_some_and(|b| b.start < until) {
            let Some(bucket) = self.open.pop_front() else {
                break;
            };
            self.close_empty_until(bucket.start);
            self.close_bucket(bucket.start, bucket.scopes);
        }
        self.close_empty_until(until);
    }

    /// Closes the empty buckets before `until`: one by one while an episode is open (every
    /// episode ends within `calm_buckets` empty buckets), so that its end is reported when
    /// its calm stretch closes; the rest at once, as the detectors catch up later.
    fn close_empty_until(&mut self, until: i64) {
        while let Some(start) = self.next_close.filter(|&s| s < until) {
            if self.in_episode.is_empty() {
                self.next_close = Some(until);
                break;
            }
            self.close_bucket(start, BTreeMap::new());
        }
    }

    /// The prior of scope `scope`'s baseline share: the all-posts share as it stands, for a
    /// target.
    fn prior(&self, scope: usize) -> (f64, f64) {
        match scope {
            0 => (0.5, 1.0),
            _ => (
                self.detectors[0].baseline_share().unwrap_or(0.5),
                self.config.detector.target_prior_posts,
            ),
        }
    }

    /// Brings scope `scope` up to the bucket starting at `start` (see
    /// [`ScopeDetector::catch_up`]). For a target, all posts must be up to it already, as
    /// its share is the target's prior.
    fn catch_up(&mut self, scope: usize, start: i64) {
        let prior = self.prior(scope);
        let cx = context(&self.config, &self.grid, self.origin);
        self.detectors[scope].catch_up(&cx, start, prior, &mut self.events);
        self.track(scope);
    }

    /// Notes whether scope `scope` is in an episode.
    fn track(&mut self, scope: usize) {
        if self.detectors[scope].in_episode() {
            self.in_episode.insert(scope);
        } else {
            self.in_episode.remove(&scope);
        }
    }

    /// Tests the oldest open bucket for an early alert, in the scopes given (all if `None`).
    fn check_head(&mut self, scopes: Option<&[usize]>) {
        let Some(next_close) = self.next_close else {
            return;
        };
        let Some(head) = self.open.front().filter(|b| b.start == next_close) else {
            return;
        };
        let negative: Vec<usize> = match scopes {
            Some(scopes) => scopes.to_vec(),
            None => head.scopes.keys().copied().collect(),
        }
        .into_iter()
        .filter(|scope| {
            head.scopes
                .get(scope)
                .is_some_and(|tally| tally.labels[Label::Negative.index()] > 0)
        })
        .collect();
        if negative.is_empty() {
            return;
        }
        self.catch_up(0, next_close);
        for &scope in &negative {
            self.catch_up(scope, next_close);
        }
        let Some(head) = self.open.front() else {
            return;
        };
        let cx = context(&self.config, &self.grid, self.origin);
        for scope in negative {
            let tally = &head.scopes[&scope];
            let detector = &mut self.detectors[scope];
            if let Some(alert) = detector.check_open(
                &cx,
                head.start,
                tally.counts(),
                &tally.terms,
                self.watermark,
                &mut self.next_episode,
            ) {
                self.events.push(Event::EpisodeStarted(alert));
                self.in_episode.insert(scope);
            }
        }
    }

    /// Closes the bucket starting at `start` (the oldest not closed) with the tallies of its
    /// scopes with posts, in those scopes and in the scopes in an episode, all posts first.
    /// The other scopes catch up when they next have posts.
    fn close_bucket(&mut self, start: i64, tallies: BTreeMap<usize, Tally>) {
        let end = self.grid.next_start(start);
        let mut scopes: BTreeSet<usize> = tallies.keys().copied().collect();
        scopes.extend(&self.in_episode);
        // All posts always, as the prior of the targets.
        scopes.insert(0);
        // Every scope up to the bucket first: the targets' catch-up takes the all-posts share
        // from before it.
        for &scope in &scopes {
            self.catch_up(scope, start);
        }
        let mut tallies = tallies;
        for scope in scopes {
            match tallies.remove(&scope) {
                Some(tally) => self.close_scope(scope, start, end, tally),
                None => self.catch_up(scope, end),
            }
        }
        self.next_close = Some(end);
    }

    /// Closes the bucket `start..end` of a scope with posts in it, and reports its row.
    fn close_scope(&mut self, scope: usize, start: i64, end: i64, tally: Tally) {
        let prior = self.prior(scope);
        let cx = context(&self.config, &self.grid, self.origin);
        let counts = tally.counts();
        let top_negative_terms = tally.terms.top(cx.top_terms);
        let mut episode_events = Vec::new();
        let detector = &mut self.detectors[scope];
        let target = detector.target().map(str::to_owned);
        let evaluation = detector.close(
            &cx,
            ClosedBucket {
                start,
                end,
                counts,
                terms: tally.terms,
                evaluation: None,
            },
            prior,
            &mut self.next_episode,
            &mut episode_events,
        );
        let posts = f64::from(counts.posts);
        let zone = self.grid.zone();
        self.events.push(Event::Bucket(BucketRow {
            target,
            start: zone.datetime(start),
            end: zone.datetime(end),
            posts: counts.posts,
            negative: tally.labels[Label::Negative.index()],
            neutral: tally.labels[Label::Neutral.index()],
            positive: tally.labels[Label::Positive.index()],
            negative_share: Some(f64::from(counts.negative) / posts),
            mean_polarity: Some(tally.polarity_sum / posts),
            baseline_share: evaluation.map(|e| e.baseline_share),
            expected_negative: evaluation.map(|e| e.expected_negative),
            p_share: evaluation.map(|e| e.p_share),
            p_count: evaluation.map(|e| e.p_count),
            top_negative_terms,
        }));
        self.events.append(&mut episode_events);
        self.track(scope);
    }
}

fn context<'a>(config: &'a MonitorConfig, grid: &BucketGrid, origin: Option<i64>) -> Context<'a> {
    Context {
        config: &config.detector,
        grid: *grid,
        // Detectors are only called after the first observation, which sets it.
        origin: origin.unwrap_or_default(),
        top_terms: config.top_terms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Trigger;

    const HOUR: i64 = 3_600;
    // 2009-11-26T00:00:00+09:00
    const DAY0: i64 = 1_259_161_200;

    fn monitor(lateness: i64, targets: &[&str]) -> Monitor {
        let mut config = MonitorConfig::new("1h".parse().unwrap(), "+09:00".parse().unwrap())
            .with_targets(targets.iter().copied());
        config.allowed_lateness = lateness;
        Monitor::new(config).unwrap()
    }

    fn negative(time: i64) -> Observation {
        Observation::new(time, Label::Negative, -0.9)
    }

    fn positive(time: i64) -> Observation {
        Observation::new(time, Label::Positive, 0.9)
    }

    fn rows(events: &[Event]) -> Vec<&BucketRow> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Bucket(row) => Some(row),
                _ => None,
            })
            .collect()
    }

    /// `hours` quiet hours from DAY0: 20 posts an hour, 4 negative.
    fn quiet(monitor: &mut Monitor, hours: i64) {
        for hour in 0..hours {
            for i in 0..20 {
                let time = DAY0 + hour * HOUR + i * 150;
                let post = if i % 5 == 0 {
                    negative(time)
                } else {
                    positive(time)
                };
                monitor.push(&post).unwrap();
            }
        }
    }

    #[test]
    fn late_observations_are_refused_and_counted() {
        let mut m = monitor(0, &[]);
        m.push(&positive(DAY0 + 300)).unwrap();
        m.push(&positive(DAY0 + HOUR + 300)).unwrap();
        let err = m.push(&negative(DAY0 + 3_000)).unwrap_err();
        assert!(
            matches!(err, Error::LateObservation { time, open_from } if time == DAY0 + 3_000 && open_from == DAY0 + HOUR),
            "{err}"
        );
        // Within the open bucket, out of order is fine.
        m.push(&negative(DAY0 + HOUR + 100)).unwrap();
        assert_eq!(m.rejections().late, 1);
        m.finish();
        let events: Vec<_> = m.drain_events().collect();
        let rows = rows(&events);
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].posts, rows[0].negative), (1, 0));
        assert_eq!((rows[1].posts, rows[1].negative), (2, 1));
    }

    #[test]
    fn allowed_lateness_keeps_a_bucket_open() {
        let mut m = monitor(600, &[]);
        m.push(&positive(DAY0 + 300)).unwrap();
        m.push(&positive(DAY0 + HOUR + 300)).unwrap();
        m.push(&negative(DAY0 + 3_000)).unwrap();
        assert_eq!(
            m.drain_events().count(),
            0,
            "the first bucket is still open"
        );
        m.push(&positive(DAY0 + HOUR + 700)).unwrap();
        let events: Vec<_> = m.drain_events().collect();
        assert_eq!(rows(&events).len(), 1);
        assert_eq!((rows(&events)[0].posts, rows(&events)[0].negative), (2, 1));
        assert!(m.push(&negative(DAY0 + 3_100)).is_err());
        assert_eq!(m.rejections().late, 1);
    }

    #[test]
    fn empty_buckets_and_unmentioned_targets_have_no_rows() {
        let mut m = monitor(0, &["KT", "SK"]);
        m.push(&positive(DAY0).with_targets(vec![1])).unwrap();
        m.push(&negative(DAY0 + 4 * HOUR + 1)).unwrap();
        m.finish();
        let events: Vec<_> = m.drain_events().collect();
        let rows: Vec<(Option<&str>, String, u32)> = rows(&events)
            .iter()
            .map(|r| (r.target.as_deref(), r.start.to_rfc3339(), r.posts))
            .collect();
        assert_eq!(
            rows,
            [
                (None, "2009-11-26T00:00:00+09:00".into(), 1),
                (Some("SK"), "2009-11-26T00:00:00+09:00".into(), 1),
                (None, "2009-11-26T04:00:00+09:00".into(), 1),
            ]
        );
    }

    #[test]
    fn bad_observations_are_refused_without_effect() {
        let mut m = monitor(0, &["KT"]);
        m.push(&positive(DAY0)).unwrap();
        let far = DAY0 + 20_000 * HOUR;
        assert!(matches!(
            m.push(&positive(far)),
            Err(Error::TooFarAhead {
                buckets: 20_000,
                ..
            })
        ));
        assert!(matches!(m.advance_to(far), Err(Error::TooFarAhead { .. })));
        let unknown = positive(DAY0 + 10).with_targets(vec![0, 1]);
        assert!(matches!(
            m.push(&unknown),
            Err(Error::UnknownTarget { index: 1, count: 1 })
        ));
        let nan = Observation::new(DAY0 + 20, Label::Neutral, f32::NAN);
        assert!(matches!(m.push(&nan), Err(Error::InvalidPolarity { .. })));
        let rejections = *m.rejections();
        assert_eq!(
            (
                rejections.too_far_ahead,
                rejections.unknown_target,
                rejections.invalid_polarity
            ),
            (1, 1, 1)
        );
        assert_eq!(rejections.total(), 3);
        m.push(&positive(DAY0 + 30).with_targets(vec![0, 0]))
            .unwrap();
        m.finish();
        let events: Vec<_> = m.drain_events().collect();
        let rows = rows(&events);
        assert_eq!(rows.len(), 2, "one bucket, two scopes");
        assert_eq!((rows[0].target.as_deref(), rows[0].posts), (None, 2));
        assert_eq!((rows[1].target.as_deref(), rows[1].posts), (Some("KT"), 1));
    }

    #[test]
    fn a_strong_wave_alerts_before_its_bucket_closes() {
        let mut m = monitor(0, &[]);
        quiet(&mut m, 30);
        let wave_start = DAY0 + 30 * HOUR;
        m.advance_to(wave_start).unwrap();
        m.drain_events().for_each(drop);
        let mut alert_after = None;
        for i in 0..40 {
            m.push(&negative(wave_start + i * 60)).unwrap();
            let events: Vec<_> = m.drain_events().collect();
            assert!(rows(&events).is_empty(), "the wave's bucket is still open");
            if let Some(Event::EpisodeStarted(alert)) = events.first() {
                alert_after = Some((i + 1, alert.clone()));
                break;
            }
        }
        let (posts, alert) = alert_after.expect("an alert within the hour");
        assert!(posts < 15, "alerted only after {posts} negative posts");
        assert_eq!(alert.trigger, Trigger::Single);
        assert_eq!(alert.bucket.timestamp(), wave_start);
        assert_eq!(alert.detected_at.timestamp(), wave_start + (posts - 1) * 60);
        assert!(alert.negative >= m.config().detector.min_negative);
    }

    #[test]
    fn advancing_the_clock_ends_an_episode_in_silence() {
        let mut m = monitor(0, &[]);
        quiet(&mut m, 30);
        for i in 0..40 {
            m.push(&negative(DAY0 + 30 * HOUR + i * 60)).unwrap();
        }
        m.advance_to(DAY0 + 33 * HOUR).unwrap();
        assert_eq!(m.ongoing_episodes().len(), 1);
        m.advance_to(DAY0 + 34 * HOUR).unwrap();
        let events: Vec<_> = m.drain_events().collect();
        let ended: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                Event::EpisodeEnded(episode) => Some(episode),
                _ => None,
            })
            .collect();
        assert_eq!(ended.len(), 1);
        assert_eq!(ended[0].end.unwrap().timestamp(), DAY0 + 31 * HOUR);
        assert_eq!(ended[0].ended_at.unwrap().timestamp(), DAY0 + 34 * HOUR);
        assert!(m.ongoing_episodes().is_empty());
    }

    /// `hours` hours from DAY0 + `from` hours: 100 posts an hour, `negatives` of them
    /// negative.
    fn steady(monitor: &mut Monitor, from: i64, hours: i64, negatives: i64) -> Vec<Event> {
        for hour in from..from + hours {
            for i in 0..100 {
                let time = DAY0 + hour * HOUR + i * 30;
                let post = if i < negatives {
                    negative(time)
                } else {
                    positive(time)
                };
                monitor.push(&post).unwrap();
            }
        }
        monitor.advance_to(DAY0 + (from + hours) * HOUR).unwrap();
        monitor.drain_events().collect()
    }

    fn alerts(events: &[Event]) -> Vec<&crate::report::Alert> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::EpisodeStarted(alert) => Some(alert),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_moderate_rise_alerts_only_when_it_persists() {
        let mut m = monitor(0, &[]);
        steady(&mut m, 0, 24, 20);
        // 30 of 100: p ≈ 0.011 (share) and 0.022 (count), far from 0.001 alone.
        let one = steady(&mut m, 24, 1, 30);
        let row = rows(&one)[0];
        let (p_share, p_count) = (row.p_share.unwrap(), row.p_count.unwrap());
        assert!((0.001..0.05).contains(&p_share), "{p_share}");
        assert!((0.001..0.05).contains(&p_count), "{p_count}");
        assert!(alerts(&one).is_empty());
        // Held out of the baseline as a possible lead-up: the baseline stays at 20%.
        assert_eq!(
            rows(&steady(&mut m, 25, 1, 20))[0].baseline_share,
            row.baseline_share
        );
        // Two such hours in a row: not yet; three: pooled, p ≈ 3e-5 and 2e-4.
        assert!(alerts(&steady(&mut m, 26, 2, 30)).is_empty());
        let third = steady(&mut m, 28, 1, 30);
        let alert = alerts(&third)[0];
        assert_eq!(alert.trigger, Trigger::Persistent);
        assert_eq!(
            alert.start.timestamp(),
            DAY0 + 26 * HOUR,
            "the run's first bucket"
        );
        assert_eq!(alert.bucket.timestamp(), DAY0 + 28 * HOUR);
        // Three calm hours end it, at the end of the run.
        let calm = steady(&mut m, 29, 3, 20);
        let ended: Vec<_> = calm
            .iter()
            .filter_map(|e| match e {
                Event::EpisodeEnded(episode) => Some(episode),
                _ => None,
            })
            .collect();
        assert_eq!(ended.len(), 1);
        assert_eq!(ended[0].end.unwrap().timestamp(), DAY0 + 29 * HOUR);
        assert_eq!((ended[0].buckets, ended[0].negative), (3, 90));
    }

    #[test]
    fn settings_are_validated() {
        let mut config = MonitorConfig::new("1h".parse().unwrap(), Zone::utc());
        config.detector.alpha = 0.0;
        assert!(matches!(
            Monitor::new(config.clone()),
            Err(Error::Config { name: "alpha", .. })
        ));
        config.detector.alpha = 0.001;
        config.allowed_lateness = -1;
        assert!(matches!(
            Monitor::new(config),
            Err(Error::Config {
                name: "allowed_lateness",
                ..
            })
        ));
    }
}
